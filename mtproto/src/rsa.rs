//! RSA as the handshake uses it: raw (unpadded) 2048-bit RSA, `RSA_PAD` (current
//! clients) and the older `sha1 + data + padding` form (Telethon), key fingerprints,
//! and PEM keys (PKCS#1 `RSA PUBLIC KEY`, SPKI `PUBLIC KEY`, PKCS#1 `RSA PRIVATE KEY`).

use crate::crypto::{decrypt_ige, encrypt_ige, sha1, sha256};
use base64::Engine as _;
use num_bigint::BigUint;
use rand_core::RngCore;

/// Why a key or an RSA block was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RsaError {
    /// The PEM text has no `-----BEGIN ...-----` block of a known kind.
    #[error("not a PEM RSA key: {0}")]
    NotPem(&'static str),
    /// The base64 inside the PEM is invalid.
    #[error("invalid base64 in PEM at byte {0}")]
    Base64(usize),
    /// The DER structure is not the expected one.
    #[error("invalid DER at offset {offset}: {what}")]
    Der {
        /// Where in the DER.
        offset: usize,
        /// What was expected.
        what: &'static str,
    },
    /// The key is not 2048 bits, the only size MTProto uses.
    #[error("RSA modulus of {0} bits; MTProto needs 2048")]
    KeySize(u64),
    /// Data too long to encrypt.
    #[error("{len} bytes is too long for this RSA form (at most {max})")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The ciphertext is not below the modulus.
    #[error("RSA block is not smaller than the modulus")]
    OutOfRange,
    /// The hash inside a decrypted block does not match: wrong key or tampering.
    #[error("hash inside the RSA block does not match")]
    BadHash,
}

/// A 2048-bit RSA public key with its MTProto fingerprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPublicKey {
    n: BigUint,
    e: BigUint,
    fingerprint: i64,
}

impl RsaPublicKey {
    /// A key from its modulus and exponent.
    pub fn new(n: BigUint, e: BigUint) -> Result<Self, RsaError> {
        if n.bits() != 2048 {
            return Err(RsaError::KeySize(n.bits()));
        }
        let mut buf = Vec::new();
        ferrogram_tl_types::serialize::write_bytes(&mut buf, &n.to_bytes_be());
        ferrogram_tl_types::serialize::write_bytes(&mut buf, &e.to_bytes_be());
        let h = sha1(&[&buf]);
        let mut fp = [0u8; 8];
        fp.copy_from_slice(&h[12..]);
        Ok(Self {
            n,
            e,
            fingerprint: i64::from_le_bytes(fp),
        })
    }

