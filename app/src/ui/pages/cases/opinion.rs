//! The opinion page (`/cases/:id/opinion`): the lead drafts the 鉴定意见书 from the pre-filled
//! findings; each member reads it and signs with the password again (a dissenting member gives
//! reasons); the county director seals it, then determines or escalates. The document itself is
//! laid out as the printed form (A4 when printed), with the seal, the digest and the
//! verification code with its QR code; the PDF kept since sealing can be downloaded.

use super::StateTag;
use crate::api::cases::{case_action, ActionInput};
use crate::api::opinions::{
    opinion_page, save_opinion, seal_opinion, sign_opinion, OpinionSave, OpinionSign, OpinionView,
};
use crate::api::AppError;
use crate::domain::case::CaseState;
use crate::domain::lifecycle::Action as CaseAction;
use crate::domain::opinion::{Conclusion, OpinionDraft};
use crate::domain::terms::Category;
use crate::i18n::use_locale;
use crate::ui::components::{field_messages, use_id_param, ErrorSummary, PageError, TextField};
use crate::ui::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OpinionPage() -> impl IntoView {
    let locale = use_locale();
    let id = use_id_param();
    let reload = RwSignal::new(0u32);
    // What was just done lives above the page's data: the reload after an action re-renders the
    // body, the notice stays.
    let done = RwSignal::new(None::<&'static str>);
    let page = Resource::new_blocking(move || (id(), reload.get()), |(id, _)| opinion_page(id));
    view! {
        <Title text=move || locale.tr("opinion.title") />
        <Suspense fallback=|| view! { <p class="hint">"…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(v) => view! { <OpinionBody view=v reload done /> }.into_any(),
                Err(e) => view! { <PageError error=e testid="opinion-error" /> }.into_any()
            })}
        </Suspense>
    }
}

fn conclusion_class(c: Conclusion) -> &'static str {
    match c {
        Conclusion::Subject => "tag tag--red",
        Conclusion::NonSubject => "tag tag--green",
        Conclusion::Undetermined => "tag tag--yellow",
    }
}

