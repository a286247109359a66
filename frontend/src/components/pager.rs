//! Pagination under a list.

use yew::prelude::*;

use crate::hooks::use_lang;
use crate::i18n::{tr, trf};

#[derive(Properties, PartialEq)]
pub struct PagerProps {
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// `total` is a lower bound (a broad customer search counts up to 1,000).
    #[prop_or_default]
    pub capped: bool,
    pub on_offset: Callback<i64>,
}

#[component]
pub fn Pager(props: &PagerProps) -> Html {
    let lang = use_lang();
    let limit = props.limit.max(1);
    let pages = ((props.total + limit - 1) / limit).max(1);
    let page = props.offset / limit + 1;
    let prev = {
        let cb = props.on_offset.clone();
        let to = (props.offset - limit).max(0);
        Callback::from(move |_| cb.emit(to))
    };
    let next = {
        let cb = props.on_offset.clone();
        let to = props.offset + limit;
        Callback::from(move |_| cb.emit(to))
    };
    html! {
        <div class="pager">
            <span class="pager-total">{
                if props.capped {
                    trf(lang, "pager.total_capped", &[&props.total.to_string()])
                } else {
                    trf(lang, "pager.total", &[&props.total.to_string()])
                }
            }</span>
            <button class="btn btn-small pager-prev" disabled={page <= 1} onclick={prev}>
                { tr(lang, "pager.prev") }
            </button>
            <span>{
                if props.capped {
                    trf(lang, "pager.page_open", &[&page.to_string()])
                } else {
                    trf(lang, "pager.page", &[&page.to_string(), &pages.to_string()])
                }
            }</span>
            <button class="btn btn-small pager-next" disabled={!props.capped && page >= pages}
                    onclick={next}>
                { tr(lang, "pager.next") }
            </button>
        </div>
    }
}
