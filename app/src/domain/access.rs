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

use super::case::{CaseFacts, CaseLevel, CaseState, SeatStatus};
use super::ids::{CountyId, ExpertId, InstitutionId, UserId};
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
    /// Who sits on the panel: names, ids, employers, the reasons they gave (hidden from the
    /// institution until the determination, then only what the opinion shows; see
    /// [`timeline_entry`] and [`activity_detail`] for the read models that carry them).
    ViewPanelNames,
    /// The applying institution's contact phone in full: the bureau and the institution
    /// itself; to the experts and observers it is masked.
    ViewInstitutionPhone,
    /// One member's score sheet: the owner always, the other members once every seat has
    /// submitted (before that it does not exist for them), bureau roles and observers.
    ViewMemberSheet(ExpertId),
    /// Edit an activity record: the member or clerk who recorded it, while activities may be
    /// recorded; the level's clerk may correct any.
    EditActivity(UserId),
    /// The panel's ratings on this case (专家考评): bureau roles in scope.
    ViewCaseRatings,
    /// Revoke the case's determination (九(二): it rested on false material): the director of
    /// the bureau that made it — the prefecture's for its ruling or re-review, else the
    /// county's of the case.
    RevokeDetermination { by_prefecture: bool },
    /// An activity record in full — participants, notes, photos and files, which identify the
    /// panel: everyone who reads the case file but the institution (see [`activity_detail`]).
    ViewActivityRecord,
    /// The draw record (excluded candidates, seed, order).
    ViewDrawRecord,
    /// Witness a draw (监督): observers of the case's scope.
    WitnessDraw,
    /// Run the draw (initial, redraw, supplementary), ask the prefecture to lend experts, name
    /// the panel lead: the clerk of the case's level (the lifecycle decides when).
    ManageDraw,
    /// Open one's own score sheet (to read it at any stage): an expert holding an accepted seat
    /// on the case; for anyone else the sheet does not exist.
    OpenOwnSheet,
    /// Edit and submit one's own score sheet — UNDER_REVIEW or AWAITING_INFO.
    EditOwnSheet,
    /// Read every member's score sheet.
    ViewAllSheets,
    /// Record an activity (书面审查, 实地查看, 课堂观摩, 个别访谈).
    RecordActivity,
    /// Read the opinion (鉴定意见书).
    ViewOpinion,
    /// Draft the opinion and read one's own draft: the panel's lead, while the panel reviews
    /// (UNDER_REVIEW) or the draft awaits signatures (OPINION_DRAFTED).
    DraftOpinion,
    /// Read the case's audit trail.
    ViewCaseHistory,
    /// See the identification meeting and the briefing (鉴定会, 政策培训): bureau, observers and
    /// the panel; never the institution.
    ViewMeeting,
    /// Schedule (or move) the identification meeting and record its attendance and minutes:
    /// the clerk of the case's level, while the panel reviews.
    ManageMeeting,
    /// Waive the identification meeting with reasons (guide 七(三) otherwise requires it before
    /// the opinion): the director of the case's level, while the panel reviews.
    WaiveMeeting,
    /// Confirm having read the policy briefing: a seated member, from the draw until the sheets
    /// are in.
    ConfirmBriefing,
    // ---- not on a case ----
    /// Accounts (账号管理): administrator only.
    ManageAccounts,
    /// Settings: rubric versions, time limits, holidays: administrator only.
    ManageSettings,
    /// Read the settings in force (the holiday calendar and its history): bureau staff,
    /// observers and the administrator.
    ViewSettings,
    /// Read the expert pool: bureau roles.
    ViewExpertPool,
    /// Add, edit, suspend experts: prefecture roles. An expert's credit record changes the
    /// expert's pool status only when filed by someone who holds this.
    EditExpertPool,
    /// Check an expert's title against its uploaded certificate (职称核验, guide 五(三)):
    /// prefecture roles, who keep the pool.
    VerifyExpertTitle,
    /// Upload an expert's title certificate: the expert themself or the pool manager (who
    /// checks it). To another expert the record is not found.
    UploadTitleCertificate(ExpertId),
    /// Read an expert's title certificate: the expert and the pool's readers (bureau roles).
    /// To anyone else it is not found.
    ViewTitleCertificate(ExpertId),
    /// Set the draw rules of a level (whether only verified titles are drawn): a county's
    /// director for that county's draws (`Some`), the prefecture's director for its own
    /// (`None`).
    SetDrawSettings(Option<CountyId>),
    /// Read the details of an expert's rating or credit record (case number, comment, reason)
    /// made for this county (`None`: by the prefecture): prefecture roles all; county roles
    /// their own county's and the prefecture's. Other counties' records are counted only.
    ViewRecordDetails(Option<CountyId>),
    /// Act on the seats of a case of this county and level through an expert's credit record
    /// (vacate them, bar the expert from its draws): the prefecture's directors anywhere, a
    /// county director on county-level cases of their county.
    CreditSeatsOf { county: CountyId, level: CaseLevel },
    /// The changes to experts' and directors' accounts (who can act as whom): the prefecture
    /// director and prefecture observers.
    ViewPostChanges,
    /// The results registry with credit codes (bureau roles); the public registry needs none.
    ViewRegistry,
    /// The filed cases of a county (intake queue, cases by state): bureau roles and observers,
    /// a county's of their county, the prefecture's of every county (see [`case_list_scope`]).
    ViewCaseLists,
    /// 待办与期限: one's own work with its time limits — clerks and directors.
    ViewWorkList,
    /// One's own invitations and seats: experts.
    ViewOwnInvitations,
    /// One's own inbox (站内通知): every signed-in account.
    ReadOwnNotices,
    /// One's own addresses and notice preferences (通知设置): every signed-in account.
    ManageOwnContact,
    /// One notice: only its recipient; to anyone else it does not exist.
    ReadNotice { recipient: UserId },
    /// The record of who was told what about a case (and whether they read it): the bureau
    /// roles and observers who see the case; it names the panel, so never the institution.
    ViewCaseNotices,
    /// Send a notice's undelivered e-mail again: the bureau roles of the case.
    ResendNotice,
    /// The draws one witnessed: observers.
    ViewWitnessedDraws,
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
                | Permission::ViewCaseNotices
                | Permission::ResendNotice
                | Permission::EditApplication
                | Permission::UploadMaterial
                | Permission::UploadRereviewEvidence
                | Permission::AttachSelfCheck
                | Permission::ViewAttachedSelfCheck
                | Permission::DownloadMaterial
                | Permission::ViewPanelNames
                | Permission::ViewInstitutionPhone
                | Permission::ViewMemberSheet(_)
                | Permission::EditActivity(_)
                | Permission::ViewCaseRatings
                | Permission::ViewActivityRecord
                | Permission::RevokeDetermination { .. }
                | Permission::ViewDrawRecord
                | Permission::WitnessDraw
                | Permission::ManageDraw
                | Permission::OpenOwnSheet
                | Permission::EditOwnSheet
                | Permission::ViewAllSheets
                | Permission::RecordActivity
                | Permission::ViewOpinion
                | Permission::DraftOpinion
                | Permission::ViewCaseHistory
                | Permission::ViewMeeting
                | Permission::ManageMeeting
                | Permission::WaiveMeeting
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

