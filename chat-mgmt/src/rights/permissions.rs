//! `get_permissions` and `get_default_permissions`.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use super::BannedRights;
use crate::participants::{Role, role_of};
use crate::target::{Target, full_chat, input_user, user_id};
use crate::{Error, Result};

/// What a user may do in a chat (Telethon's `ParticipantPermissions`).
///
/// Rights read as everywhere in this crate: admin rights `true` = granted,
/// member rights `true` = allowed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ParticipantPermissions {
    /// Their role (basic groups too: creator, admin or member).
    pub role: Role,
    /// Creator or admin.
    pub is_admin: bool,
    /// The creator.
    pub is_creator: bool,
    /// Restricted or banned.
    pub is_banned: bool,
    /// Not in the chat (left, removed, banned from viewing, or never joined).
    /// Telethon raises `UserNotParticipantError` for a user not in a basic
    /// group; here that is `has_left`, as in channels.
    pub has_left: bool,
    /// A plain member with the chat's default rights (or the caller).
    pub has_default_permissions: bool,
    /// Admin rights (true = granted): all for the creator; in basic groups,
    /// every right but `add_admins` for admins (as Telethon reports them);
    /// none for others.
    pub admin_rights: types::ChatAdminRights,
    /// Personal restrictions (true = allowed, with their end), for
    /// restricted and banned users.
    pub banned_rights: Option<BannedRights>,
}

impl ParticipantPermissions {
    /// May change the chat's info.
    pub fn can_change_info(&self) -> bool {
        self.admin_rights.change_info
    }

    /// May post in a channel.
    pub fn can_post_messages(&self) -> bool {
        self.admin_rights.post_messages
    }

    /// May edit others' posts in a channel.
    pub fn can_edit_messages(&self) -> bool {
        self.admin_rights.edit_messages
    }

    /// May delete others' messages.
    pub fn can_delete_messages(&self) -> bool {
        self.admin_rights.delete_messages
    }

    /// May ban and restrict members.
    pub fn can_ban_users(&self) -> bool {
        self.admin_rights.ban_users
    }

    /// May invite users (as an admin).
    pub fn can_invite_users(&self) -> bool {
        self.admin_rights.invite_users
    }

    /// May pin messages (as an admin).
    pub fn can_pin_messages(&self) -> bool {
        self.admin_rights.pin_messages
    }

    /// May add admins.
    pub fn can_add_admins(&self) -> bool {
        self.admin_rights.add_admins
    }

    /// Posts anonymously.
    pub fn anonymous(&self) -> bool {
        self.admin_rights.anonymous
    }

    /// May manage voice chats (Telethon's `manage_call`).
    pub fn can_manage_call(&self) -> bool {
        self.admin_rights.manage_call
    }

    /// May manage forum topics.
    pub fn can_manage_topics(&self) -> bool {
        self.admin_rights.manage_topics
    }
}

fn all_rights() -> types::ChatAdminRights {
    types::ChatAdminRights {
        change_info: true,
        post_messages: true,
        edit_messages: true,
        delete_messages: true,
        ban_users: true,
        invite_users: true,
        pin_messages: true,
        add_admins: true,
        manage_call: true,
        other: true,
        manage_topics: true,
        post_stories: true,
        edit_stories: true,
        delete_stories: true,
        ..types::ChatAdminRights::default()
    }
}

/// A basic group admin's rights, as Telethon reports them: every right,
/// anonymous included, but `add_admins` (the creator's alone).
pub(crate) fn basic_group_admin_rights() -> types::ChatAdminRights {
    types::ChatAdminRights {
        add_admins: false,
        anonymous: true,
        ..all_rights()
    }
}

fn not_in_chat() -> ParticipantPermissions {
    ParticipantPermissions {
        role: Role::Member,
        is_admin: false,
        is_creator: false,
        is_banned: false,
        has_left: true,
        has_default_permissions: false,
        admin_rights: types::ChatAdminRights::default(),
        banned_rights: None,
    }
}

/// A chat's default member rights (Telethon's `get_permissions` without a
/// user, which returns the chat's `default_banned_rights`).
pub(crate) async fn get_default_permissions(
    client: &Client,
    chat: PeerRef,
) -> Result<BannedRights> {
    let defaults = match Target::resolve(client, chat).await? {
        Target::Channel { channel, .. } => {
            crate::target::channel_object(client, &channel)
                .await?
                .default_banned_rights
        }
        Target::Chat { chat_id, .. } => {
            let (_, chats, _) = full_chat(client, chat_id).await?;
            chats.into_iter().find_map(|c| match c {
                enums::Chat::Chat(c) if c.id == chat_id => c.default_banned_rights,
                _ => None,
            })
        }
        Target::User { .. } => {
            return Err(Error::NotPossibleHere(
                "a private chat has no default permissions".into(),
            ));
        }
    };
    Ok(defaults.map_or_else(BannedRights::new, |r| {
        let enums::ChatBannedRights::ChatBannedRights(r) = r;
        BannedRights::from(&r)
    }))
}

