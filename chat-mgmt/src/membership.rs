//! [`Membership`]: who gets in. Invite links, join requests, new chats,
//! adding members, tags, ownership, migration and membership events, each
//! implemented in its module and gathered here as one trait of [`Client`].

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions};

use crate::invites::{
    AddOutcome, CreatedChat, InviteImporterIter, InviteLink, InviteLinkCount, InviteLinkIter,
    InviteLinkOptions, NewChat, RevokedInviteLink, add, chat_peer, count, create, one,
};
use crate::target::{Target, input_user};
use crate::{DiscussionCandidate, Error, MembershipEvents, MigratedChat, Result};

/// How joining a public supergroup directly is approved
/// ([`Membership::set_join_approval`]).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct JoinApproval {
    /// Joining needs an admin's (or the guard bot's) approval.
    pub enabled: bool,
    /// The existing invite links need approval too (or no longer do),
    /// the primary one included; links with a usage limit keep theirs.
    pub apply_to_invites: bool,
    /// The bot that screens join requests.
    pub guard_bot: Option<PeerRef>,
}

impl JoinApproval {
    /// Approval needed.
    pub fn on() -> Self {
        Self {
            enabled: true,
            ..Self::default()
        }
    }

    /// Anyone may join directly.
    pub fn off() -> Self {
        Self::default()
    }

    /// Whether the existing invite links change too.
    pub fn apply_to_invites(mut self, apply: bool) -> Self {
        self.apply_to_invites = apply;
        self
    }

    /// The bot that screens the requests (a bot admin with `invite_users`).
    pub fn guard_bot(mut self, bot: impl Into<PeerRef>) -> Self {
        self.guard_bot = Some(bot.into());
        self
    }
}

/// Telegram's "who gets in" side beyond Telethon: invite links and join
/// requests (TDLib's `createChatInviteLink` … `processChatJoinRequests`,
/// mtcute's and Kurigram's equivalents). Implemented for [`Client`];
/// chats and users are anything [`PeerRef`] accepts.
#[allow(async_fn_in_trait)]
pub trait Membership {
    /// Makes an invite link with `options` (`messages.exportChatInvite`).
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use ferrogram_chat_mgmt::{InviteLinkOptions, Membership};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let link = client
    ///     .create_invite_link(
    ///         "@my_group",
    ///         InviteLinkOptions::new()
    ///             .title("newsletter")
    ///             .usage_limit(100)
    ///             .expires_in(Duration::from_secs(7 * 86400)),
    ///     )
    ///     .await?;
    /// println!("{}", link.link);
    /// # Ok(()) }
    /// ```
    async fn create_invite_link(
        &self,
        chat: impl Into<PeerRef>,
        options: InviteLinkOptions,
    ) -> Result<InviteLink>;

    /// Changes a link's terms; what `options` leaves unset stays.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{InviteLinkOptions, Membership};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let opts = InviteLinkOptions::new().request_needed(true).unlimited();
    /// client.edit_invite_link("@my_group", "https://t.me/+AbCd", opts).await?;
    /// # Ok(()) }
    /// ```
    async fn edit_invite_link(
        &self,
        chat: impl Into<PeerRef>,
        link: &str,
        options: InviteLinkOptions,
    ) -> Result<InviteLink>;

    /// Revokes a link: it admits no one from now on. Revoking an admin's
    /// primary link gives them a new one.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let r = client.revoke_invite_link("@my_group", "https://t.me/+AbCd").await?;
    /// if let Some(new) = r.replacement {
    ///     println!("new primary link: {}", new.link);
    /// }
    /// # Ok(()) }
    /// ```
    async fn revoke_invite_link(
        &self,
        chat: impl Into<PeerRef>,
        link: &str,
    ) -> Result<RevokedInviteLink>;

    /// Deletes a revoked link ([`Error::InviteNotRevoked`] for one still
    /// working).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.delete_invite_link("@my_group", "https://t.me/+AbCd").await?;
    /// # Ok(()) }
    /// ```
    async fn delete_invite_link(&self, chat: impl Into<PeerRef>, link: &str) -> Result<()>;

