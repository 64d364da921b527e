//! 鉴定案件: drafts, materials, the timeline, case numbers, lists. A move of a case is written by
//! `store::transition`; the facts the rules need are gathered by `store::facts`.

use super::accounts::Updated;
use super::audit::{self, Entry};
use super::entities::{case_counter, case_event, jd_case, material};
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::deadline::Clock as DeadlineClock;
use crate::domain::ids::{CountyId, InstitutionId};
use crate::domain::item::TrainingItemInput;
use crate::domain::material::MaterialKind;
use crate::domain::role::Actor;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub use jd_case::Model as Case;

/// Creates a draft for an institution (DRAFT, county level).
pub async fn create_draft<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    institution: InstitutionId,
    county: CountyId,
    item: &TrainingItemInput,
    undertaking: bool,
    now: DateTime<Utc>,
) -> Result<Case, DbErr> {
    let am = jd_case::ActiveModel {
        number: Set(None),
        level: Set(CaseLevel::County.code().into()),
        county_id: Set(county.0),
        institution_id: Set(institution.0),
        parent_id: Set(None),
        state: Set(CaseState::Draft.code().into()),
        item: Set(serde_json::to_string(item).map_err(|e| DbErr::Custom(e.to_string()))?),
        item_name: Set(item.name.trim().to_string()),
        undertaking_given: Set(undertaking),
        undertaking_at: Set(undertaking.then_some(now)),
        deficiencies: Set("[]".into()),
        clock: Set(None),
        due_on: Set(None),
        category: Set(None),
        determined_on: Set(None),
        created_by: Set(actor.user_id.0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        rubric_version: Set(crate::domain::rubric::current().version as i32),
        ..Default::default()
    };
    let id = jd_case::Entity::insert(am).exec(c).await?.last_insert_id;
    event(
        c,
        id,
        Some(actor),
        "create",
        CaseState::Draft,
        CaseState::Draft,
        "",
        serde_json::json!({}),
        now,
    )
    .await?;
    audit::append(
        c,
        entry(Some(actor), "case.create", id, serde_json::json!({})),
        now,
    )
    .await?;
    get(c, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("case just inserted".into()))
}

/// Opens a new draft for the institution in a write transaction of its own, unless it has
/// `max_open` unsubmitted drafts already (counted under the write lock); `Err(())` then.
#[allow(clippy::too_many_arguments)]
pub async fn open_draft(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    institution: InstitutionId,
    county: CountyId,
    item: &TrainingItemInput,
    undertaking: bool,
    max_open: u64,
    now: DateTime<Utc>,
) -> Result<Result<Case, ()>, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    if open_drafts(&txn, institution.0).await? >= max_open {
        return Ok(Err(()));
    }
    let case = create_draft(&txn, actor, institution, county, item, undertaking, now).await?;
    txn.commit().await?;
    Ok(Ok(case))
}

/// [`update_draft`] in a write transaction of its own.
pub async fn edit_draft(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    case: &Case,
    version: i32,
    item: &TrainingItemInput,
    undertaking: bool,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let txn = super::tx::begin_write(db, now).await?;
    let done = update_draft(&txn, actor, case, version, item, undertaking, now).await?;
    if done == Updated::Yes {
        txn.commit().await?;
    }
    Ok(done)
}

/// Saves a draft's item and undertaking, if the version still matches.
pub async fn update_draft<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case: &Case,
    version: i32,
    item: &TrainingItemInput,
    undertaking: bool,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    let undertaking_at = if undertaking {
        case.undertaking_at.or(Some(now))
    } else {
        None
    };
    let r = jd_case::Entity::update_many()
        .col_expr(
            jd_case::Column::Item,
            Expr::value(serde_json::to_string(item).map_err(|e| DbErr::Custom(e.to_string()))?),
        )
        .col_expr(jd_case::Column::ItemName, Expr::value(item.name.trim()))
        .col_expr(jd_case::Column::UndertakingGiven, Expr::value(undertaking))
        .col_expr(jd_case::Column::UndertakingAt, Expr::value(undertaking_at))
        .col_expr(jd_case::Column::Version, Expr::value(version + 1))
        .col_expr(jd_case::Column::UpdatedAt, Expr::value(now))
        .filter(jd_case::Column::Id.eq(case.id))
        .filter(jd_case::Column::Version.eq(version))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Ok(Updated::Stale);
    }
    audit::append(
        c,
        entry(
            Some(actor),
            "case.save_draft",
            case.id,
            serde_json::json!({ "undertaking": undertaking }),
        ),
        now,
    )
    .await?;
    Ok(Updated::Yes)
}

