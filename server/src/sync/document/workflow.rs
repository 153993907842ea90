//! The document task's share of the workflow (ARCHITECTURE §5): the gate every incoming change
//! passes first (an adopted text is locked, a text under silence is frozen), voiding the
//! approvals a committed change makes stale, and holding the document still while a
//! workflow action decides on its heads. The decisions themselves are taken above the
//! sync layer; the task only keeps their cached outcome ([`Lock`]).

use std::time::Duration;

use tokio::sync::oneshot;

use super::{Accepted, DocumentTask};
use crate::store::{AuditAction, AuditEntry};
use crate::sync::Held;
use crate::sync::lock::Lock;
use crate::time::now_ms;

/// The longest a workflow action may hold a document. Its database work takes
/// milliseconds; this only bounds a stuck action.
pub const MAX_HOLD: Duration = Duration::from_secs(10);

/// Who made the accepted changes of a batch, for the reason an approval is voided.
pub(super) fn authors(accepted: &[Accepted]) -> Vec<String> {
    let mut out: Vec<String> =
        accepted.iter().map(|a| a.who.country.as_ref().map_or_else(|| a.who.user.to_string(), ToString::to_string)).collect();
    out.sort();
    out.dedup();
    out
}

impl DocumentTask {
    /// Reads the workflow state from the database; on failure it stays unknown (every
    /// change refused) and is read again with the next batch.
    pub(super) async fn reload_workflow(&mut self) {
        let shared = self.hub.shared().clone();
        match shared.store.workflow(&self.draft_id).await {
            Ok(record) => self.workflow = Some(Lock::from_record(&record)),
            Err(error) => {
                tracing::error!(document = %self.doc_id, %error, "could not read the workflow state; changes are refused until it can be read");
                self.workflow = None;
            }
        }
    }

    /// After a commit: voids the live approvals of other heads, saying who changed the text.
    pub(super) async fn void_stale_approvals(&mut self, authors: &[String]) {
        let heads: Vec<String> = self.doc.get_heads().iter().map(ToString::to_string).collect();
        let Some(lock) = &self.workflow else { return };
        let stale = lock.stale_approvals(&heads);
        if stale.is_empty() {
            return;
        }
        let by = if authors.is_empty() { "another change".to_owned() } else { format!("changes by {}", authors.join(", ")) };
        let now = now_ms();
        let mut voids = Vec::new();
        let mut audit = Vec::new();
        for a in &stale {
            let reason = format!("the text changed after {}'s approval ({} on {})", a.country, by, pluma_core::export::iso8601(now));
            audit.push(AuditEntry {
                user: None,
                country: Some(a.country.clone()),
                draft: Some(self.draft_id.clone()),
                action: AuditAction::ApprovalVoided,
                detail: serde_json::json!({ "approval": a.id, "approved_heads": a.heads, "heads": heads, "reason": reason, "changed_by": authors }),
            });
            voids.push((a.id.clone(), reason));
        }
        let shared = self.hub.shared().clone();
        match shared.store.void_approvals(&voids, &audit, now).await {
            Ok(()) => {
                tracing::info!(document = %self.doc_id, count = voids.len(), "approvals voided by a change");
                if let Some(lock) = &mut self.workflow {
                    lock.forget_approvals(voids.iter().map(|(id, _)| id));
                }
            }
            // They stay live in the database, but adoption compares their heads with the
            // document's, so a stale approval never adopts anything; retried after the
            // next commit.
            Err(error) => tracing::error!(document = %self.doc_id, %error, "could not void stale approvals"),
        }
    }

    /// Hands the document's heads and bytes to a workflow action and waits until it is
    /// done (or [`MAX_HOLD`]), then reloads the workflow state the action changed.
    pub(super) async fn hold(&mut self, reply: oneshot::Sender<Held>) {
        // The action decides on every change committed so far, by any server; if the
        // database cannot say what those are, it does not decide (the reply is dropped, and
        // the request answered 503) rather than on a text that may be stale.
        match self.catch_up().await {
            Some(true) => self.forward(),
            Some(false) => {}
            None => return,
        }
        let (release, released) = oneshot::channel();
        let held = Held { heads: self.doc.get_heads(), bytes: self.doc.save(), _release: release };
        if reply.send(held).is_ok() {
            // The sender is dropped with the `Held`, which ends the wait.
            if tokio::time::timeout(MAX_HOLD, released).await.is_err() {
                tracing::warn!(document = %self.doc_id, "a workflow action held the document too long");
            }
        }
        self.reload_workflow().await;
        // Other servers holding this document cache its workflow state too.
        let shared = self.hub.shared().clone();
        if let Err(error) = shared.store.announce_workflow(&self.doc_id).await {
            tracing::warn!(document = %self.doc_id, %error, "could not tell other servers of a workflow change; they see it when they next read it");
        }
        // An approval recorded for heads that changed just before it was made is stale.
        self.void_stale_approvals(&[]).await;
    }
}
