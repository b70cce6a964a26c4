//! The client benchmarks of `BENCHMARKS.md`: round trips and participant
//! listings of ferrogram-client and Telethon against one release testserver, on
//! memory and SQLite sessions, with client CPU from getrusage.

use crate::bench::cargo;
use crate::root;
use std::fmt::Write as _;
use std::process::Command;

pub const RT_START: &str = "<!-- roundtrips -->";
pub const RT_END: &str = "<!-- /roundtrips -->";
pub const PT_START: &str = "<!-- participants -->";
pub const PT_END: &str = "<!-- /participants -->";
const SEQUENTIAL: usize = 2_000;
const PIPELINED: usize = 10_000;

/// Round trips of ferrogram-client (memory and SQLite sessions) and Telethon
/// against one release testserver, as a Markdown section between markers.
pub fn roundtrips() -> Result<String, String> {
    let root = root();
    crate::run(cargo().args(["build", "--release", "-p", "ferrogram-testserver"]))?;
    crate::run(cargo().args([
        "build",
        "--release",
        "--manifest-path",
        "bench/Cargo.toml",
        "--bin",
        "roundtrips",
    ]))?;
    let python = crate::peers::ensure_venv()?;
    // The default world (3,000 members): the bot signs in and asks about itself.
    let (mut server, info) = start_server(3_000)?;
    let result = (|| {
        let n = (SEQUENTIAL.to_string(), PIPELINED.to_string());
        let ours = |session: &str, runtime: &str| {
            run_json(
                Command::new(root.join("bench/target/release/roundtrips")).args([
                    info.as_str(),
                    &n.0,
                    &n.1,
                    session,
                    runtime,
                ]),
            )
        };
        let memory = ours("memory", "multi")?;
        let sqlite = ours("sqlite", "multi")?;
        let current = ours("sqlite", "current")?;
        let script = root.join("peers/telethon_roundtrips.py");
        let telethon = run_json(Command::new(&python).args([
            script.to_str().ok_or("path")?,
            info.as_str(),
            &n.0,
            &n.1,
        ]))?;
        Ok::<_, String>((memory, sqlite, current, telethon))
    })();
    let _ = server.kill();
    let _ = server.wait();
    let (memory, sqlite, current, telethon) = result?;
    let mut md = String::new();
    let _ = writeln!(md, "{RT_START}\n## Round trips against the test server\n");
    let _ = writeln!(
        md,
        "One release `ferrogram-testserver` on 127.0.0.1; each client signs in as its bot over intermediate framing and sends `users.getUsers([inputUserSelf])`: {SEQUENTIAL} one after the other, then {PIPELINED} at once (ferrogram: tokio tasks on one `Client`, on a memory and on a SQLite session, on tokio's multi-thread runtime with 2 workers and on its current-thread runtime, as the CLI runs; Telethon 1.45.0: `asyncio.gather`, MemorySession). Client CPU per request is the client process's user + system time (getrusage) over each phase divided by its requests. Server and clients share this machine's 2 CPUs, so requests per second have no target; CPU per request does: pipelined, at least 20× less than Telethon's.\n"
    );
    let _ = writeln!(
        md,
        "| | ferrogram, memory | ferrogram, SQLite | ferrogram, SQLite, current-thread | Telethon | Telethon / ferrogram (SQLite) | Telethon / ferrogram (SQLite, current-thread) |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|");
    for (label, key, unit, higher_is_better) in [
        ("sequential, requests/s", "sequential_rps", "", true),
        ("pipelined, requests/s", "pipelined_rps", "", true),
        (
            "sequential, client CPU per request",
            "sequential_cpu_us",
            " µs",
            false,
        ),
        (
            "pipelined, client CPU per request",
            "pipelined_cpu_us",
            " µs",
            false,
        ),
    ] {
        let (m, q, c, t) = (
            memory.num(None, key)?,
            sqlite.num(None, key)?,
            current.num(None, key)?,
            telethon.num(None, key)?,
        );
        let ratio = |ours: f64| if higher_is_better { ours / t } else { t / ours };
        let digits = if unit.is_empty() { 0 } else { 1 };
        let _ = writeln!(
            md,
            "| {label} | {m:.digits$}{unit} | {q:.digits$}{unit} | {c:.digits$}{unit} | {t:.digits$}{unit} | {:.2}× | {:.2}× |",
            ratio(q),
            ratio(c)
        );
    }
    let _ = writeln!(
        md,
        "\nA ratio above 1 means Ferrogram is faster or uses less CPU."
    );
    let _ = writeln!(md, "{RT_END}");
    Ok(md)
}

