//! Comment threads: create, reply, edit, resolve, reopen, anchors and detaching.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, stamp};
use pluma_core::{Anchor, DraftError, Lang};

/// A thread sits on its range and follows it as text is inserted before it.
#[test]
fn thread_follows_its_text() {
    let (mut d, p) = one_paragraph("Agree to cooperate closely.", "x");
    let t = d.create_thread(&p, Lang::En, 9, 18, "Which kind of *cooperation*?", &stamp("US")).unwrap();
    let th = &d.threads().unwrap()[0];
    assert_eq!(th.id, t);
    assert_eq!(th.quote, "cooperate");
    assert_eq!(th.anchor, Anchor::Range { start: 9, end: 18 });
    assert_eq!(th.messages[0].country.as_str(), "US");
    assert_eq!(th.messages[0].body_html(), "<p>Which kind of <em>cooperation</em>?</p>\n");
    d.splice(&p, Lang::En, 0, 0, "We ").unwrap();
    assert_eq!(d.threads().unwrap()[0].anchor, Anchor::Range { start: 12, end: 21 });
    // Deleting part of the range shrinks it.
    d.splice(&p, Lang::En, 17, 4, "").unwrap();
    assert_eq!(d.threads().unwrap()[0].anchor, Anchor::Range { start: 12, end: 17 });
}

/// A thread whose text is deleted is detached and keeps its quote; so is one whose
/// paragraph is deleted.
#[test]
fn thread_detaches_when_text_goes() {
    let (mut d, p) = one_paragraph("Agree to cooperate closely.", "x");
    d.create_thread(&p, Lang::En, 9, 18, "why?", &stamp("US")).unwrap();
    d.splice(&p, Lang::En, 8, 10, "").unwrap();
    let th = &d.threads().unwrap()[0];
    assert_eq!(th.anchor, Anchor::Detached);
    assert_eq!(th.quote, "cooperate");
    let (mut d2, p2) = one_paragraph("abc", "x");
    d2.create_thread(&p2, Lang::En, 0, 3, "all of it", &stamp("MX")).unwrap();
    d2.delete_paragraph(&p2).unwrap();
    assert_eq!(d2.threads().unwrap()[0].anchor, Anchor::Detached);
    assert_eq!(d2.threads().unwrap()[0].messages.len(), 1);
}

/// Threads on the very start and end of a text resolve correctly.
#[test]
fn thread_at_text_edges() {
    let (mut d, p) = one_paragraph("abc", "x");
    d.create_thread(&p, Lang::En, 0, 3, "whole", &stamp("MX")).unwrap();
    d.splice(&p, Lang::En, 3, 0, "def").unwrap();
    assert_eq!(d.threads().unwrap()[0].anchor, Anchor::Range { start: 0, end: 3 });
    d.splice(&p, Lang::En, 0, 1, "").unwrap();
    assert_eq!(d.threads().unwrap()[0].anchor, Anchor::Range { start: 0, end: 2 });
}

/// Replies, edits, resolve and reopen are recorded in order.
#[test]
fn replies_edits_resolve_reopen() {
    let (mut d, p) = one_paragraph("abc", "x");
    let t = d.create_thread(&p, Lang::En, 0, 1, "first", &stamp("MX")).unwrap();
    let r = d.reply(&t, "second", &stamp("AR")).unwrap();
    d.edit_message(&t, &r, "second, amended").unwrap();
    d.resolve_thread(&t).unwrap();
    let th = d.view().thread(&t).unwrap();
    assert!(th.resolved);
    assert_eq!(th.messages.len(), 2);
    assert_eq!(th.messages[1].body, "second, amended");
    assert_eq!(th.messages[1].country.as_str(), "AR");
    d.reopen_thread(&t).unwrap();
    assert!(!d.view().thread(&t).unwrap().resolved);
}

/// Bad threads and messages are refused precisely.
#[test]
fn thread_errors() {
    let (mut d, p) = one_paragraph("abc", "x");
    assert!(matches!(d.create_thread(&p, Lang::En, 1, 1, "x", &stamp("MX")), Err(DraftError::EmptyRange { .. })));
    assert!(matches!(d.create_thread(&p, Lang::En, 2, 9, "x", &stamp("MX")), Err(DraftError::OutOfRange { .. })));
    assert!(matches!(d.create_thread(&p, Lang::En, 0, 1, "  ", &stamp("MX")), Err(DraftError::InvalidComment(_))));
    let t = d.create_thread(&p, Lang::En, 0, 1, "ok", &stamp("MX")).unwrap();
    let missing = "tnothere".parse().unwrap();
    assert!(matches!(d.reply(&missing, "x", &stamp("MX")), Err(DraftError::UnknownThread(_))));
    let no_msg = "mnothere".parse().unwrap();
    assert!(matches!(d.edit_message(&t, &no_msg, "x"), Err(DraftError::UnknownMessage { .. })));
}

/// Comment bodies render to safe HTML: no script, no raw HTML, no javascript links.
#[test]
fn comment_bodies_are_safe_html() {
    let (mut d, p) = one_paragraph("abc", "x");
    let t = d.create_thread(&p, Lang::En, 0, 1, "<img src=x onerror=alert(1)> [go](javascript:alert(1))", &stamp("MX")).unwrap();
    let html = d.view().thread(&t).unwrap().messages[0].body_html();
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}
