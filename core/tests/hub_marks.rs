//! A document that only ever receives changes (as the server's copy does) reads the same
//! marks as the same history loaded from bytes, after every batch.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::para;
use pluma_core::automerge::{ActorId, AutoCommit, Change, ObjId, ROOT, ReadDoc};
use pluma_core::{Bilingual, Draft, DraftKind, Lang, ParagraphKind, Selection, Stamp};
use proptest::prelude::*;

fn texts(doc: &AutoCommit) -> Vec<ObjId> {
    let mut out = vec![];
    let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
    for k in doc.keys(&ps) {
        let (_, p) = doc.get(&ps, &k).unwrap().unwrap();
        let (_, t) = doc.get(&p, "text").unwrap().unwrap();
        for l in ["en", "es"] {
            out.push(doc.get(&t, l).unwrap().unwrap().1);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random proposals, accepts and rejects by five replicas, relayed through a hub that
    /// applies every change it receives (as the server does): the hub and every replica read
    /// the same marks as their own history loaded from bytes, after every batch.
    #[test]
    fn hub_marks_match_reload(ops in proptest::collection::vec((0usize..5, 0u8..6, any::<u16>(), any::<u16>(), 0usize..5), 1..80)) {
        let mut base = Draft::new(DraftKind::Communique, Bilingual { en: "T", es: "T" }).unwrap();
        for (i, t) in ["Recognizing that migration matters,", "Agree to cooperate.", "Decide to meet again."].iter().enumerate() {
            base.insert_paragraph(i, para(ParagraphKind::Operative, t)).unwrap();
        }
        let bytes = base.save();
        let mut hub = AutoCommit::load(&bytes).unwrap();
        let mut replicas: Vec<Draft> = (0..5).map(|_| { let mut d = Draft::load(&bytes).unwrap(); d.set_actor(ActorId::random()); d }).collect();
        let countries = ["MX", "AR", "US", "PE", "BR"];
        for (step, (r, kind, a, b, src)) in ops.into_iter().enumerate() {
            if step % 7 == 6 {
                // The server loads documents from storage; a loaded hub must behave the same.
                hub = AutoCommit::load(&hub.save()).unwrap();
            }
            let by = Stamp { user: format!("u{r}").parse().unwrap(), country: countries[r].parse().unwrap(), at: 1 };
            let d = &mut replicas[r];
            let before = d.heads();
            let ids = d.paragraph_ids().unwrap();
            let p = ids[a as usize % ids.len()].clone();
            let l = if b % 2 == 0 { Lang::En } else { Lang::Es };
            let n = d.text(&p, l).unwrap().chars().count();
            match kind {
                0 | 1 => { d.suggest_insert(&p, l, a as usize % (n + 1), "ab", &by).unwrap(); }
                2 if n > 0 => { let s = a as usize % n; let _ = d.suggest_delete(&p, l, s, (s + 1 + b as usize % 3).min(n), &by).unwrap(); }
                3 => { let all = d.suggestions().unwrap(); if !all.is_empty() { d.accept(&Selection::Ids(vec![all[b as usize % all.len()].id.clone()])).unwrap(); } }
                4 => { let all = d.suggestions().unwrap(); if !all.is_empty() { d.reject(&Selection::Ids(vec![all[b as usize % all.len()].id.clone()])).unwrap(); } }
                _ => { d.splice(&p, l, a as usize % (n + 1), 0, "z").unwrap(); }
            }
            d.commit();
            // The hub receives the replica's new changes as bytes, as the server does.
            let new: Vec<Change> = d.changes_since(&before).iter().map(|c| Change::from_bytes(c.raw_bytes().to_vec()).unwrap()).collect();
            hub.apply_changes(new).unwrap();
            let reloaded = AutoCommit::load(&hub.save()).unwrap();
            for o in texts(&hub) {
                prop_assert_eq!(hub.marks(&o).unwrap(), reloaded.marks(&o).unwrap(), "hub");
            }
            // Another replica catches up from the hub.
            let have = replicas[src].heads();
            let missing: Vec<Change> = hub.get_changes(&have).iter().map(|c| Change::from_bytes(c.raw_bytes().to_vec()).unwrap()).collect();
            replicas[src].apply_changes(missing).unwrap();
            let rb = replicas[src].save();
            let reloaded = AutoCommit::load(&rb).unwrap();
            let doc = replicas[src].automerge();
            for o in texts(doc) {
                prop_assert_eq!(doc.marks(&o).unwrap(), reloaded.marks(&o).unwrap(), "replica {}", src);
            }
        }
    }
}
