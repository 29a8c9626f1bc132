//! Drawing a payload as a QR image: SVG (vector) and PNG (8-bit greyscale).

use super::error::{Error, Result};
use super::matrix::{QrMatrix, QUIET_ZONE};

/// The QR code of `payload` as a standalone SVG document, one user unit per module, with a
/// 4-module quiet zone and error-correction level M. Dark modules are one `<path>` of
/// rectangles drawn with `shape-rendering="crispEdges"`; scale it with CSS or `width`.
///
/// ```
/// let svg = diachiso::payment::to_svg("00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4")?;
/// assert!(svg.starts_with("<svg"));
/// assert!(svg.contains(r#"viewBox="0 0 41 41""#)); // 33 modules + 2 × 4 quiet zone
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
pub fn to_svg(payload: &str) -> Result<String> {
    let matrix = QrMatrix::encode(payload)?;
    let size = matrix.width() + 2 * QUIET_ZONE;
    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {size} {size}" "#,
            r#"width="{px}" height="{px}" shape-rendering="crispEdges">"#,
            r##"<rect width="{size}" height="{size}" fill="#ffffff"/>"##,
            r##"<path fill="#000000" d="{d}"/></svg>"##,
        ),
        size = size,
        px = size * 8,
        d = matrix.svg_path_data(QUIET_ZONE),
    ))
}

/// The QR code of `payload` as a PNG: 8-bit greyscale, `module_px` pixels per module
/// (1..=64), 4-module quiet zone, error-correction level M.
///
/// ```
/// let png = diachiso::payment::to_png("00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4", 4)?;
/// assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
pub fn to_png(payload: &str, module_px: u32) -> Result<Vec<u8>> {
    if !(1..=64).contains(&module_px) {
        return Err(Error::InvalidModuleSize(module_px));
    }
    let matrix = QrMatrix::encode(payload)?;
    let scale = module_px as usize;
    let side_modules = matrix.width() + 2 * QUIET_ZONE;
    let side = side_modules * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..side {
        let my = (y / scale).wrapping_sub(QUIET_ZONE);
        for x in 0..side {
            let mx = (x / scale).wrapping_sub(QUIET_ZONE);
            if matrix.is_dark(mx, my) {
                pixels[y * side + x] = 0;
            }
        }
    }
    let side_u32 = u32::try_from(side).map_err(|e| Error::Png(e.to_string()))?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| Error::Png(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| Error::Png(e.to_string()))?;
        writer.finish().map_err(|e| Error::Png(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::VietQr;
    use super::*;

    const STATIC: &str =
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4";

    fn dynamic() -> String {
        VietQr::new("970436", "0011004455667")
            .with_amount(25_000)
            .with_location_code("798580039614")
            .with_note("Xe máy")
            .payload()
            .unwrap()
    }

    /// Decodes a PNG to (width, height, greyscale pixels).
    fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buf.truncate(info.buffer_size());
        (info.width as usize, info.height as usize, buf)
    }

    fn scan(png_bytes: &[u8]) -> Vec<String> {
        let (w, h, pixels) = decode_png(png_bytes);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        img.detect_grids()
            .into_iter()
            .map(|grid| grid.decode().unwrap().1)
            .collect()
    }

    #[test]
    fn png_of_static_payload_decodes_back() {
        let png = to_png(STATIC, 4).unwrap();
        assert_eq!(scan(&png), vec![STATIC.to_string()]);
    }

    #[test]
    fn png_of_dynamic_payload_decodes_back() {
        let payload = dynamic();
        let png = to_png(&payload, 3).unwrap();
        assert_eq!(scan(&png), vec![payload]);
    }

    #[test]
    fn png_has_quiet_zone_and_exact_size() {
        let m = QrMatrix::encode(STATIC).unwrap();
        let (w, h, pixels) = decode_png(&to_png(STATIC, 2).unwrap());
        assert_eq!((w, h), ((m.width() + 8) * 2, (m.width() + 8) * 2));
        for y in 0..h {
            for x in 0..w {
                let in_quiet = x < 8 || y < 8 || x >= w - 8 || y >= h - 8;
                if in_quiet {
                    assert_eq!(pixels[y * w + x], 255, "({x}, {y})");
                } else {
                    let dark = m.is_dark(x / 2 - 4, y / 2 - 4);
                    assert_eq!(pixels[y * w + x], if dark { 0 } else { 255 });
                }
            }
        }
    }

    #[test]
    fn png_module_size_is_checked() {
        assert_eq!(to_png(STATIC, 0), Err(Error::InvalidModuleSize(0)));
        assert_eq!(to_png(STATIC, 65), Err(Error::InvalidModuleSize(65)));
    }

    /// Rebuilds the module grid from the SVG's path (`M x y h n v1 h-n z` rectangles).
    fn grid_from_svg(svg: &str) -> (usize, Vec<Vec<bool>>) {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("shape-rendering"), Some("crispEdges"));
        let view_box: Vec<usize> = root
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        let size = view_box[2];
        let paths: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .collect();
        assert_eq!(paths.len(), 1, "exactly one <path>");
        let d = paths[0].attribute("d").unwrap();
        let mut grid = vec![vec![false; size]; size];
        for rect in d.split('z').map(str::trim).filter(|r| !r.is_empty()) {
            let rect = rect.strip_prefix('M').unwrap();
            let (xy, rest) = rect.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let (run, rest) = rest.split_once('v').unwrap();
            let run: usize = run.parse().unwrap();
            assert_eq!(rest, format!("1h-{run}"));
            for cell in &mut grid[y][x..x + run] {
                assert!(!*cell, "overlapping rectangles at ({x}, {y})");
                *cell = true;
            }
        }
        (size, grid)
    }

    #[test]
    fn svg_rects_match_the_qrcode_matrix() {
        for payload in [STATIC.to_string(), dynamic()] {
            let svg = to_svg(&payload).unwrap();
            let (size, grid) = grid_from_svg(&svg);
            let code =
                qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
                    .unwrap();
            let w = code.width();
            assert_eq!(size, w + 2 * QUIET_ZONE);
            let colors = code.to_colors();
            for (y, row) in grid.iter().enumerate() {
                for (x, &dark) in row.iter().enumerate() {
                    let expected = x >= QUIET_ZONE
                        && y >= QUIET_ZONE
                        && x < QUIET_ZONE + w
                        && y < QUIET_ZONE + w
                        && colors[(y - QUIET_ZONE) * w + (x - QUIET_ZONE)] == qrcode::Color::Dark;
                    assert_eq!(dark, expected, "module ({x}, {y})");
                }
            }
        }
    }
}
