//! Exports of a draft (as it stands or at a saved version) in one language.
//!
//! - Markdown: the title, the meta line as a quote, then each paragraph with its pending
//!   proposals in CriticMarkup.
//! - HTML: a page ready to print: title, meeting, version label and date, numbered
//!   paragraphs, proposals as coloured `<ins>`/`<del>`.
//! - DOCX ([`docx`]): clean (the text with every pending proposal left out: insertions
//!   omitted, proposed cuts kept), or tracked (each pending proposal a Word revision
//!   authored by the country's name, each comment thread a Word comment), and the redline
//!   of a [`crate::compare::Comparison`].
//! - PDF ([`pdf`]): the clean text set on numbered A4 pages, with the fingerprint of an
//!   adopted text, written without an office suite.
//!
//! Paragraphs are numbered as a communiqué is printed and as the web client counts them
//! ([`crate::labels`]): operative paragraphs 1..m (the number a delegate calls "OP 2"),
//! preambular paragraphs, headings and Concept Note questions not numbered. The certified
//! canonical text keeps its own numbering ([`crate::fingerprint`]).

pub mod docx;
pub mod layout;
mod page;
pub mod pdf;
mod whole;

use crate::calendar::civil_from_days;
use std::fmt::Write as _;

use automerge::ChangeHash;
use serde::Serialize;

use crate::Result;
use crate::draft::Draft;
use crate::ids::Lang;
use crate::markdown::escape_html;
use crate::schema::ParagraphKind;
use crate::view::DraftView;

/// What an export says about itself besides the text: supplied by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportInfo {
    /// The meeting's name, if the draft belongs to one.
    pub meeting: Option<String>,
    /// The version's label (`None`: the current text).
    pub version: Option<String>,
    /// The date to print (the version's, or today's), already formatted.
    pub date: String,
    /// For an adopted draft: its adoption date and certified fingerprint.
    pub certified: Option<Certification>,
}

/// What an export of an adopted draft prints under its meta line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Certification {
    /// The adoption date, already formatted.
    pub adopted_on: String,
    /// The certified fingerprint ([`crate::fingerprint`]), hex.
    pub fingerprint: String,
    /// Whether the exported text is the adopted one (an export of an earlier version says so).
    pub is_adopted_text: bool,
    /// When a chair adopted a text that was not settled: their decision in words, per
    /// language, printed with the fingerprint.
    pub override_note: Option<crate::Bilingual<String>>,
}

impl ExportInfo {
    /// One line: meeting, version and date, separated by " · ".
    pub fn line(&self, lang: Lang) -> String {
        let current = match lang {
            Lang::En => "Current text",
            Lang::Es => "Texto actual",
        };
        let mut parts: Vec<&str> = Vec::new();
        if let Some(m) = &self.meeting {
            parts.push(m);
        }
        parts.push(self.version.as_deref().unwrap_or(current));
        if !self.date.is_empty() {
            parts.push(&self.date);
        }
        parts.join(" · ")
    }

    /// The certification line of an adopted draft, if it is one.
    pub fn certification_line(&self, lang: Lang) -> Option<String> {
        let c = self.certified.as_ref()?;
        let line = self.fingerprint_line(c, lang);
        Some(match &c.override_note {
            Some(note) => format!("{line} · {}", note.get(lang)),
            None => line,
        })
    }

    fn fingerprint_line(&self, c: &Certification, lang: Lang) -> String {
        match (lang, c.is_adopted_text) {
            (Lang::En, true) => format!("Adopted on {} · certified fingerprint (SHA-256) {}", c.adopted_on, c.fingerprint),
            (Lang::Es, true) => format!("Adoptado el {} · huella certificada (SHA-256) {}", c.adopted_on, c.fingerprint),
            (Lang::En, false) => format!(
                "An earlier version: the text adopted on {} has the certified fingerprint (SHA-256) {}",
                c.adopted_on, c.fingerprint
            ),
            (Lang::Es, false) => {
                format!("Versión anterior: el texto adoptado el {} tiene la huella certificada (SHA-256) {}", c.adopted_on, c.fingerprint)
            }
        }
    }
}

impl Draft {
    /// The draft (at `heads`, or as it stands) as Markdown with proposals in CriticMarkup.
    pub fn export_markdown(&mut self, heads: Option<&[ChangeHash]>, lang: Lang, info: &ExportInfo) -> Result<String> {
        let heads = self.checked_heads(heads)?;
        let view = self.view_opt(heads.as_deref());
        let mut out = format!(
            "# {}\n\n> {}\n\n",
            crate::markdown::escape_markdown(&view.title(lang)?),
            crate::markdown::escape_markdown(&info.line(lang))
        );
        if let Some(line) = info.certification_line(lang) {
            let _ = write!(out, "> {}\n\n", crate::markdown::escape_markdown(&line));
        }
        for shown in layout::tracked(&view, lang)? {
            let mut body = crate::render::markdown_of(&shown.segments);
            if let Some(note) = shown.whole.note(&shown.label, lang) {
                body = format!("{{>>{}<<}} {body}", crate::markdown::escape_markdown(&note));
            }
            match (shown.kind, shown.label.printed()) {
                (ParagraphKind::Heading, _) => {
                    let _ = write!(out, "## {body}\n\n");
                }
                (_, Some(n)) => {
                    let _ = write!(out, "{n}\\. {body}\n\n");
                }
                (_, None) => {
                    let _ = write!(out, "{body}\n\n");
                }
            }
        }
        // Text stored before the clean-text rule may hold control characters.
        Ok(crate::clean::strip(&out).into_owned())
    }

