//! Chats to seed the world with, from Rust ([`crate::TestServerBuilder::chat`]) or
//! from the `"chats"` key of a JSON fixture (same meaning, see
//! [`ChatSpec::from_json`]).
//!
//! ```
//! use ferrogram_testserver::spec::{ChatSpec, MemberRole, UnknownRight};
//! use ferrogram_testserver::chats::ChatKind;
//!
//! # fn main() -> Result<(), UnknownRight> {
//! let bot = MemberRole::admin(&["ban_users", "delete_messages"], Some("bot"))?;
//! let big = ChatSpec::new(ChatKind::Supergroup, "Rust Moderators")
//!     .username("rust_mods")
//!     .about("Where moderators meet")
//!     .synthetic_members(100_000)
//!     .member("ferrogram_test_bot", bot)
//!     .default_banned(&["send_media"])?;
//! let forum = ChatSpec::new(ChatKind::Supergroup, "Help desk").forum(&["General", "Bugs"]);
//! # let _ = (big, forum);
//! # Ok(()) }
//! ```

use ferrogram_tl_types::types;
use serde_json::Value;

use crate::chats::{ChatKind, Role, StoredChat, Topic};
use crate::world::World;
use ferrogram_tl_types::enums;

/// One chat of the world.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatSpec {
    pub(crate) kind: ChatKind,
    pub(crate) title: String,
    pub(crate) username: Option<String>,
    pub(crate) about: String,
    /// The creator's username; `None` is the default user (or the first
    /// fixture user when there is no default world).
    pub(crate) creator: Option<String>,
    pub(crate) synthetic_members: usize,
    pub(crate) members: Vec<(String, MemberRole)>,
    pub(crate) default_banned: types::ChatBannedRights,
    pub(crate) forum: bool,
    pub(crate) topics: Vec<String>,
    pub(crate) posts: usize,
}

/// What a named member is in a [`ChatSpec`].
#[derive(Clone, Debug, PartialEq)]
pub enum MemberRole {
    /// A plain member.
    Member,
    /// An admin with these rights and an optional rank (title).
    Admin {
        /// The rights.
        rights: types::ChatAdminRights,
        /// The rank shown next to the name.
        rank: Option<String>,
    },
    /// A member with these rights denied (`until_date` 0: forever).
    Restricted {
        /// The denied rights and until when.
        rights: types::ChatBannedRights,
    },
    /// Kicked and banned (may not rejoin).
    Banned,
    /// Was a member and left.
    Left,
}

/// A right name that is not a field of `ChatAdminRights` / `ChatBannedRights`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown right {0:?}")]
pub struct UnknownRight(pub String);

impl MemberRole {
    /// An admin with the named rights (`ChatAdminRights` field names, e.g.
    /// `"ban_users"`); [`UnknownRight`] for a name that is not one.
    pub fn admin(rights: &[&str], rank: Option<&str>) -> Result<Self, UnknownRight> {
        Ok(Self::Admin {
            rights: admin_rights(rights.iter().copied()).map_err(UnknownRight)?,
            rank: rank.map(str::to_owned),
        })
    }

    /// A member with the named rights denied (`ChatBannedRights` field names,
    /// e.g. `"send_media"`) until `until_date` (0: forever); [`UnknownRight`]
    /// for a name that is not one.
    pub fn restricted(rights: &[&str], until_date: i32) -> Result<Self, UnknownRight> {
        let mut r = banned_rights(rights.iter().copied()).map_err(UnknownRight)?;
        r.until_date = until_date;
        Ok(Self::Restricted { rights: r })
    }
}

impl ChatSpec {
    /// A chat of `kind` titled `title`, created by the default user, with no
    /// other member.
    pub fn new(kind: ChatKind, title: &str) -> Self {
        Self {
            kind,
            title: title.to_owned(),
            username: None,
            about: String::new(),
            creator: None,
            synthetic_members: 0,
            members: Vec::new(),
            default_banned: types::ChatBannedRights::default(),
            forum: false,
            topics: Vec::new(),
            posts: 0,
        }
    }

    /// Its public username.
    pub fn username(mut self, username: &str) -> Self {
        self.username = Some(username.trim_start_matches('@').to_owned());
        self
    }

