//! Splitting the handshake's `pq` into its two prime factors, on u64 in
//! Montgomery form: the elliptic-curve method ([`ecm`]) for the 61-63-bit
//! values servers send, Pollard-Brent (three walks in lockstep) for small
//! values and as the fallback that always ends.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::indexing_slicing,
    reason = "Montgomery arithmetic: products of two values below n < 2^64 fit a u128, and \
              every reduction leaves a value below n, so the narrowing casts are exact; the \
              walk arrays are indexed by counters below their length. The input is the \
              server's pq: the handshake fuzz target runs this with overflow checks on, and \
              the tests cover every composite below 3000 and 16 semiprimes of 61-63 bits"
)]

mod ecm;

/// Below this, rho's walks are short and cheaper than a curve's fixed cost.
const ECM_FROM: u64 = 1 << 40;
/// Curves tried before falling back to rho (a 31-bit factor needs a few).
const ECM_CURVES: u64 = 64;

/// Factorizes `pq` into `(p, q)` with `p <= q`, or None if `pq` is below 4 or prime.
///
/// Deterministic: the pseudo-random walk starts from fixed constants and moves on to
/// the next one if a walk fails, so no randomness needs to come in.
pub fn factorize(pq: u64) -> Option<(u64, u64)> {
    if pq < 4 {
        return None;
    }
    // Small factors and squares first: rho on a tiny modulus or on p² can
    // close its cycle modulo every factor at once, round after round.
    for p in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if pq.is_multiple_of(p) && pq > p {
            return Some((p, pq / p));
        }
    }
    let root = pq.isqrt();
    if root * root == pq {
        return Some((root, root));
    }
    // A prime would send rho round a cycle of up to 2^32 steps: refuse it up front.
    if is_prime(pq) {
        return None;
    }
    if pq >= ECM_FROM
        && let Some(d) = ecm::ecm(pq, ECM_CURVES)
    {
        let (a, b) = (d, pq / d);
        return Some(if a <= b { (a, b) } else { (b, a) });
    }
    for round in 0..16u64 {
        let c = [1, 2, 3].map(|i| round * 3 + i);
        if let Some(d) = brent(pq, c) {
            let (a, b) = (d, pq / d);
            return Some(if a <= b { (a, b) } else { (b, a) });
        }
    }
    None
}

