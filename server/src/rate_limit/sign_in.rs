//! Sign-in attempts: guessing passwords is slow, and an attacker cannot lock a real user
//! out for long.
//!
//! An attempt takes one token from each of these buckets **before** its password is
//! checked, in one step per bucket (an attempt in flight counts, so parallel attempts
//! cannot race past the limit), and gives them back when the password was right (a
//! success costs nothing):
//! - per login and client address (`failed_sign_ins_per_minute`): the limit as one client
//!   sees it;
//! - per client address (`failed_sign_ins_per_address_per_minute`): one address cannot try
//!   many logins;
//! - per login from addresses where it has not signed in lately (`failed_sign_ins_per_minute`):
//!   many addresses cannot try one login faster than one could. An address where the login
//!   signed in within [`KNOWN_FOR`] skips this bucket, so a delegate at their usual desk is
//!   not held back by an attack from elsewhere.
//!
//! An empty bucket is not a lock: it refills at its rate, and the refusal says how many
//! seconds until the next attempt (a few seconds at the defaults). Behind N servers each
//! counts alone.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::RateLimiter;
use crate::config::RateLimitSettings;

/// How long an address where a login signed in skips that login's shared bucket.
pub const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// Known (login, address) pairs kept at most; the oldest go first.
const KNOWN_MAX: usize = 100_000;

/// The sign-in buckets.
#[derive(Debug)]
pub struct SignInLimits {
    per_pair: RateLimiter,
    per_address: RateLimiter,
    per_login: RateLimiter,
    known: Mutex<HashMap<String, Instant>>,
}

/// The tokens one attempt took; [`Attempt::succeeded`] gives them back. Dropped without
/// it, the attempt counts as failed.
#[derive(Debug)]
#[must_use = "an attempt that succeeded must say so"]
pub struct Attempt<'a> {
    limits: &'a SignInLimits,
    taken: Vec<(&'a RateLimiter, String)>,
    pair: String,
}

impl SignInLimits {
    /// From the settings.
    pub fn new(config: &RateLimitSettings) -> SignInLimits {
        let per_login = f64::from(config.failed_sign_ins_per_minute);
        let per_address = f64::from(config.failed_sign_ins_per_address_per_minute);
        SignInLimits {
            per_pair: RateLimiter::new(per_login / 60.0, per_login),
            per_address: RateLimiter::new(per_address / 60.0, per_address),
            per_login: RateLimiter::new(per_login / 60.0, per_login),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the tokens of one attempt at `login` (compared without case) from `address`,
    /// or says how long until one is allowed.
    pub fn attempt(&self, login: &str, address: IpAddr, now: Instant) -> Result<Attempt<'_>, Duration> {
        let login = login.to_lowercase();
        let pair = format!("{login}\u{1f}{address}");
        let mut buckets: Vec<(&RateLimiter, String)> = vec![(&self.per_pair, pair.clone()), (&self.per_address, address.to_string())];
        if !self.is_known(&pair, now) {
            buckets.push((&self.per_login, login));
        }
        let mut attempt = Attempt { limits: self, taken: Vec::new(), pair };
        for (limiter, key) in buckets {
            if let Err(wait) = limiter.try_take(&key, 1.0, now) {
                attempt.give_back(now);
                return Err(wait);
            }
            attempt.taken.push((limiter, key));
        }
        Ok(attempt)
    }

    fn is_known(&self, pair: &str, now: Instant) -> bool {
        let known = self.known.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        known.get(pair).is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_FOR)
    }

    fn remember(&self, pair: String, now: Instant) {
        let mut known = self.known.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.len() >= KNOWN_MAX {
            known.retain(|_, at| now.saturating_duration_since(*at) < KNOWN_FOR);
            if known.len() >= KNOWN_MAX
                && let Some(oldest) = known.iter().min_by_key(|(_, at)| **at).map(|(k, _)| k.clone())
            {
                known.remove(&oldest);
            }
        }
        known.insert(pair, now);
    }
}

impl Attempt<'_> {
    /// The password was right: the tokens go back, and the address is known for the login.
    pub fn succeeded(mut self, now: Instant) {
        self.give_back(now);
        self.limits.remember(std::mem::take(&mut self.pair), now);
    }

    fn give_back(&mut self, now: Instant) {
        for (limiter, key) in self.taken.drain(..) {
            limiter.give_back(&key, 1.0, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> SignInLimits {
        SignInLimits::new(&RateLimitSettings {
            failed_sign_ins_per_minute: 3,
            failed_sign_ins_per_address_per_minute: 5,
            ..RateLimitSettings::default()
        })
    }

    /// Attempts in flight count; failures use the login's tokens up and the next attempt
    /// waits only until one refills (20 s at 3 a minute), never longer; a success gives its
    /// tokens back.
    #[test]
    fn attempts_count_before_the_password_and_back_off() {
        let l = limits();
        let t0 = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let ok = l.attempt("Chair", a, t0).unwrap();
        ok.succeeded(t0);
        let in_flight: Vec<_> = (0..3).map(|_| l.attempt("chair", a, t0).unwrap()).collect();
        assert_eq!(l.attempt("chair", a, t0).unwrap_err(), Duration::from_secs(20));
        drop(in_flight);
        assert_eq!(l.attempt("CHAIR", a, t0 + Duration::from_secs(19)).unwrap_err(), Duration::from_secs(1));
        assert!(l.attempt("chair", a, t0 + Duration::from_secs(20)).is_ok());
    }

    /// One address cannot try many logins; another address is not held back by it.
    #[test]
    fn addresses_are_limited_across_logins() {
        let l = limits();
        let t0 = Instant::now();
        let attacker: IpAddr = "192.0.2.66".parse().unwrap();
        for i in 0..5 {
            drop(l.attempt(&format!("login{i}"), attacker, t0).unwrap());
        }
        assert!(l.attempt("login9", attacker, t0).is_err());
        assert!(l.attempt("login9", "192.0.2.7".parse().unwrap(), t0).is_ok());
    }

    /// Failures from many addresses use up the login's shared bucket, which holds back
    /// unknown addresses; the address where the login last signed in is not held back.
    #[test]
    fn a_known_address_is_not_locked_out_by_others() {
        let l = limits();
        let t0 = Instant::now();
        let desk: IpAddr = "192.0.2.10".parse().unwrap();
        l.attempt("mx", desk, t0).unwrap().succeeded(t0);
        for i in 0..3 {
            drop(l.attempt("mx", format!("198.51.100.{i}").parse().unwrap(), t0).unwrap());
        }
        assert!(l.attempt("mx", "198.51.100.99".parse().unwrap(), t0).is_err(), "the login's shared bucket is empty");
        assert!(l.attempt("mx", desk, t0).is_ok(), "the delegate's own desk still signs in");
    }
}
