//! 系统对接 — batch upserts from a hospital information system (INT-1, X-8; issue 12):
//! patients, visits and their money lines (charges and payments), keyed by the HIS's own ids
//! per institution. A batch holds up to [`MAX_BATCH_ITEMS`] items over its three lists and is
//! written all or nothing; every item gets a result. The pure rules (shape, limits, which item
//! is the same as stored) live here; storage in `hcrm_db::integration`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::api::FieldError;
use crate::api::customers::{CustomerCreate, ExternalId};
use crate::api::visits::{VisitKind, VisitSequence};
use crate::customer::Gender;
use crate::customer::kinds::coded_enum;
use crate::i18n::{Label, Lang};
use crate::validation;

/// Items a batch may hold, over its three lists together.
pub const MAX_BATCH_ITEMS: usize = 1000;

/// The `system` of the customer external ids a HIS writes (`customer_external_ids`).
pub const HIS_SYSTEM: &str = "his";

/// The `system` names a HIS id is found under: [`HIS_SYSTEM`], and `HIS` as the generator and
/// spreadsheets write it.
pub const HIS_SYSTEMS: [&str; 2] = [HIS_SYSTEM, "HIS"];

coded_enum! {
    /// 批次状态 — a stored batch: written whole, or refused whole (nothing written).
    pub enum BatchStatus {
        Applied = "applied", "已写入", "Applied";
        Rejected = "rejected", "已拒绝", "Rejected";
    }
}

coded_enum! {
    /// 条目类型 — which list of the batch an item came from.
    pub enum BatchItemKind {
        Patient = "patient", "患者", "Patient";
        Visit = "visit", "就诊", "Visit";
        Charge = "charge", "收费/缴费", "Charge or payment";
    }
}

coded_enum! {
    /// 条目结果 — what a batch did with an item. `skipped`: the item was fine but another
    /// item of the batch was rejected, so nothing was written.
    pub enum ItemOutcome {
        Created = "created", "新建", "Created";
        Updated = "updated", "已更新", "Updated";
        Unchanged = "unchanged", "无变化", "Unchanged";
        Rejected = "rejected", "已拒绝", "Rejected";
        Skipped = "skipped", "未写入", "Not written";
    }
}

coded_enum! {
    /// 患者匹配方式 — how a patient item found an existing customer: by the HIS id linked
    /// before, or by the ID number (the HIS id is then linked to that customer). Never by
    /// name alone.
    pub enum PatientMatch {
        ExternalId = "external_id", "按 HIS 编号", "By HIS id";
        IdNumber = "id_number", "按证件号（已关联 HIS 编号）", "By ID number (HIS id linked)";
    }
}

coded_enum! {
    /// 费用类型 — a money line of a visit: a charge (收费, what was spent, part of it the
    /// medical insurance's) or a payment (缴费, what the patient paid).
    pub enum ChargeKind {
        Charge = "charge", "收费", "Charge";
        Payment = "payment", "缴费", "Payment";
    }
}

/// A patient as the HIS knows it. Matched to a customer of the institution by `external_id`
/// (the HIS id linked before), else by `id_number`; otherwise created as a new customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "external_id": "P0001234", "name": "王秀英", "gender": "female",
    "id_number": "11010519491231002X", "phones": ["13800138001"]
})))]
#[serde(deny_unknown_fields)]
pub struct PatientItem {
    /// The HIS's patient id (病人 ID), unique in the institution.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub external_id: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: String,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    pub id_number: Option<String>,
    #[serde(default)]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub card_number: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
}

impl PatientItem {
    pub fn data(&self) -> PatientData {
        PatientData {
            name: self.name.clone(),
            gender: self.gender,
            birth_date: self.birth_date,
            id_number: self.id_number.clone(),
            card_number: self.card_number.clone(),
            phones: self.phones.clone(),
        }
    }
}

/// What the HIS says of a patient (also carried by a visit whose patient may be created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatientData {
    #[validate(
        length(min = 1, max = 50),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub name: String,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// A mainland resident ID number (checked: checksum, birth date, gender).
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::line"))]
    pub id_number: Option<String>,
    /// 就诊卡号.
    #[serde(default)]
    #[validate(length(min = 1, max = 30), custom(function = "validation::line"))]
    pub card_number: Option<String>,
    /// Mobiles, the first the primary one; at most 5.
    #[serde(default)]
    pub phones: Vec<String>,
}

impl PatientData {
    /// The customer a new patient becomes (an individual, a potential customer until a
    /// visit says more), with the HIS id linked when given; validated as any new customer.
    pub fn as_customer(&self, external_id: Option<&str>) -> CustomerCreate {
        CustomerCreate {
            gender: self.gender,
            birth_date: self.birth_date,
            id_number: self.id_number.clone(),
            card_number: self.card_number.clone(),
            phones: self.phones.clone(),
            external_ids: external_id
                .map(|e| ExternalId {
                    system: HIS_SYSTEM.into(),
                    external_id: e.into(),
                })
                .into_iter()
                .collect(),
            ..CustomerCreate::individual(self.name.clone())
        }
    }
}

