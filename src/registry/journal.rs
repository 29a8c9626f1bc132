//! Where the catalog changed, and when: the place and the points each change touched, by
//! generation, so that caches of areas (tiles, answers near a point) drop only what a change
//! can affect, and aggregates (the population map) recount only the places that changed.

use std::collections::VecDeque;

use crate::code::LocationCode;

/// The last changes of the catalog: for each, its generation, the place and the points it
/// touched (where the place was before and where it is after). Bounded; a question about a
/// generation older than the oldest change kept gets no answer (`None`): the caller
/// treats its entry as stale.
#[derive(Debug, Default)]
pub struct ChangeJournal {
    changes: VecDeque<(u64, LocationCode, [f64; 2])>,
    /// The generation of the newest change forgotten (0: none forgotten).
    forgotten_through: u64,
}

impl ChangeJournal {
    /// Most points kept (32 bytes each with the generation and the code).
    const MAX: usize = 1 << 16;

    /// Records that the change of `generation` to the place `code` touched `point` (lon, lat
    /// in degrees).
    pub fn record(&mut self, generation: u64, code: LocationCode, point: [f64; 2]) {
        if self.changes.len() == Self::MAX {
            if let Some((g, _, _)) = self.changes.pop_front() {
                self.forgotten_through = g;
            }
        }
        self.changes.push_back((generation, code, point));
    }

    /// The changes after generation `since`, newest first; `None` when some are forgotten.
    fn since(
        &self, since: u64,
    ) -> Option<impl Iterator<Item = &(u64, LocationCode, [f64; 2])> + '_> {
        if since < self.forgotten_through {
            return None;
        }
        // The newest changes are at the back: walk back to `since`.
        Some(
            self.changes
                .iter()
                .rev()
                .take_while(move |(g, _, _)| *g > since),
        )
    }

    /// The places changed after generation `since` (a place changed twice is named twice);
    /// `None` when some of those changes are forgotten.
    pub fn codes_since(&self, since: u64) -> Option<impl Iterator<Item = LocationCode> + '_> {
        Some(self.since(since)?.map(|(_, code, _)| *code))
    }

    /// Whether a change after generation `since` touched `bbox` (`[min lon, min lat, max
    /// lon, max lat]`, edges included); `None` when changes after `since` are forgotten.
    ///
    /// ```
    /// use diachiso::registry::ChangeJournal;
    /// # let code = |n: u64| diachiso::code::LocationCode::from_payload(n).unwrap();
    /// let mut journal = ChangeJournal::default();
    /// journal.record(1, code(1), [106.05, 20.65]);
    /// journal.record(2, code(2), [106.30, 20.90]);
    /// let phố_hiến = [106.0, 20.6, 106.1, 20.7];
    /// assert_eq!(journal.touched_since(0, phố_hiến), Some(true));
    /// assert_eq!(journal.touched_since(1, phố_hiến), Some(false)); // only the far change since
    /// ```
    pub fn touched_since(&self, since: u64, bbox: [f64; 4]) -> Option<bool> {
        let mut points = self.points_since(since, bbox)?;
        Some(points.next().is_some())
    }

    /// The points that changes after generation `since` touched inside `bbox` (edges
    /// included), newest first; `None` when changes after `since` are forgotten.
    ///
    /// ```
    /// use diachiso::registry::ChangeJournal;
    /// # let code = |n: u64| diachiso::code::LocationCode::from_payload(n).unwrap();
    /// let mut journal = ChangeJournal::default();
    /// journal.record(1, code(1), [106.05, 20.65]);
    /// journal.record(2, code(2), [106.30, 20.90]);
    /// journal.record(3, code(3), [106.06, 20.66]);
    /// let phố_hiến = [106.0, 20.6, 106.1, 20.7];
    /// let since_1: Vec<[f64; 2]> = journal.points_since(1, phố_hiến).unwrap().collect();
    /// assert_eq!(since_1, [[106.06, 20.66]]);
    /// ```
    pub fn points_since(
        &self, since: u64, bbox: [f64; 4],
    ) -> Option<impl Iterator<Item = [f64; 2]> + '_> {
        Some(
            self.since(since)?
                .map(|(_, _, point)| *point)
                .filter(move |[x, y]| {
                    (bbox[0]..=bbox[2]).contains(x) && (bbox[1]..=bbox[3]).contains(y)
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgotten_changes_give_no_answer() {
        let mut journal = ChangeJournal::default();
        let everywhere = [-180.0, -90.0, 180.0, 90.0];
        let nowhere = [0.0, 0.0, 0.0, 0.0];
        for g in 1..=(ChangeJournal::MAX as u64 + 10) {
            journal.record(g, LocationCode::from_payload(g).unwrap(), [106.0, 20.6]);
        }
        assert_eq!(journal.touched_since(5, nowhere), None);
        assert_eq!(journal.touched_since(10, nowhere), Some(false));
        assert_eq!(journal.touched_since(10, everywhere), Some(true));
        let newest = ChangeJournal::MAX as u64 + 10;
        assert_eq!(journal.touched_since(newest, everywhere), Some(false));
    }
}
