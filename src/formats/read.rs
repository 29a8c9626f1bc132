//! Streaming feature readers: each record is handed over as soon as it is read.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Map, Value};

use super::Format;

/// One input record: its position and either a GeoJSON Feature or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based: the line number (NDJSON, CSV) or the feature's index (FeatureCollection).
    pub number: u64,
    pub feature: Result<Value, String>,
}

/// Reads features from `input`, calling `each` for every record in order. `each` returns
/// `false` to stop early. Errors that make the rest unreadable (broken FeatureCollection
/// syntax, I/O) end the reading with an `Err`.
pub fn read_features(
    input: impl BufRead, format: Format, mut each: impl FnMut(Record) -> bool,
) -> Result<(), String> {
    match format {
        Format::NdJson => read_ndjson(input, &mut each),
        Format::Csv => read_csv(input, &mut each),
        Format::GeoJson => read_feature_collection(input, &mut each),
    }
}

fn read_ndjson(input: impl BufRead, each: &mut impl FnMut(Record) -> bool) -> Result<(), String> {
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("read error: {e}"))?;
        let number = i as u64 + 1;
        let text = match std::str::from_utf8(&line) {
            Ok(t) => t.trim(),
            Err(_) => {
                if !each(Record {
                    number,
                    feature: Err("not valid UTF-8".into()),
                }) {
                    return Ok(());
                }
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        let feature = serde_json::from_str::<Value>(text.trim_start_matches('\u{1e}'))
            .map_err(|e| format!("not valid JSON: {e}"));
        if !each(Record { number, feature }) {
            return Ok(());
        }
    }
    Ok(())
}

/// CSV: `lon,lat` or `x,y` columns; `kind`, `name`, `code`, `status`, `commune_code`,
/// `house_number`, `street`, `hamlet`, `generated`, `version`, `created_at`, `updated_at`
/// as such; `attributes`, `external_ids` and `footprint` as JSON text; any other column
/// becomes an attribute (text).
fn read_csv(input: impl Read, each: &mut impl FnMut(Record) -> bool) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("CSV header: {e}"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(lon), Some(lat)) = (
        col(&["lon", "x", "lng", "longitude"]),
        col(&["lat", "y", "latitude"]),
    ) else {
        return Err("the CSV needs lon and lat (or x and y) columns".into());
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let number = record.position().map_or(0, |p| p.line());
                let feature = csv_feature(&headers, &record, lon, lat);
                if !each(Record { number, feature }) {
                    return Ok(());
                }
            }
            Err(e) => {
                let number = e.position().map_or(0, |p| p.line());
                if !each(Record {
                    number,
                    feature: Err(format!("CSV: {e}")),
                }) {
                    return Ok(());
                }
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                ) {
                    return Err(format!("CSV: {e}"));
                }
            }
        }
    }
}

fn csv_feature(
    headers: &[String], record: &csv::StringRecord, lon: usize, lat: usize,
) -> Result<Value, String> {
    let number = |i: usize, what: &str| -> Result<f64, String> {
        record
            .get(i)
            .map(str::trim)
            .ok_or_else(|| format!("no {what}"))?
            .parse::<f64>()
            .map_err(|_| format!("{what} is not a number"))
    };
    let (x, y) = (number(lon, "longitude")?, number(lat, "latitude")?);
    let mut props = Map::new();
    let mut address = Map::new();
    let mut attributes: BTreeMap<String, Value> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        if i == lon || i == lat {
            continue;
        }
        let cell = record.get(i).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        match h.as_str() {
            "house_number" | "street" | "hamlet" => {
                address.insert(h.clone(), cell.into());
            }
            "attributes" | "external_ids" | "footprint" => {
                let v: Value =
                    serde_json::from_str(cell).map_err(|e| format!("{h} is not JSON: {e}"))?;
                if h == "attributes" {
                    if let Value::Object(o) = v {
                        attributes.extend(o);
                    } else {
                        return Err("attributes must be a JSON object".into());
                    }
                } else {
                    props.insert(h.clone(), v);
                }
            }
            "generated" | "confirm_distinct" => {
                let b = match cell.to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => return Err(format!("{h} must be true or false")),
                };
                props.insert(h.clone(), b.into());
            }
            "version" => {
                let v: i64 = cell
                    .parse()
                    .map_err(|_| "version must be a whole number".to_string())?;
                props.insert(h.clone(), v.into());
            }
            "kind" | "name" | "code" | "status" | "commune_code" | "created_at" | "updated_at" => {
                props.insert(h.clone(), cell.into());
            }
            other => {
                attributes.insert(other.to_owned(), cell.into());
            }
        }
    }
    if !address.is_empty() {
        props.insert("address".into(), address.into());
    }
    if !attributes.is_empty() {
        props.insert("attributes".into(), json!(attributes));
    }
    Ok(json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": props,
    }))
}

