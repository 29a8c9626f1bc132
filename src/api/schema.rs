//! The shapes the API answers and accepts, for the OpenAPI document (`/api/openapi.json`).
//!
//! Handlers build their JSON with `serde_json`; the types here only *describe* it. They are
//! kept true by `tests/openapi.rs`, which checks real answers of the running binary against the
//! served schemas. The enumerations (kinds, statuses, roles, actions) are not copied: their
//! schemas are built from the domain types' own `ALL` lists.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::auth::Role;
use crate::event::Action;
use crate::place::{PlaceKind, Status};

/// A string enumeration built from the domain's own list of identifiers.
fn string_enum(description: &str, values: &[&'static str]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().copied()))
        .into()
}

impl PartialSchema for PlaceKind {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "What a place is (the Vietnamese label is in `kind_label` and at /api/kinds).",
            &PlaceKind::ALL.map(PlaceKind::as_str),
        )
    }
}
impl ToSchema for PlaceKind {}

impl PartialSchema for Status {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "Lifecycle: provisional → active (certified by a reviewer) → retired. Anonymous callers see active places only.",
            &Status::ALL.map(Status::as_str),
        )
    }
}
impl ToSchema for Status {}

impl PartialSchema for Role {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "A token's role, ordered reader < editor < reviewer < admin; an editor writes only in the communes on its token.",
            &Role::ALL.map(Role::as_str),
        )
    }
}
impl ToSchema for Role {}

impl PartialSchema for Action {
    fn schema() -> RefOr<Schema> {
        string_enum("What a write did.", &Action::ALL.map(Action::as_str))
    }
}
impl ToSchema for Action {}

/// Why a location code was refused: the `reason` member of a `/problems/invalid-code` problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CodeErrorReason {
    Empty,
    InvalidCharacter,
    WrongLength,
    CheckDigit,
    OutOfRange,
    Invalid,
}

// ---------------------------------------------------------------------------------------------
// Errors

/// An error (RFC 9457 problem details), always with `Content-Type: application/problem+json`.
/// Database and internal text never appear in it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/invalid-code",
    "title": "Bad Request",
    "status": 400,
    "detail": "invalid location code: the check digit does not match",
    "reason": "check-digit"
}))]
pub struct Problem {
    /// `/problems/{slug}`: the stable kind of problem, e.g. `/problems/not-found`,
    /// `/problems/validation`, `/problems/stale`.
    #[serde(rename = "type")]
    #[schema(format = "uri-reference", pattern = "^/problems/[a-z0-9-]+$")]
    pub problem_type: String,
    /// The HTTP reason phrase of the status.
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// `/problems/validation` from a submitted Feature: every problem with every field at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub errors: Option<Vec<FieldError>>,
    /// `/problems/possible-duplicate`: the similar places nearby.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub candidates: Option<Vec<DuplicateCandidate>>,
    /// `/problems/invalid-code`: why the code was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reason: Option<CodeErrorReason>,
}

