//! 服务漏斗 (SVC-5): consultation → appointment → arrival → spending, by channel, department,
//! agent or period, with first and return visits and the revisit rate.
//!
//! Attribution (README, "Choices written down"): the cohort is the consultations received in
//! the period. An appointment booked, or a visit made, by the same customer in the same
//! institution within `window_days` after a consultation belongs to that consultation — to
//! the latest one before it when several qualify (last touch), so nothing is counted twice.
//! A consultation counts once per step: it led to an appointment, that appointment (any of
//! them) was arrived at, it led to a visit with spending. Visits count by their sequence
//! (初诊/复诊); the revisit rate is return visits over all attributed visits. The storage
//! loads the rows; this module counts them, the same on both backends.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 漏斗分组 — what the funnel's rows are.
    pub enum FunnelGroup {
        Channel = "channel", "渠道", "Channel";
        Department = "department", "科室", "Department";
        Agent = "agent", "坐席", "Agent";
        Day = "day", "按日", "Day";
        Week = "week", "按周", "Week";
        Month = "month", "按月", "Month";
    }
}

/// Default attribution window, in days.
pub const DEFAULT_WINDOW_DAYS: i64 = 30;
/// Longest window and period a funnel reads.
pub const MAX_WINDOW_DAYS: i64 = 180;
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A consultation of the cohort, as the funnel reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelConsultation {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub customer_id: Uuid,
    pub received_at: DateTime<Utc>,
    /// Its date in the institution's time zone (the period's rows).
    pub received_on: NaiveDate,
    /// The channel's code.
    pub channel: String,
    pub department_id: Option<Uuid>,
    pub agent_id: Uuid,
}

/// An appointment of a cohort's customer.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelAppointment {
    pub institution_id: Uuid,
    pub customer_id: Uuid,
    pub booked_at: DateTime<Utc>,
    pub arrived: bool,
}

/// A visit of a cohort's customer.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelVisit {
    pub institution_id: Uuid,
    pub customer_id: Uuid,
    pub visited_at: DateTime<Utc>,
    pub amount_fen: i64,
    pub return_visit: bool,
}

/// One row of the funnel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelRow {
    /// The group's key: a channel's code, a department's or agent's id, or the period's first
    /// day (`2026-12-01`); `null` for consultations without a department.
    pub key: Option<String>,
    /// A department's or agent's name.
    pub name: Option<String>,
    pub consultations: i64,
    /// Consultations followed by an appointment.
    pub appointments: i64,
    /// … whose patient arrived (到诊).
    pub arrivals: i64,
    /// Consultations followed by a visit with spending.
    pub spenders: i64,
    pub visits: i64,
    pub first_visits: i64,
    pub return_visits: i64,
    /// The attributed visits' amounts, in fen.
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 9007199254740991i64)
    )]
    pub amount_fen: i64,
    /// appointments / consultations.
    pub appointment_rate: f64,
    /// arrivals / appointments.
    pub arrival_rate: f64,
    /// spenders / consultations.
    pub spending_rate: f64,
    /// return visits / visits (复诊率).
    pub revisit_rate: f64,
}

/// The funnel of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Funnel {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: FunnelGroup,
    pub window_days: i64,
    pub rows: Vec<FunnelRow>,
    pub total: FunnelRow,
}

fn rate(n: i64, of: i64) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

impl FunnelRow {
    fn finish(mut self) -> FunnelRow {
        self.appointment_rate = rate(self.appointments, self.consultations);
        self.arrival_rate = rate(self.arrivals, self.appointments);
        self.spending_rate = rate(self.spenders, self.consultations);
        self.revisit_rate = rate(self.return_visits, self.visits);
        self
    }

    fn add(&mut self, o: &FunnelRow) {
        self.consultations += o.consultations;
        self.appointments += o.appointments;
        self.arrivals += o.arrivals;
        self.spenders += o.spenders;
        self.visits += o.visits;
        self.first_visits += o.first_visits;
        self.return_visits += o.return_visits;
        self.amount_fen += o.amount_fen;
    }
}

/// The first day of the period `day` falls in.
pub fn period_start(group: FunnelGroup, day: NaiveDate) -> NaiveDate {
    match group {
        FunnelGroup::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        FunnelGroup::Month => day.with_day(1).unwrap_or(day),
        _ => day,
    }
}

/// Which consultation (index into `cohort`) an event of `customer` in `institution` at `at`
/// belongs to: the latest received at or before `at` and within the window.
fn attribute(
    by_customer: &BTreeMap<(Uuid, Uuid), Vec<usize>>,
    cohort: &[FunnelConsultation],
    key: (Uuid, Uuid),
    at: DateTime<Utc>,
    window: Duration,
) -> Option<usize> {
    by_customer.get(&key)?.iter().rev().copied().find(|&i| {
        let c = &cohort[i];
        c.received_at <= at && at <= c.received_at + window
    })
}

