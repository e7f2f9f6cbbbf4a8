//! Users and their sessions.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What a user may do. `viewer` reads and exports; `analyst` also changes statuses, links
/// and reviews; `admin` also ingests and manages users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Analyst,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
}

/// The signed-in user of a session, and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("a user named {0:?} already exists")]
    Exists(String),
    #[error("a user name is 1 to 64 letters, digits, '.', '_' or '-'")]
    BadName,
    #[error("a password has at least 8 characters")]
    WeakPassword,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Whether `name` is an acceptable user name.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Creates a user, or with `replace` resets an existing one's password and role.
pub async fn add(
    ex: impl PgExecutor<'_>,
    name: &str,
    password: &str,
    role: Role,
    replace: bool,
) -> Result<User, UserError> {
    if !valid_name(name) {
        return Err(UserError::BadName);
    }
    if password.chars().count() < 8 {
        return Err(UserError::WeakPassword);
    }
    let hash = password_auth::generate_hash(password);
    let sql = if replace {
        "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT users_username_key
         DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role
         RETURNING id"
    } else {
        "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) RETURNING id"
    };
    let id: i64 = sqlx::query_scalar(sql)
        .bind(name)
        .bind(&hash)
        .bind(role.as_str())
        .fetch_one(ex)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.constraint() == Some("users_username_key") => {
                UserError::Exists(name.to_string())
            }
            _ => UserError::Db(e),
        })?;
    Ok(User { id, username: name.to_string(), role })
}

/// The stored credentials of a user: (user, argon2 hash). Verify the password with
/// [`verify_password`] off the async runtime (it takes tens of milliseconds on purpose).
pub async fn credentials(
    ex: impl PgExecutor<'_>,
    name: &str,
) -> sqlx::Result<Option<(User, String)>> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, password_hash, role FROM users WHERE username = $1")
            .bind(name)
            .fetch_optional(ex)
            .await?;
    Ok(row.and_then(|(id, hash, role)| {
        Role::parse(&role).map(|role| (User { id, username: name.to_string(), role }, hash))
    }))
}

/// Whether `password` matches `hash`. With no hash (no such user) a fixed hash is checked
/// anyway, so the time taken does not tell whether a user name exists.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| password_auth::generate_hash(crate::web::token()));
    match hash {
        Some(h) => password_auth::verify_password(password, h).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, &DUMMY);
            false
        }
    }
}

/// Stores a new session for `user`, valid until `expires_at`.
pub async fn create_session(
    ex: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: i64,
    csrf_token: &str,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(expires_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// The live session with this token hash.
pub async fn session(ex: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<Option<Session>> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.username, u.role, s.csrf_token FROM sessions s
         JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(ex)
    .await?;
    Ok(row.and_then(|(id, username, role, csrf_token)| {
        Role::parse(&role).map(|role| Session { user: User { id, username, role }, csrf_token })
    }))
}

pub async fn delete_session(ex: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at < now()")
        .bind(token_hash)
        .execute(ex)
        .await?;
    Ok(())
}
