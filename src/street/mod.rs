//! Streets and alleys (đường, phố, ngõ, ngách, hẻm, kiệt): the lines that house numbers are
//! counted along.
//!
//! A street is a line string (lon/lat, WGS84) with a stable id (`st-` and ten base-36
//! characters, random, so that several nodes never need to agree on a counter), a type, a
//! cross-section width (the corner rule compares them), the communes it runs through, its
//! numbering direction (derived from the Circular's rules unless the street was already
//! numbered), the suffix style for infill numbers, and for an alley its parent and the number
//! at its entrance. Streets are never deleted, only retired.
//!
//! Numbering plans are proposed ([`propose`]) and decided ([`decide`]) here from plain data;
//! the registry reads the store, calls them and commits what they return.

mod decision;
mod draft;
mod index;
mod plan;
mod plan_request;
mod proposal;
mod rules;
mod street_houses;

#[cfg(test)]
pub(crate) mod fixtures;

pub use decision::{
    decide, ensure_draft, ensure_street_unchanged, CurrentState, Decision, HouseRevision,
    StreetRevision, Verdict,
};
pub use draft::StreetDraft;
pub use index::{point_line_distance_m, point_segment_distance_m, StreetIndex};
pub use plan::{
    HouseGroup, NumberingPlan, PlanAlley, PlanError, PlanHouse, PlanReserved, PlanRules,
    PlanStatus, NUMBERING_ATTRIBUTE,
};
pub use plan_request::{ensure_numberable, PlanRequest, DEFAULT_FRONTAGE_MAX_M};
pub use proposal::{propose, ProposalInput};
pub use rules::CommuneRules;
pub use street_houses::{houses_on_street, NearbyHouse, StreetHouse, StreetHouses, CORNER_SLACK_M};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::numbering::{Direction, DirectionRule, StreetType, SuffixStyle};

/// A street's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreetStatus {
    Active,
    Retired,
}

impl StreetStatus {
    /// The identifier stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            StreetStatus::Active => "active",
            StreetStatus::Retired => "retired",
        }
    }
}

/// How the numbering direction is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionSetting {
    /// By the Circular's rules (N→S, E→W, NE→SW, SE→NW; radial; alleys from their street).
    Auto,
    /// Kept as numbered before: along the drawn line.
    Forward,
    /// Kept as numbered before: against the drawn line.
    Reverse,
}

impl DirectionSetting {
    /// The identifier used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DirectionSetting::Auto => "auto",
            DirectionSetting::Forward => "forward",
            DirectionSetting::Reverse => "reverse",
        }
    }
}

/// A street or alley.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Street {
    pub id: String,
    pub street_type: StreetType,
    /// NFC-normalised name; `None` for an alley named only by its entrance number ("ngõ 5").
    pub name: Option<String>,
    /// Vertices, lon/lat degrees, in the order drawn.
    pub line: Vec<[f64; 2]>,
    /// Cross-section width (mặt cắt ngang), metres.
    pub width_m: f64,
    /// Codes of the communes the line runs through, in order of first appearance.
    pub communes: Vec<String>,
    pub direction: DirectionSetting,
    /// The centre a radial street is numbered away from.
    pub radial_centre: Option<[f64; 2]>,
    /// Numbered before the Circular: its direction is kept.
    pub already_numbered: bool,
    /// Infill suffixes: letters (20A) or dash numbers (20-1).
    pub suffix_style: SuffixStyle,
    /// One reserved number per this many metres of vacant frontage (the commune's rule).
    pub reserve_every_m: Option<f64>,
    /// For an alley: the street (or, for a ngách, the alley) it leaves from.
    pub parent_id: Option<String>,
    /// For an alley: the number of the parent's house just before the entrance, from the
    /// parent's last approved numbering plan.
    pub entrance_number: Option<String>,
    /// The direction numbers run, derived when the street is saved.
    pub numbering_direction: Direction,
    /// Which rule gave that direction.
    pub direction_rule: DirectionRule,
    pub status: StreetStatus,
    pub generated: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new random street id, e.g. `st-0k3m9q2xa7`.
pub fn new_street_id() -> String {
    random_id("st-")
}

/// A new random numbering plan id, e.g. `np-4hx8c0m1z9`.
pub fn new_plan_id() -> String {
    random_id("np-")
}

fn random_id(prefix: &str) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    let tail: String = (0..10)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{tail}")
}

/// Whether `s` has the shape of a street id.
pub fn is_street_id(s: &str) -> bool {
    is_id(s, "st-")
}

/// Whether `s` has the shape of a numbering plan id.
pub fn is_plan_id(s: &str) -> bool {
    is_id(s, "np-")
}

