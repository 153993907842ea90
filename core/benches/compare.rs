//! Comparing two versions of a 200-paragraph bilingual draft in which 5% of the words of
//! both languages changed (five delegations, proposals and direct edits), and exporting it.
//!
//! Goals (issue 6): the JSON diff costs at most 3× a bare `similar` word diff of the same
//! texts; the DOCX export costs less than one automerge load of the draft. Measured in the
//! same run:
//! - `similar_words_{lang}`: `similar::TextDiff::from_words` over every paragraph pair,
//!   texts already in memory (the floor).
//! - `core_words_{lang}`: Pluma's word diff of the same texts (tokens, hunks, moves).
//! - `json_diff_{lang}`: what the server does for two saved versions: `compare_snapshots`
//!   of the two versions' snapshots, then `Comparison::to_json`.
//! - `snapshot_decode`: reading one version's snapshot back from its stored JSON (the
//!   server does it for each version it has not yet cached).
//! - `snapshot_make`: making one version's snapshot from the loaded document (once per
//!   version, when it is first compared).
//! - `json_diff_from_document_{lang}`: `Draft::compare`, which makes both snapshots from
//!   the document and compares them (a version against the current text).
//! - `html_{lang}`, `markdown_{lang}`, `docx_redline_{lang}`: rendering the comparison.
//! - `automerge_load` vs `docx_tracked_export_{lang}` (the draft as it stands, proposals as
//!   Word revisions, from an already loaded draft).
//!
//! Run with `cargo bench -p pluma-core --bench compare`. Without `--bench` (as under
//! `cargo test --all-targets`) it runs once on a small draft.

use std::collections::HashMap;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use pluma_core::automerge::{ActorId, AutoCommit, ChangeHash};
use pluma_core::compare::{Snapshot, compare_snapshots, diff_texts};
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::{Bilingual, Country, Draft, DraftKind, Lang, NewParagraph, ParagraphKind, Stamp};
use rand::{RngExt, SeedableRng};

const COUNTRIES: [&str; 5] = ["MX", "AR", "US", "PE", "BR"];
const EN: &str = "Agree to strengthen the exchange of information and good practices between both regional processes on the protection of migrants in vulnerable situations, including children and adolescents, in line with national legislation and international commitments";
const ES: &str = "Acuerdan fortalecer el intercambio de información y buenas prácticas entre ambos procesos regionales sobre la protección de las personas migrantes en situación de vulnerabilidad, incluidos niños, niñas y adolescentes, conforme a la legislación nacional y los compromisos internacionales";
const NEW_WORDS: [&str; 6] = ["regular", "ordenada", "segura", "cooperation", "integración", "rights"];

struct Fixture {
    bytes: Vec<u8>,
    v1: Vec<ChangeHash>,
    v2: Vec<ChangeHash>,
    bindings: HashMap<ActorId, Country>,
    texts: Bilingual<Vec<(String, String)>>,
}

/// Builds version 1, then changes 5% of the words of every text (each change by one of five
/// delegations: a proposed replacement or a direct one), giving version 2.
fn build(paragraphs: usize) -> Fixture {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2021);
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).expect("draft");
    for i in 0..paragraphs {
        let text = Bilingual { en: format!("{EN} ({i})."), es: format!("{ES} ({i}).") };
        d.insert_paragraph(i, NewParagraph { kind: ParagraphKind::Operative, section: None, editors: vec![], text }).expect("paragraph");
    }
    d.commit();
    let v1 = d.heads();
    let actors: Vec<ActorId> = (0..COUNTRIES.len()).map(|_| ActorId::random()).collect();
    let bindings = actors.iter().zip(COUNTRIES).map(|(a, c)| (a.clone(), c.parse().expect("country"))).collect();
    let ids = d.paragraph_ids().expect("ids");
    for id in &ids {
        for lang in Lang::ALL {
            let text = d.text(id, lang).expect("text");
            // Word starts (char offsets) and lengths, last first so offsets stay valid.
            let mut words: Vec<(usize, usize)> = Vec::new();
            let mut start = None;
            for (i, c) in text.chars().chain(std::iter::once(' ')).enumerate() {
                match (c.is_alphabetic(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        words.push((s, i - s));
                        start = None;
                    }
                    _ => {}
                }
            }
            for &(at, len) in words.iter().rev() {
                if !rng.random_bool(0.05) {
                    continue;
                }
                let who = rng.random_range(0..COUNTRIES.len());
                d.set_actor(actors[who].clone());
                let by = Stamp {
                    user: format!("u{}", COUNTRIES[who].to_lowercase()).parse().expect("user"),
                    country: COUNTRIES[who].parse().expect("country"),
                    at: 1_638_281_100_000,
                };
                let word = NEW_WORDS[rng.random_range(0..NEW_WORDS.len())];
                if rng.random_bool(0.5) {
                    d.suggest_delete(id, lang, at, at + len, &by).expect("delete");
                    d.suggest_insert(id, lang, at + len, &format!(" {word}"), &by).expect("insert");
                } else {
                    d.splice(id, lang, at, len, word).expect("splice");
                }
                d.commit();
            }
        }
    }
    let v2 = d.heads();
    let mut texts = Bilingual { en: Vec::new(), es: Vec::new() };
    for lang in Lang::ALL {
        for id in &ids {
            let old = d.view_at(&v1).text(id, lang).expect("old");
            let new = d.view_at(&v2).text(id, lang).expect("new");
            texts.get_mut(lang).push((old, new));
        }
    }
    Fixture { bytes: d.save(), v1, v2, bindings, texts }
}

