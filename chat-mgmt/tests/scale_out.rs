//! One account shared by several workers, against `testserver` over TCP
//! with `AUTH_KEY_DUPLICATED` detection on (each worker connects from its
//! own 127.0.0.x address, as workers on several machines would): a key
//! used from two addresses at once is revoked, and the PostgreSQL store's
//! lease keeps the workers one at a time so that it never is.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use ferrogram_chat_mgmt::{BannedRights, ChatManagement};
use ferrogram_client::Client;
use ferrogram_session::{LeaseOptions, MemorySession, PostgresSession, Session};
use ferrogram_testserver::TestServer;

mod common;

const LOUNGE: &str = "@ferrogram_lounge";

fn ip(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// Without a lease: the same key from two addresses at once is revoked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_used_from_two_addresses_at_once_is_revoked() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    server.faults().detect_duplicated_keys(true);
    let mut config = common::config(&server).local_addr(ip(2));
    let session = Arc::new(MemorySession::new());
    config.session = session.clone();
    let first = Client::connect(config).await.unwrap();
    first
        .sign_in_bot(server.bot_token().unwrap())
        .await
        .unwrap();
    // A copy of the session file on a second machine, used meanwhile.
    let mut copied = common::config(&server).local_addr(ip(3));
    copied.session = Arc::new(MemorySession::from_data(session.snapshot()));
    let second = Client::connect(copied).await;
    let refused = match second {
        Err(e) => e,
        Ok(second) => second.get_me().await.unwrap_err(),
    };
    assert_eq!(
        refused.rpc().map(|r| r.name.as_str()),
        Some("AUTH_KEY_DUPLICATED"),
        "{refused:?}"
    );
    assert_eq!(server.duplicated_keys(), 1);
    // Revoked for both.
    let e = first.get_me().await.unwrap_err();
    assert_eq!(
        e.rpc().map(|r| r.name.as_str()),
        Some("AUTH_KEY_DUPLICATED")
    );
}

/// A worker: takes the account's lease (waiting its turn), connects from
/// its own address, does its share, and goes; its lease's fencing token.
async fn worker(server: &TestServer, url: String, n: u8, work: impl AsyncFnOnce(&Client)) -> i64 {
    let options = LeaseOptions::new()
        .holder(format!("worker {n}"))
        .ttl(Duration::from_millis(800))
        .wait(Some(Duration::from_secs(60)));
    let session = tokio::task::spawn_blocking(move || {
        PostgresSession::connect_leased(&url, "owner", &options)
    })
    .await
    .unwrap()
    .unwrap();
    let token = session.lease_token().unwrap();
    let mut config = common::config(server).local_addr(ip(2 + n));
    config.session = Arc::new(session);
    let client = Client::connect(config).await.unwrap();
    work(&client).await;
    token
}

/// Four workers of one account list, restrict and kick at once: the lease
/// lets one at a time use the key, none is refused, each does its share,
/// and the tokens show four holders one after the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_share_one_account_through_the_lease() {
    let Some(url) = ferrogram_session::test_database("scale_out_workers") else {
        return;
    };
    let server = TestServer::builder().members(40).start().await.unwrap();
    server.faults().detect_duplicated_keys(true);
    // The first worker signs the owner in (2FA) for all of them.
    let creds = server.user().unwrap().clone();
    let first = worker(&server, url.clone(), 0, async |c| {
        let token = c.request_login_code(&creds.phone).await.unwrap();
        assert!(c.sign_in(&token, &creds.code).await.is_err(), "2FA");
        c.check_password(&creds.password).await.unwrap();
    })
    .await;
    let members: Vec<i64> = {
        let listing = worker(&server, url.clone(), 1, async |c| {
            assert!(!c.get_participants(LOUNGE).await.unwrap().items.is_empty());
        });
        let _ = listing.await;
        server
            .participant_states("ferrogram_lounge")
            .into_iter()
            .filter(|(_, state)| state.starts_with("Member "))
            .map(|(id, _)| id)
            .take(6)
            .collect()
    };
    assert_eq!(members.len(), 6);
    let tasks: Vec<_> = (0..3u8)
        .map(|i| {
            let (server, url) = (&server, url.clone());
            let (muted, kicked) = (members[usize::from(i)], members[usize::from(i) + 3]);
            async move {
                worker(server, url, 2 + i, async move |c| {
                    let listed = c.get_participants(LOUNGE).await.unwrap();
                    assert!(!listed.items.is_empty());
                    c.edit_permissions(LOUNGE, muted, BannedRights::read_only())
                        .await
                        .unwrap();
                    c.kick_participant(LOUNGE, kicked).await.unwrap();
                })
                .await
            }
        })
        .collect();
    let tokens = futures::future::join_all(tasks).await;
    assert_eq!(
        server.duplicated_keys(),
        0,
        "no key used from two addresses"
    );
    let mut all = vec![first];
    all.extend(tokens);
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 4, "four holders one after the other: {all:?}");
    let states = server.participant_states("ferrogram_lounge");
    for i in 0..3 {
        let muted = &states[&members[i]];
        assert!(muted.starts_with("Restricted"), "{muted}");
        let kicked = states.get(&members[i + 3]);
        assert!(
            kicked.is_none_or(|k| !k.starts_with("Member ")),
            "{kicked:?}"
        );
    }
    assert_eq!(server.counters().method("auth.signIn").received, 1);
}

