//! Where each field of the customer form is and what it is called, for the error summary
//! at the top of a refused save (issue 9 item 7).

use hcrm_domain::Lang;
use yew::AttrValue;

use crate::components::form::SummaryLine;
use crate::forms::FieldErrors;
use crate::i18n::tr;

/// Fields whose input id or label key is not `customer-{field}` / `customer.{field}`.
const SPECIAL: &[(&str, &str, &str)] = &[
    ("kind", "customer-kind", "customer.kind"),
    ("phones", "customer-phone", "customer.phone"),
    ("address", "customer-province", "customer.section.address"),
    ("employer_id", "customer-employer", "customer.employer"),
    (
        "referred_by_id",
        "customer-referred-by",
        "customer.referred_by",
    ),
    ("lifecycle_stage", "customer-stage", "customer.stage"),
    (
        "relationship_type",
        "customer-relationship",
        "customer.relationship_type",
    ),
    ("source_channel", "customer-source", "customer.source"),
    ("id_type", "customer-id-type", "customer.id_type"),
    ("external_ids", "customer-ext-add", "customer.external_ids"),
];

/// Label keys of the fields named `customer.{field}`.
const LABELS: &[&str] = &[
    "customer.name",
    "customer.gender",
    "customer.birth_date",
    "customer.id_number",
    "customer.phone",
    "customer.phone2",
    "customer.landline",
    "customer.card_number",
    "customer.email",
    "customer.wechat",
    "customer.qq",
    "customer.form_of_address",
    "customer.uscc",
    "customer.industry",
    "customer.org_size",
    "customer.occupation",
    "customer.education",
    "customer.marital_status",
    "customer.family_situation",
    "customer.province",
    "customer.city",
    "customer.district",
    "customer.street",
    "customer.source_detail",
    "customer.preferred_language",
    "customer.preferred_channel",
    "customer.preferred_hours",
    "customer.stage_reason",
    "customer.tags",
    "customer.interests",
    "customer.notes",
    "customer.categories",
];

/// The input id and label key of `field`.
pub(super) fn place(field: &str) -> (String, &'static str) {
    if let Some((_, id, label)) = SPECIAL.iter().find(|(f, _, _)| *f == field) {
        return (id.to_string(), label);
    }
    let label = LABELS
        .iter()
        .find(|k| k.strip_prefix("customer.") == Some(field))
        .copied()
        .unwrap_or("customer.duplicate.other");
    (format!("customer-{}", field.replace('_', "-")), label)
}

/// The summary's lines, in the order of the page (the order of [`LABELS`], then the rest).
pub(super) fn summary(lang: Lang, errors: &FieldErrors) -> Vec<SummaryLine> {
    let rank = |f: &str| {
        let (_, label) = place(f);
        LABELS
            .iter()
            .position(|k| *k == label)
            .unwrap_or(LABELS.len())
    };
    let mut fields: Vec<&String> = errors.keys().collect();
    fields.sort_by_key(|f| rank(f));
    fields
        .into_iter()
        .map(|f| {
            let (target, label) = place(f);
            SummaryLine {
                target: AttrValue::from(target),
                label: AttrValue::from(tr(lang, label)),
                code: errors[f].clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_have_places_and_labels_that_exist() {
        assert_eq!(
            place("birth_date"),
            ("customer-birth-date".to_string(), "customer.birth_date")
        );
        assert_eq!(
            place("employer_id"),
            ("customer-employer".to_string(), "customer.employer")
        );
        for key in LABELS.iter().chain(SPECIAL.iter().map(|(_, _, k)| k)) {
            assert_ne!(tr(Lang::Zh, key), *key, "{key} has no text");
        }
        let errors: FieldErrors = [
            ("phone".to_string(), "mobile".to_string()),
            ("name".to_string(), "blank".to_string()),
        ]
        .into();
        let lines = summary(Lang::En, &errors);
        assert_eq!(lines[0].target, "customer-name");
        assert_eq!(lines[1].target, "customer-phone");
    }
}
