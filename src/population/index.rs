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
#[derive(Debug, Clone, Default)]
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
        let mut levels: Vec<HashMap<CellIndex, Figures>> =
            (MIN_RES..=MAX_RES).map(|_| HashMap::new()).collect();
        let mut coarse_by_commune = HashMap::new();
        let mut communes: HashMap<u32, Figures> = HashMap::new();
        let mut total = Figures::default();
        for a in addresses {
            let Ok(ll) = LatLng::new(a.lat, a.lon) else {
                continue;
            };
            let fine = ll.to_cell(resolution(MAX_RES));
            for r in MIN_RES..=MAX_RES {
                let cell = fine.parent(resolution(r)).unwrap_or(fine);
                levels[usize::from(r - MIN_RES)]
                    .entry(cell)
                    .or_default()
                    .add(a.residents, a.households);
            }
            let coarse = fine.parent(resolution(MIN_RES)).unwrap_or(fine);
            coarse_by_commune
                .entry((coarse, a.commune))
                .or_insert_with(Figures::default)
                .add(a.residents, a.households);
            communes
                .entry(a.commune)
                .or_default()
                .add(a.residents, a.households);
            total.add(a.residents, a.households);
        }
        PopulationIndex {
            levels,
            coarse_by_commune,
            communes,
            total,
        }
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
