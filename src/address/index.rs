//! Streets and house numbers by commune: what a written address is matched against.
//!
//! Built from each place's address parts (house number, street text such as "ngõ 5, phố
//! Nguyễn Văn Linh") and kept up to date with every write. A street is keyed by its folded
//! name without its type word ("nguyen van linh": people mix up đường and phố), a house by its
//! alley path and number ("5|12A").

use std::collections::HashMap;

use super::gazetteer::Gazetteer;
use super::number::normalize_number;
use super::parse::parse;
use crate::text::{fold, one_edit_apart};

/// A document id (the catalog's numbering).
pub type DocId = u32;

/// How a street text is indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetKey {
    /// Folded name without the type word: "nguyen van linh".
    pub name: String,
    /// Alley numbers or names from the street inwards, folded and joined by `/`: "5/20a".
    pub alleys: String,
    /// The street (without its alleys) as written: "phố Nguyễn Văn Linh".
    pub display: String,
}

/// Reads a place's street text ("ngõ 5, phố Nguyễn Văn Linh", "Lê Lợi").
///
/// ```
/// use diachiso::address::street_key;
/// let k = street_key("Ngõ 5, phố Nguyễn Văn Linh").unwrap();
/// assert_eq!((k.name.as_str(), k.alleys.as_str(), k.display.as_str()), ("nguyen van linh", "5", "phố Nguyễn Văn Linh"));
/// assert_eq!(street_key("Lê Lợi").unwrap().display, "Lê Lợi");
/// ```
pub fn street_key(text: &str) -> Option<StreetKey> {
    static NO_UNITS: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    let parsed = parse(text, NO_UNITS.get_or_init(Gazetteer::default));
    let alleys = alley_path(parsed.alleys.iter().map(|a| a.value.as_str()));
    let (kind, name) = match (&parsed.street, &parsed.other) {
        (Some(s), _) => (s.kind.as_deref(), s.name.clone()),
        (None, Some(other)) => (None, other.clone()),
        // Only an alley ("ngõ 5"): an alley of no named street.
        (None, None) if !alleys.is_empty() => (None, String::new()),
        (None, None) => return None,
    };
    let display = match kind {
        Some("pho") => format!("phố {name}"),
        Some(_) => format!("đường {name}"),
        None => name.clone(),
    };
    Some(StreetKey {
        name: fold(&name),
        alleys,
        display,
    })
}

/// Alley values joined as an index key: "5/20a".
pub fn alley_path<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values
        .map(|v| normalize_number(v).unwrap_or_else(|| fold(v)))
        .collect::<Vec<_>>()
        .join("/")
}

/// A house's place on its street: the alley path (interned per street, 0 for the street
/// itself) and the number packed into 8 bytes (house numbers are short: "12", "12A", "12-1",
/// "A10"); longer ones go to a map of their own.
type HouseKey = (u32, u64);

/// One street of one commune and the houses numbered on it (and in its alleys). Compact: a
/// million houses take tens of megabytes.
#[derive(Debug, Default)]
pub struct StreetHouses {
    /// How the street is written ("phố Nguyễn Văn Linh").
    pub display: String,
    /// Alley paths ("5", "5/20A") → their id (1…).
    alleys: HashMap<Box<str>, u32>,
    /// The place at each house (the usual case: one).
    houses: HashMap<HouseKey, DocId>,
    /// More places at the same house, and numbers too long to pack.
    more: HashMap<(u32, Box<str>), Vec<DocId>>,
}

