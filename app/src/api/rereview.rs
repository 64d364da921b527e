//! 复审 on the case page: the application (复审申请书) and its evidence, the county's decision,
//! the link between a county case and the prefecture case opened from it, and both rounds'
//! opinions side by side.

use super::AppError;
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::rereview::RereviewApplication;
use crate::domain::terms::Category;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A case linked to the one shown (its parent or its prefecture child).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedCase {
    pub id: i64,
    pub number: Option<String>,
    pub level: CaseLevel,
    pub state: CaseState,
    pub category: Option<Category>,
    pub determined_on: Option<NaiveDate>,
}

/// One dimension's finding, as a round's opinion states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundFinding {
    pub name: String,
    /// Members who found it S, N, U.
    pub counts: [u32; 3],
    pub text: String,
}

/// One round's sealed opinion (first round at the county, re-review at the prefecture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundOpinion {
    pub case_id: i64,
    pub number: Option<String>,
    pub level: CaseLevel,
    pub bureau_name: String,
    /// The panel's conclusion (`None`: undetermined).
    pub conclusion: Option<Category>,
    /// The bureau's determination, once made.
    pub category: Option<Category>,
    pub determined_on: Option<NaiveDate>,
    pub verify_code: Option<String>,
    pub reasons: String,
    pub findings: Vec<RoundFinding>,
    pub members: usize,
    pub dissents: usize,
    /// The viewer may download this round's PDF.
    pub pdf: bool,
}

/// The application as filed, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RereviewView {
    pub grounds: String,
    pub request: String,
    pub undertaking: bool,
    /// China Standard Time
    pub filed_at: String,
    pub filed_by: String,
    /// "forwarded" | "refused"
    pub decision: Option<String>,
    pub decision_text: String,
    pub decided_at: Option<String>,
    pub decided_by: String,
    /// The prefecture case opened by forwarding; its opening is the prefecture's receipt.
    pub child: Option<LinkedCase>,
    pub received_at: Option<String>,
}

/// Everything about re-review the case page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RereviewInfo {
    /// The case is a prefecture case.
    pub prefecture: bool,
    /// The last day to apply (county cases once determined).
    pub window_end: Option<NaiveDate>,
    /// The viewer may file an application now.
    pub can_apply: bool,
    /// The viewer may upload new evidence now (the window is open, no application yet).
    pub can_upload_evidence: bool,
    pub application: Option<RereviewView>,
    pub parent: Option<LinkedCase>,
    pub child: Option<LinkedCase>,
    /// The sealed opinions of the first round and of the prefecture, in that order.
    pub rounds: Vec<RoundOpinion>,
}

/// A re-review application on a case at a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RereviewInput {
    pub id: i64,
    pub version: i32,
    pub application: RereviewApplication,
}

