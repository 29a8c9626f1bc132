//! Reading a resident-count export: `code,residents,households` rows, validated whole, every
//! problem reported with its line number.

use std::collections::HashMap;

use crate::code::LocationCode;

/// Most residents one address may have (a large apartment building is an address of units).
pub const MAX_RESIDENTS: u32 = 100_000;
/// Most households one address may have.
pub const MAX_HOUSEHOLDS: u32 = 50_000;

/// One row of a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountRow {
    /// The line in the file (1 = header).
    pub line: usize,
    pub code: LocationCode,
    pub residents: u32,
    pub households: u32,
}

/// A problem with one line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// Parses a CSV export with the header `code,residents,households` (columns in any order,
/// other columns refused: a count file never carries names or ID numbers). Returns the rows,
/// or every problem found (syntax, counts, duplicate codes with both lines).
///
/// ```
/// use diachiso::population::parse_counts_csv;
/// let rows = parse_counts_csv("code,residents,households\n795857305220,4,1\n".as_bytes()).unwrap();
/// assert_eq!((rows[0].residents, rows[0].households, rows[0].line), (4, 1, 2));
/// let errors = parse_counts_csv("code,residents,households\n795857305220,-1,1\n".as_bytes()).unwrap_err();
/// assert_eq!(errors[0].line, 2);
/// ```
pub fn parse_counts_csv(input: impl std::io::Read) -> Result<Vec<CountRow>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let mut errors = Vec::new();
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                message: format!("unreadable header: {e}"),
            }])
        }
    };
    let mut column = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}').to_ascii_lowercase();
        if !matches!(name.as_str(), "code" | "residents" | "households") {
            errors.push(RowError {
                line: 1,
                message: format!(
                    "unknown column {name:?}: the file has code, residents and households only (no personal data)"
                ),
            });
        } else if column.insert(name.clone(), i).is_some() {
            errors.push(RowError {
                line: 1,
                message: format!("column {name:?} twice"),
            });
        }
    }
    for name in ["code", "residents", "households"] {
        if !column.contains_key(name) {
            errors.push(RowError {
                line: 1,
                message: format!("no {name} column"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<LocationCode, usize> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    line,
                    message: format!("unreadable line: {e}"),
                });
                continue;
            }
        };
        if record.len() != header.len() {
            errors.push(RowError {
                line,
                message: format!("{} fields, the header has {}", record.len(), header.len()),
            });
            continue;
        }
        let field = |name: &str| record.get(column[name]).unwrap_or("");
        let code = match field("code").parse::<LocationCode>() {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(RowError {
                    line,
                    message: format!("code {:?}: {e}", field("code")),
                });
                None
            }
        };
        let mut count = |name: &str, max: u32| match field(name).parse::<u32>() {
            Ok(v) if v <= max => Some(v),
            _ => {
                errors.push(RowError {
                    line,
                    message: format!(
                        "{name} {:?} is not a whole number from 0 to {max}",
                        field(name)
                    ),
                });
                None
            }
        };
        let residents = count("residents", MAX_RESIDENTS);
        let households = count("households", MAX_HOUSEHOLDS);
        let (Some(code), Some(residents), Some(households)) = (code, residents, households) else {
            continue;
        };
        if households > residents {
            errors.push(RowError {
                line,
                message: format!("{households} households but {residents} residents"),
            });
            continue;
        }
        if residents > 0 && households == 0 {
            errors.push(RowError {
                line,
                message: "residents without a household".into(),
            });
            continue;
        }
        if let Some(first) = seen.insert(code, line) {
            errors.push(RowError {
                line,
                message: format!("code {code} again (first on line {first})"),
            });
            continue;
        }
        rows.push(CountRow {
            line,
            code,
            residents,
            households,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_its_line() {
        let csv = "residents,code,households\n\
                   4,795857305220,1\n\
                   x,795857305220,1\n\
                   3,795857305221,1\n\
                   2,795857305220,3\n\
                   5,795857305220,2\n\
                   6,795857303402,2\n";
        let errors = parse_counts_csv(csv.as_bytes()).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6], "{errors:?}");
        assert!(errors[3].message.contains("first on line 2"));
        let errors = parse_counts_csv("code,residents,households,name\n".as_bytes()).unwrap_err();
        assert!(errors[0].message.contains("no personal data"));
    }
}
