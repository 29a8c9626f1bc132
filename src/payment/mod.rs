//! VietQR payment codes for parking lots: building and parsing EMVCo/NAPAS payloads, drawing
//! them as SVG or PNG, the NAPAS bank list, and a printable A5 sticker.
//!
//! Every code written for a lot carries the lot's 12-digit location code (tag 62/03 and the
//! purpose text 62/08, see [`VietQr`]), so each payment can be traced back to the lot.
//!
//! ```
//! use diachiso::payment::{parse_vietqr, to_png, VietQr};
//! let payload = VietQr::new("970436", "0011004455667")
//!     .with_amount(5_000)
//!     .with_location_code("798580039614")
//!     .payload()?;
//! let png = to_png(&payload, 4)?;
//! assert_eq!(parse_vietqr(&payload)?.location_code.as_deref(), Some("798580039614"));
//! # let _ = png;
//! # Ok::<(), diachiso::payment::Error>(())
//! ```

mod ascii;
mod banks;
mod crc;
mod emv;
mod error;
mod matrix;
mod render;
mod sticker;
mod vietqr;
mod vnd;
mod xml;

pub use ascii::ascii_fold;
pub use banks::{bank_by_bin, banks, Bank};
pub use crc::{crc16_ccitt_false, crc_hex};
pub use emv::{parse_tlv, verify_crc, TlvBuilder, CRC_TAG};
pub use error::{Error, Result};
pub use matrix::{QrMatrix, QUIET_ZONE};
pub use render::{to_png, to_svg};
pub use sticker::{sticker_svg, FeeRow, StickerInfo, MAX_FEE_ROWS};
pub use vietqr::{
    parse_vietqr, Initiation, ParsedVietQr, Service, VietQr, CURRENCY_VND, LOCATION_PREFIX,
    MAX_AMOUNT_VND, MAX_PURPOSE_LEN, NAPAS_GUID, SERVICE_TO_ACCOUNT, SERVICE_TO_CARD,
};
pub use vnd::format_vnd;
