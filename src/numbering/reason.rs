//! Why a house got the number it got, in a form both machines and people read.

use serde::{Deserialize, Serialize};

/// Why a house received its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its existing number was kept.
    Kept,
    /// A fresh number, in order from the start of the street.
    Sequence,
    /// It took a free number that had been left for vacant frontage.
    ReservedNumberUsed,
    /// Built between two numbered houses with no free number: smaller neighbour + suffix.
    Infill,
    /// After the last numbered house: the numbering continues.
    Extension,
    /// Its old number had the wrong parity for its side.
    WrongSide,
    /// Its old number broke the order along the street.
    OutOfOrder,
    /// Its old number was the first on its side but houses before it needed numbers.
    MadeRoomAtStart,
    /// Its old number left no room (not even a suffix) for new houses before it.
    MadeRoomForInfill,
    /// A full renumbering changed it.
    Renumbered,
}

impl Reason {
    /// A stable snake_case code, for storage and APIs.
    ///
    /// ```
    /// use diachiso::numbering::Reason;
    /// assert_eq!(Reason::ReservedNumberUsed.code(), "reserved_number_used");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Reason::Kept => "kept",
            Reason::Sequence => "sequence",
            Reason::ReservedNumberUsed => "reserved_number_used",
            Reason::Infill => "infill",
            Reason::Extension => "extension",
            Reason::WrongSide => "wrong_side",
            Reason::OutOfOrder => "out_of_order",
            Reason::MadeRoomAtStart => "made_room_at_start",
            Reason::MadeRoomForInfill => "made_room_for_infill",
            Reason::Renumbered => "renumbered",
        }
    }

    /// A one-sentence English explanation.
    pub fn description(self) -> &'static str {
        match self {
            Reason::Kept => "The existing number was kept.",
            Reason::Sequence => "Numbered in order from the start of the street.",
            Reason::ReservedNumberUsed => "Took a free number reserved for vacant frontage.",
            Reason::Infill => {
                "Built between two numbered houses: the smaller neighbour's number with a suffix."
            }
            Reason::Extension => "Numbering continued after the last numbered house.",
            Reason::WrongSide => "The old number had the wrong parity for this side of the street.",
            Reason::OutOfOrder => "The old number broke the order of numbers along the street.",
            Reason::MadeRoomAtStart => {
                "Renumbered so that houses before it, at the start of the street, could be numbered."
            }
            Reason::MadeRoomForInfill => {
                "Renumbered because no number or suffix was left for the new houses before it."
            }
            Reason::Renumbered => "Changed by a full renumbering of the street.",
        }
    }

    /// Every reason, for listing in a UI.
    pub const ALL: [Reason; 10] = [
        Reason::Kept,
        Reason::Sequence,
        Reason::ReservedNumberUsed,
        Reason::Infill,
        Reason::Extension,
        Reason::WrongSide,
        Reason::OutOfOrder,
        Reason::MadeRoomAtStart,
        Reason::MadeRoomForInfill,
        Reason::Renumbered,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
        assert!(Reason::ALL.iter().all(|r| r.description().ends_with('.')));
    }
}
