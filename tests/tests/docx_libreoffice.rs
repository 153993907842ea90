//! DOCX exports opened by a real reader: LibreOffice (headless) converts every exported
//! file to text and to PDF without error, the text is the draft's, and the tracked export
//! carries each proposal as `w:ins`/`w:del` authored by the country's name.
//!
//! Needs `soffice` (`scripts/install-libreoffice`). Without it the test says so loudly and
//! passes, unless `PLUMA_REQUIRE_LIBREOFFICE` is set (as `scripts/test` does), when it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::{Bilingual, Draft, DraftKind, Lang, NewParagraph, ParagraphKind, Stamp};
use pluma_tests::docx_xml;

fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("soffice"))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var_os("PLUMA_REQUIRE_LIBREOFFICE").is_some() {
            panic!("soffice is not installed but PLUMA_REQUIRE_LIBREOFFICE is set: run scripts/install-libreoffice");
        }
        eprintln!(
            "\n*** SKIPPED: LibreOffice (soffice) is not installed; the DOCX files were NOT checked with a real reader. Run scripts/install-libreoffice. ***\n"
        );
    }
    found
}

/// Converts `file` with LibreOffice to `filter` (e.g. `pdf`); returns the output path.
fn convert(soffice: &Path, file: &Path, ext: &str, filter: &str) -> PathBuf {
    let dir = file.parent().unwrap();
    // A profile of its own, so parallel tests and a desktop session never collide.
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--norestore", "--convert-to", filter, "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "soffice failed on {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    let target = file.with_extension(ext);
    assert!(
        target.is_file(),
        "soffice wrote no {ext} for {}: {} {}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    target
}

fn as_text(soffice: &Path, file: &Path) -> String {
    let txt = convert(soffice, file, "txt", "txt:Text (encoded):UTF8");
    let text = std::fs::read_to_string(txt).unwrap();
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n")
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn stamp(country: &str) -> Stamp {
    Stamp { user: format!("u{}", country.to_lowercase()).parse().unwrap(), country: country.parse().unwrap(), at: 1_638_281_100_000 }
}

/// A draft with a heading and two paragraphs in both languages; Mexico proposes an
/// insertion and Argentina a cut in English, Peru an insertion in Spanish, Brazil comments.
fn negotiated() -> (Draft, Vec<u8>) {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let texts = [
        (ParagraphKind::Heading, "Cooperation", "Cooperación"),
        (ParagraphKind::Preamble, "Recognizing the value of cooperation,", "Reconociendo el valor de la cooperación,"),
        (ParagraphKind::Operative, "We agree on safe migration.", "Acordamos una migración segura."),
    ];
    let mut ids = Vec::new();
    for (i, (kind, en, es)) in texts.iter().enumerate() {
        ids.push(
            d.insert_paragraph(
                i,
                NewParagraph { kind: *kind, section: None, editors: vec![], text: Bilingual { en: (*en).into(), es: (*es).into() } },
            )
            .unwrap(),
        );
    }
    d.commit();
    let base = d.save();
    d.suggest_insert(&ids[2], Lang::En, 8, " fully", &stamp("MX")).unwrap();
    d.suggest_delete(&ids[2], Lang::En, 18, 23, &stamp("AR")).unwrap();
    d.suggest_insert(&ids[2], Lang::Es, 30, " y ordenada", &stamp("PE")).unwrap();
    d.create_thread(&ids[1], Lang::En, 0, 11, "Should this say *welcoming*?", &stamp("BR")).unwrap();
    d.commit();
    (d, base)
}

fn info() -> ExportInfo {
    ExportInfo {
        meeting: Some("RCM–SACM 2021".into()),
        version: Some("Sent to capitals".into()),
        date: "2021-11-30".into(),
        certified: None,
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Every DOCX export converts to text and PDF; clean exports read exactly as the draft
/// without proposals (operative paragraphs numbered, preambular ones not), tracked ones contain every proposed word and name the countries as
/// revision authors, and the redline's text holds both versions' words.
#[test]
fn exports_open_in_libreoffice() {
    let Some(soffice) = soffice() else { return };
    let (mut d, base) = negotiated();
    let names = CountryNames::builtin();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    // Clean, both languages.
    for (lang, expected) in [
        (
            Lang::En,
            vec![
                "Joint Communiqué",
                "RCM–SACM 2021 · Sent to capitals · 2021-11-30",
                "Cooperation",
                "Recognizing the value of cooperation,",
                "1. We agree on safe migration.",
            ],
        ),
        (
            Lang::Es,
            vec![
                "Comunicado Conjunto",
                "RCM–SACM 2021 · Sent to capitals · 2021-11-30",
                "Cooperación",
                "Reconociendo el valor de la cooperación,",
                "1. Acordamos una migración segura.",
            ],
        ),
    ] {
        let bytes = d.export_docx(None, lang, &info(), DocxMode::Clean, &names).unwrap();
        let file = write(&format!("clean-{lang}.docx"), &bytes);
        assert_eq!(lines(&as_text(&soffice, &file)), expected, "clean {lang}");
        convert(&soffice, &file, "pdf", "pdf");
    }

    // Tracked: the revisions carry the countries' names; LibreOffice reads the proposed words.
    let bytes = d.export_docx(None, Lang::En, &info(), DocxMode::Tracked, &names).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains("<w:ins ") && xml.contains("w:author=\"Mexico\""), "{xml}");
    assert!(xml.contains("<w:del ") && xml.contains("w:author=\"Argentina\""), "{xml}");
    assert!(part(&bytes, "word/comments.xml").contains("w:author=\"Brazil\""));
    // Parsed: Mexico's insertion is text inside its w:ins, Argentina's cut is deleted text
    // inside its w:del, and no text is both or neither.
    let pieces = docx_xml::pieces(&xml).unwrap();
    let fully = pieces.iter().find(|p| p.text.contains("fully")).expect("the insertion");
    assert_eq!(
        (fully.inserted_by.as_deref(), fully.deleted_by.as_deref(), fully.deleted_text),
        (Some("Mexico"), None, false),
        "{pieces:?}"
    );
    let cut = pieces.iter().find(|p| p.text.contains("safe")).expect("the cut");
    assert_eq!((cut.deleted_by.as_deref(), cut.inserted_by.as_deref(), cut.deleted_text), (Some("Argentina"), None, true), "{pieces:?}");
    assert!(pieces.iter().all(|p| p.deleted_text == p.deleted_by.is_some()), "deleted text exactly inside w:del: {pieces:?}");
    let file = write("tracked-en.docx", &bytes);
    let text = as_text(&soffice, &file);
    assert!(text.contains("Recognizing the value of cooperation,"), "{text}");
    assert!(text.contains("fully"), "the proposed insertion is in the text: {text}");
    convert(&soffice, &file, "pdf", "pdf");
    let bytes = d.export_docx(None, Lang::Es, &info(), DocxMode::Tracked, &names).unwrap();
    assert!(part(&bytes, "word/document.xml").contains("w:author=\"Perú\""));
    let file = write("tracked-es.docx", &bytes);
    assert!(as_text(&soffice, &file).contains("y ordenada"));
    convert(&soffice, &file, "pdf", "pdf");

    // Redline of the base version against now.
    let base_heads = Draft::load(&base).unwrap().heads();
    let cmp = d.compare(Some(&base_heads), None, Lang::En, &|_| None).unwrap();
    let bytes = cmp.to_docx(&names, &info(), 1_638_281_100_000).unwrap();
    let pieces = docx_xml::pieces(&part(&bytes, "word/document.xml")).unwrap();
    // The insertion (Mexico's, credited to no country here) sits in its w:ins; the proposed
    // cut is still text of both versions, so the redline shows it as such.
    assert!(pieces.iter().any(|p| p.text.contains("fully") && p.inserted_by.is_some() && !p.deleted_text), "{pieces:?}");
    assert!(pieces.iter().any(|p| p.text.contains("safe") && p.inserted_by.is_none() && p.deleted_by.is_none()), "{pieces:?}");
    assert!(pieces.iter().all(|p| p.deleted_text == p.deleted_by.is_some()), "{pieces:?}");
    let file = write("redline-en.docx", &bytes);
    let text = as_text(&soffice, &file);
    assert!(text.contains("1. We agree") && text.contains("fully"), "{text}");
    convert(&soffice, &file, "pdf", "pdf");
}

/// Exports of text stored before control characters were refused (finding 9 of issue 18:
/// a comment with U+0000 made the tracked DOCX unopenable in LibreOffice; a proposal with
/// U+0001, U+000B or U+FFFE broke the tracked DOCX and the comparison; a title with U+0000
/// the plain DOCX): every part is well-formed XML without them, LibreOffice opens each file,
/// and the words around them are all there.
#[test]
fn exports_of_unclean_text_open_in_libreoffice() {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint\u{0} Communiqué", es: "Comunicado\u{0}" }).unwrap();
    let text = Bilingual { en: "We agree on safe migration.".into(), es: "Acordamos una migración segura.".into() };
    let p = d.insert_paragraph(0, NewParagraph { kind: ParagraphKind::Operative, section: None, editors: vec![], text }).unwrap();
    d.commit();
    let base = d.heads();
    d.suggest_insert(&p, Lang::En, 8, " fully\u{1}\u{b}\u{fffe}", &stamp("MX")).unwrap();
    d.create_thread(&p, Lang::En, 0, 2, "Who\u{0} is we?", &stamp("BR")).unwrap();
    d.commit();
    let names = CountryNames::builtin();
    let cmp = d.compare(Some(&base), None, Lang::En, &|_| Some("MX".parse().unwrap())).unwrap();
    let files = [
        ("clean", d.export_docx(None, Lang::En, &info(), DocxMode::Clean, &names).unwrap()),
        ("tracked", d.export_docx(None, Lang::En, &info(), DocxMode::Tracked, &names).unwrap()),
        ("redline", cmp.to_docx(&names, &info(), 1_638_281_100_000).unwrap()),
    ];
    for (what, bytes) in &files {
        let pieces = docx_xml::pieces(&part(bytes, "word/document.xml")).unwrap_or_else(|e| panic!("{what}: {e:#}"));
        let all: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert!(all.contains("Joint Communiqué") || *what == "redline", "{what}: {all}");
        if *what != "clean" {
            assert!(pieces.iter().any(|p| p.text.contains("fully") && p.inserted_by.is_some()), "{what}: {pieces:?}");
        }
    }
    let comments = docx_xml::pieces(&part(&files[1].1, "word/comments.xml")).unwrap();
    assert!(comments.iter().any(|p| p.text.contains("Who is we?")), "{comments:?}");
    let Some(soffice) = soffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes) in &files {
        let file = dir.path().join(format!("{what}.docx"));
        std::fs::write(&file, bytes).unwrap();
        let text = as_text(&soffice, &file);
        assert!(text.contains("migration"), "{what}: LibreOffice read {text:?}");
    }
}

/// A DOCX that LibreOffice made from Markdown (rendered to HTML, converted by LibreOffice)
/// imports to the same paragraphs as the Markdown itself: headings, text, emphasis.
#[test]
fn libreoffice_docx_imports_like_its_markdown() {
    let Some(soffice) = soffice() else { return };
    let md = "## Cooperación regional\n\n*Reconociendo* el valor de la cooperación entre ambos procesos,\n\nAcuerdan **fortalecer** el intercambio de información sobre migración.\n\n¿Podemos reunirnos en 2022? Sí.\n";
    let mut html = String::from("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>");
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(md));
    html.push_str("</body></html>");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("from-markdown.html");
    std::fs::write(&file, html).unwrap();
    let docx = convert(&soffice, &file, "docx", "docx:MS Word 2007 XML");
    let imported = pluma_core::import::from_docx(&std::fs::read(docx).unwrap()).unwrap();
    let expected = pluma_core::import::from_markdown(md);
    assert_eq!(imported.paragraphs, expected.paragraphs);
    assert_eq!(expected.paragraphs.len(), 4);
}

/// LibreOffice reads the tracked DOCX of a text with proposals about whole paragraphs as
/// their delegations' tracked changes: Peru's new paragraph an insertion by "Peru" and the
/// United States' proposed deletion of OP 2 a deletion by "United States" holding its text
/// (its flat ODF, whose tracked changes name each author).
#[test]
fn libreoffice_reads_paragraph_proposals_as_tracked_changes() {
    let Some(soffice) = soffice() else { return };
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let op = |en: &str| NewParagraph {
        kind: ParagraphKind::Operative,
        section: None,
        editors: vec![],
        text: Bilingual { en: en.into(), es: en.into() },
    };
    let op1 = d.insert_paragraph(0, op("Agree to cooperate.")).unwrap();
    let op2 = d.insert_paragraph(1, op("Decide to meet in Lima.")).unwrap();
    d.propose_paragraph(Some(&op1), op("Commit to regular consultations."), &stamp("PE")).unwrap();
    d.propose_paragraph_deletion(&op2, &stamp("US")).unwrap();
    d.commit();
    let bytes = d.export_docx(None, Lang::En, &info(), DocxMode::Tracked, &CountryNames::builtin()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paragraphs-en.docx");
    std::fs::write(&file, &bytes).unwrap();
    let fodt = std::fs::read_to_string(convert(&soffice, &file, "fodt", "fodt")).unwrap();
    let changes = &fodt[fodt.find("<text:tracked-changes").expect("tracked changes in the ODF")..];
    let changes = &changes[..changes.find("</text:tracked-changes>").unwrap()];
    // Each region's id, kind and author; the body marks where each change starts.
    let region = |kind: &str, who: &str| -> Option<String> {
        changes.split("<text:changed-region").skip(1).find_map(|r| {
            let ours = r.contains(&format!("<text:{kind}>")) && r.contains(&format!("<dc:creator>{who}</dc:creator>"));
            let id = r.split("text:id=\"").nth(1)?.split('"').next()?;
            ours.then(|| id.to_owned())
        })
    };
    let starts = |id: &str, text: &str| fodt.contains(&format!("<text:change-start text:change-id=\"{id}\"/>{text}"));
    let inserted = region("insertion", "Peru").expect("an insertion by Peru");
    assert!(starts(&inserted, "1 bis. Commit to regular consultations."), "Peru's new paragraph is its insertion: {fodt}");
    let deleted = region("deletion", "United States").expect("a deletion by the United States");
    assert!(starts(&deleted, "2. Decide to meet in Lima."), "OP 2 is the United States' deletion: {fodt}");
    let text = as_text(&soffice, &file);
    assert!(text.contains("1 bis. Commit to regular consultations."), "{text}");
}
