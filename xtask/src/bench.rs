//! `cargo xtask bench`: runs the `bench/` workspace and rewrites `BENCHMARKS.md` from
//! that one run, with the machine, the toolchain and the commit.

use crate::bench_clients::{PT_END, PT_START, RT_END, RT_START, participants_bench, roundtrips};
use crate::root;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// `cargo`, the one running this task if known.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub(crate) fn output(cmd: &mut Command) -> String {
    cmd.output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub(crate) fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// The mean of a criterion benchmark, in nanoseconds.
pub(crate) fn criterion_mean(dir: &Path, group: &str, id: &str) -> Result<f64, String> {
    let path = dir.join(group).join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    // {"mean":{"confidence_interval":{...},"point_estimate":123.4,...},...}
    let mean = text.split("\"mean\"").nth(1).ok_or("no mean")?;
    let pe = mean
        .split("\"point_estimate\":")
        .nth(1)
        .ok_or("no point_estimate")?;
    let num: String = pe
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        .collect();
    num.parse().map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn human_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

const TL_START: &str = "<!-- tl -->";
const TL_END: &str = "<!-- /tl -->";

/// The short commit, marked when the work tree has uncommitted changes.
pub(crate) fn commit_label(root: &Path) -> String {
    let commit = output(
        Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(root),
    );
    let dirty = !output(
        Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=no"])
            .current_dir(root),
    )
    .is_empty();
    if dirty {
        format!("{commit} (with uncommitted changes)")
    } else {
        commit
    }
}

/// The TL workloads of `bench/benches/tl.rs`, as (criterion group suffix, what it is).
const TL_INPUTS: [(&str, &str); 4] = [
    (
        "channel_participants_200",
        "channels.channelParticipants, 200 + 200 users",
    ),
    ("messages_100", "messages.messages, 100 messages"),
    (
        "updates_difference",
        "updates.difference, 100 + 100 updates, 200 users",
    ),
    (
        "admin_log_results",
        "channels.adminLogResults, 200 events, 200 users",
    ),
];

/// The TL decode/encode table (from criterion's last run) and, unless skipped,
/// the build times, between markers.
fn tl_section(skip_builds: bool) -> Result<String, String> {
    let crit = root().join("bench/target/criterion");
    let mut md = String::new();
    let _ = writeln!(md, "{TL_START}");
    let _ = writeln!(
        md,
        "## TL decode and encode (criterion mean, same bytes for both)\n"
    );
    let _ = writeln!(
        md,
        "Inputs: the demo's fixtures encoded by Telethon (`channels.channelParticipants` with 200 participants and 200 users, 36 KB; `messages.messages` with 100 messages, 33 KB), and two answers built from them and encoded by Ferrogram (`bench/src/lib.rs`): an `updates.difference` and a `channels.adminLogResults`. Decoding builds owned values; encoding appends to a reused buffer.\n"
    );
    let _ = writeln!(
        md,
        "| benchmark | ferrogram | grammers | grammers / ferrogram |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|");
    for op in ["tl_decode", "tl_encode"] {
        for (input, what) in TL_INPUTS {
            // criterion turns `/` in group names into `_` for directories.
            let group = format!("{op}_{input}");
            let ours = criterion_mean(&crit, &group, "ferrogram")?;
            let theirs = criterion_mean(&crit, &group, "grammers")?;
            let _ = writeln!(
                md,
                "| {op} {input} ({what}) | {} | {} | {:.2}× |",
                human_ns(ours),
                human_ns(theirs),
                theirs / ours
            );
        }
    }
    let _ = writeln!(md, "\nA ratio above 1 means Ferrogram is faster.\n");
    if !skip_builds {
        let (ours, theirs) = crate::bench_build::measure_both()?;
        md.push_str(&crate::bench_build::table(&ours, &theirs));
    }
    let _ = writeln!(md, "{TL_END}");
    Ok(md)
}

/// Replaces the section between `start` and `end` markers (or appends it).
pub(crate) fn splice(doc: &str, section: &str, start: &str, end: &str) -> String {
    match (doc.find(start), doc.find(end)) {
        (Some(a), Some(b)) if b > a => {
            format!(
                "{}{}{}",
                &doc[..a],
                section.trim_end(),
                &doc[b + end.len()..]
            )
        }
        _ => format!("{}\n\n{}", doc.trim_end(), section),
    }
}

/// Rewrites one section of BENCHMARKS.md (between `start` and `end`), saying
/// under its `heading` line when, where and at which commit it was measured.
fn update_section(
    section: &str,
    heading: &str,
    (start, end): (&str, &str),
    what: &str,
) -> Result<(), String> {
    let root = root();
    let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
    let section = section.replacen(
        heading,
        &format!(
            "{heading}\nMeasured {date} on {} ({} logical CPUs) at {}, apart from the run above.\n",
            cpu_model(),
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            commit_label(&root)
        ),
        1,
    );
    let path = root.join("BENCHMARKS.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, splice(&doc, &section, start, end)).map_err(|e| e.to_string())?;
    println!("xtask: updated the {what} section of BENCHMARKS.md");
    Ok(())
}

/// `cargo bench` of one bench target of the `bench/` workspace.
fn bench_target(name: &str) -> Result<(), String> {
    crate::run(cargo().args([
        "bench",
        "--manifest-path",
        "bench/Cargo.toml",
        "--bench",
        name,
    ]))
}

pub fn run(args: &[&str]) -> Result<(), String> {
    let root = root();
    let crit = root.join("bench/target/criterion");
    let skip_builds = args.contains(&"--no-build-times");
    if args.contains(&"--participants-only") {
        return update_section(
            &participants_bench()?,
            "## Listing participants from the test server\n",
            (PT_START, PT_END),
            "participants",
        );
    }
    if args.contains(&"--roundtrips-only") {
        return update_section(
            &roundtrips()?,
            "## Round trips against the test server\n",
            (RT_START, RT_END),
            "round-trip",
        );
    }
    if args.contains(&"--stores-only") {
        return update_section(
            &crate::bench_stores::section()?,
            "## Session stores\n",
            (
                crate::bench_stores::STORES_START,
                crate::bench_stores::STORES_END,
            ),
            "session stores",
        );
    }
    if args.contains(&"--tl-only") {
        bench_target("tl")?;
        return update_section(
            &tl_section(skip_builds)?,
            "## TL decode and encode (criterion mean, same bytes for both)\n",
            (TL_START, TL_END),
            "TL",
        );
    }
    if args.contains(&"--crypto-only") {
        bench_target("crypto")?;
        let handshake = criterion_mean(&crit, "handshake", "ferrogram")?;
        return update_section(
            &crate::bench_crypto::section(&crit, handshake)?,
            "## MTProto crypto (criterion mean)\n",
            (
                crate::bench_crypto::CRYPTO_START,
                crate::bench_crypto::CRYPTO_END,
            ),
            "crypto",
        );
    }
    crate::run(cargo().args(["bench", "--manifest-path", "bench/Cargo.toml"]))?;
    let handshake = criterion_mean(&crit, "handshake", "ferrogram")?;
    let mut md = String::new();
    let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` from one run; every figure in a table comes from that run.\n"
    );
    let _ = writeln!(md, "- date: {date}");
    let _ = writeln!(
        md,
        "- machine: {} ({} logical CPUs)",
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let _ = writeln!(md, "- rustc: {}", output(Command::new("rustc").arg("-V")));
    let _ = writeln!(md, "- commit: {}", commit_label(&root));
    let _ = writeln!(
        md,
        "- peers: grammers-tl-types 0.11.0 (features tl-api, tl-mtproto, deserializable-functions), grammers-crypto 0.11.0, the machine's openssl\n"
    );
    md.push_str(&tl_section(skip_builds)?);
    md.push('\n');
    md.push_str(&crate::bench_crypto::section(&crit, handshake)?);
    let _ = writeln!(md);
    md.push_str(&roundtrips()?);
    md.push('\n');
    md.push_str(&participants_bench()?);
    md.push('\n');
    md.push_str(&crate::bench_stores::section()?);
    std::fs::write(root.join("BENCHMARKS.md"), md).map_err(|e| e.to_string())?;
    println!("xtask: wrote BENCHMARKS.md");
    Ok(())
}
