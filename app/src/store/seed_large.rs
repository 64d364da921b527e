//! Large demo data (`jianding seed-demo --scale large`): 100,000 cases over two years with their
//! timelines, stage spans, panels, score sheets and re-reviews, 1,000 more experts and 2,000
//! institutions — for measuring the dashboards and the registry at the size of years of work.
//! Deterministic (a fixed seed), written in bulk, loaded on top of the demo data only.
//!
//! The generated history follows the lifecycle's paths and time limits but is written directly,
//! not through `record_transition`: it has no audit events, no materials and no draw records
//! (its seats name the experts directly). It is benchmark data, never production data.

use super::batches;
use super::dashboard::{insert_spans, spans_of};
use super::entities::{
    case_counter, case_event, expert, institution, jd_case, rereview_application, score_sheet, seat,
};
use super::reference::COUNTIES;
use super::seed::{person, uscc};
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::china_time::china_date;
use crate::domain::deadline::{add_working_days, Clock, HolidayCalendar, TimeLimits};
use crate::domain::sheet::{IndicatorScore, ScoreSheet};
use crate::domain::terms::Rating;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, Statement, TransactionTrait,
};

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub cases: usize,
    pub experts: usize,
    pub institutions: usize,
}

/// `--scale large`.
pub const LARGE: Scale = Scale {
    cases: 100_000,
    experts: 1_000,
    institutions: 2_000,
};

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub cases: usize,
    pub events: usize,
    pub spans: usize,
    pub seats: usize,
    pub sheets: usize,
    pub rereviews: usize,
}

/// A small deterministic generator (SplitMix64): the same data on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

const ITEMS: &[&str] = &[
    "少儿创意美术",
    "青少年机器人编程",
    "少儿街舞",
    "围棋启蒙",
    "少儿合唱",
    "书法练习",
    "科学实验探究",
    "篮球训练营",
    "国际象棋",
    "少儿编程入门",
    "民族舞蹈",
    "陶艺制作",
    "跆拳道",
    "英语绘本阅读",
    "思维训练",
    "小学数学拓展",
    "作文提升",
    "游泳培训",
];
const DOMAINS: &[&str] = &[
    "arts",
    "technology",
    "sports",
    "thinking",
    "practice",
    "language",
];

/// One generated transition.
struct Step {
    at: DateTime<Utc>,
    from: CaseState,
    to: CaseState,
    action: &'static str,
}

/// Calendar time for `wd` working days from `t` (keeps the time of day).
fn after(t: DateTime<Utc>, wd: i64) -> DateTime<Utc> {
    let cal = HolidayCalendar::embedded();
    let d = china_date(t);
    let target = add_working_days(d, wd, cal);
    t + Duration::days((target - d).num_days())
}

fn sheet_json(rng: &mut Rng, subject: bool) -> String {
    let r = crate::domain::rubric::current();
    let mut s = ScoreSheet {
        rubric_version: r.version,
        negative_list_version: crate::domain::negative_list::current_negative_list().version,
        ..ScoreSheet::default()
    };
    for ind in r.required_indicators() {
        let rating = if subject && rng.below(3) == 0 {
            Rating::S
        } else {
            Rating::N
        };
        s.ratings.insert(
            ind.id.clone(),
            IndicatorScore {
                rating: Some(rating),
                evidence: "依据课程方案与课堂观摩记录".into(),
                refs: vec![],
            },
        );
    }
    serde_json::to_string(&s).unwrap_or_default()
}

