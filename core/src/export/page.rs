//! The page a DOCX export is laid out on, as a communiqué is circulated: A4 with 2.5 cm
//! margins, a serif body at 12 pt with space between paragraphs, body text justified, the
//! title and the meta line (meeting, version, date) centred at the head, and the page
//! number centred in the footer (a Word `PAGE` field, so it is right on every page).

use docx_rs::{AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts, Style, StyleType};

use super::ExportInfo;
use super::docx::RunPart;
use crate::ids::Lang;

/// The body's font (a serif every Word and LibreOffice has, or substitutes metrically).
const FONT: &str = "Times New Roman";
/// 12 pt, in half-points.
const BODY_SIZE: usize = 24;
/// Space after each paragraph: 10 pt, in twentieths of a point.
const SPACE_AFTER: u32 = 200;
/// Line height: 1.15 lines, in 240ths of a line.
const LINE: i32 = 276;
/// 2.5 cm, in twentieths of a point.
const MARGIN: i32 = 1417;

/// A document with the title (style `Title`), the meta line (style `Subtitle`), and a
/// `Heading2` style for heading paragraphs, so Word's navigation pane and an import
/// ([`crate::import`]) recognise them; laid out on the page described above.
pub(super) fn header(title_runs: Vec<RunPart>, info: &ExportInfo, lang: Lang) -> Docx {
    let docx = Docx::new()
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT))
        .default_size(BODY_SIZE)
        .default_line_spacing(spacing(0, SPACE_AFTER))
        .page_margin(PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN))
        .footer(Footer::new().add_paragraph(Paragraph::new().align(AlignmentType::Center).add_page_num(PageNum::new())))
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .bold()
                .size(32)
                .align(AlignmentType::Center)
                .line_spacing(spacing(0, 240)),
        )
        .add_style(
            Style::new("Subtitle", StyleType::Paragraph)
                .name("Subtitle")
                .italic()
                .size(22)
                .align(AlignmentType::Center)
                .line_spacing(spacing(0, 240)),
        )
        .add_style(Style::new("Heading2", StyleType::Paragraph).name("heading 2").bold().size(26).line_spacing(spacing(240, 120)));
    let mut title = Paragraph::new().style("Title");
    for part in title_runs {
        title = part.add_to(title, |r| r);
    }
    let docx = docx.add_paragraph(title).add_paragraph(Paragraph::new().style("Subtitle").add_run(Run::new().add_text(info.line(lang))));
    match info.certification_line(lang) {
        Some(line) => docx.add_paragraph(Paragraph::new().style("Subtitle").add_run(Run::new().add_text(line))),
        None => docx,
    }
}

/// Lines of 1.15 (a proportion, whatever the font size) with space before and after, in
/// twentieths of a point.
fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Auto).line(LINE).before(before).after(after)
}

/// A paragraph of the text: a heading in style `Heading2`, any other justified.
pub(super) fn text_paragraph(heading: bool) -> Paragraph {
    if heading { Paragraph::new().style("Heading2") } else { Paragraph::new().align(AlignmentType::Both) }
}
