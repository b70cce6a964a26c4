//! The accounts, authorizations, mailboxes and files every DC of one server shares.

use std::collections::{BTreeMap, HashMap};

use ferrogram_mtproto::crypto::sha256;
use ferrogram_mtproto::srp::{SrpParams, SrpServer};
use ferrogram_tl_types::enums;
use std::sync::Arc;

use crate::chats::{ChatKind, Participant, Role, StoredChat, expired};

/// Phone prefix of the test numbers whose login code the server derives
/// (`99966XYYYY`: X is the DC digit, as on Telegram's test DCs).
pub const TEST_PHONE_PREFIX: &str = "99966";

/// The login code the server expects for `phone`.
///
/// For Telegram-style test numbers `99966XYYYY` the code is the DC digit `X`
/// repeated five times (`9996621234` → `22222`), as on Telegram's test DCs. For any
/// other number it is the number's last five digits, left-padded with zeros.
pub fn login_code(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = digits.strip_prefix(TEST_PHONE_PREFIX)
        && let Some(x) = rest.chars().next()
    {
        return x.to_string().repeat(5);
    }
    let tail = &digits[digits.len().saturating_sub(5)..];
    format!("{tail:0>5}")
}

/// The DC a new account with this phone lives on, if the number says (test numbers
/// `99966XYYYY` live on DC X).
pub fn phone_dc(phone: &str) -> Option<i32> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let rest = digits.strip_prefix(TEST_PHONE_PREFIX)?;
    rest.chars().next()?.to_digit(10).map(|d| d as i32)
}

/// Normalises a phone number to digits only.
pub fn normalize_phone(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// A 2FA password as the server stores it: the SRP parameters and verifier only.
#[derive(Clone, Debug)]
pub(crate) struct Password {
    pub params: SrpParams,
    pub verifier: [u8; 256],
    pub hint: String,
    /// When it was set (0: before the world began).
    pub set_at: i32,
}

/// An account.
#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub username: Option<String>,
    pub phone: Option<String>,
    pub bot: bool,
    pub bot_token: Option<String>,
    /// A bot that may not be added to groups (`user.bot_nochats`).
    pub bot_nochats: bool,
    /// A bot that may screen join requests (`user.bot_guard`, layer 230).
    pub bot_guard: bool,
    pub password: Option<Password>,
    pub home_dc: i32,
}

/// One message as one user's mailbox holds it.
#[derive(Clone, Debug)]
pub(crate) struct StoredMessage {
    pub id: i32,
    /// The other side of the private chat (the owner for Saved Messages).
    pub peer: i64,
    pub from: i64,
    pub out: bool,
    pub date: i32,
    pub text: String,
    pub media: Option<enums::MessageMedia>,
    pub pts: i32,
    /// The same message in the other side's mailbox (its id there).
    pub twin: Option<i32>,
}

/// The ids of the common message box. On Telegram a user's private chats
/// and basic groups share one id sequence, so `messages.deleteMessages`,
/// `messages.getMessages` and the like need no peer. Here one counter serves
/// every mailbox and basic group: ids still grow in each user's box (with
/// gaps, as deletions leave on Telegram too) and name one message however
/// the caller came by it; unlike Telegram, a basic-group message has the same
/// id for every member (it is stored once, with its group).
#[derive(Clone, Debug)]
pub(crate) struct CommonIds(Arc<std::sync::atomic::AtomicI32>);

impl CommonIds {
    fn new() -> Self {
        Self(Arc::new(std::sync::atomic::AtomicI32::new(1)))
    }

    /// The next id.
    pub(crate) fn next(&self) -> i32 {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// A user's private-chat state: pts, qts and seq are per user, as on
/// Telegram; message ids come from [`CommonIds`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Mailbox {
    pub pts: i32,
    pub qts: i32,
    pub seq: i32,
    pub messages: BTreeMap<i32, StoredMessage>,
    /// The pts each basic-group message (chat id, message id) took in this
    /// mailbox: one per message, however often its update is built (the
    /// sender's answer and its other sessions' push, a retried send).
    pub group_pts: HashMap<(i64, i32), i32>,
    /// Basic-group messages (chat id, message id) this user deleted for
    /// themselves only: the group keeps them for everyone else.
    pub hidden: std::collections::HashSet<(i64, i32)>,
    /// The latest updates that took a qts (membership updates of bots),
    /// oldest first, at most [`QTS_KEPT`]: what `updates.getDifference`
    /// returns after a given qts.
    pub qts_updates: std::collections::VecDeque<(i32, enums::Update)>,
}

/// How many qts updates a mailbox keeps for `updates.getDifference`.
pub const QTS_KEPT: usize = 10_000;

impl Mailbox {
    /// Takes the next qts for `update` (built with it) and keeps it.
    pub(crate) fn push_qts(&mut self, update: impl FnOnce(i32) -> enums::Update) -> enums::Update {
        self.qts += 1;
        let u = update(self.qts);
        if self.qts_updates.len() == QTS_KEPT {
            self.qts_updates.pop_front();
        }
        self.qts_updates.push_back((self.qts, u.clone()));
        u
    }
}

/// Who an auth key is signed in as.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Authorization {
    pub user: i64,
    /// Made by `auth.importAuthorization` (a borrowed connection to a non-home DC).
    pub imported: bool,
    /// When the session signed in (server clock).
    pub date: i32,
}

