//! msg_ids: making them (time-based, increasing, of the sender's parity) and
//! remembering recent incoming ones to recognise repeats.

use std::collections::{HashSet, VecDeque};

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

/// The last [`REMEMBERED_IDS`] incoming msg_ids, to recognise repeats.
#[derive(Debug, Default)]
pub(crate) struct RecentIds {
    order: VecDeque<i64>,
    set: HashSet<i64>,
}

impl RecentIds {
    /// Remembers `id`; false if it was remembered already.
    pub(crate) fn insert(&mut self, id: i64) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED_IDS
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}
