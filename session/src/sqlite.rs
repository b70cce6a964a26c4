//! The default session store: one SQLite file.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, params};

use crate::data::PeerKind;
use crate::{AuthKeyBytes, DcOption, PeerInfo, Session, SessionData, SessionError, UpdateState};

/// `application_id` of Ferrogram session files ("FRGM").
pub const APPLICATION_ID: i64 = 0x4652_474d;

/// The schema, one migration per version: `MIGRATIONS[n]` takes a file from
/// version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
     CREATE TABLE dc_options (id INTEGER NOT NULL, ip TEXT NOT NULL, port INTEGER NOT NULL,
                              PRIMARY KEY (id, ip, port));
     CREATE TABLE auth_keys (dc_id INTEGER PRIMARY KEY, auth_key BLOB NOT NULL);
     CREATE TABLE peers (marked_id INTEGER PRIMARY KEY, id INTEGER NOT NULL,
                         kind INTEGER NOT NULL, access_hash INTEGER, username TEXT,
                         phone TEXT, name TEXT, min INTEGER NOT NULL);
     CREATE INDEX peers_username ON peers (username);
     CREATE INDEX peers_phone ON peers (phone);
     CREATE TABLE update_state (channel_id INTEGER PRIMARY KEY, pts INTEGER NOT NULL,
                                qts INTEGER NOT NULL, date INTEGER NOT NULL,
                                seq INTEGER NOT NULL);",
    // 2: basic groups remember the supergroup they became.
    "ALTER TABLE peers ADD COLUMN migrated_to INTEGER;",
];

/// The schema version this build writes.
#[allow(clippy::cast_possible_truncation, reason = "a handful of migrations")]
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A session stored in one SQLite file.
///
/// [`SqliteSession::open`] creates the file with 0600 permissions if it does not
/// exist, uses a WAL journal, migrates older schemas, and holds the file
/// exclusively until dropped: a second client on the same file gets
/// [`SessionError::Locked`] instead of corrupting the first one's state.
pub struct SqliteSession {
    path: String,
    inner: Mutex<Inner>,
}

struct Inner {
    conn: Connection,
    data: SessionData,
}

impl std::fmt::Debug for SqliteSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteSession")
            .field("path", &self.path)
            .field("data", &self.lock().data)
            .finish()
    }
}

/// Maps a SQLite error on `path` to the crate's error.
fn sql_error(path: &str, e: rusqlite::Error) -> SessionError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => SessionError::Locked {
            path: path.to_owned(),
        },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => SessionError::Corrupt {
            path: path.to_owned(),
            reason: e.to_string(),
        },
        _ => SessionError::Sqlite {
            path: path.to_owned(),
            source: e,
        },
    }
}

