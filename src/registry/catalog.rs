//! What the registry keeps in memory: a compact document per place, the R-tree of their
//! points, the text index, and the set of codes ever handed out.

use std::collections::{BTreeMap, HashSet};

use crate::address::{street_key, AddressIndex, StreetKey};
use crate::code::LocationCode;
use crate::place::{Place, PlaceDoc, PlaceKind, Status};
use crate::search::{DocId, Order, QueryTerm, SearchIndex};
use crate::spatial::{geodesic_distance_m, haversine_distance_m, PlaceIndex};

/// Which places a listing wants. `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    pub bbox: Option<[f64; 4]>,
    pub kind: Option<PlaceKind>,
    pub commune: Option<u32>,
    pub statuses: Vec<Status>,
}

impl PlaceFilter {
    fn accepts(&self, d: &PlaceDoc) -> bool {
        self.accepts_class(&(d.status, d.kind, d.commune))
    }

    fn accepts_class(&self, &(status, kind, commune): &Class) -> bool {
        self.kind.is_none_or(|k| k == kind)
            && self.commune.is_none_or(|c| c == commune)
            && self.statuses.contains(&status)
    }
}

/// What a filter without a box looks at: status, kind and commune.
type Class = (Status, PlaceKind, u32);

fn class_of(d: &PlaceDoc) -> Class {
    (d.status, d.kind, d.commune)
}

/// Adds a document's house number on its street to the address index (or removes it).
fn index_address(index: &mut AddressIndex, id: DocId, doc: &PlaceDoc, add: bool) {
    let (Some(number), Some(street)) = (doc.house_number(), doc.street()) else {
        return;
    };
    let Some(key) = street_key(street) else {
        return;
    };
    if add {
        index.add(id, doc.commune, number, &key);
    } else {
        index.remove(id, doc.commune, number, &key);
    }
}

/// A document's static rank in text search: shorter names first, then by code.
fn rank_key(d: &PlaceDoc) -> u64 {
    (d.name.len().min(0xff_ffff) as u64) << 40 | d.code.payload()
}

/// The in-memory catalog of places.
#[derive(Debug, Default)]
pub struct Catalog {
    docs: Vec<PlaceDoc>,
    by_code: BTreeMap<LocationCode, DocId>,
    points: PlaceIndex,
    text: SearchIndex,
    /// Streets and house numbers, for matching written addresses.
    addresses: AddressIndex,
    /// Every code ever handed out (every status): never reused.
    taken: HashSet<LocationCode>,
    /// Recently read whole places, so that reads by code skip the store.
    recent: RecentPlaces,
    /// Where each recent change happened, for caches of areas.
    journal: super::ChangeJournal,
    /// How many places of each status, kind and commune: a listing counts its matches from
    /// these (a few thousand classes) instead of looking at every place.
    classes: std::collections::HashMap<Class, usize>,
}

/// A bounded cache of whole places read by code. Every change to the catalog bumps a
/// generation; a place read from the store is remembered only if no change happened while it
/// was being read, so the cache never keeps an older version than the catalog's.
#[derive(Debug, Default)]
struct RecentPlaces {
    generation: std::sync::atomic::AtomicU64,
    places: std::sync::Mutex<std::collections::HashMap<LocationCode, std::sync::Arc<Place>>>,
}

impl RecentPlaces {
    /// Most places kept (under 1 KB each): GET by code and pages of OGC items read here
    /// first; 200,000 covers a busy province's working areas within the 1 GiB budget.
    const MAX: usize = 200_000;
}

impl Catalog {
    /// Builds every index at once (bulk-loaded R-tree; text indexed in document order).
    pub fn build(places: &[Place]) -> Catalog {
        Catalog::from_docs(places.iter().map(PlaceDoc::of).collect())
    }

