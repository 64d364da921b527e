//! 通知: who is told what when a case moves. One row per move, like the lifecycle's table:
//! the action, the audience and the kind of notice. The store resolves an audience to the
//! accounts of the case (its institution, the staff of the bureau that holds it, the seated
//! experts) and writes the notices in the transaction of the move, so a move and its notices
//! are kept or lost together.
//!
//! Experts' invitations and replacements follow their seats rather than a move (a draw, a
//! promoted backup and a supplementary draw all invite): the store sweeps the case's seats
//! after each move, and each seat is told once.

use super::deadline::Clock;
use super::lifecycle::{ActionKind, CaseState};
use serde::{Deserialize, Serialize};

/// Who of a case's people is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Audience {
    /// The institution's accounts (培训机构).
    Institution,
    /// The clerks (经办人) of the bureau holding the case: the county's, or the prefecture's for
    /// a prefecture case.
    Clerks,
    /// The directors (负责人) of the bureau holding the case.
    Directors,
    /// The prefecture's clerks, whoever holds the case (a re-review or an escalation reaches
    /// them from a county).
    PrefectureClerks,
    /// The prefecture's directors.
    PrefectureDirectors,
    /// The experts who accepted a seat on the case.
    Panel,
}

/// What a notice says. Its text is `notice.<code>` in the recipient's language, filled with
/// the notice's facts (case number, item, dates, reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    // -- to the institution
    /// 已提交: the receipt.
    Submitted,
    /// 已受理.
    Accepted,
    /// 退回补正, with the deficiencies.
    Returned,
    /// 不予受理, with the reason.
    NotAccepted,
    /// 中止 / 恢复.
    Suspended,
    Resumed,
    /// 要求补充材料.
    InfoRequested,
    /// 鉴定结论, with the re-review window.
    Determined,
    /// 复审: forwarded to the prefecture, or refused.
    RereviewForwarded,
    RereviewRefused,
    /// 结论生效.
    Final,
    /// 终止.
    Terminated,
    // -- to the bureau
    /// A new application in the intake queue.
    NewSubmission,
    /// An application withdrawn after it was submitted.
    Withdrawn,
    /// A seat declined, or a conflict declared: a replacement is needed.
    SeatDeclined,
    /// Every seat accepted: the review has begun.
    PanelComplete,
    /// The institution supplied what was asked.
    InfoProvided,
    /// Every expert has signed: the opinion waits for the seal.
    OpinionReadyToSeal,
    /// A re-review application to decide on.
    RereviewApplication,
    /// A case referred to the prefecture (提请上级裁决).
    Escalated,
    /// A re-review forwarded to the prefecture.
    RereviewArrived,
    // -- to experts
    /// 邀请: a seat to answer by its date (also a promoted backup's).
    Invitation,
    /// The seat was given to another expert.
    SeatReplaced,
    /// The panel may begin scoring.
    ReviewStarted,
    /// The lead drafted the opinion: it waits for each signature.
    OpinionToSign,
    /// The director returned the opinion to the panel.
    OpinionReturned,
    /// The panel's meeting (专家会商) was set or moved.
    MeetingSet,
    /// A credit record was filed about the recipient (an expert or an institution).
    CreditFiled,
    // -- deadlines (from the background job, to those whose clock runs)
    /// A time limit ends within the due-soon threshold.
    DueSoon,
    /// A time limit has passed.
    Overdue,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 30] = [
        NoticeKind::Submitted,
        NoticeKind::Accepted,
        NoticeKind::Returned,
        NoticeKind::NotAccepted,
        NoticeKind::Suspended,
        NoticeKind::Resumed,
        NoticeKind::InfoRequested,
        NoticeKind::Determined,
        NoticeKind::RereviewForwarded,
        NoticeKind::RereviewRefused,
        NoticeKind::Final,
        NoticeKind::Terminated,
        NoticeKind::NewSubmission,
        NoticeKind::Withdrawn,
        NoticeKind::SeatDeclined,
        NoticeKind::PanelComplete,
        NoticeKind::InfoProvided,
        NoticeKind::OpinionReadyToSeal,
        NoticeKind::RereviewApplication,
        NoticeKind::Escalated,
        NoticeKind::RereviewArrived,
        NoticeKind::Invitation,
        NoticeKind::SeatReplaced,
        NoticeKind::ReviewStarted,
        NoticeKind::OpinionToSign,
        NoticeKind::OpinionReturned,
        NoticeKind::MeetingSet,
        NoticeKind::CreditFiled,
        NoticeKind::DueSoon,
        NoticeKind::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Submitted => "submitted",
            NoticeKind::Accepted => "accepted",
            NoticeKind::Returned => "returned",
            NoticeKind::NotAccepted => "not_accepted",
            NoticeKind::Suspended => "suspended",
            NoticeKind::Resumed => "resumed",
            NoticeKind::InfoRequested => "info_requested",
            NoticeKind::Determined => "determined",
            NoticeKind::RereviewForwarded => "rereview_forwarded",
            NoticeKind::RereviewRefused => "rereview_refused",
            NoticeKind::Final => "final",
            NoticeKind::Terminated => "terminated",
            NoticeKind::NewSubmission => "new_submission",
            NoticeKind::Withdrawn => "withdrawn",
            NoticeKind::SeatDeclined => "seat_declined",
            NoticeKind::PanelComplete => "panel_complete",
            NoticeKind::InfoProvided => "info_provided",
            NoticeKind::OpinionReadyToSeal => "opinion_ready_to_seal",
            NoticeKind::RereviewApplication => "rereview_application",
            NoticeKind::Escalated => "escalated",
            NoticeKind::RereviewArrived => "rereview_arrived",
            NoticeKind::Invitation => "invitation",
            NoticeKind::SeatReplaced => "seat_replaced",
            NoticeKind::ReviewStarted => "review_started",
            NoticeKind::OpinionToSign => "opinion_to_sign",
            NoticeKind::OpinionReturned => "opinion_returned",
            NoticeKind::MeetingSet => "meeting_set",
            NoticeKind::CreditFiled => "credit_filed",
            NoticeKind::DueSoon => "due_soon",
            NoticeKind::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The translation key of its title; the body is `<key>.body`.
    pub fn title_key(self) -> String {
        format!("notice.{}", self.code())
    }

    /// Whether the notice may name the institution and its item. An expert learns them only
    /// on the case page once they accept (the invitation carries the case number, the stage
    /// and the date to answer by).
    pub fn names_the_institution(self) -> bool {
        !matches!(self, NoticeKind::Invitation | NoticeKind::SeatReplaced)
    }
}

