//! What an input names: the user, chat, channel or forum behind an `InputPeer`, `InputUser` or `InputChannel`, checked against what the caller may address.

use super::prelude::*;

/// The user a private-chat peer names (chats and channels are part 2).
pub(crate) fn resolve_user_peer(
    w: &World,
    me: i64,
    peer: &enums::InputPeer,
) -> Result<i64, RpcErr> {
    match peer {
        enums::InputPeer::InputPeerSelf => Ok(me),
        enums::InputPeer::User(u) => {
            if u.user_id == me
                || (w.accounts.contains_key(&u.user_id)
                    && w.access_hash(me, u.user_id) == u.access_hash)
            {
                Ok(u.user_id)
            } else {
                Err(bad("PEER_ID_INVALID"))
            }
        }
        enums::InputPeer::Channel(_) | enums::InputPeer::ChannelFromMessage(_) => {
            Err(bad("CHANNEL_INVALID"))
        }
        _ => Err(bad("PEER_ID_INVALID")),
    }
}

/// The supergroup or channel an `InputChannel` names, if its access hash is the
/// one `me` was given.
pub(crate) fn channel_id(w: &World, me: i64, c: &enums::InputChannel) -> Result<i64, RpcErr> {
    match c {
        enums::InputChannel::InputChannel(c)
            if w.chats
                .get(&c.channel_id)
                .is_some_and(|x| x.kind != ChatKind::Group)
                && w.channel_access_hash(me, c.channel_id) == c.access_hash =>
        {
            Ok(c.channel_id)
        }
        _ => Err(bad("CHANNEL_INVALID")),
    }
}

/// A channel `me` may read: a member, or a public one.
pub(crate) fn readable_channel(w: &World, me: i64, c: &enums::InputChannel) -> Result<i64, RpcErr> {
    let id = channel_id(w, me, c)?;
    let chat = &w.chats[&id];
    let member = chat.participant(me).is_some_and(Participant::is_member);
    if !member && chat.username.is_none() {
        return Err(bad("CHANNEL_PRIVATE"));
    }
    Ok(id)
}

/// The forum supergroup a peer names (`CHANNEL_FORUM_MISSING` for other chats).
pub(crate) fn forum_of(w: &World, me: i64, peer: &enums::InputPeer) -> Result<i64, RpcErr> {
    let id = chat_of_peer(w, me, peer)?;
    let c = &w.chats[&id];
    if !c.forum {
        return Err(bad("CHANNEL_FORUM_MISSING"));
    }
    if !c.participant(me).is_some_and(|p| p.is_member()) {
        return Err(bad("CHANNEL_PRIVATE"));
    }
    Ok(id)
}

/// The chat an invite hash opens.
pub(crate) fn invite_chat(w: &World, hash: &str) -> Option<i64> {
    w.chats
        .values()
        .find(|c| c.invites.iter().any(|i| i.hash == hash))
        .map(|c| c.id)
}

pub(crate) fn input_user_id(me: i64, u: &enums::InputUser) -> Result<i64, RpcErr> {
    match u {
        enums::InputUser::InputUserSelf => Ok(me),
        enums::InputUser::InputUser(u) => Ok(u.user_id),
        _ => Err(bad("USER_ID_INVALID")),
    }
}

/// A group or channel named by an input peer, for the calls that take either
/// and change something (a basic group turned into a supergroup refuses,
/// see [`crate::policy::MIGRATED_GROUP`]).
pub(crate) fn chat_of_peer(w: &World, me: i64, peer: &enums::InputPeer) -> Result<i64, RpcErr> {
    let id = chat_of_peer_to_read(w, me, peer)?;
    writable(w, id)
}

/// [`chat_of_peer`] for calls that only read (history, search): a basic
/// group turned into a supergroup still shows what it held.
pub(crate) fn chat_of_peer_to_read(
    w: &World,
    me: i64,
    peer: &enums::InputPeer,
) -> Result<i64, RpcErr> {
    match peer {
        enums::InputPeer::Channel(c) => readable_channel(
            w,
            me,
            &enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        ),
        enums::InputPeer::Chat(c) => group_to_read(w, me, c.chat_id),
        _ => Err(bad("PEER_ID_INVALID")),
    }
}

/// A basic group `me` belongs to, to change something in it (a group turned
/// into a supergroup refuses).
pub(crate) fn group_id(w: &World, me: i64, chat_id: i64) -> Result<i64, RpcErr> {
    let id = group_to_read(w, me, chat_id)?;
    writable(w, id)
}

/// A basic group `me` belongs to, to read (a migrated one too).
pub(crate) fn group_to_read(w: &World, me: i64, chat_id: i64) -> Result<i64, RpcErr> {
    match w.chats.get(&chat_id) {
        Some(c) if c.kind == ChatKind::Group => {
            if c.participant(me).is_some_and(Participant::is_member) {
                Ok(chat_id)
            } else {
                Err(bad("CHAT_FORBIDDEN"))
            }
        }
        _ => Err(bad("CHAT_ID_INVALID")),
    }
}

/// `id` unless it is a deactivated (migrated) basic group.
fn writable(w: &World, id: i64) -> Result<i64, RpcErr> {
    if w.chats.get(&id).is_some_and(|c| c.migrated_to.is_some()) {
        return Err(bad(crate::policy::MIGRATED_GROUP));
    }
    Ok(id)
}
