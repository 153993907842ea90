//! Bad input on the sync socket: each is answered with a clear error, the connection is
//! closed where appropriate, nothing is stored, and the server keeps serving others.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use automerge::transaction::Transactable;
use pluma_server::config::{Config, SyncLimits};
use pluma_server::ids::DocumentId;
use pluma_server::model::Role;
use pluma_server::sync::protocol::{self, Message};
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client::{self, Event, SyncClient};
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use pluma_tests::server::TestServer;
use serde_bytes::ByteBuf;
use tokio_tungstenite::tungstenite;

struct Setup {
    _db: TestDb,
    server: TestServer,
    doc_id: String,
    mx: Session,
    ar: Session,
}

async fn setup_with(limits: SyncLimits) -> Setup {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.limits = limits;
    let server = TestServer::start_with(config).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
    Setup { doc_id: draft["doc_id"].as_str().unwrap().to_owned(), _db: db, server, mx, ar }
}

async fn setup() -> Setup {
    setup_with(SyncLimits::default()).await
}

impl Setup {
    async fn client(&self, session: &Session, peer: &str) -> SyncClient {
        client::connect(&self.server.sync_url(session).await, peer).await.unwrap()
    }

    async fn logged(&self) -> i64 {
        self.server.state.store.logged_change_count(&self.doc_id.parse().unwrap()).await.unwrap()
    }

    /// Another user can still open the document and get a change through.
    async fn still_serving(&self) {
        let mut c = self.client(&self.mx, "peer-still-serving").await;
        c.open(&self.doc_id).await.unwrap();
        let before = self.logged().await;
        c.change(&self.doc_id, |d| edits::append(d, &edits::Proposer::of(&self.mx), 0, "es", " (sigue)")).await.unwrap();
        c.wait_synced(&self.doc_id).await.unwrap();
        assert_eq!(self.logged().await, before + 1);
    }
}

async fn upgrade_status(url: &str) -> (u16, String) {
    match tokio_tungstenite::connect_async(url).await {
        Err(tungstenite::Error::Http(resp)) => {
            let body = resp.body().clone().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
            (resp.status().as_u16(), body)
        }
        other => panic!("expected an HTTP error, got {:?}", other.map(|_| ())),
    }
}

/// A made-up ticket, a missing ticket and a ticket used twice are refused at the upgrade
/// with 401 and a JSON message.
#[tokio::test]
async fn bad_and_reused_tickets_are_refused() {
    let s = setup().await;
    let (status, body) = upgrade_status(&s.server.api.sync_url("made-up")).await;
    assert_eq!(status, 401);
    assert!(body.contains("invalid, expired or already used"), "{body}");
    let (status, body) = upgrade_status(&format!("ws://{}/sync", s.server.addr)).await;
    assert_eq!(status, 401);
    assert!(body.contains("ticket is required"), "{body}");

    let url = s.server.sync_url(&s.mx).await;
    let _first = client::connect(&url, "peer-1").await.unwrap();
    let (status, body) = upgrade_status(&url).await;
    assert_eq!(status, 401, "{body}");
    s.still_serving().await;
}

/// Bytes that are not CBOR get an error naming the problem, then the socket closes.
#[tokio::test]
async fn malformed_cbor_is_an_error_and_closes() {
    let s = setup().await;
    let mut c = s.client(&s.mx, "peer-bad").await;
    c.send_raw(vec![0xff, 0xfe, 0x00]).await.unwrap();
    let text = c.expect_error().await.unwrap();
    assert!(text.contains("not valid CBOR"), "{text}");
    c.expect_closed().await.unwrap();
    s.still_serving().await;
}

/// A `sync` whose data is not an automerge sync message is an error; nothing is stored.
#[tokio::test]
async fn undecodable_sync_message_is_an_error() {
    let s = setup().await;
    let mut c = s.client(&s.mx, "peer-bad").await;
    c.send(&Message::Sync {
        sender_id: "peer-bad".into(),
        target_id: c.server_peer_id.clone(),
        document_id: s.doc_id.clone(),
        data: ByteBuf::from(vec![0x42, 0xff, 0xff, 0xff]),
    })
    .await
    .unwrap();
    let text = c.expect_error().await.unwrap();
    assert!(text.contains("does not decode"), "{text}");
    c.expect_closed().await.unwrap();
    assert_eq!(s.logged().await, 0);
    s.still_serving().await;
}

/// A sync message whose change chunk is corrupt is refused whole: nothing stored.
#[tokio::test]
async fn corrupt_changes_are_refused_whole() {
    let s = setup().await;
    let mut c = s.client(&s.mx, "peer-bad").await;
    c.open(&s.doc_id).await.unwrap();
    let doc = &mut c.docs.get_mut(&s.doc_id).unwrap().doc;
    edits::append(doc, &edits::Proposer::of(&s.mx), 0, "en", " good").unwrap();
    doc.commit();
    let heads = doc.get_heads();
    let mut good = doc.get_changes(&[])[..].last().unwrap().raw_bytes().to_vec();
    let len = good.len();
    good[len - 1] ^= 0x55;
    let msg = automerge::sync::Message {
        heads,
        need: vec![],
        have: vec![],
        changes: vec![good].into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    };
    c.send(&Message::Sync {
        sender_id: "peer-bad".into(),
        target_id: c.server_peer_id.clone(),
        document_id: s.doc_id.clone(),
        data: ByteBuf::from(msg.encode()),
    })
    .await
    .unwrap();
    let text = c.expect_error().await.unwrap();
    assert!(text.contains("do not decode"), "{text}");
    assert_eq!(s.logged().await, 0);
    s.still_serving().await;
}

