//! The shape shared by the admin list pages: data read from the API (with its problem and a
//! way to read it again), a page of records with its pager and filters, the table it is shown
//! in, row actions that ask first, and the create/edit form opened above the list.

use std::future::Future;
use std::ops::Deref;

use hcrm_domain::Lang;
use hcrm_domain::api::{Page, Problem};
use serde::de::DeserializeOwned;
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew::virtual_dom::Key;

use crate::components::banner::{ErrorBanner, Notice};
use crate::components::form::Versioned;
use crate::components::pager::Pager;
use crate::hooks::{use_lang, use_session};
use crate::i18n::tr;
use crate::services::{Api, query};

/// Data read from `path` (again whenever the path changes or [`Loaded::reload`] is called), and
/// the problem of the last failed read or action (`.error-banner`).
pub struct Loaded<T> {
    pub data: UseStateHandle<Option<T>>,
    pub problem: UseStateHandle<Option<Problem>>,
    generation: UseStateHandle<u32>,
    pub api: Api,
    pub lang: Lang,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        Loaded {
            data: self.data.clone(),
            problem: self.problem.clone(),
            generation: self.generation.clone(),
            api: self.api.clone(),
            lang: self.lang,
        }
    }
}

#[hook]
pub fn use_loaded<T: DeserializeOwned + 'static>(path: String) -> Loaded<T> {
    let session = use_session();
    let lang = use_lang();
    let data = use_state(|| None::<T>);
    let problem = use_state(|| None::<Problem>);
    let generation = use_state(|| 0_u32);
    {
        let (api, data, problem) = (session.api.clone(), data.clone(), problem.clone());
        use_effect_with((path, *generation), move |(path, _)| {
            // Only the decoding depends on `T`; the request runs in one shared function.
            let done = Callback::from(move |answer: Result<(u16, String), Problem>| {
                match answer.and_then(crate::services::decode::<T>) {
                    Ok(d) => data.set(Some(d)),
                    Err(p) => problem.set(Some(p)),
                }
            });
            fetch(api, path.clone(), done);
        });
    }
    Loaded {
        data,
        problem,
        generation,
        api: session.api,
        lang,
    }
}

/// Reads `path` and hands the answer's status and text (or its problem) to `done`. Not
/// generic: one copy of the request's code in the wasm for every type read (PERF-7).
fn fetch(api: Api, path: String, done: Callback<Result<(u16, String), Problem>>) {
    yew::platform::spawn_local(async move { done.emit(api.get_text(&path).await) });
}

impl<T: 'static> Loaded<T> {
    pub fn reload(&self) {
        self.generation.set(*self.generation + 1);
    }

    /// Counts the reloads (a dependency for data that is read again along with this).
    pub fn generation(&self) -> u32 {
        *self.generation
    }

    pub fn reloader(&self) -> Callback<()> {
        let this = self.clone();
        Callback::from(move |()| this.reload())
    }

    pub fn banner(&self) -> Html {
        html! { <ErrorBanner problem={(*self.problem).clone()} /> }
    }

    /// A row button's action: asks `question` (an i18n key), then sends `request`; on success
    /// the problem clears and the data is read again.
    pub fn action<F, Fut>(&self, question: &'static str, request: F) -> Callback<MouseEvent>
    where
        F: Fn(Api) -> Fut + 'static,
        Fut: Future<Output = Result<(), Problem>> + 'static,
    {
        let this = self.clone();
        Callback::from(move |_| {
            if !confirm(tr(this.lang, question)) {
                return;
            }
            let (this, request) = (this.clone(), request(this.api.clone()));
            yew::platform::spawn_local(async move {
                match request.await {
                    Ok(()) => {
                        this.problem.set(None);
                        this.reload();
                    }
                    Err(p) => this.problem.set(Some(p)),
                }
            });
        })
    }
}

/// One page of a collection, filtered by query parameters, with its offset.
pub struct PagedList<T> {
    pub loaded: Loaded<Page<T>>,
    pub offset: UseStateHandle<i64>,
    collection: &'static str,
    limit: i64,
}

impl<T> Deref for PagedList<T> {
    type Target = Loaded<Page<T>>;
    fn deref(&self) -> &Self::Target {
        &self.loaded
    }
}

