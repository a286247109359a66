//! Synthetic but realistic customers (OPS-2), shared by `hcrm demo` and `hcrm generate`: Chinese
//! names from a weighted vocabulary whose pinyin is worked out once, valid resident ID numbers
//! (real region codes, consistent with birth date and gender), valid mobiles, addresses in the
//! institution's city. Deterministic for a seed; the rows are hcrm-db's own
//! (`hcrm_db::customers::NewCustomers`), written in multi-row batches.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use hcrm_db::customers::{
    CategoryRow, CustomerRow, ExternalIdRow, NewCustomers, PhoneRow, ProfileRow, StageRow, TagRow,
};
use hcrm_db::ids::{CustomerId, InstitutionId, StageChangeId};
use hcrm_domain::Lang;
use hcrm_domain::customer::search_keys::pinyin_keys;
use hcrm_domain::customer::{
    CustomerCategory, Gender, LifecycleStage, RelationshipType, SourceChannel, age_on,
    form_of_address, resident_id_for,
};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The generator's batch: hcrm-db's own rows of new customers, written set-based.
pub type Batch = NewCustomers;

/// Surnames with their rough share per 10,000 people (the most common ones, and a few
/// compound surnames).
pub const SURNAMES: &[(&str, u32)] = &[
    ("王", 710),
    ("李", 700),
    ("张", 680),
    ("刘", 540),
    ("陈", 460),
    ("杨", 330),
    ("黄", 230),
    ("赵", 220),
    ("吴", 200),
    ("周", 200),
    ("徐", 170),
    ("孙", 150),
    ("马", 150),
    ("朱", 140),
    ("胡", 130),
    ("郭", 130),
    ("何", 120),
    ("高", 120),
    ("林", 120),
    ("罗", 110),
    ("郑", 110),
    ("梁", 100),
    ("谢", 90),
    ("宋", 80),
    ("唐", 80),
    ("许", 70),
    ("韩", 70),
    ("冯", 70),
    ("邓", 70),
    ("曹", 70),
    ("彭", 60),
    ("曾", 60),
    ("肖", 60),
    ("田", 60),
    ("董", 50),
    ("袁", 50),
    ("潘", 50),
    ("于", 50),
    ("蒋", 50),
    ("蔡", 50),
    ("余", 50),
    ("杜", 50),
    ("叶", 40),
    ("程", 40),
    ("苏", 40),
    ("魏", 40),
    ("吕", 40),
    ("丁", 40),
    ("任", 40),
    ("沈", 40),
    ("姚", 30),
    ("卢", 30),
    ("姜", 30),
    ("崔", 30),
    ("钟", 30),
    ("谭", 30),
    ("陆", 30),
    ("汪", 30),
    ("范", 30),
    ("金", 30),
    ("石", 30),
    ("廖", 30),
    ("贾", 30),
    ("夏", 30),
    ("韦", 30),
    ("方", 30),
    ("白", 20),
    ("邹", 20),
    ("孟", 20),
    ("熊", 20),
    ("秦", 20),
    ("邱", 20),
    ("江", 20),
    ("尹", 20),
    ("薛", 20),
    ("段", 20),
    ("雷", 20),
    ("侯", 20),
    ("龙", 20),
    ("史", 20),
    ("陶", 20),
    ("黎", 20),
    ("贺", 20),
    ("顾", 20),
    ("毛", 20),
    ("郝", 20),
    ("龚", 20),
    ("邵", 20),
    ("万", 20),
    ("钱", 20),
    ("严", 20),
    ("武", 20),
    ("戴", 20),
    ("孔", 10),
    ("汤", 10),
    ("欧阳", 4),
    ("司马", 2),
    ("诸葛", 2),
    ("上官", 2),
    ("慕容", 1),
    ("皇甫", 1),
    ("东方", 1),
    ("令狐", 1),
];

const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "建", "国", "志", "文",
    "海", "东", "晨", "阳", "峰", "博", "子", "轩", "睿", "泽", "宏", "振", "德", "永", "瑞", "嘉",
];

const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "燕", "玲", "桂", "丹", "萍", "红", "玉",
    "兰", "婷", "雪", "琳", "慧", "莉", "颖", "倩", "洁", "佳", "梅", "欣", "怡", "雨", "萱", "诗",
    "涵", "梦", "晓", "月", "璐", "蕾", "思", "妍", "琪", "春", "小", "淑", "爱", "晶", "文", "嘉",
];

