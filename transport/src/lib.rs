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
//! [`rand_core::RngCore`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

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
    /// words in 3 bytes; the others count bytes in 4 (with room for the
    /// padding or the sequence number and CRC).
    pub fn max_packet(self) -> usize {
        match self {
            Protocol::Abridged => ((1usize << 24) - 1) * 4,
            Protocol::Intermediate => u32::MAX as usize & !3,
            Protocol::PaddedIntermediate => (u32::MAX as usize - 15) & !3,
            Protocol::Full => (u32::MAX as usize - 12) & !3,
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

fn ctr(key: &[u8], iv: &[u8]) -> Ctr {
    let mut k = [0u8; 32];
    k.copy_from_slice(&key[..32]);
    let mut i = [0u8; 16];
    i.copy_from_slice(&iv[..16]);
    Ctr::new(&k.into(), &i.into())
}

fn mix_secret(key: &[u8], secret: Option<[u8; 16]>) -> Vec<u8> {
    match secret {
        Some(s) => {
            let mut h = Sha256::new();
            h.update(key);
            h.update(s);
            h.finalize().to_vec()
        }
        None => key.to_vec(),
    }
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
            let first: [u8; 4] = [header[0], header[1], header[2], header[3]];
            if header[0] != 0xef && !FORBIDDEN_STARTS.contains(&first) && header[4..8] != [0; 4] {
                break;
            }
        }
        header[56..60].copy_from_slice(&tag);
        if let Some(dc) = ob.dc_id {
            header[60..62].copy_from_slice(&dc.to_le_bytes());
        }
        let reversed: Vec<u8> = header[8..56].iter().rev().copied().collect();
        let mut encrypt = ctr(&mix_secret(&header[8..40], ob.secret), &header[40..56]);
        let decrypt = ctr(&mix_secret(&reversed[..32], ob.secret), &reversed[32..48]);
        let mut encrypted = header;
        encrypt.apply_keystream(&mut encrypted);
        let mut init = header.to_vec();
        init[56..].copy_from_slice(&encrypted[56..]);
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
        if packet.len() > max {
            return Err(TransportError::TooLong {
                len: packet.len(),
                max,
            });
        }
        let start = out.len();
        match self.protocol {
            Protocol::Abridged => {
                let words = packet.len() / 4;
                if words < 0x7f {
                    out.push(words as u8);
                } else {
                    out.extend_from_slice(&[
                        0x7f,
                        words as u8,
                        (words >> 8) as u8,
                        (words >> 16) as u8,
                    ]);
                }
                out.extend_from_slice(packet);
            }
            Protocol::Intermediate => {
                out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
                out.extend_from_slice(packet);
            }
            Protocol::PaddedIntermediate => {
                let pad = (rng.next_u32() % 16) as usize;
                out.extend_from_slice(&((packet.len() + pad) as u32).to_le_bytes());
                out.extend_from_slice(packet);
                let at = out.len();
                out.resize(at + pad, 0);
                rng.fill_bytes(&mut out[at..]);
            }
            Protocol::Full => {
                let len = packet.len() + 12;
                out.extend_from_slice(&(len as u32).to_le_bytes());
                out.extend_from_slice(&self.seq_out.to_le_bytes());
                out.extend_from_slice(packet);
                let crc = crc32fast::hash(&out[start..]);
                out.extend_from_slice(&crc.to_le_bytes());
                self.seq_out = self.seq_out.wrapping_add(1);
            }
        }
        if let Some(ob) = &mut self.obfuscation {
            ob.encrypt.apply_keystream(&mut out[start..]);
        }
        Ok(())
    }

    /// Appends a quick-ack token (server side; abridged and intermediate forms).
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut Vec<u8>) {
        let start = out.len();
        let word = token | 0x8000_0000;
        match self.protocol {
            Protocol::Abridged => out.extend_from_slice(&word.to_be_bytes()),
            _ => out.extend_from_slice(&word.to_le_bytes()),
        }
        if let Some(ob) = &mut self.obfuscation {
            ob.encrypt.apply_keystream(&mut out[start..]);
        }
    }

    /// Appends a transport status (server side), such as -404. Never padded, so the
    /// peer recognises it by its length.
    pub fn encode_status(&mut self, code: i32, rng: &mut impl RngCore, out: &mut Vec<u8>) {
        if self.protocol == Protocol::PaddedIntermediate {
            let start = out.len();
            out.extend_from_slice(&4u32.to_le_bytes());
            out.extend_from_slice(&code.to_le_bytes());
            if let Some(ob) = &mut self.obfuscation {
                ob.encrypt.apply_keystream(&mut out[start..]);
            }
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
        if let Some(ob) = &mut self.obfuscation {
            ob.decrypt.apply_keystream(&mut self.inbuf[at..]);
        }
    }

    /// Bytes held in the receive buffer (consumed ones not yet dropped included).
    pub fn buffered(&self) -> usize {
        self.inbuf.len()
    }

    /// The next complete frame, if one has arrived.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, TransportError> {
        let buf = &self.inbuf[self.start..];
        let (header, len) = match self.protocol {
            Protocol::Abridged => {
                let Some(&first) = buf.first() else {
                    return Ok(None);
                };
                if first & 0x80 != 0 && !self.is_server {
                    let Some(w) = buf.get(..4) else {
                        return Ok(None);
                    };
                    self.start += 4;
                    let word = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
                    return Ok(Some(Frame::QuickAck(word & 0x7fff_ffff)));
                }
                // From a client, the top bit asks for a quick ack: mask it.
                let first = first & 0x7f;
                if first == 0x7f {
                    let Some(w) = buf.get(1..4) else {
                        return Ok(None);
                    };
                    (
                        4,
                        (usize::from(w[0]) | usize::from(w[1]) << 8 | usize::from(w[2]) << 16) * 4,
                    )
                } else {
                    (1, usize::from(first) * 4)
                }
            }
            Protocol::Intermediate | Protocol::PaddedIntermediate | Protocol::Full => {
                let Some(w) = buf.get(..4) else {
                    return Ok(None);
                };
                let word = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
                if word & 0x8000_0000 != 0 && self.protocol != Protocol::Full && !self.is_server {
                    self.start += 4;
                    return Ok(Some(Frame::QuickAck(word & 0x7fff_ffff)));
                }
                (4, (word & 0x7fff_ffff) as usize)
            }
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
        let total = if self.protocol == Protocol::Full {
            len
        } else {
            header + len
        };
        let Some(frame) = buf.get(..total) else {
            return Ok(None);
        };
        let payload = match self.protocol {
            Protocol::Full => {
                let crc_at = total - 4;
                let expected = u32::from_le_bytes([
                    frame[crc_at],
                    frame[crc_at + 1],
                    frame[crc_at + 2],
                    frame[crc_at + 3],
                ]);
                let actual = crc32fast::hash(&frame[..crc_at]);
                if expected != actual {
                    return Err(TransportError::BadCrc { expected, actual });
                }
                let seq = i32::from_le_bytes([frame[4], frame[5], frame[6], frame[7]]);
                if seq != self.seq_in {
                    return Err(TransportError::BadSequence {
                        got: seq,
                        expected: self.seq_in,
                    });
                }
                self.seq_in = self.seq_in.wrapping_add(1);
                frame[8..crc_at].to_vec()
            }
            // Padded intermediate: the padding stays on the packet, since only the
            // MTProto layer knows the real length (plain messages carry it; encrypted
            // ones are 24 + 16k bytes).
            _ => frame[header..].to_vec(),
        };
        self.start += total;
        if payload.len() == 4 {
            let code = i32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]);
            if code < 0 {
                return Err(TransportError::Status(code));
            }
        }
        Ok(Some(Frame::Packet(payload)))
    }
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
        t.push(&first[skip..]);
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
        _ if first.len() < 64 => Ok(None),
        _ => {
            let header = &first[..64];
            let reversed: Vec<u8> = header[8..56].iter().rev().copied().collect();
            let mut decrypt = ctr(&mix_secret(&header[8..40], secret), &header[40..56]);
            let encrypt = ctr(&mix_secret(&reversed[..32], secret), &reversed[32..48]);
            let mut plain_header = [0u8; 64];
            plain_header.copy_from_slice(header);
            decrypt.apply_keystream(&mut plain_header);
            let tag = [
                plain_header[56],
                plain_header[57],
                plain_header[58],
                plain_header[59],
            ];
            let protocol = Protocol::from_tag(tag).ok_or(TransportError::UnknownProtocol([
                first[0], first[1], first[2], first[3],
            ]))?;
            let dc = i16::from_le_bytes([plain_header[60], plain_header[61]]);
            let mut t = Transport::new(protocol, Some(Obfuscated { encrypt, decrypt }), true);
            t.push(&first[64..]);
            Ok(Some(Detected {
                transport: t,
                dc_id: (dc != 0).then_some(dc),
            }))
        }
    }
}
