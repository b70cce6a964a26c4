//! What every connection and handler of one server shares: DC addresses, auth
//! keys, sessions, cached answers, update subscribers, the world, the clock.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use ferrogram_mtproto::crypto::{AuthKey, sha256};
use ferrogram_mtproto::handshake::ServerConfig;
use ferrogram_mtproto::testing::SeededRng;
use ferrogram_tl_types::enums;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::counters::Counters;
use crate::faults::Faults;
#[cfg(feature = "request-log")]
use crate::log;
use crate::world::World;

/// How long a salt is valid for (a new one starts every period).
pub const SALT_PERIOD_SECS: i64 = 1800;

/// A DC of the server: its id and where it listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DcAddr {
    /// Its address.
    pub addr: SocketAddr,
    /// The DC id.
    pub id: i32,
}

/// A key the server knows.
#[derive(Debug)]
pub(crate) struct KeyEntry {
    pub key: AuthKey,
    pub dc: i32,
    pub first_salt: i64,
    pub created: i64,
}

/// A cached answer (the TL bytes of a result or an rpc_error).
type ResultKey = (i64, i64, i64);

/// The bounded cache of answers, keyed by (auth key, session, msg_id).
///
/// An answer is kept while a resend of its request could still arrive: a
/// msg_id more than 300 s old is refused (`bad_msg_notification` 16) before
/// the cache is asked, and a client's msg_ids run at most 30 s ahead, so
/// answers older than [`RESULT_CACHE_SECS`] (300 + 30 s, and a margin) go, and so do the oldest when the cache passes
/// [`RESULT_CACHE_ENTRIES`] or [`RESULT_CACHE_BYTES`] (file parts are large).
#[derive(Debug, Default)]
pub(crate) struct ResultCache {
    map: HashMap<ResultKey, Vec<u8>>,
    /// Keys in insertion order, with the server time they were inserted at.
    order: VecDeque<(ResultKey, i64)>,
    bytes: usize,
}

/// How many answers the cache keeps at most.
const RESULT_CACHE_ENTRIES: usize = 20_000;
/// How many bytes of answers the cache keeps at most.
const RESULT_CACHE_BYTES: usize = 64 << 20;
/// How long (server time) an answer is kept.
const RESULT_CACHE_SECS: i64 = 360;

impl ResultCache {
    pub(crate) fn get(&self, key: &ResultKey) -> Option<Vec<u8>> {
        self.map.get(key).cloned()
    }

    /// Caches `value` at server time `now` (seconds), dropping what has
    /// expired or no longer fits.
    pub(crate) fn insert(&mut self, key: ResultKey, value: Vec<u8>, now: i64) {
        let len = value.len();
        match self.map.insert(key, value) {
            Some(old) => self.bytes = self.bytes.saturating_sub(old.len()),
            None => self.order.push_back((key, now)),
        }
        self.bytes = self.bytes.saturating_add(len);
        while let Some(&(old, at)) = self.order.front() {
            let expired = now.saturating_sub(at) > RESULT_CACHE_SECS;
            let full = self.order.len() > RESULT_CACHE_ENTRIES || self.bytes > RESULT_CACHE_BYTES;
            if !(expired || full) || old == key && self.order.len() == 1 {
                break;
            }
            self.order.pop_front();
            if let Some(v) = self.map.remove(&old) {
                self.bytes = self.bytes.saturating_sub(v.len());
            }
        }
    }