fn is_level_director(actor: &Actor, level: CaseLevel) -> bool {
    match level {
        CaseLevel::County => actor.role == Role::CountyDirector,
        CaseLevel::Prefecture => actor.role == Role::PrefectureDirector,
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
        Permission::ViewSettings => allow(is_bureau_or_observer(role) || role == Role::Admin),
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
        Permission::ViewDashboard | Permission::ViewRegistry => allow(role.is_bureau()),
        Permission::VerifyExpertTitle => allow(matches!(
            role,
            Role::PrefectureClerk | Role::PrefectureDirector
        )),
        Permission::UploadTitleCertificate(id) => match role {
            Role::PrefectureClerk | Role::PrefectureDirector => Ok(()),
            Role::Expert if actor.expert() == Some(id) => Ok(()),
            Role::Expert => Err(Denied::NotFound),
            _ => Err(Denied::Forbidden),
        },
        Permission::ViewTitleCertificate(id) => {
            if role.is_bureau() || (role == Role::Expert && actor.expert() == Some(id)) {
                Ok(())
            } else {
                Err(Denied::NotFound)
            }
        }
        Permission::SetDrawSettings(county) => allow(match (role, county) {
            (Role::CountyDirector, Some(c)) => in_county(actor, c),
            (Role::PrefectureDirector, None) => true,
            _ => false,
        }),
        Permission::ViewRecordDetails(county) => allow(match role {
            Role::PrefectureClerk | Role::PrefectureDirector => true,
            Role::CountyClerk | Role::CountyDirector => county.is_none_or(|c| in_county(actor, c)),
            _ => false,
        }),
        Permission::CreditSeatsOf { county, level } => allow(match role {
            Role::PrefectureDirector => true,
            Role::CountyDirector => level == CaseLevel::County && in_county(actor, county),
            _ => false,
        }),
        Permission::ViewCaseLists => allow(is_bureau_or_observer(role)),
        Permission::ViewWorkList => allow(role.is_bureau()),
        Permission::ViewOwnInvitations => allow(role == Role::Expert),
        Permission::ReadOwnNotices | Permission::ManageOwnContact => Ok(()),
        Permission::ReadNotice { recipient } => {
            if actor.user_id == recipient {
                Ok(())
            } else {
                Err(Denied::NotFound)
            }
        }
        Permission::ViewWitnessedDraws => allow(role == Role::Observer),
        Permission::ViewPostChanges => allow(
            role == Role::PrefectureDirector
                || (role == Role::Observer && actor.scope == Scope::Prefecture),
        ),
        Permission::FileCreditRecord => allow(matches!(
            role,
            Role::CountyDirector | Role::PrefectureDirector
        )),
        // Directors, observers (监督人员, read-only) and the administrator read the audit log;
        // a county's see its county's part (`audit_scope`).
        Permission::ViewAuditLog => allow(reads_audit_log(role)),
        Permission::VerifyAuditChain => allow(matches!(
            role,
            Role::Admin | Role::PrefectureClerk | Role::PrefectureDirector
        )),
        // Case permissions were handled above.
        _ => Err(Denied::NotFound),
    }
}

