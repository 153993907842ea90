//! DOCX exports, written with the `docx-rs` crate.
//!
//! Why `docx-rs`: it is maintained (0.4.22, current `zip` and `quick-xml`), pure Rust
//! without I/O (it packs into any `Write + Seek`, here a `Vec<u8>`), and it writes exactly
//! what the negotiators need: `w:ins`/`w:del` revisions with `w:author` and `w:date`,
//! deletions inside insertions, and comments with ranges. Its default `image` feature is
//! off. Writing the OOXML by hand would have meant re-doing the package parts (content
//! types, relationships, comments part) that it already gets right.
//!
//! - Clean: the text with every pending proposal left out (insertions omitted, proposed
//!   cuts kept) — what "Reject all" in Word gives from the tracked export.
//! - Tracked: each pending proposal is a Word revision authored by the proposing country's
//!   name (a cut proposed by several countries names them all), so Accept/Reject work in
//!   Word and LibreOffice; each comment thread on this language is a Word comment on its
//!   range (a detached thread on its paragraph), its messages as the comment's paragraphs.
//! - Redline: a [`Comparison`] with each insertion and deletion a revision authored by the
//!   credited country; paragraph notes (added, removed, moved, status) are comments by
//!   "Pluma".

use std::io::Cursor;

use automerge::ChangeHash;
use docx_rs::{Comment, Delete, Docx, Insert, MoveFrom, MoveTo, Paragraph, Run};

use super::layout::{self, Whole};
use super::page::{header, text_paragraph};
use super::whole::{MoveRanges, number_part, paragraph_mark};
use super::{ExportInfo, iso8601};
use crate::Result;
use crate::compare::render::place;
use crate::compare::{Comparison, ParagraphChange, Piece, PieceOp};
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, Lang};
use crate::labels::Label;
use crate::meeting::delegations::CountryNames;
use crate::render::{ProposalMark, Segment};
use crate::returns::source::{Source, SourceParagraph};
use crate::schema::ParagraphKind;
use crate::threads::{Anchor, Thread};

/// Which DOCX of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocxMode {
    /// No proposals, no comments.
    Clean,
    /// Proposals as Word revisions, threads as Word comments.
    Tracked,
}

/// The author of revisions and comments that no delegation made.
const SYSTEM_AUTHOR: &str = "Pluma";

/// A piece of paragraph content: plain, inserted, deleted or moved text.
pub(super) enum RunPart {
    Plain(Run),
    Ins(Run, String, String),
    Del(Run, String, String),
    MoveFrom(Run, String, String),
    MoveTo(Run, String, String),
    InsDel { text: Run, ins: (String, String), del: (String, String) },
    CommentStart(Box<Comment>),
    CommentEnd(usize),
}

impl RunPart {
    pub(super) fn add_to(self, p: Paragraph, style: impl Fn(Run) -> Run) -> Paragraph {
        match self {
            RunPart::Plain(r) => p.add_run(style(r)),
            RunPart::Ins(r, author, date) => p.add_insert(Insert::new(style(r)).author(author).date(date)),
            RunPart::Del(r, author, date) => p.add_delete(Delete::new().add_run(style(r)).author(author).date(date)),
            RunPart::MoveFrom(r, author, date) => p.add_move_from(MoveFrom::new().add_run(style(r)).author(author).date(date)),
            RunPart::MoveTo(r, author, date) => p.add_move_to(MoveTo::new(style(r)).author(author).date(date)),
            RunPart::InsDel { text, ins, del } => {
                p.add_insert(Insert::new_with_del(Delete::new().add_run(style(text)).author(del.0).date(del.1)).author(ins.0).date(ins.1))
            }
            RunPart::CommentStart(c) => p.add_comment_start(*c),
            RunPart::CommentEnd(id) => p.add_comment_end(id),
        }
    }
}

fn text_run(text: &str, deleted: bool, strong: bool, em: bool) -> Run {
    let mut r = if deleted { Run::new().add_delete_text(text) } else { Run::new().add_text(text) };
    if strong {
        r = r.bold();
    }
    if em {
        r = r.italic();
    }
    r
}

