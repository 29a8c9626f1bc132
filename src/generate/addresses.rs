//! A labelled test set for the geocoder: one registered address written the ways people write
//! them (today's form, no diacritics, abbreviated, reordered, pre-2025 units, one typo), and
//! addresses that do not exist. Generated from the registry's own (generated) places, so the
//! right answer of every row is known.

use super::Rng;
use crate::text::fold;

/// How an address is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Way {
    /// "Số 12, phố Lê Lợi, Tổ dân phố 3, phường Phố Hiến, tỉnh Hưng Yên".
    Today,
    /// The same in lower case without diacritics.
    NoDiacritics,
    /// "SN 12, P. Lê Lợi, TDP 3, P. Phố Hiến, T. Hưng Yên" and the like.
    Abbreviated,
    /// The parts in another order, commas dropped or moved.
    Reordered,
    /// With the ward, district and province of before 1 July 2025.
    Pre2025,
    /// One typo in a word of five letters or more.
    Typo,
    /// A number that is not registered on the street: no house may be answered.
    NoSuchHouse,
}

impl Way {
    pub const ALL: [Way; 7] = [
        Way::Today,
        Way::NoDiacritics,
        Way::Abbreviated,
        Way::Reordered,
        Way::Pre2025,
        Way::Typo,
        Way::NoSuchHouse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Way::Today => "today's form",
            Way::NoDiacritics => "without diacritics",
            Way::Abbreviated => "abbreviated",
            Way::Reordered => "reordered",
            Way::Pre2025 => "pre-2025 units",
            Way::Typo => "one typo",
            Way::NoSuchHouse => "number not registered",
        }
    }
}

