//! `/experts/:id`: an expert's record; prefecture staff also edit it, change its status with a
//! reason, keep its ties for recusal, and see its recent history.

use super::form::{shown_errors, ExpertFields, ExpertForm};
use super::{labels, status_code, status_key, StatusTag};
use crate::api::experts::{
    expert_pool_meta, get_expert, set_expert_status, set_expert_ties, update_expert, ExpertDetail,
    HistoryRow, PoolMeta, REASON_MAX,
};
use crate::api::AppError;
use crate::domain::draw::{Affiliation, ExpertStatus, Relation, Ties};
use crate::domain::ids::InstitutionId;
use crate::domain::item::{ItemDomain, SchoolSubject};
use crate::domain::terms::Stage;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, use_id_param, ErrorSummary, PageError};
use crate::ui::t;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ExpertPage() -> impl IntoView {
    let id = use_id_param();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<&'static str>);
    let expert = Resource::new_blocking(move || (id(), reload.get()), |(id, _)| get_expert(id));
    let meta = Resource::new_blocking(|| (), |_| expert_pool_meta());
    view! {
        {move || notice.get().map(|k| view! { <div class="panel panel--success" role="status" data-testid="expert-saved"><p>{t(k)}</p></div> })}
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || match (expert.get(), meta.get()) {
                (Some(Ok(e)), Some(Ok(m))) => Some(view! { <ExpertView e m reload notice /> }.into_any()),
                (Some(Err(e)), _) | (_, Some(Err(e))) => {
                    Some(view! { <PageError error=e testid="expert-error" /> }.into_any())
                }
                _ => None,
            }}
        </Suspense>
    }
}

#[component]
fn ExpertView(
    e: ExpertDetail,
    m: PoolMeta,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let editor = e.can_edit;
    let record = view! { <Record e=e.clone() institutions=m.institutions.clone() /> }.into_any();
    let parts = editor.then(|| {
        vec![
            view! { <EditRecord e=e.clone() counties=m.counties.clone() reload notice /> }
                .into_any(),
            view! { <ChangeStatus e=e.clone() reload notice /> }.into_any(),
            view! { <EditTies e=e.clone() institutions=m.institutions.clone() reload notice /> }
                .into_any(),
            view! { <History rows=e.history.clone() /> }.into_any(),
        ]
    });
    view! {
        <Title text=e.input.name.clone() />
        <p><a href="/experts">{t("experts.back")}</a></p>
        <h1>{e.input.name.clone()} " " <StatusTag status=e.status /></h1>
        {record}
        <super::title::TitleCheckSection expert_id=e.id version=e.version check=e.title_check.clone() changed=reload />
        {e.ratings.clone().map(|r| view! { <RatingsHistory r /> })}
        {e.credit.clone().map(|records| view! {
            <crate::ui::credit::CreditSection records subject=crate::domain::credit::CreditSubject::Expert target_id=e.id changed=reload />
        })}
        {parts}
    }
    .into_any()
}