/// A frame above the size limit is answered with the limit, then closed.
#[tokio::test]
async fn oversized_frames_are_refused() {
    let s = setup_with(SyncLimits { max_frame_bytes: 64 * 1024, ..SyncLimits::default() }).await;
    let mut c = s.client(&s.mx, "peer-big").await;
    let big = Message::Ephemeral {
        sender_id: "peer-big".into(),
        target_id: c.server_peer_id.clone(),
        document_id: s.doc_id.clone(),
        count: 1,
        session_id: "s".into(),
        data: ByteBuf::from(vec![7u8; 100 * 1024]),
    };
    c.send_raw(protocol::encode(&big).unwrap()).await.unwrap();
    let text = c.expect_error().await.unwrap();
    assert!(text.contains("message too large") && text.contains("65536"), "{text}");
    c.expect_closed().await.unwrap();
    s.still_serving().await;
}

/// A document id that does not exist, or is not a document id at all, is
/// `doc-unavailable`; the connection stays usable and no document is created.
#[tokio::test]
async fn unknown_document_ids_are_unavailable() {
    let s = setup().await;
    let mut c = s.client(&s.mx, "peer-1").await;
    let missing = DocumentId::random();
    assert!(c.open(missing.as_str()).await.is_err());
    assert!(c.open("not-a-document-id").await.is_err());
    assert_eq!(c.events, vec![Event::Unavailable(missing.to_string()), Event::Unavailable("not-a-document-id".into())]);
    assert!(matches!(s.server.state.store.draft_by_document(&missing).await, Err(pluma_server::store::StoreError::NotFound(_))));
    c.open(&s.doc_id).await.unwrap();
}

/// A change from an actor id bound to another user breaks `actor-binding`: the sender gets
/// an error naming the rule and is disconnected; nothing is stored or forwarded; the
/// owner carries on.
#[tokio::test]
async fn actor_owned_by_another_user_is_refused() {
    let s = setup().await;
    let mut a = s.client(&s.mx, "peer-mx").await;
    a.open(&s.doc_id).await.unwrap();
    let actor = automerge::ActorId::random();
    a.docs.get_mut(&s.doc_id).unwrap().doc.set_actor(actor.clone());
    a.change(&s.doc_id, |d| edits::append(d, &edits::Proposer::of(&s.mx), 1, "en", " MX")).await.unwrap();
    a.wait_synced(&s.doc_id).await.unwrap();
    assert_eq!(s.logged().await, 1);

    let mut b = s.client(&s.ar, "peer-ar").await;
    b.open(&s.doc_id).await.unwrap();
    b.docs.get_mut(&s.doc_id).unwrap().doc.set_actor(actor.clone());
    b.change(&s.doc_id, |d| {
        let obj = edits::paragraph_text(d, 1, "en")?;
        d.splice_text(&obj, 0, 0, "AR pretends to be MX: ")?;
        Ok(())
    })
    .await
    .unwrap();
    let text = b.expect_error().await.unwrap();
    assert!(text.contains("actor-binding") && text.contains("another user"), "{text}");
    b.expect_closed().await.unwrap();
    assert_eq!(s.logged().await, 1, "nothing stored");

    a.change(&s.doc_id, |d| edits::append(d, &edits::Proposer::of(&s.mx), 1, "en", " again")).await.unwrap();
    a.wait_synced(&s.doc_id).await.unwrap();
    let t = edits::text(&a.docs[&s.doc_id].doc, 1, "en").unwrap();
    assert!(!t.contains("pretends"), "never forwarded: {t}");
    assert_eq!(s.logged().await, 2);
}

/// Protocol misuse is an error then a close: a text frame, a first message that is not
/// `join`, a second `join`, and a forged `senderId`.
#[tokio::test]
async fn protocol_misuse_is_refused() {
    let s = setup().await;
    let mut c = s.client(&s.mx, "peer-1").await;
    c.send_text("hello").await.unwrap();
    assert!(c.expect_error().await.unwrap().contains("text frames"));
    c.expect_closed().await.unwrap();

    let mut c = client::connect_raw(&s.server.sync_url(&s.mx).await, "peer-2").await.unwrap();
    c.send(&Message::Leave { sender_id: "peer-2".into() }).await.unwrap();
    assert!(c.expect_error().await.unwrap().contains("expected a join message first"));

    let mut c = s.client(&s.mx, "peer-3").await;
    c.send(&Message::Join { sender_id: "peer-3".into(), peer_metadata: None, supported_protocol_versions: None }).await.unwrap();
    assert!(c.expect_error().await.unwrap().contains("second join"));

    let mut c = s.client(&s.mx, "peer-4").await;
    c.send(&Message::DocUnavailable {
        sender_id: "peer-someone-else".into(),
        target_id: c.server_peer_id.clone(),
        document_id: s.doc_id.clone(),
    })
    .await
    .unwrap();
    assert!(c.expect_error().await.unwrap().contains("not the peer that joined"));

    let mut c = client::connect_raw(&s.server.sync_url(&s.mx).await, "peer-5").await.unwrap();
    c.send(&Message::Join { sender_id: "peer-5".into(), peer_metadata: None, supported_protocol_versions: Some(vec!["2".into()]) })
        .await
        .unwrap();
    assert!(c.expect_error().await.unwrap().contains("unsupported protocol version"));
    s.still_serving().await;
}

