//! The national grid: quantisation, tiles, cells and the payload of a cell.
//!
//! See `docs/location-code.md`, sections 2–5.

use super::hilbert::{self, SIDE};
use super::{CodeError, LocationCode, Result, MAX_LAT, MAX_LON, MIN_LAT, MIN_LON};

/// Quanta per degree: coordinates are rounded to whole multiples of 1e-10 degree (about
/// 11 µm) before any other arithmetic.
pub const QUANTA_PER_DEGREE: i64 = 10_000_000_000;
/// Side of a tile, degrees.
pub const TILE_SIZE_DEG: f64 = 1.8;
/// Tile columns of the grid (from lon 102.0 to 118.2).
pub const TILE_COLUMNS: u32 = 9;
/// Tile rows of the grid (from lat 6.0 to 24.0).
pub const TILE_ROWS: u32 = 10;
/// Cells per tile side, `2^15`.
pub const CELLS_PER_TILE_SIDE: u32 = SIDE;
/// Side of a cell, degrees: `1.8 / 32768` = 5.4931640625e-5° (about 6.08 m at lat 6°).
pub const CELL_SIZE_DEG: f64 = TILE_SIZE_DEG / SIDE as f64;
/// Upper bound, in metres, of the distance from any point of any cell of the territory to the
/// cell's centre (WGS84; the exact figure is 4.3011 m, see the spec, section 3).
pub const MAX_CELL_CENTRE_DISTANCE_M: f64 = 4.31;

/// Columns of the whole tile grid (`9 × 32768`).
pub(crate) const GRID_COLUMNS: u32 = TILE_COLUMNS * SIDE;
/// Rows of the whole tile grid (`10 × 32768`).
pub(crate) const GRID_ROWS: u32 = TILE_ROWS * SIDE;
/// A tile side in "quanta × 32768": `((q − west) · 32768) div TILE_Q` is the cell column.
pub(crate) const TILE_Q: i64 = 18_000_000_000;
/// West edge of the box in quanta.
const WEST_Q: i64 = 1_020_000_000_000;
/// East edge of the box in quanta.
const EAST_Q: i64 = 1_180_000_000_000;
/// South edge of the box in quanta.
const SOUTH_Q: i64 = 60_000_000_000;
/// North edge of the box in quanta.
const NORTH_Q: i64 = 235_000_000_000;
/// Payload numbers per tile, `2^30`.
const TILE_SPAN: u64 = 1 << 30;
/// Largest coordinate magnitude that is quantised at all (anything larger is far outside).
const QUANTISE_LIMIT_DEG: f64 = 1.0e6;

/// Rounds a coordinate in degrees to a whole number of 1e-10 degree.
///
/// The result is the integer nearest to the *exact* value of the `f64` times 10^10, ties
/// rounded away from zero; no floating-point rounding is involved. Returns `None` for NaN,
/// infinities and magnitudes above 10^6 degrees.
///
/// ```
/// use diachiso::code::quantise;
///
/// // A decimal with at most 10 decimals quantises to its own digits.
/// assert_eq!(quantise(106.0511), Some(1_060_511_000_000));
/// // 106 + 1/2048 is exactly 1_060_004_882_812.5 quanta: a tie, rounded away from zero.
/// assert_eq!(quantise(106.000_488_281_25), Some(1_060_004_882_813));
/// assert_eq!(quantise(-106.000_488_281_25), Some(-1_060_004_882_813));
/// assert_eq!(quantise(f64::NAN), None);
/// ```
pub fn quantise(degrees: f64) -> Option<i64> {
    if !degrees.is_finite() || degrees.abs() > QUANTISE_LIMIT_DEG {
        return None;
    }
    let bits = degrees.to_bits();
    let negative = bits >> 63 == 1;
    let biased_exponent = i32::try_from((bits >> 52) & 0x7ff).ok()?;
    let fraction = bits & ((1u64 << 52) - 1);
    // |degrees| = mantissa · 2^exponent exactly.
    let (mantissa, exponent) = if biased_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased_exponent - 1075)
    };
    // mantissa < 2^53 and 10^10 < 2^34: the product is exact in 128 bits.
    let scaled = u128::from(mantissa) * u128::from(QUANTA_PER_DEGREE.unsigned_abs());
    let magnitude = if exponent >= 0 {
        // Not reachable below the 10^6 limit (such values have exponent < -32); kept total.
        scaled.checked_shl(exponent.unsigned_abs())?
    } else {
        let shift = exponent.unsigned_abs();
        if shift > 100 {
            0 // scaled < 2^87, so the value is below half a quantum
        } else {
            (scaled + (1u128 << (shift - 1))) >> shift
        }
    };
    let magnitude = i64::try_from(magnitude).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// A point located in the grid: its quantised coordinates, its cell, and its position inside
