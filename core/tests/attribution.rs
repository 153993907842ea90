//! Attribution: which delegation inserted each run of characters.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::collections::HashMap;

use fixtures::stamp;
use pluma_core::automerge::ActorId;
use pluma_core::{Bilingual, Country, Draft, DraftKind, Lang, NewParagraph, ParagraphKind};

/// Characters are credited to the delegation bound to the actor that inserted them, and
/// the pending proposals' countries are listed.
#[test]
fn runs_are_credited_by_actor() {
    let mut base = Draft::new(DraftKind::Communique, Bilingual { en: "t", es: "t" }).unwrap();
    let p = base
        .insert_paragraph(
            0,
            NewParagraph {
                kind: ParagraphKind::Operative,
                section: None,
                editors: vec![],
                text: Bilingual { en: "Agree.".into(), es: "Acuerdan.".into() },
            },
        )
        .unwrap();
    base.commit();
    let seed = base.actor().clone();
    let mut mx = base.fork();
    let mut ar = base.fork();
    let bindings: HashMap<ActorId, Country> =
        HashMap::from([(mx.actor().clone(), "MX".parse().unwrap()), (ar.actor().clone(), "AR".parse().unwrap())]);
    mx.suggest_insert(&p, Lang::En, 5, " fully", &stamp("MX")).unwrap();
    ar.splice(&p, Lang::En, 0, 0, "We ").unwrap();
    mx.merge(&mut ar).unwrap();
    let who = |a: &ActorId| bindings.get(a).cloned();
    let at = mx.view().attribution(&p, Lang::En, &who).unwrap();
    assert_eq!(mx.text(&p, Lang::En).unwrap(), "We Agree fully.");
    let runs: Vec<(usize, usize, Option<&str>)> =
        at.runs.iter().map(|r| (r.start, r.end, r.country.as_ref().map(|c| c.as_str()))).collect();
    assert_eq!(runs, vec![(0, 3, Some("AR")), (3, 8, None), (8, 14, Some("MX")), (14, 15, None)]);
    assert_eq!(at.pending.iter().map(|c| c.as_str()).collect::<Vec<_>>(), vec!["MX"]);
    assert!(!bindings.contains_key(&seed));
}
