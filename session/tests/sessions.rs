//! The three stores, their errors, and importing what Telethon 1.45.0 writes.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ferrogram_session::{
    DcOption, MemorySession, PeerInfo, PeerKind, Session, SessionError, SqliteSession, UpdateState,
    telethon,
};

/// A fresh temporary directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ferrogram-session-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn alice(hash: i64, min: bool) -> PeerInfo {
    PeerInfo {
        id: 5,
        kind: PeerKind::User,
        access_hash: Some(hash),
        username: Some("Alice".into()),
        phone: Some("+1 555 0100".into()),
        name: Some("Alice Liddell".into()),
        min,
        migrated_to: None,
    }
}

fn fill(s: &dyn Session) {
    s.set_home_dc(2).unwrap();
    s.set_dc_options(&[
        DcOption {
            id: 2,
            addr: "127.0.0.1:4430".parse().unwrap(),
        },
        DcOption {
            id: 4,
            addr: "[2001:db8::1]:443".parse().unwrap(),
        },
    ])
    .unwrap();
    s.set_auth_key(2, Some(&[9; 256])).unwrap();
    s.set_auth_key(4, Some(&[8; 256])).unwrap();
    s.set_auth_key(4, None).unwrap();
    s.save_peers(&[
        alice(111, false),
        PeerInfo {
            id: 777,
            kind: PeerKind::Megagroup,
            access_hash: Some(-9),
            username: Some("@Group".into()),
            phone: None,
            name: Some("Group".into()),
            min: false,
            migrated_to: None,
        },
    ])
    .unwrap();
    // A min sighting must not replace the full access hash.
    s.save_peers(&[alice(222, true)]).unwrap();
    // A basic group that became supergroup 777, seen later without saying so:
    // the migration is kept.
    let mut group = PeerInfo {
        id: 888,
        kind: PeerKind::Chat,
        access_hash: None,
        username: None,
        phone: None,
        name: Some("Old group".into()),
        min: false,
        migrated_to: Some(777),
    };
    s.save_peers(std::slice::from_ref(&group)).unwrap();
    group.migrated_to = None;
    s.save_peers(&[group]).unwrap();
    s.set_update_state(&UpdateState {
        pts: 10,
        qts: 2,
        date: 1_700_000_000,
        seq: 3,
        channels: BTreeMap::from([(777, 55)]),
    })
    .unwrap();
}

fn check(s: &dyn Session) {
    assert_eq!(s.home_dc(), Some(2));
    assert_eq!(s.dc_options().len(), 2);
    assert_eq!(s.auth_key(2), Some([9; 256]));
    assert_eq!(s.auth_key(4), None);
    let a = s.peer(5).unwrap();
    assert_eq!((a.access_hash, a.min), (Some(111), false));
    assert_eq!(s.peer_by_username("@ALICE").unwrap().id, 5);
    assert_eq!(s.peer_by_phone("15550100").unwrap().id, 5);
    assert_eq!(
        s.peer(-1_000_000_000_777).unwrap().kind,
        PeerKind::Megagroup
    );
    assert_eq!(s.peer_by_username("group").unwrap().id, 777);
    assert_eq!(s.peer(-888).unwrap().migrated_to, Some(777));
    let u = s.update_state();
    assert_eq!((u.pts, u.qts, u.seq, u.channels[&777]), (10, 2, 3, 55));
}

#[test]
fn memory_session_stores_everything() {
    let s = MemorySession::new();
    fill(&s);
    check(&s);
    // The string form keeps DCs and keys only.
    let string = s.snapshot().to_session_string();
    let back = MemorySession::from_session_string(&string).unwrap();
    assert_eq!(back.home_dc(), Some(2));
    assert_eq!(back.auth_key(2), Some([9; 256]));
    assert_eq!(back.dc_options(), s.dc_options());
    assert!(back.peer(5).is_none());
}

