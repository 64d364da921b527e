//! 通知: who is told what when a case moves. One row per move, like the lifecycle's table:
//! the action, the audience and the kind of notice. The store resolves an audience to the
//! accounts of the case (its institution, the staff of the bureau that holds it, the seated
//! experts) and writes the notices in the transaction of the move, so a move and its notices
//! are kept or lost together.
//!
//! Experts' invitations and replacements follow their seats rather than a move (a draw, a
//! promoted backup and a supplementary draw all invite): the store sweeps the case's seats
//! after each move, and each seat is told once.

use super::case::CaseState;
use super::china_time::{from_local, local};
use super::deadline::Clock;
use super::lifecycle::ActionKind;
use super::role::Role;
use chrono::{DateTime, Duration, NaiveTime, Utc};
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
    /// The seated experts who have not yet signed the opinion.
    Unsigned,
}

impl Audience {
    /// The roles an audience is made of (for the kinds an account may be sent).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Audience::Institution => &[Role::InstitutionUser],
            Audience::Clerks => &[Role::CountyClerk, Role::PrefectureClerk],
            Audience::Directors => &[Role::CountyDirector, Role::PrefectureDirector],
            Audience::PrefectureClerks => &[Role::PrefectureClerk],
            Audience::PrefectureDirectors => &[Role::PrefectureDirector],
            Audience::Panel | Audience::Unsigned => &[Role::Expert],
        }
    }
}

coded! {
    /// What a notice says. Its text is `notice.<code>` in the recipient's language, filled with
    /// the notice's facts (case number, item, dates, reason).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum NoticeKind {
        // -- to the institution
        /// 已提交: the receipt.
        Submitted = "submitted",
        /// 已受理.
        Accepted = "accepted",
        /// 退回补正, with the deficiencies.
        Returned = "returned",
        /// 不予受理, with the reason.
        NotAccepted = "not_accepted",
        /// 中止 / 恢复.
        Suspended = "suspended",
        Resumed = "resumed",
        /// 要求补充材料.
        InfoRequested = "info_requested",
        /// 鉴定结论, with the re-review window.
        Determined = "determined",
        /// 复审: forwarded to the prefecture, or refused.
        RereviewForwarded = "rereview_forwarded",
        RereviewRefused = "rereview_refused",
        /// 鉴定会 scheduled or moved: its date and place (not the experts' names).
        IdentificationScheduled = "identification_scheduled",
        /// 结论生效.
        Final = "final",
        /// 终止.
        Terminated = "terminated",
        // -- to the bureau
        /// A new application in the intake queue.
        NewSubmission = "new_submission",
        /// An application withdrawn after it was submitted.
        Withdrawn = "withdrawn",
        /// A seat declined, or a conflict declared: a replacement is needed.
        SeatDeclined = "seat_declined",
        /// An invitation left unanswered past its date: the clerk may draw a replacement.
        SeatUnanswered = "seat_unanswered",
        /// Every seat accepted: the review has begun.
        PanelComplete = "panel_complete",
        /// The institution supplied what was asked.
        InfoProvided = "info_provided",
        /// Every expert has signed: the opinion waits for the seal.
        OpinionReadyToSeal = "opinion_ready_to_seal",
        /// A re-review application to decide on.
        RereviewApplication = "rereview_application",
        /// A case referred to the prefecture (提请上级裁决).
        Escalated = "escalated",
        /// A re-review forwarded to the prefecture.
        RereviewArrived = "rereview_arrived",
        /// A county asks the prefecture to lend experts from its pool (借调).
        LoanRequested = "loan_requested",
        /// The prefecture lent its pool: the county may resume and draw.
        LoanGranted = "loan_granted",
        /// A bureau account's daily digest (每日汇总) of its notices, by e-mail in place of one
        /// mail per notice.
        Digest = "digest",
        // -- to experts
        /// 邀请: a seat to answer by its date (also a promoted backup's).
        Invitation = "invitation",
        /// The seat was given to another expert.
        SeatReplaced = "seat_replaced",
        /// The panel may begin scoring.
        ReviewStarted = "review_started",
        /// The lead drafted the opinion: it waits for each signature.
        OpinionToSign = "opinion_to_sign",
        /// The director returned the opinion to the panel.
        OpinionReturned = "opinion_returned",
        /// The panel's meeting (专家会商) was set or moved.
        MeetingSet = "meeting_set",
        /// The signatures' time limit ends soon and the expert has not signed.
        SignatureDue = "signature_due",
        /// A credit record was filed about the recipient (an expert or an institution).
        CreditFiled = "credit_filed",
        // -- deadlines (from the background job, to those whose clock runs)
        /// A time limit ends within the due-soon threshold.
        DueSoon = "due_soon",
        /// A time limit has passed.
        Overdue = "overdue",
    }
}

