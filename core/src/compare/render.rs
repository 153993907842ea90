//! A [`Comparison`] as an HTML redline and as Markdown with CriticMarkup.
//!
//! HTML: every insertion and deletion is an `<ins>`/`<del>` with the class
//! `pluma-c-XX` of its country (colours come from a small stylesheet keyed on those
//! classes, so the browser client can restyle them) and a `title` naming the country. All
//! text is escaped.
//!
//! Markdown: `{++inserted++}{>>MX<<}`, `{--deleted--}{>>AR<<}`; moved text adds `moved`
//! to the comment; added, removed and moved paragraphs and status changes are noted in a
//! line of their own above the paragraph.
//!
//! Both number operative paragraphs as the exports do ([`crate::labels`]), by their place
//! in the version they are shown from (the newer one unless removed), and name the places
//! of a moved paragraph as the web client's comparison view does (`OP 3`, `PP 1`, `¶ 5`
//! for a heading or question).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Comparison, ParagraphChange, ParagraphDiff, Piece, PieceOp};
use crate::ids::{Country, Lang};
use crate::labels::{Label, Labeller};
use crate::markdown::{escape_html, escape_markdown};
use crate::meeting::delegations::CountryNames;

/// The colour of each country of a page, in the order given: each its colour of the shared
/// palette ([`crate::palette`], the web client's too); a code it does not list a colour no
/// other country of the page has.
pub fn country_colours<'a>(countries: impl IntoIterator<Item = &'a Country>) -> Vec<(&'a Country, &'static str)> {
    crate::palette::Palette::builtin().colours_for(countries)
}

/// The CSS class of a country's changes (`pluma-c-MX`; `pluma-c-none` for unbound actors).
pub fn country_class(country: Option<&Country>) -> String {
    match country {
        Some(c) => format!("pluma-c-{}", c.as_str()),
        None => "pluma-c-none".to_owned(),
    }
}

/// A stylesheet for the country classes of the given countries.
pub fn redline_css<'a>(countries: impl IntoIterator<Item = &'a Country>) -> String {
    let mut css = String::from(
        "ins,del{text-decoration-thickness:2px}ins{text-decoration:underline}del{text-decoration:line-through}\
         .pluma-moved{font-style:italic}.pluma-c-none{color:#555}\
         .pluma-note{color:#555;font-size:.85em;margin:0}\
         .pluma-added{border-left:3px solid #2ca02c;padding-left:.5em}.pluma-removed{border-left:3px solid #d62728;padding-left:.5em}\n",
    );
    for (c, colour) in country_colours(countries) {
        let _ = writeln!(css, ".pluma-c-{code}{{color:{colour}}}", code = c.as_str());
    }
    css
}

fn countries(cmp: &Comparison) -> BTreeSet<Country> {
    cmp.title.iter().chain(cmp.paragraphs.iter().flat_map(|p| p.pieces.iter())).filter_map(|p| p.country.clone()).collect()
}

fn html_pieces(out: &mut String, pieces: &[Piece], names: &CountryNames, cmp: &Comparison) {
    for p in pieces {
        let text = match p.em {
            true => format!("<em>{}</em>", escape_html(&p.text)),
            false => escape_html(&p.text),
        };
        let tag = match p.op {
            PieceOp::Equal => {
                out.push_str(&text);
                continue;
            }
            PieceOp::Insert => "ins",
            PieceOp::Delete => "del",
        };
        let who = p.country.as_ref().map_or_else(|| "unknown".to_owned(), |c| names.name(c, cmp.lang));
        let moved = if p.moved { " pluma-moved" } else { "" };
        let _ = write!(
            out,
            "<{tag} class=\"{class}{moved}\" title=\"{who}\" data-country=\"{code}\">{text}</{tag}>",
            class = country_class(p.country.as_ref()),
            who = escape_html(&who),
            code = p.country.as_ref().map_or("", |c| c.as_str()),
        );
    }
}

/// A paragraph's labels in the older and the newer version (`None` where it is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SideLabels {
    /// In the older version.
    pub from: Option<Label>,
    /// In the newer version.
    pub to: Option<Label>,
}

impl SideLabels {
    /// The label in the version the paragraph is shown from: the newer one unless removed.
    pub fn shown(&self) -> Option<&Label> {
        self.to.as_ref().or(self.from.as_ref())
    }
}

/// A place in one version for a note: the short label (`OP 3`), or for a heading or
/// question its position, as the web client's comparison view names them.
pub(crate) fn place(label: Option<&Label>, position: Option<usize>, lang: Lang) -> String {
    if let Some(short) = label.and_then(|l| l.short(lang)) {
        return short;
    }
    let sign = match lang {
        Lang::En => '¶',
        Lang::Es => '§',
    };
    position.map_or_else(|| "?".to_owned(), |n| format!("{sign} {n}"))
}

impl Comparison {
    /// Each paragraph's labels (in the order of [`Comparison::paragraphs`]): both versions'
    /// preambular and operative paragraphs counted in their own reading order, with the
    /// kind each had there.
    pub fn labels(&self) -> Vec<SideLabels> {
        let side = |newer: bool| -> Vec<Option<Label>> {
            let at = |p: &ParagraphDiff| if newer { p.to_number } else { p.from_number };
            let mut rows: Vec<usize> = (0..self.paragraphs.len()).filter(|i| at(&self.paragraphs[*i]).is_some()).collect();
            rows.sort_by_key(|i| at(&self.paragraphs[*i]));
            let mut out = vec![None; self.paragraphs.len()];
            let mut labeller = Labeller::default();
            for i in rows {
                let p = &self.paragraphs[i];
                let kind = match (&p.kind_change, newer) {
                    (Some(k), false) => k.from,
                    _ => p.kind,
                };
                // The text the paragraph had in that version, to name a heading or question.
                let absent = if newer { PieceOp::Delete } else { PieceOp::Insert };
                out[i] = Some(labeller.next(kind, || p.pieces.iter().filter(|x| x.op != absent).map(|x| x.text.as_str()).collect()));
            }
            out
        };
        side(false).into_iter().zip(side(true)).map(|(from, to)| SideLabels { from, to }).collect()
    }
}

