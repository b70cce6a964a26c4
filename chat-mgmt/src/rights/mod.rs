//! Admin rights and member restrictions: what [`crate::ChatManagement::edit_admin`]
//! and [`crate::ChatManagement::edit_permissions`] take, and what
//! [`crate::ChatManagement::get_permissions`] reports.
//!
//! One polarity everywhere: `true` means *granted* (admin rights) or
//! *allowed* (member rights), as in Telethon. Telegram's `chatBannedRights`
//! says the opposite (true = denied); only the conversions here see it.

mod edit;
mod permissions;

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_tl_types::types;

use crate::{Error, Result};

pub use edit::KICK_UNBAN_DELAY;
pub(crate) use edit::{edit_admin, edit_permissions, kick};
pub use permissions::ParticipantPermissions;
pub(crate) use permissions::{basic_group_admin_rights, get_default_permissions, get_permissions};

/// The name a right is written with: lower case, `-` and `_` the same.
fn normalize(name: &str) -> String {
    name.trim().to_lowercase().replace('-', "_")
}

/// Declares [`AdminRight`] and [`AdminRights`] from one list of Telegram's
/// `chatAdminRights` flags, so that the enum, the struct, its builder
/// methods, [`AdminRights::get`]/[`AdminRights::set`] and the conversion
/// cannot drift apart. `classic` rights default to `is_admin` (Telethon's
/// ten, `other` and `manage_topics`); `explicit` ones only take a value given.
macro_rules! admin_rights {
    ($($(#[doc = $doc:literal])* $field:ident $variant:ident $kind:ident,)*) => {
        /// One admin right, named as Telegram's `chatAdminRights` flag
        /// (`"ban_users".parse()`, [`AdminRight::name`]). With the `clap`
        /// feature it is a `clap::ValueEnum`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum AdminRight {
            $($(#[doc = $doc])* $variant,)*
        }

        impl AdminRight {
            /// Every admin right, in Telegram's order.
            pub const ALL: &'static [AdminRight] = &[$(AdminRight::$variant,)*];

            /// Telegram's name for it (`ban_users`).
            pub fn name(self) -> &'static str {
                match self {
                    $(AdminRight::$variant => stringify!($field),)*
                }
            }

            /// Whether it defaults to [`AdminRights::is_admin`] when not
            /// given (Telethon's ten rights, `other` and `manage_topics`);
            /// the rights added since are set only when given.
            pub fn follows_is_admin(self) -> bool {
                match self {
                    $(AdminRight::$variant => admin_rights!(@classic $kind),)*
                }
            }
        }

        /// Rights to give with [`crate::ChatManagement::edit_admin`], built
        /// with one method per right:
        /// `AdminRights::new().ban_users(true).title("Moderator")`.
        ///
        /// Each right is `Some(granted)` when given, `None` when not. A
        /// right not given takes [`AdminRights::is_admin`] if it is one of
        /// Telethon's ten rights (`anonymous` among them), `other` or
        /// `manage_topics` ([`AdminRight::follows_is_admin`]); the rights
        /// added since (stories, direct messages, ranks, linked peers,
        /// welcome messages) are granted only when given. So
        /// [`AdminRights::all`] grants the twelve classic rights and
        /// [`AdminRights::demote`] takes every right away.
        ///
        /// An admin who is not the creator may grant only rights they hold
        /// (`RIGHT_FORBIDDEN` otherwise): one without `anonymous` writes
        /// `AdminRights::all().anonymous(false)`.
        ///
        /// In a basic group there is only "admin or not": the user becomes an
        /// admin when `is_admin` is true, or, with `is_admin` unset, when any
        /// right is granted (Telethon raises `KeyError` there; this is what it
        /// meant). In a supergroup `post_messages` and `edit_messages` are
        /// never sent: they are broadcast-only rights and Telegram answers
        /// RIGHT_FORBIDDEN (Telethon issue #490); `manage_topics` is sent in
        /// supergroups only.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct AdminRights {
            $($(#[doc = $doc])* pub $field: Option<bool>,)*
            /// The custom title (rank), at most 16 characters.
            pub title: Option<String>,
            /// The default for every classic right not given (Telethon's
            /// `is_admin`); set with [`AdminRights::admin`].
            pub is_admin: Option<bool>,
        }

        impl AdminRights {
            $(
                $(#[doc = $doc])*
                ///
                /// Builder: grants (`true`) or withholds (`false`) this right.
                pub fn $field(mut self, granted: bool) -> Self {
                    self.$field = Some(granted);
                    self
                }
            )*

            /// This right: `Some(granted)` if given, `None` if it follows the
            /// default.
            pub fn get(&self, right: AdminRight) -> Option<bool> {
                match right {
                    $(AdminRight::$variant => self.$field,)*
                }
            }

            /// Grants or withholds one right (the builder methods, by value).
            pub fn set(&mut self, right: AdminRight, granted: bool) -> &mut Self {
                match right {
                    $(AdminRight::$variant => self.$field = Some(granted),)*
                }
                self
            }

            /// An admin's rights exactly as Telegram reports them: every
            /// right given (`Some(true)` or `Some(false)`), no title.
            pub fn from_tl(rights: &types::ChatAdminRights) -> Self {
                Self {
                    $($field: Some(rights.$field),)*
                    title: None,
                    is_admin: Some(false),
                }
            }

            /// What Telegram is sent: every right given, else the default.
            fn resolved(&self) -> types::ChatAdminRights {
                let d = self.is_admin.unwrap_or(false);
                types::ChatAdminRights {
                    $($field: admin_rights!(@value self.$field, d, $kind),)*
                }
            }
        }
    };
    (@classic classic) => { true };
    (@classic explicit) => { false };
    (@value $v:expr, $d:ident, classic) => { $v.unwrap_or($d) };
    (@value $v:expr, $d:ident, explicit) => { $v.unwrap_or(false) };
}

admin_rights! {
    /// Change the chat's info and photo.
    change_info ChangeInfo classic,
    /// Post in a channel (broadcast channels only).
    post_messages PostMessages classic,
    /// Edit others' posts in a channel (broadcast channels only).
    edit_messages EditMessages classic,
    /// Delete others' messages.
    delete_messages DeleteMessages classic,
    /// Ban and restrict members.
    ban_users BanUsers classic,
    /// Invite users.
    invite_users InviteUsers classic,
    /// Pin messages.
    pin_messages PinMessages classic,
    /// Add admins (with at most their own rights).
    add_admins AddAdmins classic,
    /// Post anonymously.
    anonymous Anonymous classic,
    /// Manage voice chats.
    manage_call ManageCall classic,
    /// Every other right (`other`).
    other Other classic,
    /// Manage forum topics (supergroups only).
    manage_topics ManageTopics classic,
    /// Post stories for the channel (explicit only).
    post_stories PostStories explicit,
    /// Edit others' stories (explicit only).
    edit_stories EditStories explicit,
    /// Delete others' stories (explicit only).
    delete_stories DeleteStories explicit,
    /// Manage the channel's direct messages (explicit only).
    manage_direct_messages ManageDirectMessages explicit,
    /// Edit members' ranks (explicit only).
    manage_ranks ManageRanks explicit,
    /// Manage linked peers (explicit only).
    manage_linked_peers ManageLinkedPeers explicit,
    /// Manage welcome messages (explicit only).
    manage_welcome_messages ManageWelcomeMessages explicit,
}

impl AdminRights {
    /// No right given: with nothing set, `edit_admin` demotes (as
    /// [`AdminRights::demote`]); add rights with the builder methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every classic right ([`AdminRight::follows_is_admin`]): Telethon's
    /// `is_admin=True`.
    pub fn all() -> Self {
        Self::new().admin(true)
    }

    /// No right at all: takes a user's admin rights away.
    pub fn demote() -> Self {
        Self::new().admin(false)
    }

    /// The default for every classic right not given (Telethon's
    /// `is_admin`).
    pub fn admin(mut self, is_admin: bool) -> Self {
        self.is_admin = Some(is_admin);
        self
    }

    /// The custom title (rank), at most 16 characters.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Grants every right in `rights` (for lists from a command line or a
    /// config file).
    pub fn grant(mut self, rights: impl IntoIterator<Item = AdminRight>) -> Self {
        for r in rights {
            self.set(r, true);
        }
        self
    }

    /// What Telegram is sent in a channel (`megagroup`: a supergroup).
    pub(crate) fn to_tl(&self, megagroup: bool) -> types::ChatAdminRights {
        let mut r = self.resolved();
        r.post_messages &= !megagroup;
        r.edit_messages &= !megagroup;
        r.manage_topics &= megagroup;
        r
    }

    /// Whether the user ends up an admin of a basic group.
    pub(crate) fn basic_group_admin(&self) -> bool {
        self.is_admin
            .unwrap_or_else(|| AdminRight::ALL.iter().any(|&r| self.get(r) == Some(true)))
    }
}

/// Declares [`BannedRight`] and [`BannedRights`] from one list of Telegram's
/// `chatBannedRights` flags (with the extra names `parse` accepts), so that
/// the enum, the struct, its defaults, both conversions and the builder
/// methods cannot drift apart.
macro_rules! banned_rights {
    ($($(#[doc = $doc:literal])* $field:ident $variant:ident $(| $alias:literal)*,)*) => {
        /// One member right, named as Telegram's `chatBannedRights` flag
        /// (`"send_media".parse()`, [`BannedRight::name`]; Telethon's
        /// `embed_link_previews` is accepted for `embed_links`). With the
        /// `clap` feature it is a `clap::ValueEnum`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum BannedRight {
            $($(#[doc = $doc])* $variant,)*
        }

        impl BannedRight {
            /// Every member right, in Telegram's order.
            pub const ALL: &'static [BannedRight] = &[$(BannedRight::$variant,)*];

            /// Telegram's name for it (`send_media`).
            pub fn name(self) -> &'static str {
                match self {
                    $(BannedRight::$variant => stringify!($field),)*
                }
            }

            /// Other names it is known by (Telethon's).
            pub fn aliases(self) -> &'static [&'static str] {
                match self {
                    $(BannedRight::$variant => &[$($alias,)*],)*
                }
            }
        }

        /// What a member (or, set as the chat's defaults, everyone) may do:
        /// `true` means allowed, as in Telethon. Built from
        /// [`BannedRights::new`] (everything allowed) or
        /// [`BannedRights::read_only`] with one method per right:
        /// `BannedRights::new().send_media(false).for_duration(hour)`.
        ///
        /// `until`: when a personal restriction ends (`None`: forever;
        /// Telegram treats less than 30 seconds or more than 366 days from
        /// now as forever too).
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct BannedRights {
            $($(#[doc = $doc])* pub $field: bool,)*
            /// When the restriction ends (`None`: forever).
            pub until: Option<SystemTime>,
            /// Restricting one member of a basic group first turns the group
            /// into a supergroup (`messages.migrateChat`; basic groups have
            /// no per-member restrictions). Off unless asked for: a
            /// migration cannot be undone. See
            /// [`BannedRights::migrate_basic_group`].
            pub migrate_basic_group: bool,
        }

        impl Default for BannedRights {
            /// Everything allowed, forever: lifts every restriction.
            fn default() -> Self {
                Self { $($field: true,)* until: None, migrate_basic_group: false }
            }
        }

        impl BannedRights {
            $(
                $(#[doc = $doc])*
                ///
                /// Builder: allows (`true`) or denies (`false`) this right.
                pub fn $field(mut self, allowed: bool) -> Self {
                    self.$field = allowed;
                    self
                }
            )*

            /// Whether this right is allowed.
            pub fn get(&self, right: BannedRight) -> bool {
                match right {
                    $(BannedRight::$variant => self.$field,)*
                }
            }

            /// Allows or denies one right (the builder methods, by value).
            pub fn set(&mut self, right: BannedRight, allowed: bool) -> &mut Self {
                match right {
                    $(BannedRight::$variant => self.$field = allowed,)*
                }
                self
            }

            /// Telegram's form: true = denied.
            pub(crate) fn to_tl(&self) -> types::ChatBannedRights {
                types::ChatBannedRights {
                    $($field: !self.$field,)*
                    until_date: self
                        .until
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_secs().min(i32::MAX as u64) as i32),
                }
            }

            /// Everything denied.
            fn none() -> Self {
                Self { $($field: false,)* until: None, migrate_basic_group: false }
            }
        }

        impl From<&types::ChatBannedRights> for BannedRights {
            /// Reads Telegram's rights (true = denied) as allowed-flags.
            fn from(r: &types::ChatBannedRights) -> Self {
                Self {
                    $($field: !r.$field,)*
                    until: (r.until_date > 0)
                        .then(|| UNIX_EPOCH + Duration::from_secs(r.until_date as u64)),
                    migrate_basic_group: false,
                }
            }
        }
    };
}

banned_rights! {
    /// See the chat at all (false: banned).
    view_messages ViewMessages,
    /// Send text messages.
    send_messages SendMessages,
    /// Send media.
    send_media SendMedia,
    /// Send stickers.
    send_stickers SendStickers,
    /// Send GIFs.
    send_gifs SendGifs,
    /// Send games.
    send_games SendGames,
    /// Use inline bots.
    send_inline SendInline,
    /// Show link previews (Telethon's `embed_link_previews`).
    embed_links EmbedLinks | "embed_link_previews",
    /// Send polls.
    send_polls SendPolls,
    /// Change the chat's info.
    change_info ChangeInfo,
    /// Invite users.
    invite_users InviteUsers,
    /// Pin messages.
    pin_messages PinMessages,
    /// Manage forum topics.
    manage_topics ManageTopics,
    /// Send photos.
    send_photos SendPhotos,
    /// Send videos.
    send_videos SendVideos,
    /// Send round videos.
    send_roundvideos SendRoundvideos,
    /// Send audio files.
    send_audios SendAudios,
    /// Send voice messages.
    send_voices SendVoices,
    /// Send documents.
    send_docs SendDocs,
    /// Send plain text (without media).
    send_plain SendPlain,
    /// Edit their own rank.
    edit_rank EditRank,
    /// Send reactions.
    send_reactions SendReactions,
    /// Manage linked peers.
    manage_linked_peers ManageLinkedPeers,
}

impl BannedRights {
    /// Everything allowed, forever: as the chat's defaults, no restriction;
    /// for a member, lifts every restriction. Deny rights with the builder
    /// methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything denied but viewing: a read-only member.
    pub fn read_only() -> Self {
        Self::none().view_messages(true)
    }

    /// Nothing allowed, not even viewing: a ban.
    pub fn banned() -> Self {
        Self::none()
    }

    /// Denies every right in `rights` (for lists from a command line or a
    /// config file).
    pub fn deny(mut self, rights: impl IntoIterator<Item = BannedRight>) -> Self {
        for r in rights {
            self.set(r, false);
        }
        self
    }

    /// The rights denied, in Telegram's order.
    pub fn denied(&self) -> impl Iterator<Item = BannedRight> + '_ {
        BannedRight::ALL.iter().copied().filter(|&r| !self.get(r))
    }

    /// Until a moment (`None`: forever). Telegram treats less than 30 seconds
    /// or more than 366 days from now as forever.
    pub fn until_date(mut self, until: Option<SystemTime>) -> Self {
        self.until = until;
        self
    }

    /// For a while from now (Telethon's `timedelta` until_date).
    pub fn for_duration(mut self, d: Duration) -> Self {
        self.until = Some(SystemTime::now() + d);
        self
    }

    /// Whether restricting one member of a basic group may first turn the
    /// group into a supergroup (default: no, and the call answers
    /// [`Error::NeedsSupergroup`]). The migration is for good; afterwards
    /// the group's id keeps working, the session following it to the
    /// supergroup.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{BannedRights, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let mute = BannedRights::new().send_messages(false).migrate_basic_group(true);
    /// client.edit_permissions(-4_000_123, "@troll", mute).await?;
    /// # Ok(()) }
    /// ```
    pub fn migrate_basic_group(mut self, migrate: bool) -> Self {
        self.migrate_basic_group = migrate;
        self
    }
}

/// Parses a right's name: Telegram's, any case, `-` for `_`.
macro_rules! parse_right {
    ($ty:ident, $kind:literal, |$r:ident| $matches:expr) => {
        impl FromStr for $ty {
            type Err = Error;

            /// Telegram's name (see [`Self::ALL`]); case is ignored and `-`
            /// is the same as `_`.
            fn from_str(s: &str) -> Result<Self> {
                let name = normalize(s);
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|&$r| $matches(&name))
                    .ok_or_else(|| Error::UnknownName {
                        kind: $kind,
                        name: name.clone(),
                        valid: $ty::ALL
                            .iter()
                            .map(|r| r.name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

parse_right!(AdminRight, "admin right", |r| |n: &String| r.name() == n);
parse_right!(BannedRight, "right", |r| |n: &String| r.name() == n
    || r.aliases().contains(&n.as_str()));

#[cfg(feature = "clap")]
mod clap_support {
    use clap::builder::PossibleValue;

    use super::{AdminRight, BannedRight};

    impl clap::ValueEnum for AdminRight {
        fn value_variants<'a>() -> &'a [Self] {
            Self::ALL
        }

        fn to_possible_value(&self) -> Option<PossibleValue> {
            Some(PossibleValue::new(self.name()).alias(self.name().replace('_', "-")))
        }
    }

    impl clap::ValueEnum for BannedRight {
        fn value_variants<'a>() -> &'a [Self] {
            Self::ALL
        }

        fn to_possible_value(&self) -> Option<PossibleValue> {
            Some(
                PossibleValue::new(self.name())
                    .alias(self.name().replace('_', "-"))
                    .aliases(self.aliases().iter().copied()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_by_name_and_builder() {
        let a = AdminRights::new().ban_users(true).manage_call(false);
        assert_eq!((a.ban_users, a.manage_call), (Some(true), Some(false)));
        assert_eq!(
            "Ban-Users".parse::<AdminRight>().unwrap(),
            AdminRight::BanUsers
        );
        for &r in AdminRight::ALL {
            assert_eq!(r.name().parse::<AdminRight>().unwrap(), r);
            let mut set = AdminRights::new();
            set.set(r, true);
            assert_eq!(set.get(r), Some(true));
            assert_eq!(
                AdminRight::ALL
                    .iter()
                    .filter(|&&o| set.get(o).is_some())
                    .count(),
                1
            );
        }
        assert!(matches!(
            "fly".parse::<AdminRight>(),
            Err(Error::UnknownName { name, .. }) if name == "fly"
        ));
        let b = BannedRights::new().deny(["embed_link_previews".parse::<BannedRight>().unwrap()]);
        assert!(!b.embed_links && b.send_messages);
        assert_eq!(b.denied().collect::<Vec<_>>(), [BannedRight::EmbedLinks]);
        for &r in BannedRight::ALL {
            let mut one = BannedRights::new();
            one.set(r, false);
            assert_eq!(
                one.denied().collect::<Vec<_>>(),
                [r],
                "{r} changes itself only"
            );
            assert_eq!(BannedRights::from(&one.to_tl()), one, "{r} round-trips");
        }
        assert_eq!(
            BannedRights::read_only().denied().count(),
            BannedRight::ALL.len() - 1
        );
    }

    #[test]
    fn classic_rights_follow_is_admin() {
        let all = AdminRights::all().to_tl(true);
        assert!(all.ban_users && all.anonymous && all.manage_topics && all.other);
        assert!(!all.post_messages && !all.post_stories, "{all:?}");
        let channel = AdminRights::all().anonymous(false).to_tl(false);
        assert!(channel.post_messages && !channel.anonymous && !channel.manage_topics);
        assert_eq!(
            AdminRights::demote().to_tl(false),
            types::ChatAdminRights::default()
        );
        assert!(AdminRights::new().pin_messages(true).basic_group_admin());
        assert!(!AdminRights::new().basic_group_admin());
        assert!(
            !AdminRights::all()
                .pin_messages(true)
                .admin(false)
                .basic_group_admin()
        );
    }
}