/// What is known of a registered house, to write it.
#[derive(Debug, Clone)]
pub struct HouseParts {
    pub number: String,
    /// "phố Lê Lợi" or "đường Lê Lợi".
    pub street: String,
    pub hamlet: Option<String>,
    /// "Phường Phố Hiến".
    pub commune: String,
    /// "Tỉnh Hưng Yên".
    pub province: String,
    /// Former units whose area went (mostly) to this commune: (ward, district, province).
    pub former: Vec<(String, String, String)>,
    /// A number that no place holds on this street (for [`Way::NoSuchHouse`]).
    pub free_number: String,
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// "Phường Phố Hiến" → ("Phường", "Phố Hiến").
fn split(full: &str) -> (&str, &str) {
    crate::address::split_unit_name(full)
}

fn abbreviate_unit(full: &str) -> String {
    let (kind, name) = split(full);
    let short = match kind {
        "Phường" => "P.",
        "Xã" => "X.",
        "Thị trấn" => "TT.",
        "Huyện" => "H.",
        "Thị xã" => "TX.",
        "Thành phố" => "TP.",
        "Tỉnh" => "T.",
        _ => "",
    };
    format!("{short} {name}").trim().to_owned()
}

fn abbreviate_street(street: &str) -> String {
    if let Some(name) = street.strip_prefix("phố ") {
        format!("P. {name}")
    } else if let Some(name) = street.strip_prefix("đường ") {
        format!("Đ. {name}")
    } else {
        street.to_owned()
    }
}

fn abbreviate_hamlet(hamlet: &str) -> String {
    hamlet
        .strip_prefix("Tổ dân phố ")
        .map(|n| format!("TDP {n}"))
        .unwrap_or_else(|| hamlet.to_owned())
}

/// Tone marks placed the older way ("hòa" → "hoà", "thủy" → "thuỷ"), as many records are.
fn old_tone_placement(text: &str) -> String {
    const PAIRS: [(&str, &str); 10] = [
        ("òa", "oà"),
        ("óa", "oá"),
        ("ỏa", "oả"),
        ("õa", "oã"),
        ("ọa", "oạ"),
        ("ùy", "uỳ"),
        ("úy", "uý"),
        ("ủy", "uỷ"),
        ("ũy", "uỹ"),
        ("ụy", "uỵ"),
    ];
    PAIRS
        .iter()
        .fold(text.to_owned(), |t, (new, old)| t.replace(new, old))
}

/// One typo (two letters swapped, or one replaced) in a word of five letters or more of the
/// street's name; `None` when it has no such word.
fn with_typo(street: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = street.split(' ').collect();
    let long: Vec<usize> = (1..words.len())
        .filter(|&i| fold(words[i]).chars().count() >= 5)
        .collect();
    let &i = long.get(rng.below(long.len().max(1)))?;
    let mut chars: Vec<char> = words[i].chars().collect();
    let at = 1 + rng.below(chars.len() - 2);
    if rng.below(2) == 0 {
        chars.swap(at, at + 1);
    } else {
        chars[at] = if chars[at] == 'x' { 'z' } else { 'x' };
    }
    let typo: String = chars.into_iter().collect();
    if fold(&typo) == fold(words[i]) {
        return None;
    }
    let mut out = words.clone();
    out[i] = &typo;
    Some(out.join(" "))
}

/// The address written one way; `None` when the house gives no such form (no former units
/// known, no long word for a typo).
pub fn write_address(h: &HouseParts, way: Way, rng: &mut Rng) -> Option<String> {
    let commune = lower_first(&h.commune);
    let province = lower_first(&h.province);
    let hamlet = h.hamlet.clone();
    let today = |number: &str, street: &str| {
        [
            Some(format!("Số {number}")),
            Some(street.to_owned()),
            hamlet.clone(),
            Some(commune.clone()),
            Some(province.clone()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    };
    Some(match way {
        Way::Today => {
            let text = today(&h.number, &h.street);
            if rng.below(3) == 0 {
                old_tone_placement(&text)
            } else {
                text
            }
        }
        Way::NoDiacritics => {
            let text = fold(&today(&h.number, &h.street));
            if rng.below(3) == 0 {
                text.to_uppercase()
            } else {
                text
            }
        }
        Way::Abbreviated => {
            let number = match rng.below(3) {
                0 => format!("SN {}", h.number),
                1 => format!("số nhà {}", h.number),
                _ => h.number.clone(),
            };
            let mut parts = vec![
                format!("{number} {}", abbreviate_street(&h.street)),
                abbreviate_unit(&h.commune),
                abbreviate_unit(&h.province),
            ];
            if let Some(hamlet) = &h.hamlet {
                parts.insert(1, abbreviate_hamlet(hamlet));
            }
            // Commas are often left out.
            parts.join(if rng.below(2) == 0 { ", " } else { " " })
        }
        Way::Reordered => {
            let (_, commune_name) = split(&h.commune);
            let (_, province_name) = split(&h.province);
            match rng.below(3) {
                0 => format!(
                    "{commune_name}, {province_name}, {}, số {}",
                    h.street, h.number
                ),
                1 => format!("{} số {} {commune} {province_name}", h.street, h.number),
                _ => format!("{}, {} {}, {commune}", province_name, h.number, h.street),
            }
        }
        Way::Pre2025 => {
            let (ward, district, province) = h.former.get(rng.below(h.former.len().max(1)))?;
            let street_name = h.street.split_once(' ').map_or(h.street.as_str(), |s| s.1);
            match rng.below(2) {
                0 => format!(
                    "{} {street_name}, {}, {}, {}",
                    h.number,
                    abbreviate_unit(ward),
                    abbreviate_unit(district),
                    split(province).1
                ),
                _ => format!(
                    "Số {}, {}, {}, {}, {}",
                    h.number,
                    h.street,
                    lower_first(ward),
                    lower_first(district),
                    lower_first(province)
                ),
            }
        }
        Way::Typo => {
            // In the commune's name half the time (when it has a long word), else the street's.
            let (kind, name) = split(&h.commune);
            match with_typo(&format!("x {name}"), rng).filter(|_| rng.below(2) == 0) {
                Some(typo) => today(&h.number, &h.street).replace(
                    &commune,
                    &format!("{} {}", kind.to_lowercase(), typo.trim_start_matches("x ")),
                ),
                None => today(&h.number, &with_typo(&h.street, rng)?),
            }
        }
        Way::NoSuchHouse => today(&h.free_number, &h.street),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn house() -> HouseParts {
        HouseParts {
            number: "12".into(),
            street: "phố Nguyễn Văn Linh".into(),
            hamlet: Some("Tổ dân phố 3".into()),
            commune: "Phường Phố Hiến".into(),
            province: "Tỉnh Hưng Yên".into(),
            former: vec![(
                "Phường Hiến Nam".into(),
                "Thành phố Hưng Yên".into(),
                "Tỉnh Hưng Yên".into(),
            )],
            free_number: "9012".into(),
        }
    }

    #[test]
    fn every_way_writes_the_house() {
        let mut rng = Rng::new(7);
        let h = house();
        assert_eq!(
            write_address(&h, Way::Today, &mut rng).unwrap(),
            "Số 12, phố Nguyễn Văn Linh, Tổ dân phố 3, phường Phố Hiến, tỉnh Hưng Yên"
        );
        assert_eq!(
            write_address(&h, Way::NoDiacritics, &mut rng)
                .unwrap()
                .to_lowercase(),
            "so 12, pho nguyen van linh, to dan pho 3, phuong pho hien, tinh hung yen"
        );
        assert_eq!(old_tone_placement("xã Hòa Bình, Thủy"), "xã Hoà Bình, Thuỷ");
        let abbreviated = write_address(&h, Way::Abbreviated, &mut rng).unwrap();
        assert!(
            abbreviated.contains("P. Nguyễn Văn Linh") && abbreviated.contains("TDP 3"),
            "{abbreviated}"
        );
        let old = write_address(&h, Way::Pre2025, &mut rng).unwrap();
        assert!(
            old.contains("Hiến Nam") && !old.contains("Phố Hiến"),
            "{old}"
        );
        let typo = write_address(&h, Way::Typo, &mut rng).unwrap();
        assert_ne!(
            fold(&typo),
            fold(&write_address(&h, Way::Today, &mut rng).unwrap())
        );
        assert!(write_address(&h, Way::NoSuchHouse, &mut rng)
            .unwrap()
            .starts_with("Số 9012,"));
        let no_former = HouseParts {
            former: vec![],
            ..house()
        };
        assert!(write_address(&no_former, Way::Pre2025, &mut rng).is_none());
    }
}
