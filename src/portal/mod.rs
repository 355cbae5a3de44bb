//! `shenbao portal`: the submission portal for units that do not use git. The repository stays
//! the only store: every save is one commit of the same files a git user would write (`store`),
//! checked by `check`'s own rules before it is made. Accounts and sessions (`accounts`,
//! `session`) live under `.git/shenbao/`; an entry is a form (`form`); uploads stream to disk
//! within the campaign's limits (`upload`); pages are rendered here (`pages`).

pub mod accounts;
mod form;
// A failed check answers with the page to send: handlers return it as their error.
#[allow(clippy::result_large_err)]
mod handlers;
mod pages;
mod preview;
mod session;
mod store;
mod upload;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use accounts::{Account, Accounts};
use shenbao_core::lang::Lang;
pub use store::OpenError;

/// Where the portal listens and how it writes.
#[derive(Clone, Debug)]
pub struct Options {
    pub bind: std::net::IpAddr,
    pub port: u16,
    pub remote: Option<String>,
}

/// Why the portal did not start.
#[derive(Debug)]
pub enum PortalError {
    Open(OpenError),
    Accounts(accounts::AccountsError),
    Load(String),
    Io(std::io::Error),
}

impl PortalError {
    /// What to tell the person who started it, in the campaign's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PortalError::Open(OpenError::Dirty(files)) => {
                let list: Vec<String> = files.iter().take(20).map(|f| format!("  {f}")).collect();
                let more = files.len().saturating_sub(20);
                let more = if more > 0 {
                    lang.pick(
                        &format!("\n  ……另有 {more} 个"),
                        &format!("\n  … and {more} more"),
                    )
                    .to_string()
                } else {
                    String::new()
                };
                lang.pick(
                    &format!(
                        "工作区有未提交的修改，申报系统不会覆盖它们。请先提交（git commit）或暂存（git stash）：\n{}{more}",
                        list.join("\n")
                    ),
                    &format!(
                        "the work tree has uncommitted changes, which the portal will not overwrite; commit or stash them first:\n{}{more}",
                        list.join("\n")
                    ),
                )
                .to_string()
            }
            PortalError::Open(OpenError::Git(e)) => lang
                .pick(
                    &format!("无法打开 git 仓库：{e}"),
                    &format!("cannot open the git repository: {e}"),
                )
                .to_string(),
            PortalError::Open(OpenError::Io(e)) | PortalError::Io(e) => e.to_string(),
            PortalError::Accounts(e) => e.message(lang),
            PortalError::Load(e) => e.clone(),
        }
    }
}

/// The address units use: `portal.public_url`, else the local address the portal listens on.
pub fn public_base(public_url: Option<&str>, bind: std::net::IpAddr, port: u16) -> String {
    match public_url {
        Some(url) => format!("{}/", url.trim_end_matches('/')),
        None => format!("http://{}/", SocketAddr::new(bind, port)),
    }
}

/// `portal invite`: a login link per account, one line each (`id<TAB>link`).
pub fn invite(
    root: &Path,
    accounts_for: &[Account],
    revoke: bool,
    base: &str,
    lang: Lang,
) -> Result<String, PortalError> {
    let writer = shenbao_git::commit::Writer::open(root)
        .map_err(|e| PortalError::Open(OpenError::Git(e)))?;
    let accounts = Accounts::new(&writer.state_dir());
    let mut out = String::new();
    for account in accounts_for {
        if revoke {
            let n = accounts.revoke(account).map_err(PortalError::Accounts)?;
            out.push_str(&format!(
                "{}\t{}\n",
                account.name(),
                lang.pick(
                    &format!("已注销 {n} 个登录链接"),
                    &format!("revoked {n} login link(s)")
                )
            ));
        } else {
            let token = accounts.invite(account).map_err(PortalError::Accounts)?;
            out.push_str(&format!("{}\t{base}login/{token}\n", account.name()));
        }
    }
    Ok(out)
}

/// Serve the portal until the process is stopped.
pub fn run(root: &Path, options: Options) -> Result<(), PortalError> {
    let store = store::Store::open(root, options.remote.clone()).map_err(PortalError::Open)?;
    let accounts = Accounts::new(&store.state_dir);
    let keys = session::Keys::new(accounts.session_key().map_err(PortalError::Accounts)?);
    let loaded = store.loaded().map_err(PortalError::Load)?;
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    let base = public_base(
        campaign.portal.public_url.as_deref(),
        options.bind,
        options.port,
    );
    let secure = base.starts_with("https://");
    let theme = shenbao_site::theme::load(&store.root, campaign.theme.as_deref())
        .map_err(|e| PortalError::Load(e.message(lang)))?;
    let site_css = theme
        .statics
        .iter()
        .find(|(n, _)| n == "style.css")
        .map(|(_, b)| b.clone())
        .unwrap_or_default();
    drop(loaded);
    let state = Arc::new(handlers::Portal {
        store,
        accounts,
        keys,
        secure,
        pages: pages::Pages::new(),
        site_css,
        failures: tokio::sync::Mutex::new(()),
        previews: preview::Previews::default(),
        new_forms: handlers::NewForms::default(),
        new_links: handlers::NewLinks::default(),
    });
    let runtime = tokio::runtime::Runtime::new().map_err(PortalError::Io)?;
    runtime.block_on(async move {
        let addr = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(PortalError::Io)?;
        let local = listener.local_addr().map_err(PortalError::Io)?;
        println!(
            "{}",
            lang.pick(
                &format!("申报系统已启动：http://{local}/（按 Ctrl+C 停止）"),
                &format!("portal running at http://{local}/ (Ctrl+C stops it)")
            )
        );
        crate::serve::http::serve(listener, handlers::router(state))
            .await
            .map_err(PortalError::Io)
    })
}
