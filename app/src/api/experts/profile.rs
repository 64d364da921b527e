//! The expert's own record, declarations and availability (`/expert/profile`).

use super::*;

/// The signed-in expert's own record, declarations and availability: the expert only.
#[server(prefix = "/api", endpoint = "my_expert_profile")]
pub async fn my_expert_profile() -> Result<ExpertDetail, AppError> {
    use super::ssr::*;
    use crate::api::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    let me = require().await?;
    let id = me.actor.expert().ok_or_else(|| fail(AppError::Forbidden))?;
    authorize(&me.actor, &Permission::EditOwnExpertProfile(id), None)
        .map_err(|d| fail(crate::api::denied(d)))?;
    let st = state().map_err(fail)?;
    let m = crate::store::experts::get(&st.db, id.0)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    detail(&me, &st, m, false, false).await
}

/// Saves an expert's own declarations and availability: that expert only (any other id is not
/// found). Returns the new version.
#[server(prefix = "/api", endpoint = "save_expert_declarations", input = Json)]
pub async fn save_expert_declarations(
    id: i64,
    version: i32,
    input: DeclarationsInput,
) -> Result<i32, AppError> {
    use crate::api::server::{fail, require, state};
    use crate::domain::access::{authorize, Permission};
    use crate::domain::ids::ExpertId;
    use crate::store::accounts::Updated;
    use crate::store::experts::OwnDeclarations;
    let me = require().await?;
    authorize(
        &me.actor,
        &Permission::EditOwnExpertProfile(ExpertId(id)),
        None,
    )
    .map_err(|d| fail(crate::api::denied(d)))?;
    let st = state().map_err(fail)?;
    let errs = validate_declarations(&input);
    if !errs.is_empty() {
        return Err(fail(AppError::Validation(errs)));
    }
    let d = OwnDeclarations {
        declares_no_post: input.declares_no_post,
        declares_relatives_no_post: input.declares_relatives_no_post,
        declares_no_part_time_history: input.declares_no_part_time_history,
        unavailable_from: input.unavailable_from,
        unavailable_until: input.unavailable_until,
        availability_note: input.availability_note.clone(),
    };
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    if crate::store::experts::save_declarations(&txn, &by, id, version, &d, now).await?
        == Updated::Stale
    {
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(version + 1)
}
