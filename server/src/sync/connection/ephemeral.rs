//! The bounds on one connection's ephemeral messages (presence, cursors): each at most
//! `max_ephemeral_bytes`, and `ephemeral_per_second` relayed a second. A burst of five
//! seconds' worth passes (a newcomer answers every peer's presence at once); beyond it,
//! messages are not relayed; a peer that keeps sending several times faster is
//! disconnected with the reason.

use std::time::Instant;

use crate::config::InputLimits;

/// Seconds of messages a burst may hold.
const BURST_SECONDS: f64 = 5.0;
/// How far past the burst a sender may go (in bursts) before it is disconnected.
const ABUSE_BURSTS: f64 = 4.0;

/// What becomes of one ephemeral message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Relay it.
    Relay,
    /// Drop it: the sender is over its rate.
    Drop,
    /// Disconnect the sender, saying why.
    Refuse(String),
}

/// One connection's allowance.
#[derive(Debug)]
pub(super) struct Budget {
    max_bytes: usize,
    rate: f64,
    burst: f64,
    tokens: f64,
    at: Instant,
}

impl Budget {
    pub(super) fn new(limits: &InputLimits, now: Instant) -> Budget {
        let rate = f64::from(limits.ephemeral_per_second.max(1));
        let burst = rate * BURST_SECONDS;
        Budget { max_bytes: limits.max_ephemeral_bytes, rate, burst, tokens: burst, at: now }
    }

    /// The verdict on a message carrying `bytes` of payload.
    pub(super) fn admit(&mut self, bytes: usize, now: Instant) -> Verdict {
        if bytes > self.max_bytes {
            return Verdict::Refuse(format!("an ephemeral message of {bytes} bytes; the limit is {}", self.max_bytes));
        }
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.at = now.max(self.at);
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst) - 1.0;
        if self.tokens >= 0.0 {
            Verdict::Relay
        } else if self.tokens >= -ABUSE_BURSTS * self.burst {
            Verdict::Drop
        } else {
            Verdict::Refuse(format!("ephemeral messages much faster than {} a second", self.rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Too large is refused at once; a burst passes, then messages are dropped, and a
    /// sender that goes on is refused; waiting refills the allowance.
    #[test]
    fn size_and_rate() {
        let limits = InputLimits { ephemeral_per_second: 2, max_ephemeral_bytes: 100, ..InputLimits::default() };
        let t0 = Instant::now();
        let mut b = Budget::new(&limits, t0);
        assert!(matches!(b.admit(101, t0), Verdict::Refuse(r) if r.contains("101 bytes")));
        for _ in 0..10 {
            assert_eq!(b.admit(100, t0), Verdict::Relay);
        }
        assert_eq!(b.admit(10, t0), Verdict::Drop);
        assert_eq!(b.admit(10, t0 + Duration::from_secs(1)), Verdict::Relay, "a second later two more tokens");
        let verdicts: Vec<Verdict> = (0..50).map(|_| b.admit(10, t0 + Duration::from_secs(1))).collect();
        assert!(matches!(verdicts.last(), Some(Verdict::Refuse(_))), "{verdicts:?}");
    }
}
