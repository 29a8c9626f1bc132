//! The module grid of a QR symbol, shared by the SVG, PNG and sticker renderers.

use qrcode::{Color, EcLevel, QrCode};

use super::error::{Error, Result};

/// Width of the light margin around a symbol, in modules (the QR standard asks for 4).
pub const QUIET_ZONE: usize = 4;

/// A QR symbol as a square grid of dark and light modules, without quiet zone.
///
/// Encoded with error-correction level M (15 % of the symbol can be lost), the usual choice
/// for printed payment codes.
///
/// ```
/// use diachiso::payment::QrMatrix;
/// let m = QrMatrix::encode("00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4")?;
/// assert_eq!(m.width(), 33); // version 4
/// assert!(m.is_dark(0, 0)); // corner of a finder pattern
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `payload` at error-correction level M in the smallest version that holds it.
    pub fn encode(payload: &str) -> Result<Self> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|e| Error::QrEncode(e.to_string()))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Ok(Self { width, dark })
    }

    /// Number of modules on a side (21 for version 1, +4 per version), quiet zone excluded.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark. Outside the grid is light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// SVG path data drawing every dark module as unit squares (horizontal runs merged into
    /// one rectangle), shifted by `offset` modules on both axes.
    pub fn svg_path_data(&self, offset: usize) -> String {
        let mut d = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                if !d.is_empty() {
                    d.push(' ');
                }
                d.push_str(&format!(
                    "M{} {}h{run}v1h-{run}z",
                    start + offset,
                    y + offset
                ));
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_three_finder_patterns() {
        let m = QrMatrix::encode("hello").unwrap();
        let w = m.width();
        assert_eq!(w, 21);
        for (x0, y0) in [(0, 0), (w - 7, 0), (0, w - 7)] {
            for i in 0..7 {
                // Outer ring of each finder pattern is dark.
                assert!(m.is_dark(x0 + i, y0));
                assert!(m.is_dark(x0 + i, y0 + 6));
                assert!(m.is_dark(x0, y0 + i));
                assert!(m.is_dark(x0 + 6, y0 + i));
            }
            assert!(!m.is_dark(x0 + 1, y0 + 1));
        }
        assert!(!m.is_dark(w, 0));
    }

    #[test]
    fn too_long_payload_is_an_error() {
        assert!(matches!(
            QrMatrix::encode(&"x".repeat(5000)),
            Err(Error::QrEncode(_))
        ));
    }

    #[test]
    fn path_data_merges_runs() {
        let m = QrMatrix::encode("hello").unwrap();
        let d = m.svg_path_data(4);
        // The first row starts with the 7-module top edge of the top-left finder.
        assert!(d.starts_with("M4 4h7v1h-7z"), "{d}");
    }
}
