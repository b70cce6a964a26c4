//! Groups, supergroups and channels, their participants in every role, and the
//! default chat world.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ferrogram_tl_types::{enums, types};

mod invites;
pub(crate) use invites::{Invite, JoinRequest};

/// The most members a plain participant listing reaches (offsets beyond give
/// nothing), as on Telegram; `count` still reports the real total.
pub const LISTING_CAP: usize = 10_000;
/// The most matches one participant search returns (the test server's choice;
/// Telegram caps searches too). `count` reports the real number of matches.
pub const SEARCH_CAP: usize = 1_000;

/// What a chat is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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
    /// Let in by an admin approving their join request.
    pub via_request: bool,
    /// A non-admin's tag (layer 223); admins' and the creator's are their
    /// role's `rank` (see [`Participant::tag`]).
    pub rank: Option<String>,
}

impl Participant {
    /// A current member (not banned, not left).
    pub fn is_member(&self) -> bool {
        !matches!(self.role, Role::Banned { .. } | Role::Left)
    }

    /// Their tag, whatever their role.
    pub fn tag(&self) -> Option<&str> {
        match &self.role {
            Role::Creator { rank } | Role::Admin { rank, .. } => rank.as_deref(),
            _ => self.rank.as_deref(),
        }
    }

    /// Sets their tag (`None` clears it).
    pub fn set_tag(&mut self, tag: Option<String>) {
        match &mut self.role {
            Role::Creator { rank } | Role::Admin { rank, .. } => *rank = tag,
            _ => self.rank = tag,
        }
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
    /// A basic group's messages take their ids from the common message box
    /// (set by `World::create_chat`); without it, ids count from 1.
    pub common_ids: Option<crate::world::CommonIds>,
    /// Keep only the latest this many messages
    /// ([`crate::TestServerBuilder::message_retention`]; `None`: all, as
    /// Telegram keeps messages).
    pub keep: Option<usize>,
    /// Keep only the latest this many admin-log events
    /// ([`crate::TestServerBuilder::event_retention`]).
    pub keep_events: Option<usize>,
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
    /// Pending join requests (through links that need approval), oldest
    /// first.
    pub join_requests: Vec<JoinRequest>,
    /// A supergroup organised in topics.
    pub forum: bool,
    /// Joining directly (by username) needs an admin's approval
    /// (`channels.toggleJoinRequest`).
    pub join_request: bool,
    /// Forum topics, oldest first (a topic's id is its creation message's id).
    pub topics: Vec<Topic>,
    /// Pinned topics, in their order.
    pub pinned_topics: Vec<i32>,
    /// A basic group turned into this supergroup (`messages.migrateChat`):
    /// deactivated, read-only.
    pub migrated_to: Option<i64>,
    /// The basic group this supergroup was, and that group's last message id
    /// (`channelFull.migrated_from_chat_id`/`migrated_from_max_id`).
    pub migrated_from: Option<(i64, i32)>,
    /// A broadcast channel's discussion group, or a discussion group's
    /// channel (`channels.setDiscussionGroup`).
    pub linked_chat: Option<i64>,
    /// The bot that screens join requests (`channels.toggleJoinRequest`'s
    /// `guard_bot`, layer 230).
    pub guard_bot: Option<i64>,
    /// Who left by themselves (and has not come back): only a mutual
    /// contact may add them again (`policy::may_be_added`).
    pub left_by_themselves: std::collections::HashSet<i64>,
    /// The switches of `channels.toggle*` and `messages.toggleNoForwards`.
    pub settings: ChatSettings,
    /// Each member's last message date, for slow mode.
    pub last_post: HashMap<i64, i32>,
    /// Pinned message ids (`messages.updatePinnedMessage`).
    pub pinned: std::collections::BTreeSet<i32>,
    /// Spam reports: (reporter, reported user, message ids)
    /// (`channels.reportSpam`).
    pub spam_reports: Vec<(i64, i64, Vec<i32>)>,
    /// Channels banned from the chat (a send-as peer, a spam channel): id →
    /// the ban.
    pub banned_channels: std::collections::BTreeMap<i64, PeerBan>,
    /// Standings changed by the request being served, oldest first: drained
    /// after it into the membership updates bots receive
    /// (`rpc::member_updates`).
    pub changes: Vec<MemberChange>,
}

/// A chat's switches.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ChatSettings {
    /// Seconds a member waits between messages (0: off).
    pub slowmode: i32,
    /// Protected content: no forwarding or saving (`noforwards`).
    pub noforwards: bool,
    /// Only members may write (a discussion group's `join_to_send`).
    pub join_to_send: bool,
    /// New members do not see the history before they joined.
    pub prehistory_hidden: bool,
    /// The member list is hidden from members.
    pub participants_hidden: bool,
    /// Telegram's aggressive anti-spam.
    pub antispam: bool,
    /// Posts of a broadcast channel are signed.
    pub signatures: bool,
    /// A forum's General topic (id 1) is hidden from the topic list.
    pub general_hidden: bool,
    /// A forum's General topic is closed to members.
    pub general_closed: bool,
    /// The General topic's title, once edited (`None`: "General").
    pub general_title: Option<String>,
    /// Messages delete themselves this many seconds after they are sent
    /// (0: never; `messages.setHistoryTTL`).
    pub ttl_period: i32,
    /// The reactions members may use (`None`: Telegram's default, all).
    pub reactions: Option<enums::ChatReactions>,
    /// At most this many different reactions on a message (`None`: no cap).
    pub reactions_limit: Option<i32>,
    /// Boosts that lift slow mode and other restrictions for a member (0: off).
    pub boosts_unrestrict: i32,
    /// Sponsored messages are switched off (broadcast channels).
    pub sponsored_restricted: bool,
    /// Messages reported as anti-spam false positives.
    pub antispam_false_positives: Vec<i32>,
}

