//! The case page's action form: which actions it does not take (they have pages and forms of
//! their own), and the checks an action's own fields pass once the lifecycle has said the actor
//! may take it.

use super::{Action, ActionKind};
use crate::domain::case::CaseState;
use crate::domain::error::FieldErrors;
use crate::domain::item::{validate_training_item, TrainingItemInput};
use crate::domain::opinion::Conclusion;

impl ActionKind {
    /// The key of the refusal that sends this action to its own page or form, or `None` when
    /// the case page's form takes it: the panel is chosen by the server's draw only, never sent
    /// by a client; the opinion is drafted, signed and sealed on its own page with the password
    /// again; the re-review application is a form of its own (grounds, request, evidence,
    /// undertaking); terminating a case files the institution's credit record with it.
    pub fn own_form(self) -> Option<&'static str> {
        match self {
            ActionKind::RecordDraw | ActionKind::Redraw | ActionKind::DrawSupplement => {
                Some("err.draw.use_draw_page")
            }
            ActionKind::DraftOpinion | ActionKind::SignOpinion | ActionKind::SealOpinion => {
                Some("err.opinion.use_opinion_page")
            }
            ActionKind::RequestRereview => Some("err.rereview.use_form"),
            ActionKind::Terminate => Some("err.credit.use_form"),
            _ => None,
        }
    }
}

/// What the store knows that the form checks need: the case's state, its application and the
/// conclusion of its current opinion (what the seal covers once sealed).
#[derive(Debug, Clone, Copy)]
pub struct FormFacts<'a> {
    pub state: CaseState,
    pub item: &'a TrainingItemInput,
    pub opinion: Option<Conclusion>,
}

/// Why an action's fields are refused.
#[derive(Debug, Clone, PartialEq)]
pub enum FormRefusal {
    /// Field by field, as the form shows them.
    Fields(FieldErrors),
    /// The request as a whole (a translation key).
    Refused(&'static str),
}

/// The checks of an action's own fields: refusing to forward a re-review needs written reasons
/// (comments on forwarding are optional); a county determination after the seal follows the
/// sealed opinion, and an undetermined panel is escalated to the prefecture instead; submitting
/// needs a complete application (the same checks the form shows live).
pub fn check_form(action: &Action, facts: FormFacts<'_>) -> Result<(), FormRefusal> {
    let fields = |errs: FieldErrors| {
        if errs.is_empty() {
            Ok(())
        } else {
            Err(FormRefusal::Fields(errs))
        }
    };
    match action {
        Action::ForwardRereview { reasons } => {
            fields(crate::domain::rereview::validate_decision(true, reasons))
        }
        Action::RefuseRereview { reasons } => {
            fields(crate::domain::rereview::validate_decision(false, reasons))
        }
        Action::Determine { category, .. } if facts.state == CaseState::OpinionSealed => {
            match facts.opinion.map(Conclusion::category) {
                Some(Some(c)) if c == *category => Ok(()),
                Some(None) => Err(FormRefusal::Refused("err.opinion.undetermined_escalate")),
                _ => Err(FormRefusal::Refused("err.opinion.category_mismatch")),
            }
        }
        Action::Submit => fields(validate_training_item(facts.item)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::terms::Category;

    fn facts(
        state: CaseState,
        opinion: Option<Conclusion>,
        item: &TrainingItemInput,
    ) -> FormFacts<'_> {
        FormFacts {
            state,
            item,
            opinion,
        }
    }

    #[test]
    fn the_case_page_sends_these_to_their_own_forms() {
        let own: Vec<ActionKind> = ActionKind::ALL
            .into_iter()
            .filter(|k| k.own_form().is_some())
            .collect();
        assert_eq!(
            own,
            [
                ActionKind::RecordDraw,
                ActionKind::Redraw,
                ActionKind::DrawSupplement,
                ActionKind::DraftOpinion,
                ActionKind::SignOpinion,
                ActionKind::SealOpinion,
                ActionKind::RequestRereview,
                ActionKind::Terminate,
            ]
        );
    }

    #[test]
    fn a_determination_after_the_seal_follows_the_opinion() {
        let item = TrainingItemInput::empty();
        let determine = |category| Action::Determine {
            category,
            reasons: String::new(),
        };
        let sealed = |c| facts(CaseState::OpinionSealed, Some(c), &item);
        assert_eq!(
            check_form(&determine(Category::Subject), sealed(Conclusion::Subject)),
            Ok(())
        );
        assert_eq!(
            check_form(
                &determine(Category::NonSubject),
                sealed(Conclusion::Subject)
            ),
            Err(FormRefusal::Refused("err.opinion.category_mismatch"))
        );
        assert_eq!(
            check_form(
                &determine(Category::Subject),
                sealed(Conclusion::Undetermined)
            ),
            Err(FormRefusal::Refused("err.opinion.undetermined_escalate"))
        );
        // Determined directly (no opinion): nothing to follow.
        let direct = facts(CaseState::Accepted, None, &item);
        assert_eq!(check_form(&determine(Category::Subject), direct), Ok(()));
    }

    #[test]
    fn refusing_a_rereview_needs_reasons_forwarding_does_not() {
        let item = TrainingItemInput::empty();
        let f = facts(CaseState::RereviewRequested, None, &item);
        let forward = Action::ForwardRereview {
            reasons: String::new(),
        };
        assert_eq!(check_form(&forward, f), Ok(()));
        let refuse = Action::RefuseRereview {
            reasons: String::new(),
        };
        assert!(matches!(
            check_form(&refuse, f),
            Err(FormRefusal::Fields(_))
        ));
    }

    #[test]
    fn submitting_needs_a_complete_application() {
        let item = TrainingItemInput::empty();
        let f = facts(CaseState::Draft, None, &item);
        assert!(
            matches!(check_form(&Action::Submit, f), Err(FormRefusal::Fields(e)) if !e.is_empty())
        );
    }
}
