//! `pluma backup` and `pluma restore` (part of the binary; the work is in
//! `pluma_server::backup`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pluma_server::backup::{self, Summary};
use pluma_server::config::redact_url;

use crate::DbArgs;

/// Arguments of `pluma backup`.
#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The archive to write (gzip'd JSON lines; replaced only once the new one is complete).
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `pluma restore`.
#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The archive to load, written by `pluma backup`.
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
}

fn describe(summary: &Summary) -> String {
    format!("{} tables, {} rows, schema version {}", summary.tables.len(), summary.rows(), summary.schema_version)
}

/// Runs `pluma backup`.
pub(crate) async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let url = &args.db.database_url;
    let summary =
        backup::backup(url, &args.out).await.with_context(|| format!("backing up {} to {}", redact_url(url), args.out.display()))?;
    println!("wrote {} ({})", args.out.display(), describe(&summary));
    Ok(())
}

/// Runs `pluma restore`.
pub(crate) async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let url = &args.db.database_url;
    let summary =
        backup::restore(url, &args.input).await.with_context(|| format!("restoring {} into {}", args.input.display(), redact_url(url)))?;
    println!("restored {} into {} ({})", args.input.display(), redact_url(url), describe(&summary));
    Ok(())
}
