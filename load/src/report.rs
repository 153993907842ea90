//! The figures of a run: latency percentiles, throughput, errors, lost edits, peak RSS.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::Settings;
use crate::driver::Outcome;

/// What a run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `pluma` or `repo`.
    pub target: String,
    /// Clients that were asked for.
    pub clients: usize,
    /// Clients that connected and opened their draft.
    pub connected: usize,
    /// Drafts.
    pub drafts: usize,
    /// Edits per second per client, as asked.
    pub rate: f64,
    /// Length of the edit phase, seconds.
    pub duration_s: f64,
    /// Seconds to connect and open every client.
    pub connect_s: f64,
    /// Edits sent.
    pub edits: u64,
    /// Edits sent per second of the edit phase.
    pub edits_per_s: f64,
    /// Deliveries expected: each edit, to each other client of its draft.
    pub deliveries_expected: u64,
    /// Deliveries seen.
    pub deliveries_seen: u64,
    /// Edits that some other client of the draft never received.
    pub lost_edits: u64,
    /// Edit-to-visible latency at the other clients, milliseconds.
    pub latency_ms: Percentiles,
    /// Servers the clients were spread over.
    pub nodes: usize,
    /// Edit-to-visible latency of edits whose sender was on another server than the
    /// receiver (with several servers only).
    pub cross_node_latency_ms: Option<Percentiles>,
    /// Problems: failed connections, server errors, closed sockets.
    pub errors: usize,
    /// The first few problems, for the reader.
    pub error_samples: Vec<String>,
    /// The server's peak resident set size (VmHWM), MiB, when its pid was given.
    pub server_peak_rss_mib: Option<f64>,
    /// CPU seconds the server used during the edit phase and drain, when its pid was given.
    pub server_cpu_s: Option<f64>,
    /// CPU seconds this harness used during the edit phase and drain (it shares the
    /// machine with the server).
    pub harness_cpu_s: Option<f64>,
}

/// Latency percentiles in milliseconds (zero when nothing was measured).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// The slowest delivery.
    pub max: f64,
    /// Number of deliveries measured.
    pub samples: usize,
}

/// Errors listed in full in a report; the rest are only counted.
const ERROR_SAMPLES: usize = 5;

impl Report {
    /// Computes the figures of a run.
    pub fn new(settings: &Settings, outcome: Outcome) -> Report {
        let clients = &outcome.clients;
        let connected = clients.iter().filter(|c| !c.errors.iter().any(|e| e.starts_with("connect:"))).count();
        let edits: u64 = clients.iter().map(|c| c.sent).sum();

        // Per draft, its clients; an edit is lost when one of the others lacks it.
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, c) in clients.iter().enumerate() {
            members.entry(c.draft).or_default().push(i);
        }
        let (mut expected, mut seen_total, mut lost) = (0u64, 0u64, 0u64);
        for (sender, c) in clients.iter().enumerate() {
            let others: Vec<usize> = members[&c.draft].iter().copied().filter(|&v| v != sender).collect();
            expected += c.sent * others.len() as u64;
            for seq in 0..c.sent {
                let have = others.iter().filter(|&&v| clients[v].seen.contains(&(sender, seq))).count();
                seen_total += have as u64;
                if have < others.len() {
                    lost += 1;
                }
            }
        }

        let mut latencies: Vec<u32> = clients.iter().flat_map(|c| c.latencies_us.iter().copied()).collect();
        latencies.sort_unstable();
        let mut cross: Vec<u32> = clients.iter().flat_map(|c| c.cross_node_us.iter().copied()).collect();
        cross.sort_unstable();
        let nodes = match &settings.target {
            crate::Target::Pluma { addrs, .. } => addrs.len().max(1),
            crate::Target::Repo { .. } => 1,
        };
        let errors: Vec<&String> = clients.iter().flat_map(|c| c.errors.iter()).collect();
        let secs = outcome.edit_phase.as_secs_f64();
        Report {
            target: match settings.target {
                crate::Target::Pluma { .. } => "pluma".into(),
                crate::Target::Repo { .. } => "repo".into(),
            },
            clients: settings.clients,
            connected,
            drafts: settings.drafts,
            rate: settings.rate,
            duration_s: secs,
            connect_s: outcome.connect_time.as_secs_f64(),
            edits,
            edits_per_s: if secs > 0.0 { edits as f64 / secs } else { 0.0 },
            deliveries_expected: expected,
            deliveries_seen: seen_total,
            lost_edits: lost,
            latency_ms: percentiles(&latencies),
            nodes,
            cross_node_latency_ms: (nodes > 1).then(|| percentiles(&cross)),
            errors: errors.len(),
            error_samples: errors.iter().take(ERROR_SAMPLES).map(|e| (*e).clone()).collect(),
            server_peak_rss_mib: settings.server_pid.and_then(peak_rss_mib),
            server_cpu_s: outcome.server_cpu_s,
            harness_cpu_s: outcome.harness_cpu_s,
        }
    }
}

