//! `iter_admin_log` / `get_admin_log`.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::Result;

/// Which admin-log events to return (all when nothing is set).
///
/// Names follow the seed; Telethon's names map as Telethon maps them:
/// `restrict`/`unrestrict` are Telegram's `ban`/`unban` (rights limited or
/// restored), `ban`/`unban` are Telegram's `kick`/`unkick` (removed from the
/// chat or let back). `kick`/`unkick` are accepted too and mean the same as
/// `ban`/`unban`. `join_leave` sets both `join` and `leave`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminLogFilter {
    /// Joins (Telethon's `join`).
    pub join: bool,
    /// Leaves (Telethon's `leave`).
    pub leave: bool,
    /// Joins and leaves (the seed's `join_leave`).
    pub join_leave: bool,
    /// Invitations.
    pub invite: bool,
    /// Restrictions (Telegram's `ban`).
    pub restrict: bool,
    /// Lifted restrictions (Telegram's `unban`).
    pub unrestrict: bool,
    /// Bans (Telegram's `kick`).
    pub ban: bool,
    /// Lifted bans (Telegram's `unkick`).
    pub unban: bool,
    /// Kicks (same as `ban`).
    pub kick: bool,
    /// Lifted kicks (same as `unban`).
    pub unkick: bool,
    /// Promotions.
    pub promote: bool,
    /// Demotions.
    pub demote: bool,
    /// Title, about, username and photo changes.
    pub info: bool,
    /// Settings (default rights, slow mode, ...).
    pub settings: bool,
    /// Pins.
    pub pinned: bool,
    /// Edits.
    pub edit: bool,
    /// Deletions.
    pub delete: bool,
    /// Group calls.
    pub group_call: bool,
    /// Invite links (not exposed by Telethon).
    pub invites: bool,
    /// Messages sent (not exposed by Telethon).
    pub send: bool,
    /// Forum topics (not exposed by Telethon).
    pub forums: bool,
    /// Extended subscriptions (not exposed by Telethon).
    pub sub_extend: bool,
    /// Rank edits (not exposed by Telethon).
    pub edit_rank: bool,
}

impl AdminLogFilter {
    fn to_tl(&self) -> Option<types::ChannelAdminLogEventsFilter> {
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

    /// Every filter name [`AdminLogFilter::enable`] accepts.
    pub const NAMES: &'static [&'static str] = &[
        "join",
        "leave",
        "join_leave",
        "invite",
        "restrict",
        "unrestrict",
        "ban",
        "unban",
        "kick",
        "unkick",
        "promote",
        "demote",
        "info",
        "settings",
        "pinned",
        "edit",
        "delete",
        "group_call",
        "invites",
        "send",
        "forums",
        "sub_extend",
        "edit_rank",
    ];

    /// Turns on the filter with this name (see [`AdminLogFilter::NAMES`];
    /// `-` and `_` are the same, case is ignored).
    pub fn enable(&mut self, name: &str) -> crate::Result<()> {
        let flag = match name.trim().to_lowercase().replace('-', "_").as_str() {
            "join" => &mut self.join,
            "leave" => &mut self.leave,
            "join_leave" => &mut self.join_leave,
            "invite" => &mut self.invite,
            "restrict" => &mut self.restrict,
            "unrestrict" => &mut self.unrestrict,
            "ban" => &mut self.ban,
            "unban" => &mut self.unban,
            "kick" => &mut self.kick,
            "unkick" => &mut self.unkick,
            "promote" => &mut self.promote,
            "demote" => &mut self.demote,
            "info" => &mut self.info,
            "settings" => &mut self.settings,
            "pinned" => &mut self.pinned,
            "edit" => &mut self.edit,
            "delete" => &mut self.delete,
            "group_call" => &mut self.group_call,
            "invites" => &mut self.invites,
            "send" => &mut self.send,
            "forums" => &mut self.forums,
            "sub_extend" => &mut self.sub_extend,
            "edit_rank" => &mut self.edit_rank,
            other => {
                return Err(crate::Error::UnknownName {
                    kind: "admin-log filter",
                    name: other.to_owned(),
                    valid: Self::NAMES.join(", "),
                });
            }
        };
        *flag = true;
        Ok(())
    }
}

/// One admin-log event.
#[derive(Clone, Debug, PartialEq)]
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
        match &self.action {
            A::ChangeTitle(a) => both(V::Text(a.prev_value.clone()), V::Text(a.new_value.clone())),
            A::ChangeAbout(a) => both(V::Text(a.prev_value.clone()), V::Text(a.new_value.clone())),
            A::ChangeUsername(a) => {
                both(V::Text(a.prev_value.clone()), V::Text(a.new_value.clone()))
            }
            A::ChangeUsernames(a) => both(
                V::Texts(a.prev_value.clone()),
                V::Texts(a.new_value.clone()),
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
            A::ParticipantEditRank(a) => {
                both(V::Text(a.prev_rank.clone()), V::Text(a.new_rank.clone()))
            }
            _ => (None, None),
        }
    }
}

