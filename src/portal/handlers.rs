//! The portal's requests: who is asking (the session), whether a state-changing request comes
//! from the portal's own form (CSRF), and what each page does. A unit's account only ever
//! names its own folder: the unit comes from the session, never from the URL or the form.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use axum::routing::{get, post};
use serde_json::json;

use shenbao_core::campaign::Campaign;
use shenbao_core::diagnostic::Diagnostic;
use shenbao_core::files::{Disk, Files, Memory, Overlay, Stat};
use shenbao_core::lang::{Lang, en_count};
use shenbao_core::paths;
use shenbao_core::problem::{CardDetail, Problem, Severity};
use shenbao_core::rules::{self, attachments::SCAN_TYPES};
use shenbao_git::commit::{Author, Change, Content};

use super::accounts::{Account, Accounts, token_hash};
use super::form::{self, AttachmentRow, EntryForm};
use super::pages::Pages;
use super::session::{self, Keys, Session};
use super::store::{Loaded, Save, SaveError, Store};
use super::upload::{self, Refused, Upload};

pub struct Portal {
    pub store: Store,
    pub accounts: Accounts,
    pub keys: Keys,
    pub secure: bool,
    pub pages: Pages,
    pub site_css: Vec<u8>,
    /// Held while a failed login waits, so guesses are answered one at a time, slowly.
    pub failures: tokio::sync::Mutex<()>,
    pub previews: super::preview::Previews,
    /// The entries new-entry forms made, by the form's id: the same form sent again after Back,
    /// changed, saves that entry instead of making a second (see [`NewForms`]).
    pub new_forms: NewForms,
    /// A login link the office just made, by the session that made it: shown on its next view
    /// of the office page and then forgotten (in the address it stayed in the browser's history,
    /// and a crafted address could show any text as a new link).
    pub new_links: NewLinks,
}

/// See [`Portal::new_links`]: session nonce → (unit, link). In memory: after a restart a link
/// not yet shown is not shown (it works; the office makes another if it lost it).
#[derive(Default)]
pub struct NewLinks(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl NewLinks {
    fn put(&self, session: &Session, shown: String) {
        let mut links = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded as the forms are: a link not viewed is dropped with the rest.
        if links.len() >= NEW_FORMS_KEPT {
            links.clear();
        }
        links.insert(session.nonce.clone(), shown);
    }

    fn take(&self, session: &Session) -> Option<String> {
        let mut links = self.0.lock().unwrap_or_else(|e| e.into_inner());
        links.remove(&session.nonce)
    }
}

/// Which entry each new-entry form made: form id → (unit, slug, the version it made). In
/// memory and bounded: after a restart a form sent again is matched by its content alone
/// (`sent_before`).
#[derive(Default)]
pub struct NewForms(std::sync::Mutex<std::collections::HashMap<String, (String, String, String)>>);

/// How many forms are remembered; past that, all are forgotten and remembering starts again.
const NEW_FORMS_KEPT: usize = 4096;

/// Whether `id` is a form id the portal makes: 128 bits in hex, nothing longer kept.
fn is_form_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

impl NewForms {
    fn remember(&self, id: &str, unit: &str, slug: &str, version: String) {
        if !is_form_id(id) {
            return;
        }
        let mut forms = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if forms.len() >= NEW_FORMS_KEPT {
            forms.clear();
        }
        forms.insert(id.into(), (unit.into(), slug.into(), version));
    }

    /// The entry the form `id` of `unit` made, and the version it made.
    fn made(&self, id: &str, unit: &str) -> Option<(String, String)> {
        if !is_form_id(id) {
            return None;
        }
        let forms = self.0.lock().unwrap_or_else(|p| p.into_inner());
        forms
            .get(id)
            .filter(|(u, _, _)| u == unit)
            .map(|(_, slug, version)| (slug.clone(), version.clone()))
    }
}

type Shared = Arc<Portal>;
type Page = Response<Body>;

/// The policy of every portal page: nothing inline runs, nothing leaves the portal.
const CSP: &str = "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router(state: Shared) -> Router {
    // Uploads are limited per file while they stream (`upload::receive`); the body as a whole
    // may hold several large files.
    let upload_limit = DefaultBodyLimit::disable();
    Router::new()
        .route("/", get(home))
        .route("/login/{token}", get(login_page))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/entries/new", get(new_entry).post(create_entry))
        .route("/entries/check", post(live_check))
        .route("/entries/{slug}", get(edit_entry).post(save_entry))
        .route("/entries/{slug}/receipt", get(receipt))
        .route("/preview/{id}/", get(preview_home))
        .route("/preview/{id}/{*path}", get(preview_file))
        .route(
            "/entries/{slug}/files",
            post(upload_files).layer(upload_limit),
        )
        .route("/entries/{slug}/files/remove", post(remove_file))
        .route(
            "/entries/{slug}/delete",
            get(delete_page).post(delete_draft),
        )
        .route("/entries/{slug}/files/{name}", get(entry_file))
        .route("/card", get(card_page).post(save_card))
        .route(
            "/card/scan",
            get(own_scan).post(upload_scan).layer(upload_limit),
        )
        .route("/roster", get(roster_sheet))
        .route("/office", get(office))
        .route("/office/roster/{file}", get(office_roster))
        .route("/office/scans/{unit}", get(office_scan))
        .route("/office/accounts", post(office_accounts))
        .route(
            "/office/reminders",
            get(office_reminders).post(office_send_reminders),
        )
        .route("/assets/{name}", get(asset))
        .fallback(not_found)
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            in_campaign_language,
        ))
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(state)
}

/// What the framework answers by itself, before any handler runs, said in the campaign's
/// language: a form over the body limit (413; a clerk pasting a whole book into a section)
/// and a body of the wrong type (415). No handler answers with either.
async fn in_campaign_language(State(p): State<Shared>, response: Page) -> Page {
    // The language is looked up only for these (it reads the campaign): not for every page.
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            p.lang().pick(
                "提交的内容太多（超过 2 MB），没有保存：请返回，把很长的材料删短，或作为附件上传。",
                "What was sent is too large (over 2 MB) and was not saved: go back, shorten the long text, or upload it as an attachment.",
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            p.lang().pick(
                "无法读取提交的内容：请返回页面，重新提交表单。",
                "What was sent could not be read: go back to the page and send the form again.",
            ),
        ),
        _ => response,
    }
}

async fn secure_headers(mut response: Page) -> Page {
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not `no-referrer`: with it Chromium sends `Origin: null` from the portal's own forms.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

// ---- who is asking ---------------------------------------------------------------------------

/// The signed-in account of a request.
struct Who {
    session: Session,
    account: Account,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Portal {
    fn who(&self, headers: &HeaderMap) -> Option<Who> {
        let cookies = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let value = session::cookie_value(cookies)?;
        let session = self.keys.verify(value, now())?;
        let account = self.accounts.of_session(&session).ok()??;
        Some(Who { session, account })
    }

    fn loaded(&self) -> Result<Arc<Loaded>, Page> {
        self.store
            .loaded()
            .map_err(|e| plain(StatusCode::INTERNAL_SERVER_ERROR, &e))
    }

    fn lang(&self) -> Lang {
        self.store
            .loaded()
            .map(|l| l.project.campaign.language)
            .unwrap_or(Lang::Zh)
    }

    /// The page for a request without a session: the way in is the link the office sent.
    fn signed_out(&self) -> Page {
        let lang = self.lang();
        self.pages.render(
            lang,
            "signed_out.html",
            json!({"title": lang.pick("请用登录链接进入", "Please use your login link")}),
            StatusCode::UNAUTHORIZED,
        )
    }

    fn forbidden(&self) -> Page {
        let lang = self.lang();
        plain(
            StatusCode::FORBIDDEN,
            lang.pick(
                "此请求不是从本系统的页面发出的，已拒绝。请回到页面重新操作。",
                "This request did not come from the portal's own page and was refused.",
            ),
        )
    }

    /// A state-changing request: from the portal's own page (not another site), with a session,
    /// and carrying that session's CSRF token.
    fn guard(&self, headers: &HeaderMap, csrf: &str) -> Result<Who, Page> {
        if !same_origin(headers) {
            return Err(self.forbidden());
        }
        let who = self.who(headers).ok_or_else(|| self.signed_out())?;
        if !self.keys.csrf_ok(&who.session, csrf) {
            return Err(self.forbidden());
        }
        Ok(who)
    }
}

/// A unit's request: who asks, the unit (always from the session), the campaign as committed.
struct UnitCtx {
    who: Who,
    unit: String,
    loaded: Arc<Loaded>,
}

impl Portal {
    /// A page a unit reads; an organiser is sent to the office's pages.
    fn unit_reads(&self, headers: &HeaderMap) -> Result<UnitCtx, Page> {
        let who = self.who(headers).ok_or_else(|| self.signed_out())?;
        self.unit_ctx(who, || redirect("/office"))
    }

    /// A unit's state-changing request (see [`Portal::guard`]); organisers have no folder to
    /// write.
    fn unit_writes(&self, headers: &HeaderMap, csrf: &str) -> Result<UnitCtx, Page> {
        let who = self.guard(headers, csrf)?;
        self.unit_ctx(who, || self.forbidden())
    }

    fn unit_ctx(&self, who: Who, not_a_unit: impl FnOnce() -> Page) -> Result<UnitCtx, Page> {
        let unit = match &who.account {
            Account::Unit(id) => id.clone(),
            Account::Organiser(_) => return Err(not_a_unit()),
        };
        let loaded = self.loaded()?;
        Ok(UnitCtx { who, unit, loaded })
    }

    /// The text of a campaign file as committed (the work tree follows the branch).
    fn stored_text(&self, rel: &str) -> Option<String> {
        Disk::new(&self.store.root)
            .read(rel)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }
}

/// Make one commit off the async threads; `keep` (the uploads it streams from) lives until the
/// commit is made.
async fn commit(
    p: &Shared,
    request: Save,
    keep: impl Send + 'static,
) -> Result<git2::Oid, SaveError> {
    let p = p.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = p.store.save(&request);
        drop(keep);
        outcome
    })
    .await
    .unwrap_or_else(|e| Err(SaveError::Failed(e.to_string())))
}

/// Whether the browser says the request comes from this site (or says nothing, as older ones
/// and command-line clients do; the CSRF token still has to match).
fn same_origin(headers: &HeaderMap) -> bool {
    // Current browsers say where a request comes from; that is the answer when they do.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host),
        (Some(_), None) => false,
        _ => true,
    }
}

fn plain(status: StatusCode, text: &str) -> Page {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(format!("{text}\n")))
        .unwrap_or_default()
}

