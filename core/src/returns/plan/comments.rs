//! Word comments the file brings (not those the export wrote), each placed on the exported
//! characters its range covers in one paragraph.

use super::super::exported::Role;
use super::super::report::NotPlaced;
use super::{Change, Ctx, note};
use crate::markdown::escape_markdown;

/// The exported characters (paragraph, place) a returned range covers.
fn covered(ctx: &Ctx<'_>, start: usize, end: usize) -> Vec<(usize, usize)> {
    (start..end)
        .filter_map(|ri| ctx.al.r_to_x.get(ri).copied().flatten())
        .filter_map(|xi| match ctx.x.tokens[xi].role {
            Role::Text { para, at } => Some((para, at)),
            _ => None,
        })
        .collect()
}

/// For a comment on no exported character (a point, or new text only): the word just
/// before its place, else just after.
fn nearby(ctx: &Ctx<'_>, at: usize) -> Option<(usize, usize, usize)> {
    let g = ctx.al.gap.get(at).copied().unwrap_or(ctx.x.tokens.len());
    let text_at = |xi: usize| match ctx.x.tokens.get(xi).map(|t| t.role) {
        Some(Role::Text { para, at }) => Some((para, at)),
        _ => None,
    };
    let (para, at) = g.checked_sub(1).and_then(text_at).or_else(|| text_at(g))?;
    let chars = &ctx.x.paragraphs[para].chars;
    let word = |i: usize| chars[i].ch.is_alphanumeric();
    let (mut first, mut last) = (at, at);
    while first > 0 && word(first - 1) && word(at) {
        first -= 1;
    }
    while last + 1 < chars.len() && word(last + 1) && word(at) {
        last += 1;
    }
    Some((para, first, last))
}

/// The new comments, as changes; comments that cannot be placed are noted.
pub(super) fn comments(ctx: &Ctx<'_>, not_placed: &mut Vec<NotPlaced>) -> Vec<super::Change> {
    let mut out = Vec::new();
    for c in ctx.r.comments.iter().filter(|c| !ctx.x.known.contains(&c.stamp) && !c.text.trim().is_empty()) {
        let (start, end) = match (c.start, c.end, c.reference) {
            (Some(s), Some(e), _) => (s, e.max(s)),
            (Some(s), None, _) | (None, _, Some(s)) => (s, s),
            (None, _, None) => {
                not_placed.push(note(
                    None,
                    format!("a comment by {}", c.stamp.author),
                    c.text.clone(),
                    "the file does not say where it is",
                ));
                continue;
            }
        };
        let cover = covered(ctx, start, end);
        let place = match cover.first() {
            Some(&(para, first)) => {
                let last = cover.iter().filter(|(p, _)| *p == para).map(|(_, a)| *a).max().unwrap_or(first);
                Some((para, first, last))
            }
            None => nearby(ctx, start),
        };
        let Some((para, first, last)) = place else {
            not_placed.push(note(None, format!("a comment by {}", c.stamp.author), c.text.clone(), "it is not on the text of a paragraph"));
            continue;
        };
        let x = &ctx.x.paragraphs[para];
        let body = match c.stamp.author.trim() {
            "" => escape_markdown(c.text.trim()),
            author => format!("{}\n\n— {}, in the returned Word file", escape_markdown(c.text.trim()), escape_markdown(author)),
        };
        out.push(Change::Comment {
            paragraph: x.id.clone(),
            first: x.chars[first].id.clone(),
            last: x.chars[last].id.clone(),
            quote: x.chars[first..=last].iter().map(|c| c.ch).collect(),
            body,
            author: c.stamp.author.clone(),
        });
    }
    out
}
