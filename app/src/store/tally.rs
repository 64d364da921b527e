//! 统计汇总: counts kept in step with the records, inside the same transaction, so that the
//! dashboards read a few thousand rows instead of every case, span and seat of the period.
//!
//! - `span_tally`: the stage spans per county (or `ALL_COUNTIES`), state, China date of leaving
//!   and working days (the medians).
//! - `case_tally`: county-level cases per China date of submission and current state
//!   (`SUBMITTED`), and determinations per date, level and category (`DETERMINED`).
//! - `seat_tally`: accepted seats per county (or `ALL_COUNTIES`), China month of the invitation
//!   and expert (the workload; the days of a period that do not fill a month are read from the
//!   seats themselves).
//!
//! Each tally can be counted afresh from the records ([`rebuild_all`]): the migrations that
//! add them, the large demo data and the tests (which compare the kept tally with a fresh one).

use super::batches;
use super::entities::jd_case;
use crate::domain::case::{CaseLevel, SeatStatus};
use crate::domain::china_time::china_date;
use crate::domain::stats::month_start;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect, Value};
use std::collections::HashMap;

fn a(s: &str) -> Alias {
    Alias::new(s)
}

/// The `county_id` of the tally rows that count the whole prefecture.
pub const ALL_COUNTIES: i64 = 0;

/// `case_tally.figure`: county-level cases by date of submission and current state.
pub const SUBMITTED: &str = "submitted";
/// `case_tally.figure`: determinations by date, level and category.
pub const DETERMINED: &str = "determined";

/// A tally's table, its key columns and how a row's values are written.
struct Tally {
    table: &'static str,
    key: &'static [&'static str],
}

const SPANS: Tally = Tally {
    table: "span_tally",
    key: &["county_id", "state", "left_on", "working_days"],
};
const CASES: Tally = Tally {
    table: "case_tally",
    key: &["figure", "day", "county_id", "level", "code"],
};
const SEATS: Tally = Tally {
    table: "seat_tally",
    key: &["county_id", "month", "expert_id"],
};

impl Tally {
    /// Adds `n` to the rows of `keys` (inserted when new), in batches.
    async fn add<C: ConnectionTrait>(
        &self,
        c: &C,
        rows: Vec<(Vec<Value>, i64)>,
    ) -> Result<(), DbErr> {
        let mut cols: Vec<Alias> = self.key.iter().map(|k| a(k)).collect();
        cols.push(a("n"));
        for batch in batches(rows, 400) {
            let mut q = Query::insert();
            q.into_table(a(self.table)).columns(cols.clone());
            for (key, n) in batch {
                let mut vals: Vec<SimpleExpr> =
                    key.into_iter().map(Expr::val).map(Into::into).collect();
                vals.push(n.into());
                q.values_panic(vals);
            }
            q.on_conflict(
                OnConflict::columns(self.key.iter().map(|k| a(k)))
                    .value(
                        a("n"),
                        Expr::col((a(self.table), a("n"))).add(Expr::col((a("excluded"), a("n")))),
                    )
                    .to_owned(),
            );
            c.execute(c.get_database_backend().build(&q)).await?;
        }
        Ok(())
    }

    async fn clear<C: ConnectionTrait>(&self, c: &C) -> Result<(), DbErr> {
        let b = c.get_database_backend();
        c.execute(b.build(Query::delete().from_table(a(self.table))))
            .await?;
        Ok(())
    }

    /// Replaces the table's rows by `counts`.
    async fn replace<C: ConnectionTrait, K: Into<Vec<Value>>>(
        &self,
        c: &C,
        counts: HashMap<K, i64>,
    ) -> Result<(), DbErr> {
        self.clear(c).await?;
        self.add(c, counts.into_iter().map(|(k, n)| (k.into(), n)).collect())
            .await
    }
}

// ---------------------------------------------------------------------------------------------
// Stage spans
// ---------------------------------------------------------------------------------------------

/// Adds one span of a county-level case to the tally (its county's and the prefecture's).
pub async fn count_span<C: ConnectionTrait>(
    c: &C,
    county: i64,
    state: &str,
    left_on: NaiveDate,
    working_days: i32,
) -> Result<(), DbErr> {
    let row = |county: i64| -> (Vec<Value>, i64) {
        (
            vec![
                county.into(),
                state.into(),
                left_on.into(),
                working_days.into(),
            ],
            1,
        )
    };
    SPANS.add(c, vec![row(county), row(ALL_COUNTIES)]).await
}

