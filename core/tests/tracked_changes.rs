//! Tracked changes: suggest insert and delete, list, accept, reject, withdraw (ARCHITECTURE §3).

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{colleague, one_paragraph, para, stamp};
use pluma_core::{DraftError, Lang, ParagraphKind, Selection, SuggestionKind};

/// A suggested insertion stays in the text, marked with the country, and is listed.
#[test]
fn suggest_insert_marks_and_lists() {
    let (mut d, p) = one_paragraph("Agree to cooperate.", "Acuerdan cooperar.");
    let id = d.suggest_insert(&p, Lang::En, 9, "closely ", &stamp("MX")).unwrap();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Agree to closely cooperate.");
    let list = d.suggestions().unwrap();
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!(s.id, id);
    assert_eq!(s.country.as_str(), "MX");
    assert_eq!(s.user.as_str(), "umx");
    assert_eq!(s.at, 1_631_196_000_000);
    assert_eq!(s.kind, SuggestionKind::Insert);
    assert_eq!((s.paragraph.clone(), s.lang), (p.clone(), Lang::En));
    assert_eq!(s.ranges, vec![(9, 17)]);
    assert_eq!(s.text, "closely ");
}

/// Typing on right after one's own insertion extends the same proposal; a colleague of the
/// same country, or another country, starts a new one.
#[test]
fn continued_typing_is_one_proposal() {
    let (mut d, p) = one_paragraph("ab", "ab");
    let first = d.suggest_insert(&p, Lang::En, 1, "x", &stamp("MX")).unwrap();
    let again = d.suggest_insert(&p, Lang::En, 2, "y", &stamp("MX")).unwrap();
    assert_eq!(first, again);
    let other = d.suggest_insert(&p, Lang::En, 3, "z", &colleague("MX")).unwrap();
    assert_ne!(first, other);
    let list = d.suggestions().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].text, "xy");
    assert_eq!(list[1].text, "z");
}

/// Deleting inside one's own pending insertion really deletes; elsewhere it marks `del:XX`.
#[test]
fn suggest_delete_own_insert_vs_others_text() {
    let (mut d, p) = one_paragraph("Agree to cooperate.", "x");
    d.suggest_insert(&p, Lang::En, 9, "closely ", &stamp("MX")).unwrap();
    // "Agree to closely cooperate." — delete "ly " (own) and "co" (original) in one go.
    let del = d.suggest_delete(&p, Lang::En, 14, 19, &stamp("MX")).unwrap();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Agree to closecooperate.");
    let list = d.suggestions().unwrap();
    assert_eq!(list.len(), 2);
    let del = del.expect("original text was marked");
    let del_s = list.iter().find(|s| s.id == del).unwrap();
    assert_eq!(del_s.kind, SuggestionKind::Delete);
    assert_eq!(del_s.text, "co");
    // Deleting only own text returns no deletion proposal.
    assert_eq!(d.suggest_delete(&p, Lang::En, 9, 11, &stamp("MX")).unwrap(), None);
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Agree to osecooperate.");
}

/// Deleting another country's pending insertion marks it rather than removing it.
#[test]
fn deleting_others_insertion_is_a_proposal() {
    let (mut d, p) = one_paragraph("ab", "ab");
    d.suggest_insert(&p, Lang::En, 1, "XYZ", &stamp("MX")).unwrap();
    d.suggest_delete(&p, Lang::En, 2, 3, &stamp("AR")).unwrap();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "aXYZb");
    assert_eq!(d.view().render_markdown(&p, Lang::En).unwrap(), "a{++X++}{>>MX<<}{--Y--}{>>ins MX; del AR<<}{++Z++}{>>MX<<}b");
}

/// Holding backspace makes one deletion proposal, growing to the left.
#[test]
fn consecutive_deletions_are_one_proposal() {
    let (mut d, p) = one_paragraph("abcdef", "x");
    let a = d.suggest_delete(&p, Lang::En, 4, 5, &stamp("PE")).unwrap();
    let b = d.suggest_delete(&p, Lang::En, 3, 4, &stamp("PE")).unwrap();
    let c = d.suggest_delete(&p, Lang::En, 5, 6, &stamp("PE")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    let list = d.suggestions().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].text, "def");
}

