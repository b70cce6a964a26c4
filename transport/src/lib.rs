//! Sans-IO MTProto transports: the framing between MTProto packets and a byte stream.
//!
//! [`Transport`] encodes outgoing packets and incrementally decodes incoming bytes
//! (split at any byte) for each [`Protocol`]: abridged, intermediate, padded
//! intermediate and full (sequence number and CRC32 checked), optionally wrapped in
//! obfuscated2 (AES-256-CTR with a random 64-byte header, for the protocols with a
//! tag). Decoders reject frames over a size limit, report Telegram's 4-byte negative
//! status codes (-404, -429, ...) as [`TransportError::Status`], and pass quick-ack
//! words up as [`Frame::QuickAck`].
//!
//! A server does not know the framing in advance: [`detect`] recognises it from the
//! first bytes, as Telegram's servers do.
//!
//! No I/O, no clock; randomness (padding, the obfuscation header) comes in as a
//! [`rand_core::RngCore`]. Every byte decoded here comes from the network, so
//! arithmetic, narrowing casts and indexing are linted: lengths are checked,
//! and the one function that indexes (the 64-byte obfuscation header, at
//! constant offsets) says so.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::indexing_slicing
)]

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};
use rand_core::RngCore;
use sha2::{Digest, Sha256};

type Ctr = ctr::Ctr128BE<Aes256>;

/// Consumed bytes are dropped from the receive buffer once this many have piled up.
const COMPACT_AFTER: usize = 64 << 10;

/// The default largest frame accepted: 4 MiB, well above Telegram's 1 MiB messages.
pub const DEFAULT_MAX_FRAME: usize = 4 << 20;

/// A framing protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// One length byte (in words; 0x7f + 3 bytes when long). Tag `0xef`.
    Abridged,
    /// A 4-byte length. Tag `0xeeeeeeee`.
    Intermediate,
    /// A 4-byte length, then the packet and 0..=15 random bytes. Tag `0xdddddddd`.
    PaddedIntermediate,
    /// A 4-byte length, a sequence number, the packet and a CRC32. No tag; cannot be
    /// obfuscated.
    Full,
}

impl Protocol {
    /// The longest packet this framing can carry: the abridged length counts
    /// words in 3 bytes; the others count bytes in the low 31 bits of 4 (the
    /// top bit marks a quick ack), with room for the padding or for the
    /// sequence number and CRC.
    pub fn max_packet(self) -> usize {
        match self {
            // (2^24 - 1) words.
            Protocol::Abridged => 0x03ff_fffc,
            // 2^31 - 4: a multiple of 4 below the quick-ack bit.
            Protocol::Intermediate => 0x7fff_fffc,
            // With up to 15 bytes of padding, or 12 of sequence number and CRC.
            Protocol::PaddedIntermediate | Protocol::Full => 0x7fff_fff0,
        }
    }

    /// The 4-byte tag in the obfuscation header (and, for abridged, the first byte
    /// of a plain connection).
    pub fn tag(self) -> Option<[u8; 4]> {
        match self {
            Protocol::Abridged => Some([0xef; 4]),
            Protocol::Intermediate => Some([0xee; 4]),
            Protocol::PaddedIntermediate => Some([0xdd; 4]),
            Protocol::Full => None,
        }
    }

    fn from_tag(tag: [u8; 4]) -> Option<Self> {
        match tag {
            [0xef, 0xef, 0xef, 0xef] => Some(Protocol::Abridged),
            [0xee, 0xee, 0xee, 0xee] => Some(Protocol::Intermediate),
            [0xdd, 0xdd, 0xdd, 0xdd] => Some(Protocol::PaddedIntermediate),
            _ => None,
        }
    }
}

/// Obfuscation settings for a client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Obfuscation {
    /// The DC id written in the header (negative for media DCs), if any.
    pub dc_id: Option<i16>,
    /// An MTProxy secret mixed into the keys, if any.
    pub secret: Option<[u8; 16]>,
}

