//! A private PostgreSQL cluster for users who have not configured one.
//!
//! Made on first use with `initdb` in `<data dir>/pg`, started with `postgres` listening
//! only on a Unix socket in `<data dir>/run`, and stopped when `ctrack` exits. The server is
//! a child process that gets SIGINT (fast shutdown) when the thread that started it dies,
//! so even a `ctrack` killed with SIGKILL leaves no server behind. Run as root, the server
//! runs as the `postgres` system user, since PostgreSQL refuses to run as root.
//!
//! A second `ctrack` on the same data directory finds the server running and uses it
//! without owning it.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;

/// The socket's port number: it only names the socket file, as no TCP port is opened.
const PORT: u16 = 5432;

/// Where the binaries are looked for beyond `PATH` (Debian and Ubuntu's layout).
const DEBIAN_BIN_GLOB: &str = "/usr/lib/postgresql";

#[derive(Debug, thiserror::Error)]
pub enum ManagedError {
    #[error(
        "no PostgreSQL server binaries found (looked for `initdb` and `postgres` on PATH and \
         under /usr/lib/postgresql/*/bin). ctrack keeps its data in PostgreSQL: either install \
         the PostgreSQL server package (Debian/Ubuntu: `apt install postgresql`, Fedora: `dnf \
         install postgresql-server`, macOS: `brew install postgresql`) and ctrack will run a \
         private server in its data directory, or point it at an existing server with \
         DATABASE_URL=postgres://user@host/dbname."
    )]
    NoBinaries,
    #[error(
        "ctrack is running as root, and PostgreSQL refuses to run as root; ctrack runs its \
         server as the `postgres` system user, but there is none. Create it, run ctrack as a \
         normal user, or set DATABASE_URL."
    )]
    NoPostgresUser,
    #[error("could not prepare the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("initdb failed for {path}: {message}{hint}")]
    Initdb { path: PathBuf, message: String, hint: &'static str },
    #[error("could not start PostgreSQL in {path}: {message} (log: {log})")]
    Start { path: PathBuf, message: String, log: PathBuf },
}

/// A running private cluster. Dropping it stops the server if this process started it.
#[derive(Debug)]
pub struct ManagedPostgres {
    cluster: PathBuf,
    socket_dir: PathBuf,
    server: Option<Server>,
}

#[derive(Debug)]
struct Server {
    pid: i32,
    /// Signalled when the server process has exited (behind a mutex so that a
    /// `ManagedPostgres` can live in a `static`).
    exited: std::sync::Mutex<mpsc::Receiver<()>>,
}

impl Server {
    fn wait_exit(&self, timeout: Duration) -> bool {
        match self.exited.lock() {
            Ok(rx) => rx.recv_timeout(timeout).is_ok(),
            Err(_) => false,
        }
    }
}

/// The user the server runs as: this process's, or `postgres` when this process is root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
    /// Whether ownership must be handed over (we are root).
    switch: bool,
}

impl ManagedPostgres {
    /// Starts (creating on first use) the cluster in `data_dir`, or attaches to the one
    /// already running there. Returns when it accepts connections.
    pub fn start(data_dir: &Path) -> Result<Self, ManagedError> {
        let bin = find_binaries().ok_or(ManagedError::NoBinaries)?;
        let run_as = run_as()?;
        let data_dir = absolute(data_dir);
        make_dir(&data_dir, 0o755, None)?;
        let cluster = data_dir.join("pg");
        let socket_dir = socket_dir(&data_dir);
        make_dir(&socket_dir, 0o700, run_as.switch.then_some(run_as))?;

        if !cluster.join("PG_VERSION").exists() {
            init_cluster(&bin, &data_dir, &cluster, run_as)?;
        }
        let log = data_dir.join("postgres.log");
        let mut this = ManagedPostgres { cluster: cluster.clone(), socket_dir, server: None };

        match running_status(&cluster) {
            Some(Status::Ready) if this.socket_path().exists() => return Ok(this),
            Some(_) => {
                // Starting up or shutting down (a killed ctrack's server): wait it out.
                let deadline = Instant::now() + Duration::from_secs(60);
                while let Some(status) = running_status(&cluster) {
                    if status == Status::Ready && this.socket_path().exists() {
                        return Ok(this);
                    }
                    if Instant::now() > deadline {
                        return Err(ManagedError::Start {
                            path: cluster,
                            message: "another server on this data directory did not become ready or stop within 60 s".into(),
                            log,
                        });
                    }
                    thread::sleep(Duration::from_millis(100));
                }
            }
            None => {}
        }

        let server = spawn_server(&bin, &cluster, &this.socket_dir, &log, run_as)?;
        this.server = Some(server);
        this.wait_ready(&log)?;
        Ok(this)
    }