/// A condition the store checks with what it knows of the case after the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// Only when the case had left the institution's hands (not a draft withdrawn).
    WasSubmitted,
    /// Only when every seated expert has signed the opinion.
    AllSigned,
}

/// One row: on this action, tell this audience this kind, when the condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub action: ActionKind,
    pub audience: Audience,
    pub kind: NoticeKind,
    pub when: Condition,
}

macro_rules! row {
    ($action:ident => $audience:ident, $kind:ident) => {
        row!($action => $audience, $kind, Always)
    };
    ($action:ident => $audience:ident, $kind:ident, $when:ident) => {
        Row {
            action: ActionKind::$action,
            audience: Audience::$audience,
            kind: NoticeKind::$kind,
            when: Condition::$when,
        }
    };
}

/// The table: every move that someone must be told of.
pub const TABLE: &[Row] = &[
    row!(Submit => Institution, Submitted),
    row!(Submit => Clerks, NewSubmission),
    row!(Withdraw => Clerks, Withdrawn, WasSubmitted),
    row!(Return => Institution, Returned),
    row!(NotAccept => Institution, NotAccepted),
    row!(Accept => Institution, Accepted),
    row!(DetermineDirectly => Institution, Determined),
    row!(Suspend => Institution, Suspended),
    row!(Resume => Institution, Resumed),
    row!(DeclineSeat => Clerks, SeatDeclined),
    row!(DeclareConflict => Clerks, SeatDeclined),
    row!(StartReview => Clerks, PanelComplete),
    row!(StartReview => Panel, ReviewStarted),
    row!(RequestInfo => Institution, InfoRequested),
    row!(ProvideInfo => Clerks, InfoProvided),
    row!(ProvideInfo => Panel, InfoProvided),
    row!(DraftOpinion => Panel, OpinionToSign),
    row!(SignOpinion => Directors, OpinionReadyToSeal, AllSigned),
    row!(ReturnOpinion => Panel, OpinionReturned),
    row!(Escalate => PrefectureDirectors, Escalated),
    row!(Determine => Institution, Determined),
    row!(RequestRereview => Directors, RereviewApplication),
    row!(RefuseRereview => Institution, RereviewRefused),
    row!(ForwardRereview => Institution, RereviewForwarded),
    row!(ForwardRereview => PrefectureClerks, RereviewArrived),
    row!(Finalize => Institution, Final),
    row!(Terminate => Institution, Terminated),
];