/// A worker that closes its client (`Client::close`: its connections, then
/// the lease) hands the account on at once: the next worker, on another
/// address, takes the lease without waiting for a 60-second TTL, and the
/// key is never seen from two addresses at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_client_hands_the_account_on_at_once() {
    let Some(url) = ferrogram_session::test_database("scale_out_close") else {
        return;
    };
    let server = TestServer::builder().members(5).start().await.unwrap();
    server.faults().detect_duplicated_keys(true);
    let take = |n: u8| {
        let url = url.clone();
        let options = LeaseOptions::new()
            .holder(format!("worker {n}"))
            .ttl(Duration::from_secs(60))
            .wait(Some(Duration::from_secs(5)));
        tokio::task::spawn_blocking(move || {
            PostgresSession::connect_leased(&url, "owner", &options)
        })
    };
    let connect = |n: u8, session: PostgresSession| {
        let mut config = common::config(&server).local_addr(ip(2 + n));
        config.session = Arc::new(session);
        Client::connect(config)
    };
    let first = connect(0, take(0).await.unwrap().unwrap()).await.unwrap();
    first
        .sign_in_bot(server.bot_token().unwrap())
        .await
        .unwrap();
    first.close().await.unwrap();
    let e = first.get_me().await.unwrap_err();
    assert!(
        matches!(e, ferrogram_client::InvocationError::Dropped),
        "{e:?}"
    );
    first.close().await.unwrap(); // twice: nothing more
    let started = std::time::Instant::now();
    let session = take(1).await.unwrap().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let second = connect(1, session).await.unwrap();
    assert!(second.get_me().await.unwrap().bot);
    assert_eq!(server.duplicated_keys(), 0);
}

/// A bot's workers, each signed in with the token on an account of its own
/// (its own auth key, no lease to wait for), share one peer cache: what one
/// resolved, the other finds without a request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bots_workers_sign_in_each_and_share_their_peers() {
    let Some(url) = ferrogram_session::test_database("scale_out_bots") else {
        return;
    };
    let server = TestServer::builder().members(20).start().await.unwrap();
    server.faults().detect_duplicated_keys(true);
    let token = server.bot_token().unwrap().to_owned();
    let worker = |n: u8| {
        let (url, token) = (url.clone(), token.clone());
        let session = PostgresSession::connect(&url, &format!("bot-{n}"))
            .unwrap()
            .share_peers_with("bot")
            .unwrap();
        assert_eq!(session.peer_cache(), "bot");
        let mut config = common::config(&server).local_addr(ip(2 + n));
        config.session = Arc::new(session);
        async move {
            let c = Client::connect(config).await.unwrap();
            c.sign_in_bot(&token).await.unwrap();
            c
        }
    };
    let (first, second) = futures::join!(worker(0), worker(1));
    assert_eq!(
        server
            .counters()
            .method("auth.importBotAuthorization")
            .executed,
        2,
        "an authorization each"
    );
    let listed = first.get_participants(LOUNGE).await.unwrap();
    let member = listed
        .items
        .iter()
        .find(|p| matches!(p.role, ferrogram_chat_mgmt::Role::Member))
        .unwrap()
        .user
        .id;
    let resolved = server
        .counters()
        .method("contacts.resolveUsername")
        .executed;
    // The second finds the group and a member in the shared cache.
    let group = second.get_input_entity(LOUNGE).await.unwrap();
    assert!(matches!(
        group,
        ferrogram_tl_types::enums::InputPeer::Channel(_)
    ));
    let user = second.get_input_entity(member).await.unwrap();
    assert!(matches!(
        user,
        ferrogram_tl_types::enums::InputPeer::User(_)
    ));
    assert_eq!(
        server
            .counters()
            .method("contacts.resolveUsername")
            .executed,
        resolved,
        "no request"
    );
    // And acts with them (the access hashes are the bot's, whichever
    // authorization asks).
    second
        .edit_permissions(LOUNGE, member, BannedRights::read_only())
        .await
        .unwrap();
    assert_eq!(server.duplicated_keys(), 0);
}
