//! Assigning house numbers along one street (Circular 08/2024, Art. 6–7).
//!
//! Each side is numbered on its own, in order of chainage: odd numbers on the
//! left, even on the right. Existing numbers are kept when they are still in
//! order; new houses take free numbers, then suffixes, then continue after
//! the last number, so that numbers always increase along the street.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::line::StreetLine;
use super::local_frame::is_valid_lonlat;
use super::number::{HouseNumber, SuffixStyle, MAX_BASE};
use super::reason::Reason;
use super::side::Side;

/// A house (or lot) fronting the street, to be numbered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frontage {
    /// The registry's id for the frontage; must be unique within one call.
    pub id: String,
    /// Longitude of the door (or of the lot's front), WGS84 degrees.
    pub lon: f64,
    /// Latitude of the door (or of the lot's front), WGS84 degrees.
    pub lat: f64,
    /// The number it carries today, if any.
    pub existing: Option<HouseNumber>,
}

/// The commune's numbering choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Letters (`20A`) or dash numbers (`20-1`) for infill houses.
    pub suffix_style: SuffixStyle,
    /// One reserved number per this many metres of vacant frontage; `None`
    /// reserves nothing. Must be finite and positive.
    pub reserve_every_m: Option<f64>,
    /// Ignore existing numbers and number the whole street afresh.
    pub renumber_all: bool,
}

impl Default for Rules {
    /// Letters, no reserved numbers, keep existing numbers.
    fn default() -> Self {
        Rules {
            suffix_style: SuffixStyle::Letters,
            reserve_every_m: None,
            renumber_all: false,
        }
    }
}

/// The number given to one frontage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The frontage's id.
    pub id: String,
    /// Its side, facing the numbering direction.
    pub side: Side,
    /// Metres from the numbering start to its foot on the street.
    pub chainage_m: f64,
    /// Metres from the street line.
    pub offset_m: f64,
    /// The number it gets.
    pub number: HouseNumber,
    /// The number it had ([`Frontage::existing`]).
    pub old: Option<HouseNumber>,
    /// Why it got this number.
    pub reason: Reason,
}

/// A number left free for vacant frontage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReservedNumber {
    /// The side it belongs to.
    pub side: Side,
    /// The reserved (always plain) number.
    pub number: HouseNumber,
    /// Where along the street it would fall, metres, interpolated evenly
    /// between the numbered houses around it (or the street start).
    pub chainage_m: f64,
}

/// The result of numbering one street.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NumberingOutcome {
    /// One per frontage, in the input order.
    pub assignments: Vec<Assignment>,
    /// Every plain number skipped on a side before its last house, left
    /// side first, each side in chainage order.
    pub reserved: Vec<ReservedNumber>,
}

impl NumberingOutcome {
    /// The assignment of frontage `id`, if present.
    pub fn assignment(&self, id: &str) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.id == id)
    }

    /// The number of frontage `id`, if present.
    pub fn number_of(&self, id: &str) -> Option<HouseNumber> {
        self.assignment(id).map(|a| a.number)
    }
}

