//! Hostile input: each answered with a diagnostic, never a panic or a hang.

mod common;

use common::{diagnostics, fixture, shenbao};

fn check_one(file_name: &str, bytes: &[u8]) -> Vec<common::Found> {
    let dir = fixture("valid");
    let path = dir.path().join("submissions/alpha").join(file_name);
    std::fs::write(&path, bytes).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let rel = format!("submissions/alpha/{file_name}");
    diagnostics(&run)
        .into_iter()
        .filter(|d| d.file == rel)
        .collect()
}

#[test]
fn an_alias_bomb_is_a_yaml_error() {
    let mut text = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("---\n");
    let found = check_one("bomb.md", text.as_bytes());
    assert_eq!(found[0].code, "yaml-syntax", "{found:?}");
}

#[test]
fn deep_nesting_is_a_yaml_error() {
    let text = format!(
        "---\ntitle: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let found = check_one("deep.md", text.as_bytes());
    assert_eq!(found[0].code, "yaml-syntax", "{found:?}");
    assert_eq!(found[0].line, 2);
}

#[test]
fn a_20_mb_entry_is_refused_unread() {
    let mut text = b"---\ntitle: x\n---\n".to_vec();
    text.resize(20 * 1024 * 1024, b'a');
    let found = check_one("huge.md", &text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "file-too-large");
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let found = check_one("gbk.md", b"---\ntitle: \xb1\xa3\xb6\xa8\n---\n");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].code.as_str(), found[0].line, found[0].column),
        ("not-utf8", 2, 8)
    );
    // The terminal's report points there too, though it cannot show the line.
    let dir = fixture("valid");
    std::fs::write(
        dir.path().join("submissions/alpha/gbk.md"),
        b"---\ntitle: \xb1\xa3\xb6\xa8\n---\n",
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert!(
        run.stdout.contains("--> submissions/alpha/gbk.md:2:8"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_nul_byte_is_located() {
    let found = check_one("nul.md", b"---\ntitle: a\0b\n---\n");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].code.as_str(), found[0].line, found[0].column),
        ("invalid-character", 2, 9)
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_entry_leading_out_of_the_campaign_is_not_read() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: secret\n---\n").unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("submissions/alpha/link.md")).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let found = diagnostics(&run);
    let link: Vec<_> = found
        .iter()
        .filter(|d| d.file == "submissions/alpha/link.md")
        .collect();
    assert_eq!(link.len(), 1, "{found:?}");
    assert_eq!(link[0].code, "path-escape");
    assert!(!run.stdout.contains("secret"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_attachment_leading_out_is_a_path_escape() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.jpg"), b"jpeg").unwrap();
    let photo = dir.path().join("submissions/alpha/good-entry/photo.jpg");
    std::fs::remove_file(&photo).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.jpg"), &photo).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let found = diagnostics(&run);
    let cover = found
        .iter()
        .find(|d| d.file == "submissions/alpha/good-entry.md" && d.line == 13)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!((cover.code.as_str(), cover.column), ("path-escape", 8));
}

/// The text a report prints for `file`'s diagnostics, in both languages, JSON messages included.
fn messages_of(dir: &std::path::Path, file: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for lang in ["zh-CN", "en"] {
        let run = shenbao(dir, &["--lang", lang, "check", "--format", "json"]);
        for d in run.json()["diagnostics"].as_array().unwrap() {
            if d["file"] == file {
                out.push((lang.to_string(), d["message"].as_str().unwrap().to_string()));
            }
        }
    }
    out
}

#[test]
fn an_alias_bomb_is_explained_in_the_campaigns_language() {
    let dir = fixture("valid");
    let mut text = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("---\n");
    std::fs::write(dir.path().join("submissions/alpha/bomb.md"), text).unwrap();
    let messages = messages_of(dir.path(), "submissions/alpha/bomb.md");
    assert_eq!(messages.len(), 2, "{messages:?}");
    for (lang, message) in &messages {
        for debug in ["budget", "Nodes", "{", "breached"] {
            assert!(!message.contains(debug), "{lang}: {message}");
        }
    }
    assert!(
        messages[0].1.contains("最多 100000 个值"),
        "{}",
        messages[0].1
    );
    assert!(
        messages[1].1.contains("over the limit of 100000 values"),
        "{}",
        messages[1].1
    );
}

/// A folder name that is not UTF-8 (Windows zip tools make them) is one diagnostic on that
/// folder; the other units are still checked.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_whose_name_is_not_utf8_is_a_diagnostic_and_the_rest_is_checked() {
    use std::os::unix::ffi::OsStrExt;
    let dir = fixture("valid");
    let name = std::ffi::OsStr::from_bytes(b"\xb1\xa3\xb6\xa8");
    let folder = dir.path().join("submissions").join(name);
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("x.md"), "---\ntitle: x\n---\n").unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        run.code, 1,
        "an error, not an unusable campaign: {}",
        run.stderr
    );
    let found = diagnostics(&run);
    let on_folder: Vec<_> = found.iter().filter(|d| d.code == "unknown-unit").collect();
    assert_eq!(on_folder.len(), 1, "{found:?}");
    assert!(on_folder[0].file.starts_with("submissions/"), "{found:?}");
    assert_eq!(
        run.json()["summary"]["entries"],
        2,
        "alpha's entries were checked"
    );
}

