//! THE access policy (访问控制): who may see which case and who may do what. Every server
//! function asks [`authorize`] (and the lifecycle asks [`case_view`]); nothing else decides.
//!
//! Cases outside an actor's scope answer [`Denied::NotFound`], exactly like a missing case, so an
//! id reveals nothing; an object in scope that the role may not touch answers
//! [`Denied::Forbidden`].
//!
//! Who sees a case:
//! - institution user: cases of its own institution (all levels, drafts included);
//! - county clerk / director, county observer: filed (non-draft) cases of their county, both the
//!   county case and the prefecture re-review case opened from it (it keeps the county);
//! - prefecture clerk / director, prefecture observer: every filed case;
//! - expert: cases where they hold an accepted seat ([`CaseView::Full`]) or an open invitation
//!   ([`CaseView::Invitation`]: item, stage, domain and dates only, to decide on conflicts);
//! - administrator: none. Administrators manage accounts and settings; they cannot score, seal
//!   or alter case records.
//!
//! A draft (草稿) is the institution's own work until it is submitted: bureaus do not see it.

use super::ids::{CountyId, ExpertId, InstitutionId};
use super::lifecycle::{CaseFacts, CaseLevel, CaseState, SeatStatus};
use super::role::{Actor, Role, Scope};
use serde::{Deserialize, Serialize};

/// How much of a case an actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseView {
    /// Not at all: answered as not found.
    None,
    /// An invited expert before accepting: enough to decide on conflicts of interest.
    Invitation,
    /// The case file (what the role may do with it is decided separately).
    Full,
}

/// Refusal of an access check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denied {
    /// Outside the actor's scope, or missing: the two are indistinguishable (HTTP 404).
    NotFound,
    /// In scope, but not for this role or not now (HTTP 403).
    Forbidden,
}

impl Denied {
    pub fn key(self) -> &'static str {
        match self {
            Denied::NotFound => "err.not_found",
            Denied::Forbidden => "err.forbidden",
        }
    }
}

fn in_county(actor: &Actor, county: CountyId) -> bool {
    matches!(actor.scope, Scope::County(c) if c == county)
}

/// How much of this case the actor sees.
pub fn case_view(actor: &Actor, facts: &CaseFacts) -> CaseView {
    if !actor.scope.fits(actor.role) {
        return CaseView::None;
    }
    let filed = facts.state != CaseState::Draft;
    let full = |b: bool| if b { CaseView::Full } else { CaseView::None };
    match actor.role {
        Role::InstitutionUser => full(actor.institution() == Some(facts.institution)),
        Role::CountyClerk | Role::CountyDirector => full(filed && in_county(actor, facts.county)),
        Role::PrefectureClerk | Role::PrefectureDirector => full(filed),
        Role::Observer => match actor.scope {
            Scope::Prefecture => full(filed),
            Scope::County(c) => full(filed && c == facts.county),
            _ => CaseView::None,
        },
        Role::Expert => {
            let Some(me) = actor.expert() else {
                return CaseView::None;
            };
            // An accepted seat gives the full view, an open invitation the limited one; a seat
            // declined, vacated for a conflict or replaced gives nothing.
            if facts
                .seats
                .iter()
                .any(|s| s.expert == me && s.status == SeatStatus::Accepted)
            {
                CaseView::Full
            } else if facts
                .seats
                .iter()
                .any(|s| s.expert == me && s.status == SeatStatus::Invited)
            {
                CaseView::Invitation
            } else {
                CaseView::None
            }
        }
        Role::Admin => CaseView::None,
    }
}

/// Can the actor see the case at all (full or invitation view)?
pub fn can_see_case(actor: &Actor, facts: &CaseFacts) -> bool {
    case_view(actor, facts) != CaseView::None
}