/// Numbers every frontage of one street.
///
/// Frontages are projected onto `line` (chainage and side in metres, facing
/// the numbering direction) and each side is numbered in chainage order
/// (ties by id).
///
/// **Fresh numbering** (`renumber_all`, or a side with no existing number):
/// slots 1, 2, 3… per side, left number `2·slot − 1`, right number `2·slot`.
/// With `reserve_every_m = N`: `floor(s₁/N)` slots are reserved before the
/// first house (at chainage `s₁` metres) and `max(0, floor(gap/N) − 1)`
/// between consecutive houses `gap` metres apart.
///
/// **Keeping numbers** (default): an existing number with the right parity
/// is kept if it belongs to the longest strictly increasing run of numbers
/// along the street; the others are renumbered ([`Reason::WrongSide`],
/// [`Reason::OutOfOrder`]). New houses between kept neighbours `a` and `b`
/// take free plain numbers strictly between them when there are enough
/// ([`Reason::ReservedNumberUsed`]), else `a`'s base with the next suffixes
/// ([`Reason::Infill`]); after the last kept number, numbering continues
/// ([`Reason::Extension`]). When houses before the first kept number (or
/// between two kept numbers with no suffix left below the next one) cannot
/// be fitted, that next kept number is released ([`Reason::MadeRoomAtStart`],
/// [`Reason::MadeRoomForInfill`]) so the order is never broken.
///
/// Errors: an invalid frontage position or duplicate id, a non-positive
/// `reserve_every_m`, more than 26 letter (99 dash) suffixes after one
/// number, or a number above 9999.
///
/// ```
/// use diachiso::numbering::{number_street, Direction, Frontage, Rules, StreetLine};
/// // A 200 m street drawn (and numbered) north → south at lon 106.05.
/// let line = StreetLine::new(&[[106.05, 20.651], [106.05, 20.649]], Direction::Forward).unwrap();
/// let m_per_deg_lon = 104_050.0; // at lat 20.65
/// let house = |id: &str, east_m: f64, lat: f64| Frontage {
///     id: id.into(), lon: 106.05 + east_m / m_per_deg_lon, lat, existing: None,
/// };
/// // Facing south, east (+) is the left side (odd), west (−) the right (even).
/// let frontages = [
///     house("w1", -8.0, 20.6505), house("e1", 8.0, 20.6505),
///     house("e2", 8.0, 20.6500), house("w2", -8.0, 20.6490 + 0.0001),
/// ];
/// let out = number_street(&line, &frontages, &Rules::default()).unwrap();
/// let numbers: Vec<String> = out.assignments.iter().map(|a| a.number.to_string()).collect();
/// assert_eq!(numbers, ["2", "1", "3", "4"]);
/// ```
pub fn number_street(
    line: &StreetLine, frontages: &[Frontage], rules: &Rules,
) -> Result<NumberingOutcome> {
    let reserve = match rules.reserve_every_m {
        Some(n) if !(n.is_finite() && n > 0.0) => {
            return Err(Error::InvalidRules(
                "reserve_every_m must be finite and positive",
            ));
        }
        other => other,
    };
    let mut seen = HashSet::new();
    for f in frontages {
        if !is_valid_lonlat([f.lon, f.lat]) {
            return Err(Error::InvalidFrontage {
                id: f.id.clone(),
                lon: f.lon,
                lat: f.lat,
            });
        }
        if !seen.insert(f.id.as_str()) {
            return Err(Error::DuplicateFrontageId(f.id.clone()));
        }
    }
    let projections: Vec<_> = frontages
        .iter()
        .map(|f| line.project(f.lon, f.lat))
        .collect();
    let mut numbers: Vec<Option<(HouseNumber, Reason)>> = vec![None; frontages.len()];
    let mut reserved = Vec::new();
    for side in [Side::Left, Side::Right] {
        let mut order: Vec<usize> = (0..frontages.len())
            .filter(|&i| projections[i].side == side)
            .collect();
        order.sort_by(|&a, &b| {
            projections[a]
                .chainage_m
                .total_cmp(&projections[b].chainage_m)
                .then_with(|| frontages[a].id.cmp(&frontages[b].id))
        });
        let houses: Vec<House> = order
            .iter()
            .map(|&i| House {
                chainage: projections[i].chainage_m,
                old: frontages[i].existing,
            })
            .collect();
        let side_numbers = if rules.renumber_all {
            renumber_side(side, &houses, reserve)?
        } else {
            keep_side(side, &houses, rules.suffix_style, reserve)?
        };
        let sequence: Vec<(HouseNumber, f64)> = side_numbers
            .iter()
            .zip(&houses)
            .map(|((n, _), h)| (*n, h.chainage))
            .collect();
        reserved.extend(skipped_numbers(side, &sequence)?);
        for (&i, nr) in order.iter().zip(side_numbers) {
            numbers[i] = Some(nr);
        }
    }
    let assignments = frontages
        .iter()
        .zip(projections)
        .zip(numbers)
        .filter_map(|((f, p), nr)| {
            nr.map(|(number, reason)| Assignment {
                id: f.id.clone(),
                side: p.side,
                chainage_m: p.chainage_m,
                offset_m: p.offset_m,
                number,
                old: f.existing,
                reason,
            })
        })
        .collect();
    Ok(NumberingOutcome {
        assignments,
        reserved,
    })
}

