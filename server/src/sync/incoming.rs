//! The pure steps of the incoming-change path (ARCHITECTURE §4): **decode** a sync
//! message's changes, **validate** them against the workflow's lock and the rules, and
//! **apply** a message to the document and its sender's sync state. None of them does I/O
//! or blocks: the document task ([`super::document`]) runs them around the steps that do
//! (reading actor bindings, persisting, forwarding), and the tests below run them alone.

use std::collections::HashSet;

use automerge::sync::{Message, State};
use automerge::{ActorId, AutoCommit, AutomergeError, Change, ChangeHash};
use pluma_core::bounds::SizeLimits;
use pluma_core::rules::Summary;

use super::changes::{ChunkError, parse_changes, split_ready, unknown_to};
use super::lock::Lock;
use super::peer_state::receive_sync_message;
use crate::ids::DocumentId;
use crate::validate::{self, ActorOwners, Principal};

/// The rule name a locked or frozen text is refused under (in the audit log).
pub const WORKFLOW_LOCK: &str = "workflow-lock";

/// A message's changes that the document does not have.
#[derive(Debug, Default)]
pub struct Decoded {
    /// Those whose dependencies are all in the document or among them, in an order they
    /// apply in: to validate now.
    pub ready: Vec<Change>,
    /// Those that wait for dependencies the peer has not sent yet: neither checked, stored
    /// nor applied until those arrive.
    pub waiting: Vec<Change>,
}

/// Why a message's changes are refused before validation.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// A chunk does not decode.
    #[error("carries changes that do not decode: {0}")]
    Unreadable(#[from] ChunkError),
    /// The changes waiting for dependencies would exceed the bound.
    #[error("too many changes depend on changes not sent")]
    TooManyWaiting,
}

impl DecodeError {
    /// What the peer is told.
    pub fn reason(&self, doc: &DocumentId) -> String {
        match self {
            DecodeError::Unreadable(e) => format!("the sync message for document {doc} carries changes that do not decode: {e}"),
            DecodeError::TooManyWaiting => {
                format!("too many of your changes to document {doc} depend on changes you have not sent")
            }
        }
    }
}

/// Step 1: the changes of `message` (with `earlier`, the sender's changes still waiting)
/// that `doc` does not have, split into ready and waiting. A peer cannot make the server
/// hold more than `max_waiting` bytes of waiting changes.
pub fn decode(doc: &AutoCommit, earlier: Vec<Change>, message: &Message, max_waiting: usize) -> Result<Decoded, DecodeError> {
    let all = parse_changes(message)?;
    let (ready, waiting) = split_ready(doc, unknown_to(doc, earlier.into_iter().chain(all).collect()));
    let held: usize = waiting.iter().map(|c| c.raw_bytes().len()).sum();
    if held > max_waiting {
        return Err(DecodeError::TooManyWaiting);
    }
    Ok(Decoded { ready, waiting })
}

/// Step 2, first: the workflow's gate. No change passes while the text is adopted or
/// under a silence procedure, nor while the workflow state is unknown (`None`).
pub fn gate(lock: Option<&Lock>) -> Result<(), String> {
    let refusal = match lock {
        None => Some("the server could not store your changes: it cannot read this draft's workflow state right now; they were not applied. Try again shortly".to_owned()),
        Some(lock) => lock.refusal(),
    };
    refusal.map_or(Ok(()), Err)
}

/// What the rules are checked with, besides the document and the changes.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The document, to name it in refusals.
    pub doc: &'a DocumentId,
    /// Must hold the binding of every bound actor of the changes.
    pub owners: &'a ActorOwners,
    /// The size bounds.
    pub sizes: &'a SizeLimits,
}

/// Changes that passed validation.
#[derive(Debug)]
pub struct Checked {
    /// Actors to bind to the sender when the changes are stored.
    pub bind: Vec<ActorId>,
    /// What the changes do, for the audit log.
    pub summary: Summary,
}

