//! Communities (layer 228): a group of supergroups and channels under one
//! owner, with a ban that reaches every chat of it. What the server keeps of
//! each, and who may do what, after TDLib's documentation of its community
//! functions (td_api 1.8.70: `addCommunityChat`,
//! `processCommunityAddChatRequest(s)`, `getCommunityAddChatRequests`,
//! `toggleCommunityMemberIsBanned`, `getCommunityMemberChats`).

use std::collections::BTreeSet;

use ferrogram_tl_types::{enums, types};

use crate::chats::all_admin_rights;
use crate::world::World;

/// A chat of a community.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LinkedPeer {
    /// The supergroup or channel.
    pub chat: i64,
    /// Shown to everyone (false: to the community's admins only).
    pub visible: bool,
}

/// A chat's owner asking to add it to a community.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LinkRequest {
    pub chat: i64,
    pub by: i64,
    pub date: i32,
    pub visible: bool,
}

/// One community.
#[derive(Clone, Debug)]
pub(crate) struct Community {
    pub id: i64,
    pub title: String,
    pub about: String,
    pub creator: i64,
    pub date: i32,
    /// Admins other than the creator, with their rights.
    pub admins: std::collections::BTreeMap<i64, types::ChatAdminRights>,
    pub linked: Vec<LinkedPeer>,
    pub requests: Vec<LinkRequest>,
    /// Users banned in every chat of the community.
    pub banned: BTreeSet<i64>,
}

impl Community {
    /// The rights `user` has in the community (all for the creator).
    pub fn rights_of(&self, user: i64) -> Option<types::ChatAdminRights> {
        if user == self.creator {
            return Some(types::ChatAdminRights {
                manage_linked_peers: true,
                ..all_admin_rights()
            });
        }
        self.admins.get(&user).cloned()
    }

    /// May change the community's chats (TDLib's `can_edit_chat_list`:
    /// `manage_linked_peers`).
    pub fn may_edit_chats(&self, user: i64) -> bool {
        self.rights_of(user).is_some_and(|r| r.manage_linked_peers)
    }

    /// May ban members (TDLib's `can_ban_members`: `ban_users`).
    pub fn may_ban(&self, user: i64) -> bool {
        self.rights_of(user).is_some_and(|r| r.ban_users)
    }

    /// Whether `chat` is one of its chats.
    pub fn has(&self, chat: i64) -> bool {
        self.linked.iter().any(|l| l.chat == chat)
    }
}

impl World {
    /// The community `chat` belongs to, if any.
    pub(crate) fn community_of(&self, chat: i64) -> Option<i64> {
        self.communities
            .values()
            .find(|c| c.has(chat))
            .map(|c| c.id)
    }

    /// Whether `user` is a member of any chat of the community.
    pub(crate) fn in_community(&self, community: &Community, user: i64) -> bool {
        community.linked.iter().any(|l| {
            self.chats
                .get(&l.chat)
                .and_then(|c| c.participant(user))
                .is_some_and(|p| p.is_member())
        })
    }

    /// The `community` object as `viewer` sees it.
    pub(crate) fn community_view(&self, viewer: i64, id: i64) -> Option<enums::Chat> {
        let c = self.communities.get(&id)?;
        let member = viewer == c.creator || self.in_community(c, viewer);
        Some(enums::Chat::from(types::Community {
            creator: c.creator == viewer,
            left: !member,
            id: c.id,
            access_hash: Some(self.channel_access_hash(viewer, c.id)),
            title: c.title.as_str().into(),
            date: c.date,
            admin_rights: c.rights_of(viewer).map(enums::ChatAdminRights::from),
            ..types::Community::new(enums::ChatPhoto::Empty)
        }))
    }

    /// The `communityFull` of a community, as `viewer` sees it (hidden
    /// chats and pending requests for its admins only).
    pub(crate) fn community_full(&self, viewer: i64, id: i64) -> Option<types::CommunityFull> {
        let c = self.communities.get(&id)?;
        let admin = c.rights_of(viewer).is_some();
        let linked_peers = c
            .linked
            .iter()
            .filter(|l| l.visible || admin)
            .map(|l| {
                enums::CommunityPeer::from(types::CommunityPeer {
                    can_view_history: true,
                    visible: Some(l.visible),
                    peer: enums::Peer::from(types::PeerChannel { channel_id: l.chat }),
                })
            })
            .collect();
        Some(types::CommunityFull {
            id: c.id,
            about: c.about.as_str().into(),
            chat_photo: enums::Photo::Empty(types::PhotoEmpty { id: 0 }),
            linked_peers,
            admins_count: admin.then_some(c.admins.len() as i32 + 1),
            kicked_count: admin.then_some(c.banned.len() as i32),
            peer_link_requests_pending: c.may_edit_chats(viewer).then_some(c.requests.len() as i32),
        })
    }
}
