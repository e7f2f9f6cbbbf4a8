//! Files -> parse -> database, with progress and a report.
//!
//! Paths are walked first (directories recursively, in name order); reading, hashing and
//! parsing then run on one thread per core, and the parsed cables flow to a single writer
//! that stores them in batches, one transaction each. A batch is all or nothing, so a
//! killed ingest leaves only whole cables behind, and running it again completes it.
//! Re-ingesting is idempotent: a cable whose content hash is already stored is counted as
//! unchanged and not written.
//!
//! The parser threads also run the extractor, and each batch stores its cables'
//! commitments in the same transaction ([`crate::db::commitments::store`]). A cable whose
//! text and extractor version are both already stored is skipped before it is even parsed;
//! one whose text is stored but was extracted by another version gets its commitments
//! re-extracted (analyst work kept).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tokio::sync::mpsc;

use crate::cable;
use crate::db::cables::{self as db_cables, NewCable};
use crate::db::commitments as db_commitments;
use crate::extract;

/// Content hashes of the stored cables already extracted by this extractor, by key.
type Snapshot = HashMap<String, Vec<u8>>;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A bar on a terminal, periodic lines otherwise.
    Auto,
    Bar,
    Lines,
    Quiet,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub progress: Progress,
    /// Cables written per transaction.
    pub batch_size: usize,
    /// Larger single-cable files are rejected (a `cables.csv` may be any size).
    pub max_file_bytes: u64,
    /// Parser threads; 0 means one per core.
    pub workers: usize,
    /// Parse and report, but write nothing.
    pub dry_run: bool,
    /// Compute follow-up suggestions for what the new cables may speak to.
    pub suggest: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            progress: Progress::Auto,
            batch_size: 500,
            max_file_bytes: 10 * 1024 * 1024,
            workers: 0,
            dry_run: false,
            suggest: true,
        }
    }
}

/// One cable or file that did not go in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub file: PathBuf,
    /// Line of the row, for `cables.csv` files.
    pub row: Option<u64>,
    /// The cable's ID, where it is known.
    pub cable: Option<String>,
    pub reason: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(row) = self.row {
            write!(f, " (row at line {row})")?;
        }
        if let Some(cable) = &self.cable {
            write!(f, " [{cable}]")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What an ingest did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub ingested: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Unchanged cables whose commitments were re-extracted (a new extractor version).
    pub reextracted: usize,
    /// What storing the commitments did.
    pub commitments: db_commitments::Stored,
    pub failed: Vec<Failure>,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Stopped early by Ctrl-C; the batches before it are stored.
    pub interrupted: bool,
    /// Peak resident memory of this process so far, in KiB.
    pub peak_rss_kib: u64,
    /// Follow-up suggestions computed after the load, and how long that took.
    pub suggested: Option<(crate::follow::Refreshed, Duration)>,
    /// Row keys of the cables stored or re-extracted.
    pub written: Vec<String>,
}

impl Report {
    pub fn cables(&self) -> usize {
        self.ingested + self.updated + self.unchanged
    }

