//! Every street in memory, with an R-tree of their segments: which streets run near a point.

use std::collections::BTreeMap;
use std::sync::Arc;

use rstar::primitives::{GeomWithData, Line};
use rstar::{RTree, AABB};

use super::{Street, StreetStatus};
use crate::spatial::degrees_envelope;

/// A segment of a street: its two vertices (lon, lat) and the street's slot.
type Segment = GeomWithData<Line<[f64; 2]>, u32>;

/// The streets, by id and by segment.
#[derive(Debug, Default)]
pub struct StreetIndex {
    slots: Vec<Option<Arc<Street>>>,
    by_id: BTreeMap<String, u32>,
    segments: RTree<Segment>,
}

/// Metres per degree of latitude (mean), for the local projection of short distances.
const M_PER_DEG: f64 = 111_320.0;

/// Distance in metres from `p` to the segment `a`–`b` (lon/lat degrees), on a local
/// equirectangular projection around `p` (exact enough within a few hundred metres).
pub fn point_segment_distance_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let kx = M_PER_DEG * p[1].to_radians().cos();
    let (ax, ay) = ((a[0] - p[0]) * kx, (a[1] - p[1]) * M_PER_DEG);
    let (bx, by) = ((b[0] - p[0]) * kx, (b[1] - p[1]) * M_PER_DEG);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (ax + t * dx, ay + t * dy);
    (x * x + y * y).sqrt()
}

/// Distance in metres from a point to a line string (lon/lat degrees).
pub fn point_line_distance_m(p: [f64; 2], line: &[[f64; 2]]) -> f64 {
    line.windows(2)
        .map(|w| point_segment_distance_m(p, w[0], w[1]))
        .fold(f64::INFINITY, f64::min)
}

impl StreetIndex {
    /// An index of these streets (bulk-loaded R-tree).
    pub fn new(streets: Vec<Street>) -> StreetIndex {
        let mut index = StreetIndex::default();
        let mut segments = Vec::new();
        for street in streets {
            let slot = index.slots.len() as u32;
            segments.extend(Self::segments_of(&street, slot));
            index.by_id.insert(street.id.clone(), slot);
            index.slots.push(Some(Arc::new(street)));
        }
        index.segments = RTree::bulk_load(segments);
        index
    }

    fn segments_of(street: &Street, slot: u32) -> impl Iterator<Item = Segment> + '_ {
        street
            .line
            .windows(2)
            .map(move |w| GeomWithData::new(Line::new(w[0], w[1]), slot))
    }

    /// Adds or replaces a street.
    pub fn upsert(&mut self, street: Street) {
        if let Some(&slot) = self.by_id.get(&street.id) {
            if let Some(old) = self.slots[slot as usize].take() {
                for s in Self::segments_of(&old, slot) {
                    self.segments.remove(&s);
                }
            }
            for s in Self::segments_of(&street, slot).collect::<Vec<_>>() {
                self.segments.insert(s);
            }
            self.slots[slot as usize] = Some(Arc::new(street));
        } else {
            let slot = self.slots.len() as u32;
            for s in Self::segments_of(&street, slot).collect::<Vec<_>>() {
                self.segments.insert(s);
            }
            self.by_id.insert(street.id.clone(), slot);
            self.slots.push(Some(Arc::new(street)));
        }
    }

    /// The street with this id.
    pub fn get(&self, id: &str) -> Option<Arc<Street>> {
        let slot = *self.by_id.get(id)?;
        self.slots[slot as usize].clone()
    }

    /// Every street, by id.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Street>> {
        self.by_id
            .values()
            .filter_map(|&slot| self.slots[slot as usize].as_ref())
    }

    /// How many streets.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there is no street.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Active streets with a segment within `radius_m` of the point, nearest first, with
    /// their distance in metres.
    pub fn near(&self, lon: f64, lat: f64, radius_m: f64) -> Vec<(Arc<Street>, f64)> {
        let [x0, y0, x1, y1] = degrees_envelope(lon, lat, radius_m);
        let mut best: BTreeMap<u32, f64> = BTreeMap::new();
        for seg in self
            .segments
            .locate_in_envelope_intersecting(&AABB::from_corners([x0, y0], [x1, y1]))
        {
            let d = point_segment_distance_m([lon, lat], seg.geom().from, seg.geom().to);
            if d <= radius_m {
                let e = best.entry(seg.data).or_insert(f64::INFINITY);
                *e = e.min(d);
            }
        }
        let mut found: Vec<(Arc<Street>, f64)> = best
            .into_iter()
            .filter_map(|(slot, d)| {
                let s = self.slots[slot as usize].clone()?;
                (s.status == StreetStatus::Active).then_some((s, d))
            })
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.id.cmp(&b.0.id)));
        found
    }

    /// Streets whose segments intersect a box `[min_lon, min_lat, max_lon, max_lat]`, by id.
    pub fn in_box(&self, bbox: [f64; 4]) -> Vec<Arc<Street>> {
        let env = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        let mut slots: Vec<u32> = self
            .segments
            .locate_in_envelope_intersecting(&env)
            .map(|s| s.data)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let mut streets: Vec<Arc<Street>> = slots
            .into_iter()
            .filter_map(|slot| self.slots[slot as usize].clone())
            .collect();
        streets.sort_by(|a, b| a.id.cmp(&b.id));
        streets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_to_a_segment_in_metres() {
        // 0.001° of latitude is about 111 m; the point is 0.0005° east of a N–S segment.
        let d = point_segment_distance_m([106.0505, 20.655], [106.05, 20.65], [106.05, 20.66]);
        let expected = 0.0005 * 111_320.0 * 20.655f64.to_radians().cos();
        assert!((d - expected).abs() < 0.01, "{d} vs {expected}");
        // Past the end: distance to the end vertex.
        let d = point_segment_distance_m([106.05, 20.661], [106.05, 20.65], [106.05, 20.66]);
        assert!((d - 111.32).abs() < 0.01, "{d}");
    }
}
