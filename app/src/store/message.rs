//! A message the outbox has claimed for sending (`store::outbox`), as the channels (`store::mail`,
//! `store::sms`) make it into an e-mail or a text.

use super::entities::{notice, notice_delivery};

/// A claimed delivery with what its message is made of.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: notice_delivery::Model,
    pub notice: notice::Model,
    /// The recipient's language.
    pub locale: String,
    /// A digest's notices (empty for any other kind).
    pub items: Vec<notice::Model>,
}