    pub fn cables_per_second(&self) -> f64 {
        self.cables() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "ingested {}, updated {}, unchanged {}, failed {}",
            self.ingested,
            self.updated,
            self.unchanged,
            self.failed.len()
        )?;
        for failure in &self.failed {
            writeln!(f, "  failed: {failure}")?;
        }
        let c = &self.commitments;
        if c.inserted + c.updated + c.removed + c.kept > 0 || self.reextracted > 0 {
            write!(f, "commitments: {} new, {} re-extracted", c.inserted, c.updated)?;
            if c.removed + c.kept > 0 {
                write!(
                    f,
                    ", {} no longer found ({} kept for their analyst work)",
                    c.removed + c.kept,
                    c.kept
                )?;
            }
            if self.reextracted > 0 {
                write!(f, "; {} unchanged cables re-extracted", self.reextracted)?;
            }
            writeln!(f)?;
        }
        if let Some((r, took)) = &self.suggested {
            writeln!(
                f,
                "suggestions: {} for {} commitments in {:.3} s",
                r.suggestions,
                r.commitments,
                took.as_secs_f64()
            )?;
        }
        write!(
            f,
            "{} files, {:.1} MiB in {:.2} s ({:.0} cables/s), peak memory {:.0} MiB",
            self.files,
            self.bytes as f64 / MIB,
            self.elapsed.as_secs_f64(),
            self.cables_per_second(),
            self.peak_rss_kib as f64 / 1024.0
        )?;
        if self.interrupted {
            write!(
                f,
                "\ninterrupted: the batches written before Ctrl-C are stored; run again to finish"
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("database error while storing a batch of {batch} cables (first {first}): {source}")]
    Database { batch: usize, first: String, source: sqlx::Error },
}

/// A unit of reading work found by the walk.
#[derive(Debug, Clone)]
enum Work {
    Cable(PathBuf),
    Csv(PathBuf),
}

/// What a parser thread sends to the writer.
#[derive(Debug)]
enum Item {
    Parsed(Box<NewCable>),
    /// Stored with the same text and extracted by this extractor.
    Unchanged,
    Failed(Failure),
    /// A file was finished (for progress).
    FileDone {
        bytes: u64,
    },
}

/// Walks the given paths into work items; paths that cannot be read are failures.
pub(crate) fn discover_files(paths: &[PathBuf], failures: &mut Vec<Failure>) -> Vec<PathBuf> {
    discover(paths, failures)
        .into_iter()
        .map(|w| match w {
            Work::Cable(p) | Work::Csv(p) => p,
        })
        .collect()
}

fn discover(paths: &[PathBuf], failures: &mut Vec<Failure>) -> Vec<Work> {
    let mut work = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        walk(path, true, &mut work, failures, &mut seen);
    }
    work
}

fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn walk(
    path: &Path,
    explicit: bool,
    work: &mut Vec<Work>,
    failures: &mut Vec<Failure>,
    seen: &mut HashSet<PathBuf>,
) {
    let fail = |failures: &mut Vec<Failure>, reason: String| {
        failures.push(Failure { file: path.to_path_buf(), row: None, cable: None, reason })
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return fail(failures, format!("cannot read: {e}")),
    };
    if meta.is_dir() {
        // A directory reached twice through symlinks is walked once.
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !seen.insert(key) {
            return;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => return fail(failures, format!("cannot read the directory: {e}")),
        };
        let mut children: Vec<PathBuf> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => children.push(e.path()),
                Err(e) => fail(failures, format!("cannot list the directory: {e}")),
            }
        }
        children.sort();
        for child in children {
            // Hidden files (editor backups, `.DS_Store`) are not cables.
            if child.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                continue;
            }
            walk(&child, false, work, failures, seen);
        }
    } else if meta.is_file() {
        if is_csv(path) {
            work.push(Work::Csv(path.to_path_buf()));
        } else {
            work.push(Work::Cable(path.to_path_buf()));
        }
    } else if explicit || !meta.file_type().is_symlink() {
        fail(failures, "not a regular file or directory (a pipe, socket or device)".into());
    }
}

const MIB: f64 = 1024.0 * 1024.0;

