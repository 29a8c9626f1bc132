//! The words that mark an address's parts: unit words (xã, phường, huyện, tỉnh and their
//! abbreviations), house-number prefixes (số, số nhà, SN), alleys (ngõ, ngách, hẻm, kiệt),
//! streets (đường, phố, `Đ.`), hamlets (thôn, xóm, tổ dân phố, khu phố) and noise ("Việt
//! Nam"), recognised with or without diacritics.

use super::gazetteer::Level;
use super::token::Token;
use crate::text::{is_plain, same_word};

/// What a word (or two) at a position means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keyword {
    Unit(Level, &'static str),
    /// `P.`: phường before a commune's name, phố before a street's.
    PhuongOrPho,
    NumberPrefix,
    Alley(&'static str),
    Street(&'static str),
    Hamlet(&'static str),
    Noise,
}

/// Whether a word may be the keyword written `canonical`: written without diacritics, or with
/// the keyword's own ("Dương" is a name, not "đường"; "Ngô" is not "ngõ").
fn written_as(t: &Token, canonical: &str) -> bool {
    is_plain(&t.text) || same_word(&t.text, canonical)
}

/// Whether the word at `i` is a number (an alley's or a hamlet's).
fn number_at(tokens: &[Token], i: usize) -> bool {
    tokens.get(i).is_some_and(|n| {
        !n.boundary_before && n.key.chars().next().is_some_and(|c| c.is_ascii_digit())
    })
}

/// Reads the keyword at `i`: what it means and how many words it takes.
pub(super) fn keyword(tokens: &[Token], i: usize) -> Option<(Keyword, usize)> {
    use Keyword::*;
    let key = |k: usize| tokens.get(i + k).map(|t| t.key.as_str());
    let as_written = |words: &[&str]| {
        words
            .iter()
            .enumerate()
            .all(|(k, w)| tokens.get(i + k).is_some_and(|t| written_as(t, w)))
    };
    // The words of a two-word keyword stay within one part.
    let two = (
        key(0)?,
        key(1)
            .filter(|_| !tokens[i + 1].boundary_before)
            .unwrap_or(""),
    );
    let two_words = match two {
        ("thi", "tran") => Some((Unit(Level::Commune, "Thị trấn"), ["thị", "trấn"])),
        ("dac", "khu") => Some((Unit(Level::Commune, "Đặc khu"), ["đặc", "khu"])),
        ("thi", "xa") => Some((Unit(Level::District, "Thị xã"), ["thị", "xã"])),
        ("thanh", "pho") => Some((Unit(Level::District, "Thành phố"), ["thành", "phố"])),
        ("so", "nha") => Some((NumberPrefix, ["số", "nhà"])),
        ("nha", "so") => Some((NumberPrefix, ["nhà", "số"])),
        ("khu", "pho") => Some((Hamlet("Khu phố"), ["khu", "phố"])),
        ("dai", "lo") => Some((Street("dai lo"), ["đại", "lộ"])),
        ("viet", "nam") => Some((Noise, ["việt", "nam"])),
        _ => None,
    };
    if let Some((k, words)) = two_words {
        if as_written(&words) {
            return Some((k, 2));
        }
    }
    if two == ("to", "dan")
        && key(2) == Some("pho")
        && !tokens[i + 2].boundary_before
        && as_written(&["tổ", "dân", "phố"])
    {
        return Some((Hamlet("Tổ dân phố"), 3));
    }
    let t = &tokens[i];
    // "đường liên thôn", "liên xã", "liên huyện": a road between units, a name, not a unit.
    if i > 0 && tokens[i - 1].key == "lien" && !t.boundary_before {
        return None;
    }
    let plain_or = |canonical: &str| written_as(t, canonical);
    let k = match t.key.as_str() {
        "xa" if plain_or("xã") => Unit(Level::Commune, "Xã"),
        "x" => Unit(Level::Commune, "Xã"),
        "phuong" if plain_or("phường") => Unit(Level::Commune, "Phường"),
        "f" => Unit(Level::Commune, "Phường"),
        "tt" => Unit(Level::Commune, "Thị trấn"),
        "p" => PhuongOrPho,
        "huyen" if plain_or("huyện") => Unit(Level::District, "Huyện"),
        "h" => Unit(Level::District, "Huyện"),
        "tx" => Unit(Level::District, "Thị xã"),
        "tp" => Unit(Level::District, "Thành phố"),
        "quan" if plain_or("quận") => Unit(Level::District, "Quận"),
        "q" => Unit(Level::District, "Quận"),
        "tinh" if plain_or("tỉnh") => Unit(Level::Province, "Tỉnh"),
        "t" => Unit(Level::Province, "Tỉnh"),
        "so" if plain_or("số") => NumberPrefix,
        "sn" => NumberPrefix,
        // An alley is followed by its number; written in full ("ngõ Văn Minh"), by a name.
        // "Kiệt" is also a given name (Lý Thường Kiệt): only before a number.
        "ngo" if number_at(tokens, i + 1) || (!is_plain(&t.text) && plain_or("ngõ")) => {
            Alley("ngo")
        }
        "ngo" | "ngach" | "hem" | "kiet" | "ng" if !number_at(tokens, i + 1) => return None,
        "ngo" if plain_or("ngõ") => Alley("ngo"),
        "ng" if t.dotted => Alley("ngo"),
        "ngach" if plain_or("ngách") => Alley("ngach"),
        "hem" if plain_or("hẻm") => Alley("hem"),
        "kiet" if plain_or("kiệt") => Alley("kiet"),
        "duong" if plain_or("đường") => Street("duong"),
        "d" if plain_or("đ") => Street("duong"),
        "dl" => Street("dai lo"),
        "pho" if plain_or("phố") => Street("pho"),
        "thon" if plain_or("thôn") => Hamlet("Thôn"),
        "xom" if plain_or("xóm") => Hamlet("Xóm"),
        "tdp" => Hamlet("Tổ dân phố"),
        "kp" => Hamlet("Khu phố"),
        "ap" if plain_or("ấp") => Hamlet("Ấp"),
        "lang" if plain_or("làng") => Hamlet("Làng"),
        // "tổ 3", "khu 5": only before a number (a place may be "Khu công nghiệp …").
        "to" if number_at(tokens, i + 1) && plain_or("tổ") => Hamlet("Tổ"),
        "khu" if number_at(tokens, i + 1) => Hamlet("Khu"),
        "vn" | "vietnam" => Noise,
        _ => return None,
    };
    Some((k, 1))
}

/// Where the keywords are, read from the left (so that "thị xã" is one keyword, not "xã").
pub(super) fn keyword_starts(tokens: &[Token]) -> Vec<(usize, Keyword, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match keyword(tokens, i) {
            Some((k, len)) => {
                out.push((i, k, len));
                i += len;
            }
            None => i += 1,
        }
    }
    out
}
