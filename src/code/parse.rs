//! Reading a code typed or pasted by a person (`FromStr`).
//!
//! Rules (spec, section 7): surrounding Unicode white space is ignored; inside, only ASCII
//! digits and the separators space, `.` and `-` are allowed, a separator only between two
//! digits (runs allowed); then 12 digits, a valid check digit and a payload in range.

use std::str::FromStr;

use super::{damm, CodeError, LocationCode, Result};

/// Whether a character may separate digit groups.
fn is_separator(ch: char) -> bool {
    matches!(ch, ' ' | '.' | '-')
}

impl FromStr for LocationCode {
    type Err = CodeError;

    /// Parses a code written with or without separators.
    ///
    /// Errors, the first applicable one: [`CodeError::Empty`],
    /// [`CodeError::InvalidCharacter`] (1-based character position in `s` as given),
    /// [`CodeError::WrongLength`], [`CodeError::CheckDigit`], [`CodeError::PayloadOutOfRange`].
    ///
    /// ```
    /// use diachiso::code::{CodeError, LocationCode};
    ///
    /// let code: LocationCode = "  7958 5601 9294\n".parse()?;
    /// assert_eq!(code.to_string(), "795856019294");
    /// assert_eq!("7958.5601.9294".parse::<LocationCode>()?, code);
    /// assert_eq!("7958 - 5601 - 9294".parse::<LocationCode>()?, code);
    /// // A separator must sit between two digits.
    /// assert_eq!(
    ///     "-795856019294".parse::<LocationCode>(),
    ///     Err(CodeError::InvalidCharacter { ch: '-', position: 1 })
    /// );
    /// // Only ASCII digits: a full-width seven is refused.
    /// assert_eq!(
    ///     "７95856019294".parse::<LocationCode>(),
    ///     Err(CodeError::InvalidCharacter { ch: '７', position: 1 })
    /// );
    /// // Every single-digit typo is caught by the check digit.
    /// assert_eq!("795856019284".parse::<LocationCode>(), Err(CodeError::CheckDigit));
    /// // 96 636 764 160 is past the last of the 90 tiles (check digit correct).
    /// assert_eq!("966367641607".parse::<LocationCode>(), Err(CodeError::PayloadOutOfRange));
    /// # Ok::<(), CodeError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        let body = s.trim();
        if body.is_empty() {
            return Err(CodeError::Empty);
        }
        // `trim` removes exactly the characters with the White_Space property.
        let leading = s.chars().take_while(|c| c.is_whitespace()).count();
        let last_digit = body.rfind(|c: char| c.is_ascii_digit());
        let mut digits = [0u8; 12];
        let mut found = 0usize;
        for (index, (offset, ch)) in body.char_indices().enumerate() {
            if ch.is_ascii_digit() {
                if let Some(slot) = digits.get_mut(found) {
                    *slot = ch as u8 - b'0';
                }
                found += 1;
            } else if !(is_separator(ch) && found > 0 && last_digit.is_some_and(|l| offset < l)) {
                return Err(CodeError::InvalidCharacter {
                    ch,
                    position: leading + index + 1,
                });
            }
        }
        if found != digits.len() {
            return Err(CodeError::WrongLength { found });
        }
        if damm::interim(&digits) != 0 {
            return Err(CodeError::CheckDigit);
        }
        let payload = digits[..11]
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d));
        LocationCode::from_payload(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<LocationCode> {
        s.parse()
    }

    #[test]
    fn precedence() {
        assert_eq!(parse(" \t "), Err(CodeError::Empty));
        assert_eq!(
            parse("79585601929a"),
            Err(CodeError::InvalidCharacter {
                ch: 'a',
                position: 12
            })
        );
        assert_eq!(
            parse("  795856019294 -"),
            Err(CodeError::InvalidCharacter {
                ch: ' ',
                position: 15
            })
        );
        assert_eq!(
            parse("7958560192"),
            Err(CodeError::WrongLength { found: 10 })
        );
        assert_eq!(
            parse("7958560192945"),
            Err(CodeError::WrongLength { found: 13 })
        );
        // Out of range and a wrong check digit: the check digit is reported.
        assert_eq!(parse("966367641608"), Err(CodeError::CheckDigit));
        assert_eq!(parse("966367641607"), Err(CodeError::PayloadOutOfRange));
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        assert_eq!(
            parse("\u{3000}mã 795856019294"),
            Err(CodeError::InvalidCharacter {
                ch: 'm',
                position: 2
            })
        );
        assert_eq!(
            parse("7958\u{a0}5601 9294"),
            Err(CodeError::InvalidCharacter {
                ch: '\u{a0}',
                position: 5
            })
        );
    }
}
