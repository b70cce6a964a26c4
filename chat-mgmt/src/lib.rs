//! Telethon's chat-management API on `ferrogram-client`, as idiomatic async Rust.
//!
//! [`ChatManagement`] is implemented for [`ferrogram_client::Client`]; bring
//! the trait into scope and every function of Telethon's chat administration
//! is a method of the client, with the same names and meaning, Rust-shaped
//! options (builders, `futures::Stream`, `SystemTime`/`Duration`) and one
//! error type, [`Error`], whose variants are the errors an administrator
//! handles (each keeping the server's RPC error).
//!
//! | Telethon | Here |
//! |---|---|
//! | `iter_participants(chat, limit=.., search=.., filter=..)` | [`ChatManagement::iter_participants`]`(chat).limit(..).search(..).filter(..)`: a [`ParticipantIter`] stream |
//! | `get_participants(chat, ...)` | [`ChatManagement::get_participants`]`(chat)...` awaited: a [`TotalList`] |
//! | `edit_admin(chat, user, ban_users=True, title=..)` | [`ChatManagement::edit_admin`]`(chat, user, AdminRights::new().ban_users(true).title(..))` |
//! | `edit_permissions(chat, user, send_media=False)` | [`ChatManagement::edit_permissions`]`(chat, user, BannedRights::new().send_media(false))` |
//! | `edit_permissions(chat, send_media=False)` (no user) | [`ChatManagement::edit_default_permissions`] |
//! | `get_permissions(chat, user)` | [`ChatManagement::get_permissions`] → [`ParticipantPermissions`] |
//! | `get_permissions(chat)` (no user) | [`ChatManagement::get_default_permissions`] → [`BannedRights`] |
//! | `kick_participant` | [`ChatManagement::kick_participant`] |
//! | `iter_admin_log` / `get_admin_log` | [`ChatManagement::iter_admin_log`] / [`ChatManagement::get_admin_log`]: an [`AdminLogIter`] with an [`AdminLogFilter`] |
//! | `action` | [`ChatManagement::action`] → [`ActionGuard`] |
//! | `iter_profile_photos` / `get_profile_photos` | [`ChatManagement::iter_profile_photos`] / [`ChatManagement::get_profile_photos`]: a [`ProfilePhotoIter`] |
//! | `get_stats(chat)` | [`ChatManagement::get_stats`] → [`Stats`] |
//! | `get_stats(chat, message)` | [`ChatManagement::get_message_stats`] → [`Stats::Message`] |
//!
//! Telethon's keyword arguments are builder methods; where one Telethon
//! function does two things depending on whether an argument is given, there
//! are two methods, Telethon's name keeping the first. Listings are
//! `futures::Stream`s (with `total()`); awaiting one (the `get_*` names)
//! collects it. Rights read one way everywhere: `true` = granted or allowed.
//!
//! Beyond Telethon, [`Membership`] (also implemented for the client) is who
//! gets in: new chats ([`NewChat`]), invite links ([`InviteLinkOptions`],
//! listings of links and of who joined), join requests (listed, approved or
//! declined one by one or all at once, and approval for direct joins) and
//! layer 223's member tags ([`crate::Membership::set_rank`]).
//!
//! [`Moderation`] cleans up (deleting messages and histories, spam reports,
//! pins, [`Moderation::purge`], the chat's switches) and holds the bulk tool:
//! [`Moderation::bulk`] gives a [`BulkJob`] that applies one
//! [`BulkAction`] to every member a [`Selection`] picks, paced under flood
//! limits, journaled in a [`BulkStore`] so a killed run resumes without doing
//! anything twice, reported member by member ([`BulkReport`]) and undoable
//! ([`Moderation::bulk_undo`]).
//!
//! Where Telethon is broken, this crate does what Telethon's documentation
//! promises, and says so on the item: `limit` is honoured in basic groups,
//! a filter combined with a search does not stop at the first page without a
//! match, `aggressive` really gets past the 10,000-member cap, `edit_admin` in
//! a basic group works with rights alone, basic groups get default
//! permissions, and upload actions report real percentages.
//!
//! ```no_run
//! use ferrogram_chat_mgmt::{AdminRights, ChatManagement, Error, ParticipantFilter};
//! use futures::TryStreamExt;
//! # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
//! let admins = client
//!     .get_participants("@my_group")
//!     .filter(ParticipantFilter::Admins)
//!     .await?;
//! println!("{} admins", admins.total);
//! let mut members = client.iter_participants("@my_group").search("john");
//! while let Some(p) = members.try_next().await? {
//!     println!("{:?}", p.user.first_name);
//! }
//! let moderator = AdminRights::new()
//!     .delete_messages(true)
//!     .ban_users(true)
//!     .title("Moderator");
//! match client.edit_admin("@my_group", "@alice", moderator).await {
//!     Ok(()) => {}
//!     Err(Error::RightForbidden(_)) => println!("I may not grant those rights"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

