//! Groups, supergroups and channels, their participants in every role, and the
//! default chat world.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ferrogram_tl_types::{enums, types};

use crate::world::World;

/// The most members a plain participant listing reaches (offsets beyond give
/// nothing), as on Telegram; `count` still reports the real total.
pub const LISTING_CAP: usize = 10_000;
/// The most matches one participant search returns (the test server's choice;
/// Telegram caps searches too). `count` reports the real number of matches.
pub const SEARCH_CAP: usize = 1_000;

/// What a chat is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    /// A basic group.
    Group,
    /// A supergroup (megagroup).
    Supergroup,
    /// A broadcast channel.
    Channel,
}

impl ChatKind {
    /// The name used in the server's JSON line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::Supergroup => "supergroup",
            Self::Channel => "channel",
        }
    }
}

/// A participant's role.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Role {
    Creator {
        rank: Option<String>,
    },
    Admin {
        rights: types::ChatAdminRights,
        rank: Option<String>,
        promoted_by: i64,
    },
    Member,
    /// Restricted (still a member), until a date (0: forever).
    Restricted {
        rights: types::ChatBannedRights,
        kicked_by: i64,
    },
    /// Banned (kicked: `view_messages` denied), until a date (0: forever).
    Banned {
        rights: types::ChatBannedRights,
        kicked_by: i64,
    },
    Left,
}

/// One participant.
#[derive(Clone, Debug)]
pub(crate) struct Participant {
    pub user: i64,
    pub role: Role,
    pub date: i32,
    pub inviter: i64,
}

impl Participant {
    /// A current member (not banned, not left).
    pub fn is_member(&self) -> bool {
        !matches!(self.role, Role::Banned { .. } | Role::Left)
    }

    pub fn is_admin(&self) -> bool {
        matches!(self.role, Role::Creator { .. } | Role::Admin { .. })
    }
}

/// A group, supergroup or channel.
#[derive(Clone, Debug)]
pub(crate) struct StoredChat {
    pub id: i64,
    pub kind: ChatKind,
    pub title: String,
    pub username: Option<String>,
    pub about: String,
    pub creator: i64,
    pub date: i32,
    pub default_banned: types::ChatBannedRights,
    pub pts: i32,
    /// Participants in join order (oldest first).
    pub participants: Vec<Participant>,
    pub index: HashMap<i64, usize>,
    /// The admin log, oldest first.
    pub admin_log: Vec<LogEvent>,
    /// Messages (posts, members' messages and service messages), oldest
    /// first; ids count from 1.
    pub messages: Vec<ChatMessage>,
    /// Who sent which `random_id`, for sends retried in a new session.
    pub random_ids: HashMap<(i64, i64), i32>,
    /// Every word of the participants' names (lower case) with the
    /// participant's index, sorted: prefix search without a scan. Built on
    /// first use, dropped when a participant is added.
    pub search_index: SearchIndex,
    /// The current photo.
    pub photo: Option<i64>,
    /// Invite links (`t.me/+HASH`), oldest first.
    pub invites: Vec<Invite>,
    /// A supergroup organised in topics.
    pub forum: bool,
    /// Forum topics, oldest first (a topic's id is its creation message's id).
    pub topics: Vec<Topic>,
}

/// A forum topic.
#[derive(Clone, Debug)]
pub(crate) struct Topic {
    pub id: i32,
    pub date: i32,
    pub creator: i64,
    pub title: String,
    pub icon_color: i32,
    pub closed: bool,
}

impl Topic {
    /// The TL form, in the forum `peer`, as `viewer` sees it.
    pub fn view(&self, peer: enums::Peer, viewer: i64) -> enums::ForumTopic {
        enums::ForumTopic::from(types::ForumTopic {
            my: self.creator == viewer,
            closed: self.closed,
            pinned: false,
            short: false,
            hidden: false,
            title_missing: false,
            id: self.id,
            date: self.date,
            peer,
            title: self.title.clone(),
            icon_color: self.icon_color,
            icon_emoji_id: None,
            top_message: self.id,
            read_inbox_max_id: 0,
            read_outbox_max_id: 0,
            unread_count: 0,
            unread_mentions_count: 0,
            unread_reactions_count: 0,
            unread_poll_votes_count: 0,
            from_id: enums::Peer::from(types::PeerUser {
                user_id: self.creator,
            }),
            notify_settings: enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            draft: None,
        })
    }
}

