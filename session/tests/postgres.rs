//! `PostgresSession` against a real PostgreSQL server: the one
//! `cargo xtask test` (or `cargo xtask postgres cargo test …`) starts and
//! names in `FERROGRAM_TEST_POSTGRES`. Without it the tests skip with a
//! message, unless `FERROGRAM_POSTGRES=required`. Each test works in a
//! database of its own.
#![cfg(feature = "postgres")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ferrogram_session::{
    DcOption, LeaseOptions, PeerInfo, PeerKind, PostgresSession, Session, SessionData,
    SessionError, UpdateState,
};

fn user(id: i64, username: Option<&str>, hash: i64, min: bool) -> PeerInfo {
    PeerInfo {
        id,
        kind: PeerKind::User,
        access_hash: Some(hash),
        username: username.map(str::to_owned),
        phone: None,
        name: Some(format!("user {id}")),
        min,
        migrated_to: None,
    }
}

#[test]
fn everything_written_reads_back_after_a_reconnect() {
    let Some(url) = ferrogram_session::test_database("round_trip") else {
        return;
    };
    let s = PostgresSession::connect(&url, "ada").unwrap();
    assert_eq!(s.snapshot(), SessionData::default());
    s.set_home_dc(2).unwrap();
    let options = vec![
        DcOption {
            id: 2,
            addr: "127.0.0.2:443".parse().unwrap(),
        },
        DcOption {
            id: 1,
            addr: "[::1]:80".parse().unwrap(),
        },
    ];
    s.set_dc_options(&options).unwrap();
    s.set_auth_key(2, Some(&[7u8; 256])).unwrap();
    s.set_auth_key(4, Some(&[9u8; 256])).unwrap();
    s.set_auth_key(4, None).unwrap();
    let mut peers = vec![user(10, Some("Ada_L"), 100, false)];
    peers.push(PeerInfo {
        id: 55,
        kind: PeerKind::Channel,
        access_hash: Some(-3),
        username: None,
        phone: None,
        name: Some("news".into()),
        min: false,
        migrated_to: None,
    });
    peers.push(PeerInfo {
        phone: Some("+44 7700 900123".into()),
        ..user(11, None, 110, false)
    });
    s.save_peers(&peers).unwrap();
    let state = UpdateState {
        pts: 5,
        qts: 6,
        date: 7,
        seq: 8,
        channels: BTreeMap::from([(55, 9), (56, 10)]),
    };
    s.set_update_state(&state).unwrap();
    // A channel forgotten is gone from the store too.
    let fewer = UpdateState {
        channels: BTreeMap::from([(55, 11)]),
        ..state.clone()
    };
    s.set_update_state(&fewer).unwrap();
    let before = s.snapshot();
    drop(s);

    let again = PostgresSession::connect(&url, "ada").unwrap();
    let after = again.snapshot();
    assert_eq!(after, before);
    assert_eq!(after.home_dc, Some(2));
    assert_eq!(after.dc_options, options);
    assert_eq!(after.auth_keys.keys().copied().collect::<Vec<_>>(), vec![2]);
    assert_eq!(after.update_state, fewer);
    assert_eq!(again.peer_by_username("@ada_l").unwrap().id, 10);
    assert_eq!(again.peer_by_phone("447700900123").unwrap().id, 11);
    // Another account in the same schema sees none of it.
    let other = PostgresSession::connect(&url, "bob").unwrap();
    assert_eq!(other.snapshot(), SessionData::default());
    assert!(other.peer(10).is_none());
}

/// Two processes of one account share the peer cache: what one saved, the
/// other resolves without having seen it; the merge rules hold across them.
#[test]
fn workers_share_the_peer_cache_and_its_merge_rules() {
    let Some(url) = ferrogram_session::test_database("shared_cache") else {
        return;
    };
    let one = PostgresSession::connect(&url, "bot").unwrap();
    let two = PostgresSession::connect(&url, "bot").unwrap();
    one.save_peers(&[user(20, Some("carol"), 200, false)])
        .unwrap();
    // Not in two's memory: found in the database, by id and by username.
    assert_eq!(two.peer(20).unwrap().access_hash, Some(200));
    assert_eq!(two.peer_by_username("CAROL").unwrap().id, 20);
    // A min sighting in two never replaces the full access hash one saved.
    two.save_peers(&[user(21, None, 1, false)]).unwrap();
    two.save_peers(&[PeerInfo {
        name: Some("Carol B".into()),
        ..user(20, None, 999, true)
    }])
    .unwrap();
    let third = PostgresSession::connect(&url, "bot").unwrap();
    let carol = third.peer(20).unwrap();
    assert_eq!(carol.access_hash, Some(200), "{carol:?}");
    assert!(!carol.min);
    assert_eq!(carol.name.as_deref(), Some("Carol B"));
    assert_eq!(
        carol.username.as_deref(),
        Some("carol"),
        "kept: unknown in the sighting"
    );
    // A username moves to its newest holder, in every worker's view.
    one.save_peers(&[user(22, Some("carol"), 220, false)])
        .unwrap();
    let fourth = PostgresSession::connect(&url, "bot").unwrap();
    assert_eq!(fourth.peer_by_username("carol").unwrap().id, 22);
    assert_eq!(fourth.peer(20).unwrap().username, None);
}

