//! Server-only persistence (feature "ssr"): entities and migrations, one module per aggregate
//! with its queries and transactions, the audit chain, sessions and passwords.
//!
//! Every change goes through [`tx::begin_write`], which takes the write lock up front, and
//! records itself with [`audit::append`] in the same transaction.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod clock;
pub mod credit;
pub mod dashboard;
pub mod db;
pub mod determinations;
pub mod draws;
pub mod entities;
pub mod experts;
pub mod facts;
pub mod files;
pub mod institutions;
pub mod jobs;
pub mod mail;
pub mod meetings;
pub mod message;
pub mod migration;
pub mod notices;
pub mod opinion_steps;
pub mod opinions;
pub mod outbox;
pub mod passwords;
pub mod ratings;
pub mod reference;
pub mod rereview;
pub mod seed;
pub mod seed_large;
pub mod selfchecks;
pub mod sessions;
pub mod settings;
pub mod sheets;
pub mod signin;
pub mod signing;
pub mod sms;
pub mod tally;
pub mod testing;
pub mod throttle;
pub mod transition;
pub mod tx;

#[cfg(test)]
mod tests;

pub use sea_orm::DbErr;

/// Splits rows into batches for bulk inserts (SQLite limits the variables of a statement).
pub fn batches<T>(v: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    let mut it = v.into_iter().peekable();
    while it.peek().is_some() {
        out.push(it.by_ref().take(size).collect());
    }
    out
}

/// A stored code as its domain value. A code this build does not know is a broken record, an
/// internal error (logged with an id), never a default: an unknown role must not become an
/// institution user, an unknown seat status must not count as a seat.
pub fn decode<T: crate::domain::Coded>(code: &str) -> Result<T, DbErr> {
    T::from_code(code).ok_or_else(|| {
        DbErr::Type(format!(
            "unknown code {code:?} for {}",
            std::any::type_name::<T>()
        ))
    })
}
