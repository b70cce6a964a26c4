//! SHA-256's compression function with the SHA extensions (SHA-NI) through
//! `core::arch`, for two independent streams at once (one stream is the `sha2`
//! crate's, as fast as a hand-written one). MTProto 2.0's
//! key derivation hashes two unrelated 52-byte inputs per packet: one block each,
//! each a chain of dependent `sha256rnds2` instructions. Interleaved, the second
//! chain runs in the first one's latency instead of after it.
//!
//! `unsafe` here: calling the `#[target_feature]` functions (the 16-byte loads
//! and stores are `aesni`'s), sound only once [`available`] has said the CPU
//! has SHA-NI (and the SSSE3/SSE4.1 shuffles it goes with). Tested against the
//! `sha2` crate below and through every SHA-256 the crate computes.
#![allow(unsafe_code)]
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "SHA-256 state and 64-byte blocks at constant offsets (fixed-size arrays)"
)]

use core::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_alignr_epi8, _mm_blend_epi16, _mm_set_epi32, _mm_set_epi64x,
    _mm_sha256msg1_epu32, _mm_sha256msg2_epu32, _mm_sha256rnds2_epu32, _mm_shuffle_epi8,
    _mm_shuffle_epi32,
};

use super::aesni::{load, store};

/// SHA-256's round constants (FIPS 180-4 §4.2.2).
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// Whether this CPU has SHA-NI and the shuffles used with it (cached by std).
#[inline]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("ssse3")
        && std::arch::is_x86_feature_detected!("sse4.1")
}

/// The state words as SHA-NI wants them: (ABEF, CDGH).
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn load_state(state: &[u32; 8]) -> (__m128i, __m128i) {
    let mut bytes = [0u8; 32];
    for (b, w) in bytes.chunks_exact_mut(4).zip(state) {
        b.copy_from_slice(&w.to_le_bytes());
    }
    let (halves, _) = bytes.as_chunks::<16>();
    let dcba = _mm_shuffle_epi32::<0xB1>(load(&halves[0]));
    let efgh = _mm_shuffle_epi32::<0x1B>(load(&halves[1]));
    (
        _mm_alignr_epi8::<8>(dcba, efgh),
        _mm_blend_epi16::<0xF0>(efgh, dcba),
    )
}

#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn store_state(state: &mut [u32; 8], abef: __m128i, cdgh: __m128i) {
    let feba = _mm_shuffle_epi32::<0x1B>(abef);
    let dchg = _mm_shuffle_epi32::<0xB1>(cdgh);
    let mut bytes = [0u8; 32];
    let (halves, _) = bytes.as_chunks_mut::<16>();
    store(&mut halves[0], _mm_blend_epi16::<0xF0>(feba, dchg));
    store(&mut halves[1], _mm_alignr_epi8::<8>(dchg, feba));
    for (w, b) in state.iter_mut().zip(bytes.chunks_exact(4)) {
        *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
}

/// The message block as four vectors of big-endian words.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn message(block: &[u8; 64]) -> [__m128i; 4] {
    let swap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203);
    let (q, _) = block.as_chunks::<16>();
    [0, 1, 2, 3].map(|i| _mm_shuffle_epi8(load(&q[i]), swap))
}

/// Words 4g..4g+4 of the schedule from the four groups before them (`$w` is a
/// ring indexed by group).
macro_rules! schedule {
    ($w:ident, $g:expr) => {{
        let g = $g;
        let t = _mm_sha256msg1_epu32($w[g % 4], $w[(g + 1) % 4]);
        let t = _mm_add_epi32(t, _mm_alignr_epi8::<4>($w[(g + 3) % 4], $w[(g + 2) % 4]));
        _mm_sha256msg2_epu32(t, $w[(g + 3) % 4])
    }};
}

/// Four rounds with schedule words `$w` of group `$g`.
macro_rules! rounds {
    ($abef:ident, $cdgh:ident, $w:expr, $g:expr) => {{
        let g = $g;
        let k = _mm_set_epi32(
            K[4 * g + 3] as i32,
            K[4 * g + 2] as i32,
            K[4 * g + 1] as i32,
            K[4 * g] as i32,
        );
        let msg = _mm_add_epi32($w, k);
        $cdgh = _mm_sha256rnds2_epu32($cdgh, $abef, msg);
        $abef = _mm_sha256rnds2_epu32($abef, $cdgh, _mm_shuffle_epi32::<0x0E>(msg));
    }};
}

#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn compress2_ni(a: &mut [u32; 8], block_a: &[u8; 64], b: &mut [u32; 8], block_b: &[u8; 64]) {
    let (mut abef_a, mut cdgh_a) = load_state(a);
    let (mut abef_b, mut cdgh_b) = load_state(b);
    let saved = (abef_a, cdgh_a, abef_b, cdgh_b);
    let mut wa = message(block_a);
    let mut wb = message(block_b);
    for g in 0..16 {
        if g >= 4 {
            wa[g % 4] = schedule!(wa, g);
            wb[g % 4] = schedule!(wb, g);
        }
        rounds!(abef_a, cdgh_a, wa[g % 4], g);
        rounds!(abef_b, cdgh_b, wb[g % 4], g);
    }
    store_state(
        a,
        _mm_add_epi32(abef_a, saved.0),
        _mm_add_epi32(cdgh_a, saved.1),
    );
    store_state(
        b,
        _mm_add_epi32(abef_b, saved.2),
        _mm_add_epi32(cdgh_b, saved.3),
    );
}

/// Compresses one block into each of two independent states, interleaved. The
/// caller has checked [`available`].
pub(super) fn compress2(
    a: &mut [u32; 8],
    block_a: &[u8; 64],
    b: &mut [u32; 8],
    block_b: &[u8; 64],
) {
    debug_assert!(available());
    // SAFETY: the callers check `available()` first.
    unsafe { compress2_ni(a, block_a, b, block_b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::digest::generic_array::GenericArray;

    #[test]
    fn matches_the_sha2_compression_function() {
        if !available() {
            return;
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let sha2 = |state: &mut [u32; 8], block: &[u8; 64]| {
            sha2::compress256(
                state,
                core::slice::from_ref(GenericArray::from_slice(block)),
            );
        };
        for _ in 0..64 {
            let blocks: [[u8; 64]; 2] =
                std::array::from_fn(|_| std::array::from_fn(|_| next() as u8));
            let starts: [[u32; 8]; 2] =
                std::array::from_fn(|_| std::array::from_fn(|_| next() as u32));
            let (mut a, mut b) = (starts[0], starts[1]);
            compress2(&mut a, &blocks[0], &mut b, &blocks[1]);
            let (mut want_a, mut want_b) = (starts[0], starts[1]);
            sha2(&mut want_a, &blocks[0]);
            sha2(&mut want_b, &blocks[1]);
            assert_eq!((a, b), (want_a, want_b));
        }
    }
}
