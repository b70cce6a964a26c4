//! Leases with fencing tokens: at any moment one live process holds an
//! account, so one process uses its auth keys (Telegram answers
//! `AUTH_KEY_DUPLICATED`, and may revoke the key, when one key is used from
//! two places at once) and advances its update state.
//!
//! A lease is a row per account: the holder's name, a token that grows by
//! one at every change of holder (the fencing token), and an expiry in the
//! database's clock. The holder renews it every third of its TTL on a
//! connection of its own; every store write checks the token in the same
//! transaction (the row locked `FOR SHARE`, so a takeover cannot commit in
//! between), and the client asks [`crate::Session::check_lease`] before
//! every request. A holder that cannot renew (the database unreachable, or
//! the lease taken) stops at its local deadline: the time the last
//! successful renewal was *sent*, plus the TTL, minus a fifth of it for
//! clock drift; the database lets another process take the lease only after
//! its own expiry, which comes later. Takeover therefore happens within
//! about one TTL of the holder's death.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls};

/// How a process takes an account's lease (see
/// [`super::PostgresSession::connect_leased`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LeaseOptions {
    /// How long a lease lasts without renewal (default 10 s; at least
    /// 300 ms).
    pub ttl: Duration,
    /// This process's name, stored with the lease (default: host and pid).
    pub holder: String,
    /// How long to wait for the lease while another process holds it
    /// (default: 60 s); `None` waits for good.
    pub wait: Option<Duration>,
}

impl Default for LeaseOptions {
    fn default() -> Self {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "host".into());
        Self {
            ttl: Duration::from_secs(10),
            holder: format!("{host}:{}", std::process::id()),
            wait: Some(Duration::from_secs(60)),
        }
    }
}

impl LeaseOptions {
    /// The defaults (10 s TTL, host:pid, wait up to 60 s).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the TTL.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_millis(300));
        self
    }

    /// Sets the holder's name.
    pub fn holder(mut self, holder: impl Into<String>) -> Self {
        self.holder = holder.into();
        self
    }

    /// Sets how long to wait for the lease (`None`: for good).
    pub fn wait(mut self, wait: Option<Duration>) -> Self {
        self.wait = wait;
        self
    }
}

/// Why a lease could not be taken or kept.
#[derive(Debug)]
pub(crate) enum LeaseError {
    /// Another holder kept it for the whole wait.
    Held { holder: String },
    /// The database failed.
    Db(postgres::Error),
    /// No thread for the renewal (or the taking one failed).
    Thread(std::io::Error),
}

impl From<postgres::Error> for LeaseError {
    fn from(e: postgres::Error) -> Self {
        Self::Db(e)
    }
}

/// A lease this process holds, renewed in the background until dropped.
#[derive(Debug)]
pub(crate) struct Lease {
    pub token: i64,
    ttl: Duration,
    /// After this instant the lease is no longer ours to act on.
    deadline: Arc<Mutex<Instant>>,
    lost: Arc<AtomicBool>,
    /// Dropped to stop the renewal thread.
    _stop: mpsc::Sender<()>,
}

/// A fifth of the TTL: the local deadline's margin against clock drift and
/// the time a renewal takes to reach the database.
fn margin(ttl: Duration) -> Duration {
    ttl.checked_div(5).unwrap_or_default()
}

fn ttl_ms(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX)
}

/// Takes the lease if it is free or expired (by the database's clock): the
/// new token, or who holds it. A holder's name does not make a lease its
/// own: two processes may be given the same one.
fn try_take(
    c: &mut Client,
    account: &str,
    holder: &str,
    ttl: Duration,
) -> Result<Result<i64, String>, postgres::Error> {
    let row = c.query_opt(
        "INSERT INTO ferrogram_leases (account, holder, token, expires_at)
         VALUES ($1, $2, 1, clock_timestamp() + $3::float8 * interval '1 millisecond')
         ON CONFLICT (account) DO UPDATE SET
             holder = EXCLUDED.holder,
             token = ferrogram_leases.token + 1,
             expires_at = EXCLUDED.expires_at
         WHERE ferrogram_leases.expires_at < clock_timestamp()
         RETURNING token",
        &[&account, &holder, &(ttl_ms(ttl) as f64)],
    )?;
    if let Some(row) = row {
        return Ok(Ok(row.get(0)));
    }
    let current: Option<String> = c
        .query_opt(
            "SELECT holder FROM ferrogram_leases WHERE account = $1",
            &[&account],
        )?
        .map(|r| r.get(0));
    Ok(Err(current.unwrap_or_default()))
}

/// Renews the lease of `token`: false if it is no longer ours.
pub(crate) fn renew_now(
    c: &mut Client,
    account: &str,
    token: i64,
    ttl: Duration,
) -> Result<bool, postgres::Error> {
    let n = c.execute(
        "UPDATE ferrogram_leases
         SET expires_at = clock_timestamp() + $3::float8 * interval '1 millisecond'
         WHERE account = $1 AND token = $2",
        &[&account, &token, &(ttl_ms(ttl) as f64)],
    )?;
    Ok(n == 1)
}

