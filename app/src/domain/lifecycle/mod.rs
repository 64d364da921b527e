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

mod apply;
mod effects;
mod form;
mod rules;
#[cfg(test)]
mod tests;

pub use apply::{apply, available_actions, due_system_action, Transition, TransitionError};
pub use effects::{Effect, Vacancy};
pub use form::{check_form, FormFacts, FormRefusal};
pub use rules::{rules, Guard, GuardInput, Rule, RULES};

use super::case::{CaseFacts, CaseLevel, SeatStatus};
use super::ids::{ExpertId, UserId};
use super::role::{Actor, Role};
use super::terms::Category;
use serde::{Deserialize, Serialize};

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
