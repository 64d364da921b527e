//! Draws (抽取): the pool a case draws from, committing a draw record, seats and their answers,
//! backups, supplementary draws, lending of experts, and re-running a record to verify it.
//!
//! A draw record is written once and never changed. What happens to its panel afterwards (a
//! backup taking a vacated seat) is appended to `draw_replacement` in order, so that the record
//! plus its replacements can be replayed by [`crate::domain::draw::verify`]. The record's
//! SHA-256 digest goes into the audit chain with it; [`verify_case`] checks both.

use super::accounts::Updated;
use super::audit;
use super::cases::{self, entry, Case};
use super::entities::{
    audit_event, draw_record, draw_replacement, draw_setting, expert, jd_case, pool_loan, seat,
};
use super::experts::model_facts;
use crate::domain::case::{CaseLevel, CaseState, SeatFacts, SeatStatus};
use crate::domain::china_time::china_date;
use crate::domain::deadline::{add_working_days, HolidayCalendar};
use crate::domain::draw::DrawKind;
use crate::domain::draw::{
    self, replace_seat, seed_from_hex, seed_to_hex, Candidate, DrawCaseFacts, DrawCriteria,
    DrawError, DrawResult, Exclusion, ExpertFacts, Replacement, Screening, SeatRole,
};
use crate::domain::ids::{ExpertId, UserId};
use crate::domain::lifecycle::{apply, Action, Initiator, Transition, TransitionError, Vacancy};
use crate::domain::role::Actor;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// At most this many unsealed cases per expert at once (setting).
pub const WORKLOAD_LIMIT: u32 = 5;
/// Working days an invited expert has to answer.
pub const RESPOND_WORKING_DAYS: i64 = 2;

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Every seat of a case, in the order they were created.
pub async fn seats<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Vec<seat::Model>, DbErr> {
    seat::Entity::find()
        .filter(seat::Column::CaseId.eq(case_id))
        .order_by_asc(seat::Column::Id)
        .all(c)
        .await
}

