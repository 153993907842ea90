//! The permission rules, table-driven: every role against every kind of change, allowed and
//! refused, with the rule that refuses it.
#[path = "support/fixtures.rs"]
mod fixtures;

use pluma_core::automerge::marks::{ExpandMark, Mark};
use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{ActorId, AutoCommit, ReadDoc, ROOT};
use pluma_core::rules::{check_on_copy, Event, Role, Rule, Who};
use pluma_core::schema::TrackMarkValue;
use pluma_core::{Bilingual, Draft, DraftKind, Format, Lang, NewParagraph, ParagraphId, ParagraphKind, Selection, Stamp, Status, ThreadId};

/// The personas: login, role, country.
const PERSONAS: [(&str, Role, Option<&str>); 9] = [
    ("mx", Role::Delegate, Some("MX")),
    ("mx2", Role::Delegate, Some("MX")),
    ("ar", Role::Delegate, Some("AR")),
    ("us", Role::Delegate, Some("US")),
    ("pa", Role::Delegate, Some("PA")),
    ("ar-chair", Role::Chair, Some("AR")),
    ("sec", Role::Secretariat, Some("SEC")),
    ("iom", Role::Observer, Some("IOM")),
    ("admin", Role::Admin, None),
];

fn who(login: &str) -> Who {
    let (_, role, country) = PERSONAS.iter().find(|p| p.0 == login).unwrap();
    Who {
        user: format!("u-{login}").parse().unwrap(),
        role: *role,
        country: country.map(|c| c.parse().unwrap()),
    }
}

fn stamp(login: &str) -> Stamp {
    let w = who(login);
    Stamp { user: w.user, country: w.country.unwrap_or_else(|| "XX".parse().unwrap()), at: 1 }
}

/// The draft every action starts from, and its parts.
struct Base {
    bytes: Vec<u8>,
    p1: ParagraphId,
    p2: ParagraphId,
    p3: ParagraphId,
    thread: ThreadId,
}

fn base() -> Base {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let new = |kind, editors: Vec<&str>, en: &str| NewParagraph {
        kind,
        section: None,
        editors: editors.into_iter().map(|c| c.parse().unwrap()).collect(),
        text: Bilingual { en: en.into(), es: en.into() },
    };
    let p1 = d.insert_paragraph(0, new(ParagraphKind::Operative, vec![], "Agree to cooperate closely.")).unwrap();
    let p2 = d.insert_paragraph(1, new(ParagraphKind::Question, vec!["PA"], "What measures work?")).unwrap();
    let p3 = d.insert_paragraph(2, new(ParagraphKind::Operative, vec![], "Agreed text.")).unwrap();
    d.set_status(&p3, Status::Agreed).unwrap();
    d.commit();
    // Mexico proposes " fully"; Argentina proposes cutting "closely"; Mexico opens a thread.
    let mut mx = Draft::load(&d.save()).unwrap();
    mx.set_actor(ActorId::random());
    mx.suggest_insert(&p1, Lang::En, 8, "fully ", &stamp("mx")).unwrap();
    let thread = mx.create_thread(&p1, Lang::En, 0, 5, "Why *agree*?", &stamp("mx")).unwrap();
    mx.commit();
    let mut ar = Draft::load(&mx.save()).unwrap();
    ar.set_actor(ActorId::random());
    let text = ar.text(&p1, Lang::En).unwrap();
    let start = text.find("closely").unwrap();
    ar.suggest_delete(&p1, Lang::En, start, start + 7, &stamp("ar")).unwrap();
    ar.commit();
    Base { bytes: ar.save(), p1, p2, p3, thread }
}

type Action = fn(&mut Draft, &Base, &str);

fn suggestion(d: &mut Draft, country: &str) -> pluma_core::SuggestionId {
    d.suggestions().unwrap().into_iter().find(|s| s.country.as_str() == country).unwrap().id
}

/// Runs `action` as `login` on a fresh replica and checks its changes.
fn run(b: &Base, login: &str, action: Action) -> Result<(), Rule> {
    let mut d = Draft::load(&b.bytes).unwrap();
    d.set_actor(ActorId::random());
    let heads = d.heads();
    action(&mut d, b, login);
    let changes = d.changes_since(&heads);
    assert!(!changes.is_empty(), "the action made no change");
    let before = AutoCommit::load(&b.bytes).unwrap();
    check_on_copy(&before, &changes, &who(login)).map(drop).map_err(|v| v.rule)
}

