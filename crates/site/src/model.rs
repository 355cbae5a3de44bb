//! The site as data: every published entry, unit, category and page with its URL, body and media,
//! assembled from a checked project, its summary and its media — all read before, none read here.
//! Templates only read the model.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::entry::{EntryView, FileView, Photo, RecognitionView};
use crate::media::{EntryMedia, Media};
use shenbao_core::campaign::Campaign;
use shenbao_core::fields::{IMAGE_TYPES, RECOGNITION_KINDS, VIDEO_TYPES};
use shenbao_core::lang::Lang;
use shenbao_core::model::Entry;
use shenbao_core::paths;
use shenbao_core::paths::{extension, relative_inside};
use shenbao_core::project::Project;
use shenbao_core::roster::Roster;
use shenbao_core::status::UnitStatus;
use shenbao_core::summary::Summary;

/// What the whole site shares: the campaign, menus, figures and labels.
#[derive(Debug, Serialize)]
pub struct Site {
    pub title: String,
    pub issuer: String,
    pub document: Option<String>,
    pub lang: &'static str,
    /// Where the site is served, always ending in `/`.
    pub base: String,
    /// The site's full address (`https://host/path/`) when `base` is one: the feed's ids and the
    /// sitemap's locations must be absolute URLs.
    pub address: Option<String>,
    pub deadline: Option<DeadlineView>,
    pub contact: Option<ContactView>,
    pub categories: Vec<CategoryView>,
    pub criteria: Vec<Named>,
    pub unit_types: Vec<Named>,
    pub pages: Vec<PageLink>,
    pub figures: Figures,
    pub t: std::collections::BTreeMap<&'static str, &'static str>,
    /// The newest of the entries' `updated`, for the feed's; the deadline when no entry tells.
    pub updated: String,
}

#[derive(Debug, Serialize)]
pub struct DeadlineView {
    /// As written in `campaign.yaml`.
    pub text: String,
    /// RFC 3339, for `<time datetime>` and the countdown script.
    pub iso: String,
    /// For people: `2017年12月6日` or `6 December 2017`.
    pub display: String,
}

#[derive(Debug, Serialize)]
pub struct ContactView {
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Serialize)]
pub struct CategoryView {
    pub id: String,
    pub name: String,
    pub text: String,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub slug: String,
    pub title: String,
    pub menu: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct Figures {
    pub entries: usize,
    /// Units expected to submit that have published an entry.
    pub units_submitted: usize,
    /// Units expected to submit (`Campaign::submitters`).
    pub units_registered: usize,
    pub categories_covered: usize,
}

/// A registered unit and what it published.
#[derive(Debug, Serialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub unit_type: String,
    pub unit_type_name: String,
    pub path: String,
    pub parent: Option<String>,
    pub parent_name: Option<String>,
    pub leader: Option<String>,
    pub responsible: Option<String>,
    pub responsible_phone: Option<String>,
    /// Indices into `Model::entries`: its own, or for a unit submitting through its parent, the
    /// parent's entries naming it.
    pub entries: Vec<usize>,
    pub status: UnitStatus,
}

/// A free page of `content/`.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub slug: String,
    pub title: String,
    pub menu: String,
    pub path: String,
    pub body: String,
}

/// A file the site publishes as it is: from the campaign to a path of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    pub from: PathBuf,
    pub to: String,
}

/// Everything the renderer needs.
#[derive(Debug)]
pub struct Model {
    pub site: Site,
    pub entries: Vec<Arc<EntryView>>,
    pub units: Vec<UnitView>,
    pub pages: Vec<PageView>,
    /// Indices into `entries` per category, in the campaign's category order.
    pub by_category: Vec<Vec<usize>>,
    pub roster: Arc<Roster>,
    /// Units in status order: nothing first.
    pub status: Vec<UnitStatus>,
    pub copies: Vec<Copy>,
}

/// How the model is assembled.
#[derive(Clone, Debug, Default)]
pub struct ModelOptions {
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Leave photos, videos and files out: for a roster printed alone.
    pub no_media: bool,
}

/// The entries a site shows: published ones, and drafts too in a preview.
pub fn shown(project: &Project, drafts: bool) -> Vec<&Entry> {
    project
        .entries
        .iter()
        .filter(|e| drafts || !e.draft)
        .collect()
}