/// An exported invite link.
#[derive(Clone, Debug)]
pub(crate) struct Invite {
    pub hash: String,
    pub admin: i64,
    pub date: i32,
    pub usage: i32,
}

impl Invite {
    /// The TL form.
    pub fn view(&self) -> enums::ExportedChatInvite {
        enums::ExportedChatInvite::from(types::ChatInviteExported {
            link: format!("https://t.me/+{}", self.hash),
            admin_id: self.admin,
            date: self.date,
            usage: Some(self.usage),
            ..Default::default()
        })
    }
}

/// The cached word index of a chat (see [`StoredChat::search_index`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct SearchIndex(Arc<Mutex<Option<Words>>>);

/// Lower-case words with their participant's index, sorted.
type Words = Arc<Vec<(Box<str>, u32)>>;

impl SearchIndex {
    fn clear(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// A message of a group or channel: text, or a service message.
#[derive(Clone, Debug)]
pub(crate) struct ChatMessage {
    pub id: i32,
    pub date: i32,
    pub from: i64,
    pub text: String,
    /// Set for service messages (photo and title changes, members removed).
    pub action: Option<enums::MessageAction>,
    /// The channel's pts after this message (basic groups: 0).
    pub pts: i32,
}

/// One admin-log entry.
#[derive(Clone, Debug)]
pub(crate) struct LogEvent {
    pub id: i64,
    pub date: i32,
    pub actor: i64,
    /// The user the event is about, if any (for `q` and the users list).
    pub target: Option<i64>,
    pub action: enums::ChannelAdminLogEventAction,
}

impl StoredChat {
    pub fn new(id: i64, kind: ChatKind, title: &str, creator: i64, date: i32) -> Self {
        let mut c = Self {
            id,
            kind,
            title: title.to_owned(),
            username: None,
            about: String::new(),
            creator,
            date,
            default_banned: types::ChatBannedRights::default(),
            pts: 1,
            participants: Vec::new(),
            index: HashMap::new(),
            admin_log: Vec::new(),
            messages: Vec::new(),
            random_ids: HashMap::new(),
            search_index: SearchIndex::default(),
            photo: None,
            invites: Vec::new(),
            forum: false,
            topics: Vec::new(),
        };
        c.add(creator, Role::Creator { rank: None }, date, creator);
        c
    }

    /// Adds (or replaces) a participant.
    pub fn add(&mut self, user: i64, role: Role, date: i32, inviter: i64) {
        let p = Participant {
            user,
            role,
            date,
            inviter,
        };
        match self.index.get(&user) {
            Some(&i) => self.participants[i] = p,
            None => {
                self.index.insert(user, self.participants.len());
                self.participants.push(p);
                self.search_index.clear();
            }
        }
    }

    pub fn participant(&self, user: i64) -> Option<&Participant> {
        self.index.get(&user).map(|&i| &self.participants[i])
    }

    pub fn count_members(&self) -> i32 {
        self.participants.iter().filter(|p| p.is_member()).count() as i32
    }

    pub fn count_admins(&self) -> i32 {
        self.participants.iter().filter(|p| p.is_admin()).count() as i32
    }

    pub fn count_kicked(&self) -> i32 {
        self.participants
            .iter()
            .filter(|p| matches!(p.role, Role::Banned { .. }))
            .count() as i32
    }

    pub fn count_banned(&self) -> i32 {
        self.participants
            .iter()
            .filter(|p| matches!(p.role, Role::Restricted { .. }))
            .count() as i32
    }

    /// Records a message (and moves the channel's pts).
    pub fn add_message(
        &mut self,
        date: i32,
        from: i64,
        text: String,
        action: Option<enums::MessageAction>,
    ) -> ChatMessage {
        self.pts += 1;
        let m = ChatMessage {
            id: self.messages.last().map_or(1, |m| m.id + 1),
            date,
            from,
            text,
            action,
            pts: if self.kind == ChatKind::Group {
                0
            } else {
                self.pts
            },
        };
        self.messages.push(m.clone());
        m
    }

    /// Records a service message.
    pub fn add_service(
        &mut self,
        date: i32,
        from: i64,
        action: enums::MessageAction,
    ) -> ChatMessage {
        self.add_message(date, from, String::new(), Some(action))
    }

    /// The message with this id.
    pub fn message(&self, id: i32) -> Option<&ChatMessage> {
        self.messages
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .map(|i| &self.messages[i])
    }

    /// The chat as a `Peer`.
    pub fn peer(&self) -> enums::Peer {
        match self.kind {
            ChatKind::Group => enums::Peer::from(types::PeerChat { chat_id: self.id }),
            _ => enums::Peer::from(types::PeerChannel {
                channel_id: self.id,
            }),
        }
    }

    /// The TL form of a message, as `viewer` sees it. Broadcast posts carry
    /// no author.
    pub fn message_view(&self, m: &ChatMessage, viewer: i64) -> enums::Message {
        let post = self.kind == ChatKind::Channel;
        let from_id = Some(enums::Peer::from(types::PeerUser { user_id: m.from }));
        match &m.action {
            Some(action) => enums::Message::from(types::MessageService {
                out: m.from == viewer,
                mentioned: false,
                media_unread: false,
                reactions_are_possible: false,
                silent: false,
                post,
                legacy: false,
                id: m.id,
                from_id,
                peer_id: self.peer(),
                saved_peer_id: None,
                reply_to: None,
                date: m.date,
                action: action.clone(),
                reactions: None,
                ttl_period: None,
            }),
            None => {
                let views = post.then(|| crate::stats::post_views(self, m.id));
                enums::Message::from(types::Message {
                    out: m.from == viewer,
                    post,
                    id: m.id,
                    from_id: if post { None } else { from_id },
                    date: m.date,
                    message: m.text.clone(),
                    // views and forwards share one flag bit: both or neither.
                    views,
                    forwards: views.map(|v| v / 50),
                    ..types::Message::new(self.peer())
                })
            }
        }
    }

    /// Records an admin-log event.
    pub fn log(
        &mut self,
        date: i32,
        actor: i64,
        target: Option<i64>,
        action: enums::ChannelAdminLogEventAction,
    ) {
        let id = self.admin_log.last().map_or(1, |e| e.id + 1);
        self.admin_log.push(LogEvent {
            id,
            date,
            actor,
            target,
            action,
        });
    }

    /// The marked (Bot API) id.
    pub fn marked_id(&self) -> i64 {
        match self.kind {
            ChatKind::Group => -self.id,
            _ => -(1_000_000_000_000 + self.id),
        }
    }
}

/// What a basic group's admin may do.
pub(crate) fn group_admin_rights() -> types::ChatAdminRights {
    types::ChatAdminRights {
        change_info: true,
        delete_messages: true,
        ban_users: true,
        invite_users: true,
        pin_messages: true,
        manage_call: true,
        ..types::ChatAdminRights::default()
    }
}

/// Every admin right of layer 230, set.
pub(crate) fn all_admin_rights() -> types::ChatAdminRights {
    types::ChatAdminRights {
        change_info: true,
        post_messages: true,
        edit_messages: true,
        delete_messages: true,
        ban_users: true,
        invite_users: true,
        pin_messages: true,
        add_admins: true,
        anonymous: false,
        manage_call: true,
        other: true,
        manage_topics: true,
        post_stories: true,
        edit_stories: true,
        delete_stories: true,
        ..types::ChatAdminRights::default()
    }
}

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Sophie",
    "Lukas",
    "Emma",
    "Noah",
    "Olivia",
    "Mateo",
    "Camille",
    "Hugo",
    "Giulia",
    "Marco",
    "Aiko",
    "Haruto",
    "Yuna",
    "Minjun",
    "Seo-yeon",
    "Wei",
    "Mei",
    "Arjun",
    "Priya",
    "Ananya",
    "Fatima",
    "Omar",
    "Layla",
    "Yusuf",
    "Amara",
    "Kwame",
    "Chiamaka",
    "Tendai",
    "Zanele",
    "Kofi",
    "Olga",
    "Dmitri",
    "Anastasia",
    "Ivan",
    "Katarzyna",
    "Piotr",
    "Eszter",
    "Bence",
    "Ingrid",
    "Lars",
    "Freya",
    "Björn",
    "Aoife",
    "Cian",
    "Siobhan",
    "Mariana",
    "João",
    "Lucía",
    "Diego",
    "Valentina",
    "Santiago",
    "Ximena",
    "Tomás",
    "Elif",
    "Emre",
    "Zeynep",
    "Nikos",
    "Eleni",
    "Jamal",
    "Aaliyah",
    "Darnell",
    "Keisha",
    "Zoë",
    "Chloé",
    "Åsa",
    "Søren",
    "Niamh",
    "محمد",
    "Алексей",
    "Мария",
    "李",
    "王芳",
    "さくら",
    "Thảo",
    "Nguyễn",
    "Kiri",
    "Aroha",
    "Tane",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Müller",
    "Schmidt",
    "Dubois",
    "Martin",
    "Rossi",
    "Bianchi",
    "García",
    "Fernández",
    "Silva",
    "Santos",
    "Kowalski",
    "Nowak",
    "Nagy",
    "Horváth",
    "Andersson",
    "Johansson",
    "Hansen",
    "Nielsen",
    "Murphy",
    "O'Brien",
    "Ivanova",
    "Petrov",
    "Smirnov",
    "Yılmaz",
    "Kaya",
    "Papadopoulos",
    "Tanaka",
    "Suzuki",
    "Kim",
    "Park",
    "Lee",
    "Chen",
    "Wang",
    "Zhang",
    "Patel",
    "Sharma",
    "Singh",
    "Khan",
    "Haddad",
    "Mensah",
    "Okafor",
    "Mokoena",
    "Nkosi",
    "Diallo",
    "Johnson",
    "Williams",
    "Brown",
    "Nguyen",
    "Tran",
    "Wiremu",
    "",
];

/// A realistic, varied name for synthetic member `i` of `total` (deterministic).
pub(crate) fn synthetic_name(i: usize, total: usize) -> (String, String) {
    let h = (i as u64)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .rotate_left(17);
    let first = FIRST[(h % FIRST.len() as u64) as usize];
    let last = LAST[((h >> 20) % LAST.len() as u64) as usize];
    if total <= 10_000 {
        return (first.to_owned(), last.to_owned());
    }
    // Large groups have more varied names than the lists hold: above 10,000
    // members, double-barrelled surnames, so that no full name is shared by
    // more members than a search returns, as in real groups. (A member whose
    // every name word is shared by more than the search cap, and who has no
    // username, is beyond any search, on Telegram too.)
    let second = (0..LAST.len())
        .map(|k| LAST[(((h >> 40) as usize) + k) % LAST.len()])
        .find(|s| !s.is_empty())
        .unwrap_or("Smith");
    (first.to_owned(), format!("{last}-{second}"))
}

/// The ASCII username of synthetic member `i`, for about one in three of them.
pub(crate) fn synthetic_username(i: usize, first: &str) -> Option<String> {
    if i % 3 != 0 {
        return None;
    }
    let base: String = first
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    let base = if base.len() < 3 {
        "member".to_owned()
    } else {
        base
    };
    Some(format!("{base}_{i}"))
}

/// Whether `query` matches a participant: a case-insensitive prefix of any word
/// of the first name, last name or username (the documented search semantics).
pub(crate) fn name_matches(first: &str, last: &str, username: Option<&str>, query: &str) -> bool {
    let q = query.trim();
    if q.is_empty() {
        return true;
    }
    let q: Vec<char> = q.chars().flat_map(char::to_lowercase).collect();
    first
        .split_whitespace()
        .chain(last.split_whitespace())
        .chain(username)
        .any(|w| starts_with_ci(w, &q))
}

/// Whether `word` starts with `lower` (already lower-cased), ignoring case,
/// without allocating (searches run over every member).
fn starts_with_ci(word: &str, lower: &[char]) -> bool {
    let mut w = word.chars().flat_map(char::to_lowercase);
    lower.iter().all(|c| w.next() == Some(*c))
}

impl World {
    /// A channel's access hash as `viewer` sees it.
    pub(crate) fn channel_access_hash(&self, viewer: i64, channel: i64) -> i64 {
        let h = self.keyed(&[b"channel", &viewer.to_le_bytes(), &channel.to_le_bytes()]);
        i64::from_le_bytes(h[..8].try_into().expect("8 bytes"))
    }

