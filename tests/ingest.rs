//! Ingest end to end, against a real PostgreSQL and the real binary: idempotent re-runs,
//! updates, bad input, and a run killed half way.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::db::TestDb;
use common::synth;
use ctrack::db::cables::counts;
use ctrack::ingest;

fn write_set(dir: &Path, cables: &[(String, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in cables {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn opts(paths: Vec<PathBuf>) -> ingest::Options {
    ingest::Options {
        paths,
        progress: ingest::Progress::Quiet,
        batch_size: 50,
        ..Default::default()
    }
}

fn ctrack(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .output()
        .expect("run ctrack")
}

#[tokio::test(flavor = "multi_thread")]
async fn ingesting_twice_stores_each_cable_once_and_reports_them_unchanged() {
    let db = TestDb::new().await;
    let dir = common::tempdir("twice");
    write_set(&dir, &synth::many(120));
    std::fs::copy("demo/cables/07DUSHANBE1057.txt", dir.join("07DUSHANBE1057.txt")).unwrap();

    let first = ingest::run(Some(&db.pool), &opts(vec![dir.clone()])).await.unwrap();
    assert_eq!((first.ingested, first.updated, first.unchanged), (121, 0, 0), "{first}");
    assert!(first.failed.is_empty(), "{first}");
    let after_first = counts(&db.pool).await.unwrap();
    assert_eq!(after_first.cables, 121);
    assert_eq!(after_first.refs, 120, "one REF in each synthetic cable, none in the seed");

    let second = ingest::run(Some(&db.pool), &opts(vec![dir.clone()])).await.unwrap();
    assert_eq!((second.ingested, second.updated, second.unchanged), (0, 0, 121), "{second}");
    assert_eq!(counts(&db.pool).await.unwrap(), after_first);

    // A changed file updates its cable and its references, nothing else.
    let name = "09SANJOSE7.txt";
    let changed = std::fs::read_to_string(dir.join(name))
        .unwrap()
        .replace("REF: STATE 1234", "REF: A. STATE 1234 B. SAN JOSE 5");
    std::fs::write(dir.join(name), changed).unwrap();
    let third = ingest::run(Some(&db.pool), &opts(vec![dir.clone()])).await.unwrap();
    assert_eq!((third.ingested, third.updated, third.unchanged), (0, 1, 120), "{third}");
    let refs: Vec<String> = sqlx::query_scalar(
        "SELECT target FROM cable_refs WHERE cable_id = '09SANJOSE7' ORDER BY position",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(refs, ["09STATE1234", "09SANJOSE5"]);

    // What is stored is what the parser saw.
    let (subject, countries, sent): (String, Vec<String>, String) = sqlx::query_as(
        "SELECT subject, countries, to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM cables WHERE id = '07DUSHANBE1057'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(subject, "TAJIKISTAN PROMISES CONTINUED ANTI-TIP REFORMS");
    assert_eq!(countries, ["TI"]);
    assert_eq!(sent, "2007-07-11 13:20");
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_reported_per_file_and_the_good_cables_still_go_in() {
    let db = TestDb::new().await;
    let dir = common::tempdir("bad");
    write_set(&dir, &synth::many(5));
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    std::fs::write(dir.join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    std::fs::write(
        dir.join("truncated.txt"),
        "VZCZCXRO9435\nRR RUEHLN\nDE RUEHDBU #1057 1921320\nZNR UUUUU ZZH\nR 111320Z JUL 07\nFM AMEMBASSY DUSHANBE\nTO RUEHC/SECSTATE WASHDC 0650\n",
    )
    .unwrap();
    // A 50 MB file: too big to be one cable.
    let big = std::fs::File::create(dir.join("huge.txt")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    // Latin-1: the pilcrow as the byte 0xB6, an accented letter as 0xE9.
    let latin1 = synth::cable(
        9,
        "LIMA",
        77,
        3,
        "CAF\u{c9} SUBJECT",
        &["Caf\u{e9} owners said they will pay."],
    )
    .replace("1. (SBU)", "\u{b6}1. (SBU)");
    let bytes: Vec<u8> = latin1.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    std::fs::write(dir.join("09LIMA77.txt"), bytes).unwrap();
    // A cables.csv with one good row and one broken row.
    let good = synth::cable(9, "QUITO", 12, 5, "CSV ROW", &["A row."]).replace('"', "\\\"");
    let csv = format!(
        "\"1\",\"07/05/2009 13:20\",\"09QUITO12\",\"Embassy Quito\",\"UNCLASSIFIED\",\"\",\"\",\"{good}\"\n\"2\",\"broken\"\n"
    );
    let broken_row = format!("cables.csv (row at line {})", csv.lines().count());
    std::fs::write(dir.join("cables.csv"), &csv).unwrap();
    // A symlink loop stands in for a path that cannot be read (root can read any
    // directory, so permissions alone would not fail here).
    std::os::unix::fs::symlink("loop", dir.join("loop")).unwrap();

    let out = ctrack(&db.url, &["ingest", "--progress", "none", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit status 1 when anything failed\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("ingested 7, updated 0, unchanged 0, failed 6"), "{stdout}");
    for (file, reason) in [
        ("empty.txt", "empty"),
        ("image.txt", "binary"),
        ("truncated.txt", "cut off"),
        ("huge.txt", "50.0 MiB"),
        (broken_row.as_str(), "has 2 fields"),
        ("loop", "cannot read"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no failure line for {file}:\n{stdout}"));
        assert!(line.contains(reason), "{file}: expected {reason:?} in {line:?}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    let body: String = sqlx::query_scalar("SELECT body FROM cables WHERE id = '09LIMA77'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(body.contains("¶1. (SBU) Café owners"), "Latin-1 decoded: {body}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM cables WHERE id = '09QUITO12'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "the good CSV row went in");
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_directory_is_reported_when_permissions_apply() {
    // As root, read permission is not enforced, so run the check as `nobody`.
    let dir = common::tempdir("unreadable");
    write_set(&dir.join("ok"), &synth::many(2));
    let locked = dir.join("locked");
    write_set(&locked, &synth::many(1));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ctrack"));
    cmd.args(["ingest", "--dry-run", "--progress", "none", dir.to_str().unwrap()]);
    if unsafe { libc::getuid() } == 0 {
        // The binary may sit under a directory `nobody` cannot enter: run a copy.
        let bin = common::tempdir("bin").join("ctrack");
        std::fs::copy(env!("CARGO_BIN_EXE_ctrack"), &bin).unwrap();
        for d in [bin.parent().unwrap(), dir.as_path(), &dir.join("ok")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        cmd = Command::new(&bin);
        cmd.args(["ingest", "--dry-run", "--progress", "none", dir.to_str().unwrap()]);
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let line =
        stdout.lines().find(|l| l.contains("locked")).expect("the locked directory is reported");
    assert!(
        line.contains("cannot read the directory") && line.contains("ermission denied"),
        "{line}"
    );
    assert!(stdout.contains("ingested 2,"), "{stdout}");
}

/// (id, content hash) of every stored cable, and the references, in order.
async fn snapshot(pool: &sqlx::PgPool) -> (Vec<(String, Vec<u8>)>, Vec<(String, i32, String)>) {
    let cables = sqlx::query_as("SELECT id, content_hash FROM cables ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    let refs = sqlx::query_as("SELECT cable_id, position, target FROM cable_refs ORDER BY 1, 2")
        .fetch_all(pool)
        .await
        .unwrap();
    (cables, refs)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_half_way_completes_on_the_next_run_exactly_as_a_clean_run() {
    let dir = common::tempdir("crash");
    write_set(&dir, &synth::many(3000));
    // The reference: one clean run.
    let clean = TestDb::new().await;
    let report = ingest::run(Some(&clean.pool), &opts(vec![dir.clone()])).await.unwrap();
    assert_eq!(report.ingested, 3000);

    // The user's path: no DATABASE_URL, a managed cluster in a data directory.
    let data = common::tempdir("crash-data");
    let managed_url =
        format!("postgresql://postgres@localhost:5432/ctrack?host={}", data.join("run").display());
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_ctrack"))
            .args([
                "ingest",
                "--progress",
                "none",
                "--batch-size",
                "20",
                "--workers",
                "1",
                dir.to_str().unwrap(),
            ])
            .env_remove("DATABASE_URL")
            .env("CTRACK_DATA_DIR", &data)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let child = spawn();
    // Kill it once some batches are stored, read through the server's own socket.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let stored = match sqlx::PgPool::connect(&managed_url).await {
            Ok(pool) => {
                let n: i64 = sqlx::query_scalar("SELECT count(*) FROM cables")
                    .fetch_one(&pool)
                    .await
                    .unwrap_or(0);
                pool.close().await;
                n
            }
            Err(_) => 0,
        };
        assert!(stored < 3000, "the run finished before it could be killed");
        if stored >= 300 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let killed = child.wait_with_output().unwrap();
    assert_eq!(killed.status.code(), None, "killed by a signal");
    // The server goes down with its ctrack (parent-death signal).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while data.join("pg/postmaster.pid").exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!data.join("pg/postmaster.pid").exists(), "the managed server stopped with its ctrack");

    let resumed = spawn().wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert_eq!(
        resumed.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let line = stdout.lines().next().unwrap();
    let num = |label: &str| -> usize {
        line.split(", ").find_map(|p| p.strip_prefix(label)).unwrap().trim().parse().unwrap()
    };
    let (ingested, unchanged) = (num("ingested "), num("unchanged "));
    assert!(ingested > 0 && unchanged >= 300 && ingested + unchanged == 3000, "{line}");

    // What the managed cluster holds is, row for row, what the clean run stored.
    let server = ctrack::db::ManagedPostgres::start(&data).unwrap();
    let pool = sqlx::PgPool::connect(&managed_url).await.unwrap();
    assert_eq!(snapshot(&pool).await, snapshot(&clean.pool).await);
    pool.close().await;
    drop(server);
    clean.drop_db().await;
}

/// `ctrack extract ... | head` is ended by the closed pipe as other Unix tools are, with
/// nothing on stderr; before, `println!` panicked with a backtrace.
#[test]
fn a_report_piped_into_a_reader_that_stops_early_ends_quietly() {
    use std::io::Read;
    let dir = common::tempdir("pipe");
    write_set(&dir, &synth::many(400));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["sentences", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then closed
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert!(out.status.success() || out.status.signal() == Some(libc::SIGPIPE), "{:?}", out.status);
}

/// A connection setting the database cannot honour stops `serve` at once with the number
/// that fits, instead of "too many clients" errors on pages under load.
#[tokio::test(flavor = "multi_thread")]
async fn serve_refuses_more_connections_than_the_database_accepts() {
    let db = TestDb::new().await;
    let max: i64 = sqlx::query_scalar("SELECT current_setting('max_connections')::bigint")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let too_many = (max / 2 + 1).to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_ctrack"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &db.url)
        .env("CTRACK_DB_CONNECTIONS", &too_many)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("CTRACK_DB_CONNECTIONS={too_many} lets")), "{stderr}");
    assert!(stderr.contains("or less"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("running at"));
    db.drop_db().await;
}