    fn socket_path(&self) -> PathBuf {
        self.socket_dir.join(format!(".s.PGSQL.{PORT}"))
    }

    fn wait_ready(&mut self, log: &Path) -> Result<(), ManagedError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if running_status(&self.cluster) == Some(Status::Ready) && self.socket_path().exists() {
                return Ok(());
            }
            if let Some(server) = &self.server
                && server.wait_exit(Duration::ZERO)
            {
                self.server = None;
                return Err(ManagedError::Start {
                    path: self.cluster.clone(),
                    message: format!("the server exited during start-up: {}", log_tail(log)),
                    log: log.to_path_buf(),
                });
            }
            if Instant::now() > deadline {
                return Err(ManagedError::Start {
                    path: self.cluster.clone(),
                    message: "the server did not accept connections within 60 s".into(),
                    log: log.to_path_buf(),
                });
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Options for connecting to `database` over the cluster's socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username("postgres")
            .database(database)
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// A URL for `database` (for child processes, through `DATABASE_URL`).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgresql://postgres@localhost:{PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// Whether this process started the server (and will stop it).
    pub fn owns_server(&self) -> bool {
        self.server.is_some()
    }

    /// Stops the server if this process started it: a fast shutdown (open transactions
    /// are rolled back), then an immediate one if that takes more than 30 s.
    pub fn stop(&mut self) {
        let Some(server) = self.server.take() else { return };
        // SAFETY: kill(2) with a PID we spawned; no memory is touched.
        unsafe { libc::kill(server.pid, libc::SIGINT) };
        if !server.wait_exit(Duration::from_secs(30)) {
            // SAFETY: as above.
            unsafe { libc::kill(server.pid, libc::SIGQUIT) };
            server.wait_exit(Duration::from_secs(10));
        }
    }
}

impl Drop for ManagedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Starting,
    Ready,
    Stopping,
}

/// The state of a server running on `cluster`, from its `postmaster.pid`; `None` when
/// none is running (no file, or a stale one left by a crash).
fn running_status(cluster: &Path) -> Option<Status> {
    let text = fs::read_to_string(cluster.join("postmaster.pid")).ok()?;
    let mut lines = text.lines();
    let pid: i32 = lines.next()?.trim().parse().ok()?;
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    if !alive {
        return None;
    }
    match text.lines().nth(7).map(str::trim) {
        Some("ready") => Some(Status::Ready),
        Some("stopping") => Some(Status::Stopping),
        _ => Some(Status::Starting),
    }
}

fn spawn_server(
    bin: &Path,
    cluster: &Path,
    socket_dir: &Path,
    log: &Path,
    run_as: RunAs,
) -> Result<Server, ManagedError> {
    let start_err = |message: String| ManagedError::Start {
        path: cluster.to_path_buf(),
        message,
        log: log.to_path_buf(),
    };
    let log_file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| start_err(format!("cannot open the log: {e}")))?;
    let log_err = log_file.try_clone().map_err(|e| start_err(e.to_string()))?;
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D")
        .arg(cluster)
        .arg("-k")
        .arg(socket_dir)
        .arg("-p")
        .arg(PORT.to_string())
        .args(["-c", "listen_addresses="])
        .args(["-c", "max_connections=60"])
        .args(["-c", "shared_buffers=128MB"])
        .args(["-c", "max_wal_size=2GB"])
        .args(["-c", "checkpoint_timeout=15min"])
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err)
        // Keep the terminal's Ctrl-C away from the server; ctrack shuts it down itself.
        .process_group(0);
    if run_as.switch {
        cmd.uid(run_as.uid).gid(run_as.gid);
    }
    let parent = std::process::id() as i32;
    // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent died before prctl took effect: do not outlive it.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    // The server is spawned and reaped by a thread that lives as long as it does, because
    // the parent-death signal fires when the *thread* that forked it exits.
    let (pid_tx, pid_rx) = mpsc::channel();
    let (exit_tx, exit_rx) = mpsc::channel();
    thread::Builder::new()
        .name("postgres".into())
        .spawn(move || match cmd.spawn() {
            Ok(mut child) => {
                let _ = pid_tx.send(Ok(child.id() as i32));
                let _ = child.wait();
                let _ = exit_tx.send(());
            }
            Err(e) => {
                let _ = pid_tx.send(Err(e));
            }
        })
        .map_err(|e| start_err(e.to_string()))?;
    let pid = pid_rx
        .recv()
        .map_err(|e| start_err(e.to_string()))?
        .map_err(|e| start_err(format!("cannot run {}: {e}", bin.join("postgres").display())))?;
    Ok(Server { pid, exited: std::sync::Mutex::new(exit_rx) })
}

