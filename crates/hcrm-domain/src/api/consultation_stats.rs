//! 每日统计 (SVC-1): the consultations received in a day or a period, counted by agent (the
//! owner, 首问负责人), channel, department and day, with their outcomes. The database reads
//! one small row per consultation (hcrm-db `consultations::stat_rows`); the roll-up here is
//! pure and tested.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::complaint_stats::Period;
use crate::api::consultations::{ConsultationChannel, ConsultationOutcome, ConsultationState};
use crate::i18n::{Label, Lang};

/// What a row counts: the consultations received, still open and closed, and each outcome
/// (a consultation without an outcome yet counts in none of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationCounts {
    pub received: i64,
    pub open: i64,
    pub closed: i64,
    pub answered: i64,
    pub appointment_booked: i64,
    pub callback_needed: i64,
    pub complaint_raised: i64,
    /// Referred to a specialist.
    pub referred: i64,
}

impl ConsultationCounts {
    fn add(&mut self, r: &StatRow) {
        self.received += 1;
        match r.state {
            ConsultationState::Open => self.open += 1,
            ConsultationState::Closed => self.closed += 1,
        }
        match r.outcome {
            Some(ConsultationOutcome::Answered) => self.answered += 1,
            Some(ConsultationOutcome::AppointmentBooked) => self.appointment_booked += 1,
            Some(ConsultationOutcome::CallbackNeeded) => self.callback_needed += 1,
            Some(ConsultationOutcome::ComplaintRaised) => self.complaint_raised += 1,
            None => {}
        }
        if r.referred {
            self.referred += 1;
        }
    }

    /// The counts in the order of [`COUNT_COLUMNS`].
    pub fn cells(&self) -> [i64; 8] {
        [
            self.received,
            self.open,
            self.closed,
            self.answered,
            self.appointment_booked,
            self.callback_needed,
            self.complaint_raised,
            self.referred,
        ]
    }
}

/// One consultation as the statistics read it; `day` is its date in its institution's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub day: NaiveDate,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub channel: ConsultationChannel,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub outcome: Option<ConsultationOutcome>,
    pub state: ConsultationState,
    pub referred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentCounts {
    pub user_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "李客服"))]
    pub name: String,
    pub counts: ConsultationCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelCounts {
    pub channel: ConsultationChannel,
    pub counts: ConsultationCounts,
}

/// A department's row; `department_id` `null` for consultations without one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentCounts {
    pub department_id: Option<Uuid>,
    pub name: Option<String>,
    pub counts: ConsultationCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCounts {
    pub day: NaiveDate,
    pub counts: ConsultationCounts,
}

/// 咨询每日统计 — the consultations received in `period` in the caller's institutions (or the
/// one asked for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationStatistics {
    pub period: Period,
    /// The institution asked for; `null`: every institution of the caller.
    pub institution_id: Option<Uuid>,
    pub total: ConsultationCounts,
    /// Every day of the period, also those without a consultation.
    pub by_day: Vec<DayCounts>,
    /// By owner (首问负责人), the busiest first.
    pub by_agent: Vec<AgentCounts>,
    /// Every channel, in the channel's order.
    pub by_channel: Vec<ChannelCounts>,
    /// By department, the busiest first; the consultations without one last.
    pub by_department: Vec<DepartmentCounts>,
}

