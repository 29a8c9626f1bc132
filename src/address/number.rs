//! House numbers as they are written: `12`, `12A`, `12B1`, `12-1`, group numbers `A10`, and
//! the southern slash form `12/5/3` (house 3 in alley 5 of alley 12).

/// A house number read from an address, with the alleys a slash form names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseRef {
    /// As plates write it: upper-case letters, no leading zeros ("12A", "12-1", "A10").
    pub number: String,
    /// Alley numbers before the house in a slash form, outermost first (`12/5/3` → 12, 5).
    pub alleys: Vec<String>,
}

/// Normalises one house number: digits with an optional suffix (`A`, `B1`, `-1`) or a group
/// letter before them (`A10`). `None` when the word is not a house number.
///
/// ```
/// use diachiso::address::normalize_number;
/// assert_eq!(normalize_number("012a").as_deref(), Some("12A"));
/// assert_eq!(normalize_number("12-1").as_deref(), Some("12-1"));
/// assert_eq!(normalize_number("12b1").as_deref(), Some("12B1"));
/// assert_eq!(normalize_number("a10").as_deref(), Some("A10"));
/// assert_eq!(normalize_number("hung"), None);
/// assert_eq!(normalize_number("123456"), None);
/// ```
pub fn normalize_number(word: &str) -> Option<String> {
    let w = word.trim().to_ascii_uppercase();
    if !w.is_ascii() {
        return None;
    }
    let bytes = w.as_bytes();
    let lead = bytes.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = bytes[lead..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 5 || lead > 2 {
        return None;
    }
    let base = w[lead..lead + digits].trim_start_matches('0');
    let base = if base.is_empty() { "0" } else { base };
    let rest = &w[lead + digits..];
    let suffix_ok = match rest.as_bytes() {
        [] => true,
        // 12A, 12AB, 12B1
        [a, tail @ ..] if a.is_ascii_uppercase() => {
            tail.len() <= 2
                && tail
                    .iter()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }
        // 12-1
        [b'-', tail @ ..] => {
            !tail.is_empty() && tail.len() <= 3 && tail.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    // A group letter goes with a plain number only (A10, not A10B).
    (suffix_ok && (lead == 0 || rest.is_empty())).then(|| format!("{}{base}{rest}", &w[..lead]))
}

/// Reads a house number word, including the slash form (`12/5/3`).
///
/// ```
/// use diachiso::address::parse_house;
/// let h = parse_house("12/5/3b").unwrap();
/// assert_eq!((h.number.as_str(), h.alleys.clone()), ("3B", vec!["12".to_string(), "5".to_string()]));
/// assert_eq!(parse_house("20A").unwrap().alleys.len(), 0);
/// assert!(parse_house("12//3").is_none());
/// ```
pub fn parse_house(word: &str) -> Option<HouseRef> {
    let parts: Vec<&str> = word.split('/').collect();
    if parts.len() > 4 {
        return None;
    }
    let normalized: Option<Vec<String>> = parts.iter().map(|p| normalize_number(p)).collect();
    let mut normalized = normalized?;
    let number = normalized.pop()?;
    Some(HouseRef {
        number,
        alleys: normalized,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms() {
        for (written, number) in [
            ("12", "12"),
            ("12a", "12A"),
            ("12B1", "12B1"),
            ("12-1", "12-1"),
            ("0012", "12"),
            ("A10", "A10"),
        ] {
            assert_eq!(
                normalize_number(written).as_deref(),
                Some(number),
                "{written}"
            );
        }
        for not in [
            "", "-", "12-", "12-abcd", "ABC1", "A10B", "x", "1234567", "12.5", "số",
        ] {
            assert_eq!(normalize_number(not), None, "{not}");
        }
        let h = parse_house("12/5").unwrap();
        assert_eq!(
            (h.number.as_str(), h.alleys.as_slice()),
            ("5", &["12".to_string()][..])
        );
    }
}
