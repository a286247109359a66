//! OPS-2 (first part): a realistic Chinese setup for newcomers — a group of three hospitals
//! (one outside the home city), departments, doctors with consultation schedules, and one
//! user per role. Later modules add their own records here.

use hcrm_db::ids::UserId;
use hcrm_db::{DbConn, departments, doctors, institutions};
use hcrm_domain::Role;
use hcrm_domain::api::org::{
    DepartmentCreate, DoctorCreate, HalfDay, InstitutionCreate, ScheduleSlot,
};
use rand::RngCore;

use crate::accounts::{self, NewUser};

const INSTITUTIONS: [(&str, &str, &str, bool, &str, &str); 3] = [
    (
        "BJ01",
        "北京和睦家医院",
        "北京",
        true,
        "北京市朝阳区将台路2号",
        "010-59277000",
    ),
    (
        "BJ02",
        "北京和睦家医院望京分院",
        "北京",
        true,
        "北京市朝阳区望京北路9号",
        "010-59277100",
    ),
    (
        "SH01",
        "上海和睦家医院",
        "上海",
        false,
        "上海市长宁区仙霞路1139号",
        "021-22163900",
    ),
];

const DEPARTMENTS: [(&str, &str); 8] = [
    ("心血管内科", "CARD"),
    ("消化内科", "GAST"),
    ("骨科", "ORTH"),
    ("妇产科", "OBGY"),
    ("儿科", "PEDI"),
    ("眼科", "OPHT"),
    ("健康体检中心", "CHK"),
    ("客户服务中心", "CSC"),
];

/// Doctors per department: (name, title, specialties).
const DOCTORS: [(&str, &str, &[&str]); 14] = [
    ("李建国", "主任医师", &["冠心病", "高血压"]),
    ("王海燕", "副主任医师", &["心律失常", "心力衰竭"]),
    ("张志强", "主任医师", &["胃肠镜", "炎症性肠病"]),
    ("陈晓梅", "主治医师", &["幽门螺杆菌", "功能性胃肠病"]),
    ("刘伟", "主任医师", &["关节置换", "运动损伤"]),
    ("赵明", "副主任医师", &["脊柱外科"]),
    ("孙丽华", "主任医师", &["高危妊娠", "产前诊断"]),
    ("周静", "主治医师", &["妇科内分泌"]),
    ("吴磊", "副主任医师", &["小儿呼吸", "哮喘"]),
    ("郑雪", "主治医师", &["儿童保健", "生长发育"]),
    ("黄志明", "主任医师", &["白内障", "青光眼"]),
    ("林芳", "主治医师", &["屈光", "干眼症"]),
    ("何振华", "主任医师", &["健康管理", "慢病评估"]),
    ("高雅琴", "主治医师", &["体检报告解读"]),
];

/// One user per role: (username, name, role, institution code or group-wide).
const STAFF: [(&str, &str, Role, Option<&str>); 11] = [
    ("agent.bj01", "王晓丽", Role::Agent, Some("BJ01")),
    ("followup.bj01", "张欣", Role::FollowUpAgent, Some("BJ01")),
    ("manager.bj01", "刘思远", Role::AccountManager, Some("BJ01")),
    ("supervisor.bj01", "陈敏", Role::Supervisor, Some("BJ01")),
    ("supervisor.sh01", "杨帆", Role::Supervisor, Some("SH01")),
    ("director", "周慧", Role::Director, None),
    ("medical.bj01", "马立新", Role::MedicalAffairs, Some("BJ01")),
    ("president.bj01", "胡建华", Role::President, Some("BJ01")),
    ("executive", "徐国栋", Role::Executive, None),
    ("admin.demo", "郭涛", Role::Admin, None),
    ("his.bj01", "HIS 接口", Role::Integration, Some("BJ01")),
];

fn password() -> String {
    let mut bytes = [0u8; 6];
    rand::rng().fill_bytes(&mut bytes);
    format!("Demo-{}-7", hex::encode(bytes))
}