/// Whose cases the case lists and work lists show the actor: `Some(county)` for county
/// staff and county observers, `None` (every county) for the prefecture's.
pub fn case_list_scope(actor: &Actor) -> Option<CountyId> {
    match actor.scope {
        Scope::County(c) => Some(c),
        _ => None,
    }
}

/// One entry of the site's navigation (shown on every page): a page, and the permission its
/// server functions ask, so that the menu a user sees and what the server allows come from
/// this one policy.
#[derive(Debug, Clone, Copy)]
pub struct NavEntry {
    /// Translation key of the link text.
    pub label: &'static str,
    pub href: &'static str,
    /// The link's `data-testid`.
    pub testid: &'static str,
    /// The permission that opens the page for this actor (`None`: never).
    permission: fn(&Actor) -> Option<Permission>,
}

/// The site's navigation, in the order shown.
const NAVIGATION: [NavEntry; 11] = [
    NavEntry {
        label: "nav.cases",
        href: "/cases",
        testid: "nav-cases",
        permission: |_| Some(Permission::ViewCaseLists),
    },
    NavEntry {
        label: "nav.dashboard",
        href: "/dashboard",
        testid: "nav-dashboard",
        permission: |_| Some(Permission::ViewDashboard),
    },
    NavEntry {
        label: "nav.registry",
        href: "/registry",
        testid: "nav-registry",
        permission: |_| Some(Permission::ViewRegistry),
    },
    NavEntry {
        label: "nav.experts",
        href: "/experts",
        testid: "nav-experts",
        permission: |_| Some(Permission::ViewExpertPool),
    },
    NavEntry {
        label: "nav.audit",
        href: "/audit",
        testid: "nav-audit",
        permission: |_| Some(Permission::ViewAuditLog),
    },
    NavEntry {
        label: "admin.accounts.title",
        href: "/admin/accounts",
        testid: "nav-accounts",
        permission: |_| Some(Permission::ManageAccounts),
    },
    NavEntry {
        label: "nav.time_limits",
        href: "/settings/time-limits",
        testid: "nav-time-limits",
        permission: |_| Some(Permission::ManageSettings),
    },
    NavEntry {
        label: "nav.calendar",
        href: "/settings/calendar",
        testid: "nav-calendar",
        permission: |_| Some(Permission::ManageSettings),
    },
    NavEntry {
        label: "nav.expert_profile",
        href: "/expert/profile",
        testid: "nav-expert-profile",
        permission: |a| a.expert().map(Permission::EditOwnExpertProfile),
    },
    NavEntry {
        label: "profile.title",
        href: "/institution/profile",
        testid: "nav-profile",
        permission: |a| a.institution().map(Permission::EditOwnInstitution),
    },
    NavEntry {
        label: "nav.selfcheck",
        href: "/public/self-check",
        testid: "nav-selfcheck",
        permission: |a| a.institution().map(Permission::SaveSelfCheck),
    },
];

