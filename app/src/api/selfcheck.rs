//! 机构自查: the public self-check (no sign-in, nothing stored), an institution's saved
//! self-checks, and the one attached to an application (beside the materials, never a score).

use super::AppError;
use crate::domain::rubric::Rubric;
use crate::domain::selfcheck::{SelfCheck, SelfCheckOutcome};
use crate::domain::sheet::ExpertVerdict;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A saved self-check with its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfCheckView {
    pub id: i64,
    pub item_name: String,
    /// China Standard Time.
    pub created_at: String,
    pub check: SelfCheck,
    /// Recomputed from the answers under the rubric version they were given for.
    pub outcome: SelfCheckOutcome,
    /// The application it is attached to.
    pub case_id: Option<i64>,
}

/// One line of an institution's saved self-checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfCheckSummary {
    pub id: i64,
    pub item_name: String,
    pub verdict: ExpertVerdict,
    pub created_at: String,
    /// The application it is attached to, and that application's item name.
    pub case_id: Option<i64>,
    pub case_item: Option<String>,
}

/// What the self-check page needs beyond the rubric: whether this user may save, and what they
/// saved before (institution users; empty for everyone else).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfCheckPageData {
    pub signed_in: bool,
    pub can_save: bool,
    pub saved: Vec<SelfCheckSummary>,
}

/// The self-check part of the case page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSelfCheck {
    pub attached: Option<SelfCheckView>,
    /// The institution may attach one now (its own DRAFT or RETURNED application).
    pub can_attach: bool,
    /// Its saved self-checks to choose from (only when it may attach).
    pub choices: Vec<SelfCheckSummary>,
    /// The rubric version the attached self-check was answered under (the browser embeds none).
    pub rubric: Option<Rubric>,
}

/// A self-check to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfCheckToSave {
    pub item_name: String,
    pub check: SelfCheck,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{db, fail, internal, Me};
    use crate::domain::access::{authorize, Denied, Permission};
    use crate::domain::case::CaseFacts;
    use crate::domain::rubric::rubric;
    use crate::domain::selfcheck::outcome;
    use crate::store::selfchecks::SavedSelfCheck;
    use sea_orm::ConnectionTrait;

    pub fn view(s: SavedSelfCheck) -> Result<SelfCheckView, AppError> {
        let check: SelfCheck = serde_json::from_str(&s.answers)
            .map_err(|e| internal(format!("self_check {}: {e}", s.id)))?;
        let rub = u32::try_from(s.rubric_version)
            .ok()
            .and_then(rubric)
            .ok_or_else(|| internal(format!("self_check {}: unknown rubric", s.id)))?;
        Ok(SelfCheckView {
            id: s.id,
            item_name: s.item_name,
            created_at: crate::domain::china_time::china_minute(s.created_at),
            outcome: outcome(rub, &check),
            check,
            case_id: s.case_id,
        })
    }

    /// The lines of a list, with the item names of the applications they are attached to (one
    /// query for all).
    pub async fn summaries<C: ConnectionTrait>(
        c: &C,
        list: Vec<SavedSelfCheck>,
    ) -> Result<Vec<SelfCheckSummary>, AppError> {
        let ids: Vec<i64> = list.iter().filter_map(|s| s.case_id).collect();
        let items = crate::store::cases::item_names(c, ids).await.map_err(db)?;
        list.into_iter()
            .map(|s| {
                Ok(SelfCheckSummary {
                    id: s.id,
                    verdict: crate::store::decode(&s.verdict)?,
                    created_at: crate::domain::china_time::china_minute(s.created_at),
                    case_item: s.case_id.and_then(|c| items.get(&c).cloned()),
                    case_id: s.case_id,
                    item_name: s.item_name,
                })
            })
            .collect()
    }

    /// May this user attach a self-check to this case now? A role that may not is forbidden; the
    /// institution's own application in the wrong state is refused with the reason.
    pub fn may_attach(me: &Me, facts: &CaseFacts) -> Result<(), AppError> {
        match authorize(&me.actor, &Permission::AttachSelfCheck, Some(facts)) {
            Ok(()) => Ok(()),
            Err(Denied::Forbidden) if me.actor.institution() == Some(facts.institution) => {
                Err(fail(AppError::Refused {
                    key: "err.selfcheck.not_attachable".into(),
                }))
            }
            Err(d) => Err(fail(crate::api::denied(d))),
        }
    }
}

