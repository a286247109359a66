//! 限时服务 (SVC-6): the time limits (an admin changes them), a measured time recorded against
//! a target, and the month's report of met and missed per target.

use hcrm_domain::api::service_times::{
    ServiceTarget, ServiceTimeCreate, ServiceTimeLimits, ServiceTimeReport, TargetLimit,
};
use hcrm_domain::{Label, Permission};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::{page_head, use_loaded};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::service;

/// Minutes as people say them: `45 分钟`, `2 小时`, `3 天`.
fn duration(lang: hcrm_domain::Lang, minutes: i32) -> String {
    if minutes >= 1440 && minutes % 1440 == 0 {
        format!("{} {}", minutes / 1440, tr(lang, "svc.days"))
    } else if minutes >= 60 && minutes % 60 == 0 {
        format!("{} {}", minutes / 60, tr(lang, "svc.hours"))
    } else {
        format!("{minutes} {}", tr(lang, "svc.minutes"))
    }
}

/// `/service/time-limits`.
#[component]
pub fn TimeLimitsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let admin = session.can(Permission::SettingWrite);
    let may_record = session.can(Permission::ServiceWrite);
    let limits = use_loaded::<ServiceTimeLimits>(service::LIMITS_PATH.to_string());
    let month = use_state(crate::clock::this_month);
    let report = use_loaded::<ServiceTimeReport>(service::time_report_path(&month));
    let edits = use_state(Vec::<TargetLimit>::new);
    let problem = use_state(|| None::<hcrm_domain::api::Problem>);
    let target = use_state(String::new);
    let minutes = use_state(String::new);
    let edit = |t: ServiceTarget| {
        let edits = edits.clone();
        Callback::from(move |e: InputEvent| {
            let v: i32 = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse()
                .unwrap_or(0);
            let mut all = (*edits).clone();
            all.retain(|l| l.target != t);
            all.push(TargetLimit {
                target: t,
                minutes: v,
                minimum: false,
            });
            edits.set(all);
        })
    };
    let save = {
        let (api, limits, edits, problem, report) = (
            session.api.clone(),
            limits.clone(),
            edits.clone(),
            problem.clone(),
            report.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*limits.data).clone() else {
                return;
            };
            let version = current.version.unwrap_or(0);
            let body = ServiceTimeLimits {
                limits: (*edits).clone(),
                version: None,
            };
            let (api, limits, edits, problem, report) = (
                api.clone(),
                limits.clone(),
                edits.clone(),
                problem.clone(),
                report.clone(),
            );
            yew::platform::spawn_local(async move {
                match service::save_limits(&api, version, &body).await {
                    Ok(_) => {
                        edits.set(Vec::new());
                        problem.set(None);
                        limits.reload();
                        report.reload();
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let record = {
        let (api, target, minutes, problem, report) = (
            session.api.clone(),
            target.clone(),
            minutes.clone(),
            problem.clone(),
            report.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(t), Ok(m)) = (
                ServiceTarget::from_code(&target),
                minutes.trim().parse::<i32>(),
            ) else {
                return;
            };
            let body = ServiceTimeCreate {
                institution_id: None,
                target: t,
                minutes: m,
                occurred_on: None,
                customer_id: None,
                note: None,
            };
            let (api, problem, report, minutes) = (
                api.clone(),
                problem.clone(),
                report.clone(),
                minutes.clone(),
            );
            yew::platform::spawn_local(async move {
                match service::record_time(&api, &body).await {
                    Ok(_) => {
                        minutes.set(String::new());
                        problem.set(None);
                        report.reload();
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let limits_table = match &*limits.data {
        None => html! {},
        Some(l) => html! {
            <form id="time-limits-form" onsubmit={save}>
                <div class="grid-scroll">
                <table class="grid compact" id="time-limits">
                    <thead><tr>
                        <th>{ tr(lang, "svc.target") }</th>
                        <th>{ tr(lang, "svc.limit") }</th>
                    </tr></thead>
                    <tbody>
                    { for l.limits.iter().map(|x| html! {
                        <tr data-target={x.target.code()}>
                            <td>{ x.target.label(lang) }</td>
                            <td>
                                { if x.minimum { tr(lang, "svc.at_least") } else { tr(lang, "svc.at_most") } }
                                { " " }{ duration(lang, x.minutes) }
                                if admin {
                                    { " " }
                                    <input type="number" min="1" class="limit-minutes" aria-label={tr(lang, "svc.minutes")}
                                           value={x.minutes.to_string()} oninput={edit(x.target)} />
                                }
                            </td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                </div>
                if admin {
                    <button id="time-limits-save" class="btn btn-primary" type="submit"
                            disabled={edits.is_empty()}>{ tr(lang, "common.save") }</button>
                }
            </form>
        },
    };
    let report_table = match &*report.data {
        None => html! {},
        Some(r) => html! {
            <div class="grid-scroll">
            <table class="grid compact" id="time-report">
                <thead><tr>
                    <th>{ tr(lang, "svc.target") }</th>
                    <th>{ tr(lang, "svc.limit") }</th>
                    <th class="num">{ tr(lang, "svc.recorded") }</th>
                    <th class="num">{ tr(lang, "cstats.met") }</th>
                    <th class="num">{ tr(lang, "svc.missed") }</th>
                    <th class="num">{ tr(lang, "svc.met_rate") }</th>
                </tr></thead>
                <tbody>
                { for r.targets.iter().map(|t| html! {
                    <tr data-target={t.target.code()}>
                        <td>{ t.target.label(lang) }</td>
                        <td>{ duration(lang, t.limit_minutes) }</td>
                        <td class="num">{ t.recorded }</td>
                        <td class="num">{ t.met }</td>
                        <td class={classes!("num", (t.missed > 0).then_some("late"))}>{ t.missed }</td>
                        <td class="num">{ t.met_rate.map_or("—".to_string(), |x| format!("{:.1}%", x * 100.0)) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
        },
    };
    html! {
        <div class="page" id="time-limits-page">
            { page_head(lang, "svc.limits.title", None) }
            <ErrorBanner problem={(*problem).clone()} />
            { limits.banner() }
            { limits_table }
            if may_record {
                <form class="filters" id="time-record" onsubmit={record}>
                    <CodeSelect id="time-target" label={tr(lang, "svc.target")} value={(*target).clone()}
                                onchange={{ let target = target.clone(); Callback::from(move |e: Event| target.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}
                                options={coded_options(&ServiceTarget::ALL, ServiceTarget::code, lang)} />
                    <label>{ tr(lang, "svc.measured") }
                        <input id="time-minutes" type="number" min="0" value={(*minutes).clone()}
                               oninput={{ let minutes = minutes.clone(); Callback::from(move |e: InputEvent| minutes.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                    </label>
                    <button id="time-record-save" class="btn" type="submit">{ tr(lang, "svc.record") }</button>
                </form>
            }
            <h2>{ tr(lang, "svc.report.title") }</h2>
            <div class="filters">
                <label>{ tr(lang, "cstats.month") }
                    <input id="time-month" type="month" value={(*month).clone()}
                           onchange={{ let month = month.clone(); Callback::from(move |e: Event| month.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                </label>
            </div>
            { report.banner() }
            { report_table }
        </div>
    }
}
