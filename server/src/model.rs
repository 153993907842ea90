//! The records the server keeps: people, meetings, delegations, drafts, actor bindings.

use std::fmt;
use std::str::FromStr;

use pluma_core::{Country, DraftKind, UserId};
use serde::{Deserialize, Serialize};

use crate::ids::{BadId, DocumentId, DraftId, MeetingId};

pub use pluma_core::Role;

/// A person who can log in. The password hash never leaves the store except for login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    /// Stable id (`u` + 16 hex digits).
    #[schema(value_type = String)]
    pub id: UserId,
    /// Login name, unique.
    pub login: String,
    /// Name shown to others.
    pub display_name: String,
    /// Name shown to others in the Spanish interface (`null`: the same as `display_name`).
    pub display_name_es: Option<String>,
    /// What they may do.
    pub role: Role,
    /// Their delegation (`MX`, `IOM`, `SEC` for the secretariat); none for an admin.
    #[schema(value_type = Option<String>)]
    pub country: Option<Country>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A person to create.
#[derive(Clone)]
pub struct NewUser {
    /// Login name.
    pub login: String,
    /// Name shown to others.
    pub display_name: String,
    /// What they will be allowed to do.
    pub role: Role,
    /// Delegation.
    pub country: Option<Country>,
    /// Argon2id PHC string (never the password itself).
    pub password_hash: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("login", &self.login)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("country", &self.country)
            .field("password_hash", &"<hidden>")
            .finish()
    }
}

/// Which group a delegation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Conference {
    /// Regional Conference on Migration.
    Rcm,
    /// South American Conference on Migration.
    Sacm,
    /// An observer organisation.
    Observer,
}

impl Conference {
    /// The two member conferences, in the order they are shown.
    pub const MEMBERS: [Conference; 2] = [Conference::Rcm, Conference::Sacm];

    /// Full name and acronym in English and in Spanish.
    pub fn names(self) -> [&'static str; 4] {
        match self {
            Conference::Rcm => ["Regional Conference on Migration", "RCM", "Conferencia Regional sobre Migración", "CRM"],
            Conference::Sacm => ["South American Conference on Migration", "SACM", "Conferencia Suramericana sobre Migraciones", "CSM"],
            Conference::Observer => ["Observers", "", "Observadores", ""],
        }
    }

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Conference::Rcm => "rcm",
            Conference::Sacm => "sacm",
            Conference::Observer => "observer",
        }
    }
}

impl FromStr for Conference {
    type Err = BadId;
    fn from_str(s: &str) -> Result<Self, BadId> {
        match s {
            "rcm" => Ok(Conference::Rcm),
            "sacm" => Ok(Conference::Sacm),
            "observer" => Ok(Conference::Observer),
            _ => Err(BadId { kind: "conference", value: s.chars().take(80).collect() }),
        }
    }
}

/// A delegation taking part in a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delegation {
    /// Country or organisation code.
    #[schema(value_type = String)]
    pub code: Country,
    /// Name in English.
    pub name_en: String,
    /// Name in Spanish.
    pub name_es: String,
    /// RCM, SACM or observer.
    pub conference: Conference,
    /// IANA time zone of its capital.
    pub time_zone: String,
    /// Whether it holds its conference's Pro-Tempore Presidency.
    pub is_ppt: bool,
}

/// A meeting whose texts are negotiated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    /// Stable id, chosen when the meeting is created.
    #[schema(value_type = String)]
    pub id: MeetingId,
    /// Name in English.
    pub name_en: String,
    /// Name in Spanish.
    pub name_es: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A negotiated text as the database knows it; its content lives in the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DraftRecord {
    /// Stable id (`d` + 16 hex digits); the API names the draft by it.
    #[schema(value_type = String)]
    pub id: DraftId,
    /// The automerge-repo document holding its text.
    #[schema(value_type = String)]
    pub doc_id: DocumentId,
    /// The meeting it belongs to, if any.
    #[schema(value_type = Option<String>)]
    pub meeting_id: Option<MeetingId>,
    /// Communiqué or concept note.
    #[schema(value_type = String)]
    pub kind: DraftKind,
    /// English title at creation.
    pub title_en: String,
    /// Spanish title at creation.
    pub title_es: String,
    /// Who created it.
    #[schema(value_type = Option<String>)]
    pub created_by: Option<UserId>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Whose an automerge actor id is: bound on its first change, never rebound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorOwner {
    /// The person.
    pub user: UserId,
    /// Their delegation when the actor was bound.
    pub country: Option<Country>,
}
