//! Reading messages: history, by id, search.

use crate::rpc::prelude::*;
use crate::world::StoredMessage;

/// `messages.search` in a group or channel. Only the chat-photos filter is
/// modelled (what `iter_profile_photos` needs); other filters answer
/// `FILTER_NOT_SUPPORTED` instead of a silently empty result.
pub(crate) fn search(
    cx: &mut Cx<'_>,
    x: functions::messages::Search,
) -> Result<enums::messages::Messages, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    if !matches!(
        x.filter,
        enums::MessagesFilter::InputMessagesFilterChatPhotos
    ) {
        return Err(bad("FILTER_NOT_SUPPORTED"));
    }
    let id = chat_of_peer_to_read(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let q = x.q.to_lowercase();
    // Newest first, in the id window.
    let matching: Vec<&crate::chats::ChatMessage> = c
        .messages
        .iter()
        .rev()
        .filter(|m| matches!(m.action, Some(enums::MessageAction::ChatEditPhoto(_))))
        .filter(|_| q.is_empty())
        .filter(|m| x.max_id <= 0 || m.id < x.max_id)
        .filter(|m| m.id > x.min_id)
        .filter(|m| x.min_date <= 0 || m.date >= x.min_date)
        .filter(|m| x.max_date <= 0 || m.date <= x.max_date)
        .collect();
    let count = matching.len() as i32;
    let start = matching
        .iter()
        .position(|m| x.offset_id <= 0 || m.id < x.offset_id)
        .unwrap_or(matching.len());
    let start = (start as i64 + i64::from(x.add_offset)).clamp(0, matching.len() as i64) as usize;
    let limit = x.limit.clamp(0, 100) as usize;
    let page: Vec<enums::Message> = matching[start..]
        .iter()
        .take(limit)
        .map(|m| w.chat_message_view(c, m, me))
        .collect();
    let mut users: Vec<i64> = page.iter().filter_map(message_author).collect();
    users.sort_unstable();
    users.dedup();
    let users = users_of(w, me, users);
    let chats: Vec<enums::Chat> = w.chat_view(me, id).into_iter().collect();
    let out = if c.kind == ChatKind::Group {
        if page.len() as i32 == count {
            enums::messages::Messages::from(types::messages::Messages {
                messages: page,
                topics: Vec::new(),
                chats,
                users,
            })
        } else {
            enums::messages::Messages::from(types::messages::MessagesSlice {
                inexact: false,
                count,
                next_rate: None,
                offset_id_offset: None,
                search_flood: None,
                messages: page,
                topics: Vec::new(),
                chats,
                users,
            })
        }
    } else {
        enums::messages::Messages::from(types::messages::ChannelMessages {
            inexact: false,
            pts: c.pts,
            count,
            offset_id_offset: None,
            messages: page,
            topics: Vec::new(),
            chats,
            users,
        })
    };
    Ok(out)
}

/// `messages.getHistory`.
pub(crate) fn get_history(
    cx: &mut Cx<'_>,
    x: functions::messages::GetHistory,
) -> Result<enums::messages::Messages, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    if matches!(
        x.peer,
        enums::InputPeer::Chat(_) | enums::InputPeer::Channel(_)
    ) {
        return chat_history(w, me, &x);
    }
    let peer = resolve_user_peer(w, me, &x.peer)?;
    private_history(w, me, peer, &x)
}

/// `messages.getMessages`: messages of the common message box by id, the
/// caller's private messages and those of basic groups they are in
/// (`messageEmpty` for an id naming neither).
pub(crate) fn get_messages(
    cx: &mut Cx<'_>,
    x: functions::messages::GetMessages,
) -> Result<enums::messages::Messages, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let mut peers = vec![me];
    let mut chats: Vec<i64> = Vec::new();
    let empty = |id| enums::Message::from(types::MessageEmpty { id, peer_id: None });
    let w: &World = w;
    let messages: Vec<enums::Message> =
        x.id.iter()
            .map(|m| {
                let enums::InputMessage::ID(i) = m else {
                    return empty(0);
                };
                if let Some(s) = w.mailboxes.get(&me).and_then(|b| b.messages.get(&i.id)) {
                    peers.push(s.peer);
                    return w.message_view(s);
                }
                match super::delete::group_message(w, me, i.id) {
                    Some((chat, m)) => {
                        peers.push(m.from);
                        chats.push(chat);
                        w.chat_message_view(&w.chats[&chat], m, me)
                    }
                    None => empty(i.id),
                }
            })
            .collect();
    chats.sort_unstable();
    chats.dedup();
    Ok(enums::messages::Messages::from(types::messages::Messages {
        messages,
        topics: Vec::new(),
        chats: chats.iter().filter_map(|c| w.chat_view(me, *c)).collect(),
        users: users_of(w, me, peers),
    }))
}

