//! `GET /api/meetings`: meetings with their delegations (names, conference, time zone);
//! `GET /api/meetings/{id}`: one meeting with its conferences and their Pro-Tempore
//! Presidencies, its delegations and its agenda;
//! `GET /api/meetings/{id}/directory`: who takes part, so that every proposal, comment and
//! activity entry names its person and delegation, whether or not that person is online.

use axum::Json;
use axum::extract::{Path, State};
use pluma_core::agenda::Agenda;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::MeetingId;
use crate::model::{Conference, Delegation, Meeting, Role};
use crate::state::AppState;
use crate::store::StoreError;

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
    Ok(Json(MeetingDetail { conferences: conferences(&delegations), meeting, delegations, agenda }))
}

/// One person taking part in a meeting, as others see them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Participant {
    /// Their user id, as proposals and comments carry it.
    #[schema(value_type = String)]
    pub id: pluma_core::UserId,
    /// Their name.
    pub display_name: String,
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
            Participant { id: u.id, display_name: u.display_name, role: u.role, country: u.country, presidency }
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
