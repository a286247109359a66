//! 月度处罚审核 — the penalties confirmed in a month (CMP-7, seed 003 四(五)): last month's by
//! default, for the review due by the 10th; each finding with its case, the person, the
//! confirmed level and the fines, the slip to print, and the month's totals.

use hcrm_domain::Label;
use hcrm_domain::api::complaint_money::{PenaltyReview, Responsibility};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::list::use_loaded;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::complaints::CaseLink;
use crate::pages::complaints::money::yuan;
use crate::pages::customers::list::save_file;
use crate::services::complaints;

/// `/complaints/penalties`.
#[component]
pub fn PenaltiesPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    // Empty: the API's default, last month.
    let month = use_state(String::new);
    let typed = use_state(String::new);
    let review = use_loaded::<PenaltyReview>(complaints::penalties_path(&month));
    let slip_problem = use_state(|| None::<hcrm_domain::api::Problem>);
    {
        // The month the API answered for fills the box.
        let (typed, shown) = (typed.clone(), review.data.as_ref().map(|r| r.month.clone()));
        use_effect_with(shown, move |shown| {
            if let Some(m) = shown {
                typed.set(m.clone());
            }
        });
    }
    let on_month = {
        let (month, typed) = (month.clone(), typed.clone());
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            typed.set(i.value());
            if !i.value().is_empty() {
                month.set(i.value());
            }
        })
    };
    let slip = |r: &Responsibility| {
        let (api, rid, case, number, slip_problem) = (
            session.api.clone(),
            r.id,
            r.complaint_id,
            r.complaint_number.clone().unwrap_or_default(),
            slip_problem.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, number, slip_problem) = (api.clone(), number.clone(), slip_problem.clone());
            yew::platform::spawn_local(async move {
                match complaints::penalty_slip(&api, case, rid, lang).await {
                    Ok(bytes) => {
                        slip_problem.set(None);
                        let name = format!("{}-{number}.html", tr(lang, "penalty.slip.file"));
                        save_file(&bytes, "text/html", &name);
                    }
                    Err(p) => slip_problem.set(Some(p)),
                }
            });
        })
    };
    let row = |r: &Responsibility| {
        let level = r.confirmed_level.unwrap_or(r.proposed_level);
        let (staff, supervisor, leader) = r
            .fines
            .map(|f| (f.staff_fen, f.supervisor_fen, f.leader_fen))
            .unwrap_or_default();
        html! {
            <tr data-responsibility-id={r.id.to_string()} data-level={level.code()}>
                <td>
                    <CaseLink id={r.complaint_id} class={classes!("mono")}>
                        { r.complaint_number.clone().unwrap_or_default() }
                    </CaseLink>
                </td>
                <td>{ &r.staff_name }</td>
                <td>{ r.department_name.clone().unwrap_or_default() }</td>
                <td><span class="tag badge-ok">{ level.label(lang) }</span></td>
                <td>{ r.confirmed_on.map(|d| d.to_string()).unwrap_or_default() }</td>
                <td class="num">{ yuan(staff) }</td>
                <td class="num">{ yuan(supervisor) }</td>
                <td class="num">{ yuan(leader) }</td>
                <td>
                    <button type="button" class="btn btn-small penalty-slip" onclick={slip(r)}>
                        { tr(lang, "penalties.slip") }
                    </button>
                </td>
            </tr>
        }
    };
    html! {
        <section class="page" id="penalties-page">
            <div class="page-head">
                <h1>{ tr(lang, "penalties.title") }</h1>
            </div>
            <div class="filters">
                <label>{ tr(lang, "penalties.month") }
                    <input id="penalties-month" type="month" value={(*typed).clone()} onchange={on_month} />
                </label>
            </div>
            { review.banner() }
            <ErrorBanner problem={(*slip_problem).clone()} />
            if let Some(r) = &*review.data {
                <p id="penalties-due" class="hint">
                    { trf(lang, "penalties.due", &[&r.month, &r.review_due_on.to_string()]) }
                </p>
                if r.items.is_empty() {
                    <p class="muted" id="penalties-none">{ tr(lang, "penalties.none") }</p>
                } else {
                    <div class="table-scroll stats-table">
                        <table class="list" id="penalties-table">
                            <thead>
                                <tr>
                                    <th>{ tr(lang, "complaints.number") }</th>
                                    <th>{ tr(lang, "penalty.staff") }</th>
                                    <th>{ tr(lang, "complaints.departments") }</th>
                                    <th>{ tr(lang, "penalty.confirmed") }</th>
                                    <th>{ tr(lang, "penalties.confirmed_on") }</th>
                                    <th class="num">{ tr(lang, "penalties.fine.staff") }</th>
                                    <th class="num">{ tr(lang, "penalties.fine.supervisor") }</th>
                                    <th class="num">{ tr(lang, "penalties.fine.leader") }</th>
                                    <th></th>
                                </tr>
                            </thead>
                            <tbody>{ for r.items.iter().map(row) }</tbody>
                            <tfoot>
                                <tr id="penalties-totals">
                                    <th colspan="5">{ trf(lang, "penalties.total", &[&r.items.len().to_string()]) }</th>
                                    <td class="num">{ yuan(r.totals.staff_fen) }</td>
                                    <td class="num">{ yuan(r.totals.supervisor_fen) }</td>
                                    <td class="num">{ yuan(r.totals.leader_fen) }</td>
                                    <td></td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                }
            } else if review.problem.is_none() {
                <p class="muted">{ tr(lang, "loading") }</p>
            }
        </section>
    }
}
