//! What the permission rules cost per edit, next to what the server does with every edit
//! anyway. Both variants run in the same process on the same kind of edit: a delegate
//! proposing a word in the demo communiqué.
//!
//! - `edit_without_rules`: copy the document, apply the change to the copy (this is where
//!   a malformed change is caught), commit it to the change log (SQLite, durable), apply it
//!   to the document.
//! - `edit_with_rules`: the same plus `pluma_core::rules::check` on the copy.
//!
//! The document stays like a draft under negotiation: every paragraph carries at most
//! [`PENDING_PER_PARAGRAPH`] of the delegate's pending proposals, because after each such
//! round the secretariat rejects them all (untimed). Without that, the bench would measure
//! paragraphs holding hundreds of pending proposals, which no negotiation produces.
//!
//! Goal: the rules add under 25% to the per-edit time. Run with
//! `cargo bench -p pluma-server --bench validation`.

use std::time::{Duration, Instant};

use automerge::{ActorId, AutoCommit, Change};
use criterion::{Criterion, criterion_group};
use pluma_core::rules::{self, Role, Who};
use pluma_core::{Draft, Lang, Selection, Stamp};
use pluma_server::ids::DocumentId;
use pluma_server::model::{ActorOwner, NewUser};
use pluma_server::store::{AppendRequest, LoggedChange, Store};

const COMMUNIQUE: &str = include_str!("../../data/demo/joint-communique.json");

/// The most pending proposals of the delegate per paragraph (see the module docs).
const PENDING_PER_PARAGRAPH: usize = 3;

/// A delegation's browser: makes one proposal per call.
struct Delegate {
    draft: Draft,
    stamp: Stamp,
    n: usize,
}

impl Delegate {
    fn next_change(&mut self) -> Change {
        let order = self.draft.paragraph_ids().expect("order");
        let p = &order[self.n % order.len()];
        let len = self.draft.text_len(p, Lang::En).expect("length");
        let heads = self.draft.heads();
        self.draft.suggest_insert(p, Lang::En, len / 2, " further", &self.stamp).expect("suggest");
        self.draft.commit();
        self.n += 1;
        let mut changes = self.draft.changes_since(&heads);
        assert_eq!(changes.len(), 1);
        changes.remove(0)
    }

    /// After a round of proposals in every paragraph, the change rejecting them all.
    fn end_of_round(&mut self) -> Option<Vec<Change>> {
        let paragraphs = self.draft.paragraph_ids().expect("order").len();
        if !self.n.is_multiple_of(paragraphs * PENDING_PER_PARAGRAPH) {
            return None;
        }
        let heads = self.draft.heads();
        self.draft.reject(&Selection::All).expect("reject");
        self.draft.commit();
        Some(self.draft.changes_since(&heads))
    }
}

/// The server's side of one document.
struct ServerSide {
    rt: tokio::runtime::Runtime,
    store: std::sync::Arc<dyn Store>,
    doc_id: DocumentId,
    doc: AutoCommit,
    who: Who,
    bound: bool,
    /// Time spent in `rules::check` alone.
    rules_time: Duration,
    _dir: tempfile::TempDir,
}

fn setup() -> (ServerSide, Delegate) {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let store = rt.block_on(pluma_server::store::connect(&url)).expect("store");
    let mut draft = Draft::from_zero_draft_json(COMMUNIQUE).expect("demo draft");
    let record = rt.block_on(pluma_server::routes::drafts::create_draft(store.as_ref(), &mut draft, None, None)).expect("draft stored");
    let bytes = draft.save();
    let mut client = Draft::load(&bytes).expect("load");
    client.set_actor(ActorId::random());
    let user = rt
        .block_on(store.create_user(
            &NewUser {
                login: "mx".into(),
                display_name: "Mexico".into(),
                role: pluma_server::model::Role::Delegate,
                country: Some("MX".parse().expect("country")),
                password_hash: "unused".into(),
            },
            0,
        ))
        .expect("user");
    let stamp = Stamp { user: user.id, country: "MX".parse().expect("country"), at: 1 };
    let who = Who { user: stamp.user.clone(), role: Role::Delegate, country: Some(stamp.country.clone()) };
    let server = ServerSide {
        rt,
        store,
        doc_id: record.doc_id,
        doc: AutoCommit::load(&bytes).expect("load"),
        who,
        bound: false,
        rules_time: Duration::ZERO,
        _dir: dir,
    };
    (server, Delegate { draft: client, stamp, n: 0 })
}