    /// Parses a PEM public key: PKCS#1 (`BEGIN RSA PUBLIC KEY`) or SPKI (`BEGIN PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, RsaError> {
        let (label, der) = pem_decode(pem)?;
        let mut r = Der { buf: &der, pos: 0 };
        match label.as_str() {
            "RSA PUBLIC KEY" => {
                let mut seq = r.sequence()?;
                let n = seq.integer()?;
                let e = seq.integer()?;
                Self::new(n, e)
            }
            "PUBLIC KEY" => {
                let mut spki = r.sequence()?;
                let _algorithm = spki.sequence()?;
                let bits = spki.element(0x03, "BIT STRING")?;
                let inner = bits.get(1..).ok_or(RsaError::Der {
                    offset: spki.pos,
                    what: "empty BIT STRING",
                })?;
                let mut seq = Der { buf: inner, pos: 0 }.sequence()?;
                let n = seq.integer()?;
                let e = seq.integer()?;
                Self::new(n, e)
            }
            _ => Err(RsaError::NotPem("expected RSA PUBLIC KEY or PUBLIC KEY")),
        }
    }

    /// The key as PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`), the form Telethon loads.
    pub fn to_pkcs1_pem(&self) -> String {
        let mut body = Vec::new();
        der_integer(&mut body, &self.n);
        der_integer(&mut body, &self.e);
        let mut der = Vec::new();
        der_header(&mut der, 0x30, body.len());
        der.extend_from_slice(&body);
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let mut pem = String::from("-----BEGIN RSA PUBLIC KEY-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END RSA PUBLIC KEY-----\n");
        pem
    }

    /// The fingerprint the server lists in `resPQ`: the 64 lower-order bits of SHA-1
    /// of the TL-serialized modulus and exponent.
    pub fn fingerprint(&self) -> i64 {
        self.fingerprint
    }

    /// The modulus.
    pub fn n(&self) -> &BigUint {
        &self.n
    }

    /// Raw RSA: `block^e mod n`, as 256 big-endian bytes.
    pub fn encrypt_raw(&self, block: &[u8; 256]) -> Result<[u8; 256], RsaError> {
        let m = BigUint::from_bytes_be(block);
        if m >= self.n {
            return Err(RsaError::OutOfRange);
        }
        Ok(to_256(&m.modpow(&self.e, &self.n)))
    }

    /// `RSA_PAD` (the spec's current form): pads `data` (at most 144 bytes) to 192,
    /// reverses it, appends `SHA256(temp_key + data_with_padding)`, encrypts that with
    /// AES-IGE under a random `temp_key`, masks the key with the ciphertext's hash, and
    /// RSA-encrypts, retrying with a new `temp_key` until the block is below the modulus.
    pub fn encrypt_rsa_pad(
        &self,
        data: &[u8],
        rng: &mut impl RngCore,
    ) -> Result<[u8; 256], RsaError> {
        if data.len() > 144 {
            return Err(RsaError::TooLong {
                len: data.len(),
                max: 144,
            });
        }
        // `data` fits (checked above); random bytes fill the rest of the 192.
        let mut padded = [0u8; 192];
        let (head, tail) = padded.split_at_mut(data.len());
        head.copy_from_slice(data);
        rng.fill_bytes(tail);
        loop {
            let mut temp_key = [0u8; 32];
            rng.fill_bytes(&mut temp_key);
            // The 192 bytes reversed, then SHA256(temp_key + padded).
            let hash = sha256(&[&temp_key, &padded]);
            let mut with_hash = [0u8; 224];
            for (o, b) in with_hash
                .iter_mut()
                .zip(padded.iter().rev().chain(hash.iter()))
            {
                *o = *b;
            }
            encrypt_ige(&mut with_hash, &temp_key, &[0u8; 32]).map_err(|_| RsaError::OutOfRange)?;
            let masked = xor(&temp_key, &sha256(&[&with_hash]));
            let mut block = [0u8; 256];
            for (o, b) in block.iter_mut().zip(masked.iter().chain(with_hash.iter())) {
                *o = *b;
            }
            match self.encrypt_raw(&block) {
                Ok(c) => return Ok(c),
                Err(RsaError::OutOfRange) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The older form Telethon sends: `sha1(data) + data + random padding` to 255 bytes,
    /// raw RSA. `data` is at most 235 bytes.
    pub fn encrypt_sha1_padded(
        &self,
        data: &[u8],
        rng: &mut impl RngCore,
    ) -> Result<[u8; 256], RsaError> {
        if data.len() > 235 {
            return Err(RsaError::TooLong {
                len: data.len(),
                max: 235,
            });
        }
        // 0, sha1(data), data (fits: checked above), random padding.
        let mut random = [0u8; 256];
        rng.fill_bytes(
            random
                .get_mut(..235usize.saturating_sub(data.len()))
                .unwrap_or_default(),
        );
        let mut block = [0u8; 256];
        let hash = sha1(&[data]);
        for (o, b) in block
            .iter_mut()
            .skip(1)
            .zip(hash.iter().chain(data).chain(random.iter()))
        {
            *o = *b;
        }
        self.encrypt_raw(&block)
    }
}

/// A 2048-bit RSA private key, for servers (the test server among them).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPrivateKey {
    public: RsaPublicKey,
    d: BigUint,
}

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("fingerprint", &self.public.fingerprint)
            .finish_non_exhaustive()
    }
}

impl RsaPrivateKey {
    /// Parses a PKCS#1 `-----BEGIN RSA PRIVATE KEY-----` PEM.
    pub fn from_pem(pem: &str) -> Result<Self, RsaError> {
        let (label, der) = pem_decode(pem)?;
        if label != "RSA PRIVATE KEY" {
            return Err(RsaError::NotPem("expected RSA PRIVATE KEY"));
        }
        let mut seq = Der { buf: &der, pos: 0 }.sequence()?;
        let _version = seq.integer()?;
        let n = seq.integer()?;
        let e = seq.integer()?;
        let d = seq.integer()?;
        Ok(Self {
            public: RsaPublicKey::new(n, e)?,
            d,
        })
    }

    /// The public half.
    pub fn public(&self) -> &RsaPublicKey {
        &self.public
    }

    /// Raw RSA decryption: `block^d mod n`.
    pub fn decrypt_raw(&self, block: &[u8]) -> Result<[u8; 256], RsaError> {
        let c = BigUint::from_bytes_be(block);
        if block.len() > 256 || c >= self.public.n {
            return Err(RsaError::OutOfRange);
        }
        Ok(to_256(&c.modpow(&self.d, &self.public.n)))
    }

