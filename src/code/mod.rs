//! The permanent 12-digit location code (mã định danh địa điểm).
//!
//! A code is 11 payload digits and a Damm check digit. The payload names a cell of a fixed
//! national grid over the box lon 102.0–118.0, lat 6.0–23.5 (WGS84 degrees, islands included):
//! 9 × 10 tiles of 1.8° × 1.8°, each 2^15 × 2^15 cells of 1.8°/32768 ≈ 5.49e-5° (about 6 m), in
//! serpentine tile order with a Hilbert curve inside each tile, so numerically close codes
//! are close on the ground. Decoding needs no registry: the cell centre lies within 4.31 m of
//! every point of the cell. The registry keeps codes unique with [`nearest_free_cell`].
//!
//! The full specification, with worked examples, is `docs/location-code.md`; test vectors
//! from an independent reference implementation are in `tests/data/`.
//!
//! Coordinates are always `(lon, lat)` in degrees, longitude first.
//!
//! ```
//! use diachiso::code::{decode, encode, LocationCode};
//!
//! let code = encode(106.0511, 20.6464)?; // Phố Hiến, Hưng Yên (lon, lat)
//! assert_eq!(code.grouped(), "7958 5601 9294");
//! let parsed: LocationCode = "7958-5601-9294".parse()?;
//! let [lon, lat] = decode(parsed).centre;
//! assert!((lon - 106.0511).abs() < 3e-5 && (lat - 20.6464).abs() < 3e-5);
//! # Ok::<(), diachiso::code::CodeError>(())
//! ```

mod damm;
mod error;
mod free_cell;
mod grid;
mod hilbert;
mod location_code;
mod parse;
mod serde_impls;

pub use error::{CodeError, Result};
pub use free_cell::{free_cell_search_bounds, nearest_free_cell, MAX_FREE_CELL_DISTANCE_M};
pub use grid::{
    quantise, Cell, CELLS_PER_TILE_SIDE, CELL_SIZE_DEG, MAX_CELL_CENTRE_DISTANCE_M,
    QUANTA_PER_DEGREE, TILE_COLUMNS, TILE_ROWS, TILE_SIZE_DEG,
};
pub use location_code::{decode, DecodedCell, LocationCode};

/// West edge of the national territory box, degrees (WGS84 longitude).
pub const MIN_LON: f64 = 102.0;
/// East edge of the national territory box, degrees.
pub const MAX_LON: f64 = 118.0;
/// South edge of the national territory box, degrees (WGS84 latitude).
pub const MIN_LAT: f64 = 6.0;
/// North edge of the national territory box, degrees.
pub const MAX_LAT: f64 = 23.5;
/// How far (in cells, Chebyshev distance from the home cell) the nearest-free-cell search looks.
pub const MAX_FREE_CELL_RING: u32 = 16;

/// The code of the cell that contains the point (lon, lat in degrees, WGS84).
///
/// # Errors
/// [`CodeError::NotFinite`] for NaN or infinite coordinates, [`CodeError::OutsideTerritory`]
/// outside the box lon 102.0–118.0, lat 6.0–23.5 (edges included).
///
/// ```
/// use diachiso::code::{encode, CodeError};
///
/// // Longitude first: Hà Nội, Hoàn Kiếm (lon 105.8342, lat 21.0278).
/// assert_eq!(encode(105.8342, 21.0278)?.to_string().len(), 12);
/// // Swapped coordinates fall outside the box.
/// assert!(matches!(encode(21.0278, 105.8342), Err(CodeError::OutsideTerritory { .. })));
/// # Ok::<(), CodeError>(())
/// ```
pub fn encode(lon: f64, lat: f64) -> Result<LocationCode> {
    Cell::of(lon, lat).map(Cell::code)
}
