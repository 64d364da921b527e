#![recursion_limit = "512"]

//! The browser entry point: hydrate the server-rendered page. Nothing else lives here.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        // The page's language table first (the module embeds none; the page preloads it), so
        // that the hydrated page says what the server rendered.
        app::i18n::load(app::ui::initial_locale()).await;
        // `hydrate_lazy`: the page on screen may be a lazy route whose chunk loads first.
        leptos::mount::hydrate_lazy(app::ui::App);
    });
}
