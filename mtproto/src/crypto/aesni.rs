//! AES-256-IGE with AES-NI through `core::arch`: the round keys are expanded once
//! and kept in registers for the whole buffer, and each block's two IGE XORs are
//! folded into the first and last AES rounds, so the chain from one block to the
//! next is one XOR and 14 AES rounds: the same as CBC encryption, the mode
//! `openssl speed` measures the ceiling with.
//!
//! This is the one module of the crate with `unsafe` code: the 16-byte unaligned
//! loads and stores, and calling the `#[target_feature(enable = "aes")]` functions,
//! which is sound only once [`available`] has said the CPU has AES-NI. The public
//! functions of `ige` call it only then. Differential tests (below and in
//! `tests/ige_paths.rs`) and the `ige_paths` fuzz target compare every path with
//! the portable one.
//!
//! VAES (several blocks per instruction) is not used: IGE chains every block to the
//! one before it in both directions, so one packet is one serial chain, and
//! nothing here processes several packets at once.
#![allow(unsafe_code)]
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "16-byte blocks and round-key arrays at constant or loop-bounded offsets; the \
              buffer length is checked to be a multiple of 16 before any loop starts"
)]

use core::arch::x86_64::{
    __m128i, _mm_aesdec_si128, _mm_aesdeclast_si128, _mm_aesenc_si128, _mm_aesenclast_si128,
    _mm_aesimc_si128, _mm_aeskeygenassist_si128, _mm_loadu_si128, _mm_setzero_si128,
    _mm_shuffle_epi32, _mm_slli_si128, _mm_storeu_si128, _mm_xor_si128,
};

use super::sha256_blocks::{Sha256Blocks, first_block};

/// Whether this CPU has AES-NI. `is_x86_feature_detected!` caches its answer, so
/// this costs one relaxed load after the first call.
#[inline]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("aes")
}

/// 16 bytes as a vector.
#[inline(always)]
pub(super) fn load(bytes: &[u8; 16]) -> __m128i {
    // SAFETY: `bytes` is 16 readable bytes and `loadu` has no alignment
    // requirement; SSE2 is part of the x86_64 baseline.
    unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) }
}

/// A vector into 16 bytes.
#[inline(always)]
pub(super) fn store(bytes: &mut [u8; 16], v: __m128i) {
    // SAFETY: `bytes` is 16 writable bytes and `storeu` has no alignment
    // requirement; SSE2 is part of the x86_64 baseline.
    unsafe { _mm_storeu_si128(bytes.as_mut_ptr().cast(), v) }
}

/// The two halves of an IGE IV: the previous ciphertext and plaintext blocks.
fn iv_halves(iv: &[u8; 32]) -> (__m128i, __m128i) {
    let (c, p) = iv.as_chunks::<16>().0.split_at(1);
    (load(&c[0]), load(&p[0]))
}

/// `prev ^ (prev << 32) ^ (prev << 64) ^ (prev << 96) ^ t`: one step of the
/// AES-256 key schedule, given `t` from `aeskeygenassist`.
#[inline]
#[target_feature(enable = "sse2")]
fn mix(prev: __m128i, t: __m128i) -> __m128i {
    let mut s = _mm_slli_si128::<4>(prev);
    let mut acc = _mm_xor_si128(prev, s);
    s = _mm_slli_si128::<4>(s);
    acc = _mm_xor_si128(acc, s);
    s = _mm_slli_si128::<4>(s);
    acc = _mm_xor_si128(acc, s);
    _mm_xor_si128(acc, t)
}

/// The 15 encryption round keys of AES-256 (FIPS 197 §5.2).
#[target_feature(enable = "aes")]
fn expand(key: &[u8; 32]) -> [__m128i; 15] {
    let (halves, _) = key.as_chunks::<16>();
    let mut k = [_mm_setzero_si128(); 15];
    k[0] = load(&halves[0]);
    k[1] = load(&halves[1]);
    // Even keys take RotWord(SubWord(w)) ^ rcon of the previous key's last word
    // (dword 3 of aeskeygenassist), odd keys SubWord(w) (dword 2).
    macro_rules! even {
        ($i:literal, $rcon:literal) => {
            k[$i] = mix(
                k[$i - 2],
                _mm_shuffle_epi32::<0xff>(_mm_aeskeygenassist_si128::<$rcon>(k[$i - 1])),
            );
        };
    }
    macro_rules! odd {
        ($i:literal) => {
            k[$i] = mix(
                k[$i - 2],
                _mm_shuffle_epi32::<0xaa>(_mm_aeskeygenassist_si128::<0>(k[$i - 1])),
            );
        };
    }
    even!(2, 0x01);
    odd!(3);
    even!(4, 0x02);
    odd!(5);
    even!(6, 0x04);
    odd!(7);
    even!(8, 0x08);
    odd!(9);
    even!(10, 0x10);
    odd!(11);
    even!(12, 0x20);
    odd!(13);
    even!(14, 0x40);
    k
}

