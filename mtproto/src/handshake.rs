//! Auth-key creation ("Creating an Authorization Key") as two sans-IO state machines.
//!
//! Each step takes the peer's TL bytes (the body of a plain message, see
//! [`crate::plain`]) and returns the next state and the bytes to send. Randomness
//! comes in as an [`RngCore`]; the current time as a Unix timestamp.
//!
//! Client: [`client_start`] → [`ClientStep1::handle_res_pq`] →
//! [`ClientStep2::handle_server_dh_params`] → [`ClientStep3::handle_dh_answer`].
//! It sends `p_q_inner_data_dc` with `RSA_PAD`, and makes every check of the spec's
//! security guidelines, each with its own [`HandshakeError`] variant.
//!
//! Server: [`server_start`] → [`ServerStep1::handle_req_dh_params`] →
//! [`ServerStep2::handle_set_client_dh_params`]. It accepts `RSA_PAD` and the older
//! `sha1 + data + padding` form (which Telethon sends), and every `p_q_inner_data`
//! variant.

use crate::crypto::{AuthKey, decrypt_ige, encrypt_ige, handshake_aes_key_iv, sha1};
use crate::dh::{DhError, check_prime_and_generator, check_range};
use crate::factorize::{factorize, is_prime};
use crate::rsa::{RsaError, RsaPrivateKey, RsaPublicKey, to_256};
use ferrogram_tl_types::{
    BareDeserializable, Deserializable, DeserializeError, Identifiable, Reader, Serializable,
    enums, functions, types,
};
use num_bigint::BigUint;
use rand_core::RngCore;

/// How many `dh_gen_retry` answers a client accepts before giving up.
pub const MAX_RETRIES: u32 = 5;