fn note(p: &ParagraphDiff, labels: &SideLabels, names: &CountryNames, cmp: &Comparison) -> Vec<String> {
    let mut notes = Vec::new();
    let by = |c: &Option<Country>| c.as_ref().map(|c| format!(" by {}", names.name(c, cmp.lang))).unwrap_or_default();
    match p.change {
        ParagraphChange::Added => notes.push(format!("added{}", by(&p.by))),
        ParagraphChange::Removed => notes.push(format!("removed{}", by(&p.by))),
        ParagraphChange::Changed | ParagraphChange::Unchanged => {}
    }
    if p.moved {
        notes.push(format!(
            "moved from {} to {}{}",
            place(labels.from.as_ref(), p.from_number, cmp.lang),
            place(labels.to.as_ref(), p.to_number, cmp.lang),
            by(&p.by)
        ));
    }
    if let Some(s) = &p.status {
        notes.push(format!("status {} → {}", s.from.as_str(), s.to.as_str()));
    }
    if let Some(k) = &p.kind_change {
        notes.push(format!("kind {} → {}", k.from.as_str(), k.to.as_str()));
    }
    notes
}

impl Comparison {
    /// A standalone HTML page: the title, then every paragraph with its insertions and
    /// deletions coloured by country, and notes on added, removed, moved paragraphs and
    /// status changes.
    pub fn to_html(&self, names: &CountryNames, heading: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{h}</title><style>{css}</style></head>\n<body>\n<article class=\"pluma-redline\">\n<header><p class=\"pluma-note\">{h}</p><h1>",
            lang = self.lang.as_str(),
            h = escape_html(heading),
            css = redline_css(&countries(self)),
        );
        html_pieces(&mut out, &self.title, names, self);
        out.push_str("</h1></header>\n");
        for (p, labels) in self.paragraphs.iter().zip(self.labels()) {
            let class = match p.change {
                ParagraphChange::Added => " pluma-added",
                ParagraphChange::Removed => " pluma-removed",
                _ => "",
            };
            let _ = write!(out, "<section class=\"pluma-paragraph{class}\" data-paragraph=\"{}\">", escape_html(p.id.as_str()));
            for n in note(p, &labels, names, self) {
                let _ = write!(out, "<p class=\"pluma-note\">{}</p>", escape_html(&n));
            }
            let number = labels.shown().and_then(Label::number).map(|n| format!("{n}. ")).unwrap_or_default();
            let _ = write!(out, "<p>{number}");
            html_pieces(&mut out, &p.pieces, names, self);
            out.push_str("</p></section>\n");
        }
        out.push_str("</article>\n</body></html>\n");
        // Text stored before the clean-text rule may hold control characters.
        crate::clean::strip(&out).into_owned()
    }

    /// Markdown with CriticMarkup: the title as a heading, then one paragraph per
    /// paragraph, each change followed by `{>>XX<<}` naming the country.
    pub fn to_markdown(&self, names: &CountryNames) -> String {
        let mut out = String::from("# ");
        md_pieces(&mut out, &self.title);
        out.push_str("\n\n");
        for (p, labels) in self.paragraphs.iter().zip(self.labels()) {
            let notes = note(p, &labels, names, self);
            if !notes.is_empty() {
                let _ = writeln!(out, "{{>>{}<<}}\n", notes.join("; "));
            }
            if let Some(n) = labels.shown().and_then(Label::number) {
                let _ = write!(out, "{n}\\. ");
            }
            md_pieces(&mut out, &p.pieces);
            out.push_str("\n\n");
        }
        crate::clean::strip(&out).into_owned()
    }
}

fn md_pieces(out: &mut String, pieces: &[Piece]) {
    for p in pieces {
        let body = escape_markdown(&p.text).replace('\n', " ");
        let who = p.country.as_ref().map_or("?", |c| c.as_str());
        let moved = if p.moved { ", moved" } else { "" };
        match p.op {
            PieceOp::Equal => out.push_str(&body),
            PieceOp::Insert => {
                let _ = write!(out, "{{++{body}++}}{{>>{who}{moved}<<}}");
            }
            PieceOp::Delete => {
                let _ = write!(out, "{{--{body}--}}{{>>{who}{moved}<<}}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::delegations::SECRETARIAT;

    /// A page with all 25 delegations of a meeting and the secretariat gives each its own
    /// colour; the secretariat's is none of the delegations'.
    #[test]
    fn every_delegation_of_a_meeting_and_the_secretariat_have_their_own_colour() {
        let mut countries: Vec<Country> =
            (0..25u8).map(|i| format!("{}{}", char::from(b'A' + i / 5), char::from(b'A' + i % 5)).parse().unwrap()).collect();
        countries.push(SECRETARIAT.parse().unwrap());
        countries.sort();
        let colours = country_colours(&countries);
        let distinct: BTreeSet<&str> = colours.iter().map(|(_, c)| *c).collect();
        assert_eq!(distinct.len(), 26);
        let grey = crate::palette::Palette::builtin().colour_of(SECRETARIAT);
        assert!(colours.iter().any(|(c, colour)| c.as_str() == SECRETARIAT && Some(*colour) == grey));
    }
}
