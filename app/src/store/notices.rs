//! 站内通知: writes the notices of a move in the move's transaction (`domain::notice` decides who
//! is told what), and reads one account's inbox.
//!
//! Each notice has a unique key (the move or the seat it comes from, and the recipient): the
//! insert skips a key already written, so a replayed move or a second sweep tells nobody twice.

use super::accounts::Updated;
use super::cases::{self, Case};
use super::entities::{county, notice, notice_contact, notice_delivery, seat, user_account};
use crate::domain::case::{CaseLevel, SeatStatus};
use crate::domain::deadline::Clock as DeadlineClock;
use crate::domain::lifecycle::Transition;
use crate::domain::notice::{
    for_move, kinds_for, move_key, seat_key, Audience, Channel, Condition, ContactInput,
    DeliveryState, NoticeKind, DIGEST_HOUR,
};
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
        let kind = if s.seat_status()? == SeatStatus::Invited {
            NoticeKind::Invitation
        } else {
            NoticeKind::SeatReplaced
        };
        let mut facts = facts_of(case, kind, None);
        if kind == NoticeKind::Invitation {
            facts.insert("respond_by".into(), s.respond_by.to_string().into());
            // What the expert needs to answer: the stage of the procedure, the county, the
            // item's field and pupils (not the institution, not the item's name).
            let item: serde_json::Value = serde_json::from_str(&case.item).unwrap_or_default();
            for key in ["domain", "stage"] {
                let code = item[key].as_str().unwrap_or_default();
                facts.insert(key.into(), code.into());
            }
            let county = county::Entity::find_by_id(case.county_id).one(c).await?;
            let (zh, en) = county.map(|k| (k.name_zh, k.name_en)).unwrap_or_default();
            facts.insert("county".into(), zh.into());
            facts.insert("county_en".into(), en.into());
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

/// Reminds those whose time limit ends soon and tells them when it has passed, once each per
/// case, clock and due date (`domain::notice::deadline_key`). Called by the background job
/// with the injected clock; in one write transaction.
pub async fn deadlines<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> Result<u32, DbErr> {
    use super::entities::jd_case;
    use crate::domain::china_time::china_date;
    use crate::domain::deadline::DeadlineStatus;
    use crate::domain::notice::{deadline_key, deadline_notices};
    let today = china_date(now);
    let limits = super::settings::time_limits(c).await?;
    let cal = &super::calendar::current(c).await?;
    // Due within two weeks (the due-soon threshold is a few working days), or passed within
    // two weeks (older ones were told when they passed: no need to look at them every run).
    let horizon = today + chrono::Duration::days(14);
    let passed = today - chrono::Duration::days(14);
    let running = jd_case::Entity::find()
        .filter(jd_case::Column::Clock.is_not_null())
        .filter(jd_case::Column::DueOn.lte(horizon))
        .filter(jd_case::Column::DueOn.gte(passed))
        .all(c)
        .await?;
    let mut told = 0;
    for case in running {
        let (Some(code), Some(due)) = (case.clock.as_deref(), case.due_on) else {
            continue;
        };
        let Some(clock) = DeadlineClock::from_code(code) else {
            continue;
        };
        let kind = match limits.status(due, today, cal) {
            DeadlineStatus::OnTime => continue,
            DeadlineStatus::DueSoon => NoticeKind::DueSoon,
            DeadlineStatus::Overdue => NoticeKind::Overdue,
        };
        for (audience, kind) in deadline_notices(clock, kind) {
            let mut facts = facts_of(&case, kind, None);
            facts.insert("clock".into(), clock.code().into());
            facts.insert("due_on".into(), due.to_string().into());
            for to in recipients(c, &case, audience).await? {
                let key = deadline_key(case.id, clock, due, kind, to.id);
                write(c, &to, kind, &case, &facts, key, now).await?;
                told += 1;
            }
        }
    }
    // Invitations left unanswered past their date: the clerks may draw a replacement.
    let unanswered = seat::Entity::find()
        .filter(seat::Column::Status.eq(SeatStatus::Invited.code()))
        .filter(seat::Column::RespondBy.lt(today))
        .filter(seat::Column::RespondBy.gte(passed))
        .all(c)
        .await?;
    for s in unanswered {
        let Some(case) = cases::get(c, s.case_id).await? else {
            continue;
        };
        let kind = NoticeKind::SeatUnanswered;
        let mut facts = facts_of(&case, kind, None);
        facts.insert("respond_by".into(), s.respond_by.to_string().into());
        for to in recipients(c, &case, Audience::Clerks).await? {
            let key = format!("{}:{}", seat_key(s.id, kind), to.id);
            write(c, &to, kind, &case, &facts, key, now).await?;
            told += 1;
        }
    }
    Ok(told)
}

/// Tells the panel that its meeting (专家会商) was set or moved: once per version of the meeting.
pub async fn meeting_set<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    meeting_version: i32,
    starts_at: DateTime<Utc>,
    place: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(case) = cases::get(c, case_id).await? else {
        return Ok(());
    };
    let kind = NoticeKind::MeetingSet;
    let mut facts = facts_of(&case, kind, None);
    facts.insert(
        "starts_at".into(),
        crate::domain::china_time::china_minute(starts_at).into(),
    );
    facts.insert("place".into(), place.trim().into());
    for to in recipients(c, &case, Audience::Panel).await? {
        let key = format!("meeting:{case_id}:{meeting_version}:{}", to.id);
        insert(
            c,
            &to,
            kind,
            Some(case_id),
            format!("/cases/{case_id}/meeting"),
            &facts,
            key,
            now,
        )
        .await?;
    }
    // The institution learns when and where it is identified, not by whom.
    let kind = NoticeKind::IdentificationScheduled;
    let mut facts = facts_of(&case, kind, None);
    facts.insert(
        "starts_at".into(),
        crate::domain::china_time::china_minute(starts_at).into(),
    );
    facts.insert("place".into(), place.trim().into());
    for to in recipients(c, &case, Audience::Institution).await? {
        let key = format!(
            "meeting:{case_id}:{meeting_version}:{}:{}",
            kind.code(),
            to.id
        );
        write(c, &to, kind, &case, &facts, key, now).await?;
    }
    Ok(())
}

