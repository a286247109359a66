//! The customer form as typed (CUS-1 … CUS-8): the draft, what it sends (a create, or an
//! update of only the changed fields) and its live checks in both languages.

use chrono::NaiveDate;
use hcrm_domain::api::customers::{Address, Customer, CustomerCreate, CustomerUpdate, ExternalId};
use hcrm_domain::customer::update::identity_from_id;
use hcrm_domain::customer::{
    ContactChannel, CustomerCategory, CustomerKind, Education, Gender, IdType, LifecycleStage,
    MaritalStatus, PreferredLanguage, RelationshipType, SourceChannel,
};

use crate::forms::opt;
use crate::pages::customers::picker::Picked;

/// How many external ids a customer may have (`CustomerCreate::external_ids`).
pub(super) const MAX_EXTERNAL_IDS: usize = 10;
/// How many interests a customer may have (`CustomerCreate::interests`).
pub(super) const MAX_INTERESTS: usize = 20;
/// Systems offered as suggestions for an external id (any other may be typed).
pub(super) const EXTERNAL_SYSTEMS: [&str; 5] = ["his", "emr", "lis", "pacs", "wechat"];

/// One row of the external id editor, as typed.
#[derive(Clone, PartialEq, Default)]
pub(super) struct ExtRow {
    pub(super) system: String,
    pub(super) external_id: String,
}

impl ExtRow {
    pub(super) fn is_blank(&self) -> bool {
        self.system.trim().is_empty() && self.external_id.trim().is_empty()
    }

    /// One part given, the other not.
    pub(super) fn is_incomplete(&self) -> bool {
        self.system.trim().is_empty() != self.external_id.trim().is_empty()
    }
}

#[derive(Clone, PartialEq, Default)]
pub(super) struct Draft {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) gender: String,
    pub(super) birth_date: String,
    pub(super) id_type: String,
    pub(super) id_number: String,
    pub(super) phone: String,
    pub(super) phone2: String,
    pub(super) email: String,
    pub(super) wechat: String,
    pub(super) form_of_address: String,
    pub(super) occupation: String,
    pub(super) source_channel: String,
    pub(super) categories: Vec<CustomerCategory>,
    pub(super) tags: String,
    pub(super) lifecycle_stage: String,
    pub(super) stage_reason: String,
    pub(super) relationship_type: String,
    pub(super) uscc: String,
    pub(super) industry: String,
    pub(super) city: String,
    pub(super) district: String,
    pub(super) street: String,
    pub(super) notes: String,
    pub(super) province: String,
    pub(super) card_number: String,
    pub(super) landline: String,
    pub(super) qq: String,
    pub(super) education: String,
    pub(super) marital_status: String,
    pub(super) family_situation: String,
    pub(super) preferred_language: String,
    pub(super) preferred_channel: String,
    pub(super) preferred_hours: String,
    pub(super) source_detail: String,
    pub(super) org_size: String,
    /// The organization the person works for (individuals only).
    pub(super) employer: Option<Picked>,
    pub(super) referred_by: Option<Picked>,
    /// Interests as typed, separated by commas, 、 or semicolons.
    pub(super) interests: String,
    pub(super) external_ids: Vec<ExtRow>,
}

pub(super) fn code_opt<T>(s: &str, from: fn(&str) -> Option<T>) -> Option<T> {
    from(s)
}

