//! Requests to the real router as a signed-in user, without going through the sign-in
//! form (tests/web.rs covers that): a session stored the way sign-in stores it.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

use super::db::TestDb;

/// A signed-in user's cookie header and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A session for `name` (the SHA-256 of the token is what is stored).
pub async fn session(db: &TestDb, name: &str) -> Session {
    use sha2::Digest;
    let (user, _) = ctrack::db::users::credentials(&db.pool, name).await.unwrap().unwrap();
    let token = ctrack::web::token();
    let csrf = ctrack::web::token();
    let expires = time::OffsetDateTime::now_utc() + ctrack::web::SESSION_TTL;
    let hash = sha2::Sha256::digest(token.as_bytes()).to_vec();
    ctrack::db::users::create_session(&db.pool, &hash, user.id, &csrf, expires).await.unwrap();
    Session { cookie: format!("ctrack_session={token}"), csrf }
}

/// A GET, with the cookie unless it is empty: status, headers, body.
pub async fn get(app: &Router, path: &str, cookie: &str) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::get(path);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

/// A form POST (values URL-encoded).
pub async fn post(
    app: &Router,
    path: &str,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", ctrack::web::auth::encode(v).replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&");
    let mut req =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    send(app, req.body(Body::from(body)).unwrap()).await
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20).await.unwrap();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}
