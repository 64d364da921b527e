//! Server functions of the identification meeting (鉴定会) and the policy briefing (政策培训):
//! the clerk schedules or moves the meeting and records attendance and minutes; each member
//! reads the basis documents of the case's rubric version and confirms them (required before a
//! score sheet can be submitted). The institution never sees any of it.

use super::AppError;
use crate::domain::case::CaseState;
use crate::domain::meeting::{MeetingInput, MinutesInput};
use crate::domain::rubric::{BasisDoc, Dimension};
use crate::domain::terms::Text;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The meeting as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingView {
    pub version: i32,
    /// China Standard Time, "2026-04-08 14:30".
    pub starts_at: String,
    /// The same, as a `datetime-local` value.
    pub starts_input: String,
    pub online: bool,
    pub place: String,
    pub agenda: String,
    /// The meeting's time has come.
    pub started: bool,
    /// Attendance and minutes recorded.
    pub held: bool,
    pub attended: Vec<i64>,
    pub others: String,
    pub minutes: String,
    pub minutes_at: Option<String>,
}

/// A panel member and their briefing confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberBriefing {
    pub expert_id: i64,
    pub name: String,
    pub confirmed_at: Option<String>,
}

/// What the briefing shows: the basis of the case's rubric version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Briefing {
    pub rubric_version: u32,
    pub title: Text,
    pub basis: Vec<BasisDoc>,
    pub verdict_rule: Text,
    pub dimensions: Vec<Dimension>,
}

/// Everything the meeting page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingPage {
    pub case_id: i64,
    pub number: Option<String>,
    pub item_name: String,
    pub state: CaseState,
    pub meeting: Option<MeetingView>,
    pub members: Vec<MemberBriefing>,
    /// The clerk may schedule, move and record minutes now.
    pub can_manage: bool,
    /// The signed-in member may confirm the briefing now.
    pub can_confirm: bool,
    /// The signed-in member is on the panel (the briefing is theirs to read).
    pub is_member: bool,
    pub my_confirmed_at: Option<String>,
    pub briefing: Briefing,
    /// The director's waiver of the meeting (reason, by, CST time), if recorded.
    #[serde(default)]
    pub waiver: Option<(String, String, String)>,
    /// The signed-in director may waive the meeting now.
    #[serde(default)]
    pub can_waive: bool,
    /// The case's version (for the waiver).
    #[serde(default)]
    pub case_version: i32,
}

/// Schedules (version 0) or moves the meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingSave {
    pub case_id: i64,
    pub version: i32,
    pub meeting: MeetingInput,
}

