//! A chat's options beyond its switches: auto-delete (`messages.setHistoryTTL`),
//! the reactions members may use, boosts that lift restrictions, sponsored
//! messages, and reports of anti-spam false positives. Each answers
//! `CHAT_NOT_MODIFIED` when nothing changes, logs its admin-log event where
//! layer 230 has one, and shows in the full-chat view.

use crate::rpc::prelude::*;

/// The longest auto-delete period: 366 days (TDLib's
/// `setChatMessageAutoDeleteTime`: "from 0 up to 365 * 86400 and be
/// divisible by 86400"; the apps offer up to a year).
pub(crate) const TTL_PERIOD_MAX: i32 = 366 * 86_400;

/// `messages.setHistoryTTL`: new messages delete themselves `period`
/// seconds after they are sent (0: off). `change_info` needed (TDLib:
/// "requires change_info administrator right in basic groups, supergroups
/// and channels"); a period that is not whole days up to a year is
/// `TTL_PERIOD_INVALID` (the method page); logged as `changeHistoryTTL`;
/// the full chat shows it. Messages sent afterwards carry the period
/// (`ttl_period`) and are deleted when it has passed on the server's clock
/// ([`expire_messages`]).
pub(crate) fn set_history_ttl(
    cx: &mut Cx<'_>,
    x: functions::messages::SetHistoryTTL,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if x.period < 0 || x.period > TTL_PERIOD_MAX || x.period % 86_400 != 0 {
        return Err(bad("TTL_PERIOD_INVALID"));
    }
    let prev = chat.settings.ttl_period;
    if prev == x.period {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.settings.ttl_period = x.period;
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionChangeHistoryTTL {
                    prev_value: prev,
                    new_value: x.period,
                },
            ),
        );
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// The most distinct reactions a chat may cap a message at
/// (`reactions_limit`; Telegram's apps offer 1 to 11).
pub(crate) const REACTIONS_LIMIT_MAX: i32 = 11;

/// `messages.setChatAvailableReactions`: all, none, or some reactions;
/// `change_info` needed; an empty emoji in the list is `REACTION_INVALID`, a
/// cap outside 1..=11 `REACTIONS_TOO_MANY`; logged as
/// `changeAvailableReactions`.
pub(crate) fn set_chat_available_reactions(
    cx: &mut Cx<'_>,
    x: functions::messages::SetChatAvailableReactions,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if let enums::ChatReactions::Some(some) = &x.available_reactions {
        let bad_emoji = some.reactions.iter().any(|r| match r {
            enums::Reaction::Emoji(e) => e.emoticon.trim().is_empty(),
            enums::Reaction::CustomEmoji(_) => false,
            _ => true,
        });
        if bad_emoji {
            return Err(bad("REACTION_INVALID"));
        }
    }
    if x.reactions_limit
        .is_some_and(|n| !(1..=REACTIONS_LIMIT_MAX).contains(&n))
    {
        return Err(bad("REACTIONS_TOO_MANY"));
    }
    let all = enums::ChatReactions::from(types::ChatReactionsAll {
        allow_custom: false,
    });
    let prev = chat
        .settings
        .reactions
        .clone()
        .unwrap_or_else(|| all.clone());
    let limit = x.reactions_limit.or(chat.settings.reactions_limit);
    if prev == x.available_reactions && limit == chat.settings.reactions_limit {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.settings.reactions = Some(x.available_reactions.clone());
    c.settings.reactions_limit = limit;
    if c.kind != ChatKind::Group && prev != x.available_reactions {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionChangeAvailableReactions {
                    prev_value: prev,
                    new_value: x.available_reactions,
                },
            ),
        );
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.setBoostsToUnblockRestrictions`: members who boost the
/// supergroup this many times (1-8; 0 turns it off) are exempt from slow
/// mode and the default restrictions (the method page: admins with
/// `ban_users`, supergroups; bots may not call it: `BOT_METHOD_INVALID`).
/// Out of range: `BOOSTS_INVALID` (the method page names no error; ours).
pub(crate) fn set_boosts_to_unblock_restrictions(
    cx: &mut Cx<'_>,
    x: functions::channels::SetBoostsToUnblockRestrictions,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Supergroup {
        return Err(bad("CHANNEL_INVALID"));
    }
    if !may_ban(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if !(0..=8).contains(&x.boosts) {
        return Err(bad("BOOSTS_INVALID"));
    }
    if chat.settings.boosts_unrestrict == x.boosts {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.settings.boosts_unrestrict = x.boosts;
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.restrictSponsoredMessages`: a broadcast channel switches
/// sponsored messages off or on (`change_info`; the boost level Telegram
/// also asks for is not modelled). Other chats: `CHANNEL_INVALID`.
pub(crate) fn restrict_sponsored_messages(
    cx: &mut Cx<'_>,
    x: functions::channels::RestrictSponsoredMessages,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Channel {
        return Err(bad("CHANNEL_INVALID"));
    }
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if chat.settings.sponsored_restricted == x.restricted {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.settings.sponsored_restricted = x.restricted;
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.reportAntiSpamFalsePositive`: tells Telegram its anti-spam
/// wrongly removed message `msg_id` (admins with `delete_messages`; an id
/// no message ever had `MSG_ID_INVALID`). The referee records the report
/// ([`crate::TestServer::antispam_false_positives`]); it detects no spam.
pub(crate) fn report_anti_spam_false_positive(
    cx: &mut Cx<'_>,
    x: functions::channels::ReportAntiSpamFalsePositive,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if !caller_rights(chat, me).is_some_and(|(_, r)| r.delete_messages) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let last = chat.messages.last().map_or(0, |m| m.id);
    if x.msg_id <= 0 || x.msg_id > last {
        return Err(bad("MSG_ID_INVALID"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    if !c.settings.antispam_false_positives.contains(&x.msg_id) {
        c.settings.antispam_false_positives.push(x.msg_id);
    }
    Ok(true)
}

/// Deletes the group and channel messages whose auto-delete period has
/// passed (`now` on the server's clock), moving their chats' pts. Runs
/// before every request; costs nothing until the earliest expiry is due.
pub(crate) fn expire_messages(w: &mut World, now: i32) {
    if w.message_expiry.is_none_or(|t| now < t) {
        return;
    }
    let mut next: Option<i32> = None;
    for c in w.chats.values_mut() {
        let before = c.messages.len();
        c.messages
            .retain(|m| m.ttl <= 0 || m.date.saturating_add(m.ttl) > now);
        let gone = before - c.messages.len();
        if gone > 0 {
            c.pts = c.pts.saturating_add(gone as i32);
        }
        for m in c.messages.iter().filter(|m| m.ttl > 0) {
            let at = m.date.saturating_add(m.ttl);
            next = Some(next.map_or(at, |t| t.min(at)));
        }
    }
    w.message_expiry = next;
}
