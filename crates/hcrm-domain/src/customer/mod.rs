//! Section 3 of the spec: the customer archive (客户档案) — the vocabularies of a customer
//! record and the checks on its identity numbers, phones and form of address.

pub mod address;
pub mod division;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod id_number;
pub mod kinds;
pub mod merge;
pub mod phone;
#[cfg(feature = "search-keys")]
pub mod search_keys;
pub mod update;
pub mod uscc;

pub use address::{age_on, form_of_address, surname};
pub use id_number::{
    IdNumberError, ResidentId, mask_id_number, parse_resident_id, resident_id_for,
};
pub use kinds::{
    ContactChannel, ContactParty, CustomerCategory, CustomerKind, Direction, Education, Gender,
    IdType, LifecycleStage, MaritalStatus, PreferredLanguage, RelationKind, RelationshipType,
    SourceChannel, TaskKind, TaskStatus,
};
pub use phone::{mask_phone, phone_last4};
pub use uscc::{UsccError, uscc_for, validate_uscc};
