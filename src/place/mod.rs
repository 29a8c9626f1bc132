//! Places (địa điểm): what they are, how they are validated, how they look as GeoJSON.
//!
//! The module is pure: it validates drafts and patches and renders features; the registry
//! decides codes and communes, the store keeps them.

mod doc;
mod draft;
mod errors;
mod feature;
mod kind;
mod kind_words;
pub mod parking;

pub use doc::PlaceDoc;
pub use draft::{apply_merge_patch, relax_feature, PlaceDraft, Relaxed};
pub(crate) use draft::{
    control_character_in, geometry_of_type, submitted_feature, text_field, PropertyNames,
};
pub(crate) use errors::Errors;
pub use errors::{FieldError, ValidationError};
pub use feature::{place_feature, place_from_feature, PlaceFeature};
pub use kind::{PlaceKind, Status};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::code::LocationCode;

/// Address parts of a place. Each is optional; none is derived here (house numbers come from
/// the numbering plans).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Số nhà, e.g. `"20A"`, `"25-06"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// Đường / phố / ngõ, e.g. `"phố Nguyễn Văn Linh"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Thôn / xóm / tổ dân phố.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hamlet: Option<String>,
}

impl Address {
    /// Whether no part is set.
    pub fn is_empty(&self) -> bool {
        self.house_number.is_none() && self.street.is_none() && self.hamlet.is_none()
    }
}

/// A registered place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Permanent location code; never changes.
    pub code: LocationCode,
    pub kind: PlaceKind,
    /// NFC-normalised name.
    pub name: String,
    /// Longitude, degrees (WGS84).
    pub lon: f64,
    /// Latitude, degrees (WGS84).
    pub lat: f64,
    /// Optional footprint: a GeoJSON Polygon or MultiPolygon geometry object.
    pub footprint: Option<serde_json::Value>,
    /// Code of the commune that contains the point (derived).
    pub commune_code: String,
    pub address: Address,
    /// Kind-specific attributes (a JSON object).
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Ids of the place in other systems (land parcel, postcode, business registry, …).
    pub external_ids: BTreeMap<String, String>,
    pub status: Status,
    /// True for records made by the project's generator (demo and test data).
    pub generated: bool,
    /// Starts at 1 and grows by one with every change; the ETag is built from it.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Place {
    /// The strong ETag of this version, e.g. `"798580039614-3"`.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.code, self.version)
    }
}