/// Reads `{collection}?{filters}&limit=…&offset=…` (empty filters are left out).
#[hook]
pub fn use_paged_list<T: DeserializeOwned + 'static>(
    collection: &'static str,
    filters: Vec<(&'static str, String)>,
    limit: i64,
) -> PagedList<T> {
    let offset = use_state(|| 0_i64);
    let mut pairs = filters;
    pairs.push(("limit", limit.to_string()));
    pairs.push(("offset", offset.to_string()));
    let loaded = use_loaded(format!("{collection}{}", query(&pairs)));
    PagedList {
        loaded,
        offset,
        collection,
        limit,
    }
}

/// The `active` filter: only active records unless inactive ones are asked for.
pub fn active_param(show_inactive: bool) -> String {
    if show_inactive {
        String::new()
    } else {
        "true".into()
    }
}

impl<T: 'static> PagedList<T> {
    /// The toolbar's submit: applies what was typed in `boxes` and goes to the first page.
    pub fn on_search(&self, boxes: &[&SearchText]) -> Callback<SubmitEvent> {
        let boxes: Vec<SearchText> = boxes.iter().map(|b| (*b).clone()).collect();
        let offset = self.offset.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            boxes.iter().for_each(SearchText::apply);
            offset.set(0);
        })
    }

    /// A `<select>` filter: keeps its value in `state` and goes to the first page.
    pub fn select_filter(&self, state: &UseStateHandle<String>) -> Callback<Event> {
        let (state, offset) = (state.clone(), self.offset.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            state.set(select.value());
            offset.set(0);
        })
    }

    /// The "show inactive" checkbox of the toolbar.
    pub fn inactive_filter(&self, state: &UseStateHandle<bool>) -> Html {
        let onchange = {
            let (state, offset) = (state.clone(), self.offset.clone());
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                state.set(input.checked());
                offset.set(0);
            })
        };
        html! {
            <label class="check">
                <input type="checkbox" checked={**state} {onchange} />
                { tr(self.lang, "common.show_inactive") }
            </label>
        }
    }

    /// `POST {collection}/{id}/deactivate` with the row's version, after asking.
    pub fn deactivate(&self, record: &impl Versioned) -> Callback<MouseEvent> {
        let path = format!("{}/{}/deactivate", self.collection, record.id());
        let version = record.version();
        self.action("common.deactivate.confirm", move |api| {
            let path = path.clone();
            async move {
                api.post_empty::<serde_json::Value>(&path, Some(version))
                    .await
                    .map(drop)
            }
        })
    }

    /// The rows in a `.grid` table with `columns` (i18n keys) as its head.
    pub fn table(
        &self,
        id: &'static str,
        columns: &[&'static str],
        row: impl Fn(&T) -> Html,
    ) -> Html {
        let items = self.data.as_ref().map(|p| p.items.as_slice());
        grid(self.lang, id, columns, items, "common.empty", row)
    }

    pub fn pager(&self) -> Html {
        let Some(p) = &*self.data else {
            return html! {};
        };
        let on_offset = {
            let offset = self.offset.clone();
            Callback::from(move |o| offset.set(o))
        };
        html! { <Pager total={p.total} limit={self.limit} offset={*self.offset} {on_offset} /> }
    }
}

/// A `.grid` table: `columns` (i18n keys) as its head, then a row per item, or one muted line
/// while loading (`items` is `None`) or when there is nothing (`empty`, an i18n key).
pub fn grid<T>(
    lang: Lang,
    id: &'static str,
    columns: &[&'static str],
    items: Option<&[T]>,
    empty: &'static str,
    row: impl Fn(&T) -> Html,
) -> Html {
    let colspan = columns.len().to_string();
    let rows = match items {
        None => html! { <tr><td {colspan} class="muted">{ tr(lang, "loading") }</td></tr> },
        Some([]) => html! { <tr><td {colspan} class="muted">{ tr(lang, empty) }</td></tr> },
        Some(items) => items.iter().map(row).collect(),
    };
    // Narrow screens scroll the table inside its box, never the page (issue 9 item 16).
    html! {
        <div class="grid-scroll">
            <table {id} class="grid">
                <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ tr(lang, c) }</th> }) }</tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </div>
    }
}

