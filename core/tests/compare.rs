//! Comparing versions: hand-made cases with the credited countries checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::collections::HashMap;

use fixtures::{para, stamp};
use pluma_core::automerge::{ActorId, ChangeHash};
use pluma_core::compare::{Comparison, ParagraphChange, Piece, PieceOp};
use pluma_core::delegations::CountryNames;
use pluma_core::{Bilingual, Country, Draft, DraftError, DraftKind, Lang, NewParagraph, ParagraphId, ParagraphKind, Selection, Status};

/// A draft seeded by an unbound actor, and one replica per delegation, bound to it.
struct World {
    doc: Draft,
    bindings: HashMap<ActorId, Country>,
    replicas: HashMap<&'static str, Draft>,
}

impl World {
    fn new(paragraphs: &[(&str, &str)]) -> (World, Vec<ParagraphId>) {
        let mut doc = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
        let ids = paragraphs
            .iter()
            .enumerate()
            .map(|(i, (en, es))| {
                doc.insert_paragraph(
                    i,
                    NewParagraph {
                        kind: ParagraphKind::Operative,
                        section: None,
                        editors: vec![],
                        text: Bilingual { en: (*en).into(), es: (*es).into() },
                    },
                )
                .unwrap()
            })
            .collect();
        doc.commit();
        (World { doc, bindings: HashMap::new(), replicas: HashMap::new() }, ids)
    }

    /// The replica of a delegation, up to date with the shared document.
    fn at(&mut self, country: &'static str) -> &mut Draft {
        if !self.replicas.contains_key(country) {
            let fork = self.doc.fork();
            self.bindings.insert(fork.actor().clone(), country.parse().unwrap());
            self.replicas.insert(country, fork);
        }
        let r = self.replicas.get_mut(country).unwrap();
        r.merge(&mut self.doc).unwrap();
        r
    }

    /// Brings a delegation's edits into the shared document.
    fn sync(&mut self, country: &'static str) {
        let r = self.replicas.get_mut(country).unwrap();
        r.commit();
        self.doc.merge(r).unwrap();
    }

    fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.heads()
    }

    fn compare(&mut self, from: &[ChangeHash], lang: Lang) -> Comparison {
        let bindings = self.bindings.clone();
        let who = move |a: &ActorId| bindings.get(a).cloned();
        self.doc.compare(Some(from), None, lang, &who).unwrap()
    }
}

/// The changed pieces of a paragraph as (op, trimmed text, country code).
fn changes(c: &Comparison, id: &ParagraphId) -> Vec<(PieceOp, String, String)> {
    let p = c.paragraphs.iter().find(|p| &p.id == id).unwrap();
    p.pieces
        .iter()
        .filter(|p| p.op != PieceOp::Equal)
        .map(|p: &Piece| (p.op, p.text.trim().to_owned(), p.country.as_ref().map_or("?".into(), |c| c.to_string())))
        .collect()
}

fn text_of(c: &Comparison, id: &ParagraphId, keep: PieceOp) -> String {
    let p = c.paragraphs.iter().find(|p| &p.id == id).unwrap();
    p.pieces.iter().filter(|p| p.op == PieceOp::Equal || p.op == keep).map(|p| p.text.as_str()).collect()
}

/// A word one country proposes is an insertion credited to it, before and after a chair
/// of another country accepts it; both sides of the comparison rebuild the two texts.
#[test]
fn an_inserted_word_is_credited_to_its_proposer() {
    let (mut w, ids) = World::new(&[("Safe and orderly migration.", "Migración segura y ordenada.")]);
    let v1 = w.heads();
    w.at("MX").suggest_insert(&ids[0], Lang::En, 16, " regular", &stamp("MX")).unwrap();
    w.sync("MX");
    let c = w.compare(&v1, Lang::En);
    assert_eq!(changes(&c, &ids[0]), vec![(PieceOp::Insert, "regular".into(), "MX".into())]);
    assert_eq!(text_of(&c, &ids[0], PieceOp::Insert), "Safe and orderly regular migration.");
    assert_eq!(text_of(&c, &ids[0], PieceOp::Delete), "Safe and orderly migration.");
    assert_eq!(c.proposals.opened.len(), 1);
    assert_eq!(c.summary.by_country["MX"].inserted, 1);

    w.at("AR").accept(&Selection::All).unwrap();
    w.sync("AR");
    let c = w.compare(&v1, Lang::En);
    assert_eq!(changes(&c, &ids[0]), vec![(PieceOp::Insert, "regular".into(), "MX".into())]);
    assert!(c.proposals.opened.is_empty());
    // Nothing changed in Spanish.
    assert!(w.compare(&v1, Lang::Es).paragraphs.iter().all(|p| p.change == ParagraphChange::Unchanged));
}

