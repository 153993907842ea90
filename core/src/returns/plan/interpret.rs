//! From the comparison to edits per paragraph: which shown characters the file deletes,
//! what it inserts where, which paragraph ends it removes, which new paragraphs it adds,
//! and what it does that is not a proposal (the title, numbers, deciding proposals).

use std::collections::BTreeMap;

use super::super::exported::{Role, Shown};
use super::super::word::PARAGRAPH_END;
use super::{Class, Ctx, Interpreted, note, paragraphs};
use crate::ids::Country;
use crate::schema::ParagraphKind;

/// A decision on a pending proposal taken in Word, which a return does not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// Another delegation's proposed insertion accepted (left as plain text).
    AcceptedInsertion,
    /// Another delegation's proposed insertion rejected (removed).
    RejectedInsertion,
    /// A proposed deletion accepted (the text removed).
    AcceptedDeletion,
    /// A proposed deletion rejected (the text left as plain text).
    RejectedDeletion,
}

/// What the file does to one exported paragraph.
#[derive(Debug, Clone, Default)]
pub(super) struct ParaEdits {
    /// Per shown character: deleted (tracked or not).
    pub(super) dels: Vec<Option<bool>>,
    /// Text inserted at a place among the shown characters (0 = before the first), and
    /// whether all of it was tracked.
    pub(super) ins: BTreeMap<usize, (String, bool)>,
    /// Its end removed (joining it with the next), tracked or not.
    pub(super) end_deleted: Option<bool>,
    /// Decisions taken in Word on proposals in it, with the words concerned.
    pub(super) decisions: Vec<(Decision, String)>,
    /// Its printed number changed: what was deleted there, and what inserted.
    pub(super) number: (String, String),
}

/// A paragraph added in the file.
#[derive(Debug, Clone)]
pub(super) struct NewPiece {
    /// The exported paragraph it follows (none: at the start).
    pub(super) after: Option<usize>,
    /// Its text.
    pub(super) text: String,
    /// A heading, if the file styles it as one.
    pub(super) heading: bool,
    /// Whether it was tracked.
    pub(super) tracked: bool,
}

/// What the interpretation found, before it is made into changes.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub(super) edits: Vec<ParaEdits>,
    pub(super) pieces: Vec<NewPiece>,
    pub(super) title: String,
    pub(super) splits: Vec<(usize, String)>,
}

/// Reads the whole comparison.
pub(super) fn interpret(ctx: &Ctx<'_>) -> Interpreted {
    let mut found = Found {
        edits: ctx.x.paragraphs.iter().map(|p| ParaEdits { dels: vec![None; p.chars.len()], ..Default::default() }).collect(),
        ..Default::default()
    };
    mark_exported(ctx, &mut found);
    for run in runs(ctx) {
        place_run(ctx, &run, &mut found);
    }
    let mut out = Interpreted::default();
    if ctx.class.iter().any(|c| c.meta && (c.ins_new || c.del_new)) {
        out.not_placed.push(note(None, "changes to the lines under the title", "", "the meeting, version and date lines are Pluma's"));
    }
    if !found.title.is_empty() {
        out.not_placed.push(note(
            None,
            "changes to the title",
            found.title.clone(),
            "the title is changed by a chair or the secretariat in Pluma",
        ));
    }
    paragraphs::build(ctx, found, &mut out);
    out
}

fn verdict(shown: &Shown, class: Option<Class>, country: &Country) -> Result<Option<bool>, Decision> {
    let (proposed_in, proposed_out) = (!shown.ins.is_empty(), !shown.del.is_empty());
    let own_in = shown.ins.contains(country);
    match class {
        None if own_in || !proposed_in && !proposed_out => Ok(Some(false)),
        None if proposed_in => Err(Decision::RejectedInsertion),
        None => Err(Decision::AcceptedDeletion),
        Some(c) if c.del_new => Ok(Some(true)),
        // Still deleted as the export had it: LibreOffice keeps one revision per character,
        // so text proposed by one delegation and proposed for deletion by another comes
        // back as a deletion only; nobody decided anything.
        Some(c) if c.del_known => Ok(None),
        // Text one delegation proposed and proposed for deletion too (its insertion in a
        // paragraph it proposes to delete) comes back from LibreOffice as plain text.
        Some(c) if proposed_in && proposed_out && !c.ins_known && !c.ins_new => Ok(None),
        Some(c) if proposed_in && !own_in && !c.ins_known && !c.ins_new => Err(Decision::AcceptedInsertion),
        Some(c) if proposed_out && !c.del_known => Err(Decision::RejectedDeletion),
        Some(_) => Ok(None),
    }
}

