//! 鉴定案件: applications (drafts, materials, submission) and the county's intake.

use super::AppError;
use crate::domain::case::CaseState;
use crate::domain::deadline::{Clock as DeadlineClock, DeadlineStatus};
use crate::domain::files::FileType;
use crate::domain::item::TrainingItemInput;
use crate::domain::lifecycle::{Action, ActionKind};
use crate::domain::material::MaterialKind;
use crate::domain::role::Role;
use crate::domain::terms::Category;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One line of a case list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    pub id: i64,
    pub number: Option<String>,
    pub item_name: String,
    pub institution_name: String,
    pub county_name: String,
    pub state: CaseState,
    /// China Standard Time, "2026-11-28 14:05"
    pub submitted_at: Option<String>,
    pub updated_at: String,
    pub due_on: Option<NaiveDate>,
    pub deadline: Option<DeadlineStatus>,
    /// The time limit the due date belongs to.
    pub clock: Option<DeadlineClock>,
}

/// A material file as the case page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialView {
    pub id: i64,
    pub kind: MaterialKind,
    pub file_name: String,
    pub file_type: FileType,
    pub size: i64,
    pub sha256: String,
    pub version: i32,
    pub superseded: bool,
    pub uploaded_at: String,
}

/// One step of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub at: String,
    pub actor_name: String,
    pub actor_role: Option<Role>,
    pub action: String,
    pub from: CaseState,
    pub to: CaseState,
    pub reason: String,
    pub deficiencies: Vec<String>,
}

/// The institution as a case shows it (no personal data beyond what the role needs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionView {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub licence_no: String,
    pub address: String,
    pub legal_rep: String,
    pub principal: String,
    pub contact_name: String,
    /// Masked except for the institution itself and bureau staff.
    pub contact_phone: String,
    pub for_profit: bool,
}

/// Everything the case page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub id: i64,
    pub number: Option<String>,
    pub state: CaseState,
    pub version: i32,
    pub item: TrainingItemInput,
    pub institution: InstitutionView,
    pub county_name: String,
    pub undertaking_given: bool,
    pub deficiencies: Vec<String>,
    pub materials: Vec<MaterialView>,
    pub events: Vec<EventView>,
    pub clock: Option<DeadlineClock>,
    pub due_on: Option<NaiveDate>,
    pub deadline: Option<DeadlineStatus>,
    pub category: Option<Category>,
    pub determined_on: Option<NaiveDate>,
    /// What this user may do now.
    pub actions: Vec<ActionKind>,
    pub can_edit: bool,
    pub can_upload: bool,
    pub viewer_role: Role,
    /// The panel's seats; names are empty when the viewer may not see them.
    pub panel: Vec<super::draws::SeatView>,
    pub panel_names_visible: bool,
    /// The viewer's own open invitation or seat (experts).
    pub my_seat: Option<super::draws::SeatView>,
    /// Bureau roles and observers may open the draw page.
    pub can_view_draw: bool,
    /// The viewer only sees the invitation (not yet accepted).
    pub invitation_only: bool,
    /// The panel's activities (empty unless the viewer may read the case file).
    pub activities: Vec<super::activities::ActivityView>,
    pub activity_rules: super::activities::ActivityRules,
    /// The viewer may open the opinion page (read it, or draft it as the panel lead).
    pub can_view_opinion: bool,
    /// Where the opinion stands, for the case page's summary.
    pub opinion: Option<OpinionSummary>,
    /// Re-review: the window, the application, the linked case, both rounds' opinions.
    pub rereview: super::rereview::RereviewInfo,
    /// 信用记录 of the institution (bureau roles).
    pub credit: Option<super::credit::CreditRecords>,
    /// 专家考评 of the panel (bureau roles, once determined).
    pub ratings: Option<super::ratings::CaseRatings>,
    /// 通知记录: who was told what (bureau roles and observers; it names the panel).
    pub notices: Option<Vec<super::notices::CaseNoticeRow>>,
    /// 鉴定结论: who, when, on what, whether it stands (and the revocation form for its
    /// director).
    pub determination: Option<super::determinations::DeterminationView>,
    /// 机构自查 attached to the application (institution, bureaus in scope, the panel; shown
    /// beside the materials, never a score), and for the institution's editable application
    /// its saved self-checks to attach.
    pub self_check: Option<super::selfcheck::CaseSelfCheck>,
}

