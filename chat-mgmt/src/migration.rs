//! Turning a basic group into a supergroup (`messages.migrateChat`), and
//! following a migrated group's old id.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::target::follow_migration;
use crate::{Error, Result};

/// A basic group turned into a supergroup
/// ([`crate::Membership::migrate_chat`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MigratedChat {
    /// The basic group's bare id (deactivated now; calls made with it follow
    /// the supergroup).
    pub chat_id: i64,
    /// The supergroup's bare id.
    pub channel_id: i64,
    /// The supergroup, to address it.
    pub peer: enums::InputPeer,
    /// Whether the group had been migrated before this call (nothing was
    /// asked of the server).
    pub already: bool,
}

/// Turns the basic group `chat` into a supergroup, or, if it was already,
/// names the supergroup it became (as TDLib's
/// `upgradeBasicGroupChatToSupergroupChat` does).
pub(crate) async fn migrate(client: &Client, chat: PeerRef) -> Result<MigratedChat> {
    let peer = client.get_input_entity(chat).await?;
    let enums::InputPeer::Chat(group) = &peer else {
        return Err(Error::NotPossibleHere(
            "only a basic group can be turned into a supergroup".into(),
        ));
    };
    let chat_id = group.chat_id;
    if let enums::InputPeer::Channel(c) = follow_migration(client, peer.clone()).await {
        return Ok(MigratedChat {
            chat_id,
            channel_id: c.channel_id,
            peer: enums::InputPeer::Channel(c),
            already: true,
        });
    }
    let updates = client
        .invoke(&functions::messages::MigrateChat { chat_id })
        .await?;
    let chats: &[enums::Chat] = match &updates {
        enums::Updates::Updates(u) => &u.chats,
        enums::Updates::Combined(u) => &u.chats,
        _ => &[],
    };
    let to = chats.iter().find_map(|c| match c {
        enums::Chat::Chat(c) if c.id == chat_id => match &c.migrated_to {
            Some(enums::InputChannel::InputChannel(to)) => Some(to.clone()),
            _ => None,
        },
        _ => None,
    });
    let to = to.ok_or_else(|| {
        Error::UnexpectedAnswer("messages.migrateChat named no supergroup".into())
    })?;
    Ok(MigratedChat {
        chat_id,
        channel_id: to.channel_id,
        peer: enums::InputPeer::from(types::InputPeerChannel {
            channel_id: to.channel_id,
            access_hash: to.access_hash,
        }),
        already: false,
    })
}
