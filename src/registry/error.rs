//! What can go wrong in the registry.

use serde_json::Value;

use crate::place::ValidationError;
use crate::store::StoreError;

/// Errors of the registry's operations; the API maps each to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}")]
    Validation(#[from] ValidationError),
    #[error("the point ({lon}, {lat}) is outside the national territory (lon 102.0–118.0, lat 6.0–23.5)")]
    OutsideTerritory { lon: f64, lat: f64 },
    #[error("the point ({lon}, {lat}) is not inside any commune loaded in this registry")]
    OutsideCommunes { lon: f64, lat: f64 },
    #[error("no place is registered under code {0}")]
    NotFound(String),
    /// No token, where one is needed (401).
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{} place(s) of the same kind with a similar name within {radius_m} m; resend with \"confirm_distinct\": true if this is a different place", .candidates.len())]
    PossibleDuplicates {
        radius_m: f64,
        candidates: Vec<Value>,
    },
    #[error("the place has changed since it was read (current ETag {current_etag}); read it again and reapply the change")]
    Stale { current_etag: String },
    #[error("{0}")]
    InvalidTransition(String),
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the reason is longer than {0} characters")]
    ReasonTooLong(usize),
    #[error("the reason must not contain control characters")]
    ReasonInvalid,
    #[error("this Idempotency-Key was already used with a different request body")]
    IdempotencyKeyReused,
    #[error("every code cell within {0} m of the point is taken; register the place at a more precise point")]
    NoFreeCell(u32),
    #[error("{} line(s) of the file are not valid; nothing was imported", .0.len())]
    Rows(Vec<crate::population::RowError>),
    #[error("no street has the id {0}")]
    StreetNotFound(String),
    #[error("no numbering plan has the id {0}")]
    PlanNotFound(String),
    #[error("{0}")]
    PlanStale(String),
    /// A parameter of a read is out of range (400).
    #[error("{0}")]
    InvalidQuery(String),
    /// A new token's holder or rights are not acceptable.
    #[error("{0}")]
    TokenRequest(String),
    #[error("no active token {0}")]
    TokenNotFound(i64),
    #[error("the transaction {0} was already recorded with other content; nothing was written")]
    TransactionConflict(String),
    #[error(
        "no import {0} (imports are kept for a day, and only their owner and admins see them)"
    )]
    ImportNotFound(String),
    /// Too much is running already; try again later (429).
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A failure of the service itself (a background task that died, embedded data that does
    /// not load): logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl RegistryError {
    /// A validation error on one field (a JSON pointer into the request).
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> RegistryError {
        RegistryError::Validation(ValidationError {
            errors: vec![crate::place::FieldError {
                field: field.into(),
                message: message.into(),
            }],
        })
    }
}

/// Result of the registry's operations.
pub type Result<T, E = RegistryError> = std::result::Result<T, E>;
