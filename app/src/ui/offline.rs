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