    /// Its description.
    pub fn about(mut self, about: &str) -> Self {
        self.about = about.to_owned();
        self
    }

    /// Created by the account with this username.
    pub fn creator(mut self, username: &str) -> Self {
        self.creator = Some(username.trim_start_matches('@').to_owned());
        self
    }

    /// `n` generated members with realistic, varied names (and usernames for
    /// most), joined over the last year, as in the default supergroup.
    pub fn synthetic_members(mut self, n: usize) -> Self {
        self.synthetic_members = n;
        self
    }

    /// The account with this username as a member in `role`.
    pub fn member(mut self, username: &str, role: MemberRole) -> Self {
        self.members
            .push((username.trim_start_matches('@').to_owned(), role));
        self
    }

    /// The chat-wide banned rights (by `ChatBannedRights` field name);
    /// [`UnknownRight`] for a name that is not one.
    pub fn default_banned(mut self, rights: &[&str]) -> Result<Self, UnknownRight> {
        self.default_banned = banned_rights(rights.iter().copied()).map_err(UnknownRight)?;
        Ok(self)
    }

    /// Makes a supergroup a forum with these topics (created by the creator).
    pub fn forum(mut self, topics: &[&str]) -> Self {
        self.forum = true;
        self.topics = topics.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// `n` messages from the creator (posts in a channel), a day apart.
    pub fn posts(mut self, n: usize) -> Self {
        self.posts = n;
        self
    }

    /// Reads one entry of a fixture's `"chats"` array; `path` names it in
    /// errors. The format (every key but `type` and `title` optional; unknown
    /// keys are errors):
    ///
    /// ```json
    /// {
    ///   "type": "supergroup",            // "group", "supergroup", "forum" or "channel"
    ///   "title": "Rust Moderators",
    ///   "username": "rust_mods",
    ///   "about": "Where moderators meet",
    ///   "creator": "grace",               // a username; default: the default user
    ///   "synthetic_members": 100000,
    ///   "members": [
    ///     {"user": "linus", "role": "admin", "rights": ["ban_users"], "rank": "Mod"},
    ///     {"user": "helper_bot", "role": "restricted", "rights": ["send_media"], "until_date": 0},
    ///     {"user": "mallory", "role": "banned"},
    ///     {"user": "bob", "role": "left"},
    ///     {"user": "carol"}
    ///   ],
    ///   "default_banned_rights": ["send_polls"],
    ///   "topics": ["General", "Bugs"],    // forums only
    ///   "posts": 20
    /// }
    /// ```
    pub fn from_json(v: &Value, path: &str) -> Result<Self, String> {
        let o = v
            .as_object()
            .ok_or_else(|| format!("{path}: expected an object"))?;
        for k in o.keys() {
            if ![
                "type",
                "title",
                "username",
                "about",
                "creator",
                "synthetic_members",
                "members",
                "default_banned_rights",
                "topics",
                "posts",
            ]
            .contains(&k.as_str())
            {
                return Err(format!("{path}.{k}: unknown key"));
            }
        }
        let text = |k: &str| -> Result<Option<String>, String> {
            match o.get(k) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("{path}.{k}: expected a string")),
            }
        };
        let count = |k: &str| -> Result<usize, String> {
            match o.get(k) {
                None => Ok(0),
                Some(v) => v
                    .as_u64()
                    .map(|n| n as usize)
                    .ok_or_else(|| format!("{path}.{k}: expected a non-negative integer")),
            }
        };
        let names = |v: Option<&Value>, at: &str| -> Result<Vec<String>, String> {
            match v {
                None => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("{at}: expected strings"))
                    })
                    .collect(),
                Some(_) => Err(format!("{at}: expected an array of strings")),
            }
        };
        let (kind, forum) = match text("type")?.as_deref() {
            Some("group") => (ChatKind::Group, false),
            Some("supergroup") => (ChatKind::Supergroup, false),
            Some("forum") => (ChatKind::Supergroup, true),
            Some("channel") => (ChatKind::Channel, false),
            Some(other) => {
                return Err(format!(
                    "{path}.type: {other:?} is not group, supergroup, forum or channel"
                ));
            }
            None => return Err(format!("{path}.type: missing")),
        };
        let title = text("title")?.ok_or_else(|| format!("{path}.title: missing"))?;
        let mut spec = ChatSpec::new(kind, &title);
        spec.forum = forum;
        spec.username = text("username")?;
        spec.about = text("about")?.unwrap_or_default();
        spec.creator = text("creator")?;
        spec.synthetic_members = count("synthetic_members")?;
        spec.posts = count("posts")?;
        let default_at = format!("{path}.default_banned_rights");
        spec.default_banned = banned_rights(
            names(o.get("default_banned_rights"), &default_at)?
                .iter()
                .map(String::as_str),
        )
        .map_err(|n| format!("{default_at}: unknown right {n:?}"))?;
        let topics_at = format!("{path}.topics");
        spec.topics = names(o.get("topics"), &topics_at)?;
        if !spec.topics.is_empty() && !forum {
            return Err(format!("{topics_at}: only a forum has topics"));
        }
        match o.get("members") {
            None => {}
            Some(Value::Array(members)) => {
                for (i, m) in members.iter().enumerate() {
                    let at = format!("{path}.members[{i}]");
                    spec.members.push(member_from_json(m, &at)?);
                }
            }
            Some(_) => return Err(format!("{path}.members: expected an array")),
        }
        Ok(spec)
    }
}

