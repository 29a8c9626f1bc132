//! The one error type of the numbering engine.
//!
//! A single enum (rather than one per file) because callers in the registry
//! map every failure to the same API error shape, and because several steps
//! (parsing, geometry, planning) can fail inside one call to
//! [`number_street`](super::number_street).

use super::number::{HouseNumber, SuffixStyle};

/// Everything that can go wrong while parsing or assigning numbers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A house number string could not be read (see [`HouseNumber`]'s `FromStr`).
    #[error("invalid house number {input:?}: {reason}")]
    InvalidHouseNumber {
        /// The text as given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A house number base outside `1..=9999`.
    #[error("house number base {0} is outside 1..=9999")]
    BaseOutOfRange(u32),
    /// A suffix index outside `1..=26` (letters) or `1..=99` (dash numbers).
    #[error("suffix index {index} is outside 1..={max} for {style:?} suffixes")]
    SuffixOutOfRange {
        /// The index asked for.
        index: u32,
        /// The largest index of that style.
        max: u16,
        /// The style asked for.
        style: SuffixStyle,
    },
    /// A line with fewer than two distinct vertices (after dropping repeats).
    #[error("a line needs at least two distinct vertices, got {0}")]
    TooFewVertices(usize),
    /// A vertex that is not a finite WGS84 `[lon, lat]` in degrees.
    #[error("vertex {index} ({lon}, {lat}) is not a finite WGS84 [lon, lat] in degrees")]
    InvalidCoordinate {
        /// Position of the vertex in the input slice.
        index: usize,
        /// Longitude as given.
        lon: f64,
        /// Latitude as given.
        lat: f64,
    },
    /// A frontage whose position is not a finite WGS84 lon/lat.
    #[error("frontage {id:?} has invalid coordinates ({lon}, {lat})")]
    InvalidFrontage {
        /// The frontage's id.
        id: String,
        /// Longitude as given.
        lon: f64,
        /// Latitude as given.
        lat: f64,
    },
    /// Two frontages share an id, so assignments could not be told apart.
    #[error("frontage id {0:?} appears more than once")]
    DuplicateFrontageId(String),
    /// A [`Rules`](super::Rules) or [`DirectionHint`](super::DirectionHint) value that makes no sense.
    #[error("invalid rule: {0}")]
    InvalidRules(&'static str),
    /// More new houses between two numbered ones than suffixes exist.
    #[error(
        "{needed} houses must be squeezed in after {after}, but {style:?} suffixes stop at {max}"
    )]
    SuffixesExhausted {
        /// The smaller neighbour whose number is being suffixed.
        after: HouseNumber,
        /// How many houses needed a suffix.
        needed: usize,
        /// The largest suffix index of the style.
        max: u16,
        /// The suffix style in use.
        style: SuffixStyle,
    },
    /// Numbering would run past house number 9999.
    #[error("numbering would run past house number 9999")]
    NumberOverflow,
    /// A house-group number (`A10`, `BL.A-10`) could not be read.
    #[error("invalid house-group number {input:?}: {reason}")]
    InvalidGroupNumber {
        /// The text as given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An apartment unit number (`25-06`) could not be read.
    #[error("invalid apartment unit number {input:?}: {reason}")]
    InvalidUnitNumber {
        /// The text as given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A street type word that is none of đường, phố, ngõ, ngách, hẻm, kiệt.
    #[error("unknown street type {0:?}")]
    UnknownStreetType(String),
}

/// `Result` with this crate's [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
