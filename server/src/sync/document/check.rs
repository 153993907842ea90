//! Steps 1–2 for a batch: every message and submission that carries changes is decoded
//! and validated against the document plus the changes accepted before it in the batch.
//! The steps themselves are pure ([`crate::sync::incoming`]); here the task reads the actor
//! bindings they need and records refusals for the audit log.
//!
//! Changes are checked on the document itself, not on a copy: copying it cost as much as
//! its history (the change graph is most of a copy), on every batch. Nobody sees the
//! document between the check and the commit (the task handles nothing else meanwhile), and
//! nothing is advertised before the commit. When the document took changes that are then
//! refused, or that fail to commit, it is put back from the database ([`DocumentTask::restore`]):
//! a cost paid on refusals, which end the sender's connection, not on every edit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use automerge::{ActorId, Change};

use super::{Accepted, DocumentTask, LocalRefusal, NOT_STORED, Origin, load};
use crate::store::{AuditAction, AuditEntry};
use crate::sync::changes::unknown_to;
use crate::sync::incoming::{self, Checked, Decoded, Refusal, Rules, WORKFLOW_LOCK};
use crate::sync::{ConnId, DocCommand, PeerLink, SubmitError};
use crate::validate::Principal;

/// What one batch's steps 1–2 decided.
#[derive(Default)]
pub(super) struct Round {
    /// Peers refused, with what they are told.
    pub rejected: HashMap<ConnId, (PeerLink, String)>,
    /// Submissions refused.
    pub refused_locally: Vec<LocalRefusal>,
    /// Changes that passed, in the order they were checked; the document holds them.
    pub accepted: Vec<Accepted>,
    /// Refusals to record in the audit log.
    pub violations: Vec<AuditEntry>,
}

/// Why changes did not pass.
enum Stop {
    /// The text is locked or frozen, or its workflow state unknown.
    Locked(String),
    /// A rule is broken, or they cannot be checked.
    Refused(String),
}

impl Stop {
    fn reason(self) -> String {
        match self {
            Stop::Locked(reason) | Stop::Refused(reason) => reason,
        }
    }
}

impl DocumentTask {
    /// Steps 1–2 for the peers' messages, in arrival order.
    pub(super) async fn check_messages(&mut self, batch: &[DocCommand], round: &mut Round) {
        let max_waiting = self.hub.shared().limits.max_frame_bytes;
        for cmd in batch {
            let DocCommand::Sync { peer, message, .. } = cmd else { continue };
            if message.changes.is_empty() || self.banned.contains(&peer.conn) || round.rejected.contains_key(&peer.conn) {
                continue;
            }
            // This peer's waiting changes go with the new ones; only those whose
            // dependencies are all here are checked now.
            let earlier = self.waiting.remove(&peer.conn).unwrap_or_default();
            let new = match incoming::decode(&self.doc, earlier, message, max_waiting) {
                Ok(Decoded { ready, waiting }) => {
                    if !waiting.is_empty() {
                        self.waiting.insert(peer.conn, waiting);
                    }
                    ready
                }
                Err(e) => {
                    round.rejected.insert(peer.conn, (peer.clone(), e.reason(&self.doc_id)));
                    continue;
                }
            };
            if new.is_empty() {
                continue;
            }
            match self.check(&peer.principal, new, round).await {
                Ok((changes, Checked { bind, summary })) => round.accepted.push(Accepted {
                    origin: Origin::Peer(peer.clone()),
                    who: peer.principal.clone(),
                    changes,
                    bind,
                    summary,
                    action: AuditAction::ChangesAccepted,
                    note: None,
                }),
                Err(stop) => {
                    round.rejected.insert(peer.conn, (peer.clone(), stop.reason()));
                }
            }
        }
    }

    /// Steps 1–2 for API submissions, after the peers' messages of the batch.
    pub(super) async fn check_submits(&mut self, submits: Vec<DocCommand>, round: &mut Round) {
        for cmd in submits {
            let DocCommand::Submit { who, changes, action, note, reply } = cmd else { continue };
            let new = unknown_to(&self.doc, changes);
            match self.check(&who, new, round).await {
                Ok((changes, Checked { bind, summary })) => {
                    round.accepted.push(Accepted { origin: Origin::Local(reply), who, changes, bind, summary, action, note });
                }
                Err(Stop::Locked(reason)) => round.refused_locally.push((reply, SubmitError::Locked(reason))),
                Err(Stop::Refused(reason)) => round.refused_locally.push((reply, SubmitError::Refused(reason))),
            }
        }
    }

