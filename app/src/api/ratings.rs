//! 专家考评: the clerk rates each panel member after the determination (100 points, within two
//! working days); the expert's page shows the average and the history.

use super::AppError;
use crate::domain::rating::RatingInput;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One panel member and their rating for the case (if given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRating {
    pub expert_id: i64,
    pub name: String,
    pub score: Option<i32>,
    pub comment: String,
    /// China Standard Time.
    pub rated_at: Option<String>,
    pub rated_by: String,
}

/// The ratings of a case's panel as the bureau sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRatings {
    /// The case is determined, so its panel can be rated.
    pub open: bool,
    /// The signed-in user is the clerk who rates.
    pub can_rate: bool,
    pub due_on: Option<NaiveDate>,
    /// Past the due date with members not yet rated.
    pub overdue: bool,
    pub members: Vec<MemberRating>,
}

/// One past rating on the expert's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingRow {
    pub case_id: i64,
    pub case_number: String,
    pub score: i32,
    pub comment: String,
    pub rated_at: String,
}

/// An expert's ratings as the reader may see them: the rows (and their average) of the cases
/// of the reader's scope; ratings given in other counties are only counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertRatings {
    pub average: Option<f64>,
    pub count: usize,
    pub rows: Vec<RatingRow>,
    /// Ratings given on other counties' cases (not shown to a county's staff).
    #[serde(default)]
    pub other_counties: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateInput {
    pub case_id: i64,
    pub expert_id: i64,
    pub rating: RatingInput,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{db, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::case::CaseFacts;

    /// The clerk of the case's level rates its panel (domain::access).
    pub fn is_rater(me: &Me, facts: &CaseFacts) -> bool {
        authorize(&me.actor, &Permission::RateExpert, Some(facts)).is_ok()
    }

    /// The experts who sat through the case (accepted seats), in seat order.
    pub async fn members(
        dbc: &sea_orm::DatabaseConnection,
        case_id: i64,
    ) -> Result<Vec<(i64, String)>, AppError> {
        crate::store::draws::panel_members(dbc, case_id)
            .await
            .map_err(db)
    }
}

/// The panel's ratings on a case page (bureau roles who can see the case).
#[server(prefix = "/api", endpoint = "case_ratings")]
pub async fn get_case_ratings(case_id: i64) -> Result<CaseRatings, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (case, facts) = crate::api::server::visible_case(&me, case_id).await?;
    authorize(&me.actor, &Permission::ViewCaseRatings, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    case_ratings_for(&st.db, &me, &case, &facts, st.clock.now())
        .await
        .map_err(fail)
}

/// The panel's ratings as the case page carries them (the caller checked the case is visible).
#[cfg(feature = "ssr")]
pub async fn case_ratings_for(
    dbc: &sea_orm::DatabaseConnection,
    me: &super::server::Me,
    case: &crate::store::cases::Case,
    facts: &crate::domain::case::CaseFacts,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CaseRatings, AppError> {
    use super::server::db;
    use crate::domain::china_time::china_date;
    use crate::domain::rating::rating_due;
    let open = facts.state.is_determined();
    let members = ssr::members(dbc, case.id).await?;
    let given = crate::store::ratings::for_case(dbc, case.id)
        .await
        .map_err(db)?;
    let names =
        crate::store::reference::display_names(dbc, given.iter().map(|r| r.rated_by).collect())
            .await
            .map_err(db)?;
    let cal = crate::store::calendar::current(dbc).await.map_err(db)?;
    let due_on = case
        .determined_on
        .filter(|_| open)
        .map(|d| rating_due(d, &cal));
    let rows: Vec<MemberRating> = members
        .into_iter()
        .map(|(id, name)| {
            let r = given.iter().find(|r| r.expert_id == id);
            MemberRating {
                expert_id: id,
                name,
                score: r.map(|r| r.score),
                comment: r.map(|r| r.comment.clone()).unwrap_or_default(),
                rated_at: r.map(|r| crate::domain::china_time::china_minute(r.rated_at)),
                rated_by: r
                    .and_then(|r| names.get(&r.rated_by).cloned())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let pending = rows.iter().any(|m| m.score.is_none());
    Ok(CaseRatings {
        open,
        can_rate: open && ssr::is_rater(me, facts),
        overdue: pending && due_on.is_some_and(|d| china_date(now) > d),
        due_on,
        members: rows,
    })
}

/// Rates one panel member of a determined case (the clerk of the case's level).
#[server(prefix = "/api", endpoint = "rate_expert", input = Json)]
pub async fn rate_expert(input: RateInput) -> Result<(), AppError> {
    use super::server::{fail, require, state};
    use crate::domain::rating::validate_rating;
    use crate::store::tx;
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (case, facts) = crate::api::server::visible_case(&me, input.case_id).await?;
    if !ssr::is_rater(&me, &facts) {
        return Err(fail(AppError::Forbidden));
    }
    if !facts.state.is_determined() {
        return Err(fail(AppError::Refused {
            key: "err.rating.not_yet".into(),
        }));
    }
    let members = ssr::members(&st.db, case.id).await.map_err(fail)?;
    if !members.iter().any(|(id, _)| *id == input.expert_id) {
        return Err(fail(AppError::NotFound));
    }
    let score = validate_rating(&input.rating).map_err(|e| fail(AppError::Validation(e)))?;
    let txn = tx::begin_write(&st.db, now).await?;
    let written = crate::store::ratings::rate(
        &txn,
        &me.actor,
        case.id,
        input.expert_id,
        score,
        &input.rating.comment,
        now,
    )
    .await?;
    if !written {
        return Err(fail(AppError::Refused {
            key: "err.rating.done".into(),
        }));
    }
    txn.commit().await?;
    Ok(())
}

/// An expert's ratings: the average and the history (bureau roles).
#[server(prefix = "/api", endpoint = "expert_ratings")]
pub async fn get_expert_ratings(expert_id: i64) -> Result<ExpertRatings, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    authorize(&me.actor, &Permission::ViewExpertPool, None).map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    crate::store::reference::expert(&st.db, expert_id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    expert_ratings_for(&st.db, &me, expert_id)
        .await
        .map_err(fail)
}

/// The average and history as the expert's page carries them, for `me`: the ratings of cases
/// of the reader's scope (`Permission::ViewRecordDetails`), the others only counted.
#[cfg(feature = "ssr")]
pub async fn expert_ratings_for(
    dbc: &sea_orm::DatabaseConnection,
    me: &super::server::Me,
    expert_id: i64,
) -> Result<ExpertRatings, AppError> {
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::CountyId;
    let list = crate::store::ratings::for_expert(dbc, expert_id)
        .await
        .map_err(super::server::db)?;
    let (mine, others): (Vec<_>, Vec<_>) = list.into_iter().partition(|(_, _, county)| {
        let perm = Permission::ViewRecordDetails(Some(CountyId(*county)));
        authorize(&me.actor, &perm, None).is_ok()
    });
    let scores: Vec<i32> = mine.iter().map(|(r, _, _)| r.score).collect();
    Ok(ExpertRatings {
        average: crate::domain::rating::average(&scores),
        count: scores.len(),
        other_counties: others.len(),
        rows: mine
            .into_iter()
            .map(|(r, n, _)| RatingRow {
                case_id: r.case_id,
                case_number: n.unwrap_or_else(|| format!("#{}", r.case_id)),
                score: r.score,
                comment: r.comment,
                rated_at: crate::domain::china_time::china_minute(r.rated_at),
            })
            .collect(),
    })
}
