//! Matching a written address to the registry: the house when its number is registered on
//! that street, else the street, a named place, or only the commune.
//!
//! Everything is answered from memory (the catalog's address index and text index), so a
//! batch of a million rows never touches the store. A house is answered only when exactly one
//! place holds that number on that street (and alley) in the communes the address allows:
//! never another house. Pre-2025 units are converted to today's commune with the embedded
//! table; a divided former commune is resolved by the street or house found, or else goes to
//! the commune that took most of it (flagged).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::Registry;
use crate::address::{alley_path, parse, parse_all, CommuneCandidate, Gazetteer, ParsedAddress};
use crate::auth::Actor;
use crate::code::LocationCode;
use crate::commune::{AdminUnits, CommuneIndex};
use crate::place::{PlaceDoc, PlaceKind, Status};
use crate::text::fold;

/// Most answers to one address.
pub const MAX_GEOCODE_LIMIT: usize = 20;

/// Longest address read, in characters.
pub const MAX_ADDRESS_QUERY_CHARS: usize = 300;

/// The columns a batch adds to every row ([`Registry::geocode_columns`]).
pub const BATCH_COLUMNS: [&str; 5] = [
    "code",
    "full_address",
    "commune_code",
    "match_level",
    "score",
];

/// The administrative units addresses are read against, and where each commune is.
#[derive(Debug)]
pub struct AdminContext {
    pub gazetteer: Gazetteer,
    /// A point inside each commune (for answers at commune level).
    points: HashMap<String, [f64; 2]>,
}

impl AdminContext {
    /// The context of the loaded communes.
    pub fn new(communes: &CommuneIndex) -> AdminContext {
        use geo::InteriorPoint;
        let list: Vec<(String, String)> = communes
            .all()
            .iter()
            .map(|c| (c.code.clone(), c.full_name.clone()))
            .collect();
        let points = communes
            .all()
            .iter()
            .filter_map(|c| {
                let p = c.boundary.interior_point()?;
                Some((c.code.clone(), [p.x(), p.y()]))
            })
            .collect();
        AdminContext {
            gazetteer: Gazetteer::new(&list, &AdminUnits::national().provinces()),
            points,
        }
    }
}

/// How much of the address was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchLevel {
    /// Only the commune.
    Commune,
    /// A named place (no house number matched).
    Place,
    /// The street (or alley); the number is not registered on it.
    Street,
    /// The house: number, street (and alleys) and commune.
    House,
}

impl MatchLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchLevel::Commune => "commune",
            MatchLevel::Place => "place",
            MatchLevel::Street => "street",
            MatchLevel::House => "house",
        }
    }
}

/// The former units an address used, converted to today's commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertedFrom {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
}

/// One answer to an address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeocodeMatch {
    /// The place's location code (house and place levels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<LocationCode>,
    /// Today's standard form ("Số 12, ngõ 5, phố Nguyễn Văn Linh, phường Phố Hiến, tỉnh Hưng
    /// Yên"), as the address export writes it.
    pub full_address: String,
    pub commune_code: String,
    pub match_level: MatchLevel,
    /// 0 to 1: how sure the match is.
    pub score: f64,
    /// Longitude, latitude.
    pub point: [f64; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<PlaceKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_from: Option<ConvertedFrom>,
    /// Why the score is lower: `typo`, `former_units`, `divided_commune`, `commune_guessed`,
    /// `alley_not_found`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<&'static str>,
}

/// An address read and matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Geocoded {
    pub parsed: ParsedAddress,
    /// Best first.
    pub matches: Vec<GeocodeMatch>,
}

/// Common abbreviations in place names, folded → folded in full.
const NAME_ABBREVIATIONS: [(&str, &str); 14] = [
    ("ubnd", "uy ban nhan dan"),
    ("hdnd", "hoi dong nhan dan"),
    ("thcs", "trung hoc co so"),
    ("thpt", "trung hoc pho thong"),
    ("th", "tieu hoc"),
    ("mn", "mam non"),
    ("bv", "benh vien"),
    ("tyt", "tram y te"),
    ("nvh", "nha van hoa"),
    ("htx", "hop tac xa"),
    ("kcn", "khu cong nghiep"),
    ("ca", "cong an"),
    ("bvdk", "benh vien da khoa"),
    ("cty", "cong ty"),
];

