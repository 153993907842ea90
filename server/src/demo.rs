//! The demo: the II Plenary Meeting of the RCM and the SACM (2021), with its 23 member
//! states and 2 observers, both Pro-Tempore Presidencies as chairs, one login per
//! delegation, the agenda parsed from the circulated text, a zero-draft Joint Communiqué and
//! the Concept Note generated from the agenda. The data is compiled in, so the binary works
//! from any directory.

use pluma_core::agenda::{self, Agenda};
use pluma_core::{Country, Draft};
use serde::Deserialize;

use crate::auth::hash_password;
use crate::error::ApiError;
use crate::ids::MeetingId;
use crate::model::{Conference, Delegation, NewUser, Role};
use crate::routes::drafts::create_draft;
use crate::store::{NewMeeting, Store};
use crate::time::now_ms;

/// The password of every demo login. The demo only runs on a loopback address unless forced.
pub const DEMO_PASSWORD: &str = "pluma-demo";

const DELEGATIONS: &str = include_str!("../../data/delegations.json");
const COMMUNIQUE: &str = include_str!("../../data/demo/joint-communique.json");
const AGENDA: &str = include_str!("../../data/rcm-sacm-2021-agenda.txt");
const AGENDA_ES: &str = include_str!("../../data/agenda-es.json");

/// The demo meeting's agenda, parsed from the circulated text, with its Spanish texts.
pub fn demo_agenda() -> Result<Agenda, ApiError> {
    let countries = agenda::country_codes(DELEGATIONS).map_err(|e| ApiError::internal("reading the demo delegations", e))?;
    let mut parsed = agenda::parse(AGENDA, &countries).map_err(|e| ApiError::internal("reading the demo agenda", e))?;
    parsed.translate(AGENDA_ES).map_err(|e| ApiError::internal("reading the demo agenda's Spanish", e))?;
    Ok(parsed)
}

#[derive(Deserialize)]
struct Fixture {
    rcm: Vec<Entry>,
    sacm: Vec<Entry>,
    ppt: Ppt,
    observers: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    code: Country,
    en: String,
    es: String,
    tz: String,
}

#[derive(Deserialize)]
struct Ppt {
    rcm: Country,
    sacm: Country,
}

/// One demo login, as printed at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Login name.
    pub login: String,
    /// What this demo person may do.
    pub role: Role,
    /// Delegation.
    pub country: Option<Country>,
    /// Name shown.
    pub display_name: String,
    /// Name shown in the Spanish interface.
    pub display_name_es: String,
}

