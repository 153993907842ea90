//! The permission cases shared with the web client (`data/permission-cases.json`), checked
//! against the core's rules: every person of the file makes every case's change for real
//! (on a replica of a draft set up as the case says) and the rules must allow exactly the
//! people the case allows. The client's permission module
//! (`client/src/logic/permissions.ts`) is tested on the same file, so the two cannot drift.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value as AmValue};
use pluma_core::rules::{Role, Who, check_on_copy};
use pluma_core::{
    AlternativeId, Bilingual, Country, Draft, DraftKind, Lang, NewParagraph, ParagraphId, ParagraphKind, ProposalKind, Selection, Stamp,
    Status, SuggestionId, SuggestionKind, ThreadId,
};
use serde_json::Value;

const CASES: &str = include_str!("../../data/permission-cases.json");

/// A person of the file.
struct Person {
    login: String,
    role: Role,
    country: Option<String>,
}

impl Person {
    fn who(&self) -> Who {
        Who {
            user: format!("u-{}", self.login).parse().unwrap(),
            role: self.role,
            country: self.country.as_ref().map(|c| c.parse().unwrap()),
        }
    }

    /// Their delegation as a proposal or sponsor names it (`XX` for an administrator, who has none).
    fn country(&self) -> Country {
        self.country.as_deref().unwrap_or("XX").parse().unwrap()
    }

    fn stamp(&self) -> Stamp {
        Stamp { user: format!("u-{}", self.login).parse().unwrap(), country: self.country(), at: 1 }
    }
}

/// A colleague of `country`'s delegation: proposals and threads of a country are the
/// country's, whoever of it made them.
fn colleague(country: &str) -> Stamp {
    Stamp { user: format!("u-{}-colleague", country.to_lowercase()).parse().unwrap(), country: country.parse().unwrap(), at: 1 }
}

fn status(s: &str) -> Status {
    s.parse().unwrap()
}

/// The draft a case starts from, saved, and the parts it acts on.
struct Base {
    bytes: Vec<u8>,
    /// The paragraph acted on (for a proposed new paragraph, that paragraph).
    p: ParagraphId,
    /// The paragraph after it, where moves go.
    q: ParagraphId,
    thread: Option<ThreadId>,
    alt: Option<AlternativeId>,
}

fn operative(text: &str) -> NewParagraph {
    NewParagraph {
        kind: ParagraphKind::Operative,
        section: None,
        editors: Vec::new(),
        text: Bilingual { en: text.into(), es: text.into() },
    }
}

/// Writes a paragraph proposal as the web client does, with no check of the draft's own
/// (a chair may propose on an agreed paragraph): the record in the paragraph's `proposals`
/// and, for a move, the order's entry after `after`.
fn raw_proposal(d: &mut Draft, p: &ParagraphId, kind: &str, by: &Stamp, after: Option<&ParagraphId>) -> Option<()> {
    let id = SuggestionId::for_country(&by.country);
    let doc = d.automerge_mut();
    let (_, paragraphs) = doc.get(ROOT, "paragraphs").ok()??;
    let (_, para) = doc.get(&paragraphs, p.as_str()).ok()??;
    let map = match doc.get(&para, "proposals").ok()? {
        Some((_, m)) => m,
        None => doc.put_object(&para, "proposals", ObjType::Map).ok()?,
    };
    let entry = doc.put_object(&map, id.as_str(), ObjType::Map).ok()?;
    doc.put(&entry, "kind", kind).ok()?;
    doc.put(&entry, "country", by.country.as_str()).ok()?;
    doc.put(&entry, "user", by.user.as_str()).ok()?;
    doc.put(&entry, "at", ScalarValue::Int(by.at)).ok()?;
    if let Some(a) = after {
        let (_, order) = doc.get(ROOT, "order").ok()??;
        let at = (0..doc.length(&order)).find(|i| {
            matches!(doc.get(&order, *i), Ok(Some((AmValue::Scalar(v), _))) if matches!(v.as_ref(), ScalarValue::Str(x) if x.as_str() == a.as_str()))
        })?;
        doc.insert(&order, at + 1, format!("{p}@{id}")).ok()?;
    }
    Some(())
}

