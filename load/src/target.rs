//! How clients reach a server, and which documents they edit.
//!
//! - [`Target::Pluma`]: sign in (each client uses one of the given logins, cycling), one
//!   single-use sync ticket per connection, drafts created through the API by a login that
//!   may create drafts. Edits are proposals by delegates, valid under Pluma's rules.
//! - [`Target::Repo`]: any automerge-repo server without authentication (such as
//!   `@automerge/automerge-repo-sync-server`); the harness makes each document itself and
//!   every client starts from the same bytes, so the server learns it from the first sync.

use anyhow::{Context, Result};
use automerge::AutoCommit;
use pluma_server::ids::DocumentId;
use pluma_tests::api::{Api, Session};
use pluma_tests::edits::Proposer;

use crate::Settings;

/// The zero draft every load document starts from: the demo Joint Communiqué.
pub const ZERO_DRAFT: &str = include_str!("../../data/demo/joint-communique.json");

/// The member delegations of the demo meeting, whose logins (lowercase codes) may propose.
pub const DEMO_DELEGATIONS: [&str; 23] = [
    "BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US", "AR", "BO", "BR", "CL", "CO", "EC", "GY", "PY", "PE", "SR", "UY",
    "VE",
];

/// The server under load.
#[derive(Debug, Clone)]
pub enum Target {
    /// A Pluma server.
    Pluma {
        /// `host:port` of each server's HTTP API (the sync endpoint is `/sync` on the same
        /// address). Several servers share one database; client `i` connects to server
        /// `i mod n`, and the first signs in and creates the drafts.
        addrs: Vec<String>,
        /// Delegate logins the clients use, in turn (several connections may share one).
        logins: Vec<String>,
        /// Who creates the drafts (a chair or the secretariat).
        creator: String,
        /// The password of every login above.
        password: String,
    },
    /// A plain automerge-repo WebSocket server: `ws://host:port`.
    Repo {
        /// The WebSocket URL.
        url: String,
    },
}

/// Everything the clients need, ready before the first connection.
#[derive(Debug)]
pub struct Prepared {
    /// Document ids of the drafts, in draft order.
    pub docs: Vec<String>,
    /// The bytes every client starts a document from (Repo targets only; Pluma clients
    /// fetch the draft from the server).
    pub initial: Option<Vec<u8>>,
    /// Per client: whom it acts as.
    pub proposers: Vec<Proposer>,
    /// How many servers the clients are spread over (1 for a single server).
    pub nodes: usize,
    access: Access,
}

#[derive(Debug)]
enum Access {
    Pluma { apis: Vec<Api>, sessions: Vec<Session> },
    Repo { url: String },
}

impl Prepared {
    /// The WebSocket URL client `i` connects to; for Pluma, with a fresh ticket (tickets
    /// expire, so ask just before connecting).
    pub async fn url_for(&self, i: usize) -> Result<String> {
        match &self.access {
            Access::Pluma { apis, sessions } => {
                // Sessions live in the database: any server gives a ticket for any of them.
                let api = &apis[i % apis.len()];
                let session = &sessions[i % sessions.len()];
                let ticket = api.ticket(&session.token).await.context("getting a sync ticket")?;
                Ok(api.sync_url(&ticket))
            }
            Access::Repo { url } => Ok(url.clone()),
        }
    }

    /// A client's replica of a document before it syncs (Repo targets).
    pub fn initial_doc(&self) -> Result<Option<AutoCommit>> {
        self.initial.as_ref().map(|bytes| AutoCommit::load(bytes).context("loading the initial document")).transpose()
    }
}

/// Signs in and creates the drafts (Pluma), or makes the documents (Repo).
pub async fn prepare(settings: &Settings) -> Result<Prepared> {
    match &settings.target {
        Target::Pluma { addrs, logins, creator, password } => prepare_pluma(settings, addrs, logins, creator, password).await,
        Target::Repo { url } => prepare_repo(settings, url),
    }
}

async fn prepare_pluma(settings: &Settings, addrs: &[String], logins: &[String], creator: &str, password: &str) -> Result<Prepared> {
    anyhow::ensure!(!logins.is_empty(), "at least one login is needed");
    anyhow::ensure!(!addrs.is_empty(), "at least one server address is needed");
    let apis: Vec<Api> = addrs.iter().map(Api::new).collect();
    let api = &apis[0];
    let used = logins.len().min(settings.clients);
    // One at a time: each sign-in makes the server hash a password with argon2 (tens of
    // MiB), and signing in all at once would inflate the server's peak RSS being measured.
    let mut sessions = Vec::with_capacity(used);
    for login in logins.iter().take(used) {
        sessions.push(api.login(login, password).await.with_context(|| format!("signing in as {login}"))?);
    }
    let owner = api.login(creator, password).await.with_context(|| format!("signing in as {creator}"))?;
    let zero: serde_json::Value = serde_json::from_str(ZERO_DRAFT).context("the built-in zero draft")?;
    let mut docs = Vec::with_capacity(settings.drafts);
    for _ in 0..settings.drafts {
        let draft = api.create_draft(&owner.token, zero.clone()).await.context("creating a draft")?;
        docs.push(draft["doc_id"].as_str().context("the draft has no doc_id")?.to_owned());
    }
    let proposers = (0..settings.clients).map(|i| Proposer::of(&sessions[i % sessions.len()])).collect();
    Ok(Prepared { docs, initial: None, proposers, nodes: apis.len(), access: Access::Pluma { apis, sessions } })
}

fn prepare_repo(settings: &Settings, url: &str) -> Result<Prepared> {
    let mut draft = pluma_core::Draft::from_zero_draft_json(ZERO_DRAFT).context("the built-in zero draft")?;
    let initial = draft.save();
    let docs = (0..settings.drafts).map(|_| DocumentId::random().to_string()).collect();
    let proposers = (0..settings.clients)
        .map(|i| Proposer { user: format!("load-{i}"), country: DEMO_DELEGATIONS[i % DEMO_DELEGATIONS.len()].to_owned() })
        .collect();
    Ok(Prepared { docs, initial: Some(initial), proposers, nodes: 1, access: Access::Repo { url: url.to_owned() } })
}
