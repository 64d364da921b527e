//! The case lifecycle (鉴定案件流程), DOMAIN §4, as **one static table** ([`RULES`]): from-state,
//! action, to-state, who may do it, and a guard.
//!
//! [`apply`] is pure: it looks at [`CaseFacts`] (what the store knows about the case), the action
//! and who asks, and returns either a [`Transition`] (the new state and the [`Effect`]s the store
//! must carry out in the same transaction as the audit event) or a [`TransitionError`]. It never
//! changes anything itself, so a refused action changes nothing.
//!
//! Order of checks: (1) the actor must be able to see the case ([`super::access::can_see_case`]),
//! otherwise [`TransitionError::NotFound`], exactly as for a missing case; (2) if no rule lets the
//! actor's role take this action in any state, [`TransitionError::NotAllowed`]; (3) if there is no
//! rule for this action in the current state, [`TransitionError::WrongState`]; (4) if the rule
//! for the current state does not admit this actor (for example an expert without a seat),
//! `NotAllowed`; (5) the guard, [`TransitionError::GuardFailed`] with a message key.
//!
//! Decisions beyond DOMAIN §4:
//! - Withdrawal (撤回) is allowed in every state before the draw (DRAFT, SUBMITTED, RETURNED,
//!   ACCEPTED, SUSPENDED), as §2 says "withdraws before the draw".
//! - "System" transitions (PANEL_DRAWN → UNDER_REVIEW, → FINAL) are taken by
//!   [`Initiator::System`]; [`due_system_action`] says which one is due after any change.
//! - A member who finds a conflict during the review (DeclareConflict), or whose seat the clerk
//!   replaces, sends the case back to PANEL_DRAWN until the new member accepts.
//! - Asking for more information (AWAITING_INFO) pauses the panel-review clock.
//! - A director may return a drafted opinion to the panel (OPINION_DRAFTED → UNDER_REVIEW).
//! - Escalation (提请上级裁决) exists only for county-level cases; a prefecture-level case is
//!   determined by the prefecture director directly.
//! - A prefecture-level (re-review) case, once determined, resolves its parent: both become
//!   FINAL by the system.

use super::access::{case_view, CaseView};
use super::deadline::{china_date, Clock};
use super::ids::{CaseId, CountyId, ExpertId, InstitutionId, UserId};
use super::role::{Actor, Role};
use super::terms::{Category, Stage};
use super::validate::{missing_materials, MaterialKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// States
// ---------------------------------------------------------------------------------------------

coded! {
    /// State of an identification case (案件状态).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CaseState("state") {
        /// 草稿
        Draft = "draft",
        /// 已提交
        Submitted = "submitted",
        /// 退回补正
        Returned = "returned",
        /// 已撤回
        Withdrawn = "withdrawn",
        /// 不予受理
        NotAccepted = "not_accepted",
        /// 已受理
        Accepted = "accepted",
        /// 中止（专家不足）
        Suspended = "suspended",
        /// 已抽取专家
        PanelDrawn = "panel_drawn",
        /// 鉴定中
        UnderReview = "under_review",
        /// 待补充材料
        AwaitingInfo = "awaiting_info",
        /// 意见书已起草
        OpinionDrafted = "opinion_drafted",
        /// 意见书已盖章
        OpinionSealed = "opinion_sealed",
        /// 提请上级裁决
        Escalated = "escalated",
        /// 已作出鉴定结论
        Determined = "determined",
        /// 已申请复审
        RereviewRequested = "rereview_requested",
        /// 不予转报复审
        RereviewRefused = "rereview_refused",
        /// 已转报州级复审
        Forwarded = "forwarded",
        /// 结论已生效
        Final = "final",
        /// 已终止
        Terminated = "terminated",
    }
}

impl CaseState {
    /// No transition leaves a terminal state.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseState::Withdrawn
                | CaseState::NotAccepted
                | CaseState::Final
                | CaseState::Terminated
        )
    }

    /// Filed and not finished: a case the bureau is working on (DRAFT is not filed yet).
    pub fn is_active(self) -> bool {
        self != CaseState::Draft && !self.is_terminal()
    }

    /// The category has been determined (the institution may now see the panel's names).
    pub fn is_determined(self) -> bool {
        matches!(
            self,
            CaseState::Determined
                | CaseState::RereviewRequested
                | CaseState::RereviewRefused
                | CaseState::Forwarded
                | CaseState::Final
        )
    }

    /// The opinion exists (drafted or later), so panel members may read each other's sheets.
    pub fn has_opinion(self) -> bool {
        matches!(
            self,
            CaseState::OpinionDrafted | CaseState::OpinionSealed | CaseState::Escalated
        ) || self.is_determined()
    }
}

/// The state a new application starts in (— → DRAFT, by the institution).
pub const INITIAL_STATE: CaseState = CaseState::Draft;
/// The state a prefecture re-review case (州级复审子案件) is opened in.
pub const CHILD_INITIAL_STATE: CaseState = CaseState::Accepted;

coded! {
    /// Level of a case (案件层级).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CaseLevel("level") {
        /// 县（市）级鉴定
        County = "county",
        /// 州级复审
        Prefecture = "prefecture",
    }
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

coded! {
    /// Status of a panel seat (专家席位状态).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum SeatStatus("seat") {
        /// 已邀请, not yet answered.
        Invited = "invited",
        /// 已接受.
        Accepted = "accepted",
        /// 已谢绝.
        Declined = "declined",
        /// 申请回避 (declared a conflict).
        Conflict = "conflict",
        /// 被替换 (by the clerk, e.g. after a credit record).
        Replaced = "replaced",
    }
}

impl SeatStatus {
    /// The seat currently counts towards the panel.
    pub fn is_active(self) -> bool {
        matches!(self, SeatStatus::Invited | SeatStatus::Accepted)
    }
}

/// One expert's seat on a case's panel, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatFacts {
    pub expert: ExpertId,
    pub status: SeatStatus,
    /// 组长 (panel lead): drafts the opinion, asks for information.
    pub lead: bool,
    /// 回避声明 signed.
    pub declaration_signed: bool,
    /// 评分表 submitted.
    pub sheet_submitted: bool,
    /// 意见书 signed (with or without dissent).
    pub opinion_signed: bool,
}

/// What the rules need to know about a case (案件事实), filled in by the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub id: CaseId,
    pub level: CaseLevel,
    /// County of the applicant (the child case of a re-review keeps it).
    pub county: CountyId,
    pub institution: InstitutionId,
    pub state: CaseState,
    /// The county case a prefecture re-review case belongs to.
    pub parent: Option<CaseId>,
    /// The prefecture re-review case opened from this one.
    pub child: Option<CaseId>,
    /// The child case has been determined by the prefecture.
    pub child_determined: bool,
    /// Target stage of the item (学前 items that are 学科类 are prohibited).
    pub stage: Stage,
    /// Kinds of the materials uploaded.
    pub materials_present: Vec<MaterialKind>,
    /// 承诺书 given.
    pub undertaking_given: bool,
    /// A draw has been committed for this case.
    pub draw_committed: bool,
    /// The panel, including historical (declined, replaced) seats.
    pub seats: Vec<SeatFacts>,
    /// The panel review has started before (the case came back to PANEL_DRAWN during it).
    pub review_started: bool,
    /// Date of the determination notice.
    pub determined_on: Option<NaiveDate>,
    /// Last day (inclusive, China date) to request a re-review.
    pub rereview_window_end: Option<NaiveDate>,
}

impl CaseFacts {
    /// The seat an expert holds now (invited or accepted).
    pub fn active_seat(&self, expert: ExpertId) -> Option<&SeatFacts> {
        self.seats
            .iter()
            .find(|s| s.expert == expert && s.status.is_active())
    }

    /// The re-review window (复审申请期) is open on `today`, its last day included.
    pub fn rereview_window_open(&self, today: NaiveDate) -> bool {
        self.rereview_window_end.is_some_and(|end| today <= end)
    }

    /// The expert holds the panel lead's (组长) accepted seat.
    pub fn is_lead(&self, expert: ExpertId) -> bool {
        self.active_seat(expert)
            .is_some_and(|s| s.lead && s.status == SeatStatus::Accepted)
    }

    /// The seats that count towards the panel.
    pub fn active_seats(&self) -> impl Iterator<Item = &SeatFacts> {
        self.seats.iter().filter(|s| s.status.is_active())
    }

    /// Every seat accepted with a signed conflict declaration, and an odd panel of ≥ 3.
    pub fn panel_ready(&self) -> bool {
        let n = self.active_seats().count();
        n >= 3
            && !n.is_multiple_of(2)
            && self
                .active_seats()
                .all(|s| s.status == SeatStatus::Accepted && s.declaration_signed)
    }

