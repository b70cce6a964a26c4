//! Basic groups' membership: admins, adding and removing users.

use crate::rpc::messages::send::service_updates;
use crate::rpc::prelude::*;

/// `messages.editChatAdmin`.
pub(crate) fn edit_chat_admin(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatAdmin,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = group_id(w, me, x.chat_id)?;
    let user = input_user_id(me, &x.user_id)?;
    let chat = &w.chats[&id];
    if !is_owner(chat, me) {
        // Only the creator appoints admins in a basic group.
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let Some(p) = chat.participant(user).filter(|p| p.is_member()).cloned() else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    if matches!(p.role, Role::Creator { .. }) {
        return Err(bad("USER_CREATOR"));
    }
    let is_admin = matches!(p.role, Role::Admin { .. });
    if is_admin == x.is_admin {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let role = if x.is_admin {
        Role::Admin {
            rights: crate::chats::group_admin_rights(),
            rank: None,
            promoted_by: me,
        }
    } else {
        Role::Member
    };
    w.chats
        .get_mut(&id)
        .ok_or_else(|| internal("exists"))?
        .change(user, role, p.date, p.inviter);
    Ok(true)
}

/// `messages.deleteChatUser`: removing someone, or leaving (oneself). The
/// creator leaving hands the group at once to [`future_creator`] (TDLib's
/// `getChatOwnerAfterLeaving`: "immediately for basic groups"), with a
/// `messageActionChangeCreator`. `revoke_history` deletes the user's
/// messages in the group (the method page: "Remove the entire chat history
/// of the specified user in this chat").
pub(crate) fn delete_chat_user(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteChatUser,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = group_id(w, me, x.chat_id)?;
    let user = input_user_id(me, &x.user_id)?;
    let chat = &w.chats[&id];
    let Some(p) = chat.participant(user).filter(|p| p.is_member()).cloned() else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    may_remove_from_group(chat, me, &p).map_err(bad)?;
    let successor = matches!(p.role, Role::Creator { .. })
        .then(|| future_creator(chat, user, |u| w.accounts.get(&u).is_some_and(|a| a.bot)))
        .flatten();
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.change(user, Role::Left, p.date, p.inviter);
    if user == me {
        c.left_by_themselves.insert(me);
    }
    if x.revoke_history {
        c.messages.retain(|m| m.from != user || m.action.is_some());
    }
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChatDeleteUser { user_id: user }),
    );
    if let Some(successor) = successor {
        crate::rpc::messages::leaving::hand_over(c, successor, now);
    }
    Ok(service_updates(ctx, w, me, id, &m, vec![me, user]))
}

/// `messages.addChatUser`.
pub(crate) fn add_chat_user(
    cx: &mut Cx<'_>,
    x: functions::messages::AddChatUser,
) -> Result<enums::messages::InvitedUsers, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = group_id(w, me, x.chat_id)?;
    let user = input_user_id(me, &x.user_id)?;
    if !w.accounts.contains_key(&user) {
        return Err(bad("USER_ID_INVALID"));
    }
    let chat = &w.chats[&id];
    if chat.participant(user).is_some_and(|p| p.is_member()) {
        return Err(bad("USER_ALREADY_PARTICIPANT"));
    }
    if !may_invite(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let mutual = w.is_contact(me, user) && w.is_contact(user, me);
    let nochats = w.accounts.get(&user).is_some_and(|a| a.bot_nochats);
    may_be_added(chat, me, user, mutual, nochats, || 0).map_err(|e| err(403, e))?;
    if !room_for(chat, 1) {
        return Err(bad("USERS_TOO_MUCH"));
    }
    if !crate::rpc::privacy::may_invite_user(w, me, user) {
        return Ok(enums::messages::InvitedUsers::from(
            types::messages::InvitedUsers {
                updates: chat_updates(w, me, id, Vec::new(), now),
                missing_invitees: vec![crate::rpc::privacy::missing(user)],
            },
        ));
    }
    w.chats
        .get_mut(&id)
        .ok_or_else(|| internal("exists"))?
        .change(user, Role::Member, now, me);
    let updates = chat_updates(w, me, id, vec![user], now);
    Ok(enums::messages::InvitedUsers::from(
        types::messages::InvitedUsers {
            updates,
            missing_invitees: Vec::new(),
        },
    ))
}

/// `messages.createChat`: a basic group with the caller as creator and
/// `users` as members (none is fine: TDLib's `createNewBasicGroupChat` "may
/// be empty"), opened by a `messageActionChatCreate`. Users only
/// (`BOT_METHOD_INVALID` for bots); an empty title is `CHAT_TITLE_EMPTY`,
/// an unknown user `USER_ID_INVALID`. Users whose chat-invite privacy keeps
/// the caller out are not added but listed in `missing_invitees`.
pub(crate) fn create_chat(
    cx: &mut Cx<'_>,
    x: functions::messages::CreateChat,
) -> Result<enums::messages::InvitedUsers, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let title = crate::rpc::channels::lifecycle::new_title(&x.title)?;
    let mut users = Vec::with_capacity(x.users.len());
    for u in &x.users {
        let id = input_user_id(me, u)?;
        if !w.accounts.contains_key(&id) {
            return Err(bad("USER_ID_INVALID"));
        }
        if w.accounts.get(&id).is_some_and(|a| a.bot_nochats) {
            return Err(err(403, "BOT_GROUPS_BLOCKED"));
        }
        if id != me && !users.contains(&id) {
            users.push(id);
        }
    }
    // Users whose privacy keeps the caller from adding them are left out.
    let (users, kept_out): (Vec<i64>, Vec<i64>) = users
        .into_iter()
        .partition(|&u| crate::rpc::privacy::may_invite_user(w, me, u));
    let id = w.create_chat(ChatKind::Group, &title, me, now);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("made"))?;
    for u in &users {
        c.change(*u, Role::Member, now, me);
    }
    let everyone: Vec<i64> = std::iter::once(me).chain(users.iter().copied()).collect();
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChatCreate {
            title: title.into(),
            users: everyone,
        }),
    );
    let updates = service_updates(ctx, w, me, id, &m, users);
    Ok(enums::messages::InvitedUsers::from(
        types::messages::InvitedUsers {
            updates,
            missing_invitees: kept_out
                .into_iter()
                .map(crate::rpc::privacy::missing)
                .collect(),
        },
    ))
}
