//! The values a session stores.

use std::collections::BTreeMap;
use std::net::SocketAddr;

/// An MTProto auth key (2048 bits).
pub type AuthKeyBytes = [u8; 256];

/// Where a DC can be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DcOption {
    /// The DC id.
    pub id: i32,
    /// Its address.
    pub addr: SocketAddr,
}

/// What kind of peer a cache entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeerKind {
    /// A user account.
    User,
    /// A bot account.
    Bot,
    /// A basic group (`chat`).
    Chat,
    /// A broadcast channel (or a channel whose kind is unknown, as in imported
    /// Telethon sessions).
    Channel,
    /// A supergroup (a `channel` with `megagroup`).
    Megagroup,
    /// A community (layer 228): supergroups and channels under one owner.
    /// Named by an `InputChannel` (its id is in the channels' space), so it
    /// counts as a channel for [`PeerKind::is_channel`] and marked ids.
    Community,
}

impl PeerKind {
    fn code(self) -> i64 {
        match self {
            Self::User => 0,
            Self::Bot => 1,
            Self::Chat => 2,
            Self::Channel => 3,
            Self::Megagroup => 4,
            Self::Community => 5,
        }
    }

    pub(crate) fn to_code(self) -> i64 {
        self.code()
    }

    pub(crate) fn from_code(code: i64) -> Option<Self> {
        Some(match code {
            0 => Self::User,
            1 => Self::Bot,
            2 => Self::Chat,
            3 => Self::Channel,
            4 => Self::Megagroup,
            5 => Self::Community,
            _ => return None,
        })
    }

    /// Whether this is a user or bot.
    pub fn is_user(self) -> bool {
        matches!(self, Self::User | Self::Bot)
    }

    /// Whether this is a channel, supergroup or community (anything named
    /// by an `InputChannel`).
    pub fn is_channel(self) -> bool {
        matches!(self, Self::Channel | Self::Megagroup | Self::Community)
    }
}

/// The offset of marked channel ids (`-100` followed by the bare id).
pub const CHANNEL_MARK: i64 = 1_000_000_000_000;

/// One peer of the cache.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PeerInfo {
    /// The bare id (as in `user.id`, `chat.id`, `channel.id`).
    pub id: i64,
    /// What it is.
    pub kind: PeerKind,
    /// The access hash, for users and channels (`None` for basic groups, or when
    /// unknown).
    pub access_hash: Option<i64>,
    /// The username, lower-cased, without `@`.
    pub username: Option<String>,
    /// The phone number, digits only.
    pub phone: Option<String>,
    /// The display name (first and last name, or title).
    pub name: Option<String>,
    /// Seen only as a `min` constructor: its access hash is not usable on its own.
    pub min: bool,
    /// For a basic group turned into a supergroup (`chat.migrated_to`): the
    /// supergroup's bare id. Calls made with the group's id follow it.
    pub migrated_to: Option<i64>,
}

impl std::fmt::Debug for PeerInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Phone numbers are personal data: shown masked.
        f.debug_struct("PeerInfo")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("access_hash", &self.access_hash)
            .field("username", &self.username)
            .field("phone", &self.phone.as_ref().map(|_| "<set>"))
            .field("name", &self.name)
            .field("min", &self.min)
            .field("migrated_to", &self.migrated_to)
            .finish()
    }
}

impl PeerInfo {
    /// The marked id (Bot API style): users as is, basic groups negated, channels
    /// `-(10^12 + id)`.
    pub fn marked_id(&self) -> i64 {
        marked_id(self.kind, self.id)
    }

    /// Merges a newer sighting into an older one: fields the newer one lacks are
    /// kept, and a `min` sighting never replaces a full access hash.
    pub fn merge(old: Option<&PeerInfo>, new: PeerInfo) -> PeerInfo {
        let Some(old) = old else {
            return new;
        };
        let keep_hash = new.min && !old.min;
        PeerInfo {
            id: new.id,
            // A min sighting cannot tell a bot from a user reliably; keep what we knew.
            kind: if keep_hash { old.kind } else { new.kind },
            access_hash: if keep_hash || new.access_hash.is_none() {
                old.access_hash
            } else {
                new.access_hash
            },
            username: new.username.or_else(|| old.username.clone()),
            phone: new.phone.or_else(|| old.phone.clone()),
            name: new.name.or_else(|| old.name.clone()),
            min: old.min && new.min,
            // A migration is for good: a sighting that does not say keeps it.
            migrated_to: new.migrated_to.or(old.migrated_to),
        }
    }
}

