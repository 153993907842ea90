//! Rows as both backends return them, and their conversion into checked records.

use pluma_core::Country;

use super::{Result, StoreError};
use crate::model::{ActorOwner, Delegation, DraftRecord, Meeting, User};

fn parse<T: std::str::FromStr>(what: &'static str, s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::corrupt(what, e))
}

fn parse_country(s: Option<String>) -> Result<Option<Country>> {
    s.map(|c| parse("country", &c)).transpose()
}

/// The columns of [`UserRow`], for `concat!` into queries.
macro_rules! user_columns {
    () => {
        "id, login, display_name, display_name_es, role, country, created_at"
    };
}
pub(super) use user_columns;

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: String,
    login: String,
    display_name: String,
    display_name_es: Option<String>,
    role: String,
    country: Option<String>,
    created_at: i64,
}

impl UserRow {
    pub(super) fn into_user(self) -> Result<User> {
        Ok(User {
            id: parse("user id", &self.id)?,
            login: self.login,
            display_name: self.display_name,
            display_name_es: self.display_name_es,
            role: parse("role", &self.role)?,
            country: parse_country(self.country)?,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct UserWithHashRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl UserWithHashRow {
    pub(super) fn into_pair(self) -> Result<(User, String)> {
        Ok((self.user.into_user()?, self.password_hash))
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MeetingRow {
    id: String,
    name_en: String,
    name_es: String,
    created_at: i64,
}

impl MeetingRow {
    pub(super) fn into_meeting(self) -> Result<Meeting> {
        Ok(Meeting { id: parse("meeting id", &self.id)?, name_en: self.name_en, name_es: self.name_es, created_at: self.created_at })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DelegationRow {
    code: String,
    name_en: String,
    name_es: String,
    conference: String,
    time_zone: String,
    is_ppt: bool,
}

impl DelegationRow {
    pub(super) fn into_delegation(self) -> Result<Delegation> {
        Ok(Delegation {
            code: parse("delegation code", &self.code)?,
            name_en: self.name_en,
            name_es: self.name_es,
            conference: parse("conference", &self.conference)?,
            time_zone: self.time_zone,
            is_ppt: self.is_ppt,
        })
    }
}

/// The columns of [`DraftRow`], for `concat!` into queries.
macro_rules! draft_columns {
    () => {
        "id, doc_id, meeting_id, kind, title_en, title_es, created_by, created_at"
    };
}
pub(super) use draft_columns;

#[derive(sqlx::FromRow)]
pub(super) struct DraftRow {
    id: String,
    doc_id: String,
    meeting_id: Option<String>,
    kind: String,
    title_en: String,
    title_es: String,
    created_by: Option<String>,
    created_at: i64,
}

impl DraftRow {
    pub(super) fn into_record(self) -> Result<DraftRecord> {
        Ok(DraftRecord {
            id: parse("draft id", &self.id)?,
            doc_id: parse("document id", &self.doc_id)?,
            meeting_id: self.meeting_id.map(|m| parse("meeting id", &m)).transpose()?,
            kind: parse("draft kind", &self.kind)?,
            title_en: self.title_en,
            title_es: self.title_es,
            created_by: self.created_by.map(|u| parse("user id", &u)).transpose()?,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ActorRow {
    actor_id: String,
    user_id: String,
    country: Option<String>,
}

impl ActorRow {
    pub(super) fn into_pair(self) -> Result<(String, ActorOwner)> {
        Ok((self.actor_id, ActorOwner { user: parse("user id", &self.user_id)?, country: parse_country(self.country)? }))
    }
}
