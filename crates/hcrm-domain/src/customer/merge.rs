//! CUS-10, issue 9 item 11: which value of each profile field a merge keeps. The supervisor
//! chooses per field; by default the kept record's value stays and a blank one takes the
//! duplicate's (a kept record without gender took the duplicate's 女 only by hand before).
//! Lists (phones, tags, categories, external ids) are joined, never chosen.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::kinds::{
    ContactChannel, Education, Gender, IdType, MaritalStatus, PreferredLanguage, RelationshipType,
    SourceChannel, coded_enum,
};
use crate::api::customers::{Address, Customer, CustomerUpdate};
use crate::i18n::{Label, Lang};

coded_enum! {
    /// 合并字段 — a profile field whose value a merge takes from one of the two records.
    pub enum MergeField {
        Name = "name", "姓名", "Name";
        Gender = "gender", "性别", "Gender";
        BirthDate = "birth_date", "出生日期", "Birth date";
        IdDocument = "id_document", "证件", "Identity document";
        CardNumber = "card_number", "卡号", "Card number";
        Landline = "landline", "固定电话", "Landline";
        Wechat = "wechat", "微信", "WeChat";
        Qq = "qq", "QQ号", "QQ";
        Email = "email", "电子邮箱", "E-mail";
        Address = "address", "地址", "Address";
        Occupation = "occupation", "职业", "Occupation";
        Employer = "employer", "工作单位", "Employer";
        Education = "education", "学历", "Education";
        MaritalStatus = "marital_status", "婚姻状况", "Marital status";
        FamilySituation = "family_situation", "家庭情况", "Family situation";
        PreferredLanguage = "preferred_language", "偏好语言", "Preferred language";
        PreferredChannel = "preferred_channel", "偏好联系方式", "Preferred channel";
        PreferredHours = "preferred_hours", "方便联系时间", "Preferred hours";
        SourceChannel = "source_channel", "来源渠道", "Source channel";
        SourceDetail = "source_detail", "来源说明", "Source detail";
        ReferredBy = "referred_by", "介绍人", "Referred by";
        RelationshipType = "relationship_type", "医患关系类型", "Relationship type";
        AccountManager = "account_manager", "客户经理", "Account manager";
        Notes = "notes", "备注", "Notes";
        Uscc = "uscc", "统一社会信用代码", "Unified social credit code";
        Industry = "industry", "行业", "Industry";
        OrgSize = "org_size", "规模", "Size";
    }
}

coded_enum! {
    /// 合并取值 — whose value a merged field takes.
    pub enum MergeSide {
        Kept = "kept", "保留记录", "Kept record";
        Duplicate = "duplicate", "重复记录", "Duplicate";
    }
}

/// A value with nothing in it: absent, only spaces, `unknown` gender, an empty address.
trait Blank {
    fn blank(&self) -> bool;
}

