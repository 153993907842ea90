//! Comment threads: anyone who may comment opens threads and replies in their own name;
//! a message is edited only by its author; threads and messages never vanish.

use automerge::{ObjType, Value};

use crate::ids::ThreadId;
use crate::rules::{Event, Role, Rule, Summary, Violation, Who, violation};
use crate::schema::keys;
use crate::threads::{Message, Thread};
use crate::view::DraftView;

const THREAD_KEYS: [&str; 7] =
    [keys::T_PARAGRAPH, keys::T_LANG, keys::T_START, keys::T_END, keys::T_QUOTE, keys::T_RESOLVED, keys::T_MESSAGES];
const MESSAGE_KEYS: [&str; 5] = [keys::M_ID, keys::M_USER, keys::M_COUNTRY, keys::M_AT, keys::M_BODY];

pub(super) fn check_thread(b: &DraftView<'_>, a: &DraftView<'_>, id: &ThreadId, who: &Who, summary: &mut Summary) -> Result<(), Violation> {
    let immutable = |detail: &str| violation(Rule::ThreadImmutable, None, None, format!("{detail} (thread {id})"));
    let before = match b.thread(id) {
        Ok(t) => Some(t),
        Err(crate::DraftError::UnknownThread(_)) => None,
        Err(e) => return Err(violation(Rule::Schema, None, None, e.to_string())),
    };
    let after = match a.thread(id) {
        Ok(t) => t,
        Err(crate::DraftError::UnknownThread(_)) => return Err(immutable("a comment thread was removed")),
        Err(e) => return Err(violation(Rule::Schema, None, None, format!("thread {id}: {e}"))),
    };
    check_keys(a, id)?;
    let Some(country) = who.country.as_ref() else {
        return Err(violation(Rule::NoDocumentRights, None, None, "only members of a delegation may comment"));
    };
    let authored = |m: &Message| m.user == who.user && &m.country == country;
    let Some(before) = before else {
        // A new thread: on an existing paragraph, open, with messages all by the author.
        a.paragraph_obj(&after.paragraph)
            .map_err(|_| violation(Rule::Schema, Some(&after.paragraph), None, "a thread on a paragraph that does not exist"))?;
        if after.messages.is_empty() {
            return Err(violation(Rule::Schema, None, None, format!("thread {id} has no message")));
        }
        if let Some(m) = after.messages.iter().find(|m| !authored(m)) {
            return Err(violation(
                Rule::CommentAuthor,
                Some(&after.paragraph),
                Some(&m.country),
                format!("a comment in the name of {} ({})", m.user, m.country),
            ));
        }
        if after.resolved {
            return Err(violation(Rule::ThreadResolve, Some(&after.paragraph), None, "a thread must start open"));
        }
        summary.events.insert(Event::ThreadOpened { thread: id.clone(), paragraph: after.paragraph.clone() });
        return Ok(());
    };
    if !same_anchor(&before, &after) || raw_anchor(b, id) != raw_anchor(a, id) {
        return Err(immutable("a thread's place and quote cannot be rewritten"));
    }
    if after.messages.len() < before.messages.len() {
        return Err(immutable("a comment was removed"));
    }
    for (old, new) in before.messages.iter().zip(&after.messages) {
        if (&old.id, &old.user, &old.country, old.at) != (&new.id, &new.user, &new.country, new.at) {
            return Err(immutable("a comment's author, time or place was changed"));
        }
        if old.body != new.body {
            if !authored(old) {
                return Err(violation(Rule::CommentEdit, Some(&after.paragraph), Some(&old.country), "only its author may edit a comment"));
            }
            summary.events.insert(Event::CommentEdited { thread: id.clone() });
        }
    }
    if let Some(m) = after.messages[before.messages.len()..].iter().find(|m| !authored(m)) {
        return Err(violation(
            Rule::CommentAuthor,
            Some(&after.paragraph),
            Some(&m.country),
            format!("a reply in the name of {} ({})", m.user, m.country),
        ));
    }
    if after.messages.len() > before.messages.len() {
        summary.events.insert(Event::CommentAdded { thread: id.clone() });
    }
    if before.resolved != after.resolved {
        let opener = before.messages.first().map(|m| &m.country);
        let may = matches!(who.role, Role::Chair | Role::Secretariat) || opener == Some(country);
        if !may {
            return Err(violation(
                Rule::ThreadResolve,
                Some(&after.paragraph),
                None,
                "only a chair, the secretariat or the delegation that opened a thread may resolve or reopen it",
            ));
        }
        summary.events.insert(if after.resolved {
            Event::ThreadResolved { thread: id.clone() }
        } else {
            Event::ThreadReopened { thread: id.clone() }
        });
    }
    Ok(())
}

fn same_anchor(a: &Thread, b: &Thread) -> bool {
    (&a.paragraph, a.lang, &a.quote) == (&b.paragraph, b.lang, &b.quote)
}

/// A thread's two cursors as stored.
fn raw_anchor(v: &DraftView<'_>, id: &ThreadId) -> Option<(String, String)> {
    let threads = v.root_object(keys::THREADS, ObjType::Map).ok()?;
    let t = v.object(&threads, id.as_str(), ObjType::Map, "thread").ok()?;
    Some((v.string(&t, keys::T_START, "start").ok()?, v.string(&t, keys::T_END, "end").ok()?))
}

/// A thread and its messages hold the schema's keys only, and the anchor cursors are
/// strings (the anchor's resolved range is not compared: it moves as text is edited).
fn check_keys(a: &DraftView<'_>, id: &ThreadId) -> Result<(), Violation> {
    let schema = |detail: String| violation(Rule::Schema, None, None, format!("thread {id}: {detail}"));
    let threads = a.root_object(keys::THREADS, ObjType::Map).map_err(|e| schema(e.to_string()))?;
    let t = a.object(&threads, id.as_str(), ObjType::Map, "thread").map_err(|e| schema(e.to_string()))?;
    if let Some(k) = a.keys(&t).into_iter().find(|k| !THREAD_KEYS.contains(&k.as_str())) {
        return Err(schema(format!("unknown field {k:?}")));
    }
    let list = a.object(&t, keys::T_MESSAGES, ObjType::List, "messages").map_err(|e| schema(e.to_string()))?;
    for i in 0..a.length(&list) {
        match a.get_index(&list, i).map_err(|e| schema(e.to_string()))? {
            Some((Value::Object(ObjType::Map), m)) => {
                if let Some(k) = a.keys(&m).into_iter().find(|k| !MESSAGE_KEYS.contains(&k.as_str())) {
                    return Err(schema(format!("unknown message field {k:?}")));
                }
            }
            _ => return Err(schema(format!("message {i} is not a map"))),
        }
    }
    Ok(())
}
