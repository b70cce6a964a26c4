//! Invite links: making, checking and joining by them. Managing made links
//! is in `invite_links.rs`, deciding join requests in `join_requests.rs`.

use crate::chats::{Invite, JoinRequest};
use crate::rpc::prelude::*;

/// The hash of an invite link in any of its forms (`https://t.me/+HASH`,
/// `t.me/joinchat/HASH`, `+HASH`, the bare hash).
pub(crate) fn invite_hash(link: &str) -> &str {
    let s = link.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let s = s
        .strip_prefix("t.me/")
        .or_else(|| s.strip_prefix("telegram.me/"))
        .unwrap_or(s);
    let s = s.strip_prefix("joinchat/").unwrap_or(s);
    s.strip_prefix('+').unwrap_or(s)
}

/// A hash no link of the world has yet.
pub(crate) fn fresh_hash(w: &World, chat: i64) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut n = w.chats.get(&chat).map_or(0, |c| c.invites.len() as u64);
    loop {
        let hash: String = w.keyed(&[b"invite", &chat.to_le_bytes(), &n.to_le_bytes()])[..12]
            .iter()
            .map(|b| A[usize::from(*b) % 64] as char)
            .collect();
        if invite_chat(w, &hash).is_none() {
            return hash;
        }
        n += 1;
    }
}

/// Makes a link of `admin`'s in `chat` and returns its index.
pub(crate) fn new_invite(w: &mut World, chat: i64, invite: Invite) -> Result<usize, RpcErr> {
    let c = w.chats.get_mut(&chat).ok_or_else(|| internal("exists"))?;
    c.invites.push(invite);
    Ok(c.invites.len() - 1)
}

/// `messages.exportChatInvite`: a new link with the terms asked for; with
/// `legacy_revoke_permanent`, the caller's primary link is revoked and the
/// new one takes its place.
pub(crate) fn export_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::ExportChatInvite,
) -> Result<enums::ExportedChatInvite, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    if !may_export_invite(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let expire_date = x.expire_date.filter(|d| *d != 0);
    let usage_limit = x.usage_limit.filter(|l| *l != 0);
    invite_terms(expire_date, usage_limit, x.request_needed, now).map_err(bad)?;
    let mut invite = Invite::new(fresh_hash(w, id), me, now);
    invite.title = x.title.filter(|t| !t.is_empty()).map(String::from);
    invite.expire_date = expire_date;
    invite.usage_limit = usage_limit;
    invite.request_needed = x.request_needed;
    if x.legacy_revoke_permanent {
        let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
        for old in c
            .invites
            .iter_mut()
            .filter(|i| i.admin == me && i.permanent)
        {
            old.revoked = true;
        }
        invite.permanent = true;
    }
    let i = new_invite(w, id, invite)?;
    let c = &w.chats[&id];
    Ok(c.invite_view(&c.invites[i]))
}

/// The chat of link `hash` and the link, usable at `now`; an unknown hash
/// is `INVITE_HASH_INVALID`, a revoked, expired or used-up link
/// `INVITE_HASH_EXPIRED` (406, as the method pages of `checkChatInvite`
/// and `importChatInvite` give it).
fn usable_invite(w: &World, hash: &str, now: i32) -> Result<i64, RpcErr> {
    if hash.is_empty() {
        return Err(bad("INVITE_HASH_EMPTY"));
    }
    let Some(id) = invite_chat(w, hash) else {
        return Err(bad("INVITE_HASH_INVALID"));
    };
    match w.chats[&id].invite(hash) {
        Some(i) if i.usable(now) => Ok(id),
        _ => Err(err(406, "INVITE_HASH_EXPIRED")),
    }
}

/// `messages.checkChatInvite`.
pub(crate) fn check_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::CheckChatInvite,
) -> Result<enums::ChatInvite, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let hash = invite_hash(&x.hash);
    let Some(id) = invite_chat(w, hash) else {
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
    let id = usable_invite(w, hash, now)?;
    let chat = &w.chats[&id];
    let request_needed = chat.invite(hash).is_some_and(|i| i.request_needed);
    Ok(enums::ChatInvite::from(types::ChatInvite {
        request_needed,
        ..w.chat_invite_view(chat)
    }))
}

/// `messages.importChatInvite`: joins, or, through a link that needs
/// approval, files a join request (`INVITE_REQUEST_SENT`, once per user).
pub(crate) fn import_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::ImportChatInvite,
) -> Result<enums::messages::ChatInviteJoinResult, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let hash = invite_hash(&x.hash).to_owned();
    let id = usable_invite(w, &hash, now)?;
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
        .position(|i| i.hash == hash)
        .ok_or_else(|| internal("found"))?;
    if c.invites[i].request_needed {
        if !c.join_requests.iter().any(|r| r.user == me) {
            let invite = c.invites[i].view();
            c.join_requests.push(JoinRequest {
                user: me,
                date: now,
                hash,
            });
            crate::rpc::messages::join_requests::notify_pending(ctx, w, id, now);
            crate::rpc::member_updates::requester(ctx, w, id, me, invite, now);
        }
        return Err(bad("INVITE_REQUEST_SENT"));
    }
    c.invites[i].usage += 1;
    c.invites[i].importers.push((me, now));
    let inviter = c.invites[i].admin;
    let invite = c.invites[i].view();
    let role = crate::rpc::messages::leaving::returning_role(w, id, me);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.change(me, role, now, inviter);
    c.note_invite(invite.clone());
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
