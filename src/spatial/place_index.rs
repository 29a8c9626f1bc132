//! R-tree over the points of all places, every status included.

use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use super::{degrees_envelope, haversine_distance_m};
use crate::code::LocationCode;
use crate::place::{Place, PlaceKind, Status};

/// What the index keeps of a place: enough to answer duplicate checks and lookups without the
/// store.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedPlace {
    pub code: LocationCode,
    pub kind: PlaceKind,
    pub status: Status,
    pub name: Box<str>,
}

impl IndexedPlace {
    fn of(place: &Place) -> IndexedPlace {
        IndexedPlace {
            code: place.code,
            kind: place.kind,
            status: place.status,
            name: place.name.as_str().into(),
        }
    }
}

type Entry = GeomWithData<[f64; 2], IndexedPlace>;

/// The place points, lon/lat degrees.
#[derive(Debug, Default)]
pub struct PlaceIndex {
    tree: RTree<Entry>,
}

impl PlaceIndex {
    /// Builds the index in one bulk load (O(n log n), far faster than n inserts).
    pub fn bulk_load<'a>(places: impl IntoIterator<Item = &'a Place>) -> PlaceIndex {
        let entries = places
            .into_iter()
            .map(|p| GeomWithData::new([p.lon, p.lat], IndexedPlace::of(p)))
            .collect();
        PlaceIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Adds a newly registered place.
    pub fn insert(&mut self, place: &Place) {
        self.tree.insert(GeomWithData::new(
            [place.lon, place.lat],
            IndexedPlace::of(place),
        ));
    }

    /// Replaces the entry of a changed place (`before` is its previous state).
    pub fn update(&mut self, before: &Place, after: &Place) {
        let old = GeomWithData::new([before.lon, before.lat], IndexedPlace::of(before));
        self.tree.remove(&old);
        self.insert(after);
    }

    /// Places within `radius_m` metres of (lon, lat), nearest first, with their distance.
    ///
    /// ```
    /// # use diachiso::spatial::PlaceIndex;
    /// let index = PlaceIndex::default();
    /// assert!(index.within(106.0, 20.6, 50.0).is_empty());
    /// ```
    pub fn within(&self, lon: f64, lat: f64, radius_m: f64) -> Vec<(&IndexedPlace, [f64; 2], f64)> {
        let b = degrees_envelope(lon, lat, radius_m);
        let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        let mut hits: Vec<_> = self
            .tree
            .locate_in_envelope(&env)
            .map(|e| {
                let p = *e.geom();
                (&e.data, p, haversine_distance_m([lon, lat], p))
            })
            .filter(|(_, _, d)| *d <= radius_m)
            .collect();
        hits.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.code.cmp(&b.0.code)));
        hits
    }

    /// Number of places indexed.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}
