//! [`apply`]: decides an action on a case from its facts, the rules and who asks. Pure.

use super::effects::{effects, Effect};
use super::rules::{rule_for, rules, GuardInput};
use super::{admits, role_fits, Action, ActionKind, Initiator, Who};
use crate::domain::access::{case_view, CaseView};
use crate::domain::case::{CaseFacts, CaseLevel, CaseState};
use crate::domain::china_time::china_date;
use crate::domain::ids::{CaseId, UserId};
use crate::domain::role::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
