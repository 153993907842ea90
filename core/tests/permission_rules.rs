//! The permission rules, table-driven: every role against every kind of change, allowed and
//! refused, with the rule that refuses it.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/permission_cases.rs"]
mod permission_cases;

use permission_cases::{Action, Base, Cast, PERSONAS, base, cases};
use pluma_core::automerge::marks::{ExpandMark, Mark};
use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{ActorId, AutoCommit, ROOT, ReadDoc};
use pluma_core::rules::{Event, Rule, Who, check_on_copy, check_thoroughly};
use pluma_core::schema::TrackMarkValue;
use pluma_core::{Draft, Lang, ParagraphId, Selection, Stamp, Status};

fn who(login: &str) -> Who {
    Cast::fixed().who(login)
}

fn stamp(login: &str) -> Stamp {
    Cast::fixed().stamp(login)
}

fn suggestion(d: &mut Draft, country: &str) -> pluma_core::SuggestionId {
    d.suggestions().unwrap().into_iter().find(|s| s.country.as_str() == country).unwrap().id
}

/// Runs `action` as `login` on a fresh replica and checks its changes.
fn run(b: &Base, login: &str, action: Action) -> Result<(), Rule> {
    let mut d = Draft::load(&b.bytes).unwrap();
    d.set_actor(ActorId::random());
    let heads = d.heads();
    action(&mut d, b, &stamp(login));
    let changes = d.changes_since(&heads);
    assert!(!changes.is_empty(), "the action made no change");
    judged(&b.bytes, &changes, &who(login))
}

/// The rules' verdict on `changes` to the document saved as `bytes`, after checking that
/// the rules judge the same when they read every touched text before and after.
fn judged(bytes: &[u8], changes: &[pluma_core::automerge::Change], who: &Who) -> Result<(), Rule> {
    let before = AutoCommit::load(bytes).unwrap();
    let verdict = check_on_copy(&before, changes, who).map(|(_, summary)| summary);
    let mut after = before.clone();
    let heads = after.get_heads();
    if pluma_core::rules::apply_untrusted(&mut after, changes).is_ok() {
        // Which character a refusal names may differ (the thorough way goes through a map).
        let gist = |v: &Result<pluma_core::rules::Summary, pluma_core::rules::Violation>| match v {
            Ok(summary) => Ok(summary.clone()),
            Err(v) => Err((v.rule, v.paragraph.clone(), v.country.clone())),
        };
        assert_eq!(gist(&verdict), gist(&check_thoroughly(&after, &heads, changes, who)), "the shortcut judged otherwise");
    }
    verdict.map(drop).map_err(|v| v.rule)
}

