//! `channels.getParticipants`, `getParticipant`, `editAdmin`, `editBanned`.

use crate::rpc::messages::send::service_updates;
use crate::rpc::prelude::*;

/// `channels.getParticipants`.
pub(crate) fn get_participants(
    cx: &mut Cx<'_>,
    x: functions::channels::GetParticipants,
) -> Result<enums::channels::ChannelParticipants, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    w.expire_restrictions(shared.clock.unix());
    use crate::chats::{LISTING_CAP, SEARCH_CAP, name_matches};
    let id = readable_channel(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    let can_ban = may_ban(chat, me);
    if !may_list_members(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let matches = |p: &Participant, q: &str| {
        w.accounts
            .get(&p.user)
            .is_some_and(|a| name_matches(&a.first_name, &a.last_name, a.username.as_deref(), q))
    };
    // Newest first, as Telegram lists recent members.
    let ordered = chat.participants.iter().rev();
    let (selected, cap): (Vec<&Participant>, usize) = match &x.filter {
        enums::ChannelParticipantsFilter::ChannelParticipantsRecent => {
            (ordered.filter(|p| p.is_member()).collect(), LISTING_CAP)
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsAdmins => {
            let mut v: Vec<_> = chat.participants.iter().filter(|p| p.is_admin()).collect();
            v.sort_by_key(|p| !matches!(p.role, Role::Creator { .. }));
            (v, LISTING_CAP)
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsBots => (
            ordered
                .filter(|p| p.is_member() && w.accounts.get(&p.user).is_some_and(|a| a.bot))
                .collect(),
            LISTING_CAP,
        ),
        enums::ChannelParticipantsFilter::ChannelParticipantsKicked(k) => {
            if !can_ban {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            (
                ordered
                    .filter(|p| matches!(p.role, Role::Banned { .. }) && matches(p, &k.q))
                    .collect(),
                LISTING_CAP,
            )
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsBanned(b) => {
            if !can_ban {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            (
                ordered
                    .filter(|p| matches!(p.role, Role::Restricted { .. }) && matches(p, &b.q))
                    .collect(),
                LISTING_CAP,
            )
        }
        enums::ChannelParticipantsFilter::ChannelParticipantsSearch(s) => {
            let cap = if s.q.trim().is_empty() {
                LISTING_CAP
            } else {
                SEARCH_CAP
            };
            if s.q.trim().is_empty() {
                (ordered.filter(|p| p.is_member()).collect(), cap)
            } else {
                (w.search_members(chat, &s.q), cap)
            }
        }
        // Members in the caller's contact list.
        enums::ChannelParticipantsFilter::ChannelParticipantsContacts(c) => (
            ordered
                .filter(|p| p.is_member() && w.is_contact(me, p.user) && matches(p, &c.q))
                .collect(),
            SEARCH_CAP,
        ),
        enums::ChannelParticipantsFilter::ChannelParticipantsMentions(m) => {
            let q = m.q.clone().unwrap_or_default();
            (
                ordered
                    .filter(|p| p.is_member() && matches(p, &q))
                    .collect(),
                SEARCH_CAP,
            )
        }
    };
    // A hidden member list: non-admins get the admins and bots only
    // (TDLib's `supergroupFullInfo.has_hidden_members`).
    let hidden = chat.settings.participants_hidden && !is_admin(chat, me);
    let selected: Vec<&Participant> = selected
        .into_iter()
        .filter(|p| !hidden || p.is_admin() || w.accounts.get(&p.user).is_some_and(|a| a.bot))
        .collect();
    // Banned channels follow the banned users in the kicked list.
    let channels: Vec<i64> = match &x.filter {
        enums::ChannelParticipantsFilter::ChannelParticipantsKicked(k) if k.q.is_empty() => {
            chat.banned_channels.keys().copied().collect()
        }
        _ => Vec::new(),
    };
    Ok(page_of(
        w,
        me,
        id,
        &selected,
        &channels,
        (x.offset, x.limit),
        cap,
    ))
}

/// One page (`offset`, `limit`, at most `cap` deep) of the users
/// `selected`, then the banned `channels`.
fn page_of(
    w: &World,
    me: i64,
    id: i64,
    selected: &[&Participant],
    channels: &[i64],
    (offset, limit): (i32, i32),
    cap: usize,
) -> enums::channels::ChannelParticipants {
    let chat = &w.chats[&id];
    let total = selected.len() + channels.len();
    let count = total as i32;
    let offset = offset.max(0) as usize;
    let limit = limit.clamp(0, 200) as usize;
    let end = (offset + limit).min(total).min(cap);
    let range = offset.min(end)..end;
    let page: Vec<&Participant> = selected
        .get(range.start.min(selected.len())..range.end.min(selected.len()))
        .unwrap_or_default()
        .to_vec();
    let page_channels: Vec<i64> = range
        .filter(|&i| i >= selected.len())
        .map(|i| channels[i - selected.len()])
        .collect();
    let mut participants: Vec<enums::ChannelParticipant> =
        page.iter().map(|p| w.participant_view(p, me)).collect();
    participants.extend(
        page_channels
            .iter()
            .filter_map(|c| chat.banned_channels.get(c).map(|b| b.view(*c))),
    );
    let users = users_of(w, me, page.iter().map(|p| p.user).collect());
    enums::channels::ChannelParticipants::from(types::channels::ChannelParticipants {
        count,
        participants,
        chats: page_channels
            .iter()
            .filter_map(|c| w.chat_view(me, *c))
            .collect(),
        users,
    })
}

/// `channels.getParticipant`.
pub(crate) fn get_participant(
    cx: &mut Cx<'_>,
    x: functions::channels::GetParticipant,
) -> Result<enums::channels::ChannelParticipant, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    w.expire_restrictions(shared.clock.unix());
    let id = readable_channel(w, me, &x.channel)?;
    let user = match &x.participant {
        enums::InputPeer::InputPeerSelf => me,
        enums::InputPeer::User(u) => u.user_id,
        enums::InputPeer::Channel(c) => {
            return super::peer_bans::banned_channel(w, me, id, c.channel_id);
        }
        _ => return Err(bad("PARTICIPANT_ID_INVALID")),
    };
    let c = &w.chats[&id];
    let Some(p) = c
        .participant(user)
        .filter(|p| !matches!(p.role, Role::Left))
    else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    let participant = w.participant_view(p, me);
    Ok(enums::channels::ChannelParticipant::from(
        types::channels::ChannelParticipant {
            participant,
            chats: w.chat_view(me, id).into_iter().collect(),
            users: users_of(w, me, vec![user]),
        },
    ))
}

/// `channels.editAdmin`.
pub(crate) fn edit_admin(
    cx: &mut Cx<'_>,
    x: functions::channels::EditAdmin,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    w.expire_restrictions(shared.clock.unix());
    use crate::chats::admin_right_flags;
    let id = channel_id(w, me, &x.channel)?;
    let now = ctx.shared.clock.unix();
    let user = input_user_id(me, &x.user_id)?;
    let enums::ChatAdminRights::ChatAdminRights(new_rights) = x.admin_rights.clone();
    let chat = &w.chats[&id];
    if !may_add_admins(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let Some((is_creator, mine)) = caller_rights(chat, me) else {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    };
    if !w.accounts.contains_key(&user) {
        return Err(bad("USER_ID_INVALID"));
    }
    let rank = x.rank.clone().filter(|r| !r.is_empty());
    if rank.as_ref().is_some_and(|r| r.chars().count() > 16) {
        return Err(bad("ADMIN_RANK_INVALID"));
    }
    if chat.kind == ChatKind::Supergroup && (new_rights.post_messages || new_rights.edit_messages) {
        // Broadcast-only rights.
        return Err(bad("RIGHT_FORBIDDEN"));
    }
    if !may_grant(is_creator, &mine, &new_rights) {
        return Err(bad("RIGHT_FORBIDDEN"));
    }
    let prev = chat.participant(user).cloned();
    let Some(prev) = prev.filter(|p| p.is_member()) else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    may_edit_member(is_creator, me, &prev.role).map_err(bad)?;
    let any = admin_right_flags(&new_rights).iter().any(|(_, v)| *v);
    let role = if any {
        Role::Admin {
            rights: new_rights,
            rank: rank.map(String::from),
            promoted_by: me,
        }
    } else {
        Role::Member
    };
    if role == prev.role {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let prev_view = w.participant_view(&prev, me);
    let mut next = prev.clone();
    next.role = role;
    let new_view = w.participant_view(&next, me);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.change(user, next.role, next.date, next.inviter);
    c.log(
        now,
        me,
        Some(user),
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionParticipantToggleAdmin {
                prev_participant: prev_view,
                new_participant: new_view,
            },
        ),
    );
    Ok(chat_updates(w, me, id, vec![user], now))
}

/// `channels.editBanned`.
pub(crate) fn edit_banned(
    cx: &mut Cx<'_>,
    x: functions::channels::EditBanned,
) -> Result<enums::Updates, RpcErr> {
    if matches!(x.participant, enums::InputPeer::Channel(_)) {
        return super::peer_bans::edit_banned_channel(cx, x);
    }
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    w.expire_restrictions(shared.clock.unix());
    use crate::chats::normalize_until;
    let id = channel_id(w, me, &x.channel)?;
    let now = ctx.shared.clock.unix();
    let user = match &x.participant {
        enums::InputPeer::User(u) => u.user_id,
        enums::InputPeer::InputPeerSelf => return Err(bad("USER_ADMIN_INVALID")),
        _ => return Err(bad("PARTICIPANT_ID_INVALID")),
    };
    if !w.accounts.contains_key(&user) {
        return Err(bad("USER_ID_INVALID"));
    }
    let enums::ChatBannedRights::ChatBannedRights(mut rights) = x.banned_rights.clone();
    rights.until_date = normalize_until(rights.until_date, now);
    let chat = &w.chats[&id];
    if !may_ban(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let is_creator = is_owner(chat, me);
    let prev = chat.participant(user).cloned().unwrap_or(Participant {
        user,
        role: Role::Left,
        date: now,
        inviter: 0,
        via_request: false,
        rank: None,
    });
    may_edit_member(is_creator, me, &prev.role).map_err(bad)?;
    let restricted = rights.view_messages
        || rights.send_messages
        || rights.send_media
        || rights.send_stickers
        || rights.send_gifs
        || rights.send_games
        || rights.send_inline
        || rights.embed_links
        || rights.send_polls
        || rights.change_info
        || rights.invite_users
        || rights.pin_messages
        || rights.manage_topics
        || rights.send_photos
        || rights.send_videos
        || rights.send_roundvideos
        || rights.send_audios
        || rights.send_voices
        || rights.send_docs
        || rights.send_plain;
    let role = if rights.view_messages {
        Role::Banned {
            rights,
            kicked_by: me,
        }
    } else if restricted {
        if !prev.is_member() {
            return Err(bad("USER_NOT_PARTICIPANT"));
        }
        Role::Restricted {
            rights,
            kicked_by: me,
        }
    } else {
        match prev.role {
            // Unbanning a kicked user lets them join again; it does not add them.
            Role::Banned { .. } | Role::Left => Role::Left,
            _ => Role::Member,
        }
    };
    if role == prev.role {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let prev_view = w.participant_view(&prev, me);
    let mut next = prev.clone();
    next.role = role;
    let new_view = w.participant_view(&next, me);
    let removed = prev.is_member() && matches!(next.role, Role::Banned { .. });
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.change(user, next.role, next.date, next.inviter);
    c.log(
        now,
        me,
        Some(user),
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionParticipantToggleBan {
                prev_participant: prev_view,
                new_participant: new_view,
            },
        ),
    );
    if removed && c.kind == ChatKind::Supergroup {
        // "X removed Y", as Telegram shows it in supergroups.
        let m = c.add_service(
            now,
            me,
            enums::MessageAction::from(types::MessageActionChatDeleteUser { user_id: user }),
        );
        return Ok(service_updates(ctx, w, me, id, &m, vec![me, user]));
    }
    Ok(chat_updates(w, me, id, vec![user], now))
}
