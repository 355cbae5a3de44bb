//! A client of `shenbao portal` for the tests and the load benchmark: the real binary on a free
//! port, and HTTP/1.1 requests as a browser would send them (a session cookie, the form's CSRF
//! token, multipart uploads).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a request may wait for its answer: a guard against hangs in the tests; the load
/// benchmark, where saves queue behind each other, waits longer.
pub static READ_TIMEOUT_SECS: AtomicU64 = AtomicU64::new(30);

/// A running portal on a free port, stopped when dropped.
pub struct Portal {
    pub child: Child,
    pub addr: String,
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(dir: &Path, extra: &[&str]) -> Portal {
    start_env(dir, extra, &[])
}

/// [`start`], with these environment variables set (a robot's address, say).
pub fn start_env(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Portal {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["portal", "--port", "0"])
        .args(extra)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("portal did not start: {line}{err}")
        })
        .to_string();
    Portal { child, addr }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request, the connection closed after it.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(
            READ_TIMEOUT_SECS.load(Ordering::Relaxed),
        )))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

pub fn encode(pairs: &[(&str, &str)]) -> String {
    fn part(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", part(k), part(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A logged-in browser of one account.
pub struct Client {
    pub addr: String,
    pub cookie: String,
}

impl Client {
    pub fn login(addr: &str, token: &str) -> Client {
        let r = request(
            addr,
            "POST",
            "/login",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            encode(&[("token", token)]).as_bytes(),
        );
        assert_eq!(r.status, 303, "{r:?}");
        let set = r
            .header("set-cookie")
            .expect("a session cookie")
            .to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        Client {
            addr: addr.into(),
            cookie: set.split(';').next().unwrap().to_string(),
        }
    }

    pub fn get(&self, path: &str) -> Answer {
        request(&self.addr, "GET", path, &[("Cookie", &self.cookie)], b"")
    }

    /// The CSRF token the page at `path` carries in its forms.
    pub fn csrf(&self, path: &str) -> String {
        let page = self.get(path).body;
        page.split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_string()
    }

    pub fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        request(
            &self.addr,
            "POST",
            path,
            &[
                ("Cookie", &self.cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            encode(pairs).as_bytes(),
        )
    }

    /// A multipart upload of `files` (field name, file name, bytes), the CSRF token first.
    pub fn upload(&self, path: &str, csrf: &str, files: &[(&str, &str, &[u8])]) -> Answer {
        let boundary = "----shenbao-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
        for (field, name, bytes) in files {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let kind = format!("multipart/form-data; boundary={boundary}");
        request(
            &self.addr,
            "POST",
            path,
            &[("Cookie", &self.cookie), ("Content-Type", &kind)],
            &body,
        )
    }
}

/// A valid entry as the portal's form sends it.
pub const ENTRY: &[(&str, &str)] = &[
    ("title", "网上服务平台"),
    ("category", "12"),
    ("contact", "张三"),
    ("phone", "0312-1234567"),
    ("summary", "职工在手机上办理入会和求助。"),
    ("section.0.name", "背景"),
    ("section.0.text", "职工分散，线下服务难以覆盖。"),
    ("section.1.name", "主要内容"),
    ("section.1.text", "建设网上服务平台。"),
    ("section.2.name", "实施情况"),
    ("section.2.text", "2017年3月上线。"),
    ("section.3.name", "取得的效果"),
    ("section.3.text", "服务职工一万人次。"),
    ("section.4.name", "创新性"),
    ("section.4.text", "首次把入会搬到网上。"),
];

/// `base` with the fields of `more` replaced or added.
pub fn with<'a>(
    base: &[(&'a str, &'a str)],
    more: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = base
        .iter()
        .filter(|(k, _)| !more.iter().any(|(m, _)| m == k))
        .copied()
        .collect();
    all.extend_from_slice(more);
    all
}

/// Make the campaign in `dir` a repository of one commit, as a federation's would be.
pub fn commit_the_call(dir: &Path) {
    super::git(dir, &["init", "-q", "-b", "main"]);
    super::git(dir, &["add", "-A"]);
    super::git(dir, &["commit", "-q", "-m", "the call"]);
}

/// The valid fixture as a repository; `late`: its portal takes late entries (its deadline is
/// 2017).
pub fn repository(late: bool) -> tempfile::TempDir {
    let dir = super::fixture("valid");
    if late {
        let path = dir.path().join("campaign.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}portal: {{accept_late: true}}\n")).unwrap();
    }
    commit_the_call(dir.path());
    dir
}
