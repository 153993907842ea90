//! The agenda parser on the real agenda of the 2021 RCM–SACM meeting, and the Concept Note
//! generated from it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_core::agenda::{self, Agenda, ItemKind};
use pluma_core::concept_note::concept_note;
use pluma_core::{Country, DraftKind, Lang, ParagraphKind};

const TEXT: &str = include_str!("../../data/rcm-sacm-2021-agenda.txt");
const SPANISH: &str = include_str!("../../data/agenda-es.json");
const DELEGATIONS: &str = include_str!("../../data/delegations.json");

fn real() -> Agenda {
    let countries = agenda::country_codes(DELEGATIONS).unwrap();
    let mut a = agenda::parse(TEXT, &countries).unwrap();
    a.translate(SPANISH).unwrap();
    a
}

fn c(code: &str) -> Country {
    code.parse().unwrap()
}

/// Unix ms of a GMT-6 wall-clock time, computed independently: 2021-09-09 00:00 UTC is
/// 1_631_145_600 s.
fn gmt6(day: i64, h: i64, m: i64) -> i64 {
    (1_631_145_600 + (day - 9) * 86_400 + (h + 6) * 3600 + m * 60) * 1000
}

/// Two days, with the rows of each in order and the six numbered sessions in between.
#[test]
fn days_and_rows_in_order() {
    let a = real();
    assert_eq!(a.utc_offset_minutes, -360);
    let dates: Vec<_> = a.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, ["2021-09-09", "2021-09-10"]);
    let kinds = |d: usize| a.days[d].items.iter().map(|i| (i.kind, i.number)).collect::<Vec<_>>();
    use ItemKind::*;
    assert_eq!(
        kinds(0),
        [
            (Opening, None),
            (Presentation, None),
            (Session, Some(1)),
            (Break, None),
            (Session, Some(2)),
            (Session, Some(3)),
            (EndOfDay, None)
        ]
    );
    assert_eq!(kinds(1), [(Session, Some(4)), (Session, Some(5)), (Break, None), (Session, Some(6)), (Closure, None)]);
    assert_eq!(a.sessions().count(), 6);
}

/// Times become instants at GMT-6, including rows whose time comes after a page break.
#[test]
fn times_are_absolute_instants() {
    let a = real();
    let opening = &a.days[0].items[0];
    assert_eq!((opening.start, opening.end), (gmt6(9, 9, 0), Some(gmt6(9, 9, 30))));
    let s3 = a.sessions().find(|s| s.number == Some(3)).unwrap();
    assert_eq!((s3.start, s3.end), (gmt6(9, 12, 10), Some(gmt6(9, 13, 15))));
    let end = &a.days[0].items[6];
    assert_eq!((end.start, end.end), (gmt6(9, 13, 15), None));
    let s6 = a.sessions().find(|s| s.number == Some(6)).unwrap();
    assert_eq!((s6.start, s6.end), (gmt6(10, 11, 15), Some(gmt6(10, 12, 0))));
    let closure = a.days[1].items.last().unwrap();
    assert_eq!((closure.start, closure.end), (gmt6(10, 12, 0), Some(gmt6(10, 13, 0))));
    // The agenda's own conversion: 09:00 Central America is 12:00 in Buenos Aires (UTC-3).
    assert_eq!(opening.start, (1_631_145_600 + 15 * 3600) * 1000);
}

/// Each session's title, topics (also those continued after a page break) and leads.
#[test]
fn sessions_have_titles_topics_and_leads() {
    let a = real();
    let s: Vec<_> = a.sessions().collect();
    let leads: Vec<Vec<Country>> = s.iter().map(|s| s.leads.clone()).collect();
    assert_eq!(leads, [vec![c("PA"), c("CR")], vec![c("CL"), c("VE")], vec![c("PE")], vec![c("US")], vec![c("MX")], vec![c("AR")]]);
    let topics: Vec<usize> = s.iter().map(|s| s.topics.len()).collect();
    assert_eq!(topics, [3, 4, 3, 2, 3, 2]);
    assert_eq!(s[0].title.en, "Irregular migration from within the hemisphere and extra continental");
    assert_eq!(s[2].title.en, "Integration of Migrants and Countering Xenophobia");
    assert_eq!(s[2].title.es.as_deref(), Some("Integración de las personas migrantes y lucha contra la xenofobia"));
    assert_eq!(s[1].topics[3].en, "Good multilevel interagency coordination practices");
    assert_eq!(s[5].topics[1].en, "Open South America");
    // The roles are divided equally: three sessions led by RCM countries, three by SACM ones.
    let rcm = ["PA", "CR", "US", "MX"];
    let by_rcm = s.iter().filter(|s| s.leads.iter().all(|l| rcm.contains(&l.as_str()))).count();
    assert_eq!(by_rcm, 3);
}