/// Counts the span tally afresh from the county-level spans.
pub async fn rebuild_spans<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    use super::entities::state_span;
    use sea_orm::{ColumnTrait, QueryFilter};
    let spans: Vec<(i64, String, NaiveDate, i32)> = state_span::Entity::find()
        .select_only()
        .columns([
            state_span::Column::CountyId,
            state_span::Column::State,
            state_span::Column::LeftOn,
            state_span::Column::WorkingDays,
        ])
        .filter(state_span::Column::Level.eq(CaseLevel::County.code()))
        .into_tuple()
        .all(c)
        .await?;
    let mut counts: HashMap<SpanKey, i64> = HashMap::new();
    for (county, state, left_on, days) in spans {
        for cid in [county, ALL_COUNTIES] {
            *counts
                .entry(SpanKey(cid, state.clone(), left_on, days))
                .or_default() += 1;
        }
    }
    SPANS.replace(c, counts).await
}

#[derive(Hash, PartialEq, Eq)]
struct SpanKey(i64, String, NaiveDate, i32);

impl From<SpanKey> for Vec<Value> {
    fn from(k: SpanKey) -> Self {
        vec![k.0.into(), k.1.into(), k.2.into(), k.3.into()]
    }
}

// ---------------------------------------------------------------------------------------------
// Cases: submissions by current state, determinations by category
// ---------------------------------------------------------------------------------------------

/// The facts of a case the case tally counts it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts<'a> {
    pub county_id: i64,
    pub level: &'a str,
    pub state: &'a str,
    pub submitted_at: Option<DateTime<Utc>>,
    pub category: Option<&'a str>,
    pub determined_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
struct CaseKey(&'static str, NaiveDate, i64, String, String);

impl From<CaseKey> for Vec<Value> {
    fn from(k: CaseKey) -> Self {
        vec![k.0.into(), k.1.into(), k.2.into(), k.3.into(), k.4.into()]
    }
}

impl CaseFacts<'_> {
    fn keys(&self) -> Vec<CaseKey> {
        let mut out = Vec::new();
        if let (Some(at), true) = (self.submitted_at, self.level == CaseLevel::County.code()) {
            out.push(CaseKey(
                SUBMITTED,
                china_date(at),
                self.county_id,
                self.level.to_string(),
                self.state.to_string(),
            ));
        }
        if let (Some(cat), Some(day)) = (self.category, self.determined_on) {
            out.push(CaseKey(
                DETERMINED,
                day,
                self.county_id,
                self.level.to_string(),
                cat.to_string(),
            ));
        }
        out
    }

    pub fn of(m: &jd_case::Model) -> CaseFacts<'_> {
        CaseFacts {
            county_id: m.county_id,
            level: &m.level,
            state: &m.state,
            submitted_at: m.submitted_at,
            category: m.category.as_deref(),
            determined_on: m.determined_on,
        }
    }
}

/// A case changed from `before` to `after` (in the caller's transaction): the rows it left lose
/// one, the rows it entered gain one.
pub async fn case_changed<C: ConnectionTrait>(
    c: &C,
    before: &CaseFacts<'_>,
    after: &CaseFacts<'_>,
) -> Result<(), DbErr> {
    let (old, new) = (before.keys(), after.keys());
    let mut rows: Vec<(Vec<Value>, i64)> = Vec::new();
    for k in old.iter().filter(|k| !new.contains(k)) {
        rows.push((k.clone().into(), -1));
    }
    for k in new.iter().filter(|k| !old.contains(k)) {
        rows.push((k.clone().into(), 1));
    }
    CASES.add(c, rows).await
}

/// Counts the case tally afresh from the cases.
pub async fn rebuild_cases<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    type Row = (
        i64,
        String,
        String,
        Option<DateTime<Utc>>,
        Option<String>,
        Option<NaiveDate>,
    );
    let cases: Vec<Row> = jd_case::Entity::find()
        .select_only()
        .columns([
            jd_case::Column::CountyId,
            jd_case::Column::Level,
            jd_case::Column::State,
            jd_case::Column::SubmittedAt,
            jd_case::Column::Category,
            jd_case::Column::DeterminedOn,
        ])
        .into_tuple()
        .all(c)
        .await?;
    let mut counts: HashMap<CaseKey, i64> = HashMap::new();
    for (county_id, level, state, submitted_at, category, determined_on) in &cases {
        let facts = CaseFacts {
            county_id: *county_id,
            level,
            state,
            submitted_at: *submitted_at,
            category: category.as_deref(),
            determined_on: *determined_on,
        };
        for k in facts.keys() {
            *counts.entry(k).or_default() += 1;
        }
    }
    CASES.replace(c, counts).await
}

