//! One edit apart: how a typo is recognised.

/// Whether `b` is at most one edit from `a`: one character inserted, deleted or replaced, or
/// two adjacent characters swapped (Damerau–Levenshtein distance ≤ 1).
///
/// ```
/// use diachiso::text::one_edit_apart;
/// assert!(one_edit_apart("nguyen", "nguyne"));
/// assert!(one_edit_apart("hien", "hiem"));
/// assert!(!one_edit_apart("hien", "hoan"));
/// ```
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    within_one_edit(&a, &b)
}

/// [`one_edit_apart`] on characters.
pub fn within_one_edit(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if start == a.len() && start == b.len() {
        return true;
    }
    let (ra, rb) = (&a[start..], &b[start..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}
