//! Making and removing supergroups and channels: `channels.createChannel`
//! and `channels.deleteChannel`. (Basic groups: `messages.createChat` in
//! `messages/groups.rs`.)

use crate::rpc::messages::send::service_updates;
use crate::rpc::prelude::*;

/// The longest about text (TDLib's `createNewSupergroupChat`: "description:
/// 0-255 characters"); longer is `CHAT_ABOUT_TOO_LONG` (the method page).
pub(crate) const ABOUT_MAX: usize = 255;

/// The title of a new chat: trimmed, not empty (`CHAT_TITLE_EMPTY`, the
/// method pages of `channels.createChannel` and `messages.createChat`).
pub(crate) fn new_title(title: &str) -> Result<String, RpcErr> {
    let t = title.trim();
    if t.is_empty() {
        return Err(bad("CHAT_TITLE_EMPTY"));
    }
    Ok(t.to_owned())
}

/// `channels.createChannel`: a broadcast channel (`broadcast`) or a
/// supergroup (`megagroup`, with `forum` a forum), the caller its creator,
/// opened by a `messageActionChannelCreate` service message. Users only:
/// bots answer `BOT_METHOD_INVALID` (the method is marked users-only).
/// Exactly one of `broadcast` and `megagroup` must be set; neither or both
/// is `CHAT_INVALID` (this server's choice: the page lists it for invalid
/// chats, without the case).
pub(crate) fn create_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::CreateChannel,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let title = new_title(&x.title)?;
    if x.about.chars().count() > ABOUT_MAX {
        return Err(bad("CHAT_ABOUT_TOO_LONG"));
    }
    let kind = match (x.broadcast, x.megagroup) {
        (true, false) => ChatKind::Channel,
        (false, true) => ChatKind::Supergroup,
        _ => return Err(err(500, "CHAT_INVALID")),
    };
    let id = w.create_chat(kind, &title, me, now);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("made"))?;
    c.about = x.about.to_string();
    c.forum = x.forum && kind == ChatKind::Supergroup;
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChannelCreate {
            title: title.into(),
        }),
    );
    Ok(service_updates(ctx, w, me, id, &m, Vec::new()))
}

/// `channels.deleteChannel`: the creator only (`CHAT_ADMIN_REQUIRED`); the
/// chat is gone for everyone: later calls on it answer `CHANNEL_INVALID`,
/// its username and invite links are free.
pub(crate) fn delete_channel(
    cx: &mut Cx<'_>,
    x: functions::channels::DeleteChannel,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    if !is_owner(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let view = w.chat_view(me, id);
    if let Some(linked) = w.chats.remove(&id).and_then(|c| c.linked_chat)
        && let Some(other) = w.chats.get_mut(&linked)
    {
        other.linked_chat = None;
    }
    Ok(enums::Updates::from(types::Updates {
        updates: vec![enums::Update::from(types::UpdateChannel { channel_id: id })],
        users: Vec::new(),
        chats: view.into_iter().collect(),
        date: now,
        seq: 0,
    }))
}
