//! Negotiating whole paragraphs: new paragraphs ("OP 5 bis"), deletions and moves proposed
//! by delegations and decided by chairs; replacements decided as one proposal, with their
//! counterpart in the other language.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{para, stamp};
use pluma_core::automerge::ActorId;
use pluma_core::{
    Bilingual, Draft, DraftError, DraftKind, Lang, NewParagraph, ParagraphId, ParagraphKind, ProposalKind, Selection, Slot, Status,
};

/// A communiqué with 3 preambular and 7 operative paragraphs ("PP n." / "OP n.").
fn communique() -> (Draft, Vec<ParagraphId>) {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let mut ids = Vec::new();
    for i in 1..=3 {
        ids.push(d.insert_paragraph(ids.len(), para(ParagraphKind::Preamble, &format!("PP {i}."))).unwrap());
    }
    for i in 1..=7 {
        ids.push(d.insert_paragraph(ids.len(), para(ParagraphKind::Operative, &format!("OP {i}."))).unwrap());
    }
    d.commit();
    (d, ids)
}

/// The labels of the draft as the web client shows them, in English.
fn labels(d: &mut Draft) -> Vec<String> {
    d.view().labels().unwrap().into_iter().map(|(_, _, l)| l.short(Lang::En).unwrap()).collect()
}

fn replica(d: &mut Draft) -> Draft {
    let mut r = Draft::load(&d.save()).unwrap();
    r.set_actor(ActorId::random());
    r
}

fn new_text(en: &str, es: &str) -> NewParagraph {
    NewParagraph { kind: ParagraphKind::Operative, section: None, editors: vec![], text: Bilingual { en: en.into(), es: es.into() } }
}

/// A new paragraph is "OP 5 bis" until accepted; accepted, it is OP 6 and the numbers after
/// it follow; rejected, it is gone and the text is as before.
#[test]
fn a_new_paragraph_is_bis_until_accepted() {
    let (mut d, ids) = communique();
    let op5 = &ids[7];
    let (new, proposal) =
        d.propose_paragraph(Some(op5), new_text("Peru's new paragraph.", "Nuevo párrafo del Perú."), &stamp("PE")).unwrap();
    d.commit();
    assert_eq!(labels(&mut d)[7..], ["OP 5", "OP 5 bis", "OP 6", "OP 7"]);
    let listed = d.proposals().unwrap();
    let p = listed.iter().find(|p| p.id == proposal).unwrap();
    assert_eq!((p.kind, p.country.as_str(), &p.paragraph, p.one_language), (ProposalKind::NewParagraph, "PE", &new, false));

    let mut rejected = d.fork();
    rejected.reject(&Selection::Ids(vec![proposal.clone()])).unwrap();
    assert_eq!(rejected.paragraph_ids().unwrap(), ids);
    assert!(rejected.proposals().unwrap().is_empty());

    d.accept(&Selection::Ids(vec![proposal])).unwrap();
    assert_eq!(labels(&mut d)[7..], ["OP 5", "OP 6", "OP 7", "OP 8"]);
    assert_eq!(d.text(&new, Lang::Es).unwrap(), "Nuevo párrafo del Perú.");
    assert!(d.proposals().unwrap().is_empty());
}

/// A new paragraph in one language only is flagged for concordance; its proposer edits its
/// text directly, as its own.
#[test]
fn a_new_paragraph_in_one_language_is_flagged() {
    let (mut d, ids) = communique();
    let (new, _) = d.propose_paragraph(Some(&ids[2]), new_text("Recalling the 2021 plenary,", ""), &stamp("CL")).unwrap();
    let p = d.proposals().unwrap().into_iter().find(|p| p.paragraph == new).unwrap();
    assert_eq!((p.languages.clone(), p.one_language), (vec![Lang::En], true));
    assert_eq!(labels(&mut d)[3], "OP 0 bis");
}

/// Two delegations proposing new paragraphs after the same paragraph at the same time both
/// keep theirs, in the same order on both replicas: bis and ter.
#[test]
fn concurrent_new_paragraphs_after_one_paragraph_both_stay() {
    let (mut d, ids) = communique();
    let (mut pe, mut us) = (replica(&mut d), replica(&mut d));
    let (a, _) = pe.propose_paragraph(Some(&ids[4]), new_text("Peru.", "Perú."), &stamp("PE")).unwrap();
    let (b, _) = us.propose_paragraph(Some(&ids[4]), new_text("United States.", "Estados Unidos."), &stamp("US")).unwrap();
    pe.merge(&mut us).unwrap();
    us.merge(&mut pe).unwrap();
    assert_eq!(pe.paragraph_ids().unwrap(), us.paragraph_ids().unwrap());
    let order = pe.paragraph_ids().unwrap();
    assert!(order.contains(&a) && order.contains(&b));
    assert_eq!(labels(&mut pe)[5..8], ["OP 2 bis", "OP 2 ter", "OP 3"]);
    assert_eq!(pe.proposals().unwrap(), us.proposals().unwrap());
}

