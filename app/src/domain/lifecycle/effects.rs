//! What an accepted move makes the store do in the same transaction as its audit event: start
//! or stop a clock, record a reason, open a re-review case, record the determination, …

use super::{Action, Initiator};
use crate::domain::case::{CaseFacts, CaseLevel, CaseState};
use crate::domain::deadline::Clock;
use crate::domain::ids::{CaseId, ExpertId, InstitutionId, UserId};
use crate::domain::terms::Category;
use serde::{Deserialize, Serialize};

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

/// The effects of an accepted action, for the store to carry out with the audit event.
pub(super) fn effects(facts: &CaseFacts, action: &Action, by: &Initiator) -> Vec<Effect> {
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
        preschool_prohibited: crate::domain::determination::preschool_prohibited(
            facts.stage,
            category,
        ),
    }
}
