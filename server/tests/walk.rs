//! The walk over everything (issue 18): every registered server function (from the server
//! function registry) and every plain HTTP route (from the router's own table,
//! `server::plain_routes`) is called as every role — anonymous, two institutions, experts on and
//! off the panels, the clerk and director of two counties, the prefecture's, observers of the
//! prefecture and of a county, the administrator — against own and foreign cases at each stage
//! (draft, submitted, under review, sealed, determined, under re-review, forwarded with its
//! prefecture case, and another county's case).
//!
//! For each call it asserts the answer the policy table below expects: 401 signed out, 403 or
//! 404 for a role that may not use the endpoint, 404 for a case (or record) outside the actor's
//! scope, and no refusal of access for a role that may use it on an object it sees. For every
//! answer an institution or the public receives, no panel member's name, employer or id appears
//! before the determination. After every refused call nothing has changed (the audit trail's
//! length and the case's version). An endpoint without an entry in the table fails the test.
//!
//! The table states the policy independently of `domain::access`: who may use each endpoint,
//! and what each role sees (`sees`).

mod common;

use app::domain::role::Role;
use app::domain::selfcheck::{Answer, AnswerEntry, SelfCheck};
use app::store::entities::{audit_event, jd_case};
use app::store::seed::DEMO_PASSWORD;
use app::store::testing::TestDb;
use common::*;
use reqwest::header;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

const CHANGJI: i64 = 652301;
const FUKANG: i64 = 652302;
/// A version no record has: every versioned write is refused as stale, so that an allowed call
/// never moves a fixture on, while a call that should be refused for access must say so first.
const STALE: i32 = 999_999;

/// One signed-in user (or none) as the walk calls.
#[derive(Clone)]
struct Actor {
    label: String,
    role: Option<Role>,
    county: Option<i64>,
    institution: Option<i64>,
    expert: Option<i64>,
    cookie: String,
    username: String,
}

/// A case the walk calls about, with what the table needs to know of it.
#[derive(Clone)]
struct Fix {
    label: &'static str,
    id: i64,
    county: i64,
    institution: i64,
    draft: bool,
    /// Has a determination (the institution may know its panel).
    determined: bool,
    /// The accepted members.
    panel: Vec<i64>,
    material: Option<i64>,
    activity: Option<i64>,
    activity_file: Option<i64>,
}

/// The walk's own statement of who sees a case (ARCHITECTURE, SECURITY, DOMAIN §2).
fn sees(a: &Actor, c: &Fix) -> bool {
    match a.role {
        None | Some(Role::Admin) => false,
        Some(Role::InstitutionUser) => a.institution == Some(c.institution),
        Some(Role::Expert) => a.expert.is_some_and(|e| c.panel.contains(&e)),
        Some(Role::CountyClerk | Role::CountyDirector) => !c.draft && a.county == Some(c.county),
        Some(Role::PrefectureClerk | Role::PrefectureDirector) => !c.draft,
        Some(Role::Observer) => !c.draft && a.county.is_none_or(|k| k == c.county),
    }
}

/// What an endpoint is about, for the scope part of the expectation.
#[derive(Clone, Copy, PartialEq)]
enum Obj {
    /// Nothing in particular (lists of one's own, the pool, settings).
    None,
    /// A case (and its files, activities, sheets).
    Case,
    /// Institution A (its record, its credit records).
    InstitutionA,
    /// An expert's own record (expert 1): no one else's to change.
    OwnExpert,
    /// Institution A's saved self-check.
    OwnSelfCheck,
    /// Expert 1's title certificate: the expert's own, and the pool's readers'.
    Expert1Certificate,
}