    /// The draft as a standalone HTML page ready to print.
    pub fn export_html(&mut self, heads: Option<&[ChangeHash]>, lang: Lang, info: &ExportInfo) -> Result<String> {
        let heads = self.checked_heads(heads)?;
        let view = self.view_opt(heads.as_deref());
        let title = escape_html(&view.title(lang)?);
        let mut countries = std::collections::BTreeSet::new();
        for s in view.suggestions()? {
            if s.lang == lang {
                countries.insert(s.country);
            }
        }
        countries.extend(view.all_paragraph_proposals()?.into_iter().map(|p| p.country));
        let mut css = String::from(
            "@page{size:A4;margin:2.5cm;@bottom-center{content:counter(page)}}\
             body{font-family:'Times New Roman',serif;font-size:12pt;line-height:1.4;max-width:42em;margin:auto}\
             h1{font-size:16pt;text-align:center}.pluma-meta{text-align:center;color:#444;font-style:italic;font-size:11pt;text-wrap:balance}\
             p{text-align:justify;hyphens:auto;margin:0 0 10pt}h2{margin:14pt 0 8pt}\
             ol.pluma-paragraphs{padding-left:2em}h2{font-size:13pt}\
             ins{text-decoration:underline}del{text-decoration:line-through}\
             .pluma-note{display:block;font-size:9pt;font-style:italic;color:#444}\n",
        );
        for (c, colour) in crate::compare::render::country_colours(&countries) {
            let _ = writeln!(css, "[data-country=\"{code}\"]{{color:{colour}}}", code = c.as_str());
        }
        let mut out = format!(
            "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{css}</style></head>\n<body>\n<h1>{title}</h1>\n<p class=\"pluma-meta\">{meta}</p>\n",
            lang = lang.as_str(),
            meta = escape_html(&info.line(lang)),
        );
        if let Some(line) = info.certification_line(lang) {
            let _ = writeln!(out, "<p class=\"pluma-meta pluma-certified\">{}</p>", escape_html(&line));
        }
        for shown in layout::tracked(&view, lang)? {
            let body = crate::render::html_of(&shown.segments);
            let pid = escape_html(shown.id.as_str());
            let whole = whole_attrs(&shown.whole);
            let note = shown
                .whole
                .note(&shown.label, lang)
                .map(|n| format!("<span class=\"pluma-note\">{}</span> ", escape_html(&n)))
                .unwrap_or_default();
            match (shown.kind, shown.label.printed()) {
                (ParagraphKind::Heading, _) => {
                    let _ = writeln!(out, "<h2 data-paragraph=\"{pid}\"{whole}>{note}{body}</h2>");
                }
                (_, Some(n)) => {
                    let _ = writeln!(out, "<p data-paragraph=\"{pid}\"{whole}>{note}<span class=\"pluma-number\">{n}.</span> {body}</p>");
                }
                (_, None) => {
                    let _ = writeln!(out, "<p class=\"pluma-{kind}\" data-paragraph=\"{pid}\"{whole}>{note}{body}</p>", kind = shown.kind);
                }
            }
        }
        out.push_str("</body></html>\n");
        Ok(crate::clean::strip(&out).into_owned())
    }

    /// `heads` checked to be known (`None` stays `None`).
    pub(crate) fn checked_heads(&mut self, heads: Option<&[ChangeHash]>) -> Result<Option<Vec<ChangeHash>>> {
        self.clean()?;
        match heads {
            None => Ok(None),
            Some(h) if crate::compare::credit::has_heads(&self.doc, h) => Ok(Some(h.to_vec())),
            Some(h) => Err(crate::DraftError::UnknownHeads(h.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(","))),
        }
    }

    /// A view at `heads` or of the current state, of a document already clean.
    pub(crate) fn view_opt<'a>(&'a self, heads: Option<&'a [ChangeHash]>) -> DraftView<'a> {
        DraftView::new(&self.doc, heads)
    }
}

/// The attributes that tell how a paragraph's whole is proposed: `data-whole="new"` and the
/// like, with the proposing delegations.
fn whole_attrs(whole: &layout::Whole) -> String {
    let kind = match whole {
        layout::Whole::Settled => return String::new(),
        layout::Whole::New(_) => "new",
        layout::Whole::Deleted(_) => "deleted",
        layout::Whole::MovedFrom { .. } => "moved-from",
        layout::Whole::MovedTo { .. } => "moved-to",
    };
    let who = whole.marks().iter().map(|m| m.country.as_str()).collect::<Vec<_>>().join(" ");
    format!(" data-whole=\"{kind}\" data-country=\"{}\"", escape_html(&who))
}

/// Unix milliseconds as an ISO 8601 UTC timestamp (`2021-11-30T14:05:00Z`), as Word wants
/// for `w:date`.
pub fn iso8601(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// Unix milliseconds as a calendar date (`2021-11-30`).
pub fn date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(1000).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_gregorian_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_638_281_100_000), "2021-11-30T14:05:00Z");
        assert_eq!(date(951_782_400_000), "2000-02-29");
    }
}
