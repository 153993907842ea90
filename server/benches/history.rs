//! What checking and forwarding one edit costs the document task as the draft's history
//! grows (cost flat in history, ARCHITECTURE §4). It runs the sync
//! layer's own steps ([`pluma_server::sync::incoming`] and [`pluma_server::sync::peer_state`])
//! as the document task runs them, without the database or the sockets, so that an
//! instruction count (callgrind) shows where the cost grows:
//!
//! - `server_edit`: decode a sync message carrying a delegate's proposal, validate it on the
//!   document (the commit, the database's work, is not measured here), apply the message to
//!   the sender's state, answer the sender, forward to one reader in step;
//! - `server_ack`: the reader's answer, applied to its state, and whether to send it more.
//!
//! The draft first gets `HISTORY` changes of typing (a character typed, then deleted, in
//! each paragraph in turn: the history and the tombstones grow, the text does not), then
//! `EDITS` of a delegate's proposals (rejected round by round) are measured. The first sync
//! with each peer (automerge compares its filter with every change of the draft, and sends
//! the reader the whole draft) is not measured. Run:
//!
//! ```text
//! cargo build -p pluma-server --bench history
//! HISTORY=1000 EDITS=10 HISTORY_CACHE=/tmp valgrind --tool=callgrind --collect-atstart=no \
//!     --toggle-collect='*server_edit*' --toggle-collect='*server_ack*' target/debug/deps/history-*
//! ```
//! and divide the instruction count by `EDITS`. `COPY=1` checks on a copy of the document, as
//! the task did before `e5d8e89`. (The dev profile builds automerge optimised,
//! the project's crates not: compare counts between history sizes, not with release runs.)

use std::time::Instant;

use automerge::sync::{Message, State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Change, ReadDoc};
use pluma_core::bounds::SizeLimits;
use pluma_core::{Draft, Lang, Selection, Stamp, UserId};
use pluma_server::ids::DocumentId;
use pluma_server::model::Role;
use pluma_server::sync::incoming::{self, Rules};
use pluma_server::sync::peer_state::nothing_to_send;
use pluma_server::validate::{ActorOwners, Principal};

const COMMUNIQUE: &str = include_str!("../../data/demo/joint-communique.json");

const SIZES: SizeLimits = SizeLimits { max_text_chars: 20_000, max_proposal_chars: 5_000, max_comment_chars: 5_000, max_title_chars: 300 };

/// Proposals per paragraph before a round's are rejected.
const PENDING_PER_PARAGRAPH: usize = 3;

/// A delegation's browser making one proposal per call, its proposals rejected each round.
struct Writer {
    draft: Draft,
    stamp: Stamp,
    n: usize,
}

impl Writer {
    /// Makes a proposal (and, at the end of a round, the rejection); returns how many
    /// changes that took.
    fn edit(&mut self) -> usize {
        let order = self.draft.paragraph_ids().expect("order");
        let paragraphs = order.len();
        let p = &order[self.n % paragraphs];
        let len = self.draft.text_len(p, Lang::En).expect("length");
        self.draft.suggest_insert(p, Lang::En, len / 2, " further", &self.stamp).expect("suggest");
        self.draft.commit();
        self.n += 1;
        if self.n.is_multiple_of(paragraphs * PENDING_PER_PARAGRAPH) {
            self.draft.reject(&Selection::All).expect("reject");
            self.draft.commit();
            return 2;
        }
        1
    }
}

/// The document task's side: the document, the owners cache, and two peers' states.
struct Server {
    doc: AutoCommit,
    id: DocumentId,
    owners: ActorOwners,
    writer: State,
    reader: State,
    /// Check on a copy of the document, as the task did before `e5d8e89` (`COPY=1`).
    copy_per_batch: bool,
}

/// What the server sends: to the writer, to the reader.
type Sent = (Option<Vec<u8>>, Option<Vec<u8>>);

#[inline(never)]
fn server_edit(server: &mut Server, who: &Principal, bytes: &[u8]) -> Sent {
    edit(server, who, bytes)
}

/// A message from the writer (unmeasured when it is the first sync, in which automerge
/// compares the writer's filter with every change of the draft).
fn edit(server: &mut Server, who: &Principal, bytes: &[u8]) -> Sent {
    let message = Message::decode(bytes).expect("decodes");
    let decoded = incoming::decode(&server.doc, Vec::new(), &message, 1 << 20).expect("decodes");
    if !decoded.ready.is_empty() {
        let rules = Rules { doc: &server.id, owners: &server.owners, sizes: &SIZES };
        let checked = if server.copy_per_batch {
            let mut copy = server.doc.clone();
            let checked = incoming::validate(&mut copy, &decoded.ready, who, rules).expect("allowed");
            server.doc = copy;
            checked
        } else {
            incoming::validate(&mut server.doc, &decoded.ready, who, rules).expect("allowed")
        };
        for actor in checked.bind {
            server.owners.insert(actor, who.as_owner());
        }
    }
    incoming::apply(&mut server.doc, &mut server.writer, message, None).expect("applies");
    let to_writer = server.doc.sync().generate_sync_message(&mut server.writer).map(|m| m.encode());
    (to_writer, forward(server))
}

#[inline(never)]
fn server_ack(server: &mut Server, bytes: &[u8]) -> Option<Vec<u8>> {
    ack(server, bytes)
}

/// The reader's answer (unmeasured when it is the first sync, which sends the whole draft).
fn ack(server: &mut Server, bytes: &[u8]) -> Option<Vec<u8>> {
    let message = Message::decode(bytes).expect("decodes");
    incoming::apply(&mut server.doc, &mut server.reader, message, None).expect("applies");
    forward(server)
}

