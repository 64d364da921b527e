//! The expert pool (专家库): search, create and edit, CSV import, county proposals, and each
//! expert's own declarations and availability.
//!
//! Stored codes differ from the domain's in two columns: `title` keeps the pool's codes
//! (`chuji`, `zhongji`, `fugaoji`, `zhenggaoji`) and `kind` keeps `subject` / `legal`;
//! [`title_to_db`], [`title_from_db`], [`kind_to_db`] and [`kind_from_db`] translate.

use super::accounts::Updated;
use super::audit::By;
use super::entities::{audit_event, expert, expert_proposal};
use crate::domain::draw::{ExpertFacts, ExpertStatus, Ties};
use crate::domain::expert::{ExpertInput, ExpertKind, ProfessionalTitle};
use crate::domain::ids::ExpertId;
use crate::domain::item::{ItemDomain, SchoolSubject};
use crate::domain::terms::Stage;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Column code of a professional title.
pub fn title_to_db(t: ProfessionalTitle) -> &'static str {
    match t {
        ProfessionalTitle::Junior => "chuji",
        ProfessionalTitle::Intermediate => "zhongji",
        ProfessionalTitle::AssociateSenior => "fugaoji",
        ProfessionalTitle::Senior => "zhenggaoji",
    }
}

/// Title of a column code; the domain's own codes are accepted too. Unknown codes read as
/// 初级 (which never qualifies for a draw).
pub fn title_from_db(s: &str) -> ProfessionalTitle {
    match s {
        "zhongji" => ProfessionalTitle::Intermediate,
        "fugaoji" => ProfessionalTitle::AssociateSenior,
        "zhenggaoji" => ProfessionalTitle::Senior,
        other => ProfessionalTitle::from_code(other).unwrap_or(ProfessionalTitle::Junior),
    }
}

/// Column code of an expert kind.
pub fn kind_to_db(k: ExpertKind) -> &'static str {
    match k {
        ExpertKind::SubjectTeaching => "subject",
        ExpertKind::Legal => "legal",
    }
}

/// Kind of a column code (`subject`, `subject_teaching` or `legal`).
pub fn kind_from_db(s: &str) -> ExpertKind {
    match s {
        "legal" => ExpertKind::Legal,
        _ => ExpertKind::SubjectTeaching,
    }
}

/// Status of a column code; unknown codes read as removed (never drawable).
pub fn status_from_db(s: &str) -> ExpertStatus {
    match s {
        "active" => ExpertStatus::Active,
        "suspended" => ExpertStatus::Suspended,
        _ => ExpertStatus::Removed,
    }
}

/// Column code of a status.
pub fn status_to_db(s: ExpertStatus) -> &'static str {
    match s {
        ExpertStatus::Active => "active",
        ExpertStatus::Suspended => "suspended",
        ExpertStatus::Removed => "removed",
    }
}

/// Domains of the `subjects` column (unknown codes are skipped).
pub fn parse_domains(json: &str) -> Vec<ItemDomain> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| ItemDomain::from_code(c))
        .collect()
}

/// Subjects of the `school_subjects` column (unknown codes are skipped).
pub fn parse_school_subjects(json: &str) -> Vec<SchoolSubject> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| SchoolSubject::from_code(c))
        .collect()
}

/// Stages of the `stages` column (unknown codes are skipped).
pub fn parse_stages(json: &str) -> Vec<Stage> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| Stage::from_code(c))
        .collect()
}

/// Ties of the `affiliations` column; an empty or unreadable column reads as no ties.
pub fn parse_ties(json: &str) -> Ties {
    serde_json::from_str(json).unwrap_or_default()
}

