//! 培训机构: the profile an institution keeps itself.

use super::accounts::Updated;
use super::entities::institution;
use crate::domain::institution::InstitutionInput;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Saves a validated profile if the version still matches. The county is never changed here.
pub async fn update_profile<C: ConnectionTrait>(
    c: &C,
    by: &crate::store::audit::By<'_>,
    id: i64,
    version: i32,
    input: &InstitutionInput,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use institution::Column as Col;
    let r = institution::Entity::update_many()
        .col_expr(Col::Name, Expr::value(input.name.trim()))
        .col_expr(Col::Uscc, Expr::value(input.uscc.clone()))
        .col_expr(Col::LicenceNo, Expr::value(input.licence_no.trim()))
        .col_expr(Col::Address, Expr::value(input.address.trim()))
        .col_expr(
            Col::LegalRep,
            Expr::value(input.legal_representative.trim()),
        )
        .col_expr(Col::Principal, Expr::value(input.principal.trim()))
        .col_expr(Col::ContactName, Expr::value(input.contact_name.trim()))
        .col_expr(Col::ContactPhone, Expr::value(input.contact_phone.trim()))
        .col_expr(Col::ForProfit, Expr::value(input.for_profit))
        .col_expr(Col::Version, Expr::value(version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(Updated::Stale);
    }
    let event = by.entry("institution.update", format!("institution:{id}"));
    crate::store::audit::append(c, event, now).await?;
    Ok(Updated::Yes)
}
