//! SHA-256 fed one 64-byte block at a time, so a loop that produces the message
//! (the IGE decryption of a packet) can hash each block as soon as it exists, and
//! two one-block messages hashed at once (the KDF's). The compression function is
//! the `sha2` crate's (SHA-NI where the CPU has it) for one stream and ours on
//! SHA-NI (`shani`) for two side by side; the block feeding and the final
//! padding (FIPS 180-4 §5.1.1) are ours.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "64-byte blocks and SHA-256 padding at constant offsets into fixed-size arrays; \
              the byte count is a u64 of bytes actually hashed (far below 2^61)"
)]

use sha2::digest::generic_array::GenericArray;

/// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A SHA-256 in progress over whole 64-byte blocks.
#[derive(Clone, Debug)]
pub(crate) struct Sha256Blocks {
    state: [u32; 8],
    /// Bytes hashed so far (always a multiple of 64).
    len: u64,
}

impl Sha256Blocks {
    /// A hash of nothing yet.
    pub(crate) fn new() -> Self {
        Self { state: H0, len: 0 }
    }

    /// Hashes the next 64 bytes of the message.
    #[inline]
    pub(crate) fn block(&mut self, block: &[u8; 64]) {
        self.blocks(core::slice::from_ref(block));
    }

    /// Hashes the next whole blocks of the message.
    #[inline]
    pub(crate) fn blocks(&mut self, blocks: &[[u8; 64]]) {
        compress(&mut self.state, blocks);
        self.len = self.len.wrapping_add(64 * blocks.len() as u64);
    }

    /// Hashes the rest of the message (any length) and returns the digest.
    pub(crate) fn finish(mut self, tail: &[u8]) -> [u8; 32] {
        let (blocks, rest) = tail.as_chunks::<64>();
        self.blocks(blocks);
        // The message length in bits, modulo 2^64 as the standard has it.
        let bits = self.len.wrapping_add(rest.len() as u64).wrapping_mul(8);
        let mut pad = [0u8; 128];
        pad[..rest.len()].copy_from_slice(rest);
        pad[rest.len()] = 0x80;
        // One block if the 0x80 and the 8-byte length fit after the rest, else two.
        let end = if rest.len() < 56 { 64 } else { 128 };
        pad[end - 8..end].copy_from_slice(&bits.to_be_bytes());
        let (pads, _) = pad[..end].as_chunks::<64>();
        compress(&mut self.state, pads);
        digest(&self.state)
    }
}

/// The first block of msg_key's SHA-256 over a packet: the 32 bytes of the auth
/// key, then the packet's 32-byte header.
pub(crate) fn first_block(prefix: &[u8; 32], header: &[u8; 32]) -> [u8; 64] {
    let mut first = [0u8; 64];
    first[..32].copy_from_slice(prefix);
    first[32..].copy_from_slice(header);
    first
}

/// The state words as the digest's bytes.
fn digest(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// The compression function for one stream: `sha2`'s, which uses SHA-NI where
/// the CPU has it and is as fast as ours on one stream (measured: ours was 4%
/// slower on 64 KiB), so only the two-stream case uses `shani`.
#[inline]
fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
    for b in blocks {
        sha2::compress256(state, core::slice::from_ref(GenericArray::from_slice(b)));
    }
}

/// SHA-256 of two messages of at most 55 bytes each (one block once padded),
/// computed side by side where SHA-NI allows.
pub(crate) fn sha256_pair(a: &[u8], b: &[u8]) -> ([u8; 32], [u8; 32]) {
    fn padded(m: &[u8]) -> [u8; 64] {
        debug_assert!(m.len() <= 55);
        let mut block = [0u8; 64];
        block[..m.len()].copy_from_slice(m);
        block[m.len()] = 0x80;
        block[56..].copy_from_slice(&(m.len() as u64 * 8).to_be_bytes());
        block
    }
    if a.len() > 55 || b.len() > 55 {
        return (Sha256Blocks::new().finish(a), Sha256Blocks::new().finish(b));
    }
    let (block_a, block_b) = (padded(a), padded(b));
    let (mut state_a, mut state_b) = (H0, H0);
    #[cfg(target_arch = "x86_64")]
    if super::shani::available() {
        super::shani::compress2(&mut state_a, &block_a, &mut state_b, &block_b);
        return (digest(&state_a), digest(&state_b));
    }
    compress(&mut state_a, &[block_a]);
    compress(&mut state_b, &[block_b]);
    (digest(&state_a), digest(&state_b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn pairs_match_sha2() {
        let data: Vec<u8> = (0..120u32).map(|i| (i * 37 + 3) as u8).collect();
        for (la, lb) in [(0, 0), (52, 52), (55, 1), (56, 10), (100, 55)] {
            let (a, b) = (&data[..la], &data[10..10 + lb]);
            let want = (Sha256::digest(a).into(), Sha256::digest(b).into());
            assert_eq!(sha256_pair(a, b), want, "{la} and {lb} bytes");
        }
    }

    #[test]
    fn matches_sha2_for_every_length_around_the_block_edges() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 131 + 7) as u8).collect();
        for len in 0..data.len() {
            let msg = &data[..len];
            let (blocks, _) = msg.as_chunks::<64>();
            // Feed a varying number of whole blocks one by one, the rest through finish.
            let fed = len % 3;
            let mut h = Sha256Blocks::new();
            for b in blocks.iter().take(fed) {
                h.block(b);
            }
            let skip = fed.min(blocks.len()) * 64;
            let got = h.finish(&msg[skip..]);
            let want: [u8; 32] = Sha256::digest(msg).into();
            assert_eq!(got, want, "length {len}");
        }
    }
}
