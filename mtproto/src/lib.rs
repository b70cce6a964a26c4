//! Sans-IO MTProto 2.0: everything between a TL value and transport frames, for the
//! client and for the server, with no I/O, no clock and no RNG of its own. Time comes
//! in as Unix timestamps and randomness as a [`rand_core::RngCore`], so every step is a
//! deterministic function that tests can check byte for byte (the model is
//! `quinn-proto`).
//!
//! - [`crypto`]: AES-256-IGE ([`crypto::encrypt_ige`]), SHA-1/SHA-256, [`crypto::AuthKey`],
//!   MTProto 2.0's msg_key and KDF for both directions.
//! - [`rsa`]: raw RSA, `RSA_PAD`, the older SHA-1 form, fingerprints, PEM keys, and
//!   Telegram's built-in production and test keys.
//! - [`factorize()`]: `pq` factorization (Pollard-Brent on u64, Montgomery form, three walks in lockstep).
//! - [`check_prime_and_generator`], [`check_range`], [`telegram_dh_prime`]: the DH
//!   checks of the security guidelines (safe prime, generator, ranges).
//! - [`handshake`]: auth-key creation as client and server state machines.
//! - [`plain`]: the unencrypted envelope the handshake travels in.
//! - `testing` (feature `testing`): a seeded RNG for reproducible tests of all of
//!   the above; never for real keys.
//! - [`srp`]: SRP-2048 for 2FA passwords, client proof and server verification.
//! - [`session`]: the encrypted session for both sides (msg_id, seq_no, salts, acks,
//!   containers, gzip, service messages, every incoming check).
//!
//! Each part has its own error type, and [`Error`] is all of them in one
//! `#[non_exhaustive]` enum (with `From` for each), for callers that handle
//! MTProto failures in one place and still match the typed part.
#![deny(unsafe_code)]
#![warn(missing_docs)]
// Everything here handles bytes from the network or a server's numbers:
// arithmetic, narrowing casts and indexing are checked, saturating or allowed
// with a stated reason where they are (fixed-size crypto blocks, bignums).
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

pub mod crypto;
mod dh;
mod factorize;
pub mod handshake;
pub mod plain;
pub mod rsa;
pub mod session;
pub mod srp;
#[cfg(feature = "testing")]
pub mod testing;

pub use crypto::{AuthKey, Direction, IgeLengthError};
pub use dh::{
    DhError, TELEGRAM_DH_PRIME_HEX, check_prime_and_generator, check_range, telegram_dh_prime,
};
pub use factorize::factorize;
pub use handshake::{Created, HandshakeError};
pub use plain::PlainError;
pub use rsa::{RsaError, RsaPrivateKey, RsaPublicKey};
pub use session::SessionError;
pub use srp::SrpError;

/// Any MTProto failure, by part: what a caller matches when it handles this
/// crate's errors in one place. Each variant keeps the part's own typed error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An incoming encrypted packet was refused.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Creating an auth key failed.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// A plain (unencrypted) message was malformed.
    #[error(transparent)]
    Plain(#[from] PlainError),
    /// An RSA key or operation failed.
    #[error(transparent)]
    Rsa(#[from] RsaError),
    /// A DH parameter failed the security checks.
    #[error(transparent)]
    Dh(#[from] DhError),
    /// An SRP (2FA password) step failed.
    #[error(transparent)]
    Srp(#[from] SrpError),
    /// AES-IGE input of a length that is not a multiple of 16.
    #[error(transparent)]
    IgeLength(#[from] IgeLengthError),
}
