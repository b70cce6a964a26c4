//! How fast a bulk run sends: a rate that halves each time the server pushes
//! back (a FLOOD_WAIT, slept through by the client or returned to the run)
//! and creeps back up while it does not (additive increase, multiplicative
//! decrease, as TCP paces itself).

use std::time::Duration;

use tokio::time::Instant;

/// The pace of a bulk run.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Pace {
    /// Requests per second to start at, and never to pass.
    pub max_per_second: f64,
    /// Requests per second never to go under.
    pub min_per_second: f64,
    /// The longest FLOOD_WAIT the run sleeps through by itself (one the
    /// client returned, being over its own threshold); a longer one stops
    /// the run, resumable.
    pub max_flood_wait: Duration,
}

impl Default for Pace {
    /// 20 requests a second at most, down to one every 2 s; FLOOD_WAITs up
    /// to 10 minutes slept through.
    fn default() -> Self {
        Self {
            max_per_second: 20.0,
            min_per_second: 0.5,
            max_flood_wait: Duration::from_secs(600),
        }
    }
}

impl Pace {
    /// The default pace.
    pub fn new() -> Self {
        Self::default()
    }

    /// At most this many requests a second (at least 0.01).
    pub fn per_second(mut self, n: f64) -> Self {
        self.max_per_second = n.max(0.01);
        self.min_per_second = self.min_per_second.min(self.max_per_second);
        self
    }

    /// Never slower than this many requests a second.
    pub fn min_per_second(mut self, n: f64) -> Self {
        self.min_per_second = n.clamp(0.01, self.max_per_second);
        self
    }

    /// The longest FLOOD_WAIT to sleep through.
    pub fn max_flood_wait(mut self, d: Duration) -> Self {
        self.max_flood_wait = d;
        self
    }
}

/// The running pace.
#[derive(Debug)]
pub(crate) struct Pacer {
    pace: Pace,
    rate: f64,
    next: Option<Instant>,
    calm: u32,
}

impl Pacer {
    pub(crate) fn new(pace: Pace) -> Self {
        Self {
            rate: pace.max_per_second,
            pace,
            next: None,
            calm: 0,
        }
    }

    /// The current rate (requests a second).
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// Waits for the next request's turn.
    pub(crate) async fn turn(&mut self) {
        let now = Instant::now();
        if let Some(at) = self.next.filter(|&at| at > now) {
            tokio::time::sleep_until(at).await;
        }
        // The fields are public: a rate of 0 or NaN waits a minute, not panics.
        let gap = Duration::try_from_secs_f64(1.0 / self.rate.max(1.0 / 60.0))
            .unwrap_or(Duration::from_secs(60));
        self.next = Some(Instant::now() + gap);
    }

    /// The last request went through; `pushed_back`: the server answered
    /// a FLOOD_WAIT on the way (slept through by the client).
    pub(crate) fn went(&mut self, pushed_back: bool) {
        if pushed_back {
            self.slow_down();
        } else {
            self.calm += 1;
            // One request a second more for every 20 calm ones.
            if self.calm >= 20 {
                self.calm = 0;
                self.rate = (self.rate + 1.0).min(self.pace.max_per_second);
            }
        }
    }

    /// Halves the rate.
    pub(crate) fn slow_down(&mut self) {
        self.calm = 0;
        self.rate = (self.rate / 2.0).max(self.pace.min_per_second);
    }

    /// Whether a FLOOD_WAIT the client returned is one to sleep through.
    pub(crate) fn may_wait(&self, seconds: u32) -> bool {
        Duration::from_secs(u64::from(seconds)) <= self.pace.max_flood_wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushback_halves_the_rate_and_calm_restores_it() {
        let mut p = Pacer::new(Pace::new().per_second(8.0).min_per_second(1.0));
        p.went(true);
        p.went(true);
        assert_eq!(p.rate(), 2.0);
        p.went(true);
        p.went(true);
        assert_eq!(p.rate(), 1.0, "never under the minimum");
        for _ in 0..40 {
            p.went(false);
        }
        assert_eq!(p.rate(), 3.0);
        for _ in 0..400 {
            p.went(false);
        }
        assert_eq!(p.rate(), 8.0, "never over the maximum");
        assert!(p.may_wait(600) && !p.may_wait(601));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_rate_set_by_hand_waits_a_minute() {
        let mut pace = Pace::new();
        pace.max_per_second = 0.0;
        pace.min_per_second = 0.0;
        let mut p = Pacer::new(pace);
        let t0 = Instant::now();
        p.turn().await;
        p.turn().await;
        assert_eq!(Instant::now() - t0, Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn turns_are_spaced_by_the_rate() {
        let mut p = Pacer::new(Pace::new().per_second(4.0));
        let t0 = Instant::now();
        for _ in 0..5 {
            p.turn().await;
        }
        assert_eq!(Instant::now() - t0, Duration::from_secs(1));
    }
}
