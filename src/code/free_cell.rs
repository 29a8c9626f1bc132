//! Uniqueness: the nearest free cell (spec, section 8).
//!
//! When the cell of a point is taken, the registry gives the place the free cell whose centre
//! is nearest to the point, among the cells within [`MAX_FREE_CELL_RING`] (Chebyshev distance)
//! of the point's cell that intersect the territory box. Distance is the local
//! equirectangular distance at the point's latitude with the WGS84 radii; ties go to the
//! smaller payload.

use std::sync::OnceLock;

use super::grid::{self, Cell, TILE_Q};
use super::{CodeError, LocationCode, Result, MAX_FREE_CELL_RING};

/// Upper bound, in metres, of the distance from a point to the centre of the cell that
/// [`nearest_free_cell`] returns for it: `16.5 · √(6.0817² + 6.0837²)` = 141.94 m, the
/// diagonal of the largest cell in the territory times the ring plus half a cell.
pub const MAX_FREE_CELL_DISTANCE_M: f64 = 142.0;

/// WGS84 first eccentricity squared, `f (2 − f)` with `f = 1 / 298.257223563`.
const WGS84_E2: f64 = 0.006_694_379_990_141_316;

/// A candidate offset from the home cell, with a lower bound of its distance.
#[derive(Debug, Clone, Copy)]
struct Offset {
    dc: i32,
    dr: i32,
    /// `max(2|dc| − 1, 0)² + max(2|dr| − 1, 0)²`: the squared distance, in half cells, from
    /// the home cell to the nearest point of the candidate's centre can be no less than this.
    key: u32,
}

/// All offsets of the `(2R + 1)²` block except `(0, 0)`, sorted by `key` (then row, then
/// column, for a fixed order). Computed once per process.
fn offsets() -> &'static [Offset] {
    static OFFSETS: OnceLock<Vec<Offset>> = OnceLock::new();
    OFFSETS.get_or_init(|| {
        // MAX_FREE_CELL_RING is 16; the conversion cannot fail.
        let r = i32::try_from(MAX_FREE_CELL_RING).unwrap_or(16);
        let half = |v: i32| (2 * v.unsigned_abs()).saturating_sub(1);
        let mut all: Vec<Offset> = (-r..=r)
            .flat_map(|dr| (-r..=r).map(move |dc| (dc, dr)))
            .filter(|&o| o != (0, 0))
            .map(|(dc, dr)| Offset {
                dc,
                dr,
                key: half(dc).pow(2) + half(dr).pow(2),
            })
            .collect();
        all.sort_by_key(|o| (o.key, o.dr, o.dc));
        all
    })
}

/// East-west over north-south metres per degree at the latitude `lat_q` (in 1e-10 degree):
/// `N cos φ / M = cos φ · (1 − e² sin² φ) / (1 − e²)`.
fn aspect(lat_q: i64) -> f64 {
    // lat_q < 2^38: exact as f64.
    let phi = (lat_q as f64 / 1e10).to_radians();
    let s = phi.sin();
    phi.cos() * (1.0 - WGS84_E2 * s * s) / (1.0 - WGS84_E2)
}

/// The code of the free cell nearest to the point (longitude, latitude in degrees, WGS84):
/// the point's own cell if `is_taken` says it is free, else the free cell, within
/// [`MAX_FREE_CELL_RING`] cells of it, whose centre is nearest to the point.
///
/// `is_taken` must answer for every code ever issued, active or retired: codes are never
/// reused. It is called for the home cell first, then only for candidates that would beat
/// the best free cell found so far (typically a handful of calls). The result is
/// deterministic: equal distances go to the smaller payload. The centre of the returned cell
/// is within [`MAX_FREE_CELL_DISTANCE_M`] (142 m) of the point; the registry can gather the
/// taken codes with one query of [`free_cell_search_bounds`].
///
/// # Errors
/// [`CodeError::NotFinite`] or [`CodeError::OutsideTerritory`] as for
/// [`Cell::of`](super::Cell::of); [`CodeError::NoFreeCell`] if every cell of the
/// 33 × 33 block around the point's cell (within the territory) is taken.
///
/// ```
/// use std::collections::HashSet;
/// use diachiso::code::{encode, nearest_free_cell};
///
/// // A point in Hưng Yên: lon 106.0511, lat 20.6464 (degrees, longitude first).
/// let (lon, lat) = (106.0511, 20.6464);
/// let home = encode(lon, lat)?;
/// let mut taken = HashSet::new();
/// assert_eq!(nearest_free_cell(lon, lat, |c| taken.contains(&c))?, home);
///
/// taken.insert(home);
/// let second = nearest_free_cell(lon, lat, |c| taken.contains(&c))?;
/// assert_ne!(second, home);
/// // The second place gets a neighbouring cell.
/// let (a, b) = (home.cell(), second.cell());
/// assert!(a.col.abs_diff(b.col) <= 1 && a.row.abs_diff(b.row) <= 1);
/// # Ok::<(), diachiso::code::CodeError>(())
/// ```
pub fn nearest_free_cell(
    lon: f64, lat: f64, mut is_taken: impl FnMut(LocationCode) -> bool,
) -> Result<LocationCode> {
    let located = grid::locate(lon, lat)?;
    let home = located.cell.code();
    if !is_taken(home) {
        return Ok(home);
    }
    let a = aspect(located.lat_q);
    // Lower bound of D² per unit of `key`: (min(a, 1) · S)², slightly reduced so that
    // rounding can never make the bound exceed a candidate's computed D².
    let s = TILE_Q as f64;
    let per_key = (a.min(1.0) * s).powi(2) * (1.0 - 1e-12);
    let mut best: Option<(f64, LocationCode)> = None;
    for offset in offsets() {
        if let Some((best_d2, _)) = best {
            if per_key * f64::from(offset.key) > best_d2 {
                break;
            }
        }
        let Some(cell) = located.cell.offset(offset.dc, offset.dr) else {
            continue;
        };
        // Offsets from the point to the candidate's centre, in units of 1/(2 TILE_Q) cell:
        // exact integers below 2^41.
        let dx = i64::from(2 * offset.dc + 1) * TILE_Q - 2 * located.rem_x;
        let dy = i64::from(2 * offset.dr + 1) * TILE_Q - 2 * located.rem_y;
        let ex = a * dx as f64;
        let ey = dy as f64;
        let d2 = ex * ex + ey * ey;
        if best.is_some_and(|(best_d2, _)| d2 > best_d2) {
            continue;
        }
        let code = cell.code();
        if best.is_some_and(|(best_d2, best_code)| d2 == best_d2 && code > best_code) {
            continue;
        }
        if !is_taken(code) {
            best = Some((d2, code));
        }
    }
    best.map(|(_, code)| code).ok_or(CodeError::NoFreeCell)
}