/// Records attendance and minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinutesSave {
    pub case_id: i64,
    pub version: i32,
    pub minutes: MinutesInput,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::server::{db, fail, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::case::CaseFacts;
    use crate::domain::china_time::china_minute as cst;
    use crate::domain::china_time::input_value;
    use crate::domain::rubric::rubric;
    use crate::store::cases::Case;
    use crate::store::meetings::{self, Meeting};
    use chrono::{DateTime, Utc};
    use sea_orm::DatabaseConnection;

    pub fn view(m: &Meeting, now: DateTime<Utc>) -> MeetingView {
        MeetingView {
            version: m.version,
            starts_at: cst(m.starts_at),
            starts_input: input_value(m.starts_at),
            online: m.online,
            place: m.place.clone(),
            agenda: m.agenda.clone(),
            started: now >= m.starts_at,
            held: meetings::held(m),
            attended: meetings::attended(m),
            others: m.others.clone(),
            minutes: m.minutes.clone(),
            minutes_at: m.minutes_at.map(cst),
        }
    }

    /// The case, its facts and `perm` checked (a case outside the actor's view is not found).
    pub async fn case_for(
        me: &Me,
        case_id: i64,
        perm: Permission,
    ) -> Result<(Case, CaseFacts), AppError> {
        let (case, facts) = crate::api::server::visible_case(me, case_id).await?;
        authorize(&me.actor, &perm, Some(&facts)).map_err(|d| fail(crate::api::denied(d)))?;
        Ok((case, facts))
    }

    pub async fn page(
        dbc: &DatabaseConnection,
        me: &Me,
        case: &Case,
        facts: &CaseFacts,
        now: DateTime<Utc>,
    ) -> Result<MeetingPage, AppError> {
        let Some(r) = rubric(case.rubric_version as u32) else {
            return Err(fail(crate::api::server::internal("rubric version missing")));
        };
        let meeting = meetings::get(dbc, case.id).await?;
        let acks = meetings::confirmations(dbc, case.id).await?;
        let members = crate::store::draws::panel_members(dbc, case.id)
            .await?
            .into_iter()
            .map(|(id, name)| MemberBriefing {
                expert_id: id,
                name,
                confirmed_at: acks.iter().find(|a| a.0 == id).map(|a| cst(a.1)),
            })
            .collect::<Vec<_>>();
        let me_expert = me.actor.expert().map(|e| e.0);
        let is_member = me_expert.is_some_and(|e| members.iter().any(|m| m.expert_id == e));
        let my_confirmed_at = me_expert.and_then(|e| {
            members
                .iter()
                .find(|m| m.expert_id == e)
                .and_then(|m| m.confirmed_at.clone())
        });
        let item = crate::store::cases::item_of(case)?;
        let waiver = match meetings::waiver(dbc, case.id).await? {
            Some(w) => {
                let by = crate::store::reference::display_names(dbc, vec![w.waived_by]).await?;
                Some((
                    w.reason,
                    by.get(&w.waived_by).cloned().unwrap_or_default(),
                    cst(w.waived_at),
                ))
            }
            None => None,
        };
        let held = meeting.as_ref().is_some_and(meetings::held);
        Ok(MeetingPage {
            case_version: case.version,
            can_waive: waiver.is_none()
                && !held
                && authorize(&me.actor, &Permission::WaiveMeeting, Some(facts)).is_ok(),
            waiver,
            case_id: case.id,
            number: case.number.clone(),
            item_name: item.name,
            state: facts.state,
            meeting: meeting.as_ref().map(|m| view(m, now)),
            members,
            can_manage: authorize(&me.actor, &Permission::ManageMeeting, Some(facts)).is_ok(),
            can_confirm: my_confirmed_at.is_none()
                && authorize(&me.actor, &Permission::ConfirmBriefing, Some(facts)).is_ok(),
            is_member,
            my_confirmed_at,
            briefing: Briefing {
                rubric_version: r.version,
                title: r.title.clone(),
                basis: r.basis.clone(),
                verdict_rule: r.verdict_rule.clone(),
                dimensions: r.dimensions.clone(),
            },
        })
    }

    /// The meeting line an expert's work list shows, and whether they confirmed the briefing.
    pub async fn for_member(
        dbc: &DatabaseConnection,
        case_id: i64,
        expert_id: i64,
    ) -> Result<(Option<String>, bool), AppError> {
        let m = meetings::get(dbc, case_id).await.map_err(db)?;
        let confirmed = meetings::confirmed(dbc, case_id, expert_id)
            .await
            .map_err(db)?
            .is_some();
        Ok((
            m.map(|m| format!("{} · {}", cst(m.starts_at), m.place)),
            confirmed,
        ))
    }
}

/// The meeting page: the meeting, the briefing and who confirmed it.
#[server(prefix = "/api", endpoint = "meeting_page")]
pub async fn get_meeting_page(case_id: i64) -> Result<MeetingPage, AppError> {
    use crate::domain::access::Permission;
    let me = super::server::require().await?;
    let st = super::server::state().map_err(super::server::fail)?;
    let (case, facts) = ssr::case_for(&me, case_id, Permission::ViewMeeting).await?;
    ssr::page(&st.db, &me, &case, &facts, st.clock.now()).await
}

/// The clerk schedules the meeting (version 0) or moves it (the version read).
#[server(prefix = "/api", endpoint = "schedule_meeting", input = Json)]
pub async fn schedule_meeting(input: MeetingSave) -> Result<MeetingView, AppError> {
    use super::server::fail;
    use crate::domain::access::Permission;
    use crate::domain::meeting::validate_meeting;
    use crate::store::{meetings, tx};
    let me = super::server::require().await?;
    let st = super::server::state().map_err(super::server::fail)?;
    let now = st.clock.now();
    let (case, _) = ssr::case_for(&me, input.case_id, Permission::ManageMeeting).await?;
    let valid = validate_meeting(&input.meeting, now).map_err(|e| fail(AppError::Validation(e)))?;
    let txn = tx::begin_write(&st.db, now).await?;
    match meetings::schedule(&txn, &me.actor, case.id, &valid, input.version, now).await? {
        Ok(m) => {
            txn.commit().await?;
            Ok(ssr::view(&m, now))
        }
        Err(_) => Err(fail(AppError::Stale)),
    }
}

