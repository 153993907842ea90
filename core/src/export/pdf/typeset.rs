//! Typesetting for PDF exports: words measured with the embedded fonts' advance widths,
//! lines broken greedily and justified (every line of a body paragraph but its last),
//! pages filled from the top (a paragraph never leaves its first line alone at a page's
//! foot) and numbered at the foot.

use printpdf::{IndirectFontRef, Mm, PdfDocumentReference, PdfLayerReference};
use ttf_parser::Face;

use crate::Result;
use crate::error::DraftError;

/// The fonts' files (DejaVu Serif, free licence in `core/fonts/LICENSE`).
const REGULAR: &[u8] = include_bytes!("../../../fonts/DejaVuSerif.ttf");
const ITALIC: &[u8] = include_bytes!("../../../fonts/DejaVuSerif-Italic.ttf");
const BOLD: &[u8] = include_bytes!("../../../fonts/DejaVuSerif-Bold.ttf");

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// 2.5 cm margins, in points.
const MARGIN: f32 = 70.87;
/// Where the page number's baseline sits, from the foot.
const FOOTER_Y: f32 = 36.0;

/// A font style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Italic,
    Bold,
}

/// A piece of text in one style.
#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub style: Style,
}

/// How a block's lines are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Centre,
    Left,
    Justify,
}

/// A block of text: a title line, a heading, a paragraph.
#[derive(Debug, Clone)]
pub struct Block {
    pub runs: Vec<Run>,
    pub size: f32,
    pub align: Align,
    /// Space before it, in points.
    pub before: f32,
    /// Space after it, in points.
    pub after: f32,
}

/// A word: fragments in their styles, with no space between them.
type Word = Vec<(String, Style)>;

struct Fonts<'a> {
    faces: [Face<'a>; 3],
    refs: [IndirectFontRef; 3],
}

impl Fonts<'_> {
    fn index(style: Style) -> usize {
        match style {
            Style::Regular => 0,
            Style::Italic => 1,
            Style::Bold => 2,
        }
    }

    fn width(&self, text: &str, style: Style, size: f32) -> f32 {
        let face = &self.faces[Self::index(style)];
        let units: f32 = text.chars().map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(0.0, f32::from)).sum();
        units / f32::from(face.units_per_em()) * size
    }

    fn word_width(&self, word: &Word, size: f32) -> f32 {
        word.iter().map(|(t, s)| self.width(t, *s, size)).sum()
    }
}

fn mm(pt: f32) -> Mm {
    Mm(pt * 25.4 / 72.0)
}

fn pdf_error(e: impl std::fmt::Display) -> DraftError {
    DraftError::Pdf(e.to_string())
}

/// The words of a block's runs (a word may change style within, as `OP 5*bis*`).
fn words(runs: &[Run]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut open = false;
    for run in runs {
        for (i, piece) in run.text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                open = false;
            }
            if piece.is_empty() {
                continue;
            }
            match out.last_mut() {
                Some(w) if open => w.push((piece.to_owned(), run.style)),
                _ => out.push(vec![(piece.to_owned(), run.style)]),
            }
            open = true;
        }
        open = open && !run.text.ends_with(char::is_whitespace);
    }
    out
}

/// Pages being filled.
struct Pages<'a> {
    doc: &'a PdfDocumentReference,
    fonts: Fonts<'a>,
    layer: PdfLayerReference,
    /// The baseline of the next line, from the foot.
    y: f32,
    count: usize,
}

impl Pages<'_> {
    fn new_page(&mut self) {
        let (page, layer) = self.doc.add_page(mm(PAGE_W), mm(PAGE_H), "text");
        self.layer = self.doc.get_page(page).get_layer(layer);
        self.count += 1;
        self.number();
        self.y = PAGE_H - MARGIN;
    }

    fn number(&self) {
        let n = self.count.to_string();
        let w = self.fonts.width(&n, Style::Regular, 10.0);
        self.layer.use_text(n, 10.0, mm((PAGE_W - w) / 2.0), mm(FOOTER_Y), &self.fonts.refs[0]);
    }

    fn set(&mut self, block: &Block) {
        let width = PAGE_W - 2.0 * MARGIN;
        let leading = block.size * 1.3;
        let space = self.fonts.width(" ", Style::Regular, block.size);
        self.y -= block.before;
        let words = words(&block.runs);
        let mut lines: Vec<Vec<(Word, f32)>> = vec![Vec::new()];
        let mut used = 0.0;
        for w in words {
            let ww = self.fonts.word_width(&w, block.size);
            let line = lines.last_mut().expect("lines start with one");
            if !line.is_empty() && used + space + ww > width {
                lines.push(vec![(w, ww)]);
                used = ww;
            } else {
                used += if line.is_empty() { ww } else { space + ww };
                line.push((w, ww));
            }
        }
        let last = lines.len() - 1;
        // No paragraph leaves its first line alone at the foot of a page.
        if lines.len() > 1 && self.y - 2.0 * leading < MARGIN {
            self.new_page();
        }
        for (i, line) in lines.into_iter().enumerate() {
            if self.y - leading < MARGIN {
                self.new_page();
            }
            self.y -= block.size;
            let natural: f32 = line.iter().map(|(_, w)| w).sum::<f32>() + space * line.len().saturating_sub(1) as f32;
            let (mut x, gap) = match block.align {
                Align::Centre => (MARGIN + (width - natural) / 2.0, space),
                Align::Justify if i < last && line.len() > 1 => (MARGIN, (width - natural) / (line.len() - 1) as f32 + space),
                _ => (MARGIN, space),
            };
            for (word, ww) in line {
                let mut at = x;
                for (text, style) in &word {
                    let fw = self.fonts.width(text, *style, block.size);
                    self.layer.use_text(text.clone(), block.size, mm(at), mm(self.y), &self.fonts.refs[Fonts::index(*style)]);
                    at += fw;
                }
                x += ww + gap;
            }
            self.y -= leading - block.size;
        }
        self.y -= block.after;
    }
}

/// The blocks set on numbered A4 pages, as a PDF file titled `title`.
pub fn typeset(title: &str, blocks: &[Block]) -> Result<Vec<u8>> {
    let (doc, page, layer) = printpdf::PdfDocument::new(title, mm(PAGE_W), mm(PAGE_H), "text");
    let face = |bytes: &'static [u8]| Face::parse(bytes, 0).map_err(pdf_error);
    let font = |bytes: &'static [u8]| doc.add_external_font(bytes).map_err(pdf_error);
    let fonts = Fonts { faces: [face(REGULAR)?, face(ITALIC)?, face(BOLD)?], refs: [font(REGULAR)?, font(ITALIC)?, font(BOLD)?] };
    let layer = doc.get_page(page).get_layer(layer);
    let mut pages = Pages { doc: &doc, fonts, layer, y: PAGE_H - MARGIN, count: 1 };
    pages.number();
    for block in blocks {
        pages.set(block);
    }
    doc.save_to_bytes().map_err(pdf_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, style: Style) -> Run {
        Run { text: text.to_owned(), style }
    }

    /// Words are split at spaces, and a word that changes style stays one word.
    #[test]
    fn words_keep_styles_and_join_across_runs() {
        let ws = words(&[run("Recalling", Style::Italic), run(" the plan", Style::Regular), run("s, and", Style::Bold)]);
        let shown: Vec<Vec<&str>> = ws.iter().map(|w| w.iter().map(|(t, _)| t.as_str()).collect()).collect();
        assert_eq!(shown, [vec!["Recalling"], vec!["the"], vec!["plan", "s,"], vec!["and"]]);
        assert_eq!(ws[0][0].1, Style::Italic);
    }
}
