//! R-tree over the points of all places (every status), keyed by the catalog's document ids.

use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use super::{degrees_envelope, geodesic_distance_m};

type Entry = GeomWithData<[f64; 2], u32>;

/// Place points, lon/lat degrees, each with its document id.
#[derive(Debug, Default)]
pub struct PlaceIndex {
    tree: RTree<Entry>,
}

impl PlaceIndex {
    /// Builds the index in one bulk load (O(n log n), far faster than n inserts).
    pub fn bulk_load(points: Vec<(u32, [f64; 2])>) -> PlaceIndex {
        let entries = points
            .into_iter()
            .map(|(doc, p)| GeomWithData::new(p, doc))
            .collect();
        PlaceIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Adds a point.
    pub fn insert(&mut self, doc: u32, point: [f64; 2]) {
        self.tree.insert(GeomWithData::new(point, doc));
    }

    /// Removes a point (no-op when absent).
    pub fn remove(&mut self, doc: u32, point: [f64; 2]) {
        self.tree.remove(&GeomWithData::new(point, doc));
    }

    /// Documents whose points lie in the box `[min_lon, min_lat, max_lon, max_lat]` (edges
    /// included).
    pub fn in_box(&self, bbox: [f64; 4]) -> impl Iterator<Item = (u32, [f64; 2])> + '_ {
        let env = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        let hits: Vec<(u32, [f64; 2])> = self
            .tree
            .locate_in_envelope(&env)
            .map(|e| (e.data, *e.geom()))
            .collect();
        hits.into_iter()
    }

    /// The places nearest to (lon, lat) within `radius_m` metres, nearest first, at most
    /// `limit`, among those `keep` accepts, with geodesic distances in metres (WGS84).
    ///
    /// The R-tree orders points by distance in degrees, which is not distance on the ground
    /// (a degree of longitude is shorter than one of latitude). The walk therefore stops only
    /// when even the shortest ground length a degree step can have near this latitude proves
    /// that no later point can beat the current `limit`-th best.
    ///
    /// ```
    /// use diachiso::spatial::PlaceIndex;
    /// let index = PlaceIndex::bulk_load(vec![(0, [106.0680, 20.6634]), (1, [106.0690, 20.6634])]);
    /// let near = index.nearest(106.0681, 20.6634, 500.0, 5, |_| true);
    /// assert_eq!(near.iter().map(|n| n.0).collect::<Vec<_>>(), [0, 1]);
    /// assert!((near[0].1 - 10.4).abs() < 0.5); // metres
    /// ```
    pub fn nearest(
        &self, lon: f64, lat: f64, radius_m: f64, limit: usize, keep: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f64)> {
        if limit == 0 {
            return Vec::new();
        }
        // Shortest ground length of one degree in any direction near this latitude (a margin
        // of 1° of latitude covers any search radius we allow).
        let shortest_m_per_deg = 111_000.0 * (lat.abs() + 1.0).min(89.0).to_radians().cos();
        let env = degrees_envelope(lon, lat, radius_m);
        let mut best: Vec<(u32, f64)> = Vec::with_capacity(limit.min(64) + 1);
        for entry in self.tree.nearest_neighbor_iter_with_distance_2(&[lon, lat]) {
            let (e, d2) = entry;
            let bound_m = d2.sqrt() * shortest_m_per_deg;
            let worst = if best.len() == limit {
                best[limit - 1].1
            } else {
                radius_m
            };
            if bound_m > worst || bound_m > radius_m {
                break;
            }
            let p = *e.geom();
            if p[0] < env[0] || p[0] > env[2] || p[1] < env[1] || p[1] > env[3] || !keep(e.data) {
                continue;
            }
            let d = geodesic_distance_m([lon, lat], p);
            if d <= radius_m && (best.len() < limit || d < best[limit - 1].1) {
                let at = best.partition_point(|b| b.1 < d || (b.1 == d && b.0 < e.data));
                best.insert(at, (e.data, d));
                best.truncate(limit);
            }
        }
        best
    }

    /// Every place, nearest to (lon, lat) first (in degrees), as `(doc, bound)`: `bound`, in
    /// metres, is no more than the geodesic distance of this place or of any place yielded
    /// later (the shortest ground length a degree can have near the point, as in
    /// [`PlaceIndex::nearest`]), so a caller can stop as soon as it has what it needs, and work
    /// out real distances only for the places it keeps.
    ///
    /// ```
    /// use diachiso::spatial::{geodesic_distance_m, PlaceIndex};
    /// let at = [106.0681, 20.6634];
    /// let points = [[106.0680, 20.6634], [106.0690, 20.6634], [106.0681, 20.6700]];
    /// let index = PlaceIndex::bulk_load(points.iter().enumerate().map(|(i, p)| (i as u32, *p)).collect());
    /// let walk: Vec<(u32, f64)> = index.nearest_iter(at[0], at[1]).collect();
    /// assert_eq!(walk[0].0, 0);
    /// for (i, &(_, bound)) in walk.iter().enumerate() {
    ///     // No place from here on is nearer than the bound (metres).
    ///     assert!(walk[i..].iter().all(|&(doc, _)| geodesic_distance_m(at, points[doc as usize]) >= bound));
    /// }
    /// ```
    pub fn nearest_iter(&self, lon: f64, lat: f64) -> impl Iterator<Item = (u32, f64)> + '_ {
        let shortest_m_per_deg = 111_000.0 * (lat.abs() + 1.0).min(89.0).to_radians().cos();
        self.tree
            .nearest_neighbor_iter_with_distance_2(&[lon, lat])
            .map(move |(e, d2)| (e.data, d2.sqrt() * shortest_m_per_deg))
    }

    /// Number of points indexed.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over every point with the same geodesic distance.
    #[test]
    fn nearest_agrees_with_brute_force() {
        let mut rng = crate::testing::Rng::new(0x9e37_79b9_7f4a_7c15);
        let points: Vec<(u32, [f64; 2])> = (0..3000)
            .map(|i| (i, [rng.within(106.0, 0.2), rng.within(20.5, 0.2)]))
            .collect();
        let index = PlaceIndex::bulk_load(points.clone());
        for _ in 0..200 {
            let q = [rng.within(106.0, 0.2), rng.within(20.5, 0.2)];
            let radius = rng.within(50.0, 2000.0);
            let got = index.nearest(q[0], q[1], radius, 7, |d| d % 3 != 0);
            let mut want: Vec<(u32, f64)> = points
                .iter()
                .filter(|(d, _)| d % 3 != 0)
                .map(|(d, p)| (*d, geodesic_distance_m(q, *p)))
                .filter(|(_, dist)| *dist <= radius)
                .collect();
            want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            want.truncate(7);
            assert_eq!(got, want, "query {q:?} radius {radius}");
        }
    }
}
