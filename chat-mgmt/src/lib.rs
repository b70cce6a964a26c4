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
//! | `iter_participants` / `get_participants` | [`ChatManagement::iter_participants`] ([`ParticipantIter`]) / [`ChatManagement::get_participants`] |
//! | `edit_admin` | [`ChatManagement::edit_admin`] with [`AdminRights`] |
//! | `edit_permissions` | [`ChatManagement::edit_permissions`] with [`BannedRights`] |
//! | `get_permissions` | [`ChatManagement::get_permissions`] → [`ParticipantPermissions`] |
//! | `kick_participant` | [`ChatManagement::kick_participant`] |
//! | `iter_admin_log` / `get_admin_log` | [`ChatManagement::iter_admin_log`] ([`AdminLogIter`]) / [`ChatManagement::get_admin_log`] |
//! | `action` | [`ChatManagement::action`] → [`ActionGuard`] |
//! | `iter_profile_photos` / `get_profile_photos` | [`ChatManagement::iter_profile_photos`] ([`ProfilePhotoIter`]) / [`ChatManagement::get_profile_photos`] |
//! | `get_stats` | [`ChatManagement::get_stats`] → [`Stats`] |
//!
//! Where Telethon is broken, this crate does what Telethon's documentation
//! promises, and says so on the item: `limit` is honoured in basic groups,
//! a filter combined with a search does not stop at the first page without a
//! match, `aggressive` really gets past the 10,000-member cap, `edit_admin` in
//! a basic group works with rights alone, basic groups get default
//! permissions, and upload actions report real percentages.
//!
//! ```no_run
//! use ferrogram_chat_mgmt::{AdminRights, ChatManagement, ParticipantFilter};
//! # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
//! let admins = client
//!     .get_participants("@my_group", |p| p.filter(ParticipantFilter::Admins))
//!     .await?;
//! println!("{} admins", admins.total);
//! client
//!     .edit_admin("@my_group", "@alice", AdminRights {
//!         delete_messages: Some(true),
//!         ban_users: Some(true),
//!         title: Some("Moderator".into()),
//!         ..AdminRights::default()
//!     })
//!     .await?;
//! # Ok(()) }
//! ```

mod action;
mod admin_log;
mod error;
mod participants;
mod photos;
mod rights;
mod stats;
mod target;

/// The client runtime this crate extends (`ferrogram-client`), with its own
/// re-exports of the TL types (`client::tl`) and session stores
/// (`client::session`): one dependency is enough.
pub use ferrogram_client as client;

pub use action::{ActionBuilder, ActionGuard, ChatAction, IntoChatAction};
pub use admin_log::{AdminLogEvent, AdminLogFilter, AdminLogIter, LogValue};
pub use error::{Error, Result};
pub use participants::{
    Participant, ParticipantFilter, ParticipantIter, Role, TotalList, participant_user_id,
};
pub use photos::ProfilePhotoIter;
pub use rights::{AdminRights, BannedRights, KICK_UNBAN_DELAY, ParticipantPermissions};
pub use stats::Stats;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, types};

/// Telethon's chat administration, on a [`Client`]. Chats and users are
/// anything [`PeerRef`] accepts: `"@username"`, `"t.me/..."` links, marked
/// ids (`-100…` channels, negative basic groups), resolved input peers.
#[allow(async_fn_in_trait)]
pub trait ChatManagement {
    /// Lists a chat's participants (see [`ParticipantIter`] for the options):
    /// supergroups and channels page through `channels.getParticipants`;
    /// basic groups come in one `messages.getFullChat` (filtered and searched
    /// here); a user lists themselves, total 1.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let mut it = client.iter_participants("@my_group").limit(50);
    /// while let Some(p) = it.next().await {
    ///     let p = p?;
    ///     println!("{:?} (@{:?})", p.user.first_name, p.user.username);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter;

    /// All participants (with `limit`/`search`/`filter`/... set by
    /// `configure`), with the server's total.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let all = client.get_participants("@my_group", |p| p).await?;
    /// println!("Total participants: {}", all.total);
    /// let johns = client.get_participants("@my_group", |p| p.search("john")).await?;
    /// # Ok(()) }
    /// ```
    async fn get_participants(
        &self,
        chat: impl Into<PeerRef>,
        configure: impl FnOnce(ParticipantIter) -> ParticipantIter,
    ) -> Result<TotalList<Participant>>;