/// the cell in units of `1 / TILE_Q` of a cell side.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located {
    pub(crate) lat_q: i64,
    pub(crate) cell: Cell,
    pub(crate) rem_x: i64,
    pub(crate) rem_y: i64,
}

/// Locates a point (longitude, latitude in degrees) in the grid.
pub(crate) fn locate(lon: f64, lat: f64) -> Result<Located> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err(CodeError::NotFinite);
    }
    let outside = CodeError::OutsideTerritory { lon, lat };
    let (Some(lon_q), Some(lat_q)) = (quantise(lon), quantise(lat)) else {
        return Err(outside);
    };
    if !(WEST_Q..=EAST_Q).contains(&lon_q) || !(SOUTH_Q..=NORTH_Q).contains(&lat_q) {
        return Err(outside);
    }
    // Both products are below 2^53; the operands are non-negative, so `/` is the floor.
    let sx = (lon_q - WEST_Q) * i64::from(SIDE);
    let sy = (lat_q - SOUTH_Q) * i64::from(SIDE);
    let col = u32::try_from(sx / TILE_Q).map_err(|_| outside.clone())?;
    let row = u32::try_from(sy / TILE_Q).map_err(|_| outside.clone())?;
    Ok(Located {
        lat_q,
        cell: Cell { col, row },
        rem_x: sx % TILE_Q,
        rem_y: sy % TILE_Q,
    })
}

/// A cell of the national grid in global integer coordinates: `col` counts cells eastwards
/// from lon 102.0, `row` northwards from lat 6.0. A cell is
/// [`CELL_SIZE_DEG`] × [`CELL_SIZE_DEG`] degrees.
///
/// ```
/// use diachiso::code::Cell;
///
/// // Phố Hiến, Hưng Yên: lon 106.0511, lat 20.6464 (degrees, longitude first).
/// let cell = Cell::of(106.0511, 20.6464)?;
/// assert_eq!(cell, Cell { col: 73_748, row: 266_629 });
/// assert_eq!(cell.code().to_string(), "795856019294");
/// # Ok::<(), diachiso::code::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Cell {
    /// Column, counted eastwards from lon 102.0 (0 ..= [`Cell::MAX_COL`] in the territory).
    pub col: u32,
    /// Row, counted northwards from lat 6.0 (0 ..= [`Cell::MAX_ROW`] in the territory).
    pub row: u32,
}

impl Cell {
    /// The last column that intersects the territory box (its west edge is at
    /// lon 117.99999389648437, its east edge past lon 118.0).
    pub const MAX_COL: u32 = 291_271;
    /// The last row that intersects the territory box (it straddles lat 23.5).
    pub const MAX_ROW: u32 = 318_577;