/// A paragraph proposed for deletion keeps its place and number until decided; accepted, it
/// goes; rejected, it stays.
#[test]
fn deleting_a_paragraph() {
    let (mut d, ids) = communique();
    let op7 = &ids[9];
    let cut = d.propose_paragraph_deletion(op7, &stamp("US")).unwrap();
    assert_eq!(labels(&mut d)[9], "OP 7");
    let p = d.proposals().unwrap().into_iter().find(|p| p.id == cut).unwrap();
    assert_eq!((p.kind, p.country.as_str()), (ProposalKind::DeleteParagraph, "US"));
    let mut kept = d.fork();
    kept.reject(&Selection::Ids(vec![cut.clone()])).unwrap();
    assert_eq!(kept.paragraph_ids().unwrap(), ids);
    d.accept(&Selection::Ids(vec![cut])).unwrap();
    assert_eq!(d.paragraph_ids().unwrap(), ids[..9]);
}

/// A deletion proposed while another delegation proposes text in that paragraph: both stay
/// pending after the replicas meet.
#[test]
fn a_deletion_and_an_edit_of_one_paragraph_both_stay() {
    let (mut d, ids) = communique();
    let (mut us, mut pe) = (replica(&mut d), replica(&mut d));
    us.propose_paragraph_deletion(&ids[4], &stamp("US")).unwrap();
    pe.suggest_insert(&ids[4], Lang::En, 0, "Peru: ", &stamp("PE")).unwrap();
    us.merge(&mut pe).unwrap();
    pe.merge(&mut us).unwrap();
    let kinds = |d: &mut Draft| d.proposals().unwrap().into_iter().map(|p| (p.kind, p.country.to_string())).collect::<Vec<_>>();
    assert_eq!(kinds(&mut us), [(ProposalKind::DeleteParagraph, "US".to_owned()), (ProposalKind::Text, "PE".to_owned())]);
    assert_eq!(kinds(&mut pe), kinds(&mut us));
}

/// A move is shown at both places until decided; accepted, the paragraph is at its new
/// place only; rejected, at its old place only.
#[test]
fn moving_a_paragraph() {
    let (mut d, ids) = communique();
    let (pp1, op2) = (&ids[0], &ids[4]);
    let mv = d.propose_paragraph_move(pp1, Some(&ids[2]), &stamp("AR")).unwrap();
    let slots = d.view().slots().unwrap();
    assert_eq!(slots.len(), ids.len() + 1);
    assert_eq!(slots[0], Slot::Paragraph { paragraph: pp1.clone() });
    assert_eq!(slots[3], Slot::MovedHere { paragraph: pp1.clone(), proposal: mv.clone() });
    let p = d.proposals().unwrap().into_iter().find(|p| p.id == mv).unwrap();
    assert_eq!((p.kind, p.after.as_ref()), (ProposalKind::MoveParagraph, Some(&ids[2])));

    let mut rejected = d.fork();
    rejected.reject(&Selection::Ids(vec![mv.clone()])).unwrap();
    assert_eq!(rejected.paragraph_ids().unwrap(), ids);
    assert_eq!(rejected.view().slots().unwrap().len(), ids.len());

    d.accept(&Selection::Ids(vec![mv])).unwrap();
    let mut expected = ids.clone();
    let moved = expected.remove(0);
    expected.insert(2, moved);
    assert_eq!(d.paragraph_ids().unwrap(), expected);
    assert_eq!(d.view().slots().unwrap().len(), ids.len());
    // Moving after itself, or to where it is, is refused.
    assert!(matches!(d.propose_paragraph_move(op2, Some(&ids[3]), &stamp("AR")), Err(DraftError::InvalidMove { .. })));
}

/// An agreed paragraph takes no proposal.
#[test]
fn an_agreed_paragraph_takes_no_paragraph_proposal() {
    let (mut d, ids) = communique();
    d.set_status(&ids[5], Status::Agreed).unwrap();
    assert!(matches!(d.propose_paragraph_deletion(&ids[5], &stamp("US")), Err(DraftError::ParagraphAgreed(_))));
    assert!(matches!(d.propose_paragraph_move(&ids[5], None, &stamp("US")), Err(DraftError::ParagraphAgreed(_))));
}

/// "Replace 'encourage' with 'commit to'" is one proposal, with its Spanish counterpart
/// attached: one id, decided as a whole in both languages.
#[test]
fn a_replacement_with_its_counterpart_is_one_proposal() {
    let (mut d, p) = fixtures::one_paragraph("Encourage joint training.", "Alentar la capacitación conjunta.");
    let mx = stamp("MX");
    let id = d.suggest_replace(&p, Lang::En, (0, 9), "Commit to", &mx, None).unwrap();
    let listed = d.proposals().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].is_replacement() && listed[0].one_language);
    d.suggest_replace(&p, Lang::Es, (0, 7), "Comprometerse a", &mx, Some(&id)).unwrap();
    d.commit();
    let listed = d.proposals().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!((listed[0].parts.len(), listed[0].languages.clone(), listed[0].one_language), (4, vec![Lang::En, Lang::Es], false));

    let mut accepted = d.fork();
    accepted.accept(&Selection::Ids(vec![id.clone()])).unwrap();
    assert_eq!(accepted.text(&p, Lang::En).unwrap(), "Commit to joint training.");
    assert_eq!(accepted.text(&p, Lang::Es).unwrap(), "Comprometerse a la capacitación conjunta.");
    let mut rejected = d.fork();
    rejected.reject(&Selection::Ids(vec![id.clone()])).unwrap();
    assert_eq!(rejected.text(&p, Lang::En).unwrap(), "Encourage joint training.");
    assert_eq!(rejected.text(&p, Lang::Es).unwrap(), "Alentar la capacitación conjunta.");
    d.withdraw(&"MX".parse().unwrap(), &Selection::Ids(vec![id])).unwrap();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Encourage joint training.");
    assert!(d.proposals().unwrap().is_empty());
}

