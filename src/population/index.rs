//! Resident counts aggregated to H3 cells (resolutions 6–10), communes and the province.

use std::collections::HashMap;

use h3o::{CellIndex, LatLng, Resolution};

/// Coarsest H3 resolution served (about 36 km² a cell).
pub const MIN_RES: u8 = 6;
/// Finest H3 resolution served (about 0.015 km² a cell).
pub const MAX_RES: u8 = 10;

/// The figures of an area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    pub residents: u64,
    pub households: u64,
    /// Addresses with a count in the snapshot.
    pub addresses: u64,
}

impl Figures {
    fn add(&mut self, residents: u32, households: u32) {
        self.residents += u64::from(residents);
        self.households += u64::from(households);
        self.addresses += 1;
    }

    fn remove(&mut self, residents: u32, households: u32) {
        self.residents = self.residents.saturating_sub(u64::from(residents));
        self.households = self.households.saturating_sub(u64::from(households));
        self.addresses = self.addresses.saturating_sub(1);
    }

    /// Adds another area's figures.
    pub fn include(&mut self, other: &Figures) {
        self.residents += other.residents;
        self.households += other.households;
        self.addresses += other.addresses;
    }
}

/// One counted address with its position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AddressCount {
    pub lon: f64,
    pub lat: f64,
    /// The commune code as a number.
    pub commune: u32,
    pub residents: u32,
    pub households: u32,
}

/// A snapshot's figures per H3 cell at every served resolution, per commune, and in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PopulationIndex {
    /// `levels[r - MIN_RES]`: the cells of resolution r that hold addresses.
    levels: Vec<HashMap<CellIndex, Figures>>,
    /// Figures per res-6 cell and commune (which commune the people of a cell live in).
    coarse_by_commune: HashMap<(CellIndex, u32), Figures>,
    communes: HashMap<u32, Figures>,
    total: Figures,
}

fn resolution(r: u8) -> Resolution {
    Resolution::try_from(r).expect("resolution 0–15")
}

impl PopulationIndex {
    /// Aggregates the addresses (one pass; each address's res-10 cell, then its parents).
    ///
    /// ```
    /// use diachiso::population::{AddressCount, PopulationIndex};
    /// let a = AddressCount { lon: 106.068, lat: 20.6634, commune: 11953, residents: 4, households: 1 };
    /// let index = PopulationIndex::build(&[a, a]);
    /// assert_eq!(index.total().residents, 8);
    /// assert_eq!(index.cells(10).len(), 1); // both in one cell
    /// ```
    pub fn build(addresses: &[AddressCount]) -> PopulationIndex {
        let mut index = PopulationIndex {
            levels: (MIN_RES..=MAX_RES).map(|_| HashMap::new()).collect(),
            ..PopulationIndex::default()
        };
        for a in addresses {
            index.add(a);
        }
        index
    }

    /// Counts one more address (a house that got a position, or moved here).
    pub fn add(&mut self, a: &AddressCount) {
        self.apply(a, |f| f.add(a.residents, a.households));
    }

    /// Stops counting an address counted before with exactly these figures and position (a
    /// house that moved away or lost its place): the index is then what [`PopulationIndex::build`]
    /// gives without it, areas left without addresses included.
    ///
    /// ```
    /// use diachiso::population::{AddressCount, PopulationIndex};
    /// let a = AddressCount { lon: 106.068, lat: 20.6634, commune: 11953, residents: 4, households: 1 };
    /// let b = AddressCount { lon: 106.30, lat: 20.45, commune: 12391, residents: 2, households: 1 };
    /// let mut index = PopulationIndex::build(&[a, b]);
    /// index.remove(&b);
    /// assert_eq!(index.total().residents, 4);
    /// assert_eq!(index.cells(10).len(), 1);
    /// assert!(index.communes().get(&12391).is_none());
    /// ```
    pub fn remove(&mut self, a: &AddressCount) {
        self.apply(a, |f| f.remove(a.residents, a.households));
    }