/// Every role against every kind of change: allowed ones pass, the others are refused by
/// the rule that governs them (admins: no rights; observers: comments only).
#[test]
fn role_by_action_matrix() {
    let b = base(&Cast::fixed());
    let mut failures = Vec::new();
    for case in cases() {
        for (login, _, _) in PERSONAS {
            let got = run(&b, login, case.action);
            let expected = case.expected(login);
            if got != expected {
                failures.push(format!("{} by {login}: expected {expected:?}, got {got:?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

fn forged(b: &Base, login: &str, forge: impl Fn(&mut AutoCommit, &Base)) -> Result<(), Rule> {
    let mut doc = AutoCommit::load(&b.bytes).unwrap().with_actor(ActorId::random());
    let heads = doc.get_heads();
    forge(&mut doc, b);
    doc.commit();
    let changes = doc.get_changes(&heads);
    judged(&b.bytes, &changes, &who(login))
}

fn text_obj(doc: &AutoCommit, p: &ParagraphId, lang: &str) -> pluma_core::automerge::ObjId {
    let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
    let (_, pm) = doc.get(&ps, p.as_str()).unwrap().unwrap();
    let (_, t) = doc.get(&pm, "text").unwrap().unwrap();
    doc.get(&t, lang).unwrap().unwrap().1
}

fn value(user: &str, actor: &ActorId) -> String {
    TrackMarkValue { id: "sforged".parse().unwrap(), user: user.parse().unwrap(), at: 1, actor: Some(actor.to_hex_string()), seen: None }
        .to_json()
}

/// Forged changes that no browser of ours makes are refused with a precise rule.
#[test]
fn forged_changes_are_refused() {
    let b = base(&Cast::fixed());
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
    // An insertion mark that does not carry its actor in its name (`ins:MX`), or names
    // another actor: one actor's mark could then hide a colleague's concurrent proposal.
    for name in ["ins:MX".to_owned(), format!("ins:MX:{}", ActorId::random().to_hex_string())] {
        let r = forged(&b, "mx", |doc, b| {
            let t = text_obj(doc, &b.p1, "en");
            doc.splice_text(&t, 0, 0, "X").unwrap();
            let v = value("u-mx", &doc.get_actor().clone());
            doc.mark(&t, Mark::new(name.clone(), v, 0, 1), ExpandMark::None).unwrap();
        });
        assert_eq!(r, Err(Rule::ProposalCountry));
    }
    // Mexico accepts its own proposal by removing the mark.
    let r = forged(&b, "mx", |doc, b| {
        let t = text_obj(doc, &b.p1, "en");
        let names: Vec<String> = doc.marks(&t).unwrap().iter().map(|m| m.name().to_owned()).filter(|n| n.starts_with("ins:MX")).collect();
        assert!(!names.is_empty());
        for name in names {
            doc.unmark(&t, &name, 0, doc.length(&t), ExpandMark::None).unwrap();
        }
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
    let b = base(&Cast::fixed());
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
        Event::ProposalAccepted {
            paragraph: p1.clone(),
            lang: Lang::En,
            country: "MX".parse().unwrap(),
            kind: pluma_core::SuggestionKind::Insert,
        },
        Event::ProposalRejected {
            paragraph: p1.clone(),
            lang: Lang::En,
            country: "AR".parse().unwrap(),
            kind: pluma_core::SuggestionKind::Delete,
        },
        Event::StatusChanged { paragraph: p1, from: Status::Open, to: Status::AgreedAdRef },
        Event::CommentAdded { thread: b.thread.clone() },
    ];
    for e in &expected {
        assert!(summary.events.contains(e), "missing {e:?} in {:?}", summary.events);
    }
    assert_eq!(summary.events.len(), expected.len(), "{:?}", summary.events);
}

/// Characters no text may carry (control characters other than tab and line feed,
/// U+FFFE, U+FFFF) are refused by the clean-text rule in every string a change writes:
/// a proposal, a comment, the title, a direct edit by a chair; tab and line feed pass.
#[test]
fn unclean_text_is_refused_everywhere() {
    let b = base(&Cast::fixed());
    let proposal = |d: &mut Draft, b: &Base, s: &Stamp| {
        d.suggest_insert(&b.p1, Lang::En, 0, "a\u{0}b", s).unwrap();
    };
    assert_eq!(run(&b, "mx", proposal), Err(Rule::CleanText));
    for bad in ["\u{0}", "\u{1}", "\u{b}", "\r", "\u{fffe}", "\u{ffff}"] {
        let by_mexico = forged(&b, "mx", |doc, b| {
            let t = text_obj(doc, &b.p1, "en");
            doc.splice_text(&t, 0, 0, &format!("X{bad}")).unwrap();
            let v = value("u-mx", &doc.get_actor().clone());
            let name = format!("ins:MX:{}", doc.get_actor().to_hex_string());
            doc.mark(&t, Mark::new(name, v, 0, 2), ExpandMark::None).unwrap();
        });
        assert_eq!(by_mexico, Err(Rule::CleanText), "a proposal with {bad:?}");
        let chair_title = forged(&b, "ar-chair", |doc, _| {
            let (_, title) = doc.get(ROOT, "title").unwrap().unwrap();
            let (_, en) = doc.get(&title, "en").unwrap().unwrap();
            doc.splice_text(&en, 0, 0, bad).unwrap();
        });
        assert_eq!(chair_title, Err(Rule::CleanText), "a title with {bad:?}");
    }
    let comment = |d: &mut Draft, b: &Base, s: &Stamp| {
        d.reply(&b.thread, "We object\u{fffe}.", s).unwrap();
    };
    assert_eq!(run(&b, "iom", comment), Err(Rule::CleanText));
    let tab_and_newline = |d: &mut Draft, b: &Base, s: &Stamp| {
        d.reply(&b.thread, "First point:\n\tsecond.", s).unwrap();
    };
    assert_eq!(run(&b, "iom", tab_and_newline), Ok(()));
}
