//! Chats and full chats; the info and default rights of groups and channels.

use crate::rpc::messages::send::service_updates;
use crate::rpc::prelude::*;
use crate::rpc::upload::take_upload;

/// `messages.getChats`.
pub(crate) fn get_chats(
    cx: &mut Cx<'_>,
    x: functions::messages::GetChats,
) -> Result<enums::messages::Chats, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let chats =
        x.id.iter()
            .filter(|id| {
                w.chats
                    .get(id)
                    .is_some_and(|c| c.kind == ChatKind::Group && c.participant(me).is_some())
            })
            .filter_map(|id| w.chat_view(me, *id))
            .collect();
    Ok(enums::messages::Chats::from(types::messages::Chats {
        chats,
    }))
}

/// `messages.editChatDefaultBannedRights`.
pub(crate) fn edit_chat_default_banned_rights(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatDefaultBannedRights,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = match &x.peer {
        enums::InputPeer::Channel(c) => channel_id(
            w,
            me,
            &enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        )?,
        enums::InputPeer::Chat(c) => group_id(w, me, c.chat_id)?,
        _ => return Err(bad("PEER_ID_INVALID")),
    };
    let chat = &w.chats[&id];
    if !may_ban(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let enums::ChatBannedRights::ChatBannedRights(mut rights) = x.banned_rights.clone();
    rights.until_date = 0;
    if rights.view_messages {
        return Err(bad("RIGHT_FORBIDDEN"));
    }
    if rights == chat.default_banned {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let prev = chat.default_banned.clone();
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.default_banned = rights.clone();
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionDefaultBannedRights {
                    prev_banned_rights: enums::ChatBannedRights::from(prev),
                    new_banned_rights: enums::ChatBannedRights::from(rights),
                },
            ),
        );
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `messages.editChatPhoto`.
pub(crate) fn edit_chat_photo(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatPhoto,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = group_id(w, me, x.chat_id)?;
    set_photo(ctx, w, me, id, &x.photo)
}

/// `messages.editChatTitle`.
pub(crate) fn edit_chat_title(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatTitle,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = group_id(w, me, x.chat_id)?;
    set_title(ctx, w, me, id, &x.title)
}

/// `messages.editChatAbout`.
pub(crate) fn edit_chat_about(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatAbout,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if x.about.chars().count() > 255 {
        return Err(bad("CHAT_ABOUT_TOO_LONG"));
    }
    if chat.about == x.about {
        return Err(bad("CHAT_ABOUT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let prev = std::mem::replace(&mut c.about, x.about.to_string());
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangeAbout {
                prev_value: prev.into(),
                new_value: x.about.clone(),
            }),
        );
    }
    Ok(true)
}

/// `messages.getFullChat`.
pub(crate) fn get_full_chat(
    cx: &mut Cx<'_>,
    x: functions::messages::GetFullChat,
) -> Result<enums::messages::ChatFull, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = group_to_read(w, me, x.chat_id)?;
    let mut full = w.chat_full(id).ok_or_else(|| internal("exists"))?;
    let c = &w.chats[&id];
    let mut members: Vec<i64> = c
        .participants
        .iter()
        .filter(|p| p.is_member())
        .map(|p| p.user)
        .collect();
    // Pending join requests, for those who may decide them.
    if may_export_invite(c, me) {
        (full.requests_pending, full.recent_requesters) = c.pending_summary();
        members.extend(full.recent_requesters.iter().flatten().copied());
    }
    Ok(enums::messages::ChatFull::from(types::messages::ChatFull {
        full_chat: enums::ChatFull::from(full),
        chats: w.chat_view(me, id).into_iter().collect(),
        users: users_of(w, me, members),
    }))
}

/// `channels.editPhoto` / `messages.editChatPhoto`: creator or an admin with
/// change_info (in basic groups, any member unless the defaults deny it).
pub(crate) fn set_photo(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    id: i64,
    photo: &enums::InputChatPhoto,
) -> Result<enums::Updates, RpcErr> {
    let now = ctx.shared.clock.unix();
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let prev = chat.photo;
    let new = match photo {
        enums::InputChatPhoto::Empty => None,
        enums::InputChatPhoto::InputChatUploadedPhoto(u) => {
            let Some(file) = &u.file else {
                return Err(bad("PHOTO_FILE_MISSING"));
            };
            let bytes = take_upload(w, me, file)?;
            let dc = w.home_dc;
            Some(w.add_photo(id, now, dc, bytes))
        }
        enums::InputChatPhoto::InputChatPhoto(p) => {
            let enums::InputPhoto::InputPhoto(p) = &p.id else {
                return Err(bad("PHOTO_INVALID"));
            };
            if !w.photos.contains_key(&p.id) {
                return Err(bad("PHOTO_INVALID"));
            }
            Some(p.id)
        }
    };
    if prev.is_none() && new.is_none() {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let view = |w: &World, p: Option<i64>| {
        p.and_then(|p| w.photo_view(p))
            .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 }))
    };
    let (prev_view, new_view) = (view(w, prev), view(w, new));
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.photo = new;
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangePhoto {
                prev_photo: prev_view,
                new_photo: new_view.clone(),
            }),
        );
    }
    let action = match new {
        Some(_) => {
            enums::MessageAction::from(types::MessageActionChatEditPhoto { photo: new_view })
        }
        None => enums::MessageAction::ChatDeletePhoto,
    };
    let m = c.add_service(now, me, action);
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}

/// `channels.editTitle` / `messages.editChatTitle`.
pub(crate) fn set_title(
    ctx: &Ctx<'_>,
    w: &mut World,
    me: i64,
    id: i64,
    title: &str,
) -> Result<enums::Updates, RpcErr> {
    let now = ctx.shared.clock.unix();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 128 {
        return Err(bad("CHAT_TITLE_EMPTY"));
    }
    let chat = &w.chats[&id];
    if !may_change_info(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if chat.title == title {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let prev = std::mem::replace(&mut c.title, title.to_owned());
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangeTitle {
                prev_value: prev.into(),
                new_value: title.into(),
            }),
        );
    }
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChatEditTitle {
            title: title.into(),
        }),
    );
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}
