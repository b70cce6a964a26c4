//! Invite links and join requests as a chat keeps them.

use ferrogram_tl_types::{enums, types};

use super::StoredChat;

/// An exported invite link.
#[derive(Clone, Debug, Default)]
pub(crate) struct Invite {
    pub hash: String,
    /// Who made it.
    pub admin: i64,
    pub date: i32,
    /// When it was last edited.
    pub start_date: Option<i32>,
    /// How many joined through it.
    pub usage: i32,
    /// Visible only to admins.
    pub title: Option<String>,
    pub expire_date: Option<i32>,
    pub usage_limit: Option<i32>,
    /// Users who open it ask to join; an admin decides.
    pub request_needed: bool,
    pub revoked: bool,
    /// The admin's primary link (`legacy_revoke_permanent`); revoking it
    /// makes a new one.
    pub permanent: bool,
    /// Who joined through it, and when, oldest first.
    pub importers: Vec<(i64, i32)>,
}

impl Invite {
    /// A new link of `admin`'s.
    pub fn new(hash: String, admin: i64, date: i32) -> Self {
        Self {
            hash,
            admin,
            date,
            ..Self::default()
        }
    }

    /// The link as clients see it.
    pub fn link(&self) -> String {
        format!("https://t.me/+{}", self.hash)
    }

    /// Whether it can still be used at `now`: not revoked, not expired, not
    /// used up.
    pub fn usable(&self, now: i32) -> bool {
        !self.revoked
            && self.expire_date.is_none_or(|d| d > now)
            && self.usage_limit.is_none_or(|l| self.usage < l)
    }

    /// The TL form.
    pub fn view(&self) -> enums::ExportedChatInvite {
        enums::ExportedChatInvite::from(types::ChatInviteExported {
            revoked: self.revoked,
            permanent: self.permanent,
            request_needed: self.request_needed,
            link: self.link().into(),
            admin_id: self.admin,
            date: self.date,
            start_date: self.start_date,
            expire_date: self.expire_date,
            usage_limit: self.usage_limit,
            usage: Some(self.usage),
            title: self.title.as_deref().map(Into::into),
            ..Default::default()
        })
    }
}

/// A user asking to join through a link that needs approval.
#[derive(Clone, Debug)]
pub(crate) struct JoinRequest {
    pub user: i64,
    pub date: i32,
    /// The link's hash.
    pub hash: String,
}

impl StoredChat {
    /// The link with this hash.
    pub fn invite(&self, hash: &str) -> Option<&Invite> {
        self.invites.iter().find(|i| i.hash == hash)
    }

    /// How many join requests wait, and up to three of the latest
    /// requesters (newest first), as full-chat views and
    /// `updatePendingJoinRequests` show them; `None`s when none wait.
    pub fn pending_summary(&self) -> (Option<i32>, Option<Vec<i64>>) {
        if self.join_requests.is_empty() {
            return (None, None);
        }
        let recent = self.join_requests.iter().rev().take(3).map(|r| r.user);
        (
            i32::try_from(self.join_requests.len()).ok(),
            Some(recent.collect()),
        )
    }

    /// Marks `user`'s membership as approved from a join request
    /// (`channelParticipantSelf.via_request`).
    pub fn mark_via_request(&mut self, user: i64) {
        if let Some(&i) = self.index.get(&user) {
            self.participants[i].via_request = true;
        }
    }

    /// A link's TL form with its pending requests counted.
    pub fn invite_view(&self, invite: &Invite) -> enums::ExportedChatInvite {
        let mut view = invite.view();
        let pending = self
            .join_requests
            .iter()
            .filter(|r| r.hash == invite.hash)
            .count();
        if let enums::ExportedChatInvite::ChatInviteExported(e) = &mut view
            && pending > 0
        {
            e.requested = i32::try_from(pending).ok();
        }
        view
    }
}