/// What a decoder produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// An MTProto packet.
    Packet(Vec<u8>),
    /// A quick acknowledgement token (top bit cleared).
    QuickAck(u32),
}

/// Why a stream was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The peer sent a 4-byte negative status instead of a packet (-404: auth key not
    /// found, -429: too many connections, -444: invalid DC).
    #[error("transport status {0}")]
    Status(i32),
    /// A frame longer than the limit.
    #[error("frame of {len} bytes exceeds the {max}-byte limit")]
    TooLong {
        /// Its announced length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A length that is not possible for this framing (not a multiple of 4, too short).
    #[error("invalid frame length {0}")]
    BadLength(usize),
    /// Full transport: the CRC32 does not match.
    #[error("CRC32 mismatch: frame says {expected:#010x}, computed {actual:#010x}")]
    BadCrc {
        /// The CRC in the frame.
        expected: u32,
        /// The CRC of the bytes received.
        actual: u32,
    },
    /// Full transport: the sequence number is not the next one.
    #[error("sequence number {got}, expected {expected}")]
    BadSequence {
        /// Received.
        got: i32,
        /// Expected.
        expected: i32,
    },
    /// The first bytes match no known framing (server side).
    #[error("unknown transport: first bytes {0:02x?}")]
    UnknownProtocol([u8; 4]),
    /// Obfuscation over the full transport, which has no tag.
    #[error("the full transport cannot be obfuscated")]
    NotObfuscatable,
}

struct Obfuscated {
    encrypt: Ctr,
    decrypt: Ctr,
}

/// One side of a connection's framing: encoder and incremental decoder.
pub struct Transport {
    protocol: Protocol,
    obfuscation: Option<Obfuscated>,
    seq_out: i32,
    seq_in: i32,
    max_frame: usize,
    inbuf: Vec<u8>,
    /// Decoded bytes before this offset have been consumed.
    start: usize,
    /// The server side answers quick acks differently (never sends them to itself).
    is_server: bool,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("protocol", &self.protocol)
            .field("obfuscated", &self.obfuscation.is_some())
            .finish_non_exhaustive()
    }
}

const FORBIDDEN_STARTS: [[u8; 4]; 7] = [
    *b"HEAD",
    *b"POST",
    *b"GET ",
    *b"OPTI",
    [0x16, 0x03, 0x01, 0x02],
    [0xdd; 4],
    [0xee; 4],
];

fn mix_secret(key: [u8; 32], secret: Option<[u8; 16]>) -> [u8; 32] {
    match secret {
        Some(s) => {
            let mut h = Sha256::new();
            h.update(key);
            h.update(s);
            h.finalize().into()
        }
        None => key,
    }
}

/// The two AES-256-CTR streams an obfuscation header sets up: the sender's
/// (key = bytes 8..40, IV = 40..56, each mixed with the MTProxy secret) and
/// the receiver's (the same 48 bytes reversed), as (client → server, server →
/// client).
#[allow(
    clippy::indexing_slicing,
    reason = "constant offsets inside a [u8; 64]; the compiler checks none is out of range"
)]
fn header_streams(header: &[u8; 64], secret: Option<[u8; 16]>) -> (Ctr, Ctr) {
    let mut middle = [0u8; 48];
    middle.copy_from_slice(&header[8..56]);
    let mut reversed = middle;
    reversed.reverse();
    let stream = |m: &[u8; 48]| {
        let mut key = [0u8; 32];
        key.copy_from_slice(&m[..32]);
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&m[32..]);
        Ctr::new(&mix_secret(key, secret).into(), &iv.into())
    };
    (stream(&middle), stream(&reversed))
}

