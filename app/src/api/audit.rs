//! 审计日志: the audit trail made readable. Directors, observers (read-only) and the
//! administrator search it by time, actor, case, action and result, a page at a time, and
//! export what they found as CSV; a county's director or observer reads its county's part.
//! Those who may check the chain (`Permission::VerifyAuditChain`) see `verify-audit`'s answer.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Events a page.
pub const PAGE_SIZE: u64 = 50;
/// The most events one CSV export carries.
pub const MAX_EXPORT: u64 = 10_000;

/// The search as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// China dates, both ends included.
    pub from: String,
    pub to: String,
    /// An account's user name.
    pub actor: String,
    /// A case number (CJ-2026-0001).
    pub case: String,
    /// The start of an action code ("auth.", "case.accept").
    pub action: String,
    /// "" (all), "ok" or "failed".
    pub result: String,
    pub page: String,
}

/// One event as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    /// China Standard Time to the second.
    pub at: String,
    /// The actor's user name and name, empty for the system.
    pub actor: String,
    pub actor_role: String,
    pub address: String,
    pub action: String,
    pub object: String,
    /// The case the event is about, when it is one (a link for those who may open it).
    pub case_id: Option<i64>,
    pub details: String,
    /// A refusal (failed or throttled sign-in, password re-entry).
    pub failed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: u64,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    /// The county whose part this is; `None`: the whole prefecture.
    pub county: Option<String>,
    /// Whether the reader may check the chain.
    pub can_verify: bool,
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainCheck {
    pub ok: bool,
    /// Events checked (when whole), or the first event that breaks it.
    pub count: u64,
    pub broken_at: Option<i64>,
    pub reason: String,
}

#[server(prefix = "/api", endpoint = "audit_log", input = leptos::server_fn::codec::GetUrl)]
pub async fn audit_log(#[server(default)] query: AuditQuery) -> Result<AuditPage, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewAuditLog, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let (filter, page) = ssr::filter(&st.db, &me.actor, &query).await.map_err(fail)?;
    let (rows, total) =
        crate::store::audit::search(&st.db, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let rows = ssr::rows(&st.db, rows).await?;
    let county = match filter.county {
        Some(c) => crate::store::reference::counties(&st.db)
            .await?
            .into_iter()
            .find(|k| k.id == c)
            .map(|k| k.name_zh),
        None => None,
    };
    Ok(AuditPage {
        rows,
        total,
        page,
        pages: total.div_ceil(PAGE_SIZE).max(1),
        county,
        can_verify: authorize(&me.actor, &Permission::VerifyAuditChain, None).is_ok(),
    })
}

/// Checks the whole chain (`jianding verify-audit` on the page).
#[server(prefix = "/api", endpoint = "verify_audit")]
pub async fn verify_audit() -> Result<ChainCheck, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::audit::{verify, Verdict};
    let me = require().await?;
    authorize(&me.actor, &Permission::VerifyAuditChain, None)
        .map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    Ok(match verify(&st.db).await? {
        Verdict::Ok { count } => ChainCheck {
            ok: true,
            count,
            broken_at: None,
            reason: String::new(),
        },
        Verdict::Broken { seq, reason } => ChainCheck {
            ok: false,
            count: 0,
            broken_at: Some(seq),
            reason,
        },
    })
}