/// What became of each exported character.
fn mark_exported(ctx: &Ctx<'_>, found: &mut Found) {
    for (xi, t) in ctx.x.tokens.iter().enumerate() {
        let class = ctx.al.x_to_r[xi].map(|ri| ctx.class[ri]);
        let gone = match class {
            None => Some(false),
            Some(c) if c.del_new => Some(true),
            Some(_) => None,
        };
        match t.role {
            Role::Title | Role::TitleEnd if gone.is_some() => found.title.push(if t.ch == PARAGRAPH_END { ' ' } else { t.ch }),
            Role::Prefix { para } if gone.is_some() => found.edits[para].number.0.push(t.ch),
            Role::End { para } if gone.is_some() => found.edits[para].end_deleted = gone,
            Role::Text { para, at } => {
                let shown = &ctx.x.paragraphs[para].chars[at];
                let edits = &mut found.edits[para];
                match verdict(shown, class, ctx.country) {
                    Ok(deleted) => edits.dels[at] = deleted,
                    Err(d) => match edits.decisions.last_mut() {
                        Some((last, text)) if *last == d => text.push(shown.ch),
                        _ => edits.decisions.push((d, shown.ch.to_string())),
                    },
                }
            }
            _ => {}
        }
    }
}

/// Characters the file inserts at one place: a run of inserted characters between the
/// same two exported ones.
#[derive(Debug, Clone)]
struct Run {
    /// How many exported characters come before it.
    gap: usize,
    /// The characters, with their index in the returned stream.
    chars: Vec<(char, usize)>,
    /// Whether every one was a tracked insertion.
    tracked: bool,
}

fn runs(ctx: &Ctx<'_>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut open = false;
    for (ri, t) in ctx.r.tokens.iter().enumerate() {
        let c = ctx.class[ri];
        let unmatched = ctx.al.r_to_x[ri].is_none();
        if c.meta || (unmatched && (c.del_known || c.del_new)) {
            continue; // a meta line, or text inserted and deleted again: nothing
        }
        if !unmatched {
            open = false;
            continue;
        }
        let gap = ctx.al.gap[ri];
        match out.last_mut() {
            Some(run) if open && run.gap == gap => {
                run.chars.push((t.ch, ri));
                run.tracked &= c.ins_new;
            }
            _ => {
                out.push(Run { gap, chars: vec![(t.ch, ri)], tracked: c.ins_new });
                open = true;
            }
        }
    }
    out
}

/// Where a gap between exported characters is.
#[derive(Debug, Clone, Copy, Default)]
struct GapAt {
    /// In a paragraph's text: the paragraph and the place among its shown characters.
    text: Option<(usize, usize)>,
    /// Right after a paragraph's end (or the title's): the paragraphs around it.
    boundary: Option<(Option<usize>, Option<usize>)>,
    /// Before or inside a paragraph's printed number.
    number: Option<usize>,
}

fn gap_at(ctx: &Ctx<'_>, g: usize) -> GapAt {
    let roles = &ctx.x.tokens;
    let prev = g.checked_sub(1).map(|i| roles[i].role);
    let next = roles.get(g).map(|t| t.role);
    let next_para = match next {
        Some(Role::Prefix { para } | Role::Text { para, .. } | Role::End { para }) => Some(para),
        _ => None,
    };
    // Text typed before a paragraph's number is a change of the number, not of the text.
    let (text, number) = match next {
        Some(Role::Prefix { para }) => (None, Some(para)),
        _ => (next_para.map(|p| (p, 0)), None),
    };
    match prev {
        Some(Role::Text { para, at }) => GapAt { text: Some((para, at + 1)), ..GapAt::default() },
        Some(Role::Prefix { para }) if matches!(next, Some(Role::Prefix { .. })) => GapAt { number: Some(para), ..GapAt::default() },
        Some(Role::Prefix { para }) => GapAt { text: Some((para, 0)), ..GapAt::default() },
        Some(Role::End { para }) => GapAt { text, boundary: Some((Some(para), next_para)), number },
        Some(Role::TitleEnd) => GapAt { text, boundary: Some((None, next_para)), number },
        None if !matches!(next, Some(Role::Title)) => GapAt { text, boundary: Some((None, next_para)), number },
        _ => GapAt::default(),
    }
}

