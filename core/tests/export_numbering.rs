//! Exports number paragraphs as a communiqué is printed and as the web client counts them:
//! operative paragraphs 1..m (OP n), nothing else numbered, in every format and language;
//! the certified canonical text keeps its own numbering.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::io::Read;

use fixtures::{para, stamp};
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::{Bilingual, Draft, DraftKind, Lang, NewParagraph, ParagraphKind};

/// The demo zero draft: six preambular then nine operative paragraphs, in the form of the
/// RCM–SACM joint communiqués.
const COMMUNIQUE: &str = include_str!("../../data/demo/joint-communique.json");

/// The first words of the first two operative paragraphs, per language.
fn op(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::En => ["Decide to establish", "Commit to strengthening"],
        Lang::Es => ["Deciden establecer", "Se comprometen a fortalecer"],
    }
}

/// The first words of the first preambular paragraph, per language.
fn pp1(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "The delegations of the Member States",
        Lang::Es => "Las delegaciones de los Estados Miembros",
    }
}

/// The demo communiqué with a heading before its preamble and a pending proposal on OP 2.
fn communique() -> Draft {
    let mut d = Draft::from_zero_draft_json(COMMUNIQUE).unwrap();
    d.insert_paragraph(
        0,
        NewParagraph {
            kind: ParagraphKind::Heading,
            section: None,
            editors: vec![],
            text: Bilingual { en: "Preamble".into(), es: "Preámbulo".into() },
        },
    )
    .unwrap();
    let op2 = d.paragraph_ids().unwrap()[8].clone();
    d.suggest_insert(&op2, Lang::En, 0, "Also ", &stamp("MX")).unwrap();
    d.suggest_insert(&op2, Lang::Es, 0, "Asimismo ", &stamp("AR")).unwrap();
    d.commit();
    d
}

fn info() -> ExportInfo {
    ExportInfo { meeting: Some("RCM–SACM 2021".into()), version: None, date: "2021-09-10".into(), certified: None }
}

/// The texts of a DOCX's `w:t` elements, in order.
fn docx_texts(docx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut out = Vec::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some(start) = piece.find('>') else { continue };
        let Some(end) = piece.find("</w:t>") else { continue };
        if start < end {
            out.push(piece[start + 1..end].to_owned());
        }
    }
    out
}

/// The numbers (`n. `) a DOCX prints as runs of their own, in order.
fn docx_numbers(docx: &[u8]) -> Vec<usize> {
    docx_texts(docx).iter().filter_map(|t| t.strip_suffix(". ").and_then(|n| n.parse().ok())).collect()
}

/// The paragraph numbers at the start of Markdown lines (`n\. `), in order.
fn markdown_numbers(md: &str) -> Vec<usize> {
    md.lines().filter_map(|l| l.split_once("\\. ").and_then(|(n, _)| n.parse().ok())).collect()
}

/// The numbers in an HTML export's `pluma-number` spans, in order.
fn html_numbers(html: &str) -> Vec<usize> {
    html.split("<span class=\"pluma-number\">").skip(1).filter_map(|s| s.split_once(".</span>").and_then(|(n, _)| n.parse().ok())).collect()
}

/// Markdown, HTML, clean and tracked DOCX number the nine operative paragraphs 1..9, so OP 2
/// is "2."; preambular paragraphs and the heading carry no number; in English and Spanish.
#[test]
fn every_export_numbers_operative_paragraphs_only() {
    let mut d = communique();
    let names = CountryNames::builtin();
    let nine: Vec<usize> = (1..=9).collect();
    for lang in Lang::ALL {
        let [op1, op2] = op(lang);
        let md = d.export_markdown(None, lang, &info()).unwrap();
        assert_eq!(markdown_numbers(&md), nine, "{lang}: {md}");
        assert!(md.contains(&format!("\n1\\. {op1}")), "{lang}: {md}");
        assert!(md.contains("\n2\\. {++"), "{lang}: OP 2 with its proposal first: {md}");
        assert!(md.contains(&format!("\n\n{}", pp1(lang))), "{lang}: PP 1 unnumbered: {md}");
        assert!(
            md.contains(&format!("\n\n*{}*", if lang == Lang::En { "Mindful" } else { "Conscientes" })),
            "{lang}: PP 2 unnumbered: {md}"
        );
        assert!(md.contains(if lang == Lang::En { "\n## Preamble\n" } else { "\n## Preámbulo\n" }), "{lang}: {md}");

        let html = d.export_html(None, lang, &info()).unwrap();
        assert_eq!(html_numbers(&html), nine, "{lang}: {html}");
        assert!(html.contains(&format!("<span class=\"pluma-number\">1.</span> {op1}")), "{lang}: {html}");
        assert_eq!(html.matches("<p class=\"pluma-preamble\"").count(), 6, "{lang}: {html}");
        assert_eq!(html.matches("<h2 ").count(), 1, "{lang}: only the heading is a heading: {html}");

        for mode in [DocxMode::Clean, DocxMode::Tracked] {
            let docx = d.export_docx(None, lang, &info(), mode, &names).unwrap();
            assert_eq!(docx_numbers(&docx), nine, "{lang} {mode:?}");
            let texts = docx_texts(&docx);
            let one = texts.iter().position(|t| t == "1. ").unwrap();
            assert!(texts[one + 1].starts_with(op1), "{lang} {mode:?}: {:?}", &texts[one..one + 2]);
            let two = texts.iter().position(|t| t == "2. ").unwrap();
            assert!(texts[two + 1..two + 3].concat().contains(op2), "{lang} {mode:?}: {:?}", &texts[two..two + 3]);
        }
    }
}

