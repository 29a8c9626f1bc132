//! The Hilbert curve of order 15 inside a tile (the classical `xy2d` / `d2xy`).
//!
//! The curve covers the `2^15 × 2^15` cells of a tile, starts at the south-west cell `(0, 0)`,
//! ends at the south-east cell `(2^15 − 1, 0)`, and every step moves to an edge-adjacent cell.

/// Cells per tile side, `2^15`.
pub(crate) const SIDE: u32 = 1 << 15;

/// Hilbert index `d` (`0..2^30`) of the cell `(x, y)` of a tile, `x, y < 2^15`.
pub(crate) fn xy2d(mut x: u32, mut y: u32) -> u32 {
    debug_assert!(x < SIDE && y < SIDE);
    let mut d = 0u32;
    let mut s = SIDE / 2;
    while s > 0 {
        let rx = u32::from(x & s != 0);
        let ry = u32::from(y & s != 0);
        d += s * s * ((3 * rx) ^ ry);
        rotate(SIDE, &mut x, &mut y, rx, ry);
        s /= 2;
    }
    d
}

/// The cell `(x, y)` of a tile with Hilbert index `d < 2^30`.
pub(crate) fn d2xy(d: u32) -> (u32, u32) {
    debug_assert!(d < SIDE * SIDE);
    let (mut x, mut y) = (0u32, 0u32);
    let mut t = d;
    let mut s = 1u32;
    while s < SIDE {
        let rx = 1 & (t / 2);
        let ry = 1 & (t ^ rx);
        rotate(s, &mut x, &mut y, rx, ry);
        x += s * rx;
        y += s * ry;
        t /= 4;
        s *= 2;
    }
    (x, y)
}

/// Rotates/reflects a quadrant so that the sub-curve has the right orientation.
fn rotate(n: u32, x: &mut u32, y: &mut u32, rx: u32, ry: u32) {
    if ry == 0 {
        if rx == 1 {
            *x = n - 1 - *x;
            *y = n - 1 - *y;
        }
        std::mem::swap(x, y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_first_steps() {
        assert_eq!(xy2d(0, 0), 0);
        assert_eq!(d2xy(0), (0, 0));
        assert_eq!(xy2d(SIDE - 1, 0), SIDE * SIDE - 1);
        assert_eq!(d2xy(SIDE * SIDE - 1), (SIDE - 1, 0));
        // Order 15 is odd: the curve leaves the SW corner northwards.
        assert_eq!(d2xy(1), (0, 1));
    }

    #[test]
    fn inverse_and_adjacent_on_samples() {
        let mut d = 0u32;
        // A deterministic walk over many indices, including all of the first 2^16.
        while d < SIDE * SIDE - 1 {
            let (x, y) = d2xy(d);
            assert_eq!(xy2d(x, y), d);
            let (x2, y2) = d2xy(d + 1);
            assert_eq!(x.abs_diff(x2) + y.abs_diff(y2), 1, "d = {d}");
            d = if d < 1 << 16 { d + 1 } else { d + 7919 * 13 };
        }
    }
}
