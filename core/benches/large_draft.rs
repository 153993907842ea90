//! A large negotiated draft: 200 bilingual paragraphs and 20,000 changes from five
//! delegations (proposals, deletions, direct edits, comments). Measures loading its bytes
//! with raw automerge (the floor any reader pays), listing every proposal, and attributing
//! every paragraph in both languages.
//!
//! Goal: listing and attributing each cost less than the raw load.
//! Run with `cargo bench -p pluma-core --bench large_draft`.

use std::collections::HashMap;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use pluma_core::automerge::{ActorId, AutoCommit};
use pluma_core::{Bilingual, Country, Draft, DraftKind, Lang, NewParagraph, ParagraphKind, Stamp};
use rand::{RngExt, SeedableRng};

const COUNTRIES: [&str; 5] = ["MX", "AR", "US", "PE", "BR"];
const WORDS: [&str; 8] = ["migrantes ", "cooperation ", "regional ", "protección ", "border ", "integración ", "rights ", "dialogue "];

/// Builds the draft; returns its bytes and the actor → country bindings.
fn build(paragraphs: usize, changes: usize) -> (Vec<u8>, HashMap<ActorId, Country>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2021);
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).expect("draft");
    for i in 0..paragraphs {
        d.insert_paragraph(
            i,
            NewParagraph {
                kind: if i < paragraphs / 4 { ParagraphKind::Preamble } else { ParagraphKind::Operative },
                section: Some((i % 6) as i64 + 1),
                editors: vec![],
                text: Bilingual {
                    en: format!("Agree to strengthen the exchange of information between both regional processes on item {i}."),
                    es: format!("Acuerdan fortalecer el intercambio de información entre ambos procesos regionales sobre el punto {i}."),
                },
            },
        )
        .expect("paragraph");
    }
    d.commit();
    let actors: Vec<ActorId> = (0..COUNTRIES.len()).map(|_| ActorId::random()).collect();
    let bindings = actors.iter().zip(COUNTRIES).map(|(a, c)| (a.clone(), c.parse().expect("country"))).collect();
    let ids = d.paragraph_ids().expect("ids");
    for n in 0..changes {
        let who = rng.random_range(0..COUNTRIES.len());
        d.set_actor(actors[who].clone());
        let by = Stamp {
            user: format!("u{}", COUNTRIES[who].to_lowercase()).parse().expect("user"),
            country: COUNTRIES[who].parse().expect("country"),
            at: 1_631_196_000_000 + n as i64,
        };
        let p = &ids[rng.random_range(0..ids.len())];
        let lang = if rng.random_bool(0.5) { Lang::En } else { Lang::Es };
        let len = d.text_len(p, lang).expect("length");
        let pos = rng.random_range(0..=len);
        match rng.random_range(0..20) {
            0..=11 => drop(d.suggest_insert(p, lang, pos, WORDS[rng.random_range(0..WORDS.len())], &by).expect("insert")),
            12..=15 if len > 4 => {
                let start = rng.random_range(0..len - 3);
                drop(d.suggest_delete(p, lang, start, start + 3, &by).expect("delete"));
            }
            16..=17 => d.splice(p, lang, pos, 0, "y ").expect("splice"),
            _ if len > 2 => {
                let start = rng.random_range(0..len - 2);
                drop(d.create_thread(p, lang, start, start + 2, "¿Podemos revisar esta *formulación*?", &by).expect("thread"));
            }
            _ => {}
        }
        d.commit();
    }
    (d.save(), bindings)
}

fn bench(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let (paragraphs, changes) = if full { (200, 20_000) } else { (20, 500) };
    let (bytes, bindings) = build(paragraphs, changes);
    let who = |a: &ActorId| bindings.get(a).cloned();
    let mut loaded = Draft::load(&bytes).expect("loads");
    let ids = loaded.paragraph_ids().expect("ids");
    println!(
        "large draft: {paragraphs} paragraphs, {changes} changes, {} bytes, {} pending proposals",
        bytes.len(),
        loaded.suggestions().expect("list").len()
    );

    let mut g = c.benchmark_group("large_draft");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("raw_automerge_load", |b| b.iter(|| AutoCommit::load(&bytes).expect("load")));
    g.bench_function("list_suggestions", |b| b.iter(|| loaded.suggestions().expect("list")));
    g.bench_function("attribute_every_paragraph", |b| {
        b.iter(|| {
            let view = loaded.view();
            for id in &ids {
                for lang in Lang::ALL {
                    std::hint::black_box(view.attribution(id, lang, &who).expect("attribution"));
                }
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