impl ServerSide {
    /// Everything the server does with one incoming edit; the rules only when asked.
    fn edit(&mut self, change: Change, with_rules: bool) {
        let mut copy = self.doc.clone();
        let heads = copy.get_heads();
        rules::apply_untrusted(&mut copy, std::slice::from_ref(&change)).expect("applies");
        if with_rules {
            let t = Instant::now();
            rules::check(&copy, &heads, std::slice::from_ref(&change), &self.who).expect("allowed");
            self.rules_time += t.elapsed();
        }
        let actor = change.actor_id().to_hex_string();
        let bind = if self.bound {
            vec![]
        } else {
            self.bound = true;
            vec![(actor.clone(), ActorOwner { user: self.who.user.clone(), country: self.who.country.clone() })]
        };
        let request = AppendRequest {
            doc_id: self.doc_id.clone(),
            bind,
            changes: vec![LoggedChange { hash: change.hash().0, actor, bytes: change.raw_bytes().to_vec() }],
            audit: vec![],
            session: None,
        };
        self.rt.block_on(self.store.append_changes(&[request], 0)).expect("stored");
        self.doc.apply_changes([change]).expect("applies");
    }
}

/// Runs `iters` edits; returns their total time and the part spent in the rules alone.
fn timed(with_rules: bool) -> impl FnMut(u64) -> (Duration, Duration) {
    let (mut server, mut delegate) = setup();
    move |iters| {
        let mut total = Duration::ZERO;
        server.rules_time = Duration::ZERO;
        for _ in 0..iters {
            let change = delegate.next_change();
            let t = Instant::now();
            server.edit(change, with_rules);
            total += t.elapsed();
            if let Some(rejection) = delegate.end_of_round() {
                server.doc.apply_changes(rejection).expect("applies");
            }
        }
        (total, server.rules_time)
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("validation");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(8));
    let mut without = timed(false);
    let mut with = timed(true);
    g.bench_function("edit_without_rules", |b| b.iter_custom(|n| without(n).0));
    g.bench_function("edit_with_rules", |b| b.iter_custom(|n| with(n).0));
    g.finish();
}

/// The two variants interleaved, 500 edits each per round, best of four rounds in
/// alternating order.
fn ratio() {
    let edits: u64 = if std::env::args().any(|a| a == "--bench") { 500 } else { 20 };
    let mut without = timed(false);
    let mut with = timed(true);
    let (mut a, mut b, mut r) = (Duration::MAX, Duration::MAX, Duration::MAX);
    // Which variant runs first in a round matters (the second finds the disk and caches as
    // the first left them), so the order alternates: without-with, with-without, ...
    for round in 0..4 {
        let mut run_without = || a = a.min(without(edits).0);
        if round % 2 == 0 {
            run_without();
        }
        let (total, rules) = with(edits);
        b = b.min(total);
        r = r.min(rules);
        if round % 2 == 1 {
            run_without();
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / edits as f64;
    println!(
        "per edit, best of 4 interleaved rounds of {edits} (alternating order): without rules {:.0} µs, with rules {:.0} µs (+{:.1}%); the rules alone {:.0} µs ({:.1}% of the edit without them)",
        per(a),
        per(b),
        (b.as_secs_f64() / a.as_secs_f64() - 1.0) * 100.0,
        per(r),
        r.as_secs_f64() / a.as_secs_f64() * 100.0
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratio();
}