/// One problem with one field of a submitted document.
#[derive(Serialize, ToSchema)]
pub struct FieldError {
    /// A JSON pointer into the submitted document, e.g. `/properties/name` (empty for the
    /// whole document).
    #[schema(example = "/properties/name")]
    pub field: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// A registered place of the same kind with a similar name near the submitted point.
#[derive(Serialize, ToSchema)]
pub struct DuplicateCandidate {
    #[schema(pattern = "^[0-9]{12}$")]
    pub code: String,
    pub kind: PlaceKind,
    pub name: String,
    pub status: Status,
    /// `[lon, lat]`, degrees (WGS84).
    #[schema(min_items = 2, max_items = 2)]
    pub coordinates: Vec<f64>,
    /// Geodesic distance from the submitted point, metres (one decimal).
    pub distance_m: f64,
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

/// `"Feature"`.
#[derive(Serialize, ToSchema)]
pub enum FeatureType {
    Feature,
}

/// `"FeatureCollection"`.
#[derive(Serialize, ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// `"Point"`.
#[derive(Serialize, ToSchema)]
pub enum PointType {
    Point,
}

/// A GeoJSON Point: `[lon, lat]` in degrees (WGS84 / CRS84).
#[derive(Serialize, ToSchema)]
pub struct PointGeometry {
    #[serde(rename = "type")]
    pub geometry_type: PointType,
    /// `[longitude, latitude]`. On input an optional third number (height) is accepted and
    /// ignored.
    #[schema(min_items = 2, max_items = 3, example = json!([106.068, 20.6634]))]
    pub coordinates: Vec<f64>,
}

/// `"Polygon"` or `"MultiPolygon"`.
#[derive(Serialize, ToSchema)]
pub enum AreaType {
    Polygon,
    MultiPolygon,
}

/// A GeoJSON Polygon or MultiPolygon geometry (RFC 7946): rings of `[lon, lat]` positions,
/// each ring closed and at least 4 positions long.
#[derive(Serialize, ToSchema)]
pub struct AreaGeometry {
    #[serde(rename = "type")]
    pub geometry_type: AreaType,
    /// Polygon: an array of rings; MultiPolygon: an array of polygons.
    #[schema(value_type = Vec<Value>)]
    pub coordinates: Value,
}

/// An OGC API link.
#[derive(Serialize, ToSchema)]
pub struct Link {
    /// Absolute URL, built from the request's `Host` (and `X-Forwarded-Proto: https`).
    pub href: String,
    pub rel: String,
    #[serde(rename = "type")]
    pub media_type: String,
    pub title: String,
}

// ---------------------------------------------------------------------------------------------
// Places

/// Address parts of a place; each is optional.
#[derive(Serialize, ToSchema)]
pub struct Address {
    /// Số nhà, e.g. `20A`, `25-06` (at most 20 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 20)]
    pub house_number: Option<String>,
    /// Đường / phố / ngõ, e.g. `phố Nguyễn Văn Linh`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 200)]
    pub street: Option<String>,
    /// Thôn / xóm / tổ dân phố.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 200)]
    pub hamlet: Option<String>,
}

/// The properties of a place as served.
#[derive(Serialize, ToSchema)]
pub struct PlaceProperties {
    /// The permanent 12-digit location code (digit 12 is a Damm check digit).
    #[schema(pattern = "^[0-9]{12}$", example = "798580039614")]
    pub code: String,
    /// The code grouped for people, `XXXX XXXX XXXX`.
    #[schema(pattern = "^[0-9]{4} [0-9]{4} [0-9]{4}$", example = "7985 8003 9614")]
    pub code_display: String,
    pub kind: PlaceKind,
    /// The kind's Vietnamese label, e.g. `bãi đỗ xe`.
    pub kind_label: String,
    /// The name, Unicode NFC.
    pub name: String,
    /// The official 5-digit code of the commune that contains the point (derived).
    #[schema(pattern = "^[0-9]{5}$", example = "11953")]
    pub commune_code: String,
    /// The commune's full name; absent when the commune is not loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "Phường Phố Hiến")]
    pub commune_name: Option<String>,
    pub status: Status,
    pub address: Address,
    /// Kind-specific attributes: names of 1–64 of `a–z`, `0–9`, `_`; at most 16 KiB.
    /// `capacity` (parking lots and bus stations) is `{motorbike, car, bus}` counts;
    /// `phone`, `website`, `opening_hours`, `operator`, `description` are strings.
    #[schema(value_type = Object, example = json!({"capacity": {"motorbike": 300, "car": 40}}))]
    pub attributes: serde_json::Map<String, Value>,
    /// Ids of the place in other systems (land parcel, postcode, business registry, …).
    #[schema(example = json!({"postcode": "16000"}))]
    pub external_ids: BTreeMap<String, String>,
    /// The place's footprint, when one was registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub footprint: Option<AreaGeometry>,
    /// True for records made by the project's generator (demo and test data).
    pub generated: bool,
    /// Starts at 1 and grows by one with every change; the ETag is `"CODE-VERSION"`.
    #[schema(minimum = 1)]
    pub version: i64,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A place: a GeoJSON Feature whose `id` is its location code.
#[derive(Serialize, ToSchema)]
pub struct PlaceFeature {
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    /// The location code.
    #[schema(pattern = "^[0-9]{12}$")]
    pub id: String,
    pub geometry: PointGeometry,
    pub properties: PlaceProperties,
}

/// Places as a GeoJSON FeatureCollection (the GeoJSON export).
#[derive(Serialize, ToSchema)]
pub struct PlaceCollection {
    #[serde(rename = "type")]
    pub collection_type: FeatureCollectionType,
    pub features: Vec<PlaceFeature>,
}

/// A place as an OGC API feature: the place Feature with `self` and `collection` links.
#[derive(Serialize, ToSchema)]
pub struct PlaceItem {
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    #[schema(pattern = "^[0-9]{12}$")]
    pub id: String,
    pub geometry: PointGeometry,
    pub properties: PlaceProperties,
    pub links: Vec<Link>,
}

/// What a client may send in the properties of a new place. `code`, `code_display`,
/// `commune_code`, `commune_name`, `status`, `version`, `created_at`, `updated_at` and
/// `kind_label` are set by the registry and refused here; any other unknown property is refused.
#[derive(Serialize, ToSchema)]
pub struct NewPlaceProperties {
    pub kind: PlaceKind,
    /// 1–200 characters; stored NFC.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub address: Option<Address>,
    /// See the served `attributes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object, nullable = false)]
    pub attributes: Option<serde_json::Map<String, Value>>,
    /// At most 20; names of 1–64 of `a–z`, `0–9`, `_`; values are strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub external_ids: Option<BTreeMap<String, String>>,
    /// At most 10,000 vertices.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub footprint: Option<AreaGeometry>,
    /// Marks demo and test data.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub generated: Option<bool>,
    /// The submitter says the place is not a duplicate of a similar place of the same kind
    /// within 15 m (otherwise such a place is a 409 with `candidates`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub confirm_distinct: Option<bool>,
}

/// A new place: a GeoJSON Feature with a Point geometry. A Feature `id` or `bbox`, when sent,
/// is ignored; any other unknown member is refused.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [106.068, 20.6634]},
    "properties": {
        "kind": "parking_lot",
        "name": "Bãi đỗ xe Phố Hiến",
        "address": {"house_number": "20A", "street": "phố Nguyễn Văn Linh"},
        "attributes": {"capacity": {"motorbike": 300, "car": 40}},
        "external_ids": {"postcode": "16000"}
    }
}))]
pub struct NewPlace {
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    pub geometry: PointGeometry,
    pub properties: NewPlaceProperties,
}

