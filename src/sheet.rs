//! Places from the spreadsheets communes already keep: columns recognised by their Vietnamese
//! or English headers (without diacritics, any case), kinds written in words, comma decimals,
//! coordinates in VN-2000 (surveyors' X = northing, Y = easting), and every other column kept
//! as an attribute under its header.
//!
//! Pure: a row becomes the GeoJSON Feature the registry validates like any other.

use serde_json::{json, Map, Value};

use crate::address::{parse, Gazetteer};
use crate::crs::Crs;
use crate::place::PlaceKind;
use crate::text::fold;

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Name,
    Kind,
    /// A whole address ("Số 12, phố Lê Lợi, thôn 3"), read into its parts.
    Address,
    HouseNumber,
    Street,
    Hamlet,
    Lon,
    Lat,
    /// `X`: the northing in a VN-2000 survey table, the longitude in a geographic file.
    X,
    /// `Y`: the easting in a VN-2000 survey table, the latitude in a geographic file.
    Y,
    Easting,
    Northing,
    /// The commune's code as the file says (checked, not trusted).
    CommuneCode,
    /// The commune's name as the file says (checked, not trusted).
    Commune,
    /// A row number (STT): not kept.
    Skip,
    /// Anything else: kept as an attribute under its header.
    Keep,
}

impl Role {
    /// The role's name in `--columns name=Tên,…`.
    pub fn parse(s: &str) -> Option<Role> {
        Some(match fold(s).replace([' ', '-'], "_").as_str() {
            "name" => Role::Name,
            "kind" => Role::Kind,
            "address" => Role::Address,
            "house_number" => Role::HouseNumber,
            "street" => Role::Street,
            "hamlet" => Role::Hamlet,
            "lon" => Role::Lon,
            "lat" => Role::Lat,
            "x" => Role::X,
            "y" => Role::Y,
            "easting" => Role::Easting,
            "northing" => Role::Northing,
            "commune_code" => Role::CommuneCode,
            "commune" => Role::Commune,
            "skip" => Role::Skip,
            "keep" => Role::Keep,
            _ => return None,
        })
    }
}

/// Headers (folded, punctuation as spaces) → roles.
const SYNONYMS: [(&str, Role); 58] = [
    ("ten", Role::Name),
    ("ten dia diem", Role::Name),
    ("ten dia danh", Role::Name),
    ("ten co so", Role::Name),
    ("ten cong trinh", Role::Name),
    ("ten diem", Role::Name),
    ("name", Role::Name),
    ("loai", Role::Kind),
    ("loai dia diem", Role::Kind),
    ("loai hinh", Role::Kind),
    ("phan loai", Role::Kind),
    ("kind", Role::Kind),
    ("type", Role::Kind),
    ("dia chi", Role::Address),
    ("dia chi day du", Role::Address),
    ("dia chi chi tiet", Role::Address),
    ("address", Role::Address),
    ("so nha", Role::HouseNumber),
    ("so", Role::HouseNumber),
    ("sn", Role::HouseNumber),
    ("house number", Role::HouseNumber),
    ("house no", Role::HouseNumber),
    ("duong", Role::Street),
    ("pho", Role::Street),
    ("duong pho", Role::Street),
    ("ten duong", Role::Street),
    ("street", Role::Street),
    ("thon", Role::Hamlet),
    ("xom", Role::Hamlet),
    ("tdp", Role::Hamlet),
    ("to dan pho", Role::Hamlet),
    ("thon xom", Role::Hamlet),
    ("thon xom tdp", Role::Hamlet),
    ("khu pho", Role::Hamlet),
    ("hamlet", Role::Hamlet),
    ("kinh do", Role::Lon),
    ("lon", Role::Lon),
    ("lng", Role::Lon),
    ("long", Role::Lon),
    ("longitude", Role::Lon),
    ("vi do", Role::Lat),
    ("lat", Role::Lat),
    ("latitude", Role::Lat),
    ("x", Role::X),
    ("toa do x", Role::X),
    ("y", Role::Y),
    ("toa do y", Role::Y),
    ("easting", Role::Easting),
    ("northing", Role::Northing),
    ("ma xa", Role::CommuneCode),
    ("ma phuong xa", Role::CommuneCode),
    ("ma don vi", Role::CommuneCode),
    ("commune code", Role::CommuneCode),
    ("xa", Role::Commune),
    ("phuong", Role::Commune),
    ("xa phuong", Role::Commune),
    ("phuong xa", Role::Commune),
    ("stt", Role::Skip),
];