// ---------------------------------------------------------------------------------------------
// Seats: accepted seats by month and expert
// ---------------------------------------------------------------------------------------------

/// The first day of the China month of `t`.
pub fn china_month(t: DateTime<Utc>) -> NaiveDate {
    month_start(china_date(t))
}

#[derive(Hash, PartialEq, Eq)]
struct SeatKey(i64, NaiveDate, i64);

impl From<SeatKey> for Vec<Value> {
    fn from(k: SeatKey) -> Self {
        vec![k.0.into(), k.1.into(), k.2.into()]
    }
}

/// A seat of a case in `county`, invited at `invited_at`, became accepted (`n` = 1) or stopped
/// being accepted (`n` = -1).
pub async fn count_seat<C: ConnectionTrait>(
    c: &C,
    county: i64,
    invited_at: DateTime<Utc>,
    expert_id: i64,
    n: i64,
) -> Result<(), DbErr> {
    let month = china_month(invited_at);
    let rows = [county, ALL_COUNTIES]
        .into_iter()
        .map(|cid| (SeatKey(cid, month, expert_id).into(), n))
        .collect();
    SEATS.add(c, rows).await
}

/// Counts the seat tally afresh from the accepted seats.
pub async fn rebuild_seats<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    let mut q = Query::select();
    q.expr(Expr::col((a("jd_case"), a("county_id"))))
        .expr(Expr::col((a("seat"), a("invited_at"))))
        .expr(Expr::col((a("seat"), a("expert_id"))))
        .from(a("seat"))
        .inner_join(
            a("jd_case"),
            Expr::col((a("jd_case"), a("id"))).equals((a("seat"), a("case_id"))),
        )
        .and_where(Expr::col((a("seat"), a("status"))).eq(SeatStatus::Accepted.code()));
    let mut counts: HashMap<SeatKey, i64> = HashMap::new();
    for r in c.query_all(c.get_database_backend().build(&q)).await? {
        let county: i64 = r.try_get_by_index(0)?;
        let at: DateTime<Utc> = r.try_get_by_index(1)?;
        let expert: i64 = r.try_get_by_index(2)?;
        for cid in [county, ALL_COUNTIES] {
            *counts
                .entry(SeatKey(cid, china_month(at), expert))
                .or_default() += 1;
        }
    }
    SEATS.replace(c, counts).await
}

/// Counts every tally afresh.
pub async fn rebuild_all<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    rebuild_spans(c).await?;
    rebuild_cases(c).await?;
    rebuild_seats(c).await
}

/// Every tally's rows with a non-zero count, as text, in key order (for comparing a kept tally
/// with one counted afresh).
pub async fn snapshot<C: ConnectionTrait>(c: &C) -> Result<Vec<String>, DbErr> {
    let mut out = Vec::new();
    for t in [&SPANS, &CASES, &SEATS] {
        let mut q = Query::select();
        for k in t.key {
            q.expr(Expr::cust(format!("CAST({k} AS TEXT)")));
        }
        q.expr(Expr::cust("CAST(n AS TEXT)"))
            .from(a(t.table))
            .and_where(Expr::col(a("n")).ne(0));
        for k in t.key {
            q.order_by(a(k), sea_orm::Order::Asc);
        }
        for r in c.query_all(c.get_database_backend().build(&q)).await? {
            let cols: Vec<String> = (0..=t.key.len())
                .map(|i| r.try_get_by_index::<String>(i))
                .collect::<Result<_, _>>()?;
            out.push(format!("{} {}", t.table, cols.join(" ")));
        }
    }
    Ok(out)
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Rows of the fresh count.
    pub rows: usize,
    /// Rows present in one of the kept and fresh tallies but not the other.
    pub differing: usize,
}

/// Counts every tally afresh under the write lock (no transition can interleave) and compares
/// it with the kept one; keeps the fresh count only when `repair` is set.
pub async fn check(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    repair: bool,
) -> Result<Check, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let kept = snapshot(&txn).await?;
    rebuild_all(&txn).await?;
    let fresh = snapshot(&txn).await?;
    let (k, f): (std::collections::HashSet<_>, std::collections::HashSet<_>) =
        (kept.iter().collect(), fresh.iter().collect());
    let differing = k.symmetric_difference(&f).count();
    if repair && differing > 0 {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    Ok(Check {
        rows: fresh.len(),
        differing,
    })
}
