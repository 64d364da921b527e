//! A move of a case (案件流转), written whole in the caller's transaction: the new state and its
//! clock, the determination record, the seats it answers or vacates, the tallies and spans, the
//! timeline entry and audit event, the notices; for a user's move also what it means for the
//! re-review records and the opinion drafts, and then the system's moves that became due.
//! A draw is a move too ([`draw`]): screened and drawn by `store::draws`, recorded here.

use super::accounts::Updated;
use super::audit;
use super::cases::{self, entry, Case};
use super::draws::{self, Committed, DrawRequest, Refused};
use super::entities::jd_case;
use crate::domain::case::CaseState;
use crate::domain::china_time::china_date;
use crate::domain::lifecycle::{
    apply, due_system_action, ActionKind, Effect, Initiator, Transition,
};
use crate::domain::role::Actor;
use chrono::{DateTime, Datelike, SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Writes an accepted transition: the new state (if the version still matches), its effects,
/// the timeline entry and the audit event. `actor` is `None` for the system. Call inside
/// `tx::begin_write`. A draw's own effects (recording the panel) are written by [`draw`].
pub async fn record<C: ConnectionTrait>(
    c: &C,
    actor: Option<&Actor>,
    case: &Case,
    version: i32,
    t: &Transition,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let today = china_date(now);
    let cal = &super::calendar::current(c).await?;
    let limits = super::settings::time_limits(c).await?;
    let mut q = jd_case::Entity::update_many()
        .col_expr(jd_case::Column::State, Expr::value(t.to.code()))
        .col_expr(jd_case::Column::Version, Expr::value(version + 1))
        .col_expr(jd_case::Column::UpdatedAt, Expr::value(now));
    let mut clock = case.clock.clone();
    let mut due = case.due_on;
    for e in &t.effects {
        match e {
            Effect::StartClock { clock: k } => {
                clock = Some(k.code().to_string());
                due = Some(limits.due_date(*k, today, cal));
            }
            Effect::StopClock { clock: k } if clock.as_deref() == Some(k.code()) => {
                clock = None;
                due = None;
            }
            Effect::StopAllClocks => {
                clock = None;
                due = None;
            }
            Effect::RecordDeficiencies { items } => {
                q = q.col_expr(
                    jd_case::Column::Deficiencies,
                    Expr::value(serde_json::json!(items).to_string()),
                );
            }
            Effect::RecordDetermination { category, .. } => {
                q = q
                    .col_expr(jd_case::Column::Category, Expr::value(category.code()))
                    .col_expr(jd_case::Column::DeterminedOn, Expr::value(today));
            }
            _ => {}
        }
    }
    q = q
        .col_expr(jd_case::Column::Clock, Expr::value(clock))
        .col_expr(jd_case::Column::DueOn, Expr::value(due));
    if t.to == CaseState::Submitted {
        q = q.col_expr(jd_case::Column::SubmittedAt, Expr::value(now));
    }
    if t.to == CaseState::Accepted && case.number.is_none() {
        let number = cases::next_number(c, now.year()).await?;
        q = q.col_expr(jd_case::Column::Number, Expr::value(number));
    }
    let r = q
        .filter(jd_case::Column::Id.eq(case.id))
        .filter(jd_case::Column::Version.eq(version))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(Updated::Stale);
    }
    // The dashboards' case tally follows the case (submission date and state, determination).
    let (mut category, mut determined_on) = (case.category.clone(), case.determined_on);
    for e in &t.effects {
        if let Effect::RecordDetermination { category: k, .. } = e {
            category = Some(k.code().to_string());
            determined_on = Some(today);
        }
    }
    let after = super::tally::CaseFacts {
        state: t.to.code(),
        submitted_at: if t.to == CaseState::Submitted {
            Some(now)
        } else {
            case.submitted_at
        },
        category: category.as_deref(),
        determined_on,
        ..super::tally::CaseFacts::of(case)
    };
    super::tally::case_changed(c, &super::tally::CaseFacts::of(case), &after).await?;
    // The determination is a record of its own, written with the move that makes it.
    for e in &t.effects {
        if let Effect::RecordDetermination {
            category,
            direct,
            preschool_prohibited,
            ..
        } = e
        {
            super::determinations::record(
                c,
                case,
                t,
                *category,
                *direct,
                *preschool_prohibited,
                today,
                now,
            )
            .await?;
        }
    }
    if t.from != t.to {
        super::dashboard::record_span(c, case, t.from, now, cal).await?;
    }
    for e in &t.effects {
        match e {
            Effect::SeatAccepted { expert } => {
                super::draws::accept_seat(c, case, expert.0, now).await?;
            }
            Effect::SeatVacated { expert, cause } => {
                let why = t.reason.clone().unwrap_or_default();
                super::draws::vacate_seat(c, case, expert.0, *cause, &why, now).await?;
            }
            Effect::VoidPanel => super::draws::void_panel(c, case, now).await?,
            _ => {}
        }
    }
    let note = details
        .get("note")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    let reason = t.reason.clone().filter(|r| !r.is_empty()).unwrap_or(note);
    let mut d = details;
    if let Some(obj) = d.as_object_mut() {
        obj.insert(
            "effects".into(),
            serde_json::to_value(&t.effects).unwrap_or_default(),
        );
    }
    cases::event(
        c,
        case.id,
        actor,
        &t.action_code,
        t.from,
        t.to,
        &reason,
        d.clone(),
        now,
    )
    .await?;
    audit::append(
        c,
        entry(
            actor,
            &format!("case.{}", t.action_code),
            case.id,
            serde_json::json!({ "from": t.from.code(), "to": t.to.code(), "reason": reason }),
        ),
        now,
    )
    .await?;
    // Who must be told, in the same transaction: the move and its notices stand or fall together.
    super::notices::case_moved(c, case, version, t, now).await?;
    Ok(Updated::Yes)
}