/// Something an actor may want to do. Case permissions are checked against [`CaseFacts`];
/// the state transitions themselves are decided by [`super::lifecycle::apply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Permission {
    // ---- on a case ----
    /// See that the case exists, its number, state and deadlines.
    ViewCase,
    /// Read the case file: item, materials, activities, history.
    ViewCaseFile,
    /// Edit the application (item and checklist) — DRAFT or RETURNED.
    EditApplication,
    /// Upload material — DRAFT, RETURNED, AWAITING_INFO.
    UploadMaterial,
    /// Upload new evidence for a re-review application (复审新证据) — a determined county case
    /// of one's own institution (the window is checked with the clock by the caller).
    UploadRereviewEvidence,
    /// Attach one of one's own saved self-checks (机构自查) to the application — while the
    /// institution can still change it (`selfcheck::attachable`: DRAFT or RETURNED).
    AttachSelfCheck,
    /// Read the self-check attached to the application (beside the materials, never a score):
    /// the institution, bureau staff in scope and the panel.
    ViewAttachedSelfCheck,
    /// Download a material file.
    DownloadMaterial,
    /// Who sits on the panel (names are hidden from the institution until the determination).
    ViewPanelNames,
    /// The draw record (excluded candidates, seed, order).
    ViewDrawRecord,
    /// Witness a draw (监督): observers of the case's scope.
    WitnessDraw,
    /// Edit and submit one's own score sheet — UNDER_REVIEW or AWAITING_INFO.
    EditOwnSheet,
    /// Read every member's score sheet.
    ViewAllSheets,
    /// Record an activity (书面审查, 实地查看, 课堂观摩, 个别访谈).
    RecordActivity,
    /// Read the opinion (鉴定意见书).
    ViewOpinion,
    /// Read the case's audit trail.
    ViewCaseHistory,
    /// See the identification meeting and the briefing (鉴定会, 政策培训): bureau, observers and
    /// the panel; never the institution.
    ViewMeeting,
    /// Schedule (or move) the identification meeting and record its attendance and minutes:
    /// the clerk of the case's level, while the panel reviews.
    ManageMeeting,
    /// Confirm having read the policy briefing: a seated member, from the draw until the sheets
    /// are in.
    ConfirmBriefing,
    // ---- not on a case ----
    /// Accounts (账号管理): administrator only.
    ManageAccounts,
    /// Settings: rubric versions, time limits, holidays: administrator only.
    ManageSettings,
    /// Read the expert pool: bureau roles.
    ViewExpertPool,
    /// Add, edit, suspend experts: prefecture roles.
    EditExpertPool,
    /// Propose an expert for the pool: county roles.
    ProposeExpert,
    /// Edit one's own institution record.
    EditOwnInstitution(InstitutionId),
    /// Start an application for an institution.
    CreateApplication(InstitutionId),
    /// Save a self-check (机构自查) for one's own institution.
    SaveSelfCheck(InstitutionId),
    /// Read a saved self-check of this institution: its own users only (to anyone else it
    /// does not exist; bureaus and the panel see it only once attached to an application).
    ViewSelfCheck(InstitutionId),
    /// Edit one's own expert profile (declarations, affiliations).
    EditOwnExpertProfile(ExpertId),
    /// Read an institution's record (institution itself, bureaus of its county, prefecture).
    ViewInstitution {
        institution: InstitutionId,
        county: CountyId,
    },
    /// Dashboards: county (own county) and prefecture roles.
    ViewDashboard,
    /// File a credit record (信用记录): directors.
    FileCreditRecord,
    /// Read credit records: bureau roles.
    ViewCreditRecords,
    /// Rate the panel after a case (专家考评): the clerk of the case's level (the case must be
    /// determined: the caller says so with its own message).
    RateExpert,
    /// Read the whole audit log: prefecture roles and prefecture observers.
    ViewAuditLog,
    /// Verify the audit chain's integrity (no content): administrator and prefecture roles.
    VerifyAuditChain,
}

impl Permission {
    /// Does this permission concern a case?
    pub fn on_case(self) -> bool {
        matches!(
            self,
            Permission::ViewCase
                | Permission::ViewCaseFile
                | Permission::EditApplication
                | Permission::UploadMaterial
                | Permission::UploadRereviewEvidence
                | Permission::AttachSelfCheck
                | Permission::ViewAttachedSelfCheck
                | Permission::DownloadMaterial
                | Permission::ViewPanelNames
                | Permission::ViewDrawRecord
                | Permission::WitnessDraw
                | Permission::EditOwnSheet
                | Permission::ViewAllSheets
                | Permission::RecordActivity
                | Permission::ViewOpinion
                | Permission::ViewCaseHistory
                | Permission::ViewMeeting
                | Permission::ManageMeeting
                | Permission::ConfirmBriefing
                | Permission::RateExpert
        )
    }
}

