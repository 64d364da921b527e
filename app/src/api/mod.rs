//! Server functions, one module per aggregate. Each one: who is asking -> may they (domain) ->
//! do it (store) -> map errors. Endpoints are stable: `/api/<name>`.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod credit;
pub mod dashboard;
pub mod determinations;
pub mod draws;
pub mod error;
pub mod experts;
#[cfg(feature = "ssr")]
pub mod files;
pub mod institutions;
pub mod meetings;
pub mod notices;
pub mod opinions;
pub mod ratings;
pub mod registry;
pub mod rereview;
pub mod selfcheck;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;
pub mod sheets;

pub use error::AppError;

/// A saved draft or a transition: the case and its new version.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Saved {
    pub id: i64,
    pub version: i32,
    pub state: crate::domain::case::CaseState,
}

/// The lifecycle's refusal, as the error the user sees: out of scope is not found, a role that
/// may not act is forbidden, anything else (wrong state, a failed guard) is refused with its key.
#[cfg(feature = "ssr")]
pub fn transition_refused(e: crate::domain::lifecycle::TransitionError) -> AppError {
    use crate::domain::lifecycle::TransitionError;
    match e {
        TransitionError::NotFound => AppError::NotFound,
        TransitionError::NotAllowed => AppError::Forbidden,
        other => AppError::Refused {
            key: other.key().to_string(),
        },
    }
}

/// The access policy's refusal, as the error the user sees: out of scope is not found.
#[cfg(feature = "ssr")]
pub fn denied(d: crate::domain::access::Denied) -> AppError {
    match d {
        crate::domain::access::Denied::NotFound => AppError::NotFound,
        crate::domain::access::Denied::Forbidden => AppError::Forbidden,
    }
}
