//! Ferrogram's build tasks, run as `cargo xtask <task>`:
//!
//! - `codegen [--check]`: regenerate `tl-types/src/generated/` from the vendored schema.
//! - `test`: everything CI checks: formatting, clippy, rustdoc with warnings denied,
//!   `cargo package` of every crate (built from its packaged sources), a short smoke
//!   run of every fuzz target, and the whole test suite with the Python peers
//!   installed and a throwaway PostgreSQL server started, both required.
//! - `bench`: the `bench/` workspace, side by side with peers; rewrites `BENCHMARKS.md`.
//! - `fuzz [--all | TARGET] [SECONDS]`: run fuzz targets with libFuzzer on the stable
//!   toolchain; `fuzz --merge [TARGET]` minimizes the committed corpora.
//! - `postgres COMMAND...`: runs COMMAND with a throwaway PostgreSQL server
//!   (`FERROGRAM_TEST_POSTGRES` set to its URL), e.g. the session-store tests.
//! - `soak [--minutes N]`: the soak run (every fault knob, 100 clients, Telethon
//!   beside them); `--record` adds it to RELIABILITY.md.

mod bench;
mod bench_build;
mod bench_clients;
mod bench_crypto;
mod bench_stores;
mod codegen;
mod fuzz;
mod peers;
mod postgres;
mod soak;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}

