//! The analyst's workbench: server-rendered pages (axum + askama) over the database.
//!
//! Every page needs a login ([`auth`]); every state-changing form carries the session's
//! CSRF token; responses carry security headers (a CSP without inline script, no framing).
//! Handlers are thin: they parse the request into checked values, make one call into
//! [`crate::db`], and render a template or redirect (303 after a POST). Errors become one
//! error page that names what went wrong for the user and never shows SQL or a trace.

pub mod auth;
mod error;
pub mod escape;
mod exports;
mod pages;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sqlx::PgPool;
use time::OffsetDateTime;

pub use error::AppError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// The same database, for pages that only read (see [`crate::db::reads`]).
    pub reads: Arc<crate::db::reads::Reads>,
    pub limiter: Arc<auth::LoginLimiter>,
    pub sessions: Arc<auth::SessionCache>,
    /// Where users reach the app, for permalinks in exports.
    pub base_url: String,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        AppState {
            reads: Arc::new(crate::db::reads::Reads::beside(&pool)),
            pool,
            limiter: Arc::new(auth::LoginLimiter::default()),
            sessions: Arc::new(auth::SessionCache::default()),
            base_url: std::env::var("CTRACK_BASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| crate::cli::DEFAULT_BASE_URL.to_string()),
        }
    }
}

/// Form posts are small; uploads on the ingest page may be large.
const FORM_LIMIT: usize = 64 * 1024;
const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// The whole application.
pub fn app(state: AppState) -> Router {
    let upload = Router::new()
        .route("/ingest", get(pages::ingest_page).post(pages::ingest_upload))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT));
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/commitments", get(pages::list))
        .route("/commitments/{id}", get(pages::commitment))
        .route("/commitments/{id}/status", post(pages::set_status))
        .route("/commitments/{id}/review", post(pages::set_review))
        .route("/commitments/{id}/correct", post(pages::correct))
        .route("/commitments/{id}/links", post(pages::add_link))
        .route("/commitments/{id}/links/{link}/delete", post(pages::remove_link))
        .route("/commitments/{id}/suggestions/accept", post(pages::accept_suggestion))
        .route("/commitments/{id}/suggestions/dismiss", post(pages::dismiss_suggestion))
        .route("/cables", get(pages::cable_search))
        .route("/cables/{id}", get(pages::cable))
        .route("/countries/{code}", get(pages::country))
        .merge(exports::router())
        .route("/static/{file}", get(static_file))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .merge(upload)
        .fallback(pages::not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves until Ctrl-C (or SIGTERM).
pub async fn serve(pool: PgPool, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    serve_on(pool, listener).await
}

/// Serves on `listener`; permalinks use CTRACK_BASE_URL, else the address listened on.
pub async fn serve_on(pool: PgPool, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let mut state = AppState::new(pool);
    if std::env::var_os("CTRACK_BASE_URL").is_none_or(|u| u.is_empty()) {
        state.base_url = format!("http://{}", listener.local_addr()?);
    }
    let app = app(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Headers on every response: a CSP that allows only this origin's scripts and styles (no
/// inline script), no framing, no MIME sniffing, no referrer to other sites.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The stylesheet and script, embedded in the binary.
async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, mime): (&'static str, &'static str) = match file.as_str() {
        "style.css" => (include_str!("../../static/style.css"), "text/css; charset=utf-8"),
        "app.js" => (include_str!("../../static/app.js"), "text/javascript; charset=utf-8"),
        "export-schema.json" => (crate::export::SCHEMA, "application/schema+json"),
        _ => return AppError::NotFound.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

/// A random token: 32 bytes, URL-safe hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `2007-07-11 13:20 UTC`.
pub fn format_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// How long a session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
