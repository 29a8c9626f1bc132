//! Vietnamese text: normalisation for storage and folding for comparison and search.
//!
//! Names are stored in Unicode NFC ([`normalize_name`]); comparisons ignore case, diacritics
//! and tone-mark placement by comparing [`fold`]ed forms.

mod edit;
mod fold;
mod interner;
mod similarity;

pub use edit::{one_edit_apart, within_one_edit};
pub use fold::{fold, fold_char, fold_each, is_plain, same_word};
pub use interner::Interner;
pub use similarity::{levenshtein, names_similar};

use unicode_normalization::UnicodeNormalization;

/// NFC-normalises `s`, trims it and collapses runs of whitespace to one space.
///
/// ```
/// // "Chùa Keo" typed with a combining grave accent (NFD) and extra spaces.
/// let typed = "  Chu\u{0300}a   Keo ";
/// assert_eq!(diachiso::text::normalize_name(typed), "Chùa Keo");
/// ```
pub fn normalize_name(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}
