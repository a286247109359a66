//! Form plumbing shared by the pages: field errors from live validation and from the API.

use std::collections::BTreeMap;

use hcrm_domain::api::Problem;
use validator::{ValidationErrors, ValidationErrorsKind};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Field name → error code (`institution_code`, `blank` …), at most one per field.
pub type FieldErrors = BTreeMap<String, String>;

/// Flattens the errors of a `Validate` derive (top-level fields; nested lists by their name).
pub fn from_validation(result: Result<(), ValidationErrors>) -> FieldErrors {
    let mut out = FieldErrors::new();
    if let Err(errors) = result {
        for (field, kind) in errors.errors() {
            // A specific rule (`blank`, `username` …) says more than a bare `length`.
            if let ValidationErrorsKind::Field(list) = kind
                && let Some(best) = list.iter().find(|e| e.code != "length").or(list.first())
            {
                out.insert(field.to_string(), best.code.to_string());
            }
        }
    }
    out
}

/// The field errors of a validation problem. `roles[1]` counts as `roles`.
pub fn from_problem(problem: &Problem) -> FieldErrors {
    let mut out = FieldErrors::new();
    for e in &problem.errors {
        let field = e.field.split(['[', '.']).next().unwrap_or(&e.field);
        let slot = out
            .entry(field.to_string())
            .or_insert_with(|| e.code.clone());
        // As for live checks: a specific rule wins over a bare `length`.
        if slot == "length" {
            *slot = e.code.clone();
        }
    }
    out
}

/// True when a write lost a race with another user's (X-7: 412 `stale`).
pub fn is_stale(problem: &Problem) -> bool {
    problem.code() == "stale" || problem.status == 412
}

/// Keeps only the errors of fields the user has touched, unless the form was submitted.
pub fn visible(errors: &FieldErrors, touched: &[&'static str], submitted: bool) -> FieldErrors {
    errors
        .iter()
        .filter(|(f, _)| submitted || touched.contains(&f.as_str()))
        .map(|(f, c)| (f.clone(), c.clone()))
        .collect()
}

/// An `oninput` callback that copies the input's value into the form state through `apply`.
pub fn text_input<F: Clone + 'static>(
    state: UseStateHandle<F>,
    touched: UseStateHandle<Vec<&'static str>>,
    field: &'static str,
    apply: fn(&mut F, String),
) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let mut next = (*state).clone();
        apply(&mut next, input.value());
        state.set(next);
        touch(&touched, field);
    })
}

pub fn touch(touched: &UseStateHandle<Vec<&'static str>>, field: &'static str) {
    touch_all(touched, &[field]);
}

/// Marks several fields touched at once: separate `touch` calls in one event would each start
/// from the same snapshot, and only the last would stick.
pub fn touch_all(touched: &UseStateHandle<Vec<&'static str>>, fields: &[&'static str]) {
    let missing: Vec<&'static str> = fields
        .iter()
        .copied()
        .filter(|f| !touched.contains(f))
        .collect();
    if !missing.is_empty() {
        let mut t = (**touched).clone();
        t.extend(missing);
        touched.set(t);
    }
}

/// `None` for an empty (or blank) optional text field.
pub fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcrm_domain::api::FieldError;
    use hcrm_domain::api::org::InstitutionCreate;
    use validator::Validate;

    #[test]
    fn validation_errors_flatten_to_codes() {
        let c = InstitutionCreate {
            code: "bj".into(),
            name: " ".into(),
            city: "北京".into(),
            local: true,
            time_zone: None,
            address: None,
            hotline: None,
        };
        let errors = from_validation(c.validate());
        assert_eq!(
            errors.get("code").map(String::as_str),
            Some("institution_code")
        );
        assert_eq!(errors.get("name").map(String::as_str), Some("blank"));
        assert!(!errors.contains_key("city"));
    }

    #[test]
    fn problem_fields_drop_indexes() {
        let p = Problem {
            kind: "https://hcrm.example/problems/validation".into(),
            title: "Invalid input".into(),
            status: 422,
            detail: None,
            errors: vec![FieldError {
                field: "roles[1]".into(),
                code: "unknown".into(),
                message: String::new(),
            }],
            duplicates: Vec::new(),
            merged_into: None,
            allowed_actions: Vec::new(),
            free_sessions: Vec::new(),
        };
        assert_eq!(
            from_problem(&p).get("roles").map(String::as_str),
            Some("unknown")
        );
    }

    #[test]
    fn specific_codes_win_over_length() {
        let error = |code: &str| FieldError {
            field: "display_name".into(),
            code: code.into(),
            message: String::new(),
        };
        let p = Problem {
            kind: "/problems/validation".into(),
            title: "Invalid input".into(),
            status: 422,
            detail: None,
            errors: vec![error("length"), error("blank")],
            duplicates: Vec::new(),
            merged_into: None,
            allowed_actions: Vec::new(),
            free_sessions: Vec::new(),
        };
        assert_eq!(
            from_problem(&p).get("display_name").map(String::as_str),
            Some("blank")
        );
    }
}
