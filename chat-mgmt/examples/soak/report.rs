//! The soak's verdict: the server's counters against what the clients were
//! told and the listeners saw, and the processes' RSS; one `SOAK {json}`
//! line.

use std::collections::BTreeMap;
use std::time::SystemTime;

use ferrogram_testserver::{CounterSnapshot, Footprint, TestServer};

use crate::clients::Outcome;

/// RSS after the first fifth and at the end, per process.
#[derive(Default)]
pub struct Rss {
    pub fifth: BTreeMap<String, u64>,
    pub end: BTreeMap<String, u64>,
    /// The testserver's live heap (KiB) after the first fifth and at the
    /// end: a heap that stays while RSS grows is the allocator keeping
    /// freed memory, not a leak.
    pub server_heap_fifth: u64,
    pub server_heap_end: u64,
    /// The testserver's RSS and live heap (KiB) at each minute.
    pub server_per_minute: Vec<(u64, u64)>,
    /// The testserver's stores after the first fifth and at the end: which
    /// one grows, if the heap does.
    pub server_footprint_fifth: Footprint,
    pub server_footprint_end: Footprint,
}

/// What the run was.
pub struct Run {
    pub seconds: u64,
    pub clients: usize,
    pub telethon: usize,
    pub telethon_sent: usize,
    pub started: SystemTime,
}

/// The processes the RSS check judges: all of them. The testserver keeps
/// the latest [`crate::RETENTION`] messages of each chat and
/// [`crate::EVENT_RETENTION`] admin-log events and bots' qts updates
/// (without that, it grew with what it stored: RELIABILITY.md).
fn judged(_process: &str) -> bool {
    true
}

/// Prints the `SOAK {json}` line and says whether every check held.
pub fn report(
    run: &Run,
    server: &TestServer,
    before: CounterSnapshot,
    o: &Outcome,
    rss: &Rss,
    faults: BTreeMap<&'static str, u64>,
) -> Result<bool, String> {
    let after = server.counters();
    // Sends that met USER_MIGRATE on the old DC ran there without effect:
    // only the successful executions count.
    let (b, e) = (
        before.method("messages.sendMessage"),
        after.method("messages.sendMessage"),
    );
    let executed = (e.executed - e.failed) - (b.executed - b.failed);
    let send_failures = e.failed - b.failed;
    let grew: BTreeMap<&String, f64> = rss
        .end
        .iter()
        .filter_map(|(k, end)| {
            let fifth = *rss.fifth.get(k)?;
            Some((k, *end as f64 / fifth.max(1) as f64))
        })
        .collect();
    // The client's update buffer holds 1024 pushes and the server's answer
    // cache 6 minutes of answers (the clients ask it): until they fill, RSS
    // grows without a leak. Only a run whose first fifth is past that
    // horizon (30 minutes or more) is judged on it.
    let rss_judged = run.seconds / 5 >= 360;
    let rss_ok = !rss_judged
        || (grew.iter().all(|(k, r)| !judged(k) || *r <= 1.10) && grew.len() == rss.end.len());
    // Exactly once is judged on effects: one message per id a client was
    // told, none unknown, no text twice. Executions can exceed sends only
    // through Telethon: on a reconnect it opens a new MTProto session and
    // sends what was pending again under new msg_ids, which the server runs
    // and answers from `random_id` (the message already sent), creating
    // nothing. Ferrogram keeps its session across reconnects, so without
    // Telethon the two counts must be equal.
    let sent = o.messages_sent as u64;
    let reexecuted = executed.saturating_sub(sent);
    let executions_ok = if run.telethon == 0 {
        executed == sent
    } else {
        executed >= sent
    };
    let checks = [
        ("every request answered", o.unanswered.is_empty()),
        (
            "every send took effect once",
            o.updates_missed == 0 && o.seen_but_not_sent == 0 && o.texts_twice.is_empty(),
        ),
        (
            "sends executed once (again only by Telethon's new-session resends)",
            executions_ok,
        ),
        ("no update twice", o.updates_twice == 0),
        (
            "RSS at the end within 10% of the first fifth's (runs of 30 min or more)",
            rss_ok,
        ),
    ];
    let failed: Vec<&str> = checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(c, _)| *c)
        .collect();
    let ok = failed.is_empty();
    let summary = serde_json::json!({
        "ok": ok,
        "failed_checks": failed,
        "seconds": run.seconds,
        "clients": run.clients,
        "telethon": run.telethon,
        "started": run.started.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        "requests_received": after.requests_received - before.requests_received,
        "requests_executed": after.requests_executed - before.requests_executed,
        "answered_from_cache": after.duplicates - before.duplicates,
        "connections": after.connections - before.connections,
        "messages_sent": o.messages_sent,
        "messages_sent_by_telethon": run.telethon_sent,
        "sendMessage_executed": executed,
        "sendMessage_failed": send_failures,
        "sendMessage_reexecuted_by_random_id": reexecuted,
        "listed": o.listed,
        "restricted": o.restricted,
        "downloaded": o.downloaded,
        "rpc_errors": o.rpc_errors,
        "unanswered": o.unanswered,
        "updates_missed": o.updates_missed,
        "updates_missed_first_ids": o.updates_missed_first_ids,
        "updates_twice": o.updates_twice,
        "texts_twice": o.texts_twice,
        "seen_but_not_sent": o.seen_but_not_sent,
        "seen_but_not_sent_first_ids": o.seen_but_not_sent_first_ids,
        "faults": faults,
        "rss_kib_fifth": rss.fifth,
        "rss_kib_end": rss.end,
        "rss_end_over_fifth": grew,
        "rss_judged": rss_judged,
        "clients_heap_kib_fifth": o.heap_kib_fifth,
        "clients_heap_kib_end": o.heap_kib_end,
        "testserver_heap_kib_fifth": rss.server_heap_fifth,
        "testserver_heap_kib_end": rss.server_heap_end,
        "testserver_rss_and_heap_kib_per_minute": rss.server_per_minute,
        "testserver_footprint_fifth": rss.server_footprint_fifth,
        "testserver_footprint_end": rss.server_footprint_end,
    });
    println!("SOAK {summary}");
    Ok(ok)
}
