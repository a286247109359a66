//! 诊中服务 — SVC-3: the service centre's work while a patient is in the hospital (seed 004:
//! 陪同检查治疗、入院全程服务、代办出院、报告邮寄、结果出来一小时内电话通知), each a task of kind
//! `in_visit` on the shared task queue with its details beside it: which service, the time
//! its due time is counted from, the steps of the service done so far and, for what is sent,
//! how (picked up or mailed, with the tracking number).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::FieldError;
use crate::api::double_option;
use crate::api::tasks::Task;
use crate::customer::TaskStatus;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::validation;

coded_enum! {
    /// 诊中服务项目 — the kinds of in-visit service.
    pub enum InVisitService {
        Accompaniment = "accompaniment", "陪诊（陪检、代缴费、取药）", "Accompaniment";
        Admission = "admission", "入院协助", "Admission assistance";
        ProxyDischarge = "proxy_discharge", "代办出院", "Proxy discharge";
        ReportMailing = "report_mailing", "报告邮寄", "Mailing of reports";
        ResultCall = "result_call", "结果电话告知", "Result call";
    }
}

coded_enum! {
    /// 服务步骤 — one step of an in-visit service.
    pub enum InVisitStep {
        Escort = "escort", "陪同检查治疗", "Escorted";
        Pay = "pay", "代计价缴费", "Paid for the patient";
        PickUpMedicine = "pick_up_medicine", "代取药", "Medicine picked up";
        EscortToWard = "escort_to_ward", "护送到病房", "Escorted to the ward";
        HandOverDoctor = "hand_over_doctor", "交给主管医生", "Handed over to the doctor";
        HandOverNurse = "hand_over_nurse", "交给责任护士", "Handed over to the nurse";
        AuthorisationLetter = "authorisation_letter", "收到授权委托书", "Authorisation letter received";
        DepositNote = "deposit_note", "收到押金条", "Deposit note received";
        InvoiceDelivered = "invoice_delivered", "发票已交付", "Invoice delivered";
        ReportSent = "report_sent", "报告已寄出", "Report sent";
        PatientTold = "patient_told", "已告知患者", "Patient told";
    }
}

coded_enum! {
    /// 交付方式 — how papers reach the patient.
    pub enum Delivery {
        PickUp = "pick_up", "自取", "Picked up";
        Mail = "mail", "邮寄", "Mailed";
    }
}

impl InVisitService {
    /// The steps of the service, in order.
    pub fn steps(self) -> &'static [InVisitStep] {
        use InVisitStep::*;
        match self {
            InVisitService::Accompaniment => &[Escort, Pay, PickUpMedicine],
            InVisitService::Admission => &[EscortToWard, HandOverDoctor, HandOverNurse],
            InVisitService::ProxyDischarge => &[AuthorisationLetter, DepositNote, InvoiceDelivered],
            InVisitService::ReportMailing => &[ReportSent],
            InVisitService::ResultCall => &[PatientTold],
        }
    }

    /// How long after the reference time the service is due: a result call within one hour
    /// of the result (seed 004), an accompaniment at the appointment, an admission within an
    /// hour of the doctor's decision, a proxy discharge the day after the discharge, mailed
    /// reports within two days of being ready.
    pub fn due_after(self) -> TimeDelta {
        match self {
            InVisitService::ResultCall => TimeDelta::hours(1),
            InVisitService::Accompaniment => TimeDelta::zero(),
            InVisitService::Admission => TimeDelta::hours(1),
            InVisitService::ProxyDischarge => TimeDelta::days(1),
            InVisitService::ReportMailing => TimeDelta::days(2),
        }
    }

    /// Whether papers are handed over (a delivery way applies).
    pub fn delivers(self) -> bool {
        matches!(
            self,
            InVisitService::ProxyDischarge | InVisitService::ReportMailing
        )
    }

    /// What the reference time is, for forms.
    pub fn reference_label(self, lang: Lang) -> &'static str {
        match self {
            InVisitService::ResultCall => lang.pick("出结果时间", "Result time"),
            InVisitService::Accompaniment => lang.pick("就诊时间", "Appointment time"),
            InVisitService::Admission => lang.pick("决定入院时间", "Admission decided"),
            InVisitService::ProxyDischarge => lang.pick("出院时间", "Discharge time"),
            InVisitService::ReportMailing => lang.pick("报告出具时间", "Report ready"),
        }
    }
}

/// The due time of a service counted from its reference time.
pub fn due_at(service: InVisitService, reference_at: DateTime<Utc>) -> DateTime<Utc> {
    reference_at + service.due_after()
}

