//! `cargo xtask soak [--minutes N | --seconds S] [--clients N] [--telethon N] [--record]`:
//! builds the soak driver (`chat-mgmt/examples/soak/`: the testserver in one
//! process, the Ferrogram clients in another) in release, runs it
//! with the pinned Telethon beside it, prints its verdict, and with `--record`
//! adds the run to RELIABILITY.md's soak table. `cargo xtask test` runs one
//! minute of it.

use std::path::Path;
use std::process::Command;

use crate::root;

/// What a soak run is asked to do.
pub struct Soak {
    pub seconds: u64,
    pub clients: usize,
    pub telethon: usize,
    pub record: bool,
}

impl Default for Soak {
    fn default() -> Self {
        Self {
            seconds: 30 * 60,
            clients: 100,
            telethon: 3,
            record: false,
        }
    }
}

fn parse(args: &[&str]) -> Result<Soak, String> {
    let mut s = Soak::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or(format!("{flag} needs a value"))?
                .parse::<u64>()
                .map_err(|e| format!("{flag}: {e}"))
        };
        match *flag {
            "--minutes" => s.seconds = value()? * 60,
            "--seconds" => s.seconds = value()?,
            "--clients" => s.clients = usize::try_from(value()?).map_err(|e| e.to_string())?,
            "--telethon" => s.telethon = usize::try_from(value()?).map_err(|e| e.to_string())?,
            "--record" => s.record = true,
            other => return Err(format!("unknown soak flag {other}")),
        }
    }
    Ok(s)
}

/// `cargo xtask soak ...`.
pub fn run(args: &[&str]) -> Result<(), String> {
    soak(&parse(args)?, &crate::target_dir())
}

/// Builds and runs one soak; an error when any check failed.
pub fn soak(s: &Soak, target_dir: &Path) -> Result<(), String> {
    let root = root();
    // The commit the driver is built from, taken before the run: commits
    // made while it runs are not what it measured.
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    crate::run(
        crate::cargo()
            .args([
                "build",
                "--release",
                "-p",
                "ferrogram-chat-mgmt",
                "--example",
                "soak",
            ])
            .env("CARGO_TARGET_DIR", target_dir),
    )?;
    let mut cmd = Command::new(target_dir.join("release/examples/soak"));
    cmd.args(["--seconds", &s.seconds.to_string()])
        .args(["--clients", &s.clients.to_string()]);
    if s.telethon > 0 {
        let python = crate::peers::ensure_venv()?;
        cmd.args(["--telethon", &s.telethon.to_string()])
            .arg("--python")
            .arg(python)
            .arg("--script")
            .arg(root.join("peers/telethon_soak.py"));
    }
    println!(
        "xtask: soak: {} s, {} clients, {} Telethon",
        s.seconds, s.clients, s.telethon
    );
    let out = cmd.output().map_err(|e| format!("soak: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("SOAK "))
        .ok_or_else(|| {
            format!(
                "the soak driver printed no verdict ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    println!("xtask: soak: {line}");
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if s.record {
        record(&v, &commit)?;
    }
    if v["ok"].as_bool() == Some(true) && out.status.success() {
        Ok(())
    } else {
        Err(format!("the soak failed: {}", v["failed_checks"]))
    }
}

fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// Appends the run to the table under "## Soak" in RELIABILITY.md.
fn record(v: &serde_json::Value, commit: &str) -> Result<(), String> {
    let path = root().join("RELIABILITY.md");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let rss = |key: &str| {
        v[key]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, x)| format!("{k} {} MiB", x.as_u64().unwrap_or(0) / 1024))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    let faults: u64 = v["faults"]
        .as_object()
        .map(|m| m.values().filter_map(serde_json::Value::as_u64).sum())
        .unwrap_or(0);
    let row = format!(
        "| {} | {commit} | {} s | {} + {} Telethon | {} ({} executed, {} from the cache) | {} | {} sent, {} missed, {} twice | {} | {} | {} |\n",
        date(),
        v["seconds"],
        v["clients"],
        v["telethon"],
        v["requests_received"],
        v["requests_executed"],
        v["answered_from_cache"],
        faults,
        v["messages_sent"],
        v["updates_missed"],
        v["updates_twice"],
        rss("rss_kib_fifth"),
        rss("rss_kib_end"),
        if v["ok"].as_bool() == Some(true) {
            "losses: 0"
        } else {
            "FAILED"
        },
    );
    let anchor = "<!-- soak rows -->\n";
    let Some(at) = text.find(anchor) else {
        return Err("RELIABILITY.md has no `<!-- soak rows -->` line".into());
    };
    let mut new = text.clone();
    new.insert_str(at + anchor.len(), &row);
    std::fs::write(&path, new).map_err(|e| e.to_string())
}
