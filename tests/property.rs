//! Whatever `check` accepts, `build` builds: random mutations of a valid entry, checked and then
//! built in memory, never give "no error" from one and a failure from the other. Bounded: a
//! fixed seed and a fixed number of mutations, so a failure is reproduced by running it again.

mod common;

use shenbao_core::diagnostic;
use shenbao_core::project::{self, LoadOptions};
use shenbao_core::summary::Summary;
use shenbao_site::BuildOptions;

/// Pieces a unit might type, paste or forge, good and bad.
const PIECES: &[&str] = &[
    "[x](other-page)",
    "[x](sub)",
    "[x](./javascript:x)",
    "[x](x%2Ehtml)",
    "[x](a_b:x.html)",
    "[x](photo.jpg)",
    "![x](photo.jpg)",
    "![x](data.csv)",
    "[x](data.csv#top)",
    "[x](good-entry/data.csv)",
    "[x](../second-entry.md)",
    "[x](/etc/passwd)",
    "[x](C:\\x.jpg)",
    "[x](%ZZ)",
    "[x](%E7%85%A7.jpg)",
    "![x](//evil.example/p.png)",
    "[x](https://example.org)",
    "[x](mailto:a@b.org)",
    "<img src=x onerror=alert(1)>",
    "<SCRIPT>\nalert(1)\n</SCRIPT>\n",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<details><summary>s</summary>t</details>",
    "> > > quote\n",
    "- [ ] task\n- [x] done\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "text[^1]\n\n[^1]: note\n",
    "```\ncode\n```\n",
    "## 背景\n",
    "### 创新性\n",
    "\n\n",
    "*",
    "`",
    "<",
    "]",
    "(",
    "\\",
    "&#0;",
    "&lt;script&gt;",
];

#[test]
fn what_check_accepts_build_builds() {
    let dir = common::fixture("valid");
    let root = dir.path();
    let entry = root.join("submissions/alpha/good-entry.md");
    let original = std::fs::read_to_string(&entry).unwrap();
    let body_at = original.find("\n## ").unwrap();
    let mut rng = common::Rng(0x5eed_2017_0061);
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..300 {
        let mut text = original.clone();
        for _ in 0..1 + rng.below(4) {
            // Somewhere in the body, on a character boundary.
            let span = text.len() - body_at;
            let mut at = body_at + rng.below(span);
            while !text.is_char_boundary(at) {
                at += 1;
            }
            text.insert_str(at, PIECES[rng.below(PIECES.len())]);
        }
        std::fs::write(&entry, &text).unwrap();
        let options = LoadOptions {
            bodies: project::Bodies::Rendered,
            skip_git: true,
            ..LoadOptions::default()
        };
        let project = project::load(root, options, &shenbao_core::history::NoHistory).unwrap();
        if diagnostic::count(&project.diagnostics).errors > 0 {
            refused += 1;
            continue;
        }
        accepted += 1;
        let build = BuildOptions {
            out: root.join("out"),
            base_url: None,
            drafts: false,
        };
        let summary = Summary::of(&project, false);
        if let Err(e) = shenbao_site::build_in_memory(&project, &summary, &build, None) {
            panic!("round {round}: check accepted, build failed ({e}) on:\n{text}");
        }
    }
    // Both sides were exercised.
    assert!(
        accepted > 20 && refused > 20,
        "{accepted} accepted, {refused} refused"
    );
}
