//! Issue 9 item 8 (CUS-10): a phone or ID number is looked up among existing customers as
//! soon as it is complete and valid, and a match is shown next to the field with a link that
//! opens the existing record — before the save, not only in the 409 after it.

use std::cell::Cell;
use std::rc::Rc;

use hcrm_domain::api::customers::DuplicateMatch;
use hcrm_domain::api::merge::DuplicateCheck;
use hcrm_domain::customer::{IdType, parse_resident_id};
use uuid::Uuid;
use yew::prelude::*;

use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::pages::customers::search::CustomerLink;
use crate::services::customers;

/// What to look up: a mobile or an ID number of a type, as typed.
#[derive(Clone, PartialEq)]
pub(super) enum Lookup {
    Phone(String),
    IdNumber { id_type: String, number: String },
}

impl Lookup {
    /// The request when the value is complete and valid (a whole mobile, a resident ID whose
    /// checksum holds, another document of 3 or more characters); `None` while it is typed.
    fn check(&self, exclude_id: Option<Uuid>) -> Option<DuplicateCheck> {
        match self {
            Lookup::Phone(p) => {
                let p = p.trim();
                hcrm_domain::validation::mobile(p).ok()?;
                Some(DuplicateCheck {
                    phones: vec![p.to_string()],
                    id_number: None,
                    exclude_id,
                })
            }
            Lookup::IdNumber { id_type, number } => {
                let n = number.trim();
                let resident =
                    IdType::from_code(id_type).unwrap_or(IdType::ResidentId) == IdType::ResidentId;
                let ok = if resident {
                    parse_resident_id(n, crate::clock::today()).is_ok()
                } else {
                    (3..=30).contains(&n.chars().count())
                };
                ok.then(|| DuplicateCheck {
                    phones: vec![],
                    id_number: Some(n.to_string()),
                    exclude_id,
                })
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct DuplicateHintProps {
    /// The input the hint belongs to (`customer-phone`); the hint is `{field}-dup`.
    pub field: &'static str,
    pub lookup: Lookup,
    /// The customer being edited.
    #[prop_or_default]
    pub exclude_id: Option<Uuid>,
    /// Masked numbers are not looked up.
    #[prop_or_default]
    pub disabled: bool,
}

/// The existing customers the value of one field names, under that field.
#[component]
pub(super) fn DuplicateHint(props: &DuplicateHintProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let found = use_state(Vec::<DuplicateMatch>::new);
    let check = (!props.disabled)
        .then(|| props.lookup.check(props.exclude_id))
        .flatten();
    {
        let (api, found) = (session.api.clone(), found.clone());
        use_effect_with(check, move |check| {
            // An answer for a value typed over since is dropped.
            let live = Rc::new(Cell::new(true));
            match check.clone() {
                None => found.set(Vec::new()),
                Some(body) => {
                    let live = live.clone();
                    yew::platform::spawn_local(async move {
                        let matches = customers::check_duplicates(&api, &body)
                            .await
                            .map(|r| r.matches)
                            .unwrap_or_default();
                        if live.get() {
                            found.set(matches);
                        }
                    });
                }
            }
            move || live.set(false)
        });
    }
    if found.is_empty() {
        return html! {};
    }
    html! {
        <div class="dup-hint" id={format!("{}-dup", props.field)} role="status">
            <span>{ tr(lang, "customer.duplicate.typed") }</span>
            <ul>
                { for found.iter().map(|d| html! {
                    <li data-duplicate-id={d.customer.id.to_string()}>
                        <strong>{ &d.customer.name }</strong>{ " " }
                        <span class="muted">{ &d.customer.form_of_address }</span>{ " " }
                        <span class="mono">{ d.customer.phone.clone().unwrap_or_default() }</span>{ " " }
                        <CustomerLink id={d.customer.id}>{ tr(lang, "customer.duplicate.open") }</CustomerLink>
                    </li>
                }) }
            </ul>
        </div>
    }
}
