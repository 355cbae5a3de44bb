//! Answering requests from the site in memory. A path is looked up as a key of the site's files,
//! never joined to a folder on disk, so no path can leave the site: `..`, encoded dots and
//! symlinks have nothing to lead to. Requests with dot segments are refused outright.
//!
//! The preview holds drafts and the roster's phone numbers, and a web page open beside it must
//! not read them: only requests addressed to an IP address or `localhost` are answered (a name
//! that resolves to 127.0.0.1 is how DNS rebinding reaches a local server), a connection that
//! does not finish its request head in time is closed, and connections are bounded.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Response, StatusCode, Uri, header};
use axum::middleware::Next;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::{Shared, current, overlay};

/// How long a client has to send a request's head (a slow one holds a connection).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once; more wait in the kernel's queue until one ends (or times out).
/// Well under the usual limit of 1,024 open files, with room for the watcher and the site.
pub const MAX_CONNECTIONS: usize = 512;

/// Accept and serve connections until the process is stopped.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors and the like: wait, and go on serving the others.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            // A connection that fails (a client gone, a head too slow) ends alone.
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// Answer only requests addressed to an IP address or `localhost`; anything else is a name some
/// other site controls, pointed at this machine.
pub async fn only_local_hosts(request: Request, next: Next) -> Response<Body> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if is_local_host(host) {
        next.run(request).await
    } else {
        Response::builder()
            .status(StatusCode::MISDIRECTED_REQUEST)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            // Both languages: which the campaign speaks is not known here.
            .body(Body::from(
                "shenbao serve 只回应 http://127.0.0.1、http://localhost 或 IP 地址\n\
                 shenbao serve answers only http://127.0.0.1, http://localhost or an IP address\n",
            ))
            .unwrap_or_default()
    }
}

/// `localhost`, `127.0.0.1`, `[::1]` or any IP address, with or without a port.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((name, after))
                if after.is_empty()
                    || after
                        .strip_prefix(':')
                        .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
            {
                name
            }
            _ => return false,
        },
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

pub fn router(state: Shared) -> Router {
    Router::new().fallback(move |uri: Uri| respond(state.clone(), uri))
}

async fn respond(state: Shared, uri: Uri) -> Response<Body> {
    let mut served = current(&state);
    // An edited entry's page is served at once; the pages listing it (and anything else) are
    // answered once they are up to date too, a few milliseconds later, never older.
    if let Some(settling) = &served.settling
        && key(uri.path()).is_none_or(|k| !settling.ready.contains(&k))
    {
        let mut done = settling.done.clone();
        // Ends when the update is served (or its thread is gone): waited for once.
        let _ = done.changed().await;
        served = current(&state);
    }
    answer(&served, &uri)
}

fn answer(served: &super::Served, uri: &Uri) -> Response<Body> {
    let Some(key) = key(uri.path()) else {
        return not_found(served);
    };
    let found = served.files.get(&key).map(|b| (key.clone(), b.clone()));
    let (key, bytes) = match found {
        Some(hit) => hit,
        None => {
            // A folder asked for without its slash: relative links need it.
            let index = format!("{key}/index.html");
            if !key.is_empty() && !key.ends_with('/') && served.files.contains_key(&index) {
                return Response::builder()
                    .status(StatusCode::PERMANENT_REDIRECT)
                    .header(header::LOCATION, format!("/{key}/"))
                    .body(Body::empty())
                    .unwrap_or_default();
            }
            if served.files.is_empty() && !served.problems.is_empty() {
                return html(StatusCode::OK, overlay::page(&served.problems, served.lang));
            }
            return not_found(served);
        }
    };
    let kind = content_type(&key);
    let body = if kind.starts_with("text/html") {
        overlay::inject(&without_page_policy(&bytes), &served.problems, served.lang)
    } else {
        bytes.to_vec()
    };
    let mut response = Response::new(Body::from(body));
    if let Ok(v) = HeaderValue::from_str(kind) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    response
}

/// The pages' own policy (a `<meta>` of the theme) forbids inline scripts, which the preview
/// injects (reload, overlay): the preview sends its policy as a header instead.
fn without_page_policy(html: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const MARK: &[u8] = b"<meta http-equiv=\"Content-Security-Policy\"";
    let Some(start) = html.windows(MARK.len()).position(|w| w == MARK) else {
        return html.into();
    };
    let end = html[start..]
        .iter()
        .position(|&b| b == b'>')
        .map_or(html.len(), |e| start + e + 1);
    let mut out = html[..start].to_vec();
    out.extend_from_slice(&html[end..]);
    out.into()
}