    /// Experts who took part in this case (accepted a seat at some point): excluded from the
    /// re-review draw.
    pub fn panel_experts(&self) -> Vec<ExpertId> {
        let mut v: Vec<ExpertId> = self
            .seats
            .iter()
            .filter(|s| s.status == SeatStatus::Accepted || s.declaration_signed)
            .map(|s| s.expert)
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

/// An action on a case (操作), with the data it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// 提交申请 (also resubmission after a return).
    Submit,
    /// 撤回申请 (reason optional).
    Withdraw { reason: String },
    /// 退回补正, listing the deficiencies.
    Return { deficiencies: Vec<String> },
    /// 不予受理, with a written reason.
    NotAccept { reason: String },
    /// 直接认定 ("can be judged directly"), with reasons.
    DetermineDirectly { category: Category, reasons: String },
    /// 受理.
    Accept,
    /// 记录抽取结果 (the draw itself is computed by `draw`).
    RecordDraw {
        seats: Vec<ExpertId>,
        backups: Vec<ExpertId>,
        observer: Option<UserId>,
    },
    /// 中止 (too few eligible experts).
    Suspend { reason: String },
    /// 恢复 (the pool grew or the prefecture lent experts).
    Resume { reason: String },
    /// 接受邀请, with the signed conflict declaration (回避声明).
    AcceptSeat { declaration_signed: bool },
    /// 谢绝邀请.
    DeclineSeat { reason: String },
    /// 申请回避.
    DeclareConflict { reason: String },
    /// 替换专家 (by the clerk, for an expert who cannot serve).
    ReplaceSeat { expert: ExpertId, reason: String },
    /// 重新抽取 (needs a reason; both draws stay on the record).
    Redraw { reason: String },
    /// 补充抽取: fills seats left vacant when no suitable backup was left.
    DrawSupplement {
        seats: Vec<ExpertId>,
        backups: Vec<ExpertId>,
    },
    /// 开始鉴定 (system: every seat accepted).
    StartReview,
    /// 要求补充材料或答辩.
    RequestInfo { request: String },
    /// 提交补充材料.
    ProvideInfo { note: String },
    /// 恢复鉴定 without the information (e.g. the time to supply it ran out).
    ResumeReview { reason: String },
    /// 起草意见书.
    DraftOpinion,
    /// 签署意见书 (with dissent and its reasons, if any).
    SignOpinion { dissent: Option<String> },
    /// 退回意见书 to the panel.
    ReturnOpinion { reason: String },
    /// 盖章.
    SealOpinion,
    /// 提请上级裁决.
    Escalate { reason: String },
    /// 作出鉴定结论.
    Determine { category: Category, reasons: String },
    /// 申请复审.
    RequestRereview { grounds: String },
    /// 不予转报复审, with written reasons.
    RefuseRereview { reasons: String },
    /// 转报州级复审.
    ForwardRereview { reasons: String },
    /// 州级裁决: the prefecture director orders a prefecture panel for an escalated case.
    OrderPrefecturePanel { reason: String },
    /// 结论生效 (system).
    Finalize,
    /// 终止 (concealment or false material).
    Terminate { reason: String },
}

coded! {
    /// The kind of an action, without its data.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ActionKind {
        Submit = "submit",
        Withdraw = "withdraw",
        Return = "return",
        NotAccept = "not_accept",
        DetermineDirectly = "determine_directly",
        Accept = "accept",
        RecordDraw = "record_draw",
        Suspend = "suspend",
        Resume = "resume",
        AcceptSeat = "accept_seat",
        DeclineSeat = "decline_seat",
        DeclareConflict = "declare_conflict",
        ReplaceSeat = "replace_seat",
        Redraw = "redraw",
        DrawSupplement = "draw_supplement",
        StartReview = "start_review",
        RequestInfo = "request_info",
        ProvideInfo = "provide_info",
        ResumeReview = "resume_review",
        DraftOpinion = "draft_opinion",
        SignOpinion = "sign_opinion",
        ReturnOpinion = "return_opinion",
        SealOpinion = "seal_opinion",
        Escalate = "escalate",
        Determine = "determine",
        RequestRereview = "request_rereview",
        RefuseRereview = "refuse_rereview",
        ForwardRereview = "forward_rereview",
        OrderPrefecturePanel = "order_prefecture_panel",
        Finalize = "finalize",
        Terminate = "terminate",
    }
}

impl ActionKind {
    /// Translation key `action.<code>`.
    pub fn label_key(self) -> String {
        format!("action.{}", self.code())
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Submit => ActionKind::Submit,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::Return { .. } => ActionKind::Return,
            Action::NotAccept { .. } => ActionKind::NotAccept,
            Action::DetermineDirectly { .. } => ActionKind::DetermineDirectly,
            Action::Accept => ActionKind::Accept,
            Action::RecordDraw { .. } => ActionKind::RecordDraw,
            Action::Suspend { .. } => ActionKind::Suspend,
            Action::Resume { .. } => ActionKind::Resume,
            Action::AcceptSeat { .. } => ActionKind::AcceptSeat,
            Action::DeclineSeat { .. } => ActionKind::DeclineSeat,
            Action::DeclareConflict { .. } => ActionKind::DeclareConflict,
            Action::ReplaceSeat { .. } => ActionKind::ReplaceSeat,
            Action::Redraw { .. } => ActionKind::Redraw,
            Action::DrawSupplement { .. } => ActionKind::DrawSupplement,
            Action::StartReview => ActionKind::StartReview,
            Action::RequestInfo { .. } => ActionKind::RequestInfo,
            Action::ProvideInfo { .. } => ActionKind::ProvideInfo,
            Action::ResumeReview { .. } => ActionKind::ResumeReview,
            Action::DraftOpinion => ActionKind::DraftOpinion,
            Action::SignOpinion { .. } => ActionKind::SignOpinion,
            Action::ReturnOpinion { .. } => ActionKind::ReturnOpinion,
            Action::SealOpinion => ActionKind::SealOpinion,
            Action::Escalate { .. } => ActionKind::Escalate,
            Action::Determine { .. } => ActionKind::Determine,
            Action::RequestRereview { .. } => ActionKind::RequestRereview,
            Action::RefuseRereview { .. } => ActionKind::RefuseRereview,
            Action::ForwardRereview { .. } => ActionKind::ForwardRereview,
            Action::OrderPrefecturePanel { .. } => ActionKind::OrderPrefecturePanel,
            Action::Finalize => ActionKind::Finalize,
            Action::Terminate { .. } => ActionKind::Terminate,
        }
    }

    /// The free text the action carries (reason, grounds, request…), for the audit record.
    pub fn reason_text(&self) -> Option<String> {
        let t = match self {
            Action::Withdraw { reason }
            | Action::NotAccept { reason }
            | Action::Suspend { reason }
            | Action::Resume { reason }
            | Action::DeclineSeat { reason }
            | Action::DeclareConflict { reason }
            | Action::ReplaceSeat { reason, .. }
            | Action::Redraw { reason }
            | Action::ResumeReview { reason }
            | Action::ReturnOpinion { reason }
            | Action::Escalate { reason }
            | Action::OrderPrefecturePanel { reason }
            | Action::Terminate { reason } => reason.clone(),
            Action::Return { deficiencies } => deficiencies.join("；"),
            Action::DetermineDirectly { reasons, .. }
            | Action::Determine { reasons, .. }
            | Action::RefuseRereview { reasons }
            | Action::ForwardRereview { reasons } => reasons.clone(),
            Action::RequestInfo { request } => request.clone(),
            Action::ProvideInfo { note } => note.clone(),
            Action::RequestRereview { grounds } => grounds.clone(),
            Action::SignOpinion { dissent } => dissent.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let t = t.trim().to_string();
        (!t.is_empty()).then_some(t)
    }
}

// ---------------------------------------------------------------------------------------------
// Who may act
// ---------------------------------------------------------------------------------------------

/// Who a rule admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The applicant institution's user.
    Institution,
    /// The clerk of the case's level (county clerk for county cases, prefecture clerk for
    /// prefecture cases).
    Clerk,
    /// The director of the case's level.
    Director,
    /// The prefecture director, whatever the level (escalations).
    PrefectureDirector,
    /// An expert with an open invitation to this case.
    InvitedExpert,
    /// An expert who accepted a seat on this case.
    SeatedExpert,
    /// The panel lead (组长), with an accepted seat.
    PanelLead,
    /// The system itself (scheduled or automatic).
    System,
}

/// Who is taking an action: a signed-in user, or the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Initiator {
    User(Actor),
    System,
}

impl From<Actor> for Initiator {
    fn from(a: Actor) -> Self {
        Initiator::User(a)
    }
}

fn level_role(level: CaseLevel, county: Role, prefecture: Role) -> Role {
    match level {
        CaseLevel::County => county,
        CaseLevel::Prefecture => prefecture,
    }
}

/// Could a user of this role ever be admitted by `who` on a case of this level (seats aside)?
fn role_fits(who: Who, role: Role, level: CaseLevel) -> bool {
    match who {
        Who::Institution => role == Role::InstitutionUser,
        Who::Clerk => role == level_role(level, Role::CountyClerk, Role::PrefectureClerk),
        Who::Director => role == level_role(level, Role::CountyDirector, Role::PrefectureDirector),
        Who::PrefectureDirector => role == Role::PrefectureDirector,
        Who::InvitedExpert | Who::SeatedExpert | Who::PanelLead => role == Role::Expert,
        Who::System => false,
    }
}

