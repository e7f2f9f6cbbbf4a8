//! Connections for the web pages' read-only queries, without the pool's round trips.
//!
//! sqlx's pool tests a connection with a round trip to the server when it is taken
//! (`test_before_acquire`) and again, always, when it is given back, and gives it back from a
//! task of its own. For a page that is one query, that is three round trips instead of one,
//! and the server's and PostgreSQL's processes wake each other six times instead of twice.
//! Here a connection goes back to the idle list only when the code that used it says it
//! finished cleanly ([`ReadConn::done`]); one dropped on an error or a cancelled request is
//! closed, so no half-read result is ever handed to the next page. A connection that sat
//! idle for a while ([`Reads::STALE_AFTER`]) is tested with one round trip before it is
//! handed out, and replaced if the test fails: after the database server restarts, the
//! next pages get new connections instead of an error. Under load, connections come back
//! within milliseconds and are never tested.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection, PgPool};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// At most `size` connections, opened when first needed and kept while they stay clean.
#[derive(Debug)]
pub struct Reads {
    options: PgConnectOptions,
    /// Connections given back clean, with when they were.
    idle: Mutex<Vec<(PgConnection, Instant)>>,
    permits: Arc<Semaphore>,
}

impl Reads {
    /// How long a connection may sit idle before it is tested on its next use.
    pub const STALE_AFTER: Duration = Duration::from_secs(1);

    /// As many connections as `pool` may open, to the same database.
    pub fn beside(pool: &PgPool) -> Self {
        let size = pool.options().get_max_connections().max(1) as usize;
        Reads {
            options: (*pool.connect_options()).clone(),
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
        }
    }

    /// A connection: an idle one, else a new one; waits while all are in use.
    pub async fn acquire(&self) -> sqlx::Result<ReadConn<'_>> {
        let permit =
            Arc::clone(&self.permits).acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let conn = loop {
            let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            match idle {
                Some((conn, since)) if since.elapsed() < Self::STALE_AFTER => break conn,
                Some((mut conn, _)) => {
                    if conn.ping().await.is_ok() {
                        break conn;
                    }
                    // Closed by the server (a restart, an idle timeout): try the next.
                }
                None => break self.options.connect().await?,
            }
        };
        Ok(ReadConn { conn: Some(conn), owner: self, clean: false, _permit: permit })
    }
}

/// A connection in use. Call [`ReadConn::done`] once its queries have all returned `Ok`;
/// dropped without that, the connection is closed rather than reused.
pub struct ReadConn<'a> {
    conn: Option<PgConnection>,
    owner: &'a Reads,
    clean: bool,
    _permit: OwnedSemaphorePermit,
}

impl ReadConn<'_> {
    /// Its queries finished: the connection can serve the next page.
    pub fn done(mut self) {
        self.clean = true;
    }
}

impl std::ops::Deref for ReadConn<'_> {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for ReadConn<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("present until dropped")
    }
}

impl Drop for ReadConn<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && self.clean
        {
            self.owner.idle.lock().unwrap_or_else(|e| e.into_inner()).push((conn, Instant::now()));
        }
        // Otherwise the connection is dropped here, which closes its socket.
    }
}