/// Text typed inside another country's proposal is not counted as theirs: each delegation
/// edits from its own replica (actor), and a proposal covers only its actor's characters.
#[test]
fn typing_inside_anothers_proposal_is_not_theirs() {
    let (mut mx, p) = one_paragraph("ab", "ab");
    mx.suggest_insert(&p, Lang::En, 1, "XYZ", &stamp("MX")).unwrap();
    let mut ar = mx.fork();
    ar.suggest_insert(&p, Lang::En, 2, "q", &stamp("AR")).unwrap();
    let mut chair = ar.fork();
    chair.splice(&p, Lang::En, 4, 0, "!").unwrap();
    let segs = chair.view().segments(&p, Lang::En).unwrap();
    let q = segs.iter().find(|s| s.text == "q").unwrap();
    assert_eq!(q.ins.iter().map(|m| m.country.as_str()).collect::<Vec<_>>(), vec!["AR"]);
    let bang = segs.iter().find(|s| s.text.contains('!')).unwrap();
    assert!(bang.ins.is_empty(), "{segs:?}");
    // MX's proposal now has three ranges around AR's letter and the direct edit.
    let mx_s = chair.suggestions().unwrap().into_iter().find(|s| s.country.as_str() == "MX").unwrap();
    assert_eq!(mx_s.text, "XYZ");
    assert_eq!(mx_s.ranges.len(), 3);
    // And MX, receiving these, agrees.
    mx.merge(&mut chair).unwrap();
    assert_eq!(mx.suggestions().unwrap(), chair.suggestions().unwrap());
}

/// Accepting an insertion keeps its text unmarked; rejecting removes it.
#[test]
fn accept_and_reject_insertions() {
    let (mut d, p) = one_paragraph("Agree.", "Acuerdan.");
    let keep = d.suggest_insert(&p, Lang::En, 5, " fully", &stamp("MX")).unwrap();
    let drop = d.suggest_insert(&p, Lang::Es, 8, " plenamente", &stamp("AR")).unwrap();
    let accepted = d.accept(&Selection::Ids(vec![keep])).unwrap();
    assert_eq!(accepted.len(), 1);
    d.reject(&Selection::Ids(vec![drop])).unwrap();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Agree fully.");
    assert_eq!(d.text(&p, Lang::Es).unwrap(), "Acuerdan.");
    assert!(d.suggestions().unwrap().is_empty());
}

/// Accepting a deletion removes the text; rejecting it restores plain text.
#[test]
fn accept_and_reject_deletions() {
    let (mut d, p) = one_paragraph("Agree to fully cooperate.", "x");
    let cut = d.suggest_delete(&p, Lang::En, 9, 15, &stamp("US")).unwrap().unwrap();
    let mut other = d.fork();
    d.accept(&Selection::Ids(vec![cut.clone()])).unwrap();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Agree to cooperate.");
    other.reject(&Selection::Ids(vec![cut])).unwrap();
    assert_eq!(other.text(&p, Lang::En).unwrap(), "Agree to fully cooperate.");
    assert!(other.suggestions().unwrap().is_empty());
}

/// Bulk actions by country, by paragraph and all touch exactly what they name.
#[test]
fn bulk_actions() {
    let (mut d, p) = one_paragraph("one two three", "uno dos tres");
    let q = d.insert_paragraph(1, para(ParagraphKind::Operative, "four five")).unwrap();
    d.suggest_insert(&p, Lang::En, 3, " and a half", &stamp("MX")).unwrap();
    d.suggest_delete(&p, Lang::Es, 0, 4, &stamp("MX")).unwrap();
    d.suggest_insert(&q, Lang::En, 4, "!", &stamp("AR")).unwrap();
    d.suggest_delete(&q, Lang::En, 5, 10, &stamp("MX")).unwrap();
    d.suggest_delete(&p, Lang::En, 0, 3, &stamp("BR")).unwrap();

    let mut by_country = d.fork();
    let done = by_country.accept(&Selection::Country("MX".parse().unwrap())).unwrap();
    assert_eq!(done.len(), 3);
    assert_eq!(by_country.text(&p, Lang::En).unwrap(), "one and a half two three");
    assert_eq!(by_country.text(&p, Lang::Es).unwrap(), "dos tres");
    assert_eq!(by_country.text(&q, Lang::En).unwrap(), "four!");
    assert_eq!(by_country.suggestions().unwrap().len(), 2);

    let mut by_paragraph = d.fork();
    by_paragraph.reject(&Selection::Paragraph(q.clone())).unwrap();
    assert_eq!(by_paragraph.text(&q, Lang::En).unwrap(), "four five");
    assert_eq!(by_paragraph.suggestions().unwrap().len(), 3);

    let mut all = d.fork();
    all.accept(&Selection::All).unwrap();
    assert_eq!(all.text(&p, Lang::En).unwrap(), " and a half two three");
    assert!(all.suggestions().unwrap().is_empty());
}

