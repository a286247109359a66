//! The case's money and accountability (CMP-6, CMP-7) and its files (CMP-9): refunds with
//! their approval chain, responsibility with the proposed and the confirmed penalty level
//! and the penalty slip (员工过失处罚单), improvement actions, attachments (upload, download).
//! What a caller may not do is not offered; the API decides in the end.

use chrono::NaiveDate;
use hcrm_domain::api::Page;
use hcrm_domain::api::Problem;
use hcrm_domain::api::complaint_money::{
    Attachment, FollowUpWish, FollowUpWishUpdate, Improvement, ImprovementCreate,
    ImprovementUpdate, Refund, RefundCreate, RefundTransition, Responsibility,
    ResponsibilityConfirm, ResponsibilityCreate,
};
use hcrm_domain::api::org::User;
use hcrm_domain::complaint::{
    AttachmentKind, PenaltyLevel, RefundKind, RefundMethod, RefundStatus,
};
use hcrm_domain::{Label, Lang, Permission};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::banner::ErrorBanner;
use crate::components::dialog::Dialog;
use crate::components::field::{CodeSelect, coded_options};
use crate::components::list::use_loaded;
use crate::forms;
use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::list::save_file;
use crate::pages::customers::zoned_time;
use crate::services::{Items, complaints, org};

/// "¥12,800.00".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

/// Yuan as typed ("12800", "12,800.5", "¥99.99") in fen; `None` when it is no amount.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

fn input_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_else(|| e.target_unchecked_into::<HtmlInputElement>().value())
}

/// An `oninput` that keeps the value in `h`.
fn keep(h: &UseStateHandle<String>) -> Callback<InputEvent> {
    let h = h.clone();
    Callback::from(move |e: InputEvent| h.set(input_value(&e)))
}

fn keep_select(h: &UseStateHandle<String>) -> Callback<Event> {
    let h = h.clone();
    Callback::from(move |e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        h.set(s.value());
    })
}

fn keep_check(h: &UseStateHandle<bool>) -> Callback<Event> {
    let h = h.clone();
    Callback::from(move |e: Event| {
        let i: HtmlInputElement = e.target_unchecked_into();
        h.set(i.checked());
    })
}

fn text_field(
    lang: Lang,
    id: &'static str,
    label: &'static str,
    value: &UseStateHandle<String>,
    area: bool,
) -> Html {
    html! {
        <div class="field">
            <label for={id}>{ tr(lang, label) }</label>
            if area {
                <textarea {id} rows="3" value={(**value).clone()} oninput={keep(value)} />
            } else {
                <input {id} type="text" value={(**value).clone()} oninput={keep(value)} />
            }
        </div>
    }
}

/// The dialog's buttons.
fn dialog_actions(lang: Lang, prefix: &str, busy: bool, on_cancel: Callback<()>) -> Html {
    html! {
        <div class="form-actions">
            <button id={format!("{prefix}-confirm")} type="submit" class="btn btn-primary" disabled={busy}>
                { tr(lang, if busy { "common.saving" } else { "complaints.action.confirm" }) }
            </button>
            <button id={format!("{prefix}-cancel")} type="button" class="btn"
                    onclick={Callback::from(move |_| on_cancel.emit(()))}>{ tr(lang, "common.cancel") }</button>
        </div>
    }
}

/// The server has no such part (an older server): the panel stays away rather than show an
/// error about a case that is there.
fn missing<T>(loaded: &crate::components::list::Loaded<T>) -> bool {
    loaded.problem.as_ref().is_some_and(|p| p.status == 404) && loaded.data.is_none()
}

/// Runs a save: busy while it runs, its problem shown, `done` after.
fn save<T: 'static>(
    busy: &UseStateHandle<bool>,
    problem: &UseStateHandle<Option<Problem>>,
    done: Callback<()>,
    request: impl std::future::Future<Output = Result<T, Problem>> + 'static,
) {
    if **busy {
        return;
    }
    busy.set(true);
    let (busy, problem) = (busy.clone(), problem.clone());
    yew::platform::spawn_local(async move {
        let result = request.await;
        busy.set(false);
        match result {
            Ok(_) => {
                problem.set(None);
                done.emit(());
            }
            Err(p) => problem.set(Some(p)),
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct PartProps {
    pub id: Uuid,
    /// Counts the case's changes: the parts read again with it.
    #[prop_or_default]
    pub generation: u32,
    /// The case is open: a closed case (已结案) shows its records without the controls that
    /// would change them (the API refuses those writes, 409 `case_closed`).
    #[prop_or(true)]
    pub open: bool,
    /// The case's time zone (its institution's, X-11).
    #[prop_or_default]
    pub zone: AttrValue,
}

#[derive(Properties, PartialEq)]
struct DialogProps {
    id: Uuid,
    on_close: Callback<()>,
    on_done: Callback<()>,
}

mod attachments;
mod improvements;
mod refunds;
mod responsibility;
mod wish;

pub use attachments::AttachmentsPanel;
pub use improvements::ImprovementsPanel;
pub use refunds::RefundsPanel;
pub use responsibility::ResponsibilityPanel;
pub use wish::FollowUpWishPanel;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_and_parses_as_yuan() {
        assert_eq!(yuan(1_280_000), "¥12,800.00");
        assert_eq!(yuan(1_999_999), "¥19,999.99");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(10_000_000_000), "¥100,000,000.00");
        assert_eq!(parse_yuan("12800"), Some(1_280_000));
        assert_eq!(parse_yuan("¥12,800.5"), Some(1_280_050));
        assert_eq!(parse_yuan(" 0.05 "), Some(5));
        assert_eq!(parse_yuan("12.345"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("-5"), None);
    }
}