    /// Builds every index from the documents: the text index on one thread while the R-tree
    /// is bulk-loaded and the code map and taken set are filled on another (start-up time is
    /// a target; the machine has two cores).
    pub fn from_docs(mut docs: Vec<PlaceDoc>) -> Catalog {
        // Document ids in static rank order: the text index then walks posting lists in id
        // order as in rank order (see `search::SearchIndex::top`).
        docs.sort_unstable_by_key(rank_key);
        let mut classes = std::collections::HashMap::new();
        for d in &docs {
            *classes.entry(class_of(d)).or_default() += 1;
        }
        let ((text, addresses), (points, by_code, taken)) = std::thread::scope(|scope| {
            let text = scope.spawn(|| {
                let mut text = SearchIndex::new();
                let mut addresses = AddressIndex::new();
                // Streets repeat across their houses: read each street text once.
                let mut keys: std::collections::HashMap<&str, Option<StreetKey>> =
                    std::collections::HashMap::new();
                for (i, d) in docs.iter().enumerate() {
                    text.add(i as DocId, &d.name, d.address_words(), rank_key(d));
                    if let (Some(number), Some(street)) = (d.house_number(), d.street()) {
                        let key = keys.entry(street).or_insert_with(|| street_key(street));
                        if let Some(key) = key {
                            addresses.add(i as DocId, d.commune, number, key);
                        }
                    }
                }
                (text, addresses)
            });
            let points = PlaceIndex::bulk_load(
                docs.iter()
                    .enumerate()
                    .map(|(i, d)| (i as DocId, [d.lon, d.lat]))
                    .collect(),
            );
            let by_code = docs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.code, i as DocId))
                .collect();
            let taken = docs.iter().map(|d| d.code).collect();
            (
                text.join().expect("text index thread"),
                (points, by_code, taken),
            )
        });
        Catalog {
            by_code,
            points,
            taken,
            text,
            addresses,
            docs,
            recent: RecentPlaces::default(),
            journal: super::ChangeJournal::default(),
            classes,
        }
    }

    /// Adds a new place or replaces a changed one (after its write committed).
    pub fn upsert(&mut self, place: &Place) {
        let generation = 1 + self
            .recent
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut recent) = self.recent.places.lock() {
            recent.remove(&place.code);
        }
        let new = PlaceDoc::of(place);
        self.taken.insert(new.code);
        // Caches of areas care only for what the document holds: an event applied again (a
        // node's catch-up after its own write) or a change of attributes moves no tile.
        let same = self
            .by_code
            .get(&new.code)
            .is_some_and(|&id| self.docs[id as usize] == new);
        if !same {
            self.journal
                .record(generation, new.code, [new.lon, new.lat]);
        }
        *self.classes.entry(class_of(&new)).or_default() += 1;
        match self.by_code.get(&new.code) {
            Some(&id) => {
                let old = &self.docs[id as usize];
                if let Some(n) = self.classes.get_mut(&class_of(old)) {
                    *n -= 1;
                }
                if (old.lon, old.lat) != (new.lon, new.lat) {
                    self.journal
                        .record(generation, old.code, [old.lon, old.lat]);
                }
                let old = std::mem::replace(&mut self.docs[id as usize], new);
                let new = &self.docs[id as usize];
                if (old.lon, old.lat) != (new.lon, new.lat) {
                    self.points.remove(id, [old.lon, old.lat]);
                    self.points.insert(id, [new.lon, new.lat]);
                }
                if (&old.name, old.address_words()) != (&new.name, new.address_words()) {
                    self.text.remove(id, &old.name, old.address_words());
                    self.text
                        .add(id, &new.name, new.address_words(), rank_key(new));
                }
                if (old.commune, old.address_words()) != (new.commune, new.address_words()) {
                    index_address(&mut self.addresses, id, &old, false);
                    index_address(&mut self.addresses, id, &self.docs[id as usize], true);
                }
            }
            None => {
                let id = self.docs.len() as DocId;
                self.points.insert(id, [new.lon, new.lat]);
                self.text
                    .add(id, &new.name, new.address_words(), rank_key(&new));
                index_address(&mut self.addresses, id, &new, true);
                self.by_code.insert(new.code, id);
                self.docs.push(new);
            }
        }
    }

    /// Streets and house numbers of every commune.
    pub fn addresses(&self) -> &AddressIndex {
        &self.addresses
    }

    /// A recently read place, if it is still current.
    pub fn recent(&self, code: LocationCode) -> Option<std::sync::Arc<Place>> {
        self.recent.places.lock().ok()?.get(&code).cloned()
    }

    /// The generation to pass to [`Catalog::remember`] (read it before reading the store).
    pub fn generation(&self) -> u64 {
        self.recent
            .generation
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether a change after `generation` touched a place (where it was or where it is)
    /// inside `bbox`; `None` when that is too long ago to say.
    pub fn touched_since(&self, generation: u64, bbox: [f64; 4]) -> Option<bool> {
        self.journal.touched_since(generation, bbox)
    }

    /// The places whose documents changed after `generation` (a place may come more than
    /// once); `None` when that is too long ago to say.
    pub fn changed_codes_since(
        &self, generation: u64,
    ) -> Option<impl Iterator<Item = LocationCode> + '_> {
        self.journal.codes_since(generation)
    }

    /// The points changes after `generation` touched inside `bbox` (where places were and
    /// where they are), newest first; `None` when that is too long ago to say.
    pub fn changed_points_since(
        &self, generation: u64, bbox: [f64; 4],
    ) -> Option<impl Iterator<Item = [f64; 2]> + '_> {
        self.journal.points_since(generation, bbox)
    }

    /// Remembers a place read from the store, unless the catalog changed since `generation`.
    pub fn remember(&self, place: std::sync::Arc<Place>, generation: u64) {
        if let Ok(mut recent) = self.recent.places.lock() {
            if self.generation() != generation {
                return;
            }
            if recent.len() >= RecentPlaces::MAX {
                recent.clear();
            }
            recent.insert(place.code, place);
        }
    }

    /// Whether a code was ever handed out.
    pub fn is_taken(&self, code: LocationCode) -> bool {
        self.taken.contains(&code)
    }

    /// Number of places (every status).
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there is no place.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The document with this id.
    pub fn doc(&self, id: DocId) -> &PlaceDoc {
        &self.docs[id as usize]
    }

    /// The document of a code.
    pub fn by_code(&self, code: LocationCode) -> Option<&PlaceDoc> {
        self.by_code.get(&code).map(|&id| self.doc(id))
    }

    /// Places within `radius_m` of a point, nearest first, with geodesic distances in metres.
    pub fn nearest(
        &self, lon: f64, lat: f64, radius_m: f64, limit: usize, keep: impl Fn(&PlaceDoc) -> bool,
    ) -> Vec<(&PlaceDoc, f64)> {
        self.points
            .nearest(lon, lat, radius_m, limit, |id| keep(self.doc(id)))
            .into_iter()
            .map(|(id, d)| (self.doc(id), d))
            .collect()
    }

    /// Text search: every query word must match the name or the address. Ranked by match
    /// quality, then (when `near` is given) by distance, then by shorter name and code.
    /// Returns the documents with their score and distance in metres (when `near` is given).
    pub fn search(
        &self, query: &str, near: Option<[f64; 2]>, limit: usize, keep: impl Fn(&PlaceDoc) -> bool,
    ) -> Vec<(&PlaceDoc, u32, Option<f64>)> {
        let terms = QueryTerm::parse(query);
        let keep = |id: DocId| keep(self.doc(id));
        let hits = match near {
            Some(p) => {
                // Ranked by the great-circle distance (a few operations, not Karney's
                // iteration; within 0.5 % of the ellipsoid's, and never below the walk's
                // bound); the answer gives the geodesic one.
                let distance = |id: DocId| {
                    let d = self.doc(id);
                    haversine_distance_m(p, [d.lon, d.lat])
                };
                let order = Order::Near {
                    walk: Box::new(self.points.nearest_iter(p[0], p[1])),
                    distance: &distance,
                };
                self.text.top(&terms, limit, order, keep)
            }
            None => self.text.top(&terms, limit, Order::Static, keep),
        };
        hits.into_iter()
            .map(|h| {
                let d = self.doc(h.doc);
                let distance = near.map(|p| geodesic_distance_m(p, [d.lon, d.lat]));
                (d, h.score, distance)
            })
            .collect()
    }

    /// A page of the places a filter accepts, in code order, and how many it accepts in all.
    pub fn list(
        &self, filter: &PlaceFilter, offset: usize, limit: usize,
    ) -> (usize, Vec<LocationCode>) {
        match filter.bbox {
            Some(bbox) => {
                let mut codes: Vec<LocationCode> = self
                    .points
                    .in_box(bbox)
                    .map(|(id, _)| self.doc(id))
                    .filter(|d| filter.accepts(d))
                    .map(|d| d.code)
                    .collect();
                codes.sort_unstable();
                let matched = codes.len();
                (
                    matched,
                    codes.into_iter().skip(offset).take(limit).collect(),
                )
            }
            None => {
                let matched = self
                    .classes
                    .iter()
                    .filter(|(class, _)| filter.accepts_class(class))
                    .map(|(_, n)| n)
                    .sum();
                // In code order, up to the end of the page only.
                let page = self
                    .by_code
                    .iter()
                    .filter(|(_, &id)| filter.accepts(self.doc(id)))
                    .skip(offset)
                    .take(limit)
                    .map(|(code, _)| *code)
                    .collect();
                (matched, page)
            }
        }
    }

    /// The places within `radius_m` of a draft's point that may be the same place
    /// ([`PlaceDraft::may_duplicate`]), nearest first, except the place `except` itself.
    pub fn possible_duplicates(
        &self, draft: &crate::place::PlaceDraft, radius_m: f64, except: Option<LocationCode>,
    ) -> Vec<(&PlaceDoc, f64)> {
        self.nearest(draft.lon, draft.lat, radius_m, usize::MAX, |d| {
            Some(d.code) != except && draft.may_duplicate(d.kind, d.status, &d.name)
        })
    }

    /// The place documents within `radius_m` of a point (any status), nearest first.
    /// Every document (every status), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &PlaceDoc> + '_ {
        self.by_code.values().map(|&id| &self.docs[id as usize])
    }

    /// The places whose point lies in a box `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn in_box(&self, bbox: [f64; 4]) -> impl Iterator<Item = &PlaceDoc> + '_ {
        self.points
            .in_box(bbox)
            .map(|(id, _)| &self.docs[id as usize])
    }

    /// The places within `radius_m` metres of a point (geodesic), with their distance.
    pub fn within(&self, lon: f64, lat: f64, radius_m: f64) -> Vec<(&PlaceDoc, f64)> {
        self.nearest(lon, lat, radius_m, usize::MAX, |_| true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::street::fixtures::house;

    /// What a listing without a box must say: the brute-force count and page.
    fn brute(
        c: &Catalog, f: &PlaceFilter, offset: usize, limit: usize,
    ) -> (usize, Vec<LocationCode>) {
        let all: Vec<LocationCode> = c
            .by_code
            .iter()
            .filter(|(_, &id)| f.accepts(c.doc(id)))
            .map(|(code, _)| *code)
            .collect();
        (
            all.len(),
            all.into_iter().skip(offset).take(limit).collect(),
        )
    }

    #[test]
    fn listings_count_from_classes_as_looking_at_every_place_would() {
        let mut places: Vec<Place> = (0..60).map(|i| house(f64::from(i) * 20.0, 0.0)).collect();
        for (i, p) in places.iter_mut().enumerate() {
            if i % 3 == 0 {
                p.status = Status::Provisional;
            }
            if i % 4 == 0 {
                p.kind = PlaceKind::Business;
            }
        }
        let mut c = Catalog::build(&places);
        // Changes after the build: a status, a kind, and a new place.
        let mut changed = places[3].clone();
        changed.status = Status::Retired;
        c.upsert(&changed);
        let mut changed = places[5].clone();
        changed.kind = PlaceKind::ReligiousSite;
        c.upsert(&changed);
        c.upsert(&house(0.0, 500.0));
        let filters = [
            PlaceFilter {
                statuses: Status::ALL.to_vec(),
                ..PlaceFilter::default()
            },
            PlaceFilter {
                statuses: vec![Status::Active],
                ..PlaceFilter::default()
            },
            PlaceFilter {
                statuses: vec![Status::Active, Status::Provisional],
                kind: Some(PlaceKind::Business),
                ..PlaceFilter::default()
            },
            PlaceFilter {
                statuses: vec![Status::Retired],
                commune: Some(11953),
                ..PlaceFilter::default()
            },
            PlaceFilter {
                statuses: Status::ALL.to_vec(),
                commune: Some(12004),
                ..PlaceFilter::default()
            },
        ];
        for f in &filters {
            for (offset, limit) in [(0, 10), (7, 5), (55, 10), (100, 10)] {
                assert_eq!(
                    c.list(f, offset, limit),
                    brute(&c, f, offset, limit),
                    "{f:?}"
                );
            }
        }
        assert_eq!(c.list(&filters[0], 0, 1).0, 61);
        assert_eq!(c.list(&filters[3], 0, 1).0, 1);
    }
}
