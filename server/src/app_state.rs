//! [`AppState`]: what every handler can reach, and how it is built from a [`Config`].

use std::sync::Arc;

use axum::extract::FromRef;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::store::{self, Store, StoreError};
use crate::sync::hub::{Hub, Shared};
use crate::sync::persist::Persister;
use crate::sync::session_watch::Sessions;

/// The server's shared state; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// Loaded documents and their tasks.
    pub hub: Hub,
    /// Live figures.
    pub metrics: Arc<Metrics>,
    /// Settings.
    pub config: Arc<Config>,
    /// Per-person rate limits.
    pub rate_limits: Arc<RateLimits>,
    /// Wakes the silence-procedure timer ([`crate::workflow::timer`]) when a procedure
    /// starts, so that it sleeps until the new deadline if that comes first.
    pub silence_timer: Arc<tokio::sync::Notify>,
    /// Decoded comparison snapshots of saved versions.
    pub snapshots: Arc<crate::version_snapshots::SnapshotCache>,
    /// Permits for heavy work (imports, zero drafts, snapshots, comparisons, exports):
    /// [`crate::config::InputLimits::heavy_work_concurrency`] at once, so that the rest of
    /// the server stays responsive.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Permits for password checks, [`PASSWORD_CHECKS_AT_ONCE`] at once.
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// Versions saved per draft in the last hour (see [`crate::routes::versions`]).
    pub version_saves: Arc<crate::rate_limit::RateLimiter>,
}

/// Password checks run at once: each holds argon2's working memory (19 MiB) for a moment.
pub const PASSWORD_CHECKS_AT_ONCE: usize = 4;

impl AppState {
    /// Waits for a permit of heavy work; holding it bounds how many run at once.
    pub async fn heavy_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, crate::error::ApiError> {
        self.heavy.clone().acquire_owned().await.map_err(|_| crate::error::ApiError::Unavailable)
    }
}

impl FromRef<AppState> for Arc<dyn Store> {
    fn from_ref(state: &AppState) -> Self {
        state.store.clone()
    }
}

impl FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

/// Opens the database (running migrations) and starts the group-commit writer and the hub.
pub async fn build_state(config: Config) -> Result<AppState, StoreError> {
    let store = store::connect(&config.database_url).await?;
    let storage_id = store.storage_id().await?;
    let metrics = Arc::new(Metrics::default());
    let persister = Persister::spawn(store.clone(), metrics.clone());
    let hub = Hub::new(Shared {
        store: store.clone(),
        persister,
        metrics: metrics.clone(),
        limits: config.limits.clone(),
        input: config.input.clone(),
        compaction_threshold: config.compaction_threshold,
        peer_id: format!("pluma-server-{:016x}", rand::random::<u64>()),
        storage_id,
        shutdown: CancellationToken::new(),
        tracker: TaskTracker::new(),
        sessions: Sessions::default(),
    });
    crate::sync::session_watch::spawn_checker(&hub);
    // Other servers on the same database (PostgreSQL): their changes reach loaded documents.
    if let Some(notices) = store.subscribe() {
        crate::sync::cluster::spawn(hub.clone(), notices);
    }
    Ok(AppState {
        store,
        hub,
        metrics,
        rate_limits: Arc::new(RateLimits::new(&config.rate_limits)),
        silence_timer: Arc::new(tokio::sync::Notify::new()),
        snapshots: Arc::default(),
        heavy: Arc::new(tokio::sync::Semaphore::new(config.input.heavy_work_concurrency.max(1))),
        password_checks: Arc::new(tokio::sync::Semaphore::new(PASSWORD_CHECKS_AT_ONCE)),
        version_saves: Arc::new(crate::rate_limit::RateLimiter::new(
            f64::from(config.input.versions_per_draft_per_hour) / 3600.0,
            f64::from(config.input.versions_per_draft_per_hour),
        )),
        config: Arc::new(config),
    })
}
