//! `GET /api/meetings`: meetings with their delegations (names, conference, time zone);
//! `GET /api/meetings/{id}`: one meeting with its conferences and their Pro-Tempore
//! Presidencies, its delegations, its agenda and its minimum silence period;
//! `PATCH /api/meetings/{id}` `{"silence_minimum_secs"}`: an administrator sets that period;
//! `GET /api/meetings/{id}/directory`: who takes part, so that every proposal, comment and
//! activity entry names its person and delegation, whether or not that person is online.

use axum::Json;
use axum::extract::{Path, State};
use pluma_core::agenda::Agenda;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::MeetingId;
use crate::model::{Conference, Delegation, Meeting, Role};
use crate::store::{AuditAction, AuditEntry, StoreError};
use crate::time::now_ms;

/// A meeting and who takes part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingOut {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: Meeting,
    /// Its delegations.
    pub delegations: Vec<Delegation>,
}

/// One of the two conferences meeting jointly.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConferenceOut {
    /// `rcm` or `sacm`.
    pub code: Conference,
    /// Full name in English.
    pub name_en: String,
    /// Acronym in English (`RCM`).
    pub short_en: String,
    /// Full name in Spanish.
    pub name_es: String,
    /// Acronym in Spanish (`CRM`).
    pub short_es: String,
    /// The member state holding its Pro-Tempore Presidency, if known.
    pub ppt: Option<String>,
    /// Its member states' codes.
    pub members: Vec<String>,
}

/// A meeting with its conferences, delegations and agenda.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: Meeting,
    /// The conferences meeting, each with its PPT.
    pub conferences: Vec<ConferenceOut>,
    /// Every delegation, observers included.
    pub delegations: Vec<Delegation>,
    /// The shortest silence procedure allowed, in seconds (24 h unless an administrator set
    /// another): a deadline is at least this far from the procedure's start.
    pub silence_minimum_secs: i64,
    /// The agenda: `days[]` of `items[]` (kind, session number, title `{en, es}`, start and
    /// end in unix ms, topics, lead countries, speakers); null if none was loaded.
    #[schema(value_type = Option<Object>)]
    pub agenda: Option<Agenda>,
}

/// Every meeting.
#[utoipa::path(get, path = "/api/meetings", tag = "meetings",
    responses((status = 200, body = Vec<MeetingOut>), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _who: CurrentUser) -> Result<Json<Vec<MeetingOut>>, ApiError> {
    let mut out = Vec::new();
    for meeting in state.store.meetings().await? {
        let delegations = state.store.delegations(&meeting.id).await?;
        out.push(MeetingOut { meeting, delegations });
    }
    Ok(Json(out))
}

/// One meeting with its conferences, their PPTs, its delegations and its agenda.
#[utoipa::path(get, path = "/api/meetings/{id}", tag = "meetings",
    params(("id" = String, Path, description = "meeting id", pattern = "^m[0-9a-f]{16}$")),
    responses((status = 200, body = MeetingDetail), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, _who: CurrentUser, Path(id): Path<String>) -> Result<Json<MeetingDetail>, ApiError> {
    let id: MeetingId = id.parse().map_err(|e| ApiError::BadRequest(format!("{e}: meeting ids look like m0123456789abcdef")))?;
    let meeting = match state.store.meeting(&id).await {
        Ok(m) => m,
        Err(StoreError::NotFound(_)) => return Err(ApiError::NotFound(format!("no meeting {id}"))),
        Err(e) => return Err(e.into()),
    };
    let delegations = state.store.delegations(&id).await?;
    let agenda = match state.store.agenda(&id).await? {
        Some(json) => Some(serde_json::from_str::<Agenda>(&json).map_err(|e| ApiError::internal("reading a stored agenda", e))?),
        None => None,
    };
    let silence_minimum_secs = state.store.silence_minimum(&id).await? / 1000;
    Ok(Json(MeetingDetail { conferences: conferences(&delegations), meeting, delegations, agenda, silence_minimum_secs }))
}

/// The longest minimum silence period an administrator may set: 30 days.
pub const MAX_SILENCE_MINIMUM_SECS: i64 = 30 * 24 * 3600;

/// What `PATCH /api/meetings/{id}` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingChange {
    /// The shortest silence procedure allowed, in seconds (0 to 30 days).
    pub silence_minimum_secs: i64,
}

