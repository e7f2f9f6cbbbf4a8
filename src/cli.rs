//! The command line: subcommands and what each runs. `main.rs` only maps the outcome to an
//! exit code.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::db::{Database, Location};
use crate::{cable, ingest};

#[derive(Debug, Parser)]
#[command(
    name = "ctrack",
    version,
    about = "Commitment Tracker: what governments promised in diplomatic cables, and what became of it"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One command for a new user: start the database, load the demo cables, serve the
    /// web app, and print its address and a login.
    Demo {
        /// Address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
    },
    /// Run pending migrations and serve the web app.
    Serve {
        /// Address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
    },
    /// Manage web users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load cables from files, directories (recursively) and cables.csv files.
    ///
    /// Re-ingesting is idempotent: unchanged cables are skipped, changed ones updated.
    /// Bad files are reported by name and reason; the rest still go in. Exits 1 if any
    /// failed. Uses DATABASE_URL, or the managed cluster in CTRACK_DATA_DIR (./.ctrack).
    Ingest {
        /// Files, directories and cables.csv files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Progress display (auto: a bar on a terminal, periodic lines otherwise).
        #[arg(long, value_enum, default_value_t = ProgressArg::Auto)]
        progress: ProgressArg,
        /// Cables stored per transaction.
        #[arg(long, default_value_t = 500)]
        batch_size: usize,
        /// Largest single-cable file accepted, in MiB (cables.csv files may be any size).
        #[arg(long, default_value_t = 10.0)]
        max_file_size: f64,
        /// Parser threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        workers: usize,
        /// Parse and report without touching a database.
        #[arg(long)]
        dry_run: bool,
        /// Do not compute follow-up suggestions after the load.
        #[arg(long)]
        no_suggest: bool,
    },
    /// Re-run the extractor over the stored cables after an extractor change.
    ///
    /// Machine fields are updated; reviews, statuses, corrections, events and links on
    /// commitments that are still found stay as they are, and commitments with analyst
    /// work that are no longer found are kept (marked as no longer extracted).
    Reextract {
        /// Every cable, not only those extracted by another extractor version.
        #[arg(long)]
        all: bool,
    },
    /// Parse cables and print their header fields; no database.
    Parse {
        /// Cable files, directories, or cables.csv files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per cable, one per line.
        #[arg(long)]
        json: bool,
        /// Include the header and body text in the JSON.
        #[arg(long)]
        text: bool,
    },
    /// Extract commitments from cable files; no database.
    Extract {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per cable: {"cable_id", "commitments": [...]}.
        #[arg(long)]
        json: bool,
    },
    /// Follow-up suggestions for the commitments of one cable: later cables that cite it
    /// or name what was promised, best first, with the link kind and the reasons.
    ///
    /// Computes them afresh (as ingest does) and prints them; dismissed ones are left out.
    /// With `--all`, recomputes every commitment's suggestions (after a load made with
    /// `ingest --no-suggest`, say) and prints a count.
    Suggest {
        /// The cable, by ID.
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        cable: Option<String>,
        /// Every stored commitment, against every later cable.
        #[arg(long)]
        all: bool,
        /// One JSON object per commitment.
        #[arg(long)]
        json: bool,
    },
    /// Precision, recall and F1 of the extractor against a labelled file.
    Eval {
        /// A labelled file in the GUIDELINE's format (or ctrack's span format).
        #[arg(long, required = true)]
        labels: PathBuf,
        /// Directory of cable files named <ID>.txt.
        #[arg(long, required = true)]
        cables: PathBuf,
        /// Evaluate the weights in this file instead of the built-in model.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Fit the extractor's model on labelled files, deterministically, and write it.
    Train {
        #[arg(long, required = true, num_args = 1..)]
        labels: Vec<PathBuf>,
        #[arg(long, required = true)]
        cables: PathBuf,
        /// Where to write the weights.
        #[arg(long, default_value = "model/extractor.json")]
        out: PathBuf,
        /// Folds of the cross-validation by cable.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// L2 penalty (default: the extractor's).
        #[arg(long)]
        l2: Option<f64>,
        /// Gradient-descent epochs.
        #[arg(long)]
        epochs: Option<usize>,
        /// Weight of a positive example relative to a negative one.
        #[arg(long)]
        positive_weight: Option<f64>,
        /// Leave out features whose names start with these prefixes (e.g. `after=`).
        #[arg(long)]
        drop: Vec<String>,
    },
    /// Print the sentences the extractor reads in each cable, with byte spans and zones.
    Sentences {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Only sentences with a forward-looking cue (the extractor's candidates).
        #[arg(long)]
        candidates: bool,
        /// One JSON object per sentence.
        #[arg(long)]
        json: bool,
    },
    /// A per-country status summary (CSV, JSON or Markdown), as of a stated day.
    ///
    /// Counts per status and category, overdue and stale commitments first, then the rest,
    /// each with its status, last change, source cable, due date, latest evidence and a
    /// permalink. Dismissed extractions are left out.
    Export {
        /// A TAGS country code (TI, BR, ...), or `all` for one summary per country.
        #[arg(long)]
        country: String,
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Only commitments from cables sent on or after this day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        since: Option<time::Date>,
        /// Only commitments from cables sent on or before this day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        until: Option<time::Date>,
        /// The day overdue and stale are judged against (default: today, UTC).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<time::Date>,
        /// Write to this file (replaced only when the export is complete) instead of
        /// standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where the web app is reached, for the permalinks.
        #[arg(long, env = "CTRACK_BASE_URL", default_value = DEFAULT_BASE_URL)]
        base_url: String,
    },
    /// Write every status event, link, review, correction and user to a JSON file.
    ///
    /// Password hashes are left out unless --with-secrets is given. Cables are not in the
    /// backup: keep the cable files, ingest them again, then `ctrack restore`.
    Backup {
        /// The file to write (replaced only when the backup is complete; readable by its
        /// owner only).
        #[arg(long)]
        out: PathBuf,
        /// Include password hashes, so users can sign in with their passwords after a
        /// restore.
        #[arg(long)]
        with_secrets: bool,
    },
    /// Bring a backup's analyst work into this database (ingest the cables first).
    ///
    /// Commitments are matched by cable and sentence or span; one the extractor no longer
    /// finds is put back. One transaction: on any error nothing changes. Restoring the same
    /// file twice adds nothing the second time.
    Restore { file: PathBuf },
    /// Run psql on ctrack's database (starting the managed server for as long as it runs).
    ///
    /// Arguments go to psql: `ctrack sql -c 'SELECT count(*) FROM cables'`.
    Sql {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

impl Command {
    /// Commands that only read and print (a closed pipe may end them at any point).
    pub fn is_report(&self) -> bool {
        matches!(
            self,
            Command::Parse { .. }
                | Command::Extract { .. }
                | Command::Eval { .. }
                | Command::Sentences { .. }
                | Command::Export { .. }
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password comes from a prompt, or from standard input with
    /// --password-stdin.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from standard input (its first line).
        #[arg(long)]
        password_stdin: bool,
        /// Reset the password and role if the user exists.
        #[arg(long)]
        update: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Viewer,
    Analyst,
    Admin,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Csv,
    Json,
    Md,
}

/// Where permalinks point unless CTRACK_BASE_URL or --base-url says otherwise.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

fn parse_date(s: &str) -> Result<time::Date, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{s:?} is not a date like 2008-03-31"))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProgressArg {
    Auto,
    Bar,
    Lines,
    None,
}

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Some inputs failed; the rest were processed.
    SomeFailed,
    Interrupted,
}

/// Database connections of the web server: `CTRACK_DB_CONNECTIONS`, else twice the cores;
/// as many again for the pages' reads ([`crate::db::reads`]).
/// More connections than the database's cores can use only make queries wait for each
/// other inside the server: on 2 cores, 16 connections served the list page 17% slower
/// than 4, with twice the p99 (`scripts/bench-web.sh`, README).
fn web_connections() -> anyhow::Result<u32> {
    match std::env::var("CTRACK_DB_CONNECTIONS") {
        Ok(v) => match v.trim().parse::<u32>() {
            Ok(n @ 1..=1000) => Ok(n),
            _ => {
                anyhow::bail!("CTRACK_DB_CONNECTIONS is {v:?}: give a whole number from 1 to 1000")
            }
        },
        Err(_) => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            Ok((2 * cores as u32).max(2))
        }
    }
}

/// Fails, before the server starts, when the web app could open more connections than the
/// database accepts: under load the pages would otherwise fail with "too many clients".
async fn check_connection_budget(pool: &sqlx::PgPool, per_side: u32) -> anyhow::Result<()> {
    let (max, reserved, others): (i64, i64, i64) = sqlx::query_as(
        "SELECT current_setting('max_connections')::bigint, \
                current_setting('superuser_reserved_connections')::bigint, \
                (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' \
                    AND pid <> pg_backend_pid())",
    )
    .fetch_one(pool)
    .await?;
    // Ingest, backups and psql sessions need room too; keep a few free.
    let allowed = max - reserved - 5;
    let wanted = 2 * i64::from(per_side);
    if wanted > allowed {
        anyhow::bail!(
            "CTRACK_DB_CONNECTIONS={per_side} lets the web app open up to {wanted} database \
             connections (as many for pages as for changes), but the database accepts \
             {allowed} (max_connections {max}, less {reserved} reserved and 5 kept free; \
             {others} in use now): set CTRACK_DB_CONNECTIONS to {} or less",
            (allowed / 2).max(1)
        );
    }
    Ok(())
}

/// The database for `demo` and `serve`: as many connections as [`web_connections`], checked
/// against what the server accepts.
async fn open_for_web() -> anyhow::Result<Database> {
    let connections = web_connections()?;
    let db = Database::open(&Location::from_env(), connections).await?;
    check_connection_budget(&db.pool, connections).await?;
    Ok(db)
}

pub async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Demo { bind } => {
            let db = open_for_web().await?;
            eprintln!("ctrack: data in {}", db.target());
            let (report, password) = crate::demo::load(&db.pool).await?;
            println!("{report}");
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
            println!();
            println!("Commitment Tracker is running at http://{bind}/");
            println!("Sign in as `{}` with password `{password}`", crate::demo::DEMO_USER);
            println!("(a new password each time the demo starts). Stop with Ctrl-C.");
            let served = crate::web::serve_on(db.pool.clone(), listener).await;
            db.close().await;
            served?;
            Ok(Outcome::Ok)
        }
        Command::Serve { bind } => {
            let db = open_for_web().await?;
            eprintln!("ctrack: data in {}", db.target());
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
            println!("Commitment Tracker is running at http://{bind}/ (Ctrl-C stops it)");
            let served = crate::web::serve_on(db.pool.clone(), listener).await;
            db.close().await;
            served?;
            Ok(Outcome::Ok)
        }
        Command::User { command: UserCommand::Add { name, role, password_stdin, update } } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                let first = prompt_password(&format!("Password for {name}: "))?;
                let again = prompt_password("Again: ")?;
                if first != again {
                    anyhow::bail!("the two passwords differ");
                }
                first
            };
            let role = match role {
                RoleArg::Viewer => crate::db::users::Role::Viewer,
                RoleArg::Analyst => crate::db::users::Role::Analyst,
                RoleArg::Admin => crate::db::users::Role::Admin,
            };
            let db = Database::open(&Location::from_env(), 2).await?;
            let added = crate::db::users::add(&db.pool, &name, &password, role, update).await;
            db.close().await;
            let user = added?;
            println!("user {} ({}) saved", user.username, user.role.as_str());
            Ok(Outcome::Ok)
        }
        Command::Ingest {
            paths,
            progress,
            batch_size,
            max_file_size,
            workers,
            dry_run,
            no_suggest,
        } => {
            let opts = ingest::Options {
                paths,
                progress: match progress {
                    ProgressArg::Auto => ingest::Progress::Auto,
                    ProgressArg::Bar => ingest::Progress::Bar,
                    ProgressArg::Lines => ingest::Progress::Lines,
                    ProgressArg::None => ingest::Progress::Quiet,
                },
                batch_size: batch_size.max(1),
                max_file_bytes: (max_file_size * 1024.0 * 1024.0) as u64,
                workers,
                dry_run,
                suggest: !no_suggest,
            };
            let report = if dry_run {
                ingest::run(None, &opts).await?
            } else {
                let db = Database::open(&Location::from_env(), 4).await?;
                eprintln!("ctrack: storing in {}", db.target());
                let report = ingest::run(Some(&db.pool), &opts).await;
                db.close().await;
                report?
            };
            println!("{report}");
            Ok(if report.interrupted {
                Outcome::Interrupted
            } else if report.failed.is_empty() {
                Outcome::Ok
            } else {
                Outcome::SomeFailed
            })
        }
        Command::Reextract { all } => {
            let db = Database::open(&Location::from_env(), 4).await?;
            eprintln!("ctrack: extractor {} on {}", crate::extract::version(), db.target());
            let report = ingest::reextract(&db.pool, all).await;
            db.close().await;
            println!("{}", report?);
            Ok(Outcome::Ok)
        }
        Command::Export { country, format, since, until, as_of, out, base_url } => {
            let format = match format {
                FormatArg::Csv => crate::export::Format::Csv,
                FormatArg::Json => crate::export::Format::Json,
                FormatArg::Md => crate::export::Format::Markdown,
            };
            if let (Some(s), Some(u)) = (since, until)
                && s > u
            {
                anyhow::bail!("--since {s} is after --until {u}");
            }
            let req = crate::export::Request {
                countries: crate::export::Countries::parse(&country)?,
                scope: crate::export::Scope {
                    since,
                    until,
                    as_of: as_of.unwrap_or_else(|| time::OffsetDateTime::now_utc().date()),
                },
                base_url,
            };
            let db = Database::open(&Location::from_env(), 2).await?;
            let written = export(&db.pool, format, &req, out.as_deref()).await;
            db.close().await;
            let written = written?;
            eprintln!(
                "ctrack: exported {} commitment{} of {} countr{}",
                written.commitments,
                if written.commitments == 1 { "" } else { "s" },
                written.countries,
                if written.countries == 1 { "y" } else { "ies" }
            );
            Ok(Outcome::Ok)
        }
        Command::Backup { out, with_secrets } => {
            let db = Database::open(&Location::from_env(), 2).await?;
            let backup = crate::backup::collect(&db.pool, with_secrets).await;
            db.close().await;
            let backup = backup?;
            let mut bytes = serde_json::to_vec_pretty(&backup)?;
            bytes.push(b'\n');
            replace_file(&out, &bytes, 0o600)?;
            let events: usize = backup.commitments.iter().map(|c| c.events.len()).sum();
            let links: usize = backup.commitments.iter().map(|c| c.links.len()).sum();
            eprintln!(
                "ctrack: backed up {} commitments with {events} events and {links} links, and {} \
                 users{}, to {}",
                backup.commitments.len(),
                backup.users.len(),
                if with_secrets { " with password hashes" } else { "" },
                out.display()
            );
            Ok(Outcome::Ok)
        }
        Command::Restore { file } => {
            let backup = crate::backup::read(&file)?;
            let db = Database::open(&Location::from_env(), 2).await?;
            let restored = crate::backup::restore(&db.pool, &file, &backup).await;
            db.close().await;
            println!("{}", restored?);
            Ok(Outcome::Ok)
        }
        Command::Suggest { cable, all, json } => {
            let db = Database::open(&Location::from_env(), 4).await?;
            let result = match cable {
                Some(cable) if !all => suggest(&db.pool, &cable, json).await,
                _ => suggest_all(&db.pool).await,
            };
            db.close().await;
            result
        }
        Command::Parse { files, json, text } => parse(&files, json, text),
        Command::Sql { args } => sql(&args).await,
        Command::Sentences { files, candidates, json } => sentences(&files, candidates, json),
        Command::Extract { files, json } => extract_files(&files, json),
        Command::Eval { labels, cables, model } => {
            let model = match model {
                Some(path) => serde_json::from_str(&std::fs::read_to_string(&path)?)?,
                None => crate::extract::MODEL.clone(),
            };
            let labelled = crate::training::load_labelled(&[labels], &cables)?;
            let eval = crate::training::evaluate(&labelled, &model);
            print!("{eval}");
            Ok(Outcome::Ok)
        }
        Command::Train { labels, cables, out, folds, l2, epochs, positive_weight, drop } => {
            let mut opts = crate::extract::model::TrainOptions::default();
            opts.l2 = l2.unwrap_or(opts.l2);
            opts.epochs = epochs.unwrap_or(opts.epochs);
            opts.positive_weight = positive_weight.unwrap_or(opts.positive_weight);
            if std::env::var_os("CTRACK_INSPECT").is_some() {
                print!("{}", crate::training::inspect(&labels, &cables, folds.max(2), opts)?);
                return Ok(Outcome::Ok);
            }
            println!(
                "{}",
                crate::training::train(&labels, &cables, &out, folds.max(2), opts, &drop)?
            );
            Ok(Outcome::Ok)
        }
    }
}