/// The panel's current members (accepted seats) with their names, in seat order: one query for
/// the seats, one for the names.
pub async fn panel_members<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let mut ids: Vec<i64> = Vec::new();
    for s in seats(c, case_id).await? {
        if s.status == "accepted" && !ids.contains(&s.expert_id) {
            ids.push(s.expert_id);
        }
    }
    let names: std::collections::HashMap<i64, String> = expert::Entity::find()
        .filter(expert::Column::Id.is_in(ids.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    Ok(ids
        .into_iter()
        .map(|id| (id, names.get(&id).cloned().unwrap_or_default()))
        .collect())
}

/// The seats as the lifecycle rules see them.
pub fn seat_facts(rows: &[seat::Model]) -> Result<Vec<SeatFacts>, DbErr> {
    rows.iter()
        .map(|s| {
            Ok(SeatFacts {
                expert: ExpertId(s.expert_id),
                status: s.seat_status()?,
                lead: s.lead,
                declaration_signed: s.declaration_signed,
                sheet_submitted: s.sheet_submitted,
                opinion_signed: s.opinion_signed,
            })
        })
        .collect()
}

/// The seats that count towards the panel (invited or accepted).
pub fn active_seats(rows: &[seat::Model]) -> Result<Vec<&seat::Model>, DbErr> {
    let mut out = Vec::new();
    for s in rows {
        if s.is_active()? {
            out.push(s);
        }
    }
    Ok(out)
}

/// The draw records of a case, first to last.
pub async fn records<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<draw_record::Model>, DbErr> {
    draw_record::Entity::find()
        .filter(draw_record::Column::CaseId.eq(case_id))
        .order_by_asc(draw_record::Column::Seq)
        .all(c)
        .await
}

/// The replacements of one draw, in order.
pub async fn replacements<C: ConnectionTrait>(
    c: &C,
    draw_id: i64,
) -> Result<Vec<draw_replacement::Model>, DbErr> {
    draw_replacement::Entity::find()
        .filter(draw_replacement::Column::DrawId.eq(draw_id))
        .order_by_asc(draw_replacement::Column::Idx)
        .all(c)
        .await
}

/// The request to lend experts for a case, if any.
pub async fn loan<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<pool_loan::Model>, DbErr> {
    pool_loan::Entity::find()
        .filter(pool_loan::Column::CaseId.eq(case_id))
        .one(c)
        .await
}

/// Requests to lend experts, newest first (pending ones first).
pub async fn loans<C: ConnectionTrait>(c: &C) -> Result<Vec<pool_loan::Model>, DbErr> {
    let mut v = pool_loan::Entity::find()
        .order_by_desc(pool_loan::Column::Id)
        .all(c)
        .await?;
    v.sort_by_key(|l| l.granted_at.is_some());
    Ok(v)
}

/// The experts a case draws from: a county case its county's experts (and the prefecture pool
/// once the prefecture has lent it); a prefecture case the whole pool.
pub async fn pool<C: ConnectionTrait>(c: &C, case: &Case) -> Result<Vec<expert::Model>, DbErr> {
    let q = expert::Entity::find().order_by_asc(expert::Column::Id);
    let q = match case.case_level()? {
        CaseLevel::Prefecture => q,
        CaseLevel::County => {
            let lent = loan(c, case.id)
                .await?
                .is_some_and(|l| l.granted_at.is_some());
            let mut cond = Condition::any().add(expert::Column::CountyId.eq(case.county_id));
            if lent {
                cond = cond.add(expert::Column::CountyId.is_null());
            }
            q.filter(cond)
        }
    };
    q.all(c).await
}

/// States in which a seat counts towards an expert's workload.
const BUSY: [CaseState; 4] = [
    CaseState::PanelDrawn,
    CaseState::UnderReview,
    CaseState::AwaitingInfo,
    CaseState::OpinionDrafted,
];

/// Cases each expert sits on (invited or accepted) that are not sealed yet.
pub async fn workloads<C: ConnectionTrait>(c: &C) -> Result<HashMap<i64, u32>, DbErr> {
    let busy: Vec<&str> = BUSY.iter().map(|s| s.code()).collect();
    let cases: Vec<i64> = jd_case::Entity::find()
        .filter(jd_case::Column::State.is_in(busy))
        .all(c)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut out = HashMap::new();
    if cases.is_empty() {
        return Ok(out);
    }
    for s in seat::Entity::find()
        .filter(seat::Column::CaseId.is_in(cases))
        .filter(seat::Column::Status.is_in(["invited", "accepted"]))
        .all(c)
        .await?
    {
        *out.entry(s.expert_id).or_insert(0) += 1;
    }
    Ok(out)
}

/// The pool's experts the application names as having prepared its materials.
async fn preparers<C: ConnectionTrait>(
    c: &C,
    named: &[crate::domain::item::Preparer],
) -> Result<Vec<ExpertId>, DbErr> {
    if named.is_empty() {
        return Ok(vec![]);
    }
    let names: Vec<String> = named.iter().map(|p| p.name.trim().to_string()).collect();
    Ok(expert::Entity::find()
        .filter(expert::Column::Name.is_in(names))
        .all(c)
        .await?
        .into_iter()
        .filter(|e| {
            named
                .iter()
                .any(|p| crate::domain::draw::prepared_by(&e.name, &e.employer, p))
        })
        .map(|e| ExpertId(e.id))
        .collect())
}

/// The draw rules' scope of a case: its county's for a county-level case, the prefecture's for
/// a re-review.
pub fn settings_scope(case: &Case) -> Result<Option<crate::domain::ids::CountyId>, DbErr> {
    Ok(match case.case_level()? {
        CaseLevel::County => Some(crate::domain::ids::CountyId(case.county_id)),
        CaseLevel::Prefecture => None,
    })
}

fn scope_key(scope: Option<crate::domain::ids::CountyId>) -> String {
    match scope {
        Some(c) => format!("county:{}", c.0),
        None => "prefecture".into(),
    }
}

/// The draw rules of a scope (the defaults when never set).
pub async fn settings<C: ConnectionTrait>(
    c: &C,
    scope: Option<crate::domain::ids::CountyId>,
) -> Result<Option<draw_setting::Model>, DbErr> {
    draw_setting::Entity::find_by_id(scope_key(scope))
        .one(c)
        .await
}

/// Sets the draw rules of a scope.
pub async fn set_settings<C: ConnectionTrait>(
    c: &C,
    by: &audit::By<'_>,
    scope: Option<crate::domain::ids::CountyId>,
    require_verified_titles: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let key = scope_key(scope);
    let am = draw_setting::ActiveModel {
        scope: Set(key.clone()),
        require_verified_titles: Set(require_verified_titles),
        updated_by: Set(by.actor.user_id.0),
        updated_at: Set(now),
    };
    if draw_setting::Entity::find_by_id(key)
        .one(c)
        .await?
        .is_some()
    {
        draw_setting::Entity::update(am).exec(c).await?;
    } else {
        draw_setting::Entity::insert(am)
            .exec_without_returning(c)
            .await?;
    }
    let object = match scope {
        Some(c) => format!("county:{}", c.0),
        None => "prefecture".into(),
    };
    let details = serde_json::json!({ "require_verified_titles": require_verified_titles });
    audit::append(c, by.entry("draw.settings", object).details(details), now).await?;
    Ok(())
}

/// What recusal needs to know about the case.
pub async fn case_facts<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    seats: &[seat::Model],
) -> Result<DrawCaseFacts, DbErr> {
    let item = cases::item_of(case)?;
    let mut earlier = Vec::new();
    if let Some(parent) = case.parent_id {
        for s in self::seats(c, parent).await? {
            if s.status == "accepted" || s.declaration_signed {
                earlier.push(ExpertId(s.expert_id));
            }
        }
    }
    Ok(DrawCaseFacts {
        case: crate::domain::ids::CaseId(case.id),
        institution: crate::domain::ids::InstitutionId(case.institution_id),
        // The application's own facts: where its principal works, who prepared its materials.
        principal_employer: Some(item.principal_employer.trim().to_string())
            .filter(|p| !p.is_empty()),
        domain: item.domain,
        stage: item.stage,
        earlier_round_experts: earlier,
        material_preparers: preparers(c, &item.preparers).await?,
        current_panel: active_seats(seats)?
            .iter()
            .map(|s| ExpertId(s.expert_id))
            .collect(),
        declined: seats
            .iter()
            .filter(|s| matches!(s.status.as_str(), "declined" | "conflict"))
            .map(|s| ExpertId(s.expert_id))
            .collect(),
        workload_limit: WORKLOAD_LIMIT,
        require_verified_titles: settings(c, settings_scope(case)?)
            .await?
            .is_some_and(|s| s.require_verified_titles),
    })
}

