//! Reading an import file into records, the same for `diachiso import places` and
//! `POST /api/imports`: spreadsheets (CSV with any delimiter, Excel workbooks) by their
//! headers, GeoJSON and newline-delimited GeoJSON, and the CSV `diachiso export places` writes.

use std::io::{Cursor, Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};
use std::path::PathBuf;

use super::ImportRow;
use crate::address::Gazetteer;
use crate::crs::Crs;
use crate::formats::{read_csv_table, read_features, read_workbook, Format, TableRow};
use crate::sheet::{row_place, Columns};

/// Where an import reads from.
#[derive(Debug, Clone)]
pub enum ImportInput {
    Path(PathBuf),
    /// A file sent over HTTP, with the name it came with (for its format).
    Bytes {
        name: String,
        bytes: Vec<u8>,
    },
}

impl ImportInput {
    /// The file's name (its path, or the name it was sent with).
    pub fn name(&self) -> String {
        match self {
            ImportInput::Path(p) => p.display().to_string(),
            ImportInput::Bytes { name, .. } => name.clone(),
        }
    }

    /// Identifies the input across runs without reading all of a file: its size and a
    /// SHA-256 of its first and last MiB (hex).
    pub fn fingerprint(&self) -> std::io::Result<String> {
        const PART: u64 = 1 << 20;
        let mut hasher = Sha256::new();
        match self {
            ImportInput::Path(path) => {
                let mut file = std::fs::File::open(path)?;
                let size = file.metadata()?.len();
                hasher.update(size.to_le_bytes());
                let mut buf = Vec::new();
                (&mut file).take(PART).read_to_end(&mut buf)?;
                hasher.update(&buf);
                if size > PART {
                    file.seek(SeekFrom::Start(size.saturating_sub(PART).max(PART)))?;
                    buf.clear();
                    file.take(PART).read_to_end(&mut buf)?;
                    hasher.update(&buf);
                }
            }
            ImportInput::Bytes { bytes, .. } => {
                let size = bytes.len() as u64;
                hasher.update(size.to_le_bytes());
                let part = PART as usize;
                hasher.update(&bytes[..bytes.len().min(part)]);
                if size > PART {
                    hasher.update(&bytes[bytes.len().saturating_sub(part).max(part)..]);
                }
            }
        }
        Ok(hex::encode(hasher.finalize()))
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        match self {
            ImportInput::Path(p) => {
                std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
            }
            ImportInput::Bytes { bytes, .. } => Ok(bytes.clone()),
        }
    }
}

/// How an import file is read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// geojson, ndjson, csv or xlsx (default: from the name).
    pub format: Option<String>,
    /// The coordinates' system (WGS 84 lon/lat by default).
    pub crs: Option<Crs>,
    /// (field, header) for headers not recognised.
    pub columns: Vec<(String, String)>,
    /// A workbook's sheet (default: the first).
    pub sheet: Option<String>,
    /// Refuse what the registry does not know instead of keeping it.
    pub strict: bool,
}