/// Why a handshake step failed. Each security check has its own variant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The peer's bytes are not valid TL of the expected type.
    #[error("invalid handshake message: {0}")]
    Decode(#[from] DeserializeError),
    /// A packet of the handshake is not a valid plain (unencrypted) message.
    #[error("invalid plain message: {0}")]
    Plain(#[from] crate::plain::PlainError),
    /// A request of another kind arrived (server side).
    #[error("expected {expected}, got constructor {got:#010x}")]
    UnexpectedMessage {
        /// What was expected.
        expected: &'static str,
        /// The constructor id received.
        got: u32,
    },
    /// The `nonce` echoed back is not ours.
    #[error("nonce mismatch")]
    NonceMismatch,
    /// The `server_nonce` echoed back is not the server's.
    #[error("server_nonce mismatch")]
    ServerNonceMismatch,
    /// `new_nonce_hash1`, `2` or `3` does not match.
    #[error("new_nonce_hash{0} mismatch")]
    NewNonceHashMismatch(u8),
    /// None of the server's fingerprints names a key we have.
    #[error("no known RSA key among the server's fingerprints {0:x?}")]
    UnknownFingerprints(Vec<i64>),
    /// `pq` is not a product of two primes we could find.
    #[error("cannot factorize pq = {0}")]
    Factorization(u64),
    /// `pq`, `p` or `q` sent back do not match (server side).
    #[error("p and q do not match pq")]
    PqMismatch,
    /// RSA failed.
    #[error("RSA: {0}")]
    Rsa(#[from] RsaError),
    /// A DH parameter or value failed its check.
    #[error("DH: {0}")]
    Dh(#[from] DhError),
    /// The server answered `server_DH_params_fail` (its hash checked).
    #[error("server refused the DH parameters (server_DH_params_fail)")]
    ServerDhParamsFail,
    /// The SHA-1 inside an encrypted answer does not match its content.
    #[error("hash of the encrypted {0} does not match")]
    AnswerHash(&'static str),
    /// The encrypted part has an impossible length or padding.
    #[error("encrypted {0} has an invalid length")]
    EncryptedLength(&'static str),
    /// The server answered `dh_gen_fail`.
    #[error("server answered dh_gen_fail")]
    DhGenFail,
    /// `dh_gen_retry` came more than [`MAX_RETRIES`] times.
    #[error("too many dh_gen_retry answers")]
    TooManyRetries,
}

/// What a finished handshake yields, on either side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    /// The new authorization key.
    pub auth_key: AuthKey,
    /// `server_time - now` when the client received `server_DH_inner_data` (0 on the server).
    pub time_offset: i32,
    /// The first server salt: `new_nonce[0..8] XOR server_nonce[0..8]`.
    pub first_salt: i64,
}

fn random<const N: usize>(rng: &mut impl RngCore) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill_bytes(&mut b);
    b
}

fn new_nonce_hash(new_nonce: &[u8; 32], n: u8, auth_key: &AuthKey) -> [u8; 16] {
    let h = sha1(&[new_nonce, &[n], &auth_key.aux_hash()]);
    let mut out = [0u8; 16];
    out.copy_from_slice(&h[4..]);
    out
}

fn first_salt(new_nonce: &[u8; 32], server_nonce: &[u8; 16]) -> i64 {
    let mut s = [0u8; 8];
    for (o, (a, b)) in s.iter_mut().zip(new_nonce.iter().zip(server_nonce)) {
        *o = a ^ b;
    }
    i64::from_le_bytes(s)
}

/// `sha1(data) + data + random padding` to a multiple of 16, AES-IGE encrypted.
fn encrypt_with_hash(
    data: &[u8],
    key: &[u8; 32],
    iv: &[u8; 32],
    rng: &mut impl RngCore,
) -> Vec<u8> {
    let mut buf = Vec::with_capacity(data.len().saturating_add(36));
    buf.extend_from_slice(&sha1(&[data]));
    buf.extend_from_slice(data);
    // To the next multiple of 16 (2^64 is one, so the wrapped negation works).
    let mut padding = [0u8; 16];
    let padding = padding
        .get_mut(..buf.len().wrapping_neg() % 16)
        .unwrap_or_default();
    rng.fill_bytes(padding);
    buf.extend_from_slice(padding);
    // The length is a multiple of 16 by construction.
    let _ = encrypt_ige(&mut buf, key, iv);
    buf
}

/// Decrypts `sha1(data) + data + padding`, decodes `T` from it, checks the hash over
/// exactly the bytes `T` used and that fewer than 16 padding bytes follow.
fn decrypt_with_hash<T: Deserializable>(
    encrypted: &[u8],
    key: &[u8; 32],
    iv: &[u8; 32],
    what: &'static str,
) -> Result<T, HandshakeError> {
    if !encrypted.len().is_multiple_of(16) || encrypted.len() < 32 {
        return Err(HandshakeError::EncryptedLength(what));
    }
    let mut buf = encrypted.to_vec();
    decrypt_ige(&mut buf, key, iv).map_err(|_| HandshakeError::EncryptedLength(what))?;
    let (hash, rest) = buf
        .split_first_chunk::<20>()
        .ok_or(HandshakeError::EncryptedLength(what))?;
    let mut r = Reader::new(rest);
    let value = T::deserialize(&mut r)?;
    let (used, padding) = rest
        .split_at_checked(r.position())
        .ok_or(HandshakeError::EncryptedLength(what))?;
    if sha1(&[used]) != *hash {
        return Err(HandshakeError::AnswerHash(what));
    }
    if padding.len() >= 16 {
        return Err(HandshakeError::EncryptedLength(what));
    }
    Ok(value)
}

// ----- client -------------------------------------------------------------------

/// Starts a handshake: the client's state and its `req_pq_multi`.
pub fn client_start(rng: &mut impl RngCore) -> (ClientStep1, Vec<u8>) {
    let nonce = random::<16>(rng);
    (
        ClientStep1 { nonce },
        functions::ReqPqMulti { nonce }.to_bytes(),
    )
}

/// Waiting for `resPQ`.
#[derive(Clone, Debug)]
pub struct ClientStep1 {
    nonce: [u8; 16],
}

impl ClientStep1 {
    /// Handles `resPQ`: checks the nonce, picks a known key, factorizes `pq`, and sends
    /// `req_DH_params` with `p_q_inner_data_dc` encrypted by `RSA_PAD`.
    ///
    /// `dc_id` is the DC being connected to (10000 + id for test DCs, negative for
    /// media-only ones), as `p_q_inner_data_dc` requires.
    pub fn handle_res_pq(
        self,
        response: &[u8],
        keys: &[RsaPublicKey],
        dc_id: i32,
        rng: &mut impl RngCore,
    ) -> Result<(ClientStep2, Vec<u8>), HandshakeError> {
        let enums::ResPQ::ResPQ(res) = enums::ResPQ::from_bytes(response)?;
        if res.nonce != self.nonce {
            return Err(HandshakeError::NonceMismatch);
        }
        let key = res
            .server_public_key_fingerprints
            .iter()
            .find_map(|fp| keys.iter().find(|k| k.fingerprint() == *fp))
            .ok_or_else(|| {
                HandshakeError::UnknownFingerprints(res.server_public_key_fingerprints.clone())
            })?;
        if res.pq.len() > 8 {
            return Err(HandshakeError::Factorization(u64::MAX));
        }
        let pq = res.pq.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
        let (p, q) = factorize(pq).ok_or(HandshakeError::Factorization(pq))?;
        let new_nonce = random::<32>(rng);
        let inner = enums::PQInnerData::from(types::PQInnerDataDc {
            pq: res.pq.clone(),
            p: trim_be(p),
            q: trim_be(q),
            nonce: self.nonce,
            server_nonce: res.server_nonce,
            new_nonce,
            dc: dc_id,
        });
        let encrypted = key.encrypt_rsa_pad(&inner.to_bytes(), rng)?;
        let request = functions::ReqDHParams {
            nonce: self.nonce,
            server_nonce: res.server_nonce,
            p: trim_be(p),
            q: trim_be(q),
            public_key_fingerprint: key.fingerprint(),
            encrypted_data: encrypted.to_vec(),
        };
        Ok((
            ClientStep2 {
                nonce: self.nonce,
                server_nonce: res.server_nonce,
                new_nonce,
            },
            request.to_bytes(),
        ))
    }
}

fn trim_be(v: u64) -> Vec<u8> {
    let b = v.to_be_bytes();
    let skip = b.iter().take_while(|x| **x == 0).count().min(7);
    b.get(skip..).unwrap_or_default().to_vec()
}

/// Waiting for `server_DH_params_ok`.
#[derive(Clone, Debug)]
pub struct ClientStep2 {
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    new_nonce: [u8; 32],
}

/// DH state kept for `dh_gen_retry`.
#[derive(Clone, Debug)]
struct DhState {
    p: BigUint,
    g: BigUint,
    g_a: BigUint,
    key: [u8; 32],
    iv: [u8; 32],
}

impl ClientStep2 {
    /// Handles `server_DH_params_ok`: decrypts and checks `server_DH_inner_data` (hash,
    /// nonces, safe prime, generator, g_a range), computes the key and sends
    /// `set_client_DH_params`. `now` is the client's Unix time, for the clock offset.
    pub fn handle_server_dh_params(
        self,
        response: &[u8],
        now: i32,
        rng: &mut impl RngCore,
    ) -> Result<(ClientStep3, Vec<u8>), HandshakeError> {
        let ok = match enums::ServerDHParams::from_bytes(response)? {
            enums::ServerDHParams::Fail(fail) => {
                check_nonces(
                    &fail.nonce,
                    &fail.server_nonce,
                    &self.nonce,
                    &self.server_nonce,
                )?;
                let h = sha1(&[&self.new_nonce]);
                if fail.new_nonce_hash[..] != h[4..] {
                    return Err(HandshakeError::NewNonceHashMismatch(0));
                }
                return Err(HandshakeError::ServerDhParamsFail);
            }
            enums::ServerDHParams::Ok(ok) => ok,
        };
        check_nonces(&ok.nonce, &ok.server_nonce, &self.nonce, &self.server_nonce)?;
        let (key, iv) = handshake_aes_key_iv(&self.new_nonce, &self.server_nonce);
        let enums::ServerDHInnerData::ServerDHInnerData(inner) =
            decrypt_with_hash::<enums::ServerDHInnerData>(
                &ok.encrypted_answer,
                &key,
                &iv,
                "server_DH_inner_data",
            )?;
        check_nonces(
            &inner.nonce,
            &inner.server_nonce,
            &self.nonce,
            &self.server_nonce,
        )?;
        let p = BigUint::from_bytes_be(&inner.dh_prime);
        check_prime_and_generator(&p, inner.g)?;
        let g = BigUint::from(inner.g as u32);
        let g_a = BigUint::from_bytes_be(&inner.g_a);
        check_range("g_a", &g_a, &p)?;
        let dh = DhState { p, g, g_a, key, iv };
        let time_offset = inner.server_time.wrapping_sub(now);
        let mut step = ClientStep3 {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            new_nonce: self.new_nonce,
            dh,
            auth_key: AuthKey::from_bytes([0; 256]),
            time_offset,
            retries: 0,
        };
        let request = step.next_attempt(0, rng)?;
        Ok((step, request))
    }
}

fn check_nonces(
    nonce: &[u8; 16],
    server_nonce: &[u8; 16],
    ours: &[u8; 16],
    servers: &[u8; 16],
) -> Result<(), HandshakeError> {
    if nonce != ours {
        return Err(HandshakeError::NonceMismatch);
    }
    if server_nonce != servers {
        return Err(HandshakeError::ServerNonceMismatch);
    }
    Ok(())
}

/// Waiting for `dh_gen_ok`, `dh_gen_retry` or `dh_gen_fail`.
#[derive(Clone, Debug)]
pub struct ClientStep3 {
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    new_nonce: [u8; 32],
    dh: DhState,
    auth_key: AuthKey,
    time_offset: i32,
    retries: u32,
}

/// The result of the last client step.
// Made once per handshake and moved straight out: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum ClientOutcome {
    /// The key is made.
    Done(Created),
    /// The server asked for another `b`: send these bytes and handle the next answer.
    Retry(ClientStep3, Vec<u8>),
}

impl ClientStep3 {
    /// Picks a fresh `b`, computes `g_b` and the key, and encrypts `client_DH_inner_data`.
    fn next_attempt(
        &mut self,
        retry_id: i64,
        rng: &mut impl RngCore,
    ) -> Result<Vec<u8>, HandshakeError> {
        let (b, g_b) = loop {
            let b = BigUint::from_bytes_be(&random::<256>(rng));
            let g_b = self.dh.g.modpow(&b, &self.dh.p);
            if check_range("g_b", &g_b, &self.dh.p).is_ok() {
                break (b, g_b);
            }
        };
        self.auth_key = AuthKey::from_bytes(to_256(&self.dh.g_a.modpow(&b, &self.dh.p)));
        let inner = enums::ClientDHInnerData::from(types::ClientDHInnerData {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            retry_id,
            g_b: g_b.to_bytes_be(),
        });
        let encrypted = encrypt_with_hash(&inner.to_bytes(), &self.dh.key, &self.dh.iv, rng);
        Ok(functions::SetClientDHParams {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            encrypted_data: encrypted,
        }
        .to_bytes())
    }

    /// Handles the answer to `set_client_DH_params`, checking its nonce hash.
    pub fn handle_dh_answer(
        mut self,
        response: &[u8],
        rng: &mut impl RngCore,
    ) -> Result<ClientOutcome, HandshakeError> {
        let answer = enums::SetClientDHParamsAnswer::from_bytes(response)?;
        let (nonce, server_nonce, hash, n) = match &answer {
            enums::SetClientDHParamsAnswer::DhGenOk(a) => {
                (a.nonce, a.server_nonce, a.new_nonce_hash1, 1)
            }
            enums::SetClientDHParamsAnswer::DhGenRetry(a) => {
                (a.nonce, a.server_nonce, a.new_nonce_hash2, 2)
            }
            enums::SetClientDHParamsAnswer::DhGenFail(a) => {
                (a.nonce, a.server_nonce, a.new_nonce_hash3, 3)
            }
        };
        check_nonces(&nonce, &server_nonce, &self.nonce, &self.server_nonce)?;
        if hash != new_nonce_hash(&self.new_nonce, n, &self.auth_key) {
            return Err(HandshakeError::NewNonceHashMismatch(n));
        }
        match n {
            1 => Ok(ClientOutcome::Done(Created {
                auth_key: self.auth_key,
                time_offset: self.time_offset,
                first_salt: first_salt(&self.new_nonce, &self.server_nonce),
            })),
            2 => {
                self.retries = self.retries.saturating_add(1);
                if self.retries > MAX_RETRIES {
                    return Err(HandshakeError::TooManyRetries);
                }
                let retry_id = i64::from_le_bytes(self.auth_key.aux_hash());
                let request = self.next_attempt(retry_id, rng)?;
                Ok(ClientOutcome::Retry(self, request))
            }
            _ => Err(HandshakeError::DhGenFail),
        }
    }
}

// ----- server -------------------------------------------------------------------

/// What a server needs to run handshakes: its private key and DH group.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The RSA key whose fingerprint the server offers.
    pub key: RsaPrivateKey,
    /// The DH prime (Telegram's by default).
    pub dh_prime: BigUint,
    /// The DH generator.
    pub g: i32,
}

impl ServerConfig {
    /// A server using `key` and Telegram's DH group (g = 3).
    pub fn new(key: RsaPrivateKey) -> Self {
        Self {
            key,
            dh_prime: crate::dh::telegram_dh_prime(),
            g: 3,
        }
    }
}

/// Handles `req_pq` or `req_pq_multi`: answers `resPQ` with a fresh `pq`.
pub fn server_start(
    request: &[u8],
    config: &ServerConfig,
    rng: &mut impl RngCore,
) -> Result<(ServerStep1, Vec<u8>), HandshakeError> {
    let mut r = Reader::new(request);
    let id = r.read_u32()?;
    let nonce = match id {
        functions::ReqPqMulti::CONSTRUCTOR_ID => {
            functions::ReqPqMulti::deserialize_bare(&mut r)?.nonce
        }
        functions::ReqPq::CONSTRUCTOR_ID => functions::ReqPq::deserialize_bare(&mut r)?.nonce,
        got => {
            return Err(HandshakeError::UnexpectedMessage {
                expected: "req_pq_multi",
                got,
            });
        }
    };
    r.finish()?;
    let p = random_prime(rng, 1 << 30);
    let q = loop {
        let q = random_prime(rng, 1 << 30);
        if q != p {
            break q;
        }
    };
    let (p, q) = if p < q { (p, q) } else { (q, p) };
    let server_nonce = random::<16>(rng);
    // Both below 2^31 (random_prime sets bits under `low` = 2^30): no overflow.
    let pq = p.saturating_mul(q);
    let res = enums::ResPQ::from(types::ResPQ {
        nonce,
        server_nonce,
        pq: trim_be(pq),
        server_public_key_fingerprints: vec![config.key.public().fingerprint()],
    });
    Ok((
        ServerStep1 {
            nonce,
            server_nonce,
            p,
            q,
        },
        res.to_bytes(),
    ))
}

fn random_prime(rng: &mut impl RngCore, low: u64) -> u64 {
    loop {
        let candidate = low | rng.next_u64().checked_rem(low).unwrap_or(0) | 1;
        if is_prime(candidate) {
            return candidate;
        }
    }
}

/// Waiting for `req_DH_params`.
#[derive(Clone, Debug)]
pub struct ServerStep1 {
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    p: u64,
    q: u64,
}

impl ServerStep1 {
    /// Handles `req_DH_params`: checks nonces, fingerprint and factors, decrypts the
    /// inner data (`RSA_PAD`, else the older SHA-1 form), and answers
    /// `server_DH_params_ok`. `now` is the server's Unix time.
    pub fn handle_req_dh_params(
        self,
        request: &[u8],
        config: &ServerConfig,
        now: i32,
        rng: &mut impl RngCore,
    ) -> Result<(ServerStep2, Vec<u8>), HandshakeError> {
        let req: functions::ReqDHParams = read_request(request)?;
        check_nonces(
            &req.nonce,
            &req.server_nonce,
            &self.nonce,
            &self.server_nonce,
        )?;
        if req.public_key_fingerprint != config.key.public().fingerprint() {
            return Err(HandshakeError::UnknownFingerprints(vec![
                req.public_key_fingerprint,
            ]));
        }
        if req.p != trim_be(self.p) || req.q != trim_be(self.q) {
            return Err(HandshakeError::PqMismatch);
        }
        let inner = decrypt_inner_data(&config.key, &req.encrypted_data)?;
        let (pq, p, q, nonce, server_nonce, new_nonce) = match inner {
            enums::PQInnerData::PQInnerData(d) => {
                (d.pq, d.p, d.q, d.nonce, d.server_nonce, d.new_nonce)
            }
            enums::PQInnerData::Dc(d) => (d.pq, d.p, d.q, d.nonce, d.server_nonce, d.new_nonce),
            enums::PQInnerData::Temp(d) => (d.pq, d.p, d.q, d.nonce, d.server_nonce, d.new_nonce),
            enums::PQInnerData::TempDc(d) => (d.pq, d.p, d.q, d.nonce, d.server_nonce, d.new_nonce),
        };
        check_nonces(&nonce, &server_nonce, &self.nonce, &self.server_nonce)?;
        if pq != trim_be(self.p.saturating_mul(self.q))
            || p != trim_be(self.p)
            || q != trim_be(self.q)
        {
            return Err(HandshakeError::PqMismatch);
        }
        let g = BigUint::from(config.g as u32);
        let (a, g_a) = loop {
            let a = BigUint::from_bytes_be(&random::<256>(rng));
            let g_a = g.modpow(&a, &config.dh_prime);
            if check_range("g_a", &g_a, &config.dh_prime).is_ok() {
                break (a, g_a);
            }
        };
        let answer = enums::ServerDHInnerData::from(types::ServerDHInnerData {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            g: config.g,
            dh_prime: config.dh_prime.to_bytes_be(),
            g_a: g_a.to_bytes_be(),
            server_time: now,
        });
        let (key, iv) = handshake_aes_key_iv(&new_nonce, &self.server_nonce);
        let encrypted_answer = encrypt_with_hash(&answer.to_bytes(), &key, &iv, rng);
        let response = enums::ServerDHParams::from(types::ServerDHParamsOk {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            encrypted_answer,
        });
        Ok((
            ServerStep2 {
                nonce: self.nonce,
                server_nonce: self.server_nonce,
                new_nonce,
                a,
                key,
                iv,
            },
            response.to_bytes(),
        ))
    }
}

/// Reads a whole request of type `T` (id included), refusing any other constructor.
fn read_request<T: Identifiable + BareDeserializable>(bytes: &[u8]) -> Result<T, HandshakeError> {
    let mut r = Reader::new(bytes);
    let got = r.read_u32()?;
    if got != T::CONSTRUCTOR_ID {
        return Err(HandshakeError::UnexpectedMessage {
            expected: T::NAME,
            got,
        });
    }
    let value = T::deserialize_bare(&mut r)?;
    r.finish()?;
    Ok(value)
}

fn decrypt_inner_data(
    key: &RsaPrivateKey,
    encrypted: &[u8],
) -> Result<enums::PQInnerData, HandshakeError> {
    if let Ok(padded) = key.decrypt_rsa_pad(encrypted) {
        let mut r = Reader::new(&padded);
        return Ok(enums::PQInnerData::deserialize(&mut r)?);
    }
    let (hash, data) = key.decrypt_sha1_padded(encrypted)?;
    let mut r = Reader::new(&data);
    let inner = enums::PQInnerData::deserialize(&mut r)?;
    if sha1(&[data.get(..r.position()).unwrap_or_default()]) != hash {
        return Err(HandshakeError::Rsa(RsaError::BadHash));
    }
    Ok(inner)
}

/// Waiting for `set_client_DH_params`.
#[derive(Clone, Debug)]
pub struct ServerStep2 {
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    new_nonce: [u8; 32],
    a: BigUint,
    key: [u8; 32],
    iv: [u8; 32],
}

impl ServerStep2 {
    /// Handles `set_client_DH_params`: decrypts and checks `client_DH_inner_data`
    /// (hash, nonces, g_b range), makes the key and answers `dh_gen_ok`.
    pub fn handle_set_client_dh_params(
        self,
        request: &[u8],
        config: &ServerConfig,
    ) -> Result<(Created, Vec<u8>), HandshakeError> {
        let req: functions::SetClientDHParams = read_request(request)?;
        check_nonces(
            &req.nonce,
            &req.server_nonce,
            &self.nonce,
            &self.server_nonce,
        )?;
        let enums::ClientDHInnerData::ClientDHInnerData(inner) =
            decrypt_with_hash::<enums::ClientDHInnerData>(
                &req.encrypted_data,
                &self.key,
                &self.iv,
                "client_DH_inner_data",
            )?;
        check_nonces(
            &inner.nonce,
            &inner.server_nonce,
            &self.nonce,
            &self.server_nonce,
        )?;
        let g_b = BigUint::from_bytes_be(&inner.g_b);
        check_range("g_b", &g_b, &config.dh_prime)?;
        let auth_key = AuthKey::from_bytes(to_256(&g_b.modpow(&self.a, &config.dh_prime)));
        let answer = enums::SetClientDHParamsAnswer::from(types::DhGenOk {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            new_nonce_hash1: new_nonce_hash(&self.new_nonce, 1, &auth_key),
        });
        let created = Created {
            auth_key,
            time_offset: 0,
            first_salt: first_salt(&self.new_nonce, &self.server_nonce),
        };
        Ok((created, answer.to_bytes()))
    }

    /// Answers `dh_gen_retry` instead (for testing clients): the client must send a new
    /// `g_b` with `retry_id` set.
    pub fn retry(
        self,
        request: &[u8],
        config: &ServerConfig,
    ) -> Result<(ServerStep2, Vec<u8>), HandshakeError> {
        let (created, _) = self
            .clone_state()
            .handle_set_client_dh_params(request, config)?;
        let answer = enums::SetClientDHParamsAnswer::from(types::DhGenRetry {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            new_nonce_hash2: new_nonce_hash(&self.new_nonce, 2, &created.auth_key),
        });
        Ok((self, answer.to_bytes()))
    }

    fn clone_state(&self) -> ServerStep2 {
        ServerStep2 {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            new_nonce: self.new_nonce,
            a: self.a.clone(),
            key: self.key,
            iv: self.iv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dh::telegram_dh_prime;

    use crate::testing::SeededRng as TestRng;

    #[allow(non_snake_case)]
    fn TestRng(seed: u64) -> TestRng {
        TestRng::new(seed)
    }

    fn config() -> ServerConfig {
        let pem = include_str!("../tests/data/test_rsa_private.pem");
        ServerConfig::new(RsaPrivateKey::from_pem(pem).expect("test key"))
    }

    const NOW: i32 = 1_764_000_000;

    /// Runs the first two client steps against the server; returns everything needed
    /// to tamper with the third.
    fn to_step3(cfg: &ServerConfig, rng: &mut TestRng) -> (ClientStep3, Vec<u8>, ServerStep2) {
        let keys = [cfg.key.public().clone()];
        let (c1, req) = client_start(rng);
        let (s1, res) = server_start(&req, cfg, rng).unwrap();
        let (c2, req) = c1.handle_res_pq(&res, &keys, 2, rng).unwrap();
        let (s2, res) = s1.handle_req_dh_params(&req, cfg, NOW + 30, rng).unwrap();
        let (c3, req) = c2.handle_server_dh_params(&res, NOW, rng).unwrap();
        (c3, req, s2)
    }

    #[test]
    fn client_and_server_agree() {
        let cfg = config();
        let rng = &mut TestRng(7);
        let (c3, req, s2) = to_step3(&cfg, rng);
        assert_eq!(c3.time_offset, 30);
        let (server, res) = s2.handle_set_client_dh_params(&req, &cfg).unwrap();
        let ClientOutcome::Done(client) = c3.handle_dh_answer(&res, rng).unwrap() else {
            panic!("retry")
        };
        assert_eq!(client.auth_key, server.auth_key);
        assert_eq!(client.first_salt, server.first_salt);
        assert_eq!(client.time_offset, 30);
    }

    #[test]
    fn dh_gen_retry_then_ok() {
        let cfg = config();
        let rng = &mut TestRng(8);
        let (c3, req, s2) = to_step3(&cfg, rng);
        let first_key = c3.auth_key.clone();
        let (s2, res) = s2.retry(&req, &cfg).unwrap();
        let ClientOutcome::Retry(c3, req) = c3.handle_dh_answer(&res, rng).unwrap() else {
            panic!("done")
        };
        assert_ne!(c3.auth_key, first_key);
        let (server, res) = s2.handle_set_client_dh_params(&req, &cfg).unwrap();
        let ClientOutcome::Done(client) = c3.handle_dh_answer(&res, rng).unwrap() else {
            panic!("retry")
        };
        assert_eq!(client.auth_key, server.auth_key);
    }

    #[test]
    fn too_many_retries() {
        let cfg = config();
        let rng = &mut TestRng(9);
        let (mut c3, mut req, mut s2) = to_step3(&cfg, rng);
        for _ in 0..MAX_RETRIES {
            let (s, res) = s2.retry(&req, &cfg).unwrap();
            s2 = s;
            let ClientOutcome::Retry(c, r) = c3.handle_dh_answer(&res, rng).unwrap() else {
                panic!()
            };
            (c3, req) = (c, r);
        }
        let (_, res) = s2.retry(&req, &cfg).unwrap();
        assert_eq!(
            c3.handle_dh_answer(&res, rng).unwrap_err(),
            HandshakeError::TooManyRetries
        );
    }

    #[test]
    fn dh_gen_fail_and_bad_hashes() {
        let cfg = config();
        let rng = &mut TestRng(10);
        let (c3, _req, _s2) = to_step3(&cfg, rng);
        let fail = |hash| {
            enums::SetClientDHParamsAnswer::from(types::DhGenFail {
                nonce: c3.nonce,
                server_nonce: c3.server_nonce,
                new_nonce_hash3: hash,
            })
            .to_bytes()
        };
        let good = fail(new_nonce_hash(&c3.new_nonce, 3, &c3.auth_key));
        let bad = fail([0; 16]);
        let ok_bad = enums::SetClientDHParamsAnswer::from(types::DhGenOk {
            nonce: c3.nonce,
            server_nonce: c3.server_nonce,
            new_nonce_hash1: [1; 16],
        })
        .to_bytes();
        let retry_bad = enums::SetClientDHParamsAnswer::from(types::DhGenRetry {
            nonce: c3.nonce,
            server_nonce: c3.server_nonce,
            new_nonce_hash2: [2; 16],
        })
        .to_bytes();
        let wrong_nonce = enums::SetClientDHParamsAnswer::from(types::DhGenOk {
            nonce: [9; 16],
            server_nonce: c3.server_nonce,
            new_nonce_hash1: [1; 16],
        })
        .to_bytes();
        let run = |bytes: &[u8]| {
            let step = ClientStep3 {
                dh: c3.dh.clone(),
                auth_key: c3.auth_key.clone(),
                ..*copy(&c3)
            };
            step.handle_dh_answer(bytes, &mut TestRng(1)).unwrap_err()
        };
        assert_eq!(run(&good), HandshakeError::DhGenFail);
        assert_eq!(run(&bad), HandshakeError::NewNonceHashMismatch(3));
        assert_eq!(run(&ok_bad), HandshakeError::NewNonceHashMismatch(1));
        assert_eq!(run(&retry_bad), HandshakeError::NewNonceHashMismatch(2));
        assert_eq!(run(&wrong_nonce), HandshakeError::NonceMismatch);
    }

    /// The plain-data fields of a step, for rebuilding it in tests.
    fn copy(c: &ClientStep3) -> Box<ClientStep3> {
        Box::new(ClientStep3 {
            nonce: c.nonce,
            server_nonce: c.server_nonce,
            new_nonce: c.new_nonce,
            dh: c.dh.clone(),
            auth_key: c.auth_key.clone(),
            time_offset: c.time_offset,
            retries: c.retries,
        })
    }

    #[test]
    fn res_pq_checks() {
        let cfg = config();
        let rng = &mut TestRng(11);
        let (c1, req) = client_start(rng);
        let (_, res) = server_start(&req, &cfg, rng).unwrap();
        let enums::ResPQ::ResPQ(good) = enums::ResPQ::from_bytes(&res).unwrap();
        let with = |f: &dyn Fn(&mut types::ResPQ)| {
            let mut r = (*good).clone();
            f(&mut r);
            enums::ResPQ::from(r).to_bytes()
        };
        let keys = [cfg.key.public().clone()];
        let step = |bytes: &[u8], keys: &[RsaPublicKey]| {
            ClientStep1 { nonce: c1.nonce }
                .handle_res_pq(bytes, keys, 2, &mut TestRng(2))
                .map(|_| ())
                .unwrap_err()
        };
        assert_eq!(
            step(&with(&|r| r.nonce[0] ^= 1), &keys),
            HandshakeError::NonceMismatch
        );
        assert!(matches!(
            step(&res, &[crate::rsa::telegram_test_key()]),
            HandshakeError::UnknownFingerprints(_)
        ));
        let prime = 0x494C553Bu64.to_be_bytes().to_vec();
        assert_eq!(
            step(&with(&|r| r.pq = prime.clone()), &keys),
            HandshakeError::Factorization(0x494C553B)
        );
        assert_eq!(
            step(&with(&|r| r.pq = vec![1; 9]), &keys),
            HandshakeError::Factorization(u64::MAX)
        );
        assert!(matches!(step(&res[..10], &keys), HandshakeError::Decode(_)));
    }

    /// Builds a `server_DH_params_ok` around `inner` as the server would, for the
    /// client state `c2`.
    fn answer(c2: &ClientStep2, inner: types::ServerDHInnerData, tamper_hash: bool) -> Vec<u8> {
        let (key, iv) = handshake_aes_key_iv(&c2.new_nonce, &c2.server_nonce);
        let data = enums::ServerDHInnerData::from(inner).to_bytes();
        let mut plain = sha1(&[&data]).to_vec();
        if tamper_hash {
            plain[0] ^= 1;
        }
        plain.extend_from_slice(&data);
        plain.resize(plain.len().div_ceil(16) * 16, 0);
        encrypt_ige(&mut plain, &key, &iv).unwrap();
        enums::ServerDHParams::from(types::ServerDHParamsOk {
            nonce: c2.nonce,
            server_nonce: c2.server_nonce,
            encrypted_answer: plain,
        })
        .to_bytes()
    }

    #[test]
    fn server_dh_inner_data_checks() {
        let c2 = ClientStep2 {
            nonce: [1; 16],
            server_nonce: [2; 16],
            new_nonce: [3; 32],
        };
        let p = telegram_dh_prime();
        let g_a = BigUint::from(3u32).modpow(&BigUint::from(123_456_789_u64).pow(40), &p);
        let good = types::ServerDHInnerData {
            nonce: c2.nonce,
            server_nonce: c2.server_nonce,
            g: 3,
            dh_prime: p.to_bytes_be(),
            g_a: g_a.to_bytes_be(),
            server_time: NOW,
        };
        let run = |inner: types::ServerDHInnerData, tamper: bool| {
            let c = ClientStep2 { ..c2 };
            let bytes = answer(&c, inner, tamper);
            ClientStep2 {
                nonce: c.nonce,
                server_nonce: c.server_nonce,
                new_nonce: c.new_nonce,
            }
            .handle_server_dh_params(&bytes, NOW, &mut TestRng(3))
            .map(|_| ())
        };
        assert_eq!(run(good.clone(), false), Ok(()));
        assert_eq!(
            run(good.clone(), true),
            Err(HandshakeError::AnswerHash("server_DH_inner_data"))
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    nonce: [0; 16],
                    ..good.clone()
                },
                false
            ),
            Err(HandshakeError::NonceMismatch)
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    server_nonce: [0; 16],
                    ..good.clone()
                },
                false
            ),
            Err(HandshakeError::ServerNonceMismatch)
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    g: 9,
                    ..good.clone()
                },
                false
            ),
            Err(DhError::BadGenerator(9).into())
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    g: 2,
                    ..good.clone()
                },
                false
            ),
            Err(DhError::GeneratorResidue(2).into())
        );
        let not_safe = (&p + 2u32).to_bytes_be();
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    dh_prime: not_safe,
                    g: 4,
                    ..good.clone()
                },
                false
            ),
            Err(DhError::NotSafePrime.into())
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    dh_prime: vec![0xff; 200],
                    ..good.clone()
                },
                false
            ),
            Err(DhError::PrimeBits(1600).into())
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    g_a: vec![1],
                    ..good.clone()
                },
                false
            ),
            Err(DhError::OutOfRange("g_a").into())
        );
        assert_eq!(
            run(
                types::ServerDHInnerData {
                    g_a: (&p - 1u32).to_bytes_be(),
                    ..good.clone()
                },
                false
            ),
            Err(DhError::OutOfRange("g_a").into())
        );
        // The outer envelope's nonces are checked too.
        let mut bytes = answer(&c2, good.clone(), false);
        bytes[4] ^= 1;
        let c = ClientStep2 { ..c2 };
        assert_eq!(
            c.handle_server_dh_params(&bytes, NOW, &mut TestRng(3))
                .map(|_| ()),
            Err(HandshakeError::NonceMismatch)
        );
    }

    #[test]
    fn server_dh_params_fail() {
        let c2 = || ClientStep2 {
            nonce: [1; 16],
            server_nonce: [2; 16],
            new_nonce: [3; 32],
        };
        let h = sha1(&[&[3u8; 32]]);
        let mut hash = [0u8; 16];
        hash.copy_from_slice(&h[4..]);
        let fail = |new_nonce_hash| {
            enums::ServerDHParams::from(types::ServerDHParamsFail {
                nonce: [1; 16],
                server_nonce: [2; 16],
                new_nonce_hash,
            })
            .to_bytes()
        };
        let run = |b: &[u8]| {
            c2().handle_server_dh_params(b, NOW, &mut TestRng(4))
                .map(|_| ())
                .unwrap_err()
        };
        assert_eq!(run(&fail(hash)), HandshakeError::ServerDhParamsFail);
        assert_eq!(run(&fail([0; 16])), HandshakeError::NewNonceHashMismatch(0));
    }

    #[test]
    fn server_checks() {
        let cfg = config();
        let rng = &mut TestRng(12);
        let keys = [cfg.key.public().clone()];
        let (c1, req) = client_start(rng);
        assert!(matches!(
            server_start(&req[..8], &cfg, rng),
            Err(HandshakeError::Decode(_))
        ));
        assert!(matches!(
            server_start(
                &functions::ReqDHParams::CONSTRUCTOR_ID.to_le_bytes(),
                &cfg,
                rng
            ),
            Err(HandshakeError::UnexpectedMessage { .. })
        ));
        let (s1, res) = server_start(&req, &cfg, rng).unwrap();
        let (_, req) = c1.handle_res_pq(&res, &keys, 2, rng).unwrap();
        let mut r = Reader::new(&req[4..]);
        let good = functions::ReqDHParams::deserialize_bare(&mut r).unwrap();
        let run = |s: &ServerStep1, f: &dyn Fn(&mut functions::ReqDHParams)| {
            let mut q = good.clone();
            f(&mut q);
            ServerStep1 { ..*s_copy(s) }
                .handle_req_dh_params(&q.to_bytes(), &cfg, NOW, &mut TestRng(5))
                .map(|_| ())
                .unwrap_err()
        };
        assert_eq!(
            run(&s1, &|q| q.nonce[0] ^= 1),
            HandshakeError::NonceMismatch
        );
        assert_eq!(
            run(&s1, &|q| q.server_nonce[0] ^= 1),
            HandshakeError::ServerNonceMismatch
        );
        assert!(matches!(
            run(&s1, &|q| q.public_key_fingerprint ^= 1),
            HandshakeError::UnknownFingerprints(_)
        ));
        assert_eq!(
            run(&s1, &|q| std::mem::swap(&mut q.p, &mut q.q)),
            HandshakeError::PqMismatch
        );
        assert!(matches!(
            run(&s1, &|q| q.encrypted_data[100] ^= 1),
            HandshakeError::Rsa(_) | HandshakeError::Decode(_)
        ));
    }

    fn s_copy(s: &ServerStep1) -> Box<ServerStep1> {
        Box::new(ServerStep1 {
            nonce: s.nonce,
            server_nonce: s.server_nonce,
            p: s.p,
            q: s.q,
        })
    }

    #[test]
    fn server_accepts_telethon_style_sha1_padding_and_plain_inner_data() {
        let cfg = config();
        let rng = &mut TestRng(13);
        let (c1, req) = client_start(rng);
        let (s1, res) = server_start(&req, &cfg, rng).unwrap();
        let enums::ResPQ::ResPQ(res) = enums::ResPQ::from_bytes(&res).unwrap();
        let pq = res.pq.iter().fold(0u64, |a, b| a << 8 | u64::from(*b));
        let (p, q) = factorize(pq).unwrap();
        let new_nonce = [5u8; 32];
        let inner = enums::PQInnerData::from(types::PQInnerData {
            pq: res.pq.clone(),
            p: trim_be(p),
            q: trim_be(q),
            nonce: c1.nonce,
            server_nonce: res.server_nonce,
            new_nonce,
        });
        let encrypted = cfg
            .key
            .public()
            .encrypt_sha1_padded(&inner.to_bytes(), rng)
            .unwrap();
        let req = functions::ReqDHParams {
            nonce: c1.nonce,
            server_nonce: res.server_nonce,
            p: trim_be(p),
            q: trim_be(q),
            public_key_fingerprint: cfg.key.public().fingerprint(),
            encrypted_data: encrypted.to_vec(),
        };
        let (s2, _) = s1
            .handle_req_dh_params(&req.to_bytes(), &cfg, NOW, rng)
            .unwrap();
        assert_eq!(s2.new_nonce, new_nonce);
    }

    #[test]
    fn server_rejects_g_b_out_of_range() {
        let cfg = config();
        let rng = &mut TestRng(14);
        let (c3, _, s2) = to_step3(&cfg, rng);
        let inner = enums::ClientDHInnerData::from(types::ClientDHInnerData {
            nonce: c3.nonce,
            server_nonce: c3.server_nonce,
            retry_id: 0,
            g_b: vec![2],
        });
        let encrypted = encrypt_with_hash(&inner.to_bytes(), &c3.dh.key, &c3.dh.iv, rng);
        let req = functions::SetClientDHParams {
            nonce: c3.nonce,
            server_nonce: c3.server_nonce,
            encrypted_data: encrypted,
        };
        assert_eq!(
            s2.handle_set_client_dh_params(&req.to_bytes(), &cfg)
                .unwrap_err(),
            HandshakeError::Dh(DhError::OutOfRange("g_b"))
        );
    }
}
