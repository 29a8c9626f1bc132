//! Reading a Vietnamese address as people write it: in today's form or the pre-2025 one, with
//! or without diacritics, abbreviated, in any order, with or without commas.
//!
//! The administrative part is read first, against the [`Gazetteer`]: a unit word followed by a
//! known name ("P. Hiến Nam", "huyện Văn Lâm", "tỉnh Thái Bình"), then known names standing
//! alone at the edge of a part ("…, Phố Hiến, Hưng Yên"), rightmost first. What is left is
//! read from the left: the house number (`12`, `số nhà 12A`, `SN 12-1`, `12/5/3`), the alleys
//! (ngõ, ngách, hẻm, kiệt), the street (đường, phố, `Đ.`, `P.` when no commune follows), the
//! hamlet (thôn, xóm, tổ dân phố, khu phố), and words that name none of these (a place's own
//! name, "Chùa Chuông").

use serde::Serialize;

use super::gazetteer::{split_unit_name, Gazetteer, Level, NameMatch, Unit};
use super::keyword::{keyword, keyword_starts, Keyword};
use super::number::{parse_house, HouseRef};
use super::token::{tokenize, Token};
use crate::text::is_plain;

/// An alley on the way to the house.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlleyRef {
    /// `ngo`, `ngach`, `hem` or `kiet` (folded).
    pub kind: String,
    /// Its number ("5", "20A") or, for a named alley, its name.
    pub value: String,
}

/// The street, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreetRef {
    /// `duong` or `pho` when a type word was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The name as written ("Nguyễn Văn Linh").
    pub name: String,
}

/// An administrative unit the address names, and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    /// As written ("P. Hiến Nam").
    pub written: String,
    /// The units it may be, by full name ("Phường Hiến Nam"); several when a former commune's
    /// name was used in several districts and none was given.
    pub names: Vec<String>,
    /// Whether it names a unit abolished or renamed on 1 July 2025.
    pub former: bool,
}

/// A commune of today the address may be in, and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommuneCandidate {
    pub code: String,
    /// The former commune it was converted from, when the address used one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_commune: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_province: Option<String>,
    /// The former commune was divided between several of today's: this one took most of it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub took_most: bool,
    /// The former commune was divided between several of today's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub divided: bool,
}

/// What an address says, part by part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ParsedAddress {
    /// The house number as plates write it ("12A", "12-1").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// Alleys, outermost first (ngõ before ngách; `12/5/3` gives ngõ 12, ngách 5).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alleys: Vec<AlleyRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<StreetRef>,
    /// Thôn, xóm, tổ dân phố … with its type word ("Thôn 3").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<UnitRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<UnitRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<UnitRef>,
    /// Words that are none of the above (a place's own name), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// Today's communes the address may be in (empty: anywhere in the province).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communes: Vec<CommuneCandidate>,
    /// The address names a province other than Hưng Yên (and the former Thái Bình).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub outside: bool,
    /// Words read with one typo.
    #[serde(skip_serializing_if = "is_zero")]
    pub typos: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Reads an address. See the module documentation for how.
///
/// ```
/// use diachiso::address::{parse, Gazetteer};
/// let g = Gazetteer::new(
///     &[("11953".into(), "Phường Phố Hiến".into())],
///     &[("33".into(), "Tỉnh Hưng Yên".into())],
/// );
/// let a = parse("Số 12, ngõ 5, phố Nguyễn Văn Linh, phường Phố Hiến, tỉnh Hưng Yên", &g);
/// assert_eq!(a.house_number.as_deref(), Some("12"));
/// assert_eq!(a.alleys[0].value, "5");
/// assert_eq!(a.street.unwrap().name, "Nguyễn Văn Linh");
/// assert_eq!(a.communes[0].code, "11953");
///
/// // The same house in pre-2025 terms: the ward converts to today's commune.
/// let old = parse("12 ngo 5 Nguyen Van Linh, P. Hien Nam, TP. Hung Yen", &g);
/// assert_eq!(old.communes[0].code, "11953");
/// assert_eq!(old.communes[0].from_commune.as_deref(), Some("Phường Hiến Nam"));
/// ```
pub fn parse(text: &str, gazetteer: &Gazetteer) -> ParsedAddress {
    let tokens = tokenize(text);
    read(&tokens, gazetteer, Vec::new()).0
}

