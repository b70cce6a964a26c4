//! The session stores side by side (`cargo xtask bench --stores-only` runs
//! it beside a throwaway PostgreSQL server): peer-cache writes and lookups
//! per second on SQLite and PostgreSQL, a write's cost with and without a
//! lease, and how long a takeover takes. Prints one `STORES {json}` line.
//!
//! `cargo run --release -p ferrogram-session --features postgres --example
//! store_bench -- postgres://…/db`

use std::time::{Duration, Instant};

use ferrogram_session::{
    LeaseOptions, PeerInfo, PeerKind, PostgresSession, Session, SqliteSession, UpdateState,
};

/// 200 users as a participants page brings them, ids from `first`.
fn page(first: i64) -> Vec<PeerInfo> {
    (first..first + 200)
        .map(|id| PeerInfo {
            id,
            kind: PeerKind::User,
            access_hash: Some(id.wrapping_mul(0x9E37_79B9)),
            username: Some(format!("user_{id}")),
            phone: None,
            name: Some(format!("User {id}")),
            min: false,
            migrated_to: None,
        })
        .collect()
}

/// Per second, over `n` calls of `f`.
fn rate(n: usize, mut f: impl FnMut(usize)) -> f64 {
    let started = Instant::now();
    for i in 0..n {
        f(i);
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Mean microseconds per call over `n` calls.
fn micros(n: usize, mut f: impl FnMut(usize)) -> f64 {
    let started = Instant::now();
    for i in 0..n {
        f(i);
    }
    started.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn figures(s: &dyn Session, pages: usize) -> serde_json::Value {
    // New peers: what a first listing of a large group writes.
    let written = rate(pages, |i| {
        s.save_peers(&page(1 + 200 * i as i64)).unwrap();
    }) * 200.0;
    // The same sightings again: nothing changed, nothing written.
    let unchanged = rate(pages, |i| {
        s.save_peers(&page(1 + 200 * i as i64)).unwrap();
    }) * 200.0;
    let total = (pages * 200) as i64;
    let lookups = rate(100_000, |i| {
        let id = 1 + (i as i64 * 7919) % total;
        assert!(s.peer(id).is_some());
    });
    let by_username = rate(100_000, |i| {
        let id = 1 + (i as i64 * 7919) % total;
        assert!(s.peer_by_username(&format!("user_{id}")).is_some());
    });
    let mut state = UpdateState::default();
    let state_write = micros(500, |i| {
        state.pts = i as i32;
        s.set_update_state(&state).unwrap();
    });
    serde_json::json!({
        "peers_written_per_s": written,
        "peers_unchanged_per_s": unchanged,
        "lookups_per_s": lookups,
        "username_lookups_per_s": by_username,
        "update_state_write_us": state_write,
    })
}

fn main() {
    let url = std::env::args()
        .nth(1)
        .expect("usage: store_bench postgres://…/db");
    let pages = 50;
    let dir = std::env::temp_dir().join(format!("ferrogram-store-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = SqliteSession::open(dir.join("bench.session")).unwrap();
    let sqlite_figures = figures(&sqlite, pages);
    drop(sqlite);

    let pg = PostgresSession::connect(&url, "bench").unwrap();
    let pg_figures = figures(&pg, pages);
    // A peer another worker saw, not yet in this one's memory: one query.
    // (`fresh` loaded the account before `other` saved them.)
    let fresh = PostgresSession::connect(&url, "bench").unwrap();
    let other = PostgresSession::connect(&url, "bench").unwrap();
    other.save_peers(&page(1_000_000)).unwrap();
    let mut n = 0i64;
    let miss_us = micros(200, |_| {
        // Each id once: every lookup misses memory.
        n += 1;
        assert!(fresh.peer(999_999 + n).is_some());
    });
    drop((other, fresh));

    // Writes fenced by a lease (the token checked in the transaction).
    let leased_options = LeaseOptions::new()
        .holder("bench")
        .ttl(Duration::from_secs(2));
    let take_started = Instant::now();
    let leased = PostgresSession::connect_leased(&url, "leased", &leased_options).unwrap();
    let take_ms = take_started.elapsed().as_secs_f64() * 1e3;
    let mut state = UpdateState::default();
    let fenced_us = micros(500, |i| {
        state.pts = i as i32;
        leased.set_update_state(&state).unwrap();
    });
    let check_ns = micros(1_000_000, |_| {
        leased.check_lease().unwrap();
    }) * 1e3;
    let renew_us = micros(500, |_| {
        leased.renew_lease().unwrap();
    });
    // A takeover: the holder goes; a waiting worker gets the lease.
    let ttl = Duration::from_secs(1);
    let holder = PostgresSession::connect_leased(
        &url,
        "takeover",
        &LeaseOptions::new().holder("first").ttl(ttl),
    )
    .unwrap();
    let waiting = {
        let url = url.clone();
        std::thread::spawn(move || {
            let options = LeaseOptions::new().holder("second").ttl(ttl);
            PostgresSession::connect_leased(&url, "takeover", &options).map(|_| Instant::now())
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let gone = Instant::now();
    drop(holder);
    let took = waiting.join().unwrap().unwrap().duration_since(gone);
    // A clean hand-over: the holder closes (Session::close) instead.
    let holder = PostgresSession::connect_leased(
        &url,
        "handover",
        &LeaseOptions::new().holder("first").ttl(ttl),
    )
    .unwrap();
    let waiting = {
        let url = url.clone();
        std::thread::spawn(move || {
            let options = LeaseOptions::new().holder("second").ttl(ttl);
            PostgresSession::connect_leased(&url, "handover", &options).map(|_| Instant::now())
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let closed = Instant::now();
    holder.close().unwrap();
    let handed = waiting.join().unwrap().unwrap().duration_since(closed);
    let out = serde_json::json!({
        "sqlite": sqlite_figures,
        "postgres": pg_figures,
        "postgres_miss_lookup_us": miss_us,
        "lease_take_ms": take_ms,
        "fenced_update_state_write_us": fenced_us,
        "check_lease_ns": check_ns,
        "takeover_ttl_ms": ttl.as_millis() as u64,
        "takeover_ms": took.as_secs_f64() * 1e3,
        "renew_us": renew_us,
        "handover_ms": handed.as_secs_f64() * 1e3,
    });
    println!("STORES {out}");
    let _ = std::fs::remove_dir_all(&dir);
}
