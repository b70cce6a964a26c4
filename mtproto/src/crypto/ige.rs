//! AES-256-IGE as MTProto uses it. On x86_64 CPUs with AES-NI (detected at run
//! time) the blocks go through `aesni`, with the round keys in registers; anywhere
//! else through the [`portable`] path on the `aes` crate. Both give the same bytes:
//! the tests below, `tests/ige_paths.rs` and the `ige_paths` fuzz target check it.

/// IGE works on whole 16-byte blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("AES-IGE input of {len} bytes is not a multiple of 16")]
#[non_exhaustive]
pub struct IgeLengthError {
    /// The length given.
    pub len: usize,
}

fn check(len: usize) -> Result<(), IgeLengthError> {
    if len.is_multiple_of(16) {
        Ok(())
    } else {
        Err(IgeLengthError { len })
    }
}

/// Which implementation [`encrypt_ige`] and [`decrypt_ige`] use on this CPU:
/// `"aes-ni"` or `"portable"`.
pub fn ige_backend() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if super::aesni::available() {
        return "aes-ni";
    }
    "portable"
}

/// Encrypts `buf` in place with AES-256 in IGE mode, as MTProto uses it: `iv[..16]`
/// is the previous ciphertext block and `iv[16..]` the previous plaintext block.
/// No allocation.
pub fn encrypt_ige(buf: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) -> Result<(), IgeLengthError> {
    check(buf.len())?;
    #[cfg(target_arch = "x86_64")]
    if super::aesni::available() {
        super::aesni::encrypt_ige(buf, key, iv);
        return Ok(());
    }
    portable::encrypt_ige(buf, key, iv)
}

/// Decrypts `buf` in place; the inverse of [`encrypt_ige`].
pub fn decrypt_ige(buf: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) -> Result<(), IgeLengthError> {
    check(buf.len())?;
    #[cfg(target_arch = "x86_64")]
    if super::aesni::available() {
        super::aesni::decrypt_ige(buf, key, iv);
        return Ok(());
    }
    portable::decrypt_ige(buf, key, iv)
}

/// Decrypts a packet's encrypted part in place, `header` (its first 32 bytes:
/// salt, session_id, msg_id, seq_no, length) then `body` (the rest), and returns
/// SHA-256 of `prefix` followed by the plaintext: MTProto 2.0's msg_key is its
/// middle 16 bytes. With AES-NI the hash is computed block by block inside the
/// decryption loop, so the AES and SHA units work at the same time.
///
/// `body.len()` must be a multiple of 16.
pub fn decrypt_packet_body(
    key: &[u8; 32],
    iv: &[u8; 32],
    prefix: &[u8; 32],
    header: &mut [u8; 32],
    body: &mut [u8],
) -> Result<[u8; 32], IgeLengthError> {
    check(body.len())?;
    #[cfg(target_arch = "x86_64")]
    if super::aesni::available() {
        return Ok(super::aesni::decrypt_packet_body(
            key, iv, prefix, header, body,
        ));
    }
    portable::decrypt_packet_body(key, iv, prefix, header, body)
}

