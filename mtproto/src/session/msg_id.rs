//! msg_ids: making them (time-based, increasing, of the sender's parity) and
//! remembering recent incoming ones to recognise repeats.

use super::{REMEMBERED_IDS, Timestamp};

/// Makes msg_ids: time-based (Unix time in the high 32 bits, corrected by the
/// measured offset), strictly increasing, divisible by 4 for a client and odd for a
/// server.
#[derive(Clone, Debug, Default)]
pub struct MsgIdGenerator {
    last: i64,
    /// Seconds to add to the local clock to get the peer's.
    pub time_offset: i64,
    server: bool,
}

impl MsgIdGenerator {
    /// A generator for a client (`server = false`) or a server.
    pub fn new(server: bool) -> Self {
        Self {
            last: 0,
            time_offset: 0,
            server,
        }
    }

    /// The next msg_id at `now`.
    pub fn next(&mut self, now: Timestamp) -> i64 {
        let secs = now.secs.saturating_add(self.time_offset);
        let frac = ((u64::from(now.nanos) << 32) / 1_000_000_000) as i64;
        let mut id = (secs << 32) | (frac & 0xffff_fffc);
        if self.server {
            id |= 1;
        }
        if id <= self.last {
            id = self.last.wrapping_add(4);
        }
        self.last = id;
        id
    }

    /// Sets the offset from a msg_id the peer made (bad_msg_notification 16/17).
    pub fn correct_from(&mut self, peer_msg_id: i64, now: Timestamp) {
        self.time_offset = (peer_msg_id >> 32).saturating_sub(now.secs);
        // The ids made so far were on the wrong clock; continuing after them would
        // keep the error. Telethon resets the same way.
        self.last = 0;
    }
}

/// The last [`REMEMBERED_IDS`] incoming msg_ids, to recognise repeats: a
/// ring of at most that many ids (16 KiB, reached as ids come), and the
/// largest id seen. msg_ids grow with time, so nearly every new id is above
/// the largest and is known new without a look; only an id at or below it
/// (a repeat, or one overtaken in a container) is looked for in the ring.
/// Before, a deque and a hash set of the same ids took about 50 KiB per
/// session, refilled after every reconnect.
#[derive(Debug, Default)]
pub(crate) struct RecentIds {
    ring: Vec<i64>,
    /// Where the next id goes once the ring is full.
    next: usize,
    max: Option<i64>,
}

impl RecentIds {
    /// How many ids it remembers.
    pub(crate) fn len(&self) -> usize {
        self.ring.len()
    }

    /// Remembers `id`; false if it was remembered already.
    pub(crate) fn insert(&mut self, id: i64) -> bool {
        let above = self.max.is_none_or(|m| id > m);
        if !above && self.ring.contains(&id) {
            return false;
        }
        if self.ring.len() < REMEMBERED_IDS {
            // Grown as ids come (doubling, up to REMEMBERED_IDS): a server
            // keeps a ring per session, and most sessions carry a few
            // messages (a reconnecting Telethon opens a new one each time).
            self.ring.push(id);
        } else {
            if let Some(slot) = self.ring.get_mut(self.next) {
                *slot = id;
            }
            // Below REMEMBERED_IDS: the increment cannot overflow.
            self.next = self.next.wrapping_add(1) % REMEMBERED_IDS;
        }
        if above {
            self.max = Some(id);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_known_for_the_last_remembered_ids() {
        let mut r = RecentIds::default();
        assert!(r.insert(100));
        assert!(!r.insert(100), "a repeat");
        assert!(r.insert(96), "below the largest, not seen");
        assert!(!r.insert(96));
        let n = i64::try_from(REMEMBERED_IDS).unwrap();
        for i in 0..n {
            assert!(r.insert(1_000 + i * 4));
        }
        // 100 and 96 were the oldest: forgotten; the newest are known.
        assert!(r.insert(100), "forgotten after REMEMBERED_IDS more");
        assert!(!r.insert(1_000 + (n - 1) * 4));
        assert!(!r.insert(1_000 + (n - 2) * 4));
        assert_eq!(r.ring.len(), REMEMBERED_IDS);
        assert_eq!(r.ring.capacity(), REMEMBERED_IDS, "no growth past the ring");
    }
}