fn init_cluster(
    bin: &Path,
    data_dir: &Path,
    cluster: &Path,
    run_as: RunAs,
) -> Result<(), ManagedError> {
    // initdb into a scratch directory, renamed into place when complete, so that an
    // interrupted initdb never leaves a half-made cluster behind.
    let scratch = data_dir.join(format!("pg.init-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    make_dir(&scratch, 0o700, run_as.switch.then_some(run_as))?;
    let mut cmd = Command::new(bin.join("initdb"));
    cmd.arg("-D")
        .arg(&scratch)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if run_as.switch {
        cmd.uid(run_as.uid).gid(run_as.gid);
        // initdb's cwd must be readable by the postgres user.
        cmd.current_dir(&scratch);
    }
    let fail = |message: String| {
        let hint = if run_as.switch {
            " (running as root, the server runs as the `postgres` user, which needs to reach \
             the data directory: every directory above it must be searchable by others \
             (chmod o+x), or set CTRACK_DATA_DIR to a place under /var/tmp or /srv)"
        } else {
            ""
        };
        ManagedError::Initdb { path: cluster.to_path_buf(), message, hint }
    };
    let mut child = cmd.spawn().map_err(|e| fail(format!("cannot run initdb: {e}")))?;
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child.wait().map_err(|e| fail(e.to_string()))?;
    if !status.success() {
        let _ = fs::remove_dir_all(&scratch);
        return Err(fail(stderr.trim().to_string()));
    }
    fs::rename(&scratch, cluster)
        .map_err(|source| ManagedError::DataDir { path: cluster.to_path_buf(), source })
}

/// The directory with `initdb` and `postgres`: on `PATH`, else the newest under
/// `/usr/lib/postgresql/<version>/bin`.
pub fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_both(&dir) {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(DEBIAN_BIN_GLOB)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn run_as() -> Result<RunAs, ManagedError> {
    // SAFETY: getuid/getgid cannot fail.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    if uid != 0 {
        return Ok(RunAs { uid, gid, switch: false });
    }
    let name = c"postgres";
    // SAFETY: getpwnam returns a pointer into static storage or null; read at once.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Err(ManagedError::NoPostgresUser);
    }
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Ok(RunAs { uid, gid, switch: true })
}

fn make_dir(path: &Path, mode: u32, owner: Option<RunAs>) -> Result<(), ManagedError> {
    let err = |source| ManagedError::DataDir { path: path.to_path_buf(), source };
    fs::create_dir_all(path).map_err(err)?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(err)?;
    if let Some(owner) = owner {
        std::os::unix::fs::chown(path, Some(owner.uid), Some(owner.gid)).map_err(err)?;
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `<data dir>/run`, unless the socket's path would pass the 107-byte limit of Unix
/// sockets; then a directory under /tmp named after the data directory.
fn socket_dir(data_dir: &Path) -> PathBuf {
    let dir = data_dir.join("run");
    if dir.as_os_str().len() + ".s.PGSQL.5432".len() + 1 < 100 {
        return dir;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data_dir.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    std::env::temp_dir().join(format!("ctrack-{hash:016x}"))
}

fn log_tail(log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
}
