//! `ferrogram demo` runs, succeeds, and shows what it decoded; its fixtures are what
//! Telethon produces.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use std::process::Command;

#[test]
fn demo_decodes_and_reencodes_the_captures() {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .arg("demo")
        .output()
        .expect("run ferrogram demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("200 participants (of 12345 in the group), 200 users"),
        "{stdout}"
    );
    assert!(
        stdout.contains("by role: 1 creator, 10 admins, 181 members, 8 restricted, 0 banned"),
        "{stdout}"
    );
    assert!(stdout.contains("100 messages (29 replies"), "{stdout}");
    assert_eq!(
        stdout.matches("identical to the capture").count(),
        2,
        "{stdout}"
    );
    // The embedded test server prints its JSON line, then serves a real TCP client.
    let json = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("server ready: "))
        .expect("the server's JSON line");
    let info: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    assert!(info["addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(info["dcs"].as_array().unwrap().len(), 3);
    assert!(
        info["rsa_public_key_pem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN RSA PUBLIC KEY-----")
    );
    assert!(stdout.contains("connected to DC 2 in"), "{stdout}");
    assert!(
        stdout.contains("world: @ferrogram_lounge (supergroup, "),
        "{stdout}"
    );
    assert!(stdout.contains("help.getConfig offered 3 DCs"), "{stdout}");
    assert!(stdout.contains("2FA password needed"), "{stdout}");
    assert!(
        stdout.contains("user signed in with SRP: Ada (@ada_admin"),
        "{stdout}"
    );
    assert!(
        stdout.contains("user -> bot: \"hello from the demo\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("bot signed in: Ferrogram Test Bot (@ferrogram_test_bot"),
        "{stdout}"
    );
    assert!(
        stdout.contains("server counters: 2 handshakes,"),
        "{stdout}"
    );
}

#[test]
fn unknown_command_is_an_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrogram"))
        .arg("frobnicate")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand"));
}

#[test]
fn fixtures_are_what_telethon_writes() {
    let Some(python) = peer::python("fixture reproduction") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("ferrogram-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    peer::run(
        &python,
        &[
            &peer::script("make_fixtures.py"),
            dir.to_str().expect("utf-8"),
        ],
    );
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    for name in ["channel_participants_200.bin", "messages_100.bin"] {
        let fresh = std::fs::read(dir.join(name)).expect("fresh fixture");
        let committed = std::fs::read(format!("{fixtures}/{name}")).expect("committed fixture");
        assert!(
            fresh == committed,
            "{name} differs from what peers/make_fixtures.py writes now"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
