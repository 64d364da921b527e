//! 信用记录: directors file credit records; bureaus read them on the case (the institution's)
//! and on the expert's page. An institution's record with a case terminates the case; an
//! expert's suspends or removes the expert, who is never drawn again, and the seats the expert
//! has not yet scored are redrawn — all in the one transaction that files the record.

use super::AppError;
use crate::domain::credit::{CreditInput, CreditSubject};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A record as bureaus read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditView {
    pub id: i64,
    pub kind: crate::domain::credit::CreditKind,
    /// `suspend` / `remove` (experts), `terminate` (an institution's case ended), or empty.
    pub measure: String,
    pub reason: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    /// The expert's score sheet on that case was voided (given in bad faith).
    pub voided_sheet: bool,
    pub filed_by: String,
    /// China Standard Time.
    pub filed_at: String,
    /// Filed by another county: the reader sees that it exists, its kind, measure and date,
    /// but not the case, the reason or who filed it (`Permission::ViewRecordDetails`).
    #[serde(default)]
    pub other_county: bool,
    /// Filed by a county director: it bars the expert from that county's draws and vacated
    /// that county's seats; the measure (suspend / remove) is the county's proposal until the
    /// prefecture, which keeps the pool, changes the expert's status.
    #[serde(default)]
    pub county_record: bool,
}

/// The records about an institution or an expert, and whether this user may file one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditRecords {
    pub records: Vec<CreditView>,
    pub can_file: bool,
}

/// What a director files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditFiling {
    pub subject: CreditSubject,
    /// The institution's or the expert's id.
    pub target_id: i64,
    /// Institutions: the case to terminate. Experts: the case it happened on (optional).
    pub case_id: Option<i64>,
    /// Experts: the case by its number (as typed on the expert's page), instead of `case_id`.
    #[serde(default)]
    pub case_number: String,
    /// Experts: void the expert's score sheet on that case (given in bad faith); the seat goes
    /// to a backup who scores anew. Only before the opinion is drafted.
    #[serde(default)]
    pub void_sheet: bool,
    pub form: CreditInput,
}

