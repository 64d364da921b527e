//! One module per page, grouped by role where they belong to one.

pub mod account;
pub mod admin;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod dashboard;
pub mod experts;
pub mod home;
pub mod login;
pub mod not_found;
pub mod notices;
pub mod profile;
pub mod registry;
pub mod selfcheck;
pub mod time_limits;
pub mod verify;
