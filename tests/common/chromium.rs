//! Headless Chromium for the tests: where it is, how many run at once, and a run that is
//! bounded in time.
//!
//! A test binary runs its tests in parallel. Nineteen browsers starting together on CI's two
//! cores starve each other, and one of them once sat past a minute on a five-entry page (CI,
//! 2026-12-01). So at most as many browsers run as the machine has cores; a test waits for its
//! turn. A headless run that still outlives its bound is ended and tried once more: what the
//! test asserts is checked on that second run's page, the same as on the first.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The program `var` names, or the first of `names` found in `PATH`.
pub fn find_program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Chromium: `SHENBAO_CHROMIUM`, or Debian's, Ubuntu's or Google's in `PATH`.
pub fn program() -> Option<PathBuf> {
    find_program(
        "SHENBAO_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
}

/// A turn to run a browser; the next waiting test gets it when this is dropped.
pub struct Turn(());

static RUNNING: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// Wait until fewer browsers run than the machine has cores (two at least), and take a turn.
pub fn turn() -> Turn {
    let most = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    while *running >= most {
        running = FREED.wait(running).unwrap_or_else(|e| e.into_inner());
    }
    *running += 1;
    Turn(())
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        *running -= 1;
        FREED.notify_one();
    }
}

/// How long one headless run may take: a page of the fixtures loads in a second or two.
const BOUND: Duration = Duration::from_secs(60);

/// Run headless Chromium with `args` and a fresh profile, in its turn; its output. A run past
/// [`BOUND`] is ended and tried once more; a second one past it fails the test, naming `what`.
pub fn headless(args: &[String], what: &str) -> Output {
    let browser = program().expect("no Chromium found: install chromium or set SHENBAO_CHROMIUM");
    let _turn = turn();
    for attempt in 1..=2 {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
            ])
            .args(args)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that ending it ends its renderers too, and with them
            // their ends of the pipes.
            .process_group(0)
            .spawn()
            .expect("start chromium");
        // Both pipes are read while it runs: a browser whose log fills a pipe nobody reads waits
        // on it for ever.
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || read_all(stdout));
        let err = std::thread::spawn(move || read_all(stderr));
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if start.elapsed() > BOUND {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                child.kill().ok();
                child.wait().ok();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
        match status {
            Some(status) => {
                return Output {
                    status,
                    stdout,
                    stderr,
                };
            }
            None => eprintln!(
                "chromium ran past {BOUND:?} on {what} (attempt {attempt}): {}",
                String::from_utf8_lossy(&stderr)
            ),
        }
    }
    panic!("chromium hung twice on {what}");
}

fn read_all(mut from: impl std::io::Read) -> Vec<u8> {
    let mut all = Vec::new();
    let _ = from.read_to_end(&mut all);
    all
}