impl Blank for String {
    fn blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl Blank for Option<String> {
    fn blank(&self) -> bool {
        self.as_deref().is_none_or(|s| s.trim().is_empty())
    }
}

impl Blank for Option<Gender> {
    fn blank(&self) -> bool {
        matches!(self, None | Some(Gender::Unknown))
    }
}

macro_rules! blank_when_none {
    ($($t:ty),*) => {$(
        impl Blank for Option<$t> {
            fn blank(&self) -> bool {
                self.is_none()
            }
        }
    )*};
}
blank_when_none!(
    NaiveDate,
    Uuid,
    SourceChannel,
    RelationshipType,
    Education,
    MaritalStatus,
    PreferredLanguage,
    ContactChannel
);

impl Blank for (Option<IdType>, Option<String>) {
    fn blank(&self) -> bool {
        self.1.blank()
    }
}

impl Blank for Address {
    fn blank(&self) -> bool {
        [&self.province, &self.city, &self.district, &self.street]
            .iter()
            .all(|v| v.blank())
    }
}

/// The side a field takes: the one chosen, else the kept record's unless it is blank.
pub fn side_of(
    field: MergeField,
    kept_blank: bool,
    choices: &BTreeMap<MergeField, MergeSide>,
) -> MergeSide {
    choices.get(&field).copied().unwrap_or(if kept_blank {
        MergeSide::Duplicate
    } else {
        MergeSide::Kept
    })
}

/// The change that gives the kept record the chosen values, and the fields whose value came
/// from the duplicate (the fields moved). `kept` and `duplicate` are the two records before
/// the merge; `after` is the kept record once the merge moved the duplicate's records (its
/// profile may have been filled meanwhile), which the change is made against.
pub fn merge_update(
    kept: &Customer,
    duplicate: &Customer,
    after: &Customer,
    choices: &BTreeMap<MergeField, MergeSide>,
) -> (CustomerUpdate, Vec<MergeField>) {
    let mut u = CustomerUpdate::default();
    let mut moved = Vec::new();
    macro_rules! choose {
        ($field:expr, $get:expr, |$u:ident, $v:ident| $set:expr) => {{
            let get = $get;
            let (k, d, now) = (get(kept), get(duplicate), get(after));
            let side = side_of($field, k.blank(), choices);
            let win = if side == MergeSide::Duplicate {
                d.clone()
            } else {
                k.clone()
            };
            if side == MergeSide::Duplicate && d != k {
                moved.push($field);
            }
            if win != now {
                let ($u, $v) = (&mut u, win);
                $set;
            }
        }};
    }
    use MergeField as F;
    choose!(F::Name, |c: &Customer| c.name.clone(), |u, v| u.name =
        Some(v));
    choose!(F::Gender, |c: &Customer| c.gender, |u, v| u.gender =
        Some(v));
    choose!(F::BirthDate, |c: &Customer| c.birth_date, |u, v| u
        .birth_date =
        Some(v));
    choose!(
        F::IdDocument,
        |c: &Customer| (c.id_type, c.id_number.clone()),
        |u, v| {
            u.id_type = Some(v.0);
            u.id_number = Some(v.1);
        }
    );
    choose!(
        F::CardNumber,
        |c: &Customer| c.card_number.clone(),
        |u, v| u.card_number = Some(v)
    );
    choose!(F::Landline, |c: &Customer| c.landline.clone(), |u, v| u
        .landline =
        Some(v));
    choose!(F::Wechat, |c: &Customer| c.wechat.clone(), |u, v| u
        .wechat =
        Some(v));
    choose!(F::Qq, |c: &Customer| c.qq.clone(), |u, v| u.qq = Some(v));
    choose!(F::Email, |c: &Customer| c.email.clone(), |u, v| u.email =
        Some(v));
    choose!(F::Address, |c: &Customer| c.address.clone(), |u, v| u
        .address =
        Some(v));
    choose!(
        F::Occupation,
        |c: &Customer| c.occupation.clone(),
        |u, v| u.occupation = Some(v)
    );
    choose!(F::Employer, |c: &Customer| c.employer_id, |u, v| u
        .employer_id =
        Some(v));
    choose!(F::Education, |c: &Customer| c.education, |u, v| u
        .education =
        Some(v));
    choose!(F::MaritalStatus, |c: &Customer| c.marital_status, |u, v| {
        u.marital_status = Some(v)
    });
    choose!(
        F::FamilySituation,
        |c: &Customer| c.family_situation.clone(),
        |u, v| u.family_situation = Some(v)
    );
    choose!(
        F::PreferredLanguage,
        |c: &Customer| c.preferred_language,
        |u, v| u.preferred_language = Some(v)
    );
    choose!(
        F::PreferredChannel,
        |c: &Customer| c.preferred_channel,
        |u, v| u.preferred_channel = Some(v)
    );
    choose!(
        F::PreferredHours,
        |c: &Customer| c.preferred_hours.clone(),
        |u, v| u.preferred_hours = Some(v)
    );
    choose!(F::SourceChannel, |c: &Customer| c.source_channel, |u, v| {
        u.source_channel = Some(v)
    });
    choose!(
        F::SourceDetail,
        |c: &Customer| c.source_detail.clone(),
        |u, v| u.source_detail = Some(v)
    );
    choose!(F::ReferredBy, |c: &Customer| c.referred_by_id, |u, v| u
        .referred_by_id =
        Some(v));
    choose!(
        F::RelationshipType,
        |c: &Customer| c.relationship_type,
        |u, v| u.relationship_type = Some(v)
    );
    choose!(
        F::AccountManager,
        |c: &Customer| c.account_manager_id,
        |u, v| u.account_manager_id = Some(v)
    );
    choose!(F::Notes, |c: &Customer| c.notes.clone(), |u, v| u.notes =
        Some(v));
    choose!(F::Uscc, |c: &Customer| c.uscc.clone(), |u, v| u.uscc =
        Some(v));
    choose!(F::Industry, |c: &Customer| c.industry.clone(), |u, v| u
        .industry =
        Some(v));
    choose!(F::OrgSize, |c: &Customer| c.org_size.clone(), |u, v| u
        .org_size =
        Some(v));
    (u, moved)
}

/// The fields whose values differ between the two records, each with whether the kept
/// record's is blank (then the duplicate's is taken unless chosen otherwise): what the merge
/// page asks about.
pub fn differences(kept: &Customer, duplicate: &Customer) -> Vec<(MergeField, bool)> {
    let every: BTreeMap<MergeField, MergeSide> = MergeField::ALL
        .iter()
        .map(|f| (*f, MergeSide::Duplicate))
        .collect();
    let (_, differ) = merge_update(kept, duplicate, kept, &every);
    let (_, by_default) = merge_update(kept, duplicate, kept, &BTreeMap::new());
    differ
        .into_iter()
        .map(|f| (f, by_default.contains(&f)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use MergeField as F;
    use MergeSide::{Duplicate as D, Kept as K};

    use crate::customer::fixtures::customer;

    #[test]
    fn sides_by_default_and_by_choice() {
        let none = BTreeMap::new();
        let dup_name = BTreeMap::from([(F::Name, D)]);
        // (field, kept blank, choices, side)
        let table = [
            (F::Name, false, &none, K),
            (F::Gender, true, &none, D),
            (F::Name, false, &dup_name, D),
            (F::Gender, true, &dup_name, D),
            (F::Name, true, &dup_name, D),
        ];
        for (field, blank, choices, side) in table {
            assert_eq!(side_of(field, blank, choices), side, "{field} {blank}");
        }
        let keep_blank = BTreeMap::from([(F::Gender, K)]);
        assert_eq!(side_of(F::Gender, true, &keep_blank), K);
    }

    /// The case of issue 9 item 11: the kept record has no gender and birth date, the
    /// duplicate 女 and a birth date; the kept one takes them, and they are named.
    #[test]
    fn blank_kept_fields_take_the_duplicates_values() {
        let kept = customer(serde_json::json!({"email": "a@example.com"}));
        let dup = customer(serde_json::json!({
            "name": "王芳芳", "gender": "female", "birth_date": "1988-05-01",
            "email": "b@example.com", "wechat": "wf88"
        }));
        let (u, moved) = merge_update(&kept, &dup, &kept, &BTreeMap::new());
        assert_eq!(moved, vec![F::Gender, F::BirthDate, F::Wechat]);
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            serde_json::json!({"gender": "female", "birth_date": "1988-05-01", "wechat": "wf88"})
        );
        // Chosen: the duplicate's name and e-mail win, the kept record keeps no wechat.
        let choices = BTreeMap::from([(F::Name, D), (F::Email, D), (F::Wechat, K)]);
        let (u, moved) = merge_update(&kept, &dup, &kept, &choices);
        assert_eq!(moved, vec![F::Name, F::Gender, F::BirthDate, F::Email]);
        assert_eq!(u.name.as_deref(), Some("王芳芳"));
        assert_eq!(u.email, Some(Some("b@example.com".into())));
        assert_eq!(u.wechat, None);
        // A profile the merge already filled is set back to the choice.
        let filled = customer(serde_json::json!({"email": "a@example.com", "wechat": "wf88"}));
        let (u, _) = merge_update(&kept, &dup, &filled, &choices);
        assert_eq!(u.wechat, Some(None));
        // Two equal records: nothing to change, nothing moved.
        let (u, moved) = merge_update(&kept, &kept, &kept, &BTreeMap::new());
        assert_eq!(u, CustomerUpdate::default());
        assert!(moved.is_empty());
    }

    #[test]
    fn differences_name_the_fields_to_choose() {
        let kept = customer(serde_json::json!({"email": "a@example.com", "qq": "1"}));
        let dup = customer(serde_json::json!({
            "gender": "female", "email": "b@example.com", "qq": "1"
        }));
        assert_eq!(
            differences(&kept, &dup),
            vec![(F::Gender, true), (F::Email, false)]
        );
        assert!(differences(&kept, &kept).is_empty());
    }

    #[test]
    fn the_id_document_moves_as_one_and_unknown_gender_is_blank() {
        let kept = customer(serde_json::json!({"gender": "unknown"}));
        let dup = customer(serde_json::json!({
            "gender": "male", "id_type": "resident_id", "id_number": "110105199003070017"
        }));
        let (u, moved) = merge_update(&kept, &dup, &kept, &BTreeMap::new());
        assert_eq!(moved, vec![F::Gender, F::IdDocument]);
        assert_eq!(u.id_type, Some(Some(IdType::ResidentId)));
        assert_eq!(u.id_number, Some(Some("110105199003070017".into())));
    }
}