/// What the draw needs to know about a pool row.
pub fn model_facts(m: &expert::Model, active_cases: u32, credit_barred: bool) -> ExpertFacts {
    let ties = parse_ties(&m.affiliations);
    ExpertFacts {
        id: ExpertId(m.id),
        status: status_from_db(&m.status),
        term_start: m.term_start,
        term_end: m.term_end,
        credit_barred,
        title: title_from_db(&m.title),
        title_verified: m.title_verified_at.is_some(),
        kind: kind_from_db(&m.kind),
        domains: parse_domains(&m.subjects),
        stages: parse_stages(&m.stages),
        school_subjects: parse_school_subjects(&m.school_subjects),
        employer: m.employer.clone(),
        affiliations: ties.affiliations,
        economic_interests: ties.economic_interests,
        active_cases,
        declared: m.declares_no_post && m.declares_relatives_no_post,
        no_part_time_history: m.declares_no_part_time_history,
        unavailable: match (m.unavailable_from, m.unavailable_until) {
            (Some(from), Some(until)) => Some((from, until)),
            _ => None,
        },
    }
}

fn json_err(e: serde_json::Error) -> DbErr {
    DbErr::Custom(e.to_string())
}

fn codes<T: Copy>(v: &[T], code: fn(T) -> &'static str) -> String {
    serde_json::to_string(&v.iter().map(|x| code(*x)).collect::<Vec<_>>()).unwrap_or_default()
}

/// Which region a search keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionFilter {
    #[default]
    Any,
    /// 州直: the prefecture's own pool (no county).
    Prefecture,
    County(i64),
}

/// Search criteria of the pool list; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the name or employer.
    pub text: String,
    pub domain: Option<ItemDomain>,
    pub stage: Option<Stage>,
    pub kind: Option<ExpertKind>,
    pub region: RegionFilter,
    pub status: Option<ExpertStatus>,
    /// Term ends between these days (inclusive): "ending soon".
    pub term_ends_within: Option<(NaiveDate, NaiveDate)>,
}

