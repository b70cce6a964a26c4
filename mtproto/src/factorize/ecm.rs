//! Lenstra's elliptic-curve method for the handshake's 61-63-bit `pq`: each
//! curve is a fresh chance whose cost does not grow with the factor, so for
//! two 31-bit primes a few curves beat rho's 2^16 steps.
//!
//! Montgomery curves `By² = x³ + Ax² + x` in XZ coordinates (no y, no
//! inversions in the loop), Suyama's parametrization (group orders divisible
//! by 12), stage 1 by the Montgomery ladder over every prime power up to
//! [`B1`], stage 2 by baby steps and giant steps over `m·D ± j` up to about
//! [`B2`]. The layout follows the "micro-ECM" of Ben Buhrow's YAFU in spirit;
//! the code is written from the textbook formulas (Montgomery 1987;
//! Crandall & Pomerance, *Prime Numbers*, §7.4).

use super::{Montgomery, gcd};

/// Stage 1 bound: every prime power up to it divides the scalar.
const B1: u64 = 250;
/// Stage 2's modulus: baby steps are the `j < D/2` prime to it.
const D: u64 = 60;
/// Giant steps: stage 2 covers `m·D ± j` for `m` up to this (about 25·B1).
///
/// B1 and B2 were chosen on 300 random products of two 31-bit primes
/// (the test below): B1 = 125, 165, 250, 300 and 400 with B2 near 25·B1
/// cost within 12% of each other in instructions (callgrind); 250 needs
/// 3.9 curves a value on average and 22 at worst, 125 needs 7.1 and 41.
const GIANT_STEPS: u64 = 105;
/// Baby steps: the odd `j < D/2` prime to `D`.
const BABY: [u64; 8] = [1, 7, 11, 13, 17, 19, 23, 29];

/// The stage-1 scalar, the product of the largest power of each prime up
/// to [`B1`], cut into u64 chunks (multiplying by each chunk in turn).
const STAGE1: ([u64; 8], usize) = stage1_chunks();

const fn stage1_chunks() -> ([u64; 8], usize) {
    let mut chunks = [1u64; 8];
    let mut n = 0;
    let mut p = 2;
    while p <= B1 {
        let mut d = 2;
        let mut prime = true;
        while d * d <= p {
            if p % d == 0 {
                prime = false;
            }
            d += 1;
        }
        if prime {
            let mut q = p;
            while q * p <= B1 {
                q *= p;
            }
            if chunks[n].checked_mul(q).is_none() {
                n += 1;
            }
            chunks[n] *= q;
        }
        p += 1;
    }
    (chunks, n + 1)
}

/// A point `(X : Z)` of the curve.
#[derive(Clone, Copy)]
struct Point {
    x: u64,
    z: u64,
}

/// One curve: `a24 = (A + 2) / 4`, in Montgomery form.
struct Curve {
    m: Montgomery,
    a24: u64,
}

impl Curve {
    /// `2P`.
    #[inline(always)]
    fn double(&self, p: Point) -> Point {
        let m = self.m;
        let s = m.add(p.x, p.z);
        let d = m.sub(p.x, p.z);
        let s2 = m.mul(s, s);
        let d2 = m.mul(d, d);
        let t = m.sub(s2, d2);
        Point {
            x: m.mul(s2, d2),
            z: m.mul(t, m.add(d2, m.mul(self.a24, t))),
        }
    }

    /// `P + Q`, knowing `P - Q`.
    #[inline(always)]
    fn add(&self, p: Point, q: Point, diff: Point) -> Point {
        let m = self.m;
        let u = m.mul(m.sub(p.x, p.z), m.add(q.x, q.z));
        let v = m.mul(m.add(p.x, p.z), m.sub(q.x, q.z));
        let s = m.add(u, v);
        let d = m.sub(u, v);
        Point {
            x: m.mul(diff.z, m.mul(s, s)),
            z: m.mul(diff.x, m.mul(d, d)),
        }
    }