/// The opinion's progress as the case page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpinionSummary {
    pub revision: i32,
    pub signed: usize,
    pub total: usize,
    pub verify_code: Option<String>,
}

pub use super::Saved;

/// A draft to save. `id` None creates one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftInput {
    pub id: Option<i64>,
    pub version: i32,
    pub item: TrainingItemInput,
    pub undertaking: bool,
}

/// An action on a case at a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionInput {
    pub id: i64,
    pub version: i32,
    pub action: Action,
    /// A note for the timeline (e.g. what was corrected when resubmitting after a return).
    #[serde(default)]
    pub note: String,
}

#[cfg(feature = "ssr")]
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{fail, internal, state, Me};
    use crate::domain::access::{authorize, EntryView, Permission};
    use crate::domain::china_time::china_date;
    use crate::domain::deadline::{HolidayCalendar, TimeLimits};
    use crate::domain::lifecycle::{available_actions, Initiator};
    use crate::store::cases::{self, Case};
    use crate::store::reference;
    use chrono::{DateTime, Utc};
    use sea_orm::DatabaseConnection;

    /// A new draft of the signed-in institution (`save_draft` without an id): within its
    /// quota of unsubmitted drafts.
    pub async fn open_draft(
        me: &Me,
        item: &crate::domain::item::TrainingItemInput,
        undertaking: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Saved, AppError> {
        let st = state().map_err(fail)?;
        let inst_id = me
            .actor
            .institution()
            .ok_or_else(|| fail(AppError::Forbidden))?;
        authorize(&me.actor, &Permission::CreateApplication(inst_id), None)
            .map_err(|d| fail(crate::api::denied(d)))?;
        let county = reference::institution(&st.db, inst_id.0)
            .await?
            .map(|i| crate::domain::ids::CountyId(i.county_id))
            .ok_or_else(|| fail(AppError::NotFound))?;
        let max = st.settings.max_open_drafts;
        let case = cases::open_draft(
            &st.db,
            &me.actor,
            inst_id,
            county,
            item,
            undertaking,
            max,
            now,
        )
        .await?
        .map_err(|()| {
            fail(AppError::RefusedWith {
                key: "err.draft.too_many".into(),
                args: vec![("max".into(), max.to_string())],
            })
        })?;
        let (id, version, state) = (case.id, case.version, CaseState::Draft);
        Ok(Saved { id, version, state })
    }

    pub fn cst(t: DateTime<Utc>) -> String {
        crate::domain::china_time::china_minute(t)
    }

    /// How the case's running deadline stands (the due-soon warning of the limits in force).
    pub fn deadline(
        case: &Case,
        now: DateTime<Utc>,
        (limits, cal): &(TimeLimits, HolidayCalendar),
    ) -> Option<DeadlineStatus> {
        case.due_on
            .map(|due| limits.status(due, china_date(now), cal))
    }

    /// The time limits and the holiday calendar in force.
    pub async fn limits(
        db: &DatabaseConnection,
    ) -> Result<(TimeLimits, HolidayCalendar), AppError> {
        let limits = crate::store::settings::time_limits(db).await?;
        Ok((limits, crate::store::calendar::current(db).await?))
    }

    pub async fn rows(
        db: &DatabaseConnection,
        list: Vec<Case>,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>, AppError> {
        let insts = reference::institution_names(db)
            .await
            .map_err(|e| fail(crate::api::server::db(e)))?;
        let cal = limits(db).await.map_err(fail)?;
        let counties = reference::county_names(db)
            .await
            .map_err(|e| fail(crate::api::server::db(e)))?;
        list.into_iter()
            .map(|c| {
                Ok(CaseRow {
                    id: c.id,
                    number: c.number.clone(),
                    item_name: cases::item_of(&c)?.name,
                    institution_name: insts.get(&c.institution_id).cloned().unwrap_or_default(),
                    county_name: counties.get(&c.county_id).cloned().unwrap_or_default(),
                    state: c.case_state()?,
                    submitted_at: c.submitted_at.map(cst),
                    updated_at: cst(c.updated_at),
                    due_on: c.due_on,
                    deadline: deadline(&c, now, &cal),
                    clock: cases::clock_of(&c)?,
                })
            })
            .collect()
    }

    pub async fn detail(me: &Me, id: i64) -> Result<CaseDetail, AppError> {
        let st = state().map_err(fail)?;
        let now = st.clock.now();
        let (case, facts) = crate::api::server::visible_case(me, id).await?;
        let inst = reference::institution(&st.db, case.institution_id)
            .await?
            .ok_or_else(|| fail(internal("case without institution")))?;
        let county_name = reference::county(&st.db, case.county_id)
            .await?
            .map(|c| c.name_zh)
            .unwrap_or_default();
        let mats = cases::materials(&st.db, id).await?;
        let evs = cases::events(&st.db, id).await?;
        let user_ids: Vec<i64> = evs.iter().filter_map(|e| e.actor_id).collect();
        let names = reference::display_names(&st.db, user_ids).await?;
        let by = Initiator::User(me.actor);
        let actions = available_actions(&facts, &by);
        let rereview =
            crate::api::rereview::ssr_info(&st.db, me, &case, &facts, &actions, now).await?;
        let invitation_only = crate::domain::access::case_view(&me.actor, &facts)
            == crate::domain::access::CaseView::Invitation;
        let names_visible = authorize(&me.actor, &Permission::ViewPanelNames, Some(&facts)).is_ok();
        let experts = if names_visible {
            Some(crate::api::draws::ssr_names(&st.db).await?)
        } else {
            None
        };
        let mut panel = crate::api::draws::ssr_seat_views(&st.db, id, experts.as_ref()).await?;
        let my_seat = match me.actor.expert() {
            Some(e) => {
                let seats = crate::store::draws::seats(&st.db, id).await?;
                let mine = crate::store::draws::active_seats(&seats)?
                    .into_iter()
                    .find(|s| s.expert_id == e.0)
                    .map(|s| s.id);
                mine.and_then(|sid| panel.iter().find(|p| p.seat_id == sid).cloned())
            }
            None => None,
        };
        // An invited expert sees their invitation, not yet the panel.
        if invitation_only {
            panel.clear();
        }
        // The activities as the policy lets the viewer see them (the institution: an outline
        // without participants or photos).
        let (activities, activity_rules) =
            crate::api::activities::ssr_for_case(&st.db, me, &facts, now).await?;
        let may = |p: Permission| authorize(&me.actor, &p, Some(&facts)).is_ok();
        let can_view_opinion = may(Permission::DraftOpinion) || may(Permission::ViewOpinion);
        let opinion = if can_view_opinion {
            match crate::store::opinions::current(&st.db, id).await? {
                Some(op) => {
                    let total = crate::store::opinions::content_of(&op)
                        .map(|c| c.members.len())
                        .unwrap_or(0);
                    let signed = crate::store::opinions::signatures(&st.db, op.id)
                        .await?
                        .len();
                    Some(OpinionSummary {
                        revision: op.revision,
                        signed,
                        total,
                        verify_code: op.verify_code.clone(),
                    })
                }
                None => None,
            }
        } else {
            None
        };
        let credit = if authorize(&me.actor, &Permission::ViewCreditRecords, None).is_ok() {
            Some(
                crate::api::credit::records_for(
                    &st.db,
                    me,
                    crate::domain::credit::CreditSubject::Institution,
                    case.institution_id,
                )
                .await
                .map_err(fail)?,
            )
        } else {
            None
        };
        let ratings = if facts.state.is_determined()
            && authorize(&me.actor, &Permission::ViewCaseRatings, Some(&facts)).is_ok()
        {
            Some(
                crate::api::ratings::case_ratings_for(&st.db, me, &case, &facts, now)
                    .await
                    .map_err(fail)?,
            )
        } else {
            None
        };
        let notices = if authorize(&me.actor, &Permission::ViewCaseNotices, Some(&facts)).is_ok() {
            Some(crate::api::notices::ssr_record(&st.db, me, &facts, case.id).await?)
        } else {
            None
        };
        let self_check = if invitation_only {
            None
        } else {
            crate::api::selfcheck::case_self_check_for(&st.db, me, &facts)
                .await
                .map_err(fail)?
        };
        let determination = if invitation_only {
            None
        } else {
            crate::api::determinations::ssr_view(&st.db, me, &case, &facts).await?
        };
        Ok(CaseDetail {
            determination,
            credit,
            ratings,
            notices,
            self_check,
            id: case.id,
            number: case.number.clone(),
            state: facts.state,
            version: case.version,
            item: cases::item_of(&case)?,
            institution: InstitutionView {
                id: inst.id,
                name: inst.name,
                uscc: inst.uscc,
                licence_no: inst.licence_no,
                address: inst.address,
                legal_rep: inst.legal_rep,
                principal: inst.principal,
                contact_name: inst.contact_name,
                contact_phone: if may(Permission::ViewInstitutionPhone) {
                    inst.contact_phone
                } else {
                    crate::domain::formats::mask_phone(&inst.contact_phone)
                },
                for_profit: inst.for_profit,
            },
            county_name,
            undertaking_given: case.undertaking_given,
            deficiencies: serde_json::from_str(&case.deficiencies).unwrap_or_default(),
            materials: mats
                .into_iter()
                .filter(|_| !invitation_only)
                .map(|m| {
                    Ok(MaterialView {
                        id: m.id,
                        kind: crate::store::decode(&m.kind)?,
                        file_name: m.file_name,
                        file_type: crate::store::decode(&m.file_type)?,
                        size: m.size,
                        sha256: m.sha256,
                        version: m.version,
                        superseded: m.superseded,
                        uploaded_at: cst(m.uploaded_at),
                    })
                })
                .collect::<Result<_, AppError>>()?,
            events: evs
                .into_iter()
                .filter(|_| !invitation_only)
                .filter(|e| e.action != "save")
                .map(|e| {
                    // The policy decides how each step reaches the viewer: the institution
                    // never learns its panel from the timeline (`access::timeline_entry`).
                    let view = crate::domain::access::timeline_entry(
                        &me.actor,
                        Role::from_code(&e.actor_role),
                        &e.action,
                        e.from_state == e.to_state,
                    );
                    let EntryView::Shown { name, reason } = view else {
                        return Ok(None);
                    };
                    let details: serde_json::Value =
                        serde_json::from_str(&e.details).unwrap_or_default();
                    let deficiencies = details
                        .get("effects")
                        .and_then(|v| v.as_array())
                        .into_iter()
                        .flatten()
                        .filter(|x| {
                            x.get("effect").and_then(|v| v.as_str()) == Some("record_deficiencies")
                        })
                        .flat_map(|x| {
                            x.get("items")
                                .and_then(|v| v.as_array())
                                .cloned()
                                .unwrap_or_default()
                        })
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                    Ok(Some(EventView {
                        at: cst(e.at),
                        actor_name: e
                            .actor_id
                            .filter(|_| name)
                            .and_then(|i| names.get(&i).cloned())
                            .unwrap_or_default(),
                        actor_role: Role::from_code(&e.actor_role),
                        action: e.action,
                        from: crate::store::decode(&e.from_state)?,
                        to: crate::store::decode(&e.to_state)?,
                        reason: if reason { e.reason } else { String::new() },
                        deficiencies,
                    }))
                })
                .collect::<Result<Vec<_>, AppError>>()?
                .into_iter()
                .flatten()
                .collect(),
            clock: cases::clock_of(&case)?,
            due_on: case.due_on,
            deadline: deadline(&case, now, &limits(&st.db).await?),
            category: case.category()?,
            determined_on: case.determined_on,
            actions,
            can_edit: authorize(&me.actor, &Permission::EditApplication, Some(&facts)).is_ok(),
            can_upload: authorize(&me.actor, &Permission::UploadMaterial, Some(&facts)).is_ok(),
            viewer_role: me.actor.role,
            panel,
            panel_names_visible: names_visible,
            my_seat,
            can_view_draw: authorize(&me.actor, &Permission::ViewDrawRecord, Some(&facts)).is_ok(),
            invitation_only,
            activities,
            activity_rules,
            can_view_opinion,
            opinion,
            rereview,
        })
    }
}

/// The institution's own cases (状态筛选: a state code, or empty for all).
#[server(prefix = "/api", endpoint = "my_cases")]
pub async fn my_cases(state_filter: String) -> Result<Vec<CaseRow>, AppError> {
    use super::server::{fail, require, state};
    let me = require().await?;
    let Some(inst) = me.actor.institution() else {
        return Err(fail(AppError::Forbidden));
    };
    let st = state().map_err(fail)?;
    let filter = CaseState::from_code(&state_filter).map(|s| s.code());
    let list = crate::store::cases::for_institution(&st.db, inst.0, filter).await?;
    ssr::rows(&st.db, list, st.clock.now()).await
}

/// The county's intake queue (SUBMITTED, oldest first) or, with a state code, its cases in
/// that state; prefecture roles see every county.
#[server(prefix = "/api", endpoint = "county_cases")]
pub async fn county_cases(view: String) -> Result<Vec<CaseRow>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, case_list_scope, Permission};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewCaseLists, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let county = case_list_scope(&me.actor).map(|c| c.0);
    let list = if view == "intake" {
        match county {
            Some(c) => crate::store::cases::intake_queue(&st.db, c).await,
            None => {
                crate::store::cases::for_county(&st.db, None, Some(CaseState::Submitted.code()))
                    .await
            }
        }
    } else {
        crate::store::cases::for_county(
            &st.db,
            county,
            CaseState::from_code(&view).map(|s| s.code()),
        )
        .await
    }?;
    ssr::rows(&st.db, list, st.clock.now()).await
}

