//! Turning text into folded words.

use crate::text::fold;

/// Splits text into folded words (letters and digits; everything else separates).
///
/// ```
/// use diachiso::search::tokenize;
/// assert_eq!(tokenize("Chùa Keo, Thái Bình"), ["chua", "keo", "thai", "binh"]);
/// assert_eq!(tokenize("Số 20A, ngõ 5"), ["so", "20a", "ngo", "5"]);
/// ```
pub fn tokenize(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How well a query word matched an indexed word; better matches rank higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// One edit away (only for query words of at least [`QueryTerm::MIN_TYPO_CHARS`] letters).
    Typo = 1,
    /// The indexed word starts with the query word (the word being typed).
    Prefix = 2,
    /// The same word.
    Exact = 3,
}

/// One word of a query and how it may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub word: String,
    /// The last word of a query is still being typed: it may match as a prefix.
    pub prefix: bool,
}

impl QueryTerm {
    /// Words shorter than this must match exactly (or as a prefix): one typo in "ba" is "bà",
    /// "bá", "be"… and would match everything.
    pub const MIN_TYPO_CHARS: usize = 5;

    /// The query's words; the last one is a prefix unless the query ends with a space.
    pub fn parse(query: &str) -> Vec<QueryTerm> {
        let words = tokenize(query);
        let ends_open = !query.ends_with(char::is_whitespace);
        let n = words.len();
        words
            .into_iter()
            .enumerate()
            .map(|(i, word)| QueryTerm {
                word,
                prefix: ends_open && i + 1 == n,
            })
            .collect()
    }

    /// How `indexed` matches this term, if at all.
    pub fn matches(&self, indexed: &str) -> Option<MatchKind> {
        if indexed == self.word {
            return Some(MatchKind::Exact);
        }
        if self.prefix && indexed.starts_with(&self.word) {
            return Some(MatchKind::Prefix);
        }
        let len = self.word.chars().count();
        if len >= Self::MIN_TYPO_CHARS && within_one_edit(&self.word, indexed, self.prefix) {
            return Some(MatchKind::Typo);
        }
        None
    }
}

/// Whether `b` is at most one edit (insertion, deletion, substitution or adjacent
/// transposition) from `a`; with `prefix`, whether some prefix of `b` is.
fn within_one_edit(a: &str, b: &str, prefix: bool) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if prefix && b.len() > a.len() + 1 {
        return crate::text::within_one_edit(&a, &b[..a.len()])
            || crate::text::within_one_edit(&a, &b[..a.len() + 1])
            || crate::text::within_one_edit(&a, &b[..a.len() - 1]);
    }
    crate::text::within_one_edit(&a, &b)
        || (prefix && b.len() >= a.len() && crate::text::within_one_edit(&a, &b[..a.len()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(w: &str, prefix: bool) -> QueryTerm {
        QueryTerm {
            word: w.into(),
            prefix,
        }
    }

    #[test]
    fn one_typo_in_a_longer_word() {
        let t = term("nguyen", false);
        assert_eq!(t.matches("nguyen"), Some(MatchKind::Exact));
        assert_eq!(t.matches("nguyan"), Some(MatchKind::Typo)); // substitution
        assert_eq!(t.matches("ngyuen"), Some(MatchKind::Typo)); // transposition
        assert_eq!(t.matches("nguyeen"), Some(MatchKind::Typo)); // insertion
        assert_eq!(t.matches("nguen"), Some(MatchKind::Typo)); // deletion
        assert_eq!(t.matches("ngayan"), None); // two edits
        assert_eq!(
            term("keo", false).matches("kep"),
            None,
            "short words match exactly"
        );
    }

    #[test]
    fn the_last_word_is_a_prefix() {
        let terms = QueryTerm::parse("chua ke");
        assert!(!terms[0].prefix && terms[1].prefix);
        assert_eq!(terms[1].matches("keo"), Some(MatchKind::Prefix));
        assert!(!QueryTerm::parse("chua ke ")[1].prefix);
        assert_eq!(
            term("truon", true).matches("truong"),
            Some(MatchKind::Prefix)
        );
        assert_eq!(term("trong", true).matches("truong"), Some(MatchKind::Typo));
    }
}
