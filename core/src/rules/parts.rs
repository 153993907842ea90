//! The checks of the parts of a draft a change touched: the proposal marks it set, one
//! paragraph's fields and keys, and the state of each character of a text (who proposed
//! it, and how).

use super::*;

/// A proposal mark set by these changes: named for the acting person's country, in their
/// name, and for an insertion naming the actor of the change itself, in its name and its
/// value (see [`TrackMarkName`]). (Removals, which set
/// a null value, are judged by their effect on the text.)
pub(super) fn check_mark_op(name: &str, value: &automerge::ScalarValue, actor: &str, who: &Who) -> Result<(), Violation> {
    let Some(mark) = TrackMarkName::parse(name) else { return Ok(()) };
    let automerge::ScalarValue::Str(json) = value else { return Ok(()) };
    let Some(value) = TrackMarkValue::parse(json) else {
        return Err(schema(format!("mark {name} has a value that is not a proposal")));
    };
    if Some(&mark.country) != who.country.as_ref() {
        return Err(violation(
            Rule::ProposalCountry,
            None,
            Some(&mark.country),
            format!(
                "a proposal mark in the name of {}, by someone of {}",
                mark.country,
                who.country.as_ref().map_or("no delegation", |c| c.as_str())
            ),
        ));
    }
    if value.user != who.user {
        return Err(violation(
            Rule::ProposalAuthor,
            None,
            Some(&mark.country),
            format!("a proposal attributed to another person ({})", value.user),
        ));
    }
    if mark.kind == SuggestionKind::Insert && (value.actor.as_deref() != Some(actor) || mark.actor.as_deref() != Some(actor)) {
        return Err(violation(
            Rule::ProposalCountry,
            None,
            Some(&mark.country),
            format!("an insertion mark must be named ins:{}:{actor} and name that actor in its value", mark.country),
        ));
    }
    Ok(())
}

/// A proposal mark under an id that does not name its country continues a proposal that
/// country already has in the paragraph (made before ids named their country); any other
/// id could make one delegation's text part of another's proposal, decided with it.
pub(super) fn check_foreign_id(b: &DraftView<'_>, paragraph: &str, country: &Country, id: &crate::SuggestionId) -> Result<(), Violation> {
    let paragraph: ParagraphId = paragraph.parse().map_err(|e| schema(format!("{e}")))?;
    let existing = match b.paragraph_obj(&paragraph) {
        Ok(_) => Lang::ALL
            .into_iter()
            .map(|l| b.paragraph_suggestions(&paragraph, l))
            .collect::<crate::Result<Vec<_>>>()
            .map_err(|e| schema(e.to_string()))?
            .into_iter()
            .flatten()
            .any(|s| &s.id == id && &s.country == country),
        Err(_) => false,
    };
    if existing {
        return Ok(());
    }
    Err(violation(
        Rule::ProposalCountry,
        Some(&paragraph),
        Some(country),
        format!("a new proposal's id must name its delegation (…-{country}), not {id}"),
    ))
}

pub(crate) fn schema(detail: impl Into<String>) -> Violation {
    violation(Rule::Schema, None, None, detail)
}

pub(super) fn check_paragraph(
    b: &DraftView<'_>,
    a: &DraftView<'_>,
    id: &ParagraphId,
    touch: &Touch,
    touched: &Touched,
    who: &Who,
    summary: &mut Summary,
) -> Result<(), Violation> {
    let fields = |v: &DraftView<'_>| match v.paragraph_fields(id) {
        Ok(p) => Ok(Some(p)),
        Err(crate::DraftError::UnknownParagraph(_)) => Ok(None),
        Err(e) => Err(violation(Rule::Schema, Some(id), None, e.to_string())),
    };
    let after = fields(a)?;
    // Changes that touch only a paragraph's texts leave its fields as they were: they are
    // read once, now, rather than also at the earlier heads (which costs automerge a clock).
    let before = if touched.paragraph_fields(id.as_str()) { fields(b)? } else { after.clone() };
    let chair = who.role == Role::Chair;
    let (before, after) = match (before, after) {
        (None, None) => return Err(violation(Rule::Schema, Some(id), None, "a change to a paragraph that does not exist")),
        (None, Some(_)) => return paragraph_proposals::check_added(a, id, who, summary),
        (Some(_), None) => return paragraph_proposals::check_removed(b, id, who, summary),
        (Some(b), Some(a)) => (b, a),
    };
    if before.status == Status::Agreed && !chair {
        return Err(violation(Rule::AgreedFrozen, Some(id), None, "the paragraph is agreed; only a chair may change it"));
    }
    check_paragraph_keys(a, id)?;
    match touch {
        Touch::ParagraphField(_, field) if field == keys::P_CONCORDANCE && before.concordance != after.concordance => {
            if !who.decides() {
                return Err(violation(Rule::Concordance, Some(id), None, "only the secretariat or a chair may confirm concordance"));
            }
            summary.events.insert(Event::ConcordanceChanged { paragraph: id.clone() });
        }
        Touch::ParagraphField(_, field) if field == keys::P_CONCORDANCE => {}
        Touch::ParagraphField(_, field) if field == keys::P_ALTERNATIVES => alternatives::check_alternatives(b, a, id, who, summary)?,
        Touch::ParagraphField(_, field) if field == keys::P_PROPOSALS => paragraph_proposals::check_changed(b, a, id, who, summary)?,
        Touch::ParagraphField(_, field) if field == keys::P_TEXT => {
            return Err(violation(Rule::Schema, Some(id), None, "a paragraph's texts may be edited, not replaced"));
        }
        Touch::ParagraphField(..) | Touch::Paragraph(_) => {
            let changed = before.kind != after.kind
                || before.status != after.status
                || before.section != after.section
                || before.editors != after.editors;
            if changed && !chair {
                return Err(violation(
                    Rule::ParagraphFields,
                    Some(id),
                    None,
                    "only a chair may change a paragraph's kind, status, section or editors",
                ));
            }
            if before.status != after.status {
                summary.events.insert(Event::StatusChanged { paragraph: id.clone(), from: before.status, to: after.status });
            }
            if (&before.kind, before.section, &before.editors) != (&after.kind, after.section, &after.editors) {
                summary.events.insert(Event::ParagraphChanged { paragraph: id.clone() });
            }
        }
        Touch::Text(_, lang) => {
            let lang: Lang = lang.parse().map_err(|e: crate::IdError| schema(e.to_string()))?;
            let may_edit = who.decides()
                || who.country.as_ref().is_some_and(|c| before.editors.contains(c))
                || paragraph_proposals::proposed_by(b, id, who)?;
            let ops = touched.texts.get(&(id.to_string(), lang.as_str().to_owned()));
            text::check_text(b, a, id, lang, who, may_edit, ops, summary)?;
        }
        _ => {}
    }
    Ok(())
}