/// The rows of a move. `from` tells whether the case had been submitted.
pub fn for_move(action: ActionKind, from: CaseState) -> impl Iterator<Item = Row> {
    TABLE
        .iter()
        .copied()
        .filter(move |r| r.action == action)
        .filter(move |r| r.when != Condition::WasSubmitted || from != CaseState::Draft)
}

/// Whose clock it is: who is reminded before a time limit ends and told when it has passed.
/// The institution's own window (复审申请期) is stated in its determination notice.
pub fn deadline_audience(clock: Clock) -> &'static [Audience] {
    match clock {
        Clock::Intake | Clock::Draw => &[Audience::Clerks],
        Clock::PanelReview => &[Audience::Clerks, Audience::Panel],
        Clock::Sealing | Clock::ForwardingDecision => &[Audience::Directors],
        Clock::PrefectureDetermination => &[Audience::Clerks, Audience::Directors],
        Clock::RereviewRequest => &[],
    }
}

/// The key of a deadline notice: once per case, clock, due date and recipient for each of
/// "due soon" and "overdue" (a clock started again with a new date reminds again).
pub fn deadline_key(
    case_id: i64,
    clock: Clock,
    due: chrono::NaiveDate,
    kind: NoticeKind,
    recipient: i64,
) -> String {
    format!(
        "due:{case_id}:{}:{due}:{}:{recipient}",
        clock.code(),
        kind.code()
    )
}

/// A notice's key against sending it twice: one per move (the case's version it was made
/// from; each move raises it) and recipient, or one per seat.
pub fn move_key(case_id: i64, version: i32, kind: NoticeKind, recipient: i64) -> String {
    format!("move:{case_id}:{version}:{}:{recipient}", kind.code())
}

pub fn seat_key(seat_id: i64, kind: NoticeKind) -> String {
    format!("seat:{seat_id}:{}", kind.code())
}

// ---------------------------------------------------------------------------------------------
// Channels: the inbox always; e-mail and SMS when the account gives an address and asks for them
// ---------------------------------------------------------------------------------------------

/// A way a notice goes out besides the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
    pub fn from_code(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    /// Accepted by the mail server / SMS gateway.
    Sent,
    /// Given up after [`MAX_ATTEMPTS`].
    Failed,
}

impl DeliveryState {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }
    pub fn from_code(s: &str) -> DeliveryState {
        match s {
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            DeliveryState::Pending => "delivery.pending",
            DeliveryState::Sent => "delivery.sent",
            DeliveryState::Failed => "delivery.failed",
        }
    }
}

/// Attempts before a delivery is given up (over about an hour with the backoff below).
pub const MAX_ATTEMPTS: i32 = 8;

/// Seconds to wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour.
pub fn backoff_secs(attempts: i32) -> i64 {
    let n = attempts.clamp(1, 12) as u32 - 1;
    (30i64 << n).min(3600)
}

/// The kinds worth a text message: what needs an answer soon (an invitation above all).
pub fn by_sms(kind: NoticeKind) -> bool {
    matches!(
        kind,
        NoticeKind::Invitation
            | NoticeKind::SeatReplaced
            | NoticeKind::OpinionToSign
            | NoticeKind::InfoRequested
            | NoticeKind::Determined
            | NoticeKind::Overdue
            | NoticeKind::MeetingSet
    )
}

/// Characters in one text message of Chinese text (UCS-2): 70 alone, 67 a part when longer.
pub const SMS_SINGLE: usize = 70;
pub const SMS_PART: usize = 67;

/// How many messages the gateway bills for `text`.
pub fn sms_segments(text: &str) -> usize {
    let n = text.chars().count();
    if n <= SMS_SINGLE {
        1
    } else {
        n.div_ceil(SMS_PART)
    }
}

/// An account's addresses and the channels it asks for, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactInput {
    pub email: String,
    pub phone: String,
    pub by_email: bool,
    pub by_sms: bool,
}

