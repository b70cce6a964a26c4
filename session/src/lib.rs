//! What a Telegram client keeps across restarts.
//!
//! A session holds the home DC, the DC options learned from `help.getConfig`, one
//! auth key per DC, the peer cache (id, kind, access hash, username, phone, name,
//! `min` flag) and the update state (pts, qts, date, seq and per-channel pts).
//! [`Session`] is the storage trait the client uses; three implementations come
//! with it:
//!
//! - [`SqliteSession`] (the default): one SQLite file created with 0600
//!   permissions, WAL journal, versioned schema with migrations, held exclusively
//!   while open. A corrupt, locked, foreign or newer-version file is a clear
//!   [`SessionError`]; nothing is overwritten silently.
//! - `PostgresSession` (feature `postgres`): many accounts in one PostgreSQL
//!   schema, shared by every process of an account (the peer cache
//!   included), selected by a `postgres://…?account=NAME` URL.
//! - [`MemorySession`]: nothing persists.
//! - the string form ([`SessionData::to_session_string`] /
//!   [`SessionData::from_session_string`]): one URL-safe string with the home DC,
//!   DC options and auth keys, for containers and CI secrets.
//!
//! [`telethon`] imports Telethon's SQLite `.session` files and `StringSession`
//! strings, so a Telethon user moves over without logging in again.
//!
//! The crate does no networking and knows nothing of MTProto beyond the 256-byte
//! auth key; `Debug` output never shows a key.
//!
//! Everything here reads files and strings someone else may have written, so
//! arithmetic, narrowing casts and indexing are linted (checked, saturating or
//! allowed with a stated reason); tests are exempt.
#![warn(
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::indexing_slicing
    )
)]

mod data;
mod error;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;
mod string;
pub mod telethon;

/// The PostgreSQL driver's transaction and error, as
/// [`PostgresSession::handle_update`] hands and takes them.
#[cfg(feature = "postgres")]
pub use ::postgres::{Error as PostgresError, Transaction as PostgresTransaction};
pub use data::{
    AuthKeyBytes, CHANNEL_MARK, DcOption, PeerInfo, PeerKind, SessionData, UpdateState, marked_id,
};
pub use error::SessionError;
pub use memory::MemorySession;
#[cfg(feature = "postgres")]
#[doc(hidden)]
pub use postgres::test_database;
#[cfg(feature = "postgres")]
pub use postgres::{LeaseOptions, PostgresSession};

/// `url` with any password replaced by `***` (URL or `key=value` form), for
/// messages about a database store.
#[cfg(feature = "postgres")]
pub fn redact_url(url: &str) -> String {
    postgres::redact(url)
}

/// Splits `postgres://…?account=NAME` into the connection URL without the
/// `account` parameter and the account's name (None without one).
#[cfg(feature = "postgres")]
pub fn split_account_url(url: &str) -> Option<(String, String)> {
    postgres::split_account(url)
}

/// Splits parameter `name` (`?name=VALUE` or `&name=VALUE`) off a database
/// URL: the URL without it, and its value (None when absent or empty).
#[cfg(feature = "postgres")]
pub fn split_url_param(url: &str, name: &str) -> Option<(String, String)> {
    postgres::split_param(url, name)
}
pub use sqlite::SqliteSession;

/// Session storage, as the client uses it. Reads come from memory; writes go
/// through to the backing store before returning.
pub trait Session: Send + Sync + std::fmt::Debug {
    /// Everything stored, as one value.
    fn snapshot(&self) -> SessionData;

    /// The DC the account lives on, once known.
    fn home_dc(&self) -> Option<i32> {
        self.snapshot().home_dc
    }

    /// Records the home DC.
    fn set_home_dc(&self, dc: i32) -> Result<(), SessionError>;

    /// The DC options, as last saved.
    fn dc_options(&self) -> Vec<DcOption> {
        self.snapshot().dc_options
    }

    /// Replaces the DC options.
    fn set_dc_options(&self, options: &[DcOption]) -> Result<(), SessionError>;

    /// The auth key for `dc`, if one was made.
    fn auth_key(&self, dc: i32) -> Option<AuthKeyBytes>;

    /// Stores (or, with `None`, forgets) the auth key for `dc`.
    fn set_auth_key(&self, dc: i32, key: Option<&AuthKeyBytes>) -> Result<(), SessionError>;

    /// A cached peer by marked id (users positive, basic groups negative, channels
    /// `-100…`; see [`PeerInfo::marked_id`]).
    fn peer(&self, marked_id: i64) -> Option<PeerInfo>;

    /// A cached peer by username (case-insensitive, without `@`).
    fn peer_by_username(&self, username: &str) -> Option<PeerInfo>;

    /// A cached user by phone number (digits only compared).
    fn peer_by_phone(&self, phone: &str) -> Option<PeerInfo>;

    /// Adds or updates peers. A `min` peer never replaces the access hash of a
    /// full one (see [`PeerInfo::merge`]).
    fn save_peers(&self, peers: &[PeerInfo]) -> Result<(), SessionError>;

    /// The update state.
    fn update_state(&self) -> UpdateState {
        self.snapshot().update_state
    }

    /// Replaces the update state (common and per-channel).
    fn set_update_state(&self, state: &UpdateState) -> Result<(), SessionError>;

    /// Whether this process may use the account now: always, but for a
    /// store shared by several processes, where only the holder of the
    /// account's lease may (`PostgresSession::connect_leased`). The client
    /// asks before every request.
    fn check_lease(&self) -> Result<(), SessionError> {
        Ok(())
    }

    /// The client is done with the store (`Client::close`, its connections
    /// closed already). A store shared by several processes gives up the
    /// account's lease here, so the next holder takes it at once instead of
    /// waiting for it to expire; the others have nothing to do.
    fn close(&self) -> Result<(), SessionError> {
        Ok(())
    }
}
