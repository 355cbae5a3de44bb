//! `shenbao build` on fixture campaigns: every page of SPEC's list, safe bodies, drafts, the base
//! URL, deterministic and atomic output, theme overrides, and the roster exports.

mod common;

use std::path::Path;

use common::{fixture, shenbao, snapshot_tree};

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn build(dir: &Path, args: &[&str]) -> common::Run {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let run = shenbao(dir, &all);
    assert_eq!(run.code, 0, "build failed:\n{}\n{}", run.stdout, run.stderr);
    run
}

#[test]
fn the_site_has_every_page_of_the_spec() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let public = dir.path().join("public");
    for page in [
        "index.html",
        "pages/notice/index.html",
        "pages/about/index.html",
        "entries/index.html",
        "entries/units.json",
        "entries/alpha/wangshang/index.html",
        "entries/beta/dangjian/index.html",
        "categories/index.html",
        "categories/12/index.html",
        "units/index.html",
        "units/alpha/index.html",
        "units/delta/index.html",
        "roster/index.html",
        "roster/alpha/index.html",
        "roster.csv",
        "roster.xlsx",
        "roster.json",
        "entries.json",
        "status/index.html",
        "sitemap.xml",
        "feed.xml",
        "404.html",
        "static/style.css",
        "static/showcase.js",
        // The entry's files, beside its page, and the unit's signed roster.
        "entries/alpha/wangshang/photo.jpg",
        "entries/alpha/wangshang/second.jpg",
        "entries/alpha/wangshang/data.csv",
        "entries/alpha/wangshang/clip.mp4",
        "roster/alpha/signed.jpg",
    ] {
        assert!(public.join(page).is_file(), "{page} is missing");
    }

    let home = read(&public, "index.html");
    assert!(home.contains(r#"<html lang="zh-CN">"#));
    assert!(home.contains("测试创新奖") && home.contains("2017年12月6日"));
    assert!(
        home.contains(r#"data-deadline="2017-12-06T15:59:59Z""#),
        "{home}"
    );

    let entry = read(&public, "entries/alpha/wangshang/index.html");
    for shown in [
        "“指尖上的工会”网上服务平台",
        "甲区总工会",
        "12. 网上工会",
        "张三",
        "0312-1234567",
        "2017-03",
        "投入经费（万元）",
        "18.5",
        "保定日报",
        "工会服务搬上“指尖”",
        "服务数据",
        "<video controls",
        "主要领导签字",
        "单位公章",
    ] {
        assert!(entry.contains(shown), "the entry page lacks {shown}");
    }
    // Thumbnails with their size, loaded lazily; the body's image points at the copied photo.
    assert!(entry.contains(r#"src="/thumbs/"#), "{entry}");
    assert!(entry.contains(r#"width="#) && entry.contains(r#"loading="lazy""#));
    assert!(entry.contains(r#"src="photo.jpg""#));
    assert!(entry.contains(r#"href="data.csv""#));

    // Units that have submitted nothing come first on the status page.
    let status = read(&public, "status/index.html");
    let delta = status.find("丁区总工会").unwrap();
    let alpha = status.find("甲区总工会").unwrap();
    assert!(delta < alpha, "the unit with nothing stands first");

    let sheet = read(&public, "roster/alpha/index.html");
    assert!(sheet.contains("主要领导签字") && sheet.contains("单位公章") && sheet.contains("日期"));
    // The head's name stands beside the line to sign, not on it, and the year has room.
    assert!(
        sheet.contains(
            "主要领导签字：<span class=\"line\"></span><span class=\"hint\">（张主席）</span>"
        ),
        "{sheet}"
    );
    assert!(sheet.contains("日期：　　　　年　　月　　日"), "{sheet}");
    // Who to call about it, and how many entries it lists.
    let rows = sheet.matches("<td class=\"num\">").count();
    assert!(
        sheet.contains("专人负责：李干事 13912345678")
            && sheet.contains(&format!("共 {rows} 个项目</span></p>")),
        "{sheet}"
    );
    assert!(read(&public, "static/print.css").contains("size: A4"));

    let csv = std::fs::read(public.join("roster.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}序号".as_bytes()),
        "CSV starts with a BOM"
    );
    assert_eq!(
        &std::fs::read(public.join("roster.xlsx")).unwrap()[..2],
        b"PK"
    );
    let roster: serde_json::Value = serde_json::from_str(&read(&public, "roster.json")).unwrap();
    assert_eq!(roster["units"][0]["entries"][0]["no"], 1);

    let feed = read(&public, "feed.xml");
    assert!(
        feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    assert_eq!(feed.matches("<entry>").count(), 5);
    let sitemap = read(&public, "sitemap.xml");
    assert!(sitemap.contains("<loc>/entries/alpha/wangshang/</loc>"));
    assert!(read(&public, "404.html").contains("页面不存在"));

    // No request leaves the site: no absolute http(s) URL in a stylesheet, script or link tag.
    for page in [
        "index.html",
        "entries/index.html",
        "entries/alpha/wangshang/index.html",
    ] {
        let html = read(&public, page);
        for tag in html
            .split('<')
            .filter(|t| t.starts_with("link") || t.starts_with("script") || t.starts_with("img"))
        {
            assert!(
                !tag.contains("http://") && !tag.contains("https://"),
                "{page}: <{tag}"
            );
        }
    }
}

#[test]
fn the_showcase_units_and_exports_list_published_entries_only() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let public = dir.path().join("public");
    // The filters offer the units with an entry on the site, in the registry's order (delta
    // has none).
    let units: serde_json::Value =
        serde_json::from_str(&read(&public, "entries/units.json")).unwrap();
    assert_eq!(
        units,
        serde_json::json!([
            ["alpha", "甲区总工会", "county"],
            ["beta", "乙公司工会", "grassroots"],
            ["gamma", "丙开发区工会", "devzone"]
        ])
    );
    assert!(!public.join("entries/index.json").exists());
    let all: serde_json::Value = serde_json::from_str(&read(&public, "entries.json")).unwrap();
    assert_eq!(all["entries"].as_array().unwrap().len(), 5);
    assert!(
        !public.join("entries/alpha/caogao").exists(),
        "a draft is not published"
    );

    build(dir.path(), &["--drafts"]);
    assert!(public.join("entries/alpha/caogao/index.html").is_file());
    assert!(read(&public, "entries/alpha/caogao/index.html").contains("草稿"));
}

#[test]
fn hostile_bodies_come_out_inert() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let page = read(
        &dir.path().join("public"),
        "entries/beta/hostile/index.html",
    );
    let lower = page.to_lowercase();
    for bad in [
        "__pwned",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "evil.example",
    ] {
        assert!(!lower.contains(bad), "`{bad}` survived:\n{page}");
    }
    // The only scripts are the site's own.
    for script in lower.split("<script").skip(1) {
        assert!(
            script.trim_start().starts_with("src=\"/static/"),
            "<script{script}"
        );
    }
    assert!(
        page.contains("段落") && page.contains("点我"),
        "text is kept"
    );
}

#[test]
fn two_builds_give_identical_trees_and_the_campaign_is_untouched() {
    let dir = fixture("site");
    let before = snapshot_tree(&dir.path().join("submissions"));
    build(dir.path(), &[]);
    let first = relative(&dir.path().join("public"));
    // The second build reuses the first one's thumbnails; a build elsewhere makes its own.
    build(dir.path(), &[]);
    let second = relative(&dir.path().join("public"));
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("site");
    build(dir.path(), &["--out", out.to_str().unwrap()]);
    let third = relative(&out);
    assert_eq!(first.len(), second.len());
    assert!(first == second, "a rebuild changed bytes");
    assert!(first == third, "a build in another folder changed bytes");
    assert_eq!(snapshot_tree(&dir.path().join("submissions")), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

fn relative(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot_tree(dir)
        .into_iter()
        .map(|(p, bytes)| (p.strip_prefix(dir).unwrap().display().to_string(), bytes))
        .collect()
}

#[test]
fn base_url_puts_the_site_under_a_sub_path() {
    let dir = fixture("site");
    build(dir.path(), &["--base-url", "/award/2017"]);
    let public = dir.path().join("public");
    let home = read(&public, "index.html");
    assert!(home.contains(r#"href="/award/2017/static/style.css""#));
    assert!(home.contains(r#"href="/award/2017/entries/""#));
    assert!(!home.contains(r#"href="/entries/""#));
    let showcase = read(&public, "entries/index.html");
    assert!(showcase.contains(r#"data-units="/award/2017/entries/units.json""#));
    assert!(
        read(&public, "sitemap.xml").contains("<loc>/award/2017/entries/alpha/wangshang/</loc>")
    );
}

#[test]
fn a_campaign_with_errors_is_not_built_and_the_previous_site_stays() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let before = snapshot_tree(&dir.path().join("public"));
    let entry = dir.path().join("submissions/beta/dangjian.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("category: 1", "category: 99")).unwrap();
    let run = shenbao(dir.path(), &["build"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("invalid-value") && run.stdout.contains("dangjian.md"));
    assert_eq!(snapshot_tree(&dir.path().join("public")), before);
}

/// An entry named with a space and Chinese (`新 项目.md`), with a photo named so too: its links
/// in pages hold no raw space, and the sitemap and the feed hold URLs, ASCII only.
#[test]
fn names_with_spaces_and_chinese_make_valid_links_and_urls() {
    let dir = fixture("site");
    let alpha = dir.path().join("submissions/alpha");
    let text = std::fs::read_to_string(alpha.join("weiquan.md")).unwrap();
    std::fs::write(
        alpha.join("新 项目.md"),
        text.replacen("title: ", "title: 名字有空格的", 1),
    )
    .unwrap();
    // An organiser's page named with a space: in every page's menu.
    std::fs::write(
        dir.path().join("content/申报 须知.md"),
        "---\ntitle: 申报须知\n---\n\n正文。\n",
    )
    .unwrap();
    build(dir.path(), &["--base-url", "https://example.org/award/"]);
    let home = read(dir.path(), "public/index.html");
    assert!(
        home.contains("href=\"https://example.org/award/pages/申报%20须知/\""),
        "{home}"
    );
    let encoded = "entries/alpha/%E6%96%B0%20%E9%A1%B9%E7%9B%AE/";
    let sitemap = read(dir.path(), "public/sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>https://example.org/award/{encoded}</loc>")),
        "{sitemap}"
    );
    assert!(!sitemap.contains("新 项目"), "{sitemap}");
    let feed = read(dir.path(), "public/feed.xml");
    assert!(
        feed.contains(&format!("href=\"https://example.org/award/{encoded}\"")),
        "{feed}"
    );
    // Pages: the space encoded, the Chinese left readable; the page itself is where it says.
    let unit = read(dir.path(), "public/units/alpha/index.html");
    assert!(
        unit.contains("href=\"https://example.org/award/entries/alpha/新%20项目/\""),
        "{unit}"
    );
    assert!(!unit.contains("alpha/新 项目/"), "{unit}");
    assert!(
        dir.path()
            .join("public/entries/alpha/新 项目/index.html")
            .is_file()
    );
}

/// One unit's unfinished draft (the portal saves drafts with errors) does not stop the site of
/// everyone else's entries: drafts are not published. It is said, and `--drafts`, which would
/// publish it, is stopped by it.
#[test]
fn errors_in_a_draft_do_not_stop_the_site_unless_drafts_are_published() {
    let dir = fixture("site");
    let draft = dir.path().join("submissions/alpha/caogao.md");
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.contains("draft: true"));
    let text = text
        .replace("category: 1", "category: 99")
        .replace("phone: 0312-1234567", "phone: abc");
    std::fs::write(&draft, text).unwrap();
    let check = shenbao(dir.path(), &["check"]);
    assert_eq!(check.code, 1, "check still reports it:\n{}", check.stdout);
    let run = build(dir.path(), &[]);
    assert!(
        run.stderr
            .contains("shenbao：注意：草稿中有 2 个错误；草稿不发布，网站照常生成"),
        "{}",
        run.stderr
    );
    assert!(dir.path().join("public/index.html").is_file());
    assert!(!dir.path().join("public/entries/alpha/caogao").exists());
    let preview = shenbao(dir.path(), &["build", "--drafts", "--out", "preview"]);
    assert_eq!(preview.code, 1, "{}\n{}", preview.stdout, preview.stderr);
    assert!(preview.stdout.contains("caogao.md"), "{}", preview.stdout);
    assert!(!dir.path().join("preview").exists());
}

#[test]
fn a_broken_template_fails_with_its_name_and_line_and_keeps_the_previous_site() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let before = snapshot_tree(&dir.path().join("public"));
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("404.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n{{ oops( }}\n{% endblock %}\n",
    )
    .unwrap();
    let run = shenbao(dir.path(), &["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("404.html:3"), "{}", run.stderr);
    assert_eq!(snapshot_tree(&dir.path().join("public")), before);
}

#[test]
fn a_campaign_overrides_a_template_and_a_static_file() {
    let dir = fixture("site");
    let theme = dir.path().join("themes/default");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(
        theme.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>走错了</h1>{% endblock %}",
    )
    .unwrap();
    std::fs::write(theme.join("static/logo.png"), b"png").unwrap();
    build(dir.path(), &[]);
    let public = dir.path().join("public");
    let page = read(&public, "404.html");
    assert!(
        page.contains("走错了") && page.contains("测试总工会"),
        "{page}"
    );
    assert!(public.join("static/logo.png").is_file());
    assert!(
        public.join("static/style.css").is_file(),
        "other files still come from the theme"
    );
}

#[test]
fn an_english_campaign_gets_english_pages() {
    let dir = fixture("site");
    let path = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("language: zh-CN", "language: en")).unwrap();
    build(dir.path(), &[]);
    let home = read(&dir.path().join("public"), "index.html");
    assert!(home.contains(r#"<html lang="en">"#));
    assert!(home.contains("Showcase") && home.contains("6 December 2017"));
    let entry = read(
        &dir.path().join("public"),
        "entries/alpha/wangshang/index.html",
    );
    assert!(entry.contains(r#"<time datetime="2017-03">March 2017</time>"#));
    assert!(entry.contains(r#"<time datetime="2017-09-12">12 September 2017</time>"#));
    // Latin punctuation after English labels and around asides, and a space between the call's
    // title and a sheet's name: the templates' own full-width marks were Chinese.
    let public = dir.path().join("public");
    let sheet = read(&public, "roster/alpha/index.html");
    for page in [&home, &entry, &sheet] {
        // An English word, or a tag's end, then a full-width mark: the templates' own.
        let chars: Vec<char> = page.chars().collect();
        let own: Vec<String> = chars
            .windows(2)
            .enumerate()
            .filter(|(_, w)| {
                (w[0].is_ascii_alphabetic() || w[0] == '>') && matches!(w[1], '：' | '（')
            })
            .map(|(i, _)| {
                chars[i.saturating_sub(30)..(i + 10).min(chars.len())]
                    .iter()
                    .collect()
            })
            .collect();
        assert!(
            own.is_empty(),
            "full-width marks in an English page: {own:?}"
        );
    }
    assert!(entry.contains("(12 September 2017)"), "{entry}");
    assert!(
        sheet.contains("Summary roster</h1>") && sheet.contains(" Summary roster"),
        "{sheet}"
    );
    assert!(sheet.contains("Date: "), "{sheet}");
    // One entry is one entry, on every page that counts them.
    let mut pages = vec![public.clone()];
    while let Some(at) = pages.pop() {
        for item in std::fs::read_dir(&at).unwrap().flatten() {
            let path = item.path();
            if path.is_dir() {
                pages.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let page = std::fs::read_to_string(&path).unwrap();
                let one = page
                    .match_indices("1 entries")
                    .any(|(i, _)| !page[..i].ends_with(|c: char| c.is_ascii_digit()));
                assert!(!one, "{}", path.display());
            }
        }
    }
}

/// An entry's dates read as people write them in the campaign's language, the ISO form kept
/// for machines in `datetime`.
#[test]
fn an_entry_page_writes_its_dates_as_people_do() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let entry = read(
        &dir.path().join("public"),
        "entries/alpha/wangshang/index.html",
    );
    assert!(entry.contains(r#"<time datetime="2017-03">2017年3月</time>"#));
    assert!(entry.contains(r#"<time datetime="2017-09-12">2017年9月12日</time>"#));
    assert!(entry.contains("（2017年9月12日）"), "the printed form too");
    assert!(!entry.contains(">2017-03<") && !entry.contains("（2017-09-12）"));
}

#[test]
fn the_output_never_replaces_the_campaign_or_a_foreign_folder() {
    let dir = fixture("site");
    let run = shenbao(dir.path(), &["build", "--out", "."]);
    assert_eq!(run.code, 2);
    assert!(dir.path().join("campaign.yaml").is_file());
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("keep.txt"), "mine").unwrap();
    let run = shenbao(dir.path(), &["build", "--out", "docs"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(docs.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn roster_command_writes_the_same_exports() {
    let dir = fixture("site");
    let out = dir.path().join("r.xlsx");
    let run = shenbao(
        dir.path(),
        &["roster", "--format", "xlsx", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(&std::fs::read(&out).unwrap()[..2], b"PK");
    let run = shenbao(
        dir.path(),
        &["roster", "--format", "html", "--unit", "alpha"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("<style>") && run.stdout.contains("主要领导签字"));
    assert!(run.stdout.contains("“指尖上的工会”网上服务平台"));
    assert!(!run.stdout.contains("党建带工建"), "only alpha's entries");
    // The whole roster, printed alone: every unit's entries, and nothing of a site that is not
    // there (menu, links, downloads, a print button needing a script).
    let run = shenbao(dir.path(), &["roster", "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = &run.stdout;
    assert!(page.contains("<style>"), "{page}");
    assert!(page.contains("“指尖上的工会”网上服务平台") && page.contains("党建带工建"));
    assert!(!page.contains("<script"), "{page}");
    assert_eq!(
        page.matches("href=").count(),
        page.matches("href=\"#main\"").count(),
        "a link that leads nowhere: {page}"
    );
    assert!(
        !page.contains("data-print") && !page.contains("class=\"nav\""),
        "{page}"
    );
    assert!(page.contains("打印"), "how to print it: {page}");
}

/// What a feed or sitemap validator would say: the first thing wrong, if any.
type Verdict = Result<(), String>;

/// A full URL: `http` or `https` with a host.
fn is_absolute(url: &str) -> bool {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

fn is_rfc3339(text: &str) -> bool {
    text.parse::<jiff::Timestamp>().is_ok()
}

/// RFC 4287's requirements of an Atom feed that shenbao's could break: one id (an absolute IRI),
/// title and updated (RFC 3339) for the feed and for each entry, unique entry ids, absolute
/// links, an author for each entry (its own or the feed's); and entries dated apart.
fn validate_feed(xml: &str) -> Verdict {
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    let feed = doc.root_element();
    if !feed.has_tag_name((ATOM, "feed")) {
        return Err(format!("the root is {:?}", feed.tag_name()));
    }
    let one = |parent: roxmltree::Node, name: &str| -> Result<String, String> {
        let found: Vec<_> = parent
            .children()
            .filter(|n| n.has_tag_name((ATOM, name)))
            .collect();
        match found.as_slice() {
            [n] => Ok(n.text().unwrap_or_default().to_string()),
            _ => Err(format!(
                "{} <{name}> in <{}>",
                found.len(),
                parent.tag_name().name()
            )),
        }
    };
    let check_links = |parent: roxmltree::Node| -> Verdict {
        for link in parent.children().filter(|n| n.has_tag_name((ATOM, "link"))) {
            let href = link.attribute("href").unwrap_or_default();
            if !is_absolute(href) {
                return Err(format!("a link to {href:?}"));
            }
        }
        Ok(())
    };
    let id = one(feed, "id")?;
    if !is_absolute(&id) {
        return Err(format!("the feed's id {id:?} is not an absolute URL"));
    }
    one(feed, "title")?;
    let updated = one(feed, "updated")?;
    if !is_rfc3339(&updated) {
        return Err(format!("the feed's updated {updated:?}"));
    }
    check_links(feed)?;
    let feed_author = feed.children().any(|n| n.has_tag_name((ATOM, "author")));
    let mut ids = std::collections::HashSet::new();
    let mut dates = std::collections::HashSet::new();
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .collect();
    for entry in &entries {
        let id = one(*entry, "id")?;
        if !is_absolute(&id) {
            return Err(format!("the entry id {id:?} is not an absolute URL"));
        }
        if !ids.insert(id.clone()) {
            return Err(format!("the entry id {id:?} twice"));
        }
        one(*entry, "title")?;
        let updated = one(*entry, "updated")?;
        if !is_rfc3339(&updated) {
            return Err(format!("{id}: updated {updated:?}"));
        }
        dates.insert(updated);
        check_links(*entry)?;
        if !feed_author && !entry.children().any(|n| n.has_tag_name((ATOM, "author"))) {
            return Err(format!("{id} has no author"));
        }
    }
    if entries.len() > 1 && dates.len() == 1 {
        return Err(format!("every entry was updated at {dates:?}"));
    }
    Ok(())
}

/// The sitemap protocol's requirements: a `urlset` of at most 50,000 `url`s, each with one
/// `loc`, an absolute URL under the site's address, each once.
fn validate_sitemap(xml: &str, address: &str) -> Result<Vec<String>, String> {
    const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not XML: {e}"))?;
    let urlset = doc.root_element();
    if !urlset.has_tag_name((SITEMAP, "urlset")) {
        return Err(format!("the root is {:?}", urlset.tag_name()));
    }
    let mut locs = Vec::new();
    for url in urlset.children().filter(|n| n.is_element()) {
        if !url.has_tag_name((SITEMAP, "url")) {
            return Err(format!("{:?} in the urlset", url.tag_name()));
        }
        let loc: Vec<_> = url
            .children()
            .filter(|n| n.has_tag_name((SITEMAP, "loc")))
            .collect();
        let [loc] = loc.as_slice() else {
            return Err(format!("a url with {} <loc>", loc.len()));
        };
        let loc = loc.text().unwrap_or_default().to_string();
        if !is_absolute(&loc) || !loc.starts_with(address) {
            return Err(format!(
                "the location {loc:?} is not an absolute URL under {address}"
            ));
        }
        if locs.contains(&loc) {
            return Err(format!("{loc} twice"));
        }
        locs.push(loc);
    }
    if locs.is_empty() || locs.len() > 50_000 {
        return Err(format!("{} locations", locs.len()));
    }
    Ok(locs)
}

/// With the site's full address, the feed and the sitemap are valid: absolute ids and locations,
/// entries dated apart, and every page listed (the units' roster sheets too). The validators
/// fail on planted defects, and a build without the address says once what needs it.
#[test]
fn feed_and_sitemap_are_valid_with_the_sites_full_address() {
    let dir = fixture("site");
    let address = "https://example.org/award/2017/";
    let run = build(dir.path(), &["--base-url", address]);
    assert!(!run.stderr.contains("base_url"), "{}", run.stderr);
    let public = dir.path().join("public");

    let feed = read(&public, "feed.xml");
    assert_eq!(validate_feed(&feed), Ok(()), "{feed}");
    assert!(feed.contains(&format!("<id>{address}entries/alpha/wangshang/</id>")));

    let sitemap = read(&public, "sitemap.xml");
    let locs = validate_sitemap(&sitemap, address).unwrap_or_else(|e| panic!("{e}\n{sitemap}"));
    for unit in ["alpha", "beta", "gamma"] {
        let sheet = format!("{address}roster/{unit}/");
        assert!(locs.contains(&sheet), "{sheet} is not in the sitemap");
    }
    // Every location is a page of the site.
    for loc in &locs {
        let rel = &loc[address.len()..];
        assert!(
            public.join(rel).join("index.html").is_file(),
            "{loc} is not a page"
        );
    }

    // Planted defects: each must fail its validator.
    for (defect, planted) in [
        (
            "a relative id",
            feed.replacen(&format!("<id>{address}"), "<id>/", 2),
        ),
        ("an entry without updated", {
            let at = feed.find("<entry>").unwrap();
            let end = at + feed[at..].find("</updated>").unwrap() + "</updated>".len();
            let start = at + feed[at..].find("<updated>").unwrap();
            format!("{}{}", &feed[..start], &feed[end..])
        }),
        ("every entry dated alike", {
            let mut out = String::new();
            for (i, part) in feed.split("<updated>").enumerate() {
                if i > 1 {
                    out.push_str("<updated>2017-12-06T23:59:59+08:00");
                    out.push_str(&part[part.find('<').unwrap()..]);
                } else {
                    if i == 1 {
                        out.push_str("<updated>");
                    }
                    out.push_str(part);
                }
            }
            out
        }),
        (
            "a relative link",
            feed.replacen(&format!("href=\"{address}entries"), "href=\"/entries", 1),
        ),
    ] {
        assert!(
            validate_feed(&planted).is_err(),
            "the validator passed {defect}"
        );
    }
    for (defect, planted) in [
        (
            "a relative location",
            sitemap.replacen(&format!("<loc>{address}"), "<loc>/", 1),
        ),
        (
            "a location twice",
            sitemap.replacen(
                "</urlset>",
                &format!("<url><loc>{address}</loc></url></urlset>"),
                1,
            ),
        ),
        (
            "a url without its location",
            sitemap
                .replacen("<loc>", "<lastmod>", 1)
                .replacen("</loc>", "</lastmod>", 1),
        ),
    ] {
        assert!(
            validate_sitemap(&planted, address).is_err(),
            "the validator passed {defect}"
        );
    }

    // Without the address (base_url: /), the build says so once, naming what needs it.
    let run = build(dir.path(), &[]);
    let said = run
        .stderr
        .lines()
        .filter(|l| l.contains("base_url"))
        .count();
    assert_eq!(said, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("feed.xml") && run.stderr.contains("sitemap.xml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("警告"),
        "in the campaign's language: {}",
        run.stderr
    );
    assert!(validate_feed(&read(&public, "feed.xml")).is_err());
}

/// A unit that submits through its parent: its page lists the parent's entries naming it, and the
/// site expects of it what `check` does — nothing of its own.
#[test]
fn a_unit_submitting_through_its_parent_shows_its_projects_and_is_not_expected() {
    let dir = fixture("valid");
    build(dir.path(), &[]);
    let public = dir.path().join("public");

    let child = read(&public, "units/child/index.html");
    assert!(
        child.contains("第二个项目"),
        "the parent's entry naming it: {child}"
    );
    assert!(child.contains("entries/alpha/second-entry/"), "{child}");
    assert!(!child.contains("暂无项目"), "{child}");
    assert!(
        !child.contains("good-entry"),
        "the parent's own entry: {child}"
    );
    // Its projects are on its parent's roster sheet, not on one of its own.
    assert!(!child.contains("roster/child/"), "{child}");
    assert!(!public.join("roster/child").exists());
    assert!(read(&public, "units/alpha/index.html").contains("第二个项目"));

    // Expected to submit: alpha and beta, as `check` counts them; the one unit that submitted.
    let home = read(&public, "index.html");
    let figures: Vec<&str> = home
        .split(r#"<div class="figure"><strong>"#)
        .skip(1)
        .map(|f| f.split('<').next().unwrap())
        .collect();
    assert_eq!(
        figures[..3],
        ["2", "1", "2"],
        "entries, submitted, expected: {home}"
    );

    // No signed roster is asked of it, and it is not counted among the units behind.
    let status = read(&public, "status/index.html");
    let row = status
        .split("<tr")
        .find(|r| r.contains("units/child/"))
        .unwrap();
    assert!(
        row.contains("无需") && row.contains("经上级工会申报"),
        "{row}"
    );
    assert!(!row.contains("未上传") && !row.contains("badge"), "{row}");
    let summary = status.split("status-summary").nth(1).unwrap();
    let summary = text_of(&summary[..summary.find("</p>").unwrap()]);
    assert!(summary.ends_with("未申报 1 未达数 0 已达数 1"), "{summary}");
}

/// No page skips a heading level (the Nu Html Checker's heading-order error): every heading is
/// at most one level below the one before it.
#[test]
fn no_page_skips_a_heading_level() {
    for (name, root) in [("site", fixture("site")), ("valid", fixture("valid"))] {
        build(root.path(), &[]);
        let mut pages = Vec::new();
        html_files(&root.path().join("public"), &mut pages);
        assert!(pages.len() > 10, "{name}: {pages:?}");
        for page in pages {
            let html = std::fs::read_to_string(&page).unwrap();
            let mut previous = 0;
            for level in heading_levels(&html) {
                assert!(
                    level <= previous + 1,
                    "{name}: {} has an h{level} after an h{previous}",
                    page.display()
                );
                previous = level;
            }
        }
    }
}

fn html_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for item in std::fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out.sort();
}

/// The levels of the headings of a page, in order.
fn heading_levels(html: &str) -> Vec<u32> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    for (i, w) in bytes.windows(3).enumerate() {
        let after = bytes.get(i + 3).copied().unwrap_or(b'>');
        if w[0] == b'<'
            && (w[1] == b'h' || w[1] == b'H')
            && (b'1'..=b'6').contains(&w[2])
            && (after == b'>' || after.is_ascii_whitespace())
        {
            out.push(u32::from(w[2] - b'0'));
        }
    }
    out
}

/// The text of some HTML, tags left out and spaces collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_sample_campaign_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = shenbao(root, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(out.join("pages/notice/index.html").is_file());
    assert!(read(&out, "pages/notice/index.html").contains("保工办发〔2017〕61号"));
    let status = read(&out, "status/index.html");
    assert!(status.contains("未申报") && status.contains("未达数") && status.contains("已达数"));
}

/// A pid that was a real process and is no more.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Two builds of one output at once: the second says who is writing, instead of failing on the
/// first one's half-written folders; a lock left by a killed build is taken over.
#[cfg(target_os = "linux")]
#[test]
fn a_second_build_of_the_same_output_waits_its_turn() {
    let dir = common::fixture("site");
    let out = dir.path().join("out");
    let lock = dir.path().join(".out.lock");
    let mut other = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    std::fs::write(&lock, other.id().to_string()).unwrap();
    let run = common::shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("（进程 {}）正在写入", other.id())),
        "{}",
        run.stderr
    );
    let _ = other.kill();
    let _ = other.wait();
    std::fs::write(&lock, dead_pid().to_string()).unwrap();
    let run = common::shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!lock.exists(), "the lock is released");
}

/// What a killed build left beside the output (its staging folder, its old site) is removed by
/// the next build; a live build's is not.
#[cfg(target_os = "linux")]
#[test]
fn what_killed_builds_left_is_cleaned_up() {
    let dir = common::fixture("site");
    let out = dir.path().join("out");
    let dead = dead_pid();
    let left = [
        dir.path().join(format!(".out.building-{dead}")),
        dir.path().join(format!(".out.building-{dead}.old")),
    ];
    for folder in &left {
        std::fs::create_dir_all(folder.join("entries")).unwrap();
        std::fs::write(folder.join("entries/big.bin"), vec![0u8; 1024]).unwrap();
    }
    let live = dir
        .path()
        .join(format!(".out.building-{}", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    let run = common::shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for folder in &left {
        assert!(!folder.exists(), "{} is left", folder.display());
    }
    assert!(live.exists(), "a running process's folder is not touched");
}

/// Builds killed at moments spread over their run never leave the output missing or half
/// written, nor anything that stops the next build.
#[cfg(target_os = "linux")]
#[test]
fn builds_killed_at_any_moment_leave_a_whole_site() {
    let dir = common::fixture("valid");
    let root = dir.path();
    // Enough entries for a build to take a moment.
    let entry = std::fs::read_to_string(root.join("submissions/alpha/second-entry.md")).unwrap();
    for i in 0..300 {
        std::fs::write(
            root.join(format!("submissions/alpha/copy-{i:03}.md")),
            &entry,
        )
        .unwrap();
    }
    let out = root.join("out");
    let first = common::shenbao(root, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let took = {
        let started = std::time::Instant::now();
        common::shenbao(root, &["build", "--out", out.to_str().unwrap()]);
        started.elapsed()
    };
    for step in 1..=8 {
        let mut build = std::process::Command::new(env!("CARGO_BIN_EXE_shenbao"))
            .args(["build", "--out", out.to_str().unwrap()])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took * step / 8);
        let _ = build.kill();
        let _ = build.wait();
        assert!(
            out.join(".shenbao-site").is_file() && out.join("index.html").is_file(),
            "after a kill at {step}/8 the site is not whole"
        );
    }
    let last = common::shenbao(root, &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(last.code, 0, "{}", last.stderr);
    let beside: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert_eq!(
        beside,
        Vec::<String>::new(),
        "nothing left beside the output"
    );
}

/// Unmounts when the test ends, however it ends.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// An output that is a mount point (a container's volume, a web root) cannot be renamed: the
/// site is replaced inside it. Needs root to mount a tmpfs; skipped otherwise.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_can_be_the_output() {
    let dir = common::fixture("site");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "tmpfs"])
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (not root)");
        return;
    }
    let _mount = Mount(out.clone());
    for round in 0..2 {
        let run = common::shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 0, "round {round}: {}", run.stderr);
        assert!(out.join("index.html").is_file() && out.join(".shenbao-site").is_file());
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".shenbao-") && n != ".shenbao-site")
            .collect();
        assert_eq!(leftovers, Vec::<String>::new(), "round {round}");
    }
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
    assert!(
        mounts.contains(out.to_str().unwrap()),
        "the output is still the mount point"
    );
}

/// Every page of a built site, relative path and text.
fn pages_of(public: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    html_files(public, &mut files);
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(public).unwrap().display().to_string();
            (rel, std::fs::read_to_string(&f).unwrap())
        })
        .collect()
}

/// Every word a reader sees is in the campaign's language: the footer's sitemap link too.
#[test]
fn the_footer_speaks_the_campaigns_language() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    for (rel, html) in pages_of(&dir.path().join("public")) {
        if let Some(footer) = html.split("<footer").nth(1) {
            let text = text_of(footer);
            assert!(text.contains("站点地图"), "{rel}: {text}");
            assert!(!text.contains("Sitemap"), "{rel}: {text}");
        }
    }
    let path = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("language: zh-CN", "language: en")).unwrap();
    build(dir.path(), &[]);
    let home = read(&dir.path().join("public"), "index.html");
    assert!(text_of(home.split("<footer").nth(1).unwrap()).contains("Sitemap"));
}

/// A showcase of one page, or of none, shows no pagination (a lone “1” is no navigation).
#[test]
fn a_showcase_of_one_page_or_none_has_no_pagination() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let page = read(&dir.path().join("public"), "entries/index.html");
    assert!(page.contains("class=\"card\""));
    assert!(!page.contains("class=\"pagination\""), "{page}");
    // No entry at all: the drafts and entries gone.
    for unit in ["alpha", "beta", "gamma"] {
        for item in std::fs::read_dir(dir.path().join("submissions").join(unit)).unwrap() {
            let path = item.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    build(dir.path(), &[]);
    let page = read(&dir.path().join("public"), "entries/index.html");
    assert!(!page.contains("class=\"card\""));
    assert!(!page.contains("class=\"pagination\""), "{page}");
}

/// The printed application form is the notice's 附件1: the mark at its top, every label a row
/// header, the box for the unit's opinion with the lines to sign and stamp closing the form,
/// and then the four sections under one label (申报材料, not 主要内容, which is one of them).
/// The unit's and the whole roster are 附件2.
#[test]
fn the_printed_form_and_rosters_carry_the_notices_annex_marks_and_boxes() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let public = dir.path().join("public");
    let entry = read(&public, "entries/alpha/wangshang/index.html");
    let form = entry.split("class=\"print-only\"").nth(1).unwrap();
    assert!(
        form.contains("<p class=\"sheet-annex\">附件1</p>"),
        "{form}"
    );
    let table = form.split("</table>").next().unwrap();
    assert!(!table.contains("<th>"), "a label without scope: {table}");
    assert!(table.contains("<th scope=\"row\">项目名称</th>"));
    // The attachments the materials refer to, by name, on the paper that has no side panel.
    assert!(
        table.contains("<th scope=\"row\">附件</th>") && table.contains("服务数据（CSV，"),
        "{table}"
    );
    // Photos and videos too: on paper the gallery is not there either.
    assert!(
        table.contains("<li>第二张照片（图片）</li>")
            && table.contains("<li>宣传短片（视频）</li>"),
        "{table}"
    );
    assert!(form.contains("<h2 class=\"form-content\">申报材料</h2>"));
    let opinion = entry
        .split("class=\"form-table form-opinion\"")
        .nth(1)
        .expect("the opinion box");
    let (opinion, after) = opinion.split_once("</table>").unwrap();
    assert!(
        opinion.contains("<th scope=\"row\">申报单位意见</th>")
            && opinion.contains("主要领导签字")
            && opinion.contains("单位公章"),
        "{opinion}"
    );
    assert!(
        after
            .trim_start()
            .starts_with("<h2 class=\"form-content\">申报材料</h2>"),
        "the box does not close the form: {after}"
    );
    for page in ["roster/index.html", "roster/alpha/index.html"] {
        assert!(
            read(&public, page).contains("class=\"print-only sheet-annex\">附件2</p>")
                || read(&public, page).contains("<p class=\"sheet-annex\">附件2</p>"),
            "{page}"
        );
    }
    // The print stylesheet: the whole roster on landscape pages, pictures capped.
    let print = read(&public, "static/print.css");
    assert!(print.contains("@page roster { size: A4 landscape;"));
    assert!(print.contains(".roster-page main { page: roster; }"));
    assert!(read(&public, "roster/index.html").contains("<body class=\"roster-page\">"));
    assert!(print.contains(".entry .prose img { max-height: 80mm;"));
}

/// Every navigation region says what it is (menu, breadcrumb, pages), so that a screen reader's
/// list of landmarks tells them apart.
#[test]
fn every_navigation_region_is_labelled() {
    let dir = fixture("site");
    build(dir.path(), &[]);
    let mut seen = 0;
    for (rel, html) in pages_of(&dir.path().join("public")) {
        for nav in html.split("<nav").skip(1) {
            let tag = nav.split('>').next().unwrap();
            assert!(tag.contains("aria-label=\""), "{rel}: <nav{tag}>");
            assert!(!tag.contains("aria-label=\"\""), "{rel}: <nav{tag}>");
            seen += 1;
        }
    }
    assert!(seen > 10);
    let entry = read(
        &dir.path().join("public"),
        "entries/alpha/wangshang/index.html",
    );
    assert!(entry.contains("<nav class=\"crumbs\" aria-label=\"当前位置\">"));
}
