//! One task per client: connect, open the draft, append a token-carrying proposal on a fixed
//! schedule, and note when every other client's edit arrives.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use automerge::ChangeHash;
use automerge::transaction::CommitOptions;
use pluma_tests::client::{self, Event, SyncClient};
use pluma_tests::edits::{self, Proposer};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::Settings;
use crate::target::Prepared;

/// Paragraphs of the zero draft that edits go to (client and sequence number pick one).
const PARAGRAPHS: usize = 8;
/// Longest single wait inside the drain loop, so a client notices when it is done.
const DRAIN_STEP: Duration = Duration::from_millis(50);

/// What one client did.
#[derive(Debug, Default)]
pub struct ClientOutcome {
    /// The client's draft.
    pub draft: usize,
    /// Edits it sent (sequence numbers `0..sent`).
    pub sent: u64,
    /// Every other client's edit it received: `(sender, seq)`.
    pub seen: HashSet<(usize, u64)>,
    /// Edit-to-visible latency of each received edit, in microseconds.
    pub latencies_us: Vec<u32>,
    /// The same for edits whose sender is connected to another server (with several).
    pub cross_node_us: Vec<u32>,
    /// What went wrong, if anything (connection failure, server error, closed socket).
    pub errors: Vec<String>,
}

/// Everything the clients did, and how long the edit phase really lasted.
#[derive(Debug)]
pub struct Outcome {
    /// Per client, in client order.
    pub clients: Vec<ClientOutcome>,
    /// From the common start to the moment the last client stopped editing.
    pub edit_phase: Duration,
    /// Setup time (sign-in excluded): connecting and opening every client.
    pub connect_time: Duration,
    /// CPU seconds the server used from the start of the edit phase to the end of the drain.
    pub server_cpu_s: Option<f64>,
    /// CPU seconds this process used over the same time.
    pub harness_cpu_s: Option<f64>,
}

/// Progress of one draft, shared by its clients so they know when to stop draining.
#[derive(Debug, Default)]
struct DraftProgress {
    sent: AtomicU64,
    editing: AtomicUsize,
}

