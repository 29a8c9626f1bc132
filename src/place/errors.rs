//! What is wrong with a submitted document: every problem with every field, at once.

/// One problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Where, as a JSON pointer into the submitted document, e.g. `/properties/name`.
    pub field: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// Everything wrong with a submitted place (all problems at once, so a form can show them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct ValidationError {
    pub errors: Vec<FieldError>,
}

/// Problems collected while validating, reported all at once.
pub(crate) struct Errors(pub(crate) Vec<FieldError>);

impl Errors {
    pub(crate) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }
}
