//! What the CLI's tests share: a session directory pointing the binary at a
//! testserver, running it, reading its output and exit code.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

use ferrogram_testserver::TestServer;

/// A session directory and the flags that point the binary at `server`.
pub struct Env {
    pub dir: PathBuf,
    pub server: String,
    pub key: PathBuf,
}

impl Env {
    pub fn new(server: &TestServer, name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ferrogram-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("server.pem");
        std::fs::write(&key, server.rsa_public_key_pem()).unwrap();
        Self {
            dir,
            server: server.addr().to_string(),
            key,
        }
    }

    pub fn session(&self) -> PathBuf {
        self.dir.join("session.sqlite")
    }

    /// Runs `ferrogram --session S --server A --rsa-key K args...`.
    pub async fn run(&self, args: &[&str]) -> Output {
        let mut full: Vec<String> = vec![
            "--session".into(),
            self.session().display().to_string(),
            "--server".into(),
            self.server.clone(),
            "--rsa-key".into(),
            self.key.display().to_string(),
        ];
        full.extend(args.iter().map(|s| s.to_string()));
        run_bin(full).await
    }

    /// The command `run` would run, to spawn (and kill) by hand.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ferrogram"));
        c.args(["--session", &self.session().display().to_string()])
            .args(["--server", &self.server])
            .args(["--rsa-key", &self.key.display().to_string()])
            .args(args)
            .env_remove("FERROGRAM_API_ID")
            .env_remove("FERROGRAM_API_HASH")
            .env_remove("FERROGRAM_SESSION");
        c
    }

    /// Runs with only `--session` (the profile remembers the rest).
    pub async fn run_bare(&self, args: &[&str]) -> Output {
        let mut full = vec![
            "--session".to_string(),
            self.session().display().to_string(),
        ];
        full.extend(args.iter().map(|s| s.to_string()));
        run_bin(full).await
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn run_bin(args: Vec<String>) -> Output {
    run_bin_env(args, Vec::new()).await
}

/// [`run_bin`] with these environment variables set too.
pub async fn run_bin_env(args: Vec<String>, env: Vec<(String, PathBuf)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_ferrogram"))
            .args(&args)
            .envs(env)
            .env_remove("FERROGRAM_API_ID")
            .env_remove("FERROGRAM_API_HASH")
            .env_remove("FERROGRAM_SESSION")
            .output()
            .expect("run ferrogram")
    })
    .await
    .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

#[track_caller]
pub fn fails(o: &Output, code: i32, needle: &str) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    let err = stderr(o);
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err:?}");
}

pub async fn login_owner(env: &Env, server: &TestServer) {
    let u = server.user().unwrap();
    ok(&env
        .run(&[
            "login",
            "--phone",
            &u.phone,
            "--code",
            &u.code,
            "--password",
            &u.password,
        ])
        .await);
}

pub fn members_of(server: &TestServer, username: &str) -> usize {
    server.info().chat(username).unwrap().members as usize
}

/// Parses the CSV the binary writes (quoted fields included).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        row.push(field);
        rows.push(row);
    }
    rows
}
