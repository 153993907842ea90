//! The rules judge a text from what the changes' operations did to it when those only
//! inserted characters and marked nothing else (the usual proposal), and compare the text
//! before and after otherwise. Over random negotiations (proposals, direct edits,
//! formatting, acceptances, rejections and forged marks, by every kind of person), both ways
//! must reach the same verdict, with the same events.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/permission_cases.rs"]
mod permission_cases;

use permission_cases::{Cast, PERSONAS, base};
use pluma_core::automerge::marks::{ExpandMark, Mark};
use pluma_core::automerge::transaction::Transactable;
use pluma_core::automerge::{ActorId, AutoCommit, ROOT, ReadDoc};
use pluma_core::rules::{Summary, Violation, apply_untrusted, check, check_thoroughly};
use pluma_core::schema::TrackMarkValue;
use pluma_core::{Draft, Format, Lang, Selection};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Act {
    SuggestInsert {
        at: u16,
        text: String,
    },
    SuggestDelete {
        at: u16,
        len: u8,
    },
    Splice {
        at: u16,
        del: u8,
        text: String,
    },
    Bold {
        at: u16,
        len: u8,
    },
    Accept,
    Reject,
    /// Inserts text and marks it (or text around it) as a proposal of `country`.
    ForgedMark {
        at: u16,
        text: String,
        country: &'static str,
        reach: u8,
    },
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => (0..=1000u16, "[a-z ]{1,5}").prop_map(|(at, text)| Act::SuggestInsert { at, text }),
        2 => (0..=1000u16, 1..5u8).prop_map(|(at, len)| Act::SuggestDelete { at, len }),
        2 => (0..=1000u16, 0..3u8, "[a-z ]{0,4}").prop_map(|(at, del, text)| Act::Splice { at, del, text }),
        1 => (0..=1000u16, 1..5u8).prop_map(|(at, len)| Act::Bold { at, len }),
        1 => Just(Act::Accept),
        1 => Just(Act::Reject),
        1 => (0..=1000u16, "[a-z]{1,3}", prop::sample::select(vec!["MX", "AR", "US"]), 0..3u8)
            .prop_map(|(at, text, country, reach)| Act::ForgedMark { at, text, country, reach }),
    ]
}

fn at(fraction: u16, len: usize) -> usize {
    len * usize::from(fraction) / 1000
}

/// Does `act` as `login` on a replica of `bytes`; the changes it made (none if the action
/// itself failed, e.g. a deletion over another country's proposal).
fn changes_of(bytes: &[u8], p: &pluma_core::ParagraphId, cast: &Cast, login: &str, act: &Act) -> Vec<pluma_core::automerge::Change> {
    let stamp = cast.stamp(login);
    let mut d = Draft::load(bytes).unwrap();
    d.set_actor(ActorId::random());
    let heads = d.heads();
    let len = d.text_len(p, Lang::En).unwrap();
    let done = match act {
        Act::SuggestInsert { at: f, text } => d.suggest_insert(p, Lang::En, at(*f, len), text, &stamp).map(drop),
        Act::SuggestDelete { at: f, len: n } => {
            let s = at(*f, len);
            d.suggest_delete(p, Lang::En, s, (s + usize::from(*n)).min(len), &stamp).map(drop)
        }
        Act::Splice { at: f, del, text } => {
            let s = at(*f, len);
            d.splice(p, Lang::En, s, usize::from(*del).min(len - s), text)
        }
        Act::Bold { at: f, len: n } => {
            let s = at(*f, len);
            d.set_format(p, Lang::En, s, (s + usize::from(*n)).min(len), Format::Strong, true)
        }
        Act::Accept => d.accept(&Selection::All).map(drop),
        Act::Reject => d.reject(&Selection::All).map(drop),
        Act::ForgedMark { at: f, text, country, reach } => {
            let doc: &mut AutoCommit = d.automerge_mut();
            let (_, ps) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
            let (_, pm) = doc.get(&ps, p.as_str()).unwrap().unwrap();
            let (_, texts) = doc.get(&pm, "text").unwrap().unwrap();
            let (_, obj) = doc.get(&texts, "en").unwrap().unwrap();
            let s = at(*f, len);
            doc.splice_text(&obj, s, 0, text).unwrap();
            let actor = doc.get_actor().to_hex_string();
            let value = TrackMarkValue { id: "sforged".parse().unwrap(), user: stamp.user.clone(), at: 1, actor: Some(actor), seen: None }
                .to_json();
            // `reach` characters beyond the inserted ones, on either side.
            let start = s.saturating_sub(usize::from(*reach));
            let end = (s + text.chars().count() + usize::from(*reach)).min(len + text.chars().count());
            doc.mark(&obj, Mark::new(format!("ins:{country}"), value, start, end), ExpandMark::None).map_err(Into::into)
        }
    };
    if done.is_err() {
        return Vec::new();
    }
    d.commit();
    d.changes_since(&heads)
}

type Verdict = Result<Summary, (pluma_core::rules::Rule, Option<pluma_core::ParagraphId>, Option<pluma_core::Country>)>;

fn gist(v: Result<Summary, Violation>) -> Verdict {
    v.map_err(|v| (v.rule, v.paragraph, v.country))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_shortcut_and_the_thorough_way_agree(
        steps in prop::collection::vec((prop::sample::select(PERSONAS.iter().map(|p| p.0).collect::<Vec<_>>()), act()), 1..12),
    ) {
        let cast = Cast::fixed();
        let b = base(&cast);
        let mut doc = AutoCommit::load(&b.bytes).unwrap();
        for (login, act) in steps {
            let changes = changes_of(&doc.save(), &b.p1, &cast, login, &act);
            if changes.is_empty() {
                continue;
            }
            let mut after = doc.clone();
            let heads = after.get_heads();
            apply_untrusted(&mut after, &changes).unwrap();
            let who = cast.who(login);
            let quick = gist(check(&after, &heads, &changes, &who));
            let thorough = gist(check_thoroughly(&after, &heads, &changes, &who));
            prop_assert_eq!(&quick, &thorough, "{} doing {:?}", login, act);
            if quick.is_ok() {
                doc = after;
            }
        }
    }
}