/// Builds and runs an admin-log listing; see
/// [`crate::ChatManagement::iter_admin_log`].
#[derive(Debug)]
pub struct AdminLogIter {
    client: Client,
    chat: PeerRef,
    limit: Option<usize>,
    max_id: i64,
    min_id: i64,
    search: String,
    admins: Vec<PeerRef>,
    filter: AdminLogFilter,
    buffer: VecDeque<AdminLogEvent>,
    yielded: usize,
    done: bool,
}

impl AdminLogIter {
    pub(crate) fn new(client: Client, chat: PeerRef) -> Self {
        Self {
            client,
            chat,
            limit: None,
            max_id: 0,
            min_id: 0,
            search: String::new(),
            admins: Vec::new(),
            filter: AdminLogFilter::default(),
            buffer: VecDeque::new(),
            yielded: 0,
            done: false,
        }
    }

    /// At most `n` events.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Only events older than this id.
    pub fn max_id(mut self, id: i64) -> Self {
        self.max_id = id;
        self
    }

    /// Only events newer than this id.
    pub fn min_id(mut self, id: i64) -> Self {
        self.min_id = id;
        self
    }

    /// Only events matching this text.
    pub fn search(mut self, s: impl Into<String>) -> Self {
        self.search = s.into();
        self
    }

    /// Only events by these admins.
    pub fn admins(mut self, admins: impl IntoIterator<Item = PeerRef>) -> Self {
        self.admins = admins.into_iter().collect();
        self
    }

    /// Only these kinds of events.
    pub fn filter(mut self, f: AdminLogFilter) -> Self {
        self.filter = f;
        self
    }

    /// The next event, newest first.
    pub async fn next(&mut self) -> Option<Result<AdminLogEvent>> {
        loop {
            if self.limit.is_some_and(|l| self.yielded >= l) {
                return None;
            }
            if let Some(e) = self.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(e));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill().await {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    /// Collects every event.
    pub async fn collect(mut self) -> Result<Vec<AdminLogEvent>> {
        let mut out = Vec::new();
        while let Some(e) = self.next().await {
            out.push(e?);
        }
        Ok(out)
    }

    /// The listing as a `futures::Stream`.
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<AdminLogEvent>> {
        futures::stream::unfold(
            self,
            |mut it| async move { it.next().await.map(|e| (e, it)) },
        )
    }

    async fn fill(&mut self) -> Result<()> {
        let channel = crate::target::Target::resolve(&self.client, self.chat.clone())
            .await?
            .channel("the admin log")?
            .clone();
        let mut admins = Vec::new();
        for a in &self.admins {
            admins.push(match self.client.get_input_entity(a.clone()).await? {
                enums::InputPeer::User(u) => enums::InputUser::from(types::InputUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                }),
                enums::InputPeer::InputPeerSelf => enums::InputUser::InputUserSelf,
                other => {
                    return Err(crate::Error::NotPossibleHere(format!(
                        "admins must be users, not {other:?}"
                    )));
                }
            });
        }
        let want = self.limit.map_or(100, |l| (l - self.yielded).min(100)) as i32;
        let enums::channels::AdminLogResults::AdminLogResults(r) = self
            .client
            .invoke(&functions::channels::GetAdminLog {
                channel,
                q: self.search.clone(),
                events_filter: self
                    .filter
                    .to_tl()
                    .map(enums::ChannelAdminLogEventsFilter::from),
                admins: (!admins.is_empty()).then_some(admins),
                max_id: self.max_id,
                min_id: self.min_id,
                limit: want,
            })
            .await?;
        if (r.events.len() as i32) < want {
            self.done = true;
        }
        for enums::ChannelAdminLogEvent::ChannelAdminLogEvent(e) in r.events {
            self.max_id = if self.max_id == 0 {
                e.id
            } else {
                self.max_id.min(e.id)
            };
            let user = r.users.iter().find_map(|u| match u {
                enums::User::User(u) if u.id == e.user_id => Some((**u).clone()),
                _ => None,
            });
            self.buffer.push_back(AdminLogEvent {
                id: e.id,
                date: UNIX_EPOCH + Duration::from_secs(e.date.max(0) as u64),
                user_id: e.user_id,
                user,
                action: e.action,
            });
        }
        if self.buffer.is_empty() {
            self.done = true;
        }
        Ok(())
    }
}