impl NoticeKind {
    /// The translation key of its title; the body is `<key>.body`.
    pub fn title_key(self) -> String {
        format!("notice.{}", self.code())
    }

    /// Whether the notice may name the institution and its item. An expert learns them only
    /// on the case page once they accept (the invitation carries the case number, the stage,
    /// the county, the item's field and pupils, and the date to answer by).
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

/// What a time limit's state tells whom: its audience the state itself, and, a few days before
/// the signatures' limit ends, each expert who has not signed a reminder of their own.
pub fn deadline_notices(clock: Clock, kind: NoticeKind) -> Vec<(Audience, NoticeKind)> {
    let mut v: Vec<(Audience, NoticeKind)> = deadline_audience(clock)
        .iter()
        .map(|a| (*a, kind))
        .collect();
    if clock == Clock::Sealing && kind == NoticeKind::DueSoon {
        v.push((Audience::Unsigned, NoticeKind::SignatureDue));
    }
    v
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

coded! {
    /// A way a notice goes out besides the inbox.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Channel {
        Email = "email",
        Sms = "sms",
    }
}

coded! {
    /// Where a delivery stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeliveryState("delivery") {
        /// Waiting for its (next) attempt.
        Pending = "pending",
        /// Accepted by the mail server / SMS gateway.
        Sent = "sent",
        /// Given up after [`MAX_ATTEMPTS`].
        Failed = "failed",
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

/// The kinds sent otherwise than by a move of [`TABLE`]: by a seat, a meeting, a loan, a
/// credit record or the clock; and to whom.
pub const OTHER: &[(NoticeKind, &[Audience])] = &[
    (NoticeKind::Invitation, &[Audience::Panel]),
    (NoticeKind::SeatReplaced, &[Audience::Panel]),
    (NoticeKind::MeetingSet, &[Audience::Panel]),
    (
        NoticeKind::IdentificationScheduled,
        &[Audience::Institution],
    ),
    (NoticeKind::SignatureDue, &[Audience::Unsigned]),
    (NoticeKind::SeatUnanswered, &[Audience::Clerks]),
    (
        NoticeKind::LoanRequested,
        &[Audience::PrefectureClerks, Audience::PrefectureDirectors],
    ),
    (NoticeKind::LoanGranted, &[Audience::Clerks]),
    (
        NoticeKind::CreditFiled,
        &[Audience::Panel, Audience::Institution],
    ),
    (
        NoticeKind::DueSoon,
        &[Audience::Clerks, Audience::Directors, Audience::Panel],
    ),
    (
        NoticeKind::Overdue,
        &[Audience::Clerks, Audience::Directors, Audience::Panel],
    ),
    (NoticeKind::Digest, &[Audience::Clerks, Audience::Directors]),
];

/// The kinds an account of `role` may be sent, in the order of [`NoticeKind::ALL`] (for the
/// preferences form: one line each).
pub fn kinds_for(role: Role) -> Vec<NoticeKind> {
    let reaches = |a: &Audience| a.roles().contains(&role);
    NoticeKind::ALL
        .into_iter()
        .filter(|k| {
            TABLE.iter().any(|r| r.kind == *k && reaches(&r.audience))
                || OTHER
                    .iter()
                    .any(|(kind, to)| kind == k && to.iter().any(reaches))
        })
        .collect()
}

/// Whether an account may take its e-mail as one daily digest (bureau staff: they receive
/// many notices a day).
pub fn may_digest(role: Role) -> bool {
    kinds_for(role).contains(&NoticeKind::Digest)
}

/// The China Standard Time hour after which the day's digest is sent (of what came since the
/// last one).
pub const DIGEST_HOUR: u32 = 8;

/// An account's addresses, channels and preferences, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactInput {
    pub email: String,
    pub phone: String,
    pub by_email: bool,
    pub by_sms: bool,
    /// The kinds sent by e-mail (of [`kinds_for`] the account's role).
    pub email_kinds: Vec<NoticeKind>,
    /// The kinds sent by text message.
    pub sms_kinds: Vec<NoticeKind>,
    /// 免打扰时段 for text messages, "HH:MM" China Standard Time, both empty for none. An
    /// invitation still goes at once (it must be answered within hours).
    pub quiet_from: String,
    pub quiet_to: String,
    /// One e-mail a day with the day's notices instead of one per notice (bureau staff).
    pub digest: bool,
}

impl ContactInput {
    /// The choices of an account that chose nothing yet: no address, the inbox only, and
    /// should it give an address, every kind by e-mail and the urgent ones by SMS.
    pub fn defaults(role: Role) -> ContactInput {
        let kinds = kinds_for(role);
        ContactInput {
            email_kinds: kinds
                .iter()
                .copied()
                .filter(|k| *k != NoticeKind::Digest)
                .collect(),
            sms_kinds: kinds.into_iter().filter(|k| by_sms(*k)).collect(),
            ..ContactInput::default()
        }
    }

