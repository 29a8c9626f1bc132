//! Splitting an address as people write it into words, remembering the commas and the
//! abbreviation dots that help to read it.

use crate::text::fold;

/// One word of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// As written (without a trailing dot or comma).
    pub text: String,
    /// Folded: lower case, no diacritics, `đ` → `d` (see [`crate::text::fold`]).
    pub key: String,
    /// Written with a dot after it ("P.", "TP."): an abbreviation.
    pub dotted: bool,
    /// A comma (or semicolon, or the end of a bracket) comes before this word.
    pub boundary_before: bool,
}

/// The longest text an address is read from, in characters; anything longer is cut (no
/// address is that long, and parsing stays cheap whatever is sent).
pub const MAX_ADDRESS_CHARS: usize = 400;

/// Abbreviations written glued to the next word ("P.Hiến Nam", "TP.Hưng Yên", "SN12").
const GLUED_PREFIXES: [&str; 14] = [
    "tp", "tx", "tt", "tdp", "kp", "sn", "p", "x", "q", "h", "t", "d", "đ", "f",
];

/// Splits an address into words.
///
/// Commas, semicolons and brackets end a part; a dot after a short word marks an
/// abbreviation and is split from a word glued to it; `số12` and `SN12` are two words.
///
/// ```
/// use diachiso::address::tokenize;
/// let t = tokenize("SN 12, P.Hiến Nam,TP. Hưng Yên");
/// let keys: Vec<&str> = t.iter().map(|t| t.key.as_str()).collect();
/// assert_eq!(keys, ["sn", "12", "p", "hien", "nam", "tp", "hung", "yen"]);
/// assert!(t[2].dotted && t[2].boundary_before);
/// ```
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut boundary = true;
    let text: String = text.chars().take(MAX_ADDRESS_CHARS).collect();
    for piece in text.split_inclusive(|c: char| c.is_whitespace() || ",;()[]".contains(c)) {
        let (word, ends_part) = match piece.char_indices().last() {
            Some((i, c)) if ",;()[]".contains(c) => (&piece[..i], true),
            Some((i, c)) if c.is_whitespace() => (&piece[..i], false),
            _ => (piece, false),
        };
        split_word(word.trim(), &mut boundary, &mut tokens);
        if ends_part {
            boundary = true;
        }
    }
    tokens
}

/// Splits one whitespace-free word on abbreviation dots and glued prefixes.
fn split_word(word: &str, boundary: &mut bool, tokens: &mut Vec<Token>) {
    let mut rest = word.trim_matches(|c: char| c == '"' || c == '\'');
    while !rest.is_empty() {
        // "P.Hiến" / "TP.Hưng": a short alphabetic head before a dot.
        if let Some(dot) = rest.find('.') {
            let head = &rest[..dot];
            if !head.is_empty()
                && head.chars().count() <= 4
                && head.chars().all(char::is_alphabetic)
            {
                push(tokens, head, true, boundary);
                rest = &rest[dot + 1..];
                continue;
            }
        }
        // "SN12", "số12": a known prefix glued to digits.
        let folded = fold(rest);
        if let Some(split) = glued_number(rest, &folded) {
            push(tokens, &rest[..split], false, boundary);
            rest = &rest[split..];
            continue;
        }
        let word = rest.trim_end_matches('.');
        let dotted = word.len() < rest.len();
        push(tokens, word, dotted, boundary);
        break;
    }
}

/// Where a known prefix glued to a number ends ("SN12" → 2, "số12" → 3 bytes).
fn glued_number(word: &str, folded: &str) -> Option<usize> {
    let digit = word.find(|c: char| c.is_ascii_digit())?;
    if digit == 0 {
        return None;
    }
    let head = fold(&word[..digit]);
    let known = ["so", "sn", "ngo", "ngach", "hem", "kiet"].contains(&head.as_str())
        || GLUED_PREFIXES.contains(&head.as_str()) && head.len() > 1;
    (known && folded.len() > head.len()).then_some(digit)
}

fn push(tokens: &mut Vec<Token>, text: &str, dotted: bool, boundary: &mut bool) {
    let text = text.trim_matches(|c: char| !c.is_alphanumeric() && !"-/".contains(c));
    if text.is_empty() {
        return;
    }
    tokens.push(Token {
        text: text.to_owned(),
        key: fold(text),
        dotted,
        boundary_before: std::mem::take(boundary),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.key).collect()
    }

    #[test]
    fn commas_dots_and_glued_words() {
        assert_eq!(keys("Số12,ngõ 5"), ["so", "12", "ngo", "5"]);
        assert_eq!(keys("12/5/3 Lê Lợi"), ["12/5/3", "le", "loi"]);
        assert_eq!(keys("12-1 Đ.Lê Lợi"), ["12-1", "d", "le", "loi"]);
        assert_eq!(
            keys("  P. Hiến Nam ;; TP Hưng Yên. "),
            ["p", "hien", "nam", "tp", "hung", "yen"]
        );
        assert_eq!(keys("(Việt Nam)"), ["viet", "nam"]);
        let t = tokenize("a, b c");
        assert!(t[0].boundary_before && t[1].boundary_before && !t[2].boundary_before);
    }

    #[test]
    fn anything_is_tokenized_without_panic() {
        for s in [
            "",
            ",,,",
            "....",
            "\u{0}\u{202e}x",
            "ả.",
            "1.2.3",
            "..P.",
            "đ.",
            "số",
        ] {
            let _ = tokenize(s);
        }
        assert!(tokenize(&"a ".repeat(10_000)).len() <= MAX_ADDRESS_CHARS);
    }
}