/// The portable AES-256-IGE on the `aes` crate, which every CPU can run. The
/// dispatching functions use it where AES-NI is missing; it is public so tests and
/// fuzz targets can compare it with what this CPU runs.
pub mod portable {
    use super::super::sha256_blocks::{Sha256Blocks, first_block};
    use super::{IgeLengthError, check};
    use aes::Aes256;
    use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};

    fn xor(a: &[u8; 16], b: &[u8; 16]) -> [u8; 16] {
        crate::rsa::xor(a, b)
    }

    fn split_iv(iv: &[u8; 32]) -> ([u8; 16], [u8; 16]) {
        let (c, p) = iv.split_at(16);
        let mut prev_c = [0u8; 16];
        let mut prev_p = [0u8; 16];
        prev_c.copy_from_slice(c);
        prev_p.copy_from_slice(p);
        (prev_c, prev_p)
    }

    /// [`encrypt_ige`](super::encrypt_ige) without AES-NI.
    pub fn encrypt_ige(
        buf: &mut [u8],
        key: &[u8; 32],
        iv: &[u8; 32],
    ) -> Result<(), IgeLengthError> {
        check(buf.len())?;
        let cipher = Aes256::new(GenericArray::from_slice(key));
        let (mut prev_c, mut prev_p) = split_iv(iv);
        for chunk in buf.as_chunks_mut::<16>().0 {
            let plain = *chunk;
            let mut block = xor(&plain, &prev_c);
            cipher.encrypt_block(GenericArray::from_mut_slice(&mut block));
            *chunk = xor(&block, &prev_p);
            prev_c = *chunk;
            prev_p = plain;
        }
        Ok(())
    }

    /// The IGE decryption of `buf` in place, returning the chaining values for
    /// the blocks that follow it.
    fn decrypt_chained(cipher: &Aes256, buf: &mut [u8], iv: ([u8; 16], [u8; 16])) -> [u8; 32] {
        let (mut prev_c, mut prev_p) = iv;
        for chunk in buf.as_chunks_mut::<16>().0 {
            let cipher_block = *chunk;
            let mut block = xor(&cipher_block, &prev_p);
            cipher.decrypt_block(GenericArray::from_mut_slice(&mut block));
            *chunk = xor(&block, &prev_c);
            prev_p = *chunk;
            prev_c = cipher_block;
        }
        let mut next = [0u8; 32];
        next[..16].copy_from_slice(&prev_c);
        next[16..].copy_from_slice(&prev_p);
        next
    }

    /// [`decrypt_ige`](super::decrypt_ige) without AES-NI.
    pub fn decrypt_ige(
        buf: &mut [u8],
        key: &[u8; 32],
        iv: &[u8; 32],
    ) -> Result<(), IgeLengthError> {
        check(buf.len())?;
        let cipher = Aes256::new(GenericArray::from_slice(key));
        decrypt_chained(&cipher, buf, split_iv(iv));
        Ok(())
    }

    /// [`decrypt_packet_body`](super::decrypt_packet_body) without AES-NI: decrypt,
    /// then hash.
    pub fn decrypt_packet_body(
        key: &[u8; 32],
        iv: &[u8; 32],
        prefix: &[u8; 32],
        header: &mut [u8; 32],
        body: &mut [u8],
    ) -> Result<[u8; 32], IgeLengthError> {
        check(body.len())?;
        let cipher = Aes256::new(GenericArray::from_slice(key));
        let next = decrypt_chained(&cipher, header, split_iv(iv));
        decrypt_chained(&cipher, body, split_iv(&next));
        let mut sha = Sha256Blocks::new();
        sha.block(&first_block(prefix, header));
        Ok(sha.finish(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn ige_matches_the_openssl_test_vector() {
        let key: [u8; 32] = std::array::from_fn(|i| i as u8);
        let iv: [u8; 32] = std::array::from_fn(|i| i as u8);
        let want = hex("4a7f16441cee6781e8374f261edeb88dc77147ebd5121de8d0fae7762423b6bf");
        let mut buf = [0u8; 32];
        encrypt_ige(&mut buf, &key, &iv).unwrap();
        assert_eq!(buf.to_vec(), want);
        decrypt_ige(&mut buf, &key, &iv).unwrap();
        assert_eq!(buf, [0u8; 32]);
        let mut buf = [0u8; 32];
        portable::encrypt_ige(&mut buf, &key, &iv).unwrap();
        assert_eq!(buf.to_vec(), want);
        portable::decrypt_ige(&mut buf, &key, &iv).unwrap();
        assert_eq!(buf, [0u8; 32]);
    }

    #[test]
    fn ige_rejects_partial_blocks() {
        let mut buf = [0u8; 17];
        assert_eq!(
            encrypt_ige(&mut buf, &[0; 32], &[0; 32]),
            Err(IgeLengthError { len: 17 })
        );
        assert_eq!(
            decrypt_ige(&mut buf[..15], &[0; 32], &[0; 32]),
            Err(IgeLengthError { len: 15 })
        );
        assert_eq!(
            portable::decrypt_ige(&mut buf[..1], &[0; 32], &[0; 32]),
            Err(IgeLengthError { len: 1 })
        );
        assert!(encrypt_ige(&mut [], &[0; 32], &[0; 32]).is_ok());
        let mut header = [0u8; 32];
        assert_eq!(
            decrypt_packet_body(&[0; 32], &[0; 32], &[0; 32], &mut header, &mut [0; 8]),
            Err(IgeLengthError { len: 8 })
        );
    }

    #[test]
    fn the_backend_is_the_one_the_cpu_allows() {
        #[cfg(target_arch = "x86_64")]
        let want = if std::arch::is_x86_feature_detected!("aes") {
            "aes-ni"
        } else {
            "portable"
        };
        #[cfg(not(target_arch = "x86_64"))]
        let want = "portable";
        assert_eq!(ige_backend(), want);
    }
}
