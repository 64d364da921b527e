use super::rules::rule_for;
use super::*;
use crate::domain::access::{case_view, CaseView};
use crate::domain::case::*;
use crate::domain::china_time::china_date;
use crate::domain::deadline::Clock;
use crate::domain::ids::*;
use crate::domain::material::MaterialKind;
use crate::domain::role::Scope;
use crate::domain::terms::{Category, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

const COUNTY: CountyId = CountyId(652301);
const OTHER_COUNTY: CountyId = CountyId(652302);
const INST: InstitutionId = InstitutionId(10);

fn actor(role: Role, scope: Scope) -> Initiator {
    Initiator::User(Actor::new(UserId(1), role, scope).expect("fits"))
}
fn inst() -> Initiator {
    actor(Role::InstitutionUser, Scope::Institution(INST))
}
fn other_inst() -> Initiator {
    actor(Role::InstitutionUser, Scope::Institution(InstitutionId(11)))
}
fn clerk() -> Initiator {
    actor(Role::CountyClerk, Scope::County(COUNTY))
}
fn other_clerk() -> Initiator {
    actor(Role::CountyClerk, Scope::County(OTHER_COUNTY))
}
fn director() -> Initiator {
    actor(Role::CountyDirector, Scope::County(COUNTY))
}
fn p_clerk() -> Initiator {
    actor(Role::PrefectureClerk, Scope::Prefecture)
}
fn p_director() -> Initiator {
    actor(Role::PrefectureDirector, Scope::Prefecture)
}
fn observer() -> Initiator {
    actor(Role::Observer, Scope::County(COUNTY))
}
fn admin() -> Initiator {
    actor(Role::Admin, Scope::System)
}
fn expert(id: i64) -> Initiator {
    actor(Role::Expert, Scope::Expert(ExpertId(id)))
}

fn all_initiators() -> Vec<Initiator> {
    let mut v = vec![
        inst(),
        other_inst(),
        clerk(),
        other_clerk(),
        director(),
        p_clerk(),
        p_director(),
        observer(),
        admin(),
        Initiator::System,
    ];
    for e in 1..=6 {
        v.push(expert(e));
    }
    v
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-10T02:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}
fn today() -> NaiveDate {
    china_date(now())
}

fn seat(e: i64, status: SeatStatus, lead: bool) -> SeatFacts {
    SeatFacts {
        expert: ExpertId(e),
        status,
        lead,
        declaration_signed: status == SeatStatus::Accepted,
        sheet_submitted: false,
        opinion_signed: false,
    }
}

fn facts(state: CaseState) -> CaseFacts {
    CaseFacts {
        id: CaseId(1),
        level: CaseLevel::County,
        county: COUNTY,
        institution: INST,
        state,
        parent: None,
        child: None,
        child_determined: false,
        stage: Stage::Primary,
        materials_present: vec![
            MaterialKind::CoursePlan,
            MaterialKind::Syllabus,
            MaterialKind::LessonPlan,
            MaterialKind::EvaluationPlan,
            MaterialKind::Promotional,
        ],
        undertaking_given: true,
        draw_committed: !matches!(
            state,
            CaseState::Draft
                | CaseState::Submitted
                | CaseState::Returned
                | CaseState::Accepted
                | CaseState::Suspended
                | CaseState::Withdrawn
                | CaseState::NotAccepted
        ),
        seats: if matches!(
            state,
            CaseState::Draft
                | CaseState::Submitted
                | CaseState::Returned
                | CaseState::Accepted
                | CaseState::Suspended
                | CaseState::Withdrawn
                | CaseState::NotAccepted
        ) {
            vec![]
        } else if state == CaseState::PanelDrawn {
            vec![
                seat(1, SeatStatus::Invited, true),
                seat(2, SeatStatus::Invited, false),
                seat(3, SeatStatus::Invited, false),
            ]
        } else {
            vec![
                seat(1, SeatStatus::Accepted, true),
                seat(2, SeatStatus::Accepted, false),
                seat(3, SeatStatus::Accepted, false),
            ]
        },
        review_started: matches!(
            state,
            CaseState::UnderReview
                | CaseState::AwaitingInfo
                | CaseState::OpinionDrafted
                | CaseState::OpinionSealed
                | CaseState::Escalated
                | CaseState::Determined
                | CaseState::RereviewRequested
                | CaseState::RereviewRefused
                | CaseState::Forwarded
                | CaseState::Final
                | CaseState::Terminated
        ),
        determined_on: None,
        rereview_window_end: None,
    }
}

/// A well-formed action of each kind.
fn sample(kind: ActionKind) -> Action {
    let r = || "理由说明".to_string();
    match kind {
        ActionKind::Submit => Action::Submit,
        ActionKind::Withdraw => Action::Withdraw { reason: r() },
        ActionKind::Return => Action::Return {
            deficiencies: vec!["缺少评价方案".into()],
        },
        ActionKind::NotAccept => Action::NotAccept { reason: r() },
        ActionKind::DetermineDirectly => Action::DetermineDirectly {
            category: Category::NonSubject,
            reasons: r(),
        },
        ActionKind::Accept => Action::Accept,
        ActionKind::RecordDraw => Action::RecordDraw {
            seats: vec![ExpertId(1), ExpertId(2), ExpertId(3)],
            backups: vec![ExpertId(4), ExpertId(5)],
            observer: None,
        },
        ActionKind::Suspend => Action::Suspend { reason: r() },
        ActionKind::Resume => Action::Resume { reason: r() },
        ActionKind::AcceptSeat => Action::AcceptSeat {
            declaration_signed: true,
        },
        ActionKind::DeclineSeat => Action::DeclineSeat { reason: r() },
        ActionKind::DeclareConflict => Action::DeclareConflict { reason: r() },
        ActionKind::ReplaceSeat => Action::ReplaceSeat {
            expert: ExpertId(2),
            reason: r(),
        },
        ActionKind::Redraw => Action::Redraw { reason: r() },
        ActionKind::DrawSupplement => Action::DrawSupplement {
            seats: vec![ExpertId(9)],
            backups: vec![],
        },
        ActionKind::StartReview => Action::StartReview,
        ActionKind::RequestInfo => Action::RequestInfo { request: r() },
        ActionKind::ProvideInfo => Action::ProvideInfo { note: r() },
        ActionKind::ResumeReview => Action::ResumeReview { reason: r() },
        ActionKind::DraftOpinion => Action::DraftOpinion,
        ActionKind::SignOpinion => Action::SignOpinion { dissent: None },
        ActionKind::ReturnOpinion => Action::ReturnOpinion { reason: r() },
        ActionKind::SealOpinion => Action::SealOpinion,
        ActionKind::Escalate => Action::Escalate { reason: r() },
        ActionKind::Determine => Action::Determine {
            category: Category::Subject,
            reasons: r(),
        },
        ActionKind::RequestRereview => Action::RequestRereview { grounds: r() },
        ActionKind::RefuseRereview => Action::RefuseRereview { reasons: r() },
        ActionKind::ForwardRereview => Action::ForwardRereview { reasons: r() },
        ActionKind::OrderPrefecturePanel => Action::OrderPrefecturePanel { reason: r() },
        ActionKind::Finalize => Action::Finalize,
        ActionKind::Terminate => Action::Terminate { reason: r() },
    }
}

#[test]
fn codes_round_trip_and_terminal() {
    for s in CaseState::ALL {
        assert_eq!(CaseState::from_code(s.code()), Some(s));
        assert!(s.label_key().starts_with("state."));
    }
    for k in ActionKind::ALL {
        assert_eq!(ActionKind::from_code(k.code()), Some(k));
        assert_eq!(sample(k).kind(), k);
    }
    let terminal: Vec<CaseState> = CaseState::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    assert_eq!(
        terminal,
        [
            CaseState::Withdrawn,
            CaseState::NotAccepted,
            CaseState::Final,
            CaseState::Terminated
        ]
    );
}

#[test]
fn table_is_consistent() {
    // No duplicate (from, action), nothing leaves a terminal state, every non-terminal state
    // has a way out, every action kind is used.
    let all: Vec<&Rule> = rules().collect();
    for (i, a) in all.iter().enumerate() {
        assert!(!a.from.is_terminal(), "{:?}", a.from);
        for b in &all[i + 1..] {
            assert!(
                !(a.from == b.from && a.action == b.action),
                "duplicate {:?} {:?}",
                a.from,
                a.action
            );
        }
    }
    for s in CaseState::ALL {
        assert_eq!(s.is_terminal(), !all.iter().any(|r| r.from == s), "{s:?}");
    }
    for k in ActionKind::ALL {
        assert!(all.iter().any(|r| r.action == k), "{k:?}");
    }
    for s in CaseState::ALL.into_iter().filter(|s| s.is_active()) {
        assert!(
            all.iter()
                .any(|r| r.from == s && r.action == ActionKind::Terminate),
            "terminate from {s:?}"
        );
    }
}

/// Every (state, action, initiator) combination: exactly the table's entries succeed, and the
/// error kinds are the documented ones.
#[test]
fn every_transition_for_every_role() {
    let mut ok = 0;
    for state in CaseState::ALL {
        let mut f = facts(state);
        f.rereview_window_end = Some(today());
        if state == CaseState::UnderReview {
            for s in &mut f.seats {
                s.sheet_submitted = true;
            }
        }
        if state == CaseState::OpinionDrafted {
            for s in &mut f.seats {
                s.sheet_submitted = true;
            }
        }
        for kind in ActionKind::ALL {
            for by in all_initiators() {
                let before = f.clone();
                let res = apply(&f, &sample(kind), &by, now());
                assert_eq!(f, before, "apply must not change the facts");
                let visible = match &by {
                    Initiator::User(a) => case_view(a, &f) != CaseView::None,
                    Initiator::System => true,
                };
                match res {
                    Ok(t) => {
                        let rule = rule_for(state, kind).expect("a rule");
                        assert_eq!(t.to, rule.to);
                        assert_eq!(t.from, state);
                        assert!(visible);
                        ok += 1;
                    }
                    Err(TransitionError::NotFound) => assert!(!visible),
                    Err(TransitionError::WrongState { state: s, action }) => {
                        assert_eq!((s, action), (state, kind));
                        assert!(rule_for(state, kind).is_none());
                    }
                    Err(TransitionError::NotAllowed) => assert!(visible),
                    Err(TransitionError::GuardFailed { key }) => {
                        assert!(key.starts_with("err.guard."), "{key}");
                        assert!(rule_for(state, kind).is_some());
                    }
                }
            }
        }
    }
    assert!(ok > 40, "{ok} successful transitions");
}

fn ok(f: &CaseFacts, a: Action, by: &Initiator) -> Transition {
    match apply(f, &a, by, now()) {
        Ok(t) => t,
        Err(e) => panic!("{a:?} by {by:?} in {:?}: {e:?}", f.state),
    }
}

fn err(f: &CaseFacts, a: Action, by: &Initiator) -> TransitionError {
    match apply(f, &a, by, now()) {
        Ok(t) => panic!("{a:?} should fail, gave {:?}", t.to),
        Err(e) => e,
    }
}

#[test]
fn submission_and_intake() {
    let f = facts(CaseState::Draft);
    let t = ok(&f, Action::Submit, &inst());
    assert_eq!(t.to, CaseState::Submitted);
    assert_eq!(
        t.effects,
        [Effect::StartClock {
            clock: Clock::Intake
        }]
    );
    assert_eq!(t.action_code, "submit");
    // Other institution: not found. County clerk cannot see a draft: not found.
    assert_eq!(
        err(&f, Action::Submit, &other_inst()),
        TransitionError::NotFound
    );
    assert_eq!(err(&f, Action::Submit, &clerk()), TransitionError::NotFound);
    let mut g = f.clone();
    g.materials_present
        .retain(|m| *m != MaterialKind::EvaluationPlan);
    assert_eq!(
        err(&g, Action::Submit, &inst()),
        TransitionError::GuardFailed {
            key: "err.guard.materials_missing"
        }
    );
    let mut g = f.clone();
    g.undertaking_given = false;
    assert_eq!(
        err(&g, Action::Submit, &inst()),
        TransitionError::GuardFailed {
            key: "err.guard.undertaking_missing"
        }
    );

    let s = facts(CaseState::Submitted);
    assert_eq!(
        err(&s, Action::Submit, &inst()),
        TransitionError::WrongState {
            state: CaseState::Submitted,
            action: ActionKind::Submit
        }
    );
    assert_eq!(ok(&s, Action::Accept, &clerk()).to, CaseState::Accepted);
    assert_eq!(
        err(&s, Action::Accept, &director()),
        TransitionError::NotAllowed
    );
    assert_eq!(
        err(&s, Action::Accept, &inst()),
        TransitionError::NotAllowed
    );
    assert_eq!(
        err(&s, Action::Accept, &observer()),
        TransitionError::NotAllowed
    );
    assert_eq!(
        err(&s, Action::Accept, &other_clerk()),
        TransitionError::NotFound
    );
    assert_eq!(err(&s, Action::Accept, &admin()), TransitionError::NotFound);
    assert_eq!(
        err(&s, Action::Accept, &p_clerk()),
        TransitionError::NotAllowed
    );
    let r = ok(
        &s,
        Action::Return {
            deficiencies: vec![" 缺少评价方案 ".into(), "".into()],
        },
        &clerk(),
    );
    assert_eq!(r.to, CaseState::Returned);
    assert!(r.effects.contains(&Effect::RecordDeficiencies {
        items: vec!["缺少评价方案".into()]
    }));
    assert_eq!(
        err(
            &s,
            Action::Return {
                deficiencies: vec![" ".into()]
            },
            &clerk()
        ),
        TransitionError::GuardFailed {
            key: "err.guard.deficiencies_required"
        }
    );
    assert_eq!(
        err(
            &s,
            Action::NotAccept {
                reason: "  ".into()
            },
            &clerk()
        ),
        TransitionError::GuardFailed {
            key: "err.guard.reason_required"
        }
    );
    assert_eq!(
        ok(
            &s,
            Action::NotAccept {
                reason: "不属于本县".into()
            },
            &clerk()
        )
        .to,
        CaseState::NotAccepted
    );
    let d = ok(
        &s,
        Action::DetermineDirectly {
            category: Category::NonSubject,
            reasons: "明显属于体育类".into(),
        },
        &director(),
    );
    assert_eq!(d.to, CaseState::Determined);
    assert!(d.effects.contains(&Effect::StartClock {
        clock: Clock::RereviewRequest
    }));
    let resub = facts(CaseState::Returned);
    assert_eq!(ok(&resub, Action::Submit, &inst()).to, CaseState::Submitted);
}

#[test]
fn withdrawal_only_before_draw() {
    for s in [
        CaseState::Draft,
        CaseState::Submitted,
        CaseState::Returned,
        CaseState::Accepted,
        CaseState::Suspended,
    ] {
        let f = facts(s);
        assert_eq!(
            ok(
                &f,
                Action::Withdraw {
                    reason: String::new()
                },
                &inst()
            )
            .to,
            CaseState::Withdrawn
        );
    }
    let mut f = facts(CaseState::Suspended);
    f.draw_committed = true;
    assert_eq!(
        err(
            &f,
            Action::Withdraw {
                reason: String::new()
            },
            &inst()
        ),
        TransitionError::GuardFailed {
            key: "err.guard.after_draw"
        }
    );
    let f = facts(CaseState::PanelDrawn);
    assert!(matches!(
        err(
            &f,
            Action::Withdraw {
                reason: String::new()
            },
            &inst()
        ),
        TransitionError::WrongState { .. }
    ));
}

#[test]
fn draw_and_seats() {
    let f = facts(CaseState::Accepted);
    let t = ok(&f, sample(ActionKind::RecordDraw), &clerk());
    assert_eq!(t.to, CaseState::PanelDrawn);
    let bad = Action::RecordDraw {
        seats: vec![ExpertId(1), ExpertId(2)],
        backups: vec![],
        observer: None,
    };
    assert_eq!(
        err(&f, bad, &clerk()),
        TransitionError::GuardFailed {
            key: "err.guard.panel_size"
        }
    );
    let dup = Action::RecordDraw {
        seats: vec![ExpertId(1), ExpertId(2), ExpertId(3)],
        backups: vec![ExpertId(3)],
        observer: None,
    };
    assert_eq!(
        err(&f, dup, &clerk()),
        TransitionError::GuardFailed {
            key: "err.guard.draw_duplicate"
        }
    );
    assert_eq!(
        ok(&f, sample(ActionKind::Suspend), &clerk()).to,
        CaseState::Suspended
    );
    let s = facts(CaseState::Suspended);
    assert_eq!(
        ok(&s, sample(ActionKind::Resume), &clerk()).to,
        CaseState::Accepted
    );

    let p = facts(CaseState::PanelDrawn);
    // An invited expert can see the case (limited) and accept with a declaration.
    let t = ok(&p, sample(ActionKind::AcceptSeat), &expert(1));
    assert_eq!(t.to, CaseState::PanelDrawn);
    assert_eq!(
        t.effects,
        [Effect::SeatAccepted {
            expert: ExpertId(1)
        }]
    );
    assert_eq!(
        err(
            &p,
            Action::AcceptSeat {
                declaration_signed: false
            },
            &expert(1)
        ),
        TransitionError::GuardFailed {
            key: "err.guard.declaration_required"
        }
    );
    // An expert not on the panel: not found.
    assert_eq!(
        err(&p, sample(ActionKind::AcceptSeat), &expert(9)),
        TransitionError::NotFound
    );
    let t = ok(&p, sample(ActionKind::DeclineSeat), &expert(2));
    assert_eq!(
        t.effects,
        [Effect::SeatVacated {
            expert: ExpertId(2),
            cause: Vacancy::Declined
        }]
    );
    let t = ok(&p, sample(ActionKind::DeclareConflict), &expert(3));
    assert_eq!(t.to, CaseState::PanelDrawn);
    // Start review: only the system, only when ready.
    assert_eq!(
        err(&p, Action::StartReview, &Initiator::System),
        TransitionError::GuardFailed {
            key: "err.guard.panel_not_ready"
        }
    );
    assert_eq!(
        err(&p, Action::StartReview, &clerk()),
        TransitionError::NotAllowed
    );
    let mut ready = p.clone();
    for s in &mut ready.seats {
        s.status = SeatStatus::Accepted;
        s.declaration_signed = true;
    }
    // An accepted expert can no longer "accept" (no open invitation).
    assert_eq!(
        err(&ready, sample(ActionKind::AcceptSeat), &expert(1)),
        TransitionError::NotAllowed
    );
    assert_eq!(due_system_action(&ready, now()), Some(Action::StartReview));
    ready.review_started = false;
    let t = ok(&ready, Action::StartReview, &Initiator::System);
    assert_eq!(t.to, CaseState::UnderReview);
    assert_eq!(t.by, None);
    assert_eq!(
        t.effects,
        [Effect::StartClock {
            clock: Clock::PanelReview
        }]
    );
    let mut unsigned = ready.clone();
    unsigned.seats[1].declaration_signed = false;
    assert!(apply(&unsigned, &Action::StartReview, &Initiator::System, now()).is_err());
    // Clerk replaces / redraws.
    assert_eq!(
        ok(&p, sample(ActionKind::ReplaceSeat), &clerk()).to,
        CaseState::PanelDrawn
    );
    assert_eq!(
        err(
            &p,
            Action::ReplaceSeat {
                expert: ExpertId(99),
                reason: "x".into()
            },
            &clerk()
        ),
        TransitionError::GuardFailed {
            key: "err.guard.not_on_panel"
        }
    );
    assert_eq!(
        err(&p, Action::Redraw { reason: " ".into() }, &clerk()),
        TransitionError::GuardFailed {
            key: "err.guard.reason_required"
        }
    );
    assert_eq!(
        ok(&p, sample(ActionKind::Redraw), &clerk()).effects,
        [Effect::VoidPanel]
    );
}

#[test]
fn review_opinion_and_seal() {
    let mut u = facts(CaseState::UnderReview);
    // Only the lead drafts, only with every sheet in.
    assert_eq!(
        err(&u, Action::DraftOpinion, &expert(1)),
        TransitionError::GuardFailed {
            key: "err.guard.sheets_missing"
        }
    );
    for s in &mut u.seats {
        s.sheet_submitted = true;
    }
    assert_eq!(
        err(&u, Action::DraftOpinion, &expert(2)),
        TransitionError::NotAllowed
    );
    assert_eq!(
        ok(&u, Action::DraftOpinion, &expert(1)).to,
        CaseState::OpinionDrafted
    );
    // Information requests.
    assert_eq!(
        ok(&u, sample(ActionKind::RequestInfo), &expert(1)).to,
        CaseState::AwaitingInfo
    );
    assert_eq!(
        ok(&u, sample(ActionKind::RequestInfo), &clerk()).to,
        CaseState::AwaitingInfo
    );
    assert_eq!(
        err(&u, sample(ActionKind::RequestInfo), &expert(3)),
        TransitionError::NotAllowed
    );
    let a = facts(CaseState::AwaitingInfo);
    assert_eq!(
        ok(&a, sample(ActionKind::ProvideInfo), &inst()).to,
        CaseState::UnderReview
    );
    assert_eq!(
        ok(&a, sample(ActionKind::ResumeReview), &clerk()).to,
        CaseState::UnderReview
    );
    assert_eq!(
        err(&a, sample(ActionKind::ProvideInfo), &clerk()),
        TransitionError::NotAllowed
    );
    // Conflict found during the review sends it back to PANEL_DRAWN.
    assert_eq!(
        ok(&u, sample(ActionKind::DeclareConflict), &expert(2)).to,
        CaseState::PanelDrawn
    );
    assert_eq!(
        ok(&u, sample(ActionKind::ReplaceSeat), &clerk()).to,
        CaseState::PanelDrawn
    );

    let mut d = facts(CaseState::OpinionDrafted);
    let t = ok(
        &d,
        Action::SignOpinion {
            dissent: Some("认为培训方式以讲授为主".into()),
        },
        &expert(2),
    );
    assert!(matches!(
        &t.effects[0],
        Effect::RecordSignature {
            dissent: Some(_),
            ..
        }
    ));
    assert_eq!(
        err(
            &d,
            Action::SignOpinion {
                dissent: Some(" ".into())
            },
            &expert(2)
        ),
        TransitionError::GuardFailed {
            key: "err.guard.dissent_reason_required"
        }
    );
    assert_eq!(
        err(&d, Action::SealOpinion, &director()),
        TransitionError::GuardFailed {
            key: "err.guard.signatures_missing"
        }
    );
    assert_eq!(
        err(&d, Action::SealOpinion, &clerk()),
        TransitionError::NotAllowed
    );
    for s in &mut d.seats {
        s.opinion_signed = true;
    }
    assert_eq!(
        err(&d, Action::SignOpinion { dissent: None }, &expert(1)),
        TransitionError::GuardFailed {
            key: "err.guard.already_signed"
        }
    );
    let t = ok(&d, Action::SealOpinion, &director());
    assert_eq!(t.to, CaseState::OpinionSealed);
    assert!(t.effects.contains(&Effect::AffixSeal));
    assert_eq!(
        ok(&d, sample(ActionKind::ReturnOpinion), &director()).to,
        CaseState::UnderReview
    );
}

#[test]
fn determination_escalation_rereview() {
    let s = facts(CaseState::OpinionSealed);
    let t = ok(&s, sample(ActionKind::Determine), &director());
    assert_eq!(t.to, CaseState::Determined);
    assert!(t.effects.contains(&Effect::RecordDetermination {
        category: Category::Subject,
        direct: false,
        rereview_right: true,
        preschool_prohibited: false
    }));
    let mut pre = s.clone();
    pre.stage = Stage::Preschool;
    assert!(ok(&pre, sample(ActionKind::Determine), &director())
        .effects
        .iter()
        .any(|e| matches!(
            e,
            Effect::RecordDetermination {
                preschool_prohibited: true,
                ..
            }
        )));
    assert_eq!(
        ok(&s, sample(ActionKind::Escalate), &director()).to,
        CaseState::Escalated
    );
    let e = facts(CaseState::Escalated);
    assert_eq!(
        err(&e, sample(ActionKind::Determine), &director()),
        TransitionError::NotAllowed
    );
    assert_eq!(
        ok(&e, sample(ActionKind::Determine), &p_director()).to,
        CaseState::Determined
    );
    assert_eq!(
        err(&e, sample(ActionKind::Determine), &p_clerk()),
        TransitionError::NotAllowed
    );

    let mut d = facts(CaseState::Determined);
    d.rereview_window_end = Some(today());
    assert_eq!(
        ok(&d, sample(ActionKind::RequestRereview), &inst()).to,
        CaseState::RereviewRequested
    );
    assert_eq!(
        err(&d, Action::RequestRereview { grounds: "".into() }, &inst()),
        TransitionError::GuardFailed {
            key: "err.guard.reason_required"
        }
    );
    assert_eq!(
        err(&d, Action::Finalize, &Initiator::System),
        TransitionError::GuardFailed {
            key: "err.guard.rereview_window_open"
        }
    );
    assert_eq!(due_system_action(&d, now()), None);
    d.rereview_window_end = today().pred_opt();
    assert_eq!(
        err(&d, sample(ActionKind::RequestRereview), &inst()),
        TransitionError::GuardFailed {
            key: "err.guard.rereview_window_closed"
        }
    );
    assert_eq!(
        ok(&d, Action::Finalize, &Initiator::System).to,
        CaseState::Final
    );
    assert_eq!(due_system_action(&d, now()), Some(Action::Finalize));

    let r = facts(CaseState::RereviewRequested);
    assert_eq!(
        ok(&r, sample(ActionKind::RefuseRereview), &director()).to,
        CaseState::RereviewRefused
    );
    let fwd = ok(&r, sample(ActionKind::ForwardRereview), &director());
    assert_eq!(fwd.to, CaseState::Forwarded);
    assert!(fwd.effects.contains(&Effect::OpenPrefectureChildCase {
        parent: CaseId(1),
        exclude_experts: vec![ExpertId(1), ExpertId(2), ExpertId(3)]
    }));
    let rf = facts(CaseState::RereviewRefused);
    assert_eq!(
        ok(&rf, Action::Finalize, &Initiator::System).to,
        CaseState::Final
    );
    let mut fw = facts(CaseState::Forwarded);
    assert!(apply(&fw, &Action::Finalize, &Initiator::System, now()).is_err());
    fw.child_determined = true;
    assert_eq!(
        ok(&fw, Action::Finalize, &Initiator::System).to,
        CaseState::Final
    );
}

#[test]
fn the_prefecture_director_orders_a_panel_for_an_escalated_case() {
    let e = facts(CaseState::Escalated);
    // Only the prefecture director, and only with a reason.
    assert_eq!(
        err(&e, sample(ActionKind::OrderPrefecturePanel), &director()),
        TransitionError::NotAllowed
    );
    assert_eq!(
        err(
            &e,
            Action::OrderPrefecturePanel { reason: " ".into() },
            &p_director()
        ),
        TransitionError::GuardFailed {
            key: "err.guard.reason_required"
        }
    );
    let t = ok(&e, sample(ActionKind::OrderPrefecturePanel), &p_director());
    assert_eq!(t.to, CaseState::Forwarded);
    assert!(t.effects.contains(&Effect::OpenPrefectureChildCase {
        parent: CaseId(1),
        exclude_experts: vec![ExpertId(1), ExpertId(2), ExpertId(3)]
    }));
    // Not from any other state.
    for st in CaseState::ALL
        .into_iter()
        .filter(|s| *s != CaseState::Escalated)
    {
        assert!(apply(
            &facts(st),
            &sample(ActionKind::OrderPrefecturePanel),
            &p_director(),
            now()
        )
        .is_err());
    }
}

#[test]
fn prefecture_child_case() {
    let mut c = facts(CaseState::Accepted);
    c.level = CaseLevel::Prefecture;
    c.parent = Some(CaseId(1));
    c.id = CaseId(2);
    // The prefecture clerk draws; the county clerk can see the case but not act.
    assert_eq!(
        ok(&c, sample(ActionKind::RecordDraw), &p_clerk()).to,
        CaseState::PanelDrawn
    );
    assert_eq!(
        err(&c, sample(ActionKind::RecordDraw), &clerk()),
        TransitionError::NotAllowed
    );
    assert_eq!(
        err(&c, sample(ActionKind::RecordDraw), &other_clerk()),
        TransitionError::NotFound
    );
    c.state = CaseState::OpinionSealed;
    c.seats = facts(CaseState::OpinionSealed).seats;
    assert_eq!(
        err(&c, sample(ActionKind::Escalate), &p_director()),
        TransitionError::GuardFailed {
            key: "err.guard.escalate_prefecture"
        }
    );
    let t = ok(&c, sample(ActionKind::Determine), &p_director());
    assert!(t.effects.contains(&Effect::ResolveParentCase {
        parent: CaseId(1),
        category: Category::Subject
    }));
    assert!(t.effects.iter().any(|e| matches!(
        e,
        Effect::RecordDetermination {
            rereview_right: false,
            ..
        }
    )));
    c.state = CaseState::Determined;
    assert_eq!(due_system_action(&c, now()), Some(Action::Finalize));
    assert_eq!(
        err(&c, sample(ActionKind::RequestRereview), &inst()),
        TransitionError::GuardFailed {
            key: "err.guard.rereview_prefecture"
        }
    );
}

#[test]
fn termination() {
    for s in CaseState::ALL.into_iter().filter(|s| s.is_active()) {
        let f = facts(s);
        let t = ok(&f, sample(ActionKind::Terminate), &director());
        assert_eq!(t.to, CaseState::Terminated);
        assert!(t
            .effects
            .contains(&Effect::CreditRecordInstitution { institution: INST }));
        assert_eq!(
            err(&f, sample(ActionKind::Terminate), &clerk()),
            TransitionError::NotAllowed
        );
        assert_eq!(
            err(&f, sample(ActionKind::Terminate), &admin()),
            TransitionError::NotFound
        );
    }
    assert!(matches!(
        err(
            &facts(CaseState::Final),
            sample(ActionKind::Terminate),
            &director()
        ),
        TransitionError::WrongState { .. }
    ));
}

// ---- property tests: a random walk through the lifecycle --------------------------------

/// What the store would do with a transition, as far as the facts go.
fn simulate(f: &mut CaseFacts, t: &Transition, sheets: bool) {
    f.state = t.to;
    for e in &t.effects {
        match e {
            Effect::RecordPanel { seats, .. } => {
                f.draw_committed = true;
                f.seats = seats
                    .iter()
                    .enumerate()
                    .map(|(i, e)| seat(e.0, SeatStatus::Invited, i == 0))
                    .collect();
            }
            Effect::VoidPanel => f.seats.clear(),
            Effect::SeatAccepted { expert } => {
                if let Some(s) = f
                    .seats
                    .iter_mut()
                    .find(|s| s.expert == *expert && s.status.is_active())
                {
                    s.status = SeatStatus::Accepted;
                    s.declaration_signed = true;
                }
            }
            Effect::SeatVacated { expert, .. } => {
                let mut lead = false;
                if let Some(s) = f
                    .seats
                    .iter_mut()
                    .find(|s| s.expert == *expert && s.status.is_active())
                {
                    s.status = SeatStatus::Declined;
                    lead = s.lead;
                }
                let next = f.seats.iter().map(|s| s.expert.0).max().unwrap_or(0) + 1;
                f.seats.push(seat(next, SeatStatus::Invited, lead));
            }
            Effect::RecordSignature { expert, .. } => {
                if let Some(s) = f
                    .seats
                    .iter_mut()
                    .find(|s| s.expert == *expert && s.status.is_active())
                {
                    s.opinion_signed = true;
                }
            }
            Effect::RecordDetermination { .. } => {
                f.determined_on = Some(today());
                f.rereview_window_end = Some(today());
            }
            _ => {}
        }
    }
    if f.state == CaseState::UnderReview {
        f.review_started = true;
    }
    if sheets && f.state == CaseState::UnderReview {
        for s in f.seats.iter_mut().filter(|s| s.status.is_active()) {
            s.sheet_submitted = true;
        }
    }
}

fn any_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0usize..ActionKind::ALL.len()).prop_map(|i| sample(ActionKind::ALL[i])),
        Just(Action::Return {
            deficiencies: vec![]
        }),
        Just(Action::AcceptSeat {
            declaration_signed: false
        }),
        Just(Action::NotAccept {
            reason: String::new()
        }),
        (1i64..8).prop_map(|e| Action::ReplaceSeat {
            expert: ExpertId(e),
            reason: "x".into()
        }),
        Just(Action::SignOpinion {
            dissent: Some(String::new())
        }),
    ]
}

