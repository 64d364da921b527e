//! 复审 (DOMAIN §4, §8): the institution's application, the county's decision on forwarding it,
//! and the prefecture child case that forwarding (or the prefecture director's order on an
//! escalated case) opens. The child carries the application's item and every current material
//! (as copies of the records: the files themselves are shared by hash); its panel, sheets and
//! opinion are its own, and the parent's stay readable from the child's page.

use super::cases::{self, Case};
use super::entities::{jd_case, material, rereview_application};
use crate::domain::case::{CaseLevel, CaseState};
use crate::domain::china_time::china_date;
use crate::domain::deadline::Clock as DeadlineClock;
use crate::domain::lifecycle::{ActionKind, Effect, Transition};
use crate::domain::rereview::RereviewApplication;
use crate::domain::role::Actor;
use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

pub use rereview_application::Model as Application;

pub const FORWARDED: &str = "forwarded";
pub const REFUSED: &str = "refused";

/// The case's re-review application, if one was filed.
pub async fn application<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<Application>, DbErr> {
    rereview_application::Entity::find()
        .filter(rereview_application::Column::CaseId.eq(case_id))
        .one(c)
        .await
}

/// Records the application (call in the transaction that takes `RequestRereview`).
pub async fn file<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    a: &RereviewApplication,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    rereview_application::Entity::insert(rereview_application::ActiveModel {
        case_id: Set(case_id),
        grounds: Set(a.grounds.trim().to_string()),
        request: Set(a.request.trim().to_string()),
        undertaking: Set(a.undertaking),
        filed_by: Set(by),
        filed_at: Set(now),
        decision: Set(None),
        decision_text: Set(String::new()),
        decided_by: Set(None),
        decided_at: Set(None),
        child_case_id: Set(None),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The prefecture case opened from this one (re-review or an ordered prefecture panel).
pub async fn child_of<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Option<Case>, DbErr> {
    jd_case::Entity::find()
        .filter(jd_case::Column::ParentId.eq(case_id))
        .order_by_desc(jd_case::Column::Id)
        .one(c)
        .await
}

/// Opens the prefecture child case of `parent`: ACCEPTED at prefecture level, the prefecture
/// determination clock running, the item and the current materials carried over.
pub async fn open_child<C: ConnectionTrait>(
    c: &C,
    actor: Option<&Actor>,
    parent: &Case,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let today = china_date(now);
    let number = cases::next_number(c, now.year()).await?;
    let due = super::settings::time_limits(c).await?.due_date(
        DeadlineClock::PrefectureDetermination,
        today,
        &super::calendar::current(c).await?,
    );
    let id = jd_case::Entity::insert(jd_case::ActiveModel {
        number: Set(Some(number)),
        level: Set(CaseLevel::Prefecture.code().into()),
        county_id: Set(parent.county_id),
        institution_id: Set(parent.institution_id),
        parent_id: Set(Some(parent.id)),
        state: Set(CaseState::Accepted.code().into()),
        item: Set(parent.item.clone()),
        item_name: Set(parent.item_name.clone()),
        undertaking_given: Set(parent.undertaking_given),
        undertaking_at: Set(parent.undertaking_at),
        deficiencies: Set("[]".into()),
        clock: Set(Some(DeadlineClock::PrefectureDetermination.code().into())),
        due_on: Set(Some(due)),
        category: Set(None),
        determined_on: Set(None),
        created_by: Set(actor.map_or(parent.created_by, |a| a.user_id.0)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(parent.submitted_at),
        rubric_version: Set(parent.rubric_version),
        ..Default::default()
    })
    .exec(c)
    .await?
    .last_insert_id;
    // The materials as they stood when the county decided (later changes, had there been
    // any, are not the file the county decided on), and the new evidence of the re-review.
    let decided = decided_at(c, parent.id).await?.unwrap_or(now);
    for m in carried_materials(cases::materials(c, parent.id).await?, decided) {
        material::Entity::insert(material::ActiveModel {
            case_id: Set(id),
            kind: Set(m.kind),
            file_name: Set(m.file_name),
            file_type: Set(m.file_type),
            size: Set(m.size),
            sha256: Set(m.sha256),
            version: Set(m.version),
            replaces_id: Set(None),
            superseded: Set(false),
            uploaded_by: Set(m.uploaded_by),
            uploaded_at: Set(m.uploaded_at),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    let child = cases::get(c, id)
        .await?
        .ok_or_else(|| DbErr::Custom("child case missing".into()))?;
    let reason = parent
        .number
        .clone()
        .unwrap_or_else(|| parent.id.to_string());
    cases::opened_event(c, actor, &child, &reason, now).await?;
    Ok(id)
}

/// When the county decided the case: its latest move into DETERMINED or ESCALATED.
async fn decided_at<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    use super::entities::case_event;
    use sea_orm::QuerySelect;
    case_event::Entity::find()
        .select_only()
        .column(case_event::Column::At)
        .filter(case_event::Column::CaseId.eq(case_id))
        .filter(
            case_event::Column::ToState
                .is_in([CaseState::Determined.code(), CaseState::Escalated.code()]),
        )
        .order_by_desc(case_event::Column::At)
        .into_tuple::<DateTime<Utc>>()
        .one(c)
        .await
}

/// The materials a prefecture case carries over from its parent: every file that was current
/// at `decided` (uploaded by then, and not replaced by then), and the re-review evidence
/// (复审新证据), which is uploaded afterwards and only ever added.
pub fn carried_materials(
    all: Vec<material::Model>,
    decided: DateTime<Utc>,
) -> Vec<material::Model> {
    use crate::domain::material::MaterialKind;
    let evidence = MaterialKind::RereviewEvidence.code();
    let replaced_by_then: std::collections::HashSet<i64> = all
        .iter()
        .filter(|m| m.uploaded_at <= decided)
        .filter_map(|m| m.replaces_id)
        .collect();
    all.into_iter()
        .filter(|m| {
            if m.kind == evidence {
                !m.superseded
            } else {
                m.uploaded_at <= decided && !replaced_by_then.contains(&m.id)
            }
        })
        .collect()
}

/// What a transition means for re-review records, in its transaction, after
/// `store::transition::record`: the county's decision is written on the application, and
/// forwarding (or an ordered prefecture panel) opens the child case. Returns the child case
/// opened, if any.
pub async fn after_transition<C: ConnectionTrait>(
    c: &C,
    actor: Option<&Actor>,
    case: &Case,
    t: &Transition,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let mut child = None;
    for e in &t.effects {
        if let Effect::OpenPrefectureChildCase { .. } = e {
            child = Some(open_child(c, actor, case, now).await?);
        }
    }
    let decision = match t.action {
        ActionKind::ForwardRereview => Some(FORWARDED),
        ActionKind::RefuseRereview => Some(REFUSED),
        _ => None,
    };
    if let Some(d) = decision {
        rereview_application::Entity::update_many()
            .col_expr(rereview_application::Column::Decision, Expr::value(d))
            .col_expr(
                rereview_application::Column::DecisionText,
                Expr::value(t.reason.clone().unwrap_or_default()),
            )
            .col_expr(
                rereview_application::Column::DecidedBy,
                Expr::value(actor.map(|a| a.user_id.0)),
            )
            .col_expr(rereview_application::Column::DecidedAt, Expr::value(now))
            .col_expr(
                rereview_application::Column::ChildCaseId,
                Expr::value(child),
            )
            .filter(rereview_application::Column::CaseId.eq(case.id))
            .exec(c)
            .await?;
    }
    Ok(child)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn m(id: i64, kind: &str, at: i64, replaces: Option<i64>, superseded: bool) -> material::Model {
        material::Model {
            id,
            case_id: 1,
            kind: kind.into(),
            file_name: format!("{id}.pdf"),
            file_type: "pdf".into(),
            size: 1,
            sha256: format!("{id:064}"),
            version: 1,
            replaces_id: replaces,
            superseded,
            uploaded_by: 1,
            uploaded_at: Utc.timestamp_opt(at, 0).unwrap(),
        }
    }

    #[test]
    fn the_child_carries_the_file_the_county_decided_on() {
        let decided = Utc.timestamp_opt(100, 0).unwrap();
        let all = vec![
            // The course plan, replaced before the decision by 2; 2 replaced afterwards by 4.
            m(1, "course_plan", 10, None, true),
            m(2, "course_plan", 50, Some(1), true),
            m(3, "syllabus", 20, None, false),
            m(4, "course_plan", 150, Some(2), false),
            // New evidence for the re-review.
            m(5, "rereview_evidence", 160, None, false),
        ];
        let ids: Vec<i64> = carried_materials(all, decided)
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, vec![2, 3, 5]);
    }
}