/// A sentence a chair moves within a paragraph is one cut and one insertion of the same
/// words, both flagged as moved and credited to the chair's delegation.
#[test]
fn a_sentence_moved_within_a_paragraph() {
    let (mut w, ids) = World::new(&[("First point. Second point here. Third.", "x")]);
    let v1 = w.heads();
    let ar = w.at("AR");
    ar.splice(&ids[0], Lang::En, 0, 13, "").unwrap();
    ar.splice(&ids[0], Lang::En, 18, 0, " First point.").unwrap();
    assert_eq!(ar.text(&ids[0], Lang::En).unwrap(), "Second point here. First point. Third.");
    w.sync("AR");
    let c = w.compare(&v1, Lang::En);
    let p = c.paragraphs.iter().find(|p| p.id == ids[0]).unwrap();
    assert_eq!(p.change, ParagraphChange::Changed);
    let moved: Vec<_> = p.pieces.iter().filter(|p| p.moved).collect();
    assert_eq!(moved.len(), 2, "{:?}", p.pieces);
    assert!(moved.iter().all(|p| p.text.trim() == "First point." && p.country.as_ref().unwrap().as_str() == "AR"));
    assert_eq!(text_of(&c, &ids[0], PieceOp::Insert), "Second point here. First point. Third.");
    assert_eq!(text_of(&c, &ids[0], PieceOp::Delete), "First point. Second point here. Third.");
}

/// Paragraphs moved, deleted and added are recognised by id and credited.
#[test]
fn paragraphs_moved_deleted_and_added() {
    let (mut w, ids) = World::new(&[("One.", "Uno."), ("Two.", "Dos."), ("Three.", "Tres."), ("Four.", "Cuatro.")]);
    let v1 = w.heads();
    w.at("MX").move_paragraph(&ids[3], 0).unwrap();
    w.sync("MX");
    w.at("CL").delete_paragraph(&ids[1]).unwrap();
    w.sync("CL");
    let added = w.at("US").insert_paragraph(3, para(ParagraphKind::Operative, "Five, new.")).unwrap();
    w.sync("US");
    let c = w.compare(&v1, Lang::En);
    let order: Vec<(&str, ParagraphChange, bool)> =
        c.paragraphs.iter().map(|p| (p.pieces.iter().map(|x| x.text.as_str()).next().unwrap_or(""), p.change, p.moved)).collect();
    assert_eq!(
        order,
        vec![
            ("Four.", ParagraphChange::Unchanged, true),
            ("One.", ParagraphChange::Unchanged, false),
            ("Two.", ParagraphChange::Removed, false),
            ("Three.", ParagraphChange::Unchanged, false),
            ("Five, new.", ParagraphChange::Added, false),
        ]
    );
    let removed = c.paragraphs.iter().find(|p| p.id == ids[1]).unwrap();
    assert_eq!(removed.by.as_ref().unwrap().as_str(), "CL");
    assert_eq!(changes(&c, &ids[1]), vec![(PieceOp::Delete, "Two.".into(), "CL".into())]);
    let new = c.paragraphs.iter().find(|p| p.id == added).unwrap();
    assert_eq!(new.by.as_ref().unwrap().as_str(), "US");
    assert_eq!((new.from_number, new.to_number), (None, Some(4)));
    assert_eq!((c.summary.added, c.summary.removed, c.summary.moved, c.summary.changed), (1, 1, 1, 0));
}

/// Spanish accents and punctuation: a changed word and a dropped comma are each their own
/// change; accented words are compared whole.
#[test]
fn accents_and_punctuation() {
    let (mut w, ids) = World::new(&[("x", "Los migrantes, en situación irregular, según él.")]);
    let v1 = w.heads();
    let br = w.at("BR");
    // "irregular," → "regular"
    let text = br.text(&ids[0], Lang::Es).unwrap();
    let at = text.chars().collect::<Vec<_>>().iter().collect::<String>().find("irregular").unwrap();
    let start = text[..at].chars().count();
    br.splice(&ids[0], Lang::Es, start, 10, "regular").unwrap();
    let text = br.text(&ids[0], Lang::Es).unwrap();
    let comma = text.chars().position(|c| c == ',').unwrap();
    br.splice(&ids[0], Lang::Es, comma, 1, "").unwrap();
    assert_eq!(br.text(&ids[0], Lang::Es).unwrap(), "Los migrantes en situación regular según él.");
    w.sync("BR");
    let c = w.compare(&v1, Lang::Es);
    assert_eq!(
        changes(&c, &ids[0]),
        vec![
            (PieceOp::Delete, ",".into(), "BR".into()),
            (PieceOp::Delete, "irregular,".into(), "BR".into()),
            (PieceOp::Insert, "regular".into(), "BR".into()),
        ]
    );
    assert_eq!(c.summary.by_country["BR"], pluma_core::compare::Tally { inserted: 1, deleted: 1 });
}

