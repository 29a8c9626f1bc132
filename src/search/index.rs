//! The inverted index: folded words → sorted document ids, per field; each document's own
//! words (to score a document without searching posting lists); and the documents in their
//! static order (shorter name, then code), so that common words and short prefixes are
//! answered by walking documents in rank order and stopping early instead of scoring every
//! match.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::query::{tokenize, MatchKind, QueryTerm};
use crate::text::Interner;

/// A document's id in the index (the caller's own numbering, dense from 0).
pub type DocId = u32;

/// Which text a word came from. Name matches rank above address matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name = 0,
    Address = 1,
}

/// Word → documents, for names and for address parts.
#[derive(Debug, Default)]
pub struct SearchIndex {
    vocabulary: Interner,
    /// The vocabulary in text order (prefixes are ranges of it).
    sorted: BTreeMap<String, u32>,
    /// `postings[field][word id]`: sorted, distinct document ids.
    postings: [Vec<Vec<DocId>>; 2],
    /// `forward[doc]`: the document's words, `word id << 1 | field`.
    forward: Vec<Box<[u32]>>,
    /// Every document by its static rank key ([`SearchIndex::add`]).
    order: BTreeSet<(u64, DocId)>,
    /// `keys[doc]`: the document's static rank key.
    keys: Vec<u64>,
    /// `in_order[doc]`: whether the document's id stands where its key does, i.e. among the
    /// documents in order, id order is key order. Documents added in increasing id and key
    /// order (as `registry::Catalog` builds the index) are; a later one with a smaller key,
    /// or one re-added with another key, is displaced.
    in_order: Vec<bool>,
    /// The documents not in order (scored whole by a walk in static order).
    displaced: BTreeSet<DocId>,
    /// The document in order with the largest id, and its key.
    last_in_order: Option<(DocId, u64)>,
}

/// With more displaced documents than this, a walk in static order goes through the sorted
/// set of every document instead of the postings in id order.
const MOST_DISPLACED: usize = 4_096;

/// A scored hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    /// Higher is better: per query word, 3 (exact) / 2 (prefix) / 1 (typo), doubled when the
    /// word matched in the name, plus 1 when every word matched in the name, and 1 more when
    /// the name has no other words.
    pub score: u32,
    /// The order within a score: the distance in metres for a search near a point, else the
    /// static rank key.
    pub key: f64,
}

/// In which order [`SearchIndex::top`] ranks documents of equal score.
pub enum Order<'a> {
    /// By the static rank key (shorter name first, then code).
    Static,
    /// By distance from a point: `walk` yields documents nearest first as `(doc, bound)`,
    /// `bound` being no more than the distance of this document or any it yields later;
    /// `distance` gives the distance of any document (asked only of those that may enter).
    Near {
        walk: Box<dyn Iterator<Item = (DocId, f64)> + 'a>,
        distance: &'a dyn Fn(DocId) -> f64,
    },
}

/// Searches whose rarest word matches at most this many postings score every match.
const BRUTE_FORCE_POSTINGS: usize = 4_096;
/// A class of equally good matches of the rarest word with at most this many postings is
/// scored whole even when the rest is walked (an exact name anywhere in the province ranks
/// first).
const RARE_CLASS_POSTINGS: usize = 1_024;
/// A walk stops after this many matches (times the limit)…
const WALK_MATCHES_PER_RESULT: usize = 8;
/// …or, walking every document, after at most this many visited, when it scores every
/// match instead.
const WALK_VISITS: usize = 20_000;

/// One query word's matches: `best[word id]` is the best [`MatchKind`] as a number (0: no
/// match), with the words it matches.
struct TermMatches {
    best: Vec<u8>,
    words: Vec<(u32, MatchKind)>,
}

