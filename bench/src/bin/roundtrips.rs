//! Round trips per second of ferrogram-client against a running testserver.
//!
//! Usage: roundtrips INFO_JSON SEQUENTIAL PIPELINED [SESSION [RUNTIME]]
//! Signs in as the server's bot over intermediate framing, then times SEQUENTIAL
//! `users.getUsers([inputUserSelf])` one after the other and PIPELINED of them at
//! once, on a MemorySession or (SESSION `sqlite`) a fresh SQLite file, on tokio's
//! multi-thread runtime with 2 workers or (RUNTIME `current`) its current-thread
//! runtime. Prints one
//! JSON line {"sequential_rps", "pipelined_rps", "sequential_cpu_us",
//! "pipelined_cpu_us"}: requests per second and this process's CPU (getrusage,
//! user + system) per request.

use std::sync::Arc;
use std::time::Instant;

use ferrogram_bench::cpu_seconds_of;
use ferrogram_client::{Client, Config, Framing, Protocol};
use ferrogram_session::{MemorySession, SqliteSession};
use ferrogram_tl_types::{enums, functions};

fn main() {
    // RUNTIME `current` runs the client on one thread (tokio's current-thread
    // runtime); the default is the multi-thread runtime with 2 workers.
    let current = std::env::args().nth(5).as_deref() == Some("current");
    ferrogram_bench::runtime(current).block_on(run());
}

async fn run() {
    let args: Vec<String> = std::env::args().collect();
    let info: serde_json::Value = serde_json::from_str(&args[1]).expect("server JSON");
    let sequential: usize = args[2].parse().expect("count");
    let pipelined: usize = args[3].parse().expect("count");
    let addr = info["addr"].as_str().unwrap().parse().unwrap();
    let dc = info["dc_id"].as_i64().unwrap() as i32;
    let key =
        ferrogram_mtproto::RsaPublicKey::from_pem(info["rsa_public_key_pem"].as_str().unwrap())
            .expect("PEM");
    let mut config = Config::new(12345, "0123456789abcdef0123456789abcdef");
    let session_file = std::env::temp_dir().join(format!(
        "ferrogram-bench-roundtrips-{}.sqlite",
        std::process::id()
    ));
    config.session = if args.get(4).map(String::as_str) == Some("sqlite") {
        let _ = std::fs::remove_file(&session_file);
        Arc::new(SqliteSession::open(&session_file).expect("SQLite session"))
    } else {
        Arc::new(MemorySession::new())
    };
    config.server = Some((addr, dc));
    config.rsa_keys = vec![key];
    config.framing = Framing {
        protocol: Protocol::Intermediate,
        obfuscated: false,
    };
    let client = Client::connect(config).await.expect("connect");
    client
        .sign_in_bot(info["bot_token"].as_str().unwrap())
        .await
        .expect("sign in");
    let request = functions::users::GetUsers {
        id: vec![enums::InputUser::InputUserSelf],
    };
    // Warm-up.
    for _ in 0..50 {
        client.invoke(&request).await.unwrap();
    }
    let cpu = || cpu_seconds_of(libc::RUSAGE_SELF);
    let (started, before) = (Instant::now(), cpu());
    for _ in 0..sequential {
        client.invoke(&request).await.unwrap();
    }
    let seq = sequential as f64 / started.elapsed().as_secs_f64();
    let seq_cpu = (cpu() - before) / sequential as f64 * 1e6;
    let (started, before) = (Instant::now(), cpu());
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..pipelined {
        let c = client.clone();
        let r = request.clone();
        set.spawn(async move { c.invoke(&r).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    let pip = pipelined as f64 / started.elapsed().as_secs_f64();
    let pip_cpu = (cpu() - before) / pipelined as f64 * 1e6;
    let _ = std::fs::remove_file(&session_file);
    println!(
        "{}",
        serde_json::json!({
            "sequential_rps": seq,
            "pipelined_rps": pip,
            "sequential_cpu_us": seq_cpu,
            "pipelined_cpu_us": pip_cpu,
        })
    );
}