/// Pool rows matching the filter, by id. Column conditions run in SQL; the JSON columns
/// (domains, stages) and the text are matched here (the pool holds hundreds, not millions).
pub async fn search<C: ConnectionTrait>(c: &C, f: &Filter) -> Result<Vec<expert::Model>, DbErr> {
    use expert::Column as Col;
    let mut q = expert::Entity::find().order_by_asc(Col::Id);
    if let Some(k) = f.kind {
        q = q.filter(Col::Kind.eq(kind_to_db(k)));
    }
    match f.region {
        RegionFilter::Any => {}
        RegionFilter::Prefecture => q = q.filter(Col::CountyId.is_null()),
        RegionFilter::County(id) => q = q.filter(Col::CountyId.eq(id)),
    }
    if let Some(s) = f.status {
        q = q.filter(Col::Status.eq(status_to_db(s)));
    }
    if let Some((from, to)) = f.term_ends_within {
        q = q
            .filter(Col::TermEnd.gte(from))
            .filter(Col::TermEnd.lte(to));
    }
    let text = f.text.trim();
    Ok(q.all(c)
        .await?
        .into_iter()
        .filter(|m| {
            f.domain
                .is_none_or(|d| parse_domains(&m.subjects).contains(&d))
        })
        .filter(|m| f.stage.is_none_or(|s| parse_stages(&m.stages).contains(&s)))
        .filter(|m| text.is_empty() || m.name.contains(text) || m.employer.contains(text))
        .collect())
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<expert::Model>, DbErr> {
    expert::Entity::find_by_id(id).one(c).await
}

/// Adds a validated expert to the pool: active, with the declarations as entered (collected on
/// paper at admission) and no ties yet. Returns the new id.
pub async fn create<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    input: &ExpertInput,
    how: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let am = expert::ActiveModel {
        name: Set(input.name.trim().into()),
        employer: Set(input.employer.trim().into()),
        title: Set(title_to_db(input.title).into()),
        kind: Set(kind_to_db(input.kind).into()),
        subjects: Set(codes(&input.domains, ItemDomain::code)),
        stages: Set(codes(&input.stages, Stage::code)),
        school_subjects: Set(codes(&input.school_subjects, SchoolSubject::code)),
        county_id: Set(input.region.map(|r| r.0)),
        phone: Set(input.mobile.trim().into()),
        term_start: Set(input.term_start),
        term_end: Set(input.term_end),
        status: Set(status_to_db(ExpertStatus::Active).into()),
        status_reason: Set(String::new()),
        affiliations: Set(serde_json::to_string(&Ties::default()).map_err(json_err)?),
        declares_no_post: Set(input.declares_no_post),
        declares_relatives_no_post: Set(input.declares_relatives_no_post),
        declares_no_part_time_history: Set(input.declares_no_part_time_history),
        declared_at: Set(
            (input.declares_no_post && input.declares_relatives_no_post).then_some(now)
        ),
        unavailable_from: Set(None),
        unavailable_until: Set(None),
        availability_note: Set(String::new()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = expert::Entity::insert(am).exec(c).await?.last_insert_id;
    let event = by
        .entry("expert.create", format!("expert:{id}"))
        .details(how);
    super::audit::append(c, event, now).await?;
    Ok(id)
}

/// Adds every row, or none: call inside one transaction; the first failure is returned and the
/// caller drops the transaction. Each expert added is audited (`expert.create`, via import).
pub async fn import_rows<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    rows: &[ExpertInput],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let mut ids = Vec::with_capacity(rows.len());
    for r in rows {
        ids.push(create(c, by, r, serde_json::json!({ "via": "import" }), now).await?);
    }
    Ok(ids)
}

fn updated(rows: u64) -> Updated {
    if rows == 1 {
        Updated::Yes
    } else {
        Updated::Stale
    }
}

/// Saves the pool record (name … term) if the version still matches. Status, ties, the
/// expert's own declarations and availability are not touched here.
pub async fn update<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    version: i32,
    input: &ExpertInput,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use expert::Column as Col;
    // Another title than the one checked: the check no longer holds.
    let title = title_to_db(input.title);
    let title_changed = get(c, id).await?.is_some_and(|m| m.title != title);
    let mut q = expert::Entity::update_many();
    if title_changed {
        q = q
            .col_expr(Col::TitleVerifiedAt, Expr::value(None::<DateTime<Utc>>))
            .col_expr(Col::TitleVerifiedBy, Expr::value(""));
    }
    let r = q
        .col_expr(Col::Name, Expr::value(input.name.trim()))
        .col_expr(Col::Employer, Expr::value(input.employer.trim()))
        .col_expr(Col::Title, Expr::value(title_to_db(input.title)))
        .col_expr(Col::Kind, Expr::value(kind_to_db(input.kind)))
        .col_expr(
            Col::Subjects,
            Expr::value(codes(&input.domains, ItemDomain::code)),
        )
        .col_expr(Col::Stages, Expr::value(codes(&input.stages, Stage::code)))
        .col_expr(
            Col::SchoolSubjects,
            Expr::value(codes(&input.school_subjects, SchoolSubject::code)),
        )
        .col_expr(Col::CountyId, Expr::value(input.region.map(|r| r.0)))
        .col_expr(Col::Phone, Expr::value(input.mobile.trim()))
        .col_expr(Col::TermStart, Expr::value(input.term_start))
        .col_expr(Col::TermEnd, Expr::value(input.term_end))
        .col_expr(Col::Version, Expr::value(version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .exec(c)
        .await?;
    let done = updated(r.rows_affected);
    if done == Updated::Yes {
        let details = serde_json::json!({});
        let event = by
            .entry("expert.update", format!("expert:{id}"))
            .details(details);
        super::audit::append(c, event, now).await?;
    }
    Ok(done)
}

/// Changes the status (with its reason) if the version still matches.
#[allow(clippy::too_many_arguments)]
pub async fn set_status<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    version: i32,
    from: ExpertStatus,
    status: ExpertStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use expert::Column as Col;
    let r = expert::Entity::update_many()
        .col_expr(Col::Status, Expr::value(status_to_db(status)))
        .col_expr(Col::StatusReason, Expr::value(reason.trim()))
        .col_expr(Col::Version, Expr::value(version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .exec(c)
        .await?;
    let done = updated(r.rows_affected);
    if done == Updated::Yes {
        let details = serde_json::json!({
            "from": status_to_db(from),
            "to": status_to_db(status),
            "reason": reason.trim(),
        });
        let event = by
            .entry("expert.status", format!("expert:{id}"))
            .details(details);
        super::audit::append(c, event, now).await?;
    }
    Ok(done)
}

/// Replaces the ties kept for recusal if the version still matches.
pub async fn set_ties<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    version: i32,
    ties: &Ties,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use expert::Column as Col;
    let r = expert::Entity::update_many()
        .col_expr(
            Col::Affiliations,
            Expr::value(serde_json::to_string(ties).map_err(json_err)?),
        )
        .col_expr(Col::Version, Expr::value(version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .exec(c)
        .await?;
    let done = updated(r.rows_affected);
    if done == Updated::Yes {
        let details = serde_json::json!({
            "affiliations": ties.affiliations.len(),
            "economic_interests": ties.economic_interests.len(),
        });
        let event = by
            .entry("expert.ties", format!("expert:{id}"))
            .details(details);
        super::audit::append(c, event, now).await?;
    }
    Ok(done)
}

/// A title certificate as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleCertificate {
    pub sha256: String,
    pub file_name: String,
    pub file_type: String,
}

/// Records a new title certificate (the check is cleared: the manager checks the new one).
/// Returns the new version, or `None` if the expert is gone.
pub async fn set_title_certificate<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    cert: &TitleCertificate,
    size: u64,
    now: DateTime<Utc>,
) -> Result<Option<i32>, DbErr> {
    use expert::Column as Col;
    let Some(m) = get(c, id).await? else {
        return Ok(None);
    };
    expert::Entity::update_many()
        .col_expr(Col::TitleCertSha256, Expr::value(Some(cert.sha256.clone())))
        .col_expr(Col::TitleCertName, Expr::value(cert.file_name.clone()))
        .col_expr(Col::TitleCertType, Expr::value(cert.file_type.clone()))
        .col_expr(Col::TitleCertAt, Expr::value(Some(now)))
        .col_expr(Col::TitleVerifiedAt, Expr::value(None::<DateTime<Utc>>))
        .col_expr(Col::TitleVerifiedBy, Expr::value(""))
        .col_expr(Col::Version, Expr::value(m.version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(m.version))
        .exec(c)
        .await?;
    let details =
        serde_json::json!({ "name": cert.file_name, "sha256": cert.sha256, "size": size });
    let event = by
        .entry("expert.title_certificate", format!("expert:{id}"))
        .details(details);
    super::audit::append(c, event, now).await?;
    Ok(Some(m.version + 1))
}

/// The pool manager's check of the title against the current certificate, if the version
/// still matches and a certificate is there (`name`: the manager's name, as shown).
pub async fn verify_title<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    version: i32,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use expert::Column as Col;
    let r = expert::Entity::update_many()
        .col_expr(Col::TitleVerifiedAt, Expr::value(Some(now)))
        .col_expr(Col::TitleVerifiedBy, Expr::value(name))
        .col_expr(Col::Version, Expr::value(version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .filter(Col::TitleCertSha256.is_not_null())
        .exec(c)
        .await?;
    let done = updated(r.rows_affected);
    if done == Updated::Yes {
        let m = expert::Entity::find_by_id(id)
            .one(c)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("expert {id}")))?;
        let details = serde_json::json!({ "title": m.title, "certificate": m.title_cert_sha256 });
        let event = by
            .entry("expert.title_verified", format!("expert:{id}"))
            .details(details);
        super::audit::append(c, event, now).await?;
    }
    Ok(done)
}

/// The expert's own declarations and availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnDeclarations {
    pub declares_no_post: bool,
    pub declares_relatives_no_post: bool,
    pub declares_no_part_time_history: bool,
    pub unavailable_from: Option<NaiveDate>,
    pub unavailable_until: Option<NaiveDate>,
    pub availability_note: String,
}

/// Saves the expert's own declarations (stamped now) if the version still matches.
pub async fn save_declarations<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    version: i32,
    d: &OwnDeclarations,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use expert::Column as Col;
    let r = expert::Entity::update_many()
        .col_expr(Col::DeclaresNoPost, Expr::value(d.declares_no_post))
        .col_expr(
            Col::DeclaresRelativesNoPost,
            Expr::value(d.declares_relatives_no_post),
        )
        .col_expr(
            Col::DeclaresNoPartTimeHistory,
            Expr::value(d.declares_no_part_time_history),
        )
        .col_expr(Col::DeclaredAt, Expr::value(Some(now)))
        .col_expr(Col::UnavailableFrom, Expr::value(d.unavailable_from))
        .col_expr(Col::UnavailableUntil, Expr::value(d.unavailable_until))
        .col_expr(
            Col::AvailabilityNote,
            Expr::value(d.availability_note.trim()),
        )
        .col_expr(Col::Version, Expr::value(version + 1))
        .col_expr(Col::UpdatedAt, Expr::value(now))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .exec(c)
        .await?;
    let done = updated(r.rows_affected);
    if done == Updated::Yes {
        let details = serde_json::json!({
            "declares_no_post": d.declares_no_post,
            "declares_relatives_no_post": d.declares_relatives_no_post,
            "declares_no_part_time_history": d.declares_no_part_time_history,
            "unavailable_from": d.unavailable_from,
            "unavailable_until": d.unavailable_until,
        });
        let event = by
            .entry("expert.declarations", format!("expert:{id}"))
            .details(details);
        super::audit::append(c, event, now).await?;
    }
    Ok(done)
}