/// The keys of a paragraph and of its `text` map are the schema's, nothing else.
pub(super) fn check_paragraph_keys(a: &DraftView<'_>, id: &ParagraphId) -> Result<(), Violation> {
    let p = a.paragraph_obj(id).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    let allowed = [
        keys::P_KIND,
        keys::P_STATUS,
        keys::P_EDITORS,
        keys::P_SECTION,
        keys::P_TEXT,
        keys::P_CONCORDANCE,
        keys::P_ALTERNATIVES,
        keys::P_PROPOSALS,
    ];
    if let Some(k) = a.keys(&p).into_iter().find(|k| !allowed.contains(&k.as_str())) {
        return Err(violation(Rule::Schema, Some(id), None, format!("unknown paragraph field {k:?}")));
    }
    let texts = a.object(&p, keys::P_TEXT, ObjType::Map, "text").map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    if let Some(k) = a.keys(&texts).into_iter().find(|k| k != "en" && k != "es") {
        return Err(violation(Rule::Schema, Some(id), None, format!("unknown language {k:?}")));
    }
    Ok(())
}

/// The proposals that effectively cover each character of a text, and its formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CharState {
    pub(crate) proposals: BTreeSet<(SuggestionKind, Country, String, UserId)>,
    pub(crate) values: Vec<(TrackMarkName, TrackMarkValue)>,
    pub(crate) strong: bool,
    pub(crate) em: bool,
}

/// A text's character ids and marks.
pub(crate) fn read_text(v: &DraftView<'_>, obj: &ObjId) -> Result<(Vec<CharId>, Vec<automerge::marks::Mark>), Violation> {
    let ids = v.char_ids(obj).map_err(|e| schema(e.to_string()))?;
    let marks = v.marks(obj).map_err(|e| schema(e.to_string()))?;
    Ok((ids, marks))
}

/// The state of each character of a text (in the order of `ids`), from its marks.
pub(crate) fn states_of(ids: &[CharId], marks: &[automerge::marks::Mark]) -> Result<Vec<CharState>, Violation> {
    let mut states: Vec<CharState> =
        vec![CharState { proposals: BTreeSet::new(), values: Vec::new(), strong: false, em: false }; ids.len()];
    for m in marks {
        let end = m.end.min(ids.len());
        match m.name.as_str() {
            keys::STRONG | keys::EM => {
                let on = matches!(m.value, automerge::ScalarValue::Boolean(true));
                for s in &mut states[m.start.min(end)..end] {
                    if m.name == keys::STRONG {
                        s.strong = on;
                    } else {
                        s.em = on;
                    }
                }
            }
            name if TrackMarkName::parse(name).is_some() => match &m.value {
                automerge::ScalarValue::Str(value) if TrackMarkValue::parse(value).is_some() => {}
                automerge::ScalarValue::Null => {}
                _ => return Err(schema(format!("mark {name} has a value that is not a proposal"))),
            },
            other => return Err(schema(format!("unknown mark {other:?}"))),
        }
    }
    for run in tracked_runs_of(marks, || Ok(ids)).map_err(|e| schema(e.to_string()))? {
        for s in &mut states[run.start.min(ids.len())..run.end.min(ids.len())] {
            s.proposals.insert((run.name.kind, run.name.country.clone(), run.value.id.to_string(), run.value.user.clone()));
            s.values.push((run.name.clone(), run.value.clone()));
        }
    }
    Ok(states)
}