pub(super) fn authors(marks: &[ProposalMark], names: &CountryNames, lang: Lang) -> (String, String) {
    let who = marks.iter().map(|m| names.name(&m.country, lang)).collect::<Vec<_>>().join(", ");
    let at = marks.iter().map(|m| m.at).max().unwrap_or(0);
    (who, iso8601(at))
}

fn segment_part(seg: &Segment, text: &str, mode: DocxMode, whole: &Whole, names: &CountryNames, lang: Lang) -> Option<RunPart> {
    // The text of a paragraph proposed for moving, where nothing else is proposed on it: a
    // Word move, so that accepting or rejecting it in Word moves the whole paragraph.
    match (mode, whole) {
        (DocxMode::Tracked, Whole::MovedFrom { mark, .. }) if seg.ins.is_empty() && seg.del.len() == 1 && &seg.del[0] == mark => {
            let (a, d) = authors(&seg.del, names, lang);
            return Some(RunPart::MoveFrom(text_run(text, true, seg.strong, seg.em), a, d));
        }
        (DocxMode::Tracked, Whole::MovedTo { mark, .. }) if seg.del.is_empty() && seg.ins.len() == 1 && &seg.ins[0] == mark => {
            let (a, d) = authors(&seg.ins, names, lang);
            return Some(RunPart::MoveTo(text_run(text, false, seg.strong, seg.em), a, d));
        }
        _ => {}
    }
    match mode {
        DocxMode::Clean if !seg.ins.is_empty() => None,
        DocxMode::Clean => Some(RunPart::Plain(text_run(text, false, seg.strong, seg.em))),
        DocxMode::Tracked => Some(match (seg.ins.is_empty(), seg.del.is_empty()) {
            (true, true) => RunPart::Plain(text_run(text, false, seg.strong, seg.em)),
            (false, true) => {
                let (a, d) = authors(&seg.ins, names, lang);
                RunPart::Ins(text_run(text, false, seg.strong, seg.em), a, d)
            }
            (true, false) => {
                let (a, d) = authors(&seg.del, names, lang);
                RunPart::Del(text_run(text, true, seg.strong, seg.em), a, d)
            }
            (false, false) => RunPart::InsDel {
                text: text_run(text, true, seg.strong, seg.em),
                ins: authors(&seg.ins, names, lang),
                del: authors(&seg.del, names, lang),
            },
        }),
    }
}

fn comment_of(id: usize, thread: &Thread, names: &CountryNames, lang: Lang) -> Comment {
    let first = thread.messages.first();
    let author = first.map_or_else(|| SYSTEM_AUTHOR.to_owned(), |m| names.name(&m.country, lang));
    let mut c = Comment::new(id).author(author).date(iso8601(first.map_or(0, |m| m.at)));
    if thread.resolved {
        c = c.add_paragraph(Paragraph::new().add_run(Run::new().add_text("[resolved]").italic()));
    }
    if matches!(thread.anchor, Anchor::Detached) {
        c = c.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("[on deleted text: “{}”]", thread.quote)).italic()));
    }
    for m in &thread.messages {
        c = c.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(format!("{} ({}): ", m.country.as_str(), m.user.as_str())).bold())
                .add_run(Run::new().add_text(m.body.clone())),
        );
    }
    c
}

/// Writes the package of a document without moves.
fn pack(docx: Docx) -> Result<Vec<u8>> {
    pack_rewritten(docx, &MoveRanges::default(), None)
}

