//! Invite links and join requests ([`Membership`]): making, editing,
//! revoking and deleting links, listing them and who joined through them,
//! and approving or declining those who asked to join.
//!
//! Who may do what is Telegram's: a link is managed by the admin who made it
//! (while they have the `invite_users` right) and by the chat's creator;
//! counting every admin's links is the creator's; deciding join requests
//! needs `invite_users`.

pub(crate) mod add;
pub(crate) mod create;
mod listing;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::enums;

pub use add::AddOutcome;
pub use create::{CreatedChat, NewChat, NewChatKind};
pub use listing::{InviteImporter, InviteImporterIter, InviteLinkIter};

use crate::target::Target;
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

pub(crate) fn unix(t: SystemTime) -> i32 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
}

pub(crate) fn count(n: Option<i32>) -> u32 {
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
            link: e.link.to_string(),
            admin_id: e.admin_id,
            date: time(e.date),
            edited: e.start_date.map(time),
            title: e.title.as_deref().map(str::to_owned),
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

/// What a link's terms become ([`crate::Membership::create_invite_link`],
/// [`crate::Membership::edit_invite_link`]); what is not set stays as it is (on
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

    pub(crate) fn expire_date(&self) -> Option<i32> {
        self.expires.map(|e| e.map_or(0, unix))
    }

    pub(crate) fn limit(&self) -> Option<i32> {
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

/// How many links an admin made ([`crate::Membership::get_invite_link_counts`]).
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

pub(crate) fn one(answer: enums::messages::ExportedChatInvite) -> Result<RevokedInviteLink> {
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