/// An audit entry about a case, by a user or (`None`) by the system.
pub(crate) fn entry(
    actor: Option<&Actor>,
    action: &str,
    case_id: i64,
    details: serde_json::Value,
) -> Entry {
    let mut e = Entry::new(action, format!("case:{case_id}")).details(details);
    e.actor_id = actor.map(|a| a.user_id.0);
    e.actor_role = actor.map_or("system", |a| a.role.code()).into();
    e
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn event<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    actor: Option<&Actor>,
    action: &str,
    from: CaseState,
    to: CaseState,
    reason: &str,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    case_event::Entity::insert(case_event::ActiveModel {
        case_id: Set(case_id),
        at: Set(now),
        actor_id: Set(actor.map(|a| a.user_id.0)),
        actor_role: Set(actor.map_or("system", |a| a.role.code()).into()),
        action: Set(action.into()),
        from_state: Set(from.code().into()),
        to_state: Set(to.code().into()),
        reason: Set(reason.into()),
        details: Set(details.to_string()),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Moves a case's version on without changing its state (an edit the case's readers must not
/// miss, e.g. a new revision of the opinion); `false` when the version no longer matches.
pub async fn bump_version<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = jd_case::Entity::update_many()
        .col_expr(jd_case::Column::Version, Expr::value(version + 1))
        .col_expr(jd_case::Column::UpdatedAt, Expr::value(now))
        .filter(jd_case::Column::Id.eq(case_id))
        .filter(jd_case::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(r.rows_affected == 1)
}

/// A timeline entry that changes no state (e.g. the lead revised the opinion).
pub async fn note_event<C: ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case: &Case,
    action: &str,
    state: CaseState,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    event(
        c,
        case.id,
        Some(actor),
        action,
        state,
        state,
        reason,
        serde_json::json!({}),
        now,
    )
    .await
}

/// The first timeline entry of a prefecture case opened from `reason` (the parent's number).
pub async fn opened_event<C: ConnectionTrait>(
    c: &C,
    actor: Option<&Actor>,
    case: &Case,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    event(
        c,
        case.id,
        actor,
        "open_child",
        CaseState::Accepted,
        CaseState::Accepted,
        reason,
        serde_json::json!({ "parent": case.parent_id }),
        now,
    )
    .await?;
    audit::append(
        c,
        entry(
            actor,
            "case.open_child",
            case.id,
            serde_json::json!({ "parent": case.parent_id, "number": case.number }),
        ),
        now,
    )
    .await?;
    Ok(())
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<Case>, DbErr> {
    jd_case::Entity::find_by_id(id).one(c).await
}

/// How many unsubmitted drafts the institution holds.
pub async fn open_drafts<C: ConnectionTrait>(c: &C, institution_id: i64) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    jd_case::Entity::find()
        .filter(jd_case::Column::InstitutionId.eq(institution_id))
        .filter(jd_case::Column::State.eq(CaseState::Draft.code()))
        .count(c)
        .await
}

/// The bytes of the current (not superseded) materials of one case, or of all of an
/// institution's cases: the per-case limit and the institution's quota are counted with this
/// inside the upload's write transaction, so parallel uploads cannot pass them together.
pub async fn current_material_bytes<C: ConnectionTrait>(
    c: &C,
    case_id: Option<i64>,
    institution_id: Option<i64>,
) -> Result<u64, DbErr> {
    use sea_orm::QuerySelect;
    let mut q = material::Entity::find()
        .select_only()
        .column(material::Column::Size)
        .filter(material::Column::Superseded.eq(false));
    if let Some(id) = case_id {
        q = q.filter(material::Column::CaseId.eq(id));
    }
    if let Some(inst) = institution_id {
        q = q.filter(
            material::Column::CaseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(jd_case::Column::Id)
                    .from(jd_case::Entity)
                    .and_where(jd_case::Column::InstitutionId.eq(inst))
                    .to_owned(),
            ),
        );
    }
    let sizes: Vec<i64> = q.into_tuple::<i64>().all(c).await?;
    Ok(sizes.into_iter().map(|s| s.max(0) as u64).sum())
}

/// The item names of these cases, by case id.
pub async fn item_names<C: ConnectionTrait>(
    c: &C,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(jd_case::Entity::find()
        .select_only()
        .columns([jd_case::Column::Id, jd_case::Column::ItemName])
        .filter(jd_case::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect())
}

/// The case with this number (CJ-2026-0001), if any.
pub async fn by_number<C: ConnectionTrait>(c: &C, number: &str) -> Result<Option<Case>, DbErr> {
    jd_case::Entity::find()
        .filter(jd_case::Column::Number.eq(number))
        .one(c)
        .await
}

/// The case's training item; a stored item that does not read back is an internal error,
/// never an empty item.
pub fn item_of(case: &Case) -> Result<TrainingItemInput, DbErr> {
    serde_json::from_str(&case.item).map_err(|e| DbErr::Json(format!("case {} item: {e}", case.id)))
}

/// The current (not superseded) materials of a case, in upload order.
pub async fn materials<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<material::Model>, DbErr> {
    material::Entity::find()
        .filter(material::Column::CaseId.eq(case_id))
        .order_by_asc(material::Column::Id)
        .all(c)
        .await
}

/// One material file.
pub async fn material<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<Option<material::Model>, DbErr> {
    material::Entity::find_by_id(id).one(c).await
}

/// A material about to be recorded (its bytes are already in the file store).
#[derive(Debug, Clone)]
pub struct NewMaterial {
    pub case_id: i64,
    pub kind: MaterialKind,
    pub file_name: String,
    pub file_type: crate::domain::files::FileType,
    pub size: u64,
    pub sha256: String,
    pub uploaded_by: i64,
}

/// Records a material, as the next version of `replaces` when given (which stays on record,
/// superseded). `None` when `replaces` was superseded meanwhile (a stale replacement).
pub async fn add_material<C: ConnectionTrait>(
    c: &C,
    by: &super::audit::By<'_>,
    m: NewMaterial,
    replaces: Option<&material::Model>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let details = |id: i64| {
        serde_json::json!({
            "material": id, "kind": m.kind.code(), "name": m.file_name, "sha256": m.sha256,
            "size": m.size, "replaces": replaces.map(|o| o.id)
        })
    };
    let event = |id: i64| {
        by.entry("material.upload", format!("case:{}", m.case_id))
            .details(details(id))
    };
    if let Some(old) = replaces {
        let r = material::Entity::update_many()
            .col_expr(material::Column::Superseded, Expr::value(true))
            .filter(material::Column::Id.eq(old.id))
            .filter(material::Column::Superseded.eq(false))
            .exec(c)
            .await?;
        if r.rows_affected != 1 {
            return Ok(None);
        }
    }
    let id = material::Entity::insert(material::ActiveModel {
        case_id: Set(m.case_id),
        kind: Set(m.kind.code().into()),
        file_name: Set(m.file_name.clone()),
        file_type: Set(m.file_type.code().into()),
        size: Set(m.size as i64),
        sha256: Set(m.sha256.clone()),
        version: Set(replaces.map_or(1, |o| o.version + 1)),
        replaces_id: Set(replaces.map(|o| o.id)),
        superseded: Set(false),
        uploaded_by: Set(m.uploaded_by),
        uploaded_at: Set(now),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    super::audit::append(c, event(id), now).await?;
    Ok(Some(id))
}

/// The next case number of a year: CJ-2026-0001, CJ-2026-0002, …
pub async fn next_number<C: ConnectionTrait>(c: &C, year: i32) -> Result<String, DbErr> {
    let last = match case_counter::Entity::find_by_id(year).one(c).await? {
        Some(row) => {
            case_counter::Entity::update_many()
                .col_expr(case_counter::Column::Last, Expr::value(row.last + 1))
                .filter(case_counter::Column::Year.eq(year))
                .exec(c)
                .await?;
            row.last + 1
        }
        None => {
            case_counter::Entity::insert(case_counter::ActiveModel {
                year: Set(year),
                last: Set(1),
            })
            .exec_without_returning(c)
            .await?;
            1
        }
    };
    Ok(format!("CJ-{year}-{last:04}"))
}

pub async fn events<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Vec<case_event::Model>, DbErr> {
    case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::Id)
        .all(c)
        .await
}

/// An institution's cases, newest first, optionally in one state.
pub async fn for_institution<C: ConnectionTrait>(
    c: &C,
    institution: i64,
    state: Option<&str>,
) -> Result<Vec<Case>, DbErr> {
    let mut q = jd_case::Entity::find().filter(jd_case::Column::InstitutionId.eq(institution));
    if let Some(s) = state {
        q = q.filter(jd_case::Column::State.eq(s));
    }
    q.order_by_desc(jd_case::Column::Id).limit(500).all(c).await
}

/// A county's submitted cases, oldest submission first.
pub async fn intake_queue<C: ConnectionTrait>(c: &C, county: i64) -> Result<Vec<Case>, DbErr> {
    jd_case::Entity::find()
        .filter(jd_case::Column::CountyId.eq(county))
        .filter(jd_case::Column::State.eq(CaseState::Submitted.code()))
        .order_by_asc(jd_case::Column::SubmittedAt)
        .order_by_asc(jd_case::Column::Id)
        .all(c)
        .await
}

/// A county's (or, with `None`, every county's) filed cases in any state but DRAFT, newest first.
pub async fn for_county<C: ConnectionTrait>(
    c: &C,
    county: Option<i64>,
    state: Option<&str>,
) -> Result<Vec<Case>, DbErr> {
    let mut q = jd_case::Entity::find().filter(jd_case::Column::State.ne(CaseState::Draft.code()));
    if let Some(county) = county {
        q = q.filter(jd_case::Column::CountyId.eq(county));
    }
    if let Some(s) = state {
        q = q.filter(jd_case::Column::State.eq(s));
    }
    q.order_by_desc(jd_case::Column::Id).limit(500).all(c).await
}

/// What a bureau's case list is searched by (each part optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Part of the case number.
    pub number: String,
    /// Part of the institution's name.
    pub institution: String,
    /// Part of the item's name.
    pub item: String,
    pub state: Option<String>,
    /// Submitted on or after / on or before (China dates).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// One page of the filed cases of a county (`None`: every county), newest first, and how many
/// match in all.
pub async fn search<C: ConnectionTrait>(
    c: &C,
    county: Option<i64>,
    f: &CaseFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Case>, u64), DbErr> {
    use super::db::contains as like;
    use sea_orm::sea_query::Query;
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut q = jd_case::Entity::find().filter(jd_case::Column::State.ne(CaseState::Draft.code()));
    if let Some(county) = county {
        q = q.filter(jd_case::Column::CountyId.eq(county));
    }
    if !f.number.trim().is_empty() {
        q = q.filter(Expr::col(jd_case::Column::Number).like(like(&f.number)));
    }
    if !f.item.trim().is_empty() {
        q = q.filter(Expr::col(jd_case::Column::ItemName).like(like(&f.item)));
    }
    if !f.institution.trim().is_empty() {
        use super::entities::institution;
        q = q.filter(
            jd_case::Column::InstitutionId.in_subquery(
                Query::select()
                    .column(institution::Column::Id)
                    .from(institution::Entity)
                    .and_where(Expr::col(institution::Column::Name).like(like(&f.institution)))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = &f.state {
        q = q.filter(jd_case::Column::State.eq(s.as_str()));
    }
    if let Some(d) = f.from {
        q = q.filter(jd_case::Column::SubmittedAt.gte(crate::domain::china_time::day_start(d)));
    }
    if let Some(d) = f.to {
        let next = d.succ_opt().unwrap_or(d);
        q = q.filter(jd_case::Column::SubmittedAt.lt(crate::domain::china_time::day_start(next)));
    }
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(jd_case::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// The actor's work list (`domain::work::WorkList`): the cases with one of its time limits
/// running or waiting in one of its states, soonest due first; a county's (`county` Some) or the
/// prefecture's (level prefecture, plus the waiting cases of any county).
pub async fn work<C: ConnectionTrait>(
    c: &C,
    work: &crate::domain::work::WorkList,
) -> Result<Vec<Case>, DbErr> {
    let level = work.level.code();
    let clocks = work.clocks.iter().map(|k| k.code());
    let mut timed = sea_orm::Condition::all()
        .add(jd_case::Column::Level.eq(level))
        .add(jd_case::Column::Clock.is_in(clocks));
    let states = work.states.iter().map(|s| s.code());
    let mut waiting = sea_orm::Condition::all().add(jd_case::Column::State.is_in(states));
    if let Some(county) = work.county {
        timed = timed.add(jd_case::Column::CountyId.eq(county.0));
        waiting = waiting
            .add(jd_case::Column::CountyId.eq(county.0))
            .add(jd_case::Column::Level.eq(level));
    }
    let rows = jd_case::Entity::find()
        .filter(sea_orm::Condition::any().add(timed).add(waiting))
        .order_by_asc(jd_case::Column::DueOn)
        .order_by_asc(jd_case::Column::Id)
        .limit(500)
        .all(c)
        .await?;
    let mut kept = Vec::with_capacity(rows.len());
    for case in rows {
        if work.keeps(case.case_state()?, case.case_level()?) {
            kept.push(case);
        }
    }
    Ok(kept)
}

/// The time limit running for a case, if any; a code this build does not know is an internal
/// error, never "no clock".
pub fn clock_of(case: &Case) -> Result<Option<DeadlineClock>, DbErr> {
    case.clock.as_deref().map(super::decode).transpose()
}
