//! Invite links and join requests ([`Membership`]): making, editing,
//! revoking and deleting links, listing them and who joined through them,
//! and approving or declining those who asked to join.
//!
//! Who may do what is Telegram's: a link is managed by the admin who made it
//! (while they have the `invite_users` right) and by the chat's creator;
//! counting every admin's links is the creator's; deciding join requests
//! needs `invite_users`.

mod add;
mod create;
mod listing;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions};

pub use add::AddOutcome;
pub use create::{CreatedChat, NewChat, NewChatKind};
pub use listing::{InviteImporter, InviteImporterIter, InviteLinkIter};

use crate::MigratedChat;
use crate::target::{Target, input_user};
use crate::{Error, Result};

/// An invite link as Telegram reports it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct InviteLink {
    /// The link itself (`https://t.me/+…`).
    pub link: String,
    /// Who made it.
    pub admin_id: i64,
    /// When it was made.
    pub date: SystemTime,
    /// When it was last edited.
    pub edited: Option<SystemTime>,
    /// Its name, visible only to admins.
    pub title: Option<String>,
    /// When it stops working.
    pub expires: Option<SystemTime>,
    /// How many may join through it.
    pub usage_limit: Option<u32>,
    /// How many joined through it.
    pub usage: u32,
    /// How many asked to join through it and wait for approval.
    pub pending_requests: u32,
    /// Whether joining through it needs an admin's approval.
    pub request_needed: bool,
    /// Whether it was revoked (it admits no one).
    pub revoked: bool,
    /// Whether it is its admin's primary link (revoking it makes a new one).
    pub permanent: bool,
}

fn time(t: i32) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(t).unwrap_or(0))
}

fn unix(t: SystemTime) -> i32 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
}

fn count(n: Option<i32>) -> u32 {
    n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

impl InviteLink {
    /// Reads Telegram's `ExportedChatInvite`; `None` for the placeholder
    /// Telegram uses for public chats' join requests
    /// (`chatInvitePublicJoinRequests`), which is no link.
    pub fn from_tl(invite: &enums::ExportedChatInvite) -> Option<Self> {
        let enums::ExportedChatInvite::ChatInviteExported(e) = invite else {
            return None;
        };
        Some(Self {
            link: e.link.clone(),
            admin_id: e.admin_id,
            date: time(e.date),
            edited: e.start_date.map(time),
            title: e.title.clone(),
            expires: e.expire_date.filter(|d| *d > 0).map(time),
            usage_limit: e.usage_limit.and_then(|l| u32::try_from(l).ok()),
            usage: count(e.usage),
            pending_requests: count(e.requested),
            request_needed: e.request_needed,
            revoked: e.revoked,
            permanent: e.permanent,
        })
    }

    /// Whether it admits users at `now`: not revoked, not expired, not used
    /// up.
    pub fn is_usable(&self, now: SystemTime) -> bool {
        !self.revoked
            && self.expires.is_none_or(|e| e > now)
            && self.usage_limit.is_none_or(|l| self.usage < l)
    }
}

/// What a link's terms become ([`Membership::create_invite_link`],
/// [`Membership::edit_invite_link`]); what is not set stays as it is (on
/// creation: no name, no expiry, no limit, no approval).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InviteLinkOptions {
    /// `Some("")` removes the name.
    pub title: Option<String>,
    /// `Some(None)`: never expires.
    pub expires: Option<Option<SystemTime>>,
    /// `Some(None)`: no limit.
    pub usage_limit: Option<Option<u32>>,
    /// Whether joining needs approval (then the link can have no usage
    /// limit: Telegram refuses both).
    pub request_needed: Option<bool>,
}

impl InviteLinkOptions {
    /// No change (a plain link, when creating).
    pub fn new() -> Self {
        Self::default()
    }

    /// A name for the link, visible to admins only (`""` removes it).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The link stops working at `when`.
    pub fn expires_at(mut self, when: SystemTime) -> Self {
        self.expires = Some(Some(when));
        self
    }

