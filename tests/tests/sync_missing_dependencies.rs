//! Changes that arrive before their dependencies. In automerge's sync protocol this is
//! normal: a peer leaves out a change that the server's bloom filter wrongly claims to hold
//! (about 1% of the time), sends its descendants, and sends the missing change once the
//! server asks for it. The server must hold such changes (neither storing, applying nor
//! refusing them), then check and store them when their dependencies arrive.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use automerge::{Change, ChangeHash};
use pluma_server::model::Role;
use pluma_server::sync::protocol::Message;
use pluma_tests::client::{self, Event};
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use pluma_tests::server::TestServer;
use serde_bytes::ByteBuf;

/// A sync message carrying exactly these changes, with these heads.
fn sync_message(heads: Vec<ChangeHash>, changes: &[&Change]) -> automerge::sync::Message {
    automerge::sync::Message {
        heads,
        need: vec![],
        have: vec![],
        changes: changes.iter().map(|c| c.raw_bytes().to_vec()).collect::<Vec<_>>().into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
}

/// A delegate's second change is sent alone, then its first: nothing is refused, nothing
/// is stored until the first arrives, then both are stored and reach other clients.
#[tokio::test]
async fn a_change_waits_for_its_dependency_and_both_are_kept() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (_, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let logged = || async { server.state.store.logged_change_count(&doc_id.parse().unwrap()).await.unwrap() };

    let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    c.open(&doc_id).await.unwrap();
    // Made on a fork, so that the test client's own sync does not send them.
    let mut fork = c.docs.get_mut(&doc_id).unwrap().doc.fork();
    let doc = &mut fork;
    let start = doc.get_heads();
    edits::append(doc, &edits::Proposer::of(&mx), 0, "en", " first").unwrap();
    doc.commit();
    edits::append(doc, &edits::Proposer::of(&mx), 0, "en", " second").unwrap();
    doc.commit();
    let heads = doc.get_heads();
    let mine = doc.get_changes(&start);
    assert_eq!(mine.len(), 2);
    let (first, second) = (&mine[0], &mine[1]);

    let server_peer = c.server_peer_id.clone();
    let send = |m: automerge::sync::Message| Message::Sync {
        sender_id: "peer-mx".into(),
        target_id: server_peer.clone(),
        document_id: doc_id.clone(),
        data: ByteBuf::from(m.encode()),
    };
    let alone = send(sync_message(heads.clone(), &[second]));
    c.send(&alone).await.unwrap();
    c.pump_for(Duration::from_millis(500)).await.unwrap();
    assert!(!c.events.iter().any(|e| matches!(e, Event::Error(_) | Event::Closed)), "refused: {:?}", c.events);
    assert_eq!(logged().await, 0, "a change whose dependency is missing must not be stored");

    let missing = send(sync_message(heads.clone(), &[first]));
    c.send(&missing).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while logged().await < 2 {
        assert!(tokio::time::Instant::now() < deadline, "both changes should be stored");
        c.pump_for(Duration::from_millis(100)).await.unwrap();
    }
    assert!(!c.events.iter().any(|e| matches!(e, Event::Error(_) | Event::Closed)), "refused: {:?}", c.events);

    // Another delegation's client gets both.
    let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
    let mut other = client::connect(&server.sync_url(&ar).await, "peer-ar").await.unwrap();
    other.open(&doc_id).await.unwrap();
    let mut seen = other.docs[&doc_id].doc.clone();
    let want = second.hash();
    other.pump_until(|o| o.docs[&doc_id].doc.clone().get_heads().contains(&want)).await.unwrap();
    seen.merge(&mut other.docs.get_mut(&doc_id).unwrap().doc).unwrap();
    assert!(seen.get_change_by_hash(&first.hash()).is_some());
    assert!(seen.get_change_by_hash(&second.hash()).is_some());
}