/// A channel's ban from a chat.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PeerBan {
    pub rights: types::ChatBannedRights,
    pub kicked_by: i64,
    pub date: i32,
}

impl PeerBan {
    /// The `channelParticipantBanned` of channel `channel`.
    pub fn view(&self, channel: i64) -> enums::ChannelParticipant {
        enums::ChannelParticipant::from(types::ChannelParticipantBanned {
            left: true,
            peer: enums::Peer::from(types::PeerChannel {
                channel_id: channel,
            }),
            kicked_by: self.kicked_by,
            date: self.date,
            banned_rights: enums::ChatBannedRights::from(self.rights.clone()),
            rank: None,
        })
    }
}

/// A participant's standing changed by a request.
#[derive(Clone, Debug)]
pub(crate) struct MemberChange {
    pub user: i64,
    /// How they stood before (`None`: never a participant).
    pub prev: Option<Participant>,
    /// The link they joined through (`chatInvitePublicJoinRequests` for an
    /// approved request to join a public chat).
    pub invite: Option<enums::ExportedChatInvite>,
    /// Who made it, when not the request's caller (an owner's seat handed
    /// over when the clock moved).
    pub actor: Option<i64>,
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
    /// Pinned to the top of the list (its place: the chat's `pinned_topics`).
    pub pinned: bool,
    /// A custom emoji as its icon.
    pub icon_emoji_id: Option<i64>,
    /// Hidden from the list (the General topic only).
    pub hidden: bool,
}