/// Both languages changed by different countries: each language credits its own.
#[test]
fn both_languages_changed_by_different_countries() {
    let (mut w, ids) = World::new(&[("We agree.", "Acordamos.")]);
    let v1 = w.heads();
    w.at("MX").suggest_insert(&ids[0], Lang::En, 8, " fully", &stamp("MX")).unwrap();
    w.sync("MX");
    w.at("AR").suggest_insert(&ids[0], Lang::Es, 9, " plenamente", &stamp("AR")).unwrap();
    w.sync("AR");
    let en = w.compare(&v1, Lang::En);
    let es = w.compare(&v1, Lang::Es);
    assert_eq!(changes(&en, &ids[0]), vec![(PieceOp::Insert, "fully".into(), "MX".into())]);
    assert_eq!(changes(&es, &ids[0]), vec![(PieceOp::Insert, "plenamente".into(), "AR".into())]);
    assert_eq!(en.proposals.opened[0].country.as_str(), "MX");
    assert_eq!(es.proposals.opened[0].country.as_str(), "AR");
}

/// A proposed cut, once accepted by a chair of another delegation, is credited to the
/// country that proposed it, whether the older version had the proposal or predates it;
/// the status change and the settled proposal are listed.
#[test]
fn an_accepted_cut_is_credited_to_its_proposer_and_status_changes_are_listed() {
    let (mut w, ids) = World::new(&[("We strongly agree.", "Acordamos.")]);
    let v1 = w.heads();
    w.at("AR").suggest_delete(&ids[0], Lang::En, 2, 11, &stamp("AR")).unwrap();
    w.sync("AR");
    let v2 = w.heads();
    let mx = w.at("MX");
    mx.accept(&Selection::All).unwrap();
    mx.set_status(&ids[0], Status::Agreed).unwrap();
    w.sync("MX");
    let c = w.compare(&v2, Lang::En);
    assert_eq!(changes(&c, &ids[0]), vec![(PieceOp::Delete, "strongly".into(), "AR".into())]);
    // From before the proposal too: the cut was Argentina's, the chair (Mexico) accepted it.
    let c1 = w.compare(&v1, Lang::En);
    assert_eq!(changes(&c1, &ids[0]), vec![(PieceOp::Delete, "strongly".into(), "AR".into())]);
    let p = &c.paragraphs[0];
    assert_eq!(p.status.as_ref().map(|s| (s.from, s.to)), Some((Status::Open, Status::Agreed)));
    assert_eq!(c.proposals.settled.len(), 1);
    assert_eq!(c.summary.status_changed, 1);
}

/// A country inserting inside a word changes the whole word in a word-level redline: the
/// old word struck and the new one inserted, all of it credited to that country, before and
/// after a chair accepts it — the letters around the insertion were nobody's change, and
/// were shown "not attributed" (and the surviving letters of a delegation's own earlier
/// insertion credited to it as a deletion).
#[test]
fn an_insertion_inside_a_word_credits_the_whole_word_to_its_proposer() {
    let (mut w, ids) = World::new(&[("Migration issues remain.", "Persisten los problemas.")]);
    let v1 = w.heads();
    // "issue" + "-related" + "s"
    w.at("BR").suggest_insert(&ids[0], Lang::En, 15, "-related", &stamp("BR")).unwrap();
    w.sync("BR");
    let expected =
        vec![(PieceOp::Delete, "issues".to_owned(), "BR".to_owned()), (PieceOp::Insert, "issue-relateds".to_owned(), "BR".to_owned())];
    let c = w.compare(&v1, Lang::En);
    assert_eq!(changes(&c, &ids[0]), expected);
    assert_eq!(text_of(&c, &ids[0], PieceOp::Insert), "Migration issue-relateds remain.");
    assert_eq!(text_of(&c, &ids[0], PieceOp::Delete), "Migration issues remain.");
    w.at("MX").accept(&Selection::All).unwrap();
    w.sync("MX");
    let v2 = w.heads();
    assert_eq!(changes(&w.compare(&v1, Lang::En), &ids[0]), expected);

    // Argentina proposes a word, which is accepted; later Colombia cuts its last letters.
    // Only Colombia cut anything.
    w.at("AR").suggest_insert(&ids[0], Lang::En, 24, " everywhere", &stamp("AR")).unwrap();
    w.sync("AR");
    w.at("MX").accept(&Selection::All).unwrap();
    w.sync("MX");
    let v3 = w.heads();
    w.at("CO").suggest_delete(&ids[0], Lang::En, 33, 35, &stamp("CO")).unwrap();
    w.sync("CO");
    w.at("MX").accept(&Selection::All).unwrap();
    w.sync("MX");
    let c = w.compare(&v3, Lang::En);
    assert_eq!(text_of(&c, &ids[0], PieceOp::Insert), "Migration issue-relateds everywhe remain.");
    let credited: Vec<String> = changes(&c, &ids[0]).into_iter().map(|(_, _, country)| country).collect();
    assert_eq!(credited, ["CO", "CO"], "{:?}", changes(&c, &ids[0]));
    assert!(!w.compare(&v2, Lang::En).summary.by_country.contains_key("?"));
}

