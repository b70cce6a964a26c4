//! `communities.*` (layer 228): creating a community, linking and unlinking
//! its chats, requests to link a chat and their approval, banning a
//! participant in every chat of a community, and which of its chats a
//! participant is in. The rules are TDLib's documentation of its community
//! functions (see [`crate::communities`]); where it names no error, the
//! answer is the one Telegram gives the same mistake elsewhere
//! (`CHANNEL_INVALID`, `PEER_ID_INVALID`, `CHAT_ADMIN_REQUIRED`,
//! `CHAT_NOT_MODIFIED`), as the testserver README's table says.

use crate::communities::{Community, LinkRequest, LinkedPeer};
use crate::rpc::prelude::*;

/// The community an `InputChannel` names, with the access hash `me` was given.
pub(crate) fn community_id(w: &World, me: i64, c: &enums::InputChannel) -> Result<i64, RpcErr> {
    match c {
        enums::InputChannel::InputChannel(c)
            if w.communities.contains_key(&c.channel_id)
                && w.channel_access_hash(me, c.channel_id) == c.access_hash =>
        {
            Ok(c.channel_id)
        }
        _ => Err(bad("CHANNEL_INVALID")),
    }
}

/// The supergroup or channel a peer names (basic groups: TDLib turns them
/// into supergroups before linking them).
fn linkable_chat(w: &World, me: i64, peer: &enums::InputPeer) -> Result<i64, RpcErr> {
    let id = chat_of_peer(w, me, peer).map_err(|_| bad("PEER_ID_INVALID"))?;
    match w.chats.get(&id) {
        Some(c) if c.kind != ChatKind::Group => Ok(id),
        _ => Err(bad("PEER_ID_INVALID")),
    }
}

fn community(w: &World, id: i64) -> Result<&Community, RpcErr> {
    w.communities
        .get(&id)
        .ok_or_else(|| internal("community exists"))
}

fn community_mut(w: &mut World, id: i64) -> Result<&mut Community, RpcErr> {
    w.communities
        .get_mut(&id)
        .ok_or_else(|| internal("community exists"))
}

/// Bans `user` in `chat` for the community (all rights denied, for ever),
/// or (`ban` false) lifts a ban (they may join again; nobody is added), as
/// `channels.editBanned` would, logging it. The chat's creator is left
/// alone, and nothing is logged when nothing changes.
fn set_ban_in_chat(w: &mut World, chat: i64, user: i64, ban: bool, actor: i64, now: i32) {
    let Some(c) = w.chats.get(&chat) else { return };
    if c.creator == user {
        return;
    }
    let prev = c.participant(user).cloned().unwrap_or(Participant {
        user,
        role: Role::Left,
        date: now,
        inviter: 0,
        via_request: false,
        rank: None,
    });
    if matches!(prev.role, Role::Banned { .. }) == ban {
        return;
    }
    let mut next = prev.clone();
    next.role = if ban {
        Role::Banned {
            rights: crate::chats::all_banned_rights(),
            kicked_by: actor,
        }
    } else {
        Role::Left
    };
    let (prev_view, new_view) = (
        w.participant_view(&prev, actor),
        w.participant_view(&next, actor),
    );
    if let Some(c) = w.chats.get_mut(&chat) {
        c.change(user, next.role, next.date, next.inviter);
        c.log(
            now,
            actor,
            Some(user),
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionParticipantToggleBan {
                    prev_participant: prev_view,
                    new_participant: new_view,
                },
            ),
        );
    }
}

/// Adds `chat` to the community, its bans applied there.
fn link(
    w: &mut World,
    id: i64,
    chat: i64,
    visible: bool,
    actor: i64,
    now: i32,
) -> Result<(), RpcErr> {
    let c = community_mut(w, id)?;
    if c.linked.len() >= COMMUNITY_CHATS_MAX {
        return Err(bad("COMMUNITY_PEERS_TOO_MUCH"));
    }
    c.linked.push(LinkedPeer { chat, visible });
    c.requests.retain(|r| r.chat != chat);
    let banned: Vec<i64> = c.banned.iter().copied().collect();
    for user in banned {
        set_ban_in_chat(w, chat, user, true, actor, now);
    }
    Ok(())
}

