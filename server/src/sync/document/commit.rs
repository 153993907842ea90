//! Step 3 of the incoming-change path: the accepted changes go to the group-commit writer,
//! with their audit entries, and the task waits for the transaction. The document took the
//! changes when they were checked; if some did not commit it is put back from the database
//! with those that did.

use std::collections::HashMap;

use automerge::{ActorId, Change};
use pluma_core::rules::Summary;
use tokio::sync::oneshot;

use super::check::Round;
use super::{Accepted, DocumentTask, LocalRefusal, Origin, workflow};
use crate::store::{AppendRefusal, AppendRequest, AuditEntry, LoggedChange};
use crate::sync::{ConnId, PeerLink, SubmitError};
use crate::time::now_ms;
use crate::validate;

/// Local submissions that were stored, with the answer each will get once applied.
pub(super) type Stored = Vec<(oneshot::Sender<Result<Summary, SubmitError>>, Summary)>;

impl DocumentTask {
    /// Stores the round's accepted changes (the document holds exactly those that were
    /// committed afterwards); answers the submissions, records the refusals in the audit
    /// log, and returns the peers to refuse.
    pub(super) async fn commit_round(&mut self, round: Round) -> HashMap<ConnId, (PeerLink, String)> {
        let Round { mut rejected, mut refused_locally, accepted, violations } = round;
        let mut answers: Stored = Vec::new();
        if !accepted.is_empty() {
            let authors = workflow::authors(&accepted);
            let tried = accepted.len();
            let (committed, stored) = self.persist(accepted, &mut rejected, &mut refused_locally).await;
            answers = stored;
            if committed.len() < tried {
                let keep: Vec<&[Change]> = committed.iter().map(Vec::as_slice).collect();
                self.restore(&keep).await;
            }
            if !committed.is_empty() && !self.broken {
                self.void_stale_approvals(&authors).await;
            }
        }
        for (reply, summary) in answers {
            let _ = reply.send(Ok(summary));
        }
        for (reply, error) in refused_locally {
            let _ = reply.send(Err(error));
        }
        if !violations.is_empty() {
            let shared = self.hub.shared().clone();
            if let Err(error) = shared.store.append_audit(&violations, now_ms()).await {
                tracing::error!(document = %self.doc_id, %error, "could not write refused changes to the audit log");
            }
        }
        rejected
    }

    /// Persists the accepted changes; returns the changes of those committed, and the local
    /// submissions among them. Refused or failed ones go to `rejected` (peers) or
    /// `refused_locally`, and their provisional bindings are forgotten.
    async fn persist(
        &mut self,
        accepted: Vec<Accepted>,
        rejected: &mut HashMap<ConnId, (PeerLink, String)>,
        refused_locally: &mut Vec<LocalRefusal>,
    ) -> (Vec<Vec<Change>>, Stored) {
        let requests: Vec<AppendRequest> = accepted.iter().map(|a| self.request(a)).collect();
        let outcomes = self.hub.shared().persister.append(requests).await;
        let mut committed = Vec::new();
        let mut stored = Vec::new();
        match outcomes {
            Ok(outcomes) => {
                for (a, outcome) in accepted.into_iter().zip(outcomes) {
                    match outcome {
                        Ok(seqs) => {
                            self.logged.extend(seqs);
                            committed.push(a.changes);
                            if let Origin::Local(reply) = a.origin {
                                stored.push((reply, a.summary));
                            }
                        }
                        Err(AppendRefusal::Locked) => {
                            // Another process locked the text: read the workflow state again
                            // (the next batch does), which names the reason precisely.
                            self.forget_bindings(&a.bind);
                            self.workflow = None;
                            let reason = AppendRefusal::Locked.to_string();
                            match a.origin {
                                Origin::Peer(link) => {
                                    rejected.insert(link.conn, (link, reason));
                                }
                                Origin::Local(reply) => refused_locally.push((reply, SubmitError::Locked(reason))),
                            }
                        }
                        Err(AppendRefusal::SessionEnded) => {
                            self.forget_bindings(&a.bind);
                            let reason = super::super::session_watch::SESSION_ENDED.to_owned();
                            refuse(a.origin, reason, rejected, refused_locally);
                        }
                        Err(refusal) => {
                            self.forget_bindings(&a.bind);
                            let reason = format!("rule {} broken: {refusal}", validate::ACTOR_BINDING);
                            refuse(a.origin, reason, rejected, refused_locally);
                        }
                    }
                }
            }
            Err(error) => {
                tracing::error!(document = %self.doc_id, %error, "changes refused: the commit failed");
                for a in accepted {
                    self.forget_bindings(&a.bind);
                    match a.origin {
                        Origin::Peer(link) => {
                            rejected.insert(link.conn, (link, super::NOT_STORED.to_owned()));
                        }
                        Origin::Local(reply) => refused_locally.push((reply, SubmitError::NotStored)),
                    }
                }
            }
        }
        (committed, stored)
    }

    /// The append request of accepted changes: bindings, change bytes, and the audit entry
    /// that records them (hashes and a summary), all stored in one transaction.
    fn request(&self, a: &Accepted) -> AppendRequest {
        let hashes: Vec<String> = a.changes.iter().map(|c| c.hash().to_string()).collect();
        AppendRequest {
            doc_id: self.doc_id.clone(),
            bind: a.bind.iter().map(|actor| (actor.to_hex_string(), a.who.as_owner())).collect(),
            changes: a
                .changes
                .iter()
                .map(|c| LoggedChange { hash: c.hash().0, actor: c.actor_id().to_hex_string(), bytes: c.raw_bytes().to_vec() })
                .collect(),
            audit: vec![AuditEntry {
                user: Some(a.who.user.clone()),
                country: a.who.country.clone(),
                draft: Some(self.draft_id.clone()),
                action: a.action,
                detail: match &a.note {
                    Some(note) => serde_json::json!({ "hashes": hashes, "events": a.summary.events, "note": note }),
                    None => serde_json::json!({ "hashes": hashes, "events": a.summary.events }),
                },
            }],
            session: match &a.origin {
                Origin::Peer(link) => Some(link.session),
                Origin::Local(_) => None,
            },
        }
    }

    pub(super) fn forget_bindings(&mut self, actors: &[ActorId]) {
        for actor in actors {
            self.owners.remove(actor);
        }
    }
}

fn refuse(origin: Origin, reason: String, rejected: &mut HashMap<ConnId, (PeerLink, String)>, refused_locally: &mut Vec<LocalRefusal>) {
    match origin {
        Origin::Peer(link) => {
            rejected.insert(link.conn, (link, reason));
        }
        Origin::Local(reply) => refused_locally.push((reply, SubmitError::Refused(reason))),
    }
}
