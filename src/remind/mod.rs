//! `shenbao remind`: tell each unit what it still lacks. What a unit lacks comes from the core
//! (`reminders`: the same rules as `check` and `status`); the message is the theme's
//! `reminder.txt`; it goes by e-mail (`send::email`) and to the group robot (`send::webhook`);
//! what was sent is remembered under `.git/shenbao/` (`log`), so that a daily run sends each
//! unit at most once per point of `before_deadline_days`, and a failed send is tried again
//! at the next run.

mod log;
mod send;

use shenbao_core::lang::Lang;
use shenbao_core::project::Project;
use shenbao_core::reminders::{self, Lack};

pub use log::SentLog;

/// How a reminder travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Channel {
    Email,
    Webhook,
}

impl Channel {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Channel::Email => lang.pick("电子邮件", "e-mail"),
            Channel::Webhook => lang.pick("群机器人", "group robot"),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// One unit's reminder.
#[derive(Clone, Debug)]
pub struct Message {
    pub unit: String,
    pub name: String,
    pub subject: String,
    pub body: String,
    /// The card's `email`.
    pub email: Option<String>,
    /// The card's `responsible_phone`, to mention in the group.
    pub mobile: Option<String>,
    /// The schedule point this reminder is for (`None`: no schedule, or not due now).
    pub point: Option<u32>,
    /// Whether the schedule says it is due now.
    pub due: bool,
    /// Whether it was sent already on every channel for this point of the schedule (see
    /// [`mark_sent`]): due, but nothing left to send.
    pub sent: bool,
    /// The deadline as written, which keys the log (a new deadline starts afresh).
    pub deadline: String,
}

/// Why `remind` could not run at all.
#[derive(Debug)]
pub enum RemindError {
    Template(String),
    NotAGitRepository,
    State(crate::state::StateError),
}

impl RemindError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            RemindError::Template(e) => lang
                .pick(&format!("提醒模板有误：{e}"), &format!("the reminder template: {e}"))
                .to_string(),
            RemindError::NotAGitRepository => lang
                .pick(
                    "发送提醒需要在活动的 git 仓库中运行，以便记住已经发过的提醒（--dry-run 除外）",
                    "sending needs the campaign's git repository, to remember what was sent (--dry-run does not)",
                )
                .to_string(),
            RemindError::State(e) => e.message(lang),
        }
    }
}

