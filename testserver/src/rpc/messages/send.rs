//! Sending messages and media, typing actions, and the updates they push.

use crate::rpc::prelude::*;
use crate::rpc::upload::{check_photo, take_upload};
use crate::world::StoredMessage;

/// `messages.setTyping`: tells the other members' sessions (or the other user).
pub(crate) fn set_typing(
    cx: &mut Cx<'_>,
    x: functions::messages::SetTyping,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let from = enums::Peer::from(types::PeerUser { user_id: me });
    let (update, recipients): (enums::Update, Vec<i64>) = match &x.peer {
        enums::InputPeer::User(_) | enums::InputPeer::InputPeerSelf => {
            let user = resolve_user_peer(w, me, &x.peer)?;
            (
                enums::Update::from(types::UpdateUserTyping {
                    user_id: me,
                    top_msg_id: x.top_msg_id,
                    action: x.action.clone(),
                }),
                if user == me { Vec::new() } else { vec![user] },
            )
        }
        enums::InputPeer::Chat(c) => {
            let id = group_id(w, me, c.chat_id)?;
            (
                enums::Update::from(types::UpdateChatUserTyping {
                    chat_id: id,
                    from_id: from,
                    action: x.action.clone(),
                }),
                w.chats[&id]
                    .participants
                    .iter()
                    .filter(|p| p.is_member())
                    .map(|p| p.user)
                    .collect(),
            )
        }
        enums::InputPeer::Channel(c) => {
            let id = channel_id(
                w,
                me,
                &enums::InputChannel::from(types::InputChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }),
            )?;
            let chat = &w.chats[&id];
            let Some(p) = chat.participant(me).filter(|p| p.is_member()) else {
                return Err(bad("USER_NOT_PARTICIPANT"));
            };
            if !may_show_typing(chat, p) {
                return Err(bad("CHAT_WRITE_FORBIDDEN"));
            }
            (
                enums::Update::from(types::UpdateChannelUserTyping {
                    channel_id: id,
                    top_msg_id: x.top_msg_id,
                    from_id: from,
                    action: x.action.clone(),
                }),
                chat.participants
                    .iter()
                    .filter(|p| p.is_member())
                    .map(|p| p.user)
                    .collect(),
            )
        }
        _ => return Err(bad("PEER_ID_INVALID")),
    };
    let date = ctx.shared.clock.unix();
    for r in recipients.into_iter().filter(|r| *r != me) {
        let body = enums::Updates::from(types::UpdateShort {
            update: update.clone(),
            date,
        });
        ctx.shared.push_update(r, None, &body);
    }
    Ok(true)
}

/// `messages.sendMessage`.
pub(crate) fn send_message(
    cx: &mut Cx<'_>,
    x: functions::messages::SendMessage,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if x.message.trim().is_empty() {
        return Err(bad("MESSAGE_EMPTY"));
    }
    if x.message.chars().count() > 4096 {
        return Err(bad("MESSAGE_TOO_LONG"));
    }
    if matches!(
        x.peer,
        enums::InputPeer::Chat(_) | enums::InputPeer::Channel(_)
    ) {
        let topic = match &x.reply_to {
            Some(enums::InputReplyTo::Message(r)) => {
                Some(r.top_msg_id.unwrap_or(r.reply_to_msg_id))
            }
            _ => None,
        };
        let post = Post {
            text: &x.message,
            random_id: x.random_id,
            topic,
            send_as: x.send_as.as_ref(),
        };
        return send_to_chat(ctx, w, me, &x.peer, post);
    }
    let peer = resolve_user_peer(w, me, &x.peer)?;
    let (id, pts, date) = match sent_before(w, me, x.random_id) {
        Some(m) => (m.id, m.pts, m.date),
        None => {
            let sent = deliver(ctx, w, me, peer, x.message.to_string(), None);
            w.random_ids.insert((me, x.random_id), sent.0);
            sent
        }
    };
    Ok(enums::Updates::from(types::UpdateShortSentMessage {
        out: true,
        id,
        pts,
        pts_count: 1,
        date,
        ..Default::default()
    }))
}

