//! The packet layer: one message encrypted or decrypted with MTProto 2.0, and
//! gzip_packed bodies.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use ferrogram_tl_types::Serializable;
use ferrogram_tl_types::service::GzipPacked;
use rand_core::RngCore;

use super::{COMPRESSION_THRESHOLD, MAX_INFLATED, PADDING, SessionError};
use crate::crypto::{
    AuthKey, Direction, decrypt_packet_body, derive_aes_key_iv, encrypt_ige, msg_key,
    msg_key_prefix,
};

/// Client packets [`decrypt_message`] has decrypted in this process (whatever
/// the outcome): lets a server's tests prove it decrypts each packet once.
static CLIENT_PACKETS_DECRYPTED: AtomicU64 = AtomicU64::new(0);

/// How many client-to-server packets [`decrypt_message`] has been asked to
/// decrypt in this process so far.
pub fn client_packets_decrypted() -> u64 {
    CLIENT_PACKETS_DECRYPTED.load(Ordering::Relaxed)
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
/// the total a multiple of 16). The packet is built in one buffer: the plaintext is
/// written after the 24 bytes of `auth_key_id` and `msg_key`, hashed, and encrypted
/// where it lies.
pub fn encrypt_message(
    auth_key: &AuthKey,
    direction: Direction,
    env: &Envelope,
    rng: &mut impl RngCore,
) -> Vec<u8> {
    // 12..=27 bytes of padding to reach a multiple of 16, plus 0..=3 random blocks.
    let unpadded = 32 + env.body.len();
    let mut pad = 12 + (16 - (unpadded + 12) % 16) % 16;
    pad += 16 * (rng.next_u32() % 4) as usize;
    let mut out = Vec::with_capacity(24 + unpadded + pad);
    out.extend_from_slice(&auth_key.id());
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&env.salt.to_le_bytes());
    out.extend_from_slice(&env.session_id.to_le_bytes());
    out.extend_from_slice(&env.msg_id.to_le_bytes());
    out.extend_from_slice(&env.seq_no.to_le_bytes());
    out.extend_from_slice(&(env.body.len() as u32).to_le_bytes());
    out.extend_from_slice(&env.body);
    let at = out.len();
    out.resize(at + pad, 0);
    rng.fill_bytes(&mut out[at..]);
    let (head, plain) = out.split_at_mut(24);
    let key = msg_key(auth_key, direction, plain);
    let (aes_key, aes_iv) = derive_aes_key_iv(auth_key, &key, direction);
    // The length is a multiple of 16 by construction.
    let _ = encrypt_ige(plain, &aes_key, &aes_iv);
    head[8..].copy_from_slice(&key);
    out
}

/// Decrypts one message, checking auth_key_id, msg_key, the length field and the
/// padding bounds. Session id, msg_id and duplicates are checked by the sessions.
///
/// The body is decrypted straight into the `Vec` the [`Envelope`] returns, and the
/// msg_key's SHA-256 is computed inside the decryption loop (see
/// [`crypto`](crate::crypto)).
pub fn decrypt_message(
    auth_key: &AuthKey,
    direction: Direction,
    packet: &[u8],
) -> Result<Envelope, SessionError> {
    if direction == Direction::ClientToServer {
        CLIENT_PACKETS_DECRYPTED.fetch_add(1, Ordering::Relaxed);
    }
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
    let mut header = [0u8; 32];
    header.copy_from_slice(&packet[24..56]);
    let mut body = packet[56..24 + enc_len].to_vec();
    let hash = decrypt_packet_body(
        &aes_key,
        &aes_iv,
        msg_key_prefix(auth_key, direction),
        &mut header,
        &mut body,
    )
    .map_err(|_| SessionError::PacketLength(packet.len()))?;
    if hash[8..24] != key {
        return Err(SessionError::MsgKeyMismatch);
    }
    let le64 = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[at..at + 8]);
        i64::from_le_bytes(b)
    };
    let le32 = |at: usize| {
        i32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let len = le32(28);
    let len_usize = usize::try_from(len).map_err(|_| SessionError::DataLength(i64::from(len)))?;
    if len_usize % 4 != 0 || len_usize > body.len() {
        return Err(SessionError::DataLength(i64::from(len)));
    }
    let padding = body.len() - len_usize;
    if !PADDING.contains(&padding) {
        return Err(SessionError::Padding(padding));
    }
    body.truncate(len_usize);
    Ok(Envelope {
        salt: le64(0),
        session_id: le64(8),
        msg_id: le64(16),
        seq_no: le32(24),
        body,
    })
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