struct Case {
    name: &'static str,
    action: Action,
    allowed: &'static [&'static str],
    /// The rule that refuses delegates, chairs and the secretariat when they are not allowed.
    refused_by: Rule,
    /// Whether observers may do it (comments only).
    comment: bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case { name: "suggest an insertion", action: |d, b, l| drop(d.suggest_insert(&b.p1, Lang::En, 0, "We ", &stamp(l)).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"], refused_by: Rule::DirectEdit, comment: false },
        Case { name: "suggest a deletion", action: |d, b, l| drop(d.suggest_delete(&b.p1, Lang::En, 0, 5, &stamp(l)).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"], refused_by: Rule::DirectEdit, comment: false },
        Case { name: "direct insertion", action: |d, b, _| d.splice(&b.p1, Lang::En, 0, 0, "We ").unwrap(),
            allowed: &["ar-chair", "sec"], refused_by: Rule::DirectEdit, comment: false },
        Case { name: "direct deletion", action: |d, b, _| d.splice(&b.p1, Lang::Es, 0, 6, "").unwrap(),
            allowed: &["ar-chair", "sec"], refused_by: Rule::DirectEdit, comment: false },
        Case { name: "direct edit by a paragraph's editor", action: |d, b, _| d.splice(&b.p2, Lang::En, 0, 4, "Which").unwrap(),
            allowed: &["pa", "ar-chair", "sec"], refused_by: Rule::DirectEdit, comment: false },
        Case { name: "accept Mexico's insertion", action: |d, _, _| { let s = suggestion(d, "MX"); d.accept(&Selection::Ids(vec![s])).unwrap(); },
            allowed: &["ar-chair", "sec"], refused_by: Rule::AcceptReject, comment: false },
        Case { name: "reject Mexico's insertion (withdraw, for Mexico)", action: |d, _, _| { let s = suggestion(d, "MX"); d.reject(&Selection::Ids(vec![s])).unwrap(); },
            allowed: &["mx", "mx2", "ar-chair", "sec"], refused_by: Rule::AcceptReject, comment: false },
        Case { name: "accept Argentina's deletion", action: |d, _, _| { let s = suggestion(d, "AR"); d.accept(&Selection::Ids(vec![s])).unwrap(); },
            allowed: &["ar-chair", "sec"], refused_by: Rule::AcceptReject, comment: false },
        Case { name: "reject Argentina's deletion (withdraw, for Argentina)", action: |d, _, _| { let s = suggestion(d, "AR"); d.reject(&Selection::Ids(vec![s])).unwrap(); },
            allowed: &["ar", "ar-chair", "sec"], refused_by: Rule::AcceptReject, comment: false },
        Case { name: "set a paragraph's status", action: |d, b, _| d.set_status(&b.p1, Status::Bracketed).unwrap(),
            allowed: &["ar-chair"], refused_by: Rule::ParagraphFields, comment: false },
        Case { name: "set a paragraph's editors", action: |d, b, _| d.set_editors(&b.p1, &["US".parse().unwrap()]).unwrap(),
            allowed: &["ar-chair"], refused_by: Rule::ParagraphFields, comment: false },
        Case { name: "move a paragraph", action: |d, b, _| d.move_paragraph(&b.p2, 0).unwrap(),
            allowed: &["ar-chair"], refused_by: Rule::ParagraphOrder, comment: false },
        Case { name: "add a paragraph", action: |d, _, _| drop(d.insert_paragraph(0, fixtures::para(ParagraphKind::Operative, "New.")).unwrap()),
            allowed: &["ar-chair"], refused_by: Rule::ParagraphOrder, comment: false },
        Case { name: "delete a paragraph", action: |d, b, _| d.delete_paragraph(&b.p2).unwrap(),
            allowed: &["ar-chair"], refused_by: Rule::ParagraphOrder, comment: false },
        Case { name: "confirm concordance", action: |d, b, _| d.confirm_concordance(&b.p1).unwrap(),
            allowed: &["ar-chair", "sec"], refused_by: Rule::Concordance, comment: false },
        Case { name: "change the title", action: |d, _, _| d.splice_title(Lang::En, 0, 5, "Final").unwrap(),
            allowed: &["ar-chair", "sec"], refused_by: Rule::Title, comment: false },
        Case { name: "bold text", action: |d, b, _| d.set_format(&b.p1, Lang::En, 0, 5, Format::Strong, true).unwrap(),
            allowed: &["ar-chair", "sec"], refused_by: Rule::DirectEdit, comment: false },
        Case { name: "propose in an agreed paragraph", action: |d, b, l| drop(d.suggest_insert(&b.p3, Lang::En, 0, "Not ", &stamp(l)).unwrap()),
            allowed: &["ar-chair"], refused_by: Rule::AgreedFrozen, comment: false },
        Case { name: "open a comment thread", action: |d, b, l| drop(d.create_thread(&b.p1, Lang::Es, 0, 5, "Una pregunta", &stamp(l)).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec", "iom"], refused_by: Rule::CommentAuthor, comment: true },
        Case { name: "comment on an agreed paragraph", action: |d, b, l| drop(d.create_thread(&b.p3, Lang::En, 0, 6, "Noted", &stamp(l)).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec", "iom"], refused_by: Rule::CommentAuthor, comment: true },
        Case { name: "reply", action: |d, b, l| drop(d.reply(&b.thread, "Agreed.", &stamp(l)).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec", "iom"], refused_by: Rule::CommentAuthor, comment: true },
        Case { name: "edit Mexico's comment", action: |d, b, _| { let m = d.view().thread(&b.thread).unwrap().messages[0].id.clone(); d.edit_message(&b.thread, &m, "Why?").unwrap(); },
            allowed: &["mx"], refused_by: Rule::CommentEdit, comment: true },
        Case { name: "resolve Mexico's thread", action: |d, b, _| d.resolve_thread(&b.thread).unwrap(),
            allowed: &["mx", "mx2", "ar-chair", "sec"], refused_by: Rule::ThreadResolve, comment: true },
    ]
}

/// Every role against every kind of change: allowed ones pass, the others are refused by
/// the rule that governs them (admins: no rights; observers: comments only).
#[test]
fn role_by_action_matrix() {
    let b = base();
    let mut failures = Vec::new();
    for case in cases() {
        for (login, role, _) in PERSONAS {
            let got = run(&b, login, case.action);
            let expected = if case.allowed.contains(&login) {
                Ok(())
            } else if role == Role::Admin {
                Err(Rule::NoDocumentRights)
            } else if role == Role::Observer && !case.comment {
                Err(Rule::ObserverCommentsOnly)
            } else {
                Err(case.refused_by)
            };
            if got != expected {
                failures.push(format!("{} by {login}: expected {expected:?}, got {got:?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

fn forged(b: &Base, login: &str, forge: fn(&mut AutoCommit, &Base)) -> Result<(), Rule> {
    let mut doc = AutoCommit::load(&b.bytes).unwrap().with_actor(ActorId::random());
    let heads = doc.get_heads();
    forge(&mut doc, b);
    doc.commit();
    let changes = doc.get_changes(&heads);
    let before = AutoCommit::load(&b.bytes).unwrap();
    check_on_copy(&before, &changes, &who(login)).map(drop).map_err(|v| v.rule)
}

fn text_obj(doc: &AutoCommit, p: &ParagraphId, lang: &str) -> pluma_core::automerge::ObjId {
    let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
    let (_, pm) = doc.get(&ps, p.as_str()).unwrap().unwrap();
    let (_, t) = doc.get(&pm, "text").unwrap().unwrap();
    doc.get(&t, lang).unwrap().unwrap().1
}

fn value(user: &str, actor: &ActorId) -> String {
    TrackMarkValue { id: "sforged".parse().unwrap(), user: user.parse().unwrap(), at: 1, actor: Some(actor.to_hex_string()), seen: None }.to_json()
}

/// Forged changes that no browser of ours makes are refused with a precise rule.
#[test]
fn forged_changes_are_refused() {
    let b = base();
    // Mexico's delegate inserts text marked as Brazil's proposal.
    let r = forged(&b, "mx", |doc, b| {
        let t = text_obj(doc, &b.p1, "en");
        doc.splice_text(&t, 0, 0, "X").unwrap();
        let v = value("u-mx", &doc.get_actor().clone());
        doc.mark(&t, Mark::new("ins:BR".into(), v, 0, 1), ExpandMark::None).unwrap();
    });
    assert_eq!(r, Err(Rule::ProposalCountry));
    // ... or as Mexico's proposal by another person.
    let r = forged(&b, "mx", |doc, b| {
        let t = text_obj(doc, &b.p1, "en");
        doc.splice_text(&t, 0, 0, "X").unwrap();
        let v = value("u-mx2", &doc.get_actor().clone());
        doc.mark(&t, Mark::new("ins:MX".into(), v, 0, 1), ExpandMark::None).unwrap();
    });
    assert_eq!(r, Err(Rule::ProposalAuthor));
    // Marks Mexico's proposed words as the United States' insertion, naming Mexico's actor.
    let r = forged(&b, "us", |doc, b| {
        let t = text_obj(doc, &b.p1, "en");
        let mexico = doc.get_cursor(&t, 9, None).unwrap().to_string();
        let mexico = ActorId::try_from(mexico.split_once('@').unwrap().1).unwrap();
        let v = value("u-us", &mexico);
        doc.mark(&t, Mark::new("ins:US".into(), v, 9, 14), ExpandMark::None).unwrap();
    });
    assert_eq!(r, Err(Rule::ProposalCountry));
    // Mexico accepts its own proposal by removing the mark.
    let r = forged(&b, "mx", |doc, b| {
        let t = text_obj(doc, &b.p1, "en");
        doc.unmark(&t, "ins:MX", 0, doc.length(&t), ExpandMark::None).unwrap();
    });
    assert_eq!(r, Err(Rule::AcceptReject));
    // A comment in the United States' name by Mexico.
    let r = forged(&b, "mx", |doc, b| {
        let (_, threads) = doc.get(ROOT, "threads").unwrap().unwrap();
        let (_, t) = doc.get(&threads, b.thread.as_str()).unwrap().unwrap();
        let (_, msgs) = doc.get(&t, "messages").unwrap().unwrap();
        let m = doc.insert_object(&msgs, 1, pluma_core::automerge::ObjType::Map).unwrap();
        for (k, v) in [("id", "mforged"), ("user", "u-us"), ("country", "US"), ("body", "We object")] {
            doc.put(&m, k, v).unwrap();
        }
        doc.put(&m, "at", 1).unwrap();
    });
    assert_eq!(r, Err(Rule::CommentAuthor));
    // Unknown keys at the root, anyone.
    assert_eq!(forged(&b, "ar-chair", |doc, _| doc.put(ROOT, "approved", true).unwrap()), Err(Rule::Schema));
    // A paragraph's text replaced by a plain string.
    let r = forged(&b, "ar-chair", |doc, b| {
        let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
        let (_, pm) = doc.get(&ps, b.p1.as_str()).unwrap().unwrap();
        let (_, t) = doc.get(&pm, "text").unwrap().unwrap();
        doc.put(&t, "en", "flattened").unwrap();
    });
    assert_eq!(r, Err(Rule::Schema));
    // Removing a thread.
    let r = forged(&b, "ar-chair", |doc, b| {
        let (_, threads) = doc.get(ROOT, "threads").unwrap().unwrap();
        doc.delete(&threads, b.thread.as_str()).unwrap();
    });
    assert_eq!(r, Err(Rule::ThreadImmutable));
    // An unknown mark name.
    let r = forged(&b, "ar-chair", |doc, b| {
        let t = text_obj(doc, &b.p1, "en");
        doc.mark(&t, Mark::new("highlight".into(), true, 0, 3), ExpandMark::None).unwrap();
    });
    assert_eq!(r, Err(Rule::Schema));
}


/// An allowed change comes with a summary of what it did, for the audit log.
#[test]
fn allowed_changes_are_summarised() {
    let b = base();
    let mut d = Draft::load(&b.bytes).unwrap();
    d.set_actor(ActorId::random());
    let heads = d.heads();
    let mx = suggestion(&mut d, "MX");
    let ar = suggestion(&mut d, "AR");
    d.accept(&Selection::Ids(vec![mx])).unwrap();
    d.reject(&Selection::Ids(vec![ar])).unwrap();
    d.set_status(&b.p1, Status::AgreedAdRef).unwrap();
    d.reply(&b.thread, "Accepted.", &stamp("ar-chair")).unwrap();
    d.commit();
    let before = AutoCommit::load(&b.bytes).unwrap();
    let (_, summary) = check_on_copy(&before, &d.changes_since(&heads), &who("ar-chair")).unwrap();
    let p1 = b.p1.clone();
    let expected = [
        Event::ProposalAccepted { paragraph: p1.clone(), lang: Lang::En, country: "MX".parse().unwrap(), kind: pluma_core::SuggestionKind::Insert },
        Event::ProposalRejected { paragraph: p1.clone(), lang: Lang::En, country: "AR".parse().unwrap(), kind: pluma_core::SuggestionKind::Delete },
        Event::StatusChanged { paragraph: p1, from: Status::Open, to: Status::AgreedAdRef },
        Event::CommentAdded { thread: b.thread.clone() },
    ];
    for e in &expected {
        assert!(summary.events.contains(e), "missing {e:?} in {:?}", summary.events);
    }
    assert_eq!(summary.events.len(), expected.len(), "{:?}", summary.events);
}
