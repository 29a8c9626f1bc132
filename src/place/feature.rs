//! A place as a GeoJSON Feature (RFC 7946; lon/lat, CRS84).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};

use super::Place;

/// The same Feature as [`place_feature`], serialised straight from the place without building
/// a JSON tree first: a page of 1,000 features is written once, not built and then written.
/// `hidden` names attributes left out (those only staff may read).
pub struct PlaceFeature<'a> {
    pub place: &'a Place,
    pub commune_name: Option<&'a str>,
    pub hidden: &'a [&'a str],
}

impl Serialize for PlaceFeature<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut feature = serializer.serialize_map(Some(4))?;
        feature.serialize_entry("type", "Feature")?;
        feature.serialize_entry("id", &self.place.code.to_string())?;
        feature.serialize_entry("geometry", &Point([self.place.lon, self.place.lat]))?;
        feature.serialize_entry("properties", &Properties(self))?;
        feature.end()
    }
}

struct Point([f64; 2]);

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut point = serializer.serialize_map(Some(2))?;
        point.serialize_entry("type", "Point")?;
        point.serialize_entry("coordinates", &self.0)?;
        point.end()
    }
}

struct Properties<'a>(&'a PlaceFeature<'a>);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let PlaceFeature {
            place,
            commune_name,
            hidden,
        } = self.0;
        let mut props = serializer.serialize_map(None)?;
        props.serialize_entry("code", &place.code.to_string())?;
        props.serialize_entry("code_display", &place.code.grouped())?;
        props.serialize_entry("kind", place.kind.as_str())?;
        props.serialize_entry("kind_label", place.kind.label_vi())?;
        props.serialize_entry("name", &place.name)?;
        props.serialize_entry("commune_code", &place.commune_code)?;
        if let Some(name) = commune_name {
            props.serialize_entry("commune_name", name)?;
        }
        props.serialize_entry("status", place.status.as_str())?;
        props.serialize_entry("address", &place.address)?;
        props.serialize_entry("attributes", &Attributes(&place.attributes, hidden))?;
        props.serialize_entry("external_ids", &place.external_ids)?;
        if let Some(f) = &place.footprint {
            props.serialize_entry("footprint", f)?;
        }
        props.serialize_entry("generated", &place.generated)?;
        props.serialize_entry("version", &place.version)?;
        props.serialize_entry("created_at", &place.created_at.to_rfc3339())?;
        props.serialize_entry("updated_at", &place.updated_at.to_rfc3339())?;
        props.end()
    }
}

struct Attributes<'a>(&'a Map<String, Value>, &'a [&'a str]);

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in self.0.iter().filter(|(k, _)| !self.1.contains(&k.as_str())) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn place(footprint: bool) -> Place {
        let mut attributes = Map::new();
        attributes.insert("phone".into(), json!("0221 3862 123"));
        attributes.insert("payment_accounts".into(), json!(["a"]));
        Place {
            code: crate::code::LocationCode::from_payload(42).unwrap_or_else(|_| unreachable!()),
            kind: super::super::PlaceKind::ReligiousSite,
            name: "Chùa Keo \"Thần Quang\"".into(),
            lon: 106.0681,
            lat: 20.6634,
            footprint: footprint.then(|| {
                json!({"type": "Polygon", "coordinates": [[[106.0, 20.6], [106.1, 20.6], [106.0, 20.7], [106.0, 20.6]]]})
            }),
            commune_code: "12391".into(),
            address: super::super::Address {
                house_number: Some("12A".into()),
                street: Some("phố Nguyễn Văn Linh".into()),
                hamlet: None,
            },
            attributes,
            external_ids: [("postcode".to_string(), "16000".to_string())].into(),
            status: super::super::Status::Active,
            generated: true,
            version: 3,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_typed_feature_writes_what_the_tree_holds() {
        for footprint in [false, true] {
            for commune in [None, Some("xã Duy Nhất")] {
                let p = place(footprint);
                let typed = PlaceFeature {
                    place: &p,
                    commune_name: commune,
                    hidden: &[],
                };
                let written = serde_json::to_string(&typed).unwrap_or_default();
                let read: Value = serde_json::from_str(&written).unwrap_or_default();
                assert_eq!(read, place_feature(&p, commune));
            }
        }
    }

    #[test]
    fn hidden_attributes_are_left_out() {
        let p = place(false);
        let typed = PlaceFeature {
            place: &p,
            commune_name: None,
            hidden: &["payment_accounts"],
        };
        let read = serde_json::to_value(&typed).unwrap_or_default();
        assert_eq!(
            read["properties"]["attributes"],
            json!({"phone": "0221 3862 123"})
        );
    }
}
