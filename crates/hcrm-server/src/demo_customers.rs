//! OPS-2: the demo's customers — about 2,000 people in families (spouses, children, elderly
//! parents) and organizations with employees over the three hospitals, with contact records
//! whose next steps became reminder tasks (CUS-1 … CUS-12). Deterministic (fixed seed).
//! Written through hcrm-db: the customers' own rows in multi-row INSERTs
//! (`NewCustomers::write`), relations likewise, contact records with `contacts::create` (which
//! makes their reminders as the API does).

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use hcrm_db::customers::{
    CategoryRow, CustomerRow, ExternalIdRow, PhoneRow, ProfileRow, StageRow, TagRow,
};
use hcrm_db::ids::{CustomerId, InstitutionId, RelationId, StageChangeId, UserId};
use hcrm_db::relations::RelationRow;
use hcrm_db::{DbConn, DbError};
use hcrm_domain::api::contacts::ContactCreate;
use hcrm_domain::customer::{
    ContactChannel, ContactParty, Direction, Gender, RelationKind, uscc_for,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::synth::{Batch, Maker, PersonSpec, Target};

/// Individuals per institution (organizations come on top).
const PEOPLE_PER_INSTITUTION: usize = 650;

const ORGANIZATIONS: [(&str, &str, &str); 18] = [
    ("北京华信科技有限公司", "信息技术", "500-999人"),
    (
        "中国平安人寿保险股份有限公司北京分公司",
        "保险",
        "1000人以上",
    ),
    ("北京市朝阳区实验小学", "教育", "100-499人"),
    ("北京望京国际商务有限公司", "商务服务", "100-499人"),
    ("北京京东方健康科技有限公司", "医疗器械", "1000人以上"),
    ("北京东湖律师事务所", "法律服务", "50-99人"),
    ("北京朝阳区望京街道办事处", "政府机关", "100-499人"),
    ("北京望京和平社区卫生服务中心", "医疗机构", "50-99人"),
    ("北京金融街投资集团有限公司", "金融", "1000人以上"),
    ("北京燕园教育咨询有限公司", "教育", "50-99人"),
    ("北京顺达物流有限公司", "物流", "500-999人"),
    ("北京昊天建筑工程有限公司", "建筑", "500-999人"),
    ("上海联影智能医疗科技有限公司", "医疗器械", "1000人以上"),
    (
        "中国太平洋财产保险股份有限公司上海分公司",
        "保险",
        "1000人以上",
    ),
    ("上海市长宁区外国语小学", "教育", "100-499人"),
    ("上海虹桥商务区管理有限公司", "商务服务", "100-499人"),
    ("上海锦江国际酒店有限公司", "酒店餐饮", "1000人以上"),
    ("上海仙霞律师事务所", "法律服务", "50-99人"),
];

/// (subject, content, feedback, agreement, next step)
const CONTACTS: [(&str, &str, &str, &str, &str); 10] = [
    (
        "体检预约咨询",
        "咨询高端体检套餐的项目和价格",
        "对胃肠镜项目比较关注",
        "先发送套餐介绍",
        "回电确认体检日期",
    ),
    (
        "术后回访",
        "询问术后恢复情况，伤口愈合良好",
        "对护理服务满意",
        "按时复查",
        "提醒复查并预约门诊",
    ),
    (
        "检查报告解读",
        "协助预约医生解读体检报告",
        "血脂偏高，有些担心",
        "预约心血管内科门诊",
        "确认门诊预约时间",
    ),
    (
        "满意度回访",
        "门诊就诊后的满意度回访",
        "候诊时间较长",
        "反馈给门诊部",
        "告知改进措施",
    ),
    (
        "VIP服务介绍",
        "介绍会员权益和家庭医生服务",
        "有兴趣，需要和家人商量",
        "下周再联系",
        "跟进会员办理意向",
    ),
    (
        "慢病随访",
        "了解血压控制和用药情况",
        "最近血压平稳",
        "继续按时服药",
        "下次随访测量血压",
    ),
    (
        "预约挂号",
        "预约儿科专家门诊",
        "希望周末就诊",
        "已预约周六上午",
        "就诊前一天提醒",
    ),
    (
        "费用咨询",
        "咨询商业保险直付流程",
        "需要保险公司确认",
        "提供直付合作保险公司名单",
        "确认保险审批结果",
    ),
    (
        "孕产服务咨询",
        "咨询产检套餐和分娩服务",
        "对单间病房很满意",
        "预约参观产房",
        "安排参观产房",
    ),
    ("生日关怀", "致电送上生日祝福", "客户很开心", "无", ""),
];

const HOUSE_TAGS: [&str; 4] = ["家庭客户", "高端体检", "慢病管理", "儿童保健"];

/// What was made, for the summary line.
pub struct Made {
    pub individuals: usize,
    pub organizations: usize,
    pub relations: usize,
    pub contacts: usize,
    pub reminders: usize,
}

fn relation(
    from: CustomerId,
    to: CustomerId,
    kind: RelationKind,
    at: NaiveDateTime,
) -> RelationRow {
    RelationRow {
        id: RelationId::new(),
        from_id: from,
        to_id: to,
        kind: kind.code().into(),
        note: None,
        created_by: None,
        created_at: at,
    }
}

/// Adds the customers; `owners` maps an institution code to the staff who keep in touch with
/// its customers (user ids), `managers` to its account managers.
pub fn fill(
    conn: &mut DbConn,
    targets: &[Target],
    owners: &HashMap<String, Vec<UserId>>,
    managers: &HashMap<String, UserId>,
) -> Result<Made, DbError> {
    let mut rng = StdRng::seed_from_u64(2026);
    let now = hcrm_db::now();
    let mut maker = Maker::new(now, String::new());
    let mut batch = Batch::default();
    let mut relations = Vec::new();
    let mut made_orgs = 0;
    for target in targets {
        let start = batch.customers.len();
        // Families: a couple, their children, sometimes an elderly parent; and some singles.
        while batch.customers.len() - start < PEOPLE_PER_INSTITUTION {
            if rng.random_bool(0.25) {
                let gender = *[Gender::Male, Gender::Female]
                    .choose(&mut rng)
                    .unwrap_or(&Gender::Female);
                let age = rng.random_range(18..80);
                maker.person(
                    &mut rng,
                    &mut batch,
                    target,
                    PersonSpec {
                        gender,
                        age,
                        surname: None,
                        married: Some(false),
                    },
                    true,
                );
                continue;
            }
            let his_age = rng.random_range(27..72);
            let husband = maker.person(
                &mut rng,
                &mut batch,
                target,
                PersonSpec {
                    gender: Gender::Male,
                    age: his_age,
                    surname: None,
                    married: Some(true),
                },
                true,
            );
            let her_age = (his_age as i32 + rng.random_range(-5..3)).max(22) as u32;
            let wife = maker.person(
                &mut rng,
                &mut batch,
                target,
                PersonSpec {
                    gender: Gender::Female,
                    age: her_age,
                    surname: None,
                    married: Some(true),
                },
                true,
            );
            let at = batch.customers[husband].created_at;
            let (h, w) = (batch.customers[husband].id, batch.customers[wife].id);
            relations.push(relation(h, w, RelationKind::Spouse, at));
            // The family's shared address.
            let home = batch.profiles[husband].clone();
            let surname_index = crate::synth::SURNAMES
                .iter()
                .position(|(s, _)| batch.customers[husband].name.starts_with(s))
                .filter(|&i| {
                    // A compound surname wins over its first character.
                    let s = crate::synth::SURNAMES[i].0;
                    !crate::synth::SURNAMES.iter().any(|(o, _)| {
                        o.len() > s.len() && batch.customers[husband].name.starts_with(o)
                    })
                });
            let children = if his_age < 30 {
                0
            } else {
                rng.random_range(0..3)
            };
            for _ in 0..children {
                let age = rng.random_range(0..(his_age - 25).min(40));
                let gender = *[Gender::Male, Gender::Female]
                    .choose(&mut rng)
                    .unwrap_or(&Gender::Male);
                let child = maker.person(
                    &mut rng,
                    &mut batch,
                    target,
                    PersonSpec {
                        gender,
                        age,
                        surname: surname_index,
                        married: (age >= 18).then_some(age > 28),
                    },
                    true,
                );
                share_home(&mut batch, child, &home);
                let c = batch.customers[child].id;
                relations.push(relation(h, c, RelationKind::Parent, at));
                relations.push(relation(w, c, RelationKind::Parent, at));
            }
            if his_age < 60 && rng.random_bool(0.3) {
                let age = (his_age + rng.random_range(24..32)).min(98);
                let gender = *[Gender::Male, Gender::Female]
                    .choose(&mut rng)
                    .unwrap_or(&Gender::Female);
                let elder = maker.person(
                    &mut rng,
                    &mut batch,
                    target,
                    PersonSpec {
                        gender,
                        age,
                        surname: (gender == Gender::Male).then_some(surname_index).flatten(),
                        married: Some(true),
                    },
                    true,
                );
                share_home(&mut batch, elder, &home);
                let e = batch.customers[elder].id;
                relations.push(relation(e, h, RelationKind::Parent, at));
                batch.tags.push(TagRow {
                    customer_id: e,
                    tag: "老年关怀".into(),
                });
            }
            share_home(&mut batch, wife, &home);
            if rng.random_bool(0.3) {
                batch.tags.push(TagRow {
                    customer_id: h,
                    tag: (*HOUSE_TAGS.choose(&mut rng).unwrap_or(&HOUSE_TAGS[0])).into(),
                });
            }
        }
        let people: Vec<usize> = (start..batch.customers.len())
            .filter(|&i| {
                batch.profiles[i]
                    .occupation
                    .as_deref()
                    .is_some_and(|o| o != "学生" && o != "退休")
            })
            .collect();
        // Organizations of the institution's city, with a few employees each.
        let shanghai = target.city.contains("上海");
        let orgs: Vec<_> = ORGANIZATIONS
            .iter()
            .filter(|(name, _, _)| name.contains("上海") == shanghai)
            .enumerate()
            .filter(|(i, _)| target.code != "BJ02" || i % 2 == 1)
            .filter(|(i, _)| target.code != "BJ01" || i % 2 == 0)
            .map(|(_, o)| *o)
            .collect();
        for (k, (name, industry, size)) in orgs.into_iter().enumerate() {
            let org = add_org(
                &mut maker, &mut rng, &mut batch, target, name, industry, size, k,
            );
            made_orgs += 1;
            let org_id = batch.customers[org].id;
            let at = batch.customers[org].created_at;
            let n = rng.random_range(3..8);
            for &p in people.choose_multiple(&mut rng, n) {
                if batch.customers[p].employer_id.is_some() {
                    continue;
                }
                batch.customers[p].employer_id = Some(org_id);
                let p_id = batch.customers[p].id;
                relations.push(relation(p_id, org_id, RelationKind::EmployeeOf, at));
                batch.categories.push(CategoryRow {
                    customer_id: p_id,
                    category: "health_check".into(),
                });
            }
        }
        // Loyal customers have an account manager.
        if let Some(m) = managers.get(&target.code) {
            for row in &mut batch.customers[start..] {
                if row.lifecycle_stage == "loyal" {
                    row.account_manager_id = Some(*m);
                }
            }
        }
    }
    // A category may have been given twice (employees' health checks).
    batch
        .categories
        .sort_by(|a, b| (&a.customer_id, &a.category).cmp(&(&b.customer_id, &b.category)));
    batch
        .categories
        .dedup_by(|a, b| a.customer_id == b.customer_id && a.category == b.category);
    batch
        .tags
        .sort_by(|a, b| (&a.customer_id, &a.tag).cmp(&(&b.customer_id, &b.tag)));
    batch
        .tags
        .dedup_by(|a, b| a.customer_id == b.customer_id && a.tag == b.tag);
    // Employers before their employees (foreign keys are checked per statement).
    batch.customers.sort_by_key(|r| r.kind != "organization");
    batch.write(conn)?;
    hcrm_db::relations::insert_many(conn, &relations)?;

    // Contact records with next steps, and their reminders, as the API records them.
    let mut contacts = 0;
    let mut reminders = 0;
    let relatives: HashMap<CustomerId, CustomerId> = relations
        .iter()
        .filter(|r| r.kind == "spouse")
        .flat_map(|r| [(r.from_id, r.to_id), (r.to_id, r.from_id)])
        .collect();
    let inst_code: HashMap<InstitutionId, &str> =
        targets.iter().map(|t| (t.id, t.code.as_str())).collect();
    for row in &batch.customers {
        if row.kind != "individual" || !rng.random_bool(0.55) {
            continue;
        }
        let code = inst_code.get(&row.institution_id).copied().unwrap_or("");
        let Some(staff) = owners.get(code).filter(|s| !s.is_empty()) else {
            continue;
        };
        for _ in 0..rng.random_range(1..4) {
            let (subject, content, feedback, agreement, next) =
                *CONTACTS.choose(&mut rng).unwrap_or(&CONTACTS[0]);
            let occurred = now - Duration::minutes(rng.random_range(30..240 * 24 * 60));
            let owner = *staff.choose(&mut rng).unwrap_or(&staff[0]);
            let with_spouse = rng
                .random_bool(0.1)
                .then(|| relatives.get(&row.id).copied())
                .flatten();
            let channel = *ContactChannel::ALL
                .choose(&mut rng)
                .unwrap_or(&ContactChannel::Phone);
            let next_on = (!next.is_empty() && rng.random_bool(0.25))
                .then(|| maker.today + Duration::days(rng.random_range(-5..21)));
            let direction = if rng.random_bool(0.4) {
                Direction::Inbound
            } else {
                Direction::Outbound
            };
            let contact = ContactCreate {
                channel,
                direction,
                party: if with_spouse.is_some() {
                    ContactParty::Relative
                } else {
                    ContactParty::Customer
                },
                party_customer_id: with_spouse.map(Uuid::from),
                subject: subject.into(),
                content: Some(content.into()),
                feedback: Some(feedback.into()),
                agreement: Some(agreement.into()),
                next_step: (!next.is_empty()).then(|| next.to_string()),
                next_step_on: next_on,
                minutes_spent: Some(rng.random_range(3..40)),
                money_spent_fen: rng.random_bool(0.1).then(|| rng.random_range(100..5000)),
                occurred_at: Some(occurred.and_utc()),
            };
            let made =
                hcrm_db::contacts::create(conn, row.id, row.institution_id, &contact, owner)?;
            contacts += 1;
            reminders += usize::from(made.reminder_task_id.is_some());
        }
    }
    Ok(Made {
        individuals: batch.customers.len() - made_orgs,
        organizations: made_orgs,
        relations: relations.len(),
        contacts,
        reminders,
    })
}

/// Family members live together.
fn share_home(batch: &mut Batch, i: usize, home: &ProfileRow) {
    let p = &mut batch.profiles[i];
    p.province.clone_from(&home.province);
    p.city.clone_from(&home.city);
    p.district.clone_from(&home.district);
    p.street.clone_from(&home.street);
}

#[allow(clippy::too_many_arguments)]
fn add_org(
    maker: &mut Maker,
    rng: &mut StdRng,
    batch: &mut Batch,
    target: &Target,
    name: &str,
    industry: &str,
    size: &str,
    k: usize,
) -> usize {
    maker.serial += 1;
    let id = CustomerId::new();
    let (full, initials) = hcrm_domain::customer::search_keys::pinyin_keys(name);
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let region = if target.city.contains("上海") {
        "310105"
    } else {
        "110105"
    };
    let body: String = (0..9)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    let uscc = uscc_for(&format!("91{region}{body}"));
    let created = maker.now - Duration::days(rng.random_range(30..1000));
    batch.customers.push(CustomerRow {
        id,
        institution_id: target.id,
        kind: "organization".into(),
        name: name.into(),
        name_pinyin: full,
        name_initials: initials,
        gender: None,
        birth_date: None,
        birth_month: None,
        id_type: None,
        id_number: None,
        card_number: None,
        // Organizations are addressed by their name.
        form_of_address: name.into(),
        form_of_address_custom: false,
        lifecycle_stage: if k.is_multiple_of(3) {
            "loyal"
        } else {
            "current"
        }
        .into(),
        relationship_type: Some("partner".into()),
        source_channel: Some("partner".into()),
        account_manager_id: None,
        uscc,
        employer_id: None,
        merged_into_id: None,
        deleted_at: None,
        version: 1,
        created_by: None,
        created_at: created,
        updated_at: created,
    });
    batch
        .phones
        .push(PhoneRow::new(id, &crate::synth::mobile(rng), true));
    batch.profiles.push(ProfileRow {
        customer_id: id,
        landline: Some(format!(
            "{}-{}",
            if target.city.contains("上海") {
                "021"
            } else {
                "010"
            },
            rng.random_range(5000_0000..9000_0000)
        )),
        city: Some(target.city.clone()),
        industry: Some(industry.into()),
        org_size: Some(size.into()),
        interests: "[]".into(),
        notes: Some("团体体检合作单位".into()),
        ..Default::default()
    });
    batch.categories.push(CategoryRow {
        customer_id: id,
        category: "partner".into(),
    });
    batch.external_ids.push(ExternalIdRow {
        customer_id: id,
        institution_id: target.id,
        system: "HIS".into(),
        external_id: format!("ORG{}{:05}", target.code, maker.serial),
    });
    batch.stages.push(StageRow {
        id: StageChangeId::new(),
        customer_id: id,
        from_stage: None,
        to_stage: batch.customers[batch.customers.len() - 1]
            .lifecycle_stage
            .clone(),
        reason: Some("created".into()),
        changed_by: None,
        changed_at: created,
    });
    batch.customers.len() - 1
}