/// The pool screened for a case: eligible candidates and every excluded expert with reasons.
pub struct Screened {
    pub facts: DrawCaseFacts,
    pub pool: Vec<ExpertFacts>,
    pub screening: Screening,
}

pub async fn screen_case<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    now: DateTime<Utc>,
) -> Result<Screened, DbErr> {
    let rows = seats(c, case.id).await?;
    let facts = case_facts(c, case, &rows).await?;
    let load = workloads(c).await?;
    let barred = super::credit::barred_experts(c, Some(case.county_id)).await?;
    let pool: Vec<ExpertFacts> = pool(c, case)
        .await?
        .iter()
        .map(|m| {
            model_facts(
                m,
                load.get(&m.id).copied().unwrap_or(0),
                barred.contains(&m.id),
            )
        })
        .collect();
    let screening = draw::screen(&pool, &facts, china_date(now));
    Ok(Screened {
        facts,
        pool,
        screening,
    })
}

/// The criteria a case's draw starts from (settings): 3 (county) or 5 (prefecture) experts,
/// 2 backups, a covering 学科 expert and a legal one.
pub fn default_criteria(case: &Case) -> Result<DrawCriteria, DbErr> {
    let item = cases::item_of(case)?;
    Ok(match case.case_level()? {
        CaseLevel::County => DrawCriteria::county(item.domain, item.stage),
        CaseLevel::Prefecture => DrawCriteria::prefecture_rereview(item.domain, item.stage),
    }
    .with_subject(item.related_subject))
}

/// The seats a supplementary draw must fill: how many, and which special roles are missing.
pub async fn vacancies<C: ConnectionTrait>(c: &C, case: &Case) -> Result<DrawCriteria, DbErr> {
    let base = default_criteria(case)?;
    let target = match records(c, case.id)
        .await?
        .iter()
        .rev()
        .find(|r| r.kind != DrawKind::Supplementary.code())
    {
        Some(r) => serde_json::from_str::<DrawCriteria>(&r.criteria)
            .map(|c| c.panel_size)
            .unwrap_or(base.panel_size),
        None => base.panel_size,
    };
    let rows = seats(c, case.id).await?;
    let active = active_seats(&rows)?;
    let has = |role: &str| active.iter().any(|s| s.role == role);
    Ok(DrawCriteria {
        panel_size: target.saturating_sub(active.len()),
        backups: base.backups,
        require_subject_expert_covering: base
            .require_subject_expert_covering
            .filter(|_| !has("subject")),
        require_legal_expert: base.require_legal_expert && !has("legal"),
        supplementary: true,
        subject: base.subject,
    })
}

