//! Runs every example of `examples/` (the seed's usage examples, ported)
//! against its embedded testserver, and checks what each printed.

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples/<name>`: `cargo test` builds the examples next
/// to the test binaries.
fn example(name: &str) -> PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary's path");
    dir.pop(); // the test binary
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join("examples").join(name)
}

fn run(name: &str) -> String {
    let path = example(name);
    assert!(
        path.exists(),
        "{} is missing: run through `cargo test`, which builds the examples",
        path.display()
    );
    let out = Command::new(&path)
        // Always the embedded server, whatever the environment says.
        .env_remove("FERROGRAM_API_ID")
        .env_remove("FERROGRAM_SESSION")
        .env_remove("FERROGRAM_EXAMPLE_CHAT")
        .env_remove("FERROGRAM_EXAMPLE_USER")
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{name} failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn manage_participants() {
    let out = run("manage_participants");
    let total: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("Total participants: "))
        .expect("the total is printed")
        .parse()
        .unwrap();
    assert!(total > 400, "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("User: ")).count(), 50);
    // The search's total counts its matches, as printed.
    let found = out
        .lines()
        .filter(|l| l.starts_with("Found user named John"))
        .count();
    assert!(
        out.contains(&format!("Some({found}) match \"john\"")),
        "{out}"
    );
}

#[test]
fn manage_admins() {
    let out = run("manage_admins");
    assert!(out.contains("Current admins: "));
    assert!(
        out.contains("to admin") && out.contains("Demoted "),
        "{out}"
    );
    // The typed error for a title over 16 characters.
    assert!(out.contains("Title too long: "), "{out}");
}

#[test]
fn manage_permissions() {
    let out = run("manage_permissions");
    for line in [
        "for 1 hour",
        "Removed restrictions from ",
        "Updated default permissions",
        "Denied: [SendMessages, SendMedia, SendStickers, EmbedLinks]",
        "In a private chat: ",
    ] {
        assert!(out.contains(line), "{line:?} missing from {out}");
    }
}

#[test]
fn monitor_admin_log() {
    let out = run("monitor_admin_log");
    assert!(
        out.lines().filter(|l| l.starts_with("Event: ")).count() > 3,
        "{out}"
    );
    assert!(out.contains("Ban event by "), "{out}");
}

#[test]
fn chat_actions() {
    assert!(run("chat_actions").contains("actions sent"));
}

#[test]
fn chat_statistics() {
    let out = run("chat_statistics");
    assert!(out.contains("Followers: "), "{out}");
    // The five newest messages are posts, each with statistics (the news
    // channel's photo has no service message: see the testserver's seed).
    assert_eq!(
        out.lines().filter(|l| l.starts_with("Message ")).count(),
        5,
        "{out}"
    );
}
