//! Adding columns to every row of a CSV file people already have: the batch geocoder's
//! framing, shared by `POST /api/geocode/batch` and `diachiso geocode`.
//!
//! The whole input is checked before the first row is answered (UTF-8, a header, the named
//! columns, the row limit), so an answer never stops half-written. Rows keep every column in
//! the same order; the new columns follow. Rows are answered on every core, in order.

use std::fmt;

use super::table::detect_delimiter;
use crate::text::fold;

/// Most rows in one batch.
pub const MAX_BATCH_ROWS: usize = 1_000_000;

/// Why a file cannot be processed (nothing is answered for it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvBatchError {
    #[error("the file is not valid UTF-8 (byte {0}); save it as CSV UTF-8")]
    NotUtf8(usize),
    #[error("the file is empty: it needs a header line")]
    Empty,
    #[error("no column {missing:?} in the header; the columns are: {columns}")]
    MissingColumn { missing: String, columns: String },
    #[error("name at least one column to read the addresses from")]
    NoColumn,
    #[error("the file has more than {MAX_BATCH_ROWS} rows")]
    TooManyRows,
    #[error("the file cannot be read as CSV (line {line}): {reason}")]
    Malformed { line: u64, reason: String },
}

/// A checked input: its text (without a byte-order mark), delimiter, header and the positions
/// of the columns the addresses are read from.
#[derive(Debug)]
pub struct CsvBatch<'a> {
    text: &'a str,
    pub delimiter: u8,
    pub header: Vec<String>,
    columns: Vec<usize>,
    /// Data rows (the header excluded).
    pub rows: usize,
}

impl fmt::Display for CsvBatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rows, delimiter {:?}",
            self.rows, self.delimiter as char
        )
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
}