/// The rectangle `[min_lon, min_lat, max_lon, max_lat]` (degrees, WGS84) covering every
/// cell [`nearest_free_cell`] may consider for the point: the cells within
/// [`MAX_FREE_CELL_RING`] of the point's cell, clipped to the cells of the territory. The
/// registry can query its spatial index with it to learn which of them are taken.
///
/// # Errors
/// [`CodeError::NotFinite`] or [`CodeError::OutsideTerritory`] as for
/// [`Cell::of`](super::Cell::of).
///
/// ```
/// use diachiso::code::{free_cell_search_bounds, CELL_SIZE_DEG};
///
/// // lon 106.05, lat 20.65 (degrees): 33 cells on each side, about 190 m x 200 m.
/// let [min_lon, min_lat, max_lon, max_lat] = free_cell_search_bounds(106.05, 20.65)?;
/// assert!(((max_lon - min_lon) / CELL_SIZE_DEG - 33.0).abs() < 1e-6);
/// assert!(((max_lat - min_lat) / CELL_SIZE_DEG - 33.0).abs() < 1e-6);
/// assert!(min_lon < 106.05 && 106.05 < max_lon && min_lat < 20.65 && 20.65 < max_lat);
/// # Ok::<(), diachiso::code::CodeError>(())
/// ```
pub fn free_cell_search_bounds(lon: f64, lat: f64) -> Result<[f64; 4]> {
    let home = grid::locate(lon, lat)?.cell;
    let ring = MAX_FREE_CELL_RING;
    let south_west = Cell {
        col: home.col.saturating_sub(ring),
        row: home.row.saturating_sub(ring),
    };
    let north_east = Cell {
        col: (home.col + ring).min(Cell::MAX_COL),
        row: (home.row + ring).min(Cell::MAX_ROW),
    };
    let [min_lon, min_lat, _, _] = south_west.bounds();
    let [_, _, max_lon, max_lat] = north_east.bounds();
    Ok([min_lon, min_lat, max_lon, max_lat])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_complete_and_sorted() {
        let all = offsets();
        assert_eq!(all.len(), 33 * 33 - 1);
        assert!(all.windows(2).all(|w| w[0].key <= w[1].key));
        assert_eq!(all[0].key, 1);
        assert_eq!(all.last().map(|o| o.key), Some(2 * 31 * 31));
    }

    #[test]
    fn aspect_is_the_ratio_of_metres_per_degree() {
        // From the spec's table: 110713.720 / 110586.409 at lat 6, 102141.035 / 110751.056
        // at lat 23.5.
        assert!((aspect(60_000_000_000) - 110_713.720 / 110_586.409).abs() < 1e-7);
        assert!((aspect(235_000_000_000) - 102_141.035 / 110_751.056).abs() < 1e-7);
    }

    #[test]
    fn edge_point_ties_go_to_the_smaller_payload() {
        // lon 102.0017578125 is the west edge of column 32 (a whole number of quanta): the
        // point is equidistant from the centres of columns 32 + i and 31 − i.
        let (lon, lat) = (102.001_757_812_5, 15.000_01);
        let home = Cell::of(lon, lat).unwrap();
        assert_eq!(home.col, 32);
        let west = home.offset(-1, 0).unwrap().code();
        // Home taken: the west neighbour is as near as home itself, nearer than anything else.
        let got = nearest_free_cell(lon, lat, |c| c == home.code()).unwrap();
        assert_eq!(got, west);
        // Columns 31 and 32 taken: in every row, columns 33 and 30 are equidistant; the
        // nearest row is the home row, and the smaller payload wins.
        let east = home.offset(1, 0).unwrap().code();
        let west2 = home.offset(-2, 0).unwrap().code();
        let got =
            nearest_free_cell(lon, lat, |c| c.cell().col == 31 || c.cell().col == 32).unwrap();
        assert_eq!(got, east.min(west2));
        assert_ne!(east, west2);
    }

    #[test]
    fn all_taken_is_no_free_cell() {
        let mut calls = 0;
        let result = nearest_free_cell(110.0, 15.0, |_| {
            calls += 1;
            true
        });
        assert_eq!(result, Err(CodeError::NoFreeCell));
        assert_eq!(calls, 33 * 33);
        // In the south-west corner only 17 × 17 cells exist.
        let mut calls = 0;
        let result = nearest_free_cell(102.0, 6.0, |_| {
            calls += 1;
            true
        });
        assert_eq!(result, Err(CodeError::NoFreeCell));
        assert_eq!(calls, 17 * 17);
    }
}