    /// The link stops working `after` from now.
    pub fn expires_in(self, after: Duration) -> Self {
        self.expires_at(SystemTime::now() + after)
    }

    /// The link never expires.
    pub fn never_expires(mut self) -> Self {
        self.expires = Some(None);
        self
    }

    /// At most `n` users may join through it (1 to 99,999).
    pub fn usage_limit(mut self, n: u32) -> Self {
        self.usage_limit = Some(Some(n));
        self
    }

    /// No limit on how many may join.
    pub fn unlimited(mut self) -> Self {
        self.usage_limit = Some(None);
        self
    }

    /// Whether an admin must approve each user who opens the link.
    pub fn request_needed(mut self, yes: bool) -> Self {
        self.request_needed = Some(yes);
        self
    }

    fn expire_date(&self) -> Option<i32> {
        self.expires.map(|e| e.map_or(0, unix))
    }

    fn limit(&self) -> Option<i32> {
        self.usage_limit
            .map(|l| l.map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX)))
    }
}

/// A revoked link, and the primary link that replaced it, if it was one.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RevokedInviteLink {
    /// The link, now revoked.
    pub revoked: InviteLink,
    /// Its admin's new primary link, when the revoked one was primary.
    pub replacement: Option<InviteLink>,
}

/// How many links an admin made ([`Membership::get_invite_link_counts`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InviteLinkCount {
    /// The admin.
    pub admin_id: i64,
    /// Links still working or expired, not revoked.
    pub links: u32,
    /// Revoked links.
    pub revoked: u32,
}

/// The input peer of a group or channel (invite links exist only there).
pub(crate) async fn chat_peer(client: &Client, chat: PeerRef) -> Result<enums::InputPeer> {
    match Target::resolve(client, chat).await? {
        Target::Channel { peer, .. } | Target::Chat { peer, .. } => Ok(peer),
        Target::User { .. } => Err(Error::NotPossibleHere(
            "invite links and join requests exist only in groups and channels".into(),
        )),
    }
}

fn one(answer: enums::messages::ExportedChatInvite) -> Result<RevokedInviteLink> {
    let unexpected = || Error::UnexpectedAnswer("an invite link that is no link".into());
    Ok(match answer {
        enums::messages::ExportedChatInvite::ExportedChatInvite(e) => RevokedInviteLink {
            revoked: InviteLink::from_tl(&e.invite).ok_or_else(unexpected)?,
            replacement: None,
        },
        enums::messages::ExportedChatInvite::Replaced(r) => RevokedInviteLink {
            revoked: InviteLink::from_tl(&r.invite).ok_or_else(unexpected)?,
            replacement: InviteLink::from_tl(&r.new_invite),
        },
    })
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
}

impl Membership for Client {
    async fn migrate_chat(&self, chat: impl Into<PeerRef>) -> Result<MigratedChat> {
        crate::migration::migrate(self, chat.into()).await
    }

    async fn create_chat(&self, chat: NewChat) -> Result<CreatedChat> {
        create::create(self, chat).await
    }

    async fn delete_chat(&self, chat: impl Into<PeerRef>) -> Result<()> {
        create::delete(self, chat.into()).await
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
            rank: rank.to_owned(),
        })
        .await?;
        Ok(())
    }

    async fn set_join_requests(&self, chat: impl Into<PeerRef>, enabled: bool) -> Result<()> {
        let target = Target::resolve(self, chat.into()).await?;
        let channel = target.channel("approval of direct joins")?.clone();
        self.invoke(&functions::channels::ToggleJoinRequest {
            enabled,
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
                title: options.title.clone().filter(|t| !t.is_empty()),
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
                link: link.to_owned(),
                expire_date: options.expire_date(),
                usage_limit: options.limit(),
                request_needed: options.request_needed,
                title: options.title.clone(),
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
                link: link.to_owned(),
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
            link: link.to_owned(),
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
                link: link.to_owned(),
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
            link: link.map(str::to_owned),
        })
        .await?;
        Ok(())
    }
}