fn percentiles(sorted_us: &[u32]) -> Percentiles {
    let at = |q: f64| -> f64 {
        if sorted_us.is_empty() {
            return 0.0;
        }
        // Nearest rank.
        let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
        f64::from(sorted_us[rank - 1]) / 1000.0
    };
    Percentiles { p50: at(0.50), p95: at(0.95), p99: at(0.99), max: at(1.0), samples: sorted_us.len() }
}

/// CPU time (user + system) a process has used so far, in seconds, from `/proc/PID/stat`
/// (clock ticks of 1/100 s, as on every Linux this runs on).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is field 3, utime 14,
    // stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// `VmHWM` of a process, in MiB (`None` if it cannot be read, e.g. the process is gone).
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.latency_ms;
        writeln!(
            f,
            "target {}: {} clients ({} connected) on {} drafts, {} edit/s each, {:.1} s (connect {:.1} s)",
            self.target, self.clients, self.connected, self.drafts, self.rate, self.duration_s, self.connect_s
        )?;
        writeln!(f, "edits: {} ({:.1}/s)", self.edits, self.edits_per_s)?;
        writeln!(
            f,
            "edit-to-visible latency ms: p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}  ({} deliveries of {} expected)",
            l.p50, l.p95, l.p99, l.max, self.deliveries_seen, self.deliveries_expected
        )?;
        if let Some(c) = &self.cross_node_latency_ms {
            writeln!(
                f,
                "  across {} servers, sender and receiver on different servers: p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}  ({} deliveries)",
                self.nodes, c.p50, c.p95, c.p99, c.max, c.samples
            )?;
        }
        writeln!(f, "lost edits: {}", self.lost_edits)?;
        writeln!(f, "errors: {}", self.errors)?;
        for e in &self.error_samples {
            writeln!(f, "  {e}")?;
        }
        if let Some(cpu) = self.harness_cpu_s {
            writeln!(f, "harness CPU during the run: {cpu:.1} s")?;
        }
        match (self.server_peak_rss_mib, self.server_cpu_s) {
            (Some(mib), Some(cpu)) => writeln!(f, "server peak RSS: {mib:.1} MiB; server CPU during the run: {cpu:.1} s"),
            (Some(mib), None) => writeln!(f, "server peak RSS: {mib:.1} MiB"),
            _ => writeln!(f, "server peak RSS: not measured (pass --server-pid)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nearest-rank percentiles on a known distribution.
    #[test]
    fn percentiles_by_nearest_rank() {
        let us: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        let p = percentiles(&us);
        assert_eq!((p.p50, p.p95, p.p99, p.max, p.samples), (50.0, 95.0, 99.0, 100.0, 100));
        assert_eq!(percentiles(&[]).samples, 0);
    }

    /// This process's own peak RSS and CPU time are readable; a missing process gives none.
    #[test]
    fn reads_own_peak_rss_and_cpu() {
        assert!(peak_rss_mib(std::process::id()).is_some_and(|m| m > 0.0));
        let spin: u64 = (0..20_000_000u64).fold(0, |a, x| a.wrapping_add(x * x));
        assert!(spin > 0);
        assert!(cpu_seconds(std::process::id()).is_some_and(|s| s > 0.0));
        assert!(cpu_seconds(u32::MAX).is_none());
    }
}
