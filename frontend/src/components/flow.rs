//! The flow of a case (CMP-4) as a row of steps: those done ticked, the current one
//! highlighted (`aria-current="step"`), those ahead plain; the disagreement branch below it,
//! shown when the case has entered it. The page says which steps there are; this only draws.

use yew::prelude::*;

use crate::hooks::use_lang;
use crate::i18n::tr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Done,
    Current,
    Ahead,
    /// Not taken on this case (the other branch).
    Skipped,
}

impl StepStatus {
    fn code(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Current => "current",
            StepStatus::Ahead => "ahead",
            StepStatus::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowStep {
    /// The state's code (`data-step`).
    pub code: AttrValue,
    pub label: AttrValue,
    pub status: StepStatus,
}

#[derive(Properties, PartialEq)]
pub struct FlowProps {
    pub id: AttrValue,
    pub steps: Vec<FlowStep>,
    /// The disagreement branch (president, expert consultation, agreement, legal).
    #[prop_or_default]
    pub branch: Vec<FlowStep>,
}

/// `last`: the end of the flow, ticked once reached.
fn step(lang: hcrm_domain::Lang, s: &FlowStep, n: usize, last: bool) -> Html {
    let status_text = match s.status {
        StepStatus::Done => tr(lang, "flow.done"),
        StepStatus::Current => tr(lang, "flow.current"),
        StepStatus::Ahead | StepStatus::Skipped => "",
    };
    html! {
        <li class={classes!("flow-step", format!("flow-{}", s.status.code()))}
            data-step={s.code.clone()} data-status={s.status.code()}
            aria-current={(s.status == StepStatus::Current).then_some("step")}>
            <span class="flow-mark" aria-hidden="true">
                { if s.status == StepStatus::Done || (last && s.status == StepStatus::Current) {
                    "✓".to_string()
                } else {
                    n.to_string()
                } }
            </span>
            <span class="flow-label">{ s.label.clone() }</span>
            if !status_text.is_empty() {
                <span class="sr-only">{ format!(" ({status_text})") }</span>
            }
        </li>
    }
}

#[component]
pub fn Flow(props: &FlowProps) -> Html {
    let lang = use_lang();
    html! {
        <div id={props.id.clone()} class="flow-box">
            <ol class="flow" aria-label={tr(lang, "flow.title")}>
                { for props.steps.iter().enumerate().map(|(i, s)| step(lang, s, i + 1, i + 1 == props.steps.len())) }
            </ol>
            if !props.branch.is_empty() {
                <div class="flow-branch">
                    <span class="flow-branch-title">{ tr(lang, "flow.branch") }</span>
                    <ol class="flow">
                        { for props.branch.iter().enumerate().map(|(i, s)| step(lang, s, i + 1, false)) }
                    </ol>
                </div>
            }
        </div>
    }
}