/// This process's peak resident set size (`getrusage`), in KiB.
fn peak_rss_kib() -> u64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
        u64::try_from(usage.ru_maxrss).unwrap_or(0)
    } else {
        0
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// Reads and parses one work item, sending cables and failures to the writer.
fn process(
    work: &Work,
    max_file_bytes: u64,
    snapshot: &Snapshot,
    tx: &mpsc::Sender<Item>,
) -> Result<(), ()> {
    let send = |item: Item| tx.blocking_send(item).map_err(|_| ());
    let stored = |key: &str, hash: &[u8]| snapshot.get(key).is_some_and(|h| h == hash);
    match work {
        Work::Cable(path) => {
            let fail = |reason: String| {
                Item::Failed(Failure { file: path.clone(), row: None, cable: None, reason })
            };
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if size > max_file_bytes {
                send(fail(format!(
                    "the file is {:.1} MiB; a single cable is at most {:.1} MiB (--max-file-size); \
                     is it a cables.csv without the .csv extension?",
                    size as f64 / MIB,
                    max_file_bytes as f64 / MIB
                )))?;
                return send(Item::FileDone { bytes: 0 });
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    send(fail(format!("cannot read: {e}")))?;
                    return send(Item::FileDone { bytes: 0 });
                }
            };
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let hash = sha256(&bytes);
            // A file named by its ID needs no parse to know it is already stored.
            let named = stem
                .as_deref()
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| cable::ids::looks_like_id(s));
            if named.as_deref().is_some_and(|k| stored(k, &hash)) {
                send(Item::Unchanged)?;
                return send(Item::FileDone { bytes: bytes.len() as u64 });
            }
            match cable::parse_bytes(&bytes, stem.as_deref()) {
                Ok(cable) => {
                    let key = db_cables::document_key(stem.as_deref(), &cable);
                    if stored(&key, &hash) {
                        send(Item::Unchanged)?;
                    } else {
                        send(Item::Parsed(Box::new(NewCable::new(
                            key,
                            cable,
                            path.display().to_string(),
                            hash,
                        ))))?;
                    }
                }
                Err(e) => send(fail(e.to_string()))?,
            }
            send(Item::FileDone { bytes: bytes.len() as u64 })
        }
        Work::Csv(path) => {
            let file = match std::fs::File::open(path) {
                Ok(f) => f,
                Err(e) => {
                    send(Item::Failed(Failure {
                        file: path.clone(),
                        row: None,
                        cable: None,
                        reason: format!("cannot read: {e}"),
                    }))?;
                    return send(Item::FileDone { bytes: 0 });
                }
            };
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            for row in cable::csv::rows(std::io::BufReader::with_capacity(1 << 20, file)) {
                let item = match row.result {
                    Ok(cable) => {
                        // The row's own text is what is hashed: header and body as parsed.
                        let mut hasher = Sha256::new();
                        hasher.update(cable.header.as_bytes());
                        hasher.update(cable.body.as_bytes());
                        let hash = hasher.finalize().to_vec();
                        if stored(&cable.reference_id, &hash) {
                            Item::Unchanged
                        } else {
                            Item::Parsed(Box::new(NewCable::new(
                                cable.reference_id.clone(),
                                cable,
                                format!("{}:{}", path.display(), row.line),
                                hash,
                            )))
                        }
                    }
                    Err(e) => Item::Failed(Failure {
                        file: path.clone(),
                        row: Some(row.line),
                        cable: row.id,
                        reason: e.to_string(),
                    }),
                };
                send(item)?;
            }
            send(Item::FileDone { bytes: size })
        }
    }
}

/// Shows progress as a bar or as periodic lines.
struct Meter {
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
    total: usize,
    last_line: Instant,
    start: Instant,
}

impl Meter {
    fn new(progress: Progress, total: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let (bar, lines) = match progress {
            Progress::Quiet => (false, false),
            Progress::Bar => (true, false),
            Progress::Lines => (false, true),
            Progress::Auto => (terminal, !terminal),
        };
        let bar = bar.then(|| {
            let pb = indicatif::ProgressBar::new(total as u64);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            pb.enable_steady_tick(Duration::from_millis(200));
            pb
        });
        Meter { bar, lines, total, last_line: Instant::now(), start: Instant::now() }
    }

