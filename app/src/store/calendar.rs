//! The holiday calendar in force (节假日安排): the embedded one (`app/rubric/holidays.toml`,
//! the first version of every year it has) with each year replaced by the latest version an
//! administrator imported. Every deadline the store or the server computes counts with
//! [`current`], read from the database each time, so that every server process and every
//! test database sees the import at once. A deadline already set on a case stays where it was
//! set (it was told to the parties); the imported calendar counts the next ones.

use super::accounts::Updated;
use super::audit::By;
use super::entities::holiday_year;
use crate::domain::deadline::{HolidayCalendar, HolidayPeriod, YearCalendar, YearStatus};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

/// One stored version of a year, for the history on the settings page.
#[derive(Debug, Clone)]
pub struct YearVersion {
    pub calendar: YearCalendar,
    pub version: i32,
    pub reason: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn decode(m: holiday_year::Model) -> Result<YearVersion, DbErr> {
    let status = YearStatus::from_code(&m.status)
        .ok_or_else(|| DbErr::Custom(format!("holiday_year {}: bad status", m.id)))?;
    let periods: Vec<HolidayPeriod> = serde_json::from_str(&m.periods)
        .map_err(|e| DbErr::Custom(format!("holiday_year {}: {e}", m.id)))?;
    Ok(YearVersion {
        calendar: YearCalendar {
            year: m.year,
            status,
            source: m.source,
            periods,
        },
        version: m.version,
        reason: m.reason,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

/// Every stored version, newest first within each year (years in order).
pub async fn versions<C: ConnectionTrait>(c: &C) -> Result<Vec<YearVersion>, DbErr> {
    holiday_year::Entity::find()
        .order_by_asc(holiday_year::Column::Year)
        .order_by_desc(holiday_year::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// The calendar in force.
pub async fn current<C: ConnectionTrait>(c: &C) -> Result<HolidayCalendar, DbErr> {
    let mut cal = HolidayCalendar::embedded().clone();
    let mut seen = None;
    for v in versions(c).await? {
        if seen == Some(v.calendar.year) {
            continue;
        }
        seen = Some(v.calendar.year);
        // Checked against the calendar in force when imported; a contradiction with a year
        // imported later is refused at that import, so this holds.
        cal = cal
            .with_year(&v.calendar)
            .map_err(|e| DbErr::Custom(format!("holiday_year {}: {e:?}", v.calendar.year)))?;
    }
    Ok(cal)
}

/// The latest stored version of a year (0: none stored, the embedded entries are in force).
pub async fn latest_version<C: ConnectionTrait>(c: &C, year: i32) -> Result<i32, DbErr> {
    Ok(holiday_year::Entity::find()
        .filter(holiday_year::Column::Year.eq(year))
        .order_by_desc(holiday_year::Column::Version)
        .one(c)
        .await?
        .map_or(0, |m| m.version))
}

/// Stores a year's imported notice as its next version, if the year's latest version is still
/// `seen` (what the administrator's page showed), and audits it; in its own write transaction.
/// The caller checked the year against the calendar in force (`domain::holiday_import`); the
/// stored versions are read back inside the transaction, so a year that no longer fits fails
/// the transaction rather than being stored.
pub async fn import_year(
    db: &DatabaseConnection,
    by: &By<'_>,
    year: &YearCalendar,
    seen: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    if latest_version(&txn, year.year).await? != seen {
        return Ok(Updated::Stale);
    }
    let version = seen + 1;
    let periods = serde_json::to_string(&year.periods)
        .map_err(|e| DbErr::Custom(format!("holiday periods: {e}")))?;
    holiday_year::Entity::insert(holiday_year::ActiveModel {
        year: Set(year.year),
        version: Set(version),
        status: Set(year.status.code().to_string()),
        source: Set(year.source.clone()),
        reason: Set(reason.trim().to_string()),
        periods: Set(periods),
        created_by: Set(Some(by.actor.user_id.0)),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    // The stored versions must still make a calendar (a contradiction refuses the import).
    current(&txn).await?;
    let event = by
        .entry("calendar.import", format!("holiday_year:{}", year.year))
        .details(serde_json::json!({
            "year": year.year,
            "version": version,
            "status": year.status.code(),
            "source": year.source,
            "reason": reason.trim(),
            "periods": year.periods.len(),
            "days_off": year.holiday_days(),
            "working_weekend_days": year.working_weekend_days(),
        }));
    super::audit::append(&txn, event, now).await?;
    txn.commit().await?;
    Ok(Updated::Yes)
}