fn member_from_json(m: &Value, at: &str) -> Result<(String, MemberRole), String> {
    let o = m
        .as_object()
        .ok_or_else(|| format!("{at}: expected an object"))?;
    for k in o.keys() {
        if !["user", "role", "rights", "rank", "until_date"].contains(&k.as_str()) {
            return Err(format!("{at}.{k}: unknown key"));
        }
    }
    let user = o
        .get("user")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}.user: missing"))?
        .trim_start_matches('@')
        .to_owned();
    let rights: Vec<String> = match o.get("rights") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{at}.rights: expected strings"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(format!("{at}.rights: expected an array")),
    };
    let role = match o.get("role").and_then(Value::as_str).unwrap_or("member") {
        "member" => MemberRole::Member,
        "admin" => MemberRole::Admin {
            rights: admin_rights(rights.iter().map(String::as_str))
                .map_err(|n| format!("{at}.rights: unknown admin right {n:?}"))?,
            rank: o.get("rank").and_then(Value::as_str).map(str::to_owned),
        },
        "restricted" => {
            let mut r = banned_rights(rights.iter().map(String::as_str))
                .map_err(|n| format!("{at}.rights: unknown banned right {n:?}"))?;
            r.until_date = match o.get("until_date") {
                None => 0,
                Some(v) => v
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| format!("{at}.until_date: expected a Unix time"))?,
            };
            MemberRole::Restricted { rights: r }
        }
        "banned" => MemberRole::Banned,
        "left" => MemberRole::Left,
        other => {
            return Err(format!(
                "{at}.role: {other:?} is not member, admin, restricted, banned or left"
            ));
        }
    };
    Ok((user, role))
}

/// Admin rights from `ChatAdminRights` field names; the unknown name on error.
pub fn admin_rights<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<types::ChatAdminRights, String> {
    let mut r = types::ChatAdminRights::default();
    for n in names {
        let f = match n {
            "change_info" => &mut r.change_info,
            "post_messages" => &mut r.post_messages,
            "edit_messages" => &mut r.edit_messages,
            "delete_messages" => &mut r.delete_messages,
            "ban_users" => &mut r.ban_users,
            "invite_users" => &mut r.invite_users,
            "pin_messages" => &mut r.pin_messages,
            "add_admins" => &mut r.add_admins,
            "anonymous" => &mut r.anonymous,
            "manage_call" => &mut r.manage_call,
            "other" => &mut r.other,
            "manage_topics" => &mut r.manage_topics,
            "post_stories" => &mut r.post_stories,
            "edit_stories" => &mut r.edit_stories,
            "delete_stories" => &mut r.delete_stories,
            "manage_direct_messages" => &mut r.manage_direct_messages,
            "manage_ranks" => &mut r.manage_ranks,
            "manage_linked_peers" => &mut r.manage_linked_peers,
            "manage_welcome_messages" => &mut r.manage_welcome_messages,
            other => return Err(other.to_owned()),
        };
        *f = true;
    }
    Ok(r)
}