/// Writes an export to standard output, or to `out` through a temporary file beside it that
/// replaces `out` only once the export is complete.
async fn export(
    pool: &sqlx::PgPool,
    format: crate::export::Format,
    req: &crate::export::Request,
    out: Option<&std::path::Path>,
) -> anyhow::Result<crate::export::Written> {
    use crate::export::WriteSink;
    use anyhow::Context;
    let Some(path) = out else {
        let mut sink = WriteSink(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
        let written = crate::export::write(pool, format, req, &mut sink).await?;
        sink.0.flush()?;
        return Ok(written);
    };
    let dir =
        path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = path.file_name().context("--out names no file")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    let mut sink = WriteSink(std::io::BufWriter::new(file));
    let result = async {
        let written = crate::export::write(pool, format, req, &mut sink).await?;
        sink.0.flush()?;
        sink.0.get_ref().sync_all()?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
        anyhow::Ok(written)
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `ctrack suggest`: refreshes one cable's suggestions and prints them.
async fn suggest(pool: &sqlx::PgPool, cable: &str, json: bool) -> anyhow::Result<Outcome> {
    let targets = crate::db::follow::of_cable(pool, cable).await?;
    if targets.is_empty() {
        let stored = crate::db::tracking::cable(pool, &cable.trim().to_ascii_uppercase()).await?;
        if stored.is_none() {
            anyhow::bail!("no cable {cable} is stored");
        }
    }
    let ids: Vec<i64> = targets.iter().map(|t| t.id).collect();
    crate::follow::refresh(pool, targets.clone(), &[], false).await?;
    let suggestions = crate::db::follow::list(pool, &ids).await?;
    let canonical: String = crate::db::tracking::cable(pool, &cable.trim().to_ascii_uppercase())
        .await?
        .map(|c| c.canonical_id)
        .unwrap_or_else(|| cable.trim().to_ascii_uppercase());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for t in &targets {
        let mine: Vec<&crate::db::follow::Suggestion> =
            suggestions.iter().filter(|s| s.commitment_id == t.id).collect();
        if json {
            let candidates: Vec<serde_json::Value> = mine
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "cable_id": s.cable_id,
                        "score": (f64::from(s.score) * 1000.0).round() / 1000.0,
                        "kind": s.kind,
                        "reasons": s.reasons.0,
                        "state": s.state,
                    })
                })
                .collect();
            let line = serde_json::json!({
                "commitment_id": t.id,
                "cable_id": canonical,
                "sentence": t.sentence,
                "candidates": candidates,
            });
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "commitment {}: {}", t.id, t.sentence)?;
            if mine.is_empty() {
                writeln!(out, "  no later cable found")?;
            }
            for s in mine {
                writeln!(
                    out,
                    "  {:>5.2}  {:<10} {}  {}",
                    s.score,
                    s.kind,
                    s.cable_id,
                    s.reasons.0.join("; ")
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Ok)
}

/// `ctrack suggest --all`: every commitment's suggestions, recomputed from scratch.
async fn suggest_all(pool: &sqlx::PgPool) -> anyhow::Result<Outcome> {
    let began = std::time::Instant::now();
    let targets = crate::db::follow::all_targets(pool).await?;
    let r = crate::follow::refresh(pool, targets, &[], true).await?;
    println!(
        "suggestions: {} for {} commitments in {:.3} s",
        r.suggestions,
        r.commitments,
        began.elapsed().as_secs_f64()
    );
    Ok(Outcome::Ok)
}

/// Where a file is written before it replaces `path`: beside it, so the rename is atomic.
fn partial_path(path: &std::path::Path) -> anyhow::Result<PathBuf> {
    use anyhow::Context;
    let dir =
        path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = path.file_name().context("--out names no file")?.to_string_lossy();
    Ok(dir.join(format!(".{name}.{}.partial", std::process::id())))
}

/// Writes `bytes` to `path` with permissions `mode`, replacing it only when all is written.
fn replace_file(path: &std::path::Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = partial_path(path)?;
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a password from the terminal without echoing it.
fn prompt_password(prompt: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let stdin = std::io::stdin();
    let fd = libc::STDIN_FILENO;
    let terminal = stdin.is_terminal();
    // SAFETY: termios is plain data; tcgetattr fills it, tcsetattr reads it.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    if terminal && unsafe { libc::tcgetattr(fd, &mut saved) } == 0 {
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    }
    let mut line = String::new();
    let read = stdin.read_line(&mut line);
    if terminal {
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
        eprintln!();
    }
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// `ctrack extract`: commitments per cable, on every core, in input order.
fn extract_files(paths: &[PathBuf], json: bool) -> anyhow::Result<Outcome> {
    let version = crate::extract::version();
    print_in_order(paths, |f| vec![extract_one(f, json, &version)])
}

/// Runs `lines` on every file under `paths` on every core, and prints what it returns in
/// input order; failures go to stderr after. The workers live for the whole run (a thread
/// that ends takes its warmed-up regex caches with it), take the next file as they finish
/// one, and the calling thread writes each file's lines as soon as those before it are out.
fn print_in_order<F>(paths: &[PathBuf], lines: F) -> anyhow::Result<Outcome>
where
    F: Fn(&std::path::Path) -> Vec<Result<String, ingest::Failure>> + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut failures = Vec::new();
    let files = ingest::discover_files(paths, &mut failures);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let (lines, files) = (&lines, &files);
    let next = AtomicUsize::new(0);
    let next = &next;
    std::thread::scope(|s| -> anyhow::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1024);
        for _ in 0..threads.min(files.len()) {
            let tx = tx.clone();
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    // A bug that panics on one file costs that file, not the run.
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lines(file)))
                            .unwrap_or_else(|_| {
                                vec![Err(ingest::Failure {
                                    file: file.clone(),
                                    row: None,
                                    cable: None,
                                    reason:
                                        "internal error while reading this file (a bug: please \
                                     report it with the file)"
                                            .into(),
                                })]
                            });
                    if tx.send((i, result)).is_err() {
                        break; // The writer has stopped.
                    }
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut written = 0;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(results) = pending.remove(&written) {
                for result in results {
                    match result {
                        Ok(line) => out.write_all(line.as_bytes())?,
                        Err(failure) => failures.push(failure),
                    }
                }
                written += 1;
            }
        }
        Ok(())
    })?;
    out.flush()?;
    for f in &failures {
        eprintln!("ctrack: {f}");
    }
    Ok(if failures.is_empty() { Outcome::Ok } else { Outcome::SomeFailed })
}