fn any_initiator() -> impl Strategy<Value = Initiator> {
    (0usize..16).prop_map(|i| {
        let v = all_initiators();
        v[i % v.len()]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Random walks: a refused action changes nothing; every reachable non-terminal state
    /// has an action that somebody can take successfully.
    #[test]
    fn random_walk(
        steps in proptest::collection::vec((any_action(), any_initiator(), any::<bool>()), 1..120),
        late in any::<bool>(),
    ) {
        let mut f = facts(CaseState::Draft);
        for (action, by, sheets) in steps {
            let before = f.clone();
            let at = if late { now() + chrono::Duration::days(1) } else { now() };
            match apply(&f, &action, &by, at) {
                Ok(t) => {
                    prop_assert_eq!(t.from, f.state);
                    prop_assert!(rule_for(f.state, action.kind()).is_some_and(|r| r.to == t.to));
                    simulate(&mut f, &t, sheets);
                }
                Err(_) => prop_assert_eq!(&f, &before),
            }
            if !f.state.is_terminal() {
                let live = ActionKind::ALL.iter().any(|k| {
                    all_initiators().iter().any(|b| {
                        apply(&f, &sample(*k), b, now()).is_ok()
                            || apply(&f, &sample(*k), b, now() + chrono::Duration::days(1)).is_ok()
                    })
                });
                prop_assert!(live, "stuck in {:?}", f.state);
            } else {
                prop_assert!(rules().all(|r| r.from != f.state));
            }
        }
    }
}
