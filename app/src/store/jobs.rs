//! Work that time alone makes due (DOMAIN §4): a determination whose re-review window has passed
//! with no application becomes FINAL; a refused re-review or a determined prefecture child case
//! closes its case; whoever's time limit ends soon or has passed is told so, as is the clerk of
//! an invitation left unanswered; and bureau staff who asked for it get their daily digest.
//! The server runs [`settle_due`] at start and then every few minutes (`server::spawn_jobs`); the clock is the injected one, so tests move time and call it.

use super::cases;
use super::entities::jd_case;
use super::tx;
use crate::domain::case::CaseState;
use crate::domain::china_time::china_date;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

/// The cases a system action may be due on now: determinations old enough for their window to
/// have closed, and cases waiting only for the system (refused, forwarded, panel ready).
pub async fn candidates(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<i64>, DbErr> {
    // The window is counted in calendar days from the notice: notices older than the shortest
    // window any version of the limits has had (each case's own window is checked by `settle`).
    let window = i64::from(super::settings::shortest_rereview_window(db).await?);
    let oldest_open = china_date(now) - Duration::days(window);
    jd_case::Entity::find()
        .select_only()
        .column(jd_case::Column::Id)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(jd_case::Column::State.eq(CaseState::Determined.code()))
                        .add(jd_case::Column::DeterminedOn.lt(oldest_open)),
                )
                .add(jd_case::Column::State.is_in([
                    CaseState::RereviewRefused.code(),
                    CaseState::Forwarded.code(),
                    CaseState::PanelDrawn.code(),
                ])),
        )
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// Runs every system action that is due now, each case in its own write transaction (with its
/// timeline entry and audit event). Returns how many cases changed state.
pub async fn settle_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let mut changed = 0;
    for id in candidates(db, now).await? {
        let txn = tx::begin_write(db, now).await?;
        let before = cases::get(&txn, id).await?.map(|c| c.state);
        let after = crate::store::transition::settle(&txn, id, now)
            .await?
            .map(|c| c.state);
        txn.commit().await?;
        if before != after {
            changed += 1;
        }
    }
    // Then the reminders of the time limits still running (each told once).
    let txn = tx::begin_write(db, now).await?;
    super::notices::deadlines(&txn, now).await?;
    // And the bureau's daily digests, once the morning has come.
    super::notices::digests(&txn, now).await?;
    txn.commit().await?;
    Ok(changed)
}
