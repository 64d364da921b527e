//! 信用记录: filing and reading credit records; the experts a record bars from draws.

use super::audit::{self, Entry};
use super::entities::credit_record;
use crate::domain::credit::{CreditKind, CreditSubject};
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashSet;

pub use credit_record::Model as CreditRecord;

/// A record as filed.
pub struct NewRecord<'a> {
    pub subject: CreditSubject,
    pub institution_id: Option<i64>,
    pub expert_id: Option<i64>,
    pub case_id: Option<i64>,
    pub kind: CreditKind,
    pub measure: &'a str,
    pub reason: &'a str,
    pub voided_sheet: bool,
}

/// Writes a record with its audit event. Call inside `tx::begin_write`.
pub async fn file<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    r: NewRecord<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let id = credit_record::Entity::insert(credit_record::ActiveModel {
        subject: Set(r.subject.code().into()),
        institution_id: Set(r.institution_id),
        expert_id: Set(r.expert_id),
        case_id: Set(r.case_id),
        kind: Set(r.kind.code().into()),
        measure: Set(r.measure.into()),
        reason: Set(r.reason.trim().into()),
        voided_sheet: Set(r.voided_sheet),
        filed_by: Set(actor.user_id.0),
        filed_at: Set(now),
        // A county director's record is the county's; the prefecture's is everyone's.
        county_id: Set(match actor.scope {
            crate::domain::role::Scope::County(c) => Some(c.0),
            _ => None,
        }),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    let object = match r.subject {
        CreditSubject::Institution => format!("institution:{}", r.institution_id.unwrap_or(0)),
        CreditSubject::Expert => format!("expert:{}", r.expert_id.unwrap_or(0)),
    };
    let mut e = Entry::new("credit.file", object).details(serde_json::json!({
        "record": id, "kind": r.kind.code(), "measure": r.measure, "case": r.case_id,
        "reason": r.reason.trim(), "voided_sheet": r.voided_sheet,
    }));
    e.actor_id = Some(actor.user_id.0);
    e.actor_role = actor.role.code().into();
    audit::append(c, e, now).await?;
    super::notices::credit_filed(c, id, r.expert_id, r.institution_id, r.case_id, now).await?;
    Ok(id)
}

/// The records about one institution or expert, newest first.
pub async fn about<C: ConnectionTrait>(
    c: &C,
    subject: CreditSubject,
    id: i64,
) -> Result<Vec<CreditRecord>, DbErr> {
    let col = match subject {
        CreditSubject::Institution => credit_record::Column::InstitutionId,
        CreditSubject::Expert => credit_record::Column::ExpertId,
    };
    credit_record::Entity::find()
        .filter(credit_record::Column::Subject.eq(subject.code()))
        .filter(col.eq(id))
        .order_by_desc(credit_record::Column::FiledAt)
        .order_by_desc(credit_record::Column::Id)
        .all(c)
        .await
}

/// Experts a credit record bars from the draws of a case of `county` (DOMAIN §6, §9): every
/// record the prefecture filed, and the county's own; `None` asks for the prefecture's only
/// (barred from every draw). Another county's record does not reach this county's draws.
pub async fn barred_experts<C: ConnectionTrait>(
    c: &C,
    county: Option<i64>,
) -> Result<HashSet<i64>, DbErr> {
    use sea_orm::Condition;
    let mut scope = Condition::any().add(credit_record::Column::CountyId.is_null());
    if let Some(county) = county {
        scope = scope.add(credit_record::Column::CountyId.eq(county));
    }
    Ok(credit_record::Entity::find()
        .select_only()
        .column(credit_record::Column::ExpertId)
        .filter(credit_record::Column::Subject.eq(CreditSubject::Expert.code()))
        .filter(scope)
        .into_tuple::<Option<i64>>()
        .all(c)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// Voids an expert's score sheet on a case (given in bad faith), keeping it for the record.
pub async fn void_sheet<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    expert_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use super::entities::score_sheet;
    use sea_orm::sea_query::Expr;
    Ok(score_sheet::Entity::update_many()
        .col_expr(
            score_sheet::Column::VoidedReason,
            Expr::value(reason.trim()),
        )
        .col_expr(score_sheet::Column::VoidedAt, Expr::value(Some(now)))
        .filter(score_sheet::Column::CaseId.eq(case_id))
        .filter(score_sheet::Column::ExpertId.eq(expert_id))
        .exec(c)
        .await?
        .rows_affected)
}
