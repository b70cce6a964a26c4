//! `cargo xtask bench --stores-only`: the session stores side by side
//! (`session/examples/store_bench.rs`, release) beside a throwaway
//! PostgreSQL server; the "Session stores" section of BENCHMARKS.md.

use std::fmt::Write as _;
use std::process::Command;

use crate::root;

pub const STORES_START: &str = "<!-- stores -->";
pub const STORES_END: &str = "<!-- /stores -->";

fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(f64::NAN)
}

fn per_s(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.1} M/s", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.0} k/s", x / 1e3)
    } else {
        format!("{x:.0}/s")
    }
}

/// Runs the store benchmark and renders its section.
pub fn section() -> Result<String, String> {
    let cluster = crate::postgres::Cluster::start()?;
    crate::run(crate::cargo().args([
        "build",
        "--release",
        "-p",
        "ferrogram-session",
        "--features",
        "postgres",
        "--example",
        "store_bench",
    ]))?;
    let bin = crate::target_dir().join("release/examples/store_bench");
    let out = Command::new(&bin)
        .arg(&cluster.url)
        .current_dir(root())
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("STORES "))
        .ok_or_else(|| format!("no STORES line: {}", String::from_utf8_lossy(&out.stderr)))?;
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let mut md = String::new();
    let _ = writeln!(md, "{STORES_START}");
    let _ = writeln!(md, "## Session stores\n");
    let _ = writeln!(
        md,
        "`session/examples/store_bench.rs` (release, one process) against a SQLite file and a throwaway PostgreSQL {} on 127.0.0.1 (`fsync` off, as for the tests), both on this machine. Peers come in pages of 200 new users (a first listing of a large group); \"unchanged\" pages are the same sightings again (nothing to write). Lookups hit the process's memory; a miss is a peer another worker saved, looked up in the database.\n",
        crate::bench::output(Command::new("sh").args([
            "-c",
            "ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1"
        ]))
    );
    let _ = writeln!(md, "| | SQLite | PostgreSQL | SQLite / PostgreSQL |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    for (label, key, unit) in [
        ("peers written (new)", "peers_written_per_s", "rate"),
        (
            "peers seen again (unchanged)",
            "peers_unchanged_per_s",
            "rate",
        ),
        ("lookups by id", "lookups_per_s", "rate"),
        ("lookups by username", "username_lookups_per_s", "rate"),
        ("update-state write", "update_state_write_us", "us"),
    ] {
        let (a, b) = (num(&v, &["sqlite", key]), num(&v, &["postgres", key]));
        let (fa, fb, ratio) = if unit == "rate" {
            (per_s(a), per_s(b), a / b)
        } else {
            (format!("{a:.0} µs"), format!("{b:.0} µs"), b / a)
        };
        let _ = writeln!(md, "| {label} | {fa} | {fb} | {ratio:.1}× |");
    }
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "Above 1 the SQLite file is faster (or its write cheaper).\n\nOn PostgreSQL alone: a miss looked up in the database {:.0} µs; taking a free lease {:.1} ms; an update-state write fenced by the lease's token {:.0} µs (unfenced {:.0} µs); `check_lease` before a request {:.0} ns; a lease renewal {:.0} µs (every TTL/3 on a connection of its own); a takeover (TTL {} ms, the holder gone, a worker waiting) {:.0} ms; a clean hand-over (the holder closes, `Session::close`) {:.0} ms.",
        num(&v, &["postgres_miss_lookup_us"]),
        num(&v, &["lease_take_ms"]),
        num(&v, &["fenced_update_state_write_us"]),
        num(&v, &["postgres", "update_state_write_us"]),
        num(&v, &["check_lease_ns"]),
        num(&v, &["renew_us"]),
        num(&v, &["takeover_ttl_ms"]),
        num(&v, &["takeover_ms"]),
        num(&v, &["handover_ms"]),
    );
    let _ = writeln!(md, "{STORES_END}");
    Ok(md)
}
