//! A session store on PostgreSQL, shared by every process of one account
//! (feature `postgres`).
//!
//! One schema holds many accounts: every row is keyed by the account's name,
//! and [`PostgresSession::connect`] migrates the schema (versioned, under an
//! advisory lock, so workers starting together migrate once) and loads the
//! account. Reads come from memory, as with the other stores; writes go to
//! the database first and reach memory only once committed. The peer cache
//! is shared: a peer, username or phone missing from this process's memory
//! is looked up in the database (one query) before the caller falls back to
//! asking Telegram, so any worker resolves what another has seen.
//!
//! The driver is `postgres` (the blocking face of `tokio-postgres`) on a
//! thread of the session's own, so a store call made on an async runtime of
//! either flavour never blocks that runtime's I/O driver nor starts a runtime
//! inside it. A lost connection is opened again on the next call.
//!
//! Several processes of one account take turns through a lease with a
//! fencing token ([`PostgresSession::connect_leased`], [`LeaseOptions`]):
//! one holder at a time uses the account's auth keys and advances its
//! update state; the others wait, and one takes over within about one TTL
//! when the holder dies. [`PostgresSession::connect`] takes no lease: for
//! tools that only read, or a deployment of one process.

mod handled;
mod lease;
mod rows;
mod schema;
mod testing;

pub use lease::LeaseOptions;
pub use testing::test_database;

use rows::{PEER_COLUMNS, load, peer_row, upsert_peers, write_dc_options, write_update_state};

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use postgres::{Client, Config, NoTls};

use crate::{AuthKeyBytes, DcOption, PeerInfo, Session, SessionData, SessionError, UpdateState};

pub use schema::SCHEMA_VERSION;

/// How long a store call waits for the database before reporting it
/// unreachable.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long opening a connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A session of one account stored in PostgreSQL; see the module docs.
pub struct PostgresSession {
    /// The server and database, without a password (for messages).
    target: String,
    account: String,
    /// Whose peer cache this session reads and writes: its own account's,
    /// or a group's ([`PostgresSession::share_peers_with`]).
    peers: String,
    jobs: mpsc::Sender<Job>,
    data: Mutex<SessionData>,
    /// The connection settings (the lease renews on a connection of its own).
    config: Config,
    /// The account's lease, when taken.
    lease: Option<lease::Lease>,
}

impl std::fmt::Debug for PostgresSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSession")
            .field("target", &self.target)
            .field("account", &self.account)
            .field("lease", &self.lease)
            .field("data", &*self.lock())
            .finish()
    }
}

/// Work for the session's database thread.
type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The database thread's connection, opened again after a loss.
struct Connection {
    config: Config,
    client: Option<Client>,
}

impl Connection {
    fn client(&mut self) -> Result<&mut Client, postgres::Error> {
        let client = match self.client.take() {
            Some(c) if !c.is_closed() => c,
            _ => self.config.connect(NoTls)?,
        };
        Ok(self.client.insert(client))
    }
}

/// `url` with any password replaced by `***` (URL or key=value form).
pub(crate) fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme) = out.find("://") {
        let rest_from = scheme.saturating_add(3);
        let authority_end = out
            .get(rest_from..)
            .and_then(|r| r.find(['/', '?']))
            .map_or(out.len(), |i| rest_from.saturating_add(i));
        if let Some(authority) = out.get(rest_from..authority_end)
            && let Some(at) = authority.rfind('@')
            && let Some(colon) = authority.get(..at).and_then(|u| u.find(':'))
        {
            let from = rest_from.saturating_add(colon).saturating_add(1);
            let to = rest_from.saturating_add(at);
            out.replace_range(from..to, "***");
        }
    }
    // password=... in a query string or a key=value string.
    let mut cleaned = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("password=") {
        let value_from = i.saturating_add("password=".len());
        cleaned.push_str(rest.get(..value_from).unwrap_or_default());
        cleaned.push_str("***");
        let tail = rest.get(value_from..).unwrap_or_default();
        let end = tail.find(['&', ' ']).unwrap_or(tail.len());
        rest = tail.get(end..).unwrap_or_default();
    }
    cleaned.push_str(rest);
    cleaned
}