    /// Deletes every revoked link `admin` made.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.delete_revoked_invite_links("@my_group", "me").await?;
    /// # Ok(()) }
    /// ```
    async fn delete_revoked_invite_links(
        &self,
        chat: impl Into<PeerRef>,
        admin: impl Into<PeerRef>,
    ) -> Result<()>;

    /// One link, as it stands.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let l = client.get_invite_link("@my_group", "https://t.me/+AbCd").await?;
    /// println!("{} joined, {} waiting", l.usage, l.pending_requests);
    /// # Ok(()) }
    /// ```
    async fn get_invite_link(&self, chat: impl Into<PeerRef>, link: &str) -> Result<InviteLink>;

    /// The caller's links (or, with `.admin(..)`, another admin's; with
    /// `.revoked(true)`, the revoked ones), newest first: a
    /// `futures::Stream`, or awaited, all of them with the total.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let mine = client.iter_invite_links("@my_group").await?;
    /// for l in mine.items {
    ///     println!("{} {:?}", l.link, l.title);
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_invite_links(&self, chat: impl Into<PeerRef>) -> InviteLinkIter;

    /// Each admin who made links, with how many (the creator only).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// for c in client.get_invite_link_counts("@my_group").await? {
    ///     println!("{}: {} links, {} revoked", c.admin_id, c.links, c.revoked);
    /// }
    /// # Ok(()) }
    /// ```
    async fn get_invite_link_counts(
        &self,
        chat: impl Into<PeerRef>,
    ) -> Result<Vec<InviteLinkCount>>;

    /// Who joined through `link`, newest first (a stream, or awaited, all).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let joined = client.iter_invite_link_members("@my_group", "https://t.me/+AbCd").await?;
    /// println!("{} joined through it", joined.total);
    /// # Ok(()) }
    /// ```
    fn iter_invite_link_members(&self, chat: impl Into<PeerRef>, link: &str) -> InviteImporterIter;

    /// Pending join requests, newest first (`.link(..)` for one link's,
    /// `.search(..)` by name).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let waiting = client.iter_join_requests("@my_group").search("ann").await?;
    /// for r in waiting.items {
    ///     println!("{:?} asked", r.user.as_ref().and_then(|u| u.first_name.clone()));
    /// }
    /// # Ok(()) }
    /// ```
    fn iter_join_requests(&self, chat: impl Into<PeerRef>) -> InviteImporterIter;

    /// Approves (`true`: the user joins) or declines one user's request
    /// ([`Error::JoinRequestMissing`] when there is none).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.decide_join_request("@my_group", "@ann", true).await?;
    /// # Ok(()) }
    /// ```
    async fn decide_join_request(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        approve: bool,
    ) -> Result<()>;

    /// Approves or declines every pending request, or (with `link`) those
    /// through one link, in one call.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.decide_all_join_requests("@my_group", None, true).await?;
    /// # Ok(()) }
    /// ```
    async fn decide_all_join_requests(
        &self,
        chat: impl Into<PeerRef>,
        link: Option<&str>,
        approve: bool,
    ) -> Result<()>;

    /// Whether joining a public supergroup directly (by its username) needs
    /// an admin's approval (`channels.toggleJoinRequest`; needs the
    /// `ban_users` right). Such requests come with no link.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.set_join_requests("@my_group", true).await?;
    /// # Ok(()) }
    /// ```
    async fn set_join_requests(&self, chat: impl Into<PeerRef>, enabled: bool) -> Result<()>;