impl<'a> CsvBatch<'a> {
    /// Checks a file and finds the address columns (matched without case or diacritics).
    pub fn check(bytes: &'a [u8], columns: &[String]) -> Result<CsvBatch<'a>, CsvBatchError> {
        if columns.is_empty() {
            return Err(CsvBatchError::NoColumn);
        }
        let text =
            std::str::from_utf8(bytes).map_err(|e| CsvBatchError::NotUtf8(e.valid_up_to()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first_line = text.lines().next().unwrap_or("");
        if first_line.trim().is_empty() {
            return Err(CsvBatchError::Empty);
        }
        let delimiter = detect_delimiter(first_line);
        let mut records = reader(text, delimiter).into_byte_records();
        let header: Vec<String> = match records.next() {
            Some(Ok(r)) => r
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                .collect(),
            Some(Err(e)) => return Err(malformed(&e)),
            None => return Err(CsvBatchError::Empty),
        };
        let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
        let positions = columns
            .iter()
            .map(|c| {
                folded
                    .iter()
                    .position(|h| *h == fold(c.trim()))
                    .ok_or_else(|| CsvBatchError::MissingColumn {
                        missing: c.clone(),
                        columns: header.join(", "),
                    })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        let mut rows = 0;
        for record in records {
            record.map_err(|e| malformed(&e))?;
            rows += 1;
            if rows > MAX_BATCH_ROWS {
                return Err(CsvBatchError::TooManyRows);
            }
        }
        Ok(CsvBatch {
            text,
            delimiter,
            header,
            columns: positions,
            rows,
        })
    }

    /// Answers every row: `answer` gets the address (the named columns joined with ", ")
    /// and returns the new columns' values; `emit` gets the output in pieces (the header
    /// first); `progress` gets the rows done so far. `extra` names the new columns.
    pub fn run<const N: usize>(
        &self, extra: [&str; N], answer: impl Fn(&str) -> [String; N] + Sync,
        mut emit: impl FnMut(Vec<u8>), mut progress: impl FnMut(usize),
    ) {
        const CHUNK: usize = 4096;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut header = self.header.clone();
        header.extend(extra.iter().map(|s| s.to_string()));
        emit(self.write(&[header]));
        let mut records = reader(self.text, self.delimiter).into_records().skip(1);
        let mut done = 0;
        loop {
            let chunk: Vec<Vec<String>> = records
                .by_ref()
                .take(CHUNK)
                .map(|r| {
                    r.map(|r| r.iter().map(str::to_owned).collect())
                        .unwrap_or_default()
                })
                .collect();
            if chunk.is_empty() {
                break;
            }
            let per_thread = chunk.len().div_ceil(threads);
            let answered: Vec<[String; N]> = std::thread::scope(|scope| {
                let workers: Vec<_> = chunk
                    .chunks(per_thread)
                    .map(|rows| {
                        let answer = &answer;
                        scope.spawn(move || {
                            rows.iter()
                                .map(|row| answer(&self.address_of(row)))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|w| w.join().unwrap_or_default())
                    .collect()
            });
            let width = self.header.len();
            let lines: Vec<Vec<String>> = chunk
                .into_iter()
                .zip(answered)
                .map(|(mut row, new)| {
                    // A short row is padded so that the new columns stay under their header.
                    if row.len() < width {
                        row.resize(width, String::new());
                    }
                    // The answer's columns come from the registry (names others typed): made
                    // safe for a spreadsheet; the caller's own cells are theirs, left as sent.
                    row.extend(new.iter().map(|c| super::spreadsheet_safe(c).into_owned()));
                    row
                })
                .collect();
            done += lines.len();
            emit(self.write(&lines));
            progress(done);
        }
    }

    /// The address of a row: its named columns, non-empty ones joined with ", ".
    fn address_of(&self, row: &[String]) -> String {
        self.columns
            .iter()
            .filter_map(|&i| row.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn write(&self, rows: &[Vec<String>]) -> Vec<u8> {
        let mut out = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            // Writing to memory cannot fail.
            let _ = out.write_record(row);
        }
        out.into_inner().unwrap_or_default()
    }
}

fn malformed(e: &csv::Error) -> CsvBatchError {
    CsvBatchError::Malformed {
        line: e.position().map_or(0, |p| p.line()),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, columns: &[&str]) -> Result<String, CsvBatchError> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let batch = CsvBatch::check(input.as_bytes(), &columns)?;
        let mut out = Vec::new();
        batch.run(
            ["n"],
            |a| [a.chars().count().to_string()],
            |b| out.extend(b),
            |_| {},
        );
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn columns_are_kept_and_joined() {
        let out = run(
            "\u{feff}id;Địa chỉ;Xã\n1;12 Lê Lợi;Phố Hiến\n2;;\n",
            &["dia chi", "XÃ"],
        )
        .unwrap();
        assert_eq!(out, "id;Địa chỉ;Xã;n\n1;12 Lê Lợi;Phố Hiến;19\n2;;;0\n");
        let out = run("a\tb\n\"x, y\"\tz\n", &["a"]).unwrap();
        assert_eq!(
            out, "a\tb\tn\nx, y\tz\t4\n",
            "quoted only where the delimiter needs it"
        );
        let out = run("a,b\nshort\n", &["b"]).unwrap();
        assert_eq!(out, "a,b,n\nshort,,0\n", "short rows are padded");
    }

    #[test]
    fn bad_files_are_refused_before_anything_is_written() {
        assert_eq!(run("", &["a"]).unwrap_err(), CsvBatchError::Empty);
        assert!(matches!(
            run("a,b\n1,2\n", &["c"]),
            Err(CsvBatchError::MissingColumn { .. })
        ));
        assert_eq!(run("a\n1\n", &[]).unwrap_err(), CsvBatchError::NoColumn);
        let latin1 = b"a\n\xe9\n";
        let e = CsvBatch::check(latin1, &["a".into()]).unwrap_err();
        assert_eq!(e, CsvBatchError::NotUtf8(2));
    }
}
