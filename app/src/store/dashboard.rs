//! 统计与结果公示: the counts behind the bureau dashboards and the results registry, aggregated
//! in SQL (grouped counts, never one query a case), and the stage spans the medians are made of.

use super::entities::{case_event, jd_case, state_span};
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::china_time::{china_date, day_start};
use crate::domain::deadline::{working_days_between, HolidayCalendar};
use crate::domain::stats::Period;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QueryResult, QuerySelect,
};
use std::collections::HashMap;

fn a(s: &str) -> Alias {
    Alias::new(s)
}

fn col(table: &str, c: &str) -> Expr {
    Expr::col((a(table), a(c)))
}

async fn rows<C: ConnectionTrait>(c: &C, q: &SelectStatement) -> Result<Vec<QueryResult>, DbErr> {
    c.query_all(c.get_database_backend().build(q)).await
}

fn i(r: &QueryResult, idx: usize) -> Result<i64, DbErr> {
    r.try_get_by_index::<i64>(idx)
}

fn s(r: &QueryResult, idx: usize) -> Result<String, DbErr> {
    r.try_get_by_index::<String>(idx)
}

/// Which cases a figure covers: one county or (None) the whole prefecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter {
    pub county: Option<i64>,
    pub period: Period,
}

impl Filter {
    fn county_cond(&self, table: &str, q: &mut SelectStatement) {
        if let Some(cid) = self.county {
            q.and_where(col(table, "county_id").eq(cid));
        }
    }
}

/// Records that `case` left `state` now: how long it stayed, in working days.
pub async fn record_span<C: ConnectionTrait>(
    c: &C,
    case: &jd_case::Model,
    state: CaseState,
    now: DateTime<Utc>,
    cal: &HolidayCalendar,
) -> Result<(), DbErr> {
    // Entered by a real move into the state; else (a case opened in it) its first entry.
    let moved_in = case_event::Entity::find()
        .select_only()
        .column(case_event::Column::At)
        .filter(case_event::Column::CaseId.eq(case.id))
        .filter(case_event::Column::ToState.eq(state.code()))
        .filter(Expr::col(case_event::Column::FromState).ne(Expr::col(case_event::Column::ToState)))
        .order_by_desc(case_event::Column::Id)
        .into_tuple::<DateTime<Utc>>()
        .one(c)
        .await?;
    let entered = match moved_in {
        Some(t) => t,
        None => case_event::Entity::find()
            .select_only()
            .column(case_event::Column::At)
            .filter(case_event::Column::CaseId.eq(case.id))
            .filter(case_event::Column::ToState.eq(state.code()))
            .order_by_asc(case_event::Column::Id)
            .into_tuple::<DateTime<Utc>>()
            .one(c)
            .await?
            .unwrap_or(case.created_at),
    };
    if case.level == CaseLevel::County.code() {
        let days = working_days(entered, now, cal);
        super::tally::count_span(c, case.county_id, state.code(), china_date(now), days).await?;
    }
    let row = span(
        case.id,
        case.county_id,
        &case.level,
        state.code(),
        entered,
        now,
        cal,
    );
    insert_spans(c, vec![row]).await
}

pub use super::tally::ALL_COUNTIES;

fn span(
    case_id: i64,
    county_id: i64,
    level: &str,
    state: &str,
    entered: DateTime<Utc>,
    left: DateTime<Utc>,
    cal: &HolidayCalendar,
) -> state_span::ActiveModel {
    state_span::ActiveModel {
        case_id: Set(case_id),
        county_id: Set(county_id),
        level: Set(level.to_string()),
        state: Set(state.to_string()),
        entered_at: Set(entered),
        left_at: Set(left),
        left_on: Set(china_date(left)),
        working_days: Set(working_days(entered, left, cal)),
        ..Default::default()
    }
}

/// Working days between entering and leaving a state, by the holiday calendar.
fn working_days(entered: DateTime<Utc>, left: DateTime<Utc>, cal: &HolidayCalendar) -> i32 {
    let days = working_days_between(china_date(entered), china_date(left), cal).max(0);
    i32::try_from(days).unwrap_or(i32::MAX)
}

