//! `updates.*`: the update state and differences.

use super::prelude::*;
use crate::world::StoredMessage;

/// The most updates one `updates.getDifference` returns before answering a slice.
const DIFFERENCE_LIMIT: usize = 100;

/// `updates.getState`.
pub(crate) fn get_state(
    cx: &mut Cx<'_>,
    _: functions::updates::GetState,
) -> Result<enums::updates::State, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let date = shared.clock.unix();
    let m = w.mailbox(me);
    Ok(enums::updates::State::from(types::updates::State {
        pts: m.pts,
        qts: m.qts,
        date,
        seq: m.seq,
        unread_count: 0,
    }))
}

/// `updates.getDifference`.
pub(crate) fn get_difference(
    cx: &mut Cx<'_>,
    x: functions::updates::GetDifference,
) -> Result<enums::updates::Difference, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let date = ctx.shared.clock.unix();
    let m = w.mailbox(me).clone();
    let state = |pts: i32| {
        enums::updates::State::from(types::updates::State {
            pts,
            qts: m.qts,
            date,
            seq: m.seq,
            unread_count: 0,
        })
    };
    let limit = x
        .pts_total_limit
        .filter(|l| *l > 0)
        .map_or(DIFFERENCE_LIMIT, |l| (l as usize).min(DIFFERENCE_LIMIT));
    let mut new: Vec<&StoredMessage> = m.messages.values().filter(|s| s.pts > x.pts).collect();
    new.sort_by_key(|s| s.pts);
    // Membership updates of bots, after the client's qts.
    let other_updates: Vec<enums::Update> = m
        .qts_updates
        .iter()
        .filter(|(qts, _)| *qts > x.qts)
        .map(|(_, u)| u.clone())
        .collect();
    let (mut peers, chat_ids) = qts_peers(&other_updates);
    let chats: Vec<enums::Chat> = chat_ids
        .into_iter()
        .filter_map(|c| w.chat_view(me, c))
        .collect();
    if new.is_empty() && other_updates.is_empty() {
        return Ok(enums::updates::Difference::from(
            types::updates::DifferenceEmpty { date, seq: m.seq },
        ));
    }
    let more = new.len() > limit;
    new.truncate(limit);
    peers.extend(new.iter().flat_map(|s| [s.peer, s.from]).chain([me]));
    let new_messages = new.iter().map(|s| w.message_view(s)).collect();
    let users = users_of(w, me, peers);
    let out = if more {
        let last = new.last().map_or(x.pts, |s| s.pts);
        enums::updates::Difference::from(types::updates::DifferenceSlice {
            new_messages,
            new_encrypted_messages: Vec::new(),
            other_updates,
            chats,
            users,
            intermediate_state: state(last),
        })
    } else {
        enums::updates::Difference::from(types::updates::Difference {
            new_messages,
            new_encrypted_messages: Vec::new(),
            other_updates,
            chats,
            users,
            state: state(m.pts),
        })
    };
    Ok(out)
}

/// The users and chats qts updates name.
fn qts_peers(updates: &[enums::Update]) -> (Vec<i64>, Vec<i64>) {
    let (mut users, mut chats) = (Vec::new(), Vec::new());
    for u in updates {
        match u {
            enums::Update::ChannelParticipant(p) => {
                users.extend([p.actor_id, p.user_id]);
                chats.push(p.channel_id);
            }
            enums::Update::ChatParticipant(p) => {
                users.extend([p.actor_id, p.user_id]);
                chats.push(p.chat_id);
            }
            enums::Update::BotChatInviteRequester(r) => {
                users.push(r.user_id);
                if let enums::Peer::Channel(c) = &r.peer {
                    chats.push(c.channel_id);
                } else if let enums::Peer::Chat(c) = &r.peer {
                    chats.push(c.chat_id);
                }
            }
            _ => {}
        }
    }
    chats.sort_unstable();
    chats.dedup();
    (users, chats)
}

/// `updates.getChannelDifference`.
pub(crate) fn get_channel_difference(
    cx: &mut Cx<'_>,
    x: functions::updates::GetChannelDifference,
) -> Result<enums::updates::ChannelDifference, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    channel_difference(w, me, &x)
}

/// `updates.getChannelDifference`: the channel's messages after `pts`, at most
/// `limit` (1..=1000) at a time (`final` false while more remain).
pub(crate) fn channel_difference(
    w: &World,
    me: i64,
    x: &functions::updates::GetChannelDifference,
) -> Result<enums::updates::ChannelDifference, RpcErr> {
    let id = readable_channel(w, me, &x.channel)?;
    let c = &w.chats[&id];
    if x.pts <= 0 {
        return Err(bad("PERSISTENT_TIMESTAMP_EMPTY"));
    }
    if x.pts > c.pts {
        return Err(bad("PERSISTENT_TIMESTAMP_INVALID"));
    }
    let chats: Vec<enums::Chat> = w.chat_view(me, id).into_iter().collect();
    if x.pts == c.pts {
        return Ok(enums::updates::ChannelDifference::from(
            types::updates::ChannelDifferenceEmpty {
                r#final: true,
                pts: c.pts,
                timeout: Some(30),
            },
        ));
    }
    let limit = x.limit.clamp(1, 1000) as usize;
    let newer: Vec<&crate::chats::ChatMessage> =
        c.messages.iter().filter(|m| m.pts > x.pts).collect();
    let done = newer.len() <= limit;
    let page = &newer[..newer.len().min(limit)];
    let pts = if done {
        c.pts
    } else {
        page.last().map_or(c.pts, |m| m.pts)
    };
    let new_messages: Vec<enums::Message> =
        page.iter().map(|m| w.chat_message_view(c, m, me)).collect();
    let mut authors: Vec<i64> = new_messages.iter().filter_map(message_author).collect();
    authors.sort_unstable();
    authors.dedup();
    Ok(enums::updates::ChannelDifference::from(
        types::updates::ChannelDifference {
            r#final: done,
            pts,
            timeout: Some(30),
            new_messages,
            other_updates: Vec::new(),
            chats,
            users: users_of(w, me, authors),
        },
    ))
}
