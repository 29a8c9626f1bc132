//! The administrative units an address can name: today's communes (loaded in the registry),
//! and the pre-2025 wards, districts and provinces they were formed from
//! (`data/hung-yen-2025/old-to-new-communes.csv`, which covers the former provinces Hưng Yên
//! and Thái Bình), with the names of every province so that one elsewhere is recognised.

use std::collections::HashMap;

use super::token::Token;
use crate::text::{fold, is_plain, one_edit_apart, same_word};

/// The pre-2025 communes of Hưng Yên and Thái Bình and the commune each went to.
const OLD_TO_NEW_CSV: &str = include_str!("../../data/hung-yen-2025/old-to-new-communes.csv");

/// The level of an administrative unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Xã, phường, thị trấn (before 2025), đặc khu.
    Commune,
    /// Huyện, thị xã, thành phố thuộc tỉnh, quận: abolished on 1 July 2025.
    District,
    Province,
}

/// A unit's type word and name, split: "Phường Hiến Nam" → ("Phường", "Hiến Nam").
pub fn split_unit_name(full: &str) -> (&str, &str) {
    for prefix in [
        "Thị trấn",
        "Thị xã",
        "Thành phố",
        "Đặc khu",
        "Phường",
        "Huyện",
        "Quận",
        "Tỉnh",
        "Xã",
    ] {
        if let Some(rest) = full.strip_prefix(prefix) {
            if rest.starts_with(' ') {
                return (prefix, rest.trim());
            }
        }
    }
    ("", full.trim())
}

/// A commune in force today.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub code: String,
    /// "Phường Phố Hiến".
    pub full_name: String,
}

/// A pre-2025 commune-level unit and where it went.
#[derive(Debug, Clone, PartialEq)]
pub struct OldWard {
    pub code: String,
    /// "Phường Hiến Nam".
    pub full_name: String,
    /// Index into [`Gazetteer::districts`].
    pub district: usize,
    /// Today's communes it went to, with whether each took most of it (a ward divided
    /// between communes lists several; an undivided one, one marked `true`).
    pub new_communes: Vec<(String, bool)>,
}

/// A pre-2025 district.
#[derive(Debug, Clone, PartialEq)]
pub struct OldDistrict {
    pub code: String,
    /// "Thành phố Hưng Yên".
    pub full_name: String,
    /// Index into [`Gazetteer::provinces`].
    pub province: usize,
}

/// A province, today's or a former one.
#[derive(Debug, Clone, PartialEq)]
pub struct Province {
    pub code: String,
    /// "Tỉnh Hưng Yên".
    pub full_name: String,
    /// Today's province it is part of (its own code when it still exists).
    pub now_part_of: String,
}

/// Where a name can point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Commune(usize),
    OldWard(usize),
    District(usize),
    Province(usize),
}

impl Unit {
    pub fn level(self) -> Level {
        match self {
            Unit::Commune(_) | Unit::OldWard(_) => Level::Commune,
            Unit::District(_) => Level::District,
            Unit::Province(_) => Level::Province,
        }
    }
}

/// A name found in the words of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    pub unit: Unit,
    /// Token positions `start..end` of the name.
    pub start: usize,
    pub end: usize,
    /// Words matched with one typo.
    pub typos: u32,
}

/// Folded names → units, looked up by their first word.
#[derive(Debug, Default)]
struct NameTable {
    /// (folded words, words as written, unit)
    names: Vec<(Vec<String>, Vec<String>, Unit)>,
    by_first_word: HashMap<String, Vec<usize>>,
}

impl NameTable {
    fn add(&mut self, name: &str, unit: Unit) {
        let words: Vec<String> = fold(name).split_whitespace().map(str::to_owned).collect();
        let written: Vec<String> = name.split_whitespace().map(str::to_owned).collect();
        if let Some(first) = words.first() {
            self.by_first_word
                .entry(first.clone())
                .or_default()
                .push(self.names.len());
            self.names.push((words, written, unit));
        }
    }