    /// `kP` by the Montgomery ladder (`k >= 1`).
    fn multiply(&self, p: Point, k: u64) -> Point {
        let mut r0 = p;
        let mut r1 = self.double(p);
        let top = 63 - k.leading_zeros();
        for bit in (0..top).rev() {
            if (k >> bit) & 1 == 1 {
                r0 = self.add(r1, r0, p);
                r1 = self.double(r1);
            } else {
                r1 = self.add(r1, r0, p);
                r0 = self.double(r0);
            }
        }
        r0
    }
}

/// What one curve found.
enum Outcome {
    Factor(u64),
    /// Nothing, or every factor at once: try the next curve.
    Nothing,
}

/// Tries up to `curves` curves on odd composite `n` (no factor below 41, not
/// a square); the first proper factor found.
pub(super) fn ecm(n: u64, curves: u64) -> Option<u64> {
    let m = Montgomery::new(n);
    for sigma in 6..6 + curves {
        if let Outcome::Factor(f) = one_curve(m, n, sigma) {
            return Some(f);
        }
    }
    None
}

/// `x^-1 mod n` for `x` prime to `n`, else the gcd (a factor, or `n`).
fn inverse(x: u64, n: u64) -> Result<u64, u64> {
    let (mut r0, mut r1) = (i128::from(n), i128::from(x % n));
    let (mut t0, mut t1) = (0i128, 1i128);
    while r1 != 0 {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (t0, t1) = (t1, t0 - q * t1);
    }
    if r0 != 1 {
        return Err(r0 as u64);
    }
    Ok(t0.rem_euclid(i128::from(n)) as u64)
}

/// Suyama's curve for `sigma`, its starting point, then both stages.
fn one_curve(m: Montgomery, n: u64, sigma: u64) -> Outcome {
    let s = m.to_montgomery(sigma);
    let u = m.sub(m.mul(s, s), m.to_montgomery(5));
    let v = m.add(m.add(s, s), m.add(s, s));
    let u3 = m.mul(m.mul(u, u), u);
    let v3 = m.mul(m.mul(v, v), v);
    // a24 = (v - u)^3 (3u + v) / (16 u^3 v).
    let vu = m.sub(v, u);
    let num = m.mul(m.mul(m.mul(vu, vu), vu), m.add(m.add(u, u), m.add(u, v)));
    let four = m.to_montgomery(4);
    let den = m.mul(m.mul(m.mul(four, four), u3), v);
    let den_inv = match inverse(m.reduce(den), n) {
        Ok(i) => m.to_montgomery(i),
        Err(g) if g > 1 && g < n => return Outcome::Factor(g),
        Err(_) => return Outcome::Nothing,
    };
    let curve = Curve {
        m,
        a24: m.mul(num, den_inv),
    };
    // Stage 1.
    let mut q = Point { x: u3, z: v3 };
    let (chunks, count) = STAGE1;
    for &k in &chunks[..count] {
        q = curve.multiply(q, k);
    }
    match gcd(m.reduce(q.z), n) {
        1 => {}
        g if g < n => return Outcome::Factor(g),
        _ => return Outcome::Nothing,
    }
    stage2(&curve, n, q)
}