/// A header as compared: folded, punctuation and underscores as spaces, and what is in
/// brackets left out (units and systems: "X (m)", "Kinh độ [WGS84]", "Tọa độ Y (VN-2000)").
fn header_key(h: &str) -> String {
    let mut depth = 0u32;
    let outside: String = h
        .chars()
        .filter(|&c| {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect();
    // A header that is all brackets keeps its words.
    let h = if outside.trim().is_empty() {
        h
    } else {
        &outside
    };
    fold(h)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The roles of a file's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub header: Vec<String>,
    pub roles: Vec<Role>,
}

impl Columns {
    /// Reads a header; `overrides` (role, header) say where the rest is (`--columns`).
    ///
    /// ```
    /// use diachiso::sheet::{Columns, Role};
    /// let header = ["STT", "Tên", "Loại", "Địa chỉ", "X", "Y", "Ghi chú", "Điện thoại"].map(String::from);
    /// let c = Columns::from_header(&header, &[]).unwrap();
    /// assert_eq!(c.roles, [Role::Skip, Role::Name, Role::Kind, Role::Address, Role::X, Role::Y, Role::Keep, Role::Keep]);
    /// ```
    pub fn from_header(
        header: &[String], overrides: &[(String, String)],
    ) -> Result<Columns, String> {
        let mut roles: Vec<Role> = header
            .iter()
            .map(|h| {
                let key = header_key(h);
                SYNONYMS
                    .iter()
                    .find(|(s, _)| *s == key)
                    .map_or(Role::Keep, |(_, r)| r.clone())
            })
            .collect();
        for (role, column) in overrides {
            let role = Role::parse(role).ok_or_else(|| {
                format!("--columns: unknown field {role:?} (name, kind, address, house_number, street, hamlet, lon, lat, x, y, easting, northing, commune_code, commune, skip, keep)")
            })?;
            let i = header
                .iter()
                .position(|h| header_key(h) == header_key(column))
                .ok_or_else(|| {
                    format!(
                        "--columns: no column {column:?}; the columns are: {}",
                        header.join(", ")
                    )
                })?;
            // A role named on the command line is that column's alone.
            if role != Role::Keep && role != Role::Skip {
                for r in roles.iter_mut().filter(|r| **r == role) {
                    *r = Role::Keep;
                }
            }
            roles[i] = role;
        }
        let columns = Columns {
            header: header.to_vec(),
            roles,
        };
        let has = |r: Role| columns.roles.contains(&r);
        let located = (has(Role::Lon) && has(Role::Lat))
            || (has(Role::X) && has(Role::Y))
            || (has(Role::Easting) && has(Role::Northing));
        if !located {
            return Err(format!(
                "no coordinate columns: name them Kinh độ/Vĩ độ, Lon/Lat, X/Y or Easting/Northing, or say which with --columns lon=…,lat=… (the columns are: {})",
                header.join(", ")
            ));
        }
        if !has(Role::Name) {
            return Err(format!(
                "no name column: name it Tên, or say which with --columns name=… (the columns are: {})",
                header.join(", ")
            ));
        }
        Ok(columns)
    }

    fn cell<'a>(&self, row: &'a [String], role: Role) -> Option<&'a str> {
        self.roles
            .iter()
            .position(|r| *r == role)
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// Whether the coordinates need a `--crs` to be read (they are metres, not degrees).
    pub fn needs_crs(&self, row: &[String]) -> bool {
        let big = |role: Role, limit: f64| {
            self.cell(row, role)
                .and_then(parse_number)
                .is_some_and(|v| v.abs() > limit)
        };
        self.roles.contains(&Role::Easting)
            || big(Role::X, 180.0)
            || big(Role::Y, 180.0)
            || big(Role::Lon, 180.0)
            || big(Role::Lat, 90.0)
    }
}

/// A number as people write it: `20.6634`, `20,6634`, `2 285 411,234`, `2.285.411,234`,
/// `1,234.5`, or degrees-minutes-seconds (`106°04'05.2"`).
///
/// ```
/// use diachiso::sheet::parse_number;
/// assert_eq!(parse_number("20,6634"), Some(20.6634));
/// assert_eq!(parse_number("2 285 411,234"), Some(2_285_411.234));
/// assert_eq!(parse_number("2.285.411,234"), Some(2_285_411.234));
/// assert_eq!(parse_number("557,111.143"), Some(557_111.143));
/// assert_eq!(parse_number("106°04'30\""), Some(106.075));
/// assert_eq!(parse_number("abc"), None);
/// ```
pub fn parse_number(s: &str) -> Option<f64> {
    let s: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if s.contains('°') {
        return parse_dms(&s);
    }
    let (commas, dots) = (s.matches(',').count(), s.matches('.').count());
    let normal = match (commas, dots) {
        (0, 0) | (0, 1) => s,
        (1, 0) => s.replace(',', "."),
        (_, 0) => s.replace(',', ""),
        (0, _) => s.replace('.', ""),
        _ => {
            // Both: the last one is the decimal mark.
            if s.rfind(',') > s.rfind('.') {
                s.replace('.', "").replace(',', ".")
            } else {
                s.replace(',', "")
            }
        }
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn parse_dms(s: &str) -> Option<f64> {
    let (deg, rest) = s.split_once('°')?;
    let deg: f64 = deg.replace(',', ".").parse().ok()?;
    let (min, rest) = rest.split_once(['\'', '′']).unwrap_or((rest, ""));
    let min: f64 = if min.is_empty() {
        0.0
    } else {
        min.replace(',', ".").parse().ok()?
    };
    let sec = rest.trim_end_matches(['"', '″']).replace("''", "");
    let sec: f64 = if sec.is_empty() {
        0.0
    } else {
        sec.replace(',', ".").parse().ok()?
    };
    let value = deg.abs() + min / 60.0 + sec / 3600.0;
    Some(if deg < 0.0 { -value } else { value })
}

/// A row read into a Feature, with what the file said of its commune and any warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPlace {
    pub feature: Value,
    /// The commune the file names (a code or a name), to check against where the point is.
    pub declared_commune: Option<String>,
    pub warnings: Vec<String>,
}

/// Reads a row. `crs` is the system of the coordinates (WGS 84 lon/lat by default); with a
/// projected one, X is the northing and Y the easting as in Vietnamese survey tables (a file
/// that has them the other way round is recognised by their size). `strict` refuses columns
/// the registry does not know; otherwise they are kept as attributes.
pub fn row_place(
    columns: &Columns, row: &[String], crs: Option<Crs>, strict: bool,
    gazetteer: Option<&Gazetteer>,
) -> Result<RowPlace, String> {
    let mut warnings = Vec::new();
    let number = |role: Role, what: &str| -> Result<Option<f64>, String> {
        match columns.cell(row, role) {
            None => Ok(None),
            Some(text) => parse_number(text)
                .map(Some)
                .ok_or_else(|| format!("{what} {text:?} is not a number")),
        }
    };
    let [lon, lat] = coordinates(crs, &number, &mut warnings)?;
    let name = columns
        .cell(row, Role::Name)
        .ok_or_else(|| "no name".to_owned())?;
    let kind = match columns.cell(row, Role::Kind) {
        Some(word) => PlaceKind::from_words(word).ok_or_else(|| {
            format!("unknown kind {word:?}: write it as chùa, đình, UBND, chợ, cửa hàng, bến xe, bãi đỗ xe, trường, trạm y tế, nhà văn hóa, nhà … or one of {}", PlaceKind::ALL.map(PlaceKind::as_str).join(", "))
        })?,
        None => PlaceKind::from_words(name).ok_or_else(|| {
            "no kind: add a Loại column, or start the name with its kind (Chùa …, UBND …)".to_owned()
        })?,
    };
    let mut address = Map::new();
    if let (Some(text), Some(g)) = (columns.cell(row, Role::Address), gazetteer) {
        let parsed = parse(text, g);
        if let Some(n) = parsed.house_number {
            address.insert("house_number".into(), n.into());
        }
        let mut street: Vec<String> = parsed
            .alleys
            .iter()
            .rev()
            .map(|a| {
                let word = match a.kind.as_str() {
                    "ngach" => "ngách",
                    "hem" => "hẻm",
                    "kiet" => "kiệt",
                    _ => "ngõ",
                };
                format!("{word} {}", a.value)
            })
            .collect();
        if let Some(s) = parsed.street {
            street.push(match s.kind.as_deref() {
                Some("pho") => format!("phố {}", s.name),
                Some(_) => format!("đường {}", s.name),
                None => s.name,
            });
        }
        if !street.is_empty() {
            address.insert("street".into(), street.join(", ").into());
        }
        if let Some(h) = parsed.hamlet {
            address.insert("hamlet".into(), h.into());
        }
    }
    for (role, key) in [
        (Role::HouseNumber, "house_number"),
        (Role::Street, "street"),
        (Role::Hamlet, "hamlet"),
    ] {
        if let Some(v) = columns.cell(row, role) {
            address.insert(key.into(), v.into());
        }
    }
    let mut attributes = Map::new();
    for (i, role) in columns.roles.iter().enumerate() {
        let value = row.get(i).map(|s| s.trim()).unwrap_or("");
        if *role != Role::Keep || value.is_empty() {
            continue;
        }
        if strict {
            return Err(format!(
                "column {:?} is not one the registry knows (--strict); name its field with --columns or leave out --strict",
                columns.header[i]
            ));
        }
        attributes.insert(attribute_name(&columns.header[i]), value.into());
    }
    let declared_commune = columns
        .cell(row, Role::CommuneCode)
        .or_else(|| columns.cell(row, Role::Commune))
        .map(str::to_owned);
    let mut properties = json!({"kind": kind.as_str(), "name": name});
    if !address.is_empty() {
        properties["address"] = Value::Object(address);
    }
    if !attributes.is_empty() {
        properties["attributes"] = Value::Object(attributes);
    }
    Ok(RowPlace {
        feature: json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties,
        }),
        declared_commune,
        warnings,
    })
}

