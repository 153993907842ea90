//! Several servers on one database ([`crate::store::cluster`]): the task that hands other
//! servers' notices to the loaded documents, and their sign-outs to [`super::session_watch`]. A document that is not loaded needs nothing:
//! loading reads the database.

use tokio::sync::mpsc;

use super::hub::Hub;
use crate::store::Notice;

/// Starts routing `notices` to the hub's documents until the hub shuts down.
pub fn spawn(hub: Hub, mut notices: mpsc::Receiver<Notice>) {
    let shared = hub.shared().clone();
    let tracker = shared.tracker.clone();
    tracker.spawn(async move {
        loop {
            tokio::select! {
                _ = shared.shutdown.cancelled() => break,
                notice = notices.recv() => match notice {
                    None => break,
                    Some(Notice::Changes { doc, hashes }) => hub.notify_remote(&doc, hashes, false),
                    Some(Notice::Workflow { doc }) => hub.notify_remote(&doc, Some(Vec::new()), true),
                    Some(Notice::SessionEnded { session }) => {
                        let closed = shared.sessions.end(&session);
                        if closed > 0 {
                            tracing::info!(connections = closed, "another server ended a session: closing its sync connections");
                        }
                    }
                    Some(Notice::Resync) => {
                        // Sign-outs may have been missed too.
                        shared.sessions.check_soon();
                        let loaded = hub.loaded();
                        if !loaded.is_empty() {
                            tracing::info!(documents = loaded.len(), "catching up on other servers' changes");
                        }
                        for doc in loaded {
                            hub.notify_remote(&doc, None, true);
                        }
                    }
                },
            }
        }
    });
}
