//! House-numbering engine of diachiso, after Circular 08/2024/TT-BXD
//! (Art. 6–7 and 11–13): numbering direction, odd/even sides, reserved
//! numbers for vacant frontage, infill suffixes, extensions, corner houses,
//! alleys (ngõ, ngách), house groups and apartment units.
//!
//! Coordinates are always `[lon, lat]` (or `lon, lat` arguments) in WGS84
//! degrees; every distance and chainage is in metres. Pure computation: no
//! I/O.
//!
//! Start with [`StreetLine::from_hint`] (direction rule + geometry), then
//! [`number_street`] (numbers for every frontage, with a [`Reason`] each).
//! Alleys: [`alley_entrance`] and [`alley_number`]; corner houses:
//! [`choose_street`]; house groups: [`GroupNumber`]; apartments:
//! [`number_units`]; address lines: [`format_full_address`].

/// `TryFrom<String>` and `From<…> for String` through a type's `FromStr` and `Display`: what
/// `#[serde(try_from = "String", into = "String")]` needs.
macro_rules! text_conversions {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = $crate::numbering::error::Error;
            fn try_from(s: String) -> $crate::numbering::error::Result<Self> {
                s.parse()
            }
        }

        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.to_string()
            }
        }
    };
}
use text_conversions;

pub mod address;
pub mod alley;
pub mod apartment;
pub mod corner;
pub mod direction;
pub mod error;
pub mod group;
pub mod line;
pub mod number;
pub mod plan;
pub mod reason;
pub mod side;
pub mod street_type;

mod local_frame;
mod planar;

#[cfg(test)]
mod articles;
#[cfg(test)]
mod invariants;
#[cfg(test)]
mod shapes;

pub use address::format_full_address;
pub use alley::{alley_entrance, alley_number, AlleyEntrance};
pub use apartment::{number_units, UnitNumber, UnitPosition};
pub use corner::{choose_street, CornerRule, StreetChoice, WIDTH_TOLERANCE_M};
pub use direction::{choose_direction, Direction, DirectionHint, DirectionRule, LOOP_CLOSURE_M};
pub use error::{Error, Result};
pub use group::{GroupNumber, GroupStyle};
pub use line::{Projection, StreetLine};
pub use number::{HouseNumber, Suffix, SuffixStyle, MAX_BASE};
pub use plan::{number_street, Assignment, Frontage, NumberingOutcome, ReservedNumber, Rules};
pub use reason::Reason;
pub use side::Side;
pub use street_type::StreetType;
