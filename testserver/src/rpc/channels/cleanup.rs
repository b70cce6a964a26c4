//! Cleaning up a supergroup or channel: `channels.deleteMessages`,
//! `channels.deleteParticipantHistory`, `channels.reportSpam`.

use crate::chats::Sender;
use crate::rpc::prelude::*;

/// The most messages one `channels.deleteParticipantHistory` call deletes;
/// `affectedHistory.offset` says more remain (the client calls again).
pub(crate) const HISTORY_CHUNK: usize = 100;

/// Deletes `ids` from `chat` (those that exist), moves its pts by their
/// number, logs each one not `me`'s as `channelAdminLogEventActionDeleteMessage`
/// when `log`, and tells the members' sessions
/// (`updateDeleteChannelMessages`). Returns the channel's pts and how many
/// went.
pub(crate) fn remove_messages(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    chat: i64,
    ids: &[i32],
    log: bool,
) -> (i32, i32) {
    let now = ctx.shared.clock.unix();
    let Some(c) = w.chats.get_mut(&chat) else {
        return (0, 0);
    };
    let gone: Vec<crate::chats::ChatMessage> = c
        .messages
        .iter()
        .filter(|m| ids.contains(&m.id))
        .cloned()
        .collect();
    if gone.is_empty() {
        return (c.pts, 0);
    }
    let views: Vec<(i64, enums::Message)> = gone
        .iter()
        .filter(|m| log && m.from != me)
        .map(|m| (m.from, c.message_view(m, me)))
        .collect();
    c.messages.retain(|m| !ids.contains(&m.id));
    c.pinned.retain(|id| !ids.contains(id));
    let count = i32::try_from(gone.len()).unwrap_or(i32::MAX);
    c.pts = c.pts.saturating_add(count);
    let pts = c.pts;
    for (author, message) in views {
        c.log(
            now,
            me,
            Some(author),
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionDeleteMessage { message },
            ),
        );
    }
    let members: Vec<i64> = c
        .participants
        .iter()
        .filter(|p| p.is_member() && ctx.shared.is_subscribed(p.user))
        .map(|p| p.user)
        .collect();
    let messages: Vec<i32> = gone.iter().map(|m| m.id).collect();
    for member in members {
        let updates = enums::Updates::from(types::Updates {
            updates: vec![enums::Update::from(types::UpdateDeleteChannelMessages {
                channel_id: chat,
                messages: messages.clone(),
                pts,
                pts_count: count,
            })],
            users: Vec::new(),
            chats: w.chat_view(member, chat).into_iter().collect(),
            date: now,
            seq: 0,
        });
        ctx.shared.push_update(member, None, &updates);
    }
    (pts, count)
}

/// `channels.deleteMessages`: each message its author may delete, or an
/// admin with `delete_messages` anyone's ([`may_delete_message`]); one that
/// the caller may not delete fails the whole call with 403
/// `MESSAGE_DELETE_FORBIDDEN` and nothing is deleted (the method page's
/// error); ids that name no message are passed over, as Telegram counts
/// only what it deleted in `pts_count`.
pub(crate) fn delete_messages(
    cx: &mut Cx<'_>,
    x: functions::channels::DeleteMessages,
) -> Result<enums::messages::AffectedMessages, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = readable_channel(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if !chat.participant(me).is_some_and(Participant::is_member) {
        return Err(err(406, "CHANNEL_PRIVATE"));
    }
    for mid in &x.id {
        if let Some(m) = chat.message(*mid)
            && !may_delete_message(chat, me, m.from)
        {
            return Err(err(403, "MESSAGE_DELETE_FORBIDDEN"));
        }
    }
    let (pts, pts_count) = remove_messages(ctx, w, me, id, &x.id, true);
    Ok(enums::messages::AffectedMessages::from(
        types::messages::AffectedMessages { pts, pts_count },
    ))
}

/// The sender an input peer names in a chat's context: a user, or a
/// channel members post as ([`super::send_as`]).
fn participant_sender(w: &World, me: i64, peer: &enums::InputPeer) -> Result<Sender, RpcErr> {
    match peer {
        enums::InputPeer::User(u) if w.accounts.contains_key(&u.user_id) => {
            Ok(Sender::User(u.user_id))
        }
        enums::InputPeer::InputPeerSelf => Ok(Sender::User(me)),
        enums::InputPeer::Channel(c)
            if w.chats
                .get(&c.channel_id)
                .is_some_and(|c| c.kind == ChatKind::Channel) =>
        {
            Ok(Sender::Channel(c.channel_id))
        }
        _ => Err(bad("PARTICIPANT_ID_INVALID")),
    }
}

/// `channels.deleteParticipantHistory`: deletes the participant's messages,
/// newest first, [`HISTORY_CHUNK`] at a time; `offset` is how many remain
/// (0: done), so the client repeats while it is not 0 (TDLib's
/// `deleteChatMessagesBySender` does). Admins with `delete_messages`
/// ([`may_delete_others`]), else `CHAT_ADMIN_REQUIRED`. Not logged one by
/// one (Telegram shows no admin-log event per message for it). The
/// participant may be a channel members posted as: its posts go, not its
/// owner's own messages.
pub(crate) fn delete_participant_history(
    cx: &mut Cx<'_>,
    x: functions::channels::DeleteParticipantHistory,
) -> Result<enums::messages::AffectedHistory, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = channel_id(w, me, &x.channel)?;
    let sender = participant_sender(w, me, &x.participant)?;
    let chat = &w.chats[&id];
    if !may_delete_others(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let theirs: Vec<i32> = chat
        .messages
        .iter()
        .rev()
        .filter(|m| m.sender() == sender && m.action.is_none())
        .map(|m| m.id)
        .collect();
    let batch: Vec<i32> = theirs.iter().copied().take(HISTORY_CHUNK).collect();
    let left = theirs.len().saturating_sub(batch.len());
    let (pts, pts_count) = remove_messages(ctx, w, me, id, &batch, false);
    Ok(enums::messages::AffectedHistory::from(
        types::messages::AffectedHistory {
            pts,
            pts_count,
            offset: i32::try_from(left).unwrap_or(i32::MAX),
        },
    ))
}

/// `channels.reportSpam`: an admin with `delete_messages` reports a
/// member's messages ([`may_delete_others`], else `CHAT_ADMIN_REQUIRED`);
/// ids that are not the member's are `MESSAGE_ID_INVALID` (this server's
/// choice). The test server records the report (`TestServer::spam_reports`);
/// it judges nothing.
pub(crate) fn report_spam(
    cx: &mut Cx<'_>,
    x: functions::channels::ReportSpam,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = channel_id(w, me, &x.channel)?;
    let sender = participant_sender(w, me, &x.participant)?;
    let chat = &w.chats[&id];
    if !may_delete_others(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if x.id
        .iter()
        .any(|mid| chat.message(*mid).is_none_or(|m| m.sender() != sender))
    {
        return Err(bad("MESSAGE_ID_INVALID"));
    }
    let reported = match sender {
        Sender::User(u) | Sender::Channel(u) => u,
    };
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.spam_reports.push((me, reported, x.id.clone()));
    Ok(true)
}