/// A visit as the HIS knows it: outpatient, an inpatient stay (admission at `visited_at`; the
/// discharge is the same item sent again with `ended_at`), a surgery, a treatment course or a
/// check-up. The same external id sent again updates the visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "external_id": "ZY20261201-0042", "patient_external_id": "P0001234", "kind": "inpatient",
    "visited_at": "2026-12-01T02:30:00Z", "department_code": "CARD",
    "diagnosis_category": "心血管疾病", "amount_fen": 1280000, "insurance_fen": 700000,
    "paid_fen": 500000
})))]
#[serde(deny_unknown_fields)]
pub struct VisitItem {
    /// The HIS's visit id (门诊号 / 住院号), unique in the institution.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub external_id: String,
    /// The HIS's patient id: a patient of this batch or one linked before.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub patient_external_id: String,
    /// With `create_missing_patients`: the patient made when `patient_external_id` is
    /// unknown (matched by ID number first).
    #[serde(default)]
    #[validate(nested)]
    pub patient: Option<PatientData>,
    pub kind: VisitKind,
    #[serde(default)]
    pub sequence: Option<VisitSequence>,
    /// A department of the institution, by its id …
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// … or by its code (as the HIS names it).
    #[serde(default)]
    #[validate(length(min = 1, max = 20), custom(function = "validation::line"))]
    pub department_code: Option<String>,
    /// A doctor of the institution.
    #[serde(default)]
    pub doctor_id: Option<Uuid>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub diagnosis_category: Option<String>,
    pub visited_at: DateTime<Utc>,
    /// The discharge (inpatient) or a course's end.
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    /// Totals in fen; a visit with money lines (`charges`) takes its totals from them.
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub amount_fen: i64,
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub insurance_fen: i64,
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub paid_fen: i64,
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "validation::multiline"))]
    pub note: Option<String>,
}

/// A money line of a visit (收费/缴费明细), keyed by the HIS's id. A visit with lines has as
/// its amount and insurance the sums of its charges and as paid the sum of its payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "external_id": "SF20261201-0042-01", "visit_external_id": "ZY20261201-0042",
    "kind": "charge", "amount_fen": 880000, "insurance_fen": 500000,
    "occurred_at": "2026-12-02T08:00:00Z", "item": "冠脉造影"
})))]
#[serde(deny_unknown_fields)]
pub struct ChargeItem {
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub external_id: String,
    /// The HIS's id of the visit: one of this batch or one written before.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub visit_external_id: String,
    pub kind: ChargeKind,
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub amount_fen: i64,
    /// The medical insurance's share of a charge (none for a payment).
    #[serde(default)]
    #[validate(custom(function = "validation::money_fen"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000000i64))]
    pub insurance_fen: i64,
    pub occurred_at: DateTime<Utc>,
    /// What was charged (项目名称).
    #[serde(default)]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validation::not_blank"),
        custom(function = "validation::line")
    )]
    pub item: Option<String>,
}

/// A money line of a visit as stored (`visit_charge` in the audit trail and in the events
/// `spending_recorded` / `payment_recorded`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitCharge {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub visit_id: Uuid,
    pub customer_id: Uuid,
    pub external_id: String,
    pub kind: ChargeKind,
    pub amount_fen: i64,
    pub insurance_fen: i64,
    pub occurred_at: DateTime<Utc>,
    pub item: Option<String>,
    pub version: i32,
}

/// A batch to upsert: up to [`MAX_BATCH_ITEMS`] patients, visits and money lines together,
/// written all or nothing. `batch_id` (or the `Idempotency-Key` header) names it: sent again,
/// the stored results come back and nothing changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "batch_id": "HIS-20261215-0001",
    "patients": [{"external_id": "P0001234", "name": "王秀英", "gender": "female",
                  "id_number": "11010519491231002X", "phones": ["13800138001"]}],
    "visits": [{"external_id": "ZY20261201-0042", "patient_external_id": "P0001234",
                "kind": "inpatient", "visited_at": "2026-12-01T02:30:00Z",
                "amount_fen": 1280000, "insurance_fen": 700000, "paid_fen": 500000}],
    "charges": []
})))]
#[serde(deny_unknown_fields)]
pub struct BatchUpsert {
    /// The institution the ids belong to; defaults to the client's only one.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// The client's name for the batch (1–100 visible ASCII characters): the replay key.
    #[serde(default)]
    #[validate(length(min = 1, max = 100), custom(function = "batch_key"))]
    pub batch_id: Option<String>,
    /// Make the patient of a visit whose `patient_external_id` is unknown from the visit's
    /// `patient` (else the visit is rejected with `unknown_patient`).
    #[serde(default)]
    pub create_missing_patients: bool,
    #[serde(default)]
    pub patients: Vec<PatientItem>,
    #[serde(default)]
    pub visits: Vec<VisitItem>,
    #[serde(default)]
    pub charges: Vec<ChargeItem>,
}

