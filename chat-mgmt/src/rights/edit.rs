//! `edit_admin`, `edit_permissions`, `edit_default_permissions` and
//! `kick_participant`.

use std::time::Duration;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use super::{AdminRights, BannedRights};
use crate::target::{Target, input_user, is_self, service_message};
use crate::{Error, Result};

pub(crate) async fn edit_admin(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
    rights: AdminRights,
) -> Result<()> {
    let target = Target::resolve(client, chat).await?;
    let user_id = input_user(client, user).await?;
    match target {
        Target::Channel { channel, .. } => {
            let megagroup = crate::target::channel_object(client, &channel)
                .await?
                .megagroup;
            client
                .invoke(&functions::channels::EditAdmin {
                    channel,
                    user_id,
                    admin_rights: enums::ChatAdminRights::from(rights.to_tl(megagroup)),
                    rank: Some(rights.title.as_deref().unwrap_or_default().into()),
                })
                .await?;
        }
        Target::Chat { chat_id, peer } => {
            client
                .invoke(&functions::messages::EditChatAdmin {
                    chat_id,
                    user_id: user_id.clone(),
                    is_admin: rights.basic_group_admin(),
                })
                .await?;
            // Since layer 223 basic groups have tags: the title is one
            // (`messages.editChatAdmin` has no place for it).
            if let (Some(title), true) = (&rights.title, rights.basic_group_admin()) {
                let participant = match user_id {
                    enums::InputUser::InputUser(u) => {
                        enums::InputPeer::from(types::InputPeerUser {
                            user_id: u.user_id,
                            access_hash: u.access_hash,
                        })
                    }
                    _ => enums::InputPeer::InputPeerSelf,
                };
                client
                    .invoke(&functions::messages::EditChatParticipantRank {
                        peer,
                        participant,
                        rank: title.as_str().into(),
                    })
                    .await?;
            }
        }
        Target::User { .. } => {
            return Err(Error::NotPossibleHere(
                "admins exist in groups and channels, not in private chats".into(),
            ));
        }
    }
    Ok(())
}

/// Restricts one member of a supergroup or channel (`user`), or, with no
/// user, sets the chat's defaults (basic groups too).
pub(crate) async fn edit_permissions(
    client: &Client,
    chat: PeerRef,
    user: Option<PeerRef>,
    rights: BannedRights,
) -> Result<()> {
    let mut target = Target::resolve(client, chat).await?;
    if let (Some(_), Target::Chat { peer, .. }, true) = (&user, &target, rights.migrate_basic_group)
    {
        let migrated = crate::migration::migrate(client, PeerRef::from(peer.clone())).await?;
        target = Target::resolve(client, PeerRef::from(migrated.peer)).await?;
    }
    let banned_rights = enums::ChatBannedRights::from(rights.to_tl());
    match (user, &target) {
        (_, Target::User { .. }) => Err(Error::NotPossibleHere(
            "permissions exist in groups and channels, not in private chats".into(),
        )),
        (None, Target::Channel { peer, .. } | Target::Chat { peer, .. }) => {
            client
                .invoke(&functions::messages::EditChatDefaultBannedRights {
                    peer: peer.clone(),
                    banned_rights,
                })
                .await?;
            Ok(())
        }
        (Some(_), Target::Chat { .. }) => Err(Error::NeedsSupergroup(
            "basic groups have no per-member restrictions: set the defaults, \
             remove the member, or turn the group into a supergroup first"
                .into(),
        )),
        (Some(user), Target::Channel { channel, .. }) => {
            let participant = client.get_input_entity(user).await?;
            client
                .invoke(&functions::channels::EditBanned {
                    channel: channel.clone(),
                    participant,
                    banned_rights,
                })
                .await?;
            Ok(())
        }
    }
}

/// How long [`crate::ChatManagement::kick_participant`] waits between the ban
/// and the unban in a channel: Telethon's 0.5 s, because an immediate unban left
/// users banned on Telegram (Telethon issue #1284). The testserver cannot show
/// that race, so the pause is kept as Telethon has it.
pub const KICK_UNBAN_DELAY: Duration = Duration::from_millis(500);

pub(crate) async fn kick(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
    unban_after: Duration,
) -> Result<Option<enums::Message>> {
    let target = Target::resolve(client, chat).await?;
    let user = input_user(client, user).await?;
    let updates = match target {
        Target::Chat { chat_id, .. } => {
            client
                .invoke(&functions::messages::DeleteChatUser {
                    revoke_history: false,
                    chat_id,
                    user_id: user,
                })
                .await?
        }
        Target::Channel { channel, .. } if is_self(client, &user).await? => {
            client
                .invoke(&functions::channels::LeaveChannel { channel })
                .await?
        }
        Target::Channel { channel, .. } => {
            let participant = match user {
                enums::InputUser::InputUser(u) => enums::InputPeer::from(types::InputPeerUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                }),
                _ => enums::InputPeer::InputPeerSelf,
            };
            let ban = BannedRights::new().view_messages(false);
            let first = client
                .invoke(&functions::channels::EditBanned {
                    channel: channel.clone(),
                    participant: participant.clone(),
                    banned_rights: enums::ChatBannedRights::from(ban.to_tl()),
                })
                .await?;
            tokio::time::sleep(unban_after).await;
            client
                .invoke(&functions::channels::EditBanned {
                    channel,
                    participant,
                    banned_rights: enums::ChatBannedRights::from(BannedRights::default().to_tl()),
                })
                .await?;
            first
        }
        Target::User { .. } => {
            return Err(Error::NotPossibleHere(
                "there is no one to remove from a private chat".into(),
            ));
        }
    };
    Ok(service_message(&updates))
}
