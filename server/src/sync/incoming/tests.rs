//! The pure steps alone: no runtime, no database.

use automerge::sync::{Message, MessageVersion, State, SyncDoc};
use automerge::{ActorId, AutoCommit, Change};
use pluma_core::{Draft, Lang, Stamp, UserId};

use super::*;
use crate::model::Role;
use crate::store::{AdoptionRecord, WorkflowRecord};

const COMMUNIQUE: &str = include_str!("../../../../data/demo/joint-communique.json");

const SIZES: SizeLimits = SizeLimits { max_text_chars: 20_000, max_proposal_chars: 5_000, max_comment_chars: 5_000, max_title_chars: 300 };

/// The server's document and a delegate's replica of it.
fn setup() -> (AutoCommit, Draft, Principal, Stamp) {
    let mut draft = Draft::from_zero_draft_json(COMMUNIQUE).unwrap();
    let bytes = draft.save();
    let mut client = Draft::load(&bytes).unwrap();
    client.set_actor(ActorId::random());
    let who = Principal { user: UserId::random(), role: Role::Delegate, country: Some("MX".parse().unwrap()) };
    let stamp = Stamp { user: who.user.clone(), country: "MX".parse().unwrap(), at: 1 };
    (AutoCommit::load(&bytes).unwrap(), client, who, stamp)
}

/// The delegate proposes a word in the first paragraph; returns the new changes.
fn propose(client: &mut Draft, stamp: &Stamp) -> Vec<Change> {
    let heads = client.heads();
    let p = client.paragraph_ids().unwrap()[0].clone();
    client.suggest_insert(&p, Lang::En, 0, "further ", stamp).unwrap();
    client.commit();
    client.changes_since(&heads)
}

fn message(heads: Vec<automerge::ChangeHash>, changes: &[Change]) -> Message {
    Message {
        heads,
        need: vec![],
        have: vec![],
        changes: changes.iter().map(|c| c.raw_bytes().to_vec()).collect::<Vec<_>>().into(),
        flags: None,
        version: MessageVersion::V1,
    }
}

fn rules<'a>(doc: &'a DocumentId, owners: &'a ActorOwners) -> Rules<'a> {
    Rules { doc, owners, sizes: &SIZES }
}

/// Changes the document has are dropped, a change whose dependency was not sent waits,
/// and sending the dependency makes both ready, in dependency order.
#[test]
fn decode_keeps_what_is_new_and_holds_what_cannot_apply_yet() {
    let (mut doc, mut client, _, stamp) = setup();
    let first = propose(&mut client, &stamp);
    let second = propose(&mut client, &stamp);
    let known = doc.get_changes(&[]);

    let decoded = decode(&doc, vec![], &message(client.heads(), &[known[0].clone(), second[0].clone()]), 1 << 20).unwrap();
    assert!(decoded.ready.is_empty());
    assert_eq!(decoded.waiting.iter().map(Change::hash).collect::<Vec<_>>(), vec![second[0].hash()]);

    let decoded = decode(&doc, decoded.waiting, &message(client.heads(), &first), 1 << 20).unwrap();
    assert!(decoded.waiting.is_empty());
    assert_eq!(decoded.ready.iter().map(Change::hash).collect::<Vec<_>>(), vec![first[0].hash(), second[0].hash()]);
}

/// A corrupt chunk is refused whole; waiting changes beyond the bound are refused.
#[test]
fn decode_refuses_corrupt_chunks_and_too_much_waiting() {
    let (doc, mut client, _, stamp) = setup();
    propose(&mut client, &stamp);
    let second = propose(&mut client, &stamp);
    let mut corrupt = message(client.heads(), &second);
    corrupt.changes = vec![vec![0u8; 12]].into();
    let err = decode(&doc, vec![], &corrupt, 1 << 20).unwrap_err();
    assert!(matches!(err, DecodeError::Unreadable(_)), "{err}");
    assert!(err.reason(&DocumentId::random()).contains("do not decode"));

    let err = decode(&doc, vec![], &message(client.heads(), &second), 10).unwrap_err();
    assert!(matches!(err, DecodeError::TooManyWaiting), "{err}");
}