/// One operative paragraph with the case's editors, and one after it; the case's pending
/// insertion and deletion by `proposer` (or, for an action on a paragraph proposal, its
/// proposal of the case's kind), its thread and its alternative; then the case's status.
fn base(case: &Value, proposer: Option<&str>) -> Base {
    let paragraph = &case["paragraph"];
    let editors: Vec<Country> = paragraph["editors"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().parse().unwrap()).collect();
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let text = "Agree to cooperate closely.";
    let p = d
        .insert_paragraph(
            0,
            NewParagraph { kind: ParagraphKind::Operative, section: None, editors, text: Bilingual { en: text.into(), es: text.into() } },
        )
        .unwrap();
    let q = d.insert_paragraph(1, operative("Agree to report.")).unwrap();
    d.commit();
    let mut d = Draft::load(&d.save()).unwrap();
    d.set_actor(ActorId::random());
    let mut p = p;
    let on_paragraph = case["action"].as_str().unwrap().ends_with("-paragraph-proposal");
    match proposer {
        Some(country) if on_paragraph => match case["kind"].as_str().unwrap() {
            "insert" => p = d.propose_paragraph(Some(&p), operative("Agree to share data."), &colleague(country)).unwrap().0,
            "delete" => drop(d.propose_paragraph_deletion(&p, &colleague(country)).unwrap()),
            "move" => drop(d.propose_paragraph_move(&p, Some(&q), &colleague(country)).unwrap()),
            other => panic!("no such paragraph proposal: {other}"),
        },
        Some(country) => {
            d.suggest_insert(&p, Lang::En, 8, "fully ", &colleague(country)).unwrap();
            let start = d.text(&p, Lang::En).unwrap().find("closely").unwrap();
            d.suggest_delete(&p, Lang::En, start, start + 7, &colleague(country)).unwrap();
        }
        None => {}
    }
    let thread = case["thread"].as_str().map(|opener| d.create_thread(&p, Lang::En, 0, 5, "Why *agree*?", &colleague(opener)).unwrap());
    let alt = case["alternative"].as_object().map(|a| {
        let by = colleague(a["proposer"].as_str().unwrap());
        let alt = d.propose_alternative(&p, Bilingual { en: "Agree to work together.", es: "Acuerdan trabajar juntos." }, &by).unwrap();
        for s in a["sponsors"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).filter(|s| *s != by.country.as_str()) {
            d.cosponsor_alternative(&p, &alt, &s.parse().unwrap()).unwrap();
        }
        alt
    });
    let st = status(paragraph["status"].as_str().unwrap());
    if st != Status::Open {
        d.set_status(&p, st).unwrap();
    }
    d.commit();
    Base { bytes: d.save(), p, q, thread, alt }
}

/// A change a person makes; `None` when there is nothing to do (the draft's own API
/// refuses it, or it changes nothing), which counts as refused.
type Change = Box<dyn Fn(&mut Draft, &Base) -> Option<()>>;

/// The pending proposal about a whole paragraph of `country`.
fn paragraph_proposal(d: &mut Draft, country: &Country) -> Selection {
    let p =
        d.proposals().unwrap().into_iter().find(|p| &p.country == country && p.kind != ProposalKind::Text).expect("the case's proposal");
    Selection::Ids(vec![p.id])
}

fn suggestion(d: &mut Draft, country: &Country, kind: SuggestionKind) -> Selection {
    let s = d.suggestions().unwrap().into_iter().find(|s| &s.country == country && s.kind == kind).expect("the case's proposal");
    Selection::Ids(vec![s.id])
}

