//! A document that keeps taking in changes from elsewhere must not keep anything per
//! applied operation beyond the document itself.
//!
//! automerge 0.12 records a patch event for every operation applied with `apply_changes`,
//! `load_incremental` or `merge`, even when no patches were asked for. The server's copy of
//! a draft lives as long as the draft is being negotiated and takes in every delegation's
//! edits, and it is copied for every batch it checks: those events would grow without limit
//! and be copied each time. This test counts what a copy of such a document allocates,
//! against a copy of the same document loaded fresh from its bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_core::automerge::AutoCommit;
use pluma_core::{Bilingual, Draft, DraftKind, Lang, NewParagraph, ParagraphKind};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Bytes allocated by one copy of `doc`.
fn copy_cost(doc: &AutoCommit) -> u64 {
    let before = dhat::HeapStats::get().total_bytes;
    let copy = doc.clone();
    let cost = dhat::HeapStats::get().total_bytes - before;
    drop(copy);
    cost
}

/// A delegation types 400 words, one change each; the changes reach `server` one by one
/// through `take_in`.
fn negotiate(take_in: impl Fn(&mut AutoCommit, Vec<pluma_core::automerge::Change>)) -> (AutoCommit, AutoCommit) {
    let mut client = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let p = client
        .insert_paragraph(0, NewParagraph { kind: ParagraphKind::Operative, section: None, editors: vec![], text: Bilingual::default() })
        .unwrap();
    client.commit();
    let mut server = AutoCommit::load(&client.save()).unwrap();
    for _ in 0..400 {
        let heads = client.heads();
        let len = client.text_len(&p, Lang::En).unwrap();
        client.splice(&p, Lang::En, len, 0, "word ").unwrap();
        client.commit();
        take_in(&mut server, client.changes_since(&heads));
    }
    let mut fresh = AutoCommit::load(&server.save()).unwrap();
    assert_eq!(server.get_heads(), fresh.get_heads());
    (server, fresh)
}

fn assert_copies_cost_the_same(server: &AutoCommit, fresh: &AutoCommit) {
    let (kept, loaded) = (copy_cost(server), copy_cost(fresh));
    assert!(
        kept <= loaded * 3 / 2,
        "a copy of the document that took in 400 changes allocates {kept} bytes, a copy of the same document loaded fresh {loaded}"
    );
}

/// One test (dhat counts for the whole process, one profiler at a time).
#[test]
fn changes_taken_in_leave_nothing_behind() {
    let _profiler = dhat::Profiler::builder().testing().build();
    // Checked for a peer, as the sync server does.
    let (server, fresh) = negotiate(|doc, changes| pluma_core::rules::apply_untrusted(doc, &changes).unwrap());
    assert_copies_cost_the_same(&server, &fresh);
    // Applied to a draft.
    let (server, fresh) = negotiate(|doc, changes| {
        let mut draft = Draft::from_automerge(std::mem::take(doc)).unwrap();
        draft.apply_changes(changes).unwrap();
        *doc = draft.into_automerge();
    });
    assert_copies_cost_the_same(&server, &fresh);
}
