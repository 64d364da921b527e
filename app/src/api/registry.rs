//! 鉴定结果: the registry of determinations. Bureau roles search it in full (with the
//! 统一社会信用代码 and the case's county); the public view shows only what may be public —
//! institution, item, category, date and case number — and no personal data.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows a page.
pub const PAGE_SIZE: u64 = 25;
/// Longest search text accepted.
pub const MAX_TEXT: usize = 100;

/// The search as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistryQuery {
    pub institution: String,
    pub uscc: String,
    pub item: String,
    pub category: String,
    pub county: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

/// One determination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryRow {
    pub case_id: i64,
    pub number: String,
    /// A re-review (复审) determination by the prefecture.
    pub prefecture: bool,
    pub institution: String,
    /// Bureau view only.
    pub uscc: Option<String>,
    pub county: String,
    pub item: String,
    pub category: crate::domain::terms::Category,
    pub determined_on: String,
    /// In force, under re-review (复审中), or revoked (已撤销): a replaced or voided
    /// determination is not listed.
    pub standing: crate::domain::determination::Standing,
    /// 学前 item found 学科类: a prohibited activity.
    pub preschool_prohibited: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryPage {
    pub rows: Vec<RegistryRow>,
    pub total: i64,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub counties: Vec<(i64, String)>,
    /// The full (bureau) view: links to the cases, the credit code.
    pub full: bool,
}

/// The bureau's registry search (bureau roles; a county user sees the whole prefecture's
/// determinations, as results are public anyway, but links only to cases they may open).
#[server(prefix = "/api", endpoint = "registry", input = leptos::server_fn::codec::GetUrl)]
pub async fn search_registry(
    #[server(default)] query: RegistryQuery,
) -> Result<RegistryPage, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, case_list_scope, Permission};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewRegistry, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let mut page = ssr::search(&st.db, &query, true).await.map_err(fail)?;
    // Links only to the cases this user may open: a county's own.
    if let Some(c) = case_list_scope(&me.actor) {
        let own = page
            .counties
            .iter()
            .find(|(id, _)| *id == c.0)
            .map(|(_, n)| n.clone());
        for r in &mut page.rows {
            if own.as_deref() != Some(r.county.as_str()) {
                r.case_id = 0;
            }
        }
    }
    Ok(page)
}

/// The public registry (no sign-in): public fields only.
#[server(prefix = "/api", endpoint = "public_registry", input = leptos::server_fn::codec::GetUrl)]
pub async fn search_public_registry(
    #[server(default)] query: RegistryQuery,
) -> Result<RegistryPage, AppError> {
    use super::server::{fail, state};
    let st = state().map_err(fail)?;
    let mut q = query;
    // The credit code is a search key for bureaus only.
    q.uscc.clear();
    ssr::search(&st.db, &q, false).await.map_err(fail)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::api::server::db;
    use crate::domain::error::FieldErrors;
    use crate::domain::terms::Category;
    use crate::store::dashboard::{self as dash, RegistryFilter};
    use sea_orm::DatabaseConnection;

    /// Reads the query; every problem is addressed to its field.
    pub fn filter(
        q: &RegistryQuery,
        counties: &[(i64, String)],
    ) -> Result<(RegistryFilter, u64), FieldErrors> {
        let mut e = FieldErrors::new();
        for (field, v) in [
            ("institution", &q.institution),
            ("uscc", &q.uscc),
            ("item", &q.item),
        ] {
            if v.chars().count() > MAX_TEXT {
                e.add(field, "err.registry.too_long");
            }
        }
        let uscc = q.uscc.trim();
        if !uscc.is_empty() && (uscc.chars().count() != 18 || !uscc.is_ascii()) {
            e.add("uscc", "err.uscc_length");
        }
        let category = match q.category.trim() {
            "" => None,
            c => match Category::from_code(c) {
                Some(c) => Some(c.code().to_string()),
                None => {
                    e.add("category", "err.registry.category");
                    None
                }
            },
        };
        let county = match q.county.trim() {
            "" => None,
            c => match c.parse::<i64>() {
                Ok(id) if counties.iter().any(|(x, _)| *x == id) => Some(id),
                _ => {
                    e.add("county", "err.dashboard.county");
                    None
                }
            },
        };
        let (from, to) = crate::domain::stats::parse_open_period(&mut e, &q.from, &q.to);
        let page = crate::domain::formats::parse_page(&mut e, &q.page);
        e.into_result()?;
        Ok((
            RegistryFilter {
                institution: q.institution.clone(),
                uscc: uscc.to_string(),
                item: q.item.clone(),
                category,
                county,
                from,
                to,
            },
            page,
        ))
    }

    pub async fn search(
        dbc: &DatabaseConnection,
        q: &RegistryQuery,
        full: bool,
    ) -> Result<RegistryPage, AppError> {
        let mut counties: Vec<(i64, String)> = crate::store::reference::counties(dbc)
            .await
            .map_err(db)?
            .into_iter()
            .map(|c| (c.id, c.name_zh))
            .collect();
        counties.sort();
        let (f, page) = filter(q, &counties).map_err(AppError::Validation)?;
        let (hits, total) = dash::registry(dbc, &f, (page - 1) * PAGE_SIZE, PAGE_SIZE)
            .await
            .map_err(db)?;
        let name = |id: i64| {
            counties
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let rows = hits
            .into_iter()
            .filter_map(|h| {
                Some(RegistryRow {
                    case_id: if full { h.case_id } else { 0 },
                    number: h.number.unwrap_or_default(),
                    prefecture: h.level == crate::domain::case::CaseLevel::Prefecture.code(),
                    institution: h.institution,
                    uscc: full.then_some(h.uscc),
                    county: name(h.county_id),
                    item: h.item,
                    category: Category::from_code(&h.category)?,
                    determined_on: h.determined_on.format("%Y-%m-%d").to_string(),
                    standing: crate::domain::determination::standing(
                        crate::domain::case::CaseState::from_code(&h.state)?,
                        h.revoked,
                        false,
                    ),
                    preschool_prohibited: h.preschool_prohibited,
                })
            })
            .collect();
        let pages = (total.max(0) as u64).div_ceil(PAGE_SIZE).max(1);
        Ok(RegistryPage {
            rows,
            total,
            page,
            pages,
            counties,
            full,
        })
    }
}
