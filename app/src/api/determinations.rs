//! 鉴定结论 on the case page (who, when, on what, under which clause, what follows for a 学前
//! item, whether it stands) and its revocation by the director who made it (九(二)).

use super::AppError;
use crate::domain::determination::{Basis, RevocationInput, Standing};
use crate::domain::terms::Category;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The determination as the case page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeterminationView {
    pub category: Category,
    pub determined_on: String,
    pub basis: Basis,
    /// The clause of the working guide it is made under.
    pub clause: String,
    /// The director who determined (empty for records carried over without one).
    pub decided_by: String,
    pub reasons: String,
    pub preschool_prohibited: bool,
    pub standing: Standing,
    /// China Standard Time.
    pub revoked_at: Option<String>,
    pub revoke_reason: String,
    pub revoke_credit_record: Option<i64>,
    /// The viewer may revoke it, with one of these credit records (id, what and when).
    pub can_revoke: bool,
    pub credit_choices: Vec<(i64, String)>,
}

/// A revocation of the case's determination at a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeInput {
    pub case_id: i64,
    pub version: i32,
    pub revocation: RevocationInput,
}

#[cfg(feature = "ssr")]
pub(crate) use ssr::view as ssr_view;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{db, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::case::CaseFacts;
    use crate::domain::credit::{CreditKind, CreditSubject};
    use crate::store::cases::Case;
    use crate::store::determinations::{self, Determination};
    use sea_orm::ConnectionTrait;

    pub fn may_revoke(me: &Me, d: &Determination, facts: &CaseFacts) -> bool {
        let by_prefecture = Basis::from_code(&d.basis).is_some_and(Basis::by_prefecture);
        authorize(
            &me.actor,
            &Permission::RevokeDetermination { by_prefecture },
            Some(facts),
        )
        .is_ok()
    }

    /// The institution's credit records a revocation can rest on: concealment or false
    /// material (九(二)).
    pub async fn grounds<C: ConnectionTrait>(
        c: &C,
        institution: i64,
    ) -> Result<Vec<crate::store::credit::CreditRecord>, AppError> {
        Ok(
            crate::store::credit::about(c, CreditSubject::Institution, institution)
                .await
                .map_err(db)?
                .into_iter()
                .filter(|r| {
                    matches!(
                        CreditKind::from_code(&r.kind),
                        Some(CreditKind::Concealment | CreditKind::FalseMaterial)
                    )
                })
                .collect(),
        )
    }

    /// The case's determination for the page, if it has one.
    pub async fn view<C: ConnectionTrait>(
        c: &C,
        me: &Me,
        case: &Case,
        facts: &CaseFacts,
    ) -> Result<Option<DeterminationView>, AppError> {
        let Some(d) = determinations::of_case(c, case.id).await.map_err(db)? else {
            return Ok(None);
        };
        let Some(category) = Category::from_code(&d.category) else {
            return Err(crate::api::server::internal(format!(
                "determination {} has category {:?}",
                d.id, d.category
            )));
        };
        let basis = Basis::from_code(&d.basis).ok_or_else(|| {
            crate::api::server::internal(format!("determination {} basis {:?}", d.id, d.basis))
        })?;
        let standing = determinations::standing_of(&d, case)?;
        let can_revoke = standing.listed() && d.revoked_at.is_none() && may_revoke(me, &d, facts);
        let names = crate::store::reference::display_names(
            c,
            d.decided_by.into_iter().chain(d.revoked_by).collect(),
        )
        .await
        .map_err(db)?;
        let credit_choices = if can_revoke {
            grounds(c, case.institution_id)
                .await?
                .into_iter()
                .map(|r| {
                    let kind = CreditKind::from_code(&r.kind)
                        .map(|k| crate::i18n::text("zh-CN", k.label_key()))
                        .unwrap_or_default();
                    (
                        r.id,
                        format!(
                            "{kind} · {}",
                            crate::domain::china_time::china_minute(r.filed_at)
                        ),
                    )
                })
                .collect()
        } else {
            vec![]
        };
        Ok(Some(DeterminationView {
            category,
            determined_on: d.determined_on.format("%Y-%m-%d").to_string(),
            basis,
            clause: basis.clause().to_string(),
            decided_by: d
                .decided_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            reasons: d.reasons.clone(),
            preschool_prohibited: d.preschool_prohibited,
            standing,
            revoked_at: d.revoked_at.map(crate::domain::china_time::china_minute),
            revoke_reason: d.revoke_reason.clone(),
            revoke_credit_record: d.revoke_credit_record,
            can_revoke,
            credit_choices,
        }))
    }
}

/// Revokes the case's determination (九(二)): the director of the bureau that made it, with
/// reasons and the institution's credit record (concealment or false material) it follows
/// from. Nothing is deleted: the record, the registry and the case page show the revocation.
#[server(prefix = "/api", endpoint = "revoke_determination", input = Json)]
pub async fn revoke_determination(input: RevokeInput) -> Result<i32, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::determination::validate_revocation;
    use crate::store::{cases, determinations, tx};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, input.case_id).await?;
    let d = determinations::of_case(&st.db, case.id)
        .await?
        .ok_or_else(|| fail(AppError::Forbidden))?;
    if !ssr::may_revoke(&me, &d, &facts) {
        return Err(fail(AppError::Forbidden));
    }
    if d.revoked_at.is_some() || !determinations::standing_of(&d, &case)?.listed() {
        return Err(fail(AppError::Refused {
            key: "err.revocation.not_in_force".into(),
        }));
    }
    let mut errs = validate_revocation(&input.revocation);
    let record = input.revocation.credit_record;
    if let Some(rid) = record {
        let grounds = ssr::grounds(&st.db, case.institution_id)
            .await
            .map_err(fail)?;
        if !grounds.iter().any(|r| r.id == rid) {
            errs.add("revocation.credit_record", "err.revocation.credit_record");
        }
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let (Some(record), true) = (record, case.version == input.version) else {
        return Err(fail(AppError::Stale));
    };
    let reason = input.revocation.reason.trim().to_string();
    let txn = tx::begin_write(&st.db, now).await?;
    if !cases::bump_version(&txn, case.id, input.version, now).await? {
        return Err(fail(AppError::Stale));
    }
    let by = me.by();
    if !determinations::revoke(&txn, &by, &case, &d, &reason, record, now).await? {
        return Err(fail(AppError::Refused {
            key: "err.revocation.not_in_force".into(),
        }));
    }
    txn.commit().await?;
    Ok(input.version + 1)
}
