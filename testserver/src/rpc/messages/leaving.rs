//! The owner leaving: `messages.getFutureChatCreatorAfterLeave`, and the
//! succession that follows an owner's leave (at once in a basic group, after
//! [`OWNER_LEAVE_GRACE`] in a supergroup or channel unless they come back).

use crate::chats::StoredChat;
use crate::rpc::prelude::*;

/// `messages.getFutureChatCreatorAfterLeave`: the owner only
/// (`CHAT_ADMIN_REQUIRED`; TDLib asks only as the owner); the user
/// [`future_creator`] names, or `userEmpty`.
pub(crate) fn get_future_chat_creator_after_leave(
    cx: &mut Cx<'_>,
    x: functions::messages::GetFutureChatCreatorAfterLeave,
) -> Result<enums::User, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = chat_of_peer_to_read(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !is_owner(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let next = future_creator(chat, me, |u| w.accounts.get(&u).is_some_and(|a| a.bot));
    Ok(next
        .and_then(|u| w.user_view(me, u))
        .unwrap_or(enums::User::Empty(types::UserEmpty { id: 0 })))
}

/// Makes `successor` the owner of `c` (the former owner keeps whatever
/// standing they have: none, having left), with a
/// `messageActionChangeCreator`.
pub(crate) fn hand_over(c: &mut StoredChat, successor: i64, now: i32) {
    let Some(p) = c.participant(successor).cloned() else {
        return;
    };
    let rank = p.tag().map(str::to_owned);
    c.change(successor, Role::Creator { rank }, p.date, p.inviter);
    c.creator = successor;
    c.add_service(
        now,
        successor,
        enums::MessageAction::from(types::MessageActionChangeCreator {
            new_creator_id: successor,
        }),
    );
}

/// Hands over the supergroups and channels whose owner left more than
/// [`OWNER_LEAVE_GRACE`] ago and did not come back (the clock moves).
pub(crate) fn settle(w: &mut World, now: i32) {
    let due: Vec<i64> = w
        .owner_leaves
        .iter()
        .filter(|(_, left)| now.saturating_sub(**left) >= OWNER_LEAVE_GRACE)
        .map(|(chat, _)| *chat)
        .collect();
    for chat in due {
        w.owner_leaves.remove(&chat);
        let successor = w.chats.get(&chat).and_then(|c| {
            future_creator(c, c.creator, |u| w.accounts.get(&u).is_some_and(|a| a.bot))
        });
        if let (Some(successor), Some(c)) = (successor, w.chats.get_mut(&chat)) {
            hand_over(c, successor, now);
            // Nobody's request: the new owner is the one who acted.
            if let Some(change) = c.changes.last_mut() {
                change.actor = Some(successor);
            }
        }
    }
}

/// The role a returning member gets: the owner who left and is back within
/// the grace is the owner again.
pub(crate) fn returning_role(w: &mut World, chat: i64, user: i64) -> Role {
    let owner_back = w
        .chats
        .get(&chat)
        .is_some_and(|c| c.creator == user && c.kind != ChatKind::Group)
        && w.owner_leaves.remove(&chat).is_some();
    if owner_back {
        Role::Creator { rank: None }
    } else {
        Role::Member
    }
}
