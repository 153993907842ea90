//! Alternative formulations: proposing, co-sponsoring, withdrawing and adopting, what the
//! permission rules allow each delegation, and how concurrent actions merge.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{ActorId, AutoCommit, ObjId, ROOT, ReadDoc};
use pluma_core::rules::{Role, Rule, Who, check_on_copy};
use pluma_core::schema::AlternativeState;
use pluma_core::{AlternativeId, Bilingual, Country, Draft, DraftError, DraftKind, Lang, NewParagraph, ParagraphId, ParagraphKind, Stamp};

fn c(code: &str) -> Country {
    code.parse().unwrap()
}

fn stamp(country: &str, at: i64) -> Stamp {
    Stamp { user: format!("u-{}", country.to_lowercase()).parse().unwrap(), country: c(country), at }
}

fn who(country: &str, role: Role) -> Who {
    Who { user: format!("u-{}", country.to_lowercase()).parse().unwrap(), role, country: Some(c(country)) }
}

fn base() -> (Draft, ParagraphId) {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let p = d
        .insert_paragraph(
            0,
            NewParagraph {
                kind: ParagraphKind::Operative,
                section: None,
                editors: vec![],
                text: Bilingual { en: "Agree to cooperate.".into(), es: "Acuerdan cooperar.".into() },
            },
        )
        .unwrap();
    d.commit();
    (d, p)
}

fn replica(d: &mut Draft) -> Draft {
    let mut r = Draft::load(&d.save()).unwrap();
    r.set_actor(ActorId::random());
    r
}

/// A delegation proposes; others co-sponsor; alternatives are numbered by time proposed.
#[test]
fn proposing_and_cosponsoring_number_the_alternatives() {
    let (mut d, p) = base();
    let a1 =
        d.propose_alternative(&p, Bilingual { en: "Agree to work together.", es: "Acuerdan trabajar juntos." }, &stamp("PE", 10)).unwrap();
    let a2 = d.propose_alternative(&p, Bilingual { en: "Decide to cooperate.", es: "Deciden cooperar." }, &stamp("US", 20)).unwrap();
    d.cosponsor_alternative(&p, &a1, &c("AR")).unwrap();
    d.cosponsor_alternative(&p, &a1, &c("AR")).unwrap();
    let alts = d.alternatives(&p).unwrap();
    assert_eq!(alts.iter().map(|a| (&a.id, a.number)).collect::<Vec<_>>(), [(&a1, 1), (&a2, 2)]);
    assert_eq!(alts[0].sponsors, [c("PE"), c("AR")]);
    assert_eq!(alts[0].text.es, "Acuerdan trabajar juntos.");
    assert_eq!(alts[0].proposer, stamp("PE", 10));
    assert_eq!(alts[1].state, AlternativeState::Proposed);
    // The paragraph's own text is untouched until adoption.
    assert_eq!(d.text(&p, Lang::En).unwrap(), "Agree to cooperate.");
}

/// A co-sponsor leaving removes only its country; the proposer leaving withdraws the
/// alternative, which stays on record and takes no new sponsors.
#[test]
fn withdrawing_sponsorship_and_the_alternative() {
    let (mut d, p) = base();
    let a = d.propose_alternative(&p, Bilingual { en: "X.", es: "X." }, &stamp("PE", 1)).unwrap();
    d.cosponsor_alternative(&p, &a, &c("AR")).unwrap();
    d.withdraw_sponsorship(&p, &a, &c("AR")).unwrap();
    assert_eq!(d.alternatives(&p).unwrap()[0].sponsors, [c("PE")]);
    assert!(matches!(d.withdraw_sponsorship(&p, &a, &c("US")), Err(DraftError::NotSponsor { .. })));
    d.withdraw_sponsorship(&p, &a, &c("PE")).unwrap();
    let alt = &d.alternatives(&p).unwrap()[0];
    assert_eq!((alt.state, &alt.sponsors), (AlternativeState::Withdrawn, &vec![c("PE")]));
    assert!(matches!(d.cosponsor_alternative(&p, &a, &c("US")), Err(DraftError::AlternativeNotProposed { .. })));
}

