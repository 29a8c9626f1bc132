//! Numbering plans: what a commune proposes for a street and the province decides.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::numbering::{Side, SuffixStyle};

/// The attribute an approved numbering plan writes on each house it numbers (street, plan,
/// date, side); only plans set it.
pub const NUMBERING_ATTRIBUTE: &str = "numbering";

/// Why a plan cannot be proposed or decided. The registry turns each variant into the
/// error its API has always answered (422, 409 `invalid-transition`, 409 `plan-stale`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The request, or the street's geometry, gives no plan; `field` is a JSON pointer.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The street or the plan is not in a state that allows this step.
    #[error("{0}")]
    Transition(String),
    /// The street, an alley or a house changed since the plan was computed.
    #[error("{0}")]
    Stale(String),
}

impl PlanError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> PlanError {
        PlanError::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// A plan's lifecycle: a draft is approved (its numbers applied) or rejected, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Approved,
    Rejected,
}

impl PlanStatus {
    /// The identifier stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Approved => "approved",
            PlanStatus::Rejected => "rejected",
        }
    }
}

/// The rules a plan was computed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRules {
    pub suffix_style: SuffixStyle,
    /// One reserved number per this many metres of vacant frontage.
    pub reserve_every_m: Option<f64>,
    /// Renumber every house from the start instead of keeping consistent existing numbers.
    pub renumber_all: bool,
    /// How far from the street's line a house may stand to be numbered on it, metres.
    pub frontage_max_m: f64,
    /// Numbers written as a lettered house group (dãy, lô), when the plan says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_group: Option<HouseGroup>,
}

/// A house group's letter and how its numbers are written (Circular 08/2024, Art. 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseGroup {
    /// A to Z.
    pub letter: char,
    /// `compact` (A10, the default) or `block` (BL.A-10).
    #[serde(default)]
    pub style: crate::numbering::GroupStyle,
}

/// One house of the street in the plan: its number before and after, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanHouse {
    /// The house's location code.
    pub code: String,
    /// The version of the place the plan was computed from (approval refuses a changed house).
    pub place_version: i64,
    pub side: Side,
    /// Metres along the street from its numbering start.
    pub chainage_m: f64,
    pub old_number: Option<String>,
    pub new_number: String,
    /// Stable reason code (`kept`, `sequence`, `infill`, …).
    pub reason: String,
    /// The reason for a person.
    pub reason_text: String,
    /// Whether the house's address changes when the plan is applied.
    pub changed: bool,
    /// For a corner house: the rule that gave it this street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corner_rule: Option<String>,
}

/// A number left free for vacant frontage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanReserved {
    pub side: Side,
    pub number: String,
    pub chainage_m: f64,
}

/// An alley renamed by the plan ("ngõ 5" → "ngõ 7") because the number at its entrance changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanAlley {
    pub street_id: String,
    /// The alley's version when the plan was computed.
    pub street_version: i64,
    pub old_number: Option<String>,
    pub new_number: String,
}

/// A numbering plan for one street.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberingPlan {
    pub id: String,
    pub street_id: String,
    /// The street's version the plan was computed from.
    pub street_version: i64,
    pub status: PlanStatus,
    pub rules: PlanRules,
    /// Every house numbered on the street, in order along it (left side then right side).
    pub houses: Vec<PlanHouse>,
    pub reserved: Vec<PlanReserved>,
    pub alleys: Vec<PlanAlley>,
    /// Houses near the street numbered on another street by the corner rule.
    #[serde(default)]
    pub corner_houses_elsewhere: Vec<String>,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

impl NumberingPlan {
    /// How many houses get a new or different number.
    pub fn change_count(&self) -> usize {
        self.houses.iter().filter(|h| h.changed).count()
    }
}