fn weight(kind: u8, field: u32) -> u32 {
    u32::from(kind) * if field == Field::Name as u32 { 2 } else { 1 }
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> SearchIndex {
        SearchIndex::default()
    }

    fn word_id(&mut self, word: &str) -> u32 {
        let (id, new) = self.vocabulary.intern(word);
        if new {
            for field in &mut self.postings {
                field.push(Vec::new());
            }
            self.sorted.insert(word.to_owned(), id);
        }
        id
    }

    /// Adds a document's name and address text with its static rank `key` (documents of
    /// equal score rank by it, smaller first, when no point is given). Adding documents in
    /// increasing id order is O(1) per word; other orders insert into the middle of posting
    /// lists.
    pub fn add(&mut self, doc: DocId, name: &str, address: &str, key: u64) {
        let mut own = Vec::new();
        for (field, text) in [(Field::Name, name), (Field::Address, address)] {
            for word in tokenize(text) {
                let id = self.word_id(&word);
                let entry = id << 1 | field as u32;
                if own.contains(&entry) {
                    continue;
                }
                own.push(entry);
                let list = &mut self.postings[field as usize][id as usize];
                match list.last() {
                    Some(&last) if last < doc => list.push(doc),
                    None => list.push(doc),
                    _ => {
                        if let Err(at) = list.binary_search(&doc) {
                            list.insert(at, doc);
                        }
                    }
                }
            }
        }
        let at = doc as usize;
        let in_order = if at < self.forward.len() {
            // Re-added (after a change): in order if it was, with the same key.
            self.in_order[at] && self.keys[at] == key
        } else {
            self.last_in_order
                .is_none_or(|(last, last_key)| doc > last && key >= last_key)
        };
        if self.forward.len() <= at {
            self.forward.resize_with(at + 1, Default::default);
            self.keys.resize(at + 1, u64::MAX);
            self.in_order.resize(at + 1, false);
        }
        if in_order {
            if self.last_in_order.is_none_or(|(last, _)| doc > last) {
                self.last_in_order = Some((doc, key));
            }
        } else {
            self.displaced.insert(doc);
        }
        self.in_order[at] = in_order;
        self.forward[at] = own.into_boxed_slice();
        self.keys[at] = key;
        self.order.insert((key, doc));
    }

    /// Removes a document, given the text it was added with.
    pub fn remove(&mut self, doc: DocId, name: &str, address: &str) {
        for (field, text) in [(Field::Name, name), (Field::Address, address)] {
            for word in tokenize(text) {
                if let Some(id) = self.vocabulary.get(&word) {
                    let list = &mut self.postings[field as usize][id as usize];
                    if let Ok(at) = list.binary_search(&doc) {
                        list.remove(at);
                    }
                }
            }
        }
        if let Some(own) = self.forward.get_mut(doc as usize) {
            *own = Box::default();
            self.order.remove(&(self.keys[doc as usize], doc));
        }
    }

    /// Number of distinct words.
    pub fn vocabulary_len(&self) -> usize {
        self.vocabulary.strings().len()
    }

    /// The words a query word matches and how well: exact, the words it starts (a prefix
    /// is a range of the sorted vocabulary), and one typo away for longer words.
    fn term_matches(&self, term: &QueryTerm) -> TermMatches {
        let mut best = vec![0u8; self.vocabulary_len()];
        let mark = |best: &mut Vec<u8>, id: u32, kind: MatchKind| {
            let b = &mut best[id as usize];
            *b = (*b).max(kind as u8);
        };
        if let Some(id) = self.vocabulary.get(&term.word) {
            mark(&mut best, id, MatchKind::Exact);
        }
        if term.prefix {
            for (word, &id) in self.sorted.range(term.word.clone()..) {
                if !word.starts_with(&term.word) {
                    break;
                }
                mark(&mut best, id, MatchKind::Prefix);
            }
        }
        if term.word.chars().count() >= QueryTerm::MIN_TYPO_CHARS {
            for (id, word) in self.vocabulary.strings().iter().enumerate() {
                if best[id] == 0 && term.matches(word) == Some(MatchKind::Typo) {
                    mark(&mut best, id as u32, MatchKind::Typo);
                }
            }
        }
        let words = best
            .iter()
            .enumerate()
            .filter_map(|(id, &k)| {
                let kind = match k {
                    3 => MatchKind::Exact,
                    2 => MatchKind::Prefix,
                    1 => MatchKind::Typo,
                    _ => return None,
                };
                Some((id as u32, kind))
            })
            .collect();
        TermMatches { best, words }
    }

    fn postings_of(&self, words: &[(u32, MatchKind)]) -> usize {
        words
            .iter()
            .map(|(id, _)| {
                self.postings[0][*id as usize].len() + self.postings[1][*id as usize].len()
            })
            .sum()
    }

    /// A document's score against every term, and the weight of the `driver` term's best
    /// match in it; `None` unless every term matches.
    fn score(&self, doc: DocId, terms: &[TermMatches], driver: usize) -> Option<(u32, u32)> {
        let own = self.forward.get(doc as usize)?;
        let mut total = 0;
        let mut all_in_name = true;
        let mut driver_weight = 0;
        // The rarest word first: most documents fail on it.
        let others = (0..terms.len()).filter(|&t| t != driver);
        for t in std::iter::once(driver).chain(others) {
            let term = &terms[t];
            // The best weight, a name match winning a tie.
            let mut best: Option<(u32, bool)> = None;
            for &entry in own.iter() {
                let kind = term.best[(entry >> 1) as usize];
                if kind == 0 {
                    continue;
                }
                let field = entry & 1;
                let w = weight(kind, field);
                let in_name = field == Field::Name as u32;
                if best.is_none_or(|(bw, bn)| w > bw || (w == bw && in_name && !bn)) {
                    best = Some((w, in_name));
                }
            }
            let (w, in_name) = best?;
            total += w;
            all_in_name &= in_name;
            if t == driver {
                driver_weight = w;
            }
        }
        // The name is the query's words and nothing more ("Nhà" for "nha"): first of its kind.
        let name_words = own.iter().filter(|&&e| e & 1 == Field::Name as u32).count();
        let whole_name = all_in_name && name_words == terms.len();
        Some((
            total + u32::from(all_in_name) + u32::from(whole_name),
            driver_weight,
        ))
    }

    /// The query's terms matched against the vocabulary, and the rarest of them (the one with
    /// the fewest postings); `None` when some term matches no word at all.
    fn prepare(&self, terms: &[QueryTerm]) -> Option<(Vec<TermMatches>, usize)> {
        if terms.is_empty() {
            return None;
        }
        let matched: Vec<TermMatches> = terms.iter().map(|t| self.term_matches(t)).collect();
        if matched.iter().any(|m| m.words.is_empty()) {
            return None;
        }
        let driver = (0..matched.len())
            .min_by_key(|&i| self.postings_of(&matched[i].words))
            .unwrap_or(0);
        Some((matched, driver))
    }

    /// Every document in the postings of these words, once, in id order.
    fn documents_of(&self, words: &[(u32, MatchKind)]) -> Vec<DocId> {
        let mut docs: Vec<DocId> = words
            .iter()
            .flat_map(|(id, _)| {
                self.postings
                    .iter()
                    .flat_map(|f| f[*id as usize].iter().copied())
            })
            .collect();
        docs.sort_unstable();
        docs.dedup();
        docs
    }

    /// Documents that match every word of the query (the last one as a prefix while it is
    /// typed, longer words with one typo), with their scores, unsorted (`key` is the static
    /// rank key). `keep` filters documents (kind, commune, visibility) before scoring.
    ///
    /// ```
    /// use diachiso::search::{QueryTerm, SearchIndex};
    /// let mut index = SearchIndex::new();
    /// index.add(0, "Chùa Keo", "xã Duy Nhất", 0);
    /// index.add(1, "Đền Trần", "phường Trần Hưng Đạo", 1);
    /// let hits = index.search(&QueryTerm::parse("chua ke"), |_| true);
    /// assert_eq!(hits.len(), 1);
    /// assert_eq!(hits[0].doc, 0);
    /// assert_eq!(index.search(&QueryTerm::parse("den tran"), |_| true)[0].doc, 1);
    /// ```
    pub fn search(&self, terms: &[QueryTerm], keep: impl Fn(DocId) -> bool) -> Vec<Hit> {
        let Some((matched, driver)) = self.prepare(terms) else {
            return Vec::new();
        };
        self.matches(&matched, driver, &keep)
            .map(|(doc, score)| Hit {
                doc,
                score,
                key: self.keys[doc as usize] as f64,
            })
            .collect()
    }

    /// Every kept document matching the query, with its score, in id order.
    fn matches<'s>(
        &'s self, matched: &'s [TermMatches], driver: usize, keep: &'s dyn Fn(DocId) -> bool,
    ) -> impl Iterator<Item = (DocId, u32)> + 's {
        self.documents_of(&matched[driver].words)
            .into_iter()
            .filter(move |&doc| keep(doc))
            .filter_map(move |doc| Some((doc, self.score(doc, matched, driver)?.0)))
    }

    /// Offers every match of the query to `best`, working out a document's key (a distance,
    /// perhaps) only when its score could still enter.
    fn offer_all(
        &self, best: &mut Best<'_>, matched: &[TermMatches], driver: usize,
        keep: &dyn Fn(DocId) -> bool, key: &dyn Fn(DocId) -> f64,
    ) {
        for (doc, score) in self.matches(matched, driver, keep) {
            if best.could_enter(score) {
                let key = key(doc);
                best.offer(Hit { doc, score, key });
            }
        }
    }

    /// The best `limit` documents that match every word of the query, best first: by score,
    /// then in `order` (nearest first, or shorter name first), then by static rank key.
    ///
    /// A query whose rarest word is rare scores every match. One whose every word is common
    /// ("n", "nhà", "chùa ng") scores the small classes of its rarest word's best matches
    /// whole (an exact name anywhere ranks first), then walks the other documents in `order`
    /// and stops as soon as no document further on can rank higher — or, when the best
    /// possible score is rare along the way, after a few times `limit` matches: the best of
    /// the matches nearest the point (or with the shortest names). See ARCHITECTURE.md.
    ///
    /// ```
    /// use diachiso::search::{Order, QueryTerm, SearchIndex};
    /// let mut index = SearchIndex::new();
    /// // Static keys as the catalog makes them: name length (bytes), then the document.
    /// let key = |name: &str, doc: u32| (name.len() as u64) << 32 | u64::from(doc);
    /// for i in 0..10_000u32 {
    ///     let name = format!("Nhà {i}");
    ///     index.add(i, &name, "thôn Đông", key(&name, i));
    /// }
    /// index.add(10_000, "Nhà", "", key("Nhà", 10_000)); // added last, ranked by its key
    /// let hits = index.top(&QueryTerm::parse("nha"), 3, Order::Static, |_| true);
    /// // The whole name first, then the shortest names.
    /// assert_eq!(hits.iter().map(|h| h.doc).collect::<Vec<_>>(), [10_000, 0, 1]);
    /// assert!(hits[0].score > hits[1].score);
    /// ```
    pub fn top(
        &self, terms: &[QueryTerm], limit: usize, order: Order<'_>, keep: impl Fn(DocId) -> bool,
    ) -> Vec<Hit> {
        if limit == 0 {
            return Vec::new();
        }
        let Some((matched, driver)) = self.prepare(terms) else {
            return Vec::new();
        };
        let static_key = |doc: DocId| self.keys[doc as usize] as f64;
        let key: &dyn Fn(DocId) -> f64 = match &order {
            Order::Static => &static_key,
            Order::Near { distance, .. } => *distance,
        };
        let mut best = Best::new(limit, &self.keys);
        if self.postings_of(&matched[driver].words) <= BRUTE_FORCE_POSTINGS {
            self.offer_all(&mut best, &matched, driver, &keep, key);
            return best.into_hits();
        }

        // The driver's matches in classes of equal weight; the small classes are scored whole.
        let mut classes: BTreeMap<u32, usize> = BTreeMap::new();
        for &(id, kind) in &matched[driver].words {
            for field in [Field::Name, Field::Address] {
                let n = self.postings[field as usize][id as usize].len();
                if n > 0 {
                    *classes.entry(weight(kind as u8, field as u32)).or_default() += n;
                }
            }
        }
        let rare: HashSet<u32> = classes
            .iter()
            .filter(|(_, &n)| n <= RARE_CLASS_POSTINGS)
            .map(|(&w, _)| w)
            .collect();
        let mut rare_words: Vec<(u32, MatchKind, Field)> = Vec::new();
        for &(id, kind) in &matched[driver].words {
            for field in [Field::Name, Field::Address] {
                if rare.contains(&weight(kind as u8, field as u32)) {
                    rare_words.push((id, kind, field));
                }
            }
        }
        let mut rare_docs: Vec<DocId> = rare_words
            .iter()
            .flat_map(|&(id, _, f)| self.postings[f as usize][id as usize].iter().copied())
            .collect();
        rare_docs.sort_unstable();
        rare_docs.dedup();
        for doc in rare_docs {
            if !keep(doc) {
                continue;
            }
            if let Some((score, w)) = self.score(doc, &matched, driver) {
                if rare.contains(&w) && best.could_enter(score) {
                    best.offer(Hit {
                        doc,
                        score,
                        key: key(doc),
                    });
                }
            }
        }
        // The most any walked document can score: its best class of the driver, the best of
        // every other term, and the bonus.
        let top_common = classes
            .keys()
            .filter(|w| !rare.contains(w))
            .max()
            .copied()
            .unwrap_or(0);
        let others: u32 = matched
            .iter()
            .enumerate()
            .filter(|&(t, _)| t != driver)
            .map(|(_, m)| {
                m.words
                    .iter()
                    .map(|&(_, k)| weight(k as u8, Field::Name as u32))
                    .max()
                    .unwrap_or(0)
            })
            .sum();
        let ceiling = top_common + others + 2;

        // How far a walk may go before scoring every match instead is cheaper: a walk over
        // the rarest word's own postings never gives up; one over every document (nearest
        // first, or the sorted set) does after a share of what scoring them all would cost.
        let driver_postings = self.postings_of(&matched[driver].words);
        let mut most_visits = match &order {
            Order::Static => WALK_VISITS,
            Order::Near { .. } => (driver_postings / 8).clamp(256, WALK_VISITS),
        };
        let walk: Box<dyn Iterator<Item = (DocId, f64)> + '_> = match order {
            Order::Static if self.displaced.len() <= MOST_DISPLACED => {
                most_visits = usize::MAX;
                // The displaced documents whole, then the driver's other postings in id order,
                // which is key order for the documents in order: only matches of the rarest
                // word are visited.
                for &doc in &self.displaced {
                    if !keep(doc) {
                        continue;
                    }
                    if let Some((score, w)) = self.score(doc, &matched, driver) {
                        if !rare.contains(&w) && best.could_enter(score) {
                            best.offer(Hit {
                                doc,
                                score,
                                key: key(doc),
                            });
                        }
                    }
                }
                let rare = &rare;
                let lists = matched[driver].words.iter().flat_map(|&(id, kind)| {
                    [Field::Name, Field::Address]
                        .into_iter()
                        .filter(move |&f| !rare.contains(&weight(kind as u8, f as u32)))
                        .map(move |f| self.postings[f as usize][id as usize].as_slice())
                });
                Box::new(
                    merge_in_order(lists.collect())
                        .filter(|&doc| self.in_order[doc as usize])
                        .map(|doc| (doc, self.keys[doc as usize] as f64)),
                )
            }
            Order::Static => Box::new(self.order.iter().map(|&(k, doc)| (doc, k as f64))),
            Order::Near { walk, .. } => walk,
        };
        let most_matches = limit.saturating_mul(WALK_MATCHES_PER_RESULT).max(32);
        let mut matches = 0;
        for (visited, (doc, bound)) in walk.enumerate() {
            if best.settled(ceiling, bound) || matches >= most_matches {
                return best.into_hits();
            }
            if visited >= most_visits {
                // The matches are sparse along the walk: score them all instead.
                let mut all = Best::new(limit, &self.keys);
                self.offer_all(&mut all, &matched, driver, &keep, key);
                return all.into_hits();
            }
            if !keep(doc) {
                continue;
            }
            let Some((score, w)) = self.score(doc, &matched, driver) else {
                continue;
            };
            if rare.contains(&w) {
                continue;
            }
            matches += 1;
            if best.could_enter(score) {
                best.offer(Hit {
                    doc,
                    score,
                    key: key(doc),
                });
            }
        }
        best.into_hits()
    }
}

