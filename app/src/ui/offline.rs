//! What the browser keeps while the connection is down: drafts of score sheets in
//! `localStorage` (only the sheet's data, under `jd.sheet.<case>.<expert>`), and a service worker
//! (`public/sw.js`, registered by `public/sw-register.js` on score-sheet pages) that keeps the
//! application files and the score-sheet pages so that a sheet can be reloaded without a
//! connection. At sign-out, drafts that have been sent and the cached pages
//! are removed; a draft not yet sent stays on the device until it is.

/// Prefix of the keys of sheet drafts.
pub const SHEET_PREFIX: &str = "jd.sheet.";

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a stored value.
pub fn load(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        storage()?.get_item(key).ok().flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Stores a value (quietly does nothing where storage is unavailable).
pub fn store(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

pub fn remove(key: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// The browser believes it is online.
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// A fresh id for one save (not a secret: it only tells a resend from a new save).
pub fn new_save_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        let a = (js_sys::Math::random() * 1e15) as u64;
        let b = (js_sys::Math::random() * 1e15) as u64;
        format!("{:x}-{a:x}{b:x}", js_sys::Date::now() as u64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// At sign-out: drop every sheet draft that has nothing left to send, and the cached pages.
pub fn clear_at_sign_out() {
    #[cfg(feature = "hydrate")]
    {
        if let Some(s) = storage() {
            let n = s.length().unwrap_or(0);
            let keys: Vec<String> = (0..n).filter_map(|i| s.key(i).ok().flatten()).collect();
            for k in keys.into_iter().filter(|k| k.starts_with(SHEET_PREFIX)) {
                let unsent = s
                    .get_item(&k)
                    .ok()
                    .flatten()
                    .and_then(|v| serde_json::from_str::<serde_json::Value>(&v).ok())
                    .is_some_and(|v| v.get("unsent").and_then(|u| u.as_bool()) == Some(true));
                if !unsent {
                    let _ = s.remove_item(&k);
                }
            }
        }
        if let Some(w) = web_sys::window() {
            if let Ok(c) = w.caches() {
                let _ = c.delete("jd-pages-v1");
            }
        }
    }
}

/// Prefix of the keys under which a page's unsaved form input is kept when the session times
/// out: `jd.form.<account>.<path>`. Kept for that account only (another person signing in on
/// the same tablet is never offered it), offered back after the next sign-in on that page.
pub const FORM_PREFIX: &str = "jd.form.";

fn form_key(user_id: i64, path: &str) -> String {
    format!("{FORM_PREFIX}{user_id}.{path}")
}

/// The page's path (what a kept form is filed under).
pub fn current_path() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// One field of a kept form.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct KeptField {
    /// The field's `id`, or else its `name`.
    id: String,
    name: String,
    value: String,
    /// For check boxes and radio buttons.
    checked: Option<bool>,
}

/// Keeps what was typed in the page's fields — every field of the main content with an `id`
/// or a `name`, but passwords, hidden fields and files — on the device for `user_id` (the
/// pages' forms are not all `<form>` elements). Returns whether anything was kept.
pub fn keep_forms(user_id: i64) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return false;
        };
        let Ok(fields) = doc.query_selector_all("main input, main textarea, main select") else {
            return false;
        };
        let mut kept = Vec::new();
        for i in 0..fields.length() {
            let Some(node) = fields.item(i) else { continue };
            let Ok(el) = node.dyn_into::<web_sys::Element>() else {
                continue;
            };
            let id = el.id();
            let name = el.get_attribute("name").unwrap_or_default();
            if id.is_empty() && name.is_empty() {
                continue;
            }
            let (value, checked) = if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                let kind = input.type_();
                if matches!(
                    kind.as_str(),
                    "password" | "hidden" | "file" | "submit" | "button" | "reset"
                ) {
                    continue;
                }
                let checked =
                    matches!(kind.as_str(), "checkbox" | "radio").then(|| input.checked());
                (input.value(), checked)
            } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                (t.value(), None)
            } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
                (s.value(), None)
            } else {
                continue;
            };
            // A box left unticked is as the page starts: nothing to give back.
            if checked == Some(false) || (checked.is_none() && value.is_empty()) {
                continue;
            }
            kept.push(KeptField {
                id,
                name,
                value,
                checked,
            });
        }
        if kept.is_empty() {
            return false;
        }
        match serde_json::to_string(&kept) {
            Ok(json) => {
                store(&form_key(user_id, &current_path()), &json);
                true
            }
            Err(_) => false,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = user_id;
        false
    }
}

/// Whether input for this page was kept for `user_id`.
pub fn has_kept_forms(user_id: i64, path: &str) -> bool {
    load(&form_key(user_id, path)).is_some()
}

/// Puts the kept input back into the page's fields (firing `input` and `change`, so that the
/// page's own state follows) and forgets it.
pub fn restore_forms(user_id: i64, path: &str) {
    let key = form_key(user_id, path);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(json) = load(&key) else { return };
        let Ok(kept) = serde_json::from_str::<Vec<KeptField>>(&json) else {
            remove(&key);
            return;
        };
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        for f in kept {
            let el = if !f.id.is_empty() {
                doc.get_element_by_id(&f.id)
            } else {
                let sel = match f.checked {
                    Some(_) => format!("main [name=\"{}\"][value=\"{}\"]", f.name, f.value),
                    None => format!("main [name=\"{}\"]", f.name),
                };
                doc.query_selector(&sel).ok().flatten()
            };
            let Some(el) = el else { continue };
            if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                match f.checked {
                    Some(c) => input.set_checked(c),
                    None => input.set_value(&f.value),
                }
            } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                t.set_value(&f.value);
            } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
                s.set_value(&f.value);
            }
            for kind in ["input", "change"] {
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                if let Ok(ev) = web_sys::Event::new_with_event_init_dict(kind, &init) {
                    let _ = el.dispatch_event(&ev);
                }
            }
        }
    }
    remove(&key);
}

/// Forgets the input kept for this page.
pub fn drop_kept_forms(user_id: i64, path: &str) {
    remove(&form_key(user_id, path));
}
