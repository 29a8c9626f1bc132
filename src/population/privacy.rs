//! What anonymous and reader users may see of the population: the privacy rule.
//!
//! 1. **k-anonymous units.** A figure is shown only for an area with at least `k` residents
//!    and `k` households. H3 cells are merged into their parent instead of being shown small:
//!    at resolution r a cell is split into its children only when *every* child that holds
//!    addresses passes the threshold; otherwise the parent is shown whole. A resolution-6 cell
//!    that fails is suppressed (no figures). The units shown at resolution r therefore refine
//!    the units shown at r − 1, and a unit's children are shown either all or none: subtracting
//!    the answers of two resolutions gives 0, never a hidden small count.
//! 2. **What is hidden is 0 or at least k.** The people in suppressed cells are hidden: when
//!    their number is between 1 and k − 1 (so that "province minus its cells" would give a small
//!    count), the smallest shown resolution-6 cells are suppressed too until it is 0 or ≥ k. A
//!    commune is shown only when it passes the threshold and the part of its people in
//!    suppressed cells is 0 or ≥ k ("a commune minus its cells"); and when the communes not
//!    shown hold 1 to k − 1 people in all ("province minus its communes"), the smallest shown
//!    communes are hidden too.
//! 3. **Rounded figures.** Residents and households are shown rounded to a multiple of
//!    `round_to` (never below k), so that two snapshots (or any two answers) subtracted give a
//!    change known only to within ± `round_to`, never an exact small count.
//!
//! Exact figures are for the `population_analyst` role. Per-address counts are never served.

use std::collections::{HashMap, HashSet};

use h3o::CellIndex;

use super::index::{Figures, PopulationIndex, MAX_RES, MIN_RES};

/// The threshold and the rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PrivacyRule {
    /// Smallest number of residents (and households) shown for an area.
    pub k: u64,
    /// Residents and households are shown as multiples of this.
    pub round_to: u64,
}

impl Default for PrivacyRule {
    fn default() -> Self {
        PrivacyRule { k: 10, round_to: 5 }
    }
}

impl PrivacyRule {
    fn passes(&self, f: &Figures) -> bool {
        f.residents >= self.k && f.households >= self.k
    }

    /// Whether a hidden remainder is safe to leave implied: nothing, or at least k.
    fn safe_remainder(&self, f: &Figures) -> bool {
        (f.residents == 0 || f.residents >= self.k) && (f.households == 0 || f.households >= self.k)
    }

    /// A count as shown: rounded half up to a multiple of `round_to`, never below k.
    ///
    /// ```
    /// use diachiso::population::PrivacyRule;
    /// let rule = PrivacyRule { k: 10, round_to: 5 };
    /// assert_eq!((rule.shown(12), rule.shown(13), rule.shown(10)), (10, 15, 10));
    /// let odd = PrivacyRule { k: 12, round_to: 5 };
    /// assert_eq!(odd.shown(12), 15); // never a figure under k
    /// ```
    pub fn shown(&self, count: u64) -> u64 {
        let b = self.round_to.max(1);
        let rounded = (count + b / 2) / b * b;
        let floor = self.k.div_ceil(b) * b;
        rounded.max(floor)
    }

    fn shown_figures(&self, f: &Figures) -> Figures {
        Figures {
            residents: self.shown(f.residents),
            households: self.shown(f.households),
            addresses: f.addresses,
        }
    }
}

/// An area of the public map: an H3 cell with its shown figures, or suppressed (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub cell: CellIndex,
    pub figures: Option<Figures>,
}

/// Everything the public may see of one snapshot.
#[derive(Debug, Clone)]
pub struct PublicView {
    pub rule: PrivacyRule,
    /// `units[r - MIN_RES]`: the map at resolution r (cells of resolution ≤ r).
    units: Vec<Vec<Unit>>,
    communes: HashMap<u32, Option<Figures>>,
    province: Option<Figures>,
}