/// The canonical text under the certified fingerprint keeps its version-1 numbering (every
/// paragraph but headings, in reading order), so fingerprints of adopted texts still check.
#[test]
fn the_canonical_text_keeps_its_numbering() {
    let mut d = communique();
    let certified = d.certify().unwrap();
    let en = certified.canonical.split("[es]").next().unwrap();
    assert!(en.contains("\n## Preamble\n1. The delegations of the Member States"), "{en}");
    assert!(en.contains("\n7. Decide to establish"), "{en}");
    assert!(en.contains("\n8. Commit to strengthening"), "{en}");
    assert!(en.contains("\n15. "), "{en}");
    assert_eq!(certified.fingerprint, pluma_core::fingerprint::fingerprint(&certified.canonical, &certified.heads));
    // Exporting changes nothing the fingerprint covers.
    d.export_markdown(None, Lang::En, &info()).unwrap();
    d.export_docx(None, Lang::Es, &info(), DocxMode::Tracked, &CountryNames::builtin()).unwrap();
    assert_eq!(d.certify().unwrap(), certified);
}

/// A redline numbers operative paragraphs by their place in the newer text, and says where
/// a moved paragraph was and went as the comparison view does (OP 3 → OP 1; PO in Spanish).
#[test]
fn redlines_number_operative_paragraphs_and_name_moves_by_label() {
    let mut d = Draft::from_zero_draft_json(COMMUNIQUE).unwrap();
    let v1 = d.heads();
    let ids = d.paragraph_ids().unwrap();
    // OP 3 becomes OP 1; a new preambular paragraph goes first.
    d.move_paragraph(&ids[8], 6).unwrap();
    d.insert_paragraph(0, para(ParagraphKind::Preamble, "Meeting in Lima,")).unwrap();
    d.commit();
    let names = CountryNames::builtin();
    let nobody = |_: &pluma_core::automerge::ActorId| None;
    for (lang, op) in [(Lang::En, "OP"), (Lang::Es, "PO")] {
        let cmp = d.compare(Some(&v1), None, lang, &nobody).unwrap();
        let moved = format!("moved from {op} 3 to {op} 1");
        let html = cmp.to_html(&names, "Zero draft → Current text");
        assert!(html.contains(&moved), "{lang}: {html}");
        let numbers: Vec<usize> = html.split("<p>").skip(1).filter_map(|s| s.split_once(". ").and_then(|(n, _)| n.parse().ok())).collect();
        assert_eq!(numbers, (1..=9).collect::<Vec<_>>(), "{lang}: {html}");
        let md = cmp.to_markdown(&names);
        assert!(md.contains(&moved), "{lang}: {md}");
        assert_eq!(markdown_numbers(&md), (1..=9).collect::<Vec<_>>(), "{lang}: {md}");
        let docx = cmp.to_docx(&names, &info(), 1_631_232_000_000).unwrap();
        assert_eq!(docx_numbers(&docx), (1..=9).collect::<Vec<_>>(), "{lang}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
        let mut comments = String::new();
        zip.by_name("word/comments.xml").unwrap().read_to_string(&mut comments).unwrap();
        assert!(comments.contains(&format!("Paragraph {moved}")), "{lang}: {comments}");

        let labels = cmp.labels();
        let first = cmp.paragraphs.iter().position(|p| p.id == ids[8]).unwrap();
        assert_eq!(labels[first].from.as_ref().map(ToString::to_string).as_deref(), Some("OP 3"));
        assert_eq!(labels[first].to.as_ref().map(ToString::to_string).as_deref(), Some("OP 1"));
        let added = cmp.paragraphs.iter().position(|p| p.from_number.is_none()).unwrap();
        assert_eq!((labels[added].from.clone(), labels[added].to.as_ref().map(ToString::to_string)), (None, Some("PP 1".to_owned())));
    }
}

/// The Concept Note's headings and questions are not numbered, as in the web client, which
/// labels them "Section" and "Question"; its preambular introduction is not numbered either.
#[test]
fn concept_note_questions_are_not_numbered() {
    let mut d = Draft::new(DraftKind::ConceptNote, Bilingual { en: "Concept Note", es: "Nota conceptual" }).unwrap();
    let texts = [
        (ParagraphKind::Heading, "Introduction"),
        (ParagraphKind::Preamble, "The II Plenary Meeting."),
        (ParagraphKind::Heading, "Session 1. Mixed flows"),
        (ParagraphKind::Question, "How can both conferences share data?"),
        (ParagraphKind::Question, "Which practices work at borders?"),
    ];
    for (i, (kind, text)) in texts.into_iter().enumerate() {
        d.insert_paragraph(i, para(kind, text)).unwrap();
    }
    d.commit();
    for lang in Lang::ALL {
        let md = d.export_markdown(None, lang, &info()).unwrap();
        assert_eq!(markdown_numbers(&md), Vec::<usize>::new(), "{md}");
        assert!(md.contains("\n\nHow can both conferences share data?\n"), "{md}");
        let html = d.export_html(None, lang, &info()).unwrap();
        assert_eq!(html.matches("<p class=\"pluma-question\"").count(), 2, "{html}");
        assert!(!html.contains("pluma-number"), "{html}");
        let docx = d.export_docx(None, lang, &info(), DocxMode::Clean, &CountryNames::builtin()).unwrap();
        assert_eq!(docx_numbers(&docx), Vec::<usize>::new());
    }
}