/// Whether an in-visit task is late at `now`: open and past its due time.
pub fn is_late(status: TaskStatus, due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == TaskStatus::Open && due_at.is_some_and(|d| d < now)
}

/// One step and whether it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepState {
    pub step: InVisitStep,
    pub done: bool,
}

/// What an in-visit task holds besides the task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InVisitDetail {
    pub service: InVisitService,
    /// The time the due time is counted from (see `service`).
    pub reference_at: DateTime<Utc>,
    /// Every step of the service, in order.
    pub steps: Vec<StepState>,
    pub delivery: Option<Delivery>,
    /// Where mailed papers go.
    pub address: Option<String>,
    /// The courier's tracking number of mailed papers.
    pub tracking_number: Option<String>,
    /// Where to meet the patient (clinic, ward, bed).
    pub location: Option<String>,
}

impl InVisitDetail {
    /// The steps as stored (done ones) shown against the service's list.
    pub fn with_steps(service: InVisitService, done: &[InVisitStep]) -> Vec<StepState> {
        service
            .steps()
            .iter()
            .map(|s| StepState {
                step: *s,
                done: done.contains(s),
            })
            .collect()
    }

    /// What still stands between the task and `done`: open steps, and mailed papers without
    /// the address or the tracking number. Empty: it may be done.
    pub fn unfinished(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.steps.iter().any(|s| !s.done) {
            out.push(FieldError {
                field: "status".into(),
                code: "steps_open".into(),
                message: "every step of the service is done first".into(),
            });
        }
        if self.delivery == Some(Delivery::Mail) && self.tracking_number.is_none() {
            out.push(FieldError {
                field: "status".into(),
                code: "tracking_required".into(),
                message: "mailed papers are tracked: record the tracking number first".into(),
            });
        }
        out
    }
}

/// An in-visit task: the task and its details; `late` when open past its due time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InVisitTask {
    pub task: Task,
    pub detail: InVisitDetail,
    /// Open and past its due time (to the minute, not the day).
    pub late: bool,
}

/// A new in-visit service: a task of kind `in_visit` for the customer, due by the service's
/// rule from `reference_at`, owned by `owner_id` (default the caller) or left to `team`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "service": "result_call",
    "customer_id": "0193a1d2-7c4e-7b10-8000-00000000000f",
    "reference_at": "2026-12-08T06:30:00Z",
    "description": "甲功五项结果已出"
})))]
#[serde(deny_unknown_fields)]
pub struct InVisitCreate {
    pub service: InVisitService,
    pub customer_id: Uuid,
    /// The time the due time is counted from (the result's time for a result call).
    pub reference_at: DateTime<Utc>,
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub team: Option<String>,
    /// Default: the service's name and the customer's.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub title: Option<String>,
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "validation::multiline"))]
    pub description: Option<String>,
    #[serde(default)]
    pub delivery: Option<Delivery>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub address: Option<String>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub location: Option<String>,
}

/// Changes to an in-visit task's details; absent fields stay, `null` clears. The task's
/// version in `If-Match` (the task's status and outcome change with `PATCH /tasks/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "steps_done": ["authorisation_letter", "deposit_note"], "delivery": "mail",
    "address": "北京市朝阳区建国路 88 号", "version": 1
})))]
#[serde(deny_unknown_fields)]
pub struct InVisitUpdate {
    /// The steps done so far (the whole set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_done: Option<Vec<InVisitStep>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub delivery: Option<Option<Delivery>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub address: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(min = 1, max = 60),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub tracking_number: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub location: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
}

