//! sea-orm entities: one file a table.

pub mod audit_event;
pub mod audit_head;
pub mod county;
pub mod expert;
pub mod institution;
pub mod login_attempt;
pub mod session;
pub mod user_account;