/// The record as a summary list (read-only).
#[component]
pub fn Record(e: ExpertDetail, institutions: Vec<(i64, String)>) -> impl IntoView {
    let locale = use_locale();
    let i = e.input.clone();
    let (title, kind, domains, stages) = (i.title, i.kind, i.domains.clone(), i.stages.clone());
    let school_subjects = i.school_subjects.clone();
    let yes_no = move |b: bool| if b { "experts.yes" } else { "experts.no" };
    let (own, rel, part_time) = (
        i.declares_no_post,
        i.declares_relatives_no_post,
        i.declares_no_part_time_history,
    );
    let name_of = move |id: InstitutionId| {
        institutions
            .iter()
            .find(|(x, _)| *x == id.0)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("#{}", id.0))
    };
    let ties: Vec<String> = e
        .ties
        .affiliations
        .iter()
        .map(|a| {
            let rel = if a.relation == Relation::Own {
                "experts.relation.own"
            } else {
                "experts.relation.close_relative"
            };
            let until = a
                .until
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "—".into());
            format!(
                "{} · {} · {}",
                name_of(a.institution),
                locale.tr(rel),
                until
            )
        })
        .collect();
    let interests: Vec<String> = e
        .ties
        .economic_interests
        .iter()
        .map(|x| name_of(*x))
        .collect();
    let unavailable = match (e.unavailable_from, e.unavailable_until) {
        (Some(f), Some(u)) => format!("{} — {}", f.format("%Y-%m-%d"), u.format("%Y-%m-%d")),
        _ => "—".into(),
    };
    view! {
        <dl class="summary-list" data-testid="expert-record">
            <div><dt>{t("experts.col.employer")}</dt><dd>{i.employer.clone()}</dd></div>
            <div><dt>{t("experts.col.title_kind")}</dt><dd>{move || format!("{} · {}", locale.tr(title.label_key()), locale.tr(kind.label_key()))}</dd></div>
            <div><dt>{t("experts.col.domains")}</dt><dd>{move || labels(&domains, ItemDomain::label_key, locale.get())}</dd></div>
            <div><dt>{t("experts.col.stages")}</dt><dd>{move || labels(&stages, Stage::label_key, locale.get())}</dd></div>
            <div><dt>{t("experts.col.school_subjects")}</dt><dd data-testid="expert-school-subjects">{move || labels(&school_subjects, SchoolSubject::label_key, locale.get())}</dd></div>
            <div><dt>{t("experts.col.region")}</dt><dd>{e.county_name.clone()}</dd></div>
            <div><dt>{t("experts.col.mobile")}</dt><dd data-testid="expert-mobile">{i.mobile.clone()}</dd></div>
            <div><dt>{t("experts.term")}</dt><dd>{format!("{} — {}", i.term_start.format("%Y-%m-%d"), i.term_end.format("%Y-%m-%d"))}</dd></div>
            <div><dt>{t("experts.col.status")}</dt><dd>{move || locale.tr(status_key(e.status))} {(!e.status_reason.is_empty()).then(|| format!("（{}）", e.status_reason))}</dd></div>
            <div><dt>{t("experts.col.declares_no_post")}</dt><dd>{t(yes_no(own))}</dd></div>
            <div><dt>{t("experts.col.declares_relatives_no_post")}</dt><dd>{t(yes_no(rel))}</dd></div>
            <div><dt>{t("experts.col.declares_no_part_time_history")}</dt><dd data-testid="expert-part-time">{t(yes_no(part_time))}</dd></div>
            <div><dt>{t("experts.declared_at")}</dt><dd>{e.declared_at.clone().unwrap_or_else(|| "—".into())}</dd></div>
            <div><dt>{t("experts.unavailable")}</dt><dd>{unavailable} " " {e.availability_note.clone()}</dd></div>
            <div><dt>{t("experts.ties.affiliations")}</dt><dd>{if ties.is_empty() { "—".to_string() } else { ties.join("；") }}</dd></div>
            <div><dt>{t("experts.ties.interests")}</dt><dd>{if interests.is_empty() { "—".to_string() } else { interests.join("、") }}</dd></div>
        </dl>
    }    .into_any()
}

#[component]
fn EditRecord(
    e: ExpertDetail,
    counties: Vec<(i64, String)>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let form = ExpertForm::new(Some(&e.input));
    let tried = RwSignal::new(false);
    let server = RwSignal::new(None::<AppError>);
    // The declarations are the expert's own: the edit neither makes nor checks them.
    form.own.set(true);
    form.relatives.set(true);
    let errors = shown_errors(form, tried, server);
    let summary = Signal::derive(move || {
        server.get().or_else(|| {
            let e = errors.get();
            (tried.get() && !e.is_empty()).then_some(AppError::Validation(e))
        })
    });
    let (id, version) = (e.id, e.version);
    let save = Action::new(move |i: &crate::domain::expert::ExpertInput| {
        let i = i.clone();
        async move {
            match update_expert(id, version, i).await {
                Ok(_) => {
                    notice.set(Some("experts.saved"));
                    reload.update(|r| *r += 1);
                }
                Err(e) => server.set(Some(e)),
            }
        }
    });
    view! {
        <h2>{t("experts.edit")}</h2>
        <ErrorSummary error=summary />
        <div class="narrow">
            <ExpertFields form errors counties declarations=false />
            <button type="button" class="button" data-testid="save-expert" disabled=move || save.pending().get()
                on:click=move |_| {
                    tried.set(true);
                    server.set(None);
                    let (input, errs) = form.input();
                    if errs.is_empty() { save.dispatch(input); }
                }>
                {t("experts.save")}
            </button>
        </div>
    }    .into_any()
}