pub(crate) async fn get_permissions(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
) -> Result<ParticipantPermissions> {
    let target = Target::resolve(client, chat).await?;
    let user = input_user(client, user).await?;
    match target {
        Target::Channel { channel, .. } => channel_permissions(client, channel, user).await,
        Target::Chat { chat_id, .. } => basic_group_permissions(client, chat_id, user).await,
        Target::User { .. } => Err(Error::NotPossibleHere(
            "permissions exist in groups and channels, not in private chats".into(),
        )),
    }
}

async fn basic_group_permissions(
    client: &Client,
    chat_id: i64,
    user: enums::InputUser,
) -> Result<ParticipantPermissions> {
    let id = user_id(client, &user).await?;
    let (full, _, _) = full_chat(client, chat_id).await?;
    let enums::ChatParticipants::ChatParticipants(list) = full.participants else {
        // chatParticipantsForbidden: the caller is not in the group.
        return Err(Error::NotPossibleHere(
            "the member list of this basic group is not visible to you".into(),
        ));
    };
    let admin = basic_group_admin_rights();
    let role = list.participants.iter().find_map(|p| match p {
        enums::ChatParticipant::ChatParticipant(p) if p.user_id == id => Some(Role::Member),
        enums::ChatParticipant::Admin(p) if p.user_id == id => Some(Role::Admin {
            rights: admin.clone(),
            rank: p.rank.as_deref().map(str::to_owned),
            promoted_by: None,
            can_edit: false,
        }),
        enums::ChatParticipant::Creator(p) if p.user_id == id => Some(Role::Creator {
            rank: p.rank.as_deref().map(str::to_owned),
        }),
        _ => None,
    });
    let Some(role) = role else {
        return Ok(not_in_chat());
    };
    let admin_rights = match &role {
        Role::Creator { .. } => types::ChatAdminRights {
            anonymous: true,
            ..all_rights()
        },
        Role::Admin { rights, .. } => rights.clone(),
        _ => types::ChatAdminRights::default(),
    };
    Ok(ParticipantPermissions {
        is_admin: !matches!(role, Role::Member),
        is_creator: matches!(role, Role::Creator { .. }),
        is_banned: false,
        has_left: false,
        has_default_permissions: matches!(role, Role::Member),
        admin_rights,
        banned_rights: None,
        role,
    })
}

async fn channel_permissions(
    client: &Client,
    channel: enums::InputChannel,
    user: enums::InputUser,
) -> Result<ParticipantPermissions> {
    let participant = match user {
        enums::InputUser::InputUser(u) => enums::InputPeer::from(types::InputPeerUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        }),
        _ => enums::InputPeer::InputPeerSelf,
    };
    let answer = client
        .invoke(&functions::channels::GetParticipant {
            channel,
            participant,
        })
        .await;
    let p = match answer {
        Ok(enums::channels::ChannelParticipant::ChannelParticipant(p)) => p.participant,
        Err(e) if e.is("USER_NOT_PARTICIPANT") => return Ok(not_in_chat()),
        Err(e) => return Err(e.into()),
    };
    let left = matches!(p, enums::ChannelParticipant::Left(_));
    let is_self = matches!(p, enums::ChannelParticipant::ChannelParticipantSelf(_));
    let role = role_of(&p).map_or(Role::Member, |(_, r, _, _)| r);
    let (is_admin, is_creator, admin_rights) = match &role {
        // Every right, and `anonymous` as the creator set it.
        Role::Creator { .. } => (true, true, {
            let anonymous = match &p {
                enums::ChannelParticipant::Creator(c) => {
                    let enums::ChatAdminRights::ChatAdminRights(r) = &c.admin_rights;
                    r.anonymous
                }
                _ => false,
            };
            types::ChatAdminRights {
                anonymous,
                ..all_rights()
            }
        }),
        Role::Admin { rights, .. } => (true, false, rights.clone()),
        _ => (false, false, types::ChatAdminRights::default()),
    };
    let banned_rights = match &role {
        Role::Restricted { rights, .. } | Role::Banned { rights, .. } => Some(rights.clone()),
        _ => None,
    };
    Ok(ParticipantPermissions {
        is_banned: banned_rights.is_some(),
        has_left: left || matches!(role, Role::Banned { .. }),
        has_default_permissions: !left && (is_self || matches!(role, Role::Member)),
        role,
        is_admin,
        is_creator,
        admin_rights,
        banned_rights,
    })
}