impl Draft {
    pub(super) fn from_customer(c: &Customer) -> Draft {
        let code = |s: Option<&'static str>| s.unwrap_or_default().to_string();
        Draft {
            kind: c.kind.code().into(),
            name: c.name.clone(),
            gender: code(c.gender.map(|g| g.code())),
            birth_date: c.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            id_type: code(c.id_type.map(|t| t.code())),
            id_number: c.id_number.clone().unwrap_or_default(),
            phone: c.phones.first().cloned().unwrap_or_default(),
            phone2: c.phones.get(1).cloned().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
            wechat: c.wechat.clone().unwrap_or_default(),
            form_of_address: if c.form_of_address_custom {
                c.form_of_address.clone()
            } else {
                String::new()
            },
            occupation: c.occupation.clone().unwrap_or_default(),
            source_channel: code(c.source_channel.map(|s| s.code())),
            categories: c.categories.clone(),
            tags: c.tags.join("，"),
            lifecycle_stage: c.lifecycle_stage.code().into(),
            stage_reason: String::new(),
            relationship_type: code(c.relationship_type.map(|r| r.code())),
            uscc: c.uscc.clone().unwrap_or_default(),
            industry: c.industry.clone().unwrap_or_default(),
            city: c.address.city.clone().unwrap_or_default(),
            district: c.address.district.clone().unwrap_or_default(),
            street: c.address.street.clone().unwrap_or_default(),
            notes: c.notes.clone().unwrap_or_default(),
            province: c.address.province.clone().unwrap_or_default(),
            card_number: c.card_number.clone().unwrap_or_default(),
            landline: c.landline.clone().unwrap_or_default(),
            qq: c.qq.clone().unwrap_or_default(),
            education: code(c.education.map(|v| v.code())),
            marital_status: code(c.marital_status.map(|v| v.code())),
            family_situation: c.family_situation.clone().unwrap_or_default(),
            preferred_language: code(c.preferred_language.map(|v| v.code())),
            preferred_channel: code(c.preferred_channel.map(|v| v.code())),
            preferred_hours: c.preferred_hours.clone().unwrap_or_default(),
            source_detail: c.source_detail.clone().unwrap_or_default(),
            org_size: c.org_size.clone().unwrap_or_default(),
            employer: c.employer_id.map(|id| Picked {
                id,
                name: c.employer_name.clone().unwrap_or_default(),
            }),
            referred_by: c.referred_by_id.map(|id| Picked {
                id,
                name: c.referred_by_name.clone().unwrap_or_default(),
            }),
            interests: c.interests.join("，"),
            external_ids: c
                .external_ids
                .iter()
                .map(|e| ExtRow {
                    system: e.system.clone(),
                    external_id: e.external_id.clone(),
                })
                .collect(),
        }
    }

    /// Issue 9 item 6: a valid resident ID number fills a blank gender and birth date, as the
    /// server does. Typed over with another valid number, the values the old number gave are
    /// replaced by the new one's; values typed by hand stay (a disagreement is a live error).
    pub(super) fn set_id_number(&mut self, typed: String) {
        let today = crate::clock::today();
        let given = |d: &Draft| {
            identity_from_id(
                d.kind(),
                IdType::from_code(&d.id_type),
                opt(&d.id_number).as_deref(),
                None,
                None,
                today,
            )
        };
        let (old_gender, old_birth) = given(self);
        self.id_number = typed.trim().to_uppercase();
        if given(self).0.is_none() {
            return;
        }
        if old_gender.is_some_and(|g| g.code() == self.gender) {
            self.gender.clear();
        }
        if old_birth.is_some_and(|b| b.to_string() == self.birth_date) {
            self.birth_date.clear();
        }
        let (gender, birth) = identity_from_id(
            self.kind(),
            IdType::from_code(&self.id_type),
            opt(&self.id_number).as_deref(),
            Gender::from_code(&self.gender),
            self.birth_date(),
            today,
        );
        if let Some(g) = gender {
            self.gender = g.code().into();
        }
        if let Some(b) = birth {
            self.birth_date = b.to_string();
        }
    }

    pub(super) fn kind(&self) -> CustomerKind {
        CustomerKind::from_code(&self.kind).unwrap_or(CustomerKind::Individual)
    }

    pub(super) fn phones(&self) -> Vec<String> {
        [&self.phone, &self.phone2]
            .into_iter()
            .filter_map(|p| opt(p))
            .collect()
    }

    pub(super) fn tags(&self) -> Vec<String> {
        self.tags
            .split([',', '，', '、', ';', '；'])
            .filter_map(opt)
            .collect()
    }

