//! The rate-limit knob ([`crate::Faults::rate_limit`]): at most N requests
//! of a method per account in a sliding window of the server's clock, the
//! next answered `420 FLOOD_WAIT_X` with X the seconds until a slot frees,
//! as Telegram limits each account per method
//! (<https://core.telegram.org/api/errors#420-flood>: "the user must wait X
//! seconds before repeating the action"). A refused request takes no slot.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use ferrogram_mtproto::session::Timestamp;

/// The limits set and each account's recent requests under them.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    /// Method → (requests, window).
    limits: HashMap<String, (u32, Duration)>,
    /// (method, account) → when its accepted requests ran, oldest first (ns).
    seen: HashMap<(String, i64), VecDeque<i128>>,
}

impl RateLimits {
    pub(crate) fn set(&mut self, method: &str, requests: u32, window: Duration) {
        if requests == 0 || window.is_zero() {
            self.limits.remove(method);
        } else {
            self.limits.insert(method.to_owned(), (requests, window));
        }
        self.seen.retain(|(m, _), _| m != method);
    }

    /// Takes a slot for `account`'s call of `method` at `now`, or says how
    /// many seconds (at least 1) until one frees.
    pub(crate) fn take(&mut self, method: &str, account: i64, now: Timestamp) -> Option<u32> {
        let &(requests, window) = self.limits.get(method)?;
        let now = i128::from(now.secs) * 1_000_000_000 + i128::from(now.nanos);
        let window = window.as_nanos() as i128;
        let seen = self.seen.entry((method.to_owned(), account)).or_default();
        while seen.front().is_some_and(|&t| t <= now - window) {
            seen.pop_front();
        }
        if seen.len() < requests as usize {
            seen.push_back(now);
            return None;
        }
        let free_at = seen.front().copied().unwrap_or(now) + window;
        let secs = (free_at - now + 999_999_999) / 1_000_000_000;
        Some(u32::try_from(secs.max(1)).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64, nanos: u32) -> Timestamp {
        Timestamp { secs, nanos }
    }

    #[test]
    fn a_full_window_answers_the_seconds_until_a_slot_frees() {
        let mut r = RateLimits::default();
        r.set("channels.editBanned", 2, Duration::from_secs(10));
        assert_eq!(r.take("channels.editBanned", 1, at(100, 0)), None);
        assert_eq!(r.take("channels.editBanned", 1, at(103, 0)), None);
        assert_eq!(r.take("channels.editBanned", 1, at(104, 500)), Some(6));
        // Another account and another method have slots of their own.
        assert_eq!(r.take("channels.editBanned", 2, at(104, 0)), None);
        assert_eq!(r.take("messages.sendMessage", 1, at(104, 0)), None);
        // The refused call took no slot: the first frees at 110.
        assert_eq!(
            r.take("channels.editBanned", 1, at(109, 999_000_000)),
            Some(1)
        );
        assert_eq!(r.take("channels.editBanned", 1, at(110, 0)), None);
        assert_eq!(r.take("channels.editBanned", 1, at(110, 1)), Some(3));
        r.set("channels.editBanned", 0, Duration::from_secs(10));
        assert_eq!(r.take("channels.editBanned", 1, at(110, 2)), None);
    }
}
