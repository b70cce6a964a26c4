//! Pinning: `messages.updatePinnedMessage` in groups, supergroups and
//! channels.

use crate::rpc::prelude::*;

/// `messages.updatePinnedMessage`: pins (or with `unpin` unpins) a message
/// of a chat ([`may_pin`], else `CHAT_ADMIN_REQUIRED`); a message the chat
/// does not have is `MESSAGE_ID_INVALID` (the method page). Supergroups
/// and channels log `channelAdminLogEventActionUpdatePinned` and move their
/// pts (`updatePinnedChannelMessages`); a basic group's members get
/// `updatePinnedMessages` with their own pts. Full-chat views show the
/// latest pinned message. Pinning (not unpinning) posts the service
/// message `messageActionPinMessage`, a reply to the pinned message, as
/// Telegram's apps show "X pinned Y"; its `updateNewChannelMessage` (or
/// `updateNewMessage`) comes in the same answer.
pub(crate) fn update_pinned_message(
    cx: &mut Cx<'_>,
    x: functions::messages::UpdatePinnedMessage,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !may_pin(chat, me, now) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let Some(m) = chat.message(x.id).cloned() else {
        return Err(bad("MESSAGE_ID_INVALID"));
    };
    let pinned = !x.unpin;
    let group = chat.kind == ChatKind::Group;
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    if pinned {
        c.pinned.insert(x.id);
    } else {
        c.pinned.remove(&x.id);
    }
    let mut pts = 0;
    if !group {
        c.pts = c.pts.saturating_add(1);
        pts = c.pts;
        let mut message = c.message_view(&m, me);
        if let enums::Message::Message(v) = &mut message {
            v.pinned = pinned;
        }
        c.log(
            now,
            me,
            Some(m.from),
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionUpdatePinned { message },
            ),
        );
    }
    let members: Vec<i64> = c
        .participants
        .iter()
        .filter(|p| p.is_member())
        .map(|p| p.user)
        .filter(|u| *u == me || ctx.shared.is_subscribed(*u))
        .collect();
    let peer = c.peer();
    let mut answer = None;
    for member in members {
        let update = if group {
            let mailbox = w.mailbox(member);
            mailbox.pts = mailbox.pts.saturating_add(1);
            enums::Update::from(types::UpdatePinnedMessages {
                pinned,
                peer: peer.clone(),
                messages: vec![x.id],
                pts: mailbox.pts,
                pts_count: 1,
            })
        } else {
            enums::Update::from(types::UpdatePinnedChannelMessages {
                pinned,
                channel_id: id,
                messages: vec![x.id],
                pts,
                pts_count: 1,
            })
        };
        let updates = enums::Updates::from(types::Updates {
            updates: vec![update],
            users: Vec::new(),
            chats: w.chat_view(member, id).into_iter().collect(),
            date: now,
            seq: 0,
        });
        if member == me {
            answer = Some(updates);
        } else {
            ctx.shared.push_update(member, None, &updates);
        }
    }
    let answer = answer.ok_or_else(|| internal("the caller is a member"))?;
    if !pinned {
        return Ok(answer);
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let mut service = c.add_service(now, me, enums::MessageAction::PinMessage);
    service.reply_to = Some(x.id);
    if let Some(stored) = c.messages.last_mut() {
        stored.reply_to = Some(x.id);
    }
    let posted = crate::rpc::messages::send::service_updates(ctx, w, me, id, &service, Vec::new());
    Ok(merged(answer, posted))
}

/// One `updates` of both answers' updates, users and chats.
fn merged(a: enums::Updates, b: enums::Updates) -> enums::Updates {
    match (a, b) {
        (enums::Updates::Updates(mut a), enums::Updates::Updates(b)) => {
            a.updates.extend(b.updates);
            a.users.extend(b.users);
            for c in b.chats {
                if !a.chats.iter().any(|known| known == &c) {
                    a.chats.push(c);
                }
            }
            enums::Updates::Updates(a)
        }
        (a, _) => a,
    }
}