/// A second line behind the sanitiser: the preview loads nothing from other sites and runs no
/// script of theirs. Inline scripts stay allowed for the reload and the error overlay, which
/// the preview injects itself.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; media-src 'self'; \
    style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; \
    object-src 'none'; frame-src 'none'; base-uri 'self'; form-action 'self'";

fn not_found(served: &super::Served) -> Response<Body> {
    let page = served
        .files
        .get("404.html")
        .map(|b| b.to_vec())
        .unwrap_or_else(|| b"<!doctype html><title>404</title><p>404</p>".to_vec());
    html(
        StatusCode::NOT_FOUND,
        overlay::inject(&without_page_policy(&page), &served.problems, served.lang),
    )
}

fn html(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_SECURITY_POLICY, POLICY)
        .body(Body::from(body))
        .unwrap_or_default()
}

/// The site file a request path names (`a/b/` → `a/b/index.html`), or `None` for a path that
/// tries to climb (`..`, `.`, encoded or not) or is not valid UTF-8 once decoded.
pub(crate) fn key(path: &str) -> Option<String> {
    let decoded = shenbao_core::source::percent_decode(path)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            p => parts.push(p),
        }
    }
    let mut key = parts.join("/");
    if decoded.ends_with('/') || key.is_empty() {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

pub(crate) fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn while_an_update_settles_only_its_ready_pages_are_answered_the_rest_wait_for_it() {
        use std::future::Future;
        use std::task::{Context, Poll, Waker};

        use super::super::{Served, Settling};

        let site = |entry: &str, unit: &str| {
            let mut files = shenbao_site::live::Files::default();
            files.insert("entries/a/index.html".into(), entry.as_bytes().into());
            files.insert("units/u/index.html".into(), unit.as_bytes().into());
            files
        };
        let (done, waiting) = tokio::sync::watch::channel(());
        let state: Shared = Arc::new(std::sync::RwLock::new(Arc::new(Served {
            files: site("new entry", "old unit"),
            settling: Some(Settling {
                ready: vec!["entries/a/index.html".into()],
                done: waiting,
            }),
            ..Served::default()
        })));
        let body = |response: Response<Body>| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let bytes = runtime
                .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
                .unwrap();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let mut cx = Context::from_waker(Waker::noop());
        let uri = |path: &str| path.parse::<Uri>().unwrap();

        let mut entry = Box::pin(respond(state.clone(), uri("/entries/a/")));
        let Poll::Ready(entry) = entry.as_mut().poll(&mut cx) else {
            panic!("the entry's page is answered at once");
        };
        assert!(body(entry).contains("new entry"));

        let mut unit = Box::pin(respond(state.clone(), uri("/units/u/")));
        assert!(
            unit.as_mut().poll(&mut cx).is_pending(),
            "the unit's page waits"
        );
        *state.write().unwrap() = Arc::new(Served {
            files: site("new entry", "new unit"),
            ..Served::default()
        });
        drop(done);
        let Poll::Ready(unit) = unit.as_mut().poll(&mut cx) else {
            panic!("the unit's page is answered once the update is served");
        };
        assert!(body(unit).contains("new unit"));
    }

    #[test]
    fn only_addresses_and_localhost_are_answered() {
        for ok in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST",
            "[::1]:4000",
            "192.168.1.5:4000",
            "127.0.0.1",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:4000",
            "evil.example",
            "127.0.0.1.evil.example",
            "",
            "localhost.evil.example:4000",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }

    #[test]
    fn paths_map_to_site_files_and_climbing_is_refused() {
        assert_eq!(key("/").as_deref(), Some("index.html"));
        assert_eq!(key("/entries/").as_deref(), Some("entries/index.html"));
        assert_eq!(
            key("/static/style.css").as_deref(),
            Some("static/style.css")
        );
        assert_eq!(
            key("/entries/%E5%9B%BE.jpg").as_deref(),
            Some("entries/图.jpg")
        );
        for bad in [
            "/../campaign.yaml",
            "/%2e%2e/campaign.yaml",
            "/%2E%2E%2Fcampaign.yaml",
            "/entries/..%2f..%2fcampaign.yaml",
            "/./index.html",
            "/a%5c..%5cb",
            "/%00",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(key(bad), None, "{bad}");
        }
    }
}
