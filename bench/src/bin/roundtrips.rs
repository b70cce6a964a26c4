//! Round trips per second of ferrogram-client against a running testserver.
//!
//! Usage: roundtrips INFO_JSON SEQUENTIAL PIPELINED
//! Signs in as the server's bot over intermediate framing, then times SEQUENTIAL
//! `users.getUsers([inputUserSelf])` one after the other and PIPELINED of them at
//! once. Prints one JSON line {"sequential_rps": .., "pipelined_rps": ..}.

use std::sync::Arc;
use std::time::Instant;

use ferrogram_client::{Client, Config, Framing, Protocol};
use ferrogram_session::MemorySession;
use ferrogram_tl_types::{enums, functions};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
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
    config.session = Arc::new(MemorySession::new());
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
    let started = Instant::now();
    for _ in 0..sequential {
        client.invoke(&request).await.unwrap();
    }
    let seq = sequential as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
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
    println!(
        "{}",
        serde_json::json!({"sequential_rps": seq, "pipelined_rps": pip})
    );
}