/// `communities.create`: a community owned by the caller, with `peer` (a
/// supergroup or channel the caller owns) its first chat, hidden from
/// non-admins with `hidden`. A title is needed (`CHAT_TITLE_EMPTY`); a chat
/// of another community cannot be its first (`PEER_ID_INVALID`).
pub(crate) fn create(
    cx: &mut Cx<'_>,
    x: functions::communities::Create,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    if x.title.trim().is_empty() {
        return Err(bad("CHAT_TITLE_EMPTY"));
    }
    if x.about.as_ref().is_some_and(|a| a.chars().count() > 255) {
        return Err(bad("CHAT_ABOUT_TOO_LONG"));
    }
    let chat = linkable_chat(w, me, &x.peer)?;
    if w.chats[&chat].creator != me {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if w.community_of(chat).is_some() {
        return Err(bad("PEER_ID_INVALID"));
    }
    let id = w.next_chat_id();
    w.communities.insert(
        id,
        Community {
            id,
            title: x.title.to_string(),
            about: x.about.as_deref().unwrap_or_default().to_owned(),
            creator: me,
            date: now,
            admins: Default::default(),
            linked: Vec::new(),
            requests: Vec::new(),
            banned: Default::default(),
        },
    );
    link(w, id, chat, !x.hidden, me, now)?;
    let chats = w
        .community_view(me, id)
        .into_iter()
        .chain(w.chat_view(me, chat))
        .collect();
    Ok(enums::Updates::from(types::Updates {
        updates: Vec::new(),
        users: users_of(w, me, vec![me]),
        chats,
        date: now,
        seq: 0,
    }))
}

/// `communities.togglePeerLink`: `deleted` takes a chat out (the
/// community's admins with `manage_linked_peers`, or the chat's owner);
/// otherwise the chat's owner adds it (or, already in, shows or hides it
/// with `visible`/`hidden`). An owner who may not change the community's
/// chats files a request instead: `COMMUNITY_REQUEST_CREATED` (TDLib's
/// `addCommunityChat`); past [`COMMUNITY_CHATS_MAX`] chats
/// `COMMUNITY_PEERS_TOO_MUCH`; a chat of another community `PEER_ID_INVALID`.
pub(crate) fn toggle_peer_link(
    cx: &mut Cx<'_>,
    x: functions::communities::TogglePeerLink,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = community_id(w, me, &x.community)?;
    let chat = linkable_chat(w, me, &x.peer)?;
    let owner = w.chats[&chat].creator == me;
    let c = community(w, id)?;
    if x.deleted {
        if !c.has(chat) {
            return Err(bad("PEER_ID_INVALID"));
        }
        if !(c.may_edit_chats(me) || owner) {
            return Err(bad("CHAT_ADMIN_REQUIRED"));
        }
        community_mut(w, id)?.linked.retain(|l| l.chat != chat);
        return Ok(true);
    }
    if c.has(chat) {
        if !(c.may_edit_chats(me) || owner) {
            return Err(bad("CHAT_ADMIN_REQUIRED"));
        }
        let visible = if x.hidden {
            Some(false)
        } else {
            x.visible.then_some(true)
        };
        let c = community_mut(w, id)?;
        if let (Some(v), Some(l)) = (visible, c.linked.iter_mut().find(|l| l.chat == chat)) {
            l.visible = v;
        }
        return Ok(true);
    }
    if !owner {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if w.community_of(chat).is_some() {
        return Err(bad("PEER_ID_INVALID"));
    }
    if !c.may_edit_chats(me) {
        let c = community_mut(w, id)?;
        if !c.requests.iter().any(|r| r.chat == chat) {
            c.requests.push(LinkRequest {
                chat,
                by: me,
                date: now,
                visible: !x.hidden,
            });
        }
        return Err(bad("COMMUNITY_REQUEST_CREATED"));
    }
    link(w, id, chat, !x.hidden, me, now)?;
    Ok(true)
}

/// `communities.getJoinedCommunities`: those the caller owns or is in.
pub(crate) fn get_joined_communities(
    cx: &mut Cx<'_>,
    _: functions::communities::GetJoinedCommunities,
) -> Result<enums::messages::Chats, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let chats = w
        .communities
        .values()
        .filter(|c| c.creator == me || c.admins.contains_key(&me) || w.in_community(c, me))
        .filter_map(|c| w.community_view(me, c.id))
        .collect();
    Ok(enums::messages::Chats::from(types::messages::Chats {
        chats,
    }))
}

/// `communities.getPeerLinkRequests`: every pending request for the
/// community's admins with `manage_linked_peers`, one's own for others
/// (TDLib's `getCommunityAddChatRequests`); paged by an offset.
pub(crate) fn get_peer_link_requests(
    cx: &mut Cx<'_>,
    x: functions::communities::GetPeerLinkRequests,
) -> Result<enums::communities::PeerLinkRequests, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = community_id(w, me, &x.community)?;
    let c = community(w, id)?;
    let all = c.may_edit_chats(me);
    let mine: Vec<&LinkRequest> = c.requests.iter().filter(|r| all || r.by == me).collect();
    let start = if x.offset.is_empty() {
        0
    } else {
        x.offset
            .parse::<usize>()
            .map_err(|_| bad("OFFSET_INVALID"))?
    };
    let limit = x.limit.clamp(1, 100) as usize;
    let page: Vec<&LinkRequest> = mine.iter().skip(start).take(limit).copied().collect();
    let next = start + page.len();
    let requests = page
        .iter()
        .map(|r| {
            enums::CommunityPeerRequest::from(types::CommunityPeerRequest {
                visible: r.visible,
                peer: enums::Peer::from(types::PeerChannel { channel_id: r.chat }),
                requested_by: r.by,
                date: r.date,
            })
        })
        .collect();
    let chats = page
        .iter()
        .filter_map(|r| w.chat_view(me, r.chat))
        .collect();
    let users = users_of(w, me, page.iter().map(|r| r.by).collect());
    Ok(enums::communities::PeerLinkRequests::from(
        types::communities::PeerLinkRequests {
            total_count: mine.len() as i32,
            requests,
            next_offset: (next < mine.len())
                .then(|| next.to_string())
                .map(Into::into),
            chats,
            users,
        },
    ))
}

