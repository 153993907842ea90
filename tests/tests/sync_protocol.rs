//! The sync server with Rust automerge-repo clients: handshake, documents, convergence,
//! durability order, ephemeral relay.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use pluma_server::model::Role;
use pluma_server::sync::protocol::Message;
use pluma_tests::api::small_zero_draft;
use pluma_tests::client::{self, Event};
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use pluma_tests::server::TestServer;
use serde_bytes::ByteBuf;

/// `join` is answered with `peer` carrying the server's stable storage id, and a request
/// for a document nobody created is `doc-unavailable` without closing the connection.
#[tokio::test]
async fn handshake_and_unknown_documents() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    assert!(c.server_peer_id.starts_with("pluma-server-"));
    assert_eq!(c.storage_id.as_deref(), Some(server.state.store.storage_id().await.unwrap().as_str()));

    let missing = pluma_server::ids::DocumentId::random();
    let err = c.open(missing.as_str()).await.unwrap_err();
    assert!(err.to_string().contains("unavailable"), "{err}");
    assert_eq!(c.events, vec![Event::Unavailable(missing.to_string())]);

    // Still serving this connection: a real document opens.
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
    c.open(draft["doc_id"].as_str().unwrap()).await.unwrap();
    assert!(!server.state.hub.is_loaded(&missing), "no task kept for a missing document");
    server.stop().await;
}

/// Two clients edit the same paragraph concurrently; both converge through the server,
/// and every change is in the change log before anyone else saw it.
#[tokio::test]
async fn two_clients_converge() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let (_, doc_id) = server.chair_and_draft().await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
        let mut a = client::connect(&server.sync_url(&mx).await, "peer-a").await.unwrap();
        let mut b = client::connect(&server.sync_url(&ar).await, "peer-b").await.unwrap();
        a.open(&doc_id).await.unwrap();
        b.open(&doc_id).await.unwrap();

        a.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&mx), 1, "en", " [MX]")).await.unwrap();
        b.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&ar), 1, "en", " [AR]")).await.unwrap();
        a.wait_synced(&doc_id).await.unwrap();
        b.wait_synced(&doc_id).await.unwrap();
        // b converges to both changes (its `wait_synced` may have been satisfied by heads
        // the server advertised after storing b's change and before a's, if the server took
        // b's first), then a to the same heads.
        b.pump_until(|c| c.docs[&doc_id].doc.clone().get_heads().len() == 2).await.unwrap();
        let heads = b.docs[&doc_id].doc.clone().get_heads();
        assert_eq!(heads.len(), 2, "two concurrent changes");
        a.pump_until(|c| c.docs[&doc_id].doc.clone().get_heads() == heads).await.unwrap();

        let ta = edits::text(&a.docs[&doc_id].doc, 1, "en").unwrap();
        let tb = edits::text(&b.docs[&doc_id].doc, 1, "en").unwrap();
        assert_eq!(ta, tb, "{}: converged", db.backend);
        assert!(ta.contains("[MX]") && ta.contains("[AR]"), "{ta}");

        let logged = server.state.store.logged_change_count(&doc_id.parse().unwrap()).await.unwrap();
        assert_eq!(logged, 2, "{}: both changes are in the log", db.backend);
        assert_eq!(server.state.metrics.changes_persisted(), 2);
        server.stop().await;
    }
}