#[test]
fn a_huge_unit_card_is_refused_unread_and_its_report_stays_small() {
    let dir = fixture("valid");
    let card = dir.path().join("submissions/alpha/unit.yaml");
    // One line of 20 MB: read whole, it would also be the excerpt under the caret.
    let mut text = b"leader: ".to_vec();
    text.resize(20 * 1024 * 1024, b'x');
    text.push(b'\n');
    std::fs::write(&card, &text).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let found: Vec<_> = diagnostics(&run)
        .into_iter()
        .filter(|d| d.file == "submissions/alpha/unit.yaml")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "file-too-large");
    let human = shenbao(dir.path(), &["check"]);
    assert!(
        human.stdout.len() < 64 * 1024,
        "the report printed {} bytes",
        human.stdout.len()
    );
}

/// A card that is a symlink out of its unit's folder is not read, and none of what it points at
/// reaches the report (CI logs are public).
#[cfg(unix)]
#[test]
fn a_symlinked_unit_card_is_a_path_escape_and_not_echoed() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOKEN=s3cr3t-value\n").unwrap();
    let card = dir.path().join("submissions/alpha/unit.yaml");
    std::fs::remove_file(&card).unwrap();
    std::os::unix::fs::symlink(&secret, &card).unwrap();
    for format in ["human", "json", "github"] {
        let run = shenbao(dir.path(), &["check", "--format", format]);
        assert!(
            !run.stdout.contains("s3cr3t") && !run.stderr.contains("s3cr3t"),
            "{format}: {}",
            run.stdout
        );
    }
    let found: Vec<_> = diagnostics(&shenbao(dir.path(), &["check", "--format", "json"]))
        .into_iter()
        .filter(|d| d.file == "submissions/alpha/unit.yaml")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "path-escape");
}

/// 80,000 nested quotes and one raw tag: an error at the first level too deep, and a build that
/// refuses at once instead of sanitising for a minute (the run's hang guard would stop it).
#[test]
fn quotes_nested_80000_deep_are_refused_without_rendering() {
    let dir = fixture("valid");
    let path = dir.path().join("submissions/alpha/second-entry.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count();
    let body = format!(
        "{}\n\n{}text <b>bold</b>\n",
        text.trim_end(),
        "> ".repeat(80_000)
    );
    std::fs::write(&path, body).unwrap();
    let found: Vec<_> = diagnostics(&shenbao(dir.path(), &["check", "--format", "json"]))
        .into_iter()
        .filter(|d| d.code == "nested-too-deep")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, "submissions/alpha/second-entry.md");
    assert_eq!(found[0].line as usize, lines + 2);
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

/// Files of the site, whole, to search for what must never be published.
fn site_contains(out: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    common::snapshot_tree(out)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(path, _)| path)
        .collect()
}

