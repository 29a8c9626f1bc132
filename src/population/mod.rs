//! The population map: resident counts per address (from the national population database's
//! export), aggregated to H3 cells and communes, with the privacy rule that anonymous and
//! reader users see.
//!
//! Counts attach to addresses (houses), never to people: a snapshot is a list of
//! (location code, residents, households) with an as-of date. No name, no ID number, no
//! person-level row exists anywhere in this module or the store. See docs/population.md for
//! the privacy rule and the attacks it is tested against.

mod counts;
mod index;
mod privacy;

pub use counts::{parse_counts_csv, CountRow, RowError, MAX_HOUSEHOLDS, MAX_RESIDENTS};
pub use index::{AddressCount, Figures, PopulationIndex, MAX_RES, MIN_RES};
pub use privacy::{PrivacyRule, PublicView, Unit};

/// A snapshot of resident counts, as kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub id: i64,
    /// The export's date (YYYY-MM-DD).
    pub as_of: String,
    pub source: String,
    pub imported_at: String,
    pub imported_by: String,
    pub addresses: i64,
    pub residents: i64,
    pub households: i64,
    /// Made by the project's generator (demo data).
    pub generated: bool,
}