/// Listing a 10,000-member supergroup (ferrogram's library on memory and
/// SQLite sessions, its CLI, Telethon) with CPU per member, and aggressive
/// listings of 10,000 and 100,000 members with their memory, as a Markdown
/// section between markers.
pub fn participants_bench() -> Result<String, String> {
    let root = root();
    crate::run(cargo().args([
        "build",
        "--release",
        "-p",
        "ferrogram-testserver",
        "-p",
        "ferrogram-cli",
    ]))?;
    crate::run(cargo().args([
        "build",
        "--release",
        "--manifest-path",
        "bench/Cargo.toml",
        "--bin",
        "participants",
    ]))?;
    let python = crate::peers::ensure_venv()?;
    let ours = root.join("bench/target/release/participants");
    let cli = root.join("target/release/ferrogram");
    let (mut server, info) = start_server(10_000)?;
    let small = (|| {
        let window = |session: &str, cli: Option<&std::path::Path>| {
            let mut cmd = Command::new(&ours);
            cmd.args([info.as_str(), "window", session, "1.0"]);
            if let Some(cli) = cli {
                cmd.arg(cli);
            }
            run_json(&mut cmd)
        };
        let memory = window("memory", None)?;
        let sqlite = window("sqlite", Some(&cli))?;
        let plain = run_json(Command::new(&ours).args([info.as_str(), "plain", "sqlite"]))?;
        let aggressive =
            run_json(Command::new(&ours).args([info.as_str(), "aggressive", "sqlite"]))?;
        let telethon_session = std::env::temp_dir().join(format!(
            "ferrogram-bench-telethon-{}.session",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&telethon_session);
        let script = root.join("peers/telethon_participants.py");
        let telethon = run_json(Command::new(&python).args([
            script.to_str().ok_or("path")?,
            info.as_str(),
            "1.0",
            telethon_session.to_str().ok_or("path")?,
        ]));
        let _ = std::fs::remove_file(&telethon_session);
        Ok::<_, String>((memory, sqlite, plain, aggressive, telethon?))
    })();
    let _ = server.kill();
    let _ = server.wait();
    let (memory, sqlite, plain, aggressive, telethon) = small?;
    let (mut server, info) = start_server(100_000)?;
    let large = run_json(Command::new(&ours).args([info.as_str(), "aggressive", "sqlite"]));
    let _ = server.kill();
    let _ = server.wait();
    participants_markdown(&memory, &sqlite, &telethon, [&plain, &aggressive, &large?])
}

/// The participants section from the measurements: CPU per member of the
/// library (memory, SQLite), the CLI and Telethon, then the aggressive
/// listings' time and memory.
fn participants_markdown(
    memory: &serde_like::Json,
    sqlite: &serde_like::Json,
    telethon: &serde_like::Json,
    [plain, aggressive, large]: [&serde_like::Json; 3],
) -> Result<String, String> {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "{PT_START}\n## Listing participants from the test server\n"
    );
    let _ = writeln!(
        md,
        "One release `ferrogram-testserver` on 127.0.0.1 with a seeded supergroup; each client signs in as the owner (2FA) and lists every member of `@ferrogram_lounge` without keeping them. ferrogram: `iter_participants` of ferrogram-chat-mgmt (`bench/src/bin/participants.rs`); the CLI: `ferrogram participants @ferrogram_lounge --format csv` on its SQLite session; Telethon 1.45.0: `iter_participants` (`peers/telethon_participants.py`) on its SQLite session. Server and client share this machine's CPUs.\n"
    );
    let per = |j: &serde_like::Json, within: &str| -> Result<f64, String> {
        Ok(j.num(Some(within), "cpu_s")? / j.num(Some(within), "members")?.max(1.0) * 1e6)
    };
    let lib_mem = per(memory, "library")?;
    let lib_sql = per(sqlite, "library")?;
    let cli_us = per(sqlite, "cli")?;
    let tl = telethon.num(None, "cpu_s")? / telethon.num(None, "members")?.max(1.0) * 1e6;
    let _ = writeln!(
        md,
        "### Client CPU per member listed\n\nThe plain listing (the server's 10,000 cap) repeated until the CPU spent from each first `channels.getParticipants` to its last answer adds up to a second (getrusage, user + system; the library and Telethon measure inside the process). The CLI cannot be measured inside: its figure is the median CPU of 5 full listings minus the median of 5 runs listing one member (start-up, session, connection, resolving the chat). Targets: Telethon / library (SQLite) ≥ 30×; CLI within 1.5× of the library.\n"
    );
    let _ = writeln!(
        md,
        "| client | members listed | CPU | per member | Telethon / this |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    for (label, members, cpu, us) in [
        (
            "ferrogram library, memory session",
            memory.num(Some("library"), "members")?,
            memory.num(Some("library"), "cpu_s")?,
            lib_mem,
        ),
        (
            "ferrogram library, SQLite session",
            sqlite.num(Some("library"), "members")?,
            sqlite.num(Some("library"), "cpu_s")?,
            lib_sql,
        ),
        (
            "ferrogram CLI, SQLite session (net)",
            sqlite.num(Some("cli"), "members")?,
            sqlite.num(Some("cli"), "cpu_s")?,
            cli_us,
        ),
        (
            "Telethon, SQLite session",
            telethon.num(None, "members")?,
            telethon.num(None, "cpu_s")?,
            tl,
        ),
    ] {
        let _ = writeln!(
            md,
            "| {label} | {members:.0} | {cpu:.3} s | {us:.2} µs | {:.2}× |",
            tl / us
        );
    }
    let _ = writeln!(
        md,
        "\nThe CLI / library (SQLite) ratio: {:.2}.\n",
        cli_us / lib_sql
    );
    let _ = writeln!(
        md,
        "### `aggressive`: past the 10,000-member cap, and memory\n\nOn a SQLite session. Each listing runs twice in one process. The first pass also fills the session's peer cache with every user seen (as Telethon's cache does); in the second the users are cached, so its peak is the listing's own memory: one chunk of 200 participants, the set of ids already yielded (the last column, about 8 bytes per member) and the prefixes queued. Peak heap is measured with a counting global allocator, as growth over the heap before the listing.\n"
    );
    let _ = writeln!(
        md,
        "| supergroup | members found / total | wall | client CPU | peak heap, 1st pass | peak heap, 2nd pass | per member, 2nd pass | seen-id set |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for (label, j) in [
        ("10,000 (plain)", plain),
        ("10,000 (aggressive)", aggressive),
        ("100,000 (aggressive)", large),
    ] {
        let members = j.num(Some("first"), "members")?;
        let total = j.num(Some("first"), "total")?;
        let first = j.num(Some("first"), "peak_heap_bytes")?;
        let second = j.num(Some("second"), "peak_heap_bytes")?;
        let seen = j.num(Some("second"), "seen_bytes")?;
        let _ = writeln!(
            md,
            "| {label} | {members:.0} / {total:.0} | {:.1} s | {:.2} s | {:.1} MB | {:.1} MB | {:.0} B | {:.0} KB ({:.1} B/member) |",
            j.num(Some("first"), "wall_s")?,
            j.num(Some("first"), "cpu_s")?,
            first / 1e6,
            second / 1e6,
            second / members.max(1.0),
            seen / 1e3,
            seen / members.max(1.0)
        );
    }
    let _ = writeln!(md, "{PT_END}");
    Ok(md)
}