/// A frontage as one side's numbering sees it.
#[derive(Debug, Clone, Copy)]
struct House {
    chainage: f64,
    old: Option<HouseNumber>,
}

/// `renumber_all`: fresh numbers for everyone.
fn renumber_side(
    side: Side, houses: &[House], reserve: Option<f64>,
) -> Result<Vec<(HouseNumber, Reason)>> {
    let chainages: Vec<f64> = houses.iter().map(|h| h.chainage).collect();
    let fresh = continue_numbering(side, None, &chainages, reserve)?;
    Ok(fresh
        .into_iter()
        .zip(houses)
        .map(|(n, h)| {
            let reason = match h.old {
                None => Reason::Sequence,
                Some(old) if old == n => Reason::Kept,
                Some(_) => Reason::Renumbered,
            };
            (n, reason)
        })
        .collect())
}

/// Keep mode: keep what is in order, fit the rest around it.
fn keep_side(
    side: Side, houses: &[House], style: SuffixStyle, reserve: Option<f64>,
) -> Result<Vec<(HouseNumber, Reason)>> {
    let mut kept = vec![false; houses.len()];
    // Why a house is not kept; None = it had no number.
    let mut cause: Vec<Option<Reason>> = vec![None; houses.len()];
    let mut candidates = Vec::new();
    for (i, h) in houses.iter().enumerate() {
        match h.old {
            None => {}
            Some(old) if !side.accepts(old) => cause[i] = Some(Reason::WrongSide),
            Some(_) => candidates.push(i),
        }
    }
    let candidate_numbers: Vec<HouseNumber> =
        candidates.iter().filter_map(|&i| houses[i].old).collect();
    let in_order: HashSet<usize> = longest_increasing(&candidate_numbers)
        .into_iter()
        .map(|k| candidates[k])
        .collect();
    for &i in &candidates {
        if in_order.contains(&i) {
            kept[i] = true;
        } else {
            cause[i] = Some(Reason::OutOfOrder);
        }
    }
    // Each pass either succeeds or releases one kept number, so this ends.
    let assigned = loop {
        match fit_runs(side, houses, &kept, style, reserve)? {
            Fit::Done(v) => break v,
            Fit::NeedRoom { release, at_start } => {
                kept[release] = false;
                cause[release] = Some(if at_start {
                    Reason::MadeRoomAtStart
                } else {
                    Reason::MadeRoomForInfill
                });
            }
        }
    };
    Ok(assigned
        .into_iter()
        .enumerate()
        .map(|(i, (n, how))| {
            let reason = if kept[i] || houses[i].old == Some(n) {
                Reason::Kept
            } else {
                cause[i].unwrap_or(how)
            };
            (n, reason)
        })
        .collect())
}

enum Fit {
    /// A number (and how it was found) for every house.
    Done(Vec<(HouseNumber, Reason)>),
    /// The new houses before kept house `release` cannot fit below its number.
    NeedRoom { release: usize, at_start: bool },
}

/// Numbers each run of unkept houses between kept neighbours.
fn fit_runs(
    side: Side, houses: &[House], kept: &[bool], style: SuffixStyle, reserve: Option<f64>,
) -> Result<Fit> {
    let kept_at: Vec<usize> = (0..houses.len()).filter(|&i| kept[i]).collect();
    let anchor = |k: usize| houses[k].old.map(|n| (n, houses[k].chainage));
    let mut out: Vec<Option<(HouseNumber, Reason)>> = vec![None; houses.len()];
    for &k in &kept_at {
        out[k] = anchor(k).map(|(n, _)| (n, Reason::Kept));
    }
    let mut before: Option<usize> = None;
    for r in 0..=kept_at.len() {
        let after = kept_at.get(r).copied();
        let start = before.map_or(0, |k| k + 1);
        let end = after.unwrap_or(houses.len());
        if start < end {
            let chainages: Vec<f64> = houses[start..end].iter().map(|h| h.chainage).collect();
            let a = before.and_then(anchor);
            let fitted = match after.and_then(anchor) {
                None => {
                    let how = if a.is_some() {
                        Reason::Extension
                    } else {
                        Reason::Sequence
                    };
                    Some((continue_numbering(side, a, &chainages, reserve)?, how))
                }
                Some(b) => fit_between(side, a, b, &chainages, style, reserve)?,
            };
            match (fitted, after) {
                (Some((numbers, how)), _) => {
                    for (slot, n) in out[start..end].iter_mut().zip(numbers) {
                        *slot = Some((n, how));
                    }
                }
                (None, Some(release)) => {
                    return Ok(Fit::NeedRoom {
                        release,
                        at_start: before.is_none(),
                    });
                }
                (None, None) => unreachable!("a run with no upper neighbour always fits"),
            }
        }
        before = after;
    }
    Ok(Fit::Done(out.into_iter().flatten().collect()))
}

