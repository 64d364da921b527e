//! The random draw of experts (随机抽取专家) and recusal (回避), DOMAIN §6.
//!
//! # Eligibility
//! [`eligibility`] lists **every** reason an expert is excluded from a case ([`Exclusion`]);
//! [`screen`] applies it to the whole pool and gives the eligible candidates and, for the draw
//! record, each excluded expert with all its reasons. A re-review (复审) case lists the first
//! round's experts in [`DrawCaseFacts::earlier_round_experts`].
//!
//! # Algorithm `jd-draw-v1`
//! Anyone holding the draw record (candidates, criteria, seed) can re-run it ([`verify`]):
//! 1. Check the criteria: panel size odd and ≥ 3, room for the required special seats.
//! 2. Sort the eligible candidates by expert id, ascending. A repeated id is an error.
//! 3. Check feasibility, in this order: at least `panel_size` candidates
//!    ([`DrawError::NotEnoughEligible`]); a 学科/教学 expert covering the item when required
//!    ([`DrawError::NoSubjectExpertFor`]): qualified in the item's 相关学科 and its stage when the
//!    criteria name a subject ([`DrawCriteria::subject`]), else covering its domain and stage;
//!    a legal expert when required
//!    ([`DrawError::NoLegalExpert`]).
//! 4. Seed a ChaCha20 generator with the 32-byte seed (`rand_chacha::ChaCha20Rng::from_seed`:
//!    the original ChaCha20 with 20 rounds, the seed as key, nonce and block counter 0; each
//!    `next_u32` is the next little-endian 32-bit word of the key stream).
//! 5. Shuffle the sorted list with Fisher–Yates: for `i` from `n-1` down to `1`, draw
//!    `j = uniform(i+1)` and swap positions `i` and `j`.
//!    `uniform(m)` (for `m ≥ 1`) is unbiased rejection sampling: let `t = 2^32 mod m`; take
//!    `x = next_u32()` until `x ≥ t`; return `x mod m`. (The accepted range holds
//!    `2^32 − t` values, a multiple of `m`.) `uniform(1)` returns 0 without drawing.
//! 6. Seats, in this order, each time taking the first suitable candidate of the shuffled list
//!    not yet seated: the subject seat (a 学科/教学 expert covering the item as in step 3, if
//!    required), the legal seat (a legal expert, if required), then members (anyone) until the
//!    panel is full. The first seat is the panel lead (组长).
//! 7. Backups: the next `backups` candidates of the shuffled list not seated, ranked in order.
//!
//! [`replace_seat`] gives a vacated seat to the highest-ranked backup that keeps the panel's
//! composition (a covering 学科 expert for the subject seat, a legal expert for the legal seat,
//! anyone for a member seat). Our own bounded-integer routine and shuffle are written here so
//! that a crate update cannot change a panel; the only outside piece is the ChaCha20 key
//! stream, pinned by a known-answer test.

use super::expert::{ExpertKind, ProfessionalTitle};
use super::ids::{CaseId, ExpertId, InstitutionId};
use super::item::{ItemDomain, SchoolSubject};
use super::terms::Stage;
use chrono::{Months, NaiveDate};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

/// Version tag of the draw algorithm, stored on every draw record.
pub const ALGORITHM: &str = "jd-draw-v1";

/// How long past employment counts as a conflict (DOMAIN §6: 3 years).
pub const PAST_EMPLOYMENT_MONTHS: u32 = 36;

/// Status of an expert in the pool (专家状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpertStatus {
    /// 正常
    Active,
    /// 暂停
    Suspended,
    /// 除名
    Removed,
}

/// Who had the tie to an institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 本人
    Own,
    /// 近亲属
    CloseRelative,
}

/// A post or part-time job at an institution (任职/兼职), the expert's or a close relative's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    pub institution: InstitutionId,
    pub relation: Relation,
    /// Last day of the job; `None` while it lasts.
    pub until: Option<NaiveDate>,
}

/// What recusal needs to know about an expert (专家回避事实).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertFacts {
    pub id: ExpertId,
    pub status: ExpertStatus,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// A credit record (信用记录) bars the expert from draws.
    pub credit_barred: bool,
    pub title: ProfessionalTitle,
    /// The pool manager checked the title against its uploaded certificate.
    pub title_verified: bool,
    pub kind: ExpertKind,
    pub domains: Vec<ItemDomain>,
    pub stages: Vec<Stage>,
    /// 任教学科.
    pub school_subjects: Vec<SchoolSubject>,
    /// 工作单位, as entered.
    pub employer: String,
    pub affiliations: Vec<Affiliation>,
    /// Institutions the expert declared an economic interest in (利害关系).
    pub economic_interests: Vec<InstitutionId>,
    /// Cases the expert currently sits on, not yet sealed.
    pub active_cases: u32,
    /// The expert has made the declarations of no post at any institution (self and close
    /// relatives).
    pub declared: bool,
    /// The expert declared never having held a part-time job at a training institution (guide
    /// 五(五)).
    pub no_part_time_history: bool,
    /// Not available from … until … (inclusive), as the expert said.
    pub unavailable: Option<(NaiveDate, NaiveDate)>,
}

/// An expert's ties kept in the pool for recusal (stored as JSON): posts at institutions, own
/// and close relatives', and declared economic interests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ties {
    #[serde(default)]
    pub affiliations: Vec<Affiliation>,
    #[serde(default)]
    pub economic_interests: Vec<InstitutionId>,
}

/// What recusal needs to know about the case being drawn for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawCaseFacts {
    pub case: CaseId,
    /// The applicant.
    pub institution: InstitutionId,
    /// Employer of the applicant's principal (校长/负责人), if any besides the institution.
    pub principal_employer: Option<String>,
    pub domain: ItemDomain,
    pub stage: Stage,
    /// Experts of an earlier round (the first-round panel of a re-review).
    pub earlier_round_experts: Vec<ExpertId>,
    /// Experts who helped prepare the application's materials.
    pub material_preparers: Vec<ExpertId>,
    /// Experts already seated on this case.
    pub current_panel: Vec<ExpertId>,
    /// Experts who declined this case or declared a conflict on it.
    pub declined: Vec<ExpertId>,
    /// Workload limit: at most this many unsealed cases at once (setting).
    pub workload_limit: u32,
    /// Only experts whose title the pool manager verified are drawn (the bureau's setting).
    #[serde(default)]
    pub require_verified_titles: bool,
}

/// A reason an expert is excluded from a case (回避/排除事由), shown on the draw record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    NotActive,
    TermNotStarted,
    TermExpired,
    CreditBarred,
    TitleBelowIntermediate,
    WorksForApplicant,
    RelativeWorksForApplicant,
    SameEmployerAsPrincipal,
    EconomicInterest,
    EarlierRound,
    PreparedMaterials,
    OverWorkload {
        active: u32,
        limit: u32,
    },
    AlreadyOnPanel,
    DeclinedThisCase,
    /// The declarations of no post at an institution are missing.
    NoDeclaration,
    /// Guide 五(五) (未有在校外培训机构中兼职经历): the expert has not declared that they never
    /// held a part-time job at a training institution.
    PartTimeHistory,
    /// The expert said they are unavailable on the day of the draw.
    Unavailable,
    /// Guide 五(三): the draw requires verified titles (a setting of the bureau) and the pool
    /// manager has not checked this expert's title certificate.
    TitleUnverified,
}

