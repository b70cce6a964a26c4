//! `iter_admin_log` / `get_admin_log`: the filter, the events, and
//! [`AdminLogIter`].

mod iter;

pub use iter::AdminLogIter;

use std::time::SystemTime;

use ferrogram_tl_types::{enums, types};

/// Declares [`AdminLogKind`] and [`AdminLogFilter`] from one list, so that
/// the enum, the struct's fields and builder methods, and the names cannot
/// drift apart.
macro_rules! admin_log_filter {
    ($($(#[doc = $doc:literal])* $field:ident $variant:ident,)*) => {
        /// One kind of admin-log event to select (`"ban".parse()`,
        /// [`AdminLogKind::name`]). With the `clap` feature it is a
        /// `clap::ValueEnum`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum AdminLogKind {
            $($(#[doc = $doc])* $variant,)*
        }

        impl AdminLogKind {
            /// Every kind.
            pub const ALL: &'static [AdminLogKind] = &[$(AdminLogKind::$variant,)*];

            /// Its name (the seed's and Telethon's).
            pub fn name(self) -> &'static str {
                match self {
                    $(AdminLogKind::$variant => stringify!($field),)*
                }
            }
        }

        /// Which admin-log events to return (all when nothing is set), built
        /// with one method per kind: `AdminLogFilter::new().ban(true).promote(true)`.
        ///
        /// Names follow the seed; Telethon's names map as Telethon maps them:
        /// `restrict`/`unrestrict` are Telegram's `ban`/`unban` (rights limited or
        /// restored), `ban`/`unban` are Telegram's `kick`/`unkick` (removed from the
        /// chat or let back). `kick`/`unkick` are accepted too and mean the same as
        /// `ban`/`unban`. `join_leave` sets both `join` and `leave`.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct AdminLogFilter {
            $($(#[doc = $doc])* pub $field: bool,)*
        }

        impl AdminLogFilter {
            $(
                $(#[doc = $doc])*
                ///
                /// Builder: selects (`true`) these events or not.
                pub fn $field(mut self, yes: bool) -> Self {
                    self.$field = yes;
                    self
                }
            )*

            /// Selects (or not) one kind.
            pub fn set(&mut self, kind: AdminLogKind, yes: bool) -> &mut Self {
                match kind {
                    $(AdminLogKind::$variant => self.$field = yes,)*
                }
                self
            }

            /// Whether a kind is selected.
            pub fn get(&self, kind: AdminLogKind) -> bool {
                match kind {
                    $(AdminLogKind::$variant => self.$field,)*
                }
            }
        }
    };
}

admin_log_filter! {
    /// Joins (Telethon's `join`).
    join Join,
    /// Leaves (Telethon's `leave`).
    leave Leave,
    /// Joins and leaves (the seed's `join_leave`).
    join_leave JoinLeave,
    /// Invitations.
    invite Invite,
    /// Restrictions (Telegram's `ban`).
    restrict Restrict,
    /// Lifted restrictions (Telegram's `unban`).
    unrestrict Unrestrict,
    /// Bans (Telegram's `kick`).
    ban Ban,
    /// Lifted bans (Telegram's `unkick`).
    unban Unban,
    /// Kicks (same as `ban`).
    kick Kick,
    /// Lifted kicks (same as `unban`).
    unkick Unkick,
    /// Promotions.
    promote Promote,
    /// Demotions.
    demote Demote,
    /// Title, about, username and photo changes.
    info Info,
    /// Settings (default rights, slow mode, ...).
    settings Settings,
    /// Pins.
    pinned Pinned,
    /// Edits.
    edit Edit,
    /// Deletions.
    delete Delete,
    /// Group calls.
    group_call GroupCall,
    /// Invite links (not exposed by Telethon).
    invites Invites,
    /// Messages sent (not exposed by Telethon).
    send Send,
    /// Forum topics (not exposed by Telethon).
    forums Forums,
    /// Extended subscriptions (not exposed by Telethon).
    sub_extend SubExtend,
    /// Rank edits (not exposed by Telethon).
    edit_rank EditRank,
}

impl AdminLogFilter {
    /// Nothing selected: every event.
    pub fn new() -> Self {
        Self::default()
    }

    /// Selects every kind in `kinds` (for lists from a command line).
    pub fn with(mut self, kinds: impl IntoIterator<Item = AdminLogKind>) -> Self {
        for k in kinds {
            self.set(k, true);
        }
        self
    }

    pub(super) fn to_tl(&self) -> Option<types::ChannelAdminLogEventsFilter> {
        if *self == Self::default() {
            return None;
        }
        Some(types::ChannelAdminLogEventsFilter {
            join: self.join || self.join_leave,
            leave: self.leave || self.join_leave,
            invite: self.invite,
            ban: self.restrict,
            unban: self.unrestrict,
            kick: self.ban || self.kick,
            unkick: self.unban || self.unkick,
            promote: self.promote,
            demote: self.demote,
            info: self.info,
            settings: self.settings,
            pinned: self.pinned,
            edit: self.edit,
            delete: self.delete,
            group_call: self.group_call,
            invites: self.invites,
            send: self.send,
            forums: self.forums,
            sub_extend: self.sub_extend,
            edit_rank: self.edit_rank,
        })
    }
}

impl std::str::FromStr for AdminLogKind {
    type Err = crate::Error;

    /// Its name (see [`AdminLogKind::ALL`]); case is ignored and `-` is the
    /// same as `_`.
    fn from_str(s: &str) -> crate::Result<Self> {
        let name = s.trim().to_lowercase().replace('-', "_");
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.name() == name)
            .ok_or_else(|| crate::Error::UnknownName {
                kind: "admin-log filter",
                name,
                valid: Self::ALL
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

impl std::fmt::Display for AdminLogKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "clap")]
impl clap::ValueEnum for AdminLogKind {
    fn value_variants<'a>() -> &'a [Self] {
        Self::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).alias(self.name().replace('_', "-")))
    }
}

/// One admin-log event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AdminLogEvent {
    /// Its id (newer events have larger ids).
    pub id: i64,
    /// When it happened.
    pub date: SystemTime,
    /// The admin who did it.
    pub user_id: i64,
    /// That admin, as the answer described them.
    pub user: Option<types::User>,
    /// What happened.
    pub action: enums::ChannelAdminLogEventAction,
}

/// An old or new value of an admin-log event (Telethon's `old`/`new`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum LogValue {
    /// A title, about text, username or rank.
    Text(String),
    /// Usernames.
    Texts(Vec<String>),
    /// A toggle's state.
    Bool(bool),
    /// A number (slow mode seconds, history TTL, linked chat id).
    Int(i64),
    /// A photo.
    Photo(enums::Photo),
    /// A message.
    Message(enums::Message),
    /// A participant, before or after.
    Participant(enums::ChannelParticipant),
    /// Default banned rights.
    BannedRights(enums::ChatBannedRights),
    /// A sticker set.
    StickerSet(enums::InputStickerSet),
    /// An invite link.
    Invite(enums::ExportedChatInvite),
}

macro_rules! is_action {
    ($($(#[$doc:meta])* $name:ident => $($variant:ident)|+;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&self) -> bool {
                use enums::ChannelAdminLogEventAction as A;
                matches!(self.action, $(A::$variant(..))|+)
            }
        )*
    };
}

impl AdminLogEvent {
    is_action! {
        /// The about text changed.
        changed_about => ChangeAbout;
        /// The title changed.
        changed_title => ChangeTitle;
        /// The username(s) changed.
        changed_username => ChangeUsername | ChangeUsernames;
        /// The photo changed.
        changed_photo => ChangePhoto;
        /// The sticker set changed.
        changed_sticker_set => ChangeStickerSet | ChangeEmojiStickerSet;
        /// A message was edited.
        changed_message => EditMessage;
        /// A message was deleted.
        deleted_message => DeleteMessage;
        /// Someone was promoted, demoted, or had their admin rights changed.
        changed_admin => ParticipantToggleAdmin;
        /// Someone was restricted, banned, or had that lifted.
        changed_restrictions => ParticipantToggleBan;
        /// Members' invite permission was toggled.
        changed_invites => ToggleInvites;
        /// The location changed.
        changed_location => ChangeLocation;
        /// Someone was invited.
        joined_invite => ParticipantInvite;
        /// Hiding history from new members was toggled.
        changed_hide_history => TogglePreHistoryHidden;
        /// Signatures were toggled.
        changed_signatures => ToggleSignatures | ToggleSignatureProfiles;
        /// A message was pinned or unpinned.
        changed_pin => UpdatePinned;
        /// The chat's default rights changed.
        changed_default_banned_rights => DefaultBannedRights;
        /// A poll was stopped.
        stopped_poll => StopPoll;
        /// A voice chat started.
        started_group_call => StartGroupCall;
        /// A voice chat ended.
        discarded_group_call => DiscardGroupCall;
        /// A voice-chat participant was muted.
        user_muted => ParticipantMute;
        /// A voice-chat participant was unmuted (Telethon's spelling kept:
        /// see also [`AdminLogEvent::user_unmuted`]).
        user_unmutted => ParticipantUnmute;
        /// A voice-chat participant was unmuted.
        user_unmuted => ParticipantUnmute;
        /// A voice-chat setting changed.
        changed_call_settings => ToggleGroupCallSetting;
        /// The history TTL changed.
        changed_history_ttl => ChangeHistoryTTL;
        /// An invite link was deleted.
        deleted_exported_invite => ExportedInviteDelete;
        /// An invite link was edited.
        edited_exported_invite => ExportedInviteEdit;
        /// An invite link was revoked.
        revoked_exported_invite => ExportedInviteRevoke;
        /// Someone joined through an invite link (or a request approved).
        joined_by_invite => ParticipantJoinByInvite | ParticipantJoinByRequest;
        /// A voice-chat participant's volume changed.
        changed_user_volume => ParticipantVolume;
        /// Slow mode changed.
        changed_slow_mode => ToggleSlowMode;
        /// The linked chat changed.
        changed_linked_chat => ChangeLinkedChat;
        /// An admin's or member's rank changed.
        changed_rank => ParticipantEditRank;
    }

    /// Someone left.
    pub fn left(&self) -> bool {
        matches!(
            self.action,
            enums::ChannelAdminLogEventAction::ParticipantLeave
        )
    }

    /// Someone joined (by themselves, an invite link, or a request).
    pub fn joined(&self) -> bool {
        use enums::ChannelAdminLogEventAction as A;
        matches!(
            self.action,
            A::ParticipantJoin | A::ParticipantJoinByInvite(..) | A::ParticipantJoinByRequest(..)
        )
    }

    /// The value before the change, where the event has one (for toggles, the
    /// opposite of the new value, as Telethon).
    pub fn old(&self) -> Option<LogValue> {
        self.values().0
    }

    /// The value after the change, where the event has one.
    #[allow(clippy::new_ret_no_self, clippy::wrong_self_convention)]
    pub fn new(&self) -> Option<LogValue> {
        self.values().1
    }

    fn values(&self) -> (Option<LogValue>, Option<LogValue>) {
        use LogValue as V;
        use enums::ChannelAdminLogEventAction as A;
        let both = |a: V, b: V| (Some(a), Some(b));
        let toggle = |b: bool| both(V::Bool(!b), V::Bool(b));
        let texts = |a: &str, b: &str| both(V::Text(a.to_owned()), V::Text(b.to_owned()));
        match &self.action {
            A::ChangeTitle(a) => texts(&a.prev_value, &a.new_value),
            A::ChangeAbout(a) => texts(&a.prev_value, &a.new_value),
            A::ChangeUsername(a) => texts(&a.prev_value, &a.new_value),
            A::ChangeUsernames(a) => both(
                V::Texts(a.prev_value.iter().map(ToString::to_string).collect()),
                V::Texts(a.new_value.iter().map(ToString::to_string).collect()),
            ),
            A::ChangePhoto(a) => both(
                V::Photo(a.prev_photo.clone()),
                V::Photo(a.new_photo.clone()),
            ),
            A::ToggleInvites(a) => toggle(a.new_value),
            A::ToggleSignatures(a) => toggle(a.new_value),
            A::TogglePreHistoryHidden(a) => toggle(a.new_value),
            A::ToggleNoForwards(a) => toggle(a.new_value),
            A::ToggleForum(a) => toggle(a.new_value),
            A::ToggleAntiSpam(a) => toggle(a.new_value),
            A::ToggleSignatureProfiles(a) => toggle(a.new_value),
            A::ToggleAutotranslation(a) => toggle(a.new_value),
            A::ToggleGroupCallSetting(a) => toggle(a.join_muted),
            A::UpdatePinned(a) => (None, Some(V::Message(a.message.clone()))),
            A::EditMessage(a) => both(
                V::Message(a.prev_message.clone()),
                V::Message(a.new_message.clone()),
            ),
            A::DeleteMessage(a) => (Some(V::Message(a.message.clone())), None),
            A::StopPoll(a) => (None, Some(V::Message(a.message.clone()))),
            A::SendMessage(a) => (None, Some(V::Message(a.message.clone()))),
            A::ParticipantInvite(a) => (None, Some(V::Participant(a.participant.clone()))),
            A::ParticipantToggleBan(a) => both(
                V::Participant(a.prev_participant.clone()),
                V::Participant(a.new_participant.clone()),
            ),
            A::ParticipantToggleAdmin(a) => both(
                V::Participant(a.prev_participant.clone()),
                V::Participant(a.new_participant.clone()),
            ),
            A::ParticipantSubExtend(a) => both(
                V::Participant(a.prev_participant.clone()),
                V::Participant(a.new_participant.clone()),
            ),
            A::ChangeStickerSet(a) => both(
                V::StickerSet(a.prev_stickerset.clone()),
                V::StickerSet(a.new_stickerset.clone()),
            ),
            A::DefaultBannedRights(a) => both(
                V::BannedRights(a.prev_banned_rights.clone()),
                V::BannedRights(a.new_banned_rights.clone()),
            ),
            A::ChangeLinkedChat(a) => both(V::Int(a.prev_value), V::Int(a.new_value)),
            A::ToggleSlowMode(a) => both(V::Int(a.prev_value as i64), V::Int(a.new_value as i64)),
            A::ChangeHistoryTTL(a) => both(V::Int(a.prev_value as i64), V::Int(a.new_value as i64)),
            A::ParticipantJoinByInvite(a) => (None, Some(V::Invite(a.invite.clone()))),
            A::ExportedInviteDelete(a) => (Some(V::Invite(a.invite.clone())), None),
            A::ExportedInviteRevoke(a) => (Some(V::Invite(a.invite.clone())), None),
            A::ExportedInviteEdit(a) => both(
                V::Invite(a.prev_invite.clone()),
                V::Invite(a.new_invite.clone()),
            ),
            A::ParticipantEditRank(a) => texts(&a.prev_rank, &a.new_rank),
            _ => (None, None),
        }
    }
}