fn create_private(path: &Path) -> Result<(), SessionError> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(SessionError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

impl SqliteSession {
    /// Opens (or creates) the session file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SessionError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        create_private(path)?;
        let err = |e| sql_error(&name, e);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        conn.busy_timeout(Duration::from_millis(250)).map_err(err)?;
        // Hold the file for as long as we live.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(err)?;
        let app: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        let tables: Vec<String> = {
            let mut st = conn
                // Every object, not only tables: a view or trigger named like
                // one of ours would make the migration fail half-way.
                .prepare(
                    "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .map_err(err)?;
            st.query_map([], |r| r.get(0))
                .map_err(err)?
                .collect::<Result<_, _>>()
                .map_err(err)?
        };
        if app != APPLICATION_ID && !tables.is_empty() {
            let reason = if tables.iter().any(|t| t == "sessions")
                && tables.iter().any(|t| t == "version")
            {
                "it is a Telethon session; import it with ferrogram_session::telethon::import_sqlite".to_owned()
            } else {
                format!("application_id {app:#x}, objects {tables:?}")
            };
            return Err(SessionError::Foreign { path: name, reason });
        }
        if version < 0 {
            return Err(SessionError::Corrupt {
                path: name,
                reason: format!("schema version {version}"),
            });
        }
        // A file without tables is a new one, whatever its header says.
        let version = if tables.is_empty() { 0 } else { version };
        if version > SCHEMA_VERSION {
            return Err(SessionError::NewerVersion {
                path: name,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let check: String = conn
            .pragma_query_value(None, "quick_check", |r| r.get(0))
            .map_err(err)?;
        if check != "ok" {
            return Err(SessionError::Corrupt {
                path: name,
                reason: check,
            });
        }
        let load_err = |e| match e {
            LoadError::Sql(e) => err(e),
            LoadError::Bad(reason) => SessionError::Corrupt {
                path: name.clone(),
                reason,
            },
        };
        // Nothing is written to a file this build cannot read: a current one
        // is read first, an older (or new) one is migrated and read in one
        // transaction that is rolled back when either fails, and only then is
        // the journal switched to WAL.
        let mut conn = conn;
        let data = if version == SCHEMA_VERSION && app == APPLICATION_ID {
            load(&conn).map_err(load_err)?
        } else {
            migrate_and_load(&mut conn, version).map_err(|e| match e {
                LoadError::Sql(e) => SessionError::Corrupt {
                    path: name.clone(),
                    reason: format!("cannot migrate from schema version {version}: {e}"),
                },
                bad => load_err(bad),
            })?
        };
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(SessionError::Locked { path: name });
        }
        // WAL with synchronous=NORMAL: a commit is durable against a crash of
        // the process (not of the machine) without an fsync per commit; the
        // client commits once per answer that carries users.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        Ok(Self {
            path: name,
            inner: Mutex::new(Inner { conn, data }),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one transaction on the file and the in-memory copy
    /// together. Nothing is cloned: `f` updates the copy in place as it
    /// writes, and if the transaction fails (it then rolls back) the copy is
    /// read back from the file, so memory never holds what the file does not.
    fn write(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &mut SessionData) -> rusqlite::Result<()>,
    ) -> Result<(), SessionError> {
        let mut inner = self.lock();
        self.write_locked(&mut inner, f)
    }

    /// [`Self::write`] under a lock the caller already holds.
    fn write_locked(
        &self,
        inner: &mut Inner,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &mut SessionData) -> rusqlite::Result<()>,
    ) -> Result<(), SessionError> {
        let Inner { conn, data } = inner;
        let outcome = (|| {
            let tx = conn.transaction()?;
            f(&tx, data)?;
            tx.commit()
        })();
        if let Err(e) = outcome {
            if let Ok(fresh) = load(conn) {
                *data = fresh;
            }
            return Err(sql_error(&self.path, e));
        }
        Ok(())
    }

    /// Writes everything in `data` into this session (replacing what it held): how
    /// an import is saved.
    pub fn replace_with(&self, new: &SessionData) -> Result<(), SessionError> {
        self.write(|tx, data| {
            tx.execute_batch(
                "DELETE FROM meta; DELETE FROM dc_options; DELETE FROM auth_keys;
                 DELETE FROM peers; DELETE FROM update_state;",
            )?;
            let mut fresh = SessionData {
                home_dc: new.home_dc,
                dc_options: new.dc_options.clone(),
                auth_keys: new.auth_keys.clone(),
                update_state: new.update_state.clone(),
                ..SessionData::default()
            };
            if let Some(dc) = new.home_dc {
                write_home_dc(tx, dc)?;
            }
            write_dc_options(tx, &new.dc_options)?;
            for (dc, key) in &new.auth_keys {
                tx.execute(
                    "INSERT INTO auth_keys (dc_id, auth_key) VALUES (?1, ?2)",
                    params![dc, &key[..]],
                )?;
            }
            let peers: Vec<PeerInfo> = new.peers.values().cloned().collect();
            let merged = fresh.merge_peers(&peers);
            write_peers(tx, &merged)?;
            write_update_state(tx, &new.update_state)?;
            *data = fresh;
            Ok(())
        })
    }
}

/// Takes a file from schema `version` to [`SCHEMA_VERSION`], stamps it with
/// [`APPLICATION_ID`] and reads it, all in one exclusive transaction that is
/// committed only when the file reads back.
fn migrate_and_load(conn: &mut Connection, version: i64) -> Result<SessionData, LoadError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    // `open` refused versions below 0 and above ours.
    let from = usize::try_from(version).unwrap_or(0);
    for (v, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        tx.execute_batch(sql)?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(v).map_or(i64::MAX, |v| v.saturating_add(1)),
        )?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    let data = load(&tx)?;
    tx.commit()?;
    Ok(data)
}

enum LoadError {
    Sql(rusqlite::Error),
    Bad(String),
}

impl From<rusqlite::Error> for LoadError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sql(e)
    }
}

