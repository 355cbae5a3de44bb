//! Every page of the site rendered from the model through the theme's templates, in parallel.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use minijinja::value::{DynObject, Serde, Value};
use minijinja::{Environment, context};
use rayon::prelude::*;
use serde::Serialize;

use crate::entry::EntryView;
use crate::model::{Model, Site};
use crate::output::Sink;
use crate::{Progress, SiteError};

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

/// Values every page shares, converted for the templates once.
pub struct Prepared {
    site: PerThread<Value>,
    entries: Vec<Value>,
    /// Each entry's card (`card.html`), rendered once: the showcase, unit, category and home
    /// pages all show it.
    cards: Vec<Value>,
    units: Vec<Value>,
    /// The views the cards were made from, so a later model can reuse a card whose view is the
    /// same (the same `Arc`).
    views: HashMap<String, (Arc<EntryView>, Value)>,
}

/// What changed since the previous render, for `render_dirty`.
#[derive(Debug, Default)]
pub struct Dirty {
    /// Entries (indices into the new model) whose page must be rendered.
    pub entries: HashSet<usize>,
    pub units: HashSet<String>,
    /// Categories (indices) whose pages list a changed, added or removed entry.
    pub categories: HashSet<usize>,
    /// Entries were added or removed: showcase pages from this one on shift.
    pub showcase_from: Option<usize>,
}

/// The number of pages `render` writes, for a progress bar.
pub fn page_count(model: &Model) -> usize {
    jobs(model).len()
}

/// The site as templates read it (`site.base`, `site.t.showcase`): its fields, and its words
/// under `t`, each found by one hash of the key. An entry's page reads them some eighty times;
/// minijinja's own maps compared the key with each field in turn, or as a `Value` down a tree,
/// a fifth of the page's time.
pub fn site_value(site: &Site) -> Value {
    keyed_site(&Value::from(Serde(site)))
}

/// The site's serialised fields as a [`Keyed`] map, its words (`t`) as another.
fn keyed_site(site: &Value) -> Value {
    Keyed::of(site, |key, value| {
        if key == "t" {
            Keyed::of(&value, |_, word| word)
        } else {
            value
        }
    })
}

/// A map of string keys read by hashing the key, enumerated in the order it was made from.
#[derive(Debug)]
struct Keyed {
    keys: Vec<Value>,
    values: foldhash::HashMap<String, Value>,
}

impl Keyed {
    /// The map `map` (a serialised struct or map), each value passed through `each`.
    fn of(map: &Value, mut each: impl FnMut(&str, Value) -> Value) -> Value {
        let keys: Vec<Value> = map.try_iter().map(Iterator::collect).unwrap_or_default();
        let values = keys
            .iter()
            .filter_map(|key| {
                let name = key.as_str()?;
                let value = map.get_item(key).ok()?;
                Some((name.to_owned(), each(name, value)))
            })
            .collect();
        Value::from_object(Keyed { keys, values })
    }
}

impl minijinja::value::Object for Keyed {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.values.get(key).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Values(self.keys.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.keys.len())
    }
}

/// Convert the model for the templates, reusing the cards of `previous` for unchanged entries.
pub fn prepare(
    env: &Environment<'static>,
    model: &Model,
    previous: Option<&Prepared>,
) -> Result<Prepared, SiteError> {
    let site = PerThread::new(|| site_value(&model.site));
    let entries: Vec<Value> = model
        .entries
        .par_iter()
        .map(|e| Value::from_dyn_object(DynObject::new(e.clone())))
        .collect();
    let card = env.get_template("card.html").map_err(SiteError::Template)?;
    let cards = model
        .entries
        .par_iter()
        .zip(&entries)
        .map(|(view, e)| {
            if let Some((old, card)) = previous.and_then(|p| p.views.get(&view.id))
                && Arc::ptr_eq(old, view)
            {
                return Ok(card.clone());
            }
            card.render(context! { site => site.get().clone(), e => e.clone() })
                .map(Value::from_safe_string)
        })
        .collect::<Result<Vec<Value>, _>>()
        .map_err(SiteError::Template)?;
    let views = model
        .entries
        .iter()
        .zip(&cards)
        .map(|(v, c)| (v.id.clone(), (Arc::clone(v), c.clone())))
        .collect();
    Ok(Prepared {
        site,
        entries,
        cards,
        units: model.units.iter().map(|u| Value::from(Serde(u))).collect(),
        views,
    })
}

