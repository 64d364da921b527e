//! Server functions of the expert pool (专家库): the pool itself here (list, record, status,
//! ties, title check), the CSV import in [`import`], proposals by the counties in
//! [`proposals`], an expert's own declarations in [`profile`].
//!
//! Who may call what (all through [`crate::domain::access::authorize`]):
//! - bureau roles (county and prefecture) read the pool ([`Permission::ViewExpertPool`]); county
//!   staff see phone numbers masked;
//! - prefecture roles keep it ([`Permission::EditExpertPool`]): create, edit, status, ties, CSV
//!   import, deciding proposals;
//! - county roles propose additions ([`Permission::ProposeExpert`]) and see their county's
//!   proposals and outcomes;
//! - an expert keeps their own declarations and availability
//!   ([`Permission::EditOwnExpertProfile`]) and sees their own record, never anyone else's.
//!
//! [`Permission::ViewExpertPool`]: crate::domain::access::Permission::ViewExpertPool
//! [`Permission::EditExpertPool`]: crate::domain::access::Permission::EditExpertPool
//! [`Permission::ProposeExpert`]: crate::domain::access::Permission::ProposeExpert
//! [`Permission::EditOwnExpertProfile`]: crate::domain::access::Permission::EditOwnExpertProfile

use super::AppError;
use crate::domain::draw::{ExpertStatus, Ties};
use crate::domain::expert::{ExpertInput, ExpertKind};
use crate::domain::item::ItemDomain;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

mod import;
mod profile;
mod proposals;
pub use import::*;
pub use profile::*;
pub use proposals::*;

pub use crate::domain::expert::{validate_declarations, DeclarationsInput, REASON_MAX};
pub use crate::domain::expert_import::{
    import_template, RowError, IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS,
    IMPORT_PART_TIME_COLUMN, IMPORT_SUBJECTS_COLUMN,
};
pub use crate::domain::formats::mask_phone;

/// Days before the end of a term that count as "ending soon".
pub const ENDING_SOON_DAYS: i64 = 90;
/// The list's filters, as kept in the URL query string (`?q=&domain=&stage=&kind=&county=
/// &status=&ending=1`). Empty means "any"; `county=prefecture` is the prefecture's own pool.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub ending: bool,
}

/// What the pool pages need besides the experts: the caller's abilities and the pick lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolMeta {
    pub can_edit: bool,
    pub can_propose: bool,
    pub counties: Vec<(i64, String)>,
    pub institutions: Vec<(i64, String)>,
}

/// One line of the pool list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertRow {
    pub id: i64,
    pub name: String,
    pub employer: String,
    pub input_title: crate::domain::expert::ProfessionalTitle,
    pub kind: ExpertKind,
    pub domains: Vec<ItemDomain>,
    pub stages: Vec<crate::domain::terms::Stage>,
    pub county_name: String,
    /// Masked for county staff.
    pub phone: String,
    pub term_end: NaiveDate,
    pub status: ExpertStatus,
    pub ending_soon: bool,
    pub declared: bool,
}

/// One audit event about an expert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at: String,
    pub actor_name: String,
    pub action: String,
    pub reason: String,
}

/// An expert's record as the pool (or the expert) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertDetail {
    pub id: i64,
    /// `mobile` is masked for county staff.
    pub input: ExpertInput,
    pub county_name: String,
    pub status: ExpertStatus,
    pub status_reason: String,
    pub ties: Ties,
    /// China Standard Time of the last declaration.
    pub declared_at: Option<String>,
    pub unavailable_from: Option<NaiveDate>,
    pub unavailable_until: Option<NaiveDate>,
    pub availability_note: String,
    pub version: i32,
    pub can_edit: bool,
    /// 职称核验 (guide 五(三)): the certificate and its check.
    pub title_check: TitleCheck,
    /// Recent changes (prefecture staff only).
    pub history: Vec<HistoryRow>,
    /// 考评记录 and 信用记录 (bureau roles).
    pub ratings: Option<super::ratings::ExpertRatings>,
    pub credit: Option<super::credit::CreditRecords>,
}