/// A normalised house number packed into a u64, when it fits.
fn pack(number: &str) -> Option<u64> {
    let bytes = number.as_bytes();
    (bytes.len() <= 8).then(|| bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
}

fn normalized(number: &str) -> String {
    normalize_number(number).unwrap_or_else(|| number.trim().to_uppercase())
}

impl StreetHouses {
    fn alley_id(&self, alleys: &str) -> Option<u32> {
        if alleys.is_empty() {
            Some(0)
        } else {
            self.alleys.get(alleys).copied()
        }
    }

    /// The places at this number, in these alleys ("" for the street itself).
    pub fn at(&self, alleys: &str, number: &str) -> Vec<DocId> {
        let Some(alley) = self.alley_id(alleys) else {
            return Vec::new();
        };
        let number = normalized(number);
        let mut out: Vec<DocId> = pack(&number)
            .and_then(|n| self.houses.get(&(alley, n)))
            .copied()
            .into_iter()
            .collect();
        if let Some(more) = self.more.get(&(alley, number.into_boxed_str())) {
            out.extend(more);
        }
        out
    }

    /// Whether any house is numbered in these alleys.
    pub fn has_alleys(&self, alleys: &str) -> bool {
        self.alleys.contains_key(alleys)
    }

    /// Some places on the street (to place it on a map when no line is drawn), at most `n`.
    pub fn some_places(&self, n: usize) -> impl Iterator<Item = DocId> + '_ {
        self.houses
            .values()
            .copied()
            .chain(self.more.values().flatten().copied())
            .take(n)
    }

    /// How many places are numbered on the street and its alleys.
    pub fn len(&self) -> usize {
        self.houses.len() + self.more.values().map(Vec::len).sum::<usize>()
    }

    /// Whether no place is numbered here.
    pub fn is_empty(&self) -> bool {
        self.houses.is_empty() && self.more.is_empty()
    }

    fn add(&mut self, alleys: &str, number: &str, doc: DocId) {
        let alley = if alleys.is_empty() {
            0
        } else {
            let next = self.alleys.len() as u32 + 1;
            *self.alleys.entry(alleys.into()).or_insert(next)
        };
        let number = normalized(number);
        if let Some(n) = pack(&number) {
            match self.houses.get(&(alley, n)) {
                None => {
                    self.houses.insert((alley, n), doc);
                    return;
                }
                Some(&d) if d == doc => return,
                Some(_) => {}
            }
        }
        let more = self
            .more
            .entry((alley, number.into_boxed_str()))
            .or_default();
        if !more.contains(&doc) {
            more.push(doc);
        }
    }

    fn remove(&mut self, alleys: &str, number: &str, doc: DocId) {
        let Some(alley) = self.alley_id(alleys) else {
            return;
        };
        let number = normalized(number);
        let key = (alley, number.clone().into_boxed_str());
        if let Some(more) = self.more.get_mut(&key) {
            more.retain(|&d| d != doc);
        }
        if let Some(n) = pack(&number) {
            if self.houses.get(&(alley, n)) == Some(&doc) {
                self.houses.remove(&(alley, n));
                // Another place at the same house takes its turn.
                if let Some(next) = self.more.get_mut(&key).and_then(Vec::pop) {
                    self.houses.insert((alley, n), next);
                }
            }
        }
        if self.more.get(&key).is_some_and(Vec::is_empty) {
            self.more.remove(&key);
        }
    }
}

/// Streets and house numbers of every commune.
#[derive(Debug, Default)]
pub struct AddressIndex {
    /// commune → street name (folded) → its houses.
    streets: HashMap<u32, HashMap<String, StreetHouses>>,
    /// street name (folded) → the communes that have a street of that name.
    communes_of: HashMap<String, Vec<u32>>,
}

impl AddressIndex {
    /// An empty index.
    pub fn new() -> AddressIndex {
        AddressIndex::default()
    }

    /// Indexes a place numbered `number` on `street` in `commune`.
    pub fn add(&mut self, doc: DocId, commune: u32, number: &str, street: &StreetKey) {
        let streets = self.streets.entry(commune).or_default();
        let entry = streets.entry(street.name.clone()).or_insert_with(|| {
            let communes = self.communes_of.entry(street.name.clone()).or_default();
            if !communes.contains(&commune) {
                communes.push(commune);
            }
            StreetHouses::default()
        });
        if !street.display.is_empty() && entry.display != street.display {
            street.display.clone_into(&mut entry.display);
        }
        entry.add(&street.alleys, number, doc);
    }

