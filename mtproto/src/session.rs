//! The encrypted session, for both sides: msg_id and seq_no, salts, encryption with
//! every incoming check, containers, gzip, acks, and the service messages.
//!
//! [`encrypt_message`] / [`decrypt_message`] are the packet layer. [`ClientSession`]
//! is the client's state machine: queue requests with [`ClientSession::enqueue`], get
//! packets to send from [`ClientSession::poll_transmit`], feed received packets to
//! [`ClientSession::handle_packet`] and act on the [`Event`]s. [`ServerSession`] is
//! the server's counterpart. Time comes in as [`Timestamp`]; randomness as an RNG.

use crate::crypto::{AuthKey, Direction, decrypt_ige, derive_aes_key_iv, encrypt_ige, msg_key};
use ferrogram_tl_types::service::{
    ContainerMessage, GzipPacked, MessageContainer, RpcError, RpcResult,
};
use ferrogram_tl_types::{
    Deserializable, DeserializeError, Identifiable, Serializable, enums, functions, types,
};
use rand_core::RngCore;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{Read, Write};

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
}

/// One decrypted message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The server salt it carries.
    pub salt: i64,
    /// The session it belongs to.
    pub session_id: i64,
    /// Its msg_id.
    pub msg_id: i64,
    /// Its seq_no (odd when content-related).
    pub seq_no: i32,
    /// The TL body.
    pub body: Vec<u8>,
}

/// Encrypts one message with MTProto 2.0 (random padding of 12..=1024 bytes keeping
/// the total a multiple of 16).
pub fn encrypt_message(
    auth_key: &AuthKey,
    direction: Direction,
    env: &Envelope,
    rng: &mut impl RngCore,
) -> Vec<u8> {
    let mut plain = Vec::with_capacity(32 + env.body.len() + 32);
    plain.extend_from_slice(&env.salt.to_le_bytes());
    plain.extend_from_slice(&env.session_id.to_le_bytes());
    plain.extend_from_slice(&env.msg_id.to_le_bytes());
    plain.extend_from_slice(&env.seq_no.to_le_bytes());
    plain.extend_from_slice(&(env.body.len() as u32).to_le_bytes());
    plain.extend_from_slice(&env.body);
    // 12..=27 bytes of padding to reach a multiple of 16, plus 0..=3 random blocks.
    let mut pad = 12 + (16 - (plain.len() + 12) % 16) % 16;
    pad += 16 * (rng.next_u32() % 4) as usize;
    let at = plain.len();
    plain.resize(at + pad, 0);
    rng.fill_bytes(&mut plain[at..]);
    let key = msg_key(auth_key, direction, &plain);
    let (aes_key, aes_iv) = derive_aes_key_iv(auth_key, &key, direction);
    // The length is a multiple of 16 by construction.
    let _ = encrypt_ige(&mut plain, &aes_key, &aes_iv);
    let mut out = Vec::with_capacity(24 + plain.len());
    out.extend_from_slice(&auth_key.id());
    out.extend_from_slice(&key);
    out.extend_from_slice(&plain);
    out
}

/// Decrypts one message, checking auth_key_id, msg_key, the length field and the
/// padding bounds. Session id, msg_id and duplicates are checked by the sessions.
pub fn decrypt_message(
    auth_key: &AuthKey,
    direction: Direction,
    packet: &[u8],
) -> Result<Envelope, SessionError> {
    // A transport may leave padding after the packet (padded intermediate); the
    // encrypted part is the largest multiple of 16 that fits.
    if packet.len() < 24 + 48 {
        return Err(SessionError::PacketLength(packet.len()));
    }
    let enc_len = (packet.len() - 24) / 16 * 16;
    let mut key_id = [0u8; 8];
    key_id.copy_from_slice(&packet[..8]);
    if key_id != auth_key.id() {
        return Err(SessionError::WrongAuthKey {
            got: u64::from_le_bytes(key_id),
            ours: u64::from_le_bytes(auth_key.id()),
        });
    }
    let mut key = [0u8; 16];
    key.copy_from_slice(&packet[8..24]);
    let (aes_key, aes_iv) = derive_aes_key_iv(auth_key, &key, direction);
    let mut plain = packet[24..24 + enc_len].to_vec();
    decrypt_ige(&mut plain, &aes_key, &aes_iv)
        .map_err(|_| SessionError::PacketLength(packet.len()))?;
    if msg_key(auth_key, direction, &plain) != key {
        return Err(SessionError::MsgKeyMismatch);
    }
    let le64 = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&plain[at..at + 8]);
        i64::from_le_bytes(b)
    };
    let le32 =
        |at: usize| i32::from_le_bytes([plain[at], plain[at + 1], plain[at + 2], plain[at + 3]]);
    let len = le32(28);
    let len_usize = usize::try_from(len).map_err(|_| SessionError::DataLength(i64::from(len)))?;
    if len_usize % 4 != 0 || len_usize > plain.len() - 32 {
        return Err(SessionError::DataLength(i64::from(len)));
    }
    let padding = plain.len() - 32 - len_usize;
    if !PADDING.contains(&padding) {
        return Err(SessionError::Padding(padding));
    }
    Ok(Envelope {
        salt: le64(0),
        session_id: le64(8),
        msg_id: le64(16),
        seq_no: le32(24),
        body: plain[32..32 + len_usize].to_vec(),
    })
}

