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

/// Characters that change how the text around them is shown without being seen: direction
/// overrides, embeddings, isolates and marks (a name could then read backwards, or two names
/// that look alike differ), and zero-width spaces and joiners. Vietnamese needs none of them;
/// free text that holds one is refused.
///
/// ```
/// use diachiso::text::is_invisible_format;
/// assert!(is_invisible_format('\u{202E}')); // right-to-left override
/// assert!(is_invisible_format('\u{200B}')); // zero-width space
/// assert!(!"Chùa Keo".chars().any(is_invisible_format));
/// ```
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' // zero-width space, non-joiner, joiner; LRM, RLM
        | '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{061C}' // Arabic letter mark
        | '\u{FEFF}' // zero-width no-break space (a BOM inside text)
    )
}
