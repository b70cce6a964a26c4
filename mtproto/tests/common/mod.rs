//! Deterministic randomness for tests.
#![allow(dead_code, non_snake_case)]

pub use ferrogram_mtproto::testing::SeededRng as TestRng;

/// Shorthand used throughout the tests.
pub fn TestRng(seed: u64) -> TestRng {
    TestRng::new(seed)
}
