//! Folding: lower case, no diacritics, `đ` → `d`.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds one character into zero or more ASCII-ish lower-case characters, pushing them onto `out`.
pub fn fold_char(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' => out.push('d'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.extend(d.to_lowercase());
            }
        }),
    }
}

/// Folds text for comparison: lower case, diacritics and tone marks removed, `đ` → `d`,
/// whitespace collapsed.
///
/// Because tone marks are dropped, the older and newer tone-mark placements ("Thuỵ" and
/// "Thụy", "hoà" and "hòa") fold to the same string.
///
/// ```
/// use diachiso::text::fold;
/// assert_eq!(fold("Chùa Keo"), "chua keo");
/// assert_eq!(fold("Đường Nguyễn Văn Linh"), "duong nguyen van linh");
/// assert_eq!(fold("Thuỵ"), fold("Thụy"));
/// ```
pub fn fold(s: &str) -> String {
    let folded = fold_each(s, |c, out| {
        fold_char(c, out);
        Ok::<(), std::convert::Infallible>(())
    });
    folded.unwrap_or_else(|never| match never {})
}

/// Folds text character by character: whitespace runs become one space and the ends are
/// trimmed; every other character goes through `push`, which appends its folded form or
/// refuses it (the first refusal is the answer).
pub fn fold_each<E>(
    s: &str, mut push: impl FnMut(char, &mut String) -> Result<(), E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        push(c, &mut out)?;
    }
    Ok(out)
}

/// Whether a word is written without any diacritic (so it may stand for any Vietnamese word
/// that folds the same).
pub fn is_plain(word: &str) -> bool {
    word.is_ascii()
}

/// Whether two written words are the same Vietnamese word: the same letters with the same
/// vowel marks (â ă ê ô ơ ư, đ) and the same tone, wherever the tone mark is placed ("Thuỵ" and
/// "Thụy" are the same; "Huệ" and "Huế", or "Dương" and "đường", are not). Case is ignored.
///
/// ```
/// use diachiso::text::same_word;
/// assert!(same_word("Thuỵ", "thụy"));
/// assert!(!same_word("Huệ", "Huế"));
/// assert!(!same_word("Dương", "đường"));
/// assert!(same_word("HOÀ", "hòa"));
/// ```
pub fn same_word(a: &str, b: &str) -> bool {
    tone_key(a) == tone_key(b)
}

/// A word's letters with their vowel marks, and its tone marks apart (sorted), lower case.
fn tone_key(word: &str) -> (String, Vec<char>) {
    let mut letters = String::with_capacity(word.len());
    let mut tones = Vec::new();
    for c in word.chars().flat_map(char::to_lowercase) {
        decompose_canonical(c, |d| match d {
            // grave, acute, tilde, hook above, dot below
            '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}' => tones.push(d),
            d => letters.push(d),
        });
    }
    tones.sort_unstable();
    (letters, tones)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_vowel_to_its_base() {
        let cases = [
            ("àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa"),
            ("èéẻẽẹêềếểễệ", "eeeeeeeeeee"),
            ("ìíỉĩị", "iiiii"),
            ("òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo"),
            ("ùúủũụưừứửữự", "uuuuuuuuuuu"),
            ("ỳýỷỹỵ", "yyyyy"),
            ("ĐđÂÊÔƠƯ", "ddaeoou"),
        ];
        for (input, folded) in cases {
            assert_eq!(fold(input), folded, "{input}");
        }
    }

    #[test]
    fn nfd_and_nfc_fold_alike() {
        assert_eq!(fold("Hu\u{031B}\u{0301}ng Ye\u{0302}n"), fold("Hưng Yên"));
        assert_eq!(fold("Hưng Yên"), "hung yen");
    }

    #[test]
    fn collapses_and_trims_whitespace() {
        assert_eq!(fold("  Phố \t Hiến  "), "pho hien");
    }
}
