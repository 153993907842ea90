//! The group-commit writer: one task per store collects append requests from every document
//! task and writes all that are waiting in one transaction, so the cost of a durable commit
//! (an fsync) is shared by every change that arrived meanwhile.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;
use crate::store::{AppendOutcome, AppendRequest, Store};
use crate::time::now_ms;

/// Most requests written in one transaction; more wait for the next one. Bounds the time a
/// transaction holds the write lock.
pub const MAX_REQUESTS_PER_COMMIT: usize = 512;
/// Append jobs that may wait for the writer before senders wait too.
const QUEUE: usize = 1024;

/// The commit failed as a whole; nothing of it is stored.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the change log could not be written")]
pub struct CommitFailed;

struct Job {
    requests: Vec<AppendRequest>,
    reply: oneshot::Sender<Result<Vec<AppendOutcome>, CommitFailed>>,
}

/// A handle to the writer task; cheap to clone. The task ends when every handle is dropped,
/// after finishing the jobs already sent.
#[derive(Clone)]
pub struct Persister {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Persister {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persister").finish_non_exhaustive()
    }
}

impl Persister {
    /// Starts the writer task for `store`.
    pub fn spawn(store: Arc<dyn Store>, metrics: Arc<Metrics>) -> Persister {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, metrics, rx));
        Persister { tx }
    }

    /// Appends `requests` durably; returns once the transaction holding them has committed
    /// (or failed). One outcome per request, in order.
    pub async fn append(&self, requests: Vec<AppendRequest>) -> Result<Vec<AppendOutcome>, CommitFailed> {
        self.submit(requests).await?.outcome().await
    }

    /// Queues `requests` for the writer (waiting while the queue is full) without waiting
    /// for the commit.
    pub async fn submit(&self, requests: Vec<AppendRequest>) -> Result<Submitted, CommitFailed> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Job { requests, reply }).await.map_err(|_| CommitFailed)?;
        Ok(Submitted { answer })
    }

    /// Jobs queued and not yet taken by the writer.
    pub fn waiting(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }
}

/// Requests handed to the writer.
#[derive(Debug)]
pub struct Submitted {
    answer: oneshot::Receiver<Result<Vec<AppendOutcome>, CommitFailed>>,
}

impl Submitted {
    /// Waits for the transaction holding the requests.
    pub async fn outcome(self) -> Result<Vec<AppendOutcome>, CommitFailed> {
        self.answer.await.map_err(|_| CommitFailed)?
    }
}

async fn run(store: Arc<dyn Store>, metrics: Arc<Metrics>, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        let mut waiting = jobs[0].requests.len();
        while waiting < MAX_REQUESTS_PER_COMMIT {
            match rx.try_recv() {
                Ok(job) => {
                    waiting += job.requests.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let mut all = Vec::with_capacity(waiting);
        let mut sizes = Vec::with_capacity(jobs.len());
        let mut replies = Vec::with_capacity(jobs.len());
        for job in jobs {
            sizes.push(job.requests.len());
            all.extend(job.requests);
            replies.push(job.reply);
        }
        match store.append_changes(&all, now_ms()).await {
            Ok(outcomes) if outcomes.len() == all.len() => {
                let written: usize = outcomes.iter().filter_map(|o| o.as_ref().ok()).map(Vec::len).sum();
                metrics.committed(written);
                let mut outcomes = outcomes.into_iter();
                for (size, reply) in sizes.into_iter().zip(replies) {
                    let _ = reply.send(Ok(outcomes.by_ref().take(size).collect()));
                }
            }
            Ok(outcomes) => {
                tracing::error!(expected = all.len(), got = outcomes.len(), "group commit answered the wrong number of outcomes");
                for reply in replies {
                    let _ = reply.send(Err(CommitFailed));
                }
            }
            Err(error) => {
                tracing::error!(%error, requests = all.len(), "group commit of the change log failed");
                for reply in replies {
                    let _ = reply.send(Err(CommitFailed));
                }
            }
        }
    }
}