/// A pending `auth.sendCode`.
#[derive(Clone, Debug)]
pub(crate) struct PendingCode {
    pub phone: String,
    pub code: String,
    pub expires: i32,
}

/// An uploaded file: parts by number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Upload {
    pub parts: BTreeMap<i32, Vec<u8>>,
    pub total: Option<i32>,
}

/// A stored photo.
#[derive(Clone, Debug)]
pub(crate) struct StoredPhoto {
    pub id: i64,
    pub owner: i64,
    pub date: i32,
    pub dc: i32,
    pub bytes: Vec<u8>,
    /// File references issued before this are expired.
    pub reference_epoch: u32,
    /// Set for a file sent as a document: its MIME type and name.
    pub document: Option<(String, String)>,
}

/// Everything shared by the DCs of one server.
#[derive(Debug)]
pub(crate) struct World {
    secret: [u8; 32],
    pub accounts: BTreeMap<i64, Account>,
    pub phones: HashMap<String, i64>,
    pub bot_tokens: HashMap<String, i64>,
    pub authorizations: HashMap<i64, Authorization>,
    pub codes: HashMap<String, PendingCode>,
    pub srp: HashMap<i64, (i64, SrpServer)>,
    /// Messages sent, by (sender, random_id): a resend with the same random_id
    /// (a client retrying after a dropped connection) gets the first message back.
    pub random_ids: HashMap<(i64, i64), i32>,
    /// Auth keys that passed the login code and owe a 2FA password: key id → user.
    pub pending_password: HashMap<i64, i64>,
    pub mailboxes: HashMap<i64, Mailbox>,
    pub exported: HashMap<i64, (i64, Vec<u8>, i32)>,
    pub uploads: HashMap<(i64, i64), Upload>,
    pub photos: BTreeMap<i64, StoredPhoto>,
    pub profile_photos: HashMap<i64, Vec<i64>>,
    /// Each user's contact list (user ids).
    pub contacts: HashMap<i64, std::collections::BTreeSet<i64>>,
    next_user_id: i64,
    next_photo_id: i64,
    next_chat_id: i64,
    /// Message ids of mailboxes and basic groups.
    pub common_ids: CommonIds,
    /// Each chat and mailbox keeps only its latest this many messages
    /// ([`crate::TestServerBuilder::message_retention`]).
    pub retention: Option<usize>,
    /// Each chat keeps only its latest this many admin-log events, and each
    /// mailbox this many qts updates
    /// ([`crate::TestServerBuilder::event_retention`]).
    pub event_retention: Option<usize>,
    /// Groups, supergroups and channels by id.
    pub chats: BTreeMap<i64, crate::chats::StoredChat>,
    next_export_id: i64,
    pub home_dc: i32,
    /// Supergroups and channels whose owner left, with when: handed over
    /// after `policy::OWNER_LEAVE_GRACE` unless the owner comes back.
    pub owner_leaves: BTreeMap<i64, i32>,
    /// Each user's privacy rules by key (the key's TL bytes).
    pub privacy: HashMap<(i64, Vec<u8>), Vec<enums::PrivacyRule>>,
    /// Communities by id (ids from the chats' counter).
    pub communities: BTreeMap<i64, crate::communities::Community>,
    /// When the next self-deleting message expires, if any
    /// (`channels::options::expire_messages`).
    pub message_expiry: Option<i32>,
}

impl World {
    pub(crate) fn new(secret: [u8; 32], home_dc: i32) -> Self {
        Self {
            secret,
            accounts: BTreeMap::new(),
            phones: HashMap::new(),
            bot_tokens: HashMap::new(),
            authorizations: HashMap::new(),
            codes: HashMap::new(),
            srp: HashMap::new(),
            pending_password: HashMap::new(),
            random_ids: HashMap::new(),
            mailboxes: HashMap::new(),
            exported: HashMap::new(),
            uploads: HashMap::new(),
            photos: BTreeMap::new(),
            profile_photos: HashMap::new(),
            contacts: HashMap::new(),
            next_user_id: 1_000_000_001,
            next_photo_id: 5_000_000_001,
            next_chat_id: 1_500_000_001,
            common_ids: CommonIds::new(),
            retention: None,
            event_retention: None,
            chats: BTreeMap::new(),
            next_export_id: 1,
            home_dc,
            owner_leaves: BTreeMap::new(),
            privacy: HashMap::new(),
            communities: BTreeMap::new(),
            message_expiry: None,
        }
    }

