//! 服务漏斗 (SVC-5): consultation → appointment → arrival → spending for a period, as a
//! chart of the four steps (plain SVG bars, no chart library) and a table by channel,
//! department, agent or period with first and return visits and the revisit rate; the CSV.

use hcrm_domain::api::funnel::{Funnel, FunnelGroup, FunnelRow, percent, total_label};
use hcrm_domain::{Label, Lang};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::list::{page_head, use_loaded};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::complaints::money::yuan;
use crate::pages::customers::list::save_file;
use crate::services::visits;

/// The four steps as bars, each as wide as its share of the consultations.
fn chart(lang: Lang, t: &FunnelRow) -> Html {
    let steps = [
        ("funnel.step.consultations", t.consultations),
        ("funnel.step.appointments", t.appointments),
        ("funnel.step.arrivals", t.arrivals),
        ("funnel.step.spenders", t.spenders),
    ];
    let max = t.consultations.max(1);
    html! {
        <svg id="funnel-chart" class="funnel-chart" viewBox="0 0 440 132" role="img"
             aria-label={tr(lang, "funnel.title")}>
            { for steps.iter().enumerate().map(|(i, (key, n))| {
                let width = (n * 260 / max).max(1);
                let y = (i * 33) as i64;
                html! {
                    <g data-step={*key}>
                        <text x="122" y={(y + 20).to_string()} text-anchor="end" class="funnel-label">{ tr(lang, key) }</text>
                        <rect class="bar" x="130" y={(y + 4).to_string()} width={width.to_string()} height="22" />
                        <text x={(136 + width).to_string()} y={(y + 20).to_string()} class="funnel-count">{ n.to_string() }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn row(lang: Lang, group: FunnelGroup, r: &FunnelRow, total: bool) -> Html {
    let key = if total {
        total_label(lang).to_string()
    } else {
        r.label(group, lang)
    };
    html! {
        <tr class={classes!(total.then_some("total"))} data-key={r.key.clone().unwrap_or_default()}>
            <td>{ key }</td>
            <td class="num">{ r.consultations }</td>
            <td class="num">{ r.appointments }</td>
            <td class="num">{ r.arrivals }</td>
            <td class="num">{ r.spenders }</td>
            <td class="num">{ r.first_visits }</td>
            <td class="num">{ r.return_visits }</td>
            <td class="num">{ yuan(r.amount_fen) }</td>
            <td class="num">{ percent(r.appointment_rate) }</td>
            <td class="num">{ percent(r.arrival_rate) }</td>
            <td class="num">{ percent(r.spending_rate) }</td>
            <td class="num">{ percent(r.revisit_rate) }</td>
        </tr>
    }
}

#[component]
pub fn FunnelPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let from = use_state(String::new);
    let to = use_state(String::new);
    let group = use_state(|| FunnelGroup::Channel);
    let applied = use_state(|| (String::new(), String::new(), FunnelGroup::Channel));
    let problem = use_state(|| None::<hcrm_domain::api::Problem>);
    let (f, t, g) = (*applied).clone();
    let path = visits::funnel_path(&f, &t, g);
    let data = use_loaded::<Funnel>(path.clone());
    {
        // Empty boxes show the period the server chose (the last 30 days), so that the next
        // change starts from what is on the page.
        let (from, to) = (from.clone(), to.clone());
        let period = data.data.as_ref().map(|d| (d.from, d.to));
        use_effect_with(period, move |period| {
            if let Some((f, t)) = period {
                if from.is_empty() {
                    from.set(f.to_string());
                }
                if to.is_empty() {
                    to.set(t.to_string());
                }
            }
        });
    }
    let input = |state: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // A new grouping shows at once (with the period in the boxes); dates wait for "show", so
    // that a half-typed date is not asked for.
    let on_group = {
        let (from, to, group, applied) = (from.clone(), to.clone(), group.clone(), applied.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let g = FunnelGroup::from_code(&v).unwrap_or(FunnelGroup::Channel);
            group.set(g);
            applied.set(((*from).clone(), (*to).clone(), g));
        })
    };
    let apply = {
        let (from, to, group, applied) = (from.clone(), to.clone(), group.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set(((*from).clone(), (*to).clone(), *group));
        })
    };
    let download = {
        let (api, path, problem) = (session.api.clone(), path.clone(), problem.clone());
        let code = lang.pick("zh", "en");
        // The file is named after the period shown, as the API names it.
        let name = data.data.as_ref().map_or_else(
            || "service-funnel.csv".to_string(),
            |d| {
                format!(
                    "service-funnel-{}-{}.csv",
                    d.from.format("%Y%m%d"),
                    d.to.format("%Y%m%d")
                )
            },
        );
        Callback::from(move |_: MouseEvent| {
            let (api, path, problem, name) =
                (api.clone(), path.clone(), problem.clone(), name.clone());
            yew::platform::spawn_local(async move {
                let sep = if path.contains('?') { '&' } else { '?' };
                match api
                    .download(&format!("{path}{sep}format=csv&lang={code}"))
                    .await
                {
                    Ok(bytes) => {
                        save_file(&bytes, "text/csv", &name);
                        problem.set(None);
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let body = match (&*data.data, &*data.problem) {
        (_, Some(p)) => html! { <ErrorBanner problem={Some(p.clone())} /> },
        (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some(fun), _) => html! {
            <>
                <p class="muted" id="funnel-period">
                    { format!("{} – {} · {}", fun.from, fun.to, tr(lang, "funnel.window").replace("{}", &fun.window_days.to_string())) }
                </p>
                { chart(lang, &fun.total) }
                <div class="grid-scroll">
                <table class="grid compact stats-table" id="funnel-table">
                    <thead><tr>
                        <th>{ fun.group_by.label(lang) }</th>
                        <th class="num">{ tr(lang, "funnel.step.consultations") }</th>
                        <th class="num">{ tr(lang, "funnel.step.appointments") }</th>
                        <th class="num">{ tr(lang, "funnel.step.arrivals") }</th>
                        <th class="num">{ tr(lang, "funnel.step.spenders") }</th>
                        <th class="num">{ tr(lang, "funnel.first_visits") }</th>
                        <th class="num">{ tr(lang, "funnel.return_visits") }</th>
                        <th class="num">{ tr(lang, "funnel.amount") }</th>
                        <th class="num">{ tr(lang, "funnel.rate.appointment") }</th>
                        <th class="num">{ tr(lang, "funnel.rate.arrival") }</th>
                        <th class="num">{ tr(lang, "funnel.rate.spending") }</th>
                        <th class="num">{ tr(lang, "funnel.rate.revisit") }</th>
                    </tr></thead>
                    <tbody>
                        { for fun.rows.iter().map(|r| row(lang, fun.group_by, r, false)) }
                        { row(lang, fun.group_by, &fun.total, true) }
                    </tbody>
                </table>
                </div>
            </>
        },
    };
    html! {
        <section class="page" id="funnel-page">
            { page_head(lang, "funnel.title", None) }
            <form class="stats-filter" onsubmit={apply}>
                <label for="funnel-from">{ tr(lang, "funnel.from") }
                    <input id="funnel-from" type="date" value={(*from).clone()} oninput={input(from.clone())} />
                </label>
                <label for="funnel-to">{ tr(lang, "funnel.to") }
                    <input id="funnel-to" type="date" value={(*to).clone()} oninput={input(to.clone())} />
                </label>
                <label for="funnel-group">{ tr(lang, "funnel.group_by") }
                    <select id="funnel-group" onchange={on_group}>
                        { for FunnelGroup::ALL.iter().map(|x| html! {
                            <option value={x.code()} selected={*group == *x}>{ x.label(lang) }</option>
                        }) }
                    </select>
                </label>
                <button type="submit" id="funnel-apply" class="btn">{ tr(lang, "funnel.apply") }</button>
                <button type="button" id="funnel-csv" class="btn" onclick={download}>{ tr(lang, "funnel.csv") }</button>
            </form>
            <ErrorBanner problem={(*problem).clone()} />
            { body }
        </section>
    }
}
