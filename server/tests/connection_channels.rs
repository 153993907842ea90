//! The connection loop driven through channels instead of a socket (it is generic over
//! `Sink`/`Stream`): handshake, unknown documents, errors for text and oversized frames, and
//! the end of the session.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use futures_util::SinkExt;
use pluma_server::config::Config;
use pluma_server::ids::DocumentId;
use pluma_server::model::{NewUser, Role};
use pluma_server::store::TicketGrant;
use pluma_server::sync::connection::{self, Frame, FrameError};
use pluma_server::sync::protocol::{self, Message};
use serde_bytes::ByteBuf;
use tokio::sync::mpsc;
use tokio_util::sync::PollSender;

struct Harness {
    to_server: mpsc::Sender<Result<Frame, FrameError>>,
    from_server: mpsc::Receiver<Frame>,
    task: tokio::task::JoinHandle<()>,
    state: pluma_server::AppState,
    session: [u8; 32],
    _dir: tempfile::TempDir,
}

async fn start() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let state = pluma_server::build_state(Config::with_database(format!("sqlite:{}/p.db", dir.path().display()))).await.unwrap();
    let user = state
        .store
        .create_user(
            &NewUser {
                login: "mx".into(),
                display_name: "mx".into(),
                role: Role::Delegate,
                country: Some("MX".parse().unwrap()),
                password_hash: "x".into(),
            },
            0,
        )
        .await
        .unwrap();
    let session = [5u8; 32];
    state.store.create_session(&session, &user.id, 0, i64::MAX).await.unwrap();
    let grant = TicketGrant { user, session, session_expires_at: i64::MAX };
    let (to_server, rx) = mpsc::channel(16);
    let (tx, from_server) = mpsc::channel(16);
    let stream = Box::pin(futures_util::stream::unfold(rx, |mut rx| async { rx.recv().await.map(|f| (f, rx)) }));
    let sink = Box::pin(PollSender::new(tx).sink_map_err(|e| e.to_string()));
    let task = tokio::spawn(connection::run(sink, stream, grant, state.hub.clone()));
    Harness { to_server, from_server, task, state, session, _dir: dir }
}

impl Harness {
    async fn send(&self, m: &Message) {
        self.to_server.send(Ok(Frame::Binary(protocol::encode(m).unwrap()))).await.unwrap();
    }

    async fn recv(&mut self) -> Frame {
        self.from_server.recv().await.expect("a frame")
    }

    async fn recv_message(&mut self) -> Message {
        match self.recv().await {
            Frame::Binary(b) => protocol::decode(&b).unwrap(),
            other => panic!("expected a binary frame, got {other:?}"),
        }
    }

    /// The server's close frame, whose reason must contain `reason`; answered with the
    /// peer's own close frame, as a WebSocket closing handshake goes.
    async fn expect_close(&mut self, reason: &str) {
        match self.recv().await {
            Frame::Close(Some(r)) => assert!(r.contains(reason), "the close frame's reason {r:?} does not say {reason:?}"),
            other => panic!("expected a close frame with a reason, got {other:?}"),
        }
        self.to_server.send(Ok(Frame::Close(None))).await.unwrap();
    }

    async fn join(&mut self) -> String {
        self.send(&Message::Join { sender_id: "p1".into(), peer_metadata: None, supported_protocol_versions: None }).await;
        match self.recv_message().await {
            Message::Peer { sender_id, target_id, selected_protocol_version, peer_metadata } => {
                assert_eq!(target_id, "p1");
                assert_eq!(selected_protocol_version, "1");
                assert_eq!(peer_metadata.unwrap().is_ephemeral, Some(false));
                sender_id
            }
            other => panic!("expected peer, got {other:?}"),
        }
    }
}

/// `join` gets `peer`; a request for an unknown document gets `doc-unavailable`; a text
/// frame gets an error, then a close frame, and the loop ends.
#[tokio::test]
async fn handshake_unknown_document_and_text_frame() {
    let mut h = start().await;
    let server = h.join().await;
    let doc = DocumentId::random();
    let empty = automerge::sync::Message {
        heads: vec![],
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::empty(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    };
    h.send(&Message::Request {
        sender_id: "p1".into(),
        target_id: server.clone(),
        document_id: doc.to_string(),
        data: ByteBuf::from(empty.encode()),
    })
    .await;
    assert_eq!(
        h.recv_message().await,
        Message::DocUnavailable { sender_id: server.clone(), target_id: "p1".into(), document_id: doc.to_string() }
    );

    h.to_server.send(Ok(Frame::Text("hi".into()))).await.unwrap();
    match h.recv_message().await {
        Message::Error { message, target_id, .. } => {
            assert!(message.contains("text frames"), "{message}");
            assert_eq!(target_id.as_deref(), Some("p1"));
        }
        other => panic!("expected error, got {other:?}"),
    }
    h.expect_close("text frames").await;
    h.task.await.unwrap();
}

/// A frame the transport found too large is answered with the limit before closing, in
/// the error message and in the close frame.
#[tokio::test]
async fn oversized_frames_name_the_limit() {
    let mut h = start().await;
    h.join().await;
    h.to_server.send(Err(FrameError::TooLarge)).await.unwrap();
    match h.recv_message().await {
        Message::Error { message, .. } => assert!(message.contains(&pluma_server::config::MAX_FRAME_BYTES.to_string()), "{message}"),
        other => panic!("expected error, got {other:?}"),
    }
    h.expect_close("message too large").await;
    h.task.await.unwrap();
}

/// When the connection's session ends, it gets an error saying so, then a close frame, and
/// the loop ends.
#[tokio::test]
async fn ending_the_session_closes_the_connection() {
    let mut h = start().await;
    h.join().await;
    assert_eq!(h.state.hub.shared().sessions.end(&h.session), 1, "the connection was registered");
    match h.recv_message().await {
        Message::Error { message, .. } => assert_eq!(message, pluma_server::sync::session_watch::SESSION_ENDED),
        other => panic!("expected error, got {other:?}"),
    }
    h.expect_close(&pluma_server::sync::connection::close_reason(pluma_server::sync::session_watch::SESSION_ENDED)).await;
    h.task.await.unwrap();
}
