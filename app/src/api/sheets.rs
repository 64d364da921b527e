//! Server functions of the score sheets (评分表).
//!
//! The server runs the same domain validation as the browser (`domain::sheet::validate_sheet`)
//! on every save (structural) and on submission (complete, evidenced). Independence: a member
//! sees another member's sheet only after every seat has submitted; before, it is not found.

use super::AppError;
use crate::domain::case::CaseState;
use crate::domain::item::ItemDomain;
use crate::domain::negative_list::NegativeList;
use crate::domain::rubric::Rubric;
use crate::domain::sheet::{ExpertVerdict, ScoreSheet};
use crate::domain::terms::Stage;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Something an evidence note can point at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefOption {
    /// "material" or "activity"
    pub kind: String,
    pub id: i64,
    pub label: String,
}

/// A member's sheet as the panel sees it after everyone has submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberSheet {
    pub expert_id: i64,
    pub expert_name: String,
    pub submitted: bool,
    pub submitted_at: Option<String>,
    pub verdict: Option<ExpertVerdict>,
    pub sheet: Option<ScoreSheet>,
}

/// One saved version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    pub version: i32,
    pub saved_at: String,
    pub submit: bool,
}

/// Everything the score-sheet page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetPage {
    pub case_id: i64,
    pub number: Option<String>,
    pub item_name: String,
    pub domain: ItemDomain,
    pub stage: Stage,
    pub state: CaseState,
    /// The expert whose sheet this is.
    pub expert_id: i64,
    pub sheet: ScoreSheet,
    /// 0 when nothing has been saved yet.
    pub version: i32,
    pub submitted: bool,
    pub can_edit: bool,
    pub refs: Vec<RefOption>,
    pub history: Vec<VersionRow>,
    /// Every member's sheet, once every seat has submitted (empty before).
    pub panel: Vec<MemberSheet>,
    /// The member confirmed the policy briefing (政策培训): required to submit.
    #[serde(default)]
    pub briefing_confirmed: bool,
    /// The sheet's rubric and negative-list versions (the browser embeds neither; none only
    /// when the server does not have the version the sheet names).
    pub rubric: Option<Rubric>,
    pub negative_list: Option<NegativeList>,
}

