//! The home DC moving under a signed-in account (`USER_MIGRATE_X` mid-session),
//! against `testserver` over real TCP: requests in flight and after the move
//! are answered and executed once, the authorization is carried along (one
//! export, one import), updates keep coming, and the session remembers the
//! new home.

use std::sync::Arc;
use std::time::Duration;

mod common;

use common::{ada_client, bot_client, config, next_text};
use ferrogram_client::Client;
use ferrogram_session::{MemorySession, Session};
use ferrogram_testserver::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_account_moved_to_another_dc_carries_its_authorization() {
    let server = TestServer::builder().start().await.unwrap();
    assert_eq!(server.dc_id(), 2);
    // The writer is Ada, the fixture's user (with a 2FA password).
    let ada = server.user().unwrap().clone();
    let writer = ada_client(&server).await;

    let session: Arc<dyn Session> = Arc::new(MemorySession::new());
    let (bot, bot_id) = bot_client(&server, session.clone()).await;
    let mut stream = bot.updates();
    stream.catch_up().await.unwrap();
    writer
        .send_message("@ferrogram_test_bot", "before")
        .await
        .unwrap();
    assert_eq!(next_text(&mut stream).await, "before");
    // Executed with an effect: a send answered USER_MIGRATE_X (it reached
    // the old home after the move; how many do depends on timing) is
    // executed without one, and sent again to the new home.
    let effective = |c: &ferrogram_testserver::CounterSnapshot| {
        let m = c.method("messages.sendMessage");
        m.executed - m.failed
    };
    let sends_before = effective(&server.counters());

    // The account moves to DC 1 while 20 sends are on their way.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let b = bot.clone();
        set.spawn(async move { b.send_message("ada_admin", &format!("r{i}")).await });
        if i == 5 {
            server.migrate_user(bot_id, 1).unwrap();
        }
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().expect("every send answered");
    }
    assert_eq!(bot.home_dc(), 1);
    assert_eq!(session.home_dc(), Some(1), "the move is persisted");
    let c = server.counters();
    assert_eq!(effective(&c) - sends_before, 20, "each send executed once");
    let mut got = server.messages(ada.id, bot_id);
    got.retain(|t| t.starts_with('r'));
    got.sort();
    let mut want: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
    want.sort();
    assert_eq!(got, want, "every text once in Ada's chat with the bot");
    assert_eq!(c.method("auth.exportAuthorization").executed, 1);
    assert_eq!(c.method("auth.importAuthorization").executed, 1);

    // Updates come on through the new home, none twice.
    writer
        .send_message("@ferrogram_test_bot", "after")
        .await
        .unwrap();
    // The bot's own sends come first (in any order), then Ada's message.
    let mut seen = Vec::new();
    loop {
        let t = next_text(&mut stream).await;
        if t == "after" {
            break;
        }
        assert!(
            seen.len() < 20 && !seen.contains(&t),
            "{t} again, after {seen:?}"
        );
        seen.push(t);
    }

    // A client started again from the session lives on DC 1, signed in.
    drop(stream);
    drop(bot);
    let again = Client::connect(config(&server, session.clone()))
        .await
        .unwrap();
    assert_eq!(again.home_dc(), 1);
    assert_eq!(again.get_me().await.unwrap().id, bot_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_moved_to_another_dc_carries_nothing() {
    let server = TestServer::builder().start().await.unwrap();
    // An account whose home is DC 1, signing in through DC 2.
    let id = server.create_user("Una", "Moved", "9996621002");
    server.migrate_user(id, 1).unwrap();
    let client = Client::connect(config(&server, Arc::new(MemorySession::new())))
        .await
        .unwrap();
    let token = client.request_login_code("9996621002").await.unwrap();
    let me = client.sign_in(&token, "22222").await;
    assert_eq!(client.home_dc(), 1, "{me:?}");
    // PHONE_MIGRATE answers a login: there is no authorization to carry, so
    // not even an export is tried.
    let c = server.counters();
    assert_eq!(c.method("auth.exportAuthorization").executed, 0);
    assert_eq!(c.method("auth.importAuthorization").executed, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_moved_to_another_dc_keeps_receiving_updates() {
    let server = TestServer::builder().start().await.unwrap();
    let writer = ada_client(&server).await;
    let (bot, bot_id) = bot_client(&server, Arc::new(MemorySession::new())).await;
    let mut stream = bot.updates();
    stream.catch_up().await.unwrap();
    let send = |t: &'static str| {
        let w = writer.clone();
        async move { w.send_message("@ferrogram_test_bot", t).await.unwrap() }
    };
    send("m0").await;
    assert_eq!(next_text(&mut stream).await, "m0");
    // The listener asks nothing while it is moved: pushes still reach it.
    server.migrate_user(bot_id, 1).unwrap();
    send("m1").await;
    assert_eq!(next_text(&mut stream).await, "m1");
    // A lost push shows a gap; the difference meets USER_MIGRATE and moves.
    server.faults().drop_updates(1);
    send("m2").await;
    send("m3").await;
    assert_eq!(next_text(&mut stream).await, "m2");
    assert_eq!(next_text(&mut stream).await, "m3");
    assert_eq!(bot.home_dc(), 1);
    // Pushes now come through the new home.
    for t in ["m4", "m5"] {
        send(t).await;
        assert_eq!(next_text(&mut stream).await, t);
    }
    // Moved again: the testserver goes on serving an imported authorization
    // on DC 1, so the client stays there, and pushes still reach it.
    server.migrate_user(bot_id, 3).unwrap();
    server.faults().drop_updates(1);
    for t in ["m6", "m7", "m8"] {
        send(t).await;
    }
    for t in ["m6", "m7", "m8"] {
        assert_eq!(next_text(&mut stream).await, t);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_finishes_even_when_its_callers_give_up() {
    let server = TestServer::builder().start().await.unwrap();
    let (bot, bot_id) = bot_client(&server, Arc::new(MemorySession::new())).await;
    server.migrate_user(bot_id, 1).unwrap();
    // Every server packet 8 ms late: the move (USER_MIGRATE, export, a new auth
    // key on DC 1, import, the retried call) then takes well over 20 ms on any
    // machine, where without a delay a fast one could finish it in time.
    server.faults().delay_replies(Duration::from_millis(8));
    // Callers that wait 20 ms at most: each is cut off midway through the move.
    let mut gave_up = 0;
    for _ in 0..100 {
        match tokio::time::timeout(Duration::from_millis(20), bot.get_me()).await {
            Err(_) => gave_up += 1,
            Ok(r) => {
                r.unwrap();
                break;
            }
        }
    }
    assert!(gave_up > 0, "the first caller was cut off");
    assert_eq!(bot.get_me().await.unwrap().id, bot_id);
    assert_eq!(bot.home_dc(), 1);
    let c = server.counters();
    assert_eq!(
        c.method("auth.exportAuthorization").executed,
        1,
        "one move, not one per caller"
    );
    assert_eq!(c.method("auth.importAuthorization").executed, 1);
}