fn extract_one(
    path: &std::path::Path,
    json: bool,
    version: &str,
) -> Result<String, ingest::Failure> {
    let fail = |reason: String| ingest::Failure {
        file: path.to_path_buf(),
        row: None,
        cable: None,
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let c = cable::parse_bytes(&bytes, stem.as_deref()).map_err(|e| fail(e.to_string()))?;
    let commitments = crate::extract::commitments(&c);
    if json {
        let items: Vec<serde_json::Value> = commitments
            .iter()
            .map(|k| {
                serde_json::json!({
                    "paragraph": k.paragraph, "sentence": k.sentence, "start": k.start, "end": k.end,
                    "actor": k.actor, "actor_kind": k.actor_kind.as_str(), "country": k.country,
                    "category": k.category.as_str(), "deadline": k.deadline,
                    "due_date": k.due_date.map(|d| d.to_string()),
                    "due_precision": k.due_precision.map(|p| p.as_str()),
                    "quantity": k.quantity, "quantity_value": k.quantity_value,
                    "conditional": k.conditional, "confidence": k.confidence,
                    "extractor_version": version,
                })
            })
            .collect();
        let key =
            stem.filter(|s| cable::ids::looks_like_id(s)).unwrap_or_else(|| c.canonical_id.clone());
        Ok(format!(
            "{}\n",
            serde_json::json!({"cable_id": key, "canonical_id": c.canonical_id, "commitments": items})
        ))
    } else {
        Ok(commitments
            .iter()
            .map(|k| {
                format!(
                    "{}\t{}\t{:.2}\t{}\t{}\t{}\t{}\n",
                    c.canonical_id,
                    k.paragraph.as_deref().unwrap_or("-"),
                    k.confidence,
                    k.country.as_deref().unwrap_or("-"),
                    k.category.as_str(),
                    k.actor,
                    k.sentence
                )
            })
            .collect())
    }
}

/// `ctrack sentences`: the sentence segmentation, for inspection and labelling.
fn sentences(paths: &[PathBuf], candidates: bool, json: bool) -> anyhow::Result<Outcome> {
    use crate::extract::{cues, sentences};
    let mut failures = Vec::new();
    let files = ingest::discover_files(paths, &mut failures);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for path in files {
        let bytes = std::fs::read(&path)?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let c = match cable::parse_bytes(&bytes, stem.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("ctrack: {}: {e}", path.display());
                continue;
            }
        };
        let key = stem.unwrap_or_else(|| c.canonical_id.clone());
        for (i, s) in sentences::split(&c).iter().enumerate() {
            if candidates && !cues::ANY_CUE.is_match(&s.text) {
                continue;
            }
            if json {
                let v = serde_json::json!({
                    "cable_id": key, "index": i, "paragraph": s.paragraph, "start": s.start,
                    "end": s.end, "zone": format!("{:?}", s.zone).to_lowercase(), "sentence": s.text,
                    // The span as label files store it: in the file's decoded text.
                    "file_start": c.header.len() + s.start, "file_end": c.header.len() + s.end,
                });
                writeln!(out, "{v}")?;
            } else {
                let zone = match s.zone {
                    sentences::Zone::Body => String::new(),
                    z => format!(" ({z:?})").to_lowercase(),
                };
                writeln!(
                    out,
                    "{key}#{i} [{}]{zone} {}",
                    s.paragraph.as_deref().unwrap_or("-"),
                    s.text
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Ok)
}

/// `ctrack sql`: psql with the connection filled in.
async fn sql(args: &[String]) -> anyhow::Result<Outcome> {
    let location = Location::from_env();
    let db = Database::open(&location, 1).await?;
    let psql = crate::db::managed::find_binaries()
        .map(|dir| dir.join("psql"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("psql"));
    let status = tokio::process::Command::new(&psql)
        .arg("-d")
        .arg(db.url())
        .args(args)
        .status()
        .await
        .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", psql.display()))?;
    db.close().await;
    Ok(if status.success() { Outcome::Ok } else { Outcome::SomeFailed })
}

/// `ctrack parse`: parses on every core, prints in input order.
fn parse(paths: &[PathBuf], json: bool, text: bool) -> anyhow::Result<Outcome> {
    print_in_order(paths, |f| render(f, json, text))
}

/// One file's output lines (a cables.csv gives one per row).
fn render(path: &std::path::Path, json: bool, text: bool) -> Vec<Result<String, ingest::Failure>> {
    let fail = |row: Option<u64>, reason: String| {
        Err(ingest::Failure { file: path.to_path_buf(), row, cable: None, reason })
    };
    let one = |c: &cable::Cable, row: Option<u64>| -> String {
        if json {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["file"] = serde_json::json!(path.display().to_string());
            if let Some(row) = row {
                v["row"] = serde_json::json!(row);
            }
            if text {
                v["header"] = serde_json::json!(c.header);
                v["body"] = serde_json::json!(c.body);
            }
            format!("{v}\n")
        } else {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                c.canonical_id,
                c.sent_at.map(|t| t.date().to_string()).unwrap_or_else(|| "-".into()),
                c.tags.join(" "),
                c.subject.as_deref().unwrap_or("-"),
                path.display()
            )
        }
    };
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return vec![fail(None, format!("cannot read: {e}"))],
        };
        return cable::csv::rows(std::io::BufReader::new(file))
            .map(|row| match row.result {
                Ok(c) => Ok(one(&c, Some(row.line))),
                Err(e) => fail(Some(row.line), e.to_string()),
            })
            .collect();
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return vec![fail(None, format!("cannot read: {e}"))],
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    match cable::parse_bytes(&bytes, stem.as_deref()) {
        Ok(c) => vec![Ok(one(&c, None))],
        Err(e) => vec![fail(None, e.to_string())],
    }
}
