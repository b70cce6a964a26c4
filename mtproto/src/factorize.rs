//! Splitting the handshake's `pq` into its two prime factors (Pollard-Brent on u64).

/// Factorizes `pq` into `(p, q)` with `p <= q`, or None if `pq` is below 4 or prime.
///
/// Deterministic: the pseudo-random walk starts from fixed constants and moves on to
/// the next one if a walk fails, so no randomness needs to come in.
pub fn factorize(pq: u64) -> Option<(u64, u64)> {
    if pq < 4 {
        return None;
    }
    if pq.is_multiple_of(2) {
        return Some((2, pq / 2));
    }
    // A prime would send rho round a cycle of up to 2^32 steps: refuse it up front.
    if is_prime(pq) {
        return None;
    }
    for c in 1..64u64 {
        if let Some(d) = brent(pq, 2 + c, c) {
            let (a, b) = (d, pq / d);
            return Some(if a <= b { (a, b) } else { (b, a) });
        }
    }
    None
}

/// Deterministic Miller-Rabin for every u64 (these bases are enough below 3.3e24).
pub fn is_prime(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for p in BASES {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    'bases: for a in BASES {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

fn pow_mod(mut b: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1u64;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b, m);
        }
        b = mul_mod(b, b, m);
        e >>= 1;
    }
    r
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    ((a as u128 * b as u128) % m as u128) as u64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Brent's cycle-finding variant of Pollard's rho, batching gcds over `m` steps.
fn brent(n: u64, y0: u64, c: u64) -> Option<u64> {
    let f = |x: u64| (mul_mod(x, x, n) + c) % n;
    let m = 128u64;
    let (mut y, mut r, mut q) = (y0 % n, 1u64, 1u64);
    let (mut g, mut x, mut ys) = (1u64, 0u64, 0u64);
    while g == 1 {
        x = y;
        for _ in 0..r {
            y = f(y);
        }
        let mut k = 0;
        while k < r && g == 1 {
            ys = y;
            for _ in 0..m.min(r - k) {
                y = f(y);
                q = mul_mod(q, x.abs_diff(y), n);
            }
            g = gcd(q, n);
            k += m;
        }
        r *= 2;
        if r > 1 << 40 {
            return None;
        }
    }
    if g == n {
        loop {
            ys = f(ys);
            g = gcd(x.abs_diff(ys), n);
            if g > 1 {
                break;
            }
        }
    }
    (g != n && g != 1).then_some(g)
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
