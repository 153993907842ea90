//! Which version a returned file shows: the one its source names, or, for a file without a
//! source, the version whose paragraphs it holds (matched by text).

use std::collections::HashSet;

use super::super::ReturnError;
use super::super::package::{self, Package};
use super::super::report::MatchedBy;
use super::super::source::{PROPERTY, Source};
use super::super::word::{Body, PARAGRAPH_END};
use super::{Origin, ReadOptions, paragraphs::strip_number};
use crate::draft::Draft;
use crate::export::docx::DocxMode;
use crate::export::layout;
use crate::ids::{Lang, ParagraphId};

/// The version the file shows, and the paragraph ids its source lists (to check against
/// the rebuilt export), if it lists them.
pub(super) fn locate(
    draft: &mut Draft,
    pkg: &Package,
    body: &Body,
    opts: &ReadOptions<'_>,
) -> Result<(Origin, Option<Vec<ParagraphId>>), ReturnError> {
    let source = pkg.custom_items.iter().find_map(|xml| Source::from_xml(xml)).or_else(|| {
        let value = pkg.custom_properties.as_deref().and_then(|xml| package::custom_property(xml, PROPERTY))?;
        Source::from_property(&value)
    });
    match source {
        Some(Err(reason)) => Err(ReturnError::BadSource(reason)),
        Some(Ok(s)) => {
            if let (Some(file), Some(here)) = (&s.draft, opts.draft_id)
                && file != here
            {
                return Err(ReturnError::OtherDraft { file: file.clone() });
            }
            draft.checked_heads(Some(&s.heads)).map_err(|_| ReturnError::UnknownVersion)?;
            let expected = (!s.paragraphs.is_empty()).then(|| s.paragraphs.iter().map(|p| p.id.clone()).collect());
            Ok((Origin { draft: s.draft, heads: s.heads, lang: s.lang, mode: s.mode, matched_by: MatchedBy::Source }, expected))
        }
        None => by_text(draft, body, opts).map(|o| (o, None)),
    }
}

/// Normalises a paragraph's text for matching: its number dropped, spaces collapsed.
fn normal(text: &str) -> String {
    strip_number(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file's paragraphs as they were before its tracked changes (insertions left out,
/// deletions kept), normalised.
fn original_paragraphs(body: &Body) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut current = String::new();
    for t in body.tokens.iter().filter(|t| t.ins.is_none()) {
        if t.ch == PARAGRAPH_END {
            out.insert(normal(&std::mem::take(&mut current)));
        } else {
            current.push(t.ch);
        }
    }
    out.insert(normal(&current));
    out.remove("");
    out
}

/// The best-matching candidate: most of its paragraphs found in the file, at least half.
fn by_text(draft: &mut Draft, body: &Body, opts: &ReadOptions<'_>) -> Result<Origin, ReturnError> {
    let found_in_file = original_paragraphs(body);
    let mut best: Option<(usize, usize, Origin)> = None;
    for heads in opts.candidates {
        if draft.checked_heads(Some(heads)).is_err() {
            continue;
        }
        for lang in Lang::ALL {
            for mode in [DocxMode::Clean, DocxMode::Tracked] {
                let view = draft.view_at(heads);
                let shown = match mode {
                    DocxMode::Clean => layout::clean(&view, lang)?,
                    DocxMode::Tracked => layout::tracked(&view, lang)?,
                };
                let texts: Vec<String> = shown
                    .iter()
                    .map(|s| {
                        normal(
                            &s.segments
                                .iter()
                                .filter(|g| mode == DocxMode::Tracked || g.ins.is_empty())
                                .map(|g| g.text.as_str())
                                .collect::<String>(),
                        )
                    })
                    .filter(|t| !t.is_empty())
                    .collect();
                let found = texts.iter().filter(|t| found_in_file.contains(*t)).count();
                if best.as_ref().is_none_or(|(f, _, _)| found > *f) {
                    let origin = Origin { draft: None, heads: heads.clone(), lang, mode, matched_by: MatchedBy::Text };
                    best = Some((found, texts.len(), origin));
                }
            }
        }
    }
    match best {
        Some((found, total, origin)) if found > 0 && found * 2 >= total => Ok(origin),
        Some((found, total, _)) => Err(ReturnError::NoMatch { found, total }),
        None => Err(ReturnError::NoMatch { found: 0, total: 0 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_spaces_do_not_count() {
        assert_eq!(normal("2.  We  agree "), "We agree");
        assert_eq!(normal("5 bis. We call"), "We call");
    }
}
