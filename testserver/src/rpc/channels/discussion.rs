//! Discussion groups: `channels.setDiscussionGroup` and
//! `channels.getGroupsForDiscussion` (<https://core.telegram.org/api/discussion>).

use crate::rpc::prelude::*;

/// The chat an `InputChannel` names, `None` for `inputChannelEmpty`.
fn optional_channel(w: &World, me: i64, c: &enums::InputChannel) -> Result<Option<i64>, RpcErr> {
    match c {
        enums::InputChannel::Empty => Ok(None),
        other => channel_id(w, me, other).map(Some),
    }
}

/// Logs a link change in a chat's admin log.
fn log_link(w: &mut World, chat: i64, me: i64, now: i32, prev: Option<i64>, new: Option<i64>) {
    if let Some(c) = w.chats.get_mut(&chat) {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionChangeLinkedChat {
                    prev_value: prev.unwrap_or(0),
                    new_value: new.unwrap_or(0),
                },
            ),
        );
    }
}

/// Sets `chat`'s link to `to`, logging the change; returns the old link.
fn relink(w: &mut World, chat: i64, to: Option<i64>, me: i64, now: i32) -> Option<i64> {
    let c = w.chats.get_mut(&chat)?;
    let prev = std::mem::replace(&mut c.linked_chat, to);
    if prev != to {
        log_link(w, chat, me, now, prev, to);
    }
    prev
}

/// `channels.setDiscussionGroup`: links a supergroup to a broadcast channel
/// as its discussion group (a group or channel linked before is unlinked
/// first), or, with `inputChannelEmpty` on one side, unlinks the other
/// side's link. Errors (the method page): the first not a broadcast channel
/// `BROADCAST_ID_INVALID`, the second not a supergroup
/// `MEGAGROUP_ID_INVALID`, nothing to change `LINK_NOT_MODIFIED`, rights
/// ([`may_link_discussion`]) `CHAT_ADMIN_REQUIRED`. Both sides log
/// `channelAdminLogEventActionChangeLinkedChat`.
pub(crate) fn set_discussion_group(
    cx: &mut Cx<'_>,
    x: functions::channels::SetDiscussionGroup,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let broadcast = optional_channel(w, me, &x.broadcast)?;
    let group = optional_channel(w, me, &x.group)?;
    if broadcast.is_some_and(|b| w.chats[&b].kind != ChatKind::Channel)
        || (broadcast.is_none() && group.is_none())
    {
        return Err(bad("BROADCAST_ID_INVALID"));
    }
    if group.is_some_and(|g| w.chats[&g].kind != ChatKind::Supergroup) {
        return Err(bad("MEGAGROUP_ID_INVALID"));
    }
    // Linking (not unlinking) a group whose history new members cannot
    // see (the method page's error; TDLib: make the history available
    // first).
    if broadcast.is_some() && group.is_some_and(|g| w.chats[&g].settings.prehistory_hidden) {
        return Err(bad("MEGAGROUP_PREHISTORY_HIDDEN"));
    }
    let (b, g) = (broadcast.map(|b| &w.chats[&b]), group.map(|g| &w.chats[&g]));
    if !may_link_discussion(b, g, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    match (broadcast, group) {
        (Some(b), Some(g)) => {
            if w.chats[&b].linked_chat == Some(g) {
                return Err(bad("LINK_NOT_MODIFIED"));
            }
            for old in [
                relink(w, b, Some(g), me, now),
                relink(w, g, Some(b), me, now),
            ]
            .into_iter()
            .flatten()
            {
                relink(w, old, None, me, now);
            }
        }
        (Some(one), None) | (None, Some(one)) => {
            let Some(other) = relink(w, one, None, me, now) else {
                return Err(bad("LINK_NOT_MODIFIED"));
            };
            relink(w, other, None, me, now);
        }
        (None, None) => return Err(bad("BROADCAST_ID_INVALID")),
    }
    Ok(true)
}

/// `channels.getGroupsForDiscussion`: the supergroups where the caller may
/// link a channel ([`may_link_discussion`]), and the basic groups they
/// created (which must become supergroups first, as TDLib's
/// `getSuitableDiscussionChats` says). Users only (`BOT_METHOD_INVALID`).
pub(crate) fn get_groups_for_discussion(
    cx: &mut Cx<'_>,
    _: functions::channels::GetGroupsForDiscussion,
) -> Result<enums::messages::Chats, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let chats = w
        .chats
        .values()
        .filter(|c| match c.kind {
            ChatKind::Supergroup => may_link_discussion(None, Some(c), me),
            ChatKind::Group => {
                c.creator == me
                    && c.migrated_to.is_none()
                    && c.participant(me).is_some_and(Participant::is_member)
            }
            ChatKind::Channel => false,
        })
        .filter_map(|c| w.chat_view(me, c.id))
        .collect();
    Ok(enums::messages::Chats::from(types::messages::Chats {
        chats,
    }))
}
