//! A supergroup's or channel's switches: slow mode, protected content, join
//! to send, hidden history, hidden members, aggressive anti-spam,
//! signatures. Each answers `CHAT_NOT_MODIFIED` when nothing changes, logs
//! its admin-log event where layer 230 has one, and shows in the chat and
//! full-chat views.

use crate::chats::{ChatSettings, StoredChat};
use crate::rpc::prelude::*;

/// The slow-mode delays Telegram accepts (TDLib's `setChatSlowModeDelay`:
/// "0, 10, 30, 60, 300, 900, 3600"); others are `SECONDS_INVALID`.
pub(crate) const SLOWMODE_DELAYS: [i32; 7] = [0, 10, 30, 60, 300, 900, 3600];

/// What one switch is: who may flip it, where it exists, how it is read
/// and set, and the admin-log event it leaves.
struct Switch {
    /// Who may (else `CHAT_ADMIN_REQUIRED`).
    may: fn(&StoredChat, i64) -> bool,
    /// The kind of chat it exists in (else `CHANNEL_INVALID`).
    kind: ChatKind,
    get: fn(&ChatSettings) -> bool,
    set: fn(&mut ChatSettings, bool),
    log: Option<fn(bool) -> enums::ChannelAdminLogEventAction>,
    /// The fewest members it needs when turned on
    /// (`PARTICIPANTS_TOO_FEW` below).
    min_members: i32,
}

