//! [`Moderation`]: cleaning up (deleting messages and a member's history,
//! reporting spam, pinning, purging a spammer), as one trait of [`Client`].

use ferrogram_client::{Client, PeerRef};

use crate::bulk::{BulkAction, BulkJob, BulkReport, JobKind};
use crate::cleanup::{self, PurgeOptions, PurgeReport};
use crate::{ChatSetting, ChatSettings, Result};

/// Clean-up actions beyond Telethon (TDLib's `deleteMessages`,
/// `deleteChatMessagesBySender`, `reportSupergroupSpam`,
/// `pinChatMessage`). Implemented for [`Client`]; chats and users are
/// anything [`PeerRef`] accepts. Deleting messages is served in private
/// chats and every kind of group; the rest in supergroups and channels.
#[allow(async_fn_in_trait)]
pub trait Moderation {
    /// Deletes messages (`channels.deleteMessages`): one's own, or anyone's
    /// with `delete_messages`; otherwise [`crate::Error::MessageDeleteForbidden`]
    /// and nothing is deleted. In a private chat (`messages.deleteMessages`
    /// with `revoke`) for both sides. In a basic group (`messages.deleteMessages`
    /// with `revoke`, after checking the ids are the group's) for everyone
    /// when you may: your own messages, and anyone's if you are the creator
    /// or an admin; others' messages you may not delete for everyone are
    /// deleted for you only, as the server decides (a bot gets
    /// [`crate::Error::MessageDeleteForbidden`] instead, and for its own
    /// messages only within 48 hours). Returns how many were deleted (ids
    /// that name no message are passed over).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let n = client.delete_messages("@my_group", &[41, 42]).await?;
    /// # Ok(()) }
    /// ```
    async fn delete_messages(&self, chat: impl Into<PeerRef>, ids: &[i32]) -> Result<u32>;

    /// Deletes everything `user` wrote in the chat
    /// (`channels.deleteParticipantHistory`, repeated while more remains;
    /// `delete_messages` needed). `user` may be a channel members posted
    /// as: its posts go, not its owner's own messages. Returns how many
    /// messages went.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let n = client.delete_user_history("@my_group", "@spammer").await?;
    /// # Ok(()) }
    /// ```
    async fn delete_user_history(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<u32>;

    /// Reports `user`'s messages `ids` as spam (`channels.reportSpam`;
    /// `delete_messages` needed; `user` may be a channel members posted
    /// as).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.report_spam("@my_group", "@spammer", &[77]).await?;
    /// # Ok(()) }
    /// ```
    async fn report_spam(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        ids: &[i32],
    ) -> Result<()>;

    /// Pins a message (`messages.updatePinnedMessage`; `pin_messages`, or
    /// members where the chat allows it); `silent` notifies nobody.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.pin_message("@my_group", 42, true).await?;
    /// client.unpin_message("@my_group", 42).await?;
    /// # Ok(()) }
    /// ```
    async fn pin_message(&self, chat: impl Into<PeerRef>, id: i32, silent: bool) -> Result<()>;

    /// Unpins a message.
    async fn unpin_message(&self, chat: impl Into<PeerRef>, id: i32) -> Result<()>;

    /// Flips one of the chat's switches (`channels.toggleSlowMode`,
    /// `toggleJoinToSend`, `togglePreHistoryHidden`,
    /// `toggleParticipantsHidden`, `toggleAntiSpam`, `toggleSignatures`,
    /// `messages.toggleNoForwards`); unchanged is
    /// [`crate::Error::ChatNotModified`], a chat too small for anti-spam or
    /// hidden members `PARTICIPANTS_TOO_FEW`.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use ferrogram_chat_mgmt::{ChatSetting, Moderation};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.set_chat_setting("@my_group", ChatSetting::SlowMode(Duration::from_secs(30))).await?;
    /// client.set_chat_setting("@my_group", ChatSetting::ProtectedContent(true)).await?;
    /// # Ok(()) }
    /// ```
    async fn set_chat_setting(&self, chat: impl Into<PeerRef>, setting: ChatSetting) -> Result<()>;

    /// A supergroup's or channel's switches as they are.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let s = client.chat_settings("@my_group").await?;
    /// println!("slow mode {:?}, anti-spam {}", s.slow_mode, s.aggressive_anti_spam);
    /// # Ok(()) }
    /// ```
    async fn chat_settings(&self, chat: impl Into<PeerRef>) -> Result<ChatSettings>;

    /// Report, delete and ban as one call: reports the member's latest
    /// messages as spam, deletes everything they wrote, bans them (each
    /// step as `options` asks), and says exactly what it did. The member
    /// may be a channel members post as (`send_as`): its posts are
    /// reported and deleted, and the channel banned.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{Moderation, PurgeOptions};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let done = client.purge("@my_group", "@spammer", PurgeOptions::new()).await?;
    /// println!("reported {}, deleted {}, banned {}", done.reported.len(), done.deleted, done.banned);
    /// # Ok(()) }
    /// ```
    async fn purge(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        options: PurgeOptions,
    ) -> Result<PurgeReport>;

    /// Deletes `user`'s reactions in the chat: on one message, or (`None`)
    /// on every message (`messages.deleteParticipantReaction(s)`;
    /// `delete_messages` needed).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.delete_reactions("@my_group", "@spammer", Some(4211)).await?;
    /// client.delete_reactions("@my_group", "@spammer", None).await?;
    /// # Ok(()) }
    /// ```
    async fn delete_reactions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        message: Option<i32>,
    ) -> Result<()>;

