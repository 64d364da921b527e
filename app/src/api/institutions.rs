//! 机构信息: the institution profile, kept by its own users.

use super::AppError;
use crate::domain::institution::InstitutionInput;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionProfile {
    pub id: i64,
    /// 信用记录 filed against this institution.
    pub credit: super::credit::CreditRecords,
    pub input: InstitutionInput,
    pub county_name: String,
    pub version: i32,
}

#[cfg(feature = "ssr")]
async fn own() -> Result<
    (
        super::server::Me,
        crate::store::entities::institution::Model,
    ),
    AppError,
> {
    use super::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let id = me
        .actor
        .institution()
        .ok_or_else(|| fail(AppError::NotFound))?;
    authorize(&me.actor, &Permission::EditOwnInstitution(id), None)
        .map_err(|d| fail(super::denied(d)))?;
    let st = state().map_err(fail)?;
    let inst = crate::store::reference::institution(&st.db, id.0)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    Ok((me, inst))
}

#[server(prefix = "/api", endpoint = "my_institution")]
pub async fn my_institution() -> Result<InstitutionProfile, AppError> {
    use super::server::{fail, state};
    use crate::domain::ids::CountyId;
    let (me, i) = own().await?;
    let st = state().map_err(fail)?;
    let credit = crate::api::credit::records_for(
        &st.db,
        &me,
        crate::domain::credit::CreditSubject::Institution,
        i.id,
    )
    .await
    .map_err(fail)?;
    let county_name = crate::store::reference::county(&st.db, i.county_id)
        .await?
        .map(|c| c.name_zh)
        .unwrap_or_default();
    Ok(InstitutionProfile {
        credit,
        id: i.id,
        input: InstitutionInput {
            name: i.name,
            uscc: i.uscc,
            licence_no: i.licence_no,
            county: CountyId(i.county_id),
            address: i.address,
            legal_representative: i.legal_rep,
            principal: i.principal,
            contact_name: i.contact_name,
            contact_phone: i.contact_phone,
            for_profit: i.for_profit,
        },
        county_name,
        version: i.version,
    })
}

/// Saves the profile after the same validation the form runs. The county is not the
/// institution's to change: the stored one is kept whatever is sent.
#[server(prefix = "/api", endpoint = "save_my_institution", input = Json)]
pub async fn save_my_institution(input: InstitutionInput, version: i32) -> Result<i32, AppError> {
    use super::server::{fail, state};
    use crate::domain::formats::normalize_uscc;
    use crate::domain::ids::CountyId;
    use crate::domain::institution::validate_institution;
    use crate::store::tx;
    let (me, current) = own().await?;
    let st = state().map_err(fail)?;
    let now = st.clock.now();
    let mut input = input;
    input.county = CountyId(current.county_id);
    input.uscc = normalize_uscc(&input.uscc);
    let mut errs = validate_institution(&input);
    if errs.is_empty() && input.uscc != current.uscc {
        let taken = crate::store::reference::uscc_taken(&st.db, &input.uscc, current.id).await?;
        if taken {
            errs.add("institution.uscc", "err.uscc_taken");
        }
    }
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let txn = tx::begin_write(&st.db, now).await?;
    let by = me.by();
    if crate::store::institutions::update_profile(&txn, &by, current.id, version, &input, now)
        .await?
        == crate::store::accounts::Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(version + 1)
}
