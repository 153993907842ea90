//! Rendering a paragraph with its pending proposals, as Markdown (CriticMarkup) and HTML.
//!
//! Both walk the same [`Segment`]s: maximal runs of characters that carry the same marks.

use automerge::ScalarValue;
use serde::Serialize;

use crate::Result;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId, UserId};
use crate::markdown::{escape_html, escape_markdown};
use crate::schema::{SuggestionKind, keys};
use crate::view::DraftView;
use crate::view::TrackedRun;

/// A proposal mark on a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalMark {
    /// The proposing country.
    pub country: Country,
    /// The proposal's id.
    pub id: SuggestionId,
    /// The person who proposed it.
    pub user: UserId,
    /// When, in unix milliseconds.
    pub at: i64,
}

/// A maximal run of characters with the same formatting and proposal marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The characters.
    pub text: String,
    /// Bold.
    pub strong: bool,
    /// Italic.
    pub em: bool,
    /// Pending insertion proposals covering it (normally at most one).
    pub ins: Vec<ProposalMark>,
    /// Pending deletion proposals covering it (several countries may propose the same cut).
    pub del: Vec<ProposalMark>,
}

impl Segment {
    fn same_marks(&self, other: &Segment) -> bool {
        self.strong == other.strong && self.em == other.em && self.ins == other.ins && self.del == other.del
    }
}

impl<'a> DraftView<'a> {
    /// The text of a paragraph cut into segments of identical marks.
    pub fn segments(&self, paragraph: &ParagraphId, lang: Lang) -> Result<Vec<Segment>> {
        let obj = self.text_obj(paragraph, lang)?;
        let chars: Vec<char> = self.text_of(&obj)?.chars().collect();
        let marks: Vec<_> = self
            .marks(&obj)?
            .into_iter()
            .filter(|m| (m.name == keys::STRONG || m.name == keys::EM) && !m.value.is_null() && m.start < m.end)
            .collect();
        let tracked = self.tracked_runs(&obj)?;
        let mut bounds: Vec<usize> = vec![0, chars.len()];
        for (s, e) in marks.iter().map(|m| (m.start, m.end)).chain(tracked.iter().map(|t| (t.start, t.end))) {
            bounds.push(s.min(chars.len()));
            bounds.push(e.min(chars.len()));
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut out: Vec<Segment> = Vec::new();
        for w in bounds.windows(2) {
            let (start, end) = (w[0], w[1]);
            if start >= end {
                continue;
            }
            let mut seg = Segment {
                start,
                end,
                text: chars[start..end].iter().collect(),
                strong: false,
                em: false,
                ins: Vec::new(),
                del: Vec::new(),
            };
            for m in marks.iter().filter(|m| m.start <= start && m.end >= end) {
                let on = matches!(m.value, ScalarValue::Boolean(true));
                if m.name == keys::STRONG {
                    seg.strong = on;
                } else {
                    seg.em = on;
                }
            }
            for TrackedRun { name, value, .. } in tracked.iter().filter(|t| t.start <= start && t.end >= end) {
                let pm = ProposalMark { country: name.country.clone(), id: value.id.clone(), user: value.user.clone(), at: value.at };
                match name.kind {
                    SuggestionKind::Insert => seg.ins.push(pm),
                    SuggestionKind::Delete => seg.del.push(pm),
                }
            }
            seg.ins.sort_by(|a, b| a.country.cmp(&b.country));
            seg.del.sort_by(|a, b| a.country.cmp(&b.country));
            match out.last_mut() {
                Some(last) if last.same_marks(&seg) && last.end == seg.start => {
                    last.end = seg.end;
                    last.text.push_str(&seg.text);
                }
                _ => out.push(seg),
            }
        }
        Ok(out)
    }

    /// A paragraph as Markdown with its proposals in CriticMarkup:
    /// `{++added++}{>>MX<<}`, `{--cut--}{>>AR, BR<<}`, and for text one country added and
    /// another proposes to cut, `{--added--}{>>ins MX; del AR<<}`.
    pub fn render_markdown(&self, paragraph: &ParagraphId, lang: Lang) -> Result<String> {
        Ok(markdown_of(&self.segments(paragraph, lang)?))
    }

    /// A paragraph as an HTML fragment: proposals as `<ins>`/`<del>` elements carrying
    /// `data-country`, `data-suggestion`, `data-user` and `data-at`.
    pub fn render_html(&self, paragraph: &ParagraphId, lang: Lang) -> Result<String> {
        Ok(html_of(&self.segments(paragraph, lang)?))
    }
}

fn proposal_attrs(m: &ProposalMark) -> String {
    format!(
        "data-country=\"{}\" data-suggestion=\"{}\" data-user=\"{}\" data-at=\"{}\"",
        escape_html(m.country.as_str()),
        escape_html(m.id.as_str()),
        escape_html(m.user.as_str()),
        m.at
    )
}

/// Wraps already-escaped text in `*`/`**`, keeping edge whitespace outside the delimiters
/// (CommonMark does not open emphasis before a space).
fn emphasise(text: &str, strong: bool, em: bool) -> String {
    if !strong && !em {
        return text.to_owned();
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return text.to_owned();
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let delim = match (strong, em) {
        (true, true) => "***",
        (true, false) => "**",
        _ => "*",
    };
    format!("{lead}{delim}{trimmed}{delim}{trail}")
}

/// Segments as Markdown with CriticMarkup (see [`DraftView::render_markdown`]).
pub fn markdown_of(segments: &[Segment]) -> String {
    let mut out = String::new();
    for seg in segments {
        let body = emphasise(&escape_markdown(&seg.text), seg.strong, seg.em);
        let codes = |marks: &[ProposalMark]| marks.iter().map(|m| m.country.as_str()).collect::<Vec<_>>().join(", ");
        match (seg.ins.is_empty(), seg.del.is_empty()) {
            (true, true) => out.push_str(&body),
            (false, true) => out.push_str(&format!("{{++{body}++}}{{>>{}<<}}", codes(&seg.ins))),
            (true, false) => out.push_str(&format!("{{--{body}--}}{{>>{}<<}}", codes(&seg.del))),
            (false, false) => out.push_str(&format!("{{--{body}--}}{{>>ins {}; del {}<<}}", codes(&seg.ins), codes(&seg.del))),
        }
    }
    out
}

/// Segments as an HTML fragment (see [`DraftView::render_html`]).
pub fn html_of(segments: &[Segment]) -> String {
    let mut out = String::new();
    for seg in segments {
        let mut inner = escape_html(&seg.text);
        if seg.em {
            inner = format!("<em>{inner}</em>");
        }
        if seg.strong {
            inner = format!("<strong>{inner}</strong>");
        }
        for m in &seg.ins {
            inner = format!("<ins {}>{inner}</ins>", proposal_attrs(m));
        }
        for m in &seg.del {
            inner = format!("<del {}>{inner}</del>", proposal_attrs(m));
        }
        out.push_str(&inner);
    }
    out
}
