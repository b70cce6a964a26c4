//! MTProto's symmetric cryptography: AES-256-IGE, SHA-1/SHA-256, the auth key, and
//! MTProto 2.0's msg_key and key derivation for both directions.
//!
//! AES-256-IGE runs on AES-NI where the CPU has it (detected at run time, x86_64),
//! with the round keys in registers, at the speed of CBC encryption; elsewhere on
//! the [`portable`] path. [`decrypt_packet_body`] decrypts a packet and computes
//! its msg_key hash in one loop.

#[cfg(target_arch = "x86_64")]
mod aesni;
mod ige;
mod sha256_blocks;
#[cfg(target_arch = "x86_64")]
mod shani;

pub use ige::{
    IgeLengthError, decrypt_ige, decrypt_packet_body, encrypt_ige, ige_backend, portable,
};

use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::fmt;

/// SHA-1 of the concatenation of `parts`.
pub fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut h = Sha1::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// A 2048-bit authorization key, with its id and aux hash precomputed.
///
/// Its `Debug` shows only the id: the key itself never reaches logs.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey {
    data: [u8; 256],
    id: [u8; 8],
    aux_hash: [u8; 8],
}

impl AuthKey {
    /// Wraps 256 key bytes (big-endian, as the handshake produces them).
    pub fn from_bytes(data: [u8; 256]) -> Self {
        let hash = sha1(&[&data]);
        let mut id = [0u8; 8];
        id.copy_from_slice(&hash[12..20]);
        let mut aux_hash = [0u8; 8];
        aux_hash.copy_from_slice(&hash[..8]);
        Self { data, id, aux_hash }
    }

    /// The key bytes, for storing in a session.
    pub fn to_bytes(&self) -> [u8; 256] {
        self.data
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; 256] {
        &self.data
    }

    /// `auth_key_id`: the 64 lower-order bits of SHA-1 of the key, as sent on the wire
    /// (little-endian bytes).
    pub fn id(&self) -> [u8; 8] {
        self.id
    }

    /// The id as the `long` TL reads it.
    pub fn id_i64(&self) -> i64 {
        i64::from_le_bytes(self.id)
    }

    /// `auth_key_aux_hash`: the 64 higher-order bits of SHA-1 of the key.
    pub fn aux_hash(&self) -> [u8; 8] {
        self.aux_hash
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthKey")
            .field("id", &format_args!("{:016x}", u64::from_le_bytes(self.id)))
            .finish_non_exhaustive()
    }
}

/// Which way a message goes, which selects MTProto 2.0's `x` (0 or 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Client to server (`x = 0`).
    ClientToServer,
    /// Server to client (`x = 8`).
    ServerToClient,
}

impl Direction {
    fn x(self) -> usize {
        match self {
            Direction::ClientToServer => 0,
            Direction::ServerToClient => 8,
        }
    }
}

/// `msg_key`: the middle 128 bits of SHA-256 of 32 bytes of the key and the padded
/// plaintext.
pub fn msg_key(auth_key: &AuthKey, direction: Direction, padded_plaintext: &[u8]) -> [u8; 16] {
    let large = sha256(&[msg_key_prefix(auth_key, direction), padded_plaintext]);
    let mut out = [0u8; 16];
    out.copy_from_slice(&large[8..24]);
    out
}

/// The 32 bytes of the auth key that `msg_key`'s SHA-256 starts with.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "x is 0 or 8: the range lies inside the 256-byte key"
)]
pub(crate) fn msg_key_prefix(auth_key: &AuthKey, direction: Direction) -> &[u8; 32] {
    let x = direction.x();
    let (prefix, _) = auth_key.data[88 + x..]
        .split_first_chunk::<32>()
        .expect("88 + 8 + 32 <= 256");
    prefix
}

/// MTProto 2.0's KDF: the AES key and IV for a message, from the auth key and msg_key.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "x is 0 or 8: every range lies inside the 256-byte key or the 32-byte hashes"
)]
pub fn derive_aes_key_iv(
    auth_key: &AuthKey,
    msg_key: &[u8; 16],
    direction: Direction,
) -> ([u8; 32], [u8; 32]) {
    let x = direction.x();
    // Both inputs are 52 bytes, one SHA-256 block once padded: built on the
    // stack and hashed side by side (two independent SHA-NI chains).
    let mut in_a = [0u8; 52];
    in_a[..16].copy_from_slice(msg_key);
    in_a[16..].copy_from_slice(&auth_key.data[x..x + 36]);
    let mut in_b = [0u8; 52];
    in_b[..36].copy_from_slice(&auth_key.data[40 + x..76 + x]);
    in_b[36..].copy_from_slice(msg_key);
    let (a, b) = sha256_blocks::sha256_pair(&in_a, &in_b);
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&a[..8]);
    key[8..24].copy_from_slice(&b[8..24]);
    key[24..].copy_from_slice(&a[24..]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&b[..8]);
    iv[8..24].copy_from_slice(&a[8..24]);
    iv[24..].copy_from_slice(&b[24..]);
    (key, iv)
}

/// The temporary AES key and IV of the handshake, from `new_nonce` and `server_nonce`.
pub fn handshake_aes_key_iv(new_nonce: &[u8; 32], server_nonce: &[u8; 16]) -> ([u8; 32], [u8; 32]) {
    let h1 = sha1(&[new_nonce, server_nonce]);
    let h2 = sha1(&[server_nonce, new_nonce]);
    let h3 = sha1(&[new_nonce, new_nonce]);
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(&h1);
    key[20..].copy_from_slice(&h2[..12]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&h2[12..]);
    iv[8..28].copy_from_slice(&h3);
    iv[28..].copy_from_slice(&new_nonce[..4]);
    (key, iv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_key_debug_hides_the_key() {
        let key = AuthKey::from_bytes([0xab; 256]);
        let dbg = format!("{key:?}");
        assert!(dbg.starts_with("AuthKey { id: "), "{dbg}");
        assert!(!dbg.contains("ab, ab") && !dbg.contains("171"), "{dbg}");
    }
}
