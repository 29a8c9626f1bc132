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

/// What a write to a street or a numbering plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreetAction {
    Create,
    Update,
    Retire,
    /// A numbering plan was proposed for the street.
    Propose,
    /// A numbering plan was approved and its numbers applied.
    Approve,
    /// A numbering plan was rejected.
    Reject,
}

impl StreetAction {
    /// Every action.
    pub const ALL: [StreetAction; 6] = [
        StreetAction::Create,
        StreetAction::Update,
        StreetAction::Retire,
        StreetAction::Propose,
        StreetAction::Approve,
        StreetAction::Reject,
    ];

    /// The identifier stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            StreetAction::Create => "create",
            StreetAction::Update => "update",
            StreetAction::Retire => "retire",
            StreetAction::Propose => "propose",
            StreetAction::Approve => "approve",
            StreetAction::Reject => "reject",
        }
    }

    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<StreetAction> {
        StreetAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An event of the streets' log (streets and numbering plans), before it is appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewStreetEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: StreetAction,
    pub street_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// The street's Feature (or the plan) before.
    pub before: Option<Value>,
    /// The street's Feature (or the plan) after.
    pub after: Option<Value>,
    pub reason: Option<String>,
}

/// An event of the streets' log with its sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetEvent {
    pub seq: i64,
    #[serde(flatten)]
    pub event: NewStreetEvent,
}