/// Numbers for houses (at `chainages`) strictly between kept `a` (or the
/// start) and kept `b`; `None` when they cannot fit below `b`.
fn fit_between(
    side: Side, a: Option<(HouseNumber, f64)>, b: (HouseNumber, f64), chainages: &[f64],
    style: SuffixStyle, reserve: Option<f64>,
) -> Result<Option<(Vec<HouseNumber>, Reason)>> {
    let free = free_numbers(side, a.map(|(n, _)| n), b.0);
    if free.len() >= chainages.len() {
        let picked = pick_free(side, &free, a, b, chainages, reserve)?;
        return Ok(Some((picked, Reason::ReservedNumberUsed)));
    }
    let Some((a_number, _)) = a else {
        return Ok(None);
    };
    // Continue a's own suffix series (20A kept → 20B) so one base never mixes styles.
    let style = a_number.suffix().map_or(style, |s| s.style());
    let first = u32::from(a_number.suffix().map_or(0, |s| s.index())) + 1;
    let last = first + chainages.len() as u32 - 1;
    let max = style.max_index();
    if last > u32::from(max) {
        return Err(Error::SuffixesExhausted {
            after: a_number,
            needed: chainages.len(),
            max,
            style,
        });
    }
    let numbers = (first..=last)
        .map(|i| HouseNumber::with_suffix(a_number.base(), i, style))
        .collect::<Result<Vec<_>>>()?;
    Ok(numbers
        .last()
        .filter(|n| **n < b.0)
        .map(|_| (numbers.clone(), Reason::Infill)))
}

/// Plain numbers of `side`'s parity strictly between `a` (or from the side's
/// first number) and `b`.
fn free_numbers(side: Side, a: Option<HouseNumber>, b: HouseNumber) -> Vec<u32> {
    let start = a.map_or(side.first_number(), |n| n.base() + 2);
    (start..=b.base())
        .step_by(2)
        .take_while(|&n| n < b.base() || !b.is_plain())
        .collect()
}

/// Chooses, in order, one free number per house: the one closest to a target
/// interpolated by chainage, while leaving enough for the houses after it.
fn pick_free(
    side: Side, free: &[u32], a: Option<(HouseNumber, f64)>, b: (HouseNumber, f64),
    chainages: &[f64], reserve: Option<f64>,
) -> Result<Vec<HouseNumber>> {
    // Without a lower neighbour, pretend one sits at the start with the
    // number before the side's first.
    let (a_number, a_chainage) = a.map_or((f64::from(side.first_number()) - 2.0, 0.0), |(n, s)| {
        (f64::from(n.base()), s)
    });
    let (b_number, b_chainage) = (f64::from(b.0.base()), b.1);
    let mut next = 0;
    let mut out = Vec::with_capacity(chainages.len());
    for (i, &s) in chainages.iter().enumerate() {
        let target = match reserve {
            Some(n) => a_number + 2.0 * ((s - a_chainage) / n).round().max(1.0),
            None if b_chainage - a_chainage > 1e-9 => {
                a_number + (b_number - a_number) * (s - a_chainage) / (b_chainage - a_chainage)
            }
            None => (a_number + b_number) / 2.0,
        };
        let last_allowed = free.len() - (chainages.len() - i);
        let distance = |j: usize| (f64::from(free[j]) - target).abs();
        // min_by keeps the first of equal minima: the smaller number.
        let j = (next..=last_allowed)
            .min_by(|&x, &y| distance(x).total_cmp(&distance(y)))
            .unwrap_or(next);
        out.push(HouseNumber::new(free[j])?);
        next = j + 1;
    }
    Ok(out)
}

