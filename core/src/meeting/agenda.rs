//! The meeting's agenda, parsed from the text the secretariat circulated
//! (`data/rcm-sacm-2021-agenda.txt`): days, items with absolute start and end instants,
//! sessions with their topics (the triggering questions) and lead panelist countries,
//! speakers.
//!
//! The text is a conversion of a PDF: Markdown headings, a two-column table whose rows are
//! `time<TAB>activity` with HTML fragments (`<b>`, `<ul><li>`, `<p>`), rows split across
//! page breaks (a session's topics continue on a row with an empty time column, its time can
//! come after its heading), and page headers repeated in between. [`parse`] reads exactly
//! that shape, line by line: it is a parser, not a hand-copied table, and its tests run on
//! the real file. Anything it does not recognise is an error naming the line.
//!
//! Times in the text are local to one stated zone (`Schedule (GMT-6)`); they become unix
//! milliseconds, so every viewer can show them in their own capital's zone.
//!
//! The text is in English only. Spanish titles and topics come from a separate table
//! (`data/agenda-es.json`, English → Spanish) applied by [`Agenda::translate`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::Country;

mod parse;
mod text;

pub use parse::parse;

/// Why the agenda text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgendaError {
    /// A line is not of any expected form.
    #[error("agenda line {line}: {detail}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        detail: String,
    },
    /// A lead panelist country that is not a known delegation.
    #[error("agenda line {line}: unknown lead country {name:?}")]
    UnknownCountry {
        /// 1-based line number.
        line: usize,
        /// The name as written.
        name: String,
    },
    /// The text never states the zone of its times.
    #[error("the agenda does not state the time zone of its times (\"(GMT-6)\")")]
    NoTimeZone,
    /// The translation table is not valid JSON of strings.
    #[error("the translation table is invalid: {0}")]
    Translations(String),
}

/// A text in English, and in Spanish when a translation is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// English, as in the agenda.
    pub en: String,
    /// Spanish, when known.
    pub es: Option<String>,
}

impl Texts {
    fn en(s: &str) -> Texts {
        Texts { en: s.to_owned(), es: None }
    }
}

/// What an agenda item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The opening session with welcome remarks.
    Opening,
    /// A presentation outside the numbered sessions.
    Presentation,
    /// A numbered working session led by panelist countries.
    Session,
    /// A break.
    Break,
    /// The closure session.
    Closure,
    /// The end of a day.
    EndOfDay,
}

/// One row of the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    /// What it is.
    pub kind: ItemKind,
    /// The session number (numbered sessions only).
    pub number: Option<u32>,
    /// Its title.
    pub title: Texts,
    /// Start, unix milliseconds.
    pub start: i64,
    /// End, unix milliseconds (none for the end of a day).
    pub end: Option<i64>,
    /// Topics to discuss (a session's triggering questions).
    pub topics: Vec<Texts>,
    /// Lead panelist countries.
    pub leads: Vec<Country>,
    /// Who leads it when named by office ("RCM PPT and SACM PPT").
    pub led_by: Option<String>,
    /// The same in Spanish, when the translation table has it.
    #[serde(default)]
    pub led_by_es: Option<String>,
    /// Speakers, name and office as written.
    pub speakers: Vec<String>,
}

/// One day of the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaDay {
    /// ISO date, `2021-09-09`.
    pub date: String,
    /// Its rows in order.
    pub items: Vec<AgendaItem>,
}

/// The whole agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    /// The meeting's name as the agenda gives it.
    pub title: Texts,
    /// Its motto.
    pub motto: Texts,
    /// The meeting's objectives.
    pub objectives: Vec<Texts>,
    /// How the dialogue is run.
    pub methodology: Vec<Texts>,
    /// Offset from UTC, in minutes, of the times as written (`-360` for GMT-6).
    pub utc_offset_minutes: i32,
    /// The days, in order.
    pub days: Vec<AgendaDay>,
}

impl Agenda {
    /// The numbered sessions, in order.
    pub fn sessions(&self) -> impl Iterator<Item = &AgendaItem> {
        self.days.iter().flat_map(|d| &d.items).filter(|i| i.kind == ItemKind::Session)
    }

    /// Fills in Spanish texts from a JSON object mapping English to Spanish. Texts without
    /// an entry keep `es: None`; [`Agenda::untranslated`] lists them.
    pub fn translate(&mut self, table_json: &str) -> Result<(), AgendaError> {
        let table: BTreeMap<String, String> = serde_json::from_str(table_json).map_err(|e| AgendaError::Translations(e.to_string()))?;
        self.for_each_text(|t| t.es = table.get(&t.en).cloned());
        for item in self.days.iter_mut().flat_map(|d| &mut d.items) {
            item.led_by_es = item.led_by.as_ref().and_then(|l| table.get(l)).cloned();
        }
        Ok(())
    }

    /// The English texts that have no Spanish.
    pub fn untranslated(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_text(|t| {
            if t.es.is_none() {
                out.push(t.en.clone());
            }
        });
        out
    }

    fn for_each_text(&mut self, mut f: impl FnMut(&mut Texts)) {
        f(&mut self.title);
        f(&mut self.motto);
        self.objectives.iter_mut().chain(self.methodology.iter_mut()).for_each(&mut f);
        for item in self.days.iter_mut().flat_map(|d| &mut d.items) {
            f(&mut item.title);
            item.topics.iter_mut().for_each(&mut f);
        }
    }
}

/// English country names to codes, from a file shaped like `data/delegations.json`.
pub fn country_codes(delegations_json: &str) -> Result<BTreeMap<String, Country>, AgendaError> {
    #[derive(Deserialize)]
    struct Entry {
        code: Country,
        en: String,
    }
    #[derive(Deserialize)]
    struct File {
        rcm: Vec<Entry>,
        sacm: Vec<Entry>,
    }
    let file: File = serde_json::from_str(delegations_json).map_err(|e| AgendaError::Translations(e.to_string()))?;
    Ok(file.rcm.into_iter().chain(file.sacm).map(|e| (e.en, e.code)).collect())
}