impl ReadOptions {
    /// Options as written on the command line or in a query: `crs` as `EPSG:9209`, columns as
    /// `field=Header` pairs.
    pub fn parse(
        format: Option<&str>, crs: Option<&str>, columns: &[String], sheet: Option<String>,
        strict: bool,
    ) -> Result<ReadOptions, String> {
        let crs = match crs {
            Some(c) => Some(Crs::parse(c).ok_or_else(|| {
                format!("crs {c:?}: EPSG:4326, EPSG:4756, EPSG:9205 to EPSG:9218 (Hưng Yên: EPSG:9209), EPSG:3405 or EPSG:3406")
            })?),
            None => None,
        };
        let columns = columns
            .iter()
            .flat_map(|c| c.split(','))
            .filter(|c| !c.trim().is_empty())
            .map(|c| {
                c.split_once('=')
                    .map(|(f, h)| (f.trim().to_owned(), h.trim().to_owned()))
                    .ok_or_else(|| format!("columns take field=Header pairs, not {c:?}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(ReadOptions {
            format: format.map(str::to_owned),
            crs,
            columns,
            sheet,
            strict,
        })
    }
}

/// What kind of file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Features(Format),
    Csv,
    Workbook,
}

/// A CSV written by `diachiso export places` (its own columns, JSON in cells) is read as
/// features; every other CSV as a spreadsheet.
fn csv_source(bytes: &[u8]) -> Source {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    let header: Vec<String> = first
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let has = |c: &str| header.iter().any(|h| h == c);
    if has("attributes") || (has("code") && has("status")) {
        Source::Features(Format::Csv)
    } else {
        Source::Csv
    }
}

fn source_of(name: &str, format: Option<&str>, bytes: &[u8]) -> Result<Source, String> {
    let extension = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(
        match format.map(str::to_ascii_lowercase).or(extension).as_deref() {
            Some("xlsx" | "xlsm") => Source::Workbook,
            Some("csv" | "tsv" | "txt") => csv_source(bytes),
            Some(other) => Source::Features(Format::parse(other).ok_or_else(|| {
                format!("format is geojson, ndjson, csv or xlsx (not {other:?})")
            })?),
            None => return Err("cannot tell the format from the file name; give the format".into()),
        },
    )
}

/// Whether the file's format can be told (from `format`, else the name's extension); the
/// message says what to give otherwise.
pub fn check_import_format(name: &str, format: Option<&str>, bytes: &[u8]) -> Result<(), String> {
    source_of(name, format, bytes).map(|_| ())
}

/// Reads an import file's records (on the calling thread), after the first `skip`, to `send`
/// (which returns `false` to stop). A file that cannot be read as a whole (no header, no
/// coordinate column, metres without a system) is an `Err` before any record.
pub fn read_import_records(
    input: &ImportInput, options: &ReadOptions, gazetteer: &Gazetteer, skip: u64,
    mut send: impl FnMut(ImportRow) -> bool,
) -> Result<(), String> {
    let bytes = input.bytes()?;
    let mut seen = 0u64;
    match source_of(&input.name(), options.format.as_deref(), &bytes)? {
        Source::Features(format) => read_features(Cursor::new(bytes), format, |r| {
            seen += 1;
            seen <= skip || send(ImportRow::new(r.number, r.feature))
        }),
        source => {
            let mut sheet = SheetReader {
                options,
                gazetteer,
                columns: None,
                fatal: None,
            };
            let mut each = |header: &[String], row: TableRow| {
                let Some(record) = sheet.record(header, row) else {
                    return false;
                };
                seen += 1;
                seen <= skip || send(record)
            };
            let read = match source {
                Source::Workbook => read_workbook(bytes, options.sheet.as_deref(), &mut each),
                _ => read_csv_table(&bytes, &mut each),
            };
            match (sheet.fatal, read) {
                (Some(e), _) => Err(e),
                (None, Err(e)) => Err(e.to_string()),
                (None, Ok(_)) => Ok(()),
            }
        }
    }
}

/// Spreadsheet rows to records, the columns read from the header at the first row.
struct SheetReader<'a> {
    options: &'a ReadOptions,
    gazetteer: &'a Gazetteer,
    columns: Option<Columns>,
    fatal: Option<String>,
}

impl SheetReader<'_> {
    /// The record of a row; `None` when the file cannot be read (see `fatal`).
    fn record(&mut self, header: &[String], row: TableRow) -> Option<ImportRow> {
        if self.columns.is_none() {
            match Columns::from_header(header, &self.options.columns) {
                // Metres are never guessed: their system must be said.
                Ok(c) if self.options.crs.is_none() && c.needs_crs(&row.cells) => {
                    self.fatal = Some(
                        "the coordinates are metres, not degrees: say their system with crs (Hưng Yên's surveys: EPSG:9209, X = northing, Y = easting)"
                            .into(),
                    );
                    return None;
                }
                Ok(c) => self.columns = Some(c),
                Err(e) => {
                    self.fatal = Some(e);
                    return None;
                }
            }
        }
        let columns = self.columns.as_ref()?;
        let o = self.options;
        Some(
            match row_place(columns, &row.cells, o.crs, o.strict, Some(self.gazetteer)) {
                Ok(p) => ImportRow {
                    number: row.line,
                    feature: Ok(p.feature),
                    declared_commune: p.declared_commune,
                    notes: p.warnings,
                },
                Err(e) => ImportRow::new(row.line, Err(e)),
            },
        )
    }
}
