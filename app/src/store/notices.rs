//! 站内通知: writes the notices of a move in the move's transaction (`domain::notice` decides who
//! is told what), and reads one account's inbox.
//!
//! Each notice has a unique key (the move or the seat it comes from, and the recipient): the
//! insert skips a key already written, so a replayed move or a second sweep tells nobody twice.

use super::cases::{self, Case};
use super::entities::{notice, seat, user_account};
use crate::domain::deadline::Clock as DeadlineClock;
use crate::domain::lifecycle::{CaseLevel, SeatStatus, Transition};
use crate::domain::notice::{for_move, move_key, seat_key, Audience, Condition, NoticeKind};
use crate::domain::role::Role;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// How many notices the inbox shows.
pub const INBOX_PAGE: u64 = 100;

/// The notices of a move just recorded: `before` is the case as it was, `version` its version
/// then. Call inside the move's transaction, after the move's effects (the seats) are written.
pub async fn case_moved<C: ConnectionTrait>(
    c: &C,
    before: &Case,
    version: i32,
    t: &Transition,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(after) = cases::get(c, before.id).await? else {
        return Ok(());
    };
    for row in for_move(t.action, t.from) {
        if row.when == Condition::AllSigned && !all_signed(c, after.id).await? {
            continue;
        }
        let facts = facts_of(&after, row.kind, t.reason.as_deref());
        for to in recipients(c, &after, row.audience).await? {
            let key = move_key(after.id, version, row.kind, to.id);
            write(c, &to, row.kind, &after, &facts, key, now).await?;
        }
    }
    seats_changed(c, &after, now).await
}

/// Tells each expert of a seat of theirs that is new (an invitation, also a promoted backup's
/// or a supplementary draw's) or was given to another. Once per seat.
pub async fn seats_changed<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let seats = seat::Entity::find()
        .filter(seat::Column::CaseId.eq(case.id))
        .filter(
            seat::Column::Status.is_in([SeatStatus::Invited.code(), SeatStatus::Replaced.code()]),
        )
        .all(c)
        .await?;
    for s in seats {
        let kind = if SeatStatus::from_code(&s.status) == SeatStatus::Invited {
            NoticeKind::Invitation
        } else {
            NoticeKind::SeatReplaced
        };
        let mut facts = facts_of(case, kind, None);
        if kind == NoticeKind::Invitation {
            facts.insert("respond_by".into(), s.respond_by.to_string().into());
        }
        let accounts = user_account::Entity::find()
            .filter(user_account::Column::ExpertId.eq(s.expert_id))
            .filter(user_account::Column::Role.eq(Role::Expert.code()))
            .filter(user_account::Column::Disabled.eq(false))
            .all(c)
            .await?;
        for to in accounts {
            write(c, &to, kind, case, &facts, seat_key(s.id, kind), now).await?;
        }
    }
    Ok(())
}

type Facts = serde_json::Map<String, serde_json::Value>;

/// What the text of a notice is filled with. An invitation names the case by its number and
/// stage only (`NoticeKind::names_the_institution`).
fn facts_of(case: &Case, kind: NoticeKind, reason: Option<&str>) -> Facts {
    let mut f = Facts::new();
    f.insert(
        "number".into(),
        case.number.clone().unwrap_or_default().into(),
    );
    f.insert("level".into(), case.level.clone().into());
    if kind.names_the_institution() {
        // Every placeholder of these texts is filled, if only with nothing.
        f.insert("item".into(), case.item_name.clone().into());
        f.insert("reason".into(), reason.unwrap_or_default().trim().into());
        f.insert(
            "category".into(),
            case.category.clone().unwrap_or_default().into(),
        );
        // The determination's re-review deadline (复审申请期), when the case has one.
        if kind == NoticeKind::Determined
            && case.clock.as_deref() == Some(DeadlineClock::RereviewRequest.code())
        {
            if let Some(d) = case.due_on {
                f.insert("due_on".into(), d.to_string().into());
            }
        }
    }
    f
}

/// Where the recipient takes the next step.
fn link_of(kind: NoticeKind, case: &Case) -> String {
    match kind {
        NoticeKind::Invitation | NoticeKind::SeatReplaced => "/expert".into(),
        NoticeKind::ReviewStarted | NoticeKind::InfoProvided => {
            format!("/cases/{}/sheet", case.id)
        }
        NoticeKind::OpinionToSign
        | NoticeKind::OpinionReturned
        | NoticeKind::OpinionReadyToSeal => format!("/cases/{}/opinion", case.id),
        NoticeKind::SeatDeclined => format!("/cases/{}/draw", case.id),
        _ => format!("/cases/{}", case.id),
    }
}

