//! Direct edits check their positions against the text's length, which a run of direct
//! edits remembers instead of asking automerge each time. Whatever else happens between
//! two direct edits (proposals, a reject, changes merged from another replica, the other
//! language), the length a direct edit checks against must be the text's true length.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{one_paragraph, stamp};
use pluma_core::{DraftError, Lang, Selection};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// A direct edit at a fraction (per mille) of the text, deleting up to `del` characters.
    Splice { at: u16, del: u8, text: String, lang_es: bool },
    /// A proposal to insert, by Peru.
    SuggestInsert { at: u16, text: String },
    /// A proposal to delete, by Chile.
    SuggestDelete { at: u16, len: u8 },
    /// Every pending proposal rejected.
    RejectAll,
    /// Another replica edits the same text directly, and its change is merged here.
    MergeRemote { at: u16, text: String },
}

fn step() -> impl Strategy<Value = Step> {
    let text = "[a-zé ]{0,6}";
    prop_oneof![
        4 => (0..=1000u16, 0..4u8, text, any::<bool>())
            .prop_map(|(at, del, text, lang_es)| Step::Splice { at, del, text, lang_es }),
        1 => (0..=1000u16, "[a-z]{1,4}").prop_map(|(at, text)| Step::SuggestInsert { at, text }),
        1 => (0..=1000u16, 1..4u8).prop_map(|(at, len)| Step::SuggestDelete { at, len }),
        1 => Just(Step::RejectAll),
        1 => (0..=1000u16, "[a-z]{1,5}").prop_map(|(at, text)| Step::MergeRemote { at, text }),
    ]
}

fn at(fraction: u16, len: usize) -> usize {
    len * usize::from(fraction) / 1000
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_direct_edit_always_checks_against_the_true_length(
        steps in prop::collection::vec((step(), prop::bool::weighted(0.3)), 1..40),
    ) {
        let (mut d, p) = one_paragraph("Recognizing the contributions", "Reconociendo los aportes");
        for (s, verify) in steps {
            match s {
                Step::Splice { at: f, del, text, lang_es } => {
                    let lang = if lang_es { Lang::Es } else { Lang::En };
                    let len = d.text_len(&p, lang).unwrap();
                    let pos = at(f, len);
                    let del = usize::from(del).min(len - pos);
                    d.splice(&p, lang, pos, del, &text).unwrap();
                }
                Step::SuggestInsert { at: f, text } => {
                    let len = d.text_len(&p, Lang::En).unwrap();
                    d.suggest_insert(&p, Lang::En, at(f, len), &text, &stamp("PE")).unwrap();
                }
                Step::SuggestDelete { at: f, len: n } => {
                    let len = d.text_len(&p, Lang::En).unwrap();
                    let start = at(f, len);
                    let end = (start + usize::from(n)).min(len);
                    if start < end {
                        // Deleting over another country's proposal is refused; that is fine here.
                        let _ = d.suggest_delete(&p, Lang::En, start, end, &stamp("CL"));
                    }
                }
                Step::RejectAll => {
                    d.reject(&Selection::All).unwrap();
                }
                Step::MergeRemote { at: f, text } => {
                    let mut other = d.fork();
                    let len = other.text_len(&p, Lang::En).unwrap();
                    other.splice(&p, Lang::En, at(f, len), 0, &text).unwrap();
                    other.commit();
                    d.merge(&mut other).unwrap();
                }
            }
            // Verifying is itself a run of direct edits, so it is done after some steps only:
            // between two verifications, direct edits and other steps mix freely.
            if !verify {
                continue;
            }
            // The true length, from the text itself.
            for lang in [Lang::En, Lang::Es] {
                let len = d.text(&p, lang).unwrap().chars().count();
                // Editing at the very end is allowed, one past it is refused with the true length.
                d.splice(&p, lang, len, 0, "").unwrap();
                let refused = d.splice(&p, lang, len + 1, 0, "x");
                prop_assert!(
                    matches!(refused, Err(DraftError::OutOfRange { len: l, .. }) if l == len),
                    "{lang:?}: expected out of range at {}, got {refused:?}", len + 1
                );
                let refused = d.splice(&p, lang, len, 1, "");
                prop_assert!(matches!(refused, Err(DraftError::OutOfRange { .. })), "{refused:?}");
            }
        }
    }
}
