//! `pluma diff` and `pluma export` (part of the binary, not the library): the same
//! comparisons and exports as the HTTP API, read straight from the database, for staff
//! working on the server machine. Versions are named by id (`pluma diff` lists them when
//! the id is wrong).

use anyhow::{Context, bail};
use clap::Args;
use pluma_core::Lang;
use pluma_server::config::redact_url;
use pluma_server::ids::{DraftId, VersionId};
use pluma_server::store::{self, Store, StoreError, VersionRecord};
use pluma_server::version_snapshots::{self, SnapshotsError};
use pluma_server::versions::{self, DiffFormat, DiffRequest, ExportFormat, Output};

use crate::DbArgs;

/// Arguments of `pluma diff`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The draft (d0123456789abcdef).
    #[arg(long)]
    draft: DraftId,
    /// The older version's id.
    #[arg(long)]
    from: VersionId,
    /// The newer version's id (default: the current text).
    #[arg(long)]
    to: Option<VersionId>,
    /// en or es.
    #[arg(long)]
    lang: Lang,
    /// json, html, md or docx.
    #[arg(long, default_value = "json")]
    format: String,
    /// Write to this file instead of standard output (required for docx).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

/// Arguments of `pluma export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The draft (d0123456789abcdef).
    #[arg(long)]
    draft: DraftId,
    /// A version's id (default: the current text).
    #[arg(long)]
    version: Option<VersionId>,
    /// en or es.
    #[arg(long)]
    lang: Lang,
    /// md, html, docx, docx-tracked or pdf.
    #[arg(long)]
    format: String,
    /// Write to this file instead of standard output (required for docx).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

async fn open(db: &DbArgs) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    store::connect(&db.database_url).await.with_context(|| format!("opening {}", redact_url(&db.database_url)))
}

async fn version(store: &dyn Store, draft: &DraftId, id: &VersionId) -> anyhow::Result<VersionRecord> {
    match store.version(draft, id).await {
        Ok(v) => Ok(v),
        Err(StoreError::NotFound(_)) => {
            let known: Vec<String> = store.versions(draft).await?.into_iter().map(|v| format!("  {}  {}", v.id, v.label)).collect();
            bail!("draft {draft} has no version {id}; its versions are:\n{}", known.join("\n"))
        }
        Err(e) => Err(e.into()),
    }
}

fn write(out: Output, path: Option<&std::path::Path>) -> anyhow::Result<()> {
    match path {
        Some(p) => std::fs::write(p, &out.body).with_context(|| format!("writing {}", p.display())),
        None if out.file_name.is_some() => bail!("a DOCX or PDF is binary: give --out FILE"),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&out.body).context("writing to standard output")
        }
    }
}

/// `pluma diff`.
pub(crate) async fn diff(args: DiffArgs) -> anyhow::Result<()> {
    let format: DiffFormat = args.format.parse().map_err(anyhow::Error::msg)?;
    let store = open(&args.db).await?;
    let draft = store.draft(&args.draft).await.with_context(|| format!("draft {}", args.draft))?;
    let from = version(store.as_ref(), &draft.id, &args.from).await?;
    let to = match &args.to {
        Some(id) => Some(version(store.as_ref(), &draft.id, id).await?),
        None => None,
    };
    let now = pluma_server::time::now_ms();
    let bytes = versions::stored_bytes(&store, &draft.doc_id);
    let snapshots = version_snapshots::comparison_snapshots(store.as_ref(), None, [Some(&from), to.as_ref()], bytes, now).await.map_err(
        |e| match e {
            SnapshotsError::Document(e) => anyhow::Error::msg(e),
            other => anyhow::Error::new(other),
        },
    )?;
    let meeting = versions::meeting_name(store.as_ref(), &draft, args.lang).await?;
    store.close().await;
    let req = DiffRequest { from: Some(from), to, lang: args.lang, format, meeting, now };
    let out = versions::render_diff(&draft, &snapshots, &req)?;
    write(out, args.out.as_deref())
}

/// `pluma export`.
pub(crate) async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let format: ExportFormat = args.format.parse().map_err(anyhow::Error::msg)?;
    let store = open(&args.db).await?;
    let draft = store.draft(&args.draft).await.with_context(|| format!("draft {}", args.draft))?;
    let v = match &args.version {
        Some(id) => Some(version(store.as_ref(), &draft.id, id).await?),
        None => None,
    };
    let bytes = versions::stored_bytes(&store, &draft.doc_id).await.map_err(anyhow::Error::msg)?;
    let meeting = versions::meeting_name(store.as_ref(), &draft, args.lang).await?;
    let certified = pluma_server::workflow::certification(store.as_ref(), &draft, v.as_ref()).await?;
    store.close().await;
    let out = versions::render_export(&draft, &bytes, v.as_ref(), args.lang, format, meeting, certified, pluma_server::time::now_ms())?;
    write(out, args.out.as_deref())
}