/// The request an entry makes.
enum Req {
    Form(Vec<(String, String)>),
    Json(Value),
    /// A GET with this query string.
    Get(String),
    /// A plain route: method, path (filled in) and body.
    Raw(&'static str, String, Vec<u8>),
}

struct Ctx {
    expert1_input: Value,
    institution_input: Value,
    self_check: i64,
    account: i64,
    /// A notice in institution A's inbox: its own to read, nobody else's.
    notice: i64,
}

type Build = fn(&Ctx, Option<&Fix>) -> Option<Req>;

struct Entry {
    /// The endpoint (`/api/<name>`) or the plain route (`METHOD path`).
    name: &'static str,
    /// Roles that may use it at all (whether on this object, and now, is for the server).
    allowed: &'static [Role],
    /// Anyone, signed in or not.
    public: bool,
    obj: Obj,
    build: Build,
    /// Statuses also acceptable from an allowed role on an object it sees (e.g. a member's
    /// sheet that does not exist for another member yet).
    also: &'static [u16],
    /// The call ends the session: made with a session of its own.
    fresh_session: bool,
}

use Role::{
    Admin as AD, CountyClerk as CC, CountyDirector as CD, Expert as EX, InstitutionUser as IN,
    Observer as OB, PrefectureClerk as PC, PrefectureDirector as PD,
};

const ALL: &[Role] = &[IN, EX, CC, CD, PC, PD, OB, AD];
const BUREAU: &[Role] = &[CC, CD, PC, PD];
const BUREAU_OBS: &[Role] = &[CC, CD, PC, PD, OB];
const READERS: &[Role] = &[IN, EX, CC, CD, PC, PD, OB];
const PANEL_AND_BUREAU: &[Role] = &[EX, CC, CD, PC, PD, OB];
const PREF: &[Role] = &[PC, PD];
const CLERKS: &[Role] = &[CC, PC];
const DIRECTORS: &[Role] = &[CD, PD];
const AUDIT: &[Role] = &[CD, PC, PD, OB, AD];
const SETTINGS: &[Role] = &[CC, CD, PC, PD, OB, AD];

fn form(pairs: &[(&str, String)]) -> Option<Req> {
    Some(Req::Form(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    ))
}

fn case_id(c: Option<&Fix>) -> String {
    c.map(|c| c.id).unwrap_or(0).to_string()
}

fn id_of(c: Option<&Fix>) -> i64 {
    c.map(|c| c.id).unwrap_or(0)
}

fn first_member(c: Option<&Fix>) -> i64 {
    c.and_then(|c| c.panel.first().copied()).unwrap_or(1)
}

fn item_json() -> Value {
    item("走查项目")
}

macro_rules! entry {
    ($name:expr, $allowed:expr, $obj:expr, $build:expr) => {
        Entry {
            name: $name,
            allowed: $allowed,
            public: false,
            obj: $obj,
            build: $build,
            also: &[],
            fresh_session: false,
        }
    };
    ($name:expr, $allowed:expr, $obj:expr, $build:expr, also $also:expr) => {
        Entry {
            name: $name,
            allowed: $allowed,
            public: false,
            obj: $obj,
            build: $build,
            also: $also,
            fresh_session: false,
        }
    };
}

macro_rules! public {
    ($name:expr, $build:expr) => {
        Entry {
            name: $name,
            allowed: ALL,
            public: true,
            obj: Obj::None,
            build: $build,
            also: &[],
            fresh_session: false,
        }
    };
}

/// The policy table: one entry per endpoint.
fn table() -> Vec<Entry> {
    use Obj::*;
    vec![
        // ---- accounts (administrator)
        entry!("list_accounts", &[AD], None, |_, _| form(&[])),
        entry!("account_scope_choices", &[AD], None, |_, _| form(&[])),
        entry!("account_activity", &[AD], None, |x, _| form(&[(
            "id",
            x.account.to_string()
        )])),
        // ---- settings (read by the bureau, observers and the administrator; changed by the
        // administrator, here against a version no setting has)
        entry!("holiday_calendar", SETTINGS, None, |_, _| form(&[])),
        entry!("calendar_gaps", ALL, None, |_, _| form(&[])),
        entry!("import_holidays", &[AD], None, |_, _| Some(Req::Json(
            json!({
                "form": { "year": 2031, "status": "published", "source": "走查", "reason": "走查" },
                "csv": "节日,放假开始,放假结束,调休上班\n国庆节,2031-10-01,2031-10-07,\n",
                "seen": STALE,
            })
        ))),
        entry!("time_limits", SETTINGS, None, |_, _| form(&[])),
        entry!("save_time_limits", &[AD], None, |_, _| Some(Req::Json(
            json!({
                "limits": app::domain::deadline::TimeLimits::default(),
                "reason": "走查",
                "seen": STALE,
            })
        ))),
        entry!("create_account", &[AD], None, |_, _| form(&[
            ("username", String::new()),
            ("display_name", String::new()),
            ("role", String::new()),
            ("scope_id", "0".into()),
        ])),
        entry!("disable_account", &[AD], None, |x, _| form(&[
            ("id", x.account.to_string()),
            ("version", STALE.to_string())
        ])),
        entry!("enable_account", &[AD], None, |x, _| form(&[
            ("id", x.account.to_string()),
            ("version", STALE.to_string())
        ])),
        entry!("reset_password", &[AD], None, |x, _| form(&[
            ("id", x.account.to_string()),
            ("version", STALE.to_string())
        ])),
        entry!("post_changes", &[PD, OB], None, |_, _| form(&[])),
        // ---- signing in and out
        public!("whoami", |_, _| form(&[])),
        public!("login", |_, _| form(&[
            ("username", String::new()),
            ("password", String::new())
        ])),
        Entry {
            fresh_session: true,
            ..public!("logout", |_, _| form(&[]))
        },
        entry!("touch_session", ALL, None, |_, _| form(&[])),
        // ---- notices: one's own inbox; a notice is its recipient's alone
        entry!("my_notices", ALL, None, |_, _| form(&[])),
        entry!(
            "read_notices",
            ALL,
            None,
            |x, _| form(&[("id", x.notice.to_string())]),
            also & [404]
        ),
        entry!("my_contact", ALL, None, |_, _| form(&[])),
        entry!(
            "save_contact",
            ALL,
            None,
            |_, _| Some(Req::Json(json!({
                "contact": { "email": "walk@example.cn", "phone": "", "by_email": true, "by_sms": false,
                    "email_kinds": ["digest"], "sms_kinds": [], "quiet_from": "", "quiet_to": "", "digest": false },
                "version": STALE
            }))),
            also & [409]
        ),
        entry!(
            "change_password",
            ALL,
            None,
            |_, _| form(&[
                ("current_password", "not-the-password".into()),
                ("new_password", "Tianchi-Lake-Morning-77".into()),
                ("confirm_password", "Tianchi-Lake-Morning-77".into()),
            ]),
            also & [429]
        ),
        public!("set_locale", |_, _| form(&[("locale", "zh-CN".into())])),
        // ---- cases
        entry!("my_cases", &[IN], None, |_, _| form(&[(
            "state_filter",
            String::new()
        )])),
        entry!("county_cases", BUREAU_OBS, None, |_, _| form(&[(
            "view",
            "intake".into()
        )])),
        entry!("my_work", BUREAU, None, |_, _| form(&[])),
        entry!("search_cases", BUREAU_OBS, None, |_, _| Some(Req::Get(
            "query[item]=&query[page]=1".into()
        ))),
        entry!("get_case", READERS, Case, |_, c| form(&[(
            "id",
            case_id(c)
        )])),
        entry!("save_draft", &[IN], Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "id": id_of(c), "version": STALE, "item": item_json(), "undertaking": false } })
        ))),
        entry!("case_action", &[IN, EX, CC, CD, PC, PD], Case, |_, c| Some(
            Req::Json(json!({ "input": {
            "id": id_of(c), "version": STALE, "action": { "kind": "withdraw", "reason": "" }, "note": "" } }))
        )),
        entry!("case_activities", READERS, Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        entry!("case_notices", BUREAU_OBS, Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        entry!(
            "resend_notice",
            BUREAU,
            Case,
            |_, c| form(&[("case_id", case_id(c)), ("delivery_id", "987654".into())]),
            also & [404]
        ),
        entry!("save_activity", &[EX, CC, PC], Case, |_, c| Some(
            Req::Json(json!({ "input": {
            "case_id": id_of(c), "id": null, "version": 0, "kind": "not-a-kind", "held_on": "",
            "participants": "", "notes": "" } }))
        )),
        // ---- credit records and ratings
        entry!(
            "credit_records",
            &[IN, CC, CD, PC, PD],
            InstitutionA,
            |x, _| Some(Req::Json(json!({
            "subject": "institution", "target_id": x.institution_input["__id"] })))
        ),
        entry!("file_credit", DIRECTORS, InstitutionA, |x, _| Some(
            Req::Json(json!({ "input": {
            "subject": "institution", "target_id": x.institution_input["__id"], "case_id": null,
            "case_number": "", "void_sheet": false,
            "form": { "kind": "concealment", "measure": "", "reason": "短" } } }))
        )),
        entry!("case_ratings", BUREAU, Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        entry!(
            "rate_expert",
            CLERKS,
            Case,
            |_, c| Some(Req::Json(json!({ "input": {
            "case_id": id_of(c), "expert_id": first_member(c),
            "rating": { "score": "not-a-number", "comment": "" } } }))),
            also & [404]
        ),
        entry!("expert_ratings", BUREAU, None, |_, _| form(&[(
            "expert_id",
            "1".into()
        )])),
        // ---- dashboards and registry
        entry!("dashboard", BUREAU, None, |_, _| Some(Req::Get(
            "query[from]=&query[to]=&query[county]=".into()
        ))),
        entry!("registry", BUREAU, None, |_, _| Some(Req::Get(
            "query[institution]=".into()
        ))),
        entry!("audit_log", AUDIT, None, |_, _| Some(Req::Get(
            "query[action]=auth.".into()
        ))),
        entry!("verify_audit", &[PC, PD, AD], None, |_, _| form(&[])),
        public!("public_registry", |_, _| Some(Req::Get(
            "query[institution]=".into()
        ))),
        // ---- the draw
        entry!("draw_page", BUREAU_OBS, Case, |_, c| form(&[(
            "id",
            case_id(c)
        )])),
        // The director of the case's level sets it (another level's director: 403).
        entry!("set_draw_settings", DIRECTORS, Case, |_, c| form(&[
            ("case_id", case_id(c)),
            ("require_verified_titles", "false".into()),
        ])),
        entry!("run_draw", CLERKS, Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "id": id_of(c), "version": STALE, "kind": "initial", "panel_size": 3, "backups": 2,
            "reason": "", "observer": null } })
        ))),
        entry!("request_experts", CLERKS, Case, |_, c| form(&[
            ("id", case_id(c)),
            ("version", STALE.to_string()),
            ("reason", "专家不足，请求借调。".into()),
        ])),
        entry!("verify_draws", BUREAU_OBS, Case, |_, c| form(&[(
            "id",
            case_id(c)
        )])),
        entry!("loan_requests", PREF, None, |_, _| form(&[])),
        entry!(
            "grant_loan",
            PREF,
            None,
            |_, _| form(&[("case_id", "0".into()), ("note", String::new())]),
            also & [404, 409]
        ),
        entry!("my_invitations", &[EX], None, |_, _| form(&[])),
        entry!("witnessed_draws", &[OB], None, |_, _| form(&[])),
        // ---- the expert pool
        entry!("expert_pool_meta", BUREAU, None, |_, _| form(&[])),
        entry!("search_experts", BUREAU, None, |_, _| Some(Req::Json(
            json!({ "query": serde_json::to_value(app::api::experts::PoolQuery::default()).unwrap() })
        ))),
        entry!("get_expert", BUREAU, None, |_, _| Some(Req::Json(
            json!({ "id": 1 })
        ))),
        entry!("create_expert", PREF, None, |x, _| {
            let mut input = x.expert1_input.clone();
            input["name"] = json!("");
            Some(Req::Json(json!({ "input": input })))
        }),
        entry!("update_expert", PREF, None, |x, _| Some(Req::Json(
            json!({ "id": 1, "version": STALE, "input": x.expert1_input })
        ))),
        entry!("set_expert_status", PREF, None, |_, _| Some(Req::Json(
            json!({ "id": 1, "version": STALE, "status": "active", "reason": "" })
        ))),
        entry!("set_expert_ties", PREF, None, |_, _| Some(Req::Json(
            json!({ "id": 1, "version": STALE, "ties": serde_json::to_value(app::domain::draw::Ties::default()).unwrap() })
        ))),
        entry!("import_experts", PREF, None, |_, _| Some(Req::Json(
            json!({ "csv": "" })
        ))),
        entry!("propose_expert", &[CC, CD], None, |x, _| {
            let mut input = x.expert1_input.clone();
            input["name"] = json!("");
            Some(Req::Json(json!({ "input": input, "note": "" })))
        }),
        entry!("expert_proposals", BUREAU, None, |_, _| form(&[])),
        entry!(
            "decide_proposal",
            PREF,
            None,
            |_, _| Some(Req::Json(
                json!({ "id": 0, "version": STALE, "approve": false, "reason": "" })
            )),
            also & [404]
        ),
        entry!("my_expert_profile", &[EX], None, |_, _| form(&[])),
        entry!("verify_expert_title", PREF, None, |_, _| form(&[
            ("id", "1".into()),
            ("version", STALE.to_string()),
        ])),
        entry!("save_expert_declarations", &[EX], OwnExpert, |_, _| Some(
            Req::Json(json!({ "id": 1, "version": STALE, "input": {
            "declares_no_post": true, "declares_relatives_no_post": true,
            "unavailable_from": null, "unavailable_until": null, "availability_note": "" } }))
        )),
        // ---- the institution
        entry!("my_institution", &[IN], None, |_, _| form(&[])),
        entry!("save_my_institution", &[IN], None, |x, _| {
            let mut input = x.institution_input.clone();
            input.as_object_mut().unwrap().remove("__id");
            Some(Req::Json(json!({ "input": input, "version": STALE })))
        }),
        // ---- meeting and briefing
        entry!("meeting_page", PANEL_AND_BUREAU, Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        entry!("schedule_meeting", CLERKS, Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "case_id": id_of(c), "version": STALE,
            "meeting": serde_json::to_value(app::domain::meeting::MeetingInput::default()).unwrap() } })
        ))),
        entry!("record_minutes", CLERKS, Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "case_id": id_of(c), "version": STALE,
            "minutes": serde_json::to_value(app::domain::meeting::MinutesInput::default()).unwrap() } })
        ))),
        entry!("waive_meeting", DIRECTORS, Case, |_, c| form(&[
            ("case_id", case_id(c)),
            ("version", STALE.to_string()),
            ("reason", String::new()),
        ])),
        entry!("confirm_briefing", &[EX], Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        // ---- the opinion
        entry!("opinion_page", READERS, Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        entry!("save_opinion", &[EX], Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "case_id": id_of(c), "version": STALE,
            "draft": serde_json::to_value(app::domain::opinion::OpinionDraft::default()).unwrap() } })
        ))),
        entry!("sign_opinion", &[EX], Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "case_id": id_of(c), "version": STALE, "revision": 1, "password": "x", "dissent": "" } })
        ))),
        entry!("seal_opinion", DIRECTORS, Case, |_, c| form(&[
            ("case_id", case_id(c)),
            ("version", STALE.to_string()),
            ("password", "x".into()),
        ])),
        entry!(
            "set_panel_lead",
            CLERKS,
            Case,
            |_, c| form(&[
                ("case_id", case_id(c)),
                ("version", STALE.to_string()),
                ("seat_id", "0".into()),
                ("reason", String::new()),
            ]),
            also & [404]
        ),
        public!("verify_opinion", |_, _| form(&[(
            "code",
            "NOT-A-CODE".into()
        )])),
        entry!("revoke_determination", DIRECTORS, Case, |_, c| Some(
            Req::Json(json!({ "input": {
            "case_id": id_of(c), "version": STALE,
            "revocation": { "reason": "", "credit_record": null } } }))
        )),
        // ---- re-review
        entry!("request_rereview", &[IN], Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "id": id_of(c), "version": STALE,
            "application": serde_json::to_value(app::domain::rereview::RereviewApplication::default()).unwrap() } })
        ))),
        // ---- self-check
        public!("evaluate_self_check", |_, _| Some(Req::Json(
            json!({ "check": serde_json::to_value(SelfCheck::default()).unwrap() })
        ))),
        public!("self_check_page", |_, _| form(&[])),
        public!("self_check_rubric", |_, _| form(&[])),
        entry!("save_self_check", &[IN], None, |_, _| Some(Req::Json(
            json!({ "input": {
            "item_name": "", "check": serde_json::to_value(SelfCheck::default()).unwrap() } })
        ))),
        entry!("my_self_checks", &[IN], None, |_, _| form(&[])),
        entry!("self_check", &[IN], OwnSelfCheck, |x, _| form(&[(
            "id",
            x.self_check.to_string()
        )])),
        entry!("attach_self_check", &[IN], Case, |x, c| form(&[
            ("case_id", case_id(c)),
            ("self_check_id", x.self_check.to_string())
        ])),
        // ---- score sheets
        entry!("my_sheet", &[EX], Case, |_, c| form(&[(
            "case_id",
            case_id(c)
        )])),
        entry!("save_sheet", &[EX], Case, |_, c| Some(Req::Json(
            json!({ "input": {
            "case_id": id_of(c), "base_version": STALE,
            "sheet": serde_json::to_value(app::domain::sheet::ScoreSheet::default()).unwrap(),
            "save_id": format!("walk-{}", rand_id()), "submit": false, "password": "" } })
        ))),
        entry!(
            "get_sheet",
            PANEL_AND_BUREAU,
            Case,
            |_, c| form(&[
                ("case_id", case_id(c)),
                ("expert_id", first_member(c).to_string())
            ]),
            also & [404]
        ),
        // ---- plain routes
        public!("get /healthz", |_, _| Some(Req::Raw(
            "GET",
            "/healthz".into(),
            vec![]
        ))),
        public!("get /pkg/i18n/{file}", |_, _| Some(Req::Raw(
            "GET",
            app::i18n::table_file("zh-CN").path.clone(),
            vec![]
        ))),
        entry!(
            "post /files/cases/{case_id}/materials",
            &[IN],
            Case,
            |_, c| Some(Req::Raw(
                "POST",
                format!(
                    "/files/cases/{}/materials?kind=other&name=walk.pdf",
                    id_of(c)
                ),
                pdf(&format!("walk {}", rand_id())),
            ))
        ),
        entry!("get /files/materials/{id}", READERS, Case, |_, c| c?
            .material
            .map(|m| Req::Raw(
                "GET",
                format!("/files/materials/{m}"),
                vec![]
            ))),
        entry!(
            "post /files/activities/{activity_id}/files",
            &[EX, CC, PC],
            Case,
            |_, c| c?.activity.map(|a| Req::Raw(
                "POST",
                format!("/files/activities/{a}/files?name=walk.png"),
                png(),
            ))
        ),
        entry!(
            "get /files/activity-files/{id}",
            PANEL_AND_BUREAU,
            Case,
            |_, c| c?.activity_file.map(|f| Req::Raw(
                "GET",
                format!("/files/activity-files/{f}"),
                vec![]
            ))
        ),
        entry!(
            "get /files/cases/{case_id}/opinion.pdf",
            READERS,
            Case,
            |_, c| Some(Req::Raw(
                "GET",
                format!("/files/cases/{}/opinion.pdf", id_of(c)),
                vec![]
            )),
            also & [404]
        ),
        entry!(
            "post /files/experts/{expert_id}/title-certificate",
            &[EX, PC, PD],
            Expert1Certificate,
            |_, _| Some(Req::Raw(
                "POST",
                "/files/experts/1/title-certificate?name=walk.png".into(),
                png(),
            ))
        ),
        entry!(
            "get /files/experts/{expert_id}/title-certificate",
            &[EX, CC, CD, PC, PD],
            Expert1Certificate,
            |_, _| Some(Req::Raw(
                "GET",
                "/files/experts/1/title-certificate".into(),
                vec![]
            ))
        ),
        entry!("get /export/audit.csv", AUDIT, None, |_, _| Some(Req::Raw(
            "GET",
            "/export/audit.csv?action=auth.".into(),
            vec![]
        ))),
        entry!("get /export/dashboard/{table}", BUREAU, None, |_, _| Some(
            Req::Raw("GET", "/export/dashboard/states".into(), vec![])
        )),
        public!("post /verify/pdf", |_, _| Some(Req::Raw(
            "POST",
            "/verify/pdf".into(),
            pdf("walk")
        ))),
    ]
}

fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn call(s: &Srv, cookie: &str, name: &str, req: Req) -> (u16, Value) {
    let rb = match req {
        Req::Form(f) => s.http.post(format!("{}/api/{name}", s.base)).form(&f),
        Req::Json(v) => s.http.post(format!("{}/api/{name}", s.base)).json(&v),
        Req::Get(q) => s.http.get(format!("{}/api/{name}?{q}", s.base)),
        Req::Raw(method, path, body) => {
            let url = format!("{}{path}", s.base);
            if method == "GET" {
                s.http.get(url)
            } else {
                s.http.post(url).body(body)
            }
        }
    };
    let rb = if cookie.is_empty() {
        rb
    } else {
        rb.header(header::COOKIE, cookie)
    };
    let r = rb.send().await.unwrap();
    let st = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (st, v)
}

/// Every string and every number under a key naming an expert, in a JSON answer.
fn contents(v: &Value, key: &str, strings: &mut Vec<String>, ids: &mut Vec<i64>) {
    match v {
        Value::String(s) => strings.push(s.clone()),
        Value::Number(n) if key.contains("expert") => ids.extend(n.as_i64()),
        Value::Array(a) => a.iter().for_each(|x| contents(x, key, strings, ids)),
        Value::Object(o) => o.iter().for_each(|(k, x)| contents(x, k, strings, ids)),
        _ => {}
    }
}