#[test]
fn an_import_replaces_the_account() {
    let Some(url) = ferrogram_session::test_database("replace") else {
        return;
    };
    let s = PostgresSession::connect(&url, "ada").unwrap();
    s.save_peers(&[user(1, Some("old"), 1, false)]).unwrap();
    s.set_auth_key(1, Some(&[1u8; 256])).unwrap();
    let mut new = SessionData::default();
    new.home_dc = Some(4);
    new.auth_keys.insert(4, [4u8; 256]);
    new.merge_peers(&[user(2, Some("new"), 2, false)]);
    s.replace_with(&new).unwrap();
    let back = PostgresSession::connect(&url, "ada").unwrap().snapshot();
    assert_eq!(back, new);
    assert!(!back.peers.contains_key(&1));
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let Some(url) = ferrogram_session::test_database("newer") else {
        return;
    };
    drop(PostgresSession::connect(&url, "ada").unwrap());
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.execute("UPDATE ferrogram_schema SET version = 999", &[])
        .unwrap();
    match PostgresSession::connect(&url, "ada") {
        Err(SessionError::NewerVersion { found, .. }) => assert_eq!(found, 999),
        other => panic!("{other:?}"),
    }
    let v: i64 = c
        .query_one("SELECT version FROM ferrogram_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(v, 999);
}

#[test]
fn workers_starting_together_migrate_once() {
    let Some(url) = ferrogram_session::test_database("together") else {
        return;
    };
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let url = url.clone();
            std::thread::spawn(move || PostgresSession::connect(&url, &format!("w{}", i % 2)))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
}

#[test]
fn unreachable_and_refused_are_told_apart_and_passwords_never_show() {
    let Some(url) = ferrogram_session::test_database("errors") else {
        return;
    };
    // Nothing listens on port 1.
    match PostgresSession::connect("postgres://ada:s3cret@127.0.0.1:1/x", "ada") {
        Err(e @ SessionError::Unreachable { .. }) => {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        other => panic!("{other:?}"),
    }
    // A role that may log in but not create the tables.
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute(
        "DROP ROLE IF EXISTS ferrogram_reader; CREATE ROLE ferrogram_reader LOGIN;
         REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
    )
    .unwrap();
    let reader = url.replacen("postgres://postgres@", "postgres://ferrogram_reader@", 1);
    match PostgresSession::connect(&reader, "ada") {
        Err(SessionError::PermissionDenied { reason, .. }) => {
            assert!(reason.contains("permission denied"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // A URL without the account's name.
    assert!(matches!(
        PostgresSession::open(&url),
        Err(SessionError::InvalidUrl { .. })
    ));
    let with_account = format!("{url}?account=ada");
    assert_eq!(
        PostgresSession::open(&with_account).unwrap().account(),
        "ada"
    );
}

/// Used from an async runtime of either flavour (the client's, the CLI's
/// current-thread one): the store's calls neither panic nor stall it.
#[test]
fn calls_from_inside_async_runtimes() {
    let Some(url) = ferrogram_session::test_database("runtimes") else {
        return;
    };
    let current = std::thread::spawn({
        let url = url.clone();
        move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            rt.block_on(async move {
                let s = PostgresSession::connect(&url, "cur").unwrap();
                s.set_home_dc(3).unwrap();
                s.save_peers(&[user(1, Some("x"), 1, false)]).unwrap();
                // A lease too (taken on a thread of its own: the blocking
                // driver cannot start its runtime inside this one).
                let options = LeaseOptions::new().ttl(Duration::from_millis(600));
                let leased = PostgresSession::connect_leased(&url, "cur-leased", &options).unwrap();
                leased.set_home_dc(4).unwrap();
                assert!(leased.check_lease().is_ok());
                s.home_dc()
            })
        }
    });
    assert_eq!(current.join().unwrap(), Some(3));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let got = rt.block_on(async move {
        let s = PostgresSession::connect(&url, "multi").unwrap();
        tokio::spawn(async move {
            s.set_home_dc(5).unwrap();
            s.home_dc()
        })
        .await
        .unwrap()
    });
    assert_eq!(got, Some(5));
}

fn leased(
    url: &str,
    holder: &str,
    ttl_ms: u64,
    wait_ms: u64,
) -> Result<PostgresSession, SessionError> {
    let options = LeaseOptions::new()
        .holder(holder)
        .ttl(Duration::from_millis(ttl_ms))
        .wait(Some(Duration::from_millis(wait_ms)));
    PostgresSession::connect_leased(url, "shared", &options)
}

/// One holder at a time; the next takes over within about one TTL of the
/// holder's end, with the next fencing token, and reads what it left.
#[test]
fn one_holder_at_a_time_and_a_takeover_within_a_ttl() {
    let Some(url) = ferrogram_session::test_database("lease_takeover") else {
        return;
    };
    let a = leased(&url, "a", 600, 0).unwrap();
    let token = a.lease_token().unwrap();
    a.set_home_dc(4).unwrap();
    // Held (and renewed: well past one TTL) while a lives.
    match leased(&url, "b", 600, 1_500) {
        Err(SessionError::LeaseHeld { holder, .. }) => assert_eq!(holder, "a"),
        other => panic!("{other:?}"),
    }
    assert!(a.check_lease().is_ok(), "still a's after renewals");
    drop(a);
    let started = Instant::now();
    let b = leased(&url, "b", 600, 10_000).unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(b.lease_token(), Some(token + 1));
    assert_eq!(b.home_dc(), Some(4), "what the last holder wrote");
    b.set_home_dc(5).unwrap();
}

/// A holder that closes (`Session::close`, what `Client::close` ends with)
/// hands the lease on at once, however long its TTL, and writes nothing
/// more.
#[test]
fn a_closed_holder_hands_the_lease_on_at_once() {
    let Some(url) = ferrogram_session::test_database("lease_close") else {
        return;
    };
    let a = leased(&url, "a", 60_000, 0).unwrap();
    a.set_home_dc(2).unwrap();
    let token = a.lease_token().unwrap();
    a.renew_lease().unwrap();
    a.close().unwrap();
    assert!(matches!(
        a.renew_lease(),
        Err(SessionError::LeaseLost { .. })
    ));
    assert!(matches!(
        a.check_lease(),
        Err(SessionError::LeaseLost { .. })
    ));
    assert!(matches!(
        a.set_home_dc(3),
        Err(SessionError::LeaseLost { .. })
    ));
    a.close().unwrap(); // twice: nothing more
    let started = Instant::now();
    let b = leased(&url, "b", 60_000, 2_000).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(b.lease_token().unwrap() > token);
    assert_eq!(b.home_dc(), Some(2));
    // Closing a session without a lease does nothing.
    let plain = PostgresSession::connect(&url, "shared").unwrap();
    plain.close().unwrap();
    assert!(b.check_lease().is_ok());
}

/// A holder whose lease was taken over writes nothing, and learns it.
#[test]
fn a_holder_whose_lease_was_taken_writes_nothing() {
    let Some(url) = ferrogram_session::test_database("lease_fenced") else {
        return;
    };
    let a = leased(&url, "a", 60_000, 0).unwrap();
    a.set_home_dc(2).unwrap();
    // The database's clock says a's lease is over (a paused process, say):
    // b takes it.
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute(
            "UPDATE ferrogram_leases SET expires_at = clock_timestamp() - interval '1 second'",
            &[],
        )
        .unwrap();
    let b = leased(&url, "b", 60_000, 1_000).unwrap();
    assert_eq!(b.lease_token(), Some(a.lease_token().unwrap() + 1));
    match a.set_home_dc(3) {
        Err(SessionError::LeaseLost { account, .. }) => assert_eq!(account, "shared"),
        other => panic!("{other:?}"),
    }
    let dc: Option<i32> = admin
        .query_one(
            "SELECT home_dc FROM ferrogram_accounts WHERE account = 'shared'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(dc, Some(2), "the fenced write did not land");
    // Renewing tells a as much.
    assert!(matches!(
        a.renew_lease(),
        Err(SessionError::LeaseLost { .. })
    ));
    b.set_home_dc(6).unwrap();
}

/// A holder cut off from the database stops by its own deadline, before
/// the database would let another process take the lease.
#[test]
fn a_holder_cut_off_stops_before_its_lease_expires() {
    let Some(url) = ferrogram_session::test_database("lease_cut_off") else {
        return;
    };
    // The schema first (as the administrator), then a role for the worker.
    drop(PostgresSession::connect(&url, "shared").unwrap());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(
            "DROP ROLE IF EXISTS ferrogram_worker_a;
             CREATE ROLE ferrogram_worker_a LOGIN;
             GRANT ALL ON ALL TABLES IN SCHEMA public TO ferrogram_worker_a;",
        )
        .unwrap();
    let worker = url.replacen("postgres://postgres@", "postgres://ferrogram_worker_a@", 1);
    let a = {
        let options = LeaseOptions::new()
            .holder("a")
            .ttl(Duration::from_millis(1_500));
        PostgresSession::connect_leased(&worker, "shared", &options).unwrap()
    };
    assert!(a.check_lease().is_ok());
    // Cut off: the role may no longer log in, its connections are closed.
    admin
        .batch_execute(
            "ALTER ROLE ferrogram_worker_a NOLOGIN;
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE usename = 'ferrogram_worker_a';",
        )
        .unwrap();
    let started = Instant::now();
    while a.check_lease().is_ok() {
        assert!(started.elapsed() < Duration::from_secs(10), "never stopped");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Stopped while the database still counts the lease as a's.
    let still: bool = admin
        .query_one(
            "SELECT expires_at > clock_timestamp() FROM ferrogram_leases WHERE account = 'shared'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(still, "a stopped only after its lease had expired");
    assert!(matches!(
        a.set_home_dc(9),
        Err(SessionError::LeaseLost { .. })
    ));
}
