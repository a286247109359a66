//! The service centre's tables — clinic sessions and appointments (ORG-2, SVC-2, SVC-2a),
//! consultations, in-visit services and service times (SVC-1, SVC-3, SVC-6), visits (SVC-4)
//! and domain events (INT-2) — apart so that `schema.rs` stays readable; `schema.rs`
//! re-exports them and lists them with the others.

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

diesel::table! {
    visits (id) {
        id -> Text,
        institution_id -> Text,
        customer_id -> Text,
        kind -> Text,
        sequence -> Text,
        department_id -> Nullable<Text>,
        doctor_id -> Nullable<Text>,
        diagnosis_category -> Nullable<Text>,
        visited_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        amount_fen -> BigInt,
        insurance_fen -> BigInt,
        paid_fen -> BigInt,
        external_id -> Nullable<Text>,
        note -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    domain_events (seq) {
        seq -> BigInt,
        id -> Text,
        kind -> Text,
        subject_type -> Text,
        subject_id -> Text,
        institution_id -> Text,
        customer_id -> Nullable<Text>,
        occurred_at -> Timestamp,
        recorded_at -> Timestamp,
        payload -> Text,
    }
}

diesel::table! {
    consultations (id) {
        id -> Text,
        institution_id -> Text,
        channel -> Text,
        customer_id -> Text,
        owner_id -> Text,
        referred_to_id -> Nullable<Text>,
        referred_doctor_id -> Nullable<Text>,
        referral_note -> Nullable<Text>,
        department_id -> Nullable<Text>,
        topic -> Nullable<Text>,
        question -> Text,
        answer -> Nullable<Text>,
        outcome -> Nullable<Text>,
        state -> Text,
        callback_task_id -> Nullable<Text>,
        received_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    task_in_visit (task_id) {
        task_id -> Text,
        service -> Text,
        reference_at -> Timestamp,
        steps_done -> Text,
        delivery -> Nullable<Text>,
        address -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        location -> Nullable<Text>,
    }
}

diesel::table! {
    service_times (id) {
        id -> Text,
        institution_id -> Text,
        target -> Text,
        customer_id -> Nullable<Text>,
        occurred_on -> Date,
        minutes -> Integer,
        limit_minutes -> Integer,
        met -> Bool,
        note -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}