/// Bytes 56..60 (the protocol tag) and 60..62 (the DC id) of a decrypted
/// obfuscation header.
fn header_tag_and_dc(header: &[u8; 64]) -> ([u8; 4], i16) {
    let [.., t0, t1, t2, t3, d0, d1, _, _] = *header;
    ([t0, t1, t2, t3], i16::from_le_bytes([d0, d1]))
}

impl Transport {
    fn new(protocol: Protocol, obfuscation: Option<Obfuscated>, is_server: bool) -> Self {
        Self {
            protocol,
            obfuscation,
            seq_out: 0,
            seq_in: 0,
            max_frame: DEFAULT_MAX_FRAME,
            inbuf: Vec::new(),
            start: 0,
            is_server,
        }
    }

    /// A client transport and the bytes to send first (the tag, or the obfuscation
    /// header).
    pub fn client(
        protocol: Protocol,
        obfuscation: Option<Obfuscation>,
        rng: &mut impl RngCore,
    ) -> Result<(Self, Vec<u8>), TransportError> {
        let Some(ob) = obfuscation else {
            let init = match protocol {
                Protocol::Abridged => vec![0xef],
                Protocol::Intermediate => vec![0xee; 4],
                Protocol::PaddedIntermediate => vec![0xdd; 4],
                Protocol::Full => Vec::new(),
            };
            return Ok((Self::new(protocol, None, false), init));
        };
        let tag = protocol.tag().ok_or(TransportError::NotObfuscatable)?;
        let mut header = [0u8; 64];
        loop {
            rng.fill_bytes(&mut header);
            let [b0, b1, b2, b3, b4, b5, b6, b7, ..] = header;
            if b0 != 0xef
                && !FORBIDDEN_STARTS.contains(&[b0, b1, b2, b3])
                && [b4, b5, b6, b7] != [0; 4]
            {
                break;
            }
        }
        let dc = ob.dc_id.map_or([0; 2], i16::to_le_bytes);
        // Bytes 56..62: the tag and the DC id; 62..64 stay random.
        for (at, byte) in (56..).zip(tag.into_iter().chain(dc)) {
            if let Some(b) = header.get_mut(at) {
                *b = byte;
            }
        }
        let (mut encrypt, decrypt) = header_streams(&header, ob.secret);
        let mut encrypted = header;
        encrypt.apply_keystream(&mut encrypted);
        // The first 56 bytes go out as they are; the last 8 encrypted.
        let init: Vec<u8> = header
            .iter()
            .take(56)
            .chain(encrypted.iter().skip(56))
            .copied()
            .collect();
        Ok((
            Self::new(protocol, Some(Obfuscated { encrypt, decrypt }), false),
            init,
        ))
    }

    /// The protocol in use.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Whether the stream is obfuscated.
    pub fn is_obfuscated(&self) -> bool {
        self.obfuscation.is_some()
    }

    /// Changes the largest frame accepted.
    pub fn set_max_frame(&mut self, max: usize) {
        self.max_frame = max;
    }