/// Typing on after a replacement's first letters continues the same proposal.
#[test]
fn typing_on_after_a_replacement_continues_it() {
    let (mut d, p) = fixtures::one_paragraph("Encourage joint training.", "x");
    let mx = stamp("MX");
    let id = d.suggest_replace(&p, Lang::En, (0, 9), "C", &mx, None).unwrap();
    let again = d.suggest_insert(&p, Lang::En, 10, "ommit to", &mx).unwrap();
    assert_eq!(again, id);
    let listed = d.proposals().unwrap();
    assert_eq!(listed.len(), 1);
    let inserted: Vec<_> = listed[0].parts.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(inserted, ["Encourage", "Commit to"]);
}

/// Comparing versions credits new, deleted and moved paragraphs to the delegations that
/// proposed them, not to the chair who accepted them.
#[test]
fn comparisons_credit_paragraphs_to_their_proposers() {
    let (mut d, ids) = communique();
    let before = d.heads();
    let (new, _) = d.propose_paragraph(Some(&ids[7]), new_text("Peru's paragraph.", "Párrafo del Perú."), &stamp("PE")).unwrap();
    d.propose_paragraph_deletion(&ids[9], &stamp("US")).unwrap();
    d.propose_paragraph_move(&ids[0], Some(&ids[2]), &stamp("AR")).unwrap();
    d.commit();
    let pending = d.heads();
    // The chair (Mexico's replica) accepts everything.
    let mut chair = replica(&mut d);
    chair.accept(&Selection::All).unwrap();
    chair.commit();
    let decided = chair.heads();
    let country_of = |_: &pluma_core::automerge::ActorId| Some("MX".parse().unwrap());
    let by = |cmp: &pluma_core::compare::Comparison, id: &ParagraphId| {
        cmp.paragraphs.iter().find(|p| &p.id == id).and_then(|p| p.by.clone()).map(|c| c.to_string())
    };

    let all = chair.compare(Some(&before), Some(&decided), Lang::En, &country_of).unwrap();
    assert_eq!(by(&all, &ids[9]).as_deref(), Some("US"), "the deletion is the United States'");
    assert_eq!(by(&all, &ids[0]).as_deref(), Some("AR"), "proposed and accepted between the versions: still Argentina's move");
    let since_proposed = chair.compare(Some(&pending), Some(&decided), Lang::En, &country_of).unwrap();
    assert_eq!(by(&since_proposed, &ids[0]).as_deref(), Some("AR"), "the move is Argentina's");
    assert_eq!(by(&since_proposed, &ids[9]).as_deref(), Some("US"));
    let proposed = d.compare(Some(&before), Some(&pending), Lang::En, &country_of).unwrap();
    assert_eq!(by(&proposed, &new).as_deref(), Some("PE"), "a new paragraph still proposed is Peru's");
}

/// An agreed paragraph is the chairs' alone: the secretariat may neither delete it nor
/// accept a proposal to delete it (made before it was agreed); a chair may.
#[test]
fn only_a_chair_removes_an_agreed_paragraph() {
    use pluma_core::rules::{Role, Rule, Who, check_on_copy};
    let (mut d, ids) = communique();
    d.propose_paragraph_deletion(&ids[4], &stamp("US")).unwrap();
    d.set_status(&ids[4], Status::Agreed).unwrap();
    d.commit();
    let bytes = d.save();
    let who = |role, country: &str| Who { user: format!("u-{country}").parse().unwrap(), role, country: Some(country.parse().unwrap()) };
    for (role, country, expected) in [(Role::Secretariat, "SEC", Err(Rule::AgreedFrozen)), (Role::Chair, "AR", Ok(()))] {
        let mut r = Draft::load(&bytes).unwrap();
        r.set_actor(ActorId::random());
        let heads = r.heads();
        r.accept(&Selection::Paragraph(ids[4].clone())).unwrap();
        let changes = r.changes_since(&heads);
        let before = pluma_core::automerge::AutoCommit::load(&bytes).unwrap();
        let verdict = check_on_copy(&before, &changes, &who(role, country)).map(drop).map_err(|v| v.rule);
        assert_eq!(verdict, expected, "{role:?} accepting the deletion of an agreed paragraph");
    }
}