/// `messages.sendMedia`.
pub(crate) fn send_media(
    cx: &mut Cx<'_>,
    x: functions::messages::SendMedia,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let peer = resolve_user_peer(w, me, &x.peer)?;
    if let Some(m) = sent_before(w, me, x.random_id) {
        return Ok(sent_media_updates(w, me, peer, &m, x.random_id));
    }
    let photo = match &x.media {
        enums::InputMedia::UploadedPhoto(p) => {
            let bytes = take_upload(w, me, &p.file)?;
            let dc = w.accounts[&me].home_dc;
            w.add_photo(me, shared.clock.unix(), dc, bytes)
        }
        enums::InputMedia::Photo(p) => match &p.id {
            enums::InputPhoto::InputPhoto(i) => {
                check_photo(w, i.id, i.access_hash, &i.file_reference)?;
                i.id
            }
            enums::InputPhoto::Empty => return Err(bad("MEDIA_EMPTY")),
        },
        enums::InputMedia::UploadedDocument(d) => {
            let bytes = take_upload(w, me, &d.file)?;
            let dc = w.accounts[&me].home_dc;
            let id = w.add_photo(me, shared.clock.unix(), dc, bytes);
            let name = d
                .attributes
                .iter()
                .find_map(|a| match a {
                    enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "file".into());
            w.photos
                .get_mut(&id)
                .ok_or_else(|| internal("just added"))?
                .document = Some((d.mime_type.to_string(), name.to_string()));
            id
        }
        enums::InputMedia::Document(d) => match &d.id {
            enums::InputDocument::InputDocument(i) => {
                check_photo(w, i.id, i.access_hash, &i.file_reference).map_err(|e| {
                    match e.message.as_str() {
                        "PHOTO_INVALID" => bad("DOCUMENT_INVALID"),
                        _ => e,
                    }
                })?;
                if w.photos[&i.id].document.is_none() {
                    return Err(bad("DOCUMENT_INVALID"));
                }
                i.id
            }
            enums::InputDocument::Empty => return Err(bad("MEDIA_EMPTY")),
        },
        _ => return Err(bad("MEDIA_INVALID")),
    };
    let media = if w.photos[&photo].document.is_some() {
        enums::MessageMedia::from(types::MessageMediaDocument {
            document: w.document_view(photo),
            ..Default::default()
        })
    } else {
        enums::MessageMedia::from(types::MessageMediaPhoto {
            photo: w.photo_view(photo),
            ..Default::default()
        })
    };
    let (id, _, _) = deliver(ctx, w, me, peer, x.message.to_string(), Some(media));
    w.random_ids.insert((me, x.random_id), id);
    let message = w.mailbox(me).messages[&id].clone();
    Ok(sent_media_updates(w, me, peer, &message, x.random_id))
}

/// Stores a message from `me` to `peer` in both mailboxes and pushes it to the
/// other sessions of both. Returns the sender's (id, pts, date).
pub(crate) fn deliver(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    peer: i64,
    text: String,
    media: Option<enums::MessageMedia>,
) -> (i32, i32, i32) {
    let date = ctx.shared.clock.unix();
    let store = |w: &mut World, owner: i64, other: i64, out: bool| {
        let id = w.common_ids.next();
        let m = w.mailbox(owner);
        m.pts += 1;
        let pts = m.pts;
        let msg = StoredMessage {
            id,
            peer: other,
            from: me,
            out,
            date,
            text: text.clone(),
            media: media.clone(),
            pts,
            twin: None,
        };
        m.messages.insert(id, msg.clone());
        w.forget_old_messages(owner);
        (msg, pts)
    };
    let (mine, pts) = store(w, me, peer, true);
    let push = |w: &World, owner: i64, msg: &StoredMessage, except: Option<u64>| {
        let update = if msg.media.is_none() {
            enums::Updates::from(types::UpdateShortMessage {
                out: msg.out,
                id: msg.id,
                user_id: msg.peer,
                message: msg.text.as_str().into(),
                pts: msg.pts,
                pts_count: 1,
                date: msg.date,
                ..Default::default()
            })
        } else {
            enums::Updates::from(types::Updates {
                updates: vec![enums::Update::from(types::UpdateNewMessage {
                    message: w.message_view(msg),
                    pts: msg.pts,
                    pts_count: 1,
                })],
                users: users_of(w, owner, vec![owner, msg.peer, msg.from]),
                chats: Vec::new(),
                date: msg.date,
                seq: 0,
            })
        };
        ctx.shared.push_update(owner, except, &update);
    };
    push(w, me, &mine, Some(ctx.conn));
    if peer != me {
        let (theirs, _) = store(w, peer, me, false);
        push(w, peer, &theirs, None);
        // Each copy knows the other, for a deletion with `revoke`.
        if let Some(m) = w.mailbox(me).messages.get_mut(&mine.id) {
            m.twin = Some(theirs.id);
        }
        if let Some(m) = w.mailbox(peer).messages.get_mut(&theirs.id) {
            m.twin = Some(mine.id);
        }
    }
    (mine.id, pts, date)
}

/// The message `me` already sent with `random_id`, if any.
pub(crate) fn sent_before(w: &mut World, me: i64, random_id: i64) -> Option<StoredMessage> {
    let id = *w.random_ids.get(&(me, random_id))?;
    w.mailbox(me).messages.get(&id).cloned()
}

/// What `messages.sendMedia` answers for the sender's copy of `message`.
pub(crate) fn sent_media_updates(
    w: &World,
    me: i64,
    peer: i64,
    message: &StoredMessage,
    random_id: i64,
) -> enums::Updates {
    enums::Updates::from(types::Updates {
        updates: vec![
            enums::Update::from(types::UpdateMessageID {
                id: message.id,
                random_id,
            }),
            enums::Update::from(types::UpdateNewMessage {
                message: w.message_view(message),
                pts: message.pts,
                pts_count: 1,
            }),
        ],
        users: users_of(w, me, vec![me, peer]),
        chats: Vec::new(),
        date: message.date,
        seq: 0,
    })
}

/// Announces a new service message: to every other connected member, and
/// (returned) to its author, with `users` added to the answer's users.
pub(crate) fn service_updates(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    chat: i64,
    m: &crate::chats::ChatMessage,
    users: Vec<i64>,
) -> enums::Updates {
    let members: Vec<i64> = w.chats[&chat]
        .participants
        .iter()
        .filter(|p| p.is_member() && p.user != me)
        .map(|p| p.user)
        .filter(|u| ctx.shared.is_subscribed(*u))
        .collect();
    for member in members {
        let bytes = new_message_updates(w, member, chat, m, None, &[]);
        ctx.shared.push_update(member, None, &bytes);
    }
    new_message_updates(w, me, chat, m, None, &users)
}

/// A message for a group or channel, as `messages.sendMessage` asks.
pub(crate) struct Post<'a> {
    pub text: &'a str,
    /// The sender's id for it: a resend with the same one is no new message.
    pub random_id: i64,
    /// The forum topic named (see [`topic_of_post`]).
    pub topic: Option<i32>,
    /// Who it shows as (see [`crate::rpc::channels::send_as::poster`]).
    pub send_as: Option<&'a enums::InputPeer>,
}

