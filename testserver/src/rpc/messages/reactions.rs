//! Reactions on group and channel messages: `messages.sendReaction`, and
//! an admin removing a member's (`messages.deleteParticipantReaction`,
//! `deleteParticipantReactions`).

use crate::rpc::prelude::*;

/// Whether the chat's settings allow reaction `r`.
fn allowed(settings: &crate::chats::ChatSettings, r: &enums::Reaction) -> bool {
    match &settings.reactions {
        None => true,
        Some(enums::ChatReactions::All(a)) => {
            a.allow_custom || !matches!(r, enums::Reaction::CustomEmoji(_))
        }
        Some(enums::ChatReactions::Some(s)) => s.reactions.contains(r),
        Some(_) => false,
    }
}

/// `messages.sendReaction`: the caller's reactions on a message, replacing
/// theirs (none: removed). A member only (`CHAT_WRITE_FORBIDDEN`); a
/// message the chat does not have `MESSAGE_ID_INVALID`; a reaction the chat
/// does not allow `REACTION_INVALID` (the method page); past the chat's cap
/// of distinct reactions on the message `REACTIONS_TOO_MANY`.
pub(crate) fn send_reaction(
    cx: &mut Cx<'_>,
    x: functions::messages::SendReaction,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !chat.participant(me).is_some_and(|p| p.is_member()) {
        return Err(bad("CHAT_WRITE_FORBIDDEN"));
    }
    let Some(m) = chat.message(x.msg_id) else {
        return Err(bad("MESSAGE_ID_INVALID"));
    };
    let wanted = x.reaction.clone().unwrap_or_default();
    if wanted.iter().any(|r| !allowed(&chat.settings, r)) {
        return Err(bad("REACTION_INVALID"));
    }
    let mut distinct: Vec<&enums::Reaction> = m
        .reactions
        .iter()
        .filter(|(u, _, _)| *u != me)
        .map(|(_, r, _)| r)
        .collect();
    distinct.extend(wanted.iter());
    distinct.sort_by_key(|r| format!("{r:?}"));
    distinct.dedup();
    if chat
        .settings
        .reactions_limit
        .is_some_and(|cap| distinct.len() > cap as usize)
    {
        return Err(bad("REACTIONS_TOO_MANY"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    if let Some(stored) = c.messages.iter_mut().find(|s| s.id == x.msg_id) {
        stored.reactions.retain(|(u, _, _)| *u != me);
        stored
            .reactions
            .extend(wanted.into_iter().map(|r| (me, r, now)));
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// Removes `user`'s reactions from the messages `which` picks; how many.
fn remove(w: &mut World, chat: i64, user: i64, which: impl Fn(i32) -> bool) -> usize {
    let Some(c) = w.chats.get_mut(&chat) else {
        return 0;
    };
    let mut n = 0;
    for m in c.messages.iter_mut().filter(|m| which(m.id)) {
        let before = m.reactions.len();
        m.reactions.retain(|(u, _, _)| *u != user);
        n += before - m.reactions.len();
    }
    n
}

/// The member a reaction-removal names, and the chat, once the caller is
/// allowed (`delete_messages`, TDLib's `removeMessageReaction` of another
/// member's: "requires can_delete_messages").
fn moderated(
    w: &World,
    me: i64,
    peer: &enums::InputPeer,
    participant: &enums::InputPeer,
) -> Result<(i64, i64), RpcErr> {
    let id = chat_of_peer(w, me, peer)?;
    if !may_delete_others(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let user = resolve_user_peer(w, me, participant)?;
    Ok((id, user))
}

/// `messages.deleteParticipantReaction`: one member's reactions on one
/// message (`MESSAGE_ID_INVALID` for a message the chat does not have).
pub(crate) fn delete_participant_reaction(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteParticipantReaction,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let (id, user) = moderated(w, me, &x.peer, &x.participant)?;
    if w.chats[&id].message(x.msg_id).is_none() {
        return Err(bad("MESSAGE_ID_INVALID"));
    }
    remove(w, id, user, |m| m == x.msg_id);
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `messages.deleteParticipantReactions`: every reaction of a member in
/// the chat.
pub(crate) fn delete_participant_reactions(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteParticipantReactions,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let (id, user) = moderated(w, me, &x.peer, &x.participant)?;
    remove(w, id, user, |_| true);
    Ok(true)
}