    /// The `chatPhoto` of a chat (`chatPhotoEmpty` without one).
    fn chat_photo_small(&self, c: &StoredChat) -> enums::ChatPhoto {
        match c.photo.and_then(|id| self.photos.get(&id)) {
            Some(p) => enums::ChatPhoto::from(types::ChatPhoto {
                has_video: false,
                photo_id: p.id,
                stripped_thumb: None,
                dc_id: p.dc,
            }),
            None => enums::ChatPhoto::Empty,
        }
    }

    /// A chat as `viewer` sees it.
    pub(crate) fn chat_view(&self, viewer: i64, id: i64) -> Option<enums::Chat> {
        let c = self.chats.get(&id)?;
        let me = c.participant(viewer);
        let left = !me.is_some_and(Participant::is_member);
        if c.kind == ChatKind::Group {
            return Some(enums::Chat::from(types::Chat {
                creator: c.creator == viewer,
                left,
                id: c.id,
                title: c.title.clone(),
                participants_count: c.count_members(),
                date: c.date,
                version: 1,
                admin_rights: me.and_then(|p| match &p.role {
                    Role::Admin { rights, .. } => {
                        Some(enums::ChatAdminRights::from(rights.clone()))
                    }
                    _ => None,
                }),
                default_banned_rights: Some(enums::ChatBannedRights::from(
                    c.default_banned.clone(),
                )),
                ..types::Chat::new(self.chat_photo_small(c))
            }));
        }
        let admin_rights = me.and_then(|p| match &p.role {
            Role::Creator { .. } => Some(enums::ChatAdminRights::from(all_admin_rights())),
            Role::Admin { rights, .. } => Some(enums::ChatAdminRights::from(rights.clone())),
            _ => None,
        });
        let banned_rights = me.and_then(|p| match &p.role {
            Role::Restricted { rights, .. } => Some(enums::ChatBannedRights::from(rights.clone())),
            _ => None,
        });
        Some(enums::Chat::from(types::Channel {
            creator: c.creator == viewer,
            left,
            broadcast: c.kind == ChatKind::Channel,
            megagroup: c.kind == ChatKind::Supergroup,
            forum: c.forum,
            id: c.id,
            access_hash: Some(self.channel_access_hash(viewer, c.id)),
            title: c.title.clone(),
            username: c.username.clone(),
            date: c.date,
            admin_rights,
            banned_rights,
            default_banned_rights: Some(enums::ChatBannedRights::from(c.default_banned.clone())),
            participants_count: Some(c.count_members()),
            ..types::Channel::new(self.chat_photo_small(c))
        }))
    }

