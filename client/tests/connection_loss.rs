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
