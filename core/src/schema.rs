//! The shape of a draft document (ARCHITECTURE §3): key names, enumerations and the value of a
//! tracked-change mark. Everything that reads or writes the automerge document by hand
//! (the browser client, the permission rules) agrees with the names here.
//!
//! ```text
//! root
//! ├─ schema: 1
//! ├─ kind: "communique" | "concept_note"
//! ├─ title: { en: Text, es: Text }
//! ├─ order: List<paragraph id | "<paragraph id>@<move proposal id>">
//! ├─ paragraphs: Map<paragraph id, {
//! │    kind, status, editors: List<country>, section: int | null,
//! │    text: { en: Text, es: Text },
//! │    concordance: { en: digest, es: digest } | null,
//! │    proposals: Map<proposal id, {                  (absent in drafts made before it)
//! │      kind: "insert" | "delete" | "move", country, user, at
//! │    }>,
//! │    alternatives: Map<alternative id, {          (absent in drafts made before it)
//! │      text: { en: Text, es: Text },
//! │      sponsors: List<country>,                    the proposer's country first
//! │      proposer: { user, country, at },
//! │      state: "proposed" | "adopted" | "withdrawn"
//! │    }>
//! │  }>
//! └─ threads: Map<thread id, { paragraph, lang, start, end, quote, resolved, messages }>
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{Country, IdError, Lang, ParagraphId, SuggestionId, UserId};

/// The schema version written at the root under [`keys::SCHEMA`].
pub const SCHEMA_VERSION: i64 = 1;

pub mod keys;

macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident, $kind:literal { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The string stored in the document.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(IdError { kind: $kind, value: s.chars().take(80).collect(), reason: "unknown value" }),
                }
            }
        }
    };
}

str_enum!(
    /// What a draft is.
    DraftKind, "draft kind" {
        /// The Joint Communiqué: preambular then operative paragraphs.
        Communique => "communique",
        /// The Concept Note: one section per agenda session.
        ConceptNote => "concept_note",
    }
);

str_enum!(
    /// What a paragraph is.
    ParagraphKind, "paragraph kind" {
        /// A preambular paragraph ("Recognizing that ..."), not numbered.
        Preamble => "preamble",
        /// An operative paragraph, numbered.
        Operative => "operative",
        /// A heading (Concept Note sections).
        Heading => "heading",
        /// A triggering question (Concept Note).
        Question => "question",
    }
);

str_enum!(
    /// Where a paragraph stands in the negotiation.
    Status, "paragraph status" {
        /// Under negotiation.
        Open => "open",
        /// Carried in square brackets: no agreement yet.
        Bracketed => "bracketed",
        /// Agreed subject to confirmation by capitals.
        AgreedAdRef => "agreed_ad_ref",
        /// Agreed: frozen, only a chair may edit or reopen it.
        Agreed => "agreed",
    }
);

str_enum!(
    /// Where an alternative formulation stands.
    AlternativeState, "alternative state" {
        /// On the table, open to co-sponsors.
        Proposed => "proposed",
        /// Adopted by a chair: its texts became the paragraph's.
        Adopted => "adopted",
        /// Withdrawn by its proposing delegation; kept on record.
        Withdrawn => "withdrawn",
    }
);

str_enum!(
    /// What a proposal about a whole paragraph asks for.
    ParagraphProposalKind, "paragraph proposal kind" {
        /// A new paragraph ("OP 5 bis" until decided).
        Insert => "insert",
        /// Deleting the paragraph.
        Delete => "delete",
        /// Moving the paragraph to another place.
        Move => "move",
    }
);

/// Whether a tracked change proposes adding or removing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKind {
    /// Proposed insertion: the characters carry `ins:XX:<actor>`.
    Insert,
    /// Proposed deletion: the characters carry `del:XX` and stay in the text.
    Delete,
}

impl SuggestionKind {
    /// The mark-name prefix (`"ins"` or `"del"`).
    pub fn prefix(self) -> &'static str {
        match self {
            SuggestionKind::Insert => "ins",
            SuggestionKind::Delete => "del",
        }
    }
}

/// The name of a tracked-change mark: `ins:MX:<actor>`, `del:AR`.
///
/// An insertion's name ends with the actor (hex) that inserted its characters. automerge
/// anchors a mark's start to the character before it, so when two replicas insert at one
/// spot at the same time either mark's range can enclose the other's characters; and for
/// one mark name a character keeps only one value. Were two members of one delegation to
/// share the name `ins:MX`, the enclosing value (whose `actor` is not theirs) could hide
/// the other's proposal on those characters. With one name per actor, each insertion keeps
/// its own characters. Names without the actor (`ins:MX`) are still read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TrackMarkName {
    /// Insertion or deletion.
    pub kind: SuggestionKind,
    /// The proposing country.
    pub country: Country,
    /// For insertions: the actor (lower-case hex) whose characters the mark is for.
    pub actor: Option<String>,
}

impl TrackMarkName {
    /// Parses a mark name; `None` for formatting marks and anything else.
    pub fn parse(name: &str) -> Option<TrackMarkName> {
        let mut parts = name.splitn(3, ':');
        let kind = match parts.next()? {
            "ins" => SuggestionKind::Insert,
            "del" => SuggestionKind::Delete,
            _ => return None,
        };
        let country = parts.next()?.parse().ok()?;
        let actor = match parts.next() {
            None => None,
            Some(hex) if kind == SuggestionKind::Insert && is_actor_hex(hex) => Some(hex.to_owned()),
            Some(_) => return None,
        };
        Some(TrackMarkName { kind, country, actor })
    }