fn bad(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// The details after `u`, or the field errors: steps of the service only; a delivery way and
/// an address only for what is handed over; mail needs an address.
pub fn apply(before: &InVisitDetail, u: &InVisitUpdate) -> Result<InVisitDetail, Vec<FieldError>> {
    let mut after = before.clone();
    let mut errors = Vec::new();
    if let Some(done) = &u.steps_done {
        for (i, s) in done.iter().enumerate() {
            if !before.service.steps().contains(s) {
                errors.push(bad(
                    &format!("steps_done[{i}]"),
                    "step_not_of_service",
                    "not a step of this service",
                ));
            }
        }
        after.steps = InVisitDetail::with_steps(before.service, done);
    }
    if let Some(d) = u.delivery {
        after.delivery = d;
    }
    if let Some(a) = &u.address {
        after.address = a.clone();
    }
    if let Some(t) = &u.tracking_number {
        after.tracking_number = t.clone();
    }
    if let Some(l) = &u.location {
        after.location = l.clone();
    }
    errors.extend(check_delivery(
        after.service,
        after.delivery,
        after.address.as_deref(),
        after.tracking_number.as_deref(),
    ));
    if errors.is_empty() {
        Ok(after)
    } else {
        Err(errors)
    }
}

/// The delivery rules of a create or an update.
pub fn check_delivery(
    service: InVisitService,
    delivery: Option<Delivery>,
    address: Option<&str>,
    tracking_number: Option<&str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !service.delivers() {
        if delivery.is_some() {
            errors.push(bad(
                "delivery",
                "not_delivered",
                "this service hands over no papers",
            ));
        }
        if address.is_some() {
            errors.push(bad(
                "address",
                "not_delivered",
                "this service hands over no papers",
            ));
        }
        if tracking_number.is_some() {
            errors.push(bad(
                "tracking_number",
                "not_delivered",
                "this service hands over no papers",
            ));
        }
        return errors;
    }
    let mailed = delivery == Some(Delivery::Mail) || service == InVisitService::ReportMailing;
    if mailed && address.is_none() {
        errors.push(bad("address", "required", "mailed papers need the address"));
    }
    if service == InVisitService::ReportMailing && delivery == Some(Delivery::PickUp) {
        errors.push(bad("delivery", "mailing", "mailed reports are mailed"));
    }
    if !mailed && tracking_number.is_some() {
        errors.push(bad(
            "tracking_number",
            "not_mailed",
            "only mailed papers have a tracking number",
        ));
    }
    errors
}

/// The title of a new in-visit task when nobody typed one (入院协助：王女士): the service's name
/// and the customer's, stored in Chinese, the records' language. Readers see it in theirs
/// through [`shown_title`].
pub fn default_title(service: InVisitService, customer_name: &str) -> String {
    format!("{}：{customer_name}", service.label(Lang::Zh))
}

/// An in-visit task's title as a reader in `lang` sees it. A title the system made
/// ([`default_title`]) is made again from the service's code in the reader's language, with
/// the customer's name as stored ("Admission assistance: 王女士"); a title someone typed is
/// shown as typed. `service` is the task's service when it is at hand (the board); without
/// it (task lists, the timeline) the made title itself names its service.
pub fn shown_title(stored: &str, service: Option<InVisitService>, lang: Lang) -> String {
    let made = |s: InVisitService| {
        stored
            .strip_prefix(s.label(Lang::Zh))
            .and_then(|rest| rest.strip_prefix('：'))
            .map(|name| (s, name))
    };
    let found = match service {
        Some(s) => made(s),
        None => InVisitService::ALL.iter().find_map(|s| made(*s)),
    };
    match (found, lang) {
        (Some((s, name)), Lang::En) => format!("{}: {name}", s.label(Lang::En)),
        _ => stored.to_string(),
    }
}

/// One service's row of the day's board.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardCounts {
    pub open: i64,
    pub done: i64,
    pub cancelled: i64,
    /// Open past the due time.
    pub late: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardColumn {
    pub service: InVisitService,
    pub counts: BoardCounts,
    /// The service's tasks due that day: late first, then by due time.
    pub items: Vec<InVisitTask>,
}

/// 诊中服务看板 — the in-visit tasks due on a day, by service and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InVisitBoard {
    pub date: NaiveDate,
    /// Every service, in the service's order, also those without a task.
    pub columns: Vec<BoardColumn>,
    pub total: BoardCounts,
}

