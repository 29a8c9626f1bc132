//! Validating what a client sends: a GeoJSON Feature for a new place, or a merge patch.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::errors::{Errors, ValidationError};
use super::{Address, Place, PlaceKind};
use crate::code::LocationCode;
use crate::text::normalize_name;

/// Longest name accepted, in characters (after normalisation).
pub const MAX_NAME_CHARS: usize = 200;
/// Longest address part accepted, in characters.
pub const MAX_ADDRESS_PART_CHARS: usize = 200;
/// Largest `attributes` object accepted, serialised, in bytes.
pub const MAX_ATTRIBUTES_BYTES: usize = 16 * 1024;
/// Most vertices accepted in a footprint.
pub const MAX_FOOTPRINT_VERTICES: usize = 10_000;

/// A validated place as submitted: everything but what the registry derives (code, commune,
/// status, version, timestamps).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceDraft {
    pub kind: PlaceKind,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub footprint: Option<Value>,
    pub address: Address,
    pub attributes: Map<String, Value>,
    pub external_ids: BTreeMap<String, String>,
    pub generated: bool,
    /// The submitter says the place is not a duplicate of a similar one nearby.
    pub confirm_distinct: bool,
}

/// The properties of a submitted place.
const PROPERTIES: PropertyNames = PropertyNames {
    read_only: &[
        "code",
        "code_display",
        "commune_code",
        "commune_name",
        "status",
        "version",
        "created_at",
        "updated_at",
        "kind_label",
    ],
    editable: &[
        "kind",
        "name",
        "address",
        "attributes",
        "external_ids",
        "footprint",
        "generated",
        "confirm_distinct",
    ],
    hint: "kind, name, …",
};

impl PlaceDraft {
    /// Validates a GeoJSON Feature with a Point geometry (lon, lat in degrees) and the
    /// properties `kind`, `name` and optionally `address`, `attributes`, `external_ids`,
    /// `footprint`, `generated`, `confirm_distinct`.
    ///
    /// ```
    /// use diachiso::place::{PlaceDraft, PlaceKind};
    /// let feature = serde_json::json!({
    ///     "type": "Feature",
    ///     "geometry": {"type": "Point", "coordinates": [106.068, 20.6634]},
    ///     "properties": {"kind": "tourist_site", "name": "Chu\u{0300}a Keo"}
    /// });
    /// let draft = PlaceDraft::from_feature(&feature).unwrap();
    /// assert_eq!(draft.kind, PlaceKind::TouristSite);
    /// assert_eq!(draft.name, "Chùa Keo"); // stored NFC
    /// assert_eq!((draft.lon, draft.lat), (106.068, 20.6634));
    /// ```
    pub fn from_feature(doc: &Value) -> Result<PlaceDraft, ValidationError> {
        let mut errors = Errors(Vec::new());
        let (point, props) = submitted_feature(doc, &mut errors, point, &PROPERTIES)?;
        let kind = match props.get("kind") {
            Some(Value::String(s)) => PlaceKind::parse(s).or_else(|| {
                errors.add(
                    "/properties/kind",
                    format!(
                        "unknown kind {s:?}; one of: {}",
                        PlaceKind::ALL.map(PlaceKind::as_str).join(", ")
                    ),
                );
                None
            }),
            Some(_) => {
                errors.add("/properties/kind", "must be a string");
                None
            }
            None => {
                errors.add("/properties/kind", "is required");
                None
            }
        };
        let name = match props.get("name") {
            Some(Value::String(s)) => {
                text_field(s, "/properties/name", MAX_NAME_CHARS, &mut errors)
            }
            Some(_) => {
                errors.add("/properties/name", "must be a string");
                None
            }
            None => {
                errors.add("/properties/name", "is required");
                None
            }
        };
        let address = address(props.get("address"), &mut errors);
        let attributes = attributes(props.get("attributes"), kind, &mut errors);
        let external_ids = external_ids(props.get("external_ids"), &mut errors);
        let footprint = footprint(props.get("footprint"), &mut errors);
        let generated = flag(props.get("generated"), "/properties/generated", &mut errors);
        let confirm_distinct = flag(
            props.get("confirm_distinct"),
            "/properties/confirm_distinct",
            &mut errors,
        );
        match (kind, name, point) {
            (Some(kind), Some(name), Some((lon, lat))) if errors.0.is_empty() => Ok(PlaceDraft {
                kind,
                name,
                lon,
                lat,
                footprint,
                address,
                attributes,
                external_ids,
                generated,
                confirm_distinct,
            }),
            _ => Err(ValidationError { errors: errors.0 }),
        }
    }