/// Whether merging the sighting `new` into the cached `old` would leave `old` as
/// it is, with `new`'s username and phone compared as they would be stored
/// (normalized), without allocating: most sightings in a listing repeat what the
/// cache holds, and this lets them cost a lookup and a few comparisons.
pub(crate) fn merge_keeps(old: &PeerInfo, new: &PeerInfo) -> bool {
    let keep_hash = new.min && !old.min;
    let kind = if keep_hash { old.kind } else { new.kind };
    let hash = if keep_hash || new.access_hash.is_none() {
        old.access_hash
    } else {
        new.access_hash
    };
    let username_kept = new.username.as_deref().is_none_or(|u| {
        old.username
            .as_deref()
            .is_some_and(|o| u.trim_start_matches('@').eq_ignore_ascii_case(o))
    });
    let phone_kept = new.phone.as_deref().is_none_or(|p| {
        old.phone
            .as_deref()
            .is_some_and(|o| p.chars().filter(char::is_ascii_digit).eq(o.chars()))
    });
    kind == old.kind
        && hash == old.access_hash
        && username_kept
        && phone_kept
        && new
            .name
            .as_ref()
            .is_none_or(|n| old.name.as_ref() == Some(n))
        && (old.min && new.min) == old.min
        && new.migrated_to.is_none_or(|to| old.migrated_to == Some(to))
}

/// The marked id of a peer of `kind` with bare id `id`.
///
/// Saturating by design: ids come from the server (or a session file), and a
/// hostile one near `i64::MIN`/`i64::MAX` must not overflow. Real ids are far
/// from the edges (channel ids below 10^12 keep every marked id distinct).
pub fn marked_id(kind: PeerKind, id: i64) -> i64 {
    match kind {
        PeerKind::User | PeerKind::Bot => id,
        PeerKind::Chat => id.saturating_neg(),
        PeerKind::Channel | PeerKind::Megagroup | PeerKind::Community => {
            CHANNEL_MARK.saturating_add(id).saturating_neg()
        }
    }
}

/// The update state: common pts/qts/date/seq and each channel's pts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateState {
    /// The common message box's pts.
    pub pts: i32,
    /// The secret-chat/bot qts.
    pub qts: i32,
    /// The date of the last update.
    pub date: i32,
    /// The seq of the last `updates`/`updatesCombined`.
    pub seq: i32,
    /// Each channel's pts, by bare channel id.
    pub channels: BTreeMap<i64, i32>,
}

impl UpdateState {
    /// Takes one stored row of the update state: channel 0 holds the
    /// common box (pts, qts, date, seq), any other channel its pts.
    pub(crate) fn set_row(&mut self, channel: i64, pts: i32, qts: i32, date: i32, seq: i32) {
        if channel == 0 {
            self.pts = pts;
            self.qts = qts;
            self.date = date;
            self.seq = seq;
        } else {
            self.channels.insert(channel, pts);
        }
    }
}

/// Everything a session holds.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SessionData {
    /// The DC the account lives on.
    pub home_dc: Option<i32>,
    /// DC addresses.
    pub dc_options: Vec<DcOption>,
    /// Auth keys by DC id.
    pub auth_keys: BTreeMap<i32, AuthKeyBytes>,
    /// The peer cache by marked id.
    pub peers: BTreeMap<i64, PeerInfo>,
    /// The update state.
    pub update_state: UpdateState,
    /// Who holds each username, built on the first merge (not compared, not
    /// stored: derived from `peers`).
    pub(crate) username_owners: UsernameIndex,
}

/// Username → marked id, kept in step with `peers` by
/// [`SessionData::merge_peers`], so that merging a page of 200 users costs 200
/// lookups however large the cache is (it used to rebuild this per call: a
/// 100,000-member listing spent minutes there).
#[derive(Clone, Default)]
pub(crate) struct UsernameIndex {
    built: bool,
    owners: std::collections::HashMap<String, i64>,
}

