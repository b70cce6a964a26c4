//! Invite links: exporting, checking and joining by them.

use crate::rpc::prelude::*;

/// `messages.exportChatInvite`.
pub(crate) fn export_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::ExportChatInvite,
) -> Result<enums::ExportedChatInvite, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !may_export_invite(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let n = chat.invites.len() as u64;
    let hash: String = w.keyed(&[b"invite", &id.to_le_bytes(), &n.to_le_bytes()])[..12]
        .iter()
        .map(|b| {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            A[usize::from(*b) % 64] as char
        })
        .collect();
    let invite = crate::chats::Invite {
        hash,
        admin: me,
        date: now,
        usage: 0,
    };
    let view = invite.view();
    w.chats
        .get_mut(&id)
        .ok_or_else(|| internal("exists"))?
        .invites
        .push(invite);
    Ok(view)
}

/// `messages.checkChatInvite`.
pub(crate) fn check_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::CheckChatInvite,
) -> Result<enums::ChatInvite, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let Some(id) = invite_chat(w, &x.hash) else {
        return Err(bad("INVITE_HASH_INVALID"));
    };
    let chat = &w.chats[&id];
    if chat.participant(me).is_some_and(|p| p.is_member()) {
        let view = w
            .chat_view(me, id)
            .ok_or_else(|| internal("a member sees the chat"))?;
        return Ok(enums::ChatInvite::from(types::ChatInviteAlready {
            chat: view,
        }));
    }
    Ok(enums::ChatInvite::from(w.chat_invite_view(chat)))
}

/// `messages.importChatInvite`.
pub(crate) fn import_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::ImportChatInvite,
) -> Result<enums::messages::ChatInviteJoinResult, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    w.expire_restrictions(now);
    let Some(id) = invite_chat(w, &x.hash) else {
        return Err(bad("INVITE_HASH_INVALID"));
    };
    let chat = &w.chats[&id];
    match chat.participant(me).map(|p| &p.role) {
        Some(Role::Banned { .. }) => {
            return Err(bad("USER_BANNED_IN_CHANNEL"));
        }
        Some(r) if !matches!(r, Role::Left) => {
            return Err(bad("USER_ALREADY_PARTICIPANT"));
        }
        _ => {}
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let i = c
        .invites
        .iter()
        .position(|i| i.hash == x.hash)
        .ok_or_else(|| internal("found"))?;
    c.invites[i].usage += 1;
    let inviter = c.invites[i].admin;
    let invite = c.invites[i].view();
    c.add(me, Role::Member, now, inviter);
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            Some(me),
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionParticipantJoinByInvite {
                    via_chatlist: false,
                    invite,
                },
            ),
        );
    }
    let updates = chat_updates(w, me, id, vec![me], now);
    Ok(enums::messages::ChatInviteJoinResult::from(
        types::messages::ChatInviteJoinResultOk { updates },
    ))
}