/// Starts a release testserver with `members` synthetic members and returns
/// it with its JSON line.
fn start_server(members: usize) -> Result<(std::process::Child, String), String> {
    use std::io::BufRead;
    let mut server = Command::new(root().join("target/release/ferrogram-testserver"))
        .args(["--listen", "127.0.0.1:0", "--members", &members.to_string()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("testserver: {e}"))?;
    let mut info = String::new();
    std::io::BufReader::new(server.stdout.take().ok_or("no stdout")?)
        .read_line(&mut info)
        .map_err(|e| format!("testserver: {e}"))?;
    Ok((server, info.trim().to_owned()))
}

/// Runs a command and returns its trimmed standard output (its standard error
/// in the error when it fails).
fn run_text(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn run_json(cmd: &mut Command) -> Result<serde_like::Json, String> {
    run_text(cmd).map(serde_like::Json)
}

/// Just enough JSON reading for the benchmark lines (numbers by key path).
mod serde_like {
    pub struct Json(pub String);

    impl Json {
        /// The number under `key`, inside the object `within` if given.
        pub fn num(&self, within: Option<&str>, key: &str) -> Result<f64, String> {
            let text = match within {
                Some(w) => self
                    .0
                    .split(&format!("\"{w}\":"))
                    .nth(1)
                    .ok_or_else(|| format!("no {w} in {}", self.0))?,
                None => self.0.as_str(),
            };
            let rest = text
                .split(&format!("\"{key}\":"))
                .nth(1)
                .ok_or_else(|| format!("no {key} in {}", self.0))?;
            let n: String = rest
                .chars()
                .skip_while(|c| c.is_whitespace())
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
                .collect();
            n.parse().map_err(|e| format!("{key}: {e}"))
        }
    }
}