/// A save or submission of the expert's own sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetSave {
    pub case_id: i64,
    /// The version this edit started from (0 for a new sheet).
    pub base_version: i32,
    pub sheet: ScoreSheet,
    /// Chosen by the device for this save; a resend with the same id stores nothing new.
    pub save_id: String,
    pub submit: bool,
    /// Required to submit (the password again).
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetSaved {
    pub version: i32,
    pub submitted: bool,
    pub duplicate: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::visible_case as ssr_visible_case;
    use crate::api::server::{fail, state, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::case::CaseFacts;
    use crate::domain::china_time::china_minute as cst;
    use crate::domain::rubric::rubric;
    use crate::domain::sheet::evaluate;
    use crate::store::cases::Case;
    use crate::store::{cases, reference, sheets};

    /// The case, its facts and the expert, when the policy opens the signed-in expert's own
    /// sheet on it (`OpenOwnSheet`); otherwise not found.
    pub async fn own(me: &Me, case_id: i64) -> Result<(Case, CaseFacts, i64), AppError> {
        let (case, facts) = ssr_visible_case(me, case_id).await?;
        authorize(&me.actor, &Permission::OpenOwnSheet, Some(&facts))
            .map_err(|_| fail(AppError::NotFound))?;
        let expert = me.actor.expert().ok_or_else(|| fail(AppError::NotFound))?;
        Ok((case, facts, expert.0))
    }

    pub fn empty_sheet(case: &Case) -> ScoreSheet {
        ScoreSheet {
            rubric_version: case.rubric_version as u32,
            negative_list_version: crate::domain::negative_list::current_negative_list().version,
            ..ScoreSheet::default()
        }
    }

    /// Every seat submitted: the panel may see all sheets.
    pub async fn panel(case: &Case, facts: &CaseFacts) -> Result<Vec<MemberSheet>, AppError> {
        let st = state().map_err(fail)?;
        let rows = sheets::for_case(&st.db, case.id).await?;
        let names: std::collections::HashMap<i64, String> = reference::experts(&st.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect();
        let r = rubric(case.rubric_version as u32);
        Ok(facts
            .active_seats()
            .map(|seat| {
                let row = rows.iter().find(|s| s.expert_id == seat.expert.0);
                let sheet: Option<ScoreSheet> = row
                    .filter(|s| s.submitted)
                    .and_then(|s| serde_json::from_str(&s.content).ok());
                MemberSheet {
                    expert_id: seat.expert.0,
                    expert_name: names.get(&seat.expert.0).cloned().unwrap_or_default(),
                    submitted: row.is_some_and(|s| s.submitted),
                    submitted_at: row.and_then(|s| s.submitted_at).map(cst),
                    verdict: match (r, &sheet) {
                        (Some(r), Some(s)) => Some(evaluate(r, s).verdict),
                        _ => None,
                    },
                    sheet,
                }
            })
            .collect())
    }

    pub async fn page_for(me: &Me, case_id: i64) -> Result<SheetPage, AppError> {
        let st = state().map_err(fail)?;
        let (case, facts, expert) = own(me, case_id).await?;
        let row = sheets::get(&st.db, case.id, expert).await?;
        let sheet = row
            .as_ref()
            .and_then(|s| serde_json::from_str(&s.content).ok())
            .unwrap_or_else(|| empty_sheet(&case));
        let history = match &row {
            Some(s) => sheets::versions(&st.db, s.id)
                .await?
                .into_iter()
                .map(|v| VersionRow {
                    version: v.version,
                    saved_at: cst(v.saved_at),
                    submit: v.submit,
                })
                .collect(),
            None => vec![],
        };
        let submitted = row.as_ref().is_some_and(|s| s.submitted);
        let mut refs: Vec<RefOption> = cases::materials(&st.db, case.id)
            .await?
            .into_iter()
            .filter(|m| !m.superseded)
            .map(|m| RefOption {
                kind: "material".into(),
                id: m.id,
                label: m.file_name,
            })
            .collect();
        refs.extend(activity_refs(case.id).await?);
        let item = cases::item_of(&case)?;
        Ok(SheetPage {
            case_id: case.id,
            number: case.number.clone(),
            item_name: item.name,
            domain: item.domain,
            stage: item.stage,
            state: facts.state,
            expert_id: expert,
            version: row.as_ref().map_or(0, |s| s.version),
            submitted,
            can_edit: !submitted
                && authorize(&me.actor, &Permission::EditOwnSheet, Some(&facts)).is_ok(),
            refs,
            history,
            // Every member's sheet, once the policy lets a member read the others'.
            panel: {
                let peers = facts.active_seats().all(|s| {
                    let perm = Permission::ViewMemberSheet(s.expert);
                    authorize(&me.actor, &perm, Some(&facts)).is_ok()
                });
                if peers {
                    panel(&case, &facts).await?
                } else {
                    vec![]
                }
            },
            briefing_confirmed: crate::store::meetings::confirmed(&st.db, case.id, expert)
                .await?
                .is_some(),
            rubric: rubric(sheet.rubric_version).cloned(),
            negative_list: crate::domain::negative_list::negative_list(sheet.negative_list_version)
                .cloned(),
            sheet,
        })
    }

    /// The case's activities as evidence targets.
    pub async fn activity_refs(case_id: i64) -> Result<Vec<RefOption>, AppError> {
        let st = state().map_err(fail)?;
        Ok(sheets::citable_activities(&st.db, case_id)
            .await?
            .into_iter()
            .map(|a| RefOption {
                kind: "activity".into(),
                id: a.id,
                label: format!("{} {}", a.held_on.format("%Y-%m-%d"), a.kind),
            })
            .collect())
    }
}

/// The signed-in expert's sheet for a case they sit on, with what the page needs.
#[server(prefix = "/api", endpoint = "my_sheet")]
pub async fn my_sheet(case_id: i64) -> Result<SheetPage, AppError> {
    let me = super::server::require().await?;
    ssr::page_for(&me, case_id).await
}

/// Saves (or submits, with the password again) the expert's own sheet.
#[server(prefix = "/api", endpoint = "save_sheet", input = Json)]
pub async fn save_sheet(input: SheetSave) -> Result<SheetSaved, AppError> {
    use super::server::{fail, internal, reauthenticate, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::sheet::{check_save, check_save_id, check_submit, Mode};
    use crate::store::sheets::{self, Refused, Stored};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (case, facts, expert) = ssr::own(&me, input.case_id).await?;
    let save_id = check_save_id(&input.save_id).map_err(|e| fail(AppError::Validation(e)))?;
    let answer = |out: Result<Stored, Refused>| match out {
        Ok(s) => Ok(SheetSaved {
            version: s.version,
            submitted: s.submitted,
            duplicate: s.duplicate,
        }),
        Err(Refused::Stale { .. }) => Err(fail(AppError::Stale)),
        Err(Refused::Submitted) => Err(fail(AppError::Refused {
            key: "err.sheet.submitted".into(),
        })),
    };
    // A resend of a save that was stored already: answer as then, whatever happened since.
    if let Some(out) = sheets::replay(&st.db, case.id, expert, save_id).await? {
        return answer(out);
    }
    authorize(&me.actor, &Permission::EditOwnSheet, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let mode = if input.submit {
        Mode::Submit
    } else {
        Mode::Save
    };
    let briefed = crate::store::meetings::confirmed(&st.db, case.id, expert).await?;
    check_submit(mode, briefed.is_some())
        .map_err(|key| fail(AppError::Refused { key: key.into() }))?;
    let rubric = crate::domain::rubric::rubric(case.rubric_version as u32)
        .ok_or_else(|| fail(internal("rubric version missing")))?;
    let (materials, activities) = sheets::citable(&st.db, case.id).await?;
    let mut errs = check_save(rubric, &input.sheet, mode, &materials, &activities);
    if input.submit && !reauthenticate(&me, &input.password, "submit_sheet").await? {
        errs.add("sheet.password", "err.sheet.password");
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let (base, sheet, submit) = (input.base_version, &input.sheet, input.submit);
    let now = st.clock.now();
    answer(
        sheets::save(
            &st.db, &me.actor, case.id, expert, base, sheet, save_id, submit, now,
        )
        .await?,
    )
}

/// One member's sheet: the owner always; another member only after every seat has submitted
/// (before that it is not found); bureau roles and observers may read all sheets.
#[server(prefix = "/api", endpoint = "get_sheet")]
pub async fn get_sheet(case_id: i64, expert_id: i64) -> Result<MemberSheet, AppError> {
    use super::server::{fail, require};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let (case, facts) = crate::api::server::visible_case(&me, case_id).await?;
    let own = me.actor.expert().is_some_and(|e| e.0 == expert_id);
    let perm = Permission::ViewMemberSheet(crate::domain::ids::ExpertId(expert_id));
    authorize(&me.actor, &perm, Some(&facts)).map_err(|d| fail(super::denied(d)))?;
    let all = ssr::panel(&case, &facts).await?;
    let mut m = all
        .into_iter()
        .find(|m| m.expert_id == expert_id)
        .ok_or_else(|| fail(AppError::NotFound))?;
    if own && m.sheet.is_none() {
        // The owner's own draft.
        let st = super::server::state().map_err(fail)?;
        m.sheet = crate::store::sheets::get(&st.db, case_id, expert_id)
            .await
            .map_err(|e| fail(super::server::db(e)))?
            .and_then(|s| serde_json::from_str(&s.content).ok());
    }
    Ok(m)
}
