use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

/// 404: also what a user sees for an object outside their scope.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t("notfound.title") />
        <h1>{t("notfound.title")}</h1>
        <p>{t("notfound.body")}</p>
        <p><a href="/">{t("notfound.home")}</a></p>
    }
}
