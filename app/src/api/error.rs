//! The one error type of server functions, serialised to the browser. Internal errors carry
//! only an id; the details go to the log.

use crate::domain::error::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AppError {
    /// No session, or it ended (idle, absolute limit, sign-out, account disabled).
    NotSignedIn,
    /// Missing, or outside the actor's scope: the two are never told apart.
    NotFound,
    /// In scope, but this role may not do this.
    Forbidden,
    /// Wrong user name or password (never says which).
    BadCredentials,
    /// Too many failed sign-ins: wait this many minutes.
    Throttled { minutes: i64 },
    /// The record changed since it was read (stale version).
    Stale,
    /// Refused by a rule, with a translation key.
    Refused { key: String },
    /// Refused by a rule whose message names values (e.g. the date a window closed).
    RefusedWith {
        key: String,
        args: Vec<(String, String)>,
    },
    /// Field-addressed validation errors.
    Validation(FieldErrors),
    /// The request itself is malformed (not the form the endpoint takes, an unknown field
    /// type, a host this site does not serve). The parser's message goes to the log only.
    BadRequest,
    /// Something broke on the server; the log has the details under this id.
    Internal { id: String },
    /// The call itself failed (network, encoding).
    Transport(String),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        // On the server these come from decoding the request (a body that is not UTF-8 or not
        // the form the function takes): the client's fault, so 400, never a 500.
        // The parser's message is never echoed: it goes to the log.
        #[cfg(feature = "ssr")]
        {
            let client_fault = matches!(
                e,
                ServerFnErrorErr::Args(_)
                    | ServerFnErrorErr::MissingArg(_)
                    | ServerFnErrorErr::Deserialization(_)
            );
            tracing::debug!(error = %e, "server function request refused");
            if let Some(r) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                r.set_status(if client_fault {
                    http::StatusCode::BAD_REQUEST
                } else {
                    http::StatusCode::INTERNAL_SERVER_ERROR
                });
            }
            if client_fault {
                AppError::BadRequest
            } else {
                super::server::internal(e)
            }
        }
        // In the browser: the call itself failed (network, a response it cannot read).
        #[cfg(not(feature = "ssr"))]
        AppError::Transport(e.to_string())
    }
}

impl AppError {
    /// Translation key of the message shown to the user.
    pub fn key(&self) -> &str {
        match self {
            AppError::NotSignedIn => "err.not_signed_in",
            AppError::NotFound => "err.not_found",
            AppError::Forbidden => "err.forbidden",
            AppError::BadCredentials => "err.bad_credentials",
            AppError::Throttled { .. } => "err.throttled",
            AppError::Stale => "err.stale",
            AppError::Refused { key } | AppError::RefusedWith { key, .. } => key,
            AppError::Validation(_) => "err.validation",
            AppError::BadRequest => "err.bad_request",
            AppError::Internal { .. } => "err.internal",
            AppError::Transport(_) => "err.transport",
        }
    }

    /// Placeholder values for the message.
    pub fn args(&self) -> Vec<(String, String)> {
        match self {
            AppError::Throttled { minutes } => vec![("minutes".into(), minutes.to_string())],
            AppError::Internal { id } => vec![("id".into(), id.clone())],
            AppError::RefusedWith { args, .. } => args.clone(),
            _ => vec![],
        }
    }

    /// The message in a locale.
    pub fn message(&self, locale: &str) -> String {
        crate::i18n::text_with(locale, self.key(), &self.args())
    }

    pub fn field_errors(&self) -> FieldErrors {
        match self {
            AppError::Validation(f) => f.clone(),
            _ => FieldErrors::default(),
        }
    }

    /// HTTP status for the response.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::BadCredentials => 401,
            AppError::Throttled { .. } => 429,
            AppError::Stale => 409,
            AppError::Refused { .. } | AppError::RefusedWith { .. } => 409,
            AppError::Validation(_) => 422,
            AppError::BadRequest => 400,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }
}