/// `.page-head`: the page's one `<h1>` (issue 9 item 17) and, when given, the "new" button `(id, label, onclick)`.
pub fn page_head(
    lang: Lang,
    title: &'static str,
    new: Option<(&'static str, &'static str, Callback<MouseEvent>)>,
) -> Html {
    html! {
        <div class="page-head">
            <h1>{ tr(lang, title) }</h1>
            if let Some((id, label, onclick)) = new {
                <button {id} class="btn btn-primary" {onclick}>{ tr(lang, label) }</button>
            }
        </div>
    }
}

/// A search box: what is typed, and what was last searched for (applied on submit).
#[derive(Clone)]
pub struct SearchText {
    typed: UseStateHandle<String>,
    pub applied: UseStateHandle<String>,
}

#[hook]
pub fn use_search_text() -> SearchText {
    SearchText {
        typed: use_state(String::new),
        applied: use_state(String::new),
    }
}

impl SearchText {
    pub fn apply(&self) {
        self.applied.set(self.typed.trim().to_string());
    }

    pub fn value(&self) -> String {
        (*self.applied).clone()
    }

    pub fn input(&self, id: &'static str, placeholder: &'static str) -> Html {
        let oninput = {
            let typed = self.typed.clone();
            Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                typed.set(input.value());
            })
        };
        html! {
            <input {id} type="search" value={(*self.typed).clone()} {placeholder} {oninput} />
        }
    }

    /// The usual search box and its submit button.
    pub fn with_button(&self, lang: Lang, id: &'static str) -> Html {
        html! {
            <>
                { self.input(id, tr(lang, "common.search.placeholder")) }
                <button type="submit" class="btn">{ tr(lang, "common.search") }</button>
            </>
        }
    }
}

/// What the form above a list shows.
#[derive(Clone, PartialEq)]
pub enum Editing<R> {
    Closed,
    New,
    Edit(R),
}

/// The form slot above a list and the notice of the last save (`.notice`).
pub struct Editor<R> {
    pub editing: UseStateHandle<Editing<R>>,
    pub notice: UseStateHandle<Option<AttrValue>>,
    lang: Lang,
}

#[hook]
pub fn use_editor<R: 'static>() -> Editor<R> {
    Editor {
        editing: use_state(|| Editing::Closed),
        notice: use_state(|| None),
        lang: use_lang(),
    }
}

impl<R: Versioned + Clone + 'static> Editor<R> {
    /// Opens the form (for a new record, or to edit one) and clears the last notice.
    pub fn open(&self, what: Editing<R>) -> Callback<MouseEvent> {
        let (editing, notice) = (self.editing.clone(), self.notice.clone());
        Callback::from(move |_| {
            notice.set(None);
            editing.set(what.clone());
        })
    }

    /// The form's `on_done`: closes it; after a save (the record's id) says so and calls
    /// `reload`, then `then`.
    pub fn on_done(
        &self,
        reload: Callback<()>,
        then: impl Fn(Uuid) + 'static,
    ) -> Callback<Option<Uuid>> {
        let (editing, notice, lang) = (self.editing.clone(), self.notice.clone(), self.lang);
        Callback::from(move |saved: Option<Uuid>| {
            editing.set(Editing::Closed);
            if let Some(id) = saved {
                notice.set(Some(tr(lang, "common.saved").into()));
                reload.emit(());
                then(id);
            }
        })
    }

    /// The open form, keyed by the record so that another record gets a fresh form.
    pub fn form(&self, render: impl Fn(Key, Option<R>) -> Html) -> Html {
        match &*self.editing {
            Editing::Closed => html! {},
            Editing::New => render(Key::from("new"), None),
            Editing::Edit(r) => render(Key::from(r.id().to_string()), Some(r.clone())),
        }
    }

    pub fn notice(&self) -> Html {
        html! { <Notice text={(*self.notice).clone()} /> }
    }
}

pub fn yes_no(lang: Lang, v: bool) -> &'static str {
    tr(lang, if v { "common.yes" } else { "common.no" })
}

pub fn active_label(lang: Lang, active: bool) -> Html {
    if active {
        html! { <span class="badge badge-ok">{ tr(lang, "common.active") }</span> }
    } else {
        html! { <span class="badge badge-off">{ tr(lang, "common.inactive") }</span> }
    }
}

/// A browser confirmation dialog; true when there is no window (never blocks).
pub fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_records_unless_asked() {
        assert_eq!(active_param(false), "true");
        assert_eq!(active_param(true), "");
    }
}
