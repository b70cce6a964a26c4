//! Deterministic randomness for fuzz targets.
#![allow(non_snake_case)]

pub use ferrogram_mtproto::testing::SeededRng as Rng;

/// A generator from `seed`.
pub fn Rng(seed: u64) -> Rng {
    Rng::new(seed)
}
