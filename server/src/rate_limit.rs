//! Per-person rate limits: sign-in attempts ([`sign_in`]), incoming sync bytes per user.
//!
//! Each limit is a token bucket per key: it holds up to `burst` tokens, refills at `rate`
//! tokens per second, and an action costs tokens. Sign-in takes its token before the
//! password is checked and refuses when the bucket is empty (429 with `Retry-After`); sync
//! traffic is slowed instead (the connection reads its next frame only when the bucket
//! allows), so nothing a delegation typed is ever dropped.

pub mod sign_in;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys kept before full buckets are forgotten (a full bucket is the same as no bucket).
const PRUNE_ABOVE: usize = 10_000;

/// One token bucket per key.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// `rate` tokens per second, at most `burst` saved up.
    pub fn new(rate: f64, burst: f64) -> RateLimiter {
        RateLimiter { rate: rate.max(f64::MIN_POSITIVE), burst: burst.max(1.0), buckets: Mutex::new(HashMap::new()) }
    }

    /// How long until `key` could spend `cost` tokens (zero if it can now). Spends nothing.
    pub fn wait_time(&self, key: &str, cost: f64, now: Instant) -> Duration {
        let tokens = self.refilled(self.lock().get(key).copied(), now).tokens;
        self.shortfall(tokens, cost)
    }

    /// Spends `cost` tokens of `key`, going into debt if needed; returns how long the caller
    /// should wait before acting so that the rate holds (zero when there was enough).
    pub fn spend(&self, key: &str, cost: f64, now: Instant) -> Duration {
        let mut buckets = self.lock();
        let mut bucket = self.refilled(buckets.get(key).copied(), now);
        let wait = self.shortfall(bucket.tokens, cost);
        bucket.tokens -= cost;
        buckets.insert(key.to_owned(), bucket);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| self.refilled(Some(*b), now).tokens < self.burst);
        }
        wait
    }

    /// Takes `cost` tokens of `key` if it has them, in one step (no debt); otherwise takes
    /// nothing and says how long until it would have them.
    pub fn try_take(&self, key: &str, cost: f64, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.lock();
        let mut bucket = self.refilled(buckets.get(key).copied(), now);
        let wait = self.shortfall(bucket.tokens, cost);
        if !wait.is_zero() {
            return Err(wait);
        }
        bucket.tokens -= cost;
        buckets.insert(key.to_owned(), bucket);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| self.refilled(Some(*b), now).tokens < self.burst);
        }
        Ok(())
    }

    /// Gives back `cost` tokens taken by [`RateLimiter::try_take`] (never above the burst).
    pub fn give_back(&self, key: &str, cost: f64, now: Instant) {
        let mut buckets = self.lock();
        let mut bucket = self.refilled(buckets.get(key).copied(), now);
        bucket.tokens = (bucket.tokens + cost).min(self.burst);
        buckets.insert(key.to_owned(), bucket);
    }

    fn shortfall(&self, tokens: f64, cost: f64) -> Duration {
        let missing = cost.min(self.burst) - tokens;
        if missing <= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(missing / self.rate) }
    }

    fn refilled(&self, bucket: Option<Bucket>, now: Instant) -> Bucket {
        match bucket {
            None => Bucket { tokens: self.burst, at: now },
            Some(b) => {
                let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
                Bucket { tokens: (b.tokens + elapsed * self.rate).min(self.burst), at: now.max(b.at) }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bucket>> {
        // A panic while holding this lock cannot leave a bucket half-written.
        self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The server's limits.
#[derive(Debug)]
pub struct RateLimits {
    /// Sign-in attempts, per login and per address.
    pub sign_in: sign_in::SignInLimits,
    /// Incoming sync bytes, per user.
    pub sync_bytes: RateLimiter,
}

impl RateLimits {
    /// From the settings.
    pub fn new(config: &crate::config::RateLimitSettings) -> RateLimits {
        RateLimits {
            sign_in: sign_in::SignInLimits::new(config),
            sync_bytes: RateLimiter::new(config.sync_bytes_per_second as f64, config.sync_burst_bytes as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A burst passes, the next action waits exactly as long as the refill takes, and keys
    /// do not share buckets.
    #[test]
    fn buckets_refill_at_the_rate() {
        let limiter = RateLimiter::new(2.0, 4.0);
        let t0 = Instant::now();
        for _ in 0..4 {
            assert_eq!(limiter.spend("mx", 1.0, t0), Duration::ZERO);
        }
        assert_eq!(limiter.wait_time("mx", 1.0, t0), Duration::from_millis(500));
        assert_eq!(limiter.wait_time("ar", 1.0, t0), Duration::ZERO, "another key has its own bucket");
        let later = t0 + Duration::from_millis(500);
        assert_eq!(limiter.wait_time("mx", 1.0, later), Duration::ZERO);
        // Debt: spending beyond the tokens asks the caller to wait for the difference.
        assert_eq!(limiter.spend("mx", 3.0, later), Duration::from_secs(1));
        assert_eq!(limiter.wait_time("mx", 1.0, later), Duration::from_millis(1500));
    }

    /// Taking is all or nothing and never goes into debt; what is given back refills the
    /// bucket up to its burst only.
    #[test]
    fn taking_never_goes_into_debt() {
        let limiter = RateLimiter::new(1.0, 2.0);
        let t0 = Instant::now();
        assert_eq!(limiter.try_take("k", 1.0, t0), Ok(()));
        assert_eq!(limiter.try_take("k", 1.0, t0), Ok(()));
        assert_eq!(limiter.try_take("k", 1.0, t0), Err(Duration::from_secs(1)));
        assert_eq!(limiter.try_take("k", 1.0, t0), Err(Duration::from_secs(1)), "a refusal takes nothing");
        limiter.give_back("k", 5.0, t0);
        assert_eq!(limiter.wait_time("k", 2.0, t0), Duration::ZERO);
        assert_eq!(limiter.wait_time("k", 3.0, t0), Duration::ZERO, "capped at the burst, which any cost waits for at most");
        assert_eq!(limiter.try_take("k", 1.0, t0), Ok(()));
        assert_eq!(limiter.wait_time("k", 2.0, t0), Duration::from_secs(1));
    }

    /// A cost larger than the burst waits only for a full bucket, never forever.
    #[test]
    fn oversized_costs_wait_for_a_full_bucket() {
        let limiter = RateLimiter::new(10.0, 100.0);
        let t0 = Instant::now();
        assert_eq!(limiter.spend("u", 1000.0, t0), Duration::ZERO);
        assert_eq!(limiter.wait_time("u", 1000.0, t0), Duration::from_secs(100));
    }
}
