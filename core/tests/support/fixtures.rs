//! Shared test fixtures: a small bilingual draft and stamps for delegations.
#![allow(dead_code)]

use pluma_core::{Bilingual, Draft, DraftKind, NewParagraph, ParagraphId, ParagraphKind, Stamp};

/// A stamp for a person of `country` (user id `u` + lower-case code).
pub fn stamp(country: &str) -> Stamp {
    Stamp { user: format!("u{}", country.to_lowercase()).parse().unwrap(), country: country.parse().unwrap(), at: 1_631_196_000_000 }
}

/// A stamp for a second person of the same delegation.
pub fn colleague(country: &str) -> Stamp {
    Stamp { user: format!("u{}2", country.to_lowercase()).parse().unwrap(), ..stamp(country) }
}

/// A draft with one operative paragraph; returns it and the paragraph id.
pub fn one_paragraph(en: &str, es: &str) -> (Draft, ParagraphId) {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let p = d
        .insert_paragraph(
            0,
            NewParagraph {
                kind: ParagraphKind::Operative,
                section: None,
                editors: vec![],
                text: Bilingual { en: en.into(), es: es.into() },
            },
        )
        .unwrap();
    d.commit();
    (d, p)
}

/// A new paragraph of a kind with the same text in both languages.
pub fn para(kind: ParagraphKind, text: &str) -> NewParagraph {
    NewParagraph { kind, section: None, editors: vec![], text: Bilingual { en: text.into(), es: text.into() } }
}