#[component]
fn OpinionBody(
    view: OpinionView,
    reload: RwSignal<u32>,
    done: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let error = RwSignal::new(None::<AppError>);
    let finish = move |r: Result<i32, AppError>, msg: &'static str| match r {
        Ok(_) => {
            error.set(None);
            done.set(Some(msg));
            reload.update(|n| *n += 1);
        }
        Err(e) => error.set(Some(e)),
    };
    let field_errors =
        Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let back = format!("/cases/{}", v.case_id);
    view! {
        <p class="caption">{v.number.clone()}" · "{v.item_name.clone()}</p>
        <h1 data-testid="opinion-title">{t("opinion.title")}</h1>
        <p><StateTag state=v.state />" "<a href=back.clone() rel="external">{t("opinion.back")}</a></p>
        <ErrorSummary error=Signal::derive(move || error.get()) />
        {move || done.get().map(|k| view! { <div class="panel panel--success" role="status" data-testid="opinion-done"><p>{t(k)}</p></div> })}

        {v.determined.clone().map(|d| {
            let cat = d.category.label_key();
            let on = d.on.format("%Y-%m-%d").to_string();
            view! {
                <div class="panel panel--success" data-testid="determination-notice">
                    <h2 class="panel__title">{t("opinion.determined.title")}</h2>
                    <p>{move || locale.tr_with("opinion.determined.text", &[("date".into(), on.clone()), ("category".into(), locale.tr(cat))])}</p>
                    {d.rereview_until.map(|until| {
                        let until = until.format("%Y-%m-%d").to_string();
                        view! { <p data-testid="rereview-right">{move || locale.tr_with("opinion.determined.rereview", &[("date".into(), until.clone())])}</p> }
                    })}
                </div>
            }
        })}

        {v.draft.clone().map(|d| view! { <DraftForm view=v.clone() draft=d error done reload /> })}

        {v.content.is_none().then(|| view! { <p class="hint" data-testid="opinion-none">{t("opinion.none")}</p> })}
        {v.content.is_some().then(|| view! { <Document view=v.clone() /> })}

        {(!v.waiting_for.is_empty() && v.state == CaseState::OpinionDrafted).then(|| {
            let names = v.waiting_for.join("、");
            view! { <p class="hint" data-testid="waiting-for">{move || locale.tr_with("opinion.waiting_for", &[("names".into(), names.clone())])}</p> }
        })}

        {v.sign_as.clone().filter(|_| !v.i_signed).map(|m| {
            let password = RwSignal::new(String::new());
            let dissent = RwSignal::new(String::new());
            let (case_id, version, revision) = (v.case_id, v.version, v.content.as_ref().map(|c| c.revision).unwrap_or(0));
            let sign = Action::new(move |_: &()| async move {
                let r = sign_opinion(OpinionSign {
                    case_id,
                    version,
                    revision,
                    password: password.get_untracked(),
                    dissent: dissent.get_untracked(),
                })
                .await;
                finish(r, "opinion.signed");
            });
            let dissent_errors = move || field_messages(&field_errors.get(), "opinion.dissent", locale.get());
            view! {
                <section class="panel" data-testid="sign-form">
                    <h2 class="panel__title">{t("opinion.sign.title")}</h2>
                    <p>{t("opinion.sign.intro")}</p>
                    {m.dissents.then(|| view! {
                        <div class="form-group" class:form-group--error=move || !dissent_errors().is_empty()>
                            <label class="label" for="opinion-dissent">{t("opinion.dissent")}</label>
                            <div class="hint">{t("opinion.dissent.hint")}</div>
                            {move || dissent_errors().into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                            <textarea class="textarea" id="opinion-dissent" rows="4" bind:value=dissent></textarea>
                        </div>
                    })}
                    <TextField name="opinion.password" label="opinion.password" hint="opinion.password.hint" kind="password" autocomplete="current-password" errors=field_errors value=password />
                    <button type="button" class="button" data-testid="sign-opinion" disabled=move || sign.pending().get() on:click=move |_| { sign.dispatch(()); }>{t("opinion.sign.button")}</button>
                </section>
            }
        })}
        {v.i_signed.then(|| view! { <p class="tag tag--green" data-testid="i-signed">{t("opinion.i_signed")}</p> })}

        {v.can_seal.then(|| {
            let password = RwSignal::new(String::new());
            let (case_id, version) = (v.case_id, v.version);
            let seal = Action::new(move |_: &()| async move {
                let r = seal_opinion(case_id, version, password.get_untracked()).await;
                finish(r, "opinion.sealed");
            });
            view! {
                <section class="panel" data-testid="seal-form">
                    <h2 class="panel__title">{t("opinion.seal.title")}</h2>
                    <p>{t("opinion.seal.intro")}</p>
                    <TextField name="opinion.password" label="opinion.password" hint="opinion.password.hint" kind="password" autocomplete="current-password" errors=field_errors value=password />
                    <button type="button" class="button" data-testid="seal-opinion" disabled=move || seal.pending().get() on:click=move |_| { seal.dispatch(()); }>{t("opinion.seal.button")}</button>
                </section>
            }
        })}

        {(v.can_determine || v.can_determine_escalated || v.can_escalate || v.can_order_panel || v.can_return).then(|| {
            let reasons = RwSignal::new(String::new());
            let chosen = RwSignal::new(None::<Category>);
            let (case_id, version) = (v.case_id, v.version);
            let category = v.content.as_ref().and_then(|c| c.conclusion.category());
            let run = Action::new(move |a: &CaseAction| {
                let a = a.clone();
                async move {
                    let msg = match &a {
                        CaseAction::Determine { .. } => "opinion.determined",
                        CaseAction::Escalate { .. } => "opinion.escalated",
                        CaseAction::OrderPrefecturePanel { .. } => "opinion.panel_ordered",
                        _ => "opinion.returned",
                    };
                    let r = case_action(ActionInput { id: case_id, version, action: a, note: String::new() })
                        .await
                        .map(|s| s.version);
                    finish(r, msg);
                }
            });
            let cat_key = category.map(|c| c.label_key());
            view! {
                <section class="panel" data-testid="decide-form">
                    <h2 class="panel__title">{t("opinion.decide.title")}</h2>
                    {cat_key.filter(|_| v.can_determine).map(|k| view! { <p>{move || locale.tr_with("opinion.decide.intro", &[("category".into(), locale.tr(k))])}</p> })}
                    {v.can_determine_escalated.then(|| view! {
                        <fieldset class="form-group fieldset">
                            <legend class="label">{t("opinion.decide.category")}</legend>
                            <div class="radios">
                                {[Category::NonSubject, Category::Subject].into_iter().map(|cat| {
                                    let id = format!("decide-{}", cat.code());
                                    let key = cat.label_key();
                                    view! {
                                        <div class="radio">
                                            <input type="radio" name="decide-category" id=id.clone() value=cat.code() on:change=move |_| chosen.set(Some(cat)) />
                                            <label for=id>{move || locale.tr(key)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    })}
                    <div class="form-group">
                        <label class="label" for="decide-reasons">{t("opinion.decide.reasons")}</label>
                        <div class="hint">{t("opinion.decide.reasons.hint")}</div>
                        <textarea class="textarea" id="decide-reasons" rows="3" bind:value=reasons></textarea>
                    </div>
                    <div class="button-group">
                        {(v.can_determine && category.is_some()).then(|| view! {
                            <button type="button" class="button" data-testid="determine" disabled=move || run.pending().get()
                                on:click=move |_| { if let Some(c) = category { run.dispatch(CaseAction::Determine { category: c, reasons: reasons.get_untracked() }); } }>
                                {t("opinion.determine.button")}
                            </button>
                        })}
                        {v.can_determine_escalated.then(|| view! {
                            <button type="button" class="button" data-testid="determine" disabled=move || run.pending().get() || chosen.get().is_none()
                                on:click=move |_| { if let Some(c) = chosen.get_untracked() { run.dispatch(CaseAction::Determine { category: c, reasons: reasons.get_untracked() }); } }>
                                {t("opinion.determine.button")}
                            </button>
                        })}
                        {v.can_escalate.then(|| view! {
                            <button type="button" class="button button--secondary" data-testid="escalate" disabled=move || run.pending().get()
                                on:click=move |_| { run.dispatch(CaseAction::Escalate { reason: reasons.get_untracked() }); }>
                                {t("opinion.escalate.button")}
                            </button>
                        })}
                        {v.can_order_panel.then(|| view! {
                            <button type="button" class="button button--secondary" data-testid="order-panel" disabled=move || run.pending().get()
                                on:click=move |_| { run.dispatch(CaseAction::OrderPrefecturePanel { reason: reasons.get_untracked() }); }>
                                {t("opinion.order_panel.button")}
                            </button>
                        })}
                        {v.can_return.then(|| view! {
                            <button type="button" class="button button--warning" data-testid="return-opinion" disabled=move || run.pending().get()
                                on:click=move |_| { run.dispatch(CaseAction::ReturnOpinion { reason: reasons.get_untracked() }); }>
                                {t("opinion.return.button")}
                            </button>
                        })}
                    </div>
                </section>
            }
        })}
    }
}

/// The lead's form: a finding for each dimension (pre-filled from the sheets) and the reasons.
#[component]
fn DraftForm(
    view: OpinionView,
    draft: OpinionDraft,
    error: RwSignal<Option<AppError>>,
    done: RwSignal<Option<&'static str>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let reasons = RwSignal::new(draft.reasons.clone());
    let findings: Vec<(String, crate::domain::terms::Text, RwSignal<String>)> = v
        .dimensions
        .iter()
        .map(|d| {
            let text = draft
                .findings
                .iter()
                .find(|(k, _)| *k == d.id)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            (d.id.clone(), d.name.clone(), RwSignal::new(text))
        })
        .collect();
    let errors = Signal::derive(move || error.get().map(|e| e.field_errors()).unwrap_or_default());
    let (case_id, version) = (v.case_id, v.version);
    let editing = v.state == CaseState::OpinionDrafted;
    let has_signatures = !v.signatures.is_empty();
    let sigs_for_save = findings.clone();
    let save = Action::new(move |_: &()| {
        let draft = OpinionDraft {
            reasons: reasons.get_untracked(),
            findings: sigs_for_save
                .iter()
                .map(|(id, _, s)| (id.clone(), s.get_untracked()))
                .collect(),
        };
        async move {
            match save_opinion(OpinionSave {
                case_id,
                version,
                draft,
            })
            .await
            {
                Ok(_) => {
                    error.set(None);
                    done.set(Some("opinion.saved"));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let msgs = move |field: String| field_messages(&errors.get(), &field, locale.get());
    view! {
        <section class="panel" data-testid="draft-form">
            <h2 class="panel__title">{t(if editing { "opinion.edit.title" } else { "opinion.draft.title" })}</h2>
            <p>{t("opinion.draft.intro")}</p>
            {(editing && has_signatures).then(|| view! {
                <div class="banner banner--warning-static" data-testid="edit-voids"><p>{t("opinion.edit.voids")}</p></div>
            })}
            {findings.into_iter().map(|(id, name, value)| {
                let field = format!("opinion.finding.{id}");
                let html_id = field.replace('.', "-");
                let f2 = field.clone();
                let has_err = move || !msgs(f2.clone()).is_empty();
                let f3 = field.clone();
                view! {
                    <div class="form-group" class:form-group--error=has_err.clone()>
                        <label class="label" for=html_id.clone()>{move || name.get(locale.get()).to_string()}</label>
                        <div class="hint">{t("opinion.finding.hint")}</div>
                        {move || msgs(f3.clone()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                        <textarea class="textarea" id=html_id rows="4" bind:value=value></textarea>
                    </div>
                }
            }).collect_view()}
            <div class="form-group" class:form-group--error=move || !msgs("opinion.reasons".into()).is_empty()>
                <label class="label" for="opinion-reasons">{t("opinion.reasons")}</label>
                <div class="hint">{t("opinion.reasons.hint")}</div>
                {move || msgs("opinion.reasons".into()).into_iter().map(|m| view! { <p class="error-message">{m}</p> }).collect_view()}
                <textarea class="textarea" id="opinion-reasons" rows="5" bind:value=reasons></textarea>
            </div>
            <button type="button" class="button" data-testid="save-opinion" disabled=move || save.pending().get() on:click=move |_| { save.dispatch(()); }>
                {t(if editing { "opinion.edit.button" } else { "opinion.draft.button" })}
            </button>
        </section>
    }
}

/// The document as printed (鉴定意见书).
#[component]
fn Document(view: OpinionView) -> impl IntoView {
    let locale = use_locale();
    let v = view;
    let Some(c) = v.content.clone() else {
        return ().into_any();
    };
    let signed: Vec<(i64, String, String, Option<String>)> = v
        .signatures
        .iter()
        .map(|s| {
            (
                s.expert,
                s.expert_name.clone(),
                s.signed_at.clone(),
                s.dissent.clone(),
            )
        })
        .collect();
    let conclusion = c.conclusion;
    let verdict_key = |m: &crate::domain::opinion::Member| m.verdict.label_key();
    view! {
        <div class="button-group no-print">
            <button type="button" class="button button--secondary" data-testid="print-opinion" on:click=move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(w) = web_sys::window() { let _ = w.print(); }
            }>{t("opinion.print")}</button>
            {v.seal.as_ref().and_then(|s| s.pdf_url.clone()).map(|u| view! {
                <a class="button button--secondary" href=u rel="external" download="" data-testid="download-pdf">{t("opinion.download_pdf")}</a>
            })}
        </div>
        <article class="document" data-testid="opinion-document" lang="zh-CN">
            <h2 class="document__title">"昌吉州中小学生校外培训服务类别鉴定意见书"</h2>
            <p class="document__meta">"案件编号："{c.case_number.clone()}" · 第 "{c.revision}" 稿"</p>
            <table class="document__table">
                <tbody>
                    <tr><th scope="row">"机构名称"</th><td>{c.institution.clone()}</td></tr>
                    {c.particulars.clone().map(|p| view! {
                        <tr><th scope="row">"统一社会信用代码"</th><td data-testid="opinion-uscc">{p.uscc.clone()}</td></tr>
                        <tr><th scope="row">"办学许可证号"</th><td>{if p.licence_no.is_empty() { "尚未取得".to_string() } else { p.licence_no.clone() }}</td></tr>
                        <tr><th scope="row">"机构地址"</th><td>{p.address.clone()}</td></tr>
                    })}
                    <tr><th scope="row">"培训项目"</th><td>{c.item.clone()}"（"{c.stage.clone()}"）"</td></tr>
                    {c.particulars.clone().map(|p| view! {
                        <tr><th scope="row">"项目情况"</th><td>{format!("{}；总课时 {}；{}；申报类别：{}", p.grades, p.hours, p.delivery, p.declared_category)}</td></tr>
                        <tr><th scope="row">"鉴定依据"</th><td><ul>{p.basis.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul></td></tr>
                    })}
                    <tr><th scope="row">"受理单位"</th><td>{c.county.clone()}"教育局"</td></tr>
                    <tr><th scope="row">"审查材料"</th><td><ul>{c.materials.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul></td></tr>
                    {c.meeting.as_ref().map(|m| view! {
                        <tr><th scope="row">"鉴定会"</th><td data-testid="opinion-meeting">{m.zh()}</td></tr>
                    })}
                    {c.meeting_waived.clone().map(|w| view! {
                        <tr><th scope="row">"鉴定会"</th><td data-testid="opinion-meeting-waived">{format!("经负责人决定不召开（理由：{w}）")}</td></tr>
                    })}
                    <tr><th scope="row">"鉴定活动"</th><td><ul>{c.activities.iter().map(|a| view! { <li>{a.date.format("%Y-%m-%d").to_string()}" "{a.kind.clone()}" "{a.place.clone()}" "{a.summary.clone()}</li> }).collect_view()}</ul></td></tr>
                </tbody>
            </table>
            <h3>"分维度鉴定意见"</h3>
            <table class="document__table" data-testid="findings">
                <thead><tr><th scope="col">"维度"</th><th scope="col">"评议（学科/非学科/待定）"</th><th scope="col">"意见及依据"</th></tr></thead>
                <tbody>
                    {c.findings.iter().map(|f| view! {
                        <tr><th scope="row">{f.name.clone()}</th><td>{format!("{} / {} / {}", f.counts[0], f.counts[1], f.counts[2])}</td><td class="pre">{f.text.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>"负面清单"</h3>
            {if c.negative_list_hits.is_empty() {
                view! { <p>"未发现负面清单所列内容。"</p> }.into_any()
            } else {
                view! { <ul>{c.negative_list_hits.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
            {c.supervision_flag.then(|| view! { <p class="document__flag">"涉及负面清单内容，已作为监管线索记录。"</p> })}
            <h3>"鉴定结论"</h3>
            <p data-testid="opinion-conclusion"><span class=conclusion_class(conclusion)>{conclusion.zh()}</span></p>
            {c.preschool_prohibited.then(|| view! { <p class="document__flag">"学前儿童学科类培训属禁止行为。"</p> })}
            <p class="pre">{c.reasons.clone()}</p>
            <h3>"专家组成员"</h3>
            <table class="document__table" data-testid="signatures">
                <thead><tr><th scope="col">"专家"</th><th scope="col">"个人意见"</th><th scope="col">"签名"</th></tr></thead>
                <tbody>
                    {c.members.iter().map(|m| {
                        let sig = signed.iter().find(|s| s.0 == m.expert.0).cloned();
                        let vk = verdict_key(m);
                        view! {
                            <tr data-signed=sig.is_some().to_string()>
                                <th scope="row">
                                    {m.name.clone()}{m.lead.then_some("（组长）")}
                                    {(!m.employer.is_empty() || !m.title.is_empty()).then(|| view! {
                                        <span class="hint" data-testid="member-about">{format!("（{}）", [m.employer.as_str(), m.title.as_str()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join("，"))}</span>
                                    })}
                                </th>
                                <td>{move || locale.tr(vk)}{m.dissents.then_some("（不同意见）")}</td>
                                <td>{match sig.clone() {
                                    Some((_, _, at, _)) => view! { <span class="tag tag--green">{t("opinion.signed_at")}" "{at}</span> }.into_any(),
                                    None => view! { <span class="tag tag--yellow">{t("opinion.not_signed")}</span> }.into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {signed.iter().filter_map(|(_, n, _, d)| d.clone().map(|d| (n.clone(), d))).map(|(n, d)| view! {
                <div class="document__dissent" data-testid="dissent"><strong>{n}" 的不同意见："</strong><p class="pre">{d}</p></div>
            }).collect_view()}
            {v.seal.clone().map(|s| view! {
                <div class="document__seal" data-testid="seal">
                    <div class="seal-mark" aria-hidden="true"><span>{s.bureau_name.clone()}</span><span>"鉴定专用章"</span></div>
                    <p>{s.bureau_name.clone()}"（盖章） "{s.sealed_at.clone()}" · "{s.sealed_by.clone()}</p>
                    <div class="document__verify">
                        <div class="qr" inner_html=s.qr_svg.clone()></div>
                        <p>"核验码："<strong data-testid="verify-code">{s.verify_code.clone()}</strong><br/>
                        "核验地址："<a href=s.verify_url.clone()>{s.verify_url.clone()}</a></p>
                    </div>
                </div>
            })}
            {v.digest.clone().map(|d| view! { <p class="document__digest">"SHA-256："{d}</p> })}
        </article>
    }
    .into_any()
}