impl Lease {
    /// Takes `account`'s lease, waiting as `options` say, and starts its
    /// renewal (a thread with a connection of its own).
    pub(crate) fn take(
        config: &Config,
        account: &str,
        options: &LeaseOptions,
    ) -> Result<Self, LeaseError> {
        let ttl = options.ttl;
        let mut c = config.connect(NoTls)?;
        let started = Instant::now();
        let (token, sent) = loop {
            let sent = Instant::now();
            match try_take(&mut c, account, &options.holder, ttl)? {
                Ok(token) => break (token, sent),
                Err(holder) => {
                    if options.wait.is_some_and(|w| started.elapsed() >= w) {
                        return Err(LeaseError::Held { holder });
                    }
                    // A tenth of the TTL between tries: taken over within
                    // about one TTL of the holder's end.
                    std::thread::sleep(ttl.checked_div(10).unwrap_or_default());
                }
            }
        };
        let deadline = Arc::new(Mutex::new(
            sent.checked_add(ttl.saturating_sub(margin(ttl)))
                .unwrap_or(sent),
        ));
        let lost = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = mpsc::channel::<()>();
        let (account, config) = (account.to_owned(), config.clone());
        let (d, l) = (deadline.clone(), lost.clone());
        std::thread::Builder::new()
            .name("ferrogram-lease".into())
            .spawn(move || renew_loop(c, config, &account, token, ttl, &d, &l, &stopped))
            .map_err(LeaseError::Thread)?;
        Ok(Self {
            token,
            ttl,
            deadline,
            lost,
            _stop: stop,
        })
    }

    /// Takes in a renewal made by the session ([`renew_now`]) at `sent`:
    /// the deadline moves out, or the lease is lost for good.
    pub(crate) fn renewed(&self, sent: Instant, still_ours: bool) {
        if !still_ours {
            self.lost.store(true, Ordering::Release);
            return;
        }
        let until = sent
            .checked_add(self.ttl.saturating_sub(margin(self.ttl)))
            .unwrap_or(sent);
        let mut deadline = self.deadline.lock().unwrap_or_else(|e| e.into_inner());
        *deadline = until.max(*deadline);
    }

    /// The lease's TTL.
    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Stops acting on the lease (every later write and request refused,
    /// the renewals stopped): whether it was still held.
    pub(crate) fn give_up(&self) -> bool {
        !self.lost.swap(true, Ordering::AcqRel)
    }

    /// Whether this process may still act on the account: the lease was
    /// not taken over and the local deadline has not passed.
    pub(crate) fn valid(&self) -> bool {
        !self.lost.load(Ordering::Acquire)
            && Instant::now() < *self.deadline.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Renews every third of the TTL until told to stop (the lease dropped) or
/// the lease is found taken; a connection lost is opened again.
#[allow(clippy::too_many_arguments, reason = "one thread's whole state")]
fn renew_loop(
    client: Client,
    config: Config,
    account: &str,
    token: i64,
    ttl: Duration,
    deadline: &Mutex<Instant>,
    lost: &AtomicBool,
    stopped: &mpsc::Receiver<()>,
) {
    let mut client = Some(client);
    loop {
        match stopped.recv_timeout(ttl.checked_div(3).unwrap_or_default()) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Dropped: the lease is given up by expiry (the row stays; the
            // next holder takes it once expired).
            _ => return,
        }
        if lost.load(Ordering::Acquire) {
            return; // given up
        }
        let sent = Instant::now();
        if client.as_ref().is_none_or(Client::is_closed) {
            client = config.connect(NoTls).ok();
        }
        let Some(c) = client.as_mut() else {
            continue;
        };
        match renew_now(c, account, token, ttl) {
            Ok(true) => {
                let until = sent
                    .checked_add(ttl.saturating_sub(margin(ttl)))
                    .unwrap_or(sent);
                *deadline.lock().unwrap_or_else(|e| e.into_inner()) = until;
            }
            Ok(false) => {
                lost.store(true, Ordering::Release);
                return;
            }
            Err(_) => client = None,
        }
    }
}

/// In a write's transaction: whether `token` still holds `account`'s lease,
/// the row locked against a takeover until the transaction ends.
pub(crate) fn fenced(
    tx: &mut postgres::Transaction<'_>,
    account: &str,
    token: i64,
) -> Result<bool, postgres::Error> {
    let current: Option<i64> = tx
        .query_opt(
            "SELECT token FROM ferrogram_leases WHERE account = $1 FOR SHARE",
            &[&account],
        )?
        .map(|r| r.get(0));
    Ok(current == Some(token))
}
