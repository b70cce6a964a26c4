//! Posting as a channel in a supergroup ("send as"): `channels.getSendAs`
//! and the check `messages.sendMessage` makes of its `send_as`.
//!
//! Telegram lets members of public supergroups (and of discussion groups)
//! post as one of their public channels (telegram.org/blog, December 2021:
//! "users can now send messages in public groups as one of their public
//! channels"); `channels.getSendAs` lists who one may post as and
//! `messages.sendMessage`'s `send_as` picks one. Admins ban such a channel
//! like a member (`channels.editBanned` with the channel as participant,
//! [`super::peer_bans`]); a banned channel is no longer offered and posts
//! as it are refused, while its owner may still post as themselves.

use crate::chats::{Sender, StoredChat, expired};
use crate::rpc::prelude::*;

/// The channels `me` may post as in supergroup `chat`: the public
/// broadcast channels `me` created, but those the group has banned (a ban
/// whose time has not run out). Basic groups and broadcast channels offer
/// none.
pub(crate) fn channels_to_post_as(w: &World, me: i64, chat: &StoredChat, now: i32) -> Vec<i64> {
    if chat.kind != ChatKind::Supergroup {
        return Vec::new();
    }
    w.chats
        .values()
        .filter(|c| c.kind == ChatKind::Channel && c.creator == me && c.username.is_some())
        .filter(|c| c.migrated_to.is_none())
        .map(|c| c.id)
        .filter(|id| {
            chat.banned_channels
                .get(id)
                .is_none_or(|b| expired(&b.rights, now))
        })
        .collect()
}

/// Who a post of `me` in `chat` shows as, from `messages.sendMessage`'s
/// `send_as`: `me` when unset or naming `me`; a channel when it is one of
/// [`channels_to_post_as`]. Anything else, a banned channel among them, is
/// `SEND_AS_PEER_INVALID` ("You can't send messages as the specified
/// peer", the method page; which error a banned channel gets is not
/// documented: this is our reading).
pub(crate) fn poster(
    w: &World,
    me: i64,
    chat: &StoredChat,
    send_as: Option<&enums::InputPeer>,
    now: i32,
) -> Result<Sender, RpcErr> {
    match send_as {
        None | Some(enums::InputPeer::InputPeerSelf) => Ok(Sender::User(me)),
        Some(enums::InputPeer::User(u)) if u.user_id == me => Ok(Sender::User(me)),
        Some(enums::InputPeer::Channel(c))
            if channels_to_post_as(w, me, chat, now).contains(&c.channel_id) =>
        {
            Ok(Sender::Channel(c.channel_id))
        }
        Some(_) => Err(bad("SEND_AS_PEER_INVALID")),
    }
}

/// `channels.getSendAs`: the caller, then [`channels_to_post_as`]. A basic
/// group is `PEER_ID_INVALID` (the method page's error; send-as exists in
/// supergroups and channels only).
pub(crate) fn get_send_as(
    cx: &mut Cx<'_>,
    x: functions::channels::GetSendAs,
) -> Result<enums::channels::SendAsPeers, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let enums::InputPeer::Channel(_) = &x.peer else {
        return Err(bad("PEER_ID_INVALID"));
    };
    let id = chat_of_peer_to_read(w, me, &x.peer)?;
    let channels = channels_to_post_as(w, me, &w.chats[&id], now);
    let peers = std::iter::once(enums::Peer::from(types::PeerUser { user_id: me }))
        .chain(
            channels
                .iter()
                .map(|&channel_id| enums::Peer::from(types::PeerChannel { channel_id })),
        )
        .map(|peer| enums::SendAsPeer::from(types::SendAsPeer::new(peer)))
        .collect();
    Ok(enums::channels::SendAsPeers::from(
        types::channels::SendAsPeers {
            peers,
            chats: channels
                .iter()
                .filter_map(|&c| w.chat_view(me, c))
                .collect(),
            users: users_of(w, me, vec![me]),
        },
    ))
}
