//! Sign-in, sessions, roles and CSRF.
//!
//! A session is a random token in an HttpOnly, SameSite=Lax cookie; the database keeps its
//! SHA-256, the user, an expiry and the session's CSRF token, which every state-changing
//! form must carry. The sign-in form itself is protected by a double-submit token (a
//! cookie and a hidden field that must match). Failed sign-ins are limited per user name
//! and per client address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{AppError, AppState, SESSION_TTL};
use crate::db::users::{self, Role, User};

pub const SESSION_COOKIE: &str = "ctrack_session";
const LOGIN_COOKIE: &str = "ctrack_login";

/// The signed-in user of a request, and their session's CSRF token.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub csrf: String,
}

impl Auth {
    /// Refuses unless the user's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.user.role >= role { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }

    pub fn can_edit(&self) -> bool {
        self.user.role >= Role::Analyst
    }

    pub fn is_admin(&self) -> bool {
        self.user.role >= Role::Admin
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Not signed in: to the sign-in page, then back.
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        let location = format!("/login?next={}", encode(&self.0));
        redirect(&location)
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(SignInFirst(next).into_response());
        };
        let key = hash(&token);
        if let Some(auth) = state.sessions.get(&key) {
            return Ok(auth);
        }
        match users::session(&state.pool, &key).await {
            Ok(Some(s)) => {
                let auth = Auth { user: s.user, csrf: s.csrf_token };
                state.sessions.put(key, auth.clone());
                Ok(auth)
            }
            Ok(None) => Err(SignInFirst(next).into_response()),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}

/// Sessions this process has looked up in the last few seconds, so that a page costs one
/// database round trip fewer. Signing out here removes the entry at once; a session ended
/// by another process, or a role changed with `ctrack user add --update`, takes effect
/// within [`SessionCache::FRESH`].
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<Vec<u8>, (Auth, Instant)>>,
}

impl SessionCache {
    pub const FRESH: Duration = Duration::from_secs(10);
    const MAX_ENTRIES: usize = 10_000;

    fn get(&self, key: &[u8]) -> Option<Auth> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(_, at)| at.elapsed() < Self::FRESH).map(|(a, _)| a.clone())
    }

    fn put(&self, key: Vec<u8>, auth: Auth) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::MAX_ENTRIES {
            entries.retain(|_, (_, at)| at.elapsed() < Self::FRESH);
            if entries.len() >= Self::MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (auth, Instant::now()));
    }

    fn remove(&self, key: &[u8]) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// The client's address, where the server knows it.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A 303 to `location`.
pub fn redirect(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only paths on this site are followed after sign-in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

/// Failed sign-ins per key (a user name, a client address) in a sliding window.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_PER_USER: u32 = 5;
const MAX_PER_ADDRESS: u32 = 20;

impl LoginLimiter {
    fn blocked(&self, key: &str, max: u32) -> bool {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).is_some_and(|(n, since)| *n >= max && since.elapsed() < WINDOW)
    }

    fn fail(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let entry = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_response(status: StatusCode, page: LoginPage) -> Result<Response, AppError> {
    let cookie = format!("{LOGIN_COOKIE}={}; Path=/login; HttpOnly; SameSite=Strict", page.csrf);
    let mut res = (status, Html(page.render()?)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

/// The login form's token: the one this browser already holds, so that a second load of the
/// page (another tab, a reload, a browser's prefetch) does not invalidate the first form.
fn login_token(headers: &HeaderMap) -> String {
    cookie(headers, LOGIN_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(super::token)
}

pub async fn login_page(
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let page = LoginPage {
        csrf: login_token(&headers),
        next: safe_next(q.next.as_deref()).to_string(),
        username: String::new(),
        error: None,
    };
    login_response(StatusCode::OK, page)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let next = safe_next(form.next.as_deref()).to_string();
    let user_key = format!("user:{}", form.username.to_lowercase());
    let ip_key = format!("ip:{}", ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string()));
    if state.limiter.blocked(&user_key, MAX_PER_USER)
        || state.limiter.blocked(&ip_key, MAX_PER_ADDRESS)
    {
        return Err(AppError::TooManyAttempts);
    }
    let found = users::credentials(&state.pool, form.username.trim()).await?;
    let password = form.password;
    let (user, stored) = match found {
        Some((user, stored)) => (Some(user), Some(stored)),
        None => (None, None),
    };
    let ok =
        tokio::task::spawn_blocking(move || users::verify_password(&password, stored.as_deref()))
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    let Some(user) = user.filter(|_| ok) else {
        state.limiter.fail(&user_key);
        state.limiter.fail(&ip_key);
        let page = LoginPage {
            csrf: login_token(&headers),
            next,
            username: form.username,
            error: Some("Wrong user name or password.".into()),
        };
        return login_response(StatusCode::UNAUTHORIZED, page);
    };
    state.limiter.clear(&user_key);
    let token = super::token();
    let expires = OffsetDateTime::now_utc() + SESSION_TTL;
    users::create_session(&state.pool, &hash(&token), user.id, &super::token(), expires).await?;
    let mut res = redirect(&next);
    let session = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_TTL.as_secs()
    );
    let clear_login = format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0");
    for c in [session, clear_login] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    auth.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let key = hash(&token);
        state.sessions.remove(&key);
        users::delete_session(&state.pool, &key).await?;
    }
    let mut res = redirect("/login");
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&clear) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}