/// Two members of one delegation append at the same point at the same time, round after
/// round. automerge lets either insertion mark's range enclose the other's characters; with
/// one mark name per actor neither loses its proposal, so the server refuses nothing, both
/// converge, and every word is Mexico's proposal, credited to the person who typed it.
#[tokio::test]
async fn one_delegation_appending_at_one_spot_at_once_loses_nothing() {
    use automerge::ReadDoc;
    use pluma_core::Draft;
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (_, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let mx2 = server.user_session("mx2", Role::Delegate, Some("MX")).await;
    let mut a = client::connect(&server.sync_url(&mx).await, "peer-a").await.unwrap();
    let mut b = client::connect(&server.sync_url(&mx2).await, "peer-b").await.unwrap();
    a.open(&doc_id).await.unwrap();
    b.open(&doc_id).await.unwrap();
    let mut enclosed = 0;
    for round in 0..8 {
        // Neither hears of the other's word before sending its own.
        a.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&mx), 1, "en", &format!(" a{round}"))).await.unwrap();
        b.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&mx2), 1, "en", &format!(" b{round}"))).await.unwrap();
        a.wait_synced(&doc_id).await.unwrap();
        b.wait_synced(&doc_id).await.unwrap();
        // The server may have taken either word first: both clients end with both.
        let both = |c: &client::SyncClient| {
            let text = edits::text(&c.docs[&doc_id].doc, 1, "en").unwrap();
            text.contains(&format!(" a{round}")) && text.contains(&format!(" b{round}"))
        };
        b.pump_until(both).await.unwrap();
        a.pump_until(both).await.unwrap();
        assert_eq!(a.docs[&doc_id].doc.clone().get_heads(), b.docs[&doc_id].doc.clone().get_heads(), "round {round}: converged");
        let doc = &a.docs[&doc_id].doc;
        let text: Vec<char> = edits::text(doc, 1, "en").unwrap().chars().collect();
        let obj = edits::paragraph_text(doc, 1, "en").unwrap();
        // One client's mark reaching over the other's word is the case this is about.
        for (client, other) in [(&a, "b"), (&b, "a")] {
            let name = format!("ins:MX:{}", client.docs[&doc_id].doc.get_actor().to_hex_string());
            for m in doc.marks(&obj).unwrap().iter().filter(|m| m.name() == name) {
                let covered: String = text[m.start..m.end].iter().collect();
                if covered.contains(&format!("{other}{round}")) {
                    enclosed += 1;
                }
            }
        }
    }
    assert!(!a.is_closed() && !b.is_closed(), "the server refused neither");
    assert!(enclosed > 0, "no round had one mark enclosing the other's word");

    // The server's copy: sixteen proposals, each word its typist's.
    let stored = server.state.store.load_document(&doc_id.parse().unwrap()).await.unwrap();
    let mut copy = Draft::load(&stored.snapshot.unwrap()).unwrap();
    for (_, bytes) in stored.changes {
        copy.load_incremental(&bytes).unwrap();
    }
    let mut proposals: Vec<(String, String)> =
        copy.view().suggestions().unwrap().into_iter().map(|s| (s.text, s.user.to_string())).collect();
    proposals.sort();
    let mut expected: Vec<(String, String)> = (0..8)
        .flat_map(|r| {
            [
                (format!(" a{r}"), mx.user["id"].as_str().unwrap().to_owned()),
                (format!(" b{r}"), mx2.user["id"].as_str().unwrap().to_owned()),
            ]
        })
        .collect();
    expected.sort();
    assert_eq!(proposals, expected);
    server.stop().await;
}

/// An ephemeral message reaches the document's other peers once, with the original sender,
/// and is never stored.
#[tokio::test]
async fn ephemeral_messages_are_relayed_not_stored() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (chair, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let mut a = client::connect(&server.sync_url(&mx).await, "peer-a").await.unwrap();
    let mut b = client::connect(&server.sync_url(&chair).await, "peer-b").await.unwrap();
    a.open(&doc_id).await.unwrap();
    b.open(&doc_id).await.unwrap();

    let cursor = |count: u64| Message::Ephemeral {
        sender_id: "peer-a".into(),
        target_id: a.server_peer_id.clone(),
        document_id: doc_id.clone(),
        count,
        session_id: "s1".into(),
        data: ByteBuf::from(vec![0xa1, 0x61, 0x78, 0x01]),
    };
    let (first, repeat, second) = (cursor(1), cursor(1), cursor(2));
    a.send(&first).await.unwrap();
    a.send(&repeat).await.unwrap();
    a.send(&second).await.unwrap();
    b.pump_until(|c| c.events.iter().filter(|e| matches!(e, Event::Ephemeral(_))).count() >= 2).await.unwrap();
    let counts: Vec<u64> = b
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Ephemeral(Message::Ephemeral { count, sender_id, target_id, .. }) => {
                assert_eq!(sender_id, "peer-a");
                assert_eq!(target_id, "peer-b");
                Some(*count)
            }
            _ => None,
        })
        .collect();
    assert_eq!(counts, vec![1, 2], "the repeated count 1 was not relayed twice");

    // b passes a's message on, as automerge-repo clients do: the copy is dropped, b stays
    // connected, and a does not get its own message back.
    let passed_on = Message::Ephemeral {
        sender_id: "peer-a".into(),
        target_id: b.server_peer_id.clone(),
        document_id: doc_id.clone(),
        count: 3,
        session_id: "s1".into(),
        data: ByteBuf::from(vec![0xa1, 0x61, 0x78, 0x01]),
    };
    b.send(&passed_on).await.unwrap();
    b.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&chair), 1, "en", " [AR]")).await.unwrap();
    b.wait_synced(&doc_id).await.unwrap();
    assert!(!b.is_closed(), "a passed-on ephemeral message is not an offence");
    let heads = b.docs[&doc_id].doc.clone().get_heads();
    a.pump_until(|c| c.docs[&doc_id].doc.clone().get_heads() == heads).await.unwrap();
    assert!(!a.events.iter().any(|e| matches!(e, Event::Ephemeral(_))), "not relayed back to its sender");
    assert_eq!(server.state.store.logged_change_count(&doc_id.parse().unwrap()).await.unwrap(), 1);
    server.stop().await;
}
