//! 限时服务 — SVC-6: the service time limits of seed 004 九 (限时服务制度) as a setting, the
//! times measured against them, and the report of met and missed per target over a period.
//! A recorded time keeps the limit in force when it was recorded, so changing a limit never
//! rewrites what was met before.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::FieldError;
use crate::api::complaint_stats::Period;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::validation;

coded_enum! {
    /// 限时服务项目 — what a service time limit is about (seed 004 九).
    pub enum ServiceTarget {
        WindowQueue = "window_queue", "挂号/收费/取药窗口排队", "Queue at a window";
        OutpatientWait = "outpatient_wait", "门诊候诊", "Outpatient wait";
        ConsultationLength = "consultation_length", "医生接诊时长", "Time with the doctor";
        BloodReport = "blood_report", "血液检查报告", "Blood test report";
        UltrasoundReport = "ultrasound_report", "超声检查报告", "Ultrasound report";
        ImagingReport = "imaging_report", "X线/CT/MR 报告", "X-ray, CT or MR report";
        PathologyReport = "pathology_report", "病理检查报告", "Pathology report";
        FrozenSection = "frozen_section", "快速切片报告", "Frozen section report";
        PreoperativeStay = "preoperative_stay", "择期手术术前住院", "Stay before elective surgery";
        ResultCall = "result_call", "结果邮寄或电话告知", "Result mailed or called";
    }
}

impl ServiceTarget {
    /// The limit of seed 004 九, in minutes.
    pub fn default_minutes(self) -> i32 {
        match self {
            ServiceTarget::WindowQueue => 10,
            ServiceTarget::OutpatientWait => 30,
            ServiceTarget::ConsultationLength => 8,
            ServiceTarget::BloodReport => 120,
            ServiceTarget::UltrasoundReport => 30,
            ServiceTarget::ImagingReport => 120,
            ServiceTarget::PathologyReport => 3 * 24 * 60,
            ServiceTarget::FrozenSection => 20,
            ServiceTarget::PreoperativeStay => 72 * 60,
            ServiceTarget::ResultCall => 60,
        }
    }

    /// A minimum rather than a maximum: the doctor's time with the patient is at least 8
    /// minutes (接诊时间不少于8分钟); every other limit is an upper bound.
    pub fn is_minimum(self) -> bool {
        self == ServiceTarget::ConsultationLength
    }

    /// Whether `minutes` meets a limit of `limit` minutes.
    pub fn met(self, minutes: i32, limit: i32) -> bool {
        if self.is_minimum() {
            minutes >= limit
        } else {
            minutes <= limit
        }
    }
}

/// Longest limit, in minutes (30 days).
pub const MAX_LIMIT_MINUTES: i32 = 30 * 24 * 60;

/// One target's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TargetLimit {
    pub target: ServiceTarget,
    /// 1 minute to 30 days.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 10, minimum = 1, maximum = 43200)
    )]
    pub minutes: i32,
    /// Read-only: the limit is a minimum (the doctor's time with the patient), not a maximum.
    #[serde(default)]
    pub minimum: bool,
}

/// The limits in force: every target once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceTimeLimits {
    pub limits: Vec<TargetLimit>,
    /// 0 while never saved (the seed's limits); send it back (or in `If-Match`) to change.
    #[serde(default)]
    pub version: Option<i32>,
}

impl ServiceTimeLimits {
    /// Seed 004's limits.
    pub fn defaults() -> Vec<TargetLimit> {
        ServiceTarget::ALL
            .iter()
            .map(|t| TargetLimit {
                target: *t,
                minutes: t.default_minutes(),
                minimum: t.is_minimum(),
            })
            .collect()
    }

    /// The stored limits completed with the seed's for targets never saved, in the targets'
    /// order (a target added by a release gets its default).
    pub fn complete(stored: &[TargetLimit]) -> Vec<TargetLimit> {
        ServiceTarget::ALL
            .iter()
            .map(|t| TargetLimit {
                target: *t,
                minutes: stored
                    .iter()
                    .find(|l| l.target == *t)
                    .map_or(t.default_minutes(), |l| l.minutes),
                minimum: t.is_minimum(),
            })
            .collect()
    }

