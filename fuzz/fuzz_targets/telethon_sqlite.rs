//! Telethon `.session` files, hostile: the fuzzer's bytes as the file, or a
//! database with Telethon's tables (declared types or none) holding values of
//! any type. `telethon::import_sqlite` never panics and never modifies the
//! file; what it imports can be saved into a Ferrogram session and read back.
#![no_main]

mod common;

use common::sql::{Scratch, fill};
use ferrogram_session::{Session, SessionData, SqliteSession, telethon};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static SCRATCH: Scratch = Scratch::new("telethon-sqlite");
}

/// Telethon 1.45's schema (version 7 and 8 files).
const TYPED: &str = "CREATE TABLE version (version integer primary key);
    CREATE TABLE sessions (dc_id integer primary key, server_address text, port integer,
                           auth_key blob, takeout_id integer);
    CREATE TABLE entities (id integer primary key, hash integer not null, username text,
                           phone integer, name text, date integer);
    CREATE TABLE update_state (id integer primary key, pts integer, qts integer,
                               date integer, seq integer);";

/// The same tables without declared types: values keep whatever type they have.
const UNTYPED: &str = "CREATE TABLE version (version);
    CREATE TABLE sessions (dc_id, server_address, port, auth_key, takeout_id);
    CREATE TABLE entities (id, hash, username, phone, name, date);
    CREATE TABLE update_state (id, pts, qts, date, seq);";

fn build(path: &std::path::Path, u: &mut Unstructured<'_>, typed: bool) {
    let conn = rusqlite::Connection::open(path).expect("create");
    conn.execute_batch(if typed { TYPED } else { UNTYPED })
        .expect("schema");
    let _ = conn.execute(
        "INSERT INTO version VALUES (?1)",
        [u.int_in_range(0i64..=9).unwrap_or(7)],
    );
    let _ = fill(&conn, u, "version", &["version"]);
    let _ = fill(
        &conn,
        u,
        "sessions",
        &["dc_id", "server_address", "port", "auth_key"],
    );
    let _ = fill(
        &conn,
        u,
        "entities",
        &["id", "hash", "username", "phone", "name"],
    );
    let _ = fill(
        &conn,
        u,
        "update_state",
        &["id", "pts", "qts", "date", "seq"],
    );
}

/// What a saved session must give back: the import with its DC options as a
/// set (a Ferrogram file keeps one row per distinct option).
fn normalized(mut d: SessionData) -> SessionData {
    let mut seen = std::collections::HashSet::new();
    d.dc_options.retain(|o| seen.insert((o.id, o.addr)));
    d
}

fuzz_target!(|data: &[u8]| {
    SCRATCH.with(|scratch| {
        let path = scratch.file("telethon.session");
        let mut u = Unstructured::new(data);
        match u.int_in_range(0u8..=2).unwrap_or(0) {
            0 => std::fs::write(&path, u.take_rest()).expect("write"),
            mode => build(&path, &mut u, mode == 1),
        }
        let before = std::fs::read(&path).expect("read");
        let imported = telethon::import_sqlite(&path);
        assert!(
            std::fs::read(&path).expect("read") == before,
            "import_sqlite modified the Telethon file"
        );
        if let Ok(d) = imported {
            let ours = scratch.file("ours.session");
            SqliteSession::open(&ours)
                .expect("a new session file")
                .replace_with(&d)
                .expect("an imported session saves");
            let back = SqliteSession::open(&ours).expect("reopens").snapshot();
            assert_eq!(back, normalized(d));
        }
    });
});
