//! Exports of a text with proposals about whole paragraphs: the tracked DOCX carries a new
//! paragraph as its delegation's insertion (paragraph mark included), a deleted one as a
//! deletion, a moved one as a Word move; Markdown and HTML name them; clean exports and the
//! canonical text leave the pending new paragraph out and number the text as it stands.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::io::Read;

use fixtures::{para, stamp};
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::{Bilingual, Draft, DraftKind, Lang, NewParagraph, ParagraphId, ParagraphKind, Selection};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// PP 1–3 and OP 1–7; Peru proposes a new paragraph after OP 5, the United States the
/// deletion of OP 7, Argentina moving PP 1 after PP 3.
fn negotiated() -> (Draft, Vec<ParagraphId>, ParagraphId) {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let mut ids = Vec::new();
    for i in 1..=3 {
        ids.push(d.insert_paragraph(ids.len(), para(ParagraphKind::Preamble, &format!("Preamble {i}."))).unwrap());
    }
    for i in 1..=7 {
        ids.push(d.insert_paragraph(ids.len(), para(ParagraphKind::Operative, &format!("Operative {i}."))).unwrap());
    }
    let new = NewParagraph {
        kind: ParagraphKind::Operative,
        section: None,
        editors: vec![],
        text: Bilingual { en: "Commit to regular consultations.".into(), es: "Se comprometen a consultas periódicas.".into() },
    };
    let (pe, _) = d.propose_paragraph(Some(&ids[7]), new, &stamp("PE")).unwrap();
    d.propose_paragraph_deletion(&ids[9], &stamp("US")).unwrap();
    d.propose_paragraph_move(&ids[0], Some(&ids[2]), &stamp("AR")).unwrap();
    d.commit();
    (d, ids, pe)
}

fn info() -> ExportInfo {
    ExportInfo { meeting: Some("RCM–SACM 2021".into()), version: None, date: "2021-11-30".into(), certified: None }
}

/// A `w:p` as the tests read it: its text; the revisions (element name, author) that every
/// one of its text nodes sits inside; its paragraph mark's revision and its move ranges.
type WordParagraph = (String, Vec<(String, String)>, Vec<String>);

/// The paragraphs of a document's body.
fn paragraphs(xml: &str) -> Vec<WordParagraph> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let body = doc.descendants().find(|n| n.has_tag_name((W, "body"))).unwrap();
    body.children()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let texts: Vec<_> = p.descendants().filter(|n| n.has_tag_name((W, "t")) || n.has_tag_name((W, "delText"))).collect();
            let text: String = texts.iter().filter_map(|n| n.text()).collect();
            // Revisions every text node is inside of.
            let mut common: Option<Vec<(String, String)>> = None;
            for t in &texts {
                let around: Vec<(String, String)> = t
                    .ancestors()
                    .filter(|a| ["ins", "del", "moveFrom", "moveTo"].iter().any(|k| a.has_tag_name((W, *k))))
                    .map(|a| (a.tag_name().name().to_owned(), a.attribute((W, "author")).unwrap_or("").to_owned()))
                    .collect();
                common = Some(match common {
                    None => around,
                    Some(c) => c.into_iter().filter(|x| around.contains(x)).collect(),
                });
            }
            // The paragraph mark's revision and the move ranges.
            let mut marks: Vec<String> = p
                .children()
                .filter(|n| n.has_tag_name((W, "pPr")))
                .flat_map(|ppr| ppr.descendants().filter(|n| n.has_tag_name((W, "ins")) || n.has_tag_name((W, "del"))))
                .map(|n| format!("mark {} {}", n.tag_name().name(), n.attribute((W, "author")).unwrap_or("")))
                .collect();
            marks.extend(
                p.children()
                    .filter(|n| n.tag_name().name().ends_with("RangeStart") && n.tag_name().name().starts_with("move"))
                    .map(|n| format!("{} {}", n.tag_name().name(), n.attribute((W, "name")).unwrap_or(""))),
            );
            (text, common.unwrap_or_default(), marks)
        })
        .collect()
}

fn find<'a>(ps: &'a [WordParagraph], text: &str) -> Vec<&'a WordParagraph> {
    ps.iter().filter(|p| p.0.contains(text)).collect()
}