/// A JSON merge patch (RFC 7396) of the place's editable Feature: `geometry` and the
/// properties a new place may carry. `null` removes a member; moving the point keeps the code
/// and re-derives the commune.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"properties": {"name": "Bãi đỗ xe Phố Hiến (mở rộng)", "address": {"hamlet": null}}}))]
pub struct PlacePatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub geometry: Option<PointGeometry>,
    /// Any of the properties of a new place; `null` removes one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object, nullable = false)]
    pub properties: Option<serde_json::Map<String, Value>>,
}

/// Any JSON value (documented in the operation's description).
#[derive(Serialize, ToSchema)]
pub struct AnyJson(pub serde_json::Map<String, serde_json::Value>);

/// The optional body of certify and retire. Retiring needs a reason (1–1000 characters).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"reason": "đăng ký trùng với 7985 8003 9614"}))]
pub struct ReasonBody {
    #[schema(required = false)]
    pub reason: Option<String>,
}

/// One event of the append-only log.
#[derive(Serialize, ToSchema)]
pub struct Event {
    /// Sequence number: strictly increasing, never reused.
    #[schema(minimum = 1)]
    pub seq: i64,
    /// When, RFC 3339 UTC.
    #[schema(format = DateTime)]
    pub at: String,
    /// Who: `token:ID:NAME`, or `local-cli`.
    pub actor: String,
    pub action: Action,
    /// The place's location code.
    #[schema(pattern = "^[0-9]{12}$")]
    pub code: String,
    /// The place's Feature before the write (`null` for a creation).
    #[schema(required = true)]
    pub before: Option<PlaceFeature>,
    /// The place's Feature after the write.
    #[schema(required = true)]
    pub after: Option<PlaceFeature>,
    /// Why (always given for a retirement).
    #[schema(required = true)]
    pub reason: Option<String>,
}

/// The history of one place, oldest first.
#[derive(Serialize, ToSchema)]
pub struct PlaceHistory {
    #[schema(pattern = "^[0-9]{12}$")]
    pub code: String,
    pub events: Vec<Event>,
}

/// A page of the change feed.
#[derive(Serialize, ToSchema)]
pub struct ChangesPage {
    /// Events with `seq > after`, in order.
    pub events: Vec<Event>,
    /// The `seq` of the last event in the page (`after` when the page is empty): ask again
    /// with `after=` it.
    pub last_seq: i64,
}

