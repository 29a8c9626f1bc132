//! The kinds of street in a Vietnamese address: đường, phố, and the alleys.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// A street's kind (Circular 08/2024 uses ngõ/ngách in the north, hẻm in
/// the south, kiệt in the centre for the same thing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreetType {
    /// Đường: a road.
    Duong,
    /// Phố: an urban street.
    Pho,
    /// Ngõ: an alley off a street.
    Ngo,
    /// Ngách: an alley off a ngõ.
    Ngach,
    /// Hẻm: an alley (southern usage).
    Hem,
    /// Kiệt: an alley (central usage).
    Kiet,
}

impl StreetType {
    /// Every street type.
    pub const ALL: [StreetType; 6] = [
        StreetType::Duong,
        StreetType::Pho,
        StreetType::Ngo,
        StreetType::Ngach,
        StreetType::Hem,
        StreetType::Kiet,
    ];

    /// Stable ASCII code: `duong`, `pho`, `ngo`, `ngach`, `hem`, `kiet`.
    pub fn as_str(self) -> &'static str {
        match self {
            StreetType::Duong => "duong",
            StreetType::Pho => "pho",
            StreetType::Ngo => "ngo",
            StreetType::Ngach => "ngach",
            StreetType::Hem => "hem",
            StreetType::Kiet => "kiet",
        }
    }

    /// The Vietnamese word, lower case, as written inside an address.
    ///
    /// ```
    /// use diachiso::numbering::StreetType;
    /// assert_eq!(StreetType::Ngach.label_vi(), "ngách");
    /// ```
    pub fn label_vi(self) -> &'static str {
        match self {
            StreetType::Duong => "đường",
            StreetType::Pho => "phố",
            StreetType::Ngo => "ngõ",
            StreetType::Ngach => "ngách",
            StreetType::Hem => "hẻm",
            StreetType::Kiet => "kiệt",
        }
    }

    /// True for alleys (ngõ, ngách, hẻm, kiệt), which are numbered from their parent.
    pub fn is_alley(self) -> bool {
        !matches!(self, StreetType::Duong | StreetType::Pho)
    }

    /// Reads the ASCII code or the Vietnamese word (precomposed Unicode, any
    /// case, surrounding spaces ignored): `"ngo"`, `"Ngõ"`, `"ĐƯỜNG"`.
    ///
    /// ```
    /// use diachiso::numbering::StreetType;
    /// assert_eq!(StreetType::parse("Ngõ").unwrap(), StreetType::Ngo);
    /// assert_eq!(StreetType::parse("duong").unwrap(), StreetType::Duong);
    /// ```
    pub fn parse(input: &str) -> Result<StreetType> {
        let s = input.trim().to_lowercase();
        StreetType::ALL
            .into_iter()
            .find(|t| t.as_str() == s || t.label_vi() == s)
            .ok_or_else(|| Error::UnknownStreetType(input.to_string()))
    }
}

impl fmt::Display for StreetType {
    /// The Vietnamese word.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

impl FromStr for StreetType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        StreetType::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_codes_and_words() {
        for t in StreetType::ALL {
            assert_eq!(StreetType::parse(t.as_str()).unwrap(), t);
            assert_eq!(StreetType::parse(t.label_vi()).unwrap(), t);
            assert_eq!(StreetType::parse(&t.label_vi().to_uppercase()).unwrap(), t);
        }
        assert!(StreetType::parse("hẻm ").is_ok());
        assert!(StreetType::parse("alley").is_err());
        assert!(StreetType::Kiet.is_alley() && !StreetType::Pho.is_alley());
    }
}