    /// A new place as this draft describes it: provisional, version 1, under `code` in
    /// `commune_code`, created `at`.
    pub fn into_place(self, code: LocationCode, commune_code: String, at: DateTime<Utc>) -> Place {
        Place {
            code,
            kind: self.kind,
            name: self.name,
            lon: self.lon,
            lat: self.lat,
            footprint: self.footprint,
            commune_code,
            address: self.address,
            attributes: self.attributes,
            external_ids: self.external_ids,
            status: super::Status::Provisional,
            generated: self.generated,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// Whether a place of this kind, status and name (found within the duplicate radius) may be
    /// the same place as this draft: same kind, not retired, a similar name
    /// ([`names_similar`](crate::text::names_similar)).
    pub fn may_duplicate(&self, kind: PlaceKind, status: super::Status, name: &str) -> bool {
        kind == self.kind
            && status != super::Status::Retired
            && crate::text::names_similar(name, &self.name)
    }

    /// The editable part of a place as a Feature document, the target of a merge patch.
    pub fn editable_feature(place: &Place) -> Value {
        let mut props = Map::new();
        props.insert("kind".into(), place.kind.as_str().into());
        props.insert("name".into(), place.name.clone().into());
        if !place.address.is_empty() {
            props.insert(
                "address".into(),
                serde_json::to_value(&place.address).unwrap_or(Value::Null),
            );
        }
        if !place.attributes.is_empty() {
            props.insert("attributes".into(), place.attributes.clone().into());
        }
        if !place.external_ids.is_empty() {
            props.insert(
                "external_ids".into(),
                serde_json::to_value(&place.external_ids).unwrap_or(Value::Null),
            );
        }
        if let Some(f) = &place.footprint {
            props.insert("footprint".into(), f.clone());
        }
        if place.generated {
            props.insert("generated".into(), true.into());
        }
        serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": props,
        })
    }
}