/// Reads a column's number (`None` when the cell is empty).
type CellNumber<'a> = dyn Fn(Role, &str) -> Result<Option<f64>, String> + 'a;

/// The row's WGS 84 longitude and latitude.
fn coordinates(
    crs: Option<Crs>, number: &CellNumber, warnings: &mut Vec<String>,
) -> Result<[f64; 2], String> {
    let crs = crs.unwrap_or(Crs::Crs84);
    let pair = |a: Role, b: Role, what: (&str, &str)| -> Result<Option<[f64; 2]>, String> {
        match (number(a, what.0)?, number(b, what.1)?) {
            (Some(x), Some(y)) => Ok(Some([x, y])),
            (None, None) => Ok(None),
            _ => Err(format!("{} or {} is missing", what.0, what.1)),
        }
    };
    let point = if let Some([e, n]) = pair(Role::Easting, Role::Northing, ("easting", "northing"))?
    {
        if !crs.is_projected() {
            return Err(format!("easting and northing are metres: give their system with --crs (Hưng Yên: EPSG:9209), not {crs}"));
        }
        crs.to_wgs84(e, n)
    } else if let Some([lon, lat]) = pair(Role::Lon, Role::Lat, ("longitude", "latitude"))? {
        if crs.is_projected() {
            return Err(format!(
                "longitude and latitude are degrees; {crs} is for X/Y in metres"
            ));
        }
        crs.to_wgs84(lon, lat)
    } else if let Some([x, y]) = pair(Role::X, Role::Y, ("X", "Y"))? {
        if crs.is_projected() {
            // Survey tables: X northing, Y easting. In Vietnam a northing is above 900 km and
            // an easting below it, so a file written the GIS way round is told by its numbers.
            let (e, n) = if x < y && y > 900_000.0 {
                warnings.push("X and Y read as easting and northing (their sizes say so)".into());
                (x, y)
            } else {
                (y, x)
            };
            crs.to_wgs84(e, n)
        } else {
            crs.to_wgs84(x, y)
        }
    } else {
        return Err("no coordinates".into());
    };
    let [lon, lat] = point;
    if !(lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat))
    {
        return Err(format!(
            "the coordinates give no point on Earth ({lon}, {lat}): metres need --crs (Hưng Yên: EPSG:9209)"
        ));
    }
    Ok([round7(lon), round7(lat)])
}