/// Makes msg_ids: time-based (Unix time in the high 32 bits, corrected by the
/// measured offset), strictly increasing, divisible by 4 for a client and odd for a
/// server.
#[derive(Clone, Debug, Default)]
pub struct MsgIdGenerator {
    last: i64,
    /// Seconds to add to the local clock to get the peer's.
    pub time_offset: i64,
    server: bool,
}

impl MsgIdGenerator {
    /// A generator for a client (`server = false`) or a server.
    pub fn new(server: bool) -> Self {
        Self {
            last: 0,
            time_offset: 0,
            server,
        }
    }

    /// The next msg_id at `now`.
    pub fn next(&mut self, now: Timestamp) -> i64 {
        let secs = now.secs.saturating_add(self.time_offset);
        let frac = ((u64::from(now.nanos) << 32) / 1_000_000_000) as i64;
        let mut id = (secs << 32) | (frac & 0xffff_fffc);
        if self.server {
            id |= 1;
        }
        if id <= self.last {
            id = self.last.wrapping_add(4);
        }
        self.last = id;
        id
    }

    /// Sets the offset from a msg_id the peer made (bad_msg_notification 16/17).
    pub fn correct_from(&mut self, peer_msg_id: i64, now: Timestamp) {
        self.time_offset = (peer_msg_id >> 32).saturating_sub(now.secs);
        // The ids made so far were on the wrong clock; continuing after them would
        // keep the error. Telethon resets the same way.
        self.last = 0;
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Inflates a gzip_packed payload, refusing more than [`MAX_INFLATED`] bytes.
pub fn gunzip(data: &[u8]) -> Result<Vec<u8>, SessionError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|_| SessionError::Gzip)?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(SessionError::Gzip);
    }
    Ok(out)
}

