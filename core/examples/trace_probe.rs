//! Times a prefix of the editing trace each way (a quick probe; the real figures come from
//! `cargo bench -p pluma-core --bench trace`).
use std::io::Read;
use std::time::Instant;
use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use pluma_core::*;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20000);
    let gz = include_bytes!("../benches/data/automerge-paper-edits.json.gz");
    let mut json = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut json).unwrap();
    let raw: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let edits: Vec<(usize, usize, String)> = raw.iter().take(n).map(|e| (e[0].as_u64().unwrap() as usize, e[1].as_u64().unwrap() as usize, e.get(2).and_then(|v| v.as_str()).unwrap_or("").to_owned())).collect();
    let t = Instant::now();
    let mut doc = AutoCommit::new();
    let text = doc.put_object(ROOT, "text", ObjType::Text).unwrap();
    for (p, d, i) in &edits { doc.splice_text(&text, *p, *d as isize, i).unwrap(); }
    println!("raw {:?}", t.elapsed());
    let t = Instant::now();
    for i in 0..n { let _ = doc.length(&text); let _ = i; }
    println!("length x{n} {:?}", t.elapsed());
    let t = Instant::now();
    for i in 0..n.min(doc.length(&text)) { let _ = doc.get_marks(&text, i, None).unwrap(); }
    println!("get_marks x{n} {:?}", t.elapsed());
    let t = Instant::now();
    let len = doc.length(&text);
    for i in 0..n.min(len) { let _ = doc.get_cursor(&text, i, None).unwrap(); }
    println!("get_cursor x{n} {:?}", t.elapsed());
    let t = Instant::now();
    let mut doc2 = AutoCommit::new();
    let text2 = doc2.put_object(ROOT, "text", ObjType::Text).unwrap();
    for (p, d, i) in &edits { doc2.splice_text(&text2, *p, *d as isize, i).unwrap();
        if !i.is_empty() { doc2.mark(&text2, pluma_core::automerge::marks::Mark::new("ins:MX".into(), "{\"id\":\"s1\"}", *p, *p + i.chars().count()), pluma_core::automerge::marks::ExpandMark::None).unwrap(); } }
    println!("raw splice+mark {:?}", t.elapsed());
    let mut d = Draft::new(DraftKind::Communique, Bilingual{en:"t",es:"t"}).unwrap();
    let p = d.insert_paragraph(0, NewParagraph{kind:ParagraphKind::Operative, section:None, editors:vec![], text:Bilingual::default()}).unwrap();
    d.commit();
    let t = Instant::now();
    let mut d2 = d.fork();
    for (pos, del, ins) in &edits { d2.splice(&p, Lang::En, *pos, *del, ins).unwrap(); }
    println!("direct {:?}", t.elapsed());
    let by = Stamp{user:"u1".parse().unwrap(), country:"MX".parse().unwrap(), at:1};
    let t = Instant::now();
    for (pos, del, ins) in &edits {
        if *del > 0 { d.suggest_delete(&p, Lang::En, *pos, pos+del, &by).unwrap(); }
        if !ins.is_empty() { d.suggest_insert(&p, Lang::En, *pos, ins, &by).unwrap(); }
    }
    println!("suggest {:?}", t.elapsed());
}
