//! A Telegram-compatible server on 127.0.0.1 with a seeded chat world: what
//! the tests of every crate (and `ferrogram demo`) talk to over real TCP.
//! Prints what a client needs to connect, then serves for a minute
//! (`FERROGRAM_EXAMPLE_SERVE_SECONDS` to change). Run:
//! `cargo run -p ferrogram-testserver --example world`.

use std::time::Duration;

use ferrogram_testserver::TestServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = TestServer::builder().members(300).start().await?;
    let info = server.info();
    println!("listening on {} (DC {})", info.addr, info.dc_id);
    for chat in &info.chats {
        println!(
            "  {:?} {:>14} {:>4} members  @{}",
            chat.kind,
            chat.marked_id,
            chat.members,
            chat.username.as_deref().unwrap_or("-")
        );
    }
    if let Some(owner) = server.user() {
        println!(
            "owner: phone {}, code {}, 2FA password {:?}",
            owner.phone, owner.code, owner.password
        );
    }
    println!("bot token: {}", server.bot_token().unwrap_or("-"));
    // Accounts can be added while it runs, and faults injected.
    let id = server.create_user("Grace", "Hopper", "9996621999");
    println!("created user {id}");
    server
        .faults()
        .flood_wait("channels.getParticipants", 5, Some(1));
    println!("the next channels.getParticipants answers FLOOD_WAIT_5");

    let seconds = std::env::var("FERROGRAM_EXAMPLE_SERVE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    println!("served {} requests", server.counters().requests_received);
    Ok(())
}