/// Loads the large data into a database that holds the demo data and no cases yet. Calls
/// `progress(done, total)` after each batch.
pub async fn seed_large(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    scale: Scale,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, DbErr> {
    if jd_case::Entity::find().count(db).await? > 0 {
        return Err(DbErr::Custom(
            "the database already has cases: large data goes into demo data only".into(),
        ));
    }
    let mut rng = Rng(2026);
    let creator: i64 = super::entities::user_account::Entity::find()
        .one(db)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| DbErr::Custom("load the demo data first".into()))?;

    // Institutions, spread over the counties.
    let txn = db.begin().await?;
    let mut insts: Vec<Vec<i64>> = vec![vec![]; COUNTIES.len()];
    let existing = institution::Entity::find().all(&txn).await?;
    for i in &existing {
        if let Some(ci) = COUNTIES.iter().position(|c| c.0 == i.county_id) {
            insts[ci].push(i.id);
        }
    }
    for n in 0..scale.institutions {
        let ci = n % COUNTIES.len();
        let (cid, cname, _) = COUNTIES[ci];
        let am = institution::ActiveModel {
            name: Set(format!(
                "{cname}{}培训中心{:04}",
                ITEMS[n % ITEMS.len()],
                n + 1
            )),
            uscc: Set(uscc(10_000 + n, cid, n % 3 == 0)),
            licence_no: Set(format!("教民{cid}{:09}", 300_000_000 + n)),
            county_id: Set(cid),
            address: Set(format!("新疆维吾尔自治区昌吉回族自治州{cname}{}号", n + 1)),
            legal_rep: Set(person(n * 3 + 1)),
            principal: Set(person(n * 3 + 2)),
            contact_name: Set(person(n * 3 + 3)),
            contact_phone: Set(format!("138{:08}", n * 7_919 % 100_000_000)),
            for_profit: Set(n % 3 == 0),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        insts[ci].push(
            institution::Entity::insert(am)
                .exec(&txn)
                .await?
                .last_insert_id,
        );
    }
    // Experts: four in five subject or teaching experts, the rest legal.
    let mut subject_experts = Vec::new();
    let mut legal_experts = Vec::new();
    for e in expert::Entity::find().all(&txn).await? {
        if e.status == "active" {
            if e.kind == "legal" {
                legal_experts.push(e.id);
            } else {
                subject_experts.push(e.id);
            }
        }
    }
    for n in 0..scale.experts {
        let legal = n % 5 == 4;
        let status = match n % 50 {
            0 => "suspended",
            1 => "removed",
            _ => "active",
        };
        let start = NaiveDate::from_ymd_opt(2024 + (n % 3) as i32, 9, 1).unwrap_or_default();
        let d1 = *rng.pick(DOMAINS);
        let d2 = *rng.pick(DOMAINS);
        let am = expert::ActiveModel {
            name: Set(person(1_000 + n)),
            employer: Set(format!("昌吉州第{}中学", n % 40 + 1)),
            title: Set(["zhongji", "fugaoji", "zhenggaoji"][n % 3].into()),
            kind: Set(if legal { "legal" } else { "subject" }.into()),
            subjects: Set(if legal {
                "[]".into()
            } else {
                serde_json::json!([d1, d2]).to_string()
            }),
            stages: Set(r#"["primary","junior"]"#.into()),
            school_subjects: Set(if legal {
                "[]".into()
            } else {
                r#"["art","math"]"#.into()
            }),
            county_id: Set(Some(COUNTIES[n % COUNTIES.len()].0)),
            phone: Set(format!("137{:08}", n * 104_729 % 100_000_000)),
            term_start: Set(start),
            term_end: Set(start + Duration::days(3 * 365)),
            status: Set(status.into()),
            status_reason: Set(String::new()),
            affiliations: Set(r#"{"affiliations":[]}"#.into()),
            declares_no_post: Set(true),
            declares_relatives_no_post: Set(true),
            declares_no_part_time_history: Set(true),
            declared_at: Set(Some(now)),
            unavailable_from: Set(None),
            unavailable_until: Set(None),
            availability_note: Set(String::new()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let id = expert::Entity::insert(am).exec(&txn).await?.last_insert_id;
        if status == "active" {
            if legal {
                legal_experts.push(id);
            } else {
                subject_experts.push(id);
            }
        }
    }
    txn.commit().await?;
    if subject_experts.len() < 2 || legal_experts.is_empty() {
        return Err(DbErr::Custom("too few experts to seat panels".into()));
    }

    let limits = TimeLimits::default();
    let cal = HolidayCalendar::embedded();
    let span_days = 700;
    let first_day = now - Duration::days(span_days);
    let mut report = Report::default();
    let mut counters: std::collections::BTreeMap<i32, i64> = Default::default();
    let batch = 2_000;
    let mut next_id: i64 = 1;
    let mut done = 0;
    while done < scale.cases {
        let n = batch.min(scale.cases - done);
        let txn = db.begin().await?;
        let mut cases = Vec::with_capacity(n);
        // Prefecture re-review cases, written after their parents.
        let mut children = Vec::new();
        let mut events = Vec::new();
        let mut spans = Vec::new();
        let mut seats = Vec::new();
        let mut sheets = Vec::new();
        let mut apps = Vec::new();
        for _ in 0..n {
            let id = next_id;
            next_id += 1;
            let ci = rng.below(COUNTIES.len() as u64) as usize;
            let county = COUNTIES[ci].0;
            let inst = *rng.pick(&insts[ci]);
            let created =
                first_day + Duration::minutes(rng.below(span_days as u64 * 24 * 60) as i64);
            let item_name = format!("{}{}班", rng.pick(ITEMS), rng.below(9) + 1);
            let domain = *rng.pick(DOMAINS);
            let subject_leaning =
                domain == "thinking" || item_name.contains("数学") || item_name.contains("作文");
            // The path this case takes, cut short where it reaches the present.
            let mut steps: Vec<Step> = Vec::new();
            let mut t = created + Duration::hours(rng.below(48) as i64);
            let mut state = CaseState::Draft;
            let push = |steps: &mut Vec<Step>,
                        at: DateTime<Utc>,
                        to: CaseState,
                        action: &'static str,
                        state: &mut CaseState|
             -> bool {
                if at > now {
                    return false;
                }
                steps.push(Step {
                    at,
                    from: *state,
                    to,
                    action,
                });
                *state = to;
                true
            };
            let fate = rng.below(1000);
            let mut category = None;
            let mut submitted_at = None;
            let mut determined_at = None;
            let mut seated = None;
            'path: {
                if !push(&mut steps, t, CaseState::Submitted, "submit", &mut state) {
                    break 'path;
                }
                submitted_at = Some(t);
                if fate < 20 {
                    t = after(t, rng.below(3) as i64);
                    push(&mut steps, t, CaseState::Withdrawn, "withdraw", &mut state);
                    break 'path;
                }
                t = after(t, rng.below(7) as i64);
                if fate < 50 {
                    push(
                        &mut steps,
                        t,
                        CaseState::NotAccepted,
                        "not_accept",
                        &mut state,
                    );
                    break 'path;
                }
                if fate < 110 {
                    if push(
                        &mut steps,
                        t,
                        CaseState::Determined,
                        "determine_directly",
                        &mut state,
                    ) {
                        category = Some(subject_leaning);
                        determined_at = Some(t);
                    }
                    break 'path;
                }
                if !push(&mut steps, t, CaseState::Accepted, "accept", &mut state) {
                    break 'path;
                }
                t = after(t, rng.below(5) as i64);
                if !push(
                    &mut steps,
                    t,
                    CaseState::PanelDrawn,
                    "record_draw",
                    &mut state,
                ) {
                    break 'path;
                }
                seated = Some((t, false, false, false));
                t = after(t, 1 + rng.below(4) as i64);
                if !push(
                    &mut steps,
                    t,
                    CaseState::UnderReview,
                    "accept_seat",
                    &mut state,
                ) {
                    break 'path;
                }
                seated = Some((seated.map_or(t, |s| s.0), true, false, false));
                t = after(t, 3 + rng.below(17) as i64);
                if !push(
                    &mut steps,
                    t,
                    CaseState::OpinionDrafted,
                    "draft_opinion",
                    &mut state,
                ) {
                    break 'path;
                }
                seated = seated.map(|s| (s.0, true, true, false));
                t = after(t, rng.below(5) as i64);
                if !push(
                    &mut steps,
                    t,
                    CaseState::OpinionSealed,
                    "seal_opinion",
                    &mut state,
                ) {
                    break 'path;
                }
                seated = seated.map(|s| (s.0, true, true, true));
                if fate % 50 == 7 {
                    t = after(t, rng.below(3) as i64);
                    if !push(&mut steps, t, CaseState::Escalated, "escalate", &mut state) {
                        break 'path;
                    }
                }
                t = after(t, rng.below(4) as i64);
                if push(
                    &mut steps,
                    t,
                    CaseState::Determined,
                    "determine",
                    &mut state,
                ) {
                    category = Some(subject_leaning || rng.below(10) == 0);
                    determined_at = Some(t);
                }
            }
            // After the determination: a re-review now and then, else final after the window.
            let mut rereview = None;
            if let Some(dt) = determined_at {
                if fate % 40 == 3 {
                    let filed = dt + Duration::days(1 + rng.below(14) as i64);
                    if push(
                        &mut steps,
                        filed,
                        CaseState::RereviewRequested,
                        "request_rereview",
                        &mut state,
                    ) {
                        let decided = after(filed, 1 + rng.below(5) as i64);
                        let forward = rng.below(2) == 0;
                        let to = if forward {
                            CaseState::Forwarded
                        } else {
                            CaseState::RereviewRefused
                        };
                        let action = if forward {
                            "forward_rereview"
                        } else {
                            "refuse_rereview"
                        };
                        let decided_ok = push(&mut steps, decided, to, action, &mut state);
                        if decided_ok && !forward {
                            let fin = decided + Duration::days(1);
                            push(&mut steps, fin, CaseState::Final, "settle", &mut state);
                        }
                        rereview = Some((filed, decided_ok.then_some((decided, forward))));
                    }
                } else {
                    let fin = dt + Duration::days(i64::from(limits.rereview_request_days) + 1);
                    push(&mut steps, fin, CaseState::Final, "settle", &mut state);
                }
            }

            let last_at = steps.last().map_or(created, |s| s.at);
            let clock = match state {
                CaseState::Submitted => Some((Clock::Intake, limits.intake)),
                CaseState::Accepted => Some((Clock::Draw, limits.draw)),
                CaseState::PanelDrawn | CaseState::UnderReview => {
                    Some((Clock::PanelReview, limits.panel_review))
                }
                CaseState::OpinionDrafted => Some((Clock::Sealing, limits.sealing)),
                CaseState::RereviewRequested => {
                    Some((Clock::ForwardingDecision, limits.forwarding_decision))
                }
                _ => None,
            };
            let year = submitted_at.unwrap_or(created).year();
            let number = if steps.iter().any(|s| s.to == CaseState::Accepted) || category.is_some()
            {
                let c = counters.entry(year).or_insert(0);
                *c += 1;
                Some(format!("CJ-{year}-{c:05}"))
            } else {
                None
            };
            let mut history = vec![(created, "draft".to_string(), "draft".to_string())];
            history.extend(
                steps
                    .iter()
                    .map(|s| (s.at, s.from.code().to_string(), s.to.code().to_string())),
            );
            spans.extend(spans_of(
                id,
                county,
                CaseLevel::County.code(),
                &history,
                cal,
            ));
            events.push(event(
                id,
                created,
                "create",
                CaseState::Draft,
                CaseState::Draft,
                Some(creator),
            ));
            for s in &steps {
                let actor = if s.action == "settle" {
                    None
                } else {
                    Some(creator)
                };
                events.push(event(id, s.at, s.action, s.from, s.to, actor));
            }
            let item = serde_json::json!({
                "name": item_name, "domain": domain, "stage": "primary", "grades": [3, 4],
                "declared_category": "non_subject", "delivery": "offline", "hours": 32,
                "class_size": 15, "fee_fen": 180_000, "description": "生成的基准测试数据",
            });
            let mut child_id = None;
            if let Some((_, Some((decided, true)))) = rereview {
                // The prefecture's case: determined 20 working days on (sometimes changing the
                // county's category), or still open.
                let cid = next_id;
                next_id += 1;
                child_id = Some(cid);
                let due = add_working_days(
                    china_date(decided),
                    i64::from(limits.prefecture_determination),
                    cal,
                );
                let done_at = after(decided, 5 + rng.below(18) as i64);
                let open = done_at > now;
                let original = category.unwrap_or(false);
                let changed = rng.below(10) < 3;
                let child_cat = if changed { !original } else { original };
                let mut h = vec![(decided, "accepted".to_string(), "accepted".to_string())];
                events.push(event(
                    cid,
                    decided,
                    "open_child",
                    CaseState::Accepted,
                    CaseState::Accepted,
                    Some(creator),
                ));
                if !open {
                    h.push((done_at, "accepted".into(), "determined".into()));
                    events.push(event(
                        cid,
                        done_at,
                        "determine",
                        CaseState::Accepted,
                        CaseState::Determined,
                        Some(creator),
                    ));
                    spans.extend(spans_of(cid, county, CaseLevel::Prefecture.code(), &h, cal));
                    let fin = done_at + Duration::minutes(1);
                    events.push(event(
                        id,
                        fin,
                        "settle",
                        CaseState::Forwarded,
                        CaseState::Final,
                        None,
                    ));
                    state = CaseState::Final;
                }
                let c = counters.entry(china_date(decided).year()).or_insert(0);
                *c += 1;
                children.push(jd_case::ActiveModel {
                    id: Set(cid),
                    number: Set(Some(format!("CJ-{}-{c:05}", china_date(decided).year()))),
                    level: Set(CaseLevel::Prefecture.code().into()),
                    county_id: Set(county),
                    institution_id: Set(inst),
                    parent_id: Set(Some(id)),
                    state: Set(if open {
                        CaseState::Accepted
                    } else {
                        CaseState::Determined
                    }
                    .code()
                    .into()),
                    item: Set(item.to_string()),
                    item_name: Set(item_name.clone()),
                    undertaking_given: Set(true),
                    undertaking_at: Set(Some(created)),
                    deficiencies: Set("[]".into()),
                    clock: Set(open.then(|| Clock::PrefectureDetermination.code().to_string())),
                    due_on: Set(open.then_some(due)),
                    category: Set((!open)
                        .then(|| if child_cat { "subject" } else { "non_subject" }.to_string())),
                    determined_on: Set((!open).then(|| china_date(done_at))),
                    created_by: Set(creator),
                    version: Set(2),
                    created_at: Set(decided),
                    updated_at: Set(if open { decided } else { done_at }),
                    submitted_at: Set(submitted_at),
                    rubric_version: Set(crate::domain::rubric::current().version as i32),
                });
            }
            cases.push(jd_case::ActiveModel {
                id: Set(id),
                number: Set(number),
                level: Set(CaseLevel::County.code().into()),
                county_id: Set(county),
                institution_id: Set(inst),
                parent_id: Set(None),
                state: Set(state.code().into()),
                item: Set(item.to_string()),
                item_name: Set(item_name.clone()),
                undertaking_given: Set(true),
                undertaking_at: Set(Some(created)),
                deficiencies: Set("[]".into()),
                clock: Set(clock.map(|(k, _)| k.code().to_string())),
                due_on: Set(
                    clock.map(|(_, l)| add_working_days(china_date(last_at), i64::from(l), cal))
                ),
                category: Set(
                    category.map(|s| if s { "subject" } else { "non_subject" }.to_string())
                ),
                determined_on: Set(determined_at.map(china_date)),
                created_by: Set(creator),
                version: Set(steps.len() as i32 + 1),
                created_at: Set(created),
                updated_at: Set(last_at),
                submitted_at: Set(submitted_at),
                rubric_version: Set(crate::domain::rubric::current().version as i32),
            });
            if let Some((invited, accepted, sheets_in, signed)) = seated {
                let mut members = vec![*rng.pick(&subject_experts)];
                let mut second = *rng.pick(&subject_experts);
                while second == members[0] {
                    second = *rng.pick(&subject_experts);
                }
                members.push(second);
                members.push(*rng.pick(&legal_experts));
                for (k, e) in members.iter().enumerate() {
                    seats.push(seat::ActiveModel {
                        case_id: Set(id),
                        draw_id: Set(0),
                        seat_index: Set(k as i32),
                        expert_id: Set(*e),
                        role: Set(if k == 2 { "legal" } else { "subject" }.into()),
                        lead: Set(k == 0),
                        status: Set(if accepted { "accepted" } else { "invited" }.into()),
                        declaration_signed: Set(accepted),
                        answer_reason: Set(String::new()),
                        invited_at: Set(invited),
                        respond_by: Set(add_working_days(china_date(invited), 2, cal)),
                        answered_at: Set(accepted.then_some(invited + Duration::hours(20))),
                        sheet_submitted: Set(sheets_in),
                        opinion_signed: Set(signed),
                        ..Default::default()
                    });
                    if accepted {
                        sheets.push(score_sheet::ActiveModel {
                            case_id: Set(id),
                            expert_id: Set(*e),
                            rubric_version: Set(crate::domain::rubric::current().version as i32),
                            content: Set(sheet_json(&mut rng, subject_leaning)),
                            version: Set(if sheets_in { 2 } else { 1 }),
                            submitted: Set(sheets_in),
                            submitted_at: Set(sheets_in.then_some(last_at)),
                            created_at: Set(invited),
                            updated_at: Set(invited),
                            ..Default::default()
                        });
                    }
                }
            }
            if let Some((filed, decision)) = rereview {
                apps.push(rereview_application::ActiveModel {
                    case_id: Set(id),
                    grounds: Set("认为课程以实践活动为主，原结论所依据的材料不完整。".into()),
                    request: Set("请求重新认定类别".into()),
                    undertaking: Set(true),
                    filed_by: Set(creator),
                    filed_at: Set(filed),
                    decision: Set(
                        decision.map(|(_, f)| if f { "forwarded" } else { "refused" }.to_string())
                    ),
                    decision_text: Set(String::new()),
                    decided_by: Set(decision.map(|_| creator)),
                    decided_at: Set(decision.map(|(d, _)| d)),
                    child_case_id: Set(child_id),
                    ..Default::default()
                });
            }
        }
        report.cases += cases.len() + children.len();
        cases.append(&mut children);
        report.events += events.len();
        report.spans += spans.len();
        report.seats += seats.len();
        report.sheets += sheets.len();
        report.rereviews += apps.len();
        for chunk in batches(cases, 400) {
            jd_case::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in batches(events, 1_000) {
            case_event::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        insert_spans(&txn, spans).await?;
        for chunk in batches(seats, 1_000) {
            seat::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in batches(sheets, 1_000) {
            score_sheet::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in batches(apps, 500) {
            rereview_application::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        done += n;
        progress(done, scale.cases);
    }
    super::tally::rebuild_all(db).await?;
    // The generated cases' determinations as records of their own.
    super::determinations::backfill(db).await?;
    // Case numbers continue after the generated ones; PostgreSQL's id sequence too.
    for (year, last) in counters {
        case_counter::Entity::insert(case_counter::ActiveModel {
            year: Set(year),
            last: Set(last),
        })
        .exec_without_returning(db)
        .await?;
    }
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute(Statement::from_string(
            DbBackend::Postgres,
            "SELECT setval(pg_get_serial_sequence('jd_case', 'id'), (SELECT MAX(id) FROM jd_case))",
        ))
        .await?;
    }
    Ok(report)
}

fn event(
    case_id: i64,
    at: DateTime<Utc>,
    action: &str,
    from: CaseState,
    to: CaseState,
    actor: Option<i64>,
) -> case_event::ActiveModel {
    case_event::ActiveModel {
        case_id: Set(case_id),
        at: Set(at),
        actor_id: Set(actor),
        actor_role: Set(if actor.is_some() {
            "county_clerk"
        } else {
            "system"
        }
        .into()),
        action: Set(action.into()),
        from_state: Set(from.code().into()),
        to_state: Set(to.code().into()),
        reason: Set(String::new()),
        details: Set("{}".into()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::TestDb;

    /// A small scale through the same code: the figures are consistent with the rows.
    #[tokio::test]
    async fn small_scale_is_consistent() {
        for db in TestDb::all().await {
            let now = DateTime::parse_from_rfc3339("2026-11-29T01:00:00Z")
                .unwrap()
                .with_timezone(&Utc);
            assert!(crate::store::seed::seed_demo(&db.db, now).await.unwrap());
            let mut calls = 0;
            let r = seed_large(
                &db.db,
                now,
                Scale {
                    cases: 3_000,
                    experts: 50,
                    institutions: 40,
                },
                &mut |_, _| calls += 1,
            )
            .await
            .unwrap();
            assert_eq!(calls, 2, "a progress report per batch");
            use sea_orm::{ColumnTrait, QueryFilter};
            let county_level = jd_case::Entity::find()
                .filter(jd_case::Column::Level.eq("county"))
                .count(&db.db)
                .await
                .unwrap();
            assert_eq!(county_level, 3_000);
            assert_eq!(
                jd_case::Entity::find().count(&db.db).await.unwrap() as usize,
                r.cases
            );
            assert!(
                r.seats > 3_000 && r.sheets > 3_000 && r.rereviews > 0,
                "{r:?}"
            );
            assert_eq!(
                score_sheet::Entity::find().count(&db.db).await.unwrap() as usize,
                r.sheets
            );
            // Every open case with a clock is due after it entered its state; determined cases
            // carry a category and a date.
            let all = jd_case::Entity::find().all(&db.db).await.unwrap();
            for c in &all {
                let s = CaseState::from_code(&c.state).unwrap();
                assert_eq!(c.category.is_some(), c.determined_on.is_some(), "{c:?}");
                if s.is_determined() {
                    assert!(c.category.is_some(), "{c:?}");
                }
                assert_eq!(c.clock.is_some(), c.due_on.is_some());
            }
            // Loading twice is refused.
            assert!(seed_large(&db.db, now, LARGE, &mut |_, _| {})
                .await
                .is_err());
            db.close().await;
        }
    }
}