/// Does `who` admit this initiator on this case (including seats)?
fn admits(who: Who, by: &Initiator, facts: &CaseFacts) -> bool {
    match by {
        Initiator::System => who == Who::System,
        Initiator::User(actor) => {
            if !role_fits(who, actor.role, facts.level) {
                return false;
            }
            let seat = actor.expert().and_then(|e| facts.active_seat(e));
            match who {
                Who::Institution => actor.institution() == Some(facts.institution),
                Who::InvitedExpert => seat.is_some_and(|s| s.status == SeatStatus::Invited),
                Who::SeatedExpert => seat.is_some_and(|s| s.status == SeatStatus::Accepted),
                Who::PanelLead => seat.is_some_and(|s| s.status == SeatStatus::Accepted && s.lead),
                _ => true,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------------------------

/// What a guard sees.
pub struct GuardInput<'a> {
    pub facts: &'a CaseFacts,
    pub action: &'a Action,
    pub by: &'a Initiator,
    /// Today, China date.
    pub today: NaiveDate,
}

/// A guard: `Err(message key)` when the transition may not happen.
pub type Guard = fn(&GuardInput) -> Result<(), &'static str>;

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn g_none(_: &GuardInput) -> Result<(), &'static str> {
    Ok(())
}

fn g_submit(g: &GuardInput) -> Result<(), &'static str> {
    if !missing_materials(&g.facts.materials_present).is_empty() {
        return Err("err.guard.materials_missing");
    }
    if !g.facts.undertaking_given {
        return Err("err.guard.undertaking_missing");
    }
    Ok(())
}

fn g_before_draw(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.draw_committed {
        Err("err.guard.after_draw")
    } else {
        Ok(())
    }
}

fn g_deficiencies(g: &GuardInput) -> Result<(), &'static str> {
    match g.action {
        Action::Return { deficiencies } if deficiencies.iter().any(|d| !blank(d)) => Ok(()),
        _ => Err("err.guard.deficiencies_required"),
    }
}

fn g_reason(g: &GuardInput) -> Result<(), &'static str> {
    match g.action.reason_text() {
        Some(_) => Ok(()),
        None => Err("err.guard.reason_required"),
    }
}

fn g_draw(g: &GuardInput) -> Result<(), &'static str> {
    let Action::RecordDraw { seats, backups, .. } = g.action else {
        return Err("err.guard.draw_invalid");
    };
    if seats.len() < 3 || seats.len().is_multiple_of(2) {
        return Err("err.guard.panel_size");
    }
    let mut all: Vec<ExpertId> = seats.iter().chain(backups.iter()).copied().collect();
    all.sort();
    let n = all.len();
    all.dedup();
    if all.len() != n {
        return Err("err.guard.draw_duplicate");
    }
    Ok(())
}

fn g_supplement(g: &GuardInput) -> Result<(), &'static str> {
    let Action::DrawSupplement { seats, backups } = g.action else {
        return Err("err.guard.draw_invalid");
    };
    let active: Vec<ExpertId> = g.facts.active_seats().map(|s| s.expert).collect();
    let n = active.len() + seats.len();
    if seats.is_empty() || n < 3 || n.is_multiple_of(2) {
        return Err("err.guard.panel_size");
    }
    let mut all: Vec<ExpertId> = active
        .iter()
        .chain(seats.iter())
        .chain(backups.iter())
        .copied()
        .collect();
    all.sort();
    let len = all.len();
    all.dedup();
    if all.len() != len {
        return Err("err.guard.draw_duplicate");
    }
    Ok(())
}

fn g_accept_seat(g: &GuardInput) -> Result<(), &'static str> {
    match g.action {
        Action::AcceptSeat {
            declaration_signed: true,
        } => Ok(()),
        _ => Err("err.guard.declaration_required"),
    }
}

fn g_replace(g: &GuardInput) -> Result<(), &'static str> {
    let Action::ReplaceSeat { expert, .. } = g.action else {
        return Err("err.guard.not_on_panel");
    };
    if g.facts.active_seat(*expert).is_none() {
        return Err("err.guard.not_on_panel");
    }
    g_reason(g)
}

fn g_panel_ready(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.panel_ready() {
        Ok(())
    } else {
        Err("err.guard.panel_not_ready")
    }
}

fn g_all_sheets(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.active_seats().all(|s| s.sheet_submitted) {
        Ok(())
    } else {
        Err("err.guard.sheets_missing")
    }
}

fn g_sign(g: &GuardInput) -> Result<(), &'static str> {
    let seat = match g.by {
        Initiator::User(a) => a.expert().and_then(|e| g.facts.active_seat(e)),
        Initiator::System => None,
    };
    if seat.is_some_and(|s| s.opinion_signed) {
        return Err("err.guard.already_signed");
    }
    match g.action {
        Action::SignOpinion { dissent: Some(d) } if blank(d) => {
            Err("err.guard.dissent_reason_required")
        }
        _ => Ok(()),
    }
}

fn g_all_signed(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.active_seats().all(|s| s.opinion_signed) {
        Ok(())
    } else {
        Err("err.guard.signatures_missing")
    }
}

fn g_escalate(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.level != CaseLevel::County {
        return Err("err.guard.escalate_prefecture");
    }
    g_reason(g)
}

fn g_rereview(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.level != CaseLevel::County {
        return Err("err.guard.rereview_prefecture");
    }
    if !g.facts.rereview_window_open(g.today) {
        return Err("err.guard.rereview_window_closed");
    }
    g_reason(g)
}

fn g_finalize_determined(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.level == CaseLevel::Prefecture {
        return Ok(());
    }
    match g.facts.rereview_window_end {
        Some(end) if g.today > end => Ok(()),
        _ => Err("err.guard.rereview_window_open"),
    }
}

fn g_child_determined(g: &GuardInput) -> Result<(), &'static str> {
    if g.facts.child_determined {
        Ok(())
    } else {
        Err("err.guard.child_pending")
    }
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// One row of the lifecycle table.
pub struct Rule {
    pub from: CaseState,
    pub action: ActionKind,
    pub to: CaseState,
    pub who: &'static [Who],
    pub guard: Guard,
}

macro_rules! rule {
    ($from:ident, $action:ident => $to:ident, [$($who:ident),+], $guard:expr) => {
        Rule {
            from: CaseState::$from,
            action: ActionKind::$action,
            to: CaseState::$to,
            who: &[$(Who::$who),+],
            guard: $guard,
        }
    };
}

macro_rules! terminate_from {
    ($($from:ident),+) => {
        [$(rule!($from, Terminate => Terminated, [Director], g_reason)),+]
    };
}

const MAIN_RULES: [Rule; 41] = [
    rule!(Draft, Submit => Submitted, [Institution], g_submit),
    rule!(Returned, Submit => Submitted, [Institution], g_submit),
    rule!(Draft, Withdraw => Withdrawn, [Institution], g_before_draw),
    rule!(Submitted, Withdraw => Withdrawn, [Institution], g_before_draw),
    rule!(Returned, Withdraw => Withdrawn, [Institution], g_before_draw),
    rule!(Accepted, Withdraw => Withdrawn, [Institution], g_before_draw),
    rule!(Suspended, Withdraw => Withdrawn, [Institution], g_before_draw),
    rule!(Submitted, Return => Returned, [Clerk], g_deficiencies),
    rule!(Submitted, NotAccept => NotAccepted, [Clerk], g_reason),
    rule!(Submitted, DetermineDirectly => Determined, [Director], g_reason),
    rule!(Submitted, Accept => Accepted, [Clerk], g_none),
    rule!(Accepted, RecordDraw => PanelDrawn, [Clerk], g_draw),
    rule!(Accepted, Suspend => Suspended, [Clerk], g_reason),
    rule!(PanelDrawn, Suspend => Suspended, [Clerk], g_reason),
    rule!(Suspended, Resume => Accepted, [Clerk], g_reason),
    rule!(PanelDrawn, AcceptSeat => PanelDrawn, [InvitedExpert], g_accept_seat),
    rule!(PanelDrawn, DeclineSeat => PanelDrawn, [InvitedExpert], g_reason),
    rule!(PanelDrawn, DeclareConflict => PanelDrawn, [InvitedExpert, SeatedExpert], g_reason),
    rule!(UnderReview, DeclareConflict => PanelDrawn, [SeatedExpert], g_reason),
    rule!(PanelDrawn, ReplaceSeat => PanelDrawn, [Clerk, System], g_replace),
    rule!(UnderReview, ReplaceSeat => PanelDrawn, [Clerk, System], g_replace),
    rule!(PanelDrawn, Redraw => PanelDrawn, [Clerk], g_reason),
    rule!(PanelDrawn, DrawSupplement => PanelDrawn, [Clerk], g_supplement),
    rule!(PanelDrawn, StartReview => UnderReview, [System], g_panel_ready),
    rule!(UnderReview, RequestInfo => AwaitingInfo, [PanelLead, Clerk], g_reason),
    rule!(AwaitingInfo, ProvideInfo => UnderReview, [Institution], g_reason),
    rule!(AwaitingInfo, ResumeReview => UnderReview, [PanelLead, Clerk], g_reason),
    rule!(UnderReview, DraftOpinion => OpinionDrafted, [PanelLead], g_all_sheets),
    rule!(OpinionDrafted, SignOpinion => OpinionDrafted, [SeatedExpert], g_sign),
    rule!(OpinionDrafted, ReturnOpinion => UnderReview, [Director], g_reason),
    rule!(OpinionDrafted, SealOpinion => OpinionSealed, [Director], g_all_signed),
    rule!(OpinionSealed, Escalate => Escalated, [Director], g_escalate),
    rule!(OpinionSealed, Determine => Determined, [Director], g_reason),
    rule!(Escalated, Determine => Determined, [PrefectureDirector], g_reason),
    rule!(Escalated, OrderPrefecturePanel => Forwarded, [PrefectureDirector], g_reason),
    rule!(Determined, RequestRereview => RereviewRequested, [Institution], g_rereview),
    rule!(RereviewRequested, RefuseRereview => RereviewRefused, [Director], g_reason),
    rule!(RereviewRequested, ForwardRereview => Forwarded, [Director], g_none),
    rule!(Determined, Finalize => Final, [System], g_finalize_determined),
    rule!(RereviewRefused, Finalize => Final, [System], g_none),
    rule!(Forwarded, Finalize => Final, [System], g_child_determined),
];

