//! The CSV import of experts (专家导入): the file is read by `domain::expert_import`, the rows
//! are added (and audited) by `store::experts::import_rows`.

use super::*;

/// The outcome of an import: either every row was added (`errors` empty) or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: usize,
    pub rows: usize,
    pub errors: Vec<RowError>,
}

/// Imports a CSV file (see [`IMPORT_COLUMNS`]): prefecture roles. Every row is checked; a file
/// with any bad row imports nothing and the report lists each problem.
#[server(prefix = "/api", endpoint = "import_experts", input = Json)]
pub async fn import_experts(csv: String) -> Result<ImportReport, AppError> {
    use super::ssr::*;
    use crate::api::server::fail;
    use crate::domain::access::Permission;
    let (me, st) = allowed(Permission::EditExpertPool).await?;
    if csv.len() > IMPORT_MAX_BYTES {
        return Err(fail(AppError::Refused {
            key: "experts.err.import_too_large".into(),
        }));
    }
    let counties = county_names(&st).await?;
    let pool_mobiles = crate::store::reference::experts(&st.db)
        .await?
        .into_iter()
        .map(|m| m.phone)
        .collect();
    let (rows, inputs, errors) =
        crate::domain::expert_import::rows_to_inputs(&csv, &counties, &pool_mobiles);
    if !errors.is_empty() {
        return Ok(ImportReport {
            imported: 0,
            rows,
            errors,
        });
    }
    let now = st.clock.now();
    let txn = crate::store::tx::begin_write(&st.db, now).await?;
    let by = me.by();
    let ids = crate::store::experts::import_rows(&txn, &by, &inputs, now).await?;
    txn.commit().await?;
    Ok(ImportReport {
        imported: ids.len(),
        rows,
        errors: Vec::new(),
    })
}
