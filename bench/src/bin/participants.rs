//! Lists a supergroup of a running testserver with ferrogram-chat-mgmt, and
//! measures it.
//!
//! Usage: participants INFO_JSON MODE, MODE `plain` (one listing, capped at
//! 10,000 by the server) or `aggressive` (every member, past the cap). Signs in
//! as the server's owner account (2FA), lists `@ferrogram_lounge` without
//! keeping the participants, twice, and prints one JSON line with both passes:
//! members listed, wall seconds, client CPU seconds (user + system, from
//! /proc/self/stat), the peak heap growth during the listing (a counting
//! global allocator) and the bytes of the iterator's set of seen ids.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ferrogram_chat_mgmt::ChatManagement;
use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;

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

/// User + system CPU seconds of this process (Linux; clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which may contain spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15: 12 and 13 after the state field.
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let info: serde_json::Value = serde_json::from_str(&args[1]).expect("server JSON");
    let aggressive = args.get(2).map(String::as_str) == Some("aggressive");
    let addr = info["addr"].as_str().unwrap().parse().unwrap();
    let dc = info["dc_id"].as_i64().unwrap() as i32;
    let key =
        ferrogram_mtproto::RsaPublicKey::from_pem(info["rsa_public_key_pem"].as_str().unwrap())
            .expect("PEM");
    let mut config = Config::new(12345, "0123456789abcdef0123456789abcdef");
    config.session = Arc::new(MemorySession::new());
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
    // Twice: the first pass also fills the session's peer cache (every user
    // seen, as Telethon's does); the second finds them cached, so its peak is
    // the listing's own memory.
    let mut passes = Vec::new();
    for _ in 0..2 {
        let baseline = CURRENT.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let cpu = cpu_seconds();
        let started = Instant::now();
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
        passes.push(serde_json::json!({
            "members": members,
            "total": it.total().unwrap_or(0),
            "wall_s": started.elapsed().as_secs_f64(),
            "cpu_s": cpu_seconds() - cpu,
            "peak_heap_bytes": PEAK.load(Ordering::Relaxed).saturating_sub(baseline),
            "seen_bytes": it.seen_bytes(),
        }));
    }
    println!(
        "{}",
        serde_json::json!({"first": passes[0], "second": passes[1]})
    );
}
