//! Validation of a submitted street (a GeoJSON Feature with a LineString).

use serde_json::{Map, Value};

use super::{is_street_id, DirectionSetting, Street};
use crate::numbering::{StreetType, SuffixStyle};
use crate::place::{
    control_character_in, geometry_of_type, submitted_feature, text_field, Errors, PropertyNames,
    ValidationError,
};
use crate::spatial::haversine_distance_m;

/// Most vertices a street may have.
pub const MAX_VERTICES: usize = 5000;
/// Shortest street, metres.
pub const MIN_LENGTH_M: f64 = 5.0;
/// Longest street, metres (a provincial road crosses the province in less).
pub const MAX_LENGTH_M: f64 = 100_000.0;

/// The properties of a submitted street.
const PROPERTIES: PropertyNames = PropertyNames {
    read_only: &[
        "id",
        "street_type_label",
        "display_name",
        "communes",
        "entrance_number",
        "numbering_direction",
        "direction_rule",
        "numbering_start",
        "status",
        "version",
        "created_at",
        "updated_at",
    ],
    editable: &[
        "street_type",
        "name",
        "width_m",
        "direction",
        "radial_centre",
        "already_numbered",
        "suffix_style",
        "reserve_every_m",
        "parent_id",
        "generated",
    ],
    hint: "street_type, name, …",
};

/// A validated street as submitted: everything but what the registry derives.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetDraft {
    pub street_type: StreetType,
    pub name: Option<String>,
    /// Vertices, lon/lat degrees.
    pub line: Vec<[f64; 2]>,
    pub width_m: f64,
    pub direction: DirectionSetting,
    pub radial_centre: Option<[f64; 2]>,
    pub already_numbered: bool,
    /// `None`: the commune's rule (letters when it has none).
    pub suffix_style: Option<SuffixStyle>,
    pub reserve_every_m: Option<f64>,
    pub parent_id: Option<String>,
    pub generated: bool,
}

/// The usual cross-section of each type, metres, when none is given.
fn default_width_m(t: StreetType) -> f64 {
    match t {
        StreetType::Duong => 12.0,
        StreetType::Pho => 10.0,
        StreetType::Ngo | StreetType::Hem | StreetType::Kiet => 4.0,
        StreetType::Ngach => 3.0,
    }
}

