//! `pluma return` (part of the binary): a Word file brought back from the command line, as
//! `POST /api/drafts/{id}/returns` does, for staff working on the server machine. The
//! changes go through a document task of this process, with the same rules, audit log and
//! "nothing twice" as the API; on PostgreSQL the running servers hear of them at once. On
//! SQLite, whose database one `pluma serve` owns, run it while the server is stopped (or
//! bring the file back through the web client).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use pluma_core::Country;
use pluma_server::config::{Config, ReturnSettings, redact_url};
use pluma_server::ids::DraftId;
use pluma_server::model::{Role, User};
use pluma_server::store::Store;

use crate::DbArgs;

/// Arguments of `pluma return`.
#[derive(Debug, Args)]
pub(crate) struct ReturnArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The draft (d0123456789abcdef).
    #[arg(long)]
    draft: DraftId,
    /// The delegation whose file it is (PE).
    #[arg(long = "as")]
    country: Country,
    /// Who brings it back (a login): a delegate of that delegation, or the secretariat.
    /// Default: the installation's only secretariat account.
    #[arg(long)]
    user: Option<String>,
    /// Bounds on the file.
    #[command(flatten)]
    returns: ReturnSettings,
    /// The returned DOCX.
    file: PathBuf,
}

/// The person bringing the file back.
async fn person(store: &dyn Store, login: Option<&str>) -> anyhow::Result<User> {
    if let Some(login) = login {
        return match store.user_by_login(login).await? {
            Some((user, _)) => Ok(user),
            None => bail!("no user with the login {login:?}"),
        };
    }
    let secretariat: Vec<User> = store.users().await?.into_iter().filter(|u| u.role == Role::Secretariat).collect();
    match secretariat.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("there is no secretariat account: give --user LOGIN"),
        several => {
            let logins: Vec<&str> = several.iter().map(|u| u.login.as_str()).collect();
            bail!("several secretariat accounts ({}): give --user LOGIN", logins.join(", "))
        }
    }
}

/// `pluma return`.
pub(crate) async fn bring_back(args: ReturnArgs) -> anyhow::Result<()> {
    let file = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mut config = Config::with_database(args.db.database_url.clone());
    config.returns = args.returns;
    let state = pluma_server::build_state(config).await.with_context(|| format!("opening {}", redact_url(&args.db.database_url)))?;
    let outcome = async {
        let record = state.store.draft(&args.draft).await.with_context(|| format!("draft {}", args.draft))?;
        let user = person(state.store.as_ref(), args.user.as_deref()).await?;
        pluma_server::returns::bring_back(&state, &record, &user, Some(args.country.clone()), file)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    .await;
    state.hub.shutdown().await;
    state.store.close().await;
    let out = outcome?;
    println!("{}", serde_json::to_string_pretty(&out)?);
    if out.already_returned {
        eprintln!("this file was already brought back for {}: nothing was made again", args.country);
    }
    Ok(())
}
