//! Random positions, lengths and ids give precise errors, never panics, and a refused
//! operation leaves the draft as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, stamp};
use pluma_core::{DraftError, Format, Lang, ParagraphId, Selection};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Call {
    Splice(usize, usize, String),
    SuggestInsert(usize, String),
    SuggestDelete(usize, usize),
    Format(usize, usize, bool),
    Thread(usize, usize),
    Move(usize),
    Insert(usize),
}

fn call() -> impl Strategy<Value = Call> {
    let n = prop_oneof![0usize..40, any::<usize>()];
    prop_oneof![
        (n.clone(), n.clone(), ".{0,3}").prop_map(|(a, b, t)| Call::Splice(a, b, t)),
        (n.clone(), ".{0,3}").prop_map(|(a, t)| Call::SuggestInsert(a, t)),
        (n.clone(), n.clone()).prop_map(|(a, b)| Call::SuggestDelete(a, b)),
        (n.clone(), n.clone(), any::<bool>()).prop_map(|(a, b, on)| Call::Format(a, b, on)),
        (n.clone(), n.clone()).prop_map(|(a, b)| Call::Thread(a, b)),
        n.clone().prop_map(Call::Move),
        n.prop_map(Call::Insert),
    ]
}

proptest! {
    /// Any position or length, valid or not, is answered with Ok or a precise error.
    #[test]
    fn random_positions_never_panic(calls in proptest::collection::vec((call(), any::<bool>(), any::<bool>()), 1..40)) {
        let (mut d, p) = one_paragraph("Agree to cooperate.", "Acuerdan cooperar.");
        for (c, es, real) in calls {
            let l = if es { Lang::Es } else { Lang::En };
            let id = if real { p.clone() } else { "pmissing".parse::<ParagraphId>().unwrap() };
            let before = d.text(&p, l).unwrap();
            let r: Result<(), DraftError> = match c {
                Call::Splice(a, b, t) => d.splice(&id, l, a, b, &t),
                Call::SuggestInsert(a, t) => d.suggest_insert(&id, l, a, &t, &stamp("MX")).map(drop),
                Call::SuggestDelete(a, b) => d.suggest_delete(&id, l, a, b, &stamp("AR")).map(drop),
                Call::Format(a, b, on) => d.set_format(&id, l, a, b, Format::Strong, on),
                Call::Thread(a, b) => d.create_thread(&id, l, a, b, "x", &stamp("US")).map(drop),
                Call::Move(i) => d.move_paragraph(&id, i),
                Call::Insert(i) => d.insert_paragraph(i, fixtures::para(pluma_core::ParagraphKind::Operative, "x")).map(drop),
            };
            match r {
                Ok(()) => {}
                Err(DraftError::OutOfRange { .. } | DraftError::EmptyRange { .. } | DraftError::IndexOutOfRange { .. } | DraftError::UnknownParagraph(_)) => {
                    prop_assert_eq!(d.text(&p, l).unwrap(), before);
                }
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }
        let mut copy = d.fork();
        copy.accept(&Selection::All).unwrap();
        d.reject(&Selection::All).unwrap();
    }
}