/// Connects every client, runs the edit phase and the drain, and collects the outcomes.
pub async fn drive(settings: &Settings, prepared: Prepared) -> Outcome {
    let prepared = Arc::new(prepared);
    let progress: Arc<Vec<DraftProgress>> = Arc::new((0..settings.drafts).map(|_| DraftProgress::default()).collect());
    for i in 0..settings.clients {
        progress[i % settings.drafts].editing.fetch_add(1, Ordering::Relaxed);
    }

    // Set-up: the first client of every draft first (a plain automerge-repo server learns
    // the document from it), then the rest, a bounded number at a time.
    let connect_started = Instant::now();
    let mut connected: Vec<Option<SyncClient>> = (0..settings.clients).map(|_| None).collect();
    let mut outcomes: Vec<ClientOutcome> =
        (0..settings.clients).map(|i| ClientOutcome { draft: i % settings.drafts, ..ClientOutcome::default() }).collect();
    let firsts: Vec<usize> = (0..settings.drafts).collect();
    let rest: Vec<usize> = (settings.drafts..settings.clients).collect();
    for wave in [firsts, rest] {
        let limit = Arc::new(Semaphore::new(settings.connect_concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for i in wave {
            let (prepared, limit) = (prepared.clone(), limit.clone());
            let doc_id = prepared.docs[i % settings.drafts].clone();
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                (i, connect_client(&prepared, i, &doc_id).await)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((i, Ok(c))) => connected[i] = Some(c),
                Ok((i, Err(e))) => outcomes[i].errors.push(format!("connect: {e:#}")),
                Err(e) => note_on_first(&mut outcomes, format!("a connect task failed: {e}")),
            }
        }
    }
    let connect_time = connect_started.elapsed();

    // The edit phase starts for everybody at once, a moment after set-up.
    let start = Instant::now() + Duration::from_millis(200);
    let end = start + settings.duration;
    let cpu = |pid: Option<u32>| pid.and_then(crate::report::cpu_seconds);
    let (server_cpu_before, own_cpu_before) = (cpu(settings.server_pid), cpu(Some(std::process::id())));
    let mut tasks = JoinSet::new();
    for (i, (c, outcome)) in connected.into_iter().zip(outcomes).enumerate() {
        let plan = Plan {
            index: i,
            nodes: prepared.nodes,
            doc_id: prepared.docs[i % settings.drafts].clone(),
            who: prepared.proposers[i].clone(),
            period: Duration::from_secs_f64(1.0 / settings.rate),
            start,
            end,
            drain_until: end + settings.drain,
        };
        let progress = progress.clone();
        tasks.spawn(async move {
            let mut outcome = outcome;
            match c {
                Some(c) => run_client(c, &plan, &progress[outcome.draft], &mut outcome).await,
                None => {
                    progress[outcome.draft].editing.fetch_sub(1, Ordering::Relaxed);
                }
            }
            (i, outcome)
        });
    }
    let mut done: Vec<Option<ClientOutcome>> = (0..settings.clients).map(|_| None).collect();
    let mut task_failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, o)) => done[i] = Some(o),
            Err(e) => task_failures.push(format!("a client task failed: {e}")),
        }
    }
    let used = |before: Option<f64>, after: Option<f64>| Some(after? - before?);
    let server_cpu_s = used(server_cpu_before, cpu(settings.server_pid));
    let harness_cpu_s = used(own_cpu_before, cpu(Some(std::process::id())));
    let mut clients: Vec<ClientOutcome> = done.into_iter().map(Option::unwrap_or_default).collect();
    if let Some(first) = clients.first_mut() {
        first.errors.extend(task_failures);
    }
    Outcome { clients, edit_phase: end.saturating_duration_since(start), connect_time, server_cpu_s, harness_cpu_s }
}

fn note_on_first(outcomes: &mut [ClientOutcome], note: String) {
    if let Some(first) = outcomes.first_mut() {
        first.errors.push(note);
    }
}

async fn connect_client(prepared: &Prepared, i: usize, doc_id: &str) -> Result<SyncClient> {
    let url = prepared.url_for(i).await?;
    let mut c = client::connect(&url, &format!("load-{i}-{:08x}", rand::random::<u32>())).await?;
    match prepared.initial_doc()? {
        Some(doc) => {
            c.resume(doc_id, doc).await?;
            c.wait_synced(doc_id).await?;
        }
        None => c.open(doc_id).await?,
    }
    c.track_applied = true;
    c.applied.clear();
    Ok(c)
}

struct Plan {
    index: usize,
    /// Servers the clients are spread over; client `i` is on server `i mod nodes`.
    nodes: usize,
    doc_id: String,
    who: Proposer,
    period: Duration,
    start: Instant,
    end: Instant,
    drain_until: Instant,
}

async fn run_client(mut c: SyncClient, plan: &Plan, progress: &DraftProgress, out: &mut ClientOutcome) {
    let result = edit_phase(&mut c, plan, progress, out).await;
    progress.editing.fetch_sub(1, Ordering::AcqRel);
    if let Err(e) = result {
        out.errors.push(format!("client {}: {e:#}", plan.index));
        return;
    }
    if let Err(e) = drain(&mut c, plan, progress, out).await {
        out.errors.push(format!("client {} while draining: {e:#}", plan.index));
    }
}

