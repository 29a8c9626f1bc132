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
    /// House number, street and hamlet, as indexed for search.
    pub address: Box<str>,
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
        code: LocationCode,
        kind: PlaceKind,
        status: Status,
        commune_code: &str,
        point: [f64; 2],
        name: &str,
        address: [Option<&str>; 3],
    ) -> PlaceDoc {
        let address = address.into_iter().flatten().collect::<Vec<_>>().join(", ");
        PlaceDoc {
            code,
            kind,
            status,
            commune: commune_code.parse().unwrap_or(0),
            lon: point[0],
            lat: point[1],
            name: name.into(),
            address: address.into(),
        }
    }

    /// The commune code as text.
    pub fn commune_code(&self) -> String {
        format!("{:05}", self.commune)
    }
}