/// Tells the prefecture of a county's request to lend experts (`granted`: false), or the
/// county's clerks that the prefecture lent them (true). Once each per case.
pub async fn loan<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    granted: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(case) = cases::get(c, case_id).await? else {
        return Ok(());
    };
    let (kind, audiences): (NoticeKind, &[Audience]) = if granted {
        (NoticeKind::LoanGranted, &[Audience::Clerks])
    } else {
        (
            NoticeKind::LoanRequested,
            &[Audience::PrefectureClerks, Audience::PrefectureDirectors],
        )
    };
    let facts = facts_of(&case, kind, Some(reason));
    for audience in audiences {
        for to in recipients(c, &case, *audience).await? {
            let key = format!("loan:{case_id}:{}:{}", kind.code(), to.id);
            write(c, &to, kind, &case, &facts, key, now).await?;
        }
    }
    Ok(())
}

/// Tells an expert or an institution that a credit record (信用记录) was filed about them.
pub async fn credit_filed<C: ConnectionTrait>(
    c: &C,
    record_id: i64,
    expert_id: Option<i64>,
    institution_id: Option<i64>,
    case_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let q = user_account::Entity::find().filter(user_account::Column::Disabled.eq(false));
    let (q, link) = match (expert_id, institution_id) {
        (Some(e), _) => (
            q.filter(user_account::Column::Role.eq(Role::Expert.code()))
                .filter(user_account::Column::ExpertId.eq(e)),
            "/expert/profile",
        ),
        (None, Some(i)) => (
            q.filter(user_account::Column::Role.eq(Role::InstitutionUser.code()))
                .filter(user_account::Column::InstitutionId.eq(i)),
            "/institution/profile",
        ),
        (None, None) => return Ok(()),
    };
    let mut facts = Facts::new();
    let number = match case_id {
        Some(id) => cases::get(c, id).await?.and_then(|k| k.number),
        None => None,
    };
    facts.insert("number".into(), number.unwrap_or_default().into());
    for to in q.all(c).await? {
        let key = format!("credit:{record_id}:{}", to.id);
        insert(
            c,
            &to,
            NoticeKind::CreditFiled,
            case_id,
            link.into(),
            &facts,
            key,
            now,
        )
        .await?;
    }
    Ok(())
}

