//! 客户 360 (CUS-11): the profile card, the timeline, contacts with a next step (CUS-12),
//! relations (CUS-7), open tasks, and the medical and private sections that need a permission
//! or a break-glass grant (CUS-5, X-6, X-6a).

use hcrm_domain::api::Problem;
use hcrm_domain::api::customers::Customer;
use hcrm_domain::api::sensitive::{MedicalProfile, PrivateNotes};
use hcrm_domain::{Lang, Permission};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::banner::ErrorBanner;
use crate::components::list::use_loaded;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::break_glass::{BreakGlassDialog, TemporaryAccess};
use crate::pages::customers::contacts::ContactsSection;
use crate::pages::customers::profile::ProfileCard;
use crate::pages::customers::relations::RelationsSection;
use crate::pages::customers::sensitive::SensitiveSection;
use crate::pages::customers::tasks::TaskRow;
use crate::pages::customers::timeline::TimelineSection;
use crate::pages::customers::visits::VisitsSection;
use crate::pages::customers::{Items, Task};
use crate::services::customers::{self, Sensitive};
use crate::services::tasks;

#[derive(Properties, PartialEq)]
pub struct CustomerPageProps {
    pub id: Uuid,
}

#[component]
pub fn CustomerPage(props: &CustomerPageProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let location = use_location();
    let followed = location
        .as_ref()
        .is_some_and(|l| l.query_str().contains("via=link"));
    let customer = use_state(|| None::<Customer>);
    let problem = use_state(|| None::<Problem>);
    // Bumped after a break-glass grant: everything reloads.
    let reload = use_state(|| 0_u32);
    let dialog = use_state(|| false);
    // Bumped after a contact with a next step: tasks and timeline reload.
    let side_reload = use_state(|| 0_u32);
    let id = props.id;

    let navigator = use_navigator();
    {
        let (api, customer, problem) = (session.api.clone(), customer.clone(), problem.clone());
        use_effect_with((id, *reload), move |(id, _)| {
            let id = *id;
            customer.set(None);
            problem.set(None);
            yew::platform::spawn_local(async move {
                match customers::get(&api, id).await {
                    Ok(c) => customer.set(Some(c)),
                    // A merged-away record: on to the customer it was merged into (issue 9
                    // item 11), in place of this address in the history.
                    Err(p) => match (merged_into(&p), &navigator) {
                        (Some(kept), Some(n)) => n.replace(&Route::Customer {
                            id: kept.to_string(),
                        }),
                        _ => problem.set(Some(p)),
                    },
                }
            });
        });
    }
    let open_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(true))
    };
    let on_granted = {
        let (dialog, reload) = (dialog.clone(), reload.clone());
        Callback::from(move |()| {
            dialog.set(false);
            reload.set(*reload + 1);
        })
    };
    let on_close = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(false))
    };
    let dialog_html = if *dialog {
        html! { <BreakGlassDialog customer_id={id} {on_granted} {on_close} /> }
    } else {
        html! {}
    };

    let Some(c) = &*customer else {
        let restricted = problem
            .as_ref()
            .is_some_and(|p| p.status == 403 || (p.status == 404 && followed));
        return html! {
            <section class="page" id="customer-page">
                // Until the record shows its name, the page's one h1 says what page it is.
                <h1 class="sr-only">{ tr(lang, "customer.page") }</h1>
                if let Some(p) = &*problem {
                    if restricted {
                        <div id="customer-restricted" class="panel restricted">
                            <p>{ tr(lang, "customer.restricted") }</p>
                            <button id="break-glass-open" class="btn btn-danger"
                                    onclick={open_dialog.reform(|_| ())}>
                                { tr(lang, "breakglass.open") }
                            </button>
                        </div>
                    } else {
                        <ErrorBanner problem={Some(p.clone())} />
                    }
                } else {
                    <p class="muted">{ tr(lang, "loading") }</p>
                }
                { dialog_html }
            </section>
        };
    };

    let reload_key = *reload;
    let side_key = format!("{reload_key}-{}", *side_reload);
    html! {
        <section class="page" id="customer-page" data-customer-id={c.id.to_string()}>
            <TemporaryAccess customer_id={id} key={format!("grant-{reload_key}")} />
            <ProfileCard customer={c.clone()} />
            <div class="c360-grid">
                <div class="c360-main">
                    <ContactsSection customer_id={id} key={format!("contacts-{reload_key}")}
                                     on_saved={{ let r = side_reload.clone(); Callback::from(move |()| r.set(*r + 1)) }} />
                    if session.can(Permission::VisitRead) {
                        <VisitsSection customer_id={id} institution_id={c.institution_id} key={format!("visits-{reload_key}")}
                                       on_saved={{ let r = side_reload.clone(); Callback::from(move |()| r.set(*r + 1)) }} />
                    }
                    <TimelineSection customer_id={id} key={format!("timeline-{side_key}")} />
                </div>
                <div class="c360-side">
                    <TasksSection customer_id={id} key={format!("tasks-{side_key}")} />
                    <RelationsSection customer={c.clone()} key={format!("rel-{reload_key}")} />
                    <SensitiveSection customer_id={id} section={Sensitive::Medical} section_id="medical"
                        title_key="customer.medical" on_break_glass={open_dialog.clone()}
                        fields={&MedicalProfile::FIELDS[..]} write={Permission::MedicalWrite}
                        key={format!("med-{reload_key}")} />
                    <SensitiveSection customer_id={id} section={Sensitive::PrivateNotes} section_id="private-notes"
                        title_key="customer.private_notes" on_break_glass={open_dialog.clone()}
                        fields={&PrivateNotes::FIELDS[..]} write={Permission::PrivateNotesWrite}
                        key={format!("pn-{reload_key}")} />
                </div>
            </div>
            { dialog_html }
        </section>
    }
}

/// The customer a merged-away one was merged into, from a 404 `merged` problem.
pub fn merged_into(p: &Problem) -> Option<Uuid> {
    p.merged_into.filter(|_| p.code() == "merged")
}

#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub customer_id: Uuid,
}

/// A section's load state: not yet, loaded, or a problem (404 = the endpoint is not there yet).
pub fn unavailable(lang: Lang, p: &Problem) -> Html {
    if p.status == 404 || p.status == 405 {
        html! { <p class="muted">{ tr(lang, "customer.section.unavailable") }</p> }
    } else {
        html! { <ErrorBanner problem={Some(p.clone())} /> }
    }
}

#[component]
pub fn TasksSection(props: &SectionProps) -> Html {
    let lang = use_lang();
    let tasks = use_loaded::<Items<Task>>(tasks::open_of_customer_path(props.customer_id));
    let on_done = tasks.reloader();
    html! {
        <div class="panel" id="customer-tasks">
            <h3>{ tr(lang, "tasks.of_customer") }</h3>
            {
                match (tasks.data.as_ref().map(Items::as_slice), &*tasks.problem) {
                    (_, Some(p)) => unavailable(lang, p),
                    (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
                    (Some([]), _) => html! { <p class="muted">{ tr(lang, "tasks.none") }</p> },
                    (Some(l), _) => html! {
                        <ul class="task-list">
                            { for l.iter().map(|t| html! { <TaskRow task={t.clone()} on_done={on_done.clone()} show_customer=false /> }) }
                        </ul>
                    },
                }
            }
        </div>
    }
}