    /// The cell that contains the point (longitude, latitude in degrees, WGS84).
    ///
    /// A point exactly on a cell edge belongs to the cell east (north) of the edge, after
    /// rounding the point to whole 1e-10 degree; points on lon 118.0 or lat 23.5 are inside.
    ///
    /// # Errors
    /// [`CodeError::NotFinite`] for NaN or infinite coordinates,
    /// [`CodeError::OutsideTerritory`] outside lon 102.0–118.0, lat 6.0–23.5.
    ///
    /// ```
    /// use diachiso::code::{Cell, CodeError};
    ///
    /// // (lon, lat) in degrees. Tile edges are exact: lon 103.8 starts column 32768.
    /// assert_eq!(Cell::of(103.8, 12.3)?.col, 32_768);
    /// assert_eq!(Cell::of(103.799_999_999_9, 12.3)?.col, 32_767);
    /// // The box is closed: its north-east corner has a cell.
    /// assert_eq!(Cell::of(118.0, 23.5)?, Cell { col: Cell::MAX_COL, row: Cell::MAX_ROW });
    /// assert!(matches!(Cell::of(118.000_000_000_1, 10.0), Err(CodeError::OutsideTerritory { .. })));
    /// assert_eq!(Cell::of(f64::NAN, 10.0), Err(CodeError::NotFinite));
    /// # Ok::<(), CodeError>(())
    /// ```
    pub fn of(lon: f64, lat: f64) -> Result<Cell> {
        locate(lon, lat).map(|located| located.cell)
    }

    /// The location code of this cell.
    ///
    /// # Panics
    /// If the cell does not intersect the territory box (see [`Cell::is_in_territory`]);
    /// cells from [`Cell::of`], [`LocationCode::cell`] and [`Cell::offset`] always do. Use
    /// [`Cell::try_code`] for cells built by hand.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// // The south-west corner cell of the box (lon 102.0, lat 6.0) has payload 0.
    /// assert_eq!(Cell { col: 0, row: 0 }.code().to_string(), "000000000000");
    /// ```
    pub fn code(self) -> LocationCode {
        match self.try_code() {
            Ok(code) => code,
            Err(_) => panic!("cell {self:?} does not intersect the territory box"),
        }
    }

    /// The location code of this cell, or [`CodeError::PayloadOutOfRange`] if the cell does
    /// not intersect the territory box.
    ///
    /// ```
    /// use diachiso::code::{Cell, CodeError};
    ///
    /// assert!(Cell { col: Cell::MAX_COL, row: 0 }.try_code().is_ok());
    /// assert_eq!(Cell { col: Cell::MAX_COL + 1, row: 0 }.try_code(), Err(CodeError::PayloadOutOfRange));
    /// ```
    pub fn try_code(self) -> Result<LocationCode> {
        if self.is_in_territory() {
            Ok(LocationCode::from_valid_payload(payload_of(self)))
        } else {
            Err(CodeError::PayloadOutOfRange)
        }
    }

    /// Whether the cell intersects the territory box, i.e. has a code:
    /// `col ≤ MAX_COL` and `row ≤ MAX_ROW`.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// assert!(Cell { col: 0, row: Cell::MAX_ROW }.is_in_territory());
    /// assert!(!Cell { col: 0, row: Cell::MAX_ROW + 1 }.is_in_territory());
    /// ```
    pub fn is_in_territory(self) -> bool {
        self.col <= Self::MAX_COL && self.row <= Self::MAX_ROW
    }

    /// The tile of the cell as `(tile_col, tile_row)`: tile columns count eastwards from
    /// lon 102.0, tile rows northwards from lat 6.0, each 1.8 degrees.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// // Hưng Yên (lon 106.05, lat 20.65) lies in tile column 2, tile row 8.
    /// assert_eq!(Cell::of(106.05, 20.65)?.tile(), (2, 8));
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn tile(self) -> (u32, u32) {
        (self.col / SIDE, self.row / SIDE)
    }

    /// Cell centre `[lon, lat]` in degrees (WGS84, longitude first).
    ///
    /// Each coordinate is the exact rational `102 + (col + ½) · 1.8/32768` (resp. `6 + …`)
    /// rounded once to `f64`, so every implementation gets the same bits.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// let [lon, lat] = Cell { col: 0, row: 0 }.centre();
    /// assert_eq!(lon, 102.0 + 0.5 * 1.8 / 32768.0);
    /// assert_eq!(lat, 6.0 + 0.5 * 1.8 / 32768.0);
    /// ```
    pub fn centre(self) -> [f64; 2] {
        [
            centre_coordinate(66_846_720, self.col),
            centre_coordinate(3_932_160, self.row),
        ]
    }