impl Exclusion {
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::NotActive => "not_active",
            Exclusion::TermNotStarted => "term_not_started",
            Exclusion::TermExpired => "term_expired",
            Exclusion::CreditBarred => "credit_barred",
            Exclusion::TitleBelowIntermediate => "title_below_intermediate",
            Exclusion::WorksForApplicant => "works_for_applicant",
            Exclusion::RelativeWorksForApplicant => "relative_works_for_applicant",
            Exclusion::SameEmployerAsPrincipal => "same_employer_as_principal",
            Exclusion::EconomicInterest => "economic_interest",
            Exclusion::EarlierRound => "earlier_round",
            Exclusion::PreparedMaterials => "prepared_materials",
            Exclusion::OverWorkload { .. } => "over_workload",
            Exclusion::AlreadyOnPanel => "already_on_panel",
            Exclusion::DeclinedThisCase => "declined_this_case",
            Exclusion::NoDeclaration => "no_declaration",
            Exclusion::PartTimeHistory => "part_time_history",
            Exclusion::Unavailable => "unavailable",
            Exclusion::TitleUnverified => "title_unverified",
        }
    }
    /// Translation key `exclusion.<code>`.
    pub fn label_key(self) -> String {
        format!("exclusion.{}", self.code())
    }
    /// Placeholder values of the message.
    pub fn args(self) -> Vec<(String, String)> {
        match self {
            Exclusion::OverWorkload { active, limit } => vec![
                ("active".into(), active.to_string()),
                ("limit".into(), limit.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

fn same_employer(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// Whether a person the application names as having prepared its materials is this expert:
/// the same name, and the same employer when the application gives one.
pub fn prepared_by(
    expert_name: &str,
    expert_employer: &str,
    preparer: &super::item::Preparer,
) -> bool {
    let norm = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let name = norm(&preparer.name);
    !name.is_empty()
        && name == norm(expert_name)
        && (norm(&preparer.employer).is_empty()
            || same_employer(&preparer.employer, expert_employer))
}

/// Every reason `expert` may not sit on `case` on `today`; `Ok(())` when eligible.
pub fn eligibility(
    expert: &ExpertFacts,
    case: &DrawCaseFacts,
    today: NaiveDate,
) -> Result<(), Vec<Exclusion>> {
    let mut why = Vec::new();
    if expert.status != ExpertStatus::Active {
        why.push(Exclusion::NotActive);
    }
    if today < expert.term_start {
        why.push(Exclusion::TermNotStarted);
    }
    if today > expert.term_end {
        why.push(Exclusion::TermExpired);
    }
    if expert.credit_barred {
        why.push(Exclusion::CreditBarred);
    }
    if !expert.title.qualifies() {
        why.push(Exclusion::TitleBelowIntermediate);
    } else if case.require_verified_titles && !expert.title_verified {
        why.push(Exclusion::TitleUnverified);
    }
    let recent = |a: &Affiliation| match a.until {
        None => true,
        Some(until) => until
            .checked_add_months(Months::new(PAST_EMPLOYMENT_MONTHS))
            .is_none_or(|limit| limit >= today),
    };
    let tie = |rel: Relation| {
        expert
            .affiliations
            .iter()
            .any(|a| a.institution == case.institution && a.relation == rel && recent(a))
    };
    if tie(Relation::Own) {
        why.push(Exclusion::WorksForApplicant);
    }
    if tie(Relation::CloseRelative) {
        why.push(Exclusion::RelativeWorksForApplicant);
    }
    if case
        .principal_employer
        .as_deref()
        .is_some_and(|p| same_employer(p, &expert.employer))
    {
        why.push(Exclusion::SameEmployerAsPrincipal);
    }
    if expert.economic_interests.contains(&case.institution) {
        why.push(Exclusion::EconomicInterest);
    }
    if case.earlier_round_experts.contains(&expert.id) {
        why.push(Exclusion::EarlierRound);
    }
    if case.material_preparers.contains(&expert.id) {
        why.push(Exclusion::PreparedMaterials);
    }
    if expert.active_cases >= case.workload_limit {
        why.push(Exclusion::OverWorkload {
            active: expert.active_cases,
            limit: case.workload_limit,
        });
    }
    if case.current_panel.contains(&expert.id) {
        why.push(Exclusion::AlreadyOnPanel);
    }
    if case.declined.contains(&expert.id) {
        why.push(Exclusion::DeclinedThisCase);
    }
    if !expert.declared {
        why.push(Exclusion::NoDeclaration);
    }
    if !expert.no_part_time_history {
        why.push(Exclusion::PartTimeHistory);
    }
    if expert
        .unavailable
        .is_some_and(|(from, until)| from <= today && today <= until)
    {
        why.push(Exclusion::Unavailable);
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why)
    }
}

/// An eligible expert, as the draw needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: ExpertId,
    pub kind: ExpertKind,
    pub domains: Vec<ItemDomain>,
    pub stages: Vec<Stage>,
    /// 任教学科 (empty on draw records made before subjects were kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub school_subjects: Vec<SchoolSubject>,
}

impl Candidate {
    /// A 学科/教学 expert for this stage covering the item: qualified in its 相关学科 when one is
    /// named ("相应学科专家"), else covering its domain.
    pub fn covers(&self, domain: ItemDomain, stage: Stage, subject: Option<SchoolSubject>) -> bool {
        self.kind == ExpertKind::SubjectTeaching
            && self.stages.contains(&stage)
            && match subject {
                Some(s) => self.school_subjects.contains(&s),
                None => self.domains.contains(&domain),
            }
    }
}

impl From<&ExpertFacts> for Candidate {
    fn from(e: &ExpertFacts) -> Self {
        Candidate {
            id: e.id,
            kind: e.kind,
            domains: e.domains.clone(),
            stages: e.stages.clone(),
            school_subjects: e.school_subjects.clone(),
        }
    }
}

/// The pool split into eligible candidates and excluded experts with their reasons, both sorted
/// by expert id (the canonical order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub eligible: Vec<Candidate>,
    pub excluded: Vec<(ExpertId, Vec<Exclusion>)>,
}

/// Applies [`eligibility`] to every expert of the pool.
pub fn screen(pool: &[ExpertFacts], case: &DrawCaseFacts, today: NaiveDate) -> Screening {
    let mut sorted: Vec<&ExpertFacts> = pool.iter().collect();
    sorted.sort_by_key(|e| e.id);
    let mut s = Screening {
        eligible: Vec::new(),
        excluded: Vec::new(),
    };
    for e in sorted {
        match eligibility(e, case, today) {
            Ok(()) => s.eligible.push(Candidate::from(e)),
            Err(why) => s.excluded.push((e.id, why)),
        }
    }
    s
}

/// What the panel must look like (抽取条件).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawCriteria {
    /// Odd, ≥ 3 (3 county, 5 prefecture re-review by default).
    pub panel_size: usize,
    /// Ranked backups (default 2).
    pub backups: usize,
    /// At least one 学科/教学 expert covering this domain and stage.
    pub require_subject_expert_covering: Option<(ItemDomain, Stage)>,
    /// At least one legal expert.
    pub require_legal_expert: bool,
    /// A supplementary draw (补充抽取) fills vacant seats of a panel: any size ≥ 1.
    #[serde(default)]
    pub supplementary: bool,
    /// The item's 相关学科: when named, the subject seat needs an expert qualified in it
    /// (instead of one covering the domain). Absent on records made before subjects were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SchoolSubject>,
}

impl Default for DrawCriteria {
    fn default() -> Self {
        DrawCriteria {
            panel_size: 3,
            backups: 2,
            require_subject_expert_covering: None,
            require_legal_expert: true,
            supplementary: false,
            subject: None,
        }
    }
}

impl DrawCriteria {
    /// County identification: 3 experts, 2 backups, a covering subject expert and a legal one.
    pub fn county(domain: ItemDomain, stage: Stage) -> Self {
        DrawCriteria {
            require_subject_expert_covering: Some((domain, stage)),
            ..DrawCriteria::default()
        }
    }

    /// The subject seat needs an expert qualified in the item's 相关学科 `subject`, if named.
    pub fn with_subject(self, subject: Option<SchoolSubject>) -> Self {
        DrawCriteria { subject, ..self }
    }

    /// Prefecture re-review: 5 experts, 2 backups, same composition.
    pub fn prefecture_rereview(domain: ItemDomain, stage: Stage) -> Self {
        DrawCriteria {
            panel_size: 5,
            ..DrawCriteria::county(domain, stage)
        }
    }

    fn special_seats(&self) -> usize {
        usize::from(self.require_subject_expert_covering.is_some())
            + usize::from(self.require_legal_expert)
    }

    /// Checks the criteria themselves.
    pub fn check(&self) -> Result<(), DrawError> {
        let bad_size = if self.supplementary {
            self.panel_size == 0
        } else {
            self.panel_size < 3 || self.panel_size.is_multiple_of(2)
        };
        if bad_size {
            return Err(DrawError::InvalidPanelSize {
                size: self.panel_size,
            });
        }
        if self.special_seats() > self.panel_size {
            return Err(DrawError::InvalidPanelSize {
                size: self.panel_size,
            });
        }
        Ok(())
    }
}

coded! {
    /// Why a draw record exists.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DrawKind {
        /// The case's first draw.
        Initial = "initial",
        /// 重新抽取: a new panel replaces the previous one (written reason).
        Redraw = "redraw",
        /// 补充抽取: vacant seats filled when no backup was left.
        Supplementary = "supplementary",
    }
}