/// Two countries changing neighbouring words make one change of the word diff; each word
/// is still credited to the country that changed it.
#[test]
fn neighbouring_words_changed_by_two_countries_keep_their_own_credit() {
    let (mut w, ids) = World::new(&[("Migration issues remain here.", "Persisten los problemas.")]);
    let v1 = w.heads();
    w.at("BR").suggest_insert(&ids[0], Lang::En, 15, "-related", &stamp("BR")).unwrap();
    w.sync("BR");
    // "remain" → "remaining" (after "-related" moved it along).
    w.at("CO").suggest_insert(&ids[0], Lang::En, 31, "ing", &stamp("CO")).unwrap();
    w.sync("CO");
    let c = w.compare(&v1, Lang::En);
    assert_eq!(text_of(&c, &ids[0], PieceOp::Insert), "Migration issue-relateds remaining here.");
    let by_word: Vec<(PieceOp, String, String)> = changes(&c, &ids[0]);
    assert_eq!(
        by_word,
        vec![
            (PieceOp::Delete, "issues".into(), "BR".into()),
            (PieceOp::Delete, "remain".into(), "CO".into()),
            (PieceOp::Insert, "issue-relateds".into(), "BR".into()),
            (PieceOp::Insert, "remaining".into(), "CO".into()),
        ]
    );
    // ("issue-relateds" counts as two words.)
    assert_eq!((c.summary.by_country["BR"].inserted, c.summary.by_country["CO"].inserted), (2, 1));
    assert_eq!((c.summary.by_country["BR"].deleted, c.summary.by_country["CO"].deleted), (1, 1));

    // A cut inside a word: the rest of the word is the cutter's too.
    w.at("MX").accept(&Selection::All).unwrap();
    w.sync("MX");
    let v2 = w.heads();
    w.at("AR").suggest_delete(&ids[0], Lang::En, 23, 24, &stamp("AR")).unwrap();
    w.sync("AR");
    w.at("MX").accept(&Selection::All).unwrap();
    w.sync("MX");
    let c = w.compare(&v2, Lang::En);
    assert_eq!(text_of(&c, &ids[0], PieceOp::Insert), "Migration issue-related remaining here.");
    assert!(changes(&c, &ids[0]).iter().all(|(_, _, country)| country == "AR"), "{:?}", changes(&c, &ids[0]));
}

/// Unknown heads are refused with a precise error; comparing a version with itself finds
/// nothing.
#[test]
fn unknown_heads_and_identical_versions() {
    let (mut w, _) = World::new(&[("a", "b")]);
    let v1 = w.heads();
    assert!(w.compare(&v1, Lang::En).is_empty());
    let bogus = [ChangeHash([7; 32])];
    let err = w.doc.compare(Some(&bogus), None, Lang::En, &|_| None).unwrap_err();
    assert!(matches!(err, DraftError::UnknownHeads(_)), "{err}");
}

/// The HTML redline escapes text and colours changes by country class; the Markdown uses
/// CriticMarkup with the country code.
#[test]
fn redline_html_and_markdown() {
    let (mut w, ids) = World::new(&[("Text.", "Texto.")]);
    let v1 = w.heads();
    w.at("MX").suggest_insert(&ids[0], Lang::En, 4, " <b>&", &stamp("MX")).unwrap();
    w.sync("MX");
    let c = w.compare(&v1, Lang::En);
    let names = CountryNames::builtin();
    let html = c.to_html(&names, "v1 → now");
    assert!(html.contains("class=\"pluma-c-MX\""), "{html}");
    assert!(html.contains("title=\"Mexico\""));
    assert!(html.contains("&lt;b&gt;&amp;"));
    assert!(!html.contains("<b>"));
    assert!(html.contains(".pluma-c-MX{color:"));
    let md = c.to_markdown(&names);
    assert!(md.contains("{++"), "{md}");
    assert!(md.contains("++}{>>MX<<}"), "{md}");
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["paragraphs"][0]["pieces"][1]["op"], "insert");
    assert_eq!(json["paragraphs"][0]["pieces"][1]["country"], "MX");
}