/// A user's move from the case page: [`record`], then what it means for the re-review records
/// (forwarding opens the prefecture case, the prefecture's determination closes the parent) and
/// for the opinion (a returned opinion is void with its signatures), then whatever system moves
/// became due (every seat accepted → UNDER_REVIEW). Returns the case as it is afterwards.
async fn take_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case: &Case,
    version: i32,
    t: &Transition,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Result<Option<Case>, Updated>, DbErr> {
    if record(c, Some(actor), case, version, t, details, now).await? == Updated::Stale {
        return Ok(Err(Updated::Stale));
    }
    super::rereview::after_transition(c, Some(actor), case, t, now).await?;
    for e in &t.effects {
        if let Effect::ResolveParentCase { parent, .. } = e {
            settle(c, parent.0, now).await?;
        }
    }
    if t.action == ActionKind::ReturnOpinion {
        super::opinions::void_drafts(c, case.id).await?;
    }
    Ok(Ok(settle(c, case.id, now).await?))
}

/// A user's move from the case page ([`take_in`]) in a write transaction of its own: the case's
/// version and state afterwards, or
/// `None` when `version` is stale (nothing changed).
pub async fn take(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    case: &Case,
    version: i32,
    t: &Transition,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Option<(i32, CaseState)>, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let Ok(after) = take_in(&txn, actor, case, version, t, details, now).await? else {
        return Ok(None);
    };
    txn.commit().await?;
    match after {
        Some(c) => Ok(Some((c.version, c.case_state()?))),
        None => Ok(Some((version + 1, t.to))),
    }
}

/// Takes the system's transitions that have become due (every seat accepted → UNDER_REVIEW;
/// the re-review window passed → FINAL), in the same transaction as the change that made them
/// due. Returns the case as it is afterwards.
pub async fn settle<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Case>, DbErr> {
    for _ in 0..4 {
        let Some(case) = cases::get(c, case_id).await? else {
            return Ok(None);
        };
        let facts = super::facts::of_case(c, &case).await?;
        let Some(action) = due_system_action(&facts, now) else {
            return Ok(Some(case));
        };
        let Ok(t) = apply(&facts, &action, &Initiator::System, now) else {
            return Ok(Some(case));
        };
        let details = serde_json::json!({ "action": action, "note": "" });
        if record(c, None, &case, case.version, &t, details, now).await? == Updated::Stale {
            return Ok(Some(case));
        }
    }
    cases::get(c, case_id).await
}

