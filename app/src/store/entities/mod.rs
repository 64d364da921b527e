//! sea-orm entities: one file a table.

pub mod audit_event;
pub mod audit_head;
pub mod blob;
pub mod case_counter;
pub mod case_event;
pub mod county;
pub mod expert;
pub mod institution;
pub mod jd_case;
pub mod login_attempt;
pub mod material;
pub mod session;
pub mod user_account;
