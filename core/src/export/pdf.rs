//! PDF exports: the text as it would be adopted (the clean export's paragraphs, numbered so)
//! laid out as the DOCX is ([`super::page`]): the title and the meta line (meeting, version,
//! date) centred at the head, with an adopted text's certification and fingerprint under
//! them; preambular paragraphs with their italics, operative paragraphs numbered, body text
//! justified; the page number at the foot. Written by the server itself ([`typeset`]), with
//! DejaVu Serif embedded (Spanish accents, typographic quotes).

mod typeset;

use automerge::ChangeHash;

use super::{ExportInfo, layout};
use crate::Result;
use crate::draft::Draft;
use crate::ids::Lang;
use crate::render::Segment;
use crate::schema::ParagraphKind;
use typeset::{Align, Block, Run, Style};

/// A paragraph's segments as runs, proposed insertions left out as in the clean DOCX (bold
/// wins over italic: the fonts have no bold italic).
fn runs_of(segments: &[Segment]) -> Vec<Run> {
    segments
        .iter()
        .filter(|s| s.ins.is_empty())
        .map(|s| Run {
            text: s.text.clone(),
            style: match (s.strong, s.em) {
                (true, _) => Style::Bold,
                (false, true) => Style::Italic,
                (false, false) => Style::Regular,
            },
        })
        .collect()
}

fn centred(text: String, style: Style, size: f32, after: f32) -> Block {
    Block { runs: vec![Run { text, style }], size, align: Align::Centre, before: 0.0, after }
}

impl Draft {
    /// The draft (at `heads`, or as it stands) in one language as a PDF of its clean text.
    pub fn export_pdf(&mut self, heads: Option<&[ChangeHash]>, lang: Lang, info: &ExportInfo) -> Result<Vec<u8>> {
        let heads = self.checked_heads(heads)?;
        let view = self.view_opt(heads.as_deref());
        let title = view.title(lang)?;
        let mut blocks = vec![centred(title.clone(), Style::Bold, 16.0, 8.0), centred(info.line(lang), Style::Italic, 11.0, 6.0)];
        if let Some(line) = info.certification_line(lang) {
            blocks.push(centred(line, Style::Italic, 9.0, 6.0));
        }
        blocks.last_mut().expect("the meta line is there").after = 16.0;
        for shown in layout::clean(&view, lang)? {
            let mut runs = runs_of(&shown.segments);
            let block = match shown.kind {
                ParagraphKind::Heading => {
                    for r in &mut runs {
                        r.style = Style::Bold;
                    }
                    Block { runs, size: 13.0, align: Align::Left, before: 10.0, after: 6.0 }
                }
                _ => {
                    if let Some(n) = shown.label.printed() {
                        runs.insert(0, Run { text: format!("{n}. "), style: Style::Regular });
                    }
                    Block { runs, size: 12.0, align: Align::Justify, before: 0.0, after: 10.0 }
                }
            };
            blocks.push(block);
        }
        // Text stored before the clean-text rule may hold control characters.
        for b in &mut blocks {
            for r in &mut b.runs {
                r.text = crate::clean::strip(&r.text).into_owned();
            }
        }
        typeset::typeset(&title, &blocks)
    }
}