// ---------------------------------------------------------------------------------------------
// Committing a draw
// ---------------------------------------------------------------------------------------------

pub use crate::domain::draw::DrawRequest;

/// A committed draw.
#[derive(Debug, Clone)]
pub struct Committed {
    pub draw_id: i64,
    pub seq: i32,
    pub result: DrawResult,
    pub version: i32,
    pub digest: String,
}

/// Why a draw was not committed. Nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    NotFound,
    /// The case changed since the clerk loaded it (e.g. another clerk drew first).
    Stale,
    /// Another clerk's first draw of the case was committed meanwhile.
    AlreadyDrawn,
    Transition(TransitionError),
    Draw(DrawError),
}

/// A draw decided but not yet written: what was screened and drawn, and the move it makes.
pub struct Drawn {
    pub criteria: DrawCriteria,
    pub screened: Screened,
    pub result: DrawResult,
    pub action: Action,
    pub transition: Transition,
    /// The draw record's number on the case.
    pub seq: i32,
}

impl Drawn {
    /// The timeline's details of the move.
    pub fn details(&self, req: &DrawRequest) -> serde_json::Value {
        serde_json::json!({
            "action": self.action, "note": req.reason, "draw_seq": self.seq,
            "draw_kind": req.kind.code(),
        })
    }
}

/// Screens the pool and draws with `seed`, and asks the lifecycle whether the draw may be taken
/// (`store::transition::draw` records it). Writes nothing.
pub async fn prepare<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case: &Case,
    facts: &crate::domain::case::CaseFacts,
    req: &DrawRequest,
    seed: [u8; 32],
    now: DateTime<Utc>,
) -> Result<Result<Drawn, Refused>, DbErr> {
    let screened = screen_case(c, case, now).await?;
    let criteria = match req.kind {
        DrawKind::Supplementary => DrawCriteria {
            backups: req.backups,
            ..vacancies(c, case).await?
        },
        _ => DrawCriteria {
            panel_size: req.panel_size,
            backups: req.backups,
            ..default_criteria(case)?
        },
    };
    let result = match draw::draw(&screened.screening.eligible, &criteria, seed) {
        Ok(r) => r,
        Err(e) => return Ok(Err(Refused::Draw(e))),
    };
    let action = match req.kind {
        DrawKind::Initial => Action::RecordDraw {
            seats: result.seat_ids(),
            backups: result.backup_ids(),
            observer: req.observer.map(UserId),
        },
        DrawKind::Redraw => Action::Redraw {
            reason: req.reason.clone(),
        },
        DrawKind::Supplementary => Action::DrawSupplement {
            seats: result.seat_ids(),
            backups: result.backup_ids(),
        },
    };
    let transition = match apply(facts, &action, &Initiator::User(*actor), now) {
        Ok(t) => t,
        Err(e) => return Ok(Err(Refused::Transition(e))),
    };
    let seq = records(c, case.id).await?.last().map_or(1, |r| r.seq + 1);
    Ok(Ok(Drawn {
        criteria,
        screened,
        result,
        action,
        transition,
        seq,
    }))
}