/// Fresh plain numbers for houses at `chainages`, continuing after `after`
/// (number and chainage) or from the start, with the reserve rule.
fn continue_numbering(
    side: Side, after: Option<(HouseNumber, f64)>, chainages: &[f64], reserve: Option<f64>,
) -> Result<Vec<HouseNumber>> {
    // Whole metres-per-number slots in a stretch; saturating so absurd
    // inputs become NumberOverflow rather than a panic.
    let slots = |metres: f64| reserve.map_or(0, |n| (metres / n).floor().max(0.0) as u64);
    let mut previous: Option<(u64, f64)> = after.map(|(n, s)| (u64::from(n.base()), s));
    let mut out = Vec::with_capacity(chainages.len());
    for &s in chainages {
        let base = match previous {
            None => u64::from(side.first_number()).saturating_add(slots(s).saturating_mul(2)),
            Some((p, ps)) => {
                let reserved = slots(s - ps).saturating_sub(1);
                p.saturating_add(reserved.saturating_add(1).saturating_mul(2))
            }
        };
        if base > u64::from(MAX_BASE) {
            return Err(Error::NumberOverflow);
        }
        out.push(HouseNumber::new(base as u32)?);
        previous = Some((base, s));
    }
    Ok(out)
}

/// Plain numbers of the side's parity that no house holds, below the side's
/// last number, each placed evenly between its numbered neighbours.
fn skipped_numbers(side: Side, sequence: &[(HouseNumber, f64)]) -> Result<Vec<ReservedNumber>> {
    let mut out = Vec::new();
    let mut previous: Option<(HouseNumber, f64)> = None;
    for &(number, chainage) in sequence {
        let missing = free_numbers(side, previous.map(|(n, _)| n), number);
        let from = previous.map_or(0.0, |(_, s)| s);
        let count = missing.len() as f64;
        for (k, n) in missing.into_iter().enumerate() {
            out.push(ReservedNumber {
                side,
                number: HouseNumber::new(n)?,
                chainage_m: from + (chainage - from) * (k as f64 + 1.0) / (count + 1.0),
            });
        }
        previous = Some((number, chainage));
    }
    Ok(out)
}

