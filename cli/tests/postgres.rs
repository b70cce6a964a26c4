//! The CLI on a PostgreSQL session store (`--session postgres://…?account=`)
//! against a testserver over TCP, as on a SQLite file: and from a second
//! machine (another data directory, no profile), the same account signed in
//! already, through the store. Needs the server `cargo xtask test` starts
//! (`FERROGRAM_TEST_POSTGRES`); skipped without it unless required.

mod common;

use std::process::Output;

use common::{fails, members_of, ok, parse_csv, stderr};
use ferrogram_testserver::TestServer;

/// One machine: its own data directory (where the profile goes).
struct Machine {
    home: std::path::PathBuf,
}

impl Machine {
    fn new(name: &str) -> Self {
        let home =
            std::env::temp_dir().join(format!("ferrogram-pg-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        Self { home }
    }

    async fn run(&self, args: Vec<String>) -> Output {
        common::run_bin_env(args, vec![("XDG_DATA_HOME".into(), self.home.clone())]).await
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// The server's public key in a file (removed when dropped), and the
/// command line that names the server and a session.
struct ServerFlags {
    addr: String,
    key: std::path::PathBuf,
}

impl ServerFlags {
    fn new(server: &TestServer, name: &str) -> Self {
        let key =
            std::env::temp_dir().join(format!("ferrogram-pg-{name}-{}.pem", std::process::id()));
        std::fs::write(&key, server.rsa_public_key_pem()).unwrap();
        Self {
            addr: server.addr().to_string(),
            key,
        }
    }

    /// `--session SESSION --server … --rsa-key …`, then `extra`.
    fn args(&self, session: &str, extra: &[&str]) -> Vec<String> {
        let key = self.key.display().to_string();
        let mut a = strings(&[
            "--session",
            session,
            "--server",
            &self.addr,
            "--rsa-key",
            &key,
        ]);
        a.extend(strings(extra));
        a
    }
}

impl Drop for ServerFlags {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.key);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_on_a_postgres_store_from_two_machines() {
    let Some(db) = ferrogram_session::test_database("cli") else {
        return;
    };
    // A password in the URL (the test server trusts 127.0.0.1, so any
    // will do): never shown.
    let url = format!(
        "{}?account=ada",
        db.replacen("postgres://postgres@", "postgres://postgres:hunter2@", 1)
    );
    let server = TestServer::builder().members(50).start().await.unwrap();
    let key = std::env::temp_dir().join(format!("ferrogram-pg-cli-{}.pem", std::process::id()));
    std::fs::write(&key, server.rsa_public_key_pem()).unwrap();
    let flags = strings(&[
        "--session",
        &url,
        "--server",
        &server.addr().to_string(),
        "--rsa-key",
        &key.display().to_string(),
    ]);
    let with = |extra: &[&str], full: bool| {
        let mut a = if full {
            flags.clone()
        } else {
            strings(&["--session", &url])
        };
        a.extend(strings(extra));
        a
    };
    let first = Machine::new("first");
    fails(
        &first.run(with(&["whoami"], true)).await,
        3,
        "not logged in",
    );
    let u = server.user().unwrap().clone();
    let out = first
        .run(with(
            &[
                "login",
                "--phone",
                &u.phone,
                "--code",
                &u.code,
                "--password",
                &u.password,
            ],
            true,
        ))
        .await;
    let text = ok(&out);
    assert!(text.contains("Signed in as Ada Admin"), "{text}");
    assert!(
        text.contains("account ada") && text.contains("***"),
        "{text}"
    );
    // The profile (server, key, DC) is this machine's: --session alone.
    let who = ok(&first.run(with(&["whoami"], false)).await);
    assert!(who.contains("Ada Admin (@ada_admin)"), "{who}");
    let csv = ok(&first
        .run(with(
            &["participants", "@ferrogram_lounge", "--format", "csv"],
            false,
        ))
        .await);
    let rows = parse_csv(&csv);
    assert_eq!(rows.len() - 1, members_of(&server, "ferrogram_lounge"));

    // A second machine: no profile, no login; the store has the account.
    let second = Machine::new("second");
    let who = ok(&second.run(with(&["whoami"], true)).await);
    assert!(who.contains("Ada Admin (@ada_admin)"), "{who}");
    let counters = server.counters();
    assert_eq!(counters.method("auth.signIn").received, 1, "signed in once");

    // Logout forgets the account's rows: neither machine is signed in.
    let logout = second.run(with(&["logout"], true)).await;
    let text = ok(&logout);
    assert!(text.contains("Signed out"), "{text}");
    assert!(!text.contains("hunter2") && !stderr(&logout).contains("hunter2"));
    fails(
        &first.run(with(&["whoami"], true)).await,
        3,
        "ferrogram login",
    );
    // An account missing from the URL is a usage error, the password hidden.
    let bad = strings(&["--session", &url.replace("?account=ada", ""), "whoami"]);
    let out = first.run(bad).await;
    fails(&out, 2, "?account=NAME");
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
    let _ = std::fs::remove_file(&key);
}

/// One bulk job, four worker processes on one PostgreSQL journal, each a
/// bot signed in on its own (its own authorization, its own session file):
/// two are killed (SIGKILL) halfway; the two left finish the job, taking
/// the dead ones' items once their claims expire, and every member is acted
/// on exactly once (the server's counters).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_job_shared_by_four_workers_survives_two_killed() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let Some(db) = ferrogram_session::test_database("cli_bulk") else {
        return;
    };
    let server = TestServer::builder().members(5_000).start().await.unwrap();
    let token = server.bot_token().unwrap().to_owned();
    let workers: Vec<common::Env> = (0..4)
        .map(|n| common::Env::new(&server, &format!("bulk-worker-{n}")))
        .collect();
    for w in &workers {
        let out = ok(&w.run(&["login", "--bot-token", &token]).await);
        assert!(out.contains("Signed in"), "{out}");
    }
    assert_eq!(
        server
            .counters()
            .method("auth.importBotAuthorization")
            .executed,
        4
    );
    let executed = || server.counters().method("channels.editBanned").executed;
    let journal = format!("{db}?job=mute-wave&claim_ttl=2");
    let dir = workers[0].dir.clone();
    let mut children: Vec<std::process::Child> = workers
        .iter()
        .enumerate()
        .map(|(n, w)| {
            let report = dir.join(format!("report-{n}.json"));
            w.command(&[
                "bulk",
                "restrict",
                "@ferrogram_lounge",
                "--filter",
                "recent",
                "--deny",
                "send-media",
                "--journal",
                &journal,
                "--rate",
                "10000",
                "--report",
                &report.display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    // Halfway (of about 4,880 changes), two workers die without a word.
    let deadline = Instant::now() + Duration::from_secs(120);
    while executed() < 1_500 {
        assert!(Instant::now() < deadline, "no progress: {}", executed());
        for c in &mut children {
            assert!(c.try_wait().unwrap().is_none(), "a worker ended early");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for c in &mut children[..2] {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    let killed_at = executed();
    // The two left finish the job.
    let mut left = children.split_off(2);
    for c in &mut left {
        loop {
            if let Some(status) = c.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(c.stderr.as_mut().unwrap(), &mut err).unwrap();
                assert!(status.success(), "{status}: {err}");
                assert!(err.contains("shared job \"mute-wave\""), "{err}");
                break;
            }
            assert!(Instant::now() < deadline, "a worker never finished");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let total = executed();
    assert!(
        killed_at < total && killed_at < 4_000,
        "{killed_at} of {total}"
    );
    // Each survivor reports the whole job.
    let read = |n: usize| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(format!("report-{n}.json"))).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let (a, b) = (read(2), read(3));
    assert_eq!(a["totals"], b["totals"]);
    let totals = &a["totals"];
    let changed = totals["changed"].as_u64().unwrap();
    let items = a["items"].as_array().unwrap();
    assert_eq!(items.len(), members_of(&server, "ferrogram_lounge"));
    assert_eq!(totals["failed"], 0, "{totals}");
    assert!(changed > 4_800, "{totals}");
    // Exactly once: one executed request per member changed, none twice.
    assert_eq!(total, changed, "{totals}");
    let states = server.participant_states("ferrogram_lounge");
    let muted = states
        .values()
        .filter(|s| s.starts_with("Restricted") && s.contains("send_media: true"))
        .count();
    assert_eq!(muted as u64, changed);
    let confirmed = items
        .iter()
        .filter(|i| i["detail"] == "confirmed on resume")
        .count();
    eprintln!(
        "killed at {killed_at} requests; {changed} changed; {confirmed} confirmed after a takeover"
    );
}

/// Each command takes the account's lease and hands it on as it ends: the
/// next command takes it at once (`&lease_wait=0` would fail otherwise),
/// one on another machine meanwhile is refused with the holder's name, and
/// a holder killed (SIGKILL) is taken over once its TTL is over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_takes_the_account_lease_and_hands_it_on() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let Some(db) = ferrogram_session::test_database("cli_lease") else {
        return;
    };
    let server = TestServer::builder().members(5).start().await.unwrap();
    let flags = ServerFlags::new(&server, "lease");
    let args = |query: &str, extra: &[&str]| flags.args(&format!("{db}?account=bot{query}"), extra);
    let (a, b) = (Machine::new("lease-a"), Machine::new("lease-b"));
    let token = server.bot_token().unwrap().to_owned();
    ok(&a.run(args("", &["login", "--bot-token", &token])).await);
    // Handed on at each command's end: no wait needed.
    for _ in 0..2 {
        let who = ok(&b.run(args("&lease_wait=0", &["whoami"])).await);
        assert!(who.contains("bot"), "{who}");
    }
    // A long command holds it; another machine is refused meanwhile.
    let mut watch = std::process::Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .args(args("&lease_ttl=1", &["watch", "--for", "60s"]))
        .env("XDG_DATA_HOME", &a.home)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let refused = loop {
        assert!(Instant::now() < deadline, "the watch never held the lease");
        let out = b.run(args("&lease_wait=0", &["whoami"])).await;
        if !out.status.success() {
            break out;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let err = stderr(&refused);
    assert!(
        err.contains(&format!("in use by ferrogram (pid {})", watch.id())),
        "{err}"
    );
    assert!(err.contains("lease_wait"), "{err}");
    // Killed: taken over once its one-second TTL is over.
    watch.kill().unwrap();
    watch.wait().unwrap();
    let started = Instant::now();
    let who = ok(&b.run(args("&lease_wait=20", &["whoami"])).await);
    assert!(who.contains("bot"), "{who}");
    assert!(started.elapsed() < Duration::from_secs(15));
}

/// Four `ferrogram` processes, each on its own address (`--bind`), share
/// one user account through the store at once: they list, restrict and
/// kick, each waiting its turn for the account's lease, and the server
/// (which revokes a key used from two addresses at once, as Telegram does)
/// never sees the key from two of them together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_one_account_without_a_duplicated_key() {
    let Some(db) = ferrogram_session::test_database("cli_four") else {
        return;
    };
    let server = TestServer::builder().members(30).start().await.unwrap();
    server.faults().detect_duplicated_keys(true);
    let flags = ServerFlags::new(&server, "four");
    let args = |n: u8, extra: &[&str]| {
        let bind = format!("127.0.0.{}", 2 + n);
        let extra = [&["--bind", bind.as_str()][..], extra].concat();
        flags.args(&format!("{db}?account=ada&lease_wait=60"), &extra)
    };
    let machines: Vec<Machine> = (0..4).map(|n| Machine::new(&format!("four-{n}"))).collect();
    let u = server.user().unwrap().clone();
    let login = [
        "login",
        "--phone",
        &u.phone,
        "--code",
        &u.code,
        "--password",
        &u.password,
    ];
    ok(&machines[0].run(args(0, &login)).await);
    let members: Vec<String> = server
        .participant_states("ferrogram_lounge")
        .into_iter()
        .filter(|(_, s)| s.starts_with("Member "))
        .map(|(id, _)| id.to_string())
        .take(2)
        .collect();
    let lounge = "@ferrogram_lounge";
    let work = [
        args(0, &["participants", lounge, "--format", "csv"]),
        args(
            1,
            &["restrict", lounge, &members[0], "--deny", "send_media"],
        ),
        args(2, &["kick", lounge, &members[1]]),
        args(3, &["participants", lounge, "--filter", "admins"]),
    ];
    let runs = machines.iter().zip(work).map(|(m, a)| m.run(a));
    let outs = futures::future::join_all(runs).await;
    for out in &outs {
        ok(out);
    }
    let rows = parse_csv(&common::stdout(&outs[0]));
    // Listed before or after the kick (the lease decides the order).
    let now = members_of(&server, "ferrogram_lounge");
    assert!(
        [now, now + 1].contains(&(rows.len() - 1)),
        "{} rows",
        rows.len()
    );
    assert_eq!(server.duplicated_keys(), 0, "one process at a time");
    let states = server.participant_states("ferrogram_lounge");
    let id = |s: &String| s.parse::<i64>().unwrap();
    assert!(states[&id(&members[0])].starts_with("Restricted"));
    assert!(
        states
            .get(&id(&members[1]))
            .is_none_or(|s| !s.starts_with("Member ")),
    );
    assert_eq!(server.counters().method("auth.signIn").received, 1);
}

/// A bot's two workers, each signed in on an account of its own in the
/// store, share a peer cache (`&peers=NAME`): the second acts on a member
/// by bare id (which needs the access hash the first was given) and finds
/// the group without resolving its username again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bots_workers_share_a_peer_cache() {
    let Some(db) = ferrogram_session::test_database("cli_peers") else {
        return;
    };
    let server = TestServer::builder().members(20).start().await.unwrap();
    let flags = ServerFlags::new(&server, "peers");
    let args = |account: &str, extra: &[&str]| {
        flags.args(&format!("{db}?account={account}&peers=bot"), extra)
    };
    let token = server.bot_token().unwrap().to_owned();
    let (a, b) = (Machine::new("peers-a"), Machine::new("peers-b"));
    ok(&a
        .run(args("bot-a", &["login", "--bot-token", &token]))
        .await);
    ok(&b
        .run(args("bot-b", &["login", "--bot-token", &token]))
        .await);
    let csv = ok(&a
        .run(args(
            "bot-a",
            &["participants", "@ferrogram_lounge", "--format", "csv"],
        ))
        .await);
    let rows = parse_csv(&csv);
    let member = rows
        .iter()
        .find(|r| r.get(4).is_some_and(|role| role == "member"))
        .map(|r| r[0].clone())
        .unwrap();
    let resolved = server
        .counters()
        .method("contacts.resolveUsername")
        .executed;
    let out = ok(&b
        .run(args(
            "bot-b",
            &[
                "restrict",
                "@ferrogram_lounge",
                &member,
                "--deny",
                "send_media",
            ],
        ))
        .await);
    assert!(out.contains("restricted"), "{out}");
    assert_eq!(
        server
            .counters()
            .method("contacts.resolveUsername")
            .executed,
        resolved,
        "the group came from the shared cache"
    );
}
