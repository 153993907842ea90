//! The `pluma` binary: `serve`, `migrate`, `user add`, `diff`, `export`, `return`, `backup`,
//! `restore`.

#![forbid(unsafe_code)]

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use pluma_core::Country;
use pluma_server::config::{Config, DEFAULT_DATABASE_URL, redact_url};
use pluma_server::model::{NewUser, Role};
use pluma_server::{auth, demo, store};
use tokio_util::sync::CancellationToken;

mod cli_backup;
mod cli_returns;
mod cli_versions;

/// mimalloc instead of the system allocator: the server allocates and frees from many
/// threads (the runtime's workers, the blocking pool), and glibc's per-thread arenas held
/// on to freed memory: in 30-second runs at 1,000 clients over 100 drafts the peak RSS was
/// 811 MiB with glibc against 276 MiB with mimalloc (BENCHMARKS.md, sync load).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Pluma: collaborative drafting of negotiated texts.
#[derive(Debug, Parser)]
#[command(name = "pluma", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// `serve`'s settings make its variant large; the command is parsed once, at start.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(DbArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Compare two versions of a draft (or a version and the current text), read from the
    /// database.
    Diff(cli_versions::DiffArgs),
    /// Export a draft's current text or a version, read from the database.
    Export(cli_versions::ExportArgs),
    /// Bring back a Word file marked up by a delegation: its tracked changes, edits and
    /// comments become that delegation's proposals and comments on the current text.
    Return(cli_returns::ReturnArgs),
    /// Write a consistent archive of the whole installation (every table) to a file.
    Backup(cli_backup::BackupArgs),
    /// Load an archive written by `pluma backup` into an empty database (either backend).
    Restore(cli_backup::RestoreArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    config: Config,
    /// On an empty database, seed the 2021 RCM–SACM demo meeting and print its logins.
    #[arg(long, env = "PLUMA_DEMO")]
    demo: bool,
    /// Allow --demo on an address other than loopback (its passwords are public).
    #[arg(long, env = "PLUMA_FORCE_DEMO")]
    force_demo: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    /// Database URL: `sqlite:PATH` or `postgres://...`.
    #[arg(long, env = "PLUMA_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub(crate) database_url: String,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from the first line of standard input.
    Add(UserAdd),
}

#[derive(Debug, Args)]
struct UserAdd {
    #[command(flatten)]
    db: DbArgs,
    /// Login name.
    #[arg(long)]
    login: String,
    /// Name shown to others (default: the login).
    #[arg(long)]
    display_name: Option<String>,
    /// Name shown to others in the Spanish interface (default: the same).
    #[arg(long)]
    display_name_es: Option<String>,
    /// delegate, chair, secretariat, observer or admin.
    #[arg(long)]
    role: Role,
    /// Delegation code (MX, AR, IOM, SEC); required except for admins.
    #[arg(long)]
    country: Option<Country>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(db) => {
            let store = store::connect(&db.database_url).await.with_context(|| format!("opening {}", redact_url(&db.database_url)))?;
            store.close().await;
            println!("database {} is up to date", redact_url(&db.database_url));
            Ok(())
        }
        Command::User { command: UserCommand::Add(add) } => add_user(add).await,
        Command::Diff(args) => cli_versions::diff(args).await,
        Command::Export(args) => cli_versions::export(args).await,
        Command::Return(args) => cli_returns::bring_back(args).await,
        Command::Backup(args) => cli_backup::backup(args).await,
        Command::Restore(args) => cli_backup::restore(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.config;
    if args.demo && !config.listen.ip().is_loopback() && !args.force_demo {
        bail!(
            "--demo creates logins whose password is public; it only runs on a loopback address \
             (listening on {} was asked). Add --force-demo (PLUMA_FORCE_DEMO=1) to run it there anyway.",
            config.listen
        );
    }
    tracing::info!(?config, "starting");
    tracing::info!("web UI: serving {}", pluma_server::routes::web::source(&config));
    let listen = config.listen;
    let state = pluma_server::build_state(config).await.context("opening the database")?;
    if args.demo {
        match demo::seed(state.store.as_ref()).await {
            Ok(Some(logins)) => println!("Seeded the demo meeting.\n{}", demo::login_table(&logins)),
            Ok(None) => println!("The database already has users: the demo was not seeded again."),
            Err(e) => bail!("seeding the demo failed: {e}"),
        }
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("Pluma listening on http://{addr}");
    let shutdown = CancellationToken::new();
    tokio::spawn({
        let shutdown = shutdown.clone();
        async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            shutdown.cancel();
        }
    });
    pluma_server::serve(listener, state, shutdown).await?;
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn add_user(add: UserAdd) -> anyhow::Result<()> {
    if add.country.is_none() && add.role != Role::Admin {
        bail!("--country is required for the role {}", add.role);
    }
    // The checks of sign-in, so that every login can sign in (and PostgreSQL, which cannot
    // store U+0000, refuses nothing SQLite takes).
    let max = pluma_server::config::bounds::MAX_LOGIN_CHARS;
    for (what, value) in
        [("--login", Some(&add.login)), ("--display-name", add.display_name.as_ref()), ("--display-name-es", add.display_name_es.as_ref())]
    {
        if let Some(value) = value {
            pluma_server::input::text(what, value, max).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input (give it on the first line)");
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await?.map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = store::connect(&add.db.database_url).await.with_context(|| format!("opening {}", redact_url(&add.db.database_url)))?;
    let user = NewUser {
        display_name: add.display_name.unwrap_or_else(|| add.login.clone()),
        login: add.login,
        role: add.role,
        country: add.country,
        password_hash: hash,
    };
    let mut created = store.create_user(&user, pluma_server::time::now_ms()).await?;
    if let Some(es) = &add.display_name_es {
        created = store.set_display_name_es(&created.id, Some(es)).await?;
    }
    store.close().await;
    println!("created user {} ({}, {})", created.login, created.id, created.role);
    Ok(())
}
