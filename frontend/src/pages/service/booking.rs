//! 预约日历 — a department's (or one doctor's) clinic sessions over the coming week with their
//! free places (SVC-2), booked for the caller in a dialog: the kind, one person or an
//! organization's group places, a note. A session filled meanwhile answers 409 with the next
//! free sessions, offered as choices; a full session offers the waitlist.

use chrono::{Datelike, NaiveDate};
use hcrm_domain::api::Problem;
use hcrm_domain::api::appointments::{
    AppointmentCreate, ClinicSession, Directory, FreeSession, WaitlistCreate,
};
use hcrm_domain::api::org::HalfDay;
use hcrm_domain::appointment::AppointmentKind;
use hcrm_domain::customer::kinds::CustomerKind;
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::dialog::Dialog;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::use_loaded;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::services::Items;
use crate::services::appointments;

/// The caller the bookings are for.
#[derive(Clone, PartialEq)]
pub struct Caller {
    pub id: Uuid,
    pub name: AttrValue,
    pub kind: CustomerKind,
}

/// What was done, worded at each render (the language may change while it shows).
#[derive(Clone, PartialEq)]
struct Done {
    /// `booking.done` or `booking.waiting`.
    key: &'static str,
    name: AttrValue,
    date: NaiveDate,
    half: HalfDay,
}

#[derive(Properties, PartialEq)]
pub struct CalendarProps {
    /// Absent: the calendar shows places, booking waits for a caller.
    pub caller: Option<Caller>,
    /// A booking was made (the caller's card reads its next appointment again).
    pub on_booked: Callback<()>,
}

fn weekday(lang: Lang, d: NaiveDate) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = d.weekday().num_days_from_monday() as usize;
    lang.pick(ZH[i], EN[i])
}

/// `2026-12-08 周二 上午`.
pub fn session_when(lang: Lang, date: NaiveDate, half: HalfDay) -> String {
    format!("{date} {} {}", weekday(lang, date), half.label(lang))
}

