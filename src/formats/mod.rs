//! Feature file formats for generation, bulk import and export: GeoJSON FeatureCollection,
//! newline-delimited GeoJSON, and CSV with `lon,lat` (or `x,y`) columns. Readers stream (a
//! file is never loaded whole); writers stream too.

mod csv_batch;
mod read;
mod spreadsheet;
mod table;
mod write;

pub use csv_batch::{CsvBatch, CsvBatchError, MAX_BATCH_ROWS};
pub use read::{read_features, Record};
pub use spreadsheet::{spreadsheet_record, spreadsheet_safe, SafeCell};
pub use table::{
    detect_delimiter, is_workbook, read_csv_table, read_table, read_workbook, TableError, TableRow,
};
pub use write::{FeatureWriter, PLACE_CSV_COLUMNS};

use std::path::Path;

/// A feature file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A GeoJSON FeatureCollection (RFC 7946).
    GeoJson,
    /// One GeoJSON Feature per line (GeoJSONSeq without the record separators).
    NdJson,
    /// Comma-separated values with a header line.
    Csv,
}

impl Format {
    /// Parses `geojson`, `ndjson` or `csv`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "ndjson" | "jsonl" | "geojsonl" | "geojsonseq" => Some(Format::NdJson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name implies by its extension.
    ///
    /// ```
    /// use diachiso::formats::Format;
    /// assert_eq!(Format::from_path("places.ndjson".as_ref()), Some(Format::NdJson));
    /// assert_eq!(Format::from_path("places.geojson".as_ref()), Some(Format::GeoJson));
    /// assert_eq!(Format::from_path("places.txt".as_ref()), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        Format::parse(path.extension()?.to_str()?)
    }

    /// The media type served for this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::GeoJson => "application/geo+json",
            Format::NdJson => "application/geo+json-seq",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::NdJson => "ndjson",
            Format::Csv => "csv",
        }
    }
}
