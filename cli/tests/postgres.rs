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
