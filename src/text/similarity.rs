//! Name similarity for the duplicate check.

use super::fold;

/// Levenshtein edit distance between two strings, counted in characters.
///
/// ```
/// assert_eq!(diachiso::text::levenshtein("kitten", "sitting"), 3);
/// assert_eq!(diachiso::text::levenshtein("", "abc"), 3);
/// ```
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Whether two place names are "similar" for the duplicate check: after [`fold`]ing, they are
/// equal, one contains the other (when the shorter has at least 4 characters), or they differ
/// by at most one edit per 5 characters of the longer name. Names whose numbers differ are
/// never similar: "Nhà 12" and "Nhà 14", "Trường số 1" and "Trường số 2" are different places.
///
/// ```
/// use diachiso::text::names_similar;
/// assert!(names_similar("Chùa Keo", "chua keo"));
/// assert!(names_similar("Bãi đỗ xe Phố Hiến", "Bai do xe Pho Hien moi"));
/// assert!(!names_similar("Nhà 12", "Nhà 14"));
/// assert!(!names_similar("Chùa Keo", "Đình Hòa Bình"));
/// ```
pub fn names_similar(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    if a == b {
        return true;
    }
    if numbers(&a) != numbers(&b) {
        return false;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let long_len = long.chars().count();
    if short.chars().count() >= 4 && long.contains(short.as_str()) {
        return true;
    }
    levenshtein(short, long) <= long_len / 5
}

/// The runs of digits in a folded name, in order.
fn numbers(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_is_symmetric_and_counts_characters() {
        assert_eq!(levenshtein("đình", "đinh"), 1);
        assert_eq!(levenshtein("abc", "abc"), 0);
        assert_eq!(levenshtein("ab", "ba"), 2);
        assert_eq!(levenshtein("flaw", "lawn"), levenshtein("lawn", "flaw"));
    }

    #[test]
    fn short_different_names_are_not_similar() {
        assert!(!names_similar("Chợ Gạo", "Chợ Bến"));
        assert!(!names_similar("Nhà 12 phố Lê Lợi", "Nhà 14 phố Lê Lợi"));
        assert!(names_similar("Nhà 12 phố Lê Lợi", "nha 12 pho le loi"));
        assert!(!names_similar(
            "UBND xã Tân Hưng",
            "Trường tiểu học Tân Hưng"
        ));
    }
}
