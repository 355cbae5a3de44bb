//! A small WebDriver client for headless Chromium through Debian's `chromedriver`: enough to log
//! in, fill a form by its labels, upload a file and read the page, as a clerk would. The
//! protocol is JSON over HTTP on 127.0.0.1.
//!
//! `SHENBAO_CHROMEDRIVER` and `SHENBAO_CHROMIUM` name the programs; otherwise they are looked
//! up in `PATH`. Without them the tests using this are ignored (see `build.rs`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::chromium::{Turn, find_program};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser session, ended (and its driver stopped) when dropped.
pub struct Browser {
    driver: Child,
    addr: String,
    session: String,
    /// Held while the browser runs (see `chromium::turn`); let go after `drop` ends it.
    _turn: Turn,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call(
            &self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One WebDriver command; its `value`.
fn call(addr: &str, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body.as_bytes()))
        .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then Content-Length bytes.
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            _ => return Err("the connection closed".into()),
        }
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or("no Content-Length")?;
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).map_err(|e| e.to_string())?;
    let json: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let value = json["value"].clone();
    if value.get("error").is_some() {
        return Err(format!("{method} {path}: {value}"));
    }
    Ok(value)
}

impl Browser {
    /// A headless Chromium with a phone's window.
    pub fn start() -> Browser {
        let driver = find_program("SHENBAO_CHROMEDRIVER", &["chromedriver"]);
        let (Some(driver), Some(chromium)) = (driver, super::chromium::program()) else {
            panic!("chromedriver and chromium are needed (Debian: chromium chromium-driver)");
        };
        let turn = super::chromium::turn();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = format!("127.0.0.1:{port}");
        let until = Instant::now() + Duration::from_secs(20);
        while call(&addr, "GET", "/status", None)
            .map(|v| v["ready"] != true)
            .unwrap_or(true)
        {
            assert!(Instant::now() < until, "chromedriver did not get ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"]
            }
        }}});
        let session = call(&addr, "POST", "/session", Some(caps)).expect("a browser session");
        let session = session["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Browser {
            driver: child,
            addr,
            session,
            _turn: turn,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A command of this session, its error an answer.
    fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        call(
            &self.addr,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    pub fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The element an XPath finds, if any.
    pub fn find(&self, xpath: &str) -> Option<String> {
        call(
            &self.addr,
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({"using": "xpath", "value": xpath})),
        )
        .ok()
        .and_then(|v| v[ELEMENT].as_str().map(str::to_string))
    }

    /// Wait until an XPath finds an element (a page loading after a click).
    pub fn wait_for(&self, xpath: &str) -> String {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = self.find(xpath) {
                return e;
            }
            assert!(
                Instant::now() < until,
                "not found: {xpath}\n{}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The control a visible `<label>` names, as a user finds it.
    pub fn by_label(&self, label: &str) -> String {
        let label_el = self.wait_for(&format!(
            "//label[starts-with(normalize-space(.), '{label}')]"
        ));
        let id = self.cmd("GET", &format!("/element/{label_el}/attribute/for"), None);
        let id = id
            .as_str()
            .unwrap_or_else(|| panic!("label {label} names no control"));
        self.wait_for(&format!("//*[@id='{id}']"))
    }

    pub fn click(&self, element: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    pub fn clear(&self, element: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
    }

    pub fn type_in(&self, element: &str, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn text(&self, element: &str) -> String {
        self.cmd("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Fill the control labelled `label` with `text`.
    pub fn fill(&self, label: &str, text: &str) {
        let e = self.by_label(label);
        self.clear(&e);
        self.type_in(&e, text);
    }

    /// Choose the option shown as `option` in the select labelled `label`.
    pub fn choose(&self, label: &str, option: &str) {
        let select = self.by_label(label);
        let id = self.cmd("GET", &format!("/element/{select}/attribute/id"), None);
        let id = id.as_str().unwrap_or_default().to_string();
        let opt = self.wait_for(&format!(
            "//select[@id='{id}']/option[contains(., '{option}')]"
        ));
        self.click(&opt);
    }

    /// Run `script` (a function body: `arguments` are `args`, `return` gives the value) in the
    /// page, waiting for a promise it returns. WebDriver runs it outside the page's
    /// Content-Security-Policy, so pages without inline scripts can still be examined.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Resize the window (CSS pixels), as a reader turning a tablet or widening a window.
    pub fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// A Chrome DevTools Protocol command (`Network.setCacheDisabled`, …).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.try_cdp(cmd, params).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A Chrome DevTools Protocol command, its error an answer (a node asked for by an id that
    /// a document replaced since no longer has).
    pub fn try_cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.try_cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    }

    /// Forget every cookie, as a browser does when a session ends.
    #[allow(dead_code)]
    pub fn delete_cookies(&self) {
        self.cmd("DELETE", "/cookie", None);
    }

    /// Click the button that says `text`.
    pub fn press(&self, text: &str) {
        let b = self.wait_for(&format!("//button[normalize-space(.)='{text}']"));
        self.click(&b);
    }
}
