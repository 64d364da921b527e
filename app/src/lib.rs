//! jianding — 校外培训服务类别鉴定平台. The Leptos application, compiled for the server
//! (feature "ssr") and the browser (feature "hydrate").

#![recursion_limit = "512"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod document;
pub mod domain;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;
