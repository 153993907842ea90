//! Exports: Markdown, print-ready HTML, clean and tracked DOCX, DOCX redline.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::io::Read;

use fixtures::{one_paragraph, stamp};
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::{Draft, Lang, ParagraphId};

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn info() -> ExportInfo {
    ExportInfo {
        meeting: Some("RCM–SACM 2021".into()),
        version: Some("Sent to capitals".into()),
        date: "2021-11-30".into(),
        certified: None,
    }
}

/// Laid out as a communiqué is circulated: body paragraphs justified, space after every
/// paragraph and a serif body (document defaults), the meeting and date in the centred
/// meta line, and the page number as a `PAGE` field in the footer.
fn assert_page_layout(docx: &[u8]) {
    let doc = part(docx, "word/document.xml");
    assert!(doc.contains("<w:jc w:val=\"both\" />") || doc.contains("<w:jc w:val=\"both\"/>"), "{doc}");
    assert!(doc.contains("RCM–SACM 2021") && doc.contains("2021-11-30"), "{doc}");
    assert!(doc.contains("<w:footerReference"), "{doc}");
    let styles = part(docx, "word/styles.xml");
    assert!(styles.contains("w:after=\"200\""), "{styles}");
    assert!(styles.contains("Times New Roman"), "{styles}");
    let footer = part(docx, "word/footer1.xml");
    assert!(footer.contains("PAGE"), "{footer}");
}

/// A draft where MX proposes an insertion, AR proposes a cut, and BR comments.
fn negotiated() -> (Draft, ParagraphId) {
    let (mut d, p) = one_paragraph("We agree on safe migration.", "Acordamos una migración segura.");
    d.suggest_insert(&p, Lang::En, 8, " fully", &stamp("MX")).unwrap();
    d.suggest_delete(&p, Lang::En, 18, 23, &stamp("AR")).unwrap();
    d.create_thread(&p, Lang::En, 0, 2, "Who is *we*?", &stamp("BR")).unwrap();
    d.commit();
    (d, p)
}

/// The tracked DOCX carries each proposal as a revision authored by the country's name and
/// the thread as a comment; the clean one has neither and leaves the insertion out.
#[test]
fn tracked_and_clean_docx() {
    let (mut d, p) = negotiated();
    let names = CountryNames::builtin();
    assert_eq!(d.text(&p, Lang::En).unwrap(), "We agree fully on safe migration.");
    let tracked = d.export_docx(None, Lang::En, &info(), DocxMode::Tracked, &names).unwrap();
    let doc = part(&tracked, "word/document.xml");
    assert!(doc.contains("<w:ins ") && doc.contains("w:author=\"Mexico\""), "{doc}");
    assert!(doc.contains("<w:del ") && doc.contains("w:author=\"Argentina\""), "{doc}");
    assert!(doc.contains("<w:delText") && doc.contains("safe "));
    assert!(doc.contains("commentRangeStart"));
    let comments = part(&tracked, "word/comments.xml");
    assert!(comments.contains("w:author=\"Brazil\"") && comments.contains("Who is *we*?"), "{comments}");

    assert_page_layout(&tracked);

    let clean = d.export_docx(None, Lang::En, &info(), DocxMode::Clean, &names).unwrap();
    assert_page_layout(&clean);
    let doc = part(&clean, "word/document.xml");
    assert!(!doc.contains("<w:ins ") && !doc.contains("<w:del ") && !doc.contains("fully"));
    assert!(doc.contains("safe ") && doc.contains("1. "));
    assert!(doc.contains("Sent to capitals"));
}

/// Markdown and HTML show the proposals, the title, the meeting and the version line, and
/// number the paragraphs; HTML escapes text.
#[test]
fn markdown_and_html() {
    let (mut d, p) = negotiated();
    d.splice(&p, Lang::Es, 0, 0, "<script>").unwrap();
    let md = d.export_markdown(None, Lang::En, &info()).unwrap();
    assert!(md.starts_with("# Joint Communiqué\n"), "{md}");
    assert!(md.contains("RCM–SACM 2021 · Sent to capitals · 2021-11-30"));
    assert!(md.contains("1\\. We agree{++ fully++}{>>MX<<}"), "{md}");
    let html = d.export_html(None, Lang::Es, &info()).unwrap();
    assert!(html.contains("<h1>Comunicado Conjunto</h1>"), "{html}");
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    assert!(html.contains("<span class=\"pluma-number\">1.</span>"));
    assert!(html.contains("text-align:justify") && html.contains("counter(page)"), "{html}");
}

