//! The portal against the real binary and real repositories: log in by link, save, submit,
//! upload, and every way a hostile client or another unit might try to get round it.

mod common;

use std::path::{Path, PathBuf};

use common::portal::{Client, ENTRY, Portal, encode, repository, request, start, with};
use common::{git, shenbao};

fn invite(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["portal", "invite"];
    all.extend_from_slice(args);
    let run = shenbao(dir, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .map(|l| {
            let (who, link) = l.split_once('\t').expect("id<TAB>link");
            (who.to_string(), link.to_string())
        })
        .collect()
}

fn token(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_string()
}

fn log(dir: &Path) -> String {
    git(dir, &["log", "--format=%an <%ae>|%cn|%s"])
}

fn slug_of(location: &str) -> String {
    location
        .trim_start_matches("/entries/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_string()
}

/// A repository (see [`repository`]), its portal, and one account logged in; with the
/// account's token, to log in again.
fn signed_in(late: bool, account: &[&str]) -> (tempfile::TempDir, Portal, Client, String) {
    let dir = repository(late);
    let link = &invite(dir.path(), account)[0].1;
    let portal = start(dir.path(), &[]);
    let client = Client::login(&portal.addr, &token(link));
    let token = token(link);
    (dir, portal, client, token)
}

#[test]
fn invite_prints_one_line_per_account_and_stores_only_hashes() {
    let dir = repository(true);
    let lines = invite(dir.path(), &["--all", "--organiser", "office@example.org"]);
    let ids: Vec<&str> = lines.iter().map(|(id, _)| id.as_str()).collect();
    // `child` submits through alpha: no account of its own.
    assert_eq!(ids, ["alpha", "beta", "office@example.org"]);
    let run = shenbao(dir.path(), &["portal", "invite", "child"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("通过 甲区总工会（alpha）申报"),
        "{}",
        run.stderr
    );
    let stored = std::fs::read_to_string(dir.path().join(".git/shenbao/accounts.json")).unwrap();
    for (_, link) in &lines {
        assert!(link.starts_with("http://127.0.0.1:4100/login/"), "{link}");
        assert_eq!(token(link).len(), 32);
        assert!(!stored.contains(&token(link)));
    }
    // Nothing of the portal's state is in the work tree.
    assert_eq!(git(dir.path(), &["status", "--porcelain"]), "");
    assert_eq!(shenbao(dir.path(), &["portal", "invite", "nosuch"]).code, 2);
}

#[test]
fn a_unit_logs_in_saves_a_draft_with_errors_then_submits_and_gets_a_receipt() {
    let dir = repository(true);
    let d = dir.path();
    let link = &invite(d, &["alpha"])[0].1;
    let portal = start(d, &[]);
    // The link's page asks before logging in; a wrong token is refused.
    assert!(
        request(
            &portal.addr,
            "GET",
            &format!("/login/{}", token(link)),
            &[],
            b""
        )
        .body
        .contains("甲区总工会")
    );
    let wrong = request(
        &portal.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"token=0123456789abcdef0123456789abcdef",
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("set-cookie").is_none());

    let alpha = Client::login(&portal.addr, &token(link));
    let home = alpha.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("甲区总工会") && home.body.contains("应报 2 项"),
        "{}",
        home.body
    );
    let csp = home.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );

    // A draft is saved even with errors, and says where they are.
    let csrf = alpha.csrf("/entries/new");
    let form = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", "new"),
            ("phone", "123"),
            ("action", "draft"),
        ],
    );
    let saved = alpha.post("/entries/new", &form);
    assert_eq!(saved.status, 303, "{}", saved.body);
    let slug = slug_of(saved.header("location").unwrap());
    assert_eq!(slug, "wang-shang-fu-wu-ping-tai");
    let file = format!("submissions/alpha/{slug}.md");
    assert_eq!(
        log(d).lines().next().unwrap(),
        "甲区总工会 <alpha@example.org>|shenbao portal|甲区总工会：保存草稿《网上服务平台》"
    );
    assert_eq!(
        git(d, &["status", "--porcelain"]),
        "",
        "the work tree and index follow the commit"
    );
    let page = alpha.get(&format!("/entries/{slug}"));
    // What it is, said under its title.
    let top = page.body.split("id=\"entry-form\"").next().unwrap();
    assert!(top.contains("状态：草稿（尚未提交，不计入申报）"), "{top}");
    let phone_problem = page
        .body
        .split("id=\"problems-phone\"")
        .nth(1)
        .expect("the phone's problem beside it");
    assert!(
        phone_problem.contains("不是有效的电话号码"),
        "{phone_problem}"
    );
    // What a message quotes is shown as code, not between backticks.
    assert!(
        phone_problem.contains("（<code>phone</code>）") && !phone_problem.contains('`'),
        "{phone_problem}"
    );

    // The portal's diagnostics of the saved file are check's own.
    let run = shenbao(d, &["check", "--format", "json", &file]);
    let from_check: Vec<(String, u64, u64)> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["file"] == file.as_str())
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_string(),
                x["line"].as_u64().unwrap(),
                x["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let base = base_of(&page.body);
    let csrf = alpha.csrf(&format!("/entries/{slug}"));
    let live = alpha.post(
        "/entries/check",
        &with(ENTRY, &[("csrf", &csrf), ("slug", &slug), ("phone", "123")]),
    );
    let live: serde_json::Value = serde_json::from_str(&live.body).unwrap();
    let mut from_portal: Vec<(String, u64, u64)> = live["fields"]
        .as_object()
        .unwrap()
        .values()
        .chain(std::iter::once(&live["general"]))
        .flat_map(|v| v.as_array().unwrap().clone())
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_string(),
                x["line"].as_u64().unwrap(),
                x["column"].as_u64().unwrap(),
            )
        })
        .collect();
    from_portal.sort();
    let mut expected = from_check.clone();
    expected.sort();
    assert_eq!(from_portal, expected);
    assert!(expected.iter().any(|(c, _, _)| c == "invalid-format"));

    // Submitting with an error is refused and nothing is committed.
    let commits = log(d).lines().count();
    let refused = alpha.post(
        &format!("/entries/{slug}"),
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", &base),
                ("phone", "123"),
                ("action", "submit"),
            ],
        ),
    );
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("改正后才能提交"));
    // Said as a problem, not in a success's green.
    assert!(
        refused
            .body
            .contains(r#"<p class="problem" role="alert">有 "#),
        "{}",
        refused.body
    );
    assert_eq!(log(d).lines().count(), commits);

    // Fixed, it is submitted, and the receipt names the commit.
    let done = alpha.post(
        &format!("/entries/{slug}"),
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", &base), ("action", "submit")],
        ),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let receipt = alpha.get(done.header("location").unwrap());
    let head = git(d, &["rev-parse", "HEAD"]);
    assert!(
        receipt.body.contains(head.trim()) && receipt.body.contains("网上服务平台"),
        "{}",
        receipt.body
    );
    // It arrived after the deadline (this portal takes late entries): the receipt says so.
    assert!(
        receipt
            .body
            .contains("逾期（截止时间 2017年12月6日 23:59）"),
        "{}",
        receipt.body
    );
    // The receipt can be found again: from the entry's page and the unit's home, its link
    // leads to the receipt of the commit that submitted it.
    let receipt_link = format!("/entries/{slug}/receipt\"");
    let page = alpha.get(&format!("/entries/{slug}")).body;
    assert!(page.contains(&receipt_link));
    let top = page.split("id=\"entry-form\"").next().unwrap();
    assert!(
        top.contains("状态：已提交（<a href=\"/entries/") && top.contains(&receipt_link),
        "{top}"
    );
    assert!(alpha.get("/").body.contains(&receipt_link));
    let found = alpha.get(&format!("/entries/{slug}/receipt"));
    assert_eq!(found.status, 303);
    assert_eq!(
        found.header("location"),
        Some(format!("/entries/{slug}/receipt?commit={}", head.trim()).as_str())
    );
    assert!(
        log(d)
            .lines()
            .next()
            .unwrap()
            .ends_with("甲区总工会：提交项目《网上服务平台》")
    );
    // Its only error: it arrived after the 2017 deadline (this portal takes late entries, and
    // check says they are late, as for git).
    let run = shenbao(d, &["check", "--format", "json", &file]);
    let codes: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["severity"] == "error")
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["late-submission"], "{}", run.stdout);
    let text = std::fs::read_to_string(d.join(&file)).unwrap();
    assert!(!text.contains("draft"), "{text}");
    // A receipt says what its commit submitted, whatever the entry says since.
    let receipt_url = done.header("location").unwrap().to_string();
    let page = alpha.get(&format!("/entries/{slug}")).body;
    let base_now = base_of(&page);
    let renamed = alpha.post(
        &format!("/entries/{slug}"),
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", &base_now),
                ("title", "改名之后"),
                ("action", "submit"),
            ],
        ),
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let old = alpha.get(&receipt_url).body;
    assert!(
        old.contains("网上服务平台") && !old.contains("改名之后"),
        "{old}"
    );
    // A commit that saved a draft is no receipt.
    let draft_commit = git(d, &["log", "--format=%H", "--grep", "保存草稿", "-1"]);
    assert_eq!(
        alpha
            .get(&format!(
                "/entries/{slug}/receipt?commit={}",
                draft_commit.trim()
            ))
            .status,
        404
    );
    // Without the deadline's judgement (as the sample campaign runs), the site publishes it.
    let path = d.join("campaign.yaml");
    let campaign = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{campaign}arrival_times: false\n")).unwrap();
    let built = shenbao(d, &["build"]);
    assert_eq!(built.code, 0, "{}", built.stdout);
    assert!(
        std::fs::read_to_string(d.join("public/entries.json"))
            .unwrap()
            .contains("改名之后")
    );
}