/// The title certificate and its check, as the pool manager and the expert see them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleCheck {
    /// The current certificate's file name, and when it was uploaded (China time).
    pub certificate: Option<(String, String)>,
    /// Where it downloads from.
    pub href: Option<String>,
    /// When (China time) and by whom the title was checked; `None`: not checked.
    pub verified: Option<(String, String)>,
    /// The reader may upload a certificate (the expert, or the pool manager).
    pub can_upload: bool,
    /// The reader may check the title (the pool manager), a certificate being there.
    pub can_verify: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{fail, AppState, Me};
    use crate::domain::access::Permission;
    use crate::domain::ids::CountyId;
    use crate::store::entities::{expert, expert_proposal};
    use crate::store::experts as store;

    pub use crate::domain::china_time::china_minute as cst;

    pub use crate::api::server::{allowed, can};

    /// The store's filter for the pool page's query (`today`: the day in China).
    pub fn pool_filter(query: &PoolQuery, today: chrono::NaiveDate) -> store::Filter {
        use store::RegionFilter;
        store::Filter {
            text: query.q.chars().take(50).collect(),
            domain: ItemDomain::from_code(&query.domain),
            stage: crate::domain::terms::Stage::from_code(&query.stage),
            kind: ExpertKind::from_code(&query.kind).or(match query.kind.as_str() {
                "subject" => Some(ExpertKind::SubjectTeaching),
                _ => None,
            }),
            region: match query.county.as_str() {
                "" => RegionFilter::Any,
                "prefecture" => RegionFilter::Prefecture,
                c => c
                    .parse()
                    .map(RegionFilter::County)
                    .unwrap_or(RegionFilter::Any),
            },
            status: match query.status.as_str() {
                "active" => Some(ExpertStatus::Active),
                "suspended" => Some(ExpertStatus::Suspended),
                "removed" => Some(ExpertStatus::Removed),
                _ => None,
            },
            term_ends_within: query
                .ending
                .then_some((today, today + chrono::Duration::days(ENDING_SOON_DAYS))),
        }
    }

    /// One expert as a row of the pool page (`mask`: the phone masked).
    pub fn pool_row(
        m: expert::Model,
        counties: &[(i64, String)],
        mask: bool,
        today: chrono::NaiveDate,
    ) -> ExpertRow {
        let soon = today + chrono::Duration::days(ENDING_SOON_DAYS);
        ExpertRow {
            id: m.id,
            input_title: store::title_from_db(&m.title),
            kind: store::kind_from_db(&m.kind),
            domains: store::parse_domains(&m.subjects),
            stages: store::parse_stages(&m.stages),
            county_name: region_name(counties, m.county_id),
            phone: if mask {
                mask_phone(&m.phone)
            } else {
                m.phone.clone()
            },
            term_end: m.term_end,
            status: store::status_from_db(&m.status),
            ending_soon: m.term_end >= today && m.term_end <= soon,
            declared: m.declares_no_post && m.declares_relatives_no_post,
            name: m.name,
            employer: m.employer,
        }
    }

    pub fn to_input(m: &expert::Model) -> ExpertInput {
        ExpertInput {
            name: m.name.clone(),
            id_number: String::new(),
            employer: m.employer.clone(),
            title: store::title_from_db(&m.title),
            kind: store::kind_from_db(&m.kind),
            domains: store::parse_domains(&m.subjects),
            stages: store::parse_stages(&m.stages),
            school_subjects: store::parse_school_subjects(&m.school_subjects),
            region: m.county_id.map(CountyId),
            mobile: m.phone.clone(),
            term_start: m.term_start,
            term_end: m.term_end,
            declares_no_post: m.declares_no_post,
            declares_relatives_no_post: m.declares_relatives_no_post,
            declares_no_part_time_history: m.declares_no_part_time_history,
        }
    }

    pub async fn county_names(st: &AppState) -> Result<Vec<(i64, String)>, AppError> {
        Ok(crate::store::reference::counties(&st.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name_zh))
            .collect())
    }

    pub fn region_name(counties: &[(i64, String)], id: Option<i64>) -> String {
        match id {
            None => "州直".into(),
            Some(id) => counties
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| id.to_string()),
        }
    }

    /// Domain validation plus the region being a county of the prefecture.
    pub async fn check(st: &AppState, input: &ExpertInput) -> Result<(), AppError> {
        let mut errs = crate::domain::expert::validate_expert(input);
        if let Some(r) = input.region {
            if !county_names(st).await?.iter().any(|(c, _)| *c == r.0) {
                errs.add("expert.region", "err.county_invalid");
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(fail(AppError::Validation(errs)))
        }
    }

    pub fn reason_ok(reason: &str, field: &str) -> Result<(), AppError> {
        crate::domain::expert::check_reason(reason, field)
            .map_err(|e| fail(AppError::Validation(e)))
    }

    pub async fn detail(
        me: &Me,
        st: &AppState,
        m: expert::Model,
        mask: bool,
        with_history: bool,
    ) -> Result<ExpertDetail, AppError> {
        let counties = county_names(st).await?;
        let mut input = to_input(&m);
        if mask {
            input.mobile = mask_phone(&input.mobile);
        }
        let history = if with_history {
            let events = store::history(&st.db, m.id, 20).await?;
            let names = crate::store::reference::display_names(
                &st.db,
                events.iter().filter_map(|e| e.actor_id).collect(),
            )
            .await?;
            events
                .into_iter()
                .map(|e| HistoryRow {
                    at: cst(e.at),
                    actor_name: e
                        .actor_id
                        .and_then(|a| names.get(&a).cloned())
                        .unwrap_or_default(),
                    action: e.action,
                    reason: serde_json::from_str::<serde_json::Value>(&e.details)
                        .ok()
                        .and_then(|v| v.get("reason").and_then(|r| r.as_str().map(String::from)))
                        .unwrap_or_default(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let (ratings, credit) = if can(me, Permission::ViewCreditRecords) {
            (
                Some(crate::api::ratings::expert_ratings_for(&st.db, me, m.id).await?),
                Some(
                    crate::api::credit::records_for(
                        &st.db,
                        me,
                        crate::domain::credit::CreditSubject::Expert,
                        m.id,
                    )
                    .await?,
                ),
            )
        } else {
            (None, None)
        };
        Ok(ExpertDetail {
            ratings,
            credit,
            id: m.id,
            input,
            county_name: region_name(&counties, m.county_id),
            status: store::status_from_db(&m.status),
            status_reason: m.status_reason.clone(),
            ties: store::parse_ties(&m.affiliations),
            declared_at: m.declared_at.map(cst),
            unavailable_from: m.unavailable_from,
            unavailable_until: m.unavailable_until,
            availability_note: m.availability_note.clone(),
            version: m.version,
            can_edit: can(me, Permission::EditExpertPool),
            title_check: title_check(me, &m),
            history,
        })
    }

    /// The title check as `me` may see it (only the pool's readers and the expert get here).
    pub fn title_check(me: &Me, m: &expert::Model) -> TitleCheck {
        let has = m.title_cert_sha256.is_some();
        let checkable =
            crate::domain::expert::title_check_refusal(has, m.title_verified_at.is_some())
                .is_none();
        TitleCheck {
            certificate: has.then(|| {
                (
                    m.title_cert_name.clone(),
                    m.title_cert_at.map(cst).unwrap_or_default(),
                )
            }),
            href: has.then(|| format!("/files/experts/{}/title-certificate", m.id)),
            verified: m
                .title_verified_at
                .map(|at| (cst(at), m.title_verified_by.clone())),
            can_upload: can(
                me,
                Permission::UploadTitleCertificate(crate::domain::ids::ExpertId(m.id)),
            ),
            can_verify: checkable && can(me, Permission::VerifyExpertTitle),
        }
    }

    pub async fn proposal_view(
        st: &AppState,
        p: expert_proposal::Model,
        counties: &[(i64, String)],
        mask: bool,
    ) -> Result<ProposalView, AppError> {
        let mut input = store::proposal_input(&p)?;
        if mask {
            input.mobile = mask_phone(&input.mobile);
        }
        let proposer_name = crate::store::reference::display_names(&st.db, vec![p.proposed_by])
            .await?
            .remove(&p.proposed_by)
            .unwrap_or_default();
        Ok(ProposalView {
            id: p.id,
            county_name: region_name(counties, p.county_id),
            proposer_name,
            input,
            note: p.note,
            status: p.status,
            decision_reason: p.decision_reason,
            decided_at: p.decided_at.map(cst),
            expert_id: p.expert_id,
            version: p.version,
            created_at: cst(p.created_at),
        })
    }
}

/// The caller's abilities and the pick lists (counties, institutions): bureau roles.
#[server(prefix = "/api", endpoint = "expert_pool_meta")]
pub async fn expert_pool_meta() -> Result<PoolMeta, AppError> {
    use self::ssr::*;

    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let can_edit = can(&me, Permission::EditExpertPool);
    let institutions = if can_edit {
        crate::store::reference::institutions(&st.db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(PoolMeta {
        can_edit,
        can_propose: can(&me, Permission::ProposeExpert),
        counties: county_names(&st).await?,
        institutions,
    })
}

/// The pool, filtered: bureau roles (county staff see phone numbers masked).
#[server(prefix = "/api", endpoint = "search_experts", input = Json)]
pub async fn search_experts(query: PoolQuery) -> Result<Vec<ExpertRow>, AppError> {
    use self::ssr::*;
    use crate::domain::access::Permission;
    use crate::domain::china_time::china_date;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    // The phone is shown whole to who may edit the pool, masked to everyone else.
    let mask = !can(&me, Permission::EditExpertPool);
    let today = china_date(st.clock.now());
    let counties = county_names(&st).await?;
    let rows = crate::store::experts::search(&st.db, &pool_filter(&query, today)).await?;
    Ok(rows
        .into_iter()
        .map(|m| pool_row(m, &counties, mask, today))
        .collect())
}

/// One expert of the pool: bureau roles (history for prefecture staff only).
#[server(prefix = "/api", endpoint = "get_expert", input = Json)]
pub async fn get_expert(id: i64) -> Result<ExpertDetail, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let m = crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let editor = can(&me, Permission::EditExpertPool);
    detail(&me, &st, m, !editor, editor).await
}

/// Adds an expert: prefecture roles. Returns the new id.
#[server(prefix = "/api", endpoint = "create_expert", input = Json)]
pub async fn create_expert(input: ExpertInput) -> Result<i64, AppError> {
    use self::ssr::*;

    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let mut input = input;
    input.id_number = String::new();
    check(&st, &input).await?;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    let id = crate::store::experts::create(&txn, &by, &input, serde_json::json!({}), now).await?;
    txn.commit().await?;
    Ok(id)
}

/// Edits an expert's record (not status, ties or the expert's own declarations): prefecture
/// roles. Returns the new version; a stale version changes nothing.
#[server(prefix = "/api", endpoint = "update_expert", input = Json)]
pub async fn update_expert(id: i64, version: i32, input: ExpertInput) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let current = crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    // The declarations are the expert's own (see `save_expert_declarations`): kept as stored,
    // neither made nor checked by this edit.
    let mut input = input;
    input.id_number = String::new();
    input.declares_no_post = true;
    input.declares_relatives_no_post = true;
    check(&st, &input).await?;
    input.declares_no_post = current.declares_no_post;
    input.declares_relatives_no_post = current.declares_relatives_no_post;
    input.declares_no_part_time_history = current.declares_no_part_time_history;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    if crate::store::experts::update(&txn, &by, id, version, &input, now).await? == Updated::Stale {
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(version + 1)
}

/// Suspends, removes or reinstates an expert, with a required reason: prefecture roles.
#[server(prefix = "/api", endpoint = "set_expert_status", input = Json)]
pub async fn set_expert_status(
    id: i64,
    version: i32,
    status: ExpertStatus,
    reason: String,
) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let current = crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    reason_ok(&reason, "status.reason")?;
    let from = crate::store::experts::status_from_db(&current.status);
    if from == status {
        return Err(fail(AppError::Refused {
            key: "experts.err.same_status".into(),
        }));
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    if crate::store::experts::set_status(&txn, &by, id, version, from, status, &reason, now).await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(version + 1)
}

/// Replaces the affiliations (own and close relatives' posts) and economic interests kept for
/// recusal: prefecture roles. Institutions must exist.
#[server(prefix = "/api", endpoint = "set_expert_ties", input = Json)]
pub async fn set_expert_ties(id: i64, version: i32, ties: Ties) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    crate::store::experts::get(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    let known = crate::store::reference::institution_names(&st.db).await?;
    let mut errs = crate::domain::error::FieldErrors::new();
    if ties
        .affiliations
        .iter()
        .any(|a| !known.contains_key(&a.institution.0))
    {
        errs.add("ties.affiliations", "experts.err.institution_unknown");
    }
    if ties
        .economic_interests
        .iter()
        .any(|i| !known.contains_key(&i.0))
    {
        errs.add("ties.economic_interests", "experts.err.institution_unknown");
    }
    if ties.affiliations.len() + ties.economic_interests.len() > 100 {
        errs.add("ties.affiliations", "experts.err.too_many_ties");
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let mut ties = ties;
    ties.economic_interests.sort();
    ties.economic_interests.dedup();
    ties.affiliations.dedup();
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    if crate::store::experts::set_ties(&txn, &by, id, version, &ties, now).await? == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(version + 1)
}

/// The pool manager checks the expert's title against the uploaded certificate (职称核验,
/// guide 五(三)). Refused without a certificate; a stale version changes nothing. Returns the
/// new version.
#[server(prefix = "/api", endpoint = "verify_expert_title")]
pub async fn verify_expert_title(id: i64, version: i32) -> Result<i32, AppError> {
    use self::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::VerifyExpertTitle).await?;
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let m = crate::store::experts::get(&txn, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    if m.version != version {
        return Err(fail(AppError::Stale));
    }
    if let Some(key) = crate::domain::expert::title_check_refusal(
        m.title_cert_sha256.is_some(),
        m.title_verified_at.is_some(),
    ) {
        return Err(fail(AppError::Refused { key: key.into() }));
    }
    let by = me.by();
    if crate::store::experts::verify_title(&txn, &by, id, version, &me.user.display_name, now)
        .await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(version + 1)
}