    /// Undoes [`RsaPublicKey::encrypt_rsa_pad`], returning the 192 padded data bytes
    /// (the caller parses the TL value at their start).
    pub fn decrypt_rsa_pad(&self, block: &[u8]) -> Result<[u8; 192], RsaError> {
        let plain = self.decrypt_raw(block)?;
        let (masked, with_hash) = plain
            .split_first_chunk::<32>()
            .ok_or(RsaError::OutOfRange)?;
        let mut with_hash: [u8; 224] = with_hash.try_into().map_err(|_| RsaError::OutOfRange)?;
        let temp_key = xor(masked, &sha256(&[&with_hash]));
        decrypt_ige(&mut with_hash, &temp_key, &[0u8; 32]).map_err(|_| RsaError::OutOfRange)?;
        let (reversed, hash) = with_hash
            .split_first_chunk::<192>()
            .ok_or(RsaError::OutOfRange)?;
        let mut padded = *reversed;
        padded.reverse();
        if sha256(&[&temp_key, &padded])[..] != *hash {
            return Err(RsaError::BadHash);
        }
        Ok(padded)
    }

    /// Undoes [`RsaPublicKey::encrypt_sha1_padded`]: returns the 235 bytes after the
    /// hash, and the hash, which the caller checks against the TL value it parses.
    pub fn decrypt_sha1_padded(&self, block: &[u8]) -> Result<([u8; 20], Vec<u8>), RsaError> {
        let plain = self.decrypt_raw(block)?;
        if plain[0] != 0 {
            return Err(RsaError::OutOfRange);
        }
        let mut hash = [0u8; 20];
        hash.copy_from_slice(&plain[1..21]);
        Ok((hash, plain[21..].to_vec()))
    }
}

/// A fixed 2048-bit private key for test servers, so that tests need not generate
/// one (which takes seconds in debug builds).
///
/// **It is public (it ships in this crate's source): never use it for a real
/// deployment.**
pub fn test_server_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pem(include_str!("test_server_key.pem")).expect("built-in test key parses")
}

/// Telegram's production server key (fingerprint `0xd09d1d85de64fd85`).
pub fn telegram_production_key() -> RsaPublicKey {
    RsaPublicKey::from_pem(PRODUCTION_PEM).expect("built-in key parses")
}

/// Telegram's test-DC server key (fingerprint `0xb25898df208d2603`).
pub fn telegram_test_key() -> RsaPublicKey {
    RsaPublicKey::from_pem(TEST_PEM).expect("built-in key parses")
}

const PRODUCTION_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEA6LszBcC1LGzyr992NzE0ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g
5nKaMBwK/BIb9xUfg0Q29/2mgIR6Zr9krM7HjuIcCzFvDtr+L0GQjae9H0pRB2OO
62cECs5HKhT5DZ98K33vmWiLowc621dQuwKWSQKjWf50XYFw42h21P2KXUGyp2y/
+aEyZ+uVgLLQbRA1dEjSDZ2iGRy12Mk5gpYc397aYp438fsJoHIgJ2lgMv5h7WY9
t6N/byY9Nw9p21Og3AoXSL2q/2IJ1WRUhebgAdGVMlV1fkuOQoEzR7EdpqtQD9Cs
5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP8wIDAQAB
-----END RSA PUBLIC KEY-----";

const TEST_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAyMEdY1aR+sCR3ZSJrtztKTKqigvO/vBfqACJLZtS7QMgCGXJ6XIR
yy7mx66W0/sOFa7/1mAZtEoIokDP3ShoqF4fVNb6XeqgQfaUHd8wJpDWHcR2OFwv
plUUI1PLTktZ9uW2WE23b+ixNwJjJGwBDJPQEQFBE+vfmH0JP503wr5INS1poWg/
j25sIWeYPHYeOrFp/eXaqhISP6G+q2IeTaWTXpwZj4LzXq5YOpk4bYEQ6mvRq7D1
aHWfYmlEGepfaYR8Q0YqvvhYtMte3ITnuSJs171+GDqpdKcSwHnd6FudwGO4pcCO
j4WcDuXc2CTHgH8gFTNhp/Y8/SpDOhvn9QIDAQAB
-----END RSA PUBLIC KEY-----";

/// `v` as 256 big-endian bytes: zero-padded on the left, or its low 256 bytes
/// when longer (callers reduce mod a 2048-bit modulus first).
pub(crate) fn to_256(v: &BigUint) -> [u8; 256] {
    let bytes = v.to_bytes_be();
    let low = bytes
        .get(bytes.len().saturating_sub(256)..)
        .unwrap_or_default();
    let mut out = [0u8; 256];
    if let Some(dst) = out.get_mut(256usize.saturating_sub(low.len())..) {
        dst.copy_from_slice(low);
    }
    out
}

/// `a XOR b`, byte by byte.
pub(crate) fn xor<const N: usize>(a: &[u8; N], b: &[u8; N]) -> [u8; N] {
    let mut out = *a;
    for (o, b) in out.iter_mut().zip(b) {
        *o ^= b;
    }
    out
}

