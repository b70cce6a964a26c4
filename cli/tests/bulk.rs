//! `ferrogram bulk` against `testserver` over TCP: a dry run that changes
//! nothing, a run killed halfway (the process, SIGKILL) and resumed with
//! every member acted on once, the JSON report, and its undo.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use ferrogram_testserver::TestServer;

const CHAT: &str = "@ferrogram_lounge";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_run_killed_halfway_resumes_and_its_report_undoes_it() {
    let server = TestServer::builder().members(600).start().await.unwrap();
    let env = Env::new(&server, "bulk");
    login_owner(&env, &server).await;
    let states = || server.participant_states("ferrogram_lounge");
    let executed = || server.counters().method("channels.editBanned").executed;
    let start = states();
    let mute = [
        "bulk",
        "restrict",
        CHAT,
        "--filter",
        "recent",
        "--deny",
        "send-media",
    ];

    // A dry run lists what would change and changes nothing.
    let dry = ok(&env.run(&[&mute[..], &["--dry-run"]].concat()).await);
    let first = dry.lines().next().unwrap();
    assert!(
        first.starts_with("restrict: ") && first.contains(" would change, "),
        "{dry}"
    );
    let would: usize = first["restrict: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(would > 500, "{first}");
    assert_eq!(
        dry.matches("would change (member)").count()
            + dry.matches("would change (restricted)").count(),
        would
    );
    assert_eq!(states(), start);
    assert_eq!(executed(), 0);

    // The real run, slowed by the server's rate limit, killed halfway.
    server
        .faults()
        .rate_limit("channels.editBanned", 50, Duration::from_secs(1));
    let journal = env.dir.join("mute.journal");
    let journal_arg = journal.display().to_string();
    let mut child = env
        .command(&[&mute[..], &["--journal", &journal_arg, "--rate", "1000"]].concat())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while executed() < 100 {
        assert!(Instant::now() < deadline, "the run made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let killed_at = executed();
    assert!(
        (killed_at as usize) < would,
        "killed halfway: {killed_at} of {would}"
    );

    // Resumed from the journal: the rest, and nothing twice.
    let report_path = env.dir.join("mute.json");
    let report_arg = report_path.display().to_string();
    let out = ok(&env
        .run(&[
            "bulk",
            "--resume",
            &journal_arg,
            "--report",
            &report_arg,
            "--format",
            "json",
        ])
        .await);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changed = report["totals"]["changed"].as_u64().unwrap();
    assert_eq!(changed as usize, would, "{}", report["totals"]);
    assert_eq!(report["totals"]["failed"], 0);
    assert_eq!(executed(), changed, "every member exactly once");
    let now = states();
    let muted = now
        .values()
        .filter(|s| s.starts_with("Restricted") && s.contains("send_media: true"))
        .count();
    assert!(muted >= would, "{muted} of {would}");
    assert!(
        report["flood_waits"].as_u64().unwrap() >= 1,
        "{}",
        report["flood_waits"]
    );

    // The report undoes it: everyone as at the start.
    server
        .faults()
        .rate_limit("channels.editBanned", 0, Duration::from_secs(1));
    let out = ok(&env
        .run(&["bulk", "--undo", &report_arg, "--yes", "--rate", "1000"])
        .await);
    assert!(
        out.starts_with(&format!("undo restrict: {would} changed")),
        "{out}"
    );
    assert_eq!(states(), start);

    // Resuming a finished journal does nothing more.
    let before = executed();
    let out = ok(&env.run(&["bulk", "--resume", &journal_arg]).await);
    assert!(
        out.starts_with(&format!("restrict: {would} changed")),
        "{out}"
    );
    assert_eq!(executed(), before);

    // A list that is not one is refused with its place (exit 2).
    let bad = env.dir.join("bad.csv");
    std::fs::write(&bad, "id\n42\n-7\n").unwrap();
    fails(
        &env.run(&["bulk", "ban", CHAT, "--list", &bad.display().to_string()])
            .await,
        2,
        "bad.csv:3:1",
    );
}
