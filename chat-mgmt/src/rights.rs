//! Admin rights, restrictions, permissions and kicking.

use std::time::{SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, InvocationError, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::participants::{Role, role_of};

/// Rights to give with [`crate::ChatManagement::edit_admin`]. Each right is its
/// explicit value, else `is_admin` (Telethon's defaulting); with nothing set the
/// user is demoted.
///
/// In a supergroup `post_messages` and `edit_messages` are never sent: they are
/// broadcast-only rights and Telegram answers RIGHT_FORBIDDEN (Telethon issue
/// #490).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminRights {
    /// Change the chat's info and photo.
    pub change_info: Option<bool>,
    /// Post in a channel.
    pub post_messages: Option<bool>,
    /// Edit others' posts in a channel.
    pub edit_messages: Option<bool>,
    /// Delete others' messages.
    pub delete_messages: Option<bool>,
    /// Ban and restrict members.
    pub ban_users: Option<bool>,
    /// Invite users.
    pub invite_users: Option<bool>,
    /// Pin messages.
    pub pin_messages: Option<bool>,
    /// Add admins (with at most their own rights).
    pub add_admins: Option<bool>,
    /// Post anonymously.
    pub anonymous: Option<bool>,
    /// Manage voice chats.
    pub manage_call: Option<bool>,
    /// Every other right (`other`).
    pub other: Option<bool>,
    /// Manage forum topics.
    pub manage_topics: Option<bool>,
    /// The custom title (rank), at most 16 characters.
    pub title: Option<String>,
    /// The default for every right not given.
    pub is_admin: Option<bool>,
}

impl AdminRights {
    /// Every right.
    pub fn all() -> Self {
        Self {
            is_admin: Some(true),
            ..Self::default()
        }
    }

    fn to_tl(&self, megagroup: bool) -> types::ChatAdminRights {
        let d = self.is_admin.unwrap_or(false);
        let v = |x: Option<bool>| x.unwrap_or(d);
        types::ChatAdminRights {
            change_info: v(self.change_info),
            post_messages: !megagroup && v(self.post_messages),
            edit_messages: !megagroup && v(self.edit_messages),
            delete_messages: v(self.delete_messages),
            ban_users: v(self.ban_users),
            invite_users: v(self.invite_users),
            pin_messages: v(self.pin_messages),
            add_admins: v(self.add_admins),
            anonymous: self.anonymous.unwrap_or(false),
            manage_call: v(self.manage_call),
            other: v(self.other),
            manage_topics: megagroup && v(self.manage_topics),
            ..types::ChatAdminRights::default()
        }
    }
}

/// What a member (or, with no user, everyone) may do: `true` means allowed, as
/// in Telethon. `until`: when a personal restriction ends (`None`: forever;
/// Telegram treats less than 30 seconds or more than 366 days from now as
/// forever too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BannedRights {
    /// See the chat at all (false: banned).
    pub view_messages: bool,
    /// Send text messages.
    pub send_messages: bool,
    /// Send media.
    pub send_media: bool,
    /// Send stickers.
    pub send_stickers: bool,
    /// Send GIFs.
    pub send_gifs: bool,
    /// Send games.
    pub send_games: bool,
    /// Use inline bots.
    pub send_inline: bool,
    /// Show link previews (Telethon's `embed_link_previews`).
    pub embed_links: bool,
    /// Send polls.
    pub send_polls: bool,
    /// Change the chat's info.
    pub change_info: bool,
    /// Invite users.
    pub invite_users: bool,
    /// Pin messages.
    pub pin_messages: bool,
    /// Manage forum topics.
    pub manage_topics: bool,
    /// When the restriction ends.
    pub until: Option<SystemTime>,
}

impl Default for BannedRights {
    /// Everything allowed, forever: lifts every restriction.
    fn default() -> Self {
        Self {
            view_messages: true,
            send_messages: true,
            send_media: true,
            send_stickers: true,
            send_gifs: true,
            send_games: true,
            send_inline: true,
            embed_links: true,
            send_polls: true,
            change_info: true,
            invite_users: true,
            pin_messages: true,
            manage_topics: true,
            until: None,
        }
    }
}

impl BannedRights {
    fn to_tl(&self) -> types::ChatBannedRights {
        types::ChatBannedRights {
            view_messages: !self.view_messages,
            send_messages: !self.send_messages,
            send_media: !self.send_media,
            send_stickers: !self.send_stickers,
            send_gifs: !self.send_gifs,
            send_games: !self.send_games,
            send_inline: !self.send_inline,
            embed_links: !self.embed_links,
            send_polls: !self.send_polls,
            change_info: !self.change_info,
            invite_users: !self.invite_users,
            pin_messages: !self.pin_messages,
            manage_topics: !self.manage_topics,
            until_date: self
                .until
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs().min(i32::MAX as u64) as i32),
            ..types::ChatBannedRights::default()
        }
    }
}

/// What a user may do in a chat (Telethon's `ParticipantPermissions`).
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantPermissions {
    /// Their role.
    pub role: Role,
    /// Creator or admin.
    pub is_admin: bool,
    /// The creator.
    pub is_creator: bool,
    /// Restricted or banned.
    pub is_banned: bool,
    /// Not in the chat.
    pub has_left: bool,
    /// Admin rights (all for the creator, none for others).
    pub admin_rights: types::ChatAdminRights,
    /// Restrictions (denied = true), for restricted and banned users.
    pub banned_rights: Option<types::ChatBannedRights>,
}

