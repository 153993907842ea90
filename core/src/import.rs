//! Creating a draft from documents written elsewhere: Markdown or DOCX, one file per
//! language, paragraph by paragraph.
//!
//! - **Markdown**: blocks separated by blank lines. A first `# ` line is the title, `## `
//!   (or deeper) lines are headings, every other block is an operative paragraph whose
//!   lines are joined with spaces; quotes (`> `) are skipped. A leading paragraph number (`1.`, `1\.`, `12)`) is
//!   dropped: the draft numbers paragraphs itself. `*em*` and `**strong**` are kept.
//! - **DOCX** (read with `docx-rs`): a first paragraph in the `Title` style is the title,
//!   `Subtitle` paragraphs are skipped (a Pluma export's meta line), `Heading…` styles are
//!   headings, every other non-empty paragraph is operative. Bold and
//!   italic runs are kept (direct formatting or character styles); tracked insertions are read as text, tracked deletions dropped
//!   (the document as if its changes were accepted). Tables and images are not imported.
//! - **Both languages**: the two files must have the same number of paragraphs, matched by
//!   position; a mismatch is refused with both counts. One language alone leaves the other
//!   empty.

use docx_rs::{Bold, DocumentChild, InsertChild, Italic, ParagraphChild, Run, RunChild};

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::Lang;
use crate::schema::{Bilingual, DraftKind, NewParagraph, ParagraphKind};

/// One language of an imported document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedText {
    /// The title, if the file has one.
    pub title: Option<String>,
    /// Paragraphs in order: kind and inline Markdown.
    pub paragraphs: Vec<(ParagraphKind, String)>,
}

/// Drops a leading paragraph number (`1.`, `1\.`, `12)`) and the space after it.
fn strip_number(text: &str) -> &str {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return text;
    }
    let rest = &text[digits..];
    let rest = rest.strip_prefix("\\.").or_else(|| rest.strip_prefix('.')).or_else(|| rest.strip_prefix(')'));
    match rest {
        Some(r) if r.starts_with(char::is_whitespace) => r.trim_start(),
        _ => text,
    }
}

/// Reads a Markdown file (see the module docs).
pub fn from_markdown(md: &str) -> ImportedText {
    let mut out = ImportedText::default();
    let mut block: Vec<&str> = Vec::new();
    let mut skipping = false;
    let flush = |block: &mut Vec<&str>, out: &mut ImportedText| {
        if block.is_empty() {
            return;
        }
        let text = block.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        block.clear();
        let text = strip_number(&text).to_owned();
        if !text.is_empty() {
            out.paragraphs.push((ParagraphKind::Operative, text));
        }
    };
    for line in md.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut block, &mut out);
            skipping = false;
            continue;
        }
        let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
        if hashes > 0 && trimmed[hashes..].starts_with(' ') {
            flush(&mut block, &mut out);
            let text = trimmed[hashes..].trim().to_owned();
            if hashes == 1 && out.title.is_none() && out.paragraphs.is_empty() {
                out.title = Some(text);
            } else {
                out.paragraphs.push((ParagraphKind::Heading, text));
            }
            continue;
        }
        if trimmed.starts_with('>') && block.is_empty() {
            // A quote is not a paragraph of the draft (a Pluma export's meta line is one).
            skipping = true;
            continue;
        }
        if skipping {
            continue;
        }
        block.push(trimmed);
    }
    flush(&mut block, &mut out);
    out
}

/// Character styles that make text bold or italic (LibreOffice writes emphasis as the
/// `Emphasis` and `Strong` styles rather than as direct formatting).
type CharStyles = std::collections::HashMap<String, (bool, bool)>;

fn flags(rp: &docx_rs::RunProperty) -> (bool, bool) {
    (rp.bold.as_ref().is_some_and(|b| *b == Bold::new()), rp.italic.as_ref().is_some_and(|i| *i == Italic::new()))
}

/// Appends a run's text as inline Markdown.
fn push_run(out: &mut String, run: &Run, styles: &CharStyles) {
    let mut text = String::new();
    for child in &run.children {
        match child {
            RunChild::Text(t) => text.push_str(&t.text),
            RunChild::Tab(_) | RunChild::Break(_) | RunChild::CarriageReturn(_) => text.push(' '),
            _ => {}
        }
    }
    if text.is_empty() {
        return;
    }
    let rp = &run.run_property;
    let (direct_strong, direct_em) = flags(rp);
    let (style_strong, style_em) = rp.style.as_ref().and_then(|s| styles.get(&s.val)).copied().unwrap_or_default();
    let (strong, em) = (direct_strong || style_strong, direct_em || style_em);
    let escaped = crate::markdown::escape_markdown(&text);
    let delim = match (strong, em) {
        (true, true) => "***",
        (true, false) => "**",
        (false, true) => "*",
        (false, false) => "",
    };
    if delim.is_empty() || escaped.trim().is_empty() {
        out.push_str(&escaped);
        return;
    }
    // Emphasis cannot open or close on a space: keep edge spaces outside.
    let lead = &escaped[..escaped.len() - escaped.trim_start().len()];
    let trail = &escaped[escaped.trim_end().len()..];
    out.push_str(&format!("{lead}{delim}{}{delim}{trail}", escaped.trim()));
}