/// A country withdraws its own proposals; naming another country's is refused.
#[test]
fn withdraw_is_for_the_proposer() {
    let (mut d, p) = one_paragraph("ab", "ab");
    let mine = d.suggest_insert(&p, Lang::En, 1, "X", &stamp("PE")).unwrap();
    let theirs = d.suggest_insert(&p, Lang::En, 0, "Y", &stamp("CL")).unwrap();
    match d.withdraw(&"PE".parse().unwrap(), &Selection::Ids(vec![theirs.clone()])) {
        Err(DraftError::NotProposer { suggestion, country }) => {
            assert_eq!(suggestion, theirs);
            assert_eq!(country.as_str(), "CL");
        }
        other => panic!("{other:?}"),
    }
    let gone = d.withdraw(&"PE".parse().unwrap(), &Selection::All).unwrap();
    assert_eq!(gone.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), vec![mine]);
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Yab");
}

/// Unknown ids are refused before anything changes.
#[test]
fn unknown_suggestion_is_refused_whole() {
    let (mut d, p) = one_paragraph("ab", "ab");
    let real = d.suggest_insert(&p, Lang::En, 1, "X", &stamp("PE")).unwrap();
    let fake = "snothere".parse().unwrap();
    assert!(matches!(d.accept(&Selection::Ids(vec![real, fake])), Err(DraftError::UnknownSuggestion(_))));
    assert_eq!(d.suggestions().unwrap().len(), 1);
}

/// Two countries proposing to cut overlapping text each keep their whole proposal.
#[test]
fn overlapping_deletions_by_two_countries_survive() {
    let (mut d, p) = one_paragraph("the quick brown fox", "x");
    let mut x = d.fork();
    let mut y = d.fork();
    x.suggest_delete(&p, Lang::En, 4, 15, &stamp("MX")).unwrap();
    y.suggest_delete(&p, Lang::En, 10, 19, &stamp("AR")).unwrap();
    x.merge(&mut y).unwrap();
    let list = x.suggestions().unwrap();
    let text_of = |c: &str| list.iter().find(|s| s.country.as_str() == c).unwrap().text.clone();
    assert_eq!(text_of("MX"), "quick brown");
    assert_eq!(text_of("AR"), "brown fox");
    // Rejecting one leaves the other intact.
    x.reject(&Selection::Country("MX".parse().unwrap())).unwrap();
    assert_eq!(x.suggestions().unwrap()[0].text, "brown fox");
    d.merge(&mut x).unwrap();
    let _ = d;
}

/// Text inserted by one country while another concurrently proposed cutting the range
/// around it is not part of that cut.
#[test]
fn concurrent_insertion_is_not_swept_into_a_deletion() {
    let (mut d, p) = one_paragraph("hello world", "x");
    for pos in 4..=8 {
        let mut x = d.fork();
        let mut y = d.fork();
        x.suggest_delete(&p, Lang::En, 4, 8, &stamp("MX")).unwrap();
        y.splice(&p, Lang::En, pos, 0, "XY").unwrap();
        x.merge(&mut y).unwrap();
        let cut = x.suggestions().unwrap();
        assert_eq!(cut.len(), 1);
        assert_eq!(cut[0].text, "o wo", "insertion at {pos}");
        x.accept(&Selection::All).unwrap();
        assert!(x.text(&p, Lang::En).unwrap().contains("XY"));
    }
    d.commit();
}

