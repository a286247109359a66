//! X-12, issue 8 item 5: every closed vocabulary of the crate is labelled in both interface
//! languages, so the web app never shows a raw code.
//!
//! [`LABELLED`] walks each enum's `ALL`; the source scan fails when an enum is added to the
//! crate without being listed there (or in [`NOT_VOCABULARY`], with the reason).

use crate::api::audit::{AuditAction, AuditEntity};
use crate::api::calendars::YearSource;
use crate::api::consultations::{ConsultationChannel, ConsultationOutcome, ConsultationState};
use crate::api::events::DomainEventKind;
use crate::api::funnel::FunnelGroup;
use crate::api::import::{Column, ExportFormat, ImportMode};
use crate::api::in_visit::{Delivery, InVisitService, InVisitStep};
use crate::api::integration::{BatchItemKind, BatchStatus, ChargeKind, ItemOutcome, PatientMatch};
use crate::api::notifications::NotificationKind;
use crate::api::org::HalfDay;
use crate::api::sensitive::{BreakGlassCategory, ReviewOutcome};
use crate::api::service_times::ServiceTarget;
use crate::api::timeline::{SystemStageReason, TimelineEntryKind};
use crate::api::visits::{VisitKind, VisitSequence};
use crate::api::webhooks::{WebhookDeliveryStatus, WebhookDisabledReason};
use crate::appointment::{
    AppointmentAction, AppointmentKind, AppointmentStatus, ResourceKind, SessionOrigin,
    SessionStatus, WaitlistStatus,
};
use crate::calendar::{DayKind, DayOfWeek};
use crate::complaint::{
    AttachmentKind, ClockKind, ClockState, ComplaintAction, ComplaintCategory, ComplaintChannel,
    ComplaintSeverity, ComplaintState, Escalation, FileFormat, PenaltyLevel, RefundKind,
    RefundMethod, RefundStatus,
};
use crate::customer::merge::{MergeField, MergeSide};
use crate::customer::{
    ContactChannel, ContactParty, CustomerCategory, CustomerKind, Direction, Education, Gender,
    IdType, LifecycleStage, MaritalStatus, PreferredLanguage, RelationKind, RelationshipType,
    SourceChannel, TaskKind, TaskStatus,
};
use crate::{ApiScope, Label, Lang, Permission, Role};

/// `(enum, code, 中文, English)` of every value.
type Row = (&'static str, &'static str, &'static str, &'static str);

fn rows<T: Label + Copy>(name: &'static str, all: &[T], code: fn(T) -> &'static str) -> Vec<Row> {
    all.iter()
        .map(|&v| (name, code(v), v.label(Lang::Zh), v.label(Lang::En)))
        .collect()
}

/// Lists each labelled enum once: `Name => its values`.
macro_rules! labelled {
    ($($name:ident => $all:expr),+ $(,)?) => {
        /// The names of the enums walked.
        const LABELLED: &[&str] = &[$(stringify!($name)),+];

        fn every_row() -> Vec<Row> {
            let mut out = Vec::new();
            $(out.extend(rows(stringify!($name), &$all, $name::code));)+
            out
        }
    };
}

