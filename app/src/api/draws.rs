//! Server functions of the draw (抽取), invitations and lending of experts.
//!
//! The seats are chosen by the server only: `run_draw` takes the criteria, never the experts.
//! Experts answer their invitation through `case_action` (accept with the declaration,
//! decline, declare a conflict); the lifecycle's effects seat the next backup.

use super::AppError;
use crate::domain::case::{CaseLevel, CaseState, SeatStatus};
use crate::domain::draw::{DrawCriteria, DrawError, Exclusion, SeatRole};
use crate::domain::expert::ExpertKind;
#[cfg(feature = "ssr")]
use crate::domain::ids::ExpertId;
use crate::domain::item::ItemDomain;
use crate::domain::terms::Stage;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// An expert as the draw pages show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertBrief {
    pub id: i64,
    pub name: String,
    pub employer: String,
    pub kind: ExpertKind,
    pub domains: Vec<ItemDomain>,
    pub stages: Vec<Stage>,
    /// 县（市）, or empty for the prefecture pool.
    pub county_name: String,
}

/// An excluded expert and every reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedView {
    pub expert: ExpertBrief,
    pub reasons: Vec<Exclusion>,
}

/// A panel seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatView {
    pub seat_id: i64,
    /// Empty when the viewer may not see panel names (the institution before the determination).
    pub expert_name: String,
    pub expert_id: Option<i64>,
    pub role: SeatRole,
    pub lead: bool,
    pub status: SeatStatus,
    pub reason: String,
    pub invited_at: String,
    pub respond_by: NaiveDate,
    pub answered_at: Option<String>,
    pub draw_seq: i32,
}

/// A backup taking a vacated seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplacementView {
    pub seat_index: usize,
    pub previous: String,
    pub backup: String,
    pub at: String,
}

/// One draw record, in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawRecordView {
    pub seq: i32,
    /// "initial", "redraw", "supplementary"
    pub kind: String,
    pub reason: String,
    pub at: String,
    pub operator: String,
    pub observer: Option<String>,
    pub seed: String,
    pub algorithm: String,
    pub digest: String,
    pub criteria: DrawCriteria,
    pub seats: Vec<(ExpertBrief, SeatRole)>,
    pub backups: Vec<ExpertBrief>,
    pub replacements: Vec<ReplacementView>,
    pub candidates: Vec<ExpertBrief>,
    pub excluded: Vec<ExcludedView>,
}

/// The county's request to borrow the prefecture's experts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoanView {
    pub case_id: i64,
    pub number: Option<String>,
    pub item_name: String,
    pub county_name: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub granted_by: Option<String>,
    pub granted_at: Option<String>,
    pub note: String,
}

/// Everything the draw page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawView {
    pub case_id: i64,
    pub number: Option<String>,
    pub state: CaseState,
    pub version: i32,
    pub level: CaseLevel,
    pub item_name: String,
    pub domain: ItemDomain,
    pub stage: Stage,
    pub institution_name: String,
    pub county_name: String,
    /// Defaults for a new panel (settings).
    pub criteria: DrawCriteria,
    /// What a supplementary draw would fill now, if any seat is vacant.
    pub vacancies: Option<DrawCriteria>,
    pub eligible: Vec<ExpertBrief>,
    pub excluded: Vec<ExcludedView>,
    /// Why a draw with the default criteria cannot succeed now, if it cannot.
    pub problem: Option<DrawError>,
    /// Observer accounts who may witness (id, name).
    pub observers: Vec<(i64, String)>,
    pub seats: Vec<SeatView>,
    pub records: Vec<DrawRecordView>,
    pub loan: Option<LoanView>,
    pub can_draw: bool,
    pub can_redraw: bool,
    pub can_supplement: bool,
    pub can_request_experts: bool,
    pub can_resume: bool,
    /// The clerk may replace a seated expert (no answer in time, cannot serve).
    pub can_replace: bool,
    /// The draw rules of this level: only experts whose title was checked are drawn (guide
    /// 五(三)).
    pub require_verified_titles: bool,
    /// The reader may change the draw rules (the level's director).
    pub can_set_rules: bool,
}