fn allow(b: bool) -> Result<(), Denied> {
    if b {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

fn is_level_clerk(actor: &Actor, level: CaseLevel) -> bool {
    match level {
        CaseLevel::County => actor.role == Role::CountyClerk,
        CaseLevel::Prefecture => actor.role == Role::PrefectureClerk,
    }
}

fn is_bureau_or_observer(role: Role) -> bool {
    role.is_bureau() || role == Role::Observer
}

/// May `actor` do `perm` (on `case`, for case permissions)?
///
/// A case permission without a case, or on a case the actor cannot see, is `NotFound`.
pub fn authorize(actor: &Actor, perm: &Permission, case: Option<&CaseFacts>) -> Result<(), Denied> {
    if !actor.scope.fits(actor.role) {
        return Err(Denied::NotFound);
    }
    if perm.on_case() {
        let Some(f) = case else {
            return Err(Denied::NotFound);
        };
        return authorize_case(actor, *perm, f);
    }
    let role = actor.role;
    match *perm {
        Permission::ManageAccounts | Permission::ManageSettings => allow(role == Role::Admin),
        Permission::ViewExpertPool | Permission::ViewCreditRecords => allow(role.is_bureau()),
        Permission::EditExpertPool => allow(matches!(
            role,
            Role::PrefectureClerk | Role::PrefectureDirector
        )),
        Permission::ProposeExpert => {
            allow(matches!(role, Role::CountyClerk | Role::CountyDirector))
        }
        Permission::EditOwnInstitution(id)
        | Permission::CreateApplication(id)
        | Permission::SaveSelfCheck(id) => {
            if role != Role::InstitutionUser {
                Err(Denied::Forbidden)
            } else if actor.institution() == Some(id) {
                Ok(())
            } else {
                Err(Denied::NotFound)
            }
        }
        // A saved self-check is the institution's own until attached: to anyone else it does
        // not exist.
        Permission::ViewSelfCheck(id) => {
            if role == Role::InstitutionUser && actor.institution() == Some(id) {
                Ok(())
            } else {
                Err(Denied::NotFound)
            }
        }
        Permission::EditOwnExpertProfile(id) => {
            if role != Role::Expert {
                Err(Denied::Forbidden)
            } else if actor.expert() == Some(id) {
                Ok(())
            } else {
                Err(Denied::NotFound)
            }
        }
        Permission::ViewInstitution {
            institution,
            county,
        } => {
            let sees = match role {
                Role::InstitutionUser => actor.institution() == Some(institution),
                Role::CountyClerk | Role::CountyDirector => in_county(actor, county),
                Role::PrefectureClerk | Role::PrefectureDirector => true,
                Role::Observer => match actor.scope {
                    Scope::Prefecture => true,
                    Scope::County(c) => c == county,
                    _ => false,
                },
                Role::Expert | Role::Admin => false,
            };
            if sees {
                Ok(())
            } else if matches!(role, Role::Expert | Role::Admin) {
                Err(Denied::Forbidden)
            } else {
                Err(Denied::NotFound)
            }
        }
        Permission::ViewDashboard => allow(role.is_bureau()),
        Permission::FileCreditRecord => allow(matches!(
            role,
            Role::CountyDirector | Role::PrefectureDirector
        )),
        Permission::ViewAuditLog => allow(
            matches!(role, Role::PrefectureClerk | Role::PrefectureDirector)
                || (role == Role::Observer && actor.scope == Scope::Prefecture),
        ),
        Permission::VerifyAuditChain => allow(matches!(
            role,
            Role::Admin | Role::PrefectureClerk | Role::PrefectureDirector
        )),
        // Case permissions were handled above.
        _ => Err(Denied::NotFound),
    }
}

fn authorize_case(actor: &Actor, perm: Permission, f: &CaseFacts) -> Result<(), Denied> {
    let view = case_view(actor, f);
    if view == CaseView::None {
        return Err(Denied::NotFound);
    }
    if perm == Permission::ViewCase {
        return Ok(());
    }
    // Everything else needs the full view: an invited expert sees only the invitation.
    if view != CaseView::Full {
        return Err(Denied::Forbidden);
    }
    let role = actor.role;
    let own_institution = role == Role::InstitutionUser;
    let seated = role == Role::Expert
        && actor
            .expert()
            .and_then(|e| f.active_seat(e))
            .is_some_and(|s| s.status == SeatStatus::Accepted);
    let was_on_panel = role == Role::Expert; // full view ⇒ accepted a seat at some point
    let st = f.state;
    match perm {
        Permission::ViewCaseFile | Permission::DownloadMaterial => Ok(()),
        Permission::EditApplication => {
            allow(own_institution && matches!(st, CaseState::Draft | CaseState::Returned))
        }
        Permission::UploadMaterial => allow(
            own_institution
                && matches!(
                    st,
                    CaseState::Draft | CaseState::Returned | CaseState::AwaitingInfo
                ),
        ),
        Permission::UploadRereviewEvidence => {
            allow(own_institution && st == CaseState::Determined && f.level == CaseLevel::County)
        }
        Permission::AttachSelfCheck => allow(own_institution && super::selfcheck::attachable(st)),
        Permission::ViewAttachedSelfCheck => {
            allow(own_institution || role.is_bureau() || was_on_panel)
        }
        Permission::ViewPanelNames => allow(!own_institution || st.is_determined()),
        // The draw record names every excluded expert and why: bureau and observers only.
        Permission::ViewDrawRecord => allow(is_bureau_or_observer(role)),
        Permission::WitnessDraw => allow(
            role == Role::Observer && matches!(st, CaseState::Accepted | CaseState::PanelDrawn),
        ),
        Permission::EditOwnSheet => {
            allow(seated && matches!(st, CaseState::UnderReview | CaseState::AwaitingInfo))
        }
        Permission::ViewAllSheets => {
            allow(is_bureau_or_observer(role) || (was_on_panel && st.has_opinion()))
        }
        Permission::RecordActivity => allow(
            (seated || is_level_clerk(actor, f.level))
                && matches!(st, CaseState::UnderReview | CaseState::AwaitingInfo),
        ),
        Permission::ViewOpinion => allow(if own_institution {
            st.is_determined()
        } else {
            is_bureau_or_observer(role) || (was_on_panel && st.has_opinion())
        }),
        Permission::ViewCaseHistory => allow(own_institution || is_bureau_or_observer(role)),
        Permission::ViewMeeting => allow(is_bureau_or_observer(role) || was_on_panel),
        Permission::RateExpert => allow(is_level_clerk(actor, f.level)),
        Permission::ManageMeeting => allow(
            is_level_clerk(actor, f.level)
                && matches!(st, CaseState::UnderReview | CaseState::AwaitingInfo),
        ),
        Permission::ConfirmBriefing => allow(
            seated
                && matches!(
                    st,
                    CaseState::PanelDrawn | CaseState::UnderReview | CaseState::AwaitingInfo
                ),
        ),
        _ => Err(Denied::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::super::ids::{CaseId, UserId};
    use super::super::lifecycle::SeatFacts;
    use super::super::terms::Stage;
    use super::*;

    const C1: CountyId = CountyId(652301);
    const C2: CountyId = CountyId(652302);

    fn a(role: Role, scope: Scope) -> Actor {
        Actor::new(UserId(7), role, scope).expect("fits")
    }

    fn case(state: CaseState, level: CaseLevel) -> CaseFacts {
        CaseFacts {
            id: CaseId(1),
            level,
            county: C1,
            institution: InstitutionId(10),
            state,
            parent: (level == CaseLevel::Prefecture).then_some(CaseId(0)),
            child: None,
            child_determined: false,
            stage: Stage::Primary,
            materials_present: vec![],
            undertaking_given: true,
            draw_committed: true,
            seats: vec![
                SeatFacts {
                    expert: ExpertId(1),
                    status: SeatStatus::Accepted,
                    lead: true,
                    declaration_signed: true,
                    sheet_submitted: false,
                    opinion_signed: false,
                },
                SeatFacts {
                    expert: ExpertId(2),
                    status: SeatStatus::Invited,
                    lead: false,
                    declaration_signed: false,
                    sheet_submitted: false,
                    opinion_signed: false,
                },
                SeatFacts {
                    expert: ExpertId(3),
                    status: SeatStatus::Declined,
                    lead: false,
                    declaration_signed: false,
                    sheet_submitted: false,
                    opinion_signed: false,
                },
            ],
            review_started: false,
            determined_on: None,
            rereview_window_end: None,
        }
    }

    #[test]
    fn who_sees_a_case() {
        let f = case(CaseState::UnderReview, CaseLevel::County);
        let sees = |actor: Actor| case_view(&actor, &f);
        assert_eq!(
            sees(a(
                Role::InstitutionUser,
                Scope::Institution(InstitutionId(10))
            )),
            CaseView::Full
        );
        assert_eq!(
            sees(a(
                Role::InstitutionUser,
                Scope::Institution(InstitutionId(11))
            )),
            CaseView::None
        );
        assert_eq!(
            sees(a(Role::CountyClerk, Scope::County(C1))),
            CaseView::Full
        );
        assert_eq!(
            sees(a(Role::CountyDirector, Scope::County(C2))),
            CaseView::None
        );
        assert_eq!(sees(a(Role::Observer, Scope::County(C1))), CaseView::Full);
        assert_eq!(sees(a(Role::Observer, Scope::County(C2))), CaseView::None);
        assert_eq!(sees(a(Role::Observer, Scope::Prefecture)), CaseView::Full);
        assert_eq!(
            sees(a(Role::PrefectureClerk, Scope::Prefecture)),
            CaseView::Full
        );
        assert_eq!(
            sees(a(Role::PrefectureDirector, Scope::Prefecture)),
            CaseView::Full
        );
        assert_eq!(
            sees(a(Role::Expert, Scope::Expert(ExpertId(1)))),
            CaseView::Full
        );
        assert_eq!(
            sees(a(Role::Expert, Scope::Expert(ExpertId(2)))),
            CaseView::Invitation
        );
        assert_eq!(
            sees(a(Role::Expert, Scope::Expert(ExpertId(3)))),
            CaseView::None
        );
        assert_eq!(
            sees(a(Role::Expert, Scope::Expert(ExpertId(4)))),
            CaseView::None
        );
        assert_eq!(sees(a(Role::Admin, Scope::System)), CaseView::None);
        // A prefecture re-review case of the county stays visible to the county.
        let p = case(CaseState::UnderReview, CaseLevel::Prefecture);
        assert!(can_see_case(&a(Role::CountyClerk, Scope::County(C1)), &p));
        assert!(!can_see_case(&a(Role::CountyClerk, Scope::County(C2)), &p));
        // Drafts are the institution's own.
        let d = case(CaseState::Draft, CaseLevel::County);
        assert!(can_see_case(
            &a(Role::InstitutionUser, Scope::Institution(InstitutionId(10))),
            &d
        ));
        for r in [Role::CountyClerk, Role::CountyDirector] {
            assert!(!can_see_case(&a(r, Scope::County(C1)), &d));
        }
        assert!(!can_see_case(
            &a(Role::PrefectureDirector, Scope::Prefecture),
            &d
        ));
        // A forged actor whose scope does not fit its role sees nothing.
        let forged = Actor {
            user_id: UserId(1),
            role: Role::CountyClerk,
            scope: Scope::Prefecture,
        };
        assert!(!can_see_case(&forged, &f));
        assert_eq!(
            authorize(&forged, &Permission::ViewDashboard, None),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn case_permissions() {
        let inst = a(Role::InstitutionUser, Scope::Institution(InstitutionId(10)));
        let clerk = a(Role::CountyClerk, Scope::County(C1));
        let obs = a(Role::Observer, Scope::County(C1));
        let seated = a(Role::Expert, Scope::Expert(ExpertId(1)));
        let invited = a(Role::Expert, Scope::Expert(ExpertId(2)));
        let admin = a(Role::Admin, Scope::System);
        let under = case(CaseState::UnderReview, CaseLevel::County);

        assert_eq!(
            authorize(&inst, &Permission::ViewCase, None),
            Err(Denied::NotFound)
        );
        assert_eq!(
            authorize(&admin, &Permission::ViewCase, Some(&under)),
            Err(Denied::NotFound)
        );
        assert_eq!(
            authorize(&invited, &Permission::ViewCase, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&invited, &Permission::ViewCaseFile, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ViewCaseFile, Some(&under)),
            Ok(())
        );
        // Names hidden from the institution until the determination.
        assert_eq!(
            authorize(&inst, &Permission::ViewPanelNames, Some(&under)),
            Err(Denied::Forbidden)
        );
        let det = case(CaseState::Determined, CaseLevel::County);
        assert_eq!(
            authorize(&inst, &Permission::ViewPanelNames, Some(&det)),
            Ok(())
        );
        assert_eq!(
            authorize(&inst, &Permission::ViewOpinion, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&inst, &Permission::ViewOpinion, Some(&det)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::ViewPanelNames, Some(&under)),
            Ok(())
        );
        // Editing and uploads by state.
        assert_eq!(
            authorize(&inst, &Permission::EditApplication, Some(&under)),
            Err(Denied::Forbidden)
        );
        let draft = case(CaseState::Draft, CaseLevel::County);
        assert_eq!(
            authorize(&inst, &Permission::EditApplication, Some(&draft)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::EditApplication, Some(&draft)),
            Err(Denied::NotFound)
        );
        let waiting = case(CaseState::AwaitingInfo, CaseLevel::County);
        assert_eq!(
            authorize(&inst, &Permission::UploadMaterial, Some(&waiting)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::UploadMaterial, Some(&waiting)),
            Err(Denied::Forbidden)
        );
        // New evidence for a re-review: the institution, on its determined county case only.
        let determined = case(CaseState::Determined, CaseLevel::County);
        assert_eq!(
            authorize(
                &inst,
                &Permission::UploadRereviewEvidence,
                Some(&determined)
            ),
            Ok(())
        );
        assert_eq!(
            authorize(&inst, &Permission::UploadRereviewEvidence, Some(&waiting)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(
                &clerk,
                &Permission::UploadRereviewEvidence,
                Some(&determined)
            ),
            Err(Denied::Forbidden)
        );
        let child = case(CaseState::Determined, CaseLevel::Prefecture);
        assert_eq!(
            authorize(&inst, &Permission::UploadRereviewEvidence, Some(&child)),
            Err(Denied::Forbidden)
        );
        // Sheets.
        assert_eq!(
            authorize(&seated, &Permission::EditOwnSheet, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::EditOwnSheet, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::EditOwnSheet, Some(&det)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ViewAllSheets, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ViewAllSheets, Some(&det)),
            Ok(())
        );
        assert_eq!(
            authorize(&obs, &Permission::ViewAllSheets, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&inst, &Permission::ViewAllSheets, Some(&det)),
            Err(Denied::Forbidden)
        );
        // Activities: panel or the clerk of the level.
        assert_eq!(
            authorize(&clerk, &Permission::RecordActivity, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&seated, &Permission::RecordActivity, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&obs, &Permission::RecordActivity, Some(&under)),
            Err(Denied::Forbidden)
        );
        let pref = case(CaseState::UnderReview, CaseLevel::Prefecture);
        assert_eq!(
            authorize(&clerk, &Permission::RecordActivity, Some(&pref)),
            Err(Denied::Forbidden)
        );
        // Witnessing.
        let acc = case(CaseState::Accepted, CaseLevel::County);
        assert_eq!(
            authorize(&obs, &Permission::WitnessDraw, Some(&acc)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::WitnessDraw, Some(&acc)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&obs, &Permission::ViewCaseHistory, Some(&acc)),
            Ok(())
        );
        assert_eq!(
            authorize(&seated, &Permission::ViewCaseHistory, Some(&acc)),
            Err(Denied::Forbidden)
        );
        // The meeting: the clerk of the level manages it while the panel reviews; the seated
        // members confirm the briefing; the institution never sees it.
        assert_eq!(
            authorize(&clerk, &Permission::ManageMeeting, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::ManageMeeting, Some(&pref)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ManageMeeting, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ConfirmBriefing, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&clerk, &Permission::ConfirmBriefing, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ViewMeeting, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&inst, &Permission::ViewMeeting, Some(&under)),
            Err(Denied::Forbidden)
        );
        let drafted = case(CaseState::OpinionDrafted, CaseLevel::County);
        assert_eq!(
            authorize(&clerk, &Permission::ManageMeeting, Some(&drafted)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(&seated, &Permission::ConfirmBriefing, Some(&drafted)),
            Err(Denied::Forbidden)
        );
    }

    /// 机构自查: saved by the institution, attached while it can change its application, read
    /// by the institution, the bureaus in scope and the panel.
    #[test]
    fn self_check_permissions() {
        let inst = a(Role::InstitutionUser, Scope::Institution(InstitutionId(10)));
        let other = a(Role::InstitutionUser, Scope::Institution(InstitutionId(11)));
        let clerk = a(Role::CountyClerk, Scope::County(C1));
        let far_clerk = a(Role::CountyClerk, Scope::County(C2));
        let pref = a(Role::PrefectureDirector, Scope::Prefecture);
        let obs = a(Role::Observer, Scope::County(C1));
        let seated = a(Role::Expert, Scope::Expert(ExpertId(1)));
        let invited = a(Role::Expert, Scope::Expert(ExpertId(2)));
        let admin = a(Role::Admin, Scope::System);
        // Saving and reading saved ones: the institution itself.
        let save = Permission::SaveSelfCheck(InstitutionId(10));
        let view = Permission::ViewSelfCheck(InstitutionId(10));
        assert_eq!(authorize(&inst, &save, None), Ok(()));
        assert_eq!(authorize(&inst, &view, None), Ok(()));
        assert_eq!(authorize(&other, &save, None), Err(Denied::NotFound));
        assert_eq!(authorize(&other, &view, None), Err(Denied::NotFound));
        for x in [&clerk, &pref, &obs, &seated, &admin] {
            assert_eq!(authorize(x, &save, None), Err(Denied::Forbidden), "{x:?}");
            assert_eq!(authorize(x, &view, None), Err(Denied::NotFound), "{x:?}");
        }
        // Attaching: own DRAFT or RETURNED application only.
        for st in CaseState::ALL {
            let f = case(st, CaseLevel::County);
            let want = if matches!(st, CaseState::Draft | CaseState::Returned) {
                Ok(())
            } else {
                Err(Denied::Forbidden)
            };
            assert_eq!(
                authorize(&inst, &Permission::AttachSelfCheck, Some(&f)),
                want,
                "{st:?}"
            );
            assert_eq!(
                authorize(&other, &Permission::AttachSelfCheck, Some(&f)),
                Err(Denied::NotFound)
            );
        }
        let draft = case(CaseState::Draft, CaseLevel::County);
        assert_eq!(
            authorize(&clerk, &Permission::AttachSelfCheck, Some(&draft)),
            Err(Denied::NotFound)
        );
        let under = case(CaseState::UnderReview, CaseLevel::County);
        for x in [&clerk, &pref, &seated] {
            assert_eq!(
                authorize(x, &Permission::AttachSelfCheck, Some(&under)),
                Err(Denied::Forbidden)
            );
        }
        // Reading the attached one.
        let read = |x: &Actor| authorize(x, &Permission::ViewAttachedSelfCheck, Some(&under));
        assert_eq!(read(&inst), Ok(()));
        assert_eq!(read(&clerk), Ok(()));
        assert_eq!(read(&pref), Ok(()));
        assert_eq!(read(&seated), Ok(()));
        assert_eq!(read(&obs), Err(Denied::Forbidden));
        assert_eq!(read(&invited), Err(Denied::Forbidden));
        assert_eq!(read(&other), Err(Denied::NotFound));
        assert_eq!(read(&far_clerk), Err(Denied::NotFound));
        assert_eq!(read(&admin), Err(Denied::NotFound));
    }

    #[test]
    fn non_case_permissions() {
        let all: Vec<Actor> = vec![
            a(Role::InstitutionUser, Scope::Institution(InstitutionId(10))),
            a(Role::Expert, Scope::Expert(ExpertId(1))),
            a(Role::CountyClerk, Scope::County(C1)),
            a(Role::CountyDirector, Scope::County(C1)),
            a(Role::PrefectureClerk, Scope::Prefecture),
            a(Role::PrefectureDirector, Scope::Prefecture),
            a(Role::Observer, Scope::Prefecture),
            a(Role::Admin, Scope::System),
        ];
        let who = |p: Permission| -> Vec<Role> {
            all.iter()
                .filter(|x| authorize(x, &p, None).is_ok())
                .map(|x| x.role)
                .collect()
        };
        assert_eq!(who(Permission::ManageAccounts), [Role::Admin]);
        assert_eq!(who(Permission::ManageSettings), [Role::Admin]);
        assert_eq!(
            who(Permission::ViewExpertPool),
            [
                Role::CountyClerk,
                Role::CountyDirector,
                Role::PrefectureClerk,
                Role::PrefectureDirector
            ]
        );
        assert_eq!(
            who(Permission::EditExpertPool),
            [Role::PrefectureClerk, Role::PrefectureDirector]
        );
        assert_eq!(
            who(Permission::ProposeExpert),
            [Role::CountyClerk, Role::CountyDirector]
        );
        assert_eq!(
            who(Permission::EditOwnInstitution(InstitutionId(10))),
            [Role::InstitutionUser]
        );
        assert_eq!(
            who(Permission::CreateApplication(InstitutionId(10))),
            [Role::InstitutionUser]
        );
        assert_eq!(
            who(Permission::EditOwnExpertProfile(ExpertId(1))),
            [Role::Expert]
        );
        assert_eq!(
            who(Permission::ViewDashboard),
            [
                Role::CountyClerk,
                Role::CountyDirector,
                Role::PrefectureClerk,
                Role::PrefectureDirector
            ]
        );
        assert_eq!(
            who(Permission::FileCreditRecord),
            [Role::CountyDirector, Role::PrefectureDirector]
        );
        assert_eq!(
            who(Permission::ViewAuditLog),
            [
                Role::PrefectureClerk,
                Role::PrefectureDirector,
                Role::Observer
            ]
        );
        assert_eq!(
            who(Permission::VerifyAuditChain),
            [Role::PrefectureClerk, Role::PrefectureDirector, Role::Admin]
        );
        // Foreign objects answer not found.
        let inst = &all[0];
        assert_eq!(
            authorize(
                inst,
                &Permission::EditOwnInstitution(InstitutionId(11)),
                None
            ),
            Err(Denied::NotFound)
        );
        assert_eq!(
            authorize(
                &all[1],
                &Permission::EditOwnExpertProfile(ExpertId(2)),
                None
            ),
            Err(Denied::NotFound)
        );
        let other = Permission::ViewInstitution {
            institution: InstitutionId(11),
            county: C2,
        };
        assert_eq!(authorize(inst, &other, None), Err(Denied::NotFound));
        assert_eq!(authorize(&all[2], &other, None), Err(Denied::NotFound));
        assert_eq!(authorize(&all[4], &other, None), Ok(()));
        assert_eq!(authorize(&all[7], &other, None), Err(Denied::Forbidden));
        // Admin can do nothing to a case.
        let f = case(CaseState::OpinionDrafted, CaseLevel::County);
        for p in [
            Permission::ViewCase,
            Permission::EditOwnSheet,
            Permission::ViewOpinion,
            Permission::ViewAllSheets,
        ] {
            assert_eq!(authorize(&all[7], &p, Some(&f)), Err(Denied::NotFound));
        }
    }
}
