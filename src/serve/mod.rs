//! `shenbao serve`: a live preview for the people writing entries. The site is built into memory
//! and served on localhost; a watcher rebuilds it when a file changes and the browser reloads;
//! while the campaign has errors every page carries an overlay listing them.
//!
//! `watch` decides which file events matter, `http` answers requests from the site in memory,
//! `overlay` draws the errors into pages. Nothing is ever served from the campaign's folder.

pub(crate) mod http;
mod overlay;
mod watch;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use shenbao_core::diagnostic;
use shenbao_core::lang::Lang;
use shenbao_core::project::{self, LoadError, LoadOptions, Project};
use shenbao_core::summary::Summary;
use shenbao_site::BuildOptions;
use shenbao_site::live::Live;

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
    pub files: HashMap<String, Arc<[u8]>>,
    pub problems: Vec<Problem>,
    pub lang: Lang,
}

type Shared = Arc<RwLock<Arc<Served>>>;

/// What the server keeps between rebuilds: the checked campaign and the site in memory.
#[derive(Default)]
struct Session {
    project: Option<project::Project>,
    live: Option<Live>,
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
    rebuild(&options, &state, events.as_ref(), &session, None);
    let livereload = tower_livereload::LiveReloadLayer::new();
    let reloader = livereload.reloader();

    let rebuilding = {
        let options = options.clone();
        let state = state.clone();
        let events = events.clone();
        let session = session.clone();
        move |changed| {
            rebuild(&options, &state, events.as_ref(), &session, changed);
            reloader.reload();
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
/// are no errors, then publish the result. A broken campaign keeps the last good site, with the
/// overlay over it.
fn rebuild(
    options: &ServeOptions,
    state: &Shared,
    events: &dyn Events,
    session: &Mutex<Session>,
    changed: Option<Vec<String>>,
) {
    let started = Instant::now();
    let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
    let session = &mut *session;
    let incremental = match (&mut session.project, &changed) {
        (Some(project), Some(paths)) if entries_only(paths) => project.recheck(paths),
        _ => false,
    };
    if !incremental {
        match project::load(
            &options.root,
            LoadOptions {
                render_bodies: true,
                ..LoadOptions::default()
            },
            &shenbao_git::Git,
        ) {
            Ok(p) => session.project = Some(p),
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
                return;
            }
        }
    }
    let Some(project) = &session.project else {
        return;
    };
    let lang = options.lang.unwrap_or(project.campaign.language);
    let counts = diagnostic::count(&project.diagnostics);
    let mut problems = Vec::new();
    if counts.errors > 0 {
        problems = overlay::problems(&project.diagnostics, lang);
    } else {
        let summary = Summary::of(project, options.drafts);
        let result = match (&mut session.live, incremental) {
            (Some(live), true) => live.update(project, &summary),
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
                })
            }
        };
        if let Err(e) = result {
            problems = vec![Problem::plain(e.to_string())];
        }
    }
    events.rebuilt(started.elapsed(), project, lang);
    publish(state, session.live.as_ref(), problems, lang);
}

/// After an update, the pages that list every entry and the downloads, then the search index.
fn catch_up(state: &Shared, session: &Arc<Mutex<Session>>) {
    let job = {
        let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
        let session = &mut *session;
        let (Some(project), Some(live)) = (&session.project, &mut session.live) else {
            return;
        };
        let current = state.read().map(|s| s.clone()).unwrap_or_default();
        if !current.problems.is_empty() {
            return;
        }
        if !matches!(live.catch_up(project), Ok(true)) {
            return;
        }
        publish(state, Some(live), Vec::new(), current.lang);
        live.search_job()
    };
    // The index is most of catching up (0.4 s at 10,000 entries): it is made on a thread of its
    // own, on one core and without holding the session, so that a save meanwhile is checked
    // and served at once; an index of a site that has changed since is dropped.
    let (generation, entries) = job;
    let (state, session) = (state.clone(), session.clone());
    std::thread::spawn(move || {
        let index = shenbao_site::output::Memory::default();
        let made = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .map(|pool| pool.install(|| shenbao_site::search::write(&entries, &index)));
        if !matches!(made, Ok(Ok(()))) {
            return;
        }
        let mut session = session.lock().unwrap_or_else(|e| e.into_inner());
        let Some(live) = &mut session.live else {
            return;
        };
        let current = state.read().map(|s| s.clone()).unwrap_or_default();
        if current.problems.is_empty() && live.set_search(generation, index) {
            publish(&state, Some(live), Vec::new(), current.lang);
        }
    });
}

/// Serve the site `live` (or nothing yet) with `problems` over it.
fn publish(state: &Shared, live: Option<&Live>, problems: Vec<Problem>, lang: Lang) {
    let served = Served {
        files: live.map(|l| l.files().clone()).unwrap_or_default(),
        problems,
        lang,
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

fn keep_thumbs(cache: &std::path::Path, files: &HashMap<String, Arc<[u8]>>) {
    if std::fs::create_dir_all(cache).is_err() {
        return;
    }
    for (path, bytes) in files {
        if let Some(name) = path.strip_prefix("thumbs/") {
            let file = cache.join(name);
            if !file.exists() {
                let _ = std::fs::write(file, bytes);
            }
        }
    }
}