    /// A fresh chat id.
    pub(crate) fn next_chat_id(&mut self) -> i64 {
        let id = self.next_chat_id;
        self.next_chat_id += 1;
        id
    }

    /// A keyed hash of `parts` (access hashes, tokens, salts, references).
    pub(crate) fn keyed(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut all: Vec<&[u8]> = vec![&self.secret];
        all.extend_from_slice(parts);
        sha256(&all)
    }

    fn keyed_i64(&self, parts: &[&[u8]]) -> i64 {
        let h = self.keyed(parts);
        i64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
    }

    /// The access hash `viewer` sees for user `target` (per viewer, as on Telegram).
    pub(crate) fn access_hash(&self, viewer: i64, target: i64) -> i64 {
        self.keyed_i64(&[b"user", &viewer.to_le_bytes(), &target.to_le_bytes()])
    }

    /// A photo's access hash.
    pub(crate) fn photo_access_hash(&self, photo: i64) -> i64 {
        self.keyed_i64(&[b"photo", &photo.to_le_bytes()])
    }

    /// A photo's current file reference.
    pub(crate) fn file_reference(&self, photo: &StoredPhoto) -> Vec<u8> {
        self.keyed(&[
            b"fileref",
            &photo.id.to_le_bytes(),
            &photo.reference_epoch.to_le_bytes(),
        ])[..16]
            .to_vec()
    }

    /// Creates an account and returns its id.
    pub(crate) fn create_account(
        &mut self,
        first_name: &str,
        last_name: &str,
        phone: Option<&str>,
        bot: bool,
        home_dc: i32,
    ) -> i64 {
        let id = self.next_user_id;
        self.next_user_id += 1;
        let phone = phone.map(normalize_phone);
        if let Some(p) = &phone {
            self.phones.insert(p.clone(), id);
        }
        let bot_token = bot.then(|| {
            let h = self.keyed(&[b"bot-token", &id.to_le_bytes()]);
            let secret: String = h[..18]
                .iter()
                .map(|b| {
                    const ALPHABET: &[u8] =
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                    ALPHABET[(*b & 63) as usize] as char
                })
                .collect();
            format!("{id}:{secret}")
        });
        if let Some(t) = &bot_token {
            self.bot_tokens.insert(t.clone(), id);
        }
        self.accounts.insert(
            id,
            Account {
                id,
                first_name: first_name.to_owned(),
                last_name: last_name.to_owned(),
                username: None,
                phone,
                bot,
                bot_token,
                bot_nochats: false,
                bot_guard: false,
                password: None,
                home_dc,
            },
        );
        id
    }

    /// Keeps only the latest `messages` messages of every chat and mailbox
    /// and the latest `events` admin-log events and qts updates, from now on
    /// (chats made later too).
    pub(crate) fn set_retention(&mut self, messages: Option<usize>, events: Option<usize>) {
        self.retention = messages;
        self.event_retention = events;
        for c in self.chats.values_mut() {
            c.keep = messages;
            c.keep_events = events;
        }
    }

    /// Drops the oldest messages of `owner`'s mailbox past the retention
    /// (with the `random_id`s of `owner`'s sends naming them), a batch at a
    /// time once an eighth over.
    pub(crate) fn forget_old_messages(&mut self, owner: i64) {
        let Some(keep) = self.retention else {
            return;
        };
        let m = self.mailbox(owner);
        if m.messages.len() <= keep + keep / 8 + 1 {
            return;
        }
        while m.messages.len() > keep {
            m.messages.pop_first();
        }
        let oldest = m.messages.first_key_value().map_or(i32::MAX, |(id, _)| *id);
        self.random_ids
            .retain(|(sender, _), id| *sender != owner || *id >= oldest);
    }

    /// The mailbox of `user`.
    pub(crate) fn mailbox(&mut self, user: i64) -> &mut Mailbox {
        self.mailboxes.entry(user).or_default()
    }

    /// Whether `owner` has `user` in their contacts.
    pub(crate) fn is_contact(&self, owner: i64, user: i64) -> bool {
        self.contacts.get(&owner).is_some_and(|c| c.contains(&user))
    }

