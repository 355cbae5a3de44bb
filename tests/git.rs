//! Arrival times, the deadline and pull-request checks on real git repositories made in temporary
//! folders, with controlled dates and emails.

mod common;

use std::path::Path;
use std::process::Command;

use common::{diagnostics, fixture, shenbao};

const ORGANISER: &str = "office@example.org";
const ALPHA: &str = "alpha@example.org";
const BETA: &str = "beta@example.org";

/// Run git in `dir` as `email` at `date` (author and committer alike).
fn git(dir: &Path, email: &str, date: &str, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", email.split('@').next().unwrap())
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_NAME", email.split('@').next().unwrap())
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn commit(dir: &Path, email: &str, date: &str, message: &str) {
    git(dir, email, date, &["add", "-A"]);
    git(
        dir,
        email,
        date,
        &["commit", "-q", "--allow-empty", "-m", message],
    );
}

/// The site fixture as a repository: maintainers for alpha and beta, and everything but
/// `hold` committed by the organiser on 1 December 2017.
fn repository(hold: &[&str]) -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let dir = fixture("site");
    let path = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "{id: alpha, name: 甲区总工会, type: county}",
            "{id: alpha, name: 甲区总工会, type: county, maintainers: [alpha@example.org]}",
        )
        .replace(
            "{id: beta, name: 乙公司工会, type: grassroots}",
            "{id: beta, name: 乙公司工会, type: grassroots, maintainers: [beta@example.org]}",
        );
    std::fs::write(&path, text).unwrap();
    let mut held = Vec::new();
    for rel in hold {
        let file = dir.path().join(rel);
        held.push((rel.to_string(), std::fs::read(&file).unwrap()));
        std::fs::remove_file(file).unwrap();
    }
    git(
        dir.path(),
        ORGANISER,
        "2017-11-20T09:00:00+08:00",
        &["init", "-q", "-b", "main"],
    );
    commit(
        dir.path(),
        ORGANISER,
        "2017-12-01T09:00:00+08:00",
        "the call and first entries",
    );
    (dir, held)
}

fn put(dir: &Path, held: &[(String, Vec<u8>)], rel: &str) {
    let (_, bytes) = held.iter().find(|(r, _)| r == rel).unwrap();
    std::fs::write(dir.join(rel), bytes).unwrap();
}

fn codes_at(dir: &Path, args: &[&str], code: &str) -> Vec<String> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = shenbao(dir, &all);
    diagnostics(&run)
        .into_iter()
        .filter(|d| d.code == code)
        .map(|d| d.file)
        .collect()
}

