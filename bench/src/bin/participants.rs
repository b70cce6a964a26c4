//! Lists a supergroup of a running testserver with ferrogram-chat-mgmt, and
//! measures it.
//!
//! Usage: participants INFO_JSON MODE [SESSION [MIN_CPU_S [CLI]]].
//!
//! SESSION is `memory` (the default) or `sqlite` (a fresh SQLite file, as the
//! CLI keeps), on tokio's multi-thread runtime with 2 workers, or with `/current`
//! (`sqlite/current`) on its current-thread runtime, as the CLI runs. Signs in as the server's owner account (2FA) and lists
//! `@ferrogram_lounge` without keeping the participants. MODE:
//! - `plain` (one listing, capped at 10,000 by the server) or `aggressive`
//!   (every member, past the cap): twice, printing one JSON line with both
//!   passes: members listed, wall seconds, client CPU seconds, the peak heap
//!   growth during the listing (a counting global allocator) and the bytes of
//!   the iterator's set of seen ids.
//! - `window`: the plain listing repeated until the CPU spent from each first
//!   `channels.getParticipants` to its last answer adds up to MIN_CPU_S (at most
//!   200 listings); with CLI (the `ferrogram` binary) the same listing by the
//!   CLI on its SQLite session, 5 times, net of 5 runs that list one member.
//!
//! CPU is user + system time from getrusage (microseconds).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ferrogram_chat_mgmt::ChatManagement;
use ferrogram_client::{Client, Config};
use ferrogram_session::{MemorySession, SqliteSession};

/// Counts live heap bytes and their peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only
// counters are updated around it. (The one reviewed use of unsafe in the bench
// workspace: counting allocations needs a global allocator.)
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

use ferrogram_bench::cpu_seconds_of;

fn cpu_seconds() -> f64 {
    cpu_seconds_of(libc::RUSAGE_SELF)
}

/// Lists the supergroup once without keeping anyone; returns the count.
async fn list(client: &Client, aggressive: bool) -> (usize, ferrogram_chat_mgmt::ParticipantIter) {
    let mut it = client
        .iter_participants("@ferrogram_lounge")
        .aggressive(aggressive)
        .pace(Duration::ZERO);
    let mut members = 0usize;
    while let Some(p) = it.next().await {
        let p = p.expect("participant");
        std::hint::black_box(&p);
        members += 1;
    }
    (members, it)
}

/// The plain listing repeated until its windows hold `min_cpu` CPU seconds.
async fn window(client: &Client, min_cpu: f64) -> serde_json::Value {
    let (mut members, mut listings, mut cpu, mut wall) = (0usize, 0u32, 0.0, 0.0);
    while listings == 0 || (cpu < min_cpu && listings < 200) {
        let before = cpu_seconds();
        let started = Instant::now();
        members += list(client, false).await.0;
        wall += started.elapsed().as_secs_f64();
        cpu += cpu_seconds() - before;
        listings += 1;
    }
    serde_json::json!({"members": members, "listings": listings, "cpu_s": cpu, "wall_s": wall})
}