/// Every reasonable reading of an address, the likeliest first: a name standing alone may be
/// a commune or a street ("…, Nguyễn Văn Linh, …": Xã Nguyễn Văn Linh is a commune too), so
/// other readings take another such name as the commune (at most three readings).
pub fn parse_all(text: &str, gazetteer: &Gazetteer) -> Vec<ParsedAddress> {
    let tokens = tokenize(text);
    let mut readings = Vec::new();
    let mut banned = Vec::new();
    loop {
        let (parsed, bare_commune) = read(&tokens, gazetteer, banned.clone());
        readings.push(parsed);
        match bare_commune {
            Some(span) if readings.len() < 3 => banned.push(span),
            _ => return readings,
        }
    }
}

/// One reading; with the span it read as a bare commune name.
fn read(
    tokens: &[Token], gazetteer: &Gazetteer, banned: Vec<(usize, usize)>,
) -> (ParsedAddress, Option<(usize, usize)>) {
    let mut reader = Reader {
        tokens,
        used: vec![false; tokens.len()],
        g: gazetteer,
        units: [None, None, None],
        banned,
        bare_commune: None,
        out: ParsedAddress::default(),
    };
    reader.noise();
    reader.labelled_units();
    reader.bare_units();
    reader.local_parts();
    reader.resolve_communes();
    (reader.out, reader.bare_commune)
}

/// The state of one reading.
struct Reader<'a> {
    tokens: &'a [Token],
    used: Vec<bool>,
    g: &'a Gazetteer,
    /// The matches read for each level (commune, district, province): one name, maybe several
    /// units of that name.
    units: [Option<(Vec<Unit>, String)>; 3],
    /// Spans not to be read as a bare commune name (another reading of the same address).
    banned: Vec<(usize, usize)>,
    /// The span read as a bare commune name, if any.
    bare_commune: Option<(usize, usize)>,
    out: ParsedAddress,
}

