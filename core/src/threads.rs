//! Comment threads anchored on text by automerge cursors.
//!
//! A thread's range is stored as two cursors: `start` on its first character and `end` on
//! its last (inclusive — a cursor needs a character to sit on). A thread never vanishes: once
//! every character of its range is deleted, or its paragraph is, it is listed as
//! [`Anchor::Detached`] and keeps the quote taken when it was created.

use automerge::transaction::Transactable;
use automerge::{Cursor, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde::Serialize;

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, Lang, MessageId, ParagraphId, ThreadId, UserId};
use crate::markdown::render_comment_html;
use crate::schema::{Stamp, keys};
use crate::view::DraftView;

/// The longest comment body accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 20_000;

/// Where a thread sits now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Anchor {
    /// On characters `start..end` of its text.
    Range {
        /// First character.
        start: usize,
        /// One past the last character.
        end: usize,
    },
    /// Its text is gone; only the quote remains.
    Detached,
}

/// One comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Stable id within its thread.
    pub id: MessageId,
    /// Its author.
    pub user: UserId,
    /// The author's delegation.
    pub country: Country,
    /// When, in unix milliseconds.
    pub at: i64,
    /// Markdown as written.
    pub body: String,
}

impl Message {
    /// The body rendered to HTML that is safe to show (no raw HTML, safe links only).
    pub fn body_html(&self) -> String {
        render_comment_html(&self.body)
    }
}

/// A comment thread with its current anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Thread {
    /// Stable id; replies and resolution name it.
    pub id: ThreadId,
    /// The paragraph it was created on.
    pub paragraph: ParagraphId,
    /// The language of the text it was created on.
    pub lang: Lang,
    /// Where it sits now.
    pub anchor: Anchor,
    /// The text of its range when it was created.
    pub quote: String,
    /// Whether it is resolved.
    pub resolved: bool,
    /// Its messages, oldest first.
    pub messages: Vec<Message>,
}

fn check_body(body: &str) -> Result<()> {
    if body.trim().is_empty() {
        return Err(DraftError::InvalidComment("the comment is empty"));
    }
    if body.chars().count() > MAX_COMMENT_CHARS {
        return Err(DraftError::InvalidComment("the comment is longer than 20,000 characters"));
    }
    Ok(())
}

impl<'a> DraftView<'a> {
    /// Every comment thread, ordered by paragraph reading order, then position; detached
    /// threads last within their paragraph.
    pub fn threads(&self) -> Result<Vec<Thread>> {
        let threads = self.root_object(keys::THREADS, ObjType::Map)?;
        let mut out = Vec::new();
        for key in self.keys(&threads) {
            let id: ThreadId = key.parse()?;
            out.push(self.thread(&id)?);
        }
        let order = self.paragraph_ids()?;
        out.sort_by_key(|t| {
            let p = order.iter().position(|p| p == &t.paragraph).unwrap_or(usize::MAX);
            let pos = match t.anchor {
                Anchor::Range { start, .. } => start,
                Anchor::Detached => usize::MAX,
            };
            (p, t.lang, pos, t.id.clone())
        });
        Ok(out)
    }

    fn thread_obj(&self, id: &ThreadId) -> Result<ObjId> {
        let threads = self.root_object(keys::THREADS, ObjType::Map)?;
        match self.get(&threads, id.as_str())? {
            Some((Value::Object(ObjType::Map), obj)) => Ok(obj),
            Some(_) => Err(DraftError::malformed(format!("threads/{id}"), "expected a map")),
            None => Err(DraftError::UnknownThread(id.clone())),
        }
    }

    /// One comment thread.
    pub fn thread(&self, id: &ThreadId) -> Result<Thread> {
        let t = self.thread_obj(id)?;
        let path = format!("threads/{id}");
        let paragraph: ParagraphId = self.string(&t, keys::T_PARAGRAPH, &path)?.parse()?;
        let lang: Lang = self.string(&t, keys::T_LANG, &path)?.parse()?;
        let start = self.string(&t, keys::T_START, &path)?;
        let end = self.string(&t, keys::T_END, &path)?;
        let quote = self.string(&t, keys::T_QUOTE, &path)?;
        let resolved = self.bool(&t, keys::T_RESOLVED, &path)?;
        let anchor = self.anchor(&paragraph, lang, &start, &end)?;
        let messages_path = format!("{path}/messages");
        let list = self.object(&t, keys::T_MESSAGES, ObjType::List, &messages_path)?;
        let mut messages = Vec::new();
        for i in 0..self.length(&list) {
            let mpath = format!("{messages_path}/{i}");
            let m = match self.get_index(&list, i)? {
                Some((Value::Object(ObjType::Map), m)) => m,
                _ => return Err(DraftError::malformed(mpath, "expected a map")),
            };
            messages.push(Message {
                id: self.string(&m, keys::M_ID, &mpath)?.parse()?,
                user: self.string(&m, keys::M_USER, &mpath)?.parse()?,
                country: self.string(&m, keys::M_COUNTRY, &mpath)?.parse()?,
                at: self.opt_int(&m, keys::M_AT, &mpath)?.unwrap_or(0),
                body: self.string(&m, keys::M_BODY, &mpath)?,
            });
        }
        Ok(Thread { id: id.clone(), paragraph, lang, anchor, quote, resolved, messages })
    }

