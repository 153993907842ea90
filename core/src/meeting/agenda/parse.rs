//! The agenda text read line by line: the preface (title, motto, objectives,
//! methodology), then the schedule's rows, each item with its absolute instants.

use std::collections::BTreeMap;

use super::text::{Clock, blocks, day_heading, gmt_offset, instant, parse_date, strip_tags, time_range};
use super::{Agenda, AgendaDay, AgendaError, AgendaItem, ItemKind, Texts};
use crate::ids::Country;

/// Parses the agenda text. `countries` maps English names to codes (see [`country_codes`]).
pub fn parse(text: &str, countries: &BTreeMap<String, Country>) -> Result<Agenda, AgendaError> {
    let mut p = Parser {
        countries,
        agenda: Agenda {
            title: Texts::en(""),
            motto: Texts::en(""),
            objectives: Vec::new(),
            methodology: Vec::new(),
            utc_offset_minutes: 0,
            days: Vec::new(),
        },
        offset: None,
        section: Section::Preface,
        pending: None,
    };
    for (i, line) in text.lines().enumerate() {
        p.line(i + 1, line)?;
    }
    p.finish_pending();
    if p.agenda.title.en.is_empty() {
        return Err(AgendaError::Line { line: 0, detail: "no meeting title (a `## ` heading)".into() });
    }
    if p.agenda.days.iter().all(|d| d.items.is_empty()) {
        return Err(AgendaError::Line { line: 0, detail: "no agenda rows".into() });
    }
    Ok(p.agenda)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preface,
    Objectives,
    Methodology,
    Other,
    Rows,
}

struct Parser<'a> {
    countries: &'a BTreeMap<String, Country>,
    agenda: Agenda,
    offset: Option<i32>,
    section: Section,
    /// A session heading whose time row has not come yet.
    pending: Option<AgendaItem>,
}

/// Lines repeated at the top of every page.
const PAGE_HEADERS: [&str; 2] = ["Conferencia Regional sobre Migración", "Regional Conference on Migration"];