/// Applies an RFC 7396 JSON merge patch to `target`.
///
/// ```
/// let mut doc = serde_json::json!({"a": 1, "b": {"c": 2, "d": 3}});
/// diachiso::place::apply_merge_patch(&mut doc, &serde_json::json!({"b": {"c": null, "e": 4}}));
/// assert_eq!(doc, serde_json::json!({"a": 1, "b": {"d": 3, "e": 4}}));
/// ```
pub fn apply_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { return };
    for (key, value) in patch {
        if value.is_null() {
            t.remove(key);
        } else {
            apply_merge_patch(t.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn point(geometry: Option<&Value>, errors: &mut Errors) -> Option<(f64, f64)> {
    let g = geometry_of_type(geometry, "Point", errors)?;
    if g.get("bbox").is_some_and(|b| !is_bbox(b)) {
        errors.add("/geometry/bbox", "a bbox is an array of 4 or 6 numbers");
        return None;
    }
    let Some(Value::Array(c)) = g.get("coordinates") else {
        errors.add("/geometry/coordinates", "must be [longitude, latitude]");
        return None;
    };
    if !(2..=3).contains(&c.len()) {
        errors.add(
            "/geometry/coordinates",
            "must be [longitude, latitude] (an optional third number, the height, is ignored)",
        );
        return None;
    }
    let (Some(lon), Some(lat)) = (c[0].as_f64(), c[1].as_f64()) else {
        errors.add(
            "/geometry/coordinates",
            "longitude and latitude must be numbers",
        );
        return None;
    };
    if c.get(2)
        .is_some_and(|h| !h.as_f64().is_some_and(f64::is_finite))
    {
        errors.add(
            "/geometry/coordinates/2",
            "the height, when given, is a number",
        );
        return None;
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        errors.add(
            "/geometry/coordinates/0",
            format!("longitude {lon} is not between -180 and 180 degrees"),
        );
        return None;
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        errors.add(
            "/geometry/coordinates/1",
            format!("latitude {lat} is not between -90 and 90 degrees"),
        );
        return None;
    }
    Some((lon, lat))
}

/// Normalises and checks a free-text field: not empty, no control characters, no invisible
/// direction or zero-width characters, bounded length.
pub(crate) fn text_field(
    s: &str, field: &str, max_chars: usize, errors: &mut Errors,
) -> Option<String> {
    let s = normalize_name(s);
    if s.is_empty() {
        errors.add(field, "must not be empty");
        None
    } else if s.chars().any(char::is_control) {
        errors.add(field, "must not contain control characters");
        None
    } else if let Some(c) = s.chars().find(|c| crate::text::is_invisible_format(*c)) {
        errors.add(
            field,
            format!(
                "must not contain invisible direction or zero-width characters (U+{:04X})",
                u32::from(c)
            ),
        );
        None
    } else if s.chars().count() > max_chars {
        errors.add(field, format!("is longer than {max_chars} characters"));
        None
    } else {
        Some(s)
    }
}

fn flag(v: Option<&Value>, field: &str, errors: &mut Errors) -> bool {
    match v {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add(field, "must be true or false");
            false
        }
    }
}

fn address(v: Option<&Value>, errors: &mut Errors) -> Address {
    let mut address = Address::default();
    let Some(v) = v else { return address };
    let Value::Object(obj) = v else {
        errors.add("/properties/address", "must be an object");
        return address;
    };
    for (key, value) in obj {
        let field = format!("/properties/address/{key}");
        let slot = match key.as_str() {
            "house_number" => &mut address.house_number,
            "street" => &mut address.street,
            "hamlet" => &mut address.hamlet,
            _ => {
                errors.add(field, "unknown address part (house_number, street, hamlet)");
                continue;
            }
        };
        match value {
            Value::Null => {}
            Value::String(s) => {
                let max = if key == "house_number" {
                    20
                } else {
                    MAX_ADDRESS_PART_CHARS
                };
                *slot = text_field(s, &field, max, errors);
            }
            _ => errors.add(field, "must be a string"),
        }
    }
    address
}

fn attributes(
    v: Option<&Value>, kind: Option<PlaceKind>, errors: &mut Errors,
) -> Map<String, Value> {
    let Some(v) = v else { return Map::new() };
    let Value::Object(obj) = v else {
        errors.add("/properties/attributes", "must be an object");
        return Map::new();
    };
    if v.to_string().len() > MAX_ATTRIBUTES_BYTES {
        errors.add(
            "/properties/attributes",
            format!("is larger than {MAX_ATTRIBUTES_BYTES} bytes"),
        );
        return Map::new();
    }
    if let Some(path) = control_character_in(v, "") {
        errors.add(
            format!("/properties/attributes{path}"),
            "text must not contain control characters",
        );
        return Map::new();
    }
    for (key, value) in obj {
        let field = format!("/properties/attributes/{key}");
        if !is_identifier(key) {
            errors.add(&field, "attribute names are 1–64 of a–z, 0–9 and _");
            continue;
        }
        if super::parking::check_attribute(key, value, &field, kind, errors) {
            continue;
        }
        match key.as_str() {
            "capacity" => capacity(value, &field, kind, errors),
            "phone" | "website" | "opening_hours" | "description" if !value.is_string() => {
                errors.add(field, "must be a string");
            }
            _ => {}
        }
    }
    obj.clone()
}

/// A parking lot's capacity by vehicle type: `{"motorbike": n, "car": n, "bus": n}`.
fn capacity(value: &Value, field: &str, kind: Option<PlaceKind>, errors: &mut Errors) {
    if kind.is_some_and(|k| k != PlaceKind::ParkingLot && k != PlaceKind::BusStation) {
        errors.add(field, "only parking lots and bus stations have a capacity");
        return;
    }
    let Value::Object(c) = value else {
        errors.add(field, "must be an object {motorbike, car, bus}");
        return;
    };
    for (vehicle, n) in c {
        if !matches!(vehicle.as_str(), "motorbike" | "car" | "bus") {
            errors.add(
                format!("{field}/{vehicle}"),
                "unknown vehicle type (motorbike, car, bus)",
            );
        } else if n.as_u64().is_none_or(|n| n > 100_000) {
            errors.add(
                format!("{field}/{vehicle}"),
                "must be a whole number from 0 to 100000",
            );
        }
    }
}

fn external_ids(v: Option<&Value>, errors: &mut Errors) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    let Some(v) = v else { return ids };
    let Value::Object(obj) = v else {
        errors.add("/properties/external_ids", "must be an object of strings");
        return ids;
    };
    if obj.len() > 20 {
        errors.add("/properties/external_ids", "at most 20 external ids");
        return ids;
    }
    for (key, value) in obj {
        let field = format!("/properties/external_ids/{key}");
        let Value::String(s) = value else {
            errors.add(field, "must be a string");
            continue;
        };
        let s = s.trim();
        let ok = match key.as_str() {
            "postcode" => s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()),
            "land_parcel_sheet" | "land_parcel_plot" => {
                (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            k if is_identifier(k) => {
                (1..=100).contains(&s.chars().count()) && !s.chars().any(char::is_control)
            }
            _ => {
                errors.add(field, "id names are 1–64 of a–z, 0–9 and _");
                continue;
            }
        };
        if ok {
            ids.insert(key.clone(), s.to_owned());
        } else {
            let message = match key.as_str() {
                "postcode" => "a Vietnamese postcode has 5 digits",
                "land_parcel_sheet" | "land_parcel_plot" => "1–10 letters or digits",
                _ => "1–100 characters, no control characters",
            };
            errors.add(field, message);
        }
    }
    ids
}

/// Validates a footprint and returns it rebuilt from its parsed positions (lon/lat only), so
/// that nothing but a clean GeoJSON geometry is ever stored.
fn footprint(v: Option<&Value>, errors: &mut Errors) -> Option<Value> {
    let v = v?;
    if v.is_null() {
        return None;
    }
    let field = "/properties/footprint";
    let Some(obj) = v.as_object() else {
        errors.add(field, "must be a GeoJSON Polygon or MultiPolygon geometry");
        return None;
    };
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "type" | "coordinates" | "bbox"))
    {
        errors.add(format!("{field}/{k}"), "unknown member of a geometry");
        return None;
    }
    let (kind, polygons): (&str, Vec<&Value>) = match (
        obj.get("type").and_then(Value::as_str),
        obj.get("coordinates"),
    ) {
        (Some("Polygon"), Some(c)) => ("Polygon", vec![c]),
        (Some("MultiPolygon"), Some(Value::Array(ps))) => ("MultiPolygon", ps.iter().collect()),
        _ => {
            errors.add(field, "must be a GeoJSON Polygon or MultiPolygon geometry");
            return None;
        }
    };
    let mut vertices = 0usize;
    let mut clean: Vec<Value> = Vec::with_capacity(polygons.len());
    for polygon in polygons {
        let Some(rings) = polygon.as_array().filter(|r| !r.is_empty()) else {
            errors.add(field, "a polygon is a non-empty array of rings");
            return None;
        };
        let mut clean_rings = Vec::with_capacity(rings.len());
        for ring in rings {
            let Some(points) = ring.as_array().filter(|p| p.len() >= 4) else {
                errors.add(field, "a ring has at least 4 positions");
                return None;
            };
            if points.first() != points.last() {
                errors.add(field, "a ring must end where it starts");
                return None;
            }
            vertices += points.len();
            if vertices > MAX_FOOTPRINT_VERTICES {
                errors.add(
                    field,
                    format!("more than {MAX_FOOTPRINT_VERTICES} vertices"),
                );
                return None;
            }
            let mut clean_ring = Vec::with_capacity(points.len());
            for p in points {
                let xy = p.as_array().filter(|xy| (2..=3).contains(&xy.len()));
                let lon = xy.and_then(|xy| xy[0].as_f64());
                let lat = xy.and_then(|xy| xy[1].as_f64());
                let height_ok = xy.is_some_and(|xy| xy.get(2).is_none_or(|h| h.as_f64().is_some()));
                match (lon, lat) {
                    (Some(x), Some(y))
                        if height_ok
                            && (crate::code::MIN_LON..=crate::code::MAX_LON).contains(&x)
                            && (crate::code::MIN_LAT..=crate::code::MAX_LAT).contains(&y) =>
                    {
                        clean_ring.push(serde_json::json!([x, y]));
                    }
                    _ => {
                        errors.add(
                            field,
                            "positions are [lon, lat] (or [lon, lat, height]) inside the national territory",
                        );
                        return None;
                    }
                }
            }
            clean_rings.push(Value::Array(clean_ring));
        }
        clean.push(Value::Array(clean_rings));
    }
    let coordinates = if kind == "Polygon" {
        clean.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(clean)
    };
    Some(serde_json::json!({"type": kind, "coordinates": coordinates}))
}