fn pem_decode(pem: &str) -> Result<(String, Vec<u8>), RsaError> {
    let begin = pem
        .find("-----BEGIN ")
        .ok_or(RsaError::NotPem("no BEGIN line"))?;
    let rest = pem
        .get(begin..)
        .and_then(|r| r.strip_prefix("-----BEGIN "))
        .ok_or(RsaError::NotPem("no BEGIN line"))?;
    let (label, after) = rest
        .split_once("-----")
        .ok_or(RsaError::NotPem("unterminated BEGIN line"))?;
    let label = label.to_string();
    let end_marker = format!("-----END {label}-----");
    // Searched after the BEGIN line only: in `-----BEGIN X-----END X-----` the
    // END marker found from the label on would overlap the BEGIN line.
    let (body, _) = after
        .split_once(&end_marker)
        .ok_or(RsaError::NotPem("no matching END line"))?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|e| match e {
            base64::DecodeError::InvalidByte(at, _) => RsaError::Base64(at),
            _ => RsaError::Base64(b64.len()),
        })?;
    Ok((label, der))
}

/// A minimal DER reader: just what RSA keys need.
struct Der<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Der<'a> {
    fn element(&mut self, tag: u8, what: &'static str) -> Result<&'a [u8], RsaError> {
        let err = |offset| RsaError::Der { offset, what };
        let start = self.pos;
        if self.buf.get(self.pos) != Some(&tag) {
            return Err(err(start));
        }
        let rest = self.buf.get(start..).unwrap_or_default();
        let Some((&[_, first], mut rest)) = rest.split_first_chunk::<2>() else {
            return Err(err(start));
        };
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(err(start));
            }
            let (bytes, after) = rest.split_at_checked(n).ok_or(err(start))?;
            rest = after;
            // At most 4 bytes: fits a usize.
            bytes
                .iter()
                .fold(0usize, |acc, b| acc << 8 | usize::from(*b))
        };
        let (content, after) = rest.split_at_checked(len).ok_or(err(start))?;
        // Everything consumed lies inside `buf`.
        self.pos = self.buf.len().saturating_sub(after.len());
        Ok(content)
    }

    fn sequence(&mut self) -> Result<Der<'a>, RsaError> {
        Ok(Der {
            buf: self.element(0x30, "SEQUENCE")?,
            pos: 0,
        })
    }

    fn integer(&mut self) -> Result<BigUint, RsaError> {
        Ok(BigUint::from_bytes_be(self.element(0x02, "INTEGER")?))
    }
}

fn der_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    match u8::try_from(len) {
        Ok(short) if short < 0x80 => out.push(short),
        _ => {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            // At most 8 bytes for a usize.
            out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(8));
            out.extend_from_slice(&bytes);
        }
    }
}

fn der_integer(out: &mut Vec<u8>, v: &BigUint) {
    let mut bytes = v.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    der_header(out, 0x02, bytes.len());
    out.extend_from_slice(&bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_fingerprints() {
        assert_eq!(
            telegram_production_key().fingerprint() as u64,
            0xd09d1d85de64fd85
        );
        assert_eq!(telegram_test_key().fingerprint() as u64, 0xb25898df208d2603);
    }

    #[test]
    fn an_end_marker_overlapping_the_begin_line_is_refused_not_a_panic() {
        for pem in [
            "-----BEGIN X-----END X-----",
            "-----BEGIN RSA PUBLIC KEY-----END RSA PUBLIC KEY-----",
            "-----BEGIN -----END -----",
        ] {
            assert_eq!(
                RsaPublicKey::from_pem(pem).unwrap_err(),
                RsaError::NotPem("no matching END line"),
                "{pem}"
            );
            assert!(RsaPrivateKey::from_pem(pem).is_err(), "{pem}");
        }
    }

    #[test]
    fn pem_round_trip() {
        let k = telegram_test_key();
        assert_eq!(RsaPublicKey::from_pem(&k.to_pkcs1_pem()).unwrap(), k);
        assert_eq!(k.to_pkcs1_pem().trim(), TEST_PEM.trim());
    }

    #[test]
    fn bad_pem_is_an_error() {
        assert!(matches!(
            RsaPublicKey::from_pem("hello"),
            Err(RsaError::NotPem(_))
        ));
        let truncated =
            "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----";
        assert!(matches!(
            RsaPublicKey::from_pem(truncated),
            Err(RsaError::Der { .. })
        ));
        let bad64 = "-----BEGIN RSA PUBLIC KEY-----\n!!!!\n-----END RSA PUBLIC KEY-----";
        assert!(matches!(
            RsaPublicKey::from_pem(bad64),
            Err(RsaError::Base64(_))
        ));
    }
}