/// Counts the funnel: `cohort` the period's consultations, `appointments` and `visits` of
/// their customers from the period's start to its end plus the window. `names` names
/// departments and agents by id.
pub fn count(
    (from, to): (NaiveDate, NaiveDate),
    group: FunnelGroup,
    window_days: i64,
    mut cohort: Vec<FunnelConsultation>,
    appointments: &[FunnelAppointment],
    visits: &[FunnelVisit],
    names: &BTreeMap<Uuid, String>,
) -> Funnel {
    cohort.sort_by_key(|c| (c.received_at, c.id));
    let window = Duration::days(window_days);
    let mut by_customer: BTreeMap<(Uuid, Uuid), Vec<usize>> = BTreeMap::new();
    for (i, c) in cohort.iter().enumerate() {
        by_customer
            .entry((c.institution_id, c.customer_id))
            .or_default()
            .push(i);
    }
    let mut per: Vec<FunnelRow> = vec![FunnelRow::default(); cohort.len()];
    for row in &mut per {
        row.consultations = 1;
    }
    for a in appointments {
        let key = (a.institution_id, a.customer_id);
        if let Some(i) = attribute(&by_customer, &cohort, key, a.booked_at, window) {
            per[i].appointments = 1;
            if a.arrived {
                per[i].arrivals = 1;
            }
        }
    }
    for v in visits {
        let key = (v.institution_id, v.customer_id);
        if let Some(i) = attribute(&by_customer, &cohort, key, v.visited_at, window) {
            let row = &mut per[i];
            row.visits += 1;
            row.amount_fen += v.amount_fen;
            if v.return_visit {
                row.return_visits += 1;
            } else {
                row.first_visits += 1;
            }
            if v.amount_fen > 0 {
                row.spenders = 1;
            }
        }
    }
    let mut groups: BTreeMap<Option<String>, FunnelRow> = BTreeMap::new();
    let mut total = FunnelRow::default();
    for (c, row) in cohort.iter().zip(&per) {
        let key = match group {
            FunnelGroup::Channel => Some(c.channel.clone()),
            FunnelGroup::Department => c.department_id.map(|d| d.to_string()),
            FunnelGroup::Agent => Some(c.agent_id.to_string()),
            FunnelGroup::Day | FunnelGroup::Week | FunnelGroup::Month => {
                Some(period_start(group, c.received_on).to_string())
            }
        };
        groups.entry(key).or_default().add(row);
        total.add(row);
    }
    let rows = groups
        .into_iter()
        .map(|(key, mut row)| {
            row.name = key
                .as_deref()
                .and_then(|k| k.parse::<Uuid>().ok())
                .and_then(|id| names.get(&id).cloned());
            row.key = key;
            row.finish()
        })
        .collect();
    Funnel {
        from,
        to,
        group_by: group,
        window_days,
        rows,
        total: total.finish(),
    }
}

impl FunnelRow {
    /// What the row is, in `lang`, for the page and the CSV alike: a department's or agent's
    /// name, a channel's label, a day, the week from its Monday or the month; "none" for
    /// consultations without a department.
    pub fn label(&self, group: FunnelGroup, lang: Lang) -> String {
        let Some(key) = &self.key else {
            return lang.pick("未指定", "None").to_string();
        };
        if let Some(name) = &self.name {
            return name.clone();
        }
        let day = key.parse::<NaiveDate>().ok();
        match (group, day) {
            (FunnelGroup::Channel, _) => {
                crate::api::consultations::ConsultationChannel::from_code(key)
                    .map_or_else(|| key.clone(), |c| c.label(lang).to_string())
            }
            (FunnelGroup::Week, Some(d)) => match lang {
                Lang::Zh => format!("{d} 起一周"),
                Lang::En => format!("Week of {d}"),
            },
            (FunnelGroup::Month, Some(d)) => d.format("%Y-%m").to_string(),
            _ => key.clone(),
        }
    }
}

/// A rate as a percentage with one decimal ("66.7%").
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// The total row's label in `lang`.
pub fn total_label(lang: Lang) -> &'static str {
    lang.pick("合计", "Total")
}