/// The JSON pointer of the first string (key or value) holding a control character, if any.
/// Such text cannot be stored everywhere (PostgreSQL refuses U+0000) and is never meant.
pub(crate) fn control_character_in(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::String(s) if s.chars().any(char::is_control) => Some(at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| control_character_in(x, &format!("{at}/{i}"))),
        Value::Object(o) => o.iter().find_map(|(k, x)| {
            let here = format!("{at}/{k}");
            if k.chars().any(char::is_control) {
                Some(here)
            } else {
                control_character_in(x, &here)
            }
        }),
        _ => None,
    }
}

/// A GeoJSON bbox: 4 or 6 finite numbers.
fn is_bbox(v: &Value) -> bool {
    v.as_array().is_some_and(|a| {
        (a.len() == 4 || a.len() == 6) && a.iter().all(|x| x.as_f64().is_some_and(f64::is_finite))
    })
}

/// The `properties` object of a Feature; a missing or non-object member is an error (`hint`
/// names what it should hold).
fn feature_properties<'a>(
    obj: &'a Map<String, Value>, errors: &mut Errors, hint: &str,
) -> Option<&'a Map<String, Value>> {
    match obj.get("properties") {
        Some(Value::Object(p)) => Some(p),
        Some(_) => {
            errors.add("/properties", "must be an object");
            None
        }
        None => {
            errors.add("/properties", format!("is required ({hint})"));
            None
        }
    }
}

