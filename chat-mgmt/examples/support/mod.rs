//! How the examples connect: to Telegram when `FERROGRAM_API_ID`,
//! `FERROGRAM_API_HASH` and `FERROGRAM_SESSION` (a session file signed in with
//! `ferrogram login`) are set, otherwise to an embedded testserver, signed in
//! as the owner of its chats. The examples themselves are the seed's usage
//! examples, line for line.

#![allow(dead_code)]

use std::sync::Arc;

use ferrogram_chat_mgmt::client::session::{MemorySession, SqliteSession};
use ferrogram_chat_mgmt::client::{Client, Config, InvocationError, SignInError};
use ferrogram_testserver::TestServer;

/// A connected client, and the embedded server it talks to (if any: keep it
/// alive as long as the client).
pub async fn connect() -> Result<(Client, Option<TestServer>), Box<dyn std::error::Error>> {
    if let (Ok(id), Ok(hash), Ok(session)) = (
        std::env::var("FERROGRAM_API_ID"),
        std::env::var("FERROGRAM_API_HASH"),
        std::env::var("FERROGRAM_SESSION"),
    ) {
        let config =
            Config::new(id.parse()?, hash).session(Arc::new(SqliteSession::open(session)?));
        return Ok((Client::connect(config).await?, None));
    }
    let server = TestServer::builder().members(500).start().await?;
    let config = Config::new(12345, "0123456789abcdef0123456789abcdef")
        .session(Arc::new(MemorySession::new()))
        .server(server.addr(), server.dc_id())
        .rsa_key(server.rsa_key().public().clone());
    let client = Client::connect(config).await?;
    let owner = server
        .user()
        .expect("the default world has an owner")
        .clone();
    let token = client.request_login_code(&owner.phone).await?;
    match client.sign_in(&token, &owner.code).await {
        Ok(_) => {}
        Err(InvocationError::SignIn(SignInError::PasswordRequired(_))) => {
            client.check_password(&owner.password).await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok((client, Some(server)))
}

/// The chat an example works on: `FERROGRAM_EXAMPLE_CHAT`, or the embedded
/// server's `default`.
pub fn chat(default: &str) -> String {
    std::env::var("FERROGRAM_EXAMPLE_CHAT").unwrap_or_else(|_| default.to_owned())
}

/// The user an example promotes or restricts: `FERROGRAM_EXAMPLE_USER`, or a
/// plain member of the embedded server's supergroup.
pub async fn some_member(
    client: &Client,
    chat: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    use ferrogram_chat_mgmt::{ChatManagement, Role};
    if let Ok(u) = std::env::var("FERROGRAM_EXAMPLE_USER") {
        return Ok(u);
    }
    let mut it = client.iter_participants(chat).limit(100);
    while let Some(p) = it.next().await {
        let p = p?;
        if p.role == Role::Member && !p.user.bot {
            return Ok(p.user.id.to_string());
        }
    }
    Err("no plain member to use".into())
}