/// What followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditOutcome {
    pub record_id: i64,
    /// The case terminated (institutions).
    pub terminated: Option<i64>,
    /// Cases whose seat was redrawn (experts): only the filer's county's cases when a county
    /// director files.
    pub redrawn: Vec<i64>,
    /// The expert's pool status was changed (suspended or removed): only when the filer keeps
    /// the pool (the prefecture).
    #[serde(default)]
    pub pool_status_changed: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::server::{db, fail, AppState, Me};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::credit::CreditKind;
    use crate::domain::ids::{CountyId, ExpertId, InstitutionId};
    use crate::domain::lifecycle::{apply, Action, Initiator};
    use crate::store::accounts::Updated;
    use crate::store::credit::NewRecord;
    use crate::store::{cases, tx};
    use sea_orm::DatabaseConnection;

    /// May this bureau user read (and the director file) records about this institution? A
    /// county sees its own county's institutions; anything else is not found.
    pub async fn institution_in_scope(
        dbc: &DatabaseConnection,
        me: &Me,
        id: i64,
    ) -> Result<crate::store::entities::institution::Model, AppError> {
        let inst = crate::store::reference::institution(dbc, id)
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let perm = Permission::ViewInstitution {
            institution: InstitutionId(inst.id),
            county: CountyId(inst.county_id),
        };
        authorize(&me.actor, &perm, None).map_err(|_| AppError::NotFound)?;
        Ok(inst)
    }

    /// The records as `me` may read them: another county's record without its case, reason
    /// and filer (`Permission::ViewRecordDetails`).
    pub async fn views(
        dbc: &DatabaseConnection,
        me: &Me,
        list: Vec<crate::store::credit::CreditRecord>,
    ) -> Result<Vec<CreditView>, AppError> {
        let names =
            crate::store::reference::display_names(dbc, list.iter().map(|r| r.filed_by).collect())
                .await
                .map_err(db)?;
        let mut out = Vec::new();
        for r in list {
            let kind: crate::domain::credit::CreditKind = crate::store::decode(&r.kind)?;
            let county = r.county_id.map(CountyId);
            // The institution reads what was filed against it in full.
            let details = me.actor.institution().is_some()
                || authorize(&me.actor, &Permission::ViewRecordDetails(county), None).is_ok();
            let number = match r.case_id.filter(|_| details) {
                Some(cid) => crate::store::cases::get(dbc, cid)
                    .await
                    .map_err(db)?
                    .and_then(|c| c.number),
                None => None,
            };
            out.push(CreditView {
                id: r.id,
                kind,
                measure: r.measure,
                reason: if details { r.reason } else { String::new() },
                case_id: r.case_id.filter(|_| details),
                case_number: number,
                voided_sheet: r.voided_sheet,
                filed_by: if details {
                    names.get(&r.filed_by).cloned().unwrap_or_default()
                } else {
                    String::new()
                },
                filed_at: crate::domain::china_time::china_minute(r.filed_at),
                other_county: !details,
                county_record: county.is_some(),
            });
        }
        Ok(out)
    }

    /// A record against an institution; the case it happened on, if named, is terminated.
    pub async fn file_on_institution(
        me: &Me,
        st: &AppState,
        input: &CreditFiling,
        kind: CreditKind,
        inst: crate::store::entities::institution::Model,
    ) -> Result<CreditOutcome, AppError> {
        let now = st.clock.now();
        let reason = input.form.reason.trim().to_string();
        // The case it happened on is terminated (any active state).
        let case = match input.case_id {
            Some(cid) => {
                let (case, facts) = crate::api::server::visible_case(me, cid).await?;
                if case.institution_id != inst.id {
                    return Err(fail(AppError::NotFound));
                }
                let t = apply(
                    &facts,
                    &Action::Terminate {
                        reason: reason.clone(),
                    },
                    &Initiator::User(me.actor),
                    now,
                )
                .map_err(|e| fail(crate::api::transition_refused(e)))?;
                Some((case, t))
            }
            None => None,
        };
        let txn = tx::begin_write(&st.db, now).await?;
        let record_id = crate::store::credit::file(
            &txn,
            &me.actor,
            NewRecord {
                subject: input.subject,
                institution_id: Some(inst.id),
                expert_id: None,
                case_id: input.case_id,
                kind,
                measure: if case.is_some() { "terminate" } else { "" },
                reason: &reason,
                voided_sheet: false,
            },
            now,
        )
        .await?;
        if let Some((case, t)) = &case {
            let details = serde_json::json!({ "credit_record": record_id, "kind": kind.code() });
            if crate::store::transition::record(
                &txn,
                Some(&me.actor),
                case,
                case.version,
                t,
                details,
                now,
            )
            .await?
                == Updated::Stale
            {
                return Err(fail(AppError::Stale));
            }
        }
        txn.commit().await?;
        Ok(CreditOutcome {
            record_id,
            terminated: case.map(|(c, _)| c.id),
            redrawn: vec![],
            pool_status_changed: false,
        })
    }

    /// A record against an expert: the pool status (by who keeps the pool), a voided sheet,
    /// and the open seats replaced on the cases the filer may act on.
    pub async fn file_on_expert(
        me: &Me,
        st: &AppState,
        input: &CreditFiling,
        kind: CreditKind,
        measure: crate::domain::credit::ExpertMeasure,
    ) -> Result<CreditOutcome, AppError> {
        let now = st.clock.now();
        let reason = input.form.reason.trim().to_string();
        let expert = crate::store::reference::expert(&st.db, input.target_id)
            .await?
            .ok_or_else(|| fail(AppError::NotFound))?;
        // The case it happened on: by id, or by the number typed on the expert's page.
        let number = input.case_number.trim();
        let case_id = if !number.is_empty() {
            let found = crate::store::cases::by_number(&st.db, number).await?;
            let visible = match found {
                Some(c) => crate::api::server::visible_case(me, c.id).await.ok(),
                None => None,
            };
            match visible {
                Some((c, _)) => Some(c.id),
                None => {
                    let mut e = crate::domain::error::FieldErrors::new();
                    e.add("case_number", "err.credit.case_number");
                    return Err(fail(AppError::Validation(e)));
                }
            }
        } else {
            input.case_id
        };
        if let Some(cid) = case_id {
            crate::api::server::visible_case(me, cid).await?;
        }
        // The seats this filer may act on: a county director's only on that county's
        // county-level cases, the prefecture's anywhere.
        let may_act_on = |case: &crate::store::cases::Case| -> Result<bool, sea_orm::DbErr> {
            let perm = Permission::CreditSeatsOf {
                county: CountyId(case.county_id),
                level: case.case_level()?,
            };
            Ok(authorize(&me.actor, &perm, None).is_ok())
        };
        // Voiding a sheet needs the case, a seat on it, and no opinion drafted yet.
        let mut void_on = None;
        if input.void_sheet {
            let Some(cid) = case_id else {
                let mut e = crate::domain::error::FieldErrors::new();
                e.add("case_number", "err.credit.void_needs_case");
                return Err(fail(AppError::Validation(e)));
            };
            let case = cases::get(&st.db, cid)
                .await?
                .ok_or_else(|| fail(AppError::NotFound))?;
            if !may_act_on(&case)? {
                return Err(fail(AppError::Forbidden));
            }
            let facts = crate::store::facts::of_case(&st.db, &case).await?;
            let action = Action::ReplaceSeat {
                expert: ExpertId(expert.id),
                reason: reason.clone(),
            };
            if apply(&facts, &action, &Initiator::System, now).is_err() {
                return Err(fail(AppError::Refused {
                    key: "err.credit.void_too_late".into(),
                }));
            }
            void_on = Some(cid);
        }
        // Only who keeps the pool changes the expert's status; a county's measure is its
        // proposal to the prefecture, and its record bars the expert from its own draws.
        let keeps_pool = authorize(&me.actor, &Permission::EditExpertPool, None).is_ok();
        let txn = tx::begin_write(&st.db, now).await?;
        let record_id = crate::store::credit::file(
            &txn,
            &me.actor,
            NewRecord {
                subject: input.subject,
                institution_id: None,
                expert_id: Some(expert.id),
                case_id,
                kind,
                measure: measure.code(),
                reason: &reason,
                voided_sheet: void_on.is_some(),
            },
            now,
        )
        .await?;
        if keeps_pool {
            let status = crate::store::experts::status_from_db(measure.status_code());
            let by = me.by();
            let from = crate::store::experts::status_from_db(&expert.status);
            if crate::store::experts::set_status(
                &txn,
                &by,
                expert.id,
                expert.version,
                from,
                status,
                &reason,
                now,
            )
            .await?
                == Updated::Stale
            {
                return Err(fail(AppError::Stale));
            }
        }
        // Seats not yet scored are redrawn (and the seat whose sheet is voided): the
        // lifecycle's seat replacement, by the system.
        if let Some(cid) = void_on {
            crate::store::credit::void_sheet(&txn, cid, expert.id, &reason, now).await?;
        }
        let redrawn = crate::store::transition::vacate_seats(
            &txn,
            expert.id,
            record_id,
            &reason,
            void_on,
            &may_act_on,
            now,
        )
        .await?
        .ok_or_else(|| fail(AppError::Stale))?;
        txn.commit().await?;
        Ok(CreditOutcome {
            record_id,
            terminated: None,
            redrawn,
            pool_status_changed: keeps_pool,
        })
    }
}