/// The changes that make the case's action: every one must be judged alike.
fn changes(action: &str, case: &Value, person: &Person, proposer: Option<Country>) -> Vec<Change> {
    let stamp = person.stamp();
    let own = person.country();
    let on_both = |f: fn(&mut Draft, Selection, &Country) -> Option<()>, country: Country| -> Vec<Change> {
        [SuggestionKind::Insert, SuggestionKind::Delete]
            .into_iter()
            .map(|kind| {
                let country = country.clone();
                let own = own.clone();
                Box::new(move |d: &mut Draft, _: &Base| {
                    let selection = suggestion(d, &country, kind);
                    f(d, selection, &own)
                }) as Change
            })
            .collect()
    };
    match action {
        "propose" => {
            let s2 = stamp.clone();
            vec![
                Box::new(move |d, b| d.suggest_insert(&b.p, Lang::En, 0, "We ", &stamp).ok().map(drop)),
                Box::new(move |d, b| d.suggest_delete(&b.p, Lang::En, 0, 5, &s2).ok().map(drop)),
            ]
        }
        "edit-directly" => {
            vec![Box::new(|d, b| d.splice(&b.p, Lang::En, 0, 0, "We ").ok()), Box::new(|d, b| d.splice(&b.p, Lang::Es, 0, 6, "").ok())]
        }
        "accept" => on_both(|d, s, _| d.accept(&s).ok().map(drop), proposer.unwrap()),
        "reject" => on_both(|d, s, _| d.reject(&s).ok().map(drop), proposer.unwrap()),
        "withdraw" => on_both(|d, s, own| d.withdraw(own, &s).ok().map(drop), proposer.unwrap()),
        "comment" => vec![Box::new(move |d, b| d.create_thread(&b.p, Lang::Es, 0, 5, "Una pregunta", &stamp).ok().map(drop))],
        "reply" => vec![Box::new(move |d, b| d.reply(b.thread.as_ref().unwrap(), "Agreed.", &stamp).ok().map(drop))],
        "resolve" => vec![Box::new(|d, b| d.resolve_thread(b.thread.as_ref().unwrap()).ok())],
        "set-status" => {
            let to =
                if status(case["paragraph"]["status"].as_str().unwrap()) == Status::Bracketed { Status::Open } else { Status::Bracketed };
            vec![Box::new(move |d, b| d.set_status(&b.p, to).ok())]
        }
        "confirm-concordance" => vec![Box::new(|d, b| d.confirm_concordance(&b.p).ok())],
        "propose-alternative" => {
            vec![Box::new(move |d, b| d.propose_alternative(&b.p, Bilingual { en: "Agree.", es: "Acuerdan." }, &stamp).ok().map(drop))]
        }
        "cosponsor-alternative" => vec![Box::new(move |d, b| d.cosponsor_alternative(&b.p, b.alt.as_ref().unwrap(), &own).ok())],
        "leave-sponsorship" => vec![Box::new(move |d, b| d.withdraw_sponsorship(&b.p, b.alt.as_ref().unwrap(), &own).ok())],
        "adopt-alternative" => vec![Box::new(|d, b| d.adopt_alternative(&b.p, b.alt.as_ref().unwrap()).ok())],
        "propose-new-paragraph" => {
            vec![Box::new(move |d, b| d.propose_paragraph(Some(&b.p), operative("Agree to meet again."), &stamp).ok().map(drop))]
        }
        "propose-paragraph-deletion" => vec![Box::new(move |d, b| raw_proposal(d, &b.p, "delete", &stamp, None))],
        "propose-paragraph-move" => vec![Box::new(move |d, b| raw_proposal(d, &b.p, "move", &stamp, Some(&b.q)))],
        "accept-paragraph-proposal" | "reject-paragraph-proposal" | "withdraw-paragraph-proposal" => {
            let country = proposer.unwrap();
            let action = action.to_owned();
            vec![Box::new(move |d: &mut Draft, _: &Base| {
                let selection = paragraph_proposal(d, &country);
                match action.as_str() {
                    "accept-paragraph-proposal" => d.accept(&selection).ok().map(drop),
                    "reject-paragraph-proposal" => d.reject(&selection).ok().map(drop),
                    _ => d.withdraw(&own, &selection).ok().map(drop),
                }
            })]
        }
        "add-paragraph" => vec![Box::new(|d, _| d.insert_paragraph(1, operative("Agree to close.")).ok().map(drop))],
        "remove-paragraph" => vec![Box::new(|d, b| d.delete_paragraph(&b.p).ok())],
        "reorder" => vec![Box::new(|d, b| d.move_paragraph(&b.p, 1).ok())],
        other => panic!("no such action in the shared cases: {other}"),
    }
}

/// Whether the rules let `person` make `change` to the base draft.
fn allowed(b: &Base, person: &Person, change: &Change) -> bool {
    let mut d = Draft::load(&b.bytes).unwrap();
    d.set_actor(ActorId::random());
    let heads = d.heads();
    if change(&mut d, b).is_none() {
        return false;
    }
    let changes = d.changes_since(&heads);
    if changes.is_empty() {
        return false;
    }
    check_on_copy(&AutoCommit::load(&b.bytes).unwrap(), &changes, &person.who()).is_ok()
}

/// Every person of the file, making every case's change, is allowed exactly when the case
/// says so: the web client's permission module answers these same cases.
#[test]
fn the_rules_allow_what_the_shared_cases_allow() {
    let file: Value = serde_json::from_str(CASES).unwrap();
    let people: Vec<Person> = file["people"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(login, p)| Person {
            login: login.clone(),
            role: serde_json::from_value(p["role"].clone()).unwrap(),
            country: p["country"].as_str().map(str::to_owned),
        })
        .collect();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() > 30, "the shared cases are read");
    let mut wrong = Vec::new();
    for case in cases {
        let action = case["action"].as_str().unwrap();
        let allowed_people: Vec<&str> = case["allowed"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        for person in &people {
            let proposer = match case["proposal"].as_str() {
                Some("own") => Some(person.country()),
                Some(c) => Some(c.parse().unwrap()),
                None => None,
            };
            let b = base(case, proposer.as_ref().map(Country::as_str));
            let expected = allowed_people.contains(&person.login.as_str());
            let verdicts: Vec<bool> = changes(action, case, person, proposer).iter().map(|c| allowed(&b, person, c)).collect();
            if verdicts.iter().any(|v| *v != expected) {
                wrong.push(format!(
                    "{action} {} by {}: expected {}, the rules said {verdicts:?}",
                    case["paragraph"],
                    person.login,
                    if expected { "allowed" } else { "refused" }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{} cases judged otherwise by the rules:\n{}", wrong.len(), wrong.join("\n"));
}
