//! A site kept in memory and brought up to date entry by entry, for `serve`: when only entries
//! changed, only the pages that show them are rendered again; anything else (the campaign, the
//! theme, the free pages, cards and media) calls for a whole build.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::media::{self, EntryMedia};
use crate::model::{self, Model, Reuse};
use crate::output::Memory;
use crate::render::{self, Dirty, PER_PAGE, Phase, Prepared};
use crate::search;
use crate::theme::{self, Theme};
use crate::{BuildOptions, Quiet, SiteError};
use shenbao_core::model::Entry;
use shenbao_core::paths::EntryId;
use shenbao_core::project::Project;
use shenbao_core::summary::Summary;

/// Numbers the versions of every site in the process: work made for one (a rebuilt site's
/// included) is never taken for another's.
static VERSIONS: AtomicU64 = AtomicU64::new(0);

fn next_version() -> u64 {
    VERSIONS.fetch_add(1, Ordering::Relaxed) + 1
}

/// The site in memory with what it was made from.
pub struct Live {
    theme: Arc<Theme>,
    options: BuildOptions,
    thumbs: Option<PathBuf>,
    model: Arc<Model>,
    prepared: Arc<Prepared>,
    /// Each published entry as it was when its view was made.
    sources: HashMap<String, Entry>,
    files: Files,
    /// An update left the lists and downloads for catching up.
    behind: bool,
    /// This version of the site, so that lists or an index made from an earlier one are not
    /// served; shared with the catching up, which gives up on an outdated site between steps.
    generation: Arc<AtomicU64>,
    /// The search index the served `search/` files were written from, kept to bring them up to
    /// date after an edit (none until `serve` first makes it, and while a job has it).
    search: Option<search::Index>,
    /// Counts the versions of the served `search/` files: a job's changed files apply only to
    /// the version its index was taken from.
    search_version: u64,
    /// Entries whose page [`Live::preview`] wrote since the last update that went through:
    /// their views are made again, so that a page previewed from an edit the update then failed
    /// on is never left standing (the entry reverted would otherwise look unchanged).
    previewed: HashSet<String>,
}

/// Making the search index apart from the site ([`Live::search_job`]).
pub struct SearchJob {
    generation: u64,
    /// The version of the served search files `index` was made for.
    files_version: u64,
    entries: Vec<Arc<crate::entry::EntryView>>,
    index: Option<search::Index>,
}

/// A search index made by a [`SearchJob`], and its files: all of them, or (`patches`) those
/// changed since that version of the served ones.
pub struct SearchMade {
    generation: u64,
    patches: Option<u64>,
    files: Memory,
    index: search::Index,
}

impl SearchMade {
    /// Whether only the files an edit changed were written (the kept index was brought up to
    /// date), not a whole index.
    pub fn patched(&self) -> bool {
        self.patches.is_some()
    }
}

impl SearchJob {
    /// Bring the kept index up to the entries, writing only what an edit changed; or, when
    /// none was kept or more than entries edited in place changed, make it all.
    pub fn run(self) -> Result<SearchMade, crate::output::OutputError> {
        let files = Memory::default();
        if let Some(mut index) = self.index
            && index.update(&self.entries, &files)?
        {
            return Ok(SearchMade {
                generation: self.generation,
                patches: Some(self.files_version),
                files,
                index,
            });
        }
        let index = search::Index::new(&self.entries);
        index.write(&files)?;
        Ok(SearchMade {
            generation: self.generation,
            patches: None,
            files,
            index,
        })
    }
}

impl Live {
    /// Build the whole site. `thumbs` is a folder of earlier thumbnails to reuse.
    pub fn build(
        project: &Project,
        summary: &Summary,
        options: &BuildOptions,
        thumbs: Option<PathBuf>,
    ) -> Result<Live, SiteError> {
        let root = &project.campaign.root;
        let theme = theme::load(root, project.campaign.theme.as_deref())?;
        let shown = model::shown(project, options.drafts);
        let media = media::read(&project.campaign, &shown, thumbs.as_deref());
        let model = model::assemble(
            project,
            summary,
            &media,
            &crate::model_options(options),
            &Reuse::default(),
        );
        let memory = Memory::default();
        let prepared = render::prepare(&theme.env, &model, None)?;
        // The search index is made beside the pages and kept for updates to bring up to date
        // (a build makes it with the entries' pages instead, in one pass over each entry).
        let (rest, index) = rayon::join(
            || {
                render::render_all(&theme.env, &model, &prepared, &memory, &Quiet)?;
                crate::write_rest(
                    project,
                    &model,
                    &media.thumbs,
                    &theme,
                    &memory,
                    &Quiet,
                    crate::Exports::Downloads,
                )
            },
            || {
                let index = search::Index::new(&model.entries);
                index.write(&memory).map(|()| index)
            },
        );
        rest?;
        let index = index?;
        Ok(Live {
            sources: sources(project, options),
            files: memory.into_files().into(),
            theme: Arc::new(theme),
            options: options.clone(),
            thumbs,
            model: Arc::new(model),
            prepared: Arc::new(prepared),
            behind: false,
            generation: Arc::new(AtomicU64::new(next_version())),
            search: Some(index),
            search_version: 0,
            previewed: HashSet::new(),
        })
    }