    /// Validates new changes from `who`: the workflow's gate, then (with the actor
    /// bindings read) the rules on the document. On success the document holds them and
    /// the actors to bind are known to later messages of the batch; on a refusal the
    /// document is put back without them if they reached it.
    async fn check(&mut self, who: &Arc<Principal>, new: Vec<Change>, round: &mut Round) -> Result<(Vec<Change>, Checked), Stop> {
        if self.broken {
            return Err(Stop::Refused(NOT_STORED.to_owned()));
        }
        if let Err(reason) = incoming::gate(self.workflow.as_ref()) {
            tracing::info!(document = %self.doc_id, user = %who.user, %reason, "refused changes to a locked text");
            self.note_violation(who, &mut round.violations, WORKFLOW_LOCK, &reason);
            return Err(Stop::Locked(reason));
        }
        self.learn_owners(&new).await.map_err(Stop::Refused)?;
        let sizes = self.hub.shared().input.sizes();
        let heads = self.doc.get_heads();
        let rules = Rules { doc: &self.doc_id, owners: &self.owners, sizes: &sizes };
        match incoming::validate(&mut self.doc, &new, who, rules) {
            Ok(checked) => {
                // Later messages of this batch see these bindings; undone if the commit fails.
                for actor in &checked.bind {
                    self.owners.insert(actor.clone(), who.as_owner());
                }
                Ok((new, checked))
            }
            Err(refusal) => {
                if self.doc.get_heads() != heads {
                    let accepted: Vec<&[Change]> = round.accepted.iter().map(|a| a.changes.as_slice()).collect();
                    self.restore(&accepted).await;
                }
                if let Refusal::Broken { rule, reason } = &refusal {
                    tracing::info!(document = %self.doc_id, user = %who.user, %reason, "refused changes");
                    self.note_violation(who, &mut round.violations, rule, reason);
                }
                Err(Stop::Refused(refusal.reason().to_owned()))
            }
        }
    }

    /// Records a refused change for the audit log.
    pub(super) fn note_violation(&self, who: &Principal, violations: &mut Vec<AuditEntry>, rule: &str, detail: &str) {
        violations.push(AuditEntry {
            user: Some(who.user.clone()),
            country: who.country.clone(),
            draft: Some(self.draft_id.clone()),
            action: AuditAction::ViolationRefused,
            detail: serde_json::json!({ "rule": rule, "detail": detail }),
        });
    }

    /// Makes sure `owners` holds the binding of every bound actor of `changes`.
    async fn learn_owners(&mut self, changes: &[Change]) -> Result<(), String> {
        let unknown: Vec<String> = changes
            .iter()
            .map(Change::actor_id)
            .filter(|a| !self.owners.contains_key(*a))
            .map(ActorId::to_hex_string)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let found = self.hub.shared().store.actor_owners(&unknown).await.map_err(|error| {
            tracing::error!(document = %self.doc_id, %error, "could not read actor bindings");
            "the server could not check your changes; reconnect and try again".to_owned()
        })?;
        for (hex, owner) in found {
            if let Ok(actor) = ActorId::try_from(hex.as_str()) {
                self.owners.insert(actor, owner);
            }
        }
        Ok(())
    }

    /// Puts the document back to what the database holds plus `keep` (changes of this
    /// batch that passed and are not stored yet), after it took changes that were refused
    /// or not committed. If the database cannot be read the document cannot be trusted any
    /// more: the task is `broken`, refuses every change, and ends after this batch.
    pub(super) async fn restore(&mut self, keep: &[&[Change]]) {
        let store = self.hub.shared().store.clone();
        match load::load_log(&store, &self.doc_id).await {
            Ok((mut doc, logged, snapshot_id)) => {
                for changes in keep {
                    if let Err(error) = pluma_core::rules::apply_untrusted(&mut doc, changes) {
                        tracing::error!(document = %self.doc_id, %error, "checked changes no longer apply");
                        self.broken = true;
                        return;
                    }
                }
                self.doc = doc;
                self.logged = logged;
                self.snapshot_id = snapshot_id;
            }
            Err(error) => {
                tracing::error!(document = %self.doc_id, %error, "could not put the document back after refused changes; unloading it");
                self.broken = true;
            }
        }
    }
}