fn bench(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let paragraphs = if full { 200 } else { 10 };
    let f = build(paragraphs);
    let who = |a: &ActorId| f.bindings.get(a).cloned();
    let mut draft = Draft::load(&f.bytes).expect("loads");
    let names = CountryNames::builtin();
    let info = ExportInfo { meeting: Some("RCM–SACM".into()), version: Some("v2".into()), date: "2021-11-30".into(), certified: None };
    let first = draft.compare(Some(&f.v1), Some(&f.v2), Lang::En, &who).expect("compare");
    println!(
        "compare: {paragraphs} paragraphs, {} bytes, {} changed (en), words by country (en): {:?}",
        f.bytes.len(),
        first.summary.changed,
        first.summary.by_country
    );

    let old = draft.snapshot(Some(&f.v1), &who).expect("snapshot v1");
    let new = draft.snapshot(Some(&f.v2), &who).expect("snapshot v2");
    let stored = serde_json::to_string(&new).expect("json");
    println!("snapshot of v2: {} bytes of JSON", stored.len());

    let mut g = c.benchmark_group("compare");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(if full { 8 } else { 1 }));
    g.warm_up_time(Duration::from_millis(if full { 1000 } else { 100 }));
    for lang in Lang::ALL {
        let texts = f.texts.get(lang);
        g.bench_function(format!("similar_words_{lang}"), |b| {
            b.iter(|| {
                for (old, new) in texts {
                    std::hint::black_box(similar::TextDiff::from_words(old.as_str(), new.as_str()).ops().len());
                }
            })
        });
        g.bench_function(format!("core_words_{lang}"), |b| {
            b.iter(|| {
                for (old, new) in texts {
                    std::hint::black_box(diff_texts(old, new));
                }
            })
        });
        g.bench_function(format!("json_diff_{lang}"), |b| {
            b.iter(|| {
                let cmp = compare_snapshots(&old, &new, lang);
                std::hint::black_box(cmp.to_json().expect("json"))
            })
        });
        g.bench_function(format!("json_diff_from_document_{lang}"), |b| {
            b.iter(|| {
                let cmp = draft.compare(Some(&f.v1), Some(&f.v2), lang, &who).expect("compare");
                std::hint::black_box(cmp.to_json().expect("json"))
            })
        });
        let cmp = draft.compare(Some(&f.v1), Some(&f.v2), lang, &who).expect("compare");
        g.bench_function(format!("html_{lang}"), |b| b.iter(|| cmp.to_html(&names, "v1 → v2")));
        g.bench_function(format!("markdown_{lang}"), |b| b.iter(|| cmp.to_markdown(&names)));
        g.bench_function(format!("docx_redline_{lang}"), |b| b.iter(|| cmp.to_docx(&names, &info, 0).expect("docx")));
    }
    g.bench_function("snapshot_decode", |b| b.iter(|| serde_json::from_str::<Snapshot>(&stored).expect("decode")));
    g.bench_function("snapshot_make", |b| b.iter(|| draft.snapshot(Some(&f.v2), &who).expect("snapshot")));
    g.bench_function("automerge_load", |b| b.iter(|| AutoCommit::load(&f.bytes).expect("load")));
    for lang in Lang::ALL {
        g.bench_function(format!("docx_tracked_export_{lang}"), |b| {
            b.iter(|| draft.export_docx(None, lang, &info, DocxMode::Tracked, &names).expect("docx"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