fn redirect(to: &str) -> Page {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .body(Body::empty())
        .unwrap_or_default()
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// An entry's slug as it may appear in a URL: what `new` and the portal make, nothing that could
/// name a path.
fn plain_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && !slug.starts_with(['.', '-'])
        && slug.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_')
                || (!c.is_ascii() && !c.is_control() && c != '/' && c != '\\')
        })
}

// ---- logging in and out ----------------------------------------------------------------------

async fn login_page(State(p): State<Shared>, UrlPath(token): UrlPath<String>) -> Page {
    let lang = p.lang();
    let valid = p.accounts.by_hash(&token_hash(&token)).ok().flatten();
    let loaded = match p.loaded() {
        Ok(l) => l,
        Err(e) => return e,
    };
    let name = valid
        .as_ref()
        .map(|a| account_name(&loaded.project.campaign, a));
    p.pages.render(
        lang,
        "login.html",
        json!({
            "title": lang.pick("登录", "Log in"),
            "token": token,
            "name": name,
        }),
        StatusCode::OK,
    )
}

fn account_name(campaign: &Campaign, account: &Account) -> String {
    match account {
        Account::Unit(id) => campaign.unit(id).map_or(id.clone(), |u| u.name.clone()),
        Account::Organiser(email) => format!("{}（{email}）", campaign.issuer),
    }
}