labelled! {
    Role => Role::ALL,
    Permission => Permission::all().collect::<Vec<_>>(),
    ApiScope => ApiScope::ALL,
    Lang => Lang::ALL,
    Gender => Gender::ALL,
    CustomerKind => CustomerKind::ALL,
    CustomerCategory => CustomerCategory::ALL,
    LifecycleStage => LifecycleStage::ALL,
    RelationshipType => RelationshipType::ALL,
    SourceChannel => SourceChannel::ALL,
    IdType => IdType::ALL,
    RelationKind => RelationKind::ALL,
    ContactChannel => ContactChannel::ALL,
    Direction => Direction::ALL,
    ContactParty => ContactParty::ALL,
    TaskStatus => TaskStatus::ALL,
    TaskKind => TaskKind::ALL,
    HalfDay => HalfDay::ALL,
    BreakGlassCategory => BreakGlassCategory::ALL,
    TimelineEntryKind => TimelineEntryKind::ALL,
    ImportMode => ImportMode::ALL,
    ExportFormat => ExportFormat::ALL,
    DayKind => DayKind::ALL,
    DayOfWeek => DayOfWeek::ALL,
    YearSource => YearSource::ALL,
    PenaltyLevel => PenaltyLevel::ALL,
    RefundKind => RefundKind::ALL,
    RefundMethod => RefundMethod::ALL,
    RefundStatus => RefundStatus::ALL,
    AttachmentKind => AttachmentKind::ALL,
    FileFormat => FileFormat::ALL,
    ClockState => ClockState::ALL,
    Escalation => Escalation::ALL,
    AuditAction => AuditAction::ALL,
    AuditEntity => AuditEntity::ALL,
    ReviewOutcome => ReviewOutcome::ALL,
    Column => Column::ALL,
    SystemStageReason => SystemStageReason::ALL,
    MergeField => MergeField::ALL,
    Education => Education::ALL,
    MaritalStatus => MaritalStatus::ALL,
    PreferredLanguage => PreferredLanguage::ALL,
    MergeSide => MergeSide::ALL,
    AppointmentKind => AppointmentKind::ALL,
    AppointmentStatus => AppointmentStatus::ALL,
    AppointmentAction => AppointmentAction::ALL,
    ResourceKind => ResourceKind::ALL,
    SessionStatus => SessionStatus::ALL,
    SessionOrigin => SessionOrigin::ALL,
    WaitlistStatus => WaitlistStatus::ALL,
    ComplaintChannel => ComplaintChannel::ALL,
    ComplaintCategory => ComplaintCategory::ALL,
    ComplaintSeverity => ComplaintSeverity::ALL,
    ComplaintState => ComplaintState::ALL,
    ComplaintAction => ComplaintAction::ALL,
    ClockKind => ClockKind::ALL,
    NotificationKind => NotificationKind::ALL,
    VisitKind => VisitKind::ALL,
    VisitSequence => VisitSequence::ALL,
    DomainEventKind => DomainEventKind::ALL,
    FunnelGroup => FunnelGroup::ALL,
    ConsultationChannel => ConsultationChannel::ALL,
    ConsultationOutcome => ConsultationOutcome::ALL,
    ConsultationState => ConsultationState::ALL,
    InVisitService => InVisitService::ALL,
    InVisitStep => InVisitStep::ALL,
    Delivery => Delivery::ALL,
    ServiceTarget => ServiceTarget::ALL,
    WebhookDeliveryStatus => WebhookDeliveryStatus::ALL,
    WebhookDisabledReason => WebhookDisabledReason::ALL,
    BatchStatus => BatchStatus::ALL,
    BatchItemKind => BatchItemKind::ALL,
    ItemOutcome => ItemOutcome::ALL,
    PatientMatch => PatientMatch::ALL,
    ChargeKind => ChargeKind::ALL,
}

