//! Write transactions. Each one starts by touching the audit head row: on SQLite that takes the
//! write lock at the start of the transaction (the effect of `BEGIN IMMEDIATE`, so concurrent
//! writers wait on the busy timeout instead of failing mid-way); on PostgreSQL it takes the
//! row lock that serialises the audit chain.

use super::entities::audit_head;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};

pub async fn begin_write(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    let res = audit_head::Entity::update_many()
        .col_expr(audit_head::Column::TouchedAt, Expr::value(now))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbErr::Custom(
            "audit head row missing: run migrations".into(),
        ));
    }
    Ok(txn)
}
