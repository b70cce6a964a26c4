//! The soak run of issue 17 (`cargo xtask soak`): one testserver in this
//! release-built process, the Ferrogram clients in a second process (this
//! binary again, `--role clients`), a few Telethon processes beside them,
//! and the network and server faults of the list turned while they
//! send, list, restrict and download (hostile, protocol-breaking replies have
//! their own test, `client/tests/hostile_server.rs`: Telethon does not
//! survive them, and they are not a soak's subject). At the end it checks
//! that every request was answered and executed once (the server's counters
//! against what the clients were told), that the listening clients saw every
//! message sent (no update lost, none twice), and that each process's RSS at
//! the end, the testserver's included, is within 10% of its RSS after the
//! first fifth of the run. The testserver keeps the latest
//! [`RETENTION`] messages of each chat (Telegram keeps them all): what it
//! stores then stops growing by the first fifth, and growth left is a leak.
//! It prints one `SOAK {json}` line and exits 1 if a check fails.
//!
//! Usage: `soak [--seconds S] [--clients N] [--telethon N --python PY --script PATH] [--calm]`

mod chaos;
mod clients;
mod heap;
mod report;
mod seen;
mod telethon;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use ferrogram_testserver::TestServer;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::report::Rss;

/// How many messages (and admin-log events) each chat and mailbox of the
/// soak's testserver keeps: the lounge fills that in about 200 s of a run
/// (about 50 messages a second), before the first fifth of a 30-minute one,
/// and a listener catching up after a dropped push is seconds behind, not
/// 10,000 messages.
pub const RETENTION: usize = 10_000;

/// How many admin-log events each chat and qts updates each mailbox keep:
/// the owner's restrictions log about 4 events a second and tell the bot
/// admin of each, so 1,000 fill in about 4 minutes, before the first fifth.
pub const EVENT_RETENTION: usize = 1_000;

/// The command line.
pub struct Args {
    seconds: u64,
    clients: usize,
    telethon: usize,
    python: Option<String>,
    script: Option<String>,
    /// No faults (to tell a client bug from a fault's effect).
    calm: bool,
    /// This process is the clients' (`--role clients`).
    clients_role: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        seconds: 60,
        clients: 100,
        telethon: 0,
        python: None,
        script: None,
        calm: false,
        clients_role: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--clients" => a.clients = value()?.parse().map_err(|e| format!("{e}"))?,
            "--telethon" => a.telethon = value()?.parse().map_err(|e| format!("{e}"))?,
            "--python" => a.python = Some(value()?),
            "--script" => a.script = Some(value()?),
            "--calm" => a.calm = true,
            "--role" if value()? == "clients" => a.clients_role = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if a.clients < 4 {
        return Err("--clients must be at least 4 (an owner, two listeners, a sender)".into());
    }
    Ok(a)
}

