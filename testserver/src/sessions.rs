//! The MTProto sessions the server keeps, by (auth key, session id), each
//! with when it was last used: bounded per key (a new session past
//! [`MAX_PER_KEY`] replaces the key's least recently used one) and in time
//! (a session unused for [`IDLE_SECS`] is forgotten).
//!
//! Forgetting an idle session loses nothing a client can still ask for:
//! after 300 seconds its msg_ids are refused as too old and its answers
//! leave the cache (`shared::ResultCache`), so what remains is the seq
//! counter. A client that comes back with it gets `new_session_created`,
//! which tells it to catch up on updates, as on Telegram, whose servers
//! also forget sessions. Without this, every reconnect of a client that
//! opens a new session each time (Telethon) and every DC a client moves to
//! left a session behind for good (the soak's slowly growing heap).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ferrogram_mtproto::session::ServerSession;

/// One encrypted session's state, shared by the connections that carry it.
pub(crate) type SharedSession = Arc<Mutex<ServerSession>>;

/// The most sessions one auth key may have at once.
pub(crate) const MAX_PER_KEY: usize = 64;
/// A session unused for this long (server clock) is forgotten: the answer
/// cache's window (`RESULT_CACHE_SECS`).
pub(crate) const IDLE_SECS: i64 = 360;

/// Sessions by (auth key id, session id).
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    map: HashMap<(i64, i64), (SharedSession, i64)>,
    /// When idle sessions were last swept.
    swept: i64,
}

impl Sessions {
    /// The session, used now (server seconds): made with `make` if new.
    pub(crate) fn get_or_create(
        &mut self,
        key: (i64, i64),
        now: i64,
        make: impl FnOnce() -> ServerSession,
    ) -> SharedSession {
        if let Some((s, used)) = self.map.get_mut(&key) {
            *used = now;
            return s.clone();
        }
        if now.saturating_sub(self.swept) >= IDLE_SECS / 6 {
            self.swept = now;
            self.map
                .retain(|_, (_, used)| now.saturating_sub(*used) < IDLE_SECS);
        }
        let mine = self.map.iter().filter(|((k, _), _)| *k == key.0);
        if mine.clone().count() >= MAX_PER_KEY
            && let Some(oldest) = mine.min_by_key(|(_, (_, used))| *used).map(|(k, _)| *k)
        {
            self.map.remove(&oldest);
        }
        let s = Arc::new(Mutex::new(make()));
        self.map.insert(key, (s.clone(), now));
        s
    }

    /// Forgets a session (`destroy_session`); whether there was one.
    pub(crate) fn remove(&mut self, key: (i64, i64)) -> bool {
        self.map.remove(&key).is_some()
    }

    /// Every session kept.
    pub(crate) fn all(&self) -> impl Iterator<Item = &SharedSession> {
        self.map.values().map(|(s, _)| s)
    }

    /// How many are kept.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrogram_mtproto::AuthKey;

    fn make() -> ServerSession {
        ServerSession::new(AuthKey::from_bytes([7; 256]))
    }

    #[test]
    fn idle_sessions_go_and_a_key_keeps_its_latest() {
        let mut s = Sessions::default();
        let a = s.get_or_create((1, 1), 1_000, make);
        assert!(Arc::ptr_eq(&a, &s.get_or_create((1, 1), 1_100, make)));
        s.get_or_create((2, 1), 1_000, make);
        // Long after: a new session sweeps the idle ones; (1, 1) was used
        // at 1_100 and is idle too by 1_500.
        s.get_or_create((3, 1), 1_300, make);
        assert_eq!(s.len(), 3, "none idle for 360 s yet");
        s.get_or_create((3, 2), 1_459, make);
        assert_eq!(s.len(), 3, "(2, 1) went, unused since 1_000");
        s.get_or_create((3, 3), 1_600, make);
        assert_eq!(s.len(), 3, "(1, 1) went too");
        // Per key: past the cap, the least recently used one goes.
        let mut s = Sessions::default();
        for i in 0..MAX_PER_KEY as i64 {
            s.get_or_create((9, i), 1_000 + i, make);
        }
        s.get_or_create((9, 0), 1_100, make); // used again: the newest
        s.get_or_create((9, 1_000), 1_101, make);
        assert_eq!(s.len(), MAX_PER_KEY);
        assert!(s.map.contains_key(&(9, 0)));
        assert!(!s.map.contains_key(&(9, 1)), "the least recently used went");
        assert!(s.remove((9, 0)) && !s.remove((9, 0)));
    }
}
