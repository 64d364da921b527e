//! 鉴定活动: the panel's activities of a case with their photos and files. Every write is
//! meant to run inside [`super::tx::begin_write`] and appends its audit event there.

use super::accounts::Updated;
use super::audit;
use super::cases::entry;
use super::entities::{activity, activity_file, case_event};
use crate::domain::case::CaseState;
use crate::domain::files::FileType;
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

pub use activity::Model as Activity;
pub use activity_file::Model as ActivityFile;

pub use crate::domain::activity::ActivityFields;

/// A file of an activity about to be recorded (its bytes are already in the file store).
#[derive(Debug, Clone)]
pub struct NewActivityFile {
    pub activity_id: i64,
    pub case_id: i64,
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
    pub sha256: String,
}

fn audit_entry(
    actor: &Actor,
    address: &str,
    action: &str,
    case_id: i64,
    details: serde_json::Value,
) -> audit::Entry {
    let mut e = entry(Some(actor), action, case_id, details);
    e.address = address.to_string();
    e
}

/// The activities of a case in date order (then recording order), each with its files.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<(Activity, Vec<ActivityFile>)>, DbErr> {
    let acts = activity::Entity::find()
        .filter(activity::Column::CaseId.eq(case_id))
        .order_by_asc(activity::Column::HeldOn)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    let files = activity_file::Entity::find()
        .filter(activity_file::Column::CaseId.eq(case_id))
        .order_by_asc(activity_file::Column::Id)
        .all(c)
        .await?;
    Ok(acts
        .into_iter()
        .map(|a| {
            let mine = files
                .iter()
                .filter(|f| f.activity_id == a.id)
                .cloned()
                .collect();
            (a, mine)
        })
        .collect())
}

/// Why an activity was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSaved {
    /// The case is gone, or may no longer have activities recorded by this actor (it moved on
    /// meanwhile: an opinion drafted).
    Denied(crate::domain::access::Denied),
    /// The activity was edited meanwhile.
    Stale,
}

/// Records a new activity on the case, or an edit of `existing` at `version`, in one write
/// transaction. Whether the actor may record activities is asked again under the write lock,
/// with the case's facts as they are now. Returns the activity's id and version.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    by: &audit::By<'_>,
    case_id: i64,
    existing: Option<(&Activity, i32)>,
    f: &ActivityFields,
    now: DateTime<Utc>,
) -> Result<Result<(i64, i32), NotSaved>, DbErr> {
    use crate::domain::access::{authorize, Denied, Permission};
    let txn = super::tx::begin_write(db, now).await?;
    let Some(case) = super::cases::get(&txn, case_id).await? else {
        return Ok(Err(NotSaved::Denied(Denied::NotFound)));
    };
    let facts = super::facts::of_case(&txn, &case).await?;
    if let Err(d) = authorize(by.actor, &Permission::RecordActivity, Some(&facts)) {
        return Ok(Err(NotSaved::Denied(d)));
    }
    let saved = match existing {
        None => (
            create(&txn, by.actor, &by.address, case_id, f, now).await?,
            1,
        ),
        Some((a, version)) => {
            if update(&txn, by.actor, &by.address, a, version, f, now).await? == Updated::Stale {
                return Ok(Err(NotSaved::Stale));
            }
            (a.id, version + 1)
        }
    };
    txn.commit().await?;
    Ok(Ok(saved))
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Activity>, DbErr> {
    activity::Entity::find_by_id(id).one(c).await
}

pub async fn file<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<ActivityFile>, DbErr> {
    activity_file::Entity::find_by_id(id).one(c).await
}

/// The files of one activity.
pub async fn files_of<C: ConnectionTrait>(
    c: &C,
    activity_id: i64,
) -> Result<Vec<ActivityFile>, DbErr> {
    activity_file::Entity::find()
        .filter(activity_file::Column::ActivityId.eq(activity_id))
        .order_by_asc(activity_file::Column::Id)
        .all(c)
        .await
}

/// When the case was accepted (受理): its first step into ACCEPTED, if any.
pub async fn accepted_at<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .filter(case_event::Column::ToState.eq(CaseState::Accepted.code()))
        .order_by_asc(case_event::Column::Id)
        .one(c)
        .await?
        .map(|e| e.at))
}

/// Records a new activity (version 1) and its audit event; returns its id.
pub async fn create<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    address: &str,
    case_id: i64,
    f: &ActivityFields,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let id = activity::Entity::insert(activity::ActiveModel {
        case_id: Set(case_id),
        kind: Set(f.kind.code().into()),
        held_on: Set(f.held_on),
        place: Set(f.place.clone()),
        participants: Set(f.participants.clone()),
        notes: Set(f.notes.clone()),
        created_by: Set(actor.user_id.0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    audit::append(
        c,
        audit_entry(
            actor,
            address,
            "activity.create",
            case_id,
            serde_json::json!({
                "activity": id, "kind": f.kind.code(), "held_on": f.held_on,
                "place": f.place, "participants": f.participants, "notes": f.notes,
            }),
        ),
        now,
    )
    .await?;
    Ok(id)
}

/// Saves an activity if `version` is still current (`WHERE id = ? AND version = ?`).
pub async fn update<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    address: &str,
    a: &Activity,
    version: i32,
    f: &ActivityFields,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let r = activity::Entity::update_many()
        .col_expr(activity::Column::Kind, Expr::value(f.kind.code()))
        .col_expr(activity::Column::HeldOn, Expr::value(f.held_on))
        .col_expr(activity::Column::Place, Expr::value(f.place.clone()))
        .col_expr(
            activity::Column::Participants,
            Expr::value(f.participants.clone()),
        )
        .col_expr(activity::Column::Notes, Expr::value(f.notes.clone()))
        .col_expr(activity::Column::Version, Expr::value(version + 1))
        .col_expr(activity::Column::UpdatedAt, Expr::value(now))
        .filter(activity::Column::Id.eq(a.id))
        .filter(activity::Column::Version.eq(version))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(Updated::Stale);
    }
    audit::append(
        c,
        audit_entry(
            actor,
            address,
            "activity.update",
            a.case_id,
            serde_json::json!({
                "activity": a.id, "version": version + 1, "kind": f.kind.code(),
                "held_on": f.held_on, "place": f.place, "participants": f.participants, "notes": f.notes,
            }),
        ),
        now,
    )
    .await?;
    Ok(Updated::Yes)
}

/// Records a photo or file of an activity and its audit event; returns its id.
pub async fn add_file<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    address: &str,
    f: NewActivityFile,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let id = activity_file::Entity::insert(activity_file::ActiveModel {
        activity_id: Set(f.activity_id),
        case_id: Set(f.case_id),
        file_name: Set(f.file_name.clone()),
        file_type: Set(f.file_type.code().into()),
        size: Set(f.size as i64),
        sha256: Set(f.sha256.clone()),
        uploaded_by: Set(actor.user_id.0),
        uploaded_at: Set(now),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    audit::append(
        c,
        audit_entry(
            actor,
            address,
            "activity.add_file",
            f.case_id,
            serde_json::json!({
                "activity": f.activity_id, "file": id, "name": f.file_name,
                "type": f.file_type.code(), "sha256": f.sha256, "size": f.size,
            }),
        ),
        now,
    )
    .await?;
    Ok(id)
}