/// Wraps `body` in gzip_packed when it is long and compresses well.
pub fn maybe_compress(body: Vec<u8>) -> Vec<u8> {
    if body.len() < COMPRESSION_THRESHOLD {
        return body;
    }
    let packed = GzipPacked {
        packed_data: gzip(&body),
    }
    .to_bytes();
    if packed.len() < body.len() {
        packed
    } else {
        body
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

/// The caller's handle on a request.
pub type RequestId = u64;

/// What the client learned from a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request was answered: the result's TL bytes (already inflated), or its error.
    Result {
        /// The request.
        request: RequestId,
        /// The answer.
        result: Result<Vec<u8>, RpcError>,
    },
    /// A request will not be answered (bad_msg_notification the session cannot fix).
    Failed {
        /// The request.
        request: RequestId,
        /// The notification's error code.
        code: i32,
    },
    /// Something the server sent unasked: updates, mostly.
    Update(Vec<u8>),
    /// The server made a new session: updates may have been missed since `first_msg_id`.
    NewSession {
        /// The first msg_id the new session covers.
        first_msg_id: i64,
    },
    /// The clock offset was corrected (bad_msg_notification 16 or 17).
    TimeCorrected {
        /// The new offset in seconds.
        offset: i64,
    },
}

/// The last [`REMEMBERED_IDS`] incoming msg_ids, to recognise repeats.
#[derive(Debug, Default)]
struct RecentIds {
    order: VecDeque<i64>,
    set: HashSet<i64>,
}

impl RecentIds {
    /// Remembers `id`; false if it was remembered already.
    fn insert(&mut self, id: i64) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED_IDS {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

#[derive(Clone, Debug)]
struct Sent {
    request: RequestId,
    body: Vec<u8>,
    seqno: i32,
}

/// The client side of an encrypted session.
#[derive(Debug)]
pub struct ClientSession {
    auth_key: AuthKey,
    session_id: i64,
    salt: i64,
    future_salts: Vec<types::FutureSalt>,
    msg_ids: MsgIdGenerator,
    seq: i32,
    pending_acks: Vec<i64>,
    queue: VecDeque<(RequestId, Vec<u8>)>,
    in_flight: HashMap<i64, Sent>,
    containers: HashMap<i64, Vec<i64>>,
    seen: RecentIds,
    next_request: RequestId,
}

impl ClientSession {
    /// A session over `auth_key` with a random session id.
    pub fn new(auth_key: AuthKey, salt: i64, time_offset: i64, rng: &mut impl RngCore) -> Self {
        let mut msg_ids = MsgIdGenerator::new(false);
        msg_ids.time_offset = time_offset;
        Self {
            auth_key,
            session_id: rng.next_u64() as i64,
            salt,
            future_salts: Vec::new(),
            msg_ids,
            seq: 0,
            pending_acks: Vec::new(),
            queue: VecDeque::new(),
            in_flight: HashMap::new(),
            containers: HashMap::new(),
            seen: RecentIds::default(),
            next_request: 1,
        }
    }

    /// The session id.
    pub fn session_id(&self) -> i64 {
        self.session_id
    }

    /// The current server salt.
    pub fn salt(&self) -> i64 {
        self.salt
    }

    /// The clock offset in use, in seconds.
    pub fn time_offset(&self) -> i64 {
        self.msg_ids.time_offset
    }

    /// The auth key.
    pub fn auth_key(&self) -> &AuthKey {
        &self.auth_key
    }

    /// Requests sent and not answered yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Queues a request (a serialized function) and returns its handle.
    pub fn enqueue(&mut self, body: Vec<u8>) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        self.queue.push_back((id, body));
        id
    }

    /// Whether there is anything to send (requests or acks).
    pub fn wants_transmit(&self) -> bool {
        !self.queue.is_empty() || !self.pending_acks.is_empty()
    }

    /// Moves to the future salt valid at `now` once the current one's time has come,
    /// forgets expired ones, and says whether to ask for more: true when fewer than two
    /// salts are known beyond the current one (see [`Self::request_future_salts`]).
    pub fn needs_future_salts(&mut self, now: Timestamp) -> bool {
        let server_now = now.secs + self.msg_ids.time_offset;
        self.future_salts
            .retain(|s| i64::from(s.valid_until) > server_now + 60);
        if let Some(s) = self
            .future_salts
            .iter()
            .filter(|s| i64::from(s.valid_since) <= server_now)
            .max_by_key(|s| s.valid_since)
        {
            self.salt = s.salt;
        }
        self.future_salts
            .iter()
            .filter(|s| i64::from(s.valid_since) > server_now)
            .count()
            < 2
    }

    /// Queues `get_future_salts(64)`; the answer is stored when it arrives (and also
    /// reported as the request's result).
    pub fn request_future_salts(&mut self, _now: Timestamp) -> RequestId {
        self.enqueue(functions::GetFutureSalts { num: 64 }.to_bytes())
    }

    fn next_seq(&mut self, content_related: bool) -> i32 {
        if content_related {
            let s = self.seq * 2 + 1;
            self.seq += 1;
            s
        } else {
            self.seq * 2
        }
    }

    /// Packs queued requests and pending acks into one encrypted packet (a container
    /// when there is more than one message), or None if there is nothing to send.
    pub fn poll_transmit(&mut self, now: Timestamp, rng: &mut impl RngCore) -> Option<Vec<u8>> {
        let mut messages: Vec<ContainerMessage> = Vec::new();
        let mut size = 0usize;
        if !self.pending_acks.is_empty() {
            let ack = enums::MsgsAck::from(types::MsgsAck {
                msg_ids: std::mem::take(&mut self.pending_acks),
            })
            .to_bytes();
            size += ack.len() + 16;
            let msg_id = self.msg_ids.next(now);
            let seqno = self.next_seq(false);
            messages.push(ContainerMessage {
                msg_id,
                seqno,
                body: ack,
            });
        }
        while let Some((request, body)) = self.queue.front() {
            let wire = maybe_compress(body.clone());
            if !messages.is_empty()
                && (messages.len() >= MessageContainer::MAX_MESSAGES
                    || size + wire.len() + 16 > MessageContainer::MAX_SIZE)
            {
                break;
            }
            let (request, body) = (*request, body.clone());
            self.queue.pop_front();
            size += wire.len() + 16;
            let msg_id = self.msg_ids.next(now);
            let seqno = self.next_seq(is_content_related(&body));
            self.in_flight.insert(
                msg_id,
                Sent {
                    request,
                    body,
                    seqno,
                },
            );
            messages.push(ContainerMessage {
                msg_id,
                seqno,
                body: wire,
            });
        }
        if messages.is_empty() {
            return None;
        }
        Some(self.seal(messages, now, rng))
    }

    /// After a reconnect: every request sent and not yet answered, encrypted again
    /// with its original msg_id and seq_no (packed into containers within their
    /// limits), so the server recognises resends and never executes one twice.
    /// Requests whose msg_id has become too old for the server's window (older
    /// than 280 s) are queued again as new messages instead.
    pub fn retransmit_in_flight(&mut self, now: Timestamp, rng: &mut impl RngCore) -> Vec<Vec<u8>> {
        let mut ids: Vec<i64> = self.in_flight.keys().copied().collect();
        ids.sort_unstable();
        let oldest_ok = now
            .secs
            .saturating_add(self.msg_ids.time_offset)
            .saturating_sub(280)
            .saturating_mul(1 << 32);
        let mut packets = Vec::new();
        let mut batch: Vec<ContainerMessage> = Vec::new();
        let mut size = 0usize;
        let mut stale = Vec::new();
        for id in ids {
            if id < oldest_ok {
                stale.push(id);
                continue;
            }
            let (body, seqno) = {
                let sent = &self.in_flight[&id];
                (sent.body.clone(), sent.seqno)
            };
            let wire = maybe_compress(body);
            if !batch.is_empty()
                && (batch.len() >= MessageContainer::MAX_MESSAGES
                    || size + wire.len() + 16 > MessageContainer::MAX_SIZE)
            {
                packets.push(self.seal(std::mem::take(&mut batch), now, rng));
                size = 0;
            }
            size += wire.len() + 16;
            batch.push(ContainerMessage {
                msg_id: id,
                seqno,
                body: wire,
            });
        }
        if !batch.is_empty() {
            packets.push(self.seal(batch, now, rng));
        }
        for id in stale.into_iter().rev() {
            if let Some(sent) = self.in_flight.remove(&id) {
                self.queue.push_front((sent.request, sent.body));
            }
        }
        self.containers.clear();
        packets
    }

    /// Encrypts already-numbered messages: one alone, or several in a container.
    fn seal(
        &mut self,
        mut messages: Vec<ContainerMessage>,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let (msg_id, seq_no, body) = if messages.len() == 1 {
            let m = messages.remove(0);
            (m.msg_id, m.seqno, m.body)
        } else {
            let ids = messages.iter().map(|m| m.msg_id).collect();
            let container = MessageContainer { messages }.to_bytes();
            let msg_id = self.msg_ids.next(now);
            let seq_no = self.next_seq(false);
            self.containers.insert(msg_id, ids);
            (msg_id, seq_no, container)
        };
        let env = Envelope {
            salt: self.salt,
            session_id: self.session_id,
            msg_id,
            seq_no,
            body,
        };
        encrypt_message(&self.auth_key, Direction::ClientToServer, &env, rng)
    }

    /// Forgets every queued and unanswered request (their callers have been told
    /// they failed): nothing of them is sent or resent afterwards.
    pub fn forget_pending(&mut self) {
        self.queue.clear();
        self.in_flight.clear();
        self.containers.clear();
    }

    /// Drops request `request` from the queue if it has not been sent yet (true).
    /// A request already sent stays in flight; its answer still comes as an event,
    /// for the caller to ignore.
    pub fn cancel(&mut self, request: RequestId) -> bool {
        match self.queue.iter().position(|(r, _)| *r == request) {
            Some(i) => {
                self.queue.remove(i);
                true
            }
            None => false,
        }
    }

    /// Puts a sent message (or every message of a sent container) back in the queue.
    fn resend(&mut self, msg_id: i64) {
        let ids = self
            .containers
            .remove(&msg_id)
            .unwrap_or_else(|| vec![msg_id]);
        for id in ids.into_iter().rev() {
            if let Some(sent) = self.in_flight.remove(&id) {
                self.queue.push_front((sent.request, sent.body));
            }
        }
    }

    /// Handles one received packet.
    pub fn handle_packet(
        &mut self,
        packet: &[u8],
        now: Timestamp,
    ) -> Result<Vec<Event>, SessionError> {
        let env = decrypt_message(&self.auth_key, Direction::ServerToClient, packet)?;
        if env.session_id != self.session_id {
            return Err(SessionError::WrongSession {
                got: env.session_id,
                ours: self.session_id,
            });
        }
        let exempt = self.corrects_our_clock(&env.body);
        let mut events = Vec::new();
        if self.check_incoming_id(env.msg_id, now, exempt)? {
            events.push(Event::TimeCorrected {
                offset: self.msg_ids.time_offset,
            });
        }
        self.handle_message(env.msg_id, env.seq_no, &env.body, now, &mut events, 0)?;
        Ok(events)
    }

    /// A bad_msg_notification 16/17 about a message we have in flight is exempt from
    /// the time window: it arrives precisely because our clock is off. (A replayed one
    /// could not name a message in flight now.)
    fn corrects_our_clock(&self, body: &[u8]) -> bool {
        if constructor(body) != types::BadMsgNotification::CONSTRUCTOR_ID {
            return false;
        }
        match enums::BadMsgNotification::from_bytes(body) {
            Ok(enums::BadMsgNotification::BadMsgNotification(b)) => {
                matches!(b.error_code, 16 | 17)
                    && (self.in_flight.contains_key(&b.bad_msg_id)
                        || self.containers.contains_key(&b.bad_msg_id))
            }
            _ => false,
        }
    }

    fn check_incoming_id(
        &mut self,
        msg_id: i64,
        now: Timestamp,
        exempt_from_time: bool,
    ) -> Result<bool, SessionError> {
        if msg_id & 1 == 0 {
            return Err(SessionError::MsgIdParity(msg_id));
        }
        let skew = (msg_id >> 32).saturating_sub(now.secs.saturating_add(self.msg_ids.time_offset));
        // An authentic message from the server's future: our clock fell behind
        // (a suspended machine, a corrected clock, a server clock moved on). A
        // replay cannot come from the future, so the offset is corrected, as
        // bad_msg_notification 16/17 would, and the message taken (true);
        // messages from too far in the past are still refused.
        let corrected = !exempt_from_time && skew > MSG_ID_FUTURE;
        if corrected {
            self.msg_ids.correct_from(msg_id, now);
        } else if !exempt_from_time && skew < -MSG_ID_PAST {
            return Err(SessionError::MsgIdTime { msg_id, skew });
        }
        if !self.seen.insert(msg_id) {
            return Err(SessionError::Duplicate(msg_id));
        }
        Ok(corrected)
    }

    fn handle_message(
        &mut self,
        msg_id: i64,
        seq_no: i32,
        body: &[u8],
        now: Timestamp,
        events: &mut Vec<Event>,
        depth: u32,
    ) -> Result<(), SessionError> {
        if depth > MAX_NESTING {
            return Err(SessionError::TooDeep);
        }
        if seq_no & 1 == 1 {
            self.pending_acks.push(msg_id);
        }
        match constructor(body) {
            MessageContainer::CONSTRUCTOR_ID => {
                let c = MessageContainer::from_bytes(body)?;
                for m in c.messages {
                    self.handle_message(m.msg_id, m.seqno, &m.body, now, events, depth + 1)?;
                }
            }
            GzipPacked::CONSTRUCTOR_ID => {
                let g = GzipPacked::from_bytes(body)?;
                let inner = gunzip(&g.packed_data)?;
                // The seq_no was acknowledged above already.
                self.handle_message(msg_id, seq_no & !1, &inner, now, events, depth + 1)?;
            }
            RpcResult::CONSTRUCTOR_ID => {
                let r = RpcResult::from_bytes(body)?;
                let mut result = r.result;
                if constructor(&result) == GzipPacked::CONSTRUCTOR_ID {
                    result = gunzip(&GzipPacked::from_bytes(&result)?.packed_data)?;
                }
                if let Some(sent) = self.in_flight.remove(&r.req_msg_id) {
                    let result = if constructor(&result) == RpcError::CONSTRUCTOR_ID {
                        Err(RpcError::from_bytes(&result)?)
                    } else {
                        Ok(result)
                    };
                    events.push(Event::Result {
                        request: sent.request,
                        result,
                    });
                }
                self.containers
                    .retain(|_, ids| ids.iter().any(|id| self.in_flight.contains_key(id)));
            }
            types::BadServerSalt::CONSTRUCTOR_ID => {
                let enums::BadMsgNotification::BadServerSalt(b) =
                    enums::BadMsgNotification::from_bytes(body)?
                else {
                    return Ok(());
                };
                self.salt = b.new_server_salt;
                self.resend(b.bad_msg_id);
            }
            types::BadMsgNotification::CONSTRUCTOR_ID => {
                let enums::BadMsgNotification::BadMsgNotification(b) =
                    enums::BadMsgNotification::from_bytes(body)?
                else {
                    return Ok(());
                };
                match b.error_code {
                    16 | 17 => {
                        self.msg_ids.correct_from(msg_id, now);
                        events.push(Event::TimeCorrected {
                            offset: self.msg_ids.time_offset,
                        });
                        self.resend(b.bad_msg_id);
                    }
                    32 => {
                        self.seq += 64;
                        self.resend(b.bad_msg_id);
                    }
                    33 => {
                        self.seq = (self.seq - 16).max(0);
                        self.resend(b.bad_msg_id);
                    }
                    // 48: incorrect salt (bad_server_salt carries the fix); 64: invalid
                    // container: send its messages again, one by one if need be.
                    48 | 64 => self.resend(b.bad_msg_id),
                    code => {
                        let ids = self
                            .containers
                            .remove(&b.bad_msg_id)
                            .unwrap_or_else(|| vec![b.bad_msg_id]);
                        for id in ids {
                            if let Some(sent) = self.in_flight.remove(&id) {
                                events.push(Event::Failed {
                                    request: sent.request,
                                    code,
                                });
                            }
                        }
                    }
                }
            }
            types::NewSessionCreated::CONSTRUCTOR_ID => {
                let enums::NewSession::Created(n) = enums::NewSession::from_bytes(body)?;
                self.salt = n.server_salt;
                events.push(Event::NewSession {
                    first_msg_id: n.first_msg_id,
                });
            }
            types::Pong::CONSTRUCTOR_ID => {
                let enums::Pong::Pong(p) = enums::Pong::from_bytes(body)?;
                if let Some(sent) = self.in_flight.remove(&p.msg_id) {
                    events.push(Event::Result {
                        request: sent.request,
                        result: Ok(body.to_vec()),
                    });
                }
            }
            types::FutureSalts::CONSTRUCTOR_ID => {
                let enums::FutureSalts::FutureSalts(f) = enums::FutureSalts::from_bytes(body)?;
                self.future_salts = f.salts.clone();
                if let Some(sent) = self.in_flight.remove(&f.req_msg_id) {
                    events.push(Event::Result {
                        request: sent.request,
                        result: Ok(body.to_vec()),
                    });
                }
            }
            types::MsgsAck::CONSTRUCTOR_ID => {}
            types::MsgDetailedInfo::CONSTRUCTOR_ID | types::MsgNewDetailedInfo::CONSTRUCTOR_ID => {
                let info = enums::MsgDetailedInfo::from_bytes(body)?;
                let answer = match info {
                    enums::MsgDetailedInfo::MsgDetailedInfo(i) => i.answer_msg_id,
                    enums::MsgDetailedInfo::MsgNewDetailedInfo(i) => i.answer_msg_id,
                };
                self.pending_acks.push(answer);
            }
            types::MsgsStateReq::CONSTRUCTOR_ID => {
                let enums::MsgsStateReq::MsgsStateReq(req) = enums::MsgsStateReq::from_bytes(body)?;
                // 1: nothing is known about these messages from our side.
                let info = enums::MsgsStateInfo::from(types::MsgsStateInfo {
                    req_msg_id: msg_id,
                    info: vec![1; req.msg_ids.len()],
                });
                self.queue.push_front((0, info.to_bytes()));
            }
            types::DestroySessionOk::CONSTRUCTOR_ID | types::DestroySessionNone::CONSTRUCTOR_ID => {
                // The answer names the destroyed session, not the request: match the
                // destroy_session we sent for it.
                let destroyed = match enums::DestroySessionRes::from_bytes(body)? {
                    enums::DestroySessionRes::DestroySessionOk(d) => d.session_id,
                    enums::DestroySessionRes::DestroySessionNone(d) => d.session_id,
                };
                let asked = self.in_flight.iter().find_map(|(id, sent)| {
                    functions::DestroySession::from_bytes(&sent.body)
                        .ok()
                        .filter(|d| d.session_id == destroyed)
                        .map(|_| *id)
                });
                match asked.and_then(|id| self.in_flight.remove(&id)) {
                    Some(sent) => events.push(Event::Result {
                        request: sent.request,
                        result: Ok(body.to_vec()),
                    }),
                    None => events.push(Event::Update(body.to_vec())),
                }
            }
            _ => events.push(Event::Update(body.to_vec())),
        }
        Ok(())
    }

    /// Serialized `ping_delay_disconnect` for keep-alive.
    pub fn ping_delay_disconnect(ping_id: i64, disconnect_delay: i32) -> Vec<u8> {
        functions::PingDelayDisconnect {
            ping_id,
            disconnect_delay,
        }
        .to_bytes()
    }
}

/// A request the server received, unpacked from containers and gzip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingRequest {
    /// Its msg_id (what `rpc_result` answers).
    pub msg_id: i64,
    /// Its seq_no.
    pub seq_no: i32,
    /// The TL body.
    pub body: Vec<u8>,
    /// Seen before in this session (a resend): answer from the cache, do not execute.
    pub duplicate: bool,
}

/// What a server makes of a client packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerIncoming {
    /// Requests to execute (acks already noted).
    Requests(Vec<IncomingRequest>),
    /// The packet cannot be accepted; send these service messages back instead
    /// (bad_server_salt or bad_msg_notification), already encrypted.
    Rejected(Vec<u8>),
}

