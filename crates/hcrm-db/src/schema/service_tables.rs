//! The tables of clinic sessions and appointments (ORG-2, SVC-2, SVC-2a), apart so that
//! `schema.rs` stays readable; `schema.rs` re-exports them and lists them with the others.

diesel::table! {
    clinic_resources (id) {
        id -> Text,
        institution_id -> Text,
        department_id -> Nullable<Text>,
        name -> Text,
        kind -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resource_schedules (id) {
        id -> Text,
        resource_id -> Text,
        weekday -> Nullable<Integer>,
        on_date -> Nullable<Date>,
        half_day -> Text,
        capacity -> Integer,
    }
}

diesel::table! {
    clinic_sessions (id) {
        id -> Text,
        institution_id -> Text,
        department_id -> Nullable<Text>,
        doctor_id -> Nullable<Text>,
        resource_id -> Nullable<Text>,
        on_date -> Date,
        half_day -> Text,
        slot -> Integer,
        capacity -> Integer,
        booked -> Integer,
        status -> Text,
        origin -> Text,
        cancel_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    schedule_exceptions (id) {
        id -> Text,
        institution_id -> Text,
        doctor_id -> Nullable<Text>,
        resource_id -> Nullable<Text>,
        from_date -> Date,
        to_date -> Date,
        reason -> Text,
        sessions_cancelled -> Integer,
        appointments_moved -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    appointments (id) {
        id -> Text,
        institution_id -> Text,
        customer_id -> Text,
        session_id -> Text,
        kind -> Text,
        places -> Integer,
        status -> Text,
        note -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        booked_by -> Nullable<Text>,
        reminded_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    waitlist_entries (id) {
        id -> Text,
        institution_id -> Text,
        session_id -> Text,
        customer_id -> Text,
        places -> Integer,
        note -> Nullable<Text>,
        status -> Text,
        offered_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
