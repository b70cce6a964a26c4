//! The home connection lost while nothing is pending, against `testserver`
//! over real TCP: Telegram pushes updates only to a connection that has
//! carried a query, so a client that just reconnects and waits would never
//! hear of anything again. The update stream asks `updates.getDifference`
//! on every reconnect: the new connection is subscribed, and what happened
//! while it was away is fetched.

mod common;

use common::{ada_client, bot_client, next_text};
use ferrogram_session::MemorySession;
use ferrogram_testserver::TestServer;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_whose_idle_connection_drops_keeps_receiving_updates() {
    let server = TestServer::builder().start().await.unwrap();
    let writer = ada_client(&server).await;
    let (bot, bot_id) = bot_client(&server, Arc::new(MemorySession::new())).await;
    let mut stream = bot.updates();
    stream.catch_up().await.unwrap();
    let send = |t: &'static str| {
        let w = writer.clone();
        async move { w.send_message("@ferrogram_test_bot", t).await.unwrap() }
    };
    send("before").await;
    assert_eq!(next_text(&mut stream).await, "before");
    for round in 0..3 {
        let asked = server.counters().method("updates.getDifference").received;
        // The listener's connection goes away while it asks nothing; a
        // message is sent before it is back (missed on the wire) and one
        // after: both arrive, in order.
        assert_eq!(server.disconnect_user(bot_id), 1, "round {round}");
        let missed = format!("while away {round}");
        writer
            .send_message("@ferrogram_test_bot", &missed)
            .await
            .unwrap();
        assert_eq!(next_text(&mut stream).await, missed);
        assert!(
            server.counters().method("updates.getDifference").received > asked,
            "the reconnect asked for the difference"
        );
        let after = format!("after {round}");
        writer
            .send_message("@ferrogram_test_bot", &after)
            .await
            .unwrap();
        assert_eq!(next_text(&mut stream).await, after);
    }
    send("the end").await;
    assert_eq!(next_text(&mut stream).await, "the end");
}

/// A new message's text, if the update is one.
fn text_of(u: &ferrogram_tl_types::enums::Update) -> Option<String> {
    use ferrogram_tl_types::enums;
    match u {
        enums::Update::NewMessage(m) => match &m.message {
            enums::Message::Message(m) => Some(m.message.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// `UpdateStream::next` dropped midway (a select! timeout) loses nothing:
/// with calls cut short at every await, each message still arrives once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_cut_short_loses_no_update() {
    use std::time::Duration;
    let server = TestServer::builder().start().await.unwrap();
    let writer = ada_client(&server).await;
    let (bot, bot_id) = bot_client(&server, Arc::new(MemorySession::new())).await;
    let mut stream = bot.updates();
    // Even the first call, which establishes the starting point, may be
    // cut short: the next one establishes it again.
    let _ = tokio::time::timeout(Duration::ZERO, stream.next()).await;
    stream.catch_up().await.unwrap();
    let mut sent = Vec::new();
    let mut got: Vec<String> = Vec::new();
    for i in 0..10 {
        let text = format!("m{i}");
        writer
            .send_message("@ferrogram_test_bot", &text)
            .await
            .unwrap();
        sent.push(text);
        // Gaps for the stream to fill while being cut short: the bot's
        // connection drops now and then.
        if i % 3 == 1 {
            server.disconnect_user(bot_id);
        }
        for _ in 0..3 {
            if let Ok(u) = tokio::time::timeout(Duration::from_micros(50), stream.next()).await {
                got.extend(text_of(&u.unwrap()));
            }
        }
    }
    // The rest: every message once, none twice (bounded reads).
    for _ in 0..40 {
        if got.len() >= sent.len() {
            break;
        }
        got.push(next_text(&mut stream).await);
    }
    got.sort();
    sent.sort();
    assert_eq!(got, sent);
    // And nothing more is pending: a last message is the next one seen.
    writer
        .send_message("@ferrogram_test_bot", "last")
        .await
        .unwrap();
    assert_eq!(next_text(&mut stream).await, "last");
}
