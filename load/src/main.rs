//! `pluma-load`: many automerge-repo clients editing drafts at a fixed rate; prints
//! edit-to-visible latency, throughput, errors, lost edits and the server's peak RSS.

#![forbid(unsafe_code)]

use std::time::Duration;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use pluma_load::target::DEMO_DELEGATIONS;
use pluma_load::{Settings, Target};

/// The same allocator as the server's (see `server/src/main.rs`): the harness shares the
/// machine with the server it measures, and spends less CPU and memory with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Load an automerge-repo sync server (Pluma, or any other) with editing clients.
#[derive(Debug, Parser)]
#[command(name = "pluma-load", version, about)]
struct Cli {
    /// What kind of server `--url` points at.
    #[arg(long, value_enum, default_value_t = Kind::Pluma)]
    target: Kind,
    /// Pluma: its HTTP address (`http://127.0.0.1:7373`), or several servers on one
    /// database, comma-separated (clients are spread over them). Repo: its WebSocket URL
    /// (`ws://127.0.0.1:3030`).
    #[arg(long, value_delimiter = ',', required = true)]
    url: Vec<String>,
    /// Number of clients (WebSocket connections).
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Number of drafts; client i edits draft i mod drafts.
    #[arg(long, default_value_t = 1)]
    drafts: usize,
    /// Edits per second of each client.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Seconds of editing.
    #[arg(long, default_value_t = 60.0)]
    duration: f64,
    /// Seconds the clients may still wait for the last edits after editing stops.
    #[arg(long, default_value_t = 10.0)]
    drain: f64,
    /// Connections opened at the same time during set-up.
    #[arg(long, default_value_t = 16)]
    connect_concurrency: usize,
    /// The server's process id: its peak RSS (VmHWM) is reported.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Pluma: delegate logins the clients use in turn (default: the 23 demo delegations).
    #[arg(long, value_delimiter = ',')]
    logins: Option<Vec<String>>,
    /// Pluma: the login that creates the drafts (a chair or the secretariat).
    #[arg(long, default_value = "secretariat")]
    creator: String,
    /// Pluma: the password of every login (the demo's by default).
    #[arg(long, env = "PLUMA_LOAD_PASSWORD", default_value = "pluma-demo", hide_default_value = true)]
    password: String,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    /// Pluma: sign in, sync tickets, drafts created through its API.
    Pluma,
    /// A plain automerge-repo server (e.g. @automerge/automerge-repo-sync-server).
    Repo,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let duration = Duration::try_from_secs_f64(cli.duration).context("--duration must be a number of seconds")?;
    let drain = Duration::try_from_secs_f64(cli.drain).context("--drain must be a number of seconds")?;
    let target = match cli.target {
        Kind::Pluma => Target::Pluma {
            addrs: cli
                .url
                .iter()
                .map(|u| {
                    u.strip_prefix("http://")
                        .map(|a| a.trim_end_matches('/').to_owned())
                        .context("--url of a Pluma server must start with http://")
                })
                .collect::<anyhow::Result<_>>()?,
            logins: cli.logins.unwrap_or_else(|| DEMO_DELEGATIONS.iter().map(|c| c.to_lowercase()).collect()),
            creator: cli.creator,
            password: cli.password,
        },
        Kind::Repo => {
            let [url] = <[String; 1]>::try_from(cli.url).map_err(|_| anyhow::anyhow!("--url: one automerge-repo server"))?;
            anyhow::ensure!(url.starts_with("ws://"), "--url of an automerge-repo server must start with ws://");
            Target::Repo { url }
        }
    };
    let settings = Settings {
        target,
        clients: cli.clients,
        drafts: cli.drafts,
        rate: cli.rate,
        duration,
        drain,
        connect_concurrency: cli.connect_concurrency,
        server_pid: cli.server_pid,
    };
    let report = pluma_load::run(&settings).await?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}
