//! Helpers shared by the unit tests (compiled for tests only).

/// A small deterministic random source (xorshift64): the same seed gives the same numbers,
/// without a dependency on a random crate in unit tests.
pub struct Rng(u64);

impl Rng {
    /// A source from a seed (0 is replaced: xorshift never leaves it).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `[lo, lo + span)`.
    pub fn within(&mut self, lo: f64, span: f64) -> f64 {
        lo + self.unit() * span
    }

    /// An index below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
}