#[component]
pub fn AppointmentCalendar(props: &CalendarProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let directory = use_loaded::<Directory>(appointments::directory_path());
    let department = use_state(|| None::<Uuid>);
    let doctor = use_state(|| None::<Uuid>);
    let booking = use_state(|| None::<ClinicSession>);
    let waitlist = use_state(|| None::<ClinicSession>);
    let notice = use_state(|| None::<Done>);
    // Bumped after a booking: the places are read again.
    let generation = use_state(|| 0_u32);
    let departments = directory
        .data
        .as_ref()
        .map(|d| d.departments.clone())
        .unwrap_or_default();
    let doctors: Vec<(Uuid, String)> = departments
        .iter()
        .filter(|d| Some(d.id) == *department)
        .flat_map(|d| {
            d.doctors
                .iter()
                .map(|x| (x.id, format!("{} {}", x.name, x.title)))
        })
        .collect();
    let on_department = {
        let (department, doctor) = (department.clone(), doctor.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            department.set(s.value().parse().ok());
            doctor.set(None);
        })
    };
    let on_doctor = {
        let doctor = doctor.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            doctor.set(s.value().parse().ok());
        })
    };
    let can_book = session.can(Permission::ServiceWrite) && props.caller.is_some();
    let close = |target: &UseStateHandle<Option<ClinicSession>>| {
        let target = target.clone();
        Callback::from(move |()| target.set(None))
    };
    let on_booked = {
        let (booking, notice, generation, done) = (
            booking.clone(),
            notice.clone(),
            generation.clone(),
            props.on_booked.clone(),
        );
        Callback::from(move |d: Done| {
            booking.set(None);
            notice.set(Some(d));
            generation.set(*generation + 1);
            done.emit(());
        })
    };
    let on_waiting = {
        let (waitlist, notice) = (waitlist.clone(), notice.clone());
        Callback::from(move |done: Done| {
            waitlist.set(None);
            notice.set(Some(done));
        })
    };

    let open_with = |target: &UseStateHandle<Option<ClinicSession>>| {
        let (target, notice) = (target.clone(), notice.clone());
        Callback::from(move |s: ClinicSession| {
            notice.set(None);
            target.set(Some(s));
        })
    };
    let list = if department.is_none() && doctor.is_none() {
        html! { <p class="muted">{ tr(lang, "booking.pick_department") }</p> }
    } else {
        html! {
            <SessionList department={*department} doctor={*doctor} {can_book}
                on_book={open_with(&booking)} on_wait={open_with(&waitlist)}
                key={format!("{:?}-{:?}-{}", *department, *doctor, *generation)} />
        }
    };

    html! {
        <div class="panel" id="booking-calendar">
            <h2>{ tr(lang, "booking.title") }</h2>
            <div class="queue-filters">
                <div class="field">
                    <label for="booking-department">{ tr(lang, "booking.department") }</label>
                    <select id="booking-department" onchange={on_department}>
                        <option value="" selected={department.is_none()}>{ "—" }</option>
                        { for departments.iter().map(|d| html! {
                            <option value={d.id.to_string()} selected={Some(d.id) == *department}>{ &d.name }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="booking-doctor">{ tr(lang, "booking.doctor") }</label>
                    <select id="booking-doctor" onchange={on_doctor} disabled={department.is_none()}>
                        <option value="" selected={doctor.is_none()}>{ tr(lang, "booking.any_doctor") }</option>
                        { for doctors.iter().map(|(id, name)| html! {
                            <option value={id.to_string()} selected={Some(*id) == *doctor}>{ name }</option>
                        }) }
                    </select>
                </div>
            </div>
            if props.caller.is_none() {
                <p class="hint">{ tr(lang, "booking.no_caller") }</p>
            }
            <Notice text={notice.as_ref().map(|d| AttrValue::from(trf(lang, d.key, &[&d.name, &session_when(lang, d.date, d.half)])))} />
            { list }
            if let (Some(s), Some(c)) = (&*booking, &props.caller) {
                <BookingDialog session={s.clone()} caller={c.clone()} on_close={close(&booking)} on_booked={on_booked} />
            }
            if let (Some(s), Some(c)) = (&*waitlist, &props.caller) {
                <WaitlistDialog session={s.clone()} caller={c.clone()} on_close={close(&waitlist)} on_done={on_waiting} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SessionListProps {
    department: Option<Uuid>,
    doctor: Option<Uuid>,
    can_book: bool,
    on_book: Callback<ClinicSession>,
    on_wait: Callback<ClinicSession>,
}

/// The sessions of the next 7 days, full ones included (they offer the waitlist).
#[component]
fn SessionList(props: &SessionListProps) -> Html {
    let lang = use_lang();
    let from = crate::clock::today();
    let sessions = use_loaded::<Items<ClinicSession>>(appointments::sessions_path(
        props.department,
        props.doctor,
        from,
        7,
        false,
    ));
    let emit = |cb: &Callback<ClinicSession>, s: &ClinicSession| {
        let (cb, s) = (cb.clone(), s.clone());
        Callback::from(move |_: MouseEvent| cb.emit(s.clone()))
    };
    match (
        sessions.data.as_ref().map(Items::as_slice),
        &*sessions.problem,
    ) {
        (_, Some(p)) => html! { <ErrorBanner problem={Some(p.clone())} /> },
        (None, _) => html! { <p class="muted">{ tr(lang, "loading") }</p> },
        (Some([]), _) => html! { <p class="muted">{ tr(lang, "booking.none") }</p> },
        (Some(list), _) => html! {
            <ul class="session-list" id="booking-sessions">
                { for list.iter().map(|s| {
                    let full = s.free <= 0;
                    let who = s.doctor_name.clone().or_else(|| s.resource_name.clone()).unwrap_or_default();
                    html! {
                        <li class={classes!("session", full.then_some("full"))} data-session-id={s.id.to_string()}
                            data-free={s.free.to_string()}>
                            <span class="s-when">{ session_when(lang, s.date, s.half_day) }</span>
                            <span class="s-who">{ who }{ " " }<span class="muted">{ s.doctor_title.clone().unwrap_or_default() }</span></span>
                            <span class="s-free">{ trf(lang, "booking.free", &[&s.free.to_string(), &s.capacity.to_string()]) }</span>
                            if props.can_book && !full {
                                <button type="button" class="btn btn-primary book-btn" onclick={emit(&props.on_book, s)}>{ tr(lang, "booking.book") }</button>
                            }
                            if props.can_book && full {
                                <button type="button" class="btn waitlist-btn" onclick={emit(&props.on_wait, s)}>{ tr(lang, "booking.waitlist") }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    }
}

#[derive(Properties, PartialEq)]
struct BookingProps {
    session: ClinicSession,
    caller: Caller,
    on_close: Callback<()>,
    /// The sentence to show once booked.
    on_booked: Callback<Done>,
}

#[component]
fn BookingDialog(props: &BookingProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let target = use_state(|| props.session.clone());
    let kind = use_state(|| {
        if props.session.resource_id.is_some() {
            AppointmentKind::Examination
        } else {
            AppointmentKind::ExpertConsultation
        }
        .code()
        .to_string()
    });
    let places = use_state(|| "1".to_string());
    let note = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let offered = use_state(Vec::<FreeSession>::new);
    let group = props.caller.kind == CustomerKind::Organization;
    let places_n = places
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=200).contains(n));
    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            state.set(i.value());
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            kind.set(s.value());
        })
    };
    let book = {
        let (api, busy, problem, offered) = (
            session.api.clone(),
            busy.clone(),
            problem.clone(),
            offered.clone(),
        );
        let (target, kind, note) = (target.clone(), kind.clone(), note.clone());
        let (caller, on_booked) = (props.caller.clone(), props.on_booked.clone());
        Callback::from(move |session_id: Uuid| {
            let (Some(kind), Some(places)) = (AppointmentKind::from_code(&kind), places_n) else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let body = AppointmentCreate {
                customer_id: caller.id,
                session_id,
                kind,
                places,
                note: crate::forms::opt(&note),
            };
            let (api, busy, problem, offered, target, on_booked, name) = (
                api.clone(),
                busy.clone(),
                problem.clone(),
                offered.clone(),
                target.clone(),
                on_booked.clone(),
                caller.name.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = appointments::book(&api, &body).await;
                busy.set(false);
                match result {
                    Ok(a) => {
                        on_booked.emit(Done {
                            key: "booking.done",
                            name,
                            date: a.session.date,
                            half: a.session.half_day,
                        });
                    }
                    Err(p) => {
                        // The places went meanwhile: the next free sessions are the choices.
                        offered.set(p.free_sessions.clone());
                        if let Some(first) = p.free_sessions.first() {
                            let mut t = (*target).clone();
                            t.id = first.session_id;
                            t.date = first.date;
                            t.half_day = first.half_day;
                            t.free = first.free;
                            target.set(t);
                        }
                        problem.set(Some(p));
                    }
                }
            });
        })
    };
    let on_submit = {
        let (book, target) = (book.clone(), target.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            book.emit(target.id);
        })
    };
    let choose = |f: &FreeSession| {
        let (target, f) = (target.clone(), f.clone());
        Callback::from(move |_: Event| {
            let mut t = (*target).clone();
            t.id = f.session_id;
            t.date = f.date;
            t.half_day = f.half_day;
            t.free = f.free;
            target.set(t);
        })
    };
    let s = &*target;
    let who = s
        .doctor_name
        .clone()
        .or_else(|| s.resource_name.clone())
        .unwrap_or_default();
    html! {
        <Dialog id="booking-dialog" title={tr(lang, "booking.dialog")} on_close={props.on_close.clone()}>
            <form onsubmit={on_submit}>
                <p id="booking-target">
                    <strong>{ &props.caller.name }</strong>{ " · " }{ who }{ " · " }
                    { session_when(lang, s.date, s.half_day) }
                </p>
                if !offered.is_empty() {
                    <fieldset class="choices" id="booking-offered">
                        <legend>{ tr(lang, "booking.offered") }</legend>
                        { for offered.iter().map(|f| {
                            let id = format!("offer-{}", f.session_id);
                            html! {
                                <label class="check" for={id.clone()}>
                                    <input type="radio" name="offered" id={id} checked={s.id == f.session_id} onchange={choose(f)} />
                                    { session_when(lang, f.date, f.half_day) }{ " · " }
                                    { f.doctor_name.clone().or_else(|| f.resource_name.clone()).unwrap_or_default() }{ " · " }
                                    { trf(lang, "booking.free_short", &[&f.free.to_string()]) }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
                <CodeSelect id="booking-kind" label={tr(lang, "booking.kind")} value={(*kind).clone()}
                    onchange={on_kind} options={coded_options(&AppointmentKind::ALL, AppointmentKind::code, lang)} />
                if group {
                    <div class="field">
                        <label for="booking-places">{ tr(lang, "booking.places") }</label>
                        <input id="booking-places" type="number" min="1" max="200" value={(*places).clone()}
                               oninput={text_input(&places)} aria-invalid={places_n.is_none().to_string()} />
                        <p class="hint">{ tr(lang, "booking.places.hint") }</p>
                    </div>
                }
                <div class="field">
                    <label for="booking-note">{ tr(lang, "booking.note") }</label>
                    <input id="booking-note" type="text" maxlength="500" value={(*note).clone()} oninput={text_input(&note)} />
                </div>
                <ErrorBanner problem={(*problem).clone()} />
                <div class="form-actions">
                    <button id="booking-save" type="submit" class="btn btn-primary" disabled={*busy || places_n.is_none()}>
                        { tr(lang, if *busy { "common.saving" } else { "booking.confirm" }) }
                    </button>
                    <button type="button" class="btn" onclick={props.on_close.reform(|_| ())}>{ tr(lang, "common.cancel") }</button>
                </div>
            </form>
        </Dialog>
    }
}

#[derive(Properties, PartialEq)]
struct WaitlistProps {
    session: ClinicSession,
    caller: Caller,
    on_close: Callback<()>,
    on_done: Callback<Done>,
}

/// 候补 — a full session: the caller waits; a freed place is offered to the first waiting
/// patient as a task for the agent.
#[component]
fn WaitlistDialog(props: &WaitlistProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let note = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let on_note = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            note.set(i.value());
        })
    };
    let on_submit = {
        let (api, busy, problem, note) = (
            session.api.clone(),
            busy.clone(),
            problem.clone(),
            note.clone(),
        );
        let (s, caller, done) = (
            props.session.clone(),
            props.caller.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let body = WaitlistCreate {
                customer_id: caller.id,
                places: 1,
                note: crate::forms::opt(&note),
            };
            let (api, busy, problem, done, name, s) = (
                api.clone(),
                busy.clone(),
                problem.clone(),
                done.clone(),
                caller.name.clone(),
                s.clone(),
            );
            yew::platform::spawn_local(async move {
                let result = appointments::join_waitlist(&api, s.id, &body).await;
                busy.set(false);
                match result {
                    Ok(_) => done.emit(Done {
                        key: "booking.waiting",
                        name,
                        date: s.date,
                        half: s.half_day,
                    }),
                    Err(p) => problem.set(Some(p)),
                }
            });
        })
    };
    html! {
        <Dialog id="waitlist-dialog" title={tr(lang, "booking.waitlist.title")} on_close={props.on_close.clone()}>
            <form onsubmit={on_submit}>
                <p>{ trf(lang, "booking.waitlist.text", &[&props.caller.name, &session_when(lang, props.session.date, props.session.half_day)]) }</p>
                <div class="field">
                    <label for="waitlist-note">{ tr(lang, "booking.note") }</label>
                    <input id="waitlist-note" type="text" maxlength="500" value={(*note).clone()} oninput={on_note} />
                </div>
                <ErrorBanner problem={(*problem).clone()} />
                <div class="form-actions">
                    <button id="waitlist-save" type="submit" class="btn btn-primary" disabled={*busy}>{ tr(lang, "booking.waitlist.join") }</button>
                    <button type="button" class="btn" onclick={props.on_close.reform(|_| ())}>{ tr(lang, "common.cancel") }</button>
                </div>
            </form>
        </Dialog>
    }
}
