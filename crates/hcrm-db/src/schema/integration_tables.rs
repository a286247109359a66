//! The HIS path's tables (INT-1, X-8; issue 12): a visit's money lines and the batches.

diesel::table! {
    visit_charges (id) {
        id -> Text,
        institution_id -> Text,
        visit_id -> Text,
        external_id -> Text,
        kind -> Text,
        amount_fen -> BigInt,
        insurance_fen -> BigInt,
        occurred_at -> Timestamp,
        item -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    integration_batches (id) {
        id -> Text,
        institution_id -> Text,
        client_id -> Text,
        client_name -> Text,
        batch_key -> Nullable<Text>,
        sent_key -> Nullable<Text>,
        request_hash -> Text,
        status -> Text,
        created_count -> Integer,
        updated_count -> Integer,
        unchanged_count -> Integer,
        rejected_count -> Integer,
        skipped_count -> Integer,
        items -> Text,
        received_at -> Timestamp,
        duration_ms -> BigInt,
    }
}