fn forward(server: &mut Server) -> Option<Vec<u8>> {
    let heads = server.doc.get_heads();
    if nothing_to_send(&mut server.doc, &server.reader, &heads) {
        return None;
    }
    server.doc.sync().generate_sync_message(&mut server.reader).map(|m| m.encode())
}

/// A replica and its state towards the server.
struct Replica {
    doc: AutoCommit,
    state: State,
}

impl Replica {
    fn receive(&mut self, bytes: Option<Vec<u8>>) -> Option<Vec<u8>> {
        let message = Message::decode(&bytes?).expect("decodes");
        self.doc.sync().receive_sync_message(&mut self.state, message).expect("applies");
        self.doc.sync().generate_sync_message(&mut self.state).map(|m| m.encode())
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let history = env("HISTORY", 1000);
    let edits = env("EDITS", 50);
    let mut seed = Draft::from_zero_draft_json(COMMUNIQUE).expect("demo draft");
    let who = Principal { user: UserId::random(), role: Role::Delegate, country: Some("MX".parse().expect("country")) };
    let stamp = Stamp { user: who.user.clone(), country: "MX".parse().expect("country"), at: 1 };
    let t = Instant::now();
    // Building a long history under callgrind is slow: `HISTORY_CACHE` names a file that
    // keeps it between runs.
    let cache = std::env::var("HISTORY_CACHE").ok().map(|dir| std::path::PathBuf::from(dir).join(format!("history-{history}.automerge")));
    let bytes = match cache.as_ref().and_then(|path| std::fs::read(path).ok()) {
        Some(bytes) => bytes,
        None => {
            let bytes = typed_history(&mut seed, history);
            if let Some(path) = &cache {
                std::fs::write(path, &bytes).expect("history cached");
            }
            bytes
        }
    };
    eprintln!("history: {history} changes, {} bytes, built in {:?}", bytes.len(), t.elapsed());

    let mut writer = Writer { draft: Draft::load(&bytes).expect("load"), stamp, n: 0 };
    writer.draft.set_actor(ActorId::random());
    let mut to_server = Replica { doc: AutoCommit::load(&bytes).expect("load"), state: State::new() };
    let mut reader = Replica { doc: AutoCommit::load(&bytes).expect("load"), state: State::new() };
    let mut server = Server {
        doc: AutoCommit::load(&bytes).expect("load"),
        id: DocumentId::random(),
        owners: ActorOwners::new(),
        writer: State::new(),
        reader: State::new(),
        copy_per_batch: env("COPY", 0) == 1,
    };
    // Both peers in step before measuring.
    handshake(&mut server, &mut reader);
    let mut message = to_server.doc.sync().generate_sync_message(&mut to_server.state);
    while let Some(m) = message {
        let (to_writer, _) = edit(&mut server, &who, &m.encode());
        message = to_server.receive(to_writer).map(|b| Message::decode(&b).expect("decodes"));
    }

    let t = Instant::now();
    for _ in 0..edits {
        let heads = writer.draft.heads();
        writer.edit();
        let new: Vec<Change> = writer.draft.changes_since(&heads);
        to_server.doc.apply_changes(new).expect("applies");
        let mut message = to_server.doc.sync().generate_sync_message(&mut to_server.state);
        while let Some(m) = message {
            let (to_writer, to_reader) = server_edit(&mut server, &who, &m.encode());
            message = to_server.receive(to_writer).map(|b| Message::decode(&b).expect("decodes"));
            let mut reply = reader.receive(to_reader);
            while let Some(r) = reply {
                reply = reader.receive(server_ack(&mut server, &r));
            }
        }
    }
    eprintln!("{edits} edits in {:?} (wall time, harness included)", t.elapsed());
    assert_eq!(server.doc.get_heads(), reader.doc.get_heads(), "the reader has every edit");
}

/// The draft after `history` changes of typing in its paragraphs (a character typed, then
/// deleted: the history grows, the text does not), by an actor of the secretariat.
fn typed_history(seed: &mut Draft, history: usize) -> Vec<u8> {
    let ids = seed.paragraph_ids().expect("order");
    let mut doc = AutoCommit::load(&seed.save()).expect("load");
    let paragraphs = match doc.get(automerge::ROOT, "paragraphs").expect("read") {
        Some((_, obj)) => obj,
        None => panic!("the draft has paragraphs"),
    };
    let mut texts = Vec::new();
    for id in &ids {
        let Some((_, p)) = doc.get(&paragraphs, id.as_str()).expect("read") else { panic!("paragraph") };
        let Some((_, t)) = doc.get(&p, "text").expect("read") else { panic!("texts") };
        let Some((_, en)) = doc.get(&t, "en").expect("read") else { panic!("text") };
        texts.push(en);
    }
    let mut made = doc.get_changes(&[]).len();
    let mut i = 0;
    while made < history {
        let text = &texts[i % texts.len()];
        let at = doc.length(text) / 2;
        doc.splice_text(text, at, 0, "x").expect("type");
        doc.commit();
        doc.splice_text(text, at, 1, "").expect("delete");
        doc.commit();
        made += 2;
        i += 1;
    }
    doc.save()
}

fn handshake(server: &mut Server, reader: &mut Replica) {
    let mut reply = reader.doc.sync().generate_sync_message(&mut reader.state).map(|m| m.encode());
    while let Some(r) = reply {
        reply = reader.receive(ack(server, &r));
    }
}