/// Views of unchanged entries from an earlier model: such an entry keeps its view (and its
/// media, already published).
#[derive(Debug, Default)]
pub struct Reuse<'a> {
    /// By unit and slug.
    views: HashMap<(&'a str, &'a str), &'a Arc<EntryView>>,
}

impl<'a> Reuse<'a> {
    /// Of the `earlier` views, each with the entry it was made from, those whose entry is the
    /// same in `shown`. Entries are compared once here, bodies and all.
    pub fn unchanged(
        earlier: impl Iterator<Item = (&'a Entry, &'a Arc<EntryView>)>,
        shown: &[&Entry],
    ) -> Self {
        Self::unchanged_but(earlier, shown, |_| true)
    }

    /// As [`Reuse::unchanged`], comparing only the entries that `suspect` names: the others are
    /// known to be the entries their views were made from (comparing 10,000 entries, bodies and
    /// all, takes 45 ms).
    pub fn unchanged_but(
        earlier: impl Iterator<Item = (&'a Entry, &'a Arc<EntryView>)>,
        shown: &[&Entry],
        suspect: impl Fn(&Entry) -> bool + Sync,
    ) -> Self {
        let earlier: HashMap<(&str, &str), (&Entry, &Arc<EntryView>)> = earlier
            .map(|(source, view)| ((source.unit.as_str(), source.slug.as_str()), (source, view)))
            .collect();
        let views = shown
            .par_iter()
            .filter_map(|e| match earlier.get(&(e.unit.as_str(), e.slug.as_str())) {
                Some((source, view)) if !suspect(e) || *source == *e => {
                    Some(((source.unit.as_str(), source.slug.as_str()), *view))
                }
                _ => None,
            })
            .collect();
        Reuse { views }
    }

    /// The earlier view of `e`, when `e` has not changed since it was made.
    pub fn view_of(&self, e: &Entry) -> Option<&'a Arc<EntryView>> {
        self.views.get(&(e.unit.as_str(), e.slug.as_str())).copied()
    }
}