/// The server side of an encrypted session.
#[derive(Debug)]
pub struct ServerSession {
    auth_key: AuthKey,
    session_id: Option<i64>,
    msg_ids: MsgIdGenerator,
    seq: i32,
    seen: RecentIds,
    pending_acks: Vec<i64>,
    /// Whether new_session_created has been sent.
    announced: bool,
}

impl ServerSession {
    /// A server session for a client holding `auth_key`.
    pub fn new(auth_key: AuthKey) -> Self {
        Self {
            auth_key,
            session_id: None,
            msg_ids: MsgIdGenerator::new(true),
            seq: 0,
            seen: RecentIds::default(),
            pending_acks: Vec::new(),
            announced: false,
        }
    }

    /// The client's session id, once known.
    pub fn session_id(&self) -> Option<i64> {
        self.session_id
    }

    fn next_seq(&mut self, content_related: bool) -> i32 {
        if content_related {
            let s = self.seq * 2 + 1;
            self.seq += 1;
            s
        } else {
            self.seq * 2
        }
    }

    /// Encrypts `body` for the client as one message.
    pub fn send(
        &mut self,
        body: Vec<u8>,
        content_related: bool,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let msg_id = self.msg_ids.next(now);
        let seq_no = self.next_seq(content_related);
        let env = Envelope {
            salt: 0,
            session_id: self.session_id.unwrap_or(0),
            msg_id,
            seq_no,
            body,
        };
        encrypt_message(&self.auth_key, Direction::ServerToClient, &env, rng)
    }

