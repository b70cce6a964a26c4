//! Exactly-once update handlers on a PostgreSQL session, against
//! `testserver` over TCP: a handler that records its effect through
//! `PostgresSession::handle_update` (the transaction that also marks the
//! update handled and saves the stream's state) sees each update once, when
//! its process dies in the middle of a batch and when the stream's holder is
//! killed (SIGKILL) while messages keep coming and another process takes
//! over. Needs the server `cargo xtask test` starts
//! (`FERROGRAM_TEST_POSTGRES`); skipped without it unless required.

use std::net::IpAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrogram_client::{Client, Config, RsaPublicKey, UpdateStream, update_identity};
use ferrogram_session::{LeaseOptions, PostgresSession};
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::enums;
use tokio::io::{AsyncBufReadExt, BufReader};

mod common;

const BOT: &str = "@ferrogram_test_bot";

fn text_of(u: &enums::Update) -> Option<String> {
    match u {
        enums::Update::NewMessage(m) => match &m.message {
            enums::Message::Message(m) => Some(m.message.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Runs SQL of the test's own through a session's transaction.
fn sql<T: Send + 'static>(
    store: &PostgresSession,
    f: impl FnOnce(
        &mut ferrogram_session::PostgresTransaction<'_>,
    ) -> Result<T, ferrogram_session::PostgresError>
    + Send
    + 'static,
) -> T {
    store.handle_update(None, None, f).unwrap().unwrap()
}

fn seen(store: &PostgresSession) -> Vec<String> {
    sql(store, |tx| {
        Ok(tx
            .query("SELECT what FROM seen ORDER BY n", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    })
}

/// Handles the next update exactly once: a message's text goes into `seen`.
/// Whether its effect ran (false: handled before).
async fn handle_next(stream: &mut UpdateStream, store: &Arc<PostgresSession>) -> bool {
    let update = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("an update in time")
        .unwrap();
    let (id, text) = (update_identity(&update), text_of(&update));
    let store = store.clone();
    stream
        .commit_with(&update, |state| {
            store.handle_update(id, state, move |tx| {
                if let Some(text) = text {
                    tx.execute("INSERT INTO seen (what) VALUES ($1)", &[&text])?;
                }
                Ok(())
            })
        })
        .unwrap()
        .is_some()
}

fn config(server: &TestServer, store: Arc<PostgresSession>) -> Config {
    let mut c = common::config(server);
    c.session = store;
    c
}

/// Signs the bot in on the account `bot` of the database, and makes the
/// table the handlers write into.
async fn bot_account(server: &TestServer, db: &str) -> Arc<PostgresSession> {
    let store = Arc::new(PostgresSession::connect(db, "bot").unwrap());
    sql(&store, |tx| {
        tx.batch_execute("CREATE TABLE seen (n BIGSERIAL PRIMARY KEY, what TEXT NOT NULL)")
    });
    let bot = Client::connect(config(server, store.clone()))
        .await
        .unwrap();
    bot.sign_in_bot(server.bot_token().unwrap()).await.unwrap();
    // The starting point, saved: what is sent from now on is the stream's.
    let mut stream = bot.updates();
    stream.catch_up().await.unwrap();
    store
}

/// A process that dies in the middle of a batch (fetched by a difference)
/// finds the batch again after a restart; the handler's effects are each
/// recorded once. A handler without the transaction would have seen seven.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_cut_by_a_crash_is_handled_once() {
    let Some(db) = ferrogram_session::test_database("exactly_once_batch") else {
        return;
    };
    let server = TestServer::builder().start().await.unwrap();
    let store = bot_account(&server, &db).await;
    drop(store);
    // Five messages while the bot is away: one difference, one batch.
    let ada = common::owner(&server).await;
    let sent: Vec<String> = (0..5).map(|i| format!("m{i}")).collect();
    for text in &sent {
        ada.send_message(BOT, text).await.unwrap();
    }
    // The first process handles two, then dies.
    let first = Arc::new(PostgresSession::connect(&db, "bot").unwrap());
    let bot = Client::connect(config(&server, first.clone()))
        .await
        .unwrap();
    let mut stream = bot.updates();
    let mut effects = 0;
    let mut returned = 0;
    while effects < 2 {
        returned += 1;
        effects += usize::from(handle_next(&mut stream, &first).await);
    }
    assert!(first.handled_updates_pending().unwrap() >= 2);
    drop((stream, bot, first));

    // The next process: the same batch again, from the saved state.
    let second = Arc::new(PostgresSession::connect(&db, "bot").unwrap());
    let bot = Client::connect(config(&server, second.clone()))
        .await
        .unwrap();
    let mut stream = bot.updates();
    let mut skipped = 0;
    while seen(&second).len() < sent.len() {
        assert!(returned < 40, "bounded");
        returned += 1;
        if !handle_next(&mut stream, &second).await {
            skipped += 1;
        }
    }
    assert_eq!(seen(&second), sent, "each once, in order");
    assert_eq!(skipped, 2, "the two handled before the crash came again");
    assert!(returned >= 7, "{returned} updates returned for 5 effects");
    // The batch is done: its state saved and the marks gone.
    assert_eq!(second.handled_updates_pending().unwrap(), 0);
    // And the stream goes on: one more message, once.
    ada.send_message(BOT, "after").await.unwrap();
    while seen(&second).len() < sent.len() + 1 {
        assert!(returned < 80, "bounded");
        returned += 1;
        handle_next(&mut stream, &second).await;
    }
    assert_eq!(seen(&second).last().map(String::as_str), Some("after"));
}

/// The worker process of the takeover test (a no-op unless the test starts
/// it): takes the account's lease, then handles updates exactly once until
/// killed. Prints `streaming` once it holds the lease and has caught up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_worker_process() {
    let Ok(n) = std::env::var("FERROGRAM_STREAM_WORKER") else {
        return;
    };
    let var = |k: &str| std::env::var(k).unwrap();
    let db = var("FERROGRAM_STREAM_DB");
    let options = LeaseOptions::new()
        .holder(format!("worker {n}"))
        .ttl(Duration::from_millis(1000))
        .wait(Some(Duration::from_secs(60)));
    let store =
        tokio::task::spawn_blocking(move || PostgresSession::connect_leased(&db, "bot", &options))
            .await
            .unwrap()
            .unwrap();
    let store = Arc::new(store);
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = store.clone();
    c.server = Some((var("FERROGRAM_STREAM_SERVER").parse().unwrap(), 2));
    c.rsa_keys = vec![RsaPublicKey::from_pem(&var("FERROGRAM_STREAM_KEY")).unwrap()];
    let last: u8 = n.parse::<u8>().unwrap() + 2;
    let c = c.local_addr(IpAddr::from([127, 0, 0, last]));
    let bot = Client::connect(c).await.unwrap();
    let mut stream = bot.updates();
    stream.catch_up().await.unwrap();
    println!("streaming");
    loop {
        handle_next(&mut stream, &store).await;
    }
}

/// Two worker processes share the bot's account: the one holding the lease
/// handles the updates, exactly once; killed (SIGKILL) while messages keep
/// coming, the other takes over within about a TTL and goes on from the
/// stored state. The handled messages are exactly the sent ones, in order,
/// none twice, and the key was never used from two addresses at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_holder_killed_another_takes_over_exactly_once() {
    let Some(db) = ferrogram_session::test_database("exactly_once_takeover") else {
        return;
    };
    let server = TestServer::builder().start().await.unwrap();
    let store = bot_account(&server, &db).await;
    // The setup's connection gone before the workers come.
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.counters().open_connections.values().sum::<u64>() > 0 {
        assert!(Instant::now() < deadline, "the setup's connection closes");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.faults().detect_duplicated_keys(true);
    let ada = common::owner(&server).await;
    let key = server.rsa_public_key_pem();
    let spawn = |n: u8| {
        let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
            .args(["update_worker_process", "--exact", "--nocapture"])
            .env("FERROGRAM_STREAM_WORKER", n.to_string())
            .env("FERROGRAM_STREAM_DB", &db)
            .env("FERROGRAM_STREAM_SERVER", server.addr().to_string())
            .env("FERROGRAM_STREAM_KEY", &key)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("streaming") {
                    let _ = tx.send(());
                    break;
                }
            }
            // Keep reading so the child never blocks on a full pipe.
            while let Ok(Some(_)) = lines.next_line().await {}
        });
        (child, rx)
    };
    let (mut holder, ready) = spawn(0);
    tokio::time::timeout(Duration::from_secs(60), ready)
        .await
        .expect("the first worker streams")
        .unwrap();
    let (mut standby, standby_ready) = spawn(1);
    let sent: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    let mut killed_at = None;
    for (i, text) in sent.iter().enumerate() {
        ada.send_message(BOT, text).await.unwrap();
        if i == 15 {
            holder.start_kill().unwrap();
            holder.wait().await.unwrap();
            killed_at = Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    tokio::time::timeout(Duration::from_secs(60), standby_ready)
        .await
        .expect("the standby takes over")
        .unwrap();
    let took = killed_at.unwrap().elapsed();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut handled = seen(&store);
    while handled.len() < sent.len() {
        assert!(Instant::now() < deadline, "handled: {handled:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        handled = seen(&store);
    }
    // A moment more: nothing comes twice late.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(seen(&store), sent, "exactly the sent ones, in order, once");
    assert_eq!(server.duplicated_keys(), 0, "one process at a time");
    standby.start_kill().unwrap();
    let _ = standby.wait().await;
    eprintln!("takeover and catch-up within {took:?} of the kill");
}
