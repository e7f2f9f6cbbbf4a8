//! Every SQL statement, and the connection to PostgreSQL (configured or managed).
//!
//! Statements are functions taking an executor, so callers decide the transaction. Queries
//! are checked at run time rather than with `query!` at build time: the crate then builds
//! without a database or prepared query metadata, and the integration tests run every
//! statement against a real server.

pub mod backup;
pub mod cables;
pub mod commitments;
pub mod export;
pub mod follow;
pub mod managed;
pub mod reads;
pub mod tracking;
pub mod users;

use std::path::PathBuf;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

pub use managed::ManagedPostgres;

/// The embedded migrations (`migrations/*.sql`), applied on every start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// `DATABASE_URL`: an existing server.
    Url(String),
    /// A private cluster in this directory (`CTRACK_DATA_DIR`, default `./.ctrack`).
    Managed(PathBuf),
}

impl Location {
    /// `DATABASE_URL` if set, else the managed cluster in `CTRACK_DATA_DIR` or `./.ctrack`.
    pub fn from_env() -> Self {
        match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Location::Url(url),
            _ => Location::Managed(
                std::env::var_os("CTRACK_DATA_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(".ctrack")),
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Managed(#[from] managed::ManagedError),
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(sqlx::Error),
    #[error("cannot connect to PostgreSQL at {target}: {source}")]
    Connect { target: String, source: sqlx::Error },
    #[error("cannot create the database `ctrack` in the managed cluster: {0}")]
    CreateDb(sqlx::Error),
    #[error("the managed cluster's start-up task failed: {0}")]
    Join(String),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// An open database: the pool, and the managed server if there is one (stopped on drop).
#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    managed: Option<ManagedPostgres>,
    location: Location,
    target: String,
}

impl Database {
    /// Connects (starting the managed cluster if that is where the data lives) and applies
    /// pending migrations.
    pub async fn open(location: &Location, max_connections: u32) -> Result<Self, OpenError> {
        let (options, managed, target) = match location {
            Location::Url(url) => {
                let options: PgConnectOptions = url.parse().map_err(OpenError::BadUrl)?;
                (options, None, redact(url))
            }
            Location::Managed(dir) => {
                let dir = dir.clone();
                let managed = tokio::task::spawn_blocking(move || ManagedPostgres::start(&dir))
                    .await
                    .map_err(|e| OpenError::Join(e.to_string()))??;
                let dir = location_dir(location);
                let target = format!("the managed cluster in {}", dir.display());
                create_database_if_missing(&managed, &target).await?;
                (managed.connect_options("ctrack"), Some(managed), target)
            }
        };
        let options = options.disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect { target: target.clone(), source })?;
        MIGRATOR.run(&pool).await?;
        Ok(Database { pool, managed, location: location.clone(), target })
    }

    /// A connection URL for other programs (psql, child processes).
    pub fn url(&self) -> String {
        match (&self.managed, &self.location) {
            (Some(managed), _) => managed.url("ctrack"),
            (None, Location::Url(url)) => url.clone(),
            (None, Location::Managed(_)) => String::new(),
        }
    }

    /// A human-readable description of where the data is.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Closes the pool and stops the managed server (if this process started it).
    pub async fn close(mut self) {
        self.pool.close().await;
        if let Some(mut managed) = self.managed.take() {
            let _ = tokio::task::spawn_blocking(move || managed.stop()).await;
        }
    }
}

fn location_dir(location: &Location) -> PathBuf {
    match location {
        Location::Managed(dir) => dir.clone(),
        Location::Url(_) => PathBuf::new(),
    }
}

async fn create_database_if_missing(
    managed: &ManagedPostgres,
    target: &str,
) -> Result<(), OpenError> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect_with(&managed.connect_options("postgres"))
        .await
        .map_err(|source| OpenError::Connect { target: target.to_string(), source })?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ctrack')")
            .fetch_one(&mut conn)
            .await
            .map_err(OpenError::CreateDb)?;
    if !exists {
        // Two processes may race here; the loser sees "already exists" and carries on.
        if let Err(e) = sqlx::query("CREATE DATABASE ctrack").execute(&mut conn).await {
            let duplicate =
                e.as_database_error().and_then(|d| d.code()).as_deref() == Some("42P04");
            if !duplicate {
                return Err(OpenError::CreateDb(e));
            }
        }
    }
    let _ = conn.close().await;
    Ok(())
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match url.split_once("://").and_then(|(scheme, rest)| {
        let (creds, host) = rest.split_once('@')?;
        let user = creds.split(':').next().unwrap_or("");
        Some(format!("{scheme}://{user}@{host}"))
    }) {
        Some(redacted) => redacted,
        None => url.to_string(),
    }
}