    /// Cell bounds `[min_lon, min_lat, max_lon, max_lat]` in degrees (WGS84), each the exact
    /// edge rounded once to `f64`.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// // The first cell of tile column 1 starts exactly on the tile edge, lon 103.8.
    /// let [min_lon, min_lat, max_lon, max_lat] = Cell { col: 32_768, row: 0 }.bounds();
    /// assert_eq!((min_lon, min_lat), (103.8, 6.0));
    /// assert!((max_lon - 103.8 - 1.8 / 32768.0).abs() < 1e-12);
    /// assert!((max_lat - 6.0 - 1.8 / 32768.0).abs() < 1e-12);
    /// ```
    pub fn bounds(self) -> [f64; 4] {
        [
            edge_coordinate(33_423_360, self.col),
            edge_coordinate(1_966_080, self.row),
            edge_coordinate(33_423_360, self.col + 1),
            edge_coordinate(1_966_080, self.row + 1),
        ]
    }

    /// The cell `dc` columns east and `dr` rows north of this one, if it intersects the
    /// territory box.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// let cell = Cell { col: 10, row: 0 };
    /// assert_eq!(cell.offset(-1, 2), Some(Cell { col: 9, row: 2 }));
    /// assert_eq!(cell.offset(0, -1), None); // south of lat 6.0
    /// ```
    pub fn offset(self, dc: i32, dr: i32) -> Option<Cell> {
        let col = u32::try_from(i64::from(self.col) + i64::from(dc)).ok()?;
        let row = u32::try_from(i64::from(self.row) + i64::from(dr)).ok()?;
        let cell = Cell { col, row };
        cell.is_in_territory().then_some(cell)
    }

    /// The up to 8 cells around this one (edge and corner neighbours) that intersect the
    /// territory box, row by row from the south-west.
    ///
    /// ```
    /// use diachiso::code::Cell;
    ///
    /// assert_eq!(Cell { col: 5, row: 5 }.neighbours().count(), 8);
    /// assert_eq!(Cell { col: 0, row: 0 }.neighbours().count(), 3);
    /// ```
    pub fn neighbours(self) -> impl Iterator<Item = Cell> {
        (-1..=1)
            .flat_map(|dr| (-1..=1).map(move |dc| (dc, dr)))
            .filter(|&offset| offset != (0, 0))
            .filter_map(move |(dc, dr)| self.offset(dc, dr))
    }
}

/// `(base + 18 · index) / 327680`: the edge `origin + index · 1.8/32768` with
/// `base = origin · 327680`, correctly rounded.
fn edge_coordinate(base: u32, index: u32) -> f64 {
    // Below 2^26: exact in f64, so the division is the only rounding.
    f64::from(base + 18 * index) / 327_680.0
}

/// `(base + 36 · index + 18) / 655360`: the centre with `base = origin · 655360`.
fn centre_coordinate(base: u32, index: u32) -> f64 {
    f64::from(base + 36 * index + 18) / 655_360.0
}

/// The payload of a cell of the tile grid (`col < GRID_COLUMNS`, `row < GRID_ROWS`).
pub(crate) fn payload_of(cell: Cell) -> u64 {
    debug_assert!(cell.col < GRID_COLUMNS && cell.row < GRID_ROWS);
    let (tile_col, x) = (cell.col / SIDE, cell.col % SIDE);
    let (tile_row, y) = (cell.row / SIDE, cell.row % SIDE);
    let (t, x) = if tile_row % 2 == 0 {
        (tile_row * TILE_COLUMNS + tile_col, x)
    } else {
        // Odd rows run east to west: serpentine tile order and a mirrored curve.
        (
            tile_row * TILE_COLUMNS + (TILE_COLUMNS - 1 - tile_col),
            SIDE - 1 - x,
        )
    };
    u64::from(t) * TILE_SPAN + u64::from(hilbert::xy2d(x, y))
}