/// Stage 2: a product over every `m·D ± j` of `X_m·Z_j - X_j·Z_m`, which is
/// zero modulo a factor `p` if `Q`'s order mod `p` divides one of them.
fn stage2(curve: &Curve, n: u64, q: Point) -> Outcome {
    let m = curve.m;
    // Baby steps: jQ for the odd j < D/2 (those prime to D are kept).
    let q2 = curve.double(q);
    let mut odd = [q; (D / 4) as usize];
    for i in 1..odd.len() {
        let prev2 = if i >= 2 { odd[i - 2] } else { q };
        odd[i] = if i == 1 {
            curve.add(q2, q, q)
        } else {
            curve.add(odd[i - 1], q2, prev2)
        };
    }
    let baby = BABY.map(|j| odd[(j / 2) as usize]);
    let baby_xz = baby.map(|b| m.mul(b.x, b.z));
    // Giant steps: (mD)Q for m = 1, 2, ...
    let g = curve.multiply(q, D);
    let mut prev = g;
    let mut cur = curve.double(g);
    let mut acc = m.one();
    let step = |giant: Point, acc: &mut u64| {
        let gxz = m.mul(giant.x, giant.z);
        for (b, bxz) in baby.iter().zip(baby_xz) {
            // (Xg - Xb)(Zg + Zb) - XgZg + XbZb = XgZb - XbZg.
            let t = m.mul(m.sub(giant.x, b.x), m.add(giant.z, b.z));
            *acc = m.mul(*acc, m.add(m.sub(t, gxz), bxz));
        }
    };
    step(prev, &mut acc);
    for _ in 2..=GIANT_STEPS {
        step(cur, &mut acc);
        let next = curve.add(cur, g, prev);
        (prev, cur) = (cur, next);
    }
    match gcd(m.reduce(acc), n) {
        g if g > 1 && g < n => Outcome::Factor(g),
        _ => Outcome::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random primes of 31 bits (top bit set), deterministic.
    fn primes() -> impl FnMut() -> u64 {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        move || {
            loop {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let c = (x >> 33) | (1 << 30) | 1;
                if super::super::is_prime(c) {
                    return c;
                }
            }
        }
    }

    /// Curves alone split every one of 300 products of two 31-bit primes,
    /// each within the curves `factorize` gives them before rho (the
    /// worst needs 22 at B1 = 250: a broken stage 2 needs about 60).
    #[test]
    fn curves_split_server_sized_products() {
        let mut prime = primes();
        let mut curves = 0;
        for _ in 0..300 {
            let (p, q) = (prime(), prime());
            let n = p * q;
            let m = Montgomery::new(n);
            let used = (6..6 + super::super::ECM_CURVES)
                .position(|sigma| match one_curve(m, n, sigma) {
                    Outcome::Factor(f) => {
                        assert!(f == p || f == q, "{n:#x}: {f} is not {p} or {q}");
                        true
                    }
                    Outcome::Nothing => false,
                })
                .unwrap_or_else(|| panic!("{n:#x} = {p} * {q} not split"));
            curves += used + 1;
        }
        assert!(curves < 300 * 6, "{curves} curves for 300 values");
    }

    /// The ladder is a group action: (ab)P = b(aP), projectively.
    #[test]
    fn the_ladder_multiplies() {
        let n = 0x1765_EC58_D808_D5B3;
        let m = Montgomery::new(n);
        let curve = Curve {
            m,
            a24: m.to_montgomery(123_456_789),
        };
        let p = Point {
            x: m.to_montgomery(5),
            z: m.one(),
        };
        for (a, b) in [(2, 3), (7, 11), (60, 97), (1 << 20, 12_345)] {
            let one = curve.multiply(p, a * b);
            let two = curve.multiply(curve.multiply(p, a), b);
            assert_eq!(m.mul(one.x, two.z), m.mul(two.x, one.z), "{a} * {b}");
        }
        // 2P by doubling and by the ladder agree too.
        let d = curve.double(p);
        let l = curve.multiply(p, 2);
        assert_eq!(m.mul(d.x, l.z), m.mul(l.x, d.z));
    }

    #[test]
    fn inverses_and_gcds() {
        let n = 0x1765_EC58_D808_D5B3u64;
        for x in [1u64, 2, 12_345, n - 1] {
            let i = inverse(x, n).unwrap();
            assert_eq!(u128::from(x) * u128::from(i) % u128::from(n), 1);
        }
        assert_eq!(inverse(0x3720_8027 * 3, n), Err(0x3720_8027));
        assert_eq!(inverse(0, n), Err(n));
    }

    #[test]
    fn stage_one_covers_every_prime_power_to_b1() {
        let (chunks, count) = STAGE1;
        let mut rest: Vec<u64> = chunks[..count].to_vec();
        for p in (2..=B1).filter(|&p| super::super::is_prime(p)) {
            let mut q = p;
            while q * p <= B1 {
                q *= p;
            }
            let c = rest.iter_mut().find(|c| **c % q == 0).expect("covered");
            *c /= q;
        }
        assert!(rest.iter().all(|&c| c == 1), "{rest:?}");
    }
}