/// Runs a draw in the given write transaction: re-reads the case, screens the
/// pool and draws with `seed` (from the OS's CSPRNG, see [`draws::fresh_seed`]), takes the
/// lifecycle transition, then writes the immutable record, the seats and the audit event.
async fn draw_in<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    version: i32,
    req: &DrawRequest,
    seed: [u8; 32],
    now: DateTime<Utc>,
) -> Result<Result<Committed, Refused>, DbErr> {
    let now = now.trunc_subsecs(6);
    let Some(case) = cases::get(c, case_id).await? else {
        return Ok(Err(Refused::NotFound));
    };
    let facts = super::facts::of_case(c, &case).await?;
    // Seeing the case comes first: a foreign case is not found, whatever its version.
    if !crate::domain::access::can_see_case(actor, &facts) {
        return Ok(Err(Refused::NotFound));
    }
    if case.version != version {
        return Ok(Err(Refused::Stale));
    }
    let drawn = match draws::prepare(c, actor, &case, &facts, req, seed, now).await? {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if record(
        c,
        Some(actor),
        &case,
        version,
        &drawn.transition,
        drawn.details(req),
        now,
    )
    .await?
        == Updated::Stale
    {
        return Ok(Err(Refused::Stale));
    }
    Ok(Ok(draws::write_panel(
        c, actor, &case, version, req, seed, drawn, now,
    )
    .await?))
}

/// A draw ([`draw_in`]) in a write transaction of its own. A first draw refused as stale
/// because another clerk's first draw was committed meanwhile says so
/// ([`Refused::AlreadyDrawn`]).
pub async fn draw(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    case_id: i64,
    version: i32,
    req: &DrawRequest,
    seed: [u8; 32],
    now: DateTime<Utc>,
) -> Result<Result<Committed, Refused>, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    match draw_in(&txn, actor, case_id, version, req, seed, now).await? {
        Ok(done) => {
            txn.commit().await?;
            Ok(Ok(done))
        }
        Err(Refused::Stale)
            if req.kind == crate::domain::draw::DrawKind::Initial
                && !draws::records(&txn, case_id).await?.is_empty() =>
        {
            Ok(Err(Refused::AlreadyDrawn))
        }
        Err(r) => Ok(Err(r)),
    }
}

/// What a credit record against an expert does to the panels: each open seat not yet scored
/// (and the seat of `voided_on`, whose sheet was voided) is replaced by the system, through the
/// lifecycle, on the cases the filer may act on (`may_act_on`) that are drawn or under review.
/// Returns the cases redrawn, or `None` when a case changed meanwhile (the caller drops the
/// transaction).
pub async fn vacate_seats<C: ConnectionTrait>(
    c: &C,
    expert_id: i64,
    record_id: i64,
    reason: &str,
    voided_on: Option<i64>,
    may_act_on: &(dyn Fn(&Case) -> Result<bool, DbErr> + Sync),
    now: DateTime<Utc>,
) -> Result<Option<Vec<i64>>, DbErr> {
    use super::entities::seat;
    use crate::domain::case::CaseState;
    use crate::domain::ids::ExpertId;
    use crate::domain::lifecycle::{apply, Action, Initiator};
    let open_seats: Vec<seat::Model> = seat::Entity::find()
        .filter(seat::Column::ExpertId.eq(expert_id))
        .filter(seat::Column::Status.is_in(["invited", "accepted"]))
        .all(c)
        .await?
        .into_iter()
        .filter(|s| !s.sheet_submitted || Some(s.case_id) == voided_on)
        .collect();
    let mut redrawn = Vec::new();
    for s in open_seats {
        let Some(case) = cases::get(c, s.case_id).await? else {
            continue;
        };
        if !may_act_on(&case)? {
            continue;
        }
        let state = case.case_state()?;
        if !matches!(state, CaseState::PanelDrawn | CaseState::UnderReview) {
            continue;
        }
        let facts = super::facts::of_case(c, &case).await?;
        let action = Action::ReplaceSeat {
            expert: ExpertId(expert_id),
            reason: reason.to_string(),
        };
        let Ok(t) = apply(&facts, &action, &Initiator::System, now) else {
            continue;
        };
        let details = serde_json::json!({ "credit_record": record_id, "action": action });
        let done = record(c, None, &case, case.version, &t, details, now).await?;
        if done == Updated::Stale {
            return Ok(None);
        }
        redrawn.push(case.id);
    }
    Ok(Some(redrawn))
}
