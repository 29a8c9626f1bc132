//! The location code value: payload, check digit, formatting and decoding.

use std::fmt;

use super::grid::{self, Cell};
use super::{damm, CodeError, Result};

/// A valid location code (mã định danh địa điểm): 11 payload digits naming a cell of the
/// national grid, and a Damm check digit.
///
/// Holds the payload; the check digit is derived. Every value names a cell that intersects
/// the territory box. Ordered by payload, which follows the grid's space-filling curve.
///
/// ```
/// use diachiso::code::{encode, LocationCode};
///
/// // Phố Hiến, Hưng Yên: lon 106.0511, lat 20.6464 (degrees, longitude first).
/// let code = encode(106.0511, 20.6464)?;
/// assert_eq!(code.to_string(), "795856019294");
/// assert_eq!(code.grouped(), "7958 5601 9294");
/// assert_eq!(code.payload(), 79_585_601_929);
/// assert_eq!(code.check_digit(), 4);
/// assert_eq!("7958-5601-9294".parse::<LocationCode>()?, code);
/// # Ok::<(), diachiso::code::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocationCode(u64);

/// A decoded location code: the cell it names, with its centre and bounds in degrees.
///
/// ```
/// use diachiso::code::{decode, LocationCode};
///
/// let decoded = decode("7958 5601 9294".parse::<LocationCode>()?);
/// let [lon, lat] = decoded.centre; // degrees, longitude first
/// assert!((lon - 106.051_126).abs() < 1e-6 && (lat - 20.646_396).abs() < 1e-6);
/// let [min_lon, min_lat, max_lon, max_lat] = decoded.bounds;
/// assert!(min_lon < lon && lon < max_lon && min_lat < lat && lat < max_lat);
/// # Ok::<(), diachiso::code::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DecodedCell {
    /// The code that was decoded.
    pub code: LocationCode,
    /// The cell in global grid coordinates.
    pub cell: Cell,
    /// Cell centre `[lon, lat]`, degrees (WGS84). Within 4.31 m of every point of the cell.
    pub centre: [f64; 2],
    /// Cell bounds `[min_lon, min_lat, max_lon, max_lat]`, degrees (WGS84).
    pub bounds: [f64; 4],
}

/// Decodes a code to its cell, centre and bounds, without the registry.
///
/// The centre lies within 4.31 m of every point of the cell; for a code given by the
/// registry's nearest-free-cell rule it lies within 142 m of the registered point (see
/// [`nearest_free_cell`](super::nearest_free_cell)).
///
/// ```
/// use diachiso::code::{decode, encode};
///
/// // Lũng Cú, the northernmost point: lon 105.316, lat 23.392 (degrees).
/// let decoded = decode(encode(105.316, 23.392)?);
/// assert_eq!(decoded.code.grouped(), "9479 3391 8813");
/// assert_eq!((decoded.cell.col, decoded.cell.row), (60_365, 316_611));
/// # Ok::<(), diachiso::code::CodeError>(())
/// ```
pub fn decode(code: LocationCode) -> DecodedCell {
    let cell = code.cell();
    DecodedCell {
        code,
        cell,
        centre: cell.centre(),
        bounds: cell.bounds(),
    }
}

impl LocationCode {
    /// The largest payload of the tile grid, `90 · 2^30 − 1` = 96 636 764 159. Not every
    /// payload up to it is valid: cells wholly east of lon 118.0 or north of lat 23.5 are not.
    pub const MAX_PAYLOAD: u64 = 90 * (1 << 30) - 1;

    /// The code with this payload (the first 11 digits).
    ///
    /// # Errors
    /// [`CodeError::PayloadOutOfRange`] if the payload exceeds [`LocationCode::MAX_PAYLOAD`]
    /// or names a cell that lies wholly outside the territory box.
    ///
    /// ```
    /// use diachiso::code::{CodeError, LocationCode};
    ///
    /// assert_eq!(LocationCode::from_payload(0)?.to_string(), "000000000000");
    /// assert!(LocationCode::from_payload(LocationCode::MAX_PAYLOAD).is_ok());
    /// assert_eq!(
    ///     LocationCode::from_payload(LocationCode::MAX_PAYLOAD + 1),
    ///     Err(CodeError::PayloadOutOfRange)
    /// );
    /// # Ok::<(), CodeError>(())
    /// ```
    pub fn from_payload(payload: u64) -> Result<Self> {
        if payload > Self::MAX_PAYLOAD {
            return Err(CodeError::PayloadOutOfRange);
        }
        if grid::cell_of_payload(payload).is_in_territory() {
            Ok(Self(payload))
        } else {
            Err(CodeError::PayloadOutOfRange)
        }
    }

