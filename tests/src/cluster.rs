//! Several servers on one PostgreSQL database, and clients that survive losing theirs.
//!
//! - [`Cluster`]: in-process servers sharing one fresh database.
//! - [`Writer`]: a client that keeps its edits locally and, when its connection or its
//!   server fails, reconnects (to the next server if its own does not answer) and syncs
//!   them again, as a browser with automerge-repo and IndexedDB does.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use automerge::AutoCommit;
use pluma_server::Config;

use crate::api::{Api, Session};
use crate::client::{self, Event, SyncClient};
use crate::db::TestDb;
use crate::edits::{self, Proposer};
use crate::server::TestServer;

/// In-process servers on one database.
#[derive(Debug)]
pub struct Cluster {
    /// The servers (nodes).
    pub nodes: Vec<TestServer>,
    /// The shared database; dropped (deleted) last.
    pub db: TestDb,
}

/// The delegations whose users [`Cluster::shared_draft`] creates: login and country.
pub const DELEGATES: [(&str, &str); 3] = [("mx", "MX"), ("ar", "AR"), ("br", "BR")];

impl Cluster {
    /// Users of [`DELEGATES`] on the shared database and a draft created through node 0;
    /// its document id.
    pub async fn shared_draft(&self) -> String {
        let node = &self.nodes[0];
        for (login, country) in DELEGATES {
            node.add_user(login, pluma_server::model::Role::Delegate, Some(country)).await;
        }
        let chair = node.user_session("chair", pluma_server::model::Role::Chair, Some("MX")).await;
        let draft = node.api.create_draft(&chair.token, crate::api::small_zero_draft()).await.expect("draft created");
        draft["doc_id"].as_str().expect("a document id").to_owned()
    }

    /// `n` servers on a fresh PostgreSQL database, each with `config` (its database URL
    /// set); `None` when `PLUMA_TEST_POSTGRES_URL` is unset (a note is printed).
    pub async fn start(n: usize, config: impl Fn(&str) -> Config) -> Option<Cluster> {
        let Some(db) = TestDb::postgres().await else {
            eprintln!("note: skipped: several servers need PostgreSQL");
            return None;
        };
        let mut nodes = Vec::with_capacity(n);
        for _ in 0..n {
            nodes.push(TestServer::start_with(config(&db.url)).await);
        }
        Some(Cluster { nodes, db })
    }

    /// Every node's API.
    pub fn apis(&self) -> Vec<Api> {
        self.nodes.iter().map(|n| Api::new(n.addr)).collect()
    }

    /// Stops every node.
    pub async fn stop(self) {
        for node in self.nodes {
            node.stop().await;
        }
    }
}