/// Real county-level region codes (the first six digits of an ID number).
const REGIONS: &[&str] = &[
    "110101", "110102", "110105", "110106", "110108", "110112", "310104", "310105", "310106",
    "310115", "440106", "440305", "330106", "320102", "510107", "420106", "370102", "130102",
    "410105", "210102", "120101", "350203", "430104", "610113",
];

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158",
    "159", "166", "176", "177", "180", "182", "185", "186", "187", "188", "189", "191", "199",
];

pub const OCCUPATIONS: &[&str] = &[
    "软件工程师",
    "小学教师",
    "企业管理人员",
    "会计",
    "公务员",
    "销售经理",
    "个体经营",
    "自由职业",
    "退休",
    "设计师",
    "护士",
    "医生",
    "律师",
    "大学教授",
    "银行职员",
    "司机",
    "工人",
    "学生",
    "市场专员",
    "建筑工程师",
];

/// Education codes (hcrm-domain `Education`; issue 9 item 7).
const EDUCATIONS: &[&str] = &[
    "senior_high",
    "college",
    "bachelor",
    "master",
    "doctorate",
    "junior_high",
];

pub const TAGS: &[&str] = &[
    "高端体检",
    "慢病管理",
    "孕产",
    "儿童保健",
    "商保客户",
    "术后随访",
    "价格敏感",
    "VIP候选",
    "外籍",
    "高血压",
    "糖尿病",
    "老年关怀",
];

/// City and its districts and streets, per institution city.
struct City {
    province: &'static str,
    city: &'static str,
    districts: &'static [&'static str],
    streets: &'static [&'static str],
}

const BEIJING: City = City {
    province: "北京市",
    city: "北京市",
    districts: &[
        "朝阳区",
        "海淀区",
        "东城区",
        "西城区",
        "丰台区",
        "通州区",
        "昌平区",
    ],
    streets: &[
        "望京西园三区",
        "建国路",
        "中关村大街",
        "朝阳北路",
        "安立路",
        "西大望路",
        "将台路",
        "亮马桥路",
        "学院路",
        "广渠门内大街",
    ],
};

const SHANGHAI: City = City {
    province: "上海市",
    city: "上海市",
    districts: &["长宁区", "徐汇区", "浦东新区", "静安区", "闵行区", "普陀区"],
    streets: &[
        "仙霞路",
        "虹桥路",
        "淮海中路",
        "世纪大道",
        "古北路",
        "天山路",
        "漕溪北路",
        "张杨路",
    ],
};

fn city_of(city_name: &str) -> &'static City {
    if city_name.contains("上海") {
        &SHANGHAI
    } else {
        &BEIJING
    }
}

/// A name part with its pinyin worked out once.
#[derive(Clone)]
struct Part {
    text: &'static str,
    full: String,
    initials: String,
}

fn part(text: &'static str) -> Part {
    let (full, initials) = pinyin_keys(text);
    Part {
        text,
        full,
        initials,
    }
}

/// The name vocabulary with pinyin, and the cumulative surname weights.
pub struct Vocab {
    surnames: Vec<Part>,
    cumulative: Vec<u32>,
    male: Vec<Part>,
    female: Vec<Part>,
}

impl Default for Vocab {
    fn default() -> Self {
        Self::new()
    }
}

impl Vocab {
    pub fn new() -> Vocab {
        let mut total = 0;
        let cumulative = SURNAMES
            .iter()
            .map(|(_, w)| {
                total += w;
                total
            })
            .collect();
        Vocab {
            surnames: SURNAMES.iter().map(|(s, _)| part(s)).collect(),
            cumulative,
            male: MALE_CHARS.iter().map(|c| part(c)).collect(),
            female: FEMALE_CHARS.iter().map(|c| part(c)).collect(),
        }
    }

    fn surname_index(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let x = rng.random_range(0..total);
        self.cumulative.partition_point(|&c| c <= x)
    }

