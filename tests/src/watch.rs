//! Watching the test process while an attack runs: its resident memory (the in-process
//! server's included), sampled often enough to catch the peak.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The resident set size of this process, in KiB (`VmRSS` of `/proc/self/status`).
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

/// Samples [`rss_kib`] every 10 ms on a thread of its own until dropped or read.
#[derive(Debug)]
pub struct RssWatch {
    start: u64,
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssWatch {
    /// Starts watching from the current RSS.
    pub fn start() -> RssWatch {
        let start = rss_kib();
        let peak = Arc::new(AtomicU64::new(start));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (peak, stop) = (peak.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        };
        RssWatch { start, peak, stop, thread: Some(thread) }
    }

    /// How far the RSS rose above where it started, at its highest so far, in MiB.
    pub fn growth_mib(&self) -> u64 {
        self.peak.load(Ordering::Relaxed).max(rss_kib()).saturating_sub(self.start) / 1024
    }
}

impl Drop for RssWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