/// A version's export shows the text as it was then; unknown heads are refused.
#[test]
fn exports_of_a_version() {
    let (mut d, p) = one_paragraph("Before.", "Antes.");
    let v1 = d.heads();
    d.splice(&p, Lang::En, 0, 7, "After.").unwrap();
    d.commit();
    let md = d.export_markdown(Some(&v1), Lang::En, &info()).unwrap();
    assert!(md.contains("Before.") && !md.contains("After."));
    let bogus = [pluma_core::automerge::ChangeHash([1; 32])];
    assert!(d.export_html(Some(&bogus), Lang::En, &info()).is_err());
}

/// The DOCX redline of a comparison authors each change by the credited country's name.
#[test]
fn docx_redline_of_a_comparison() {
    let (mut d, p) = one_paragraph("We agree.", "Acordamos.");
    let v1 = d.heads();
    let mut mx = d.fork();
    mx.suggest_insert(&p, Lang::En, 8, " fully", &stamp("MX")).unwrap();
    mx.commit();
    let actor = mx.actor().clone();
    d.merge(&mut mx).unwrap();
    let who = move |a: &pluma_core::automerge::ActorId| (a == &actor).then(|| "MX".parse().unwrap());
    let c = d.compare(Some(&v1), None, Lang::En, &who).unwrap();
    let docx = c.to_docx(&CountryNames::builtin(), &info(), 1_638_281_100_000).unwrap();
    let doc = part(&docx, "word/document.xml");
    assert!(doc.contains("w:author=\"Mexico\"") && doc.contains("2021-11-30T14:05:00Z"), "{doc}");
    assert!(doc.contains(" fully"));
    assert_page_layout(&docx);
}

/// The redline keeps a preambular paragraph's italics, in equal and in changed text.
#[test]
fn docx_redline_keeps_italics() {
    let (mut d, p) = one_paragraph("Recalling the plan,", "Recordando el plan,");
    d.set_format(&p, Lang::En, 0, 9, pluma_core::Format::Em, true).unwrap();
    d.commit();
    let v1 = d.heads();
    d.splice(&p, Lang::En, 10, 3, "the regional").unwrap();
    d.commit();
    let none = |_: &pluma_core::automerge::ActorId| None;
    let c = d.compare(Some(&v1), None, Lang::En, &none).unwrap();
    let docx = c.to_docx(&CountryNames::builtin(), &info(), 1_638_281_100_000).unwrap();
    let doc = part(&docx, "word/document.xml");
    let recalling = doc.find(">Recalling<").unwrap_or_else(|| panic!("{doc}"));
    let run = &doc[doc[..recalling].rfind("<w:r>").unwrap()..recalling];
    assert!(run.contains("<w:i />") || run.contains("<w:i/>"), "{run}");
    let plan = doc.find("plan,").unwrap();
    let run = &doc[doc[..plan].rfind("<w:r>").unwrap()..plan];
    assert!(!run.contains("<w:i"), "{run}");
}

