//! A house number on a street: a base `1..=9999` and an optional suffix
//! (`20A`, `20-1`) given to a house built later between two numbered ones.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// The largest base number allowed on one street.
pub const MAX_BASE: u32 = 9999;

/// How a commune writes the suffix of an infill house (Circular 08/2024, Art. 7).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum SuffixStyle {
    /// `20A`, `20B`, … `20Z` (26 at most).
    #[default]
    Letters,
    /// `20-1`, `20-2`, … `20-99` (99 at most).
    Dash,
}

impl SuffixStyle {
    /// The largest suffix index of this style: 26 for letters, 99 for dash numbers.
    pub fn max_index(self) -> u16 {
        match self {
            SuffixStyle::Letters => 26,
            SuffixStyle::Dash => 99,
        }
    }
}

/// The suffix of a house number.
///
/// Variant order matters for [`Ord`]: should one street mix both styles,
/// every lettered number sorts before every dash number of the same base
/// (`20 < 20A < 20Z < 20-1`), which keeps the order total and deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suffix {
    /// A letter: `1` = A … `26` = Z.
    Letter(u8),
    /// A dash number: `1..=99`, written `-1`.
    Dash(u16),
}

impl Suffix {
    /// The `index`-th suffix of `style` (1-based: 1 = `A` or `-1`).
    ///
    /// ```
    /// use diachiso::numbering::{Suffix, SuffixStyle};
    /// assert_eq!(Suffix::new(2, SuffixStyle::Letters).unwrap(), Suffix::Letter(2));
    /// assert!(Suffix::new(27, SuffixStyle::Letters).is_err());
    /// ```
    pub fn new(index: u32, style: SuffixStyle) -> Result<Self> {
        let max = style.max_index();
        if index == 0 || index > u32::from(max) {
            return Err(Error::SuffixOutOfRange { index, max, style });
        }
        // Both conversions are lossless: index ≤ 99 here.
        Ok(match style {
            SuffixStyle::Letters => Suffix::Letter(index as u8),
            SuffixStyle::Dash => Suffix::Dash(index as u16),
        })
    }

    /// The 1-based position of this suffix within its style.
    pub fn index(self) -> u16 {
        match self {
            Suffix::Letter(i) => u16::from(i),
            Suffix::Dash(i) => i,
        }
    }

    /// The style this suffix is written in.
    pub fn style(self) -> SuffixStyle {
        match self {
            Suffix::Letter(_) => SuffixStyle::Letters,
            Suffix::Dash(_) => SuffixStyle::Dash,
        }
    }

    fn is_valid(self) -> bool {
        let i = self.index();
        i >= 1 && i <= self.style().max_index()
    }
}

impl fmt::Display for Suffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Suffix::Letter(i) => write!(f, "{}", char::from(b'A' + i - 1)),
            Suffix::Dash(i) => write!(f, "-{i}"),
        }
    }
}

/// A house number as written on the door plate: `20`, `20A`, `20-1`.
///
/// Ordered as the numbers run along a street: by base, then a plain number
/// before its suffixed ones (`20 < 20A < 20B < 21`, `20 < 20-1 < 20-2 < 22`).
/// Serialised as its display string (`"20A"`).
///
/// Parsing (`FromStr`) trims surrounding spaces, accepts a lower-case letter
/// (`"20a"` → `20A`) and rejects: an empty string, `0`, a leading zero
/// (`"020"`: plates never carry one, so it is most likely a typing slip and
/// silently reading it as `20` could merge two houses), more than one letter
/// (`"20AA"`), a sign (`"-1"`), letters only, a base above 9999, and a dash
/// suffix outside `1..=99` or with a leading zero (`"20-01"`).
///
/// ```
/// use diachiso::numbering::HouseNumber;
/// let a: HouseNumber = " 20a ".parse().unwrap();
/// assert_eq!(a.to_string(), "20A");
/// let b: HouseNumber = "20-1".parse().unwrap();
/// assert!(a.base() == b.base() && "20".parse::<HouseNumber>().unwrap() < a);
/// assert!("020".parse::<HouseNumber>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HouseNumber {
    // Field order is the Ord order: base first, then None < Some(suffix).
    base: u32,
    suffix: Option<Suffix>,
}

impl HouseNumber {
    /// A plain number (no suffix); `base` must be in `1..=9999`.
    pub fn new(base: u32) -> Result<Self> {
        Self::from_parts(base, None)
    }

    /// `base` with the `index`-th suffix of `style` (1 = `A` / `-1`).
    ///
    /// ```
    /// use diachiso::numbering::{HouseNumber, SuffixStyle};
    /// assert_eq!(HouseNumber::with_suffix(20, 2, SuffixStyle::Letters).unwrap().to_string(), "20B");
    /// assert_eq!(HouseNumber::with_suffix(20, 2, SuffixStyle::Dash).unwrap().to_string(), "20-2");
    /// ```
    pub fn with_suffix(base: u32, index: u32, style: SuffixStyle) -> Result<Self> {
        Self::from_parts(base, Some(Suffix::new(index, style)?))
    }

