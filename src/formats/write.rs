//! Streaming feature writers.

use std::io::{self, Write};

use serde_json::Value;

use super::Format;
use crate::crs::Crs;

/// The CSV columns written for places (and read back by the importer).
pub const PLACE_CSV_COLUMNS: [&str; 17] = [
    "code",
    "lon",
    "lat",
    "kind",
    "name",
    "commune_code",
    "status",
    "house_number",
    "street",
    "hamlet",
    "attributes",
    "external_ids",
    "footprint",
    "generated",
    "version",
    "created_at",
    "updated_at",
];

/// Writes features one at a time in a [`Format`].
pub struct FeatureWriter<W: Write> {
    out: W,
    format: Format,
    /// The coordinates' system (CRS84 unless asked otherwise).
    crs: Crs,
    written: u64,
}

impl<W: Write> FeatureWriter<W> {
    /// Starts the output (the FeatureCollection's opening, the CSV header), in CRS84.
    pub fn new(out: W, format: Format) -> io::Result<Self> {
        FeatureWriter::in_crs(out, format, Crs::Crs84)
    }

    /// Starts an output whose coordinates are in `crs`: GeoJSON says so with a `crs` member
    /// (read by GDAL and QGIS); CSV has `x`, `y` columns (easting and northing, or longitude
    /// and latitude) instead of `lon`, `lat`.
    pub fn in_crs(mut out: W, format: Format, crs: Crs) -> io::Result<Self> {
        match format {
            Format::GeoJson if crs == Crs::Crs84 => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?
            }
            Format::GeoJson => writeln!(
                out,
                "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:{}\"}}}},\"features\":[",
                crs.epsg()
            )?,
            Format::NdJson => {}
            Format::Csv => writeln!(out, "{}", csv_columns(crs).join(","))?,
        }
        Ok(FeatureWriter {
            out,
            format,
            crs,
            written: 0,
        })
    }

    /// Writes one GeoJSON Feature. For CSV, the feature's properties are spread over
    /// [`PLACE_CSV_COLUMNS`] (objects as JSON text), and the point over `lon`, `lat`.
    pub fn write(&mut self, feature: &Value) -> io::Result<()> {
        let moved;
        let feature = if self.crs == Crs::Crs84 {
            feature
        } else {
            // x, y in the system's usual order: easting then northing, or longitude then
            // latitude (GeoJSON's order, whatever the system's own axis order).
            let mut f = feature.clone();
            if let Some(Value::Array(c)) =
                f.get_mut("geometry").and_then(|g| g.get_mut("coordinates"))
            {
                if let (Some(lon), Some(lat)) = (
                    c.first().and_then(Value::as_f64),
                    c.get(1).and_then(Value::as_f64),
                ) {
                    let [x, y] = self.crs.from_wgs84(lon, lat);
                    let digits = if self.crs.is_projected() { 1e3 } else { 1e9 };
                    c[0] = ((x * digits).round() / digits).into();
                    c[1] = ((y * digits).round() / digits).into();
                }
            }
            moved = f;
            &moved
        };
        match self.format {
            Format::GeoJson => {
                if self.written > 0 {
                    self.out.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut self.out, feature)?;
            }
            Format::NdJson => {
                serde_json::to_writer(&mut self.out, feature)?;
                self.out.write_all(b"\n")?;
            }
            Format::Csv => {
                let props = &feature["properties"];
                let coords = &feature["geometry"]["coordinates"];
                let cells: Vec<String> = csv_columns(self.crs)
                    .iter()
                    .map(|col| {
                        let v = match *col {
                            "lon" | "x" => &coords[0],
                            "lat" | "y" => &coords[1],
                            "house_number" | "street" | "hamlet" => &props["address"][*col],
                            c => &props[c],
                        };
                        csv_cell(v)
                    })
                    .collect();
                writeln!(self.out, "{}", cells.join(","))?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// The output written so far (e.g. to take the bytes of a `Vec<u8>` for streaming).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Closes the output and returns how many features were written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.finish_in_place()?;
        Ok(self.written)
    }

    /// Writes the closing of the output and flushes, keeping the writer (for streaming).
    pub fn finish_in_place(&mut self) -> io::Result<()> {
        if self.format == Format::GeoJson {
            self.out.write_all(b"\n]}\n")?;
        }
        self.out.flush()
    }
}

/// The CSV columns for places in `crs`: `x`, `y` instead of `lon`, `lat` outside CRS84.
fn csv_columns(crs: Crs) -> [&'static str; 17] {
    let mut columns = PLACE_CSV_COLUMNS;
    if crs != Crs::Crs84 {
        columns[1] = "x";
        columns[2] = "y";
    }
    columns
}

/// One CSV cell: strings as a spreadsheet shows text ([`super::spreadsheet_safe`]), numbers
/// and booleans as JSON, objects as JSON text; quoted when needed (RFC 4180).
fn csv_cell(v: &Value) -> String {
    let text = match v {
        Value::Null => return String::new(),
        Value::String(s) => super::spreadsheet_safe(s).into_owned(),
        Value::Object(o) if o.is_empty() => return String::new(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
