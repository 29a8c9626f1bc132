//! Streaming feature writers.

use std::io::{self, Write};

use serde_json::Value;

use super::Format;

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
    written: u64,
}

impl<W: Write> FeatureWriter<W> {
    /// Starts the output (the FeatureCollection's opening, the CSV header).
    pub fn new(mut out: W, format: Format) -> io::Result<Self> {
        match format {
            Format::GeoJson => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?
            }
            Format::NdJson => {}
            Format::Csv => writeln!(out, "{}", PLACE_CSV_COLUMNS.join(","))?,
        }
        Ok(FeatureWriter {
            out,
            format,
            written: 0,
        })
    }

    /// Writes one GeoJSON Feature. For CSV, the feature's properties are spread over
    /// [`PLACE_CSV_COLUMNS`] (objects as JSON text), and the point over `lon`, `lat`.
    pub fn write(&mut self, feature: &Value) -> io::Result<()> {
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
                let cells: Vec<String> = PLACE_CSV_COLUMNS
                    .iter()
                    .map(|col| {
                        let v = match *col {
                            "lon" => &coords[0],
                            "lat" => &coords[1],
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

/// One CSV cell: strings as they are, numbers and booleans as JSON, objects as JSON text;
/// quoted when needed (RFC 4180).
fn csv_cell(v: &Value) -> String {
    let text = match v {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        Value::Object(o) if o.is_empty() => return String::new(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