/// The name with its abbreviations written out ("UBND xã X" → "uy ban nhan dan xa x").
fn expand_abbreviations(name: &str) -> String {
    fold(name)
        .split_whitespace()
        .map(|w| {
            NAME_ABBREVIATIONS
                .iter()
                .find(|(short, _)| *short == w)
                .map_or(w, |(_, long)| long)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a commune candidate says about how the address was read.
struct Resolved<'a> {
    commune: u32,
    candidate: Option<&'a CommuneCandidate>,
}

impl Registry {
    /// The administrative context addresses are read against.
    pub fn admin_context(&self) -> Arc<AdminContext> {
        self.indexes().admin.clone()
    }

    /// Reads an address without matching it (for showing what was understood).
    pub fn parse_address(&self, text: &str) -> ParsedAddress {
        parse(text, &self.admin_context().gazetteer)
    }

    /// The best answer to an address as batch columns ([`BATCH_COLUMNS`]); empty when
    /// nothing matched or the text is not an address (empty, too long).
    pub fn geocode_columns(&self, actor: &Actor, address: &str) -> [String; 5] {
        let address = address.trim();
        if address.is_empty()
            || address.chars().count() > MAX_ADDRESS_QUERY_CHARS
            || address.chars().any(char::is_control)
        {
            return Default::default();
        }
        match self.geocode(actor, address, 1, None).matches.first() {
            Some(m) => [
                m.code.map(|c| c.to_string()).unwrap_or_default(),
                m.full_address.clone(),
                m.commune_code.clone(),
                m.match_level.as_str().to_owned(),
                format!("{:.3}", m.score),
            ],
            None => Default::default(),
        }
    }

    /// Matches a written address: best first, at most `limit` answers, within one commune
    /// when `commune_code` is given. Anonymous callers match active places only.
    pub fn geocode(
        &self, actor: &Actor, text: &str, limit: usize, commune_code: Option<&str>,
    ) -> Geocoded {
        let admin = self.admin_context();
        let limit = limit.clamp(1, MAX_GEOCODE_LIMIT);
        let all = actor.can_read_all();
        let visible =
            |d: &PlaceDoc| d.status == Status::Active || (all && d.status != Status::Retired);
        let only: Option<u32> = commune_code.and_then(|c| c.parse().ok());
        // The likeliest reading that finds a house, else the one that finds the most.
        let mut best: Option<(ParsedAddress, Vec<GeocodeMatch>)> = None;
        for parsed in parse_all(text, &admin.gazetteer) {
            let matches = if parsed.outside {
                Vec::new()
            } else {
                self.with_catalog(|catalog| {
                    let m = Matcher {
                        registry: self,
                        admin: &admin,
                        catalog,
                        parsed: &parsed,
                        visible: &visible,
                        only,
                    };
                    m.run(limit)
                })
            };
            let rank = |m: &[GeocodeMatch]| m.first().map(|m| (m.match_level, m.score));
            let better = match &best {
                None => true,
                Some((_, b)) => match (rank(&matches), rank(b)) {
                    (Some((l, s)), Some((bl, bs))) => l > bl || (l == bl && s > bs + 1e-9),
                    (Some(_), None) => true,
                    _ => false,
                },
            };
            let found_house = matches
                .first()
                .is_some_and(|m| m.match_level == MatchLevel::House);
            if better {
                best = Some((parsed, matches));
            }
            if found_house {
                break;
            }
        }
        let (parsed, matches) = best.unwrap_or_default();
        Geocoded { parsed, matches }
    }
}

/// One matching of one address against the catalog.
struct Matcher<'a, V: Fn(&PlaceDoc) -> bool> {
    registry: &'a Registry,
    admin: &'a AdminContext,
    catalog: &'a super::Catalog,
    parsed: &'a ParsedAddress,
    visible: &'a V,
    only: Option<u32>,
}

impl<V: Fn(&PlaceDoc) -> bool> Matcher<'_, V> {
    /// The communes the address allows, best first (all communes when it names none).
    fn communes(&self) -> Vec<Resolved<'_>> {
        let mut out: Vec<Resolved> = self
            .parsed
            .communes
            .iter()
            .filter_map(|c| {
                Some(Resolved {
                    commune: c.code.parse().ok()?,
                    candidate: Some(c),
                })
            })
            .collect();
        if let Some(only) = self.only {
            out.retain(|r| r.commune == only);
            if self.parsed.communes.is_empty() {
                out.push(Resolved {
                    commune: only,
                    candidate: None,
                });
            }
        }
        out
    }

    fn converted(candidate: Option<&CommuneCandidate>) -> Option<ConvertedFrom> {
        let c = candidate?;
        (c.from_commune.is_some() || c.from_district.is_some()).then(|| ConvertedFrom {
            commune: c.from_commune.clone(),
            district: c.from_district.clone(),
            province: c.from_province.clone(),
        })
    }

    /// Score penalties and notes for how the commune was reached.
    fn commune_notes(
        &self, r: &Resolved, n_candidates: usize, notes: &mut Vec<&'static str>,
    ) -> f64 {
        let mut penalty = 0.05 * f64::from(self.parsed.typos);
        if self.parsed.typos > 0 {
            notes.push("typo");
        }
        match r.candidate {
            Some(c) if c.from_commune.is_some() || c.from_district.is_some() => {
                notes.push("former_units");
                penalty += 0.02;
                if c.divided {
                    notes.push("divided_commune");
                    penalty += 0.1;
                }
            }
            Some(_) => {}
            None => {
                notes.push("commune_guessed");
                penalty += 0.05;
            }
        }
        if n_candidates > 1 {
            penalty += 0.05;
        }
        penalty
    }

    fn run(&self, limit: usize) -> Vec<GeocodeMatch> {
        let mut out = Vec::new();
        if self.parsed.street.is_some() || !self.parsed.alleys.is_empty() {
            self.streets(&mut out);
        }
        if !out.iter().any(|m| m.match_level == MatchLevel::House) {
            self.places(&mut out, limit);
        }
        if out.is_empty() {
            self.commune_only(&mut out);
        }
        out.sort_by(|a, b| {
            b.match_level
                .cmp(&a.match_level)
                .then(b.score.total_cmp(&a.score))
        });
        out.truncate(limit);
        out
    }

    /// House and street matches.
    fn streets(&self, out: &mut Vec<GeocodeMatch>) {
        let index = self.catalog.addresses();
        let name = self
            .parsed
            .street
            .as_ref()
            .map(|s| fold(&s.name))
            .unwrap_or_default();
        let alleys = alley_path(self.parsed.alleys.iter().map(|a| a.value.as_str()));
        let mut resolved = self.communes();
        let guessed = resolved.is_empty();
        if guessed {
            resolved = index
                .communes_with(&name)
                .iter()
                .filter(|&&c| self.only.is_none_or(|o| o == c))
                .map(|&commune| Resolved {
                    commune,
                    candidate: None,
                })
                .collect();
        }
        // (commune index in `resolved`, street name in the index, typos in it)
        let mut streets: Vec<(usize, String, u32)> = Vec::new();
        for (i, r) in resolved.iter().enumerate() {
            if index.street(r.commune, &name).is_some() {
                streets.push((i, name.clone(), 0));
            } else {
                for (near, typos) in index.near_names(r.commune, &name) {
                    streets.push((i, near.to_owned(), typos));
                }
            }
        }
        if streets.is_empty() && guessed {
            // No commune and no exact street: one typo anywhere in the province.
            let communes: Vec<u32> = index.communes().collect();
            for commune in communes
                .into_iter()
                .filter(|&c| self.only.is_none_or(|o| o == c))
            {
                for (near, typos) in index.near_names(commune, &name) {
                    resolved.push(Resolved {
                        commune,
                        candidate: None,
                    });
                    streets.push((resolved.len() - 1, near.to_owned(), typos));
                }
            }
        }
        let best_typos = streets.iter().map(|s| s.2).min().unwrap_or(0);
        streets.retain(|s| s.2 == best_typos);
        let n_streets = streets.len();
        // The house: exactly one visible place at that number on those streets.
        if let Some(number) = &self.parsed.house_number {
            let mut houses: Vec<(usize, &PlaceDoc)> = Vec::new();
            for (k, (_, street_name, _)) in streets.iter().enumerate() {
                let r = &resolved[streets[k].0];
                let Some(entry) = index.street(r.commune, street_name) else {
                    continue;
                };
                for doc in entry.at(&alleys, number) {
                    let d = self.catalog.doc(doc);
                    if (self.visible)(d) {
                        houses.push((k, d));
                    }
                }
            }
            // A divided former commune: the house decides between its parts.
            if houses.len() == 1 {
                let (k, d) = houses[0];
                let (i, _, typos) = &streets[k];
                let r = &resolved[*i];
                let mut notes = Vec::new();
                let mut penalty = self.commune_notes(r, 1, &mut notes) + 0.05 * f64::from(*typos);
                if *typos > 0 && !notes.contains(&"typo") {
                    notes.push("typo");
                }
                if r.candidate.is_some_and(|c| c.divided) {
                    // The house itself settled which part of the divided commune.
                    penalty -= 0.1;
                }
                out.push(self.place_match(d, MatchLevel::House, 1.0 - penalty, r.candidate, notes));
                return;
            }
        }
        // The street (or alley), once per commune it was found in.
        for (i, street_name, typos) in &streets {
            let r = &resolved[*i];
            let Some(entry) = self.catalog.addresses().street(r.commune, street_name) else {
                continue;
            };
            let mut notes = Vec::new();
            let mut score =
                0.8 - self.commune_notes(r, n_streets, &mut notes) - 0.05 * f64::from(*typos);
            if *typos > 0 && !notes.contains(&"typo") {
                notes.push("typo");
            }
            let alley_found = !alleys.is_empty() && entry.has_alleys(&alleys);
            if !alleys.is_empty() && !alley_found {
                notes.push("alley_not_found");
                score -= 0.1;
            }
            let street_text = if alley_found {
                let chain: Vec<String> = self
                    .parsed
                    .alleys
                    .iter()
                    .rev()
                    .map(|a| format!("{} {}", alley_word(&a.kind), a.value))
                    .collect();
                format!("{}, {}", chain.join(", "), entry.display)
            } else {
                entry.display.clone()
            };
            let points: Vec<[f64; 2]> = entry
                .some_places(64)
                .map(|d| {
                    let d = self.catalog.doc(d);
                    [d.lon, d.lat]
                })
                .collect();
            let n = points.len().max(1) as f64;
            let point = points
                .iter()
                .fold([0.0, 0.0], |a, p| [a[0] + p[0] / n, a[1] + p[1] / n]);
            let commune_code = format!("{:05}", r.commune);
            out.push(GeocodeMatch {
                code: None,
                full_address: self.registry.address_line(
                    None,
                    Some(&street_text),
                    self.parsed.hamlet.as_deref(),
                    &commune_code,
                ),
                commune_code,
                match_level: MatchLevel::Street,
                score: score.clamp(0.0, 1.0),
                point,
                name: None,
                kind: None,
                converted_from: Self::converted(r.candidate),
                notes,
            });
        }
    }

    /// Named places ("Chùa Chuông", "UBND xã Tân Hưng") in the communes allowed.
    fn places(&self, out: &mut Vec<GeocodeMatch>, limit: usize) {
        // The place's own words; a number read as a house number belongs to the name when
        // no street was given ("Cửa hàng số 12A", "Trường THCS số 2").
        let text = match (
            &self.parsed.other,
            &self.parsed.street,
            &self.parsed.house_number,
        ) {
            (Some(other), None, Some(number)) => format!("{other} {number}"),
            (Some(other), _, _) => other.clone(),
            (None, Some(street), None) => street.name.clone(),
            // Words without a type word before a number may be a name, not a street.
            (None, Some(street), Some(number)) if street.kind.is_none() => {
                format!("{} {number}", street.name)
            }
            _ => return,
        };
        let resolved = self.communes();
        let allowed: Vec<u32> = resolved.iter().map(|r| r.commune).collect();
        let keep = |d: &PlaceDoc| {
            (self.visible)(d) && (allowed.is_empty() || allowed.contains(&d.commune))
        };
        // The name as written, and with its abbreviations written out; with the commune's own
        // words, as registered names often carry them ("UBND xã Tân Hưng").
        let commune_words = self
            .parsed
            .commune
            .as_ref()
            .map(|c| c.written.clone())
            .unwrap_or_default();
        let mut queries = vec![fold(&text), expand_abbreviations(&text)];
        if !commune_words.is_empty() {
            queries.push(fold(&format!("{text} {commune_words}")));
            queries.push(expand_abbreviations(&format!("{text} {commune_words}")));
        }
        queries.dedup();
        let mut seen = std::collections::HashSet::new();
        for q in &queries {
            let words = q.split_whitespace().count().max(1) as f64;
            for (d, hit_score, _) in self.catalog.search(q, None, limit, keep) {
                if !seen.insert(d.code) {
                    continue;
                }
                let name_words = fold(&d.name).split_whitespace().count().max(1) as f64;
                // How much of the name the query covers (a short query in a long name ranks
                // lower), and how well its words matched (3 exact, 2 prefix, 1 typo; ×2 in
                // the name).
                let coverage = (words / name_words).min(1.0);
                let quality = (f64::from(hit_score) / (6.0 * words + 1.0)).min(1.0);
                let r = resolved.iter().find(|r| r.commune == d.commune);
                let mut notes = Vec::new();
                let penalty = r.map_or(0.0, |r| self.commune_notes(r, 1, &mut notes));
                let score = 0.4 + 0.3 * coverage + 0.2 * quality - penalty;
                out.push(self.place_match(
                    d,
                    MatchLevel::Place,
                    score,
                    r.and_then(|r| r.candidate),
                    notes,
                ));
            }
        }
    }

    /// Only the commune: the first the address allows.
    fn commune_only(&self, out: &mut Vec<GeocodeMatch>) {
        let resolved = self.communes();
        let Some(r) = resolved.first() else {
            return;
        };
        let commune_code = format!("{:05}", r.commune);
        let Some(point) = self.admin.points.get(&commune_code) else {
            return;
        };
        let mut notes = Vec::new();
        let penalty = self.commune_notes(r, resolved.len(), &mut notes);
        out.push(GeocodeMatch {
            code: None,
            full_address: self.registry.address_line(
                None,
                None,
                self.parsed.hamlet.as_deref(),
                &commune_code,
            ),
            commune_code,
            match_level: MatchLevel::Commune,
            score: (0.4 - penalty).clamp(0.0, 1.0),
            point: *point,
            name: None,
            kind: None,
            converted_from: Self::converted(r.candidate),
            notes,
        });
    }

    fn place_match(
        &self, d: &PlaceDoc, level: MatchLevel, score: f64, candidate: Option<&CommuneCandidate>,
        notes: Vec<&'static str>,
    ) -> GeocodeMatch {
        let commune_code = d.commune_code();
        GeocodeMatch {
            code: Some(d.code),
            full_address: self.registry.address_line(
                d.house_number(),
                d.street(),
                d.hamlet(),
                &commune_code,
            ),
            commune_code,
            match_level: level,
            score: score.clamp(0.0, 1.0),
            point: [d.lon, d.lat],
            name: Some(d.name.to_string()),
            kind: Some(d.kind),
            converted_from: Self::converted(candidate),
            notes,
        }
    }
}

/// The alley's type word as written in an address.
fn alley_word(kind: &str) -> &'static str {
    match kind {
        "ngach" => "ngách",
        "hem" => "hẻm",
        "kiet" => "kiệt",
        _ => "ngõ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_written_out() {
        assert_eq!(
            expand_abbreviations("UBND xã Tân Hưng"),
            "uy ban nhan dan xa tan hung"
        );
        assert_eq!(
            expand_abbreviations("Trường THCS Lê Lợi"),
            "truong trung hoc co so le loi"
        );
        assert_eq!(expand_abbreviations("Chùa Chuông"), "chua chuong");
    }
}
