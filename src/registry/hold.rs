//! How long the in-memory indexes are held: the longest read and the longest write since the
//! node started. A reader waits at most about as long as the longest write (and, behind a
//! waiting writer, the longest read): these two numbers are what "readers never wait long on
//! writers" is measured by (`GET /api/stats`, `scripts/bench`).

use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The longest holds seen, in nanoseconds.
#[derive(Debug, Default)]
pub struct HoldClock {
    longest_read_ns: AtomicU64,
    longest_write_ns: AtomicU64,
}

/// The longest holds of the indexes since start, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LongestHolds {
    pub read_us: u64,
    pub write_us: u64,
}

impl HoldClock {
    /// Times a read guard until it is dropped (a hold longer than [`LONG_HOLD_MS`] is
    /// logged with the caller's place in the code).
    #[track_caller]
    pub fn read<G>(&self, guard: G) -> Held<'_, G> {
        Held::new(guard, &self.longest_read_ns, "read")
    }

    /// Times a write guard until it is dropped.
    #[track_caller]
    pub fn write<G>(&self, guard: G) -> Held<'_, G> {
        Held::new(guard, &self.longest_write_ns, "write")
    }

    /// The longest holds so far.
    ///
    /// ```
    /// use diachiso::registry::HoldClock;
    /// let clock = HoldClock::default();
    /// let lock = std::sync::RwLock::new(0);
    /// {
    ///     let mut n = clock.write(lock.write().unwrap());
    ///     *n += 1;
    ///     std::thread::sleep(std::time::Duration::from_millis(2));
    /// }
    /// let holds = clock.longest();
    /// assert!(holds.write_us >= 2_000);
    /// assert_eq!(holds.read_us, 0);
    /// ```
    pub fn longest(&self) -> LongestHolds {
        let us = |ns: &AtomicU64| ns.load(Ordering::Relaxed) / 1_000;
        LongestHolds {
            read_us: us(&self.longest_read_ns),
            write_us: us(&self.longest_write_ns),
        }
    }
}

/// Holds longer than this are logged (a warning naming where in the code the lock was taken).
pub const LONG_HOLD_MS: u64 = 20;

/// A lock guard that records how long it was held when dropped.
pub struct Held<'a, G> {
    guard: G,
    since: Instant,
    longest_ns: &'a AtomicU64,
    kind: &'static str,
    taken_at: &'static Location<'static>,
}

impl<'a, G> Held<'a, G> {
    #[track_caller]
    fn new(guard: G, longest_ns: &'a AtomicU64, kind: &'static str) -> Self {
        Held {
            guard,
            since: Instant::now(),
            longest_ns,
            kind,
            taken_at: Location::caller(),
        }
    }
}

impl<G> Drop for Held<'_, G> {
    fn drop(&mut self) {
        let ns = u64::try_from(self.since.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.longest_ns.fetch_max(ns, Ordering::Relaxed);
        if ns / 1_000_000 > LONG_HOLD_MS {
            tracing::warn!(
                kind = self.kind,
                hold_ms = ns / 1_000_000,
                at = %self.taken_at,
                "a long hold of the in-memory indexes"
            );
        }
    }
}

impl<G: Deref> Deref for Held<'_, G> {
    type Target = G::Target;
    fn deref(&self) -> &G::Target {
        &self.guard
    }
}

impl<G: DerefMut> DerefMut for Held<'_, G> {
    fn deref_mut(&mut self) -> &mut G::Target {
        &mut self.guard
    }
}
