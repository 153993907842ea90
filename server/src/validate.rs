//! The rules every incoming change must pass before anything of it is stored or applied.
//!
//! [`check_changes`] runs in the document task on each sync message's new changes, against
//! the document as it stands before them. For now it enforces **actor binding**: an
//! automerge actor id belongs to the person whose change first carried it. The permission
//! rules of ARCHITECTURE §1 and §3 join here later, with the same signature.

use std::collections::HashMap;

use automerge::AutoCommit;
use automerge::{ActorId, Change};
use pluma_core::{Country, UserId};

use crate::model::{ActorOwner, Role, User};

/// Who is sending changes: the user bound to the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The person.
    pub user: UserId,
    /// Their role.
    pub role: Role,
    /// Their delegation (none for an admin).
    pub country: Option<Country>,
}

impl From<&User> for Principal {
    fn from(u: &User) -> Self {
        Principal { user: u.id.clone(), role: u.role, country: u.country.clone() }
    }
}

impl Principal {
    /// The person as the permission rules see them.
    pub fn who(&self) -> pluma_core::rules::Who {
        pluma_core::rules::Who { user: self.user.clone(), role: self.role, country: self.country.clone() }
    }

    /// The binding this principal gives an actor id.
    pub fn as_owner(&self) -> ActorOwner {
        ActorOwner { user: self.user.clone(), country: self.country.clone() }
    }
}

/// A broken rule: the whole sync message is refused and the peer disconnected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule} broken: {detail}")]
pub struct Violation {
    /// The rule's stable name (`actor-binding`, ...).
    pub rule: &'static str,
    /// What exactly broke it, for the peer and the log.
    pub detail: String,
}

/// The rule that an actor id belongs to one person.
pub const ACTOR_BINDING: &str = "actor-binding";

/// The known owners of actor ids (from the database and earlier messages of this batch).
pub type ActorOwners = HashMap<ActorId, ActorOwner>;

/// Checks `changes` (new to `before`) from `who`. `owners` must hold the binding of every
/// actor of `changes` that is bound. On success returns the actors to bind to `who` when
/// the changes are stored: those not bound yet.
///
/// Pure: no I/O, does not block.
pub fn check_changes(before: &AutoCommit, changes: &[Change], who: &Principal, owners: &ActorOwners) -> Result<Vec<ActorId>, Violation> {
    let _ = before;
    let mut new_actors: Vec<ActorId> = Vec::new();
    for change in changes {
        let actor = change.actor_id();
        match owners.get(actor) {
            Some(owner) if owner.user == who.user => {}
            Some(_) => {
                return Err(Violation { rule: ACTOR_BINDING, detail: format!("actor {actor} belongs to another user") });
            }
            None if !new_actors.contains(actor) => {
                // An actor is bound by its first change. An unbound actor that already has
                // earlier changes (the server's own, which seeded the draft) can be claimed
                // by nobody.
                let first_here = changes.iter().any(|c| c.actor_id() == actor && c.seq() == 1);
                if !first_here {
                    return Err(Violation {
                        rule: ACTOR_BINDING,
                        detail: format!("actor {actor} has earlier changes by no known user and cannot be claimed"),
                    });
                }
                new_actors.push(actor.clone());
            }
            None => {}
        }
    }
    Ok(new_actors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use pluma_core::{Bilingual, Draft, DraftKind};

    fn draft() -> AutoCommit {
        Draft::new(DraftKind::Communique, Bilingual { en: "T", es: "T" }).unwrap().into_automerge()
    }

    fn who(country: &str) -> Principal {
        Principal { user: UserId::random(), role: Role::Delegate, country: Some(country.parse().unwrap()) }
    }

    fn changes_by(actor: &ActorId, n: usize) -> Vec<Change> {
        let mut doc = AutoCommit::new().with_actor(actor.clone());
        for i in 0..n {
            doc.put(automerge::ROOT, "k", i as i64).unwrap();
            doc.commit();
        }
        doc.get_changes(&[])
    }

    /// A new actor is returned for binding; the same actor from its owner passes; from
    /// someone else it is the `actor-binding` violation.
    #[test]
    fn actors_bind_to_their_first_user() {
        let before = draft();
        let mx = who("MX");
        let ar = who("AR");
        let actor = ActorId::random();
        let changes = changes_by(&actor, 2);
        assert_eq!(check_changes(&before, &changes, &mx, &ActorOwners::new()).unwrap(), vec![actor.clone()]);

        let owners = ActorOwners::from([(actor.clone(), mx.as_owner())]);
        assert_eq!(check_changes(&before, &changes, &mx, &owners).unwrap(), vec![]);
        let err = check_changes(&before, &changes, &ar, &owners).unwrap_err();
        assert_eq!(err.rule, ACTOR_BINDING);
        assert!(err.detail.contains(&actor.to_hex_string()));
    }

    /// An unbound actor whose first change is not among the new ones (the server's seeding
    /// actor) cannot be claimed.
    #[test]
    fn unbound_actors_with_history_cannot_be_claimed() {
        let before = draft();
        let actor = ActorId::random();
        let later = changes_by(&actor, 2).split_off(1);
        let err = check_changes(&before, &later, &who("MX"), &ActorOwners::new()).unwrap_err();
        assert_eq!(err.rule, ACTOR_BINDING);
    }
}