    /// How many answers and bytes are cached.
    pub(crate) fn size(&self) -> (usize, usize) {
        (self.map.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_cache_is_bounded_by_age_count_and_bytes() {
        let mut c = ResultCache::default();
        c.insert((1, 1, 4), vec![0; 10], 1_000);
        c.insert((1, 1, 8), vec![0; 10], 1_300);
        assert_eq!(c.size(), (2, 20));
        // Six minutes after the first, it goes; the second stays.
        c.insert((1, 1, 12), vec![0; 10], 1_361);
        assert!(c.get(&(1, 1, 4)).is_none());
        assert!(c.get(&(1, 1, 8)).is_some());
        assert_eq!(c.size(), (2, 20));
        // Bytes: one answer of the whole budget pushes out the rest.
        c.insert((1, 1, 16), vec![0; RESULT_CACHE_BYTES], 1_602);
        assert_eq!(c.size(), (1, RESULT_CACHE_BYTES));
        for i in 0..RESULT_CACHE_ENTRIES as i64 + 10 {
            c.insert((2, 2, i * 4), vec![1], 1_603);
        }
        assert_eq!(c.size().0, RESULT_CACHE_ENTRIES);
    }
}

/// What a connection's push queue carries that is not an update: an empty
/// push (no `Updates` serializes to nothing) closes the connection.
pub(crate) const CLOSE: Vec<u8> = Vec::new();

/// A connection listening for a user's updates.
#[derive(Debug)]
pub(crate) struct Subscriber {
    pub conn: u64,
    pub tx: mpsc::Sender<Vec<u8>>,
}

/// State shared by every DC and connection of one server.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: ServerConfig,
    pub clock: Clock,
    pub counters: Counters,
    pub faults: Faults,
    pub world: Mutex<World>,
    pub dcs: Mutex<Vec<DcAddr>>,
    pub salt_secret: [u8; 32],
    pub keys: Mutex<HashMap<i64, KeyEntry>>,
    pub sessions: Mutex<crate::sessions::Sessions>,
    pub results: Mutex<ResultCache>,
    pub subscribers: Mutex<HashMap<i64, Vec<Subscriber>>>,
    /// Which connection uses which auth key from where (`AUTH_KEY_DUPLICATED`).
    pub key_use: Mutex<crate::duplicated::KeyUse>,
    pub rng: Mutex<SeededRng>,
    #[cfg(feature = "request-log")]
    pub log: Option<log::RequestLog>,
    pub next_conn: AtomicU64,
}

/// Locks a mutex, ignoring poisoning (a panicking connection task must not take
/// the whole server down).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn next_conn_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// A salt of `dc` for salt period `period`.
    pub(crate) fn salt_for(&self, dc: i32, period: i64) -> i64 {
        let h = sha256(&[&self.salt_secret, &dc.to_le_bytes(), &period.to_le_bytes()]);
        i64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
    }

    /// The salt clients should use on `dc` now.
    pub(crate) fn current_salt(&self, dc: i32) -> i64 {
        self.salt_for(dc, self.clock.now().secs.div_euclid(SALT_PERIOD_SECS))
    }

    /// The salts accepted now from a client of `key`: the current and the previous
    /// period's, and the handshake's first salt during its first period.
    pub(crate) fn valid_salts(&self, dc: i32, key: &KeyEntry) -> Vec<i64> {
        let now = self.clock.now().secs;
        let p = now.div_euclid(SALT_PERIOD_SECS);
        let mut v = vec![self.salt_for(dc, p), self.salt_for(dc, p - 1)];
        if now - key.created < SALT_PERIOD_SECS {
            v.push(key.first_salt);
        }
        v
    }

    /// Queues an update for every connection of `user` but `except`. A
    /// connection whose queue is full misses it (and catches up with
    /// `updates.getDifference`, as on Telegram).
    pub(crate) fn push_update(&self, user: i64, except: Option<u64>, update: &enums::Updates) {
        use ferrogram_tl_types::Serializable;
        let update = update.to_bytes();
        let mut subs = lock(&self.subscribers);
        if let Some(list) = subs.get_mut(&user) {
            list.retain(|s| !s.tx.is_closed());
            // The loss knob counts only pushes that would reach someone.
            if list.iter().any(|s| Some(s.conn) != except) && self.faults.take_dropped_update() {
                return;
            }
            for s in list.iter() {
                if Some(s.conn) != except {
                    let _ = s.tx.try_send(update.clone());
                }
            }
        }
    }

    /// Closes every connection listening for `user`'s updates; how many.
    pub(crate) fn disconnect(&self, user: i64) -> usize {
        let subs = lock(&self.subscribers);
        subs.get(&user).map_or(0, |list| {
            list.iter().filter(|s| s.tx.try_send(CLOSE).is_ok()).count()
        })
    }

    /// Whether `user` has a connection listening for updates.
    pub(crate) fn is_subscribed(&self, user: i64) -> bool {
        lock(&self.subscribers)
            .get(&user)
            .is_some_and(|l| l.iter().any(|s| !s.tx.is_closed()))
    }

    /// Registers connection `conn` for `user`'s updates (once).
    pub(crate) fn subscribe(&self, user: i64, conn: u64, tx: &mpsc::Sender<Vec<u8>>) {
        let mut subs = lock(&self.subscribers);
        let list = subs.entry(user).or_default();
        if !list.iter().any(|s| s.conn == conn) {
            list.push(Subscriber {
                conn,
                tx: tx.clone(),
            });
        }
    }

    /// The DC that serves statistics: the lowest DC id other than the home DC
    /// (the home DC itself when it is the only one).
    pub(crate) fn stats_dc(&self, home: i32) -> i32 {
        lock(&self.dcs)
            .iter()
            .map(|d| d.id)
            .filter(|id| *id != home)
            .min()
            .unwrap_or(home)
    }

    /// The address of `dc`.
    pub(crate) fn dc_addr(&self, dc: i32) -> Option<SocketAddr> {
        lock(&self.dcs).iter().find(|d| d.id == dc).map(|d| d.addr)
    }
}