impl Parser<'_> {
    fn line(&mut self, n: usize, raw: &str) -> Result<(), AgendaError> {
        let line = raw.trim_end();
        let plain = strip_tags(line);
        let plain = plain.trim();
        if plain.is_empty() || PAGE_HEADERS.contains(&plain) {
            return Ok(());
        }
        if let Some(offset) = gmt_offset(plain) {
            self.offset.get_or_insert(offset);
            self.agenda.utc_offset_minutes = offset;
        }
        if let Some(date) = day_heading(plain) {
            self.finish_pending();
            let date = parse_date(&date).ok_or_else(|| AgendaError::Line { line: n, detail: format!("unreadable date {date:?}") })?;
            self.agenda.days.push(AgendaDay { date, items: Vec::new() });
            self.section = Section::Rows;
            return Ok(());
        }
        if self.section != Section::Rows {
            return self.preface(plain);
        }
        if plain.starts_with("Schedule") {
            return Ok(());
        }
        let (left, right) = line.split_once('\t').unwrap_or((line, ""));
        let left = strip_tags(left);
        let left = left.trim();
        if let Some(rest) = left.strip_prefix("SESSION ") {
            self.finish_pending();
            let (number, title) = rest
                .split_once(". ")
                .and_then(|(num, title)| Some((num.parse::<u32>().ok()?, title)))
                .ok_or_else(|| AgendaError::Line { line: n, detail: format!("a session heading without a number: {left:?}") })?;
            self.pending = Some(new_item(ItemKind::Session, Some(number), title));
            return self.content(n, right);
        }
        if left == "CLOSURE SESSION" {
            self.finish_pending();
            self.pending = Some(new_item(ItemKind::Closure, None, "Closure session"));
            return self.content(n, right);
        }
        if left.is_empty() {
            // A continuation row: more of the current item after a page break.
            return self.content(n, right);
        }
        let (start, end) = time_range(left)
            .ok_or_else(|| AgendaError::Line { line: n, detail: format!("expected a time or a session heading, found {left:?}") })?;
        let (start, end) = self.instants(n, start, end)?;
        match self.pending.as_mut() {
            Some(item) if item.end.is_none() && item.start == 0 => {
                item.start = start;
                item.end = end;
            }
            _ => {
                self.finish_pending();
                let mut item = new_item(ItemKind::Presentation, None, "");
                item.start = start;
                item.end = end;
                self.pending = Some(item);
            }
        }
        self.content(n, right)
    }

    fn preface(&mut self, plain: &str) -> Result<(), AgendaError> {
        if let Some(title) = plain.strip_prefix("## ") {
            if title != "Agenda" && self.agenda.title.en.is_empty() {
                self.agenda.title = Texts::en(title.trim());
            }
            return Ok(());
        }
        if let Some(heading) = plain.strip_prefix("### ") {
            let heading = heading.trim_matches(|c| c == '*' || c == ' ');
            self.section = if heading.starts_with("Objectives") {
                Section::Objectives
            } else if heading.starts_with("Dialogue Methodology") {
                Section::Methodology
            } else {
                Section::Other
            };
            return Ok(());
        }
        if self.agenda.motto.en.is_empty() && plain.starts_with("**“") {
            self.agenda.motto = Texts::en(plain.trim_matches(|c| c == '*' || c == '“' || c == '”'));
            return Ok(());
        }
        if let Some(point) = plain.strip_prefix("- ✓ ") {
            match self.section {
                Section::Objectives => self.agenda.objectives.push(Texts::en(point.trim())),
                Section::Methodology => self.agenda.methodology.push(Texts::en(point.trim())),
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads the activity column of a row into the current item.
    fn content(&mut self, n: usize, html: &str) -> Result<(), AgendaError> {
        let Some(item) = self.pending.as_mut() else {
            if strip_tags(html).trim().is_empty() {
                return Ok(());
            }
            return Err(AgendaError::Line { line: n, detail: "activity text before any agenda item".into() });
        };
        let mut expect_leads = false;
        let mut speakers = !item.speakers.is_empty();
        for block in blocks(html) {
            let text = block.text.as_str();
            if expect_leads {
                item.leads = leads(self.countries, n, text)?;
                expect_leads = false;
                continue;
            }
            if let Some(rest) = text.strip_prefix("Lead panelist countries:").or_else(|| text.strip_prefix("Lead panelist country:")) {
                if rest.trim().is_empty() {
                    expect_leads = true;
                } else {
                    item.leads = leads(self.countries, n, rest)?;
                }
                continue;
            }
            if let Some(rest) = text.strip_prefix("Lead by:") {
                item.led_by = Some(rest.trim().to_owned());
                continue;
            }
            if text.ends_with("remarks by:") || text.ends_with("farewell:") {
                speakers = true;
                continue;
            }
            if item.title.en.is_empty() {
                item.title = Texts::en(text);
                item.kind = match text {
                    "Opening session" => ItemKind::Opening,
                    "Break" => ItemKind::Break,
                    t if t.starts_with("End of Day") => ItemKind::EndOfDay,
                    _ => item.kind,
                };
                continue;
            }
            if speakers {
                item.speakers.push(text.to_owned());
            } else {
                item.topics.push(Texts::en(text));
            }
        }
        if expect_leads {
            return Err(AgendaError::Line { line: n, detail: "lead panelist countries announced but not named".into() });
        }
        Ok(())
    }

    fn instants(&self, n: usize, start: Clock, end: Option<Clock>) -> Result<(i64, Option<i64>), AgendaError> {
        let offset = self.offset.ok_or(AgendaError::NoTimeZone)?;
        let day =
            self.agenda.days.last().ok_or_else(|| AgendaError::Line { line: n, detail: "a time row before any day heading".into() })?;
        let at = |(h, m): Clock| instant(&day.date, h, m, offset);
        Ok((at(start), end.map(at)))
    }

    fn finish_pending(&mut self) {
        if let (Some(item), Some(day)) = (self.pending.take(), self.agenda.days.last_mut()) {
            day.items.push(item);
        }
    }
}

/// "Panama and Costa Rica" → [PA, CR].
fn leads(countries: &BTreeMap<String, Country>, n: usize, text: &str) -> Result<Vec<Country>, AgendaError> {
    text.split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| countries.get(name).cloned().ok_or_else(|| AgendaError::UnknownCountry { line: n, name: name.to_owned() }))
        .collect()
}

fn new_item(kind: ItemKind, number: Option<u32>, title: &str) -> AgendaItem {
    AgendaItem {
        kind,
        number,
        title: Texts::en(title.trim()),
        start: 0,
        end: None,
        topics: Vec::new(),
        leads: Vec::new(),
        led_by: None,
        led_by_es: None,
        speakers: Vec::new(),
    }
}
