//! Bytes, merging, heads and forks.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, stamp};
use pluma_core::automerge::AutoCommit;
use pluma_core::{Draft, DraftError, Lang};

/// A saved draft loads back with the same text, proposals and heads.
#[test]
fn save_and_load() {
    let (mut d, p) = one_paragraph("Agree.", "Acuerdan.");
    d.suggest_insert(&p, Lang::En, 5, " fully", &stamp("MX")).unwrap();
    let bytes = d.save();
    let mut loaded = Draft::load(&bytes).unwrap();
    assert_eq!(loaded.heads(), d.heads());
    assert_eq!(loaded.text(&p, Lang::En).unwrap(), "Agree fully.");
    assert_eq!(loaded.suggestions().unwrap(), d.suggestions().unwrap());
}

/// Incremental saves applied in order rebuild the same document.
#[test]
fn incremental_saves() {
    let (mut d, p) = one_paragraph("a", "a");
    let mut log = vec![d.save()];
    for (i, word) in ["b", "c", "d"].iter().enumerate() {
        d.splice(&p, Lang::En, i + 1, 0, word).unwrap();
        d.commit();
        log.push(d.save_incremental());
    }
    let mut copy = Draft::load(&log[0]).unwrap();
    for chunk in &log[1..] {
        copy.load_incremental(chunk).unwrap();
    }
    assert_eq!(copy.text(&p, Lang::En).unwrap(), "abcd");
    assert_eq!(copy.heads(), d.heads());
}

/// A fork at old heads sees the old text; the view at heads reads the same without forking.
#[test]
fn fork_and_view_at_heads() {
    let (mut d, p) = one_paragraph("v1", "v1");
    let v1 = d.heads();
    d.splice(&p, Lang::En, 1, 1, "2").unwrap();
    let mut old = d.fork_at(&v1).unwrap();
    assert_eq!(old.text(&p, Lang::En).unwrap(), "v1");
    assert_eq!(d.view_at(&v1).text(&p, Lang::En).unwrap(), "v1");
    assert_eq!(d.text(&p, Lang::En).unwrap(), "v2");
    assert_ne!(old.heads(), d.heads());
}

/// Bytes that are not a draft are refused with an error, never an empty draft.
#[test]
fn load_refuses_non_drafts() {
    assert!(matches!(Draft::load(b"garbage"), Err(DraftError::Automerge(_))));
    let mut empty = AutoCommit::new();
    assert!(matches!(Draft::load(&empty.save()), Err(DraftError::Malformed { .. })));
}
