//! `shenbao serve`: a live preview for the people writing entries. The site is built into memory
//! and served on localhost; a watcher rebuilds it when a file changes and the browser reloads;
//! while the campaign has errors every page carries an overlay listing them.
//!
//! `watch` decides which file events matter, `http` answers requests from the site in memory,
//! `overlay` draws the errors into pages. Nothing is ever served from the campaign's folder.

pub(crate) mod http;
mod overlay;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use shenbao_core::lang::Lang;
use shenbao_core::project::{self, LoadError, LoadOptions, Project};
use shenbao_core::summary::Summary;
use shenbao_site::BuildOptions;
use shenbao_site::live::{Files, Live, SearchJob};

pub use overlay::Problem;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub addr: SocketAddr,
    pub drafts: bool,
    /// The language of the overlay (the campaign's, unless `--lang`).
    pub lang: Option<Lang>,
}

/// What the server tells whoever runs it (the terminal).
pub trait Events: Send + Sync {
    /// The server is listening at `url`.
    fn listening(&self, url: &str);
    /// A rebuild finished: how long it took, and the campaign checked (the site is only
    /// replaced when it has no errors).
    fn rebuilt(&self, took: Duration, project: &Project, lang: Lang);
    /// The campaign could not be loaded at all (`campaign.yaml` is invalid, say).
    fn failed(&self, took: Duration, error: &LoadError, lang: Lang);
    /// The campaign was checked, but its site could not be made (a theme's template is
    /// broken, say): why, in `lang`. The page shows it too.
    fn site_failed(&self, message: &str, lang: Lang);
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    Bind(std::io::Error),
    Watch(notify::Error),
    Runtime(std::io::Error),
}

impl ServeError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            ServeError::Bind(e) if e.kind() == std::io::ErrorKind::AddrInUse => lang
                .pick(
                    "无法监听：端口已被占用（另一个 `shenbao serve`？）；用 --port 另选一个",
                    "cannot listen: the port is taken (another `shenbao serve`?); choose another with --port",
                )
                .into(),
            ServeError::Bind(e) if zh => {
                format!("无法监听：{}", shenbao_core::lang::io_reason(e, lang))
            }
            ServeError::Bind(e) => format!("cannot listen: {e}"),
            ServeError::Watch(e) if zh => format!("无法监视申报活动的文件：{e}"),
            ServeError::Watch(e) => format!("cannot watch the campaign: {e}"),
            ServeError::Runtime(e) if zh => {
                format!("无法启动服务器：{}", shenbao_core::lang::io_reason(e, lang))
            }
            ServeError::Runtime(e) => format!("cannot start the server: {e}"),
        }
    }
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ServeError {}

/// The site as served: its files and, while the campaign has errors, what to show over them.
#[derive(Debug, Default)]
pub struct Served {
    pub files: Files,
    pub problems: Vec<Problem>,
    pub lang: Lang,
    /// Between an edited entry's page and the rest of the update: what is up to date already.
    pub settling: Option<Settling>,
}

/// The files already up to date while an update goes on, and word of its end.
#[derive(Debug)]
pub struct Settling {
    pub ready: Vec<String>,
    /// Changes (its sender is dropped) once the whole update is served.
    pub done: tokio::sync::watch::Receiver<()>,
}

type Shared = Arc<RwLock<Arc<Served>>>;

/// What the server keeps between rebuilds: the checked campaign and the site in memory.
#[derive(Default)]
struct Session {
    project: Option<project::Project>,
    live: Option<Live>,
    /// The entry files checked again since the site was last brought up to date (an update can
    /// fail, or wait for errors to be fixed); `None` after a whole load, when any entry may
    /// differ from the site's.
    unsynced: Option<Vec<String>>,
}

