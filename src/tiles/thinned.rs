//! The thinned `places` layer of a low-zoom tile, kept cell by cell so that a change redraws
//! the cells it touched instead of the whole tile.
//!
//! Below [`FULL_DETAIL_ZOOM`] a tile shows one point per cell of a grid ([`grid_cells`] per
//! side, plus the cells of the buffer) with a `count` of the visible places in the cell. The
//! point shown is the visible place with the smallest location code, so a cell recounted after
//! a change shows exactly what a fresh cut would: [`ThinnedTile::recount`] and
//! [`ThinnedTile::cut`] agree to the byte. A z10 tile over a dense province holds ~100,000
//! places and takes tens of milliseconds to cut; a change touches one or two of its cells,
//! each a few hundred metres wide.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    add, grid_cells, in_buffered_tile, lat_of, lon_of, mvt, TileId, BUFFER, EXTENT,
    FULL_DETAIL_ZOOM, NAME_ZOOM,
};
use crate::code::LocationCode;
use crate::place::{PlaceDoc, PlaceKind, Status};

/// A low-zoom tile's cells: for each non-empty cell, how many visible places it holds and
/// the one it shows.
#[derive(Debug, Clone)]
pub struct ThinnedTile {
    tile: TileId,
    /// Tile units per cell side.
    cell: i32,
    /// Cells of the buffer on each side.
    margin: i32,
    /// Cells per side, the buffer included.
    side: i32,
    cells: BTreeMap<u32, Cell>,
}

/// A rectangle of a tile's cells (columns and rows, the buffer's included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRect {
    cols: std::ops::Range<i32>,
    rows: std::ops::Range<i32>,
}

#[derive(Debug, Clone, PartialEq)]
struct Cell {
    count: u32,
    shown: Shown,
}

/// What a cell shows of its place: enough to write the feature without the catalog.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    code: LocationCode,
    kind: PlaceKind,
    status: Status,
    /// From [`NAME_ZOOM`] on.
    name: Option<Box<str>>,
    x: f64,
    y: f64,
}

