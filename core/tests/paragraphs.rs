//! Paragraphs: insert, move, delete and their fields.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, para};
use pluma_core::{Concordance, Country, DraftError, Lang, ParagraphKind, Status};

/// Inserting at a reading position puts the paragraph there; ids are stable and distinct.
#[test]
fn insert_places_paragraphs_in_reading_order() {
    let (mut d, first) = one_paragraph("first", "primero");
    let third = d.insert_paragraph(1, para(ParagraphKind::Operative, "third")).unwrap();
    let second = d.insert_paragraph(1, para(ParagraphKind::Operative, "second")).unwrap();
    let zeroth = d.insert_paragraph(0, para(ParagraphKind::Preamble, "zeroth")).unwrap();
    assert_eq!(d.paragraph_ids().unwrap(), vec![zeroth.clone(), first, second, third]);
    assert_eq!(d.paragraph(&zeroth).unwrap().kind, ParagraphKind::Preamble);
    assert!(matches!(d.insert_paragraph(9, para(ParagraphKind::Operative, "x")), Err(DraftError::IndexOutOfRange { index: 9, len: 4 })));
}

/// Appending several paragraphs at once puts them after the last one, in order, also
/// after a move left a stale entry in the raw order; each reads as inserted one by one.
#[test]
fn appending_keeps_the_given_order() {
    let (mut d, first) = one_paragraph("first", "primero");
    let second = d.insert_paragraph(1, para(ParagraphKind::Operative, "second")).unwrap();
    d.move_paragraph(&first, 1).unwrap();
    let added = d.append_paragraphs([para(ParagraphKind::Heading, "third"), para(ParagraphKind::Operative, "fourth")]).unwrap();
    let mut expected = vec![second, first];
    expected.extend(added.iter().cloned());
    assert_eq!(d.paragraph_ids().unwrap(), expected);
    assert_eq!(d.text(&added[0], Lang::En).unwrap(), "third");
    assert_eq!(d.paragraph(&added[0]).unwrap().kind, ParagraphKind::Heading);
    assert_eq!(d.paragraph(&added[1]).unwrap().status, Status::Open);
}

/// Moving a paragraph changes only its place; its text and id stay.
#[test]
fn move_keeps_identity() {
    let (mut d, a) = one_paragraph("a", "a");
    let b = d.insert_paragraph(1, para(ParagraphKind::Operative, "b")).unwrap();
    let c = d.insert_paragraph(2, para(ParagraphKind::Operative, "c")).unwrap();
    d.move_paragraph(&a, 2).unwrap();
    assert_eq!(d.paragraph_ids().unwrap(), vec![b.clone(), c.clone(), a.clone()]);
    d.move_paragraph(&a, 0).unwrap();
    assert_eq!(d.paragraph_ids().unwrap(), vec![a.clone(), b.clone(), c.clone()]);
    d.move_paragraph(&c, 1).unwrap();
    assert_eq!(d.paragraph_ids().unwrap(), vec![a.clone(), c, b]);
    assert_eq!(d.text(&a, Lang::En).unwrap(), "a");
    assert!(matches!(d.move_paragraph(&a, 3), Err(DraftError::IndexOutOfRange { .. })));
}

/// Two replicas moving the same paragraph concurrently converge on one place for it.
#[test]
fn concurrent_moves_leave_one_place() {
    let (mut d, a) = one_paragraph("a", "a");
    let b = d.insert_paragraph(1, para(ParagraphKind::Operative, "b")).unwrap();
    let c = d.insert_paragraph(2, para(ParagraphKind::Operative, "c")).unwrap();
    d.commit();
    let mut x = d.fork();
    let mut y = d.fork();
    x.move_paragraph(&a, 2).unwrap();
    y.move_paragraph(&a, 1).unwrap();
    x.merge(&mut y).unwrap();
    y.merge(&mut x).unwrap();
    let order = x.paragraph_ids().unwrap();
    assert_eq!(order, y.paragraph_ids().unwrap());
    assert_eq!(order.len(), 3);
    assert!(order.contains(&a) && order.contains(&b) && order.contains(&c));
    // A later move cleans the duplicate entry.
    x.move_paragraph(&a, 0).unwrap();
    assert_eq!(x.paragraph_ids().unwrap(), vec![a, b, c]);
}

/// Deleting removes the paragraph; asking for it afterwards names it in the error.
#[test]
fn delete_removes_paragraph() {
    let (mut d, a) = one_paragraph("a", "a");
    let b = d.insert_paragraph(1, para(ParagraphKind::Operative, "b")).unwrap();
    d.delete_paragraph(&a).unwrap();
    assert_eq!(d.paragraph_ids().unwrap(), vec![b]);
    match d.paragraph(&a) {
        Err(DraftError::UnknownParagraph(id)) => assert_eq!(id, a),
        other => panic!("{other:?}"),
    }
    assert!(matches!(d.delete_paragraph(&a), Err(DraftError::UnknownParagraph(_))));
    assert!(matches!(d.splice(&a, Lang::En, 0, 0, "x"), Err(DraftError::UnknownParagraph(_))));
}

/// Status, kind, section and editors are stored and read back.
#[test]
fn fields_round_trip() {
    let (mut d, a) = one_paragraph("a", "a");
    d.set_status(&a, Status::AgreedAdRef).unwrap();
    d.set_kind(&a, ParagraphKind::Question).unwrap();
    d.set_section(&a, Some(3)).unwrap();
    let editors: Vec<Country> = vec!["PA".parse().unwrap(), "CR".parse().unwrap()];
    d.set_editors(&a, &editors).unwrap();
    d.set_editors(&a, &editors[1..]).unwrap();
    let p = d.paragraph(&a).unwrap();
    assert_eq!(p.status, Status::AgreedAdRef);
    assert_eq!(p.kind, ParagraphKind::Question);
    assert_eq!(p.section, Some(3));
    assert_eq!(p.editors, editors[1..].to_vec());
    d.set_section(&a, None).unwrap();
    assert_eq!(d.paragraph(&a).unwrap().section, None);
}

/// Concordance is confirmed on the texts as they stand and lost when either changes.
#[test]
fn concordance_follows_the_texts() {
    let (mut d, a) = one_paragraph("Agree.", "Acuerdan.");
    assert_eq!(d.concordance(&a).unwrap(), Concordance::Unconfirmed);
    d.confirm_concordance(&a).unwrap();
    assert_eq!(d.concordance(&a).unwrap(), Concordance::Confirmed);
    d.splice(&a, Lang::Es, 8, 0, " y deciden").unwrap();
    assert_eq!(d.concordance(&a).unwrap(), Concordance::OutOfConcordance);
    d.confirm_concordance(&a).unwrap();
    assert_eq!(d.concordance(&a).unwrap(), Concordance::Confirmed);
    d.clear_concordance(&a).unwrap();
    assert_eq!(d.concordance(&a).unwrap(), Concordance::Unconfirmed);
}

/// `text_len` counts characters (not bytes) and follows edits without a reload.
#[test]
fn text_len_counts_characters() {
    let (mut d, p) = fixtures::one_paragraph("Acuerdan la cooperación.", "Acuerdan la cooperación.");
    assert_eq!(d.text_len(&p, Lang::Es).unwrap(), "Acuerdan la cooperación.".chars().count());
    d.splice(&p, Lang::Es, 0, 0, "Ñandú: ").unwrap();
    let text = d.text(&p, Lang::Es).unwrap();
    assert_eq!(d.text_len(&p, Lang::Es).unwrap(), text.chars().count());
    assert!(d.text_len(&"p0000000000000000".parse().unwrap(), Lang::Es).is_err());
}
