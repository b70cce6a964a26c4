//! Membership updates for bots: `updateChannelParticipant`,
//! `updateChatParticipant` and `updateBotChatInviteRequester`.
//!
//! Telegram sends these to bots (TDLib reads them as `updateChatMember`,
//! "for bots only"; the Bot API's `chat_member`: "the bot must be an
//! administrator in the chat", `my_chat_member`: the bot's own standing,
//! `chat_join_request`: "the bot must have the can_invite_users
//! administrator right"). User accounts learn of the same changes from
//! service messages and `updateChannel`. Each update takes the recipient's
//! next qts and is kept for `updates.getDifference`.

use crate::chats::{MemberChange, StoredChat};
use crate::rpc::prelude::*;

/// Sends the membership updates of what the request just served changed:
/// every chat's noted changes ([`StoredChat::change`]), drained, with the
/// caller as the actor.
pub(crate) fn emit(ctx: &Ctx<'_>, w: &mut World) {
    let Some(actor) = w.authorizations.get(&ctx.key_id).map(|a| a.user) else {
        return;
    };
    let changed: Vec<(i64, Vec<MemberChange>)> = w
        .chats
        .values_mut()
        .filter(|c| !c.changes.is_empty())
        .map(|c| (c.id, std::mem::take(&mut c.changes)))
        .collect();
    let now = ctx.shared.clock.unix();
    for (chat, changes) in changed {
        for change in changes {
            emit_one(ctx, w, chat, actor, change, now);
        }
    }
}

/// Bots among `chat`'s admins (with `invite_users` when `inviters`), and
/// `user` when a bot: who hears of a change to `user`.
fn bot_recipients(w: &World, chat: &StoredChat, user: Option<i64>, inviters: bool) -> Vec<i64> {
    let is_bot = |id: i64| w.accounts.get(&id).is_some_and(|a| a.bot);
    let mut to: Vec<i64> = chat
        .participants
        .iter()
        .filter(|p| p.is_admin() && is_bot(p.user))
        .filter(|p| !inviters || may_export_invite(chat, p.user))
        .map(|p| p.user)
        .collect();
    if let Some(u) = user.filter(|u| is_bot(*u) && !to.contains(u)) {
        to.push(u);
    }
    to
}

/// A standing as the update carries it: none for someone who is not (or no
/// longer) a participant.
fn standing(p: Option<&Participant>) -> Option<&Participant> {
    p.filter(|p| !matches!(p.role, Role::Left))
}

fn emit_one(ctx: &Ctx<'_>, w: &mut World, chat: i64, caller: i64, change: MemberChange, now: i32) {
    let actor = change.actor.unwrap_or(caller);
    let Some(c) = w.chats.get(&chat) else {
        return;
    };
    let prev = standing(change.prev.as_ref()).cloned();
    let new = standing(c.participant(change.user)).cloned();
    let same = match (&prev, &new) {
        (None, None) => true,
        (Some(a), Some(b)) => a.role == b.role && a.tag() == b.tag(),
        _ => false,
    };
    if same {
        return;
    }
    let group = c.kind == ChatKind::Group;
    let user = change.user;
    for r in bot_recipients(w, c, Some(user), false) {
        let invite = change.invite.clone();
        if group {
            let prev_participant = prev.as_ref().map(chat_participant_view);
            let new_participant = new.as_ref().map(chat_participant_view);
            send(ctx, w, r, chat, vec![actor, user], now, move |qts| {
                enums::Update::from(types::UpdateChatParticipant {
                    chat_id: chat,
                    date: now,
                    actor_id: actor,
                    user_id: user,
                    prev_participant,
                    new_participant,
                    invite,
                    qts,
                })
            });
        } else {
            let prev_participant = prev.as_ref().map(|p| w.participant_view(p, r));
            let new_participant = new.as_ref().map(|p| w.participant_view(p, r));
            send(ctx, w, r, chat, vec![actor, user], now, move |qts| {
                enums::Update::from(types::UpdateChannelParticipant {
                    via_chatlist: false,
                    channel_id: chat,
                    date: now,
                    actor_id: actor,
                    user_id: user,
                    prev_participant,
                    new_participant,
                    invite,
                    qts,
                })
            });
        }
    }
}

/// Gives `recipient` the update `make` builds with their next qts, kept for
/// `updates.getDifference`, and pushes it to their connected sessions.
fn send(
    ctx: &Ctx<'_>,
    w: &mut World,
    recipient: i64,
    chat: i64,
    users: Vec<i64>,
    now: i32,
    make: impl FnOnce(i32) -> enums::Update,
) {
    let keep = w.event_retention;
    let mailbox = w.mailbox(recipient);
    let update = mailbox.push_qts(make);
    if let Some(keep) = keep {
        while mailbox.qts_updates.len() > keep {
            mailbox.qts_updates.pop_front();
        }
    }
    if !ctx.shared.is_subscribed(recipient) {
        return;
    }
    let updates = enums::Updates::from(types::Updates {
        updates: vec![update],
        users: users_of(w, recipient, users),
        chats: w.chat_view(recipient, chat).into_iter().collect(),
        date: now,
        seq: 0,
    });
    ctx.shared.push_update(recipient, None, &updates);
}

/// Tells the chat's bot admins with `invite_users` that `user` asks to join
/// (`updateBotChatInviteRequester`); `invite` is the link asked through
/// (`chatInvitePublicJoinRequests` for a public chat joined directly).
pub(crate) fn requester(
    ctx: &Ctx<'_>,
    w: &mut World,
    chat: i64,
    user: i64,
    invite: enums::ExportedChatInvite,
    now: i32,
) {
    let Some(c) = w.chats.get(&chat) else {
        return;
    };
    let peer = c.peer();
    for r in bot_recipients(w, c, None, true) {
        let (peer, invite) = (peer.clone(), invite.clone());
        send(ctx, w, r, chat, vec![user], now, move |qts| {
            enums::Update::from(types::UpdateBotChatInviteRequester {
                peer,
                date: now,
                user_id: user,
                about: Default::default(),
                invite,
                qts,
                query_id: None,
            })
        });
    }
}