impl StreetDraft {
    /// Validates a GeoJSON Feature with a LineString geometry (lon, lat in degrees) and the
    /// properties `street_type`, `name` (required for đường and phố), and optionally
    /// `width_m`, `direction` (`auto`, or `forward`/`reverse` for a street already numbered),
    /// `radial_centre` ([lon, lat]), `already_numbered`, `suffix_style` (`letters`, `dash`),
    /// `reserve_every_m`, `parent_id` (alleys) and `generated`.
    ///
    /// ```
    /// use diachiso::street::StreetDraft;
    /// let feature = serde_json::json!({
    ///     "type": "Feature",
    ///     "geometry": {"type": "LineString", "coordinates": [[106.05, 20.66], [106.05, 20.65]]},
    ///     "properties": {"street_type": "pho", "name": "Nguyễn Văn Linh", "width_m": 24}
    /// });
    /// let draft = StreetDraft::from_feature(&feature).unwrap();
    /// assert_eq!(draft.name.as_deref(), Some("Nguyễn Văn Linh"));
    /// assert_eq!(draft.line.len(), 2);
    /// ```
    pub fn from_feature(doc: &Value) -> Result<StreetDraft, ValidationError> {
        let mut errors = Errors(Vec::new());
        let (line, props) = submitted_feature(doc, &mut errors, line, &PROPERTIES)?;
        if let Some(path) = control_character_in(&Value::Object(props.clone()), "") {
            errors.add(
                format!("/properties{path}"),
                "text must not contain control characters",
            );
        }
        let street_type = match props.get("street_type") {
            Some(Value::String(s)) => StreetType::parse(s).ok().or_else(|| {
                errors.add(
                    "/properties/street_type",
                    "must be one of duong, pho, ngo, ngach, hem, kiet",
                );
                None
            }),
            Some(_) => {
                errors.add("/properties/street_type", "must be a string");
                None
            }
            None => {
                errors.add(
                    "/properties/street_type",
                    "is required (duong, pho, ngo, ngach, hem, kiet)",
                );
                None
            }
        };
        let name = match props.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => text_field(s, "/properties/name", 200, &mut errors),
            Some(_) => {
                errors.add("/properties/name", "must be a string");
                None
            }
        };
        if name.is_none()
            && street_type.is_some_and(|t| !t.is_alley())
            && !matches!(props.get("name"), Some(Value::String(_)))
        {
            errors.add(
                "/properties/name",
                "a đường or phố has a name (only alleys may be named by their entrance number)",
            );
        }
        let width_m = match props.get("width_m") {
            None | Some(Value::Null) => street_type.map(default_width_m).unwrap_or(0.0),
            Some(v) => match v.as_f64() {
                Some(w) if (0.5..=200.0).contains(&w) => w,
                _ => {
                    errors.add(
                        "/properties/width_m",
                        "the cross-section is a number of metres from 0.5 to 200",
                    );
                    0.0
                }
            },
        };
        let already_numbered = flag(props, "already_numbered", &mut errors);
        let generated = flag(props, "generated", &mut errors);
        let direction = match props.get("direction") {
            None | Some(Value::Null) => DirectionSetting::Auto,
            Some(Value::String(s)) => match s.as_str() {
                "auto" => DirectionSetting::Auto,
                "forward" => DirectionSetting::Forward,
                "reverse" => DirectionSetting::Reverse,
                _ => {
                    errors.add("/properties/direction", "must be auto, forward or reverse");
                    DirectionSetting::Auto
                }
            },
            Some(_) => {
                errors.add("/properties/direction", "must be a string");
                DirectionSetting::Auto
            }
        };
        if direction != DirectionSetting::Auto && !already_numbered {
            errors.add(
                "/properties/direction",
                "the direction follows the Circular's rules; it can only be set (forward or reverse) for a street already numbered (already_numbered: true)",
            );
        }
        let radial_centre = optional(
            props,
            "radial_centre",
            "must be [longitude, latitude] inside the national territory",
            &mut errors,
            position,
        );
        let suffix_style = optional(
            props,
            "suffix_style",
            "must be letters (20A, 20B) or dash (20-1, 20-2)",
            &mut errors,
            |v| match v.as_str() {
                Some("letters") => Some(SuffixStyle::Letters),
                Some("dash") => Some(SuffixStyle::Dash),
                _ => None,
            },
        );
        let reserve_every_m = optional(
            props,
            "reserve_every_m",
            "one reserved number per N metres: N from 1 to 1000",
            &mut errors,
            |v| v.as_f64().filter(|m| (1.0..=1000.0).contains(m)),
        );
        let parent_id = optional(
            props,
            "parent_id",
            "must be a street id (st-…)",
            &mut errors,
            |v| v.as_str().filter(|s| is_street_id(s)).map(str::to_owned),
        );
        match (street_type, &parent_id) {
            (Some(t), Some(_)) if !t.is_alley() => errors.add(
                "/properties/parent_id",
                "only an alley (ngõ, ngách, hẻm, kiệt) has a parent street",
            ),
            (Some(StreetType::Ngach), None) => errors.add(
                "/properties/parent_id",
                "a ngách leaves from a ngõ: give the ngõ's id",
            ),
            (Some(t), None) if t.is_alley() && name.is_none() => errors.add(
                "/properties/parent_id",
                "an unnamed alley is named after the number at its entrance: give its parent street",
            ),
            _ => {}
        }
        match (errors.0.is_empty(), street_type, line) {
            (true, Some(street_type), Some(line)) => Ok(StreetDraft {
                street_type,
                name,
                line,
                width_m,
                direction,
                radial_centre,
                already_numbered,
                suffix_style,
                reserve_every_m,
                parent_id,
                generated,
            }),
            _ => Err(ValidationError { errors: errors.0 }),
        }
    }

    /// The Feature a merge patch applies to: the editable properties of a street.
    pub fn editable_feature(street: &Street) -> Value {
        serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": street.line},
            "properties": {
                "street_type": street.street_type.as_str(),
                "name": street.name,
                "width_m": street.width_m,
                "direction": street.direction.as_str(),
                "radial_centre": street.radial_centre,
                "already_numbered": street.already_numbered,
                "suffix_style": street.suffix_style,
                "reserve_every_m": street.reserve_every_m,
                "parent_id": street.parent_id,
                "generated": street.generated,
            }
        })
    }
}

fn flag(props: &Map<String, Value>, key: &str, errors: &mut Errors) -> bool {
    match props.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add(format!("/properties/{key}"), "must be true or false");
            false
        }
    }
}

/// An optional property: `None` when absent or null, otherwise what `read` makes of it; a value
/// it cannot read is an error (`message`) at `/properties/{key}`.
fn optional<T>(
    props: &Map<String, Value>, key: &str, message: &str, errors: &mut Errors,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Option<T> {
    match props.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => read(v).or_else(|| {
            errors.add(format!("/properties/{key}"), message);
            None
        }),
    }
}