/// A draw's written reason is kept this short.
pub const REASON_MAX: usize = 2000;

/// What the clerk asks for.
#[derive(Debug, Clone)]
pub struct DrawRequest {
    pub kind: DrawKind,
    /// Panel size (initial and redraw; a supplementary draw fills the vacancies).
    pub panel_size: usize,
    pub backups: usize,
    /// Required for a redraw.
    pub reason: String,
    /// The observer (监督人员) account who witnessed the draw.
    pub observer: Option<i64>,
}

/// The checks of a clerk's draw request: a panel (for the first draw and a redraw) is an odd
/// number of 3 to 9 experts, with at most 5 backups; a redraw has its written reason, and any
/// reason is at most [`REASON_MAX`] characters; a named observer must be one the county may
/// name (`observer_allowed`, as the store found it).
pub fn check_request(r: &DrawRequest, observer_allowed: bool) -> crate::domain::error::FieldErrors {
    let mut errs = crate::domain::error::FieldErrors::new();
    if r.kind != DrawKind::Supplementary
        && (!(3..=9).contains(&r.panel_size) || r.panel_size.is_multiple_of(2))
    {
        errs.add("draw.panel_size", "err.guard.panel_size");
    }
    if r.backups > 5 {
        errs.add("draw.backups", "err.draw.backups");
    }
    if r.reason.chars().count() > REASON_MAX {
        errs.add("draw.reason", "err.text_too_long");
    }
    if r.kind == DrawKind::Redraw && r.reason.is_empty() {
        errs.add("draw.reason", "err.guard.reason_required");
    }
    if r.observer.is_some() && !observer_allowed {
        errs.add("draw.observer", "err.draw.observer");
    }
    errs
}

coded! {
    /// The job of a seat on the drawn panel.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum SeatRole {
        /// The required 学科/教学 expert covering the item.
        Subject = "subject",
        /// The required legal expert.
        Legal = "legal",
        /// Any other member.
        Member = "member",
    }
}

/// A seat of the drawn panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnSeat {
    pub expert: ExpertId,
    pub role: SeatRole,
}

/// A ranked backup (候补).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub expert: ExpertId,
    pub kind: ExpertKind,
    /// Covers the required domain and stage (false when none is required).
    pub covers: bool,
}

/// A backup took a vacated seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    pub seat_index: usize,
    pub previous: ExpertId,
    pub backup: ExpertId,
}

/// The outcome of a draw (抽取结果).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawResult {
    /// [`ALGORITHM`].
    pub algorithm: String,
    /// Seats in order; the first is the panel lead.
    pub seats: Vec<DrawnSeat>,
    /// Ranked backups still available.
    pub backups: Vec<Backup>,
    /// Backups that took seats since the draw, in order.
    pub replacements: Vec<Replacement>,
}

impl DrawResult {
    pub fn seat_ids(&self) -> Vec<ExpertId> {
        self.seats.iter().map(|s| s.expert).collect()
    }
    pub fn backup_ids(&self) -> Vec<ExpertId> {
        self.backups.iter().map(|b| b.expert).collect()
    }
}

/// Why a draw (or a replacement) could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum DrawError {
    /// Panel size even, below 3, or too small for the required seats.
    InvalidPanelSize { size: usize },
    /// The same expert appears twice among the candidates.
    DuplicateCandidate { expert: ExpertId },
    /// Too few eligible experts.
    NotEnoughEligible { needed: usize, available: usize },
    /// No eligible legal expert.
    NoLegalExpert,
    /// No eligible 学科/教学 expert covering the item (qualified in `subject`, when named).
    NoSubjectExpertFor {
        domain: ItemDomain,
        stage: Stage,
        #[serde(default)]
        subject: Option<SchoolSubject>,
    },
    /// No backup able to take the vacated seat.
    NoBackupLeft,
    /// No seat with that index.
    NoSuchSeat { index: usize },
}

impl DrawError {
    /// Translation key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            DrawError::InvalidPanelSize { .. } => "err.draw.invalid_panel_size",
            DrawError::DuplicateCandidate { .. } => "err.draw.duplicate_candidate",
            DrawError::NotEnoughEligible { .. } => "err.draw.not_enough_eligible",
            DrawError::NoLegalExpert => "err.draw.no_legal_expert",
            DrawError::NoSubjectExpertFor { subject: None, .. } => "err.draw.no_subject_expert",
            DrawError::NoSubjectExpertFor { .. } => "err.draw.no_subject_expert_qualified",
            DrawError::NoBackupLeft => "err.draw.no_backup_left",
            DrawError::NoSuchSeat { .. } => "err.draw.no_such_seat",
        }
    }
    /// Placeholder values: `{domain}`, `{stage}` and `{subject}` are translation keys themselves.
    pub fn args(&self) -> Vec<(String, String)> {
        match self {
            DrawError::InvalidPanelSize { size } => vec![("size".into(), size.to_string())],
            DrawError::DuplicateCandidate { expert } => {
                vec![("expert".into(), expert.to_string())]
            }
            DrawError::NotEnoughEligible { needed, available } => vec![
                ("needed".into(), needed.to_string()),
                ("available".into(), available.to_string()),
            ],
            DrawError::NoSubjectExpertFor {
                domain,
                stage,
                subject,
            } => {
                let mut a = vec![
                    ("domain".into(), domain.label_key().into()),
                    ("stage".into(), stage.label_key().into()),
                ];
                if let Some(s) = subject {
                    a.push(("subject".into(), s.label_key().into()));
                }
                a
            }
            DrawError::NoSuchSeat { index } => vec![("index".into(), index.to_string())],
            DrawError::NoLegalExpert | DrawError::NoBackupLeft => Vec::new(),
        }
    }
}

