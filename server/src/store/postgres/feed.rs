//! The notices of [`PgStore`]: `NOTIFY` sent inside the transaction that commits changes
//! (PostgreSQL delivers it only if that transaction commits), and one `LISTEN`ing connection
//! per server that hands other servers' notices to the sync hub.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tokio::sync::mpsc;

use super::PgStore;
use crate::ids::DocumentId;
use crate::store::cluster::{CHANNEL, decode, encode};
use crate::store::{Feed, Notice, Result};

/// Notices that may wait for the hub before the listener waits too.
const NOTICE_QUEUE: usize = 1024;
/// The first and the longest wait between attempts to listen again after the connection
/// was lost: short enough to hear the others soon after the database is back, long enough
/// not to hammer a database that is down.
const RETRY_FIRST: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(2);

/// The listener's state, shared with the store (for `/healthz`).
#[derive(Debug, Default)]
pub(super) struct FeedState {
    listening: AtomicBool,
    started: AtomicBool,
}

impl PgStore {
    pub(super) fn start_feed(&self) -> Option<mpsc::Receiver<Notice>> {
        if self.feed.started.swap(true, Ordering::SeqCst) {
            return None;
        }
        let (tx, rx) = mpsc::channel(NOTICE_QUEUE);
        tokio::spawn(listen(self.pool.clone(), self.node.clone(), self.feed.clone(), tx));
        Some(rx)
    }

    pub(super) fn feed_state(&self) -> Feed {
        if !self.feed.started.load(Ordering::SeqCst) {
            Feed::Single
        } else if self.feed.listening.load(Ordering::SeqCst) {
            Feed::Listening
        } else {
            Feed::Reconnecting
        }
    }

    pub(super) async fn send_workflow_notice(&self, doc: &DocumentId) -> Result<()> {
        notify(&mut *self.pool.acquire().await?, &self.node, &Notice::Workflow { doc: doc.clone() }).await
    }
}

/// Queues a notice on `conn`; inside a transaction, it is sent when (and only if) the
/// transaction commits.
pub(super) async fn notify(conn: &mut PgConnection, node: &str, notice: &Notice) -> Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(encode(node, notice)).execute(conn).await?;
    Ok(())
}

/// Listens until the pool is closed or the hub is gone. Every time listening starts (again),
/// the hub gets [`Notice::Resync`]: notices sent meanwhile were lost.
async fn listen(pool: PgPool, node: String, state: Arc<FeedState>, tx: mpsc::Sender<Notice>) {
    let mut retry = RETRY_FIRST;
    loop {
        if pool.is_closed() || tx.is_closed() {
            return;
        }
        let mut listener = match subscribe(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other servers' changes; retrying");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(RETRY_MAX);
                continue;
            }
        };
        retry = RETRY_FIRST;
        state.listening.store(true, Ordering::SeqCst);
        tracing::info!("listening for other servers' changes");
        if tx.send(Notice::Resync).await.is_err() {
            return;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => match decode(n.payload()) {
                    Some((from, _)) if from == node => {}
                    Some((_, notice)) => {
                        if tx.send(notice).await.is_err() {
                            return;
                        }
                    }
                    None => tracing::warn!(payload = n.payload(), "ignored a notice that is not Pluma's"),
                },
                // Reconnected already (sqlx does before answering `None`): notices sent
                // while the connection was down are lost.
                Ok(None) => {
                    tracing::warn!("the listening connection was lost and re-established; catching up");
                    if tx.send(Notice::Resync).await.is_err() {
                        return;
                    }
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(error) => {
                    tracing::warn!(%error, "the listening connection was lost");
                    break;
                }
            }
        }
        state.listening.store(false, Ordering::SeqCst);
        tokio::time::sleep(retry).await;
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