/// `communities.togglePeerLinkRequestApproval`: approves (the chat joins
/// the community) or, with `reject`, declines one request
/// (`manage_linked_peers`; no such request `PEER_ID_INVALID`).
pub(crate) fn toggle_peer_link_request_approval(
    cx: &mut Cx<'_>,
    x: functions::communities::TogglePeerLinkRequestApproval,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = community_id(w, me, &x.community)?;
    let chat = linkable_chat(w, me, &x.peer)?;
    let c = community(w, id)?;
    if !c.may_edit_chats(me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let Some(r) = c.requests.iter().find(|r| r.chat == chat).cloned() else {
        return Err(bad("PEER_ID_INVALID"));
    };
    if x.reject {
        community_mut(w, id)?.requests.retain(|r| r.chat != chat);
    } else {
        link(w, id, chat, r.visible, me, now)?;
    }
    Ok(true)
}

/// `communities.toggleAllPeerLinkRequestApproval`: every pending request at
/// once; approving stops with `COMMUNITY_PEERS_TOO_MUCH` when the
/// community is full, the rest left pending.
pub(crate) fn toggle_all_peer_link_request_approval(
    cx: &mut Cx<'_>,
    x: functions::communities::ToggleAllPeerLinkRequestApproval,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = community_id(w, me, &x.community)?;
    let c = community(w, id)?;
    if !c.may_edit_chats(me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if x.reject {
        community_mut(w, id)?.requests.clear();
        return Ok(true);
    }
    for r in c.requests.clone() {
        link(w, id, r.chat, r.visible, me, now)?;
    }
    Ok(true)
}

/// `communities.toggleParticipantBanned`: bans a user in every chat of the
/// community, present and future, or (`unban`) lifts it (TDLib's
/// `toggleCommunityMemberIsBanned`): `ban_users` in the community needed
/// (`CHAT_ADMIN_REQUIRED`); its creator cannot be banned (`USER_CREATOR`),
/// its admins only by the creator (`USER_ADMIN_INVALID`); banning the owner
/// of one of its chats takes that chat out of the community, which needs
/// `manage_linked_peers` too. Nothing to change: `CHAT_NOT_MODIFIED`.
pub(crate) fn toggle_participant_banned(
    cx: &mut Cx<'_>,
    x: functions::communities::ToggleParticipantBanned,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = community_id(w, me, &x.community)?;
    let user = resolve_user_peer(w, me, &x.participant)?;
    let c = community(w, id)?;
    if !c.may_ban(me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if user == c.creator {
        return Err(bad("USER_CREATOR"));
    }
    if c.admins.contains_key(&user) && me != c.creator {
        return Err(bad("USER_ADMIN_INVALID"));
    }
    if c.banned.contains(&user) != x.unban {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let chats: Vec<i64> = c.linked.iter().map(|l| l.chat).collect();
    if x.unban {
        community_mut(w, id)?.banned.remove(&user);
        for chat in chats {
            set_ban_in_chat(w, chat, user, false, me, now);
        }
        return Ok(true);
    }
    let owned: Vec<i64> = chats
        .iter()
        .copied()
        .filter(|chat| w.chats.get(chat).is_some_and(|c| c.creator == user))
        .collect();
    if !owned.is_empty() && !c.may_edit_chats(me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let c = community_mut(w, id)?;
    c.banned.insert(user);
    c.admins.remove(&user);
    c.linked.retain(|l| !owned.contains(&l.chat));
    for chat in chats.into_iter().filter(|c| !owned.contains(c)) {
        set_ban_in_chat(w, chat, user, true, me, now);
    }
    Ok(true)
}

/// `communities.getParticipantJoinedChats`: the community's chats a user
/// owns and those they are a member of (TDLib's `getCommunityMemberChats`:
/// what a ban would reach; `ban_users` needed).
pub(crate) fn get_participant_joined_chats(
    cx: &mut Cx<'_>,
    x: functions::communities::GetParticipantJoinedChats,
) -> Result<enums::communities::ParticipantJoinedChats, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = community_id(w, me, &x.community)?;
    let user = resolve_user_peer(w, me, &x.participant)?;
    let c = community(w, id)?;
    if !c.may_ban(me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let (mut created, mut joined) = (Vec::new(), Vec::new());
    for l in &c.linked {
        let Some(chat) = w.chats.get(&l.chat) else {
            continue;
        };
        if chat.creator == user {
            created.push(l.chat);
        } else if chat.participant(user).is_some_and(|p| p.is_member()) {
            joined.push(l.chat);
        }
    }
    let chats = created
        .iter()
        .chain(&joined)
        .filter_map(|&chat| w.chat_view(me, chat))
        .collect();
    Ok(enums::communities::ParticipantJoinedChats::from(
        types::communities::ParticipantJoinedChats {
            creator_chat_ids: created,
            joined_chat_ids: joined,
            chats,
            users: users_of(w, me, vec![user]),
        },
    ))
}
