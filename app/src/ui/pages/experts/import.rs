//! `/experts/import`: prefecture staff import experts from a CSV file. The columns are listed
//! on the page and a template can be downloaded; a file with any bad row imports nothing and
//! every problem is listed as 行 N：字段：message.

use crate::api::experts::{
    import_experts, import_template, ImportReport, IMPORT_COLUMNS, IMPORT_PART_TIME_COLUMN,
    IMPORT_SUBJECTS_COLUMN,
};
use crate::api::AppError;
use crate::i18n::use_locale;
use crate::ui::components::{ErrorSummary, RowErrors};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

fn template_href() -> String {
    crate::ui::upload::csv_href(&import_template())
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let locale = use_locale();
    let text = RwSignal::new(None::<String>);
    let file_name = RwSignal::new(String::new());
    let report = RwSignal::new(None::<ImportReport>);
    let server = RwSignal::new(None::<AppError>);
    let run = Action::new(move |csv: &String| {
        let csv = csv.clone();
        async move {
            match import_experts(csv).await {
                Ok(r) => report.set(Some(r)),
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        report.set(None);
        server.set(None);
        text.set(None);
        #[cfg(feature = "hydrate")]
        {
            let Some((_, file)) = crate::ui::upload::chosen_file(&ev) else {
                return;
            };
            file_name.set(file.name());
            let promise = file.text();
            leptos::task::spawn_local(async move {
                if let Ok(v) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    text.set(v.as_string());
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let summary = Signal::derive(move || server.get());
    view! {
        <Title text=t("experts.import.title") />
        <p><a href="/experts">{t("experts.back")}</a></p>
        <h1>{t("experts.import.title")}</h1>
        <p class="lead">{t("experts.import.lead")}</p>
        <ErrorSummary error=summary />
        <h2>{t("experts.import.columns")}</h2>
        <div class="table-wrap">
            <table class="table" data-testid="import-columns">
                <thead><tr><th scope="col">{t("experts.import.header")}</th><th scope="col">{t("experts.import.meaning")}</th></tr></thead>
                <tbody>
                    {IMPORT_COLUMNS.iter().chain([IMPORT_PART_TIME_COLUMN, IMPORT_SUBJECTS_COLUMN].iter()).map(|(h, key)| {
                        let help = format!("{key}.help");
                        view! { <tr><td><code>{*h}</code></td><td>{move || locale.tr(&help)}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">{t("experts.import.encoding")}</p>
        <p><a class="button button--secondary" href=template_href() download="专家导入模板.csv" data-testid="import-template">{t("experts.import.template")}</a></p>
        <h2>{t("experts.import.upload")}</h2>
        <div class="form-group">
            <label class="label" for="import-file">{t("experts.import.file")}</label>
            <input class="input" type="file" id="import-file" accept=".csv,text/csv" data-testid="import-file" on:change=on_file />
            {move || (!file_name.get().is_empty()).then(|| view! { <p class="hint">{file_name.get()}</p> })}
        </div>
        <button type="button" class="button" data-testid="run-import"
            disabled=move || text.with(|t| t.is_none()) || run.pending().get()
            on:click=move |_| if let Some(csv) = text.get() { report.set(None); server.set(None); run.dispatch(csv); }>
            {t("experts.import.run")}
        </button>
        {move || report.get().map(|r| view! { <Report r /> })}
    }    .into_any()
}

#[component]
fn Report(r: ImportReport) -> impl IntoView {
    let locale = use_locale();
    if r.errors.is_empty() {
        let n = r.imported;
        return view! {
            <div class="panel panel--success" role="status" data-testid="import-done">
                <p>{move || locale.tr_with("experts.import.done", &[("n".into(), n.to_string())])}</p>
                <p><a href="/experts">{t("experts.back")}</a></p>
            </div>
        }
        .into_any();
    }
    let (rows, bad) = (r.rows, r.errors.len());
    let title = Signal::derive(move || {
        locale.tr_with(
            "experts.import.failed",
            &[
                ("rows".into(), rows.to_string()),
                ("n".into(), bad.to_string()),
            ],
        )
    });
    view! { <RowErrors title errors=r.errors testid="import-errors" row_testid="import-error" /> }
        .into_any()
}
