//! The PostgreSQL schema: one set of tables shared by every account, each
//! row keyed by the account's name, and versioned migrations run under an
//! advisory lock so that workers starting together migrate once.

use postgres::Transaction;

/// The schema, one migration per version: `MIGRATIONS[n]` takes a database
/// from version `n` to `n + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the initial schema (the SQLite file's tables, keyed by account).
    "CREATE TABLE ferrogram_accounts (
         account TEXT PRIMARY KEY,
         home_dc INTEGER
     );
     CREATE TABLE ferrogram_dc_options (
         account TEXT NOT NULL REFERENCES ferrogram_accounts ON DELETE CASCADE,
         position INTEGER NOT NULL,
         id INTEGER NOT NULL,
         ip TEXT NOT NULL,
         port INTEGER NOT NULL,
         PRIMARY KEY (account, position)
     );
     CREATE TABLE ferrogram_auth_keys (
         account TEXT NOT NULL REFERENCES ferrogram_accounts ON DELETE CASCADE,
         dc_id INTEGER NOT NULL,
         auth_key BYTEA NOT NULL CHECK (length(auth_key) = 256),
         PRIMARY KEY (account, dc_id)
     );
     CREATE TABLE ferrogram_peers (
         account TEXT NOT NULL REFERENCES ferrogram_accounts ON DELETE CASCADE,
         marked_id BIGINT NOT NULL,
         id BIGINT NOT NULL,
         kind SMALLINT NOT NULL,
         access_hash BIGINT,
         username TEXT,
         phone TEXT,
         name TEXT,
         min BOOLEAN NOT NULL,
         migrated_to BIGINT,
         PRIMARY KEY (account, marked_id)
     );
     CREATE INDEX ferrogram_peers_username ON ferrogram_peers (account, username);
     CREATE INDEX ferrogram_peers_phone ON ferrogram_peers (account, phone);
     CREATE TABLE ferrogram_update_state (
         account TEXT NOT NULL REFERENCES ferrogram_accounts ON DELETE CASCADE,
         channel_id BIGINT NOT NULL,
         pts INTEGER NOT NULL,
         qts INTEGER NOT NULL,
         date INTEGER NOT NULL,
         seq INTEGER NOT NULL,
         PRIMARY KEY (account, channel_id)
     );",
    // 2: leases with fencing tokens (one holder per account at a time).
    "CREATE TABLE ferrogram_leases (
         account TEXT PRIMARY KEY REFERENCES ferrogram_accounts ON DELETE CASCADE,
         holder TEXT NOT NULL,
         token BIGINT NOT NULL,
         expires_at TIMESTAMPTZ NOT NULL
     );",
    // 3: the updates handled in transactions of their own since the update
    // state was last saved (exactly-once handlers).
    "CREATE TABLE ferrogram_handled_updates (
         account TEXT NOT NULL REFERENCES ferrogram_accounts ON DELETE CASCADE,
         identity TEXT NOT NULL,
         PRIMARY KEY (account, identity)
     );",
];

/// The schema version this build writes.
#[allow(clippy::cast_possible_truncation, reason = "a handful of migrations")]
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock key migrations hold ("FRGM" and 1).
const MIGRATION_LOCK: i64 = 0x4652_474d_0000_0001;

/// What the database's schema turned out to be.
pub(super) enum Found {
    /// At [`SCHEMA_VERSION`], migrated now or before.
    Current,
    /// Written by a newer build.
    Newer(i64),
}

/// Takes the database to [`SCHEMA_VERSION`] in `tx`, under the migration
/// lock (held to the transaction's end): the version table is created on
/// first use, and a newer version is reported, never touched.
pub(super) fn migrate(tx: &mut Transaction<'_>) -> Result<Found, postgres::Error> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    // Created only when missing: a role that may use the tables but not
    // create any (workers, when an administrator migrated) gets through.
    let exists: bool = tx
        .query_one("SELECT to_regclass('ferrogram_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        tx.batch_execute(
            "CREATE TABLE ferrogram_schema (
                 only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                 version BIGINT NOT NULL
             )",
        )?;
    }
    let version: i64 = tx
        .query_opt("SELECT version FROM ferrogram_schema", &[])?
        .map_or(0, |r| r.get(0));
    if version > SCHEMA_VERSION {
        return Ok(Found::Newer(version));
    }
    if version == SCHEMA_VERSION {
        return Ok(Found::Current);
    }
    let from = usize::try_from(version).unwrap_or(0);
    for sql in MIGRATIONS.iter().skip(from) {
        tx.batch_execute(sql)?;
    }
    tx.execute(
        "INSERT INTO ferrogram_schema (version) VALUES ($1)
         ON CONFLICT (only_row) DO UPDATE SET version = EXCLUDED.version",
        &[&SCHEMA_VERSION],
    )?;
    Ok(Found::Current)
}
