//! 统计看板: the county's and the prefecture's dashboards. Every figure is a [`Table`]: the page
//! shows it as a chart (SVG, drawn on the server) with the table as its text equivalent, and the
//! CSV export writes the same table, so the three can never disagree.

use super::AppError;
use crate::domain::stats::Period;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The dashboard's filters as the URL carries them (`?from=&to=&county=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub from: String,
    pub to: String,
    pub county: String,
}

impl DashboardQuery {
    /// The query string of these filters (for links and the CSV export).
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("county", &self.county),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", urlencoding(v.trim())));
            }
        }
        parts.join("&")
    }
}

/// Percent-encodes a query value (dates and ids need little, but never trust that).
pub fn urlencoding(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One cell of a dashboard table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// Text as it is (a name, a number of a case).
    Text(String),
    /// A translation key.
    Key(String),
    Num(i64),
    /// Working days; `None` when nothing was measured.
    Days(Option<f64>),
    Percent(f64),
    /// A link to a page (a case, an expert), with its text.
    Link {
        href: String,
        text: String,
    },
    /// A status in words with a colour (tag tone).
    Status {
        key: String,
        tone: String,
    },
}

impl Cell {
    /// The cell as text in `locale` (the table and the CSV).
    pub fn text(&self, locale: &str) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Key(k) | Cell::Status { key: k, .. } => crate::i18n::text(locale, k),
            Cell::Num(n) => n.to_string(),
            Cell::Days(Some(d)) => crate::domain::stats::days_text(*d),
            Cell::Days(None) => "—".into(),
            Cell::Percent(p) => format!("{p:.1}%"),
            Cell::Link { text, .. } => text.clone(),
        }
    }

    /// The value a chart draws.
    pub fn value(&self) -> f64 {
        match self {
            Cell::Num(n) => *n as f64,
            Cell::Days(Some(d)) => *d,
            Cell::Percent(p) => *p,
            _ => 0.0,
        }
    }

    pub fn numeric(&self) -> bool {
        matches!(self, Cell::Num(_) | Cell::Days(_) | Cell::Percent(_))
    }
}

/// Which columns a bar chart draws: the label column and one column a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub label: usize,
    pub series: Vec<usize>,
}

/// One figure of the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Stable id: the anchor, the test id and the CSV file's name.
    pub id: String,
    /// Translation keys of the title and of an explanation under it.
    pub title: String,
    pub note: Option<String>,
    /// Translation keys of the column headings.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub chart: Option<Chart>,
}

impl Table {
    /// The table as CSV for Excel: UTF-8 with a byte-order mark, CRLF, every field quoted as
    /// needed, and a leading apostrophe on text that a spreadsheet would run as a formula.
    pub fn csv(&self, locale: &str) -> String {
        let mut out = String::from("\u{feff}");
        let head: Vec<String> = self
            .columns
            .iter()
            .map(|k| crate::i18n::text(locale, k))
            .collect();
        push_record(&mut out, &head, &[]);
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| c.text(locale)).collect();
            let numeric: Vec<bool> = row.iter().map(Cell::numeric).collect();
            push_record(&mut out, &cells, &numeric);
        }
        out
    }
}

pub(crate) fn push_record(out: &mut String, fields: &[String], numeric: &[bool]) {
    let line: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut f = f.clone();
            let formula = f.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if formula && !numeric.get(i).copied().unwrap_or(false) {
                f.insert(0, '\'');
            }
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f
            }
        })
        .collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// A dashboard: its scope, the filters in force and the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The prefecture's view (every county side by side).
    pub prefecture: bool,
    /// The county shown; `None` for the whole prefecture.
    pub scope_name: Option<String>,
    pub period: Period,
    /// The county filter in force (a prefecture user's choice; a county user's own county).
    pub county: Option<i64>,
    /// Counties the prefecture may filter by.
    pub counties: Vec<(i64, String)>,
    /// "2026-11-29": the day the open work was measured on.
    pub today: String,
    pub tables: Vec<Table>,
}