mod action;
mod admin_log;
mod bulk;
mod cleanup;
mod communities;
mod discussion;
mod error;
mod events;
mod invites;
mod lazy;
mod limits;
mod membership;
mod migration;
mod moderation;
mod participants;
mod photos;
mod rights;
mod settings;
mod stats;
mod target;
mod topics;

/// The client runtime this crate extends (`ferrogram-client`), with its own
/// re-exports of the TL types (`client::tl`) and session stores
/// (`client::session`): one dependency is enough.
pub use ferrogram_client as client;

pub use action::{ActionBuilder, ActionGuard, ChatAction, IntoChatAction};
pub use admin_log::{AdminLogEvent, AdminLogFilter, AdminLogIter, AdminLogKind, LogValue};
pub use bulk::Claim;
pub use bulk::{
    BulkAction, BulkItem, BulkJob, BulkOp, BulkReport, BulkStore, FailedRpc, FileStore,
    JOURNAL_VERSION, MemberState, MemoryStore, Outcome, Pace, Progress, Record, ReportItem,
    Selection, Totals, parse_journal, parse_user_list,
};
#[cfg(feature = "postgres")]
pub use bulk::{PostgresBulkStore, split_job_url};
pub use cleanup::{BannedChannel, PURGE_REPORT_MAX, PurgeOptions, PurgeReport};
pub use communities::{
    Communities, CommunityChat, CommunityInfo, CommunitySummary, LinkOutcome, LinkRequest,
    MemberChats, NewCommunity,
};
pub use discussion::DiscussionCandidate;
pub use error::{Error, Result};
pub use events::{JoinMethod, MembershipEvent, MembershipEventKind, MembershipEvents};
pub use invites::{
    AddOutcome, CreatedChat, InviteImporter, InviteImporterIter, InviteLink, InviteLinkCount,
    InviteLinkIter, InviteLinkOptions, NewChat, NewChatKind, RevokedInviteLink,
};
pub use limits::ChatLimits;
pub use membership::{JoinApproval, Membership};
pub use migration::MigratedChat;
pub use moderation::Moderation;
pub use participants::{
    Participant, ParticipantFilter, ParticipantIter, Role, TotalList, participant_user_id,
};
pub use photos::ProfilePhotoIter;
pub use rights::{
    AdminRight, AdminRights, BannedRight, BannedRights, KICK_UNBAN_DELAY, ParticipantPermissions,
};
pub use settings::{ChatSetting, ChatSettings, Reactions};
pub use stats::Stats;
pub use topics::{ForumTopic, ForumTopics, GENERAL_TOPIC, NewTopic, TopicEdit};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::enums;

/// Telethon's chat administration, on a [`Client`]. Chats and users are
/// anything [`PeerRef`] accepts: `"@username"`, `"t.me/..."` links, marked
/// ids (`-100…` channels, negative basic groups), resolved input peers,
/// users, chats and channels.
#[allow(async_fn_in_trait)]
pub trait ChatManagement {
    /// Lists a chat's participants: a [`ParticipantIter`] (options by
    /// builder, a `futures::Stream` when polled; see there for paging and
    /// what `total()` counts).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut it = client.iter_participants("@my_group").limit(50);
    /// while let Some(p) = it.try_next().await? {
    ///     println!("{:?} (@{:?})", p.user.first_name, p.user.username);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter;

    /// All participants with the total, once awaited (the same builder as
    /// [`Self::iter_participants`]).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let all = client.get_participants("@my_group").await?;
    /// println!("Total participants: {}", all.total);
    /// let johns = client.get_participants("@my_group").search("john").await?;
    /// # Ok(()) }
    /// ```
    fn get_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter;

    /// What `user` may do in `chat` (Telethon's `get_permissions` with a
    /// user).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let p = client.get_permissions("@my_group", "@alice").await?;
    /// if p.is_admin {
    ///     println!("admin; may ban: {}", p.can_ban_users());
    /// }
    /// # Ok(()) }
    /// ```
    async fn get_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<ParticipantPermissions>;

