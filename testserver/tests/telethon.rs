//! Telethon 1.45.0 (the venv of `cargo xtask test`) against the server: every
//! framing, bot and user sign-in (PHONE_MIGRATE, code, 2FA), messages both ways
//! with pushed updates, history, a profile photo up and down, and a dropped
//! connection. What Telethon read is compared with the server's own state.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrogram_testserver::{Faults, TestServer};
use serde_json::Value;

/// The whole script must finish within this.
const DEADLINE: Duration = Duration::from_secs(240);

fn run_script(
    python: PathBuf,
    info: String,
    faults: Faults,
) -> (Option<Value>, Vec<String>, String) {
    let mut child = Command::new(python)
        .arg(peer::script("telethon_testserver.py"))
        .arg(info)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    let stdout = child.stdout.take().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let child = Arc::new(Mutex::new(child));
    let done = Arc::new(Mutex::new(false));
    {
        let (child, done) = (child.clone(), done.clone());
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            while start.elapsed() < DEADLINE {
                std::thread::sleep(Duration::from_millis(200));
                if *done.lock().unwrap() {
                    return;
                }
            }
            let _ = child.lock().unwrap().kill();
        });
    }
    let mut steps = Vec::new();
    let mut result = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(name) = line.strip_prefix("STEP ") {
            steps.push(name.to_owned());
            if name == "drop" {
                faults.drop_connection_after(1);
            }
            writeln!(stdin, "go").unwrap();
            stdin.flush().unwrap();
        } else if let Some(json) = line.strip_prefix("RESULT ") {
            result = Some(serde_json::from_str(json).expect("result JSON"));
        }
    }
    let _ = child.lock().unwrap().wait();
    *done.lock().unwrap() = true;
    (result, steps, err_reader.join().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telethon_signs_in_messages_uploads_and_survives_a_drop() {
    let Some(python) = peer::python("Telethon against the testserver") else {
        return;
    };
    let server = TestServer::builder().start().await.unwrap();
    let info = serde_json::to_string(&server.info()).unwrap();
    let faults = server.faults();
    let (result, steps, stderr) =
        tokio::task::spawn_blocking(move || run_script(python, info, faults))
            .await
            .unwrap();
    let Some(r) = result else {
        panic!("Telethon script failed; steps {steps:?}; stderr:\n{stderr}");
    };
    println!("Telethon read: {r}\nstderr:\n{stderr}");
    let user = server.user().unwrap();
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();

    for framing in ["full", "intermediate", "abridged", "obfuscated"] {
        let b = &r["bot_framings"][framing];
        assert_eq!(b["id"], bot_id, "{framing}");
        assert_eq!(b["username"], "ferrogram_test_bot", "{framing}");
        assert_eq!(b["bot"], true, "{framing}");
    }
    assert_eq!(r["password_needed"], true);
    assert_eq!(r["user"]["id"], user.id);
    assert_eq!(r["user"]["phone"], user.phone.as_str());
    assert_eq!(r["user"]["dc"], server.dc_id(), "migrated to the home DC");

    assert_eq!(r["bot_got"]["text"], "hello from telethon");
    assert_eq!(r["bot_got"]["sender"], user.id);
    assert_eq!(r["user_got"]["text"], "hi human");
    assert_eq!(r["user_got"]["sender"], bot_id);
    assert_eq!(
        r["history"],
        serde_json::json!(["hi human", "hello from telethon"])
    );
    assert_eq!(
        server.messages(user.id, bot_id),
        ["hello from telethon", "hi human"]
    );

    assert_eq!(r["photo_roundtrip"], true);
    assert_eq!(r["photo_size"], 179_200);
    assert_eq!(server.profile_photos(user.id).len(), 1);

    // The dropped connection: Telethon resent, the message exists once.
    assert_eq!(steps, ["drop"]);
    assert_eq!(server.messages(user.id, user.id), ["after the drop"]);
    assert_eq!(r["saved"], serde_json::json!(["after the drop"]));
    let counters = server.counters();
    println!("{counters:?}");
    let sends = counters.method("messages.sendMessage");
    // Three messages, one of them sent twice (Telethon resends in a new session
    // with a new msg_id; the random_id makes the resend harmless).
    assert_eq!((sends.received, sends.executed), (4, 4));
    assert!(counters.handshakes >= 6, "{counters:?}");
}
