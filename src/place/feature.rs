//! A place as a GeoJSON Feature (RFC 7946; lon/lat, CRS84).

use serde_json::{json, Map, Value};

use super::Place;

/// The full GeoJSON Feature of a place: `id` is the location code; properties carry `code`,
/// `code_display` (grouped 4-4-4), `kind`, `kind_label`, `name`, `commune_code`,
/// `commune_name`, `status`, address parts, attributes, external ids, `version` and times.
pub fn place_feature(place: &Place, commune_name: Option<&str>) -> Value {
    let mut props = Map::new();
    props.insert("code".into(), place.code.to_string().into());
    props.insert("code_display".into(), place.code.grouped().into());
    props.insert("kind".into(), place.kind.as_str().into());
    props.insert("kind_label".into(), place.kind.label_vi().into());
    props.insert("name".into(), place.name.clone().into());
    props.insert("commune_code".into(), place.commune_code.clone().into());
    if let Some(name) = commune_name {
        props.insert("commune_name".into(), name.into());
    }
    props.insert("status".into(), place.status.as_str().into());
    props.insert(
        "address".into(),
        serde_json::to_value(&place.address).unwrap_or(Value::Null),
    );
    props.insert("attributes".into(), place.attributes.clone().into());
    props.insert(
        "external_ids".into(),
        serde_json::to_value(&place.external_ids).unwrap_or(Value::Null),
    );
    if let Some(f) = &place.footprint {
        props.insert("footprint".into(), f.clone());
    }
    props.insert("generated".into(), place.generated.into());
    props.insert("version".into(), place.version.into());
    props.insert("created_at".into(), place.created_at.to_rfc3339().into());
    props.insert("updated_at".into(), place.updated_at.to_rfc3339().into());
    json!({
        "type": "Feature",
        "id": place.code.to_string(),
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": props,
    })
}