/// `messages.sendMessage` to a basic group, supergroup or channel. Members
/// write unless restricted (personally or by the chat's defaults); in
/// broadcast channels only the creator and admins with `post_messages`. The
/// new message reaches every member's connected sessions. In basic groups the
/// `updateNewMessage` carries the next pts of each member's mailbox, but the
/// message is kept with the group, not copied into every mailbox. In a
/// forum, `topic` (the `reply_to`'s `top_msg_id`, or the message replied
/// to) names the topic (see [`topic_of_post`]). In a supergroup, `send_as`
/// may name a channel to post as.
pub(crate) fn send_to_chat(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    peer: &enums::InputPeer,
    post: Post<'_>,
) -> Result<enums::Updates, RpcErr> {
    let Post {
        text,
        random_id,
        topic,
        send_as,
    } = post;
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let id = chat_of_peer(w, me, peer)?;
    let chat = &w.chats[&id];
    let Some(p) = chat.participant(me).filter(|p| p.is_member()) else {
        return Err(bad("CHAT_WRITE_FORBIDDEN"));
    };
    if !may_post(chat, p, now) {
        return Err(bad("CHAT_WRITE_FORBIDDEN"));
    }
    let topic = topic_of_post(chat, me, topic)?;
    let as_channel = match crate::rpc::channels::send_as::poster(w, me, chat, send_as, now)? {
        crate::chats::Sender::Channel(c) => Some(c),
        crate::chats::Sender::User(_) => None,
    };
    // Slow mode: members (not admins) wait between messages; a retried
    // send (same random_id) is no new message.
    let slowmode = chat.settings.slowmode;
    if slowmode > 0
        && !p.is_admin()
        && !chat.random_ids.contains_key(&(me, random_id))
        && let Some(&last) = chat.last_post.get(&me)
    {
        let left = last.saturating_add(slowmode).saturating_sub(now);
        if left > 0 {
            return Err(bad(&format!("SLOWMODE_WAIT_{left}")));
        }
    }
    let m = match chat.random_ids.get(&(me, random_id)) {
        Some(&mid) => chat
            .message(mid)
            .cloned()
            .ok_or_else(|| internal("stored"))?,
        None => {
            let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
            let mut m = c.add_message(now, me, text.to_owned(), None);
            m.topic = topic;
            m.ttl = c.settings.ttl_period;
            m.as_channel = as_channel;
            if let Some(stored) = c.messages.last_mut() {
                stored.topic = m.topic;
                stored.ttl = m.ttl;
                stored.as_channel = as_channel;
            }
            let expires = (m.ttl > 0).then(|| now.saturating_add(m.ttl));
            c.random_ids.insert((me, random_id), m.id);
            c.last_post.insert(me, now);
            // Everyone else connected hears of it.
            let members: Vec<i64> = c
                .participants
                .iter()
                .filter(|p| p.is_member() && p.user != me)
                .map(|p| p.user)
                .filter(|u| ctx.shared.is_subscribed(*u))
                .collect();
            for member in members {
                let bytes = new_message_updates(w, member, id, &m, None, &[]);
                ctx.shared.push_update(member, None, &bytes);
            }
            let own = new_message_updates(w, me, id, &m, None, &[]);
            ctx.shared.push_update(me, Some(ctx.conn), &own);
            if let Some(at) = expires {
                w.message_expiry = Some(w.message_expiry.map_or(at, |t| t.min(at)));
            }
            m
        }
    };
    Ok(new_message_updates(w, me, id, &m, Some(random_id), &[]))
}

