//! The caller found by the phone box: their card (the 360 page's), the consultation form for
//! what they ask (SVC-1), their open complaints, next appointment and open tasks.

use hcrm_domain::api::Page;
use hcrm_domain::api::appointments::Appointment;
use hcrm_domain::api::complaints::ComplaintListItem;
use hcrm_domain::api::customers::Customer;
use hcrm_domain::{Label, Permission};
use uuid::Uuid;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::list::use_loaded;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::complaints::{CaseLink, state_tag};
use crate::pages::customers::local_time;
use crate::pages::customers::profile::ProfileCard;
use crate::pages::customers::view::TasksSection;
use crate::pages::service::booking::{Caller, session_when};
use crate::pages::service::form::ConsultationForm;
use crate::services::{Items, appointments, complaints, customers};

#[derive(Properties, PartialEq)]
pub struct CallerProps {
    pub id: Uuid,
    /// The caller once read (the calendar books for them).
    pub on_caller: Callback<Caller>,
    /// Counts the bookings made on the page: the next appointment is read again.
    pub bookings: u32,
}

#[component]
pub fn CallerPanel(props: &CallerProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let customer = use_loaded::<Customer>(customers::one_path(props.id));
    {
        let on_caller = props.on_caller.clone();
        let caller = customer.data.as_ref().map(|c| Caller {
            id: c.id,
            name: c.name.clone().into(),
            kind: c.kind,
        });
        use_effect_with(caller, move |caller| {
            if let Some(c) = caller {
                on_caller.emit(c.clone());
            }
        });
    }
    let Some(c) = &*customer.data else {
        return html! {
            <div class="panel" id="console-caller">
                if customer.problem.is_some() { { customer.banner() } } else { <p class="muted">{ tr(lang, "loading") }</p> }
            </div>
        };
    };
    html! {
        <div id="console-caller" data-customer-id={c.id.to_string()}>
            <ProfileCard customer={c.clone()} />
            <div class="c360-grid">
                <div class="c360-main">
                    if session.can(Permission::ServiceWrite) {
                        <ConsultationForm customer_id={Some(c.id)} customer_name={Some(AttrValue::from(c.name.clone()))} />
                    }
                    if session.can(Permission::ComplaintRead) {
                        <OpenComplaints customer_id={c.id} />
                    }
                </div>
                <div class="c360-side">
                    <NextAppointment customer_id={c.id} key={format!("next-{}", props.bookings)} />
                    <TasksSection customer_id={c.id} />
                </div>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OpenComplaintsProps {
    customer_id: Uuid,
}

/// The caller's complaints that are not closed, the most urgent first (CMP-1: the agent who
/// answers knows the case is open before the caller says so).
#[component]
fn OpenComplaints(props: &OpenComplaintsProps) -> Html {
    let lang = use_lang();
    let loaded =
        use_loaded::<Page<ComplaintListItem>>(complaints::open_of_customer_path(props.customer_id));
    let body = match (&*loaded.data, &*loaded.problem) {
        (_, Some(p)) => html! { <ErrorBanner problem={Some(p.clone())} /> },
        (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some(page), _) if page.items.is_empty() => {
            html! { <p class="muted">{ tr(lang, "console.complaints.none") }</p> }
        }
        (Some(page), _) => html! {
            <ul class="task-list">
                { for page.items.iter().map(|k| html! {
                    <li data-complaint-id={k.id.to_string()}>
                        <CaseLink id={k.id}>{ &k.number }</CaseLink>
                        { " " }{ state_tag(lang, k.state) }
                        { " " }<span class="muted">{ local_time(k.received_at) }</span>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <div class="panel" id="console-complaints">
            <h3>{ tr(lang, "console.complaints") }</h3>
            { body }
        </div>
    }
}

/// The caller's next booked appointment (SVC-2), and how many more.
#[component]
fn NextAppointment(props: &OpenComplaintsProps) -> Html {
    let lang = use_lang();
    let today = crate::clock::today();
    let loaded = use_loaded::<Items<Appointment>>(appointments::coming_of_customer_path(
        props.customer_id,
        today,
    ));
    let body = match (loaded.data.as_ref().map(Items::as_slice), &*loaded.problem) {
        (_, Some(p)) => html! { <ErrorBanner problem={Some(p.clone())} /> },
        (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some([]), _) => html! { <p class="muted">{ tr(lang, "console.next.none") }</p> },
        (Some([a, ..]), _) => html! {
            <p data-appointment-id={a.id.to_string()}>
                <strong>{ session_when(lang, a.session.date, a.session.half_day) }</strong><br />
                { a.session.department_name.clone().unwrap_or_default() }{ " · " }
                { a.session.doctor_name.clone().or_else(|| a.session.resource_name.clone()).unwrap_or_default() }
                { " · " }{ a.kind.label(lang) }
            </p>
        },
    };
    html! {
        <div class="panel" id="console-next">
            <h3>{ tr(lang, "console.next") }</h3>
            { body }
        </div>
    }
}