/// Inserts text at a place of a paragraph.
fn insert_text(found: &mut Found, para: usize, at: usize, text: &str, tracked: bool) {
    if text.is_empty() {
        return;
    }
    let entry = found.edits[para].ins.entry(at).or_insert_with(|| (String::new(), true));
    entry.0.push_str(text);
    entry.1 &= tracked;
}

/// Whether the returned paragraph holding returned character `ri` is styled as a heading.
fn heading_at(ctx: &Ctx<'_>, ri: usize) -> bool {
    let i = ctx.r.paragraphs.partition_point(|p| p.end < ri);
    ctx.r.paragraphs.get(i).is_some_and(|p| p.style.starts_with("heading"))
}

/// The nearest exported paragraph before `para` that is at its own place.
fn before(ctx: &Ctx<'_>, para: usize) -> Option<usize> {
    (0..para).rev().find(|&p| !ctx.x.paragraphs[p].moved_here)
}

fn place_run(ctx: &Ctx<'_>, run: &Run, found: &mut Found) {
    let mut pieces: Vec<(String, bool)> = vec![(String::new(), false)];
    for &(ch, ri) in &run.chars {
        if ch == PARAGRAPH_END {
            pieces.push((String::new(), false));
        } else if let Some(last) = pieces.last_mut() {
            if last.0.is_empty() {
                last.1 = heading_at(ctx, ri);
            }
            last.0.push(ch);
        }
    }
    let at = gap_at(ctx, run.gap);
    let new = |found: &mut Found, after: Option<usize>, (text, heading): &(String, bool)| {
        if !text.trim().is_empty() {
            found.pieces.push(NewPiece { after, text: text.clone(), heading: *heading, tracked: run.tracked });
        }
    };
    let k = pieces.len() - 1;
    match (at.boundary, at.text) {
        _ if k == 0 => match (at.text, at.number) {
            (Some((para, place)), _) => insert_text(found, para, place, &pieces[0].0, run.tracked),
            (None, Some(para)) => found.edits[para].number.1.push_str(&pieces[0].0),
            (None, None) => found.title.push_str(&pieces[0].0),
        },
        (Some((after, next)), _) => {
            let after = after.filter(|&p| !ctx.x.paragraphs[p].moved_here).or_else(|| after.and_then(|p| before(ctx, p)));
            pieces[..k].iter().for_each(|piece| new(found, after, piece));
            match (next, at.number) {
                (Some(p), Some(_)) => found.edits[p].number.1.push_str(&pieces[k].0),
                (Some(p), None) => insert_text(found, p, 0, &pieces[k].0, run.tracked),
                (None, _) => new(found, after, &pieces[k]),
            }
        }
        (None, Some((para, place))) => {
            let len = ctx.x.paragraphs[para].chars.len();
            if place == 0 && len > 0 {
                pieces[..k].iter().for_each(|piece| new(found, before(ctx, para), piece));
                insert_text(found, para, 0, &pieces[k].0, run.tracked);
                return;
            }
            insert_text(found, para, place, &pieces[0].0, run.tracked);
            let last = if place == len { k + 1 } else { k };
            pieces[1..last].iter().for_each(|piece| new(found, Some(para), piece));
            if place < len && !pieces[k].0.trim().is_empty() {
                found.splits.push((para, pieces[k].0.clone()));
            }
        }
        (None, None) => found.title.push_str(&pieces.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(" ")),
    }
}

/// The kind a new paragraph takes: a heading if styled so, else that of the paragraph it
/// follows (or precedes, after a heading or at the start), else operative.
pub(super) fn kind_of(ctx: &Ctx<'_>, piece: &NewPiece) -> ParagraphKind {
    if piece.heading {
        return ParagraphKind::Heading;
    }
    let paragraphs = &ctx.x.paragraphs;
    let after = piece.after.map(|p| paragraphs[p].kind).filter(|k| *k != ParagraphKind::Heading);
    let next = paragraphs.get(piece.after.map_or(0, |p| p + 1)).map(|p| p.kind).filter(|k| *k != ParagraphKind::Heading);
    after.or(next).unwrap_or(ParagraphKind::Operative)
}