    /// [`Self::set_join_requests`] with layer 230's options: a guard bot
    /// that screens the requests (a bot admin with `invite_users`), and
    /// whether the existing invite links change with it.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{JoinApproval, Membership};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client
    ///     .set_join_approval("@my_group", JoinApproval::on().guard_bot("@my_guard_bot").apply_to_invites(true))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    async fn set_join_approval(
        &self,
        chat: impl Into<PeerRef>,
        approval: JoinApproval,
    ) -> Result<()>;

    /// Makes a supergroup, forum, broadcast channel or basic group (users
    /// only: bots get [`Error::BotMethodInvalid`]), with its about text,
    /// username and first members.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{Membership, NewChat};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let made = client
    ///     .create_chat(
    ///         NewChat::supergroup("Rust meetup")
    ///             .about("Monthly, in Berlin")
    ///             .username("rust_meetup_berlin")
    ///             .member("@alice"),
    ///     )
    ///     .await?;
    /// println!("made {}", made.marked_id);
    /// # Ok(()) }
    /// ```
    async fn create_chat(&self, chat: NewChat) -> Result<CreatedChat>;

    /// Deletes a supergroup or channel for everyone (its creator only).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.delete_chat("@old_group").await?;
    /// # Ok(()) }
    /// ```
    async fn delete_chat(&self, chat: impl Into<PeerRef>) -> Result<()>;

    /// Leaves a group or channel (`channels.leaveChannel`, or
    /// `messages.deleteChatUser` of oneself in a basic group). The owner
    /// may leave too: a basic group passes at once to
    /// [`Self::future_owner`]; a supergroup or channel after 7 days unless
    /// the owner comes back meanwhile (joining again, they are the owner).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// if let Some(next) = client.future_owner("@my_group").await? {
    ///     println!("{} will own it", next.id);
    /// }
    /// client.leave_chat("@my_group").await?;
    /// # Ok(()) }
    /// ```
    async fn leave_chat(&self, chat: impl Into<PeerRef>) -> Result<()>;

    /// Links `group` (a supergroup) to the broadcast channel `chat` as its
    /// discussion group (`channels.setDiscussionGroup`; `change_info` in
    /// the channel and `pin_messages` in the group, else
    /// [`Error::ChatAdminRequired`]); with `None`, unlinks `chat` (a
    /// channel from its group, or a group from its channel). A basic group
    /// is [`Error::NeedsSupergroup`]: migrate it first.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.set_discussion_group("@my_channel", Some("@my_group".into())).await?;
    /// # Ok(()) }
    /// ```
    async fn set_discussion_group(
        &self,
        chat: impl Into<PeerRef>,
        group: Option<PeerRef>,
    ) -> Result<()>;

    /// The groups the caller may make a channel's discussion group
    /// (`channels.getGroupsForDiscussion`): supergroups, and basic groups
    /// to migrate first.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// for group in client.groups_for_discussion().await? {
    ///     println!("{} {} (basic: {})", group.marked_id, group.title, group.basic_group);
    /// }
    /// # Ok(()) }
    /// ```
    async fn groups_for_discussion(&self) -> Result<Vec<DiscussionCandidate>>;

    /// Who would own the chat if its owner left
    /// (`messages.getFutureChatCreatorAfterLeave`; the owner only, else
    /// [`Error::ChatAdminRequired`]); `None` when nobody would.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// match client.future_owner("@my_group").await? {
    ///     Some(heir) => println!("{} would own it", heir.id),
    ///     None => println!("nobody would own it"),
    /// }
    /// # Ok(()) }
    /// ```
    async fn future_owner(
        &self,
        chat: impl Into<PeerRef>,
    ) -> Result<Option<ferrogram_tl_types::types::User>>;

    /// Sets `user`'s tag in a group (layer 223's member tags; `""` clears
    /// it): one's own unless the `edit_rank` banned right forbids it,
    /// others' with the `manage_ranks` admin right. At most 16 characters
    /// ([`Error::AdminRankInvalid`]). Shown as [`crate::Participant::rank`].
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.set_rank("@my_group", "@alice", "Treasurer").await?;
    /// client.set_rank("@my_group", "me", "").await?;
    /// # Ok(()) }
    /// ```
    async fn set_rank(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rank: &str,
    ) -> Result<()>;

    /// Makes `user` the chat's creator (`messages.editChatCreator`); the
    /// caller, its creator, becomes an admin with every right. Needs the
    /// account's 2FA `password` (proved by SRP: it never leaves this
    /// process), a password and a session old enough
    /// ([`Error::TooFresh`] says how long to wait), and `user` a member.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{Error, Membership};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// match client.transfer_ownership("@my_group", "@alice", "my 2FA password").await {
    ///     Err(Error::TooFresh { seconds, .. }) => println!("possible in {seconds} s"),
    ///     other => other?,
    /// }
    /// # Ok(()) }
    /// ```
    async fn transfer_ownership(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        password: &str,
    ) -> Result<()>;

    /// Adds `users` to a group or channel (`channels.inviteToChannel` in one
    /// call; a basic group one `messages.addChatUser` each), and says what
    /// became of each, in the order given: added, left out for their privacy settings, or
    /// refused with the reason. When Telegram refuses the whole call for one
    /// user, each is tried alone so the others still get in.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{AddOutcome, Membership};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// for (user, outcome) in client.add_members("@my_group", ["@alice", "@bob"]).await? {
    ///     if let AddOutcome::Failed(e) = outcome {
    ///         println!("{user:?}: {e}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    async fn add_members<U: Into<PeerRef>>(
        &self,
        chat: impl Into<PeerRef>,
        users: impl IntoIterator<Item = U>,
    ) -> Result<Vec<(PeerRef, AddOutcome)>>;

    /// Turns a basic group into a supergroup (`messages.migrateChat`; the
    /// creator only, else [`Error::ChatAdminRequired`]). Members, admins,
    /// tags, invite links and pending join requests move to the supergroup;
    /// the group is deactivated. Afterwards every call made with the group's
    /// id follows the supergroup (the session remembers `migrated_to`).
    /// Asking again names the same supergroup.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Membership;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let migrated = client.migrate_chat(-4_000_123).await?;
    /// println!("now supergroup {}", migrated.channel_id);
    /// # Ok(()) }
    /// ```
    async fn migrate_chat(&self, chat: impl Into<PeerRef>) -> Result<MigratedChat>;

    /// Membership events as they happen, for welcome and captcha bots:
    /// joins (by link, by request, by invitation, directly), leaves,
    /// removals, bans, restrictions, promotions and demotions, join
    /// requests, and the pending-request count (see [`MembershipEvents`]
    /// for who receives which). A `futures::Stream` that never ends by
    /// itself; events missed while disconnected arrive when it reconnects.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{JoinMethod, Membership, MembershipEventKind};
    /// # async fn demo(bot: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let mut events = bot.membership_events();
    /// while let Some(event) = events.next().await {
    ///     let event = event?;
    ///     if let MembershipEventKind::Joined(how) = event.kind {
    ///         println!("welcome, {} ({how:?})", event.user_id);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    fn membership_events(&self) -> MembershipEvents;
}