    /// The `rpc_result` answering `req_msg_id` (compressed when that helps).
    pub fn rpc_result(
        &mut self,
        req_msg_id: i64,
        result: Vec<u8>,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let body = RpcResult {
            req_msg_id,
            result: maybe_compress(result),
        }
        .to_bytes();
        self.send(body, true, now, rng)
    }

    /// The `rpc_error` answering `req_msg_id`.
    pub fn rpc_error(
        &mut self,
        req_msg_id: i64,
        code: i32,
        message: &str,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let err = RpcError::new(code, message).to_bytes();
        self.rpc_result(req_msg_id, err, now, rng)
    }

    /// Acknowledgements of everything content-related received so far, if any.
    pub fn take_acks(&mut self, now: Timestamp, rng: &mut impl RngCore) -> Option<Vec<u8>> {
        if self.pending_acks.is_empty() {
            return None;
        }
        let ack = enums::MsgsAck::from(types::MsgsAck {
            msg_ids: std::mem::take(&mut self.pending_acks),
        })
        .to_bytes();
        Some(self.send(ack, false, now, rng))
    }

    fn bad_msg(
        &mut self,
        bad: &Envelope,
        code: i32,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let body = enums::BadMsgNotification::from(types::BadMsgNotification {
            bad_msg_id: bad.msg_id,
            bad_msg_seqno: bad.seq_no,
            error_code: code,
        })
        .to_bytes();
        self.send(body, false, now, rng)
    }