/// Unbiased integer in `0..m` (`m ≥ 1`) by rejection sampling on `next_u32` (step 5 of the
/// module doc).
pub fn uniform_below<R: RngCore>(rng: &mut R, m: u32) -> u32 {
    if m <= 1 {
        return 0;
    }
    let threshold = m.wrapping_neg() % m; // = 2^32 mod m
    loop {
        let x = rng.next_u32();
        if x >= threshold {
            return x % m;
        }
    }
}

/// Fisher–Yates shuffle driven by [`uniform_below`] (step 5 of the module doc).
pub fn shuffle<T, R: RngCore>(rng: &mut R, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = uniform_below(rng, (i + 1) as u32) as usize;
        items.swap(i, j);
    }
}

/// Draws a panel (algorithm `jd-draw-v1`, module doc) from the eligible candidates.
pub fn draw(
    candidates: &[Candidate],
    criteria: &DrawCriteria,
    seed: [u8; 32],
) -> Result<DrawResult, DrawError> {
    criteria.check()?;
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by_key(|c| c.id);
    if let Some(w) = order.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(DrawError::DuplicateCandidate { expert: w[0].id });
    }
    if order.len() < criteria.panel_size {
        return Err(DrawError::NotEnoughEligible {
            needed: criteria.panel_size,
            available: order.len(),
        });
    }
    let covers = |c: &Candidate| {
        criteria
            .require_subject_expert_covering
            .is_some_and(|(d, s)| c.covers(d, s, criteria.subject))
    };
    if let Some((domain, stage)) = criteria.require_subject_expert_covering {
        if !order.iter().any(|c| covers(c)) {
            return Err(DrawError::NoSubjectExpertFor {
                domain,
                stage,
                subject: criteria.subject,
            });
        }
    }
    if criteria.require_legal_expert && !order.iter().any(|c| c.kind == ExpertKind::Legal) {
        return Err(DrawError::NoLegalExpert);
    }

    let mut rng = ChaCha20Rng::from_seed(seed);
    shuffle(&mut rng, &mut order);

    let mut taken = vec![false; order.len()];
    let mut seats = Vec::with_capacity(criteria.panel_size);
    let mut take =
        |pred: &dyn Fn(&Candidate) -> bool, role: SeatRole, seats: &mut Vec<DrawnSeat>| {
            if let Some(i) = (0..order.len()).find(|&i| !taken[i] && pred(order[i])) {
                taken[i] = true;
                seats.push(DrawnSeat {
                    expert: order[i].id,
                    role,
                });
            }
        };
    if criteria.require_subject_expert_covering.is_some() {
        take(&covers, SeatRole::Subject, &mut seats);
    }
    if criteria.require_legal_expert {
        take(
            &|c| c.kind == ExpertKind::Legal,
            SeatRole::Legal,
            &mut seats,
        );
    }
    while seats.len() < criteria.panel_size {
        take(&|_| true, SeatRole::Member, &mut seats);
    }
    let backups = (0..order.len())
        .filter(|&i| !taken[i])
        .take(criteria.backups)
        .map(|i| Backup {
            expert: order[i].id,
            kind: order[i].kind,
            covers: covers(order[i]),
        })
        .collect();
    Ok(DrawResult {
        algorithm: ALGORITHM.to_string(),
        seats,
        backups,
        replacements: Vec::new(),
    })
}

/// The highest-ranked suitable backup takes seat `seat_index` (module doc). Pure: returns the
/// updated result.
pub fn replace_seat(result: &DrawResult, seat_index: usize) -> Result<DrawResult, DrawError> {
    let seat = *result
        .seats
        .get(seat_index)
        .ok_or(DrawError::NoSuchSeat { index: seat_index })?;
    let pos = result
        .backups
        .iter()
        .position(|b| match seat.role {
            SeatRole::Subject => b.covers,
            SeatRole::Legal => b.kind == ExpertKind::Legal,
            SeatRole::Member => true,
        })
        .ok_or(DrawError::NoBackupLeft)?;
    let mut next = result.clone();
    let backup = next.backups.remove(pos);
    next.seats[seat_index] = DrawnSeat {
        expert: backup.expert,
        role: seat.role,
    };
    next.replacements.push(Replacement {
        seat_index,
        previous: seat.expert,
        backup: backup.expert,
    });
    Ok(next)
}

/// A way a recorded draw differs from a re-run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "difference", rename_all = "snake_case")]
pub enum Difference {
    /// The record names another algorithm.
    Algorithm { recorded: String, expected: String },
    /// The re-run fails.
    DrawFailed { error: DrawError },
    /// A recorded replacement cannot be replayed as recorded.
    Replacement {
        index: usize,
        recorded: Replacement,
        expected: Option<Replacement>,
    },
    /// A seat differs.
    Seat {
        index: usize,
        recorded: Option<DrawnSeat>,
        expected: Option<DrawnSeat>,
    },
    /// A backup differs.
    Backup {
        index: usize,
        recorded: Option<Backup>,
        expected: Option<Backup>,
    },
}

/// Re-runs a draw from its record and replays its replacements; `Ok` when everything matches.
pub fn verify(
    record: &DrawResult,
    candidates: &[Candidate],
    criteria: &DrawCriteria,
    seed: [u8; 32],
) -> Result<(), Vec<Difference>> {
    let mut diffs = Vec::new();
    if record.algorithm != ALGORITHM {
        diffs.push(Difference::Algorithm {
            recorded: record.algorithm.clone(),
            expected: ALGORITHM.to_string(),
        });
        return Err(diffs);
    }
    let mut expected = match draw(candidates, criteria, seed) {
        Ok(r) => r,
        Err(error) => return Err(vec![Difference::DrawFailed { error }]),
    };
    for (index, rec) in record.replacements.iter().enumerate() {
        match replace_seat(&expected, rec.seat_index) {
            Ok(next) if next.replacements.last() == Some(rec) => expected = next,
            Ok(next) => {
                diffs.push(Difference::Replacement {
                    index,
                    recorded: *rec,
                    expected: next.replacements.last().copied(),
                });
                return Err(diffs);
            }
            Err(_) => {
                diffs.push(Difference::Replacement {
                    index,
                    recorded: *rec,
                    expected: None,
                });
                return Err(diffs);
            }
        }
    }
    for index in 0..record.seats.len().max(expected.seats.len()) {
        let (r, e) = (record.seats.get(index), expected.seats.get(index));
        if r != e {
            diffs.push(Difference::Seat {
                index,
                recorded: r.copied(),
                expected: e.copied(),
            });
        }
    }
    for index in 0..record.backups.len().max(expected.backups.len()) {
        let (r, e) = (record.backups.get(index), expected.backups.get(index));
        if r != e {
            diffs.push(Difference::Backup {
                index,
                recorded: r.copied(),
                expected: e.copied(),
            });
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs)
    }
}

