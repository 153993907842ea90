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

/// One piece of text between block-level tags (`ul`, `li`, `p`, `b`).
#[derive(Debug, PartialEq, Eq)]
struct Block {
    text: String,
}

/// Splits an HTML fragment into its text blocks: block tags and `<b>` separate blocks,
/// other tags (`<i>`) are dropped; bullets and runs of spaces are tidied.
fn blocks(html: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut rest = html;
    let mut push = |current: &mut String| {
        let text = tidy(current);
        if !text.is_empty() {
            out.push(Block { text });
        }
        current.clear();
    };
    while let Some(open) = rest.find('<') {
        current.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            current.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag.trim_start_matches('/').split([' ', '>']).next().unwrap_or("");
        if matches!(name, "ul" | "li" | "p" | "b" | "br") {
            push(&mut current);
        }
        rest = &rest[open + close + 1..];
    }
    current.push_str(rest);
    push(&mut current);
    out
}

fn tidy(s: &str) -> String {
    let s = s.trim().trim_start_matches('•').trim();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `(GMT-6)` anywhere in a line → -360.
fn gmt_offset(s: &str) -> Option<i32> {
    let at = s.find("(GMT")?;
    let rest = &s[at + 4..];
    let end = rest.find(')')?;
    let hours: i32 = rest[..end].parse().ok()?;
    Some(hours * 60)
}

/// `DAY ONE: September 9, 2021` → `September 9, 2021`.
fn day_heading(s: &str) -> Option<String> {
    let s = s.trim_start_matches('#').trim().trim_matches('*').trim();
    let rest = s.strip_prefix("DAY ")?;
    let (_, date) = rest.split_once(':')?;
    Some(date.trim().to_owned())
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// `September 9, 2021` → `2021-09-09`.
fn parse_date(s: &str) -> Option<String> {
    let (month, rest) = s.split_once(' ')?;
    let (day, year) = rest.split_once(',')?;
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let day: u32 = day.trim().parse().ok()?;
    let year: i32 = year.trim().parse().ok()?;
    (1..=31).contains(&day).then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A wall-clock time: hours and minutes.
type Clock = (u32, u32);

/// `9:00 – 9:30` → ((9, 0), Some((9, 30))); `13:15` → ((13, 15), None).
fn time_range(s: &str) -> Option<(Clock, Option<Clock>)> {
    let mut parts = s.split(['–', '-']).map(str::trim);
    let start = clock(parts.next()?)?;
    let end = match parts.next() {
        Some(p) => Some(clock(p)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((start, end))
}

fn clock(s: &str) -> Option<Clock> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() <= 5).then_some((h, m))
}

/// Unix milliseconds of a local wall-clock time on an ISO date at a fixed UTC offset.
fn instant(date: &str, hour: u32, minute: u32, offset_minutes: i32) -> i64 {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
    let (y, m, d) = (parts.next().unwrap_or(1970), parts.next().unwrap_or(1), parts.next().unwrap_or(1));
    let days = days_from_civil(y, m, d);
    let local_minutes = days * 1440 + i64::from(hour) * 60 + i64::from(minute);
    (local_minutes - i64::from(offset_minutes)) * 60_000
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert_eq!(parse_date("September 9, 2021").as_deref(), Some("2021-09-09"));
        assert_eq!(parse_date("Septiembre 9, 2021"), None);
        assert_eq!(time_range("9:00 – 9:30"), Some(((9, 0), Some((9, 30)))));
        assert_eq!(time_range("13:15"), Some(((13, 15), None)));
        assert_eq!(time_range("Break"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2021-09-09 09:00 at GMT-6 is 15:00 UTC.
        assert_eq!(instant("2021-09-09", 9, 0, -360), 1_631_199_600_000);
        assert_eq!(gmt_offset("Schedule (GMT-6)\tActivity"), Some(-360));
    }

    #[test]
    fn blocks_split_on_block_tags() {
        let b = blocks("<ul><li>• One</li><li>• Two <i>x</i></li></ul> Lead panelist countries: <b>Panama and Costa Rica</b>");
        let texts: Vec<_> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["One", "Two x", "Lead panelist countries:", "Panama and Costa Rica"]);
    }
}
