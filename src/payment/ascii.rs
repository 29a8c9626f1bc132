//! ASCII folding of Vietnamese text for QR fields, which bank apps expect without diacritics.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Removes Vietnamese tone and vowel marks, keeping letter case: `đ` → `d`, `Đ` → `D`,
/// whitespace runs become one space and the ends are trimmed.
///
/// Returns `Err(c)` with the first character that has no ASCII form (an emoji, a CJK
/// character, a control character…).
///
/// ```
/// use diachiso::payment::ascii_fold;
/// assert_eq!(ascii_fold("Bãi đỗ xe").unwrap(), "Bai do xe");
/// assert_eq!(ascii_fold("  ĐƯỜNG  Nguyễn\tVăn Linh ").unwrap(), "DUONG Nguyen Van Linh");
/// assert_eq!(ascii_fold("xe 🚗"), Err('🚗'));
/// ```
pub fn ascii_fold(s: &str) -> std::result::Result<String, char> {
    crate::text::fold_each(s, |c, out| {
        match c {
            'đ' => out.push('d'),
            'Đ' => out.push('D'),
            c if c.is_ascii_graphic() => out.push(c),
            c => {
                let mut bad = None;
                decompose_canonical(c, |d| {
                    if d.is_ascii_graphic() {
                        out.push(d);
                    } else if !is_combining_mark(d) && bad.is_none() {
                        bad = Some(c);
                    }
                });
                if let Some(bad) = bad {
                    return Err(bad);
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_vowel_and_keeps_case() {
        let cases = [
            ("àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa"),
            ("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "AAAAAAAAAAAAAAAAA"),
            ("èéẻẽẹêềếểễệ", "eeeeeeeeeee"),
            ("ìíỉĩị", "iiiii"),
            ("òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo"),
            ("ùúủũụưừứửữự", "uuuuuuuuuuu"),
            ("ỳýỷỹỵ", "yyyyy"),
            ("ĐđÂÊÔƠƯ", "DdAEOOU"),
            ("Bãi đỗ xe", "Bai do xe"),
        ];
        for (input, folded) in cases {
            assert_eq!(ascii_fold(input).unwrap(), folded, "{input}");
        }
    }

    #[test]
    fn nfd_input_folds_like_nfc() {
        assert_eq!(
            ascii_fold("Hu\u{031B}\u{0301}ng Ye\u{0302}n").unwrap(),
            "Hung Yen"
        );
    }

    #[test]
    fn rejects_characters_without_ascii_form() {
        assert_eq!(ascii_fold("a\u{0007}b"), Err('\u{0007}'));
        assert_eq!(ascii_fold("北"), Err('北'));
    }
}
