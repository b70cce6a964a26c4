//! The clients' process of the soak (`soak --role clients --plan JSON`): the
//! 100 Ferrogram clients, each on a connection of its own, alone in a
//! process so that its RSS is theirs. They sign in, join the lounge, send,
//! list, download and restrict; two of them listen. Talks to the driver in
//! lines: `PLAN {json}` on stdin, `READY` on stdout once the listeners have
//! their starting point, `GO` on stdin when the driver has counted what the
//! server did so far, `END {json}` on stdin once the Telethon processes are done (the ids they
//! sent), `CLIENTS {json}` on stdout with what the clients were told and
//! the listeners saw.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrogram_chat_mgmt::client::session::MemorySession;
use ferrogram_chat_mgmt::client::{Client, Config, InvocationError, RsaPublicKey, SignInError};
use ferrogram_chat_mgmt::{BannedRights, ChatManagement, ParticipantFilter};
use ferrogram_testserver::ServerInfo;
use ferrogram_tl_types::{enums, functions, types};
use serde::{Deserialize, Serialize};

use crate::seen::{Ids, Seen};

pub const LOUNGE: &str = "@ferrogram_lounge";

/// What the driver hands the clients' process.
#[derive(Serialize, Deserialize)]
pub struct Plan {
    /// The server (the owner's credentials included).
    pub info: ServerInfo,
    /// The members' phones (clients 1..), created on the server already.
    pub phones: Vec<String>,
    /// The owner's user id.
    pub owner_id: i64,
    pub seconds: u64,
}

/// What the clients were told, and what the listeners saw: the `CLIENTS`
/// line.
#[derive(Serialize, Deserialize, Default)]
pub struct Outcome {
    /// Messages whose send was answered with their id (Telethon's included).
    pub messages_sent: usize,
    pub rpc_errors: BTreeMap<String, u64>,
    pub unanswered: Vec<String>,
    pub listed: u64,
    pub restricted: u64,
    pub downloaded: u64,
    pub updates_missed: usize,
    pub updates_missed_first_ids: Vec<Vec<i32>>,
    pub updates_twice: usize,
    pub texts_twice: Vec<String>,
    /// The live heap of the clients' process (KiB) after the first fifth
    /// and at the end of the run (before the last message).
    pub heap_kib_fifth: u64,
    pub heap_kib_end: u64,
    /// Messages seen that no client was told it sent, and the first of them.
    pub seen_but_not_sent: usize,
    pub seen_but_not_sent_first_ids: Vec<i32>,
}

