//! SHA-256 fed one 64-byte block at a time, so a loop that produces the message
//! (the IGE decryption of a packet) can hash each block as soon as it exists. The
//! compression function is the `sha2` crate's (SHA-NI where the CPU has it); only the
//! block feeding and the final padding (FIPS 180-4 §5.1.1) are ours.

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
        sha2::compress256(
            &mut self.state,
            core::slice::from_ref(GenericArray::from_slice(block)),
        );
        self.len = self.len.wrapping_add(64);
    }

    /// Hashes the rest of the message (any length) and returns the digest.
    pub(crate) fn finish(mut self, tail: &[u8]) -> [u8; 32] {
        let (blocks, rest) = tail.as_chunks::<64>();
        for b in blocks {
            self.block(b);
        }
        // The message length in bits, modulo 2^64 as the standard has it.
        let bits = self.len.wrapping_add(rest.len() as u64).wrapping_mul(8);
        let mut pad = [0u8; 128];
        pad[..rest.len()].copy_from_slice(rest);
        pad[rest.len()] = 0x80;
        // One block if the 0x80 and the 8-byte length fit after the rest, else two.
        let end = if rest.len() < 56 { 64 } else { 128 };
        pad[end - 8..end].copy_from_slice(&bits.to_be_bytes());
        let (pads, _) = pad[..end].as_chunks::<64>();
        for b in pads {
            sha2::compress256(
                &mut self.state,
                core::slice::from_ref(GenericArray::from_slice(b)),
            );
        }
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn matches_sha2_for_every_length_around_the_block_edges() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 131 + 7) as u8).collect();
        for len in 0..data.len() {
            let msg = &data[..len];
            let (blocks, tail) = msg.as_chunks::<64>();
            // Feed a varying number of whole blocks one by one, the rest through finish.
            let fed = len % 3;
            let mut h = Sha256Blocks::new();
            for b in blocks.iter().take(fed) {
                h.block(b);
            }
            let skip = fed.min(blocks.len()) * 64;
            let _ = tail;
            let got = h.finish(&msg[skip..]);
            let want: [u8; 32] = Sha256::digest(msg).into();
            assert_eq!(got, want, "length {len}");
        }
    }
}