/// The credit records about an institution or an expert (bureau roles; an institution its own).
#[server(prefix = "/api", endpoint = "credit_records", input = Json)]
pub async fn get_credit_records(
    subject: CreditSubject,
    target_id: i64,
) -> Result<CreditRecords, AppError> {
    use super::server::{fail, require, state};
    let me = require().await?;
    let st = state().map_err(fail)?;
    records_for(&st.db, &me, subject, target_id)
        .await
        .map_err(fail)
}

/// The records as the case, expert and profile pages carry them.
#[cfg(feature = "ssr")]
pub async fn records_for(
    dbc: &sea_orm::DatabaseConnection,
    me: &super::server::Me,
    subject: CreditSubject,
    target_id: i64,
) -> Result<CreditRecords, AppError> {
    use super::server::db;
    use crate::domain::access::{authorize, Permission};
    // An institution reads its own records (what was filed against it, and why); another
    // institution's do not exist for it.
    let own = subject == CreditSubject::Institution
        && me.actor.institution().map(|i| i.0) == Some(target_id);
    if !own {
        if me.actor.institution().is_some() && subject == CreditSubject::Institution {
            return Err(AppError::NotFound);
        }
        authorize(&me.actor, &Permission::ViewCreditRecords, None).map_err(super::denied)?;
    }
    match subject {
        CreditSubject::Institution if own => {}
        CreditSubject::Institution => {
            ssr::institution_in_scope(dbc, me, target_id).await?;
        }
        CreditSubject::Expert => {
            crate::store::reference::expert(dbc, target_id)
                .await
                .map_err(db)?
                .ok_or(AppError::NotFound)?;
        }
    }
    let list = crate::store::credit::about(dbc, subject, target_id)
        .await
        .map_err(db)?;
    Ok(CreditRecords {
        records: ssr::views(dbc, me, list).await?,
        can_file: authorize(&me.actor, &Permission::FileCreditRecord, None).is_ok(),
    })
}

/// Files a credit record and carries out what follows from it.
#[server(prefix = "/api", endpoint = "file_credit", input = Json)]
pub async fn file_credit(input: CreditFiling) -> Result<CreditOutcome, AppError> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::credit::validate_credit;
    let me = require().await?;
    authorize(&me.actor, &Permission::FileCreditRecord, None)
        .map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    // Whom it is about, in the filer's scope, before anything the form says.
    let institution = match input.subject {
        CreditSubject::Institution => Some(
            ssr::institution_in_scope(&st.db, &me, input.target_id)
                .await
                .map_err(fail)?,
        ),
        CreditSubject::Expert => None,
    };
    let (kind, measure) =
        validate_credit(input.subject, &input.form).map_err(|e| fail(AppError::Validation(e)))?;
    match (input.subject, institution) {
        (CreditSubject::Institution, Some(inst)) => {
            ssr::file_on_institution(&me, &st, &input, kind, inst).await
        }
        (CreditSubject::Institution, None) => Err(fail(AppError::NotFound)),
        (CreditSubject::Expert, _) => {
            let measure = measure.ok_or_else(|| fail(AppError::Forbidden))?;
            ssr::file_on_expert(&me, &st, &input, kind, measure).await
        }
    }
}