#[test]
fn no_state_changes_without_the_sessions_csrf_token_or_from_another_site() {
    let (dir, portal, alpha, key) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let csrf = alpha.csrf("/entries/new");
    let commits = log(d).lines().count();
    // No token, a wrong one, another session's.
    let other = Client::login(&portal.addr, &key);
    let others = other.csrf("/entries/new");
    for t in ["", "00", others.as_str()] {
        let r = alpha.post(
            "/entries/new",
            &with(ENTRY, &[("csrf", t), ("base", "new"), ("action", "draft")]),
        );
        assert_eq!(r.status, 403, "token {t:?}");
    }
    // The right token, but the request comes from another site's page.
    for (k, v) in [
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let r = request(
            &portal.addr,
            "POST",
            "/entries/new",
            &[
                ("Cookie", &alpha.cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
                (k, v),
            ],
            encode(&with(
                ENTRY,
                &[("csrf", &csrf), ("base", "new"), ("action", "draft")],
            ))
            .as_bytes(),
        );
        assert_eq!(r.status, 403, "{k}");
    }
    // A forged or missing cookie is no session.
    let forged = Client {
        addr: portal.addr.clone(),
        cookie: alpha.cookie.replace('a', "b"),
    };
    assert_eq!(
        forged
            .post(
                "/entries/new",
                &with(ENTRY, &[("csrf", &csrf), ("action", "draft")])
            )
            .status,
        401
    );
    assert_eq!(log(d).lines().count(), commits, "nothing was committed");

    // Revoking the link ends the session too.
    invite(d, &["--revoke", "alpha"]);
    assert_eq!(alpha.get("/").status, 401);
}

#[test]
fn a_unit_can_neither_read_nor_write_another_units_entries() {
    let dir = repository(true);
    let d = dir.path();
    let links = invite(d, &["alpha", "beta"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let beta = Client::login(&portal.addr, &token(&links[1].1));
    // alpha's entry, as beta: the URL names a slug of beta's own folder, which has none.
    assert_eq!(beta.get("/entries/good-entry").status, 404);
    assert_eq!(beta.get("/entries/good-entry/files/photo.jpg").status, 404);
    assert_eq!(alpha.get("/entries/good-entry").status, 200);
    assert_eq!(alpha.get("/entries/good-entry/files/photo.jpg").status, 200);
    // Paths out of the folder lead nowhere.
    for path in [
        "/entries/..%2F..%2Fcampaign",
        "/entries/good-entry/files/..%2F..%2Fbeta%2Funit.yaml",
        "/entries/%2E%2E/files/unit.yaml",
    ] {
        assert!(matches!(alpha.get(path).status, 404 | 400), "{path}");
    }
    let csrf = beta.csrf("/entries/new");
    let commits = log(d).lines().count();
    let r = beta.post(
        "/entries/good-entry",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "draft")],
        ),
    );
    assert_eq!(r.status, 404);
    let r = beta.post(
        "/entries/good-entry/files/remove",
        &[("csrf", &csrf), ("file", "photo.jpg")],
    );
    assert_eq!(r.status, 404);
    assert_eq!(beta.get("/entries/good-entry/delete").status, 404);
    // Deleting is of beta's own folder, where there is no such entry: nothing to do.
    let r = beta.post(
        "/entries/good-entry/delete",
        &[("csrf", &csrf), ("base", "")],
    );
    assert_eq!(r.header("location"), Some("/"));
    assert!(d.join("submissions/alpha/good-entry.md").is_file());
    // An organiser page is not a unit's.
    assert_eq!(beta.get("/office").status, 403);
    assert_eq!(log(d).lines().count(), commits);
    // A new entry of beta lands in beta's folder whatever the form says.
    let r = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("unit", "alpha"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303);
    let changed = git(d, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        changed.trim(),
        "submissions/beta/wang-shang-fu-wu-ping-tai.md"
    );
}

/// Submit pressed twice (the second press arrives after the first is saved, with the same
/// base), or the form sent again after Back: one save and its receipt, not a conflict.
/// The version a form page's entry was read at (its hidden `base` field).
fn base_of(page: &str) -> String {
    page.split("name=\"base\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// The id a new entry's form carries, to be known when it is sent again.
fn form_id_of(page: &str) -> String {
    page.split("name=\"form_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a new entry's form has an id")
        .to_string()
}

/// A new entry's form, titled `title`, sent with `action`.
fn alpha_new<'a>(csrf: &'a str, title: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    with(
        ENTRY,
        &[
            ("csrf", csrf),
            ("base", "new"),
            ("title", title),
            ("action", action),
        ],
    )
}

#[test]
fn the_same_form_sent_twice_is_one_save_not_a_conflict() {
    let (dir, _portal, clerk, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let page = clerk.get("/entries/good-entry").body;
    let base = base_of(&page);
    let csrf = clerk.csrf("/entries/good-entry");
    let sent = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", &base),
            ("title", "改过一次的标题"),
            ("action", "submit"),
        ],
    );
    let first = clerk.post("/entries/good-entry", &sent);
    assert_eq!(first.status, 303, "{}", first.body);
    let receipt = first.header("location").unwrap().to_string();
    assert!(receipt.contains("/receipt?commit="), "{receipt}");
    let commits = log(d).lines().count();
    let again = clerk.post("/entries/good-entry", &sent);
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(again.header("location"), Some(receipt.as_str()));
    assert_eq!(log(d).lines().count(), commits, "no second commit");
    assert_eq!(clerk.get(&receipt).status, 200);

    // A new entry's form sent again after Back, later: the same entry and receipt, not a
    // second entry; and three at once: one entry.
    let new = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", "new"),
            ("title", "返回再提交的项目"),
            ("action", "submit"),
        ],
    );
    let first = clerk.post("/entries/new", &new);
    assert_eq!(first.status, 303, "{}", first.body);
    let receipt = first.header("location").unwrap().to_string();
    let commits = log(d).lines().count();
    clerk.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("title", "另一个"),
                ("action", "draft"),
            ],
        ),
    );
    let again = clerk.post("/entries/new", &new);
    assert_eq!(
        again.header("location"),
        Some(receipt.as_str()),
        "{}",
        again.body
    );
    assert_eq!(
        log(d).lines().count(),
        commits + 1,
        "only the other draft was committed"
    );
    // Saved as a draft, then Back and 提交: that draft submitted, not a second entry.
    let draft = alpha_new(&csrf, "先存草稿再提交", "draft");
    let r = clerk.post("/entries/new", &draft);
    assert_eq!(r.status, 303, "{}", r.body);
    let made = slug_of(r.header("location").unwrap());
    let commits = log(d).lines().count();
    let r = clerk.post(
        "/entries/new",
        &alpha_new(&csrf, "先存草稿再提交", "submit"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("/entries/{made}/receipt?commit=")),
        "{location}"
    );
    assert_eq!(log(d).lines().count(), commits + 1);
    let text = std::fs::read_to_string(d.join(format!("submissions/alpha/{made}.md"))).unwrap();
    assert!(!text.contains("draft: true"), "{text}");
    // Back once more and 保存草稿: the entry stays submitted (only 撤回为草稿 makes a
    // submitted entry a draft).
    let commits = log(d).lines().count();
    let r = clerk.post("/entries/new", &alpha_new(&csrf, "先存草稿再提交", "draft"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("/entries/{made}/receipt?commit=")),
        "{:?}",
        r.header("location")
    );
    assert_eq!(log(d).lines().count(), commits, "nothing to commit");

    let at_once = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", "new"),
            ("title", "同时三次"),
            ("action", "draft"),
        ],
    );
    std::thread::scope(|s| {
        let sent: Vec<_> = (0..3)
            .map(|_| s.spawn(|| clerk.post("/entries/new", &at_once).status))
            .collect();
        for sent in sent {
            assert_eq!(sent.join().unwrap(), 303);
        }
    });
    let files: Vec<String> = git(d, &["ls-files", "submissions/alpha"])
        .lines()
        .filter(|f| f.contains("tong-shi-san-ci"))
        .map(str::to_string)
        .collect();
    assert_eq!(files, ["submissions/alpha/tong-shi-san-ci.md"]);
}