    /// Decrypts and checks a client packet. `valid_salts` are the salts the server
    /// accepts now; `current_salt` is what bad_server_salt tells the client to use.
    pub fn handle_packet(
        &mut self,
        packet: &[u8],
        valid_salts: &[i64],
        current_salt: i64,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Result<ServerIncoming, SessionError> {
        let env = decrypt_message(&self.auth_key, Direction::ClientToServer, packet)?;
        match self.session_id {
            Some(id) if id == env.session_id => {}
            _ => {
                self.session_id = Some(env.session_id);
                self.announced = false;
            }
        }
        if env.msg_id % 4 != 0 {
            return Ok(ServerIncoming::Rejected(self.bad_msg(&env, 18, now, rng)));
        }
        let skew = (env.msg_id >> 32).saturating_sub(now.secs);
        if skew < -MSG_ID_PAST {
            return Ok(ServerIncoming::Rejected(self.bad_msg(&env, 16, now, rng)));
        }
        if skew > MSG_ID_FUTURE {
            return Ok(ServerIncoming::Rejected(self.bad_msg(&env, 17, now, rng)));
        }
        if !valid_salts.contains(&env.salt) {
            let body = enums::BadMsgNotification::from(types::BadServerSalt {
                bad_msg_id: env.msg_id,
                bad_msg_seqno: env.seq_no,
                error_code: 48,
                new_server_salt: current_salt,
            })
            .to_bytes();
            return Ok(ServerIncoming::Rejected(self.send(body, false, now, rng)));
        }
        let mut requests = Vec::new();
        self.unpack(env.msg_id, env.seq_no, env.body, &mut requests, 0)?;
        Ok(ServerIncoming::Requests(requests))
    }

    /// Whether new_session_created must be sent before anything else, and marks it sent.
    pub fn take_new_session(
        &mut self,
        first_msg_id: i64,
        server_salt: i64,
        unique_id: i64,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Option<Vec<u8>> {
        if self.announced {
            return None;
        }
        self.announced = true;
        let body = enums::NewSession::from(types::NewSessionCreated {
            first_msg_id,
            unique_id,
            server_salt,
        })
        .to_bytes();
        Some(self.send(body, true, now, rng))
    }

    fn unpack(
        &mut self,
        msg_id: i64,
        seq_no: i32,
        body: Vec<u8>,
        out: &mut Vec<IncomingRequest>,
        depth: u32,
    ) -> Result<(), SessionError> {
        if depth > MAX_NESTING {
            return Err(SessionError::TooDeep);
        }
        if seq_no & 1 == 1 {
            self.pending_acks.push(msg_id);
        }
        match constructor(&body) {
            MessageContainer::CONSTRUCTOR_ID => {
                for m in MessageContainer::from_bytes(&body)?.messages {
                    self.unpack(m.msg_id, m.seqno, m.body, out, depth + 1)?;
                }
            }
            GzipPacked::CONSTRUCTOR_ID => {
                let inner = gunzip(&GzipPacked::from_bytes(&body)?.packed_data)?;
                self.unpack(msg_id, seq_no & !1, inner, out, depth + 1)?;
            }
            types::MsgsAck::CONSTRUCTOR_ID => {}
            _ => {
                let duplicate = !self.seen.insert(msg_id);
                out.push(IncomingRequest {
                    msg_id,
                    seq_no,
                    body,
                    duplicate,
                });
            }
        }
        Ok(())
    }
}