/// The navigation entries this actor may open.
pub fn navigation(actor: &Actor) -> Vec<NavEntry> {
    NAVIGATION
        .iter()
        .filter(|e| (e.permission)(actor).is_some_and(|p| authorize(actor, &p, None).is_ok()))
        .copied()
        .collect()
}

/// Who reads the audit log (the home page links there for them).
pub fn reads_audit_log(role: Role) -> bool {
    matches!(
        role,
        Role::CountyDirector
            | Role::PrefectureClerk
            | Role::PrefectureDirector
            | Role::Observer
            | Role::Admin
    )
}

/// The part of the audit log the actor reads: `Some(county)` for a county's director or
/// observer (the events about its cases, institutions, experts and staff), `None` for all.
pub fn audit_scope(actor: &Actor) -> Option<CountyId> {
    case_list_scope(actor)
}

/// Every seat of the panel has submitted its score sheet.
fn all_sheets_in(f: &CaseFacts) -> bool {
    let mut seats = f.active_seats().peekable();
    seats.peek().is_some() && f.active_seats().all(|s| s.sheet_submitted)
}

/// The case has a determination (鉴定结论): not merely a state past the opinion — a county
/// case escalated and ordered to a prefecture panel is FORWARDED without one.
fn determined(f: &CaseFacts) -> bool {
    f.determined_on.is_some() && f.state.is_determined()
}

/// How an entry of the case's timeline (历史记录) reaches the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryView {
    /// Not at all: the steps within one state taken by the panel or the system, or about the
    /// panel's seats (a seat accepted, declined, vacated for a conflict or replaced, a redraw,
    /// a signature), tell how the panel is made up.
    Hidden,
    /// The step and its time; who took it (`name`) and the text they gave (`reason`) when the
    /// actor may know them.
    Shown { name: bool, reason: bool },
}

/// Steps about the panel's seats and signatures: their texts (a decline, a conflict, why a
/// seat was replaced, a dissent) speak of the experts, so they never reach the institution.
const PANEL_STEPS: [&str; 9] = [
    "record_draw",
    "redraw",
    "draw_supplement",
    "accept_seat",
    "decline_seat",
    "declare_conflict",
    "replace_seat",
    "set_lead",
    "sign_opinion",
];

/// How a timeline entry — `action` (an `ActionKind` code) taken by `by_role` (None: the
/// system), within one state or not — reaches the actor. The institution never learns its
/// panel from the timeline: the panel's and the system's steps within a state are hidden from
/// it (a bureau's own note, such as a revocation, is not), the experts' other steps
/// show without name, and no panel step shows its text; only what the panel asks of the
/// institution (request for material, resumption) keeps its text. Everyone who may see the
/// panel sees every entry in full.
pub fn timeline_entry(
    actor: &Actor,
    by_role: Option<Role>,
    action: &str,
    same_state: bool,
) -> EntryView {
    if actor.role != Role::InstitutionUser || by_role == Some(Role::InstitutionUser) {
        return EntryView::Shown {
            name: true,
            reason: true,
        };
    }
    let by_expert = by_role == Some(Role::Expert);
    if same_state && (by_expert || by_role.is_none() || PANEL_STEPS.contains(&action)) {
        return EntryView::Hidden;
    }
    let addressed = matches!(action, "request_info" | "resume_review");
    EntryView::Shown {
        name: !by_expert,
        reason: addressed || (!by_expert && !PANEL_STEPS.contains(&action)),
    }
}

/// How much of an activity record (鉴定活动) the actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityDetail {
    /// Everything: participants, notes, photos and files.
    Full,
    /// Kind, date and — once determined, as the opinion prints it — the summary; never the
    /// participants nor the photos, which identify the panel.
    Outline {
        summary: bool,
    },
    None,
}