/// Records a county's proposal (pending). Returns its id.
pub async fn propose<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    county: Option<i64>,
    input: &ExpertInput,
    note: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let am = expert_proposal::ActiveModel {
        county_id: Set(county),
        proposed_by: Set(by.actor.user_id.0),
        input: Set(serde_json::to_string(input).map_err(json_err)?),
        note: Set(note.trim().into()),
        status: Set("pending".into()),
        decision_reason: Set(String::new()),
        decided_by: Set(None),
        decided_at: Set(None),
        expert_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    };
    let id = expert_proposal::Entity::insert(am)
        .exec(c)
        .await?
        .last_insert_id;
    let event = by.entry("expert_proposal.create", format!("expert_proposal:{id}"));
    super::audit::append(c, event, now).await?;
    Ok(id)
}

/// The input a proposal carries.
pub fn proposal_input(p: &expert_proposal::Model) -> Result<ExpertInput, DbErr> {
    serde_json::from_str(&p.input).map_err(json_err)
}

/// Proposals, newest first: all of them, or one county's.
pub async fn proposals<C: ConnectionTrait>(
    c: &C,
    county: Option<i64>,
) -> Result<Vec<expert_proposal::Model>, DbErr> {
    let mut q = expert_proposal::Entity::find().order_by_desc(expert_proposal::Column::Id);
    if let Some(county) = county {
        q = q.filter(expert_proposal::Column::CountyId.eq(county));
    }
    q.all(c).await
}

