//! The Damm check digit (H. M. Damm, 2004).
//!
//! The table is the order-10 weakly totally anti-symmetric quasigroup with zeros on the
//! diagonal published by Damm and reproduced on Wikipedia ("Damm algorithm"). Running the
//! table over a digit string gives the *interim* digit; the check digit of a payload is its
//! interim digit, and a string ending with its check digit has interim 0. This detects every
//! single-digit substitution and every transposition of two adjacent different digits.

/// `TABLE[interim][digit]`.
const TABLE: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The interim digit of a string of decimal digits (each `0..=9`), starting from 0.
pub(crate) fn interim(digits: &[u8]) -> u8 {
    digits
        .iter()
        .fold(0u8, |acc, &d| TABLE[usize::from(acc)][usize::from(d)])
}

/// The 11 decimal digits of a payload (`< 10^11`), most significant first, zero-padded.
pub(crate) fn payload_digits(payload: u64) -> [u8; 11] {
    debug_assert!(payload < 100_000_000_000);
    let mut digits = [0u8; 11];
    let mut rest = payload;
    for slot in digits.iter_mut().rev() {
        // `rest % 10 < 10`, so the narrowing is lossless.
        *slot = (rest % 10) as u8;
        rest /= 10;
    }
    digits
}

/// The check digit of a payload: the interim digit of its 11 zero-padded digits.
pub(crate) fn check_digit(payload: u64) -> u8 {
    interim(&payload_digits(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wikipedia_example() {
        // "572" has check digit 4, and "5724" validates.
        assert_eq!(interim(&[5, 7, 2]), 4);
        assert_eq!(interim(&[5, 7, 2, 4]), 0);
    }

    #[test]
    fn table_is_a_quasigroup_with_zero_diagonal() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row[i], 0);
            let mut seen_row = [false; 10];
            let mut seen_col = [false; 10];
            for j in 0..10 {
                seen_row[usize::from(row[j])] = true;
                seen_col[usize::from(TABLE[j][i])] = true;
            }
            assert!(seen_row.iter().all(|&s| s) && seen_col.iter().all(|&s| s));
        }
    }

    #[test]
    fn weak_total_antisymmetry() {
        // (c*x)*y = (c*y)*x implies x = y: the property behind transposition detection.
        for c in 0..10 {
            for x in 0..10 {
                for y in 0..10 {
                    if x != y {
                        assert_ne!(
                            TABLE[TABLE[c][x] as usize][y],
                            TABLE[TABLE[c][y] as usize][x]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn payload_digits_are_zero_padded() {
        assert_eq!(payload_digits(0), [0; 11]);
        assert_eq!(
            payload_digits(9_658_167_317),
            [0, 9, 6, 5, 8, 1, 6, 7, 3, 1, 7]
        );
        assert_eq!(check_digit(9_658_167_317), 8);
    }
}
