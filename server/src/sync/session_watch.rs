//! Sync connections end with the session whose ticket opened them.
//!
//! Every connection registers its session here ([`Sessions::register`]) and closes, after an
//! `error` message, when the session ends:
//!
//! - signed out on this server: `DELETE /api/session` ends it here before it answers;
//! - signed out on another server on the same database: that server's notice
//!   ([`crate::store::Notice::SessionEnded`]) ends it here as soon as it arrives;
//! - expired: each connection closes at its session's expiry by its own clock;
//! - anything else, or a notice that was lost (a user removed, a session deleted by hand,
//!   the listening connection down): the checker asks the database every
//!   [`SyncLimits::session_check_interval`](crate::config::SyncLimits) (by default
//!   [`SESSION_CHECK_INTERVAL`], 15 s) which of the sessions of this server's connections
//!   are still alive, and ends the others.
//!
//! So a session ended in the database ends its connections on every server within that
//! interval plus one query, as long as the database answers. While it does
//! not, a failed check closes nothing (a database outage must not sign everybody out) and is
//! tried again at the next interval. A connection of an ended session may then stay open
//! until the database is back, but nothing it sends is stored: the group commit stores
//! changes only while their session lives ([`crate::store::AppendRequest::session`]), and
//! without the database nothing is stored at all.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::hub::Hub;
pub use crate::config::SESSION_CHECK_INTERVAL;
use crate::store::SessionHash;
use crate::time::now_ms;

/// How long an ended session is remembered, so that a connection whose ticket was consumed
/// just before the session ended, and which registers just after, is ended too. Longer than
/// any ticket consumption takes; the periodic check covers the rest.
const REMEMBER_ENDED: Duration = Duration::from_secs(60);

/// What a connection of an ended session is told before it is closed.
pub const SESSION_ENDED: &str = "the session has ended (signed out, expired or revoked): sign in again to keep editing";

#[derive(Default)]
struct Inner {
    /// Sessions with connections here: the token that ends them, and how many.
    live: HashMap<SessionHash, (CancellationToken, usize)>,
    /// Sessions ended lately.
    ended: HashMap<SessionHash, Instant>,
}

/// The sessions of this server's sync connections; cheap to clone.
#[derive(Clone, Default)]
pub struct Sessions {
    inner: Arc<Mutex<Inner>>,
    check_now: Arc<Notify>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").field("live", &self.lock().live.len()).finish_non_exhaustive()
    }
}

/// A connection's hold on its session: [`SessionGuard::ended`] is cancelled when the session
/// ends. Dropping it unregisters the connection.
#[derive(Debug)]
pub struct SessionGuard {
    sessions: Sessions,
    session: SessionHash,
    ended: CancellationToken,
}

impl SessionGuard {
    /// Cancelled when the session ends.
    pub fn ended(&self) -> &CancellationToken {
        &self.ended
    }
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        let mut inner = self.sessions.lock();
        // An ended guard's entry is gone already (ended under this lock); a later entry of
        // the same session is not this guard's to count down.
        if self.ended.is_cancelled() {
            return;
        }
        if let Some((_, count)) = inner.live.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                inner.live.remove(&self.session);
            }
        }
    }
}

impl Sessions {
    /// Registers a connection of `session`. Never blocks. If the session ended here lately,
    /// the guard is ended already.
    pub fn register(&self, session: SessionHash) -> SessionGuard {
        let mut inner = self.lock();
        let ended = if inner.ended.contains_key(&session) {
            let token = CancellationToken::new();
            token.cancel();
            token
        } else {
            let (token, count) = inner.live.entry(session).or_default();
            *count += 1;
            token.clone()
        };
        drop(inner);
        SessionGuard { sessions: self.clone(), session, ended }
    }

    /// Ends `session` on this server: its connections close. Returns how many there were.
    pub fn end(&self, session: &SessionHash) -> usize {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.ended.retain(|_, at| now.duration_since(*at) < REMEMBER_ENDED);
        inner.ended.insert(*session, now);
        match inner.live.remove(session) {
            Some((token, count)) => {
                token.cancel();
                count
            }
            None => 0,
        }
    }

    /// Asks the checker to check every session now (notices may have been lost).
    pub fn check_soon(&self) {
        self.check_now.notify_one();
    }

    fn registered(&self) -> Vec<SessionHash> {
        self.lock().live.keys().copied().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Single inserts and removes: a panic cannot leave the maps inconsistent.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Starts the checker: every session check interval, or sooner when asked
/// ([`Sessions::check_soon`]), ends the registered sessions the database no longer has.
/// Stops when the hub shuts down.
pub fn spawn_checker(hub: &Hub) {
    let shared = hub.shared().clone();
    shared.tracker.clone().spawn(async move {
        let sessions = shared.sessions.clone();
        let interval = shared.limits.session_check_interval;
        loop {
            tokio::select! {
                _ = shared.shutdown.cancelled() => break,
                _ = tokio::time::sleep(interval) => {}
                _ = sessions.check_now.notified() => {}
            }
            let registered = sessions.registered();
            if registered.is_empty() {
                continue;
            }
            match shared.store.live_sessions(&registered, now_ms()).await {
                Ok(live) => {
                    let live: HashSet<SessionHash> = live.into_iter().collect();
                    let closed: usize = registered.iter().filter(|s| !live.contains(*s)).map(|s| sessions.end(s)).sum();
                    if closed > 0 {
                        tracing::info!(connections = closed, "closed sync connections whose session has ended");
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot check the sessions of sync connections; they stay open until the next check");
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ending a session ends every guard of it, and no other; a guard registered just after
    /// the end is ended at once.
    #[test]
    fn ending_a_session_ends_its_guards_only() {
        let sessions = Sessions::default();
        let a1 = sessions.register([1; 32]);
        let a2 = sessions.register([1; 32]);
        let b = sessions.register([2; 32]);
        assert_eq!(sessions.end(&[1; 32]), 2);
        assert!(a1.ended().is_cancelled() && a2.ended().is_cancelled());
        assert!(!b.ended().is_cancelled());
        let late = sessions.register([1; 32]);
        assert!(late.ended().is_cancelled());
        assert_eq!(sessions.registered(), vec![[2; 32]]);
    }

    /// A session whose connections are all gone is no longer registered (nor checked).
    #[test]
    fn dropped_guards_unregister() {
        let sessions = Sessions::default();
        let a = sessions.register([3; 32]);
        let b = sessions.register([3; 32]);
        drop(a);
        assert_eq!(sessions.registered(), vec![[3; 32]]);
        drop(b);
        assert!(sessions.registered().is_empty());
        assert_eq!(sessions.end(&[3; 32]), 0);
    }
}
