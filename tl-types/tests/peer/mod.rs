//! Finding and running the Python peers (the venv `cargo xtask test` installs).
//!
//! With `FERROGRAM_PEERS=required` (set by `cargo xtask test`) a missing venv fails the
//! test; otherwise the test prints why it skips and passes, so plain `cargo test` works
//! on a bare machine.

#![allow(dead_code)] // each test crate uses a different part

use std::path::PathBuf;
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The peers' Python interpreter, or None (after printing why) when the test should skip.
pub fn python(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("FERROGRAM_PEERS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/peers/venv/bin/python"));
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var("FERROGRAM_PEERS").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "{test}: FERROGRAM_PEERS=required but {} is missing",
        path.display()
    );
    println!(
        "skipping {test}: no peer venv at {} (run `cargo xtask test` to install it)",
        path.display()
    );
    None
}

/// The path of a script in `peers/`.
pub fn script(name: &str) -> String {
    workspace()
        .join("peers")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Runs the peer, failing the test with its stderr if it fails.
pub fn run(python: &PathBuf, args: &[&str]) -> Vec<u8> {
    let out = Command::new(python)
        .args(args)
        .output()
        .expect("run python peer");
    assert!(
        out.status.success(),
        "peer {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Bytes from the lowercase hex the peers print.
pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex from peer"))
        .collect()
}

/// Lowercase hex, as the peers read it.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
