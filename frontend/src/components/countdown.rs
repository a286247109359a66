//! An SLA clock's time left (CMP-5): green with plenty left, amber within a day, red within
//! the warning time of the escalation policy (4 hours), and "breached" once past — always in
//! words too (time left or overdue, the deadline), never by colour alone.

use chrono::{DateTime, TimeDelta, Utc};
use hcrm_domain::complaint::{ClockState, EscalationPolicy};
use hcrm_domain::{Label, Lang};
use yew::prelude::*;

use crate::hooks::use_lang;
use crate::i18n::trf;
use crate::pages::customers::zoned_time;

/// How urgent a clock is; its `code` is the CSS class suffix and `data-urgency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Breached,
    Red,
    Amber,
    Green,
    Paused,
    Met,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Breached => "breached",
            Urgency::Red => "red",
            Urgency::Amber => "amber",
            Urgency::Green => "green",
            Urgency::Paused => "paused",
            Urgency::Met => "met",
        }
    }

    /// A running clock by its time left; the red band is the policy's warning time.
    pub fn of(state: ClockState, left: TimeDelta) -> Urgency {
        match state {
            ClockState::Breached => Urgency::Breached,
            ClockState::Met => Urgency::Met,
            ClockState::Paused => Urgency::Paused,
            ClockState::Running if left <= TimeDelta::zero() => Urgency::Breached,
            ClockState::Running if left <= EscalationPolicy::default().warn_before => Urgency::Red,
            ClockState::Running if left <= TimeDelta::hours(24) => Urgency::Amber,
            ClockState::Running => Urgency::Green,
        }
    }
}

/// A span in words: "2天3小时" / "2 d 3 h", "3小时20分" / "3 h 20 min", "45分钟" / "45 min".
/// Working time counts hours only (a working day is not 24 hours).
pub fn span_text(lang: Lang, span: TimeDelta, working: bool) -> String {
    let minutes = span.num_minutes().abs();
    let (days, hours, mins) = if working {
        (0, minutes / 60, minutes % 60)
    } else {
        (minutes / (24 * 60), minutes / 60 % 24, minutes % 60)
    };
    let mut parts = Vec::new();
    let (d, h, m, m_alone) = match lang {
        Lang::Zh => ("天", "小时", "分", "分钟"),
        Lang::En => (" d", " h", " min", " min"),
    };
    if days > 0 {
        parts.push(format!("{days}{d}"));
    }
    if hours > 0 {
        parts.push(format!("{hours}{h}"));
    }
    // Minutes matter only within the last day.
    if days == 0 && (mins > 0 || parts.is_empty()) {
        parts.push(format!(
            "{mins}{}",
            if parts.is_empty() { m_alone } else { m }
        ));
    }
    parts.join(lang.pick("", " "))
}

/// The words of a clock: "剩余 2天3小时" / "2 d 3 h left", "已超时 5小时" / "Overdue by 5 h",
/// "已暂停 · 剩余 …" / "Paused · … left", "按时完成" / "Met".
pub fn clock_text(lang: Lang, state: ClockState, left: TimeDelta, working: bool) -> String {
    let span = span_text(lang, left, working);
    match Urgency::of(state, left) {
        Urgency::Met => state.label(lang).to_string(),
        Urgency::Breached if left < TimeDelta::zero() => trf(lang, "clock.overdue", &[&span]),
        Urgency::Breached => ClockState::Breached.label(lang).to_string(),
        Urgency::Paused => trf(lang, "clock.paused_left", &[&span]),
        _ if working => trf(lang, "clock.left.working", &[&span]),
        _ => trf(lang, "clock.left", &[&span]),
    }
}

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    pub state: ClockState,
    /// Left until the deadline (negative once past), working time for a working limit.
    pub left: TimeDelta,
    /// Whether `left` is working time.
    #[prop_or_default]
    pub working: bool,
    #[prop_or_default]
    pub deadline: Option<DateTime<Utc>>,
    /// What the clock is ("集团时限", "国家时限"), shown before it.
    #[prop_or_default]
    pub label: Option<AttrValue>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Without the deadline line (dense lists; the deadline is in the tooltip).
    #[prop_or_default]
    pub compact: bool,
    /// The time zone the deadline is shown in (the institution's, X-11); the browser's when
    /// empty.
    #[prop_or_default]
    pub zone: AttrValue,
}

