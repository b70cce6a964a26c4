//! Banning a channel from a supergroup (a spam channel, or the send-as
//! channel of a member): `channels.editBanned` with a channel as the
//! participant (<https://core.telegram.org/method/channels.editBanned>:
//! "participant: the participant to ban", an `InputPeer`). TDLib's
//! `setChatMemberStatus` bans any `MessageSender` the same way.

use crate::chats::PeerBan;
use crate::rpc::prelude::*;

/// `channels.editBanned` of a channel: `ban_users` needed
/// (`CHAT_ADMIN_REQUIRED`); the chat itself `PARTICIPANT_ID_INVALID`; a
/// channel the caller cannot name `CHANNEL_INVALID`; nothing changed
/// `CHAT_NOT_MODIFIED`. Denying anything bans the channel (a channel is
/// never a restricted member); denying nothing lifts the ban. Logged as
/// `participantToggleBan` with `channelParticipantBanned`/`Left` of the
/// channel.
pub(crate) fn edit_banned_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::EditBanned,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    let enums::InputPeer::Channel(c) = &x.participant else {
        return Err(bad("PARTICIPANT_ID_INVALID"));
    };
    let banned = channel_id(
        w,
        me,
        &enums::InputChannel::from(types::InputChannel {
            channel_id: c.channel_id,
            access_hash: c.access_hash,
        }),
    )?;
    if banned == id {
        return Err(bad("PARTICIPANT_ID_INVALID"));
    }
    let chat = &w.chats[&id];
    if !may_ban(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let enums::ChatBannedRights::ChatBannedRights(mut rights) = x.banned_rights.clone();
    rights.until_date = crate::chats::normalize_until(rights.until_date, now);
    let ban = rights
        != types::ChatBannedRights {
            until_date: rights.until_date,
            ..Default::default()
        };
    let prev = chat.banned_channels.get(&banned).cloned();
    let left = enums::ChannelParticipant::from(types::ChannelParticipantLeft {
        peer: enums::Peer::from(types::PeerChannel { channel_id: banned }),
    });
    let next = ban.then_some(PeerBan {
        rights: types::ChatBannedRights {
            view_messages: true,
            ..rights
        },
        kicked_by: me,
        date: now,
    });
    if prev.as_ref().map(|p| &p.rights) == next.as_ref().map(|n| &n.rights) {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let view = |b: &Option<PeerBan>| b.as_ref().map_or(left.clone(), |b| b.view(banned));
    let (prev_view, new_view) = (view(&prev), view(&next));
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    match next {
        Some(b) => c.banned_channels.insert(banned, b),
        None => c.banned_channels.remove(&banned),
    };
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionParticipantToggleBan {
                prev_participant: prev_view,
                new_participant: new_view,
            },
        ),
    );
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.getParticipant` of a channel: its ban, or
/// `USER_NOT_PARTICIPANT`.
pub(crate) fn banned_channel(
    w: &World,
    me: i64,
    chat: i64,
    channel: i64,
) -> Result<enums::channels::ChannelParticipant, RpcErr> {
    let c = &w.chats[&chat];
    let Some(b) = c.banned_channels.get(&channel) else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    Ok(enums::channels::ChannelParticipant::from(
        types::channels::ChannelParticipant {
            participant: b.view(channel),
            chats: w
                .chat_view(me, chat)
                .into_iter()
                .chain(w.chat_view(me, channel))
                .collect(),
            users: users_of(w, me, vec![b.kicked_by]),
        },
    ))
}
