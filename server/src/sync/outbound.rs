//! A connection's outbound queue, bounded in messages and in bytes: what waits for a slow
//! socket is bounded, so a peer that does not read cannot make the server hold its
//! messages (every delegation's presence, every sync message) without limit. A full queue
//! means the peer does not keep up: the sender is told (`Full`), the peer is disconnected
//! with the reason [`OutReceiver::overflow`] gives, and what waited is dropped.
//!
//! One message larger than the byte bound (a whole document for a newcomer) is let through
//! onto an empty queue, so that no document is too large to send.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// Why an item was not queued (it is dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// The peer does not keep up: too many messages or bytes wait.
    #[error("the connection's queue is full")]
    Full,
    /// The connection is gone.
    #[error("the connection is closed")]
    Closed,
}

use super::Outbound;
use super::protocol::Message;

/// The fixed cost counted for any queued item besides its payload.
const ENVELOPE: usize = 256;

#[derive(Debug)]
struct Shared {
    bytes: AtomicUsize,
    limit: usize,
    overflow: OnceLock<String>,
}

/// The sending side, shared by the connection and the documents it syncs.
#[derive(Debug, Clone)]
pub struct OutQueue {
    tx: mpsc::Sender<Outbound>,
    shared: Arc<Shared>,
}

/// The connection's writer's side.
#[derive(Debug)]
pub struct OutReceiver {
    rx: mpsc::Receiver<Outbound>,
    shared: Arc<Shared>,
}

/// A queue of at most `messages` items and about `bytes` bytes.
pub fn channel(messages: usize, bytes: usize) -> (OutQueue, OutReceiver) {
    let (tx, rx) = mpsc::channel(messages.max(1));
    let shared = Arc::new(Shared { bytes: AtomicUsize::new(0), limit: bytes, overflow: OnceLock::new() });
    (OutQueue { tx, shared: shared.clone() }, OutReceiver { rx, shared })
}

/// What an item costs in the queue: its payload and an envelope.
fn weight(item: &Outbound) -> usize {
    ENVELOPE
        + match item {
            Outbound::Message(Message::Sync { data, .. } | Message::Request { data, .. } | Message::Ephemeral { data, .. }) => data.len(),
            Outbound::Fatal(text) => text.len(),
            Outbound::Message(_) | Outbound::Ping => 0,
        }
}

impl OutQueue {
    /// Queues `item` unless the queue is closed or full (in messages, or in bytes with
    /// something already waiting). A full queue records why, for the disconnection.
    pub fn try_send(&self, item: Outbound) -> Result<(), QueueError> {
        let size = weight(&item);
        let queued = self.shared.bytes.fetch_add(size, Ordering::AcqRel);
        if queued > 0 && queued + size > self.shared.limit {
            self.shared.bytes.fetch_sub(size, Ordering::AcqRel);
            self.note_overflow(format!("{queued} bytes were waiting, the limit is {}", self.shared.limit));
            return Err(QueueError::Full);
        }
        self.tx.try_send(item).map_err(|e| {
            self.shared.bytes.fetch_sub(size, Ordering::AcqRel);
            match e {
                TrySendError::Full(_) => {
                    self.note_overflow(format!("{} messages were waiting", self.tx.max_capacity()));
                    QueueError::Full
                }
                TrySendError::Closed(_) => QueueError::Closed,
            }
        })
    }

    fn note_overflow(&self, detail: String) {
        let _ = self.shared.overflow.set(format!(
            "your connection did not read the server's messages fast enough ({detail}); they were dropped: reconnect to sync again"
        ));
    }
}

impl OutReceiver {
    /// The next item, once queued.
    pub async fn recv(&mut self) -> Option<Outbound> {
        let item = self.rx.recv().await?;
        self.shared.bytes.fetch_sub(weight(&item), Ordering::AcqRel);
        Some(item)
    }

    /// Why the queue overflowed, if it did.
    pub fn overflow(&self) -> Option<String> {
        self.shared.overflow.get().cloned()
    }

    /// Closes the queue and frees everything waiting in it.
    pub fn discard(&mut self) {
        self.rx.close();
        while let Ok(item) = self.rx.try_recv() {
            self.shared.bytes.fetch_sub(weight(&item), Ordering::AcqRel);
        }
    }

    /// Bytes waiting now.
    pub fn queued_bytes(&self) -> usize {
        self.shared.bytes.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_bytes::ByteBuf;

    fn sync(n: usize) -> Outbound {
        Outbound::Message(Message::Sync {
            sender_id: "s".into(),
            target_id: "t".into(),
            document_id: "d".into(),
            data: ByteBuf::from(vec![0; n]),
        })
    }

    /// One large message goes onto an empty queue; after it, anything that would pass the
    /// byte bound is refused as Full and the reason recorded; reading frees the room, and
    /// discarding frees everything.
    #[tokio::test]
    async fn bytes_are_bounded() {
        let (tx, mut rx) = channel(100, 1000);
        assert!(tx.try_send(sync(5000)).is_ok(), "a large message onto an empty queue");
        assert_eq!(tx.try_send(sync(10)), Err(QueueError::Full));
        assert!(rx.overflow().is_some_and(|r| r.contains("the limit is 1000")), "{:?}", rx.overflow());
        assert!(rx.recv().await.is_some());
        assert_eq!(rx.queued_bytes(), 0);
        assert!(tx.try_send(sync(200)).is_ok() && tx.try_send(sync(200)).is_ok());
        assert!(tx.try_send(sync(200)).is_err(), "a third would pass the bound");
        rx.discard();
        assert_eq!(rx.queued_bytes(), 0);
        assert_eq!(tx.try_send(sync(1)), Err(QueueError::Closed));
    }
}