pub fn fill(conn: &mut DbConn) -> Result<(), String> {
    if institutions::find_by_code(conn, "BJ01").is_ok() {
        return Err("demo data is already present (institution BJ01 exists)".into());
    }
    let e = |e: hcrm_db::DbError| e.to_string();
    hcrm_db::write_transaction(conn, |conn| {
        for (i, (code, name, city, local, address, hotline)) in INSTITUTIONS.iter().enumerate() {
            let inst = institutions::create(
                conn,
                &InstitutionCreate {
                    code: code.to_string(),
                    name: name.to_string(),
                    city: city.to_string(),
                    local: *local,
                    time_zone: None,
                    address: Some(address.to_string()),
                    hotline: Some(hotline.to_string()),
                },
            )?;
            for (d, (dept_name, dept_code)) in DEPARTMENTS.iter().enumerate() {
                let dept = departments::create(
                    conn,
                    &DepartmentCreate {
                        institution_id: inst.id,
                        name: dept_name.to_string(),
                        code: Some(dept_code.to_string()),
                        phone: Some(format!("{}-{:02}", &hotline[..hotline.len() - 2], d + 10)),
                    },
                )?;
                // Two doctors for each clinical department (not the service centre).
                for k in 0..2 {
                    let Some((doc, title, specialties)) = DOCTORS.get(d * 2 + k) else {
                        continue;
                    };
                    let weekday = ((d + k + i) % 5) as u8 + 1;
                    doctors::create(
                        conn,
                        inst.id,
                        &DoctorCreate {
                            department_id: dept.id,
                            name: doc.to_string(),
                            title: title.to_string(),
                            specialties: specialties.iter().map(|s| s.to_string()).collect(),
                            schedule: vec![
                                ScheduleSlot {
                                    weekday: Some(weekday),
                                    date: None,
                                    half_day: HalfDay::Morning,
                                    capacity: 20,
                                },
                                ScheduleSlot {
                                    weekday: Some(weekday % 5 + 1),
                                    date: None,
                                    half_day: HalfDay::Afternoon,
                                    capacity: 15,
                                },
                            ],
                        },
                    )?;
                }
            }
        }
        Ok::<_, hcrm_db::DbError>(())
    })
    .map_err(e)?;

    println!("Demo data: 3 institutions (BJ01, BJ02, SH01), 24 departments, 42 doctors.");
    println!("Staff users — the passwords (an API key for the HIS) are shown only now:");
    let mut staff_ids = std::collections::HashMap::new();
    for (username, name, role, institution) in STAFF {
        let pw = password();
        let user = accounts::create(
            conn,
            NewUser {
                username,
                display_name: name,
                password: &pw,
                roles: vec![role],
                institution_codes: institution.map(|c| vec![c.to_string()]).unwrap_or_default(),
                group_wide: institution.is_none(),
                phone: None,
            },
        )?;
        staff_ids.insert(username, user.id.to_string());
        // Integration clients sign in with an API key only (least privilege): print one.
        let secret = if role == Role::Integration {
            let key = hcrm_api::auth::tokens::new_api_key();
            let (prefix, key_hash) = hcrm_api::auth::tokens::api_key_stored(&key);
            // Every scope the integration role holds.
            let integration = hcrm_domain::PermissionSet::for_roles(&[Role::Integration]);
            let scopes: Vec<hcrm_domain::ApiScope> = hcrm_domain::ApiScope::ALL
                .into_iter()
                .filter(|s| s.within(&integration))
                .collect();
            hcrm_db::api_keys::create(
                conn,
                hcrm_db::api_keys::NewKey {
                    user_id: user.id,
                    name: "HIS demo",
                    prefix,
                    key_hash,
                    expires_at: None,
                    scopes: &scopes,
                    created_by: user.id,
                },
            )
            .map_err(e)?;
            key
        } else {
            pw
        };
        println!(
            "  {username:<16} {secret:<22} {} {}",
            role.code(),
            institution.unwrap_or("(group)")
        );
    }
    customers(conn, &staff_ids)?;
    let visits = hcrm_db::write_transaction(conn, crate::demo_visits::fill).map_err(|f| f.0)?;
    println!(
        "Visits: {} over the past year with their spending; {} admissions this week with \
         their admission-assistance tasks.",
        visits.visits, visits.admissions
    );
    let now = hcrm_db::complaints::instant();
    let made = hcrm_db::write_transaction(conn, |conn| {
        crate::demo_complaints::fill(conn, &staff_ids, now)
    })
    .map_err(|e| e.to_string())?;
    println!(
        "Complaints: {} cases in every state of the flow (some late, some waiting on the \
         patient), {} refunds ({} paid against the patient's signed documents), {} confirmed \
         penalties.",
        made.complaints, made.refunds, made.paid, made.findings
    );
    let agent = staff_ids
        .get("agent.bj01")
        .and_then(|s| s.parse::<uuid::Uuid>().ok())
        .ok_or("demo agent missing")?;
    let today = hcrm_domain::time::today_at_home();
    let made = hcrm_db::write_transaction(conn, |conn| {
        crate::demo_appointments::fill(conn, agent, today, hcrm_db::now())
    })
    .map_err(|e| e.to_string())?;
    println!(
        "Appointments: {} examination resources, {} clinic sessions (two weeks back, four \
         ahead), {} appointments (arrived, no-shows, cancelled, booked, a group check-up), \
         {} patient(s) on a waitlist, {} to rebook after a doctor's leave.",
        made.resources, made.sessions, made.appointments, made.waiting, made.rebooking
    );
    let made = hcrm_db::write_transaction(conn, |conn| {
        crate::demo_service::fill(conn, &staff_ids, now)
    })
    .map_err(|e| e.to_string())?;
    println!(
        "Service centre: {} consultations of the last three weeks on every channel, {} \
         in-visit services of every kind, {} service times against the limits.",
        made.consultations, made.in_visit, made.times
    );
    Ok(())
}

/// The customers of the three hospitals, looked after by the demo staff.
fn customers(
    conn: &mut DbConn,
    staff: &std::collections::HashMap<&str, String>,
) -> Result<(), String> {
    let id = |name: &str| -> Option<UserId> {
        staff
            .get(name)
            .and_then(|s| s.parse::<uuid::Uuid>().ok())
            .map(UserId::from)
    };
    let ids = |names: &[&str]| -> Vec<UserId> { names.iter().filter_map(|n| id(n)).collect() };
    let owners = std::collections::HashMap::from([
        (
            "BJ01".to_string(),
            ids(&["agent.bj01", "followup.bj01", "manager.bj01"]),
        ),
        ("BJ02".to_string(), ids(&["director"])),
        ("SH01".to_string(), ids(&["supervisor.sh01"])),
    ]);
    let managers: std::collections::HashMap<String, UserId> = id("manager.bj01")
        .map(|m| ("BJ01".to_string(), m))
        .into_iter()
        .collect();
    let targets = crate::generate::targets(conn, None)?;
    let made = hcrm_db::write_transaction(conn, |conn| {
        crate::demo_customers::fill(conn, &targets, &owners, &managers)
    })
    .map_err(|e| e.to_string())?;
    println!(
        "Customers: {} people and {} organizations, {} relations, {} contact records, \
         {} open reminders.",
        made.individuals, made.organizations, made.relations, made.contacts, made.reminders
    );
    Ok(())
}