async fn write<C: ConnectionTrait>(
    c: &C,
    to: &user_account::Model,
    kind: NoticeKind,
    case: &Case,
    facts: &Facts,
    key: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // The bureau's clerks get the panel's link to the case page, not the expert's sheet.
    let link = if kind == NoticeKind::InfoProvided && to.role != Role::Expert.code() {
        format!("/cases/{}", case.id)
    } else {
        link_of(kind, case)
    };
    notice::Entity::insert(notice::ActiveModel {
        recipient_id: Set(to.id),
        kind: Set(kind.code().into()),
        case_id: Set(Some(case.id)),
        facts: Set(serde_json::Value::Object(facts.clone()).to_string()),
        link: Set(link),
        dedupe_key: Set(key),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(notice::Column::DedupeKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The active accounts an audience of this case resolves to.
async fn recipients<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    audience: Audience,
) -> Result<Vec<user_account::Model>, DbErr> {
    let level = CaseLevel::from_code(&case.level).unwrap_or(CaseLevel::County);
    let q = user_account::Entity::find().filter(user_account::Column::Disabled.eq(false));
    let staff = |county: Role, prefecture: Role| match level {
        CaseLevel::County => q
            .clone()
            .filter(user_account::Column::Role.eq(county.code()))
            .filter(user_account::Column::CountyId.eq(case.county_id)),
        CaseLevel::Prefecture => q
            .clone()
            .filter(user_account::Column::Role.eq(prefecture.code())),
    };
    let q = match audience {
        Audience::Institution => q
            .filter(user_account::Column::Role.eq(Role::InstitutionUser.code()))
            .filter(user_account::Column::InstitutionId.eq(case.institution_id)),
        Audience::Clerks => staff(Role::CountyClerk, Role::PrefectureClerk),
        Audience::Directors => staff(Role::CountyDirector, Role::PrefectureDirector),
        Audience::PrefectureClerks => {
            q.filter(user_account::Column::Role.eq(Role::PrefectureClerk.code()))
        }
        Audience::PrefectureDirectors => {
            q.filter(user_account::Column::Role.eq(Role::PrefectureDirector.code()))
        }
        Audience::Panel => {
            let experts: Vec<i64> = seat::Entity::find()
                .select_only()
                .column(seat::Column::ExpertId)
                .filter(seat::Column::CaseId.eq(case.id))
                .filter(seat::Column::Status.eq(SeatStatus::Accepted.code()))
                .into_tuple()
                .all(c)
                .await?;
            q.filter(user_account::Column::Role.eq(Role::Expert.code()))
                .filter(user_account::Column::ExpertId.is_in(experts))
        }
    };
    q.order_by_asc(user_account::Column::Id).all(c).await
}

async fn all_signed<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<bool, DbErr> {
    let seated = seat::Entity::find()
        .filter(seat::Column::CaseId.eq(case_id))
        .filter(seat::Column::Status.eq(SeatStatus::Accepted.code()))
        .all(c)
        .await?;
    Ok(!seated.is_empty() && seated.iter().all(|s| s.opinion_signed))
}

// ---------------------------------------------------------------------------------------------
// The inbox
// ---------------------------------------------------------------------------------------------

/// One account's newest notices, newest first.
pub async fn inbox<C: ConnectionTrait>(c: &C, recipient: i64) -> Result<Vec<notice::Model>, DbErr> {
    notice::Entity::find()
        .filter(notice::Column::RecipientId.eq(recipient))
        .order_by_desc(notice::Column::Id)
        .limit(INBOX_PAGE)
        .all(c)
        .await
}

pub async fn unread<C: ConnectionTrait>(c: &C, recipient: i64) -> Result<u64, DbErr> {
    notice::Entity::find()
        .filter(notice::Column::RecipientId.eq(recipient))
        .filter(notice::Column::ReadAt.is_null())
        .count(c)
        .await
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<notice::Model>, DbErr> {
    notice::Entity::find_by_id(id).one(c).await
}

/// Marks one notice (or, with `None`, every notice) of the recipient read; a notice read
/// before keeps its first reading time.
pub async fn mark_read<C: ConnectionTrait>(
    c: &C,
    recipient: i64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut q = notice::Entity::update_many()
        .col_expr(notice::Column::ReadAt, Expr::value(now))
        .filter(notice::Column::RecipientId.eq(recipient))
        .filter(notice::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notice::Column::Id.eq(id));
    }
    Ok(q.exec(c).await?.rows_affected)
}

/// Every notice of a case with its recipient, for the bureau's record of who was told what.
pub async fn of_case<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<(notice::Model, Option<user_account::Model>)>, DbErr> {
    let list = notice::Entity::find()
        .filter(notice::Column::CaseId.eq(case_id))
        .order_by_asc(notice::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i64> = list.iter().map(|n| n.recipient_id).collect();
    let people: std::collections::HashMap<i64, user_account::Model> = user_account::Entity::find()
        .filter(user_account::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(list
        .into_iter()
        .map(|n| {
            let who = people.get(&n.recipient_id).cloned();
            (n, who)
        })
        .collect())
}
