//! Every command of the `ferrogram` binary against a testserver over TCP:
//! outputs parsed back and compared with the server's world, every error case
//! with its exit code.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use common::*;

use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::chats::ChatKind;
use ferrogram_testserver::{Role, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_whoami_logout_and_the_remembered_profile() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let env = Env::new(&server, "login");
    fails(&env.run(&["whoami"]).await, 3, "not logged in");
    login_owner(&env, &server).await;
    // The profile remembers the server, its key and DC.
    let who = ok(&env.run_bare(&["whoami"]).await);
    assert!(
        who.contains("Ada Admin (@ada_admin)") && who.contains("on DC 2"),
        "{who}"
    );
    let out = ok(&env.run_bare(&["logout"]).await);
    assert!(out.contains("Signed out"), "{out}");
    assert!(!env.session().exists());
    fails(&env.run(&["whoami"]).await, 3, "ferrogram login");

    // The 2FA password prompted (here from a pipe; on a terminal it is not echoed).
    let prompted = Env::new(&server, "login-prompt");
    let u = server.user().unwrap().clone();
    let args: Vec<String> = vec![
        "--session".into(),
        prompted.session().display().to_string(),
        "--server".into(),
        prompted.server.clone(),
        "--rsa-key".into(),
        prompted.key.display().to_string(),
        "login".into(),
        "--phone".into(),
        u.phone.clone(),
        "--code".into(),
        u.code.clone(),
    ];
    let password = u.password.clone();
    let out = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let text = ok(&out);
    assert!(text.contains("Signed in as Ada Admin"), "{text}");
    assert!(stderr(&out).contains("2FA password: "));

    // A bot token.
    let bot = Env::new(&server, "login-bot");
    let out = ok(&bot
        .run(&["login", "--bot-token", server.bot_token().unwrap()])
        .await);
    assert!(
        out.contains("@ferrogram_test_bot") && out.contains("a bot"),
        "{out}"
    );
    // Bots are refused the admin log: exit 6, one line naming why.
    fails(
        &bot.run_bare(&["admin-log", "@ferrogram_lounge"]).await,
        6,
        "refuses this to bots",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participants_in_every_format_match_the_world() {
    let server = TestServer::builder().members(300).start().await.unwrap();
    let env = Env::new(&server, "participants");
    login_owner(&env, &server).await;
    let members = members_of(&server, "ferrogram_lounge");

    let csv = ok(&env
        .run(&["participants", "@ferrogram_lounge", "--format", "csv"])
        .await);
    let rows = parse_csv(&csv);
    assert_eq!(
        rows[0].join(","),
        "id,username,first_name,last_name,role,rank,joined,until"
    );
    assert_eq!(rows.len() - 1, members, "every member, once");
    for row in &rows[1..] {
        let id: i64 = row[0].parse().unwrap();
        let role = server.participant_role("ferrogram_lounge", id).unwrap();
        assert_eq!(row[4], role.name(), "{row:?}");
        assert!(
            row[6].is_empty() || row[6].ends_with('Z'),
            "RFC 3339: {row:?}"
        );
    }

    let json = ok(&env
        .run(&[
            "participants",
            "@ferrogram_lounge",
            "--filter",
            "admins",
            "--format",
            "json",
        ])
        .await);
    let admins: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(admins.len() >= 3);
    assert!(
        admins
            .iter()
            .all(|a| a["role"] == "admin" || a["role"] == "creator")
    );
    assert!(admins.iter().any(|a| a["rank"] == "Moderator"));

    let limited = ok(&env
        .run(&[
            "participants",
            "@ferrogram_lounge",
            "--limit",
            "5",
            "--format",
            "json",
        ])
        .await);
    assert_eq!(limited.lines().count(), 5);
    let table = env
        .run(&["participants", "@ferrogram_lounge", "--search", "ada"])
        .await;
    let text = ok(&table);
    assert!(text.lines().next().unwrap().starts_with("id "));
    assert!(text.to_lowercase().contains("ada"));
    // Not a terminal: no progress bar on stderr, only the closing count.
    assert!(!stderr(&table).contains('['), "{}", stderr(&table));
    assert!(stderr(&table).contains("listed of"));

    // Basic groups by marked id.
    let team = server
        .info()
        .chats
        .iter()
        .find(|c| c.kind == ChatKind::Group)
        .unwrap()
        .marked_id
        .to_string();
    let out = ok(&env.run(&["participants", &team, "--format", "json"]).await);
    assert_eq!(out.lines().count(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_commands_change_the_world() {
    let server = TestServer::builder().members(120).start().await.unwrap();
    let env = Env::new(&server, "admin");
    login_owner(&env, &server).await;
    let csv = ok(&env
        .run(&["participants", "@ferrogram_lounge", "--format", "csv"])
        .await);
    let plain: Vec<String> = parse_csv(&csv)[1..]
        .iter()
        .filter(|r| r[4] == "member" && !r[1].ends_with("_bot"))
        .map(|r| r[0].clone())
        .take(3)
        .collect();
    let id = |s: &String| s.parse::<i64>().unwrap();
    let role = |u: &String| server.participant_role("ferrogram_lounge", id(u));

    let out = ok(&env
        .run(&[
            "promote",
            "@ferrogram_lounge",
            &plain[0],
            "--right",
            "ban_users",
            "--right",
            "delete-messages",
            "--title",
            "Moderator",
        ])
        .await);
    assert!(out.contains("is now an admin"), "{out}");
    assert_eq!(role(&plain[0]), Some(Role::Admin));
    let perms = ok(&env
        .run(&[
            "permissions",
            "@ferrogram_lounge",
            &plain[0],
            "--format",
            "json",
        ])
        .await);
    let p: serde_json::Value = serde_json::from_str(perms.trim()).unwrap();
    assert_eq!(p["is_admin"], true);
    assert_eq!(p["can_ban_users"], true);
    assert_eq!(p["can_change_info"], false);
    ok(&env.run(&["demote", "@ferrogram_lounge", &plain[0]]).await);
    assert_eq!(role(&plain[0]), Some(Role::Member));

    let out = ok(&env
        .run(&[
            "restrict",
            "@ferrogram_lounge",
            &plain[1],
            "--deny",
            "send_media",
            "--deny",
            "embed_link_previews",
            "--for",
            "1h",
        ])
        .await);
    assert!(out.contains("until 20"), "{out}");
    assert_eq!(role(&plain[1]), Some(Role::Restricted));
    let perms = ok(&env
        .run(&[
            "permissions",
            "@ferrogram_lounge",
            &plain[1],
            "--format",
            "json",
        ])
        .await);
    let p: serde_json::Value = serde_json::from_str(perms.trim()).unwrap();
    assert_eq!(p["is_banned"], true);
    let denied = p["denied"].as_str().unwrap();
    assert!(
        denied.contains("send_media") && denied.contains("embed_links"),
        "{denied}"
    );
    assert!(!denied.contains("send_messages"));
    ok(&env
        .run(&["unrestrict", "@ferrogram_lounge", &plain[1]])
        .await);
    assert_eq!(role(&plain[1]), Some(Role::Member));

    ok(&env.run(&["kick", "@ferrogram_lounge", &plain[2]]).await);
    assert_eq!(role(&plain[2]), Some(Role::Left));

    ok(&env
        .run(&["defaults", "@ferrogram_lounge", "--deny", "send_polls"])
        .await);
    let perms = ok(&env
        .run(&["permissions", "@ferrogram_lounge", "--format", "json"])
        .await);
    let p: serde_json::Value = serde_json::from_str(perms.trim()).unwrap();
    assert_eq!(p["send_polls"], false);
    assert_eq!(p["send_messages"], true);

    // The admin log shows each change, newest first.
    let log = ok(&env
        .run(&[
            "admin-log",
            "@ferrogram_lounge",
            "--limit",
            "7",
            "--format",
            "json",
        ])
        .await);
    let actions: Vec<String> = log
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "DefaultBannedRights",
            "ParticipantToggleBan",
            "ParticipantToggleBan",
            "ParticipantToggleBan",
            "ParticipantToggleBan",
            "ParticipantToggleAdmin",
            "ParticipantToggleAdmin",
        ]
    );
    let promotions = ok(&env
        .run(&[
            "admin-log",
            "@ferrogram_lounge",
            "--filter",
            "promote",
            "--admin",
            "me",
            "--format",
            "csv",
        ])
        .await);
    let rows = parse_csv(&promotions);
    assert_eq!(rows[0].join(","), "id,date,admin_id,admin,action,detail");
    assert!(rows[1..].iter().all(|r| r[4] == "ParticipantToggleAdmin"));
    assert!(rows[1][5].contains(&plain[0]), "{:?}", rows[1]);

    let out = ok(&env
        .run(&["typing", "@ferrogram_lounge", "--for", "1s"])
        .await);
    assert!(out.contains("then cancelled"), "{out}");
    assert!(server.counters().method("messages.setTyping").executed >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_stats_and_their_files() {
    let server = TestServer::builder().members(60).start().await.unwrap();
    let env = Env::new(&server, "files");
    login_owner(&env, &server).await;
    // The owner uploads two photos with a library client.
    let mut c = Config::new(1, "x");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    let lib = Client::connect(c).await.unwrap();
    let u = server.user().unwrap().clone();
    let t = lib.request_login_code(&u.phone).await.unwrap();
    let _ = lib.sign_in(&t, &u.code).await;
    lib.check_password(&u.password).await.unwrap();
    lib.upload_profile_photo(&[1u8; 3000]).await.unwrap();
    lib.upload_profile_photo(&[2u8; 5000]).await.unwrap();

    let dir = env.dir.join("photos");
    let out = ok(&env
        .run(&[
            "photos",
            "me",
            "--download",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ])
        .await);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    // Newest first: the 5000-byte photo.
    let first = std::fs::read(rows[0]["file"].as_str().unwrap()).unwrap();
    assert_eq!(first, vec![2u8; 5000]);
    assert_eq!(rows[1]["size"], 3000);

    let svg = env.dir.join("graphs");
    let out = ok(&env
        .run(&["stats", "@ferrogram_news", "--svg", svg.to_str().unwrap()])
        .await);
    assert!(out.contains("followers"), "{out}");
    let growth = std::fs::read_to_string(svg.join("growth_graph.svg")).unwrap();
    assert!(
        growth.starts_with("<svg") && growth.contains("<polyline"),
        "{growth:.200}"
    );
    let out = ok(&env.run(&["stats", "@ferrogram_lounge"]).await);
    assert!(out.contains("members") && out.contains("posters"), "{out}");
    let out = ok(&env
        .run(&["stats", "@ferrogram_news", "--message", "3"])
        .await);
    assert!(out.contains("views_graph"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_is_one_line_and_a_documented_code() {
    let server = TestServer::builder().members(60).start().await.unwrap();
    let env = Env::new(&server, "errors");
    login_owner(&env, &server).await;
    fails(
        &env.run(&["participants", "@nobody_at_all"]).await,
        5,
        "unknown chat or user",
    );
    fails(
        &env.run(&[
            "promote",
            "@ferrogram_lounge",
            "@ferrogram_lounge",
            "--right",
            "fly",
        ])
        .await,
        2,
        "unknown value \"fly\" for --right <RIGHT> (valid: change_info,",
    );
    fails(
        &env.run(&[
            "restrict",
            "@ferrogram_lounge",
            "@ada_admin",
            "--for",
            "soon",
        ])
        .await,
        2,
        "not a duration",
    );
    fails(
        &env.run(&["admin-log", "@ferrogram_lounge", "--filter", "everything"])
            .await,
        2,
        "unknown value \"everything\" for --filter <FILTER>",
    );
    // A right is missing: a fresh account is no admin of the lounge.
    let stranger = Env::new(&server, "errors-stranger");
    server.create_user("Sam", "Stranger", "9996621777");
    ok(&stranger
        .run(&["login", "--phone", "9996621777", "--code", "22222"])
        .await);
    fails(
        &stranger
            .run_bare(&["restrict", "@ferrogram_lounge", "@ada_admin"])
            .await,
        6,
        "missing right: ban_users",
    );
    // FLOOD_WAIT above the threshold says how long.
    server
        .faults()
        .flood_wait("channels.getParticipants", 3600, Some(1));
    fails(
        &env.run(&["participants", "@ferrogram_lounge"]).await,
        7,
        "wait 3600 s",
    );
    // Nothing listens: cannot connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap().to_string();
    drop(closed);
    let out = run_bin(vec![
        "--session".into(),
        env.dir.join("other.sqlite").display().to_string(),
        "--server".into(),
        addr,
        "--rsa-key".into(),
        env.key.display().to_string(),
        "whoami".into(),
    ])
    .await;
    fails(&out, 4, "cannot connect");
    // Telegram itself needs API credentials.
    let out = run_bin(vec![
        "--session".into(),
        env.dir.join("third.sqlite").display().to_string(),
        "whoami".into(),
    ])
    .await;
    fails(&out, 2, "my.telegram.org");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_its_json_line_and_serves() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .args(["serve", "--members", "40"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        line
    })
    .await
    .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    let addr: std::net::SocketAddr = info["addr"].as_str().unwrap().parse().unwrap();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    // A client talks to it.
    let dir = std::env::temp_dir().join(format!("ferrogram-cli-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("k.pem");
    std::fs::write(&key, info["rsa_public_key_pem"].as_str().unwrap()).unwrap();
    let out = run_bin(vec![
        "--session".into(),
        dir.join("s.sqlite").display().to_string(),
        "--server".into(),
        addr.to_string(),
        "--rsa-key".into(),
        key.display().to_string(),
        "login".into(),
        "--bot-token".into(),
        info["bot_token"].as_str().unwrap().into(),
    ])
    .await;
    let text = ok(&out);
    assert!(text.contains("@ferrogram_test_bot"), "{text}");
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
            .args(["completions", shell])
            .output()
            .unwrap();
        let text = ok(&out);
        assert!(
            text.contains("participants") && text.contains("admin-log"),
            "{shell}"
        );
    }
}

#[test]
fn a_panic_is_one_line_and_exit_code_9() {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .arg("--help")
        .env("FERROGRAM_TEST_PANIC", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    fails(
        &out,
        9,
        "ferrogram: internal error: FERROGRAM_TEST_PANIC is set at ",
    );
    assert!(!stderr(&out).contains("RUST_BACKTRACE"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_files_it_cannot_read_are_left_untouched() {
    let server = TestServer::builder().members(10).start().await.unwrap();
    let env = Env::new(&server, "unreadable");
    // Not SQLite at all.
    let garbage = vec![0x42u8; 8192];
    std::fs::write(env.session(), &garbage).unwrap();
    for args in [
        &["whoami"][..],
        &["login", "--phone", "9996621777", "--code", "22222"],
    ] {
        fails(&env.run(args).await, 1, "session.sqlite");
        assert_eq!(std::fs::read(env.session()).unwrap(), garbage);
    }
    // A profile that is not the JSON `login` writes: refused, not overwritten.
    let _ = std::fs::remove_file(env.session());
    let profile = env.dir.join("session.sqlite.profile.json");
    for text in ["{not json", r#"{"api_id": 99999999999}"#, r#"[1, 2]"#] {
        std::fs::write(&profile, text).unwrap();
        fails(
            &env.run(&["login", "--phone", "9996621777", "--code", "22222"])
                .await,
            1,
            "is not a ferrogram profile",
        );
        assert_eq!(std::fs::read_to_string(&profile).unwrap(), text);
    }
}

#[test]
fn help_documents_the_exit_codes() {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .arg("--help")
        .output()
        .unwrap();
    let text = ok(&out);
    for code in [
        "3  not logged in",
        "5  unknown chat or user",
        "7  FLOOD_WAIT",
        "9  internal error",
    ] {
        assert!(text.contains(code), "{code}");
    }
}

/// Runs the binary under a pseudo-terminal (Python's `pty`, which every CI
/// machine has) and returns what the terminal showed.
fn under_pty(args: &[String]) -> Option<String> {
    const SCRIPT: &str = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok())?;
    let out = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(env!("CARGO_BIN_EXE_ferrogram"))
        .args(args)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_bar_shows_on_a_terminal_only() {
    let server = TestServer::builder().members(400).start().await.unwrap();
    let env = Env::new(&server, "pty");
    login_owner(&env, &server).await;
    let args: Vec<String> = vec![
        "--session".into(),
        env.session().display().to_string(),
        "participants".into(),
        "@ferrogram_lounge".into(),
        "--format".into(),
        "csv".into(),
    ];
    let Some(screen) = tokio::task::spawn_blocking(move || under_pty(&args))
        .await
        .unwrap()
    else {
        eprintln!("skipped: no python to make a pseudo-terminal");
        return;
    };
    let members = members_of(&server, "ferrogram_lounge");
    assert!(
        screen.contains(&format!("] {members}/{members} members")),
        "{screen:.400}"
    );
    let piped = env
        .run_bare(&["participants", "@ferrogram_lounge", "--format", "csv"])
        .await;
    assert!(!stderr(&piped).contains("members"), "{}", stderr(&piped));
}

#[test]
fn demo_walks_the_whole_workflow() {
    let dir = std::env::temp_dir().join(format!("ferrogram-cli-demo-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .args(["demo", "--members", "400", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = ok(&out);
    // The embedded server's JSON line.
    let json = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("server ready: "))
        .expect("the server's JSON line");
    let info: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(info["addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(info["dcs"].as_array().unwrap().len(), 3);
    assert!(
        text.contains("auth key made in memory by the client and server state machines in "),
        "{text}"
    );
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("ok: 18 steps, "), "{last}");
    assert!(
        text.contains("5 messages reported, 5 deleted, banned: true"),
        "the spam wave: {text}"
    );
    assert!(
        text.contains("bulk ban of who joined since: 20 banned, 0 skipped, 0 failed")
            && text.contains("20 requests executed")
            && text.contains("dry run: 0 would change, 20 unchanged"),
        "the bot wave: {text}"
    );
    assert!(
        text.contains("Joined(Directly)") && text.contains("the old id still works"),
        "the welcome bot and the migration steps: {text}"
    );
    assert!(
        text.contains("opened it: Error::JoinRequestSent")
            && text.contains("approved: now member tagged \"Newcomer\""),
        "{text}"
    );
    assert!(text.contains("Moderator"));
    // The typed error step matched its variant.
    assert!(
        text.contains("refused as Error::AdminRankInvalid (ADMIN_RANK_INVALID)"),
        "{text}"
    );
    let csv = std::fs::read_to_string(dir.join("members.csv")).unwrap();
    let exported: usize = last
        .split("steps, ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(csv.lines().count(), exported + 1);
    assert!(Path::new(&dir.join("growth_graph.svg")).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the CLI as `env` does, killed after `limit` (then the test fails).
async fn run_bounded(env: &Env, args: &[&str], limit: std::time::Duration) -> Output {
    let mut full: Vec<String> = vec![
        "--session".into(),
        env.session().display().to_string(),
        "--server".into(),
        env.server.clone(),
        "--rsa-key".into(),
        env.key.display().to_string(),
    ];
    full.extend(args.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let child = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
            .args(&full)
            .env_remove("FERROGRAM_API_ID")
            .env_remove("FERROGRAM_API_HASH")
            .env_remove("FERROGRAM_SESSION")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run ferrogram");
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(limit) {
            Ok(out) => out.expect("ferrogram's output"),
            Err(_) => {
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                panic!(
                    "ferrogram {args:?} did not finish within {limit:?}",
                    args = full
                );
            }
        }
    })
    .await
    .unwrap()
}

/// The CLI's default session is a SQLite file: an aggressive export past the
/// 10,000-member cap on it finishes, with every member once (it once crawled
/// for minutes: every page of users cloned the whole session in memory).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aggressive_export_on_the_sqlite_session_finishes() {
    let server = TestServer::builder().members(12_000).start().await.unwrap();
    let env = Env::new(&server, "aggressive-sqlite");
    login_owner(&env, &server).await;
    let members = members_of(&server, "ferrogram_lounge");
    assert!(members > 10_000);
    let started = std::time::Instant::now();
    let out = run_bounded(
        &env,
        &[
            "participants",
            "@ferrogram_lounge",
            "--aggressive",
            "--pace-ms",
            "0",
            "--format",
            "csv",
        ],
        std::time::Duration::from_secs(600),
    )
    .await;
    let csv = ok(&out);
    let rows = parse_csv(&csv);
    let ids: std::collections::HashSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(rows.len() - 1, members, "every member");
    assert_eq!(ids.len(), members, "each once");
    println!(
        "aggressive export of {members} members on SQLite: {:.1?}",
        started.elapsed()
    );
}