/// The phone of soak account `i` (Telegram's test numbers: the login code is
/// the DC digit five times).
pub fn phone(dc: i32, i: usize) -> String {
    format!("99966{dc}{:04}", 1000 + i)
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn sample(pids: &[(String, u32)], into: &mut BTreeMap<String, u64>) {
    for (name, pid) in pids {
        if let Some(kib) = rss_kib(*pid) {
            into.insert(name.clone(), kib);
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = match args() {
        Ok(a) if a.clients_role => {
            let lines = BufReader::new(tokio::io::stdin()).lines();
            clients::run(lines).await.map(|()| true)
        }
        Ok(a) => run(a).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The clients' process, and its lines.
struct ClientsProcess {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl ClientsProcess {
    fn spawn() -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = tokio::process::Command::new(exe)
            .args(["--role", "clients"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("the clients' process: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(Self {
            child,
            stdin,
            lines: BufReader::new(stdout).lines(),
        })
    }

    async fn send(&mut self, line: String) -> Result<(), String> {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .map_err(|e| format!("the clients' process: {e}"))
    }

    /// The rest of its next line starting with `prefix` (within `limit`).
    async fn expect(&mut self, prefix: &str, limit: Duration) -> Result<String, String> {
        let read = async {
            while let Some(l) = self.lines.next_line().await.map_err(|e| e.to_string())? {
                if let Some(rest) = l.strip_prefix(prefix) {
                    return Ok(rest.to_owned());
                }
            }
            Err(format!("the clients' process ended before {prefix}"))
        };
        tokio::time::timeout(limit, read)
            .await
            .map_err(|_| format!("no {prefix} from the clients' process in {limit:?}"))?
    }
}

async fn run(a: Args) -> Result<bool, String> {
    let started = SystemTime::now();
    let server = std::sync::Arc::new(
        TestServer::builder()
            .members(2000)
            .message_retention(RETENTION)
            .event_retention(EVENT_RETENTION)
            .start()
            .await
            .map_err(|e| e.to_string())?,
    );
    let owner_id = server.user().ok_or("no owner")?.id;
    let mut phones = Vec::new();
    let mut movable = vec![owner_id];
    for i in 1..a.clients {
        let phone = phone(server.dc_id(), i);
        movable.push(server.create_user("Soak", &format!("Member {i}"), &phone));
        phones.push(phone);
    }
    let plan = clients::Plan {
        info: server.info(),
        phones,
        owner_id,
        seconds: a.seconds,
    };
    let mut clients = ClientsProcess::spawn()?;
    let plan = serde_json::to_string(&plan).map_err(|e| e.to_string())?;
    clients.send(format!("PLAN {plan}")).await?;
    clients.expect("READY", Duration::from_secs(600)).await?;
    let mut peers = Vec::new();
    for i in 0..a.telethon {
        peers.push(telethon::spawn(&a, &server, i)?);
    }
    let mut pids = vec![("testserver".to_string(), std::process::id())];
    if let Some(pid) = clients.child.id() {
        pids.push(("ferrogram clients".to_string(), pid));
    }
    pids.extend(
        peers
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("telethon {i}"), p.pid)),
    );
    let run_for = Duration::from_secs(a.seconds);
    let until = Instant::now() + run_for;
    let counters_before = server.counters();
    clients.send("GO".into()).await?;
    let jump = if a.telethon > 0 {
        (5, 25)
    } else {
        (120, i64::MAX)
    };
    let chaos_task = tokio::spawn(chaos::chaos(
        server.clone(),
        if a.calm { Instant::now() } else { until },
        jump,
        movable,
        a.telethon > 0,
    ));
    let mut rss = Rss::default();
    // This process (the testserver) each minute: its RSS and live heap.
    let minutes = tokio::spawn(async move {
        let me = std::process::id();
        let mut out = Vec::new();
        while Instant::now() + Duration::from_secs(60) <= until {
            tokio::time::sleep(Duration::from_secs(60)).await;
            out.push((rss_kib(me).unwrap_or(0), heap::live_kib()));
        }
        out
    });
    tokio::time::sleep(run_for / 5).await;
    sample(&pids, &mut rss.fifth);
    rss.server_heap_fifth = heap::live_kib();
    rss.server_footprint_fifth = server.footprint();
    tokio::time::sleep(
        until
            .saturating_duration_since(Instant::now())
            .saturating_sub(Duration::from_secs(2)),
    )
    .await;
    sample(&pids, &mut rss.end);
    rss.server_heap_end = heap::live_kib();
    rss.server_footprint_end = server.footprint();
    rss.server_per_minute = minutes.await.unwrap_or_default();
    let faults = chaos_task.await.map_err(|e| e.to_string())?;
    let mut reported = telethon::Reported::default();
    for p in peers {
        telethon::result(p, &mut reported).await?;
    }
    let end = serde_json::json!({ "telethon_sent": reported.sent });
    clients.send(format!("END {end}")).await?;
    let outcome = clients.expect("CLIENTS ", Duration::from_secs(300)).await?;
    let mut outcome: clients::Outcome =
        serde_json::from_str(&outcome).map_err(|e| format!("CLIENTS: {e}"))?;
    let _ = tokio::time::timeout(Duration::from_secs(30), clients.child.wait()).await;
    outcome.unanswered.extend(reported.unanswered);
    for (name, n) in reported.rpc_errors {
        *outcome.rpc_errors.entry(name).or_default() += n;
    }
    let run = report::Run {
        seconds: a.seconds,
        clients: a.clients,
        telethon: a.telethon,
        telethon_sent: reported.sent.len(),
        started,
    };
    report::report(&run, &server, counters_before, &outcome, &rss, faults)
}
