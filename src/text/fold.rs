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
    s: &str,
    mut push: impl FnMut(char, &mut String) -> Result<(), E>,
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