/// Writes spans in batches (the large demo data writes many).
pub async fn insert_spans<C: ConnectionTrait>(
    c: &C,
    spans: Vec<state_span::ActiveModel>,
) -> Result<(), DbErr> {
    for chunk in super::batches(spans, 500) {
        state_span::Entity::insert_many(chunk)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// The spans of a case's history (its timeline entries in order), for history recorded before
/// spans were kept and for generated data.
pub fn spans_of(
    case_id: i64,
    county_id: i64,
    level: &str,
    events: &[(DateTime<Utc>, String, String)],
    cal: &HolidayCalendar,
) -> Vec<state_span::ActiveModel> {
    let mut out = Vec::new();
    let mut current: Option<(String, DateTime<Utc>)> = None;
    for (at, from, to) in events {
        if from != to {
            if let Some((st, entered)) = &current {
                if st == from {
                    out.push(span(case_id, county_id, level, from, *entered, *at, cal));
                }
            }
            current = Some((to.clone(), *at));
        } else if current.is_none() {
            current = Some((to.clone(), *at));
        }
    }
    out
}

/// Migration 000007: the item names and the spans of the history recorded so far.
pub async fn backfill<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    let cases: Vec<(i64, String, i64, String)> = jd_case::Entity::find()
        .select_only()
        .columns([
            jd_case::Column::Id,
            jd_case::Column::Item,
            jd_case::Column::CountyId,
            jd_case::Column::Level,
        ])
        .into_tuple()
        .all(c)
        .await?;
    let mut place = HashMap::new();
    for (id, item, county, level) in cases {
        let name = serde_json::from_str::<serde_json::Value>(&item)
            .ok()
            .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string))
            .unwrap_or_default();
        if !name.is_empty() {
            jd_case::Entity::update_many()
                .col_expr(jd_case::Column::ItemName, Expr::value(name.trim()))
                .filter(jd_case::Column::Id.eq(id))
                .exec(c)
                .await?;
        }
        place.insert(id, (county, level));
    }
    let events: Vec<(i64, DateTime<Utc>, String, String)> = case_event::Entity::find()
        .select_only()
        .columns([
            case_event::Column::CaseId,
            case_event::Column::At,
            case_event::Column::FromState,
            case_event::Column::ToState,
        ])
        .order_by_asc(case_event::Column::CaseId)
        .order_by_asc(case_event::Column::Id)
        .into_tuple()
        .all(c)
        .await?;
    let mut spans = Vec::new();
    for chunk in events.chunk_by(|x, y| x.0 == y.0) {
        let Some((county, level)) = place.get(&chunk[0].0) else {
            continue;
        };
        let history: Vec<_> = chunk
            .iter()
            .map(|(_, at, f, t)| (*at, f.clone(), t.clone()))
            .collect();
        // Run by the migration that made the table, before any calendar was imported.
        let cal = HolidayCalendar::embedded();
        spans.extend(spans_of(chunk[0].0, *county, level, &history, cal));
    }
    insert_spans(c, spans).await
}

/// Sums a case tally figure over the period (by date), grouped by `group` columns.
async fn case_figure<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
    figure: &str,
    group: &[&str],
) -> Result<Vec<QueryResult>, DbErr> {
    let mut q = Query::select();
    for g in group {
        q.column(a(g)).group_by_col(a(g));
    }
    // SUM of a bigint is a numeric on PostgreSQL: cast back.
    q.expr(Expr::cust("CAST(SUM(n) AS BIGINT)"))
        .from(a("case_tally"))
        .and_where(Expr::col(a("figure")).eq(figure))
        .and_where(Expr::col(a("day")).gte(f.period.from))
        .and_where(Expr::col(a("day")).lte(f.period.to))
        .and_having(Expr::cust("SUM(n) <> 0"));
    f.county_cond("case_tally", &mut q);
    rows(c, &q).await
}