#[component]
fn ChangeStatus(
    e: ExpertDetail,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let locale = use_locale();
    let current = e.status;
    let choices: Vec<ExpertStatus> = [
        ExpertStatus::Active,
        ExpertStatus::Suspended,
        ExpertStatus::Removed,
    ]
    .into_iter()
    .filter(|s| *s != current)
    .collect();
    let to = RwSignal::new(choices[0]);
    let reason = RwSignal::new(String::new());
    let server = RwSignal::new(None::<AppError>);
    let (id, version) = (e.id, e.version);
    let act = Action::new(move |(s, r): &(ExpertStatus, String)| {
        let (s, r) = (*s, r.clone());
        async move {
            match set_expert_status(id, version, s, r).await {
                Ok(_) => {
                    notice.set(Some("experts.status.changed"));
                    reload.update(|x| *x += 1);
                }
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let errors = Signal::derive(move || server.get().map(|e| e.field_errors()).unwrap_or_default());
    let summary = Signal::derive(move || server.get());
    view! {
        <h2>{t("experts.status.title")}</h2>
        <ErrorSummary error=summary />
        <div class="narrow">
            <fieldset class="form-group fieldset">
                <legend class="label">{t("experts.status.to")}</legend>
                <div class="radios">
                    {choices.into_iter().map(|s| {
                        let oid = format!("status-{}", status_code(s));
                        let key = match s {
                            ExpertStatus::Active => "experts.status.reinstate",
                            ExpertStatus::Suspended => "experts.status.suspend",
                            ExpertStatus::Removed => "experts.status.remove",
                        };
                        view! {
                            <div class="radio">
                                <input type="radio" id=oid.clone() name="status-to" prop:checked=move || to.get() == s on:change=move |_| to.set(s) />
                                <label for=oid>{move || locale.tr(key)}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="form-group" class:form-group--error=move || errors.with(|e| !e.is_empty())>
                <label class="label" for="status-reason">{t("experts.status.reason")}</label>
                <div class="hint">{move || locale.tr_with("experts.hint.reason", &[("max".into(), REASON_MAX.to_string())])}</div>
                {move || field_messages(&errors.get(), "status.reason", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <textarea class="textarea" id="status-reason" rows="3" data-testid="status-reason" bind:value=reason></textarea>
            </div>
            <button type="button" class="button button--warning" data-testid="change-status" disabled=move || act.pending().get()
                on:click=move |_| { server.set(None); act.dispatch((to.get(), reason.get())); }>
                {t("experts.status.submit")}
            </button>
        </div>
    }    .into_any()
}

/// One affiliation being edited.
#[derive(Clone, Copy)]
struct TieRow {
    key: u32,
    institution: RwSignal<String>,
    own: RwSignal<bool>,
    until: RwSignal<String>,
}

#[component]
fn EditTies(
    e: ExpertDetail,
    institutions: Vec<(i64, String)>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let locale = use_locale();
    let next = RwSignal::new(0u32);
    let mk = move |a: Option<&Affiliation>| {
        let k = next.get_untracked();
        next.set(k + 1);
        TieRow {
            key: k,
            institution: RwSignal::new(a.map(|a| a.institution.0.to_string()).unwrap_or_default()),
            own: RwSignal::new(a.is_none_or(|a| a.relation == Relation::Own)),
            until: RwSignal::new(
                a.and_then(|a| a.until)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
        }
    };
    let rows = RwSignal::new(
        e.ties
            .affiliations
            .iter()
            .map(|a| mk(Some(a)))
            .collect::<Vec<_>>(),
    );
    let interests = RwSignal::new(
        e.ties
            .economic_interests
            .iter()
            .map(|i| i.0)
            .collect::<Vec<_>>(),
    );
    let server = RwSignal::new(None::<AppError>);
    let summary = Signal::derive(move || server.get());
    let (id, version) = (e.id, e.version);
    let act = Action::new(move |ties: &Ties| {
        let ties = ties.clone();
        async move {
            match set_expert_ties(id, version, ties).await {
                Ok(_) => {
                    notice.set(Some("experts.ties.saved"));
                    reload.update(|x| *x += 1);
                }
                Err(e) => server.set(Some(e)),
            }
        }
    });
    let collect = move || Ties {
        affiliations: rows
            .get()
            .iter()
            .filter_map(|r| {
                let inst = r.institution.get().parse::<i64>().ok()?;
                Some(Affiliation {
                    institution: InstitutionId(inst),
                    relation: if r.own.get() {
                        Relation::Own
                    } else {
                        Relation::CloseRelative
                    },
                    until: NaiveDate::parse_from_str(&r.until.get(), "%Y-%m-%d").ok(),
                })
            })
            .collect(),
        economic_interests: interests.get().into_iter().map(InstitutionId).collect(),
    };
    let insts = StoredValue::new(institutions);
    let errors = Signal::derive(move || server.get().map(|e| e.field_errors()).unwrap_or_default());
    view! {
        <h2>{t("experts.ties.title")}</h2>
        <p class="hint">{t("experts.ties.lead")}</p>
        <ErrorSummary error=summary />
        <div id="ties-affiliations">
            {move || field_messages(&errors.get(), "ties.affiliations", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
        </div>
        <For each=move || rows.get() key=|r| r.key let:r>
            <fieldset class="form-group fieldset tie-row">
                <legend class="label">{t("experts.ties.affiliation")}</legend>
                <div class="form-group">
                    <label class="label" for=format!("tie-inst-{}", r.key)>{t("experts.ties.institution")}</label>
                    <select class="select" id=format!("tie-inst-{}", r.key) on:change=move |ev| r.institution.set(event_target_value(&ev))>
                        <option value="">{t("experts.ties.choose")}</option>
                        {insts.get_value().into_iter().map(|(iid, n)| {
                            let code = iid.to_string();
                            let c2 = code.clone();
                            view! { <option value=code selected=move || r.institution.get() == c2>{n}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="radios">
                    <div class="radio">
                        <input type="radio" id=format!("tie-own-{}", r.key) name=format!("tie-rel-{}", r.key) prop:checked=move || r.own.get() on:change=move |_| r.own.set(true) />
                        <label for=format!("tie-own-{}", r.key)>{t("experts.relation.own")}</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id=format!("tie-rel-{}", r.key) name=format!("tie-rel-{}", r.key) prop:checked=move || !r.own.get() on:change=move |_| r.own.set(false) />
                        <label for=format!("tie-rel-{}", r.key)>{t("experts.relation.close_relative")}</label>
                    </div>
                </div>
                <div class="form-group">
                    <label class="label" for=format!("tie-until-{}", r.key)>{t("experts.ties.until")}</label>
                    <div class="hint">{t("experts.hint.until")}</div>
                    <input class="input" type="date" id=format!("tie-until-{}", r.key) bind:value=r.until />
                </div>
                <button type="button" class="button button--secondary button--small" on:click=move |_| rows.update(|v| v.retain(|x| x.key != r.key))>
                    {t("experts.ties.remove")}
                </button>
            </fieldset>
        </For>
        <p><button type="button" class="button button--secondary" data-testid="add-affiliation" on:click=move |_| { let r = mk(None); rows.update(|v| v.push(r)); }>{t("experts.ties.add")}</button></p>
        <fieldset class="form-group fieldset" id="ties-economic_interests">
            <legend class="label">{t("experts.ties.interests")}</legend>
            <div class="hint">{t("experts.hint.interests")}</div>
            {move || field_messages(&errors.get(), "ties.economic_interests", locale.get()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
            <div class="checkboxes tie-interests">
                {insts.get_value().into_iter().map(|(iid, n)| {
                    let oid = format!("interest-{iid}");
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=oid.clone() prop:checked=move || interests.with(|v| v.contains(&iid))
                                on:change=move |ev| { let on = event_target_checked(&ev); interests.update(|v| { v.retain(|x| *x != iid); if on { v.push(iid); } }); } />
                            <label for=oid>{n}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
        <button type="button" class="button" data-testid="save-ties" disabled=move || act.pending().get() on:click=move |_| { server.set(None); act.dispatch(collect()); }>
            {t("experts.ties.save")}
        </button>
    }    .into_any()
}

#[component]
fn History(rows: Vec<HistoryRow>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{t("experts.history")}</h2>
        {if rows.is_empty() {
            view! { <p class="hint">{t("experts.history.none")}</p> }.into_any()
        } else {
            view! {
                <ol class="timeline" data-testid="expert-history">
                    {rows.into_iter().map(|h| {
                        let key = format!("audit.{}", h.action);
                        view! {
                            <li class="timeline__item">
                                <strong>{move || locale.tr(&key)}</strong>
                                " · " {h.at.clone()} " · " {h.actor_name.clone()}
                                {(!h.reason.is_empty()).then(|| view! { <div>{h.reason.clone()}</div> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// 考评记录: the expert's average and every rating, newest first (bureau roles).
#[component]
pub fn RatingsHistory(r: crate::api::ratings::ExpertRatings) -> AnyView {
    let locale = use_locale();
    let avg = r.average.map(crate::domain::stats::days_text);
    let n = r.count;
    let others = r.other_counties;
    view! {
        <section class="panel" data-testid="expert-ratings">
            <h2 class="panel__title">{t("rating.history")}</h2>
            <p data-testid="rating-average">{move || match &avg {
                Some(a) => locale.tr_with("rating.average", &[("avg".into(), a.clone()), ("n".into(), n.to_string())]),
                None => locale.tr("rating.none"),
            }}</p>
            {(others > 0).then(|| view! {
                <p class="hint" data-testid="rating-other-counties">
                    {move || locale.tr_with("ratings.other_counties", &[("n".into(), others.to_string())])}
                </p>
            })}
            {(!r.rows.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t("rating.case")}</th>
                            <th scope="col">{t("rating.score")}</th>
                            <th scope="col">{t("rating.comment")}</th>
                            <th scope="col">{t("rating.rated")}</th>
                        </tr></thead>
                        <tbody>
                            {r.rows.iter().map(|x| view! {
                                <tr data-testid="expert-rating-row">
                                    <td>{x.case_number.clone()}</td>
                                    <td>{x.score}</td>
                                    <td>{x.comment.clone()}</td>
                                    <td>{x.rated_at.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
    .into_any()
}