    /// Every name that the words from `start` spell (within one part of the address), with
    /// one typo allowed in each word of five letters or more. With `strict`, a word written
    /// with diacritics must be the name's own word ("Huệ" is not "Huế") and no typo is allowed.
    fn find(
        &self, tokens: &[Token], start: usize, used: &[bool], strict: bool,
        out: &mut Vec<NameMatch>,
    ) {
        let Some(first) = tokens.get(start) else {
            return;
        };
        let exact = self.by_first_word.get(&first.key).into_iter().flatten();
        let mut fuzzy = Vec::new();
        if !strict && first.key.chars().count() >= 5 {
            for (word, ids) in &self.by_first_word {
                if word != &first.key
                    && word.chars().count() >= 5
                    && one_edit_apart(word, &first.key)
                {
                    fuzzy.extend(ids);
                }
            }
        }
        for &id in exact.chain(fuzzy.iter().copied()) {
            let (words, written, unit) = &self.names[id];
            let mut typos = 0;
            let mut ok = true;
            for (k, word) in words.iter().enumerate() {
                let i = start + k;
                let Some(t) = tokens.get(i) else {
                    ok = false;
                    break;
                };
                if used[i] || (k > 0 && t.boundary_before) {
                    ok = false;
                    break;
                }
                if strict
                    && t.key == *word
                    && !is_plain(&t.text)
                    && !same_word(&t.text, &written[k])
                {
                    ok = false;
                    break;
                }
                if t.key != *word {
                    if !strict && word.chars().count() >= 5 && one_edit_apart(word, &t.key) {
                        typos += 1;
                    } else {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                out.push(NameMatch {
                    unit: *unit,
                    start,
                    end: start + words.len(),
                    typos,
                });
            }
        }
    }
}

/// Every administrative unit an address may name.
#[derive(Debug, Default)]
pub struct Gazetteer {
    pub communes: Vec<Commune>,
    pub old_wards: Vec<OldWard>,
    pub districts: Vec<OldDistrict>,
    pub provinces: Vec<Province>,
    /// Names without their type word ("Hiến Nam"), by level.
    names: [NameTable; 3],
}

impl Gazetteer {
    /// The gazetteer of today's `communes` (code, full name such as "Phường Phố Hiến"), the
    /// embedded pre-2025 units, and the provinces named in `provinces` (code, full name).
    pub fn new(communes: &[(String, String)], provinces: &[(String, String)]) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (code, full_name) in provinces {
            g.add_province(code, full_name, code);
        }
        for (code, full_name) in communes {
            let unit = Unit::Commune(g.communes.len());
            g.communes.push(Commune {
                code: code.clone(),
                full_name: full_name.clone(),
            });
            g.names[0].add(split_unit_name(full_name).1, unit);
        }
        let mut reader = csv::Reader::from_reader(OLD_TO_NEW_CSV.as_bytes());
        for record in reader.records().flatten() {
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let province = g.province_index(field(0), field(1));
            let district = g.district_index(field(2), field(3), province);
            let ward = match g.old_wards.iter().position(|w| w.code == field(4)) {
                Some(w) => w,
                None => {
                    let unit = Unit::OldWard(g.old_wards.len());
                    g.names[0].add(split_unit_name(field(5)).1, unit);
                    g.old_wards.push(OldWard {
                        code: field(4).to_owned(),
                        full_name: field(5).to_owned(),
                        district,
                        new_communes: Vec::new(),
                    });
                    g.old_wards.len() - 1
                }
            };
            let divided = field(8) == "true";
            let takes_most = !divided || field(9) == "true";
            g.old_wards[ward]
                .new_communes
                .push((field(6).to_owned(), takes_most));
        }
        // "HY", "TB": how the provinces are abbreviated in records.
        for (abbreviation, code) in [("HY", "33"), ("TB", "34")] {
            if let Some(p) = g.provinces.iter().position(|p| p.code == code) {
                g.names[2].add(abbreviation, Unit::Province(p));
            }
        }
        g
    }

    fn add_province(&mut self, code: &str, full_name: &str, now_part_of: &str) -> usize {
        if let Some(p) = self.provinces.iter().position(|p| p.code == code) {
            return p;
        }
        let unit = Unit::Province(self.provinces.len());
        self.names[2].add(split_unit_name(full_name).1, unit);
        self.provinces.push(Province {
            code: code.to_owned(),
            full_name: full_name.to_owned(),
            now_part_of: now_part_of.to_owned(),
        });
        self.provinces.len() - 1
    }

    fn province_index(&mut self, code: &str, full_name: &str) -> usize {
        // Thái Bình (34) was merged into Hưng Yên (33) on 1 July 2025.
        let now = if code == "34" { "33" } else { code };
        match self.provinces.iter().position(|p| p.code == code) {
            Some(p) => {
                self.provinces[p].now_part_of = now.to_owned();
                p
            }
            None => self.add_province(code, full_name, now),
        }
    }

    fn district_index(&mut self, code: &str, full_name: &str, province: usize) -> usize {
        if let Some(d) = self.districts.iter().position(|d| d.code == code) {
            return d;
        }
        let unit = Unit::District(self.districts.len());
        self.names[1].add(split_unit_name(full_name).1, unit);
        self.districts.push(OldDistrict {
            code: code.to_owned(),
            full_name: full_name.to_owned(),
            province,
        });
        self.districts.len() - 1
    }

    /// The names of units of this level that the words from `start` spell: one typo allowed
    /// in each word of five letters or more, or, `exact` (a name standing without a unit
    /// word), no typo and a word written with diacritics the name's own.
    pub fn find(
        &self, level: Level, tokens: &[Token], start: usize, used: &[bool], exact: bool,
    ) -> Vec<NameMatch> {
        let mut out = Vec::new();
        self.names[level as usize].find(tokens, start, used, exact, &mut out);
        out
    }

    /// A small gazetteer for unit tests: five of today's communes (Phố Hiến, Tân Hưng, Sơn
    /// Nam, Lạc Đạo, Đại Đồng), Hưng Yên and Hà Nội, and every former unit.
    #[cfg(test)]
    pub fn for_tests() -> Gazetteer {
        Gazetteer::new(
            &[
                ("11953".into(), "Phường Phố Hiến".into()),
                ("11977".into(), "Xã Tân Hưng".into()),
                ("11983".into(), "Phường Sơn Nam".into()),
                ("11992".into(), "Xã Lạc Đạo".into()),
                ("11995".into(), "Xã Đại Đồng".into()),
            ],
            &[
                ("33".into(), "Tỉnh Hưng Yên".into()),
                ("01".into(), "Thành phố Hà Nội".into()),
            ],
        )
    }

    /// The full name of a unit ("Phường Hiến Nam").
    pub fn full_name(&self, unit: Unit) -> &str {
        match unit {
            Unit::Commune(i) => &self.communes[i].full_name,
            Unit::OldWard(i) => &self.old_wards[i].full_name,
            Unit::District(i) => &self.districts[i].full_name,
            Unit::Province(i) => &self.provinces[i].full_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::tokenize;

    fn gazetteer() -> Gazetteer {
        Gazetteer::for_tests()
    }

    #[test]
    fn old_units_go_to_todays_communes() {
        let g = gazetteer();
        let hien_nam = g
            .old_wards
            .iter()
            .find(|w| w.full_name == "Phường Hiến Nam")
            .expect("Hiến Nam is a former ward");
        assert_eq!(hien_nam.new_communes, [("11953".to_string(), true)]);
        assert_eq!(
            g.districts[hien_nam.district].full_name,
            "Thành phố Hưng Yên"
        );
        let divided = g
            .old_wards
            .iter()
            .find(|w| w.new_communes.len() > 1)
            .expect("some former communes were divided");
        assert_eq!(
            divided
                .new_communes
                .iter()
                .filter(|(_, most)| *most)
                .count(),
            1
        );
        let thai_binh = g
            .provinces
            .iter()
            .find(|p| p.code == "34")
            .expect("Thái Bình");
        assert_eq!(thai_binh.now_part_of, "33");
    }

    #[test]
    fn names_with_a_typo_and_without_diacritics() {
        let g = gazetteer();
        let t = tokenize("quagn chau, tp hung yen");
        let used = vec![false; t.len()];
        let found = g.find(Level::Commune, &t, 0, &used, false);
        assert!(
            found
                .iter()
                .any(|m| g.full_name(m.unit) == "Xã Quảng Châu" && m.typos == 1 && m.end == 2),
            "{found:?}"
        );
        // Short words are matched exactly: "chua" is not "chau".
        let t2 = tokenize("quang chua");
        assert!(g
            .find(Level::Commune, &t2, 0, &[false, false], false)
            .is_empty());
        let found = g.find(Level::District, &t, 3, &used, false);
        assert_eq!(found.len(), 1);
        assert_eq!(g.full_name(found[0].unit), "Thành phố Hưng Yên");
        // A name never runs over a comma.
        let t = tokenize("Hiến, Nam");
        assert!(g.find(Level::Commune, &t, 0, &[false; 2], false).is_empty());
    }
}
