//! SRP-2048 for two-factor passwords ("Two-factor authentication"), both sides: the
//! client's proof from `account.password`'s
//! `passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow`, and the
//! server's verification of it, so a test server can check what clients compute.
#![allow(
    clippy::arithmetic_side_effects,
    reason = "BigUint arithmetic cannot overflow; every `%` is by the group's p, which \
              `group()` has checked to be a 2048-bit safe prime, and the one subtraction \
              (`g_b + p - k_v`) has k_v reduced mod p first"
)]

use crate::crypto::sha256;
use crate::dh::{DhError, check_prime_and_generator};
use num_bigint::BigUint;
use num_traits::Zero;
use rand_core::RngCore;

/// PBKDF2 iterations of the algorithm Telegram uses.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// The parameters of the password algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SrpParams {
    /// First salt (the client appends 32 random bytes when setting a password).
    pub salt1: Vec<u8>,
    /// Second salt.
    pub salt2: Vec<u8>,
    /// Generator.
    pub g: i32,
    /// 2048-bit safe prime, big-endian.
    pub p: Vec<u8>,
}

/// Why SRP refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrpError {
    /// The group is unsafe.
    #[error("SRP group: {0}")]
    Group(#[from] DhError),
    /// `g_b` (srp_B) or `g_a` is not in 1..p.
    #[error("SRP value {0} out of range")]
    OutOfRange(&'static str),
}

use crate::rsa::to_256 as pad256;

/// `SH(data, salt) = SHA256(salt | data | salt)`.
fn sh(data: &[u8], salt: &[u8]) -> [u8; 32] {
    sha256(&[salt, data, salt])
}

/// `PH2(password, salt1, salt2)`: the password hash `x` is made from.
pub fn password_hash(password: &[u8], salt1: &[u8], salt2: &[u8]) -> [u8; 32] {
    let ph1 = sh(&sh(password, salt1), salt2);
    let mut derived = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(&ph1, salt1, PBKDF2_ITERATIONS, &mut derived);
    sh(&derived, salt2)
}

struct Group {
    p: BigUint,
    g: BigUint,
    g_padded: [u8; 256],
    p_padded: [u8; 256],
}

fn group(params: &SrpParams) -> Result<Group, SrpError> {
    let p = BigUint::from_bytes_be(&params.p);
    check_prime_and_generator(&p, params.g)?;
    let g = BigUint::from(params.g as u32);
    Ok(Group {
        g_padded: pad256(&g),
        p_padded: pad256(&p),
        p,
        g,
    })
}

/// `v = g^x mod p`: what the server stores (and what a client sends as
/// `new_password_hash` when setting a password).
pub fn verifier(params: &SrpParams, password: &[u8]) -> Result<[u8; 256], SrpError> {
    let grp = group(params)?;
    let x = BigUint::from_bytes_be(&password_hash(password, &params.salt1, &params.salt2));
    Ok(pad256(&grp.g.modpow(&x, &grp.p)))
}

fn m1(
    grp: &Group,
    params: &SrpParams,
    g_a: &[u8; 256],
    g_b: &[u8; 256],
    k_a: &[u8; 32],
) -> [u8; 32] {
    let hp = sha256(&[&grp.p_padded]);
    let hg = sha256(&[&grp.g_padded]);
    let x = crate::rsa::xor(&hp, &hg);
    sha256(&[
        &x,
        &sha256(&[&params.salt1]),
        &sha256(&[&params.salt2]),
        g_a,
        g_b,
        k_a,
    ])
}

/// The client's answer to `account.password`: `(A, M1)` for `inputCheckPasswordSRP`.
pub fn client_proof(
    params: &SrpParams,
    password: &[u8],
    srp_b: &[u8],
    rng: &mut impl RngCore,
) -> Result<([u8; 256], [u8; 32]), SrpError> {
    let grp = group(params)?;
    let g_b = BigUint::from_bytes_be(srp_b);
    if g_b.is_zero() || g_b >= grp.p {
        return Err(SrpError::OutOfRange("srp_B"));
    }
    let x = BigUint::from_bytes_be(&password_hash(password, &params.salt1, &params.salt2));
    let v = grp.g.modpow(&x, &grp.p);
    let k = BigUint::from_bytes_be(&sha256(&[&grp.p_padded, &grp.g_padded]));
    let k_v = (&k * &v) % &grp.p;
    let (a, g_a) = loop {
        let mut a = [0u8; 256];
        rng.fill_bytes(&mut a);
        let a = BigUint::from_bytes_be(&a);
        let g_a = grp.g.modpow(&a, &grp.p);
        if crate::dh::check_range("g_a", &g_a, &grp.p).is_ok() {
            break (a, g_a);
        }
    };
    let g_a_bytes = pad256(&g_a);
    let g_b_bytes = pad256(&g_b);
    let u = BigUint::from_bytes_be(&sha256(&[&g_a_bytes, &g_b_bytes]));
    let t = ((&g_b + &grp.p) - k_v) % &grp.p;
    let s_a = t.modpow(&(a + u * x), &grp.p);
    let k_a = sha256(&[&pad256(&s_a)]);
    Ok((g_a_bytes, m1(&grp, params, &g_a_bytes, &g_b_bytes, &k_a)))
}

/// The server half of one password check.
#[derive(Clone)]
pub struct SrpServer {
    params: SrpParams,
    v: BigUint,
    b: BigUint,
    g_b: [u8; 256],
}

impl std::fmt::Debug for SrpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrpServer").finish_non_exhaustive()
    }
}