fn status_of(dir: &Path, unit: &str) -> serde_json::Value {
    let run = shenbao(dir, &["status", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == unit)
        .unwrap()
        .clone()
}

#[test]
fn an_entry_that_arrives_after_the_deadline_is_late_and_an_edit_after_it_is_not() {
    let late = "submissions/beta/dangjian.md";
    let (dir, held) = repository(&[late]);
    let d = dir.path();
    put(d, &held, late);
    // Committed on a machine set to UTC: 10:00 in the campaign's zone.
    commit(d, BETA, "2017-12-07T02:00:00+00:00", "a late entry");
    // An on-time entry edited after the deadline: its arrival counts, not the edit.
    let edited = d.join("submissions/alpha/weiquan.md");
    common::edit(&edited, "示例内容。", "示例内容，补充了数据。");
    commit(d, ALPHA, "2017-12-10T10:00:00+08:00", "an edit");

    assert_eq!(codes_at(d, &[], "late-submission"), [late]);
    let run = shenbao(d, &["check"]);
    assert_eq!(run.code, 1);
    // Both times in the deadline's zone, as people write them.
    assert!(
        run.stdout
            .contains("项目于 2017年12月7日 10:00 才提交，晚于截止时间 2017年12月6日 23:59"),
        "{}",
        run.stdout
    );
    let run = shenbao(d, &["check", "--lang", "en"]);
    assert!(
        run.stdout.contains(
            "the entry arrived on 7 December 2017, 10:00, after the deadline, 6 December 2017, 23:59"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(status_of(d, "beta")["late"], 1);
    assert_eq!(status_of(d, "alpha")["late"], 0);
    // Nor is a unit told to mend what no edit can: its reminder does not list lateness.
    let run = shenbao(d, &["remind", "--dry-run", "--unit", "beta"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("才提交"), "{}", run.stdout);

    // The site is built all the same, late entry and all (no edit can mend a time, and the
    // status page is where lateness shows), saying so; entry pages and the feed carry the dates.
    let run = shenbao(d, &["build"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("1 个项目逾期提交；网站照常生成"),
        "{}",
        run.stderr
    );
    let status = std::fs::read_to_string(d.join("public/status/index.html")).unwrap();
    assert!(
        status.contains("<strong class=\"late\">1</strong>"),
        "{status}"
    );
    assert!(d.join("public/entries/beta/dangjian/index.html").is_file());
    // Any other error still stops it.
    common::edit(
        &d.join("submissions/alpha/weiquan.md"),
        "category: ",
        "category: 99 #",
    );
    let run = shenbao(d, &["build"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    common::edit(
        &d.join("submissions/alpha/weiquan.md"),
        "category: 99 #",
        "category: ",
    );
    let run = shenbao(d, &["build"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let page = std::fs::read_to_string(d.join("public/entries/alpha/weiquan/index.html")).unwrap();
    assert!(
        page.contains("首次提交") && page.contains("2017-12-01"),
        "{page}"
    );
    assert!(
        page.contains("最后更新") && page.contains("2017-12-10"),
        "{page}"
    );
    let feed = std::fs::read_to_string(d.join("public/feed.xml")).unwrap();
    assert!(
        feed.contains("<published>2017-12-01T09:00:00+08:00</published>"),
        "{feed}"
    );
    assert!(
        feed.contains("<updated>2017-12-10T10:00:00+08:00</updated>"),
        "{feed}"
    );
    // The late entry, committed in UTC, is shown in the campaign's zone too: on the day after
    // the deadline, where its committer's clock read the 7th at 02:00 and any zone west of it
    // the 6th, before the deadline.
    let page = std::fs::read_to_string(d.join("public/entries/beta/dangjian/index.html")).unwrap();
    assert!(
        page.contains("<time datetime=\"2017-12-07T10:00:00+08:00\">2017-12-07</time>"),
        "{page}"
    );
    assert!(
        feed.contains("<published>2017-12-07T10:00:00+08:00</published>"),
        "{feed}"
    );
    let entries: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("public/entries.json")).unwrap())
            .unwrap();
    let late = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "beta/dangjian")
        .unwrap_or_else(|| panic!("{entries}"));
    assert_eq!(
        late["first_submitted"], "2017-12-07T10:00:00+08:00",
        "{late}"
    );
}

/// A unit that signed its roster and then submitted more — a new entry, or a draft made an
/// entry — has a sheet that does not show what it submitted: a warning naming them, until a new
/// scan replaces the old one.
#[test]
fn a_signed_roster_older_than_an_entry_is_out_of_date_until_scanned_again() {
    let newer = "submissions/alpha/weiquan.md";
    let (dir, held) = repository(&[newer]);
    let d = dir.path();
    assert!(codes_at(d, &[], "roster-outdated").is_empty());

    // Saved as a draft before the signing (as the portal does), submitted after it.
    common::edit(&d.join("submissions/alpha/caogao.md"), "draft: true\n", "");
    commit(d, ALPHA, "2017-12-02T10:00:00+08:00", "a draft submitted");
    assert_eq!(
        codes_at(d, &[], "roster-outdated"),
        ["submissions/alpha/unit.yaml"]
    );
    let run = shenbao(d, &["check"]);
    assert!(
        run.stdout
            .contains("又提交或修改了 1 个项目（《尚未完成的草稿项目》）"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("shenbao roster --unit alpha --format html"),
        "{}",
        run.stdout
    );

    // A new scan, signed after it.
    std::fs::write(
        d.join("submissions/alpha/signed.jpg"),
        b"\xff\xd8\xff\xe0 a new scan",
    )
    .unwrap();
    commit(
        d,
        ALPHA,
        "2017-12-03T10:00:00+08:00",
        "the roster signed again",
    );
    assert!(codes_at(d, &[], "roster-outdated").is_empty());

    // One more entry after that.
    put(d, &held, newer);
    commit(d, ALPHA, "2017-12-04T10:00:00+08:00", "one more entry");
    let run = shenbao(d, &["check"]);
    assert!(
        run.stdout.contains(
            "签字盖章的汇总表 `signed.jpg` 上传之后，又提交或修改了 1 个项目（《劳动争议调解进车间》）"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_unit_granted_an_extension_is_judged_by_its_own_date() {
    let late = "submissions/beta/dangjian.md";
    let (dir, held) = repository(&[late]);
    let d = dir.path();
    put(d, &held, late);
    commit(d, BETA, "2017-12-07T10:00:00+08:00", "a late entry");
    assert_eq!(codes_at(d, &[], "late-submission"), [late]);

    // 补报: beta may submit until 8 December; the same arrival is now on time.
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\nextensions:\n  beta: 2017-12-08T18:00:00+08:00\n"),
    )
    .unwrap();
    assert!(codes_at(d, &[], "late-submission").is_empty());
    assert_eq!(status_of(d, "beta")["late"], 0);
    let run = shenbao(d, &["status"]);
    assert!(
        run.stdout
            .contains("补报：乙公司工会 延至 2017年12月8日 18:00"),
        "{}",
        run.stdout
    );

    // An extension for a unit the registry does not know is an error of campaign.yaml.
    std::fs::write(
        &path,
        format!("{text}\nextensions:\n  nosuch: 2017-12-08T18:00:00+08:00\n"),
    )
    .unwrap();
    assert_eq!(shenbao(d, &["check"]).code, 2);
}

#[test]
fn an_entry_not_yet_committed_is_not_submitted_and_never_late() {
    let pending = "submissions/gamma/yuanqu.md";
    let (dir, held) = repository(&[pending]);
    put(dir.path(), &held, pending);
    assert!(codes_at(dir.path(), &[], "late-submission").is_empty());
    let gamma = status_of(dir.path(), "gamma");
    assert_eq!(gamma["entries"], 0);
    assert_eq!(gamma["state"], "none");
}

#[test]
fn a_merged_entry_arrives_when_the_merge_reaches_the_main_line() {
    let early = "submissions/beta/dangjian.md";
    let later = "submissions/gamma/yuanqu.md";
    let (dir, held) = repository(&[early, later]);
    let d = dir.path();
    // Written on a branch before the deadline, merged after it: late.
    git(
        d,
        BETA,
        "2017-12-02T09:00:00+08:00",
        &["checkout", "-q", "-b", "beta-entry"],
    );
    put(d, &held, early);
    commit(d, BETA, "2017-12-02T09:00:00+08:00", "written early");
    git(
        d,
        ORGANISER,
        "2017-12-02T09:00:00+08:00",
        &["checkout", "-q", "main"],
    );
    // Meanwhile another entry lands on time on the main line.
    put(d, &held, later);
    commit(d, ORGANISER, "2017-12-05T09:00:00+08:00", "on time");
    git(
        d,
        ORGANISER,
        "2017-12-08T09:00:00+08:00",
        &["merge", "-q", "--no-ff", "-m", "merge beta", "beta-entry"],
    );
    assert_eq!(codes_at(d, &["--no-cache"], "late-submission"), [early]);
}

#[test]
fn a_renamed_entry_keeps_its_arrival() {
    let (dir, _) = repository(&[]);
    let d = dir.path();
    git(
        d,
        ALPHA,
        "2017-12-09T09:00:00+08:00",
        &[
            "mv",
            "submissions/alpha/weiquan.md",
            "submissions/alpha/tiaojie.md",
        ],
    );
    commit(d, ALPHA, "2017-12-09T09:00:00+08:00", "rename");
    assert!(codes_at(d, &[], "late-submission").is_empty());
    // And a file deleted and added back later arrives anew.
    let gone = d.join("submissions/gamma/yuanqu.md");
    let bytes = std::fs::read(&gone).unwrap();
    std::fs::remove_file(&gone).unwrap();
    commit(d, ORGANISER, "2017-12-09T10:00:00+08:00", "withdrawn");
    std::fs::write(&gone, [bytes.as_slice(), b"\n"].concat()).unwrap();
    commit(
        d,
        ORGANISER,
        "2017-12-09T11:00:00+08:00",
        "resubmitted after the deadline",
    );
    assert_eq!(
        codes_at(d, &[], "late-submission"),
        ["submissions/gamma/yuanqu.md"]
    );
}

#[test]
fn a_shallow_clone_says_so_once_and_judges_nothing_late() {
    let late = "submissions/beta/dangjian.md";
    let (dir, held) = repository(&[late]);
    put(dir.path(), &held, late);
    commit(dir.path(), BETA, "2017-12-07T10:00:00+08:00", "late");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .current_dir(clones.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shallow = clones.path().join("shallow");
    assert!(codes_at(&shallow, &[], "late-submission").is_empty());
    assert_eq!(codes_at(&shallow, &[], "shallow-clone").len(), 1);
    let run = shenbao(&shallow, &["check"]);
    assert_eq!(
        run.code, 0,
        "a shallow clone must not fail the check: {}",
        run.stdout
    );
    assert!(run.stdout.contains("fetch-depth: 0"), "{}", run.stdout);
}

/// Run git in `dir` with `input` on its standard input; what it printed, trimmed.
fn git_with_input(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A damaged repository (a commit on the line whose bytes are not a commit's) stops the check
/// with a message in the campaign's language that names the commit, not with git's English or
/// a panic.
#[test]
fn a_damaged_commit_is_named_in_the_campaigns_language() {
    let (dir, _) = repository(&[]);
    let d = dir.path();
    let tree = git_with_input(d, &["rev-parse", "HEAD^{tree}"], "");
    let damaged = git_with_input(
        d,
        &[
            "hash-object",
            "-t",
            "commit",
            "--literally",
            "-w",
            "--stdin",
        ],
        "not a commit\n",
    );
    // HEAD itself reads well (libgit2 parses it); its parent is the damaged one.
    let head = git_with_input(
        d,
        &["hash-object", "-t", "commit", "-w", "--stdin"],
        &format!(
            "tree {tree}\nparent {damaged}\nauthor o <{ORGANISER}> 1512090000 +0800\n\
             committer o <{ORGANISER}> 1512090000 +0800\n\nafter the damage\n"
        ),
    );
    git_with_input(d, &["update-ref", "refs/heads/main", &head], "");
    let run = shenbao(d, &["check", "--no-cache"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "无法读取 git 历史：提交 {damaged} 的内容不是有效的 git 提交"
        )),
        "{}",
        run.stderr
    );
    let run = shenbao(d, &["--lang", "en", "check", "--no-cache"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("commit {damaged} is not a valid git commit")),
        "{}",
        run.stderr
    );
}

/// A repository with `main`, and a branch `pr` made from it.
fn pull_request() -> tempfile::TempDir {
    let (dir, _) = repository(&[]);
    git(
        dir.path(),
        ALPHA,
        "2017-12-02T09:00:00+08:00",
        &["checkout", "-q", "-b", "pr"],
    );
    dir
}

fn edit(dir: &Path, rel: &str) {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n补充。\n")).unwrap();
}

#[test]
fn a_pull_request_touching_only_its_own_folder_passes() {
    let dir = pull_request();
    let d = dir.path();
    edit(d, "submissions/alpha/weiquan.md");
    commit(d, ALPHA, "2017-12-02T10:00:00+08:00", "own entry");
    let run = shenbao(d, &["check", "--changed-since", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let found = diagnostics(&run);
    // Only the changed file's problems and the campaign-wide ones: not beta's unsafe HTML.
    assert!(
        found
            .iter()
            .all(|f| f.file != "submissions/beta/hostile.md"),
        "{found:?}"
    );
    assert!(found.iter().all(|f| f.code != "outside-own-folder"));
    // A unit's folder-wide problems only for the units the change touches: delta's quota, short
    // in the whole campaign, is not this pull request's (on a forge, one annotation per other
    // unit on every pull request).
    assert!(found.iter().all(|f| f.code != "quota-short"), "{found:?}");
    let all = diagnostics(&shenbao(d, &["check", "--format", "json"]));
    assert!(
        all.iter()
            .any(|f| f.code == "quota-short" && f.file == "submissions/delta"),
        "without --changed-since, every unit's: {all:?}"
    );
}

#[test]
fn a_pull_request_touching_another_units_folder_is_refused() {
    let dir = pull_request();
    let d = dir.path();
    edit(d, "submissions/alpha/weiquan.md");
    edit(d, "submissions/beta/dangjian.md");
    commit(d, ALPHA, "2017-12-02T10:00:00+08:00", "also beta's");
    // A deletion and a rename in another folder count too.
    git(
        d,
        ALPHA,
        "2017-12-02T11:00:00+08:00",
        &["rm", "-q", "submissions/gamma/yuanqu.md"],
    );
    commit(d, ALPHA, "2017-12-02T11:00:00+08:00", "delete gamma's");
    git(
        d,
        ALPHA,
        "2017-12-02T12:00:00+08:00",
        &[
            "mv",
            "submissions/beta/hostile.md",
            "submissions/alpha/hostile.md",
        ],
    );
    commit(d, ALPHA, "2017-12-02T12:00:00+08:00", "take beta's");
    let outside = codes_at(d, &["--changed-since", "main"], "outside-own-folder");
    assert_eq!(
        outside,
        [
            "submissions/beta/dangjian.md",
            "submissions/beta/hostile.md",
            "submissions/gamma/yuanqu.md",
        ]
    );
    let run = shenbao(d, &["check", "--changed-since", "main"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("alpha@example.org"), "{}", run.stdout);
    assert!(
        run.stdout.contains("submissions/alpha/"),
        "the help names the author's folder"
    );
}

#[test]
fn only_organisers_change_campaign_yaml() {
    let dir = pull_request();
    let d = dir.path();
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("测试创新奖", "测试工会创新奖")).unwrap();
    commit(
        d,
        ORGANISER,
        "2017-12-02T10:00:00+08:00",
        "organiser edits the call",
    );
    assert!(codes_at(d, &["--changed-since", "main"], "outside-own-folder").is_empty());
    // A change to the call concerns every unit: their quotas are reported.
    assert_eq!(
        codes_at(d, &["--changed-since", "main"], "quota-short"),
        ["submissions/delta"]
    );
    std::fs::write(&path, text).unwrap();
    commit(
        d,
        ALPHA,
        "2017-12-02T11:00:00+08:00",
        "a unit edits the call",
    );
    assert_eq!(
        codes_at(d, &["--changed-since", "main"], "outside-own-folder"),
        ["campaign.yaml"]
    );
}

/// Who may change what is read from the base of the pull request: a unit cannot make itself an
/// organiser in the same pull request that edits another unit's entry.
#[test]
fn a_unit_cannot_grant_itself_rights_in_its_own_pull_request() {
    let dir = pull_request();
    let d = dir.path();
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let granted = text.replace(
        "organisers: [office@example.org]",
        "organisers: [office@example.org, alpha@example.org]",
    );
    assert_ne!(granted, text, "the fixture names its organisers so");
    std::fs::write(&path, granted).unwrap();
    edit(d, "submissions/beta/dangjian.md");
    commit(
        d,
        ALPHA,
        "2017-12-02T10:00:00+08:00",
        "make me an organiser",
    );
    assert_eq!(
        codes_at(d, &["--changed-since", "main"], "outside-own-folder"),
        ["campaign.yaml", "submissions/beta/dangjian.md"]
    );
}

/// A merge can carry changes of its own (in neither parent): they are judged, as its author's.
#[test]
fn changes_made_inside_a_merge_are_judged() {
    let dir = pull_request();
    let d = dir.path();
    edit(d, "submissions/alpha/weiquan.md");
    commit(d, ALPHA, "2017-12-02T10:00:00+08:00", "own entry");
    git(
        d,
        ALPHA,
        "2017-12-02T10:30:00+08:00",
        &["checkout", "-q", "-b", "side", "main"],
    );
    edit(d, "submissions/alpha/wangshang.md");
    commit(d, ALPHA, "2017-12-02T11:00:00+08:00", "another own entry");
    git(
        d,
        ALPHA,
        "2017-12-02T11:30:00+08:00",
        &["checkout", "-q", "pr"],
    );
    git(
        d,
        ALPHA,
        "2017-12-02T12:00:00+08:00",
        &["merge", "-q", "--no-commit", "--no-ff", "side"],
    );
    // Slipped into the merge itself.
    edit(d, "submissions/beta/dangjian.md");
    git(d, ALPHA, "2017-12-02T12:00:00+08:00", &["add", "-A"]);
    git(
        d,
        ALPHA,
        "2017-12-02T12:00:00+08:00",
        &["commit", "-q", "-m", "merge side"],
    );
    assert_eq!(
        codes_at(d, &["--changed-since", "main"], "outside-own-folder"),
        ["submissions/beta/dangjian.md"]
    );
}

/// A commit's email is whatever its author wrote; the user the forge authenticated is not. With
/// `--actor`, every change is judged as that user's.
#[test]
fn with_an_actor_a_forged_email_does_not_pass() {
    let dir = pull_request();
    let d = dir.path();
    edit(d, "submissions/beta/dangjian.md");
    // Alpha's person writes beta's email into the commit.
    commit(d, BETA, "2017-12-02T10:00:00+08:00", "as if beta");
    assert!(codes_at(d, &["--changed-since", "main"], "outside-own-folder").is_empty());
    assert_eq!(
        codes_at(
            d,
            &["--changed-since", "main", "--actor", "alpha@example.org"],
            "outside-own-folder"
        ),
        ["submissions/beta/dangjian.md"]
    );
    assert!(
        codes_at(
            d,
            &["--changed-since", "main", "--actor", "BETA@example.org"],
            "outside-own-folder"
        )
        .is_empty()
    );
}

/// Changes can be smuggled through a merge with a commit from outside the pull request — an
/// orphan commit holding another unit's edited entry, its version taken in the merge: they are
/// judged all the same.
#[test]
fn a_merge_with_an_orphan_commit_does_not_smuggle_changes_in() {
    let dir = pull_request();
    let d = dir.path();
    edit(d, "submissions/alpha/weiquan.md");
    commit(d, ALPHA, "2017-12-02T10:00:00+08:00", "own entry");
    git(
        d,
        ALPHA,
        "2017-12-02T10:30:00+08:00",
        &["checkout", "-q", "--orphan", "smuggle"],
    );
    edit(d, "submissions/beta/dangjian.md");
    commit(d, ALPHA, "2017-12-02T11:00:00+08:00", "a tree of my own");
    git(
        d,
        ALPHA,
        "2017-12-02T11:30:00+08:00",
        &["checkout", "-q", "pr"],
    );
    git(
        d,
        ALPHA,
        "2017-12-02T12:00:00+08:00",
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-X",
            "theirs",
            "-m",
            "merge",
            "smuggle",
        ],
    );
    let outside = codes_at(d, &["--changed-since", "main"], "outside-own-folder");
    assert!(
        outside.contains(&"submissions/beta/dangjian.md".to_string()),
        "{outside:?}"
    );
}

#[test]
fn history_is_cached_in_the_repository_and_can_be_bypassed() {
    let (dir, _) = repository(&[]);
    let d = dir.path();
    let before = common::snapshot_tree(&d.join("submissions"));
    assert!(codes_at(d, &[], "late-submission").is_empty());
    let cache = d.join(".git/shenbao/history.json");
    assert!(cache.is_file(), "the walk is cached in .git/");
    // A new commit moves HEAD: the cache is not used for it.
    edit(d, "submissions/alpha/weiquan.md");
    std::fs::rename(
        d.join("submissions/alpha/weiquan.md"),
        d.join("submissions/alpha/weiquan2.md"),
    )
    .unwrap();
    commit(
        d,
        ALPHA,
        "2017-12-09T09:00:00+08:00",
        "changed after the deadline",
    );
    assert_eq!(
        codes_at(d, &[], "late-submission"),
        ["submissions/alpha/weiquan2.md"],
        "an edited and renamed file is new content at a new path"
    );
    assert_eq!(
        codes_at(d, &["--no-cache"], "late-submission"),
        ["submissions/alpha/weiquan2.md"]
    );
    assert_ne!(common::snapshot_tree(&d.join("submissions")), before);
    assert!(!d.join("submissions/.shenbao").exists());
}

/// The cache is shown to be read by poisoning it: every commit in it moved past the deadline
/// makes every entry late, unless `--no-cache` walks the history again.
#[test]
fn a_poisoned_cache_is_believed_and_no_cache_walks_again() {
    let (dir, _) = repository(&[]);
    let d = dir.path();
    assert!(codes_at(d, &[], "late-submission").is_empty());
    let cache = d.join(".git/shenbao/history.json");
    let mut cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache).expect("the walk is cached in .git/"))
            .unwrap();
    for commit in cached["commits"].as_array_mut().unwrap() {
        commit["time"] = serde_json::json!(1_893_456_000); // 2030-01-01
    }
    std::fs::write(&cache, serde_json::to_vec(&cached).unwrap()).unwrap();

    let late = codes_at(d, &[], "late-submission");
    assert!(
        late.contains(&"submissions/alpha/weiquan.md".to_string()),
        "the poisoned cache was not read: {late:?}"
    );
    assert!(
        codes_at(d, &["--no-cache"], "late-submission").is_empty(),
        "--no-cache read the cache"
    );
    // --no-cache neither reads nor repairs it: the poison is still there.
    assert!(!codes_at(d, &[], "late-submission").is_empty());
}

#[test]
fn an_unknown_revision_is_a_usage_error() {
    let (dir, _) = repository(&[]);
    let run = shenbao(dir.path(), &["check", "--changed-since", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
    // A remote's branch not fetched yet: the command that fetches it; a branch with a slash
    // in its name is no remote's.
    git(
        dir.path(),
        ORGANISER,
        "2017-12-01T09:00:00+08:00",
        &[
            "remote",
            "add",
            "origin",
            "https://git.example.org/campaign.git",
        ],
    );
    let run = shenbao(dir.path(), &["check", "--changed-since", "origin/main"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("git fetch origin main）"),
        "{}",
        run.stderr
    );
    let run = shenbao(dir.path(), &["check", "--changed-since", "feature/x"]);
    assert!(
        run.stderr.contains("git fetch origin feature/x）"),
        "{}",
        run.stderr
    );
}

/// Every `shenbao …` command line of a CI file: its subcommand and the flags it uses.
fn shenbao_commands(script: &str) -> Vec<(String, Vec<String>)> {
    script
        .lines()
        .filter_map(|line| line.split_once("shenbao ").map(|(_, rest)| rest))
        .filter(|rest| !rest.starts_with("check every") && !rest.is_empty())
        .map(|rest| {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let flags = words
                .iter()
                .filter(|w| w.starts_with("--"))
                .map(|w| w.to_string())
                .collect();
            (words[0].to_string(), flags)
        })
        .collect()
}

#[test]
fn the_ci_files_init_writes_are_valid_and_use_the_commands_as_they_exist() {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao(dir.path(), &["init", "campaign"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = dir.path().join("campaign");
    let github = std::fs::read_to_string(root.join(".github/workflows/shenbao.yml")).unwrap();
    let gitlab = std::fs::read_to_string(root.join(".gitlab-ci.yml")).unwrap();

    let gh: serde_json::Value = serde_saphyr::from_str(&github).expect("the workflow is YAML");
    assert!(gh["on"]["pull_request"].is_null() && gh["on"].get("pull_request").is_some());
    let check = &gh["jobs"]["check"]["steps"];
    let checkout = &check[0];
    assert_eq!(checkout["uses"], "actions/checkout@v4");
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "full history for arrival times"
    );
    let steps: Vec<&str> = check
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        steps
            .iter()
            .any(|s| s.contains("--changed-since") && s.contains("--format github"))
    );
    assert!(steps.iter().any(|s| s.contains("--format sarif")));
    assert!(
        check
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uses"] == "github/codeql-action/upload-sarif@v3")
    );
    let site = gh["jobs"]["site"]["steps"].as_array().unwrap();
    assert!(site.iter().any(|s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains("shenbao build"))
    }));
    assert!(site.iter().any(|s| s["with"]["path"] == "public"));

    let gl: serde_json::Value = serde_saphyr::from_str(&gitlab).expect(".gitlab-ci.yml is YAML");
    assert_eq!(gl["variables"]["GIT_DEPTH"], "0");
    assert_eq!(
        gl["check"]["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    assert_eq!(gl["pages"]["artifacts"]["paths"][0], "public");

    // Every flag used exists on its subcommand.
    let commands: Vec<_> = shenbao_commands(&github)
        .into_iter()
        .chain(shenbao_commands(&gitlab))
        .collect();
    assert!(commands.len() >= 5, "{commands:?}");
    for (sub, flags) in commands {
        let help = shenbao(&root, &[&sub, "--help"]);
        assert_eq!(help.code, 0, "`shenbao {sub}` is not a command");
        for flag in flags {
            assert!(help.stdout.contains(&flag), "`shenbao {sub}` has no {flag}");
        }
    }
}

#[test]
fn codeowners_gives_each_unit_its_folder_and_the_organisers_everything() {
    let (dir, _) = repository(&[]);
    let run = shenbao(dir.path(), &["codeowners"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "* office@example.org",
            "/submissions/alpha/ alpha@example.org office@example.org",
            "/submissions/beta/ beta@example.org office@example.org",
        ]
    );
}