/// Builds and packs a document: the move ranges written in (see [`MoveRanges`]), the source
/// part filled in (see [`crate::returns::source`]). Text stored before [`crate::clean`]
/// refused control characters may still hold some, which XML cannot carry (Word and
/// LibreOffice refuse the file): every part that can hold text is written without them.
fn pack_rewritten(docx: Docx, moves: &MoveRanges, source: Option<&Source>) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    moves.rewrite(&mut xml);
    if let Some(source) = source {
        crate::returns::source::fill(&mut xml, source);
    }
    let parts = [&mut xml.document, &mut xml.comments, &mut xml.comments_extended, &mut xml.footnotes]
        .into_iter()
        .chain([&mut xml.doc_props.app, &mut xml.doc_props.core, &mut xml.doc_props.custom])
        .chain(xml.headers.iter_mut())
        .chain(xml.footers.iter_mut());
    for part in parts {
        crate::clean::strip_xml_bytes(part);
    }
    let mut buf = Cursor::new(Vec::new());
    xml.pack(&mut buf).map_err(|e| DraftError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

impl Draft {
    /// The draft (at `heads`, or as it stands) in one language as a DOCX file, its source
    /// part naming no draft (see [`Draft::export_docx_from`]).
    pub fn export_docx(
        &mut self,
        heads: Option<&[ChangeHash]>,
        lang: Lang,
        info: &ExportInfo,
        mode: DocxMode,
        names: &CountryNames,
    ) -> Result<Vec<u8>> {
        self.export_docx_from(heads, lang, info, mode, names, None)
    }

    /// The draft (at `heads`, or as it stands) in one language as a DOCX file that carries
    /// its source ([`crate::returns::source`]): `draft` (the id the server knows it by), the
    /// version's heads and the exported paragraphs, so that a copy marked up in Word can be
    /// brought back ([`crate::returns`]).
    pub fn export_docx_from(
        &mut self,
        heads: Option<&[ChangeHash]>,
        lang: Lang,
        info: &ExportInfo,
        mode: DocxMode,
        names: &CountryNames,
        draft: Option<&str>,
    ) -> Result<Vec<u8>> {
        let heads = self.checked_heads(heads)?;
        let source_heads = match &heads {
            Some(h) => h.clone(),
            None => self.heads(),
        };
        let view = self.view_opt(heads.as_deref());
        let title = vec![RunPart::Plain(Run::new().add_text(view.title(lang)?))];
        let mut docx = header(title, info, lang);
        let threads: Vec<Thread> = match mode {
            DocxMode::Tracked => view.threads()?.into_iter().filter(|t| t.lang == lang).collect(),
            DocxMode::Clean => Vec::new(),
        };
        let mut next_comment = 1usize;
        let mut moves = MoveRanges::default();
        let shown = match mode {
            DocxMode::Tracked => layout::tracked(&view, lang)?,
            DocxMode::Clean => layout::clean(&view, lang)?,
        };
        let source = Source {
            draft: draft.map(str::to_owned),
            heads: source_heads,
            lang,
            mode,
            paragraphs: shown.iter().map(|s| SourceParagraph { id: s.id.clone(), moved_here: s.whole.moved_here() }).collect(),
        };
        docx = crate::returns::source::attach(docx, &source);
        for layout::Shown { id, kind, label, whole, segments } in shown {
            // A move's target repeats the paragraph: its comments stay at its own place.
            let on_here = !matches!(whole, Whole::MovedTo { .. });
            let len = segments.last().map_or(0, |s| s.end);
            // Comment anchors on this paragraph, as (start, end, comment id, thread).
            let mut anchors: Vec<(usize, usize, usize, &Thread)> = Vec::new();
            for t in threads.iter().filter(|t| t.paragraph == id && on_here) {
                let (s, e) = match t.anchor {
                    Anchor::Range { start, end } => (start.min(len), end.min(len)),
                    Anchor::Detached => (0, len),
                };
                anchors.push((s, e, next_comment, t));
                next_comment += 1;
            }
            let mut parts: Vec<RunPart> = Vec::new();
            parts.extend(number_part(label.printed(), &whole, mode, names, lang));
            let mut cuts: Vec<usize> = anchors.iter().flat_map(|a| [a.0, a.1]).collect();
            cuts.sort_unstable();
            cuts.dedup();
            // Starts at `pos` (an empty range also ends there); ends of non-empty ranges.
            let starts_at = |pos: usize, parts: &mut Vec<RunPart>| {
                for a in anchors.iter().filter(|a| a.0 == pos) {
                    parts.push(RunPart::CommentStart(Box::new(comment_of(a.2, a.3, names, lang))));
                    if a.1 == a.0 {
                        parts.push(RunPart::CommentEnd(a.2));
                    }
                }
            };
            let ends_at = |pos: usize, parts: &mut Vec<RunPart>| {
                for a in anchors.iter().filter(|a| a.1 == pos && a.0 < pos) {
                    parts.push(RunPart::CommentEnd(a.2));
                }
            };
            for seg in &segments {
                let chars: Vec<char> = seg.text.chars().collect();
                let mut bounds = vec![seg.start, seg.end];
                bounds.extend(cuts.iter().copied().filter(|c| *c > seg.start && *c < seg.end));
                bounds.sort_unstable();
                for w in bounds.windows(2) {
                    starts_at(w[0], &mut parts);
                    let text: String = chars[w[0] - seg.start..w[1] - seg.start].iter().collect();
                    parts.extend(segment_part(seg, &text, mode, &whole, names, lang));
                    ends_at(w[1], &mut parts);
                }
            }
            // Anchors at the very end (or on an empty paragraph).
            starts_at(len, &mut parts);
            let mut p = text_paragraph(kind == ParagraphKind::Heading);
            if mode == DocxMode::Tracked {
                p = paragraph_mark(p, &whole, names, lang);
            }
            p = moves.wrap(p, parts, &whole, names, lang);
            docx = docx.add_paragraph(p);
        }
        pack_rewritten(docx, &moves, Some(&source))
    }
}

impl Comparison {
    /// The comparison as a DOCX redline: insertions and deletions as Word revisions
    /// authored by the credited country's name (dated `date_ms`), paragraph notes as
    /// comments.
    pub fn to_docx(&self, names: &CountryNames, info: &ExportInfo, date_ms: i64) -> Result<Vec<u8>> {
        let date = iso8601(date_ms);
        let lang = self.lang;
        let author = |c: &Option<Country>| c.as_ref().map_or_else(|| SYSTEM_AUTHOR.to_owned(), |c| names.name(c, lang));
        let parts_of = |pieces: &[Piece]| -> Vec<RunPart> {
            pieces
                .iter()
                .map(|p| match p.op {
                    PieceOp::Equal => RunPart::Plain(text_run(&p.text, false, false, p.em)),
                    PieceOp::Insert => RunPart::Ins(text_run(&p.text, false, false, p.em), author(&p.country), date.clone()),
                    PieceOp::Delete => RunPart::Del(text_run(&p.text, true, false, p.em), author(&p.country), date.clone()),
                })
                .collect()
        };
        let mut docx = header(parts_of(&self.title), info, lang);
        let mut next_comment = 1usize;
        for (p, labels) in self.paragraphs.iter().zip(self.labels()) {
            let mut notes: Vec<String> = Vec::new();
            match p.change {
                ParagraphChange::Added => notes.push(format!("Paragraph added{}", by(&p.by, names, lang))),
                ParagraphChange::Removed => notes.push(format!("Paragraph removed{}", by(&p.by, names, lang))),
                _ => {}
            }
            if p.moved {
                notes.push(format!(
                    "Paragraph moved from {} to {}{}",
                    place(labels.from.as_ref(), p.from_number, lang),
                    place(labels.to.as_ref(), p.to_number, lang),
                    by(&p.by, names, lang)
                ));
            }
            if let Some(s) = &p.status {
                notes.push(format!("Status {} → {}", s.from.as_str(), s.to.as_str()));
            }
            let mut parts = Vec::new();
            let comment = (!notes.is_empty()).then(|| {
                let id = next_comment;
                next_comment += 1;
                let mut c = Comment::new(id).author(SYSTEM_AUTHOR).date(date.clone());
                for n in &notes {
                    c = c.add_paragraph(Paragraph::new().add_run(Run::new().add_text(n.clone())));
                }
                (id, c)
            });
            let comment_id = comment.as_ref().map(|c| c.0);
            if let Some((_, c)) = comment {
                parts.push(RunPart::CommentStart(Box::new(c)));
            }
            parts.extend(parts_of(&p.pieces));
            if let Some(id) = comment_id {
                parts.push(RunPart::CommentEnd(id));
            }
            let mut para = text_paragraph(p.kind == ParagraphKind::Heading);
            if let Some(n) = labels.shown().and_then(Label::number) {
                para = para.add_run(Run::new().add_text(format!("{n}. ")));
            }
            for part in parts {
                para = part.add_to(para, |r| r);
            }
            docx = docx.add_paragraph(para);
        }
        pack(docx)
    }
}

fn by(c: &Option<Country>, names: &CountryNames, lang: Lang) -> String {
    c.as_ref().map(|c| format!(" by {}", names.name(c, lang))).unwrap_or_default()
}