/// Cases submitted in the period, by county and current state (county level). Read from the
/// case tally (`store::tally`): a year of the prefecture is some 5,000 rows instead of 45,000
/// cases.
pub async fn state_counts<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
) -> Result<Vec<(i64, String, i64)>, DbErr> {
    case_figure(c, f, super::tally::SUBMITTED, &["county_id", "code"])
        .await?
        .iter()
        .map(|r| Ok((i(r, 0)?, s(r, 1)?, i(r, 2)?)))
        .collect()
}

/// Open work with a running clock, by county (and level) and clock: overdue, due soon
/// (due on or before `soon_until`), all.
pub async fn open_work<C: ConnectionTrait>(
    c: &C,
    county: Option<i64>,
    today: NaiveDate,
    soon_until: NaiveDate,
) -> Result<Vec<(i64, String, i64, i64, i64)>, DbErr> {
    let when = |cond: SimpleExpr| -> SimpleExpr {
        Func::sum(Into::<SimpleExpr>::into(Expr::case(cond, 1).finally(0))).into()
    };
    let mut q = Query::select();
    q.column(a("county_id"))
        .column(a("clock"))
        .expr(when(Expr::col(a("due_on")).lt(today)))
        .expr(when(
            Expr::col(a("due_on"))
                .gte(today)
                .and(Expr::col(a("due_on")).lte(soon_until)),
        ))
        .expr(Expr::cust("COUNT(*)"))
        .from(a("jd_case"))
        .and_where(Expr::col(a("clock")).is_not_null())
        .and_where(Expr::col(a("due_on")).is_not_null())
        // Grouped in the order of the covering index (clock, due_on, county_id): SQLite reads
        // the index alone (2 ms instead of 100 ms on 100,000 cases).
        .group_by_col(a("clock"))
        .group_by_col(a("county_id"));
    if let Some(cid) = county {
        q.and_where(Expr::col(a("county_id")).eq(cid));
    }
    rows(c, &q)
        .await?
        .iter()
        .map(|r| Ok((i(r, 0)?, s(r, 1)?, i(r, 2)?, i(r, 3)?, i(r, 4)?)))
        .collect()
}

/// Overdue cases, most overdue first (at most `limit`).
pub async fn overdue_cases<C: ConnectionTrait>(
    c: &C,
    county: Option<i64>,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<jd_case::Model>, DbErr> {
    let mut q = jd_case::Entity::find()
        .filter(jd_case::Column::Clock.is_not_null())
        .filter(jd_case::Column::DueOn.lt(today));
    if let Some(cid) = county {
        q = q.filter(jd_case::Column::CountyId.eq(cid));
    }
    q.order_by_asc(jd_case::Column::DueOn)
        .order_by_asc(jd_case::Column::Id)
        .limit(limit)
        .all(c)
        .await
}

/// Working days spent per state, as histograms: (state, days, cases) of the county-level spans
/// of `states` that ended in the period. Read from the per-day tally (`span_tally`): a year of
/// the whole prefecture is a few thousand rows instead of some 180,000 spans (measured on
/// 100,000 cases: 112 ms from the spans, see the closing note of issue 9 for the tally).
pub async fn span_histogram<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
    states: &[&str],
) -> Result<Vec<(String, i64, i64)>, DbErr> {
    let mut q = Query::select();
    q.column(a("state"))
        .column(a("working_days"))
        // SUM of a bigint is a numeric on PostgreSQL: cast back.
        .expr(Expr::cust("CAST(SUM(n) AS BIGINT)"))
        .from(a("span_tally"))
        .and_where(Expr::col(a("county_id")).eq(f.county.unwrap_or(ALL_COUNTIES)))
        .and_where(Expr::col(a("state")).is_in(states.iter().copied()))
        .and_where(Expr::col(a("left_on")).gte(f.period.from))
        .and_where(Expr::col(a("left_on")).lte(f.period.to))
        .group_by_col(a("state"))
        .group_by_col(a("working_days"));
    rows(c, &q)
        .await?
        .iter()
        .map(|r| Ok((s(r, 0)?, i64::from(r.try_get_by_index::<i32>(1)?), i(r, 2)?)))
        .collect()
}