/// Adoption makes the alternative's texts the paragraph's; the other alternatives stay.
#[test]
fn adopting_replaces_the_paragraph_text() {
    let (mut d, p) = base();
    let a1 =
        d.propose_alternative(&p, Bilingual { en: "Agree to work together.", es: "Acuerdan trabajar juntos." }, &stamp("PE", 1)).unwrap();
    let a2 = d.propose_alternative(&p, Bilingual { en: "Decide to cooperate.", es: "Deciden cooperar." }, &stamp("US", 2)).unwrap();
    d.adopt_alternative(&p, &a2).unwrap();
    assert_eq!(d.texts(&p).unwrap(), Bilingual { en: "Decide to cooperate.".into(), es: "Deciden cooperar.".into() });
    let alts = d.alternatives(&p).unwrap();
    assert_eq!(
        alts.iter().map(|a| (&a.id, a.state)).collect::<Vec<_>>(),
        [(&a1, AlternativeState::Proposed), (&a2, AlternativeState::Adopted)]
    );
    assert!(matches!(d.adopt_alternative(&p, &a2), Err(DraftError::AlternativeNotProposed { .. })));
    let unknown: AlternativeId = "anope".parse().unwrap();
    assert!(matches!(d.adopt_alternative(&p, &unknown), Err(DraftError::UnknownAlternative { .. })));
    assert!(matches!(
        d.propose_alternative(&p, Bilingual { en: "Only English.", es: " " }, &stamp("PE", 3)),
        Err(DraftError::InvalidAlternative(_))
    ));
}

/// Two delegations proposing at once, and two co-sponsoring at once, all count after a merge.
#[test]
fn concurrent_proposals_and_sponsorships_merge() {
    let (mut d, p) = base();
    let (mut pe, mut us) = (replica(&mut d), replica(&mut d));
    let a = pe.propose_alternative(&p, Bilingual { en: "A.", es: "A." }, &stamp("PE", 1)).unwrap();
    us.propose_alternative(&p, Bilingual { en: "B.", es: "B." }, &stamp("US", 1)).unwrap();
    pe.commit();
    us.commit();
    pe.merge(&mut us).unwrap();
    assert_eq!(pe.alternatives(&p).unwrap().len(), 2);
    let (mut ar, mut cl) = (replica(&mut pe), replica(&mut pe));
    ar.cosponsor_alternative(&p, &a, &c("AR")).unwrap();
    cl.cosponsor_alternative(&p, &a, &c("CL")).unwrap();
    ar.commit();
    cl.commit();
    ar.merge(&mut cl).unwrap();
    cl.merge(&mut ar).unwrap();
    let sponsors = |d: &mut Draft| d.view().alternative(&p, &a).unwrap().sponsors.len();
    assert_eq!((sponsors(&mut ar), sponsors(&mut cl)), (3, 3));
}

/// Checks `act`, made on a replica of `d`, for `who`.
fn check(d: &mut Draft, who: &Who, act: impl FnOnce(&mut Draft)) -> Result<(), Rule> {
    let bytes = d.save();
    let mut r = Draft::load(&bytes).unwrap();
    r.set_actor(ActorId::random());
    let heads = r.heads();
    act(&mut r);
    let changes = r.changes_since(&heads);
    check_on_copy(&AutoCommit::load(&bytes).unwrap(), &changes, who).map(drop).map_err(|v| v.rule)
}

/// Checks a hand-made change to the raw document for `who`.
fn forged(d: &mut Draft, who: &Who, forge: impl FnOnce(&mut AutoCommit)) -> Result<(), Rule> {
    let bytes = d.save();
    let mut doc = AutoCommit::load(&bytes).unwrap().with_actor(ActorId::random());
    let heads = doc.get_heads();
    forge(&mut doc);
    doc.commit();
    let changes = doc.get_changes(&heads);
    check_on_copy(&AutoCommit::load(&bytes).unwrap(), &changes, who).map(drop).map_err(|v| v.rule)
}

fn alt_obj(doc: &AutoCommit, p: &ParagraphId, a: &AlternativeId) -> ObjId {
    let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
    let (_, pm) = doc.get(&ps, p.as_str()).unwrap().unwrap();
    let (_, alts) = doc.get(&pm, "alternatives").unwrap().unwrap();
    doc.get(&alts, a.as_str()).unwrap().unwrap().1
}

