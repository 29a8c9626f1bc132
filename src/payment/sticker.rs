//! The printable A5 payment sticker of a parking lot.

use super::error::{Error, Result};
use super::matrix::{QrMatrix, QUIET_ZONE};
use super::vietqr::parse_vietqr;
use super::vnd::format_vnd;
use super::xml::escape;

/// Most fee rows that fit on the sheet.
pub const MAX_FEE_ROWS: usize = 6;

/// One line of the fee table, e.g. "Xe máy · Lượt · 5.000 đ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeRow {
    /// Vehicle type in Vietnamese ("Xe máy", "Ô tô dưới 9 chỗ").
    pub vehicle_label_vi: String,
    /// What the fee covers ("Lượt", "Ngày đêm", "Tháng").
    pub period_label_vi: String,
    /// Fee in whole đồng.
    pub amount_vnd: u64,
}

/// Everything printed on a parking lot's payment sticker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickerInfo {
    /// Name of the lot ("Bãi đỗ xe chợ Phố Hiến").
    pub lot_name: String,
    /// 12-digit location code; printed grouped as `7985 8003 9614`.
    pub location_code: String,
    /// Address line.
    pub address: String,
    /// Who runs the lot.
    pub operator: String,
    /// Fee table, at most [`MAX_FEE_ROWS`] rows.
    pub fees: Vec<FeeRow>,
    /// VietQR payload drawn as the QR code (see [`super::VietQr::payload`]).
    pub qr_payload: String,
    /// Receiving bank and account as shown to people ("Vietcombank · 0011004455667").
    pub bank_label: String,
    /// Whether this is generated demo data; if so the sheet says so in red.
    pub generated: bool,
}

/// `798580039614` → `7985 8003 9614`.
fn group_code(code: &str) -> String {
    format!("{} {} {}", &code[..4], &code[4..8], &code[8..])
}

/// Font size (mm) that keeps `text` within `max_width` mm, from `preferred` down.
fn fit_font(text: &str, preferred: f64, max_width: f64) -> f64 {
    // Average glyph advance of a sans-serif face is about 0.55 em.
    let chars = text.chars().count().max(1) as f64;
    (max_width / (chars * 0.55)).min(preferred)
}

fn text_el(out: &mut String, x: f64, y: f64, size: f64, weight: &str, fill: &str, text: &str) {
    out.push_str(&format!(
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size:.2}" font-weight="{weight}" fill="{fill}" text-anchor="middle">{}</text>"#,
        escape(text)
    ));
    out.push('\n');
}

