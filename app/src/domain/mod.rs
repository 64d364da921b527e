//! The rules of jianding (鉴定规则), pure Rust: no IO, no database, no Leptos.
//!
//! Compiled for the browser (wasm32, instant checks) and for the server (the real checks), so
//! both sides run the very same code.
//!
//! Inside this module refer to sibling modules with `super::…`, never `crate::…`.

pub mod error;
pub mod ids;
pub mod password;
pub mod role;
pub mod terms;

pub mod access;
pub mod activity;
pub mod credit;
pub mod deadline;
pub mod determination;
pub mod draw;
pub mod files;
pub mod known;
pub mod lifecycle;
pub mod meeting;
pub mod negative_list;
pub mod notice;
pub mod opinion;
pub mod rating;
pub mod rereview;
pub mod rubric;
pub mod selfcheck;
pub mod sheet;
pub mod stats;
pub mod validate;
