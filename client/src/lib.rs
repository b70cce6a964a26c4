//! The Ferrogram client runtime: what a user holds to talk to Telegram.
//!
//! [`Client::connect`] opens a connection to the home DC (creating and saving an
//! auth key on first use), and [`Client::invoke`] sends any function of the
//! schema and returns its typed answer. Underneath, one task per DC connection
//! multiplexes any number of concurrent requests (pipelined, packed into
//! containers), keeps the connection alive, reconnects with backoff on I/O errors
//! and resends unanswered requests with their original msg_ids, so a dropped
//! connection neither loses nor repeats a request. FLOOD_WAIT under a threshold
//! is slept through; PHONE/USER/NETWORK_MIGRATE move the home DC.
//!
//! Sign-in: [`Client::sign_in_bot`], [`Client::request_login_code`] +
//! [`Client::sign_in`] + [`Client::check_password`] (SRP, the password never
//! leaves the process), [`Client::get_me`], [`Client::is_authorized`],
//! [`Client::sign_out`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), ferrogram_client::InvocationError> {
//! use ferrogram_client::{Client, Config};
//! let client = Client::connect(Config::new(12345, "0123456789abcdef")).await?;
//! let me = client.sign_in_bot("123:token").await?;
//! println!("signed in as {:?}", me.username);
//! # Ok(()) }
//! ```

mod auth;
mod client;
mod close;
mod entities;
mod error;
mod files;
mod flood;
mod history;
mod migration;
mod pager;
mod saved_peers;
mod sender;
mod socks;
mod updates;

/// Where auth keys and the peer cache are stored (`ferrogram-session`):
/// `ferrogram_client::session::MemorySession`, `SqliteSession`, ...
pub use ferrogram_session as session;
/// Every TL constructor and function of layer 230 (`ferrogram-tl-types`),
/// re-exported so a user depends on this crate alone and the versions stay in
/// step: `ferrogram_client::tl::functions::channels::GetParticipants`.
pub use ferrogram_tl_types as tl;

pub use auth::LoginToken;
pub use client::{Client, Config, DeviceInfo, PRODUCTION_DCS};
pub use entities::{PeerRef, PeerText, input_peer};
pub use error::{ConfigError, InvocationError, RpcError, SignInError};
/// The server key type [`Config::rsa_key`] takes (`RsaPublicKey::from_pem`
/// reads a PKCS#1 or SPKI PEM), re-exported so a user needs no other crate.
pub use ferrogram_mtproto::rsa::RsaPublicKey;
pub use ferrogram_transport::Protocol;
pub use files::{BIG_FILE, DOWNLOAD_CHUNK, largest_photo_size, mime_type, part_size};
pub use history::{HISTORY_CHUNK, MessageIter, MessagesPage, message_id};
pub use pager::{Listing, Pager};
pub use sender::Framing;
pub use socks::Socks5Proxy;
pub use updates::{UpdateStream, update_identity};