/// Assemble the site of `project` from its `summary` and the `media` of its shown entries,
/// reusing the views of unchanged entries. Only the new views' files are listed in the model's
/// `copies`.
pub fn assemble(
    project: &Project,
    summary: &Summary,
    media: &Media,
    options: &ModelOptions,
    reuse: &Reuse<'_>,
) -> Model {
    let campaign = &project.campaign;
    let lang = campaign.language;
    let base = normalise_base(options.base_url.as_deref().unwrap_or(&campaign.base_url));
    let published = shown(project, options.drafts);

    let no_media = EntryMedia::default();
    // Each view goes into its `Arc` on the thread that made it, not afterwards on one.
    let built: Vec<(Arc<EntryView>, Vec<Copy>)> = published
        .par_iter()
        .map(|e| match reuse.view_of(e) {
            Some(view) => (Arc::clone(view), Vec::new()),
            None => {
                let media = media.entries.get(&e.id()).unwrap_or(&no_media);
                let built = entry_view(campaign, e, media, options);
                (Arc::new(built.view), built.copies)
            }
        })
        .collect();
    let mut entries = Vec::with_capacity(built.len());
    let mut copies = Vec::new();
    for (view, view_copies) in built {
        entries.push(view);
        copies.extend(view_copies);
    }

    let mut by_category = vec![Vec::new(); campaign.categories.len()];
    let mut by_unit: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(c) = e.category_position {
            by_category[c].push(i);
        }
        by_unit.entry(e.unit.as_str()).or_default().push(i);
        // A forwarded project is on the page of the unit it was made for too.
        if let Some(unit) = &e.implementing_unit_id {
            by_unit.entry(unit.as_str()).or_default().push(i);
        }
    }

    let status = &summary.status;
    let status_of: HashMap<&str, &UnitStatus> = status.iter().map(|s| (s.id.as_str(), s)).collect();
    let units: Vec<UnitView> = campaign
        .units
        .iter()
        .map(|u| {
            let card = project.cards.get(&u.id);
            UnitView {
                id: u.id.clone(),
                name: u.name.clone(),
                unit_type: u.unit_type.clone(),
                unit_type_name: campaign
                    .unit_type(&u.unit_type)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                path: format!("units/{}/", u.id),
                parent: u.parent.clone(),
                parent_name: u
                    .parent
                    .as_deref()
                    .and_then(|p| campaign.unit(p))
                    .map(|p| p.name.clone()),
                leader: card.map(|c| c.leader.clone()),
                responsible: card.and_then(|c| c.responsible.clone()),
                responsible_phone: card.and_then(|c| c.responsible_phone.clone()),
                entries: by_unit.get(u.id.as_str()).cloned().unwrap_or_default(),
                status: status_of[u.id.as_str()].clone(),
            }
        })
        .collect();

    for card_unit in &units {
        if let Some(card) = project.cards.get(&card_unit.id)
            && let Some(scan) = &card.roster_signed
            && let Some(rel) = relative_inside(scan)
        {
            copies.push(Copy {
                from: campaign
                    .root
                    .join(paths::unit_folder(&card_unit.id))
                    .join(rel),
                to: format!("roster/{}/{}", card_unit.id, scan),
            });
        }
    }

    let pages: Vec<PageView> = project
        .pages
        .iter()
        .map(|p| PageView {
            slug: p.slug.clone(),
            title: p.title.clone(),
            menu: p.menu.clone(),
            path: format!("pages/{}/", p.slug),
            body: p.html.clone(),
        })
        .collect();

    // Units that submit through a parent are neither expected nor counted: their parent is.
    let figures = Figures {
        entries: entries.len(),
        units_submitted: status
            .iter()
            .filter(|s| s.submits_itself() && s.entries > 0)
            .count(),
        units_registered: campaign.submitters().count(),
        categories_covered: by_category.iter().filter(|c| !c.is_empty()).count(),
    };
    let deadline = campaign.deadline.as_ref().map(|d| DeadlineView {
        text: d.text.clone(),
        iso: d.at.to_string(),
        display: display_date(&d.text, lang),
    });
    let updated = entries
        .iter()
        .filter_map(|e| Some((e.updated_at?, e.updated.as_ref()?)))
        .max_by_key(|(at, _)| *at)
        .map(|(_, text)| text.clone())
        .or_else(|| deadline.as_ref().map(|d| d.iso.clone()))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let site = Site {
        title: campaign.title.clone(),
        issuer: campaign.issuer.clone(),
        document: campaign.document.clone(),
        lang: lang.tag(),
        address: address(&base),
        base,
        deadline,
        contact: campaign.contact.as_ref().map(|c| ContactView {
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        }),
        categories: campaign
            .categories
            .iter()
            .zip(&by_category)
            .map(|(c, list)| CategoryView {
                id: c.id.clone(),
                name: c.name.clone(),
                text: c.text.clone(),
                url: category_path(
                    c.id.as_str(),
                    campaign.category_position(&c.id).unwrap_or(0),
                ),
                count: list.len(),
            })
            .collect(),
        criteria: campaign
            .criteria
            .iter()
            .map(|c| Named {
                id: c.id.clone(),
                name: c.name.clone(),
                text: c.text.clone(),
            })
            .collect(),
        unit_types: campaign
            .unit_types
            .iter()
            .map(|t| Named {
                id: t.id.clone(),
                name: t.name.clone(),
                text: String::new(),
            })
            .collect(),
        pages: pages
            .iter()
            .map(|p| PageLink {
                slug: p.slug.clone(),
                title: p.title.clone(),
                menu: p.menu.clone(),
                url: p.path.clone(),
            })
            .collect(),
        figures,
        t: shenbao_core::labels::labels(lang),
        updated,
    };
    Model {
        site,
        entries,
        units,
        pages,
        by_category,
        roster: Arc::clone(&summary.roster),
        status: status.clone(),
        copies,
    }
}

/// A base URL as pages use it: starting and ending with `/` unless it is a full URL.
pub fn normalise_base(base: &str) -> String {
    let mut b = base.trim().to_string();
    if !b.contains("://") && !b.starts_with('/') {
        b.insert(0, '/');
    }
    if !b.ends_with('/') {
        b.push('/');
    }
    b
}

/// The site's full address when `base` (normalised) is one: an `http` or `https` URL with a host.
pub fn address(base: &str) -> Option<String> {
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    (!host.is_empty()).then(|| base.to_string())
}

/// A category's pages live under its id when that is URL-safe, else under its position.
fn category_path(id: &str, index: usize) -> String {
    if !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        format!("categories/{id}/")
    } else {
        format!("categories/{}/", index + 1)
    }
}

