//! 鉴定结论 records (`domain::determination`): written in the transaction of the transition
//! that determines (`cases::record_transition`, on the lifecycle's `RecordDetermination`
//! effect), replaced by the prefecture's re-review determination, revoked with reasons.
//!
//! The case keeps its `category` and `determined_on` columns in step (the dashboards' tallies
//! and the lifecycle's facts read them); the record is what the registry, the case page and a
//! revocation read.

use super::cases::Case;
use super::entities::{case_event, determination, jd_case, opinion};
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::determination::{Basis, Standing};
use crate::domain::lifecycle::Transition;
use crate::domain::terms::Category;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

pub use determination::Model as Determination;

/// Records the determination a transition makes. For a prefecture re-review case, the parent
/// county case's determination is marked replaced by this one.
#[allow(clippy::too_many_arguments)]
pub async fn record<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    t: &Transition,
    category: Category,
    direct: bool,
    preschool_prohibited: bool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let level = case.case_level()?;
    let basis = Basis::of(direct, level == CaseLevel::Prefecture, t.from);
    let opinion_id = match basis {
        Basis::PanelOpinion | Basis::Rereview => sealed_opinion(c, case.id).await?,
        Basis::PrefectureRuling | Basis::Direct => None,
    };
    let id = determination::Entity::insert(determination::ActiveModel {
        case_id: Set(case.id),
        level: Set(level.code().into()),
        county_id: Set(case.county_id),
        institution_id: Set(case.institution_id),
        category: Set(category.code().into()),
        determined_on: Set(today),
        decided_at: Set(now),
        decided_by: Set(t.by.map(|u| u.0)),
        basis: Set(basis.code().into()),
        opinion_id: Set(opinion_id),
        reasons: Set(t.reason.clone().unwrap_or_default()),
        preschool_prohibited: Set(preschool_prohibited),
        superseded_by: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revoke_reason: Set(String::new()),
        revoke_credit_record: Set(None),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    if basis == Basis::Rereview {
        if let Some(parent) = case.parent_id {
            determination::Entity::update_many()
                .col_expr(determination::Column::SupersededBy, Expr::value(id))
                .filter(determination::Column::CaseId.eq(parent))
                .exec(c)
                .await?;
        }
    }
    Ok(id)
}

async fn sealed_opinion<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Option<i64>, DbErr> {
    Ok(opinion::Entity::find()
        .filter(opinion::Column::CaseId.eq(case_id))
        .filter(opinion::Column::Status.eq(super::opinions::SEALED))
        .order_by_desc(opinion::Column::Revision)
        .one(c)
        .await?
        .map(|o| o.id))
}

/// The case's determination, if it has one.
pub async fn of_case<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<Determination>, DbErr> {
    determination::Entity::find()
        .filter(determination::Column::CaseId.eq(case_id))
        .one(c)
        .await
}

/// Whether the determination stands, from the facts of its case.
pub fn standing_of(d: &Determination, case: &Case) -> Result<Standing, DbErr> {
    let state = case.case_state()?;
    Ok(crate::domain::determination::standing(
        state,
        d.revoked_at.is_some(),
        d.superseded_by.is_some(),
    ))
}

/// Revokes a determination (九(二)): nothing is deleted; the record keeps who, when, why and
/// the credit record. False when it was already revoked. Call inside `tx::begin_write`.
/// The case's timeline and the audit trail record it (the address in the event's details).
pub async fn revoke<C: ConnectionTrait>(
    c: &C,
    by: &super::audit::By<'_>,
    case: &jd_case::Model,
    d: &Determination,
    reason: &str,
    credit_record: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let actor = by.actor;
    let r = determination::Entity::update_many()
        .col_expr(determination::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(
            determination::Column::RevokedBy,
            Expr::value(Some(actor.user_id.0)),
        )
        .col_expr(
            determination::Column::RevokeReason,
            Expr::value(reason.trim()),
        )
        .col_expr(
            determination::Column::RevokeCreditRecord,
            Expr::value(Some(credit_record)),
        )
        .filter(determination::Column::Id.eq(d.id))
        .filter(determination::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    let state = case.case_state()?;
    let reason = reason.trim();
    super::cases::note_event(c, actor, case, "revoke_determination", state, reason, now).await?;
    let details = serde_json::json!({
        "determination": d.id, "credit_record": credit_record, "reason": reason,
        "address": by.address,
    });
    let event = super::cases::entry(Some(actor), "determination.revoke", case.id, details);
    super::audit::append(c, event, now).await?;
    Ok(true)
}

/// Carries the determinations recorded on cases before this table over into it: the time,
/// director and reasons from the timeline's determining step, the basis from that step, the
/// sealed opinion, the 学前 consequence from the item, and the replacement by a prefecture
/// re-review determination. Cases that already have a record are left alone.
pub async fn backfill<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    let have: std::collections::HashSet<i64> = determination::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|d| d.case_id)
        .collect();
    let cases: Vec<jd_case::Model> = jd_case::Entity::find()
        .filter(jd_case::Column::Category.is_not_null())
        .filter(jd_case::Column::DeterminedOn.is_not_null())
        .order_by_asc(jd_case::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .filter(|k| !have.contains(&k.id))
        .collect();
    if cases.is_empty() {
        return Ok(());
    }
    // The determining step of each case (the latest into DETERMINED).
    let mut steps: HashMap<i64, case_event::Model> = HashMap::new();
    for e in case_event::Entity::find()
        .filter(case_event::Column::ToState.eq(CaseState::Determined.code()))
        .order_by_asc(case_event::Column::Id)
        .all(c)
        .await?
    {
        if e.from_state != e.to_state {
            steps.insert(e.case_id, e);
        }
    }
    let mut sealed: HashMap<i64, i64> = HashMap::new();
    for o in opinion::Entity::find()
        .filter(opinion::Column::Status.eq(super::opinions::SEALED))
        .order_by_asc(opinion::Column::Revision)
        .all(c)
        .await?
    {
        sealed.insert(o.case_id, o.id);
    }
    let stages = cases
        .iter()
        .map(|k| Ok((k.id, super::cases::item_of(k)?.stage)))
        .collect::<Result<HashMap<_, _>, DbErr>>()?;
    let rows: Vec<determination::ActiveModel> = cases
        .iter()
        .filter_map(|k| {
            let category = Category::from_code(k.category.as_deref()?)?;
            let day = k.determined_on?;
            let step = steps.get(&k.id);
            let from = step
                .and_then(|e| CaseState::from_code(&e.from_state))
                .unwrap_or(CaseState::OpinionSealed);
            let direct = step.is_some_and(|e| e.action == "determine_directly");
            let prefecture = k.level == CaseLevel::Prefecture.code();
            let basis = Basis::of(direct, prefecture, from);
            let stage = *stages.get(&k.id)?;
            let noon = day.and_hms_opt(4, 0, 0)?.and_utc();
            Some(determination::ActiveModel {
                case_id: Set(k.id),
                level: Set(k.level.clone()),
                county_id: Set(k.county_id),
                institution_id: Set(k.institution_id),
                category: Set(category.code().into()),
                determined_on: Set(day),
                decided_at: Set(step.map_or(noon, |e| e.at)),
                decided_by: Set(step.and_then(|e| e.actor_id)),
                basis: Set(basis.code().into()),
                opinion_id: Set(match basis {
                    Basis::PanelOpinion | Basis::Rereview => sealed.get(&k.id).copied(),
                    _ => None,
                }),
                reasons: Set(step.map(|e| e.reason.clone()).unwrap_or_default()),
                preschool_prohibited: Set(crate::domain::determination::preschool_prohibited(
                    stage, category,
                )),
                superseded_by: Set(None),
                revoked_at: Set(None),
                revoked_by: Set(None),
                revoke_reason: Set(String::new()),
                revoke_credit_record: Set(None),
                ..Default::default()
            })
        })
        .collect();
    for chunk in super::batches(rows, 500) {
        determination::Entity::insert_many(chunk)
            .exec_without_returning(c)
            .await?;
    }
    // A prefecture re-review determination replaces its parent's.
    let by_case: HashMap<i64, i64> = determination::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|d| (d.case_id, d.id))
        .collect();
    for k in cases.iter().filter(|k| k.parent_id.is_some()) {
        let (Some(parent), Some(id)) = (k.parent_id, by_case.get(&k.id)) else {
            continue;
        };
        determination::Entity::update_many()
            .col_expr(determination::Column::SupersededBy, Expr::value(*id))
            .filter(determination::Column::CaseId.eq(parent))
            .exec(c)
            .await?;
    }
    Ok(())
}
