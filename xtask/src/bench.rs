//! `cargo xtask bench`: runs the `bench/` workspace and rewrites `BENCHMARKS.md` from
//! that one run, with the machine, the toolchain and the commit.

use crate::root;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// `cargo`, the one running this task if known.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn output(cmd: &mut Command) -> String {
    cmd.output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn cpu_model() -> String {
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
fn commit_label(root: &Path) -> String {
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

const RT_START: &str = "<!-- roundtrips -->";
const RT_END: &str = "<!-- /roundtrips -->";
const SEQUENTIAL: usize = 2_000;
const PIPELINED: usize = 10_000;

/// Sequential and pipelined requests per second.
type Rates = (f64, f64);

/// Parses `{"sequential_rps": x, "pipelined_rps": y}`.
fn rates(json: &str) -> Result<Rates, String> {
    let num = |key: &str| -> Result<f64, String> {
        let rest = json
            .split(&format!("\"{key}\":"))
            .nth(1)
            .ok_or_else(|| format!("no {key} in {json:?}"))?;
        let n: String = rest
            .chars()
            .skip_while(|c| c.is_whitespace())
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
            .collect();
        n.parse().map_err(|e| format!("{key}: {e}"))
    };
    Ok((num("sequential_rps")?, num("pipelined_rps")?))
}

/// Round trips per second of ferrogram-client and Telethon against one release
/// testserver, as a Markdown section between markers.
fn roundtrips() -> Result<String, String> {
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
    let result = (|| -> Result<(Rates, Rates), String> {
        let n = (SEQUENTIAL.to_string(), PIPELINED.to_string());
        let ours = run_text(
            Command::new(root.join("bench/target/release/roundtrips")).args([
                info.as_str(),
                &n.0,
                &n.1,
            ]),
        )?;
        let theirs = run_text(
            Command::new(&python).args([
                root.join("peers/telethon_roundtrips.py")
                    .to_str()
                    .ok_or("path")?,
                info.as_str(),
                &n.0,
                &n.1,
            ]),
        )?;
        Ok((rates(&ours)?, rates(&theirs)?))
    })();
    let _ = server.kill();
    let _ = server.wait();
    let ((seq, pip), (tseq, tpip)) = result?;
    let mut md = String::new();
    let _ = writeln!(md, "{RT_START}");
    let _ = writeln!(
        md,
        "## Round trips against the test server
"
    );
    let _ = writeln!(
        md,
        "One release `ferrogram-testserver` on 127.0.0.1; each client signs in as its bot over intermediate framing and sends `users.getUsers([inputUserSelf])`: {SEQUENTIAL} one after the other, then {PIPELINED} at once (ferrogram: tokio tasks on one `Client`; Telethon 1.45.0: `asyncio.gather`). Server and clients share this machine's CPUs.\n"
    );
    let _ = writeln!(
        md,
        "| requests per second | ferrogram-client | Telethon | ferrogram / Telethon |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| sequential | {seq:.0} | {tseq:.0} | {:.2}× |",
        seq / tseq
    );
    let _ = writeln!(
        md,
        "| pipelined | {pip:.0} | {tpip:.0} | {:.2}× |",
        pip / tpip
    );
    let _ = writeln!(md, "\nA ratio above 1 means Ferrogram is faster.");
    let _ = writeln!(md, "{RT_END}");
    Ok(md)
}

/// Replaces the round-trip section of BENCHMARKS.md (or appends it).
fn splice_roundtrips(doc: &str, section: &str) -> String {
    match (doc.find(RT_START), doc.find(RT_END)) {
        (Some(a), Some(b)) if b > a => {
            format!(
                "{}{}{}",
                &doc[..a],
                section.trim_end(),
                &doc[b + RT_END.len()..]
            )
        }
        _ => format!("{}\n{}", doc.trim_end(), section),
    }
}

const PT_START: &str = "<!-- participants -->";
const PT_END: &str = "<!-- /participants -->";

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

/// Listing a 10,000-member supergroup (ferrogram vs Telethon) and aggressive
/// listings of 10,000 and 100,000 members with their memory, as a Markdown
/// section between markers.
fn participants_bench() -> Result<String, String> {
    let root = root();
    crate::run(cargo().args(["build", "--release", "-p", "ferrogram-testserver"]))?;
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
    let (mut server, info) = start_server(10_000)?;
    let small = (|| {
        let plain = run_json(Command::new(&ours).args([info.as_str(), "plain"]))?;
        let aggressive = run_json(Command::new(&ours).args([info.as_str(), "aggressive"]))?;
        let telethon = run_json(
            Command::new(&python).args([
                root.join("peers/telethon_participants.py")
                    .to_str()
                    .ok_or("path")?,
                info.as_str(),
            ]),
        )?;
        Ok::<_, String>((plain, aggressive, telethon))
    })();
    let _ = server.kill();
    let _ = server.wait();
    let (plain, aggressive, telethon) = small?;
    let (mut server, info) = start_server(100_000)?;
    let large = run_json(Command::new(&ours).args([info.as_str(), "aggressive"]));
    let _ = server.kill();
    let _ = server.wait();
    let large = large?;

    let mut md = String::new();
    let _ = writeln!(md, "{PT_START}");
    let _ = writeln!(
        md,
        "## Listing participants from the test server
"
    );
    let _ = writeln!(
        md,
        "One release `ferrogram-testserver` on 127.0.0.1 with a seeded supergroup; each client signs in as the owner (2FA) and lists every member of `@ferrogram_lounge` without keeping them. ferrogram: `iter_participants` of ferrogram-chat-mgmt (`bench/src/bin/participants.rs`); Telethon 1.45.0: `iter_participants` (`peers/telethon_participants.py`), the iterator under its `get_participants`. Client CPU is the client process's user + system time; server and client share this machine's CPUs.\n"
    );
    let (pm, pw, pc) = (
        plain.num(Some("first"), "members")?,
        plain.num(Some("first"), "wall_s")?,
        plain.num(Some("first"), "cpu_s")?,
    );
    let (tm, tw, tc) = (
        telethon.num(None, "members")?,
        telethon.num(None, "wall_s")?,
        telethon.num(None, "cpu_s")?,
    );
    let _ = writeln!(
        md,
        "| {pm:.0} members, plain listing | ferrogram | Telethon | Telethon / ferrogram |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| wall time | {:.3} s | {:.3} s | {:.2}× |",
        pw,
        tw,
        tw / pw
    );
    let _ = writeln!(
        md,
        "| client CPU | {:.2} s | {:.2} s | {:.2}× |",
        pc,
        tc,
        tc / pc.max(0.01)
    );
    let _ = writeln!(md, "| members listed | {pm:.0} | {tm:.0} | |");
    let _ = writeln!(
        md,
        "
A ratio above 1 means Ferrogram is faster. CPU times come from /proc in 10 ms ticks.
"
    );
    let _ = writeln!(
        md,
        "### `aggressive`: past the 10,000-member cap, and memory
"
    );
    let _ = writeln!(
        md,
        "Each listing runs twice in one process. The first pass also fills the session's peer cache with every user seen (as Telethon's cache does); in the second the users are cached, so its peak is the listing's own memory: one chunk of 200 participants, the set of ids already yielded (the last column, about 8 bytes per member) and the prefixes queued. Peak heap is measured with a counting global allocator, as growth over the heap before the listing.\n"
    );
    let _ = writeln!(
        md,
        "| supergroup | members found / total | wall | client CPU | peak heap, 1st pass | peak heap, 2nd pass | per member, 2nd pass | seen-id set |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for (label, j) in [
        ("10,000 (plain)", &plain),
        ("10,000 (aggressive)", &aggressive),
        ("100,000 (aggressive)", &large),
    ] {
        let members = j.num(Some("first"), "members")?;
        let total = j.num(Some("first"), "total")?;
        let first = j.num(Some("first"), "peak_heap_bytes")?;
        let second = j.num(Some("second"), "peak_heap_bytes")?;
        let seen = j.num(Some("second"), "seen_bytes")?;
        let _ = writeln!(
            md,
            "| {label} | {members:.0} / {total:.0} | {:.1} s | {:.1} s | {:.1} MB | {:.1} MB | {:.0} B | {:.0} KB ({:.1} B/member) |",
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

/// Replaces the section between `start` and `end` markers (or appends it).
fn splice(doc: &str, section: &str, start: &str, end: &str) -> String {
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

pub fn run(args: &[&str]) -> Result<(), String> {
    let root = root();
    if args.contains(&"--participants-only") {
        let section = participants_bench()?;
        let path = root.join("BENCHMARKS.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
        let section = section.replacen(
            "## Listing participants from the test server\n",
            &format!("## Listing participants from the test server\n\nMeasured {date} on {} ({} logical CPUs), apart from the run above.\n", cpu_model(), std::thread::available_parallelism().map_or(0, |n| n.get())),
            1,
        );
        std::fs::write(&path, splice(&doc, &section, PT_START, PT_END))
            .map_err(|e| e.to_string())?;
        println!("xtask: updated the participants section of BENCHMARKS.md");
        return Ok(());
    }
    if args.contains(&"--roundtrips-only") {
        let section = roundtrips()?;
        let path = root.join("BENCHMARKS.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
        let section = section.replacen(
            "## Round trips against the test server\n",
            &format!("## Round trips against the test server\n\nMeasured {date} on {} ({} logical CPUs), apart from the run above.\n", cpu_model(), std::thread::available_parallelism().map_or(0, |n| n.get())),
            1,
        );
        std::fs::write(&path, splice_roundtrips(&doc, &section)).map_err(|e| e.to_string())?;
        println!("xtask: updated the round-trip section of BENCHMARKS.md");
        return Ok(());
    }
    let skip_builds = args.contains(&"--no-build-times");
    if args.contains(&"--tl-only") {
        crate::run(cargo().args([
            "bench",
            "--manifest-path",
            "bench/Cargo.toml",
            "--bench",
            "tl",
        ]))?;
        let section = tl_section(skip_builds)?;
        let path = root.join("BENCHMARKS.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
        let section = section.replacen(
            "## TL decode and encode (criterion mean, same bytes for both)\n",
            &format!(
                "## TL decode and encode (criterion mean, same bytes for both)\n\nMeasured {date} on {} ({} logical CPUs) at {}, apart from the run above.\n",
                cpu_model(),
                std::thread::available_parallelism().map_or(0, |n| n.get()),
                commit_label(&root)
            ),
            1,
        );
        std::fs::write(&path, splice(&doc, &section, TL_START, TL_END))
            .map_err(|e| e.to_string())?;
        println!("xtask: updated the TL section of BENCHMARKS.md");
        return Ok(());
    }
    if args.contains(&"--crypto-only") {
        crate::run(cargo().args([
            "bench",
            "--manifest-path",
            "bench/Cargo.toml",
            "--bench",
            "crypto",
        ]))?;
        let crit = root.join("bench/target/criterion");
        let handshake = criterion_mean(&crit, "handshake", "ferrogram")?;
        let section = crate::bench_crypto::section(&crit, handshake)?;
        let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
        let section = section.replacen(
            "## MTProto crypto (criterion mean)\n",
            &format!(
                "## MTProto crypto (criterion mean)\n\nMeasured {date} on {} ({} logical CPUs) at {}, apart from the run above.\n",
                cpu_model(),
                std::thread::available_parallelism().map_or(0, |n| n.get()),
                commit_label(&root)
            ),
            1,
        );
        let path = root.join("BENCHMARKS.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(
            &path,
            splice(
                &doc,
                &section,
                crate::bench_crypto::CRYPTO_START,
                crate::bench_crypto::CRYPTO_END,
            ),
        )
        .map_err(|e| e.to_string())?;
        println!("xtask: updated the crypto section of BENCHMARKS.md");
        return Ok(());
    }
    crate::run(cargo().args(["bench", "--manifest-path", "bench/Cargo.toml"]))?;
    let crit = root.join("bench/target/criterion");
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
    std::fs::write(root.join("BENCHMARKS.md"), md).map_err(|e| e.to_string())?;
    println!("xtask: wrote BENCHMARKS.md");
    Ok(())
}
