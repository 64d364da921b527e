//! 机构自查: the self-checks institutions saved, and the one attached to an application.
//!
//! Only a signed-in institution's save writes here; the public self-check stores nothing. A
//! saved self-check is never edited: the answers, the rubric version and the verdict stay as
//! they were when saved. An application carries at most one (`case_id`); attaching another
//! replaces the link.

use super::audit::{self, Entry};
use super::entities::self_check;
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

pub use self_check::Model as SavedSelfCheck;

/// A self-check to save (already validated and evaluated by the domain).
#[derive(Debug, Clone)]
pub struct NewSelfCheck<'a> {
    pub institution_id: i64,
    pub item_name: &'a str,
    pub rubric_version: u32,
    /// `domain::selfcheck::SelfCheck` as JSON.
    pub answers: &'a str,
    /// `subject`, `non_subject` or `undetermined`.
    pub verdict: &'a str,
}

/// Saves a self-check with its audit event; returns its id. Call inside `tx::begin_write`.
pub async fn save<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    new: NewSelfCheck<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let id = self_check::Entity::insert(self_check::ActiveModel {
        institution_id: Set(new.institution_id),
        item_name: Set(new.item_name.trim().to_string()),
        rubric_version: Set(new.rubric_version as i32),
        answers: Set(new.answers.to_string()),
        verdict: Set(new.verdict.to_string()),
        created_by: Set(actor.user_id.0),
        created_at: Set(now),
        case_id: Set(None),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    let mut e =
        Entry::new("self_check.save", format!("self_check:{id}")).details(serde_json::json!({
            "institution": new.institution_id,
            "item": new.item_name.trim(),
            "rubric_version": new.rubric_version,
            "verdict": new.verdict,
        }));
    e.actor_id = Some(actor.user_id.0);
    e.actor_role = actor.role.code().into();
    audit::append(c, e, now).await?;
    Ok(id)
}

/// An institution's self-checks, newest first.
pub async fn for_institution<C: ConnectionTrait>(
    c: &C,
    institution_id: i64,
) -> Result<Vec<SavedSelfCheck>, DbErr> {
    self_check::Entity::find()
        .filter(self_check::Column::InstitutionId.eq(institution_id))
        .order_by_desc(self_check::Column::CreatedAt)
        .order_by_desc(self_check::Column::Id)
        .all(c)
        .await
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<SavedSelfCheck>, DbErr> {
    self_check::Entity::find_by_id(id).one(c).await
}

/// The self-check attached to an application, if any.
pub async fn for_case<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<SavedSelfCheck>, DbErr> {
    self_check::Entity::find()
        .filter(self_check::Column::CaseId.eq(case_id))
        .order_by_desc(self_check::Column::Id)
        .one(c)
        .await
}

/// Attaches a self-check to an application, replacing the one attached before (which is free
/// again), with the case's audit event. The caller checked, inside this transaction, that the
/// case may take it and that the self-check belongs to the case's institution and to no other
/// application. Call inside `tx::begin_write`.
pub async fn attach<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    self_check_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let replaced: Vec<i64> = self_check::Entity::find()
        .filter(self_check::Column::CaseId.eq(case_id))
        .filter(self_check::Column::Id.ne(self_check_id))
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if !replaced.is_empty() {
        self_check::Entity::update_many()
            .col_expr(self_check::Column::CaseId, Expr::value(None::<i64>))
            .filter(self_check::Column::Id.is_in(replaced.clone()))
            .exec(c)
            .await?;
    }
    let r = self_check::Entity::update_many()
        .col_expr(self_check::Column::CaseId, Expr::value(case_id))
        .filter(self_check::Column::Id.eq(self_check_id))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Err(DbErr::RecordNotUpdated);
    }
    audit::append(
        c,
        super::cases::entry(
            Some(actor),
            "self_check.attach",
            case_id,
            serde_json::json!({ "self_check": self_check_id, "replaced": replaced }),
        ),
        now,
    )
    .await?;
    Ok(())
}
