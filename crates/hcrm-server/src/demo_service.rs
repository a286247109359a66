//! OPS-2, the service centre (SVC-1, SVC-3, SVC-6): consultations of the last three weeks on
//! every channel (answered, booked, referred, call backs owed, complaints raised), in-visit
//! services of every kind around today (done, open, late), and service times measured
//! against the limits — all through hcrm-db's own functions, as the product records them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use hcrm_db::consultations::{self, NewConsultation};
use hcrm_db::in_visit;
use hcrm_db::service_times::{self, NewServiceTime};
use hcrm_db::tasks::NewTask;
use hcrm_db::{DbConn, DbError, customers, departments};
use hcrm_domain::Scope;
use hcrm_domain::api::consultations::{
    ConsultationChannel as Ch, ConsultationOutcome as O, callback_title,
};
use hcrm_domain::api::in_visit::{Delivery, InVisitDetail, InVisitService, default_title, due_at};
use hcrm_domain::api::service_times::ServiceTarget;
use hcrm_domain::customer::{TaskKind, TaskStatus};
use uuid::Uuid;

/// What was made.
pub struct Made {
    pub consultations: usize,
    pub in_visit: usize,
    pub times: usize,
}

/// `(channel, topic, question, answer, outcome)` — what callers of a hospital ask.
const ASKED: [(Ch, &str, &str, &str, Option<O>); 12] = [
    (
        Ch::Hotline,
        "专家门诊",
        "心内科周二有哪位专家出诊？",
        "周二上午王主任、下午李主任出诊",
        Some(O::Answered),
    ),
    (
        Ch::Hotline,
        "预约挂号",
        "想约下周一的消化内科专家号",
        "已预约周一上午张主任",
        Some(O::AppointmentBooked),
    ),
    (
        Ch::Wechat,
        "体检",
        "入职体检需要空腹吗？周六能做吗？",
        "需空腹8小时，周六上午可以",
        Some(O::Answered),
    ),
    (
        Ch::Qq,
        "报告解读",
        "甲功五项结果偏高是什么意思？",
        "",
        Some(O::CallbackNeeded),
    ),
    (
        Ch::WebChat,
        "费用",
        "无痛胃镜大概多少钱？医保能报吗？",
        "约800元，部分可医保报销",
        Some(O::Answered),
    ),
    (
        Ch::WalkIn,
        "住院",
        "住院需要带什么材料？",
        "身份证、医保卡、入院通知单",
        Some(O::Answered),
    ),
    (
        Ch::Email,
        "病历复印",
        "如何复印出院病历？",
        "可邮寄，已告知办理流程",
        Some(O::Answered),
    ),
    (
        Ch::Hotline,
        "收费",
        "上次门诊多收了检查费",
        "已转投诉处理",
        Some(O::ComplaintRaised),
    ),
    (
        Ch::Wechat,
        "儿科",
        "孩子发烧39度晚上能来看吗？",
        "儿科急诊24小时开放",
        Some(O::Answered),
    ),
    (
        Ch::Hotline,
        "术后用药",
        "支架术后可以停阿司匹林吗？",
        "",
        None,
    ),
    (
        Ch::WebChat,
        "预约检查",
        "想预约腹部彩超",
        "已预约明早8点",
        Some(O::AppointmentBooked),
    ),
    (
        Ch::Qq,
        "医保",
        "异地医保能直接结算吗？",
        "",
        Some(O::CallbackNeeded),
    ),
];

fn first<T>(v: &[T], n: usize) -> Option<&T> {
    v.get(n % v.len().max(1))
}