/// Writes a drawn panel after its move was recorded: the rubric version it judges under, the
/// immutable draw record, the seats (each drawn expert invited and told once) and the audit
/// event.
#[allow(clippy::too_many_arguments)]
pub async fn write_panel<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case: &Case,
    version: i32,
    req: &DrawRequest,
    seed: [u8; 32],
    drawn: Drawn,
    now: DateTime<Utc>,
) -> Result<Committed, DbErr> {
    let Drawn {
        criteria,
        screened,
        result,
        seq,
        ..
    } = drawn;
    // The panel judges under the rubric version current at its draw.
    if req.kind != DrawKind::Supplementary {
        jd_case::Entity::update_many()
            .col_expr(
                jd_case::Column::RubricVersion,
                Expr::value(crate::domain::rubric::current().version as i32),
            )
            .filter(jd_case::Column::Id.eq(case.id))
            .exec(c)
            .await?;
    }
    let mut rec = draw_record::Model {
        id: 0,
        case_id: case.id,
        seq,
        kind: req.kind.code().into(),
        reason: req.reason.clone(),
        criteria: json(&criteria),
        case_facts: json(&screened.facts),
        candidates: json(&screened.screening.eligible),
        exclusions: json(&screened.screening.excluded),
        seed: seed_to_hex(&seed),
        algorithm: result.algorithm.clone(),
        result: json(&result),
        digest: String::new(),
        operator_id: actor.user_id.0,
        observer_id: req.observer,
        created_at: now,
    };
    rec.digest = digest(&rec);
    let draw_id = draw_record::Entity::insert(draw_record::ActiveModel {
        case_id: Set(rec.case_id),
        seq: Set(rec.seq),
        kind: Set(rec.kind.clone()),
        reason: Set(rec.reason.clone()),
        criteria: Set(rec.criteria.clone()),
        case_facts: Set(rec.case_facts.clone()),
        candidates: Set(rec.candidates.clone()),
        exclusions: Set(rec.exclusions.clone()),
        seed: Set(rec.seed.clone()),
        algorithm: Set(rec.algorithm.clone()),
        result: Set(rec.result.clone()),
        digest: Set(rec.digest.clone()),
        operator_id: Set(rec.operator_id),
        observer_id: Set(rec.observer_id),
        created_at: Set(rec.created_at),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;

    // A supplementary seat leads only if the lead's seat is among the vacant ones.
    let lead_taken = active_seats(&seats(c, case.id).await?)?
        .iter()
        .any(|s| s.lead);
    for (i, s) in result.seats.iter().enumerate() {
        let lead = i == 0 && !lead_taken;
        insert_seat(c, case.id, draw_id, i, s.expert.0, s.role, lead, now).await?;
    }
    // The drawn experts are invited now: each is told once.
    super::notices::seats_changed(c, case, now).await?;
    audit::append(
        c,
        entry(
            Some(actor),
            "draw.commit",
            case.id,
            serde_json::json!({
                "draw_id": draw_id, "seq": seq, "kind": rec.kind, "digest": rec.digest,
                "seats": result.seat_ids(), "backups": result.backup_ids(),
                "observer": req.observer, "reason": req.reason,
            }),
        ),
        now,
    )
    .await?;
    Ok(Committed {
        draw_id,
        seq,
        result,
        version: version + 1,
        digest: rec.digest,
    })
}

/// 32 bytes from the operating system's CSPRNG.
pub fn fresh_seed() -> Result<[u8; 32], DbErr> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| DbErr::Custom(format!("no OS randomness: {e}")))?;
    Ok(seed)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialisable")
}

