//! `shenbao remind` against a real SMTP server and a real HTTP receiver on 127.0.0.1 (small ones
//! written here: they record what they are sent), on the valid fixture with its deadline two
//! days from now: alpha lacks nothing, beta has no entry and no signed roster.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Run, git, shenbao_env};

/// What a server received.
type Inbox = Arc<Mutex<Vec<String>>>;

/// A plain SMTP server (the campaign says `tls: none`, allowed for localhost only) that keeps
/// each message with its recipients; with `refuse`, it refuses every sender.
fn smtp_server(refuse: bool) -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(20) {
            let _ = smtp_session(stream, refuse, &kept);
        }
    });
    (port, inbox)
}

fn smtp_session(stream: TcpStream, refuse: bool, inbox: &Inbox) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 localhost ESMTP test\r\n")?;
    let mut envelope = String::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250-localhost\r\n250 8BITMIME\r\n")?,
            "MAIL" if refuse => out.write_all(b"554 5.7.1 sender refused\r\n")?,
            "MAIL" | "RCPT" => {
                envelope.push_str(&line);
                out.write_all(b"250 OK\r\n")?
            }
            "DATA" => {
                out.write_all(b"354 go on\r\n")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if lines.read_line(&mut l)? == 0 || l == ".\r\n" {
                        break;
                    }
                    data.push_str(&l);
                }
                inbox.lock().unwrap().push(format!("{envelope}\n{data}"));
                envelope.clear();
                out.write_all(b"250 kept\r\n")?
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"250 OK\r\n")?,
        }
    }
}

/// An HTTP receiver standing in for a group robot: keeps each JSON body, answers as the robots
/// do (`errcode` 0, or an error code with `refuse`).
fn robot(refuse: bool) -> (String, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/cgi-bin/webhook/send?key=test",
        listener.local_addr().unwrap()
    );
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(20) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = n.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            kept.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let answer = if refuse {
                r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#
            } else {
                r#"{"errcode":0,"errmsg":"ok"}"#
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, inbox)
}

/// The valid fixture as a repository, its deadline `days` from now, reminding 7, 3 and 1 days
/// before, by e-mail through `smtp_port` and the robot named by `TEST_ROBOT`.
fn campaign(days: i64, smtp_port: u16, extra: &str) -> tempfile::TempDir {
    let dir = common::fixture("valid");
    let d = dir.path();
    let deadline = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * days))
        .unwrap();
    let written = jiff::tz::Offset::constant(8)
        .to_datetime(deadline)
        .strftime("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string();
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "deadline: 2017-12-06T23:59:59+08:00",
        &format!("deadline: {written}"),
    );
    std::fs::write(
        &path,
        format!(
            "{text}reminders:\n  before_deadline_days: [7, 3, 1]\n  smtp: {{host: 127.0.0.1, port: {smtp_port}, from: office@example.org, tls: none}}\n  webhook_env: TEST_ROBOT\n{extra}"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(d.join("submissions/beta")).unwrap();
    std::fs::write(
        d.join("submissions/beta/unit.yaml"),
        "leader: 赵主席\nresponsible: 钱干事\nresponsible_phone: 13812345678\nemail: beta@example.org\n",
    )
    .unwrap();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "the call"]);
    dir
}

fn remind(dir: &Path, robot: &str, args: &[&str]) -> Run {
    let mut all = vec!["remind"];
    all.extend_from_slice(args);
    shenbao_env(dir, &all, &[("TEST_ROBOT", robot)])
}