/// Runs a command in the workspace root, failing with its name if it fails.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    println!("xtask: running {shown}");
    let started = std::time::Instant::now();
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("{shown}: {e}"))?;
    println!("xtask: took {:.0} s", started.elapsed().as_secs_f64());
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn test() -> Result<(), String> {
    let root = root();
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    for extra in ["fuzz/Cargo.toml", "bench/Cargo.toml"] {
        if root.join(extra).exists() {
            run(cargo().args(["fmt", "--manifest-path", extra, "--", "--check"]))?;
        }
    }
    phase("clippy", target_dir(), |dir| {
        run(cargo()
            .args(["clippy", "--workspace", "--all-targets", "--"])
            .args(["-D", "warnings"])
            .env("CARGO_TARGET_DIR", dir))
    })?;
    // The published shape: docs build without a warning, and every crate
    // packages and builds from its packaged sources alone.
    phase("doc", target_dir(), |dir| {
        run(cargo()
            .args(["doc", "--workspace", "--no-deps", "--exclude", "xtask"])
            .env("RUSTDOCFLAGS", "-D warnings")
            .env("CARGO_TARGET_DIR", dir))
    })?;
    forget_packaged_sources();
    phase("package", target_dir(), |dir| {
        run(cargo()
            .args([
                "package",
                "--workspace",
                "--exclude",
                "xtask",
                "--allow-dirty",
            ])
            .env("CARGO_TARGET_DIR", dir))
    })?;
    let python = peers::ensure_venv()?;
    let seconds = std::env::var("FERROGRAM_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    phase("fuzz", fuzz::target_dir(), |dir| fuzz::smoke(seconds, dir))?;
    // One minute of the soak: every fault knob at once under 100 clients and
    // 2 Telethon processes, in a release build.
    let soak = soak::Soak {
        seconds: 60,
        clients: 100,
        telethon: 2,
        record: false,
    };
    phase("soak", target_dir(), |dir| soak::soak(&soak, dir))?;
    // The session-store tests need a PostgreSQL server: a throwaway one,
    // stopped and removed when the suite ends.
    let cluster = postgres::Cluster::start()?;
    // The test suite runs last so its summary closes the output.
    let dir = target_dir();
    let mut cmd = cargo();
    cmd.args(["test", "--workspace"])
        .env("FERROGRAM_PEERS", "required")
        .env("FERROGRAM_PEERS_PYTHON", &python)
        .env("FERROGRAM_POSTGRES", "required")
        .env("FERROGRAM_TEST_POSTGRES", &cluster.url)
        .env("CARGO_TARGET_DIR", &dir);
    let result = run_tests(&mut cmd);
    println!("xtask: {} holds {}", dir.display(), gib(disk_size(&dir)));
    result
}

/// Where cargo builds unless told otherwise: `$CARGO_TARGET_DIR`, else
/// `target/` in the workspace root.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Whether `cargo xtask test` runs lean on disk (`FERROGRAM_CI_LEAN=1`, which
/// `.ci/run` sets): CI's disk has run out before (stop 29: in the fuzz build,
/// after clippy, rustdoc, the packaged crates' builds and the soak's release
/// build had all stayed on disk). A developer's run keeps every build, so the
/// next run is incremental.
fn lean() -> bool {
    std::env::var_os("FERROGRAM_CI_LEAN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs one phase of `cargo xtask test` given the directory it should build
/// in. Lean, each phase builds in a scratch directory of its own that is
/// removed when the phase ends, so the disk holds one phase's build at a
/// time (the phases share little anyway: clippy and rustdoc only check
/// dependencies, the packaged crates build from other paths, the fuzz
/// targets and the soak in release with other flags). Not lean, `usual`.
fn phase(
    name: &str,
    usual: PathBuf,
    f: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    if !lean() {
        return f(&usual);
    }
    let dir = root().join("target").join(format!("ci-{name}"));
    let result = f(&dir);
    let size = disk_size(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    println!("xtask: the {name} phase built {}; removed", gib(size));
    result
}

/// Bytes under `path`, symbolic links not followed.
fn disk_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| disk_size(&e.path()))
        .sum()
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// Removes what earlier `cargo package` runs unpacked of our own crates.
/// `cargo package --workspace` verifies each crate against the others
/// through a local registry, and cargo unpacks a local registry's crate into
/// `$CARGO_HOME/registry/src/-<hash>/` only if that directory does not exist
/// yet: with the version unchanged (0.1.0), a later run would build against
/// the sources of an earlier one.
fn forget_packaged_sources() {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(src) = home.map(|h| h.join("registry").join("src")) else {
        return;
    };
    let Ok(registries) = std::fs::read_dir(&src) else {
        return;
    };
    for registry in registries.flatten() {
        // Local registries have no name: their directory is `-<hash>`.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in std::fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if krate
                .file_name()
                .to_string_lossy()
                .starts_with("ferrogram-")
            {
                let _ = std::fs::remove_dir_all(krate.path());
            }
        }
    }
}

/// Runs `cargo test`, echoing its output, and closes with one summary line.
fn run_tests(cmd: &mut Command) -> Result<(), String> {
    use std::io::{BufRead, BufReader, Write};
    println!("xtask: running {cmd:?}");
    let mut child = cmd
        .current_dir(root())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cargo test: {e}"))?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        let stdout = std::io::stdout();
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = writeln!(stdout.lock(), "{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                for part in rest.split(['.', ';']) {
                    let mut words = part.split_whitespace();
                    if let (Some(n), Some(what)) = (words.next(), words.next()) {
                        let n: u64 = n.parse().unwrap_or(0);
                        match what {
                            "passed" => passed += n,
                            "failed" => failed += n,
                            "ignored" => ignored += n,
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cargo test: {e}"))?;
    println!("xtask test: {passed} passed, {failed} failed, {ignored} skipped");
    if status.success() && failed == 0 {
        Ok(())
    } else {
        Err(format!("cargo test failed ({status})"))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&root(), rest.contains(&"--check")),
        Some("test") => test(),
        Some("fuzz") => fuzz::run(&rest),
        Some("soak") => soak::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("peers") => peers::ensure_venv().map(|p| println!("{}", p.display())),
        Some("postgres") => postgres::with_cluster(&rest),
        _ => Err(
            "usage: cargo xtask <codegen [--check] | test | bench [--no-build-times | --tl-only | --crypto-only | --roundtrips-only | --participants-only | --stores-only] | fuzz [--all | TARGET] [SECONDS] | fuzz --merge [TARGET] | soak [--minutes N | --seconds S] [--clients N] [--telethon N] [--record] | peers | postgres COMMAND...>"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