/// In the tracked DOCX the new paragraph, its number and its paragraph mark are Peru's
/// insertion; OP 7 and its mark are the United States' deletion; PP 1 is Argentina's move,
/// from its place to after PP 3, with ranges Word pairs by name.
#[test]
fn tracked_docx_carries_paragraph_proposals() {
    let (mut d, _, _) = negotiated();
    let names = CountryNames::builtin();
    let docx = d.export_docx(None, Lang::En, &info(), DocxMode::Tracked, &names).unwrap();
    let ps = paragraphs(&part(&docx, "word/document.xml"));

    let new = find(&ps, "regular consultations");
    assert_eq!(new.len(), 1);
    assert!(new[0].0.starts_with("5 bis. "), "{:?}", new[0]);
    assert_eq!(new[0].1, [("ins".to_owned(), "Peru".to_owned())]);
    assert_eq!(new[0].2, ["mark ins Peru"]);

    let cut = find(&ps, "Operative 7.");
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0].1, [("del".to_owned(), "United States".to_owned())]);
    assert_eq!(cut[0].2, ["mark del United States"]);

    let moved = find(&ps, "Preamble 1.");
    assert_eq!(moved.len(), 2, "shown at both places: {ps:?}");
    assert_eq!(moved[0].1, [("moveFrom".to_owned(), "Argentina".to_owned())]);
    assert!(moved[0].2.contains(&"moveFromRangeStart move1".to_owned()), "{:?}", moved[0]);
    assert_eq!(moved[1].1, [("moveTo".to_owned(), "Argentina".to_owned())]);
    assert!(moved[1].2.contains(&"moveToRangeStart move1".to_owned()), "{:?}", moved[1]);
    let order: Vec<&str> = ps.iter().map(|p| p.0.as_str()).filter(|t| t.starts_with("Preamble")).collect();
    assert_eq!(order, ["Preamble 1.", "Preamble 2.", "Preamble 3.", "Preamble 1."]);
}

/// The clean DOCX is the text without the pending proposals: no new paragraph, OP 7 still
/// there as OP 7, PP 1 at its place.
#[test]
fn clean_docx_leaves_pending_paragraphs_out() {
    let (mut d, _, _) = negotiated();
    let docx = d.export_docx(None, Lang::Es, &info(), DocxMode::Clean, &CountryNames::builtin()).unwrap();
    let ps = paragraphs(&part(&docx, "word/document.xml"));
    assert!(find(&ps, "consultas periódicas").is_empty());
    assert_eq!(find(&ps, "Operative 6.")[0].0, "6. Operative 6.");
    assert_eq!(find(&ps, "Operative 7.")[0].0, "7. Operative 7.");
    assert_eq!(find(&ps, "Preamble 1.").len(), 1);
    assert!(ps.iter().all(|p| p.1.is_empty() && p.2.is_empty()), "no revision in a clean export");
}

/// Markdown and HTML name each proposal about a paragraph and who made it.
#[test]
fn markdown_and_html_name_paragraph_proposals() {
    let (mut d, _, _) = negotiated();
    let md = d.export_markdown(None, Lang::En, &info()).unwrap();
    assert!(md.contains("5 bis\\. {>>New paragraph proposed by PE<<} {++Commit to regular consultations.++}{>>PE<<}"), "{md}");
    assert!(md.contains("7\\. {>>Deletion of OP 7 proposed by US<<} {--Operative 7.--}{>>US<<}"), "{md}");
    assert!(md.contains("{>>AR proposes moving PP 1 to after PP 3<<}"), "{md}");
    assert!(md.contains("{>>AR proposes moving PP 1 here<<}"), "{md}");
    let html = d.export_html(None, Lang::Es, &info()).unwrap();
    assert!(html.contains("data-whole=\"new\" data-country=\"PE\""), "{html}");
    assert!(html.contains("Nuevo párrafo propuesto por PE"), "{html}");
    assert!(html.contains("Supresión de PO 7 propuesta por US"), "{html}");
}

/// Accepted, the new paragraph is OP 6 and the rest renumber; the canonical text follows
/// the text as adopted, and leaves pending new paragraphs out before that.
#[test]
fn accepted_paragraphs_are_numbered_and_canonical() {
    let (mut d, ids, pe) = negotiated();
    let before = pluma_core::fingerprint::canonical_text(&d.view()).unwrap();
    assert!(!before.contains("regular consultations"));
    assert!(before.contains("Operative 7."));
    d.accept(&Selection::All).unwrap();
    let md = d.export_markdown(None, Lang::En, &info()).unwrap();
    assert!(md.contains("6\\. Commit to regular consultations."), "{md}");
    assert!(md.contains("7\\. Operative 6."), "{md}");
    assert!(!md.contains("Operative 7."));
    let order = d.paragraph_ids().unwrap();
    assert_eq!(order[..3], [ids[1].clone(), ids[2].clone(), ids[0].clone()]);
    assert!(order.contains(&pe));
    let after = pluma_core::fingerprint::canonical_text(&d.view()).unwrap();
    assert!(after.contains("Commit to regular consultations."));
}
