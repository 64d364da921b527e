//! Proposals to add an expert (推荐入库): counties propose, the prefecture decides.

use super::*;

/// A proposal to add an expert, as its readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub county_name: String,
    pub proposer_name: String,
    pub input: ExpertInput,
    pub note: String,
    /// "pending", "approved", "rejected"
    pub status: String,
    pub decision_reason: String,
    pub decided_at: Option<String>,
    pub expert_id: Option<i64>,
    pub version: i32,
    pub created_at: String,
}

/// Proposes an expert for the pool: county roles. The region is the proposer's county
/// whatever is sent. Returns the proposal's id.
#[server(prefix = "/api", endpoint = "propose_expert", input = Json)]
pub async fn propose_expert(input: ExpertInput, note: String) -> Result<i64, AppError> {
    use super::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ProposeExpert).await?;
    let mut input = input;
    input.id_number = String::new();
    input.region = me.actor.county();
    check(&st, &input).await?;
    if note.trim().chars().count() > REASON_MAX {
        let mut errs = crate::domain::error::FieldErrors::new();
        errs.push(
            crate::domain::error::FieldError::new("proposal.note", "err.text_too_long")
                .arg("max", REASON_MAX),
        );
        return Err(fail(AppError::Validation(errs)));
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    let county = me.actor.county().map(|c| c.0);
    let id = crate::store::experts::propose(&txn, &by, county, &input, &note, now).await?;
    txn.commit().await?;
    Ok(id)
}

/// Proposals: every one for prefecture roles, the own county's for county roles.
#[server(prefix = "/api", endpoint = "expert_proposals")]
pub async fn expert_proposals() -> Result<Vec<ProposalView>, AppError> {
    use super::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::ViewExpertPool).await?;
    let editor = can(&me, Permission::EditExpertPool);
    let county = if editor {
        None
    } else {
        Some(
            me.actor
                .county()
                .ok_or_else(|| fail(AppError::Forbidden))?
                .0,
        )
    };
    let counties = county_names(&st).await?;
    let list = crate::store::experts::proposals(&st.db, county).await?;
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        out.push(proposal_view(&st, p, &counties, !editor).await?);
    }
    // Pending first, then newest first.
    out.sort_by_key(|p| (p.status != "pending", std::cmp::Reverse(p.id)));
    Ok(out)
}

/// Approves (creating the expert) or rejects (with a reason) a pending proposal: prefecture
/// roles. Returns the new expert's id on approval.
#[server(prefix = "/api", endpoint = "decide_proposal", input = Json)]
pub async fn decide_proposal(
    id: i64,
    version: i32,
    approve: bool,
    reason: String,
) -> Result<Option<i64>, AppError> {
    use super::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    use crate::store::accounts::Updated;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    let p = crate::store::experts::proposal(&st.db, id)
        .await?
        .ok_or_else(|| fail(AppError::NotFound))?;
    if p.status != "pending" {
        return Err(fail(AppError::Refused {
            key: "experts.err.already_decided".into(),
        }));
    }
    if !approve {
        reason_ok(&reason, "proposal.reason")?;
    }
    let input = crate::store::experts::proposal_input(&p)?;
    if approve {
        check(&st, &input).await?;
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    let expert_id = if approve {
        let how = serde_json::json!({ "proposal": id });
        Some(crate::store::experts::create(&txn, &by, &input, how, now).await?)
    } else {
        None
    };
    if crate::store::experts::decide_proposal(&txn, &by, id, version, expert_id, &reason, now)
        .await?
        == Updated::Stale
    {
        // Dropping the transaction undoes the expert created above.
        return Err(fail(AppError::Stale));
    }
    txn.commit().await?;
    Ok(expert_id)
}