/// SHA-256 over the record's fields in a fixed order, each length-prefixed.
pub fn digest(r: &draw_record::Model) -> String {
    let mut h = Sha256::new();
    let created = r
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let fields: [&str; 13] = [
        "jd-draw-record-v1",
        &r.case_id.to_string(),
        &r.seq.to_string(),
        &r.kind,
        &r.reason,
        &r.criteria,
        &r.case_facts,
        &r.candidates,
        &r.exclusions,
        &r.seed,
        &r.algorithm,
        &r.result,
        &created,
    ];
    for f in fields {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    h.update(r.operator_id.to_le_bytes());
    h.update(r.observer_id.unwrap_or(0).to_le_bytes());
    hex::encode(h.finalize())
}

#[allow(clippy::too_many_arguments)]
async fn insert_seat<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    draw_id: i64,
    seat_index: usize,
    expert_id: i64,
    role: SeatRole,
    lead: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    seat::Entity::insert(seat::ActiveModel {
        case_id: Set(case_id),
        draw_id: Set(draw_id),
        seat_index: Set(seat_index as i32),
        expert_id: Set(expert_id),
        role: Set(role.code().into()),
        lead: Set(lead),
        status: Set(SeatStatus::Invited.code().into()),
        declaration_signed: Set(false),
        answer_reason: Set(String::new()),
        invited_at: Set(now),
        respond_by: Set(respond_by(now, &super::calendar::current(c).await?)),
        answered_at: Set(None),
        sheet_submitted: Set(false),
        opinion_signed: Set(false),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Last day (China date) to answer an invitation sent at `now`.
pub fn respond_by(now: DateTime<Utc>, cal: &HolidayCalendar) -> NaiveDate {
    add_working_days(china_date(now), RESPOND_WORKING_DAYS, cal)
}

// ---------------------------------------------------------------------------------------------
// Seats: answers and vacancies (called by `store::transition::record` for the effects)
// ---------------------------------------------------------------------------------------------

async fn active_seat<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    expert_id: i64,
) -> Result<Option<seat::Model>, DbErr> {
    seat::Entity::find()
        .filter(seat::Column::CaseId.eq(case_id))
        .filter(seat::Column::ExpertId.eq(expert_id))
        .filter(seat::Column::Status.is_in(["invited", "accepted"]))
        .one(c)
        .await
}

/// The expert accepted with a signed conflict declaration.
pub async fn accept_seat<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    expert_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(seat) = seat::Entity::find()
        .filter(seat::Column::CaseId.eq(case.id))
        .filter(seat::Column::ExpertId.eq(expert_id))
        .filter(seat::Column::Status.eq("invited"))
        .one(c)
        .await?
    else {
        return Ok(());
    };
    seat::Entity::update_many()
        .col_expr(seat::Column::Status, Expr::value("accepted"))
        .col_expr(seat::Column::DeclarationSigned, Expr::value(true))
        .col_expr(seat::Column::AnsweredAt, Expr::value(now))
        .filter(seat::Column::Id.eq(seat.id))
        .exec(c)
        .await?;
    super::tally::count_seat(c, case.county_id, seat.invited_at, expert_id, 1).await
}

/// The current result of a draw: the record replayed with its replacements.
pub async fn current_result<C: ConnectionTrait>(
    c: &C,
    rec: &draw_record::Model,
) -> Result<DrawResult, DbErr> {
    let mut r: DrawResult = serde_json::from_str(&rec.result)
        .map_err(|e| DbErr::Custom(format!("draw record {}: {e}", rec.id)))?;
    for x in replacements(c, rec.id).await? {
        r = apply_replacement(&r, &x)
            .ok_or_else(|| DbErr::Custom(format!("draw record {}: bad replacement", rec.id)))?;
    }
    Ok(r)
}

fn apply_replacement(r: &DrawResult, x: &draw_replacement::Model) -> Option<DrawResult> {
    let next = replace_seat(r, x.seat_index as usize).ok()?;
    let last = next.replacements.last()?;
    (last.previous.0 == x.previous_expert && last.backup.0 == x.backup_expert).then_some(next)
}

/// A seat is vacant (declined, conflict, replaced by the clerk): it is closed with the reason,
/// and the next suitable backup of its draw is invited. A backup who is no longer eligible
/// (suspended, out of term, …) is passed over on the record and the next one tried. With no
/// suitable backup left, the seat stays vacant until a supplementary draw.
pub async fn vacate_seat<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    expert_id: i64,
    cause: Vacancy,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(old) = active_seat(c, case.id, expert_id).await? else {
        return Ok(());
    };
    let status = match cause {
        Vacancy::Declined => SeatStatus::Declined,
        Vacancy::Conflict => SeatStatus::Conflict,
        Vacancy::Replaced => SeatStatus::Replaced,
    };
    close_seat(c, case, &old, status, reason, now).await?;
    let Some(rec) = draw_record::Entity::find_by_id(old.draw_id).one(c).await? else {
        return Ok(());
    };
    let mut result = current_result(c, &rec).await?;
    let mut previous = old.clone();
    let today = china_date(now);
    loop {
        let Ok(next) = replace_seat(&result, previous.seat_index as usize) else {
            // No suitable backup left: the seat waits for a supplementary draw.
            return Ok(());
        };
        let x: Replacement = *next.replacements.last().expect("just replaced");
        let idx = replacements(c, rec.id).await?.len() as i32;
        draw_replacement::Entity::insert(draw_replacement::ActiveModel {
            draw_id: Set(rec.id),
            idx: Set(idx),
            seat_index: Set(x.seat_index as i32),
            previous_expert: Set(x.previous.0),
            backup_expert: Set(x.backup.0),
            at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
        result = next;
        let role = result.seats[x.seat_index].role;
        insert_seat(
            c,
            case.id,
            rec.id,
            x.seat_index,
            x.backup.0,
            role,
            previous.lead,
            now,
        )
        .await?;
        // Is the backup still eligible today?
        let rows = seats(c, case.id).await?;
        let mut facts = case_facts(c, case, &rows).await?;
        facts.current_panel.retain(|e| e.0 != x.backup.0);
        let load = workloads(c).await?;
        let barred = super::credit::barred_experts(c, Some(case.county_id)).await?;
        let still = match expert::Entity::find_by_id(x.backup.0).one(c).await? {
            Some(m) => draw::eligibility(
                &model_facts(
                    &m,
                    load.get(&m.id).copied().unwrap_or(1).saturating_sub(1),
                    barred.contains(&m.id),
                ),
                &facts,
                today,
            ),
            None => Err(vec![Exclusion::NotActive]),
        };
        let Err(why) = still else {
            return Ok(());
        };
        let codes: Vec<&str> = why.iter().map(|w| w.code()).collect();
        let Some(seated) = active_seat(c, case.id, x.backup.0).await? else {
            return Ok(());
        };
        close_seat(
            c,
            case,
            &seated,
            SeatStatus::Replaced,
            &format!("no longer eligible: {}", codes.join(", ")),
            now,
        )
        .await?;
        previous = seated;
    }
}

async fn close_seat<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    seat: &seat::Model,
    status: SeatStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    seat::Entity::update_many()
        .col_expr(seat::Column::Status, Expr::value(status.code()))
        .col_expr(seat::Column::AnswerReason, Expr::value(reason))
        .col_expr(seat::Column::AnsweredAt, Expr::value(now))
        .filter(seat::Column::Id.eq(seat.id))
        .exec(c)
        .await?;
    if seat.status == SeatStatus::Accepted.code() {
        super::tally::count_seat(c, case.county_id, seat.invited_at, seat.expert_id, -1).await?;
    }
    Ok(())
}

/// A redraw or suspension: every active seat is closed; the records stay.
pub async fn void_panel<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let accepted = seat::Entity::find()
        .filter(seat::Column::CaseId.eq(case.id))
        .filter(seat::Column::Status.eq(SeatStatus::Accepted.code()))
        .all(c)
        .await?;
    seat::Entity::update_many()
        .col_expr(seat::Column::Status, Expr::value("replaced"))
        .col_expr(seat::Column::AnswerReason, Expr::value("panel voided"))
        .col_expr(seat::Column::AnsweredAt, Expr::value(now))
        .filter(seat::Column::CaseId.eq(case.id))
        .filter(seat::Column::Status.is_in(["invited", "accepted"]))
        .exec(c)
        .await?;
    for s in accepted {
        super::tally::count_seat(c, case.county_id, s.invited_at, s.expert_id, -1).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Lending (借调) by the prefecture
// ---------------------------------------------------------------------------------------------

/// Records the county's request (once per case); `false` when one exists already.
pub async fn request_loan<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if loan(c, case_id).await?.is_some() {
        return Ok(false);
    }
    pool_loan::Entity::insert(pool_loan::ActiveModel {
        case_id: Set(case_id),
        requested_by: Set(actor.user_id.0),
        requested_at: Set(now),
        reason: Set(reason.into()),
        granted_by: Set(None),
        granted_at: Set(None),
        note: Set(String::new()),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        entry(
            Some(actor),
            "draw.loan_requested",
            case_id,
            serde_json::json!({ "reason": reason }),
        ),
        now,
    )
    .await?;
    super::notices::loan(c, case_id, false, reason, now).await?;
    Ok(true)
}

/// The prefecture lends its pool to the case; `Stale` when there is no pending request.
pub async fn grant_loan<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let r = pool_loan::Entity::update_many()
        .col_expr(pool_loan::Column::GrantedBy, Expr::value(actor.user_id.0))
        .col_expr(pool_loan::Column::GrantedAt, Expr::value(now))
        .col_expr(pool_loan::Column::Note, Expr::value(note))
        .filter(pool_loan::Column::CaseId.eq(case_id))
        .filter(pool_loan::Column::GrantedAt.is_null())
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(Updated::Stale);
    }
    audit::append(
        c,
        entry(
            Some(actor),
            "draw.loan_granted",
            case_id,
            serde_json::json!({ "note": note }),
        ),
        now,
    )
    .await?;
    super::notices::loan(c, case_id, true, note, now).await?;
    Ok(Updated::Yes)
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// The outcome of re-running one draw record.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub seq: i32,
    pub kind: String,
    /// The re-run gives the recorded panel, backups and replacements.
    pub rerun: Result<(), Vec<draw::Difference>>,
    /// The record's digest matches its content and the digest written to the audit chain.
    pub digest_ok: bool,
    /// Something could not be read at all.
    pub unreadable: Option<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.rerun.is_ok() && self.digest_ok && self.unreadable.is_none()
    }
}