/// Maps a driver error to the crate's error.
fn pg_error(target: &str, e: postgres::Error) -> SessionError {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if [
            SqlState::INSUFFICIENT_PRIVILEGE,
            SqlState::INVALID_PASSWORD,
            SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
        ]
        .contains(code)
        {
            return SessionError::PermissionDenied {
                target: target.to_owned(),
                reason: db.message().to_owned(),
            };
        }
    }
    let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    if e.is_closed() || io {
        return SessionError::Unreachable {
            target: target.to_owned(),
            reason: e.to_string(),
        };
    }
    SessionError::Postgres {
        target: target.to_owned(),
        source: e,
    }
}

/// Splits `postgres://…?account=NAME` into the connection string without the
/// `account` parameter and the account's name.
pub(crate) fn split_account(url: &str) -> Option<(String, String)> {
    split_param(url, "account")
}

/// Splits parameter `name` off a URL's query: the URL without it, and its
/// (non-empty) value.
pub(crate) fn split_param(url: &str, name: &str) -> Option<(String, String)> {
    let (base, query) = url.split_once('?')?;
    let mut value = None;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some((key, v)) if key == name && !v.is_empty() => value = Some(v.to_owned()),
            _ if pair.is_empty() => {}
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Some((url, value?))
}

impl PostgresSession {
    /// Opens the session of `account` in the database at `url` (a
    /// `postgres://user:password@host:port/db` URL or a `host=… user=…`
    /// string), creating the schema or migrating it first.
    ///
    /// Errors: [`SessionError::Unreachable`] (no server there, or it went
    /// away), [`SessionError::PermissionDenied`] (refused credentials, or a
    /// role that may not create or use the tables), [`SessionError::NewerVersion`]
    /// (a schema written by a newer Ferrogram), [`SessionError::Corrupt`]
    /// (rows this build cannot read). Messages never show the password.
    pub fn connect(url: &str, account: &str) -> Result<Self, SessionError> {
        let target = redact(url);
        let mut config: Config = url.parse().map_err(|e| SessionError::InvalidUrl {
            target: target.clone(),
            reason: format!("{e}"),
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if account.is_empty() {
            return Err(SessionError::InvalidUrl {
                target,
                reason: "the account name is empty".into(),
            });
        }
        let (jobs, rx) = mpsc::channel::<Job>();
        let thread_config = config.clone();
        std::thread::Builder::new()
            .name("ferrogram-postgres".into())
            .spawn(move || {
                let mut conn = Connection {
                    config: thread_config,
                    client: None,
                };
                for job in rx {
                    job(&mut conn);
                }
            })
            .map_err(|source| SessionError::Io {
                path: target.clone(),
                source,
            })?;
        let session = Self {
            target,
            account: account.to_owned(),
            peers: account.to_owned(),
            jobs,
            data: Mutex::new(SessionData::default()),
            config,
            lease: None,
        };
        session.load()?;
        Ok(session)
    }

    /// [`Self::connect`], then takes the account's lease (waiting while
    /// another process holds it, as `options` say) and reads the account
    /// again as the lease's holder left it. Until dropped, the session
    /// renews the lease; every write is fenced by its token, and
    /// [`Session::check_lease`] (which the client asks before every
    /// request) fails with [`SessionError::LeaseLost`] once it is lost.
    pub fn connect_leased(
        url: &str,
        account: &str,
        options: &LeaseOptions,
    ) -> Result<Self, SessionError> {
        let mut session = Self::connect(url, account)?;
        // On a thread of its own, as every call of the blocking driver: the
        // caller may be on an async runtime, where the driver cannot start
        // its own (and the wait would stall the runtime's I/O meanwhile).
        let (config, name, opts) = (session.config.clone(), account.to_owned(), options.clone());
        let taken = std::thread::spawn(move || lease::Lease::take(&config, &name, &opts))
            .join()
            .unwrap_or_else(|_| Err(lease::LeaseError::Thread(std::io::Error::other("panicked"))))
            .map_err(|e| match e {
                lease::LeaseError::Held { holder } => SessionError::LeaseHeld {
                    target: session.target.clone(),
                    account: account.to_owned(),
                    holder,
                },
                lease::LeaseError::Db(e) => pg_error(&session.target, e),
                lease::LeaseError::Thread(source) => SessionError::Io {
                    path: session.target.clone(),
                    source,
                },
            })?;
        session.lease = Some(taken);
        session.load()?;
        Ok(session)
    }

    /// Shares the peer cache of `group` instead of keeping the account's
    /// own: for a bot's workers that each signed in with the token (each its
    /// own account here, its own auth keys and update state), so that a
    /// peer one saw resolves for all. Access hashes belong to the user who
    /// was given them, so share only between accounts of one user.
    /// Reads the account again with the group's peers.
    pub fn share_peers_with(mut self, group: &str) -> Result<Self, SessionError> {
        if group.is_empty() {
            return Err(SessionError::InvalidUrl {
                target: self.target.clone(),
                reason: "the peer cache's name is empty".into(),
            });
        }
        self.peers = group.to_owned();
        self.load()?;
        Ok(self)
    }

    /// Whose peer cache this session uses (its account's unless shared).
    pub fn peer_cache(&self) -> &str {
        &self.peers
    }

    /// Renews the account's lease now (the session renews it every third
    /// of its TTL by itself): before a long operation, so that the whole
    /// TTL is ahead. [`SessionError::LeaseLost`] when it is no longer this
    /// session's (or it holds none).
    pub fn renew_lease(&self) -> Result<(), SessionError> {
        let Some(lease) = self.lease.as_ref().filter(|l| l.valid()) else {
            return Err(self.lost());
        };
        let (account, token, ttl) = (self.account.clone(), lease.token, lease.ttl());
        let sent = std::time::Instant::now();
        let ours = self.call(move |c| lease::renew_now(c, &account, token, ttl))?;
        lease.renewed(sent, ours);
        if ours { Ok(()) } else { Err(self.lost()) }
    }

    /// The lease's fencing token, when this session holds one.
    pub fn lease_token(&self) -> Option<i64> {
        self.lease.as_ref().map(|l| l.token)
    }

    fn lost(&self) -> SessionError {
        SessionError::LeaseLost {
            target: self.target.clone(),
            account: self.account.clone(),
        }
    }

    /// Migrates the schema if needed and reads the account into memory.
    fn load(&self) -> Result<(), SessionError> {
        let (account, peers) = (self.account.clone(), self.peers.clone());
        let loaded = self.call(move |c| {
            let mut tx = c.transaction()?;
            let found = schema::migrate(&mut tx)?;
            if let schema::Found::Newer(v) = found {
                tx.rollback()?;
                return Ok(Err(v));
            }
            tx.execute(
                "INSERT INTO ferrogram_accounts (account) VALUES ($1), ($2) ON CONFLICT DO NOTHING",
                &[&account, &peers],
            )?;
            let rows = load(&mut tx, &account, &peers)?;
            tx.commit()?;
            Ok(Ok(rows))
        })?;
        let data = match loaded {
            Ok(rows) => rows.into_data().map_err(|reason| SessionError::Corrupt {
                path: self.target.clone(),
                reason,
            })?,
            Err(found) => {
                return Err(SessionError::NewerVersion {
                    path: self.target.clone(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
        };
        *self.lock() = data;
        Ok(())
    }

    /// Runs a write in one transaction, fenced by the lease's token when
    /// the session holds one: a lease lost (locally past its deadline, or
    /// taken over in the database) writes nothing.
    fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut postgres::Transaction<'_>, &str) -> Result<R, postgres::Error>
        + Send
        + 'static,
    ) -> Result<R, SessionError> {
        let fence = match &self.lease {
            Some(l) if !l.valid() => return Err(self.lost()),
            Some(l) => Some(l.token),
            None => None,
        };
        let account = self.account.clone();
        let out = self.call(move |c| {
            let mut tx = c.transaction()?;
            if let Some(token) = fence
                && !lease::fenced(&mut tx, &account, token)?
            {
                return Ok(None);
            }
            let r = f(&mut tx, &account)?;
            tx.commit()?;
            Ok(Some(r))
        })?;
        out.ok_or_else(|| self.lost())
    }

    /// [`Self::connect`] with the account named in the URL:
    /// `postgres://user@host/db?account=NAME` (how the CLI's `--session`
    /// takes it).
    pub fn open(url_with_account: &str) -> Result<Self, SessionError> {
        let (url, account) =
            split_account(url_with_account).ok_or_else(|| SessionError::InvalidUrl {
                target: redact(url_with_account),
                reason: "no ?account=NAME in the URL".into(),
            })?;
        Self::connect(&url, &account)
    }

    /// The account this session stores.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The server and database, password hidden.
    pub fn target(&self) -> &str {
        &self.target
    }

    fn lock(&self) -> MutexGuard<'_, SessionData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the database thread and waits for its answer.
    fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<R, postgres::Error> + Send + 'static,
    ) -> Result<R, SessionError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(conn.client().and_then(f));
        });
        let gone = || SessionError::Unreachable {
            target: self.target.clone(),
            reason: "the session's database thread has stopped".into(),
        };
        self.jobs.send(job).map_err(|_| gone())?;
        match rx.recv_timeout(CALL_TIMEOUT) {
            Ok(answer) => answer.map_err(|e| pg_error(&self.target, e)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(SessionError::Unreachable {
                target: self.target.clone(),
                reason: format!("no answer within {} s", CALL_TIMEOUT.as_secs()),
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(gone()),
        }
    }

    /// Writes everything in `new` into this account (replacing what it
    /// held): how an import is saved.
    pub fn replace_with(&self, new: &SessionData) -> Result<(), SessionError> {
        let peers: Vec<PeerInfo> = {
            let mut fresh = SessionData::default();
            let all: Vec<PeerInfo> = new.peers.values().cloned().collect();
            fresh.merge_peers(&all)
        };
        let (home, options, keys, state) = (
            new.home_dc,
            new.dc_options.clone(),
            new.auth_keys.clone(),
            new.update_state.clone(),
        );
        let (written, group) = (peers.clone(), self.peers.clone());
        self.write(move |tx, account| {
            for table in [
                "ferrogram_dc_options",
                "ferrogram_auth_keys",
                "ferrogram_peers",
                "ferrogram_update_state",
            ] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE account = $1"),
                    &[&account],
                )?;
            }
            tx.execute(
                "UPDATE ferrogram_accounts SET home_dc = $2 WHERE account = $1",
                &[&account, &home],
            )?;
            write_dc_options(tx, account, &options)?;
            for (dc, key) in &keys {
                tx.execute(
                    "INSERT INTO ferrogram_auth_keys (account, dc_id, auth_key) VALUES ($1, $2, $3)",
                    &[&account, dc, &&key[..]],
                )?;
            }
            upsert_peers(tx, &group, &written)?;
            write_update_state(tx, account, &state)
        })?;
        let mut data = self.lock();
        *data = SessionData {
            home_dc: new.home_dc,
            dc_options: new.dc_options.clone(),
            auth_keys: new.auth_keys.clone(),
            update_state: new.update_state.clone(),
            ..SessionData::default()
        };
        data.merge_peers(&peers);
        Ok(())
    }

    /// Looks a peer up in the database when this process has not seen it
    /// (`column` = `value`), caching what it finds. A database error is a
    /// miss: the caller then asks Telegram.
    fn look_up(&self, column: &'static str, value: Value) -> Option<PeerInfo> {
        let account = self.peers.clone();
        let rows = self
            .call(move |c| {
                let sql = format!(
                    "SELECT {PEER_COLUMNS} FROM ferrogram_peers WHERE account = $1 AND {column} = $2
                     ORDER BY min LIMIT 1"
                );
                let rows = match &value {
                    Value::Id(v) => c.query(&sql, &[&account, v])?,
                    Value::Text(v) => c.query(&sql, &[&account, v])?,
                };
                Ok(rows.iter().map(peer_row).collect::<Vec<_>>())
            })
            .ok()?;
        let peer = rows.into_iter().next()?.ok()?;
        self.lock().merge_peers(std::slice::from_ref(&peer));
        Some(peer)
    }
}

/// A looked-up column's value.
enum Value {
    Id(i64),
    Text(String),
}

impl Session for PostgresSession {
    fn snapshot(&self) -> SessionData {
        self.lock().clone()
    }

    fn home_dc(&self) -> Option<i32> {
        self.lock().home_dc
    }

    fn set_home_dc(&self, dc: i32) -> Result<(), SessionError> {
        self.write(move |tx, account| {
            tx.execute(
                "UPDATE ferrogram_accounts SET home_dc = $2 WHERE account = $1",
                &[&account, &dc],
            )
        })?;
        self.lock().home_dc = Some(dc);
        Ok(())
    }

    fn dc_options(&self) -> Vec<DcOption> {
        self.lock().dc_options.clone()
    }

    fn set_dc_options(&self, options: &[DcOption]) -> Result<(), SessionError> {
        let owned = options.to_vec();
        self.write(move |tx, account| write_dc_options(tx, account, &owned))?;
        self.lock().dc_options = options.to_vec();
        Ok(())
    }

    fn auth_key(&self, dc: i32) -> Option<AuthKeyBytes> {
        self.lock().auth_keys.get(&dc).copied()
    }

    fn set_auth_key(&self, dc: i32, key: Option<&AuthKeyBytes>) -> Result<(), SessionError> {
        let owned = key.copied();
        self.write(move |tx, account| match owned {
            Some(k) => tx.execute(
                "INSERT INTO ferrogram_auth_keys (account, dc_id, auth_key) VALUES ($1, $2, $3)
                 ON CONFLICT (account, dc_id) DO UPDATE SET auth_key = EXCLUDED.auth_key",
                &[&account, &dc, &&k[..]],
            ),
            None => tx.execute(
                "DELETE FROM ferrogram_auth_keys WHERE account = $1 AND dc_id = $2",
                &[&account, &dc],
            ),
        })?;
        let mut data = self.lock();
        match key {
            Some(k) => data.auth_keys.insert(dc, *k),
            None => data.auth_keys.remove(&dc),
        };
        Ok(())
    }

    fn peer(&self, marked_id: i64) -> Option<PeerInfo> {
        if let Some(p) = self.lock().peers.get(&marked_id) {
            return Some(p.clone());
        }
        self.look_up("marked_id", Value::Id(marked_id))
    }

    fn peer_by_username(&self, username: &str) -> Option<PeerInfo> {
        if let Some(p) = self.lock().peer_by_username(username) {
            return Some(p.clone());
        }
        let want = crate::data::normalize_username(username);
        self.look_up("username", Value::Text(want))
    }

    fn peer_by_phone(&self, phone: &str) -> Option<PeerInfo> {
        if let Some(p) = self.lock().peer_by_phone(phone) {
            return Some(p.clone());
        }
        let want = crate::data::normalize_phone(phone);
        if want.is_empty() {
            return None;
        }
        self.look_up("phone", Value::Text(want))
            .filter(|p| p.kind.is_user())
    }

    fn save_peers(&self, peers: &[PeerInfo]) -> Result<(), SessionError> {
        // What would change this process's copy (the rest was written
        // already, by this process or merged from the database).
        let changed: Vec<PeerInfo> = {
            let data = self.lock();
            let mut scratch = SessionData::default();
            let fresh: Vec<PeerInfo> = peers
                .iter()
                .filter(|p| {
                    data.peers
                        .get(&p.marked_id())
                        .is_none_or(|old| !crate::data::merge_keeps(old, p))
                })
                .cloned()
                .collect();
            // Normalized (usernames, phones) and deduplicated as stored.
            let mut by_id: BTreeMap<i64, PeerInfo> = BTreeMap::new();
            for p in scratch.merge_peers(&fresh) {
                by_id.insert(p.marked_id(), p);
            }
            by_id.into_values().collect()
        };
        if changed.is_empty() {
            return Ok(());
        }
        let group = self.peers.clone();
        let rows = self.write(move |tx, _| {
            let rows = upsert_peers(tx, &group, &changed)?;
            Ok(rows.iter().map(peer_row).collect::<Vec<_>>())
        })?;
        let stored: Vec<PeerInfo> =
            rows.into_iter()
                .collect::<Result<_, _>>()
                .map_err(|reason| SessionError::Corrupt {
                    path: self.target.clone(),
                    reason,
                })?;
        self.lock().merge_peers(&stored);
        Ok(())
    }

    fn update_state(&self) -> UpdateState {
        self.lock().update_state.clone()
    }

    fn check_lease(&self) -> Result<(), SessionError> {
        match &self.lease {
            Some(l) if !l.valid() => Err(self.lost()),
            _ => Ok(()),
        }
    }

    fn close(&self) -> Result<(), SessionError> {
        let Some(lease) = &self.lease else {
            return Ok(());
        };
        // No write of this session goes through from now on; then the row
        // is expired (if still ours), so the next holder takes it at once,
        // and its token moved on, so a renewal already under way cannot
        // bring it back (the next holder's token is still greater).
        if !lease.give_up() {
            return Ok(());
        }
        let (account, token) = (self.account.clone(), lease.token);
        self.call(move |c| {
            c.execute(
                "UPDATE ferrogram_leases
                 SET expires_at = clock_timestamp() - interval '1 second', token = token + 1
                 WHERE account = $1 AND token = $2",
                &[&account, &token],
            )
        })?;
        Ok(())
    }

    fn set_update_state(&self, state: &UpdateState) -> Result<(), SessionError> {
        let owned = state.clone();
        self.write(move |tx, account| write_update_state(tx, account, &owned))?;
        self.lock().update_state = state.clone();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://ada:s3cret@db.example:5432/tg?account=a"),
            "postgres://ada:***@db.example:5432/tg?account=a"
        );
        assert_eq!(
            redact("postgres://ada@db/tg?password=s3cret&account=a"),
            "postgres://ada@db/tg?password=***&account=a"
        );
        assert_eq!(
            redact("host=db user=ada password=s3cret dbname=tg"),
            "host=db user=ada password=*** dbname=tg"
        );
        assert_eq!(redact("postgres://db/tg"), "postgres://db/tg");
        assert_eq!(redact("postgres://a:b:c@d@e/f"), "postgres://a:***@e/f");
    }

    #[test]
    fn the_account_comes_out_of_the_url() {
        assert_eq!(
            split_account("postgres://u@h/db?account=bot1"),
            Some(("postgres://u@h/db".into(), "bot1".into()))
        );
        assert_eq!(
            split_account("postgres://u@h/db?sslmode=disable&account=a&connect_timeout=3"),
            Some((
                "postgres://u@h/db?sslmode=disable&connect_timeout=3".into(),
                "a".into()
            ))
        );
        assert_eq!(split_account("postgres://u@h/db?sslmode=disable"), None);
        assert_eq!(split_account("postgres://u@h/db"), None);
        assert_eq!(split_account("postgres://u@h/db?account="), None);
    }
}
