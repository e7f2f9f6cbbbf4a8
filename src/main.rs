//! `ctrack`: parses arguments, sets up logging, runs the command, and turns the outcome
//! into an exit code (0 ok, 1 some inputs failed, 2 error, 130 interrupted).

use std::process::ExitCode;

use clap::Parser;
use ctrack::cli::{self, Cli, Outcome};

/// In a profile of the list page under load, glibc (mostly malloc and free across the
/// worker threads) took a third of the server's CPU time; with mimalloc the same page
/// serves 25-30% more requests a second (A/B, two rounds of 10 s of `wrk`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.is_report() {
        // `ctrack eval ... | head` ends quietly, as `grep` would, instead of panicking in
        // `println!` on a closed pipe. Commands that change the database or serve keep
        // Rust's default (SIGPIPE ignored, writes fail with an error they handle).
        // SAFETY: called before any thread is started; SIG_DFL is a valid disposition.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CTRACK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ctrack: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(e) => {
            // The whole chain: "cannot connect ...: Connection refused".
            let top = e.to_string();
            eprintln!("ctrack: error: {top}");
            for cause in e.chain().skip(1).map(|c| c.to_string()) {
                // Messages that already quote their cause are not repeated.
                if !top.contains(&cause) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::from(2)
        }
    }
}
