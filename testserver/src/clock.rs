//! The server's clock: real time plus an offset tests control.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_mtproto::session::Timestamp;

/// The clock every time-dependent part of the server reads: salts, msg_id windows,
/// message dates, code and file-reference expiry, restriction expiry, stats periods.
///
/// It is the real time by default. [`Clock::advance`] moves it forward (or, with
/// [`Clock::set_offset`], anywhere), so tests check time-dependent behaviour
/// without sleeping. Clones share the same offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_nanos: Arc<AtomicI64>,
}

impl Clock {
    /// The real time (offset zero).
    pub fn real() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        self.offset_nanos.fetch_add(nanos, Ordering::SeqCst);
    }

    /// Sets the offset from real time, in seconds (negative: the past).
    pub fn set_offset(&self, secs: i64) {
        self.offset_nanos
            .store(secs.saturating_mul(1_000_000_000), Ordering::SeqCst);
    }

    /// The current offset from real time, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset_nanos.load(Ordering::SeqCst) / 1_000_000_000
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos() as i64;
        let t = real.saturating_add(self.offset_nanos.load(Ordering::SeqCst));
        Timestamp {
            secs: t.div_euclid(1_000_000_000),
            nanos: t.rem_euclid(1_000_000_000) as u32,
        }
    }

    /// The current Unix time in seconds, as TL `date` fields carry it.
    pub fn unix(&self) -> i32 {
        self.now().secs.clamp(0, i32::MAX as i64) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let clock = Clock::real();
        let other = clock.clone();
        let before = other.unix();
        clock.advance(Duration::from_secs(3600));
        let after = other.unix();
        assert!(
            (3599..=3601).contains(&(after - before)),
            "{before} → {after}"
        );
        assert_eq!(other.offset(), 3600);
        clock.set_offset(-10);
        assert_eq!(other.offset(), -10);
    }
}