impl Membership for Client {
    fn membership_events(&self) -> MembershipEvents {
        MembershipEvents::new(self)
    }

    async fn migrate_chat(&self, chat: impl Into<PeerRef>) -> Result<MigratedChat> {
        crate::migration::migrate(self, chat.into()).await
    }

    async fn create_chat(&self, chat: NewChat) -> Result<CreatedChat> {
        create::create(self, chat).await
    }

    async fn delete_chat(&self, chat: impl Into<PeerRef>) -> Result<()> {
        create::delete(self, chat.into()).await
    }

    async fn set_discussion_group(
        &self,
        chat: impl Into<PeerRef>,
        group: Option<PeerRef>,
    ) -> Result<()> {
        crate::discussion::set(self, chat.into(), group).await
    }

    async fn groups_for_discussion(&self) -> Result<Vec<DiscussionCandidate>> {
        crate::discussion::candidates(self).await
    }

    async fn leave_chat(&self, chat: impl Into<PeerRef>) -> Result<()> {
        match Target::resolve(self, chat.into()).await? {
            Target::Channel { channel, .. } => {
                self.invoke(&functions::channels::LeaveChannel { channel })
                    .await?;
            }
            Target::Chat { chat_id, .. } => {
                self.invoke(&functions::messages::DeleteChatUser {
                    revoke_history: false,
                    chat_id,
                    user_id: enums::InputUser::InputUserSelf,
                })
                .await?;
            }
            Target::User { .. } => {
                return Err(Error::NotPossibleHere(
                    "only groups and channels can be left".into(),
                ));
            }
        }
        Ok(())
    }