impl Topic {
    /// The TL form, in the forum `peer`, as `viewer` sees it.
    pub fn view(&self, peer: enums::Peer, viewer: i64) -> enums::ForumTopic {
        enums::ForumTopic::from(types::ForumTopic {
            my: self.creator == viewer,
            closed: self.closed,
            pinned: self.pinned,
            short: false,
            hidden: self.hidden,
            title_missing: false,
            id: self.id,
            date: self.date,
            peer,
            title: self.title.as_str().into(),
            icon_color: self.icon_color,
            icon_emoji_id: self.icon_emoji_id,
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

/// The cached word index of a chat (see [`StoredChat::search_index`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct SearchIndex(pub(crate) Arc<Mutex<Option<Words>>>);

/// Lower-case words with their participant's index, sorted.
pub(crate) type Words = Arc<Vec<(Box<str>, u32)>>;

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
    /// The forum topic it was posted in (its `reply_to` has `forum_topic`).
    pub topic: Option<i32>,
    /// The message it answers (a pin's service message: the pinned one).
    pub reply_to: Option<i32>,
    /// Reactions: who, what, when, in the order they came.
    pub reactions: Vec<(i64, enums::Reaction, i32)>,
    /// Seconds after `date` it deletes itself (0: never), from the chat's
    /// auto-delete period when it was sent.
    pub ttl: i32,
    /// The channel's pts after this message (basic groups: 0).
    pub pts: i32,
    /// The channel `from` posted it as (`messages.sendMessage`'s
    /// `send_as`): the message shows the channel as its sender.
    pub as_channel: Option<i64>,
}

/// Who a message shows as its sender: a user, or a channel a user posted
/// it as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sender {
    User(i64),
    Channel(i64),
}

impl ChatMessage {
    /// Who it shows as its sender.
    pub fn sender(&self) -> Sender {
        match self.as_channel {
            Some(c) => Sender::Channel(c),
            None => Sender::User(self.from),
        }
    }
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
            common_ids: None,
            keep: None,
            keep_events: None,
            random_ids: HashMap::new(),
            search_index: SearchIndex::default(),
            photo: None,
            invites: Vec::new(),
            join_requests: Vec::new(),
            forum: false,
            join_request: false,
            topics: Vec::new(),
            pinned_topics: Vec::new(),
            migrated_to: None,
            migrated_from: None,
            linked_chat: None,
            guard_bot: None,
            left_by_themselves: std::collections::HashSet::new(),
            settings: ChatSettings::default(),
            last_post: HashMap::new(),
            pinned: std::collections::BTreeSet::new(),
            spam_reports: Vec::new(),
            banned_channels: std::collections::BTreeMap::new(),
            changes: Vec::new(),
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
            via_request: false,
            rank: None,
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

    /// [`Self::add`] on a request's behalf: the change is noted for the
    /// membership updates (seeding a world uses `add`, which notes nothing).
    pub fn change(&mut self, user: i64, role: Role, date: i32, inviter: i64) {
        let prev = self.participant(user).cloned();
        if !matches!(role, Role::Left) {
            self.left_by_themselves.remove(&user);
        }
        self.add(user, role, date, inviter);
        self.changes.push(MemberChange {
            user,
            prev,
            invite: None,
            actor: None,
        });
    }

    /// The link behind the latest change (see [`Self::change`]).
    pub fn note_invite(&mut self, invite: enums::ExportedChatInvite) {
        if let Some(c) = self.changes.last_mut() {
            c.invite = Some(invite);
        }
    }

    pub fn participant(&self, user: i64) -> Option<&Participant> {
        self.index.get(&user).map(|&i| &self.participants[i])
    }

    /// Sets `user`'s tag, if they are a participant.
    pub fn set_tag(&mut self, user: i64, tag: Option<String>) {
        if let Some(&i) = self.index.get(&user) {
            self.participants[i].set_tag(tag);
            self.search_index.clear();
        }
    }

    pub fn count_members(&self) -> i32 {
        self.participants.iter().filter(|p| p.is_member()).count() as i32
    }

    pub fn count_admins(&self) -> i32 {
        self.participants.iter().filter(|p| p.is_admin()).count() as i32
    }

    pub fn count_kicked(&self) -> i32 {
        let users = self
            .participants
            .iter()
            .filter(|p| matches!(p.role, Role::Banned { .. }))
            .count();
        (users + self.banned_channels.len()) as i32
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
            id: match &self.common_ids {
                Some(ids) => ids.next(),
                None => self.messages.last().map_or(1, |m| m.id + 1),
            },
            date,
            from,
            text,
            action,
            topic: None,
            reply_to: None,
            reactions: Vec::new(),
            ttl: 0,
            as_channel: None,
            pts: if self.kind == ChatKind::Group {
                0
            } else {
                self.pts
            },
        };
        self.messages.push(m.clone());
        self.forget_old();
        m
    }

    /// Drops what [`Self::keep`] and [`Self::keep_events`] no longer
    /// keep: the oldest messages (with the `random_id`s and pins naming
    /// them) and admin-log events, a batch at a time once an eighth over
    /// the limit (each drop moves the rest).
    fn forget_old(&mut self) {
        if let Some(keep) = self.keep
            && self.messages.len() > keep + keep / 8 + 1
        {
            let cut = self.messages.len() - keep;
            self.messages.drain(..cut);
            let oldest = self.messages.first().map_or(i32::MAX, |m| m.id);
            self.random_ids.retain(|_, id| *id >= oldest);
            self.pinned.retain(|id| *id >= oldest);
        }
        if let Some(keep) = self.keep_events
            && self.admin_log.len() > keep + keep / 8 + 1
        {
            let cut = self.admin_log.len() - keep;
            self.admin_log.drain(..cut);
        }
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
        self.forget_old();
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
/// Every member right denied (a ban: `view_messages` among them), for ever.
pub(crate) fn all_banned_rights() -> types::ChatBannedRights {
    types::ChatBannedRights {
        view_messages: true,
        send_messages: true,
        send_media: true,
        send_stickers: true,
        send_gifs: true,
        send_games: true,
        send_inline: true,
        embed_links: true,
        send_polls: true,
        change_info: true,
        invite_users: true,
        pin_messages: true,
        manage_topics: true,
        send_photos: true,
        send_videos: true,
        send_roundvideos: true,
        send_audios: true,
        send_voices: true,
        send_docs: true,
        send_plain: true,
        edit_rank: true,
        send_reactions: true,
        manage_linked_peers: true,
        until_date: 0,
    }
}

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
