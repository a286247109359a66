//! The one diesel schema for both backends; the migrations in `migrations/{sqlite,postgres}`
//! create the same tables (a test checks every table on both).

diesel::table! {
    institutions (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        city -> Text,
        local -> Bool,
        time_zone -> Text,
        address -> Nullable<Text>,
        hotline -> Nullable<Text>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        break_glass_roles -> Nullable<Text>,
    }
}

diesel::table! {
    departments (id) {
        id -> Text,
        institution_id -> Text,
        name -> Text,
        code -> Nullable<Text>,
        phone -> Nullable<Text>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    doctors (id) {
        id -> Text,
        institution_id -> Text,
        department_id -> Text,
        name -> Text,
        title -> Text,
        specialties -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    doctor_schedules (id) {
        id -> Text,
        doctor_id -> Text,
        weekday -> Nullable<Integer>,
        on_date -> Nullable<Date>,
        half_day -> Text,
        capacity -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        password_hash -> Text,
        group_wide -> Bool,
        supervisor_id -> Nullable<Text>,
        department_id -> Nullable<Text>,
        active -> Bool,
        version -> Integer,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    user_institutions (user_id, institution_id) {
        user_id -> Text,
        institution_id -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        username -> Text,
        succeeded -> Bool,
        remote_addr -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_username -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        institution_id -> Nullable<Text>,
        changes -> Text,
        remote_addr -> Nullable<Text>,
        flagged -> Bool,
        api_key_id -> Nullable<Text>,
        api_key_name -> Nullable<Text>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        scopes -> Text,
    }
}

diesel::table! {
    idempotency_keys (owner, idem_key) {
        owner -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
        permission -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    write_lock (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        institution_id -> Text,
        kind -> Text,
        name -> Text,
        name_pinyin -> Text,
        name_initials -> Text,
        gender -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        birth_month -> Nullable<Integer>,
        id_type -> Nullable<Text>,
        id_number -> Nullable<Text>,
        card_number -> Nullable<Text>,
        form_of_address -> Text,
        form_of_address_custom -> Bool,
        lifecycle_stage -> Text,
        relationship_type -> Nullable<Text>,
        source_channel -> Nullable<Text>,
        account_manager_id -> Nullable<Text>,
        uscc -> Nullable<Text>,
        employer_id -> Nullable<Text>,
        merged_into_id -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_profiles (customer_id) {
        customer_id -> Text,
        landline -> Nullable<Text>,
        wechat -> Nullable<Text>,
        qq -> Nullable<Text>,
        email -> Nullable<Text>,
        province -> Nullable<Text>,
        city -> Nullable<Text>,
        district -> Nullable<Text>,
        street -> Nullable<Text>,
        occupation -> Nullable<Text>,
        education -> Nullable<Text>,
        marital_status -> Nullable<Text>,
        family_situation -> Nullable<Text>,
        preferred_language -> Nullable<Text>,
        preferred_channel -> Nullable<Text>,
        preferred_hours -> Nullable<Text>,
        source_detail -> Nullable<Text>,
        referred_by_id -> Nullable<Text>,
        interests -> Text,
        notes -> Nullable<Text>,
        industry -> Nullable<Text>,
        org_size -> Nullable<Text>,
    }
}

diesel::table! {
    customer_search_keys (customer_id, kind, term) {
        customer_id -> Text,
        kind -> Text,
        term -> Text,
        name_pinyin -> Text,
    }
}

diesel::table! {
    customer_phones (customer_id, phone) {
        customer_id -> Text,
        phone -> Text,
        last4 -> Text,
        is_primary -> Bool,
    }
}

diesel::table! {
    customer_categories (customer_id, category) {
        customer_id -> Text,
        category -> Text,
    }
}

diesel::table! {
    customer_tags (customer_id, tag) {
        customer_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    customer_external_ids (institution_id, system, external_id) {
        customer_id -> Text,
        institution_id -> Text,
        system -> Text,
        external_id -> Text,
    }
}

diesel::table! {
    customer_stage_history (id) {
        id -> Text,
        customer_id -> Text,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        reason -> Nullable<Text>,
        changed_by -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    customer_relations (id) {
        id -> Text,
        from_id -> Text,
        to_id -> Text,
        kind -> Text,
        note -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_contracts (id) {
        id -> Text,
        customer_id -> Text,
        title -> Text,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        terms -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_medical (customer_id) {
        customer_id -> Text,
        allergies -> Nullable<Text>,
        family_history -> Nullable<Text>,
        chronic_conditions -> Nullable<Text>,
        information_needs -> Nullable<Text>,
        version -> Integer,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_private_notes (customer_id) {
        customer_id -> Text,
        preferences -> Nullable<Text>,
        habits -> Nullable<Text>,
        family_background -> Nullable<Text>,
        special_requirements -> Nullable<Text>,
        version -> Integer,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        customer_id -> Text,
        institution_id -> Text,
        channel -> Text,
        direction -> Text,
        party -> Text,
        party_customer_id -> Nullable<Text>,
        subject -> Text,
        content -> Nullable<Text>,
        feedback -> Nullable<Text>,
        agreement -> Nullable<Text>,
        next_step -> Nullable<Text>,
        next_step_on -> Nullable<Date>,
        minutes_spent -> Nullable<Integer>,
        money_spent_fen -> Nullable<BigInt>,
        owner_id -> Text,
        occurred_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tasks (id) {
        id -> Text,
        institution_id -> Text,
        kind -> Text,
        title -> Text,
        description -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        team -> Nullable<Text>,
        due_on -> Nullable<Date>,
        due_at -> Nullable<Timestamp>,
        status -> Text,
        customer_id -> Nullable<Text>,
        source_type -> Nullable<Text>,
        source_id -> Nullable<Text>,
        outcome -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    break_glass_grants (id) {
        id -> Text,
        user_id -> Text,
        customer_id -> Text,
        institution_id -> Text,
        reason -> Text,
        granted_at -> Timestamp,
        expires_at -> Timestamp,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        review_note -> Nullable<Text>,
        category -> Text,
        needs_approval -> Bool,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        review_outcome -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_settings (institution_id) {
        institution_id -> Text,
        hours -> Text,
        rest_days -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_years (institution_id, year) {
        institution_id -> Text,
        year -> Integer,
        notice -> Text,
        document_number -> Nullable<Text>,
        imported_at -> Timestamp,
        imported_by -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_days (institution_id, day) {
        institution_id -> Text,
        day -> Date,
        year -> Integer,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        institution_id -> Text,
        kind -> Text,
        title_zh -> Text,
        title_en -> Text,
        source_type -> Nullable<Text>,
        source_id -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}
// The complaint desk's tables (CMP-1 … CMP-5a).
mod complaint_tables;
pub use complaint_tables::{
    complaint_attachment_contents, complaint_attachments, complaint_clocks, complaint_counters,
    complaint_escalations, complaint_follow_up_wishes, complaint_history, complaint_improvements,
    complaint_involved, complaint_refunds, complaint_responsibilities, complaints,
};
// The service centre's tables (SVC-1 … SVC-4, ORG-2, INT-2): clinic sessions, resources,
// leaves, appointments, the waitlist, consultations, in-visit services, service times, visits
// and domain events.
mod service_tables;
pub use service_tables::{
    appointments, clinic_resources, clinic_sessions, consultations, domain_events,
    resource_schedules, schedule_exceptions, service_times, task_in_visit, visits,
    waitlist_entries,
};
mod integration_tables;
pub use integration_tables::{integration_batches, visit_charges};

mod webhook_tables;
pub use webhook_tables::{
    webhook_attempts, webhook_deliveries, webhook_subscription_events, webhook_subscriptions,
};

diesel::joinable!(visits -> customers (customer_id));
diesel::joinable!(webhook_subscription_events -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::joinable!(departments -> institutions (institution_id));
diesel::joinable!(calendar_settings -> institutions (institution_id));
diesel::joinable!(calendar_years -> users (imported_by));
diesel::joinable!(doctors -> departments (department_id));
diesel::joinable!(doctor_schedules -> doctors (doctor_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_institutions -> users (user_id));
diesel::joinable!(user_institutions -> institutions (institution_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(customer_phones -> customers (customer_id));
diesel::joinable!(customer_search_keys -> customers (customer_id));
diesel::joinable!(customer_profiles -> customers (customer_id));
diesel::joinable!(customer_categories -> customers (customer_id));
diesel::joinable!(customer_tags -> customers (customer_id));
diesel::joinable!(customer_external_ids -> customers (customer_id));
diesel::joinable!(customer_stage_history -> customers (customer_id));
diesel::joinable!(customer_contracts -> customers (customer_id));
diesel::joinable!(customer_medical -> customers (customer_id));
diesel::joinable!(customer_private_notes -> customers (customer_id));
diesel::joinable!(tasks -> institutions (institution_id));
diesel::joinable!(complaint_attachment_contents -> complaint_attachments (attachment_id));
diesel::joinable!(complaint_refunds -> complaint_attachments (signed_document_id));

diesel::joinable!(complaints -> institutions (institution_id));
diesel::joinable!(complaints -> customers (customer_id));
diesel::joinable!(complaint_involved -> complaints (complaint_id));
diesel::joinable!(complaint_refunds -> complaints (complaint_id));
diesel::joinable!(complaint_responsibilities -> complaints (complaint_id));
diesel::joinable!(complaint_history -> complaints (complaint_id));
// CMP-8: the statistics group a case's columns with those of its departments, refunds and
// penalties.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    complaints::institution_id,
    complaints::category,
    complaints::severity,
    complaints::channel,
    complaints::state,
    complaint_involved::department_id,
    complaint_refunds::status,
    complaint_responsibilities::confirmed_level,
);
diesel::joinable!(complaint_history -> users (actor_id));
diesel::joinable!(complaint_clocks -> complaints (complaint_id));
diesel::joinable!(complaint_escalations -> complaint_clocks (clock_id));
diesel::joinable!(complaint_counters -> institutions (institution_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(notifications -> institutions (institution_id));

diesel::joinable!(resource_schedules -> clinic_resources (resource_id));
diesel::joinable!(clinic_sessions -> doctors (doctor_id));
diesel::joinable!(clinic_sessions -> clinic_resources (resource_id));
diesel::joinable!(clinic_sessions -> departments (department_id));
diesel::joinable!(appointments -> clinic_sessions (session_id));
diesel::joinable!(appointments -> customers (customer_id));
diesel::joinable!(waitlist_entries -> clinic_sessions (session_id));
diesel::joinable!(waitlist_entries -> customers (customer_id));
diesel::joinable!(consultations -> customers (customer_id));
diesel::joinable!(task_in_visit -> tasks (task_id));

diesel::allow_tables_to_appear_in_same_query!(
    institutions,
    departments,
    doctors,
    doctor_schedules,
    users,
    user_roles,
    user_institutions,
    refresh_tokens,
    login_attempts,
    audit_events,
    api_keys,
    idempotency_keys,
    settings,
    customers,
    customer_profiles,
    customer_phones,
    customer_search_keys,
    customer_categories,
    customer_tags,
    customer_external_ids,
    customer_stage_history,
    customer_relations,
    customer_contracts,
    customer_medical,
    customer_private_notes,
    contacts,
    tasks,
    break_glass_grants,
    complaint_counters,
    complaints,
    complaint_involved,
    complaint_history,
    complaint_clocks,
    complaint_escalations,
    complaint_attachments,
    complaint_attachment_contents,
    complaint_refunds,
    complaint_responsibilities,
    complaint_improvements,
    complaint_follow_up_wishes,
    write_lock,
    calendar_settings,
    calendar_years,
    calendar_days,
    notifications,
    clinic_resources,
    resource_schedules,
    clinic_sessions,
    schedule_exceptions,
    appointments,
    waitlist_entries,
    visits,
    domain_events,
    consultations,
    task_in_visit,
    service_times,
    webhook_subscriptions,
    webhook_subscription_events,
    webhook_deliveries,
    webhook_attempts,
    visit_charges,
    integration_batches,
);