/// Enums that are not a vocabulary shown to users, and why.
const NOT_VOCABULARY: &[(&str, &str)] = &[
    (
        "IssueSeverity",
        "a FHIR code (OperationOutcome), read by machines, never shown as a label",
    ),
    (
        "IssueType",
        "a FHIR code (OperationOutcome), read by machines, never shown as a label",
    ),
    (
        "Handling",
        "FHIR's Prefer: handling value, not shown to users",
    ),
    (
        "IdentifierQuery",
        "a parsed FHIR search value, not a vocabulary",
    ),
    ("NameMatch", "a FHIR search modifier, not shown to users"),
    (
        "UrlProblem",
        "the outcome of the webhook URL rule, reported as a field error code that the web app translates",
    ),
    (
        "EditField",
        "a field of the complaint's edit form; the form labels its fields",
    ),
    (
        "EditRefused",
        "the outcome of a rule, reported as a problem code that the web app translates",
    ),
    (
        "BookingRefused",
        "a rule's refusal, sent as the field error codes of field_and_code",
    ),
    (
        "TooEarly",
        "a rule's refusal, sent as the field error code too_early",
    ),
    (
        "DivisionError",
        "a struct, reported as the field error code division_unknown",
    ),
    ("Scope", "carries the institutions; shown as their names"),
    (
        "IdNumberError",
        "reported as a field error code that the web app translates",
    ),
    (
        "UsccError",
        "reported as a field error code that the web app translates",
    ),
    (
        "NewRecordInstitution",
        "the outcome of a rule, reported as a field error code that the web app translates",
    ),
    (
        "MoveRefused",
        "reported as a field error code (invalid_transition) that the web app translates",
    ),
    (
        "Masked",
        "a search term read as a masked number (its visible digits); never shown",
    ),
    (
        "Limit",
        "a clock's length (unit and amount), shown as a number with its unit",
    ),
    (
        "CalendarError",
        "reported as a field error code (CalendarError::code) that the web app translates",
    ),
    (
        "RefundRefused",
        "reported as a field error code (RefundRefused::code) that the web app translates",
    ),
    (
        "FileRefused",
        "reported as a problem code (FileRefused::code) that the web app translates",
    ),
    (
        "Branch",
        "which classification a move of the complaint flow needs; never shown",
    ),
    (
        "ActionRefused",
        "reported as a problem (409 invalid_transition / 403) naming the allowed actions",
    ),
    (
        "UpdateRefused",
        "reported as field error codes that the web app translates",
    ),
];

/// Chinese labels that are rightly Latin letters.
const LATIN_IN_CHINESE: &[(&str, &str)] =
    &[("ContactChannel", "qq"), ("ConsultationChannel", "qq")];

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

#[test]
fn every_value_has_a_chinese_and_an_english_label_that_is_not_its_code() {
    let mut missing = Vec::new();
    for (name, code, zh, en) in every_row() {
        let latin_ok = LATIN_IN_CHINESE.contains(&(name, code));
        if zh.trim().is_empty() || zh == code || !(latin_ok || zh.chars().any(is_cjk)) {
            missing.push(format!("{name}::{code}: 中文 {zh:?}"));
        }
        if en.trim().is_empty() || en == code || en.chars().any(is_cjk) {
            missing.push(format!("{name}::{code}: English {en:?}"));
        }
    }
    assert!(missing.is_empty(), "labels missing: {missing:#?}");
}

#[test]
fn labels_of_one_enum_are_distinct() {
    let all = every_row();
    for name in LABELLED {
        for lang in [2, 3] {
            let mut seen = std::collections::HashSet::new();
            for row in all.iter().filter(|r| r.0 == *name) {
                let label = if lang == 2 { row.2 } else { row.3 };
                assert!(seen.insert(label), "{name}: {label:?} twice");
            }
        }
    }
}

/// Every `pub enum` written in the crate's sources (directly or through `coded_enum!`) is
/// walked above or named as not a vocabulary: a new enum without labels fails here.
#[test]
fn every_enum_of_the_crate_is_walked() {
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let mut found = Vec::new();
    while let Some(path) = dirs.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                dirs.push(entry.path());
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for part in text.split("pub enum ").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                .collect();
            if !name.starts_with('$') && !name.is_empty() {
                found.push(name);
            }
        }
    }
    assert!(found.len() >= LABELLED.len(), "{found:?}");
    let unlisted: Vec<&String> = found
        .iter()
        .filter(|n| !LABELLED.contains(&n.as_str()))
        .filter(|n| !NOT_VOCABULARY.iter().any(|(v, _)| v == n))
        .collect();
    assert!(
        unlisted.is_empty(),
        "enums without a label walk: {unlisted:?} — label them (coded_enum!) and list them in \
         labelled!, or name them in NOT_VOCABULARY with the reason"
    );
    for name in LABELLED {
        assert!(
            found.iter().any(|f| f == name),
            "{name} is not in the sources"
        );
    }
}