/// What of the case's activities the actor sees: the panel and the bureaus everything, the
/// institution its outline (the opinion, which it reads after the determination, states the
/// activities' kinds, dates and summaries).
pub fn activity_detail(actor: &Actor, facts: &CaseFacts) -> ActivityDetail {
    if authorize(actor, &Permission::ViewCaseFile, Some(facts)).is_err() {
        ActivityDetail::None
    } else if authorize(actor, &Permission::ViewActivityRecord, Some(facts)).is_ok() {
        ActivityDetail::Full
    } else {
        ActivityDetail::Outline {
            summary: determined(facts),
        }
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
    let seated = actor.role == Role::Expert
        && actor
            .expert()
            .and_then(|e| f.active_seat(e))
            .is_some_and(|s| s.status == SeatStatus::Accepted);
    if perm == Permission::OpenOwnSheet {
        return if seated {
            Ok(())
        } else {
            Err(Denied::NotFound)
        };
    }
    // Everything else needs the full view: an invited expert sees only the invitation.
    if view != CaseView::Full {
        return Err(Denied::Forbidden);
    }
    let role = actor.role;
    let own_institution = role == Role::InstitutionUser;
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
        Permission::ViewPanelNames => allow(!own_institution || determined(f)),
        Permission::ViewInstitutionPhone => allow(own_institution || role.is_bureau()),
        Permission::ViewCaseNotices => allow(is_bureau_or_observer(role)),
        Permission::ResendNotice => allow(role.is_bureau()),
        // The draw record names every excluded expert and why: bureau and observers only.
        Permission::ViewDrawRecord => allow(is_bureau_or_observer(role)),
        Permission::ManageDraw => allow(is_level_clerk(actor, f.level)),
        Permission::WitnessDraw => allow(
            role == Role::Observer && matches!(st, CaseState::Accepted | CaseState::PanelDrawn),
        ),
        Permission::EditOwnSheet => {
            allow(seated && matches!(st, CaseState::UnderReview | CaseState::AwaitingInfo))
        }
        Permission::ViewAllSheets => {
            allow(is_bureau_or_observer(role) || (was_on_panel && st.has_opinion()))
        }
        Permission::ViewMemberSheet(expert) => {
            if is_bureau_or_observer(role) || actor.expert() == Some(expert) {
                Ok(())
            } else if !was_on_panel {
                Err(Denied::Forbidden)
            } else if all_sheets_in(f) {
                Ok(())
            } else {
                // Another member's sheet does not exist for a member until all are in.
                Err(Denied::NotFound)
            }
        }
        Permission::EditActivity(recorded_by) => allow(
            authorize_case(actor, Permission::RecordActivity, f).is_ok()
                && (recorded_by == actor.user_id || is_level_clerk(actor, f.level)),
        ),
        Permission::ViewCaseRatings => allow(role.is_bureau()),
        Permission::ViewActivityRecord => allow(!own_institution),
        Permission::RevokeDetermination { by_prefecture } => allow(
            determined(f)
                && if by_prefecture {
                    role == Role::PrefectureDirector
                } else {
                    role == Role::CountyDirector
                },
        ),
        Permission::RecordActivity => allow(
            (seated || is_level_clerk(actor, f.level))
                && matches!(st, CaseState::UnderReview | CaseState::AwaitingInfo),
        ),
        Permission::ViewOpinion => allow(if own_institution {
            determined(f)
        } else {
            is_bureau_or_observer(role) || (was_on_panel && st.has_opinion())
        }),
        Permission::DraftOpinion => allow(
            actor.expert().is_some_and(|e| f.is_lead(e))
                && matches!(st, CaseState::UnderReview | CaseState::OpinionDrafted),
        ),
        Permission::ViewCaseHistory => allow(own_institution || is_bureau_or_observer(role)),
        Permission::ViewMeeting => allow(is_bureau_or_observer(role) || was_on_panel),
        Permission::RateExpert => allow(is_level_clerk(actor, f.level)),
        Permission::ManageMeeting => allow(
            is_level_clerk(actor, f.level)
                && matches!(st, CaseState::UnderReview | CaseState::AwaitingInfo),
        ),
        Permission::WaiveMeeting => allow(
            is_level_director(actor, f.level)
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
    use super::super::case::SeatFacts;
    use super::super::ids::{CaseId, UserId};
    use super::super::terms::Stage;
    use super::*;

    const C1: CountyId = CountyId(652301);
    const C2: CountyId = CountyId(652302);

    fn a(role: Role, scope: Scope) -> Actor {
        Actor::new(UserId(7), role, scope).expect("fits")
    }

    #[test]
    fn each_role_is_shown_the_pages_the_policy_opens_for_it() {
        let nav = |actor: Actor| -> Vec<&'static str> {
            navigation(&actor).iter().map(|e| e.testid).collect()
        };
        let bureau = ["nav-cases", "nav-dashboard", "nav-registry", "nav-experts"];
        assert_eq!(nav(a(Role::CountyClerk, Scope::County(C1))), bureau);
        let mut with_audit = bureau.to_vec();
        with_audit.push("nav-audit");
        assert_eq!(nav(a(Role::CountyDirector, Scope::County(C1))), with_audit);
        assert_eq!(nav(a(Role::PrefectureClerk, Scope::Prefecture)), with_audit);
        assert_eq!(
            nav(a(Role::PrefectureDirector, Scope::Prefecture)),
            with_audit
        );
        assert_eq!(
            nav(a(Role::Observer, Scope::Prefecture)),
            ["nav-cases", "nav-audit"]
        );
        assert_eq!(
            nav(a(Role::Admin, Scope::System)),
            [
                "nav-audit",
                "nav-accounts",
                "nav-time-limits",
                "nav-calendar"
            ]
        );
        assert_eq!(
            nav(a(Role::Expert, Scope::Expert(ExpertId(1)))),
            ["nav-expert-profile"]
        );
        assert_eq!(
            nav(a(
                Role::InstitutionUser,
                Scope::Institution(InstitutionId(10))
            )),
            ["nav-profile", "nav-selfcheck"]
        );
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
            determined_on: state
                .is_determined()
                .then(|| chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()),
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
    fn notices_are_their_recipients_and_the_record_the_bureaus() {
        let inst = a(Role::InstitutionUser, Scope::Institution(InstitutionId(10)));
        let clerk = a(Role::CountyClerk, Scope::County(C1));
        let obs = a(Role::Observer, Scope::County(C1));
        let seated = a(Role::Expert, Scope::Expert(ExpertId(1)));
        let under = case(CaseState::UnderReview, CaseLevel::County);
        // `a` gives every actor user 7.
        let mine = Permission::ReadNotice {
            recipient: UserId(7),
        };
        let theirs = Permission::ReadNotice {
            recipient: UserId(8),
        };
        for x in [&inst, &clerk, &obs, &seated] {
            assert_eq!(authorize(x, &Permission::ReadOwnNotices, None), Ok(()));
            assert_eq!(authorize(x, &Permission::ManageOwnContact, None), Ok(()));
            assert_eq!(authorize(x, &mine, None), Ok(()));
            assert_eq!(authorize(x, &theirs, None), Err(Denied::NotFound), "{x:?}");
        }
        // The record names the panel: never the institution's, nor the panel's own.
        let rec = Permission::ViewCaseNotices;
        assert_eq!(authorize(&clerk, &rec, Some(&under)), Ok(()));
        assert_eq!(authorize(&obs, &rec, Some(&under)), Ok(()));
        assert_eq!(authorize(&inst, &rec, Some(&under)), Err(Denied::Forbidden));
        assert_eq!(
            authorize(&seated, &rec, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&clerk, &rec, None), Err(Denied::NotFound));
        // Resending is the bureau's act; the observer only watches.
        let resend = Permission::ResendNotice;
        assert_eq!(authorize(&clerk, &resend, Some(&under)), Ok(()));
        assert_eq!(
            authorize(&obs, &resend, Some(&under)),
            Err(Denied::Forbidden)
        );
        let other = a(Role::CountyClerk, Scope::County(CountyId(652302)));
        assert_eq!(
            authorize(&other, &resend, Some(&under)),
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
        // The institution's phone in full: the bureau and the institution, not the panel or
        // the observers.
        let phone = |who: &Actor| authorize(who, &Permission::ViewInstitutionPhone, Some(&under));
        assert_eq!(phone(&inst), Ok(()));
        assert_eq!(phone(&clerk), Ok(()));
        assert_eq!(phone(&seated), Err(Denied::Forbidden));
        assert_eq!(phone(&obs), Err(Denied::Forbidden));
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
        // Sheets. One's own opens at any stage, for a seated expert only.
        for f in [&under, &det] {
            assert_eq!(
                authorize(&seated, &Permission::OpenOwnSheet, Some(f)),
                Ok(())
            );
            assert_eq!(
                authorize(&clerk, &Permission::OpenOwnSheet, Some(f)),
                Err(Denied::NotFound)
            );
            assert_eq!(
                authorize(&obs, &Permission::OpenOwnSheet, Some(f)),
                Err(Denied::NotFound)
            );
        }
        assert_eq!(
            authorize(&seated, &Permission::EditOwnSheet, Some(&under)),
            Ok(())
        );
        // The opinion is drafted by the lead only, while the panel reviews or signs.
        let drafted = case(CaseState::OpinionDrafted, CaseLevel::County);
        for f in [&under, &drafted] {
            assert_eq!(
                authorize(&seated, &Permission::DraftOpinion, Some(f)),
                Ok(())
            );
            assert_eq!(
                authorize(&clerk, &Permission::DraftOpinion, Some(f)),
                Err(Denied::Forbidden)
            );
        }
        assert_eq!(
            authorize(&seated, &Permission::DraftOpinion, Some(&det)),
            Err(Denied::Forbidden)
        );
        let mut no_lead = under.clone();
        for seat in &mut no_lead.seats {
            seat.lead = false;
        }
        assert_eq!(
            authorize(&seated, &Permission::DraftOpinion, Some(&no_lead)),
            Err(Denied::Forbidden)
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
            who(Permission::ViewSettings),
            [
                Role::CountyClerk,
                Role::CountyDirector,
                Role::PrefectureClerk,
                Role::PrefectureDirector,
                Role::Observer,
                Role::Admin
            ]
        );
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
                Role::CountyDirector,
                Role::PrefectureClerk,
                Role::PrefectureDirector,
                Role::Observer,
                Role::Admin
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

    #[test]
    fn the_institution_never_learns_its_panel() {
        let inst = a(Role::InstitutionUser, Scope::Institution(InstitutionId(10)));
        let clerk = a(Role::CountyClerk, Scope::County(C1));
        let under = case(CaseState::UnderReview, CaseLevel::County);
        // A county case escalated and ordered to a prefecture panel is FORWARDED without a
        // determination: the panel stays hidden.
        let mut forwarded = case(CaseState::Forwarded, CaseLevel::County);
        forwarded.determined_on = None;
        for f in [&under, &forwarded] {
            assert_eq!(
                authorize(&inst, &Permission::ViewPanelNames, Some(f)),
                Err(Denied::Forbidden)
            );
            assert_eq!(
                authorize(&inst, &Permission::ViewOpinion, Some(f)),
                Err(Denied::Forbidden)
            );
        }
        // Timeline: the steps within a state are hidden, the experts' others show without
        // name; only what is asked of the institution keeps its text.
        let exp = Some(Role::Expert);
        assert_eq!(
            timeline_entry(&inst, exp, "decline_seat", true),
            EntryView::Hidden
        );
        assert_eq!(
            timeline_entry(&inst, None, "replace_seat", true),
            EntryView::Hidden
        );
        assert_eq!(
            timeline_entry(&inst, exp, "declare_conflict", false),
            EntryView::Shown {
                name: false,
                reason: false
            }
        );
        assert_eq!(
            timeline_entry(&inst, exp, "request_info", false),
            EntryView::Shown {
                name: false,
                reason: true
            }
        );
        // The system moving the case back to PANEL_DRAWN after a credit record: no reason.
        assert_eq!(
            timeline_entry(&inst, None, "replace_seat", false),
            EntryView::Shown {
                name: true,
                reason: false
            }
        );
        assert_eq!(
            timeline_entry(&inst, Some(Role::CountyClerk), "return", false),
            EntryView::Shown {
                name: true,
                reason: true
            }
        );
        assert_eq!(
            timeline_entry(&clerk, exp, "decline_seat", true),
            EntryView::Shown {
                name: true,
                reason: true
            }
        );
        // Activities: an outline, the summary once determined; photos never.
        assert_eq!(
            activity_detail(&inst, &under),
            ActivityDetail::Outline { summary: false }
        );
        let det = case(CaseState::Determined, CaseLevel::County);
        assert_eq!(
            activity_detail(&inst, &det),
            ActivityDetail::Outline { summary: true }
        );
        assert_eq!(activity_detail(&clerk, &under), ActivityDetail::Full);
        assert_eq!(
            authorize(&inst, &Permission::ViewActivityRecord, Some(&det)),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn sheets_activities_and_ratings_by_the_policy() {
        let under = case(CaseState::UnderReview, CaseLevel::County);
        let member = a(Role::Expert, Scope::Expert(ExpertId(1)));
        let clerk = a(Role::CountyClerk, Scope::County(C1));
        let inst = a(Role::InstitutionUser, Scope::Institution(InstitutionId(10)));
        // Another member's sheet does not exist for a member until every seat is in.
        let mut f = under.clone();
        f.seats.retain(|s| s.status == SeatStatus::Accepted);
        f.seats.push(SeatFacts {
            expert: ExpertId(4),
            status: SeatStatus::Accepted,
            lead: false,
            declaration_signed: true,
            sheet_submitted: true,
            opinion_signed: false,
        });
        let theirs = Permission::ViewMemberSheet(ExpertId(4));
        assert_eq!(authorize(&member, &theirs, Some(&f)), Err(Denied::NotFound));
        assert_eq!(
            authorize(&member, &Permission::ViewMemberSheet(ExpertId(1)), Some(&f)),
            Ok(())
        );
        assert_eq!(authorize(&clerk, &theirs, Some(&f)), Ok(()));
        assert_eq!(authorize(&inst, &theirs, Some(&f)), Err(Denied::Forbidden));
        for s in &mut f.seats {
            s.sheet_submitted = true;
        }
        assert_eq!(authorize(&member, &theirs, Some(&f)), Ok(()));
        // Only who recorded an activity (or the level's clerk) edits it.
        let mine = Permission::EditActivity(member.user_id);
        let other = Permission::EditActivity(UserId(99));
        assert_eq!(authorize(&member, &mine, Some(&under)), Ok(()));
        assert_eq!(
            authorize(&member, &other, Some(&under)),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&clerk, &other, Some(&under)), Ok(()));
        // Ratings: bureau roles; the observer and the panel not.
        let obs = a(Role::Observer, Scope::County(C1));
        assert_eq!(
            authorize(&clerk, &Permission::ViewCaseRatings, Some(&under)),
            Ok(())
        );
        assert_eq!(
            authorize(&obs, &Permission::ViewCaseRatings, Some(&under)),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn records_and_credit_stay_in_their_county() {
        let c1 = a(Role::CountyDirector, Scope::County(C1));
        let c2 = a(Role::CountyClerk, Scope::County(C2));
        let pd = a(Role::PrefectureDirector, Scope::Prefecture);
        let rules = |x: &Actor, c| authorize(x, &Permission::SetDrawSettings(c), None);
        assert_eq!(rules(&c1, Some(C1)), Ok(()));
        assert_eq!(rules(&c2, Some(C1)), Err(Denied::Forbidden));
        assert_eq!(rules(&c1, None), Err(Denied::Forbidden));
        assert_eq!(rules(&pd, None), Ok(()));
        assert_eq!(
            rules(&pd, Some(C1)),
            Err(Denied::Forbidden),
            "a county runs its own draws"
        );
        assert_eq!(authorize(&pd, &Permission::VerifyExpertTitle, None), Ok(()));
        let e1 = a(Role::Expert, Scope::Expert(ExpertId(1)));
        let upload =
            |x: &Actor| authorize(x, &Permission::UploadTitleCertificate(ExpertId(1)), None);
        let read = |x: &Actor| authorize(x, &Permission::ViewTitleCertificate(ExpertId(1)), None);
        assert_eq!(upload(&e1), Ok(()));
        assert_eq!(upload(&pd), Ok(()));
        assert_eq!(upload(&c1), Err(Denied::Forbidden));
        assert_eq!(read(&e1), Ok(()));
        assert_eq!(read(&c1), Ok(()));
        let e2 = a(Role::Expert, Scope::Expert(ExpertId(2)));
        assert_eq!(upload(&e2), Err(Denied::NotFound));
        assert_eq!(read(&e2), Err(Denied::NotFound));
        assert_eq!(
            authorize(&c1, &Permission::VerifyExpertTitle, None),
            Err(Denied::Forbidden)
        );
        let details = |x: &Actor, c| authorize(x, &Permission::ViewRecordDetails(c), None);
        assert_eq!(details(&c1, Some(C1)), Ok(()));
        assert_eq!(details(&c2, Some(C1)), Err(Denied::Forbidden));
        assert_eq!(details(&c2, None), Ok(()), "the prefecture's records");
        assert_eq!(details(&pd, Some(C1)), Ok(()));
        let seats = |x: &Actor, county, level| {
            authorize(x, &Permission::CreditSeatsOf { county, level }, None)
        };
        assert_eq!(seats(&c1, C1, CaseLevel::County), Ok(()));
        assert_eq!(seats(&c1, C2, CaseLevel::County), Err(Denied::Forbidden));
        assert_eq!(
            seats(&c1, C1, CaseLevel::Prefecture),
            Err(Denied::Forbidden),
            "a prefecture case of the county is the prefecture's"
        );
        assert_eq!(seats(&pd, C2, CaseLevel::Prefecture), Ok(()));
        assert_eq!(
            authorize(&c1, &Permission::EditExpertPool, None),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&pd, &Permission::ViewPostChanges, None), Ok(()));
        assert_eq!(
            authorize(&c1, &Permission::ViewPostChanges, None),
            Err(Denied::Forbidden)
        );
    }
}
