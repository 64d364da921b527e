//! sea-orm entities: one file a table.

pub mod activity;
pub mod activity_file;
pub mod audit_event;
pub mod audit_head;
pub mod blob;
pub mod case_counter;
pub mod case_event;
pub mod county;
pub mod draw_record;
pub mod draw_replacement;
pub mod expert;
pub mod expert_proposal;
pub mod institution;
pub mod jd_case;
pub mod login_attempt;
pub mod material;
pub mod opinion;
pub mod opinion_signature;
pub mod pool_loan;
pub mod rereview_application;
pub mod score_sheet;
pub mod score_sheet_version;
pub mod seat;
pub mod session;
pub mod signing_key;
pub mod user_account;
