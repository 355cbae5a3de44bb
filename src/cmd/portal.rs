//! `shenbao portal`: the submission portal, and `portal invite` for its login links.

use std::net::IpAddr;
use std::path::PathBuf;

use shenbao_core::campaign;
use shenbao_core::lang::Lang;

use super::{CliError, Globals, Outcome};
use crate::portal::{self, accounts::Account};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on (and that `invite`'s links name without `portal.public_url`).
    #[arg(long, default_value_t = 4100, global = true)]
    port: u16,
    /// The address to listen on (behind a reverse proxy, keep 127.0.0.1).
    #[arg(long, default_value = "127.0.0.1", global = true)]
    bind: IpAddr,
    /// Push every commit to this remote (fetch, replay and retry when another writer went first).
    #[arg(long, value_name = "NAME")]
    remote: Option<String>,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Print a login link for each account (one line each: the unit id or e-mail, a tab, the
    /// link); with --revoke, end their links instead.
    Invite(InviteArgs),
}

#[derive(Debug, clap::Args)]
struct InviteArgs {
    /// Unit ids from the registry.
    units: Vec<String>,
    /// Every unit of the registry.
    #[arg(long)]
    all: bool,
    /// An account of the research office, by e-mail.
    #[arg(long, value_name = "EMAIL")]
    organiser: Vec<String>,
    /// End the accounts' login links (and their sessions) instead.
    #[arg(long)]
    revoke: bool,
}

/// The campaign folder, or a bare repository given with `--root` (a git host's mirror).
fn root(globals: &Globals) -> Result<PathBuf, CliError> {
    if let Some(root) = &globals.root
        && git2::Repository::open_bare(root).is_ok()
    {
        return Ok(root.clone());
    }
    Ok(globals.root()?)
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let root = root(globals)?;
    let on_disk = campaign::load(&root).ok();
    let lang = globals
        .lang
        .or(on_disk.as_ref().map(|c| c.language))
        .unwrap_or(Lang::Zh);
    match args.action {
        Some(Action::Invite(invite)) => {
            let Some(campaign) = on_disk.or_else(|| from_tip(&root)) else {
                return Err(lang
                    .pick("找不到 campaign.yaml", "no campaign.yaml found")
                    .into());
            };
            let mut accounts = Vec::new();
            // A unit with a parent submits through it (its entries are in the parent's folder):
            // it gets no account of its own.
            if invite.all {
                accounts.extend(campaign.submitters().map(|u| Account::Unit(u.id.clone())));
            }
            for id in &invite.units {
                if let Some(parent) = campaign.unit(id).and_then(|u| u.parent.as_deref())
                    && !invite.revoke
                {
                    let name = campaign.unit(parent).map_or(parent, |p| p.name.as_str());
                    return Err(lang
                        .pick(
                            &format!("单位 {id} 通过 {name}（{parent}）申报，没有自己的账号：请邀请 {parent}"),
                            &format!("unit {id} submits through {name} ({parent}) and has no account of its own: invite {parent}"),
                        )
                        .into());
                }
                if campaign.unit(id).is_none() {
                    return Err(lang
                        .pick(
                            &format!("单位 {id} 不在 campaign.yaml 的单位名单中"),
                            &format!("unit {id} is not in the registry of campaign.yaml"),
                        )
                        .into());
                }
                accounts.push(Account::Unit(id.clone()));
            }
            for email in &invite.organiser {
                if !shenbao_core::rules::formats::is_email(email) {
                    return Err(lang
                        .pick(
                            &format!("{email} 不是电子邮箱地址"),
                            &format!("{email} is not an e-mail address"),
                        )
                        .into());
                }
                accounts.push(Account::Organiser(email.clone()));
            }
            if accounts.is_empty() {
                return Err(lang
                    .pick(
                        "请给出单位 id、--all 或 --organiser EMAIL",
                        "name unit ids, --all or --organiser EMAIL",
                    )
                    .into());
            }
            let base =
                portal::public_base(campaign.portal.public_url.as_deref(), args.bind, args.port);
            let out = portal::invite(&root, &accounts, invite.revoke, &base, lang)
                .map_err(|e| e.message(lang))?;
            super::emit(None, out.as_bytes())?;
            Ok(Outcome::Success)
        }
        None => {
            let options = portal::Options {
                bind: args.bind,
                port: args.port,
                remote: args.remote,
            };
            portal::run(&root, options).map_err(|e| e.message(lang))?;
            Ok(Outcome::Success)
        }
    }
}

/// The campaign as committed at the tip of a bare repository.
fn from_tip(root: &std::path::Path) -> Option<campaign::Campaign> {
    let writer = shenbao_git::commit::Writer::open(root).ok()?;
    let tip = writer.tip().ok()??;
    let bytes = writer.read_at(tip, campaign::CAMPAIGN_FILE).ok()??;
    campaign::parse(root, bytes).ok()
}