/// Re-runs every draw record of a case from the record alone and checks its digests.
pub async fn verify_case<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<Verification>, DbErr> {
    let audited: Vec<serde_json::Value> = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("draw.commit"))
        .filter(audit_event::Column::Object.eq(format!("case:{case_id}")))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|e| serde_json::from_str(&e.details).ok())
        .collect();
    let mut out = Vec::new();
    for rec in records(c, case_id).await? {
        let audited_digest = audited
            .iter()
            .find(|d| d["seq"].as_i64() == Some(i64::from(rec.seq)))
            .and_then(|d| d["digest"].as_str().map(str::to_string));
        let digest_ok =
            digest(&rec) == rec.digest && audited_digest.as_deref() == Some(&rec.digest);
        let mut v = Verification {
            seq: rec.seq,
            kind: rec.kind.clone(),
            rerun: Ok(()),
            digest_ok,
            unreadable: None,
        };
        match read_record(c, &rec).await {
            Ok((recorded, candidates, criteria, seed)) => {
                v.rerun = draw::verify(&recorded, &candidates, &criteria, seed);
            }
            Err(e) => v.unreadable = Some(e),
        }
        out.push(v);
    }
    Ok(out)
}

async fn read_record<C: ConnectionTrait>(
    c: &C,
    rec: &draw_record::Model,
) -> Result<(DrawResult, Vec<Candidate>, DrawCriteria, [u8; 32]), String> {
    let candidates: Vec<Candidate> =
        serde_json::from_str(&rec.candidates).map_err(|e| format!("candidates: {e}"))?;
    let criteria: DrawCriteria =
        serde_json::from_str(&rec.criteria).map_err(|e| format!("criteria: {e}"))?;
    let seed = seed_from_hex(&rec.seed).ok_or("seed: not 64 hex digits")?;
    let mut recorded: DrawResult =
        serde_json::from_str(&rec.result).map_err(|e| format!("result: {e}"))?;
    recorded.algorithm = rec.algorithm.clone();
    // The record as it stands now: the drawn panel with its replacements, in order.
    let reps = replacements(c, rec.id).await.map_err(|e| e.to_string())?;
    let mut current = recorded.clone();
    for x in &reps {
        current.replacements.push(Replacement {
            seat_index: x.seat_index as usize,
            previous: ExpertId(x.previous_expert),
            backup: ExpertId(x.backup_expert),
        });
        if let Some(pos) = current
            .backups
            .iter()
            .position(|b| b.expert.0 == x.backup_expert)
        {
            let b = current.backups.remove(pos);
            if let Some(s) = current.seats.get_mut(x.seat_index as usize) {
                s.expert = b.expert;
            }
        }
    }
    Ok((current, candidates, criteria, seed))
}

