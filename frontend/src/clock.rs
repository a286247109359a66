//! The web app's clock: "today" is the date of the signed-in user's time zone (their
//! first institution's, named by `/auth/me`), not the browser's — an agent whose computer is
//! set to another zone, or a birth entered before 08:00 Beijing time on a clock that counted
//! in UTC, still gets the hospital's day. Times are read by the browser's `Intl` (its zone
//! data; none in the wasm).
//!
//! The zone is the module's one piece of state, set when the profile loads; it is no secret.

use std::cell::RefCell;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, Utc};

thread_local! {
    static ZONE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The time zone of the user's "today" from now on (IANA, from `/auth/me`).
pub fn set_zone(zone: &str) {
    ZONE.with_borrow_mut(|z| zone.clone_into(z));
}

/// Now, as the wall clocks of the user's time zone show it: the browser's before sign-in, or
/// when the browser does not know the zone.
pub fn now() -> NaiveDateTime {
    let zone = ZONE.with_borrow(Clone::clone);
    wall_clock(Utc::now(), &zone).unwrap_or_else(|| Local::now().naive_local())
}

/// Today in the user's time zone.
pub fn today() -> NaiveDate {
    now().date()
}

/// What the wall clocks of time zone `zone` showed at instant `t`, to the second; `None` when
/// `zone` is empty or unknown to the browser.
#[cfg(target_arch = "wasm32")]
pub fn wall_clock(t: DateTime<Utc>, zone: &str) -> Option<NaiveDateTime> {
    use wasm_bindgen::{JsCast, JsValue};
    if zone.is_empty() {
        return None;
    }
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    set("timeZone", zone);
    set("hourCycle", "h23");
    for k in ["year", "month", "day", "hour", "minute", "second"] {
        set(k, if k == "year" { "numeric" } else { "2-digit" });
    }
    let date = js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64));
    // Called through `Function::call2`, which catches: an unknown zone throws a RangeError.
    let format = js_sys::Reflect::get(&date, &JsValue::from_str("toLocaleString"))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let text = format
        .call2(&date, &JsValue::from_str("sv-SE"), &options)
        .ok()?
        .as_string()?;
    // Swedish writes dates as ISO 8601 does: "2026-12-07 09:30:05".
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S").ok()
}

/// Outside the browser (the app's unit tests) there is no `Intl`: the process's zone.
#[cfg(not(target_arch = "wasm32"))]
pub fn wall_clock(_t: DateTime<Utc>, _zone: &str) -> Option<NaiveDateTime> {
    None
}

/// Today in the user's time zone as the API and date inputs write it, "2026-12-07".
pub fn today_text() -> String {
    today().to_string()
}

/// This month in the user's time zone, "2026-12".
pub fn this_month() -> String {
    today().format("%Y-%m").to_string()
}