/// Determinations in the period by county, level and category (from the case tally).
pub async fn verdicts<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
) -> Result<Vec<(i64, String, String, i64)>, DbErr> {
    case_figure(
        c,
        f,
        super::tally::DETERMINED,
        &["county_id", "level", "code"],
    )
    .await?
    .iter()
    .map(|r| Ok((i(r, 0)?, s(r, 1)?, s(r, 2)?, i(r, 3)?)))
    .collect()
}

/// Seats taken (accepted) in the period, by expert, busiest first: (expert, name, seats).
/// Whole months are read from the seat tally (`store::tally`); the days before the first and
/// after the last whole month from the seats themselves.
pub async fn workload<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
    limit: u64,
) -> Result<Vec<(i64, String, i64)>, DbErr> {
    use super::entities::expert;
    let mut counts: HashMap<i64, i64> = HashMap::new();
    let mut raw_days = Vec::new();
    match f.period.whole_months() {
        Some((first, end)) => {
            let mut q = Query::select();
            q.column(a("expert_id"))
                .expr(Expr::cust("CAST(SUM(n) AS BIGINT)"))
                .from(a("seat_tally"))
                .and_where(Expr::col(a("county_id")).eq(f.county.unwrap_or(ALL_COUNTIES)))
                .and_where(Expr::col(a("month")).gte(first))
                .and_where(Expr::col(a("month")).lt(end))
                .group_by_col(a("expert_id"));
            for r in rows(c, &q).await? {
                *counts.entry(i(&r, 0)?).or_default() += i(&r, 1)?;
            }
            raw_days.push((f.period.from, first));
            raw_days.push((end, f.period.end_exclusive()));
        }
        None => raw_days.push((f.period.from, f.period.end_exclusive())),
    }
    for (from, until) in raw_days.into_iter().filter(|(x, y)| x < y) {
        let mut q = Query::select();
        q.expr(col("seat", "expert_id"))
            .expr(Func::count(col("seat", "id")))
            .from(a("seat"))
            .and_where(col("seat", "status").eq("accepted"))
            .and_where(col("seat", "invited_at").gte(day_start(from)))
            .and_where(col("seat", "invited_at").lt(day_start(until)))
            .group_by_col((a("seat"), a("expert_id")));
        if f.county.is_some() {
            q.inner_join(
                a("jd_case"),
                col("jd_case", "id").equals((a("seat"), a("case_id"))),
            );
            f.county_cond("jd_case", &mut q);
        }
        for r in rows(c, &q).await? {
            *counts.entry(i(&r, 0)?).or_default() += i(&r, 1)?;
        }
    }
    let mut counts: Vec<(i64, i64)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    counts.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    counts.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let names: HashMap<i64, String> = expert::Entity::find()
        .select_only()
        .columns([expert::Column::Id, expert::Column::Name])
        .filter(expert::Column::Id.is_in(counts.iter().map(|x| x.0)))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    Ok(counts
        .into_iter()
        .map(|(id, n)| (id, names.get(&id).cloned().unwrap_or_default(), n))
        .collect())
}

/// Cases escalated (提请州级裁决) in the period, by county.
pub async fn escalations<C: ConnectionTrait>(c: &C, f: &Filter) -> Result<Vec<(i64, i64)>, DbErr> {
    let mut q = Query::select();
    q.expr(col("jd_case", "county_id"))
        .expr(Func::count(col("case_event", "id")))
        .from(a("case_event"))
        .inner_join(
            a("jd_case"),
            col("jd_case", "id").equals((a("case_event"), a("case_id"))),
        )
        .and_where(col("case_event", "to_state").eq(CaseState::Escalated.code()))
        .and_where(col("case_event", "from_state").ne(CaseState::Escalated.code()))
        .and_where(col("case_event", "at").gte(day_start(f.period.from)))
        .and_where(col("case_event", "at").lt(day_start(f.period.end_exclusive())))
        .group_by_col((a("jd_case"), a("county_id")));
    f.county_cond("jd_case", &mut q);
    rows(c, &q)
        .await?
        .iter()
        .map(|r| Ok((i(r, 0)?, i(r, 1)?)))
        .collect()
}

