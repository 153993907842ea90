//! PDF exports: parsed back, they hold the text with its numbering, accents and quotes, an
//! adopted text's fingerprint, the page numbers, and the embedded fonts.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::collections::HashMap;

use fixtures::{one_paragraph, stamp};
use pluma_core::export::{Certification, ExportInfo};
use pluma_core::{Format, Lang, NewParagraph, ParagraphKind};

fn info(certified: Option<Certification>) -> ExportInfo {
    ExportInfo { meeting: Some("II Reunión Plenaria".into()), version: Some("Adoptado".into()), date: "2021-11-30".into(), certified }
}

/// A font's ToUnicode map: glyph code → text (the `bfchar` entries the writer emits).
fn to_unicode(doc: &lopdf::Document, font: &lopdf::Dictionary) -> HashMap<u16, String> {
    let id = font.get(b"ToUnicode").and_then(lopdf::Object::as_reference).expect("a ToUnicode map");
    let stream = doc.get_object(id).and_then(lopdf::Object::as_stream).expect("a stream");
    let cmap = String::from_utf8(stream.decompressed_content().unwrap_or_else(|_| stream.content.clone())).unwrap();
    let hex = |h: &str| u16::from_str_radix(h.trim_matches(|c| c == '<' || c == '>'), 16).ok();
    let mut map = HashMap::new();
    for line in cmap.lines() {
        if let [code, uni] = line.split_whitespace().collect::<Vec<_>>()[..] {
            if let (Some(code), Some(uni)) = (hex(code), hex(uni)) {
                map.insert(code, char::from_u32(u32::from(uni)).map(String::from).unwrap_or_default());
            }
        }
    }
    map
}

/// The text of every page, decoded through each font's ToUnicode map as a reader
/// extracting it would (each text object ends a word).
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let deref = |o: &lopdf::Object| match o.as_reference() {
            Ok(id) => doc.get_object(id).expect("a referenced object").as_dict().expect("a dictionary").clone(),
            Err(_) => o.as_dict().expect("a dictionary").clone(),
        };
        let page_dict = doc.get_object(page).and_then(lopdf::Object::as_dict).expect("a page");
        let resources = deref(page_dict.get(b"Resources").expect("resources"));
        let fonts = deref(resources.get(b"Font").expect("fonts"));
        let maps: HashMap<Vec<u8>, HashMap<u16, String>> =
            fonts.iter().map(|(name, font)| (name.clone(), to_unicode(&doc, &deref(font)))).collect();
        let content = doc.get_and_decode_page_content(page).expect("page content");
        let (mut text, mut font) = (String::new(), None);
        let mut show = |bytes: &[u8], font: &Option<Vec<u8>>, text: &mut String| {
            let map = &maps[font.as_ref().expect("a font is set before text")];
            for pair in bytes.chunks(2) {
                let code = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                text.push_str(map.get(&code).map_or("\u{fffd}", String::as_str));
            }
        };
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands.first().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec),
                "Tj" => show(op.operands[0].as_str().expect("a string"), &font, &mut text),
                "TJ" => {
                    for o in op.operands[0].as_array().expect("an array") {
                        if let Ok(bytes) = o.as_str() {
                            show(bytes, &font, &mut text);
                        }
                    }
                }
                "ET" => text.push(' '),
                _ => {}
            }
        }
        out.push(text);
    }
    out
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