/// A DC id column, which must fit Telegram's `int`.
fn dc_id(v: i64, what: &str) -> Result<i32, LoadError> {
    i32::try_from(v).map_err(|_| LoadError::Bad(format!("{what}: DC id {v} out of range")))
}

fn load(conn: &Connection) -> Result<SessionData, LoadError> {
    let mut d = SessionData {
        home_dc: conn
            .query_row("SELECT value FROM meta WHERE key = 'home_dc'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?
            .map(|v| dc_id(v, "meta: home_dc"))
            .transpose()?,
        ..SessionData::default()
    };
    let mut st = conn.prepare("SELECT id, ip, port FROM dc_options ORDER BY rowid")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (id, ip, port) = row?;
        let ip = ip
            .parse()
            .map_err(|_| LoadError::Bad(format!("dc_options: bad address {ip:?}")))?;
        let port = u16::try_from(port)
            .map_err(|_| LoadError::Bad(format!("dc_options: bad port {port}")))?;
        d.dc_options.push(DcOption {
            id: dc_id(id, "dc_options: id")?,
            addr: SocketAddr::new(ip, port),
        });
    }
    let mut st = conn.prepare("SELECT dc_id, auth_key FROM auth_keys")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    for row in rows {
        let (dc, key) = row?;
        let key: AuthKeyBytes = key.try_into().map_err(|k: Vec<u8>| {
            LoadError::Bad(format!(
                "auth key for DC {dc} has {} bytes, not 256",
                k.len()
            ))
        })?;
        d.auth_keys.insert(dc_id(dc, "auth_keys: dc_id")?, key);
    }
    let mut st = conn.prepare(
        "SELECT id, kind, access_hash, username, phone, name, min, migrated_to FROM peers",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, bool>(6)?,
            r.get::<_, Option<i64>>(7)?,
        ))
    })?;
    for row in rows {
        let (id, kind, access_hash, username, phone, name, min, migrated_to) = row?;
        let kind = PeerKind::from_code(kind)
            .ok_or_else(|| LoadError::Bad(format!("peers: unknown kind {kind} for id {id}")))?;
        let p = PeerInfo {
            id,
            kind,
            access_hash,
            username,
            phone,
            name,
            min,
            migrated_to,
        };
        d.peers.insert(p.marked_id(), p);
    }
    let mut st = conn.prepare("SELECT channel_id, pts, qts, date, seq FROM update_state")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i32>(1)?,
            r.get::<_, i32>(2)?,
            r.get::<_, i32>(3)?,
            r.get::<_, i32>(4)?,
        ))
    })?;
    for row in rows {
        let (channel, pts, qts, date, seq) = row?;
        d.update_state.set_row(channel, pts, qts, date, seq);
    }
    Ok(d)
}

fn write_home_dc(tx: &rusqlite::Transaction<'_>, dc: i32) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('home_dc', ?1)",
        params![dc],
    )?;
    Ok(())
}

