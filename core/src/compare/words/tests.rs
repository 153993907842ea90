use super::*;

fn texts(d: &WordDiff, old: &str, new: &str) -> Vec<(String, String)> {
    let o: Vec<char> = old.chars().collect();
    let n: Vec<char> = new.chars().collect();
    d.hunks
        .iter()
        .filter_map(|h| match h {
            Hunk::Change { old: a, new: b, .. } => Some((o[d.old_chars(a)].iter().collect(), n[d.new_chars(b)].iter().collect())),
            Hunk::Equal { .. } => None,
        })
        .collect()
}

#[test]
fn accents_and_punctuation_stay_in_their_tokens() {
    let t = tokenize("¿Está la migración, ya?");
    let words: Vec<&str> = t.iter().map(|t| &"¿Está la migración, ya?"[t.bytes.clone()]).collect();
    assert_eq!(words, vec!["¿", "Está", " ", "la", " ", "migración", ",", " ", "ya", "?"]);
    // A decomposed accent (e + U+0301) stays inside its word.
    let d = tokenize("está");
    assert_eq!(d.len(), 1);
}

#[test]
fn a_comma_change_is_only_the_comma() {
    let (a, b) = ("los migrantes, y", "los migrantes y");
    let d = diff(a, b);
    assert_eq!(texts(&d, a, b), vec![(",".to_owned(), String::new())]);
}

#[test]
fn whitespace_differences_are_no_change() {
    let d = diff("a  b\tc", "a b c");
    assert!(d.hunks.iter().all(|h| matches!(h, Hunk::Equal { .. })));
}

#[test]
fn replaced_words_make_one_hunk() {
    let (a, b) = ("we note the report today", "we welcome this plan today");
    let d = diff(a, b);
    assert_eq!(texts(&d, a, b), vec![("note the report".to_owned(), "welcome this plan".to_owned())]);
}

/// Checks that the hunks tile both token lists in order and equal hunks hold equal tokens.
fn tiles(d: &WordDiff, old: &str, new: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let (mut o_at, mut n_at) = (0, 0);
    for h in &d.hunks {
        let (o, n) = match h {
            Hunk::Equal { old: o, new: n } => {
                proptest::prop_assert_eq!(o.len(), n.len());
                for (i, j) in o.clone().zip(n.clone()) {
                    proptest::prop_assert_eq!(key(old, &d.old[i]), key(new, &d.new[j]));
                }
                (o, n)
            }
            Hunk::Change { old: o, new: n, .. } => {
                proptest::prop_assert!(!(o.is_empty() && n.is_empty()));
                (o, n)
            }
        };
        proptest::prop_assert_eq!((o.start, n.start), (o_at, n_at), "{:?}", d.hunks);
        (o_at, n_at) = (o.end, n.end);
    }
    proptest::prop_assert_eq!((o_at, n_at), (d.old.len(), d.new.len()));
    // Together the tokens spell each text.
    let spelled = |tokens: &[Token], text: &str| tokens.iter().map(|t| &text[t.bytes.clone()]).collect::<String>();
    proptest::prop_assert_eq!(spelled(&d.old, old), old);
    proptest::prop_assert_eq!(spelled(&d.new, new), new);
    Ok(())
}

proptest::proptest! {
    #[test]
    fn hunks_tile_both_texts(
        old in "((la|de|migración|rights|safe|,|\\.|¿|  | )( |, )?){0,30}",
        new in "((la|de|migración|rights|safe|,|\\.|¿|  | )( |, )?){0,30}",
    ) {
        tiles(&diff(&old, &new), &old, &new)?;
    }

    /// One edit in a long text: the shared start and end are kept whole, the rest as tokens.
    #[test]
    fn one_edit_in_a_long_text_tiles(
        old in "((la|de|migración|rights|safe|,|\\.|¿|  | )( |, )?){20,80}",
        at in 0..1000usize,
        del in 0..12usize,
        put in "( ?(nueva|regular|,|\\.| )){0,4}",
    ) {
        let chars: Vec<char> = old.chars().collect();
        let at = at * chars.len() / 1000;
        let del = del.min(chars.len() - at);
        let new: String = chars[..at].iter().chain(put.chars().collect::<Vec<_>>().iter()).chain(chars[at + del..].iter()).collect();
        tiles(&diff(&old, &new), &old, &new)?;
    }
}

#[test]
fn a_moved_sentence_is_flagged() {
    let (a, b) = ("First point. Second point here. Third.", "Second point here. First point. Third.");
    let d = diff(a, b);
    let moved = d.hunks.iter().filter(|h| matches!(h, Hunk::Change { moved: true, .. })).count();
    assert!(moved >= 2, "{:?}", d.hunks);
}