    /// The name of an insertion by `actor` (hex) for `country`.
    pub fn insertion(country: &Country, actor: &str) -> TrackMarkName {
        TrackMarkName { kind: SuggestionKind::Insert, country: country.clone(), actor: Some(actor.to_owned()) }
    }

    /// The name of a deletion for `country`.
    pub fn deletion(country: &Country) -> TrackMarkName {
        TrackMarkName { kind: SuggestionKind::Delete, country: country.clone(), actor: None }
    }

    /// The name as stored in the document.
    pub fn to_name(&self) -> String {
        self.to_string()
    }
}

/// An automerge actor id as hex: 1 to 64 bytes, lower case.
fn is_actor_hex(s: &str) -> bool {
    (2..=128).contains(&s.len()) && s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl fmt::Display for TrackMarkName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.prefix(), self.country)?;
        match &self.actor {
            Some(actor) => write!(f, ":{actor}"),
            None => Ok(()),
        }
    }
}

/// The value of a tracked-change mark, stored as a JSON string:
/// `{"id": suggestion id, "user": user id, "at": unix ms}`, plus for insertions
/// `"actor": hex` and for deletions `"seen": {actor: counter}`.
///
/// A mark covers a range between two anchors, and automerge places characters that other
/// replicas insert concurrently at the same spot or inside the range between those anchors.
/// `actor` and `seen` keep proposals exact under concurrency:
///
/// `actor` is the replica that inserted the proposed characters; an insertion covers only
/// characters inserted by that actor (a person's own later typing in the same place comes
/// from the same actor; anyone else's is theirs).
///
/// `seen` is what makes a deletion exact. A mark covers a range between
/// two anchors, so a character that another delegation inserted inside that range at the
/// same time would otherwise count as proposed for deletion by a country that never saw it.
/// `seen` records, for each actor whose characters were in the range, the highest operation
/// counter among them; a character inside the range is covered only if its actor is listed
/// and its counter is not above that. (An actor's counters only grow, so anything it
/// inserted that the proposer had not seen has a higher counter.) Without `seen`, every
/// character in the range is covered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrackMarkValue {
    /// The suggestion this character belongs to.
    pub id: SuggestionId,
    /// The person who proposed it.
    pub user: UserId,
    /// When, in unix milliseconds.
    pub at: i64,
    /// For insertions: the actor (hex) that inserted the characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// For deletions: the highest op counter per actor (hex) among the characters marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<std::collections::BTreeMap<String, u64>>,
}

impl TrackMarkValue {
    /// Whether a character inserted by op `counter@actor` is covered by this mark.
    pub fn covers(&self, counter: u64, actor_hex: &str) -> bool {
        if let Some(actor) = &self.actor {
            return actor == actor_hex;
        }
        match &self.seen {
            None => true,
            Some(seen) => seen.get(actor_hex).is_some_and(|max| counter <= *max),
        }
    }

    /// Whether this value limits which characters in its range it covers.
    pub fn is_selective(&self) -> bool {
        self.actor.is_some() || self.seen.is_some()
    }
}

impl TrackMarkValue {
    /// The JSON string stored as the mark's value.
    pub fn to_json(&self) -> String {
        // A struct of two validated tokens and an integer always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses a mark value; `None` if it is not a JSON object of the right shape.
    pub fn parse(json: &str) -> Option<TrackMarkValue> {
        serde_json::from_str(json).ok()
    }
}

/// Who does something, and when: the person, their delegation, unix milliseconds.
///
/// Core is pure: the caller (server or test) supplies the clock.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// The person.
    pub user: UserId,
    /// Their delegation, the author of record.
    pub country: Country,
    /// Unix milliseconds.
    pub at: i64,
}

/// A pair of values, one per working language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bilingual<T> {
    /// English.
    pub en: T,
    /// Spanish.
    pub es: T,
}

impl<T> Bilingual<T> {
    /// The value for one language.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }

    /// The value for one language, mutably.
    pub fn get_mut(&mut self, lang: Lang) -> &mut T {
        match lang {
            Lang::En => &mut self.en,
            Lang::Es => &mut self.es,
        }
    }
}

/// A paragraph as read from the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// Stable id.
    pub id: ParagraphId,
    /// Preamble, operative, heading or question.
    pub kind: ParagraphKind,
    /// Negotiation status.
    pub status: Status,
    /// Countries that may direct-edit it besides chairs and the secretariat.
    pub editors: Vec<Country>,
    /// Agenda session it belongs to, if any.
    pub section: Option<i64>,
    /// Its text in both languages, as it stands (pending insertions included,
    /// pending deletions not yet removed).
    pub text: Bilingual<String>,
    /// Digests of both texts when the secretariat last confirmed they match.
    pub concordance: Option<Bilingual<String>>,
}

/// What a new paragraph starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParagraph {
    /// Preamble, operative, heading or question.
    pub kind: ParagraphKind,
    /// Agenda session, if any.
    pub section: Option<i64>,
    /// Countries that may direct-edit it.
    pub editors: Vec<Country>,
    /// Initial text per language, as inline markdown (`*em*`, `**strong**`).
    pub text: Bilingual<String>,
}

#[cfg(test)]
mod tests;
