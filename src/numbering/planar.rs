//! Small vector helpers in the local metric plane (x east, y north, metres).

/// `b - a`.
pub(crate) fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [b[0] - a[0], b[1] - a[1]]
}

/// Dot product.
pub(crate) fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// z-component of the cross product: positive when `b` turns left of `a`
/// (counter-clockwise), which is what decides the side of a street.
pub(crate) fn cross(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}

/// Euclidean distance.
pub(crate) fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    let d = sub(a, b);
    dot(d, d).sqrt()
}

/// Parameter `t ∈ [0, 1]` of the point of segment `a→b` nearest to `p`.
pub(crate) fn segment_parameter(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let d = sub(a, b);
    let len2 = dot(d, d);
    if len2 == 0.0 {
        return 0.0;
    }
    (dot(sub(a, p), d) / len2).clamp(0.0, 1.0)
}

/// Distance from `p` to the segment `a→b`.
pub(crate) fn distance_to_segment(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let t = segment_parameter(a, b, p);
    let d = sub(a, b);
    distance([a[0] + t * d[0], a[1] + t * d[1]], p)
}

/// Distance from `p` to a polyline (a single point counts as a polyline).
pub(crate) fn distance_to_polyline(line: &[[f64; 2]], p: [f64; 2]) -> f64 {
    match line {
        [] => f64::INFINITY,
        [only] => distance(*only, p),
        _ => line
            .windows(2)
            .map(|w| distance_to_segment(w[0], w[1], p))
            .fold(f64::INFINITY, f64::min),
    }
}

/// Twice the signed area of a ring (shoelace); positive = counter-clockwise.
pub(crate) fn signed_area2(ring: &[[f64; 2]]) -> f64 {
    if ring.is_empty() {
        return 0.0;
    }
    (0..ring.len())
        .map(|i| cross(ring[i], ring[(i + 1) % ring.len()]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_is_positive_for_a_left_turn() {
        assert!(cross([1.0, 0.0], [0.0, 1.0]) > 0.0);
        assert!(cross([1.0, 0.0], [0.0, -1.0]) < 0.0);
    }

    #[test]
    fn segment_distance_clamps_to_the_ends() {
        assert_eq!(
            distance_to_segment([0.0, 0.0], [10.0, 0.0], [5.0, 3.0]),
            3.0
        );
        assert_eq!(
            distance_to_segment([0.0, 0.0], [10.0, 0.0], [13.0, 4.0]),
            5.0
        );
    }

    #[test]
    fn counter_clockwise_square_has_positive_area() {
        let sq = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        assert_eq!(signed_area2(&sq), 2.0);
    }
}
