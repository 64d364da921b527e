//! 短信: the `SmsGateway` interface and its one implementation, an HTTP gateway in the shape of
//! the 阿里云 / 腾讯云 SMS APIs (a signature name, a template id per kind of notice, the
//! template's parameters), configured by `JIANDING_SMS_URL`, `JIANDING_SMS_KEY`,
//! `JIANDING_SMS_SIGN` and `JIANDING_SMS_TEMPLATES` (`invitation=SMS_1,overdue=SMS_2,*=SMS_0`).
//! Off unless configured. The message text is sent too (for gateways that take free text) with
//! its segment count (70 characters alone, 67 a part).
//!
//! This build has no TLS client stack: the gateway URL is an `http://` address on the bureau's
//! network (a relay or the provider's SDK bridge), which carries the request on over HTTPS.

use super::message::Claimed;
use crate::domain::notice::sms_segments;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

/// Makes and sends one text message. A future boxed so that the gateway can be chosen at start
/// (another provider, or a government SMS platform, implements this).
pub trait SmsGateway: Send + Sync {
    /// The message of a claimed delivery.
    fn message(&self, c: &Claimed) -> TextMessage;
    fn send<'a>(
        &'a self,
        message: &'a TextMessage,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// A text message as the gateway gets it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TextMessage {
    pub phone: String,
    pub sign_name: String,
    pub template: String,
    pub params: HashMap<String, String>,
    pub text: String,
    pub segments: usize,
    /// The caller's id of the message (the provider's `OutId`), for telling copies apart.
    pub out_id: String,
}

/// The HTTP gateway: `POST <url>` with the message as JSON and `Authorization: Bearer <key>`;
/// a 2xx answer whose `Code`/`code` (if any) is `OK` is a sent message.
pub struct HttpSms {
    url: String,
    key: String,
    sign_name: String,
    templates: HashMap<String, String>,
    client: reqwest::Client,
}

impl HttpSms {
    pub fn new(url: &str, key: &str, sign_name: &str, templates: &str) -> Result<HttpSms, String> {
        if !url.starts_with("http://") {
            return Err(format!(
                "JIANDING_SMS_URL must be an http:// address (got {url})"
            ));
        }
        let mut t = HashMap::new();
        for part in templates
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("JIANDING_SMS_TEMPLATES: not kind=template: {part}"))?;
            t.insert(k.trim().to_string(), v.trim().to_string());
        }
        if t.is_empty() {
            return Err("JIANDING_SMS_TEMPLATES: no template (e.g. *=SMS_0000)".into());
        }
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpSms {
            url: url.into(),
            key: key.into(),
            sign_name: sign_name.into(),
            templates: t,
            client,
        })
    }

    /// The message of a claimed delivery: the notice's facts as the template's parameters.
    fn text_message(&self, c: &Claimed) -> TextMessage {
        let facts: Vec<(String, String)> = super::notices::facts_pairs(&c.notice);
        let locale = crate::i18n::normalize(&c.locale);
        let (title, body) = crate::i18n::notice_text(locale, &c.notice.kind, &facts);
        let text = format!("【{}】{title}：{body}", self.sign_name);
        let template = self
            .templates
            .get(&c.notice.kind)
            .or_else(|| self.templates.get("*"))
            .cloned()
            .unwrap_or_default();
        TextMessage {
            phone: c.delivery.address.clone(),
            sign_name: self.sign_name.clone(),
            template,
            params: facts.into_iter().collect(),
            segments: sms_segments(&text),
            text,
            out_id: format!("notice-{}-{}", c.notice.id, c.delivery.id),
        }
    }
}

impl SmsGateway for HttpSms {
    fn message(&self, c: &Claimed) -> TextMessage {
        self.text_message(c)
    }

    fn send<'a>(
        &'a self,
        m: &'a TextMessage,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            if m.template.is_empty() {
                return Err(format!("no SMS template for this notice ({})", m.out_id));
            }
            let r = self
                .client
                .post(&self.url)
                .bearer_auth(&self.key)
                .json(m)
                .send()
                .await
                .map_err(|e| format!("SMS gateway: {e}"))?;
            let status = r.status();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            let code = body
                .get("Code")
                .or_else(|| body.get("code"))
                .and_then(|c| c.as_str());
            match (status.is_success(), code) {
                (true, None) | (true, Some("OK")) => Ok(()),
                (_, code) => Err(format!(
                    "SMS gateway answered {status} {}",
                    code.unwrap_or_default()
                )),
            }
        })
    }
}