/// A body link without an extension is not an attachment the rules check; through a symlink out
/// of the campaign it would publish whatever it points at (git stores symlinks: a pull request
/// can carry one). The build never copies a file through a link that leaves the entry's folder.
#[cfg(unix)]
#[test]
fn a_body_link_to_a_symlink_out_is_never_published() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("environ"), "CI_TOKEN=s3cr3t-value\n").unwrap();
    let folder = dir.path().join("submissions/alpha/good-entry");
    std::os::unix::fs::symlink(outside.path().join("environ"), folder.join("leak")).unwrap();
    std::os::unix::fs::symlink(outside.path(), folder.join("outdir")).unwrap();
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(
        &entry,
        text.replacen(
            "## 背景\n\n文字。",
            "## 背景\n\n文字，见[附](leak)与[目录](outdir/environ)。",
            1,
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert!(run.code <= 1, "{}", run.stderr);
    if out.exists() {
        assert_eq!(
            site_contains(&out, b"s3cr3t"),
            Vec::<std::path::PathBuf>::new()
        );
    }
    assert!(!run.stdout.contains("s3cr3t") && !run.stderr.contains("s3cr3t"));
}

/// An entry's attachment folder that is itself a symlink out of the campaign: what is inside
/// is judged where it really is.
#[cfg(unix)]
#[test]
fn an_attachment_folder_linked_out_of_the_campaign_is_a_path_escape() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    let folder = dir.path().join("submissions/alpha/good-entry");
    common::copy_tree(&folder, outside.path());
    std::fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(outside.path(), &folder).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let codes: Vec<_> = diagnostics(&run)
        .into_iter()
        .filter(|d| d.file == "submissions/alpha/good-entry.md")
        .map(|d| d.code)
        .collect();
    assert_eq!(
        codes,
        ["path-escape", "path-escape", "path-escape"],
        "the cover, the attachment and the photo in the body"
    );
}

/// The signed roster is published as it is, so it must be a photo or a PDF, by name and by
/// content: an `x.html`, or a page named `.jpg`, would run on the site's origin.
#[test]
fn a_signed_roster_that_is_not_a_scan_is_refused() {
    for (name, content) in [
        ("x.html", &b"<script>alert(document.cookie)</script>"[..]),
        ("x.svg", &b"<svg onload=alert(1)></svg>"[..]),
        ("fake.jpg", &b"<html><script>alert(1)</script></html>"[..]),
    ] {
        let dir = fixture("valid");
        let unit = dir.path().join("submissions/alpha");
        std::fs::write(unit.join(name), content).unwrap();
        let card = std::fs::read_to_string(unit.join("unit.yaml")).unwrap();
        std::fs::write(
            unit.join("unit.yaml"),
            card.replace(
                "roster_signed: signed.jpg",
                &format!("roster_signed: {name}"),
            ),
        )
        .unwrap();
        let run = shenbao(dir.path(), &["check", "--format", "json"]);
        let found: Vec<_> = diagnostics(&run)
            .into_iter()
            .filter(|d| d.file == "submissions/alpha/unit.yaml")
            .map(|d| d.code)
            .collect();
        // One diagnostic: the card names a file that is not a scan (not also "no roster").
        assert_eq!(found, ["unit-card-invalid"], "{name}");
        let out = dir.path().join("out");
        let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{name}: not built");
    }
}

/// A link is decoded and classified once, as a browser reads it, for the rules and the site:
/// `x%2Ehtml` is `x.html`, `a_b:x.html` a relative path (`_` makes no scheme), and each is
/// judged as the file it names.
#[test]
fn links_are_judged_as_the_files_a_browser_would_open() {
    let dir = fixture("valid");
    let folder = dir.path().join("submissions/alpha/good-entry");
    std::fs::write(folder.join("x.html"), "<script>alert(1)</script>").unwrap();
    std::fs::write(folder.join("y.svg"), "<svg onload=alert(2)></svg>").unwrap();
    std::fs::create_dir(folder.join("sub")).unwrap();
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    let links =
        "[a](x%2Ehtml) [b](a_b:x.html) [c](y%2Esvg) [d](other-page) [e](sub) [f](./javascript:x)";
    std::fs::write(
        &entry,
        text.replacen("## 背景\n\n文字。", &format!("## 背景\n\n{links}"), 1),
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let found: Vec<_> = diagnostics(&run)
        .into_iter()
        .filter(|d| d.file == "submissions/alpha/good-entry.md")
        .map(|d| d.code)
        .collect();
    assert_eq!(
        found,
        [
            "attachment-type",
            "attachment-missing",
            "attachment-type",
            "attachment-missing",
            "attachment-missing",
            "attachment-missing"
        ],
        "each link in order"
    );
    // What check refuses, build refuses too: no entry passes one and fails the other.
    let out = dir.path().join("out");
    assert_eq!(
        shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]).code,
        1
    );
}

