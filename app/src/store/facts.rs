//! What the domain's rules need to know about a case ([`CaseFacts`]), gathered from the case,
//! its materials, seats, draw records, timeline, re-review child and determination records.

use super::cases::{self, Case};
use super::entities::{case_event, draw_record};
use crate::domain::case::{CaseFacts, CaseLevel};
use crate::domain::deadline::Clock as DeadlineClock;
use crate::domain::ids::{CaseId, CountyId, InstitutionId};
use crate::domain::lifecycle::ActionKind;
use crate::domain::material::MaterialKind;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

/// What the domain needs to know about a case.
pub async fn of_case<C: ConnectionTrait>(c: &C, case: &Case) -> Result<CaseFacts, DbErr> {
    let mats = cases::materials(c, case.id).await?;
    let mut present: Vec<MaterialKind> = mats
        .iter()
        .filter(|m| !m.superseded)
        .map(|m| super::decode::<MaterialKind>(&m.kind))
        .collect::<Result<_, _>>()?;
    present.sort();
    present.dedup();
    let item = cases::item_of(case)?;
    let seats = super::draws::seats(c, case.id).await?;
    let draw_committed = draw_record::Entity::find()
        .filter(draw_record::Column::CaseId.eq(case.id))
        .count(c)
        .await?
        > 0;
    let review_started = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case.id))
        .filter(case_event::Column::Action.eq(ActionKind::StartReview.code()))
        .count(c)
        .await?
        > 0;
    let child = super::rereview::child_of(c, case.id).await?;
    // Whether and when the case (and its re-review) was determined comes from the
    // determination records, not from the case's cached columns.
    let determination = super::determinations::of_case(c, case.id).await?;
    let determined_on = determination.as_ref().map(|d| d.determined_on);
    let child_determined = match &child {
        Some(k) => super::determinations::of_case(c, k.id).await?.is_some(),
        None => false,
    };
    Ok(CaseFacts {
        id: CaseId(case.id),
        level: case.case_level()?,
        county: CountyId(case.county_id),
        institution: InstitutionId(case.institution_id),
        state: case.case_state()?,
        parent: case.parent_id.map(CaseId),
        child: child.as_ref().map(|k| CaseId(k.id)),
        child_determined,
        stage: item.stage,
        materials_present: present,
        undertaking_given: case.undertaking_given,
        draw_committed,
        seats: super::draws::seat_facts(&seats)?,
        review_started,
        determined_on,
        // The notice states the right to ask the prefecture within the window (county cases).
        // The window of the limits in force when the determination was made.
        rereview_window_end: match (case.case_level()?, &determination) {
            (CaseLevel::County, Some(d)) => Some(
                super::settings::time_limits_at(c, d.decided_at)
                    .await?
                    .due_date(
                        DeadlineClock::RereviewRequest,
                        d.determined_on,
                        &super::calendar::current(c).await?,
                    ),
            ),
            _ => None,
        },
    })
}
