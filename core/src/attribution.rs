//! Attribution: who wrote which characters.
//!
//! Every character of an automerge text was inserted by one operation, whose id names the
//! actor that made it. The server binds actor ids to people and their delegation; core
//! takes that binding as a function, so it stays free of storage.

use std::collections::BTreeSet;

use automerge::ActorId;
use serde::Serialize;

use crate::Result;
use crate::ids::{Country, Lang, ParagraphId};
use crate::view::DraftView;

/// A run of consecutive characters inserted by the same delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributedRun {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The delegation whose actor inserted them, or `None` when the actor is not bound to
    /// one (the server's own seeding, or an unknown replica).
    pub country: Option<Country>,
}

/// Who wrote a text, and who has proposals pending on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// The paragraph.
    pub paragraph: ParagraphId,
    /// The language.
    pub lang: Lang,
    /// Runs covering the whole text, in order.
    pub runs: Vec<AttributedRun>,
    /// Countries with pending proposals on this text.
    pub pending: BTreeSet<Country>,
}

impl<'a> DraftView<'a> {
    /// Attributes every character of one text to the delegation that inserted it.
    ///
    /// `country_of` maps an automerge actor id to its delegation (the server's actor
    /// bindings). It is called once per distinct actor run, not per character.
    pub fn attribution(
        &self,
        paragraph: &ParagraphId,
        lang: Lang,
        country_of: &dyn Fn(&ActorId) -> Option<Country>,
    ) -> Result<Attribution> {
        let obj = self.text_obj(paragraph, lang)?;
        let mut runs: Vec<AttributedRun> = Vec::new();
        let mut cache: std::collections::HashMap<String, Option<Country>> = std::collections::HashMap::new();
        for (i, ch) in self.char_ids(&obj)?.into_iter().enumerate() {
            let country = match cache.get(&ch.actor) {
                Some(c) => c.clone(),
                None => {
                    let c = ActorId::try_from(ch.actor.as_str()).ok().and_then(|a| country_of(&a));
                    cache.insert(ch.actor.clone(), c.clone());
                    c
                }
            };
            match runs.last_mut() {
                Some(run) if run.country == country && run.end == i => run.end = i + 1,
                _ => runs.push(AttributedRun { start: i, end: i + 1, country }),
            }
        }
        Ok(Attribution { paragraph: paragraph.clone(), lang, runs, pending: self.pending_countries(paragraph, lang)? })
    }
}
