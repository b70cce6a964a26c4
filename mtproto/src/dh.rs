//! The Diffie-Hellman checks of the spec's security guidelines: a safe 2048-bit
//! prime, a generator in 2..=7 with the right residue, and public values strictly
//! inside (2^(2048-64), p - 2^(2048-64)).
#![allow(
    clippy::arithmetic_side_effects,
    reason = "BigUint arithmetic cannot overflow; its two panics are bounded away before each \
              use: p has 2048 bits before `p - 1` and `p - margin` (checked `p > margin` \
              first), and Miller-Rabin's n is at least 49 before `n - 3` (small primes and \
              their multiples return early); every divisor is a nonzero constant or that n"
)]

use crate::crypto::sha256;
use num_bigint::BigUint;
use num_traits::{One, Zero};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// Why DH parameters or values were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DhError {
    /// The prime is not 2048 bits.
    #[error("dh_prime has {0} bits, not 2048")]
    PrimeBits(u64),
    /// The prime or (p-1)/2 is composite.
    #[error("dh_prime is not a safe prime")]
    NotSafePrime,
    /// g is not in 2..=7.
    #[error("g = {0} is not in 2..=7")]
    BadGenerator(i32),
    /// g does not generate the subgroup of order (p-1)/2 (its residue condition fails).
    #[error("g = {0} fails its quadratic-residue condition for this prime")]
    GeneratorResidue(i32),
    /// g_a, g_b (or g itself) is outside the allowed range.
    #[error("{0} is outside (2^1984, dh_prime - 2^1984)")]
    OutOfRange(&'static str),
}

/// Telegram's well-known 2048-bit safe prime, checked once and then recognised.
pub const TELEGRAM_DH_PRIME_HEX: &str = "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b";

/// Telegram's prime as a number.
pub fn telegram_dh_prime() -> BigUint {
    BigUint::parse_bytes(TELEGRAM_DH_PRIME_HEX.as_bytes(), 16).unwrap_or_default()
}

fn known_safe() -> &'static Mutex<HashSet<[u8; 32]>> {
    static CACHE: OnceLock<Mutex<HashSet<[u8; 32]>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Checks `dh_prime` and `g` as the spec requires. A prime seen safe before (by hash)
/// is not tested again; Telegram's own prime is the common case.
pub fn check_prime_and_generator(p: &BigUint, g: i32) -> Result<(), DhError> {
    if p.bits() != 2048 {
        return Err(DhError::PrimeBits(p.bits()));
    }
    if !(2..=7).contains(&g) {
        return Err(DhError::BadGenerator(g));
    }
    let rem = |m: u32| {
        (p % BigUint::from(m))
            .to_u32_digits()
            .first()
            .copied()
            .unwrap_or(0)
    };
    let ok = match g {
        2 => rem(8) == 7,
        3 => rem(3) == 2,
        4 => true,
        5 => matches!(rem(5), 1 | 4),
        6 => matches!(rem(24), 19 | 23),
        _ => matches!(rem(7), 3 | 5 | 6),
    };
    if !ok {
        return Err(DhError::GeneratorResidue(g));
    }
    // Fast path: Telegram's own prime, proven safe by this module's tests.
    static TELEGRAM: OnceLock<BigUint> = OnceLock::new();
    if p == TELEGRAM.get_or_init(telegram_dh_prime) {
        return Ok(());
    }
    let key = sha256(&[&p.to_bytes_be()]);
    if known_safe()
        .lock()
        .map(|s| s.contains(&key))
        .unwrap_or(false)
    {
        return Ok(());
    }
    let q: BigUint = (p - 1u32) >> 1;
    if !is_probable_prime(p, 32) || !is_probable_prime(&q, 32) {
        return Err(DhError::NotSafePrime);
    }
    if let Ok(mut s) = known_safe().lock() {
        s.insert(key);
    }
    Ok(())
}

/// Checks `1 < x < p - 1` and `2^(2048-64) < x < p - 2^(2048-64)` for g, g_a or g_b.
pub fn check_range(name: &'static str, x: &BigUint, p: &BigUint) -> Result<(), DhError> {
    let margin = BigUint::one() << (2048 - 64);
    if x <= &margin || p <= &margin || x >= &(p - &margin) {
        return Err(DhError::OutOfRange(name));
    }
    Ok(())
}

/// Miller-Rabin with `rounds` bases derived from SHA-256 of `n` and the round number.
/// Needing no randomness keeps this crate sans-IO; since the bases depend on `n`
/// itself, a forged composite would have to fool bases it cannot choose, which
/// happens with probability at most 4^-rounds per attempt.
pub fn is_probable_prime(n: &BigUint, rounds: u32) -> bool {
    let two = BigUint::from(2u32);
    if n < &two {
        return false;
    }
    for small in [2u32, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47] {
        if (n % small).is_zero() {
            return n == &BigUint::from(small);
        }
    }
    let n1 = n - 1u32;
    let s = n1.trailing_zeros().unwrap_or(0);
    let d = &n1 >> s;
    let seed = n.to_bytes_be();
    'rounds: for i in 0..rounds {
        let h = sha256(&[&seed, &i.to_le_bytes()]);
        let a = BigUint::from_bytes_be(&h) % (n - 3u32) + 2u32;
        let mut x = a.modpow(&d, n);
        if x.is_one() || x == n1 {
            continue;
        }
        for _ in 1..s {
            x = x.modpow(&two, n);
            if x == n1 {
                continue 'rounds;
            }
        }
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_prime_is_safe_with_g3() {
        let p = telegram_dh_prime();
        assert_eq!(p.bits(), 2048);
        // The fast path skips the test: prove here that it would pass.
        assert!(is_probable_prime(&p, 32));
        assert!(is_probable_prime(&((&p - 1u32) >> 1), 32));
        assert_eq!(check_prime_and_generator(&p, 3), Ok(()));
        // Cached second time round.
        assert_eq!(check_prime_and_generator(&p, 3), Ok(()));
    }

    #[test]
    fn bad_parameters_are_refused() {
        let p = telegram_dh_prime();
        assert_eq!(
            check_prime_and_generator(&p, 1),
            Err(DhError::BadGenerator(1))
        );
        assert_eq!(
            check_prime_and_generator(&p, 8),
            Err(DhError::BadGenerator(8))
        );
        // p mod 8 for this prime is 3, so g = 2 fails its condition.
        assert_eq!(
            check_prime_and_generator(&p, 2),
            Err(DhError::GeneratorResidue(2))
        );
        let not_prime = &p + 2u32;
        assert!(matches!(
            check_prime_and_generator(&not_prime, 4),
            Err(DhError::NotSafePrime)
        ));
        let small = BigUint::from(23u32);
        assert_eq!(
            check_prime_and_generator(&small, 3),
            Err(DhError::PrimeBits(5))
        );
    }

    #[test]
    fn range_edges() {
        let p = telegram_dh_prime();
        let margin = BigUint::one() << 1984;
        assert!(check_range("g_a", &margin, &p).is_err());
        assert!(check_range("g_a", &(&margin + 1u32), &p).is_ok());
        assert!(check_range("g_a", &(&p - &margin), &p).is_err());
        assert!(check_range("g_a", &(&p - &margin - 1u32), &p).is_ok());
        assert!(check_range("g_a", &BigUint::from(2u32), &p).is_err());
    }
}
