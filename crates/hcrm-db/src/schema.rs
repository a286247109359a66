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

diesel::joinable!(departments -> institutions (institution_id));
diesel::joinable!(doctors -> departments (department_id));
diesel::joinable!(doctor_schedules -> doctors (doctor_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_institutions -> users (user_id));
diesel::joinable!(user_institutions -> institutions (institution_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));

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
    write_lock,
);
