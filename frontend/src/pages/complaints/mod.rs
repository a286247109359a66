//! 投诉 — the complaint screens (CMP-1 … CMP-9): the agent's intake (phone first), the
//! supervisor's workbench (the queue by urgency) and the case page (the flow, the allowed
//! actions, both clocks, the history). Every shape is hcrm-domain's; every code is labelled.

pub mod case;
pub mod edit;
pub mod intake;
pub mod money;
pub mod penalties;
pub mod workbench;

use chrono::TimeDelta;
use hcrm_domain::complaint::{ClockKind, ComplaintLimits, ComplaintState, Limit};
use hcrm_domain::{Label, Lang};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::shell::opens_elsewhere;

/// Whether a limit counts working time (its "left" is working time then).
pub fn is_working(limit: Limit) -> bool {
    matches!(limit, Limit::WorkingDays(_) | Limit::WorkingHours(_))
}

/// Whether a clock of this kind counts working time under the default limits (the list
/// names the clock, not its limit).
pub fn kind_is_working(kind: ClockKind) -> bool {
    match kind {
        ClockKind::National => true,
        ClockKind::Case => false,
        k => ComplaintLimits::default().step(k).is_some_and(is_working),
    }
}

pub fn seconds(s: i64) -> TimeDelta {
    TimeDelta::seconds(s)
}

/// A state as a tag (`.state-tag.state-<code>`), closed ones muted.
pub fn state_tag(lang: Lang, state: ComplaintState) -> Html {
    let closed = state == ComplaintState::Closed;
    html! {
        <span class={classes!("tag", "state-tag", closed.then_some("tag-muted"))} data-state={state.code()}>
            { state.label(lang) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct CaseLinkProps {
    pub id: Uuid,
    #[prop_or_default]
    pub class: Classes,
    pub children: Html,
}

/// A real link to a case (a new tab works), followed in the app.
#[component]
pub fn CaseLink(props: &CaseLinkProps) -> Html {
    let navigator = use_navigator();
    let route = Route::Complaint {
        id: props.id.to_string(),
    };
    let onclick = {
        let route = route.clone();
        Callback::from(move |e: MouseEvent| {
            if opens_elsewhere(&e) {
                return;
            }
            e.prevent_default();
            if let Some(n) = &navigator {
                n.push(&route);
            }
        })
    };
    html! {
        <a href={route.to_path()} class={props.class.clone()} {onclick}>{ props.children.clone() }</a>
    }
}
