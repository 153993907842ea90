//! How much one change may write ([`pluma_core::bounds`]): proposals, texts, comments and
//! titles within their bounds pass; larger ones are refused by the too-large rule, before
//! they are applied when their headers already say so.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, stamp};
use pluma_core::automerge::{AutoCommit, Change};
use pluma_core::bounds::{SizeLimits, check_after, check_before};
use pluma_core::rules::Rule;
use pluma_core::{Draft, Lang};

const LIMITS: SizeLimits = SizeLimits { max_text_chars: 60, max_proposal_chars: 20, max_comment_chars: 30, max_title_chars: 25 };

/// The verdict on what `edit` does to the draft, with its changes applied to a copy.
fn verdict(d: &mut Draft, edit: impl FnOnce(&mut Draft)) -> Result<(), Rule> {
    let heads = d.heads();
    let mut fork = d.fork();
    edit(&mut fork);
    let changes: Vec<Change> = fork.changes_since(&heads);
    check_before(&changes, &LIMITS).map_err(|v| v.rule)?;
    let mut after = AutoCommit::load(&d.save()).unwrap();
    after.apply_changes(changes.clone()).unwrap();
    check_after(&after, &changes, &LIMITS).map_err(|v| v.rule)
}

/// A proposal, a comment and a title edit within the bounds pass; one character more than
/// each bound is refused.
#[test]
fn each_bound_holds_to_the_character() {
    let (mut d, p) = one_paragraph("We agree.", "Acordamos.");
    let ok = verdict(&mut d, |f| {
        f.suggest_insert(&p, Lang::En, 8, &"x".repeat(20), &stamp("MX")).unwrap();
    });
    assert_eq!(ok, Ok(()));
    let over = verdict(&mut d, |f| {
        f.suggest_insert(&p, Lang::En, 8, &"x".repeat(21), &stamp("MX")).unwrap();
    });
    assert_eq!(over, Err(Rule::TooLarge));
    let thread = |f: &mut Draft, body: &str| {
        f.create_thread(&p, Lang::En, 0, 2, body, &stamp("BR")).unwrap();
    };
    assert_eq!(verdict(&mut d, |f| thread(f, &"c".repeat(30))), Ok(()));
    assert_eq!(verdict(&mut d, |f| thread(f, &"c".repeat(31))), Err(Rule::TooLarge));
    // "Joint Communiqué" is 16 characters: 9 more fit, 10 do not.
    assert_eq!(verdict(&mut d, |f| f.splice_title(Lang::En, 0, 0, "123456789").unwrap()), Ok(()));
    assert_eq!(verdict(&mut d, |f| f.splice_title(Lang::En, 0, 0, "1234567890").unwrap()), Err(Rule::TooLarge));
}

/// A text grows by several proposals, each within the bound, up to the text's bound and
/// no further; a text already over its bound may still be shortened.
#[test]
fn texts_stop_growing_at_their_bound() {
    let (mut d, p) = one_paragraph(&"a".repeat(40), "b");
    assert_eq!(verdict(&mut d, |f| f.splice(&p, Lang::En, 0, 0, &"y".repeat(20)).unwrap()), Ok(()));
    assert_eq!(verdict(&mut d, |f| f.splice(&p, Lang::En, 0, 0, &"y".repeat(21)).unwrap()), Err(Rule::TooLarge));
    let (mut long, q) = one_paragraph(&"a".repeat(100), "b");
    assert_eq!(verdict(&mut long, |f| f.splice(&q, Lang::En, 0, 10, "").unwrap()), Ok(()));
    assert_eq!(verdict(&mut long, |f| f.splice(&q, Lang::En, 0, 0, "z").unwrap()), Err(Rule::TooLarge));
}

/// A change with more operations than any allowed edit needs is refused from its header.
#[test]
fn huge_changes_are_refused_before_they_are_applied() {
    let (mut d, p) = one_paragraph("We agree.", "Acordamos.");
    let heads = d.heads();
    let mut fork = d.fork();
    fork.splice(&p, Lang::En, 0, 0, &"z".repeat(LIMITS.max_change_ops() + 1)).unwrap();
    let changes = fork.changes_since(&heads);
    assert_eq!(check_before(&changes, &LIMITS).map_err(|v| v.rule), Err(Rule::TooLarge));
}
