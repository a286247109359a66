//! `OperationOutcome`: every FHIR error answer (the JSON API's problem+json, in FHIR's words).

use serde::{Deserialize, Serialize};

/// `IssueSeverity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum IssueSeverity {
    Fatal,
    Error,
    Warning,
    Information,
}

/// `IssueType` (the codes we answer with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum IssueType {
    Invalid,
    Structure,
    Required,
    Value,
    Security,
    Login,
    Forbidden,
    Processing,
    NotSupported,
    Duplicate,
    MultipleMatches,
    NotFound,
    TooLong,
    BusinessRule,
    Conflict,
    Transient,
    Exception,
    Throttled,
    Informational,
}

/// One issue: what, how bad, where (FHIRPath expressions) and in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutcomeIssue {
    pub severity: IssueSeverity,
    pub code: IssueType,
    /// Our problem code (`not_found`, `id_checksum` …) as text, so that clients can branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<super::CodeableConcept>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

impl OutcomeIssue {
    /// An error issue with our `problem` code and words.
    pub fn error(code: IssueType, problem: &str, diagnostics: impl Into<String>) -> OutcomeIssue {
        OutcomeIssue {
            severity: IssueSeverity::Error,
            code,
            details: Some(super::CodeableConcept::text(problem)),
            diagnostics: Some(diagnostics.into()),
            expression: Vec::new(),
        }
    }

    /// The same, about the element at `expression`.
    pub fn at(mut self, expression: impl Into<String>) -> OutcomeIssue {
        self.expression.push(expression.into());
        self
    }
}

/// `OperationOutcome`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "not-found", "details": {"text": "not_found"},
               "diagnostics": "no such Patient for this caller"}]
})))]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcome {
    /// Always `OperationOutcome`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^OperationOutcome$"))]
    pub resource_type: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub issue: Vec<OutcomeIssue>,
}

impl OperationOutcome {
    pub fn new(issue: Vec<OutcomeIssue>) -> OperationOutcome {
        OperationOutcome {
            resource_type: "OperationOutcome".into(),
            issue,
        }
    }

    /// One error issue.
    pub fn error(code: IssueType, problem: &str, diagnostics: impl Into<String>) -> Self {
        OperationOutcome::new(vec![OutcomeIssue::error(code, problem, diagnostics)])
    }
}
