//! Fuzzing on the stable toolchain: the `fuzz/` crate is built with the same
//! SanitizerCoverage instrumentation `cargo fuzz` uses (`-C passes=sancov-module`,
//! all stable flags) but without AddressSanitizer, which only nightly offers; the
//! only `unsafe` code is mtproto's AES-NI module (16-byte loads and stores through
//! references), so panics, hangs and differences between the AES-NI and portable
//! paths (the `ige_paths` target) are what there is to find.
//! libFuzzer itself comes from the `libfuzzer-sys` crate.

use crate::root;
use std::path::{Path, PathBuf};
use std::process::Command;

const TRIPLE: &str = "x86_64-unknown-linux-gnu";
const FLAGS: &str = "-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

/// Every fuzz target, by the `[[bin]]` names in `fuzz/Cargo.toml`.
pub fn targets() -> Result<Vec<String>, String> {
    let manifest =
        std::fs::read_to_string(root().join("fuzz/Cargo.toml")).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(name) = line.strip_prefix("name = ") {
            out.push(name.trim_matches('"').to_string());
        }
    }
    Ok(out)
}

/// Where the fuzz targets build unless told otherwise: `$CARGO_TARGET_DIR`,
/// else `fuzz/target` (the `fuzz/` workspace's own).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("fuzz/target"))
}

fn build(target_dir: &Path) -> Result<PathBuf, String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args([
        "build",
        "--release",
        "--bins",
        "--manifest-path",
        "fuzz/Cargo.toml",
        "--target",
        TRIPLE,
    ])
    .env("RUSTFLAGS", FLAGS)
    .env("CARGO_TARGET_DIR", target_dir);
    crate::run(&mut cmd)?;
    Ok(target_dir.join(TRIPLE).join("release"))
}

/// The last libFuzzer status line (`#N DONE cov: … ft: … corp: …`) and the
/// `Done N runs in S second(s)` line: the figures RELIABILITY.md records.
fn figures(log: &str) -> String {
    let status = log
        .lines()
        .rev()
        .find(|l| l.starts_with('#') && l.contains("cov:"))
        .unwrap_or("");
    let done = log
        .lines()
        .rev()
        .find(|l| l.starts_with("Done "))
        .unwrap_or("done");
    format!("{done} | {}", status.trim())
}

fn run_target(bin_dir: &std::path::Path, target: &str, seconds: u64) -> Result<(), String> {
    let root = root();
    let corpus = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let artifacts = root.join("fuzz/artifacts").join(target);
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(bin_dir.join(target));
    cmd.arg(format!("-max_total_time={seconds}"))
        .arg("-rss_limit_mb=2048")
        .arg("-timeout=10")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(&corpus);
    let seeds = root.join("fuzz/seeds").join(target);
    if seeds.exists() {
        cmd.arg(&seeds);
    }
    let out = cmd.output().map_err(|e| format!("{target}: {e}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "fuzz target {target} failed; crashing input in {}\n{}",
            artifacts.display(),
            tail.join("\n")
        ));
    }
    println!("xtask: fuzz {target}: {}", figures(&log));
    Ok(())
}

/// Minimizes `fuzz/corpus/TARGET` in place (libFuzzer's `-merge=1`): the
/// smallest set of inputs with the same coverage, which is what gets committed
/// between long runs.
fn merge_target(bin_dir: &std::path::Path, target: &str) -> Result<(), String> {
    let corpus = root().join("fuzz/corpus").join(target);
    if !corpus.exists() {
        return Ok(());
    }
    let fresh = root()
        .join("fuzz/corpus")
        .join(format!(".{target}.merging"));
    let _ = std::fs::remove_dir_all(&fresh);
    std::fs::create_dir_all(&fresh).map_err(|e| e.to_string())?;
    let out = Command::new(bin_dir.join(target))
        .arg("-merge=1")
        .arg("-rss_limit_mb=2048")
        .arg("-timeout=10")
        .arg(&fresh)
        .arg(&corpus)
        .output()
        .map_err(|e| format!("{target}: {e}"))?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(format!(
            "merging the corpus of {target} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let before = std::fs::read_dir(&corpus)
        .map_err(|e| e.to_string())?
        .count();
    std::fs::remove_dir_all(&corpus).map_err(|e| e.to_string())?;
    std::fs::rename(&fresh, &corpus).map_err(|e| e.to_string())?;
    let after = std::fs::read_dir(&corpus)
        .map_err(|e| e.to_string())?
        .count();
    println!("xtask: fuzz {target}: corpus merged, {before} -> {after} inputs");
    Ok(())
}

/// Builds every target and runs each for `seconds`.
pub fn smoke(seconds: u64, target_dir: &Path) -> Result<(), String> {
    let bin_dir = build(target_dir)?;
    for t in targets()? {
        run_target(&bin_dir, &t, seconds)?;
    }
    Ok(())
}

/// `cargo xtask fuzz [--all | TARGET] [SECONDS]` runs one target or all (60 s
/// each by default); `cargo xtask fuzz --merge [TARGET]` minimizes the corpora.
pub fn run(args: &[&str]) -> Result<(), String> {
    let all = targets()?;
    let seconds_of = |s: &str| s.parse::<u64>().map_err(|_| format!("bad seconds `{s}`"));
    let (chosen, seconds, merge) = match args {
        [] | ["--all"] => (all.clone(), 60, false),
        ["--all", s] => (all.clone(), seconds_of(s)?, false),
        ["--merge"] => (all.clone(), 0, true),
        ["--merge", t] => (vec![t.to_string()], 0, true),
        [t] if t.parse::<u64>().is_ok() => (all.clone(), seconds_of(t)?, false),
        [t] => (vec![t.to_string()], 60, false),
        [t, s] => (vec![t.to_string()], seconds_of(s)?, false),
        _ => {
            return Err(
                "usage: cargo xtask fuzz [--all | TARGET] [SECONDS] | --merge [TARGET]".into(),
            );
        }
    };
    for t in &chosen {
        if !all.contains(t) {
            return Err(format!(
                "unknown fuzz target `{t}`; targets: {}",
                all.join(", ")
            ));
        }
    }
    let bin_dir = build(&target_dir())?;
    for t in &chosen {
        if merge {
            merge_target(&bin_dir, t)?;
        } else {
            run_target(&bin_dir, t, seconds)?;
        }
    }
    Ok(())
}