/// Sorts a day's tasks into the board.
pub fn board(date: NaiveDate, tasks: Vec<InVisitTask>) -> InVisitBoard {
    let mut columns: Vec<BoardColumn> = InVisitService::ALL
        .iter()
        .map(|s| BoardColumn {
            service: *s,
            counts: BoardCounts::default(),
            items: vec![],
        })
        .collect();
    let mut total = BoardCounts::default();
    for t in tasks {
        let Some(col) = columns.iter_mut().find(|c| c.service == t.detail.service) else {
            continue;
        };
        for counts in [&mut col.counts, &mut total] {
            match t.task.status {
                TaskStatus::Open => counts.open += 1,
                TaskStatus::Done => counts.done += 1,
                TaskStatus::Cancelled => counts.cancelled += 1,
            }
            if t.late {
                counts.late += 1;
            }
        }
        col.items.push(t);
    }
    for c in &mut columns {
        c.items.sort_by(|a, b| {
            b.late
                .cmp(&a.late)
                .then_with(|| a.task.due_at.cmp(&b.task.due_at))
                .then_with(|| a.task.id.cmp(&b.task.id))
        });
    }
    InVisitBoard {
        date,
        columns,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn made_titles_are_shown_in_the_readers_language_and_typed_ones_as_typed() {
        use InVisitService::*;
        for (service, en) in [
            (Admission, "Admission assistance: 王女士"),
            (ResultCall, "Result call: 王女士"),
            (Accompaniment, "Accompaniment: 王女士"),
            (ProxyDischarge, "Proxy discharge: 王女士"),
            (ReportMailing, "Mailing of reports: 王女士"),
        ] {
            let stored = default_title(service, "王女士");
            assert!(stored.ends_with("：王女士"), "{stored}");
            assert_eq!(shown_title(&stored, Some(service), Lang::Zh), stored);
            assert_eq!(shown_title(&stored, Some(service), Lang::En), en);
            // Without the service at hand, the made title names it.
            assert_eq!(shown_title(&stored, None, Lang::En), en);
        }
        assert_eq!(
            shown_title("入院协助：王秀英", Some(Admission), Lang::En),
            "Admission assistance: 王秀英"
        );
        // Typed titles stay as typed, in either language; another service's made title is
        // not this task's.
        for typed in [
            "帮王阿姨取药",
            "入院协助",
            "入院协助:王女士",
            "Escort Mr Li",
            "",
        ] {
            assert_eq!(shown_title(typed, Some(Admission), Lang::En), typed);
            assert_eq!(shown_title(typed, None, Lang::En), typed);
        }
        assert_eq!(
            shown_title("结果电话告知：王女士", Some(Admission), Lang::En),
            "结果电话告知：王女士"
        );
    }

    #[test]
    fn due_times_follow_the_service() {
        let result = t("2026-12-08T06:30:00Z");
        assert_eq!(
            due_at(InVisitService::ResultCall, result),
            t("2026-12-08T07:30:00Z"),
            "seed 004: within one hour of the result"
        );
        assert_eq!(due_at(InVisitService::Accompaniment, result), result);
        assert_eq!(
            due_at(InVisitService::ProxyDischarge, result),
            t("2026-12-09T06:30:00Z")
        );
        assert!(is_late(
            TaskStatus::Open,
            Some(result),
            result + TimeDelta::seconds(1)
        ));
        assert!(!is_late(TaskStatus::Open, Some(result), result));
        assert!(!is_late(
            TaskStatus::Done,
            Some(result),
            result + TimeDelta::hours(5)
        ));
        for s in InVisitService::ALL {
            assert!(!s.steps().is_empty(), "{s} has steps");
        }
    }

    #[test]
    fn steps_and_delivery_are_checked() {
        let before = InVisitDetail {
            service: InVisitService::ProxyDischarge,
            reference_at: t("2026-12-08T06:30:00Z"),
            steps: InVisitDetail::with_steps(InVisitService::ProxyDischarge, &[]),
            delivery: None,
            address: None,
            tracking_number: None,
            location: None,
        };
        assert_eq!(before.unfinished()[0].code, "steps_open");
        let wrong = InVisitUpdate {
            steps_done: Some(vec![InVisitStep::Pay]),
            ..Default::default()
        };
        assert_eq!(
            apply(&before, &wrong).unwrap_err()[0].code,
            "step_not_of_service"
        );
        let mail = InVisitUpdate {
            steps_done: Some(InVisitService::ProxyDischarge.steps().to_vec()),
            delivery: Some(Some(Delivery::Mail)),
            ..Default::default()
        };
        assert_eq!(apply(&before, &mail).unwrap_err()[0].field, "address");
        let mail = InVisitUpdate {
            address: Some(Some("北京市朝阳区建国路 88 号".into())),
            ..mail
        };
        let after = apply(&before, &mail).unwrap();
        assert_eq!(after.unfinished()[0].code, "tracking_required");
        let tracked = InVisitUpdate {
            tracking_number: Some(Some("SF1234567890".into())),
            ..Default::default()
        };
        assert!(apply(&after, &tracked).unwrap().unfinished().is_empty());
        let call = InVisitDetail {
            service: InVisitService::ResultCall,
            steps: InVisitDetail::with_steps(InVisitService::ResultCall, &[]),
            ..before
        };
        let posted = InVisitUpdate {
            delivery: Some(Some(Delivery::PickUp)),
            ..Default::default()
        };
        assert_eq!(apply(&call, &posted).unwrap_err()[0].code, "not_delivered");
    }
}