/// 待办与期限: the bureau user's work with its time limits, soonest due first, overdue shown.
/// Clerks: intake, draw, panel review (and the prefecture's re-review cases); directors:
/// sealing, the decision on forwarding a re-review, sealed opinions to determine, and at the
/// prefecture the escalated cases.
#[server(prefix = "/api", endpoint = "my_work")]
pub async fn my_work() -> Result<Vec<CaseRow>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::work::WorkList;
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewWorkList, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let list = crate::store::cases::work(&st.db, &WorkList::of(&me.actor)).await?;
    ssr::rows(&st.db, list, st.clock.now()).await
}

#[server(prefix = "/api", endpoint = "get_case")]
pub async fn get_case(id: i64) -> Result<CaseDetail, AppError> {
    let me = super::server::require().await?;
    ssr::detail(&me, id).await
}

/// Creates or saves a draft (any time, complete or not). A stale version is refused.
#[server(prefix = "/api", endpoint = "save_draft", input = Json)]
pub async fn save_draft(input: DraftInput) -> Result<Saved, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::accounts::Updated;
    use crate::store::cases;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    // Drafts may be incomplete, but never oversized.
    let (item, undertaking) = (input.item, input.undertaking);
    let e = crate::domain::item::check_draft_size(&item);
    if !e.is_empty() {
        return Err(fail(AppError::Validation(e)));
    }
    let Some(id) = input.id else {
        return ssr::open_draft(&me, &item, undertaking, now).await;
    };
    let (case, facts) = crate::api::server::visible_case(&me, id).await?;
    authorize(&me.actor, &Permission::EditApplication, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let saved = cases::edit_draft(
        &st.db,
        &me.actor,
        &case,
        input.version,
        &item,
        undertaking,
        now,
    )
    .await?;
    if saved == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    let (version, state) = (input.version + 1, facts.state);
    Ok(Saved { id, version, state })
}

