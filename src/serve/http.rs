//! Answering requests from the site in memory. A path is looked up as a key of the site's files,
//! never joined to a folder on disk, so no path can leave the site: `..`, encoded dots and
//! symlinks have nothing to lead to. Requests with dot segments are refused outright.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, Uri, header};

use super::{Shared, overlay};

pub fn router(state: Shared) -> Router {
    Router::new().fallback(move |uri: Uri| {
        let state = state.clone();
        async move { answer(&state, &uri) }
    })
}

fn answer(state: &Shared, uri: &Uri) -> Response<Body> {
    let served = state.read().map(|s| s.clone()).unwrap_or_default();
    let Some(key) = key(uri.path()) else {
        return not_found(&served);
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
            return not_found(&served);
        }
    };
    let kind = content_type(&key);
    let body = if kind.starts_with("text/html") {
        overlay::inject(&bytes, &served.problems, served.lang)
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
    response
}

fn not_found(served: &super::Served) -> Response<Body> {
    let page = served
        .files
        .get("404.html")
        .map(|b| b.to_vec())
        .unwrap_or_else(|| b"<!doctype html><title>404</title><p>404</p>".to_vec());
    html(
        StatusCode::NOT_FOUND,
        overlay::inject(&page, &served.problems, served.lang),
    )
}

fn html(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body))
        .unwrap_or_default()
}

/// The site file a request path names (`a/b/` → `a/b/index.html`), or `None` for a path that
/// tries to climb (`..`, `.`, encoded or not) or is not valid UTF-8 once decoded.
pub fn key(path: &str) -> Option<String> {
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

fn content_type(key: &str) -> &'static str {
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