    /// Appends the framing of `packet` to `out`. `packet` must be a multiple of 4
    /// bytes, as MTProto packets are. A packet longer than the framing can
    /// express ([`Protocol::max_packet`]: 64 MiB − 4 for abridged) is refused
    /// with [`TransportError::TooLong`] and nothing is written (it was once
    /// framed with a truncated length).
    pub fn encode(
        &mut self,
        packet: &[u8],
        rng: &mut impl RngCore,
        out: &mut Vec<u8>,
    ) -> Result<(), TransportError> {
        let max = self.protocol.max_packet();
        let too_long = || TransportError::TooLong {
            len: packet.len(),
            max,
        };
        // Every max_packet() is below 2^31, so the length fits a u32.
        let len = u32::try_from(packet.len())
            .ok()
            .filter(|_| packet.len() <= max)
            .ok_or_else(too_long)?;
        let start = out.len();
        match self.protocol {
            Protocol::Abridged => {
                let words = len / 4;
                let [w0, w1, w2, _] = words.to_le_bytes();
                if words < 0x7f {
                    out.push(w0);
                } else {
                    out.extend_from_slice(&[0x7f, w0, w1, w2]);
                }
                out.extend_from_slice(packet);
            }
            Protocol::Intermediate => {
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(packet);
            }
            Protocol::PaddedIntermediate => {
                let pad = rng.next_u32() % 16;
                let mut padding = [0u8; 16];
                let padding = padding.get_mut(..pad as usize).unwrap_or_default();
                rng.fill_bytes(padding);
                let padded = len.checked_add(pad).ok_or_else(too_long)?;
                out.extend_from_slice(&padded.to_le_bytes());
                out.extend_from_slice(packet);
                out.extend_from_slice(padding);
            }
            Protocol::Full => {
                let framed = len.checked_add(12).ok_or_else(too_long)?;
                out.extend_from_slice(&framed.to_le_bytes());
                out.extend_from_slice(&self.seq_out.to_le_bytes());
                out.extend_from_slice(packet);
                let crc = crc32fast::hash(out.get(start..).unwrap_or_default());
                out.extend_from_slice(&crc.to_le_bytes());
                self.seq_out = self.seq_out.wrapping_add(1);
            }
        }
        if let Some(ob) = &mut self.obfuscation
            && let Some(frame) = out.get_mut(start..)
        {
            ob.encrypt.apply_keystream(frame);
        }
        Ok(())
    }

    /// Appends `bytes` with no framing at all (obfuscated if the stream is):
    /// for test servers that break the framing on purpose, to see a peer
    /// refuse it. Nothing else should need it.
    pub fn encode_unframed(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        let mut bytes = bytes.to_vec();
        if let Some(ob) = &mut self.obfuscation {
            ob.encrypt.apply_keystream(&mut bytes);
        }
        out.extend_from_slice(&bytes);
    }