/// The self-check as the case page carries it: `None` when the viewer may not see it.
#[cfg(feature = "ssr")]
pub async fn case_self_check_for(
    dbc: &sea_orm::DatabaseConnection,
    me: &super::server::Me,
    facts: &crate::domain::case::CaseFacts,
) -> Result<Option<CaseSelfCheck>, AppError> {
    use super::server::db;
    use crate::domain::access::{authorize, Permission};
    use crate::store::selfchecks;
    if authorize(&me.actor, &Permission::ViewAttachedSelfCheck, Some(facts)).is_err() {
        return Ok(None);
    }
    let attached = match selfchecks::for_case(dbc, facts.id.0).await.map_err(db)? {
        Some(s) => Some(ssr::view(s)?),
        None => None,
    };
    let can_attach = authorize(&me.actor, &Permission::AttachSelfCheck, Some(facts)).is_ok();
    let choices = if can_attach {
        let list = selfchecks::for_institution(dbc, facts.institution.0)
            .await
            .map_err(db)?;
        ssr::summaries(dbc, list).await?
    } else {
        vec![]
    };
    let rubric = attached
        .as_ref()
        .and_then(|v| crate::domain::rubric::rubric(v.outcome.rubric_version))
        .cloned();
    Ok(Some(CaseSelfCheck {
        attached,
        can_attach,
        choices,
        rubric,
    }))
}

/// The public self-check: anyone, no sign-in. Evaluates the answers with the experts' rule
/// and answers the result; nothing is stored, nothing is logged but the request itself.
#[server(prefix = "/api", endpoint = "evaluate_self_check", input = Json)]
pub async fn evaluate_self_check(check: SelfCheck) -> Result<SelfCheckOutcome, AppError> {
    use super::server::fail;
    use crate::domain::rubric::current;
    use crate::domain::selfcheck::{outcome, validate_answers};
    let rub = current();
    validate_answers(rub, &check)
        .into_result()
        .map_err(|e| fail(AppError::Validation(e)))?;
    Ok(outcome(rub, &check))
}

/// The rubric version in force, which the self-check asks about (anyone; the browser embeds no
/// rubric).
#[server(prefix = "/api", endpoint = "self_check_rubric")]
pub async fn self_check_rubric() -> Result<Rubric, AppError> {
    Ok(crate::domain::rubric::current().clone())
}

/// The page's data: whether the visitor may save (a signed-in institution user) and what they
/// saved before. Never refuses: a visitor gets an empty list.
#[server(prefix = "/api", endpoint = "self_check_page")]
pub async fn self_check_page() -> Result<SelfCheckPageData, AppError> {
    use super::server::{current, fail, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::selfchecks;
    let Ok(Some(me)) = current(true).await else {
        return Ok(SelfCheckPageData {
            signed_in: false,
            can_save: false,
            saved: vec![],
        });
    };
    let inst = match me.actor.institution() {
        Some(i)
            if !me.user.must_change_password
                && authorize(&me.actor, &Permission::SaveSelfCheck(i), None).is_ok() =>
        {
            i
        }
        _ => {
            return Ok(SelfCheckPageData {
                signed_in: true,
                can_save: false,
                saved: vec![],
            })
        }
    };
    let st = state().map_err(fail)?;
    let list = selfchecks::for_institution(&st.db, inst.0).await?;
    Ok(SelfCheckPageData {
        signed_in: true,
        can_save: true,
        saved: ssr::summaries(&st.db, list).await.map_err(fail)?,
    })
}

/// Saves a self-check for the signed-in institution (institution users only; others 403).
/// Bad answers or item name: 422 with every field's problem, nothing stored.
#[server(prefix = "/api", endpoint = "save_self_check", input = Json)]
pub async fn save_self_check(input: SelfCheckToSave) -> Result<SelfCheckView, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::InstitutionId;
    use crate::domain::rubric::current;
    use crate::domain::selfcheck::{outcome, validate_for_save};
    use crate::store::{selfchecks, tx};
    let me = require().await?;
    let inst = me.actor.institution().unwrap_or(InstitutionId(0));
    authorize(&me.actor, &Permission::SaveSelfCheck(inst), None)
        .map_err(|d| fail(super::denied(d)))?;
    let rub = current();
    validate_for_save(rub, &input.check, &input.item_name)
        .into_result()
        .map_err(|e| fail(AppError::Validation(e)))?;
    let check = input.check.normalized();
    let result = outcome(rub, &check);
    let answers = serde_json::to_string(&check).map_err(|e| fail(super::server::internal(e)))?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let txn = tx::begin_write(&st.db, now).await?;
    let id = selfchecks::save(
        &txn,
        &me.actor,
        selfchecks::NewSelfCheck {
            institution_id: inst.0,
            item_name: &input.item_name,
            rubric_version: rub.version,
            answers: &answers,
            verdict: result.verdict.code(),
        },
        now,
    )
    .await?;
    let saved = selfchecks::get(&txn, id)
        .await?
        .ok_or_else(|| fail(super::server::internal("saved self-check not found")))?;
    txn.commit().await?;
    ssr::view(saved).map_err(fail)
}

