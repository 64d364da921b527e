//! 鉴定活动: the panel's activities on a case (书面审查, 实地查看, 课堂观摩, 个别访谈) with
//! their photos and files. Recording is for the seated experts and the level's clerk while the
//! case is under review (`Permission::RecordActivity`); reading follows `ViewCaseFile`. The
//! photos themselves go up and down as plain requests (see `api::files`).

use super::AppError;
use crate::domain::activity::ActivityKind;
use crate::domain::files::FileType;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A photo or file of an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityFileView {
    pub id: i64,
    pub file_name: String,
    pub file_type: FileType,
    pub size: i64,
    /// China Standard Time, "2026-11-28 14:05"
    pub uploaded_at: String,
}

/// An activity as the case page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub kind: ActivityKind,
    pub held_on: NaiveDate,
    /// Where it was held (地点).
    pub place: String,
    pub participants: String,
    pub notes: String,
    pub version: i32,
    pub files: Vec<ActivityFileView>,
}

/// What the case page needs to offer the activity form and check it in the browser.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityRules {
    /// The viewer may record activities now.
    pub can_record: bool,
    /// The day the case was accepted (no activity before it).
    pub accepted_on: Option<NaiveDate>,
    /// Today in China (no activity after it).
    pub today: Option<NaiveDate>,
}

/// An activity to save: `id` None records a new one, otherwise `version` must be current.
/// `kind` and `held_on` are sent as typed (codes and `YYYY-MM-DD`) and checked by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityInput {
    pub case_id: i64,
    pub id: Option<i64>,
    #[serde(default)]
    pub version: i32,
    pub kind: String,
    pub held_on: String,
    /// Where it was held (地点), as the opinion prints it.
    #[serde(default)]
    pub place: String,
    pub participants: String,
    pub notes: String,
}

/// The saved activity and its new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedActivity {
    pub id: i64,
    pub version: i32,
}

#[cfg(feature = "ssr")]
pub(crate) use ssr::for_case as ssr_for_case;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::Me;
    use crate::domain::access::{activity_detail, authorize, ActivityDetail, Permission};
    use crate::domain::case::CaseFacts;
    use crate::domain::china_time::china_date;
    use crate::store::activities;
    use chrono::{DateTime, Utc};
    use sea_orm::ConnectionTrait;

    /// The case's activities as `detail` lets the viewer see them (`access::activity_detail`):
    /// the institution gets kind and date (and the summary once determined), never the
    /// participants nor the photos.
    pub async fn views<C: ConnectionTrait>(
        c: &C,
        case_id: i64,
        detail: ActivityDetail,
    ) -> Result<Vec<ActivityView>, AppError> {
        let (full, summary) = match detail {
            ActivityDetail::None => return Ok(vec![]),
            ActivityDetail::Full => (true, true),
            ActivityDetail::Outline { summary } => (false, summary),
        };
        let list = activities::list(c, case_id).await?;
        list.into_iter()
            .map(|(a, files)| {
                Ok(ActivityView {
                    id: a.id,
                    kind: crate::store::decode(&a.kind)?,
                    held_on: a.held_on,
                    place: a.place,
                    participants: if full { a.participants } else { String::new() },
                    notes: if summary { a.notes } else { String::new() },
                    version: a.version,
                    files: files
                        .into_iter()
                        .filter(|_| full)
                        .map(|f| {
                            Ok(ActivityFileView {
                                id: f.id,
                                file_name: f.file_name,
                                file_type: crate::store::decode(&f.file_type)?,
                                size: f.size,
                                uploaded_at: crate::domain::china_time::china_minute(f.uploaded_at),
                            })
                        })
                        .collect::<Result<_, AppError>>()?,
                })
            })
            .collect()
    }

    /// The activities of a case for the case page (empty unless the viewer may read the case
    /// file) and what the viewer may do with them.
    pub async fn for_case<C: ConnectionTrait>(
        c: &C,
        me: &Me,
        facts: &CaseFacts,
        now: DateTime<Utc>,
    ) -> Result<(Vec<ActivityView>, ActivityRules), AppError> {
        let can_record = authorize(&me.actor, &Permission::RecordActivity, Some(facts)).is_ok();
        let list = views(c, facts.id.0, activity_detail(&me.actor, facts)).await?;
        let accepted_on = if can_record {
            activities::accepted_at(c, facts.id.0)
                .await?
                .map(china_date)
        } else {
            None
        };
        Ok((
            list,
            ActivityRules {
                can_record,
                accepted_on,
                today: can_record.then(|| china_date(now)),
            },
        ))
    }
}

/// The activities of a case (for those who may read the case file).
#[server(prefix = "/api", endpoint = "case_activities")]
pub async fn case_activities(case_id: i64) -> Result<Vec<ActivityView>, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let (_, facts) = crate::api::server::visible_case(&me, case_id).await?;
    authorize(&me.actor, &Permission::ViewCaseFile, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let detail = crate::domain::access::activity_detail(&me.actor, &facts);
    ssr::views(&st.db, case_id, detail).await
}

/// Records a new activity or saves one (optimistic `version`): the policy decides who, the
/// domain's `validate_activity` what; written with its audit event in one transaction.
#[server(prefix = "/api", endpoint = "save_activity", input = Json)]
pub async fn save_activity(input: ActivityInput) -> Result<SavedActivity, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::china_time::china_date;
    use crate::store::activities::{self, NotSaved};
    let me = require().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let (_, facts) = crate::api::server::visible_case(&me, input.case_id).await?;
    authorize(&me.actor, &Permission::RecordActivity, Some(&facts))
        .map_err(|d| fail(super::denied(d)))?;
    let existing = match input.id {
        Some(id) => {
            let a = activities::get(&st.db, id)
                .await?
                .filter(|a| a.case_id == input.case_id)
                .ok_or_else(|| fail(AppError::NotFound))?;
            // Only who recorded it (or the level's clerk) edits an activity.
            let perm = Permission::EditActivity(crate::domain::ids::UserId(a.created_by));
            authorize(&me.actor, &perm, Some(&facts)).map_err(|d| fail(super::denied(d)))?;
            Some(a)
        }
        None => None,
    };
    let accepted_on = activities::accepted_at(&st.db, input.case_id)
        .await?
        .map(china_date);
    let (i, today) = (&input, china_date(now));
    let fields = crate::domain::activity::check_activity(
        &i.kind,
        &i.held_on,
        &i.place,
        &i.participants,
        &i.notes,
        accepted_on,
        today,
    )
    .map_err(|errs| fail(AppError::Validation(errs)))?;
    let existing = existing.as_ref().map(|a| (a, input.version));
    match activities::save(&st.db, &me.by(), input.case_id, existing, &fields, now).await? {
        Ok((id, version)) => Ok(SavedActivity { id, version }),
        Err(NotSaved::Denied(d)) => Err(fail(super::denied(d))),
        Err(NotSaved::Stale) => Err(fail(AppError::Stale)),
    }
}
