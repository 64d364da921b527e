//! File upload with progress: XMLHttpRequest (fetch cannot report upload progress), the file's
//! bytes as the request body, to `/files/cases/{id}/materials`.

use crate::api::AppError;
use leptos::prelude::*;

/// Uploads a file chosen in an `<input type=file>`; `progress` goes from 0 to 100.
#[cfg(feature = "hydrate")]
pub async fn upload(
    url: String,
    file: web_sys::File,
    progress: RwSignal<u32>,
) -> Result<i64, AppError> {
    let text = upload_raw(url, file, progress).await?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|_| AppError::Transport("upload".into()))?;
    Ok(v.get("id").and_then(|i| i.as_i64()).unwrap_or_default())
}

/// Sends a file as the body of a POST; the answer's text on success, its `AppError` otherwise.
#[cfg(feature = "hydrate")]
pub async fn upload_raw(
    url: String,
    file: web_sys::File,
    progress: RwSignal<u32>,
) -> Result<String, AppError> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    let transport = |_| AppError::Transport("upload".into());
    let xhr = web_sys::XmlHttpRequest::new().map_err(transport)?;
    xhr.open("POST", &url).map_err(transport)?;
    let onprogress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(((e.loaded() / e.total()) * 100.0).round() as u32);
            }
        });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(onprogress.as_ref().unchecked_ref()));
    }
    let mut keep: Vec<Closure<dyn FnMut(web_sys::Event)>> = Vec::new();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let _ = reject.call0(&JsValue::NULL);
        });
        xhr.set_onload(Some(done.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(failed.as_ref().unchecked_ref()));
        keep.push(done);
        keep.push(failed);
    });
    xhr.send_with_opt_blob(Some(&file)).map_err(transport)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(transport)?;
    drop(keep);
    drop(onprogress);
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        progress.set(100);
        Ok(text)
    } else {
        Err(serde_json::from_str::<AppError>(&text)
            .unwrap_or(AppError::Transport(format!("HTTP {status}"))))
    }
}

/// On the server nothing is uploaded (the button only works once hydrated).
#[cfg(not(feature = "hydrate"))]
pub async fn upload(_url: String, _file: (), _progress: RwSignal<u32>) -> Result<i64, AppError> {
    Err(AppError::Transport("not in a browser".into()))
}

/// On the server nothing is uploaded (the button only works once hydrated).
#[cfg(not(feature = "hydrate"))]
pub async fn upload_raw(
    _url: String,
    _file: (),
    _progress: RwSignal<u32>,
) -> Result<String, AppError> {
    Err(AppError::Transport("not in a browser".into()))
}

/// One file picker's upload as its page shows it: the progress (0 to 100), whether a file is
/// being sent, and what went wrong (in the reader's language).
#[derive(Clone, Copy)]
pub struct Upload {
    pub progress: RwSignal<u32>,
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Default for Upload {
    fn default() -> Self {
        Upload {
            progress: RwSignal::new(0),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }
}

impl Upload {
    /// Sends the file chosen in the `<input type=file>` that fired `ev`. Its name and size are
    /// checked first as the server checks them (a message, and nothing sent, when wrong); `url`
    /// says where to send a file of that name (`None`: nowhere yet, nothing sent). When the
    /// file is stored `done` runs with its id; when it is refused the message is shown and
    /// `failed` runs with the error.
    #[cfg(feature = "hydrate")]
    pub fn start(
        self,
        ev: leptos::ev::Event,
        locale: &'static str,
        url: impl FnOnce(&str) -> Option<String>,
        done: impl FnOnce(i64) + 'static,
        failed: impl FnOnce(AppError) + 'static,
    ) {
        use crate::domain::files::{check_file_name, MAX_FILE_BYTES};
        use crate::i18n::text_with;
        let Some((input, file)) = chosen_file(&ev) else {
            return;
        };
        input.set_value("");
        let name = file.name();
        if let Some(e) = check_file_name("file", &name, None).0.first() {
            self.error.set(Some(text_with(locale, &e.key, &e.args)));
            return;
        }
        if file.size() as u64 > MAX_FILE_BYTES {
            let max_mb = (MAX_FILE_BYTES / (1024 * 1024)).to_string();
            let args = [("max_mb".to_string(), max_mb)];
            self.error
                .set(Some(text_with(locale, "err.file.too_large", &args)));
            return;
        }
        let Some(url) = url(&name) else {
            return;
        };
        self.error.set(None);
        self.progress.set(0);
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let res = upload(url, file, self.progress).await;
            self.busy.set(false);
            match res {
                Ok(id) => done(id),
                Err(e) => {
                    let msg = e
                        .field_errors()
                        .0
                        .first()
                        .map(|f| text_with(locale, &f.key, &f.args))
                        .unwrap_or_else(|| e.message(locale));
                    self.error.set(Some(msg));
                    failed(e);
                }
            }
        });
    }

    /// On the server nothing is sent (the picker only works once hydrated).
    #[cfg(not(feature = "hydrate"))]
    pub fn start(
        self,
        _ev: leptos::ev::Event,
        _locale: &'static str,
        _url: impl FnOnce(&str) -> Option<String>,
        _done: impl FnOnce(i64) + 'static,
        _failed: impl FnOnce(AppError) + 'static,
    ) {
    }
}

/// A file name as a URL query value.
pub fn encode(name: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::encode_uri_component(name))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        name.to_string()
    }
}

/// The file chosen in the `<input type=file>` that fired `ev`, with the input (to clear it, so
/// that choosing the same file again fires again); `None` when nothing was chosen.
#[cfg(feature = "hydrate")]
pub fn chosen_file(ev: &leptos::ev::Event) -> Option<(web_sys::HtmlInputElement, web_sys::File)> {
    use wasm_bindgen::JsCast;
    let input = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|f| f.get(0))?;
    Some((input, file))
}

/// A `data:` link that downloads `csv` as a UTF-8 file spreadsheet programs open as such (with a
/// byte-order mark): the templates of the import pages.
pub fn csv_href(csv: &str) -> String {
    let csv = format!("\u{feff}{csv}");
    let mut out = String::from("data:text/csv;charset=utf-8,");
    for b in csv.as_bytes() {
        match *b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(*b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