/// One re-review application filed in the period: its county, the county's decision, the
/// original category and the prefecture's (when determined).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RereviewOutcome {
    pub county_id: i64,
    pub decision: Option<String>,
    pub original: Option<String>,
    pub prefecture: Option<String>,
}

pub async fn rereview_outcomes<C: ConnectionTrait>(
    c: &C,
    f: &Filter,
) -> Result<Vec<RereviewOutcome>, DbErr> {
    let mut q = Query::select();
    q.expr(col("p", "county_id"))
        .expr(col("r", "decision"))
        .expr(col("p", "category"))
        .expr(col("ch", "category"))
        .from_as(a("rereview_application"), a("r"))
        .join_as(
            JoinType::InnerJoin,
            a("jd_case"),
            a("p"),
            col("p", "id").equals((a("r"), a("case_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            a("jd_case"),
            a("ch"),
            col("ch", "id").equals((a("r"), a("child_case_id"))),
        )
        .and_where(col("r", "filed_at").gte(day_start(f.period.from)))
        .and_where(col("r", "filed_at").lt(day_start(f.period.end_exclusive())));
    if let Some(cid) = f.county {
        q.and_where(col("p", "county_id").eq(cid));
    }
    rows(c, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(RereviewOutcome {
                county_id: i(r, 0)?,
                decision: r.try_get_by_index::<Option<String>>(1)?,
                original: r.try_get_by_index::<Option<String>>(2)?,
                prefecture: r.try_get_by_index::<Option<String>>(3)?,
            })
        })
        .collect()
}

/// The pool as its health needs it: (status, term end, kind, subjects JSON) of every expert.
pub async fn pool<C: ConnectionTrait>(
    c: &C,
) -> Result<Vec<(String, NaiveDate, String, String)>, DbErr> {
    use super::entities::expert;
    expert::Entity::find()
        .select_only()
        .columns([
            expert::Column::Status,
            expert::Column::TermEnd,
            expert::Column::Kind,
            expert::Column::Subjects,
        ])
        .into_tuple()
        .all(c)
        .await
}

/// A search of the results registry (鉴定结果): every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryFilter {
    pub institution: String,
    pub uscc: String,
    pub item: String,
    pub category: Option<String>,
    pub county: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One determination in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryHit {
    pub case_id: i64,
    pub number: Option<String>,
    pub level: String,
    pub institution: String,
    pub uscc: String,
    pub county_id: i64,
    pub item: String,
    pub category: String,
    pub determined_on: NaiveDate,
    /// The case's state (whether it is under re-review).
    pub state: String,
    pub revoked: bool,
    pub preschool_prohibited: bool,
}

use super::db::contains;

/// The determinations a search matches, from the determination records: only those that stand
/// or were revoked (`determination::Standing::listed`) — not one replaced by the prefecture's
/// re-review determination, nor one of a case terminated afterwards. The institution's fields
/// are matched in a subquery (a join would make SQLite read every case to count them).
fn registry_query(f: &RegistryFilter) -> SelectStatement {
    let mut q = Query::select();
    q.from(a("determination"))
        .inner_join(
            a("jd_case"),
            col("jd_case", "id").equals((a("determination"), a("case_id"))),
        )
        .and_where(col("determination", "superseded_by").is_null())
        .and_where(col("jd_case", "state").ne(crate::domain::case::CaseState::Terminated.code()));
    let mut inst = Query::select();
    inst.column(a("id")).from(a("institution"));
    let mut by_institution = false;
    if !f.institution.trim().is_empty() {
        inst.and_where(col("institution", "name").like(contains(&f.institution)));
        by_institution = true;
    }
    if !f.uscc.trim().is_empty() {
        inst.and_where(col("institution", "uscc").eq(f.uscc.trim().to_uppercase()));
        by_institution = true;
    }
    if by_institution {
        q.and_where(col("determination", "institution_id").in_subquery(inst));
    }
    if !f.item.trim().is_empty() {
        q.and_where(col("jd_case", "item_name").like(contains(&f.item)));
    }
    if let Some(cat) = &f.category {
        q.and_where(col("determination", "category").eq(cat.as_str()));
    }
    if let Some(cid) = f.county {
        q.and_where(col("determination", "county_id").eq(cid));
    }
    if let Some(d) = f.from {
        q.and_where(col("determination", "determined_on").gte(d));
    }
    if let Some(d) = f.to {
        q.and_where(col("determination", "determined_on").lte(d));
    }
    q
}

/// One page of determinations, newest first, and how many match in all.
pub async fn registry<C: ConnectionTrait>(
    c: &C,
    f: &RegistryFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<RegistryHit>, i64), DbErr> {
    let mut count = registry_query(f);
    count.expr(Func::count(col("determination", "id")));
    let total = match rows(c, &count).await?.first() {
        Some(r) => i(r, 0)?,
        None => 0,
    };
    let mut q = registry_query(f);
    q.inner_join(
        a("institution"),
        col("institution", "id").equals((a("determination"), a("institution_id"))),
    );
    for (t, cname) in [
        ("jd_case", "id"),
        ("jd_case", "number"),
        ("determination", "level"),
        ("institution", "name"),
        ("institution", "uscc"),
        ("determination", "county_id"),
        ("jd_case", "item_name"),
        ("determination", "category"),
        ("determination", "determined_on"),
        ("jd_case", "state"),
    ] {
        q.expr(col(t, cname));
    }
    q.expr(col("determination", "revoked_at").is_not_null())
        .expr(col("determination", "preschool_prohibited"));
    q.order_by((a("determination"), a("determined_on")), Order::Desc)
        .order_by((a("determination"), a("id")), Order::Desc)
        .offset(offset)
        .limit(limit);
    let hits = rows(c, &q)
        .await?
        .iter()
        .map(|r| {
            Ok(RegistryHit {
                case_id: i(r, 0)?,
                number: r.try_get_by_index::<Option<String>>(1)?,
                level: s(r, 2)?,
                institution: s(r, 3)?,
                uscc: s(r, 4)?,
                county_id: i(r, 5)?,
                item: s(r, 6)?,
                category: s(r, 7)?,
                determined_on: r.try_get_by_index::<NaiveDate>(8)?,
                state: s(r, 9)?,
                revoked: r.try_get_by_index::<bool>(10)?,
                preschool_prohibited: r.try_get_by_index::<bool>(11)?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok((hits, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        DateTime::<Utc>::from_naive_utc_and_offset(
            NaiveDate::from_ymd_opt(2026, 3, day)
                .and_then(|d| d.and_hms_opt(hour, 0, 0))
                .expect("time"),
            Utc,
        )
    }

    #[test]
    fn spans_follow_the_history() {
        let e = |at, f: &str, to: &str| (at, f.to_string(), to.to_string());
        // Mon 2 March 2026: created, submitted, a note, accepted on Wed 4, drawn on Mon 9.
        let history = vec![
            e(t(2, 1), "draft", "draft"),
            e(t(2, 2), "draft", "submitted"),
            e(t(3, 2), "submitted", "submitted"),
            e(t(4, 2), "submitted", "accepted"),
            e(t(9, 2), "accepted", "panel_drawn"),
        ];
        let spans = spans_of(7, 3, "county", &history, HolidayCalendar::embedded());
        let got: Vec<(String, i32)> = spans
            .iter()
            .map(|s| (s.state.clone().unwrap(), s.working_days.clone().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("draft".to_string(), 0),
                ("submitted".to_string(), 2),
                ("accepted".to_string(), 3)
            ]
        );
        assert_eq!(
            day_start(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
            t(1, 16)
        );
    }
}
