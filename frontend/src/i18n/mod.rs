//! every piece of interface text in Simplified Chinese (default) and English.
//!
//! Text is looked up by key in one table per area (`text/`) so a missing translation is easy to spot; enum labels
//! (roles, permissions …) come from hcrm-domain's [`Label`](hcrm_domain::Label) instead.

use hcrm_domain::Lang;
use hcrm_domain::api::Problem;

mod text;

/// Every entry of every area's table.
fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    text::TABLES.iter().flat_map(|table| table.iter())
}

/// The text for `key` in `lang`; the key itself when it has no entry (visible, never a panic).
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    entries()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| lang.pick(zh, en))
        .unwrap_or(key)
}

/// The text for a key built at run time (`audit.field.<name>`), when it has an entry.
pub fn tr_dyn(lang: Lang, key: &str) -> Option<&'static str> {
    entries()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| lang.pick(zh, en))
}

/// [`tr`] with `{}` placeholders replaced in order.
pub fn trf(lang: Lang, key: &'static str, args: &[&str]) -> String {
    let mut out = tr(lang, key).to_string();
    for arg in args {
        out = out.replacen("{}", arg, 1);
    }
    out
}

/// The code the two-factor page gives the API's 429 (`too_many_attempts`), whose own text
/// speaks of sign-ins.
pub const TOTP_TOO_MANY_ATTEMPTS: &str = "totp_too_many_attempts";

