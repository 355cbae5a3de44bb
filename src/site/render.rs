//! Every page of the site rendered from the model through the theme's templates, in parallel.

use std::collections::BTreeMap;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use rayon::prelude::*;
use serde::Serialize;

use super::model::Model;
use super::output::Staging;
use super::{Progress, SiteError};

/// Cards on one page of the showcase without JavaScript.
pub const PER_PAGE: usize = 48;
/// Entries in the feed: the newest.
const FEED_SIZE: usize = 50;

/// One page to render.
#[derive(Clone, Copy, Debug)]
enum Job {
    Home,
    Page(usize),
    Showcase(usize),
    Entry(usize),
    Form(usize),
    Categories,
    Category(usize),
    Units,
    Unit(usize),
    Roster,
    RosterUnit(usize),
    Status,
    NotFound,
    Sitemap,
    Feed,
}

#[derive(Serialize)]
struct Pagination {
    current: usize,
    previous: Option<String>,
    next: Option<String>,
    pages: Vec<PageNumber>,
}

#[derive(Serialize)]
struct PageNumber {
    number: usize,
    path: String,
    gap: bool,
}

/// Values shared by every page, converted for the templates once.
struct Shared {
    site: Value,
    entries: Vec<Value>,
    units: Vec<Value>,
    /// For the showcase's unit filter: every unit that published something.
    unit_options: Value,
}

/// The number of pages `render` writes, for a progress bar.
pub fn page_count(model: &Model) -> usize {
    jobs(model).len()
}

pub fn render(
    env: &Environment<'static>,
    model: &Model,
    out: &Staging,
    progress: &dyn Progress,
) -> Result<usize, SiteError> {
    let shared = Shared {
        site: Value::from(Serde(&model.site)),
        entries: model
            .entries
            .par_iter()
            .map(|e| Value::from(Serde(e)))
            .collect(),
        units: model.units.iter().map(|u| Value::from(Serde(u))).collect(),
        unit_options: Value::from(Serde(
            model
                .units
                .iter()
                .filter(|u| !u.entries.is_empty())
                .map(|u| {
                    BTreeMap::from([
                        ("id", &u.id),
                        ("name", &u.name),
                        ("unit_type", &u.unit_type),
                    ])
                })
                .collect::<Vec<_>>(),
        )),
    };
    let jobs = jobs(model);
    jobs.par_iter().try_for_each(|job| {
        let (path, template, ctx) = page(model, &shared, *job);
        let html = env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(SiteError::Template)?;
        out.write(&path, html.as_bytes())?;
        progress.advance(1);
        Ok::<(), SiteError>(())
    })?;
    Ok(jobs.len())
}

fn jobs(model: &Model) -> Vec<Job> {
    let mut jobs = vec![
        Job::Home,
        Job::Categories,
        Job::Units,
        Job::Roster,
        Job::Status,
        Job::NotFound,
        Job::Sitemap,
        Job::Feed,
    ];
    jobs.extend((0..model.pages.len()).map(Job::Page));
    jobs.extend((1..=showcase_pages(model)).map(Job::Showcase));
    jobs.extend((0..model.entries.len()).flat_map(|i| [Job::Entry(i), Job::Form(i)]));
    jobs.extend((0..model.site.categories.len()).map(Job::Category));
    jobs.extend((0..model.units.len()).map(Job::Unit));
    jobs.extend((0..model.roster.units.len()).map(Job::RosterUnit));
    jobs
}

fn showcase_pages(model: &Model) -> usize {
    model.entries.len().div_ceil(PER_PAGE).max(1)
}

fn showcase_path(n: usize) -> String {
    if n == 1 {
        "entries/".into()
    } else {
        format!("entries/page/{n}/")
    }
}

/// The file a page path is written to: `x/` is `x/index.html`.
fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

fn list(shared: &Shared, indices: &[usize]) -> Value {
    indices.iter().map(|&i| shared.entries[i].clone()).collect()
}

