//! 节假日安排: the holiday calendar the working-day time limits count with. Bureau staff,
//! observers and the administrator read it (each year, where its entries come from, and every
//! imported version with who, when and why); the administrator imports a year's notice as a
//! CSV file (`domain::holiday_import`); the bureau homes warn of a year that is not covered.

use super::AppError;
use crate::domain::csv::RowError;
use crate::domain::deadline::{CalendarGap, HolidayPeriod, YearStatus};
use crate::domain::holiday_import::YearForm;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One year as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    pub status: YearStatus,
    pub source: String,
    pub periods: Vec<HolidayPeriod>,
    /// The version in force (0: the entries built into the program).
    pub version: i32,
    pub history: Vec<CalendarVersion>,
}

/// One imported version of a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarVersion {
    pub version: i32,
    pub status: YearStatus,
    pub source: String,
    pub reason: String,
    /// The importer's name.
    pub by: String,
    /// China Standard Time to the minute.
    pub at: String,
    pub periods: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPage {
    pub years: Vec<CalendarYear>,
    /// What the bureau must see to today.
    pub gaps: Vec<CalendarGap>,
    pub can_import: bool,
}

/// The outcome of an import: the version stored, or every problem of the file (nothing stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarImport {
    pub version: Option<i32>,
    pub errors: Vec<RowError>,
}

/// The calendar in force, year by year, with its history.
#[server(prefix = "/api", endpoint = "holiday_calendar")]
pub async fn holiday_calendar() -> Result<CalendarPage, AppError> {
    use crate::domain::access::Permission;
    use crate::domain::china_time::{china_date, china_minute};
    let (me, st) = ssr::allowed(Permission::ViewSettings).await?;
    let cal = crate::store::calendar::current(&st.db).await?;
    let versions = crate::store::calendar::versions(&st.db).await?;
    let names = crate::store::reference::display_names(
        &st.db,
        versions.iter().filter_map(|v| v.created_by).collect(),
    )
    .await?;
    let years = cal
        .years()
        .into_iter()
        .rev()
        .filter_map(|y| cal.year(y))
        .map(|y| {
            let history: Vec<CalendarVersion> = versions
                .iter()
                .filter(|v| v.calendar.year == y.year)
                .map(|v| CalendarVersion {
                    version: v.version,
                    status: v.calendar.status,
                    source: v.calendar.source.clone(),
                    reason: v.reason.clone(),
                    by: v
                        .created_by
                        .and_then(|id| names.get(&id).cloned())
                        .unwrap_or_default(),
                    at: china_minute(v.created_at),
                    periods: v.calendar.periods.len(),
                })
                .collect();
            CalendarYear {
                version: history.first().map_or(0, |v| v.version),
                year: y.year,
                status: y.status,
                source: y.source,
                periods: y.periods,
                history,
            }
        })
        .collect();
    Ok(CalendarPage {
        years,
        gaps: cal.gaps(china_date(st.clock.now())),
        can_import: ssr::can(&me, Permission::ManageSettings),
    })
}

/// The years the bureau must see to (the home pages' warning): signed in; empty for those who
/// do not read the settings.
#[server(prefix = "/api", endpoint = "calendar_gaps")]
pub async fn calendar_gaps() -> Result<Vec<CalendarGap>, AppError> {
    use crate::api::server::{fail, require, state};
    use crate::domain::access::Permission;
    let me = require().await?;
    if !ssr::can(&me, Permission::ViewSettings) {
        return Ok(Vec::new());
    }
    let st = state().map_err(fail)?;
    let cal = crate::store::calendar::current(&st.db).await?;
    Ok(cal.gaps(crate::domain::china_time::china_date(st.clock.now())))
}

/// Imports a year's notice: the administrator. `seen` is the version of the year the page
/// showed (a stale page is refused). Form fields are refused with field errors, the file's
/// problems are listed by line and column; either way nothing changes.
#[server(prefix = "/api", endpoint = "import_holidays", input = leptos::server_fn::codec::Json)]
pub async fn import_holidays(
    form: YearForm,
    csv: String,
    seen: i32,
) -> Result<CalendarImport, AppError> {
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::domain::holiday_import::{read_year, validate_form, HOLIDAY_IMPORT_MAX_BYTES};
    use crate::store::accounts::Updated;
    let (me, st) = ssr::allowed(Permission::ManageSettings).await?;
    validate_form(&form)
        .into_result()
        .map_err(|e| fail(AppError::Validation(e)))?;
    if csv.len() > HOLIDAY_IMPORT_MAX_BYTES {
        let key = "calendar.err.file_too_large".into();
        return Err(fail(AppError::Refused { key }));
    }
    let current = crate::store::calendar::current(&st.db).await?;
    let year = match read_year(&form, &csv, &current) {
        Ok(y) => y,
        Err(errors) => {
            let version = None;
            return Ok(CalendarImport { version, errors });
        }
    };
    let now = st.clock.now();
    let by = me.by();
    match crate::store::calendar::import_year(&st.db, &by, &year, seen, &form.reason, now).await? {
        Updated::Yes => Ok(CalendarImport {
            version: Some(seen + 1),
            errors: Vec::new(),
        }),
        Updated::Stale => Err(fail(AppError::Stale)),
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::server::{allowed, can};
}