    /// Builds from parts, checking the base range and the suffix index.
    pub fn from_parts(base: u32, suffix: Option<Suffix>) -> Result<Self> {
        if !(1..=MAX_BASE).contains(&base) {
            return Err(Error::BaseOutOfRange(base));
        }
        if let Some(s) = suffix.filter(|s| !s.is_valid()) {
            return Err(Error::SuffixOutOfRange {
                index: u32::from(s.index()),
                max: s.style().max_index(),
                style: s.style(),
            });
        }
        Ok(Self { base, suffix })
    }

    /// The base number (`20` of `20A`).
    pub fn base(self) -> u32 {
        self.base
    }

    /// The suffix, if any.
    pub fn suffix(self) -> Option<Suffix> {
        self.suffix
    }

    /// True when the number has no suffix.
    pub fn is_plain(self) -> bool {
        self.suffix.is_none()
    }

    /// Odd by its base (`21A` is odd): odd numbers belong on the left side.
    pub fn is_odd(self) -> bool {
        self.base % 2 == 1
    }
}

impl fmt::Display for HouseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.base)?;
        if let Some(s) = self.suffix {
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

impl FromStr for HouseNumber {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        let bad = |reason| Error::InvalidHouseNumber {
            input: input.to_string(),
            reason,
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(bad("empty"));
        }
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, rest) = s.split_at(digits_end);
        let base = parse_positive(digits, 4).map_err(bad)?;
        let suffix = if rest.is_empty() {
            None
        } else if let Some(dash) = rest.strip_prefix('-') {
            let i = parse_positive(dash, 2).map_err(|_| bad("dash suffix must be -1..-99"))?;
            Some(Suffix::Dash(i as u16))
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => {
                    Some(Suffix::Letter(c.to_ascii_uppercase() as u8 - b'A' + 1))
                }
                _ => return Err(bad("suffix must be one letter A-Z or -1..-99")),
            }
        };
        Self::from_parts(base, suffix)
    }
}

/// Reads `1..` written with at most `max_digits` digits and no leading zero.
fn parse_positive(digits: &str, max_digits: usize) -> std::result::Result<u32, &'static str> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must start with a number");
    }
    if digits == "0" {
        return Err("numbers start at 1");
    }
    if digits.starts_with('0') {
        return Err("leading zero");
    }
    if digits.len() > max_digits {
        return Err("too many digits");
    }
    digits.parse().map_err(|_| "not a number")
}

super::text_conversions!(HouseNumber);

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> HouseNumber {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_displays() {
        assert_eq!(n("20").to_string(), "20");
        assert_eq!(n("20a").to_string(), "20A");
        assert_eq!(n(" 20A ").to_string(), "20A");
        assert_eq!(n("20-1").to_string(), "20-1");
        assert_eq!(n("9999").base(), 9999);
        assert_eq!(n("20Z").suffix(), Some(Suffix::Letter(26)));
        assert_eq!(n("20-99").suffix(), Some(Suffix::Dash(99)));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "", "  ", "0", "020", "20AA", "-1", "A", "AB", "10000", "20-0", "20-01", "20-100",
            "20-", "20 A", "20Đ", "+20", "20.5",
        ] {
            assert!(
                bad.parse::<HouseNumber>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn orders_along_the_street() {
        assert!(n("20") < n("20A"));
        assert!(n("20A") < n("20B"));
        assert!(n("20B") < n("21"));
        assert!(n("20") < n("20-1"));
        assert!(n("20-1") < n("20-2"));
        assert!(n("20-2") < n("22"));
        assert!(n("20-9") < n("20-10"));
        assert!(n("20Z") < n("20-1"));
    }

    #[test]
    fn parity_is_by_base() {
        assert!(n("21A").is_odd());
        assert!(!n("20-3").is_odd());
    }

    #[test]
    fn constructors_check_ranges() {
        assert_eq!(HouseNumber::new(0), Err(Error::BaseOutOfRange(0)));
        assert!(HouseNumber::new(10_000).is_err());
        assert!(HouseNumber::with_suffix(20, 0, SuffixStyle::Letters).is_err());
        assert!(HouseNumber::with_suffix(20, 100, SuffixStyle::Dash).is_err());
        assert!(HouseNumber::from_parts(20, Some(Suffix::Letter(27))).is_err());
        assert_eq!(
            HouseNumber::with_suffix(20, 26, SuffixStyle::Letters).unwrap(),
            n("20Z")
        );
    }

    #[test]
    fn max_indices() {
        assert_eq!(SuffixStyle::Letters.max_index(), 26);
        assert_eq!(SuffixStyle::Dash.max_index(), 99);
    }
}