/// Who the panel is: each member's name, employer and id.
struct Panel(Vec<(i64, String, String)>);

impl Panel {
    fn leaks(&self, v: &Value) -> Vec<String> {
        let (mut strings, mut ids) = (vec![], vec![]);
        contents(v, "", &mut strings, &mut ids);
        let mut out = vec![];
        for (id, name, employer) in &self.0 {
            if ids.contains(id) {
                out.push(format!("expert id {id}"));
            }
            for secret in [name, employer] {
                if !secret.is_empty() && strings.iter().any(|s| s.contains(secret.as_str())) {
                    out.push(secret.clone());
                }
            }
        }
        out
    }
}

async fn panel_of(s: &Srv, experts: impl IntoIterator<Item = i64>) -> Panel {
    let mut out = vec![];
    for e in experts {
        let m = app::store::reference::expert(&s.db.db, e)
            .await
            .unwrap()
            .unwrap();
        out.push((e, m.name, m.employer));
    }
    Panel(out)
}

async fn audit_len(s: &Srv) -> u64 {
    audit_event::Entity::find().count(&s.db.db).await.unwrap()
}

async fn case_version(s: &Srv, id: i64) -> Option<i32> {
    jd_case::Entity::find_by_id(id)
        .one(&s.db.db)
        .await
        .unwrap()
        .map(|c| c.version)
}

