//! `messages.deleteMessages`: messages of the common message box (private
//! chats and basic groups), named by id alone.
//!
//! Ids come from one counter for every mailbox and basic group
//! ([`crate::world::CommonIds`]), so an id names one message: the caller's
//! own copy of a private message, else a message of a basic group the
//! caller is a member of. Ids naming neither are passed over (the method
//! page lists no error for them; `pts_count` counts what went).

use std::collections::BTreeMap;

use crate::chats::{ChatMessage, StoredChat};
use crate::rpc::prelude::*;
use crate::world::StoredMessage;

/// How long after sending a bot may still delete a message: bots delete for
/// everyone or not at all. TDLib's `can_revoke_message` uses 2 days for bots
/// (`DEFAULT_REVOKE_TIME_LIMIT`); the Pyrogram fork's error table reads
/// `MESSAGE_DELETE_FORBIDDEN` as "you're in bot session and it was sent
/// more than 48 hours ago". Users have no limit here (`help.getConfig`'s
/// `revoke_time_limit` is `i32::MAX` on this server).
pub(crate) const BOT_REVOKE_LIMIT: i32 = 2 * 86_400;

/// The message `id` of a basic group `me` is a member of, unless `me`
/// deleted it for themselves: the group's id and the message.
pub(crate) fn group_message(w: &World, me: i64, id: i32) -> Option<(i64, &ChatMessage)> {
    let hidden = w.mailboxes.get(&me).map(|m| &m.hidden);
    w.chats
        .values()
        .filter(|c| c.kind == ChatKind::Group)
        .filter(|c| c.participant(me).is_some_and(Participant::is_member))
        .find_map(|c| c.message(id).map(|m| (c.id, m)))
        .filter(|(chat, _)| !hidden.is_some_and(|h| h.contains(&(*chat, id))))
}

/// Whether `me` may delete message `m` of basic group `chat` for every
/// member (TDLib's `can_revoke_message` for basic groups): its author, for
/// a message that is not a service message, and the creator and admins for
/// any message; a bot within [`BOT_REVOKE_LIMIT`] of its sending. A group
/// turned into a supergroup is read-only: nothing in it is deleted for
/// others.
fn may_revoke(chat: &StoredChat, me: i64, m: &ChatMessage, bot: bool, now: i32) -> bool {
    if chat.migrated_to.is_some() {
        return false;
    }
    let admin = chat.participant(me).is_some_and(Participant::is_admin);
    let allowed = (m.from == me && m.action.is_none()) || admin;
    allowed && (!bot || now.saturating_sub(m.date) <= BOT_REVOKE_LIMIT)
}

/// `messages.deleteMessages`. Private messages: the caller's copies; with
/// `revoke` the other side's too (Telegram allows that at any time in
/// private chats since 2019). Basic-group messages: with `revoke`, for every
/// member when the caller may ([`may_revoke`]), else for the caller only,
/// as without `revoke` (TDLib sends `revoke` as the user asked and lets the
/// server decide; official apps offer it only where allowed). A bot cannot
/// delete for itself alone: a message it may not delete for everyone is
/// `MESSAGE_DELETE_FORBIDDEN` (403) and nothing is deleted. Everyone who
/// loses a message gets `updateDeleteMessages` with their own pts.
pub(crate) fn delete_messages(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteMessages,
) -> Result<enums::messages::AffectedMessages, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let bot = w.accounts.get(&me).is_some_and(|a| a.bot);
    let mut private = Vec::new();
    // Per group: the ids to delete for everyone, and for the caller only.
    let mut groups: BTreeMap<i64, (Vec<i32>, Vec<i32>)> = BTreeMap::new();
    for &id in &x.id {
        if w.mailbox(me).messages.contains_key(&id) {
            private.push(id);
            continue;
        }
        let Some((chat, m)) = group_message(w, me, id) else {
            continue;
        };
        let may = may_revoke(&w.chats[&chat], me, m, bot, now);
        if bot && !may {
            return Err(err(403, "MESSAGE_DELETE_FORBIDDEN"));
        }
        let entry = groups.entry(chat).or_default();
        if (x.revoke || bot) && may {
            entry.0.push(id);
        } else {
            entry.1.push(id);
        }
    }
    let mut mine: Vec<i32> = delete_private(ctx, w, me, &private, x.revoke, now);
    for (chat, (everyone, only_me)) in groups {
        mine.extend(delete_in_group(ctx, w, me, chat, &everyone, now));
        let mailbox = w.mailbox(me);
        for id in only_me {
            mailbox.hidden.insert((chat, id));
            mailbox.group_pts.remove(&(chat, id));
            mine.push(id);
        }
    }
    let count = i32::try_from(mine.len()).unwrap_or(i32::MAX);
    let mailbox = w.mailbox(me);
    mailbox.pts = mailbox.pts.saturating_add(count);
    let pts = mailbox.pts;
    if count > 0 {
        push_deleted(ctx, me, Some(ctx.conn), mine, pts, now);
    }
    Ok(enums::messages::AffectedMessages::from(
        types::messages::AffectedMessages {
            pts,
            pts_count: count,
        },
    ))
}