/// An attribute name from a header: folded, words joined by `_` ("Ghi chú" → "ghi_chu",
/// "Điện thoại" → "dien_thoai"), as attribute names are identifiers.
pub fn attribute_name(header: &str) -> String {
    let name = header_key(header).replace(' ', "_");
    let name: String = name.chars().take(64).collect();
    if name.is_empty() {
        "column".to_owned()
    } else {
        name
    }
}

/// Degrees to 7 decimals (about 1 cm): what a survey point carries.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_without_diacritics_and_overrides() {
        let c = Columns::from_header(
            &header(&["ten dia diem", "LOAI", "Kinh độ", "Vĩ độ", "Mã xã", "pid"]),
            &[],
        )
        .unwrap();
        assert_eq!(
            c.roles,
            [
                Role::Name,
                Role::Kind,
                Role::Lon,
                Role::Lat,
                Role::CommuneCode,
                Role::Keep
            ]
        );
        let c = Columns::from_header(
            &header(&["Tên cơ quan", "Toạ độ Đông", "Toạ độ Bắc"]),
            &[
                ("name".into(), "Tên cơ quan".into()),
                ("easting".into(), "toa do dong".into()),
                ("northing".into(), "Toạ độ Bắc".into()),
            ],
        )
        .unwrap();
        assert_eq!(c.roles, [Role::Name, Role::Easting, Role::Northing]);
        assert!(Columns::from_header(&header(&["Tên", "Ghi chú"]), &[])
            .unwrap_err()
            .contains("coordinate"));
        assert!(
            Columns::from_header(&header(&["a"]), &[("nom".into(), "a".into())])
                .unwrap_err()
                .contains("unknown field")
        );
    }

    #[test]
    fn headers_as_communes_write_them() {
        for (written, role) in [
            ("Tên", Role::Name),
            ("Tên địa điểm", Role::Name),
            ("TÊN CƠ SỞ", Role::Name),
            ("Loại", Role::Kind),
            ("Loại hình", Role::Kind),
            ("Phân loại", Role::Kind),
            ("Địa chỉ", Role::Address),
            ("Địa chỉ chi tiết", Role::Address),
            ("Số nhà", Role::HouseNumber),
            ("Đường/Phố", Role::Street),
            ("Tên đường", Role::Street),
            ("Thôn/Xóm/TDP", Role::Hamlet),
            ("Tổ dân phố", Role::Hamlet),
            ("Khu phố", Role::Hamlet),
            ("Kinh độ", Role::Lon),
            ("Vĩ độ", Role::Lat),
            ("Longitude", Role::Lon),
            ("lat", Role::Lat),
            ("X", Role::X),
            ("Tọa độ X", Role::X),
            ("Toạ độ Y", Role::Y),
            ("Easting", Role::Easting),
            ("Northing", Role::Northing),
            ("Mã xã", Role::CommuneCode),
            ("commune_code", Role::CommuneCode),
            ("Xã/Phường", Role::Commune),
            ("STT", Role::Skip),
            ("Ghi chú", Role::Keep),
            ("Điện thoại", Role::Keep),
            ("X (m)", Role::X),
            ("Tọa độ Y (VN-2000)", Role::Y),
            ("Kinh độ [WGS84]", Role::Lon),
            ("(Ghi chú)", Role::Keep),
        ] {
            let key = header_key(written);
            let got = SYNONYMS
                .iter()
                .find(|(s, _)| *s == key)
                .map_or(Role::Keep, |(_, r)| r.clone());
            assert_eq!(got, role, "{written}");
        }
    }

    #[test]
    fn a_survey_row_in_vn2000() {
        let c = Columns::from_header(
            &header(&["STT", "Tên", "Loại", "X", "Y", "Điện thoại"]),
            &[],
        )
        .unwrap();
        // PROJ: lon 106.05, lat 20.66 → E 557 111.143, N 2 285 411.234 (X = northing).
        let row = header(&[
            "1",
            "Chùa Keo",
            "Chùa",
            "2285411,234",
            "557111,143",
            "0221 3862 111",
        ]);
        assert!(c.needs_crs(&row));
        let p = row_place(&c, &row, Some(Crs::HUNG_YEN), false, None).unwrap();
        let xy = &p.feature["geometry"]["coordinates"];
        assert!(
            (xy[0].as_f64().unwrap() - 106.05).abs() < 1e-7
                && (xy[1].as_f64().unwrap() - 20.66).abs() < 1e-7,
            "{xy}"
        );
        assert_eq!(p.feature["properties"]["kind"], "religious_site");
        assert_eq!(
            p.feature["properties"]["attributes"]["dien_thoai"],
            "0221 3862 111"
        );
        // The same numbers the GIS way round are recognised.
        let swapped = header(&["1", "Chùa Keo", "Chùa", "557111.143", "2285411.234", ""]);
        let q = row_place(&c, &swapped, Some(Crs::HUNG_YEN), false, None).unwrap();
        assert_eq!(q.feature["geometry"], p.feature["geometry"]);
        assert_eq!(q.warnings.len(), 1);
        // Strict refuses the unknown column; an unknown kind names the word.
        assert!(row_place(&c, &row, Some(Crs::HUNG_YEN), true, None)
            .unwrap_err()
            .contains("Điện thoại"));
        let bad = header(&["1", "Chùa Keo", "Tàu", "2285411", "557111", ""]);
        assert!(row_place(&c, &bad, Some(Crs::HUNG_YEN), false, None)
            .unwrap_err()
            .contains("\"Tàu\""));
        // Metres without --crs are no point on Earth.
        assert!(row_place(&c, &row, None, false, None)
            .unwrap_err()
            .contains("--crs"));
    }

    #[test]
    fn degrees_with_comma_decimals_and_an_address() {
        let g = Gazetteer::new(&[("11953".into(), "Phường Phố Hiến".into())], &[]);
        let c = Columns::from_header(&header(&["Tên", "Địa chỉ", "Kinh độ", "Vĩ độ", "Xã"]), &[])
            .unwrap();
        let row = header(&[
            "Bãi đỗ xe Phố Hiến",
            "Số 12, ngõ 5, phố Nguyễn Văn Linh, TDP 3",
            "106,068",
            "20,6634",
            "Phố Hiến",
        ]);
        let p = row_place(&c, &row, None, false, Some(&g)).unwrap();
        assert_eq!(
            p.feature["geometry"]["coordinates"],
            json!([106.068, 20.6634])
        );
        assert_eq!(
            p.feature["properties"]["kind"], "parking_lot",
            "the kind from the name"
        );
        assert_eq!(
            p.feature["properties"]["address"],
            json!({"house_number": "12", "street": "ngõ 5, phố Nguyễn Văn Linh", "hamlet": "Tổ dân phố 3"})
        );
        assert_eq!(p.declared_commune.as_deref(), Some("Phố Hiến"));
        assert!(!c.needs_crs(&row));
    }

    #[test]
    fn every_synonym_is_recognised_as_written_and_without_diacritics() {
        for (synonym, role) in SYNONYMS.iter() {
            // Each entry is in the folded form header_key makes, or it could never match.
            assert_eq!(header_key(synonym), *synonym);
            let upper = synonym.to_uppercase().replace(' ', " / ");
            // The other coordinate, which a sheet needs.
            let others: &[&str] = match role {
                Role::Lon => &["Vĩ độ"],
                Role::Lat => &["Kinh độ"],
                Role::X => &["Y"],
                Role::Y => &["X"],
                Role::Easting => &["Northing"],
                Role::Northing => &["Easting"],
                _ => &["Kinh độ", "Vĩ độ"],
            };
            let mut written = vec![upper.as_str()];
            written.extend(others);
            if *role != Role::Name {
                written.push("Tên");
            }
            let columns = Columns::from_header(&header(&written), &[])
                .unwrap_or_else(|e| panic!("{upper}: {e}"));
            assert_eq!(columns.roles[0], *role, "{upper}");
        }
    }

    #[test]
    fn every_system_reads_as_proj_does() {
        // Every reference point of every system, written as a surveyor's sheet writes it:
        // comma decimals, X the northing and Y the easting (lon/lat for EPSG:4756).
        let comma = |v: f64| format!("{v:.6}").replace('.', ",");
        let metres = Columns::from_header(&header(&["Tên", "Loại", "X", "Y"]), &[]).unwrap();
        let degrees =
            Columns::from_header(&header(&["Tên", "Loại", "Kinh độ", "Vĩ độ"]), &[]).unwrap();
        let points = crate::crs::proj_fixture();
        let mut systems = std::collections::BTreeSet::new();
        for (crs, lon, lat, x, y) in points {
            let (columns, row) = if crs.is_projected() {
                (&metres, header(&["Điểm", "Chùa", &comma(y), &comma(x)]))
            } else {
                (
                    &degrees,
                    header(&["Điểm", "Chùa", &format!("{x:.10}"), &format!("{y:.10}")]),
                )
            };
            let p = row_place(columns, &row, Some(crs), false, None).unwrap();
            let got = &p.feature["geometry"]["coordinates"];
            let (glon, glat) = (got[0].as_f64().unwrap(), got[1].as_f64().unwrap());
            // 1 cm is about 9e-8 degrees; the sheet's mm rounding adds at most 1e-8.
            assert!(
                (glon - lon).abs() < 1e-7 && (glat - lat).abs() < 1e-7,
                "{crs}: {glon},{glat} against PROJ {lon},{lat}"
            );
            systems.insert(crs.epsg());
        }
        let expected: Vec<u32> = [4756, 3405, 3406].into_iter().chain(9205..=9218).collect();
        assert!(expected.iter().all(|e| systems.contains(e)), "{systems:?}");
    }
}