/// Takes an action on a case (submit, withdraw, accept, return, not accept, determine
/// directly, …): decided by the domain's lifecycle, written in one transaction with its
/// timeline entry and audit event.
#[server(prefix = "/api", endpoint = "case_action", input = Json)]
pub async fn case_action(input: ActionInput) -> Result<Saved, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::lifecycle::TransitionError;
    use crate::domain::lifecycle::{apply, check_form, FormFacts, FormRefusal, Initiator};
    use crate::store::{cases, opinions, transition};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, input.id).await?;
    if let Some(key) = input.action.kind().own_form() {
        return Err(fail(AppError::Refused { key: key.into() }));
    }
    // The lifecycle decides who may do this, before anything else is said of the request; a
    // failed guard waits until the form's own checks (field by field) have had their say.
    let t = apply(&facts, &input.action, &Initiator::User(me.actor), now);
    if let Err(e @ (TransitionError::NotFound | TransitionError::NotAllowed)) = &t {
        return Err(fail(super::transition_refused(e.clone())));
    }
    if case.version != input.version {
        return Err(fail(AppError::Stale));
    }
    let form = FormFacts {
        state: facts.state,
        item: &cases::item_of(&case)?,
        opinion: opinions::current_conclusion(&st.db, case.id).await?,
    };
    check_form(&input.action, form).map_err(|r| {
        fail(match r {
            FormRefusal::Fields(errs) => AppError::Validation(errs),
            FormRefusal::Refused(key) => AppError::Refused { key: key.into() },
        })
    })?;
    let t = t.map_err(|e| fail(super::transition_refused(e)))?;
    let note: String = input.note.trim().chars().take(2000).collect();
    let details = serde_json::json!({ "action": input.action, "note": note });
    let (version, state) =
        transition::take(&st.db, &me.actor, &case, input.version, &t, details, now)
            .await?
            .ok_or_else(|| fail(AppError::Stale))?;
    Ok(Saved {
        id: case.id,
        version,
        state,
    })
}

