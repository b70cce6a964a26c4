//! `ferrogram-testserver`: runs the test server until killed.
//!
//! When ready it prints exactly one JSON line to stdout (addresses, DC ids, the RSA
//! public key PEM and credentials; see the crate docs) and flushes it.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// A Telegram-compatible MTProto server on 127.0.0.1 for offline tests.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Where the home DC listens (the other DCs take ephemeral ports on the same IP).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The RSA private key (PEM); default: the fixed test key.
    #[arg(long)]
    rsa_key: Option<PathBuf>,
    /// A JSON fixture: accounts, fault knobs, migrations (see the crate docs).
    #[arg(long)]
    fixture: Option<PathBuf>,
    /// Write one JSON line per decoded request here (secrets redacted).
    #[arg(long)]
    log_requests: Option<PathBuf>,
    /// Synthetic members of the default supergroup.
    #[arg(long, default_value_t = ferrogram_testserver::DEFAULT_MEMBERS)]
    members: usize,
    /// Seed for the server's randomness (reproducible runs).
    #[arg(long)]
    seed: Option<u64>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut builder = ferrogram_testserver::TestServer::builder()
        .listen(args.listen)
        .members(args.members);
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if let Some(path) = &args.rsa_key {
        builder = or_exit(builder.rsa_key_file(path), 2);
    }
    if let Some(path) = &args.fixture {
        builder = or_exit(builder.fixture(path), 2);
    }
    if let Some(path) = &args.log_requests {
        builder = or_exit(builder.log_requests(path), 2);
    }
    let server = or_exit(builder.start().await, 1);
    let mut out = std::io::stdout().lock();
    let line = serde_json::to_string(&server.info()).unwrap_or_else(|e| {
        eprintln!("ferrogram-testserver: {e}");
        std::process::exit(1)
    });
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    drop(out);
    // Serve until killed.
    std::future::pending::<()>().await;
}

/// The value, or the error on stderr and exit with `code` (2: bad arguments or
/// files, 1: the server could not start).
fn or_exit<T>(r: Result<T, ferrogram_testserver::Error>, code: i32) -> T {
    r.unwrap_or_else(|e| {
        eprintln!("ferrogram-testserver: {e}");
        std::process::exit(code)
    })
}
