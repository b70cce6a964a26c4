//! Telethon's chat-management API on `ferrogram-client`, as idiomatic async Rust.
//!
//! [`ChatManagement`] is implemented for [`ferrogram_client::Client`]:
//!
//! - [`ChatManagement::iter_participants`]: a builder (`limit`, `search`,
//!   `filter`, `chunk_size`, `aggressive`) that yields [`Participant`]s (the user
//!   and their [`Role`]) one chunk at a time, drops repeats, skips left entries,
//!   knows `total()` after the first page, and becomes a `futures::Stream` with
//!   `into_stream()`. `aggressive(true)` really gets past the 10,000-member cap of
//!   plain listings: it searches name prefixes, one letter deeper wherever a
//!   prefix is still capped, starting with `a`–`z`, `0`–`9` and adding the first
//!   letters of every script it meets in members' names. Memory: one chunk plus
//!   a set of the ids already seen.
//! - [`ChatManagement::get_participants`]: the same, collected with the total.
//! - [`ChatManagement::get_permissions`], [`ChatManagement::edit_admin`],
//!   [`ChatManagement::edit_permissions`], [`ChatManagement::kick_participant`].
//!
//! - [`ChatManagement::iter_admin_log`]: the admin log with every filter of the
//!   seed (Telethon's names accepted too; see [`AdminLogFilter`]).
//!
//! This is the first part of the crate: basic groups, typing actions, profile
//! photos and statistics come next.

mod admin_log;
mod participants;
mod rights;

pub use admin_log::{AdminLogEvent, AdminLogFilter, AdminLogIter};
pub use participants::{Participant, ParticipantFilter, ParticipantIter, Role, TotalList};
pub use rights::{AdminRights, BannedRights, ParticipantPermissions};

use ferrogram_client::{Client, InvocationError, PeerRef};

/// Telethon's chat administration, on a [`Client`].
#[allow(async_fn_in_trait)]
pub trait ChatManagement {
    /// Lists a supergroup's or channel's participants (see [`ParticipantIter`]).
    fn iter_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter;

    /// All participants (with `limit`/`search`/`filter` from `configure`), with
    /// the server's total.
    async fn get_participants(
        &self,
        chat: impl Into<PeerRef>,
        configure: impl FnOnce(ParticipantIter) -> ParticipantIter,
    ) -> Result<TotalList<Participant>, InvocationError>;

    /// What `user` may do in `chat`.
    async fn get_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<ParticipantPermissions, InvocationError>;

    /// Promotes (or, with no rights, demotes) `user`.
    async fn edit_admin(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: AdminRights,
    ) -> Result<(), InvocationError>;

    /// Restricts `user` (or, with `None`, sets the chat's default rights).
    async fn edit_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: Option<PeerRef>,
        rights: BannedRights,
    ) -> Result<(), InvocationError>;

    /// Removes `user` without a lasting ban (ban, then unban), as Telethon does.
    async fn kick_participant(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<(), InvocationError>;

    /// A channel's or supergroup's admin log, newest first (see [`AdminLogIter`]).
    fn iter_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter;
}

impl ChatManagement for Client {
    fn iter_participants(&self, chat: impl Into<PeerRef>) -> ParticipantIter {
        ParticipantIter::new(self.clone(), chat.into())
    }

    async fn get_participants(
        &self,
        chat: impl Into<PeerRef>,
        configure: impl FnOnce(ParticipantIter) -> ParticipantIter,
    ) -> Result<TotalList<Participant>, InvocationError> {
        configure(self.iter_participants(chat)).collect().await
    }

    async fn get_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<ParticipantPermissions, InvocationError> {
        rights::get_permissions(self, chat.into(), user.into()).await
    }

    async fn edit_admin(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rights: AdminRights,
    ) -> Result<(), InvocationError> {
        rights::edit_admin(self, chat.into(), user.into(), rights).await
    }

    async fn edit_permissions(
        &self,
        chat: impl Into<PeerRef>,
        user: Option<PeerRef>,
        rights: BannedRights,
    ) -> Result<(), InvocationError> {
        rights::edit_permissions(self, chat.into(), user, rights).await
    }

    async fn kick_participant(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<(), InvocationError> {
        rights::kick(self, chat.into(), user.into()).await
    }

    fn iter_admin_log(&self, chat: impl Into<PeerRef>) -> AdminLogIter {
        AdminLogIter::new(self.clone(), chat.into())
    }
}