impl SrpServer {
    /// Starts a check for the stored verifier `v`; `srp_b()` goes into `account.password`.
    pub fn new(params: SrpParams, v: &[u8], rng: &mut impl RngCore) -> Result<Self, SrpError> {
        let grp = group(&params)?;
        let v = BigUint::from_bytes_be(v);
        let k = BigUint::from_bytes_be(&sha256(&[&grp.p_padded, &grp.g_padded]));
        let mut b = [0u8; 256];
        rng.fill_bytes(&mut b);
        let b = BigUint::from_bytes_be(&b);
        let g_b = (k * &v + grp.g.modpow(&b, &grp.p)) % &grp.p;
        Ok(Self {
            params,
            v,
            b,
            g_b: pad256(&g_b),
        })
    }

    /// `srp_B` to send.
    pub fn srp_b(&self) -> [u8; 256] {
        self.g_b
    }

    /// Whether `(A, M1)` proves knowledge of the password.
    pub fn verify(&self, g_a: &[u8], m1_client: &[u8]) -> Result<bool, SrpError> {
        let grp = group(&self.params)?;
        let a = BigUint::from_bytes_be(g_a);
        if a.is_zero() || a >= grp.p {
            return Err(SrpError::OutOfRange("A"));
        }
        let g_a_bytes = pad256(&a);
        let u = BigUint::from_bytes_be(&sha256(&[&g_a_bytes, &self.g_b]));
        let s_b = (a * self.v.modpow(&u, &grp.p)).modpow(&self.b, &grp.p);
        let k_b = sha256(&[&pad256(&s_b)]);
        let expected = m1(&grp, &self.params, &g_a_bytes, &self.g_b, &k_b);
        Ok(expected.as_slice() == m1_client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::SeededRng as Rng;

    fn params() -> SrpParams {
        SrpParams {
            salt1: vec![1; 40],
            salt2: vec![2; 16],
            g: 3,
            p: crate::dh::telegram_dh_prime().to_bytes_be(),
        }
    }

    #[test]
    fn right_password_verifies_wrong_one_does_not() {
        let rng = &mut Rng::new(3);
        let p = params();
        let v = verifier(&p, b"hunter2").unwrap();
        let server = SrpServer::new(p.clone(), &v, rng).unwrap();
        let (a, m1) = client_proof(&p, b"hunter2", &server.srp_b(), rng).unwrap();
        assert_eq!(server.verify(&a, &m1), Ok(true));
        let (a, m1) = client_proof(&p, b"hunter3", &server.srp_b(), rng).unwrap();
        assert_eq!(server.verify(&a, &m1), Ok(false));
        assert_eq!(server.verify(&[0], &m1), Err(SrpError::OutOfRange("A")));
        assert_eq!(
            client_proof(&p, b"x", &[0], rng),
            Err(SrpError::OutOfRange("srp_B"))
        );
        let bad = SrpParams { g: 2, ..p };
        assert!(matches!(verifier(&bad, b"x"), Err(SrpError::Group(_))));
    }
}