/// The documents of sorted lists, each once, in increasing order (a k-way merge).
fn merge_in_order(lists: Vec<&[DocId]>) -> impl Iterator<Item = DocId> + '_ {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut heads: BinaryHeap<Reverse<(DocId, usize, usize)>> = lists
        .iter()
        .enumerate()
        .filter_map(|(l, list)| list.first().map(|&d| Reverse((d, l, 0))))
        .collect();
    let mut last: Option<DocId> = None;
    std::iter::from_fn(move || loop {
        let Reverse((doc, l, at)) = heads.pop()?;
        if let Some(&next) = lists[l].get(at + 1) {
            heads.push(Reverse((next, l, at + 1)));
        }
        if last != Some(doc) {
            last = Some(doc);
            return Some(doc);
        }
    })
}

/// The best hits so far, at most `limit`, best first.
struct Best<'k> {
    limit: usize,
    hits: Vec<Hit>,
    keys: &'k [u64],
}

impl<'k> Best<'k> {
    fn new(limit: usize, keys: &'k [u64]) -> Best<'k> {
        Best {
            limit,
            hits: Vec::with_capacity(limit.min(64) + 1),
            keys,
        }
    }

    /// Whether `a` ranks before `b`: higher score, then smaller key, then smaller static key.
    fn before(&self, a: &Hit, b: &Hit) -> bool {
        a.score > b.score
            || (a.score == b.score
                && (a.key < b.key
                    || (a.key == b.key && self.keys[a.doc as usize] < self.keys[b.doc as usize])))
    }

    fn offer(&mut self, hit: Hit) {
        if self.hits.len() == self.limit && !self.before(&hit, &self.hits[self.limit - 1]) {
            return;
        }
        let at = self.hits.partition_point(|h| self.before(h, &hit));
        self.hits.insert(at, hit);
        self.hits.truncate(self.limit);
    }

    /// Whether a hit with this score might enter (it would, with a small enough key).
    fn could_enter(&self, score: u32) -> bool {
        self.hits.len() < self.limit || score >= self.hits[self.limit - 1].score
    }

    /// Whether nothing further along a walk can enter: every later document scores at most
    /// `ceiling` and comes no earlier than `bound`.
    fn settled(&self, ceiling: u32, bound: f64) -> bool {
        self.hits.len() == self.limit && {
            let last = &self.hits[self.limit - 1];
            last.score > ceiling || (last.score == ceiling && last.key < bound)
        }
    }

    fn into_hits(self) -> Vec<Hit> {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let mut i = SearchIndex::new();
        i.add(0, "Chùa Keo", "thôn Dũng Nghĩa", 0);
        i.add(1, "Trường Tiểu học Thụy Trường", "xã Thụy Trường", 1);
        i.add(2, "Đình làng Keo", "", 2);
        i.add(3, "Bãi đỗ xe Chợ Gạo", "phố Nguyễn Văn Linh", 3);
        i
    }

    fn docs(hits: &[Hit]) -> Vec<DocId> {
        let mut d: Vec<DocId> = hits.iter().map(|h| h.doc).collect();
        d.sort_unstable();
        d
    }

    #[test]
    fn diacritics_case_and_tone_placement_do_not_matter() {
        let i = index();
        assert_eq!(
            docs(&i.search(&QueryTerm::parse("CHÙA KEO"), |_| true)),
            [0]
        );
        assert_eq!(
            docs(&i.search(&QueryTerm::parse("chua keo"), |_| true)),
            [0]
        );
        // Old (Thuỵ) and new (Thụy) tone-mark placement.
        assert_eq!(
            docs(&i.search(&QueryTerm::parse("Thuỵ Trường"), |_| true)),
            [1]
        );
        assert_eq!(docs(&i.search(&QueryTerm::parse("dinh"), |_| true)), [2]);
    }

    #[test]
    fn every_word_must_match_and_names_rank_above_addresses() {
        let i = index();
        assert!(i
            .search(&QueryTerm::parse("chua nguyen"), |_| true)
            .is_empty());
        let hits = i.search(&QueryTerm::parse("keo "), |_| true);
        assert_eq!(docs(&hits), [0, 2]);
        let hits = i.search(&QueryTerm::parse("nguyen van linh"), |_| true);
        assert_eq!(docs(&hits), [3]);
        let by_name = i.search(&QueryTerm::parse("bai do xe"), |_| true)[0].score;
        assert!(by_name > hits[0].score);
    }

    #[test]
    fn removal_and_filters() {
        let mut i = index();
        i.remove(0, "Chùa Keo", "thôn Dũng Nghĩa");
        assert_eq!(docs(&i.search(&QueryTerm::parse("keo "), |_| true)), [2]);
        assert!(i.search(&QueryTerm::parse("keo "), |d| d != 2).is_empty());
        i.add(0, "Chùa Keo", "", 0);
        assert_eq!(docs(&i.search(&QueryTerm::parse("keo "), |_| true)), [0, 2]);
    }

    /// A province-sized index of common words: names "Nhà N đường S" and a few temples,
    /// with static keys in id order.
    fn common(n: u32) -> SearchIndex {
        common_keyed(n, u64::from)
    }

    /// [`common`] with other static keys (documents whose id order is not their key order).
    fn common_keyed(n: u32, key: impl Fn(u32) -> u64) -> SearchIndex {
        let mut i = SearchIndex::new();
        for d in 0..n {
            let name = if d % 50 == 7 {
                format!("Chùa {} Nguyễn", d)
            } else if d % 10 == 3 {
                format!("Chùa {d}")
            } else {
                format!("Nhà {d} đường Số {}", d % 97)
            };
            let address = format!("thôn {} Ngọc", d % 13);
            i.add(d, &name, &address, key(d));
        }
        i
    }

    /// The exhaustive ranking, to compare the early-stopping one with.
    fn exhaustive(
        i: &SearchIndex, q: &str, limit: usize, keep: impl Fn(DocId) -> bool,
    ) -> Vec<(DocId, u32)> {
        let mut hits = i.search(&QueryTerm::parse(q), keep);
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.key.total_cmp(&b.key)));
        hits.truncate(limit);
        hits.iter().map(|h| (h.doc, h.score)).collect()
    }

    /// Asserts that the early-stopping ranking in static order is the exhaustive one.
    fn ranks_as_exhaustive(i: &SearchIndex, queries: &[&str]) {
        for q in queries {
            for limit in [1, 8, 50] {
                let top: Vec<(DocId, u32)> = i
                    .top(&QueryTerm::parse(q), limit, Order::Static, |_| true)
                    .iter()
                    .map(|h| (h.doc, h.score))
                    .collect();
                assert_eq!(
                    top,
                    exhaustive(i, q, limit, |_| true),
                    "{q:?} limit {limit}"
                );
            }
        }
    }

    #[test]
    fn early_stopping_ranks_as_scoring_everything_when_it_can_prove_it() {
        let i = common(30_000);
        let queries = [
            "n", "nh", "nha", "ch", "chua", "nha 1", "thon", "ng", "chua 7",
        ];
        ranks_as_exhaustive(&i, &queries);
        // With a filter that removes most documents.
        let keep = |d: DocId| d.is_multiple_of(7);
        let top: Vec<DocId> = i
            .top(&QueryTerm::parse("nha"), 10, Order::Static, keep)
            .iter()
            .map(|h| h.doc)
            .collect();
        let want: Vec<DocId> = exhaustive(&i, "nha", 10, keep)
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(top, want);
    }

    #[test]
    fn documents_out_of_key_order_rank_where_their_keys_say() {
        let n = 30_000u32;
        // A few displaced documents (walked postings plus those scored whole), then all of
        // them (the walk over the sorted set of every document).
        let few = common_keyed(n, |d| {
            if d % 97 == 5 {
                u64::from(d / 97)
            } else {
                u64::from(d) * 2 + 1_000
            }
        });
        let all = common_keyed(n, |d| u64::from(n - d));
        let mut renamed = common_keyed(n, |d| u64::from(d) + 1);
        // Re-added with another key: displaced from then on.
        renamed.remove(20_000, "Nhà 20000 đường Số 18", "thôn 6 Ngọc");
        renamed.add(20_000, "Nhà", "thôn 6 Ngọc", 0);
        assert!(few.displaced.len() > 100 && few.displaced.len() <= MOST_DISPLACED);
        assert!(all.displaced.len() > MOST_DISPLACED);
        assert_eq!(renamed.displaced.len(), 1);
        for i in [&few, &all, &renamed] {
            ranks_as_exhaustive(i, &["n", "nha", "ch", "chua ng", "nha 1", "ng"]);
        }
        assert_eq!(
            renamed.top(&QueryTerm::parse("nha"), 1, Order::Static, |_| true)[0].doc,
            20_000
        );
    }

    #[test]
    fn a_walk_near_a_point_takes_the_nearest_of_the_best() {
        let i = common(30_000);
        // Documents on a line: the distance of d from the point at 20,000 is |d − 20,000|.
        let distance = |d: DocId| (f64::from(d) - 20_000.0).abs();
        let walk = || {
            let mut near: Vec<DocId> = (0..30_000).collect();
            near.sort_by(|&a, &b| distance(a).total_cmp(&distance(b)).then(a.cmp(&b)));
            near.into_iter().map(move |d| (d, distance(d)))
        };
        for q in ["nha", "ch", "n", "ng"] {
            let top: Vec<DocId> = i
                .top(
                    &QueryTerm::parse(q),
                    8,
                    Order::Near {
                        walk: Box::new(walk()),
                        distance: &distance,
                    },
                    |_| true,
                )
                .iter()
                .map(|h| h.doc)
                .collect();
            let mut all = i.search(&QueryTerm::parse(q), |_| true);
            all.sort_by(|a, b| {
                b.score
                    .cmp(&a.score)
                    .then(distance(a.doc).total_cmp(&distance(b.doc)))
                    .then(a.doc.cmp(&b.doc))
            });
            let want: Vec<DocId> = all.iter().take(8).map(|h| h.doc).collect();
            assert_eq!(top, want, "{q:?}");
        }
    }
}
