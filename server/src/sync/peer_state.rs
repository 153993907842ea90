//! Peers' sync states, kept as automerge keeps them but without its walks over history.
//!
//! - [`receive_sync_message`]: automerge 0.12 ends every `receive_sync_message` by removing
//!   from the state's `sent_hashes` the ancestors of the peer's heads, and finds them by
//!   visiting every ancestor, i.e. the whole change graph, on every message. On a draft with
//!   thousands of changes and a hundred peers that walk was most of the server's time (the
//!   sync load's profile in BENCHMARKS.md). Ours updates the state exactly as automerge does,
//!   but learns which sent changes the peer has from its heads themselves, from our heads
//!   when they are equal, and otherwise from the changes after its heads (`get_changes_meta`,
//!   which reads the per-actor clock and costs what came after those heads).
//! - [`nothing_to_send`]: whether `generate_sync_message` would return nothing, read from
//!   the state (generating costs walks over recent history even when it ends with nothing).
//!
//! `tests` below replays random sync sessions through automerge's functions and ours side
//! by side and compares the documents, the states and the messages after every step.

use std::collections::HashSet;

use automerge::sync::{Capability, Message, MessageFlags, State};
use automerge::{AutoCommit, AutomergeError, ChangeHash};

/// Applies `message` from a peer whose sync state is `state` to `doc`, with the same effect
/// on both as `doc.sync().receive_sync_message(state, message)`.
pub fn receive_sync_message(doc: &mut AutoCommit, state: &mut State, message: Message) -> Result<(), AutomergeError> {
    state.in_flight = false;
    let before = doc.get_heads();
    let Message { heads, need, have, changes, flags, .. } = message;

    if let Some(flags) = flags {
        let mut capabilities = vec![Capability::MessageV2];
        if flags.contains(MessageFlags::SUPPORTS_SYNC_RESET) {
            capabilities.push(Capability::SyncReset);
        }
        state.their_capabilities = Some(capabilities);
        if flags.contains(MessageFlags::SYNC_RESET) {
            state.sent_hashes.clear();
        }
        state.peer_read_only = flags.contains(MessageFlags::READ_ONLY);
    }

    let no_changes = changes.is_empty();
    if !no_changes && !state.read_only {
        doc.load_incremental(&changes.iter().flatten().copied().collect::<Vec<u8>>())?;
        let after = doc.get_heads();
        state.shared_heads = advance_heads(&before, &after, &state.shared_heads);
    }

    let known: Vec<ChangeHash> = heads.iter().copied().filter(|h| has_change(doc, h)).collect();
    forget_acknowledged(doc, &known, state);

    if no_changes && heads == before {
        state.last_sent_heads.clone_from(&heads);
    }
    if known.len() == heads.len() {
        state.shared_heads.clone_from(&heads);
        if heads.is_empty() {
            state.last_sent_heads.clear();
            state.sent_hashes.clear();
        }
    } else {
        let mut shared: Vec<ChangeHash> = state.shared_heads.iter().chain(&known).copied().collect();
        shared.sort_unstable();
        shared.dedup();
        state.shared_heads = shared;
    }

    state.their_have = Some(have);
    state.their_heads = Some(heads);
    state.their_need = Some(need);
    Ok(())
}

/// Whether automerge's `generate_sync_message` would return nothing for a peer in `state`
/// while the document's heads are `heads`: answered from the state alone, without the walks
/// over recent history that generating costs even when it ends with nothing. `false` when
/// in doubt (then generating decides).
pub fn nothing_to_send(doc: &mut AutoCommit, state: &State, heads: &[ChangeHash]) -> bool {
    if !state.have_responded || state.last_sent_heads != heads {
        return false;
    }
    // automerge answers a peer whose last sync point it does not know with a reset.
    if let Some(first) = state.their_have.as_ref().and_then(|have| have.first())
        && !first.last_sync.iter().all(|h| has_change(doc, h))
    {
        return false;
    }
    // Already sent these heads and waiting for the answer; or the peer has exactly our
    // heads (so its filter covers every change we could send) and asks for nothing.
    state.in_flight || (state.their_heads.as_deref() == Some(heads) && state.their_need.as_ref().is_none_or(Vec::is_empty))
}

/// Whether the change is in the document (applied, not merely queued for its dependencies).
fn has_change(doc: &mut AutoCommit, hash: &ChangeHash) -> bool {
    doc.get_change_meta_by_hash(hash).is_some()
}

/// The heads both sides share after new changes arrived: our new heads that are new, and
/// the old shared heads that are still heads.
fn advance_heads(before: &[ChangeHash], after: &[ChangeHash], shared: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut heads: Vec<ChangeHash> =
        after.iter().filter(|h| !before.contains(h)).chain(shared.iter().filter(|h| after.contains(h))).copied().collect();
    heads.sort_unstable();
    heads.dedup();
    heads
}

