//! The compact document of a place that the in-memory indexes keep and answer from, and that
//! a store reads for the start-up load (below both the registry and the store).

use super::{Place, PlaceKind, Status};
use crate::code::LocationCode;

/// The part of a place the in-memory indexes answer from.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceDoc {
    pub code: LocationCode,
    pub kind: PlaceKind,
    pub status: Status,
    /// The commune code as a number (5 digits).
    pub commune: u32,
    pub lon: f64,
    pub lat: f64,
    pub name: Box<str>,
    /// House number, street and hamlet, each followed by [`PlaceDoc::PART_END`] (empty when
    /// the place has none): one allocation, and the parts stay apart for the address index.
    address: Box<str>,
}

impl PlaceDoc {
    /// The document of a place.
    pub fn of(place: &Place) -> PlaceDoc {
        let a = &place.address;
        PlaceDoc::new(
            place.code,
            place.kind,
            place.status,
            &place.commune_code,
            [place.lon, place.lat],
            &place.name,
            [
                a.house_number.as_deref(),
                a.street.as_deref(),
                a.hamlet.as_deref(),
            ],
        )
    }

    /// A document from its parts (what a store reads for the start-up load).
    pub fn new(
        code: LocationCode, kind: PlaceKind, status: Status, commune_code: &str, point: [f64; 2],
        name: &str, address: [Option<&str>; 3],
    ) -> PlaceDoc {
        let mut parts = String::new();
        for part in address {
            // A part never holds the separator (it is a control character, refused in input).
            parts.extend(part.unwrap_or("").chars().filter(|&c| c != Self::PART_END));
            parts.push(Self::PART_END);
        }
        PlaceDoc {
            code,
            kind,
            status,
            commune: commune_code.parse().unwrap_or(0),
            lon: point[0],
            lat: point[1],
            name: name.into(),
            address: parts.into(),
        }
    }

    /// Ends each address part in [`PlaceDoc::address`]' storage.
    const PART_END: char = '\u{1f}';

    fn part(&self, index: usize) -> Option<&str> {
        self.address
            .split(Self::PART_END)
            .nth(index)
            .filter(|p| !p.is_empty())
    }

    /// The house number ("20A").
    pub fn house_number(&self) -> Option<&str> {
        self.part(0)
    }

    /// The street as written in the address ("ngõ 5, phố Nguyễn Văn Linh").
    pub fn street(&self) -> Option<&str> {
        self.part(1)
    }

    /// The hamlet ("Thôn 3").
    pub fn hamlet(&self) -> Option<&str> {
        self.part(2)
    }

    /// The address parts as one line: "20A, ngõ 5, phố Nguyễn Văn Linh, Thôn 3".
    pub fn address_text(&self) -> String {
        (0..3)
            .filter_map(|i| self.part(i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The address parts for the text index: the separators are not letters, so they split
    /// words like spaces do.
    pub fn address_words(&self) -> &str {
        &self.address
    }

    /// The commune code as text.
    pub fn commune_code(&self) -> String {
        format!("{:05}", self.commune)
    }
}
