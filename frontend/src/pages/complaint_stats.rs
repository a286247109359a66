//! 投诉统计 — the complaint statistics (CMP-8): a period (a month, or from/to), the tables by
//! quality, category, severity, channel and department with plain CSS bars (no chart
//! library), both clocks counted apart, refunds and penalties, and the CSV / XLSX downloads.
//! The labels come from the server in the reader's language; nothing shows a raw code.

use hcrm_domain::Lang;
use hcrm_domain::api::complaint_stats::{ComplaintStatistics, StatsRow, StatsTables};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::list::{page_head, use_loaded};
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::list::save_file;

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// `¥1,234.50` from fen.
fn yuan(fen: i64) -> String {
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("¥{grouped}.{:02}", fen % 100)
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}%"))
}

/// A table of rows with a bar of the received count (share of the largest).
fn table(lang: Lang, id: &'static str, title: &'static str, rows: &[StatsRow]) -> Html {
    if rows.is_empty() {
        return html! {};
    }
    let max = rows.iter().map(|r| r.received).max().unwrap_or(0).max(1);
    html! {
        <section class="stats-table" id={id}>
            <h2>{ tr(lang, title) }</h2>
            <div class="table-scroll">
            <table class="list">
                <thead><tr>
                    <th>{ tr(lang, "cstats.item") }</th>
                    <th>{ tr(lang, "cstats.received") }</th>
                    <th>{ tr(lang, "cstats.open") }</th>
                    <th>{ tr(lang, "cstats.closed") }</th>
                    <th>{ tr(lang, "cstats.group") }</th>
                    <th>{ tr(lang, "cstats.national") }</th>
                    <th>{ tr(lang, "cstats.refunds") }</th>
                    <th>{ tr(lang, "cstats.penalties") }</th>
                </tr></thead>
                <tbody>
                { for rows.iter().map(|r| {
                    let width = (r.received * 100 / max).to_string();
                    html! {
                        <tr data-key={r.key.clone()}>
                            <td class="stats-item">
                                <span>{ &r.label }</span>
                                <svg class="stats-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="bar" x="0" y="0" {width} height="6" /></svg>
                            </td>
                            <td class="num stats-received">{ r.received }</td>
                            <td class="num">{ r.open }</td>
                            <td class="num">{ r.closed }</td>
                            <td class="num">
                                { format!("{} / ", r.group_met) }
                                <span class={classes!(if r.group_breached > 0 { "late" } else { "" })}>{ r.group_breached }</span>
                                <small>{ format!(" ({})", rate(r.group_breach_rate)) }</small>
                            </td>
                            <td class="num">
                                { format!("{} / ", r.national_met) }
                                <span class={classes!(if r.national_breached > 0 { "late" } else { "" })}>{ r.national_breached }</span>
                                <small>{ format!(" ({})", rate(r.national_breach_rate)) }</small>
                            </td>
                            <td class="num">{ format!("{} · {}", r.refunds, yuan(r.refund_fen)) }</td>
                            <td class="num">{ r.penalties.total() }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// The headline figures and the clocks of the summary as two stacked bars.
fn summary(lang: Lang, s: &StatsRow) -> Html {
    // An SVG bar (the web app's CSP allows no inline style): met, breached, running.
    let bar = |met: i64, breached: i64, running: i64| {
        let all = (met + breached + running).max(1);
        let (a, b) = (met * 100 / all, breached * 100 / all);
        let rect = |x: i64, w: i64, class: &'static str| {
            html! { <rect {class} x={x.to_string()} y="0" width={w.to_string()} height="10" /> }
        };
        html! {
            <svg class="stats-stack" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                { rect(0, a, "met") }{ rect(a, b, "breached") }{ rect(a + b, 100 - a - b, "running") }
            </svg>
        }
    };
    let card = |id: &'static str, key: &'static str, value: String| {
        html! {
            <div class="stats-card" {id}>
                <span class="stats-card-label">{ tr(lang, key) }</span>
                <strong>{ value }</strong>
            </div>
        }
    };
    html! {
        <>
        <div class="stats-cards">
            { card("stats-received", "cstats.received", s.received.to_string()) }
            { card("stats-open", "cstats.open", s.open.to_string()) }
            { card("stats-closed", "cstats.closed", s.closed.to_string()) }
            { card("stats-refund", "cstats.refund_amount", yuan(s.refund_fen)) }
            { card("stats-penalties", "cstats.penalties", s.penalties.total().to_string()) }
        </div>
        <div class="stats-clocks">
            <div id="stats-group">
                <span>{ tr(lang, "cstats.group.long") }</span>
                { bar(s.group_met, s.group_breached, s.group_running) }
                <small>{ format!("{} {} · {} {} · {} {}",
                    tr(lang, "cstats.met"), s.group_met,
                    tr(lang, "cstats.breached"), s.group_breached,
                    tr(lang, "cstats.running"), s.group_running) }</small>
            </div>
            <div id="stats-national">
                <span>{ tr(lang, "cstats.national.long") }</span>
                { bar(s.national_met, s.national_breached, s.national_running) }
                <small>{ format!("{} {} · {} {} · {} {}",
                    tr(lang, "cstats.met"), s.national_met,
                    tr(lang, "cstats.breached"), s.national_breached,
                    tr(lang, "cstats.running"), s.national_running) }</small>
            </div>
        </div>
        </>
    }
}

fn tables(lang: Lang, t: &StatsTables) -> Html {
    html! {
        <>
            { summary(lang, &t.summary) }
            { table(lang, "stats-quality", "cstats.by_quality", &t.by_quality) }
            { table(lang, "stats-category", "cstats.by_category", &t.by_category) }
            { table(lang, "stats-severity", "cstats.by_severity", &t.by_severity) }
            { table(lang, "stats-channel", "cstats.by_channel", &t.by_channel) }
            { table(lang, "stats-department", "cstats.by_department", &t.by_department) }
        </>
    }
}

#[component]
pub fn ComplaintStatsPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let month = use_state(crate::clock::this_month);
    let from = use_state(String::new);
    let to = use_state(String::new);
    // The period applied (the query string), and which institution's tables are shown.
    let applied = use_state(|| format!("month={}", crate::clock::this_month()));
    let shown = use_state(|| None::<usize>);
    let problem = use_state(|| None::<hcrm_domain::api::Problem>);
    let path = format!(
        "/complaints/statistics?{}&lang={}",
        *applied,
        lang_code(lang)
    );
    let stats = use_loaded::<ComplaintStatistics>(path.clone());
    let input = |state: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let apply = {
        let (month, from, to, applied) = (month.clone(), from.clone(), to.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !from.is_empty() || !to.is_empty() {
                applied.set(format!("from={}&to={}", *from, *to));
            } else {
                applied.set(format!("month={}", *month));
            }
        })
    };
    let download = |ext: &'static str, mime: &'static str| {
        let (api, path, problem) = (session.api.clone(), path.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, path, problem) = (api.clone(), path.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match api.download(&format!("{path}&format={ext}")).await {
                    Ok(bytes) => {
                        save_file(&bytes, mime, &format!("complaint-statistics.{ext}"));
                        problem.set(None);
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let body = match &*stats.data {
        None => html! {},
        Some(s) => {
            let choices: Vec<(Option<usize>, String)> = s
                .total
                .as_ref()
                .map(|_| (None, tr(lang, "cstats.all").to_string()))
                .into_iter()
                .chain(
                    s.institutions
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Some(i), x.institution_name.clone())),
                )
                .collect();
            let current = match (*shown, &s.total) {
                (Some(i), _) => s.institutions.get(i).map(|x| &x.tables),
                (None, Some(t)) => Some(t),
                (None, None) => s.institutions.first().map(|x| &x.tables),
            };
            html! {
                <>
                <p class="stats-period" id="stats-period">
                    { format!("{} {} – {}", tr(lang, "cstats.period"), s.period.from, s.period.to) }
                </p>
                if choices.len() > 1 {
                    <div class="stats-tabs" role="tablist">
                    { for choices.into_iter().map(|(i, name)| {
                        let shown = shown.clone();
                        let selected = *shown == i;
                        html! {
                            <button type="button" role="tab" aria-selected={selected.to_string()}
                                class={classes!("btn", if selected { "btn-primary" } else { "" })}
                                onclick={Callback::from(move |_| shown.set(i))}>{ name }</button>
                        }
                    }) }
                    </div>
                }
                if let Some(t) = current {
                    if t.summary.received == 0 {
                        <p class="empty" id="stats-empty">{ tr(lang, "cstats.none") }</p>
                    }
                    { tables(lang, t) }
                }
                </>
            }
        }
    };
    html! {
        <div class="page" id="complaint-stats">
            { page_head(lang, "cstats.title", None) }
            <form class="stats-filter" onsubmit={apply}>
                <label>{ tr(lang, "cstats.month") }
                    <input id="stats-month" type="month" value={(*month).clone()} oninput={input(month.clone())} />
                </label>
                <span class="muted">{ tr(lang, "cstats.or") }</span>
                <label>{ tr(lang, "cstats.from") }
                    <input id="stats-from" type="date" value={(*from).clone()} oninput={input(from.clone())} />
                </label>
                <label>{ tr(lang, "cstats.to") }
                    <input id="stats-to" type="date" value={(*to).clone()} oninput={input(to.clone())} />
                </label>
                <button id="stats-apply" class="btn btn-primary" type="submit">{ tr(lang, "cstats.apply") }</button>
                <button id="stats-csv" class="btn" type="button" onclick={download("csv", "text/csv;charset=utf-8")}>{ tr(lang, "cstats.csv") }</button>
                <button id="stats-xlsx" class="btn" type="button"
                    onclick={download("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}>{ tr(lang, "cstats.xlsx") }</button>
            </form>
            { stats.banner() }
            <crate::components::banner::ErrorBanner problem={(*problem).clone()} />
            { body }
        </div>
    }
}
