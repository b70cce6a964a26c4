//! What this client has already handed its session: one fingerprint per peer of
//! the last sighting saved. Most answers repeat peers the session holds as they
//! are (the same members page after page, the signed-in user in every
//! `users.getUsers`), and skipping those skips the hop to a blocking thread and
//! the session's work. Merging a sighting into the cache is idempotent, so
//! saving the same sighting a second time could change nothing.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Mutex;

// foldhash, seeded per client: a fingerprint and a lookup cost a few
// nanoseconds where SipHash cost a tenth of a participants listing's CPU.
// Still keyed: which sightings collide is not predictable from outside.
use foldhash::fast::RandomState;

use ferrogram_session::PeerInfo;
use ferrogram_tl_types::enums;

/// The fingerprints, by marked peer id: 16 bytes and a table slot per peer.
#[derive(Debug, Default)]
pub(crate) struct SavedPeers {
    by_id: Mutex<HashMap<i64, u64, RandomState>>,
    /// This client's hash keys: fingerprints no one else can predict.
    keys: RandomState,
}

/// Sightings to save, with the fingerprints to remember once they are saved.
#[derive(Debug, Default)]
pub(crate) struct Unsaved {
    pub peers: Vec<PeerInfo>,
    pub prints: Vec<(i64, u64)>,
}

impl SavedPeers {
    /// A user's fingerprint, from the fields its cache entry is made of,
    /// borrowed: a user seen again as it was costs no allocation.
    fn user_print(&self, u: &ferrogram_tl_types::types::User) -> u64 {
        self.keys.hash_one((
            0u8,
            u.id,
            u.bot,
            u.min,
            u.access_hash,
            u.username.as_deref(),
            u.phone.as_deref(),
            u.first_name.as_deref(),
            u.last_name.as_deref(),
        ))
    }

    /// The users and chats of an answer whose sightings this client has not
    /// saved as they are, as cache entries.
    pub(crate) fn unsaved<'a>(
        &self,
        users: impl Iterator<Item = &'a enums::User>,
        chats: impl Iterator<Item = &'a enums::Chat>,
    ) -> Unsaved {
        let saved = self.lock();
        let mut out = Unsaved::default();
        for u in users {
            let enums::User::User(user) = u else { continue };
            let print = self.user_print(user);
            if saved.get(&user.id) == Some(&print) {
                continue;
            }
            if let Some(p) = crate::entities::user_peer(u) {
                out.prints.push((p.marked_id(), print));
                out.peers.push(p);
            }
        }
        for c in chats {
            let sightings = [
                crate::entities::chat_peer(c),
                crate::entities::migrated_peer(c),
            ];
            for p in sightings.into_iter().flatten() {
                let print = self.keys.hash_one((1u8, &p));
                if saved.get(&p.marked_id()) != Some(&print) {
                    out.prints.push((p.marked_id(), print));
                    out.peers.push(p);
                }
            }
        }
        out
    }

    /// Remembers fingerprints of sightings the session has accepted.
    pub(crate) fn remember(&self, prints: &[(i64, u64)]) {
        let mut saved = self.lock();
        saved.extend(prints.iter().copied());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, u64, RandomState>> {
        self.by_id.lock().unwrap_or_else(|e| e.into_inner())
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
    use ferrogram_tl_types::types;

    fn user(id: i64, hash: i64) -> enums::User {
        enums::User::User(Box::new(types::User {
            id,
            access_hash: Some(hash),
            first_name: Some(format!("user {id}").into()),
            ..Default::default()
        }))
    }

    fn ids(u: &Unsaved) -> Vec<i64> {
        u.peers.iter().map(|p| p.id).collect()
    }

    #[test]
    fn only_new_or_changed_sightings_pass() {
        let s = SavedPeers::default();
        let page = [user(1, 10), user(2, 20)];
        let first = s.unsaved(page.iter(), [].iter());
        assert_eq!(ids(&first), [1, 2]);
        assert_eq!(first.peers[1].access_hash, Some(20));
        s.remember(&first.prints);
        assert!(s.unsaved(page.iter(), [].iter()).peers.is_empty());
        let changed = [user(1, 10), user(2, 21), user(3, 30)];
        assert_eq!(ids(&s.unsaved(changed.iter(), [].iter())), [2, 3]);
        s.forget();
        assert_eq!(ids(&s.unsaved(page.iter(), [].iter())), [1, 2]);
    }
}
