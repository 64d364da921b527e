//! E-mail notices (issue 22) against a real SMTP server (Debian's `python3-aiosmtpd`, started
//! on a free port and writing a maildir) and the real server (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set): whoever asks for e-mail gets each notice once, in their
//! language, with the link and a properly encoded Chinese subject; a relay that refuses for a
//! while is retried and the mail delivered once; a sender that stops after the event was
//! committed (or after it claimed the mail) leaves it to the next one, which sends it once;
//! text messages go through an HTTP gateway (a local one recording the requests), retried when
//! it throttles, to those who asked for them, for the kinds that need a prompt answer.

mod common;

use app::store::clock::Clock;
use app::store::testing::TestDb;
use chrono::Duration;
use common::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A local SMTP server writing what it receives to a maildir.
struct Smtp {
    child: Child,
    port: u16,
    dir: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Smtp {
    async fn start(port: u16) -> Smtp {
        let dir = std::env::temp_dir().join(format!("jianding_mail_{port}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd (make tools installs it)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Smtp { child, port, dir };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the SMTP server did not start on {port}");
    }

    /// The messages received, parsed by Python's own e-mail package (so the encoding is
    /// checked by another implementation than the one that wrote it).
    fn messages(&self) -> Vec<Value> {
        let new = self.dir.join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return vec![];
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        files
            .into_iter()
            .map(|f| {
                let out = Command::new("/usr/bin/python3")
                    .arg("-c")
                    .arg(
                        "import sys, json, email, email.policy\n\
                         m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                         print(json.dumps({'subject': m['subject'], 'to': m['to'], 'from': m['from'],\n\
                           'message_id': m['message-id'], 'text': m.get_body(('plain',)).get_content(),\n\
                           'html': m.get_body(('html',)).get_content()}))",
                    )
                    .arg(&f)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
                // The Subject line as it travelled.
                let raw = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
                let line = raw
                    .lines()
                    .find(|l| l.starts_with("Subject: "))
                    .unwrap_or_default()
                    .to_string();
                v["raw_subject"] = json!(line.trim_start_matches("Subject: "));
                v
            })
            .collect()
    }

    /// Waits until `n` messages have arrived (or fails after 20 s).
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("expected {n} messages, got {:?}", self.messages());
    }

    /// How many messages have arrived (without reading them).
    fn count(&self) -> usize {
        std::fs::read_dir(self.dir.join("new")).map_or(0, |d| d.count())
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

async fn wants_mail(s: &Srv, who: &str, address: &str) {
    let (st, v) = set_contact(
        s,
        who,
        json!({ "email": address, "phone": "", "by_email": true, "by_sms": false }),
    )
    .await;
    assert_eq!(st, 200, "{v}");
}

/// The account's contact (with its kinds as they are: the defaults at first) changed by
/// `patch`, saved at its current version.
async fn set_contact(s: &Srv, who: &str, patch: Value) -> (u16, Value) {
    let (st, v) = s.form(who, "my_contact", &[]).await;
    assert_eq!(st, 200, "{v}");
    let mut contact = v["contact"].clone();
    for (k, x) in patch.as_object().unwrap() {
        contact[k] = x.clone();
    }
    let version = v["version"].as_i64().unwrap();
    s.call(
        who,
        "save_contact",
        json!({ "contact": contact, "version": version }),
    )
    .await
}

fn with_mail(port: u16) -> impl FnOnce(&mut app::api::server::Settings) {
    move |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_from = "昌吉州校外培训鉴定平台 <noreply@cjedu.example.cn>".into();
        s.outbox_every = std::time::Duration::from_millis(100);
    }
}

/// The deliveries the clerk's record shows for a case.
async fn deliveries(s: &Srv, clerk: &str, id: i64) -> Vec<Value> {
    let (st, v) = s
        .form(clerk, "case_notices", &[("case_id", &id.to_string())])
        .await;
    assert_eq!(st, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["deliveries"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn whoever_asks_for_email_gets_each_notice_once() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let smtp = Smtp::start(free_port()).await;
        let s = Srv::start_with(db, with_mail(smtp.port)).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        wants_mail(&s, &inst, "jigou@example.cn").await;
        wants_mail(&s, &clerk, "xian-jbr@cjedu.example.cn").await;
        // A bad address and a stale save are refused with their field and change nothing.
        let (st, v) = set_contact(&s, &inst, json!({ "email": "not-an-address" })).await;
        assert_eq!(st, 422, "{kind}: {v}");
        assert_eq!(
            field_errors(&v),
            [("email".to_string(), "err.contact.email".to_string())]
        );
        let (_, mine) = s.form(&inst, "my_contact", &[]).await;
        let (st, _) = s
            .call(
                &inst,
                "save_contact",
                json!({ "contact": mine["contact"], "version": 0 }),
            )
            .await;
        assert_eq!(st, 409, "{kind}");

        let id = submitted(&s, &inst, "少儿编程邮件班").await;
        let mails = smtp.wait_for(2).await;
        let to_inst = mails
            .iter()
            .find(|m| m["to"].as_str().unwrap().contains("jigou@example.cn"))
            .unwrap_or_else(|| panic!("{kind}: {mails:?}"));
        assert_eq!(to_inst["subject"], "申请已提交", "{kind}");
        // The Chinese subject travels encoded (RFC 2047), not as raw bytes.
        assert!(
            to_inst["raw_subject"].as_str().unwrap().starts_with("=?"),
            "{to_inst}"
        );
        let text = to_inst["text"].as_str().unwrap();
        assert!(text.contains("少儿编程邮件班"), "{text}");
        assert!(text.contains(&format!("{}/cases/{id}", s.base)), "{text}");
        assert!(to_inst["html"]
            .as_str()
            .unwrap()
            .contains(&format!("href=\"{}/cases/{id}\"", s.base)));
        assert!(to_inst["from"]
            .as_str()
            .unwrap()
            .contains("noreply@cjedu.example.cn"));
        let to_clerk = mails
            .iter()
            .find(|m| m["to"].as_str().unwrap().contains("xian-jbr@"))
            .unwrap();
        assert_eq!(to_clerk["subject"], "新的鉴定申请");

        // The record shows both sent; nothing arrives twice.
        for _ in 0..50 {
            if deliveries(&s, &clerk, id)
                .await
                .iter()
                .all(|d| d["state"] == "sent")
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let d = deliveries(&s, &clerk, id).await;
        assert_eq!(d.len(), 2, "{kind}: {d:?}");
        assert!(
            d.iter()
                .all(|d| d["state"] == "sent" && d["channel"] == "email"),
            "{d:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(smtp.messages().len(), 2, "{kind}");

        // Someone who asked for nothing gets the inbox only; an English reader gets English.
        let (st, _) = s.form(&inst, "set_locale", &[("locale", "en")]).await;
        assert_eq!(st, 200);
        let clerk_ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "case_action", json!({ "input": { "id": id, "version": clerk_ver, "action": { "kind": "accept" } } })).await;
        assert_eq!(st, 200, "{v}");
        let mails = smtp.wait_for(3).await;
        assert_eq!(
            mails.len(),
            3,
            "{kind}: the clerk is not told of their own acceptance"
        );
        let last = mails
            .iter()
            .find(|m| m["subject"] == "Application accepted")
            .unwrap_or_else(|| panic!("{kind}: {mails:?}"));
        assert!(last["to"].as_str().unwrap().contains("jigou@"));
        assert!(last["text"]
            .as_str()
            .unwrap()
            .contains("has been accepted as case CJ-"));
        s.stop().await;
        smtp.stop();
    }
}

#[tokio::test]
async fn a_refusing_relay_is_retried_and_the_mail_delivered_once() {
    for db in TestDb::all().await {
        let kind = db.kind;
        // Nothing listens on the port yet: the relay is down.
        let port = free_port();
        let s = Srv::start_with(db, with_mail(port)).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        wants_mail(&s, &inst, "jigou@example.cn").await;
        let id = submitted(&s, &inst, "无人机邮件班").await;
        // The procedure went on: the case is submitted whatever the mail does.
        assert_eq!(state(&s, &inst, id).await, "submitted");
        let mut d = vec![];
        for _ in 0..100 {
            d = deliveries(&s, &clerk, id).await;
            if d.first()
                .is_some_and(|d| d["attempts"].as_i64() >= Some(1) && d["last_error"] != "")
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(d[0]["state"], "pending", "{kind}: {d:?}");
        assert!(d[0]["last_error"].as_str().unwrap() != "", "{d:?}");

        // The relay comes back; once the backoff has passed the mail goes, once.
        let smtp = Smtp::start(port).await;
        s.clock.advance(Duration::hours(2));
        let mails = smtp.wait_for(1).await;
        assert_eq!(mails[0]["subject"], "申请已提交", "{kind}");
        s.clock.advance(Duration::hours(2));
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(smtp.messages().len(), 1, "{kind}");
        let clerk = s.login("xian-jbr").await;
        let d = deliveries(&s, &clerk, id).await;
        assert_eq!(d[0]["state"], "sent", "{kind}: {d:?}");
        // Each attempt is on the record: the refusals with their error, then the one sent.
        let tries = d[0]["tries"].as_array().unwrap();
        assert_eq!(
            tries.len() as i64,
            d[0]["attempts"].as_i64().unwrap(),
            "{d:?}"
        );
        assert!(tries.len() >= 2, "{kind}: {tries:?}");
        let (last, before) = tries.split_last().unwrap();
        assert_eq!(last[1], true, "{tries:?}");
        assert!(
            before.iter().all(|t| t[1] == false && t[2] != ""),
            "{tries:?}"
        );
        s.stop().await;
        smtp.stop();
    }
}

#[tokio::test]
async fn a_kind_turned_off_is_not_mailed_and_a_digest_mails_the_day_once() {
    use app::store::jobs::settle_due;
    for db in TestDb::all().await {
        let kind = db.kind;
        let smtp = Smtp::start(free_port()).await;
        let s = Srv::start_with(db, with_mail(smtp.port)).await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        // The institution wants every kind by e-mail but its receipt.
        let (_, mine) = s.form(&inst, "my_contact", &[]).await;
        let kinds: Vec<Value> = mine["contact"]["email_kinds"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| *k != "submitted")
            .cloned()
            .collect();
        assert!(kinds.contains(&json!("accepted")), "{mine}");
        assert_eq!(mine["may_digest"], false);
        let (st, v) = set_contact(
            &s,
            &inst,
            json!({ "email": "jigou@example.cn", "by_email": true, "email_kinds": kinds }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        // A digest is for bureau staff, and needs the e-mail it is sent by.
        let (st, v) = set_contact(&s, &inst, json!({ "digest": true })).await;
        assert_eq!(st, 422, "{kind}: {v}");
        assert_eq!(field_keys(&v), ["err.contact.digest_not_offered"]);
        let (st, v) = set_contact(&s, &clerk, json!({ "digest": true })).await;
        assert_eq!(st, 422, "{kind}: {v}");
        assert_eq!(
            field_errors(&v),
            [(
                "digest".to_string(),
                "err.contact.digest_needs_email".to_string()
            )]
        );
        let (st, v) = set_contact(
            &s,
            &clerk,
            json!({ "email": "xian-jbr@cjedu.example.cn", "by_email": true, "digest": true }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        let (_, saved) = s.form(&clerk, "my_contact", &[]).await;
        assert_eq!(saved["contact"]["digest"], true, "{saved}");

        // Submitted: nothing by e-mail (the institution turned it off, the clerk takes a
        // digest). Accepted: the institution's mail, alone.
        let id = submitted(&s, &inst, "少儿汇总邮件班").await;
        let (st, v) = act(&s, &clerk, id, json!({ "kind": "accept" })).await;
        assert_eq!(st, 200, "{v}");
        let mails = smtp.wait_for(1).await;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let mails_now = smtp.messages();
        assert_eq!(mails_now.len(), 1, "{kind}: {mails_now:?}");
        assert_eq!(mails[0]["subject"], "申请已受理", "{kind}");
        assert!(mails[0]["to"]
            .as_str()
            .unwrap()
            .contains("jigou@example.cn"));

        // The day's digest (it is 09:00 in China): one mail listing the clerk's notices, each
        // with its link; the job running again the same day sends nothing more.
        let second = submitted(&s, &inst, "少儿汇总第二班").await;
        settle_due(&s.db.db, s.clock.now()).await.unwrap();
        settle_due(&s.db.db, s.clock.now()).await.unwrap();
        let mails = smtp.wait_for(2).await;
        let digest = &mails[1];
        assert!(
            digest["to"].as_str().unwrap().contains("xian-jbr@"),
            "{digest}"
        );
        assert_eq!(digest["subject"], "每日通知汇总", "{kind}");
        let text = digest["text"].as_str().unwrap();
        for (name, case) in [("少儿汇总邮件班", id), ("少儿汇总第二班", second)] {
            assert!(text.contains(name), "{kind}: {text}");
            assert!(text.contains(&format!("{}/cases/{case}", s.base)), "{text}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(smtp.messages().len(), 2, "{kind}");
        // The digest is in the clerk's inbox, already read.
        let (_, inbox) = s.form(&clerk, "my_notices", &[]).await;
        let d: Vec<&Value> = inbox["notices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "digest")
            .collect();
        assert_eq!(d.len(), 1, "{kind}: {inbox}");
        assert_eq!(d[0]["read"], true);

        // The next morning: what came since, once.
        s.clock.advance(Duration::days(1));
        let inst = s.login("jigou").await;
        let third = submitted(&s, &inst, "少儿汇总第三班").await;
        settle_due(&s.db.db, s.clock.now()).await.unwrap();
        let mails = smtp.wait_for(3).await;
        let text = mails[2]["text"].as_str().unwrap();
        assert!(text.contains("少儿汇总第三班"), "{kind}: {text}");
        assert!(text.contains(&format!("/cases/{third}")), "{text}");
        s.stop().await;
        smtp.stop();
    }
}

#[tokio::test]
async fn a_sender_that_stops_leaves_the_mail_to_the_next_which_sends_it_once() {
    use app::store::outbox;
    for db in TestDb::all().await {
        let kind = db.kind;
        let smtp = Smtp::start(free_port()).await;
        // This server sends no mail (no relay): the events commit, the mail waits in the outbox,
        // as when a server dies right after committing.
        let s = Srv::start(db).await;
        let inst = s.login("jigou").await;
        wants_mail(&s, &inst, "jigou@example.cn").await;
        let a = submitted(&s, &inst, "机器人邮件班").await;
        let b = submitted(&s, &inst, "航模邮件班").await;
        let _ = (a, b);
        // A sender claims the first mail and dies before sending (its lease stands).
        let now = s.clock.now();
        let claimed = outbox::claim(&s.db.db, app::domain::notice::Channel::Email, 1, now)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1, "{kind}");
        // A second sender claims at the same time: it does not get the leased one.
        let other = outbox::claim(&s.db.db, app::domain::notice::Channel::Email, 10, now)
            .await
            .unwrap();
        assert_eq!(other.len(), 1, "{kind}: only the other mail");
        assert_ne!(other[0].delivery.id, claimed[0].delivery.id);
        // It dies too. The next process starts a sender (with a relay); once the leases have
        // run out it sends both, each once.
        let mut st = server::state(
            &s.db.url,
            s.data_dir.clone(),
            false,
            "127.0.0.1:0".parse().unwrap(),
            std::sync::Arc::new(s.clock.clone()),
        )
        .await
        .unwrap();
        let mut settings = (*st.settings).clone();
        with_mail(smtp.port)(&mut settings);
        st.settings = std::sync::Arc::new(settings);
        let sender = server::spawn_outbox(st).expect("a sender");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(
            smtp.messages().len(),
            0,
            "{kind}: leased mail waits for its lease"
        );
        s.clock.advance(Duration::seconds(outbox::LEASE_SECS + 1));
        let mails = smtp.wait_for(2).await;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(smtp.messages().len(), 2, "{kind}: {mails:?}");
        let ids: std::collections::HashSet<String> = mails
            .iter()
            .map(|m| m["message_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 2);
        sender.abort();
        s.stop().await;
        smtp.stop();
    }
}

/// The sender's drain rate to the local SMTP server (`make bench`; not in every run):
/// `cargo test -p server --test mail -- --ignored --nocapture bench_drain_rate`.
#[tokio::test]
#[ignore]
async fn bench_drain_rate() {
    use app::store::entities::{notice, notice_delivery};
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let n: i64 = std::env::var("BENCH_MAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let smtp = Smtp::start(free_port()).await;
    let db = TestDb::sqlite().await.unwrap();
    let s = Srv::start(db).await;
    let now = s.clock.now();
    let recipient = app::store::accounts::by_username(&s.db.db, "jigou")
        .await
        .unwrap()
        .unwrap()
        .id;
    for i in 0..n {
        let id = notice::Entity::insert(notice::ActiveModel {
            recipient_id: Set(recipient),
            kind: Set("submitted".into()),
            case_id: Set(None),
            facts: Set(json!({ "item": format!("基准项目{i}"), "number": "", "reason": "", "category": "" }).to_string()),
            link: Set("/institution".into()),
            dedupe_key: Set(format!("bench:{i}")),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .exec(&s.db.db)
        .await
        .unwrap()
        .last_insert_id;
        notice_delivery::Entity::insert(notice_delivery::ActiveModel {
            notice_id: Set(id),
            channel: Set("email".into()),
            address: Set("bench@example.cn".into()),
            state: Set("pending".into()),
            attempts: Set(0),
            next_at: Set(now),
            lease_until: Set(None),
            last_error: Set(String::new()),
            sent_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&s.db.db)
        .await
        .unwrap();
    }
    let mailer = app::store::mail::Mailer::new(
        &format!("smtp://127.0.0.1:{}", smtp.port),
        "bench <noreply@example.cn>",
        &s.base,
    )
    .unwrap();
    let clock = s.clock.clone();
    let t = std::time::Instant::now();
    let senders = app::store::outbox::Senders {
        mail: Some(&mailer),
        sms: None,
    };
    let d = app::store::outbox::drain(&s.db.db, &senders, move || clock.now())
        .await
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(d.sent as i64, n);
    let mut got = 0;
    for _ in 0..100 {
        got = smtp.count();
        if got as i64 >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    println!(
        "outbox drain: {n} e-mails in {secs:.2} s = {:.0} messages/s to aiosmtpd on loopback (SQLite); received {got}",
        n as f64 / secs
    );
    s.stop().await;
    smtp.stop();
}

#[tokio::test]
async fn an_email_given_up_is_sent_again_when_the_bureau_asks() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let port = free_port();
        let s = Srv::start_with(db, with_mail(port)).await;
        let inst = s.login("jigou").await;
        wants_mail(&s, &inst, "jigou@example.cn").await;
        let id = submitted(&s, &inst, "魔术邮件班").await;
        // The relay stays down through every attempt: the mail is given up.
        let mut d = vec![];
        for _ in 0..60 {
            s.clock.advance(Duration::hours(2));
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            let clerk = s.login("xian-jbr").await;
            d = deliveries(&s, &clerk, id).await;
            if d.first().is_some_and(|d| d["state"] == "failed") {
                break;
            }
        }
        assert_eq!(d[0]["state"], "failed", "{kind}: {d:?}");
        assert_eq!(d[0]["attempts"], json!(app::domain::notice::MAX_ATTEMPTS));
        assert_eq!(d[0]["can_resend"], json!(true));
        let delivery = d[0]["id"].as_i64().unwrap().to_string();
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let observer = s.login("jiandu").await;
        // Only the bureau resends; the observer sees the record but may not.
        let (_, rec) = s
            .form(&observer, "case_notices", &[("case_id", &id.to_string())])
            .await;
        let seen: Vec<Value> = rec
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|n| n["deliveries"].as_array().cloned().unwrap_or_default())
            .collect();
        assert_eq!(seen[0]["can_resend"], json!(false), "{kind}");
        for who in [&inst, &observer] {
            let (st, _) = s
                .form(
                    who,
                    "resend_notice",
                    &[("case_id", &id.to_string()), ("delivery_id", &delivery)],
                )
                .await;
            assert_eq!(st, 403, "{kind}");
        }
        // A delivery of another case is not found through this one.
        let other = submitted(&s, &inst, "另一个邮件班").await;
        let (st, _) = s
            .form(
                &clerk,
                "resend_notice",
                &[("case_id", &other.to_string()), ("delivery_id", &delivery)],
            )
            .await;
        assert_eq!(st, 404, "{kind}");

        let smtp = Smtp::start(port).await;
        let (st, v) = s
            .form(
                &clerk,
                "resend_notice",
                &[("case_id", &id.to_string()), ("delivery_id", &delivery)],
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        // Twice is refused: it is no longer given up.
        let (st, v) = s
            .form(
                &clerk,
                "resend_notice",
                &[("case_id", &id.to_string()), ("delivery_id", &delivery)],
            )
            .await;
        assert_eq!(
            (st, v["Refused"]["key"].as_str()),
            (409, Some("err.notice.not_failed")),
            "{kind}"
        );
        // The other case's own mail may arrive first now that the relay is up: wait for this one.
        let resent = |m: &Value| {
            m["subject"] == "申请已提交" && m["text"].as_str().unwrap().contains("魔术邮件班")
        };
        let mut mails = smtp.wait_for(1).await;
        for _ in 0..100 {
            if mails.iter().any(resent) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            mails = smtp.messages();
        }
        assert!(mails.iter().any(resent), "{kind}: {mails:?}");
        assert_eq!(
            mails.iter().filter(|m| resent(m)).count(),
            1,
            "{kind}: sent twice"
        );
        for _ in 0..50 {
            if deliveries(&s, &clerk, id).await[0]["state"] == "sent" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            deliveries(&s, &clerk, id).await[0]["state"],
            "sent",
            "{kind}"
        );
        s.stop().await;
        smtp.stop();
    }
}

/// A local SMS gateway (the provider's HTTP API): records each request; refuses the first
/// `refuse` of them as the provider does when it throttles.
async fn sms_gateway(
    refuse: usize,
) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>) {
    use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
    use std::sync::{Arc, Mutex};
    type Log = Arc<Mutex<Vec<(String, Value)>>>;
    let log: Log = Arc::default();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = Router::new()
        .route(
            "/sms",
            post(
                move |State(log): State<Log>, headers: HeaderMap, Json(body): Json<Value>| {
                    let count = count.clone();
                    async move {
                        let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if n < refuse {
                            return (
                                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                                Json(json!({ "Code": "isv.BUSINESS_LIMIT_CONTROL" })),
                            );
                        }
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_string();
                        log.lock().unwrap().push((auth, body));
                        (
                            axum::http::StatusCode::OK,
                            Json(json!({ "Code": "OK", "BizId": "1" })),
                        )
                    }
                },
            ),
        )
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (port, log)
}

#[tokio::test]
async fn drawn_experts_who_ask_for_it_get_the_invitation_by_text_message_once() {
    for db in TestDb::all().await {
        let kind = db.kind;
        // The gateway throttles the first request: it is retried after the backoff.
        let (port, log) = sms_gateway(1).await;
        let s = Srv::start_with(db, move |set| {
            set.sms_url = Some(format!("http://127.0.0.1:{port}/sms"));
            set.sms_key = "k-123".into();
            set.sms_sign = "昌吉州教育局".into();
            set.sms_templates = "invitation=SMS_INV,*=SMS_ANY".into();
            set.outbox_every = std::time::Duration::from_millis(100);
        })
        .await;
        let inst = s.login("jigou").await;
        let clerk = s.login("xian-jbr").await;
        let id = accepted_case(&s, &inst, &clerk, "少儿围棋短信班", "arts", "primary").await;
        // Every expert who can be drawn leaves a number and asks for text messages; so does
        // the institution.
        let (_, p) = s
            .form(&clerk, "draw_page", &[("id", &id.to_string())])
            .await;
        let eligible: Vec<i64> = p["eligible"]
            .as_array()
            .unwrap_or_else(|| panic!("{p}"))
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect();
        assert!(eligible.len() >= 3, "{p}");
        let mut phones = std::collections::HashMap::new();
        for e in eligible {
            let c = expert_cookie(&s, e).await;
            let phone = format!("138{e:08}");
            // Quiet hours over the working day: the invitation goes all the same.
            let (st, v) = set_contact(&s, &c, json!({ "phone": phone, "by_sms": true, "quiet_from": "08:00", "quiet_to": "18:00" })).await;
            assert_eq!(st, 200, "{kind}: {v}");
            phones.insert(phone, e);
        }
        let (st, v) =
            set_contact(&s, &inst, json!({ "phone": "13999999999", "by_sms": true })).await;
        assert_eq!(st, 200, "{v}");
        // A phone that is not a mobile number is refused at its field.
        let (st, v) = set_contact(&s, &inst, json!({ "phone": "0994-1234567" })).await;
        assert_eq!(st, 422, "{v}");
        assert_eq!(
            field_errors(&v),
            [("phone".to_string(), "err.contact.phone".to_string())]
        );

        let ver = version_of(&s, &clerk, id).await;
        let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } })).await;
        assert_eq!(st, 200, "{v}");
        // The first attempt was refused; after the backoff all three go.
        for _ in 0..100 {
            if log.lock().unwrap().len() >= 3 {
                break;
            }
            s.clock.advance(Duration::minutes(5));
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let got = log.lock().unwrap().clone();
        assert_eq!(
            got.len(),
            3,
            "{kind}: each drawn expert once, nothing for the institution's receipt: {got:?}"
        );
        let mut told = std::collections::HashSet::new();
        for (auth, m) in &got {
            assert_eq!(auth, "Bearer k-123");
            assert_eq!(m["template"], "SMS_INV");
            assert_eq!(m["sign_name"], "昌吉州教育局");
            let text = m["text"].as_str().unwrap();
            assert!(text.starts_with("【昌吉州教育局】鉴定邀请："), "{text}");
            assert!(
                !text.contains("少儿围棋短信班"),
                "the invitation names the item: {text}"
            );
            assert!(m["params"]["respond_by"]
                .as_str()
                .is_some_and(|d| d.len() == 10));
            let chars = text.chars().count() as u64;
            assert_eq!(
                m["segments"].as_u64(),
                Some(if chars <= 70 { 1 } else { chars.div_ceil(67) })
            );
            assert!(
                told.insert(m["phone"].as_str().unwrap().to_string()),
                "twice: {m}"
            );
            assert!(phones.contains_key(m["phone"].as_str().unwrap()));
        }
        // The panel accepts; the meeting's text waits for the end of the quiet hours.
        for p in &told {
            let c = expert_cookie(&s, phones[p]).await;
            let (st, v) = act(
                &s,
                &c,
                id,
                json!({ "kind": "accept_seat", "declaration_signed": true }),
            )
            .await;
            assert_eq!(st, 200, "{v}");
        }
        let meeting = json!({ "starts_at": "2026-04-09T09:30", "online": false, "place": "昌吉市教育局三楼会议室", "agenda": "合议" });
        let clerk = s.login("xian-jbr").await;
        let (st, v) = s
            .call(
                &clerk,
                "schedule_meeting",
                json!({ "input": { "case_id": id, "version": 0, "meeting": meeting } }),
            )
            .await;
        assert_eq!(st, 200, "{kind}: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        assert_eq!(
            log.lock().unwrap().len(),
            3,
            "{kind}: sent in the quiet hours"
        );
        s.clock.advance(Duration::hours(9));
        for _ in 0..100 {
            if log.lock().unwrap().len() >= 6 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let got = log.lock().unwrap().clone();
        assert_eq!(got.len(), 6, "{kind}: {got:?}");
        for (_, m) in &got[3..] {
            assert_eq!(m["template"], "SMS_ANY");
            assert!(
                m["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("【昌吉州教育局】专家会商安排"),
                "{m}"
            );
        }
        s.stop().await;
    }
}

/// The server process killed (SIGKILL) after it committed a notice and before it sent it: the
/// next process over the same database sends it, once.
#[tokio::test]
async fn a_server_killed_before_sending_leaves_the_mail_to_the_next_process() {
    use app::store::entities::notice_delivery;
    use sea_orm::EntityTrait;
    for db in TestDb::all().await {
        let kind = db.kind;
        let smtp = Smtp::start(free_port()).await;
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("jianding_crash_{port}"));
        let (url, smtp_port) = (db.url.clone(), smtp.port);
        let spawn = |outbox_ms: &str| -> Child {
            Command::new(env!("CARGO_BIN_EXE_jianding"))
                .args(["serve", "--seed-demo"])
                .env("DATABASE_URL", &url)
                .env("JIANDING_ADDR", format!("127.0.0.1:{port}"))
                .env("JIANDING_DATA_DIR", &dir)
                .env("JIANDING_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
                .env("JIANDING_OUTBOX_MS", outbox_ms)
                .env("RUST_LOG", "error")
                .stdout(Stdio::null())
                .spawn()
                .expect("the jianding binary")
        };
        let up = || async {
            for _ in 0..300 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            panic!("the server did not start");
        };
        // The first process drains its outbox once an hour: what it commits stays unsent.
        let mut first = spawn("3600000");
        up().await;
        let s = Srv::attach(db, &format!("http://127.0.0.1:{port}"), dir.clone());
        let inst = s.login("jigou").await;
        wants_mail(&s, &inst, "jigou@example.cn").await;
        let id = submitted(&s, &inst, "断电邮件班").await;
        let pending: Vec<notice_delivery::Model> =
            notice_delivery::Entity::find().all(&s.db.db).await.unwrap();
        assert_eq!(pending.len(), 1, "{kind}: {pending:?}");
        assert_eq!(pending[0].state, "pending");
        first.kill().unwrap();
        first.wait().unwrap();
        assert_eq!(smtp.count(), 0, "{kind}");

        // The next process finds the row and sends it, once.
        let mut second = spawn("100");
        up().await;
        let mails = smtp.wait_for(1).await;
        assert_eq!(mails[0]["subject"], "申请已提交", "{kind}");
        assert!(mails[0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("/cases/{id}")));
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        assert_eq!(smtp.count(), 1, "{kind}");
        second.kill().unwrap();
        second.wait().unwrap();
        s.stop().await;
        smtp.stop();
    }
}