/// The decryption round keys for `aesdec` (the equivalent inverse cipher, FIPS 197
/// §5.3.5): the encryption keys reversed, the inner ones through InvMixColumns.
#[target_feature(enable = "aes")]
fn expand_decrypt(key: &[u8; 32]) -> [__m128i; 15] {
    let enc = expand(key);
    let mut dec = [_mm_setzero_si128(); 15];
    dec[0] = enc[14];
    for i in 1..14 {
        dec[i] = _mm_aesimc_si128(enc[14 - i]);
    }
    dec[14] = enc[0];
    dec
}

/// One IGE encryption step: `c = E(p ^ prev_c) ^ prev_p`, with `p ^ k0` and
/// `k14 ^ prev_p` computed off the chain.
macro_rules! encrypt_block {
    ($k:ident, $p:expr, $prev_c:ident, $prev_p:ident) => {{
        let p = $p;
        let mut s = _mm_xor_si128($prev_c, _mm_xor_si128(p, $k[0]));
        s = _mm_aesenc_si128(s, $k[1]);
        s = _mm_aesenc_si128(s, $k[2]);
        s = _mm_aesenc_si128(s, $k[3]);
        s = _mm_aesenc_si128(s, $k[4]);
        s = _mm_aesenc_si128(s, $k[5]);
        s = _mm_aesenc_si128(s, $k[6]);
        s = _mm_aesenc_si128(s, $k[7]);
        s = _mm_aesenc_si128(s, $k[8]);
        s = _mm_aesenc_si128(s, $k[9]);
        s = _mm_aesenc_si128(s, $k[10]);
        s = _mm_aesenc_si128(s, $k[11]);
        s = _mm_aesenc_si128(s, $k[12]);
        s = _mm_aesenc_si128(s, $k[13]);
        let c = _mm_aesenclast_si128(s, _mm_xor_si128($k[14], $prev_p));
        $prev_c = c;
        $prev_p = p;
        c
    }};
}

/// One IGE decryption step: `p = D(c ^ prev_p) ^ prev_c`, folded the same way.
macro_rules! decrypt_block {
    ($k:ident, $c:expr, $prev_c:ident, $prev_p:ident) => {{
        let c = $c;
        let mut s = _mm_xor_si128($prev_p, _mm_xor_si128(c, $k[0]));
        s = _mm_aesdec_si128(s, $k[1]);
        s = _mm_aesdec_si128(s, $k[2]);
        s = _mm_aesdec_si128(s, $k[3]);
        s = _mm_aesdec_si128(s, $k[4]);
        s = _mm_aesdec_si128(s, $k[5]);
        s = _mm_aesdec_si128(s, $k[6]);
        s = _mm_aesdec_si128(s, $k[7]);
        s = _mm_aesdec_si128(s, $k[8]);
        s = _mm_aesdec_si128(s, $k[9]);
        s = _mm_aesdec_si128(s, $k[10]);
        s = _mm_aesdec_si128(s, $k[11]);
        s = _mm_aesdec_si128(s, $k[12]);
        s = _mm_aesdec_si128(s, $k[13]);
        let p = _mm_aesdeclast_si128(s, _mm_xor_si128($k[14], $prev_c));
        $prev_c = c;
        $prev_p = p;
        p
    }};
}

#[target_feature(enable = "aes")]
fn encrypt_blocks(buf: &mut [[u8; 16]], key: &[u8; 32], iv: &[u8; 32]) {
    let k = expand(key);
    let (mut prev_c, mut prev_p) = iv_halves(iv);
    for block in buf {
        let c = encrypt_block!(k, load(block), prev_c, prev_p);
        store(block, c);
    }
}

#[target_feature(enable = "aes")]
fn decrypt_blocks(buf: &mut [[u8; 16]], key: &[u8; 32], iv: &[u8; 32]) {
    let k = expand_decrypt(key);
    let (mut prev_c, mut prev_p) = iv_halves(iv);
    for block in buf {
        let p = decrypt_block!(k, load(block), prev_c, prev_p);
        store(block, p);
    }
}

