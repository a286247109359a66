//! 今日到诊 — today's appointments (SVC-2): mark each arrived (到诊) or a no-show; and the
//! read-only directory of departments and doctors every service role may read (ORG-2).

use hcrm_domain::api::appointments::{Appointment, AppointmentTransition, Directory};
use hcrm_domain::api::org::ScheduleSlot;
use hcrm_domain::appointment::{AppointmentAction, AppointmentStatus};
use hcrm_domain::{Label, Lang, Permission};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::list::use_loaded;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::services::Items;
use crate::services::appointments;

/// Keyed by the page's booking count: a booking made reads the day again.
#[component]
pub fn TodaysArrivals() -> Html {
    let lang = use_lang();
    let session = use_session();
    let today = crate::clock::today();
    let loaded = use_loaded::<Items<Appointment>>(appointments::of_day_path(today, None));
    let can_write = session.can(Permission::ServiceWrite);
    let act = |a: &Appointment, action: AppointmentAction| {
        let (a, loaded) = (a.clone(), loaded.clone());
        Callback::from(move |_: MouseEvent| {
            let (a, loaded) = (a.clone(), loaded.clone());
            yew::platform::spawn_local(async move {
                let body = AppointmentTransition {
                    action,
                    session_id: None,
                    reason: None,
                    version: None,
                };
                match appointments::transition(&loaded.api, &a, &body).await {
                    Ok(_) => {
                        loaded.problem.set(None);
                        loaded.reload();
                    }
                    Err(p) => loaded.problem.set(Some(p)),
                }
            });
        })
    };
    let body = match loaded.data.as_ref().map(Items::as_slice) {
        None => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        Some([]) => html! { <p class="muted">{ tr(lang, "arrivals.none") }</p> },
        Some(list) => html! {
            <table class="grid" id="arrivals-table">
                <thead><tr>
                    <th>{ tr(lang, "arrivals.when") }</th>
                    <th>{ tr(lang, "arrivals.customer") }</th>
                    <th>{ tr(lang, "arrivals.doctor") }</th>
                    <th>{ tr(lang, "arrivals.kind") }</th>
                    <th>{ tr(lang, "arrivals.status") }</th>
                    <th>{ tr(lang, "common.actions") }</th>
                </tr></thead>
                <tbody>
                    { for list.iter().map(|a| {
                        let can = |x: AppointmentAction| can_write && a.allowed_actions.contains(&x);
                        html! {
                            <tr data-appointment-id={a.id.to_string()} data-status={a.status.code()}>
                                <td>{ a.session.half_day.label(lang) }</td>
                                <td>{ &a.customer.name }{ (a.places > 1).then(|| format!(" ×{}", a.places)) }</td>
                                <td>{ a.session.doctor_name.clone().or_else(|| a.session.resource_name.clone()).unwrap_or_default() }
                                    { " " }<span class="muted">{ a.session.department_name.clone().unwrap_or_default() }</span></td>
                                <td>{ a.kind.label(lang) }</td>
                                <td><span class={classes!("tag", (a.status != AppointmentStatus::Booked).then_some("tag-muted"))}>{ a.status.label(lang) }</span></td>
                                <td class="row-actions">
                                    if can(AppointmentAction::Arrive) {
                                        <button type="button" class="btn btn-primary arrive-btn" onclick={act(a, AppointmentAction::Arrive)}>{ AppointmentAction::Arrive.label(lang) }</button>
                                    }
                                    if can(AppointmentAction::NoShow) {
                                        <button type="button" class="btn no-show-btn" onclick={act(a, AppointmentAction::NoShow)}>{ AppointmentAction::NoShow.label(lang) }</button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <div class="panel" id="console-arrivals">
            <h2>{ trf(lang, "arrivals.title", &[&today.to_string()]) }</h2>
            <ErrorBanner problem={(*loaded.problem).clone()} />
            <div class="table-wrap">{ body }</div>
        </div>
    }
}

/// `周二 上午` of a weekly slot, `2026-12-12 下午` of a dated one.
fn slot_text(lang: Lang, s: &ScheduleSlot) -> String {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let day = match (s.weekday, s.date) {
        (Some(w @ 1..=7), _) => lang
            .pick(ZH[w as usize - 1], EN[w as usize - 1])
            .to_string(),
        (_, Some(d)) => d.to_string(),
        _ => String::new(),
    };
    format!("{day} {}", s.half_day.label(lang))
}

/// 医生目录 — read-only: each department's doctors with title, specialties, clinic hours and
/// free places this week ("周二哪位心内科专家出诊?").
#[component]
pub fn DoctorDirectory() -> Html {
    let lang = use_lang();
    let loaded = use_loaded::<Directory>(appointments::directory_path());
    let Some(d) = &*loaded.data else {
        return html! { <div class="panel" id="console-directory">{ loaded.banner() }</div> };
    };
    html! {
        <details class="panel" id="console-directory">
            <summary><h2>{ trf(lang, "directory.title", &[&d.week_from.to_string(), &d.week_to.to_string()]) }</h2></summary>
            { for d.departments.iter().map(|dep| html! {
                <section class="directory-dept" data-department-id={dep.id.to_string()}>
                    <h3>{ &dep.name }{ dep.phone.as_ref().map(|p| format!(" · {p}")) }</h3>
                    <ul class="task-list">
                        { for dep.doctors.iter().map(|doc| html! {
                            <li data-doctor-id={doc.id.to_string()}>
                                <strong>{ &doc.name }</strong>{ " " }<span class="muted">{ &doc.title }</span>
                                if !doc.specialties.is_empty() { { " · " }{ doc.specialties.join("、") } }
                                <br />
                                <span class="muted">{ doc.schedule.iter().map(|s| slot_text(lang, s)).collect::<Vec<_>>().join(" ") }</span>
                                { " · " }{ trf(lang, "directory.free", &[&doc.free_this_week.to_string()]) }
                            </li>
                        }) }
                    </ul>
                </section>
            }) }
        </details>
    }
}