/// Streams the `features` array of a FeatureCollection without holding the file in memory.
fn read_feature_collection(
    input: impl Read, each: &mut impl FnMut(Record) -> bool,
) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_reader(input);
    let mut state = CollectionState {
        each,
        count: 0,
        stopped: false,
        saw_type: None,
    };
    let result = serde::Deserializer::deserialize_map(&mut de, CollectionVisitor(&mut state));
    match result {
        Ok(()) => {}
        Err(_) if state.stopped => return Ok(()),
        Err(e) => return Err(format!("not a readable FeatureCollection: {e}")),
    }
    if state
        .saw_type
        .as_deref()
        .is_some_and(|t| t != "FeatureCollection")
    {
        return Err("the top level is not a FeatureCollection".into());
    }
    Ok(())
}

struct CollectionState<'a, F> {
    each: &'a mut F,
    count: u64,
    stopped: bool,
    saw_type: Option<String>,
}

struct CollectionVisitor<'s, 'a, F>(&'s mut CollectionState<'a, F>);

impl<'de, F: FnMut(Record) -> bool> Visitor<'de> for CollectionVisitor<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "features" => map.next_value_seed(FeaturesSeed(&mut *self.0))?,
                "type" => self.0.saw_type = Some(map.next_value::<String>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'s, 'a, F>(&'s mut CollectionState<'a, F>);

impl<'de, F: FnMut(Record) -> bool> DeserializeSeed<'de> for FeaturesSeed<'_, '_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Record) -> bool> Visitor<'de> for FeaturesSeed<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(feature) = seq.next_element::<Value>()? {
            self.0.count += 1;
            if !(self.0.each)(Record {
                number: self.0.count,
                feature: Ok(feature),
            }) {
                self.0.stopped = true;
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str, format: Format) -> (Vec<Record>, Result<(), String>) {
        let mut out = Vec::new();
        let r = read_features(text.as_bytes(), format, |rec| {
            out.push(rec);
            true
        });
        (out, r)
    }

    #[test]
    fn ndjson_keeps_line_numbers_and_reports_bad_lines() {
        let text = "{\"type\":\"Feature\"}\n\nnot json\n{\"type\":\"Feature\",\"x\":1}\n";
        let (records, r) = collect(text, Format::NdJson);
        assert!(r.is_ok());
        let numbers: Vec<u64> = records.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 3, 4]);
        assert!(records[1].feature.is_err());
    }

    #[test]
    fn feature_collection_streams_features() {
        let text = r#"{"type":"FeatureCollection","name":"x","features":[{"type":"Feature","id":1},{"type":"Feature","id":2}],"bbox":[0,0,1,1]}"#;
        let (records, r) = collect(text, Format::GeoJson);
        assert!(r.is_ok());
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].feature.as_ref().unwrap()["id"], 2);
        let (_, r) = collect(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature"},"#,
            Format::GeoJson,
        );
        assert!(r.is_err());
        let (_, r) = collect(r#"{"type":"Feature","features":[]}"#, Format::GeoJson);
        assert!(r.is_err());
    }

    #[test]
    fn csv_with_x_y_and_extra_columns() {
        let text = "x,y,kind,name,street,capacity_note\n106.07,20.66,parking_lot,\"Bãi xe, chợ\",phố Lê Lợi,200 xe\n106.07,abc,house,Nhà,,\n";
        let (records, r) = collect(text, Format::Csv);
        assert!(r.is_ok());
        let f = records[0].feature.as_ref().unwrap();
        assert_eq!(f["geometry"]["coordinates"], json!([106.07, 20.66]));
        assert_eq!(f["properties"]["name"], "Bãi xe, chợ");
        assert_eq!(f["properties"]["address"]["street"], "phố Lê Lợi");
        assert_eq!(f["properties"]["attributes"]["capacity_note"], "200 xe");
        assert_eq!(records[1].number, 3);
        assert!(records[1].feature.is_err());
        let (_, r) = collect("a,b\n1,2\n", Format::Csv);
        assert!(r.is_err());
    }

    #[test]
    fn csv_written_is_csv_read() {
        let feature = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.1, 20.7]},
            "properties": {"kind": "business", "name": "Quán \"Ba\", chợ", "address": {"street": "phố Lê Lợi"},
                           "attributes": {"opening_hours": "7-21"}, "generated": true}});
        let mut buf = Vec::new();
        let mut w = super::super::FeatureWriter::new(&mut buf, Format::Csv).unwrap();
        w.write(&feature).unwrap();
        w.finish().unwrap();
        let (records, _) = collect(std::str::from_utf8(&buf).unwrap(), Format::Csv);
        let back = records[0].feature.as_ref().unwrap();
        assert_eq!(back["properties"]["name"], feature["properties"]["name"]);
        assert_eq!(
            back["properties"]["attributes"],
            feature["properties"]["attributes"]
        );
        assert_eq!(back["properties"]["generated"], true);
        assert_eq!(back["geometry"], feature["geometry"]);
    }
}
