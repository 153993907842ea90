//! What an export showed: the export of the version made again and read as Word reads it,
//! each character of a paragraph tied to the automerge id of the character it shows.
//!
//! The title is kept as a frame (not negotiated text); the meta lines under it (meeting,
//! version, date, fingerprint) are left out of both files, since they depend on when the
//! file was made; a paragraph's printed number is a frame too.

use std::collections::HashSet;

use automerge::ChangeHash;

use super::ReturnError;
use super::word::{self, Body, PARAGRAPH_END, Stamp};
use crate::draft::Draft;
use crate::export::docx::DocxMode;
use crate::export::{ExportInfo, layout};
use crate::ids::{Country, Lang, ParagraphId};
use crate::meeting::delegations::CountryNames;
use crate::schema::ParagraphKind;
use crate::view::CharId;

/// What a character of the exported stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The title: written by Pluma from the draft, not negotiated here.
    Title,
    /// A paragraph's printed number (`2. `): Pluma's, not negotiated text.
    Prefix {
        /// The paragraph.
        para: usize,
    },
    /// The end of the title.
    TitleEnd,
    /// A character a paragraph shows: the paragraph (an index into
    /// [`Exported::paragraphs`]) and its place among the characters shown.
    Text {
        /// The paragraph.
        para: usize,
        /// Its place among the paragraph's shown characters.
        at: usize,
    },
    /// The end of an exported paragraph.
    End {
        /// The paragraph.
        para: usize,
    },
}

/// One character of the exported stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XTok {
    /// The character ([`PARAGRAPH_END`] for an end).
    pub ch: char,
    /// What it is.
    pub role: Role,
}

/// A character a paragraph showed, with the proposals it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The character.
    pub ch: char,
    /// The automerge id of the character at the version.
    pub id: CharId,
    /// Delegations whose pending insertion it was.
    pub ins: Vec<Country>,
    /// Delegations proposing to delete it.
    pub del: Vec<Country>,
}

/// An exported paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedParagraph {
    /// The paragraph.
    pub id: ParagraphId,
    /// Its kind.
    pub kind: ParagraphKind,
    /// Whether this is where a proposed move would put it (a copy: its own place is the one
    /// that counts).
    pub moved_here: bool,
    /// Whether the whole paragraph was a pending proposal (new, deleted or moved).
    pub proposed_whole: bool,
    /// The characters it showed.
    pub chars: Vec<Shown>,
}

impl ExportedParagraph {
    /// The text it showed.
    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.ch).collect()
    }
}

/// What the export showed.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The heads of the version.
    pub heads: Vec<ChangeHash>,
    /// The language.
    pub lang: Lang,
    /// Clean or tracked.
    pub mode: DocxMode,
    /// The stream the diff runs on.
    pub tokens: Vec<XTok>,
    /// The paragraphs, in order.
    pub paragraphs: Vec<ExportedParagraph>,
    /// Authors and dates of the revisions and comments the export wrote: whatever the
    /// returned file carries with one of these was already in it.
    pub known: HashSet<Stamp>,
}

/// The leading paragraphs that are the meta lines under a title: token indices to leave out.
pub fn meta_tokens(body: &Body) -> std::ops::Range<usize> {
    let mut paragraphs = body.paragraphs.iter();
    match paragraphs.next() {
        Some(first) if first.style == "title" => {
            let start = first.end + 1;
            let end = paragraphs.take_while(|p| p.style == "subtitle").last().map_or(start, |p| p.end + 1);
            start..end
        }
        _ => 0..0,
    }
}

/// Makes the export of `heads` in `lang` and `mode` again and reads what it showed.
pub fn rebuild(draft: &mut Draft, heads: &[ChangeHash], lang: Lang, mode: DocxMode, names: &CountryNames) -> Result<Exported, ReturnError> {
    let bytes = draft.export_docx_from(Some(heads), lang, &ExportInfo::default(), mode, names, None)?;
    let package = super::package::read(
        &bytes,
        &super::ReturnLimits { max_file_bytes: usize::MAX, max_unzipped_bytes: usize::MAX, ..Default::default() },
    )
    .map_err(|e| ReturnError::Rebuild(e.to_string()))?;
    let body = word::read(&package.document, package.comments.as_deref(), usize::MAX).map_err(|e| ReturnError::Rebuild(e.to_string()))?;
    let mut known: HashSet<Stamp> = body.revisions.iter().cloned().collect();
    known.extend(body.comments.iter().map(|c| c.stamp.clone()));

    let view = draft.view_at(heads);
    let shown = match mode {
        DocxMode::Tracked => layout::tracked(&view, lang)?,
        DocxMode::Clean => layout::clean(&view, lang)?,
    };
    let meta = meta_tokens(&body);
    let mut words = body.paragraphs.iter().filter(|p| !meta.contains(&p.end));
    let mut tokens = Vec::new();
    if let Some(title) = words.next() {
        tokens.extend(body.tokens[title.start..title.end].iter().map(|t| XTok { ch: t.ch, role: Role::Title }));
        tokens.push(XTok { ch: PARAGRAPH_END, role: Role::TitleEnd });
    }
    let mut paragraphs = Vec::new();
    for (para, s) in shown.into_iter().enumerate() {
        let w = words.next().ok_or_else(|| ReturnError::Rebuild("fewer paragraphs than the version has".into()))?;
        let obj = view.text_obj(&s.id, lang)?;
        let ids = view.char_ids(&obj)?;
        let mut chars = Vec::new();
        for seg in s.segments.iter().filter(|seg| mode == DocxMode::Tracked || seg.ins.is_empty()) {
            for (i, ch) in (seg.start..seg.end).zip(seg.text.chars()) {
                let id = ids.get(i).cloned().ok_or_else(|| ReturnError::Rebuild("a character without an id".into()))?;
                // A clean export shows pending deletions as plain text.
                let tracked = mode == DocxMode::Tracked;
                let ins = seg.ins.iter().map(|m| m.country.clone()).collect();
                let del = seg.del.iter().filter(|_| tracked).map(|m| m.country.clone()).collect();
                chars.push(Shown { ch, id, ins, del });
            }
        }
        let written: Vec<char> = body.tokens[w.start..w.end].iter().map(|t| t.ch).collect();
        let prefix =
            written.len().checked_sub(chars.len()).ok_or_else(|| ReturnError::Rebuild("a paragraph shorter than its text".into()))?;
        if written[prefix..].iter().ne(chars.iter().map(|c| &c.ch)) {
            return Err(ReturnError::Rebuild(format!("paragraph {} does not read back as written", s.id)));
        }
        tokens.extend(written[..prefix].iter().map(|&ch| XTok { ch, role: Role::Prefix { para } }));
        tokens.extend(chars.iter().enumerate().map(|(at, c)| XTok { ch: c.ch, role: Role::Text { para, at } }));
        tokens.push(XTok { ch: PARAGRAPH_END, role: Role::End { para } });
        let moved_here = matches!(s.whole, layout::Whole::MovedTo { .. });
        let proposed_whole = !matches!(s.whole, layout::Whole::Settled);
        paragraphs.push(ExportedParagraph { id: s.id, kind: s.kind, moved_here, proposed_whole, chars });
    }
    Ok(Exported { heads: heads.to_vec(), lang, mode, tokens, paragraphs, known })
}