fn flip(
    cx: &mut Cx<'_>,
    channel: &enums::InputChannel,
    enabled: bool,
    s: &Switch,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = channel_id(w, me, channel)?;
    let chat = &w.chats[&id];
    if chat.kind != s.kind {
        return Err(bad("CHANNEL_INVALID"));
    }
    if !(s.may)(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if (s.get)(&chat.settings) == enabled {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    if enabled && chat.count_members() < s.min_members {
        return Err(bad("PARTICIPANTS_TOO_FEW"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    (s.set)(&mut c.settings, enabled);
    if let Some(log) = s.log {
        c.log(now, me, None, log(enabled));
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.toggleSlowMode`: members (not admins) wait `seconds` between
/// messages (`SLOWMODE_WAIT_X` otherwise, X the seconds left). Needs
/// `ban_users` (TDLib: "requires can_restrict_members"); supergroups only;
/// delays outside [`SLOWMODE_DELAYS`] are `SECONDS_INVALID`; logged as
/// `toggleSlowMode`.
pub(crate) fn toggle_slow_mode(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleSlowMode,
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
    if !SLOWMODE_DELAYS.contains(&x.seconds) {
        return Err(bad("SECONDS_INVALID"));
    }
    if chat.settings.slowmode == x.seconds {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let prev = std::mem::replace(&mut c.settings.slowmode, x.seconds);
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionToggleSlowMode {
            prev_value: prev,
            new_value: x.seconds,
        }),
    );
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `channels.toggleJoinToSend`: only members may write. `ban_users`
/// (TDLib's `toggleSupergroupJoinToSendMessages`: "requires
/// can_restrict_members"); supergroups only; no admin-log event in layer 230.
pub(crate) fn toggle_join_to_send(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleJoinToSend,
) -> Result<enums::Updates, RpcErr> {
    let enabled = x.enabled;
    flip(
        cx,
        &x.channel,
        enabled,
        &Switch {
            may: may_ban,
            kind: ChatKind::Supergroup,
            get: |s| s.join_to_send,
            set: |s, v| s.join_to_send = v,
            log: None,
            min_members: 0,
        },
    )
}

/// `channels.togglePreHistoryHidden`: new members do not see what was
/// written before they joined. `change_info` (TDLib's
/// `toggleSupergroupIsAllHistoryAvailable`: "requires can_change_info");
/// supergroups only; logged as `togglePreHistoryHidden`. A group with its
/// history hidden cannot become a discussion group
/// (`MEGAGROUP_PREHISTORY_HIDDEN`).
pub(crate) fn toggle_pre_history_hidden(
    cx: &mut Cx<'_>,
    x: functions::channels::TogglePreHistoryHidden,
) -> Result<enums::Updates, RpcErr> {
    let enabled = x.enabled;
    flip(
        cx,
        &x.channel,
        enabled,
        &Switch {
            may: may_change_info,
            kind: ChatKind::Supergroup,
            get: |s| s.prehistory_hidden,
            set: |s, v| s.prehistory_hidden = v,
            log: Some(|v| {
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionTogglePreHistoryHidden { new_value: v },
                )
            }),
            min_members: 0,
        },
    )
}

/// `channels.toggleParticipantsHidden`: the member list hidden from
/// members. `ban_users` (TDLib's `toggleSupergroupHasHiddenMembers`:
/// "requires can_restrict_members"); supergroups of at least
/// [`HIDDEN_MEMBERS_GROUP_SIZE_MIN`] members (`help.getAppConfig`),
/// `PARTICIPANTS_TOO_FEW` below; no admin-log event in layer 230.
pub(crate) fn toggle_participants_hidden(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleParticipantsHidden,
) -> Result<enums::Updates, RpcErr> {
    let enabled = x.enabled;
    flip(
        cx,
        &x.channel,
        enabled,
        &Switch {
            may: may_ban,
            kind: ChatKind::Supergroup,
            get: |s| s.participants_hidden,
            set: |s, v| s.participants_hidden = v,
            log: None,
            min_members: HIDDEN_MEMBERS_GROUP_SIZE_MIN,
        },
    )
}

/// `channels.toggleAntiSpam`: Telegram's aggressive anti-spam (recorded and
/// shown; the test server detects no spam). `delete_messages` (TDLib's
/// `toggleSupergroupHasAggressiveAntiSpamEnabled`: "requires
/// can_delete_messages"); supergroups of at least
/// [`ANTISPAM_GROUP_SIZE_MIN`] members (the method page:
/// "telegram_antispam_group_size_min"), `PARTICIPANTS_TOO_FEW` below;
/// logged as `toggleAntiSpam`.
pub(crate) fn toggle_anti_spam(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleAntiSpam,
) -> Result<enums::Updates, RpcErr> {
    let enabled = x.enabled;
    flip(
        cx,
        &x.channel,
        enabled,
        &Switch {
            may: may_delete_others,
            kind: ChatKind::Supergroup,
            get: |s| s.antispam,
            set: |s, v| s.antispam = v,
            log: Some(|v| {
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionToggleAntiSpam { new_value: v },
                )
            }),
            min_members: ANTISPAM_GROUP_SIZE_MIN,
        },
    )
}

/// `channels.toggleSignatures`: a broadcast channel's posts are signed.
/// `change_info` (TDLib's `toggleSupergroupSignMessages`: "requires
/// can_change_info"); broadcast channels only; logged as
/// `toggleSignatures`. `profiles_enabled` is kept with it (not modelled
/// apart).
pub(crate) fn toggle_signatures(
    cx: &mut Cx<'_>,
    x: functions::channels::ToggleSignatures,
) -> Result<enums::Updates, RpcErr> {
    flip(
        cx,
        &x.channel,
        x.signatures_enabled,
        &Switch {
            may: may_change_info,
            kind: ChatKind::Channel,
            get: |s| s.signatures,
            set: |s, v| s.signatures = v,
            log: Some(|v| {
                enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionToggleSignatures { new_value: v },
                )
            }),
            min_members: 0,
        },
    )
}

/// `messages.toggleNoForwards`: protected content (no forwarding or
/// saving), in any group or channel. The owner only (TDLib's
/// `toggleChatHasProtectedContent`: "requires owner privileges"), else
/// `CHAT_ADMIN_REQUIRED`; logged as `toggleNoForwards` outside basic
/// groups.
pub(crate) fn toggle_no_forwards(
    cx: &mut Cx<'_>,
    x: functions::messages::ToggleNoForwards,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !is_owner(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if chat.settings.noforwards == x.enabled {
        return Err(bad("CHAT_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.settings.noforwards = x.enabled;
    if c.kind != ChatKind::Group {
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionToggleNoForwards {
                    new_value: x.enabled,
                },
            ),
        );
    }
    Ok(chat_updates(w, me, id, Vec::new(), now))
}
