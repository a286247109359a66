//! 客户时间线 (CUS-11): the customer's history, newest first, paged by instant. The API sends
//! codes and the users' own words; every entry is worded here in the reader's language.

use hcrm_domain::api::Problem;
use hcrm_domain::api::in_visit::shown_title;
use hcrm_domain::api::timeline::{
    SystemStageReason, TimelineEntry, TimelineEntryKind as Kind, TimelinePage,
};
use hcrm_domain::customer::TaskKind;
use hcrm_domain::{Label, Lang};
use yew::prelude::*;

use crate::hooks::{use_lang, use_session};
use crate::i18n::{tr, trf};
use crate::pages::customers::local_time;
use crate::pages::customers::view::{SectionProps, unavailable};
use crate::services::customers;

/// The two lines of an entry: what (bold) and its details (muted), in `lang`.
pub fn entry_text(lang: Lang, e: &TimelineEntry) -> (String, Option<String>) {
    let subject = e.subject.clone().unwrap_or_default();
    match e.kind {
        Kind::CustomerCreated | Kind::CustomerMerged => (subject, None),
        Kind::StageChanged => (
            trf(
                lang,
                "timeline.stage.move",
                &[
                    e.from_stage.map_or("—", |s| s.label(lang)),
                    e.to_stage.map_or("—", |s| s.label(lang)),
                ],
            ),
            e.note
                .as_deref()
                .map(|r| SystemStageReason::display(r, lang).to_string()),
        ),
        Kind::Contact => {
            let how = [
                e.channel.map(|c| c.label(lang)),
                e.direction.map(|d| d.label(lang)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            let detail = match &e.note {
                Some(note) => trf(lang, "timeline.contact.detail", &[&how, note]),
                None => how,
            };
            (subject, Some(detail))
        }
        Kind::TaskCreated => {
            let subject = task_subject(lang, e, subject);
            let mut parts: Vec<String> = e
                .task_kind
                .map(|k| k.label(lang).into())
                .into_iter()
                .collect();
            if let Some(d) = e.due_on {
                parts.push(trf(lang, "timeline.task.due", &[&d.to_string()]));
            }
            (subject, (!parts.is_empty()).then(|| parts.join(" · ")))
        }
        Kind::TaskCompleted | Kind::TaskCancelled => {
            (task_subject(lang, e, subject), e.note.clone())
        }
        // The case number, and what the patient said or how it ended, in their words.
        Kind::ComplaintReceived | Kind::ComplaintClosed => (subject, e.note.clone()),
        // The kind of visit (or its end) and the amount; the diagnosis category as recorded.
        Kind::Visit | Kind::VisitEnded => {
            let what = e.visit_kind.map_or("", |k| k.label(lang));
            let head = if e.kind == Kind::VisitEnded {
                trf(lang, "timeline.visit.ended", &[what])
            } else {
                what.to_string()
            };
            let mut parts: Vec<String> = vec![head];
            if !subject.is_empty() {
                parts.push(subject);
            }
            let amount = e.amount_fen.map(crate::pages::complaints::money::yuan);
            (parts.join(" · "), amount)
        }
        // The doctor or resource, the session's day, and a cancellation's reason.
        Kind::AppointmentBooked
        | Kind::AppointmentArrived
        | Kind::AppointmentNoShow
        | Kind::AppointmentCancelled => {
            let day = e.due_on.map(|d| d.to_string());
            let detail = [day, e.note.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            (subject, (!detail.is_empty()).then_some(detail))
        }
        // SVC-1: the topic (or the kind of entry), then the channel or the outcome and the
        // question or answer in the users' words.
        Kind::ConsultationReceived | Kind::ConsultationClosed => {
            let what = e
                .consultation_channel
                .map(|c| c.label(lang))
                .or(e.consultation_outcome.map(|o| o.label(lang)));
            let title = if subject.is_empty() {
                e.kind.label(lang).to_string()
            } else {
                subject
            };
            let detail = match (what, &e.note) {
                (Some(w), Some(n)) => Some(format!("{w} · {n}")),
                (Some(w), None) => Some(w.to_string()),
                (None, n) => n.clone(),
            };
            (title, detail)
        }
    }
}

/// A task's title in `lang`: an in-visit service's title the system made is put in the
/// reader's language (hcrm-domain's rule); others are shown as typed.
fn task_subject(lang: Lang, e: &TimelineEntry, subject: String) -> String {
    if e.task_kind == Some(TaskKind::InVisit) {
        shown_title(&subject, None, lang)
    } else {
        subject
    }
}

#[component]
pub fn TimelineSection(props: &SectionProps) -> Html {
    let session = use_session();
    let lang = use_lang();
    let items = use_state(Vec::<TimelineEntry>::new);
    let next = use_state(|| None::<String>);
    let loaded = use_state(|| false);
    let problem = use_state(|| None::<Problem>);
    let load = {
        let (api, items, next, loaded, problem) = (
            session.api.clone(),
            items.clone(),
            next.clone(),
            loaded.clone(),
            problem.clone(),
        );
        let id = props.customer_id;
        Callback::from(move |before: Option<String>| {
            let (api, items, next, loaded, problem) = (
                api.clone(),
                items.clone(),
                next.clone(),
                loaded.clone(),
                problem.clone(),
            );
            yew::platform::spawn_local(async move {
                match customers::timeline(&api, id, 20, before.as_deref()).await {
                    Ok(TimelinePage {
                        items: page,
                        next_before,
                    }) => {
                        let mut all = if before.is_some() {
                            (*items).clone()
                        } else {
                            Vec::new()
                        };
                        all.extend(page);
                        items.set(all);
                        next.set(
                            next_before
                                .map(|b| b.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
                        );
                    }
                    Err(p) => problem.set(Some(p)),
                }
                loaded.set(true);
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(props.customer_id, move |_| load.emit(None));
    }
    let more = {
        let (load, next) = (load.clone(), next.clone());
        Callback::from(move |_| load.emit((*next).clone()))
    };
    html! {
        <div class="panel" id="timeline">
            <h3>{ tr(lang, "customer.timeline") }</h3>
            if let Some(p) = &*problem {
                { unavailable(lang, p) }
            } else if !*loaded {
                <p class="muted">{ tr(lang, "loading") }</p>
            } else if items.is_empty() {
                <p class="muted">{ tr(lang, "common.empty") }</p>
            } else {
                <ol class="timeline">
                    { for items.iter().map(|e| {
                        let (head, detail) = entry_text(lang, e);
                        html! {
                            <li data-kind={e.kind.code()}>
                                <time>{ local_time(e.at) }</time>
                                <span class="tag">{ e.kind.label(lang) }</span>
                                <strong>{ head }</strong>
                                if let Some(s) = detail { <div class="muted">{ s }</div> }
                            </li>
                        }
                    }) }
                </ol>
                if next.is_some() {
                    <button id="timeline-more" class="btn btn-small" onclick={more}>{ tr(lang, "customer.timeline.more") }</button>
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};
    use hcrm_domain::customer::{ContactChannel, Direction, LifecycleStage, TaskKind, TaskStatus};
    use uuid::Uuid;

    fn entry(kind: Kind) -> TimelineEntry {
        TimelineEntry {
            subject: Some("S".into()),
            note: Some("N".into()),
            channel: Some(ContactChannel::Visit),
            direction: Some(Direction::Outbound),
            from_stage: Some(LifecycleStage::Potential),
            to_stage: Some(LifecycleStage::Current),
            task_kind: Some(TaskKind::FollowUp),
            task_status: Some(TaskStatus::Done),
            due_on: NaiveDate::from_ymd_opt(2026, 3, 1),
            visit_kind: Some(hcrm_domain::api::visits::VisitKind::Inpatient),
            amount_fen: Some(1_280_000),
            ..TimelineEntry::new(Utc::now(), kind, "x", Uuid::nil(), None)
        }
    }

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{3000}'..='\u{9fff}').contains(&c))
    }

    /// Every kind is worded in both languages: no raw code, no Chinese in English.
    #[test]
    fn every_kind_is_worded_in_both_languages() {
        for kind in Kind::ALL {
            for lang in [Lang::Zh, Lang::En] {
                let (head, detail) = entry_text(lang, &entry(kind));
                let text = format!("{} {head} {}", kind.label(lang), detail.unwrap_or_default());
                for code in ["_", "outbound", "potential", "current", "follow"] {
                    assert!(!text.contains(code), "{kind} {lang:?}: {text}");
                }
                assert_eq!(has_cjk(&text), lang == Lang::Zh, "{kind} {lang:?}: {text}");
            }
        }
    }

    /// Issue 9 item 14: the reasons the system writes read as words, the users' as written.
    #[test]
    fn system_stage_reasons_are_worded() {
        let mut e = entry(Kind::StageChanged);
        for (note, lang, shown) in [
            ("created", Lang::En, "Customer created"),
            ("created", Lang::Zh, "建档"),
            ("import", Lang::En, "Imported from a file"),
            ("首次就诊", Lang::En, "首次就诊"),
        ] {
            e.note = Some(note.into());
            assert_eq!(entry_text(lang, &e).1.as_deref(), Some(shown));
        }
    }

    #[test]
    fn entries_read_as_before() {
        let (head, detail) = entry_text(Lang::Zh, &entry(Kind::Contact));
        assert_eq!(
            (head.as_str(), detail.as_deref()),
            ("S", Some("上门拜访 · 呼出/回访：N"))
        );
        let (head, detail) = entry_text(Lang::En, &entry(Kind::StageChanged));
        assert_eq!(
            (head.as_str(), detail.as_deref()),
            ("Potential → Current", Some("N"))
        );
        let (_, detail) = entry_text(Lang::En, &entry(Kind::TaskCreated));
        assert_eq!(detail.as_deref(), Some("Follow-up · Due 2026-03-01"));
    }
}