// ---------------------------------------------------------------------------------------------
// Codes

/// The cell a code names.
#[derive(Serialize, ToSchema)]
pub struct CodeCell {
    /// `[lon, lat]` of the cell's centre, degrees (WGS84).
    #[schema(min_items = 2, max_items = 2)]
    pub centre: Vec<f64>,
    /// `[min_lon, min_lat, max_lon, max_lat]`, degrees.
    #[schema(min_items = 4, max_items = 4)]
    pub bounds: Vec<f64>,
}

/// What a location code is: always valid here (an invalid one is a 400), the cell it decodes
/// to without the registry, and what is registered under it.
#[derive(Serialize, ToSchema)]
pub struct CodeLookup {
    #[schema(pattern = "^[0-9]{12}$")]
    pub code: String,
    #[schema(pattern = "^[0-9]{4} [0-9]{4} [0-9]{4}$")]
    pub code_display: String,
    /// Always `true`.
    pub valid: bool,
    /// The 12th digit (Damm).
    #[schema(minimum = 0, maximum = 9)]
    pub check_digit: u8,
    pub cell: CodeCell,
    /// Whether a place (of any status) holds the code. Codes are not secrets.
    pub registered: bool,
    /// The status of the place holding the code, public; `null` when none.
    #[schema(required = true)]
    pub status: Option<Status>,
    /// The place, when the caller may see it (anonymous callers: active places only).
    #[schema(required = true)]
    pub place: Option<PlaceFeature>,
}

// ---------------------------------------------------------------------------------------------
// Communes

/// A commune-level unit (xã, phường, đặc khu).
#[derive(Serialize, ToSchema)]
pub struct CommuneProperties {
    /// The official 5-digit code.
    #[schema(pattern = "^[0-9]{5}$", example = "11953")]
    pub code: String,
    #[schema(example = "Phố Hiến")]
    pub name: String,
    #[schema(example = "Phường Phố Hiến")]
    pub full_name: String,
    #[schema(example = "Phường")]
    pub unit_type: String,
    #[schema(example = "33")]
    pub province_code: String,
    #[schema(example = "Tỉnh Hưng Yên")]
    pub province_name: String,
    /// Geodesic area of the boundary, km² (two decimals).
    pub area_km2: f64,
}

/// Every commune, without boundaries.
#[derive(Serialize, ToSchema)]
pub struct CommuneList {
    pub count: u64,
    pub communes: Vec<CommuneProperties>,
}

/// A commune as a GeoJSON Feature with its boundary; `id` is its code.
#[derive(Serialize, ToSchema)]
pub struct CommuneFeature {
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    #[schema(pattern = "^[0-9]{5}$")]
    pub id: String,
    pub geometry: AreaGeometry,
    pub properties: CommuneProperties,
}

/// A commune as an OGC API feature, with `self` and `collection` links.
#[derive(Serialize, ToSchema)]
pub struct CommuneItem {
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    #[schema(pattern = "^[0-9]{5}$")]
    pub id: String,
    pub geometry: AreaGeometry,
    pub properties: CommuneProperties,
    pub links: Vec<Link>,
}

/// The commune containing a point.
#[derive(Serialize, ToSchema)]
pub struct CommuneRef {
    #[schema(pattern = "^[0-9]{5}$")]
    pub code: String,
    pub name: String,
    pub full_name: String,
    pub province_code: String,
    pub province_name: String,
}

// ---------------------------------------------------------------------------------------------
// Reverse lookup and search

/// The properties of a place found by position or text (answered from memory).
#[derive(Serialize, ToSchema)]
pub struct FoundPlaceProperties {
    #[schema(pattern = "^[0-9]{12}$")]
    pub code: String,
    #[schema(pattern = "^[0-9]{4} [0-9]{4} [0-9]{4}$")]
    pub code_display: String,
    pub kind: PlaceKind,
    pub kind_label: String,
    pub name: String,
    /// Only `active`, or `provisional` too for signed-in callers; retired places are found
    /// by their code only.
    pub status: Status,
    #[schema(pattern = "^[0-9]{5}$")]
    pub commune_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub commune_name: Option<String>,
    /// House number, street and hamlet joined with `, ` (absent when none is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "20A, phố Nguyễn Văn Linh")]
    pub address: Option<String>,
    /// Geodesic distance from the query point, metres (one decimal). Always in reverse
    /// answers; in search answers when `lon`/`lat` are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub distance_m: Option<f64>,
    /// Search only: `"code"` when `q` was the place's code, otherwise the match quality
    /// score (higher is better).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub r#match: Option<SearchMatch>,
}