/// Seeds the demo into an empty database; `Ok(None)` if the database already has users.
/// Returns the logins created.
pub async fn seed(store: &dyn Store) -> Result<Option<Vec<DemoLogin>>, ApiError> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let fixture: Fixture = serde_json::from_str(DELEGATIONS).map_err(|e| ApiError::internal("reading the demo delegations", e))?;

    let mut delegations = Vec::new();
    for (entries, conference, ppt) in [
        (&fixture.rcm, Conference::Rcm, Some(&fixture.ppt.rcm)),
        (&fixture.sacm, Conference::Sacm, Some(&fixture.ppt.sacm)),
        (&fixture.observers, Conference::Observer, None),
    ] {
        for e in entries {
            delegations.push(Delegation {
                code: e.code.clone(),
                name_en: e.en.clone(),
                name_es: e.es.clone(),
                conference,
                time_zone: e.tz.clone(),
                is_ppt: ppt == Some(&e.code),
            });
        }
    }
    let meeting = NewMeeting {
        id: MeetingId::random(),
        name_en: "II Plenary Meeting of the RCM and the SACM (2021)".into(),
        name_es: "II Reunión Plenaria de la CRM y la CSM (2021)".into(),
        delegations: delegations.clone(),
    };
    store.create_meeting(&meeting, now_ms()).await?;
    let agenda = demo_agenda()?;
    let agenda_json = serde_json::to_string(&agenda).map_err(|e| ApiError::internal("writing the demo agenda", e))?;
    store.set_agenda(&meeting.id, &agenda_json, now_ms()).await?;

    let mut logins = Vec::new();
    for d in &delegations {
        let role = if d.conference == Conference::Observer { Role::Observer } else { Role::Delegate };
        let names = [format!("Delegation of {}", d.name_en), format!("Delegación de {}", d.name_es)];
        logins.push(login(d.code.as_str().to_lowercase(), role, Some(d.code.clone()), names));
    }
    for (ppt, conference, conferencia) in [(&fixture.ppt.rcm, "RCM", "CRM"), (&fixture.ppt.sacm, "SACM", "CSM")] {
        let d = delegations.iter().find(|d| &d.code == ppt);
        let (en, es) = d.map_or((ppt.as_str(), ppt.as_str()), |d| (d.name_en.as_str(), d.name_es.as_str()));
        let names =
            [format!("Pro-Tempore Presidency of the {conference} ({en})"), format!("Presidencia Pro Tempore de la {conferencia} ({es})")];
        logins.push(login(format!("{}-chair", ppt.as_str().to_lowercase()), Role::Chair, Some(ppt.clone()), names));
    }
    let sec: Country = "SEC".parse().map_err(|e| ApiError::internal("demo secretariat code", e))?;
    let names = ["Technical Secretariat".into(), "Secretaría Técnica".into()];
    logins.push(login("secretariat".into(), Role::Secretariat, Some(sec), names));
    logins.push(login("admin".into(), Role::Admin, None, ["Administrator".into(), "Administración".into()]));

    let mut secretariat = None;
    for l in &logins {
        let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
            .await
            .map_err(|e| ApiError::internal("hashing a demo password", e))??;
        let user = NewUser {
            login: l.login.clone(),
            display_name: l.display_name.clone(),
            role: l.role,
            country: l.country.clone(),
            password_hash: hash,
        };
        let created = store.create_user(&user, now_ms()).await?;
        let created = store.set_display_name_es(&created.id, Some(&l.display_name_es)).await?;
        if created.role == Role::Secretariat {
            secretariat = Some(created);
        }
    }

    let mut draft = Draft::from_zero_draft_json(COMMUNIQUE).map_err(|e| ApiError::internal("reading the demo communiqué", e))?;
    create_draft(store, &mut draft, Some(meeting.id.clone()), secretariat.as_ref()).await?;
    let mut note = pluma_core::concept_note::concept_note(&agenda).map_err(|e| ApiError::internal("generating the concept note", e))?;
    create_draft(store, &mut note, Some(meeting.id.clone()), secretariat.as_ref()).await?;
    Ok(Some(logins))
}

fn login(login: String, role: Role, country: Option<Country>, [display_name, display_name_es]: [String; 2]) -> DemoLogin {
    DemoLogin { login, role, country, display_name, display_name_es }
}

/// The table of logins printed by `pluma serve --demo`.
pub fn login_table(logins: &[DemoLogin]) -> String {
    let mut out = format!("{:<14} {:<12} {:<8} {}\n", "login", "role", "country", "name");
    for l in logins {
        let country = l.country.as_ref().map_or("-", |c| c.as_str());
        out.push_str(&format!("{:<14} {:<12} {:<8} {}\n", l.login, l.role.as_str(), country, l.display_name));
    }
    out.push_str(&format!("Every demo login has the password {DEMO_PASSWORD:?}.\n"));
    out
}

#[cfg(test)]
mod tests {
    /// The compiled-in demo communiqué is a valid zero draft of 12 to 16 paragraphs.
    #[test]
    fn demo_communique_loads() {
        let mut draft = pluma_core::Draft::from_zero_draft_json(super::COMMUNIQUE).unwrap();
        let n = draft.paragraph_ids().unwrap().len();
        assert!((12..=16).contains(&n), "{n} paragraphs");
    }

    /// The compiled-in agenda parses, with every text in Spanish, and its six sessions make
    /// a Concept Note.
    #[test]
    fn demo_agenda_parses_and_makes_a_concept_note() {
        let mut agenda = super::demo_agenda().unwrap();
        assert!(agenda.untranslated().is_empty());
        assert_eq!(agenda.sessions().count(), 6);
        let mut note = pluma_core::concept_note::concept_note(&agenda).unwrap();
        assert!(note.paragraph_ids().unwrap().len() > 20);
    }
}