    /// Changes the figures of every area holding the address (its cell at each resolution,
    /// its coarse cell in its commune, its commune, the province) and drops areas left empty.
    fn apply(&mut self, a: &AddressCount, change: impl Fn(&mut Figures)) {
        fn touch<K: std::hash::Hash + Eq + Copy>(
            map: &mut HashMap<K, Figures>, key: K, change: &impl Fn(&mut Figures),
        ) {
            let f = map.entry(key).or_default();
            change(f);
            if f.addresses == 0 {
                map.remove(&key);
            }
        }
        let Ok(ll) = LatLng::new(a.lat, a.lon) else {
            return;
        };
        if self.levels.is_empty() {
            self.levels = (MIN_RES..=MAX_RES).map(|_| HashMap::new()).collect();
        }
        let fine = ll.to_cell(resolution(MAX_RES));
        for r in MIN_RES..=MAX_RES {
            let cell = fine.parent(resolution(r)).unwrap_or(fine);
            touch(&mut self.levels[usize::from(r - MIN_RES)], cell, &change);
        }
        let coarse = fine.parent(resolution(MIN_RES)).unwrap_or(fine);
        touch(&mut self.coarse_by_commune, (coarse, a.commune), &change);
        touch(&mut self.communes, a.commune, &change);
        change(&mut self.total);
    }

    /// The cells of resolution `res` (6–10) that hold addresses.
    pub fn cells(&self, res: u8) -> &HashMap<CellIndex, Figures> {
        &self.levels[usize::from(res.clamp(MIN_RES, MAX_RES) - MIN_RES)]
    }

    /// The figures of one cell (of any served resolution), zero when it holds no address.
    pub fn cell(&self, cell: CellIndex) -> Figures {
        let r = u8::from(cell.resolution());
        if !(MIN_RES..=MAX_RES).contains(&r) {
            return Figures::default();
        }
        self.cells(r).get(&cell).copied().unwrap_or_default()
    }

    /// The children of a cell that hold addresses (one resolution finer).
    pub fn children(&self, cell: CellIndex) -> Vec<(CellIndex, Figures)> {
        let r = u8::from(cell.resolution());
        if r >= MAX_RES {
            return Vec::new();
        }
        let finer = self.cells(r + 1);
        cell.children(resolution(r + 1))
            .filter_map(|c| finer.get(&c).map(|f| (c, *f)))
            .collect()
    }

    /// Figures per commune.
    pub fn communes(&self) -> &HashMap<u32, Figures> {
        &self.communes
    }

    /// Figures of each (res-6 cell, commune) pair.
    pub fn coarse_by_commune(&self) -> &HashMap<(CellIndex, u32), Figures> {
        &self.coarse_by_commune
    }

    /// The province's figures.
    pub fn total(&self) -> Figures {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_and_dropping_addresses_gives_what_a_fresh_build_gives() {
        let mut rng = crate::testing::Rng::new(3);
        let mut addresses: Vec<AddressCount> = (0..2000)
            .map(|i| AddressCount {
                lon: rng.within(105.9, 0.5),
                lat: rng.within(20.4, 0.5),
                commune: 11950 + i % 7,
                residents: 1 + i % 6,
                households: 1 + i % 2,
            })
            .collect();
        let mut index = PopulationIndex::build(&addresses);
        for round in 0..300 {
            let i = rng.below(addresses.len());
            let old = addresses[i];
            index.remove(&old);
            if round % 5 == 0 {
                addresses.swap_remove(i);
                continue;
            }
            // Moved, sometimes into another commune.
            let new = AddressCount {
                lon: old.lon + rng.within(-0.01, 0.02),
                lat: old.lat + rng.within(-0.01, 0.02),
                commune: if round % 3 == 0 { 11949 } else { old.commune },
                ..old
            };
            index.add(&new);
            addresses[i] = new;
        }
        assert_eq!(index, PopulationIndex::build(&addresses));
    }
}