fn is_id(s: &str, prefix: &str) -> bool {
    s.len() == 13
        && s.starts_with(prefix)
        && s[3..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// A GeoJSON Feature with a LineString geometry (lon/lat vertices).
pub fn line_feature(id: &str, line: &[[f64; 2]], properties: Value) -> Value {
    json!({
        "type": "Feature",
        "id": id,
        "geometry": {"type": "LineString", "coordinates": line},
        "properties": properties,
    })
}

impl Street {
    /// The strong ETag of this version, e.g. `"st-0k3m9q2xa7-2"`.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }

    /// How the street is written in an address: "phố Nguyễn Văn Linh", "ngõ 5".
    pub fn display_name(&self) -> String {
        let label = self.street_type.label_vi();
        match (&self.name, &self.entrance_number) {
            (Some(name), _) => format!("{label} {name}"),
            (None, Some(number)) => format!("{label} {number}"),
            (None, None) => format!("{label} (chưa đánh số)"),
        }
    }

    /// The street as a GeoJSON Feature (RFC 7946, lon/lat): what the API serves and what the
    /// stores keep in their `doc` column.
    pub fn feature(&self) -> Value {
        let properties = json!({
            "id": self.id,
            "street_type": self.street_type.as_str(),
            "street_type_label": self.street_type.label_vi(),
            "name": self.name,
            "display_name": self.display_name(),
            "width_m": self.width_m,
            "communes": self.communes,
            "direction": self.direction.as_str(),
            "radial_centre": self.radial_centre,
            "already_numbered": self.already_numbered,
            "suffix_style": self.suffix_style,
            "reserve_every_m": self.reserve_every_m,
            "parent_id": self.parent_id,
            "entrance_number": self.entrance_number,
            "numbering_direction": self.numbering_direction,
            "direction_rule": self.direction_rule,
            "numbering_start": self.numbering_start(),
            "status": self.status.as_str(),
            "generated": self.generated,
            "version": self.version,
            "created_at": self.created_at.to_rfc3339(),
            "updated_at": self.updated_at.to_rfc3339(),
        });
        line_feature(&self.id, &self.line, properties)
    }

    /// Reads back a street written by [`Street::feature`] (the stores' `doc` column).
    pub fn from_feature(v: &Value) -> Result<Street, String> {
        let p = v
            .get("properties")
            .ok_or_else(|| "a street document has properties".to_owned())?;
        let field = |k: &str| p.get(k).cloned().unwrap_or(Value::Null);
        let parse = |k: &str| -> Result<Value, String> {
            p.get(k)
                .cloned()
                .ok_or_else(|| format!("street document without {k}"))
        };
        let time = |k: &str| -> Result<DateTime<Utc>, String> {
            let s = parse(k)?;
            let s = s.as_str().ok_or_else(|| format!("{k} is not text"))?;
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| format!("{k}: {e}"))
        };
        let de = |k: &str| -> Result<Value, String> { parse(k) };
        let value = json!({
            "id": de("id")?,
            "street_type": de("street_type")?,
            "name": field("name"),
            "line": v.get("geometry").and_then(|g| g.get("coordinates")).cloned().unwrap_or(Value::Null),
            "width_m": de("width_m")?,
            "communes": de("communes")?,
            "direction": de("direction")?,
            "radial_centre": field("radial_centre"),
            "already_numbered": de("already_numbered")?,
            "suffix_style": de("suffix_style")?,
            "reserve_every_m": field("reserve_every_m"),
            "parent_id": field("parent_id"),
            "entrance_number": field("entrance_number"),
            "numbering_direction": de("numbering_direction")?,
            "direction_rule": de("direction_rule")?,
            "status": de("status")?,
            "generated": de("generated")?,
            "version": de("version")?,
            "created_at": time("created_at")?,
            "updated_at": time("updated_at")?,
        });
        serde_json::from_value(value).map_err(|e| format!("street document: {e}"))
    }

    /// The vertex numbering starts from (lon, lat).
    pub fn numbering_start(&self) -> [f64; 2] {
        match self.numbering_direction {
            Direction::Forward => self.line[0],
            Direction::Reverse => *self.line.last().unwrap_or(&self.line[0]),
        }
    }

    /// The vertices in numbering order.
    pub fn line_in_numbering_order(&self) -> Vec<[f64; 2]> {
        let mut line = self.line.clone();
        if self.numbering_direction == Direction::Reverse {
            line.reverse();
        }
        line
    }

    /// The bounding box of the line: `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn bbox(&self) -> [f64; 4] {
        self.line.iter().fold(
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            |b, p| {
                [
                    b[0].min(p[0]),
                    b[1].min(p[1]),
                    b[2].max(p[0]),
                    b[3].max(p[1]),
                ]
            },
        )
    }
}