/// Makes one active seat the panel lead (组长) and moves the case's version on, with its
/// timeline entry and audit event, in a write transaction of its own; `false` (nothing
/// changed) when the version no longer matches.
#[allow(clippy::too_many_arguments)]
pub async fn set_lead(
    db: &sea_orm::DatabaseConnection,
    by: &Actor,
    case: &Case,
    state: CaseState,
    version: i32,
    seat: &seat::Model,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let c = &txn;
    if !cases::bump_version(c, case.id, version, now).await? {
        return Ok(false);
    }
    let seat_id = seat.id;
    cases::note_event(c, by, case, "set_lead", state, reason, now).await?;
    audit::append(
        c,
        entry(
            Some(by),
            "case.set_lead",
            case.id,
            serde_json::json!({ "seat": seat.id, "expert": seat.expert_id, "reason": reason }),
        ),
        now,
    )
    .await?;
    seat::Entity::update_many()
        .col_expr(seat::Column::Lead, Expr::value(false))
        .filter(seat::Column::CaseId.eq(case.id))
        .exec(c)
        .await?;
    seat::Entity::update_many()
        .col_expr(seat::Column::Lead, Expr::value(true))
        .filter(seat::Column::Id.eq(seat_id))
        .filter(seat::Column::CaseId.eq(case.id))
        .exec(c)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// An expert's open seats (invited or accepted), newest first.
pub async fn open_seats_of<C: ConnectionTrait>(
    c: &C,
    expert_id: i64,
) -> Result<Vec<seat::Model>, DbErr> {
    seat::Entity::find()
        .filter(seat::Column::ExpertId.eq(expert_id))
        .filter(seat::Column::Status.is_in(["invited", "accepted"]))
        .order_by_desc(seat::Column::Id)
        .all(c)
        .await
}

/// The draws an observer witnessed, newest first.
pub async fn witnessed_by<C: ConnectionTrait>(
    c: &C,
    observer_id: i64,
) -> Result<Vec<draw_record::Model>, DbErr> {
    draw_record::Entity::find()
        .filter(draw_record::Column::ObserverId.eq(observer_id))
        .order_by_desc(draw_record::Column::Id)
        .all(c)
        .await
}
