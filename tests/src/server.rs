//! The real server, in-process, on `127.0.0.1:0`.

use std::net::SocketAddr;

use pluma_server::model::{NewUser, Role, User};
use pluma_server::{AppState, Config, auth, build_state, serve};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::{Api, Session};

/// A running server.
#[derive(Debug)]
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its API.
    pub api: Api,
    /// Its state (store, hub, metrics).
    pub state: AppState,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

/// The password every test user gets: `pw-<login>`.
pub fn password_of(login: &str) -> String {
    format!("pw-{login}")
}

impl TestServer {
    /// Starts a server with default settings on the database at `url`.
    pub async fn start(url: &str) -> TestServer {
        TestServer::start_with(Config::with_database(url)).await
    }

    /// Starts a server with `config` (its `listen` is ignored: `127.0.0.1:0`).
    pub async fn start_with(config: Config) -> TestServer {
        // RUST_LOG=pluma_server=debug shows the server's log in a failing test's output.
        let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_test_writer().try_init();
        let state = build_state(config).await.expect("build the server state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(serve(listener, state.clone(), shutdown.clone()));
        TestServer { addr, api: Api::new(addr), state, shutdown, task }
    }

    /// Stops the server gracefully and closes its database.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.expect("server task").expect("server ran");
        self.state.store.close().await;
    }

    /// Creates a user with password `pw-<login>` directly in the store.
    pub async fn add_user(&self, login: &str, role: Role, country: Option<&str>) -> User {
        let hash = auth::hash_password(&password_of(login)).expect("hash");
        let new = NewUser {
            login: login.into(),
            display_name: login.into(),
            role,
            country: country.map(|c| c.parse().expect("country")),
            password_hash: hash,
        };
        self.state.store.create_user(&new, 0).await.expect("create user")
    }

    /// Mexico's chair (login `chair`), signed in, and a new small draft of theirs: the
    /// session and the draft's document id.
    pub async fn chair_and_draft(&self) -> (Session, String) {
        let chair = self.user_session("chair", Role::Chair, Some("MX")).await;
        let draft = self.api.create_draft(&chair.token, crate::api::small_zero_draft()).await.expect("create draft");
        let doc_id = draft["doc_id"].as_str().expect("doc_id").to_owned();
        (chair, doc_id)
    }

    /// Creates a user and logs them in.
    pub async fn user_session(&self, login: &str, role: Role, country: Option<&str>) -> Session {
        self.add_user(login, role, country).await;
        self.api.login(login, &password_of(login)).await.expect("login")
    }

    /// A sync URL with a fresh ticket for the session.
    pub async fn sync_url(&self, session: &Session) -> String {
        let ticket = self.api.ticket(&session.token).await.expect("ticket");
        self.api.sync_url(&ticket)
    }
}

impl TestServer {
    /// A raw POST with the session cookie, a content type and one more header: status and
    /// body text.
    pub async fn http_post(&self, url: &str, cookie: &str, content_type: &str, header: &str, value: &str, body: &str) -> (u16, String) {
        let res = self
            .api
            .http()
            .post(url)
            .header("cookie", cookie)
            .header("content-type", content_type)
            .header(header, value)
            .body(body.to_owned())
            .send()
            .await
            .expect("a response");
        (res.status().as_u16(), res.text().await.unwrap_or_default())
    }
}
