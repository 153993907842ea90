//! How a tracked export writes a paragraph proposed whole: its printed number and its
//! paragraph mark as part of the proposal, and a move's source and destination ranges,
//! which docx-rs cannot write itself.

use docx_rs::{Paragraph, Run};

use super::docx::{DocxMode, RunPart, authors};
use super::layout::Whole;
use crate::ids::Lang;
use crate::meeting::delegations::CountryNames;
use crate::render::ProposalMark;

/// The number printed before a paragraph (`2. `, `5 bis. `), as the rest of the paragraph
/// is proposed: a new paragraph's number is part of its insertion.
pub(super) fn number_part(printed: Option<String>, whole: &Whole, mode: DocxMode, names: &CountryNames, lang: Lang) -> Option<RunPart> {
    let text = format!("{}. ", printed?);
    let marks: Vec<ProposalMark> = whole.marks().into_iter().cloned().collect();
    if mode == DocxMode::Clean || marks.is_empty() {
        return Some(RunPart::Plain(Run::new().add_text(text)));
    }
    let (a, d) = authors(&marks, names, lang);
    Some(match whole {
        Whole::New(_) => RunPart::Ins(Run::new().add_text(text), a, d),
        Whole::MovedTo { .. } => RunPart::MoveTo(Run::new().add_text(text), a, d),
        Whole::Deleted(_) => RunPart::Del(Run::new().add_delete_text(text), a, d),
        Whole::MovedFrom { .. } => RunPart::MoveFrom(Run::new().add_delete_text(text), a, d),
        Whole::Settled => RunPart::Plain(Run::new().add_text(text)),
    })
}

/// Word's paragraph-mark revision for a paragraph proposed whole: inserted with a new
/// paragraph (or a move's target), deleted with a deleted paragraph (or a move's source).
pub(super) fn paragraph_mark(p: Paragraph, whole: &Whole, names: &CountryNames, lang: Lang) -> Paragraph {
    let marks: Vec<ProposalMark> = whole.marks().into_iter().cloned().collect();
    if marks.is_empty() {
        return p;
    }
    let (a, d) = authors(&marks, names, lang);
    match whole {
        Whole::New(_) | Whole::MovedTo { .. } => p.insert(a, d),
        Whole::Deleted(_) | Whole::MovedFrom { .. } => p.delete(a, d),
        Whole::Settled => p,
    }
}

/// The first id of the move ranges' markers, far above the ids docx-rs gives revisions.
const MOVE_RANGE_IDS: usize = 900_000;

/// The source and destination ranges of the moves in a tracked export, which Word pairs by
/// name: each is first written as a bookmark (`pluma-move-from-N`, `pluma-move-to-N`),
/// then turned into `w:moveFromRangeStart`/`End` (or `moveTo…`) in the document's XML,
/// which docx-rs cannot write itself.
#[derive(Debug, Default)]
pub(super) struct MoveRanges {
    ranges: Vec<(usize, &'static str, usize, String, String)>,
}

impl MoveRanges {
    /// Opens and closes the range around a moved paragraph's content.
    pub(super) fn wrap(&mut self, p: Paragraph, parts: Vec<RunPart>, whole: &Whole, names: &CountryNames, lang: Lang) -> Paragraph {
        let (kind, number, mark) = match whole {
            Whole::MovedFrom { mark, number, .. } => ("from", *number, mark),
            Whole::MovedTo { mark, number } => ("to", *number, mark),
            _ => return parts.into_iter().fold(p, |p, part| part.add_to(p, |r| r)),
        };
        let id = MOVE_RANGE_IDS + self.ranges.len();
        let (author, date) = authors(std::slice::from_ref(mark), names, lang);
        self.ranges.push((id, kind, number, author, date));
        let p = p.add_bookmark_start(id, format!("pluma-move-{kind}-{number}"));
        parts.into_iter().fold(p, |p, part| part.add_to(p, |r| r)).add_bookmark_end(id)
    }

    /// Rewrites the bookmarks as move ranges in the document's XML.
    pub(super) fn rewrite(&self, xml: &mut docx_rs::XMLDocx) {
        if self.ranges.is_empty() {
            return;
        }
        let mut doc = String::from_utf8_lossy(&xml.document).into_owned();
        for (id, kind, number, author, date) in &self.ranges {
            let tag = if *kind == "from" { "moveFrom" } else { "moveTo" };
            let start = format!("<w:bookmarkStart w:id=\"{id}\" w:name=\"pluma-move-{kind}-{number}\" />");
            let end = format!("<w:bookmarkEnd w:id=\"{id}\" />");
            let author = crate::markdown::escape_html(author);
            doc = doc.replace(
                &start,
                &format!("<w:{tag}RangeStart w:id=\"{id}\" w:name=\"move{number}\" w:author=\"{author}\" w:date=\"{date}\"/>"),
            );
            doc = doc.replace(&end, &format!("<w:{tag}RangeEnd w:id=\"{id}\"/>"));
        }
        xml.document = doc.into_bytes();
    }
}
