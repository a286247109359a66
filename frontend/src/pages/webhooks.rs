//! 事件推送 (INT-3): the webhook subscriptions of the caller's institutions — create one (its
//! signing secret shown once), choose its events, turn it off and on, rotate its secret — and
//! per subscription the delivery log: every message with where it stands, each attempt
//! (status, time taken, the answer or the error) and redelivery.

use hcrm_domain::Label;
use hcrm_domain::api::Page;
use hcrm_domain::api::events::DomainEventKind;
use hcrm_domain::api::org::Institution;
use hcrm_domain::api::webhooks::{
    WebhookAttempt, WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryStatus,
    WebhookSecretShown, WebhookSubscription, WebhookSubscriptionCreate, WebhookSubscriptionUpdate,
};
use uuid::Uuid;
use validator::Validate;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::banner::Notice;
use crate::components::field::{FieldErrorLine, TextField};
use crate::components::form::use_form_state;
use crate::components::list::{grid, page_head, use_loaded};
use crate::components::shown_once::ShownOnce;
use crate::forms::{self, FieldErrors};
use crate::hooks::use_lang;
use crate::i18n::{tr, trf};
use crate::pages::audit::local_time;
use crate::services::webhooks as svc;

#[derive(Clone, PartialEq)]
struct Draft {
    url: String,
    description: String,
    /// The institution's id, or empty for the caller's only one.
    institution: String,
    events: Vec<DomainEventKind>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            url: String::new(),
            description: String::new(),
            institution: String::new(),
            events: DomainEventKind::ALL.to_vec(),
        }
    }
}

impl Draft {
    fn create(&self) -> WebhookSubscriptionCreate {
        let description = self.description.trim();
        WebhookSubscriptionCreate {
            institution_id: Uuid::parse_str(&self.institution).ok(),
            url: self.url.trim().to_string(),
            description: (!description.is_empty()).then(|| description.to_string()),
            event_types: self.events.clone(),
            active: Some(true),
        }
    }

    fn errors(&self) -> FieldErrors {
        let mut errors = forms::from_validation(self.create().validate());
        if !self.url.trim().is_empty()
            && let Err(p) = hcrm_domain::webhook::check_url(self.url.trim(), true)
        {
            errors.insert("url".into(), p.code().into());
        }
        if self.events.is_empty() {
            errors.insert("event_types".into(), "required".into());
        }
        errors
    }
}

fn status_badge(lang: hcrm_domain::Lang, s: &WebhookSubscription) -> Html {
    if s.active {
        html! { <span class="badge badge-ok">{ tr(lang, "webhook.active") }</span> }
    } else if s.disabled_reason.is_some() {
        html! { <span class="badge badge-warn" title={tr(lang, "webhook.gone")}>{ tr(lang, "webhook.gone") }</span> }
    } else {
        html! { <span class="badge badge-off">{ tr(lang, "webhook.inactive") }</span> }
    }
}