impl ParticipantPermissions {
    /// May change the chat's info.
    pub fn can_change_info(&self) -> bool {
        self.admin_rights.change_info
    }

    /// May ban users.
    pub fn can_ban_users(&self) -> bool {
        self.admin_rights.ban_users
    }

    /// May add admins.
    pub fn can_add_admins(&self) -> bool {
        self.admin_rights.add_admins
    }
}

/// The channel a peer reference names.
async fn channel(
    client: &Client,
    chat: PeerRef,
) -> Result<(enums::InputChannel, enums::InputPeer), InvocationError> {
    match client.get_input_entity(chat).await? {
        enums::InputPeer::Channel(c) => Ok((
            enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
            enums::InputPeer::Channel(c),
        )),
        _ => Err(InvocationError::Invalid(
            "only supergroups and channels are supported here so far".into(),
        )),
    }
}

fn input_user(p: enums::InputPeer) -> Result<enums::InputUser, InvocationError> {
    match p {
        enums::InputPeer::User(u) => Ok(enums::InputUser::from(types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        })),
        enums::InputPeer::InputPeerSelf => Ok(enums::InputUser::InputUserSelf),
        _ => Err(InvocationError::Invalid("not a user".into())),
    }
}

pub(crate) async fn get_permissions(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
) -> Result<ParticipantPermissions, InvocationError> {
    let (channel, _) = channel(client, chat).await?;
    let participant = client.get_input_entity(user).await?;
    let answer = client
        .invoke(&functions::channels::GetParticipant {
            channel,
            participant,
        })
        .await;
    let p = match answer {
        Ok(enums::channels::ChannelParticipant::ChannelParticipant(p)) => p.participant,
        Err(e) if e.is("USER_NOT_PARTICIPANT") => {
            return Ok(ParticipantPermissions {
                role: Role::Member,
                is_admin: false,
                is_creator: false,
                is_banned: false,
                has_left: true,
                admin_rights: types::ChatAdminRights::default(),
                banned_rights: None,
            });
        }
        Err(e) => return Err(e),
    };
    let left = matches!(p, enums::ChannelParticipant::Left(_));
    let role = role_of(&p).map_or(Role::Member, |(_, r, _, _)| r);
    let (is_admin, is_creator, admin_rights) = match &role {
        Role::Creator { .. } => (
            true,
            true,
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
                ..types::ChatAdminRights::default()
            },
        ),
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
        role,
        is_admin,
        is_creator,
        admin_rights,
        banned_rights,
    })
}

pub(crate) async fn edit_admin(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
    rights: AdminRights,
) -> Result<(), InvocationError> {
    let (channel, _) = channel(client, chat).await?;
    let megagroup = match client
        .invoke(&functions::channels::GetChannels {
            id: vec![channel.clone()],
        })
        .await?
    {
        enums::messages::Chats::Chats(c) => {
            matches!(c.chats.first(), Some(enums::Chat::Channel(ch)) if ch.megagroup)
        }
        enums::messages::Chats::Slice(c) => {
            matches!(c.chats.first(), Some(enums::Chat::Channel(ch)) if ch.megagroup)
        }
    };
    let user_id = input_user(client.get_input_entity(user).await?)?;
    client
        .invoke(&functions::channels::EditAdmin {
            channel,
            user_id,
            admin_rights: enums::ChatAdminRights::from(rights.to_tl(megagroup)),
            rank: Some(rights.title.clone().unwrap_or_default()),
        })
        .await?;
    Ok(())
}

pub(crate) async fn edit_permissions(
    client: &Client,
    chat: PeerRef,
    user: Option<PeerRef>,
    rights: BannedRights,
) -> Result<(), InvocationError> {
    let (channel, peer) = channel(client, chat).await?;
    let tl = rights.to_tl();
    match user {
        None => {
            client
                .invoke(&functions::messages::EditChatDefaultBannedRights {
                    peer,
                    banned_rights: enums::ChatBannedRights::from(tl),
                })
                .await?;
        }
        Some(user) => {
            let participant = client.get_input_entity(user).await?;
            client
                .invoke(&functions::channels::EditBanned {
                    channel,
                    participant,
                    banned_rights: enums::ChatBannedRights::from(tl),
                })
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn kick(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
) -> Result<(), InvocationError> {
    let (channel, _) = channel(client, chat).await?;
    let participant = client.get_input_entity(user).await?;
    let ban = BannedRights {
        view_messages: false,
        ..BannedRights::default()
    };
    client
        .invoke(&functions::channels::EditBanned {
            channel: channel.clone(),
            participant: participant.clone(),
            banned_rights: enums::ChatBannedRights::from(ban.to_tl()),
        })
        .await?;
    client
        .invoke(&functions::channels::EditBanned {
            channel,
            participant,
            banned_rights: enums::ChatBannedRights::from(BannedRights::default().to_tl()),
        })
        .await?;
    Ok(())
}