/// Limits: more documents than allowed on one connection, and a socket that never sends
/// `join`, are each closed with an error naming the limit.
#[tokio::test]
async fn limits_are_enforced_with_clear_errors() {
    let limits = SyncLimits { max_documents_per_connection: 1, join_timeout: std::time::Duration::from_secs(2), ..SyncLimits::default() };
    let s = setup_with(limits).await;
    let chair = s.server.api.login("chair", "pw-chair").await.unwrap();
    let second = s.server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
    let mut c = s.client(&s.mx, "peer-1").await;
    c.open(&s.doc_id).await.unwrap();
    let err = c.open(second["doc_id"].as_str().unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");
    assert!(c.events.iter().any(|e| matches!(e, Event::Error(t) if t.contains("too many documents") && t.contains('1'))));

    let mut silent = client::connect_raw(&s.server.sync_url(&s.mx).await, "peer-silent").await.unwrap();
    assert!(silent.expect_error().await.unwrap().contains("no join message"));
    silent.expect_closed().await.unwrap();
}

/// Unknown message types and heads gossip are ignored, not fatal.
#[tokio::test]
async fn unknown_messages_are_ignored() {
    let s = setup().await;
    let mut c = s.client(&s.mx, "peer-1").await;
    let future = ciborium::Value::Map(vec![
        (ciborium::Value::Text("type".into()), ciborium::Value::Text("future-thing".into())),
        (ciborium::Value::Text("senderId".into()), ciborium::Value::Text("peer-1".into())),
    ]);
    let mut bytes = Vec::new();
    ciborium::into_writer(&future, &mut bytes).unwrap();
    c.send_raw(bytes).await.unwrap();
    c.send(&Message::RemoteSubscriptionChange {
        sender_id: "peer-1".into(),
        target_id: c.server_peer_id.clone(),
        add: Some(vec!["x".into()]),
        remove: None,
    })
    .await
    .unwrap();
    c.open(&s.doc_id).await.unwrap();
    assert!(c.events.is_empty(), "{:?}", c.events);
}

/// Changes whose dependencies the peer never sends wait unchecked for them, but only up to
/// one message's worth: beyond that the peer is refused and disconnected, nothing is
/// stored, and the others carry on.
#[tokio::test]
async fn changes_waiting_for_dependencies_are_bounded() {
    let s = setup_with(SyncLimits { max_frame_bytes: 64 * 1024, ..SyncLimits::default() }).await;
    let mut c = s.client(&s.mx, "peer-mx").await;
    c.open(&s.doc_id).await.unwrap();
    let mut fork = c.docs.get_mut(&s.doc_id).unwrap().doc.fork();
    let proposer = edits::Proposer::of(&s.mx);
    // The first change, never sent: everything after it depends on it.
    edits::append(&mut fork, &proposer, 0, "en", " hidden").unwrap();
    fork.commit();
    let mut sent = 0;
    let text = loop {
        let noise: String = (0..20_000).map(|_| char::from(b'a' + rand::random::<u8>() % 26)).collect();
        edits::append(&mut fork, &proposer, 0, "en", &noise).unwrap();
        fork.commit();
        let change = fork.get_last_local_change().unwrap();
        let message = automerge::sync::Message {
            heads: vec![change.hash()],
            need: vec![],
            have: vec![],
            changes: vec![change.raw_bytes().to_vec()].into(),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        };
        c.send(&Message::Sync {
            sender_id: c.peer_id.clone(),
            target_id: c.server_peer_id.clone(),
            document_id: s.doc_id.clone(),
            data: ByteBuf::from(message.encode()),
        })
        .await
        .unwrap();
        sent += 1;
        assert!(sent <= 8, "still connected after {sent} messages of waiting changes");
        c.pump_for(std::time::Duration::from_millis(300)).await.unwrap();
        if let Some(Event::Error(text)) = c.events.iter().find(|e| matches!(e, Event::Error(_))) {
            break text.clone();
        }
    };
    assert!(sent >= 3, "one message's worth waits: refused after {sent}");
    assert!(text.contains("depend on changes you have not sent"), "{text}");
    c.expect_closed().await.unwrap();
    assert_eq!(s.logged().await, 0, "nothing stored");
    s.still_serving().await;
}
