//! Ephemeral (presence) messages cannot make the server hold memory for peers that do not
//! read (finding 4 of issue 18: one account with 40 idle sockets and 4 × 4 MiB messages took
//! the server from 161 to 803 MiB). Scaled: 40 idle sockets with small receive buffers,
//! each socket's queue bounded to 256 KiB, and a sender allowed 2,000 messages a second.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use pluma_server::Config;
use pluma_server::model::Role;
use pluma_server::sync::protocol::{self, Message, PeerMetadata};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use pluma_tests::watch::RssWatch;
use serde_bytes::ByteBuf;
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message as Ws;

type Idle = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// A socket with a tiny receive buffer that joins and asks for the document, then reads
/// nothing more.
async fn idle_peer(addr: SocketAddr, url: &str, doc_id: &str, i: usize) -> Idle {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    let peer = format!("idle-{i}");
    let join = Message::Join { sender_id: peer.clone(), peer_metadata: Some(PeerMetadata::default()), supported_protocol_versions: None };
    ws.send(Ws::Binary(protocol::encode(&join).unwrap().into())).await.unwrap();
    let server = match ws.next().await {
        Some(Ok(Ws::Binary(b))) => match protocol::decode(&b).unwrap() {
            Message::Peer { sender_id, .. } => sender_id,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let mut empty = automerge::AutoCommit::new();
    let first = automerge::sync::SyncDoc::generate_sync_message(&empty.sync(), &mut automerge::sync::State::new()).unwrap();
    let request =
        Message::Request { sender_id: peer, target_id: server, document_id: doc_id.to_owned(), data: ByteBuf::from(first.encode()) };
    ws.send(Ws::Binary(protocol::encode(&request).unwrap().into())).await.unwrap();
    ws
}

fn ephemeral(c: &client::SyncClient, doc_id: &str, count: u64, bytes: usize) -> Message {
    Message::Ephemeral {
        sender_id: c.peer_id.clone(),
        target_id: c.server_peer_id.clone(),
        document_id: doc_id.to_owned(),
        count,
        session_id: "s1".into(),
        data: ByteBuf::from(vec![7; bytes]),
    }
}

/// An oversized ephemeral message is refused with its reason; a flood of allowed ones to
/// 40 sockets that do not read disconnects them (saying why, if they ever read) instead of
/// piling up: the server's memory stays within 96 MiB of where it was, every idle socket is
/// closed and forgotten, and another delegation's proposal goes through meanwhile.
#[tokio::test]
async fn peers_that_do_not_read_are_let_go() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.input.outbound_queue_bytes = 256 * 1024;
    config.input.ephemeral_per_second = 2000;
    let server = TestServer::start_with(config).await;
    let (chair, doc_id) = server.chair_and_draft().await;
    // Another draft, where another delegation works while this one is flooded (a peer of
    // the flooded draft that reads slower than the flood is let go too, like the idle ones).
    let other_doc =
        server.api.create_draft(&chair.token, pluma_tests::api::small_zero_draft()).await.unwrap()["doc_id"].as_str().unwrap().to_owned();
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;

    let mut big = client::connect(&server.sync_url(&mx).await, "peer-big").await.unwrap();
    big.open(&doc_id).await.unwrap();
    big.send(&ephemeral(&big, &doc_id, 1, 20 * 1024)).await.unwrap();
    let error = big.expect_error().await.unwrap();
    assert!(error.contains("an ephemeral message of 20480 bytes; the limit is 16384"), "{error}");

    let baseline = server.state.metrics.connections();
    let mut idle = Vec::new();
    for i in 0..40 {
        idle.push(idle_peer(server.addr, &server.sync_url(&mx).await, &doc_id, i).await);
    }
    let mut sender = client::connect(&server.sync_url(&mx).await, "peer-sender").await.unwrap();
    sender.open(&doc_id).await.unwrap();
    let watch = RssWatch::start();
    let flood = async {
        for count in 0..2000 {
            sender.send(&ephemeral(&sender, &doc_id, count, 16 * 1024)).await.unwrap();
            if count % 50 == 0 {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }
    };
    let edit = async {
        let mut c = client::connect(&server.sync_url(&ar).await, "peer-ar").await.unwrap();
        c.open(&other_doc).await.unwrap();
        c.change(&other_doc, |d| edits::append(d, &Proposer::of(&ar), 1, "en", " despite the flood")).await.unwrap();
        c.wait_synced(&other_doc).await.unwrap();
    };
    tokio::join!(flood, edit);
    let growth = watch.growth_mib();
    assert!(growth < 96, "the server's memory rose by {growth} MiB");

    // Each idle socket was closed by the server; those that read in time learn why.
    let told = futures_util::future::join_all(idle.into_iter().map(|mut ws| async move {
        let mut told = false;
        loop {
            match tokio::time::timeout(Duration::from_secs(20), ws.next()).await {
                Ok(Some(Ok(Ws::Binary(b)))) => {
                    if let Ok(Message::Error { message, .. }) = protocol::decode(&b) {
                        told |= message.contains("did not read the server's messages");
                    }
                }
                Ok(Some(Ok(Ws::Close(Some(frame))))) => told |= frame.reason.contains("did not read"),
                Ok(Some(Ok(_))) => {}
                Ok(None | Some(Err(_))) => return told,
                Err(_) => panic!("an idle socket was still open 20 s after the flood"),
            }
        }
    }))
    .await;
    assert!(told.iter().any(|t| *t), "at least the sockets read in time were told why");
    for _ in 0..100 {
        if server.state.metrics.connections() <= baseline + 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        server.state.metrics.connections() <= baseline + 2,
        "the idle sockets are forgotten: {} open",
        server.state.metrics.connections()
    );
    let doc: pluma_server::ids::DocumentId = other_doc.parse().unwrap();
    assert!(server.state.store.logged_change_count(&doc).await.unwrap() >= 1, "Argentina's proposal was stored");
    server.stop().await;
}