async fn login(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    if !same_origin(&headers) {
        return p.forbidden();
    }
    let token = value(&pairs, "token");
    let hash = token_hash(token);
    match p.accounts.by_hash(&hash) {
        Ok(Some(_)) => match p.keys.issue(&hash, now()) {
            Ok((_, cookie)) => {
                let mut r = redirect("/");
                if let Ok(v) = HeaderValue::from_str(&session::set_cookie(Some(&cookie), p.secure))
                {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                r
            }
            Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        _ => {
            // One failed guess at a time, each taking a second.
            let _turn = p.failures.lock().await;
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let lang = p.lang();
            p.pages.render(
                lang,
                "login.html",
                json!({"title": lang.pick("登录", "Log in"), "token": "", "name": null, "failed": true}),
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

async fn logout(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let who = match p.guard(&headers, value(&pairs, "csrf")) {
        Ok(who) => who,
        Err(e) => return e,
    };
    // Ended here, not only forgotten by this browser: a copy of the cookie no longer gets in.
    // Should that fail, the browser forgets it all the same, and the page says what failed.
    let mut r = match p
        .accounts
        .end_session(&who.session.nonce, who.session.issued, now())
    {
        Ok(()) => redirect("/"),
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message(p.lang())),
    };
    if let Ok(v) = HeaderValue::from_str(&session::set_cookie(None, p.secure)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

// ---- the unit's pages ------------------------------------------------------------------------

/// The deadline facts a unit's pages show.
fn deadline_view(campaign: &Campaign, unit: &str) -> serde_json::Value {
    let lang = campaign.language;
    let Some(d) = campaign.deadline_for(unit) else {
        return json!(null);
    };
    let left = d.at.as_second() - now();
    let passed = left <= 0;
    let days = left / 86_400;
    let hours = (left % 86_400) / 3600;
    let remaining = if passed {
        String::new()
    } else {
        match lang {
            Lang::Zh => format!("还剩 {days} 天 {hours} 小时"),
            Lang::En => format!("{days} days {hours} hours left"),
        }
    };
    json!({
        "written": d.written(lang),
        "passed": passed,
        "remaining": remaining,
        "extended": campaign.extended().any(|(u, _)| u == unit),
        "accept_late": campaign.portal.accept_late,
        // Lateness is judged only where arrival times are (`arrival_times`, on by default).
        "judged": campaign.arrival_times,
        "closed": passed && !campaign.portal.accept_late,
    })
}

fn closed(campaign: &Campaign, unit: &str) -> bool {
    !campaign.portal.accept_late
        && campaign
            .deadline_for(unit)
            .is_some_and(|d| jiff::Timestamp::now() > d.at)
}

async fn home(
    State(p): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let unit = unit.as_str();
    let project = &loaded.project;
    let campaign = &project.campaign;
    let lang = campaign.language;
    let entries = unit_entries(&loaded, unit);
    let status = loaded.status.iter().find(|s| s.id == unit);
    let card = project.cards.get(unit);
    p.pages.render(
        lang,
        "unit.html",
        json!({
            "title": account_name(campaign, &who.account),
            "csrf": p.keys.csrf(&who.session),
            "unit": {"id": unit, "name": account_name(campaign, &who.account)},
            "entries": entries,
            "status": status,
            "deadline": deadline_view(campaign, unit),
            "card": card.map(|c| json!({"leader": c.leader, "responsible": c.responsible, "roster_signed": c.roster_signed})),
            // After a draft was deleted. Nothing from the address is shown: a link cannot make
            // the page say what a clerk did not do.
            "deleted": query.contains_key("deleted"),
        }),
        StatusCode::OK,
    )
}

/// A diagnostic as the form shows it: the field it goes beside (none: above the form) and what
/// it says. A field of the campaign's own is named by its label, as the form names it (the
/// messages, made without the campaign, know only its key); a missing part of a recognition
/// goes beside that part of its row, not the row's first field, where its line points.
fn placed(
    d: &Diagnostic,
    lines: Option<&form::FieldLines>,
    campaign: &Campaign,
) -> (Option<String>, serde_json::Value) {
    let lang = campaign.language;
    let message = d.message(lang);
    let field = lines.and_then(|l| l.field_at(d.pos.line)).map(|field| {
        match (&d.problem, field.strip_prefix("recognition.")) {
            (Problem::MissingField { key, .. }, Some(rest)) => {
                match (key.strip_prefix("recognition."), rest.split_once('.')) {
                    (Some(part), Some((row, _))) => format!("recognition.{row}.{part}"),
                    _ => field.to_string(),
                }
            }
            _ => field.to_string(),
        }
    });
    let item = json!({
        "severity": d.severity().as_str(),
        "code": d.code(),
        "message": message,
        "help": d.help(lang),
        "line": d.pos.line,
        "column": d.pos.column,
    });
    (field, item)
}

/// Whom a unit may name as an entry's implementing unit (实施单位): the registered units under
/// it; and, if its type collects its subordinates' projects (`collects: true`: most of them are
/// not registered), any other name but a registered unit's that is not under it.
struct Implementing<'a> {
    children: Vec<&'a str>,
    free: bool,
    others: Vec<&'a str>,
}

impl<'a> Implementing<'a> {
    fn of(campaign: &'a Campaign, unit: &str) -> Self {
        let mut children = Vec::new();
        let mut others = Vec::new();
        for u in &campaign.units {
            if u.parent.as_deref() == Some(unit) {
                children.push(u.name.as_str());
            } else {
                others.extend([u.name.as_str(), u.id.as_str()]);
            }
        }
        let free = campaign
            .unit(unit)
            .and_then(|u| campaign.unit_type(&u.unit_type))
            .is_some_and(|t| t.collects);
        Implementing {
            children,
            free,
            others,
        }
    }

    /// Whether the form asks for it at all.
    fn offered(&self) -> bool {
        self.free || !self.children.is_empty()
    }

    fn allows(&self, name: &str) -> bool {
        name.is_empty()
            || self.children.contains(&name)
            || (self.free && !self.others.contains(&name))
    }
}

/// A unit's entries with their state, as its home page lists them.
fn unit_entries(loaded: &Loaded, unit: &str) -> Vec<serde_json::Value> {
    let project = &loaded.project;
    let lang = project.campaign.language;
    let slugs = project
        .folders
        .iter()
        .find(|f| f.id == unit)
        .map(|f| f.entries.clone())
        .unwrap_or_default();
    slugs
        .iter()
        .map(|slug| {
            let file = paths::entry_file(unit, slug);
            // Lateness is no error a unit can mend (its receipt says it): not counted here.
            let errors = project
                .diagnostics
                .iter()
                .filter(|d| d.file == file && d.severity() == Severity::Error)
                .filter(|d| !matches!(d.problem, Problem::LateSubmission { .. }))
                .count();
            let entry = project
                .entries
                .iter()
                .find(|e| e.unit == unit && e.slug == *slug);
            let draft = entry.is_none_or(|e| e.draft);
            let state = if errors > 0 {
                match lang {
                    Lang::Zh => format!("{errors} 处错误"),
                    Lang::En => en_count(errors, "error", "errors"),
                }
            } else if draft {
                lang.pick("草稿", "draft").to_string()
            } else {
                lang.pick("已提交", "submitted").to_string()
            };
            json!({
                "slug": slug,
                // A draft saved before its title was typed still needs a name to click.
                "title": entry
                    .map(|e| e.title.as_str())
                    .filter(|t| !t.is_empty())
                    .map_or_else(|| format!("{}（{slug}）", lang.pick("未填写项目名称", "untitled")), str::to_string),
                "state": state,
                "kind": if errors > 0 { "error" } else if draft { "draft" } else { "submitted" },
                // Submitted, even with errors that git brought: its receipt stands.
                "submitted": !draft,
            })
        })
        .collect()
}

/// The line at the top of a form: what was done, or why nothing was (shown as a problem, not
/// in the green of a success).
#[derive(serde::Serialize)]
struct Notice {
    text: String,
    refused: bool,
}

impl Notice {
    fn done(text: String) -> Notice {
        Notice {
            text,
            refused: false,
        }
    }

    fn refused(text: String) -> Notice {
        Notice {
            text,
            refused: true,
        }
    }
}

/// Everything the entry form needs besides the form itself.
struct FormPage<'a> {
    slug: Option<&'a str>,
    form: &'a EntryForm,
    base: Option<String>,
    diagnostics: &'a [Diagnostic],
    lines: Option<&'a super::form::FieldLines>,
    notice: Option<Notice>,
    conflict: Option<Vec<(String, String)>>,
}

fn render_form(p: &Portal, who: &Who, loaded: &Loaded, unit: &str, page: FormPage<'_>) -> Page {
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    // Each diagnostic beside its field, or above the form when it concerns the whole entry.
    let mut by_field: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    let mut general = Vec::new();
    for d in page.diagnostics {
        let (field, item) = placed(d, page.lines, campaign);
        match field {
            Some(field) => by_field.entry(field).or_default().push(item),
            None => general.push(item),
        }
    }
    let label = |key: &'static str| -> &'static str {
        shenbao_core::fields::built_in(key)
            .map(|f| f.label(lang))
            .unwrap_or(key)
    };
    let labels: BTreeMap<&str, &str> = [
        "title",
        "category",
        "contact",
        "phone",
        "summary",
        "started",
        "implementing_unit",
        "recognition",
        "cover",
        "attachments",
    ]
    .iter()
    .map(|k| (*k, label(k)))
    .collect();
    let required: Vec<&String> = campaign.sections.required.iter().flatten().collect();
    let sections: Vec<serde_json::Value> = page
        .form
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let name = shenbao_core::rules::body::section_name(&s.name);
            let criterion = campaign.criteria.iter().find(|c| c.name == name);
            json!({
                "index": i,
                "name": s.name,
                "text": s.text,
                "required": required.iter().any(|r| *r == name),
                "guidance": criterion.map(|c| c.text.clone()),
            })
        })
        .collect();
    let implementing = Implementing::of(campaign, unit);
    let files = page
        .slug
        .map(|slug| folder_files(&p.store.root, unit, slug))
        .unwrap_or_default();
    let recognition_rows = {
        let mut rows = page.form.recognition.clone();
        rows.push(Default::default());
        rows
    };
    let attachment_rows: Vec<serde_json::Value> = {
        let listed: Vec<&AttachmentRow> = page.form.attachments.iter().collect();
        let mut rows: Vec<serde_json::Value> = listed
            .iter()
            .map(|a| json!({"file": a.file, "title": a.title, "image": is_image(&a.file)}))
            .collect();
        for f in &files {
            if !listed.iter().any(|a| a.file == *f) {
                rows.push(json!({"file": f, "title": "", "image": is_image(f)}));
            }
        }
        rows
    };
    p.pages.render(
        lang,
        "entry.html",
        json!({
            "title": if page.form.title.is_empty() { lang.pick("新建项目", "New entry").to_string() } else { page.form.title.clone() },
            "csrf": p.keys.csrf(&who.session),
            "unit": {"id": unit, "name": account_name(campaign, &who.account)},
            "slug": page.slug,
            // What the entry is as stored (not as this form would save it): said at the top.
            "stored_draft": page.slug.and_then(|s| stored_draft(loaded, unit, s)),
            "form": page.form,
            "base": page.base.unwrap_or_else(|| "new".into()),
            // A new entry's form is told apart from every other, to know it when it comes back.
            "form_id": page.slug.is_none().then(|| super::accounts::random_bytes::<16>().ok().map(|b| super::accounts::hex(&b))).flatten(),
            "labels": labels,
            "categories": campaign.categories.iter().map(|c| json!({"id": c.id, "name": c.name})).collect::<Vec<_>>(),
            "kinds": shenbao_core::fields::RECOGNITION_KINDS.iter().map(|(id, zh, en)| json!({"id": id, "name": lang.pick(zh, en)})).collect::<Vec<_>>(),
            "extra": campaign.fields.extra.iter().map(|f| json!({"key": f.key, "label": f.label, "required": f.required, "value": page.form.extra.iter().find(|(k, _)| *k == f.key).map(|(_, v)| v.clone()).unwrap_or_default()})).collect::<Vec<_>>(),
            "sections": sections,
            "recognition_rows": recognition_rows,
            "attachment_rows": attachment_rows,
            "implementing": implementing.offered().then(|| json!({
                "children": implementing.children,
                "free": implementing.free,
            })),
            "errors": by_field,
            "general": general,
            "error_count": page.diagnostics.iter().filter(|d| d.severity() == Severity::Error).count(),
            "notice": page.notice,
            "conflict": page.conflict,
            "deadline": deadline_view(campaign, unit),
            "allowed": campaign.attachments.allowed.join(", "),
            "max_mb": campaign.attachments.max_size_mb,
            "video_max_mb": campaign.attachments.video_max_size_mb,
        }),
        StatusCode::OK,
    )
}

fn is_image(name: &str) -> bool {
    shenbao_core::fields::IMAGE_TYPES.contains(&upload::extension_of(name).as_str())
}

/// The files in an entry's attachment folder, by name.
fn folder_files(root: &std::path::Path, unit: &str, slug: &str) -> Vec<String> {
    let dir = root.join(paths::attachment_folder(unit, slug));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn new_entry(State(p): State<Shared>, headers: HeaderMap) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let form = EntryForm::blank(&loaded.project.campaign);
    render_form(
        &p,
        &who,
        &loaded,
        &unit,
        FormPage {
            slug: None,
            form: &form,
            base: None,
            diagnostics: &[],
            lines: None,
            notice: None,
            conflict: None,
        },
    )
}

async fn edit_entry(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let rel = paths::entry_file(&unit, &slug);
    if !plain_slug(&slug) {
        return not_found_page(&p);
    }
    let Some(version) = p.store.version(&rel) else {
        return not_found_page(&p);
    };
    let Some(text) = p.stored_text(&rel) else {
        return not_found_page(&p);
    };
    let campaign = &loaded.project.campaign;
    let form = EntryForm::from_file(campaign, &text);
    // The stored file's own diagnostics, pointed at the fields of the form as it writes them.
    let (written, lines) = form.to_file(campaign);
    let mut diagnostics = check_text(&p.store.root, campaign, &unit, &slug, &written);
    diagnostics.extend(duplicate_of_own(&loaded, &unit, &slug, &form.title, &lines));
    // Says what the entry now is: "提交记录" alone read as "submitted" after a draft's save.
    let notice = query
        .get("saved")
        .map(|c| match (form.draft, campaign.language) {
            (true, Lang::Zh) => format!("已保存为草稿（版本 {}），尚未提交。", short(c)),
            (false, Lang::Zh) => format!("已保存，仍为已提交（版本 {}）。", short(c)),
            (true, Lang::En) => format!("Saved as a draft (version {}); not submitted.", short(c)),
            (false, Lang::En) => format!("Saved; still submitted (version {}).", short(c)),
        })
        .map(Notice::done);
    render_form(
        &p,
        &who,
        &loaded,
        &unit,
        FormPage {
            slug: Some(&slug),
            form: &form,
            base: Some(version),
            diagnostics: &diagnostics,
            lines: Some(&lines),
            notice,
            conflict: None,
        },
    )
}

/// `check`'s duplicate-entry for entry `slug` of `unit` titled `title`, when an entry of the
/// same unit before it (in `check`'s order) has that title (a project sent twice), at the form's
/// title. Only the unit's own entries are compared: one of another unit's of that title is left
/// to the research office, its file being that unit's (the portal shows a unit nothing of
/// another's).
fn duplicate_of_own(
    loaded: &Loaded,
    unit: &str,
    slug: &str,
    title: &str,
    lines: &form::FieldLines,
) -> Option<Diagnostic> {
    let key = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let wanted = key(title);
    if wanted.is_empty() {
        return None;
    }
    let first = loaded.project.entries.iter().find(|e| {
        e.unit == unit
            && e.slug != slug
            && paths::slug_order(&e.slug, slug).is_lt()
            && key(&e.title) == wanted
    })?;
    let line = lines.line_of("title").unwrap_or(1);
    Some(Diagnostic::new(
        paths::entry_file(unit, slug),
        shenbao_core::source::Pos::new(line, 8),
        Problem::DuplicateEntry {
            title: title.trim().to_string(),
            first: first.file(),
        },
    ))
}

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// `check`'s diagnostics of an entry file with `text`, its other files as on disk.
fn check_text(
    root: &std::path::Path,
    campaign: &Campaign,
    unit: &str,
    slug: &str,
    text: &str,
) -> Vec<Diagnostic> {
    let disk = Disk::new(root);
    let mut over = Memory::new();
    over.insert(paths::entry_file(unit, slug), text.as_bytes().to_vec());
    let files = Overlay { base: &disk, over };
    let mut d = rules::check_entry(campaign, &files, unit, slug, false).diagnostics;
    shenbao_core::diagnostic::sort(&mut d);
    d
}

/// A slug for a new entry, from its title: ASCII, unique in the unit's folder.
fn new_slug(root: &std::path::Path, unit: &str, title: &str) -> String {
    let disk = Disk::new(root);
    upload::unique(&slug_base(title), |candidate| {
        disk.stat(&paths::entry_file(unit, candidate), "") != Stat::Missing
            || disk.stat(&paths::attachment_folder(unit, candidate), "") != Stat::Missing
    })
}

/// The entry a new entry's form made already, if this is that form sent again (Back and 提交,
/// a double tap): an entry of the unit named as this title names one (`x`, `x-2`, …) whose file
/// is what the form would write, but perhaps for being a draft (保存草稿, then Back and 提交);
/// with whether it is exactly that. Sent one after the other, the second would otherwise be a
/// second entry; sent at once, the second save's conflict finds it.
fn sent_before(p: &Portal, unit: &str, title: &str, text: &str) -> Option<(String, bool)> {
    let undrafted = |t: &str| -> String {
        t.split_inclusive('\n')
            .filter(|l| l.trim_end() != "draft: true")
            .collect()
    };
    let wanted = undrafted(text);
    let base = slug_base(title);
    (1..)
        .map(|n| match n {
            1 => base.clone(),
            n => format!("{base}-{n}"),
        })
        .map_while(|slug| {
            let stored = p.stored_text(&paths::entry_file(unit, &slug))?;
            Some((slug, stored))
        })
        .find(|(_, stored)| undrafted(stored) == wanted)
        .map(|(slug, stored)| {
            let same = stored == text;
            (slug, same)
        })
}

/// The entry a new entry's form made already, sent again changed or not (see [`sent_before`]
/// and `new_forms`).
fn made_by_this_form(
    p: &Portal,
    unit: &str,
    form: &EntryForm,
    campaign: &Campaign,
    form_id: &str,
) -> Option<String> {
    let (text, _) = form.to_file(campaign);
    sent_before(p, unit, &form.title, &text)
        .map(|(made, _)| made)
        .or_else(|| {
            p.new_forms
                .made(form_id, unit)
                .map(|(made, _)| made)
                .filter(|made| p.store.version(&paths::entry_file(unit, made)).is_some())
        })
}

/// A new entry's file name from its title, before any number that keeps it unique.
fn slug_base(title: &str) -> String {
    // A title is no path: `职工书屋/读书会` is one name (a file name's rule would keep only what
    // follows the slash), and `8.6` no extension.
    let mut name = upload::safe_name(&title.replace(['/', '\\', '.'], " "));
    if name == "file" {
        name = "xiangmu".into();
    }
    name.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// The form as typed, checked as `check` would check it saved: diagnostics by field, for the
/// page's script to show while the clerk types. Nothing is saved.
async fn live_check(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let UnitCtx { unit, loaded, .. } = match p.unit_writes(&headers, value(&pairs, "csrf")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let slug = match value(&pairs, "slug") {
        s if plain_slug(s) => s.to_string(),
        _ => "new-entry".to_string(),
    };
    let mut form = EntryForm::from_pairs(campaign, &pairs);
    form.draft = false;
    let (text, lines) = form.to_file(campaign);
    let mut diagnostics = check_text(&p.store.root, campaign, &unit, &slug, &text);
    // As the entry's page says it (the script replaces every field's problems with these).
    if value(&pairs, "slug") == slug {
        diagnostics.extend(duplicate_of_own(&loaded, &unit, &slug, &form.title, &lines));
    }
    let mut fields: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    let mut general = Vec::new();
    for d in &diagnostics {
        let (field, item) = placed(d, Some(&lines), campaign);
        match field {
            Some(f) => fields.entry(f).or_default().push(item),
            None => general.push(item),
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"fields": fields, "general": general, "errors": errors}).to_string(),
        ))
        .unwrap_or_default()
}

async fn create_entry(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    save(p, headers, None, pairs).await
}

async fn save_entry(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    save(p, headers, Some(slug), pairs).await
}

fn author(campaign: &Campaign, unit: &str) -> Author {
    let u = campaign.unit(unit);
    Author {
        name: u.map_or(unit.to_string(), |u| u.name.clone()),
        email: u
            .and_then(|u| u.maintainers.first().cloned())
            .unwrap_or_else(|| format!("{unit}@portal.invalid")),
    }
}

async fn save(
    p: Shared,
    headers: HeaderMap,
    slug: Option<String>,
    pairs: Vec<(String, String)>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_writes(&headers, value(&pairs, "csrf")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    let mut action = value(&pairs, "action").to_string();
    let base = match value(&pairs, "base") {
        "new" | "" => None,
        v => Some(v.to_string()),
    };
    // An existing entry is named by the URL and must be this unit's; a new one gets a slug.
    if let Some(s) = &slug
        && (!plain_slug(s) || p.store.version(&paths::entry_file(&unit, s)).is_none())
    {
        return not_found_page(&p);
    }
    let mut form = EntryForm::from_pairs(campaign, &pairs);
    // Withdrawing from the entry's form keeps what the form holds, edits too: it is the one way
    // to save a submitted entry's changes that still have errors. Sent without the form (no
    // fields), it takes the stored entry back to a draft as it is.
    if action == "withdraw"
        && !pairs.iter().any(|(k, _)| k == "title")
        && let Some(s) = &slug
        && let Some(text) = p.stored_text(&paths::entry_file(&unit, s))
    {
        form = EntryForm::from_file(campaign, &text);
    }
    form.draft = action != "submit";
    // Who implemented it: what this unit may name (see `Implementing`), else what the stored
    // entry says — a form that does not offer the field never deletes a value git wrote.
    let implementing = Implementing::of(campaign, &unit);
    let page_slug = slug.clone();
    if !implementing.offered() {
        form.implementing_unit = slug
            .as_deref()
            .and_then(|s| p.stored_text(&paths::entry_file(&unit, s)))
            .map(|text| EntryForm::from_file(campaign, &text).implementing_unit)
            .unwrap_or_default();
    } else if !implementing.allows(&form.implementing_unit) {
        // Typed, and not this unit's to name: said, with what was typed kept to mend.
        let notice = match lang {
            Lang::Zh => format!(
                "实施单位“{}”是已登记的其他单位，不在本单位之下：请改正后再保存。",
                form.implementing_unit
            ),
            Lang::En => format!(
                "The implementing unit \"{}\" is another registered unit, not one under yours: correct it and save again.",
                form.implementing_unit
            ),
        };
        return render_form(
            &p,
            &who,
            &loaded,
            &unit,
            FormPage {
                slug: page_slug.as_deref(),
                form: &form,
                base,
                diagnostics: &[],
                lines: None,
                notice: Some(Notice::refused(notice)),
                conflict: None,
            },
        );
    }
    if action == "preview" {
        // Shown as what the entry is: a submitted one is not called a draft for being looked at.
        form.draft = slug
            .as_deref()
            .and_then(|s| stored_draft(&loaded, &unit, s))
            .unwrap_or(true);
        let slug = slug.unwrap_or_else(|| new_slug(&p.store.root, &unit, &form.title));
        let (text, _) = form.to_file(campaign);
        return preview(&p, &who, &loaded, &unit, &slug, text).await;
    }
    if closed(campaign, &unit) {
        let d = campaign
            .deadline_for(&unit)
            .map(|d| d.written(lang))
            .unwrap_or_default();
        let notice = lang
            .pick(
                &format!("申报已于 {d} 截止，不能再新建或修改项目。如需补报，请联系市总研究室。"),
                &format!("Submissions closed on {d}; entries can no longer be created or changed."),
            )
            .to_string();
        return render_form(
            &p,
            &who,
            &loaded,
            &unit,
            FormPage {
                slug: page_slug.as_deref(),
                form: &form,
                base,
                diagnostics: &[],
                lines: None,
                notice: Some(Notice::refused(notice)),
                conflict: None,
            },
        );
    }
    // A new entry's form sent again after that entry was submitted (提交, Back, 保存草稿) saves
    // that entry, and only 撤回为草稿 makes a submitted entry a draft again: kept submitted.
    if slug.is_none()
        && action == "draft"
        && made_by_this_form(&p, &unit, &form, campaign, value(&pairs, "form_id"))
            .is_some_and(|made| stored_draft(&loaded, &unit, &made) == Some(false))
    {
        action = "submit".into();
        form.draft = false;
    }
    let (text, lines) = form.to_file(campaign);
    let (slug, base) = match (slug, base) {
        (None, base) => match sent_before(&p, &unit, &form.title, &text) {
            Some((made, true)) => {
                return already_saved(&p, &action, &made, &paths::entry_file(&unit, &made));
            }
            // The draft it made, now submitted (or the reverse): a save of that entry.
            Some((made, false)) => {
                let version = p.store.version(&paths::entry_file(&unit, &made));
                (Some(made), version)
            }
            // The form that made an entry, sent again changed (Back, an edit, save): a save of
            // that entry, based on the version it made (a later save of it is a conflict).
            None => match p.new_forms.made(value(&pairs, "form_id"), &unit) {
                Some((made, version))
                    if p.store.version(&paths::entry_file(&unit, &made)).is_some() =>
                {
                    (Some(made), Some(version))
                }
                _ => (None, base),
            },
        },
        kept => kept,
    };
    // Matched to the entry the form made: from here on (errors, a conflict) the form is that
    // entry's, so that sending it again saves that entry.
    let page_slug = page_slug.or_else(|| slug.clone());
    let new = slug.is_none();
    let slug = slug.unwrap_or_else(|| new_slug(&p.store.root, &unit, &form.title));
    let rel = paths::entry_file(&unit, &slug);
    let diagnostics = check_text(&p.store.root, campaign, &unit, &slug, &text);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    // Without its card (unit.yaml) a unit's submission is an error for check: ask for it first.
    let no_card = p.store.version(&paths::card(&unit)).is_none();
    if action == "submit" && (errors > 0 || no_card) {
        // A submitted entry's page offers no 保存草稿 (saving one as a draft would withdraw it;
        // a new entry's form sent again after it was submitted is saved so too): its way to
        // keep changes with errors is 撤回为草稿.
        let submitted = !new && stored_draft(&loaded, &unit, &slug) == Some(false);
        let notice = if errors > 0 && submitted {
            match lang {
                Lang::Zh => format!(
                    "此项目已提交。改动有 {errors} 处错误，尚未保存：改正后点“保存并提交”；或点“撤回为草稿”，保存所填内容并改为草稿。"
                ),
                Lang::En => format!(
                    "This entry is submitted. The changes have {} and were not saved: fix them and choose “Save and submit”, or choose “Withdraw to draft” to save them as a draft.",
                    en_count(errors, "error", "errors")
                ),
            }
        } else if errors > 0 {
            match lang {
                Lang::Zh => format!("有 {errors} 处错误，改正后才能提交；也可以先保存草稿。"),
                Lang::En => format!(
                    "{} to fix before submitting; you can save a draft meanwhile.",
                    en_count(errors, "error", "errors")
                ),
            }
        } else {
            lang.pick(
                "提交前请先在“单位信息与签章”中填写本单位的主要领导等信息；草稿可以先保存。",
                "Before submitting, fill in your unit card (\"Unit card\"); a draft can be saved meanwhile.",
            )
            .to_string()
        };
        return render_form(
            &p,
            &who,
            &loaded,
            &unit,
            FormPage {
                slug: page_slug.as_deref(),
                form: &form,
                base,
                diagnostics: &diagnostics,
                lines: Some(&lines),
                notice: Some(Notice::refused(notice)),
                conflict: None,
            },
        );
    }
    let title = if form.title.is_empty() {
        slug.clone()
    } else {
        form.title.clone()
    };
    let unit_name = account_name(campaign, &who.account);
    let message = match (action.as_str(), lang) {
        ("submit", Lang::Zh) => format!("{unit_name}：提交项目《{title}》"),
        ("withdraw", Lang::Zh) => format!("{unit_name}：撤回项目《{title}》，改为草稿"),
        (_, Lang::Zh) => format!("{unit_name}：保存草稿《{title}》"),
        ("submit", Lang::En) => format!("{unit_name}: submit \"{title}\""),
        ("withdraw", Lang::En) => format!("{unit_name}: withdraw \"{title}\" to a draft"),
        (_, Lang::En) => format!("{unit_name}: save draft \"{title}\""),
    };
    let request = Save {
        changes: vec![Change {
            path: rel.clone(),
            content: Content::Bytes(text.clone().into_bytes()),
        }],
        author: author(campaign, &unit),
        message,
        based_on: vec![(rel.clone(), base.clone())],
    };
    match commit(&p, request, ()).await {
        Ok(commit) => {
            if new && let Some(version) = p.store.version(&rel) {
                p.new_forms
                    .remember(value(&pairs, "form_id"), &unit, &slug, version);
            }
            after_save(&action, &slug, Some(&commit.to_string()))
        }
        Err(SaveError::Unchanged) => redirect(&format!("/entries/{}", url_part(&slug))),
        // The button pressed twice, or the form sent again after Back: what is stored is
        // already what was sent. Not a conflict with anyone: it is saved.
        Err(SaveError::Conflict) if p.stored_text(&rel).as_deref() == Some(text.as_str()) => {
            already_saved(&p, &action, &slug, &rel)
        }
        Err(SaveError::Conflict) => {
            // Show what the stored version says where it differs from what was sent, keep what
            // was typed, and base the form on the stored version: saving again is a choice.
            let stored = p
                .stored_text(&rel)
                .map(|text| EntryForm::from_file(campaign, &text))
                .unwrap_or_default();
            let differences = differences(campaign, &stored, &form);
            let notice = lang
                .pick(
                    "在您编辑期间，此项目已另有保存（可能是同事，也可能是您在别的窗口或页面中保存的）。下面列出已保存的内容与您填写的不同之处；您填写的内容仍在表单中，确认后再次保存将覆盖已保存的内容。",
                    "This entry was saved meanwhile (by a colleague, or by you in another window or page). The saved version differs from yours as listed; what you typed is still in the form, and saving again replaces it.",
                )
                .to_string();
            let version = p.store.version(&rel);
            render_form(
                &p,
                &who,
                &loaded,
                &unit,
                FormPage {
                    slug: page_slug.as_deref().or(Some(&slug)),
                    form: &form,
                    base: version,
                    diagnostics: &diagnostics,
                    lines: Some(&lines),
                    notice: Some(Notice::refused(notice)),
                    conflict: Some(differences),
                },
            )
        }
        Err(SaveError::Uncommitted(files)) => plain(
            StatusCode::CONFLICT,
            lang.pick(
                &format!(
                    "服务器上的工作区有未提交的修改，未保存：{}",
                    files.join("、")
                ),
                &format!(
                    "the server's work tree has uncommitted changes; nothing saved: {}",
                    files.join(", ")
                ),
            ),
        ),
        Err(SaveError::Failed(e)) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

/// Build the entry as typed with the site's own code and send the clerk to its page.
async fn preview(
    p: &Shared,
    who: &Who,
    loaded: &Arc<Loaded>,
    unit: &str,
    slug: &str,
    text: String,
) -> Page {
    let lang = loaded.project.campaign.language;
    let Ok(id) = super::preview::Previews::new_id() else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "random source failed");
    };
    let (root, loaded2, unit2, slug2, id2) = (
        p.store.root.clone(),
        loaded.clone(),
        unit.to_string(),
        slug.to_string(),
        id.clone(),
    );
    let built = tokio::task::spawn_blocking(move || {
        let campaign = &loaded2.project.campaign;
        let disk = Disk::new(&root);
        let mut over = Memory::new();
        over.insert(paths::entry_file(&unit2, &slug2), text.into_bytes());
        let files = Overlay { base: &disk, over };
        let entry = rules::check_entry(campaign, &files, &unit2, &slug2, true).entry?;
        let project = loaded2.project.only(entry);
        let summary = shenbao_core::summary::Summary::of(&project, true);
        let site = Arc::new(super::preview::PreviewSite::default());
        let options = shenbao_site::BuildOptions {
            out: PathBuf::new(),
            base_url: Some(format!("/preview/{id2}/")),
            drafts: true,
        };
        shenbao_site::build_into(&project, &summary, &options, site.as_ref()).ok()?;
        Some(site)
    })
    .await
    .ok()
    .flatten();
    match built {
        Some(site) => {
            p.previews.keep(id.clone(), who.account.clone(), site);
            redirect(&format!("/preview/{id}/entries/{unit}/{}/", url_part(slug)))
        }
        None => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang.pick("无法生成预览。", "The preview could not be built."),
        ),
    }
}

/// A page or file of a preview, to the account that made it.
/// The preview's home page: its 首页 link, which the wildcard route does not match.
async fn preview_home(
    state: State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Page {
    preview_file(state, headers, UrlPath((id, String::new()))).await
}

async fn preview_file(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath((id, path)): UrlPath<(String, String)>,
) -> Page {
    let Some(who) = p.who(&headers) else {
        return p.signed_out();
    };
    let (Some(site), Some(key)) = (
        p.previews.get(&id, &who.account),
        crate::serve::http::key(&path),
    ) else {
        return not_found_page(&p);
    };
    let Some(bytes) = site.get(&key) else {
        return not_found_page(&p);
    };
    Response::builder()
        .header(header::CONTENT_TYPE, crate::serve::http::content_type(&key))
        .body(Body::from(bytes.to_vec()))
        .unwrap_or_default()
}

/// Where a save that was already made leads: the receipt of the commit that made it (a submit),
/// or the entry's page saying it was saved.
fn already_saved(p: &Portal, action: &str, slug: &str, rel: &str) -> Page {
    let made = p.store.file_times(rel).map(|t| t.last.to_string());
    after_save(action, slug, made.as_deref())
}

/// Where a save leads: a submit to the receipt of its commit, any other to the entry's page
/// saying it was saved (or, with no commit to name, the entry's page).
fn after_save(action: &str, slug: &str, commit: Option<&str>) -> Page {
    match (action, commit) {
        ("submit", Some(c)) => redirect(&format!("/entries/{}/receipt?commit={c}", url_part(slug))),
        (_, Some(c)) => redirect(&format!("/entries/{}?saved={c}", url_part(slug))),
        (_, None) => redirect(&format!("/entries/{}", url_part(slug))),
    }
}

/// Field label and the stored value, for each field where the stored entry differs from `mine`.
fn differences(campaign: &Campaign, stored: &EntryForm, mine: &EntryForm) -> Vec<(String, String)> {
    let lang = campaign.language;
    let label = |k: &str| {
        shenbao_core::fields::built_in(k).map_or(k.to_string(), |f| f.label(lang).to_string())
    };
    let mut out = Vec::new();
    for (key, a, b) in [
        ("title", &stored.title, &mine.title),
        ("category", &stored.category, &mine.category),
        ("contact", &stored.contact, &mine.contact),
        ("phone", &stored.phone, &mine.phone),
        ("summary", &stored.summary, &mine.summary),
        ("started", &stored.started, &mine.started),
        (
            "implementing_unit",
            &stored.implementing_unit,
            &mine.implementing_unit,
        ),
    ] {
        if a != b {
            out.push((label(key), a.clone()));
        }
    }
    for s in &stored.sections {
        let theirs = mine
            .sections
            .iter()
            .find(|m| m.name == s.name)
            .map(|m| &m.text);
        if theirs != Some(&s.text) {
            out.push((s.name.clone(), s.text.clone()));
        }
    }
    if stored.recognition != mine.recognition {
        out.push((
            label("recognition"),
            stored
                .recognition
                .iter()
                .map(|r| format!("{} {}", r.kind, r.source))
                .collect::<Vec<_>>()
                .join("；"),
        ));
    }
    if stored.attachments != mine.attachments || stored.cover != mine.cover {
        out.push((
            label("attachments"),
            stored
                .attachments
                .iter()
                .map(|a| a.file.clone())
                .collect::<Vec<_>>()
                .join("、"),
        ));
    }
    out
}

/// A path segment as it goes into a URL.
fn url_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn receipt(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    if !plain_slug(&slug) {
        return not_found_page(&p);
    }
    let rel = paths::entry_file(&unit, &slug);
    let entry = loaded
        .project
        .entries
        .iter()
        .find(|e| e.unit == unit && e.slug == slug);
    let Some(commit) = query.get("commit").cloned() else {
        // From the entry's page: the receipt of the version submitted, if it is.
        return match entry
            .filter(|e| !e.draft)
            .and_then(|_| p.store.file_times(&rel))
        {
            Some(t) => redirect(&format!(
                "/entries/{}/receipt?commit={}",
                url_part(&slug),
                t.last
            )),
            None => redirect(&format!("/entries/{}", url_part(&slug))),
        };
    };
    // The receipt names a commit only if it is one of this entry's own, and says what that
    // commit submitted (not what the entry says now); a draft's commit submitted nothing.
    let Some(info) = p.store.commit_info(&commit, &rel) else {
        return not_found_page(&p);
    };
    let Some(version) = p
        .store
        .text_at(&info.id, &rel)
        .map(|text| EntryForm::from_file(campaign, &text))
        .filter(|v| !v.draft)
    else {
        return not_found_page(&p);
    };
    let deadline = campaign.deadline_for(&unit);
    let arrived = deadline
        .map(|d| d.local(info.time, lang))
        .unwrap_or_else(|| info.time.to_string());
    // An entry that first arrived after the unit's deadline (an extension counted) is late, as
    // `check` and the status page judge it: the receipt says so.
    let arrived_at = p
        .store
        .file_times(&rel)
        .and_then(|t| jiff::Timestamp::from_second(t.arrived).ok());
    let late = deadline
        .filter(|d| campaign.arrival_times && arrived_at.is_some_and(|a| a > d.at))
        .map(|d| d.written(lang));
    p.pages.render(
        lang,
        "receipt.html",
        json!({
            "title": lang.pick("申报回执", "Receipt"),
            "csrf": p.keys.csrf(&who.session),
            "unit": {"id": unit, "name": account_name(campaign, &who.account)},
            "slug": slug,
            "entry_title": version.title,
            "category": campaign.category(&version.category).map(|c| format!("{}. {}", c.id, c.name)),
            // Deleted since: no page to view.
            "exists": entry.is_some(),
            "file": rel,
            "commit": info.id,
            "arrived": arrived,
            "late": late,
            "issuer": campaign.issuer,
            "campaign": campaign.title,
        }),
        StatusCode::OK,
    )
}

// ---- attachments -------------------------------------------------------------------------

/// The first field of a multipart form must be the CSRF token: nothing is received before the
/// request is known to come from the portal's own page. Read only as far as a token can be
/// long: upload routes have no body limit, and this is read before the session is known, so a
/// "token" of a gigabyte from anyone must not be held (more than this is no token: refused).
async fn first_field_csrf(multipart: &mut Multipart) -> String {
    const MOST: usize = 256;
    let Ok(Some(mut field)) = multipart.next_field().await else {
        return String::new();
    };
    if field.name() != Some("csrf") {
        return String::new();
    }
    let mut token = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        token.extend_from_slice(&chunk);
        if token.len() > MOST {
            return String::new();
        }
    }
    String::from_utf8(token).unwrap_or_default()
}

fn refused_text(lang: Lang, r: &Refused) -> String {
    match r {
        Refused::Type { name, allowed } => lang
            .pick(
                &format!(
                    "「{name}」的类型不允许上传；允许的类型：{}",
                    allowed.join(", ")
                ),
                &format!(
                    "\"{name}\": this type may not be uploaded; allowed: {}",
                    allowed.join(", ")
                ),
            )
            .to_string(),
        Refused::TooLarge { name, max_mb } => lang
            .pick(
                &format!("「{name}」超过 {max_mb} MB 的上限，未保存"),
                &format!("\"{name}\" is over the {max_mb} MB limit; not saved"),
            )
            .to_string(),
        Refused::NotWhatItSays { name } => lang
            .pick(
                &format!("「{name}」的内容与扩展名不符（例如名为 .jpg 却不是 JPEG 图片），未保存"),
                &format!("\"{name}\": its content is not what its extension says; not saved"),
            )
            .to_string(),
        Refused::Broken(e) => lang
            .pick(
                &format!("上传中断：{e}"),
                &format!("the upload broke off: {e}"),
            )
            .to_string(),
    }
}

async fn upload_files(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
    mut multipart: Multipart,
) -> Page {
    let csrf = first_field_csrf(&mut multipart).await;
    let UnitCtx { who, unit, loaded } = match p.unit_writes(&headers, &csrf) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = loaded.project.campaign.clone();
    let lang = campaign.language;
    let rel = paths::entry_file(&unit, &slug);
    if !plain_slug(&slug) || p.store.version(&rel).is_none() {
        return not_found_page(&p);
    }
    if closed(&campaign, &unit) {
        return plain(
            StatusCode::FORBIDDEN,
            lang.pick("申报已截止，不能再上传。", "Submissions are closed."),
        );
    }
    let dir = p.store.state_dir.join("uploads");
    let mut uploads: Vec<Upload> = Vec::new();
    let mut refused = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("files") || field.file_name().is_none_or(str::is_empty) {
            continue;
        }
        match upload::receive(field, &dir, &campaign.attachments, None).await {
            Ok(u) => uploads.push(u),
            Err(r) => {
                // A file over the limit ends the whole request: the rest is not read.
                let stop = matches!(r, Refused::TooLarge { .. } | Refused::Broken(_));
                refused.push(refused_text(lang, &r));
                if stop {
                    break;
                }
            }
        }
    }
    if !refused.is_empty() || uploads.is_empty() {
        if refused.is_empty() {
            refused.push(lang.pick("没有选择文件。", "No file chosen.").to_string());
        }
        // A batch is saved whole or not at all: say so of the good files, or the clerk
        // believes them saved.
        if !uploads.is_empty() {
            let names: Vec<&str> = uploads.iter().map(|u| u.original.as_str()).collect();
            refused.push(match lang {
                Lang::Zh => format!(
                    "同一次选择的其他文件（{}）也未上传：请去掉上面的文件，重新选择上传。",
                    names.join("、")
                ),
                Lang::En => format!(
                    "The other files chosen with it ({}) were not uploaded either: choose them again without the file above.",
                    names.join(", ")
                ),
            });
        }
        return p.pages.render(
            lang,
            "refused.html",
            json!({"title": lang.pick("未上传", "Not uploaded"), "reasons": refused, "back": format!("/entries/{}", url_part(&slug))}),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // The files and the entry listing them, in one commit.
    let Some(text) = p.stored_text(&rel) else {
        return not_found_page(&p);
    };
    let base = p.store.version(&rel);
    let mut form = EntryForm::from_file(&campaign, &text);
    let existing = folder_files(&p.store.root, &unit, &slug);
    let mut changes = Vec::new();
    let mut taken: Vec<String> = existing.clone();
    for u in &uploads {
        let name = upload::unique(&u.name, |n| taken.iter().any(|t| t == n));
        taken.push(name.clone());
        if form.cover.is_empty() && is_image(&name) {
            form.cover = name.clone();
        }
        let title = match u.original.rfind('.') {
            Some(i) if i > 0 => u.original[..i].to_string(),
            _ => u.original.clone(),
        };
        form.attachments.push(AttachmentRow {
            file: name.clone(),
            title,
        });
        changes.push(Change {
            path: format!("{}/{name}", paths::attachment_folder(&unit, &slug)),
            content: Content::File(u.path.clone()),
        });
    }
    let (text, _) = form.to_file(&campaign);
    changes.push(Change {
        path: rel.clone(),
        content: Content::Bytes(text.into_bytes()),
    });
    let unit_name = account_name(&campaign, &who.account);
    let names: Vec<String> = uploads.iter().map(|u| u.original.clone()).collect();
    let request = Save {
        changes,
        author: author(&campaign, &unit),
        message: lang
            .pick(
                &format!(
                    "{unit_name}：为项目《{}》上传附件 {}",
                    form.title,
                    names.join("、")
                ),
                &format!(
                    "{unit_name}: upload {} to \"{}\"",
                    names.join(", "),
                    form.title
                ),
            )
            .to_string(),
        based_on: vec![(rel, base)],
    };
    match commit(&p, request, uploads).await {
        Ok(commit) => redirect(&format!("/entries/{}?saved={commit}", url_part(&slug))),
        Err(e) => save_failed(&p, lang, e, &slug),
    }
}

fn save_failed(p: &Portal, lang: Lang, e: SaveError, slug: &str) -> Page {
    refused_save(p, lang, e, slug, lang.pick("未保存", "Not saved"))
}

/// Why a change was not made, on a page titled `title`.
fn refused_save(p: &Portal, lang: Lang, e: SaveError, slug: &str, title: &str) -> Page {
    let reason = match e {
        SaveError::Conflict => lang
            .pick(
                "此项目刚被修改过（在另一个窗口，或由本单位的其他人），请重新打开后再操作。",
                "Someone changed this entry meanwhile; open it again and retry.",
            )
            .to_string(),
        SaveError::Uncommitted(f) => lang
            .pick(
                &format!("服务器上的工作区有未提交的修改：{}", f.join("、")),
                &format!("uncommitted changes on the server: {}", f.join(", ")),
            )
            .to_string(),
        SaveError::Unchanged => lang.pick("没有变化。", "Nothing changed.").to_string(),
        SaveError::Failed(e) => e,
    };
    p.pages.render(
        lang,
        "refused.html",
        json!({"title": title, "reasons": [reason], "back": format!("/entries/{}", url_part(slug))}),
        StatusCode::CONFLICT,
    )
}

async fn remove_file(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_writes(&headers, value(&pairs, "csrf")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    let rel = paths::entry_file(&unit, &slug);
    let name = value(&pairs, "file");
    // Only a file directly in this entry's folder, as listed there.
    if !plain_slug(&slug)
        || !folder_files(&p.store.root, &unit, &slug)
            .iter()
            .any(|f| f == name)
    {
        return not_found_page(&p);
    }
    if closed(campaign, &unit) {
        return plain(
            StatusCode::FORBIDDEN,
            lang.pick("申报已截止。", "Submissions are closed."),
        );
    }
    let Some(text) = p.stored_text(&rel) else {
        return not_found_page(&p);
    };
    let mut form = EntryForm::from_file(campaign, &text);
    form.attachments.retain(|a| a.file != name);
    if form.cover == name {
        form.cover.clear();
    }
    let (text, _) = form.to_file(campaign);
    let unit_name = account_name(campaign, &who.account);
    let request = Save {
        changes: vec![
            Change {
                path: format!("{}/{name}", paths::attachment_folder(&unit, &slug)),
                content: Content::Delete,
            },
            Change {
                path: rel.clone(),
                content: Content::Bytes(text.into_bytes()),
            },
        ],
        author: author(campaign, &unit),
        message: lang
            .pick(
                &format!("{unit_name}：从项目《{}》删除附件 {name}", form.title),
                &format!("{unit_name}: remove {name} from \"{}\"", form.title),
            )
            .to_string(),
        based_on: vec![(rel.clone(), p.store.version(&rel))],
    };
    match commit(&p, request, ()).await {
        Ok(commit) => redirect(&format!("/entries/{}?saved={commit}", url_part(&slug))),
        Err(e) => save_failed(&p, lang, e, &slug),
    }
}

/// An entry of the unit's, as its delete pages need it: the stored form and the version it was
/// read at. `None` for what is not this unit's entry.
fn own_entry(
    p: &Portal,
    campaign: &Campaign,
    unit: &str,
    slug: &str,
) -> Option<(EntryForm, String)> {
    if !plain_slug(slug) {
        return None;
    }
    let rel = paths::entry_file(unit, slug);
    let version = p.store.version(&rel)?;
    let text = p.stored_text(&rel)?;
    Some((EntryForm::from_file(campaign, &text), version))
}

/// Asks before a draft is deleted (a page, so that it works without JavaScript).
async fn delete_page(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let lang = loaded.project.campaign.language;
    let Some((form, base)) = own_entry(&p, &loaded.project.campaign, &unit, &slug) else {
        return not_found_page(&p);
    };
    if !form.draft {
        return redirect(&format!("/entries/{}", url_part(&slug)));
    }
    p.pages.render(
        lang,
        "delete.html",
        json!({
            "title": lang.pick("删除草稿", "Delete the draft"),
            "csrf": p.keys.csrf(&who.session),
            "slug": slug,
            "base": base,
            "entry_title": form.title,
            "files": folder_files(&p.store.root, &unit, &slug).len(),
        }),
        StatusCode::OK,
    )
}

/// Deletes a draft the unit gave up on: its file and its folder's files, in one commit. A
/// submitted entry is withdrawn first, so that deleting one is never a slip.
async fn delete_draft(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(slug): UrlPath<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_writes(&headers, value(&pairs, "csrf")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    let Some((form, _)) = own_entry(&p, &loaded.project.campaign, &unit, &slug) else {
        // Gone already (the button pressed twice, or Back and sent again): done.
        return redirect("/");
    };
    if closed(campaign, &unit) {
        return plain(
            StatusCode::FORBIDDEN,
            lang.pick("申报已截止。", "Submissions are closed."),
        );
    }
    if !form.draft {
        return p.pages.render(
            lang,
            "refused.html",
            json!({"title": lang.pick("未删除", "Not deleted"), "reasons": [lang.pick("已提交的项目不能删除：请先撤回为草稿。", "A submitted entry cannot be deleted: withdraw it to a draft first.")], "back": format!("/entries/{}", url_part(&slug))}),
            StatusCode::CONFLICT,
        );
    }
    let rel = paths::entry_file(&unit, &slug);
    let folder = paths::attachment_folder(&unit, &slug);
    let mut changes: Vec<Change> = folder_files(&p.store.root, &unit, &slug)
        .into_iter()
        .map(|name| Change {
            path: format!("{folder}/{name}"),
            content: Content::Delete,
        })
        .collect();
    changes.push(Change {
        path: rel.clone(),
        content: Content::Delete,
    });
    let unit_name = account_name(campaign, &who.account);
    let request = Save {
        changes,
        author: author(campaign, &unit),
        message: lang
            .pick(
                &format!("{unit_name}：删除草稿《{}》", form.title),
                &format!("{unit_name}: delete the draft \"{}\"", form.title),
            )
            .to_string(),
        // The version the clerk saw when asked: an edit since then (another window) is a
        // conflict, not deleted unseen.
        based_on: vec![(rel, Some(value(&pairs, "base").to_string()))],
    };
    match commit(&p, request, ()).await {
        Ok(_) => redirect("/?deleted=1"),
        Err(e) => refused_save(&p, lang, e, &slug, lang.pick("未删除", "Not deleted")),
    }
}

/// One of the unit's own entry files, to show beside the form.
async fn entry_file(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath((slug, name)): UrlPath<(String, String)>,
) -> Page {
    let UnitCtx { unit, .. } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    if !plain_slug(&slug) || name.contains(['/', '\\']) || name.starts_with('.') {
        return not_found_page(&p);
    }
    let folder = paths::attachment_folder(&unit, &slug);
    send_file(&p, &format!("{folder}/{name}"), &folder)
}

/// The unit's own signed roster scan, as uploaded: to see that it is the right one.
async fn own_scan(State(p): State<Shared>, headers: HeaderMap) -> Page {
    match p.unit_reads(&headers) {
        Ok(UnitCtx { unit, loaded, .. }) => send_scan(&p, &loaded, &unit),
        Err(e) => e,
    }
}

/// A unit's signed roster scan, as its card names it.
fn send_scan(p: &Portal, loaded: &Loaded, unit: &str) -> Page {
    let Some(scan) = loaded
        .project
        .cards
        .get(unit)
        .and_then(|c| c.roster_signed.as_deref())
    else {
        return not_found_page(p);
    };
    let folder = paths::unit_folder(unit);
    send_file(p, &format!("{folder}/{scan}"), &folder)
}

/// Whether a unit's entry is a draft as committed; `None` when there is no such entry (or one
/// whose front matter cannot be read).
fn stored_draft(loaded: &Loaded, unit: &str, slug: &str) -> Option<bool> {
    loaded
        .project
        .entries
        .iter()
        .find(|e| e.unit == unit && e.slug == slug)
        .map(|e| e.draft)
}

/// A file of the campaign, judged as the rules judge it (no link out of `within`), sent as a
/// download unless it is an image or a PDF.
fn send_file(p: &Portal, rel: &str, within: &str) -> Page {
    let disk = Disk::new(&p.store.root);
    if !matches!(disk.stat(rel, within), Stat::File { .. }) {
        return not_found_page(p);
    }
    let Ok(bytes) = disk.read(rel) else {
        return not_found_page(p);
    };
    let ext = upload::extension_of(rel);
    let kind = match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    };
    let head = &bytes[..bytes.len().min(64)];
    let inline =
        kind != "application/octet-stream" && rules::attachments::content_matches(&ext, head);
    Response::builder()
        .header(
            header::CONTENT_TYPE,
            if inline {
                kind
            } else {
                "application/octet-stream"
            },
        )
        .header(
            header::CONTENT_DISPOSITION,
            if inline { "inline" } else { "attachment" },
        )
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        )
        .body(Body::from(bytes))
        .unwrap_or_default()
}

// ---- the unit's card and roster --------------------------------------------------------------

fn card_text(fields: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (k, v) in fields {
        if !v.is_empty() {
            out.push_str(&format!(
                "{k}: {}\n",
                serde_json::to_string(v).unwrap_or_default()
            ));
        }
    }
    out
}

fn card_fields(card: Option<&shenbao_core::model::UnitCard>) -> Vec<(&'static str, String)> {
    let c = card.cloned().unwrap_or_default();
    vec![
        ("leader", c.leader),
        ("responsible", c.responsible.unwrap_or_default()),
        ("responsible_phone", c.responsible_phone.unwrap_or_default()),
        ("email", c.email.unwrap_or_default()),
        ("roster_signed", c.roster_signed.unwrap_or_default()),
    ]
}

fn render_card(
    p: &Portal,
    who: &Who,
    loaded: &Loaded,
    unit: &str,
    fields: &[(&str, String)],
    diagnostics: &[Diagnostic],
    notice: Option<Notice>,
) -> Page {
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let text = card_text(fields);
    for d in diagnostics {
        // A required field left empty is not in the file, so has no line of its own: said
        // beside its field, in the form's words (a clerk knows no unit.yaml).
        if let Problem::UnitCardInvalid {
            detail: CardDetail::Missing { key },
        } = &d.problem
            && fields.iter().any(|(k, _)| k == key)
        {
            errors.entry(key.clone()).or_default().push(
                lang.pick("必填：请填写此项。", "Required: fill this in.")
                    .into(),
            );
            continue;
        }
        let line = text
            .lines()
            .nth(d.pos.line.saturating_sub(1) as usize)
            .unwrap_or("");
        let key = line.split(':').next().unwrap_or("").trim().to_string();
        let key = if fields.iter().any(|(k, _)| *k == key) {
            key
        } else {
            "general".into()
        };
        errors.entry(key).or_default().push(match d.help(lang) {
            Some(h) => format!("{} {h}", d.message(lang)),
            None => d.message(lang),
        });
    }
    let values: BTreeMap<&str, &String> = fields.iter().map(|(k, v)| (*k, v)).collect();
    p.pages.render(
        lang,
        "card.html",
        json!({
            "title": lang.pick("单位信息", "Unit card"),
            "csrf": p.keys.csrf(&who.session),
            "unit": {"id": unit, "name": account_name(campaign, &who.account)},
            "values": values,
            "errors": errors,
            "notice": notice,
            "deadline": deadline_view(campaign, unit),
            // The file picker offers what the upload takes.
            "scan_accept": SCAN_TYPES.iter().map(|t| format!(".{t}")).collect::<Vec<_>>().join(","),
        }),
        StatusCode::OK,
    )
}

async fn card_page(
    State(p): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let fields = card_fields(loaded.project.cards.get(&unit));
    let diagnostics: Vec<Diagnostic> = loaded
        .project
        .diagnostics
        .iter()
        .filter(|d| d.file == paths::card(&unit))
        .cloned()
        .collect();
    let notice = query.get("saved").map(|c| {
        Notice::done(
            loaded
                .project
                .campaign
                .language
                .pick(
                    &format!("已保存（版本 {}）。", short(c)),
                    &format!("Saved (version {}).", short(c)),
                )
                .to_string(),
        )
    });
    render_card(&p, &who, &loaded, &unit, &fields, &diagnostics, notice)
}

async fn save_card(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let UnitCtx { who, unit, loaded } = match p.unit_writes(&headers, value(&pairs, "csrf")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let lang = campaign.language;
    let kept = card_fields(loaded.project.cards.get(&unit));
    let fields: Vec<(&str, String)> = kept
        .iter()
        .map(|(k, old)| {
            // The scan is set by uploading it, not typed.
            match *k {
                "roster_signed" => (*k, old.clone()),
                "responsible_phone" => (*k, form::half_width(&form::one_line(value(&pairs, k)))),
                _ => (*k, form::one_line(value(&pairs, k))),
            }
        })
        .collect();
    let text = card_text(&fields);
    let rel = paths::card(&unit);
    let disk = Disk::new(&p.store.root);
    let mut over = Memory::new();
    over.insert(rel.clone(), text.as_bytes().to_vec());
    let (_, diagnostics) = rules::card::check_card(&Overlay { base: &disk, over }, &unit);
    if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
        let notice = Notice::refused(
            lang.pick("有错误，未保存。", "There are errors; nothing saved.")
                .to_string(),
        );
        return render_card(
            &p,
            &who,
            &loaded,
            &unit,
            &fields,
            &diagnostics,
            Some(notice),
        );
    }
    let unit_name = account_name(campaign, &who.account);
    let request = Save {
        changes: vec![Change {
            path: rel.clone(),
            content: Content::Bytes(text.into_bytes()),
        }],
        author: author(campaign, &unit),
        message: lang
            .pick(
                &format!("{unit_name}：更新单位信息"),
                &format!("{unit_name}: update the unit card"),
            )
            .to_string(),
        based_on: vec![],
    };
    match commit(&p, request, ()).await {
        Ok(commit) => redirect(&format!("/card?saved={commit}")),
        Err(SaveError::Unchanged) => redirect("/card"),
        Err(e) => save_failed(&p, lang, e, ""),
    }
}

async fn upload_scan(
    State(p): State<Shared>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Page {
    let csrf = first_field_csrf(&mut multipart).await;
    let UnitCtx { who, unit, loaded } = match p.unit_writes(&headers, &csrf) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let campaign = loaded.project.campaign.clone();
    let lang = campaign.language;
    let dir = p.store.state_dir.join("uploads");
    let mut received = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("scan") || field.file_name().is_none_or(str::is_empty) {
            continue;
        }
        received =
            Some(upload::receive(field, &dir, &campaign.attachments, Some(SCAN_TYPES)).await);
        break;
    }
    let upload = match received {
        Some(Ok(u)) => u,
        Some(Err(r)) => {
            return p.pages.render(lang, "refused.html", json!({"title": lang.pick("未上传", "Not uploaded"), "reasons": [refused_text(lang, &r)], "back": "/card"}), StatusCode::UNPROCESSABLE_ENTITY);
        }
        None => return redirect("/card"),
    };
    let name = format!(
        "huizongbiao-qianzhang.{}",
        upload::extension_of(&upload.name)
    );
    let mut fields = card_fields(loaded.project.cards.get(&unit));
    let old = fields
        .iter()
        .find(|(k, _)| *k == "roster_signed")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    for f in &mut fields {
        if f.0 == "roster_signed" {
            f.1 = name.clone();
        }
    }
    let folder = paths::unit_folder(&unit);
    let mut changes = vec![
        Change {
            path: format!("{folder}/{name}"),
            content: Content::File(upload.path.clone()),
        },
        Change {
            path: paths::card(&unit),
            content: Content::Bytes(card_text(&fields).into_bytes()),
        },
    ];
    // A scan of another type replaced: the old file goes.
    if !old.is_empty() && old != name && !old.contains('/') && !old.starts_with('.') {
        changes.push(Change {
            path: format!("{folder}/{old}"),
            content: Content::Delete,
        });
    }
    let unit_name = account_name(&campaign, &who.account);
    let request = Save {
        changes,
        author: author(&campaign, &unit),
        message: lang
            .pick(
                &format!("{unit_name}：上传签字盖章的申报汇总表"),
                &format!("{unit_name}: upload the signed roster"),
            )
            .to_string(),
        based_on: vec![],
    };
    match commit(&p, request, upload).await {
        Ok(commit) => redirect(&format!("/card?saved={commit}")),
        Err(e) => save_failed(&p, lang, e, ""),
    }
}

/// The unit's roster sheet to print, sign and stamp: the site's own page.
async fn roster_sheet(State(p): State<Shared>, headers: HeaderMap) -> Page {
    let UnitCtx { unit, loaded, .. } = match p.unit_reads(&headers) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let summary = shenbao_core::summary::Summary::of(&loaded.project, false);
    // The sheet is the site's; the way back is to the portal.
    let back = ("/", p.lang().pick("返回首页", "Back to the portal"));
    match shenbao_site::roster_html(&loaded.project, &summary, Some(&unit), Some(back)) {
        Ok(html) => Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            // The sheet carries its styles inline, to print without the site.
            .header(header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'")
            .body(Body::from(html))
            .unwrap_or_default(),
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

// ---- the research office ---------------------------------------------------------------------

fn organiser(p: &Portal, headers: &HeaderMap) -> Result<Who, Page> {
    let who = p.who(headers).ok_or_else(|| p.signed_out())?;
    match who.account {
        Account::Organiser(_) => Ok(who),
        Account::Unit(_) => Err(plain(
            StatusCode::FORBIDDEN,
            p.lang().pick(
                "只有市总研究室的账号可以查看。",
                "Only the research office's accounts may see this.",
            ),
        )),
    }
}

/// A form the research office sends: its session and CSRF token, an organiser's account, and
/// the campaign as it stands.
fn organiser_post(
    p: &Portal,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<(Who, Arc<Loaded>), Page> {
    let who = p.guard(headers, value(pairs, "csrf"))?;
    if !matches!(who.account, Account::Organiser(_)) {
        return Err(p.forbidden());
    }
    Ok((who, p.loaded()?))
}

async fn office(State(p): State<Shared>, headers: HeaderMap) -> Page {
    let who = match organiser(&p, &headers) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let loaded = match p.loaded() {
        Ok(l) => l,
        Err(e) => return e,
    };
    let project = &loaded.project;
    let campaign = &project.campaign;
    let lang = campaign.language;
    let units: Vec<serde_json::Value> = loaded
        .status
        .iter()
        .map(|s| {
            json!({
                "status": s,
                "state": shenbao_core::labels::label(match s.state {
                    shenbao_core::status::State::None => "state_none",
                    shenbao_core::status::State::Short => "state_short",
                    shenbao_core::status::State::Met => "state_met",
                }, lang),
                "entries": unit_entries(&loaded, &s.id),
                "scan": project.cards.get(&s.id).and_then(|c| c.roster_signed.clone()),
            })
        })
        .collect();
    let accounts: Vec<serde_json::Value> = p
        .accounts
        .all()
        .unwrap_or_default()
        .iter()
        .map(|a| json!({"kind": match a { Account::Unit(_) => "unit", Account::Organiser(_) => "organiser" }, "id": a.name(), "name": account_name(campaign, a)}))
        .collect();
    p.pages.render(
        lang,
        "office.html",
        json!({
            "title": lang.pick("研究室：申报情况", "Research office"),
            "csrf": p.keys.csrf(&who.session),
            "organiser": true,
            "units": units,
            // The units that may have an account: not one that submits through its parent.
            "registry": campaign.submitters().map(|u| json!({"id": u.id, "name": u.name})).collect::<Vec<_>>(),
            "accounts": accounts,
            "new_link": p.new_links.take(&who.session),
            "deadline": campaign.deadline.as_ref().map(|d| d.written(lang)),
        }),
        StatusCode::OK,
    )
}

/// The reminders `shenbao remind` would send: every unit that lacks something, its message,
/// where it would go and whether it is due today.
async fn office_reminders(State(p): State<Shared>, headers: HeaderMap) -> Page {
    let who = match organiser(&p, &headers) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let loaded = match p.loaded() {
        Ok(l) => l,
        Err(e) => return e,
    };
    reminders_page(&p, &who, &loaded, None)
}

fn reminders_page(
    p: &Portal,
    who: &Who,
    loaded: &Loaded,
    report: Option<&crate::remind::Report>,
) -> Page {
    let project = &loaded.project;
    let lang = project.campaign.language;
    let mut messages = match crate::remind::messages(project, jiff::Timestamp::now(), None) {
        Ok(m) => m,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message(lang)),
    };
    let channels = crate::remind::channels(project, None);
    // What was sent already today is not offered again (the send would skip it anyway).
    let log = crate::remind::SentLog::at(&p.store.state_dir);
    if let Err(e) = crate::remind::mark_sent(&log, &mut messages, &channels) {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message(lang));
    }
    let name = |unit: &str| {
        project
            .campaign
            .unit(unit)
            .map_or(unit.to_string(), |u| u.name.clone())
    };
    let outcome = report.map(|r| {
        let mut lines: Vec<String> = r
            .sent
            .iter()
            .map(|(u, c)| {
                format!(
                    "{}{}（{}）",
                    lang.pick("已发送：", "sent: "),
                    name(u),
                    c.name(lang)
                )
            })
            .collect();
        lines.extend(r.unreachable.iter().map(|(u, c, why)| {
            format!(
                "{}{}（{}）：{why}",
                lang.pick("未发送：", "not sent: "),
                name(u),
                c.name(lang)
            )
        }));
        lines.extend(r.failed.iter().map(|(u, c, why)| {
            format!(
                "{}{}（{}）：{why}",
                lang.pick("发送失败，下次重试：", "failed, tried again next time: "),
                name(u),
                c.name(lang)
            )
        }));
        if lines.is_empty() {
            lines.push(
                lang.pick("今天没有需要发送的提醒。", "No reminder is due today.")
                    .into(),
            );
        }
        lines
    });
    p.pages.render(
        lang,
        "reminders.html",
        json!({
            "title": lang.pick("催报提醒", "Reminders"),
            "csrf": p.keys.csrf(&who.session),
            "organiser": true,
            "channels": channels.iter().map(|c| c.name(lang)).collect::<Vec<_>>(),
            "messages": messages.iter().map(|m| json!({
                "name": m.name, "unit": m.unit, "subject": m.subject, "body": m.body,
                "email": m.email, "due": m.due, "sent": m.sent,
            })).collect::<Vec<_>>(),
            "due": messages.iter().filter(|m| m.due && !m.sent).count(),
            "outcome": outcome,
        }),
        StatusCode::OK,
    )
}

/// Send the reminders due today, as a run of `shenbao remind` would (the same log: a unit is
/// not told twice, whichever sent it).
async fn office_send_reminders(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let (who, loaded) = match organiser_post(&p, &headers, &pairs) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let lang = loaded.project.campaign.language;
    let (loaded2, state_dir) = (loaded.clone(), p.store.state_dir.clone());
    let sent = tokio::task::spawn_blocking(move || {
        let project = &loaded2.project;
        let messages = crate::remind::messages(project, jiff::Timestamp::now(), None)?;
        let channels = crate::remind::channels(project, None);
        let log = crate::remind::SentLog::at(&state_dir);
        crate::remind::send_due(&log, project, &messages, &channels)
    })
    .await;
    match sent {
        Ok(Ok(report)) => reminders_page(&p, &who, &loaded, Some(&report)),
        Ok(Err(e)) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message(lang)),
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// The roster (申报汇总表) as the site's downloads have it: CSV, XLSX or JSON.
async fn office_roster(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(file): UrlPath<String>,
) -> Page {
    if let Err(e) = organiser(&p, &headers) {
        return e;
    }
    let loaded = match p.loaded() {
        Ok(l) => l,
        Err(e) => return e,
    };
    let roster = shenbao_core::roster::roster(&loaded.project, None);
    let bytes = match file.as_str() {
        "roster.csv" => roster.to_csv(loaded.project.campaign.language).into_bytes(),
        "roster.json" => roster.to_json().into_bytes(),
        "roster.xlsx" => {
            match shenbao_site::xlsx::roster(
                &roster,
                &loaded.project.campaign.title,
                loaded.project.campaign.language,
            ) {
                Ok(b) => b,
                Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            }
        }
        _ => return not_found_page(&p),
    };
    Response::builder()
        .header(
            header::CONTENT_TYPE,
            crate::serve::http::content_type(&file),
        )
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        )
        .body(Body::from(bytes))
        .unwrap_or_default()
}

async fn office_scan(
    State(p): State<Shared>,
    headers: HeaderMap,
    UrlPath(unit): UrlPath<String>,
) -> Page {
    if let Err(e) = organiser(&p, &headers) {
        return e;
    }
    match p.loaded() {
        Ok(loaded) => send_scan(&p, &loaded, &unit),
        Err(e) => e,
    }
}

async fn office_accounts(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let (who, loaded) = match organiser_post(&p, &headers, &pairs) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let campaign = &loaded.project.campaign;
    let unit = value(&pairs, "unit");
    if campaign.unit(unit).is_none() {
        return not_found_page(&p);
    }
    let account = Account::Unit(unit.to_string());
    if value(&pairs, "action") == "revoke" {
        let _ = p.accounts.revoke(&account);
        return redirect("/office");
    }
    // As `portal invite` refuses: a unit with a parent submits through it (its entries are in
    // the parent's folder; one of its own would fail `check` as wrong-channel).
    if let Some(parent) = campaign
        .unit(unit)
        .filter(|u| !u.submits_itself())
        .and_then(|u| u.parent.as_deref())
    {
        let lang = campaign.language;
        let name = campaign.unit(parent).map_or(parent, |u| u.name.as_str());
        return p.pages.render(
            lang,
            "refused.html",
            json!({
                "title": lang.pick("未生成链接", "No link made"),
                "reasons": [match lang {
                    Lang::Zh => format!("该单位通过 {name}（{parent}）申报，没有自己的账号：请为 {name} 生成登录链接。"),
                    Lang::En => format!("This unit submits through {name} ({parent}) and has no account of its own: make a link for {name}."),
                }],
                "back": "/office",
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match p.accounts.invite(&account) {
        Ok(token) => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            let base = campaign
                .portal
                .public_url
                .clone()
                .map_or(format!("http://{host}/"), |u| {
                    format!("{}/", u.trim_end_matches('/'))
                });
            p.new_links
                .put(&who.session, format!("{unit}\t{base}login/{token}"));
            redirect("/office")
        }
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

// ---- the rest ---------------------------------------------------------------------------------

async fn asset(State(p): State<Shared>, UrlPath(name): UrlPath<String>) -> Page {
    let (kind, bytes): (&str, Vec<u8>) = match name.as_str() {
        "site.css" => ("text/css; charset=utf-8", p.site_css.clone()),
        "portal.css" => (
            "text/css; charset=utf-8",
            super::pages::PORTAL_CSS.as_bytes().to_vec(),
        ),
        "portal.js" => (
            "text/javascript; charset=utf-8",
            super::pages::PORTAL_JS.as_bytes().to_vec(),
        ),
        _ => return not_found_page(&p),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, kind)
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from(bytes))
        .unwrap_or_default()
}

fn not_found_page(p: &Portal) -> Page {
    let lang = p.lang();
    p.pages.render(
        lang,
        "refused.html",
        json!({"title": lang.pick("找不到", "Not found"), "reasons": [lang.pick("没有这个页面，或者您无权查看。", "No such page, or not yours to see.")], "back": "/"}),
        StatusCode::NOT_FOUND,
    )
}

async fn not_found(State(p): State<Shared>) -> Page {
    not_found_page(&p)
}
