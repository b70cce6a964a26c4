//! `channels.joinChannel`, `leaveChannel`, `inviteToChannel`.

use crate::rpc::prelude::*;

/// `channels.joinChannel`.
pub(crate) fn join_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::JoinChannel,
) -> Result<enums::messages::ChatInviteJoinResult, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    w.expire_restrictions(now);
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    match chat.participant(me).map(|p| &p.role) {
        Some(Role::Banned { .. }) => return Err(bad("CHANNEL_PRIVATE")),
        Some(r) if !matches!(r, Role::Left) => {
            return Err(bad("USER_ALREADY_PARTICIPANT"));
        }
        _ => {}
    }
    if chat.username.is_none() {
        return Err(bad("CHANNEL_PRIVATE"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    // Approval needed: a request (through no link) instead of a member.
    if c.join_request {
        if !c.join_requests.iter().any(|r| r.user == me) {
            c.join_requests.push(crate::chats::JoinRequest {
                user: me,
                date: now,
                hash: String::new(),
            });
            crate::rpc::messages::join_requests::notify_pending(ctx, w, id, now);
            crate::rpc::member_updates::requester(
                ctx,
                w,
                id,
                me,
                enums::ExportedChatInvite::ChatInvitePublicJoinRequests,
                now,
            );
        }
        return Err(bad("INVITE_REQUEST_SENT"));
    }
    let role = crate::rpc::messages::leaving::returning_role(w, id, me);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.change(me, role, now, me);
    c.log(
        now,
        me,
        Some(me),
        enums::ChannelAdminLogEventAction::ParticipantJoin,
    );
    // Layer 230 wraps the updates in messages.chatInviteJoinResultOk.
    let updates = chat_updates(w, me, id, vec![me], now);
    Ok(enums::messages::ChatInviteJoinResult::from(
        types::messages::ChatInviteJoinResultOk { updates },
    ))
}

/// `channels.leaveChannel`. The owner may leave too: they stay the owner
/// for [`OWNER_LEAVE_GRACE`] (coming back within it, they are the owner
/// again), then [`future_creator`] becomes the owner (TDLib's
/// `getChatOwnerAfterLeaving`).
pub(crate) fn leave_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::LeaveChannel,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    let Some(p) = chat.participant(me).filter(|p| p.is_member()).cloned() else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    if matches!(p.role, Role::Creator { .. }) {
        w.owner_leaves.insert(id, now);
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.change(me, Role::Left, p.date, p.inviter);
    c.left_by_themselves.insert(me);
    c.log(
        now,
        me,
        Some(me),
        enums::ChannelAdminLogEventAction::ParticipantLeave,
    );
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.inviteToChannel`.
pub(crate) fn invite_to_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::InviteToChannel,
) -> Result<enums::messages::InvitedUsers, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if !may_invite(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    // One refused user fails the whole call, and nobody is added: every
    // user is checked before anyone joins.
    let mut added = Vec::new();
    let mut missing = Vec::new();
    for u in &x.users {
        let user = input_user_id(me, u)?;
        if !w.accounts.contains_key(&user) {
            return Err(bad("USER_ID_INVALID"));
        }
        if chat.participant(user).is_some_and(Participant::is_member) || added.contains(&user) {
            continue;
        }
        let mutual = w.is_contact(me, user) && w.is_contact(user, me);
        let nochats = w.accounts.get(&user).is_some_and(|a| a.bot_nochats);
        may_be_added(chat, me, user, mutual, nochats, || w.channels_of(user))
            .map_err(|e| err(403, e))?;
        if crate::rpc::privacy::may_invite_user(w, me, user) {
            added.push(user);
        } else if !missing.contains(&user) {
            missing.push(user);
        }
    }
    if !room_for(chat, added.len()) {
        return Err(bad("USERS_TOO_MUCH"));
    }
    for &user in &added {
        let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
        c.change(user, Role::Member, now, me);
        c.log(
            now,
            me,
            Some(user),
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionParticipantInvite {
                    participant: enums::ChannelParticipant::from(types::ChannelParticipant {
                        user_id: user,
                        date: now,
                        subscription_until_date: None,
                        rank: None,
                    }),
                },
            ),
        );
    }
    let updates = chat_updates(w, me, id, added, now);
    Ok(enums::messages::InvitedUsers::from(
        types::messages::InvitedUsers {
            updates,
            missing_invitees: missing
                .into_iter()
                .map(crate::rpc::privacy::missing)
                .collect(),
        },
    ))
}
