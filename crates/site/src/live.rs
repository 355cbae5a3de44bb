//! A site kept in memory and brought up to date entry by entry, for `serve`: when only entries
//! changed, only the pages that show them are rendered again; anything else (the campaign, the
//! theme, the free pages, cards and media) calls for a whole build.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::media;
use crate::model::{self, Model, Reuse};
use crate::output::Memory;
use crate::render::{self, Dirty, PER_PAGE, Phase, Prepared};
use crate::theme::{self, Theme};
use crate::{BuildOptions, Quiet, SiteError};
use shenbao_core::model::Entry;
use shenbao_core::project::Project;
use shenbao_core::summary::Summary;

/// The site in memory with what it was made from.
pub struct Live {
    theme: Theme,
    options: BuildOptions,
    thumbs: Option<PathBuf>,
    model: Model,
    prepared: Prepared,
    /// Each published entry as it was when its view was made.
    sources: HashMap<String, Entry>,
    files: HashMap<String, Arc<[u8]>>,
    /// What an update left for `catch_up`.
    behind: Option<Dirty>,
    /// Counts the updates, so that a search index made from an earlier one is not served.
    generation: u64,
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
        render::render_all(&theme.env, &model, &prepared, &memory, &Quiet)?;
        crate::write_rest(
            project,
            &model,
            &media.thumbs,
            &theme,
            &memory,
            &Quiet,
            true,
        )?;
        Ok(Live {
            sources: sources(project, options),
            files: memory.into_files(),
            theme,
            options: options.clone(),
            thumbs,
            model,
            prepared,
            behind: None,
            generation: 0,
        })
    }

    /// Bring the site up to date with `project` and its summary, whose entries (only) changed.
    pub fn update(&mut self, project: &Project, summary: &Summary) -> Result<(), SiteError> {
        let shown = model::shown(project, self.options.drafts);
        let earlier = self
            .model
            .entries
            .iter()
            .filter_map(|v| Some((self.sources.get(&v.id)?, v)));
        let reuse = Reuse::unchanged(earlier, &shown);
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
        dirty.showcase_from = first_difference.map(|i| i / PER_PAGE + 1);

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
                    false,
                )
            },
        );
        pages?;
        rest?;

        if !removed.is_empty() {
            self.files
                .retain(|path, _| !removed.iter().any(|(_, r)| path.starts_with(r.as_str())));
        }
        // Showcase pages past the new last one.
        let pages = model.entries.len().div_ceil(PER_PAGE).max(1);
        self.files.retain(|path, _| {
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
                (e.unit.as_str(), e.slug.as_str()).cmp(&(&view.unit, &view.slug))
            });
            if let Ok(at) = found {
                self.sources
                    .insert(view.id.clone(), project.entries[at].clone());
            }
        }
        self.model = model;
        self.prepared = prepared;
        self.behind = Some(dirty);
        self.generation += 1;
        Ok(())
    }

    /// Render what an update left for later: the pages listing every entry, and the downloads.
    /// `true` when there was something.
    pub fn catch_up(&mut self, project: &Project) -> Result<bool, SiteError> {
        let Some(dirty) = self.behind.take() else {
            return Ok(false);
        };
        let memory = Memory::default();
        let env = &self.theme.env;
        render::render_dirty(
            env,
            &self.model,
            &self.prepared,
            &memory,
            &dirty,
            Phase::Lists,
        )?;
        crate::write_downloads(project, &self.model, &memory, false)?;
        self.files.extend(memory.into_files());
        Ok(true)
    }

    /// What the search index is made from, at this update: the caller makes it (the slow part
    /// of catching up) without holding the site, then gives it to [`Live::set_search`].
    pub fn search_job(&self) -> (u64, Vec<Arc<crate::entry::EntryView>>) {
        (self.generation, self.model.entries.clone())
    }

    /// Serve the search index made at update `generation`, unless the site has changed since.
    pub fn set_search(&mut self, generation: u64, index: Memory) -> bool {
        if generation != self.generation {
            return false;
        }
        // The index is replaced whole: no file of an older one may linger.
        self.files.retain(|path, _| !path.starts_with("search/"));
        self.files.extend(index.into_files());
        true
    }

    pub fn files(&self) -> &HashMap<String, Arc<[u8]>> {
        &self.files
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
