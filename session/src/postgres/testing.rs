//! A fresh database for the workspace's tests.

use postgres::{Client, NoTls};

/// A fresh, empty database named `ferrogram_{name}` on the PostgreSQL
/// server the workspace's tests are given (`FERROGRAM_TEST_POSTGRES`, set by
/// `cargo xtask test` and `cargo xtask postgres`), and its URL; `None` (the
/// test skips, saying why) without one, unless `FERROGRAM_POSTGRES=required`,
/// which panics. Safe to call from an async test: the blocking driver runs
/// on a thread of its own. For tests, not a stable API.
#[doc(hidden)]
pub fn test_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("FERROGRAM_TEST_POSTGRES") else {
        assert!(
            std::env::var("FERROGRAM_POSTGRES").as_deref() != Ok("required"),
            "FERROGRAM_POSTGRES=required but FERROGRAM_TEST_POSTGRES is not set"
        );
        eprintln!(
            "skipped: no PostgreSQL (run under `cargo xtask postgres` or `cargo xtask test`)"
        );
        return None;
    };
    let db = format!("ferrogram_{name}");
    let (url, made) = (admin.clone(), db.clone());
    std::thread::spawn(move || {
        let mut c = Client::connect(&url, NoTls).expect("the test PostgreSQL server");
        // One statement per call: neither may run inside a transaction block.
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {made} WITH (FORCE)"))
            .expect("no old database");
        c.batch_execute(&format!("CREATE DATABASE {made}"))
            .expect("a fresh database");
    })
    .join()
    .expect("the database made");
    let (base, _) = admin.rsplit_once('/')?;
    Some(format!("{base}/{db}"))
}
