//! A bulk job shared by several workers through PostgreSQL
//! (`PostgresBulkStore`), against `testserver` over TCP: three bots, each
//! signed in on its own, kick together (every ban, then every unban); a
//! planner that dies is replaced; an item held too long goes to another
//! worker, whose word stands. Needs the server `cargo xtask test` starts
//! (`FERROGRAM_TEST_POSTGRES`); skipped without it unless required. The
//! process-kill version (four `ferrogram` processes, two SIGKILLed) is in
//! the CLI's tests.

use std::time::{Duration, Instant};

use ferrogram_chat_mgmt::{
    AdminLogFilter, BulkAction, BulkStore, ChatManagement, Claim, Error, Moderation, Outcome, Pace,
    ParticipantFilter, PostgresBulkStore, Record, Selection,
};
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::enums;

mod common;

const LOUNGE: &str = "@ferrogram_lounge";

async fn store(url: &str, job: &str, worker: &str, ttl: Duration) -> PostgresBulkStore {
    PostgresBulkStore::connect(url, job)
        .await
        .unwrap()
        .worker(worker)
        .claim_ttl(ttl)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_kick_together_every_ban_before_any_unban() {
    let Some(url) = ferrogram_session::test_database("bulk_shared_kick") else {
        return;
    };
    let server = TestServer::builder().members(60).start().await.unwrap();
    let mut runs = Vec::new();
    for n in 0..3 {
        let bot = common::bot(&server).await;
        let store = store(&url, "kick", &format!("bot {n}"), Duration::from_secs(5)).await;
        runs.push(async move {
            bot.bulk(BulkAction::Kick)
                .chat(LOUNGE)
                .select(Selection::Participants(ParticipantFilter::Recent))
                .pace(Pace::new().per_second(10_000.0))
                .store(store)
                .run()
                .await
                .unwrap()
        });
    }
    let reports = futures::future::join_all(runs).await;
    // Each reports the whole job.
    let totals = reports[0].totals;
    assert!(reports.iter().all(|r| r.totals == totals), "{reports:?}");
    assert!(totals.changed >= 40, "{totals:?}");
    assert_eq!(totals.failed, 0, "{totals:?}");
    let executed = server.counters().method("channels.editBanned").executed;
    assert_eq!(
        executed,
        2 * totals.changed as u64,
        "a ban and an unban each, once"
    );
    let states = server.participant_states("ferrogram_lounge");
    let kicked: Vec<i64> = reports[0]
        .items
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Changed { .. }))
        .map(|i| i.item.user)
        .collect();
    for id in &kicked {
        assert!(states[id].starts_with("Left"), "{}", states[id]);
    }
    // Every worker's bans came before any worker's unban.
    let owner = common::owner(&server).await;
    let log = owner
        .get_admin_log(LOUNGE)
        .filter(AdminLogFilter::new().ban(true).unban(true))
        .limit(2 * kicked.len())
        .await
        .unwrap();
    let banned: Vec<bool> = log
        .iter()
        .map(|e| match &e.action {
            enums::ChannelAdminLogEventAction::ParticipantToggleBan(a) => {
                matches!(&a.new_participant, enums::ChannelParticipant::Banned(_))
            }
            other => panic!("{other:?}"),
        })
        .collect();
    let unbans = kicked.len();
    assert_eq!(
        banned,
        [vec![false; unbans], vec![true; unbans]].concat(),
        "newest first: every unban, then every ban"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planner_that_dies_is_replaced_once_its_claim_expires() {
    let Some(url) = ferrogram_session::test_database("bulk_shared_planner") else {
        return;
    };
    let server = TestServer::builder().members(30).start().await.unwrap();
    let ttl = Duration::from_millis(600);
    let mut dead = store(&url, "ban", "dies", ttl).await;
    assert!(dead.load().await.unwrap().is_empty(), "the first plans");
    // A second worker waits while the planner lives (its claim renewed)...
    let mut waiting = store(&url, "ban", "waits", ttl).await;
    let waited = tokio::time::timeout(3 * ttl, waiting.load()).await;
    assert!(waited.is_err(), "waited while the planner lived");
    // ...and plans once it is gone and its claim has expired.
    drop(dead);
    let gone = Instant::now();
    let bot = common::bot(&server).await;
    let report = bot
        .bulk(BulkAction::Ban)
        .chat(LOUNGE)
        .select(Selection::Participants(ParticipantFilter::Recent))
        .pace(Pace::new().per_second(10_000.0))
        .store(store(&url, "ban", "replaces", ttl).await)
        .run()
        .await
        .unwrap();
    assert!(gone.elapsed() < Duration::from_secs(10));
    assert!(report.totals.changed >= 1, "{:?}", report.totals);
    assert_eq!(
        server.counters().method("channels.editBanned").executed,
        report.totals.changed as u64
    );
    // The job is planned now: a late worker reads it.
    let records = waiting.load().await.unwrap();
    assert!(matches!(records[0], Record::Plan { .. }), "{records:?}");
}

fn record(json: &str) -> Record {
    serde_json::from_str(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_held_too_long_goes_to_another_worker() {
    let Some(url) = ferrogram_session::test_database("bulk_shared_claims") else {
        return;
    };
    let ttl = Duration::from_millis(500);
    let mut a = store(&url, "job", "a", ttl).await;
    let mut b = store(&url, "job", "b", ttl).await;
    assert!(a.load().await.unwrap().is_empty());
    let mut plan = vec![record(
        r#"{"record":"plan","version":1,"action":"ban","dry_run":false,"created":1}"#,
    )];
    for i in 0..3 {
        plan.push(record(&format!(
            r#"{{"record":"item","i":{i},"chat":-1001,"user":{},"op":"ban","before":{{"role":"member"}}}}"#,
            100 + i
        )));
    }
    plan.push(record(r#"{"record":"ready","items":3}"#));
    a.append(&plan).await.unwrap();
    assert_eq!(b.load().await.unwrap(), plan, "the plan, as written");

    let Claim::Items { items, records } = a.claim(0, 16).await.unwrap() else {
        panic!("a claims");
    };
    assert_eq!((items, records), (vec![0, 1, 2], vec![]));
    a.append(&[Record::Start { i: 0, step: 0 }]).await.unwrap();
    assert_eq!(b.claim(0, 16).await.unwrap(), Claim::Wait, "a holds them");
    tokio::time::sleep(ttl + Duration::from_millis(200)).await;
    // a stalled: b takes them, and learns item 0 was started.
    let Claim::Items { items, records } = b.claim(0, 16).await.unwrap() else {
        panic!("b takes over");
    };
    assert_eq!(items, vec![0, 1, 2]);
    assert_eq!(records, vec![Record::Start { i: 0, step: 0 }]);
    let taken = a.append(&[Record::Start { i: 1, step: 0 }]).await;
    assert!(matches!(taken, Err(Error::BulkItemTaken(1))), "{taken:?}");
    for i in 0..3 {
        b.append(&[Record::Start { i, step: 0 }]).await.unwrap();
        b.append(&[Record::Done {
            i,
            step: 0,
            outcome: serde_json::from_str::<Outcome>(r#"{"outcome":"changed"}"#).unwrap(),
        }])
        .await
        .unwrap();
    }
    assert_eq!(a.claim(0, 16).await.unwrap(), Claim::Finished);
    // A ban has no second pass.
    assert_eq!(a.claim(1, 16).await.unwrap(), Claim::Finished);
    let done = a.load().await.unwrap();
    assert_eq!(
        done.iter()
            .filter(|r| matches!(r, Record::Done { .. }))
            .count(),
        3
    );
}