/// The CLI's CPU for one plain listing on its SQLite session: the median of 5
/// full listings minus the median of 5 runs listing one member (start-up,
/// session, connection and resolving the chat), from RUSAGE_CHILDREN.
fn cli_listing(cli: &str, info: &serde_json::Value) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("ferrogram-bench-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let key = dir.join("server.pem");
    std::fs::write(&key, info["rsa_public_key_pem"].as_str().unwrap()).expect("key");
    let session = dir.join("session.sqlite");
    let run = |args: &[&str]| -> (f64, usize) {
        let before = cpu_seconds_of(libc::RUSAGE_CHILDREN);
        let out = std::process::Command::new(cli)
            .args(["--session", session.to_str().unwrap()])
            .args(["--server", info["addr"].as_str().unwrap()])
            .args(["--rsa-key", key.to_str().unwrap()])
            .args(args)
            .output()
            .expect("run the CLI");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = out.stdout.iter().filter(|&&b| b == b'\n').count();
        (
            cpu_seconds_of(libc::RUSAGE_CHILDREN) - before,
            rows.saturating_sub(1),
        )
    };
    let user = &info["user"];
    run(&[
        "login",
        "--phone",
        user["phone"].as_str().unwrap(),
        "--code",
        user["code"].as_str().unwrap(),
        "--password",
        user["password"].as_str().unwrap(),
    ]);
    let listing = ["participants", "@ferrogram_lounge", "--format", "csv"];
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut full = Vec::new();
    let mut base = Vec::new();
    let mut members = 0;
    for _ in 0..5 {
        let (cpu, rows) = run(&listing);
        full.push(cpu);
        members = rows;
        base.push(run(&[&listing[..], &["--limit", "1"]].concat()).0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    serde_json::json!({
        "members": members,
        "cpu_s": median(full.clone()) - median(base.clone()),
        "full_cpu_s": median(full),
        "baseline_cpu_s": median(base),
    })
}

fn main() {
    // SESSION may end in `/current`: tokio's current-thread runtime instead of
    // the multi-thread one with 2 workers.
    let current = std::env::args()
        .nth(3)
        .is_some_and(|s| s.ends_with("/current"));
    ferrogram_bench::runtime(current).block_on(run());
}

async fn run() {
    let args: Vec<String> = std::env::args().collect();
    let info: serde_json::Value = serde_json::from_str(&args[1]).expect("server JSON");
    let mode = args.get(2).map_or("plain", String::as_str);
    let aggressive = mode == "aggressive";
    let sqlite = args.get(3).is_some_and(|s| s.starts_with("sqlite"));
    let addr = info["addr"].as_str().unwrap().parse().unwrap();
    let dc = info["dc_id"].as_i64().unwrap() as i32;
    let key =
        ferrogram_mtproto::RsaPublicKey::from_pem(info["rsa_public_key_pem"].as_str().unwrap())
            .expect("PEM");
    let mut config = Config::new(12345, "0123456789abcdef0123456789abcdef");
    let session_file = std::env::temp_dir().join(format!(
        "ferrogram-bench-participants-{}.sqlite",
        std::process::id()
    ));
    config.session = if sqlite {
        let _ = std::fs::remove_file(&session_file);
        Arc::new(SqliteSession::open(&session_file).expect("SQLite session"))
    } else {
        Arc::new(MemorySession::new())
    };
    config.server = Some((addr, dc));
    config.rsa_keys = vec![key];
    config.request_timeout = Duration::from_secs(120);
    let client = Client::connect(config).await.expect("connect");
    let user = &info["user"];
    let token = client
        .request_login_code(user["phone"].as_str().unwrap())
        .await
        .expect("code");
    if let Err(e) = client.sign_in(&token, user["code"].as_str().unwrap()).await {
        assert!(e.is("SESSION_PASSWORD_NEEDED"), "{e}");
        client
            .check_password(user["password"].as_str().unwrap())
            .await
            .expect("2FA");
    }
    // Resolve the chat first, so that the listing alone is measured.
    client
        .get_input_entity("@ferrogram_lounge")
        .await
        .expect("resolve");
    if mode == "window" {
        let min_cpu = args.get(4).map_or(1.0, |s| s.parse().expect("MIN_CPU_S"));
        let library = window(&client, min_cpu).await;
        let cli = args.get(5).map(|cli| cli_listing(cli, &info));
        println!("{}", serde_json::json!({"library": library, "cli": cli}));
        let _ = std::fs::remove_file(&session_file);
        return;
    }
    // Twice: the first pass also fills the session's peer cache (every user
    // seen, as Telethon's does); the second finds them cached, so its peak is
    // the listing's own memory.
    let mut passes = Vec::new();
    for _ in 0..2 {
        let baseline = CURRENT.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let cpu = cpu_seconds();
        let started = Instant::now();
        let (members, it) = list(&client, aggressive).await;
        passes.push(serde_json::json!({
            "members": members,
            "total": it.total().unwrap_or(0),
            "wall_s": started.elapsed().as_secs_f64(),
            "cpu_s": cpu_seconds() - cpu,
            "peak_heap_bytes": PEAK.load(Ordering::Relaxed).saturating_sub(baseline),
            "seen_bytes": it.seen_bytes(),
        }));
    }
    let _ = std::fs::remove_file(&session_file);
    println!(
        "{}",
        serde_json::json!({"first": passes[0], "second": passes[1]})
    );
}