    async fn future_owner(
        &self,
        chat: impl Into<PeerRef>,
    ) -> Result<Option<ferrogram_tl_types::types::User>> {
        let peer = chat_peer(self, chat.into()).await?;
        let user = self
            .invoke(&functions::messages::GetFutureChatCreatorAfterLeave { peer })
            .await?;
        Ok(match user {
            enums::User::User(u) => Some(*u),
            enums::User::Empty(_) => None,
        })
    }

    async fn add_members<U: Into<PeerRef>>(
        &self,
        chat: impl Into<PeerRef>,
        users: impl IntoIterator<Item = U>,
    ) -> Result<Vec<(PeerRef, AddOutcome)>> {
        let users = users.into_iter().map(Into::into).collect();
        add::add(self, chat.into(), users).await
    }

    async fn transfer_ownership(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        password: &str,
    ) -> Result<()> {
        let peer = chat_peer(self, chat.into()).await?;
        let user_id = input_user(self, user.into()).await?;
        let password = match self.password_proof(password).await {
            Ok(p) => p,
            // No password on the account: the server says so in its words.
            Err(ferrogram_client::InvocationError::SignIn(
                ferrogram_client::SignInError::NoPassword,
            )) => enums::InputCheckPasswordSRP::InputCheckPasswordEmpty,
            Err(e) => return Err(e.into()),
        };
        self.invoke(&functions::messages::EditChatCreator {
            peer,
            user_id,
            password,
        })
        .await?;
        Ok(())
    }

    async fn set_rank(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        rank: &str,
    ) -> Result<()> {
        let peer = chat_peer(self, chat.into()).await?;
        let participant = self.get_input_entity(user.into()).await?;
        self.invoke(&functions::messages::EditChatParticipantRank {
            peer,
            participant,
            rank: rank.into(),
        })
        .await?;
        Ok(())
    }

    async fn set_join_requests(&self, chat: impl Into<PeerRef>, enabled: bool) -> Result<()> {
        let approval = if enabled {
            JoinApproval::on()
        } else {
            JoinApproval::off()
        };
        self.set_join_approval(chat, approval).await
    }

    async fn set_join_approval(
        &self,
        chat: impl Into<PeerRef>,
        approval: JoinApproval,
    ) -> Result<()> {
        let target = Target::resolve(self, chat.into()).await?;
        let channel = target.channel("approval of direct joins")?.clone();
        let guard_bot = match approval.guard_bot {
            Some(bot) => Some(input_user(self, bot).await?),
            None => None,
        };
        self.invoke(&functions::channels::ToggleJoinRequest {
            enabled: approval.enabled,
            apply_to_invites: approval.apply_to_invites,
            guard_bot,
            ..functions::channels::ToggleJoinRequest::new(channel)
        })
        .await?;
        Ok(())
    }

    async fn create_invite_link(
        &self,
        chat: impl Into<PeerRef>,
        options: InviteLinkOptions,
    ) -> Result<InviteLink> {
        let peer = chat_peer(self, chat.into()).await?;
        let invite = self
            .invoke(&functions::messages::ExportChatInvite {
                legacy_revoke_permanent: false,
                request_needed: options.request_needed.unwrap_or(false),
                peer,
                expire_date: options.expire_date().filter(|d| *d != 0),
                usage_limit: options.limit().filter(|l| *l != 0),
                title: options
                    .title
                    .clone()
                    .filter(|t| !t.is_empty())
                    .map(Into::into),
                subscription_pricing: None,
            })
            .await?;
        InviteLink::from_tl(&invite)
            .ok_or_else(|| Error::UnexpectedAnswer("an invite link that is no link".into()))
    }

