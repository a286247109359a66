//! Complaints (CMP-1 … CMP-5a): numbers, cases, the people involved, history, SLA clocks and
//! escalations, attachments, refunds, responsibilities, improvements, follow-up wishes.

diesel::table! {
    complaint_counters (institution_id, period) {
        institution_id -> Text,
        period -> Text,
        last_serial -> Integer,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        institution_id -> Text,
        number -> Text,
        period -> Text,
        serial -> Integer,
        channel -> Text,
        customer_id -> Text,
        receiver_id -> Text,
        handler_id -> Nullable<Text>,
        description -> Text,
        occurred_at -> Nullable<Timestamp>,
        received_at -> Timestamp,
        demands -> Nullable<Text>,
        category -> Nullable<Text>,
        severity -> Nullable<Text>,
        major_dispute -> Bool,
        state -> Text,
        waiting_on_patient -> Bool,
        promised_reply_at -> Timestamp,
        settled_on_spot -> Bool,
        solution -> Nullable<Text>,
        outcome -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        urgent_deadline -> Nullable<Timestamp>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_involved (id) {
        id -> Text,
        complaint_id -> Text,
        position -> Integer,
        kind -> Text,
        department_id -> Nullable<Text>,
        doctor_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        name -> Nullable<Text>,
    }
}

diesel::table! {
    complaint_history (id) {
        id -> Text,
        complaint_id -> Text,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        actor_id -> Text,
        at -> Timestamp,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    complaint_clocks (id) {
        id -> Text,
        complaint_id -> Text,
        institution_id -> Text,
        kind -> Text,
        limit_unit -> Text,
        limit_amount -> Integer,
        started_at -> Timestamp,
        paused_since -> Nullable<Timestamp>,
        paused_total_seconds -> BigInt,
        stopped_at -> Nullable<Timestamp>,
        breached_at -> Nullable<Timestamp>,
        deadline -> Timestamp,
    }
}

diesel::table! {
    complaint_escalations (clock_id, level) {
        clock_id -> Text,
        level -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    complaint_attachments (id) {
        id -> Text,
        complaint_id -> Text,
        institution_id -> Text,
        kind -> Text,
        file_name -> Text,
        format -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        description -> Nullable<Text>,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    complaint_attachment_contents (attachment_id) {
        attachment_id -> Text,
        content -> Binary,
    }
}

diesel::table! {
    complaint_refunds (id) {
        id -> Text,
        complaint_id -> Text,
        institution_id -> Text,
        kind -> Text,
        amount_fen -> BigInt,
        method -> Text,
        reason -> Text,
        signed_document_id -> Nullable<Text>,
        status -> Text,
        countersigned_by -> Nullable<Text>,
        countersigned_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        rejected_by -> Nullable<Text>,
        rejected_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        paid_by -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
        expected_arrival_at -> Nullable<Timestamp>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_responsibilities (id) {
        id -> Text,
        complaint_id -> Text,
        institution_id -> Text,
        staff_user_id -> Nullable<Text>,
        staff_doctor_id -> Nullable<Text>,
        staff_name -> Text,
        department_id -> Nullable<Text>,
        supervisor_user_id -> Nullable<Text>,
        supervisor_name -> Nullable<Text>,
        leader_user_id -> Nullable<Text>,
        leader_name -> Nullable<Text>,
        description -> Text,
        loss_fen -> BigInt,
        serious_accident -> Bool,
        reputation_damage -> Bool,
        patient_dissatisfied -> Bool,
        proposed_level -> Text,
        confirmed_level -> Nullable<Text>,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        confirmed_on -> Nullable<Date>,
        confirmation_note -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_improvements (id) {
        id -> Text,
        complaint_id -> Text,
        institution_id -> Text,
        text -> Text,
        owner_id -> Text,
        due_on -> Date,
        done -> Bool,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_follow_up_wishes (complaint_id) {
        complaint_id -> Text,
        institution_id -> Text,
        wanted -> Bool,
        note -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
        version -> Integer,
    }
}
