//! CMP-5: an SLA clock — a limit counted on the institution's business calendar from when the
//! clock starts, paused while the case waits on the patient and resumed when it moves, met
//! when the step is done. A breached clock stays breached: pausing or finishing afterwards
//! does not undo it. Warnings go out before a breach and the breach climbs the chain
//! (supervisor, director, president), each step once per clock.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "zones")]
use crate::calendar::Calendar;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

/// How long a clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Limit {
    WorkingDays(u32),
    WorkingHours(u32),
    CalendarHours(u32),
    CalendarDays(u32),
}

// What a clock counts needs the institution's calendar, so its time zone: server-side only
// (feature `zones`); the web app shows the deadlines the API computed.
#[cfg(feature = "zones")]
impl Limit {
    /// Counts in working time (pauses are measured in working time too).
    fn working(self) -> bool {
        matches!(self, Limit::WorkingDays(_) | Limit::WorkingHours(_))
    }

    /// The deadline of a clock started at `start` that never paused.
    pub fn deadline_from(self, calendar: &Calendar, start: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Limit::WorkingDays(n) => calendar.add_working_days(start, n),
            Limit::WorkingHours(n) => calendar.add_working_hours(start, n),
            Limit::CalendarHours(n) => calendar.add_calendar_hours(start, n),
            Limit::CalendarDays(n) => calendar.add_calendar_days(start, n),
        }
    }
}

coded_enum! {
    /// SLA 时钟状态 — CMP-5.
    pub enum ClockState {
        Running = "running", "计时中", "Running";
        Paused = "paused", "已暂停", "Paused";
        Met = "met", "按时完成", "Met";
        Breached = "breached", "已超时", "Breached";
    }
}

coded_enum! {
    /// 超时提醒级别 — CMP-5: who is told, in order.
    pub enum Escalation {
        Warning = "warning", "即将超时提醒（主管）", "Warning before the deadline (supervisor)";
        Breach = "breach", "超时通报（主管、总监）", "Breach (supervisor and director)";
        President = "president", "超时上报院长", "Breach reported to the president";
    }
}

/// When warnings and escalations fall due (settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationPolicy {
    /// Warn when this much (working time for working limits) is left, e.g. 4 working hours.
    pub warn_before: TimeDelta,
    /// Report to the president once the clock is this far past its deadline (working time
    /// for working limits).
    pub president_after: TimeDelta,
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        EscalationPolicy {
            warn_before: TimeDelta::hours(4),
            president_after: TimeDelta::hours(24),
        }
    }
}

/// A clock as stored: when it started, its limit, its pauses so far and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub limit: Limit,
    pub started_at: DateTime<Utc>,
    /// Set while paused.
    pub paused_since: Option<DateTime<Utc>>,
    /// The length of the pauses that ended, in the limit's kind of time.
    pub paused_total: TimeDelta,
    /// Set once the step is done.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Set the first time the clock is seen past its deadline; never cleared.
    pub breached_at: Option<DateTime<Utc>>,
}

/// What a clock shows at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockView {
    pub state: ClockState,
    pub deadline: DateTime<Utc>,
    /// Left until the deadline (negative once past), working time for working limits; for a
    /// paused clock, what was left when it paused.
    pub left: TimeDelta,
}

impl Clock {
    pub fn start(limit: Limit, at: DateTime<Utc>) -> Clock {
        Clock {
            limit,
            started_at: at,
            paused_since: None,
            paused_total: TimeDelta::zero(),
            stopped_at: None,
            breached_at: None,
        }
    }
}

#[cfg(feature = "zones")]
impl Clock {
    /// The time between two instants in the limit's kind of time.
    fn span(&self, calendar: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if self.limit.working() {
            calendar.working_time_between(from, to)
        } else {
            (to - from).max(TimeDelta::zero())
        }
    }

    fn extend(&self, calendar: &Calendar, t: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
        if self.limit.working() {
            calendar.add_working_time(t, by)
        } else {
            t + by
        }
    }