/// Checks the members of a GeoJSON Feature object (`type`, `id`, `bbox`, nothing unknown) and
/// returns it; `None` when the body is not an object at all.
fn feature_object<'a>(doc: &'a Value, errors: &mut Errors) -> Option<&'a Map<String, Value>> {
    let Some(obj) = doc.as_object() else {
        errors.add("", "the body must be a GeoJSON Feature object");
        return None;
    };
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "type" | "geometry" | "properties" | "id" | "bbox"
        ) {
            errors.add(format!("/{key}"), "unknown member of a Feature");
        }
    }
    if obj
        .get("id")
        .is_some_and(|id| !(id.is_string() || id.is_number()))
    {
        errors.add("/id", "a Feature id is a string or a number");
    }
    if obj.get("bbox").is_some_and(|b| !is_bbox(b)) {
        errors.add("/bbox", "a bbox is an array of 4 or 6 numbers");
    }
    if obj.get("type").and_then(Value::as_str) != Some("Feature") {
        errors.add("/type", "must be \"Feature\"");
    }
    Some(obj)
}

/// What the `properties` of a submitted Feature may hold.
pub(crate) struct PropertyNames {
    /// Set by the registry: refused when sent.
    pub read_only: &'static [&'static str],
    /// What a client may send; any other name is unknown.
    pub editable: &'static [&'static str],
    /// What `properties` should hold, for the error when it is missing (e.g. "kind, name, …").
    pub hint: &'static str,
}

/// What [`relax_feature`] took aside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relaxed {
    /// The commune the Feature named (`commune_code`), to be checked against its point.
    pub declared_commune: Option<String>,
    /// What was changed, for the import's report.
    pub notes: Vec<String>,
}