/// A clean DOCX export imports back to the same paragraphs (kinds, text, emphasis), in
/// both languages at once; a Markdown export does too; files of different lengths are
/// refused.
#[test]
fn exports_import_back() {
    use pluma_core::import::{from_docx, from_markdown};
    use pluma_core::{Bilingual, DraftKind, NewParagraph, ParagraphKind};
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let texts = [
        (ParagraphKind::Heading, "Cooperation", "Cooperación"),
        (
            ParagraphKind::Operative,
            "*Recognizing* the value of **regional** cooperation,",
            "*Reconociendo* el valor de la cooperación **regional**,",
        ),
        (ParagraphKind::Operative, "Agree to meet again in 2022.", "Acuerdan reunirse nuevamente en 2022."),
    ];
    for (i, (kind, en, es)) in texts.iter().enumerate() {
        d.insert_paragraph(
            i,
            NewParagraph { kind: *kind, section: None, editors: vec![], text: Bilingual { en: (*en).into(), es: (*es).into() } },
        )
        .unwrap();
    }
    d.commit();
    let names = CountryNames::builtin();
    let en = from_docx(&d.export_docx(None, Lang::En, &info(), DocxMode::Clean, &names).unwrap()).unwrap();
    let es = from_markdown(&d.export_markdown(None, Lang::Es, &info()).unwrap());
    assert_eq!(en.title.as_deref(), Some("Joint Communiqué"));
    let fallback = Bilingual { en: String::new(), es: String::new() };
    let mut back = Draft::import(DraftKind::Communique, Some(en.clone()), Some(es.clone()), &fallback).unwrap();
    let (a, b) = (d.paragraphs().unwrap(), back.paragraphs().unwrap());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((x.kind, &x.text), (y.kind, &y.text));
    }
    assert_eq!(back.title(Lang::Es).unwrap(), "Comunicado Conjunto");
    let mut short = es.clone();
    short.paragraphs.pop();
    let err = Draft::import(DraftKind::Communique, Some(en), Some(short), &fallback).unwrap_err();
    assert!(err.to_string().contains("3 paragraphs") && err.to_string().contains('2'), "{err}");
    assert!(from_docx(b"not a zip").is_err());
}

/// Text stored before the clean-text rule may hold characters XML cannot carry (U+0000 in
/// a comment or the title, U+0001, U+000B and U+FFFE in proposals): every export leaves
/// them out and keeps the rest, so each DOCX part is well-formed XML and reads back.
#[test]
fn exports_leave_out_what_xml_cannot_carry() {
    use pluma_core::{Bilingual, DraftKind, NewParagraph, ParagraphKind};
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint\u{0} Communiqué", es: "Comunicado" }).unwrap();
    let text = Bilingual { en: "We agree.".into(), es: "Acordamos.".into() };
    let p = d.insert_paragraph(0, NewParagraph { kind: ParagraphKind::Operative, section: None, editors: vec![], text }).unwrap();
    d.commit();
    let v1 = d.heads();
    d.suggest_insert(&p, Lang::En, 8, " fully\u{1}\u{b}\u{fffe}", &stamp("MX")).unwrap();
    d.create_thread(&p, Lang::En, 0, 2, "Why\u{0}?", &stamp("BR")).unwrap();
    d.commit();
    let actor = d.actor().clone();
    let names = CountryNames::builtin();
    let unclean = |s: &str| s.chars().any(pluma_core::clean::is_forbidden);
    for mode in [DocxMode::Clean, DocxMode::Tracked] {
        let docx = d.export_docx(None, Lang::En, &info(), mode, &names).unwrap();
        let doc = part(&docx, "word/document.xml");
        assert!(!unclean(&doc) && doc.contains("Joint Communiqué"), "{mode:?}: {doc}");
        assert!(pluma_core::import::from_docx(&docx).is_ok(), "{mode:?} reads back");
        if mode == DocxMode::Tracked {
            assert!(doc.contains(" fully<"), "{doc}");
            let comments = part(&docx, "word/comments.xml");
            assert!(!unclean(&comments) && comments.contains("Why?"), "{comments}");
        }
    }
    let md = d.export_markdown(None, Lang::En, &info()).unwrap();
    let html = d.export_html(None, Lang::En, &info()).unwrap();
    assert!(!unclean(&md) && !unclean(&html) && html.contains("Joint Communiqué"), "{html}");
    let who = move |a: &pluma_core::automerge::ActorId| (a == &actor).then(|| "MX".parse().unwrap());
    let c = d.compare(Some(&v1), None, Lang::En, &who).unwrap();
    let redline = c.to_docx(&names, &info(), 1_638_281_100_000).unwrap();
    assert!(!unclean(&part(&redline, "word/document.xml")));
    assert!(!unclean(&c.to_html(&names, "v1 → now")) && !unclean(&c.to_markdown(&names)));
}