impl Dashboard {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// The dashboard of the signed-in bureau user.
#[server(prefix = "/api", endpoint = "dashboard", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_dashboard(
    #[server(default)] query: DashboardQuery,
) -> Result<Dashboard, AppError> {
    use super::server::{fail, require, state};
    let me = require().await?;
    let st = state().map_err(fail)?;
    ssr::build(&st.db, &me.actor, &query, st.clock.now())
        .await
        .map_err(fail)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::api::server::db;
    use crate::domain::access::{authorize, Permission};
    use crate::domain::case::{CaseLevel, CaseState};
    use crate::domain::china_time::china_date;
    use crate::domain::deadline::{Clock, HolidayCalendar};
    use crate::domain::error::FieldErrors;
    use crate::domain::item::ItemDomain;
    use crate::domain::role::Actor;
    use crate::domain::role::Scope;
    use crate::domain::stats::{
        due_soon_until, median_from_histogram, parse_period, percent, MIN_DOMAIN_EXPERTS,
        POOL_TERM_WARNING_DAYS,
    };
    use crate::domain::terms::Category;
    use crate::store::dashboard::{self as dash, Filter};
    use crate::store::reference;
    use chrono::{DateTime, Duration, Utc};
    use sea_orm::DatabaseConnection;
    use std::collections::{BTreeMap, HashMap};

    /// An expert as the pool's health counts: status, term end, kind, subjects (JSON).
    type PoolRow = (String, chrono::NaiveDate, String, String);

    /// Stages whose time the medians measure, in the order of the work.
    pub const MEDIAN_STATES: [CaseState; 8] = [
        CaseState::Submitted,
        CaseState::Accepted,
        CaseState::PanelDrawn,
        CaseState::UnderReview,
        CaseState::AwaitingInfo,
        CaseState::OpinionDrafted,
        CaseState::OpinionSealed,
        CaseState::RereviewRequested,
    ];

    /// Clocks that are the bureaus' work (the institution's re-review window is not).
    pub const WORK_CLOCKS: [Clock; 6] = [
        Clock::Intake,
        Clock::Draw,
        Clock::PanelReview,
        Clock::Sealing,
        Clock::ForwardingDecision,
        Clock::PrefectureDetermination,
    ];

    /// Overdue cases listed with links (the table says when there are more).
    pub const OVERDUE_LIST: u64 = 50;
    /// Experts in the workload chart.
    pub const WORKLOAD_TOP: u64 = 15;

    fn key(k: &str) -> Cell {
        Cell::Key(k.to_string())
    }

    fn cols(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    /// Who may see which counties: a county user their own; a prefecture user any (or one).
    fn scope(
        actor: &Actor,
        q: &DashboardQuery,
        counties: &[(i64, String)],
    ) -> Result<(bool, Option<i64>), AppError> {
        authorize(actor, &Permission::ViewDashboard, None).map_err(crate::api::denied)?;
        let wanted = q.county.trim();
        match actor.scope {
            Scope::County(c) => {
                if !wanted.is_empty() && wanted != c.0.to_string() {
                    return Err(AppError::NotFound);
                }
                Ok((false, Some(c.0)))
            }
            Scope::Prefecture => {
                if wanted.is_empty() {
                    return Ok((true, None));
                }
                match wanted.parse::<i64>() {
                    Ok(id) if counties.iter().any(|(c, _)| *c == id) => Ok((true, Some(id))),
                    _ => {
                        let mut e = FieldErrors::new();
                        e.add("county", "err.dashboard.county");
                        Err(AppError::Validation(e))
                    }
                }
            }
            _ => Err(AppError::Forbidden),
        }
    }

    pub async fn build(
        dbc: &DatabaseConnection,
        actor: &Actor,
        q: &DashboardQuery,
        now: DateTime<Utc>,
    ) -> Result<Dashboard, AppError> {
        let mut counties: Vec<(i64, String)> = reference::counties(dbc)
            .await
            .map_err(db)?
            .into_iter()
            .map(|c| (c.id, c.name_zh))
            .collect();
        counties.sort();
        let (prefecture, county) = scope(actor, q, &counties)?;
        let today = china_date(now);
        let period = parse_period(&q.from, &q.to, today).map_err(AppError::Validation)?;
        let f = Filter { county, period };
        let names: HashMap<i64, String> = counties.iter().cloned().collect();
        let cal = &crate::store::calendar::current(dbc).await.map_err(db)?;
        let limits = crate::store::settings::time_limits(dbc).await.map_err(db)?;
        let soon = due_soon_until(today, limits.due_soon_working_days, cal);

        let median_codes: Vec<&str> = MEDIAN_STATES.iter().map(|s| s.code()).collect();
        // The figures are independent reads: run side by side on the pool's connections.
        let prefecture_only = async {
            if !prefecture {
                return Ok(None);
            }
            let (esc, rr, pool, barred) = tokio::try_join!(
                dash::escalations(dbc, &f),
                dash::rereview_outcomes(dbc, &f),
                dash::pool(dbc),
                crate::store::credit::barred_experts(dbc, None),
            )?;
            Ok::<_, sea_orm::DbErr>(Some((esc, rr, pool, barred.len() as i64)))
        };
        let (states, work, overdue, spans, verdicts, load, extra) = tokio::try_join!(
            dash::state_counts(dbc, &f),
            dash::open_work(dbc, county, today, soon),
            dash::overdue_cases(dbc, county, today, OVERDUE_LIST + 1),
            dash::span_histogram(dbc, &f, &median_codes),
            dash::verdicts(dbc, &f),
            dash::workload(dbc, &f, WORKLOAD_TOP),
            prefecture_only,
        )
        .map_err(db)?;

        let mut tables = vec![
            states_table(&states),
            work_table(&work, prefecture),
            overdue_table(&overdue, &names, today),
            medians_table(&spans),
            verdicts_table(&verdicts),
            workload_table(&load),
        ];
        if let Some((esc, rr, pool, barred)) = extra {
            let shown: Vec<(i64, String)> = counties
                .iter()
                .filter(|(id, _)| county.is_none_or(|c| c == *id))
                .cloned()
                .collect();
            tables.push(counties_table(
                &shown, &states, &work, &verdicts, &esc, today,
            ));
            tables.push(rereview_table(&shown, &rr));
            tables.push(pool_table(&pool, barred, today));
            tables.push(domains_table(&pool, today));
        }
        let scope_name = county.and_then(|c| names.get(&c).cloned());
        Ok(Dashboard {
            prefecture,
            scope_name,
            period,
            county: if prefecture { county } else { None },
            counties: if prefecture { counties } else { vec![] },
            today: today.format("%Y-%m-%d").to_string(),
            tables,
        })
    }

    fn is_open(state: &str) -> bool {
        CaseState::from_code(state).is_some_and(|s| s.is_active() && !s.is_determined())
    }

    fn states_table(states: &[(i64, String, i64)]) -> Table {
        let mut by: BTreeMap<usize, i64> = BTreeMap::new();
        for (_, st, n) in states {
            if let Some(pos) = CaseState::ALL.iter().position(|s| s.code() == st) {
                *by.entry(pos).or_default() += n;
            }
        }
        let total: i64 = by.values().sum();
        let mut rows: Vec<Vec<Cell>> = by
            .into_iter()
            .map(|(pos, n)| {
                vec![
                    key(CaseState::ALL[pos].label_key()),
                    Cell::Num(n),
                    Cell::Percent(percent(n, total)),
                ]
            })
            .collect();
        rows.push(vec![
            key("dash.total"),
            Cell::Num(total),
            Cell::Percent(100.0),
        ]);
        Table {
            id: "states".into(),
            title: "dash.states.title".into(),
            note: Some("dash.states.note".into()),
            columns: cols(&["dash.col.state", "dash.col.cases", "dash.col.share"]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![1],
            }),
        }
    }

    fn work_table(work: &[(i64, String, i64, i64, i64)], prefecture: bool) -> Table {
        let rows = WORK_CLOCKS
            .iter()
            .filter(|c| prefecture || **c != Clock::PrefectureDetermination)
            .map(|clock| {
                let (mut overdue, mut soon, mut open) = (0, 0, 0);
                for (_, _, o, s, n) in work.iter().filter(|w| w.1 == clock.code()) {
                    overdue += o;
                    soon += s;
                    open += n;
                }
                vec![
                    key(clock.label_key()),
                    Cell::Num(open),
                    Cell::Num(soon),
                    Cell::Num(overdue),
                ]
            })
            .collect();
        Table {
            id: "work".into(),
            title: "dash.work.title".into(),
            note: Some("dash.work.note".into()),
            columns: cols(&[
                "dash.col.stage",
                "dash.col.open",
                "dash.col.due_soon",
                "dash.col.overdue",
            ]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![2, 3],
            }),
        }
    }

    fn overdue_table(
        list: &[crate::store::cases::Case],
        names: &HashMap<i64, String>,
        today: chrono::NaiveDate,
    ) -> Table {
        let more = list.len() as u64 > OVERDUE_LIST;
        let rows = list
            .iter()
            .take(OVERDUE_LIST as usize)
            .map(|c| {
                let due = c.due_on.unwrap_or(today);
                vec![
                    Cell::Link {
                        href: format!("/cases/{}", c.id),
                        text: c.number.clone().unwrap_or_else(|| format!("#{}", c.id)),
                    },
                    Cell::Text(c.item_name.clone()),
                    Cell::Text(names.get(&c.county_id).cloned().unwrap_or_default()),
                    c.clock
                        .as_deref()
                        .and_then(Clock::from_code)
                        .map_or(Cell::Text(String::new()), |k| key(k.label_key())),
                    Cell::Text(due.format("%Y-%m-%d").to_string()),
                    Cell::Num(
                        crate::domain::deadline::working_days_between(
                            due,
                            today,
                            HolidayCalendar::embedded(),
                        )
                        .max(1),
                    ),
                ]
            })
            .collect();
        Table {
            id: "overdue".into(),
            title: "dash.overdue.title".into(),
            note: Some(
                if more {
                    "dash.overdue.more"
                } else {
                    "dash.overdue.note"
                }
                .into(),
            ),
            columns: cols(&[
                "dash.col.case",
                "dash.col.item",
                "dash.col.county",
                "dash.col.stage",
                "dash.col.due_on",
                "dash.col.days_over",
            ]),
            rows,
            chart: None,
        }
    }

    /// Medians per state over the county-level spans (prefecture re-review cases are their own
    /// stage, measured in the re-review table).
    fn medians_table(spans: &[(String, i64, i64)]) -> Table {
        let rows = MEDIAN_STATES
            .iter()
            .map(|st| {
                let hist: Vec<(i64, i64)> = spans
                    .iter()
                    .filter(|s| s.0 == st.code())
                    .map(|s| (s.1, s.2))
                    .collect();
                let n: i64 = hist.iter().map(|h| h.1).sum();
                vec![
                    key(st.label_key()),
                    Cell::Days(median_from_histogram(&hist)),
                    Cell::Num(n),
                ]
            })
            .collect();
        Table {
            id: "medians".into(),
            title: "dash.medians.title".into(),
            note: Some("dash.medians.note".into()),
            columns: cols(&["dash.col.stage", "dash.col.median", "dash.col.cases"]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![1],
            }),
        }
    }

    fn split(verdicts: &[(i64, String, String, i64)], county: Option<i64>) -> (i64, i64) {
        let mut s = (0, 0);
        for (c, level, cat, n) in verdicts {
            if level != CaseLevel::County.code() || county.is_some_and(|x| x != *c) {
                continue;
            }
            match Category::from_code(cat) {
                Some(Category::Subject) => s.0 += n,
                Some(Category::NonSubject) => s.1 += n,
                None => {}
            }
        }
        s
    }

    fn verdicts_table(verdicts: &[(i64, String, String, i64)]) -> Table {
        let (sub, non) = split(verdicts, None);
        let total = sub + non;
        Table {
            id: "verdicts".into(),
            title: "dash.verdicts.title".into(),
            note: Some("dash.verdicts.note".into()),
            columns: cols(&["dash.col.category", "dash.col.cases", "dash.col.share"]),
            rows: vec![
                vec![
                    key(Category::Subject.label_key()),
                    Cell::Num(sub),
                    Cell::Percent(percent(sub, total)),
                ],
                vec![
                    key(Category::NonSubject.label_key()),
                    Cell::Num(non),
                    Cell::Percent(percent(non, total)),
                ],
            ],
            chart: Some(Chart {
                label: 0,
                series: vec![1],
            }),
        }
    }

    fn workload_table(load: &[(i64, String, i64)]) -> Table {
        Table {
            id: "workload".into(),
            title: "dash.workload.title".into(),
            note: Some("dash.workload.note".into()),
            columns: cols(&["dash.col.expert", "dash.col.seats"]),
            rows: load
                .iter()
                .map(|(id, name, n)| {
                    vec![
                        Cell::Link {
                            href: format!("/experts/{id}"),
                            text: name.clone(),
                        },
                        Cell::Num(*n),
                    ]
                })
                .collect(),
            chart: Some(Chart {
                label: 0,
                series: vec![1],
            }),
        }
    }

    fn counties_table(
        counties: &[(i64, String)],
        states: &[(i64, String, i64)],
        work: &[(i64, String, i64, i64, i64)],
        verdicts: &[(i64, String, String, i64)],
        esc: &[(i64, i64)],
        _today: chrono::NaiveDate,
    ) -> Table {
        let rows = counties
            .iter()
            .map(|(id, name)| {
                let submitted: i64 = states.iter().filter(|s| s.0 == *id).map(|s| s.2).sum();
                let open: i64 = states
                    .iter()
                    .filter(|s| s.0 == *id && is_open(&s.1))
                    .map(|s| s.2)
                    .sum();
                let (sub, non) = split(verdicts, Some(*id));
                let overdue: i64 = work.iter().filter(|w| w.0 == *id).map(|w| w.2).sum();
                let escalated: i64 = esc.iter().filter(|e| e.0 == *id).map(|e| e.1).sum();
                vec![
                    Cell::Text(name.clone()),
                    Cell::Num(submitted),
                    Cell::Num(open),
                    Cell::Num(sub),
                    Cell::Num(non),
                    Cell::Percent(percent(sub, sub + non)),
                    Cell::Num(overdue),
                    Cell::Num(escalated),
                ]
            })
            .collect();
        Table {
            id: "counties".into(),
            title: "dash.counties.title".into(),
            note: Some("dash.counties.note".into()),
            columns: cols(&[
                "dash.col.county",
                "dash.col.submitted",
                "dash.col.in_progress",
                "category.subject",
                "category.non_subject",
                "dash.col.subject_share",
                "dash.col.overdue",
                "dash.col.escalated",
            ]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![3, 4],
            }),
        }
    }

    fn rereview_table(counties: &[(i64, String)], rr: &[dash::RereviewOutcome]) -> Table {
        let rows = counties
            .iter()
            .map(|(id, name)| {
                let mine: Vec<&dash::RereviewOutcome> =
                    rr.iter().filter(|r| r.county_id == *id).collect();
                let refused = mine
                    .iter()
                    .filter(|r| r.decision.as_deref() == Some("refused"))
                    .count() as i64;
                let forwarded = mine
                    .iter()
                    .filter(|r| r.decision.as_deref() == Some("forwarded"))
                    .count() as i64;
                let decided: Vec<_> = mine.iter().filter(|r| r.prefecture.is_some()).collect();
                let changed = decided
                    .iter()
                    .filter(|r| r.prefecture != r.original)
                    .count() as i64;
                let d = decided.len() as i64;
                vec![
                    Cell::Text(name.clone()),
                    Cell::Num(mine.len() as i64),
                    Cell::Num(refused),
                    Cell::Num(forwarded),
                    Cell::Num(d),
                    Cell::Num(changed),
                    Cell::Num(d - changed),
                    Cell::Percent(percent(changed, d)),
                ]
            })
            .collect();
        Table {
            id: "rereview".into(),
            title: "dash.rereview.title".into(),
            note: Some("dash.rereview.note".into()),
            columns: cols(&[
                "dash.col.county",
                "dash.col.requested",
                "dash.col.refused",
                "dash.col.forwarded",
                "dash.col.prefecture_determined",
                "dash.col.changed",
                "dash.col.upheld",
                "dash.col.change_rate",
            ]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![5, 6],
            }),
        }
    }

    fn pool_table(pool: &[PoolRow], barred: i64, today: chrono::NaiveDate) -> Table {
        let warn = today + Duration::days(POOL_TERM_WARNING_DAYS);
        let count = |f: &dyn Fn(&PoolRow) -> bool| pool.iter().filter(|e| f(e)).count() as i64;
        let active = |e: &PoolRow| e.0 == "active";
        let rows = vec![
            vec![
                key("dash.pool.active"),
                Cell::Num(count(&|e| active(e) && e.1 >= today)),
            ],
            vec![
                key("dash.pool.ending"),
                Cell::Num(count(&|e| active(e) && e.1 >= today && e.1 <= warn)),
            ],
            vec![
                key("dash.pool.expired"),
                Cell::Num(count(&|e| active(e) && e.1 < today)),
            ],
            vec![
                key("dash.pool.suspended"),
                Cell::Num(count(&|e| e.0 == "suspended")),
            ],
            vec![
                key("dash.pool.removed"),
                Cell::Num(count(&|e| e.0 == "removed")),
            ],
            // Experts with a credit record: never drawn again, whatever their status.
            vec![key("dash.pool.barred"), Cell::Num(barred)],
        ];
        Table {
            id: "pool".into(),
            title: "dash.pool.title".into(),
            note: Some("dash.pool.note".into()),
            columns: cols(&["dash.col.measure", "dash.col.experts"]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![1],
            }),
        }
    }

    /// Active experts in term per domain (subject and teaching experts) and the legal experts;
    /// fewer than [`MIN_DOMAIN_EXPERTS`] is too few for the draw to choose among.
    fn domains_table(pool: &[PoolRow], today: chrono::NaiveDate) -> Table {
        let usable: Vec<_> = pool
            .iter()
            .filter(|e| e.0 == "active" && e.1 >= today)
            .collect();
        let status = |n: i64| {
            if n < MIN_DOMAIN_EXPERTS {
                Cell::Status {
                    key: "dash.domains.too_few".into(),
                    tone: "red".into(),
                }
            } else {
                Cell::Status {
                    key: "dash.domains.enough".into(),
                    tone: "green".into(),
                }
            }
        };
        let mut rows: Vec<Vec<Cell>> = ItemDomain::ALL
            .iter()
            .map(|d| {
                let n = usable
                    .iter()
                    .filter(|e| {
                        e.2 == "subject" && crate::store::experts::parse_domains(&e.3).contains(d)
                    })
                    .count() as i64;
                vec![key(d.label_key()), Cell::Num(n), status(n)]
            })
            .collect();
        let legal = usable.iter().filter(|e| e.2 == "legal").count() as i64;
        rows.push(vec![
            key("dash.domains.legal"),
            Cell::Num(legal),
            status(legal),
        ]);
        Table {
            id: "domains".into(),
            title: "dash.domains.title".into(),
            note: Some("dash.domains.note".into()),
            columns: cols(&["dash.col.domain", "dash.col.experts", "dash.col.status"]),
            rows,
            chart: Some(Chart {
                label: 0,
                series: vec![1],
            }),
        }
    }
}