    /// What every member of `chat` may do by default (Telethon's
    /// `get_permissions` without a user, which returns the chat's
    /// `default_banned_rights`); basic groups too.
    async fn get_default_permissions(&self, chat: impl Into<PeerRef>) -> Result<BannedRights>;

    /// Promotes `user`, changes their rights or title, or (with no right set,
    /// or [`AdminRights::demote`]) demotes them. Basic groups:
    /// `messages.editChatAdmin` (see [`AdminRights`] for how rights map
    /// there).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{AdminRights, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.edit_admin("@my_group", "@alice", AdminRights::new().pin_messages(true)).await?;
    /// client.edit_admin("@my_group", "@alice", AdminRights::demote()).await?;
    /// # Ok(()) }
    /// ```
    async fn edit_admin(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: AdminRights,
    ) -> Result<()>;

    /// Restricts or bans `user` in a supergroup or channel (true = allowed,
    /// as Telethon; [`BannedRights::new`] lifts every restriction).
    /// Per-member restrictions do not exist in basic groups:
    /// [`Error::NotPossibleHere`].
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use ferrogram_chat_mgmt::{BannedRights, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let muted = BannedRights::new()
    ///     .send_messages(false)
    ///     .for_duration(Duration::from_secs(3600));
    /// client.edit_permissions("@my_group", "@bob", muted).await?;
    /// # Ok(()) }
    /// ```
    async fn edit_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: BannedRights,
    ) -> Result<()>;

