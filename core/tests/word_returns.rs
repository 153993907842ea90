//! Word files brought back (pluma_core::returns): an export read back unchanged brings
//! nothing; tracked and untracked edits made in its XML, as Word writes them, become the
//! returning delegation's proposals and comments on the current text, placed by the ids of
//! the characters they were made against even after the live draft moved on; what cannot
//! be placed is reported; the same edits brought back twice are made once.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::collections::HashSet;
use std::io::{Read, Write};

use fixtures::{para, stamp};
use pluma_core::automerge::ChangeHash;
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::returns::report::{MadeKind, MatchedBy, Report};
use pluma_core::returns::{self, ApplyOptions, Plan, ReadOptions, ReturnError, ReturnLimits};
use pluma_core::rules::{Role, Who};
use pluma_core::{Bilingual, Draft, DraftKind, Lang, ParagraphId, ParagraphKind, Stamp, SuggestionKind};

const AUTHOR: &str = "w:author=\"Peru Legal Office\" w:date=\"2024-05-02T10:00:00Z\"";

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The file with `edit` applied to each part it names (`None` drops the part).
fn rezip(docx: &[u8], edit: impl Fn(&str, String) -> Option<String>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        if entry.is_dir() {
            continue;
        }
        let mut s = String::new();
        entry.read_to_string(&mut s).unwrap();
        if let Some(s) = edit(&name, s) {
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(s.as_bytes()).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// The file with `from` replaced by `to` in its document (exactly once).
fn edit(docx: &[u8], edits: &[(&str, String)]) -> Vec<u8> {
    rezip(docx, |name, mut s| {
        if name == "word/document.xml" {
            for (from, to) in edits {
                assert_eq!(s.matches(from).count(), 1, "{from} in {s}");
                s = s.replacen(from, to, 1);
            }
        }
        Some(s)
    })
}

fn del(text: &str) -> String {
    format!("<w:del w:id=\"901\" {AUTHOR}><w:r><w:delText xml:space=\"preserve\">{text}</w:delText></w:r></w:del>")
}

fn ins(text: &str) -> String {
    format!("<w:ins w:id=\"902\" {AUTHOR}><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:ins>")
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn who(s: &Stamp) -> Who {
    Who { user: s.user.clone(), role: Role::Delegate, country: Some(s.country.clone()) }
}

/// Reads `file` against the draft stored as `bytes` and places it, for Peru; returns the
/// plan, the report, the changes and the draft with them.
fn bring_back(bytes: &[u8], file: &[u8], skip: &HashSet<String>) -> Result<(Plan, Report, Vec<String>, Draft), ReturnError> {
    let mut draft = Draft::load(bytes).unwrap();
    let pe: pluma_core::Country = "PE".parse().unwrap();
    let candidates = vec![draft.heads()];
    let limits = ReturnLimits::default();
    let names = CountryNames::builtin();
    let opts = ReadOptions {
        draft_id: Some("d0123456789abcdef"),
        country: &pe,
        names: &names,
        limits: &limits,
        candidates: &candidates,
        deadline: None,
    };
    let plan = returns::read(&mut draft, file, &opts)?;
    let mut draft = Draft::load(bytes).unwrap();
    let by = Stamp { at: 1_714_640_000_000, ..stamp("PE") };
    let applied = returns::apply(&mut draft, &plan, &ApplyOptions { by: &by, who: &who(&by), skip }).unwrap();
    // Stored as the server would, the changes pass the rules as Peru's.
    let stored = Draft::load(bytes).unwrap().into_automerge();
    pluma_core::rules::check_on_copy(&stored, &applied.changes, &who(&by)).unwrap();
    let mut after = Draft::load(bytes).unwrap();
    after.apply_changes(applied.changes.clone()).unwrap();
    Ok((plan, applied.report, applied.made, after))
}

struct World {
    draft: Draft,
    pp1: ParagraphId,
    op1: ParagraphId,
    op2: ParagraphId,
    version: Vec<ChangeHash>,
}

/// PP 1, OP 1, OP 2; Mexico proposes " fully" in OP 1, Brazil comments on PP 1; the version
/// sent to capitals is saved.
fn world() -> World {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let pp1 = d.insert_paragraph(0, para(ParagraphKind::Preamble, "Recognizing the value of cooperation,")).unwrap();
    let op1 = d.insert_paragraph(1, para(ParagraphKind::Operative, "We agree on safe migration.")).unwrap();
    let op2 = d.insert_paragraph(2, para(ParagraphKind::Operative, "We call on states to share data.")).unwrap();
    d.suggest_insert(&op1, Lang::En, 8, " fully", &stamp("MX")).unwrap();
    d.create_thread(&pp1, Lang::En, 0, 11, "Welcoming?", &stamp("BR")).unwrap();
    d.commit();
    let version = d.heads();
    World { draft: d, pp1, op1, op2, version }
}

fn export(d: &mut Draft, heads: &[ChangeHash], lang: Lang, mode: DocxMode) -> Vec<u8> {
    d.export_docx_from(Some(heads), lang, &ExportInfo::default(), mode, &CountryNames::builtin(), Some("d0123456789abcdef")).unwrap()
}

fn pending(d: &mut Draft, p: &ParagraphId, country: &str) -> Vec<(SuggestionKind, String)> {
    d.suggestions().unwrap().into_iter().filter(|s| &s.paragraph == p && s.country.as_str() == country).map(|s| (s.kind, s.text)).collect()
}

/// Every export kind of a negotiated text (pending text and paragraph proposals, a
/// comment), read back without edits, brings nothing and reports nothing.
#[test]
fn unchanged_exports_bring_nothing() {
    let mut w = world();
    let (_, _) = w.draft.propose_paragraph(Some(&w.op1), para(ParagraphKind::Operative, "We welcome data."), &stamp("US")).unwrap();
    w.draft.propose_paragraph_deletion(&w.op2, &stamp("AR")).unwrap();
    w.draft.propose_paragraph_move(&w.pp1, Some(&w.op1), &stamp("CL")).unwrap();
    w.draft.suggest_delete(&w.op2, Lang::Es, 0, 3, &stamp("AR")).unwrap();
    w.draft.commit();
    let heads = w.draft.heads();
    let bytes = w.draft.save();
    for lang in Lang::ALL {
        for mode in [DocxMode::Clean, DocxMode::Tracked] {
            let file = export(&mut w.draft, &heads, lang, mode);
            assert!(part(&file, "customXml/item1.xml").contains("draft=\"d0123456789abcdef\""));
            let (plan, report, _, _) = bring_back(&bytes, &file, &HashSet::new()).unwrap();
            assert!(plan.items.is_empty(), "{lang} {mode:?}: {:?}", plan.items);
            assert!(report.not_placed.is_empty(), "{lang} {mode:?}: {:?}", report.not_placed);
            assert_eq!(report.matched_by, MatchedBy::Source);
        }
    }
}

/// Tracked and untracked edits of a file exported before Argentina's and the chair's later
/// edits land as Peru's proposals at the characters they were made against; a new Word
/// paragraph is a new-paragraph proposal; a Word comment is Peru's thread; bringing the
/// file back again makes nothing twice.
#[test]
fn edits_land_on_the_current_text() {
    let mut w = world();
    let file = export(&mut w.draft, &w.version, Lang::En, DocxMode::Tracked);
    // Meanwhile: Argentina proposes "regular " before "migration"; a paragraph is added first.
    let at = w.draft.text(&w.op1, Lang::En).unwrap().find("migration").unwrap();
    w.draft.suggest_insert(&w.op1, Lang::En, at, "regular ", &stamp("AR")).unwrap();
    w.draft.insert_paragraph(0, para(ParagraphKind::Preamble, "Welcoming the meeting,")).unwrap();
    w.draft.commit();
    let bytes = w.draft.save();

    let returned = edit(
        &file,
        &[
            (" on safe migration.</w:t></w:r>", format!(" on </w:t></w:r>{}{}{}", del("safe"), ins("orderly"), run(" migration."))),
            (
                "We call on states to share data.</w:t></w:r>",
                format!(
                    "We call on </w:t></w:r><w:commentRangeStart w:id=\"77\"/>{}<w:commentRangeEnd w:id=\"77\"/>{}{}{}",
                    run("states"),
                    run(" to share"),
                    del(" data"),
                    run(".")
                ),
            ),
            (" the value of cooperation,", " the importance of cooperation,".into()),
        ],
    );
    // A new paragraph after OP 2, typed with Track Changes on (its mark inserted), and the comment.
    let returned = rezip(&returned, |name, s| match name {
        "word/document.xml" => Some(s.replace(
            "<w:sectPr>",
            &format!("<w:p><w:pPr><w:rPr><w:ins w:id=\"903\" {AUTHOR}/></w:rPr></w:pPr>{}</w:p><w:sectPr>", ins("3. We invite observers.")),
        )),
        "word/comments.xml" => Some(s.replace(
            "</w:comments>",
            &format!("<w:comment w:id=\"77\" {AUTHOR}><w:p><w:r><w:t>Which states?</w:t></w:r></w:p></w:comment></w:comments>"),
        )),
        _ => Some(s),
    });
    let (plan, report, made, mut after) = bring_back(&bytes, &returned, &HashSet::new()).unwrap();
    assert!(report.not_placed.is_empty(), "{:?}", report.not_placed);
    assert_eq!(report.proposals.len(), 4, "{:#?}", report.proposals);
    assert!(report.proposals.iter().all(|m| m.id.as_str().ends_with("-PE")));

    let op1 = pending(&mut after, &w.op1, "PE");
    assert_eq!(op1, vec![(SuggestionKind::Delete, "safe".into()), (SuggestionKind::Insert, "orderly".into())]);
    assert_eq!(after.text(&w.op1, Lang::En).unwrap(), "We agree fully on safeorderly regular migration.");
    assert_eq!(pending(&mut after, &w.op2, "PE"), vec![(SuggestionKind::Delete, " data".into())]);
    assert_eq!(
        pending(&mut after, &w.pp1, "PE"),
        vec![(SuggestionKind::Delete, "value".into()), (SuggestionKind::Insert, "importance".into())]
    );
    let untracked = report.proposals.iter().find(|m| m.paragraph == w.pp1).unwrap();
    assert!(!untracked.tracked);
    assert_eq!(untracked.label, "PP 2");

    let new = report.proposals.iter().find(|m| m.kind == MadeKind::NewParagraph).unwrap();
    assert_eq!(new.inserted, "We invite observers.");
    assert_eq!(new.label, "OP 2 bis");
    assert_eq!(after.text(&new.paragraph, Lang::En).unwrap(), "We invite observers.");
    let ids = after.paragraph_ids().unwrap();
    assert_eq!(ids.iter().position(|p| p == &new.paragraph), Some(ids.iter().position(|p| p == &w.op2).unwrap() + 1));

    assert_eq!(report.comments.len(), 1);
    let thread = after.threads().unwrap().into_iter().find(|t| t.id == report.comments[0].thread).unwrap();
    assert_eq!((thread.quote.as_str(), thread.messages[0].country.as_str()), ("states", "PE"));
    assert!(thread.messages[0].body.starts_with("Which states?"));

    // The same file again: nothing new, everything listed as already brought back.
    let skip: HashSet<String> = made.into_iter().collect();
    let (_, again, made_again, _) = bring_back(&bytes, &returned, &skip).unwrap();
    assert!(made_again.is_empty() && again.proposals.is_empty() && again.comments.is_empty());
    assert_eq!(again.already_brought_back.len(), plan.items.len());
}

/// Text the draft no longer has is reported with the reason, and the rest still lands.
#[test]
fn gone_text_is_reported() {
    let mut w = world();
    let file = export(&mut w.draft, &w.version, Lang::En, DocxMode::Clean);
    let at = w.draft.text(&w.op2, Lang::En).unwrap().find("share ").unwrap();
    w.draft.splice(&w.op2, Lang::En, at, 6, "").unwrap();
    w.draft.commit();
    let bytes = w.draft.save();
    let returned = edit(
        &file,
        &[
            ("We call on states to share data.", "We call on countries to data.".into()),
            (" on safe migration.", " on safe and orderly migration.".into()),
        ],
    );
    let (_, report, _, mut after) = bring_back(&bytes, &returned, &HashSet::new()).unwrap();
    assert_eq!(after.text(&w.op1, Lang::En).unwrap(), "We agree fully on safe and orderly migration.");
    assert_eq!(pending(&mut after, &w.op1, "PE").len(), 1);
    assert_eq!(
        pending(&mut after, &w.op2, "PE"),
        vec![(SuggestionKind::Delete, "states".into()), (SuggestionKind::Insert, "countries".into())]
    );
    let gone = report.not_placed.iter().find(|n| n.text.contains("share")).expect("the deletion of share is reported");
    assert!(gone.reason.contains("no longer"), "{gone:?}");
    assert_eq!(gone.label.as_deref(), Some("OP 2"));
}

/// A file without the source part is matched by its text; one whose text is not the
/// draft's is refused with the reason; a file naming another draft, or a version this one
/// does not have, is refused.
#[test]
fn files_without_source_and_foreign_files() {
    let mut w = world();
    let bytes = w.draft.save();
    let file = export(&mut w.draft, &w.version, Lang::En, DocxMode::Clean);
    let stripped = rezip(&file, |name, s| (!name.starts_with("customXml/") && name != "docProps/custom.xml").then_some(s));
    let stripped = edit(&stripped, &[(">We agree<", ">We agree today<".into())]);
    let (plan, report, _, _) = bring_back(&bytes, &stripped, &HashSet::new()).unwrap();
    assert_eq!((plan.origin.matched_by, plan.origin.lang), (MatchedBy::Text, Lang::En));
    assert_eq!(report.proposals.len(), 1);
    assert_eq!(report.proposals[0].inserted.trim(), "today");

    let foreign = edit(&stripped, &[("Recognizing the value of cooperation,", "Something else entirely".into())]);
    let foreign = edit(&foreign, &[("We call on states", "Other words".into())]);
    let err = bring_back(&bytes, &foreign, &HashSet::new()).unwrap_err();
    assert!(matches!(err, ReturnError::NoMatch { .. }), "{err}");

    let other =
        rezip(&file, |name, s| Some(if name == "customXml/item1.xml" { s.replace("d0123456789abcdef", "dffffffffffffffff") } else { s }));
    assert!(matches!(bring_back(&bytes, &other, &HashSet::new()).unwrap_err(), ReturnError::OtherDraft { .. }));
    let head = w.version[0].to_string();
    let unknown = rezip(&file, |name, s| Some(if name == "customXml/item1.xml" { s.replace(&head, &"ab".repeat(32)) } else { s }));
    assert!(matches!(bring_back(&bytes, &unknown, &HashSet::new()).unwrap_err(), ReturnError::UnknownVersion));
    assert!(matches!(bring_back(&bytes, b"not a zip", &HashSet::new()).unwrap_err(), ReturnError::NotDocx(_)));
}

/// A paragraph moved in Word (w:moveFrom at its place, w:moveTo with its text after OP 2)
/// is Peru's proposal to move it; a paragraph deleted without Track Changes is Peru's
/// proposal to delete it; an edit to a paragraph number is reported, not made.
#[test]
fn moves_and_deletions_of_whole_paragraphs() {
    let mut w = world();
    let op3 = w.draft.insert_paragraph(3, para(ParagraphKind::Operative, "We thank the hosts.")).unwrap();
    w.draft.commit();
    let heads = w.draft.heads();
    let bytes = w.draft.save();
    let file = export(&mut w.draft, &heads, Lang::En, DocxMode::Clean);
    let moved =
        format!("<w:moveFrom w:id=\"905\" {AUTHOR}><w:r><w:t xml:space=\"preserve\">We agree on safe migration.</w:t></w:r></w:moveFrom>");
    let returned = edit(
        &file,
        &[
            (
                "<w:r><w:rPr /><w:t xml:space=\"preserve\">We agree</w:t></w:r><w:r><w:rPr /><w:t xml:space=\"preserve\"> on safe migration.</w:t></w:r>",
                moved,
            ),
            (">2. <", ">7. <".to_owned()),
            (
                "<w:r><w:rPr /><w:t xml:space=\"preserve\">3. </w:t></w:r><w:r><w:rPr /><w:t xml:space=\"preserve\">We thank the hosts.</w:t></w:r>",
                String::new(),
            ),
        ],
    );
    // The moved paragraph's destination, after OP 2 (its mark inserted by the move).
    let returned = rezip(&returned, |name, s| match name {
        "word/document.xml" => {
            let at = s.find("We call on states to share data.").unwrap();
            let end = at + s[at..].find("</w:p>").unwrap() + "</w:p>".len();
            let to = format!(
                "<w:p><w:pPr><w:rPr><w:moveTo w:id=\"906\" {AUTHOR}/></w:rPr></w:pPr><w:moveTo w:id=\"907\" {AUTHOR}><w:r><w:t>We agree on safe migration.</w:t></w:r></w:moveTo></w:p>"
            );
            Some(format!("{}{to}{}", &s[..end], &s[end..]))
        }
        _ => Some(s),
    });
    let (_, report, _, mut after) = bring_back(&bytes, &returned, &HashSet::new()).unwrap();
    let kinds: Vec<(MadeKind, &str)> = report.proposals.iter().map(|m| (m.kind, m.label.as_str())).collect();
    assert_eq!(kinds, vec![(MadeKind::MoveParagraph, "OP 1"), (MadeKind::DeleteParagraph, "OP 3")], "{:#?}", report);
    let moves = after.proposals().unwrap();
    let mv = moves.iter().find(|p| p.paragraph == w.op1).unwrap();
    assert_eq!((mv.country.as_str(), mv.after.as_ref()), ("PE", Some(&w.op2)));
    assert!(moves.iter().any(|p| p.paragraph == op3 && p.country.as_str() == "PE"));
    assert_eq!(report.not_placed.len(), 1, "{:#?}", report.not_placed);
    assert!(report.not_placed[0].what.contains("number") && report.not_placed[0].text == "“2” → “7”", "{:?}", report.not_placed);
    assert_eq!(report.not_placed[0].label.as_deref(), Some("OP 2"));
}