type Facts = serde_json::Map<String, serde_json::Value>;

/// A stored notice's facts as the (placeholder, value) pairs its text is filled with.
pub fn facts_pairs(n: &notice::Model) -> Vec<(String, String)> {
    serde_json::from_str::<Facts>(&n.facts)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect()
}

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
        NoticeKind::SeatDeclined | NoticeKind::SeatUnanswered => {
            format!("/cases/{}/draw", case.id)
        }
        NoticeKind::SignatureDue => format!("/cases/{}/opinion", case.id),
        // The prefecture's list of requests is on its home page.
        NoticeKind::LoanRequested => "/".into(),
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
    insert(c, to, kind, Some(case.id), link, facts, key, now).await?;
    Ok(())
}

/// Writes one notice unless its key was written before, and its outbox rows; the new
/// notice's id.
#[allow(clippy::too_many_arguments)]
async fn insert<C: ConnectionTrait>(
    c: &C,
    to: &user_account::Model,
    kind: NoticeKind,
    case_id: Option<i64>,
    link: String,
    facts: &Facts,
    key: String,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let inserted = notice::Entity::insert(notice::ActiveModel {
        recipient_id: Set(to.id),
        kind: Set(kind.code().into()),
        case_id: Set(case_id),
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
    .exec(c)
    .await;
    let id = match inserted {
        Ok(r) => r.last_insert_id,
        // Told before (the same move or seat): nothing more to send either.
        Err(DbErr::RecordNotInserted) => return Ok(None),
        Err(e) => return Err(e),
    };
    queue(c, id, to, kind, now).await?;
    Ok(Some(id))
}

/// The outbox rows of a new notice, in its transaction: one per channel the recipient takes
/// this kind by and has an address for. An e-mail the recipient takes in the daily digest
/// waits for it; a text message in the quiet hours waits for their end.
async fn queue<C: ConnectionTrait>(
    c: &C,
    notice_id: i64,
    to: &user_account::Model,
    kind: NoticeKind,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some((k, _)) = saved_contact(c, to).await? else {
        return Ok(());
    };
    let mut rows = vec![];
    if k.email_now(kind) {
        rows.push((Channel::Email, k.email.clone(), now));
    }
    if let Some(at) = k.sms_at(kind, now) {
        rows.push((Channel::Sms, k.phone.clone(), at));
    }
    for (channel, address, next_at) in rows {
        notice_delivery::Entity::insert(notice_delivery::ActiveModel {
            notice_id: Set(notice_id),
            channel: Set(channel.code().into()),
            address: Set(address.trim().to_string()),
            state: Set(DeliveryState::Pending.code().into()),
            attempts: Set(0),
            next_at: Set(next_at),
            lease_until: Set(None),
            last_error: Set(String::new()),
            sent_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// Sends each bureau account that takes its e-mail as a digest one mail with what it was told
/// since its last digest, once a day after [`DIGEST_HOUR`] (China Standard Time). The digest is
/// a notice of its own (kind `digest`, born read: its notices are in the inbox already) listing
/// the ids of its notices; the key `digest:<account>:<day>` makes it once a day even when two
/// servers run the job.
pub async fn digests<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> Result<u32, DbErr> {
    use chrono::Timelike;
    let china = crate::domain::china_time::local(now);
    if china.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let day = china.date();
    let takers = notice_contact::Entity::find()
        .filter(notice_contact::Column::Digest.eq(true))
        .filter(notice_contact::Column::ByEmail.eq(true))
        .all(c)
        .await?;
    let mut sent = 0;
    for t in takers {
        let Some(to) = user_account::Entity::find_by_id(t.user_id)
            .filter(user_account::Column::Disabled.eq(false))
            .one(c)
            .await?
        else {
            continue;
        };
        let k = prefs_of(&t, &to)?;
        if !k.email_now(NoticeKind::Digest) {
            continue;
        }
        let last = notice::Entity::find()
            .filter(notice::Column::RecipientId.eq(to.id))
            .filter(notice::Column::Kind.eq(NoticeKind::Digest.code()))
            .order_by_desc(notice::Column::Id)
            .one(c)
            .await?;
        if last
            .as_ref()
            .is_some_and(|l| crate::domain::china_time::china_date(l.created_at) == day)
        {
            continue;
        }
        // Since the last digest; the first one, of the last day (not of all the years before).
        let since = match &last {
            Some(l) => notice::Column::Id.gt(l.id),
            None => notice::Column::CreatedAt.gt(now - chrono::Duration::days(1)),
        };
        let items: Vec<i64> = notice::Entity::find()
            .filter(notice::Column::RecipientId.eq(to.id))
            .filter(since)
            .order_by_asc(notice::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .filter(|n| NoticeKind::from_code(&n.kind).is_some_and(|kind| k.in_digest(kind)))
            .map(|n| n.id)
            .collect();
        if items.is_empty() {
            continue;
        }
        let mut facts = Facts::new();
        facts.insert("day".into(), day.to_string().into());
        facts.insert("count".into(), items.len().to_string().into());
        facts.insert(
            "items".into(),
            items
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
                .into(),
        );
        let key = format!("digest:{}:{day}", to.id);
        let kind = NoticeKind::Digest;
        if let Some(id) = insert(c, &to, kind, None, "/notices".into(), &facts, key, now).await? {
            mark_read(c, to.id, Some(id), now).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// The notices a digest lists (its `items` fact), in order.
pub async fn digest_items<C: ConnectionTrait>(
    c: &C,
    digest: &notice::Model,
) -> Result<Vec<notice::Model>, DbErr> {
    let ids: Vec<i64> = facts_pairs(digest)
        .into_iter()
        .find(|(k, _)| k == "items")
        .map(|(_, v)| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default();
    notice::Entity::find()
        .filter(notice::Column::Id.is_in(ids))
        .filter(notice::Column::RecipientId.eq(digest.recipient_id))
        .order_by_asc(notice::Column::Id)
        .all(c)
        .await
}

// ---------------------------------------------------------------------------------------------
// An account's addresses and channels
// ---------------------------------------------------------------------------------------------

fn kinds_of(codes: &Option<String>, default: Vec<NoticeKind>) -> Vec<NoticeKind> {
    match codes {
        Some(s) => s.split(',').filter_map(NoticeKind::from_code).collect(),
        None => default,
    }
}

fn codes_of(kinds: &[NoticeKind]) -> String {
    kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
}

/// A saved contact record as the account's choices (the role's defaults where it chose none).
fn prefs_of(k: &notice_contact::Model, to: &user_account::Model) -> Result<ContactInput, DbErr> {
    let d = ContactInput::defaults(to.account_role()?);
    Ok(ContactInput {
        email: k.email.clone(),
        phone: k.phone.clone(),
        by_email: k.by_email,
        by_sms: k.by_sms,
        email_kinds: kinds_of(&k.email_kinds, d.email_kinds),
        sms_kinds: kinds_of(&k.sms_kinds, d.sms_kinds),
        quiet_from: k.quiet_from.clone(),
        quiet_to: k.quiet_to.clone(),
        digest: k.digest,
    })
}

async fn saved_contact<C: ConnectionTrait>(
    c: &C,
    to: &user_account::Model,
) -> Result<Option<(ContactInput, i32)>, DbErr> {
    match notice_contact::Entity::find_by_id(to.id).one(c).await? {
        Some(k) => Ok(Some((prefs_of(&k, to)?, k.version))),
        None => Ok(None),
    }
}

/// The account's addresses and choices with their version, or its role's defaults (no
/// address, the inbox only) at version 0.
pub async fn contact<C: ConnectionTrait>(
    c: &C,
    to: &user_account::Model,
) -> Result<(ContactInput, i32), DbErr> {
    match saved_contact(c, to).await? {
        Some(saved) => Ok(saved),
        None => Ok((ContactInput::defaults(to.account_role()?), 0)),
    }
}

/// Saves the account's choices if `version` is still current (0: none saved yet), keeping of
/// the kinds only those its role receives. Call inside `tx::begin_write`; the event is audited.
pub async fn save_contact<C: ConnectionTrait>(
    c: &C,
    by: &super::audit::By<'_>,
    to: &user_account::Model,
    version: i32,
    input: &ContactInput,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let (_, current) = contact(c, to).await?;
    if current != version {
        return Ok(Updated::Stale);
    }
    let role = to.account_role()?;
    let offered = kinds_for(role);
    let keep = |ks: &[NoticeKind]| -> Vec<NoticeKind> {
        offered
            .iter()
            .copied()
            .filter(|k| *k != NoticeKind::Digest && ks.contains(k))
            .collect()
    };
    let am = notice_contact::ActiveModel {
        user_id: Set(to.id),
        email: Set(input.email.trim().to_string()),
        phone: Set(input.phone.trim().to_string()),
        by_email: Set(input.by_email),
        by_sms: Set(input.by_sms),
        email_kinds: Set(Some(codes_of(&keep(&input.email_kinds)))),
        sms_kinds: Set(Some(codes_of(&keep(&input.sms_kinds)))),
        quiet_from: Set(input.quiet_from.trim().to_string()),
        quiet_to: Set(input.quiet_to.trim().to_string()),
        digest: Set(input.digest && crate::domain::notice::may_digest(role)),
        version: Set(version + 1),
        updated_at: Set(now),
    };
    if version == 0 {
        notice_contact::Entity::insert(am)
            .exec_without_returning(c)
            .await?;
    } else {
        let r = notice_contact::Entity::update_many()
            .set(am)
            .filter(notice_contact::Column::UserId.eq(to.id))
            .filter(notice_contact::Column::Version.eq(version))
            .exec(c)
            .await?;
        if r.rows_affected != 1 {
            return Ok(Updated::Stale);
        }
    }
    let details = serde_json::json!({
        "by_email": input.by_email, "by_sms": input.by_sms,
        "email_set": !input.email.trim().is_empty(),
        "phone_set": !input.phone.trim().is_empty(),
        "email_kinds": input.email_kinds.len(),
        "sms_kinds": input.sms_kinds.len(),
        "quiet": format!("{}-{}", input.quiet_from.trim(), input.quiet_to.trim()),
        "digest": input.digest,
    });
    let event = by
        .entry("account.notice_contact", format!("user_account:{}", to.id))
        .details(details);
    super::audit::append(c, event, now).await?;
    Ok(Updated::Yes)
}

/// The active accounts an audience of this case resolves to.
async fn recipients<C: ConnectionTrait>(
    c: &C,
    case: &Case,
    audience: Audience,
) -> Result<Vec<user_account::Model>, DbErr> {
    let level = case.case_level()?;
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
        Audience::Panel | Audience::Unsigned => {
            let mut seated = seat::Entity::find()
                .select_only()
                .column(seat::Column::ExpertId)
                .filter(seat::Column::CaseId.eq(case.id))
                .filter(seat::Column::Status.eq(SeatStatus::Accepted.code()));
            if audience == Audience::Unsigned {
                seated = seated.filter(seat::Column::OpinionSigned.eq(false));
            }
            let experts: Vec<i64> = seated.into_tuple().all(c).await?;
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
