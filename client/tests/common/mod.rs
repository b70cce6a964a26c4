//! What the client tests against `testserver` share: a configuration for
//! it, the fixture's user and bot signed in, the next message text of a
//! stream. (Each test file uses some of it.)
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use ferrogram_client::{Client, Config, UpdateStream};
use ferrogram_session::{MemorySession, Session};
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::enums;

/// A client configuration for `server`, on `session`.
pub fn config(server: &TestServer, session: Arc<dyn Session>) -> Config {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = session;
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = Duration::from_secs(30);
    c
}

/// Ada, the fixture's user, signed in (she has a 2FA password).
pub async fn ada_client(server: &TestServer) -> Client {
    let ada = server.user().unwrap().clone();
    let client = Client::connect(config(server, Arc::new(MemorySession::new())))
        .await
        .unwrap();
    let token = client.request_login_code(&ada.phone).await.unwrap();
    assert!(
        client.sign_in(&token, &ada.code).await.is_err(),
        "2FA asked"
    );
    client.check_password(&ada.password).await.unwrap();
    client
}

/// The fixture's bot, signed in on `session`, and its id.
pub async fn bot_client(server: &TestServer, session: Arc<dyn Session>) -> (Client, i64) {
    let bot = Client::connect(config(server, session)).await.unwrap();
    let id = bot
        .sign_in_bot(server.bot_token().unwrap())
        .await
        .unwrap()
        .id;
    (bot, id)
}

/// The text of the next new message, skipping other updates (bounded).
pub async fn next_text(stream: &mut UpdateStream) -> String {
    for _ in 0..50 {
        let u = tokio::time::timeout(Duration::from_secs(20), stream.next())
            .await
            .expect("an update in time")
            .unwrap();
        if let enums::Update::NewMessage(m) = &u
            && let enums::Message::Message(m) = &m.message
        {
            return m.message.to_string();
        }
    }
    panic!("no new message in 50 updates");
}