    /// Appends a quick-ack token (server side; abridged and intermediate forms).
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut Vec<u8>) {
        let word = token | 0x8000_0000;
        let mut bytes = match self.protocol {
            Protocol::Abridged => word.to_be_bytes(),
            _ => word.to_le_bytes(),
        };
        if let Some(ob) = &mut self.obfuscation {
            ob.encrypt.apply_keystream(&mut bytes);
        }
        out.extend_from_slice(&bytes);
    }

    /// Appends a transport status (server side), such as -404. Never padded, so the
    /// peer recognises it by its length.
    pub fn encode_status(&mut self, code: i32, rng: &mut impl RngCore, out: &mut Vec<u8>) {
        if self.protocol == Protocol::PaddedIntermediate {
            let [c0, c1, c2, c3] = code.to_le_bytes();
            let mut bytes = [4, 0, 0, 0, c0, c1, c2, c3];
            if let Some(ob) = &mut self.obfuscation {
                ob.encrypt.apply_keystream(&mut bytes);
            }
            out.extend_from_slice(&bytes);
        } else {
            // Four bytes always fit.
            let _ = self.encode(&code.to_le_bytes(), rng, out);
        }
    }

    /// Feeds received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop consumed bytes once they are all consumed or a sizeable prefix is: a
        // stream whose pushes always end mid-frame must not grow the buffer forever.
        if self.start > 0 && (self.start == self.inbuf.len() || self.start >= COMPACT_AFTER) {
            self.inbuf.drain(..self.start);
            self.start = 0;
        }
        let at = self.inbuf.len();
        self.inbuf.extend_from_slice(bytes);
        if let Some(ob) = &mut self.obfuscation
            && let Some(new) = self.inbuf.get_mut(at..)
        {
            ob.decrypt.apply_keystream(new);
        }
    }

    /// Bytes held in the receive buffer (consumed ones not yet dropped included).
    pub fn buffered(&self) -> usize {
        self.inbuf.len()
    }

    /// The next complete frame, if one has arrived.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, TransportError> {
        // `start` never passes the end of `inbuf` (it only moves over bytes
        // that were there), so the fallback is never taken.
        let buf = self.inbuf.get(self.start..).unwrap_or_default();
        let Some((header, len)) = self.frame_header(buf)? else {
            return Ok(None);
        };
        if let FrameHeader::QuickAck(token) = header {
            self.start = self.start.saturating_add(4);
            return Ok(Some(Frame::QuickAck(token)));
        }
        let header_len = match header {
            FrameHeader::Length(n) => n,
            FrameHeader::QuickAck(_) => 4,
        };
        if len > self.max_frame {
            return Err(TransportError::TooLong {
                len,
                max: self.max_frame,
            });
        }
        let valid = match self.protocol {
            Protocol::Abridged | Protocol::Intermediate => len % 4 == 0,
            Protocol::PaddedIntermediate => len >= 4,
            Protocol::Full => len >= 16 && len % 4 == 0,
        };
        if !valid {
            return Err(TransportError::BadLength(len));
        }
        // The full transport's length counts its own header; `len` is at
        // most `max_frame`, so the sum cannot overflow in practice, but it is
        // checked all the same.
        let total = if self.protocol == Protocol::Full {
            Some(len)
        } else {
            header_len.checked_add(len)
        };
        let Some(frame) = total.and_then(|t| buf.get(..t)) else {
            return Ok(None);
        };
        let total = frame.len();
        let payload = match self.protocol {
            Protocol::Full => full_payload(&mut self.seq_in, frame)?,
            // Padded intermediate: the padding stays on the packet, since only the
            // MTProto layer knows the real length (plain messages carry it; encrypted
            // ones are 24 + 16k bytes).
            _ => frame.get(header_len..).unwrap_or_default().to_vec(),
        };
        self.start = self.start.saturating_add(total);
        if let Ok(word) = <[u8; 4]>::try_from(payload.as_slice()) {
            let code = i32::from_le_bytes(word);
            if code < 0 {
                return Err(TransportError::Status(code));
            }
        }
        Ok(Some(Frame::Packet(payload)))
    }

    /// Reads the length prefix at the front of `buf`: `None` until it has
    /// arrived, else what it is and the frame length it announces.
    fn frame_header(&self, buf: &[u8]) -> Result<Option<(FrameHeader, usize)>, TransportError> {
        Ok(Some(match self.protocol {
            Protocol::Abridged => {
                let Some(&first) = buf.first() else {
                    return Ok(None);
                };
                if first & 0x80 != 0 && !self.is_server {
                    let Some(w) = buf.first_chunk::<4>() else {
                        return Ok(None);
                    };
                    let word = u32::from_be_bytes(*w);
                    return Ok(Some((FrameHeader::QuickAck(word & 0x7fff_ffff), 0)));
                }
                // From a client, the top bit asks for a quick ack: mask it.
                let first = first & 0x7f;
                if first == 0x7f {
                    let Some(&[_, w0, w1, w2]) = buf.first_chunk::<4>() else {
                        return Ok(None);
                    };
                    // At most (2^24 - 1) * 4: no overflow.
                    let words = usize::from(w0) | usize::from(w1) << 8 | usize::from(w2) << 16;
                    (FrameHeader::Length(4), words.saturating_mul(4))
                } else {
                    (FrameHeader::Length(1), usize::from(first).saturating_mul(4))
                }
            }
            Protocol::Intermediate | Protocol::PaddedIntermediate | Protocol::Full => {
                let Some(w) = buf.first_chunk::<4>() else {
                    return Ok(None);
                };
                let word = u32::from_le_bytes(*w);
                if word & 0x8000_0000 != 0 && self.protocol != Protocol::Full && !self.is_server {
                    return Ok(Some((FrameHeader::QuickAck(word & 0x7fff_ffff), 0)));
                }
                let len =
                    usize::try_from(word & 0x7fff_ffff).map_err(|_| TransportError::TooLong {
                        len: usize::MAX,
                        max: self.max_frame,
                    })?;
                (FrameHeader::Length(4), len)
            }
        }))
    }
}