fn batch_key(key: &str) -> Result<(), validator::ValidationError> {
    if key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("batch_id");
        e.message = Some("visible ASCII characters only".into());
        Err(e)
    }
}

impl BatchUpsert {
    pub fn item_count(&self) -> usize {
        self.patients.len() + self.visits.len() + self.charges.len()
    }
}

/// Counts of a batch's results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchCounts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub skipped: i64,
}

impl BatchCounts {
    pub fn of(items: &[ItemResult]) -> BatchCounts {
        let mut c = BatchCounts::default();
        for i in items {
            match i.result {
                ItemOutcome::Created => c.created += 1,
                ItemOutcome::Updated => c.updated += 1,
                ItemOutcome::Unchanged => c.unchanged += 1,
                ItemOutcome::Rejected => c.rejected += 1,
                ItemOutcome::Skipped => c.skipped += 1,
            }
        }
        c
    }
}

/// The result of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemResult {
    pub kind: BatchItemKind,
    /// The item's place in its list (`visits[3]` is kind `visit`, index 3).
    pub index: usize,
    pub external_id: String,
    pub result: ItemOutcome,
    /// The record written or found (a customer, a visit, a money line); none when rejected
    /// or skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// A patient (or a visit's patient) found by ID number: its HIS id is now linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<PatientMatch>,
    /// A visit whose patient was created from its `patient` data.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub patient_created: bool,
    /// Why it was rejected; fields named as in the item (`visited_at`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A stored batch without its items, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchSummary {
    pub id: Uuid,
    pub institution_id: Uuid,
    /// The integration user that sent it.
    pub client_id: Uuid,
    pub client_name: String,
    /// The client's `batch_id` or `Idempotency-Key`, when it sent one.
    pub batch_id: Option<String>,
    pub status: BatchStatus,
    pub counts: BatchCounts,
    pub received_at: DateTime<Utc>,
    /// How long writing it took.
    pub duration_ms: i64,
}

/// A stored batch with every item's result (the answer to a batch, and
/// `GET /integration/batches/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0193a1d2-7c4e-7b10-8000-0000000000b1",
    "institution_id": "0193a1d2-7c4e-7b10-8000-000000000001",
    "client_id": "0193a1d2-7c4e-7b10-8000-0000000000c1", "client_name": "his.bj01",
    "batch_id": "HIS-20261215-0001", "status": "applied", "replayed": false,
    "counts": {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 0},
    "received_at": "2026-12-15T02:00:00Z", "duration_ms": 12,
    "items": [
        {"kind": "patient", "index": 0, "external_id": "P0001234", "result": "created",
         "id": "0193a1d2-7c4e-7b10-8000-00000000000f"},
        {"kind": "visit", "index": 0, "external_id": "ZY20261201-0042", "result": "created",
         "id": "0193a1d2-7c4e-7b10-8000-0000000000a1"}
    ]
})))]
pub struct BatchResult {
    #[serde(flatten)]
    pub summary: BatchSummary,
    /// This answer is the stored one of an earlier request with the same `batch_id`.
    pub replayed: bool,
    /// Patients first, then visits, then money lines, each in the order sent.
    pub items: Vec<ItemResult>,
}

/// The field errors of a rejected batch for its problem answer: each item's errors with the
/// item's path (`visits[3].visited_at`), at most `limit`.
pub fn problem_errors(items: &[ItemResult], limit: usize) -> Vec<FieldError> {
    items
        .iter()
        .flat_map(|i| {
            let list = match i.kind {
                BatchItemKind::Patient => "patients",
                BatchItemKind::Visit => "visits",
                BatchItemKind::Charge => "charges",
            };
            i.errors.iter().map(move |e| FieldError {
                field: format!("{list}[{}].{}", i.index, e.field),
                code: e.code.clone(),
                message: e.message.clone(),
            })
        })
        .take(limit)
        .collect()
}

/// One field error.
pub fn item_error(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_problem_paths_follow_the_items() {
        let items = vec![
            ItemResult {
                kind: BatchItemKind::Visit,
                index: 3,
                external_id: "V3".into(),
                result: ItemOutcome::Rejected,
                id: None,
                matched_by: None,
                patient_created: false,
                errors: vec![item_error("visited_at", "in_future", "x")],
            },
            ItemResult {
                kind: BatchItemKind::Patient,
                index: 0,
                external_id: "P0".into(),
                result: ItemOutcome::Skipped,
                id: None,
                matched_by: None,
                patient_created: false,
                errors: vec![],
            },
        ];
        let c = BatchCounts::of(&items);
        assert_eq!((c.rejected, c.skipped, c.created), (1, 1, 0));
        let p = problem_errors(&items, 10);
        assert_eq!(p[0].field, "visits[3].visited_at");
        assert!(problem_errors(&items, 0).is_empty());
    }
}