/// Two members of one delegation (or one person in two windows) type at the same spot at
/// the same time. automerge anchors a mark's start to the character before it, so either
/// proposal's range can enclose the other's characters. Both insertions must stay
/// proposals, each credited to its author, and the rules must accept each replica's change
/// whichever reaches the server first.
#[test]
fn same_country_concurrent_insertions_at_one_spot_both_stay_proposals() {
    use pluma_core::automerge::{AutoCommit, ReadDoc};
    let (mut d, p) = one_paragraph("hello world", "x");
    for round in 0..24 {
        let mut x = colleagues_at_once(&mut d, &p, round, |x, y| {
            x.suggest_insert(&p, Lang::En, 5, " dear", &stamp("MX")).unwrap();
            y.suggest_insert(&p, Lang::En, 5, " old", &colleague("MX")).unwrap();
        });
        let mut texts: Vec<(String, String)> = x.suggestions().unwrap().into_iter().map(|s| (s.user.to_string(), s.text)).collect();
        texts.sort();
        assert_eq!(texts, vec![("umx".to_owned(), " dear".to_owned()), ("umx2".to_owned(), " old".to_owned())], "round {round}");
        // Accepting one leaves no insertion mark reaching over its words, the other's
        // included, and the other proposal as it was.
        let old = x.suggestions().unwrap().into_iter().find(|s| s.text == " old").unwrap();
        x.accept(&pluma_core::Selection::Ids(vec![old.id.clone()])).unwrap();
        x.commit();
        let doc = AutoCommit::load(&x.save()).unwrap();
        let text = text_obj(&doc, &p, "en");
        let words = old.ranges[0];
        for m in doc.marks(&text).unwrap().iter() {
            let reaches = m.start < words.1 && words.0 < m.end;
            assert!(!(reaches && m.name().starts_with("ins:")), "round {round}: {} still reaches over the accepted words", m.name());
        }
        let left: Vec<String> = x.suggestions().unwrap().into_iter().map(|s| s.text).collect();
        assert_eq!(left, vec![" dear".to_owned()], "round {round}");
    }
}

/// Two replicas of `d` with random actors edit at once: `edit` runs Mexico's delegate's
/// edit on the first and a colleague's on the second, which first makes `round % 4` extra
/// operations so that the rounds cover every order of the two replicas' operation ids.
/// Checks that the rules accept each replica's change whichever reaches the server first;
/// returns the first replica with both merged.
fn colleagues_at_once(
    d: &mut pluma_core::Draft,
    p: &pluma_core::ParagraphId,
    round: usize,
    edit: impl Fn(&mut pluma_core::Draft, &mut pluma_core::Draft),
) -> pluma_core::Draft {
    use pluma_core::automerge::{ActorId, AutoCommit};
    use pluma_core::rules::{Role, Who, check_on_copy};
    let who = |s: &pluma_core::Stamp| Who { user: s.user.clone(), role: Role::Delegate, country: Some(s.country.clone()) };
    let base = d.save();
    let base_heads = d.heads();
    let mut x = pluma_core::Draft::load(&base).unwrap();
    x.set_actor(ActorId::random());
    let mut y = pluma_core::Draft::load(&base).unwrap();
    y.set_actor(ActorId::random());
    for _ in 0..round % 4 {
        y.splice(p, Lang::Es, 0, 0, "y").unwrap();
        y.splice(p, Lang::Es, 0, 1, "").unwrap();
    }
    y.commit();
    let start = y.heads();
    edit(&mut x, &mut y);
    x.commit();
    y.commit();
    let from_x = x.changes_since(&base_heads);
    let from_y = y.changes_since(&start);
    let x_doc = AutoCommit::load(&x.save()).unwrap();
    check_on_copy(&x_doc, &from_y, &who(&colleague("MX")))
        .unwrap_or_else(|v| panic!("round {round}: the colleague's change refused: {v:?}"));
    let y_doc = AutoCommit::load(&y.save()).unwrap();
    check_on_copy(&y_doc, &from_x, &who(&stamp("MX"))).unwrap_or_else(|v| panic!("round {round}: the first change refused: {v:?}"));
    x.merge(&mut y).unwrap();
    x
}

fn text_obj(doc: &pluma_core::automerge::AutoCommit, p: &pluma_core::ParagraphId, lang: &str) -> pluma_core::automerge::ObjId {
    use pluma_core::automerge::{ROOT, ReadDoc};
    let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
    let (_, pm) = doc.get(&ps, p.as_str()).unwrap().unwrap();
    let (_, t) = doc.get(&pm, "text").unwrap().unwrap();
    doc.get(&t, lang).unwrap().unwrap().1
}

/// Two members of one delegation propose cutting overlapping words at the same time: the
/// rules accept each replica's change whichever reaches the server first, and every
/// character either proposed stays proposed for deletion.
#[test]
fn same_country_concurrent_deletions_of_overlapping_text_are_both_accepted() {
    let (mut d, p) = one_paragraph("we shall meet again soon", "x");
    for round in 0..24 {
        let mut x = colleagues_at_once(&mut d, &p, round, |x, y| {
            x.suggest_delete(&p, Lang::En, 3, 14, &stamp("MX")).unwrap();
            y.suggest_delete(&p, Lang::En, 9, 20, &colleague("MX")).unwrap();
        });
        let cut: String = x.suggestions().unwrap().into_iter().map(|s| s.text).collect();
        assert_eq!(cut.len(), "shall meet again ".len(), "round {round}: {cut:?}");
    }
}
