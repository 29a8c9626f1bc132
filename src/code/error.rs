//! The error type of the location-code module.

use super::MAX_FREE_CELL_RING;

/// Why a code or a point was refused.
///
/// Parsing reports the first applicable error in this order: [`Empty`](CodeError::Empty),
/// [`InvalidCharacter`](CodeError::InvalidCharacter), [`WrongLength`](CodeError::WrongLength),
/// [`CheckDigit`](CodeError::CheckDigit), [`PayloadOutOfRange`](CodeError::PayloadOutOfRange).
///
/// ```
/// use diachiso::code::{CodeError, LocationCode};
///
/// assert_eq!("".parse::<LocationCode>(), Err(CodeError::Empty));
/// assert_eq!(
///     "7958 56O1 9294".parse::<LocationCode>(),
///     Err(CodeError::InvalidCharacter { ch: 'O', position: 8 })
/// );
/// assert_eq!("7958 5601".parse::<LocationCode>(), Err(CodeError::WrongLength { found: 8 }));
/// assert_eq!("7958 5601 9295".parse::<LocationCode>(), Err(CodeError::CheckDigit));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodeError {
    /// The input is empty or only white space.
    #[error("the code is empty")]
    Empty,
    /// A character that is neither an ASCII digit nor a separator between two digits.
    #[error("character {ch:?} at position {position} is not a digit or a separator (space, dot, hyphen)")]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// 1-based position in characters (not bytes) in the input as given, leading white
        /// space included.
        position: usize,
    },
    /// The input does not hold exactly 12 digits.
    #[error("a code has 12 digits, this one has {found}")]
    WrongLength {
        /// Number of ASCII digits found.
        found: usize,
    },
    /// The 12th digit is not the Damm check digit of the first 11: a typing error.
    #[error("the check digit (the 12th) does not match: the code has a typo")]
    CheckDigit,
    /// The first 11 digits do not name a cell of the grid that intersects the territory box.
    #[error("the digits do not name a cell of the national grid")]
    PayloadOutOfRange,
    /// The point (longitude, latitude in degrees) is outside the territory box.
    #[error("the point ({lon}, {lat}) is outside the national territory box (lon 102.0–118.0, lat 6.0–23.5)")]
    OutsideTerritory {
        /// Longitude as given, degrees.
        lon: f64,
        /// Latitude as given, degrees.
        lat: f64,
    },
    /// A coordinate is NaN or infinite.
    #[error("coordinates must be finite numbers")]
    NotFinite,
    /// Every cell within [`MAX_FREE_CELL_RING`] cells of the point's cell is taken.
    #[error("no free cell within {MAX_FREE_CELL_RING} cells of the point")]
    NoFreeCell,
}

/// `Eq` holds because this module only builds [`CodeError::OutsideTerritory`] from finite
/// coordinates (non-finite ones are [`CodeError::NotFinite`]), and `==` on finite `f64` is an
/// equivalence relation.
impl Eq for CodeError {}

/// Result of the location-code functions.
pub type Result<T> = std::result::Result<T, CodeError>;