    /// Forgets a place (before it is indexed again with its new address).
    pub fn remove(&mut self, doc: DocId, commune: u32, number: &str, street: &StreetKey) {
        let Some(streets) = self.streets.get_mut(&commune) else {
            return;
        };
        let Some(entry) = streets.get_mut(&street.name) else {
            return;
        };
        entry.remove(&street.alleys, number, doc);
        if entry.is_empty() {
            streets.remove(&street.name);
            if let Some(communes) = self.communes_of.get_mut(&street.name) {
                communes.retain(|&c| c != commune);
            }
        }
    }

    /// A street of a commune by its folded name.
    pub fn street(&self, commune: u32, name: &str) -> Option<&StreetHouses> {
        self.streets.get(&commune)?.get(name)
    }

    /// The communes with a street of this folded name.
    pub fn communes_with(&self, name: &str) -> &[u32] {
        self.communes_of.get(name).map_or(&[], Vec::as_slice)
    }

    /// Street names of a commune one typo away from `name` (one edit in each word of five
    /// letters or more, the same number of words), with how many words needed one.
    pub fn near_names(&self, commune: u32, name: &str) -> Vec<(&str, u32)> {
        let words: Vec<&str> = name.split(' ').collect();
        let Some(streets) = self.streets.get(&commune) else {
            return Vec::new();
        };
        streets
            .keys()
            .filter_map(|candidate| {
                let theirs: Vec<&str> = candidate.split(' ').collect();
                if theirs.len() != words.len() {
                    return None;
                }
                let mut typos = 0;
                for (a, b) in words.iter().zip(&theirs) {
                    if a != b {
                        if b.len() >= 5 && one_edit_apart(a, b) {
                            typos += 1;
                        } else {
                            return None;
                        }
                    }
                }
                (typos > 0).then_some((candidate.as_str(), typos))
            })
            .collect()
    }

    /// Every commune with streets (for matching without a commune).
    pub fn communes(&self) -> impl Iterator<Item = u32> + '_ {
        self.streets.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn houses_by_street_alley_and_number() {
        let mut index = AddressIndex::new();
        let street = street_key("phố Nguyễn Văn Linh").unwrap();
        let alley = street_key("ngõ 5, phố Nguyễn Văn Linh").unwrap();
        index.add(1, 11953, "12", &street);
        index.add(2, 11953, "12a", &street);
        index.add(3, 11953, "12", &alley);
        let s = index.street(11953, "nguyen van linh").unwrap();
        assert_eq!(s.at("", "12"), [1]);
        assert_eq!(s.at("", "12a"), [2]);
        assert_eq!(s.at("5", "12"), [3]);
        // Two places at one house: both found; either can be forgotten.
        index.add(4, 11953, "12", &street);
        let s = index.street(11953, "nguyen van linh").unwrap();
        assert_eq!(s.at("", "12"), [1, 4]);
        assert_eq!(s.len(), 4);
        index.remove(1, 11953, "12", &street);
        assert_eq!(
            index.street(11953, "nguyen van linh").unwrap().at("", "12"),
            [4]
        );
        index.remove(4, 11953, "12", &street);
        index.add(1, 11953, "12", &street);
        let s = index.street(11953, "nguyen van linh").unwrap();
        assert!(s.at("", "14").is_empty());
        assert!(s.has_alleys("5") && !s.has_alleys("7"));
        assert_eq!(index.communes_with("nguyen van linh"), [11953]);
        assert_eq!(
            index.near_names(11953, "nguyne van linh"),
            [("nguyen van linh", 1)]
        );
        assert!(
            index.near_names(11953, "nguyen van lihn").is_empty(),
            "short words are exact"
        );

        index.remove(1, 11953, "12", &street);
        index.remove(2, 11953, "12A", &street);
        index.remove(3, 11953, "12", &alley);
        assert!(index.street(11953, "nguyen van linh").is_none());
        assert!(index.communes_with("nguyen van linh").is_empty());
    }
}