    /// Resolves a thread's cursors to a range, or detached if its characters are gone.
    fn anchor(&self, paragraph: &ParagraphId, lang: Lang, start: &str, end: &str) -> Result<Anchor> {
        let obj = match self.text_obj(paragraph, lang) {
            Ok(obj) => obj,
            Err(DraftError::UnknownParagraph(_)) => return Ok(Anchor::Detached),
            Err(e) => return Err(e),
        };
        let (Ok(start_cursor), Ok(end_cursor)) = (Cursor::try_from(start), Cursor::try_from(end)) else {
            return Ok(Anchor::Detached);
        };
        // A cursor on a deleted character resolves to the next character still there.
        let Ok(s) = self.cursor_position(&obj, &start_cursor) else {
            return Ok(Anchor::Detached);
        };
        let Ok(e) = self.cursor_position(&obj, &end_cursor) else {
            return Ok(Anchor::Detached);
        };
        let end_alive = e < self.length(&obj) && self.cursor_at(&obj, e)? == end.trim_start_matches('-');
        let e = if end_alive { e + 1 } else { e };
        if s < e { Ok(Anchor::Range { start: s, end: e }) } else { Ok(Anchor::Detached) }
    }
}

impl Draft {
    /// Every comment thread.
    pub fn threads(&mut self) -> Result<Vec<Thread>> {
        self.view().threads()
    }

    /// Opens a comment thread on `start..end` of a text, with its first message.
    pub fn create_thread(
        &mut self,
        paragraph: &ParagraphId,
        lang: Lang,
        start: usize,
        end: usize,
        body: &str,
        by: &Stamp,
    ) -> Result<ThreadId> {
        check_body(body)?;
        self.prepare_local()?;
        let obj = self.text_obj(paragraph, lang)?;
        let len = self.doc.length(&obj);
        Draft::check_range(paragraph, lang, start, end, len)?;
        if start == end {
            return Err(DraftError::EmptyRange { paragraph: paragraph.clone(), lang, at: start });
        }
        let start_cursor = self.doc.get_cursor(&obj, start, None)?;
        let end_cursor = self.doc.get_cursor(&obj, end - 1, None)?;
        let quote: String = self.doc.text(&obj)?.chars().skip(start).take(end - start).collect();
        let threads = self.peek().root_object(keys::THREADS, ObjType::Map)?;
        let id = ThreadId::random();
        let doc = &mut self.doc;
        let t = doc.put_object(&threads, id.as_str(), ObjType::Map)?;
        doc.put(&t, keys::T_PARAGRAPH, paragraph.as_str())?;
        doc.put(&t, keys::T_LANG, lang.as_str())?;
        doc.put(&t, keys::T_START, start_cursor.to_string())?;
        doc.put(&t, keys::T_END, end_cursor.to_string())?;
        doc.put(&t, keys::T_QUOTE, quote)?;
        doc.put(&t, keys::T_RESOLVED, false)?;
        doc.put_object(&t, keys::T_MESSAGES, ObjType::List)?;
        self.reply(&id, body, by)?;
        Ok(id)
    }

    /// Adds a message to a thread.
    pub fn reply(&mut self, thread: &ThreadId, body: &str, by: &Stamp) -> Result<MessageId> {
        check_body(body)?;
        self.prepare_local()?;
        let t = self.peek().thread_obj(thread)?;
        let list = self.view().object(&t, keys::T_MESSAGES, ObjType::List, &format!("threads/{thread}/messages"))?;
        let id = MessageId::random();
        let at = self.doc.length(&list);
        let m = self.doc.insert_object(&list, at, ObjType::Map)?;
        self.doc.put(&m, keys::M_ID, id.as_str())?;
        self.doc.put(&m, keys::M_USER, by.user.as_str())?;
        self.doc.put(&m, keys::M_COUNTRY, by.country.as_str())?;
        self.doc.put(&m, keys::M_AT, ScalarValue::Int(by.at))?;
        self.doc.put(&m, keys::M_BODY, body)?;
        Ok(id)
    }

    /// Replaces the body of a message (the permission rules let only its author do this).
    pub fn edit_message(&mut self, thread: &ThreadId, message: &MessageId, body: &str) -> Result<()> {
        check_body(body)?;
        self.prepare_local()?;
        let t = self.peek().thread_obj(thread)?;
        let list = self.view().object(&t, keys::T_MESSAGES, ObjType::List, &format!("threads/{thread}/messages"))?;
        for i in 0..self.doc.length(&list) {
            if let Some((Value::Object(ObjType::Map), m)) = self.doc.get(&list, i)? {
                let id = self.peek().string(&m, keys::M_ID, "message")?;
                if id == message.as_str() {
                    self.doc.put(&m, keys::M_BODY, body)?;
                    return Ok(());
                }
            }
        }
        Err(DraftError::UnknownMessage { thread: thread.clone(), message: message.clone() })
    }

    /// Marks a thread resolved.
    pub fn resolve_thread(&mut self, thread: &ThreadId) -> Result<()> {
        self.set_resolved(thread, true)
    }

    /// Reopens a resolved thread.
    pub fn reopen_thread(&mut self, thread: &ThreadId) -> Result<()> {
        self.set_resolved(thread, false)
    }

    fn set_resolved(&mut self, thread: &ThreadId, resolved: bool) -> Result<()> {
        self.prepare_local()?;
        let t = self.peek().thread_obj(thread)?;
        self.doc.put(&t, keys::T_RESOLVED, resolved)?;
        Ok(())
    }
}
