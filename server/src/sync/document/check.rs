//! Checking a batch's new changes before they are stored: actor bindings, the permission
//! rules on a copy of the document, and the copy rebuilt when a check fails.

use std::collections::HashSet;
use std::sync::Arc;

use automerge::{ActorId, AutoCommit, Change};
use pluma_core::rules::Summary;

use super::{Accepted, DocumentTask};
use crate::store::{AuditAction, AuditEntry};
use crate::sync::ConnId;
use crate::sync::changes::{parse_changes, unknown_to};
use crate::validate::{self, Principal};

impl DocumentTask {
    /// Validates new changes from `who`: actor bindings, then the permission rules on the
    /// copy with the changes applied. On success the copy holds them and the actors to bind
    /// and a summary are returned; on failure the copy is rebuilt without them.
    pub(super) async fn check(
        &mut self,
        who: &Arc<Principal>,
        new: Vec<Change>,
        next: &mut Option<AutoCommit>,
        accepted: &[Accepted],
        violations: &mut Vec<AuditEntry>,
    ) -> Result<(Vec<Change>, Vec<ActorId>, Summary), String> {
        self.learn_owners(&new).await?;
        let before = next.as_ref().unwrap_or(&self.doc);
        let bind = validate::check_changes(before, &new, who, &self.owners).map_err(|v| {
            self.note_violation(who, violations, v.rule, &v.detail);
            v.to_string()
        })?;
        // A change larger than any allowed edit is refused from its header, before
        // applying it costs memory (nothing was applied to the copy yet).
        let sizes = self.hub.shared().input.sizes();
        pluma_core::bounds::check_before(&new, &sizes).map_err(|v| {
            let message = v.describe(None);
            self.note_violation(who, violations, v.rule.as_str(), &message);
            message
        })?;
        let copy = match next {
            Some(copy) => copy,
            None => next.insert(self.doc.clone()),
        };
        let heads = copy.get_heads();
        let outcome = match pluma_core::rules::apply_untrusted(copy, &new) {
            Err(e) => Err(format!("the changes do not apply to document {}: {e}", self.doc_id)),
            Ok(()) if !copy.get_missing_deps(&[]).is_empty() => {
                Err(format!("the changes depend on changes document {} does not have", self.doc_id))
            }
            Ok(()) => pluma_core::rules::check(copy, &heads, &new, &who.who())
                .and_then(|summary| pluma_core::bounds::check_after(copy, &new, &sizes).map(|()| summary))
                .map_err(|v| {
                    tracing::info!(document = %self.doc_id, user = %who.user, violation = %v, "refused changes");
                    // People read the paragraph as the web client names it: in the text with the
                    // refused change, or in the stored one if the change removed it.
                    let label = v.paragraph.as_ref().and_then(|p| {
                        let label_in = |doc| pluma_core::labels::label_in(doc, p).ok().flatten();
                        label_in(copy).or_else(|| label_in(&self.doc))
                    });
                    let message = v.describe(label.as_ref());
                    self.note_violation(who, violations, v.rule.as_str(), &message);
                    message
                }),
        };
        match outcome {
            Ok(summary) => {
                // Later messages of this batch see these bindings; undone if the commit fails.
                for actor in &bind {
                    self.owners.insert(actor.clone(), who.as_owner());
                }
                Ok((new, bind, summary))
            }
            Err(reason) => {
                // The copy holds refused changes: rebuild it from what was accepted so far.
                *next = self.rebuild(accepted.iter().map(|a| a.changes.as_slice()).collect::<Vec<_>>().as_slice());
                Err(reason)
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

    /// Whether every change the message carries is in the document, or waits for its
    /// dependencies (see [`DocumentTask::waiting`]).
    pub(super) fn all_committed(&self, conn: ConnId, message: &automerge::sync::Message) -> bool {
        let waiting: HashSet<automerge::ChangeHash> = self.waiting.get(&conn).into_iter().flatten().map(Change::hash).collect();
        parse_changes(message).is_ok_and(|all| unknown_to(&self.doc, all).iter().all(|c| waiting.contains(&c.hash())))
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

    /// A copy of the document plus `changes`; `None` (keep the document as is) if even that
    /// fails, which would mean changes that applied once no longer do.
    pub(super) fn rebuild(&self, changes: &[impl AsRef<[Change]>]) -> Option<AutoCommit> {
        let mut copy = self.doc.clone();
        for c in changes {
            if let Err(error) = copy.apply_changes(c.as_ref().to_vec()) {
                tracing::error!(document = %self.doc_id, %error, "rebuilding a checked copy failed");
                return None;
            }
        }
        pluma_core::draft::drop_patch_log(&mut copy);
        Some(copy)
    }
}