fn push_children(out: &mut String, children: &[ParagraphChild], styles: &CharStyles) {
    for child in children {
        match child {
            ParagraphChild::Run(r) => push_run(out, r, styles),
            ParagraphChild::Insert(ins) => {
                for c in &ins.children {
                    if let InsertChild::Run(r) = c {
                        push_run(out, r, styles);
                    }
                }
            }
            ParagraphChild::Hyperlink(h) => push_children(out, &h.children, styles),
            _ => {}
        }
    }
}

/// Reads a DOCX file (see the module docs) whose XML parts unpack to at most `max_text`
/// bytes: counted by unpacking them (a ZIP's declared sizes may lie) up to that bound, so a
/// small file holding a huge compressed text costs no more than the bound before it is
/// refused with [`DraftError::ImportTooLarge`].
pub fn from_docx_within(bytes: &[u8], max_text: usize) -> Result<ImportedText> {
    use std::io::Read;
    let unreadable = |e: &dyn std::fmt::Display| DraftError::InvalidImport(format!("not a readable DOCX file: {e}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut total: u64 = 0;
    let limit = max_text as u64;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let name = entry.name().to_ascii_lowercase();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let read = std::io::copy(&mut entry.take(limit + 1 - total), &mut std::io::sink()).map_err(|e| unreadable(&e))?;
        total += read;
        if total > limit {
            return Err(DraftError::ImportTooLarge { limit: max_text });
        }
    }
    from_docx(bytes)
}

/// Reads a DOCX file (see the module docs). Unbounded: for files from a trusted place;
/// the server reads with [`from_docx_within`].
pub fn from_docx(bytes: &[u8]) -> Result<ImportedText> {
    let docx = docx_rs::read_docx(bytes).map_err(|e| DraftError::InvalidImport(format!("not a readable DOCX file: {e}")))?;
    let styles: CharStyles = docx
        .styles
        .styles
        .iter()
        .filter(|s| s.style_type == docx_rs::StyleType::Character)
        .map(|s| (s.style_id.clone(), flags(&s.run_property)))
        .collect();
    let mut out = ImportedText::default();
    for child in &docx.document.children {
        let DocumentChild::Paragraph(p) = child else { continue };
        let mut text = String::new();
        push_children(&mut text, &p.children, &styles);
        let text = strip_number(text.trim()).to_owned();
        if text.is_empty() {
            continue;
        }
        let style = p.property.style.as_ref().map(|s| s.val.to_ascii_lowercase()).unwrap_or_default();
        if style == "title" && out.title.is_none() && out.paragraphs.is_empty() {
            out.title = Some(text);
        } else if style == "subtitle" {
            // The meta line of a Pluma export (meeting, version, date).
        } else if style.starts_with("heading") {
            out.paragraphs.push((ParagraphKind::Heading, text));
        } else {
            out.paragraphs.push((ParagraphKind::Operative, text));
        }
    }
    Ok(out)
}

impl Draft {
    /// A new draft from imported texts, one or both languages. The title is each file's
    /// own, else `fallback_title`. Refuses two files of different lengths, and no file.
    pub fn import(
        kind: DraftKind,
        en: Option<ImportedText>,
        es: Option<ImportedText>,
        fallback_title: &Bilingual<String>,
    ) -> Result<Draft> {
        let (en_len, es_len) = (en.as_ref().map(|t| t.paragraphs.len()), es.as_ref().map(|t| t.paragraphs.len()));
        let count = match (en_len, es_len) {
            (None, None) => return Err(DraftError::InvalidImport("give a file in at least one language".into())),
            (Some(a), Some(b)) if a != b => {
                return Err(DraftError::InvalidImport(format!(
                    "the English file has {a} paragraphs and the Spanish one {b}; they are matched one by one"
                )));
            }
            (Some(n), _) | (_, Some(n)) => n,
        };
        let title = |t: &Option<ImportedText>, lang: Lang| {
            t.as_ref().and_then(|t| t.title.clone()).unwrap_or_else(|| fallback_title.get(lang).clone())
        };
        let titles = Bilingual { en: title(&en, Lang::En), es: title(&es, Lang::Es) };
        let mut d = Draft::new(kind, Bilingual { en: titles.en.as_str(), es: titles.es.as_str() })?;
        let paragraphs = (0..count).map(|i| {
            let pick = |t: &Option<ImportedText>| t.as_ref().map(|t| t.paragraphs[i].clone());
            let (a, b) = (pick(&en), pick(&es));
            let kind = a.as_ref().or(b.as_ref()).map_or(ParagraphKind::Operative, |p| p.0);
            NewParagraph {
                kind,
                section: None,
                editors: vec![],
                text: Bilingual { en: a.map(|p| p.1).unwrap_or_default(), es: b.map(|p| p.1).unwrap_or_default() },
            }
        });
        d.append_paragraphs(paragraphs.collect::<Vec<_>>())?;
        d.commit();
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_blocks_titles_headings_and_numbers() {
        let t =
            from_markdown("# Joint Communiqué\n\n## Cooperation\n\n1\\. *Recognizing* the value\nof cooperation,\n\n2. Agree **fully**.\n");
        assert_eq!(t.title.as_deref(), Some("Joint Communiqué"));
        assert_eq!(
            t.paragraphs,
            vec![
                (ParagraphKind::Heading, "Cooperation".into()),
                (ParagraphKind::Operative, "*Recognizing* the value of cooperation,".into()),
                (ParagraphKind::Operative, "Agree **fully**.".into()),
            ]
        );
        assert_eq!(strip_number("2021 was a year"), "2021 was a year");
        assert_eq!(strip_number("3) Agree"), "Agree");
    }
}