/// Sets a meeting's minimum silence period (administrators).
#[utoipa::path(patch, path = "/api/meetings/{id}", tag = "meetings", request_body = MeetingChange,
    params(("id" = String, Path, description = "meeting id", pattern = "^m[0-9a-f]{16}$")),
    responses((status = 200, body = MeetingDetail), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MeetingChange>,
) -> Result<Json<MeetingDetail>, ApiError> {
    if who.user.role != Role::Admin {
        return Err(ApiError::Forbidden("only an administrator changes a meeting's settings"));
    }
    let secs = body.silence_minimum_secs;
    if !(0..=MAX_SILENCE_MINIMUM_SECS).contains(&secs) {
        return Err(ApiError::Unprocessable(format!("silence_minimum_secs must be 0 to {MAX_SILENCE_MINIMUM_SECS} (30 days)")));
    }
    let meeting: MeetingId = id.parse().map_err(|e| ApiError::BadRequest(format!("{e}: meeting ids look like m0123456789abcdef")))?;
    match state.store.set_silence_minimum(&meeting, secs * 1000).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => return Err(ApiError::NotFound(format!("no meeting {meeting}"))),
        Err(e) => return Err(e.into()),
    }
    let entry = AuditEntry {
        user: Some(who.user.id.clone()),
        country: None,
        draft: None,
        action: AuditAction::MeetingChanged,
        detail: serde_json::json!({ "meeting": meeting, "silence_minimum_secs": secs }),
    };
    state.store.append_audit(&[entry], now_ms()).await?;
    tracing::info!(%meeting, secs, user = %who.user.login, "meeting's minimum silence period set");
    get(State(state), who, Path(id)).await
}

/// One person taking part in a meeting, as others see them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Participant {
    /// Their user id, as proposals and comments carry it.
    #[schema(value_type = String)]
    pub id: pluma_core::UserId,
    /// Their name.
    pub display_name: String,
    /// Their name in the Spanish interface (`null`: the same as `display_name`).
    pub display_name_es: Option<String>,
    /// Their role.
    pub role: crate::model::Role,
    /// Their delegation (`MX`, `IOM`; `SEC` for the secretariat).
    #[schema(value_type = Option<String>)]
    pub country: Option<pluma_core::Country>,
    /// Whether they are a chair of a delegation holding a Pro-Tempore Presidency.
    pub presidency: bool,
}

/// Everyone taking part in a meeting (its delegations' people, observers and the
/// secretariat; not administrators), by name. Any signed-in person may read it: names are
/// what every proposal and comment shows.
#[utoipa::path(get, path = "/api/meetings/{id}/directory", tag = "meetings",
    params(("id" = String, Path, description = "meeting id", pattern = "^m[0-9a-f]{16}$")),
    responses((status = 200, body = Vec<Participant>), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn directory(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Participant>>, ApiError> {
    let id: MeetingId = id.parse().map_err(|e| ApiError::BadRequest(format!("{e}: meeting ids look like m0123456789abcdef")))?;
    match state.store.meeting(&id).await {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => return Err(ApiError::NotFound(format!("no meeting {id}"))),
        Err(e) => return Err(e.into()),
    }
    let delegations = state.store.delegations(&id).await?;
    let out = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| match (&u.role, &u.country) {
            (Role::Admin, _) | (_, None) => false,
            (Role::Secretariat, Some(_)) => true,
            (_, Some(c)) => delegations.iter().any(|d| &d.code == c),
        })
        .map(|u| {
            let presidency = u.role == Role::Chair && delegations.iter().any(|d| d.is_ppt && Some(&d.code) == u.country.as_ref());
            Participant {
                id: u.id,
                display_name: u.display_name,
                display_name_es: u.display_name_es,
                role: u.role,
                country: u.country,
                presidency,
            }
        })
        .collect();
    Ok(Json(out))
}

fn conferences(delegations: &[Delegation]) -> Vec<ConferenceOut> {
    Conference::MEMBERS
        .into_iter()
        .map(|code| {
            let [name_en, short_en, name_es, short_es] = code.names();
            let members: Vec<&Delegation> = delegations.iter().filter(|d| d.conference == code).collect();
            ConferenceOut {
                code,
                name_en: name_en.into(),
                short_en: short_en.into(),
                name_es: name_es.into(),
                short_es: short_es.into(),
                ppt: members.iter().find(|d| d.is_ppt).map(|d| d.code.to_string()),
                members: members.iter().map(|d| d.code.to_string()).collect(),
            }
        })
        .collect()
}