    fn update(&mut self, files: usize, report: &Report) {
        let cables = report.cables();
        let rate = cables as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
        if let Some(bar) = &self.bar {
            bar.set_position(files as u64);
            bar.set_message(format!(
                "{cables} cables ({rate:.0}/s), {} failed",
                report.failed.len()
            ));
        } else if self.lines && self.last_line.elapsed() >= Duration::from_secs(2) {
            self.last_line = Instant::now();
            eprintln!(
                "ingest: {files}/{} files, {cables} cables ({rate:.0}/s), {} failed",
                self.total,
                report.failed.len()
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Ingests `opts.paths` into the database (or only parses them, with `dry_run`).
/// Loads that store at least this many cables refresh the planner's statistics.
const ANALYZE_AFTER: usize = 1000;

pub async fn run(pool: Option<&PgPool>, opts: &Options) -> Result<Report, IngestError> {
    let start = Instant::now();
    let mut report = Report::default();
    let work = Arc::new(discover(&opts.paths, &mut report.failed));
    let total_files = work.len();

    let workers = if opts.workers == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
    } else {
        opts.workers
    };
    let version = extract::version();
    let snapshot: Arc<Snapshot> = Arc::new(match pool {
        Some(pool) => {
            let rows: Vec<(String, Vec<u8>)> =
                sqlx::query_as("SELECT id, content_hash FROM cables WHERE extracted_with = $1")
                    .bind(&version)
                    .fetch_all(pool)
                    .await
                    .map_err(|source| IngestError::Database {
                        batch: 0,
                        first: String::new(),
                        source,
                    })?;
            rows.into_iter().collect()
        }
        None => Snapshot::new(),
    });
    let (tx, mut rx) = mpsc::channel::<Item>(1024);
    let next = Arc::new(AtomicUsize::new(0));
    let mut threads = Vec::new();
    for i in 0..workers.min(total_files.max(1)) {
        let (work, next, tx) = (Arc::clone(&work), Arc::clone(&next), tx.clone());
        let snapshot = Arc::clone(&snapshot);
        let max = opts.max_file_bytes;
        threads.push(
            std::thread::Builder::new()
                .name(format!("parse-{i}"))
                .spawn(move || {
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = work.get(n) else { break };
                        if process(item, max, &snapshot, &tx).is_err() {
                            break; // The writer has stopped.
                        }
                    }
                })
                .expect("spawning a parser thread"),
        );
    }
    drop(tx);

    let mut meter = Meter::new(opts.progress, total_files);
    let mut batch: Vec<NewCable> = Vec::with_capacity(opts.batch_size);
    let mut batch_ids: HashSet<String> = HashSet::new();
    let mut batch_bytes = 0usize;
    let mut files_done = 0usize;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let result = loop {
        let item = tokio::select! {
            item = rx.recv() => item,
            _ = &mut ctrl_c => {
                report.interrupted = true;
                break Ok(());
            }
        };
        let Some(item) = item else {
            break flush(pool, &version, &mut batch, &mut batch_ids, &mut report).await;
        };
        match item {
            Item::Parsed(new) => {
                // The same ID twice in one batch: store the first before the second
                // replaces it, as if they came in one at a time.
                if batch_ids.contains(&new.key)
                    && let Err(e) =
                        flush(pool, &version, &mut batch, &mut batch_ids, &mut report).await
                {
                    break Err(e);
                }
                batch_bytes += new.cable.body.len() + new.cable.header.len();
                batch_ids.insert(new.key.clone());
                batch.push(*new);
                if batch.len() >= opts.batch_size || batch_bytes >= 32 << 20 {
                    batch_bytes = 0;
                    if let Err(e) =
                        flush(pool, &version, &mut batch, &mut batch_ids, &mut report).await
                    {
                        break Err(e);
                    }
                }
            }
            Item::Unchanged => report.unchanged += 1,
            Item::Failed(failure) => report.failed.push(failure),
            Item::FileDone { bytes } => {
                files_done += 1;
                report.bytes += bytes;
            }
        }
        meter.update(files_done, &report);
    };
    // Stop the parser threads (they see the closed channel) and wait for them.
    drop(rx);
    for t in threads {
        // They stop at their next send; joining waits for at most one file's parse.
        let _ = t.join();
    }
    meter.finish();
    // After a large load the planner's statistics are stale until autovacuum gets round to
    // it, and the list pages' plans with them: refresh them now (a fraction of a second).
    if let Some(pool) = pool
        && report.ingested + report.updated >= ANALYZE_AFTER
        && let Err(e) = sqlx::query("ANALYZE cables, commitments").execute(pool).await
    {
        tracing::warn!("ANALYZE after the load failed: {e}");
    }
    // Suggestions for what the new cables may speak to: their own commitments against
    // later cables, and earlier open commitments against them.
    if let Some(pool) = pool
        && opts.suggest
        && result.is_ok()
        && !report.interrupted
        && !report.written.is_empty()
    {
        let began = Instant::now();
        let refreshed = async {
            let targets = crate::db::follow::affected(pool, &report.written).await?;
            let recount = report.written.len() >= ANALYZE_AFTER;
            crate::follow::refresh(pool, targets, &report.written, recount).await
        }
        .await;
        match refreshed {
            Ok(r) => report.suggested = Some((r, began.elapsed())),
            Err(e) => tracing::warn!("computing follow-up suggestions failed: {e}"),
        }
    }
    report.files = total_files;
    report.elapsed = start.elapsed();
    report.peak_rss_kib = peak_rss_kib();
    result.map(|()| report)
}

/// Stores a batch in one transaction: new cables are inserted, changed ones replaced,
/// unchanged ones (same content hash) left alone.
async fn flush(
    pool: Option<&PgPool>,
    version: &str,
    batch: &mut Vec<NewCable>,
    batch_ids: &mut HashSet<String>,
    report: &mut Report,
) -> Result<(), IngestError> {
    if batch.is_empty() {
        return Ok(());
    }
    let Some(pool) = pool else {
        // Dry run: every parsed cable counts as new.
        report.ingested += batch.len();
        batch.clear();
        batch_ids.clear();
        return Ok(());
    };
    let db_err = |batch: &[NewCable], source| IngestError::Database {
        batch: batch.len(),
        first: batch.first().map(|c| c.key.clone()).unwrap_or_default(),
        source,
    };
    let ids: Vec<String> = batch.iter().map(|c| c.key.clone()).collect();
    let mut tx = pool.begin().await.map_err(|e| db_err(batch, e))?;
    let existing =
        db_cables::existing_hashes(&mut *tx, &ids).await.map_err(|e| db_err(batch, e))?;
    let (mut new, mut changed) = (0, 0);
    // Cables whose text is stored as it is get only their commitments re-extracted.
    let (to_write, same_text): (Vec<NewCable>, Vec<NewCable>) =
        batch.drain(..).partition(|c| match existing.get(&c.key) {
            None => {
                new += 1;
                true
            }
            Some(hash) if *hash != c.content_hash => {
                changed += 1;
                true
            }
            Some(_) => false,
        });
    if !to_write.is_empty() {
        db_cables::upsert(&mut *tx, &to_write).await.map_err(|e| db_err(&to_write, e))?;
        db_cables::replace_refs(&mut tx, &to_write).await.map_err(|e| db_err(&to_write, e))?;
    }
    // The cables just written have their word index from the upsert.
    let index: Vec<(&str, Option<&str>, &[crate::follow::CueSentence])> = to_write
        .iter()
        .map(|c| (c.key.as_str(), None, c.cues.as_slice()))
        .chain(
            same_text
                .iter()
                .map(|c| (c.key.as_str(), Some(c.follow_text.as_str()), c.cues.as_slice())),
        )
        .collect();
    crate::db::follow::store_index(&mut tx, &index).await.map_err(|e| db_err(&to_write, e))?;
    let extractions: Vec<(&str, &extract::Extraction)> =
        to_write.iter().chain(&same_text).map(|c| (c.key.as_str(), &c.extraction)).collect();
    let stored = db_commitments::store(&mut tx, &extractions, version)
        .await
        .map_err(|e| db_err(&to_write, e))?;
    tx.commit().await.map_err(|e| db_err(&to_write, e))?;
    report.ingested += new;
    report.updated += changed;
    report.unchanged += same_text.len();
    report.reextracted += same_text.len();
    report.written.extend(to_write.iter().chain(&same_text).map(|c| c.key.clone()));
    report.commitments.inserted += stored.inserted;
    report.commitments.updated += stored.updated;
    report.commitments.removed += stored.removed;
    report.commitments.kept += stored.kept;
    batch_ids.clear();
    Ok(())
}

/// What `ctrack reextract` did.
#[derive(Debug, Clone, Default)]
pub struct ReextractReport {
    pub cables: usize,
    pub commitments: db_commitments::Stored,
    pub elapsed: Duration,
}

impl fmt::Display for ReextractReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.commitments;
        write!(
            f,
            "re-extracted {} cables in {:.2} s: {} new commitments, {} updated, {} no longer found \
             ({} kept for their analyst work)",
            self.cables,
            self.elapsed.as_secs_f64(),
            c.inserted,
            c.updated,
            c.removed + c.kept,
            c.kept
        )
    }
}

