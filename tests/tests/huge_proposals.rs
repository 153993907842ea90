//! Proposals cannot make a draft too large to load (finding 5 of issue 18: five proposals
//! of 1,000,000 characters took the server to 1.66 GB, loading the draft then took another
//! client 115 s, and the proposals list was a 5 MB response). Scaled: five proposals of
//! 200,000 characters, twenty times the bound of one proposal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::{ActorId, AutoCommit};
use pluma_server::model::Role;
use pluma_server::sync::protocol::Message;
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use pluma_tests::watch::RssWatch;
use reqwest::Method;
use serde_bytes::ByteBuf;

/// The raw bytes of a change that proposes appending `n` characters to paragraph 2, made
/// on a copy of `doc` by a fresh actor of `who`.
fn proposal_bytes(doc: &AutoCommit, who: &Proposer, n: usize) -> (Vec<u8>, automerge::ChangeHash) {
    let mut copy = doc.clone().with_actor(ActorId::random());
    edits::append(&mut copy, who, 1, "en", &"x".repeat(n)).unwrap();
    copy.commit();
    let change = copy.get_last_local_change().unwrap();
    (change.raw_bytes().to_vec(), change.hash())
}

/// Five huge proposals sent at once from five connections are each refused with the
/// too-large rule before they are applied: nothing is stored, the server's memory rises by
/// less than 64 MiB, another delegation's proposal goes through meanwhile, and the draft and
/// its proposals list stay small for the next reader.
#[tokio::test]
async fn huge_proposals_are_refused_before_they_cost_anything() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (_chair, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
    let doc: pluma_server::ids::DocumentId = doc_id.parse().unwrap();
    let logged = server.state.store.logged_change_count(&doc).await.unwrap();

    let mut attackers = Vec::new();
    for i in 0..5 {
        let mut c = client::connect(&server.sync_url(&mx).await, &format!("peer-mx-{i}")).await.unwrap();
        c.open(&doc_id).await.unwrap();
        let (bytes, hash) = proposal_bytes(&c.docs[&doc_id].doc, &Proposer::of(&mx), 200_000);
        let message = automerge::sync::Message {
            heads: vec![hash],
            need: vec![],
            have: vec![],
            changes: automerge::sync::ChunkList::from(vec![bytes]),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        };
        attackers.push((c, message));
    }
    let watch = RssWatch::start();
    let attack = futures_util::future::join_all(attackers.into_iter().map(|(mut c, m)| {
        let doc_id = doc_id.clone();
        async move {
            let sync = Message::Sync {
                sender_id: c.peer_id.clone(),
                target_id: c.server_peer_id.clone(),
                document_id: doc_id,
                data: ByteBuf::from(m.encode()),
            };
            c.send(&sync).await.unwrap();
            c.expect_error().await.unwrap()
        }
    }));
    let other = async {
        let mut c = client::connect(&server.sync_url(&ar).await, "peer-ar").await.unwrap();
        c.open(&doc_id).await.unwrap();
        c.change(&doc_id, |d| edits::append(d, &Proposer::of(&ar), 1, "en", " and Argentina")).await.unwrap();
        c.wait_synced(&doc_id).await.unwrap();
    };
    let (errors, ()) = tokio::join!(attack, other);
    for error in errors {
        assert!(error.contains("rule too-large") && error.contains("operations"), "{error}");
    }
    assert!(watch.growth_mib() < 64, "the server's memory rose by {} MiB", watch.growth_mib());
    assert_eq!(server.state.store.logged_change_count(&doc).await.unwrap(), logged + 1, "only Argentina's proposal was stored");

    // The next reader loads a small draft, and the proposals list is small.
    let mut reader = client::connect(&server.sync_url(&ar).await, "peer-reader").await.unwrap();
    reader.open(&doc_id).await.unwrap();
    let text = edits::text(&reader.docs[&doc_id].doc, 1, "en").unwrap();
    assert!(text.ends_with(" and Argentina") && text.len() < 200, "{text}");
    let draft = server.state.store.drafts().await.unwrap()[0].id.clone();
    let res =
        server.api.http().get(format!("{}/api/drafts/{draft}/suggestions", server.api.base)).bearer_auth(&ar.token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().len() < 4096, "the proposals list stays small");
    let (status, _) = server.api.call(Method::GET, "/healthz", None, None).await.unwrap();
    assert_eq!(status, 200);
    server.stop().await;
}

/// A proposal within the operations bound but over the characters bound (a change of
/// 12,000 characters) is refused after it is applied to the scratch copy, naming the bound.
#[tokio::test]
async fn a_proposal_over_its_bound_is_refused_naming_it() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (_chair, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    c.open(&doc_id).await.unwrap();
    c.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", &"y".repeat(12_000))).await.unwrap();
    let error = c.expect_error().await.unwrap();
    assert!(
        error.contains("rule too-large") && error.contains("12000 characters inserted into one text at once; the limit is 10000"),
        "{error}"
    );
    let doc: pluma_server::ids::DocumentId = doc_id.parse().unwrap();
    assert_eq!(server.state.store.logged_change_count(&doc).await.unwrap(), 0, "nothing stored");
    server.stop().await;
}