fn page(model: &Model, shared: &Shared, job: Job) -> (String, &'static str, Value) {
    let site = shared.site.clone();
    let (path, template, ctx): (String, &'static str, Value) = match job {
        Job::Home => {
            // Entries with a photo make the best first impression.
            let mut recent: Vec<usize> = (0..model.entries.len())
                .filter(|&i| model.entries[i].cover.is_some())
                .take(8)
                .collect();
            if recent.len() < 8 {
                recent.extend(
                    (0..model.entries.len())
                        .filter(|&i| model.entries[i].cover.is_none())
                        .take(8 - recent.len()),
                );
            }
            let recent = list(shared, &recent);
            (
                String::new(),
                "home.html",
                context! { site, recent, path => "" },
            )
        }
        Job::Page(i) => {
            let page = &model.pages[i];
            let path = page.path.clone();
            let has_title = page.body.contains("<h1");
            let page = context! { has_title, ..Value::from(Serde(page)) };
            (path.clone(), "page.html", context! { site, page, path })
        }
        Job::Showcase(n) => {
            let start = (n - 1) * PER_PAGE;
            let end = (start + PER_PAGE).min(model.entries.len());
            let cards: Value = shared.entries[start..end].iter().cloned().collect();
            let total = showcase_pages(model);
            let pagination = Pagination {
                current: n,
                previous: (n > 1).then(|| showcase_path(n - 1)),
                next: (n < total).then(|| showcase_path(n + 1)),
                pages: page_numbers(n, total),
            };
            let path = showcase_path(n);
            (
                path.clone(),
                "showcase.html",
                context! { site, cards, pagination => Serde(pagination), units => shared.unit_options.clone(), path },
            )
        }
        Job::Entry(i) => {
            let path = model.entries[i].path.clone();
            let entry = shared.entries[i].clone();
            (path.clone(), "entry.html", context! { site, entry, path })
        }
        Job::Form(i) => {
            let e = &model.entries[i];
            let path = format!("{}form.html", e.path);
            let entry = shared.entries[i].clone();
            (path.clone(), "form.html", context! { site, entry, path })
        }
        Job::Categories => (
            "categories/".into(),
            "categories.html",
            context! { site, path => "categories/" },
        ),
        Job::Category(i) => {
            let c = &model.site.categories[i];
            let path = c.url.clone();
            let entries = list(shared, &model.by_category[i]);
            let category = Value::from(Serde(c));
            (
                path.clone(),
                "category.html",
                context! { site, category, entries, path },
            )
        }
        Job::Units => {
            #[derive(Serialize)]
            struct Group {
                name: String,
                minimum: u32,
                units: Vec<Value>,
            }
            let groups: Vec<Group> = model
                .site
                .unit_types
                .iter()
                .map(|t| Group {
                    name: t.name.clone(),
                    minimum: model
                        .units
                        .iter()
                        .find(|u| u.unit_type == t.id && u.parent.is_none())
                        .map_or(0, |u| u.status.minimum),
                    units: model
                        .units
                        .iter()
                        .zip(&shared.units)
                        .filter(|(u, _)| u.unit_type == t.id)
                        .map(|(_, v)| v.clone())
                        .collect(),
                })
                .filter(|g| !g.units.is_empty())
                .collect();
            (
                "units/".into(),
                "units.html",
                context! { site, groups => Serde(groups), path => "units/" },
            )
        }
        Job::Unit(i) => {
            let u = &model.units[i];
            let path = u.path.clone();
            let entries = list(shared, &u.entries);
            let unit = shared.units[i].clone();
            (
                path.clone(),
                "unit.html",
                context! { site, unit, entries, path },
            )
        }
        Job::Roster => (
            "roster/".into(),
            "roster.html",
            context! { site, roster => Serde(&model.roster), path => "roster/" },
        ),
        Job::RosterUnit(i) => {
            let u = &model.roster.units[i];
            let path = format!("roster/{}/", u.id);
            let signed = model
                .copies
                .iter()
                .find(|c| c.to.starts_with(&path))
                .map(|c| c.to.clone());
            (
                path.clone(),
                "roster_unit.html",
                context! { site, unit => Serde(u), signed, path },
            )
        }
        Job::Status => {
            let mut counts = BTreeMap::from([("none", 0), ("short", 0), ("met", 0)]);
            for s in &model.status {
                let key = match s.state {
                    crate::status::State::None => "none",
                    crate::status::State::Short => "short",
                    crate::status::State::Met => "met",
                };
                *counts.entry(key).or_default() += 1;
            }
            let type_names: BTreeMap<&str, &str> = model
                .site
                .unit_types
                .iter()
                .map(|t| (t.id.as_str(), t.name.as_str()))
                .collect();
            (
                "status/".into(),
                "status.html",
                context! { site, status => Serde(&model.status), counts => Serde(counts), type_names => Serde(type_names), path => "status/" },
            )
        }
        Job::NotFound => (
            "404.html".into(),
            "404.html",
            context! { site, path => "404.html" },
        ),
        Job::Sitemap => {
            let mut urls: Vec<String> = vec![String::new()];
            urls.extend(model.pages.iter().map(|p| p.path.clone()));
            urls.extend((1..=showcase_pages(model)).map(showcase_path));
            urls.extend(model.entries.iter().map(|e| e.path.clone()));
            urls.push("categories/".into());
            urls.extend(model.site.categories.iter().map(|c| c.url.clone()));
            urls.push("units/".into());
            urls.extend(model.units.iter().map(|u| u.path.clone()));
            urls.push("roster/".into());
            urls.push("status/".into());
            ("sitemap.xml".into(), "sitemap.xml", context! { site, urls })
        }
        Job::Feed => {
            let mut order: Vec<usize> = (0..model.entries.len()).collect();
            // Newest first when git tells arrival times; registry order otherwise. Stable, so
            // ties keep the same order on every build.
            order.sort_by(|&a, &b| {
                model.entries[b]
                    .first_submitted
                    .cmp(&model.entries[a].first_submitted)
            });
            order.truncate(FEED_SIZE);
            let entries = list(shared, &order);
            ("feed.xml".into(), "feed.xml", context! { site, entries })
        }
    };
    (file_of(&path), template, ctx)
}

/// Page links around `current`: the first, the last, two either side, gaps between.
fn page_numbers(current: usize, total: usize) -> Vec<PageNumber> {
    let mut out = Vec::new();
    for n in 1..=total {
        if n == 1 || n == total || n.abs_diff(current) <= 2 {
            out.push(PageNumber {
                number: n,
                path: showcase_path(n),
                gap: false,
            });
        } else if n.abs_diff(current) == 3 {
            out.push(PageNumber {
                number: n,
                path: String::new(),
                gap: true,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_show_neighbours_and_ends_with_gaps() {
        let shown: Vec<String> = page_numbers(10, 30)
            .iter()
            .map(|p| {
                if p.gap {
                    "…".into()
                } else {
                    p.number.to_string()
                }
            })
            .collect();
        assert_eq!(shown, ["1", "…", "8", "9", "10", "11", "12", "…", "30"]);
        assert_eq!(page_numbers(1, 1).len(), 1);
    }

    #[test]
    fn page_paths_map_to_index_files() {
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("entries/page/2/"), "entries/page/2/index.html");
        assert_eq!(file_of("feed.xml"), "feed.xml");
    }
}