async fn edit_phase(c: &mut SyncClient, plan: &Plan, progress: &DraftProgress, out: &mut ClientOutcome) -> Result<()> {
    // Spread clients over the period so edits do not arrive in lockstep.
    let phase = plan.period.mul_f64(rand::random::<f64>());
    let mut next = plan.start + phase;
    while next < plan.end {
        pump(c, next, plan, out).await?;
        let seq = out.sent;
        let sent_us = micros(plan.start.elapsed());
        let token = format!("pluma-load {} {seq} {sent_us}", plan.index);
        let text = format!(" [{}.{seq}]", plan.index);
        let paragraph = (plan.index + usize::try_from(seq).unwrap_or(0)) % PARAGRAPHS;
        let lang = if seq.is_multiple_of(2) { "en" } else { "es" };
        c.change(&plan.doc_id, |doc| {
            edits::append(doc, &plan.who, paragraph, lang, &text)?;
            doc.commit_with(CommitOptions::default().with_message(token));
            Ok(())
        })
        .await?;
        out.sent += 1;
        progress.sent.fetch_add(1, Ordering::AcqRel);
        next += plan.period;
        // A client that fell behind skips ahead rather than bursting to catch up.
        let now = Instant::now();
        if next < now {
            next = now;
        }
    }
    Ok(())
}

async fn drain(c: &mut SyncClient, plan: &Plan, progress: &DraftProgress, out: &mut ClientOutcome) -> Result<()> {
    loop {
        let complete = progress.editing.load(Ordering::Acquire) == 0
            && out.seen.len() as u64 >= progress.sent.load(Ordering::Acquire).saturating_sub(out.sent)
            && server_has_ours(c, &plan.doc_id);
        let now = Instant::now();
        if complete || now >= plan.drain_until {
            return Ok(());
        }
        pump(c, (now + DRAIN_STEP).min(plan.drain_until), plan, out).await?;
    }
}

/// Whether the server last advertised exactly this client's heads, so it holds all of this
/// client's edits. A client must not hang up before: automerge's sync protocol leaves a
/// change out of a message when the server's bloom filter wrongly claims to have it (about
/// 1 time in 100) and sends it only when the server asks for it by hash, in its answer.
fn server_has_ours(c: &mut SyncClient, doc_id: &str) -> bool {
    let Some(d) = c.docs.get_mut(doc_id) else { return true };
    let ours: HashSet<ChangeHash> = d.doc.get_heads().into_iter().collect();
    d.state.their_heads.as_ref().is_some_and(|theirs| theirs.iter().copied().collect::<HashSet<_>>() == ours)
}

/// Handles what the server sends until `until`, then records the edits that arrived.
async fn pump(c: &mut SyncClient, until: Instant, plan: &Plan, out: &mut ClientOutcome) -> Result<()> {
    c.pump_for(until.saturating_duration_since(Instant::now())).await?;
    for applied in c.applied.drain(..) {
        let Some((sender, seq, sent_us)) = applied.message.as_deref().and_then(parse_token) else { continue };
        if sender == plan.index || applied.doc_id != plan.doc_id {
            continue;
        }
        if out.seen.insert((sender, seq)) {
            let at = micros(applied.at.saturating_duration_since(plan.start));
            let latency = u32::try_from(at.saturating_sub(sent_us)).unwrap_or(u32::MAX);
            out.latencies_us.push(latency);
            if plan.nodes > 1 && sender % plan.nodes != plan.index % plan.nodes {
                out.cross_node_us.push(latency);
            }
        }
    }
    for event in c.events.drain(..) {
        match event {
            Event::Closed => bail!("the server closed the connection"),
            Event::Error(e) => out.errors.push(format!("client {}: server error: {e}", plan.index)),
            Event::Unavailable(d) => bail!("document {d} unavailable"),
            Event::Ephemeral(_) => {}
        }
    }
    Ok(())
}

