//! [`Metrics`]: counters, gauges and one histogram, exposed as Prometheus text at
//! `GET /metrics`. Hand-written: a handful of atomics need no registry.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the sync latency buckets: from a sub-millisecond commit to a
/// database under stress.
const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// The server's live figures. Every method is lock-free and never blocks.
#[derive(Debug, Default)]
pub struct Metrics {
    connections: AtomicI64,
    documents_loaded: AtomicI64,
    changes_persisted: AtomicU64,
    commits: AtomicU64,
    messages_rejected: AtomicU64,
    documents_unavailable: AtomicU64,
    remote_catch_ups: AtomicU64,
    latency: Histogram,
}

#[derive(Debug, Default)]
struct Histogram {
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// A WebSocket connection opened (+1) or closed (-1).
    pub fn connection_delta(&self, delta: i64) {
        self.connections.fetch_add(delta, Ordering::Relaxed);
    }

    /// A document was loaded (+1) or unloaded (-1).
    pub fn documents_loaded_delta(&self, delta: i64) {
        self.documents_loaded.fetch_add(delta, Ordering::Relaxed);
    }

    /// One group commit wrote `changes` new changes.
    pub fn committed(&self, changes: usize) {
        self.commits.fetch_add(1, Ordering::Relaxed);
        self.changes_persisted.fetch_add(changes as u64, Ordering::Relaxed);
    }

    /// A sync message was refused (rule broken, storage failed).
    pub fn rejected(&self) {
        self.messages_rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// A document could not be loaded.
    pub fn unavailable(&self) {
        self.documents_unavailable.fetch_add(1, Ordering::Relaxed);
    }

    /// A document applied changes another server committed.
    pub fn remote_applied(&self) {
        self.remote_catch_ups.fetch_add(1, Ordering::Relaxed);
    }

    /// Times documents applied other servers' changes so far.
    pub fn remote_catch_ups(&self) -> u64 {
        self.remote_catch_ups.load(Ordering::Relaxed)
    }

    /// Time from receiving a sync message with changes to having committed and forwarded them.
    pub fn observe_sync_latency(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.latency.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Changes persisted so far.
    pub fn changes_persisted(&self) -> u64 {
        self.changes_persisted.load(Ordering::Relaxed)
    }

    /// Group commits so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Documents loaded now.
    pub fn documents_loaded(&self) -> i64 {
        self.documents_loaded.load(Ordering::Relaxed)
    }

    /// Open connections now.
    pub fn connections(&self) -> i64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(2048);
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        };
        metric("pluma_connections", "gauge", "Open sync WebSocket connections.", self.connections().to_string());
        metric("pluma_documents_loaded", "gauge", "Documents loaded in memory.", self.documents_loaded().to_string());
        metric(
            "pluma_changes_persisted_total",
            "counter",
            "Automerge changes committed to the change log.",
            self.changes_persisted().to_string(),
        );
        metric(
            "pluma_commits_total",
            "counter",
            "Group commits (transactions) of the change log.",
            self.commits.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "pluma_sync_messages_rejected_total",
            "counter",
            "Sync messages refused (rule broken or storage failed).",
            self.messages_rejected.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "pluma_documents_unavailable_total",
            "counter",
            "Document loads that failed.",
            self.documents_unavailable.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "pluma_remote_catch_ups_total",
            "counter",
            "Times a document applied changes committed by another server on the same database.",
            self.remote_catch_ups().to_string(),
        );
        let name = "pluma_sync_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} From receiving a sync message with changes to committing and forwarding them.\n# TYPE {name} histogram"
        );
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency.buckets) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", bucket.load(Ordering::Relaxed));
        }
        let count = self.latency.count.load(Ordering::Relaxed);
        let sum = self.latency.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum}\n{name}_count {count}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Buckets are cumulative and the exposition names every metric of the issue.
    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.connection_delta(2);
        m.committed(3);
        m.observe_sync_latency(Duration::from_millis(3));
        let text = m.render();
        assert!(text.contains("pluma_connections 2"));
        assert!(text.contains("pluma_documents_loaded 0"));
        assert!(text.contains("pluma_changes_persisted_total 3"));
        assert!(text.contains("pluma_sync_latency_seconds_bucket{le=\"0.0025\"} 0"));
        assert!(text.contains("pluma_sync_latency_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("pluma_sync_latency_seconds_bucket{le=\"+Inf\"} 1"));
        assert!(text.contains("pluma_sync_latency_seconds_count 1"));
    }
}
