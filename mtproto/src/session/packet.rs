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
///
/// `env.body` is one the caller produced, far below 4 GiB (the client refuses
/// any request its framing cannot carry, < 2^31 bytes, before it gets here);
/// a longer one would be sent with a saturated length field, which the peer
/// rejects.
pub fn encrypt_message(
    auth_key: &AuthKey,
    direction: Direction,
    env: &Envelope,
    rng: &mut impl RngCore,
) -> Vec<u8> {
    // 12..=27 bytes of padding to reach a multiple of 16, plus 0..=3 random
    // blocks: at most 75 bytes.
    let unpadded = env.body.len().saturating_add(32);
    // (16 - (unpadded + 12) % 16) % 16, as a wrapped negation (2^64 is a
    // multiple of 16).
    let to_block = unpadded.wrapping_add(12).wrapping_neg() % 16;
    let extra_blocks = (rng.next_u32() % 4) as usize;
    // Each term is small (< 16, 12, <= 48): saturation never happens.
    let pad = to_block
        .saturating_add(12)
        .saturating_add(extra_blocks.saturating_mul(16));
    let mut out = Vec::with_capacity(unpadded.saturating_add(pad).saturating_add(24));
    out.extend_from_slice(&auth_key.id());
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&env.salt.to_le_bytes());
    out.extend_from_slice(&env.session_id.to_le_bytes());
    out.extend_from_slice(&env.msg_id.to_le_bytes());
    out.extend_from_slice(&env.seq_no.to_le_bytes());
    let body_len = u32::try_from(env.body.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&body_len.to_le_bytes());
    out.extend_from_slice(&env.body);
    let mut padding = [0u8; 80];
    let padding = padding.get_mut(..pad).unwrap_or_default();
    rng.fill_bytes(padding);
    out.extend_from_slice(padding);
    let (head, plain) = out.split_at_mut(24);
    let key = msg_key(auth_key, direction, plain);
    let (aes_key, aes_iv) = derive_aes_key_iv(auth_key, &key, direction);
    // The length is a multiple of 16 by construction.
    let _ = encrypt_ige(plain, &aes_key, &aes_iv);
    if let Some((_, msg_key_slot)) = head.split_first_chunk_mut::<8>() {
        msg_key_slot.copy_from_slice(&key);
    }
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
    let too_short = || SessionError::PacketLength(packet.len());
    // auth_key_id (8), msg_key (16), then the encrypted part, whose first 32
    // bytes are the header (salt, session_id, msg_id, seq_no, length).
    let (key_id, rest) = packet.split_first_chunk::<8>().ok_or_else(too_short)?;
    let (key, encrypted) = rest.split_first_chunk::<16>().ok_or_else(too_short)?;
    let (header, body) = encrypted.split_first_chunk::<32>().ok_or_else(too_short)?;
    // A transport may leave padding after the packet (padded intermediate); the
    // encrypted part is the largest multiple of 16 that fits, and holds at
    // least the header and one block.
    if encrypted.len() < 48 {
        return Err(too_short());
    }
    let body = body.get(..body.len() & !15).unwrap_or_default();
    if *key_id != auth_key.id() {
        return Err(SessionError::WrongAuthKey {
            got: u64::from_le_bytes(*key_id),
            ours: u64::from_le_bytes(auth_key.id()),
        });
    }
    let (aes_key, aes_iv) = derive_aes_key_iv(auth_key, key, direction);
    let mut header = *header;
    let mut body = body.to_vec();
    let hash = decrypt_packet_body(
        &aes_key,
        &aes_iv,
        msg_key_prefix(auth_key, direction),
        &mut header,
        &mut body,
    )
    .map_err(|_| too_short())?;
    if hash.get(8..24) != Some(key.as_slice()) {
        return Err(SessionError::MsgKeyMismatch);
    }
    let [
        s0,
        s1,
        s2,
        s3,
        s4,
        s5,
        s6,
        s7,
        i0,
        i1,
        i2,
        i3,
        i4,
        i5,
        i6,
        i7,
        m0,
        m1,
        m2,
        m3,
        m4,
        m5,
        m6,
        m7,
        q0,
        q1,
        q2,
        q3,
        l0,
        l1,
        l2,
        l3,
    ] = header;
    let len = i32::from_le_bytes([l0, l1, l2, l3]);
    let len_usize = usize::try_from(len).map_err(|_| SessionError::DataLength(i64::from(len)))?;
    if len_usize % 4 != 0 || len_usize > body.len() {
        return Err(SessionError::DataLength(i64::from(len)));
    }
    let padding = body.len().saturating_sub(len_usize);
    if !PADDING.contains(&padding) {
        return Err(SessionError::Padding(padding));
    }
    body.truncate(len_usize);
    Ok(Envelope {
        salt: i64::from_le_bytes([s0, s1, s2, s3, s4, s5, s6, s7]),
        session_id: i64::from_le_bytes([i0, i1, i2, i3, i4, i5, i6, i7]),
        msg_id: i64::from_le_bytes([m0, m1, m2, m3, m4, m5, m6, m7]),
        seq_no: i32::from_le_bytes([q0, q1, q2, q3]),
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
    // The gzip trailer's last field is the inflated size (mod 2^32): room
    // for it at once saves the growing and probing of an empty vector (a
    // fifth of the time of a page of participants). It comes from the
    // peer: capped by the limit and by deflate's largest ratio (1032:1),
    // and a wrong size only costs the growing again.
    let claimed = data
        .last_chunk::<4>()
        .map_or(0, |b| u64::from(u32::from_le_bytes(*b)));
    let most = u64::try_from(data.len()).map_or(MAX_INFLATED, |n| n.saturating_mul(1032));
    let room = claimed.min(MAX_INFLATED).min(most);
    let mut out = Vec::with_capacity(usize::try_from(room).unwrap_or(0).saturating_add(1));
    flate2::read::GzDecoder::new(data)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|_| SessionError::Gzip)?;
    if u64::try_from(out.len()).map_or(true, |n| n > MAX_INFLATED) {
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