/// A project sent twice (two new entries of one title) is said on the second's page, beside its
/// title, as `check` says it; a title another unit also used is not, and nothing of that unit's
/// entry is shown.
#[test]
fn an_entry_repeating_its_units_own_title_is_said_beside_the_title() {
    let (dir, portal, clerk, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let csrf = clerk.csrf("/entries/new");
    let mut made = Vec::new();
    for summary in ["第一次的简介。", "第二次的简介。"] {
        let sent = with(
            &alpha_new(&csrf, "重复提交的项目", "submit"),
            &[("summary", summary)],
        );
        let r = clerk.post("/entries/new", &sent);
        assert_eq!(r.status, 303, "{}", r.body);
        made.push(slug_of(r.header("location").unwrap()));
    }
    let page = clerk.get(&format!("/entries/{}", made[1])).body;
    let beside_title = page
        .split("id=\"problems-title\"")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("no problems beside the title: {page}"));
    assert!(
        beside_title.contains("项目名称“重复提交的项目”与另一项目重复")
            && beside_title.contains(&format!("submissions&#x2f;alpha&#x2f;{}.md", made[0])),
        "{beside_title}"
    );
    let first = clerk.get(&format!("/entries/{}", made[0])).body;
    assert!(!first.contains("与另一项目重复"), "{first}");
    // The live check, which replaces the page's problems as the clerk types, says it too.
    let csrf = clerk.csrf(&format!("/entries/{}", made[1]));
    for (slug, said) in [(&made[1], true), (&made[0], false)] {
        let live = clerk.post(
            "/entries/check",
            &with(
                &alpha_new(&csrf, "重复提交的项目", "draft"),
                &[("slug", slug.as_str())],
            ),
        );
        let json: serde_json::Value = serde_json::from_str(&live.body).unwrap();
        let title = json["fields"]["title"].to_string();
        assert_eq!(title.contains("与另一项目重复"), said, "{slug}: {json}");
    }
    // Beta's entry of the same title: check says so, beta's page does not name alpha's file.
    let links = invite(d, &["beta"]);
    let beta = Client::login(&portal.addr, &token(&links[0].1));
    let csrf = beta.csrf("/entries/new");
    let r = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("title", "重复提交的项目"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let theirs = beta.get(r.header("location").unwrap()).body;
    assert!(!theirs.contains("与另一项目重复"), "{theirs}");
    assert!(!theirs.contains("submissions&#x2f;alpha"), "{theirs}");
    let run = shenbao(d, &["check", "--format", "json"]);
    assert!(
        run.stdout.matches("duplicate-entry").count() >= 2,
        "{}",
        run.stdout
    );
}

/// What the framework refuses before the portal's own code runs (a form over its size limit, a
/// body of another type) is said in the campaign's language too.
#[test]
fn a_form_too_large_is_refused_in_the_campaigns_language() {
    let (_dir, portal, clerk, _) = signed_in(true, &["alpha"]);
    let csrf = clerk.csrf("/entries/new");
    let long = "职工".repeat(400_000);
    let r = clerk.post(
        "/entries/new",
        &with(
            &alpha_new(&csrf, "很长的项目", "draft"),
            &[("section.0.text", &long)],
        ),
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        r.body.contains("提交的内容太多（超过 2 MB），没有保存"),
        "{}",
        r.body
    );
    let r = request(
        &portal.addr,
        "POST",
        "/logout",
        &[("Content-Type", "text/plain")],
        b"x",
    );
    assert_eq!(r.status, 415, "{}", r.body);
    assert!(r.body.contains("无法读取提交的内容"), "{}", r.body);
}

/// A draft sent to be submitted with errors stays a draft, and its page says so and offers a
/// draft's buttons: it showed the submitted entry's hint and buttons, as the form asked to be
/// submitted.
#[test]
fn a_draft_refused_for_its_errors_is_shown_as_a_draft() {
    let (_dir, _portal, clerk, _) = signed_in(true, &["alpha"]);
    let csrf = clerk.csrf("/entries/new");
    let bad = with(
        &alpha_new(&csrf, "有错误的草稿", "draft"),
        &[("phone", "123")],
    );
    let r = clerk.post("/entries/new", &bad);
    assert_eq!(r.status, 303, "{}", r.body);
    let slug = slug_of(r.header("location").unwrap());
    let page = clerk.get(&format!("/entries/{slug}")).body;
    let base = base_of(&page);
    let submit = with(&bad, &[("base", &base), ("action", "submit")]);
    let r = clerk.post(&format!("/entries/{slug}"), &submit);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("状态：草稿"), "{}", r.body);
    assert!(!r.body.contains("此项目已提交"), "{}", r.body);
    assert!(r.body.contains("value=\"draft\""), "{}", r.body);
}

/// A new entry's file is named after its whole title: a slash or a point in it is part of the
/// name, not a folder or an extension (职工书屋/读书会 was named du-shu-hui).
#[test]
fn a_new_entry_is_named_after_its_whole_title() {
    let (_dir, _portal, clerk, _) = signed_in(true, &["alpha"]);
    let csrf = clerk.csrf("/entries/new");
    for (title, slug) in [
        ("职工书屋/读书会", "zhi-gong-shu-wu-du-shu-hui"),
        ("覆盖率8.6成\\效", "fu-gai-lu-8-6cheng-xiao"),
    ] {
        let r = clerk.post("/entries/new", &alpha_new(&csrf, title, "draft"));
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(slug_of(r.header("location").unwrap()), slug, "{title}");
    }
}

/// A recognition's address written in git without its scheme is an error the clerk sees beside
/// the address, in a field of its own, and mends there: it was a hidden field, so the error was
/// marked nowhere and the entry could never be submitted.
#[test]
fn a_recognitions_address_is_shown_with_its_error_and_mended_in_the_form() {
    let dir = repository(true);
    let d = dir.path();
    let file = d.join("submissions/alpha/second-entry.md");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "implementing_unit: 丙厂工会\n",
        "implementing_unit: 丙厂工会\nrecognition:\n  - kind: media\n    source: 河北日报\n    date: 2017-09-12\n    title: 报道\n    url: www.hebnews.cn/a.html\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    git(d, &["commit", "-qam", "a recognition from git"]);
    let link = &invite(d, &["alpha"])[0].1;
    let portal = start(d, &[]);
    let clerk = Client::login(&portal.addr, &token(link));
    let page = clerk.get("/entries/second-entry").body;
    let field = page
        .split("id=\"f-ru-0\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no address field: {page}"));
    assert!(
        field.starts_with(" name=\"recognition.0.url\" value=\"www.hebnews.cn&#x2f;a.html\""),
        "{field}"
    );
    let beside = field.split("<div class=\"field").next().unwrap();
    assert!(
        beside.contains("不是有效的网址"),
        "no error beside the address: {beside}"
    );
    let csrf = clerk.csrf("/entries/second-entry");
    let base = base_of(&page);
    let mended = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", &base),
            ("title", "第二个项目"),
            ("recognition.0.kind", "media"),
            ("recognition.0.source", "河北日报"),
            ("recognition.0.date", "2017-09-12"),
            ("recognition.0.title", "报道"),
            ("recognition.0.url", "https://www.hebnews.cn/a.html"),
            ("action", "submit"),
        ],
    );
    let r = clerk.post("/entries/second-entry", &mended);
    assert_eq!(r.status, 303, "{}", r.body);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("https://www.hebnews.cn/a.html"), "{text}");
}

