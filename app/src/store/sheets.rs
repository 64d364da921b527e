//! Score sheets (评分表): one per expert per case, every saved version kept.
//!
//! A save names the version it was based on (optimistic concurrency: a second tablet of the same
//! expert that missed a save is told, nothing is overwritten) and carries a `save_id` chosen by
//! the device: sending the same save again (a draft kept offline, a retry after a lost answer)
//! returns the version it already made instead of making another.

use super::audit;
use super::cases::entry;
use super::entities::{score_sheet, score_sheet_version, seat};
use crate::domain::role::Actor;
use crate::domain::sheet::ScoreSheet;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

pub async fn get<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    expert_id: i64,
) -> Result<Option<score_sheet::Model>, DbErr> {
    score_sheet::Entity::find()
        .filter(score_sheet::Column::CaseId.eq(case_id))
        .filter(score_sheet::Column::ExpertId.eq(expert_id))
        .one(c)
        .await
}

pub async fn for_case<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<score_sheet::Model>, DbErr> {
    score_sheet::Entity::find()
        .filter(score_sheet::Column::CaseId.eq(case_id))
        .order_by_asc(score_sheet::Column::Id)
        .all(c)
        .await
}

pub async fn versions<C: ConnectionTrait>(
    c: &C,
    sheet_id: i64,
) -> Result<Vec<score_sheet_version::Model>, DbErr> {
    score_sheet_version::Entity::find()
        .filter(score_sheet_version::Column::SheetId.eq(sheet_id))
        .order_by_asc(score_sheet_version::Column::Version)
        .all(c)
        .await
}

/// A save that was stored (or had been stored before, for a resend).
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub version: i32,
    pub submitted: bool,
    /// The same `save_id` had been stored already: nothing new was written.
    pub duplicate: bool,
}

/// Why a save was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// The sheet is at another version than the save was based on.
    Stale { current: i32 },
    /// The sheet has been submitted and is read-only.
    Submitted,
}

/// The answer already given to a save with this `save_id` (a resend: the same answer,
/// whatever happened since), or the refusal of any new save once the sheet is submitted;
/// `None` when the save is new.
pub async fn replay<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    expert_id: i64,
    save_id: &str,
) -> Result<Option<Result<Stored, Refused>>, DbErr> {
    let Some(s) = get(c, case_id, expert_id).await? else {
        return Ok(None);
    };
    let earlier = score_sheet_version::Entity::find()
        .filter(score_sheet_version::Column::SheetId.eq(s.id))
        .filter(score_sheet_version::Column::SaveId.eq(save_id))
        .one(c)
        .await?;
    Ok(match earlier {
        Some(v) => Some(Ok(Stored {
            version: v.version,
            submitted: s.submitted,
            duplicate: true,
        })),
        None if s.submitted => Some(Err(Refused::Submitted)),
        None => None,
    })
}

/// The case's activities a sheet may cite as evidence, in the order they were recorded.
pub async fn citable_activities<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<super::entities::activity::Model>, DbErr> {
    use super::entities::activity;
    activity::Entity::find()
        .filter(activity::Column::CaseId.eq(case_id))
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await
}

/// What a sheet of the case may cite as evidence: the ids of its current materials and of
/// its citable activities.
pub async fn citable<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<(Vec<crate::domain::ids::MaterialId>, Vec<i64>), DbErr> {
    let materials = super::cases::materials(c, case_id).await?;
    let activities = citable_activities(c, case_id).await?;
    Ok((
        materials
            .into_iter()
            .map(|m| crate::domain::ids::MaterialId(m.id))
            .collect(),
        activities.into_iter().map(|a| a.id).collect(),
    ))
}

/// Stores a version of the expert's sheet, in a write transaction of its own (committed when
/// stored; a resend of a stored save answers as then).
#[allow(clippy::too_many_arguments)]
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    case_id: i64,
    expert_id: i64,
    base_version: i32,
    sheet: &ScoreSheet,
    save_id: &str,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<Result<Stored, Refused>, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let out = write(
        &txn,
        actor,
        case_id,
        expert_id,
        base_version,
        sheet,
        save_id,
        submit,
        now,
    )
    .await?;
    if out.is_ok() {
        txn.commit().await?;
    }
    Ok(out)
}

/// [`save`] in the given write transaction.
#[allow(clippy::too_many_arguments)]
async fn write<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    expert_id: i64,
    base_version: i32,
    sheet: &ScoreSheet,
    save_id: &str,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<Result<Stored, Refused>, DbErr> {
    if let Some(answer) = replay(c, case_id, expert_id, save_id).await? {
        return Ok(answer);
    }
    let existing = get(c, case_id, expert_id).await?;
    let current = existing.as_ref().map_or(0, |s| s.version);
    if base_version != current {
        return Ok(Err(Refused::Stale { current }));
    }
    let content = serde_json::to_string(sheet).expect("serialisable");
    let version = current + 1;
    let sheet_id = match &existing {
        Some(s) => {
            let mut q = score_sheet::Entity::update_many()
                .col_expr(score_sheet::Column::Content, Expr::value(content.clone()))
                .col_expr(score_sheet::Column::Version, Expr::value(version))
                .col_expr(score_sheet::Column::UpdatedAt, Expr::value(now));
            if submit {
                q = q
                    .col_expr(score_sheet::Column::Submitted, Expr::value(true))
                    .col_expr(score_sheet::Column::SubmittedAt, Expr::value(now));
            }
            let r = q
                .filter(score_sheet::Column::Id.eq(s.id))
                .filter(score_sheet::Column::Version.eq(current))
                .exec(c)
                .await?;
            if r.rows_affected != 1 {
                return Ok(Err(Refused::Stale { current }));
            }
            s.id
        }
        None => {
            score_sheet::Entity::insert(score_sheet::ActiveModel {
                case_id: Set(case_id),
                expert_id: Set(expert_id),
                rubric_version: Set(sheet.rubric_version as i32),
                content: Set(content.clone()),
                version: Set(version),
                submitted: Set(submit),
                submitted_at: Set(submit.then_some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .exec(c)
            .await?
            .last_insert_id
        }
    };
    score_sheet_version::Entity::insert(score_sheet_version::ActiveModel {
        sheet_id: Set(sheet_id),
        version: Set(version),
        content: Set(content),
        save_id: Set(save_id.chars().take(64).collect()),
        submit: Set(submit),
        saved_by: Set(actor.user_id.0),
        saved_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    if submit {
        seat::Entity::update_many()
            .col_expr(seat::Column::SheetSubmitted, Expr::value(true))
            .filter(seat::Column::CaseId.eq(case_id))
            .filter(seat::Column::ExpertId.eq(expert_id))
            .filter(seat::Column::Status.eq("accepted"))
            .exec(c)
            .await?;
    }
    audit::append(
        c,
        entry(
            Some(actor),
            if submit { "sheet.submit" } else { "sheet.save" },
            case_id,
            serde_json::json!({ "sheet_id": sheet_id, "expert": expert_id, "version": version }),
        ),
        now,
    )
    .await?;
    Ok(Ok(Stored {
        version,
        submitted: submit,
        duplicate: false,
    }))
}