    /// `channelFull` of a supergroup or channel.
    pub(crate) fn channel_full(&self, id: i64) -> Option<types::ChannelFull> {
        let c = self.chats.get(&id)?;
        Some(types::ChannelFull {
            can_view_participants: true,
            can_view_stats: c.kind != ChatKind::Group,
            id: c.id,
            about: c.about.clone(),
            participants_count: Some(c.count_members()),
            admins_count: Some(c.count_admins()),
            kicked_count: Some(c.count_kicked()),
            banned_count: Some(c.count_banned()),
            pts: c.pts,
            ..types::ChannelFull::new(
                c.photo
                    .and_then(|p| self.photo_view(p))
                    .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 })),
                enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            )
        })
    }

    /// A participant in its TL form.
    pub(crate) fn participant_view(
        &self,
        p: &Participant,
        viewer: i64,
    ) -> enums::ChannelParticipant {
        let peer = enums::Peer::from(types::PeerUser { user_id: p.user });
        match &p.role {
            Role::Creator { rank } => {
                enums::ChannelParticipant::from(types::ChannelParticipantCreator {
                    user_id: p.user,
                    admin_rights: enums::ChatAdminRights::from(all_admin_rights()),
                    rank: rank.clone(),
                })
            }
            Role::Admin {
                rights,
                rank,
                promoted_by,
            } => enums::ChannelParticipant::from(types::ChannelParticipantAdmin {
                can_edit: *promoted_by == viewer,
                is_self: p.user == viewer,
                user_id: p.user,
                inviter_id: Some(p.inviter),
                promoted_by: *promoted_by,
                date: p.date,
                admin_rights: enums::ChatAdminRights::from(rights.clone()),
                rank: rank.clone(),
            }),
            Role::Member => enums::ChannelParticipant::from(types::ChannelParticipant {
                user_id: p.user,
                date: p.date,
                subscription_until_date: None,
                rank: None,
            }),
            Role::Restricted { rights, kicked_by } | Role::Banned { rights, kicked_by } => {
                enums::ChannelParticipant::from(types::ChannelParticipantBanned {
                    left: matches!(p.role, Role::Banned { .. }),
                    peer,
                    kicked_by: *kicked_by,
                    date: p.date,
                    banned_rights: enums::ChatBannedRights::from(rights.clone()),
                    rank: None,
                })
            }
            Role::Left => enums::ChannelParticipant::from(types::ChannelParticipantLeft { peer }),
        }
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
        self.chats
            .insert(id, StoredChat::new(id, kind, title, creator, date));
        id
    }
}