async fn actor(s: &Srv, label: &str, username: &str) -> Actor {
    let a = app::store::accounts::by_username(&s.db.db, username)
        .await
        .unwrap()
        .unwrap();
    let who = app::store::accounts::actor_of(&a).unwrap();
    Actor {
        label: label.into(),
        role: Some(who.role),
        county: who.county().map(|c| c.0),
        institution: who.institution().map(|i| i.0),
        expert: who.expert().map(|e| e.0),
        cookie: s.login(username).await,
        username: username.into(),
    }
}

async fn create_account(s: &Srv, username: &str, role: Role, county: i64) {
    app::store::accounts::create(
        &s.db.db,
        app::store::accounts::NewAccount {
            username: username.into(),
            display_name: username.into(),
            password_hash: app::store::passwords::hash(DEMO_PASSWORD).unwrap(),
            role,
            scope: app::domain::role::Scope::County(app::domain::ids::CountyId(county)),
            must_change_password: false,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
}

async fn expert_username(s: &Srv, expert: i64) -> String {
    app::store::accounts::post_holder(
        &s.db.db,
        Role::Expert,
        app::domain::role::Scope::Expert(app::domain::ids::ExpertId(expert)),
        None,
    )
    .await
    .unwrap()
    .map(|a| a.username)
    .unwrap_or_else(|| panic!("an account for expert {expert}"))
}

fn members(m: &[(i64, String)]) -> Vec<i64> {
    m.iter().map(|(e, _)| *e).collect()
}

fn first_material(c: &Value) -> Option<i64> {
    c["materials"][0]["id"].as_i64()
}

/// Builds the fixtures: one case of institution A at each stage, and institution B's.
async fn fixtures(s: &Srv) -> Vec<Fix> {
    let inst = s.login("jigou").await;
    let clerk = s.login("xian-jbr").await;
    let director = s.login("xian-fzr").await;
    let fix = |label, id, panel: Vec<i64>, determined, draft| Fix {
        label,
        id,
        county: CHANGJI,
        institution: 0,
        draft,
        determined,
        panel,
        material: None,
        activity: None,
        activity_file: None,
    };
    let mut out = vec![];

    let det = accepted_case(s, &inst, &clerk, "走查-已认定", "arts", "primary").await;
    let m = seat_panel(s, &clerk, det, 3).await;
    sealed_opinion(s, &director, det, &m).await;
    let (st, v) = act(s, &director, det, json!({ "kind": "determine", "category": "non_subject", "reasons": "依据专家组鉴定意见作出结论。" })).await;
    assert_eq!(st, 200, "{v}");
    out.push(fix("determined", det, members(&m), true, false));

    let sealed = accepted_case(s, &inst, &clerk, "走查-已盖章", "arts", "primary").await;
    let m = seat_panel(s, &clerk, sealed, 3).await;
    sealed_opinion(s, &director, sealed, &m).await;
    out.push(fix("sealed", sealed, members(&m), false, false));

    let ur = accepted_case(s, &inst, &clerk, "走查-评审中", "arts", "primary").await;
    let m = seat_panel(s, &clerk, ur, 3).await;
    let (st, v) = s.call(&m[0].1, "save_activity", json!({ "input": { "case_id": ur, "id": null, "version": 0, "kind": "site_visit", "held_on": "2026-04-07", "place": "机构一楼教室", "participants": "专家组全体", "notes": "查看教室与学生作品，未见学科教材。" } })).await;
    assert_eq!(st, 200, "{v}");
    let activity = v["id"].as_i64().unwrap();
    let r = s
        .http
        .post(format!(
            "{}/files/activities/{activity}/files?name=photo.png",
            s.base
        ))
        .header(header::COOKIE, &m[0].1)
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let photo = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut f = fix("under review", ur, members(&m), false, false);
    f.activity = Some(activity);
    f.activity_file = Some(photo);
    out.push(f);

    let (draft, _) = new_draft(s, &inst, "走查-草稿").await;
    upload_required(s, &inst, draft).await;
    out.push(fix("draft", draft, vec![], false, true));

    let sub = submitted(s, &inst, "走查-已提交").await;
    out.push(fix("submitted", sub, vec![], false, false));

    let rr = determined_directly(s, &inst, &director, "走查-复审申请").await;
    let (st, v) = apply(
        s,
        &inst,
        rr,
        application("机构认为部分材料未被充分审查，请求复审。"),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    out.push(fix("re-review requested", rr, vec![], true, false));

    let fw = determined_directly(s, &inst, &director, "走查-已移送").await;
    let (st, v) = apply(
        s,
        &inst,
        fw,
        application("机构提交了新证据，请求州教育局复审。"),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = act(
        s,
        &director,
        fw,
        json!({ "kind": "forward_rereview", "reasons": "" }),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    out.push(fix("forwarded", fw, vec![], true, false));
    let child = s.case(&inst, fw).await.1["rereview"]["child"]["id"]
        .as_i64()
        .expect("the prefecture case");
    out.push(fix(
        "prefecture re-review case",
        child,
        vec![],
        false,
        false,
    ));

    let inst_b = s.login("jigou2").await;
    let b = submitted(s, &inst_b, "走查-阜康").await;
    let mut fb = fix("another county's case", b, vec![], false, false);
    fb.county = FUKANG;
    out.push(fb);

    for f in &mut out {
        let c = jd_case::Entity::find_by_id(f.id)
            .one(&s.db.db)
            .await
            .unwrap()
            .unwrap();
        f.institution = c.institution_id;
        f.county = c.county_id;
        let who = if c.county_id == FUKANG {
            &inst_b
        } else {
            &inst
        };
        f.material = first_material(&s.case(who, f.id).await.1);
    }
    out
}

/// What the call must answer, or `Err` with why not.
fn expected(e: &Entry, a: &Actor, c: Option<&Fix>, ctx_sees: bool, st: u16) -> Result<(), String> {
    if st >= 500 {
        return Err("a server error".into());
    }
    if a.role.is_none() {
        return if e.public {
            (st != 401)
                .then_some(())
                .ok_or_else(|| "public, yet 401".into())
        } else if st == 401 {
            Ok(())
        } else {
            Err("signed out: expected 401".into())
        };
    }
    let role = a.role.unwrap();
    if !e.public && !e.allowed.contains(&role) {
        return if st == 403 || st == 404 {
            Ok(())
        } else {
            Err("a role that may not use it: expected 403 or 404".into())
        };
    }
    if !ctx_sees {
        return if st == 404 {
            Ok(())
        } else {
            Err(format!(
                "{} is outside the actor's scope: expected 404",
                c.map_or("the record", |c| c.label)
            ))
        };
    }
    if matches!(st, 401 | 404) && !e.also.contains(&st) {
        return Err("an allowed role on an object it sees was refused".into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_as_every_role_against_every_stage() {
    for db in TestDb::all().await {
        let s = Srv::start(db).await;
        let kind = s.db.kind;
        // The endpoints: every registered server function and every plain route.
        let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(p, _)| p.trim_start_matches("/api/").to_string())
            .collect();
        endpoints.extend(
            server::plain_routes()
                .into_iter()
                .map(|(m, p)| format!("{m} {p}")),
        );
        endpoints.sort();
        endpoints.dedup();
        let table = table();
        let by_name: HashMap<&str, &Entry> = table.iter().map(|e| (e.name, e)).collect();
        let missing: Vec<&String> = endpoints
            .iter()
            .filter(|n| !by_name.contains_key(n.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "endpoints without an entry in the walk's table: {missing:?}"
        );
        let stale: Vec<&str> = table
            .iter()
            .map(|e| e.name)
            .filter(|n| !endpoints.iter().any(|x| x == n))
            .collect();
        assert!(
            stale.is_empty(),
            "entries for endpoints that do not exist: {stale:?}"
        );

        let fixtures = fixtures(&s).await;
        create_account(&s, "fk-fzr", Role::CountyDirector, FUKANG).await;
        create_account(&s, "jiandu-fk", Role::Observer, FUKANG).await;
        // Experts: the members of the panels still at work, one of the determined panel, one
        // never drawn.
        let mut experts: Vec<i64> = fixtures
            .iter()
            .filter(|f| !f.determined)
            .flat_map(|f| f.panel.clone())
            .collect();
        experts.extend(fixtures[0].panel.first().copied());
        let seated: HashSet<i64> = fixtures.iter().flat_map(|f| f.panel.clone()).collect();
        let outsider = (7..=48).find(|e| !seated.contains(e)).unwrap();
        experts.push(outsider);
        experts.sort();
        experts.dedup();
        let mut actors = vec![Actor {
            label: "anonymous".into(),
            role: None,
            county: None,
            institution: None,
            expert: None,
            cookie: String::new(),
            username: String::new(),
        }];
        for (label, u) in [
            ("institution A", "jigou"),
            ("institution B", "jigou2"),
            ("county A clerk", "xian-jbr"),
            ("county A director", "xian-fzr"),
            ("county B clerk", "fk-jbr"),
            ("county B director", "fk-fzr"),
            ("prefecture clerk", "zhou-jbr"),
            ("prefecture director", "zhou-fzr"),
            ("prefecture observer", "jiandu"),
            ("county B observer", "jiandu-fk"),
            ("administrator", "admin"),
        ] {
            actors.push(actor(&s, label, u).await);
        }
        for e in &experts {
            let u = expert_username(&s, *e).await;
            actors.push(actor(&s, &format!("expert {e}"), &u).await);
        }

        // The context: real inputs for the forms that need a well-formed body.
        let pc = &actors
            .iter()
            .find(|a| a.username == "zhou-jbr")
            .unwrap()
            .cookie;
        let (_, e1) = s.call(pc, "get_expert", json!({ "id": 1 })).await;
        let inst_a = &actors
            .iter()
            .find(|a| a.username == "jigou")
            .unwrap()
            .cookie;
        let (_, me) = s.call(inst_a, "my_institution", json!({})).await;
        let mut institution_input = me["input"].clone();
        institution_input["__id"] = me["id"].clone();
        let mut check = SelfCheck::new(app::domain::rubric::current());
        for (_, i) in app::domain::rubric::current().indicators() {
            check.answers.insert(
                i.id.clone(),
                AnswerEntry {
                    answer: Some(Answer::N),
                    note: String::new(),
                },
            );
        }
        let (st, saved) = s
            .call(
                inst_a,
                "save_self_check",
                json!({ "input": { "item_name": "走查自查", "check": check } }),
            )
            .await;
        assert_eq!(st, 200, "{saved}");
        let account = app::store::accounts::by_username(&s.db.db, "jigou2")
            .await
            .unwrap()
            .unwrap()
            .id;
        let jigou = app::store::accounts::by_username(&s.db.db, "jigou")
            .await
            .unwrap()
            .unwrap()
            .id;
        let notice = app::store::notices::inbox(&s.db.db, jigou)
            .await
            .unwrap()
            .first()
            .expect("institution A was told of its submissions")
            .id;
        let ctx = Ctx {
            expert1_input: e1["input"].clone(),
            institution_input,
            self_check: saved["id"].as_i64().unwrap(),
            account,
            notice,
        };

        // Who the public and the institutions must not learn of: the panels not yet determined.
        let determined_people: HashSet<i64> = fixtures
            .iter()
            .filter(|f| f.determined)
            .flat_map(|f| f.panel.clone())
            .collect();
        let hidden_people: Vec<i64> = fixtures
            .iter()
            .filter(|f| !f.determined)
            .flat_map(|f| f.panel.clone())
            .filter(|e| !determined_people.contains(e))
            .collect();
        let hidden_anywhere = panel_of(&s, hidden_people).await;
        let mut hidden_on = HashMap::new();
        for f in &fixtures {
            if !f.determined {
                hidden_on.insert(f.id, panel_of(&s, f.panel.clone()).await);
            }
        }

        let mut calls = 0usize;
        let mut refused = 0usize;
        let mut failures: Vec<String> = vec![];
        for e in &table {
            let objects: Vec<Option<&Fix>> = if e.obj == Obj::Case {
                fixtures.iter().map(Some).collect()
            } else {
                vec![None]
            };
            for c in objects {
                for a in &actors {
                    let Some(req) = (e.build)(&ctx, c) else {
                        continue;
                    };
                    let visible = match e.obj {
                        Obj::None => true,
                        Obj::Case => c.is_some_and(|c| sees(a, c)),
                        Obj::InstitutionA => match a.role {
                            Some(Role::InstitutionUser) => a.username == "jigou",
                            Some(Role::CountyClerk | Role::CountyDirector) => {
                                a.county == Some(CHANGJI)
                            }
                            _ => true,
                        },
                        Obj::OwnExpert => a.expert == Some(1),
                        Obj::OwnSelfCheck => a.username == "jigou",
                        Obj::Expert1Certificate => {
                            a.expert == Some(1)
                                || matches!(
                                    a.role,
                                    Some(
                                        Role::CountyClerk
                                            | Role::CountyDirector
                                            | Role::PrefectureClerk
                                            | Role::PrefectureDirector
                                    )
                                )
                        }
                    };
                    let cookie = if e.fresh_session && a.role.is_some() {
                        s.login(&a.username).await
                    } else {
                        a.cookie.clone()
                    };
                    let audit_before = audit_len(&s).await;
                    let version_before = match c {
                        Some(c) => case_version(&s, c.id).await,
                        None => None,
                    };
                    let name = e.name;
                    let (st, body) = call(&s, &cookie, name, req).await;
                    calls += 1;
                    let at = format!(
                        "{kind}: {name} as {} on {}",
                        a.label,
                        c.map_or("-", |c| c.label)
                    );
                    if let Err(why) = expected(e, a, c, visible, st) {
                        failures.push(format!(
                            "{at}: {st}: {why}: {}",
                            body.to_string().chars().take(200).collect::<String>()
                        ));
                    }
                    if matches!(st, 401 | 403 | 404) {
                        refused += 1;
                        if audit_len(&s).await != audit_before {
                            failures.push(format!("{at}: refused ({st}) but the audit trail grew"));
                        }
                        if let Some(c) = c {
                            if case_version(&s, c.id).await != version_before {
                                failures.push(format!("{at}: refused ({st}) but the case changed"));
                            }
                        }
                    }
                    // Nothing of a panel at work reaches the institution or the public.
                    if matches!(a.role, None | Some(Role::InstitutionUser)) {
                        let panel = match c {
                            Some(c) => hidden_on.get(&c.id),
                            None => Some(&hidden_anywhere),
                        };
                        if let Some(p) = panel {
                            let leaked = p.leaks(&body);
                            if !leaked.is_empty() {
                                failures.push(format!("{at}: the panel leaked: {leaked:?}"));
                            }
                        }
                    }
                }
            }
        }
        println!(
            "walk ({kind}): {} endpoints, {} actors, {} cases: {calls} calls, {refused} refused",
            endpoints.len(),
            actors.len(),
            fixtures.len()
        );
        assert!(
            failures.is_empty(),
            "{} of {calls} calls answered against the policy:\n{}",
            failures.len(),
            failures.join("\n")
        );
        s.stop().await;
    }
}