/// A file of an allowed type whose content is a page is never published, though the rules have
/// nothing against its name.
#[test]
fn a_page_under_an_allowed_name_is_never_published() {
    let dir = fixture("valid");
    let folder = dir.path().join("submissions/alpha/good-entry");
    std::fs::write(folder.join("z.csv"), "<html><script>alert(3)</script>").unwrap();
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(
        &entry,
        text.replacen("## 背景\n\n文字。", "## 背景\n\n文字，[表](z.csv)。", 1),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let published = out.join("entries/alpha/good-entry");
    assert!(!published.join("z.csv").exists(), "z.csv was published");
    assert!(
        published.join("photo.jpg").exists(),
        "a real photo still is"
    );
    assert_eq!(
        site_contains(&out, b"alert("),
        Vec::<std::path::PathBuf>::new()
    );
}

/// A `<SCRIPT>` block closed by `</SCRIPT>` ends there: the sections after it are found, and the
/// script is reported, not the sections as missing.
#[test]
fn an_upper_case_script_block_does_not_swallow_the_sections_after_it() {
    let dir = fixture("valid");
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(
        &entry,
        text.replacen("## 背景", "<SCRIPT>\nalert(1)\n</SCRIPT>\n\n## 背景", 1),
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let codes: Vec<_> = diagnostics(&run)
        .into_iter()
        .filter(|d| d.file == "submissions/alpha/good-entry.md")
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["unsafe-html"], "{codes:?}");
}

/// An entry cannot make every reader's browser request another site (a tracking pixel, a probe
/// of the intranet): each such image is a warning, and the site leaves it out.
#[test]
fn images_from_other_sites_are_reported_and_left_out() {
    let dir = fixture("valid");
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    let images = "![x](https://tracker.example/p.png) ![y](//tracker.example/q.png)\n\n<img src=\"http://tracker.example/r.png\" alt=\"r\">\n\n<video poster=\"https://tracker.example/s.jpg\"></video>";
    std::fs::write(
        &entry,
        text.replacen(
            "## 背景\n\n文字。",
            &format!("## 背景\n\n文字。\n\n{images}"),
            1,
        ),
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let external: Vec<_> = diagnostics(&run)
        .into_iter()
        .filter(|d| d.code == "external-request")
        .collect();
    assert_eq!(external.len(), 4, "{external:?}");
    assert!(external.iter().all(|d| d.severity == "warning"));
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        site_contains(&out.join("entries"), b"tracker.example"),
        Vec::<std::path::PathBuf>::new()
    );
    // A second line of defence wherever the site is hosted: every page forbids loading from
    // elsewhere.
    for (path, bytes) in common::snapshot_tree(&out) {
        if path.extension().is_some_and(|e| e == "html") {
            let page = String::from_utf8_lossy(&bytes);
            assert!(
                page.contains("http-equiv=\"Content-Security-Policy\"")
                    && page.contains("img-src 'self' data:"),
                "{} has no policy",
                path.display()
            );
        }
    }
}

/// A unit may not reach files of the campaign that are not its own — the organisers' judging
/// notes, another unit's drafts — through a link in its own folder, though the link stays
/// inside the campaign.
#[cfg(unix)]
#[test]
fn an_attachment_folder_linked_elsewhere_in_the_campaign_is_a_path_escape() {
    let dir = fixture("valid");
    let folder = dir.path().join("submissions/alpha/good-entry");
    let judging = dir.path().join("judging");
    common::copy_tree(&folder, &judging);
    std::fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink("../../judging", &folder).unwrap();
    // And an entry that is a link to another entry.
    std::os::unix::fs::symlink(
        "second-entry.md",
        dir.path().join("submissions/alpha/copy.md"),
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let found = diagnostics(&run);
    let escapes = |file: &str| {
        found
            .iter()
            .filter(|d| d.file == file && d.code == "path-escape")
            .count()
    };
    assert_eq!(escapes("submissions/alpha/good-entry.md"), 3, "{found:?}");
    assert_eq!(
        escapes("submissions/alpha/copy.md"),
        0,
        "a link inside the unit is its own"
    );
}

/// Raw HTML nested 200,000 deep (2 MB of `<div>`) would keep the sanitiser busy for minutes:
/// refused like deep quotes, before rendering (the run's hang guard would stop a slow build).
#[test]
fn raw_html_nested_deep_is_refused_without_rendering() {
    let dir = fixture("valid");
    let path = dir.path().join("submissions/alpha/second-entry.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let body = format!(
        "{}\n\n{}x{}\n",
        text.trim_end(),
        "<div>".repeat(190_000),
        "</div>".repeat(10)
    );
    std::fs::write(&path, body).unwrap();
    let found: Vec<_> = diagnostics(&shenbao(dir.path(), &["check", "--format", "json"]))
        .into_iter()
        .filter(|d| d.code == "nested-too-deep")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

/// A control character cannot be typed into a file unseen (the file is refused), but YAML writes
/// one as an escape in double quotes (`"\a"`, `"\u000b"`: text pasted from a slide carries such
/// line breaks) and Markdown as a character reference (`&#7;`). Published, it made the feed
/// XML that no reader parses and the roster's CSV carry it. The escape is an error at its
/// value, naming its key, while the rest of the entry is still checked; a reference becomes
/// U+FFFD; and nothing built carries one.
#[test]
fn a_control_character_written_as_an_escape_is_an_error_and_never_published() {
    let dir = fixture("valid");
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    let escaped = text
        .replacen(
            "title: 打造“指尖上的工会”网上服务平台",
            "title: \"打造“指尖上的工会”\\v网上服务平台\\a\"",
            1,
        )
        .replacen("    source: 保定日报", "    source: \"保定\\u000b日报\"", 1);
    assert_ne!(escaped, text);
    std::fs::write(&entry, &escaped).unwrap();
    let card = dir.path().join("submissions/alpha/unit.yaml");
    let card_text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(
        &card,
        card_text.replacen("leader: 李四", "leader: \"李\\x07四\"", 1),
    )
    .unwrap();

    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found: Vec<(String, u64, u64, String)> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "invalid-character")
        .map(|d| {
            let text = |k: &str| d[k].as_str().unwrap().to_string();
            let number = |k: &str| d[k].as_u64().unwrap();
            (
                text("file"),
                number("line"),
                number("column"),
                text("message"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "submissions/alpha/good-entry.md".to_string(),
                2,
                8,
                "`title` 的值含不可见的控制字符 U+000B（以转义写成）".to_string()
            ),
            (
                "submissions/alpha/good-entry.md".to_string(),
                11,
                13,
                "`recognition` 的值含不可见的控制字符 U+000B（以转义写成）".to_string()
            ),
            (
                "submissions/alpha/unit.yaml".to_string(),
                1,
                9,
                "`leader` 的值含不可见的控制字符 U+0007（以转义写成）".to_string()
            ),
        ]
    );
    // The rest of the entry is still checked: its other problems are said too.
    let broken = escaped.replacen("category: 12", "category: 99", 1);
    std::fs::write(&entry, &broken).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert!(
        diagnostics(&run).iter().any(|d| d.code == "invalid-value"),
        "{}",
        run.stdout
    );

    // Not built; with the escapes gone and references in the body, built without them.
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    std::fs::write(&card, &card_text).unwrap();
    std::fs::write(&entry, text.replacen("文字。", "响铃&#7;文字&#x0B;。", 1)).unwrap();
    let run = shenbao(
        dir.path(),
        &[
            "build",
            "--out",
            out.to_str().unwrap(),
            "--base-url",
            "https://example.org/",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Every text the site holds, as text: the search fragments in UTF-16 where that is shorter.
    let texts: Vec<(std::path::PathBuf, String)> = common::snapshot_tree(&out)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let ext = path.extension()?.to_str()?.to_string();
            let text = match (ext.as_str(), bytes.as_slice()) {
                ("txt", [0xFF, 0xFE, rest @ ..]) => String::from_utf16(
                    &rest
                        .chunks(2)
                        .map(|u| u16::from_le_bytes([u[0], u[1]]))
                        .collect::<Vec<_>>(),
                )
                .ok()?,
                ("html" | "xml" | "csv" | "json" | "txt", _) => String::from_utf8(bytes).ok()?,
                _ => return None,
            };
            Some((path, text))
        })
        .collect();
    assert!(texts.iter().any(|(p, _)| p.ends_with("feed.xml")));
    let with_control: Vec<_> = texts
        .iter()
        .filter(|(_, t)| t.contains(['\u{7}', '\u{b}']))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(with_control, Vec::<&std::path::PathBuf>::new());
    assert!(texts.iter().any(|(_, t)| t.contains("响铃\u{FFFD}文字")));
}