impl ThinnedTile {
    /// The cells of `tile` (below [`FULL_DETAIL_ZOOM`]) from the places in or near it; those
    /// `visible` refuses are left out.
    ///
    /// ```
    /// use diachiso::place::{PlaceDoc, PlaceKind, Status};
    /// use diachiso::tiles::{world, ThinnedTile, TileId};
    /// // Two places 10 m apart in Phố Hiến (lon, lat in degrees) share a cell at zoom 10.
    /// let doc = |lon: f64, lat: f64| {
    ///     let code = diachiso::code::encode(lon, lat).unwrap();
    ///     PlaceDoc::new(code, PlaceKind::TouristSite, Status::Active, "11953", [lon, lat], "Chùa", [None, None, None])
    /// };
    /// let docs = [doc(106.0680, 20.6634), doc(106.0681, 20.6634)];
    /// let [wx, wy] = world(106.068, 20.6634);
    /// let tile = TileId::new(10, (wx * 1024.0) as u32, (wy * 1024.0) as u32).unwrap();
    /// let thinned = ThinnedTile::cut(tile, docs.iter(), |_| true);
    /// assert_eq!(thinned.len(), 1);
    /// assert!(!thinned.encode().is_empty());
    /// ```
    pub fn cut<'a>(
        tile: TileId, places: impl Iterator<Item = &'a PlaceDoc>,
        visible: impl Fn(&PlaceDoc) -> bool,
    ) -> ThinnedTile {
        let mut thinned = ThinnedTile::new(tile);
        let whole = thinned.whole();
        thinned.recount(&whole, places, visible);
        thinned
    }

    /// A tile (below [`FULL_DETAIL_ZOOM`]) with no cell counted yet: fill it with
    /// [`ThinnedTile::recount`], band by band ([`ThinnedTile::bands`]) to keep each look at
    /// the places short.
    pub fn new(tile: TileId) -> ThinnedTile {
        debug_assert!(tile.z < FULL_DETAIL_ZOOM);
        let grid = grid_cells(tile.z);
        let cell = (EXTENT / grid) as i32;
        let margin = BUFFER / cell;
        ThinnedTile {
            tile,
            cell,
            margin,
            side: grid as i32 + 2 * margin,
            cells: BTreeMap::new(),
        }
    }

    /// Every cell of the tile, its buffer included.
    fn whole(&self) -> CellRect {
        CellRect {
            cols: 0..self.side,
            rows: 0..self.side,
        }
    }

    /// The tile's cells in `count` horizontal bands of equal rows (the last may be shorter;
    /// fewer bands when the grid has fewer rows), north first.
    pub fn bands(&self, count: u32) -> Vec<CellRect> {
        let step = (self.side as u32).div_ceil(count.max(1)).max(1) as i32;
        (0..self.side)
            .step_by(step as usize)
            .map(|top| CellRect {
                cols: 0..self.side,
                rows: top..(top + step).min(self.side),
            })
            .collect()
    }

    /// The one cell `index` (from [`ThinnedTile::cells_at`]) as a rectangle.
    pub fn rect_of(&self, index: u32) -> CellRect {
        let index = index as i32;
        let (cx, cy) = (index % self.side, index / self.side);
        CellRect {
            cols: cx..cx + 1,
            rows: cy..cy + 1,
        }
    }

    /// How many cells hold a visible place.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether no cell holds a visible place.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The tile this layer belongs to.
    pub fn tile(&self) -> TileId {
        self.tile
    }

    /// The cell a point falls in, with its position in tile units; `None` outside the tile
    /// and its buffer.
    fn locate(&self, lon: f64, lat: f64) -> Option<(u32, f64, f64)> {
        let (x, y) = self.tile.project(lon, lat);
        if !in_buffered_tile(x, y) {
            return None;
        }
        let last = self.side - 1;
        let cx = ((x.floor() as i32).div_euclid(self.cell) + self.margin).clamp(0, last);
        let cy = ((y.floor() as i32).div_euclid(self.cell) + self.margin).clamp(0, last);
        Some(((cy * self.side + cx) as u32, x, y))
    }

    fn shown(&self, d: &PlaceDoc, x: f64, y: f64) -> Shown {
        Shown {
            code: d.code,
            kind: d.kind,
            status: d.status,
            name: (self.tile.z >= NAME_ZOOM).then(|| d.name.clone()),
            x,
            y,
        }
    }

    /// The cells the points (lon, lat in degrees) fall in; points outside the tile and its
    /// buffer touch none.
    pub fn cells_at(&self, points: impl IntoIterator<Item = [f64; 2]>) -> BTreeSet<u32> {
        points
            .into_iter()
            .filter_map(|[lon, lat]| self.locate(lon, lat).map(|(index, _, _)| index))
            .collect()
    }

    /// `[min lon, min lat, max lon, max lat]` of a rectangle of cells, grown by a hair so
    /// that a box query misses none of its places (the places it returns are checked against
    /// the cells).
    pub fn rect_bbox(&self, rect: &CellRect) -> [f64; 4] {
        let unit = |c: i32| f64::from((c - self.margin) * self.cell) / f64::from(EXTENT);
        let n = f64::from(1u32 << self.tile.z);
        let wx = |u: f64| (f64::from(self.tile.x) + u) / n;
        let wy = |u: f64| (f64::from(self.tile.y) + u) / n;
        let hair = 1e-9;
        [
            lon_of(wx(unit(rect.cols.start))) - hair,
            lat_of(wy(unit(rect.rows.end))) - hair,
            lon_of(wx(unit(rect.cols.end))) + hair,
            lat_of(wy(unit(rect.rows.start))) + hair,
        ]
    }

    /// Counts the cells of `rect` again from the places in or near it (those of other cells
    /// are passed over; `places` must hold every place in [`ThinnedTile::rect_bbox`]). After
    /// a change, call it for the cell of every point [`ThinnedTile::cells_at`] names.
    pub fn recount<'a>(
        &mut self, rect: &CellRect, places: impl Iterator<Item = &'a PlaceDoc>,
        visible: impl Fn(&PlaceDoc) -> bool,
    ) {
        let width = rect.cols.len();
        let mut slots: Vec<Option<(&PlaceDoc, u32, f64, f64)>> =
            vec![None; width * rect.rows.len()];
        for d in places.filter(|d| visible(d)) {
            let Some((index, x, y)) = self.locate(d.lon, d.lat) else {
                continue;
            };
            let (cx, cy) = (index as i32 % self.side, index as i32 / self.side);
            if !(rect.cols.contains(&cx) && rect.rows.contains(&cy)) {
                continue;
            }
            let slot = (cy - rect.rows.start) as usize * width + (cx - rect.cols.start) as usize;
            match &mut slots[slot] {
                Some((shown, n, sx, sy)) => {
                    *n += 1;
                    if d.code < shown.code {
                        (*shown, *sx, *sy) = (d, x, y);
                    }
                }
                slot @ None => *slot = Some((d, 1, x, y)),
            }
        }
        for (slot, counted) in slots.into_iter().enumerate() {
            let cx = rect.cols.start + (slot % width) as i32;
            let cy = rect.rows.start + (slot / width) as i32;
            let index = (cy * self.side + cx) as u32;
            match counted {
                Some((d, count, x, y)) => {
                    let shown = self.shown(d, x, y);
                    self.cells.insert(index, Cell { count, shown });
                }
                None => {
                    self.cells.remove(&index);
                }
            }
        }
    }

    /// The encoded tile (empty when no cell holds a visible place).
    pub fn encode(&self) -> Vec<u8> {
        let mut layer = mvt::LayerBuilder::new("places");
        for cell in self.cells.values() {
            let s = &cell.shown;
            add(
                &mut layer,
                (s.code, s.kind, s.status, s.name.as_deref()),
                (s.x, s.y),
                Some(cell.count),
            );
        }
        mvt::tile(vec![layer])
    }

    /// Roughly the heap this layer holds, in bytes (for the cache's budget).
    pub fn heap_bytes(&self) -> usize {
        self.cells.len() * (std::mem::size_of::<(u32, Cell)>() + 24)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::doc;
    use super::super::{places_tile, world};
    use super::*;
    use crate::testing::Rng;

    /// `n` places scattered over `[lon, lat, lon + span, lat + span]`, every `provisional_every`-th
    /// provisional (the rest active).
    fn scattered(rng: &mut Rng, n: usize, corner: [f64; 2], span: f64) -> Vec<PlaceDoc> {
        (0..n)
            .map(|i| {
                let (lon, lat) = (rng.within(corner[0], span), rng.within(corner[1], span));
                let status = if i % 3 == 0 {
                    Status::Provisional
                } else {
                    Status::Active
                };
                doc(lon, lat, status, &format!("nơi {i}"))
            })
            .collect()
    }

    /// The tile of zoom `z` over Phố Hiến.
    fn tile_over_pho_hien(z: u8) -> TileId {
        let [wx, wy] = world(106.068, 20.6634);
        let n = f64::from(1u32 << z);
        TileId::new(u32::from(z), (wx * n) as u32, (wy * n) as u32).unwrap()
    }

    /// The places inside a box (what the catalog's R-tree query gives).
    fn inside(docs: &[PlaceDoc], b: [f64; 4]) -> impl Iterator<Item = &PlaceDoc> {
        docs.iter()
            .filter(move |d| (b[0]..=b[2]).contains(&d.lon) && (b[1]..=b[3]).contains(&d.lat))
    }

    fn active(d: &PlaceDoc) -> bool {
        d.status == Status::Active
    }

    #[test]
    fn recounting_the_touched_cells_gives_what_a_fresh_cut_gives() {
        let mut rng = Rng::new(7);
        let mut docs = scattered(&mut rng, 3000, [106.0, 20.6], 0.15);
        for z in [9u8, 10, 12, 13] {
            let tile = tile_over_pho_hien(z);
            let mut kept = ThinnedTile::cut(tile, docs.iter(), active);
            assert!(!kept.is_empty());
            assert_eq!(kept.encode(), places_tile(tile, docs.iter(), active));
            for round in 0..40 {
                // Move one place, certify another, retire a third, add one.
                let i = rng.below(docs.len());
                let before = [docs[i].lon, docs[i].lat];
                let (lon, lat) = (rng.within(106.0, 0.2), rng.within(20.6, 0.15));
                docs[i] = doc(lon, lat, docs[i].status, &format!("moved {round}"));
                let j = rng.below(docs.len());
                docs[j].status = Status::Active;
                let k = rng.below(docs.len());
                docs[k].status = Status::Retired;
                let (lon2, lat2) = (rng.within(106.05, 0.05), rng.within(20.65, 0.03));
                docs.push(doc(lon2, lat2, Status::Active, "new"));
                let points = [
                    before,
                    [lon, lat],
                    [docs[j].lon, docs[j].lat],
                    [docs[k].lon, docs[k].lat],
                    [lon2, lat2],
                ];
                for cell in kept.cells_at(points) {
                    let rect = kept.rect_of(cell);
                    kept.recount(&rect, inside(&docs, kept.rect_bbox(&rect)), active);
                }
                let fresh = ThinnedTile::cut(tile, docs.iter(), active);
                assert_eq!(kept.cells, fresh.cells, "z{z}, round {round}");
            }
            assert_eq!(kept.encode(), places_tile(tile, docs.iter(), active));
        }
    }

    #[test]
    fn a_cut_band_by_band_is_the_cut_at_once() {
        let docs = scattered(&mut Rng::new(5), 4000, [105.9, 20.5], 0.4);
        for z in [8u8, 10, 11, 12] {
            let tile = tile_over_pho_hien(z);
            let whole = ThinnedTile::cut(tile, docs.iter(), active);
            let mut banded = ThinnedTile::new(tile);
            let bands = banded.bands(7);
            assert!(bands.len() > 1);
            for band in bands {
                let b = banded.rect_bbox(&band);
                banded.recount(&band, inside(&docs, b), active);
            }
            assert!(!whole.is_empty());
            assert_eq!(banded.cells, whole.cells, "z{z}");
        }
    }

    #[test]
    fn a_cell_box_holds_every_place_of_the_cell() {
        let docs = scattered(&mut Rng::new(11), 2000, [106.0, 20.5], 0.3);
        let tile = tile_over_pho_hien(11);
        let thinned = ThinnedTile::cut(tile, docs.iter(), |_| true);
        for d in &docs {
            if let Some((cell, _, _)) = thinned.locate(d.lon, d.lat) {
                let b = thinned.rect_bbox(&thinned.rect_of(cell));
                assert!(
                    (b[0]..=b[2]).contains(&d.lon) && (b[1]..=b[3]).contains(&d.lat),
                    "{} {} outside its cell's box {b:?}",
                    d.lon,
                    d.lat
                );
            }
        }
    }
}
