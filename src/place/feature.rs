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

/// Reads back a place written by [`place_feature`] (every property, for migrations between
/// stores): the inverse of `place_feature`, ignoring the derived `code_display`, `kind_label`
/// and `commune_name`.
pub fn place_from_feature(v: &Value) -> Result<Place, String> {
    let p = &v["properties"];
    let text = |k: &str| -> Result<String, String> {
        p[k].as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no {k}"))
    };
    let opt = |k: &str| p["address"][k].as_str().map(str::to_owned);
    let time = |k: &str| -> Result<chrono::DateTime<chrono::Utc>, String> {
        chrono::DateTime::parse_from_rfc3339(&text(k)?)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| format!("{k}: {e}"))
    };
    let c = &v["geometry"]["coordinates"];
    Ok(Place {
        code: text("code")?.parse().map_err(|e| format!("code: {e}"))?,
        kind: super::PlaceKind::parse(&text("kind")?).ok_or("unknown kind")?,
        name: text("name")?,
        lon: c[0].as_f64().ok_or("no longitude")?,
        lat: c[1].as_f64().ok_or("no latitude")?,
        footprint: p.get("footprint").filter(|f| !f.is_null()).cloned(),
        commune_code: text("commune_code")?,
        address: super::Address {
            house_number: opt("house_number"),
            street: opt("street"),
            hamlet: opt("hamlet"),
        },
        attributes: p["attributes"].as_object().cloned().unwrap_or_default(),
        external_ids: serde_json::from_value(p["external_ids"].clone()).unwrap_or_default(),
        status: super::Status::parse(&text("status")?).ok_or("unknown status")?,
        generated: p["generated"].as_bool().unwrap_or(false),
        version: p["version"].as_i64().ok_or("no version")?,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
    })
}