/// The clerk records who attended the meeting and its minutes (after it started).
#[server(prefix = "/api", endpoint = "record_minutes", input = Json)]
pub async fn record_minutes(input: MinutesSave) -> Result<MeetingView, AppError> {
    use super::server::fail;
    use crate::domain::access::Permission;
    use crate::domain::ids::ExpertId;
    use crate::domain::meeting::validate_minutes;
    use crate::store::meetings::{self, Refused};
    use crate::store::tx;
    let me = super::server::require().await?;
    let st = super::server::state().map_err(super::server::fail)?;
    let now = st.clock.now();
    let (case, _) = ssr::case_for(&me, input.case_id, Permission::ManageMeeting).await?;
    let Some(current) = meetings::get(&st.db, case.id).await? else {
        return Err(fail(AppError::Refused {
            key: "err.meeting.none".into(),
        }));
    };
    let members: Vec<ExpertId> = crate::store::draws::panel_members(&st.db, case.id)
        .await?
        .into_iter()
        .map(|(id, _)| ExpertId(id))
        .collect();
    let errs = validate_minutes(&input.minutes, &members, current.starts_at, now);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let m = &input.minutes;
    let txn = tx::begin_write(&st.db, now).await?;
    match meetings::record_minutes(
        &txn,
        &me.actor,
        case.id,
        &m.attended,
        &m.others,
        &m.minutes,
        input.version,
        now,
    )
    .await?
    {
        Ok(saved) => {
            txn.commit().await?;
            Ok(ssr::view(&saved, now))
        }
        Err(Refused::Stale) => Err(fail(AppError::Stale)),
        Err(Refused::NoMeeting) => Err(fail(AppError::Refused {
            key: "err.meeting.none".into(),
        })),
    }
}

/// A panel member confirms having read the briefing; returns when (CST).
#[server(prefix = "/api", endpoint = "confirm_briefing")]
pub async fn confirm_briefing(case_id: i64) -> Result<String, AppError> {
    use super::server::fail;
    use crate::domain::access::Permission;
    use crate::store::{meetings, tx};
    let me = super::server::require().await?;
    let st = super::server::state().map_err(super::server::fail)?;
    let now = st.clock.now();
    let (case, _) = ssr::case_for(&me, case_id, Permission::ConfirmBriefing).await?;
    let Some(expert) = me.actor.expert() else {
        return Err(fail(AppError::Forbidden));
    };
    let txn = tx::begin_write(&st.db, now).await?;
    let at =
        meetings::confirm(&txn, &me.actor, case.id, expert.0, case.rubric_version, now).await?;
    txn.commit().await?;
    Ok(crate::domain::china_time::china_minute(at))
}

/// The director waives the identification meeting, with reasons (guide 七(三) otherwise
/// requires one, held and minuted, before the opinion): recorded once, audited, on the case's
/// timeline and the opinion.
#[server(prefix = "/api", endpoint = "waive_meeting")]
pub async fn waive_meeting(case_id: i64, version: i32, reason: String) -> Result<i32, AppError> {
    use super::server::{fail, require, state};
    use crate::store::{cases, meetings, tx};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = ssr::case_for(
        &me,
        case_id,
        crate::domain::access::Permission::WaiveMeeting,
    )
    .await?;
    let errs = crate::domain::meeting::validate_waiver(&reason);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    if meetings::get(&st.db, case.id)
        .await?
        .is_some_and(|m| meetings::held(&m))
    {
        return Err(fail(AppError::Refused {
            key: "err.meeting.already_held".into(),
        }));
    }
    let txn = tx::begin_write(&st.db, now).await?;
    if !cases::bump_version(&txn, case.id, version, now).await? {
        return Err(fail(AppError::Stale));
    }
    if !meetings::waive(&txn, &me.actor, case.id, &reason, now).await? {
        return Err(fail(AppError::Refused {
            key: "err.meeting.already_waived".into(),
        }));
    }
    cases::note_event(
        &txn,
        &me.actor,
        &case,
        "waive_meeting",
        facts.state,
        reason.trim(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version + 1)
}
