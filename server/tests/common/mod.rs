//! The harness the HTTP test files share: the real server on an ephemeral port over a fresh
//! database (SQLite, or PostgreSQL from `TEST_DATABASE_URL`) with the demo data and a test clock,
//! and helpers to sign in, call server functions, upload files and build a submitted case.
#![allow(dead_code)]

use app::api::server::Settings;
use app::domain::ids::MaterialId;
use app::domain::rubric::current;
use app::domain::sheet::{EvidenceRef, IndicatorScore, ScoreSheet};
use app::domain::terms::Rating;
use app::store::clock::{Clock, TestClock};
use app::store::seed::{self, DEMO_PASSWORD};
use app::store::testing::TestDb;
use chrono::{TimeZone, Utc};
use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

pub struct Srv {
    pub clock: TestClock,
    pub base: String,
    pub http: Client,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    pub db: TestDb,
    pub data_dir: std::path::PathBuf,
}

/// An HTTP client for the site at `base`. A stalled request fails the test instead of hanging
/// the run. A script proves its requests are the site's own by `Origin` (a request with the
/// session cookie and no provenance is refused); tests of that build clients of their own.
pub fn client(base: &str) -> Client {
    Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .default_headers(
            [(header::ORIGIN, header::HeaderValue::from_str(base).unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap()
}

impl Srv {
    pub async fn start(db: TestDb) -> Srv {
        Srv::start_with(db, |_| {}).await
    }

    /// Starts the server with its settings changed by `tweak` (after the test's small limits).
    pub async fn start_with(db: TestDb, tweak: impl FnOnce(&mut Settings)) -> Srv {
        // A Tuesday morning in China (2026-04-07 09:00 CST).
        let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 4, 7, 1, 0, 0).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let data_dir = std::env::temp_dir().join(format!("jianding_cases_{}", addr.port()));
        let mut st = server::state(
            &db.url,
            data_dir.clone(),
            false,
            addr,
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        // Small limits so that "oversized" is cheap to test.
        let mut settings = Settings {
            max_file_bytes: 64 * 1024,
            max_case_bytes: 1024 * 1024,
            ..(*st.settings).clone()
        };
        tweak(&mut settings);
        st.settings = Arc::new(settings);
        assert!(seed::seed_demo(&st.db, clock.now()).await.unwrap());
        let task = tokio::spawn(server::serve(listener, st));
        Srv {
            clock,
            base: format!("http://{addr}"),
            http: client(&format!("http://{addr}")),
            task,
            db,
            data_dir,
        }
    }

    /// A server running in another process over `db`, at `base` (its clock is the system's;
    /// `data_dir` is removed at the end).
    pub fn attach(db: TestDb, base: &str, data_dir: std::path::PathBuf) -> Srv {
        Srv {
            clock: TestClock::at(Utc::now()),
            base: base.to_string(),
            http: client(base),
            task: tokio::spawn(async { Ok(()) }),
            db,
            data_dir,
        }
    }

    /// Stops the server. First checks that the dashboards' tallies, kept in step by every
    /// transition of the test, equal tallies counted afresh from the records.
    pub async fn stop(self) {
        use app::store::tally;
        let kept = tally::snapshot(&self.db.db).await.expect("tally snapshot");
        tally::rebuild_all(&self.db.db)
            .await
            .expect("tally rebuild");
        let fresh = tally::snapshot(&self.db.db).await.expect("tally snapshot");
        assert_eq!(
            kept, fresh,
            "kept tallies differ from tallies counted afresh"
        );
        self.task.abort();
        let _ = std::fs::remove_dir_all(&self.data_dir);
        self.db.close().await;
    }

    pub async fn login(&self, user: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/login", self.base))
            .form(&[("username", user), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let c = r
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        c.split(';').next().unwrap().to_string()
    }

    pub async fn call(&self, cookie: &str, name: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .header(header::COOKIE, cookie)
            .json(&body)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        let t = r.text().await.unwrap();
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    pub async fn form(&self, cookie: &str, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .header(header::COOKIE, cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        let t = r.text().await.unwrap();
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    pub async fn upload(
        &self,
        cookie: &str,
        case: i64,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
        replaces: Option<i64>,
    ) -> (u16, Value) {
        let mut url =
            reqwest::Url::parse(&format!("{}/files/cases/{case}/materials", self.base)).unwrap();
        url.query_pairs_mut()
            .append_pair("kind", kind)
            .append_pair("name", name);
        if let Some(r) = replaces {
            url.query_pairs_mut()
                .append_pair("replaces", &r.to_string());
        }
        let r = self
            .http
            .post(url)
            .header(header::COOKIE, cookie)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        let t = r.text().await.unwrap();
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// POSTs raw bytes to `path` (a file route), answering status and JSON.
    pub async fn post_bytes(&self, cookie: &str, path: &str, bytes: Vec<u8>) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, cookie)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        let t = r.text().await.unwrap();
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// GETs `path`: status and body bytes.
    pub async fn get_bytes(&self, cookie: &str, path: &str) -> (u16, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, cookie)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
    }

    /// The audit log's actions, oldest first.
    pub async fn actions(&self) -> Vec<String> {
        use app::store::entities::audit_event;
        use sea_orm::{EntityTrait, QueryOrder};
        audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Seq)
            .all(&self.db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    pub async fn case(&self, cookie: &str, id: i64) -> (u16, Value) {
        self.form(cookie, "get_case", &[("id", &id.to_string())])
            .await
    }
}

pub fn item(name: &str) -> Value {
    json!({
        "name": name, "declared_category": "non_subject", "domain": "arts", "stage": "primary",
        "grades": [3, 4], "delivery": "offline", "hours": 48, "class_size": 15, "fee_fen": 288000,
        "description": "以素描和水彩为主的美术兴趣培训，每周一次，注重观察与创作。",
        "dispute_reason": "课程包含少量透视与色彩原理讲解，机构不确定是否属于学科类。"
    })
}

pub fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

pub fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[0u8; 32]);
    v
}

/// A minimal zip with the given entry names (stored, empty), as Office files are.
pub fn zip(names: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for n in names {
        let off = out.len() as u32;
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[
            20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        out.extend_from_slice(&(n.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(n.as_bytes());
        cd.extend_from_slice(b"PK\x01\x02");
        cd.extend_from_slice(&[
            20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        cd.extend_from_slice(&(n.len() as u16).to_le_bytes());
        cd.extend_from_slice(&[0; 12]);
        cd.extend_from_slice(&off.to_le_bytes());
        cd.extend_from_slice(n.as_bytes());
    }
    let cd_off = out.len() as u32;
    out.extend_from_slice(&cd);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(names.len() as u16).to_le_bytes());
    out.extend_from_slice(&(names.len() as u16).to_le_bytes());
    out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// The validation errors of a response as sorted (field, key) pairs.
pub fn field_errors(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["Validation"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["key"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn field_keys(v: &Value) -> Vec<String> {
    v["Validation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["key"].as_str().map(str::to_string))
        .collect()
}

/// A GET with the session `cookie` (none when empty): status, body, content type.
pub async fn get(s: &Srv, cookie: &str, path: &str) -> (u16, String, Option<String>) {
    let mut r = s.http.get(format!("{}{path}", s.base));
    if !cookie.is_empty() {
        r = r.header(header::COOKIE, cookie);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string());
    (status, r.text().await.unwrap(), ct)
}

pub async fn new_draft(s: &Srv, inst: &str, name: &str) -> (i64, i32) {
    let (st, v) = s.call(inst, "save_draft", json!({ "input": { "id": null, "version": 0, "item": item(name), "undertaking": false } })).await;
    assert_eq!(st, 200, "{v}");
    (
        v["id"].as_i64().unwrap(),
        v["version"].as_i64().unwrap() as i32,
    )
}

pub async fn upload_required(s: &Srv, inst: &str, id: i64) -> Vec<i64> {
    let mut ids = vec![];
    for (kind, name, bytes) in [
        ("course_plan", "培训课程方案.pdf", pdf("plan")),
        (
            "syllabus",
            "教学大纲.docx",
            zip(&["[Content_Types].xml", "word/document.xml"]),
        ),
        (
            "lesson_plan",
            "课时教案.pptx",
            zip(&["[Content_Types].xml", "ppt/presentation.xml"]),
        ),
        (
            "evaluation_plan",
            "评价方案.xlsx",
            zip(&["[Content_Types].xml", "xl/workbook.xml"]),
        ),
        ("promotional", "招生简章.png", png()),
    ] {
        let (st, v) = s.upload(inst, id, kind, name, bytes, None).await;
        assert_eq!(st, 201, "{kind}: {v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    ids
}

/// A case of `inst` accepted by `clerk`, with the item's domain and stage as given.
pub async fn accepted_case(
    s: &Srv,
    inst: &str,
    clerk: &str,
    name: &str,
    domain: &str,
    stage: &str,
) -> i64 {
    let mut it = item(name);
    it["domain"] = json!(domain);
    it["stage"] = json!(stage);
    if stage == "junior" {
        it["grades"] = json!([7, 8]);
    } else if stage == "preschool" {
        it["grades"] = json!([2, 3]);
    }
    accepted_item(s, inst, clerk, it).await
}

/// A case of `item` (JSON), submitted with its materials and accepted by the county.
pub async fn accepted_item(s: &Srv, inst: &str, clerk: &str, it: Value) -> i64 {
    let (st, v) = s
        .call(
            inst,
            "save_draft",
            json!({ "input": { "id": null, "version": 0, "item": it, "undertaking": true } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let id = v["id"].as_i64().unwrap();
    upload_required(s, inst, id).await;
    let ver = s.case(inst, id).await.1["version"].as_i64().unwrap();
    let (st, v) = s
        .call(
            inst,
            "case_action",
            json!({ "input": { "id": id, "version": ver, "action": { "kind": "submit" } } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = s
        .call(
            clerk,
            "case_action",
            json!({ "input": { "id": id, "version": ver + 1, "action": { "kind": "accept" } } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    id
}

/// The case's current version as `who` sees it.
pub async fn version_of(s: &Srv, who: &str, id: i64) -> i64 {
    let (st, v) = s.case(who, id).await;
    assert_eq!(st, 200, "{v}");
    v["version"].as_i64().unwrap()
}

/// Signs in as the expert: with the expert's account (one person, one account), created if
/// the demo has none.
pub async fn expert_cookie(s: &Srv, expert_id: i64) -> String {
    use app::domain::ids::ExpertId;
    use app::domain::role::{Role, Scope};
    let holder = app::store::accounts::post_holder(
        &s.db.db,
        Role::Expert,
        Scope::Expert(ExpertId(expert_id)),
        None,
    )
    .await
    .unwrap();
    if let Some(a) = holder {
        return s.login(&a.username).await;
    }
    let username = format!("e{expert_id}");
    {
        app::store::accounts::create(
            &s.db.db,
            app::store::accounts::NewAccount {
                username: username.clone(),
                display_name: format!("专家{expert_id}"),
                password_hash: app::store::passwords::hash(DEMO_PASSWORD).unwrap(),
                role: app::domain::role::Role::Expert,
                scope: app::domain::role::Scope::Expert(app::domain::ids::ExpertId(expert_id)),
                must_change_password: false,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    s.login(&username).await
}

/// A case under review: drawn, every seat accepted. Returns the case, its members' cookies and
/// a material id.
pub async fn under_review(s: &Srv) -> (i64, Vec<(i64, String)>, i64) {
    let inst = s.login("jigou").await;
    let clerk = s.login("xian-jbr").await;
    let id = accepted_case(s, &inst, &clerk, "少儿国画", "arts", "primary").await;
    let ver = version_of(s, &clerk, id).await;
    let (st, v) = s.call(&clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": 3, "backups": 2, "reason": "", "observer": null } })).await;
    assert_eq!(st, 200, "{v}");
    let (_, p) = s
        .form(&clerk, "draw_page", &[("id", &id.to_string())])
        .await;
    let seated: Vec<i64> = p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["expert_id"].as_i64().unwrap())
        .collect();
    let mut members = vec![];
    for e in seated {
        let c = expert_cookie(s, e).await;
        let ver = version_of(s, &c, id).await;
        let (st, v) = s.call(&c, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "accept_seat", "declaration_signed": true } } })).await;
        assert_eq!(st, 200, "{v}");
        members.push((e, c));
    }
    let (_, c) = s.case(&clerk, id).await;
    assert_eq!(c["state"], "under_review");
    let material = c["materials"][0]["id"].as_i64().unwrap();
    (id, members, material)
}

/// The member confirms the case's policy briefing (政策培训), which submitting a sheet needs.
pub async fn confirm_briefing(s: &Srv, who: &str, case: i64) {
    let (st, v) = s
        .form(who, "confirm_briefing", &[("case_id", &case.to_string())])
        .await;
    assert_eq!(st, 200, "{v}");
}

/// A complete sheet: every required indicator N with evidence resting on a material.
pub fn complete(material: i64) -> ScoreSheet {
    let r = current();
    let mut s = ScoreSheet {
        rubric_version: r.version,
        negative_list_version: app::domain::negative_list::current_negative_list().version,
        ..ScoreSheet::default()
    };
    for ind in r.required_indicators() {
        s.ratings.insert(
            ind.id.clone(),
            IndicatorScore {
                rating: Some(Rating::N),
                evidence: "课程方案显示以兴趣培养为主".into(),
                refs: vec![EvidenceRef::Material(MaterialId(material))],
            },
        );
    }
    s
}

/// A complete sheet that finds the content 学科类: the syllabus follows the school subjects.
pub fn subject_sheet(material: i64) -> ScoreSheet {
    let mut s = complete(material);
    let e = s
        .ratings
        .get_mut("content.syllabus")
        .expect("the syllabus indicator");
    e.rating = Some(Rating::S);
    e.evidence = "教学大纲按小学数学教材章节编排，内容与课内同步".into();
    s
}

/// A case of `inst` submitted for intake (SUBMITTED, the intake clock running).
pub async fn submitted(s: &Srv, inst: &str, name: &str) -> i64 {
    let (st, v) = s
        .call(
            inst,
            "save_draft",
            json!({ "input": { "id": null, "version": 0, "item": item(name), "undertaking": true } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let id = v["id"].as_i64().unwrap();
    upload_required(s, inst, id).await;
    let ver = version_of(s, inst, id).await;
    let (st, v) = s
        .call(
            inst,
            "case_action",
            json!({ "input": { "id": id, "version": ver, "action": { "kind": "submit" } } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    id
}

/// The director determines a submitted case directly as `category`.
pub async fn determine_directly(s: &Srv, director: &str, id: i64, category: &str) {
    let ver = version_of(s, director, id).await;
    let (st, v) = s.call(director, "case_action", json!({ "input": { "id": id, "version": ver, "action": { "kind": "determine_directly", "category": category, "reasons": "书法属于艺术类培训，可直接认定。" } } })).await;
    assert_eq!(st, 200, "{v}");
}

/// A submitted case the director determines directly (DETERMINED, window open).
pub async fn determined_directly(s: &Srv, inst: &str, director: &str, name: &str) -> i64 {
    let id = submitted(s, inst, name).await;
    determine_directly(s, director, id, "non_subject").await;
    id
}

pub async fn state(s: &Srv, who: &str, id: i64) -> String {
    s.case(who, id).await.1["state"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub async fn act(s: &Srv, who: &str, id: i64, action: Value) -> (u16, Value) {
    let ver = version_of(s, who, id).await;
    s.call(
        who,
        "case_action",
        json!({ "input": { "id": id, "version": ver, "action": action } }),
    )
    .await
}

/// Draws a panel on the case as `clerk` and has every seat accept; returns the members.
pub async fn seat_panel(s: &Srv, clerk: &str, id: i64, size: u32) -> Vec<(i64, String)> {
    let ver = version_of(s, clerk, id).await;
    let (st, v) = s.call(clerk, "run_draw", json!({ "input": { "id": id, "version": ver, "kind": "initial", "panel_size": size, "backups": 2, "reason": "", "observer": null } })).await;
    assert_eq!(st, 200, "{v}");
    let (_, p) = s.form(clerk, "draw_page", &[("id", &id.to_string())]).await;
    let seated: Vec<i64> = p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["expert_id"].as_i64().unwrap())
        .collect();
    assert_eq!(seated.len(), size as usize, "{p}");
    let mut members = vec![];
    for e in seated {
        let c = expert_cookie(s, e).await;
        let (st, v) = act(
            s,
            &c,
            id,
            json!({ "kind": "accept_seat", "declaration_signed": true }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        members.push((e, c));
    }
    assert_eq!(state(s, clerk, id).await, "under_review");
    members
}

/// Every member submits a complete non-subject sheet, the lead drafts, all sign, `director`
/// seals. Returns the verification code.
pub async fn sealed_opinion(s: &Srv, director: &str, id: i64, members: &[(i64, String)]) -> String {
    sealed_opinion_with(s, director, id, members, complete).await
}

/// As [`sealed_opinion`], every member submitting the sheet `sheet` makes for a material.
pub async fn sealed_opinion_with(
    s: &Srv,
    director: &str,
    id: i64,
    members: &[(i64, String)],
    sheet: fn(i64) -> ScoreSheet,
) -> String {
    drafted_opinion(s, director, id, members, sheet).await;
    for (_, who) in members {
        sign_opinion(s, who, id).await;
    }
    let ver = version_of(s, director, id).await;
    let (st, v) = s
        .form(
            director,
            "seal_opinion",
            &[
                ("case_id", &id.to_string()),
                ("version", &ver.to_string()),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (_, p) = s
        .form(director, "opinion_page", &[("case_id", &id.to_string())])
        .await;
    p["seal"]["verify_code"].as_str().unwrap().to_string()
}

/// Every member submits the sheet `sheet` makes for a material; the meeting is waived and the
/// lead drafts the opinion (the members have not signed it yet).
pub async fn drafted_opinion(
    s: &Srv,
    director: &str,
    id: i64,
    members: &[(i64, String)],
    sheet: fn(i64) -> ScoreSheet,
) {
    let (_, c) = s.case(director, id).await;
    let material = c["materials"][0]["id"].as_i64().unwrap();
    let sheet = sheet(material);
    for (i, (_, who)) in members.iter().enumerate() {
        confirm_briefing(s, who, id).await;
        let (st, v) = s.call(who, "save_sheet", json!({ "input": { "case_id": id, "base_version": 0, "sheet": sheet, "save_id": format!("rr-{id}-{i}"), "submit": true, "password": DEMO_PASSWORD } })).await;
        assert_eq!(st, 200, "{v}");
    }
    let mut lead = None;
    for (_, who) in members {
        let (_, p) = s
            .form(who, "opinion_page", &[("case_id", &id.to_string())])
            .await;
        if p["can_draft"] == true {
            lead = Some((who.clone(), p["draft"].clone()));
        }
    }
    let (lead, draft) = lead.expect("the lead may draft");
    waive_meeting(s, director, id).await;
    let ver = version_of(s, &lead, id).await;
    let (st, v) = s
        .call(
            &lead,
            "save_opinion",
            json!({ "input": { "case_id": id, "version": ver, "draft": draft } }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
}

/// The member signs the opinion's current revision.
pub async fn sign_opinion(s: &Srv, who: &str, id: i64) {
    let (_, p) = s
        .form(who, "opinion_page", &[("case_id", &id.to_string())])
        .await;
    let revision = p["content"]["revision"].as_i64().unwrap();
    let version = p["version"].as_i64().unwrap();
    let (st, v) = s.call(who, "sign_opinion", json!({ "input": { "case_id": id, "version": version, "revision": revision, "password": DEMO_PASSWORD, "dissent": "" } })).await;
    assert_eq!(st, 200, "{v}");
}

pub fn application(grounds: &str) -> Value {
    json!({ "grounds": grounds, "request": "请求认定为非学科类", "undertaking": true })
}

pub async fn apply(s: &Srv, inst: &str, id: i64, app: Value) -> (u16, Value) {
    let ver = version_of(s, inst, id).await;
    s.call(
        inst,
        "request_rereview",
        json!({ "input": { "id": id, "version": ver, "application": app } }),
    )
    .await
}

/// The director records why the identification meeting is not held (the first opinion draft
/// otherwise needs a held, minuted meeting: guide 七(三)).
pub async fn waive_meeting(s: &Srv, director: &str, id: i64) {
    let ver = version_of(s, director, id).await;
    let (st, v) = s
        .form(
            director,
            "waive_meeting",
            &[
                ("case_id", &id.to_string()),
                ("version", &ver.to_string()),
                (
                    "reason",
                    "专家组已通过线上方式完成政策培训，不再召开现场鉴定会。",
                ),
            ],
        )
        .await;
    assert_eq!(st, 200, "{v}");
}