impl Reader<'_> {
    fn written(&self, start: usize, end: usize) -> String {
        self.tokens[start..end]
            .iter()
            .map(|t| {
                if t.dotted {
                    format!("{}.", t.text)
                } else {
                    t.text.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn mark(&mut self, start: usize, end: usize) {
        self.used[start..end].iter_mut().for_each(|u| *u = true);
    }

    /// "Việt Nam", "VN", and a postcode at the end.
    fn noise(&mut self) {
        let n = self.tokens.len();
        let mut i = 0;
        while i < n {
            if let Some((Keyword::Noise, len)) = keyword(self.tokens, i) {
                self.mark(i, i + len);
                i += len;
            } else {
                i += 1;
            }
        }
        if let Some(last) = (0..n).rev().find(|&i| !self.used[i]) {
            let key = &self.tokens[last].key;
            let postcode = (5..=6).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_digit());
            if postcode && last > 0 {
                self.used[last] = true;
            }
        }
    }

    /// Records a unit read at `level` (the rightmost one wins: it is read first).
    fn take(&mut self, level: Level, matches: Vec<NameMatch>, written_from: usize) -> bool {
        let slot = level as usize;
        if self.units[slot].is_some() || matches.is_empty() {
            return false;
        }
        let best_len = matches.iter().map(|m| m.end - m.start).max().unwrap_or(0);
        let best_typos = matches
            .iter()
            .filter(|m| m.end - m.start == best_len)
            .map(|m| m.typos)
            .min()
            .unwrap_or(0);
        let best: Vec<&NameMatch> = matches
            .iter()
            .filter(|m| m.end - m.start == best_len && m.typos == best_typos)
            .collect();
        let (start, end) = (best[0].start, best[0].end);
        self.out.typos += best_typos;
        let units = best.iter().map(|m| m.unit).collect();
        let written = self.written(written_from, end);
        self.units[slot] = Some((units, written));
        self.mark(written_from.min(start), end);
        true
    }

    /// A unit word followed by a known name, read from the right.
    fn labelled_units(&mut self) {
        for (i, k, len) in keyword_starts(self.tokens).into_iter().rev() {
            if self.used[i] {
                continue;
            }
            let levels: &[Level] = match k {
                Keyword::Unit(Level::District, "Thành phố") => {
                    &[Level::District, Level::Province]
                }
                Keyword::Unit(level, _) => match level {
                    Level::Commune => &[Level::Commune],
                    Level::District => &[Level::District],
                    Level::Province => &[Level::Province],
                },
                Keyword::PhuongOrPho => &[Level::Commune],
                _ => continue,
            };
            for &level in levels {
                let found = self.g.find(level, self.tokens, i + len, &self.used, false);
                let typed = match k {
                    Keyword::Unit(_, unit_type) => found
                        .iter()
                        .filter(|m| split_unit_name(self.g.full_name(m.unit)).0 == unit_type)
                        .cloned()
                        .collect(),
                    _ => Vec::new(),
                };
                // A unit of the type written is preferred ("xã Tân Hưng" before "phường …").
                let found = if typed.is_empty() { found } else { typed };
                if self.take(level, found, i) {
                    break;
                }
            }
        }
    }

    /// Known names standing alone ("…, Phố Hiến, Hưng Yên"), part by part from the right: a
    /// name that is a whole part first, else one that ends a part (two words or more, not
    /// after a number or a type word: "12 Lê Lợi" is a street even where Lê Lợi was a ward).
    fn bare_units(&mut self) {
        let mut end = self.tokens.len();
        while end > 0 {
            if self.used[end - 1] {
                end -= 1;
                continue;
            }
            let mut start = end - 1;
            while start > 0 && !self.used[start - 1] && !self.tokens[start].boundary_before {
                start -= 1;
            }
            self.bare_in_part(start, end);
            end = start;
        }
    }

    fn bare_in_part(&mut self, start: usize, mut end: usize) {
        while end > start {
            let mut taken_at = None;
            for s in start..end {
                let whole = s == start;
                if !whole
                    && (parse_house(&self.tokens[s - 1].key).is_some() || self.after_keyword(s))
                {
                    continue;
                }
                for level in [Level::Province, Level::District, Level::Commune] {
                    if self.units[level as usize].is_some() {
                        continue;
                    }
                    let found: Vec<NameMatch> = self
                        .g
                        .find(level, self.tokens, s, &self.used, true)
                        .into_iter()
                        .filter(|m| m.end == end && (whole || m.end - m.start >= 2))
                        .filter(|m| {
                            level != Level::Commune || !self.banned.contains(&(m.start, m.end))
                        })
                        .collect();
                    if self.take(level, found, s) {
                        if level == Level::Commune {
                            self.bare_commune = Some((s, end));
                        }
                        taken_at = Some(s);
                        break;
                    }
                }
                if taken_at.is_some() {
                    break;
                }
            }
            match taken_at {
                // What is left of the part may end with another name ("… Phố Hiến Hưng Yên").
                Some(s) => end = s,
                None => return,
            }
        }
    }

    /// Whether a keyword ends right before `i`.
    fn after_keyword(&self, i: usize) -> bool {
        (1..=3).any(|len| i >= len && keyword(self.tokens, i - len).is_some_and(|(_, l)| l == len))
    }

    /// House number, alleys, street, hamlet and other words, read from the left.
    fn local_parts(&mut self) {
        let tokens = self.tokens;
        let n = tokens.len();
        let mut alleys: Vec<(usize, AlleyRef)> = Vec::new();
        let mut house: Option<HouseRef> = None;
        // Words that are nothing yet, in runs: (start, end) of each run.
        let mut free: Vec<(usize, usize)> = Vec::new();
        // Where each number (house or alley) ended: a street may follow one without its type.
        let mut number_ends: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < n {
            if self.used[i] {
                i += 1;
                continue;
            }
            let k = keyword(tokens, i).filter(|&(k, _)| self.type_word_here(i, k));
            let next_free = |j: usize| j < n && !self.used[j];
            match k {
                Some((Keyword::NumberPrefix, len)) if next_free(i + len) => {
                    if let (None, Some(h)) = (&house, parse_house(&tokens[i + len].key)) {
                        house = Some(h);
                        self.mark(i, i + len + 1);
                        number_ends.push(i + len + 1);
                        i += len + 1;
                        continue;
                    }
                }
                Some((Keyword::Alley(kind), len)) if next_free(i + len) => {
                    let value_at = i + len;
                    let value = match super::number::normalize_number(&tokens[value_at].key) {
                        Some(number) => {
                            self.mark(i, value_at + 1);
                            number_ends.push(value_at + 1);
                            number
                        }
                        None => {
                            let end = self.run_end(value_at);
                            let name = self.written(value_at, end);
                            self.mark(i, end);
                            name
                        }
                    };
                    alleys.push((
                        i,
                        AlleyRef {
                            kind: kind.to_owned(),
                            value,
                        },
                    ));
                    i = self.next_unused(i);
                    continue;
                }
                Some((Keyword::Street(kind), len))
                    if next_free(i + len) && self.out.street.is_none() =>
                {
                    let end = self.run_end(i + len);
                    self.out.street = Some(StreetRef {
                        kind: Some(if kind == "dai lo" { "duong" } else { kind }.to_owned()),
                        name: self.written(i + len, end),
                    });
                    self.mark(i, end);
                    i = end;
                    continue;
                }
                Some((Keyword::PhuongOrPho, 1))
                    if next_free(i + 1) && self.out.street.is_none() =>
                {
                    let end = self.run_end(i + 1);
                    self.out.street = Some(StreetRef {
                        kind: Some("pho".into()),
                        name: self.written(i + 1, end),
                    });
                    self.mark(i, end);
                    i = end;
                    continue;
                }
                Some((Keyword::Hamlet(kind), len))
                    if next_free(i + len) && self.out.hamlet.is_none() =>
                {
                    let end = self.run_end(i + len);
                    self.out.hamlet = Some(format!("{kind} {}", self.written(i + len, end)));
                    self.mark(i, end);
                    i = end;
                    continue;
                }
                _ => {}
            }
            // A bare house number starts a part ("12 Nguyễn Văn Linh", "…, 12/5 Lê Lợi").
            let starts_part = i == 0 || tokens[i].boundary_before || self.used[i - 1];
            if house.is_none() && starts_part {
                if let Some(h) = parse_house(&tokens[i].key) {
                    house = Some(h);
                    self.used[i] = true;
                    number_ends.push(i + 1);
                    i += 1;
                    continue;
                }
            }
            let end = self.run_end(i);
            free.push((i, end));
            i = end;
        }
        // A street written without its type word follows the house or alley number.
        if self.out.street.is_none() {
            let follows = |start: usize| number_ends.contains(&start);
            let pick = free
                .iter()
                .position(|&(s, _)| follows(s))
                .or_else(|| (house.is_some() || !alleys.is_empty()).then_some(0))
                .filter(|&p| p < free.len());
            if let Some(p) = pick {
                let (s, e) = free.remove(p);
                self.out.street = Some(StreetRef {
                    kind: None,
                    name: self.written(s, e),
                });
            }
        }
        let other: Vec<String> = free.iter().map(|&(s, e)| self.written(s, e)).collect();
        if !other.is_empty() {
            self.out.other = Some(other.join(", "));
        }
        // Outermost first: a ngõ holds its ngách.
        alleys.sort_by_key(|(_, a)| usize::from(a.kind == "ngach"));
        let mut chain: Vec<AlleyRef> = alleys.into_iter().map(|(_, a)| a).collect();
        if let Some(h) = house {
            for (depth, number) in h.alleys.into_iter().enumerate() {
                chain.push(AlleyRef {
                    kind: if depth == 0 { "ngo" } else { "ngach" }.to_owned(),
                    value: number,
                });
            }
            self.out.house_number = Some(h.number);
        }
        self.out.alleys = chain;
    }

    /// The end of a run of words from `start`: up to a part boundary, a used word or a keyword.
    fn run_end(&self, start: usize) -> usize {
        let mut end = start + 1;
        while end < self.tokens.len()
            && !self.used[end]
            && !self.tokens[end].boundary_before
            && keyword(self.tokens, end)
                .is_none_or(|(k, _)| k == Keyword::Noise || !self.type_word_here(end, k))
        {
            end += 1;
        }
        end.min(self.tokens.len())
    }

    /// Whether a street type word written without diacritics ("duong", "pho") stands where a
    /// type word goes: at the start of a part, or after a number. Inside a name it is a
    /// syllable ("An Dương Vương" written "an duong vuong").
    fn type_word_here(&self, i: usize, k: Keyword) -> bool {
        if !matches!(k, Keyword::Street(_)) || !is_plain(&self.tokens[i].text) {
            return true;
        }
        i == 0
            || self.tokens[i].boundary_before
            || self.used[i - 1]
            || parse_house(&self.tokens[i - 1].key).is_some()
    }

    fn next_unused(&self, from: usize) -> usize {
        (from..self.tokens.len())
            .find(|&j| !self.used[j])
            .unwrap_or(self.tokens.len())
    }

    /// Today's communes from the units read.
    fn resolve_communes(&mut self) {
        let g = self.g;
        let names = |units: &[Unit]| -> Vec<String> {
            units.iter().map(|&u| g.full_name(u).to_owned()).collect()
        };
        let [commune, district, province] = std::mem::take(&mut self.units);
        let district_ids: Vec<usize> = district
            .iter()
            .flat_map(|(u, _)| u.iter())
            .filter_map(|u| match u {
                Unit::District(d) => Some(*d),
                _ => None,
            })
            .collect();
        let province_ids: Vec<usize> = province
            .iter()
            .flat_map(|(u, _)| u.iter())
            .filter_map(|u| match u {
                Unit::Province(p) => Some(*p),
                _ => None,
            })
            .collect();
        if let Some((units, written)) = &province {
            let former = province_ids
                .iter()
                .any(|&p| g.provinces[p].now_part_of != g.provinces[p].code);
            self.out.outside = province_ids
                .iter()
                .all(|&p| !matches!(g.provinces[p].now_part_of.as_str(), "33"));
            self.out.province = Some(UnitRef {
                written: written.clone(),
                names: names(units),
                former,
            });
        }
        if let Some((units, written)) = &district {
            self.out.district = Some(UnitRef {
                written: written.clone(),
                names: names(units),
                former: true,
            });
        }
        let district_fits = |d: usize| {
            (district_ids.is_empty() || district_ids.contains(&d))
                && (province_ids.is_empty() || province_ids.contains(&g.districts[d].province))
        };
        let mut candidates: Vec<CommuneCandidate> = Vec::new();
        let mut push = |c: CommuneCandidate| {
            if !candidates.iter().any(|x| x.code == c.code) {
                candidates.push(c);
            }
        };
        if let Some((units, written)) = &commune {
            // Today's commune of that name, unless a former district says the name is old.
            let todays: Vec<usize> = units
                .iter()
                .filter_map(|u| match u {
                    Unit::Commune(c) => Some(*c),
                    _ => None,
                })
                .collect();
            let former: Vec<usize> = units
                .iter()
                .filter_map(|u| match u {
                    Unit::OldWard(w) => Some(*w),
                    _ => None,
                })
                .filter(|&w| district_fits(g.old_wards[w].district))
                .collect();
            let use_former = !former.is_empty() && (todays.is_empty() || !district_ids.is_empty());
            let mut matched_names = Vec::new();
            if use_former {
                for w in former {
                    let ward = &g.old_wards[w];
                    matched_names.push(ward.full_name.clone());
                    let d = &g.districts[ward.district];
                    let divided = ward.new_communes.len() > 1;
                    for (code, most) in &ward.new_communes {
                        push(CommuneCandidate {
                            code: code.clone(),
                            from_commune: Some(ward.full_name.clone()),
                            from_district: Some(d.full_name.clone()),
                            from_province: Some(g.provinces[d.province].full_name.clone()),
                            took_most: divided && *most,
                            divided,
                        });
                    }
                }
            } else {
                for c in todays {
                    matched_names.push(g.communes[c].full_name.clone());
                    push(CommuneCandidate {
                        code: g.communes[c].code.clone(),
                        from_commune: None,
                        from_district: None,
                        from_province: None,
                        took_most: false,
                        divided: false,
                    });
                }
            }
            self.out.commune = Some(UnitRef {
                written: written.clone(),
                names: matched_names,
                former: use_former,
            });
        } else if !district_ids.is_empty() {
            // Only a former district: any commune its wards went to.
            for (w, ward) in g.old_wards.iter().enumerate() {
                let _ = w;
                if district_fits(ward.district) && district_ids.contains(&ward.district) {
                    let d = &g.districts[ward.district];
                    for (code, _) in &ward.new_communes {
                        push(CommuneCandidate {
                            code: code.clone(),
                            from_commune: None,
                            from_district: Some(d.full_name.clone()),
                            from_province: Some(g.provinces[d.province].full_name.clone()),
                            took_most: false,
                            divided: false,
                        });
                    }
                }
            }
        }
        // Divided communes: the part that took most of it first.
        candidates.sort_by_key(|c| c.divided && !c.took_most);
        self.out.communes = candidates;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Gazetteer {
        Gazetteer::for_tests()
    }

    #[test]
    fn todays_form() {
        let a = parse(
            "Số 12, ngõ 5, phố Nguyễn Văn Linh, phường Phố Hiến, tỉnh Hưng Yên",
            &g(),
        );
        assert_eq!(a.house_number.as_deref(), Some("12"));
        assert_eq!(
            a.alleys,
            [AlleyRef {
                kind: "ngo".into(),
                value: "5".into()
            }]
        );
        assert_eq!(
            a.street,
            Some(StreetRef {
                kind: Some("pho".into()),
                name: "Nguyễn Văn Linh".into()
            })
        );
        assert_eq!(a.communes.len(), 1);
        assert_eq!(a.communes[0].code, "11953");
        assert!(a.communes[0].from_commune.is_none());
        assert!(!a.outside);
    }

    #[test]
    fn without_diacritics_abbreviated_and_in_any_order() {
        for text in [
            "so nha 12 ngo 5 pho nguyen van linh phuong pho hien hung yen",
            "SN 12, ng. 5, P. Nguyễn Văn Linh, P. Phố Hiến, T. Hưng Yên",
            "Phố Hiến, Hưng Yên, ngõ 5 Nguyễn Văn Linh, số 12",
            "12 ngõ 5 Nguyễn Văn Linh Phố Hiến Hưng Yên Việt Nam 160000",
        ] {
            let a = parse(text, &g());
            assert_eq!(a.house_number.as_deref(), Some("12"), "{text}: {a:?}");
            assert_eq!(
                a.communes.first().map(|c| c.code.as_str()),
                Some("11953"),
                "{text}: {a:?}"
            );
            let street = a.street.as_ref().map(|s| crate::text::fold(&s.name));
            assert_eq!(street.as_deref(), Some("nguyen van linh"), "{text}: {a:?}");
        }
    }

    #[test]
    fn pre_2025_units_convert() {
        let a = parse(
            "12 Nguyễn Văn Linh, P. Hiến Nam, TP. Hưng Yên, Hưng Yên",
            &g(),
        );
        assert_eq!(a.communes[0].code, "11953");
        assert_eq!(
            a.communes[0].from_district.as_deref(),
            Some("Thành phố Hưng Yên")
        );
        assert!(a.commune.as_ref().unwrap().former);
        // A former commune divided between two: the one that took most of it first.
        let a = parse("xã Lạc Đạo, huyện Văn Lâm", &g());
        assert!(a.communes.len() == 2 && a.communes[0].took_most, "{a:?}");
        assert!(a.communes.iter().all(|c| c.divided));
        // Only a former district: every commune its wards went to.
        let a = parse("12 Lê Lợi, thành phố Hưng Yên", &g());
        assert!(a.communes.iter().any(|c| c.code == "11953"));
        assert_eq!(
            a.street.unwrap().name,
            "Lê Lợi",
            "a ward's name after a number is a street"
        );
        // Thái Bình is part of Hưng Yên now; Hà Nội is not.
        assert!(!parse("xã Vũ Hội, huyện Vũ Thư, tỉnh Thái Bình", &g()).outside);
        assert!(parse("12 Tràng Tiền, Hà Nội", &g()).outside);
    }

    #[test]
    fn house_numbers_alleys_and_places() {
        let a = parse("12/5/3 Lê Lợi, Phố Hiến", &g());
        assert_eq!(a.house_number.as_deref(), Some("3"));
        let alleys: Vec<&str> = a.alleys.iter().map(|a| a.value.as_str()).collect();
        assert_eq!(alleys, ["12", "5"]);
        let a = parse("ngách 20A ngõ 5 phố Nguyễn Văn Linh", &g());
        let alleys: Vec<(&str, &str)> = a
            .alleys
            .iter()
            .map(|a| (a.kind.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(alleys, [("ngo", "5"), ("ngach", "20A")]);
        let a = parse("UBND xã Tân Hưng", &g());
        assert_eq!(a.other.as_deref(), Some("UBND"));
        assert_eq!(a.communes[0].code, "11977");
        let a = parse("Chùa Chuông, thôn 3, Tân Hưng", &g());
        assert_eq!(a.other.as_deref(), Some("Chùa Chuông"));
        assert_eq!(a.hamlet.as_deref(), Some("Thôn 3"));
        assert_eq!(a.communes[0].code, "11977");
        assert!(a.street.is_none() && a.house_number.is_none());
    }

    #[test]
    fn one_typo_in_a_long_word() {
        let a = parse("12 Nguyễn Văn Linh, phường Sơn Naam", &g());
        assert!(a.communes.is_empty(), "short words are exact: {a:?}");
        let a = parse("12 Lê Lợi, xã Quagn Châu, TP Hưng Yên", &g());
        assert_eq!(a.typos, 1);
        assert_eq!(a.communes[0].from_commune.as_deref(), Some("Xã Quảng Châu"));
    }

    #[test]
    fn roads_between_hamlets_are_names() {
        let a = parse("12 đường Liên thôn 3, xã Tân Hưng", &g());
        assert_eq!(a.street.unwrap().name, "Liên thôn 3");
        assert!(a.hamlet.is_none());
    }

    #[test]
    fn nothing_breaks_it() {
        for text in [
            "",
            ",",
            "số",
            "ngõ",
            "phường",
            "12",
            "P.",
            "T.",
            "Việt Nam",
            "xã xã xã",
            "1/2/3/4/5/6",
        ] {
            let _ = parse(text, &g());
        }
    }
}
