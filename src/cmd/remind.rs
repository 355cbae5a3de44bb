//! `shenbao remind`: tell each unit what it still lacks, by e-mail and the group robot, at most
//! once per point of `reminders.before_deadline_days`.

use shenbao_core::lang::Lang;
use shenbao_core::project::LoadOptions;
use shenbao_core::report::Format as ReportFormat;

use super::{CliError, Globals, Outcome, say};
use crate::remind::{self, Channel};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print every message (whether due today or not) and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Only this unit.
    #[arg(long, value_name = "ID")]
    unit: Option<String>,
    /// Only this channel (default: every one configured in campaign.yaml).
    #[arg(long, value_enum)]
    channel: Option<Channel>,
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let project = match super::load(globals, LoadOptions::default(), ReportFormat::Human)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let lang = super::lang(globals, &project);
    if let Some(unit) = &args.unit
        && project.campaign.unit(unit).is_none()
    {
        return Err(lang
            .pick(
                &format!("单位 {unit} 不在 campaign.yaml 的单位名单中"),
                &format!("unit {unit} is not in the registry of campaign.yaml"),
            )
            .into());
    }
    let now = jiff::Timestamp::now();
    let mut messages =
        remind::messages(&project, now, args.unit.as_deref()).map_err(|e| e.message(lang))?;
    let channels = remind::channels(&project, args.channel);
    // Outside git nothing was sent (sending needs the log).
    if let Some(log) = remind::SentLog::of(&project.campaign.root) {
        remind::mark_sent(&log, &mut messages, &channels).map_err(|e| e.message(lang))?;
    }
    if args.dry_run {
        super::emit(None, preview(&messages, &channels, lang).as_bytes())?;
        return Ok(Outcome::Success);
    }
    if channels.is_empty() {
        return Err(lang
            .pick(
                "campaign.yaml 没有配置提醒渠道（reminders.smtp 或 reminders.webhook_env）",
                "campaign.yaml configures no channel (reminders.smtp or reminders.webhook_env)",
            )
            .into());
    }
    let log = remind::SentLog::of(&project.campaign.root)
        .ok_or_else(|| remind::RemindError::NotAGitRepository.message(lang))?;
    let report =
        remind::send_due(&log, &project, &messages, &channels).map_err(|e| e.message(lang))?;
    let name = |unit: &str| {
        project
            .campaign
            .unit(unit)
            .map_or(unit.to_string(), |u| u.name.clone())
    };
    for (unit, channel) in &report.sent {
        say(lang.pick(
            &format!("已发送：{}（{}）", name(unit), channel.name(lang)),
            &format!("sent: {} ({})", name(unit), channel.name(lang)),
        ));
    }
    for (unit, channel, why) in &report.unreachable {
        eprintln!(
            "{}",
            lang.pick(
                &format!("未发送：{}（{}）：{why}", name(unit), channel.name(lang)),
                &format!("not sent: {} ({}): {why}", name(unit), channel.name(lang))
            )
        );
    }
    for (unit, channel, why) in &report.failed {
        eprintln!(
            "{}",
            lang.pick(
                &format!(
                    "发送失败，下次运行时重试：{}（{}）：{why}",
                    name(unit),
                    channel.name(lang)
                ),
                &format!(
                    "failed, tried again at the next run: {} ({}): {why}",
                    name(unit),
                    channel.name(lang)
                )
            )
        );
    }
    if report.sent.is_empty() && report.failed.is_empty() {
        say(lang.pick("今天没有需要发送的提醒。", "No reminder is due today."));
    }
    Ok(if report.failed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

/// Every message, with where it would go and whether the schedule says it is due today.
pub fn preview(messages: &[remind::Message], channels: &[Channel], lang: Lang) -> String {
    let mut out = String::new();
    if messages.is_empty() {
        out.push_str(lang.pick("没有单位需要提醒。\n", "No unit needs a reminder.\n"));
    }
    for m in messages {
        let to: Vec<String> = channels
            .iter()
            .map(|c| match (c, &m.email) {
                (Channel::Email, Some(e)) => format!("{} {e}", c.name(lang)),
                (Channel::Email, None) => format!(
                    "{}{}",
                    c.name(lang),
                    lang.pick("（unit.yaml 中没有 email）", " (no email in unit.yaml)")
                ),
                (Channel::Webhook, _) => c.name(lang).to_string(),
            })
            .collect();
        let when = match (m.due, m.sent, lang) {
            (true, true, Lang::Zh) => "今天已发送",
            (true, false, Lang::Zh) => "今天按计划发送",
            (false, _, Lang::Zh) => "今天不在提醒日",
            (true, true, Lang::En) => "sent today",
            (true, false, Lang::En) => "due today",
            (false, _, Lang::En) => "not due today",
        };
        out.push_str(&format!(
            "── {} ({}) · {} · {}\n{}\n\n{}\n",
            m.name,
            m.unit,
            if to.is_empty() {
                lang.pick("未配置渠道", "no channel configured").to_string()
            } else {
                to.join(", ")
            },
            when,
            m.subject,
            m.body
        ));
    }
    out
}