/// The cell of the tile grid named by a payload `≤ LocationCode::MAX_PAYLOAD`, whether or
/// not it intersects the territory box.
pub(crate) fn cell_of_payload(payload: u64) -> Cell {
    debug_assert!(payload <= LocationCode::MAX_PAYLOAD);
    // t < 90 and d < 2^30: both fit in u32.
    let t = u32::try_from(payload / TILE_SPAN).unwrap_or(u32::MAX);
    let d = u32::try_from(payload % TILE_SPAN).unwrap_or(0);
    let (tile_row, k) = (t / TILE_COLUMNS, t % TILE_COLUMNS);
    let (x, y) = hilbert::d2xy(d);
    let (tile_col, x) = if tile_row % 2 == 0 {
        (k, x)
    } else {
        (TILE_COLUMNS - 1 - k, SIDE - 1 - x)
    };
    Cell {
        col: tile_col * SIDE + x,
        row: tile_row * SIDE + y,
    }
}

// The territory limits above are the spec's box edges in quanta.
const _: () = {
    assert!(MIN_LON == 102.0 && MAX_LON == 118.0 && MIN_LAT == 6.0 && MAX_LAT == 23.5);
    // MAX_COL is the last column whose west edge is at or west of lon 118.0.
    assert!(Cell::MAX_COL as i64 * TILE_Q <= (EAST_Q - WEST_Q) * SIDE as i64);
    assert!((Cell::MAX_COL as i64 + 1) * TILE_Q > (EAST_Q - WEST_Q) * SIDE as i64);
    assert!(Cell::MAX_ROW as i64 * TILE_Q <= (NORTH_Q - SOUTH_Q) * SIDE as i64);
    assert!((Cell::MAX_ROW as i64 + 1) * TILE_Q > (NORTH_Q - SOUTH_Q) * SIDE as i64);
    assert!(Cell::MAX_COL < GRID_COLUMNS && Cell::MAX_ROW < GRID_ROWS);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantise_is_exact() {
        assert_eq!(quantise(0.0), Some(0));
        assert_eq!(quantise(-0.0), Some(0));
        assert_eq!(quantise(102.0), Some(WEST_Q));
        assert_eq!(quantise(23.5), Some(NORTH_Q));
        assert_eq!(quantise(5e-324), Some(0));
        assert_eq!(quantise(1e7), None);
        assert_eq!(quantise(f64::INFINITY), None);
        // Ties: 1/2048 degree = 4_882_812.5 quanta exactly.
        assert_eq!(quantise(1.0 / 2048.0), Some(4_882_813));
        assert_eq!(quantise(-1.0 / 2048.0), Some(-4_882_813));
        assert_eq!(quantise(3.0 / 2048.0), Some(14_648_438));
    }

    #[test]
    fn payload_and_cell_are_inverse_at_tile_corners() {
        for tile_row in 0..TILE_ROWS {
            for tile_col in 0..TILE_COLUMNS {
                for (x, y) in [(0, 0), (SIDE - 1, 0), (0, SIDE - 1), (SIDE - 1, SIDE - 1)] {
                    let cell = Cell {
                        col: tile_col * SIDE + x,
                        row: tile_row * SIDE + y,
                    };
                    assert_eq!(cell_of_payload(payload_of(cell)), cell);
                }
            }
        }
        assert_eq!(payload_of(Cell { col: 0, row: 0 }), 0);
        assert_eq!(
            cell_of_payload(LocationCode::MAX_PAYLOAD),
            Cell {
                col: 0,
                row: 9 * SIDE
            }
        );
    }

    #[test]
    fn locate_remainders() {
        let located = locate(102.0, 6.0).unwrap();
        assert_eq!((located.rem_x, located.rem_y), (0, 0));
        // Half a cell east: remainder half of TILE_Q (up to the quantum).
        let located = locate(102.0 + CELL_SIZE_DEG / 2.0, 6.0).unwrap();
        assert!((located.rem_x - TILE_Q / 2).abs() <= i64::from(SIDE));
    }
}
