//! The one error type of the crate.

/// Why a session could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The file could not be created, opened or read.
    #[error("session file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Another process (or another handle in this one) holds the session.
    #[error("session file {path} is in use by another client (locked)")]
    Locked {
        /// The file.
        path: String,
    },
    /// The file is not a readable SQLite database, or its contents are damaged.
    #[error("session file {path} is corrupt: {reason}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The file is a SQLite database of something else (a Telethon session, say).
    #[error("{path} is not a Ferrogram session: {reason}")]
    Foreign {
        /// The file.
        path: String,
        /// What it looks like instead.
        reason: String,
    },
    /// The file was written by a newer Ferrogram with a schema this one cannot read.
    #[error("session file {path} has schema version {found}; this build reads up to {supported}")]
    NewerVersion {
        /// The file.
        path: String,
        /// Its version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A session string (ours or Telethon's) is malformed.
    #[error("invalid session string: {0}")]
    InvalidString(String),
    /// A database URL that cannot be used (unparsable, or without the
    /// account's name).
    #[error("session store {target}: {reason}")]
    InvalidUrl {
        /// The URL, password hidden.
        target: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database server could not be reached, or the connection was lost
    /// and could not be opened again.
    #[error("session store {target} is unreachable: {reason}")]
    Unreachable {
        /// The server and database, password hidden.
        target: String,
        /// What the driver said.
        reason: String,
    },
    /// The database refused the credentials, or the role may not create or
    /// use the session tables.
    #[error("session store {target}: permission denied: {reason}")]
    PermissionDenied {
        /// The server and database, password hidden.
        target: String,
        /// What the server said.
        reason: String,
    },
    /// Another process held the account's lease for the whole wait.
    #[error("session store {target}: account {account} is held by {holder}")]
    LeaseHeld {
        /// The server and database, password hidden.
        target: String,
        /// The account.
        account: String,
        /// Who holds it.
        holder: String,
    },
    /// This process no longer holds the account's lease (taken over, or not
    /// renewed in time): it must stop using the account.
    #[error("session store {target}: the lease on account {account} was lost")]
    LeaseLost {
        /// The server and database, password hidden.
        target: String,
        /// The account.
        account: String,
    },
    /// Any other PostgreSQL failure.
    #[cfg(feature = "postgres")]
    #[error("session store {target}: {source}")]
    Postgres {
        /// The server and database, password hidden.
        target: String,
        /// The driver's error.
        source: postgres::Error,
    },
    /// Any other SQLite failure.
    #[error("session file {path}: {source}")]
    Sqlite {
        /// The file.
        path: String,
        /// The SQLite error.
        source: rusqlite::Error,
    },
}
