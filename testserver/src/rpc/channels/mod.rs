//! `channels.*`: supergroups and broadcast channels.

pub(crate) mod admin_log;
pub(crate) mod cleanup;
pub(crate) mod discussion;
pub(crate) mod lifecycle;
pub(crate) mod membership;
pub(crate) mod options;
pub(crate) mod participants;
pub(crate) mod peer_bans;
pub(crate) mod send_as;
pub(crate) mod settings;
pub(crate) mod toggles;

use super::prelude::*;

/// `channels.getMessages`.
pub(crate) fn get_messages(
    cx: &mut Cx<'_>,
    x: functions::channels::GetMessages,
) -> Result<enums::messages::Messages, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = channel_id(w, me, &x.channel)?;
    let c = &w.chats[&id];
    if x.id.len() > 100 {
        return Err(bad("LIMIT_INVALID"));
    }
    let messages: Vec<enums::Message> =
        x.id.iter()
            .map(|m| {
                let found = match m {
                    enums::InputMessage::ID(i) => c.message(i.id),
                    _ => None,
                };
                match found {
                    Some(m) => w.chat_message_view(c, m, me),
                    None => enums::Message::from(types::MessageEmpty {
                        id: match m {
                            enums::InputMessage::ID(i) => i.id,
                            _ => 0,
                        },
                        peer_id: Some(c.peer()),
                    }),
                }
            })
            .collect();
    let mut authors: Vec<i64> = messages.iter().filter_map(message_author).collect();
    authors.sort_unstable();
    authors.dedup();
    Ok(enums::messages::Messages::from(
        types::messages::ChannelMessages {
            inexact: false,
            pts: c.pts,
            count: messages.len() as i32,
            offset_id_offset: None,
            messages,
            topics: Vec::new(),
            chats: w.chat_view(me, id).into_iter().collect(),
            users: users_of(w, me, authors),
        },
    ))
}

/// `channels.getChannels`.
pub(crate) fn get_channels(
    cx: &mut Cx<'_>,
    x: functions::channels::GetChannels,
) -> Result<enums::messages::Chats, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let mut chats = Vec::new();
    for c in &x.id {
        // A community is named by an InputChannel too.
        if let Ok(id) = super::communities::community_id(w, me, c) {
            chats.extend(w.community_view(me, id));
            continue;
        }
        let id = channel_id(w, me, c)?;
        chats.extend(w.chat_view(me, id));
    }
    Ok(enums::messages::Chats::from(types::messages::Chats {
        chats,
    }))
}

/// `channels.getFullChannel`.
pub(crate) fn get_full_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::GetFullChannel,
) -> Result<enums::messages::ChatFull, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    w.expire_restrictions(shared.clock.unix());
    if let Ok(id) = super::communities::community_id(w, me, &x.channel) {
        // A community's `communityFull`, its chats with it.
        let full = w.community_full(me, id).ok_or_else(|| internal("exists"))?;
        let mut chats: Vec<enums::Chat> = w.community_view(me, id).into_iter().collect();
        for p in &full.linked_peers {
            let enums::CommunityPeer::CommunityPeer(p) = p;
            if let enums::Peer::Channel(c) = &p.peer {
                chats.extend(w.chat_view(me, c.channel_id));
            }
        }
        return Ok(enums::messages::ChatFull::from(types::messages::ChatFull {
            full_chat: enums::ChatFull::from(full),
            chats,
            users: Vec::new(),
        }));
    }
    let id = readable_channel(w, me, &x.channel)?;
    let mut full = w.channel_full(id).ok_or_else(|| internal("exists"))?;
    // Where statistics are served (channelFull.stats_dc, which TDLib sends
    // every stats.* request to directly).
    full.stats_dc = full.can_view_stats.then(|| shared.stats_dc(w.home_dc));
    // Pending join requests and the guard bot, for those who may decide
    // them (TDLib: the guard bot is shown "for chat administrators only").
    let c = &w.chats[&id];
    let mut users = Vec::new();
    if may_export_invite(c, me) {
        (full.requests_pending, full.recent_requesters) = c.pending_summary();
        users.extend(full.recent_requesters.iter().flatten().copied());
        full.guard_bot_id = c.guard_bot;
        users.extend(c.guard_bot);
    }
    // The community the chat is in comes along, as a linked chat does.
    let community = w.community_of(id).and_then(|c| w.community_view(me, c));
    Ok(enums::messages::ChatFull::from(types::messages::ChatFull {
        full_chat: enums::ChatFull::from(full),
        chats: w.chat_view(me, id).into_iter().chain(community).collect(),
        users: users_of(w, me, users),
    }))
}