pub fn fill(
    conn: &mut DbConn,
    staff: &HashMap<&str, String>,
    now: DateTime<Utc>,
) -> Result<Made, DbError> {
    let user = |name: &str| -> Result<Uuid, DbError> {
        staff
            .get(name)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| DbError::Corrupt(format!("demo user {name}")))
    };
    let mut made = Made {
        consultations: 0,
        in_visit: 0,
        times: 0,
    };
    for (code, owners, per_day) in [
        (
            "BJ01",
            vec!["agent.bj01", "supervisor.bj01", "manager.bj01"],
            6_usize,
        ),
        ("SH01", vec!["supervisor.sh01"], 2),
    ] {
        let inst = hcrm_db::institutions::find_by_code(conn, code)?.id;
        let scope = Scope::Institutions(vec![inst]);
        let people = customers::list(
            conn,
            &scope,
            &customers::Filter::default(),
            customers::Sort::CreatedAt,
            false,
            hcrm_db::ListWindow {
                limit: 60,
                offset: 0,
            },
            customers::Count::UpTo(60),
        )?
        .items;
        if people.is_empty() {
            continue;
        }
        let (depts, _) = departments::list(
            conn,
            &scope,
            &departments::Filter {
                institution_id: Some(inst),
                ..Default::default()
            },
            departments::Sort::Name,
            false,
            hcrm_db::ListWindow {
                limit: 20,
                offset: 0,
            },
        )?;
        let owners: Vec<Uuid> = owners.iter().map(|o| user(o)).collect::<Result<_, _>>()?;
        // Consultations of the last 21 days, every channel, the newest today.
        let mut n = 0_usize;
        for day in 0..21_i64 {
            for k in 0..per_day {
                n += 1;
                let (channel, topic, question, answer, outcome) = ASKED[n % ASKED.len()];
                let received = now - Duration::days(day) - Duration::minutes(40 + 53 * k as i64);
                let owner = owners[n % owners.len()];
                let Some(customer) = first(&people, n * 7) else {
                    continue;
                };
                // Older questions are settled; some of today's are still open.
                let outcome = if day > 2 && outcome.is_none() {
                    Some(O::Answered)
                } else {
                    outcome
                };
                let closes = outcome.is_some_and(|o| o.closes());
                let id = consultations::create(
                    conn,
                    NewConsultation {
                        institution_id: inst,
                        channel,
                        customer_id: customer.id,
                        owner_id: owner,
                        referred_to_id: None,
                        referred_doctor_id: None,
                        referral_note: (outcome.is_none()).then(|| "请专科医生答复".to_string()),
                        department_id: first(&depts, n).map(|d| d.id),
                        topic: Some(topic.to_string()),
                        question: question.to_string(),
                        answer: (!answer.is_empty()).then(|| answer.to_string()),
                        outcome,
                        received_at: received,
                        closed_at: closes.then(|| received + Duration::minutes(6)),
                    },
                )?;
                if outcome == Some(O::CallbackNeeded) {
                    let task = hcrm_db::tasks::create(
                        conn,
                        NewTask {
                            institution_id: inst,
                            kind: TaskKind::Callback,
                            title: callback_title(&customer.form_of_address, Some(topic)),
                            description: Some(question.to_string()),
                            owner_id: Some(owner),
                            team: None,
                            due_on: None,
                            due_at: Some(received + Duration::hours(2)),
                            customer_id: Some(customer.id),
                            source_type: Some("consultation".into()),
                            source_id: Some(id.to_string()),
                            created_by: Some(owner),
                        },
                    )?;
                    consultations::link_callback(conn, id, task)?;
                    if day > 1 {
                        close_task(conn, task, owner, "已回电解答")?;
                    }
                }
                made.consultations += 1;
            }
        }
        // In-visit services of every kind, from two days ago to tomorrow: the past ones
        // done, today's some done, some open, some late.
        let services = InVisitService::ALL;
        for day in -2_i64..=1 {
            for (k, service) in services.iter().enumerate() {
                let Some(customer) = first(&people, (day + 3) as usize * 11 + k * 3) else {
                    continue;
                };
                // Due from an hour before now to an hour and a half after, on each day.
                let due = now + Duration::days(day) + Duration::minutes(30 * k as i64 - 60);
                let reference = due - service.due_after();
                let mailed = *service == InVisitService::ReportMailing
                    || (*service == InVisitService::ProxyDischarge && k % 2 == 0);
                let detail = InVisitDetail {
                    service: *service,
                    reference_at: reference,
                    steps: InVisitDetail::with_steps(*service, &[]),
                    delivery: service.delivers().then_some(if mailed {
                        Delivery::Mail
                    } else {
                        Delivery::PickUp
                    }),
                    address: mailed.then(|| "北京市朝阳区建国路 88 号".to_string()),
                    tracking_number: None,
                    location: (!service.delivers()).then(|| "门诊一楼服务台".to_string()),
                };
                let owner = owners[k % owners.len()];
                let id = in_visit::create(
                    conn,
                    NewTask {
                        institution_id: inst,
                        kind: TaskKind::InVisit,
                        title: default_title(*service, &customer.form_of_address),
                        description: None,
                        owner_id: Some(owner),
                        team: None,
                        due_on: None,
                        due_at: Some(due_at(*service, reference)),
                        customer_id: Some(customer.id),
                        source_type: None,
                        source_id: None,
                        created_by: Some(owner),
                    },
                    &detail,
                )?;
                // Past days and half of today's are done, every step ticked (tracked when
                // mailed).
                if day < 0 || (day == 0 && k % 2 == 0) {
                    let done = InVisitDetail {
                        steps: InVisitDetail::with_steps(*service, service.steps()),
                        tracking_number: mailed
                            .then(|| format!("SF{:010}", 1_000_000 + made.in_visit)),
                        ..detail
                    };
                    in_visit::update(conn, &Scope::Group, id, 1, &done)?;
                    close_task(conn, id, owner, "已完成")?;
                }
                made.in_visit += 1;
            }
        }
        // Service times of the month against the limits: most met, some missed.
        let samples: [(ServiceTarget, [i32; 4]); 6] = [
            (ServiceTarget::WindowQueue, [6, 8, 12, 9]),
            (ServiceTarget::OutpatientWait, [25, 42, 18, 31]),
            (ServiceTarget::ConsultationLength, [9, 12, 6, 10]),
            (ServiceTarget::UltrasoundReport, [20, 28, 35, 15]),
            (ServiceTarget::ImagingReport, [90, 130, 60, 110]),
            (ServiceTarget::ResultCall, [30, 45, 70, 20]),
        ];
        let today = hcrm_db::institutions::today_of(conn, inst)?;
        for (i, (target, minutes)) in samples.iter().enumerate() {
            for (j, m) in minutes.iter().enumerate() {
                service_times::create(
                    conn,
                    NewServiceTime {
                        institution_id: inst,
                        target: *target,
                        customer_id: first(&people, i * 5 + j).map(|c| c.id),
                        occurred_on: today - Duration::days((i + j * 3) as i64 % 20),
                        minutes: *m,
                        note: None,
                        recorded_by: owners[j % owners.len()],
                    },
                )?;
                made.times += 1;
            }
        }
    }
    Ok(made)
}

/// Marks a demo task done by its owner.
fn close_task(conn: &mut DbConn, id: Uuid, by: Uuid, outcome: &str) -> Result<(), DbError> {
    let task = hcrm_db::tasks::get(conn, &Scope::Group, id)?;
    hcrm_db::tasks::update(
        conn,
        &Scope::Group,
        id,
        task.version,
        &hcrm_domain::api::tasks::TaskUpdate {
            status: Some(TaskStatus::Done),
            outcome: Some(Some(outcome.to_string())),
            ..Default::default()
        },
        by,
    )?;
    Ok(())
}