/// Drops from `sent_hashes` the changes the peer has: those its known heads cover.
fn forget_acknowledged(doc: &mut AutoCommit, known_heads: &[ChangeHash], state: &mut State) {
    if state.sent_hashes.is_empty() || known_heads.is_empty() {
        return;
    }
    // Heads cover themselves, and our heads cover every change we have (so every one sent).
    state.sent_hashes.retain(|h| !known_heads.contains(h));
    if state.sent_hashes.is_empty() {
        return;
    }
    if doc.get_heads() == known_heads {
        state.sent_hashes.clear();
        return;
    }
    let not_covered: HashSet<ChangeHash> = doc.get_changes_meta(known_heads).into_iter().map(|c| c.hash).collect();
    state.sent_hashes.retain(|h| not_covered.contains(h));
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use automerge::sync::SyncDoc;
    use automerge::transaction::Transactable;
    use proptest::prelude::*;

    /// One step of a random session between two peers that both edit.
    #[derive(Debug, Clone)]
    enum Step {
        /// Peer 0 or 1 makes a change.
        Edit(usize),
        /// Peer 0 or 1 generates a message; it is delivered at once.
        Send(usize),
        /// Peer 0 or 1 generates a message that is lost (the other side never hears it).
        Lose(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0..2usize).prop_map(Step::Edit),
            6 => (0..2usize).prop_map(Step::Send),
            1 => (0..2usize).prop_map(Step::Lose),
        ]
    }

    /// Peer 1 receives with automerge on one copy of the session and with ours on another;
    /// after every message both copies hold the same document and the same sync state.
    /// Whenever `nothing_to_send` says so, automerge indeed generates nothing; returns how
    /// often it said so.
    fn replay(steps: &[Step]) -> usize {
        let mut base = AutoCommit::new().with_actor(ActorId::from(b"base".as_slice()));
        base.put(automerge::ROOT, "k", 0).unwrap();
        base.commit();
        let mut p0 = base.fork().with_actor(ActorId::from(b"zero".as_slice()));
        let mut s0 = State::new();
        // Peer 1 twice: automerge's receive (a), ours (b); same actor, same edits.
        let mut a = base.fork().with_actor(ActorId::from(b"one".as_slice()));
        let mut b = a.fork().with_actor(ActorId::from(b"one".as_slice()));
        let (mut sa, mut sb) = (State::new(), State::new());
        let mut quiet_seen = 0;
        for (i, step) in steps.iter().enumerate() {
            match step {
                Step::Edit(0) => {
                    p0.put(automerge::ROOT, format!("z{i}"), i as i64).unwrap();
                    p0.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
                }
                Step::Edit(_) => {
                    for d in [&mut a, &mut b] {
                        d.put(automerge::ROOT, format!("o{i}"), i as i64).unwrap();
                        d.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
                    }
                }
                Step::Send(0) | Step::Lose(0) => {
                    let heads = p0.get_heads();
                    let quiet = nothing_to_send(&mut p0, &s0, &heads);
                    let generated = p0.sync().generate_sync_message(&mut s0);
                    assert!(!quiet || generated.is_none(), "told nothing to send, but automerge sent at step {i} of {steps:?}");
                    quiet_seen += usize::from(quiet);
                    let Some(m) = generated else { continue };
                    if matches!(step, Step::Send(_)) {
                        a.sync().receive_sync_message(&mut sa, m.clone()).unwrap();
                        receive_sync_message(&mut b, &mut sb, m).unwrap();
                        assert_eq!(a.get_heads(), b.get_heads());
                        assert_eq!(sa, sb, "after step {i} of {steps:?}");
                    }
                }
                Step::Send(_) | Step::Lose(_) => {
                    let heads = b.get_heads();
                    let quiet = nothing_to_send(&mut b, &sb, &heads);
                    let ma = a.sync().generate_sync_message(&mut sa);
                    let mb = b.sync().generate_sync_message(&mut sb);
                    assert_eq!(ma.as_ref().map(|m| m.clone().encode()), mb.as_ref().map(|m| m.clone().encode()));
                    assert!(!quiet || ma.is_none(), "told nothing to send, but automerge sent at step {i} of {steps:?}");
                    quiet_seen += usize::from(quiet);
                    if let (Some(m), Step::Send(_)) = (ma, step) {
                        p0.sync().receive_sync_message(&mut s0, m).unwrap();
                    }
                }
            }
        }
        quiet_seen
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn same_state_as_automerge(steps in prop::collection::vec(step(), 1..80)) {
            let _ = replay(&steps);
        }
    }

    /// A long session in which both peers keep up: the states stay equal, and a peer that
    /// already sent its heads (or whose heads equal the other's) is known to have nothing
    /// to send without generating.
    #[test]
    fn a_session_that_keeps_up() {
        let steps: Vec<Step> =
            [Step::Edit(1), Step::Edit(1), Step::Send(1), Step::Send(0), Step::Edit(1), Step::Send(1), Step::Send(0)]
                .into_iter()
                .chain((0..20).flat_map(|_| {
                    [Step::Edit(1), Step::Send(1), Step::Send(1), Step::Edit(0), Step::Send(0), Step::Send(1), Step::Send(0)]
                }))
                .collect();
        assert!(replay(&steps) > 20);
    }
}