/// The rules: proposals and sponsorships only in one's own name, texts edited only by the
/// proposer, adoption only by a chair, nothing removed.
#[test]
fn rules_keep_each_delegation_to_its_own_name() {
    let (mut d, p) = base();
    let a = d.propose_alternative(&p, Bilingual { en: "A.", es: "A." }, &stamp("PE", 1)).unwrap();
    d.commit();
    let pe = who("PE", Role::Delegate);
    let us = who("US", Role::Delegate);
    let chair = who("MX", Role::Chair);
    // Proposing in one's own name passes; in Peru's name, or with a co-sponsor already, not.
    assert_eq!(check(&mut d, &us, |r| drop(r.propose_alternative(&p, Bilingual { en: "B.", es: "B." }, &stamp("US", 2)).unwrap())), Ok(()));
    assert_eq!(
        check(&mut d, &us, |r| drop(r.propose_alternative(&p, Bilingual { en: "B.", es: "B." }, &stamp("PE", 2)).unwrap())),
        Err(Rule::AlternativeSponsor)
    );
    assert_eq!(
        check(&mut d, &us, |r| {
            let b = r.propose_alternative(&p, Bilingual { en: "B.", es: "B." }, &stamp("US", 2)).unwrap();
            r.cosponsor_alternative(&p, &b, &c("AR")).unwrap();
        }),
        Err(Rule::AlternativeSponsor)
    );
    // Co-sponsoring: one's own country only.
    assert_eq!(check(&mut d, &us, |r| r.cosponsor_alternative(&p, &a, &c("US")).unwrap()), Ok(()));
    assert_eq!(check(&mut d, &us, |r| r.cosponsor_alternative(&p, &a, &c("CA")).unwrap()), Err(Rule::AlternativeSponsor));
    // Editing the text: Peru may, the United States may not.
    let edit = |doc: &mut AutoCommit| {
        let o = alt_obj(doc, &p, &a);
        let (_, t) = doc.get(&o, "text").unwrap().unwrap();
        let (_, en) = doc.get(&t, "en").unwrap().unwrap();
        doc.splice_text(&en, 0, 0, "Also ").unwrap();
    };
    assert_eq!(forged(&mut d, &pe, edit), Ok(()));
    assert_eq!(forged(&mut d, &us, edit), Err(Rule::AlternativeText));
    // Adoption: the chair only, even by a raw state change.
    let adopt_raw = |doc: &mut AutoCommit| {
        let o = alt_obj(doc, &p, &a);
        doc.put(&o, "state", "adopted").unwrap();
    };
    assert_eq!(forged(&mut d, &pe, adopt_raw), Err(Rule::AlternativeAdopt));
    assert_eq!(check(&mut d, &chair, |r| r.adopt_alternative(&p, &a).unwrap()), Ok(()));
    // Withdrawal: Peru's own only.
    assert_eq!(check(&mut d, &pe, |r| r.withdraw_sponsorship(&p, &a, &c("PE")).unwrap()), Ok(()));
    let withdraw_raw = |doc: &mut AutoCommit| {
        let o = alt_obj(doc, &p, &a);
        doc.put(&o, "state", "withdrawn").unwrap();
    };
    assert_eq!(forged(&mut d, &us, withdraw_raw), Err(Rule::AlternativeSponsor));
    // Nothing is removed, not even by a chair; no unknown fields.
    let remove = |doc: &mut AutoCommit| {
        let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
        let (_, pm) = doc.get(&ps, p.as_str()).unwrap().unwrap();
        let (_, alts) = doc.get(&pm, "alternatives").unwrap().unwrap();
        doc.delete(&alts, a.as_str()).unwrap();
    };
    assert_eq!(forged(&mut d, &chair, remove), Err(Rule::AlternativeText));
    let extra = |doc: &mut AutoCommit| {
        let o = alt_obj(doc, &p, &a);
        doc.put(&o, "votes", 3).unwrap();
    };
    assert_eq!(forged(&mut d, &pe, extra), Err(Rule::Schema));
    // The secretariat drafts but does not sponsor.
    let sec = Who { user: "u-sec".parse().unwrap(), role: Role::Secretariat, country: Some(c("SEC")) };
    assert_eq!(
        check(&mut d, &sec, |r| drop(r.propose_alternative(&p, Bilingual { en: "S.", es: "S." }, &stamp("SEC", 2)).unwrap())),
        Err(Rule::AlternativeSponsor)
    );
}
