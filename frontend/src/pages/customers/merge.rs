//! Merge a duplicate into this customer (CUS-10): pick it by search, compare side by side,
//! choose per differing field whose value stays (issue 9 item 11), confirm; the records and
//! fields moved are shown. Without `customer.merge` (agents) the page reports the suspected
//! duplicate to the supervisors instead (item 10).

use std::collections::BTreeMap;

use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::{Customer, CustomerSummary};
use hcrm_domain::api::merge::{DuplicateReport, MergeRequest, MergeResult};
use hcrm_domain::customer::merge::{MergeField, MergeSide, differences, side_of};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::{ErrorBanner, Notice};
use crate::forms::opt;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::search::CustomerSearch;
use crate::services::customers;

#[derive(Properties, PartialEq)]
pub struct MergePageProps {
    pub id: Uuid,
}

#[component]
pub fn MergePage(props: &MergePageProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let keep = use_state(|| None::<Customer>);
    let other = use_state(|| None::<Customer>);
    let problem = use_state(|| None::<Problem>);
    let result = use_state(|| None::<MergeResult>);
    let choices = use_state(BTreeMap::<MergeField, MergeSide>::new);
    let note = use_state(String::new);
    let reported = use_state(|| false);
    let busy = use_state(|| false);
    let id = props.id;
    let may_merge = session.can(Permission::CustomerMerge);
    {
        let (api, keep, problem) = (session.api.clone(), keep.clone(), problem.clone());
        use_effect_with(id, move |id| {
            let id = *id;
            yew::platform::spawn_local(async move {
                match customers::get(&api, id).await {
                    Ok(c) => keep.set(Some(c)),
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    let on_pick = {
        let (api, other, problem, choices, reported) = (
            session.api.clone(),
            other.clone(),
            problem.clone(),
            choices.clone(),
            reported.clone(),
        );
        Callback::from(move |c: CustomerSummary| {
            let (api, other, problem, choices, reported) = (
                api.clone(),
                other.clone(),
                problem.clone(),
                choices.clone(),
                reported.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::get(&api, c.id).await {
                    Ok(c) => {
                        problem.set(None);
                        choices.set(BTreeMap::new());
                        reported.set(false);
                        other.set(Some(c));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let confirm = {
        let (api, other, problem, result, busy, keep, choices) = (
            session.api.clone(),
            other.clone(),
            problem.clone(),
            result.clone(),
            busy.clone(),
            keep.clone(),
            choices.clone(),
        );
        Callback::from(move |_| {
            let (Some(from), Some(version)) = (
                other.as_ref().map(|o| o.id),
                keep.as_ref().map(|k| k.version),
            ) else {
                return;
            };
            if from == id
                || !crate::pages::institutions::confirm(tr(lang, "merge.confirm.question"))
            {
                return;
            }
            busy.set(true);
            let body = MergeRequest {
                from_id: from,
                choices: (*choices).clone(),
            };
            let (api, problem, result, busy, keep) = (
                api.clone(),
                problem.clone(),
                result.clone(),
                busy.clone(),
                keep.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::merge(&api, id, version, &body).await {
                    Ok(r) => {
                        keep.set(Some(r.customer.clone()));
                        result.set(Some(r));
                        problem.set(None);
                    }
                    Err(p) => {
                        // A stale version: read the kept customer again to choose anew.
                        if p.status == 412
                            && let Ok(latest) = customers::get(&api, id).await
                        {
                            keep.set(Some(latest));
                        }
                        problem.set(Some(p));
                    }
                }
                busy.set(false);
            });
        })
    };
    let report = {
        let (api, other, problem, note, reported, busy) = (
            session.api.clone(),
            other.clone(),
            problem.clone(),
            note.clone(),
            reported.clone(),
            busy.clone(),
        );
        Callback::from(move |_| {
            let Some(other_id) = other.as_ref().map(|o| o.id) else {
                return;
            };
            busy.set(true);
            let body = DuplicateReport {
                other_customer_id: other_id,
                note: opt(&note),
            };
            let (api, problem, reported, busy) =
                (api.clone(), problem.clone(), reported.clone(), busy.clone());
            yew::platform::spawn_local(async move {
                match customers::report_duplicate(&api, id, &body).await {
                    Ok(_) => {
                        reported.set(true);
                        problem.set(None);
                    }
                    Err(p) => problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let column = |c: Option<&Customer>, heading: &'static str| {
        let cell = |f: &dyn Fn(&Customer) -> String| c.map(f).unwrap_or_default();
        html! {
            <div class="merge-col">
                <h3>{ tr(lang, heading) }</h3>
                <dl class="kv-grid">
                    <div class="kv"><dt>{ tr(lang, "customer.name") }</dt><dd>{ cell(&|c| format!("{} ({})", c.name, c.form_of_address)) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.kind") }</dt><dd>{ cell(&|c| c.kind.label(lang).to_string()) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.gender_age") }</dt><dd>{ cell(&|c| format!("{} {}", c.gender.map(|g| g.label(lang)).unwrap_or(""), c.age.map(|a| a.to_string()).unwrap_or_default())) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.phone") }</dt><dd class="mono">{ cell(&|c| c.phones.join("、")) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.id_number") }</dt><dd class="mono">{ cell(&|c| c.id_number.clone().unwrap_or_default()) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.stage") }</dt><dd>{ cell(&|c| c.lifecycle_stage.label(lang).to_string()) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.tags") }</dt><dd>{ cell(&|c| c.tags.join("、")) }</dd></div>
                    <div class="kv"><dt>{ tr(lang, "customer.created_at") }</dt><dd>{ cell(&|c| crate::pages::customers::local_time(c.created_at)) }</dd></div>
                </dl>
            </div>
        }
    };
    // One row per differing field: the two values, the kept one's or the duplicate's.
    let choice_table = match (keep.as_ref(), other.as_ref()) {
        (Some(k), Some(d)) if may_merge && k.id != d.id => {
            let rows = differences(k, d);
            let pick = |field: MergeField, side: MergeSide| {
                let choices = choices.clone();
                Callback::from(move |_: Event| {
                    let mut next = (*choices).clone();
                    next.insert(field, side);
                    choices.set(next);
                })
            };
            html! {
                <div id="merge-fields">
                    <h3>{ tr(lang, "merge.choose") }</h3>
                    <p class="muted">{ tr(lang, "merge.choose.explain") }</p>
                    if rows.is_empty() {
                        <p class="muted">{ tr(lang, "merge.fields_none") }</p>
                    } else {
                        <table class="merge-choices">
                            <thead><tr>
                                <th>{ tr(lang, "merge.field") }</th>
                                <th>{ tr(lang, "merge.keep") }</th>
                                <th>{ tr(lang, "merge.duplicate") }</th>
                            </tr></thead>
                            <tbody>
                                { for rows.iter().map(|(field, kept_blank)| {
                                    let side = side_of(*field, *kept_blank, &choices);
                                    let name = format!("merge-{}", field.code());
                                    let cell = |c: &Customer, s: MergeSide| html! {
                                        <td>
                                            <label>
                                                <input type="radio" name={name.clone()} value={s.code()}
                                                       id={format!("merge-{}-{}", field.code(), s.code())}
                                                       checked={side == s} onchange={pick(*field, s)} />
                                                <span>{ value_text(lang, c, *field) }</span>
                                            </label>
                                        </td>
                                    };
                                    html! {
                                        <tr class="differs" data-field={field.code()}>
                                            <th>{ field.label(lang) }</th>
                                            { cell(k, MergeSide::Kept) }
                                            { cell(d, MergeSide::Duplicate) }
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    }
                </div>
            }
        }
        _ => html! {},
    };
    let same = other.as_ref().is_some_and(|o| o.id == id);
    html! {
        <section class="page" id="merge-page">
            <div class="page-head">
                <h1>{ tr(lang, if may_merge { "merge.title" } else { "merge.report.title" }) }</h1>
                <Link<Route> to={Route::Customer { id: id.to_string() }} classes="btn">{ tr(lang, "merge.back") }</Link<Route>>
            </div>
            <p class="muted">{ tr(lang, if may_merge { "merge.explain" } else { "merge.report.explain" }) }</p>
            <ErrorBanner problem={(*problem).clone()} />
            if let Some(r) = &*result {
                <div id="merge-result" class="notice" role="status">
                    <p>{ tr(lang, "merge.done") }</p>
                    <ul>
                        { for r.moved.iter().filter(|(_, n)| **n > 0).map(|(k, n)| html! {
                            <li data-module={k.clone()}>{ trf(lang, "merge.moved", &[module_label(lang, k), &n.to_string()]) }</li>
                        }) }
                    </ul>
                    if r.fields.is_empty() {
                        <p id="merge-fields-moved">{ tr(lang, "merge.fields_none") }</p>
                    } else {
                        <p id="merge-fields-moved">
                            { tr(lang, "merge.fields_moved") }
                            { r.fields.iter().map(|f| f.label(lang)).collect::<Vec<_>>().join("、") }
                        </p>
                    }
                    <Link<Route> to={Route::Customer { id: id.to_string() }} classes="btn btn-primary">
                        <span id="merge-open-kept">{ tr(lang, "merge.open_kept") }</span>
                    </Link<Route>>
                </div>
            } else {
                <CustomerSearch id="merge-search" results_id="merge-results" {on_pick} />
                <div class="merge-compare" id="merge-compare">
                    { column(keep.as_ref(), if may_merge { "merge.keep" } else { "merge.report.this" }) }
                    { column(other.as_ref(), if may_merge { "merge.duplicate" } else { "merge.report.other" }) }
                </div>
                if may_merge {
                    { choice_table }
                    <button id="merge-confirm" class="btn btn-danger" onclick={confirm}
                            disabled={other.is_none() || *busy || same}>
                        { tr(lang, "merge.confirm") }
                    </button>
                } else if *reported {
                    <Notice text={Some(AttrValue::from(tr(lang, "merge.report.sent")))} />
                } else {
                    <div class="merge-report" id="merge-report">
                        <div class="field">
                            <label for="merge-report-note">{ tr(lang, "merge.report.note") }</label>
                            <textarea id="merge-report-note" rows="2" value={(*note).clone()}
                                      oninput={{ let note = note.clone(); Callback::from(move |e: InputEvent| {
                                          let t: HtmlTextAreaElement = e.target_unchecked_into();
                                          note.set(t.value());
                                      }) }} />
                        </div>
                        <button id="merge-report-send" class="btn btn-primary" onclick={report}
                                disabled={other.is_none() || *busy || same}>
                            { tr(lang, "merge.report.send") }
                        </button>
                    </div>
                }
            }
        </section>
    }
}

/// A field's value on one record as the page shows it; blank as "(blank)".
fn value_text(lang: Lang, c: &Customer, field: MergeField) -> String {
    use MergeField as F;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let label = |v: Option<&dyn Label>| v.map(|v| v.label(lang).to_string()).unwrap_or_default();
    let out = match field {
        F::Name => c.name.clone(),
        F::Gender => c
            .gender
            .map(|g| g.label(lang).to_string())
            .unwrap_or_default(),
        F::BirthDate => c.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        F::IdDocument => match &c.id_number {
            Some(n) => format!(
                "{} {n}",
                c.id_type.map(|t| t.label(lang)).unwrap_or_default()
            ),
            None => String::new(),
        },
        F::CardNumber => text(&c.card_number),
        F::Landline => text(&c.landline),
        F::Wechat => text(&c.wechat),
        F::Qq => text(&c.qq),
        F::Email => text(&c.email),
        F::Address => [
            &c.address.province,
            &c.address.city,
            &c.address.district,
            &c.address.street,
        ]
        .iter()
        .filter_map(|v| v.as_deref())
        .collect::<Vec<_>>()
        .join(" "),
        F::Occupation => text(&c.occupation),
        F::Employer => text(&c.employer_name),
        F::Education => label(c.education.as_ref().map(|v| v as &dyn Label)),
        F::MaritalStatus => label(c.marital_status.as_ref().map(|v| v as &dyn Label)),
        F::FamilySituation => text(&c.family_situation),
        F::PreferredLanguage => label(c.preferred_language.as_ref().map(|v| v as &dyn Label)),
        F::PreferredChannel => label(c.preferred_channel.as_ref().map(|v| v as &dyn Label)),
        F::PreferredHours => text(&c.preferred_hours),
        F::SourceChannel => c
            .source_channel
            .map(|s| s.label(lang).to_string())
            .unwrap_or_default(),
        F::SourceDetail => text(&c.source_detail),
        F::ReferredBy => text(&c.referred_by_name),
        F::RelationshipType => c
            .relationship_type
            .map(|r| r.label(lang).to_string())
            .unwrap_or_default(),
        F::AccountManager => text(&c.account_manager_name),
        F::Notes => text(&c.notes),
        F::Uscc => text(&c.uscc),
        F::Industry => text(&c.industry),
        F::OrgSize => text(&c.org_size),
    };
    if out.trim().is_empty() {
        tr(lang, "merge.empty").to_string()
    } else {
        out
    }
}

fn module_label(lang: hcrm_domain::Lang, module: &str) -> &str {
    match module {
        "contacts" => tr(lang, "contact.title"),
        "relations" => tr(lang, "relation.title"),
        "tasks" => tr(lang, "tasks.of_customer"),
        "tags" => tr(lang, "customer.tags"),
        "categories" => tr(lang, "customer.categories"),
        "phones" => tr(lang, "customer.phone"),
        "external_ids" => tr(lang, "customer.external_ids"),
        "stage_history" => tr(lang, "customer.stage.history"),
        "medical" => tr(lang, "customer.medical"),
        "private_notes" => tr(lang, "customer.private_notes"),
        "profile" => tr(lang, "merge.module.profile"),
        "break_glass" => tr(lang, "breakglass.reviews"),
        other => other,
    }
}
