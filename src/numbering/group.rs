//! House groups (dãy, lô) lettered within a project: `A10` or `BL.A-10`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// How a house-group number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupStyle {
    /// `A10`.
    #[default]
    Compact,
    /// `BL.A-10` (block A, house 10).
    Block,
}

/// A house in a lettered group: group `A`–`Z`, number `1..=999`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupNumber {
    group: char,
    number: u16,
}

impl GroupNumber {
    /// Group letter `A`–`Z` (lower case accepted) and number `1..=999`.
    pub fn new(group: char, number: u16) -> Result<Self> {
        let bad = |reason| Error::InvalidGroupNumber {
            input: format!("{group}{number}"),
            reason,
        };
        if !group.is_ascii_alphabetic() {
            return Err(bad("group must be a letter A-Z"));
        }
        if !(1..=999).contains(&number) {
            return Err(bad("number must be 1..=999"));
        }
        Ok(Self {
            group: group.to_ascii_uppercase(),
            number,
        })
    }

    /// The group letter, upper case.
    pub fn group(self) -> char {
        self.group
    }

    /// The house number within the group.
    pub fn number(self) -> u16 {
        self.number
    }

    /// Writes the number in `style`.
    ///
    /// ```
    /// use diachiso::numbering::{GroupNumber, GroupStyle};
    /// let g = GroupNumber::new('A', 10).unwrap();
    /// assert_eq!(g.format(GroupStyle::Compact), "A10");
    /// assert_eq!(g.format(GroupStyle::Block), "BL.A-10");
    /// ```
    pub fn format(self, style: GroupStyle) -> String {
        match style {
            GroupStyle::Compact => format!("{}{}", self.group, self.number),
            GroupStyle::Block => format!("BL.{}-{}", self.group, self.number),
        }
    }

    /// Reads either style (case-insensitive, surrounding spaces ignored, no
    /// leading zeros) and says which one it was.
    ///
    /// ```
    /// use diachiso::numbering::{GroupNumber, GroupStyle};
    /// let (g, style) = GroupNumber::parse("bl.b-7").unwrap();
    /// assert_eq!((g.format(GroupStyle::Compact), style), ("B7".to_string(), GroupStyle::Block));
    /// ```
    pub fn parse(input: &str) -> Result<(GroupNumber, GroupStyle)> {
        let bad = |reason| Error::InvalidGroupNumber {
            input: input.to_string(),
            reason,
        };
        let s = input.trim().to_ascii_uppercase();
        let (body, style, sep) = match s.strip_prefix("BL.") {
            Some(rest) => (rest, GroupStyle::Block, "-"),
            None => (s.as_str(), GroupStyle::Compact, ""),
        };
        let mut chars = body.chars();
        let group = chars.next().ok_or_else(|| bad("empty"))?;
        let digits = chars
            .as_str()
            .strip_prefix(sep)
            .ok_or_else(|| bad("expected BL.<letter>-<number>"))?;
        if digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(bad("number must be 1..=999 without leading zeros"));
        }
        let number: u16 = digits.parse().map_err(|_| bad("number too large"))?;
        let g = GroupNumber::new(group, number).map_err(|_| bad("group A-Z, number 1..=999"))?;
        Ok((g, style))
    }
}

impl fmt::Display for GroupNumber {
    /// The compact style, `A10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(GroupStyle::Compact))
    }
}

impl FromStr for GroupNumber {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        GroupNumber::parse(s).map(|(g, _)| g)
    }
}

super::text_conversions!(GroupNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn art_house_group_lettered() {
        let g = GroupNumber::new('c', 15).unwrap();
        assert_eq!(g.to_string(), "C15");
        assert_eq!(g.format(GroupStyle::Block), "BL.C-15");
        assert_eq!(
            GroupNumber::parse("A10").unwrap(),
            (GroupNumber::new('A', 10).unwrap(), GroupStyle::Compact)
        );
        assert_eq!(
            GroupNumber::parse(" BL.A-10 ").unwrap(),
            (GroupNumber::new('A', 10).unwrap(), GroupStyle::Block)
        );
        assert_eq!(
            "z999"
                .parse::<GroupNumber>()
                .unwrap()
                .format(GroupStyle::Block),
            "BL.Z-999"
        );
    }

    #[test]
    fn rejects_malformed_groups() {
        for bad in [
            "", "A", "10", "A0", "A010", "A1000", "AA10", "BL.A10", "BL-A-10", "BL.A-", "Đ10",
            "A-10",
        ] {
            assert!(bad.parse::<GroupNumber>().is_err(), "{bad:?}");
        }
        assert!(GroupNumber::new('1', 5).is_err());
        assert!(GroupNumber::new('A', 0).is_err());
    }
}