/// Speakers of the opening and the closure, and who leads the closure.
#[test]
fn speakers_and_closure() {
    let a = real();
    let opening = &a.days[0].items[0];
    assert_eq!(opening.speakers.len(), 5);
    assert!(opening.speakers[0].starts_with("Alejandro Encinas Rodríguez, Undersecretary"));
    assert!(opening.topics.is_empty());
    let closure = a.days[1].items.last().unwrap();
    assert_eq!(closure.led_by.as_deref(), Some("RCM PPT and SACM PPT"));
    assert_eq!(closure.speakers.len(), 3);
    assert_eq!(closure.topics.len(), 3);
    // The speakers confirm the presidencies of the demo: Mexico for the RCM, Argentina for the SACM.
    assert!(opening.speakers.iter().any(|s| s.contains("of Mexico and President Pro-Témpore of the Regional Conference on Migration")));
    assert!(opening.speakers.iter().any(|s| s.contains("Argentina and Presidency Pro-Témpore of the SACM")));
}

/// The preface: title, motto, objectives and methodology; every text has its Spanish.
#[test]
fn preface_and_translations() {
    let mut a = real();
    assert!(a.title.en.starts_with("II PLENARY MEETING BETWEEN"));
    assert_eq!(a.motto.en, "Seeking joint actions for better migration governance");
    assert_eq!(a.objectives.len(), 2);
    assert_eq!(a.methodology.len(), 1);
    assert_eq!(a.untranslated(), Vec::<String>::new());
}

/// Text of another shape is refused with the line that is wrong, and unknown countries by name.
#[test]
fn irregular_text_is_refused_precisely() {
    let countries = agenda::country_codes(DELEGATIONS).unwrap();
    let head = "## MEETING\nSchedule (GMT-6)\tActivity\n### DAY ONE: September 9, 2021\n";
    let bad_time = format!("{head}9h00\t<b>Opening</b>\n");
    match agenda::parse(&bad_time, &countries) {
        Err(agenda::AgendaError::Line { line: 4, .. }) => {}
        other => panic!("{other:?}"),
    }
    let bad_lead = format!("{head}<b>SESSION 1. X</b>\t\n9:00 – 10:00\t<ul><li>• A</li></ul> Lead panelist country: <b>Atlantis</b>\n");
    assert_eq!(agenda::parse(&bad_lead, &countries).unwrap_err(), agenda::AgendaError::UnknownCountry { line: 5, name: "Atlantis".into() });
    let no_zone = "## MEETING\n### DAY ONE: September 9, 2021\n9:00 – 10:00\tBreak\n";
    assert_eq!(agenda::parse(no_zone, &countries).unwrap_err(), agenda::AgendaError::NoTimeZone);
    let good = format!("{head}<b>SESSION 1. X</b>\t\n9:00 – 10:00\t<ul><li>• A</li></ul> Lead panelist country: <b>Peru</b>\n");
    let a = agenda::parse(&good, &countries).unwrap();
    assert_eq!(a.sessions().next().unwrap().leads, [c("PE")]);
}

/// The Concept Note: an introduction, then per session a heading and its topics as
/// questions of that section, editable by the session's lead countries.
#[test]
fn concept_note_has_one_section_per_session() {
    let a = real();
    let mut d = concept_note(&a).unwrap();
    assert_eq!(d.kind().unwrap(), DraftKind::ConceptNote);
    assert_eq!(d.title(Lang::En).unwrap(), "Concept Note: Seeking joint actions for better migration governance");
    assert!(d.title(Lang::Es).unwrap().starts_with("Nota conceptual: Buscando"));
    let ps = d.paragraphs().unwrap();
    assert_eq!(ps[0].kind, ParagraphKind::Heading);
    assert_eq!(ps[0].text.es, "Introducción");
    let headings: Vec<_> = ps.iter().filter(|p| p.kind == ParagraphKind::Heading && p.section.is_some()).collect();
    assert_eq!(headings.len(), 6);
    assert_eq!(headings[4].text.en, "Session 5. International Protection Systems");
    assert_eq!(headings[4].text.es, "Sesión 5. Sistemas de protección internacional");
    assert!(headings.iter().all(|h| h.editors.is_empty()));
    for s in a.sessions() {
        let n = i64::from(s.number.unwrap());
        let qs: Vec<_> = ps.iter().filter(|p| p.kind == ParagraphKind::Question && p.section == Some(n)).collect();
        assert_eq!(qs.len(), s.topics.len(), "session {n}");
        for (q, topic) in qs.iter().zip(&s.topics) {
            assert_eq!(q.editors, s.leads);
            assert_eq!(q.text.en, topic.en);
            assert_eq!(Some(&q.text.es), topic.es.as_ref());
        }
    }
    // Questions follow their heading.
    let h1 = ps.iter().position(|p| p.kind == ParagraphKind::Heading && p.section == Some(1)).unwrap();
    assert_eq!(ps[h1 + 1].section, Some(1));
    assert_eq!(ps[h1 + 1].kind, ParagraphKind::Question);
    assert!(ps[h1 + 1].text.en.contains("Discussion on regional and extra continental"));
}