/// The forum topic a post goes to: the one named (a topic's first message,
/// or any message in it), else the General topic (`None`). A topic that
/// does not exist is `TOPIC_ID_INVALID`; a closed one (the General topic
/// too) refuses members without `manage_topics`: `TOPIC_CLOSED`
/// (<https://core.telegram.org/api/forum#forum-topics>). Outside forums
/// the reply is not a topic.
fn topic_of_post(
    chat: &crate::chats::StoredChat,
    me: i64,
    named: Option<i32>,
) -> Result<Option<i32>, RpcErr> {
    if !chat.forum {
        return Ok(None);
    }
    let moderator = caller_rights(chat, me).is_some_and(|(_, r)| r.manage_topics);
    let named = named.filter(|&t| t != super::topics::GENERAL_TOPIC);
    let Some(named) = named else {
        if chat.settings.general_closed && !moderator {
            return Err(bad("TOPIC_CLOSED"));
        }
        return Ok(None);
    };
    // A reply to a message inside a topic is in that topic.
    let root = chat
        .message(named)
        .map_or(named, |m| m.topic.unwrap_or(named));
    let Some(topic) = chat.topics.iter().find(|t| t.id == root) else {
        return Err(bad("TOPIC_ID_INVALID"));
    };
    if topic.closed && !moderator {
        return Err(bad("TOPIC_CLOSED"));
    }
    Ok(Some(topic.id))
}

/// The `Updates` of a new group or channel message for `viewer` (with
/// `updateMessageID` for the sender's own answer).
pub(crate) fn new_message_updates(
    w: &mut World,
    viewer: i64,
    chat: i64,
    m: &crate::chats::ChatMessage,
    random_id: Option<i64>,
    extra_users: &[i64],
) -> enums::Updates {
    let c = &w.chats[&chat];
    let message = w.chat_message_view(c, m, viewer);
    let group = c.kind == ChatKind::Group;
    let mut updates = Vec::new();
    if let Some(random_id) = random_id {
        updates.push(enums::Update::from(types::UpdateMessageID {
            id: m.id,
            random_id,
        }));
    }
    if group {
        let mailbox = w.mailbox(viewer);
        let pts = match mailbox.group_pts.get(&(chat, m.id)) {
            Some(&pts) => pts,
            None => {
                mailbox.pts += 1;
                mailbox.group_pts.insert((chat, m.id), mailbox.pts);
                mailbox.pts
            }
        };
        updates.push(enums::Update::from(types::UpdateNewMessage {
            message,
            pts,
            pts_count: 1,
        }));
    } else {
        updates.push(enums::Update::from(types::UpdateNewChannelMessage {
            message,
            pts: m.pts,
            pts_count: 1,
        }));
    }
    enums::Updates::from(types::Updates {
        updates,
        users: users_of(
            w,
            viewer,
            [viewer, m.from]
                .into_iter()
                .chain(extra_users.iter().copied())
                .collect(),
        ),
        chats: w
            .chat_view(viewer, chat)
            .into_iter()
            .chain(m.as_channel.and_then(|c| w.chat_view(viewer, c)))
            .collect(),
        date: m.date,
        seq: 0,
    })
}