    pub fn quiet(&self) -> Option<QuietHours> {
        QuietHours::parse(&self.quiet_from, &self.quiet_to)
            .ok()
            .flatten()
    }

    /// Whether a notice of `kind` goes by e-mail by itself (not in the digest).
    pub fn email_now(&self, kind: NoticeKind) -> bool {
        if !self.by_email || self.email.trim().is_empty() {
            return false;
        }
        if kind == NoticeKind::Digest {
            return self.digest;
        }
        self.email_kinds.contains(&kind) && !self.digest
    }

    /// Whether a notice of `kind` goes into the daily digest.
    pub fn in_digest(&self, kind: NoticeKind) -> bool {
        self.digest
            && self.by_email
            && kind != NoticeKind::Digest
            && self.email_kinds.contains(&kind)
    }

    /// When a text message of `kind` may go, if it goes at all: now, or at the end of the
    /// quiet hours (an invitation at once).
    pub fn sms_at(&self, kind: NoticeKind, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.by_sms || self.phone.trim().is_empty() || !self.sms_kinds.contains(&kind) {
            return None;
        }
        match self.quiet() {
            Some(q) if kind != NoticeKind::Invitation => Some(q.next_allowed(now)),
            _ => Some(now),
        }
    }
}

/// A daily window (China Standard Time) in which no text message is sent; it may run past
/// midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl QuietHours {
    /// Both empty: none. One without the other, a malformed time, or an empty window: `Err`
    /// with the field at fault.
    pub fn parse(from: &str, to: &str) -> Result<Option<QuietHours>, &'static str> {
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() && to.is_empty() {
            return Ok(None);
        }
        let time = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        let f = time(from).ok_or("quiet_from")?;
        let t = time(to).ok_or("quiet_to")?;
        if f == t {
            return Err("quiet_to");
        }
        Ok(Some(QuietHours { from: f, to: t }))
    }

    /// Whether a China Standard Time of day falls in the window.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.from < self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }

    /// `now` if it is outside the window, else the window's end.
    pub fn next_allowed(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let china = local(now);
        let t = china.time();
        if !self.contains(t) {
            return now;
        }
        let mut end = china.date().and_time(self.to);
        if t >= self.to {
            end += Duration::days(1);
        }
        from_local(end)
    }
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
    if let Err(field) = QuietHours::parse(&c.quiet_from, &c.quiet_to) {
        e.add(field, "err.contact.quiet");
    }
    if c.digest && !c.by_email {
        e.add("digest", "err.contact.digest_needs_email");
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
    fn every_kind_is_sent_by_a_row_or_another_sender() {
        for k in NoticeKind::ALL {
            assert!(
                TABLE.iter().any(|r| r.kind == k) || OTHER.iter().any(|(kind, _)| *kind == k),
                "{} is never sent",
                k.code()
            );
            let to_someone = Role::ALL.into_iter().any(|r| kinds_for(r).contains(&k));
            assert!(to_someone, "{} reaches no role", k.code());
        }
    }

    #[test]
    fn each_role_is_offered_its_own_kinds() {
        let expert = kinds_for(Role::Expert);
        assert!(expert.contains(&NoticeKind::Invitation));
        assert!(expert.contains(&NoticeKind::SignatureDue));
        assert!(!expert.contains(&NoticeKind::NewSubmission));
        let inst = kinds_for(Role::InstitutionUser);
        assert!(inst.contains(&NoticeKind::IdentificationScheduled));
        assert!(!inst.contains(&NoticeKind::Invitation));
        assert!(kinds_for(Role::PrefectureClerk).contains(&NoticeKind::LoanRequested));
        assert!(!kinds_for(Role::CountyClerk).contains(&NoticeKind::LoanRequested));
        assert!(kinds_for(Role::CountyClerk).contains(&NoticeKind::SeatUnanswered));
        assert!(may_digest(Role::CountyClerk) && may_digest(Role::PrefectureDirector));
        assert!(!may_digest(Role::Expert) && !may_digest(Role::InstitutionUser));
        assert!(kinds_for(Role::Admin).is_empty());
    }

    fn at(s: &str) -> DateTime<Utc> {
        // China Standard Time in, UTC out.
        from_local(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    #[test]
    fn quiet_hours_hold_text_messages_until_morning_but_not_an_invitation() {
        let mut c = ContactInput::defaults(Role::Expert);
        c.phone = "13899912345".into();
        c.by_sms = true;
        c.quiet_from = "22:00".into();
        c.quiet_to = "07:30".into();
        let night = at("2026-04-08 23:10");
        assert_eq!(
            c.sms_at(NoticeKind::MeetingSet, night),
            Some(at("2026-04-09 07:30"))
        );
        assert_eq!(
            c.sms_at(NoticeKind::MeetingSet, at("2026-04-09 06:00")),
            Some(at("2026-04-09 07:30"))
        );
        assert_eq!(c.sms_at(NoticeKind::Invitation, night), Some(night));
        let day = at("2026-04-09 12:00");
        assert_eq!(c.sms_at(NoticeKind::MeetingSet, day), Some(day));
        // A kind not chosen for SMS does not go at all.
        c.sms_kinds.retain(|k| *k != NoticeKind::MeetingSet);
        assert_eq!(c.sms_at(NoticeKind::MeetingSet, day), None);
        // A daytime window.
        let q = QuietHours::parse("12:00", "14:00").unwrap().unwrap();
        assert_eq!(
            q.next_allowed(at("2026-04-09 13:00")),
            at("2026-04-09 14:00")
        );
        assert_eq!(
            q.next_allowed(at("2026-04-09 14:00")),
            at("2026-04-09 14:00")
        );
        assert_eq!(QuietHours::parse("", ""), Ok(None));
        assert_eq!(QuietHours::parse("22:00", ""), Err("quiet_to"));
        assert_eq!(QuietHours::parse("25:00", "07:00"), Err("quiet_from"));
        assert_eq!(QuietHours::parse("07:00", "07:00"), Err("quiet_to"));
    }

    proptest::proptest! {
        #[test]
        fn the_end_of_quiet_hours_is_the_first_allowed_minute(
            from in 0u32..1440, to in 0u32..1440, now_min in 0i64..(60 * 24 * 400),
        ) {
            proptest::prop_assume!(from != to);
            let hm = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap();
            let q = QuietHours { from: hm(from), to: hm(to) };
            let now = at("2026-01-01 00:00") + Duration::minutes(now_min);
            let next = q.next_allowed(now);
            proptest::prop_assert!(next >= now);
            proptest::prop_assert!(next - now < Duration::hours(24));
            proptest::prop_assert!(!q.contains(local(next).time()));
            // Every minute before it is quiet.
            if next > now {
                let before = next - Duration::minutes(1);
                proptest::prop_assert!(q.contains(local(before).time()));
            }
        }
    }

    #[test]
    fn a_digest_takes_the_place_of_each_mail() {
        let mut c = ContactInput::defaults(Role::CountyClerk);
        c.email = "clerk@cjedu.gov.cn".into();
        c.by_email = true;
        assert!(c.email_now(NoticeKind::NewSubmission));
        assert!(!c.in_digest(NoticeKind::NewSubmission));
        assert!(!c.email_now(NoticeKind::Digest));
        c.digest = true;
        assert!(!c.email_now(NoticeKind::NewSubmission));
        assert!(c.in_digest(NoticeKind::NewSubmission));
        assert!(c.email_now(NoticeKind::Digest));
        c.email_kinds.retain(|k| *k != NoticeKind::NewSubmission);
        assert!(!c.in_digest(NoticeKind::NewSubmission));
        c.by_email = false;
        assert!(!c.email_now(NoticeKind::Digest));
        assert!(!validate_contact(&c).is_empty());
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
    fn experts_who_have_not_signed_are_reminded_before_the_sealing_limit() {
        let soon = deadline_notices(Clock::Sealing, NoticeKind::DueSoon);
        assert!(soon.contains(&(Audience::Unsigned, NoticeKind::SignatureDue)));
        assert!(soon.contains(&(Audience::Directors, NoticeKind::DueSoon)));
        let late = deadline_notices(Clock::Sealing, NoticeKind::Overdue);
        assert_eq!(late, vec![(Audience::Directors, NoticeKind::Overdue)]);
        assert!(deadline_notices(Clock::PanelReview, NoticeKind::DueSoon)
            .contains(&(Audience::Panel, NoticeKind::DueSoon)));
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
            ..ContactInput::default()
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
                ..ContactInput::default()
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