/// A draw the clerk asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDrawInput {
    pub id: i64,
    pub version: i32,
    /// "initial", "redraw" or "supplementary"
    pub kind: String,
    pub panel_size: usize,
    pub backups: usize,
    #[serde(default)]
    pub reason: String,
    pub observer: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawDone {
    pub seq: i32,
    pub version: i32,
    pub digest: String,
}

/// The result of re-running one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyView {
    pub seq: i32,
    pub kind: String,
    pub ok: bool,
    pub digest_ok: bool,
    /// Message keys with their arguments, one per difference found.
    pub problems: Vec<(String, Vec<(String, String)>)>,
}

/// An invitation or seat on the expert's home.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub case_id: i64,
    pub number: Option<String>,
    pub item_name: String,
    pub institution_name: String,
    pub domain: ItemDomain,
    pub stage: Stage,
    pub status: SeatStatus,
    pub lead: bool,
    pub respond_by: NaiveDate,
    pub overdue: bool,
    pub case_state: CaseState,
    /// The case's current time limit (the panel review's, once under review).
    pub due_on: Option<NaiveDate>,
    /// The identification meeting (鉴定会), "2026-04-08 14:30 · place", once scheduled.
    #[serde(default)]
    pub meeting: Option<String>,
    /// The member confirmed the policy briefing (政策培训).
    #[serde(default)]
    pub briefing_confirmed: bool,
}

/// A draw an observer witnessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WitnessedRow {
    pub case_id: i64,
    pub number: Option<String>,
    pub seq: i32,
    pub at: String,
    pub operator: String,
}

/// Reasons are kept short and required where the rules need them.
pub use crate::domain::draw::REASON_MAX;