/// A date as people write it: `2017-12-06T23:59:59+08:00` or `2017-12-06` → `2017年12月6日`
/// (6 December 2017), `2017-04` → `2017年4月` (April 2017); anything else as written.
pub fn display_date(text: &str, lang: Lang) -> String {
    let date = text.get(..10).unwrap_or(text);
    let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    if parts.len() != date.split('-').count() || !parts.get(1).is_some_and(|m| (1..=12).contains(m))
    {
        return date.to_string();
    }
    match (parts.as_slice(), lang) {
        ([y, m], Lang::Zh) => format!("{y}年{m}月"),
        ([y, m, d], Lang::Zh) => format!("{y}年{m}月{d}日"),
        ([_, _] | [_, _, _], Lang::En) => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let month = MONTHS[parts[1] as usize - 1];
            match parts.as_slice() {
                [y, _, d] => format!("{d} {month} {y}"),
                _ => format!("{month} {}", parts[0]),
            }
        }
        _ => date.to_string(),
    }
}

struct Built {
    view: EntryView,
    copies: Vec<Copy>,
}

/// One entry's view alone, as [`assemble`] makes it (without the files it publishes).
pub fn view(
    campaign: &Campaign,
    e: &Entry,
    media: &EntryMedia,
    options: &ModelOptions,
) -> EntryView {
    entry_view(campaign, e, media, options).view
}

/// One entry's view and the files it publishes, from the entry and its media.
fn entry_view(campaign: &Campaign, e: &Entry, media: &EntryMedia, options: &ModelOptions) -> Built {
    let lang = campaign.language;
    let path = format!("entries/{}/{}/", e.unit, e.slug);
    let folder = campaign.root.join(e.folder());
    let mut copies = Vec::new();
    // Only what the media stage found safe to publish is copied, and linked to.
    let mut publish = |written: &str| -> Option<String> {
        let rel_text = crate::media::clean(written).filter(|r| media.files.contains(r))?;
        let rel = std::path::PathBuf::from(&rel_text);
        let to = format!("{path}{rel_text}");
        let copy = Copy {
            from: folder.join(&rel),
            to: to.clone(),
        };
        if !copies.contains(&copy) {
            copies.push(copy);
        }
        Some(to)
    };
    for file in &e.body_files {
        publish(file);
    }

    // A photo the media stage could read; the same file may be cover and attachment.
    let mut photo = |written: &str, title: &str| -> Option<Photo> {
        let full = publish(written)?;
        let found = media.photos.get(written)?.as_ref()?;
        Some(Photo {
            thumb: found
                .thumb
                .as_ref()
                .map_or_else(|| full.clone(), |name| format!("thumbs/{name}")),
            path: full,
            width: found.width,
            height: found.height,
            title: title.to_string(),
        })
    };

    let mut photos = Vec::new();
    let mut videos = Vec::new();
    let mut files = Vec::new();
    let mut attachment_files = Vec::new();
    for a in e.attachments.iter().filter(|_| !options.no_media) {
        let ext = extension(std::path::Path::new(&a.file));
        let title = a.title.clone().unwrap_or_else(|| a.file.clone());
        if IMAGE_TYPES.contains(&ext.as_str()) {
            if let Some(p) = photo(&a.file, &title) {
                photos.push(p);
            }
        } else {
            attachment_files.push((a.file.clone(), title, ext));
        }
    }
    let cover = match &e.cover {
        _ if options.no_media => None,
        Some(c) => photo(c, &e.title),
        None => photos.first().cloned(),
    };
    for (file, title, ext) in attachment_files {
        let size = media
            .sizes
            .get(&file)
            .map(|&len| human_size(len))
            .unwrap_or_default();
        let Some(path) = publish(&file) else { continue };
        let view = FileView {
            name: file.rsplit('/').next().unwrap_or(&file).to_string(),
            path,
            title,
            ext: ext.clone(),
            size,
        };
        if VIDEO_TYPES.contains(&ext.as_str()) {
            videos.push(view);
        } else {
            files.push(view);
        }
    }

    let unit = campaign.unit(&e.unit);
    let unit_type = unit.and_then(|u| campaign.unit_type(&u.unit_type));
    let updated = e.updated(campaign.zone());
    let category_index = campaign.category_position(&e.category);
    let view = EntryView {
        id: e.id(),
        unit: e.unit.clone(),
        slug: e.slug.clone(),
        path,
        unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
        unit_type: unit.map(|u| u.unit_type.clone()).unwrap_or_default(),
        unit_type_name: unit_type.map(|t| t.name.clone()).unwrap_or_default(),
        title: e.title.clone(),
        category: e.category.clone(),
        category_name: category_index
            .map(|i| campaign.categories[i].name.clone())
            .unwrap_or_default(),
        category_path: category_index
            .map(|i| category_path(&e.category, i))
            .unwrap_or_default(),
        contact: e.contact.clone(),
        phone: e.phone.clone(),
        summary: e.summary.clone(),
        started: e.started.clone(),
        implementing_unit: e.implementing_unit.clone(),
        implementing_unit_id: campaign.implementing_unit(e).map(|u| u.id.clone()),
        recognition: e
            .recognition
            .iter()
            .map(|r| RecognitionView {
                kind: r.kind.clone(),
                kind_name: RECOGNITION_KINDS
                    .iter()
                    .find(|k| k.0 == r.kind)
                    .map(|k| lang.pick(k.1, k.2).to_string())
                    .unwrap_or_else(|| r.kind.clone()),
                source: r.source.clone(),
                date: r.date.clone(),
                title: r.title.clone(),
                url: r.url.clone(),
            })
            .collect(),
        cover,
        photos,
        videos,
        files,
        extra: e
            .extra
            .iter()
            .map(|(k, v)| {
                let label = campaign
                    .fields
                    .extra(k)
                    .map_or(k.as_str(), |f| f.label.as_str());
                (label.to_string(), v.clone())
            })
            .collect(),
        body: Arc::clone(&e.html),
        draft: e.draft,
        first_submitted: e.arrived.as_ref().map(|s| s.rfc3339(campaign.zone())),
        last_changed: e.changed.as_ref().map(|s| s.rfc3339(campaign.zone())),
        updated: updated.as_ref().map(|u| u.0.clone()),
        updated_at: updated.map(|u| u.1.as_second()),
        unit_position: campaign.unit_position(&e.unit),
        text: public_text(e.draft, Arc::clone(&e.text)),
        category_position: category_index,
        checked_text: e.checked_text,
    };
    Built { view, copies }
}