/// Why changes were refused by validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// They break `rule` (recorded in the audit log).
    Broken {
        /// The rule's stable name.
        rule: &'static str,
        /// What the sender is told.
        reason: String,
    },
    /// They do not apply to the document (not a rule: not recorded).
    Unapplicable(String),
}

impl Refusal {
    /// What the sender is told.
    pub fn reason(&self) -> &str {
        match self {
            Refusal::Broken { reason, .. } | Refusal::Unapplicable(reason) => reason,
        }
    }
}

/// Step 2: checks `new` (changes `doc` does not have, every dependency in it) from `who`:
/// actor bindings and sizes from the changes alone, then the permission rules on `doc` with
/// the changes applied (the rules compare it with its state before them, read at the
/// heads it had).
///
/// On success `doc` holds the changes. On a refusal it may hold them too: the caller puts
/// it back (the document task reloads it from the database). Either way nobody sees `doc`
/// before the changes are committed: validation costs no copy of the document.
pub fn validate(doc: &mut AutoCommit, new: &[Change], who: &Principal, rules: Rules<'_>) -> Result<Checked, Refusal> {
    let bind = validate::check_changes(doc, new, who, rules.owners).map_err(|v| Refusal::Broken { rule: v.rule, reason: v.to_string() })?;
    // A change larger than any allowed edit is refused from its header, before applying it
    // costs memory.
    pluma_core::bounds::check_before(new, rules.sizes).map_err(|v| Refusal::Broken { rule: v.rule.as_str(), reason: v.describe(None) })?;
    let heads = doc.get_heads();
    if let Err(e) = pluma_core::rules::apply_untrusted(doc, new) {
        return Err(Refusal::Unapplicable(format!("the changes do not apply to document {}: {e}", rules.doc)));
    }
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err(Refusal::Unapplicable(format!("the changes depend on changes document {} does not have", rules.doc)));
    }
    pluma_core::rules::check(doc, &heads, new, &who.who())
        .and_then(|summary| pluma_core::bounds::check_after(doc, new, rules.sizes).map(|()| summary))
        .map(|summary| Checked { bind, summary })
        .map_err(|v| {
            // People read the paragraph as the web client names it: in the text with the
            // refused change, or in the text before it if the change removed it (a copy at
            // those heads, made only for such a refusal).
            let label = v.paragraph.as_ref().and_then(|p| {
                let label_in = |doc: &AutoCommit| pluma_core::labels::label_in(doc, p).ok().flatten();
                label_in(doc).or_else(|| doc.fork_at(&heads).ok().and_then(|before| label_in(&before)))
            });
            Refusal::Broken { rule: v.rule.as_str(), reason: v.describe(label.as_ref()) }
        })
}

/// Why a message was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// It carries changes that are neither in the document nor waiting: they were not
    /// stored (the commit failed), so they must not be applied.
    #[error("changes not stored")]
    NotStored,
    /// automerge refused it (which checked changes should never make it do).
    #[error(transparent)]
    Automerge(#[from] AutomergeError),
}

/// Step 4: applies a peer's message to `doc` and the peer's sync `state`, once whatever
/// it carries is committed. `waiting`: the peer's changes that wait for dependencies; they
/// must not reach the document (automerge would hold them and apply them, unchecked, once
/// their dependencies arrive), and the message's other changes are in it already.
pub fn apply(doc: &mut AutoCommit, state: &mut State, mut message: Message, waiting: Option<&[Change]>) -> Result<(), ApplyError> {
    if !message.changes.is_empty() {
        let held: HashSet<ChangeHash> = waiting.into_iter().flatten().map(Change::hash).collect();
        let all_in = parse_changes(&message).is_ok_and(|all| unknown_to(doc, all).iter().all(|c| held.contains(&c.hash())));
        if !all_in {
            return Err(ApplyError::NotStored);
        }
        if waiting.is_some() {
            message.changes = Vec::<Vec<u8>>::new().into();
        }
    }
    receive_sync_message(doc, state, message)?;
    Ok(())
}

#[cfg(test)]
mod tests;
