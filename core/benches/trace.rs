//! Replays the automerge-perf editing trace (259,778 keystrokes of one paper) three ways:
//! raw automerge `splice_text`, `Draft` direct edits, and `Draft` suggest-mode edits.
//!
//! Goals: direct ≤ 1.1× raw, suggest-mode ≤ 2× raw. Run with `cargo bench -p pluma-core --bench trace`
//! (criterion's three benchmarks, then the interleaved ratios); `-- ratios` runs only the ratios.

use std::io::Read;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{AutoCommit, ObjType, ROOT};
use pluma_core::{Bilingual, Draft, DraftKind, Lang, NewParagraph, ParagraphId, ParagraphKind, Stamp};

/// One edit: delete `1` characters at `0`, then insert `2`.
type Edit = (usize, usize, String);

fn load_trace() -> Vec<Edit> {
    let gz = include_bytes!("data/automerge-paper-edits.json.gz");
    let mut json = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut json).expect("trace decompresses");
    let raw: Vec<serde_json::Value> = serde_json::from_str(&json).expect("trace is JSON");
    raw.iter()
        .map(|e| {
            let pos = e[0].as_u64().expect("position") as usize;
            let del = e[1].as_u64().expect("delete count") as usize;
            let ins = e.get(2).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            (pos, del, ins)
        })
        .collect()
}

fn replay_raw(edits: &[Edit]) -> usize {
    let mut doc = AutoCommit::new();
    let text = doc.put_object(ROOT, "text", ObjType::Text).expect("text");
    for (pos, del, ins) in edits {
        doc.splice_text(&text, *pos, *del as isize, ins).expect("splice");
    }
    doc.commit();
    doc.document().get_heads().len()
}

fn empty_draft() -> (Draft, ParagraphId) {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "t", es: "t" }).expect("draft");
    let p = d
        .insert_paragraph(0, NewParagraph { kind: ParagraphKind::Operative, section: None, editors: vec![], text: Bilingual::default() })
        .expect("paragraph");
    d.commit();
    (d, p)
}

fn replay_direct(edits: &[Edit]) -> usize {
    let (mut d, p) = empty_draft();
    for (pos, del, ins) in edits {
        d.splice(&p, Lang::En, *pos, *del, ins).expect("splice");
    }
    d.heads().len()
}

fn replay_suggest(edits: &[Edit]) -> usize {
    let (mut d, p) = empty_draft();
    let by = Stamp { user: "umx".parse().expect("user"), country: "MX".parse().expect("country"), at: 1 };
    for (pos, del, ins) in edits {
        if *del > 0 {
            d.suggest_delete(&p, Lang::En, *pos, pos + del, &by).expect("delete");
        }
        if !ins.is_empty() {
            d.suggest_insert(&p, Lang::En, *pos, ins, &by).expect("insert");
        }
    }
    d.heads().len()
}

/// Whether criterion was started as a benchmark (`cargo bench`), not as a test
/// (`cargo test --all-targets` runs every bench once to check it works).
fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The whole trace when benchmarking; its first 5,000 edits when run as a test.
fn edits() -> Vec<Edit> {
    let mut edits = load_trace();
    assert_eq!(edits.len(), 259_778);
    if !benchmarking() {
        edits.truncate(5_000);
    }
    edits
}

fn bench(c: &mut Criterion) {
    let edits = edits();
    let mut g = c.benchmark_group("trace");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("raw_splice_text", |b| b.iter(|| replay_raw(&edits)));
    g.bench_function("draft_direct", |b| b.iter(|| replay_direct(&edits)));
    g.bench_function("draft_suggest", |b| b.iter(|| replay_suggest(&edits)));
    g.finish();
}

/// Best of five full replays of each, printed as ratios to raw. The three run in turn in
/// each round, so a change in the machine's load affects all three alike.
fn ratios() {
    let edits = edits();
    type Replay = fn(&[Edit]) -> usize;
    let replays: [(&str, Replay); 3] = [("raw", replay_raw), ("direct", replay_direct), ("suggest", replay_suggest)];
    let mut best = [Duration::MAX; 3];
    for _round in 0..5 {
        for (i, (_, replay)) in replays.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(replay(&edits));
            best[i] = best[i].min(t.elapsed());
        }
    }
    let [raw, direct, suggest] = best;
    println!(
        "trace replay, best of 5 interleaved rounds: raw {raw:.2?}, direct {direct:.2?} ({:.2}x raw), suggest {suggest:.2?} ({:.2}x raw)",
        direct.as_secs_f64() / raw.as_secs_f64(),
        suggest.as_secs_f64() / raw.as_secs_f64()
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    criterion::Criterion::default().configure_from_args().final_summary();
    if benchmarking() {
        ratios();
    }
}