#[component]
pub fn WebhooksPage() -> Html {
    let lang = use_lang();
    let list = use_loaded::<Page<WebhookSubscription>>(svc::list_path());
    let institutions = use_loaded::<Page<Institution>>(
        "/institutions?active=true&sort=code&limit=200".to_string(),
    );
    let notice = use_state(|| None::<AttrValue>);
    let secret = use_state(|| None::<WebhookSecretShown>);
    let open = use_state(|| None::<WebhookSubscription>);
    let mut f = use_form_state(Draft::default);
    f.problem = list.problem.clone();

    let errors = f.draft.errors();
    let shown = f.shown(&errors);
    let err = |field: &str| shown.get(field).cloned();
    let toggle_event = |kind: DomainEventKind| {
        f.checkbox(&["event_types"], move |d, on| {
            d.events.retain(|k| *k != kind);
            if on {
                d.events.push(kind);
                d.events
                    .sort_by_key(|k| DomainEventKind::ALL.iter().position(|x| x == k));
            }
        })
    };
    let on_institution = {
        let draft = f.draft.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*draft).clone();
            next.institution = select.value();
            draft.set(next);
        })
    };

    let onsubmit = {
        let (f, secret, list, notice) = (f.clone(), secret.clone(), list.clone(), notice.clone());
        // With one institution to choose from, it is the one.
        let only = institutions
            .data
            .as_ref()
            .and_then(|p| match p.items.as_slice() {
                [one] => Some(one.id),
                _ => None,
            });
        let valid = errors.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !f.begin(valid) {
                return;
            }
            notice.set(None);
            let mut body = f.draft.create();
            body.institution_id = body.institution_id.or(only);
            let (f, secret, list) = (f.clone(), secret.clone(), list.clone());
            yew::platform::spawn_local(async move {
                let result = svc::create(&list.api, &body).await;
                f.busy.set(false);
                match result {
                    Ok(shown) => {
                        f.reset(Draft::default());
                        secret.set(Some(shown));
                        list.reload();
                    }
                    Err(p) => f.fail(p),
                }
            });
        })
    };
    let on_dismiss = {
        let secret = secret.clone();
        Callback::from(move |()| secret.set(None))
    };

    let many_institutions = institutions
        .data
        .as_ref()
        .is_some_and(|p| p.items.len() > 1);
    let institution_name = |id: Uuid| {
        institutions
            .data
            .as_ref()
            .and_then(|p| p.items.iter().find(|i| i.id == id))
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };

    let row = |s: &WebhookSubscription| {
        let on_toggle = {
            let (notice, id, version, active) = (notice.clone(), s.id, s.version, s.active);
            list.action(
                if active {
                    "webhook.turn_off.confirm"
                } else {
                    "webhook.turn_on.confirm"
                },
                move |api| {
                    let notice = notice.clone();
                    async move {
                        let body = WebhookSubscriptionUpdate {
                            active: Some(!active),
                            ..WebhookSubscriptionUpdate::default()
                        };
                        svc::update(&api, id, version, &body).await?;
                        notice.set(Some(tr(lang, "webhook.saved").into()));
                        Ok(())
                    }
                },
            )
        };
        let on_rotate = {
            let (secret, id) = (secret.clone(), s.id);
            list.action("webhook.rotate.confirm", move |api| {
                let secret = secret.clone();
                async move {
                    let shown = svc::rotate(&api, id).await?;
                    secret.set(Some(shown));
                    Ok(())
                }
            })
        };
        let on_open = {
            let (open, s) = (open.clone(), s.clone());
            Callback::from(move |_| open.set(Some(s.clone())))
        };
        let events = s
            .event_types
            .iter()
            .map(|k| k.label(lang))
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "));
        html! {
            <tr data-webhook-id={s.id.to_string()} class={classes!((!s.active).then_some("inactive"))}>
                <td class="mono wrap-anywhere">{ &s.url }
                    if let Some(d) = &s.description { <div class="muted">{ d }</div> }
                </td>
                <td>{ institution_name(s.institution_id) }</td>
                <td class="scopes">{ events }</td>
                <td>{ status_badge(lang, s) }</td>
                <td class="mono nowrap">{ format!("{}…", s.secret_hint) }
                    if let Some(until) = s.previous_secret_until {
                        <div class="muted">{ trf(lang, "webhook.previous_until", &[&local_time(until)]) }</div>
                    }
                </td>
                <td class="mono nowrap">{ local_time(s.created_at) }</td>
                <td class="actions">
                    <button type="button" class="btn btn-small" data-deliveries={s.id.to_string()} onclick={on_open}>
                        { tr(lang, "webhook.deliveries") }
                    </button>
                    <button type="button" class="btn btn-small" data-toggle={s.id.to_string()} onclick={on_toggle}>
                        { tr(lang, if s.active { "webhook.turn_off" } else { "webhook.turn_on" }) }
                    </button>
                    <button type="button" class="btn btn-small" data-rotate={s.id.to_string()} onclick={on_rotate}>
                        { tr(lang, "webhook.rotate") }
                    </button>
                </td>
            </tr>
        }
    };
    let columns = [
        "webhook.url",
        "webhook.institution",
        "webhook.events",
        "webhook.status",
        "webhook.secret",
        "webhook.created",
        "common.actions",
    ];
    let items = list.data.as_ref().map(|p| p.items.as_slice());
    let form = &*f.draft;
    let on_close = {
        let open = open.clone();
        Callback::from(move |()| open.set(None))
    };
    html! {
        <div class="page webhooks-page">
            { page_head(lang, "webhook.title", None) }
            <p class="hint">{ tr(lang, "webhook.intro") }</p>
            { list.banner() }
            <Notice text={(*notice).clone()} />
            if let Some(s) = &*secret {
                <ShownOnce key={s.secret.clone()}
                    ids={["webhook-secret-box", "webhook-secret", "webhook-secret-copy", "webhook-secret-dismiss"]}
                    title={html! { <>{ tr(lang, "webhook.secret.title") }{ " · " }<span class="mono">{ &s.subscription.url }</span></> }}
                    warning={tr(lang, "webhook.secret.warning")} secret={s.secret.clone()}
                    copy={tr(lang, "webhook.copy")} copied={tr(lang, "webhook.copied")}
                    done={tr(lang, "webhook.done")} on_done={on_dismiss} />
            }
            { grid(lang, "webhooks-table", &columns, items, "webhook.none", row) }
            if let Some(s) = &*open {
                <DeliveriesPanel key={s.id.to_string()} subscription={s.clone()} on_close={on_close} />
            }
            <form class="form panel" id="webhook-form" {onsubmit} novalidate=true autocomplete="off">
                <h2 class="panel-title">{ tr(lang, "webhook.new") }</h2>
                <div class="form-grid">
                    <TextField id="webhook-url" label={tr(lang, "webhook.url")} value={form.url.clone()}
                        oninput={f.input("url", |d, v| d.url = v)} error={err("url")}
                        hint={tr(lang, "webhook.url.hint")} required=true autocomplete="off" />
                    <TextField id="webhook-description" label={tr(lang, "webhook.description")}
                        value={form.description.clone()} oninput={f.input("description", |d, v| d.description = v)}
                        error={err("description")} hint={tr(lang, "webhook.description.hint")} />
                    if many_institutions {
                        <div class={classes!("field", err("institution_id").is_some().then_some("has-error"))}>
                            <label for="webhook-institution">{ tr(lang, "webhook.institution") }<span class="req">{ "*" }</span></label>
                            <select id="webhook-institution" onchange={on_institution}>
                                <option value="" selected={form.institution.is_empty()}>{ tr(lang, "dept.choose_institution") }</option>
                                { for institutions.data.iter().flat_map(|p| p.items.iter()).map(|i| html! {
                                    <option value={i.id.to_string()} selected={form.institution == i.id.to_string()}>
                                        { format!("{} {}", i.code, i.name) }
                                    </option>
                                }) }
                            </select>
                            <FieldErrorLine error={err("institution_id")} />
                        </div>
                    }
                </div>
                <fieldset class="choices" id="webhook-events">
                    <legend>{ tr(lang, "webhook.events") }<span class="req">{ "*" }</span></legend>
                    <p class="hint">{ tr(lang, "webhook.events.hint") }</p>
                    { for DomainEventKind::ALL.into_iter().map(|k| html! {
                        <label class="check">
                            <input type="checkbox" data-event={k.code()} checked={form.events.contains(&k)}
                                   onchange={toggle_event(k)} />
                            { k.label(lang) }
                        </label>
                    }) }
                    <FieldErrorLine error={err("event_types")} />
                </fieldset>
                <div class="form-actions">
                    { f.submit("webhook-create", "webhook.create", "webhook.creating") }
                </div>
            </form>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DeliveriesProps {
    subscription: WebhookSubscription,
    on_close: Callback<()>,
}

fn delivery_badge(lang: hcrm_domain::Lang, status: WebhookDeliveryStatus) -> Html {
    let class = match status {
        WebhookDeliveryStatus::Delivered => "badge badge-ok",
        WebhookDeliveryStatus::Pending => "badge badge-warn",
        WebhookDeliveryStatus::Failed => "badge badge-off",
    };
    html! { <span {class} data-status={status.code()}>{ status.label(lang) }</span> }
}

/// The delivery log of one subscription.
#[component]
fn DeliveriesPanel(props: &DeliveriesProps) -> Html {
    let lang = use_lang();
    let list = use_loaded::<Page<WebhookDelivery>>(svc::deliveries_path(props.subscription.id));
    let notice = use_state(|| None::<AttrValue>);
    let shown = use_state(|| None::<Uuid>);
    let row = |d: &WebhookDelivery| {
        let on_show = {
            let (shown, id) = (shown.clone(), d.id);
            Callback::from(move |_| shown.set(Some(id)))
        };
        let on_redeliver = {
            let (notice, id) = (notice.clone(), d.id);
            list.action("delivery.redeliver.confirm", move |api| {
                let notice = notice.clone();
                async move {
                    svc::redeliver(&api, id).await?;
                    notice.set(Some(tr(lang, "delivery.redelivered").into()));
                    Ok(())
                }
            })
        };
        let last = match (&d.last_status_code, &d.last_error) {
            (Some(code), _) => code.to_string(),
            (None, Some(e)) => e.clone(),
            (None, None) => "—".into(),
        };
        html! {
            <tr data-delivery-id={d.id.to_string()}>
                <td>{ d.event_type.label(lang) }</td>
                <td class="mono nowrap">{ &d.webhook_id }</td>
                <td>{ delivery_badge(lang, d.status) }</td>
                <td class="num">{ d.attempts }</td>
                <td class="mono nowrap">{ d.next_attempt_at.map(local_time).unwrap_or_else(|| "—".into()) }</td>
                <td class="mono">{ last }</td>
                <td class="mono nowrap">{ local_time(d.created_at) }</td>
                <td class="actions">
                    <button type="button" class="btn btn-small" data-show={d.id.to_string()} onclick={on_show}>
                        { tr(lang, "delivery.show") }
                    </button>
                    <button type="button" class="btn btn-small" data-redeliver={d.id.to_string()} onclick={on_redeliver}>
                        { tr(lang, "delivery.redeliver") }
                    </button>
                </td>
            </tr>
        }
    };
    let columns = [
        "delivery.event",
        "delivery.id",
        "delivery.status",
        "delivery.attempts",
        "delivery.next",
        "delivery.last",
        "delivery.created",
        "common.actions",
    ];
    let items = list.data.as_ref().map(|p| p.items.as_slice());
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    html! {
        <section class="panel" id="webhook-deliveries">
            <div class="page-head">
                <h2 class="panel-title">{ trf(lang, "webhook.deliveries.of", &[&props.subscription.url]) }</h2>
                <button type="button" id="webhook-deliveries-close" class="btn btn-small" onclick={on_close}>
                    { tr(lang, "webhook.close") }
                </button>
            </div>
            { list.banner() }
            <Notice text={(*notice).clone()} />
            { grid(lang, "webhook-deliveries-table", &columns, items, "webhook.deliveries.none", row) }
            if let Some(id) = *shown {
                <Attempts key={format!("{id}-{}", list.generation())} {id} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AttemptsProps {
    id: Uuid,
}

/// The attempts at one message.
#[component]
fn Attempts(props: &AttemptsProps) -> Html {
    let lang = use_lang();
    let detail = use_loaded::<WebhookDeliveryDetail>(svc::delivery_path(props.id));
    let row = |a: &WebhookAttempt| {
        let answer = a
            .error
            .clone()
            .or_else(|| a.response_excerpt.clone())
            .unwrap_or_default();
        html! {
            <tr>
                <td class="mono nowrap">{ local_time(a.attempted_at) }</td>
                <td class="num">{ a.status_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into()) }</td>
                <td class="num nowrap">{ trf(lang, "attempt.ms", &[&a.duration_ms.to_string()]) }</td>
                <td>
                    if a.success {
                        <span class="badge badge-ok">{ tr(lang, "attempt.ok") }</span>
                    } else {
                        <span class="badge badge-warn">{ tr(lang, "attempt.failed") }</span>
                    }
                </td>
                <td class="mono wrap-anywhere">{ answer }</td>
                <td class="mono nowrap">{ &a.server }</td>
            </tr>
        }
    };
    let columns = [
        "attempt.at",
        "attempt.status",
        "attempt.duration",
        "attempt.result",
        "attempt.response",
        "attempt.server",
    ];
    let items = detail.data.as_ref().map(|d| d.attempts.as_slice());
    html! {
        <div id="webhook-attempts" data-delivery-id={props.id.to_string()}>
            <h3>{ tr(lang, "attempt.title") }</h3>
            { detail.banner() }
            { grid(lang, "webhook-attempts-table", &columns, items, "attempt.none", row) }
        </div>
    }
}