/// The CSV columns' headers in `lang`.
pub fn csv_header(lang: Lang, group: FunnelGroup) -> Vec<&'static str> {
    let mut h = vec![group.label(lang)];
    h.extend(
        [
            ("咨询", "Consultations"),
            ("预约", "Appointments"),
            ("到诊", "Arrivals"),
            ("消费", "With spending"),
            ("就诊次数", "Visits"),
            ("初诊", "First visits"),
            ("复诊", "Return visits"),
            ("消费金额（元）", "Amount (yuan)"),
            ("预约率", "Appointment rate"),
            ("到诊率", "Arrival rate"),
            ("消费转化率", "Spending rate"),
            ("复诊率", "Revisit rate"),
        ]
        .map(|(zh, en)| lang.pick(zh, en)),
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn consultation(n: u128, customer: Uuid, day: u32, channel: &str) -> FunnelConsultation {
        FunnelConsultation {
            id: Uuid::from_u128(n),
            institution_id: Uuid::nil(),
            customer_id: customer,
            received_at: at(day, 2),
            received_on: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            channel: channel.into(),
            department_id: None,
            agent_id: Uuid::from_u128(99),
        }
    }

    #[test]
    fn steps_are_counted_once_per_consultation_and_events_go_to_the_latest_before_them() {
        let (wang, li) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let cohort = vec![
            consultation(10, wang, 2, "hotline"),
            consultation(11, wang, 20, "wechat"),
            consultation(12, li, 3, "hotline"),
        ];
        let appointments = [
            // Wang's first consultation: two bookings, one arrived — one appointment, one arrival.
            FunnelAppointment {
                institution_id: Uuid::nil(),
                customer_id: wang,
                booked_at: at(2, 3),
                arrived: false,
            },
            FunnelAppointment {
                institution_id: Uuid::nil(),
                customer_id: wang,
                booked_at: at(4, 3),
                arrived: true,
            },
            // After the second consultation: it belongs to the latest one (last touch).
            FunnelAppointment {
                institution_id: Uuid::nil(),
                customer_id: wang,
                booked_at: at(21, 3),
                arrived: false,
            },
            // Before any consultation of Li: not theirs.
            FunnelAppointment {
                institution_id: Uuid::nil(),
                customer_id: li,
                booked_at: at(1, 3),
                arrived: true,
            },
        ];
        let visits = [
            FunnelVisit {
                institution_id: Uuid::nil(),
                customer_id: wang,
                visited_at: at(5, 1),
                amount_fen: 30_000,
                return_visit: false,
            },
            FunnelVisit {
                institution_id: Uuid::nil(),
                customer_id: wang,
                visited_at: at(12, 1),
                amount_fen: 10_000,
                return_visit: true,
            },
            // Another institution: no consultation there.
            FunnelVisit {
                institution_id: Uuid::from_u128(7),
                customer_id: li,
                visited_at: at(5, 1),
                amount_fen: 1,
                return_visit: false,
            },
        ];
        let f = count(
            (
                NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            ),
            FunnelGroup::Channel,
            30,
            cohort,
            &appointments,
            &visits,
            &BTreeMap::new(),
        );
        let t = &f.total;
        assert_eq!(
            (t.consultations, t.appointments, t.arrivals, t.spenders),
            (3, 2, 1, 1)
        );
        assert_eq!(
            (t.visits, t.first_visits, t.return_visits, t.amount_fen),
            (2, 1, 1, 40_000)
        );
        assert_eq!(t.revisit_rate, 0.5);
        assert!((t.appointment_rate - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(t.arrival_rate, 0.5);
        let keys: Vec<_> = f
            .rows
            .iter()
            .map(|r| (r.key.clone().unwrap(), r.consultations, r.appointments))
            .collect();
        assert_eq!(keys, [("hotline".into(), 2, 1), ("wechat".into(), 1, 1)]);
    }

    #[test]
    fn the_window_bounds_what_follows_a_consultation() {
        let wang = Uuid::from_u128(1);
        let visits = [FunnelVisit {
            institution_id: Uuid::nil(),
            customer_id: wang,
            visited_at: at(2, 2) + Duration::days(8),
            amount_fen: 5,
            return_visit: false,
        }];
        let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let run = |window| {
            count(
                (day, day),
                FunnelGroup::Day,
                window,
                vec![consultation(1, wang, 2, "qq")],
                &[],
                &visits,
                &BTreeMap::new(),
            )
            .total
            .spenders
        };
        assert_eq!(run(7), 0);
        assert_eq!(run(8), 1);
    }

    #[test]
    fn rows_are_labelled_in_the_readers_language() {
        let row = |key: Option<&str>, name: Option<&str>| FunnelRow {
            key: key.map(str::to_string),
            name: name.map(str::to_string),
            ..FunnelRow::default()
        };
        let dept = Uuid::from_u128(7).to_string();
        for (group, r, zh, en) in [
            (
                FunnelGroup::Channel,
                row(Some("hotline"), None),
                "热线电话",
                "Hotline",
            ),
            (
                FunnelGroup::Channel,
                row(Some("web_chat"), None),
                "网络在线咨询",
                "Web chat",
            ),
            (
                FunnelGroup::Department,
                row(Some(&dept), Some("心内科")),
                "心内科",
                "心内科",
            ),
            (FunnelGroup::Department, row(None, None), "未指定", "None"),
            (
                FunnelGroup::Day,
                row(Some("2026-12-07"), None),
                "2026-12-07",
                "2026-12-07",
            ),
            (
                FunnelGroup::Week,
                row(Some("2026-11-30"), None),
                "2026-11-30 起一周",
                "Week of 2026-11-30",
            ),
            (
                FunnelGroup::Month,
                row(Some("2026-12-01"), None),
                "2026-12",
                "2026-12",
            ),
        ] {
            assert_eq!(r.label(group, Lang::Zh), zh);
            assert_eq!(r.label(group, Lang::En), en);
        }
        assert_eq!(percent(2.0 / 3.0), "66.7%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(total_label(Lang::En), "Total");
    }

    #[test]
    fn periods_start_on_monday_and_the_first() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(); // a Thursday
        assert_eq!(
            period_start(FunnelGroup::Week, d),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert_eq!(
            period_start(FunnelGroup::Month, d),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(period_start(FunnelGroup::Day, d), d);
    }
}