/// Deterministic Miller-Rabin for every u64 (Jim Sinclair's seven bases are
/// enough below 2^64), in Montgomery form.
pub fn is_prime(n: u64) -> bool {
    const SMALL: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    const BASES: [u64; 7] = [2, 325, 9375, 28178, 450_775, 9_780_504, 1_795_265_022];
    if n < 2 {
        return false;
    }
    for p in SMALL {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    if n < 37 * 37 {
        return true;
    }
    let m = Montgomery::new(n);
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    let one = m.one();
    let minus_one = n - one;
    'bases: for a in BASES {
        let a = a % n;
        if a == 0 {
            continue;
        }
        let mut x = m.pow(m.to_montgomery(a), d);
        if x == one || x == minus_one {
            continue;
        }
        for _ in 1..s {
            x = m.mul(x, x);
            if x == minus_one {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

/// Arithmetic modulo an odd `n` in Montgomery form (R = 2^64): a product costs
/// three multiplications and no division.
#[derive(Clone, Copy)]
struct Montgomery {
    n: u64,
    /// n^-1 mod 2^64.
    n_inv: u64,
}

impl Montgomery {
    fn new(n: u64) -> Self {
        debug_assert!(n % 2 == 1);
        // Newton's iteration doubles the correct low bits each step: 3, 6, ..., 96.
        let mut n_inv = n;
        for _ in 0..5 {
            n_inv = n_inv.wrapping_mul(2u64.wrapping_sub(n.wrapping_mul(n_inv)));
        }
        Self { n, n_inv }
    }

    /// `a * b / R mod n`, for `a, b < n` (REDC; no overflow for any odd n).
    #[inline(always)]
    fn mul(self, a: u64, b: u64) -> u64 {
        let t = u128::from(a) * u128::from(b);
        let (lo, hi) = (t as u64, (t >> 64) as u64);
        let m = lo.wrapping_mul(self.n_inv);
        let mn_hi = ((u128::from(m) * u128::from(self.n)) >> 64) as u64;
        let (r, borrow) = hi.overflowing_sub(mn_hi);
        if borrow { r.wrapping_add(self.n) } else { r }
    }

    /// `a + b mod n`, for `a, b < n`.
    #[inline(always)]
    fn add(self, a: u64, b: u64) -> u64 {
        let (s, carry) = a.overflowing_add(b);
        if carry || s >= self.n {
            s.wrapping_sub(self.n)
        } else {
            s
        }
    }

    /// `a - b mod n`, for `a, b < n`.
    #[inline(always)]
    fn sub(self, a: u64, b: u64) -> u64 {
        let (d, borrow) = a.overflowing_sub(b);
        if borrow { d.wrapping_add(self.n) } else { d }
    }

    /// `a` out of Montgomery form.
    fn reduce(self, a: u64) -> u64 {
        self.mul(a, 1)
    }

    /// R mod n: 1 in Montgomery form.
    fn one(self) -> u64 {
        ((1u128 << 64) % u128::from(self.n)) as u64
    }

    fn to_montgomery(self, a: u64) -> u64 {
        ((u128::from(a) << 64) % u128::from(self.n)) as u64
    }

    fn pow(self, mut base: u64, mut e: u64) -> u64 {
        let mut r = self.one();
        while e > 0 {
            if e & 1 == 1 {
                r = self.mul(r, base);
            }
            base = self.mul(base, base);
            e >>= 1;
        }
        r
    }
}

/// Stein's binary gcd: shifts and subtractions only.
fn gcd(mut a: u64, mut b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// Brent's cycle-finding variant of Pollard's rho on `x^2 + c` in Montgomery
/// form (odd `n` only), `K` walks with different `c` in lockstep: one walk is a
/// chain of dependent multiplications that leaves the multiplier idle most of the
/// time, so the others ride along nearly free and the first to find a factor wins.
/// Each walk batches its gcds over `BATCH` steps.
fn brent<const K: usize>(n: u64, c: [u64; K]) -> Option<u64> {
    const BATCH: u64 = 128;
    let m = Montgomery::new(n);
    let one = m.one();
    // `add` wants both terms below n (a tiny n may be below the constants).
    let c = c.map(|c| c % n);
    let f = |x: u64, c: u64| m.add(m.mul(x, x), c);
    let mut y: [u64; K] = std::array::from_fn(|i| (c[i] + 2) % n);
    let mut q = [one; K];
    let mut r = 1u64;
    loop {
        let x = y;
        for _ in 0..r {
            for i in 0..K {
                y[i] = f(y[i], c[i]);
            }
        }
        let mut k = 0;
        while k < r {
            let ys = y;
            for _ in 0..BATCH.min(r - k) {
                for i in 0..K {
                    y[i] = f(y[i], c[i]);
                    q[i] = m.mul(q[i], x[i].abs_diff(y[i]));
                }
            }
            for i in 0..K {
                let g = gcd(q[i], n);
                if g == 1 {
                    continue;
                }
                if g != n {
                    return Some(g);
                }
                // The batch overshot: redo this walk's batch one step at a time.
                // Earlier batches left q a unit mod n, so some step of this
                // one shares a factor with n: it is found within the batch.
                let mut z = ys[i];
                for _ in 0..BATCH {
                    z = f(z, c[i]);
                    let g = gcd(x[i].abs_diff(z), n);
                    if g == n {
                        break;
                    }
                    if g > 1 {
                        return Some(g);
                    }
                }
                // This walk closed its cycle mod every factor at once: give up
                // this round; `factorize` starts new walks on unused constants.
                return None;
            }
            k += BATCH;
        }
        r *= 2;
        if r > 1 << 40 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example() {
        // From "Creating an Authorization Key": pq = 0x17ED48941A08F981.
        assert_eq!(
            factorize(0x17ED48941A08F981),
            Some((0x494C553B, 0x53911073))
        );
    }

    /// Products of two random primes of 30 to 32 bits, 61 to 63 bits long, as
    /// servers send them (the benchmark uses the same values).
    const SIXTEEN: [(u64, u64, u64); 16] = [
        (0x1765EC58D808D5B3, 0x37208027, 0x6CA82995),
        (0x3C542CF5998901B7, 0x4B5EADD1, 0xCCE97107),
        (0x42C24ED10993C42F, 0x54C604BB, 0xC999811D),
        (0x13DCD282D12EF07F, 0x32F034D3, 0x63D2BA25),
        (0x2B75395EF2CD8CB5, 0x53797861, 0x8546E4D5),
        (0x69165F126AF38167, 0x73C80A7B, 0xE85AD705),
        (0x1A12544BB6DA05FF, 0x4FB71EE1, 0x53BA20DF),
        (0x2FF805FCEF53B65B, 0x30CC8045, 0xFBA5561F),
        (0x6E64682146AD2057, 0x7879F249, 0xEA927D9F),
        (0x155CD36881B7AA27, 0x37B98C35, 0x6223D06B),
        (0x3A8429CABA3D5D23, 0x66004DC5, 0x92DCD5C7),
        (0x4C22847A3F83B1FD, 0x72D6ABD9, 0xA9B894C5),
        (0x117F1380DED19A8F, 0x2AC770CB, 0x68B3D8CD),
        (0x2D57C3EF409C0415, 0x53E3FB23, 0x8A5E3367),
        (0x41A2649819AF20AF, 0x4E991A89, 0xD5C6B377),
        (0x1F3B36C8791C9BEB, 0x3089AA9D, 0xA4B8B627),
    ];

    #[test]
    fn sixteen_server_sized_values() {
        for (pq, p, q) in SIXTEEN {
            assert_eq!(factorize(pq), Some((p, q)), "{pq:#x}");
            assert!(is_prime(p) && is_prime(q) && !is_prime(pq));
        }
    }

    #[test]
    fn montgomery_agrees_with_u128_arithmetic() {
        let mut x = 0x0123_4567_89ab_cdefu64;
        for n in [
            3u64,
            0x1765EC58D808D5B3,
            u64::MAX,
            (1 << 63) + 1,
            0xffff_ffff_0000_0001,
        ] {
            let m = Montgomery::new(n);
            for _ in 0..200 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let (a, b) = (x % n, x.rotate_left(29) % n);
                let (am, bm) = (m.to_montgomery(a), m.to_montgomery(b));
                let want = (u128::from(a) * u128::from(b) % u128::from(n)) as u64;
                assert_eq!(m.mul(m.mul(am, bm), 1), want, "{a} * {b} mod {n}");
                let sum = ((u128::from(a) + u128::from(b)) % u128::from(n)) as u64;
                assert_eq!(m.mul(m.add(am, bm), 1), sum, "{a} + {b} mod {n}");
            }
        }
        assert_eq!(gcd(0, 12), 12);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(1 << 40, 3 << 38), 1 << 38);
        assert_eq!(gcd(0x37208027 * 7, 0x1765EC58D808D5B3), 0x37208027);
    }

    #[test]
    fn primes_and_composites_near_the_edges() {
        // Strong pseudoprimes to several small bases, and the largest u64 primes.
        for c in [
            3_215_031_751u64,
            2_152_302_898_747,
            341_550_071_728_321,
            3_825_123_056_546_413_051,
        ] {
            assert!(!is_prime(c), "{c}");
        }
        for p in [
            18_446_744_073_709_551_557u64,
            18_446_744_073_709_551_533,
            9_223_372_036_854_775_783,
        ] {
            assert!(is_prime(p), "{p}");
        }
        for n in 0..5000u64 {
            assert_eq!(is_prime(n), is_prime_slow(n), "{n}");
        }
    }

    fn is_prime_slow(n: u64) -> bool {
        n >= 2
            && (2..)
                .take_while(|d| d * d <= n)
                .all(|d| !n.is_multiple_of(d))
    }

    /// Every small composite splits into two factors whose product it is
    /// (tiny moduli are below the walks' constants).
    #[test]
    fn every_small_composite_splits() {
        for n in 4..3000u64 {
            match factorize(n) {
                Some((p, q)) => {
                    assert!(p > 1 && p <= q && p * q == n, "{n} = {p} * {q}");
                }
                None => assert!(is_prime(n), "{n} not split"),
            }
        }
    }

    #[test]
    fn small_and_degenerate() {
        assert_eq!(factorize(15), Some((3, 5)));
        assert_eq!(factorize(4), Some((2, 2)));
        assert_eq!(factorize(3), None);
        assert_eq!(factorize(18_446_744_073_709_551_557), None); // the largest u64 prime
        assert!(is_prime(0x494C553B) && !is_prime(0x17ED48941A08F981));
        assert_eq!(factorize(0), None);
        assert_eq!(
            factorize(1_000_000_007 * 998_244_353),
            Some((998_244_353, 1_000_000_007))
        );
    }
}