/// `.countdown.countdown-<urgency>` with `data-urgency`.
#[component]
pub fn Countdown(props: &CountdownProps) -> Html {
    let lang = use_lang();
    let urgency = Urgency::of(props.state, props.left);
    let text = clock_text(lang, props.state, props.left, props.working);
    let due = props
        .deadline
        .map(|d| trf(lang, "clock.deadline", &[&zoned_time(d, &props.zone)]));
    html! {
        <span id={props.id.clone()} class={classes!("countdown", format!("countdown-{}", urgency.code()))}
              data-urgency={urgency.code()} title={due.clone()}>
            if let Some(label) = &props.label {
                <span class="countdown-label">{ label.clone() }</span>
            }
            <span class="countdown-icon" aria-hidden="true">{ icon(urgency) }</span>
            <span class="countdown-text">{ text }</span>
            if let (false, true, Some(due)) = (props.compact, urgency != Urgency::Met, &due) {
                <span class="countdown-due">{ due.clone() }</span>
            }
        </span>
    }
}

/// A shape per urgency, for readers who do not tell the colours apart.
fn icon(u: Urgency) -> &'static str {
    match u {
        Urgency::Breached => "✕",
        Urgency::Red => "!",
        Urgency::Amber => "◔",
        Urgency::Green => "●",
        Urgency::Paused => "⏸",
        Urgency::Met => "✓",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgency_bands() {
        let r = ClockState::Running;
        assert_eq!(Urgency::of(r, TimeDelta::hours(25)), Urgency::Green);
        assert_eq!(Urgency::of(r, TimeDelta::hours(24)), Urgency::Amber);
        assert_eq!(Urgency::of(r, TimeDelta::minutes(241)), Urgency::Amber);
        assert_eq!(Urgency::of(r, TimeDelta::hours(4)), Urgency::Red);
        assert_eq!(Urgency::of(r, TimeDelta::zero()), Urgency::Breached);
        assert_eq!(
            Urgency::of(ClockState::Breached, TimeDelta::hours(3)),
            Urgency::Breached
        );
        assert_eq!(
            Urgency::of(ClockState::Paused, TimeDelta::hours(-3)),
            Urgency::Paused
        );
        assert_eq!(
            Urgency::of(ClockState::Met, TimeDelta::hours(-3)),
            Urgency::Met
        );
    }

    #[test]
    fn words_in_both_languages() {
        let r = ClockState::Running;
        let left = TimeDelta::hours(51) + TimeDelta::minutes(20);
        assert_eq!(clock_text(Lang::Zh, r, left, false), "剩余 2天3小时");
        assert_eq!(clock_text(Lang::En, r, left, false), "2 d 3 h left");
        assert_eq!(
            clock_text(Lang::Zh, r, left, true),
            "剩余 51小时20分（工作时间）"
        );
        assert_eq!(
            clock_text(Lang::En, r, left, true),
            "51 h 20 min of working time left"
        );
        assert_eq!(
            clock_text(Lang::Zh, r, TimeDelta::minutes(45), false),
            "剩余 45分钟"
        );
        assert_eq!(
            clock_text(Lang::En, r, TimeDelta::minutes(45), false),
            "45 min left"
        );
        let late = -TimeDelta::hours(5);
        assert_eq!(
            clock_text(Lang::Zh, ClockState::Breached, late, false),
            "已超时 5小时"
        );
        assert_eq!(
            clock_text(Lang::En, ClockState::Breached, late, false),
            "Overdue by 5 h"
        );
        assert_eq!(clock_text(Lang::En, r, late, false), "Overdue by 5 h");
        assert_eq!(
            clock_text(Lang::En, ClockState::Paused, TimeDelta::hours(3), false),
            "Paused · 3 h left"
        );
        assert_eq!(
            clock_text(Lang::Zh, ClockState::Met, late, false),
            "按时完成"
        );
    }
}