#[cfg(feature = "ssr")]
pub(crate) use ssr::{names as ssr_names, seat_views as ssr_seat_views};

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{fail, internal, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::china_time::china_minute as cst;
    use crate::store::draws;
    use crate::store::entities::{draw_record, expert};
    use crate::store::{cases, reference};
    use sea_orm::ConnectionTrait;
    use std::collections::HashMap;

    pub struct Names {
        pub experts: HashMap<i64, expert::Model>,
        pub counties: HashMap<i64, String>,
    }

    pub async fn names<C: ConnectionTrait>(c: &C) -> Result<Names, AppError> {
        let experts = reference::experts(c)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let counties = reference::county_names(c).await?;
        Ok(Names { experts, counties })
    }

    impl Names {
        pub fn brief(&self, id: i64) -> ExpertBrief {
            match self.experts.get(&id) {
                Some(m) => {
                    let f = crate::store::experts::model_facts(m, 0, false);
                    ExpertBrief {
                        id,
                        name: m.name.clone(),
                        employer: m.employer.clone(),
                        kind: f.kind,
                        domains: f.domains,
                        stages: f.stages,
                        county_name: m
                            .county_id
                            .and_then(|c| self.counties.get(&c).cloned())
                            .unwrap_or_default(),
                    }
                }
                None => ExpertBrief {
                    id,
                    name: format!("#{id}"),
                    employer: String::new(),
                    kind: ExpertKind::SubjectTeaching,
                    domains: vec![],
                    stages: vec![],
                    county_name: String::new(),
                },
            }
        }
        pub fn name(&self, id: i64) -> String {
            self.experts
                .get(&id)
                .map_or_else(|| format!("#{id}"), |m| m.name.clone())
        }
    }

    /// The records and the loan of a case's draws, with the names of who ran, witnessed,
    /// asked and granted.
    async fn history(
        db: &sea_orm::DatabaseConnection,
        case: &cases::Case,
        names: &Names,
    ) -> Result<(Vec<DrawRecordView>, Option<LoanView>), AppError> {
        let recs = draws::records(db, case.id).await?;
        let loan = draws::loan(db, case.id).await?;
        let mut user_ids: Vec<i64> = recs
            .iter()
            .flat_map(|r| [Some(r.operator_id), r.observer_id])
            .flatten()
            .collect();
        if let Some(l) = &loan {
            user_ids.extend([Some(l.requested_by), l.granted_by].into_iter().flatten());
        }
        let users = reference::display_names(db, user_ids).await?;
        let mut records = Vec::new();
        for r in &recs {
            records.push(record_view(db, r, names, &users).await?);
        }
        let loan = loan
            .map(|l| loan_view(l, case, &names.counties, &users))
            .transpose()?;
        Ok((records, loan))
    }

    /// The draw page of a case the actor may see the draws of: the pool screened now, what a
    /// draw would find, the records, and what the actor may do (the lifecycle's actions).
    pub async fn draw_view(
        db: &sea_orm::DatabaseConnection,
        me: &Me,
        case: &cases::Case,
        facts: &crate::domain::case::CaseFacts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DrawView, AppError> {
        use crate::domain::lifecycle::{available_actions, ActionKind, Initiator};
        let names = names(db).await?;
        let screened = draws::screen_case(db, case, now).await?.screening;
        let criteria = draws::default_criteria(case)?;
        let vac = draws::vacancies(db, case).await?;
        let vacancies = (facts.state == CaseState::PanelDrawn && vac.panel_size > 0).then_some(vac);
        let problem =
            crate::domain::draw::draw(&screened.eligible, &vacancies.unwrap_or(criteria), [0; 32])
                .err();
        let (records, loan) = history(db, case, &names).await?;
        let actions = available_actions(facts, &Initiator::User(me.actor));
        let may = |k| actions.contains(&k);
        let is_clerk = may(ActionKind::RecordDraw)
            || may(ActionKind::Redraw)
            || may(ActionKind::Suspend)
            || may(ActionKind::Resume);
        let item = cases::item_of(case)?;
        let scope = draws::settings_scope(case)?;
        Ok(DrawView {
            case_id: case.id,
            number: case.number.clone(),
            state: facts.state,
            version: case.version,
            level: facts.level,
            item_name: item.name.clone(),
            domain: item.domain,
            stage: item.stage,
            institution_name: reference::institution(db, case.institution_id)
                .await?
                .map(|i| i.name)
                .unwrap_or_default(),
            county_name: names
                .counties
                .get(&case.county_id)
                .cloned()
                .unwrap_or_default(),
            criteria,
            vacancies,
            eligible: screened
                .eligible
                .iter()
                .map(|c| names.brief(c.id.0))
                .collect(),
            excluded: screened
                .excluded
                .iter()
                .map(|(e, r)| ExcludedView {
                    expert: names.brief(e.0),
                    reasons: r.clone(),
                })
                .collect(),
            problem,
            observers: if is_clerk {
                observers(db, case.county_id).await?
            } else {
                vec![]
            },
            seats: seat_views(db, case.id, Some(&names)).await?,
            records,
            loan,
            can_draw: may(ActionKind::RecordDraw),
            can_redraw: may(ActionKind::Redraw),
            can_supplement: may(ActionKind::DrawSupplement) && vacancies.is_some(),
            can_request_experts: may(ActionKind::Suspend) && facts.state == CaseState::Accepted,
            can_resume: may(ActionKind::Resume),
            can_replace: may(ActionKind::ReplaceSeat),
            require_verified_titles: draws::settings(db, scope)
                .await?
                .is_some_and(|s| s.require_verified_titles),
            can_set_rules: authorize(&me.actor, &Permission::SetDrawSettings(scope), None).is_ok(),
        })
    }

    /// What the clerk is told of a draw that was not committed.
    pub fn refused(r: draws::Refused) -> AppError {
        use crate::domain::lifecycle::TransitionError;
        use draws::Refused;
        match r {
            Refused::NotFound | Refused::Transition(TransitionError::NotFound) => {
                AppError::NotFound
            }
            Refused::Stale => AppError::Stale,
            Refused::AlreadyDrawn => AppError::Refused {
                key: "err.draw.already_committed".into(),
            },
            Refused::Transition(TransitionError::NotAllowed) => AppError::Forbidden,
            Refused::Transition(t) => AppError::Refused {
                key: t.key().to_string(),
            },
            Refused::Draw(e) => AppError::Refused {
                key: e.key().to_string(),
            },
        }
    }

    /// The case, if the actor may see its draw record (bureau roles and observers).
    pub async fn draw_case(
        me: &Me,
        id: i64,
    ) -> Result<(cases::Case, crate::domain::case::CaseFacts), AppError> {
        let (case, facts) = crate::api::server::visible_case(me, id).await?;
        authorize(&me.actor, &Permission::ViewDrawRecord, Some(&facts))
            .map_err(|d| fail(crate::api::denied(d)))?;
        Ok((case, facts))
    }

    pub async fn seat_views<C: ConnectionTrait>(
        c: &C,
        case_id: i64,
        names: Option<&Names>,
    ) -> Result<Vec<SeatView>, AppError> {
        let rows = draws::seats(c, case_id).await?;
        let seqs: HashMap<i64, i32> = draws::records(c, case_id)
            .await?
            .into_iter()
            .map(|r| (r.id, r.seq))
            .collect();
        rows.into_iter()
            .map(|s| {
                Ok(SeatView {
                    seat_id: s.id,
                    expert_name: names.map(|n| n.name(s.expert_id)).unwrap_or_default(),
                    expert_id: names.map(|_| s.expert_id),
                    role: s.seat_role()?,
                    lead: s.lead,
                    status: s.seat_status()?,
                    reason: if names.is_some() {
                        s.answer_reason.clone()
                    } else {
                        String::new()
                    },
                    invited_at: cst(s.invited_at),
                    respond_by: s.respond_by,
                    answered_at: s.answered_at.map(cst),
                    draw_seq: seqs.get(&s.draw_id).copied().unwrap_or(0),
                })
            })
            .collect()
    }

    pub async fn record_view<C: ConnectionTrait>(
        c: &C,
        rec: &draw_record::Model,
        names: &Names,
        users: &HashMap<i64, String>,
    ) -> Result<DrawRecordView, AppError> {
        let bad = |e: serde_json::Error| fail(internal(format!("draw record {}: {e}", rec.id)));
        let result: crate::domain::draw::DrawResult =
            serde_json::from_str(&rec.result).map_err(bad)?;
        let criteria: DrawCriteria = serde_json::from_str(&rec.criteria).map_err(bad)?;
        let candidates: Vec<crate::domain::draw::Candidate> =
            serde_json::from_str(&rec.candidates).map_err(bad)?;
        let excluded: Vec<(ExpertId, Vec<Exclusion>)> =
            serde_json::from_str(&rec.exclusions).map_err(bad)?;
        let reps = draws::replacements(c, rec.id).await?;
        Ok(DrawRecordView {
            seq: rec.seq,
            kind: rec.kind.clone(),
            reason: rec.reason.clone(),
            at: cst(rec.created_at),
            operator: users.get(&rec.operator_id).cloned().unwrap_or_default(),
            observer: rec.observer_id.and_then(|o| users.get(&o).cloned()),
            seed: rec.seed.clone(),
            algorithm: rec.algorithm.clone(),
            digest: rec.digest.clone(),
            criteria,
            seats: result
                .seats
                .iter()
                .map(|s| (names.brief(s.expert.0), s.role))
                .collect(),
            backups: result
                .backups
                .iter()
                .map(|b| names.brief(b.expert.0))
                .collect(),
            replacements: reps
                .iter()
                .map(|x| ReplacementView {
                    seat_index: x.seat_index as usize,
                    previous: names.name(x.previous_expert),
                    backup: names.name(x.backup_expert),
                    at: cst(x.at),
                })
                .collect(),
            candidates: candidates.iter().map(|c| names.brief(c.id.0)).collect(),
            excluded: excluded
                .into_iter()
                .map(|(id, reasons)| ExcludedView {
                    expert: names.brief(id.0),
                    reasons,
                })
                .collect(),
        })
    }

    pub fn loan_view(
        l: crate::store::entities::pool_loan::Model,
        case: &cases::Case,
        counties: &HashMap<i64, String>,
        users: &HashMap<i64, String>,
    ) -> Result<LoanView, AppError> {
        Ok(LoanView {
            case_id: l.case_id,
            number: case.number.clone(),
            item_name: cases::item_of(case)?.name,
            county_name: counties.get(&case.county_id).cloned().unwrap_or_default(),
            reason: l.reason,
            requested_by: users.get(&l.requested_by).cloned().unwrap_or_default(),
            requested_at: cst(l.requested_at),
            granted_by: l.granted_by.and_then(|g| users.get(&g).cloned()),
            granted_at: l.granted_at.map(cst),
            note: l.note,
        })
    }

    pub fn difference_message(
        d: &crate::domain::draw::Difference,
    ) -> (String, Vec<(String, String)>) {
        use crate::domain::draw::Difference as D;
        let n = |i: usize| ("n".to_string(), (i + 1).to_string());
        match d {
            D::Algorithm { recorded, .. } => (
                "draw.verify.algorithm".into(),
                vec![("algorithm".into(), recorded.clone())],
            ),
            D::DrawFailed { error } => (error.key().into(), error.args()),
            D::Replacement { index, .. } => ("draw.verify.replacement".into(), vec![n(*index)]),
            D::Seat { index, .. } => ("draw.verify.seat".into(), vec![n(*index)]),
            D::Backup { index, .. } => ("draw.verify.backup".into(), vec![n(*index)]),
        }
    }

    pub async fn observers<C: ConnectionTrait>(
        c: &C,
        county: i64,
    ) -> Result<Vec<(i64, String)>, AppError> {
        use crate::domain::role::{Role, Scope};
        let all = crate::store::accounts::list(c).await?;
        Ok(all
            .into_iter()
            .filter(|u| u.role == Role::Observer.code() && !u.disabled)
            .filter(|u| {
                let scope = crate::store::accounts::actor_of(u).map(|a| a.scope);
                matches!(scope, Some(Scope::Prefecture))
                    || matches!(scope, Some(Scope::County(cid)) if cid.0 == county)
            })
            .map(|u| (u.id, u.display_name))
            .collect())
    }
}

/// The draw page of a case: criteria, the screened pool (eligible and excluded with reasons),
/// the panel, every draw record and the lending request. Bureau roles and observers.
#[server(prefix = "/api", endpoint = "draw_page")]
pub async fn draw_page(id: i64) -> Result<DrawView, AppError> {
    use super::server::{fail, require, state};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (case, facts) = ssr::draw_case(&me, id).await?;
    ssr::draw_view(&st.db, &me, &case, &facts, st.clock.now()).await
}

/// Sets the draw rules of the case's level (its county's, or the prefecture's for a
/// re-review): whether only experts whose title was checked are drawn. The level's director
/// only; a case the actor cannot see is not found. Applies to draws from now on.
#[server(prefix = "/api", endpoint = "set_draw_settings")]
pub async fn set_draw_settings(
    case_id: i64,
    require_verified_titles: bool,
) -> Result<(), AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::draws;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (case, _) = ssr::draw_case(&me, case_id).await?;
    let scope = draws::settings_scope(&case)?;
    authorize(&me.actor, &Permission::SetDrawSettings(scope), None)
        .map_err(|d| fail(crate::api::denied(d)))?;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    draws::set_settings(&txn, &by, scope, require_verified_titles, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Runs a draw with a fresh seed from the OS's CSPRNG and commits it (initial, redraw with a
/// written reason, or supplementary for vacant seats). Two clerks at once: one commits, the
/// other is told.
#[server(prefix = "/api", endpoint = "run_draw", input = Json)]
pub async fn run_draw(input: RunDrawInput) -> Result<DrawDone, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::draw::{check_request, DrawKind, DrawRequest};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (case, facts) = ssr::draw_case(&me, input.id).await?;
    authorize(&me.actor, &Permission::ManageDraw, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let Some(kind) = DrawKind::from_code(&input.kind) else {
        return Err(fail(AppError::Refused {
            key: "err.draw.kind".into(),
        }));
    };
    let req = DrawRequest {
        kind,
        panel_size: input.panel_size,
        backups: input.backups,
        reason: input.reason.trim().to_string(),
        observer: input.observer,
    };
    let observers = ssr::observers(&st.db, case.county_id).await?;
    let observer_allowed = observers.iter().any(|(id, _)| Some(*id) == req.observer);
    let errs = check_request(&req, observer_allowed);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let seed = crate::store::draws::fresh_seed()?;
    let (id, version, now) = (input.id, input.version, st.clock.now());
    let done = crate::store::transition::draw(&st.db, &me.actor, id, version, &req, seed, now)
        .await?
        .map_err(|r| fail(ssr::refused(r)))?;
    let (seq, version, digest) = (done.seq, done.version, done.digest);
    Ok(DrawDone {
        seq,
        version,
        digest,
    })
}

/// Too few eligible experts: the case is suspended with the reason and the prefecture is asked
/// to lend experts from its pool, in one step.
#[server(prefix = "/api", endpoint = "request_experts")]
pub async fn request_experts(id: i64, version: i32, reason: String) -> Result<i32, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::store::accounts::Updated;
    use crate::store::{draws, tx};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = ssr::draw_case(&me, id).await?;
    crate::domain::access::authorize(
        &me.actor,
        &crate::domain::access::Permission::ManageDraw,
        Some(&facts),
    )
    .map_err(|d| fail(super::denied(d)))?;
    let reason = reason.trim().to_string();
    if reason.chars().count() > REASON_MAX {
        let mut e = crate::domain::error::FieldErrors::new();
        e.add("loan.reason", "err.text_too_long");
        return Err(fail(AppError::Validation(e)));
    }
    if case.version != version {
        return Err(fail(AppError::Stale));
    }
    let action = Action::Suspend {
        reason: reason.clone(),
    };
    let t = apply(&facts, &action, &Initiator::User(me.actor), now)
        .map_err(|e| fail(super::transition_refused(e)))?;
    let txn = tx::begin_write(&st.db, now).await?;
    let details = serde_json::json!({ "action": action, "note": "" });
    if crate::store::transition::record(&txn, Some(&me.actor), &case, version, &t, details, now)
        .await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    // Asked before: that request stands (granted or not); the suspension is recorded anyway.
    draws::request_loan(&txn, &me.actor, id, &reason, now).await?;
    txn.commit().await?;
    Ok(version + 1)
}

/// The prefecture's requests to lend experts (prefecture clerk and director).
#[server(prefix = "/api", endpoint = "loan_requests")]
pub async fn loan_requests() -> Result<Vec<LoanView>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::{cases, draws, reference};
    let me = require().await?;
    authorize(&me.actor, &Permission::EditExpertPool, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let loans = draws::loans(&st.db).await?;
    let counties = reference::county_names(&st.db).await?;
    let ids: Vec<i64> = loans
        .iter()
        .flat_map(|l| [Some(l.requested_by), l.granted_by])
        .flatten()
        .collect();
    let users = reference::display_names(&st.db, ids).await?;
    let mut out = Vec::new();
    for l in loans {
        if let Some(case) = cases::get(&st.db, l.case_id).await? {
            out.push(ssr::loan_view(l, &case, &counties, &users)?);
        }
    }
    Ok(out)
}

/// The prefecture lends its pool to a suspended county case; the county then resumes and draws.
#[server(prefix = "/api", endpoint = "grant_loan")]
pub async fn grant_loan(case_id: i64, note: String) -> Result<(), AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::accounts::Updated;
    use crate::store::{draws, tx};
    let me = require().await?;
    authorize(&me.actor, &Permission::EditExpertPool, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let note: String = note.trim().chars().take(REASON_MAX).collect();
    if draws::loan(&st.db, case_id).await?.is_none() {
        return Err(fail(AppError::NotFound));
    }
    let txn = tx::begin_write(&st.db, now).await?;
    if draws::grant_loan(&txn, &me.actor, case_id, &note, now).await? == Updated::Stale {
        return Err(fail(AppError::Refused {
            key: "err.loan.already_granted".into(),
        }));
    }
    txn.commit().await?;
    Ok(())
}

/// Re-runs every draw record of the case from the record alone and checks its digests.
#[server(prefix = "/api", endpoint = "verify_draws")]
pub async fn verify_draws(id: i64) -> Result<Vec<VerifyView>, AppError> {
    use super::server::{fail, require, state};
    use crate::store::draws;
    let me = require().await?;
    let st = state().map_err(fail)?;
    ssr::draw_case(&me, id).await?;
    let out = draws::verify_case(&st.db, id).await?;
    Ok(out
        .into_iter()
        .map(|v| {
            let mut problems: Vec<(String, Vec<(String, String)>)> = match &v.rerun {
                Ok(()) => vec![],
                Err(ds) => ds.iter().map(ssr::difference_message).collect(),
            };
            if !v.digest_ok {
                problems.push(("draw.verify.digest".into(), vec![]));
            }
            if let Some(u) = &v.unreadable {
                problems.push((
                    "draw.verify.unreadable".into(),
                    vec![("what".into(), u.clone())],
                ));
            }
            VerifyView {
                seq: v.seq,
                kind: v.kind.clone(),
                ok: v.ok(),
                digest_ok: v.digest_ok,
                problems,
            }
        })
        .collect())
}

/// The signed-in expert's invitations and seats, open ones first.
#[server(prefix = "/api", endpoint = "my_invitations")]
pub async fn my_invitations() -> Result<Vec<InvitationRow>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::china_time::china_date;
    use crate::store::{cases, reference};
    let me = require().await?;
    crate::domain::access::authorize(
        &me.actor,
        &crate::domain::access::Permission::ViewOwnInvitations,
        None,
    )
    .map_err(|d| fail(super::denied(d)))?;
    let Some(ExpertId(expert)) = me.actor.expert() else {
        return Err(fail(AppError::Forbidden));
    };
    let st = state().map_err(fail)?;
    let today = china_date(st.clock.now());
    let rows = crate::store::draws::open_seats_of(&st.db, expert).await?;
    let insts = reference::institution_names(&st.db).await?;
    let mut out = Vec::new();
    for s in rows {
        let Some(case) = cases::get(&st.db, s.case_id).await? else {
            continue;
        };
        let item = cases::item_of(&case)?;
        let status = s.seat_status()?;
        let (meeting, briefing_confirmed) = if status == SeatStatus::Accepted {
            super::meetings::ssr::for_member(&st.db, case.id, expert)
                .await
                .map_err(fail)?
        } else {
            (None, false)
        };
        out.push(InvitationRow {
            meeting,
            briefing_confirmed,
            case_id: case.id,
            number: case.number.clone(),
            item_name: item.name,
            institution_name: insts.get(&case.institution_id).cloned().unwrap_or_default(),
            domain: item.domain,
            stage: item.stage,
            status,
            lead: s.lead,
            respond_by: s.respond_by,
            overdue: (status == SeatStatus::Invited && today > s.respond_by)
                || (status == SeatStatus::Accepted && case.due_on.is_some_and(|d| today > d)),
            case_state: case.case_state()?,
            due_on: case.due_on,
        });
    }
    out.sort_by_key(|r| r.status != SeatStatus::Invited);
    Ok(out)
}

/// The draws an observer witnessed.
#[server(prefix = "/api", endpoint = "witnessed_draws")]
pub async fn witnessed_draws() -> Result<Vec<WitnessedRow>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::store::{cases, reference};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewWitnessedDraws, None)
        .map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let recs = crate::store::draws::witnessed_by(&st.db, me.actor.user_id.0).await?;
    let users =
        reference::display_names(&st.db, recs.iter().map(|r| r.operator_id).collect()).await?;
    let mut out = Vec::new();
    for r in recs {
        let number = cases::get(&st.db, r.case_id).await?.and_then(|c| c.number);
        out.push(WitnessedRow {
            case_id: r.case_id,
            number,
            seq: r.seq,
            at: crate::domain::china_time::china_minute(r.created_at),
            operator: users.get(&r.operator_id).cloned().unwrap_or_default(),
        });
    }
    Ok(out)
}