impl PublicView {
    /// Applies the rule to a snapshot's figures.
    pub fn build(index: &PopulationIndex, rule: PrivacyRule) -> PublicView {
        // 1. Resolution-6 cells below k are suppressed; then the hidden total must be 0 or ≥ k.
        let mut coarse: Vec<(CellIndex, Figures)> =
            index.cells(MIN_RES).iter().map(|(c, f)| (*c, *f)).collect();
        coarse.sort_by_key(|(c, f)| (f.residents, f.households, u64::from(*c)));
        let mut suppressed: HashSet<CellIndex> = coarse
            .iter()
            .filter(|(_, f)| !rule.passes(f))
            .map(|(c, _)| *c)
            .collect();
        let hidden = |suppressed: &HashSet<CellIndex>| {
            let mut h = Figures::default();
            for (c, f) in &coarse {
                if suppressed.contains(c) {
                    h.include(f);
                }
            }
            h
        };
        while !rule.safe_remainder(&hidden(&suppressed)) {
            match coarse.iter().find(|(c, _)| !suppressed.contains(c)) {
                Some((c, _)) => {
                    suppressed.insert(*c);
                }
                None => break,
            }
        }
        // 2. Which shown cells split into their children.
        let mut split: HashSet<CellIndex> = HashSet::new();
        let mut frontier: Vec<CellIndex> = coarse
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| !suppressed.contains(c))
            .collect();
        for _ in MIN_RES..MAX_RES {
            let mut next = Vec::new();
            for cell in frontier {
                let children = index.children(cell);
                if !children.is_empty() && children.iter().all(|(_, f)| rule.passes(f)) {
                    split.insert(cell);
                    next.extend(children.into_iter().map(|(c, _)| c));
                }
            }
            frontier = next;
        }
        let units = (MIN_RES..=MAX_RES)
            .map(|target| {
                let mut out = Vec::new();
                for (cell, _) in &coarse {
                    if suppressed.contains(cell) {
                        out.push(Unit {
                            cell: *cell,
                            figures: None,
                        });
                        continue;
                    }
                    let mut stack = vec![*cell];
                    while let Some(c) = stack.pop() {
                        if u8::from(c.resolution()) < target && split.contains(&c) {
                            stack.extend(index.children(c).into_iter().map(|(ch, _)| ch));
                        } else {
                            out.push(Unit {
                                cell: c,
                                figures: Some(rule.shown_figures(&index.cell(c))),
                            });
                        }
                    }
                }
                out
            })
            .collect();
        // 3. Communes: pass, and what of them hides in suppressed cells is 0 or ≥ k.
        let mut hidden_in: HashMap<u32, Figures> = HashMap::new();
        for ((cell, commune), f) in index.coarse_by_commune() {
            if suppressed.contains(cell) {
                hidden_in.entry(*commune).or_default().include(f);
            }
        }
        let mut shown: Vec<(u32, Figures)> = index
            .communes()
            .iter()
            .filter(|(c, f)| {
                rule.passes(f)
                    && rule.safe_remainder(&hidden_in.get(c).copied().unwrap_or_default())
            })
            .map(|(c, f)| (*c, *f))
            .collect();
        shown.sort_by_key(|(c, f)| (f.residents, f.households, *c));
        let shown_total = |shown: &[(u32, Figures)]| {
            let mut t = Figures::default();
            shown.iter().for_each(|(_, f)| t.include(f));
            t
        };
        loop {
            let t = shown_total(&shown);
            let rest = Figures {
                residents: index.total().residents - t.residents,
                households: index.total().households - t.households,
                addresses: 0,
            };
            if rule.safe_remainder(&rest) || shown.is_empty() {
                break;
            }
            shown.remove(0);
        }
        let mut communes: HashMap<u32, Option<Figures>> =
            index.communes().keys().map(|c| (*c, None)).collect();
        for (c, f) in &shown {
            communes.insert(*c, Some(rule.shown_figures(f)));
        }
        let total = index.total();
        PublicView {
            rule,
            units,
            communes,
            province: rule.passes(&total).then(|| rule.shown_figures(&total)),
        }
    }

    /// The public map at resolution `res` (6–10).
    pub fn units(&self, res: u8) -> &[Unit] {
        &self.units[usize::from(res.clamp(MIN_RES, MAX_RES) - MIN_RES)]
    }

    /// A commune's shown figures: `None` when suppressed, absent when it has no counted address.
    pub fn commune(&self, commune: u32) -> Option<Option<Figures>> {
        self.communes.get(&commune).copied()
    }

    /// The province's shown figures (`None` when below k).
    pub fn province(&self) -> Option<Figures> {
        self.province
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::AddressCount;
    use h3o::{LatLng, Resolution};

    /// An address at the centre of a given res-10 cell.
    fn at(cell: CellIndex, commune: u32, residents: u32, households: u32) -> AddressCount {
        let ll = LatLng::from(cell);
        AddressCount {
            lon: ll.lng(),
            lat: ll.lat(),
            commune,
            residents,
            households,
        }
    }

    fn res10_children(parent: CellIndex) -> Vec<CellIndex> {
        parent.children(Resolution::Ten).collect()
    }

    #[test]
    fn a_small_child_keeps_its_parent_whole_and_nothing_is_left_to_subtract() {
        let parent = LatLng::new(20.6634, 106.068)
            .unwrap()
            .to_cell(Resolution::Nine);
        let kids = res10_children(parent);
        let mut addresses = vec![at(kids[0], 1, 40, 12), at(kids[1], 1, 3, 1)];
        // A second parent whose children all pass: shown split.
        let other = LatLng::new(20.67, 106.06)
            .unwrap()
            .to_cell(Resolution::Nine);
        let okids = res10_children(other);
        addresses.extend([at(okids[0], 1, 30, 10), at(okids[1], 1, 25, 10)]);
        let index = PopulationIndex::build(&addresses);
        let view = PublicView::build(&index, PrivacyRule::default());
        let at10: Vec<(CellIndex, Option<Figures>)> =
            view.units(10).iter().map(|u| (u.cell, u.figures)).collect();
        assert!(at10
            .iter()
            .any(|(c, f)| *c == parent && f.unwrap().residents == 45));
        assert!(!at10.iter().any(|(c, _)| *c == kids[0] || *c == kids[1]));
        assert!(
            at10.iter().any(|(c, _)| *c == okids[0]) && at10.iter().any(|(c, _)| *c == okids[1])
        );
        // Every unit shown passes the threshold.
        for u in view.units(10) {
            let f = index.cell(u.cell);
            assert!(f.residents >= 10 && f.households >= 10, "{u:?}");
        }
    }

    #[test]
    fn a_hidden_remainder_between_1_and_k_minus_1_is_never_left_implied() {
        // One isolated address with 3 residents: its res-6 cell is suppressed, so the next
        // smallest cell goes too; its commune (which also has a big cluster) is hidden.
        let big = LatLng::new(20.6634, 106.068)
            .unwrap()
            .to_cell(Resolution::Ten);
        let small = LatLng::new(20.9, 106.3).unwrap().to_cell(Resolution::Ten);
        let mid = LatLng::new(20.5, 106.4).unwrap().to_cell(Resolution::Ten);
        let index = PopulationIndex::build(&[
            at(big, 1, 5000, 1200),
            at(small, 1, 3, 1),
            at(mid, 2, 40, 11),
            at(mid, 3, 900, 200),
        ]);
        let view = PublicView::build(&index, PrivacyRule::default());
        let exact_shown: u64 = view
            .units(6)
            .iter()
            .filter(|u| u.figures.is_some())
            .map(|u| index.cell(u.cell).residents)
            .sum();
        let hidden = index.total().residents - exact_shown;
        assert!(hidden == 0 || hidden >= 10, "hidden {hidden}");
        assert_eq!(
            view.commune(1),
            Some(None),
            "commune 1 minus its cells would give 3"
        );
        let shown_communes: u64 = [1, 2, 3]
            .iter()
            .filter(|c| matches!(view.commune(**c), Some(Some(_))))
            .map(|c| index.communes()[c].residents)
            .sum();
        let rest = index.total().residents - shown_communes;
        assert!(
            rest == 0 || rest >= 10,
            "province minus its communes gives {rest}"
        );
    }
}