#[test]
fn sqlite_session_survives_a_restart_with_private_permissions() {
    let dir = temp_dir("restart");
    let path = dir.join("a.session");
    {
        let s = SqliteSession::open(&path).unwrap();
        fill(&s);
        check(&s);
    }
    let s = SqliteSession::open(&path).unwrap();
    check(&s);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("9, 9, 9"), "no key in Debug: {dbg}");
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_version_1_file_is_migrated_keeping_its_peers() {
    let dir = temp_dir("version-1");
    let path = dir.join("v1.session");
    {
        let s = SqliteSession::open(&path).unwrap();
        s.save_peers(&[alice(111, false)]).unwrap();
    }
    // As a build of schema version 1 left it: no `migrated_to` column.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.execute_batch("ALTER TABLE peers DROP COLUMN migrated_to")
            .unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
    }
    let s = SqliteSession::open(&path).unwrap();
    assert_eq!(s.peer(5).unwrap().access_hash, Some(111));
    s.save_peers(&[PeerInfo {
        id: 9,
        kind: PeerKind::Chat,
        access_hash: None,
        username: None,
        phone: None,
        name: None,
        min: false,
        migrated_to: Some(10),
    }])
    .unwrap();
    drop(s);
    let s = SqliteSession::open(&path).unwrap();
    assert_eq!(s.peer(-9).unwrap().migrated_to, Some(10));
    drop(s);
    let c = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2, "the current schema");
    drop(c);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_client_on_the_same_file_is_told_it_is_locked() {
    let dir = temp_dir("locked");
    let path = dir.join("a.session");
    let first = SqliteSession::open(&path).unwrap();
    first.set_home_dc(2).unwrap();
    let e = SqliteSession::open(&path).unwrap_err();
    assert!(matches!(e, SessionError::Locked { .. }), "{e}");
    drop(first);
    let again = SqliteSession::open(&path).unwrap();
    assert_eq!(again.home_dc(), Some(2));
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_newer_and_foreign_files_are_refused_untouched() {
    let dir = temp_dir("refuse");
    let garbage = dir.join("garbage.session");
    std::fs::write(&garbage, vec![0x42; 4096]).unwrap();
    let e = SqliteSession::open(&garbage).unwrap_err();
    assert!(matches!(e, SessionError::Corrupt { .. }), "{e}");
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![0x42; 4096]);

    let newer = dir.join("newer.session");
    SqliteSession::open(&newer).unwrap().set_home_dc(3).unwrap();
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = std::fs::read(&newer).unwrap();
    let e = SqliteSession::open(&newer).unwrap_err();
    assert!(
        matches!(
            e,
            SessionError::NewerVersion {
                found: 99,
                supported: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("schema version 99"));
    assert_eq!(std::fs::read(&newer).unwrap(), before);

    let foreign = dir.join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch(
            "CREATE TABLE version (version INTEGER); CREATE TABLE sessions (dc_id INTEGER);",
        )
        .unwrap();
    }
    let e = SqliteSession::open(&foreign).unwrap_err();
    assert!(matches!(e, SessionError::Foreign { .. }), "{e}");
    assert!(e.to_string().contains("import_sqlite"), "{e}");

    // A Ferrogram file with a row this build cannot read is refused before
    // anything is written (it used to be switched to WAL and re-stamped first).
    let bad_row = dir.join("bad-row.session");
    SqliteSession::open(&bad_row)
        .unwrap()
        .set_home_dc(2)
        .unwrap();
    {
        let c = rusqlite::Connection::open(&bad_row).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.execute(
            "INSERT INTO peers (marked_id, id, kind, min) VALUES (5, 5, 99, 0)",
            [],
        )
        .unwrap();
    }
    let before = std::fs::read(&bad_row).unwrap();
    let e = SqliteSession::open(&bad_row).unwrap_err();
    assert!(matches!(e, SessionError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("unknown kind 99"), "{e}");
    assert_eq!(std::fs::read(&bad_row).unwrap(), before);

    // Tables of ours under schema version 0: the migration fails, and is rolled
    // back before the journal mode changes (the `session_sqlite` fuzz target
    // found it switched to WAL first).
    let half = dir.join("version-0.session");
    SqliteSession::open(&half).unwrap().set_home_dc(2).unwrap();
    {
        let c = rusqlite::Connection::open(&half).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", 0).unwrap();
    }
    let before = std::fs::read(&half).unwrap();
    let e = SqliteSession::open(&half).unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot migrate from schema version 0"),
        "{e}"
    );
    assert_eq!(std::fs::read(&half).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn telethon_sessions_import() {
    let Some(python) = peer::python("Telethon session import") else {
        return;
    };
    let dir = temp_dir("telethon");
    let base = dir.join("tele");
    let out = peer::run(
        &python,
        &[&peer::script("telethon_session.py"), base.to_str().unwrap()],
    );
    let strings: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let key: [u8; 256] = std::array::from_fn(|i| i as u8);

    let file = dir.join("tele.session");
    let before = std::fs::read(&file).unwrap();
    let d = telethon::import_sqlite(&file).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), before, "read-only import");
    assert_eq!(d.home_dc, Some(2));
    assert_eq!(
        d.dc_options,
        [DcOption {
            id: 2,
            addr: "127.0.0.1:4430".parse().unwrap()
        }]
    );
    assert_eq!(d.auth_keys[&2], key);
    let alice = d.peer_by_username("alice").unwrap();
    assert_eq!(
        (alice.id, alice.kind, alice.access_hash),
        (5, PeerKind::User, Some(111))
    );
    assert_eq!(alice.phone.as_deref(), Some("15550100"));
    assert_eq!(alice.name.as_deref(), Some("Alice Liddell"));
    assert_eq!(d.peers[&6].access_hash, Some(-222));
    let news = &d.peers[&-1_000_000_000_777];
    assert_eq!(
        (news.id, news.kind, news.access_hash),
        (777, PeerKind::Channel, Some(999))
    );
    let group = &d.peers[&-42];
    assert_eq!((group.kind, group.access_hash), (PeerKind::Chat, None));
    assert_eq!(
        (d.update_state.pts, d.update_state.qts, d.update_state.seq),
        (10, 2, 3)
    );
    assert_eq!(d.update_state.date, 1_767_323_045);
    assert_eq!(d.update_state.channels[&777], 55);

    // Saved into our own file, it survives a restart.
    let ours = dir.join("ours.session");
    SqliteSession::open(&ours)
        .unwrap()
        .replace_with(&d)
        .unwrap();
    assert_eq!(SqliteSession::open(&ours).unwrap().snapshot(), d);

    let v4 = telethon::import_string(strings["ipv4"].as_str().unwrap()).unwrap();
    assert_eq!(v4.home_dc, Some(2));
    assert_eq!(v4.dc_options[0].addr, "127.0.0.1:4430".parse().unwrap());
    assert_eq!(v4.auth_keys[&2], key);
    let v6 = telethon::import_string(strings["ipv6"].as_str().unwrap()).unwrap();
    assert_eq!(v6.dc_options[0].addr, "[2001:db8::1]:443".parse().unwrap());
    assert_eq!(v6.auth_keys[&4], key);

    let e = telethon::import_string("1AAAA").unwrap_err();
    assert!(e.to_string().contains("263 (IPv4) or 275 (IPv6)"), "{e}");
    let e = telethon::import_sqlite(dir.join("missing.session")).unwrap_err();
    assert!(matches!(e, SessionError::Io { .. }));
    // Our own file is not a Telethon session.
    let e = telethon::import_sqlite(&ours).unwrap_err();
    assert!(matches!(e, SessionError::Foreign { .. }), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