    async fn edit_invite_link(
        &self,
        chat: impl Into<PeerRef>,
        link: &str,
        options: InviteLinkOptions,
    ) -> Result<InviteLink> {
        let peer = chat_peer(self, chat.into()).await?;
        let answer = self
            .invoke(&functions::messages::EditExportedChatInvite {
                revoked: false,
                peer,
                link: link.into(),
                expire_date: options.expire_date(),
                usage_limit: options.limit(),
                request_needed: options.request_needed,
                title: options.title.as_deref().map(Into::into),
            })
            .await?;
        Ok(one(answer)?.revoked)
    }

    async fn revoke_invite_link(
        &self,
        chat: impl Into<PeerRef>,
        link: &str,
    ) -> Result<RevokedInviteLink> {
        let peer = chat_peer(self, chat.into()).await?;
        let answer = self
            .invoke(&functions::messages::EditExportedChatInvite {
                revoked: true,
                peer,
                link: link.into(),
                expire_date: None,
                usage_limit: None,
                request_needed: None,
                title: None,
            })
            .await?;
        one(answer)
    }

    async fn delete_invite_link(&self, chat: impl Into<PeerRef>, link: &str) -> Result<()> {
        let peer = chat_peer(self, chat.into()).await?;
        self.invoke(&functions::messages::DeleteExportedChatInvite {
            peer,
            link: link.into(),
        })
        .await?;
        Ok(())
    }

    async fn delete_revoked_invite_links(
        &self,
        chat: impl Into<PeerRef>,
        admin: impl Into<PeerRef>,
    ) -> Result<()> {
        let peer = chat_peer(self, chat.into()).await?;
        let admin_id = input_user(self, admin.into()).await?;
        self.invoke(&functions::messages::DeleteRevokedExportedChatInvites { peer, admin_id })
            .await?;
        Ok(())
    }

    async fn get_invite_link(&self, chat: impl Into<PeerRef>, link: &str) -> Result<InviteLink> {
        let peer = chat_peer(self, chat.into()).await?;
        let answer = self
            .invoke(&functions::messages::GetExportedChatInvite {
                peer,
                link: link.into(),
            })
            .await?;
        Ok(one(answer)?.revoked)
    }

    fn iter_invite_links(&self, chat: impl Into<PeerRef>) -> InviteLinkIter {
        InviteLinkIter::new(self.clone(), chat.into())
    }

    async fn get_invite_link_counts(
        &self,
        chat: impl Into<PeerRef>,
    ) -> Result<Vec<InviteLinkCount>> {
        let peer = chat_peer(self, chat.into()).await?;
        let enums::messages::ChatAdminsWithInvites::ChatAdminsWithInvites(a) = self
            .invoke(&functions::messages::GetAdminsWithInvites { peer })
            .await?;
        Ok(a.admins
            .iter()
            .map(
                |enums::ChatAdminWithInvites::ChatAdminWithInvites(c)| InviteLinkCount {
                    admin_id: c.admin_id,
                    links: count(Some(c.invites_count)),
                    revoked: count(Some(c.revoked_invites_count)),
                },
            )
            .collect())
    }

    fn iter_invite_link_members(&self, chat: impl Into<PeerRef>, link: &str) -> InviteImporterIter {
        InviteImporterIter::new(self.clone(), chat.into(), false).link(link)
    }

    fn iter_join_requests(&self, chat: impl Into<PeerRef>) -> InviteImporterIter {
        InviteImporterIter::new(self.clone(), chat.into(), true)
    }

    async fn decide_join_request(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        approve: bool,
    ) -> Result<()> {
        let peer = chat_peer(self, chat.into()).await?;
        let user_id = input_user(self, user.into()).await?;
        self.invoke(&functions::messages::HideChatJoinRequest {
            approved: approve,
            peer,
            user_id,
        })
        .await?;
        Ok(())
    }

    async fn decide_all_join_requests(
        &self,
        chat: impl Into<PeerRef>,
        link: Option<&str>,
        approve: bool,
    ) -> Result<()> {
        let peer = chat_peer(self, chat.into()).await?;
        self.invoke(&functions::messages::HideAllChatJoinRequests {
            approved: approve,
            peer,
            link: link.map(Into::into),
        })
        .await?;
        Ok(())
    }
}
