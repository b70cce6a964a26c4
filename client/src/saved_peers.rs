//! What this client has already handed its session: one fingerprint per peer of
//! the last sighting saved. Most answers repeat peers the session holds as they
//! are (the same members page after page, the signed-in user in every
//! `users.getUsers`), and skipping those skips the hop to a blocking thread and
//! the session's work. Merging a sighting into the cache is idempotent, so
//! saving the same sighting a second time could change nothing.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Mutex;

use ferrogram_session::PeerInfo;

/// The fingerprints, by marked peer id: 16 bytes and a table slot per peer.
#[derive(Debug, Default)]
pub(crate) struct SavedPeers {
    by_id: Mutex<HashMap<i64, u64>>,
}

/// A fixed-key hash of every field: equal sightings, equal fingerprints.
fn fingerprint(p: &PeerInfo) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(p)
}

impl SavedPeers {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, u64>> {
        self.by_id.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps the sightings this client has not saved as they are.
    pub(crate) fn unsaved(&self, peers: Vec<PeerInfo>) -> Vec<PeerInfo> {
        let saved = self.lock();
        peers
            .into_iter()
            .filter(|p| saved.get(&p.marked_id()) != Some(&fingerprint(p)))
            .collect()
    }

    /// Remembers sightings the session has accepted.
    pub(crate) fn remember(&self, peers: &[PeerInfo]) {
        let mut saved = self.lock();
        for p in peers {
            saved.insert(p.marked_id(), fingerprint(p));
        }
    }

    /// Forgets everything (the session was changed behind the client's back,
    /// or a save failed and the session may have rolled back).
    pub(crate) fn forget(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrogram_session::PeerKind;

    fn user(id: i64, hash: i64) -> PeerInfo {
        PeerInfo {
            id,
            kind: PeerKind::User,
            access_hash: Some(hash),
            username: None,
            phone: None,
            name: Some(format!("user {id}")),
            min: false,
        }
    }

    #[test]
    fn only_new_or_changed_sightings_pass() {
        let s = SavedPeers::default();
        let page = vec![user(1, 10), user(2, 20)];
        assert_eq!(s.unsaved(page.clone()), page);
        s.remember(&page);
        assert!(s.unsaved(page.clone()).is_empty());
        let changed = vec![user(1, 10), user(2, 21), user(3, 30)];
        assert_eq!(s.unsaved(changed), vec![user(2, 21), user(3, 30)]);
        s.forget();
        assert_eq!(s.unsaved(page.clone()), page);
    }
}