/// A "too many attempts" sentence with the wait when known: `[plain, in seconds, in minutes]`.
/// The request layer puts the Retry-After seconds in `detail` for these problems.
fn wait_text(lang: Lang, problem: &Problem, keys: [&'static str; 3]) -> String {
    match problem
        .detail
        .as_deref()
        .and_then(|d| d.parse::<u64>().ok())
    {
        Some(secs) if secs >= 120 => trf(lang, keys[2], &[&secs.div_ceil(60).to_string()]),
        Some(secs) => trf(lang, keys[1], &[&secs.to_string()]),
        None => tr(lang, keys[0]).to_string(),
    }
}

/// A sentence for the user explaining a problem the API (or the network) reported.
pub fn problem_text(lang: Lang, problem: &Problem) -> String {
    let key = match problem.code() {
        "validation" => "problem.validation",
        "invalid_credentials" => "problem.invalid_credentials",
        "too_many_attempts" => {
            return wait_text(
                lang,
                problem,
                [
                    "problem.too_many_attempts",
                    "problem.too_many_attempts.wait",
                    "problem.too_many_attempts.wait_min",
                ],
            );
        }
        "not_found" => "problem.not_found",
        "merged" => "problem.merged",
        "stale" | "precondition_failed" | "conflict" => "problem.stale",
        "duplicate" => "problem.duplicate",
        "forbidden" => "problem.forbidden",
        "unauthorized" => "problem.unauthorized",
        "network" => "problem.network",
        "unavailable" | "service_unavailable" => "problem.unavailable",
        "bad_request" | "malformed" => "problem.bad_request",
        "totp_required" => "problem.totp_required",
        "invalid_totp" => "problem.invalid_totp",
        "totp_enrollment_required" => "problem.totp_enrollment_required",
        "own_grant" => "problem.own_grant",
        "break_glass_not_allowed" => "problem.break_glass_not_allowed",
        TOTP_TOO_MANY_ATTEMPTS => {
            return wait_text(
                lang,
                problem,
                [
                    "problem.totp_too_many_attempts",
                    "problem.totp_too_many_attempts.wait",
                    "problem.totp_too_many_attempts.wait_min",
                ],
            );
        }
        "payload_too_large" => "problem.payload_too_large",
        "invalid_transition" => "problem.invalid_transition",
        _ => match problem.status {
            401 => "problem.unauthorized",
            403 => "problem.forbidden",
            404 => "problem.not_found",
            409 | 412 => "problem.stale",
            422 => "problem.validation",
            503 => "problem.unavailable",
            _ => "problem.other",
        },
    };
    tr(lang, key).to_string()
}

/// A translated message for a field error code (`institution_code`, `blank`, `length` …).
pub fn field_error_text(lang: Lang, code: &str) -> &'static str {
    let key = match code {
        "institution_code" => "field.institution_code",
        "username" => "field.username",
        "password" => "field.password",
        "mobile" => "field.mobile",
        "phone" => "field.phone",
        "time_zone" => "field.time_zone",
        "blank" => "field.blank",
        "control_character" => "field.control_character",
        "length" => "field.length",
        "required" | "missing" => "field.required",
        "duplicate" | "unique" => "field.duplicate",
        "group_wide" => "field.group_wide",
        "institution_ids" | "institution_required" => "field.institution_ids",
        "range" => "field.range",
        "past" => "field.past",
        "not_integration" => "field.not_integration",
        "self" => "field.self",
        "division_unknown" => "field.division_unknown",
        "reason_of_substance" => "breakglass.reason.error",
        "break_glass_role" => "field.break_glass_role",
        "beyond_role" => "field.beyond_role",
        "scope" => "field.scope",
        "bad_reference" => "field.bad_reference",
        "invalid_sort" => "field.invalid_sort",
        "if_match" => "field.if_match",
        "unknown" | "not_found" => "field.unknown",
        "totp_code" => "field.totp_code",
        "invalid_totp" => "field.invalid_totp",
        "totp_not_started" => "field.totp_not_started",
        "totp_required_by_role" => "field.totp_required_by_role",
        "totp_not_enabled" => "field.totp_not_enabled",
        "invalid_password" => "field.invalid_password",
        "id_length" => "field.id_length",
        "id_characters" => "field.id_characters",
        "id_region" => "field.id_region",
        "id_birth_date" => "field.id_birth_date",
        "id_checksum" => "field.id_checksum",
        "id_birth_date_mismatch" => "field.id_birth_date_mismatch",
        "id_gender_mismatch" => "field.id_gender_mismatch",
        "uscc_length" => "field.uscc_length",
        "uscc_characters" => "field.uscc_characters",
        "uscc_checksum" => "field.uscc_checksum",
        "uscc_individual" => "field.uscc_individual",
        "email" => "field.email",
        "tag" => "field.tag",
        "interests" => "field.interests",
        "external_id_incomplete" => "field.external_id_incomplete",
        "external_id_repeated" => "field.external_id_repeated",
        "not_organization" => "field.not_organization",
        "date" | "invalid_date" => "field.date",
        "stage_transition" | "invalid_transition" => "field.stage_transition",
        "next_step_required" => "field.next_step_required",
        "unknown_column" => "field.unknown_column",
        "possible_duplicate" => "field.possible_duplicate",
        "duplicate_column" => "field.duplicate_column",
        "required_column" => "field.required_column",
        "unknown_value" => "field.unknown_value",
        "duplicate_in_file" => "field.duplicate_in_file",
        "kind_change" => "field.kind_change",
        "unknown_kind" => "field.unknown_kind",
        "outside_year" => "field.outside_year",
        "repeated_date" => "field.repeated_date",
        "makeup_on_working_weekday" => "field.makeup_on_working_weekday",
        "header" => "field.header",
        "columns" => "field.columns",
        "unbalanced_quote" => "field.unbalanced_quote",
        "empty" => "field.empty_file",
        "too_many_problems" => "field.too_many_problems",
        "not_utf8" => "field.not_utf8",
        "invalid_interval" => "field.invalid_interval",
        "overlapping_intervals" => "field.overlapping_intervals",
        "no_working_weekday" | "no_working_hours" => "field.no_working_weekday",
        "scheme" | "url" => "field.webhook_url",
        "credentials" => "field.webhook_credentials",
        "private_address" => "field.webhook_private_address",
        _ => "field.invalid",
    };
    tr(lang, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal key passed to `tr`/`trf` in the sources has an entry.
    #[test]
    fn every_used_key_exists() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = vec![std::path::PathBuf::from(src)];
        let mut missing = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    files.push(entry.path());
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for part in text
                .split("tr(lang, \"")
                .skip(1)
                .chain(text.split("trf(lang, \"").skip(1))
            {
                let key = part.split('"').next().unwrap_or_default();
                if !entries().any(|(k, _, _)| *k == key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn api_field_codes_are_translated() {
        for code in [
            "duplicate",
            "past",
            "not_integration",
            "self",
            "scope",
            "bad_reference",
            "invalid_sort",
            "if_match",
            "range",
            "totp_code",
            "invalid_totp",
            "totp_not_started",
            "totp_required_by_role",
            "totp_not_enabled",
            "invalid_password",
            "not_organization",
            "external_id_incomplete",
            "external_id_repeated",
            "control_character",
        ] {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(
                    field_error_text(lang, code),
                    field_error_text(lang, "no-such-code"),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn totp_problems_are_translated() {
        let problem = |code: &str, status: u16| crate::services::local_problem(code, status, "");
        for (code, status, key) in [
            ("totp_required", 401, "problem.totp_required"),
            ("invalid_totp", 401, "problem.invalid_totp"),
            (
                "totp_enrollment_required",
                403,
                "problem.totp_enrollment_required",
            ),
            (
                TOTP_TOO_MANY_ATTEMPTS,
                429,
                "problem.totp_too_many_attempts",
            ),
        ] {
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(problem_text(lang, &problem(code, status)), tr(lang, key));
            }
        }
    }

    /// English texts that rightly show Chinese words: the switch to Chinese names the language
    /// in it, and forms of address are Chinese words.
    const CHINESE_IN_ENGLISH: [&str; 2] = ["lang.switch", "customer.form_of_address.hint"];

    /// Issue 9 item 14: English text has no Chinese in it — no full-width colon, comma or
    /// bracket anywhere, no untranslated word but the few above — so an English reader never
    /// meets "Same：" or "（…）".
    #[test]
    fn english_texts_have_no_chinese_characters_or_punctuation() {
        let full_width = |c: char| matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}');
        let cjk = |c: char| full_width(c) || matches!(c, '\u{3400}'..='\u{9fff}');
        let bad: Vec<String> = entries()
            .filter(|(k, _, en)| {
                en.chars().any(full_width)
                    || (!CHINESE_IN_ENGLISH.contains(k) && en.chars().any(cjk))
            })
            .map(|(k, _, en)| format!("{k}: {en:?}"))
            .collect();
        assert!(
            bad.is_empty(),
            "English text with Chinese characters: {bad:#?}"
        );
        // The test can fail: a full-width colon and a Chinese word are caught.
        assert!("Same：".chars().any(full_width));
        assert!("相同".chars().any(cjk));
    }

    #[test]
    fn keys_are_unique() {
        let all: Vec<_> = entries().collect();
        for (i, (k, _, _)) in all.iter().enumerate() {
            assert!(!all[i + 1..].iter().any(|(k2, _, _)| k2 == k), "{k}");
        }
    }
}