/// How a search hit matched: `"code"`, or a score.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum SearchMatch {
    Code(CodeMatch),
    Score(u32),
}

/// `"code"`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CodeMatch {
    Code,
}

/// A place found by position or text: a compact GeoJSON Feature.
#[derive(Serialize, ToSchema)]
pub struct FoundPlace {
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    #[schema(pattern = "^[0-9]{12}$")]
    pub id: String,
    pub geometry: PointGeometry,
    pub properties: FoundPlaceProperties,
}

/// The reverse query as understood (defaults filled in).
#[derive(Serialize, ToSchema)]
pub struct ReverseQueryEcho {
    pub lon: f64,
    pub lat: f64,
    pub radius_m: f64,
    pub limit: u32,
}

/// The nearest places, nearest first, and the commune containing the point.
#[derive(Serialize, ToSchema)]
pub struct ReverseResult {
    #[serde(rename = "type")]
    pub collection_type: FeatureCollectionType,
    pub query: ReverseQueryEcho,
    /// `null` when no loaded commune contains the point.
    #[schema(required = true)]
    pub commune: Option<CommuneRef>,
    #[serde(rename = "numberReturned")]
    pub number_returned: u64,
    pub features: Vec<FoundPlace>,
}

/// The search query as understood.
#[derive(Serialize, ToSchema)]
pub struct SearchQueryEcho {
    /// `q`, trimmed.
    pub q: String,
    pub limit: u32,
}

/// Places matching the text, best first.
#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    #[serde(rename = "type")]
    pub collection_type: FeatureCollectionType,
    pub query: SearchQueryEcho,
    #[serde(rename = "numberReturned")]
    pub number_returned: u64,
    pub features: Vec<FoundPlace>,
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// A token, without its secret.
#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The communes an editor may write in (empty for other roles).
    pub communes: Vec<String>,
    /// When it was made (UTC).
    pub created_at: String,
    /// When it was revoked (UTC); absent while it is valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub revoked_at: Option<String>,
}

/// A new token's holder and rights.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"role": "editor", "name": "UBND phường Phố Hiến", "communes": ["11953"]}))]
pub struct NewToken {
    pub role: Role,
    /// Who holds it (a person or a system).
    pub name: String,
    /// Exactly for editors: the commune codes it may write in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub communes: Option<Vec<String>>,
}

/// A new token: its secret is in this answer once and never again.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub communes: Vec<String>,
    pub created_at: String,
    /// The bearer token (`dcs_` and 64 hex digits). Store it now.
    #[schema(pattern = "^dcs_[0-9a-f]{64}$")]
    pub token: String,
}

/// Every token, without secrets.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenInfo>,
}

// ---------------------------------------------------------------------------------------------
// Small resources

/// One place kind with its labels.
#[derive(Serialize, ToSchema)]
pub struct KindInfo {
    pub kind: PlaceKind,
    pub label_vi: String,
    pub label_en: String,
}

/// Every place kind, in display order.
#[derive(Serialize, ToSchema)]
pub struct KindList {
    pub kinds: Vec<KindInfo>,
}

/// Store counts.
#[derive(Serialize, ToSchema)]
pub struct Stats {
    /// `sqlite` or `postgres`.
    pub store: String,
    pub communes: i64,
    pub places: i64,
    /// Places in the in-memory index (equals `places` once the index is built).
    pub places_indexed: u64,
    pub events: i64,
    pub tokens: i64,
    pub longest_index_hold_us: IndexHolds,
}

/// The longest holds of this node's in-memory indexes since it started, in microseconds: a
/// reader waits behind a write for at most about `write_us`.
#[derive(Serialize, ToSchema)]
pub struct IndexHolds {
    pub read_us: u64,
    pub write_us: u64,
}

/// A node ready to serve.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    pub ready: bool,
    pub event_log: ReadinessLog,
    /// Places in this node's in-memory indexes.
    pub places_indexed: u64,
}