/// The text of an entry's body as the public search index may hold it: none of a draft's.
pub(crate) fn public_text(draft: bool, text: Arc<str>) -> Arc<str> {
    if draft { Arc::from("") } else { text }
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_people_write_them() {
        assert_eq!(display_date("2017-04", Lang::Zh), "2017年4月");
        assert_eq!(display_date("2017-09-28", Lang::Zh), "2017年9月28日");
        assert_eq!(
            display_date("2017-12-06T23:59:59+08:00", Lang::Zh),
            "2017年12月6日"
        );
        assert_eq!(display_date("2017-04", Lang::En), "April 2017");
        assert_eq!(display_date("2017-09-28", Lang::En), "28 September 2017");
        assert_eq!(display_date("2017-13", Lang::Zh), "2017-13");
        assert_eq!(display_date("去年", Lang::En), "去年");
    }

    #[test]
    fn base_urls_are_normalised() {
        assert_eq!(normalise_base("/"), "/");
        assert_eq!(normalise_base(""), "/");
        assert_eq!(normalise_base("award/2017"), "/award/2017/");
        assert_eq!(
            normalise_base("https://example.org/a"),
            "https://example.org/a/"
        );
    }

    #[test]
    fn only_a_url_with_a_host_is_an_address() {
        assert_eq!(
            address("https://example.org/award/").as_deref(),
            Some("https://example.org/award/")
        );
        assert!(address("http://10.0.0.8/").is_some());
        for base in [
            "/",
            "/award/2017/",
            "https:///x/",
            "//example.org/",
            "file:///srv/",
        ] {
            assert_eq!(address(base), None, "{base}");
        }
    }

    #[test]
    fn deadlines_read_as_people_write_dates() {
        assert_eq!(
            display_date("2017-12-06T23:59:59+08:00", Lang::Zh),
            "2017年12月6日"
        );
        assert_eq!(display_date("2017-12-06", Lang::En), "6 December 2017");
    }

    #[test]
    fn categories_with_unsafe_ids_get_positional_paths() {
        assert_eq!(category_path("12", 11), "categories/12/");
        assert_eq!(category_path("职工/维权", 4), "categories/5/");
    }
}
