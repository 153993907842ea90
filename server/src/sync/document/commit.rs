//! Step 3 of the incoming-change path: the accepted changes go to the group-commit writer,
//! and the task waits for the transaction.

use std::collections::HashMap;

use automerge::{ActorId, Change};

use super::{Accepted, DocumentTask};
use crate::store::{AppendRequest, LoggedChange};
use crate::sync::{ConnId, PeerLink};
use crate::validate;

impl DocumentTask {
    /// Persists the accepted messages; returns the changes of those committed. Refused or
    /// failed ones go to `rejected`, and their provisional bindings are forgotten.
    pub(super) async fn persist(&mut self, accepted: Vec<Accepted>, rejected: &mut HashMap<ConnId, (PeerLink, String)>) -> Vec<Vec<Change>> {
        let requests: Vec<AppendRequest> = accepted
            .iter()
            .map(|a| AppendRequest {
                doc_id: self.doc_id.clone(),
                bind: a.bind.iter().map(|actor| (actor.to_hex_string(), a.link.principal.as_owner())).collect(),
                changes: a
                    .changes
                    .iter()
                    .map(|c| LoggedChange {
                        hash: c.hash().0,
                        actor: c.actor_id().to_hex_string(),
                        bytes: c.raw_bytes().to_vec(),
                    })
                    .collect(),
            })
            .collect();
        let outcomes = self.hub.shared().persister.append(requests).await;
        let mut committed = Vec::new();
        match outcomes {
            Ok(outcomes) => {
                for (a, outcome) in accepted.into_iter().zip(outcomes) {
                    match outcome {
                        Ok(seqs) => {
                            self.logged.extend(seqs);
                            committed.push(a.changes);
                        }
                        Err(refusal) => {
                            self.forget_bindings(&a.bind);
                            let reason = format!("rule {} broken: {refusal}", validate::ACTOR_BINDING);
                            rejected.insert(a.conn, (a.link, reason));
                        }
                    }
                }
            }
            Err(error) => {
                tracing::error!(document = %self.doc_id, %error, "changes refused: the commit failed");
                for a in accepted {
                    self.forget_bindings(&a.bind);
                    let reason = "the server could not store your changes; they were not applied. Reconnect and try again".to_owned();
                    rejected.insert(a.conn, (a.link, reason));
                }
            }
        }
        committed
    }

    pub(super) fn forget_bindings(&mut self, actors: &[ActorId]) {
        for actor in actors {
            self.owners.remove(actor);
        }
    }
}