/// The packet inside a complete full-transport frame (length, sequence
/// number, packet, CRC32), with the CRC and the sequence number checked.
fn full_payload(seq_in: &mut i32, frame: &[u8]) -> Result<Vec<u8>, TransportError> {
    let bad = || TransportError::BadLength(frame.len());
    let (body, crc) = frame.split_last_chunk::<4>().ok_or_else(bad)?;
    let expected = u32::from_le_bytes(*crc);
    let actual = crc32fast::hash(body);
    if expected != actual {
        return Err(TransportError::BadCrc { expected, actual });
    }
    let (_length, rest) = body.split_first_chunk::<4>().ok_or_else(bad)?;
    let (seq, packet) = rest.split_first_chunk::<4>().ok_or_else(bad)?;
    let seq = i32::from_le_bytes(*seq);
    if seq != *seq_in {
        return Err(TransportError::BadSequence {
            got: seq,
            expected: *seq_in,
        });
    }
    *seq_in = seq_in.wrapping_add(1);
    Ok(packet.to_vec())
}

/// What a frame's first bytes are.
#[derive(Clone, Copy)]
enum FrameHeader {
    /// A length prefix of this many bytes.
    Length(usize),
    /// A 4-byte quick-ack word, with this token.
    QuickAck(u32),
}

/// What [`detect`] found.
pub struct Detected {
    /// The server-side transport, already fed everything after the header.
    pub transport: Transport,
    /// The DC id from an obfuscation header, if one was given.
    pub dc_id: Option<i16>,
}

impl std::fmt::Debug for Detected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detected")
            .field("transport", &self.transport)
            .field("dc_id", &self.dc_id)
            .finish()
    }
}

/// Recognises a client's framing from the first bytes it sent (server side).
/// Returns `Ok(None)` until enough bytes have arrived (at most 64). `secret` is the
/// MTProxy secret to expect in obfuscated headers, if any.
pub fn detect(first: &[u8], secret: Option<[u8; 16]>) -> Result<Option<Detected>, TransportError> {
    let plain = |protocol, skip: usize| {
        let mut t = Transport::new(protocol, None, true);
        t.push(first.get(skip..).unwrap_or_default());
        Ok(Some(Detected {
            transport: t,
            dc_id: None,
        }))
    };
    match first {
        [] => Ok(None),
        [0xef, ..] => plain(Protocol::Abridged, 1),
        [0xee, 0xee, 0xee, 0xee, ..] => plain(Protocol::Intermediate, 4),
        [0xdd, 0xdd, 0xdd, 0xdd, ..] => plain(Protocol::PaddedIntermediate, 4),
        _ if first.len() < 8 => Ok(None),
        // A full-transport packet starts with its length and sequence number 0;
        // an obfuscation header never has zeros there.
        [_, _, _, _, 0, 0, 0, 0, ..] => plain(Protocol::Full, 0),
        _ => {
            let Some((header, rest)) = first.split_first_chunk::<64>() else {
                return Ok(None);
            };
            let (mut decrypt, encrypt) = header_streams(header, secret);
            let mut plain_header = *header;
            decrypt.apply_keystream(&mut plain_header);
            let (tag, dc) = header_tag_and_dc(&plain_header);
            let protocol = Protocol::from_tag(tag).ok_or_else(|| {
                let [b0, b1, b2, b3, ..] = *header;
                TransportError::UnknownProtocol([b0, b1, b2, b3])
            })?;
            let mut t = Transport::new(protocol, Some(Obfuscated { encrypt, decrypt }), true);
            t.push(rest);
            Ok(Some(Detected {
                transport: t,
                dc_id: (dc != 0).then_some(dc),
            }))
        }
    }
}