pub async fn proposal<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<Option<expert_proposal::Model>, DbErr> {
    expert_proposal::Entity::find_by_id(id).one(c).await
}

/// Decides a pending proposal if the version still matches: approved (with the expert created
/// for it) or rejected.
pub async fn decide_proposal<C: ConnectionTrait>(
    c: &C,
    by: &By<'_>,
    id: i64,
    version: i32,
    expert_id: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Updated, DbErr> {
    use expert_proposal::Column as Col;
    let status = if expert_id.is_some() {
        "approved"
    } else {
        "rejected"
    };
    let r = expert_proposal::Entity::update_many()
        .col_expr(Col::Status, Expr::value(status))
        .col_expr(Col::DecisionReason, Expr::value(reason.trim()))
        .col_expr(Col::DecidedBy, Expr::value(Some(by.actor.user_id.0)))
        .col_expr(Col::DecidedAt, Expr::value(Some(now)))
        .col_expr(Col::ExpertId, Expr::value(expert_id))
        .col_expr(Col::Version, Expr::value(version + 1))
        .filter(Col::Id.eq(id))
        .filter(Col::Version.eq(version))
        .filter(Col::Status.eq("pending"))
        .exec(c)
        .await?;
    let done = updated(r.rows_affected);
    if done == Updated::Yes {
        let action = if expert_id.is_some() {
            "expert_proposal.approve"
        } else {
            "expert_proposal.reject"
        };
        let details = serde_json::json!({ "reason": reason.trim(), "expert": expert_id });
        let event = by
            .entry(action, format!("expert_proposal:{id}"))
            .details(details);
        super::audit::append(c, event, now).await?;
    }
    Ok(done)
}

/// The latest audit events about one expert, newest first.
pub async fn history<C: ConnectionTrait>(
    c: &C,
    id: i64,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Object.eq(format!("expert:{id}")))
        .order_by_desc(audit_event::Column::Seq)
        .limit(limit)
        .all(c)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::draw::{Affiliation, Relation};
    use crate::domain::ids::InstitutionId;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn row() -> expert::Model {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        expert::Model {
            id: 7,
            name: "王敏".into(),
            employer: "昌吉市第一中学".into(),
            title: "fugaoji".into(),
            kind: "subject".into(),
            subjects: r#"["sports","arts","bogus"]"#.into(),
            stages: r#"["primary","junior"]"#.into(),
            school_subjects: r#"["art","bogus"]"#.into(),
            county_id: Some(652301),
            phone: "13912345678".into(),
            term_start: d(2025, 9, 1),
            term_end: d(2028, 8, 31),
            status: "suspended".into(),
            status_reason: "缺席".into(),
            affiliations: r#"{"affiliations":[{"institution":3,"relation":"close_relative","until":"2025-01-31"}],"economic_interests":[5]}"#.into(),
            declares_no_post: true,
            declares_relatives_no_post: false,
            declares_no_part_time_history: true,
            declared_at: Some(now),
            unavailable_from: Some(d(2026, 4, 1)),
            unavailable_until: None,
            availability_note: String::new(),
            title_cert_sha256: None,
            title_cert_name: String::new(),
            title_cert_type: String::new(),
            title_cert_at: None,
            title_verified_at: None,
            title_verified_by: String::new(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn model_facts_reads_every_column() {
        let f = model_facts(&row(), 2, true);
        assert_eq!(f.id, ExpertId(7));
        assert_eq!(f.status, ExpertStatus::Suspended);
        assert_eq!(f.title, ProfessionalTitle::AssociateSenior);
        assert_eq!(f.kind, ExpertKind::SubjectTeaching);
        assert_eq!(f.domains, vec![ItemDomain::Sports, ItemDomain::Arts]);
        assert_eq!(f.stages, vec![Stage::Primary, Stage::Junior]);
        assert_eq!(f.school_subjects, vec![SchoolSubject::Art]);
        assert_eq!(
            f.affiliations,
            vec![Affiliation {
                institution: InstitutionId(3),
                relation: Relation::CloseRelative,
                until: NaiveDate::from_ymd_opt(2025, 1, 31),
            }]
        );
        assert_eq!(f.economic_interests, vec![InstitutionId(5)]);
        assert_eq!(f.active_cases, 2);
        assert!(f.credit_barred);
        // One declaration missing: not declared. Only one date: not unavailable.
        assert!(!f.declared);
        assert_eq!(f.unavailable, None);
    }

    #[test]
    fn model_facts_declared_and_unavailable() {
        let mut m = row();
        m.declares_relatives_no_post = true;
        m.unavailable_until = NaiveDate::from_ymd_opt(2026, 4, 10);
        m.status = "active".into();
        m.kind = "legal".into();
        m.title = "zhongji".into();
        m.affiliations = String::new();
        let f = model_facts(&m, 0, false);
        assert!(f.declared);
        assert_eq!(f.status, ExpertStatus::Active);
        assert_eq!(f.kind, ExpertKind::Legal);
        assert_eq!(f.title, ProfessionalTitle::Intermediate);
        assert!(f.title.qualifies());
        assert_eq!(
            f.unavailable,
            Some((
                NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 4, 10).unwrap()
            ))
        );
        assert!(f.affiliations.is_empty() && f.economic_interests.is_empty());
    }

    #[test]
    fn title_and_kind_codes_round_trip() {
        for t in ProfessionalTitle::ALL {
            assert_eq!(title_from_db(title_to_db(t)), t);
            assert_eq!(title_from_db(t.code()), t);
        }
        assert_eq!(title_from_db("nonsense"), ProfessionalTitle::Junior);
        for k in [ExpertKind::SubjectTeaching, ExpertKind::Legal] {
            assert_eq!(kind_from_db(kind_to_db(k)), k);
        }
        assert_eq!(status_from_db("gone"), ExpertStatus::Removed);
    }
}