/// Every unit that lacks something, its message, and whether it is due at `now`.
pub fn messages(
    project: &Project,
    now: jiff::Timestamp,
    only: Option<&str>,
) -> Result<Vec<Message>, RemindError> {
    let campaign = &project.campaign;
    let lang = campaign.language;
    let theme = shenbao_site::theme::load(&campaign.root, campaign.theme.as_deref())
        .map_err(|e| RemindError::Template(e.to_string()))?;
    let template = theme
        .env
        .get_template("reminder.txt")
        .map_err(|e| RemindError::Template(e.to_string()))?;
    let points = &campaign.reminders.before_deadline_days;
    let contact = campaign
        .contact
        .as_ref()
        .map(|c| {
            [c.name.as_str(), c.phone.as_str(), c.email.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(lang.pick("，", ", "))
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for lack in reminders::lacks(project, lang) {
        if lack.is_empty() || only.is_some_and(|u| u != lack.unit) {
            continue;
        }
        let card = project.cards.get(&lack.unit);
        let (point, due) = match &lack.deadline {
            Some(d) if !points.is_empty() => {
                let p = reminders::due_point(points, d.at, now);
                (p, p.is_some())
            }
            // No schedule: every run reminds (before the deadline).
            Some(d) => (None, now < d.at),
            None => (None, points.is_empty()),
        };
        let body = render(&template, project, &lack, card, now, &contact)?;
        let subject = match lang {
            Lang::Zh => format!(
                "【申报提醒】{}：{}尚需完成的事项",
                campaign.title, lack.name
            ),
            Lang::En => format!(
                "[Reminder] {}: what {} still has to do",
                campaign.title, lack.name
            ),
        };
        out.push(Message {
            unit: lack.unit.clone(),
            name: lack.name.clone(),
            subject,
            body,
            email: card.and_then(|c| c.email.clone()),
            mobile: card.and_then(|c| c.responsible_phone.clone()),
            point,
            due,
            sent: false,
            deadline: lack
                .deadline
                .as_ref()
                .map(|d| d.text.clone())
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

fn render(
    template: &minijinja::Template<'_, '_>,
    project: &Project,
    lack: &Lack,
    card: Option<&shenbao_core::model::UnitCard>,
    now: jiff::Timestamp,
    contact: &str,
) -> Result<String, RemindError> {
    let campaign = &project.campaign;
    let lang = campaign.language;
    let notes = |list: &[reminders::EntryNote]| {
        list.iter()
            .map(|e| serde_json::json!({"title": e.title, "file": e.file, "problem": e.problem}))
            .collect::<Vec<_>>()
    };
    let context = serde_json::json!({
        "zh": lang == Lang::Zh,
        "unit": lack.name,
        "responsible": card.and_then(|c| c.responsible.clone()),
        "campaign": campaign.title,
        "issuer": campaign.issuer,
        "deadline": lack.deadline.as_ref().map(|d| d.written(lang)),
        "extended": campaign.extended().any(|(u, _)| *u == lack.unit),
        "time_left": lack.deadline.as_ref().and_then(|d| reminders::time_left(d.at, now, lang)),
        "short": lack.short(),
        "minimum": lack.minimum,
        "entries": lack.entries,
        "with_errors": notes(&lack.with_errors),
        "drafts": notes(&lack.drafts),
        "roster_unsigned": lack.roster_unsigned,
        "roster_outdated": lack.roster_outdated,
        "portal": campaign.portal.public_url,
        "contact": contact,
    });
    let text = template
        .render(minijinja::value::Serde(&context))
        .map_err(|e| RemindError::Template(e.to_string()))?;
    // Blank lines the template's conditions leave, folded to one.
    let mut out = String::new();
    for line in text.trim().lines() {
        if line.trim().is_empty() && out.ends_with("\n\n") {
            continue;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out)
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub sent: Vec<(String, Channel)>,
    /// Unit, channel, why: tried again at the next run.
    pub failed: Vec<(String, Channel, String)>,
    /// Unit, channel, why it cannot be reached that way (no e-mail on its card).
    pub unreachable: Vec<(String, Channel, String)>,
}

/// The channels configured in `campaign.yaml`, narrowed to `wanted` when given.
pub fn channels(project: &Project, wanted: Option<Channel>) -> Vec<Channel> {
    let settings = &project.campaign.reminders;
    let mut out = Vec::new();
    if settings.smtp.is_some() {
        out.push(Channel::Email);
    }
    if settings.webhook_env.is_some() {
        out.push(Channel::Webhook);
    }
    out.retain(|c| wanted.is_none_or(|w| w == *c));
    out
}

/// Mark the due messages the log says were sent already on every one of `channels`, so that a
/// page or a dry run does not offer them again as today's to send.
pub fn mark_sent(
    log: &SentLog,
    messages: &mut [Message],
    channels: &[Channel],
) -> Result<(), RemindError> {
    let sent = log.read().map_err(RemindError::State)?;
    for m in messages.iter_mut().filter(|m| m.due) {
        m.sent = !channels.is_empty()
            && m.point.is_some_and(|p| {
                channels
                    .iter()
                    .all(|c| sent.contains(&m.unit, &m.deadline, p, c.key()))
            });
    }
    Ok(())
}

/// Send every due message on `channels` that the log says was not sent yet, and log each one
/// sent. A message that fails is not logged: the next run tries it again.
pub fn send_due(
    log: &SentLog,
    project: &Project,
    messages: &[Message],
    channels: &[Channel],
) -> Result<Report, RemindError> {
    let lang = project.campaign.language;
    let sent = log.read().map_err(RemindError::State)?;
    let mut report = Report::default();
    let mut mailer = None;
    for m in messages.iter().filter(|m| m.due) {
        for &channel in channels {
            if m.point
                .is_some_and(|p| sent.contains(&m.unit, &m.deadline, p, channel.key()))
            {
                continue;
            }
            let outcome = match channel {
                Channel::Email => match &m.email {
                    None => {
                        report.unreachable.push((
                            m.unit.clone(),
                            channel,
                            lang.pick("unit.yaml 中没有 email", "no email in unit.yaml")
                                .into(),
                        ));
                        continue;
                    }
                    Some(to) => {
                        let mailer =
                            mailer.get_or_insert_with(|| send::Mailer::new(&project.campaign));
                        mailer
                            .as_ref()
                            .map_err(Clone::clone)
                            .and_then(|mailer| mailer.send(to, m))
                    }
                },
                Channel::Webhook => send::webhook(&project.campaign, m),
            };
            match outcome {
                Ok(()) => {
                    if let Some(point) = m.point {
                        log.record(&m.unit, &m.deadline, point, channel.key())
                            .map_err(RemindError::State)?;
                    }
                    report.sent.push((m.unit.clone(), channel));
                }
                Err(why) => report.failed.push((m.unit.clone(), channel, why)),
            }
        }
    }
    Ok(report)
}
