//! Participants' tags (layer 223, <https://core.telegram.org/api/rank>):
//! `messages.editChatParticipantRank`, in basic groups and supergroups.

use crate::rpc::prelude::*;

/// The longest tag: 16 characters, as admin titles (`ADMIN_RANK_INVALID`,
/// `channels.editAdmin`'s page; the tag page names no other limit).
pub(crate) const RANK_MAX: usize = 16;

/// `messages.editChatParticipantRank`: sets (or, with `""`, clears) a
/// participant's tag, as [`may_edit_rank`] allows; a broadcast channel or a
/// participant that is no user is `PEER_ID_INVALID` (the page's one error),
/// a non-member `USER_NOT_PARTICIPANT`. Supergroups log
/// `participantEditRank`; basic groups answer `updateChatParticipantRank`.
pub(crate) fn edit_chat_participant_rank(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatParticipantRank,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    w.expire_restrictions(now);
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if chat.kind == ChatKind::Channel {
        return Err(bad("PEER_ID_INVALID"));
    }
    let user = match &x.participant {
        enums::InputPeer::InputPeerSelf => me,
        enums::InputPeer::User(u) => u.user_id,
        _ => return Err(bad("PEER_ID_INVALID")),
    };
    let Some(target) = chat.participant(user).filter(|p| p.is_member()) else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    let rank = x.rank.trim();
    if rank.chars().count() > RANK_MAX {
        return Err(bad("ADMIN_RANK_INVALID"));
    }
    may_edit_rank(chat, me, target).map_err(bad)?;
    let prev = target.tag().unwrap_or_default().to_owned();
    let new = (!rank.is_empty()).then(|| rank.to_owned());
    let kind = chat.kind;
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.set_tag(user, new.clone());
    let mut updates = Vec::new();
    if kind == ChatKind::Group {
        updates.push(enums::Update::from(types::UpdateChatParticipantRank {
            chat_id: id,
            user_id: user,
            rank: new.clone().unwrap_or_default().into(),
            version: 1,
        }));
    } else if prev != rank {
        c.log(
            now,
            me,
            Some(user),
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionParticipantEditRank {
                    user_id: user,
                    prev_rank: prev.into(),
                    new_rank: rank.into(),
                },
            ),
        );
    }
    Ok(enums::Updates::from(types::Updates {
        updates,
        users: users_of(w, me, vec![user]),
        chats: w.chat_view(me, id).into_iter().collect(),
        date: now,
        seq: 0,
    }))
}
