//! 待办与期限: whose work is which. A clerk's work list holds the cases whose intake, draw or
//! panel-review clock runs (and at the prefecture the re-review cases to determine); a
//! director's, the opinions to seal, the decisions on forwarding a re-review and the sealed
//! opinions to determine, and at the prefecture the escalated cases.

use super::access::case_list_scope;
use super::case::{CaseLevel, CaseState};
use super::deadline::Clock;
use super::ids::CountyId;
use super::role::{Actor, Role};

/// What the actor's work list selects: the cases of one county (`None`: the prefecture's
/// level, every county) whose clock is one of `clocks` or whose state is one of `states`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkList {
    pub county: Option<CountyId>,
    pub level: CaseLevel,
    pub clocks: Vec<Clock>,
    pub states: Vec<CaseState>,
    director: bool,
}

impl WorkList {
    /// The work list of a bureau actor (the caller has asked the policy for `ViewWorkList`).
    pub fn of(actor: &Actor) -> WorkList {
        let county = case_list_scope(actor);
        let level = match county {
            Some(_) => CaseLevel::County,
            None => CaseLevel::Prefecture,
        };
        let director = matches!(actor.role, Role::CountyDirector | Role::PrefectureDirector);
        let clocks = if director {
            vec![
                Clock::Sealing,
                Clock::ForwardingDecision,
                Clock::PrefectureDetermination,
            ]
        } else {
            vec![
                Clock::Intake,
                Clock::Draw,
                Clock::PanelReview,
                Clock::PrefectureDetermination,
            ]
        };
        let states = match (director, level) {
            (true, CaseLevel::County) => vec![CaseState::OpinionSealed],
            (true, CaseLevel::Prefecture) => vec![CaseState::Escalated, CaseState::OpinionSealed],
            (false, _) => vec![],
        };
        WorkList {
            county,
            level,
            clocks,
            states,
            director,
        }
    }

    /// Whether a selected case (in `state`, of `level`) is this actor's work: a sealed opinion
    /// waits for the director of its own level only.
    pub fn keeps(&self, state: CaseState, level: CaseLevel) -> bool {
        !(self.director
            && self.level == CaseLevel::Prefecture
            && state == CaseState::OpinionSealed
            && level != CaseLevel::Prefecture)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::UserId;
    use crate::domain::role::Scope;

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor::new(UserId(1), role, scope).expect("a role with its scope")
    }

    #[test]
    fn clerks_and_directors_have_their_own_clocks() {
        let clerk = WorkList::of(&actor(Role::CountyClerk, Scope::County(CountyId(3))));
        assert_eq!(clerk.county, Some(CountyId(3)));
        assert_eq!(clerk.level, CaseLevel::County);
        assert!(clerk.clocks.contains(&Clock::Intake));
        assert!(!clerk.clocks.contains(&Clock::Sealing));
        assert!(clerk.states.is_empty());
        let director = WorkList::of(&actor(Role::CountyDirector, Scope::County(CountyId(3))));
        assert!(director.clocks.contains(&Clock::Sealing));
        assert_eq!(director.states, [CaseState::OpinionSealed]);
        let prefecture = WorkList::of(&actor(Role::PrefectureDirector, Scope::Prefecture));
        assert_eq!(
            (prefecture.county, prefecture.level),
            (None, CaseLevel::Prefecture)
        );
        assert_eq!(
            prefecture.states,
            [CaseState::Escalated, CaseState::OpinionSealed]
        );
    }

    #[test]
    fn a_sealed_opinion_waits_for_the_director_of_its_level() {
        let prefecture = WorkList::of(&actor(Role::PrefectureDirector, Scope::Prefecture));
        assert!(prefecture.keeps(CaseState::OpinionSealed, CaseLevel::Prefecture));
        assert!(!prefecture.keeps(CaseState::OpinionSealed, CaseLevel::County));
        assert!(prefecture.keeps(CaseState::Escalated, CaseLevel::County));
        let clerk = WorkList::of(&actor(Role::PrefectureClerk, Scope::Prefecture));
        assert!(clerk.keeps(CaseState::OpinionSealed, CaseLevel::County));
    }
}