/// Build, serve and watch until the process is stopped.
pub fn run(options: ServeOptions, events: Arc<dyn Events>) -> Result<(), ServeError> {
    let state: Shared = Arc::default();
    let session = Arc::new(Mutex::new(Session::default()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(options.addr))
        .map_err(ServeError::Bind)?;
    let addr = listener.local_addr().map_err(ServeError::Bind)?;
    // Only once the port is ours: a taken port should not cost a whole build first.
    rebuild(&options, &state, events.as_ref(), &session, None, &|| {});
    let livereload = tower_livereload::LiveReloadLayer::new();
    let reloader = livereload.reloader();

    let rebuilding = {
        let options = options.clone();
        let state = state.clone();
        let events = events.clone();
        let session = session.clone();
        move |changed| {
            let reload = || reloader.reload();
            rebuild(
                &options,
                &state,
                events.as_ref(),
                &session,
                changed,
                &reload,
            );
        }
    };
    // The lists of every entry and the downloads wait for a pause in the saving.
    let pausing = {
        let state = state.clone();
        move || catch_up(&state, &session)
    };
    let _watcher = watch::start(&options.root, rebuilding, pausing).map_err(ServeError::Watch)?;

    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    events.listening(&format!("http://{host}:{}/", addr.port()));
    let app = http::router(state)
        .layer(livereload)
        .layer(axum::middleware::from_fn(http::only_local_hosts));
    runtime
        .block_on(http::serve(listener, app))
        .map_err(ServeError::Runtime)
}

/// Whether the changes are entry files only, which can be checked and rendered one by one.
fn entries_only(changed: &[String]) -> bool {
    changed
        .iter()
        .all(|p| shenbao_core::paths::EntryId::of_file(p).is_some())
}

/// Check the campaign (again, or only the changed entries), bring the site up to date when there
/// are no errors, then publish the result and `reload` the open pages. A broken campaign keeps
/// the last good site, with the overlay over it. An entry edited in place has its page served
/// (and the pages reloaded) first, before the pages that list it.
fn rebuild(
    options: &ServeOptions,
    state: &Shared,
    events: &dyn Events,
    session: &Mutex<Session>,
    changed: Option<Vec<String>>,
    reload: &dyn Fn(),
) {
    let started = Instant::now();
    let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
    let session = &mut *session;
    let incremental = match (&mut session.project, &changed) {
        (Some(project), Some(paths)) if entries_only(paths) => project.recheck(paths),
        _ => false,
    };
    if let (true, Some(unsynced), Some(paths)) = (incremental, &mut session.unsynced, &changed) {
        unsynced.extend(paths.iter().cloned());
    }
    if !incremental {
        match project::load(
            &options.root,
            LoadOptions {
                bodies: project::Bodies::Rendered,
                ..LoadOptions::default()
            },
            &shenbao_git::Git,
        ) {
            Ok(p) => {
                session.project = Some(p);
                session.unsynced = None;
            }
            Err(e) => {
                let lang = options
                    .lang
                    .unwrap_or_else(|| shenbao_core::campaign::language_of(&options.root));
                let problems = match &e {
                    LoadError::Campaign(shenbao_core::campaign::CampaignError::Invalid(diags)) => {
                        overlay::problems(diags, lang)
                    }
                    other => vec![Problem::plain(other.message(lang))],
                };
                events.failed(started.elapsed(), &e, lang);
                session.project = None;
                publish(state, session.live.as_ref(), problems, lang);
                reload();
                return;
            }
        }
    }
    let Some(project) = &session.project else {
        reload();
        return;
    };
    let lang = options.lang.unwrap_or(project.campaign.language);
    // What keeps the site from being built: as for `build` (not a draft's errors while drafts
    // are not shown, nor a late arrival).
    let stopping = project
        .diagnostics
        .iter()
        .filter(|d| d.stops_the_site(options.drafts))
        .count();
    // Held until the whole update is served: requests for other pages wait for it.
    let settling = if let (true, 0, Some(live), Some(paths)) =
        (incremental, stopping, &mut session.live, &changed)
        && let Ok(Some(ready)) = live.preview(project, paths)
        && !ready.is_empty()
    {
        let (done, waiting) = tokio::sync::watch::channel(());
        let early = Settling {
            ready,
            done: waiting,
        };
        publish_with(state, Some(live), Vec::new(), lang, Some(early));
        reload();
        Some(done)
    } else {
        None
    };
    let mut problems = Vec::new();
    if stopping > 0 {
        problems = overlay::problems(&project.diagnostics, lang);
    } else {
        let summary = Summary::of(project, options.drafts);
        let result = match (&mut session.live, incremental) {
            (Some(live), true) => live
                .update(project, &summary, session.unsynced.as_deref())
                .map(|()| session.unsynced = Some(Vec::new())),
            _ => {
                let build = BuildOptions {
                    out: PathBuf::new(),
                    // Served at the root of localhost, whatever the campaign's base URL.
                    base_url: Some("/".into()),
                    drafts: options.drafts,
                };
                let cache = thumbs_cache(&options.root);
                Live::build(project, &summary, &build, Some(cache.clone())).map(|live| {
                    keep_thumbs(&cache, live.files());
                    session.live = Some(live);
                    session.unsynced = Some(Vec::new());
                })
            }
        };
        if let Err(e) = result {
            // As `build` says it, in the campaign's language.
            let message = e.message(lang);
            events.site_failed(&message, lang);
            problems = vec![Problem::plain(message)];
        }
    }
    events.rebuilt(started.elapsed(), project, lang);
    publish(state, session.live.as_ref(), problems, lang);
    // Only now, so that the requests it lets go find the whole update.
    let reloaded = settling.is_some();
    drop(settling);
    if !reloaded {
        reload();
    }
}

/// After updates, the pages that list every entry and the downloads, then the search index.
/// They take a second or more of work at 10,000 entries: they are made on a thread of their own,
/// on one core and without holding the session, so that a save meanwhile is checked and served
/// at once (its own catching up follows); work for a site that has changed since is dropped.
fn catch_up(state: &Shared, session: &Arc<Mutex<Session>>) {
    let (lists, job) = {
        let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
        let Some(live) = &mut session.live else {
            return;
        };
        if !current(state).problems.is_empty() {
            return;
        }
        let Some(lists) = live.catch_up_job() else {
            return;
        };
        (lists, live.search_job())
    };
    let (state, session) = (state.clone(), session.clone());
    std::thread::spawn(move || {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() else {
            return;
        };
        // Serve what `give` hands the site, if it is still the one the work was made from and
        // has no errors.
        let serve = |give: &mut dyn FnMut(&mut Live) -> bool| {
            let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
            let Some(live) = &mut session.live else {
                return false;
            };
            let current = current(&state);
            let served = current.problems.is_empty() && give(live);
            if served {
                publish(&state, Some(live), Vec::new(), current.lang);
            }
            served
        };
        // Given up: the index the job holds goes back, for the next one to bring up to date.
        let give_back = |job: SearchJob| {
            let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(live) = &mut session.live {
                live.return_search(job);
            }
        };
        let Ok(made) = pool.install(|| lists.lists()) else {
            give_back(job);
            return;
        };
        let generation = lists.generation;
        let mut made = Some(made);
        if !serve(&mut |live| made.take().is_some_and(|m| live.caught_up(generation, m))) {
            give_back(job);
            return;
        }
        // The kept index is brought up to date (an edit rewrites a few shards), or made again.
        if !lists.current() {
            give_back(job);
            return;
        }
        let Ok(index) = pool.install(|| job.run()) else {
            return;
        };
        let mut index = Some(index);
        serve(&mut |live| index.take().is_some_and(|i| live.set_search(i)));
    });
}

fn current(state: &Shared) -> Arc<Served> {
    state.read().map(|s| s.clone()).unwrap_or_default()
}

/// Serve the site `live` (or nothing yet) with `problems` over it.
fn publish(state: &Shared, live: Option<&Live>, problems: Vec<Problem>, lang: Lang) {
    publish_with(state, live, problems, lang, None);
}

fn publish_with(
    state: &Shared,
    live: Option<&Live>,
    problems: Vec<Problem>,
    lang: Lang,
    settling: Option<Settling>,
) {
    let served = Served {
        files: live.map(|l| l.files().clone()).unwrap_or_default(),
        problems,
        lang,
        settling,
    };
    if let Ok(mut s) = state.write() {
        *s = Arc::new(served);
    }
}

/// A private folder for thumbnails, so that a rebuild (or the next `serve`) does not decode every
/// photo again: in the system's temporary folder, one per campaign, never in the campaign.
/// Thumbnails are named by a hash of their photo, so a stale one is never used.
fn thumbs_cache(root: &std::path::Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut h);
    std::env::temp_dir().join(format!("shenbao-thumbs-{:016x}", h.finish()))
}

fn keep_thumbs(cache: &std::path::Path, files: &Files) {
    if std::fs::create_dir_all(cache).is_err() {
        return;
    }
    for (path, bytes) in files.iter() {
        if let Some(name) = path.strip_prefix("thumbs/") {
            let file = cache.join(name);
            if !file.exists() {
                let _ = std::fs::write(file, bytes);
            }
        }
    }
}