/// The text of a mail as sent (its body in base64 or quoted-printable, as lettre chose).
fn decoded(mail: &str) -> String {
    let (head, body) = mail.split_once("\r\n\r\n").unwrap_or((mail, ""));
    if head.contains("Content-Transfer-Encoding: base64") {
        let bits: Vec<u8> = body
            .bytes()
            .filter_map(|b| match b {
                b'A'..=b'Z' => Some(b - b'A'),
                b'a'..=b'z' => Some(b - b'a' + 26),
                b'0'..=b'9' => Some(b - b'0' + 52),
                b'+' => Some(62),
                b'/' => Some(63),
                _ => None,
            })
            .collect();
        let bytes: Vec<u8> = bits
            .chunks(4)
            .flat_map(|c| {
                let n =
                    c.iter().fold(0u32, |acc, &v| (acc << 6) | u32::from(v)) << (6 * (4 - c.len()));
                let all = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
                all[..c.len().saturating_sub(1)].to_vec()
            })
            .collect();
        return format!("{head}\n{}", String::from_utf8_lossy(&bytes));
    }
    // quoted-printable
    let joined = body.replace("=\r\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    format!("{head}\n{}", String::from_utf8_lossy(&out))
}

#[test]
fn the_units_that_lack_something_are_told_once_by_mail_and_in_the_group() {
    let (port, mails) = smtp_server(false);
    let (url, posts) = robot(false);
    let dir = campaign(2, port, "");
    let d = dir.path();

    let run = remind(d, &url, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "only beta lacks something: {mails:?}");
    assert!(
        mails[0].contains("RCPT TO:<beta@example.org>"),
        "{}",
        mails[0]
    );
    // A MIME message with an id of the sender's domain, as mail readers and spam filters
    // expect.
    let head = mails[0].split("\r\n\r\n").next().unwrap();
    assert!(head.contains("MIME-Version: 1.0"), "{head}");
    assert!(
        head.lines()
            .any(|l| l.starts_with("Message-ID: <") && l.ends_with("@example.org>")),
        "{head}"
    );
    let text = decoded(&mails[0]);
    for said in [
        "乙公司工会 钱干事",
        "还差 1 个项目",
        "签字盖章的《申报汇总表》尚未上传",
        "还剩",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
    assert!(!text.contains("甲区总工会"), "{text}");
    let posts = posts.lock().unwrap().clone();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let body: serde_json::Value = serde_json::from_str(&posts[0]).unwrap();
    // 企业微信's text message, mentioning the responsible person's mobile.
    assert_eq!(body["msgtype"], "text");
    assert!(
        body["text"]["content"]
            .as_str()
            .unwrap()
            .contains("乙公司工会")
    );
    assert_eq!(
        body["text"]["mentioned_mobile_list"],
        serde_json::json!(["13812345678"])
    );
    // The log is the repository's own, not the work tree's.
    assert!(d.join(".git/shenbao/reminders.json").is_file());
    assert_eq!(git(d, &["status", "--porcelain"]), "");

    // The same day again: nothing more.
    let again = remind(d, &url, &[]);
    assert_eq!(again.code, 0);
    assert!(
        again.stdout.contains("今天没有需要发送的提醒"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_dry_run_prints_every_message_and_sends_nothing() {
    let (port, mails) = smtp_server(false);
    let (url, posts) = robot(false);
    let dir = campaign(2, port, "");
    let run = remind(dir.path(), &url, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("乙公司工会 (beta)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("电子邮件 beta@example.org"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("甲区总工会 (alpha)"),
        "alpha lacks nothing"
    );
    assert!(mails.lock().unwrap().is_empty());
    assert!(posts.lock().unwrap().is_empty());
    assert!(!dir.path().join(".git/shenbao/reminders.json").exists());
    // A real run afterwards still sends: the dry run remembered nothing.
    assert_eq!(remind(dir.path(), &url, &[]).code, 0);
    assert_eq!(mails.lock().unwrap().len(), 1);
}

/// A mail server without STARTTLS, where the campaign asks for it: the research office is told,
/// in its language, what to set in `reminders.smtp`, and the server's own words after.
#[test]
fn a_server_without_starttls_is_said_with_what_to_set() {
    let (port, _) = smtp_server(false);
    let (url, _) = robot(false);
    let dir = campaign(2, port, "");
    let d = dir.path();
    common::edit(&d.join("campaign.yaml"), "tls: none", "tls: starttls");
    git(d, &["commit", "-qam", "starttls"]);
    let run = remind(d, &url, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "邮件服务器不支持 STARTTLS：在 campaign.yaml 的 reminders.smtp 中改用 tls: wrapper"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failed_send_is_reported_and_tried_again_at_the_next_run() {
    let (bad_port, _) = smtp_server(true);
    let (url, posts) = robot(false);
    let dir = campaign(2, bad_port, "");
    let d = dir.path();
    let run = remind(d, &url, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("发送失败，下次运行时重试：乙公司工会（电子邮件）")
            && run.stderr.contains("554"),
        "{}",
        run.stderr
    );
    // The robot took its message; the mail was not logged as sent.
    assert_eq!(posts.lock().unwrap().len(), 1);
    // The server is mended: the next run sends the mail, and only the mail.
    let (port, mails) = smtp_server(false);
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(&format!("port: {bad_port}"), &format!("port: {port}"));
    std::fs::write(&path, text).unwrap();
    let again = remind(d, &url, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(mails.lock().unwrap().len(), 1);
    assert_eq!(
        posts.lock().unwrap().len(),
        1,
        "the robot is not told twice"
    );
}

#[test]
fn a_refusing_robot_is_a_failure_and_dingtalk_gets_its_own_shape() {
    let (port, _) = smtp_server(false);
    let (bad, _) = robot(true);
    let dir = campaign(2, port, "");
    let run = remind(dir.path(), &bad, &["--channel", "webhook"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("93000"), "{}", run.stderr);

    let (url, posts) = robot(false);
    let dir = campaign(2, port, "  webhook_kind: dingtalk\n");
    let run = remind(
        dir.path(),
        &url,
        &["--channel", "webhook", "--unit", "beta"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body: serde_json::Value = serde_json::from_str(&posts.lock().unwrap()[0]).unwrap();
    // 钉钉's text message: the mention is under `at`.
    assert_eq!(body["msgtype"], "text");
    assert_eq!(body["at"]["atMobiles"], serde_json::json!(["13812345678"]));
    assert_eq!(body["at"]["isAtAll"], false);
}

#[test]
fn nothing_is_sent_before_the_first_point_of_the_schedule() {
    let (port, mails) = smtp_server(false);
    let (url, posts) = robot(false);
    let dir = campaign(10, port, "");
    let run = remind(dir.path(), &url, &[]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("今天没有需要发送的提醒"));
    assert!(mails.lock().unwrap().is_empty() && posts.lock().unwrap().is_empty());
    // The dry run still shows what beta lacks, marked as not due.
    let run = remind(dir.path(), &url, &["--dry-run"]);
    assert!(run.stdout.contains("今天不在提醒日"), "{}", run.stdout);
}

#[test]
fn a_message_names_each_entry_with_errors_and_each_draft() {
    let (port, _) = smtp_server(false);
    let dir = campaign(2, port, "");
    let d = dir.path();
    let good = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    std::fs::write(
        d.join("submissions/alpha/draft.md"),
        good.replacen("title: ", "draft: true\ntitle: 草稿项目", 1)
            .replacen("打造“指尖上的工会”网上服务平台", "", 1),
    )
    .unwrap();
    std::fs::write(
        d.join("submissions/alpha/broken.md"),
        good.replacen("打造“指尖上的工会”网上服务平台", "有错的项目", 1)
            .replacen("category: 12", "category: 99", 1),
    )
    .unwrap();
    let run = remind(
        d,
        "http://127.0.0.1:9/unused",
        &["--dry-run", "--unit", "alpha"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "项目《有错的项目》有错误，需改正：申报范围（`category`）的值 `99` 不在允许范围内"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("项目《草稿项目》还是草稿，尚未提交"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("乙公司工会"), "--unit alpha only");
}

/// A unit whose signed roster is older than an entry it submitted since is told to sign it
/// again, naming the entry.
#[test]
fn a_signed_roster_older_than_an_entry_is_to_be_signed_again() {
    let (port, _) = smtp_server(false);
    let dir = campaign(2, port, "");
    let d = dir.path();
    let good = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    std::fs::write(
        d.join("submissions/alpha/later.md"),
        good.replacen("打造“指尖上的工会”网上服务平台", "签章之后的项目", 1),
    )
    .unwrap();
    git(d, &["add", "-A"]);
    let later = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap()
        .to_string();
    let out = std::process::Command::new("git")
        .args(["commit", "-q", "-m", "an entry after the signed roster"])
        .current_dir(d)
        .env("GIT_COMMITTER_DATE", &later)
        .env("GIT_AUTHOR_DATE", &later)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let run = remind(
        d,
        "http://127.0.0.1:9/unused",
        &["--dry-run", "--unit", "alpha"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "签字盖章的《申报汇总表》上传之后又提交或修改了《签章之后的项目》，签过的汇总表与现在的不符：请重新打印汇总表"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn the_office_previews_and_sends_the_same_reminders_from_the_portal() {
    use common::portal::{Client, start_env};
    let (port, mails) = smtp_server(false);
    let (url, posts) = robot(false);
    let dir = campaign(2, port, "");
    let d = dir.path();
    let run = common::shenbao(
        d,
        &["portal", "invite", "--organiser", "office@example.org"],
    );
    let token = run.stdout.trim().rsplit('/').next().unwrap().to_string();
    // The portal reads the robot's address from its own environment, as remind does.
    let portal = start_env(d, &[], &[("TEST_ROBOT", &url)]);
    let office = Client::login(&portal.addr, &token);
    let page = office.get("/office/reminders");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("乙公司工会") && page.body.contains("还差 1 个项目"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<h2>甲区总工会</h2>"));
    assert!(mails.lock().unwrap().is_empty(), "a preview sends nothing");
    let csrf = office.csrf("/office/reminders");
    let sent = office.post("/office/reminders", &[("csrf", &csrf)]);
    assert!(sent.body.contains("已发送：乙公司工会"), "{}", sent.body);
    assert_eq!(mails.lock().unwrap().len(), 1);
    assert_eq!(posts.lock().unwrap().len(), 1);
    // Sent, it is not offered again as today's to send (the page said 1 due, and offered the
    // button, after sending it).
    for page in [sent.body, office.get("/office/reminders").body] {
        assert!(page.contains("今天已发送"), "{page}");
        assert!(page.contains("今天应发送 0 条"), "{page}");
        assert!(!page.contains("发送今天的提醒（"), "{page}");
    }
    let run = remind(d, &url, &["--dry-run"]);
    assert!(
        run.stdout.contains("今天已发送") && !run.stdout.contains("今天按计划发送"),
        "{}",
        run.stdout
    );
    // The command run by cron the same day finds them sent.
    let run = remind(d, &url, &[]);
    assert!(
        run.stdout.contains("今天没有需要发送的提醒"),
        "{}",
        run.stdout
    );
    assert_eq!(mails.lock().unwrap().len(), 1);
}
