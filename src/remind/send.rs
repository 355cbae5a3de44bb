//! The two ways a reminder travels: e-mail over SMTP with TLS (lettre), and the JSON a 企业微信
//! or 钉钉 group robot accepts (ureq). Secrets come from the environment variables that
//! `campaign.yaml` names, never from the file itself.

use std::time::Duration;

use lettre::message::SinglePart;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};
use shenbao_core::campaign::{Campaign, SmtpTls, WebhookKind};
use shenbao_core::lang::Lang;

use super::Message;

/// How long one send may take.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Mailer {
    transport: SmtpTransport,
    from: lettre::message::Mailbox,
    lang: Lang,
}

impl Mailer {
    /// The mail server of `reminders.smtp`; the reason when it cannot be used.
    pub fn new(campaign: &Campaign) -> Result<Mailer, String> {
        let Some(smtp) = &campaign.reminders.smtp else {
            return Err(campaign
                .language
                .pick(
                    "campaign.yaml 没有设置 reminders.smtp",
                    "reminders.smtp is not set",
                )
                .into());
        };
        let builder = match smtp.tls() {
            SmtpTls::Wrapper => SmtpTransport::relay(&smtp.host).map_err(|e| e.to_string())?,
            SmtpTls::Starttls => {
                SmtpTransport::starttls_relay(&smtp.host).map_err(|e| e.to_string())?
            }
            SmtpTls::None => SmtpTransport::builder_dangerous(&smtp.host),
        };
        let mut builder = builder.port(smtp.port).timeout(Some(TIMEOUT));
        if let Some(user) = &smtp.user {
            let password = match &smtp.password_env {
                Some(var) => std::env::var(var).map_err(|_| {
                    campaign
                        .language
                        .pick(
                            &format!("环境变量 {var} 未设置（SMTP 密码）"),
                            &format!(
                                "the environment variable {var} (the SMTP password) is not set"
                            ),
                        )
                        .to_string()
                })?,
                None => String::new(),
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let from = smtp
            .from
            .parse()
            .map_err(|e| format!("reminders.smtp.from: {e}"))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
            lang: campaign.language,
        })
    }

    pub fn send(&self, to: &str, message: &Message) -> Result<(), String> {
        // A MIME message (`MIME-Version: 1.0`: without it strict readers show the base64 body
        // as it is) with an id of the sender's domain (one missing, or of `localhost`, counts
        // against a mail in spam filters).
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| e.to_string())?;
        let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let mail = lettre::Message::builder()
            .from(self.from.clone())
            .to(to.parse().map_err(|e| format!("{to}: {e}"))?)
            .subject(&message.subject)
            .message_id(Some(format!("<{id}@{}>", self.from.email.domain())))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(message.body.clone()),
            )
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&mail)
            .map(|_| ())
            .map_err(|e| smtp_said(&e, self.lang))
    }
}

/// Why the mail server did not take a message, in the campaign's language where it is one of
/// the reasons the research office can mend in `reminders.smtp`; the server's own words after.
fn smtp_said(e: &lettre::transport::smtp::Error, lang: Lang) -> String {
    let said = e.to_string();
    let why = if said.contains("STARTTLS is not supported") {
        Some(lang.pick(
            "邮件服务器不支持 STARTTLS：在 campaign.yaml 的 reminders.smtp 中改用 tls: wrapper（通常端口 465）；邮件中继就在本机时，可用 tls: none",
            "the mail server does not support STARTTLS: set tls: wrapper (usually port 465) in reminders.smtp; tls: none only for a relay on this machine",
        ))
    } else if e.is_timeout() {
        Some(lang.pick(
            "连接邮件服务器超时：检查 reminders.smtp 的 host 与 port",
            "the mail server did not answer in time: check host and port in reminders.smtp",
        ))
    } else if e.status().is_some_and(|c| c.to_string().starts_with("535")) {
        Some(lang.pick(
            "邮件服务器拒绝了用户名或密码：检查 reminders.smtp 的 user 与 password_env 所指的环境变量",
            "the mail server refused the user name or password: check user and the variable password_env names in reminders.smtp",
        ))
    } else if said.contains("Connection refused") {
        Some(lang.pick(
            "无法连接邮件服务器（连接被拒绝）：检查 reminders.smtp 的 host 与 port",
            "cannot connect to the mail server (connection refused): check host and port in reminders.smtp",
        ))
    } else {
        None
    };
    match (why, lang) {
        (Some(why), Lang::Zh) => format!("{why}（{said}）"),
        (Some(why), Lang::En) => format!("{why} ({said})"),
        (None, _) => said,
    }
}

/// The robot's kind: as configured, else told from its address.
fn kind(campaign: &Campaign, url: &str) -> WebhookKind {
    campaign
        .reminders
        .webhook_kind
        .unwrap_or(if url.contains("dingtalk.com") {
            WebhookKind::Dingtalk
        } else {
            WebhookKind::Wecom
        })
}

/// The JSON a robot takes for a text message that mentions the unit's responsible person.
pub fn body(kind: WebhookKind, message: &Message) -> serde_json::Value {
    let text = format!("{}\n\n{}", message.subject, message.body);
    let mobiles: Vec<&str> = message.mobile.iter().map(String::as_str).collect();
    match kind {
        // https://developer.work.weixin.qq.com/document/path/91770
        WebhookKind::Wecom => serde_json::json!({
            "msgtype": "text",
            "text": {"content": text, "mentioned_mobile_list": mobiles},
        }),
        // https://open.dingtalk.com/document/robots/custom-robot-access
        WebhookKind::Dingtalk => serde_json::json!({
            "msgtype": "text",
            "text": {"content": text},
            "at": {"atMobiles": mobiles, "isAtAll": false},
        }),
    }
}

/// Post the message to the robot of `reminders.webhook_env`. Both robots answer 200 with
/// `errcode` 0 when they took it.
pub fn webhook(campaign: &Campaign, message: &Message) -> Result<(), String> {
    let lang = campaign.language;
    let Some(var) = &campaign.reminders.webhook_env else {
        return Err(lang
            .pick(
                "campaign.yaml 没有设置 reminders.webhook_env",
                "reminders.webhook_env is not set",
            )
            .into());
    };
    let url = std::env::var(var).map_err(|_| {
        lang.pick(
            &format!("环境变量 {var} 未设置（群机器人地址）"),
            &format!("the environment variable {var} (the robot's address) is not set"),
        )
        .to_string()
    })?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(&url)
        .header("Content-Type", "application/json; charset=utf-8")
        .send(body(kind(campaign, &url), message).to_string())
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {text}"));
    }
    let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    match answer["errcode"].as_i64() {
        Some(0) => Ok(()),
        _ => Err(format!(
            "{}: {text}",
            lang.pick("机器人拒收", "the robot refused it")
        )),
    }
}
