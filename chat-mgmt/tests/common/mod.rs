//! Clients of the test files: the fixture's owner and bot, new users.

#![allow(dead_code, reason = "each test file uses some of these")]

use std::sync::Arc;
use std::time::Duration;

use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::TestServer;

pub fn config(server: &TestServer) -> Config {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = Duration::from_secs(30);
    c
}

pub async fn owner(server: &TestServer) -> Client {
    let client = Client::connect(config(server)).await.unwrap();
    let creds = server.user().unwrap().clone();
    let token = client.request_login_code(&creds.phone).await.unwrap();
    assert!(client.sign_in(&token, &creds.code).await.is_err(), "2FA");
    client.check_password(&creds.password).await.unwrap();
    client
}

pub async fn bot(server: &TestServer) -> Client {
    let client = Client::connect(config(server)).await.unwrap();
    client
        .sign_in_bot(server.bot_token().unwrap())
        .await
        .unwrap();
    client
}

/// A new account, signed in; its id.
pub async fn user(server: &TestServer, first: &str, phone: &str) -> (Client, i64) {
    let id = server.create_user(first, "Tester", phone);
    let client = Client::connect(config(server)).await.unwrap();
    let token = client.request_login_code(phone).await.unwrap();
    let code = ferrogram_testserver::world::login_code(phone);
    client.sign_in(&token, &code).await.unwrap();
    (client, id)
}

/// `client` joins the public supergroup or channel `username` by itself.
pub async fn join(client: &Client, username: &str) {
    use ferrogram_client::tl::{enums, functions, types};
    let enums::InputPeer::Channel(c) = client.get_input_entity(username).await.unwrap() else {
        panic!("{username} is no channel");
    };
    client
        .invoke(&functions::channels::JoinChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        })
        .await
        .unwrap();
}

/// The latest 100 messages of `peer` as `client` reads them
/// (`messages.getHistory`, newest first).
pub async fn history(
    client: &Client,
    peer: ferrogram_client::tl::enums::InputPeer,
) -> ferrogram_client::tl::enums::messages::Messages {
    client
        .invoke(&ferrogram_client::tl::functions::messages::GetHistory {
            peer,
            offset_id: 0,
            offset_date: 0,
            add_offset: 0,
            limit: 100,
            max_id: 0,
            min_id: 0,
            hash: 0,
        })
        .await
        .unwrap()
}