/// The signed-in institution's saved self-checks, newest first (institution users only).
#[server(prefix = "/api", endpoint = "my_self_checks")]
pub async fn my_self_checks() -> Result<Vec<SelfCheckSummary>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::InstitutionId;
    let me = require().await?;
    let inst = me.actor.institution().unwrap_or(InstitutionId(0));
    authorize(&me.actor, &Permission::ViewSelfCheck(inst), None).map_err(|_| {
        // Another role has no self-checks to list: forbidden, not "not found".
        fail(AppError::Forbidden)
    })?;
    let st = state().map_err(fail)?;
    let list = crate::store::selfchecks::for_institution(&st.db, inst.0).await?;
    ssr::summaries(&st.db, list).await.map_err(fail)
}

/// One saved self-check with its result: its own institution only (anyone else: 404).
#[server(prefix = "/api", endpoint = "self_check")]
pub async fn get_self_check(id: i64) -> Result<SelfCheckView, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::InstitutionId;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let s = crate::store::selfchecks::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    authorize(
        &me.actor,
        &Permission::ViewSelfCheck(InstitutionId(s.institution_id)),
        None,
    )
    .map_err(|d| fail(super::denied(d)))?;
    ssr::view(s).map_err(fail)
}

/// Attaches one of the institution's saved self-checks to its application (DRAFT or RETURNED),
/// replacing the one attached before. Another institution's self-check or case: 404; a case
/// already submitted: 409 `err.selfcheck.not_attachable`; a self-check already attached to
/// another application: 409 `err.selfcheck.attached_elsewhere`.
#[server(prefix = "/api", endpoint = "attach_self_check")]
pub async fn attach_self_check(case_id: i64, self_check_id: i64) -> Result<(), AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::InstitutionId;
    use crate::store::{cases, selfchecks, tx};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (_, facts) = crate::api::server::visible_case(&me, case_id).await?;
    ssr::may_attach(&me, &facts)?;
    // Checked again inside the write lock below: the case may be submitted, the self-check
    // attached elsewhere, in the meantime.
    let txn = tx::begin_write(&st.db, now).await?;
    let case = cases::get(&txn, case_id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let facts = crate::store::facts::of_case(&txn, &case).await?;
    ssr::may_attach(&me, &facts)?;
    let s = selfchecks::get(&txn, self_check_id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    authorize(
        &me.actor,
        &Permission::ViewSelfCheck(InstitutionId(s.institution_id)),
        None,
    )
    .map_err(|d| fail(super::denied(d)))?;
    if s.institution_id != case.institution_id {
        return Err(fail(AppError::NotFound));
    }
    match s.case_id {
        // Already there: nothing to change.
        Some(c) if c == case_id => return Ok(()),
        Some(_) => {
            return Err(fail(AppError::Refused {
                key: "err.selfcheck.attached_elsewhere".into(),
            }))
        }
        None => {}
    }
    selfchecks::attach(&txn, &me.actor, case_id, self_check_id, now).await?;
    txn.commit().await?;
    Ok(())
}