    /// A weighted surname, for benchmarks' queries.
    pub fn surname(&self, rng: &mut StdRng) -> &'static str {
        self.surnames[self.surname_index(rng)].text
    }

    /// A given-name character, for benchmarks' queries.
    pub fn given_char(&self, rng: &mut StdRng) -> &'static str {
        let list = if rng.random_bool(0.5) {
            &self.male
        } else {
            &self.female
        };
        list[rng.random_range(0..list.len())].text
    }

    /// Two letters of pinyin initials that real names start with (surname + given name).
    pub fn initials2(&self, rng: &mut StdRng) -> String {
        let s = &self.surnames[self.surname_index(rng)];
        let list = if rng.random_bool(0.5) {
            &self.male
        } else {
            &self.female
        };
        let g = &list[rng.random_range(0..list.len())];
        let mut out: String = s.initials.chars().take(2).collect();
        if out.len() < 2 {
            out.push_str(&g.initials);
        }
        out
    }

    /// A full name with its pinyin keys (equal to `pinyin_keys(name)`).
    pub fn name(
        &self,
        rng: &mut StdRng,
        gender: Gender,
        surname: Option<usize>,
    ) -> (String, String, String, usize) {
        let si = surname.unwrap_or_else(|| self.surname_index(rng));
        let s = &self.surnames[si];
        let list = if gender == Gender::Male {
            &self.male
        } else {
            &self.female
        };
        let mut name = s.text.to_string();
        let mut full = s.full.clone();
        let mut initials = s.initials.clone();
        let n = if rng.random_bool(0.3) { 1 } else { 2 };
        for _ in 0..n {
            let g = &list[rng.random_range(0..list.len())];
            name.push_str(g.text);
            full.push_str(&g.full);
            initials.push_str(&g.initials);
        }
        (name, full, initials, si)
    }
}

/// A random valid mainland mobile number.
pub fn mobile(rng: &mut StdRng) -> String {
    let prefix = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// An institution customers are made for.
#[derive(Clone)]
pub struct Target {
    pub id: InstitutionId,
    pub code: String,
    pub city: String,
}

/// What [`Maker::person`] needs to know beyond chance.
pub struct PersonSpec {
    pub gender: Gender,
    pub age: u32,
    pub surname: Option<usize>,
    pub married: Option<bool>,
}

/// Makes customers one by one into a [`Batch`].
pub struct Maker {
    pub vocab: Vocab,
    pub today: NaiveDate,
    pub now: NaiveDateTime,
    /// Numbering of HIS ids and cards, per run.
    pub serial: u64,
    /// Prefix keeping HIS ids and cards of different runs apart.
    pub run_tag: String,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    // Every list here is a non-empty constant.
    items.choose(rng).unwrap_or(&items[0])
}

/// A realistic age: adults mostly, some children and elderly.
pub fn random_age(rng: &mut StdRng) -> u32 {
    match rng.random_range(0..100) {
        0..=9 => rng.random_range(0..18),
        10..=64 => rng.random_range(18..60),
        65..=89 => rng.random_range(60..75),
        _ => rng.random_range(75..96),
    }
}

fn weighted<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for &(v, w) in table {
        if x < w {
            return v;
        }
        x -= w;
    }
    table[0].0
}

impl Maker {
    pub fn new(now: NaiveDateTime, run_tag: String) -> Maker {
        Maker {
            vocab: Vocab::new(),
            today: (now + Duration::hours(8)).date(),
            now,
            serial: 0,
            run_tag,
        }
    }

    pub fn birth_for_age(&self, rng: &mut StdRng, age: u32) -> NaiveDate {
        let days_ago = age as i64 * 365 + rng.random_range(1..365);
        let mut b = self.today - Duration::days(days_ago);
        // Keep the age exact whatever the leap years did.
        while age_on(b, self.today) > age {
            b += Duration::days(1);
        }
        while age_on(b, self.today) < age {
            b -= Duration::days(1);
        }
        b
    }