/// What the clients were told.
#[derive(Default)]
struct Tally {
    /// Messages whose send was answered with their id.
    sent: Mutex<Ids>,
    /// Requests answered with an RPC error, by name.
    rpc_errors: Mutex<BTreeMap<String, u64>>,
    /// Requests with no answer (timeouts, dropped connections that did not
    /// recover): each is a loss.
    unanswered: Mutex<Vec<String>>,
    listed: AtomicU64,
    restricted: AtomicU64,
    downloaded: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Tally {
    fn record<T>(&self, what: &str, r: &Result<T, InvocationError>) {
        match r {
            Ok(_) => {}
            Err(InvocationError::Rpc(e)) => {
                *lock(&self.rpc_errors).entry(e.name.clone()).or_default() += 1;
            }
            Err(e) => lock(&self.unanswered).push(format!("{what}: {e}")),
        }
    }

    fn record_chat<T>(&self, what: &str, r: &Result<T, ferrogram_chat_mgmt::Error>) {
        match r {
            Ok(_) => {}
            Err(ferrogram_chat_mgmt::Error::Invocation(e)) => {
                self.record::<()>(what, &Err(e.clone()));
            }
            // Every other variant is an RPC error Telegram answered with.
            Err(e) => {
                *lock(&self.rpc_errors)
                    .entry(format!("{what}: {e}"))
                    .or_default() += 1;
            }
        }
    }
}

async fn connect(info: &ServerInfo) -> Result<Client, String> {
    let key = RsaPublicKey::from_pem(&info.rsa_public_key_pem).map_err(|e| e.to_string())?;
    let config = Config::new(12345, "0123456789abcdef0123456789abcdef")
        .session(Arc::new(MemorySession::new()))
        .server(info.addr, info.dc_id)
        .rsa_key(key)
        .flood_sleep_threshold(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(60));
    Client::connect(config).await.map_err(|e| e.to_string())
}

async fn sign_in(client: &Client, phone: &str, code: &str, password: &str) -> Result<(), String> {
    let token = client
        .request_login_code(phone)
        .await
        .map_err(|e| e.to_string())?;
    match client.sign_in(&token, code).await {
        Ok(_) => Ok(()),
        Err(InvocationError::SignIn(SignInError::PasswordRequired(_))) => client
            .check_password(password)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

async fn join_lounge(client: &Client) -> Result<(), String> {
    let peer = client
        .get_input_entity(LOUNGE)
        .await
        .map_err(|e| e.to_string())?;
    let enums::InputPeer::Channel(c) = peer else {
        return Err("the lounge is not a channel".into());
    };
    client
        .invoke(&functions::channels::JoinChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        })
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Signs in the owner (client 0) and the members, who join the lounge.
async fn clients(plan: &Plan) -> Result<Vec<Client>, String> {
    let owner = plan.info.user.as_ref().ok_or("no owner")?;
    let mut out = Vec::with_capacity(plan.phones.len() + 1);
    let first = connect(&plan.info).await?;
    sign_in(&first, &owner.phone, &owner.code, &owner.password).await?;
    out.push(first);
    for phone in &plan.phones {
        let c = connect(&plan.info).await?;
        let code = ferrogram_testserver::world::login_code(phone);
        sign_in(&c, phone, &code, "").await?;
        join_lounge(&c).await?;
        // Listing the admins caches the owner (whose photo members download).
        c.get_participants(LOUNGE)
            .filter(ParticipantFilter::Admins)
            .await
            .map_err(|e| e.to_string())?;
        out.push(c);
    }
    Ok(out)
}

/// A listener: every new message of the lounge it is told about.
async fn listen(client: Client, seen: Arc<Seen>, stop: Arc<AtomicBool>) {
    let mut updates = client.updates();
    if updates.catch_up().await.is_err() {
        return;
    }
    while !stop.load(Ordering::Relaxed) {
        let next = tokio::time::timeout(Duration::from_millis(500), updates.next()).await;
        let Ok(Ok(update)) = next else {
            continue;
        };
        if let enums::Update::NewChannelMessage(u) = update
            && let enums::Message::Message(m) = u.message
        {
            seen.saw(m.id, &m.message);
        }
    }
}

/// One member's loop: send (one operation in eight), list, download, or rest.
async fn work(i: usize, client: Client, owner: i64, tally: Arc<Tally>, until: Instant) {
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        match (i as u64 + n) % 8 {
            0 => {
                let r = client.send_message(LOUNGE, &format!("soak {i} {n}")).await;
                tally.record("send", &r);
                if let Ok(id) = r {
                    lock(&tally.sent).insert(id);
                }
            }
            1 | 2 => {
                let mut it = client.iter_participants(LOUNGE).limit(20);
                let mut outcome = Ok(());
                while let Some(p) = it.next().await {
                    if let Err(e) = p {
                        outcome = Err(e);
                        break;
                    }
                }
                tally.record_chat("list", &outcome);
                if outcome.is_ok() {
                    tally.listed.fetch_add(1, Ordering::Relaxed);
                }
            }
            3 => {
                let r = match client.get_input_entity(owner).await {
                    Ok(enums::InputPeer::User(u)) => {
                        let user = enums::InputUser::from(types::InputUser {
                            user_id: u.user_id,
                            access_hash: u.access_hash,
                        });
                        client.download_profile_photo(user, false).await.map(|_| ())
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(e),
                };
                tally.record("download", &r);
                if r.is_ok() {
                    tally.downloaded.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The owner's loop: restricts a member for an hour, then lifts it, going
/// through 50 of the synthetic members (not the soak's own accounts, which
/// would then fail to send).
async fn moderate(client: Client, tally: Arc<Tally>, until: Instant) {
    let members = match client.get_participants(LOUNGE).limit(200).await {
        Ok(list) => list,
        Err(e) => {
            tally.record_chat("list members to restrict", &Err::<(), _>(e));
            return;
        }
    };
    let victims: Vec<i64> = members
        .items
        .iter()
        .filter(|p| {
            matches!(p.role, ferrogram_chat_mgmt::Role::Member)
                && p.user.first_name.as_deref() != Some("Soak")
                && p.user.first_name.as_deref() != Some("Telethon")
        })
        .map(|p| p.user.id)
        .take(50)
        .collect();
    let mut k = 0usize;
    while Instant::now() < until && !victims.is_empty() {
        let user = victims[k % victims.len()];
        k += 1;
        let muted = BannedRights::new()
            .send_messages(false)
            .for_duration(Duration::from_secs(3600));
        let r = client.edit_permissions(LOUNGE, user, muted).await;
        tally.record_chat("restrict", &r);
        let r = client
            .edit_permissions(LOUNGE, user, BannedRights::new())
            .await;
        tally.record_chat("unrestrict", &r);
        if r.is_ok() {
            tally.restricted.fetch_add(1, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Waits until every listener has seen message `last` (bounded).
async fn settle(listeners: &[Arc<Seen>], last: i32) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if listeners.iter().all(|l| l.has(last)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn say(line: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

/// The `END` line the driver sends: what the Telethon processes sent.
#[derive(Deserialize)]
struct End {
    telethon_sent: Vec<i32>,
}

/// The driver's lines on stdin.
pub type Lines = tokio::io::Lines<tokio::io::BufReader<tokio::io::Stdin>>;

/// The clients' process: reads its plan (`PLAN {json}`), runs it and prints
/// its outcome.
pub async fn run(mut lines: Lines) -> Result<(), String> {
    let plan: Plan = serde_json::from_str(&expect_line(&mut lines, "PLAN ").await?)
        .map_err(|e| format!("the plan: {e}"))?;
    let clients = clients(&plan).await?;
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let listeners: Vec<Arc<Seen>> = (0..2).map(|_| Arc::default()).collect();
    let mut listening = Vec::new();
    for (l, c) in listeners.iter().zip(&clients[1..3]) {
        listening.push(tokio::spawn(listen(c.clone(), l.clone(), stop.clone())));
    }
    // The listeners learn the lounge's pts from its first update: one sent
    // now, and seen by both, is their starting point for gap detection.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = clients[3]
        .send_message(LOUNGE, "soak: the start")
        .await
        .map_err(|e| e.to_string())?;
    settle(&listeners, first).await;
    say("READY")?;
    // The driver takes its counters before any worker sends.
    expect_line(&mut lines, "GO").await?;
    let until = Instant::now() + Duration::from_secs(plan.seconds);
    let fifth = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(plan.seconds) / 5).await;
        crate::heap::live_kib()
    });
    let mut workers = vec![tokio::spawn(moderate(
        clients[0].clone(),
        tally.clone(),
        until,
    ))];
    for (i, c) in clients.iter().enumerate().skip(3) {
        workers.push(tokio::spawn(work(
            i,
            c.clone(),
            plan.owner_id,
            tally.clone(),
            until,
        )));
    }
    for w in workers {
        let _ = tokio::time::timeout(Duration::from_secs(120), w).await;
    }
    let heap = (fifth.await.unwrap_or(0), crate::heap::live_kib());
    let end: End = serde_json::from_str(&expect_line(&mut lines, "END ").await?)
        .map_err(|e| format!("END: {e}"))?;
    // The last word: once the listeners have it, they have had every chance
    // to catch up on whatever was dropped.
    let last = clients[3]
        .send_message(LOUNGE, "soak: the end")
        .await
        .map_err(|e| e.to_string())?;
    lock(&tally.sent).insert(last);
    settle(&listeners, last).await;
    stop.store(true, Ordering::Relaxed);
    for l in listening {
        let _ = tokio::time::timeout(Duration::from_secs(5), l).await;
    }
    let mut sent = lock(&tally.sent).clone();
    sent.extend(end.telethon_sent);
    let mut outcome = outcome(&tally, &sent, &listeners, first);
    (outcome.heap_kib_fifth, outcome.heap_kib_end) = heap;
    say(&format!(
        "CLIENTS {}",
        serde_json::to_string(&outcome).map_err(|e| e.to_string())?
    ))
}

/// The rest of the first line that starts with `prefix`.
async fn expect_line(lines: &mut Lines, prefix: &str) -> Result<String, String> {
    loop {
        match lines.next_line().await.map_err(|e| e.to_string())? {
            Some(l) => {
                if let Some(rest) = l.strip_prefix(prefix) {
                    return Ok(rest.to_owned());
                }
            }
            None => return Err(format!("the driver went away before {prefix}")),
        }
    }
}

/// Judges what the listeners saw against what was sent.
fn outcome(tally: &Tally, sent: &Ids, listeners: &[Arc<Seen>], first: i32) -> Outcome {
    let mut o = Outcome {
        messages_sent: sent.len(),
        rpc_errors: lock(&tally.rpc_errors).clone(),
        unanswered: lock(&tally.unanswered).clone(),
        listed: tally.listed.load(Ordering::Relaxed),
        restricted: tally.restricted.load(Ordering::Relaxed),
        downloaded: tally.downloaded.load(Ordering::Relaxed),
        ..Outcome::default()
    };
    for (k, l) in listeners.iter().enumerate() {
        let (seen, twice, texts_twice) = l.snapshot();
        let not_seen: Vec<i32> = sent.iter().filter(|id| !seen.contains(*id)).collect();
        o.updates_missed += not_seen.len();
        o.updates_missed_first_ids
            .push(not_seen.into_iter().take(10).collect());
        o.updates_twice += twice.len();
        if k == 0 {
            // Texts seen on two messages: a send that created two (every
            // text sent is different; `random_id` must make a resend create
            // none). Messages seen that no client was told it sent: a send
            // executed without its answer reaching the client.
            o.texts_twice = texts_twice;
            let unknown: Vec<i32> = seen
                .iter()
                .filter(|id| *id != first && !sent.contains(*id))
                .collect();
            o.seen_but_not_sent = unknown.len();
            o.seen_but_not_sent_first_ids = unknown.into_iter().take(10).collect();
        }
    }
    o
}
