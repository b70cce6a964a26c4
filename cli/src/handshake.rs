//! The demo's network step: start the embedded test server, print its JSON line,
//! then log in to it with `ferrogram-client` over TCP (obfuscated intermediate
//! framing) as its bot and as its user (login code and 2FA password), and pass a
//! message from one to the other.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::{enums, functions};

/// Every network wait of the demo is bounded by this.
const WAIT: Duration = Duration::from_secs(20);

pub fn run() -> Result<Duration, String> {
    println!(
        "\n== ferrogram-client against the embedded test server (TCP, obfuscated intermediate)"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), talk())
            .await
            .map_err(|_| "the network step took over two minutes".to_string())?
    })
}

fn config(server: &TestServer) -> Config {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = WAIT;
    c
}

fn name(u: &ferrogram_tl_types::types::User) -> String {
    format!(
        "{} (@{}, id {})",
        u.first_name.as_deref().unwrap_or(""),
        u.username.as_deref().unwrap_or(""),
        u.id
    )
}

async fn talk() -> Result<Duration, String> {
    let e = |e: ferrogram_client::InvocationError| e.to_string();
    let server = TestServer::builder()
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let info = server.info_json();
    println!("  server ready: {info}");
    let parsed: serde_json::Value = serde_json::from_str(&info).map_err(|e| e.to_string())?;
    let chats: Vec<String> = parsed["chats"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{} ({}, {} members)",
                        c["username"].as_str().map_or_else(
                            || c["title"].as_str().unwrap_or("?").to_owned(),
                            |u| format!("@{u}")
                        ),
                        c["kind"].as_str().unwrap_or("?"),
                        c["members"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    println!("  world: {}", chats.join(", "));

    let started = Instant::now();
    let bot = Client::connect(config(&server)).await.map_err(e)?;
    let took = started.elapsed();
    println!(
        "  connected to DC {} in {took:.1?} (auth key created: RSA_PAD, 2048-bit DH; help.getConfig offered {} DCs)",
        bot.home_dc(),
        bot.session().dc_options().len()
    );
    let token = server.bot_token().ok_or("no bot")?;
    let me = bot.sign_in_bot(token).await.map_err(e)?;
    println!("  bot signed in: {}", name(&me));

    let creds = server.user().ok_or("no user")?.clone();
    let user = Client::connect(config(&server)).await.map_err(e)?;
    let login = user.request_login_code(&creds.phone).await.map_err(e)?;
    let me = match user.sign_in(&login, &creds.code).await {
        Ok(u) => u,
        Err(err) if err.is("SESSION_PASSWORD_NEEDED") => {
            println!("  user {}: code accepted, 2FA password needed", creds.phone);
            user.check_password(&creds.password).await.map_err(e)?
        }
        Err(err) => return Err(err.to_string()),
    };
    println!("  user signed in with SRP: {}", name(&me));

    let mut updates = bot.updates();
    updates.catch_up().await.map_err(e)?;
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = user
        .invoke(&functions::contacts::ResolveUsername {
            username: "ferrogram_test_bot".into(),
            referer: None,
        })
        .await
        .map_err(e)?;
    let Some(enums::User::User(target)) = resolved.users.first() else {
        return Err("the bot's username did not resolve".into());
    };
    let peer = enums::InputPeer::from(ferrogram_tl_types::types::InputPeerUser {
        user_id: target.id,
        access_hash: target.access_hash.unwrap_or(0),
    });
    user.send_message(peer, "hello from the demo")
        .await
        .map_err(e)?;
    let update = tokio::time::timeout(WAIT, updates.next())
        .await
        .map_err(|_| "the bot was not told of the message".to_string())?
        .map_err(e)?;
    match update {
        enums::Update::NewMessage(m) => match &m.message {
            enums::Message::Message(msg) if msg.message == "hello from the demo" => println!(
                "  user -> bot: \"{}\" (pushed to the bot's connection, pts {})",
                msg.message, m.pts
            ),
            other => return Err(format!("unexpected message {other:?}")),
        },
        other => return Err(format!("unexpected update {other:?}")),
    }
    let counters = server.counters();
    if counters.handshakes != 2 || counters.duplicates != 0 {
        return Err(format!("unexpected server counters: {counters:?}"));
    }
    println!(
        "  server counters: {} handshakes, {} requests executed, {} duplicates",
        counters.handshakes, counters.requests_executed, counters.duplicates
    );
    Ok(took)
}
