//! `AUTH_KEY_DUPLICATED`: Telegram revokes an auth key used at the same
//! time from two different IP addresses ("The authorization key (session
//! file) was used under two different IP addresses simultaneously, and can
//! no longer be used. Use the same session exclusively, or use different
//! sessions", core.telegram.org/api/errors, 406). Off unless switched on
//! with [`crate::Faults::detect_duplicated_keys`], since every test client
//! comes from 127.0.0.1 unless it binds another loopback address.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// Which live connection uses which auth key from where, and the keys
/// revoked for it.
#[derive(Debug, Default)]
pub(crate) struct KeyUse {
    /// Auth key id → the live connections that used it, with their address.
    live: HashMap<i64, Vec<(u64, IpAddr)>>,
    /// Keys revoked for use from two addresses at once.
    revoked: HashSet<i64>,
}

impl KeyUse {
    /// Records that connection `conn` from `ip` uses `key`; whether the key
    /// is (now) revoked: another live connection uses it from elsewhere.
    pub(crate) fn used(&mut self, key: i64, conn: u64, ip: IpAddr) -> bool {
        let list = self.live.entry(key).or_default();
        if !list.iter().any(|(c, _)| *c == conn) {
            list.push((conn, ip));
        }
        if list.iter().any(|(_, other)| *other != ip) {
            self.revoked.insert(key);
        }
        self.revoked.contains(&key)
    }

    /// Forgets a closed connection.
    pub(crate) fn closed(&mut self, conn: u64) {
        self.live.retain(|_, list| {
            list.retain(|(c, _)| *c != conn);
            !list.is_empty()
        });
    }

    /// How many keys were revoked.
    pub(crate) fn revoked(&self) -> usize {
        self.revoked.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_addresses_at_once_revoke_one_after_the_other_does_not() {
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        let mut k = KeyUse::default();
        assert!(!k.used(1, 10, a));
        assert!(!k.used(1, 11, a), "two connections, one address");
        k.closed(10);
        k.closed(11);
        assert!(!k.used(1, 12, b), "one after the other");
        assert!(!k.used(2, 13, a), "another key");
        assert!(k.used(1, 14, a), "b's connection is still live");
        k.closed(12);
        k.closed(14);
        assert!(k.used(1, 15, b), "revoked for good");
        assert_eq!(k.revoked(), 1);
    }
}
