//! Typed addresses in a search box: "20a ngo 5 nguyen van linh pho hien".
//!
//! A query that starts with a house number (20, 20A, 20-1) and/or ends with a commune's name
//! is read as an address: the commune's words become a commune filter (they are not in a
//! house's own text), and the house number is remembered so that houses with exactly that
//! number rank first. Everything else stays ordinary search text, so "ngo 5 nguyen van linh"
//! matches the house's street text "ngõ 5, phố Nguyễn Văn Linh".

use crate::text::fold;

/// What an address-like query says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressQuery {
    /// The house number as written on plates ("20A", "20-1"), when the query starts with one.
    pub house_number: Option<String>,
    /// The commune named at the end of the query (its code).
    pub commune_code: Option<String>,
    /// The text to search for (the commune's words removed).
    pub text: String,
}

/// Whether a folded word is a house number: digits, then an optional letter or `-digits`.
fn house_number(word: &str) -> Option<String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let rest = &word[digits..];
    let ok = rest.is_empty()
        || (rest.len() == 1 && rest.as_bytes()[0].is_ascii_lowercase())
        || (rest.len() >= 2
            && rest.starts_with('-')
            && rest[1..].len() <= 2
            && rest[1..].bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| word.to_ascii_uppercase())
}

/// Reads a query as an address, given the loaded communes as `(code, name)` (short names such
/// as "Phố Hiến"). The longest commune name that ends the query wins; a unit word before it
/// ("phuong", "xa", "dac khu") goes with it.
///
/// ```
/// use diachiso::search::parse_address_query;
/// let communes = [("11953".to_string(), "Phố Hiến".to_string())];
/// let q = parse_address_query("20a ngo 5 nguyen van linh pho hien", &communes);
/// assert_eq!(q.house_number.as_deref(), Some("20A"));
/// assert_eq!(q.commune_code.as_deref(), Some("11953"));
/// assert_eq!(q.text, "20a ngo 5 nguyen van linh");
/// ```
pub fn parse_address_query(query: &str, communes: &[(String, String)]) -> AddressQuery {
    let folded = fold(query);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let house_number = words.first().and_then(|w| house_number(w));
    let mut best: Option<(usize, &str)> = None;
    for (code, name) in communes {
        let name = fold(name);
        let name_words: Vec<&str> = name.split_whitespace().collect();
        let n = name_words.len();
        // Keep at least one word of the query besides the commune.
        if n == 0 || n >= words.len() || words[words.len() - n..] != name_words[..] {
            continue;
        }
        if best.is_none_or(|(m, _)| n > m) {
            best = Some((n, code.as_str()));
        }
    }
    let (text_words, commune_code) = match best {
        Some((n, code)) => {
            let mut end = words.len() - n;
            let unit = |w: &[&str]| matches!(w, ["phuong"] | ["xa"] | ["khu"] | ["dac", "khu"]);
            if end >= 2 && unit(&words[end - 2..end]) && end > 2 {
                end -= 2;
            } else if end >= 2 && unit(&words[end - 1..end]) {
                end -= 1;
            }
            (&words[..end], Some(code.to_owned()))
        }
        None => (&words[..], None),
    };
    AddressQuery {
        house_number,
        commune_code,
        text: text_words.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn communes() -> Vec<(String, String)> {
        vec![
            ("11953".into(), "Phố Hiến".into()),
            ("11980".into(), "Hồng Châu".into()),
            ("12000".into(), "Hiến".into()),
        ]
    }

    #[test]
    fn numbers_suffixes_and_communes() {
        let q = parse_address_query("20-1 Ngõ 5, Nguyễn Văn Linh, phường Phố Hiến", &communes());
        assert_eq!(q.house_number.as_deref(), Some("20-1"));
        assert_eq!(
            q.commune_code.as_deref(),
            Some("11953"),
            "the longest name wins"
        );
        assert_eq!(q.text, "20-1 ngo 5 nguyen van linh");
        let q = parse_address_query("chua keo", &communes());
        assert_eq!(
            q,
            AddressQuery {
                house_number: None,
                commune_code: None,
                text: "chua keo".into()
            }
        );
        // A commune name alone is a search for the commune's words, not a filter on nothing.
        let q = parse_address_query("pho hien", &communes());
        assert_eq!(q.commune_code.as_deref(), Some("12000"));
        assert_eq!(q.text, "pho");
        assert_eq!(
            parse_address_query("12345 a", &communes()).house_number,
            None
        );
        assert_eq!(
            parse_address_query("7b le loi", &communes())
                .house_number
                .as_deref(),
            Some("7B")
        );
    }
}
