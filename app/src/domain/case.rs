//! The case (鉴定案件) as the rules see it: its states, its level, its panel's seats and the
//! facts the store gathers about it ([`CaseFacts`]). The lifecycle decides moves on these; the
//! access policy decides who sees a case from them.

use super::ids::{CaseId, CountyId, ExpertId, InstitutionId};
use super::material::MaterialKind;
use super::terms::Stage;
use chrono::NaiveDate;
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
