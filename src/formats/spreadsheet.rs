//! Cells a spreadsheet opens as text: CSV written for people is opened in Excel or LibreOffice,
//! which run a cell starting with `=`, `+`, `-` or `@` as a formula (and treat a leading tab or
//! carriage return the same way), so a place named `=HYPERLINK("http://…","x")` would become a
//! live link in an officer's sheet. Such cells get a leading apostrophe, which the spreadsheet
//! hides and reads as "this is text"; numbers (a negative coordinate) are left as they are.

use std::borrow::Cow;

/// The cell as a spreadsheet shows it as text (see the module's documentation).
///
/// ```
/// use diachiso::formats::spreadsheet_safe;
/// assert_eq!(spreadsheet_safe("=HYPERLINK(\"http://evil\",\"x\")"), "'=HYPERLINK(\"http://evil\",\"x\")");
/// assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(spreadsheet_safe("-105.25"), "-105.25"); // a number stays a number
/// assert_eq!(spreadsheet_safe("Chùa Keo"), "Chùa Keo");
/// ```
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Every cell of a record made [`spreadsheet_safe`], for a `csv::Writer`.
pub fn spreadsheet_record<'a, S: AsRef<str> + ?Sized + 'a>(
    record: impl IntoIterator<Item = &'a S>,
) -> Vec<SafeCell<'a>> {
    record
        .into_iter()
        .map(|c| SafeCell(spreadsheet_safe(c.as_ref())))
        .collect()
}

/// A cell made [`spreadsheet_safe`], as the bytes a `csv::Writer` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeCell<'a>(pub Cow<'a, str>);

impl AsRef<[u8]> for SafeCell<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_text_and_numbers_kept() {
        for risky in [
            "=1+1",
            "+84 221 386",
            "-x",
            "@A1",
            "\t=1",
            "\r=1",
            "- không rõ -",
        ] {
            let safe = spreadsheet_safe(risky);
            assert_eq!(safe, format!("'{risky}"), "{risky:?}");
        }
        for kept in [
            "",
            "Nhà văn hóa",
            "12/3",
            "-0.5",
            "+7",
            "106.068",
            "'=already",
        ] {
            assert_eq!(spreadsheet_safe(kept), kept);
        }
        let record = spreadsheet_record(["a", "=b", "-3"].iter().copied());
        let cells: Vec<&str> = record.iter().map(|c| c.0.as_ref()).collect();
        assert_eq!(cells, ["a", "'=b", "-3"]);
    }
}