/// The sticker as an SVG document for A5 portrait paper (148 × 210 mm, user unit = 1 mm):
/// title "BÃI ĐỖ XE" and lot name, address and operator, the VietQR code (vector rectangles
/// from the same module matrix as [`super::to_svg`]), "Quét mã VietQR để thanh toán", the
/// bank label, the grouped location code, the fee table, and — for generated data — a red
/// "DỮ LIỆU MẪU (sinh tự động)" label.
///
/// Fails if the location code is not 12 digits, there are more than [`MAX_FEE_ROWS`] fees,
/// the payload is not a valid VietQR code, or the payload carries a different location code.
///
/// ```
/// use diachiso::payment::{sticker_svg, FeeRow, StickerInfo, VietQr};
/// let info = StickerInfo {
///     lot_name: "Bãi đỗ xe chợ Phố Hiến".into(),
///     location_code: "798580039614".into(),
///     address: "Phường Phố Hiến, Hưng Yên".into(),
///     operator: "HTX Dịch vụ Phố Hiến".into(),
///     fees: vec![FeeRow { vehicle_label_vi: "Xe máy".into(), period_label_vi: "Lượt".into(), amount_vnd: 5_000 }],
///     qr_payload: VietQr::new("970436", "0011004455667").with_location_code("798580039614").payload()?,
///     bank_label: "Vietcombank · 0011004455667".into(),
///     generated: true,
/// };
/// let svg = sticker_svg(&info)?;
/// assert!(svg.contains("7985 8003 9614") && svg.contains("5.000 đ"));
/// # Ok::<(), diachiso::payment::Error>(())
/// ```
pub fn sticker_svg(info: &StickerInfo) -> Result<String> {
    let code = &info.location_code;
    if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidLocationCode(code.clone()));
    }
    if info.fees.len() > MAX_FEE_ROWS {
        return Err(Error::InvalidSticker(format!(
            "{} fee rows; at most {MAX_FEE_ROWS} fit",
            info.fees.len()
        )));
    }
    let parsed = parse_vietqr(&info.qr_payload)?;
    if let Some(in_payload) = &parsed.location_code {
        if in_payload != code {
            return Err(Error::InvalidSticker(format!(
                "QR payload is for location {in_payload}, sticker for {code}"
            )));
        }
    }
    let matrix = QrMatrix::encode(&info.qr_payload)?;

    const W: f64 = 148.0;
    const CX: f64 = W / 2.0;
    const INK: &str = "#000000";
    const RED: &str = "#c00000";
    /// A centred line in ink, `size` or smaller so that it fits the 130 mm between the margins.
    fn fitted_line(s: &mut String, y: f64, size: f64, weight: &str, text: &str) {
        text_el(s, CX, y, fit_font(text, size, 130.0), weight, INK, text);
    }
    let mut s = String::new();
    s.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="148mm" height="210mm" viewBox="0 0 148 210" "#,
        r#"font-family="'Noto Sans', 'DejaVu Sans', Arial, sans-serif">"#,
        "\n",
        r##"<rect x="0" y="0" width="148" height="210" fill="#ffffff"/>"##,
        "\n",
        r##"<rect x="4" y="4" width="140" height="202" rx="3" fill="none" stroke="#000000" stroke-width="0.6"/>"##,
        "\n",
    ));

    let mut y = 24.0;
    if info.generated {
        text_el(
            &mut s,
            CX,
            10.5,
            3.6,
            "bold",
            RED,
            "DỮ LIỆU MẪU (sinh tự động)",
        );
    }
    text_el(&mut s, CX, y, 11.0, "bold", INK, "BÃI ĐỖ XE");
    y += 9.0;
    fitted_line(&mut s, y, 7.0, "bold", &info.lot_name);
    y += 6.0;
    fitted_line(&mut s, y, 4.0, "normal", &info.address);
    y += 5.0;
    let operator = format!("Đơn vị quản lý: {}", info.operator);
    fitted_line(&mut s, y, 3.6, "normal", &operator);

    // QR code: 74 mm square including its 4-module quiet zone.
    let qr_size = 74.0;
    let qr_top = y + 3.0;
    let modules = (matrix.width() + 2 * QUIET_ZONE) as f64;
    let scale = qr_size / modules;
    s.push_str(&format!(
        concat!(
            r#"<g transform="translate({x:.3} {y:.3}) scale({scale:.5})" shape-rendering="crispEdges">"#,
            r##"<rect width="{m}" height="{m}" fill="#ffffff"/>"##,
            r##"<path fill="#000000" d="{d}"/></g>"##,
            "\n"
        ),
        x = CX - qr_size / 2.0,
        y = qr_top,
        scale = scale,
        m = modules,
        d = matrix.svg_path_data(QUIET_ZONE),
    ));
    y = qr_top + qr_size + 6.0;
    text_el(
        &mut s,
        CX,
        y,
        5.2,
        "bold",
        INK,
        "Quét mã VietQR để thanh toán",
    );
    y += 5.5;
    fitted_line(&mut s, y, 4.0, "normal", &info.bank_label);
    y += 7.5;
    text_el(
        &mut s,
        CX,
        y,
        4.6,
        "bold",
        INK,
        &format!("Mã định danh địa điểm: {}", group_code(code)),
    );

    // Fee table.
    y += 4.0;
    let (left, right, row_h) = (14.0, 134.0, 6.5);
    let (col_vehicle, col_period, col_amount) = (left + 2.0, 80.0, right - 2.0);
    s.push_str(&format!(
        r##"<rect x="{left}" y="{y:.1}" width="{w}" height="{row_h}" fill="#e8e8e8"/>"##,
        w = right - left
    ));
    s.push('\n');
    let header_y = y + 4.6;
    s.push_str(&format!(
        concat!(
            r#"<g font-size="3.6" font-weight="bold">"#,
            r#"<text x="{a}" y="{y:.1}">Loại xe</text>"#,
            r#"<text x="{b}" y="{y:.1}">Thời gian</text>"#,
            r#"<text x="{c}" y="{y:.1}" text-anchor="end">Giá</text></g>"#,
            "\n"
        ),
        a = col_vehicle,
        b = col_period,
        c = col_amount,
        y = header_y
    ));
    for (i, fee) in info.fees.iter().enumerate() {
        let row_top = y + row_h * (i as f64 + 1.0);
        let base = row_top + 4.6;
        s.push_str(&format!(
            concat!(
                r#"<g font-size="3.6">"#,
                r#"<text x="{a}" y="{y:.1}">{v}</text>"#,
                r#"<text x="{b}" y="{y:.1}">{p}</text>"#,
                r#"<text x="{c}" y="{y:.1}" text-anchor="end">{m}</text></g>"#,
                "\n",
                r##"<line x1="{l}" y1="{t:.1}" x2="{r}" y2="{t:.1}" stroke="#000000" stroke-width="0.2"/>"##,
                "\n"
            ),
            a = col_vehicle,
            b = col_period,
            c = col_amount,
            y = base,
            v = escape(&fee.vehicle_label_vi),
            p = escape(&fee.period_label_vi),
            m = escape(&format_vnd(fee.amount_vnd)),
            l = left,
            r = right,
            t = row_top
        ));
    }
    if info.generated {
        text_el(
            &mut s,
            CX,
            201.0,
            3.6,
            "bold",
            RED,
            "DỮ LIỆU MẪU (sinh tự động) - không dùng để thanh toán thật",
        );
    }
    s.push_str("</svg>\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::super::VietQr;
    use super::*;

    fn info() -> StickerInfo {
        StickerInfo {
            lot_name: "Bãi đỗ xe chợ Phố Hiến".into(),
            location_code: "798580039614".into(),
            address: "Phường Phố Hiến, tỉnh Hưng Yên".into(),
            operator: "HTX Dịch vụ Phố Hiến".into(),
            fees: vec![
                FeeRow {
                    vehicle_label_vi: "Xe máy".into(),
                    period_label_vi: "Lượt".into(),
                    amount_vnd: 5_000,
                },
                FeeRow {
                    vehicle_label_vi: "Ô tô dưới 9 chỗ".into(),
                    period_label_vi: "Ngày đêm".into(),
                    amount_vnd: 30_000,
                },
                FeeRow {
                    vehicle_label_vi: "Ô tô".into(),
                    period_label_vi: "Tháng".into(),
                    amount_vnd: 1_200_000,
                },
            ],
            qr_payload: VietQr::new("970436", "0011004455667")
                .with_location_code("798580039614")
                .payload()
                .unwrap(),
            bank_label: "Vietcombank · 0011004455667".into(),
            generated: false,
        }
    }

    /// All text content of the document, in order.
    fn all_text(doc: &roxmltree::Document) -> String {
        doc.descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn sticker_is_well_formed_a5_with_the_required_text() {
        let svg = sticker_svg(&info()).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("width"), Some("148mm"));
        assert_eq!(root.attribute("height"), Some("210mm"));
        assert_eq!(root.attribute("viewBox"), Some("0 0 148 210"));
        let text = all_text(&doc);
        for needle in [
            "BÃI ĐỖ XE",
            "Bãi đỗ xe chợ Phố Hiến",
            "Mã định danh địa điểm: 7985 8003 9614",
            "Quét mã VietQR để thanh toán",
            "Vietcombank · 0011004455667",
            "5.000 đ",
            "30.000 đ",
            "1.200.000 đ",
            "Ô tô dưới 9 chỗ",
            "Ngày đêm",
        ] {
            assert!(text.contains(needle), "missing {needle:?}");
        }
        assert!(!text.contains("DỮ LIỆU MẪU"));
    }

    #[test]
    fn generated_data_is_labelled() {
        let svg = sticker_svg(&StickerInfo {
            generated: true,
            ..info()
        })
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(all_text(&doc).contains("DỮ LIỆU MẪU (sinh tự động)"));
    }

    #[test]
    fn qr_in_the_sticker_is_the_same_matrix() {
        let i = info();
        let svg = sticker_svg(&i).unwrap();
        let matrix = QrMatrix::encode(&i.qr_payload).unwrap();
        assert!(svg.contains(&format!(r#"d="{}""#, matrix.svg_path_data(QUIET_ZONE))));
    }

    #[test]
    fn markup_in_names_is_escaped() {
        let nasty = r#"<script>alert('x & "y"')</script>"#;
        let svg = sticker_svg(&StickerInfo {
            lot_name: nasty.into(),
            address: "A & B <C>".into(),
            operator: "\"O'Neil\"".into(),
            bank_label: "<&>\"'".into(),
            fees: vec![FeeRow {
                vehicle_label_vi: "<xe>".into(),
                period_label_vi: "&".into(),
                amount_vnd: 2_000,
            }],
            ..info()
        })
        .unwrap();
        assert!(!svg.contains("<script>"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let text = all_text(&doc);
        assert!(text.contains(nasty));
        assert!(text.contains("A & B <C>"));
        assert!(text.contains("Đơn vị quản lý: \"O'Neil\""));
        assert!(text.contains("<&>\"'"));
        assert!(text.contains("<xe>"));
        assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    }

    #[test]
    fn invalid_stickers_are_rejected() {
        assert!(matches!(
            sticker_svg(&StickerInfo {
                location_code: "7985 8003 9614".into(),
                ..info()
            }),
            Err(Error::InvalidLocationCode(_))
        ));
        let row = info().fees[0].clone();
        assert!(matches!(
            sticker_svg(&StickerInfo {
                fees: vec![row; MAX_FEE_ROWS + 1],
                ..info()
            }),
            Err(Error::InvalidSticker(_))
        ));
        assert!(sticker_svg(&StickerInfo {
            qr_payload: "hello".into(),
            ..info()
        })
        .is_err());
        assert!(matches!(
            sticker_svg(&StickerInfo {
                location_code: "111122223333".into(),
                ..info()
            }),
            Err(Error::InvalidSticker(_))
        ));
    }

    #[test]
    fn long_names_shrink_to_fit() {
        assert_eq!(fit_font("ngắn", 7.0, 130.0), 7.0);
        let long = "x".repeat(80);
        assert!(fit_font(&long, 7.0, 130.0) * 0.55 * 80.0 <= 130.0 + 1e-9);
    }
}
