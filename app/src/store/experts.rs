//! The expert pool (专家库): search, create and edit, CSV import, county proposals, and each
//! expert's own declarations and availability.
//!
//! Stored codes differ from the domain's in two columns: `title` keeps the pool's codes
//! (`chuji`, `zhongji`, `fugaoji`, `zhenggaoji`) and `kind` keeps `subject` / `legal`;
//! [`title_to_db`], [`title_from_db`], [`kind_to_db`] and [`kind_from_db`] translate.

use super::entities::expert;
use crate::domain::draw::{ExpertFacts, ExpertStatus, Ties};
use crate::domain::ids::ExpertId;
use crate::domain::terms::Stage;
use crate::domain::validate::{ExpertKind, ItemDomain, ProfessionalTitle};

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
        kind: kind_from_db(&m.kind),
        domains: parse_domains(&m.subjects),
        stages: parse_stages(&m.stages),
        employer: m.employer.clone(),
        affiliations: ties.affiliations,
        economic_interests: ties.economic_interests,
        active_cases,
        declared: m.declares_no_post && m.declares_relatives_no_post,
        unavailable: match (m.unavailable_from, m.unavailable_until) {
            (Some(from), Some(until)) => Some((from, until)),
            _ => None,
        },
    }
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
            county_id: Some(652301),
            phone: "13912345678".into(),
            term_start: d(2025, 9, 1),
            term_end: d(2028, 8, 31),
            status: "suspended".into(),
            status_reason: "缺席".into(),
            affiliations: r#"{"affiliations":[{"institution":3,"relation":"close_relative","until":"2025-01-31"}],"economic_interests":[5]}"#.into(),
            declares_no_post: true,
            declares_relatives_no_post: false,
            declared_at: Some(now),
            unavailable_from: Some(d(2026, 4, 1)),
            unavailable_until: None,
            availability_note: String::new(),
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
