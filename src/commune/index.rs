//! Point-in-commune through an R-tree of polygon envelopes and an exact test.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Coord};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use super::Commune;

type PolygonEnvelope = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

/// The communes in memory with an R-tree over the envelope of each of their polygons.
///
/// **Rule for points on a boundary.** A commune whose polygon contains the point in its
/// interior wins. A point that lies exactly on the boundary of two or more communes (a shared
/// edge or vertex) and in the interior of none belongs to the one with the smallest commune
/// code. The answer is therefore deterministic and independent of load order.
#[derive(Debug, Default)]
pub struct CommuneIndex {
    communes: Vec<Commune>,
    tree: RTree<PolygonEnvelope>,
}

impl CommuneIndex {
    /// Builds the index with bulk loading.
    pub fn new(mut communes: Vec<Commune>) -> CommuneIndex {
        communes.sort_by(|a, b| a.code.cmp(&b.code));
        let envelopes = communes
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| {
                c.boundary
                    .0
                    .iter()
                    .enumerate()
                    .filter_map(move |(pi, poly)| {
                        let r = poly.bounding_rect()?;
                        Some(GeomWithData::new(
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                            (ci, pi),
                        ))
                    })
            })
            .collect();
        CommuneIndex {
            communes,
            tree: RTree::bulk_load(envelopes),
        }
    }

    /// The commune that contains the point (lon, lat in degrees), by the boundary rule above.
    ///
    /// ```
    /// use diachiso::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
    /// let index = CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap());
    /// // Near the centre of Phường Phố Hiến (lon 106.068, lat 20.6634).
    /// assert_eq!(index.locate(106.068, 20.6634).unwrap().code, "11953");
    /// // The sea east of the province is in no commune.
    /// assert!(index.locate(107.5, 20.0).is_none());
    /// ```
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&Commune> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        let coord = Coord { x: lon, y: lat };
        let mut on_boundary: Option<usize> = None;
        for hit in self.tree.locate_all_at_point(&[lon, lat]) {
            let (ci, pi) = hit.data;
            match self.communes[ci].boundary.0[pi].coordinate_position(&coord) {
                CoordPos::Inside => return Some(&self.communes[ci]),
                CoordPos::OnBoundary => {
                    // Communes are sorted by code, so the smallest index is the smallest code.
                    on_boundary = Some(on_boundary.map_or(ci, |b| b.min(ci)));
                }
                CoordPos::Outside => {}
            }
        }
        on_boundary.map(|ci| &self.communes[ci])
    }

    /// The commune with this code.
    pub fn get(&self, code: &str) -> Option<&Commune> {
        self.communes
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.communes[i])
    }

    /// The commune whose 5-digit code has this numeric value (as `PlaceDoc` keeps it).
    pub fn get_by_number(&self, code: u32) -> Option<&Commune> {
        self.communes
            .binary_search_by(|c| c.code.parse::<u32>().unwrap_or(u32::MAX).cmp(&code))
            .ok()
            .map(|i| &self.communes[i])
    }

    /// All communes, sorted by code.
    pub fn all(&self) -> &[Commune] {
        &self.communes
    }

    /// The communes whose polygons' envelopes intersect the box `[min_lon, min_lat, max_lon,
    /// max_lat]`, sorted by code, without duplicates.
    pub fn in_envelope(&self, bbox: [f64; 4]) -> Vec<&Commune> {
        let env = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        let mut idx: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data.0)
            .collect();
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().map(|i| &self.communes[i]).collect()
    }

    /// Number of communes.
    pub fn len(&self) -> usize {
        self.communes.len()
    }

    /// Whether no commune is loaded.
    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    fn square(code: &str, x0: f64, y0: f64) -> Commune {
        Commune {
            code: code.into(),
            name: code.into(),
            full_name: code.into(),
            unit_type: "Xã".into(),
            province_code: "99".into(),
            province_name: "test".into(),
            area_km2: 1.0,
            boundary: MultiPolygon(vec![polygon![
                (x: x0, y: y0), (x: x0 + 1.0, y: y0), (x: x0 + 1.0, y: y0 + 1.0), (x: x0, y: y0 + 1.0)
            ]]),
        }
    }

    #[test]
    fn shared_edge_goes_to_the_smallest_code_whatever_the_load_order() {
        for order in [["00002", "00001"], ["00001", "00002"]] {
            let index = CommuneIndex::new(vec![
                square(order[0], if order[0] == "00001" { 0.0 } else { 1.0 }, 0.0),
                square(order[1], if order[1] == "00001" { 0.0 } else { 1.0 }, 0.0),
            ]);
            assert_eq!(index.locate(1.0, 0.5).unwrap().code, "00001");
            assert_eq!(index.locate(1.5, 0.5).unwrap().code, "00002");
            assert_eq!(index.locate(0.5, 0.5).unwrap().code, "00001");
            assert!(index.locate(2.5, 0.5).is_none());
        }
    }

    #[test]
    fn interior_beats_boundary() {
        // 00001's boundary runs through the interior of 00005 (overlapping data).
        let index = CommuneIndex::new(vec![square("00001", 0.0, 0.0), square("00005", 0.5, 0.0)]);
        assert_eq!(index.locate(1.0, 0.5).unwrap().code, "00005");
    }
}