    /// What `user` may do in `chat`; with `None`, the chat's default rights
    /// (in [`ParticipantPermissions::default_banned_rights`]).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let p = client.get_permissions("@my_group", Some("@alice".into())).await?;
    /// if p.is_admin {
    ///     println!("admin; may ban: {}", p.can_ban_users());
    /// }
    /// # Ok(()) }
    /// ```
    async fn get_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: Option<PeerRef>,
    ) -> Result<ParticipantPermissions>;

    /// Promotes `user`, changes their rights or title, or (with no right set)
    /// demotes them. Basic groups: `messages.editChatAdmin` (see
    /// [`AdminRights`] for how rights map there).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{AdminRights, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// // Demote.
    /// client
    ///     .edit_admin("@my_group", "@alice", AdminRights { is_admin: Some(false), ..Default::default() })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    async fn edit_admin(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: AdminRights,
    ) -> Result<()>;

    /// Restricts or bans `user` (true = allowed, as Telethon), or with `None`
    /// sets the chat's default rights (basic groups too, where Telethon
    /// raises). Per-member restrictions do not exist in basic groups:
    /// [`Error::NotPossibleHere`].
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use ferrogram_chat_mgmt::{BannedRights, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let muted = BannedRights { send_messages: false, ..Default::default() }
    ///     .for_duration(Duration::from_secs(3600));
    /// client.edit_permissions("@my_group", Some("@bob".into()), muted).await?;
    /// # Ok(()) }
    /// ```
    async fn edit_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: Option<PeerRef>,
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

    /// A channel's or supergroup's admin log, newest first (see
    /// [`AdminLogIter`]). User accounts only: bots get
    /// [`Error::BotMethodInvalid`].
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{AdminLogFilter, ChatManagement};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let mut log = client
    ///     .iter_admin_log("@my_group")
    ///     .filter(AdminLogFilter { ban: true, ..Default::default() })
    ///     .limit(10);
    /// while let Some(e) = log.next().await {
    ///     let e = e?;
    ///     println!("{} by {}: {:?}", e.id, e.user_id, e.action);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter;

    /// The admin log, collected (options set by `configure`).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let events = client
    ///     .get_admin_log("@my_group", |l| l.search("spam").limit(50))
    ///     .await?;
    /// for e in events.iter().filter(|e| e.changed_restrictions()) {
    ///     println!("{} restricted someone: {:?}", e.user_id, e.new());
    /// }
    /// # Ok(()) }
    /// ```
    async fn get_admin_log(
        &self,
        chat: impl Into<PeerRef>,
        configure: impl FnOnce(AdminLogIter) -> AdminLogIter,
    ) -> Result<Vec<AdminLogEvent>>;

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
    /// newest first (see [`ProfilePhotoIter`]).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let mut photos = client.iter_profile_photos("@alice").limit(10);
    /// while let Some(p) = photos.next().await {
    ///     println!("photo {}", p?.id);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_profile_photos(&self, entity: impl Into<PeerRef>) -> ProfilePhotoIter;

    /// Profile photos, collected with the total (options set by `configure`).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ChatManagement;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let photos = client.get_profile_photos("@my_channel", |p| p.limit(5)).await?;
    /// println!("{} of {} photos", photos.items.len(), photos.total);
    /// # Ok(()) }
    /// ```
    async fn get_profile_photos(
        &self,
        entity: impl Into<PeerRef>,
        configure: impl FnOnce(ProfilePhotoIter) -> ProfilePhotoIter,
    ) -> Result<TotalList<types::Photo>>;

    /// A channel's or supergroup's statistics (`stats.getBroadcastStats`,
    /// falling back on `stats.getMegagroupStats` at BROADCAST_REQUIRED), or
    /// with `message` that message's; asynchronous graphs are loaded, and
    /// STATS_MIGRATE is followed to the stats DC. User accounts only.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{ChatManagement, Stats};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// if let Stats::Broadcast(s) = client.get_stats("@my_channel", None).await? {
    ///     println!("{:?}", s.followers);
    /// }
    /// # Ok(()) }
    /// ```
    async fn get_stats(&self, chat: impl Into<PeerRef>, message: Option<i32>) -> Result<Stats>;
}

impl ChatManagement for Client {
    fn iter_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter {
        ParticipantIter::new(self.clone(), chat.into())
    }

    async fn get_participants(
        &self,
        chat: impl Into<PeerRef>,
        configure: impl FnOnce(ParticipantIter) -> ParticipantIter,
    ) -> Result<TotalList<Participant>> {
        configure(self.iter_participants(chat)).collect().await
    }

    async fn get_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: Option<PeerRef>,
    ) -> Result<ParticipantPermissions> {
        rights::get_permissions(self, chat.into(), user).await
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
        user: Option<PeerRef>,
        rights: BannedRights,
    ) -> Result<()> {
        rights::edit_permissions(self, chat.into(), user, rights).await
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

    async fn get_admin_log(
        &self,
        chat: impl Into<PeerRef>,
        configure: impl FnOnce(AdminLogIter) -> AdminLogIter,
    ) -> Result<Vec<AdminLogEvent>> {
        configure(self.iter_admin_log(chat)).collect().await
    }

    fn action(&self, chat: impl Into<PeerRef>, action: impl IntoChatAction) -> ActionBuilder {
        ActionBuilder::new(self.clone(), chat.into(), action.into_chat_action())
    }

    fn iter_profile_photos(&self, entity: impl Into<PeerRef>) -> ProfilePhotoIter {
        ProfilePhotoIter::new(self.clone(), entity.into())
    }

    async fn get_profile_photos(
        &self,
        entity: impl Into<PeerRef>,
        configure: impl FnOnce(ProfilePhotoIter) -> ProfilePhotoIter,
    ) -> Result<TotalList<types::Photo>> {
        configure(self.iter_profile_photos(entity)).collect().await
    }

    async fn get_stats(&self, chat: impl Into<PeerRef>, message: Option<i32>) -> Result<Stats> {
        stats::get_stats(self, chat.into(), message).await
    }
}