/// Render every page but the entries' own (a build writes each of those with its part of the
/// search index, see [`EntryPages`]).
pub fn render_lists(
    env: &Environment<'static>,
    model: &Model,
    out: &dyn Sink,
    progress: &dyn Progress,
) -> Result<usize, SiteError> {
    let prepared = prepare(env, model, None)?;
    let jobs: Vec<Job> = jobs(model)
        .into_iter()
        .filter(|job| !matches!(job, Job::Entry(_)))
        .collect();
    render_jobs(env, model, &prepared, out, progress, &jobs)
}

/// Entries' own pages rendered one at a time, each with a body given apart from its view: one
/// the site renders from the entry's file when the model does not hold it.
pub struct EntryPages<'a> {
    template: minijinja::Template<'a, 'a>,
    site: PerThread<Value>,
}

impl<'a> EntryPages<'a> {
    pub fn new(env: &'a Environment<'static>, model: &Model) -> Result<Self, SiteError> {
        Ok(EntryPages {
            template: env
                .get_template("entry.html")
                .map_err(SiteError::Template)?,
            site: PerThread::new(|| site_value(&model.site)),
        })
    }

    /// The page of `view` with the body `body`: its file and its HTML.
    pub fn render(
        &self,
        view: &Arc<EntryView>,
        body: Arc<str>,
    ) -> Result<(String, String), SiteError> {
        let entry = Value::from_object(WithBody {
            view: Arc::clone(view),
            body,
        });
        let html = self
            .template
            .render(entry_context(
                self.site.get().clone(),
                entry,
                view.path.clone(),
            ))
            .map_err(SiteError::Template)?;
        Ok((file_of(&view.path), html))
    }
}

/// One value for each of rayon's threads (and one for any other thread). A template reads the
/// site's fields and words eighty-odd times a page, each read taking and dropping a reference
/// to the object read: on one shared object the two cores took turns at its reference count's
/// cache line.
struct PerThread<T> {
    each: Vec<T>,
}

impl<T> PerThread<T> {
    fn new(make: impl Fn() -> T) -> Self {
        PerThread {
            each: (0..=rayon::current_num_threads()).map(|_| make()).collect(),
        }
    }

    /// The same value for every thread (one page rendered alone).
    fn one(value: T) -> Self {
        PerThread { each: vec![value] }
    }

    /// This thread's value.
    fn get(&self) -> &T {
        let at = rayon::current_thread_index().map_or(0, |i| i + 1);
        &self.each[at.min(self.each.len() - 1)]
    }
}

/// An entry's view, its `body` given apart.
#[derive(Debug)]
struct WithBody {
    view: Arc<EntryView>,
    body: Arc<str>,
}

impl minijinja::value::Object for WithBody {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "body" => Some(Value::from(Arc::clone(&self.body))),
            key => self.view.get_value_by_str(key),
        }
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        self.view.enumerate()
    }
}

/// Render every page from prepared values.
pub fn render_all(
    env: &Environment<'static>,
    model: &Model,
    prepared: &Prepared,
    out: &dyn Sink,
    progress: &dyn Progress,
) -> Result<usize, SiteError> {
    render_jobs(env, model, prepared, out, progress, &jobs(model))
}

/// Render the pages a change touches: the changed entries' own pages, their units' and
/// categories' pages, the showcase pages that list them, and the pages that list everything
/// (home, roster, status, indexes).
/// Which pages `render_dirty` renders: those that show the changed entries themselves, or those
/// that list every entry (the roster, the sitemap, the feed), which `serve` renders after the
/// first are up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Pages,
    Lists,
}