/// A bureau's search of its filed cases (`/cases`): by case number, institution, item, state
/// and date of submission; every part optional; 25 a page, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseQuery {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub item: String,
    /// A state code, or empty for every state.
    #[serde(default)]
    pub state: String,
    /// Submitted from / to, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
}

/// One page of the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSearch {
    pub rows: Vec<CaseRow>,
    pub total: u64,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
}

/// Cases a page.
pub const CASES_PAGE: u64 = 25;

/// Reads a case search: every problem addressed to its field.
#[cfg(feature = "ssr")]
pub fn case_filter(
    q: &CaseQuery,
) -> Result<(crate::store::cases::CaseFilter, u64), crate::domain::error::FieldErrors> {
    let mut e = crate::domain::error::FieldErrors::new();
    for (field, v) in [
        ("number", &q.number),
        ("institution", &q.institution),
        ("item", &q.item),
    ] {
        if v.chars().count() > 100 {
            e.add(field, "err.registry.too_long");
        }
    }
    let state = match q.state.trim() {
        "" => None,
        s => match CaseState::from_code(s) {
            Some(CaseState::Draft) | None => {
                e.add("state", "err.cases.state");
                None
            }
            Some(s) => Some(s.code().to_string()),
        },
    };
    let (from, to) = crate::domain::stats::parse_open_period(&mut e, &q.from, &q.to);
    let page = crate::domain::formats::parse_page(&mut e, &q.page);
    e.into_result()?;
    Ok((
        crate::store::cases::CaseFilter {
            number: q.number.trim().to_string(),
            institution: q.institution.trim().to_string(),
            item: q.item.trim().to_string(),
            state,
            from,
            to,
        },
        page,
    ))
}

/// Searches the filed cases in the user's scope (bureau roles and observers: their county's;
/// the prefecture's: every county's).
#[server(prefix = "/api", endpoint = "search_cases", input = leptos::server_fn::codec::GetUrl)]
pub async fn search_cases(#[server(default)] query: CaseQuery) -> Result<CaseSearch, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, case_list_scope, Permission};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewCaseLists, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let (filter, page) = case_filter(&query).map_err(|e| fail(AppError::Validation(e)))?;
    let county = case_list_scope(&me.actor).map(|c| c.0);
    let (list, total) =
        crate::store::cases::search(&st.db, county, &filter, (page - 1) * CASES_PAGE, CASES_PAGE)
            .await?;
    Ok(CaseSearch {
        rows: ssr::rows(&st.db, list, st.clock.now()).await?,
        total,
        page,
        pages: total.div_ceil(CASES_PAGE).max(1),
    })
}
