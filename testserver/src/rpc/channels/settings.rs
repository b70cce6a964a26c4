//! A channel's photo, title, public username and forum switch.

use crate::rpc::messages::chats::{set_photo, set_title};
use crate::rpc::prelude::*;

/// `channels.editPhoto`.
pub(crate) fn edit_photo(
    cx: &mut Cx<'_>,
    x: functions::channels::EditPhoto,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = channel_id(w, me, &x.channel)?;
    set_photo(ctx, w, me, id, &x.photo)
}

/// `channels.editTitle`.
pub(crate) fn edit_title(
    cx: &mut Cx<'_>,
    x: functions::channels::EditTitle,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = channel_id(w, me, &x.channel)?;
    set_title(ctx, w, me, id, &x.title)
}

/// `channels.checkUsername`.
pub(crate) fn check_username(
    cx: &mut Cx<'_>,
    x: functions::channels::CheckUsername,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    // `inputChannelEmpty` asks for a chat not made yet (TDLib's
    // `checkChatUsername` for a new chat sends it).
    let id = match &x.channel {
        enums::InputChannel::Empty => None,
        c => Some(channel_id(w, me, c)?),
    };
    let name = valid_chat_username(&x.username)?;
    Ok(!username_taken(w, &name, id))
}

/// `channels.updateUsername`.
pub(crate) fn update_username(
    cx: &mut Cx<'_>,
    x: functions::channels::UpdateUsername,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    if !is_owner(&w.chats[&id], me) {
        // Only the owner changes a chat's public link.
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let new = if x.username.is_empty() {
        None
    } else {
        Some(valid_chat_username(&x.username)?)
    };
    let old = w.chats[&id].username.clone();
    if old.as_deref().map(str::to_ascii_lowercase) == new {
        return Err(bad("USERNAME_NOT_MODIFIED"));
    }
    if let Some(name) = &new
        && username_taken(w, name, Some(id))
    {
        return Err(bad("USERNAME_OCCUPIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.username = new.as_ref().map(|_| x.username.clone()).map(String::from);
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangeUsername {
            prev_value: old.unwrap_or_default().into(),
            new_value: x.username.clone(),
        }),
    );
    Ok(true)
}

/// `channels.toggleForum`.
pub(crate) fn toggle_forum(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleForum,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Supergroup {
        return Err(bad("CHANNEL_INVALID"));
    }
    if !is_owner(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if chat.forum == x.enabled {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.forum = x.enabled;
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionToggleForum {
            new_value: x.enabled,
        }),
    );
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// The caller's role in a channel, for rights checks.
/// A chat username as Telegram accepts it (5..=32 of `a-z0-9_`, starting with
/// a letter), lower-cased.
pub(crate) fn valid_chat_username(name: &str) -> Result<String, RpcErr> {
    let name = name.trim_start_matches('@').to_ascii_lowercase();
    let ok = (5..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.ends_with('_');
    if ok {
        Ok(name)
    } else {
        Err(bad("USERNAME_INVALID"))
    }
}

/// Whether a (lower-case) username belongs to an account or a chat other than
/// `except`.
pub(crate) fn username_taken(w: &World, name: &str, except: Option<i64>) -> bool {
    let same = |u: &Option<String>| u.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(name));
    w.accounts.values().any(|a| same(&a.username))
        || w.chats
            .values()
            .any(|c| Some(c.id) != except && same(&c.username))
}

/// `channels.toggleJoinRequest`: whether joining a supergroup directly needs
/// an admin's approval. Needs `ban_users` (TDLib's
/// `toggleSupergroupJoinByRequest`: "requires can_restrict_members
/// administrator right"); supergroups only (the method page: "the group");
/// a broadcast channel answers `CHANNEL_INVALID` (this server's choice, as
/// `toggleForum` does); unchanged, `CHAT_NOT_MODIFIED`. Layer 230's
/// `guard_bot` names the bot that screens requests (kept only while
/// approval is on): it must be a guard bot (`user.bot_guard`) and an admin
/// with `invite_users` (TDLib: "must have administrator privileges and
/// can_invite_users right ... and must have userTypeBot.is_guard"),
/// else `BOT_INVALID` (this server's choice of name); it shows in
/// `channelFull.guard_bot_id`. `apply_to_invites` makes the existing links
/// need approval, or not, as well ("including primary links", TDLib),
/// except links with a usage limit, which cannot need approval.
pub(crate) fn toggle_join_request(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleJoinRequest,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = channel_id(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Supergroup {
        return Err(bad("CHANNEL_INVALID"));
    }
    if !may_ban(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let guard = match &x.guard_bot {
        Some(bot) if x.enabled => {
            let bot = input_user_id(me, bot)?;
            let guard = w.accounts.get(&bot).is_some_and(|a| a.bot && a.bot_guard);
            if !guard || !may_export_invite(chat, bot) {
                return Err(bad("BOT_INVALID"));
            }
            Some(bot)
        }
        _ => None,
    };
    if chat.join_request == x.enabled && chat.guard_bot == guard && !x.apply_to_invites {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.join_request = x.enabled;
    c.guard_bot = guard;
    if x.apply_to_invites {
        // Links with a usage limit cannot need approval: they keep theirs.
        for i in c
            .invites
            .iter_mut()
            .filter(|i| !i.revoked && i.usage_limit.is_none())
        {
            i.request_needed = x.enabled;
        }
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}