    /// Wraps a payload already known to be valid.
    pub(crate) fn from_valid_payload(payload: u64) -> Self {
        debug_assert!(Self::from_payload(payload).is_ok());
        Self(payload)
    }

    /// The payload: the first 11 digits as a number, `t · 2^30 + d` with `t` the tile number
    /// and `d` the Hilbert index inside the tile.
    ///
    /// ```
    /// use diachiso::code::LocationCode;
    ///
    /// let code: LocationCode = "0965 8167 3178".parse()?;
    /// assert_eq!(code.payload(), 9_658_167_317);
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn payload(self) -> u64 {
        self.0
    }

    /// The 12th digit: the Damm check digit over the 11 zero-padded payload digits.
    ///
    /// ```
    /// use diachiso::code::LocationCode;
    ///
    /// assert_eq!(LocationCode::from_payload(9_658_167_317)?.check_digit(), 8);
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn check_digit(self) -> u8 {
        damm::check_digit(self.0)
    }

    /// The code as shown to people: three groups of four digits separated by single ASCII
    /// spaces, `"XXXX XXXX XXXX"`.
    ///
    /// ```
    /// use diachiso::code::LocationCode;
    ///
    /// assert_eq!(LocationCode::from_payload(9_658_167_317)?.grouped(), "0965 8167 3178");
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn grouped(self) -> String {
        let mut out = String::with_capacity(14);
        for (i, digit) in self.digits().iter().enumerate() {
            if i == 4 || i == 8 {
                out.push(' ');
            }
            out.push(char::from(b'0' + digit));
        }
        out
    }

    /// The cell the code names.
    ///
    /// ```
    /// use diachiso::code::{Cell, LocationCode};
    ///
    /// let code: LocationCode = "7958 5601 9294".parse()?;
    /// assert_eq!(code.cell(), Cell { col: 73_748, row: 266_629 });
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn cell(self) -> Cell {
        grid::cell_of_payload(self.0)
    }

    /// Cell centre `[lon, lat]` in degrees (WGS84, longitude first).
    ///
    /// ```
    /// use diachiso::code::encode;
    ///
    /// // Trường Sa Lớn, Spratly Islands: lon 111.92, lat 8.645.
    /// let [lon, lat] = encode(111.92, 8.645)?.centre();
    /// assert!((lon - 111.92).abs() < 3e-5 && (lat - 8.645).abs() < 3e-5);
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn centre(self) -> [f64; 2] {
        self.cell().centre()
    }

    /// Cell bounds `[min_lon, min_lat, max_lon, max_lat]` in degrees (WGS84).
    ///
    /// ```
    /// use diachiso::code::encode;
    ///
    /// // Tile edges are exact: the cell at lon 103.8, lat 12.3 starts on both.
    /// let [min_lon, min_lat, _, _] = encode(103.8, 12.3)?.bounds();
    /// assert_eq!((min_lon, min_lat), (103.8, 12.3));
    /// # Ok::<(), diachiso::code::CodeError>(())
    /// ```
    pub fn bounds(self) -> [f64; 4] {
        self.cell().bounds()
    }

    /// The 12 digits, each `0..=9`.
    fn digits(self) -> [u8; 12] {
        let payload = damm::payload_digits(self.0);
        let mut digits = [0u8; 12];
        digits[..11].copy_from_slice(&payload);
        digits[11] = damm::interim(&payload);
        digits
    }
}

impl fmt::Display for LocationCode {
    /// The canonical form: 12 digits, no separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:011}{}", self.0, self.check_digit())
    }
}