    /// Sets what every member may do (Telethon's `edit_permissions` without
    /// a user; basic groups too, where Telethon raises).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{BannedRights, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client
    ///     .edit_default_permissions("@my_group", BannedRights::new().send_polls(false))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    async fn edit_default_permissions(
        &self,
        chat: impl Into<PeerRef>,
        rights: BannedRights,
    ) -> Result<()>;

    /// Removes `user` without a lasting ban, as Telethon: in channels ban,
    /// wait [`KICK_UNBAN_DELAY`] (0.5 s, see there why), then unban
    /// (`channels.leaveChannel` when the user is the caller); in basic groups
    /// `messages.deleteChatUser`. Returns the service message the server sent
    /// about it, if any. [`Self::kick_participant_after`] sets the pause.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.kick_participant("@my_group", "@spammer").await?;
    /// # Ok(()) }
    /// ```
    async fn kick_participant(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<Option<enums::Message>>;

    /// [`Self::kick_participant`] with another pause between a channel's ban
    /// and unban (zero sends the unban at once, as Telethon did before issue
    /// #1284).
    async fn kick_participant_after(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        unban_after: std::time::Duration,
    ) -> Result<Option<enums::Message>>;

    /// A channel's or supergroup's admin log, newest first: an
    /// [`AdminLogIter`]. User accounts only: bots get
    /// [`Error::BotMethodInvalid`].
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{AdminLogFilter, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut log = client
    ///     .iter_admin_log("@my_group")
    ///     .filter(AdminLogFilter::new().ban(true))
    ///     .limit(10);
    /// while let Some(e) = log.try_next().await? {
    ///     println!("{} by {}: {:?}", e.id, e.user_id, e.action);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter;

    /// The admin log, collected once awaited (the same builder as
    /// [`Self::iter_admin_log`]).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let events = client.get_admin_log("@my_group").search("spam").limit(50).await?;
    /// for e in events.iter().filter(|e| e.changed_restrictions()) {
    ///     println!("{} restricted someone: {:?}", e.user_id, e.new());
    /// }
    /// # Ok(()) }
    /// ```
    fn get_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter;

    /// Shows a chat action ("typing", "upload_photo", ... or a
    /// [`ChatAction`]): sent at once, then every `delay` (default 4 s) until
    /// the [`ActionGuard`] is dropped or finished, then cancelled if
    /// `auto_cancel` (default). `"cancel"` is sent once.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let typing = client.action("@alice", "typing").await?;
    /// tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    /// client.send_message("@alice", "Hello! I was typing...").await?;
    /// typing.finish().await?;
    /// # Ok(()) }
    /// ```
    fn action(&self, chat: impl Into<PeerRef>, action: impl IntoChatAction) -> ActionBuilder;

    /// A user's profile photos, or a group's or channel's photo history,
    /// newest first: a [`ProfilePhotoIter`].
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut photos = client.iter_profile_photos("@alice").limit(10);
    /// while let Some(p) = photos.try_next().await? {
    ///     println!("photo {}", p.id);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_profile_photos(&self, entity: impl Into<PeerRef>) -> ProfilePhotoIter;

    /// Profile photos with the total, once awaited (the same builder as
    /// [`Self::iter_profile_photos`]).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let photos = client.get_profile_photos("@my_channel").limit(5).await?;
    /// println!("{} of {} photos", photos.items.len(), photos.total);
    /// # Ok(()) }
    /// ```
    fn get_profile_photos(&self, entity: impl Into<PeerRef>) -> ProfilePhotoIter;

    /// A channel's or supergroup's statistics (`stats.getBroadcastStats`,
    /// falling back on `stats.getMegagroupStats` at BROADCAST_REQUIRED), with
    /// every asynchronous graph loaded. Requests go straight to the stats DC
    /// the channel names (`channelFull.stats_dc`). User accounts only.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{ChatManagement, Stats};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// if let Stats::Broadcast(s) = client.get_stats("@my_channel").await? {
    ///     println!("{:?}", s.followers);
    /// }
    /// # Ok(()) }
    /// ```
    async fn get_stats(&self, chat: impl Into<PeerRef>) -> Result<Stats>;

    /// The limits chat administration depends on (`help.getAppConfig`): how
    /// big a supergroup must be for aggressive anti-spam or a hidden member
    /// list, how many topics can be pinned.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let limits = client.chat_limits().await?;
    /// println!("anti-spam from {:?} members", limits.antispam_group_size_min);
    /// # Ok(()) }
    /// ```
    async fn chat_limits(&self) -> Result<ChatLimits>;

    /// One message's statistics (Telethon's `get_stats(chat, message)`):
    /// [`Stats::Message`].
    async fn get_message_stats(&self, chat: impl Into<PeerRef>, message_id: i32) -> Result<Stats>;
}

impl ChatManagement for Client {
    fn iter_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter {
        ParticipantIter::new(self.clone(), chat.into())
    }

    fn get_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter {
        self.iter_participants(chat)
    }

    async fn get_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<ParticipantPermissions> {
        rights::get_permissions(self, chat.into(), user.into()).await
    }

    async fn get_default_permissions(&self, chat: impl Into<PeerRef>) -> Result<BannedRights> {
        rights::get_default_permissions(self, chat.into()).await
    }

    async fn edit_admin(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: AdminRights,
    ) -> Result<()> {
        rights::edit_admin(self, chat.into(), user.into(), rights).await
    }

    async fn edit_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: BannedRights,
    ) -> Result<()> {
        rights::edit_permissions(self, chat.into(), Some(user.into()), rights).await
    }

    async fn edit_default_permissions(
        &self,
        chat: impl Into<PeerRef>,
        rights: BannedRights,
    ) -> Result<()> {
        rights::edit_permissions(self, chat.into(), None, rights).await
    }

    async fn kick_participant(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<Option<enums::Message>> {
        rights::kick(self, chat.into(), user.into(), KICK_UNBAN_DELAY).await
    }

    async fn kick_participant_after(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        unban_after: std::time::Duration,
    ) -> Result<Option<enums::Message>> {
        rights::kick(self, chat.into(), user.into(), unban_after).await
    }

    fn iter_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter {
        AdminLogIter::new(self.clone(), chat.into())
    }

    fn get_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter {
        self.iter_admin_log(chat)
    }

    fn action(&self, chat: impl Into<PeerRef>, action: impl IntoChatAction) -> ActionBuilder {
        ActionBuilder::new(self.clone(), chat.into(), action.into_chat_action())
    }

    fn iter_profile_photos(&self, entity: impl Into<PeerRef>) -> ProfilePhotoIter {
        ProfilePhotoIter::new(self.clone(), entity.into())
    }

    fn get_profile_photos(&self, entity: impl Into<PeerRef>) -> ProfilePhotoIter {
        self.iter_profile_photos(entity)
    }

    async fn chat_limits(&self) -> Result<ChatLimits> {
        limits::get(self).await
    }

    async fn get_stats(&self, chat: impl Into<PeerRef>) -> Result<Stats> {
        stats::get_stats(self, chat.into(), stats::Which::Chat).await
    }

    async fn get_message_stats(&self, chat: impl Into<PeerRef>, message_id: i32) -> Result<Stats> {
        stats::get_stats(self, chat.into(), stats::Which::Message(message_id)).await
    }
}