impl AuditQuery {
    /// The query string of this search at `page` (empty parts left out).
    pub fn with_page(&self, page: u64) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("actor", &self.actor),
            ("case", &self.case),
            ("action", &self.action),
            ("result", &self.result),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!(
                    "{k}={}",
                    crate::api::dashboard::urlencoding(v.trim())
                ));
            }
        }
        parts.push(format!("page={page}"));
        parts.join("&")
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::access::audit_scope;
    use crate::domain::error::FieldErrors;
    use crate::domain::role::Actor;
    use crate::store::audit::Filter;
    use crate::store::entities::audit_event;
    use chrono::NaiveDate;
    use sea_orm::DatabaseConnection;

    /// The longest text of a search field.
    const MAX_TEXT: usize = 64;

    /// Reads the query; every problem is addressed to its field. The actor's scope is part of
    /// the filter whatever the query says.
    pub async fn filter(
        db: &DatabaseConnection,
        actor: &Actor,
        q: &AuditQuery,
    ) -> Result<(Filter, u64), AppError> {
        let mut e = FieldErrors::new();
        let (from, to) = crate::domain::stats::parse_open_period(&mut e, &q.from, &q.to);
        let page = crate::domain::formats::parse_page(&mut e, &q.page);
        for (field, v) in [
            ("actor", &q.actor),
            ("case", &q.case),
            ("action", &q.action),
        ] {
            if v.chars().count() > MAX_TEXT {
                e.add(field, "err.audit.too_long");
            }
        }
        let action = q.action.trim().to_string();
        if !action
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        {
            e.add("action", "err.audit.action");
        }
        let failed = match q.result.trim() {
            "" => None,
            "ok" => Some(false),
            "failed" => Some(true),
            _ => {
                e.add("result", "err.audit.result");
                None
            }
        };
        let mut actor_id = None;
        let name = q.actor.trim();
        if !name.is_empty() && name.chars().count() <= MAX_TEXT {
            match crate::store::accounts::by_username(db, name).await? {
                Some(a) => actor_id = Some(a.id),
                None => e.add("actor", "err.audit.no_actor"),
            }
        }
        let mut object = None;
        let number = q.case.trim();
        if !number.is_empty() && number.chars().count() <= MAX_TEXT {
            match crate::store::audit::case_object(db, number).await? {
                Some(o) => object = Some(o),
                None => e.add("case", "err.audit.no_case"),
            }
        }
        e.into_result().map_err(AppError::Validation)?;
        let start = |d: NaiveDate| Some(crate::domain::china_time::day_start(d));
        Ok((
            Filter {
                from: from.and_then(start),
                before: to.and_then(|d| d.succ_opt()).and_then(start),
                actor_id,
                object,
                action,
                failed,
                county: audit_scope(actor).map(|c| c.0),
            },
            page,
        ))
    }

    /// The events as rows, with their actors' names.
    pub async fn rows(
        db: &DatabaseConnection,
        events: Vec<audit_event::Model>,
    ) -> Result<Vec<AuditRow>, sea_orm::DbErr> {
        let ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
        let people = crate::store::audit::actor_names(db, ids).await?;
        Ok(events
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                at: crate::domain::china_time::china_second(e.at),
                actor: e
                    .actor_id
                    .and_then(|id| people.get(&id).cloned())
                    .unwrap_or_default(),
                failed: crate::store::audit::is_failure(&e.action),
                case_id: e
                    .object
                    .strip_prefix("case:")
                    .and_then(|id| id.parse().ok()),
                actor_role: e.actor_role,
                address: e.address,
                action: e.action,
                object: e.object,
                details: e.details,
            })
            .collect())
    }

    /// The rows as CSV (UTF-8 with BOM, for Excel; cells that look like formulas defused).
    pub fn csv(rows: &[AuditRow], locale: &str) -> String {
        let mut out = String::from("\u{feff}");
        let head: Vec<String> = [
            "audit.col.seq",
            "audit.col.at",
            "audit.col.actor",
            "audit.col.role",
            "audit.col.address",
            "audit.col.action",
            "audit.col.object",
            "audit.col.result",
            "audit.col.details",
        ]
        .iter()
        .map(|k| crate::i18n::text(locale, k))
        .collect();
        crate::api::dashboard::push_record(&mut out, &head, &[]);
        for r in rows {
            let result = crate::i18n::text(
                locale,
                if r.failed {
                    "audit.result.failed"
                } else {
                    "audit.result.ok"
                },
            );
            let cells = [
                r.seq.to_string(),
                r.at.clone(),
                r.actor.clone(),
                r.actor_role.clone(),
                r.address.clone(),
                r.action.clone(),
                r.object.clone(),
                result,
                r.details.clone(),
            ];
            crate::api::dashboard::push_record(&mut out, &cells, &[true]);
        }
        out
    }
}