pub fn render_dirty(
    env: &Environment<'static>,
    model: &Model,
    prepared: &Prepared,
    out: &dyn Sink,
    dirty: &Dirty,
    phase: Phase,
) -> Result<usize, SiteError> {
    let on_page = |n: usize| {
        let start = (n - 1) * PER_PAGE;
        dirty.showcase_from.is_some_and(|from| n >= from)
            || (start..(start + PER_PAGE).min(model.entries.len()))
                .any(|i| dirty.entries.contains(&i))
    };
    let lists = |job: &Job| matches!(job, Job::Roster | Job::Sitemap | Job::Feed);
    let jobs: Vec<Job> = jobs(model)
        .into_iter()
        .filter(|job| lists(job) == (phase == Phase::Lists))
        .filter(|job| match *job {
            Job::Entry(i) => dirty.entries.contains(&i),
            Job::Showcase(n) => on_page(n),
            Job::Category(c) => dirty.categories.contains(&c),
            Job::Unit(u) => dirty.units.contains(&model.units[u].id),
            Job::RosterUnit(u) => dirty.units.contains(&model.roster.units[u].id),
            // Free pages and the 404 show no entry.
            Job::Page(_) | Job::NotFound => false,
            Job::Home
            | Job::Categories
            | Job::Units
            | Job::Roster
            | Job::Status
            | Job::Sitemap
            | Job::Feed => true,
        })
        .collect();
    render_jobs(env, model, prepared, out, &crate::Quiet, &jobs)
}

/// The page of one entry from a view not (yet) in the model, with the site as `prepared` has it:
/// `serve` shows an edited entry at once, before the pages that list it are brought up to date.
/// Returns the file and its HTML.
pub fn render_entry(
    env: &Environment<'static>,
    prepared: &Prepared,
    view: Arc<EntryView>,
) -> Result<(String, String), SiteError> {
    let pages = EntryPages {
        template: env
            .get_template("entry.html")
            .map_err(SiteError::Template)?,
        site: PerThread::one(prepared.site.get().clone()),
    };
    pages.render(&view, Arc::clone(&view.body))
}

/// What an entry's page is rendered with, the same whichever way it is rendered.
fn entry_context(site: Value, entry: Value, path: String) -> Value {
    context! { site, entry, path }
}