#[cfg(feature = "ssr")]
pub(crate) use ssr::{info as ssr_info, window_open};

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::Me;
    use crate::domain::access::{authorize, Permission};
    use crate::domain::case::CaseFacts;
    use crate::domain::china_time::china_date;
    use crate::domain::lifecycle::ActionKind;
    use crate::store::cases::{self, Case};
    use crate::store::{opinions, reference, rereview, signing};
    use chrono::{DateTime, Utc};
    use sea_orm::DatabaseConnection;

    /// New evidence and the application are accepted until the window's last day (China time).
    pub fn window_open(facts: &CaseFacts, now: DateTime<Utc>) -> Result<(), AppError> {
        if facts.rereview_window_open(china_date(now)) {
            return Ok(());
        }
        match facts.rereview_window_end {
            Some(end) => Err(AppError::RefusedWith {
                key: "err.rereview.closed_on".into(),
                args: vec![("date".into(), end.format("%Y-%m-%d").to_string())],
            }),
            None => Err(AppError::Refused {
                key: "err.guard.rereview_window_closed".into(),
            }),
        }
    }

    fn linked(c: &Case) -> Result<LinkedCase, AppError> {
        Ok(LinkedCase {
            id: c.id,
            number: c.number.clone(),
            level: c.case_level()?,
            state: c.case_state()?,
            category: c
                .category
                .as_deref()
                .map(crate::store::decode)
                .transpose()?,
            determined_on: c.determined_on,
        })
    }

    async fn round(
        dbc: &DatabaseConnection,
        c: &Case,
        pdf: bool,
    ) -> Result<Option<RoundOpinion>, AppError> {
        let Some(op) = opinions::current(dbc, c.id).await? else {
            return Ok(None);
        };
        if op.verify_code.is_none() {
            return Ok(None);
        }
        let content = opinions::content_of(&op)?;
        let level = c.case_level()?;
        Ok(Some(RoundOpinion {
            case_id: c.id,
            number: c.number.clone(),
            level,
            bureau_name: match level {
                CaseLevel::Prefecture => signing::PREFECTURE_BUREAU.to_string(),
                CaseLevel::County => format!("{}教育局", content.county),
            },
            conclusion: content.conclusion.category(),
            category: c.category()?,
            determined_on: c.determined_on,
            verify_code: op.verify_code.clone(),
            reasons: content.reasons.clone(),
            findings: content
                .findings
                .iter()
                .map(|f| RoundFinding {
                    name: f.name.clone(),
                    counts: f.counts,
                    text: f.text.clone(),
                })
                .collect(),
            members: content.members.len(),
            dissents: content.members.iter().filter(|m| m.dissents).count(),
            pdf,
        }))
    }

    /// What the case page shows about re-review, for this viewer.
    pub async fn info(
        dbc: &DatabaseConnection,
        me: &Me,
        case: &Case,
        facts: &CaseFacts,
        actions: &[ActionKind],
        now: DateTime<Utc>,
    ) -> Result<RereviewInfo, AppError> {
        let file = authorize(&me.actor, &Permission::ViewCaseFile, Some(facts)).is_ok();
        if !file {
            return Ok(RereviewInfo::default());
        }
        let parent = match case.parent_id {
            Some(p) => cases::get(dbc, p).await?,
            None => None,
        };
        let child = rereview::child_of(dbc, case.id).await?;
        let app_case = parent.as_ref().unwrap_or(case);
        let application = match rereview::application(dbc, app_case.id).await? {
            Some(a) => {
                let ids: Vec<i64> = std::iter::once(a.filed_by).chain(a.decided_by).collect();
                let names = reference::display_names(dbc, ids).await?;
                let kid = match a.child_case_id {
                    Some(k) => cases::get(dbc, k).await?,
                    None => None,
                };
                Some(RereviewView {
                    grounds: a.grounds.clone(),
                    request: a.request.clone(),
                    undertaking: a.undertaking,
                    filed_at: crate::domain::china_time::china_minute(a.filed_at),
                    filed_by: names.get(&a.filed_by).cloned().unwrap_or_default(),
                    decision: a.decision.clone(),
                    decision_text: a.decision_text.clone(),
                    decided_at: a.decided_at.map(crate::domain::china_time::china_minute),
                    decided_by: a
                        .decided_by
                        .and_then(|d| names.get(&d).cloned())
                        .unwrap_or_default(),
                    received_at: kid
                        .as_ref()
                        .map(|k| crate::domain::china_time::china_minute(k.created_at)),
                    child: kid.as_ref().map(linked).transpose()?,
                })
            }
            None => None,
        };
        // Both rounds, each for whoever may read that round's opinion; the first round's is
        // also part of the prefecture case's file.
        let mut rounds = Vec::new();
        let first = parent.as_ref().unwrap_or(case);
        let first_facts = crate::store::facts::of_case(dbc, first).await?;
        let first_pdf = authorize(&me.actor, &Permission::ViewOpinion, Some(&first_facts)).is_ok();
        if first_pdf || parent.is_some() {
            if let Some(r) = round(dbc, first, first_pdf).await? {
                rounds.push(r);
            }
        }
        let second = if parent.is_some() {
            Some(case.clone())
        } else {
            child.clone()
        };
        if let Some(s) = second {
            let sf = crate::store::facts::of_case(dbc, &s).await?;
            let ok = authorize(&me.actor, &Permission::ViewOpinion, Some(&sf)).is_ok();
            if ok {
                if let Some(r) = round(dbc, &s, ok).await? {
                    rounds.push(r);
                }
            }
        }
        // The table offers the action; the window (a guard on the clock) decides.
        let can_apply = actions.contains(&ActionKind::RequestRereview)
            && facts.level == CaseLevel::County
            && window_open(facts, now).is_ok();
        Ok(RereviewInfo {
            prefecture: facts.level == CaseLevel::Prefecture,
            window_end: facts.rereview_window_end,
            can_apply,
            can_upload_evidence: can_apply
                && authorize(&me.actor, &Permission::UploadRereviewEvidence, Some(facts)).is_ok(),
            application,
            parent: parent.as_ref().map(linked).transpose()?,
            child: child.as_ref().map(linked).transpose()?,
            rounds,
        })
    }
}

/// 申请复审: the institution files the re-review application (复审申请书) within the window.
/// After the window it is refused with the date the window closed.
#[server(prefix = "/api", endpoint = "request_rereview", input = Json)]
pub async fn request_rereview(input: RereviewInput) -> Result<super::Saved, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::domain::rereview::validate_application;
    use crate::store::accounts::Updated;
    use crate::store::{rereview, tx};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, input.id).await?;
    if me.actor.institution() != Some(facts.institution) {
        return Err(fail(AppError::Forbidden));
    }
    if case.version != input.version {
        return Err(fail(AppError::Stale));
    }
    if facts.state == CaseState::Determined && facts.level == CaseLevel::County {
        ssr::window_open(&facts, now).map_err(fail)?;
    }
    let errs = validate_application(&input.application);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let action = Action::RequestRereview {
        grounds: input.application.grounds.trim().to_string(),
    };
    let t = apply(&facts, &action, &Initiator::User(me.actor), now)
        .map_err(|e| fail(super::transition_refused(e)))?;
    let txn = tx::begin_write(&st.db, now).await?;
    let details = serde_json::json!({ "action": action, "request": input.application.request });
    if crate::store::transition::record(
        &txn,
        Some(&me.actor),
        &case,
        input.version,
        &t,
        details,
        now,
    )
    .await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    rereview::file(&txn, case.id, &input.application, me.user.id, now).await?;
    txn.commit().await?;
    Ok(super::Saved {
        id: case.id,
        version: input.version + 1,
        state: t.to,
    })
}