fn write_dc_options(tx: &rusqlite::Transaction<'_>, options: &[DcOption]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM dc_options", [])?;
    for o in options {
        tx.execute(
            "INSERT OR IGNORE INTO dc_options (id, ip, port) VALUES (?1, ?2, ?3)",
            params![o.id, o.addr.ip().to_string(), o.addr.port()],
        )?;
    }
    Ok(())
}

fn write_peers(tx: &rusqlite::Transaction<'_>, peers: &[PeerInfo]) -> rusqlite::Result<()> {
    let mut take_username = tx.prepare_cached(
        "UPDATE peers SET username = NULL WHERE username = ?1 AND marked_id != ?2",
    )?;
    let mut upsert = tx.prepare_cached(
        "INSERT OR REPLACE INTO peers (marked_id, id, kind, access_hash, username, phone, name, min,
                                       migrated_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for p in peers {
        if let Some(u) = &p.username {
            take_username.execute(params![u, p.marked_id()])?;
        }
        upsert.execute(params![
            p.marked_id(),
            p.id,
            p.kind.to_code(),
            p.access_hash,
            p.username,
            p.phone,
            p.name,
            p.min,
            p.migrated_to
        ])?;
    }
    Ok(())
}

fn write_update_state(tx: &rusqlite::Transaction<'_>, s: &UpdateState) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM update_state", [])?;
    tx.execute(
        "INSERT INTO update_state (channel_id, pts, qts, date, seq) VALUES (0, ?1, ?2, ?3, ?4)",
        params![s.pts, s.qts, s.date, s.seq],
    )?;
    for (channel, pts) in &s.channels {
        tx.execute(
            "INSERT INTO update_state (channel_id, pts, qts, date, seq) VALUES (?1, ?2, 0, 0, 0)",
            params![channel, pts],
        )?;
    }
    Ok(())
}

impl Session for SqliteSession {
    fn snapshot(&self) -> SessionData {
        self.lock().data.clone()
    }

    fn home_dc(&self) -> Option<i32> {
        self.lock().data.home_dc
    }

    fn set_home_dc(&self, dc: i32) -> Result<(), SessionError> {
        self.write(|tx, data| {
            write_home_dc(tx, dc)?;
            data.home_dc = Some(dc);
            Ok(())
        })
    }

    fn dc_options(&self) -> Vec<DcOption> {
        self.lock().data.dc_options.clone()
    }

    fn set_dc_options(&self, options: &[DcOption]) -> Result<(), SessionError> {
        self.write(|tx, data| {
            write_dc_options(tx, options)?;
            data.dc_options = options.to_vec();
            Ok(())
        })
    }

    fn auth_key(&self, dc: i32) -> Option<AuthKeyBytes> {
        self.lock().data.auth_keys.get(&dc).copied()
    }

    fn set_auth_key(&self, dc: i32, key: Option<&AuthKeyBytes>) -> Result<(), SessionError> {
        self.write(|tx, data| {
            match key {
                Some(k) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO auth_keys (dc_id, auth_key) VALUES (?1, ?2)",
                        params![dc, &k[..]],
                    )?;
                    data.auth_keys.insert(dc, *k);
                }
                None => {
                    tx.execute("DELETE FROM auth_keys WHERE dc_id = ?1", params![dc])?;
                    data.auth_keys.remove(&dc);
                }
            }
            Ok(())
        })
    }

    fn peer(&self, marked_id: i64) -> Option<PeerInfo> {
        self.lock().data.peers.get(&marked_id).cloned()
    }

    fn peer_by_username(&self, username: &str) -> Option<PeerInfo> {
        self.lock().data.peer_by_username(username).cloned()
    }

    fn peer_by_phone(&self, phone: &str) -> Option<PeerInfo> {
        self.lock().data.peer_by_phone(phone).cloned()
    }

    fn save_peers(&self, peers: &[PeerInfo]) -> Result<(), SessionError> {
        // Merged in memory first, under the lock the write keeps: peers already
        // known as they are cost no transaction at all (a listing that sees the
        // same members again writes nothing). If the write fails, `write_locked`
        // reads memory back from the file.
        let mut inner = self.lock();
        let changed = inner.data.merge_peers(peers);
        if changed.is_empty() {
            return Ok(());
        }
        self.write_locked(&mut inner, |tx, _| write_peers(tx, &changed))
    }

    fn update_state(&self) -> UpdateState {
        self.lock().data.update_state.clone()
    }

    fn set_update_state(&self, state: &UpdateState) -> Result<(), SessionError> {
        self.write(|tx, data| {
            write_update_state(tx, state)?;
            data.update_state = state.clone();
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(id: i64, username: &str) -> PeerInfo {
        PeerInfo {
            id,
            kind: PeerKind::User,
            access_hash: Some(id * 7),
            username: Some(username.into()),
            phone: None,
            name: None,
            min: false,
            migrated_to: None,
        }
    }

    #[test]
    fn a_failed_write_leaves_memory_as_the_file_is() {
        let dir =
            std::env::temp_dir().join(format!("ferrogram-sqlite-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rollback.session");
        let _ = std::fs::remove_file(&path);
        let s = SqliteSession::open(&path).unwrap();
        s.save_peers(&[peer(1, "one")]).unwrap();
        // A trigger makes the second peer of the next batch fail, after the
        // first was merged in memory and written in the transaction.
        s.lock()
            .conn
            .execute_batch(
                "CREATE TRIGGER boom BEFORE INSERT ON peers WHEN NEW.id = 666
                 BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            )
            .unwrap();
        let e = s
            .save_peers(&[peer(2, "two"), peer(666, "one")])
            .unwrap_err();
        assert!(matches!(e, SessionError::Sqlite { .. }), "{e}");
        // Nothing of the failed batch is in memory: not peer 2, and "one"
        // still names peer 1 (the batch would have moved it to 666).
        assert!(s.peer(2).is_none());
        assert!(s.peer(666).is_none());
        assert_eq!(s.peer_by_username("one").map(|p| p.id), Some(1));
        // And the next write works on the restored copy.
        s.save_peers(&[peer(3, "three")]).unwrap();
        drop(s);
        let s = SqliteSession::open(&path).unwrap();
        assert_eq!(
            (
                s.peer(1).is_some(),
                s.peer(2).is_some(),
                s.peer(3).is_some()
            ),
            (true, false, true)
        );
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn peers_seen_again_unchanged_cost_no_write() {
        let dir =
            std::env::temp_dir().join(format!("ferrogram-sqlite-same-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("same.session");
        let _ = std::fs::remove_file(&path);
        let s = SqliteSession::open(&path).unwrap();
        let page: Vec<PeerInfo> = (1..=200).map(|i| peer(i, &format!("user{i}"))).collect();
        s.save_peers(&page).unwrap();
        // From now on any write to the peers table fails.
        s.lock()
            .conn
            .execute_batch(
                "CREATE TRIGGER no_insert BEFORE INSERT ON peers
                 BEGIN SELECT RAISE(ABORT, 'written'); END;
                 CREATE TRIGGER no_update BEFORE UPDATE ON peers
                 BEGIN SELECT RAISE(ABORT, 'written'); END;",
            )
            .unwrap();
        // The same page again (the username in another case, as Telegram may
        // send it): nothing changed, so nothing is written.
        let mut again = page.clone();
        again[0].username = Some("USER1".into());
        s.save_peers(&again).unwrap();
        // One changed access hash among them is written (and here refused).
        again[7].access_hash = Some(1);
        let e = s.save_peers(&again).unwrap_err();
        assert!(matches!(e, SessionError::Sqlite { .. }), "{e}");
        assert_eq!(s.peer(8).and_then(|p| p.access_hash), Some(8 * 7));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
