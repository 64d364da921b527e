//! 专家考评: ratings of panel members after a case.

use super::audit::{self, Entry};
use super::entities::{expert_rating, jd_case};
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

pub use expert_rating::Model as Rating;

pub async fn for_case<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Vec<Rating>, DbErr> {
    expert_rating::Entity::find()
        .filter(expert_rating::Column::CaseId.eq(case_id))
        .all(c)
        .await
}

/// An expert's ratings, newest first, with the cases' numbers.
/// An expert's ratings, newest first, each with its case's number and county.
pub async fn for_expert<C: ConnectionTrait>(
    c: &C,
    expert_id: i64,
) -> Result<Vec<(Rating, Option<String>, i64)>, DbErr> {
    let list = expert_rating::Entity::find()
        .filter(expert_rating::Column::ExpertId.eq(expert_id))
        .order_by_desc(expert_rating::Column::RatedAt)
        .order_by_desc(expert_rating::Column::Id)
        .all(c)
        .await?;
    let cases: HashMap<i64, (Option<String>, i64)> = jd_case::Entity::find()
        .select_only()
        .columns([
            jd_case::Column::Id,
            jd_case::Column::Number,
            jd_case::Column::CountyId,
        ])
        .filter(jd_case::Column::Id.is_in(list.iter().map(|r| r.case_id)))
        .into_tuple::<(i64, Option<String>, i64)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, n, county)| (id, (n, county)))
        .collect();
    Ok(list
        .into_iter()
        .filter_map(|r| {
            let (n, county) = cases.get(&r.case_id).cloned()?;
            Some((r, n, county))
        })
        .collect())
}

/// Records a rating with its audit event; `false` (nothing written) when this expert was
/// already rated for this case. Call inside `tx::begin_write`.
pub async fn rate<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    expert_id: i64,
    score: i32,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let exists = expert_rating::Entity::find()
        .filter(expert_rating::Column::CaseId.eq(case_id))
        .filter(expert_rating::Column::ExpertId.eq(expert_id))
        .one(c)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    expert_rating::Entity::insert(expert_rating::ActiveModel {
        case_id: Set(case_id),
        expert_id: Set(expert_id),
        score: Set(score),
        comment: Set(comment.trim().to_string()),
        rated_by: Set(actor.user_id.0),
        rated_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    let mut e = Entry::new("expert.rate", format!("expert:{expert_id}"))
        .details(serde_json::json!({ "case": case_id, "score": score, "comment": comment.trim() }));
    e.actor_id = Some(actor.user_id.0);
    e.actor_role = actor.role.code().into();
    audit::append(c, e, now).await?;
    Ok(true)
}
