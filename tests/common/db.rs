//! A fresh database per test, on a real PostgreSQL server: the one `DATABASE_URL` names,
//! or else a private cluster started once per test process with the same mechanism
//! `ctrack` uses for users (so `cargo test` needs only the server package installed).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use ctrack::db::ManagedPostgres;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};

struct Server {
    /// Options for the maintenance database, and a URL template for test databases.
    admin: PgConnectOptions,
    url_for: Box<dyn Fn(&str) -> String + Send + Sync>,
    _managed: Option<ManagedPostgres>,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

fn server() -> &'static Server {
    SERVER.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let admin: PgConnectOptions = url.parse().expect("DATABASE_URL parses");
            let base = url.clone();
            Server {
                admin,
                url_for: Box::new(move |db| replace_database(&base, db)),
                _managed: None,
            }
        }
        _ => {
            let uid = unsafe { libc::getuid() };
            let root = std::env::temp_dir().join(format!("ctrack-test-{uid}"));
            remove_stale_clusters(&root);
            let dir = root.join(std::process::id().to_string());
            let managed = ManagedPostgres::start(&dir).unwrap_or_else(|e| panic!("{e}"));
            let admin = managed.connect_options("postgres");
            let socket = managed.url("DBNAME");
            Server {
                admin,
                url_for: Box::new(move |db| socket.replace("DBNAME", db)),
                _managed: Some(managed),
            }
        }
    })
}

/// Clusters left by test processes that no longer run.
fn remove_stale_clusters(root: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            continue;
        };
        if unsafe { libc::kill(pid, 0) } != 0 {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn replace_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// A database of its own for one test, migrated, dropped when the test passes.
pub struct TestDb {
    pub pool: PgPool,
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let server = server();
        let name =
            format!("ctrack_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let mut admin =
            PgConnection::connect_with(&server.admin).await.expect("connect to the test server");
        drop_stale_databases(&mut admin).await;
        admin.execute(format!("DROP DATABASE IF EXISTS {name}").as_str()).await.unwrap();
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
        let _ = admin.close().await;
        let options = server.admin.clone().database(&name);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .expect("connect to the test database");
        ctrack::MIGRATOR.run(&pool).await.expect("migrations apply");
        let url = (server.url_for)(&name);
        TestDb { pool, name, url }
    }

    /// A commitment's current revision, as a form would carry it.
    pub async fn revision(&self, id: i64) -> i32 {
        sqlx::query_scalar("SELECT revision FROM commitments WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Drops the database (call at the end of a passing test; a failing one keeps it for
    /// inspection until the next run removes it).
    pub async fn drop_db(self) {
        self.pool.close().await;
        let mut admin = PgConnection::connect_with(&server().admin).await.unwrap();
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await;
        let _ = admin.close().await;
    }
}

/// Test databases of processes that are gone (this machine's PIDs).
async fn drop_stale_databases(admin: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ctrack\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    for name in names {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<i32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id() as i32
            && unsafe { libc::kill(pid, 0) } != 0
        {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}
