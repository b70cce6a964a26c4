//! Ferrogram's own SQLite session files, hostile: the fuzzer's bytes as the
//! file, or a real session file whose tables and header it fills with values
//! of any type. `SqliteSession::open` never panics; a file it refuses is left
//! byte for byte as it was; a file it accepts reopens to the same data.
#![no_main]

mod common;

use common::sql::{Scratch, fill};
use ferrogram_session::{Session, SqliteSession};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static SCRATCH: Scratch = Scratch::new("session-sqlite");
}

fn build(path: &std::path::Path, u: &mut Unstructured<'_>, header: bool) {
    drop(SqliteSession::open(path).expect("a new session file"));
    let conn = rusqlite::Connection::open(path).expect("reopen");
    // Everything in the main file, so "unchanged" means the file's bytes.
    conn.pragma_update(None, "journal_mode", "DELETE")
        .expect("journal mode");
    let _ = fill(&conn, u, "meta", &["key", "value"]);
    let _ = fill(&conn, u, "dc_options", &["id", "ip", "port"]);
    let _ = fill(&conn, u, "auth_keys", &["dc_id", "auth_key"]);
    let _ = fill(
        &conn,
        u,
        "peers",
        &[
            "marked_id",
            "id",
            "kind",
            "access_hash",
            "username",
            "phone",
            "name",
            "min",
        ],
    );
    let _ = fill(
        &conn,
        u,
        "update_state",
        &["channel_id", "pts", "qts", "date", "seq"],
    );
    if header {
        if let Ok(v) = u.int_in_range(-2i64..=3) {
            let _ = conn.pragma_update(None, "user_version", v);
        }
        if let Ok(true) = u.arbitrary::<bool>() {
            let _ = conn.pragma_update(None, "application_id", u.arbitrary::<i32>().unwrap_or(0));
        }
        if let Ok(true) = u.arbitrary::<bool>() {
            let _ = conn.execute_batch("DROP TABLE peers; CREATE VIEW peers AS SELECT 1 AS id;");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    SCRATCH.with(|scratch| {
        let path = scratch.file("fuzz.session");
        let mut u = Unstructured::new(data);
        match u.int_in_range(0u8..=2).unwrap_or(0) {
            0 => std::fs::write(&path, u.take_rest()).expect("write"),
            mode => build(&path, &mut u, mode == 2),
        }
        let before = std::fs::read(&path).expect("read");
        match SqliteSession::open(&path) {
            Err(_) => assert!(
                std::fs::read(&path).expect("read") == before,
                "a session file open() refused was modified"
            ),
            Ok(s) => {
                let snapshot = s.snapshot();
                drop(s);
                let again = SqliteSession::open(&path).expect("a file open() accepted reopens");
                assert_eq!(again.snapshot(), snapshot);
            }
        }
    });
});
