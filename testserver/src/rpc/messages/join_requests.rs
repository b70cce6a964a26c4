//! Deciding join requests filed through links that need approval:
//! `messages.hideChatJoinRequest` (one) and `hideAllChatJoinRequests` (all,
//! or all of one link). Deciding needs the `invite_users` right (TDLib's
//! `processChatJoinRequest`: "Requires administrator privileges and
//! can_invite_users right"); a request no longer pending is
//! `HIDE_REQUESTER_MISSING` (the method page).

use crate::chats::JoinRequest;
use crate::rpc::messages::invites::invite_hash;
use crate::rpc::prelude::*;

/// Tells every admin who may decide requests of chat `id` how many wait and
/// who asked last (`updatePendingJoinRequests`, pushed to their connected
/// sessions; none for bots, which Telegram tells each request with
/// `updateBotChatInviteRequester` instead, not served here yet).
pub(crate) fn notify_pending(ctx: &Ctx<'_>, w: &World, id: i64, now: i32) {
    let Some(c) = w.chats.get(&id) else {
        return;
    };
    let (pending, recent) = c.pending_summary();
    let recent = recent.unwrap_or_default();
    let peer = if c.kind == ChatKind::Group {
        enums::Peer::from(types::PeerChat { chat_id: id })
    } else {
        enums::Peer::from(types::PeerChannel { channel_id: id })
    };
    let deciders = c.participants.iter().filter(|p| {
        p.is_admin()
            && may_export_invite(c, p.user)
            && !w.accounts.get(&p.user).is_some_and(|a| a.bot)
            && ctx.shared.is_subscribed(p.user)
    });
    for admin in deciders {
        let update = enums::Updates::from(types::Updates {
            updates: vec![enums::Update::from(types::UpdatePendingJoinRequests {
                peer: peer.clone(),
                requests_pending: pending.unwrap_or(0),
                recent_requesters: recent.clone(),
            })],
            users: users_of(w, admin.user, recent.clone()),
            chats: w.chat_view(admin.user, id).into_iter().collect(),
            date: now,
            seq: 0,
        });
        ctx.shared.push_update(admin.user, None, &update);
    }
}

/// Approves (the requester joins, counted as a use of the link, with
/// `participantJoinByRequest` in the admin log) or declines `requests`.
/// Returns who joined.
fn decide(
    w: &mut World,
    id: i64,
    me: i64,
    now: i32,
    requests: Vec<JoinRequest>,
    approved: bool,
) -> Vec<i64> {
    if !approved {
        return Vec::new();
    }
    let Some(c) = w.chats.get_mut(&id) else {
        return Vec::new();
    };
    let joined = requests.iter().map(|r| r.user).collect();
    for r in requests {
        let invite = c.invites.iter_mut().find(|i| i.hash == r.hash);
        let view = match invite {
            Some(i) => {
                i.usage += 1;
                i.importers.push((r.user, now));
                Some(i.view())
            }
            // Asked by joining the public chat directly.
            None if r.hash.is_empty() => {
                Some(enums::ExportedChatInvite::ChatInvitePublicJoinRequests)
            }
            None => None,
        };
        c.change(r.user, Role::Member, now, me);
        c.mark_via_request(r.user);
        if let Some(invite) = &view {
            c.note_invite(invite.clone());
        }
        if c.kind != ChatKind::Group
            && let Some(invite) = view
        {
            c.log(
                now,
                r.user,
                Some(r.user),
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionParticipantJoinByRequest {
                        invite,
                        approved_by: me,
                    },
                ),
            );
        }
    }
    joined
}

/// Tells the chat that `joined` came in by request: in groups and
/// supergroups a `messageActionChatJoinedByRequest` each, which every
/// member's sessions hear of (the newcomer's too); in a broadcast channel,
/// which has no such messages, the newcomer's sessions get the channel
/// (`updateChannel`).
fn tell_joined(ctx: &Ctx<'_>, w: &mut World, id: i64, me: i64, joined: &[i64], now: i32) {
    let broadcast = w
        .chats
        .get(&id)
        .is_some_and(|c| c.kind == ChatKind::Channel);
    for &user in joined {
        if broadcast {
            if ctx.shared.is_subscribed(user) {
                let mut updates = chat_updates(w, user, id, vec![user], now);
                if let enums::Updates::Updates(u) = &mut updates {
                    u.updates
                        .push(enums::Update::from(types::UpdateChannel { channel_id: id }));
                }
                ctx.shared.push_update(user, None, &updates);
            }
            continue;
        }
        let Some(c) = w.chats.get_mut(&id) else {
            return;
        };
        let m = c.add_service(now, user, enums::MessageAction::ChatJoinedByRequest);
        let own = crate::rpc::messages::send::service_updates(ctx, w, me, id, &m, vec![user]);
        // The approving admin's sessions hear of it too (their answer is
        // the chat, not the message).
        if ctx.shared.is_subscribed(me) {
            ctx.shared.push_update(me, None, &own);
        }
    }
}

/// `messages.hideChatJoinRequest`.
pub(crate) fn hide_chat_join_request(
    cx: &mut Cx<'_>,
    x: functions::messages::HideChatJoinRequest,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let id = chat_of_peer(w, me, &x.peer)?;
    if !may_export_invite(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let user = input_user_id(me, &x.user_id)?;
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let Some(at) = c.join_requests.iter().position(|r| r.user == user) else {
        return Err(bad("HIDE_REQUESTER_MISSING"));
    };
    let request = c.join_requests.remove(at);
    let joined = decide(w, id, me, now, vec![request], x.approved);
    tell_joined(ctx, w, id, me, &joined, now);
    notify_pending(ctx, w, id, now);
    Ok(chat_updates(w, me, id, vec![user], now))
}

/// `messages.hideAllChatJoinRequests`: every pending request, or those
/// through one link.
pub(crate) fn hide_all_chat_join_requests(
    cx: &mut Cx<'_>,
    x: functions::messages::HideAllChatJoinRequests,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let id = chat_of_peer(w, me, &x.peer)?;
    if !may_export_invite(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let hash = x.link.as_deref().map(invite_hash);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let (taken, kept): (Vec<JoinRequest>, Vec<JoinRequest>) = std::mem::take(&mut c.join_requests)
        .into_iter()
        .partition(|r| hash.is_none_or(|h| r.hash == h));
    c.join_requests = kept;
    let joined = decide(w, id, me, now, taken, x.approved);
    tell_joined(ctx, w, id, me, &joined, now);
    notify_pending(ctx, w, id, now);
    Ok(chat_updates(w, me, id, Vec::new(), now))
}