/// Back after saving a new entry, a change, and save again: the entry the form made is saved,
/// not a second one with the same title. Another unit's form id is no way into this entry.
#[test]
fn a_new_entrys_form_sent_again_changed_saves_the_entry_it_made() {
    let (dir, portal, clerk, _) = signed_in(true, &["alpha", "beta"]);
    let d = dir.path();
    let page = clerk.get("/entries/new").body;
    let form_id = form_id_of(&page);
    let csrf = clerk.csrf("/entries/new");
    let first = clerk.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("form_id", &form_id),
                ("title", "返回修改再保存的项目"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(first.status, 303, "{}", first.body);
    let slug = slug_of(first.header("location").unwrap());
    let entries = || {
        std::fs::read_dir(d.join("submissions/alpha"))
            .unwrap()
            .count()
    };
    let before = entries();
    let again = clerk.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("form_id", &form_id),
                ("title", "返回修改再保存的项目"),
                ("summary", "返回后改过的简介。"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(slug_of(again.header("location").unwrap()), slug);
    assert_eq!(entries(), before, "a second entry");
    let text = std::fs::read_to_string(d.join(format!("submissions/alpha/{slug}.md"))).unwrap();
    assert!(text.contains("返回后改过的简介。"), "{text}");
    // Sent again to submit, with an error: refused, and the form shown is that entry's, so
    // that once mended it saves that entry.
    let refused = clerk.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("form_id", &form_id),
                ("title", "返回修改再保存的项目"),
                ("phone", "123"),
                ("action", "submit"),
            ],
        ),
    );
    assert_eq!(refused.status, 200, "{}", refused.body);
    assert!(
        refused
            .body
            .contains(&format!("action=\"/entries/{slug}\" class=\"entry-form\"")),
        "{}",
        refused.body
    );
    // Another form submits a new entry; then Back, a change, and 保存草稿: the change is saved
    // to that entry, which stays submitted (only 撤回为草稿 makes a submitted entry a draft).
    let page = clerk.get("/entries/new").body;
    let other_form = form_id_of(&page);
    let mut submitted = None;
    for (summary, action) in [
        ("提交时的简介。", "submit"),
        ("提交后改过的简介。", "draft"),
    ] {
        let r = clerk.post(
            "/entries/new",
            &with(
                ENTRY,
                &[
                    ("csrf", &csrf),
                    ("base", "new"),
                    ("form_id", &other_form),
                    ("title", "提交后返回存草稿的项目"),
                    ("summary", summary),
                    ("action", action),
                ],
            ),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let made = slug_of(r.header("location").unwrap());
        assert_eq!(submitted.get_or_insert_with(|| made.clone()), &made);
        let text = std::fs::read_to_string(d.join(format!("submissions/alpha/{made}.md"))).unwrap();
        assert!(text.contains(summary), "{text}");
        assert!(!text.contains("draft: true"), "{action}: {text}");
    }
    assert_eq!(entries(), before + 1, "one entry made by the other form");
    // Back once more, a change with an error, 保存草稿: nothing saved, the entry still
    // submitted, and the page says how to keep the change (the submitted entry's page has no
    // 保存草稿 to point at).
    let made = submitted.unwrap();
    let file = d.join(format!("submissions/alpha/{made}.md"));
    let before_text = std::fs::read_to_string(&file).unwrap();
    let r = clerk.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("form_id", &other_form),
                ("title", "提交后返回存草稿的项目"),
                ("summary", "提交后改过的简介。"),
                ("phone", "123"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("此项目已提交。改动有 1 处错误，尚未保存")
            && r.body.contains("撤回为草稿")
            && !r.body.contains("也可以先保存草稿"),
        "{}",
        r.body
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before_text);
    // Another unit sending that form id makes an entry of its own: not a save of alpha's,
    // nor of its own entry of the same name.
    let links = invite(d, &["beta"]);
    let beta = Client::login(&portal.addr, &token(&links[0].1));
    let csrf = beta.csrf("/entries/new");
    let own = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("title", "返回修改再保存的项目"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(slug_of(own.header("location").unwrap()), slug);
    let own_file = d.join(format!("submissions/beta/{slug}.md"));
    let own_text = std::fs::read_to_string(&own_file).unwrap();
    let theirs = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("form_id", &form_id),
                ("title", "别的单位的项目"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(theirs.status, 303, "{}", theirs.body);
    assert_ne!(slug_of(theirs.header("location").unwrap()), slug);
    assert_eq!(std::fs::read_to_string(&own_file).unwrap(), own_text);
    assert!(
        d.join(format!(
            "submissions/beta/{}.md",
            slug_of(theirs.header("location").unwrap())
        ))
        .is_file()
    );
    assert_eq!(
        std::fs::read_to_string(d.join(format!("submissions/alpha/{slug}.md"))).unwrap(),
        text
    );
}

#[test]
fn an_edit_based_on_an_older_version_is_refused_and_shows_what_changed() {
    let (dir, portal, clerk, key) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let colleague = Client::login(&portal.addr, &key);
    let page = clerk.get("/entries/good-entry").body;
    let base = base_of(&page);
    let csrf = clerk.csrf("/entries/good-entry");
    let csrf2 = colleague.csrf("/entries/good-entry");
    let first = colleague.post(
        "/entries/good-entry",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf2),
                ("base", &base),
                ("title", "同事改过的标题"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(first.status, 303);
    let commits = log(d).lines().count();
    let second = clerk.post(
        "/entries/good-entry",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", &base),
                ("title", "我的标题"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(second.status, 200);
    assert!(
        second.body.contains("已另有保存") && second.body.contains("同事改过的标题"),
        "{}",
        second.body
    );
    assert!(
        second.body.contains("value=\"我的标题\""),
        "what was typed is kept"
    );
    assert_eq!(log(d).lines().count(), commits, "nothing overwritten");
    assert!(
        std::fs::read_to_string(d.join("submissions/alpha/good-entry.md"))
            .unwrap()
            .contains("同事改过的标题")
    );
}

fn jpeg() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/valid/submissions/alpha/good-entry/photo.jpg"),
    )
    .unwrap()
}

fn uploads_left(d: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(d.join(".git/shenbao/uploads"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The portal's peak memory (Linux), in MB.
fn peak_mb(portal: &Portal) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", portal.child.id())).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024
}

/// Upload routes take bodies of any size (files stream to disk), and read the form's token
/// before they know who is asking: a "token" of 192 MB sent by anyone, logged in or not, is
/// refused without the portal holding it.
#[test]
fn a_huge_token_field_in_an_upload_is_not_held_in_memory() {
    use std::io::{Read, Write};
    let (_dir, portal, _alpha, _) = signed_in(true, &["alpha"]);
    const SENT: usize = 192 * 1024 * 1024;
    let before = peak_mb(&portal);
    for path in ["/entries/weiquan/files", "/card/scan"] {
        let mut stream = std::net::TcpStream::connect(&portal.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let boundary = "----shenbao-test-boundary";
        let first =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n{first}",
            portal.addr,
            first.len() + SENT
        );
        stream.write_all(head.as_bytes()).unwrap();
        // The portal may answer and close before all of it is sent.
        let chunk = vec![b'a'; 1024 * 1024];
        for _ in 0..SENT / chunk.len() {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 401") || answer.starts_with("HTTP/1.1 403"),
            "{path}: {answer}"
        );
    }
    let after = peak_mb(&portal);
    assert!(
        after < before + 64,
        "the portal's peak memory grew from {before} MB to {after} MB"
    );
}

#[test]
fn uploads_are_judged_by_limit_type_and_content_and_named_safely() {
    let (dir, _portal, alpha, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let csrf = alpha.csrf("/entries/good-entry");
    let commits = log(d).lines().count();
    let path = "/entries/good-entry/files";

    // Over the 1 MB limit by one byte: refused, nothing left on disk, nothing committed.
    let mut big = jpeg();
    big.resize(1024 * 1024 + 1, 0);
    let r = alpha.upload(path, &csrf, &[("files", "big.jpg", &big)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("超过 1 MB"), "{}", r.body);
    // A page named .jpg; a type not allowed; a name that climbs.
    let r = alpha.upload(
        path,
        &csrf,
        &[("files", "photo.jpg", b"<html><script>alert(1)</script>")],
    );
    assert!(r.body.contains("内容与扩展名不符"), "{}", r.body);
    let r = alpha.upload(path, &csrf, &[("files", "page.html", b"<p>x</p>")]);
    assert!(r.body.contains("类型不允许"), "{}", r.body);
    // A good file chosen with a bad one is not saved either, and the page says so.
    let r = alpha.upload(
        path,
        &csrf,
        &[
            ("files", "好.jpg", &jpeg()),
            ("files", "page.html", b"<p>x</p>"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("类型不允许") && r.body.contains("其他文件（好.jpg）也未上传"),
        "{}",
        r.body
    );
    // Without the CSRF token first, nothing is read.
    let r = alpha.upload(path, "", &[("files", "a.jpg", &jpeg())]);
    assert_eq!(r.status, 403);
    assert_eq!(log(d).lines().count(), commits);
    assert!(uploads_left(d).is_empty(), "{:?}", uploads_left(d));

    // Two at once, one with a Chinese name that climbs: safe names, the original as the title.
    let r = alpha.upload(
        path,
        &csrf,
        &[
            ("files", "../../活动照片.JPG", &jpeg()),
            ("files", "数据.csv", "年份,人数\n2017,12\n".as_bytes()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let changed = git(d, &["show", "--name-only", "--format=", "HEAD"]);
    let mut changed: Vec<&str> = changed.lines().collect();
    changed.sort();
    assert_eq!(
        changed,
        [
            "submissions/alpha/good-entry.md",
            "submissions/alpha/good-entry/huo-dong-zhao-pian.jpg",
            "submissions/alpha/good-entry/shu-ju.csv"
        ]
    );
    let text = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    assert!(
        text.contains("file: \"huo-dong-zhao-pian.jpg\"\n    title: \"活动照片\""),
        "{text}"
    );
    assert!(uploads_left(d).is_empty());
    let run = shenbao(
        d,
        &[
            "check",
            "--format",
            "json",
            "submissions/alpha/good-entry.md",
        ],
    );
    assert!(!run.stdout.contains("attachment-"), "{}", run.stdout);

    // Removing one takes it out of the folder and the entry.
    let csrf = alpha.csrf("/entries/good-entry");
    let r = alpha.post(
        "/entries/good-entry/files/remove",
        &[("csrf", &csrf), ("file", "shu-ju.csv")],
    );
    assert_eq!(r.status, 303);
    assert!(!d.join("submissions/alpha/good-entry/shu-ju.csv").exists());
    assert!(
        !std::fs::read_to_string(d.join("submissions/alpha/good-entry.md"))
            .unwrap()
            .contains("shu-ju.csv")
    );
}

#[test]
fn after_the_deadline_edits_are_refused_naming_it() {
    let (dir, _portal, alpha, _) = signed_in(false, &["alpha"]);
    let d = dir.path();
    let csrf = alpha.csrf("/entries/new");
    let commits = log(d).lines().count();
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "submit")],
        ),
    );
    assert!(
        r.body.contains("申报已于 2017年12月6日 23:59 截止"),
        "{}",
        r.body
    );
    assert_eq!(log(d).lines().count(), commits);
}

#[test]
fn the_portal_refuses_to_start_over_uncommitted_changes_and_names_them() {
    let dir = repository(true);
    let d = dir.path();
    std::fs::write(d.join("submissions/alpha/second-entry.md"), "changed").unwrap();
    let run = shenbao(d, &["portal", "--port", "0"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("submissions/alpha/second-entry.md") && run.stderr.contains("未提交"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_card_is_a_form_and_the_signed_roster_an_upload() {
    let (dir, _portal, beta, _) = signed_in(true, &["beta"]);
    let d = dir.path();
    // Without a card, the home page asks for it and an entry cannot be submitted yet.
    assert!(beta.get("/").body.contains("请先填写单位信息"));
    let csrf = beta.csrf("/entries/new");
    let commits = log(d).lines().count();
    let r = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "submit")],
        ),
    );
    assert!(
        r.body.contains("提交前请先在“单位信息与签章”中填写"),
        "{}",
        r.body
    );
    assert_eq!(log(d).lines().count(), commits);
    let csrf = beta.csrf("/card");
    let bad = beta.post(
        "/card",
        &[("csrf", &csrf), ("leader", "李主席"), ("email", "不是邮箱")],
    );
    assert!(
        bad.body
            .contains(r#"<p class="problem" role="alert">有错误，未保存。</p>"#),
        "{}",
        bad.body
    );
    // The head left empty: said beside its own field, in the form's words.
    let empty = beta.post(
        "/card",
        &[("csrf", &csrf), ("leader", ""), ("responsible", "王干事")],
    );
    let leader = empty
        .body
        .split("id=\"c-leader\"")
        .nth(1)
        .and_then(|rest| rest.split("<div class=\"field\">").next())
        .unwrap_or_default();
    assert!(leader.contains("必填：请填写此项。"), "{}", empty.body);
    assert!(!empty.body.contains("unit.yaml"), "{}", empty.body);
    let ok = beta.post(
        "/card",
        &[
            ("csrf", &csrf),
            ("leader", "李主席"),
            ("responsible", "王干事"),
            ("responsible_phone", "13912345678"),
            ("email", "beta@example.org"),
        ],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    let r = beta.upload("/card/scan", &csrf, &[("scan", "汇总表.jpg", &jpeg())]);
    assert_eq!(r.status, 303, "{}", r.body);
    let card = std::fs::read_to_string(d.join("submissions/beta/unit.yaml")).unwrap();
    assert!(
        card.contains("roster_signed: \"huizongbiao-qianzhang.jpg\"")
            && card.contains("email: \"beta@example.org\""),
        "{card}"
    );
    let run = shenbao(d, &["check", "--format", "json"]);
    assert!(
        !run.stdout.contains("submissions/beta/unit.yaml"),
        "{}",
        run.stdout
    );
    // The card links to the scan as uploaded, to check it is the right one; to its own unit
    // only.
    assert!(beta.get("/card").body.contains(r#"<a href="/card/scan""#));
    let scan = beta.get("/card/scan");
    assert_eq!(scan.status, 200);
    assert_eq!(scan.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        Client {
            addr: beta.addr.clone(),
            cookie: String::new(),
        }
        .get("/card/scan")
        .status,
        401
    );
    // The roster sheet to print is the site's.
    let sheet = beta.get("/roster");
    assert_eq!(sheet.status, 200);
    assert!(
        sheet.body.contains("乙公司工会") && !sheet.body.contains("甲区总工会"),
        "its own sheet, even empty"
    );
    // Empty, it says so on the sheet: not one to sign blank.
    assert!(sheet.body.contains("尚无已提交的项目"), "{}", sheet.body);
    // Nothing on it leads out of the portal or needs a script its policy refuses: the way back
    // is the portal's home, and printing is the browser's own.
    assert!(
        sheet.body.contains(r#"<a href="/">← 返回首页</a>"#),
        "{}",
        sheet.body
    );
    assert!(sheet.body.contains("Ctrl+P"), "{}", sheet.body);
    for gone in ["site.js", r#"href="/roster/""#, "data-print", "favicon"] {
        assert!(!sheet.body.contains(gone), "{gone}: {}", sheet.body);
    }
}

/// An entry submitted after the deadline (the portal takes late entries here) is late for the
/// office as for `shenbao status`; the unit's own list does not count it as an error to mend.
#[test]
fn the_office_sees_who_is_late_as_status_does() {
    let dir = repository(true);
    let d = dir.path();
    let links = invite(d, &["alpha", "--organiser", "office@example.org"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &alpha_new(&csrf, "截止后提交的项目", "submit"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let run = shenbao(d, &["status", "--format", "json"]);
    assert!(
        run.stdout.contains("\"late\": 1") || run.stdout.contains("\"late\":1"),
        "{}",
        run.stdout
    );
    let office = Client::login(&portal.addr, &token(&links[1].1));
    let page = office.get("/office").body;
    assert!(page.contains("（逾期 1）"), "{page}");
    let home = alpha.get("/").body;
    assert!(!home.contains("处错误"), "{home}");
}

#[test]
fn the_research_office_sees_every_unit_and_makes_links() {
    let (_dir, portal, office, _) = signed_in(true, &["--organiser", "office@example.org"]);
    let page = office.get("/office");
    assert_eq!(page.status, 200);
    for name in ["甲区总工会", "乙公司工会", "应报数"] {
        assert!(page.body.contains(name), "{name}");
    }
    let csv = office.get("/office/roster/roster.csv");
    assert!(csv.body.contains("甲区总工会"));
    let xlsx = office.get("/office/roster/roster.xlsx");
    assert_eq!(xlsx.status, 200);
    assert!(
        xlsx.header("content-type")
            .unwrap()
            .contains("spreadsheetml")
    );
    let json = office.get("/office/roster/roster.json");
    assert!(json.body.contains("\"units\""), "{}", json.body);
    assert_eq!(office.get("/office/roster/..%2Fcampaign.yaml").status, 404);
    let csrf = office.csrf("/office");
    let r = office.post(
        "/office/accounts",
        &[("csrf", &csrf), ("unit", "beta"), ("action", "invite")],
    );
    assert_eq!(r.status, 303);
    // Not in the address (it stayed in the browser's history, and any text could be passed
    // off as a link there): shown on the next view of the page, once.
    assert_eq!(r.header("location"), Some("/office"));
    let shown = office.get("/office").body;
    assert!(
        !office.get("/office").body.contains("新的登录链接"),
        "shown twice"
    );
    let forged = office
        .get("/office?link=beta%09http%3A%2F%2Fevil.example%2Flogin%2Fx")
        .body;
    assert!(!forged.contains("evil.example"), "{forged}");
    // The link as the page shows it (escaped HTML): the 32 hex digits after `login`.
    let after = shown.split("login").nth(1).expect("the new link is shown");
    let chars: Vec<char> = after.chars().collect();
    let new_token: String = chars
        .windows(32)
        .find(|w| {
            w.iter()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(c))
        })
        .expect("a token")
        .iter()
        .collect();
    let beta = Client::login(&portal.addr, &new_token);
    assert_eq!(beta.get("/").status, 200);
    // A unit that submits through its parent gets no link (its entries would fail `check`),
    // and is not offered; the organiser's account is named once.
    let r = office.post(
        "/office/accounts",
        &[("csrf", &csrf), ("unit", "child"), ("action", "invite")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("通过 甲区总工会（alpha）申报"),
        "{}",
        r.body
    );
    let page = office.get("/office").body;
    assert!(!page.contains("value=\"child\""), "{page}");
    assert!(!page.contains("新的登录链接"), "{page}");
    assert_eq!(page.matches("office@example.org").count(), 1, "{page}");
    // A unit cannot make links.
    let csrf = beta.csrf("/");
    assert_eq!(
        beta.post(
            "/office/accounts",
            &[("csrf", &csrf), ("unit", "beta"), ("action", "invite")]
        )
        .status,
        403
    );
}

/// A bare repository holding `dir`'s history, as a git host keeps it.
fn bare_copy(dir: &Path) -> tempfile::TempDir {
    let host = tempfile::tempdir().unwrap();
    let bare = host.path().join("campaign.git");
    git(dir, &["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    host
}

#[test]
fn a_portal_on_a_bare_repository_commits_to_its_branch() {
    let dir = repository(true);
    let host = bare_copy(dir.path());
    let bare = host.path().join("campaign.git");
    let root = bare.to_str().unwrap();
    let run = shenbao(host.path(), &["--root", root, "portal", "invite", "alpha"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let key = token(run.stdout.split('\t').nth(1).unwrap().trim());
    let portal = start(host.path(), &["--root", root]);
    let alpha = Client::login(&portal.addr, &key);
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "submit")],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let subject = git(
        host.path(),
        &["--git-dir", root, "log", "-1", "--format=%s"],
    );
    assert_eq!(subject.trim(), "甲区总工会：提交项目《网上服务平台》");
    // The new entry is listed from the portal's own checkout of the branch.
    assert!(alpha.get("/").body.contains("网上服务平台"));
}

#[test]
fn two_portals_on_one_remote_lose_nothing() {
    let dir = repository(true);
    let host = bare_copy(dir.path());
    let bare = host.path().join("campaign.git");
    let clone = |name: &str| {
        let to = host.path().join(name);
        git(
            host.path(),
            &["clone", "-q", bare.to_str().unwrap(), to.to_str().unwrap()],
        );
        to
    };
    let (a, b) = (clone("a"), clone("b"));
    let key_a = token(&invite(&a, &["alpha"])[0].1);
    let key_b = token(&invite(&b, &["beta"])[0].1);
    let portal_a = start(&a, &["--remote", "origin"]);
    let portal_b = start(&b, &["--remote", "origin"]);
    let alpha = Client::login(&portal_a.addr, &key_a);
    let beta = Client::login(&portal_b.addr, &key_b);
    // Both portals start from the same tip; each saves in turn, several times.
    for round in 0..3 {
        for (client, who) in [(&alpha, "甲"), (&beta, "乙")] {
            let csrf = client.csrf("/entries/new");
            let title = format!("{who}单位的第{round}个项目");
            let r = client.post(
                "/entries/new",
                &with(
                    ENTRY,
                    &[
                        ("csrf", &csrf),
                        ("base", "new"),
                        ("title", &title),
                        ("action", "draft"),
                    ],
                ),
            );
            assert_eq!(r.status, 303, "{}", r.body);
        }
    }
    let subjects = git(
        host.path(),
        &["--git-dir", bare.to_str().unwrap(), "log", "--format=%s"],
    );
    for round in 0..3 {
        for who in ["甲", "乙"] {
            assert!(
                subjects.contains(&format!("{who}单位的第{round}个项目")),
                "{subjects}"
            );
        }
    }
    // A straight line: every save replayed on the one before, none merged away.
    let parents = git(
        host.path(),
        &["--git-dir", bare.to_str().unwrap(), "log", "--format=%p"],
    );
    assert!(parents.lines().all(|p| !p.contains(' ')), "{parents}");
    // The clone whose push was refused follows the remote, and its work tree is clean.
    assert_eq!(git(&b, &["status", "--porcelain"]), "");
}

#[test]
fn a_preview_is_the_sites_own_page_of_the_entry_as_typed_and_only_its_maker_sees_it() {
    let dir = repository(true);
    let d = dir.path();
    let links = invite(d, &["alpha", "beta"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let beta = Client::login(&portal.addr, &token(&links[1].1));
    let page = alpha.get("/entries/good-entry").body;
    let base = base_of(&page);
    let csrf = alpha.csrf("/entries/good-entry");
    let commits = log(d).lines().count();
    let typed = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", &base),
            ("title", "还没保存的标题"),
            (
                "section.0.text",
                "正文<script>alert(1)</script>里有**重点**。",
            ),
            ("cover", "photo.jpg"),
            ("attachment.0.file", "photo.jpg"),
            ("action", "preview"),
        ],
    );
    let r = alpha.post("/entries/good-entry", &typed);
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.header("location").unwrap().to_string();
    assert!(
        at.starts_with("/preview/") && at.ends_with("/entries/alpha/good-entry/"),
        "{at}"
    );
    let shown = alpha.get(&at);
    assert_eq!(shown.status, 200);
    // The site's entry page (its stylesheet, its sanitiser), with what was typed.
    assert!(shown.body.contains("还没保存的标题"), "{}", shown.body);
    assert!(shown.body.contains("<strong>重点</strong>"));
    assert!(!shown.body.contains("<script>alert"));
    assert!(shown.body.contains("static/style.css"));
    // A submitted entry is not called a draft for being previewed.
    assert!(
        !shown
            .body
            .contains("<span class=\"badge badge-short\">草稿</span>"),
        "{}",
        shown.body
    );
    let prefix = at.trim_end_matches("entries/alpha/good-entry/");
    assert_eq!(alpha.get(&format!("{prefix}static/style.css")).status, 200);
    // A form without a category yet shows no empty category (`项目展示 › .`).
    let r = alpha.post("/entries/good-entry", &with(&typed, &[("category", "")]));
    let bare = alpha.get(r.header("location").unwrap()).body;
    assert!(bare.contains("还没保存的标题"), "{bare}");
    assert!(
        !bare.contains(">. <") && !bare.contains("› <a href=\"/preview"),
        "{bare}"
    );
    // Its 首页 link (the preview's own root) is a page too, and another unit's is not.
    let home = alpha.get(prefix);
    assert_eq!(home.status, 200, "{prefix}");
    assert!(home.body.contains("还没保存的标题"), "{}", home.body);
    assert_eq!(beta.get(prefix).status, 404);
    assert_eq!(
        alpha
            .get(&format!("{prefix}entries/alpha/good-entry/photo.jpg"))
            .status,
        200
    );
    // Nothing saved; another unit cannot open it; nothing of another unit is in it.
    assert_eq!(log(d).lines().count(), commits);
    assert_eq!(beta.get(&at).status, 404);
    assert_eq!(
        alpha
            .get(&format!("{prefix}entries/alpha/second-entry/"))
            .status,
        404
    );
}

/// alpha's clerk in a real browser, logged in by the link: the browser, the campaign, the
/// portal serving it (kept running while the clerk is) and its address.
struct Clerk {
    browser: common::webdriver::Browser,
    dir: tempfile::TempDir,
    _portal: Portal,
    base: String,
    link: String,
}

impl Clerk {
    fn logged_in() -> Clerk {
        let browser = common::webdriver::Browser::start();
        let dir = repository(true);
        let link = invite(dir.path(), &["alpha"])[0].1.clone();
        let portal = start(dir.path(), &[]);
        let base = format!("http://{}/", portal.addr);
        let link = link.replace("http://127.0.0.1:4100/", &base);
        let clerk = Clerk {
            browser,
            dir,
            _portal: portal,
            base,
            link,
        };
        clerk.log_in();
        clerk
    }

    /// Log in again by the link, as after a session ended.
    fn log_in(&self) {
        self.browser.go(&self.link);
        self.browser.press("登录");
        self.browser
            .wait_for("//h1[normalize-space(.)='甲区总工会']");
    }
}

/// What a clerk types but does not save is kept in the browser for each entry apart: typing in
/// a new entry does not lose what was typed in another.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn unsaved_typing_is_kept_for_each_entry_apart_in_a_real_browser() {
    let clerk = Clerk::logged_in();
    let (browser, d, base) = (&clerk.browser, clerk.dir.path(), &clerk.base);

    browser.go(&format!("{base}entries/good-entry"));
    browser.fill("联系人", "王五");
    browser.go(&format!("{base}entries/new"));
    browser.fill("项目名称", "另一个项目");
    browser.go(&format!("{base}entries/good-entry"));
    browser.wait_for("//p[@id='live-status'][contains(., '已恢复')]");
    let value = browser.execute(
        "return document.getElementById('f-contact').value",
        serde_json::json!([]),
    );
    assert_eq!(value, "王五");
    // Nothing was saved.
    let text = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    assert!(!text.contains("王五"), "{text}");
}

/// A save that does not go through (the session ended while the clerk typed) loses nothing:
/// after logging in again, what was typed is offered back; once it is saved, the browser lets
/// its copy go.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn typing_survives_a_save_that_failed_and_is_let_go_after_one_that_worked_in_a_real_browser() {
    let clerk = Clerk::logged_in();
    let (browser, d, base) = (&clerk.browser, clerk.dir.path(), &clerk.base);
    browser.go(&format!("{base}entries/good-entry"));
    browser.fill("联系人", "赵六");
    browser.delete_cookies();
    browser.press("撤回为草稿");
    browser.wait_for("//h1[contains(., '登录链接')]");
    let stored = || std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    assert!(!stored().contains("赵六"));

    clerk.log_in();
    browser.go(&format!("{base}entries/good-entry"));
    browser.wait_for("//p[@id='live-status'][contains(., '已恢复')]");
    let value = browser.execute(
        "return document.getElementById('f-contact').value",
        serde_json::json!([]),
    );
    assert_eq!(value, "赵六");
    browser.press("撤回为草稿");
    browser.wait_for("//p[@class='notice'][contains(., '已保存为草稿')]");
    assert!(stored().contains("赵六"), "{}", stored());
    let kept = browser.execute(
        "return Object.keys(localStorage).filter(function (k) { return k.indexOf('shenbao-draft:') === 0; })",
        serde_json::json!([]),
    );
    assert_eq!(kept, serde_json::json!([]), "the copy is let go once saved");
}

/// Typing in an entry, then uploading a photo before saving: the upload changes the stored
/// entry (its attachments), and what was typed is offered back on the page it returns to.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn typing_survives_an_upload_before_saving_in_a_real_browser() {
    let clerk = Clerk::logged_in();
    let (browser, d, base) = (&clerk.browser, clerk.dir.path(), &clerk.base);

    browser.go(&format!("{base}entries/good-entry"));
    browser.fill("实施情况", "上传之前写下的实施情况。");
    // A preview first (in a new tab): not a save, and nothing to let go.
    browser.press("预览");
    let photos = tempfile::tempdir().unwrap();
    let photo = photos.path().join("second.jpg");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/valid/submissions/alpha/good-entry/photo.jpg"),
        &photo,
    )
    .unwrap();
    let before = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    let input = browser.by_label("选择文件");
    browser.type_in(&input, photo.to_str().unwrap());
    browser.press("上传");
    browser.wait_for("//img[contains(@src, 'second.jpg')]");
    // The upload changed the stored entry, and did not save what was typed.
    let after = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    assert_ne!(before, after);
    assert!(!after.contains("上传之前写下的"), "{after}");
    browser.wait_for("//p[@id='live-status'][contains(., '已恢复')]");
    let value = browser.execute(
        "return document.querySelector('[name=\"section.2.text\"]').value",
        serde_json::json!([]),
    );
    assert_eq!(value, "上传之前写下的实施情况。", "{value}");
}

/// A clerk on a phone, in a real browser: log in by the link, fill the form by its labels,
/// see the error beside its field, upload a photo, fix the error, submit; the entry is then in
/// git, and `check` and `build` take it.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_clerk_submits_an_entry_with_a_photo_in_a_real_browser() {
    let clerk = Clerk::logged_in();
    let (browser, d, base) = (&clerk.browser, clerk.dir.path(), &clerk.base);
    browser.go(&format!("{base}entries/new"));
    browser.fill("项目名称", "职工网上服务平台");
    browser.choose("申报范围", "网上工会");
    browser.fill("项目简介", "职工在手机上办理入会和求助。");
    browser.fill("联系人", "张三");
    browser.fill("联系电话", "123");
    browser.fill("背景", "职工分散，线下服务难以覆盖。");
    browser.fill("主要内容", "建设网上服务平台。");
    browser.fill("实施情况", "2017年3月上线。");
    browser.fill("取得的效果", "服务职工一万人次。");
    // Checked as the clerk types (the page's script asks the server), before any save.
    let live = browser.wait_for("//p[@id='live-status'][contains(., '错误')]");
    assert!(
        browser.text(&live).contains("还有 1 处错误"),
        "{}",
        browser.text(&live)
    );
    browser.wait_for(
        "//ul[contains(@class, 'live')]/li[contains(., '不是有效的电话号码')][code = 'phone']",
    );
    browser.press("保存草稿");
    let problem = browser.wait_for("//ul[@id='problems-phone']");
    assert!(browser.text(&problem).contains("不是有效的电话号码"));

    let photo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid/submissions/alpha/good-entry/photo.jpg");
    let input = browser.by_label("选择文件");
    browser.type_in(&input, photo.to_str().unwrap());
    browser.press("上传");
    browser.wait_for("//img[contains(@src, 'photo.jpg')]");

    browser.fill("联系电话", "0312-1234567");
    browser.press("提交");
    browser.wait_for("//h1[normalize-space(.)='申报回执']");
    assert!(browser.source().contains("职工网上服务平台"));

    let slug = "zhi-gong-wang-shang-fu-wu-ping-tai";
    let subjects = git(d, &["log", "--format=%s"]);
    assert!(
        subjects.starts_with("甲区总工会：提交项目《职工网上服务平台》"),
        "{subjects}"
    );
    assert!(
        d.join(format!("submissions/alpha/{slug}/photo.jpg"))
            .is_file()
    );
    let file = format!("submissions/alpha/{slug}.md");
    let run = shenbao(d, &["check", "--format", "json", &file]);
    let errors: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["severity"] == "error")
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(errors, ["late-submission"], "{}", run.stdout);
    let path = d.join("campaign.yaml");
    let campaign = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{campaign}arrival_times: false\n")).unwrap();
    assert_eq!(shenbao(d, &["build"]).code, 0);
    assert!(
        d.join(format!("public/entries/alpha/{slug}/photo.jpg"))
            .is_file()
    );
}

#[test]
fn a_session_outlives_a_restart_and_ends_on_logging_out_for_every_copy() {
    let dir = repository(true);
    let d = dir.path();
    let link = &invite(d, &["alpha"])[0].1;
    let first = start(d, &[]);
    let alpha = Client::login(&first.addr, &token(link));
    drop(first);
    // Another process (a restart, or a second portal) knows the session.
    let second = start(d, &[]);
    let again = Client {
        addr: second.addr.clone(),
        cookie: alpha.cookie.clone(),
    };
    assert_eq!(again.get("/").status, 200);
    let csrf = again.csrf("/");
    let out = again.post("/logout", &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    // The browser forgets the cookie; without it there is no session.
    let gone = Client {
        addr: second.addr.clone(),
        cookie: String::new(),
    };
    assert_eq!(gone.get("/").status, 401);
    // A copy of the cookie (a shared office computer, a replayed request) is refused too, by
    // this process and by another; the unit's other sessions (a second phone) go on.
    assert_eq!(again.get("/").status, 401);
    assert_eq!(again.get("/card").status, 401);
    let other_phone = Client::login(&second.addr, &token(link));
    drop(second);
    let third = start(d, &[]);
    let copy = Client {
        addr: third.addr.clone(),
        cookie: alpha.cookie.clone(),
    };
    assert_eq!(copy.get("/").status, 401);
    let other_phone = Client {
        addr: third.addr.clone(),
        cookie: other_phone.cookie,
    };
    assert_eq!(other_phone.get("/").status, 200);
}

#[test]
fn withdrawing_makes_a_submitted_entry_a_draft_again() {
    let (dir, _portal, alpha, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let page = alpha.get("/entries/good-entry").body;
    let base = base_of(&page);
    assert!(page.contains("撤回为草稿"));
    // A submitted entry is saved as submitted; nothing on its page turns it back into a draft
    // but the step that says so (a "save draft" there once withdrew it without a word).
    assert!(page.contains("此项目已提交"), "{page}");
    assert!(page.contains("保存并提交"), "{page}");
    assert!(!page.contains("value=\"draft\""), "{page}");
    let csrf = alpha.csrf("/entries/good-entry");
    let r = alpha.post(
        "/entries/good-entry",
        &[("csrf", &csrf), ("base", &base), ("action", "withdraw")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The page it leads to says what the entry now is, and offers the draft's buttons.
    let saved = alpha.get(r.header("location").unwrap()).body;
    assert!(
        saved.contains(r#"<p class="notice" role="status">已保存为草稿（版本"#),
        "{saved}"
    );
    assert!(saved.contains("尚未提交"), "{saved}");
    assert!(saved.contains("value=\"draft\""), "{saved}");
    assert!(!saved.contains("此项目已提交"), "{saved}");
    let text = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    assert!(text.contains("draft: true"), "{text}");
    // Everything else is as it was.
    assert!(text.contains("打造“指尖上的工会”网上服务平台"), "{text}");
    assert!(log(d).lines().next().unwrap().contains("撤回项目"));
    assert!(alpha.get("/").body.contains("草稿"));
}

/// Withdrawing from the form keeps what the form holds: the one way to save a submitted
/// entry's changes that still have errors.
#[test]
fn withdrawing_from_the_form_saves_its_edits_as_a_draft() {
    let (dir, _portal, alpha, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let page = alpha.get("/entries/good-entry").body;
    let base = base_of(&page);
    let csrf = alpha.csrf("/entries/good-entry");
    let r = alpha.post(
        "/entries/good-entry",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", &base),
                ("title", "撤回时改过的标题"),
                ("phone", "不是电话"),
                ("action", "withdraw"),
            ],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let text = std::fs::read_to_string(d.join("submissions/alpha/good-entry.md")).unwrap();
    assert!(text.contains("draft: true"), "{text}");
    assert!(
        text.contains("撤回时改过的标题") && text.contains("不是电话"),
        "{text}"
    );
}

#[test]
fn a_collecting_unit_names_a_unit_under_it_and_no_other_unit_can() {
    let dir = repository(true);
    let d = dir.path();
    let links = invite(d, &["alpha", "beta"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let beta = Client::login(&portal.addr, &token(&links[1].1));
    // alpha collects for child (丙厂工会): offered as a choice, and kept.
    let page = alpha.get("/entries/new").body;
    assert!(
        page.contains("<option value=\"丙厂工会\""),
        "the units under alpha are offered"
    );
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("implementing_unit", "丙厂工会"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303);
    let slug = slug_of(r.header("location").unwrap());
    let text = std::fs::read_to_string(d.join(format!("submissions/alpha/{slug}.md"))).unwrap();
    assert!(text.contains("implementing_unit: \"丙厂工会\""), "{text}");
    // beta collects for no one: the field is not offered, and a forged one is dropped.
    assert!(!beta.get("/entries/new").body.contains("实施单位"));
    let csrf = beta.csrf("/entries/new");
    let r = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("implementing_unit", "丙厂工会"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303);
    let slug = slug_of(r.header("location").unwrap());
    let text = std::fs::read_to_string(d.join(format!("submissions/beta/{slug}.md"))).unwrap();
    assert!(!text.contains("implementing_unit"), "{text}");

    // alpha's type collects: a unit under it that is not registered (most 基层工会 are not) is
    // named as typed; a registered unit not under it is refused, saying so.
    for (named, kept) in [
        ("东关街道总工会", true),
        ("乙公司工会", false),
        ("beta", false),
    ] {
        let csrf = alpha.csrf("/entries/new");
        let r = alpha.post(
            "/entries/new",
            &with(
                ENTRY,
                &[
                    ("csrf", &csrf),
                    ("base", "new"),
                    ("title", &format!("由{named}实施")),
                    ("implementing_unit", named),
                    ("action", "draft"),
                ],
            ),
        );
        if !kept {
            assert!(
                r.body
                    .contains(&format!("实施单位“{named}”是已登记的其他单位")),
                "{named}: {}",
                r.body
            );
            assert!(
                r.body.contains(&format!("value=\"{named}\"")),
                "kept to mend"
            );
            continue;
        }
        assert_eq!(r.status, 303, "{}", r.body);
        let slug = slug_of(r.header("location").unwrap());
        let text = std::fs::read_to_string(d.join(format!("submissions/alpha/{slug}.md"))).unwrap();
        assert!(
            text.contains(&format!("implementing_unit: \"{named}\"")),
            "{named}: {text}"
        );
    }

    // A value git wrote, on an entry of a unit the form does not ask: kept when it is saved.
    let file = format!("submissions/beta/{slug}.md");
    common::edit(
        &d.join(&file),
        "title: ",
        "implementing_unit: 某车间\ntitle: ",
    );
    git(d, &["commit", "-qam", "by git"]);
    let page = beta.get(&format!("/entries/{slug}")).body;
    let base = base_of(&page);
    let csrf = beta.csrf(&format!("/entries/{slug}"));
    let r = beta.post(
        &format!("/entries/{slug}"),
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", &base),
                ("summary", "改了简介"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let text = std::fs::read_to_string(d.join(&file)).unwrap();
    assert!(text.contains("implementing_unit: \"某车间\""), "{text}");
}

/// A draft the unit gave up on can be deleted from the portal, after a page that asks: its
/// file and its files go in one commit. Not without the session's token, not a submitted
/// entry, and not a version the clerk has not seen.
#[test]
fn a_unit_deletes_a_draft_it_gave_up_on_and_nothing_else() {
    let (dir, _portal, alpha, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "draft")],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let slug = slug_of(r.header("location").unwrap());
    let r = alpha.upload(
        &format!("/entries/{slug}/files"),
        &csrf,
        &[("files", "photo.jpg", &jpeg())],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let file = format!("submissions/alpha/{slug}.md");
    let photo = format!("submissions/alpha/{slug}/photo.jpg");
    assert!(d.join(&photo).is_file());

    // The draft's page offers it; the page that asks names the entry and its file.
    let page = alpha.get(&format!("/entries/{slug}"));
    assert!(
        page.body.contains(&format!("/entries/{slug}/delete\"")),
        "{}",
        page.body
    );
    let ask = alpha.get(&format!("/entries/{slug}/delete"));
    assert!(
        ask.body
            .contains("确定删除草稿《网上服务平台》吗？项目文件和它的 1 个附件"),
        "{}",
        ask.body
    );
    let base = base_of(&ask.body);
    let commits = log(d).lines().count();

    // Without the session's token, or from a version older than the stored one: nothing.
    let r = alpha.post(&format!("/entries/{slug}/delete"), &[("base", &base)]);
    assert_eq!(r.status, 403);
    let r = alpha.post(
        &format!("/entries/{slug}/delete"),
        &[
            ("csrf", &csrf),
            ("base", "0000000000000000000000000000000000000000"),
        ],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("<h1>未删除</h1>"), "{}", r.body);
    assert_eq!(log(d).lines().count(), commits);

    // Asked and confirmed: gone from the folder and the branch, in one commit.
    let r = alpha.post(
        &format!("/entries/{slug}/delete"),
        &[("csrf", &csrf), ("base", &base)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let home = r.header("location").unwrap().to_string();
    assert_eq!(home, "/?deleted=1");
    assert!(alpha.get(&home).body.contains("草稿已删除。"));
    // Sent again (Back, a double tap): done already, nothing more.
    let again = alpha.post(
        &format!("/entries/{slug}/delete"),
        &[("csrf", &csrf), ("base", &base)],
    );
    assert_eq!(again.header("location"), Some("/"));
    assert_eq!(log(d).lines().count(), commits + 1);
    assert!(
        log(d)
            .lines()
            .next()
            .unwrap()
            .ends_with("甲区总工会：删除草稿《网上服务平台》")
    );
    let mut changed: Vec<String> = git(d, &["show", "--name-status", "--format=", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    changed.sort();
    assert_eq!(changed, [format!("D\t{file}"), format!("D\t{photo}")]);
    assert!(!d.join(&file).exists() && !d.join(&photo).exists());
    assert!(!alpha.get("/").body.contains(&format!("/entries/{slug}\"")));
    assert_eq!(git(d, &["status", "--porcelain"]), "");

    // A submitted entry is not deleted: it is withdrawn first.
    let ask = alpha.get("/entries/good-entry/delete");
    assert_eq!(ask.status, 303);
    let version = git(d, &["rev-parse", "HEAD:submissions/alpha/good-entry.md"]);
    let r = alpha.post(
        "/entries/good-entry/delete",
        &[("csrf", &csrf), ("base", version.trim())],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("请先撤回为草稿"), "{}", r.body);
    assert!(d.join("submissions/alpha/good-entry.md").is_file());

    // A draft saved before its title was typed still has a name to click, to finish or delete.
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("title", ""),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let untitled = slug_of(r.header("location").unwrap());
    assert!(
        alpha
            .get("/")
            .body
            .contains(&format!("未填写项目名称（{untitled}）</a>")),
        "{untitled}"
    );
}

/// A campaign that does not judge arrival times (`arrival_times: false`, as the sample) calls
/// nothing late: not the receipt, not the home page, as `check` does not.
#[test]
fn without_arrival_times_nothing_is_called_late() {
    let dir = common::fixture("valid");
    let d = dir.path();
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}arrival_times: false\nportal: {{accept_late: true}}\n"),
    )
    .unwrap();
    common::portal::commit_the_call(d);
    let links = invite(d, &["alpha"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let home = alpha.get("/").body;
    assert!(
        home.contains("仍可提交") && !home.contains("逾期"),
        "{home}"
    );
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "submit")],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let receipt = alpha.get(r.header("location").unwrap()).body;
    assert!(
        receipt.contains("申报回执") && !receipt.contains("逾期"),
        "{receipt}"
    );
}

/// The live check names a field of the campaign's own by its label, as the form does, and puts
/// a recognition's missing source beside its source, not beside the row's first field.
#[test]
fn problems_are_named_and_placed_as_the_form_names_and_places_its_fields() {
    let (_dir, _portal, alpha, _) = signed_in(true, &["alpha"]);
    let csrf = alpha.csrf("/entries/new");
    let live = alpha.post(
        "/entries/check",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("extra.investment", "很多"),
                ("recognition.0.kind", "media"),
                ("recognition.0.date", "2017-09-12"),
            ],
        ),
    );
    let live: serde_json::Value = serde_json::from_str(&live.body).unwrap();
    let messages = |field: &str| -> Vec<String> {
        live["fields"][field]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| d["message"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let investment = messages("extra.investment");
    assert!(
        investment
            .iter()
            .any(|m| m.starts_with("投入经费（万元）（`investment`）")),
        "{live:#}"
    );
    let source = messages("recognition.0.source");
    assert!(
        source.iter().any(|m| m.contains("recognition.source")),
        "{live:#}"
    );
    assert!(messages("recognition.0.kind").is_empty(), "{live:#}");
}

#[test]
fn a_unit_with_an_extension_may_still_save_after_the_deadline() {
    let dir = common::fixture("valid");
    let d = dir.path();
    let path = d.join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}extensions:\n  alpha: 2099-12-31T18:00:00+08:00\n"),
    )
    .unwrap();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "the call"]);
    let links = invite(d, &["alpha", "beta"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let beta = Client::login(&portal.addr, &token(&links[1].1));
    assert!(alpha.get("/").body.contains("2099年12月31日 18:00"));
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "submit")],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // Within its extension: the receipt does not call it late.
    let receipt = alpha.get(r.header("location").unwrap());
    assert!(receipt.body.contains("申报回执"), "{}", receipt.body);
    assert!(!receipt.body.contains("逾期"), "{}", receipt.body);
    // A draft has no receipt: its link leads back to the entry.
    let csrf = alpha.csrf("/entries/new");
    let r = alpha.post(
        "/entries/new",
        &with(
            ENTRY,
            &[
                ("csrf", &csrf),
                ("base", "new"),
                ("title", "另一个项目"),
                ("action", "draft"),
            ],
        ),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let draft = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let back = alpha.get(&format!("{draft}/receipt"));
    assert_eq!(back.header("location"), Some(draft.as_str()));
    let csrf = beta.csrf("/entries/new");
    let r = beta.post(
        "/entries/new",
        &with(
            ENTRY,
            &[("csrf", &csrf), ("base", "new"), ("action", "draft")],
        ),
    );
    assert!(
        r.body.contains("申报已于 2017年12月6日 23:59 截止"),
        "{}",
        r.body
    );
}

#[test]
fn the_office_sees_a_signed_scan_and_revokes_a_unit_from_the_browser() {
    let dir = repository(true);
    let d = dir.path();
    let links = invite(d, &["alpha", "--organiser", "office@example.org"]);
    let portal = start(d, &[]);
    let alpha = Client::login(&portal.addr, &token(&links[0].1));
    let office = Client::login(&portal.addr, &token(&links[1].1));
    // alpha's card names signed.jpg: the office can open it, a unit cannot.
    let scan = office.get("/office/scans/alpha");
    assert_eq!(scan.status, 200);
    assert_eq!(scan.header("content-type"), Some("image/jpeg"));
    assert_ne!(alpha.get("/office/scans/alpha").status, 200);
    let csrf = office.csrf("/office");
    let r = office.post(
        "/office/accounts",
        &[("csrf", &csrf), ("unit", "alpha"), ("action", "revoke")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(alpha.get("/").status, 401);
}

/// Text pasted from a slide or a document carries its line breaks as vertical tabs or form
/// feeds, which no one sees in the form. The portal saves them as the line breaks they were, or
/// as spaces in a field of one line (and drops any other such character), so the entry is
/// submitted rather than refused for a character the clerk cannot find; its file holds none,
/// as `check` wants, and neither does the unit card.
#[test]
fn text_pasted_with_a_slides_line_breaks_is_submitted_as_lines() {
    let (dir, _portal, clerk, _) = signed_in(true, &["alpha"]);
    let d = dir.path();
    let csrf = clerk.csrf("/entries/new");
    let sent = with(
        ENTRY,
        &[
            ("csrf", &csrf),
            ("base", "new"),
            ("title", "粘贴来的\u{7}项目\u{b}一行"),
            ("summary", "第一行\u{b}第二行"),
            (
                "section.0.text",
                "职工分散，\u{b}线下服务\u{c}难以覆盖。\u{1}",
            ),
            ("action", "submit"),
        ],
    );
    let r = clerk.post("/entries/new", &sent);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.header("location").unwrap().contains("/receipt?commit="));
    let made = slug_of(r.header("location").unwrap());
    let text = std::fs::read_to_string(d.join(format!("submissions/alpha/{made}.md"))).unwrap();
    // A field of one line stays one line.
    assert!(text.contains("title: \"粘贴来的项目 一行\""), "{text}");
    // Each a line of its own, as lines typed one under another are.
    assert!(
        text.contains("职工分散，\\\n线下服务\\\n难以覆盖。"),
        "{text}"
    );
    assert!(
        !text.contains(['\u{1}', '\u{7}', '\u{b}', '\u{c}']) && !text.contains("\\u000"),
        "{text}"
    );

    let csrf = clerk.csrf("/card");
    let r = clerk.post(
        "/card",
        &[
            ("csrf", csrf.as_str()),
            ("leader", "李\u{b}四"),
            ("responsible", "王五\u{7}"),
            ("responsible_phone", "13912345678"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let card = std::fs::read_to_string(d.join("submissions/alpha/unit.yaml")).unwrap();
    assert!(card.contains("李 四") && card.contains("王五"), "{card}");
    assert!(!card.contains("\\u0007") && !card.contains("\\n"), "{card}");
    let run = common::shenbao(d, &["check", "--format", "json"]);
    assert!(!run.stdout.contains("invalid-character"), "{}", run.stdout);
}