    /// The interests, trimmed, without empties and repeats, in the order typed.
    pub(super) fn interests(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in self
            .interests
            .split([',', '，', '、', ';', '；'])
            .filter_map(opt)
        {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// The external ids, trimmed; rows left blank are dropped.
    pub(super) fn external_ids(&self) -> Vec<ExternalId> {
        self.external_ids
            .iter()
            .filter(|r| !r.is_blank())
            .map(|r| ExternalId {
                system: r.system.trim().to_string(),
                external_id: r.external_id.trim().to_string(),
            })
            .collect()
    }

    pub(super) fn birth_date(&self) -> Option<NaiveDate> {
        opt(&self.birth_date).and_then(|d| d.parse().ok())
    }

    pub(super) fn address(&self) -> Address {
        Address {
            province: opt(&self.province),
            city: opt(&self.city),
            district: opt(&self.district),
            street: opt(&self.street),
        }
    }

    pub(super) fn create(&self) -> CustomerCreate {
        let org = self.kind() == CustomerKind::Organization;
        CustomerCreate {
            institution_id: None,
            kind: self.kind(),
            name: self.name.trim().to_string(),
            gender: if org {
                None
            } else {
                code_opt(&self.gender, Gender::from_code)
            },
            birth_date: if org { None } else { self.birth_date() },
            id_type: if org {
                None
            } else {
                code_opt(&self.id_type, IdType::from_code)
            },
            id_number: if org { None } else { opt(&self.id_number) },
            card_number: opt(&self.card_number),
            phones: self.phones(),
            landline: opt(&self.landline),
            wechat: opt(&self.wechat),
            qq: opt(&self.qq),
            email: opt(&self.email),
            address: self.address(),
            occupation: if org { None } else { opt(&self.occupation) },
            employer_id: if org {
                None
            } else {
                self.employer.as_ref().map(|p| p.id)
            },
            education: if org {
                None
            } else {
                code_opt(&self.education, Education::from_code)
            },
            marital_status: if org {
                None
            } else {
                code_opt(&self.marital_status, MaritalStatus::from_code)
            },
            family_situation: if org {
                None
            } else {
                opt(&self.family_situation)
            },
            form_of_address: opt(&self.form_of_address),
            preferred_language: code_opt(&self.preferred_language, PreferredLanguage::from_code),
            preferred_channel: code_opt(&self.preferred_channel, ContactChannel::from_code),
            preferred_hours: opt(&self.preferred_hours),
            source_channel: code_opt(&self.source_channel, SourceChannel::from_code),
            source_detail: opt(&self.source_detail),
            referred_by_id: self.referred_by.as_ref().map(|p| p.id),
            interests: self.interests(),
            categories: self.categories.clone(),
            tags: self.tags(),
            lifecycle_stage: code_opt(&self.lifecycle_stage, LifecycleStage::from_code),
            relationship_type: code_opt(&self.relationship_type, RelationshipType::from_code),
            account_manager_id: None,
            notes: opt(&self.notes),
            uscc: if org {
                opt(&self.uscc).map(|u| u.to_uppercase())
            } else {
                None
            },
            industry: if org { opt(&self.industry) } else { None },
            org_size: if org { opt(&self.org_size) } else { None },
            external_ids: self.external_ids(),
        }
    }

    /// Only what changed against the record read.
    pub(super) fn update(&self, old: &Customer) -> CustomerUpdate {
        let new = self.create();
        let mut u = CustomerUpdate::default();
        macro_rules! diff {
            ($field:ident) => {
                if new.$field != old.$field {
                    u.$field = Some(new.$field.clone());
                }
            };
        }
        if new.name != old.name {
            u.name = Some(new.name.clone());
        }
        diff!(gender);
        diff!(birth_date);
        diff!(wechat);
        diff!(email);
        diff!(occupation);
        diff!(source_channel);
        diff!(relationship_type);
        diff!(notes);
        diff!(uscc);
        diff!(industry);
        diff!(card_number);
        diff!(qq);
        diff!(education);
        diff!(marital_status);
        diff!(family_situation);
        diff!(preferred_language);
        diff!(preferred_channel);
        diff!(preferred_hours);
        diff!(source_detail);
        diff!(org_size);
        diff!(employer_id);
        diff!(referred_by_id);
        if new.interests != old.interests {
            u.interests = Some(new.interests.clone());
        }
        // The API answers external ids sorted; only a different set is a change.
        let sorted = |list: &[ExternalId]| {
            let mut list = list.to_vec();
            list.sort_by(|a, b| (&a.system, &a.external_id).cmp(&(&b.system, &b.external_id)));
            list
        };
        if sorted(&new.external_ids) != sorted(&old.external_ids) {
            u.external_ids = Some(new.external_ids.clone());
        }
        if !old.masked {
            diff!(landline);
        }
        if !old.masked {
            diff!(id_type);
            diff!(id_number);
            if new.phones != old.phones {
                u.phones = Some(new.phones.clone());
            }
        }
        if new.address != old.address {
            u.address = Some(new.address.clone());
        }
        if new.categories != old.categories {
            u.categories = Some(new.categories.clone());
        }
        if new.tags != old.tags {
            u.tags = Some(new.tags.clone());
        }
        let custom = opt(&self.form_of_address);
        if custom.is_some() && custom.as_deref() != Some(old.form_of_address.as_str()) {
            u.form_of_address = Some(custom);
        } else if custom.is_none() && old.form_of_address_custom {
            u.form_of_address = Some(None);
        }
        if let Some(stage) = new.lifecycle_stage
            && stage != old.lifecycle_stage
        {
            u.lifecycle_stage = Some(stage);
            u.stage_reason = opt(&self.stage_reason);
        }
        u
    }
}

#[cfg(test)]
mod tests {
    use super::super::checks::{ext_row_bad, live_errors, looks_like_email};
    use super::*;
    use uuid::Uuid;

    fn draft(f: impl FnOnce(&mut Draft)) -> Draft {
        let mut d = Draft {
            kind: "individual".into(),
            id_type: "resident_id".into(),
            name: "王建国".into(),
            ..Draft::default()
        };
        f(&mut d);
        d
    }

    fn code(d: &Draft, field: &str) -> Option<String> {
        live_errors(d, false).get(field).cloned()
    }

    #[test]
    fn resident_id_checksum_birth_date_and_gender() {
        assert!(live_errors(&draft(|_| {}), false).is_empty());
        let bad = draft(|d| d.id_number = "110105194912310021".into());
        assert_eq!(code(&bad, "id_number").as_deref(), Some("id_checksum"));
        let ok = draft(|d| {
            d.id_number = "11010519491231002X".into();
            d.gender = "female".into();
            d.birth_date = "1949-12-31".into();
        });
        assert!(live_errors(&ok, false).is_empty());
        let other_day = draft(|d| {
            d.id_number = "11010519491231002X".into();
            d.birth_date = "1950-01-01".into();
        });
        assert_eq!(
            code(&other_day, "birth_date").as_deref(),
            Some("id_birth_date_mismatch")
        );
        let male = draft(|d| {
            d.id_number = "11010519491231002X".into();
            d.gender = "male".into();
        });
        assert_eq!(code(&male, "gender").as_deref(), Some("id_gender_mismatch"));
        // Masked numbers are not checked (they are not sent either).
        let masked = draft(|d| d.id_number = "110***********002X".into());
        assert!(live_errors(&masked, true).is_empty());
    }

    /// Issue 9 item 6: the ID number fills gender and birth date; another valid number
    /// replaces what the first gave, never what was typed by hand.
    #[test]
    fn a_valid_id_number_fills_gender_and_birth_date() {
        let mut d = draft(|_| {});
        d.set_id_number("11010519900307001".into());
        assert_eq!((d.gender.as_str(), d.birth_date.as_str()), ("", ""));
        d.set_id_number("110105199003070017".into());
        assert_eq!(
            (d.gender.as_str(), d.birth_date.as_str()),
            ("male", "1990-03-07")
        );
        assert!(live_errors(&d, false).is_empty());
        d.set_id_number("11010519491231002x".into());
        assert_eq!(d.id_number, "11010519491231002X");
        assert_eq!(
            (d.gender.as_str(), d.birth_date.as_str()),
            ("female", "1949-12-31")
        );
        // Typed by hand: kept, and the disagreement shows.
        d.birth_date = "1950-01-01".into();
        d.set_id_number("110105199003070017".into());
        assert_eq!(
            (d.gender.as_str(), d.birth_date.as_str()),
            ("male", "1950-01-01")
        );
        assert_eq!(
            code(&d, "birth_date").as_deref(),
            Some("id_birth_date_mismatch")
        );
        // Not a resident ID: nothing filled.
        let mut p = draft(|d| d.id_type = "passport".into());
        p.set_id_number("110105199003070017".into());
        assert_eq!(p.gender, "");
    }

    #[test]
    fn phones_email_uscc_and_name() {
        let d = draft(|d| {
            d.name = " ".into();
            d.phone2 = "12345678901".into();
            d.email = "not-mail".into();
        });
        let e = live_errors(&d, false);
        assert_eq!(e.get("name").map(String::as_str), Some("blank"));
        assert_eq!(e.get("phone2").map(String::as_str), Some("mobile"));
        assert_eq!(e.get("email").map(String::as_str), Some("email"));
        assert!(!e.contains_key("phone"));
        let org = draft(|d| {
            d.kind = "organization".into();
            d.uscc = "91350100M000100Y44".into();
        });
        assert_eq!(code(&org, "uscc").as_deref(), Some("uscc_checksum"));
        let org_ok = draft(|d| {
            d.kind = "organization".into();
            d.uscc = "91350100M000100Y43".into();
            d.id_number = "110105194912310021".into(); // ignored for organizations
        });
        assert!(live_errors(&org_ok, false).is_empty());
        assert!(looks_like_email("wang@example.com"));
        assert!(!looks_like_email("wang@example"));
        assert!(!looks_like_email("a b@example.com"));
    }

    /// A customer as the API answers it (masked numbers).
    fn sample() -> Customer {
        serde_json::from_str(
            r#"{
            "id": "01a213bd-9855-7399-80ae-bf4dd6a21692",
            "institution_id": "01a213bd-9855-7399-80ae-bf4dd6a21692",
            "kind": "individual", "name": "王建国", "gender": null, "birth_date": null,
            "age": null, "id_type": null, "id_number": null, "card_number": null,
            "phones": ["138****5678"], "landline": null, "wechat": null, "qq": null,
            "email": null, "address": {}, "occupation": null, "employer_id": null,
            "education": null, "marital_status": null, "family_situation": null,
            "form_of_address": "王先生", "form_of_address_custom": false,
            "preferred_language": null, "preferred_channel": null, "preferred_hours": null,
            "source_channel": null, "source_detail": null, "referred_by_id": null,
            "interests": [], "categories": [], "tags": ["高血压"],
            "lifecycle_stage": "potential", "relationship_type": null,
            "account_manager_id": null, "notes": null, "uscc": null, "industry": null,
            "org_size": null, "external_ids": [], "masked": true, "version": 3,
            "created_at": "2026-11-25T08:00:00Z", "updated_at": "2026-11-25T08:00:00Z"
        }"#,
        )
        .unwrap()
    }

    #[test]
    fn update_sends_only_changes() {
        let c = sample();
        let mut d = Draft::from_customer(&c);
        d.wechat = "wx_1".into();
        d.lifecycle_stage = "current".into();
        d.stage_reason = "首次就诊".into();
        let u = serde_json::to_value(d.update(&c)).unwrap();
        assert_eq!(
            u,
            serde_json::json!({"wechat": "wx_1", "lifecycle_stage": "current", "stage_reason": "首次就诊"})
        );
    }

    #[test]
    fn links_interests_and_external_ids_are_sent() {
        let org = Uuid::from_u128(1);
        let referrer = Uuid::from_u128(2);
        let d = draft(|d| {
            d.employer = Some(Picked {
                id: org,
                name: "北京科技公司".into(),
            });
            d.referred_by = Some(Picked::new(referrer));
            d.interests = " 书法，太极、书法; ,".into();
            d.external_ids = vec![
                ExtRow {
                    system: " his ".into(),
                    external_id: "P20261125001".into(),
                },
                ExtRow::default(),
            ];
        });
        assert!(live_errors(&d, false).is_empty());
        let body = serde_json::to_value(d.create()).unwrap();
        assert_eq!(body["employer_id"], serde_json::json!(org));
        assert_eq!(body["referred_by_id"], serde_json::json!(referrer));
        assert_eq!(body["interests"], serde_json::json!(["书法", "太极"]));
        assert_eq!(
            body["external_ids"],
            serde_json::json!([{"system": "his", "external_id": "P20261125001"}])
        );
        // An organization has no employer.
        let mut o = d.clone();
        o.kind = "organization".into();
        assert_eq!(o.create().employer_id, None);
    }

    #[test]
    fn update_sets_and_clears_links_and_lists() {
        let mut c = sample();
        let (org, referrer) = (Uuid::from_u128(1), Uuid::from_u128(2));
        c.employer_id = Some(org);
        c.interests = vec!["书法".into()];
        c.external_ids = vec![
            ExternalId {
                system: "his".into(),
                external_id: "P1".into(),
            },
            ExternalId {
                system: "pacs".into(),
                external_id: "X9".into(),
            },
        ];
        // Unchanged (even with the rows in another order): nothing to send.
        let mut same = Draft::from_customer(&c);
        same.external_ids.reverse();
        assert_eq!(
            serde_json::to_value(same.update(&c)).unwrap(),
            serde_json::json!({})
        );
        let mut d = Draft::from_customer(&c);
        assert_eq!(d.employer, Some(Picked::new(org)));
        assert_eq!(d.interests, "书法");
        d.employer = None;
        d.referred_by = Some(Picked::new(referrer));
        d.interests = "书法、太极".into();
        d.external_ids.remove(1);
        assert_eq!(
            serde_json::to_value(d.update(&c)).unwrap(),
            serde_json::json!({
                "employer_id": null,
                "referred_by_id": referrer,
                "interests": ["书法", "太极"],
                "external_ids": [{"system": "his", "external_id": "P1"}]
            })
        );
        // Clearing the lists sends empty lists.
        d.interests = " ".into();
        d.external_ids.clear();
        let u = serde_json::to_value(d.update(&c)).unwrap();
        assert_eq!(u["interests"], serde_json::json!([]));
        assert_eq!(u["external_ids"], serde_json::json!([]));
    }

    #[test]
    fn external_id_rows_are_checked() {
        let row = |system: &str, id: &str| ExtRow {
            system: system.into(),
            external_id: id.into(),
        };
        let half = draft(|d| d.external_ids = vec![row("his", " ")]);
        assert_eq!(
            code(&half, "external_ids").as_deref(),
            Some("external_id_incomplete")
        );
        assert!(ext_row_bad(&half.external_ids, 0));
        let twice = draft(|d| d.external_ids = vec![row("his", "P1"), row(" his", "P1 ")]);
        assert_eq!(
            code(&twice, "external_ids").as_deref(),
            Some("external_id_repeated")
        );
        assert!(!ext_row_bad(&twice.external_ids, 0));
        assert!(ext_row_bad(&twice.external_ids, 1));
        let long = draft(|d| d.external_ids = vec![row("his", &"9".repeat(65))]);
        assert_eq!(code(&long, "external_ids").as_deref(), Some("length"));
        let many =
            draft(|d| d.interests = (0..21).map(|i| i.to_string()).collect::<Vec<_>>().join(","));
        assert_eq!(code(&many, "interests").as_deref(), Some("interests"));
    }
}