    /// The limit of `target` among `limits`.
    pub fn minutes_of(limits: &[TargetLimit], target: ServiceTarget) -> i32 {
        limits
            .iter()
            .find(|l| l.target == target)
            .map_or(target.default_minutes(), |l| l.minutes)
    }

    /// Field errors of a change: each limit 1 minute to 30 days, no target twice.
    pub fn invalid_fields(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (i, l) in self.limits.iter().enumerate() {
            if !(1..=MAX_LIMIT_MINUTES).contains(&l.minutes) {
                errors.push(FieldError {
                    field: format!("limits[{i}].minutes"),
                    code: "range".into(),
                    message: "must be 1 minute to 30 days".into(),
                });
            }
            if self.limits[..i].iter().any(|o| o.target == l.target) {
                errors.push(FieldError {
                    field: format!("limits[{i}].target"),
                    code: "repeated".into(),
                    message: "each target once".into(),
                });
            }
        }
        errors
    }
}

/// 记录服务时间 — one measured time (a wait, a report's turnaround) against a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "target": "outpatient_wait", "minutes": 42, "occurred_on": "2026-12-08",
    "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f", "note": "心内科上午候诊"
})))]
#[serde(deny_unknown_fields)]
pub struct ServiceTimeCreate {
    /// Taken from the customer when one is given; otherwise the caller's only institution.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub target: ServiceTarget,
    /// 0 to 30 days.
    #[validate(range(min = 0, max = 43200))]
    pub minutes: i32,
    /// The day it was measured (default today in the institution's zone); not in the future
    /// nor more than a year back.
    #[serde(default)]
    pub occurred_on: Option<NaiveDate>,
    #[serde(default)]
    pub customer_id: Option<Uuid>,
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// A recorded service time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceTime {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub target: ServiceTarget,
    pub customer_id: Option<Uuid>,
    pub occurred_on: NaiveDate,
    pub minutes: i32,
    /// The limit in force when it was recorded.
    pub limit_minutes: i32,
    pub met: bool,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// One target's row of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetReport {
    pub target: ServiceTarget,
    /// The limit in force now.
    pub limit_minutes: i32,
    pub minimum: bool,
    pub recorded: i64,
    pub met: i64,
    pub missed: i64,
    /// met / recorded, 0–1; `null` without records.
    pub met_rate: Option<f64>,
    /// The mean of the recorded minutes; `null` without records.
    pub average_minutes: Option<f64>,
    /// The longest recorded time (the shortest for a minimum); `null` without records.
    pub worst_minutes: Option<i32>,
}

/// 限时服务达标情况 — the recorded times of a period against their targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceTimeReport {
    pub period: Period,
    pub institution_id: Option<Uuid>,
    /// Every target, in the targets' order.
    pub targets: Vec<TargetReport>,
}

/// Rolls `(target, minutes, met)` of the period up against the limits in force.
pub fn report(
    period: Period,
    institution_id: Option<Uuid>,
    limits: &[TargetLimit],
    rows: &[(ServiceTarget, i32, bool)],
) -> ServiceTimeReport {
    let targets = ServiceTarget::ALL
        .iter()
        .map(|t| {
            let mine: Vec<&(ServiceTarget, i32, bool)> =
                rows.iter().filter(|r| r.0 == *t).collect();
            let recorded = mine.len() as i64;
            let met = mine.iter().filter(|r| r.2).count() as i64;
            let sum: i64 = mine.iter().map(|r| i64::from(r.1)).sum();
            let worst = if t.is_minimum() {
                mine.iter().map(|r| r.1).min()
            } else {
                mine.iter().map(|r| r.1).max()
            };
            TargetReport {
                target: *t,
                limit_minutes: ServiceTimeLimits::minutes_of(limits, *t),
                minimum: t.is_minimum(),
                recorded,
                met,
                missed: recorded - met,
                met_rate: (recorded > 0).then(|| met as f64 / recorded as f64),
                average_minutes: (recorded > 0).then(|| sum as f64 / recorded as f64),
                worst_minutes: worst,
            }
        })
        .collect();
    ServiceTimeReport {
        period,
        institution_id,
        targets,
    }
}