/// 终止 (TERMINATED) from every active state, by the director of the case's level.
const TERMINATE_RULES: [Rule; 14] = terminate_from!(
    Submitted,
    Returned,
    Accepted,
    Suspended,
    PanelDrawn,
    UnderReview,
    AwaitingInfo,
    OpinionDrafted,
    OpinionSealed,
    Escalated,
    Determined,
    RereviewRequested,
    RereviewRefused,
    Forwarded
);

/// The lifecycle table: every legal (state, action) pair, who may take it, and its guard.
pub static RULES: &[&[Rule]] = &[&MAIN_RULES, &TERMINATE_RULES];

/// Every rule, flattened.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().flat_map(|r| r.iter())
}

fn rule_for(state: CaseState, kind: ActionKind) -> Option<&'static Rule> {
    rules().find(|r| r.from == state && r.action == kind)
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/// Why a seat became vacant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vacancy {
    Declined,
    Conflict,
    Replaced,
}

/// Something the store must do, in the same transaction, because of a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Start counting a time limit from today.
    StartClock { clock: Clock },
    /// Stop a time limit (met).
    StopClock { clock: Clock },
    /// Pause a time limit (the time to supply information does not count).
    PauseClock { clock: Clock },
    /// Resume a paused time limit.
    ResumeClock { clock: Clock },
    /// Stop every running clock (the case ends).
    StopAllClocks,
    /// Record the deficiencies of a return (补正事项).
    RecordDeficiencies { items: Vec<String> },
    /// Record the panel drawn and its backups, and who witnessed it.
    RecordPanel {
        seats: Vec<ExpertId>,
        backups: Vec<ExpertId>,
        observer: Option<UserId>,
    },
    /// The earlier draw stays on the record but no longer seats anyone.
    VoidPanel,
    /// A supplementary draw seats these experts on the vacant seats, with its own backups.
    AddSeats {
        seats: Vec<ExpertId>,
        backups: Vec<ExpertId>,
    },
    /// An expert accepted a seat and signed the conflict declaration.
    SeatAccepted { expert: ExpertId },
    /// A seat is vacant: the next suitable backup takes it (`draw::replace_seat`).
    SeatVacated { expert: ExpertId, cause: Vacancy },
    /// Record an expert's signature of the opinion, with dissent if any.
    RecordSignature {
        expert: ExpertId,
        dissent: Option<String>,
    },
    /// Affix the bureau's seal to the opinion.
    AffixSeal,
    /// Tell the prefecture bureau about an escalation.
    NotifyPrefecture,
    /// Record the determination (鉴定结论); the notice states the re-review right and deadline
    /// when `rereview_right` is true.
    RecordDetermination {
        category: Category,
        direct: bool,
        rereview_right: bool,
        /// 学前 item determined 学科类: a prohibited activity, say so.
        preschool_prohibited: bool,
    },
    /// The institution may now see the panel's names.
    RevealPanelNames,
    /// Open the prefecture re-review case (starts in ACCEPTED, its clock
    /// `PrefectureDetermination` running), excluding the first-round experts.
    OpenPrefectureChildCase {
        parent: CaseId,
        exclude_experts: Vec<ExpertId>,
    },
    /// The prefecture determined: the parent case can become final.
    ResolveParentCase { parent: CaseId, category: Category },
    /// File a credit record (信用记录) against the institution.
    CreditRecordInstitution { institution: InstitutionId },
}

/// An accepted transition: what to write and what to record in the audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub case: CaseId,
    pub from: CaseState,
    pub to: CaseState,
    pub action: ActionKind,
    /// `ActionKind::code`, for the audit event.
    pub action_code: String,
    /// Reason / grounds / request text the action carried.
    pub reason: Option<String>,
    /// The user, or `None` for the system.
    pub by: Option<UserId>,
    pub role: Option<Role>,
    pub at: DateTime<Utc>,
    pub effects: Vec<Effect>,
}

/// Why an action was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TransitionError {
    /// Outside the actor's scope: answered exactly like a missing case.
    NotFound,
    /// In scope, but this role (or this expert) may not take this action.
    NotAllowed,
    /// The action does not apply in the case's current state.
    WrongState {
        state: CaseState,
        action: ActionKind,
    },
    /// A condition of the transition does not hold; `key` is the message.
    GuardFailed { key: &'static str },
}