/// Banned rights from `ChatBannedRights` field names (`until_date` 0); the
/// unknown name on error.
pub fn banned_rights<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<types::ChatBannedRights, String> {
    let mut r = types::ChatBannedRights::default();
    for n in names {
        let f = match n {
            "view_messages" => &mut r.view_messages,
            "send_messages" => &mut r.send_messages,
            "send_media" => &mut r.send_media,
            "send_stickers" => &mut r.send_stickers,
            "send_gifs" => &mut r.send_gifs,
            "send_games" => &mut r.send_games,
            "send_inline" => &mut r.send_inline,
            "embed_links" => &mut r.embed_links,
            "send_polls" => &mut r.send_polls,
            "change_info" => &mut r.change_info,
            "invite_users" => &mut r.invite_users,
            "pin_messages" => &mut r.pin_messages,
            "manage_topics" => &mut r.manage_topics,
            "send_photos" => &mut r.send_photos,
            "send_videos" => &mut r.send_videos,
            "send_roundvideos" => &mut r.send_roundvideos,
            "send_audios" => &mut r.send_audios,
            "send_voices" => &mut r.send_voices,
            "send_docs" => &mut r.send_docs,
            "send_plain" => &mut r.send_plain,
            "edit_rank" => &mut r.edit_rank,
            "send_reactions" => &mut r.send_reactions,
            "manage_linked_peers" => &mut r.manage_linked_peers,
            other => return Err(other.to_owned()),
        };
        *f = true;
    }
    Ok(r)
}

/// The most synthetic members one chat may get (ten times the largest
/// benchmark world).
pub const MAX_SYNTHETIC_MEMBERS: usize = 1_000_000;
/// The most posts, and the most topics, one chat may get (dates stay in range).
pub const MAX_POSTS: usize = 10_000;

/// Adds the chat `spec` describes to `world`; `default_creator` is used when it
/// names none. Errors say what is wrong (an unknown username, a taken one, a
/// role a basic group cannot have).
pub(crate) fn apply(
    world: &mut World,
    spec: &ChatSpec,
    default_creator: Option<i64>,
    now: i32,
) -> Result<i64, String> {
    let creator = check(world, spec, default_creator)?;
    let created = now - 365 * 86_400;
    let id = world.create_chat(spec.kind, &spec.title, creator, created - 86_400);
    // Named members first (resolved before anything is added).
    let named = named_members(world, spec)?;
    let synthetic = synthetic_members(world, spec.synthetic_members);
    let total = (named.len() + synthetic.len()).max(1) as i64;
    let Some(c) = world.chats.get_mut(&id) else {
        return Err("the chat vanished while being created".into());
    };
    c.username = spec.username.clone();
    c.about = spec.about.clone();
    c.default_banned = spec.default_banned.clone();
    c.forum = spec.forum;
    let date_of = |k: usize| (i64::from(created) + (k as i64) * 365 * 86_400 / total) as i32;
    for (k, (user, role)) in named.iter().enumerate() {
        c.add(*user, stored_role(role, creator), date_of(k), creator);
    }
    for (k, user) in synthetic.iter().enumerate() {
        c.add(*user, Role::Member, date_of(named.len() + k), creator);
    }
    add_topics(c, &spec.topics, created, creator);
    for k in 0..spec.posts {
        let date = now - (spec.posts - k) as i32 * 86_400;
        c.add_message(date, creator, format!("{} #{}", spec.title, k + 1), None);
    }
    if spec.kind != ChatKind::Group {
        world.seed_admin_log(id);
    }
    Ok(id)
}

/// The account with this username, if any (case-insensitive).
fn by_username(world: &World, name: &str) -> Option<i64> {
    world
        .accounts
        .values()
        .find(|a| {
            a.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(name))
        })
        .map(|a| a.id)
}