    /// The deadline given the pauses up to `now` (a running pause counts up to `now`).
    pub fn deadline(&self, calendar: &Calendar, now: DateTime<Utc>) -> DateTime<Utc> {
        let running = self
            .paused_since
            .map_or(TimeDelta::zero(), |p| self.span(calendar, p, now));
        self.deadline_after_pauses(calendar, running)
    }

    /// The deadline moved by the ended pauses and `more`.
    fn deadline_after_pauses(&self, calendar: &Calendar, more: TimeDelta) -> DateTime<Utc> {
        let base = self.limit.deadline_from(calendar, self.started_at);
        self.extend(calendar, base, self.paused_total + more)
    }

    /// Pauses the clock (waiting on the patient). Pausing a paused or stopped clock changes
    /// nothing.
    pub fn pause(&mut self, calendar: &Calendar, at: DateTime<Utc>) {
        self.note_breach(calendar, at);
        if self.paused_since.is_none() && self.stopped_at.is_none() {
            self.paused_since = Some(at);
        }
    }

    /// Resumes a paused clock; the pause moves the deadline.
    pub fn resume(&mut self, calendar: &Calendar, at: DateTime<Utc>) {
        if let Some(since) = self.paused_since.take() {
            self.paused_total += self.span(calendar, since, at.max(since));
        }
    }

    /// Stops the clock: the step is done.
    pub fn stop(&mut self, calendar: &Calendar, at: DateTime<Utc>) {
        self.resume(calendar, at);
        self.note_breach(calendar, at);
        if self.stopped_at.is_none() {
            self.stopped_at = Some(at);
        }
    }

    /// Records the breach if the running clock is past its deadline at `now`.
    pub fn note_breach(&mut self, calendar: &Calendar, now: DateTime<Utc>) {
        if self.breached_at.is_some() || self.stopped_at.is_some() || self.paused_since.is_some() {
            return;
        }
        let deadline = self.deadline(calendar, now);
        if now > deadline {
            self.breached_at = Some(deadline);
        }
    }

    /// What the clock shows at `now`.
    pub fn view(&self, calendar: &Calendar, now: DateTime<Utc>) -> ClockView {
        let deadline = self.deadline(calendar, now);
        let until = self.stopped_at.or(self.paused_since).unwrap_or(now);
        // A paused clock keeps what was left when it paused.
        let counted = self.deadline_after_pauses(calendar, TimeDelta::zero());
        let left = if self.limit.working() {
            calendar.working_time_left(until, counted)
        } else {
            counted - until
        };
        let past = self.breached_at.is_some() || (self.paused_since.is_none() && until > deadline);
        let state = match (past, self.stopped_at, self.paused_since) {
            (true, _, _) => ClockState::Breached,
            (false, Some(_), _) => ClockState::Met,
            (false, None, Some(_)) => ClockState::Paused,
            (false, None, None) => ClockState::Running,
        };
        ClockView {
            state,
            deadline,
            left,
        }
    }

    /// The escalations due at `now` that are not in `sent`, in order. A stopped or paused
    /// clock raises none; a breach recorded earlier still climbs to the president.
    pub fn escalations_due(
        &self,
        calendar: &Calendar,
        policy: EscalationPolicy,
        now: DateTime<Utc>,
        sent: &[Escalation],
    ) -> Vec<Escalation> {
        if self.stopped_at.is_some() || self.paused_since.is_some() {
            return Vec::new();
        }
        let view = self.view(calendar, now);
        let mut due = Vec::new();
        if view.left <= policy.warn_before {
            due.push(Escalation::Warning);
        }
        if view.state == ClockState::Breached {
            due.push(Escalation::Breach);
            if -view.left >= policy.president_after {
                due.push(Escalation::President);
            }
        }
        due.retain(|e| !sent.contains(e));
        due
    }
}

#[cfg(test)]
mod tests;
