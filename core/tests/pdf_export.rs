//! PDF exports: parsed back, they hold the text with its numbering, accents and quotes, an
//! adopted text's fingerprint, the page numbers, and the embedded fonts.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/pdf_text.rs"]
mod pdf_text;

use fixtures::{one_paragraph, stamp};
use pdf_text::pages_text;
use pluma_core::export::{Certification, ExportInfo};
use pluma_core::{Format, Lang, NewParagraph, ParagraphKind};

fn info(certified: Option<Certification>) -> ExportInfo {
    ExportInfo { meeting: Some("II Reunión Plenaria".into()), version: Some("Adoptado".into()), date: "2021-11-30".into(), certified }
}

/// A Spanish draft with a preamble in italics, operative paragraphs and a pending proposal:
/// the PDF is the clean text (the proposal left out), its words, accents and quotes
/// extractable, its operative paragraphs numbered, the fingerprint printed, each page
/// numbered, and its three faces embedded.
#[test]
fn pdf_of_an_adopted_text() {
    let (mut d, p) = one_paragraph("Decide.", "Deciden establecer un canal “permanente” de comunicación.");
    let pp = d
        .insert_paragraph(
            0,
            NewParagraph {
                kind: ParagraphKind::Preamble,
                section: None,
                editors: vec![],
                text: pluma_core::Bilingual { en: "Noting.".into(), es: "Conscientes de la movilidad humana en el continente,".into() },
            },
        )
        .unwrap();
    d.set_format(&pp, Lang::Es, 0, 11, Format::Em, true).unwrap();
    d.suggest_insert(&p, Lang::Es, 7, " PROPUESTO", &stamp("MX")).unwrap();
    // Enough operative paragraphs to fill a second page.
    for i in 0..40 {
        let text = format!("Párrafo operativo número {i}, con acentos: acción, migración, niñas y niños.");
        d.insert_paragraph(
            2 + i,
            NewParagraph {
                kind: ParagraphKind::Operative,
                section: None,
                editors: vec![],
                text: pluma_core::Bilingual { en: text.clone(), es: text },
            },
        )
        .unwrap();
    }
    d.commit();
    let fingerprint = "ab".repeat(32);
    let cert =
        Certification { adopted_on: "2021-11-30".into(), fingerprint: fingerprint.clone(), is_adopted_text: true, override_note: None };
    let pdf = d.export_pdf(None, Lang::Es, &info(Some(cert))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // To look at it: PLUMA_PDF_OUT=/tmp/x.pdf cargo test -p pluma-core --test pdf_export
    if let Ok(path) = std::env::var("PLUMA_PDF_OUT") {
        std::fs::write(path, &pdf).unwrap();
    }
    let pages = pages_text(&pdf);
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let all = pages.join("\n");
    let flat: String = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Comunicado Conjunto"), "{flat}");
    assert!(flat.contains("II Reunión Plenaria"), "{flat}");
    assert!(flat.contains(&fingerprint), "{flat}");
    assert!(flat.contains("Conscientes de la movilidad"), "{flat}");
    assert!(flat.contains("1. Deciden establecer un canal “permanente” de comunicación."), "{flat}");
    assert!(flat.contains("41. Párrafo operativo número 39"), "{flat}");
    assert!(!flat.contains("PROPUESTO"), "the clean text leaves proposals out: {flat}");
    for (i, page) in pages.iter().enumerate() {
        let last = page.split_whitespace().last().unwrap_or_default().to_owned();
        let first = page.split_whitespace().next().unwrap_or_default().to_owned();
        let n = (i + 1).to_string();
        assert!(first == n || last == n, "page {n} is numbered: {page}");
    }
    // The three faces (regular, italic, bold) are embedded as TrueType font files.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let embedded = doc.objects.values().filter_map(|o| o.as_dict().ok()).filter(|d| d.has(b"FontFile2")).count();
    assert_eq!(embedded, 3);
}
