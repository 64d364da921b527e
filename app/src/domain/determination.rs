//! 鉴定结论: a determination is a record of its own — who made it, when, on what (the sealed
//! opinion, a direct judgement, the prefecture's ruling, the re-review), which category, which
//! clause of the working guide, and what follows for a 学前 item — and whether it stands.
//!
//! Whether a determination stands is derived, never stored: a case terminated after it (false
//! material, 九(二)) voids it; the prefecture's re-review determination replaces the county's;
//! a determination under re-review stands until the prefecture decides; a revoked one is kept,
//! marked, with the reasons and the credit record it follows from.

use super::case::CaseState;
use super::error::FieldErrors;
use super::terms::{Category, Stage};
use serde::{Deserialize, Serialize};

pub const REVOKE_REASON_MIN: usize = 10;
pub const REVOKE_REASON_MAX: usize = 2000;

coded! {
    /// What a determination rests on.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Basis("determination.basis") {
        /// The county bureau on the panel's sealed opinion (七(三)、七(四)).
        PanelOpinion = "panel_opinion",
        /// The county bureau directly, the item being clear without a panel (七(四); 教监管厅函
        /// 〔2021〕16号: experts for the items that cannot be judged directly).
        Direct = "direct",
        /// The prefecture bureau ruling on an escalated case (提请上级裁决).
        PrefectureRuling = "prefecture_ruling",
        /// The prefecture bureau on its re-review panel's opinion (七(五)).
        Rereview = "rereview",
    }
}

impl Basis {
    /// The clause of the working guide (昌吉州工作指南) the determination is made under.
    pub fn clause(self) -> &'static str {
        match self {
            Basis::PanelOpinion => "七(三)、七(四)",
            Basis::Direct => "七(四)",
            Basis::PrefectureRuling => "七(四)、七(五)",
            Basis::Rereview => "七(五)",
        }
    }
    /// The prefecture bureau made it (its director may revoke it); else the county's.
    pub fn by_prefecture(self) -> bool {
        matches!(self, Basis::PrefectureRuling | Basis::Rereview)
    }
    /// The basis of a determination: `direct` from the lifecycle's effect, then by who decided
    /// and from which state.
    pub fn of(direct: bool, prefecture_level: bool, from: CaseState) -> Basis {
        if direct {
            Basis::Direct
        } else if from == CaseState::Escalated {
            Basis::PrefectureRuling
        } else if prefecture_level {
            Basis::Rereview
        } else {
            Basis::PanelOpinion
        }
    }
}

/// 学前 (guide 四(三)): children of 3–6 may not receive subject training at all, so an item for
/// them found 学科类 is a prohibited activity — on every path that determines.
pub fn preschool_prohibited(stage: Stage, category: Category) -> bool {
    stage == Stage::Preschool && category == Category::Subject
}

/// Whether a determination stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// In force.
    Effective,
    /// In force while the prefecture re-reviews it (复审中).
    UnderRereview,
    /// Replaced by the prefecture's re-review determination.
    Superseded,
    /// Revoked by the director (false material found afterwards, 九(二)).
    Revoked,
    /// The case was terminated after it (隐瞒情况或提供虚假材料).
    Void,
}

impl Standing {
    pub fn code(self) -> &'static str {
        match self {
            Standing::Effective => "effective",
            Standing::UnderRereview => "under_rereview",
            Standing::Superseded => "superseded",
            Standing::Revoked => "revoked",
            Standing::Void => "void",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Standing::Effective => "determination.standing.effective",
            Standing::UnderRereview => "determination.standing.under_rereview",
            Standing::Superseded => "determination.standing.superseded",
            Standing::Revoked => "determination.standing.revoked",
            Standing::Void => "determination.standing.void",
        }
    }
    /// Listed in the results registry: what is in force (also while re-reviewed) and what was
    /// revoked (marked so); not what was replaced or voided.
    pub fn listed(self) -> bool {
        matches!(
            self,
            Standing::Effective | Standing::UnderRereview | Standing::Revoked
        )
    }
}

/// Whether the determination of a case in `state` stands, given whether it was revoked and
/// whether the prefecture's re-review case has determined.
pub fn standing(state: CaseState, revoked: bool, child_determined: bool) -> Standing {
    if revoked {
        Standing::Revoked
    } else if state == CaseState::Terminated {
        Standing::Void
    } else if child_determined {
        Standing::Superseded
    } else if matches!(state, CaseState::RereviewRequested | CaseState::Forwarded) {
        Standing::UnderRereview
    } else {
        Standing::Effective
    }
}

/// The director's revocation: the reasons (10–2000 characters) and the credit record it
/// follows from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationInput {
    pub reason: String,
    /// The institution's credit record (隐瞒有关情况 / 提供虚假材料) the revocation rests on.
    pub credit_record: Option<i64>,
}

/// Checks the form; the credit record's existence and kind are the store's to check.
pub fn validate_revocation(input: &RevocationInput) -> FieldErrors {
    let mut e = FieldErrors::new();
    super::formats::check_text(
        &mut e,
        "revocation.reason",
        &input.reason,
        REVOKE_REASON_MIN,
        REVOKE_REASON_MAX,
    );
    if input.credit_record.is_none() {
        e.add("revocation.credit_record", "err.revocation.credit_record");
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_basis_follows_the_path() {
        assert_eq!(Basis::of(true, false, CaseState::Submitted), Basis::Direct);
        assert_eq!(
            Basis::of(false, false, CaseState::OpinionSealed),
            Basis::PanelOpinion
        );
        assert_eq!(
            Basis::of(false, false, CaseState::Escalated),
            Basis::PrefectureRuling
        );
        assert_eq!(
            Basis::of(false, true, CaseState::OpinionSealed),
            Basis::Rereview
        );
        for b in Basis::ALL {
            assert_eq!(Basis::from_code(b.code()), Some(b));
            assert!(b.clause().starts_with('七'));
        }
    }

    #[test]
    fn what_stands() {
        use CaseState::*;
        assert_eq!(standing(Determined, false, false), Standing::Effective);
        assert_eq!(standing(Final, false, false), Standing::Effective);
        assert_eq!(
            standing(RereviewRequested, false, false),
            Standing::UnderRereview
        );
        assert_eq!(standing(Forwarded, false, false), Standing::UnderRereview);
        assert_eq!(standing(Final, false, true), Standing::Superseded);
        assert_eq!(standing(Terminated, false, false), Standing::Void);
        assert_eq!(standing(Final, true, false), Standing::Revoked);
        assert!(!Standing::Superseded.listed() && !Standing::Void.listed());
        assert!(Standing::Revoked.listed() && Standing::UnderRereview.listed());
    }

    #[test]
    fn preschool_subject_training_is_prohibited() {
        assert!(preschool_prohibited(Stage::Preschool, Category::Subject));
        assert!(!preschool_prohibited(
            Stage::Preschool,
            Category::NonSubject
        ));
        assert!(!preschool_prohibited(Stage::Primary, Category::Subject));
    }

    #[test]
    fn a_revocation_needs_reasons_and_its_credit_record() {
        let e = validate_revocation(&RevocationInput::default());
        let keys: Vec<&str> = e.0.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(validate_revocation(&RevocationInput {
            reason: "经核查，申报的课程方案系伪造。".into(),
            credit_record: Some(1),
        })
        .is_empty());
    }
}
