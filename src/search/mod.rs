//! Vietnamese-aware text search over place names and address parts.
//!
//! A small in-memory inverted index of our own (see ARCHITECTURE.md for why not `tantivy`):
//! text is split into words and [`fold`](crate::text::fold)ed (case, diacritics, `đ`, tone-mark
//! placement), each distinct word gets an id, and each word id a sorted posting list of
//! document ids. Vietnamese is written in syllables, so the vocabulary stays small (a few
//! thousand distinct folded syllables for a province) while documents are many; prefix and
//! one-typo matching therefore scan the vocabulary, not the documents.

mod address;
mod index;
mod query;

pub use address::{parse_address_query, AddressQuery};
pub use index::{DocId, Hit, Order, SearchIndex};
pub use query::{tokenize, MatchKind, QueryTerm};
