//! The third-party validators users' tools apply to pages: axe-core (accessibility, run in the
//! page by headless Chromium) and the Nu Html Checker (`vnu.jar`, on saved files).
//!
//! `SHENBAO_AXE` names `axe.min.js` and `SHENBAO_VNU` `vnu.jar`; otherwise they are taken from
//! `tools/node_modules`, where `npm ci` in `tools/` puts the versions `tools/package.json` pins.
//! `SHENBAO_JAVA` names Java, else `java` on `PATH`. Without them the tests using these are
//! ignored (see `build.rs`); CI installs them (`.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::webdriver::Browser;

fn tool(var: &str, fallback: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(fallback))
}

/// One rule axe found broken on a page: its id, impact and where.
#[derive(Debug, Clone)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    pub nodes: Vec<String>,
}

impl Violation {
    /// Serious or critical: what a screen reader's or a low-vision reader's use breaks on.
    pub fn blocking(&self) -> bool {
        self.impact == "serious" || self.impact == "critical"
    }
}

/// axe-core's verdict on the page the browser shows: every rule it runs by default (WCAG 2.x A
/// and AA, and best practices), the violations only.
pub fn axe(browser: &Browser) -> Vec<Violation> {
    let path = tool("SHENBAO_AXE", "tools/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("axe-core at {}: {e}", path.display()));
    // Injected through WebDriver, which the page's Content-Security-Policy does not govern.
    let script = format!(
        "{source}\n;return axe.run(document, {{resultTypes: ['violations']}}).then(function (r) {{\
           return r.violations.map(function (v) {{ return {{rule: v.id, impact: v.impact, help: v.help,\
             nodes: v.nodes.map(function (n) {{ return n.target.join(' ') + ' ' + n.html.slice(0, 160); }})}}; }});\
         }});"
    );
    let found = browser.execute(&script, json!([]));
    found
        .as_array()
        .unwrap_or_else(|| panic!("axe gave no list: {found}"))
        .iter()
        .map(|v| Violation {
            rule: v["rule"].as_str().unwrap_or_default().into(),
            impact: v["impact"].as_str().unwrap_or_default().into(),
            help: v["help"].as_str().unwrap_or_default().into(),
            nodes: v["nodes"]
                .as_array()
                .map(|n| {
                    n.iter()
                        .map(|x| x.as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// One error of the Nu Html Checker: the file, line and message.
#[derive(Debug, Clone)]
pub struct HtmlError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// The Nu Html Checker's errors in every `.html` file under `dirs`, in one run of Java (one
/// JVM for the lot: starting one per page would take minutes).
pub fn vnu(dirs: &[&Path]) -> Vec<HtmlError> {
    let jar = tool(
        "SHENBAO_VNU",
        "tools/node_modules/vnu-jar/build/dist/vnu.jar",
    );
    let java = std::env::var_os("SHENBAO_JAVA").unwrap_or_else(|| "java".into());
    let out = Command::new(java)
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json", "--skip-non-html"])
        .args(dirs)
        .output()
        .unwrap_or_else(|e| panic!("java -jar {}: {e}", jar.display()));
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu's report is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["messages"]
        .as_array()
        .expect("vnu's messages")
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| HtmlError {
            file: m["url"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("file:")
                .to_string(),
            line: m["lastLine"].as_u64().unwrap_or(0),
            message: m["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// A page with defects both validators must find, written into `dir` as `planted.html`: grey
/// text on white at 2:1, an input without a label, an image without `alt`, a `th` whose `scope`
/// is no keyword. A validator that passes this page proves nothing about the others.
pub fn plant(dir: &Path) -> PathBuf {
    let path = dir.join("planted.html");
    std::fs::write(
        &path,
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>埋下的缺陷</title></head>\n\
         <body><main><h1>埋下的缺陷</h1>\n<p style=\"color:#bbb;background:#fff\">浅灰色的说明文字</p>\n\
         <input name=\"q\">\n<img src=\"photo.png\">\n\
         <table><tr><th scope=\"left\">项目名称</th><td>一</td></tr></table>\n</main></body>\n</html>\n",
    )
    .unwrap();
    path
}
