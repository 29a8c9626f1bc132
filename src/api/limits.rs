//! Rate limits per client address: a token bucket each, refilled at a steady rate up to a
//! burst. A request takes its cost from its client's bucket; an empty bucket refuses it with
//! the seconds until enough is back (`Retry-After`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets kept before idle ones are dropped (a full bucket is as good as none).
const MOST_BUCKETS: usize = 100_000;

/// The buckets of every client seen lately.
#[derive(Debug)]
pub struct RateLimits {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Instant,
}

/// What charging a request gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    Allowed,
    /// Refused: whole seconds until the bucket holds the cost again (at least 1).
    Refused {
        retry_after: u64,
    },
}

impl RateLimits {
    /// `rate` requests a second, up to `burst` at once, per client.
    pub fn new(rate: f64, burst: f64) -> RateLimits {
        RateLimits {
            rate: rate.max(0.001),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `cost` from the client's bucket, if it holds that much.
    ///
    /// ```
    /// use std::net::IpAddr;
    /// use diachiso::api::limits::{Charge, RateLimits};
    /// let limits = RateLimits::new(1.0, 3.0); // one a second, three at once
    /// let ip: IpAddr = "203.0.113.7".parse().unwrap();
    /// for _ in 0..3 {
    ///     assert_eq!(limits.charge(ip, 1.0), Charge::Allowed);
    /// }
    /// assert_eq!(limits.charge(ip, 1.0), Charge::Refused { retry_after: 1 });
    /// assert_eq!(limits.charge("203.0.113.8".parse().unwrap(), 1.0), Charge::Allowed);
    /// ```
    pub fn charge(&self, client: IpAddr, cost: f64) -> Charge {
        self.charge_at(client, cost, Instant::now())
    }

    /// Takes `cost` from the client's bucket whatever it holds (down to empty): what an
    /// answer reveals a request cost (a refused token) is owed even when the bucket is low.
    pub fn penalize(&self, client: IpAddr, cost: f64) {
        if let Charge::Refused { .. } = self.charge(client, cost) {
            if let Ok(mut buckets) = self.buckets.lock() {
                if let Some(b) = buckets.get_mut(&client) {
                    b.level = (b.level - cost).max(0.0);
                }
            }
        }
    }

    fn charge_at(&self, client: IpAddr, cost: f64, now: Instant) -> Charge {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Charge::Allowed;
        };
        if buckets.len() >= MOST_BUCKETS {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| b.level + rate * now.duration_since(b.at).as_secs_f64() < burst);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            level: self.burst,
            at: now,
        });
        let refilled = bucket.level + self.rate * now.duration_since(bucket.at).as_secs_f64();
        bucket.level = refilled.min(self.burst);
        bucket.at = now;
        // A cost above the burst is charged as the whole burst (it can never be saved up).
        let cost = cost.min(self.burst);
        if bucket.level >= cost {
            bucket.level -= cost;
            Charge::Allowed
        } else {
            let missing = cost - bucket.level;
            Charge::Refused {
                retry_after: (missing / self.rate).ceil().max(1.0) as u64,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Charges one request at a time at `at` until one is refused; how many were allowed.
    fn allowed_until_refused(limits: &RateLimits, ip: IpAddr, at: Instant) -> usize {
        (0..1000)
            .take_while(|_| limits.charge_at(ip, 1.0, at) == Charge::Allowed)
            .count()
    }

    #[test]
    fn a_bucket_refills_at_its_rate_up_to_its_burst() {
        let limits = RateLimits::new(10.0, 20.0);
        let ip: IpAddr = "198.51.100.1".parse().unwrap();
        let t0 = Instant::now();
        assert_eq!(allowed_until_refused(&limits, ip, t0), 20);
        assert_eq!(
            limits.charge_at(ip, 1.0, t0),
            Charge::Refused { retry_after: 1 }
        );
        // Half a second later five are back.
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(allowed_until_refused(&limits, ip, t1), 5);
        // An expensive request waits for its whole cost: 15 missing at 10 a second = 2 s.
        assert_eq!(
            limits.charge_at(ip, 15.0, t1),
            Charge::Refused { retry_after: 2 }
        );
        // Never more than the burst, however long the pause.
        let later = t1 + Duration::from_secs(3600);
        assert_eq!(allowed_until_refused(&limits, ip, later), 20);
        // Another client has its own bucket.
        assert_eq!(
            allowed_until_refused(&limits, "198.51.100.2".parse().unwrap(), t0),
            20
        );
    }
}