/// Placeholder photo bytes: a JPEG's start and end markers around `len`
/// deterministic bytes (a test file, not a decodable picture).
pub(crate) fn placeholder_photo(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    out.extend((0..len).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    out.extend([0xFF, 0xD9]);
    out
}

/// Gives `chat` a photo set by `by` at `date`, as `editPhoto` does: the current
/// photo, a service message and (not in basic groups) an admin-log event.
pub(crate) fn seed_chat_photo(world: &mut World, chat: i64, by: i64, date: i32, seed: u64) {
    let dc = world.home_dc;
    let id = world.add_photo(chat, date, dc, placeholder_photo(seed, 6_000));
    let Some(photo) = world.photo_view(id) else {
        return;
    };
    let Some(c) = world.chats.get_mut(&chat) else {
        return;
    };
    c.photo = Some(id);
    if c.kind != ChatKind::Group {
        c.log(
            date,
            by,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangePhoto {
                prev_photo: enums::Photo::Empty(types::PhotoEmpty { id: 0 }),
                new_photo: photo.clone(),
            }),
        );
    }
    c.add_service(
        date,
        by,
        enums::MessageAction::from(types::MessageActionChatEditPhoto { photo }),
    );
}

/// Fills the default chat world: a supergroup `@ferrogram_lounge` with `members`
/// synthetic members in every role (admins with varied rights and ranks,
/// restricted, kicked, left, bots), a broadcast channel `@ferrogram_news` and a
/// basic group, all created by `owner`, with `bot` an admin with every right.
pub(crate) fn seed_default_chats(
    world: &mut World,
    owner: i64,
    bot: i64,
    now: i32,
    members: usize,
) {
    let home = world.home_dc;
    let lounge = world.create_chat(
        ChatKind::Supergroup,
        "Ferrogram Lounge",
        owner,
        now - 400 * 86_400,
    );
    let news = world.create_chat(
        ChatKind::Channel,
        "Ferrogram News",
        owner,
        now - 300 * 86_400,
    );
    let team = world.create_chat(ChatKind::Group, "Ferrogram Team", owner, now - 200 * 86_400);
    let mut synthetic = Vec::with_capacity(members);
    for i in 0..members {
        let (first, last) = synthetic_name(i, members);
        let is_bot = i % 50 == 1;
        let id = world.create_account(&first, &last, None, is_bot, home);
        let username = if is_bot {
            Some(format!("helper{i}_bot"))
        } else {
            synthetic_username(i, &first)
        };
        if let Some(a) = world.accounts.get_mut(&id) {
            a.username = username;
        }
        synthetic.push(id);
    }
    let rights = |f: &dyn Fn(&mut types::ChatAdminRights)| {
        let mut r = types::ChatAdminRights::default();
        f(&mut r);
        r
    };
    let admin_sets: [(types::ChatAdminRights, Option<&str>); 4] = [
        (
            rights(&|r| {
                r.delete_messages = true;
                r.ban_users = true;
                r.pin_messages = true;
            }),
            Some("Moderator"),
        ),
        (
            rights(&|r| {
                r.change_info = true;
                r.invite_users = true;
            }),
            None,
        ),
        (
            rights(&|r| {
                r.delete_messages = true;
                r.ban_users = true;
                r.invite_users = true;
                r.pin_messages = true;
                r.add_admins = true;
                r.manage_call = true;
            }),
            Some("Co-owner"),
        ),
        (rights(&|r| r.invite_users = true), Some("Greeter")),
    ];
    if let Some(c) = world.chats.get_mut(&lounge) {
        c.username = Some("ferrogram_lounge".into());
        c.about = "Where Ferrogram's users meet.".into();
        c.add(
            bot,
            Role::Admin {
                rights: all_admin_rights(),
                rank: Some("bot".into()),
                promoted_by: owner,
            },
            now - 399 * 86_400,
            owner,
        );
        let n = synthetic.len().max(1) as i32;
        for (i, &user) in synthetic.iter().enumerate() {
            // Joined over the last year, in order.
            let date = now - 365 * 86_400 + (i as i32) * (365 * 86_400 / n);
            let role = if i < 8 {
                let (r, rank) = &admin_sets[i % admin_sets.len()];
                Role::Admin {
                    rights: r.clone(),
                    rank: rank.map(str::to_owned),
                    promoted_by: owner,
                }
            } else if i % 97 == 5 {
                Role::Restricted {
                    rights: types::ChatBannedRights {
                        send_media: true,
                        send_photos: true,
                        send_videos: true,
                        embed_links: true,
                        until_date: if i % 2 == 0 { 0 } else { now + 86_400 },
                        ..types::ChatBannedRights::default()
                    },
                    kicked_by: owner,
                }
            } else if i % 89 == 7 {
                Role::Banned {
                    rights: types::ChatBannedRights {
                        view_messages: true,
                        until_date: 0,
                        ..types::ChatBannedRights::default()
                    },
                    kicked_by: owner,
                }
            } else if i % 83 == 11 {
                Role::Left
            } else {
                Role::Member
            };
            c.add(user, role, date, owner);
        }
    }
    world.seed_admin_log(lounge);
    seed_chat_photo(world, lounge, owner, now - 40 * 86_400, 1);
    if let Some(c) = world.chats.get_mut(&lounge) {
        c.log(
            now - 30 * 86_400,
            owner,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangeAbout {
                prev_value: String::new(),
                new_value: c.about.clone(),
            }),
        );
    }
    if let Some(c) = world.chats.get_mut(&news) {
        c.username = Some("ferrogram_news".into());
        c.about = "Releases and notes.".into();
        for i in 1..=20 {
            c.add_message(
                now - 280 * 86_400 + i * 14 * 86_400,
                owner,
                format!("Ferrogram release notes #{i}"),
                None,
            );
        }
        c.add(
            bot,
            Role::Admin {
                rights: all_admin_rights(),
                rank: None,
                promoted_by: owner,
            },
            now - 299 * 86_400,
            owner,
        );
        for (i, &user) in synthetic.iter().take(members / 5).enumerate() {
            c.add(
                user,
                Role::Member,
                now - 290 * 86_400 + i as i32 * 600,
                user,
            );
        }
    }
    if let Some(c) = world.chats.get_mut(&team) {
        c.add(
            bot,
            Role::Admin {
                rights: all_admin_rights(),
                rank: None,
                promoted_by: owner,
            },
            now - 199 * 86_400,
            owner,
        );
        for (i, &user) in synthetic.iter().take(10).enumerate() {
            c.add(
                user,
                Role::Member,
                now - 190 * 86_400 + i as i32 * 3600,
                owner,
            );
        }
    }
    // Every default chat has a photo (the news channel's set after its posts).
    seed_chat_photo(world, news, owner, now - 60, 2);
    seed_chat_photo(world, team, owner, now - 150 * 86_400, 3);
}

