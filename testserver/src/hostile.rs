//! What the server sends when a [`Hostile`](crate::faults::Hostile) knob breaks
//! MTProto on purpose: each kind as the frames written before the reply,
//! instead of it, and whether the connection then closes.

use std::sync::Mutex;

use ferrogram_mtproto::session::{ServerSession, Timestamp};
use ferrogram_mtproto::testing::SeededRng;
use ferrogram_tl_types::service::{ContainerMessage, MessageContainer};
use ferrogram_tl_types::{Serializable, enums, types};
use ferrogram_transport::{Protocol, Transport};
use rand_core::RngCore;

use crate::faults::Hostile;
use crate::shared::lock;

/// What to write for one hostile reply.
pub(crate) struct Plan {
    /// Bytes written first (framed already).
    pub before: Vec<u8>,
    /// Whether the real reply is sent after `before`.
    pub send_reply: bool,
    /// Whether the connection closes after `before` (and the reply, if sent).
    pub close: bool,
}

/// A constructor id no TL schema has (checked against ours in the tests).
pub(crate) const UNKNOWN_CONSTRUCTOR: u32 = 0xdead_beef;

/// How deep [`Hostile::DeepNesting`] nests containers (clients accept 4).
const NESTING: usize = 10;

fn ack() -> Vec<u8> {
    enums::MsgsAck::from(types::MsgsAck {
        msg_ids: Vec::new(),
    })
    .to_bytes()
}

fn container(messages: Vec<Vec<u8>>) -> Vec<u8> {
    MessageContainer {
        messages: messages
            .into_iter()
            .map(|body| ContainerMessage {
                msg_id: 0,
                seqno: 0,
                body,
            })
            .collect(),
    }
    .to_bytes()
}

/// The plan for `kind`, given the encrypted `reply` it acts on, the session
/// that encrypted it (for well-encrypted hostile messages) and the last packet
/// this connection sent (for replays).
pub(crate) fn plan(
    kind: Hostile,
    reply: &[u8],
    session: Option<&Mutex<ServerSession>>,
    last_sent: Option<&[u8]>,
    transport: &mut Transport,
    rng: &mut SeededRng,
    now: Timestamp,
) -> Plan {
    let mut out = Vec::new();
    let mut encrypted = |body: Vec<u8>, content_related: bool, out: &mut Vec<u8>| {
        if let Some(s) = session {
            let packet = lock(s).send(body, content_related, now, rng);
            let _ = transport.encode(&packet, &mut SeededRng::new(1), out);
        }
    };
    let (send_reply, close) = match kind {
        Hostile::GarbageFrame => {
            let mut garbage = vec![0u8; 96];
            rng.fill_bytes(&mut garbage);
            let _ = transport.encode(&garbage, &mut SeededRng::new(2), &mut out);
            (false, false)
        }
        Hostile::GarbageStream => {
            // A length no client accepts: 2 GiB - 16 in the 4-byte framings,
            // 64 MiB - 4 in abridged.
            let prefix: &[u8] = match transport.protocol() {
                Protocol::Abridged => &[0x7f, 0xff, 0xff, 0xff],
                _ => &[0xf0, 0xff, 0xff, 0x7f],
            };
            transport.encode_unframed(prefix, &mut out);
            (false, true)
        }
        Hostile::UnknownConstructor => {
            let mut body = UNKNOWN_CONSTRUCTOR.to_le_bytes().to_vec();
            body.extend_from_slice(&[0; 12]);
            encrypted(body, true, &mut out);
            (true, false)
        }
        Hostile::OversizedContainer => {
            let messages = (0..=MessageContainer::MAX_MESSAGES)
                .map(|_| ack())
                .collect();
            encrypted(container(messages), false, &mut out);
            (false, false)
        }
        Hostile::DeepNesting => {
            let mut body = ack();
            for _ in 0..NESTING {
                body = container(vec![body]);
            }
            encrypted(body, false, &mut out);
            (false, false)
        }
        Hostile::WrongMsgKey => {
            let mut bytes = reply.to_vec();
            if let Some(b) = bytes.get_mut(24 + (rng.next_u32() as usize % 16)) {
                *b ^= 0x5a;
            }
            let _ = transport.encode(&bytes, &mut SeededRng::new(3), &mut out);
            (false, false)
        }
        Hostile::Replay => {
            if let Some(old) = last_sent {
                let _ = transport.encode(old, &mut SeededRng::new(4), &mut out);
            }
            (true, false)
        }
        Hostile::Truncated => {
            let mut frame = Vec::new();
            let _ = transport.encode(reply, &mut SeededRng::new(5), &mut frame);
            frame.truncate(frame.len() / 2);
            out = frame;
            (false, true)
        }
    };
    Plan {
        before: out,
        send_reply,
        close,
    }
}
