//! 工作日历 — ORG-3: an institution's business calendar. A year as twelve month grids with the
//! holidays and make-up working days (调休上班) marked and listed, the working intervals and
//! weekly rest days (editable by admin and director), the year's file imported and exported,
//! and a check of what N working days from a moment come to.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use hcrm_domain::api::Problem;
use hcrm_domain::api::calendars::{
    CalendarCheck, CalendarDetail, CalendarSummary, CalendarUpdate, YearSource,
};
use hcrm_domain::calendar::{DayKind, DayOfWeek, Interval};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::forms::is_stale;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{field_error_text, tr, tr_dyn, trf};
use crate::pages::customers::list::save_file;
use crate::services::calendars;

/// A holiday's name as the shipped schedule writes it, in the user's language.
fn holiday_name(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => {
            let key = format!("holiday.{name}");
            tr_dyn(lang, &key).map_or_else(|| name.to_string(), str::to_string)
        }
        Lang::En => name.to_string(),
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The working intervals being edited, as the time inputs hold them.
type Rows = Vec<(String, String)>;

fn rows_of(hours: &[Interval]) -> Rows {
    hours.iter().map(|i| (hm(i.start), hm(i.end))).collect()
}

fn intervals(rows: &Rows) -> Option<Vec<Interval>> {
    rows.iter()
        .map(|(a, b)| Interval::hm(a, b))
        .collect::<Option<Vec<_>>>()
}

/// The text of one error of a problem: a file's line, or a field.
fn error_line(lang: Lang, field: &str, code: &str) -> String {
    let what = field_error_text(lang, code);
    match field.strip_prefix("lines[").and_then(|r| r.split_once(']')) {
        Some((line, _)) => trf(lang, "cal.error.line", &[line, what]),
        None => what.to_string(),
    }
}

#[component]
pub fn CalendarsPage() -> Html {
    let session = use_session();
    let lang = use_lang();
    let can_edit = session.can(Permission::CalendarWrite);
    let list = use_state(Vec::<CalendarSummary>::new);
    let selected = use_state(|| None::<Uuid>);
    let year = use_state(|| None::<i32>);
    let detail = use_state(|| None::<CalendarDetail>);
    let rows = use_state(Rows::new);
    let rest = use_state(Vec::<DayOfWeek>::new);
    let problem = use_state(|| None::<Problem>);
    // An import's problems are shown at the import, by line.
    let import_problem = use_state(|| None::<Problem>);
    let notice = use_state(|| None::<AttrValue>);
    let busy = use_state(|| false);
    let file = use_state(|| None::<web_sys::File>);
    let notice_text = use_state(String::new);
    let document_number = use_state(String::new);
    let check_start = use_state(String::new);
    let check_days = use_state(|| "3".to_string());
    let checked = use_state(|| None::<CalendarCheck>);

    let show = {
        let (detail, rows, rest) = (detail.clone(), rows.clone(), rest.clone());
        Callback::from(move |d: CalendarDetail| {
            rows.set(rows_of(&d.hours));
            rest.set(d.rest_days.clone());
            detail.set(Some(d));
        })
    };
    {
        let (api, list, selected, problem) = (
            session.api.clone(),
            list.clone(),
            selected.clone(),
            problem.clone(),
        );
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                match calendars::list(&api).await {
                    Ok(items) => {
                        selected.set(items.first().map(|c| c.institution.id));
                        list.set(items);
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        });
    }
    {
        let (api, problem, show, checked) = (
            session.api.clone(),
            problem.clone(),
            show.clone(),
            checked.clone(),
        );
        use_effect_with((*selected, *year), move |(selected, year)| {
            if let Some(id) = *selected {
                let (year, api) = (*year, api.clone());
                checked.set(None);
                yew::platform::spawn_local(async move {
                    // This year in the institution's zone until one is chosen.
                    let year = year.unwrap_or_else(|| chrono::Utc::now().year());
                    match calendars::get(&api, id, year).await {
                        Ok(d) => show.emit(d),
                        Err(p) => problem.set(Some(p)),
                    }
                });
            }
        });
    }

    let on_institution = {
        let (selected, year, notice) = (selected.clone(), year.clone(), notice.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            selected.set(s.value().parse().ok());
            year.set(None);
            notice.set(None);
        })
    };
    let step_year = |delta: i32| {
        let (year, detail) = (year.clone(), detail.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = &*detail {
                year.set(Some(d.year + delta));
            }
        })
    };

    // Working hours and rest days.
    let edit_row = |index: usize, end: bool| {
        let rows = rows.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*rows).clone();
            if let Some(row) = next.get_mut(index) {
                if end {
                    row.1 = i.value();
                } else {
                    row.0 = i.value();
                }
            }
            rows.set(next);
        })
    };
    let remove_row = |index: usize| {
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            if index < next.len() {
                next.remove(index);
            }
            rows.set(next);
        })
    };
    let add_row = {
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            next.push(("18:00".into(), "20:00".into()));
            rows.set(next);
        })
    };
    let toggle_rest = |day: DayOfWeek| {
        let rest = rest.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut next: Vec<DayOfWeek> = (*rest).iter().copied().filter(|d| *d != day).collect();
            if i.checked() {
                next.push(day);
                next.sort();
            }
            rest.set(next);
        })
    };
    let save = {
        let (api, detail, rows, rest, problem, notice, busy, show) = (
            session.api.clone(),
            detail.clone(),
            rows.clone(),
            rest.clone(),
            problem.clone(),
            notice.clone(),
            busy.clone(),
            show.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(d) = (*detail).clone() else { return };
            let Some(hours) = intervals(&rows) else {
                problem.set(Some(crate::services::local_problem(
                    "validation",
                    422,
                    "hours",
                )));
                return;
            };
            let body = CalendarUpdate {
                hours,
                rest_days: (*rest).clone(),
                version: None,
            };
            let (api, problem, notice, busy, show) = (
                api.clone(),
                problem.clone(),
                notice.clone(),
                busy.clone(),
                show.clone(),
            );
            busy.set(true);
            notice.set(None);
            yew::platform::spawn_local(async move {
                match calendars::update(&api, d.institution.id, d.version, &body).await {
                    Ok(saved) => {
                        problem.set(None);
                        notice.set(Some(tr(lang, "common.saved").into()));
                        show.emit(saved);
                    }
                    Err(p) => {
                        if is_stale(&p)
                            && let Ok(latest) = calendars::get(&api, d.institution.id, d.year).await
                        {
                            show.emit(latest);
                        }
                        problem.set(Some(p));
                    }
                }
                busy.set(false);
            });
        })
    };

    // The year's file.
    let on_file = {
        let file = file.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            file.set(i.files().and_then(|f| f.get(0)));
        })
    };
    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            state.set(i.value());
        })
    };
    let import = {
        let (api, detail, file, notice_text, document_number, problem, notice, busy, show) = (
            session.api.clone(),
            detail.clone(),
            file.clone(),
            notice_text.clone(),
            document_number.clone(),
            import_problem.clone(),
            notice.clone(),
            busy.clone(),
            show.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (Some(d), Some(f)) = ((*detail).clone(), (*file).clone()) else {
                return;
            };
            let (api, problem, notice, busy, show) = (
                api.clone(),
                problem.clone(),
                notice.clone(),
                busy.clone(),
                show.clone(),
            );
            let (title, number) = ((*notice_text).clone(), (*document_number).clone());
            busy.set(true);
            notice.set(None);
            yew::platform::spawn_local(async move {
                let body: JsValue = f.into();
                match calendars::import(&api, d.institution.id, d.year, &title, &number, &body)
                    .await
                {
                    Ok(saved) => {
                        problem.set(None);
                        notice.set(Some(
                            trf(lang, "cal.imported", &[&d.year.to_string()]).into(),
                        ));
                        show.emit(saved);
                    }
                    Err(p) => problem.set(Some(p)),
                }
                busy.set(false);
            });
        })
    };
    let export = {
        let (api, detail, problem) = (session.api.clone(), detail.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(d) = (*detail).clone() else { return };
            let (api, problem) = (api.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match calendars::export(&api, d.institution.id, d.year).await {
                    Ok(bytes) => save_file(
                        &bytes,
                        "text/csv",
                        &format!("calendar-{}-{}.csv", d.institution.code, d.year),
                    ),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    let reset = {
        let (api, detail, problem, notice, show) = (
            session.api.clone(),
            detail.clone(),
            problem.clone(),
            notice.clone(),
            show.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(d) = (*detail).clone() else { return };
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(tr(lang, "cal.reset.confirm")).ok())
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let (api, problem, notice, show) =
                (api.clone(), problem.clone(), notice.clone(), show.clone());
            yew::platform::spawn_local(async move {
                match calendars::reset_year(&api, d.institution.id, d.year).await {
                    Ok(saved) => {
                        problem.set(None);
                        notice.set(Some(tr(lang, "common.saved").into()));
                        show.emit(saved);
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };

    // The check of a period.
    let run_check = {
        let (api, detail, check_start, check_days, checked, problem) = (
            session.api.clone(),
            detail.clone(),
            check_start.clone(),
            check_days.clone(),
            checked.clone(),
            problem.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(d) = (*detail).clone() else { return };
            let start = NaiveDateTime::parse_from_str(&check_start, "%Y-%m-%dT%H:%M")
                .ok()
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
            let (Some(start), Ok(days)) = (start, check_days.trim().parse::<u32>()) else {
                checked.set(None);
                problem.set(Some(crate::services::local_problem(
                    "validation",
                    422,
                    "check",
                )));
                return;
            };
            let (api, checked, problem) = (api.clone(), checked.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match calendars::check(&api, d.institution.id, &start, days).await {
                    Ok(c) => {
                        problem.set(None);
                        checked.set(Some(c));
                    }
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };

    let lines = |problem: &Option<Problem>| -> Vec<String> {
        problem
            .as_ref()
            .map(|p| {
                p.errors
                    .iter()
                    .map(|e| error_line(lang, &e.field, &e.code))
                    .collect()
            })
            .unwrap_or_default()
    };
    let errors = lines(&problem);
    let import_errors = lines(&import_problem);

    html! {
        <section class="page" id="calendar-page">
            <div class="page-head">
                <h1>{ tr(lang, "cal.title") }</h1>
                if list.len() > 1 {
                    <select id="cal-institution" aria-label={tr(lang, "cal.institution")} onchange={on_institution}>
                        { for list.iter().map(|c| html! {
                            <option value={c.institution.id.to_string()} selected={*selected == Some(c.institution.id)}>
                                { format!("{} {}", c.institution.code, c.institution.name) }
                            </option>
                        }) }
                    </select>
                }
            </div>
            <p class="muted">{ tr(lang, "cal.explain") }</p>
            <ErrorBanner problem={(*problem).clone()} />
            if !errors.is_empty() {
                <ul class="cal-errors" id="cal-problems">
                    { for errors.iter().map(|e| html! { <li>{ e }</li> }) }
                </ul>
            }
            <Notice text={(*notice).clone()} />
            if let Some(d) = &*detail {
                { year_panel(lang, d, can_edit, step_year(-1), step_year(1)) }
                <div class="cal-layout">
                    <form class="panel form" id="cal-hours" onsubmit={save} novalidate=true>
                        <h2 class="panel-title">{ tr(lang, "cal.hours") }</h2>
                        <p class="hint">{ trf(lang, "cal.time_zone", &[&d.time_zone]) }</p>
                        { for rows.iter().enumerate().map(|(i, (a, b))| html! {
                            <div class="cal-interval" data-interval={i.to_string()}>
                                <input type="time" value={a.clone()} disabled={!can_edit}
                                       aria-label={tr(lang, "cal.hours.start")} onchange={edit_row(i, false)} />
                                <span>{ "–" }</span>
                                <input type="time" value={b.clone()} disabled={!can_edit}
                                       aria-label={tr(lang, "cal.hours.end")} onchange={edit_row(i, true)} />
                                if can_edit && rows.len() > 1 {
                                    <button type="button" class="btn btn-small btn-ghost" onclick={remove_row(i)}>
                                        { tr(lang, "cal.hours.remove") }
                                    </button>
                                }
                            </div>
                        }) }
                        if can_edit {
                            <button type="button" id="cal-add-interval" class="btn btn-small" onclick={add_row}>
                                { tr(lang, "cal.hours.add") }
                            </button>
                        }
                        <fieldset class="choices" id="cal-rest-days">
                            <legend>{ tr(lang, "cal.rest_days") }</legend>
                            { for DayOfWeek::ALL.iter().map(|day| html! {
                                <label class="check">
                                    <input type="checkbox" data-rest-day={day.code()} checked={rest.contains(day)}
                                           disabled={!can_edit} onchange={toggle_rest(*day)} />
                                    { day.label(lang) }
                                </label>
                            }) }
                        </fieldset>
                        if can_edit {
                            <div class="form-actions">
                                <button id="cal-save" type="submit" class="btn btn-primary" disabled={*busy}>
                                    { if *busy { tr(lang, "common.saving") } else { tr(lang, "common.save") } }
                                </button>
                            </div>
                        }
                    </form>
                    <form class="panel form" id="cal-check" onsubmit={run_check} novalidate=true>
                        <h2 class="panel-title">{ tr(lang, "cal.check") }</h2>
                        <p class="hint">{ tr(lang, "cal.check.hint") }</p>
                        <div class="field">
                            <label for="cal-check-start">{ tr(lang, "cal.check.start") }</label>
                            <input id="cal-check-start" type="datetime-local" value={(*check_start).clone()}
                                   oninput={text_input(&check_start)} />
                        </div>
                        <div class="field">
                            <label for="cal-check-days">{ tr(lang, "cal.check.days") }</label>
                            <input id="cal-check-days" type="number" min="0" max="366" value={(*check_days).clone()}
                                   oninput={text_input(&check_days)} />
                        </div>
                        <div class="form-actions">
                            <button id="cal-check-run" type="submit" class="btn">{ tr(lang, "cal.check.run") }</button>
                        </div>
                        if let Some(c) = &*checked {
                            <p id="cal-check-result" class="notice" data-deadline={c.deadline_local.format("%Y-%m-%dT%H:%M").to_string()}>
                                { trf(lang, "cal.check.result", &[&c.deadline_local.format("%Y-%m-%d %H:%M").to_string()]) }
                                <br />
                                { tr(lang, "cal.check.counted") }
                                { c.counted_days.iter().map(|d| d.format("%m-%d").to_string()).collect::<Vec<_>>().join(lang.pick("、", ", ")) }
                            </p>
                        }
                    </form>
                </div>
                if can_edit {
                    <div class="panel form" id="cal-import">
                        <h2 class="panel-title">{ trf(lang, "cal.import.title", &[&d.year.to_string()]) }</h2>
                        <p class="hint">{ tr(lang, "cal.import.format") }</p>
                        <ErrorBanner problem={(*import_problem).clone()} />
                        if !import_errors.is_empty() {
                            <ul class="cal-errors" id="cal-errors">
                                { for import_errors.iter().map(|e| html! { <li>{ e }</li> }) }
                            </ul>
                        }
                        <div class="form-grid">
                            <div class="field">
                                <label for="cal-import-file">{ tr(lang, "cal.import.file") }</label>
                                <input id="cal-import-file" type="file" accept=".csv,text/csv" onchange={on_file} />
                            </div>
                            <div class="field">
                                <label for="cal-import-notice">{ tr(lang, "cal.import.notice") }<span class="req">{ "*" }</span></label>
                                <input id="cal-import-notice" type="text" maxlength="200" value={(*notice_text).clone()}
                                       placeholder={trf(lang, "cal.import.notice.example", &[&d.year.to_string()])}
                                       oninput={text_input(&notice_text)} />
                            </div>
                            <div class="field">
                                <label for="cal-import-number">{ tr(lang, "cal.import.number") }</label>
                                <input id="cal-import-number" type="text" maxlength="60" value={(*document_number).clone()}
                                       oninput={text_input(&document_number)} />
                            </div>
                        </div>
                        <div class="form-actions">
                            <button id="cal-import-run" type="button" class="btn btn-primary"
                                    disabled={file.is_none() || notice_text.trim().is_empty() || *busy} onclick={import}>
                                { trf(lang, "cal.import.run", &[&d.year.to_string()]) }
                            </button>
                            if d.year_source.as_ref().is_some_and(|y| y.source == YearSource::Imported) {
                                <button id="cal-reset" type="button" class="btn btn-danger" onclick={reset}>
                                    { tr(lang, "cal.reset") }
                                </button>
                            }
                        </div>
                    </div>
                }
                <div class="form-actions">
                    <button id="cal-export" type="button" class="btn" onclick={export}>
                        { trf(lang, "cal.export", &[&d.year.to_string()]) }
                    </button>
                </div>
            }
        </section>
    }
}

const WEEK: [DayOfWeek; 7] = DayOfWeek::ALL;

/// The year: where its days come from, twelve month grids and the list of special days.
fn year_panel(
    lang: Lang,
    d: &CalendarDetail,
    can_edit: bool,
    prev: Callback<MouseEvent>,
    next: Callback<MouseEvent>,
) -> Html {
    let special: BTreeMap<NaiveDate, (DayKind, String)> = d
        .days
        .iter()
        .map(|s| (s.date, (s.kind, holiday_name(lang, &s.name))))
        .collect();
    let rest: Vec<chrono::Weekday> = d.rest_days.iter().map(|r| r.weekday()).collect();
    let source = match &d.year_source {
        None => {
            html! { <p class="badge badge-warn" id="cal-source" data-source="none">{ tr(lang, if can_edit { "cal.source.none.edit" } else { "cal.source.none" }) }</p> }
        }
        Some(y) => {
            let who = match (&y.imported_by, &y.imported_at) {
                (Some(by), Some(at)) => trf(
                    lang,
                    "cal.source.imported_by",
                    &[by, &at.format("%Y-%m-%d").to_string()],
                ),
                _ => String::new(),
            };
            html! {
                <p id="cal-source" data-source={y.source.code()}>
                    <span class="tag">{ y.source.label(lang) }</span>
                    { " " }<strong>{ y.notice.clone() }</strong>
                    if let Some(n) = &y.document_number { { format!("（{n}）") } }
                    { " " }<span class="hint">{ who }</span>
                    <br />
                    <span class="hint">{ trf(lang, "cal.source.counts", &[&y.holidays.to_string(), &y.makeup_workdays.to_string()]) }</span>
                </p>
            }
        }
    };
    let month = |m: u32| -> Html {
        let Some(first) = NaiveDate::from_ymd_opt(d.year, m, 1) else {
            return html! {};
        };
        let lead = first.weekday().num_days_from_monday() as usize;
        let mut cells: Vec<Html> = (0..lead).map(|_| html! { <td></td> }).collect();
        let mut day = first;
        while day.month() == m {
            let (kind, title) = match special.get(&day) {
                Some((k, name)) => (k.code(), format!("{name} · {}", k.label(lang))),
                None if rest.contains(&day.weekday()) => {
                    ("rest", tr(lang, "cal.legend.rest").to_string())
                }
                None => ("work", String::new()),
            };
            cells.push(html! {
                <td class={classes!("cal-day", format!("cal-{kind}"))} data-date={day.to_string()}
                    data-kind={kind} title={title}>
                    { day.day() }
                    if kind == "makeup_workday" { <span class="cal-mark">{ lang.pick("班", "W") }</span> }
                    if kind == "holiday" { <span class="cal-mark">{ lang.pick("休", "H") }</span> }
                </td>
            });
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        let weeks: Vec<Html> = cells
            .chunks(7)
            .map(|w| html! { <tr>{ for w.iter().cloned() }</tr> })
            .collect();
        html! {
            <table class="cal-month" data-month={m.to_string()}>
                <caption>{ month_name(lang, m) }</caption>
                <thead><tr>{ for WEEK.iter().map(|w| html! {
                    <th abbr={w.label(lang)}>{ short_weekday(lang, *w) }</th>
                }) }</tr></thead>
                <tbody>{ for weeks }</tbody>
            </table>
        }
    };
    html! {
        <div class="panel" id="cal-year" data-year={d.year.to_string()}>
            <div class="page-head">
                <h2 class="panel-title">{ trf(lang, "cal.year", &[&d.year.to_string()]) }</h2>
                <div class="toolbar">
                    <button type="button" id="cal-prev" class="btn btn-small" onclick={prev}>{ tr(lang, "cal.prev") }</button>
                    <button type="button" id="cal-next" class="btn btn-small" onclick={next}>{ tr(lang, "cal.next") }</button>
                </div>
            </div>
            { source }
            <p class="cal-legend">
                <span class="cal-day cal-holiday">{ DayKind::Holiday.label(lang) }</span>
                <span class="cal-day cal-makeup_workday">{ DayKind::MakeupWorkday.label(lang) }</span>
                <span class="cal-day cal-rest">{ tr(lang, "cal.legend.rest") }</span>
            </p>
            <div class="cal-months">{ for (1..=12).map(month) }</div>
            <h3>{ tr(lang, "cal.days") }</h3>
            if d.days.is_empty() {
                <p class="muted">{ tr(lang, "cal.days.none") }</p>
            } else {
                <div class="grid-scroll"><table class="grid" id="cal-days">
                    <thead><tr>
                        <th>{ tr(lang, "cal.days.date") }</th>
                        <th>{ tr(lang, "cal.days.weekday") }</th>
                        <th>{ tr(lang, "cal.days.kind") }</th>
                        <th>{ tr(lang, "cal.days.name") }</th>
                    </tr></thead>
                    <tbody>{ for d.days.iter().map(|s| html! {
                        <tr data-date={s.date.to_string()} data-kind={s.kind.code()}>
                            <td class="mono">{ s.date.to_string() }</td>
                            <td>{ DayOfWeek::of(s.date.weekday()).label(lang) }</td>
                            <td><span class={classes!("badge", if s.kind == DayKind::Holiday { "badge-off" } else { "badge-warn" })}>{ s.kind.label(lang) }</span></td>
                            <td>{ holiday_name(lang, &s.name) }</td>
                        </tr>
                    }) }</tbody>
                </table></div>
            }
        </div>
    }
}

fn month_name(lang: Lang, m: u32) -> String {
    match lang {
        Lang::Zh => format!("{m} 月"),
        Lang::En => chrono::Month::try_from(m as u8)
            .map(|month| month.name().to_string())
            .unwrap_or_default(),
    }
}

fn short_weekday(lang: Lang, day: DayOfWeek) -> &'static str {
    let i = WEEK.iter().position(|w| *w == day).unwrap_or(0);
    match lang {
        Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"][i],
        Lang::En => ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"][i],
    }
}