fn render_jobs(
    env: &Environment<'static>,
    model: &Model,
    shared: &Prepared,
    out: &dyn Sink,
    progress: &dyn Progress,
    jobs: &[Job],
) -> Result<usize, SiteError> {
    jobs.par_iter().try_for_each(|job| {
        let (path, template, ctx) = page(model, shared, *job);
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
    jobs.extend((0..model.entries.len()).map(Job::Entry));
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

fn list(shared: &Prepared, indices: &[usize]) -> Value {
    indices.iter().map(|&i| shared.entries[i].clone()).collect()
}

fn cards(shared: &Prepared, indices: &[usize]) -> Value {
    indices.iter().map(|&i| shared.cards[i].clone()).collect()
}

fn page(model: &Model, shared: &Prepared, job: Job) -> (String, &'static str, Value) {
    let site = shared.site.get().clone();
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
            let recent = cards(shared, &recent);
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
            let cards: Value = shared.cards[start..end].iter().cloned().collect();
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
                context! { site, cards, pagination => Serde(pagination), path },
            )
        }
        Job::Entry(i) => {
            let path = model.entries[i].path.clone();
            let entry = shared.entries[i].clone();
            (path.clone(), "entry.html", entry_context(site, entry, path))
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
            let cards = cards(shared, &model.by_category[i]);
            let category = Value::from(Serde(c));
            (
                path.clone(),
                "category.html",
                context! { site, category, entries, cards, path },
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
                        .find(|u| u.unit_type == t.id && u.status.submits_itself())
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
            let cards = cards(shared, &u.entries);
            let unit = shared.units[i].clone();
            (
                path.clone(),
                "unit.html",
                context! { site, unit, entries, cards, path },
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
                context! { site, unit => Serde(u.alone()), card => card_of(model, &u.id), signed, path },
            )
        }
        Job::Status => {
            // Of the units expected to submit: those submitting through a parent owe nothing.
            let mut counts = BTreeMap::from([("none", 0), ("short", 0), ("met", 0)]);
            for s in model.status.iter().filter(|s| s.submits_itself()) {
                let key = match s.state {
                    shenbao_core::status::State::None => "none",
                    shenbao_core::status::State::Short => "short",
                    shenbao_core::status::State::Met => "met",
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
            urls.extend(
                model
                    .roster
                    .units
                    .iter()
                    .map(|u| format!("roster/{}/", u.id)),
            );
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

/// What a unit's sheet says of the unit beyond the roster: its card's person in charge.
fn card_of(model: &Model, unit: &str) -> Value {
    model
        .units
        .iter()
        .find(|u| u.id == unit)
        .map_or(Value::UNDEFINED, |u| {
            context! { responsible => &u.responsible, responsible_phone => &u.responsible_phone }
        })
}

/// The roster page (or one unit's) with the theme's styles inlined, for `shenbao roster
/// --format html`.
pub fn roster_alone(
    theme: &crate::theme::Theme,
    model: &Model,
    unit: Option<&shenbao_core::roster::RosterUnit>,
    back: Option<(&str, &str)>,
) -> Result<String, minijinja::Error> {
    let css: String = ["style.css", "print.css"]
        .iter()
        .filter_map(|name| theme.statics.iter().find(|(n, _)| n == name))
        .map(|(name, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            if *name == "print.css" {
                format!("@media print {{\n{text}\n}}\n")
            } else {
                format!("{text}\n")
            }
        })
        .collect();
    let site = site_value(&model.site);
    let inline_css = Value::from_safe_string(css);
    let back = back.map(|(href, label)| context! { href, label });
    match unit {
        Some(u) => theme
            .env
            .get_template("roster_unit.html")?
            .render(context! {
                site, unit => Serde(u.alone()), card => card_of(model, &u.id), inline_css, back,
                path => "roster/"
            }),
        None => theme.env.get_template("roster.html")?.render(context! {
            site, roster => Serde(&model.roster), inline_css, path => "roster/"
        }),
    }
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

    /// The site's fields and words read the same through the hashed map as through
    /// minijinja's own: by name, by a key held in a variable, in a loop (in the same order), and
    /// missing ones undefined.
    #[test]
    fn keyed_maps_read_as_what_they_were_made_from() {
        #[derive(Serialize)]
        struct Site {
            title: &'static str,
            count: u32,
            t: BTreeMap<&'static str, &'static str>,
        }
        let site = Site {
            title: "申报",
            count: 2,
            t: BTreeMap::from([("home", "首页"), ("apply", "申报"), ("units", "单位")]),
        };
        let plain = Value::from(Serde(&site));
        let keyed = keyed_site(&plain);
        let page = "{{ site.title }} {{ site.count + 1 }} {{ site.t.home }} \
            {% for k in site.t %}{{ k }}={{ site.t[k] }};{% endfor %} \
            {{ site.nothing is undefined }} {{ site.t.nothing is undefined }} {{ site | length }}";
        let env = Environment::new();
        let render = |site: Value| env.render_str(page, context! { site }).unwrap();
        let shown = render(keyed);
        assert_eq!(
            shown,
            "申报 3 首页 apply=申报;home=首页;units=单位; True True 3"
        );
        assert_eq!(shown, render(plain));
    }

    #[test]
    fn page_paths_map_to_index_files() {
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("entries/page/2/"), "entries/page/2/index.html");
        assert_eq!(file_of("feed.xml"), "feed.xml");
    }
}