/// Checks the form: a plausible e-mail address, an 11-digit mainland mobile number, and an
/// address for each channel asked for. The same check runs in the browser and the server.
pub fn validate_contact(c: &ContactInput) -> super::error::FieldErrors {
    let mut e = super::error::FieldErrors::new();
    let email = c.email.trim();
    if !email.is_empty() && !plausible_email(email) {
        e.add("email", "err.contact.email");
    }
    if c.by_email && email.is_empty() {
        e.add("email", "err.contact.email_needed");
    }
    let phone = c.phone.trim();
    if !phone.is_empty() && !mainland_mobile(phone) {
        e.add("phone", "err.contact.phone");
    }
    if c.by_sms && phone.is_empty() {
        e.add("phone", "err.contact.phone_needed");
    }
    e
}

fn plausible_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !local.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        }
        None => false,
    }
}

/// 11 digits starting 13–19 (中国大陆手机号).
fn mainland_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_code(k.code()), Some(k));
            assert!(seen.insert(k.code()), "{} twice", k.code());
        }
        assert_eq!(NoticeKind::from_code("nonsense"), None);
    }

    #[test]
    fn every_kind_is_sent_by_a_row_or_a_seat() {
        for k in NoticeKind::ALL {
            let by_seat = matches!(
                k,
                NoticeKind::Invitation
                    | NoticeKind::SeatReplaced
                    | NoticeKind::DueSoon
                    | NoticeKind::Overdue
                    | NoticeKind::MeetingSet
                    | NoticeKind::CreditFiled
            );
            assert!(
                by_seat || TABLE.iter().any(|r| r.kind == k),
                "{} is never sent",
                k.code()
            );
        }
    }

    #[test]
    fn the_institution_is_told_of_every_decision_about_it() {
        for a in [
            ActionKind::Submit,
            ActionKind::Accept,
            ActionKind::Return,
            ActionKind::NotAccept,
            ActionKind::RequestInfo,
            ActionKind::Determine,
            ActionKind::DetermineDirectly,
            ActionKind::RefuseRereview,
            ActionKind::ForwardRereview,
            ActionKind::Finalize,
            ActionKind::Terminate,
        ] {
            assert!(
                for_move(a, CaseState::Submitted).any(|r| r.audience == Audience::Institution),
                "{a:?}"
            );
        }
    }

    #[test]
    fn a_draft_withdrawn_tells_nobody() {
        assert_eq!(for_move(ActionKind::Withdraw, CaseState::Draft).count(), 0);
        assert_eq!(
            for_move(ActionKind::Withdraw, CaseState::Submitted).count(),
            1
        );
    }

    #[test]
    fn an_invitation_does_not_name_the_institution() {
        assert!(!NoticeKind::Invitation.names_the_institution());
        assert!(NoticeKind::Accepted.names_the_institution());
    }
    #[test]
    fn contact_addresses_are_checked() {
        let ok = ContactInput {
            email: "li.ming@cjedu.gov.cn".into(),
            phone: "13899912345".into(),
            by_email: true,
            by_sms: true,
        };
        assert!(validate_contact(&ok).is_empty());
        for (email, phone, by_email, by_sms, field) in [
            ("li.ming", "", false, false, "email"),
            ("a@b", "", false, false, "email"),
            ("a b@c.cn", "", false, false, "email"),
            ("", "", true, false, "email"),
            ("", "1389991234", false, false, "phone"),
            ("", "23899912345", false, false, "phone"),
            ("", "1289991234x", false, false, "phone"),
            ("", "", false, true, "phone"),
        ] {
            let c = ContactInput {
                email: email.into(),
                phone: phone.into(),
                by_email,
                by_sms,
            };
            let e = validate_contact(&c);
            assert!(e.for_field(field).next().is_some(), "{c:?}");
        }
        assert!(validate_contact(&ContactInput::default()).is_empty());
    }

    #[test]
    fn the_backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(5), 480);
        assert_eq!(backoff_secs(8), 3600);
        assert_eq!(backoff_secs(40), 3600);
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff_secs).sum();
        assert!(total < 6 * 3600, "{total}");
    }

    #[test]
    fn text_messages_are_counted_in_segments() {
        assert_eq!(sms_segments(""), 1);
        assert_eq!(sms_segments(&"鉴".repeat(70)), 1);
        assert_eq!(sms_segments(&"鉴".repeat(71)), 2);
        assert_eq!(sms_segments(&"鉴".repeat(134)), 2);
        assert_eq!(sms_segments(&"鉴".repeat(135)), 3);
    }

    #[test]
    fn an_invitation_goes_by_sms() {
        assert!(by_sms(NoticeKind::Invitation));
        assert!(!by_sms(NoticeKind::NewSubmission));
    }
}
