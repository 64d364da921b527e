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