impl PartialEq for UsernameIndex {
    fn eq(&self, _: &Self) -> bool {
        true // derived data: equal whenever `peers` are
    }
}

impl Eq for UsernameIndex {}

impl std::fmt::Debug for SessionData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Auth keys are secrets: only which DCs have one is shown.
        f.debug_struct("SessionData")
            .field("home_dc", &self.home_dc)
            .field("dc_options", &self.dc_options)
            .field(
                "auth_keys",
                &format_args!(
                    "<{} keys for DCs {:?}>",
                    self.auth_keys.len(),
                    self.auth_keys.keys().collect::<Vec<_>>()
                ),
            )
            .field("peers", &self.peers.len())
            .field("update_state", &self.update_state)
            .finish()
    }
}

/// Digits only.
pub(crate) fn normalize_phone(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Lower-cased, without a leading `@`.
pub(crate) fn normalize_username(username: &str) -> String {
    username.trim_start_matches('@').to_ascii_lowercase()
}

impl SessionData {
    /// A cached peer by username.
    pub fn peer_by_username(&self, username: &str) -> Option<&PeerInfo> {
        let want = normalize_username(username);
        if self.username_owners.built {
            return self
                .username_owners
                .owners
                .get(&want)
                .and_then(|k| self.peers.get(k))
                .filter(|p| p.username.as_deref() == Some(want.as_str()));
        }
        self.peers
            .values()
            .find(|p| p.username.as_deref() == Some(want.as_str()))
    }

    /// A cached user by phone number.
    pub fn peer_by_phone(&self, phone: &str) -> Option<&PeerInfo> {
        let want = normalize_phone(phone);
        if want.is_empty() {
            return None;
        }
        self.peers
            .values()
            .find(|p| p.kind.is_user() && p.phone.as_deref() == Some(want.as_str()))
    }

    /// Merges `peers` into the cache (see [`PeerInfo::merge`]); returns the
    /// entries that changed (new, or different from what was cached) as stored,
    /// which is all a persistent store needs to write.
    pub fn merge_peers(&mut self, peers: &[PeerInfo]) -> Vec<PeerInfo> {
        let mut out = Vec::with_capacity(peers.len());
        if !self.username_owners.built {
            self.username_owners.owners = self
                .peers
                .iter()
                .filter_map(|(k, p)| p.username.clone().map(|u| (u, *k)))
                .collect();
            self.username_owners.built = true;
        }
        for p in peers {
            if let Some(old) = self.peers.get(&p.marked_id())
                && merge_keeps(old, p)
            {
                continue;
            }
            let mut p = p.clone();
            p.username = p.username.as_deref().map(normalize_username);
            p.phone = p.phone.as_deref().map(normalize_phone);
            let key = p.marked_id();
            let previous = self.peers.get(&key);
            let old_username = previous.and_then(|p| p.username.clone());
            let merged = PeerInfo::merge(previous, p);
            let changed = previous != Some(&merged);
            let owners = &mut self.username_owners.owners;
            if old_username != merged.username
                && let Some(old) = &old_username
                && owners.get(old) == Some(&key)
            {
                owners.remove(old);
            }
            // A username belongs to one peer at a time.
            if let Some(u) = &merged.username
                && let Some(other) = owners.insert(u.clone(), key)
                && other != key
                && let Some(o) = self.peers.get_mut(&other)
            {
                o.username = None;
            }
            if changed {
                self.peers.insert(key, merged.clone());
                out.push(merged);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_ids_of_hostile_ids_do_not_overflow() {
        for id in [
            i64::MIN,
            i64::MIN + 1,
            -1,
            0,
            1,
            i64::MAX - CHANNEL_MARK,
            i64::MAX,
        ] {
            for kind in [
                PeerKind::User,
                PeerKind::Chat,
                PeerKind::Channel,
                PeerKind::Megagroup,
            ] {
                let _ = marked_id(kind, id);
            }
        }
        assert_eq!(marked_id(PeerKind::Channel, 1234), -1_000_000_001_234);
        assert_eq!(marked_id(PeerKind::Chat, 77), -77);
        assert_eq!(marked_id(PeerKind::Channel, i64::MAX), i64::MIN + 1);
    }

    /// `merge_keeps` says "unchanged" exactly when the full merge (with the
    /// sighting normalized as `merge_peers` stores it) gives back the old entry.
    #[test]
    fn merge_keeps_agrees_with_the_full_merge() {
        let hashes = [None, Some(1), Some(2)];
        let usernames = [None, Some("alice"), Some("@Alice"), Some("bob")];
        let phones = [
            None,
            Some("15550001"),
            Some("+1 555 0001"),
            Some("15550002"),
        ];
        let names = [None, Some("Alice"), Some("Bob")];
        let kinds = [PeerKind::User, PeerKind::Bot];
        let mut checked = 0;
        for old_min in [false, true] {
            for new_min in [false, true] {
                for (h1, h2) in hashes
                    .iter()
                    .flat_map(|a| hashes.iter().map(move |b| (a, b)))
                {
                    for (u, ph) in usernames.iter().zip(phones.iter().cycle().skip(1)) {
                        for n in names {
                            for k in kinds {
                                let old = PeerInfo {
                                    id: 5,
                                    kind: PeerKind::User,
                                    access_hash: *h1,
                                    username: Some("alice".into()),
                                    phone: Some("15550001".into()),
                                    name: Some("Alice".into()),
                                    min: old_min,
                                    migrated_to: None,
                                };
                                let new = PeerInfo {
                                    id: 5,
                                    kind: k,
                                    access_hash: *h2,
                                    username: u.map(str::to_owned),
                                    phone: ph.map(str::to_owned),
                                    name: n.map(str::to_owned),
                                    min: new_min,
                                    migrated_to: None,
                                };
                                let mut normalized = new.clone();
                                normalized.username =
                                    normalized.username.as_deref().map(normalize_username);
                                normalized.phone = normalized.phone.as_deref().map(normalize_phone);
                                let full = PeerInfo::merge(Some(&old), normalized) == old;
                                assert_eq!(merge_keeps(&old, &new), full, "{old:?} <- {new:?}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 9 * 4 * 3 * 2);
    }

    fn user(id: i64, hash: Option<i64>, min: bool) -> PeerInfo {
        PeerInfo {
            id,
            kind: PeerKind::User,
            access_hash: hash,
            username: Some("@Alice".into()),
            phone: None,
            name: Some("Alice".into()),
            min,
            migrated_to: None,
        }
    }

    #[test]
    fn min_never_replaces_a_full_access_hash() {
        let mut d = SessionData::default();
        d.merge_peers(&[user(5, Some(111), false)]);
        d.merge_peers(&[user(5, Some(222), true)]);
        let p = &d.peers[&5];
        assert_eq!((p.access_hash, p.min), (Some(111), false));
        d.merge_peers(&[user(5, Some(333), false)]);
        assert_eq!(d.peers[&5].access_hash, Some(333));
        assert_eq!(d.peer_by_username("alice").map(|p| p.id), Some(5));
        // The username moves to whoever has it now.
        d.merge_peers(&[user(6, Some(1), false)]);
        assert_eq!(d.peer_by_username("ALICE").map(|p| p.id), Some(6));
        assert_eq!(d.peers[&5].username, None);
    }

    #[test]
    fn marked_ids_follow_the_bot_api() {
        assert_eq!(marked_id(PeerKind::User, 42), 42);
        assert_eq!(marked_id(PeerKind::Chat, 42), -42);
        assert_eq!(marked_id(PeerKind::Megagroup, 42), -1_000_000_000_042);
    }

    #[test]
    fn debug_hides_keys_and_phones() {
        let mut d = SessionData::default();
        d.auth_keys.insert(2, [0xab; 256]);
        d.merge_peers(&[PeerInfo {
            phone: Some("+1 555 0100".into()),
            ..user(1, Some(1), false)
        }]);
        let s = format!("{d:?} {:?}", d.peers[&1]);
        assert!(
            !s.contains("abab") && !s.contains("171, 171") && !s.contains("5550100"),
            "{s}"
        );
        assert!(s.contains("DCs [2]"));
    }
}
