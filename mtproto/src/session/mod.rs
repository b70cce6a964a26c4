//! The encrypted session, for both sides: msg_id and seq_no, salts, encryption with
//! every incoming check, containers, gzip, acks, and the service messages.
//!
//! [`encrypt_message`] / [`decrypt_message`] are the packet layer. [`ClientSession`]
//! is the client's state machine: queue requests with [`ClientSession::enqueue`], get
//! packets to send from [`ClientSession::poll_transmit`], feed received packets to
//! [`ClientSession::handle_packet`] and act on the [`Event`]s. [`ServerSession`] is
//! the server's counterpart. Time comes in as [`Timestamp`]; randomness as an RNG.

mod client;
mod msg_id;
mod packet;
mod server;

pub use client::{ClientSession, Event, RequestId};
pub use msg_id::MsgIdGenerator;
pub use packet::{
    Envelope, client_packets_decrypted, decrypt_message, encrypt_message, gunzip, maybe_compress,
};
pub use server::{Incoming, IncomingRequest, ServerSession, ServerState};

use ferrogram_tl_types::service::MessageContainer;
use ferrogram_tl_types::{DeserializeError, Identifiable, types};

/// A point in time as the caller's clock sees it (Unix seconds and nanoseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl Timestamp {
    /// A whole-second timestamp.
    pub fn from_secs(secs: i64) -> Self {
        Self { secs, nanos: 0 }
    }
}

/// Smallest and largest padding MTProto 2.0 allows.
pub const PADDING: std::ops::RangeInclusive<usize> = 12..=1024;
/// Bodies at least this long are sent gzip-packed when that makes them smaller.
pub const COMPRESSION_THRESHOLD: usize = 512;
/// How far in the past (seconds) an incoming msg_id may be.
pub const MSG_ID_PAST: i64 = 300;
/// How far in the future (seconds) an incoming msg_id may be.
pub const MSG_ID_FUTURE: i64 = 30;
/// How many recent incoming msg_ids are remembered to drop duplicates.
pub const REMEMBERED_IDS: usize = 2048;
/// Largest inflated size accepted from a gzip_packed (bounds zip bombs).
pub const MAX_INFLATED: u64 = 16 << 20;
/// How deeply containers and gzip_packed may nest in one packet. Telegram nests two
/// levels at most (a container holding gzip_packed); more is hostile, and without a
/// bound each level of gzip could hold another 16 MiB.
pub const MAX_NESTING: u32 = 4;

/// Why an incoming packet was refused. The session stays usable: the caller drops
/// that packet (and, for a server, may close the connection).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The packet is too short, or its encrypted part not a multiple of 16.
    #[error("encrypted packet of {0} bytes has an invalid length")]
    PacketLength(usize),
    /// The packet is for another auth key.
    #[error("auth_key_id {got:#018x} is not ours ({ours:#018x})")]
    WrongAuthKey {
        /// Received.
        got: u64,
        /// Ours.
        ours: u64,
    },
    /// The msg_key does not match the decrypted content: tampering or a wrong key.
    #[error("msg_key mismatch")]
    MsgKeyMismatch,
    /// The inner length field is impossible.
    #[error("message_data_length {0} is invalid")]
    DataLength(i64),
    /// Padding outside 12..=1024 bytes.
    #[error("padding of {0} bytes is outside 12..=1024")]
    Padding(usize),
    /// Another session's message.
    #[error("session_id {got:#x} is not ours ({ours:#x})")]
    WrongSession {
        /// Received.
        got: i64,
        /// Ours.
        ours: i64,
    },
    /// A msg_id of the wrong parity for its sender.
    #[error("msg_id {0:#x} has the wrong parity")]
    MsgIdParity(i64),
    /// A msg_id too far in the past or future.
    #[error("msg_id {msg_id:#x} is {skew} s away from now")]
    MsgIdTime {
        /// The id.
        msg_id: i64,
        /// Its time minus now, in seconds.
        skew: i64,
    },
    /// A msg_id seen already.
    #[error("duplicate msg_id {0:#x}")]
    Duplicate(i64),
    /// The body is not valid TL.
    #[error("invalid message body: {0}")]
    Decode(#[from] DeserializeError),
    /// A gzip_packed that does not inflate (or inflates beyond [`MAX_INFLATED`]).
    #[error("invalid gzip_packed")]
    Gzip,
    /// Containers and gzip_packed nested deeper than [`MAX_NESTING`].
    #[error("containers or gzip_packed nested deeper than {MAX_NESTING}")]
    TooDeep,
    /// A msg_container with more messages than the protocol allows
    /// (`MessageContainer::MAX_MESSAGES`, 1020).
    #[error("msg_container of {0} messages (at most 1020)")]
    ContainerTooLarge(usize),
}

impl SessionError {
    /// Whether the packet is one the session has already seen or one too old to
    /// matter (a network duplicate or a replay): safe to drop and carry on. Any
    /// other error means the stream cannot be trusted, and a client reconnects.
    pub fn is_replay(&self) -> bool {
        matches!(self, Self::Duplicate(_) | Self::MsgIdTime { .. })
    }
}

fn constructor(body: &[u8]) -> u32 {
    match body {
        [a, b, c, d, ..] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}

/// Acks and containers are the messages that are not content-related (even seq_no,
/// never acknowledged); everything else, pings included, is.
fn is_content_related(body: &[u8]) -> bool {
    !matches!(
        constructor(body),
        types::MsgsAck::CONSTRUCTOR_ID | MessageContainer::CONSTRUCTOR_ID
    )
}
