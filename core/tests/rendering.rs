//! Rendering a paragraph with its proposals as CriticMarkup and HTML.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, stamp};
use pluma_core::{Format, Lang};

/// Insertions and deletions appear in CriticMarkup with their countries, formatting as
/// markdown.
#[test]
fn critic_markup() {
    let (mut d, p) = one_paragraph("Agree to cooperate.", "x");
    d.set_format(&p, Lang::En, 0, 5, Format::Em, true).unwrap();
    d.suggest_insert(&p, Lang::En, 9, "fully ", &stamp("MX")).unwrap();
    d.suggest_delete(&p, Lang::En, 15, 24, &stamp("AR")).unwrap();
    d.suggest_delete(&p, Lang::En, 18, 24, &stamp("BR")).unwrap();
    assert_eq!(
        d.view().render_markdown(&p, Lang::En).unwrap(),
        "*Agree* to {++fully ++}{>>MX<<}{--coo--}{>>AR<<}{--perate--}{>>AR, BR<<}."
    );
}

/// HTML wraps proposals in `<ins>`/`<del>` with the country and escapes the text.
#[test]
fn html_rendering() {
    let (mut d, p) = one_paragraph("a < b", "x");
    d.suggest_insert(&p, Lang::En, 5, " & c", &stamp("PE")).unwrap();
    let html = d.view().render_html(&p, Lang::En).unwrap();
    assert!(html.starts_with("a &lt; b<ins data-country=\"PE\" data-suggestion=\"s"), "{html}");
    assert!(html.ends_with("data-user=\"upe\" data-at=\"1631196000000\"> &amp; c</ins>"), "{html}");
}

/// Text that looks like markdown is escaped so it renders as written.
#[test]
fn markdown_syntax_in_text_is_escaped() {
    let (mut d, p) = one_paragraph("Paragraph 3 [bis] uses * and _", "x");
    assert_eq!(d.view().render_markdown(&p, Lang::En).unwrap(), "Paragraph 3 \\[bis\\] uses \\* and \\_");
}
