//! Vietnamese addresses as people write them: reading one into its parts ([`parse`]), the
//! administrative units of today and of before 1 July 2025 ([`Gazetteer`]), and the streets
//! and house numbers written addresses are matched against ([`AddressIndex`]).
//!
//! Pure: no HTTP, no SQL. The registry's geocoder puts these together
//! (`registry::geocode`).

mod gazetteer;
mod index;
mod keyword;
mod number;
mod parse;
mod token;

pub use gazetteer::{split_unit_name, Gazetteer, Level};
pub use index::{alley_path, street_key, AddressIndex, StreetHouses, StreetKey};
pub use number::{normalize_number, parse_house, HouseRef};
pub use parse::{parse, parse_all, AlleyRef, CommuneCandidate, ParsedAddress, StreetRef, UnitRef};
pub use token::{tokenize, Token, MAX_ADDRESS_CHARS};