/// The report's sheet: header and rows.
pub fn sheet(r: &ServiceTimeReport, lang: Lang) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        lang.pick("项目", "Target"),
        lang.pick("时限（分钟）", "Limit (minutes)"),
        lang.pick("记录数", "Recorded"),
        lang.pick("达标", "Met"),
        lang.pick("未达标", "Missed"),
        lang.pick("达标率", "Met rate"),
        lang.pick("平均（分钟）", "Average (minutes)"),
        lang.pick("最差（分钟）", "Worst (minutes)"),
    ];
    let rows = r
        .targets
        .iter()
        .map(|t| {
            vec![
                t.target.label(lang).to_string(),
                t.limit_minutes.to_string(),
                t.recorded.to_string(),
                t.met.to_string(),
                t.missed.to_string(),
                t.met_rate
                    .map_or(String::new(), |x| format!("{:.1}%", x * 100.0)),
                t.average_minutes
                    .map_or(String::new(), |x| format!("{x:.1}")),
                t.worst_minutes.map_or(String::new(), |x| x.to_string()),
            ]
        })
        .collect();
    (header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_of_the_seed_and_met_or_missed() {
        let d = ServiceTimeLimits::defaults();
        assert_eq!(d.len(), ServiceTarget::ALL.len());
        assert_eq!(
            ServiceTimeLimits::minutes_of(&d, ServiceTarget::WindowQueue),
            10
        );
        assert_eq!(
            ServiceTimeLimits::minutes_of(&d, ServiceTarget::PathologyReport),
            4320
        );
        assert!(ServiceTarget::OutpatientWait.met(30, 30));
        assert!(!ServiceTarget::OutpatientWait.met(31, 30));
        assert!(ServiceTarget::ConsultationLength.met(8, 8));
        assert!(!ServiceTarget::ConsultationLength.met(5, 8));
        let stored = [TargetLimit {
            target: ServiceTarget::WindowQueue,
            minutes: 15,
            minimum: false,
        }];
        let all = ServiceTimeLimits::complete(&stored);
        assert_eq!(all[0].minutes, 15);
        assert_eq!(all[1].minutes, 30);
        let bad = ServiceTimeLimits {
            limits: vec![
                stored[0],
                stored[0],
                TargetLimit {
                    minutes: 0,
                    ..stored[0]
                },
            ],
            version: None,
        };
        let codes: Vec<String> = bad.invalid_fields().into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["repeated", "range", "repeated"]);
    }

    #[test]
    fn the_report_counts_met_and_missed_per_target() {
        use ServiceTarget::*;
        let period = Period {
            from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        };
        let rows = [
            (OutpatientWait, 20, true),
            (OutpatientWait, 45, false),
            (OutpatientWait, 31, false),
            (ConsultationLength, 6, false),
            (ConsultationLength, 12, true),
        ];
        let r = report(period, None, &ServiceTimeLimits::defaults(), &rows);
        let wait = r
            .targets
            .iter()
            .find(|t| t.target == OutpatientWait)
            .unwrap();
        assert_eq!((wait.recorded, wait.met, wait.missed), (3, 1, 2));
        assert_eq!(wait.worst_minutes, Some(45));
        assert!((wait.met_rate.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        let length = r
            .targets
            .iter()
            .find(|t| t.target == ConsultationLength)
            .unwrap();
        assert_eq!(length.worst_minutes, Some(6), "the shortest for a minimum");
        let queue = r.targets.iter().find(|t| t.target == WindowQueue).unwrap();
        assert_eq!((queue.recorded, queue.met_rate), (0, None));
        let (header, sheet_rows) = sheet(&r, Lang::Zh);
        assert_eq!(header.len(), sheet_rows[0].len());
        assert_eq!(sheet_rows[1][5], "33.3%");
    }
}