/// Makes a Feature from another tool importable without losing what it carries: properties
/// the registry does not know move into `attributes` under their own name, `commune_code` is
/// taken aside to be checked (the registry derives the commune from the point), properties
/// the registry sets itself (code, status, version, times) are left out, and a kind written in
/// words ("Chùa") becomes its identifier.
///
/// ```
/// use diachiso::place::relax_feature;
/// let mut f = serde_json::json!({"type": "Feature",
///     "geometry": {"type": "Point", "coordinates": [106.07, 20.66]},
///     "properties": {"kind": "Chùa", "name": "Chùa Keo", "pid": 17, "commune_code": "11953"}});
/// let relaxed = relax_feature(&mut f);
/// assert_eq!(f["properties"]["kind"], "religious_site");
/// assert_eq!(f["properties"]["attributes"]["pid"], 17);
/// assert_eq!(relaxed.declared_commune.as_deref(), Some("11953"));
/// assert!(diachiso::place::PlaceDraft::from_feature(&f).is_ok());
/// ```
pub fn relax_feature(feature: &mut Value) -> Relaxed {
    let mut relaxed = Relaxed::default();
    let Some(props) = feature.get_mut("properties").and_then(Value::as_object_mut) else {
        return relaxed;
    };
    if let Some(Value::String(kind)) = props.get("kind") {
        if PlaceKind::parse(kind).is_none() {
            if let Some(k) = PlaceKind::from_words(kind) {
                props.insert("kind".into(), k.as_str().into());
            }
        }
    }
    let unknown: Vec<String> = props
        .keys()
        .filter(|k| !PROPERTIES.editable.contains(&k.as_str()) && k.as_str() != "confirm_distinct")
        .cloned()
        .collect();
    let mut dropped = Vec::new();
    for key in unknown {
        let Some(value) = props.remove(&key) else {
            continue;
        };
        if key == "commune_code" {
            relaxed.declared_commune = match value {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(format!("{n:0>5}")),
                _ => None,
            };
        } else if PROPERTIES.read_only.contains(&key.as_str()) {
            dropped.push(key);
        } else {
            let attributes = props
                .entry("attributes")
                .or_insert_with(|| Value::Object(Map::new()));
            match attributes {
                Value::Object(a) if !a.contains_key(&key) => {
                    relaxed.notes.push(format!("{key} kept as an attribute"));
                    a.insert(key, value);
                }
                _ => relaxed
                    .notes
                    .push(format!("{key} left out: an attribute of that name exists")),
            }
        }
    }
    if !dropped.is_empty() {
        relaxed.notes.push(format!(
            "{} left out: the registry sets them",
            dropped.join(", ")
        ));
    }
    relaxed
}

/// Takes a submitted GeoJSON Feature apart, collecting every problem in `errors`: checks its
/// members, reads its geometry with `geometry`, and checks the names of its properties. The
/// properties are empty when missing or not an object (that is an error already), so the
/// caller still reports every required one. `Err` only when the body is not an object at all.
pub(crate) fn submitted_feature<'a, G>(
    doc: &'a Value, errors: &mut Errors,
    geometry: impl FnOnce(Option<&'a Value>, &mut Errors) -> Option<G>, names: &PropertyNames,
) -> Result<(Option<G>, &'a Map<String, Value>), ValidationError> {
    static NONE: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
    let Some(obj) = feature_object(doc, errors) else {
        return Err(ValidationError {
            errors: std::mem::take(&mut errors.0),
        });
    };
    let geometry = geometry(obj.get("geometry"), errors);
    let props = feature_properties(obj, errors, names.hint).unwrap_or(&NONE);
    for key in props.keys() {
        let field = format!("/properties/{key}");
        if names.read_only.contains(&key.as_str()) {
            errors.add(field, "is set by the registry and cannot be sent");
        } else if !names.editable.contains(&key.as_str()) {
            errors.add(field, "unknown property");
        }
    }
    Ok((geometry, props))
}

