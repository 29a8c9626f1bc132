//! serde: a code is the 12-digit string.
//!
//! Serialising writes the canonical 12 digits; deserialising accepts a string in any form
//! that [`FromStr`](std::str::FromStr) accepts (so `"7958 5601 9294"` too) and reports its
//! error. Numbers are refused: a JSON number would lose the leading zeros.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::LocationCode;

impl Serialize for LocationCode {
    /// ```
    /// use diachiso::code::LocationCode;
    ///
    /// let code = LocationCode::from_payload(9_658_167_317)?;
    /// assert_eq!(serde_json::to_string(&code).unwrap(), r#""096581673178""#);
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocationCode {
    /// ```
    /// use diachiso::code::LocationCode;
    ///
    /// let code: LocationCode = serde_json::from_str(r#""0965 8167 3178""#).unwrap();
    /// assert_eq!(code.payload(), 9_658_167_317);
    /// assert!(serde_json::from_str::<LocationCode>(r#""096581673179""#).is_err());
    /// assert!(serde_json::from_str::<LocationCode>("96581673178").is_err());
    /// ```
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CodeVisitor)
    }
}

struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = LocationCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 12-digit location code as a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<LocationCode, E> {
        v.parse().map_err(E::custom)
    }
}
