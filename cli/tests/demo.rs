//! The CLI's fixtures (decoded by the benchmarks) are what Telethon produces, and
//! an unknown command is a usage error. The demo itself is tested in
//! `commands.rs`.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use std::process::Command;

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
