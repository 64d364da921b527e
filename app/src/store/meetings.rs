//! 鉴定会与政策培训: the case's identification meeting (scheduled, moved, then its attendance
//! and minutes) and the members' confirmations of the policy briefing. Every change is one
//! transaction with its audit event; call the writers inside `tx::begin_write`.

use super::audit::{self, Entry};
use super::entities::{briefing_ack, meeting, meeting_waiver};
use crate::domain::meeting::ValidMeeting;
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

pub use meeting::Model as Meeting;

/// Why a write was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Someone changed the meeting since this edit began.
    Stale,
    /// Minutes need a scheduled meeting.
    NoMeeting,
}

pub async fn get<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Option<Meeting>, DbErr> {
    meeting::Entity::find()
        .filter(meeting::Column::CaseId.eq(case_id))
        .one(c)
        .await
}

/// The members present, from the stored JSON.
pub fn attended(m: &Meeting) -> Vec<i64> {
    serde_json::from_str(&m.attended).unwrap_or_default()
}

/// The director's waiver of the case's meeting, if recorded.
pub async fn waiver<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<meeting_waiver::Model>, DbErr> {
    meeting_waiver::Entity::find_by_id(case_id).one(c).await
}

/// Records the director's waiver with its audit event; false when one was recorded already.
pub async fn waive<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if waiver(c, case_id).await?.is_some() {
        return Ok(false);
    }
    meeting_waiver::Entity::insert(meeting_waiver::ActiveModel {
        case_id: Set(case_id),
        reason: Set(reason.trim().to_string()),
        waived_by: Set(actor.user_id.0),
        waived_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        entry(
            actor,
            "meeting.waive",
            case_id,
            serde_json::json!({ "reason": reason.trim() }),
        ),
        now,
    )
    .await?;
    Ok(true)
}

/// Whether the panel may draft its opinion as far as the meeting goes (七(三)): the meeting
/// held with its minutes, or waived by the director; otherwise the key of what is missing.
pub async fn ready_for_opinion<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Result<(), &'static str>, DbErr> {
    let meeting = get(c, case_id).await?;
    let waived = waiver(c, case_id).await?.is_some();
    Ok(crate::domain::meeting::ready_for_opinion(
        meeting.is_some(),
        meeting.as_ref().is_some_and(held),
        waived,
    ))
}

/// Minutes have been recorded (the meeting was held).
pub fn held(m: &Meeting) -> bool {
    m.minutes_at.is_some()
}

fn entry(actor: &Actor, action: &str, case_id: i64, details: serde_json::Value) -> Entry {
    let mut e = Entry::new(action, format!("case:{case_id}")).details(details);
    e.actor_id = Some(actor.user_id.0);
    e.actor_role = actor.role.code().into();
    e
}

/// Schedules the meeting (`base_version` 0) or moves it (the version it was read at).
pub async fn schedule<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    m: &ValidMeeting,
    base_version: i32,
    now: DateTime<Utc>,
) -> Result<Result<Meeting, Refused>, DbErr> {
    let current = get(c, case_id).await?;
    let current_version = current.as_ref().map_or(0, |x| x.version);
    if current_version != base_version {
        return Ok(Err(Refused::Stale));
    }
    let saved = match current {
        None => {
            meeting::ActiveModel {
                case_id: Set(case_id),
                starts_at: Set(m.starts_at),
                place: Set(m.place.clone()),
                online: Set(m.online),
                agenda: Set(m.agenda.clone()),
                scheduled_by: Set(actor.user_id.0),
                scheduled_at: Set(now),
                version: Set(1),
                attended: Set("[]".into()),
                others: Set(String::new()),
                minutes: Set(String::new()),
                minutes_by: Set(None),
                minutes_at: Set(None),
                ..Default::default()
            }
            .insert(c)
            .await?
        }
        Some(old) => {
            let mut am: meeting::ActiveModel = old.into();
            am.starts_at = Set(m.starts_at);
            am.place = Set(m.place.clone());
            am.online = Set(m.online);
            am.agenda = Set(m.agenda.clone());
            am.scheduled_by = Set(actor.user_id.0);
            am.scheduled_at = Set(now);
            am.version = Set(current_version + 1);
            am.update(c).await?
        }
    };
    let action = if base_version == 0 {
        "meeting.schedule"
    } else {
        "meeting.move"
    };
    audit::append(
        c,
        entry(
            actor,
            action,
            case_id,
            serde_json::json!({
                "starts_at": m.starts_at.to_rfc3339(),
                "online": m.online,
                "place": m.place,
                "agenda": m.agenda,
            }),
        ),
        now,
    )
    .await?;
    super::notices::meeting_set(
        c,
        case_id,
        saved.version,
        saved.starts_at,
        &saved.place,
        now,
    )
    .await?;
    Ok(Ok(saved))
}

/// Records (or corrects) who attended and the minutes.
#[allow(clippy::too_many_arguments)]
pub async fn record_minutes<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    attended: &[i64],
    others: &str,
    minutes: &str,
    base_version: i32,
    now: DateTime<Utc>,
) -> Result<Result<Meeting, Refused>, DbErr> {
    let Some(old) = get(c, case_id).await? else {
        return Ok(Err(Refused::NoMeeting));
    };
    if old.version != base_version {
        return Ok(Err(Refused::Stale));
    }
    let mut present: Vec<i64> = attended.to_vec();
    present.sort_unstable();
    present.dedup();
    let version = old.version + 1;
    let mut am: meeting::ActiveModel = old.into();
    am.attended = Set(serde_json::to_string(&present).unwrap_or_else(|_| "[]".into()));
    am.others = Set(others.trim().to_string());
    am.minutes = Set(minutes.trim().to_string());
    am.minutes_by = Set(Some(actor.user_id.0));
    am.minutes_at = Set(Some(now));
    am.version = Set(version);
    let saved = am.update(c).await?;
    audit::append(
        c,
        entry(
            actor,
            "meeting.minutes",
            case_id,
            serde_json::json!({ "attended": present, "others": others.trim(), "minutes": minutes.trim() }),
        ),
        now,
    )
    .await?;
    Ok(Ok(saved))
}

/// The confirmations of a case's briefing: (expert, when), oldest first.
pub async fn confirmations<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, DbErr> {
    Ok(briefing_ack::Entity::find()
        .filter(briefing_ack::Column::CaseId.eq(case_id))
        .order_by_asc(briefing_ack::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.expert_id, a.confirmed_at))
        .collect())
}

/// When the expert confirmed the case's briefing, if they have.
pub async fn confirmed<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    expert_id: i64,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(briefing_ack::Entity::find()
        .filter(briefing_ack::Column::CaseId.eq(case_id))
        .filter(briefing_ack::Column::ExpertId.eq(expert_id))
        .one(c)
        .await?
        .map(|a| a.confirmed_at))
}

/// Records the expert's confirmation (once; a repeat changes nothing and answers the first).
pub async fn confirm<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    expert_id: i64,
    rubric_version: i32,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, DbErr> {
    if let Some(at) = confirmed(c, case_id, expert_id).await? {
        return Ok(at);
    }
    briefing_ack::Entity::insert(briefing_ack::ActiveModel {
        case_id: Set(case_id),
        expert_id: Set(expert_id),
        rubric_version: Set(rubric_version),
        confirmed_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        entry(
            actor,
            "briefing.confirm",
            case_id,
            serde_json::json!({ "expert": expert_id, "rubric_version": rubric_version }),
        ),
        now,
    )
    .await?;
    Ok(now)
}