    /// Issues an export token for `user` to use on `dc`.
    pub(crate) fn export_authorization(&mut self, user: i64, dc: i32) -> (i64, Vec<u8>) {
        let id = self.next_export_id;
        self.next_export_id += 1;
        let bytes = self.keyed(&[b"export", &id.to_le_bytes(), &user.to_le_bytes()]);
        self.exported.insert(id, (user, bytes.to_vec(), dc));
        (id, bytes.to_vec())
    }

    /// Stores a new photo and returns its id.
    pub(crate) fn add_photo(&mut self, owner: i64, date: i32, dc: i32, bytes: Vec<u8>) -> i64 {
        let id = self.next_photo_id;
        self.next_photo_id += 1;
        self.photos.insert(
            id,
            StoredPhoto {
                id,
                owner,
                date,
                dc,
                bytes,
                reference_epoch: 0,
                document: None,
            },
        );
        id
    }
}

impl World {
    /// A channel's access hash as `viewer` sees it.
    pub(crate) fn channel_access_hash(&self, viewer: i64, channel: i64) -> i64 {
        let h = self.keyed(&[b"channel", &viewer.to_le_bytes(), &channel.to_le_bytes()]);
        i64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
    }

    /// Creates a chat and returns its id.
    pub(crate) fn create_chat(
        &mut self,
        kind: ChatKind,
        title: &str,
        creator: i64,
        date: i32,
    ) -> i64 {
        let id = self.next_chat_id();
        let mut chat = StoredChat::new(id, kind, title, creator, date);
        if kind == ChatKind::Group {
            chat.common_ids = Some(self.common_ids.clone());
        }
        chat.keep = self.retention;
        chat.keep_events = self.event_retention;
        self.chats.insert(id, chat);
        id
    }

    /// How many supergroups and channels `user` is a member of.
    pub(crate) fn channels_of(&self, user: i64) -> usize {
        self.chats
            .values()
            .filter(|c| c.kind != ChatKind::Group)
            .filter(|c| c.participant(user).is_some_and(Participant::is_member))
            .count()
    }

    /// Lifts restrictions and bans whose `until_date` has passed (the clock moves).
    pub(crate) fn expire_restrictions(&mut self, now: i32) {
        for c in self.chats.values_mut() {
            for p in &mut c.participants {
                match &p.role {
                    Role::Restricted { rights, .. } if expired(rights, now) => {
                        p.role = Role::Member
                    }
                    Role::Banned { rights, .. } if expired(rights, now) => p.role = Role::Left,
                    _ => {}
                }
            }
        }
    }

    /// The participants of `chat` whose name has a word starting with `query`
    /// (case-insensitive), newest first: `name_matches` through the sorted
    /// word index instead of a scan.
    pub(crate) fn search_members<'c>(
        &self,
        chat: &'c StoredChat,
        query: &str,
    ) -> Vec<&'c Participant> {
        let index = {
            let mut cache = chat
                .search_index
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            cache
                .get_or_insert_with(|| {
                    let mut words: Vec<(Box<str>, u32)> = Vec::new();
                    for (i, p) in chat.participants.iter().enumerate() {
                        let Some(a) = self.accounts.get(&p.user) else {
                            continue;
                        };
                        for w in a
                            .first_name
                            .split_whitespace()
                            .chain(a.last_name.split_whitespace())
                            .chain(a.username.as_deref())
                        {
                            let lower: String = w.chars().flat_map(char::to_lowercase).collect();
                            words.push((lower.into_boxed_str(), i as u32));
                        }
                    }
                    words.sort_unstable();
                    Arc::new(words)
                })
                .clone()
        };
        let q: String = query.trim().chars().flat_map(char::to_lowercase).collect();
        let start = index.partition_point(|(w, _)| w.as_ref() < q.as_str());
        let mut hits: Vec<u32> = index[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(q.as_str()))
            .map(|(_, i)| *i)
            .collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits.dedup();
        hits.into_iter()
            .map(|i| &chat.participants[i as usize])
            .filter(|p| p.is_member())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_documented_rule() {
        assert_eq!(login_code("9996621234"), "22222");
        assert_eq!(login_code("+999 66 3 0001"), "33333");
        assert_eq!(login_code("+1 555 0123456"), "23456");
        assert_eq!(login_code("12"), "00012");
        assert_eq!(phone_dc("9996641234"), Some(4));
        assert_eq!(phone_dc("15550123"), None);
    }

    #[test]
    fn access_hashes_depend_on_the_viewer() {
        let w = World::new([7; 32], 2);
        assert_ne!(w.access_hash(1, 3), w.access_hash(2, 3));
        assert_eq!(w.access_hash(1, 3), w.access_hash(1, 3));
    }
}
