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
//! - [`factorize`]: `pq` factorization (Pollard-Brent on u64).
//! - [`dh`]: the DH checks of the security guidelines (safe prime, generator, ranges).
//! - [`handshake`]: auth-key creation as client and server state machines.
//! - [`plain`]: the unencrypted envelope the handshake travels in.
//! - `testing` (feature `testing`): a seeded RNG for reproducible tests of all of
//!   the above; never for real keys.
//! - [`srp`]: SRP-2048 for 2FA passwords, client proof and server verification.
//! - [`session`]: the encrypted session for both sides (msg_id, seq_no, salts, acks,
//!   containers, gzip, service messages, every incoming check).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod crypto;
pub mod dh;
pub mod factorize;
pub mod handshake;
pub mod plain;
pub mod rsa;
pub mod session;
pub mod srp;
#[cfg(feature = "testing")]
pub mod testing;

pub use crypto::{AuthKey, Direction};
pub use handshake::{Created, HandshakeError};
pub use rsa::{RsaPrivateKey, RsaPublicKey};
