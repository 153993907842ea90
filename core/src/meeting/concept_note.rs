//! The Concept Note, generated from the agenda (ARCHITECTURE §3): a title from the meeting's
//! motto, an introduction (the meeting, its objectives, its dialogue methodology), then one
//! section per numbered session: a `heading` with the session's title, and each of its
//! topics as a `question` paragraph whose `section` is the session number and whose
//! `editors` are the session's lead panelist countries. The permission rules let those
//! countries edit their questions directly; everyone else proposes and comments.
//!
//! Texts without a Spanish translation in the agenda are written in English in the Spanish
//! text too, so the secretariat sees them untranslated rather than missing.

use crate::Result;
use crate::draft::Draft;
use crate::meeting::agenda::{Agenda, Texts};
use crate::schema::{Bilingual, DraftKind, NewParagraph, ParagraphKind};

/// Builds the Concept Note of a meeting from its agenda, as one committed draft.
pub fn concept_note(agenda: &Agenda) -> Result<Draft> {
    let motto = both(&agenda.motto);
    let title = Bilingual { en: format!("Concept Note: {}", motto.en), es: format!("Nota conceptual: {}", motto.es) };
    let mut draft = Draft::new(DraftKind::ConceptNote, Bilingual { en: &title.en, es: &title.es })?;
    let mut paragraphs = vec![heading(None, "Introduction", "Introducción"), preamble(&agenda.title)];
    if !agenda.objectives.is_empty() {
        paragraphs.push(heading(None, "Objectives", "Objetivos"));
        paragraphs.extend(agenda.objectives.iter().map(preamble));
    }
    if !agenda.methodology.is_empty() {
        paragraphs.push(heading(None, "Dialogue methodology", "Metodología del diálogo"));
        paragraphs.extend(agenda.methodology.iter().map(preamble));
    }
    for session in agenda.sessions() {
        let number = session.number.map(i64::from);
        let t = both(&session.title);
        let n = session.number.map_or(String::new(), |n| format!(" {n}"));
        paragraphs.push(heading(number, &format!("Session{n}. {}", t.en), &format!("Sesión{n}. {}", t.es)));
        for topic in &session.topics {
            paragraphs.push(NewParagraph {
                kind: ParagraphKind::Question,
                section: number,
                editors: session.leads.clone(),
                text: escape(both(topic)),
            });
        }
    }
    for (i, p) in paragraphs.into_iter().enumerate() {
        draft.insert_paragraph(i, p)?;
    }
    draft.commit();
    Ok(draft)
}

fn both(t: &Texts) -> Bilingual<String> {
    Bilingual { en: t.en.clone(), es: t.es.clone().unwrap_or_else(|| t.en.clone()) }
}

fn heading(section: Option<i64>, en: &str, es: &str) -> NewParagraph {
    NewParagraph {
        kind: ParagraphKind::Heading,
        section,
        editors: Vec::new(),
        text: escape(Bilingual { en: en.to_owned(), es: es.to_owned() }),
    }
}

fn preamble(t: &Texts) -> NewParagraph {
    NewParagraph { kind: ParagraphKind::Preamble, section: None, editors: Vec::new(), text: escape(both(t)) }
}

/// Paragraph texts are inline markdown; agenda texts are plain, so markdown's markers are
/// escaped to stay literal.
fn escape(t: Bilingual<String>) -> Bilingual<String> {
    let esc = |s: String| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if matches!(c, '*' | '_' | '`' | '[' | ']' | '\\' | '<') {
                out.push('\\');
            }
            out.push(c);
        }
        out
    };
    Bilingual { en: esc(t.en), es: esc(t.es) }
}
