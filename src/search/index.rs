//! The inverted index: folded words → sorted document ids, per field.

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
    /// `postings[field][word id]`: sorted, distinct document ids.
    postings: [Vec<Vec<DocId>>; 2],
}

/// A scored hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    /// Higher is better: per query word, 3 (exact) / 2 (prefix) / 1 (typo), doubled when the
    /// word matched in the name, plus 1 when every word matched in the name.
    pub score: u32,
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
        }
        id
    }

    /// Adds a document's name and address text. Adding documents in increasing id order is
    /// O(1) per word; other orders insert into the middle of posting lists.
    pub fn add(&mut self, doc: DocId, name: &str, address: &str) {
        for (field, text) in [(Field::Name, name), (Field::Address, address)] {
            for word in tokenize(text) {
                let id = self.word_id(&word) as usize;
                let list = &mut self.postings[field as usize][id];
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
    }

    /// Number of distinct words.
    pub fn vocabulary_len(&self) -> usize {
        self.vocabulary.strings().len()
    }

    /// Documents that match every word of the query (the last one as a prefix while it is
    /// typed, longer words with one typo), with their scores, unsorted. `keep` filters
    /// documents (kind, commune, visibility) before scoring.
    ///
    /// ```
    /// use diachiso::search::{QueryTerm, SearchIndex};
    /// let mut index = SearchIndex::new();
    /// index.add(0, "Chùa Keo", "xã Duy Nhất");
    /// index.add(1, "Đền Trần", "phường Trần Hưng Đạo");
    /// let hits = index.search(&QueryTerm::parse("chua ke"), |_| true);
    /// assert_eq!(hits.len(), 1);
    /// assert_eq!(hits[0].doc, 0);
    /// assert_eq!(index.search(&QueryTerm::parse("den tran"), |_| true)[0].doc, 1);
    /// ```
    pub fn search(&self, terms: &[QueryTerm], keep: impl Fn(DocId) -> bool) -> Vec<Hit> {
        if terms.is_empty() {
            return Vec::new();
        }
        // For each term, the words it matches and how well.
        let matched: Vec<Vec<(u32, MatchKind)>> = terms
            .iter()
            .map(|t| {
                self.vocabulary
                    .strings()
                    .iter()
                    .enumerate()
                    .filter_map(|(id, w)| t.matches(w).map(|k| (id as u32, k)))
                    .collect()
            })
            .collect();
        if matched.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        // Drive from the term with the fewest postings; probe the others by binary search.
        let size = |words: &Vec<(u32, MatchKind)>| -> usize {
            words
                .iter()
                .map(|(id, _)| {
                    self.postings[0][*id as usize].len() + self.postings[1][*id as usize].len()
                })
                .sum()
        };
        let driver = (0..terms.len())
            .min_by_key(|&i| size(&matched[i]))
            .unwrap_or(0);
        let mut candidates: Vec<DocId> = matched[driver]
            .iter()
            .flat_map(|(id, _)| {
                self.postings[0][*id as usize]
                    .iter()
                    .chain(&self.postings[1][*id as usize])
                    .copied()
            })
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter(|&doc| keep(doc))
            .filter_map(|doc| {
                let mut score = 0;
                let mut all_in_name = true;
                for words in &matched {
                    let best = self.best_match(words, doc)?;
                    all_in_name &= best.1 == Field::Name;
                    score += best.0 as u32 * if best.1 == Field::Name { 2 } else { 1 };
                }
                Some(Hit {
                    doc,
                    score: score + u32::from(all_in_name),
                })
            })
            .collect()
    }

    /// The best way one term's words match a document, if any.
    fn best_match(&self, words: &[(u32, MatchKind)], doc: DocId) -> Option<(MatchKind, Field)> {
        let mut best: Option<(MatchKind, Field)> = None;
        for &(id, kind) in words {
            for field in [Field::Name, Field::Address] {
                if self.postings[field as usize][id as usize]
                    .binary_search(&doc)
                    .is_ok()
                {
                    let weight = |(k, f): (MatchKind, Field)| {
                        k as u32 * if f == Field::Name { 2 } else { 1 }
                    };
                    if best.is_none_or(|b| weight((kind, field)) > weight(b)) {
                        best = Some((kind, field));
                    }
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let mut i = SearchIndex::new();
        i.add(0, "Chùa Keo", "thôn Dũng Nghĩa");
        i.add(1, "Trường Tiểu học Thụy Trường", "xã Thụy Trường");
        i.add(2, "Đình làng Keo", "");
        i.add(3, "Bãi đỗ xe Chợ Gạo", "phố Nguyễn Văn Linh");
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
        i.add(0, "Chùa Keo", "");
        assert_eq!(docs(&i.search(&QueryTerm::parse("keo "), |_| true)), [0, 2]);
    }
}
