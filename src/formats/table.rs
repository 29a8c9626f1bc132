//! Spreadsheets as people keep them: CSV (`,` `;` or tab; UTF-8 with or without a byte-order
//! mark) and Excel workbooks (`.xlsx`, the first sheet or a named one), read as a header and
//! rows of text.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader as _};

/// One row of a table: its line (the header is line 1) and its cells as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// Why a table cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is not valid UTF-8 (byte {0}); save it as CSV UTF-8")]
    NotUtf8(usize),
    #[error("the file has no header line")]
    NoHeader,
    #[error("the workbook cannot be read: {0}")]
    Workbook(String),
    #[error("the workbook has no sheet {0:?}; its sheets are: {1}")]
    NoSheet(String, String),
    #[error("CSV line {0}: {1}")]
    Csv(u64, String),
}

/// The delimiter a header line uses: `,`, `;` or tab, whichever appears most outside quotes.
pub fn detect_delimiter(first_line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Whether a file name is a workbook (`.xlsx`, `.xlsm`).
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm"))
}

/// Reads a CSV file's bytes: every row goes to `each` with the header (`each` returns `false`
/// to stop); returns the header.
pub fn read_csv_table(
    bytes: &[u8], mut each: impl FnMut(&[String], TableRow) -> bool,
) -> Result<Vec<String>, TableError> {
    let text = std::str::from_utf8(bytes).map_err(|e| TableError::NotUtf8(e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    if first.trim().is_empty() {
        return Err(TableError::NoHeader);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(first))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_owned()).collect(),
        Some(Err(e)) => return Err(TableError::Csv(1, e.to_string())),
        None => return Err(TableError::NoHeader),
    };
    // Lines counted from byte offsets: the reader's own line count is off with CRLF endings.
    let (mut counted_to, mut line_at) = (0usize, 1u64);
    let mut line_of = |byte: u64| {
        let mut byte = (byte as usize).min(text.len());
        // With CRLF the reader's record starts at the line feed before it.
        while byte < text.len() && matches!(text.as_bytes()[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= counted_to {
            line_at += text.as_bytes()[counted_to..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = byte;
        }
        line_at
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                return Err(TableError::Csv(line, e.to_string()));
            }
        };
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = TableRow {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        };
        if !each(&header, row) {
            break;
        }
    }
    Ok(header)
}

/// A cell of a workbook as text: numbers as written (no thousands separators, `.` decimals),
/// dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads an Excel workbook's first sheet (or `sheet`): every row goes to `each` with the
/// header; returns the header.
pub fn read_workbook(
    bytes: Vec<u8>, sheet: Option<&str>, mut each: impl FnMut(&[String], TableRow) -> bool,
) -> Result<Vec<String>, TableError> {
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| TableError::Workbook(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| TableError::NoSheet(wanted.to_owned(), names.join(", ")))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| TableError::Workbook("it has no sheet".into()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| TableError::Workbook(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r);
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| cell_text(c).trim().to_owned()).collect())
        .filter(|h: &Vec<String>| h.iter().any(|c| !c.is_empty()))
        .ok_or(TableError::NoHeader)?;
    for (i, r) in rows.enumerate() {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Spreadsheet row numbers: the header is the sheet's first used row.
        let line = u64::from(first_row) + i as u64 + 2;
        if !each(&header, TableRow { line, cells }) {
            break;
        }
    }
    Ok(header)
}

/// Reads a table file (CSV or workbook, by its name).
pub fn read_table(
    path: &Path, sheet: Option<&str>, each: impl FnMut(&[String], TableRow) -> bool,
) -> Result<Vec<String>, TableError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| TableError::Io(e.to_string()))?;
    if is_workbook(path) {
        read_workbook(bytes, sheet, each)
    } else {
        read_csv_table(&bytes, each)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_a_bom_semicolons_and_blank_lines() {
        let mut rows = Vec::new();
        let header = read_csv_table(
            "\u{feff}STT;Tên;X\n1;Chùa Keo;\"2 285 411,2\"\n;;\n2;Đình;7\n".as_bytes(),
            |_, r| {
                rows.push(r);
                true
            },
        )
        .unwrap();
        assert_eq!(header, ["STT", "Tên", "X"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells, ["1", "Chùa Keo", "2 285 411,2"]);
        assert_eq!((rows[0].line, rows[1].line), (2, 4));
        assert_eq!(read_csv_table(b"", |_, _| true), Err(TableError::NoHeader));
        assert_eq!(
            read_csv_table(b"a\n\xff\n", |_, _| true),
            Err(TableError::NotUtf8(2))
        );
    }
}
#[cfg(test)]
mod crlf {
    #[test]
    fn crlf_lines() {
        let mut lines = Vec::new();
        super::read_csv_table(b"a;b\r\n1;2\r\n3;4\r\n", |_, r| {
            lines.push(r.line);
            true
        })
        .unwrap();
        assert_eq!(lines, [2, 3]);
    }
}
