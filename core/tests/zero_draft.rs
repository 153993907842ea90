//! Creating a draft from a zero-draft JSON file.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use pluma_core::{Country, Draft, DraftError, DraftKind, Lang, ParagraphKind, Status};

const ZERO: &str = include_str!("data/zero-draft.json");

/// The title, kinds, texts and optional fields of a zero draft land in the document.
#[test]
fn zero_draft_fields_are_imported() {
    let mut d = Draft::from_zero_draft_json(ZERO).unwrap();
    assert_eq!(d.kind().unwrap(), DraftKind::Communique);
    assert_eq!(d.title(Lang::Es).unwrap(), "Comunicado Conjunto de una reunión de prueba");
    let ps = d.paragraphs().unwrap();
    assert_eq!(ps.len(), 2);
    assert_eq!(ps[0].kind, ParagraphKind::Preamble);
    assert_eq!(ps[0].status, Status::Open);
    assert_eq!(ps[1].status, Status::Bracketed);
    assert_eq!(ps[1].section, Some(6));
    assert_eq!(ps[1].editors, vec!["AR".parse::<Country>().unwrap()]);
    assert_eq!(ps[1].text.es, "Acuerdan reunirse nuevamente en 2022.");
}

/// Inline markdown becomes plain text with `em` and `strong` marks.
#[test]
fn inline_markdown_becomes_marks() {
    let mut d = Draft::from_zero_draft_json(ZERO).unwrap();
    let id = &d.paragraph_ids().unwrap()[0].clone();
    assert_eq!(d.text(id, Lang::En).unwrap(), "Convinced that cooperation between regional processes serves all migrants,");
    let segs = d.view().segments(id, Lang::En).unwrap();
    assert_eq!(segs[0].text, "Convinced");
    assert!(segs[0].em && !segs[0].strong);
    assert_eq!(segs[2].text, "cooperation");
    assert!(segs[2].strong && !segs[2].em);
    assert_eq!(
        d.view().render_markdown(id, Lang::En).unwrap(),
        "*Convinced* that **cooperation** between regional processes serves all migrants,"
    );
}

/// A file that is not a zero draft is refused with a precise error, not a half-built draft.
#[test]
fn invalid_zero_drafts_are_refused() {
    for bad in [
        "not json",
        r#"{"kind":"communique","title":{"en":"a","es":"b"}}"#,
        r#"{"kind":"memo","title":{"en":"a","es":"b"},"paragraphs":[]}"#,
        r#"{"kind":"communique","title":{"en":"a","es":"b"},"paragraphs":[{"kind":"operative","en":"x"}]}"#,
        r#"{"kind":"communique","title":{"en":"a","es":"b"},"paragraphs":[{"kind":"operative","en":"x","es":"y","editors":["mx"]}]}"#,
    ] {
        match Draft::from_zero_draft_json(bad) {
            Err(DraftError::InvalidZeroDraft(msg)) => assert!(!msg.is_empty()),
            other => panic!("expected InvalidZeroDraft for {bad}, got {other:?}"),
        }
    }
}