/// Removes the caller's copies of `ids` (private messages) and, with
/// `revoke`, the other sides' copies, telling each other side. Returns the
/// caller's ids that went; the caller's pts is the caller's to move.
fn delete_private(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    ids: &[i32],
    revoke: bool,
    now: i32,
) -> Vec<i32> {
    let mine = w.mailbox(me);
    let gone: Vec<StoredMessage> = ids
        .iter()
        .filter_map(|id| mine.messages.remove(id))
        .collect();
    if revoke {
        let mut theirs: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
        for m in gone.iter().filter(|m| m.peer != me) {
            if let Some(twin) = m.twin {
                theirs.entry(m.peer).or_default().push(twin);
            }
        }
        for (peer, ids) in theirs {
            let mailbox = w.mailbox(peer);
            let removed: Vec<i32> = ids
                .into_iter()
                .filter(|id| mailbox.messages.remove(id).is_some())
                .collect();
            if removed.is_empty() {
                continue;
            }
            mailbox.pts += removed.len() as i32;
            let pts = mailbox.pts;
            push_deleted(ctx, peer, None, removed, pts, now);
        }
    }
    gone.iter().map(|m| m.id).collect()
}

/// Deletes `ids` from basic group `chat` for every member. Each other
/// member who had heard of a message (its update took a pts of their
/// mailbox) and had not deleted it for themselves gets
/// `updateDeleteMessages`; members who never heard of it lose it silently,
/// as a later `getHistory` no longer shows it. Returns the ids that went.
fn delete_in_group(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    chat: i64,
    ids: &[i32],
    now: i32,
) -> Vec<i32> {
    let Some(c) = w.chats.get_mut(&chat) else {
        return Vec::new();
    };
    let before = c.messages.len();
    c.messages.retain(|m| !ids.contains(&m.id));
    if c.messages.len() == before {
        return Vec::new();
    }
    c.pinned.retain(|id| !ids.contains(id));
    let members: Vec<i64> = c
        .participants
        .iter()
        .filter(|p| p.is_member() && p.user != me)
        .map(|p| p.user)
        .collect();
    for member in members {
        let mailbox = w.mailbox(member);
        let heard: Vec<i32> = ids
            .iter()
            .copied()
            .filter(|&id| {
                let hidden = mailbox.hidden.remove(&(chat, id));
                let heard = mailbox.group_pts.remove(&(chat, id)).is_some();
                heard && !hidden
            })
            .collect();
        if heard.is_empty() {
            continue;
        }
        mailbox.pts = mailbox.pts.saturating_add(heard.len() as i32);
        let pts = mailbox.pts;
        push_deleted(ctx, member, None, heard, pts, now);
    }
    let mailbox = w.mailbox(me);
    for id in ids {
        mailbox.group_pts.remove(&(chat, *id));
    }
    ids.to_vec()
}

/// Tells `user`'s sessions (but `except`) that `ids` went, at `pts`.
fn push_deleted(ctx: &Ctx<'_>, user: i64, except: Option<u64>, ids: Vec<i32>, pts: i32, now: i32) {
    let update = enums::Updates::from(types::UpdateShort {
        update: enums::Update::from(types::UpdateDeleteMessages {
            pts,
            pts_count: ids.len() as i32,
            messages: ids,
        }),
        date: now,
    });
    ctx.shared.push_update(user, except, &update);
}