/// The geometry of a submitted Feature when it is an object of GeoJSON type `kind` with no
/// members but `type`, `coordinates` and `bbox`.
pub(crate) fn geometry_of_type<'a>(
    geometry: Option<&'a Value>, kind: &str, errors: &mut Errors,
) -> Option<&'a Map<String, Value>> {
    let Some(Value::Object(g)) = geometry else {
        errors.add("/geometry", format!("a {kind} geometry is required"));
        return None;
    };
    if g.get("type").and_then(Value::as_str) != Some(kind) {
        errors.add("/geometry/type", format!("must be \"{kind}\""));
        return None;
    }
    if let Some(k) = g
        .keys()
        .find(|k| !matches!(k.as_str(), "type" | "coordinates" | "bbox"))
    {
        errors.add(
            format!("/geometry/{k}"),
            format!("unknown member of a {kind} geometry"),
        );
        return None;
    }
    Some(g)
}

pub(crate) fn is_identifier(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(props: Value) -> Value {
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.07, 20.66]}, "properties": props})
    }

    #[test]
    fn reports_every_problem_at_once() {
        let err = PlaceDraft::from_feature(&feature(json!({
            "kind": "castle", "name": "", "colour": "red", "code": "123"
        })))
        .unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"/properties/kind"));
        assert!(fields.contains(&"/properties/name"));
        assert!(fields.contains(&"/properties/colour"));
        assert!(fields.contains(&"/properties/code"));
    }

    #[test]
    fn parking_capacity_is_checked() {
        let ok = feature(
            json!({"kind": "parking_lot", "name": "Bãi xe", "attributes": {"capacity": {"car": 40, "motorbike": 300}}}),
        );
        assert!(PlaceDraft::from_feature(&ok).is_ok());
        let bad = feature(
            json!({"kind": "parking_lot", "name": "Bãi xe", "attributes": {"capacity": {"car": -1, "tank": 2}}}),
        );
        assert_eq!(PlaceDraft::from_feature(&bad).unwrap_err().errors.len(), 2);
        let wrong_kind = feature(
            json!({"kind": "house", "name": "Nhà", "attributes": {"capacity": {"car": 1}}}),
        );
        assert!(PlaceDraft::from_feature(&wrong_kind).is_err());
    }

    #[test]
    fn coordinates_must_be_in_range() {
        for c in [
            json!([200.0, 20.0]),
            json!([106.0, 95.0]),
            json!(["106", 20]),
            json!([106.0]),
        ] {
            let doc = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": c}, "properties": {"kind": "other", "name": "x"}});
            assert!(PlaceDraft::from_feature(&doc).is_err(), "{c}");
        }
    }

    #[test]
    fn names_with_invisible_direction_or_zero_width_characters_are_refused() {
        for name in [
            "Chùa\u{202E}oeK",
            "Chùa\u{200B}Keo",
            "\u{2067}Chùa Keo",
            "Chùa\u{FEFF}Keo",
        ] {
            let mut errors = Errors(Vec::new());
            assert!(
                text_field(name, "/properties/name", 200, &mut errors).is_none(),
                "{name:?}"
            );
        }
        let mut errors = Errors(Vec::new());
        assert_eq!(
            text_field("  Chùa   Keo ", "/properties/name", 200, &mut errors).as_deref(),
            Some("Chùa Keo")
        );
    }

    #[test]
    fn merge_patch_then_validate_roundtrips_an_unchanged_place() {
        let draft = PlaceDraft::from_feature(&feature(json!({
            "kind": "business", "name": "Cửa hàng", "address": {"street": "phố Nguyễn Văn Linh"},
            "external_ids": {"postcode": "16000"}
        })))
        .unwrap();
        let place = Place {
            code: crate::code::LocationCode::from_payload(1).unwrap_or_else(|_| unreachable!()),
            kind: draft.kind,
            name: draft.name.clone(),
            lon: draft.lon,
            lat: draft.lat,
            footprint: None,
            commune_code: "11953".into(),
            address: draft.address.clone(),
            attributes: draft.attributes.clone(),
            external_ids: draft.external_ids.clone(),
            status: super::super::Status::Provisional,
            generated: false,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let mut doc = PlaceDraft::editable_feature(&place);
        apply_merge_patch(
            &mut doc,
            &json!({"properties": {"name": "Cửa hàng mới", "address": {"street": null}}}),
        );
        let patched = PlaceDraft::from_feature(&doc).unwrap();
        assert_eq!(patched.name, "Cửa hàng mới");
        assert!(patched.address.street.is_none());
        assert_eq!(patched.external_ids, draft.external_ids);
    }
}