    /// Adds one individual customer to `batch`; returns its index in `batch.customers`.
    pub fn person(
        &mut self,
        rng: &mut StdRng,
        batch: &mut Batch,
        target: &Target,
        spec: PersonSpec,
        detailed: bool,
    ) -> usize {
        self.serial += 1;
        let id = CustomerId::new();
        let (name, full, initials, _) = self.vocab.name(rng, spec.gender, spec.surname);
        let birth = self.birth_for_age(rng, spec.age);
        let seq = rng.random_range(0..500u16) * 2 + u16::from(spec.gender == Gender::Male);
        let region: &&str = pick(rng, REGIONS);
        let id_number = resident_id_for(region, birth, seq);
        let occupation = match spec.age {
            0..=5 => None,
            6..=22 => Some("学生"),
            66.. => Some("退休"),
            _ => Some(*pick(rng, OCCUPATIONS)),
        };
        let form = form_of_address(
            &name,
            Some(spec.gender),
            Some(spec.age),
            occupation,
            Lang::Zh,
        );
        let stage = weighted(
            rng,
            &[
                (LifecycleStage::Potential, 25),
                (LifecycleStage::Current, 45),
                (LifecycleStage::Loyal, 15),
                (LifecycleStage::Dissatisfied, 5),
                (LifecycleStage::Lost, 10),
            ],
        );
        let source = weighted(
            rng,
            &[
                (SourceChannel::WalkIn, 30),
                (SourceChannel::Referral, 20),
                (SourceChannel::Web, 20),
                (SourceChannel::Advertising, 10),
                (SourceChannel::His, 12),
                (SourceChannel::Partner, 5),
                (SourceChannel::Other, 3),
            ],
        );
        let relationship = weighted(
            rng,
            &[
                (RelationshipType::Basic, 40),
                (RelationshipType::Passive, 25),
                (RelationshipType::Responsible, 20),
                (RelationshipType::Proactive, 10),
                (RelationshipType::Partner, 5),
            ],
        );
        let created = self.now - Duration::minutes(rng.random_range(60..3 * 365 * 24 * 60));
        let card = rng
            .random_bool(0.6)
            .then(|| format!("{}{}{:07}", target.code, self.run_tag, self.serial));
        batch.customers.push(CustomerRow {
            id,
            institution_id: target.id,
            kind: "individual".into(),
            name,
            name_pinyin: full.clone(),
            name_initials: initials,
            gender: Some(spec.gender.code().into()),
            birth_date: Some(birth),
            birth_month: Some(birth.month() as i32),
            id_type: Some("resident_id".into()),
            id_number: Some(id_number),
            card_number: card,
            form_of_address: form,
            form_of_address_custom: false,
            lifecycle_stage: stage.code().into(),
            relationship_type: Some(relationship.code().into()),
            source_channel: Some(source.code().into()),
            account_manager_id: None,
            uscc: None,
            employer_id: None,
            merged_into_id: None,
            deleted_at: None,
            version: 1,
            created_by: None,
            created_at: created,
            updated_at: created,
        });
        batch.phones.push(PhoneRow::new(id, &mobile(rng), true));
        if rng.random_bool(0.1) {
            batch.phones.push(PhoneRow::new(id, &mobile(rng), false));
        }
        let city = city_of(&target.city);
        let street = format!(
            "{}{}号{}单元{}室",
            pick(rng, city.streets),
            rng.random_range(1..200),
            rng.random_range(1..7),
            rng.random_range(1..30) * 100 + rng.random_range(1..5)
        );
        batch.profiles.push(ProfileRow {
            customer_id: id,
            wechat: (detailed && rng.random_bool(0.5)).then(|| format!("wx_{full}{}", self.serial)),
            email: (detailed && rng.random_bool(0.3)).then(|| {
                format!(
                    "{full}{}@{}",
                    rng.random_range(1..999),
                    pick(rng, &["163.com", "qq.com", "126.com", "sina.com"])
                )
            }),
            province: Some(city.province.into()),
            city: Some(city.city.into()),
            district: Some((*pick(rng, city.districts)).into()),
            street: Some(street),
            occupation: occupation.map(str::to_string),
            education: (detailed && spec.age >= 18).then(|| (*pick(rng, EDUCATIONS)).into()),
            marital_status: spec
                .married
                .map(|m| if m { "married" } else { "single" }.to_string()),
            preferred_language: Some("zh".into()),
            preferred_channel: detailed
                .then(|| (*pick(rng, &["phone", "wechat", "sms", "email"])).to_string()),
            interests: "[]".into(),
            ..Default::default()
        });
        let category = weighted(
            rng,
            &[
                (CustomerCategory::Outpatient, 60),
                (CustomerCategory::HealthCheck, 20),
                (CustomerCategory::Inpatient, 10),
                (CustomerCategory::RelativeOrFriend, 10),
            ],
        );
        // The generator (`detailed` off) leaves categories and stage history out: fewer rows
        // to write, and no search reads them.
        if detailed {
            batch.categories.push(CategoryRow {
                customer_id: id,
                category: category.code().into(),
            });
        }
        if rng.random_bool(0.25) {
            batch.tags.push(TagRow {
                customer_id: id,
                tag: (*pick(rng, TAGS)).into(),
            });
        }
        if rng.random_bool(0.5) || source == SourceChannel::His {
            batch.external_ids.push(ExternalIdRow {
                customer_id: id,
                institution_id: target.id,
                system: "HIS".into(),
                external_id: format!("P{}{}{:08}", target.code, self.run_tag, self.serial),
            });
        }
        if detailed {
            batch.stages.push(StageRow {
                id: StageChangeId::new(),
                customer_id: id,
                from_stage: None,
                to_stage: stage.code().into(),
                reason: Some("created".into()),
                changed_by: None,
                changed_at: created,
            });
        }
        batch.customers.len() - 1
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use hcrm_domain::customer::parse_resident_id;
    use rand::SeedableRng;

    fn make(seed: u64, n: usize) -> Batch {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(4, 0, 0)
            .unwrap();
        let mut maker = Maker::new(now, "T".into());
        let mut rng = StdRng::seed_from_u64(seed);
        let mut batch = Batch::default();
        let targets = [
            Target {
                id: InstitutionId::new(),
                code: "BJ01".into(),
                city: "北京".into(),
            },
            Target {
                id: InstitutionId::new(),
                code: "SH01".into(),
                city: "上海".into(),
            },
        ];
        for i in 0..n {
            let gender = if i % 2 == 0 {
                Gender::Male
            } else {
                Gender::Female
            };
            let spec = PersonSpec {
                gender,
                age: random_age(&mut rng),
                surname: None,
                married: None,
            };
            maker.person(&mut rng, &mut batch, &targets[i % 2], spec, i % 3 == 0);
        }
        batch
    }

    #[test]
    fn people_have_valid_consistent_identities_and_pinyin() {
        let batch = make(1, 3000);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        for c in &batch.customers {
            let id = parse_resident_id(c.id_number.as_deref().unwrap(), today).unwrap();
            assert_eq!(Some(id.birth_date), c.birth_date, "{}", c.name);
            assert_eq!(Some(id.gender.code().to_string()), c.gender);
            assert_eq!(
                (c.name_pinyin.clone(), c.name_initials.clone()),
                pinyin_keys(&c.name),
                "{}",
                c.name
            );
            let age = age_on(c.birth_date.unwrap(), today);
            let gender = Gender::from_code(c.gender.as_deref().unwrap());
            let occupation = batch
                .profiles
                .iter()
                .find(|p| p.customer_id == c.id)
                .and_then(|p| p.occupation.clone());
            assert_eq!(
                c.form_of_address,
                form_of_address(&c.name, gender, Some(age), occupation.as_deref(), Lang::Zh)
            );
            assert!((2..=4).contains(&c.name.chars().count()), "{}", c.name);
        }
        for p in &batch.phones {
            assert!(
                hcrm_domain::validation::mobile(&p.phone).is_ok(),
                "{}",
                p.phone
            );
            assert_eq!(p.last4, p.phone[7..]);
        }
        // Compound surnames appear, and the common ones dominate.
        assert!(batch.customers.iter().any(|c| c.name.starts_with("欧阳")));
        let wang = batch
            .customers
            .iter()
            .filter(|c| c.name.starts_with('王'))
            .count();
        assert!(wang > 100 && wang < 500, "{wang}");
    }

    #[test]
    fn a_seed_gives_the_same_people() {
        let names = |b: &Batch| {
            b.customers
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&make(9, 200)), names(&make(9, 200)));
        assert_ne!(names(&make(9, 200)), names(&make(10, 200)));
    }

    #[test]
    fn query_vocabulary_matches_names() {
        let vocab = Vocab::new();
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..200 {
            let two = vocab.initials2(&mut rng);
            assert_eq!(two.len(), 2, "{two}");
            assert!(two.chars().all(|c| c.is_ascii_lowercase()));
        }
    }
}