/// The seed as 64 lower-case hex digits, for the draw record.
pub fn seed_to_hex(seed: &[u8; 32]) -> String {
    seed.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a seed written by [`seed_to_hex`].
pub fn seed_from_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_request_is_checked_field_by_field() {
        let req = |kind, panel_size, backups, reason: &str, observer| DrawRequest {
            kind,
            panel_size,
            backups,
            reason: reason.to_string(),
            observer,
        };
        let keys = |r: &DrawRequest, allowed| -> Vec<String> {
            check_request(r, allowed)
                .0
                .into_iter()
                .map(|e| e.key)
                .collect()
        };
        assert!(keys(&req(DrawKind::Initial, 5, 2, "", None), false).is_empty());
        assert_eq!(
            keys(&req(DrawKind::Initial, 4, 6, "", None), false),
            ["err.guard.panel_size", "err.draw.backups"]
        );
        // A supplementary draw fills the vacancies: no panel size of its own.
        assert!(keys(&req(DrawKind::Supplementary, 0, 0, "", None), true).is_empty());
        assert_eq!(
            keys(&req(DrawKind::Redraw, 5, 0, "", Some(9)), false),
            ["err.guard.reason_required", "err.draw.observer"]
        );
        let long = "理".repeat(REASON_MAX + 1);
        assert_eq!(
            keys(&req(DrawKind::Redraw, 5, 0, &long, Some(9)), true),
            ["err.text_too_long"]
        );
    }
    use proptest::prelude::*;
    use rand_core::RngCore;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn today() -> NaiveDate {
        d(2026, 3, 10)
    }

    fn expert(id: i64) -> ExpertFacts {
        ExpertFacts {
            id: ExpertId(id),
            status: ExpertStatus::Active,
            term_start: d(2025, 1, 1),
            term_end: d(2027, 12, 31),
            credit_barred: false,
            title: ProfessionalTitle::Intermediate,
            title_verified: false,
            kind: ExpertKind::SubjectTeaching,
            domains: vec![ItemDomain::Arts],
            stages: vec![Stage::Primary],
            school_subjects: vec![SchoolSubject::Art],
            employer: format!("单位{id}"),
            affiliations: vec![],
            economic_interests: vec![],
            active_cases: 0,
            declared: true,
            no_part_time_history: true,
            unavailable: None,
        }
    }

    #[test]
    fn a_part_time_history_not_declared_away_excludes() {
        let e = ExpertFacts {
            no_part_time_history: false,
            ..expert(1)
        };
        assert_eq!(
            eligibility(&e, &case(), today()),
            Err(vec![Exclusion::PartTimeHistory])
        );
    }

    fn case() -> DrawCaseFacts {
        DrawCaseFacts {
            case: CaseId(1),
            institution: InstitutionId(10),
            principal_employer: Some("昌吉市第三小学".into()),
            domain: ItemDomain::Arts,
            stage: Stage::Primary,
            earlier_round_experts: vec![],
            material_preparers: vec![],
            current_panel: vec![],
            declined: vec![],
            workload_limit: 5,
            require_verified_titles: false,
        }
    }

    /// Guide 五(三): with verified titles required, an unverified title excludes, with its own
    /// reason; a verified one does not; a title below 中级 keeps its own reason only.
    #[test]
    fn an_unverified_title_excludes_when_the_bureau_requires_it() {
        let strict = DrawCaseFacts {
            require_verified_titles: true,
            ..case()
        };
        assert_eq!(eligibility(&expert(1), &case(), today()), Ok(()));
        assert_eq!(
            eligibility(&expert(1), &strict, today()),
            Err(vec![Exclusion::TitleUnverified])
        );
        let verified = ExpertFacts {
            title_verified: true,
            ..expert(1)
        };
        assert_eq!(eligibility(&verified, &strict, today()), Ok(()));
        let junior = ExpertFacts {
            title: ProfessionalTitle::Junior,
            ..expert(1)
        };
        assert_eq!(
            eligibility(&junior, &strict, today()),
            Err(vec![Exclusion::TitleBelowIntermediate])
        );
    }

    fn cand(id: i64, kind: ExpertKind, covers: bool) -> Candidate {
        Candidate {
            id: ExpertId(id),
            kind,
            domains: if covers {
                vec![ItemDomain::Arts]
            } else {
                vec![ItemDomain::Sports]
            },
            stages: vec![Stage::Primary],
            school_subjects: if covers {
                vec![SchoolSubject::Art]
            } else {
                vec![]
            },
        }
    }

    /// "相应学科专家": the subject seat goes to the one expert qualified in the item's subject,
    /// whatever the domains; a qualified expert of another stage does not count.
    #[test]
    fn the_subject_seat_is_qualified_in_the_items_subject() {
        let mut pool: Vec<Candidate> = (1..=6)
            .map(|i| cand(i, ExpertKind::SubjectTeaching, true))
            .chain([cand(7, ExpertKind::Legal, false)])
            .collect();
        pool[4].school_subjects = vec![SchoolSubject::Art, SchoolSubject::Math];
        pool[5].school_subjects = vec![SchoolSubject::Math];
        pool[5].stages = vec![Stage::Junior];
        let crit = DrawCriteria::county(ItemDomain::Thinking, Stage::Primary)
            .with_subject(Some(SchoolSubject::Math));
        for i in 0..40 {
            let r = draw(&pool, &crit, seed(i)).expect("draws");
            assert_eq!(r.seats[0].role, SeatRole::Subject);
            assert_eq!(r.seats[0].expert, ExpertId(5), "seed {i}");
            assert_eq!(verify(&r, &pool, &crit, seed(i)), Ok(()));
        }
        // An old record (no subject in its criteria) still matches by domain.
        let old: DrawCriteria = serde_json::from_str(
            r#"{"panel_size":3,"backups":2,"require_subject_expert_covering":["arts","primary"],"require_legal_expert":true}"#,
        )
        .expect("old criteria");
        assert_eq!(old.subject, None);
        assert!(draw(&pool, &old, seed(1)).is_ok());
    }

    fn seed(i: u64) -> [u8; 32] {
        let mut s = [0u8; 32];
        s[..8].copy_from_slice(&i.to_le_bytes());
        s[31] = 0x5a;
        s
    }

    #[test]
    fn each_exclusion() {
        assert_eq!(eligibility(&expert(1), &case(), today()), Ok(()));
        let check = |e: ExpertFacts, c: DrawCaseFacts, want: Exclusion| {
            assert_eq!(eligibility(&e, &c, today()), Err(vec![want]), "{want:?}");
        };
        check(
            ExpertFacts {
                status: ExpertStatus::Suspended,
                ..expert(1)
            },
            case(),
            Exclusion::NotActive,
        );
        check(
            ExpertFacts {
                status: ExpertStatus::Removed,
                ..expert(1)
            },
            case(),
            Exclusion::NotActive,
        );
        check(
            ExpertFacts {
                term_start: d(2026, 4, 1),
                ..expert(1)
            },
            case(),
            Exclusion::TermNotStarted,
        );
        check(
            ExpertFacts {
                term_end: d(2026, 3, 9),
                ..expert(1)
            },
            case(),
            Exclusion::TermExpired,
        );
        check(
            ExpertFacts {
                credit_barred: true,
                ..expert(1)
            },
            case(),
            Exclusion::CreditBarred,
        );
        check(
            ExpertFacts {
                declared: false,
                ..expert(1)
            },
            case(),
            Exclusion::NoDeclaration,
        );
        check(
            ExpertFacts {
                unavailable: Some((d(2026, 3, 10), d(2026, 3, 20))),
                ..expert(1)
            },
            case(),
            Exclusion::Unavailable,
        );
        // Unavailable another time: fine.
        assert_eq!(
            eligibility(
                &ExpertFacts {
                    unavailable: Some((d(2026, 3, 11), d(2026, 3, 20))),
                    ..expert(1)
                },
                &case(),
                today()
            ),
            Ok(())
        );
        check(
            ExpertFacts {
                title: ProfessionalTitle::Junior,
                ..expert(1)
            },
            case(),
            Exclusion::TitleBelowIntermediate,
        );
        let aff = |rel, until| Affiliation {
            institution: InstitutionId(10),
            relation: rel,
            until,
        };
        check(
            ExpertFacts {
                affiliations: vec![aff(Relation::Own, None)],
                ..expert(1)
            },
            case(),
            Exclusion::WorksForApplicant,
        );
        // Left 2 years 11 months ago: still excluded; left over 3 years ago: fine.
        check(
            ExpertFacts {
                affiliations: vec![aff(Relation::CloseRelative, Some(d(2023, 4, 10)))],
                ..expert(1)
            },
            case(),
            Exclusion::RelativeWorksForApplicant,
        );
        assert!(eligibility(
            &ExpertFacts {
                affiliations: vec![aff(Relation::Own, Some(d(2023, 3, 9)))],
                ..expert(1)
            },
            &case(),
            today()
        )
        .is_ok());
        // Another institution's job is no conflict here.
        let other = Affiliation {
            institution: InstitutionId(11),
            relation: Relation::Own,
            until: None,
        };
        assert!(eligibility(
            &ExpertFacts {
                affiliations: vec![other],
                ..expert(1)
            },
            &case(),
            today()
        )
        .is_ok());
        check(
            ExpertFacts {
                employer: " 昌吉市 第三小学".into(),
                ..expert(1)
            },
            case(),
            Exclusion::SameEmployerAsPrincipal,
        );
        check(
            ExpertFacts {
                economic_interests: vec![InstitutionId(10)],
                ..expert(1)
            },
            case(),
            Exclusion::EconomicInterest,
        );
        check(
            expert(1),
            DrawCaseFacts {
                earlier_round_experts: vec![ExpertId(1)],
                ..case()
            },
            Exclusion::EarlierRound,
        );
        check(
            expert(1),
            DrawCaseFacts {
                material_preparers: vec![ExpertId(1)],
                ..case()
            },
            Exclusion::PreparedMaterials,
        );
        check(
            ExpertFacts {
                active_cases: 5,
                ..expert(1)
            },
            case(),
            Exclusion::OverWorkload {
                active: 5,
                limit: 5,
            },
        );
        check(
            expert(1),
            DrawCaseFacts {
                current_panel: vec![ExpertId(1)],
                ..case()
            },
            Exclusion::AlreadyOnPanel,
        );
        check(
            expert(1),
            DrawCaseFacts {
                declined: vec![ExpertId(1)],
                ..case()
            },
            Exclusion::DeclinedThisCase,
        );
    }

    #[test]
    fn all_reasons_at_once() {
        let e = ExpertFacts {
            status: ExpertStatus::Suspended,
            term_end: d(2026, 1, 1),
            credit_barred: true,
            title: ProfessionalTitle::Junior,
            affiliations: vec![
                Affiliation {
                    institution: InstitutionId(10),
                    relation: Relation::Own,
                    until: None,
                },
                Affiliation {
                    institution: InstitutionId(10),
                    relation: Relation::CloseRelative,
                    until: None,
                },
            ],
            employer: "昌吉市第三小学".into(),
            economic_interests: vec![InstitutionId(10)],
            active_cases: 9,
            ..expert(1)
        };
        let c = DrawCaseFacts {
            earlier_round_experts: vec![ExpertId(1)],
            material_preparers: vec![ExpertId(1)],
            current_panel: vec![ExpertId(1)],
            declined: vec![ExpertId(1)],
            ..case()
        };
        let why = eligibility(&e, &c, today()).expect_err("excluded");
        assert_eq!(why.len(), 13);
        for x in &why {
            assert!(x.label_key().starts_with("exclusion."));
        }
        let s = screen(&[expert(3), e, expert(2)], &c, today());
        assert_eq!(
            s.eligible.iter().map(|c| c.id.0).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(s.excluded.len(), 1);
    }

    #[test]
    fn chacha20_known_answer() {
        // The ChaCha20 key stream for an all-zero key and nonce begins 76 b8 e0 ad a0 f1 3d 90
        // (the reference test vector): pins the generator under the algorithm.
        let mut rng = ChaCha20Rng::from_seed([0u8; 32]);
        assert_eq!(rng.next_u32(), 0xade0_b876);
        assert_eq!(rng.next_u32(), 0x903d_f1a0);
    }

    #[test]
    fn pinned_panel() {
        // A fixed input and seed give this panel forever (algorithm jd-draw-v1).
        let pool: Vec<Candidate> = (1..=10)
            .map(|i| {
                cand(
                    i,
                    if i % 4 == 0 {
                        ExpertKind::Legal
                    } else {
                        ExpertKind::SubjectTeaching
                    },
                    i % 2 == 1,
                )
            })
            .collect();
        let r = draw(
            &pool,
            &DrawCriteria::county(ItemDomain::Arts, Stage::Primary),
            [7u8; 32],
        )
        .expect("draw");
        let again = draw(
            &pool,
            &DrawCriteria::county(ItemDomain::Arts, Stage::Primary),
            [7u8; 32],
        )
        .expect("draw");
        assert_eq!(r, again);
        assert_eq!(r.algorithm, "jd-draw-v1");
        assert_eq!((r.seats.len(), r.backups.len()), (3, 2));
        assert_eq!(r.seats[0].role, SeatRole::Subject);
        assert_eq!(r.seats[1].role, SeatRole::Legal);
        assert_eq!(format!("{:?} {:?}", r.seat_ids(), r.backup_ids()), PINNED);
    }

    const PINNED: &str = "[ExpertId(7), ExpertId(4), ExpertId(9)] [ExpertId(6), ExpertId(3)]";

    #[test]
    fn bounded_integer_rejects_the_biased_zone() {
        struct Fixed(Vec<u32>);
        impl RngCore for Fixed {
            fn next_u32(&mut self) -> u32 {
                self.0.remove(0)
            }
            fn next_u64(&mut self) -> u64 {
                u64::from(self.next_u32())
            }
            fn fill_bytes(&mut self, dst: &mut [u8]) {
                for b in dst {
                    *b = self.next_u32() as u8;
                }
            }
        }
        // m = 3: 2^32 mod 3 = 1, so 0 is rejected and the next value used.
        let mut r = Fixed(vec![0, 5]);
        assert_eq!(uniform_below(&mut r, 3), 2);
        let mut r = Fixed(vec![1]);
        assert_eq!(uniform_below(&mut r, 3), 1);
        let mut r = Fixed(vec![]);
        assert_eq!(uniform_below(&mut r, 1), 0);
        // m = 2^31 + 1: threshold 2^31 - 1.
        let m = (1u32 << 31) + 1;
        let mut r = Fixed(vec![(1 << 31) - 2, u32::MAX]);
        assert_eq!(uniform_below(&mut r, m), u32::MAX % m);
    }

    fn chi_square(counts: &[u32], total: u32) -> f64 {
        let e = f64::from(total) / counts.len() as f64;
        counts.iter().map(|&c| (f64::from(c) - e).powi(2) / e).sum()
    }

    fn perm_index(p: &[i64]) -> usize {
        // Lehmer code of a permutation of 1..=4.
        let mut idx = 0;
        for i in 0..p.len() {
            let smaller = p[i + 1..].iter().filter(|&&x| x < p[i]).count();
            idx = idx * (p.len() - i) + smaller;
        }
        idx
    }

    /// 10,000 draws of a 3-seat panel + 1 backup from 4 experts = a full permutation: each of
    /// the 24 orders should come up about equally. χ² with 23 degrees of freedom: p = 0.001 at
    /// 49.7. The seeds are fixed, so the test cannot flake; a naive (biased) shuffle on the same
    /// seeds scores far above the threshold.
    #[test]
    fn uniform_chi_square() {
        const N: u32 = 10_000;
        const THRESHOLD: f64 = 49.7;
        let pool: Vec<Candidate> = (1..=4)
            .map(|i| cand(i, ExpertKind::SubjectTeaching, true))
            .collect();
        let crit = DrawCriteria {
            panel_size: 3,
            backups: 1,
            require_subject_expert_covering: None,
            require_legal_expert: false,
            supplementary: false,
            subject: None,
        };
        let mut counts = [0u32; 24];
        let mut naive = [0u32; 24];
        for i in 0..u64::from(N) {
            let r = draw(&pool, &crit, seed(i)).expect("draw");
            let p: Vec<i64> = r
                .seat_ids()
                .iter()
                .chain(r.backup_ids().iter())
                .map(|e| e.0)
                .collect();
            counts[perm_index(&p)] += 1;
            // The classic wrong shuffle: swap each position with any position.
            let mut rng = ChaCha20Rng::from_seed(seed(i));
            let mut q = [1i64, 2, 3, 4];
            for k in 0..4 {
                let j = uniform_below(&mut rng, 4) as usize;
                q.swap(k, j);
            }
            naive[perm_index(&q)] += 1;
        }
        let chi = chi_square(&counts, N);
        assert!(chi < THRESHOLD, "chi-square {chi}");
        let chi_naive = chi_square(&naive, N);
        assert!(
            chi_naive > THRESHOLD,
            "naive shuffle chi-square {chi_naive}"
        );

        // The subject seat among 6 covering experts (+ 3 legal): uniform, χ² df 5, p=0.001 at 20.5.
        let mut pool: Vec<Candidate> = (1..=6)
            .map(|i| cand(i, ExpertKind::SubjectTeaching, true))
            .collect();
        pool.extend((7..=9).map(|i| cand(i, ExpertKind::Legal, false)));
        let crit = DrawCriteria::county(ItemDomain::Arts, Stage::Primary);
        let mut subject = [0u32; 6];
        for i in 0..u64::from(N) {
            let r = draw(&pool, &crit, seed(i + 1_000_000)).expect("draw");
            subject[(r.seats[0].expert.0 - 1) as usize] += 1;
        }
        let chi = chi_square(&subject, N);
        assert!(chi < 20.5, "subject seat chi-square {chi}");
    }

    #[test]
    fn errors_name_what_is_missing() {
        let crit = DrawCriteria::county(ItemDomain::Arts, Stage::Primary);
        let two = [
            cand(1, ExpertKind::SubjectTeaching, true),
            cand(2, ExpertKind::Legal, false),
        ];
        assert_eq!(
            draw(&two, &crit, [0; 32]),
            Err(DrawError::NotEnoughEligible {
                needed: 3,
                available: 2
            })
        );
        let no_legal = [
            cand(1, ExpertKind::SubjectTeaching, true),
            cand(2, ExpertKind::SubjectTeaching, false),
            cand(3, ExpertKind::SubjectTeaching, false),
        ];
        assert_eq!(
            draw(&no_legal, &crit, [0; 32]),
            Err(DrawError::NoLegalExpert)
        );
        let no_subject = [
            cand(1, ExpertKind::SubjectTeaching, false),
            cand(2, ExpertKind::Legal, false),
            cand(3, ExpertKind::Legal, false),
        ];
        assert_eq!(
            draw(&no_subject, &crit, [0; 32]),
            Err(DrawError::NoSubjectExpertFor {
                domain: ItemDomain::Arts,
                stage: Stage::Primary,
                subject: None,
            })
        );
        // With the item's 相关学科 named, covering the domain is not enough.
        let math = crit.with_subject(Some(SchoolSubject::Math));
        let domain_only = [
            cand(1, ExpertKind::SubjectTeaching, true),
            cand(2, ExpertKind::Legal, false),
            cand(3, ExpertKind::Legal, false),
        ];
        assert_eq!(
            draw(&domain_only, &math, [0; 32]),
            Err(DrawError::NoSubjectExpertFor {
                domain: ItemDomain::Arts,
                stage: Stage::Primary,
                subject: Some(SchoolSubject::Math),
            })
        );
        let dup = [
            cand(1, ExpertKind::SubjectTeaching, true),
            cand(2, ExpertKind::Legal, false),
            cand(1, ExpertKind::Legal, false),
        ];
        assert_eq!(
            draw(&dup, &crit, [0; 32]),
            Err(DrawError::DuplicateCandidate {
                expert: ExpertId(1)
            })
        );
        let even = DrawCriteria {
            panel_size: 4,
            ..crit
        };
        assert_eq!(
            draw(&no_legal, &even, [0; 32]),
            Err(DrawError::InvalidPanelSize { size: 4 })
        );
        let one = DrawCriteria {
            panel_size: 1,
            ..crit
        };
        assert!(one.check().is_err());
        assert_eq!(
            DrawCriteria::prefecture_rereview(ItemDomain::Arts, Stage::Primary).panel_size,
            5
        );
        assert_eq!(DrawCriteria::default().backups, 2);
        for e in [
            DrawError::NoLegalExpert,
            DrawError::NoBackupLeft,
            DrawError::NotEnoughEligible {
                needed: 3,
                available: 1,
            },
        ] {
            assert!(e.key().starts_with("err.draw."));
        }
    }

    #[test]
    fn replacement_keeps_composition() {
        // Pool: 3 covering subject experts, 3 legal, 2 others; panel 3 with 5 backups, so at
        // least one covering and one legal expert are always among the backups.
        let mut pool: Vec<Candidate> = (1..=3)
            .map(|i| cand(i, ExpertKind::SubjectTeaching, true))
            .collect();
        pool.extend((4..=6).map(|i| cand(i, ExpertKind::Legal, false)));
        pool.extend((7..=8).map(|i| cand(i, ExpertKind::SubjectTeaching, false)));
        let crit = DrawCriteria {
            backups: 5,
            ..DrawCriteria::county(ItemDomain::Arts, Stage::Primary)
        };
        for s in 0..50 {
            let r = draw(&pool, &crit, seed(s)).expect("draw");
            let mut after = replace_seat(&r, 0).expect("a covering backup exists");
            assert!(pool.iter().any(|c| c.id == after.seats[0].expert
                && c.covers(ItemDomain::Arts, Stage::Primary, None)));
            assert_eq!(after.replacements.len(), 1);
            assert_eq!(after.backups.len(), r.backups.len() - 1);
            // Replace the legal seat until no legal backup is left.
            loop {
                match replace_seat(&after, 1) {
                    Ok(next) => {
                        after = next;
                        assert!(pool
                            .iter()
                            .any(|c| c.id == after.seats[1].expert && c.kind == ExpertKind::Legal));
                    }
                    Err(e) => {
                        assert_eq!(e, DrawError::NoBackupLeft);
                        assert!(after.backups.iter().all(|b| b.kind != ExpertKind::Legal));
                        break;
                    }
                }
            }
            assert_eq!(
                replace_seat(&after, 7),
                Err(DrawError::NoSuchSeat { index: 7 })
            );
            assert_eq!(verify(&after, &pool, &crit, seed(s)), Ok(()));
        }
    }

    #[test]
    fn verify_reports_differences() {
        let pool: Vec<Candidate> = (1..=9)
            .map(|i| {
                cand(
                    i,
                    if i > 6 {
                        ExpertKind::Legal
                    } else {
                        ExpertKind::SubjectTeaching
                    },
                    i <= 3,
                )
            })
            .collect();
        let crit = DrawCriteria::county(ItemDomain::Arts, Stage::Primary);
        let r = draw(&pool, &crit, [1; 32]).expect("draw");
        assert_eq!(verify(&r, &pool, &crit, [1; 32]), Ok(()));
        let mut forged = r.clone();
        forged.seats.swap(1, 2);
        let diffs = verify(&forged, &pool, &crit, [1; 32]).expect_err("differs");
        assert_eq!(diffs.len(), 2);
        assert!(matches!(diffs[0], Difference::Seat { index: 1, .. }));
        let mut other = r.clone();
        other.algorithm = "jd-draw-v0".into();
        assert!(matches!(
            verify(&other, &pool, &crit, [1; 32]).expect_err("x")[0],
            Difference::Algorithm { .. }
        ));
        // Another seed gives (almost surely) another panel; same seed verifies.
        let diffs = verify(&r, &pool, &crit, [2; 32]);
        let r2 = draw(&pool, &crit, [2; 32]).expect("draw");
        assert_eq!(diffs.is_ok(), r2 == r);
        assert!(matches!(
            verify(&r, &pool[..2], &crit, [1; 32]).expect_err("x")[0],
            Difference::DrawFailed { .. }
        ));
        let mut bad_rep = r.clone();
        bad_rep.replacements.push(Replacement {
            seat_index: 2,
            previous: ExpertId(99),
            backup: ExpertId(98),
        });
        assert!(matches!(
            verify(&bad_rep, &pool, &crit, [1; 32]).expect_err("x")[0],
            Difference::Replacement { .. }
        ));
    }

    #[test]
    fn seed_hex() {
        let s = seed(0xdead_beef);
        let h = seed_to_hex(&s);
        assert_eq!(h.len(), 64);
        assert_eq!(seed_from_hex(&h), Some(s));
        assert_eq!(seed_from_hex("zz"), None);
        assert_eq!(seed_from_hex(&"g".repeat(64)), None);
    }

    fn any_pool() -> impl Strategy<Value = Vec<ExpertFacts>> {
        proptest::collection::vec(
            (
                1i64..60,
                0u8..10,
                any::<bool>(),
                0usize..7,
                0usize..3,
                0u32..7,
                any::<bool>(),
            ),
            0..30,
        )
        .prop_map(|rows| {
            let mut seen = std::collections::BTreeSet::new();
            rows.into_iter()
                .filter(|r| seen.insert(r.0))
                .map(|(id, flags, legal, dom, st, load, tie)| ExpertFacts {
                    status: if flags == 0 {
                        ExpertStatus::Suspended
                    } else {
                        ExpertStatus::Active
                    },
                    credit_barred: flags == 1,
                    title: if flags == 2 {
                        ProfessionalTitle::Junior
                    } else {
                        ProfessionalTitle::Senior
                    },
                    kind: if legal {
                        ExpertKind::Legal
                    } else {
                        ExpertKind::SubjectTeaching
                    },
                    domains: vec![ItemDomain::ALL[dom]],
                    stages: vec![Stage::ALL[st]],
                    active_cases: load,
                    affiliations: if tie {
                        vec![Affiliation {
                            institution: InstitutionId(10),
                            relation: Relation::Own,
                            until: None,
                        }]
                    } else {
                        vec![]
                    },
                    ..expert(id)
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(160))]

        #[test]
        fn draw_properties(pool in any_pool(), s in any::<[u8; 32]>(), five in any::<bool>(), backups in 0usize..4) {
            let c = DrawCaseFacts { earlier_round_experts: vec![ExpertId(3), ExpertId(4)], ..case() };
            let screening = screen(&pool, &c, today());
            let mut crit = if five {
                DrawCriteria::prefecture_rereview(c.domain, c.stage)
            } else {
                DrawCriteria::county(c.domain, c.stage)
            };
            crit.backups = backups;
            let eligible = &screening.eligible;
            let covering = eligible.iter().any(|x| x.covers(c.domain, c.stage, None));
            let legal = eligible.iter().any(|x| x.kind == ExpertKind::Legal);
            match draw(eligible, &crit, s) {
                Ok(r) => {
                    let seats = r.seat_ids();
                    let mut all = seats.clone();
                    all.extend(r.backup_ids());
                    let n = all.len();
                    all.sort();
                    all.dedup();
                    prop_assert_eq!(all.len(), n, "repeated expert");
                    prop_assert_eq!(seats.len(), crit.panel_size);
                    prop_assert!(r.backups.len() <= backups);
                    for id in &all {
                        let e = pool.iter().find(|e| e.id == *id).expect("from the pool");
                        prop_assert!(eligibility(e, &c, today()).is_ok(), "excluded expert seated");
                    }
                    prop_assert!(seats.iter().any(|id| eligible.iter().any(|x| x.id == *id && x.covers(c.domain, c.stage, None))));
                    prop_assert!(seats.iter().any(|id| eligible.iter().any(|x| x.id == *id && x.kind == ExpertKind::Legal)));
                    let again = draw(eligible, &crit, s);
                    prop_assert_eq!(again, Ok(r.clone()));
                    prop_assert_eq!(verify(&r, eligible, &crit, s), Ok(()));
                    // Candidate order given does not matter.
                    let mut rev = eligible.clone();
                    rev.reverse();
                    prop_assert_eq!(draw(&rev, &crit, s), Ok(r));
                }
                Err(DrawError::NotEnoughEligible { needed, available }) => {
                    prop_assert_eq!(needed, crit.panel_size);
                    prop_assert!(available < needed);
                }
                Err(DrawError::NoSubjectExpertFor { .. }) => prop_assert!(!covering),
                Err(DrawError::NoLegalExpert) => prop_assert!(!legal),
                Err(e) => prop_assert!(false, "unexpected {:?}", e),
            }
            // Whenever the pool allows the composition, the draw succeeds.
            if eligible.len() >= crit.panel_size && covering && legal {
                prop_assert!(draw(eligible, &crit, s).is_ok());
            }
        }
    }

    #[test]
    fn supplementary_draw_fills_any_number_of_seats() {
        let pool: Vec<Candidate> = (1..=6)
            .map(|i| {
                cand(
                    i,
                    if i % 3 == 0 {
                        ExpertKind::Legal
                    } else {
                        ExpertKind::SubjectTeaching
                    },
                    true,
                )
            })
            .collect();
        let one_legal = DrawCriteria {
            panel_size: 1,
            backups: 1,
            require_subject_expert_covering: None,
            require_legal_expert: true,
            supplementary: true,
            subject: None,
        };
        let r = draw(&pool, &one_legal, seed(7)).expect("draws");
        assert_eq!(r.seats.len(), 1);
        assert_eq!(r.seats[0].role, SeatRole::Legal);
        assert_eq!(r.backups.len(), 1);
        assert_eq!(verify(&r, &pool, &one_legal, seed(7)), Ok(()));
        // Not supplementary: a panel of one is refused; supplementary of none too.
        assert!(draw(
            &pool,
            &DrawCriteria {
                supplementary: false,
                ..one_legal
            },
            seed(7)
        )
        .is_err());
        assert!(draw(
            &pool,
            &DrawCriteria {
                panel_size: 0,
                ..one_legal
            },
            seed(7)
        )
        .is_err());
        // Criteria stored before the field existed read as a full draw.
        let old: DrawCriteria = serde_json::from_str(
            r#"{"panel_size":3,"backups":2,"require_subject_expert_covering":null,"require_legal_expert":true}"#,
        )
        .expect("reads");
        assert!(!old.supplementary);
    }
}