/// `pluma-load <client> <seq> <µs>` → its parts.
fn parse_token(message: &str) -> Option<(usize, u64, u64)> {
    let mut parts = message.strip_prefix("pluma-load ")?.split(' ');
    let sender = parts.next()?.parse().ok()?;
    let seq = parts.next()?.parse().ok()?;
    let sent = parts.next()?.parse().ok()?;
    Some((sender, seq, sent))
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens round-trip; anything else (a change made by someone else) is ignored.
    #[test]
    fn parses_tokens() {
        assert_eq!(parse_token("pluma-load 12 345 6789"), Some((12, 345, 6789)));
        assert_eq!(parse_token("pluma-load 12 x 6789"), None);
        assert_eq!(parse_token("accepted proposals"), None);
    }

    /// A client's last edit whose hash the server's bloom filter wrongly claims is left out
    /// of the client's sync message; the server asks for it, and the client must still be
    /// there to send it. The draining client stops only once the server has it, so the
    /// edit reaches the other client of the draft (the false positive is found by trying
    /// edits against the filter, so this is deterministic).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_last_client_drains_until_the_server_has_its_edit() {
        use pluma_server::model::Role;
        use pluma_tests::api::small_zero_draft;
        use pluma_tests::db::TestDb;
        use pluma_tests::server::TestServer;

        for db in TestDb::each().await {
            let server = TestServer::start(&db.url).await;
            let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
            let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
            let doc_id = draft["doc_id"].as_str().unwrap().to_owned();
            let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
            let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
            let mut a = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
            a.open(&doc_id).await.unwrap();
            let mut b = client::connect(&server.sync_url(&ar).await, "peer-ar").await.unwrap();
            b.open(&doc_id).await.unwrap();

            // B edits, and stays until the server has the edit (the server's filter may
            // wrongly claim B's edit too, and then asks B for it); the server forwards the
            // edit to A with a bloom filter that holds it.
            let b_heads = b.change(&doc_id, |doc| edits::append(doc, &Proposer::of(&ar), 0, "en", " ar")).await.unwrap();
            b.wait_synced(&doc_id).await.unwrap();
            a.pump_until(|c| b_heads.iter().all(|h| c.docs[&doc_id].doc.clone().get_change_by_hash(h).is_some())).await.unwrap();
            a.pump_for(Duration::from_millis(300)).await.unwrap();

            // A's edit, chosen so that this filter wrongly claims it.
            let who = Proposer::of(&mx);
            let entry = a.docs.get_mut(&doc_id).unwrap();
            let bloom = &entry.state.their_have.as_ref().and_then(|h| h.first()).expect("the server sent a bloom filter").bloom;
            let claimed = (0..20_000)
                .find_map(|i| {
                    let mut copy = entry.doc.clone();
                    edits::append(&mut copy, &who, 1, "en", &format!(" [{i}]")).unwrap();
                    copy.commit_with(CommitOptions::default().with_message(format!("pluma-load 0 0 {i}")));
                    copy.get_last_local_change().filter(|c| bloom.contains_hash(&c.hash()))
                })
                .expect("a false positive of the bloom filter");
            entry.doc.apply_changes([claimed.clone()]).unwrap();
            a.flush(&doc_id).await.unwrap();
            assert!(!a.docs[&doc_id].state.sent_hashes.contains(&claimed.hash()), "automerge left the edit out");

            // A is the last client of its draft to stop editing and has seen every other edit.
            let progress = DraftProgress::default();
            progress.sent.store(1, Ordering::Release);
            let mut out = ClientOutcome { sent: 1, ..ClientOutcome::default() };
            let now = Instant::now();
            let plan = Plan {
                index: 0,
                nodes: 1,
                doc_id: doc_id.clone(),
                who,
                period: Duration::from_secs(1),
                start: now,
                end: now,
                drain_until: now + Duration::from_secs(10),
            };
            drain(&mut a, &plan, &progress, &mut out).await.unwrap();
            drop(a);

            let deadline = Instant::now() + Duration::from_secs(5);
            while b.docs[&doc_id].doc.clone().get_change_by_hash(&claimed.hash()).is_none() && Instant::now() < deadline {
                b.pump_for(Duration::from_millis(100)).await.unwrap();
            }
            assert!(
                b.docs[&doc_id].doc.clone().get_change_by_hash(&claimed.hash()).is_some(),
                "{}: the other client never got the edit",
                db.backend
            );
            server.stop().await;
        }
    }
}