pub(crate) fn private_history(
    w: &mut World,
    me: i64,
    peer: i64,
    x: &functions::messages::GetHistory,
) -> Result<enums::messages::Messages, RpcErr> {
    let mailbox = w.mailbox(me).clone();
    // Newest first, as Telegram returns them.
    let all: Vec<&StoredMessage> = mailbox
        .messages
        .values()
        .rev()
        .filter(|m| m.peer == peer)
        .filter(|m| x.max_id <= 0 || m.id < x.max_id)
        .filter(|m| x.min_id <= 0 || m.id > x.min_id)
        .collect();
    let (start, limit) = history_page(all.iter().map(|m| (m.id, m.date)), x);
    let page: Vec<&StoredMessage> = all.iter().skip(start).take(limit).copied().collect();
    let messages = page.iter().map(|m| w.message_view(m)).collect();
    let users = users_of(w, me, vec![me, peer]);
    let out = if page.len() == all.len() {
        enums::messages::Messages::from(types::messages::Messages {
            messages,
            topics: Vec::new(),
            chats: Vec::new(),
            users,
        })
    } else {
        enums::messages::Messages::from(types::messages::MessagesSlice {
            count: all.len() as i32,
            messages,
            users,
            ..Default::default()
        })
    };
    Ok(out)
}

/// `messages.getHistory` of a group or channel: newest first, with Telegram's
/// `offset_id`/`add_offset`/`limit`/`max_id`/`min_id`.
pub(crate) fn chat_history(
    w: &World,
    me: i64,
    x: &functions::messages::GetHistory,
) -> Result<enums::messages::Messages, RpcErr> {
    let id = chat_of_peer_to_read(w, me, &x.peer)?;
    let c = &w.chats[&id];
    // What the caller deleted for themselves in a basic group.
    let hidden = w.mailboxes.get(&me).map(|b| &b.hidden);
    let all: Vec<&crate::chats::ChatMessage> = c
        .messages
        .iter()
        .rev()
        .filter(|m| !hidden.is_some_and(|h| h.contains(&(id, m.id))))
        .filter(|m| x.max_id <= 0 || m.id < x.max_id)
        .filter(|m| x.min_id <= 0 || m.id > x.min_id)
        .collect();
    let (start, limit) = history_page(all.iter().map(|m| (m.id, m.date)), x);
    let page: Vec<&crate::chats::ChatMessage> =
        all.iter().skip(start).take(limit).copied().collect();
    let messages: Vec<enums::Message> =
        page.iter().map(|m| w.chat_message_view(c, m, me)).collect();
    let mut authors: Vec<i64> = messages.iter().filter_map(message_author).collect();
    authors.sort_unstable();
    authors.dedup();
    let users = users_of(w, me, authors);
    // The chat, and the channels members posted as.
    let mut posted_as: Vec<i64> = page.iter().filter_map(|m| m.as_channel).collect();
    posted_as.sort_unstable();
    posted_as.dedup();
    let chats: Vec<enums::Chat> = std::iter::once(id)
        .chain(posted_as)
        .filter_map(|c| w.chat_view(me, c))
        .collect();
    let out = if c.kind != ChatKind::Group {
        enums::messages::Messages::from(types::messages::ChannelMessages {
            inexact: false,
            pts: c.pts,
            count: all.len() as i32,
            offset_id_offset: None,
            messages,
            topics: Vec::new(),
            chats,
            users,
        })
    } else if messages.len() == all.len() {
        enums::messages::Messages::from(types::messages::Messages {
            messages,
            topics: Vec::new(),
            chats,
            users,
        })
    } else {
        enums::messages::Messages::from(types::messages::MessagesSlice {
            count: all.len() as i32,
            messages,
            chats,
            users,
            ..Default::default()
        })
    };
    Ok(out)
}

/// Where a `messages.getHistory` page starts in newest-first `(id, date)`s and
/// how many it takes: the first message older than `offset_id` and
/// `offset_date`, moved by `add_offset` (clamped), at most `limit` (20 when
/// unset, 100 at most).
fn history_page(
    newest_first: impl ExactSizeIterator<Item = (i32, i32)>,
    x: &functions::messages::GetHistory,
) -> (usize, usize) {
    let len = newest_first.len();
    let start = newest_first
        .into_iter()
        .position(|(id, date)| {
            (x.offset_id <= 0 || id < x.offset_id) && (x.offset_date <= 0 || date < x.offset_date)
        })
        .unwrap_or(len);
    let start = (start as i64 + i64::from(x.add_offset)).clamp(0, len as i64) as usize;
    let limit = if x.limit <= 0 { 20 } else { x.limit.min(100) } as usize;
    (start, limit)
}
