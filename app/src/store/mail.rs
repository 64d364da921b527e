//! E-mail over SMTP (`lettre`): one notice a message, plain text and HTML, in the recipient's
//! language, linking to the page of the next step. Configured by `JIANDING_SMTP_URL`
//! (`smtp://[user:password@]host[:port]`, a relay on the bureau's network) and
//! `JIANDING_MAIL_FROM`.
//!
//! This build speaks plain SMTP to the relay (lettre without a TLS feature keeps the tree free
//! of a second TLS stack); a relay across an untrusted network needs one (README).

use super::message::Claimed;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The site's address, for the links.
    base_url: String,
    /// The host part of Message-IDs.
    domain: String,
}

/// A user name and password.
type Login = Option<(String, String)>;

/// The parts of `smtp://[user:password@]host[:port]`.
fn parse_url(url: &str) -> Result<(Login, String, u16), String> {
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| format!("JIANDING_SMTP_URL must start with smtp:// (got {url})"))?;
    let rest = rest.trim_end_matches('/');
    let (creds, hostport) = match rest.rsplit_once('@') {
        Some((c, h)) => {
            let (u, p) = c.split_once(':').unwrap_or((c, ""));
            (Some((decode(u), decode(p))), h)
        }
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h.to_string(),
            p.parse::<u16>()
                .map_err(|_| format!("JIANDING_SMTP_URL: not a port: {p}"))?,
        ),
        None => (hostport.to_string(), 25),
    };
    if host.is_empty() {
        return Err("JIANDING_SMTP_URL: no host".into());
    }
    Ok((creds, host, port))
}

/// Percent-decoding of the user and password (`%40` for `@` and so on).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Mailer {
    pub fn new(url: &str, from: &str, base_url: &str) -> Result<Mailer, String> {
        let (creds, host, port) = parse_url(url)?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("JIANDING_MAIL_FROM: not an address ({e})"))?;
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let Some((u, p)) = creds {
            b = b.credentials(Credentials::new(u, p));
        }
        let domain = from.email.domain().to_string();
        Ok(Mailer {
            transport: b.build(),
            from,
            base_url: base_url.trim_end_matches('/').to_string(),
            domain,
        })
    }

    /// The message of a claimed delivery.
    pub fn message(&self, c: &Claimed) -> Result<Message, String> {
        let facts: Vec<(String, String)> = super::notices::facts_pairs(&c.notice);
        let locale = crate::i18n::normalize(&c.locale);
        let (title, body) = crate::i18n::notice_text(locale, &c.notice.kind, &facts);
        let link = format!("{}{}", self.base_url, c.notice.link);
        let open = crate::i18n::text(locale, "mail.open");
        let footer = crate::i18n::text(locale, "mail.footer");
        let app = crate::i18n::text(locale, "app.title");
        // A digest lists its notices, each with its own link.
        let mut list_plain = String::new();
        let mut list_html = String::new();
        for n in &c.items {
            let (t, b) = crate::i18n::notice_text(locale, &n.kind, &super::notices::facts_pairs(n));
            let l = format!("{}{}", self.base_url, n.link);
            list_plain.push_str(&format!("\n* {t}\n  {b}\n  {l}\n"));
            list_html.push_str(&format!(
                "<li><a href=\"{}\">{}</a><br>{}</li>",
                esc(&l),
                esc(&t),
                esc(&b)
            ));
        }
        if !list_html.is_empty() {
            list_html = format!("<ul>{list_html}</ul>");
        }
        let plain = format!("{body}\n{list_plain}\n{open}: {link}\n\n-- \n{app}\n{footer}\n");
        let html = format!(
            "<!DOCTYPE html><html lang=\"{locale}\"><body style=\"font-family:sans-serif;font-size:16px\">\
             <h1 style=\"font-size:20px\">{}</h1><p>{}</p>{list_html}<p><a href=\"{}\">{}</a></p>\
             <hr><p style=\"color:#484949\">{}<br>{}</p></body></html>",
            esc(&title),
            esc(&body),
            esc(&link),
            esc(&open),
            esc(&app),
            esc(&footer)
        );
        let to: Mailbox = c
            .delivery
            .address
            .parse()
            .map_err(|e| format!("not an address: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(title)
            .message_id(Some(format!(
                "<notice-{}-{}@{}>",
                c.notice.id, c.delivery.id, self.domain
            )))
            .multipart(MultiPart::alternative_plain_html(plain, html))
            .map_err(|e| e.to_string())
    }

    /// Sends one claimed delivery: `Err` with the reason when the server refused or was away.
    pub async fn send(&self, c: &Claimed) -> Result<(), String> {
        let m = self.message(c)?;
        self.transport
            .send(m)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_read() {
        assert_eq!(
            parse_url("smtp://127.0.0.1:2525").unwrap(),
            (None, "127.0.0.1".into(), 2525)
        );
        assert_eq!(
            parse_url("smtp://mail.cjedu.gov.cn").unwrap(),
            (None, "mail.cjedu.gov.cn".into(), 25)
        );
        assert_eq!(
            parse_url("smtp://notice%40cj:p%3Ass@relay:587/").unwrap(),
            (
                Some(("notice@cj".into(), "p:ss".into())),
                "relay".into(),
                587
            )
        );
        assert!(parse_url("http://relay").is_err());
        assert!(parse_url("smtp://relay:port").is_err());
        assert!(parse_url("smtp://:25").is_err());
    }
}