/// Checks what `spec` asks for against the bounds and the world; its creator.
fn check(world: &World, spec: &ChatSpec, default_creator: Option<i64>) -> Result<i64, String> {
    // Bounds that keep a fixture from exhausting memory or overflowing dates.
    if spec.synthetic_members > MAX_SYNTHETIC_MEMBERS {
        return Err(format!(
            "synthetic_members: {} is over {MAX_SYNTHETIC_MEMBERS}",
            spec.synthetic_members
        ));
    }
    if spec.posts > MAX_POSTS || spec.topics.len() > MAX_POSTS {
        return Err(format!("posts and topics: at most {MAX_POSTS} each"));
    }
    let creator = match &spec.creator {
        Some(name) => {
            by_username(world, name).ok_or_else(|| format!("creator: no account @{name}"))?
        }
        None => default_creator.ok_or("creator: none given and no default user")?,
    };
    if let Some(name) = &spec.username {
        let taken = by_username(world, name).is_some()
            || world.chats.values().any(|c| {
                c.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(name))
            });
        if taken {
            return Err(format!("username: @{name} is taken"));
        }
    }
    if spec.forum && spec.kind != ChatKind::Supergroup {
        return Err("only a supergroup can be a forum".into());
    }
    Ok(creator)
}

/// The members `spec` names, resolved to account ids.
fn named_members(world: &World, spec: &ChatSpec) -> Result<Vec<(i64, MemberRole)>, String> {
    let mut named = Vec::new();
    for (name, role) in &spec.members {
        let user =
            by_username(world, name).ok_or_else(|| format!("members: no account @{name}"))?;
        if spec.kind == ChatKind::Group
            && matches!(role, MemberRole::Restricted { .. } | MemberRole::Banned)
        {
            return Err(format!(
                "members: @{name}: a basic group has no restricted or banned members"
            ));
        }
        named.push((user, role.clone()));
    }
    Ok(named)
}

/// `n` new synthetic accounts with varied names, by id.
fn synthetic_members(world: &mut World, n: usize) -> Vec<i64> {
    let home = world.home_dc;
    let offset = world.accounts.len();
    (0..n)
        .map(|i| {
            let (first, last) = crate::seed::synthetic_name(offset + i, n);
            let user = world.create_account(&first, &last, None, false, home);
            if let Some(a) = world.accounts.get_mut(&user) {
                a.username = crate::seed::synthetic_username(offset + i, &first);
            }
            user
        })
        .collect()
}

/// A spec's role as the world stores it, `creator` having promoted or
/// restricted them.
fn stored_role(role: &MemberRole, creator: i64) -> Role {
    match role {
        MemberRole::Member => Role::Member,
        MemberRole::Admin { rights, rank } => Role::Admin {
            rights: rights.clone(),
            rank: rank.clone(),
            promoted_by: creator,
        },
        MemberRole::Restricted { rights } => Role::Restricted {
            rights: rights.clone(),
            kicked_by: creator,
        },
        MemberRole::Banned => Role::Banned {
            rights: types::ChatBannedRights {
                view_messages: true,
                ..types::ChatBannedRights::default()
            },
            kicked_by: creator,
        },
        MemberRole::Left => Role::Left,
    }
}

/// Forum topics created by `creator` an hour apart after `created`, each with
/// its service message and admin-log event.
fn add_topics(c: &mut StoredChat, titles: &[String], created: i32, creator: i64) {
    for (k, title) in titles.iter().enumerate() {
        let date = created + 3600 * (k as i32 + 1);
        let m = c.add_service(
            date,
            creator,
            enums::MessageAction::from(types::MessageActionTopicCreate {
                title_missing: false,
                title: title.as_str().into(),
                icon_color: 0x6F_B9F0,
                icon_emoji_id: None,
            }),
        );
        let topic = Topic {
            id: m.id,
            date,
            creator,
            title: title.clone(),
            icon_color: 0x6F_B9F0,
            closed: false,
            pinned: false,
            icon_emoji_id: None,
            hidden: false,
        };
        c.log(
            date,
            creator,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionCreateTopic {
                topic: topic.view(c.peer(), creator),
            }),
        );
        c.topics.push(topic);
    }
}