/// Re-runs the extractor over stored cables — those extracted by another version, or all
/// of them — and stores the result, one transaction per batch. Machine fields are
/// replaced; reviews, statuses, corrections, events and links stay (see
/// [`db_commitments::store`]).
pub async fn reextract(pool: &PgPool, all: bool) -> Result<ReextractReport, IngestError> {
    let start = Instant::now();
    let version = extract::version();
    let mut report = ReextractReport::default();
    let mut after = String::new();
    let db_err =
        |first: &str, source| IngestError::Database { batch: 0, first: first.to_string(), source };
    loop {
        let mut conn = pool.acquire().await.map_err(|e| db_err(&after, e))?;
        let cables = db_commitments::stale_cables(&mut conn, &version, all, &after, 500)
            .await
            .map_err(|e| db_err(&after, e))?;
        drop(conn);
        let Some(last) = cables.last() else { break };
        after = last.id.clone();
        type Follow = (String, Vec<crate::follow::CueSentence>);
        let (cables, extractions, follow) = tokio::task::spawn_blocking(move || {
            let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
            let per_thread = cables.len().div_ceil(threads).max(1);
            let (extractions, follow): (Vec<extract::Extraction>, Vec<Follow>) =
                std::thread::scope(|s| {
                    let handles: Vec<_> = cables
                        .chunks(per_thread)
                        .map(|part| {
                            s.spawn(move || {
                                part.iter()
                                    .map(|c| {
                                        let split =
                                            extract::sentences::split_doc(&c.body, &c.paragraphs.0);
                                        let mut cues = crate::follow::cue_sentences(&split);
                                        let extraction = extract::extract_sentences(
                                            &c.doc(),
                                            &extract::MODEL,
                                            split,
                                        );
                                        crate::follow::add_refusals(&mut cues, &extraction.signals);
                                        let follow = (
                                            crate::follow::index_text(
                                                c.countries.iter().map(String::as_str),
                                                c.subject.as_deref(),
                                                &c.body,
                                            ),
                                            cues,
                                        );
                                        (extraction, follow)
                                    })
                                    .collect::<Vec<_>>()
                            })
                        })
                        .collect();
                    handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).unzip()
                });
            (cables, extractions, follow)
        })
        .await
        .expect("the extraction task does not panic");
        let items: Vec<(&str, &extract::Extraction)> =
            cables.iter().map(|c| c.id.as_str()).zip(&extractions).collect();
        let index: Vec<(&str, Option<&str>, &[crate::follow::CueSentence])> = cables
            .iter()
            .zip(&follow)
            .map(|(c, (text, cues))| (c.id.as_str(), Some(text.as_str()), cues.as_slice()))
            .collect();
        let mut tx = pool.begin().await.map_err(|e| db_err(&after, e))?;
        let stored = db_commitments::store(&mut tx, &items, &version)
            .await
            .map_err(|e| db_err(&after, e))?;
        crate::db::follow::store_index(&mut tx, &index).await.map_err(|e| db_err(&after, e))?;
        tx.commit().await.map_err(|e| db_err(&after, e))?;
        report.cables += cables.len();
        report.commitments.inserted += stored.inserted;
        report.commitments.updated += stored.updated;
        report.commitments.removed += stored.removed;
        report.commitments.kept += stored.kept;
    }
    report.elapsed = start.elapsed();
    Ok(report)
}