/// Telegram's rule for `until_date`: less than 30 seconds or more than 366 days
/// from now means forever (stored as 0).
pub(crate) fn normalize_until(until: i32, now: i32) -> i32 {
    let d = i64::from(until) - i64::from(now);
    if until == 0 || !(30..=366 * 86_400).contains(&d) {
        0
    } else {
        until
    }
}

/// Whether a restriction's time has passed.
pub(crate) fn expired(rights: &types::ChatBannedRights, now: i32) -> bool {
    rights.until_date != 0 && rights.until_date <= now
}

/// The admin rights of layer 230 as (name, value) pairs, for comparisons.
pub(crate) fn admin_right_flags(r: &types::ChatAdminRights) -> [(&'static str, bool); 19] {
    [
        ("change_info", r.change_info),
        ("post_messages", r.post_messages),
        ("edit_messages", r.edit_messages),
        ("delete_messages", r.delete_messages),
        ("ban_users", r.ban_users),
        ("invite_users", r.invite_users),
        ("pin_messages", r.pin_messages),
        ("add_admins", r.add_admins),
        ("anonymous", r.anonymous),
        ("manage_call", r.manage_call),
        ("other", r.other),
        ("manage_topics", r.manage_topics),
        ("post_stories", r.post_stories),
        ("edit_stories", r.edit_stories),
        ("delete_stories", r.delete_stories),
        ("manage_direct_messages", r.manage_direct_messages),
        ("manage_ranks", r.manage_ranks),
        ("manage_linked_peers", r.manage_linked_peers),
        ("manage_welcome_messages", r.manage_welcome_messages),
    ]
}

impl World {
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

    /// Seeds admin-log history for the default chats: each admin's promotion and
    /// each restriction and ban, at the participant's date.
    pub(crate) fn seed_admin_log(&mut self, chat: i64) {
        let Some(c) = self.chats.get(&chat) else {
            return;
        };
        let mut events = Vec::new();
        for p in &c.participants {
            let member = self.participant_view(
                &Participant {
                    role: Role::Member,
                    ..p.clone()
                },
                0,
            );
            let now_view = self.participant_view(p, 0);
            match &p.role {
                Role::Admin { promoted_by, .. } => events.push((
                    p.date + 60,
                    *promoted_by,
                    p.user,
                    enums::ChannelAdminLogEventAction::from(
                        types::ChannelAdminLogEventActionParticipantToggleAdmin {
                            prev_participant: member,
                            new_participant: now_view,
                        },
                    ),
                )),
                Role::Restricted { kicked_by, .. } | Role::Banned { kicked_by, .. } => {
                    events.push((
                        p.date + 120,
                        *kicked_by,
                        p.user,
                        enums::ChannelAdminLogEventAction::from(
                            types::ChannelAdminLogEventActionParticipantToggleBan {
                                prev_participant: member,
                                new_participant: now_view,
                            },
                        ),
                    ))
                }
                _ => {}
            }
        }
        events.sort_by_key(|e| e.0);
        let c = self.chats.get_mut(&chat).expect("exists");
        for (date, actor, target, action) in events {
            c.log(date, actor, Some(target), action);
        }
    }
}

impl World {
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

    /// `chatFull` of a basic group.
    pub(crate) fn chat_full(&self, id: i64) -> Option<types::ChatFull> {
        let c = self.chats.get(&id)?;
        let participants = enums::ChatParticipants::from(types::ChatParticipants {
            chat_id: c.id,
            participants: c
                .participants
                .iter()
                .filter(|p| p.is_member())
                .map(|p| match &p.role {
                    Role::Creator { .. } => {
                        enums::ChatParticipant::from(types::ChatParticipantCreator {
                            user_id: p.user,
                            rank: None,
                        })
                    }
                    Role::Admin { .. } => {
                        enums::ChatParticipant::from(types::ChatParticipantAdmin {
                            user_id: p.user,
                            inviter_id: p.inviter,
                            date: p.date,
                            rank: None,
                        })
                    }
                    _ => enums::ChatParticipant::from(types::ChatParticipant {
                        user_id: p.user,
                        inviter_id: p.inviter,
                        date: p.date,
                        rank: None,
                    }),
                })
                .collect(),
            version: 1,
        });
        Some(types::ChatFull {
            id: c.id,
            about: c.about.clone(),
            chat_photo: c.photo.and_then(|p| self.photo_view(p)),
            ..types::ChatFull::new(
                participants,
                enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_index_finds_exactly_what_a_scan_finds() {
        let mut w = World::new([7; 32], 2);
        let owner = w.create_account("Ada", "Admin", None, false, 2);
        let bot = w.create_account("Bot", "", None, true, 2);
        seed_default_chats(&mut w, owner, bot, 1_800_000_000, 3000);
        let lounge = *w
            .chats
            .iter()
            .find(|(_, c)| c.username.as_deref() == Some("ferrogram_lounge"))
            .unwrap()
            .0;
        let chat = &w.chats[&lounge];
        for q in [
            "a", "Ma", "MAR", "мар", "ü", "helper1", "zz", "ada_", " li ",
        ] {
            let scan: Vec<i64> = chat
                .participants
                .iter()
                .rev()
                .filter(|p| p.is_member())
                .filter(|p| {
                    let a = &w.accounts[&p.user];
                    name_matches(&a.first_name, &a.last_name, a.username.as_deref(), q)
                })
                .map(|p| p.user)
                .collect();
            let indexed: Vec<i64> = w.search_members(chat, q).iter().map(|p| p.user).collect();
            assert_eq!(indexed, scan, "query {q:?}");
        }
    }
}