/// `header` then `body` decrypted as one IGE stream, SHA-256 of `prefix` and the
/// plaintext computed in the same loop: each iteration decrypts one 64-byte block
/// of the body and hashes the block decrypted the iteration before, two
/// independent dependency chains the CPU runs side by side.
#[target_feature(enable = "aes")]
fn decrypt_hashing(
    key: &[u8; 32],
    iv: &[u8; 32],
    prefix: &[u8; 32],
    header: &mut [u8; 32],
    body: &mut [u8],
) -> [u8; 32] {
    let k = expand_decrypt(key);
    let (mut prev_c, mut prev_p) = iv_halves(iv);
    for block in header.as_chunks_mut::<16>().0 {
        let p = decrypt_block!(k, load(block), prev_c, prev_p);
        store(block, p);
    }
    let mut sha = Sha256Blocks::new();
    let first = first_block(prefix, header);
    let (blocks, tail) = body.as_chunks_mut::<64>();
    for i in 0..blocks.len() {
        let (done, rest) = blocks.split_at_mut(i);
        let (quarters, _) = rest[0].as_chunks_mut::<16>();
        for q in quarters {
            let p = decrypt_block!(k, load(q), prev_c, prev_p);
            store(q, p);
        }
        match done.last() {
            Some(previous) => sha.block(previous),
            None => sha.block(&first),
        }
    }
    for q in tail.as_chunks_mut::<16>().0 {
        let p = decrypt_block!(k, load(q), prev_c, prev_p);
        store(q, p);
    }
    // What is left: the last whole block (or the first block if there was none),
    // then the tail.
    sha.block(blocks.last().unwrap_or(&first));
    sha.finish(tail)
}

/// Encrypts whole blocks in place. The caller has checked the length and
/// [`available`].
pub(super) fn encrypt_ige(buf: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) {
    debug_assert!(available() && buf.len().is_multiple_of(16));
    // SAFETY: `ige` calls this only after `available()` found AES-NI.
    unsafe { encrypt_blocks(buf.as_chunks_mut::<16>().0, key, iv) }
}

/// Decrypts whole blocks in place. The caller has checked the length and
/// [`available`].
pub(super) fn decrypt_ige(buf: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) {
    debug_assert!(available() && buf.len().is_multiple_of(16));
    // SAFETY: `ige` calls this only after `available()` found AES-NI.
    unsafe { decrypt_blocks(buf.as_chunks_mut::<16>().0, key, iv) }
}

/// `ige::decrypt_packet_body` with AES-NI. The caller has checked the length and
/// [`available`].
pub(super) fn decrypt_packet_body(
    key: &[u8; 32],
    iv: &[u8; 32],
    prefix: &[u8; 32],
    header: &mut [u8; 32],
    body: &mut [u8],
) -> [u8; 32] {
    debug_assert!(available() && body.len().is_multiple_of(16));
    // SAFETY: `ige` calls this only after `available()` found AES-NI.
    unsafe { decrypt_hashing(key, iv, prefix, header, body) }
}

#[cfg(test)]
mod tests {
    use super::super::ige::portable;
    use super::*;

    /// A small xorshift, so the test needs no RNG crate.
    fn bytes(seed: &mut u64, n: usize) -> Vec<u8> {
        (0..n)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                (*seed >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn aes_ni_matches_the_portable_path_for_every_length_to_4_kib() {
        if !available() {
            return;
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for blocks in 0..=256 {
            let key: [u8; 32] = bytes(&mut seed, 32).try_into().unwrap();
            let iv: [u8; 32] = bytes(&mut seed, 32).try_into().unwrap();
            let plain = bytes(&mut seed, blocks * 16);
            let (mut ours, mut theirs) = (plain.clone(), plain.clone());
            encrypt_ige(&mut ours, &key, &iv);
            portable::encrypt_ige(&mut theirs, &key, &iv).unwrap();
            assert_eq!(ours, theirs, "encrypting {blocks} blocks");
            decrypt_ige(&mut ours, &key, &iv);
            assert_eq!(ours, plain, "decrypting {blocks} blocks");
            if blocks >= 2 {
                let prefix: [u8; 32] = bytes(&mut seed, 32).try_into().unwrap();
                let (h, b) = theirs.split_at(32);
                let (mut h1, mut b1) = (<[u8; 32]>::try_from(h).unwrap(), b.to_vec());
                let (mut h2, mut b2) = (h1, b1.clone());
                let fast = decrypt_packet_body(&key, &iv, &prefix, &mut h1, &mut b1);
                let slow =
                    portable::decrypt_packet_body(&key, &iv, &prefix, &mut h2, &mut b2).unwrap();
                assert_eq!((h1, &b1), (h2, &b2), "packet of {blocks} blocks");
                assert_eq!(fast, slow, "hash of a packet of {blocks} blocks");
                let want = crate::crypto::sha256(&[&prefix, &plain]);
                assert_eq!(fast, want, "hash of a packet of {blocks} blocks");
                assert_eq!([&h1[..], &b1].concat(), plain);
            }
        }
    }
}