    /// Bring the site up to date with `project` and its summary, whose entries (only) changed:
    /// those of the entry files `changed` since the last update, or (`None`) any of them.
    pub fn update(
        &mut self,
        project: &Project,
        summary: &Summary,
        changed: Option<&[String]>,
    ) -> Result<(), SiteError> {
        let shown = model::shown(project, self.options.drafts);
        let earlier = self
            .model
            .entries
            .iter()
            .filter(|v| !self.previewed.contains(&v.id))
            .filter_map(|v| Some((self.sources.get(&v.id)?, v)));
        let reuse = match changed {
            Some(files) => {
                let ids: Vec<EntryId> = files.iter().filter_map(|f| EntryId::of_file(f)).collect();
                let ids: HashSet<(&str, &str)> = ids
                    .iter()
                    .map(|id| (id.unit.as_str(), id.slug.as_str()))
                    .collect();
                Reuse::unchanged_but(earlier, &shown, |e| {
                    ids.contains(&(e.unit.as_str(), e.slug.as_str()))
                })
            }
            None => Reuse::unchanged(earlier, &shown),
        };
        // Only the entries whose views cannot be reused have their media read again.
        let changed: Vec<&Entry> = shown
            .into_iter()
            .filter(|e| reuse.view_of(e).is_none())
            .collect();
        let media = media::read(&project.campaign, &changed, self.thumbs.as_deref());
        let model = model::assemble(
            project,
            summary,
            &media,
            &crate::model_options(&self.options),
            &reuse,
        );
        let old = &self.model;
        let old_at: HashMap<&str, usize> = old
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let mut dirty = Dirty::default();
        let category_of = |m: &Model, i: usize| m.entries[i].category_position;
        for (i, view) in model.entries.iter().enumerate() {
            let same = old_at
                .get(view.id.as_str())
                .is_some_and(|&j| Arc::ptr_eq(&old.entries[j], view));
            if !same {
                dirty.entries.insert(i);
                dirty.units.insert(view.unit.clone());
                dirty.units.extend(view.implementing_unit_id.clone());
                dirty.categories.extend(category_of(&model, i));
                if let Some(&j) = old_at.get(view.id.as_str()) {
                    dirty.categories.extend(category_of(old, j));
                    dirty
                        .units
                        .extend(old.entries[j].implementing_unit_id.clone());
                }
            }
        }
        let new_ids: HashSet<&str> = model.entries.iter().map(|e| e.id.as_str()).collect();
        let mut removed = Vec::new();
        for (j, view) in old.entries.iter().enumerate() {
            if !new_ids.contains(view.id.as_str()) {
                dirty.units.insert(view.unit.clone());
                dirty.units.extend(view.implementing_unit_id.clone());
                dirty.categories.extend(category_of(old, j));
                removed.push((view.id.clone(), view.path.clone()));
            }
        }
        // Added or removed entries shift every showcase page after the first difference.
        let first_difference = model
            .entries
            .iter()
            .zip(&old.entries)
            .position(|(a, b)| a.id != b.id)
            .or_else(|| {
                (model.entries.len() != old.entries.len())
                    .then_some(model.entries.len().min(old.entries.len()))
            });
        // Every showcase page says how many entries there are: a change in the number makes
        // them all again, not only those after the first difference.
        dirty.showcase_from = if model.entries.len() != old.entries.len() {
            Some(1)
        } else {
            first_difference.map(|i| i / PER_PAGE + 1)
        };

        let prepared = render::prepare(&self.theme.env, &model, Some(&self.prepared))?;
        let memory = Memory::default();
        // The lists of every entry and the downloads come after, in `catch_up`.
        let env = &self.theme.env;
        let (pages, rest) = rayon::join(
            || render::render_dirty(env, &model, &prepared, &memory, &dirty, Phase::Pages),
            || {
                let theme = &self.theme;
                crate::write_rest(
                    project,
                    &model,
                    &media.thumbs,
                    theme,
                    &memory,
                    &Quiet,
                    crate::Exports::ShowcaseUnits,
                )
            },
        );
        pages?;
        rest?;

        if !removed.is_empty() {
            self.files
                .retain(|path| !removed.iter().any(|(_, r)| path.starts_with(r.as_str())));
        }
        // Showcase pages past the new last one.
        let pages = model.entries.len().div_ceil(PER_PAGE).max(1);
        self.files.retain(|path| {
            path.strip_prefix("entries/page/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|n| n.parse::<usize>().ok())
                .is_none_or(|n| n <= pages)
        });
        self.files.extend(memory.into_files());
        // Only what changed is copied: cloning 10,000 entries would cost more than the rest.
        for (id, _) in &removed {
            self.sources.remove(id);
        }
        for &i in &dirty.entries {
            let view = &model.entries[i];
            let found = project.entries.binary_search_by(|e| {
                shenbao_core::paths::entry_order((&e.unit, &e.slug), (&view.unit, &view.slug))
            });
            if let Ok(at) = found {
                self.sources
                    .insert(view.id.clone(), project.entries[at].clone());
            }
        }
        self.model = Arc::new(model);
        self.prepared = Arc::new(prepared);
        self.behind = true;
        self.previewed.clear();
        self.generation.store(next_version(), Ordering::Relaxed);
        Ok(())
    }

    /// Render what updates left for later, the pages listing every entry and the downloads, at
    /// once. `true` when there was something.
    pub fn catch_up(&mut self) -> Result<bool, SiteError> {
        let Some(job) = self.catch_up_job() else {
            return Ok(false);
        };
        let lists = job.lists()?;
        Ok(self.caught_up(job.generation, lists))
    }

    /// What updates left for later, to be made without holding the site (see [`CatchUp`]);
    /// `None` when nothing is behind.
    pub fn catch_up_job(&self) -> Option<CatchUp> {
        self.behind.then(|| CatchUp {
            generation: self.generation.load(Ordering::Relaxed),
            latest: Arc::clone(&self.generation),
            model: Arc::clone(&self.model),
            prepared: Arc::clone(&self.prepared),
            theme: Arc::clone(&self.theme),
        })
    }

    /// Serve the lists and downloads made at update `generation`, unless the site has changed
    /// since (then they stay behind, for the next catching up).
    pub fn caught_up(&mut self, generation: u64, lists: Memory) -> bool {
        if generation != self.generation.load(Ordering::Relaxed) {
            return false;
        }
        self.behind = false;
        self.files.extend(lists.into_files());
        true
    }

    /// What the search index is made from, at this update, with the index kept from the last
    /// one served: the caller runs it (the slow part of catching up) without holding the site,
    /// then gives the result to [`Live::set_search`].
    pub fn search_job(&mut self) -> SearchJob {
        SearchJob {
            generation: self.generation.load(Ordering::Relaxed),
            files_version: self.search_version,
            entries: self.model.entries.clone(),
            index: self.search.take(),
        }
    }

    /// A job not run gives its index back, when the files it was taken with are still those
    /// served (else the next job makes the index whole).
    pub fn return_search(&mut self, job: SearchJob) {
        if self.search.is_none() && job.files_version == self.search_version {
            self.search = job.index;
        }
    }

    /// Serve the search index made at update `generation`, unless the site has changed since
    /// or its changed files apply to files since replaced. Served, its index is kept for the
    /// next job; refused, it is dropped, and the next job makes the index whole.
    pub fn set_search(&mut self, made: SearchMade) -> bool {
        if made.generation != self.generation.load(Ordering::Relaxed) {
            return false;
        }
        match made.patches {
            Some(version) if version != self.search_version => return false,
            Some(_) => {}
            // A whole index replaces the old one: no file of it may linger.
            None => self.files.retain(|path| !path.starts_with("search/")),
        }
        self.files.extend(made.files.into_files());
        self.search_version += 1;
        self.search = Some(made.index);
        true
    }

    /// Render at once the pages of the entries edited in place (`paths`, entry files relative to
    /// the campaign), from their new views and the site as it was: `serve` shows an edited entry
    /// before [`Live::update`] brings the pages listing it up to date (and renders it again).
    /// Returns the files written; `None` when an entry was added, removed, hidden or shown,
    /// which changes more than its own page. The media an edit adds are copied by the update.
    pub fn preview(
        &mut self,
        project: &Project,
        paths: &[String],
    ) -> Result<Option<Vec<String>>, SiteError> {
        let mut edited = Vec::new();
        for rel in paths {
            let Some(EntryId { unit, slug }) = EntryId::of_file(rel) else {
                return Ok(None);
            };
            let found = project.entries.binary_search_by(|e| {
                shenbao_core::paths::entry_order((&e.unit, &e.slug), (&unit, &slug))
            });
            let Ok(at) = found else {
                return Ok(None);
            };
            let entry = &project.entries[at];
            if entry.draft && !self.options.drafts {
                return Ok(None);
            }
            // Only entries already on the site have a place in it that does not move.
            let Some(before) = self.sources.get(&entry.id()) else {
                return Ok(None);
            };
            if before != entry {
                edited.push(entry);
            }
        }
        let media = media::read(&project.campaign, &edited, self.thumbs.as_deref());
        let options = crate::model_options(&self.options);
        let none = EntryMedia::default();
        let pages = edited
            .iter()
            .map(|e| {
                let media = media.entries.get(&e.id()).unwrap_or(&none);
                let view = model::view(&project.campaign, e, media, &options);
                render::render_entry(&self.theme.env, &self.prepared, Arc::new(view))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let written = pages.iter().map(|(file, _)| file.clone()).collect();
        self.previewed.extend(edited.iter().map(|e| e.id()));
        self.files.extend(
            pages
                .into_iter()
                .map(|(file, html)| (file, Arc::from(html.into_bytes()))),
        );
        Ok(Some(written))
    }

    pub fn files(&self) -> &Files {
        &self.files
    }
}

/// The pages listing every entry and the downloads at one update, made apart from the site: at
/// 10,000 entries they take a fifth of a second (the search index twice that), which a save
/// arriving meanwhile must not wait for.
pub struct CatchUp {
    pub generation: u64,
    latest: Arc<AtomicU64>,
    model: Arc<Model>,
    prepared: Arc<Prepared>,
    theme: Arc<Theme>,
}

impl CatchUp {
    /// Whether the site is still at this update: work for an older one is wasted.
    pub fn current(&self) -> bool {
        self.latest.load(Ordering::Relaxed) == self.generation
    }

    /// The roster, sitemap, feed and downloads.
    pub fn lists(&self) -> Result<Memory, SiteError> {
        let memory = Memory::default();
        let dirty = Dirty::default();
        let env = &self.theme.env;
        render::render_dirty(
            env,
            &self.model,
            &self.prepared,
            &memory,
            &dirty,
            Phase::Lists,
        )?;
        // The language the model was made in (its tag, as the pages carry it).
        let lang = self
            .model
            .site
            .lang
            .parse()
            .unwrap_or(shenbao_core::lang::Lang::Zh);
        crate::write_downloads(&self.model.site.title, lang, &self.model, &memory)?;
        Ok(memory)
    }
}

/// Shards of the site's files: a version shares them with the next, so that serving a version
/// copies a few hundred pointers instead of every path (25,000 at 10,000 entries: 10 ms and more,
/// at each save), and a change copies only the shards it touches.
const SHARDS: usize = 256;

/// The site's files by path.
#[derive(Clone, Debug)]
pub struct Files {
    shards: Vec<Arc<HashMap<String, Arc<[u8]>>>>,
}

impl Default for Files {
    fn default() -> Self {
        Files {
            shards: vec![Arc::default(); SHARDS],
        }
    }
}

impl From<HashMap<String, Arc<[u8]>>> for Files {
    fn from(map: HashMap<String, Arc<[u8]>>) -> Self {
        let mut files = Files::default();
        files.extend(map);
        files
    }
}

impl Files {
    /// FNV-1a: the shard of a path must not change between runs or versions.
    fn shard(path: &str) -> usize {
        let hash = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        (hash % SHARDS as u64) as usize
    }

    pub fn get(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.shards.get(Self::shard(path))?.get(path)
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.is_empty())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<[u8]>)> {
        self.shards.iter().flat_map(|s| s.iter())
    }

    pub fn insert(&mut self, path: String, bytes: Arc<[u8]>) {
        let shard = Self::shard(&path);
        Arc::make_mut(&mut self.shards[shard]).insert(path, bytes);
    }

    /// Keep only the files whose path `keep` accepts; a shard losing none is not copied.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        for shard in &mut self.shards {
            if shard.keys().any(|path| !keep(path)) {
                Arc::make_mut(shard).retain(|path, _| keep(path));
            }
        }
    }
}

impl Extend<(String, Arc<[u8]>)> for Files {
    fn extend<I: IntoIterator<Item = (String, Arc<[u8]>)>>(&mut self, files: I) {
        for (path, bytes) in files {
            self.insert(path, bytes);
        }
    }
}

fn sources(project: &Project, options: &BuildOptions) -> HashMap<String, Entry> {
    project
        .entries
        .iter()
        .filter(|e| options.drafts || !e.draft)
        .map(|e| (e.id(), e.clone()))
        .collect()
}
