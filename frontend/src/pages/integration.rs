//! 系统对接状态 — the integration status page (issue 12, INT-1): the HIS's recent batches
//! (when, which client, what each did: created, updated, unchanged, rejected), and for one
//! batch its rejected items with their field errors in words.

use hcrm_domain::Label;
use hcrm_domain::api::FieldError;
use hcrm_domain::api::integration::{
    BatchResult, BatchStatus, BatchSummary, ItemOutcome, ItemResult,
};
use uuid::Uuid;
use yew::prelude::*;

use crate::components::list::{grid, page_head, use_loaded, use_paged_list};
use crate::hooks::use_lang;
use crate::i18n::{field_error_text, tr, tr_dyn, trf};
use crate::pages::audit::local_time;

const PAGE_SIZE: i64 = 20;
const BATCHES: &str = "/integration/batches";

/// A field of an item, in words when the page knows it (`integration.field.visited_at`),
/// else as the API names it.
fn field_words(lang: hcrm_domain::Lang, field: &str) -> String {
    tr_dyn(lang, &format!("integration.field.{field}"))
        .map(str::to_string)
        .unwrap_or_else(|| field.to_string())
}

/// An item's error in words: the field, then what is wrong with it — the page's own text for
/// the code when it has one, else the API's message.
fn error_words(lang: hcrm_domain::Lang, e: &FieldError) -> String {
    let what = tr_dyn(lang, &format!("integration.error.{}", e.code))
        .map(str::to_string)
        .or_else(|| {
            let known = field_error_text(lang, &e.code);
            (!known.is_empty() && known != tr(lang, "field.invalid")).then(|| known.to_string())
        })
        .unwrap_or_else(|| e.message.clone());
    format!(
        "{}{}{}",
        field_words(lang, &e.field),
        lang.pick("：", ": "),
        what
    )
}

fn status_badge(lang: hcrm_domain::Lang, status: BatchStatus) -> Html {
    let class = match status {
        BatchStatus::Applied => "badge badge-ok",
        BatchStatus::Rejected => "badge badge-warn",
    };
    html! { <span class={class} data-status={status.code()}>{ status.label(lang) }</span> }
}

#[component]
pub fn IntegrationPage() -> Html {
    let lang = use_lang();
    let status = use_state(String::new);
    let list =
        use_paged_list::<BatchSummary>(BATCHES, vec![("status", (*status).clone())], PAGE_SIZE);
    let open = use_state(|| None::<Uuid>);

    let row = |b: &BatchSummary| {
        let onclick = {
            let (open, id) = (open.clone(), b.id);
            Callback::from(move |_: MouseEvent| open.set(Some(id)))
        };
        let selected = *open == Some(b.id);
        let c = &b.counts;
        html! {
            <tr data-batch-id={b.id.to_string()} class={classes!(selected.then_some("selected"))}>
                <td class="mono nowrap">{ local_time(b.received_at) }</td>
                <td>{ &b.client_name }</td>
                <td class="mono">{ b.batch_id.clone().unwrap_or_else(|| "—".into()) }</td>
                <td>{ status_badge(lang, b.status) }</td>
                <td class="num" data-count="created">{ c.created }</td>
                <td class="num" data-count="updated">{ c.updated }</td>
                <td class="num" data-count="unchanged">{ c.unchanged }</td>
                <td class={classes!("num", (c.rejected > 0).then_some("warn"))} data-count="rejected">{ c.rejected }</td>
                <td class="actions">
                    <button type="button" class="btn btn-small" data-open-batch={b.id.to_string()} {onclick}>
                        { tr(lang, "integration.items") }
                    </button>
                </td>
            </tr>
        }
    };
    let columns = [
        "integration.received",
        "integration.client",
        "integration.batch_id",
        "common.status",
        "integration.created",
        "integration.updated",
        "integration.unchanged",
        "integration.rejected",
        "common.actions",
    ];
    let on_close = {
        let open = open.clone();
        Callback::from(move |()| open.set(None))
    };
    html! {
        <section class="page integration" id="integration-page">
            { page_head(lang, "integration.title", None) }
            <p class="hint">{ tr(lang, "integration.hint") }</p>
            { list.banner() }
            <div class="toolbar">
                <label class="field-inline">
                    <span>{ tr(lang, "common.status") }</span>
                    <select id="integration-status" onchange={list.select_filter(&status)}>
                        <option value="" selected={status.is_empty()}>{ tr(lang, "integration.any_status") }</option>
                        { for BatchStatus::ALL.into_iter().map(|s| html! {
                            <option value={s.code()} selected={*status == s.code()}>{ s.label(lang) }</option>
                        }) }
                    </select>
                </label>
            </div>
            { list.table("batches-table", &columns, row) }
            { list.pager() }
            if let Some(id) = *open {
                <BatchItems key={id.to_string()} {id} {on_close} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BatchItemsProps {
    id: Uuid,
    on_close: Callback<()>,
}

/// One batch: its counts and the items that were not written, each with its errors.
#[component]
fn BatchItems(props: &BatchItemsProps) -> Html {
    let lang = use_lang();
    let batch = use_loaded::<BatchResult>(format!("{BATCHES}/{}", props.id));
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let item_row = |i: &ItemResult| {
        html! {
            <tr data-item={format!("{}-{}", i.kind.code(), i.index)} data-result={i.result.code()}>
                <td>{ i.kind.label(lang) }{ " #" }{ i.index + 1 }</td>
                <td class="mono">{ &i.external_id }</td>
                <td>{ i.result.label(lang) }</td>
                <td class="item-errors">
                    if i.errors.is_empty() {
                        <span class="muted">{ tr(lang, "integration.not_written") }</span>
                    } else {
                        <ul>
                            { for i.errors.iter().map(|e| html! {
                                <li data-field={e.field.clone()} data-code={e.code.clone()}>{ error_words(lang, e) }</li>
                            }) }
                        </ul>
                    }
                </td>
            </tr>
        }
    };
    let body = match &*batch.data {
        None => html! {},
        Some(b) => {
            let not_written: Vec<ItemResult> = b
                .items
                .iter()
                .filter(|i| matches!(i.result, ItemOutcome::Rejected))
                .cloned()
                .collect();
            let s = &b.summary;
            html! {
                <>
                    <p class="batch-facts">
                        { trf(lang, "integration.batch.facts", &[
                            &local_time(s.received_at),
                            &s.client_name,
                            &b.items.len().to_string(),
                            &s.duration_ms.to_string(),
                        ]) }
                        { " " }{ status_badge(lang, s.status) }
                    </p>
                    if s.status == BatchStatus::Rejected {
                        <p class="hint">{ tr(lang, "integration.batch.rejected") }</p>
                    }
                    <h4>{ tr(lang, "integration.rejected_items") }</h4>
                    { grid(lang, "batch-items-table", &[
                        "integration.item",
                        "integration.external_id",
                        "integration.result",
                        "integration.errors",
                    ], Some(not_written.as_slice()), "integration.no_rejected", item_row) }
                </>
            }
        }
    };
    html! {
        <section class="panel batch-items" id="batch-items" data-batch-id={props.id.to_string()}>
            <div class="page-head">
                <h3>{ tr(lang, "integration.batch") }</h3>
                <button type="button" id="batch-items-close" class="btn btn-small" onclick={close}>
                    { tr(lang, "apikey.close") }
                </button>
            </div>
            { batch.banner() }
            { body }
        </section>
    }
}
