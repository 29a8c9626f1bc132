//! The append-only event log: every write is one event, in the same transaction as the write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::code::LocationCode;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Certify,
    Retire,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 4] = [
        Action::Create,
        Action::Update,
        Action::Certify,
        Action::Retire,
    ];

    /// The identifier stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Certify => "certify",
            Action::Retire => "retire",
        }
    }

    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An event about to be appended (the store gives it its sequence number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub at: DateTime<Utc>,
    /// Who: `token:ID:NAME`, or `local-cli`.
    pub actor: String,
    pub action: Action,
    pub code: LocationCode,
    /// The place's Feature before the write (none for a creation).
    pub before: Option<Value>,
    /// The place's Feature after the write.
    pub after: Option<Value>,
    /// Why (required to retire).
    pub reason: Option<String>,
}

/// An event of the log, with its sequence number (strictly increasing, never reused).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: i64,
    #[serde(flatten)]
    pub event: NewEvent,
}