    /// The channels banned from a supergroup (banned with
    /// [`crate::ChatManagement::edit_permissions`] given a channel: a spam
    /// channel, or a member's send-as channel).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{BannedRights, ChatManagement, Moderation};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.edit_permissions("@my_group", "@spam_channel", BannedRights::banned()).await?;
    /// for c in client.banned_channels("@my_group").await? {
    ///     println!("{} {:?}", c.id, c.title);
    /// }
    /// # Ok(()) }
    /// ```
    async fn banned_channels(&self, chat: impl Into<PeerRef>) -> Result<Vec<crate::BannedChannel>>;

    /// Tells Telegram its aggressive anti-spam removed message `id` wrongly
    /// (`channels.reportAntiSpamFalsePositive`; supergroups,
    /// `delete_messages`).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Moderation;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.report_antispam_false_positive("@my_group", 4211).await?;
    /// # Ok(()) }
    /// ```
    async fn report_antispam_false_positive(&self, chat: impl Into<PeerRef>, id: i32)
    -> Result<()>;

    /// One action for many members, in one chat or many: a [`BulkJob`] to
    /// give chats, a [`crate::Selection`] and options, then run (see the
    /// [`BulkJob`] page for pacing, journals, dry runs and resuming).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{BulkAction, Moderation, ParticipantFilter, Selection};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let would = client
    ///     .bulk(BulkAction::Unrestrict)
    ///     .chat("@my_group")
    ///     .select(Selection::Participants(ParticipantFilter::Banned(String::new())))
    ///     .dry_run(true)
    ///     .run()
    ///     .await?;
    /// println!("{} would be unrestricted", would.totals.would_change);
    /// # Ok(()) }
    /// ```
    fn bulk(&self, action: BulkAction) -> BulkJob;

    /// Undoes what `report` changed (each member put back as they were
    /// before: restrictions, bans lifted or restored, rights, tags; kicks,
    /// deletions and decided requests cannot be undone and are reported
    /// skipped). A banned member who is unbanned is not brought back into
    /// the chat: Telegram has no way to.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{BulkReport, Moderation};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let text = std::fs::read_to_string("ban-wave.json").unwrap();
    /// let report = BulkReport::from_json(&text, "ban-wave.json")?;
    /// let undone = client.bulk_undo(report).run().await?;
    /// println!("{} put back", undone.totals.changed);
    /// # Ok(()) }
    /// ```
    fn bulk_undo(&self, report: BulkReport) -> BulkJob;

    /// Finishes the run journaled in the store given next
    /// ([`BulkJob::store`]), whatever its action.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{FileStore, Moderation};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let report = client.bulk_resume().store(FileStore::new("ban-wave.journal")).run().await?;
    /// # Ok(()) }
    /// ```
    fn bulk_resume(&self) -> BulkJob;
}

impl Moderation for Client {
    async fn delete_reactions(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        message: Option<i32>,
    ) -> Result<()> {
        use ferrogram_tl_types::functions::messages as m;
        let peer = self.get_input_entity(chat.into()).await?;
        let participant = self.get_input_entity(user.into()).await?;
        match message {
            Some(msg_id) => {
                self.invoke(&m::DeleteParticipantReaction {
                    peer,
                    msg_id,
                    participant,
                })
                .await?;
            }
            None => {
                self.invoke(&m::DeleteParticipantReactions { peer, participant })
                    .await?;
            }
        }
        Ok(())
    }

    async fn banned_channels(&self, chat: impl Into<PeerRef>) -> Result<Vec<crate::BannedChannel>> {
        cleanup::banned_channels(self, chat.into()).await
    }

    async fn report_antispam_false_positive(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
    ) -> Result<()> {
        let channel = match crate::target::Target::resolve(self, chat.into()).await? {
            crate::target::Target::Channel { channel, .. } => channel,
            _ => {
                return Err(crate::Error::NeedsSupergroup(
                    "anti-spam exists only in supergroups".into(),
                ));
            }
        };
        self.invoke(
            &ferrogram_tl_types::functions::channels::ReportAntiSpamFalsePositive {
                channel,
                msg_id: id,
            },
        )
        .await?;
        Ok(())
    }

    fn bulk(&self, action: BulkAction) -> BulkJob {
        BulkJob::new(self, JobKind::Action(action))
    }

    fn bulk_undo(&self, report: BulkReport) -> BulkJob {
        BulkJob::new(self, JobKind::Undo(Box::new(report)))
    }

    fn bulk_resume(&self) -> BulkJob {
        BulkJob::new(self, JobKind::Resume)
    }

    async fn delete_messages(&self, chat: impl Into<PeerRef>, ids: &[i32]) -> Result<u32> {
        cleanup::delete_messages(self, chat.into(), ids).await
    }

    async fn delete_user_history(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<u32> {
        cleanup::delete_user_history(self, chat.into(), user.into()).await
    }

    async fn report_spam(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        ids: &[i32],
    ) -> Result<()> {
        cleanup::report_spam(self, chat.into(), user.into(), ids).await
    }

    async fn pin_message(&self, chat: impl Into<PeerRef>, id: i32, silent: bool) -> Result<()> {
        cleanup::pin(self, chat.into(), id, false, silent).await
    }

    async fn unpin_message(&self, chat: impl Into<PeerRef>, id: i32) -> Result<()> {
        cleanup::pin(self, chat.into(), id, true, true).await
    }

    async fn set_chat_setting(&self, chat: impl Into<PeerRef>, setting: ChatSetting) -> Result<()> {
        crate::settings::set(self, chat.into(), setting).await
    }

    async fn chat_settings(&self, chat: impl Into<PeerRef>) -> Result<ChatSettings> {
        crate::settings::get(self, chat.into()).await
    }

    async fn purge(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        options: PurgeOptions,
    ) -> Result<PurgeReport> {
        cleanup::purge(self, chat.into(), user.into(), options).await
    }
}
