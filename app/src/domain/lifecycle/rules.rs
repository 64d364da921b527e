//! The table of moves (DOMAIN §4): one row per state and action, with who may take it and its
//! guard. A new procedure step is a new row here, not a new `if` elsewhere.

use super::{Action, ActionKind, Initiator, Who};
use crate::domain::case::{CaseFacts, CaseLevel, CaseState};
use crate::domain::ids::ExpertId;
use crate::domain::material::missing_materials;
use chrono::NaiveDate;

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

pub(super) fn rule_for(state: CaseState, kind: ActionKind) -> Option<&'static Rule> {
    rules().find(|r| r.from == state && r.action == kind)
}
