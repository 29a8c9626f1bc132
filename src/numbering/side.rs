//! The side of a street a house stands on, and the parity that goes with it.

use serde::{Deserialize, Serialize};

use super::number::HouseNumber;

/// Side of the street, facing the direction of numbering (Art. 6: odd
/// numbers on the left, even numbers on the right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Left, facing the numbering direction: odd numbers.
    Left,
    /// Right, facing the numbering direction: even numbers.
    Right,
}

impl Side {
    /// The first number on this side: 1 on the left, 2 on the right.
    pub fn first_number(self) -> u32 {
        match self {
            Side::Left => 1,
            Side::Right => 2,
        }
    }

    /// True when `number`'s base has this side's parity.
    ///
    /// ```
    /// use diachiso::numbering::{HouseNumber, Side};
    /// assert!(Side::Left.accepts("21A".parse::<HouseNumber>().unwrap()));
    /// assert!(!Side::Right.accepts(HouseNumber::new(21).unwrap()));
    /// ```
    pub fn accepts(self, number: HouseNumber) -> bool {
        number.is_odd() == (self == Side::Left)
    }

    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_per_side() {
        assert_eq!(Side::Left.first_number(), 1);
        assert_eq!(Side::Right.first_number(), 2);
        assert!(Side::Right.accepts(HouseNumber::new(2).unwrap()));
        assert_eq!(Side::Left.opposite(), Side::Right);
    }
}