impl TransitionError {
    /// Translation key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            TransitionError::NotFound => "err.not_found",
            TransitionError::NotAllowed => "err.not_allowed",
            TransitionError::WrongState { .. } => "err.wrong_state",
            TransitionError::GuardFailed { key } => key,
        }
    }

    /// Placeholder values: `{state}` and `{action}` are translation keys themselves.
    pub fn args(&self) -> Vec<(String, String)> {
        match self {
            TransitionError::WrongState { state, action } => vec![
                ("state".into(), state.label_key().into()),
                ("action".into(), action.label_key()),
            ],
            _ => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// apply
// ---------------------------------------------------------------------------------------------

/// Decides an action on a case. Pure: returns what must happen, changes nothing.
pub fn apply(
    facts: &CaseFacts,
    action: &Action,
    by: &Initiator,
    now: DateTime<Utc>,
) -> Result<Transition, TransitionError> {
    if let Initiator::User(actor) = by {
        if case_view(actor, facts) == CaseView::None {
            return Err(TransitionError::NotFound);
        }
    }
    let kind = action.kind();
    let could_ever = rules()
        .filter(|r| r.action == kind)
        .any(|r| r.who.iter().any(|w| initiator_could(*w, by, facts.level)));
    if !could_ever {
        return Err(TransitionError::NotAllowed);
    }
    let Some(rule) = rule_for(facts.state, kind) else {
        return Err(TransitionError::WrongState {
            state: facts.state,
            action: kind,
        });
    };
    if !rule.who.iter().any(|w| admits(*w, by, facts)) {
        return Err(TransitionError::NotAllowed);
    }
    let input = GuardInput {
        facts,
        action,
        by,
        today: china_date(now),
    };
    (rule.guard)(&input).map_err(|key| TransitionError::GuardFailed { key })?;

    let (user, role) = match by {
        Initiator::User(a) => (Some(a.user_id), Some(a.role)),
        Initiator::System => (None, None),
    };
    Ok(Transition {
        case: facts.id,
        from: facts.state,
        to: rule.to,
        action: kind,
        action_code: kind.code().to_string(),
        reason: action.reason_text(),
        by: user,
        role,
        at: now,
        effects: effects(facts, action, by),
    })
}

fn initiator_could(who: Who, by: &Initiator, level: CaseLevel) -> bool {
    match by {
        Initiator::System => who == Who::System,
        Initiator::User(a) => role_fits(who, a.role, level),
    }
}

fn effects(facts: &CaseFacts, action: &Action, by: &Initiator) -> Vec<Effect> {
    use Effect as E;
    let me = match by {
        Initiator::User(a) => a.expert(),
        Initiator::System => None,
    };
    match action {
        Action::Submit => vec![E::StartClock {
            clock: Clock::Intake,
        }],
        Action::Withdraw { .. } | Action::NotAccept { .. } => vec![E::StopAllClocks],
        Action::Return { deficiencies } => vec![
            E::StopClock {
                clock: Clock::Intake,
            },
            E::RecordDeficiencies {
                items: deficiencies
                    .iter()
                    .map(|d| d.trim().to_string())
                    .filter(|d| !d.is_empty())
                    .collect(),
            },
        ],
        Action::DetermineDirectly { category, .. } => vec![
            E::StopClock {
                clock: Clock::Intake,
            },
            determination(facts, *category, true),
            E::StartClock {
                clock: Clock::RereviewRequest,
            },
        ],
        Action::Accept => vec![
            E::StopClock {
                clock: Clock::Intake,
            },
            E::StartClock { clock: Clock::Draw },
        ],
        Action::RecordDraw {
            seats,
            backups,
            observer,
        } => vec![
            E::StopClock { clock: Clock::Draw },
            E::RecordPanel {
                seats: seats.clone(),
                backups: backups.clone(),
                observer: *observer,
            },
        ],
        Action::Suspend { .. } => {
            let mut v = vec![E::StopClock { clock: Clock::Draw }];
            if facts.state == CaseState::PanelDrawn {
                v.push(E::VoidPanel);
            }
            v
        }
        Action::Resume { .. } => vec![E::StartClock { clock: Clock::Draw }],
        Action::AcceptSeat { .. } => me
            .map(|expert| vec![E::SeatAccepted { expert }])
            .unwrap_or_default(),
        Action::DeclineSeat { .. } => me
            .map(|expert| {
                vec![E::SeatVacated {
                    expert,
                    cause: Vacancy::Declined,
                }]
            })
            .unwrap_or_default(),
        Action::DeclareConflict { .. } => {
            let mut v: Vec<Effect> = me
                .map(|expert| {
                    vec![E::SeatVacated {
                        expert,
                        cause: Vacancy::Conflict,
                    }]
                })
                .unwrap_or_default();
            if facts.state == CaseState::UnderReview {
                v.push(E::PauseClock {
                    clock: Clock::PanelReview,
                });
            }
            v
        }
        Action::ReplaceSeat { expert, .. } => {
            let mut v = vec![E::SeatVacated {
                expert: *expert,
                cause: Vacancy::Replaced,
            }];
            if facts.state == CaseState::UnderReview {
                v.push(E::PauseClock {
                    clock: Clock::PanelReview,
                });
            }
            v
        }
        Action::Redraw { .. } => vec![E::VoidPanel],
        Action::DrawSupplement { seats, backups } => vec![E::AddSeats {
            seats: seats.clone(),
            backups: backups.clone(),
        }],
        Action::StartReview => {
            // A review that went back to PANEL_DRAWN resumes its clock; a first one starts it.
            if facts.review_started {
                vec![E::ResumeClock {
                    clock: Clock::PanelReview,
                }]
            } else {
                vec![E::StartClock {
                    clock: Clock::PanelReview,
                }]
            }
        }
        Action::RequestInfo { .. } => vec![E::PauseClock {
            clock: Clock::PanelReview,
        }],
        Action::ProvideInfo { .. } | Action::ResumeReview { .. } => vec![E::ResumeClock {
            clock: Clock::PanelReview,
        }],
        Action::DraftOpinion => vec![
            E::StopClock {
                clock: Clock::PanelReview,
            },
            E::StartClock {
                clock: Clock::Sealing,
            },
        ],
        Action::SignOpinion { dissent } => me
            .map(|expert| {
                vec![E::RecordSignature {
                    expert,
                    dissent: dissent.as_ref().map(|d| d.trim().to_string()),
                }]
            })
            .unwrap_or_default(),
        Action::ReturnOpinion { .. } => vec![
            E::StopClock {
                clock: Clock::Sealing,
            },
            E::ResumeClock {
                clock: Clock::PanelReview,
            },
        ],
        Action::SealOpinion => vec![
            E::StopClock {
                clock: Clock::Sealing,
            },
            E::AffixSeal,
        ],
        Action::Escalate { .. } => vec![E::NotifyPrefecture],
        Action::Determine { category, .. } => {
            let mut v = vec![determination(facts, *category, false)];
            match (facts.level, facts.parent) {
                (CaseLevel::Prefecture, Some(parent)) => {
                    v.push(E::StopClock {
                        clock: Clock::PrefectureDetermination,
                    });
                    v.push(E::ResolveParentCase {
                        parent,
                        category: *category,
                    });
                }
                (CaseLevel::Prefecture, None) => {}
                (CaseLevel::County, _) => v.push(E::StartClock {
                    clock: Clock::RereviewRequest,
                }),
            }
            v
        }
        Action::RequestRereview { .. } => vec![
            E::StopClock {
                clock: Clock::RereviewRequest,
            },
            E::StartClock {
                clock: Clock::ForwardingDecision,
            },
        ],
        Action::RefuseRereview { .. } => vec![E::StopClock {
            clock: Clock::ForwardingDecision,
        }],
        Action::ForwardRereview { .. } => vec![
            E::StopClock {
                clock: Clock::ForwardingDecision,
            },
            E::OpenPrefectureChildCase {
                parent: facts.id,
                exclude_experts: facts.panel_experts(),
            },
        ],
        Action::OrderPrefecturePanel { .. } => vec![E::OpenPrefectureChildCase {
            parent: facts.id,
            exclude_experts: facts.panel_experts(),
        }],
        Action::Finalize => vec![E::StopAllClocks],
        Action::Terminate { .. } => vec![
            E::StopAllClocks,
            E::CreditRecordInstitution {
                institution: facts.institution,
            },
        ],
    }
}

fn determination(facts: &CaseFacts, category: Category, direct: bool) -> Effect {
    Effect::RecordDetermination {
        category,
        direct,
        rereview_right: facts.level == CaseLevel::County,
        preschool_prohibited: super::determination::preschool_prohibited(facts.stage, category),
    }
}

/// The action kinds this initiator could take in the case's current state (guards aside): what
/// the UI offers as buttons.
pub fn available_actions(facts: &CaseFacts, by: &Initiator) -> Vec<ActionKind> {
    if let Initiator::User(actor) = by {
        if case_view(actor, facts) == CaseView::None {
            return Vec::new();
        }
    }
    rules()
        .filter(|r| r.from == facts.state && r.who.iter().any(|w| admits(*w, by, facts)))
        .map(|r| r.action)
        .collect()
}

/// The automatic action due now, if any: start the review when the panel is ready, or make a
/// determination final when its re-review window has passed, a prefecture case was determined,
/// a refusal was recorded, or the prefecture child case was determined.
pub fn due_system_action(facts: &CaseFacts, now: DateTime<Utc>) -> Option<Action> {
    [Action::StartReview, Action::Finalize]
        .into_iter()
        .find(|a| apply(facts, a, &Initiator::System, now).is_ok())
}

#[cfg(test)]
mod tests {
    use super::super::role::Scope;
    use super::*;
    use proptest::prelude::*;

    const COUNTY: CountyId = CountyId(652301);
    const OTHER_COUNTY: CountyId = CountyId(652302);
    const INST: InstitutionId = InstitutionId(10);

    fn actor(role: Role, scope: Scope) -> Initiator {
        Initiator::User(Actor::new(UserId(1), role, scope).expect("fits"))
    }
    fn inst() -> Initiator {
        actor(Role::InstitutionUser, Scope::Institution(INST))
    }
    fn other_inst() -> Initiator {
        actor(Role::InstitutionUser, Scope::Institution(InstitutionId(11)))
    }
    fn clerk() -> Initiator {
        actor(Role::CountyClerk, Scope::County(COUNTY))
    }
    fn other_clerk() -> Initiator {
        actor(Role::CountyClerk, Scope::County(OTHER_COUNTY))
    }
    fn director() -> Initiator {
        actor(Role::CountyDirector, Scope::County(COUNTY))
    }
    fn p_clerk() -> Initiator {
        actor(Role::PrefectureClerk, Scope::Prefecture)
    }
    fn p_director() -> Initiator {
        actor(Role::PrefectureDirector, Scope::Prefecture)
    }
    fn observer() -> Initiator {
        actor(Role::Observer, Scope::County(COUNTY))
    }
    fn admin() -> Initiator {
        actor(Role::Admin, Scope::System)
    }
    fn expert(id: i64) -> Initiator {
        actor(Role::Expert, Scope::Expert(ExpertId(id)))
    }

    fn all_initiators() -> Vec<Initiator> {
        let mut v = vec![
            inst(),
            other_inst(),
            clerk(),
            other_clerk(),
            director(),
            p_clerk(),
            p_director(),
            observer(),
            admin(),
            Initiator::System,
        ];
        for e in 1..=6 {
            v.push(expert(e));
        }
        v
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T02:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
    }
    fn today() -> NaiveDate {
        china_date(now())
    }

    fn seat(e: i64, status: SeatStatus, lead: bool) -> SeatFacts {
        SeatFacts {
            expert: ExpertId(e),
            status,
            lead,
            declaration_signed: status == SeatStatus::Accepted,
            sheet_submitted: false,
            opinion_signed: false,
        }
    }

    fn facts(state: CaseState) -> CaseFacts {
        CaseFacts {
            id: CaseId(1),
            level: CaseLevel::County,
            county: COUNTY,
            institution: INST,
            state,
            parent: None,
            child: None,
            child_determined: false,
            stage: Stage::Primary,
            materials_present: vec![
                MaterialKind::CoursePlan,
                MaterialKind::Syllabus,
                MaterialKind::LessonPlan,
                MaterialKind::EvaluationPlan,
                MaterialKind::Promotional,
            ],
            undertaking_given: true,
            draw_committed: !matches!(
                state,
                CaseState::Draft
                    | CaseState::Submitted
                    | CaseState::Returned
                    | CaseState::Accepted
                    | CaseState::Suspended
                    | CaseState::Withdrawn
                    | CaseState::NotAccepted
            ),
            seats: if matches!(
                state,
                CaseState::Draft
                    | CaseState::Submitted
                    | CaseState::Returned
                    | CaseState::Accepted
                    | CaseState::Suspended
                    | CaseState::Withdrawn
                    | CaseState::NotAccepted
            ) {
                vec![]
            } else if state == CaseState::PanelDrawn {
                vec![
                    seat(1, SeatStatus::Invited, true),
                    seat(2, SeatStatus::Invited, false),
                    seat(3, SeatStatus::Invited, false),
                ]
            } else {
                vec![
                    seat(1, SeatStatus::Accepted, true),
                    seat(2, SeatStatus::Accepted, false),
                    seat(3, SeatStatus::Accepted, false),
                ]
            },
            review_started: matches!(
                state,
                CaseState::UnderReview
                    | CaseState::AwaitingInfo
                    | CaseState::OpinionDrafted
                    | CaseState::OpinionSealed
                    | CaseState::Escalated
                    | CaseState::Determined
                    | CaseState::RereviewRequested
                    | CaseState::RereviewRefused
                    | CaseState::Forwarded
                    | CaseState::Final
                    | CaseState::Terminated
            ),
            determined_on: None,
            rereview_window_end: None,
        }
    }

    /// A well-formed action of each kind.
    fn sample(kind: ActionKind) -> Action {
        let r = || "理由说明".to_string();
        match kind {
            ActionKind::Submit => Action::Submit,
            ActionKind::Withdraw => Action::Withdraw { reason: r() },
            ActionKind::Return => Action::Return {
                deficiencies: vec!["缺少评价方案".into()],
            },
            ActionKind::NotAccept => Action::NotAccept { reason: r() },
            ActionKind::DetermineDirectly => Action::DetermineDirectly {
                category: Category::NonSubject,
                reasons: r(),
            },
            ActionKind::Accept => Action::Accept,
            ActionKind::RecordDraw => Action::RecordDraw {
                seats: vec![ExpertId(1), ExpertId(2), ExpertId(3)],
                backups: vec![ExpertId(4), ExpertId(5)],
                observer: None,
            },
            ActionKind::Suspend => Action::Suspend { reason: r() },
            ActionKind::Resume => Action::Resume { reason: r() },
            ActionKind::AcceptSeat => Action::AcceptSeat {
                declaration_signed: true,
            },
            ActionKind::DeclineSeat => Action::DeclineSeat { reason: r() },
            ActionKind::DeclareConflict => Action::DeclareConflict { reason: r() },
            ActionKind::ReplaceSeat => Action::ReplaceSeat {
                expert: ExpertId(2),
                reason: r(),
            },
            ActionKind::Redraw => Action::Redraw { reason: r() },
            ActionKind::DrawSupplement => Action::DrawSupplement {
                seats: vec![ExpertId(9)],
                backups: vec![],
            },
            ActionKind::StartReview => Action::StartReview,
            ActionKind::RequestInfo => Action::RequestInfo { request: r() },
            ActionKind::ProvideInfo => Action::ProvideInfo { note: r() },
            ActionKind::ResumeReview => Action::ResumeReview { reason: r() },
            ActionKind::DraftOpinion => Action::DraftOpinion,
            ActionKind::SignOpinion => Action::SignOpinion { dissent: None },
            ActionKind::ReturnOpinion => Action::ReturnOpinion { reason: r() },
            ActionKind::SealOpinion => Action::SealOpinion,
            ActionKind::Escalate => Action::Escalate { reason: r() },
            ActionKind::Determine => Action::Determine {
                category: Category::Subject,
                reasons: r(),
            },
            ActionKind::RequestRereview => Action::RequestRereview { grounds: r() },
            ActionKind::RefuseRereview => Action::RefuseRereview { reasons: r() },
            ActionKind::ForwardRereview => Action::ForwardRereview { reasons: r() },
            ActionKind::OrderPrefecturePanel => Action::OrderPrefecturePanel { reason: r() },
            ActionKind::Finalize => Action::Finalize,
            ActionKind::Terminate => Action::Terminate { reason: r() },
        }
    }

    #[test]
    fn codes_round_trip_and_terminal() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::from_code(s.code()), Some(s));
            assert!(s.label_key().starts_with("state."));
        }
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::from_code(k.code()), Some(k));
            assert_eq!(sample(k).kind(), k);
        }
        let terminal: Vec<CaseState> = CaseState::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                CaseState::Withdrawn,
                CaseState::NotAccepted,
                CaseState::Final,
                CaseState::Terminated
            ]
        );
    }

    #[test]
    fn table_is_consistent() {
        // No duplicate (from, action), nothing leaves a terminal state, every non-terminal state
        // has a way out, every action kind is used.
        let all: Vec<&Rule> = rules().collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!a.from.is_terminal(), "{:?}", a.from);
            for b in &all[i + 1..] {
                assert!(
                    !(a.from == b.from && a.action == b.action),
                    "duplicate {:?} {:?}",
                    a.from,
                    a.action
                );
            }
        }
        for s in CaseState::ALL {
            assert_eq!(s.is_terminal(), !all.iter().any(|r| r.from == s), "{s:?}");
        }
        for k in ActionKind::ALL {
            assert!(all.iter().any(|r| r.action == k), "{k:?}");
        }
        for s in CaseState::ALL.into_iter().filter(|s| s.is_active()) {
            assert!(
                all.iter()
                    .any(|r| r.from == s && r.action == ActionKind::Terminate),
                "terminate from {s:?}"
            );
        }
    }

    /// Every (state, action, initiator) combination: exactly the table's entries succeed, and the
    /// error kinds are the documented ones.
    #[test]
    fn every_transition_for_every_role() {
        let mut ok = 0;
        for state in CaseState::ALL {
            let mut f = facts(state);
            f.rereview_window_end = Some(today());
            if state == CaseState::UnderReview {
                for s in &mut f.seats {
                    s.sheet_submitted = true;
                }
            }
            if state == CaseState::OpinionDrafted {
                for s in &mut f.seats {
                    s.sheet_submitted = true;
                }
            }
            for kind in ActionKind::ALL {
                for by in all_initiators() {
                    let before = f.clone();
                    let res = apply(&f, &sample(kind), &by, now());
                    assert_eq!(f, before, "apply must not change the facts");
                    let visible = match &by {
                        Initiator::User(a) => case_view(a, &f) != CaseView::None,
                        Initiator::System => true,
                    };
                    match res {
                        Ok(t) => {
                            let rule = rule_for(state, kind).expect("a rule");
                            assert_eq!(t.to, rule.to);
                            assert_eq!(t.from, state);
                            assert!(visible);
                            ok += 1;
                        }
                        Err(TransitionError::NotFound) => assert!(!visible),
                        Err(TransitionError::WrongState { state: s, action }) => {
                            assert_eq!((s, action), (state, kind));
                            assert!(rule_for(state, kind).is_none());
                        }
                        Err(TransitionError::NotAllowed) => assert!(visible),
                        Err(TransitionError::GuardFailed { key }) => {
                            assert!(key.starts_with("err.guard."), "{key}");
                            assert!(rule_for(state, kind).is_some());
                        }
                    }
                }
            }
        }
        assert!(ok > 40, "{ok} successful transitions");
    }

    fn ok(f: &CaseFacts, a: Action, by: &Initiator) -> Transition {
        match apply(f, &a, by, now()) {
            Ok(t) => t,
            Err(e) => panic!("{a:?} by {by:?} in {:?}: {e:?}", f.state),
        }
    }

    fn err(f: &CaseFacts, a: Action, by: &Initiator) -> TransitionError {
        match apply(f, &a, by, now()) {
            Ok(t) => panic!("{a:?} should fail, gave {:?}", t.to),
            Err(e) => e,
        }
    }

    #[test]
    fn submission_and_intake() {
        let f = facts(CaseState::Draft);
        let t = ok(&f, Action::Submit, &inst());
        assert_eq!(t.to, CaseState::Submitted);
        assert_eq!(
            t.effects,
            [Effect::StartClock {
                clock: Clock::Intake
            }]
        );
        assert_eq!(t.action_code, "submit");
        // Other institution: not found. County clerk cannot see a draft: not found.
        assert_eq!(
            err(&f, Action::Submit, &other_inst()),
            TransitionError::NotFound
        );
        assert_eq!(err(&f, Action::Submit, &clerk()), TransitionError::NotFound);
        let mut g = f.clone();
        g.materials_present
            .retain(|m| *m != MaterialKind::EvaluationPlan);
        assert_eq!(
            err(&g, Action::Submit, &inst()),
            TransitionError::GuardFailed {
                key: "err.guard.materials_missing"
            }
        );
        let mut g = f.clone();
        g.undertaking_given = false;
        assert_eq!(
            err(&g, Action::Submit, &inst()),
            TransitionError::GuardFailed {
                key: "err.guard.undertaking_missing"
            }
        );

        let s = facts(CaseState::Submitted);
        assert_eq!(
            err(&s, Action::Submit, &inst()),
            TransitionError::WrongState {
                state: CaseState::Submitted,
                action: ActionKind::Submit
            }
        );
        assert_eq!(ok(&s, Action::Accept, &clerk()).to, CaseState::Accepted);
        assert_eq!(
            err(&s, Action::Accept, &director()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            err(&s, Action::Accept, &inst()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            err(&s, Action::Accept, &observer()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            err(&s, Action::Accept, &other_clerk()),
            TransitionError::NotFound
        );
        assert_eq!(err(&s, Action::Accept, &admin()), TransitionError::NotFound);
        assert_eq!(
            err(&s, Action::Accept, &p_clerk()),
            TransitionError::NotAllowed
        );
        let r = ok(
            &s,
            Action::Return {
                deficiencies: vec![" 缺少评价方案 ".into(), "".into()],
            },
            &clerk(),
        );
        assert_eq!(r.to, CaseState::Returned);
        assert!(r.effects.contains(&Effect::RecordDeficiencies {
            items: vec!["缺少评价方案".into()]
        }));
        assert_eq!(
            err(
                &s,
                Action::Return {
                    deficiencies: vec![" ".into()]
                },
                &clerk()
            ),
            TransitionError::GuardFailed {
                key: "err.guard.deficiencies_required"
            }
        );
        assert_eq!(
            err(
                &s,
                Action::NotAccept {
                    reason: "  ".into()
                },
                &clerk()
            ),
            TransitionError::GuardFailed {
                key: "err.guard.reason_required"
            }
        );
        assert_eq!(
            ok(
                &s,
                Action::NotAccept {
                    reason: "不属于本县".into()
                },
                &clerk()
            )
            .to,
            CaseState::NotAccepted
        );
        let d = ok(
            &s,
            Action::DetermineDirectly {
                category: Category::NonSubject,
                reasons: "明显属于体育类".into(),
            },
            &director(),
        );
        assert_eq!(d.to, CaseState::Determined);
        assert!(d.effects.contains(&Effect::StartClock {
            clock: Clock::RereviewRequest
        }));
        let resub = facts(CaseState::Returned);
        assert_eq!(ok(&resub, Action::Submit, &inst()).to, CaseState::Submitted);
    }

    #[test]
    fn withdrawal_only_before_draw() {
        for s in [
            CaseState::Draft,
            CaseState::Submitted,
            CaseState::Returned,
            CaseState::Accepted,
            CaseState::Suspended,
        ] {
            let f = facts(s);
            assert_eq!(
                ok(
                    &f,
                    Action::Withdraw {
                        reason: String::new()
                    },
                    &inst()
                )
                .to,
                CaseState::Withdrawn
            );
        }
        let mut f = facts(CaseState::Suspended);
        f.draw_committed = true;
        assert_eq!(
            err(
                &f,
                Action::Withdraw {
                    reason: String::new()
                },
                &inst()
            ),
            TransitionError::GuardFailed {
                key: "err.guard.after_draw"
            }
        );
        let f = facts(CaseState::PanelDrawn);
        assert!(matches!(
            err(
                &f,
                Action::Withdraw {
                    reason: String::new()
                },
                &inst()
            ),
            TransitionError::WrongState { .. }
        ));
    }

    #[test]
    fn draw_and_seats() {
        let f = facts(CaseState::Accepted);
        let t = ok(&f, sample(ActionKind::RecordDraw), &clerk());
        assert_eq!(t.to, CaseState::PanelDrawn);
        let bad = Action::RecordDraw {
            seats: vec![ExpertId(1), ExpertId(2)],
            backups: vec![],
            observer: None,
        };
        assert_eq!(
            err(&f, bad, &clerk()),
            TransitionError::GuardFailed {
                key: "err.guard.panel_size"
            }
        );
        let dup = Action::RecordDraw {
            seats: vec![ExpertId(1), ExpertId(2), ExpertId(3)],
            backups: vec![ExpertId(3)],
            observer: None,
        };
        assert_eq!(
            err(&f, dup, &clerk()),
            TransitionError::GuardFailed {
                key: "err.guard.draw_duplicate"
            }
        );
        assert_eq!(
            ok(&f, sample(ActionKind::Suspend), &clerk()).to,
            CaseState::Suspended
        );
        let s = facts(CaseState::Suspended);
        assert_eq!(
            ok(&s, sample(ActionKind::Resume), &clerk()).to,
            CaseState::Accepted
        );

        let p = facts(CaseState::PanelDrawn);
        // An invited expert can see the case (limited) and accept with a declaration.
        let t = ok(&p, sample(ActionKind::AcceptSeat), &expert(1));
        assert_eq!(t.to, CaseState::PanelDrawn);
        assert_eq!(
            t.effects,
            [Effect::SeatAccepted {
                expert: ExpertId(1)
            }]
        );
        assert_eq!(
            err(
                &p,
                Action::AcceptSeat {
                    declaration_signed: false
                },
                &expert(1)
            ),
            TransitionError::GuardFailed {
                key: "err.guard.declaration_required"
            }
        );
        // An expert not on the panel: not found.
        assert_eq!(
            err(&p, sample(ActionKind::AcceptSeat), &expert(9)),
            TransitionError::NotFound
        );
        let t = ok(&p, sample(ActionKind::DeclineSeat), &expert(2));
        assert_eq!(
            t.effects,
            [Effect::SeatVacated {
                expert: ExpertId(2),
                cause: Vacancy::Declined
            }]
        );
        let t = ok(&p, sample(ActionKind::DeclareConflict), &expert(3));
        assert_eq!(t.to, CaseState::PanelDrawn);
        // Start review: only the system, only when ready.
        assert_eq!(
            err(&p, Action::StartReview, &Initiator::System),
            TransitionError::GuardFailed {
                key: "err.guard.panel_not_ready"
            }
        );
        assert_eq!(
            err(&p, Action::StartReview, &clerk()),
            TransitionError::NotAllowed
        );
        let mut ready = p.clone();
        for s in &mut ready.seats {
            s.status = SeatStatus::Accepted;
            s.declaration_signed = true;
        }
        // An accepted expert can no longer "accept" (no open invitation).
        assert_eq!(
            err(&ready, sample(ActionKind::AcceptSeat), &expert(1)),
            TransitionError::NotAllowed
        );
        assert_eq!(due_system_action(&ready, now()), Some(Action::StartReview));
        ready.review_started = false;
        let t = ok(&ready, Action::StartReview, &Initiator::System);
        assert_eq!(t.to, CaseState::UnderReview);
        assert_eq!(t.by, None);
        assert_eq!(
            t.effects,
            [Effect::StartClock {
                clock: Clock::PanelReview
            }]
        );
        let mut unsigned = ready.clone();
        unsigned.seats[1].declaration_signed = false;
        assert!(apply(&unsigned, &Action::StartReview, &Initiator::System, now()).is_err());
        // Clerk replaces / redraws.
        assert_eq!(
            ok(&p, sample(ActionKind::ReplaceSeat), &clerk()).to,
            CaseState::PanelDrawn
        );
        assert_eq!(
            err(
                &p,
                Action::ReplaceSeat {
                    expert: ExpertId(99),
                    reason: "x".into()
                },
                &clerk()
            ),
            TransitionError::GuardFailed {
                key: "err.guard.not_on_panel"
            }
        );
        assert_eq!(
            err(&p, Action::Redraw { reason: " ".into() }, &clerk()),
            TransitionError::GuardFailed {
                key: "err.guard.reason_required"
            }
        );
        assert_eq!(
            ok(&p, sample(ActionKind::Redraw), &clerk()).effects,
            [Effect::VoidPanel]
        );
    }

    #[test]
    fn review_opinion_and_seal() {
        let mut u = facts(CaseState::UnderReview);
        // Only the lead drafts, only with every sheet in.
        assert_eq!(
            err(&u, Action::DraftOpinion, &expert(1)),
            TransitionError::GuardFailed {
                key: "err.guard.sheets_missing"
            }
        );
        for s in &mut u.seats {
            s.sheet_submitted = true;
        }
        assert_eq!(
            err(&u, Action::DraftOpinion, &expert(2)),
            TransitionError::NotAllowed
        );
        assert_eq!(
            ok(&u, Action::DraftOpinion, &expert(1)).to,
            CaseState::OpinionDrafted
        );
        // Information requests.
        assert_eq!(
            ok(&u, sample(ActionKind::RequestInfo), &expert(1)).to,
            CaseState::AwaitingInfo
        );
        assert_eq!(
            ok(&u, sample(ActionKind::RequestInfo), &clerk()).to,
            CaseState::AwaitingInfo
        );
        assert_eq!(
            err(&u, sample(ActionKind::RequestInfo), &expert(3)),
            TransitionError::NotAllowed
        );
        let a = facts(CaseState::AwaitingInfo);
        assert_eq!(
            ok(&a, sample(ActionKind::ProvideInfo), &inst()).to,
            CaseState::UnderReview
        );
        assert_eq!(
            ok(&a, sample(ActionKind::ResumeReview), &clerk()).to,
            CaseState::UnderReview
        );
        assert_eq!(
            err(&a, sample(ActionKind::ProvideInfo), &clerk()),
            TransitionError::NotAllowed
        );
        // Conflict found during the review sends it back to PANEL_DRAWN.
        assert_eq!(
            ok(&u, sample(ActionKind::DeclareConflict), &expert(2)).to,
            CaseState::PanelDrawn
        );
        assert_eq!(
            ok(&u, sample(ActionKind::ReplaceSeat), &clerk()).to,
            CaseState::PanelDrawn
        );

        let mut d = facts(CaseState::OpinionDrafted);
        let t = ok(
            &d,
            Action::SignOpinion {
                dissent: Some("认为培训方式以讲授为主".into()),
            },
            &expert(2),
        );
        assert!(matches!(
            &t.effects[0],
            Effect::RecordSignature {
                dissent: Some(_),
                ..
            }
        ));
        assert_eq!(
            err(
                &d,
                Action::SignOpinion {
                    dissent: Some(" ".into())
                },
                &expert(2)
            ),
            TransitionError::GuardFailed {
                key: "err.guard.dissent_reason_required"
            }
        );
        assert_eq!(
            err(&d, Action::SealOpinion, &director()),
            TransitionError::GuardFailed {
                key: "err.guard.signatures_missing"
            }
        );
        assert_eq!(
            err(&d, Action::SealOpinion, &clerk()),
            TransitionError::NotAllowed
        );
        for s in &mut d.seats {
            s.opinion_signed = true;
        }
        assert_eq!(
            err(&d, Action::SignOpinion { dissent: None }, &expert(1)),
            TransitionError::GuardFailed {
                key: "err.guard.already_signed"
            }
        );
        let t = ok(&d, Action::SealOpinion, &director());
        assert_eq!(t.to, CaseState::OpinionSealed);
        assert!(t.effects.contains(&Effect::AffixSeal));
        assert_eq!(
            ok(&d, sample(ActionKind::ReturnOpinion), &director()).to,
            CaseState::UnderReview
        );
    }

    #[test]
    fn determination_escalation_rereview() {
        let s = facts(CaseState::OpinionSealed);
        let t = ok(&s, sample(ActionKind::Determine), &director());
        assert_eq!(t.to, CaseState::Determined);
        assert!(t.effects.contains(&Effect::RecordDetermination {
            category: Category::Subject,
            direct: false,
            rereview_right: true,
            preschool_prohibited: false
        }));
        let mut pre = s.clone();
        pre.stage = Stage::Preschool;
        assert!(ok(&pre, sample(ActionKind::Determine), &director())
            .effects
            .iter()
            .any(|e| matches!(
                e,
                Effect::RecordDetermination {
                    preschool_prohibited: true,
                    ..
                }
            )));
        assert_eq!(
            ok(&s, sample(ActionKind::Escalate), &director()).to,
            CaseState::Escalated
        );
        let e = facts(CaseState::Escalated);
        assert_eq!(
            err(&e, sample(ActionKind::Determine), &director()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            ok(&e, sample(ActionKind::Determine), &p_director()).to,
            CaseState::Determined
        );
        assert_eq!(
            err(&e, sample(ActionKind::Determine), &p_clerk()),
            TransitionError::NotAllowed
        );

        let mut d = facts(CaseState::Determined);
        d.rereview_window_end = Some(today());
        assert_eq!(
            ok(&d, sample(ActionKind::RequestRereview), &inst()).to,
            CaseState::RereviewRequested
        );
        assert_eq!(
            err(&d, Action::RequestRereview { grounds: "".into() }, &inst()),
            TransitionError::GuardFailed {
                key: "err.guard.reason_required"
            }
        );
        assert_eq!(
            err(&d, Action::Finalize, &Initiator::System),
            TransitionError::GuardFailed {
                key: "err.guard.rereview_window_open"
            }
        );
        assert_eq!(due_system_action(&d, now()), None);
        d.rereview_window_end = today().pred_opt();
        assert_eq!(
            err(&d, sample(ActionKind::RequestRereview), &inst()),
            TransitionError::GuardFailed {
                key: "err.guard.rereview_window_closed"
            }
        );
        assert_eq!(
            ok(&d, Action::Finalize, &Initiator::System).to,
            CaseState::Final
        );
        assert_eq!(due_system_action(&d, now()), Some(Action::Finalize));

        let r = facts(CaseState::RereviewRequested);
        assert_eq!(
            ok(&r, sample(ActionKind::RefuseRereview), &director()).to,
            CaseState::RereviewRefused
        );
        let fwd = ok(&r, sample(ActionKind::ForwardRereview), &director());
        assert_eq!(fwd.to, CaseState::Forwarded);
        assert!(fwd.effects.contains(&Effect::OpenPrefectureChildCase {
            parent: CaseId(1),
            exclude_experts: vec![ExpertId(1), ExpertId(2), ExpertId(3)]
        }));
        let rf = facts(CaseState::RereviewRefused);
        assert_eq!(
            ok(&rf, Action::Finalize, &Initiator::System).to,
            CaseState::Final
        );
        let mut fw = facts(CaseState::Forwarded);
        assert!(apply(&fw, &Action::Finalize, &Initiator::System, now()).is_err());
        fw.child_determined = true;
        assert_eq!(
            ok(&fw, Action::Finalize, &Initiator::System).to,
            CaseState::Final
        );
    }

    #[test]
    fn the_prefecture_director_orders_a_panel_for_an_escalated_case() {
        let e = facts(CaseState::Escalated);
        // Only the prefecture director, and only with a reason.
        assert_eq!(
            err(&e, sample(ActionKind::OrderPrefecturePanel), &director()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            err(
                &e,
                Action::OrderPrefecturePanel { reason: " ".into() },
                &p_director()
            ),
            TransitionError::GuardFailed {
                key: "err.guard.reason_required"
            }
        );
        let t = ok(&e, sample(ActionKind::OrderPrefecturePanel), &p_director());
        assert_eq!(t.to, CaseState::Forwarded);
        assert!(t.effects.contains(&Effect::OpenPrefectureChildCase {
            parent: CaseId(1),
            exclude_experts: vec![ExpertId(1), ExpertId(2), ExpertId(3)]
        }));
        // Not from any other state.
        for st in CaseState::ALL
            .into_iter()
            .filter(|s| *s != CaseState::Escalated)
        {
            assert!(apply(
                &facts(st),
                &sample(ActionKind::OrderPrefecturePanel),
                &p_director(),
                now()
            )
            .is_err());
        }
    }

    #[test]
    fn prefecture_child_case() {
        let mut c = facts(CaseState::Accepted);
        c.level = CaseLevel::Prefecture;
        c.parent = Some(CaseId(1));
        c.id = CaseId(2);
        // The prefecture clerk draws; the county clerk can see the case but not act.
        assert_eq!(
            ok(&c, sample(ActionKind::RecordDraw), &p_clerk()).to,
            CaseState::PanelDrawn
        );
        assert_eq!(
            err(&c, sample(ActionKind::RecordDraw), &clerk()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            err(&c, sample(ActionKind::RecordDraw), &other_clerk()),
            TransitionError::NotFound
        );
        c.state = CaseState::OpinionSealed;
        c.seats = facts(CaseState::OpinionSealed).seats;
        assert_eq!(
            err(&c, sample(ActionKind::Escalate), &p_director()),
            TransitionError::GuardFailed {
                key: "err.guard.escalate_prefecture"
            }
        );
        let t = ok(&c, sample(ActionKind::Determine), &p_director());
        assert!(t.effects.contains(&Effect::ResolveParentCase {
            parent: CaseId(1),
            category: Category::Subject
        }));
        assert!(t.effects.iter().any(|e| matches!(
            e,
            Effect::RecordDetermination {
                rereview_right: false,
                ..
            }
        )));
        c.state = CaseState::Determined;
        assert_eq!(due_system_action(&c, now()), Some(Action::Finalize));
        assert_eq!(
            err(&c, sample(ActionKind::RequestRereview), &inst()),
            TransitionError::GuardFailed {
                key: "err.guard.rereview_prefecture"
            }
        );
    }

    #[test]
    fn termination() {
        for s in CaseState::ALL.into_iter().filter(|s| s.is_active()) {
            let f = facts(s);
            let t = ok(&f, sample(ActionKind::Terminate), &director());
            assert_eq!(t.to, CaseState::Terminated);
            assert!(t
                .effects
                .contains(&Effect::CreditRecordInstitution { institution: INST }));
            assert_eq!(
                err(&f, sample(ActionKind::Terminate), &clerk()),
                TransitionError::NotAllowed
            );
            assert_eq!(
                err(&f, sample(ActionKind::Terminate), &admin()),
                TransitionError::NotFound
            );
        }
        assert!(matches!(
            err(
                &facts(CaseState::Final),
                sample(ActionKind::Terminate),
                &director()
            ),
            TransitionError::WrongState { .. }
        ));
    }

    // ---- property tests: a random walk through the lifecycle --------------------------------

    /// What the store would do with a transition, as far as the facts go.
    fn simulate(f: &mut CaseFacts, t: &Transition, sheets: bool) {
        f.state = t.to;
        for e in &t.effects {
            match e {
                Effect::RecordPanel { seats, .. } => {
                    f.draw_committed = true;
                    f.seats = seats
                        .iter()
                        .enumerate()
                        .map(|(i, e)| seat(e.0, SeatStatus::Invited, i == 0))
                        .collect();
                }
                Effect::VoidPanel => f.seats.clear(),
                Effect::SeatAccepted { expert } => {
                    if let Some(s) = f
                        .seats
                        .iter_mut()
                        .find(|s| s.expert == *expert && s.status.is_active())
                    {
                        s.status = SeatStatus::Accepted;
                        s.declaration_signed = true;
                    }
                }
                Effect::SeatVacated { expert, .. } => {
                    let mut lead = false;
                    if let Some(s) = f
                        .seats
                        .iter_mut()
                        .find(|s| s.expert == *expert && s.status.is_active())
                    {
                        s.status = SeatStatus::Declined;
                        lead = s.lead;
                    }
                    let next = f.seats.iter().map(|s| s.expert.0).max().unwrap_or(0) + 1;
                    f.seats.push(seat(next, SeatStatus::Invited, lead));
                }
                Effect::RecordSignature { expert, .. } => {
                    if let Some(s) = f
                        .seats
                        .iter_mut()
                        .find(|s| s.expert == *expert && s.status.is_active())
                    {
                        s.opinion_signed = true;
                    }
                }
                Effect::RecordDetermination { .. } => {
                    f.determined_on = Some(today());
                    f.rereview_window_end = Some(today());
                }
                _ => {}
            }
        }
        if f.state == CaseState::UnderReview {
            f.review_started = true;
        }
        if sheets && f.state == CaseState::UnderReview {
            for s in f.seats.iter_mut().filter(|s| s.status.is_active()) {
                s.sheet_submitted = true;
            }
        }
    }

    fn any_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (0usize..ActionKind::ALL.len()).prop_map(|i| sample(ActionKind::ALL[i])),
            Just(Action::Return {
                deficiencies: vec![]
            }),
            Just(Action::AcceptSeat {
                declaration_signed: false
            }),
            Just(Action::NotAccept {
                reason: String::new()
            }),
            (1i64..8).prop_map(|e| Action::ReplaceSeat {
                expert: ExpertId(e),
                reason: "x".into()
            }),
            Just(Action::SignOpinion {
                dissent: Some(String::new())
            }),
        ]
    }

    fn any_initiator() -> impl Strategy<Value = Initiator> {
        (0usize..16).prop_map(|i| {
            let v = all_initiators();
            v[i % v.len()]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Random walks: a refused action changes nothing; every reachable non-terminal state
        /// has an action that somebody can take successfully.
        #[test]
        fn random_walk(
            steps in proptest::collection::vec((any_action(), any_initiator(), any::<bool>()), 1..120),
            late in any::<bool>(),
        ) {
            let mut f = facts(CaseState::Draft);
            for (action, by, sheets) in steps {
                let before = f.clone();
                let at = if late { now() + chrono::Duration::days(1) } else { now() };
                match apply(&f, &action, &by, at) {
                    Ok(t) => {
                        prop_assert_eq!(t.from, f.state);
                        prop_assert!(rule_for(f.state, action.kind()).is_some_and(|r| r.to == t.to));
                        simulate(&mut f, &t, sheets);
                    }
                    Err(_) => prop_assert_eq!(&f, &before),
                }
                if !f.state.is_terminal() {
                    let live = ActionKind::ALL.iter().any(|k| {
                        all_initiators().iter().any(|b| {
                            apply(&f, &sample(*k), b, now()).is_ok()
                                || apply(&f, &sample(*k), b, now() + chrono::Duration::days(1)).is_ok()
                        })
                    });
                    prop_assert!(live, "stuck in {:?}", f.state);
                } else {
                    prop_assert!(rules().all(|r| r.from != f.state));
                }
            }
        }
    }
}