/// Waits until every API answers `/healthz` with 200 and `feed` = `listening` (the node
/// hears the others again).
pub async fn wait_listening(apis: &[Api]) -> Result<()> {
    let deadline = tokio::time::Instant::now() + client::WAIT;
    for api in apis {
        loop {
            if let Ok((200, body)) = api.call(reqwest::Method::GET, "/healthz", None, None).await
                && body["feed"] == "listening"
            {
                break;
            }
            if tokio::time::Instant::now() > deadline {
                bail!("a node did not report a healthy database and feed in time");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(())
}

/// A client that writes through whichever server answers, never dropping an edit.
#[derive(Debug)]
pub struct Writer {
    apis: Vec<Api>,
    node: usize,
    login: String,
    password: String,
    session: Option<Session>,
    peer: String,
    doc_id: String,
    proposer: Proposer,
    /// The replica while disconnected (while connected it lives in the client).
    offline: Option<AutoCommit>,
    client: Option<SyncClient>,
    /// Tokens whose edit the server acknowledged (advertised heads that include it).
    pub acknowledged: Vec<String>,
    /// Every `error` message servers sent.
    pub errors: Vec<String>,
    /// How many times the connection was lost and made again.
    pub reconnects: usize,
}

/// How long one attempt to sync may take before the writer gives up on the connection.
const ATTEMPT: Duration = Duration::from_secs(8);
/// How long a writer keeps trying before the test fails.
const PERSIST: Duration = Duration::from_secs(90);

impl Writer {
    /// A writer signed in as `login` that starts on node `node` and opens `doc_id`.
    pub async fn open(apis: Vec<Api>, node: usize, login: &str, password: &str, doc_id: &str, peer: &str) -> Result<Writer> {
        let session = apis[node].login(login, password).await?;
        let proposer = Proposer::of(&session);
        let mut w = Writer {
            apis,
            node,
            login: login.to_owned(),
            password: password.to_owned(),
            session: Some(session),
            peer: peer.to_owned(),
            doc_id: doc_id.to_owned(),
            proposer,
            offline: None,
            client: None,
            acknowledged: Vec::new(),
            errors: Vec::new(),
            reconnects: 0,
        };
        w.connect().await?;
        Ok(w)
    }

    /// The node the writer is connected to (or will try next).
    pub fn node(&self) -> usize {
        self.node
    }

    /// The replica.
    pub fn doc(&self) -> &AutoCommit {
        match (&self.client, &self.offline) {
            (Some(c), _) => &c.docs[&self.doc_id].doc,
            (None, Some(d)) => d,
            // `open` connects or fails, and a lost connection leaves its replica here.
            (None, None) => unreachable!("a writer always holds its replica"),
        }
    }

    /// Appends ` token` to the first paragraph as a proposal, then syncs until the server
    /// acknowledged it, reconnecting as often as needed.
    pub async fn edit(&mut self, token: &str) -> Result<()> {
        let text = format!(" {token}");
        match (&mut self.client, &mut self.offline) {
            (Some(c), _) => {
                let entry = c.docs.get_mut(&self.doc_id).context("the open document")?;
                edits::append(&mut entry.doc, &self.proposer, 0, "en", &text)?;
                entry.doc.commit();
            }
            (None, Some(d)) => {
                edits::append(d, &self.proposer, 0, "en", &text)?;
                d.commit();
            }
            (None, None) => bail!("no replica"),
        }
        self.sync().await?;
        self.acknowledged.push(token.to_owned());
        Ok(())
    }

    /// Syncs until the server holds everything of ours, reconnecting as needed.
    pub async fn sync(&mut self) -> Result<()> {
        let deadline = tokio::time::Instant::now() + PERSIST;
        loop {
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "{}: could not sync in {PERSIST:?}; errors {:?}",
                self.peer,
                self.errors
            );
            if self.client.is_none() && self.connect().await.is_err() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            let Some(c) = self.client.as_mut() else { continue };
            let synced = tokio::time::timeout(ATTEMPT, async {
                c.flush(&self.doc_id).await?;
                c.wait_synced(&self.doc_id).await
            })
            .await;
            match synced {
                Ok(Ok(())) => return Ok(()),
                _ => self.disconnect(),
            }
        }
    }

    /// Pumps until `done` holds for the replica, reconnecting as needed.
    pub async fn until(&mut self, mut done: impl FnMut(&AutoCommit) -> bool) -> Result<()> {
        let deadline = tokio::time::Instant::now() + PERSIST;
        while !done(self.doc()) {
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "{}: condition not reached; text {:?}",
                self.peer,
                edits::text(self.doc(), 0, "en")
            );
            if self.client.is_none() && self.connect().await.is_err() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            let Some(c) = self.client.as_mut() else { continue };
            if c.pump_for(Duration::from_millis(200)).await.is_err() || c.is_closed() {
                self.disconnect();
            }
        }
        Ok(())
    }

    fn disconnect(&mut self) {
        if let Some(mut c) = self.client.take() {
            for e in c.events.drain(..) {
                if let Event::Error(text) = e {
                    self.errors.push(text);
                }
            }
            self.offline = c.docs.remove(&self.doc_id).map(|d| d.doc);
            self.reconnects += 1;
        }
    }

    /// Connects to the current node, or moves on to the next one if it does not answer.
    async fn connect(&mut self) -> Result<()> {
        let result = self.try_connect().await;
        if result.is_err() {
            self.node = (self.node + 1) % self.apis.len();
        }
        result
    }

    async fn try_connect(&mut self) -> Result<()> {
        let api = &self.apis[self.node];
        // Sessions live in the database: one sign-in serves every node.
        let session = match self.session.clone() {
            Some(s) => s,
            None => api.login(&self.login, &self.password).await?,
        };
        let ticket = match api.ticket(&session.token).await {
            Ok(t) => t,
            Err(e) => {
                if e.to_string().contains("401") {
                    self.session = None;
                }
                return Err(e);
            }
        };
        self.session = Some(session);
        let mut c = tokio::time::timeout(ATTEMPT, client::connect(&api.sync_url(&ticket), &self.peer)).await??;
        match self.offline.take() {
            Some(doc) => {
                let kept = doc.clone();
                if let Err(e) = c.resume(&self.doc_id, doc).await {
                    self.offline = Some(kept);
                    return Err(e);
                }
            }
            None => tokio::time::timeout(ATTEMPT, c.open(&self.doc_id)).await??,
        }
        self.client = Some(c);
        Ok(())
    }
}