/// Rolls the rows up. The period is at most a few years, so every day is listed.
pub fn roll_up(
    period: Period,
    institution_id: Option<Uuid>,
    rows: &[StatRow],
) -> ConsultationStatistics {
    let mut total = ConsultationCounts::default();
    let mut days: BTreeMap<NaiveDate, ConsultationCounts> = BTreeMap::new();
    let mut day = period.from;
    while day <= period.to {
        days.insert(day, ConsultationCounts::default());
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    let mut agents: BTreeMap<Uuid, (String, ConsultationCounts)> = BTreeMap::new();
    let mut channels: BTreeMap<ConsultationChannel, ConsultationCounts> = ConsultationChannel::ALL
        .iter()
        .map(|c| (*c, ConsultationCounts::default()))
        .collect();
    let mut departments: BTreeMap<Option<Uuid>, (Option<String>, ConsultationCounts)> =
        BTreeMap::new();
    for r in rows {
        total.add(r);
        days.entry(r.day).or_default().add(r);
        agents
            .entry(r.owner_id)
            .or_insert_with(|| (r.owner_name.clone(), ConsultationCounts::default()))
            .1
            .add(r);
        channels.entry(r.channel).or_default().add(r);
        departments
            .entry(r.department_id)
            .or_insert_with(|| (r.department_name.clone(), ConsultationCounts::default()))
            .1
            .add(r);
    }
    let mut by_agent: Vec<AgentCounts> = agents
        .into_iter()
        .map(|(user_id, (name, counts))| AgentCounts {
            user_id,
            name,
            counts,
        })
        .collect();
    by_agent.sort_by(|a, b| {
        b.counts
            .received
            .cmp(&a.counts.received)
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut by_department: Vec<DepartmentCounts> = departments
        .into_iter()
        .map(|(department_id, (name, counts))| DepartmentCounts {
            department_id,
            name,
            counts,
        })
        .collect();
    by_department.sort_by(|a, b| {
        a.department_id
            .is_none()
            .cmp(&b.department_id.is_none())
            .then_with(|| b.counts.received.cmp(&a.counts.received))
            .then_with(|| a.name.cmp(&b.name))
    });
    ConsultationStatistics {
        period,
        institution_id,
        total,
        by_day: days
            .into_iter()
            .map(|(day, counts)| DayCounts { day, counts })
            .collect(),
        by_agent,
        by_channel: ConsultationChannel::ALL
            .iter()
            .map(|c| ChannelCounts {
                channel: *c,
                counts: channels[c],
            })
            .collect(),
        by_department,
    }
}

/// The count columns' headers.
pub const COUNT_COLUMNS: [(&str, &str); 8] = [
    ("咨询量", "Received"),
    ("处理中", "Open"),
    ("已结束", "Closed"),
    ("已解答", "Answered"),
    ("已预约", "Appointment booked"),
    ("需回电", "Call back needed"),
    ("转投诉", "Complaint raised"),
    ("转介专家", "Referred"),
];

/// The sheet's header: the dimension, the row's name, then the counts.
pub fn sheet_header(lang: Lang) -> Vec<&'static str> {
    let mut out = vec![lang.pick("统计维度", "By"), lang.pick("名称", "Name")];
    out.extend(COUNT_COLUMNS.iter().map(|(zh, en)| lang.pick(zh, en)));
    out
}

/// The sheet's rows: the total, then by day, agent, channel and department.
pub fn sheet_rows(s: &ConsultationStatistics, lang: Lang) -> Vec<Vec<String>> {
    let row = |by: &str, name: String, c: &ConsultationCounts| {
        let mut r = vec![by.to_string(), name];
        r.extend(c.cells().iter().map(i64::to_string));
        r
    };
    let mut out = vec![row(lang.pick("合计", "Total"), String::new(), &s.total)];
    for d in &s.by_day {
        out.push(row(lang.pick("日期", "Day"), d.day.to_string(), &d.counts));
    }
    for a in &s.by_agent {
        out.push(row(lang.pick("客服", "Agent"), a.name.clone(), &a.counts));
    }
    for c in &s.by_channel {
        out.push(row(
            lang.pick("渠道", "Channel"),
            c.channel.label(lang).to_string(),
            &c.counts,
        ));
    }
    for d in &s.by_department {
        let name = d
            .name
            .clone()
            .unwrap_or_else(|| lang.pick("未指定科室", "No department").to_string());
        out.push(row(lang.pick("科室", "Department"), name, &d.counts));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn rows_roll_up_by_day_agent_channel_and_department() {
        let (a, b, dept) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let r = |d, owner: Uuid, channel, department: Option<Uuid>, outcome, state| StatRow {
            day: day(d),
            owner_id: owner,
            owner_name: if owner == a {
                "甲".into()
            } else {
                "乙".into()
            },
            channel,
            department_id: department,
            department_name: department.map(|_| "心内科".into()),
            outcome,
            state,
            referred: outcome.is_none(),
        };
        use ConsultationChannel::*;
        use ConsultationOutcome::*;
        use ConsultationState::*;
        let rows = [
            r(1, a, Hotline, Some(dept), Some(Answered), Closed),
            r(1, a, Wechat, None, Some(CallbackNeeded), Open),
            r(2, b, Hotline, Some(dept), Some(AppointmentBooked), Closed),
            r(3, a, Email, None, None, Open),
            r(3, b, WalkIn, Some(dept), Some(ComplaintRaised), Closed),
        ];
        let period = Period {
            from: day(1),
            to: day(4),
        };
        let s = roll_up(period, None, &rows);
        assert_eq!(s.total.received, 5);
        assert_eq!((s.total.open, s.total.closed), (2, 3));
        assert_eq!(
            (
                s.total.answered,
                s.total.appointment_booked,
                s.total.callback_needed,
                s.total.complaint_raised,
                s.total.referred
            ),
            (1, 1, 1, 1, 1)
        );
        assert_eq!(s.by_day.len(), 4, "every day, the empty 4th too");
        assert_eq!(s.by_day[0].counts.received, 2);
        assert_eq!(s.by_day[3].counts.received, 0);
        assert_eq!(s.by_agent[0].name, "甲");
        assert_eq!(s.by_agent[0].counts.received, 3);
        assert_eq!(s.by_channel.len(), ConsultationChannel::ALL.len());
        assert_eq!(s.by_channel[0].counts.received, 2, "hotline first");
        assert_eq!(s.by_department[0].department_id, Some(dept));
        assert_eq!(s.by_department[0].counts.received, 3);
        assert_eq!(s.by_department[1].department_id, None);
        let sheet = sheet_rows(&s, Lang::En);
        assert_eq!(sheet[0][..3], ["Total", "", "5"]);
        assert_eq!(sheet_header(Lang::Zh).len(), sheet[0].len());
        assert!(sheet.iter().any(|r| r[1] == "WeChat"));
    }
}