/// Indices of a longest strictly increasing subsequence of `numbers`.
///
/// Ties are broken to keep the most room: a predecessor with the smaller
/// number (wider gap before each kept number) and the run ending on the
/// larger number (the houses left over then continue after it with plain
/// numbers instead of squeezing in with suffixes).
fn longest_increasing(numbers: &[HouseNumber]) -> Vec<usize> {
    let n = numbers.len();
    let mut length = vec![1usize; n];
    let mut predecessor: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        for j in 0..i {
            if numbers[j] >= numbers[i] {
                continue;
            }
            let better = length[j] + 1 > length[i]
                || (length[j] + 1 == length[i]
                    && predecessor[i].is_some_and(|p| numbers[j] < numbers[p]));
            if better {
                length[i] = length[j] + 1;
                predecessor[i] = Some(j);
            }
        }
    }
    let Some(mut at) = (0..n).max_by(|&x, &y| {
        length[x]
            .cmp(&length[y])
            .then(numbers[x].cmp(&numbers[y]))
            .then(y.cmp(&x))
    }) else {
        return Vec::new();
    };
    let mut chain = vec![at];
    while let Some(p) = predecessor[at] {
        chain.push(p);
        at = p;
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> HouseNumber {
        s.parse().unwrap()
    }

    fn houses(list: &[(f64, Option<&str>)]) -> Vec<House> {
        list.iter()
            .map(|&(chainage, old)| House {
                chainage,
                old: old.map(n),
            })
            .collect()
    }

    fn keep(
        side: Side, list: &[(f64, Option<&str>)], reserve: Option<f64>,
    ) -> Vec<(String, Reason)> {
        keep_side(side, &houses(list), SuffixStyle::Letters, reserve)
            .unwrap()
            .into_iter()
            .map(|(n, r)| (n.to_string(), r))
            .collect()
    }

    #[test]
    fn lis_prefers_room() {
        let nums: Vec<HouseNumber> = ["2", "4", "50", "6", "8"].map(n).to_vec();
        assert_eq!(longest_increasing(&nums), vec![0, 1, 3, 4]);
        let nums: Vec<HouseNumber> = ["2", "30", "4"].map(n).to_vec();
        assert_eq!(longest_increasing(&nums), vec![0, 1]);
        assert!(longest_increasing(&[]).is_empty());
    }

    #[test]
    fn free_numbers_respect_suffixes() {
        assert_eq!(
            free_numbers(Side::Right, Some(n("20A")), n("26")),
            vec![22, 24]
        );
        assert_eq!(
            free_numbers(Side::Right, Some(n("20")), n("24A")),
            vec![22, 24]
        );
        assert_eq!(free_numbers(Side::Left, None, n("7")), vec![1, 3, 5]);
        assert!(free_numbers(Side::Left, None, n("1")).is_empty());
    }

    #[test]
    fn fresh_with_reserve_counts_whole_gaps() {
        // N = 10 m. First house at 25 m: 2 slots reserved → 5.
        // Gap 35 m: floor(3.5) − 1 = 2 reserved → 11. Gap 5 m: none → 13.
        let got = continue_numbering(Side::Left, None, &[25.0, 60.0, 65.0], Some(10.0)).unwrap();
        assert_eq!(got, ["5", "11", "13"].map(n).to_vec());
    }

    #[test]
    fn infill_continues_an_existing_suffix() {
        let got = keep(
            Side::Right,
            &[
                (10.0, Some("20")),
                (20.0, Some("20A")),
                (30.0, None),
                (35.0, None),
                (40.0, Some("22")),
            ],
            None,
        );
        assert_eq!(got[2], ("20B".to_string(), Reason::Infill));
        assert_eq!(got[3], ("20C".to_string(), Reason::Infill));
    }

    #[test]
    fn no_room_before_a_suffixed_neighbour_releases_it() {
        // 20A and 20B are adjacent numbers: nothing fits between, so 20B is released.
        let got = keep(
            Side::Right,
            &[
                (10.0, Some("20A")),
                (20.0, None),
                (30.0, Some("20B")),
                (40.0, Some("24")),
            ],
            None,
        );
        let numbers: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        // Then two houses share the one free number 22 between 20A and 24:
        // not enough, so both are suffixed after 20A.
        assert_eq!(numbers, ["20A", "20B", "20C", "24"]);
        assert_eq!(got[1].1, Reason::Infill);
        assert_eq!(got[2].1, Reason::MadeRoomForInfill);
    }

    #[test]
    fn too_many_suffixes_is_an_error() {
        let mut list = vec![(0.0, Some("20"))];
        list.extend((1..=27).map(|i| (i as f64, None)));
        list.push((100.0, Some("22")));
        let err = keep_side(Side::Right, &houses(&list), SuffixStyle::Letters, None).unwrap_err();
        assert!(matches!(
            err,
            Error::SuffixesExhausted {
                needed: 27,
                max: 26,
                ..
            }
        ));
        // 27 dash numbers are fine.
        let ok = keep_side(Side::Right, &houses(&list), SuffixStyle::Dash, None).unwrap();
        assert_eq!(ok[27].0, n("20-27"));
    }

    #[test]
    fn overflow_past_9999() {
        let err = continue_numbering(Side::Left, Some((n("9999"), 0.0)), &[5.0], None).unwrap_err();
        assert_eq!(err, Error::NumberOverflow);
        let err = continue_numbering(Side::Left, None, &[1e9], Some(1e-9)).unwrap_err();
        assert_eq!(err, Error::NumberOverflow);
    }

    #[test]
    fn skipped_numbers_are_spread_evenly() {
        let seq = [(n("5"), 30.0), (n("7A"), 40.0), (n("11"), 70.0)];
        let got = skipped_numbers(Side::Left, &seq).unwrap();
        let summary: Vec<(String, f64)> = got
            .iter()
            .map(|r| (r.number.to_string(), r.chainage_m))
            .collect();
        assert_eq!(
            summary,
            // 7 is free too: the plain 7 sorts before 7A.
            [
                ("1".to_string(), 10.0),
                ("3".to_string(), 20.0),
                ("7".to_string(), 35.0),
                ("9".to_string(), 55.0)
            ]
        );
    }
}