/// Where the event log is, and where this node is in it.
#[derive(Serialize, ToSchema)]
pub struct ReadinessLog {
    /// The log's last event.
    pub last_seq: i64,
    /// The last event this node's indexes reflect (behind `last_seq` while it catches up).
    pub applied_seq: i64,
}

/// Links to the API's resources.
#[derive(Serialize, ToSchema)]
pub struct ApiRootLinks {
    pub places: String,
    pub codes: String,
    pub communes: String,
    pub kinds: String,
    pub changes: String,
    pub tokens: String,
}

/// The API's entry point.
#[derive(Serialize, ToSchema)]
pub struct ApiRoot {
    /// `diachiso`.
    pub service: String,
    /// The package version.
    pub version: String,
    pub links: ApiRootLinks,
}

// ---------------------------------------------------------------------------------------------
// OGC API – Features

/// The OGC API landing page.
#[derive(Serialize, ToSchema)]
pub struct LandingPage {
    pub title: String,
    pub description: String,
    /// `self`, `service-desc` (this OpenAPI document), `conformance`, `data`.
    pub links: Vec<Link>,
}

/// The conformance classes implemented.
#[derive(Serialize, ToSchema)]
pub struct Conformance {
    #[serde(rename = "conformsTo")]
    pub conforms_to: Vec<String>,
}

/// The spatial extent of a collection.
#[derive(Serialize, ToSchema)]
pub struct SpatialExtent {
    /// One box `[min_lon, min_lat, max_lon, max_lat]` around every loaded commune.
    pub bbox: Vec<Vec<f64>>,
    pub crs: String,
}

/// A collection's extent.
#[derive(Serialize, ToSchema)]
pub struct Extent {
    pub spatial: SpatialExtent,
}

/// `"feature"`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    Feature,
}

/// The collection ids: `places` (feature id = location code) and `communes` (feature id =
/// commune code).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CollectionId {
    Places,
    Streets,
    Communes,
}

/// A feature collection's metadata.
#[derive(Serialize, ToSchema)]
pub struct Collection {
    pub id: CollectionId,
    pub title: String,
    pub description: String,
    #[serde(rename = "itemType")]
    pub item_type: ItemType,
    /// The systems features can be asked in (`crs`): CRS84, EPSG:4756, 9209 and 3405.
    pub crs: Vec<String>,
    /// CRS84: the system the registry keeps.
    #[serde(rename = "storageCrs")]
    pub storage_crs: String,
    pub extent: Extent,
    /// `self`, `items`, queryables.
    pub links: Vec<Link>,
}

/// Every collection.
#[derive(Serialize, ToSchema)]
pub struct Collections {
    pub links: Vec<Link>,
    pub collections: Vec<Collection>,
}

/// A JSON Schema (2020-12) of a collection's filterable properties.
#[derive(Serialize, ToSchema)]
pub struct Queryables {
    #[serde(rename = "$schema")]
    pub schema: String,
    #[serde(rename = "$id")]
    pub id: String,
    #[serde(rename = "type")]
    pub schema_type: String,
    pub title: String,
    /// `geometry`; for places also `kind`, `commune_code`, `status`.
    #[schema(value_type = Object)]
    pub properties: serde_json::Map<String, Value>,
    #[serde(rename = "additionalProperties")]
    pub additional_properties: bool,
}

/// A place or a commune, as an OGC API feature.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Item {
    Place(PlaceItem),
    Commune(CommuneItem),
}

/// A place or a commune in an items page (without links).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ItemFeature {
    Place(PlaceFeature),
    Commune(CommuneFeature),
}

/// A page of features with OGC paging.
#[derive(Serialize, ToSchema)]
pub struct ItemsPage {
    #[serde(rename = "type")]
    pub collection_type: FeatureCollectionType,
    /// When the page was made, RFC 3339 UTC (seconds).
    #[serde(rename = "timeStamp")]
    #[schema(format = DateTime)]
    pub time_stamp: String,
    /// Features matching the filters across all pages.
    #[serde(rename = "numberMatched")]
    pub number_matched: u64,
    #[serde(rename = "numberReturned")]
    pub number_returned: u64,
    /// `self`, `collection`, and `next` / `prev` when there are such pages.
    pub links: Vec<Link>,
    /// Places (collection `places`) or communes (collection `communes`).
    pub features: Vec<ItemFeature>,
}