/// A [lon, lat] position inside the national territory's box.
fn position(v: &Value) -> Option<[f64; 2]> {
    let c = v.as_array()?;
    if !(2..=3).contains(&c.len()) {
        return None;
    }
    let (lon, lat) = (c[0].as_f64()?, c[1].as_f64()?);
    ((102.0..=118.0).contains(&lon) && (6.0..=23.5).contains(&lat)).then_some([lon, lat])
}

fn line(geometry: Option<&Value>, errors: &mut Errors) -> Option<Vec<[f64; 2]>> {
    let g = geometry_of_type(geometry, "LineString", errors)?;
    let Some(Value::Array(coords)) = g.get("coordinates") else {
        errors.add(
            "/geometry/coordinates",
            "must be an array of [longitude, latitude] positions",
        );
        return None;
    };
    if coords.len() < 2 || coords.len() > MAX_VERTICES {
        errors.add(
            "/geometry/coordinates",
            format!("a street has 2 to {MAX_VERTICES} positions"),
        );
        return None;
    }
    let mut line: Vec<[f64; 2]> = Vec::with_capacity(coords.len());
    for (i, c) in coords.iter().enumerate() {
        let Some(p) = position(c) else {
            errors.add(
                format!("/geometry/coordinates/{i}"),
                "must be [longitude, latitude] inside the national territory (lon 102–118, lat 6–23.5)",
            );
            return None;
        };
        if line.last() == Some(&p) {
            errors.add(
                format!("/geometry/coordinates/{i}"),
                "repeats the previous position",
            );
            return None;
        }
        line.push(p);
    }
    let length: f64 = line
        .windows(2)
        .map(|w| haversine_distance_m(w[0], w[1]))
        .sum();
    if !(MIN_LENGTH_M..=MAX_LENGTH_M).contains(&length) {
        errors.add(
            "/geometry/coordinates",
            format!(
                "a street is {MIN_LENGTH_M} m to {} km long; this one is {length:.1} m",
                MAX_LENGTH_M / 1000.0
            ),
        );
        return None;
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(coords: Value, props: Value) -> Value {
        json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": props})
    }

    fn fields(r: Result<StreetDraft, ValidationError>) -> Vec<String> {
        r.unwrap_err().errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_named_street_is_accepted_with_default_width() {
        let d = StreetDraft::from_feature(&feature(
            json!([[106.05, 20.66], [106.05, 20.65]]),
            json!({"street_type": "duong", "name": "  Điện   Biên "}),
        ))
        .unwrap();
        assert_eq!(d.name.as_deref(), Some("Điện Biên"));
        assert_eq!(d.width_m, 12.0);
        assert_eq!(d.direction, DirectionSetting::Auto);
    }

    #[test]
    fn bad_streets_name_every_problem() {
        let f = fields(StreetDraft::from_feature(&feature(
            json!([[106.05, 20.66], [106.05, 20.66]]),
            json!({"street_type": "pho", "direction": "reverse", "width_m": -3, "colour": 1}),
        )));
        for want in [
            "/geometry/coordinates/1",
            "/properties/name",
            "/properties/direction",
            "/properties/width_m",
            "/properties/colour",
        ] {
            assert!(f.contains(&want.to_string()), "{want} not in {f:?}");
        }
        let f = fields(StreetDraft::from_feature(&feature(
            json!([[106.05, 20.66], [106.05, 20.66001]]),
            json!({"street_type": "ngach"}),
        )));
        assert!(f.contains(&"/geometry/coordinates".to_string()), "{f:?}");
        assert!(f.contains(&"/properties/parent_id".to_string()), "{f:?}");
        let f = fields(StreetDraft::from_feature(&feature(
            json!([[106.05, 20.66], [200, 20.65]]),
            json!({"street_type": "duong", "name": "X", "parent_id": "st-0000000000", "version": 3}),
        )));
        assert!(f.contains(&"/geometry/coordinates/1".to_string()), "{f:?}");
        assert!(f.contains(&"/properties/parent_id".to_string()), "{f:?}");
        assert!(f.contains(&"/properties/version".to_string()), "{f:?}");
    }

    #[test]
    fn an_unnamed_alley_needs_its_parent() {
        let ok = StreetDraft::from_feature(&feature(
            json!([[106.05, 20.66], [106.051, 20.66]]),
            json!({"street_type": "ngo", "parent_id": "st-abcdefghij"}),
        ))
        .unwrap();
        assert_eq!(ok.name, None);
        assert_eq!(ok.width_m, 4.0);
        let f = fields(StreetDraft::from_feature(&feature(
            json!([[106.05, 20.66], [106.051, 20.66]]),
            json!({"street_type": "ngo"}),
        )));
        assert_eq!(f, vec!["/properties/parent_id"]);
    }
}