/// The gate refuses every change while the workflow state is unknown or the text is
/// adopted, and lets changes through otherwise.
#[test]
fn gate_follows_the_lock() {
    assert!(gate(None).unwrap_err().contains("workflow state"));
    assert_eq!(gate(Some(&Lock::default())), Ok(()));
    let adopted = WorkflowRecord {
        adoption: Some(AdoptionRecord {
            draft_id: crate::ids::DraftId::random(),
            heads: vec![],
            fingerprint: "f00d".into(),
            version_id: None,
            how: "approvals".into(),
            silence_id: None,
            concordance_override: None,
            settled_override: None,
            adopted_at: 0,
        }),
        ..Default::default()
    };
    assert!(gate(Some(&Lock::from_record(&adopted))).unwrap_err().contains("adopted"));
}

/// A delegate's proposal passes: the copy holds it, the stored document does not, and its
/// new actor is to be bound.
#[test]
fn validate_accepts_a_proposal_on_the_copy_only() {
    let (mut doc, mut client, who, stamp) = setup();
    let new = propose(&mut client, &stamp);
    let mut copy = doc.clone();
    let id = DocumentId::random();
    let owners = ActorOwners::new();
    let checked = validate(&mut copy, &new, &who, rules(&id, &owners)).unwrap();
    assert_eq!(checked.bind, vec![new[0].actor_id().clone()]);
    assert!(copy.get_change_by_hash(&new[0].hash()).is_some());
    assert!(doc.get_change_by_hash(&new[0].hash()).is_none());
}

/// A change by an actor bound to someone else is refused under `actor-binding` before it
/// is applied anywhere; a delegate deleting a paragraph is refused under the core's
/// `paragraph-order` rule, saying who may do it.
#[test]
fn validate_refuses_forged_and_forbidden_changes() {
    let (mut doc, mut client, who, stamp) = setup();
    let new = propose(&mut client, &stamp);
    let id = DocumentId::random();
    let other = Principal { user: UserId::random(), role: Role::Delegate, country: Some("AR".parse().unwrap()) };
    let owners = ActorOwners::from([(new[0].actor_id().clone(), other.as_owner())]);
    let mut copy = doc.clone();
    let refusal = validate(&mut copy, &new, &who, rules(&id, &owners)).unwrap_err();
    assert!(matches!(refusal, Refusal::Broken { rule: validate::ACTOR_BINDING, .. }), "{refusal:?}");
    assert_eq!(copy.get_heads(), doc.get_heads(), "nothing applied");

    let heads = client.heads();
    let p = client.paragraph_ids().unwrap()[0].clone();
    client.delete_paragraph(&p).unwrap();
    client.commit();
    let deletion = client.changes_since(&heads);
    let mut copy = doc.clone();
    let owners = ActorOwners::new();
    let checked = validate(&mut copy, &new, &who, rules(&id, &owners)).unwrap();
    assert_eq!(checked.bind.len(), 1);
    let owners = ActorOwners::from([(new[0].actor_id().clone(), who.as_owner())]);
    let refusal = validate(&mut copy, &deletion, &who, rules(&id, &owners)).unwrap_err();
    let Refusal::Broken { rule, reason } = refusal else { panic!("{refusal:?}") };
    assert_eq!(rule, "paragraph-order");
    assert!(reason.contains("only a chair or the secretariat"), "{reason}");
}

/// A message whose changes are in the document is applied and moves the peer's state as
/// automerge's own function does; one carrying a change the document lacks (not stored)
/// is not applied; a peer's waiting changes never reach the document.
#[test]
fn apply_takes_only_what_is_stored() {
    let (mut doc, mut client, _, stamp) = setup();
    let first = propose(&mut client, &stamp);
    let second = propose(&mut client, &stamp);

    let mut stripped = doc.clone();
    let mut state = State::new();
    let err = apply(&mut doc, &mut state, message(client.heads(), &first), None).unwrap_err();
    assert!(matches!(err, ApplyError::NotStored));
    assert!(doc.get_change_by_hash(&first[0].hash()).is_none());

    doc.apply_changes(first.clone()).unwrap();
    let mut theirs = doc.clone();
    let mut their_state = State::new();
    let msg = message(client.heads(), &first);
    apply(&mut doc, &mut state, msg.clone(), None).unwrap();
    theirs.sync().receive_sync_message(&mut their_state, msg).unwrap();
    assert_eq!(doc.get_heads(), theirs.get_heads());
    assert_eq!(state.shared_heads, their_state.shared_heads);
    assert_eq!(state.their_heads, their_state.their_heads);

    let mut state = State::new();
    apply(&mut stripped, &mut state, message(client.heads(), &second), Some(&second)).unwrap();
    assert!(stripped.get_change_by_hash(&second[0].hash()).is_none());
    assert_eq!(state.their_heads, Some(client.heads()));
}
