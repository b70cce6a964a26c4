//! `stats.*`: channel and supergroup statistics, served by the stats DC.

use super::prelude::*;

/// `stats.getBroadcastStats`.
pub(crate) fn get_broadcast_stats(
    cx: &mut Cx<'_>,
    x: functions::stats::GetBroadcastStats,
) -> Result<enums::stats::BroadcastStats, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let (_, id) = stats_access(ctx, w, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Channel {
        return Err(bad("BROADCAST_REQUIRED"));
    }
    on_stats_dc(ctx, w)?;
    Ok(crate::stats::broadcast(chat, shared.clock.unix()))
}

/// `stats.getMegagroupStats`.
pub(crate) fn get_megagroup_stats(
    cx: &mut Cx<'_>,
    x: functions::stats::GetMegagroupStats,
) -> Result<enums::stats::MegagroupStats, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let (me, id) = stats_access(ctx, w, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Supergroup {
        return Err(bad("MEGAGROUP_REQUIRED"));
    }
    on_stats_dc(ctx, w)?;
    let users = users_of(w, me, vec![chat.creator]);
    Ok(crate::stats::megagroup(chat, shared.clock.unix(), users))
}

/// `stats.getMessageStats`.
pub(crate) fn get_message_stats(
    cx: &mut Cx<'_>,
    x: functions::stats::GetMessageStats,
) -> Result<enums::stats::MessageStats, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let (_, id) = stats_access(ctx, w, &x.channel)?;
    let chat = &w.chats[&id];
    if chat.kind != ChatKind::Channel {
        return Err(bad("BROADCAST_REQUIRED"));
    }
    if chat.message(x.msg_id).is_none_or(|m| m.action.is_some()) {
        return Err(bad("MSG_ID_INVALID"));
    }
    on_stats_dc(ctx, w)?;
    Ok(crate::stats::message(chat, x.msg_id, shared.clock.unix()))
}

/// `stats.loadAsyncGraph`.
pub(crate) fn load_async_graph(
    cx: &mut Cx<'_>,
    x: functions::stats::LoadAsyncGraph,
) -> Result<enums::StatsGraph, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let stats_dc = shared.stats_dc(w.home_dc);
    if ctx.dc != stats_dc {
        return Err(err(303, format!("STATS_MIGRATE_{stats_dc}")));
    }
    let (chat, which) = x
        .token
        .split_once(':')
        .and_then(|(c, w)| Some((c.parse::<i64>().ok()?, w)))
        .ok_or_else(|| bad("GRAPH_INVALID_RELOAD"))?;
    let Some(c) = w.chats.get(&chat) else {
        return Err(bad("GRAPH_INVALID_RELOAD"));
    };
    if !is_admin(c, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    crate::stats::async_graph(c, shared.clock.unix(), which)
        .ok_or_else(|| bad("GRAPH_INVALID_RELOAD"))
}

/// Checks a statistics request: a user (not a bot), on the stats DC, an admin of
/// the channel. Returns the caller and the channel.
pub(crate) fn stats_access(
    ctx: &Ctx<'_>,
    w: &World,
    channel: &enums::InputChannel,
) -> Result<(i64, i64), RpcErr> {
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let id = readable_channel(w, me, channel)?;
    if !is_admin(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    Ok((me, id))
}

/// After the request's own checks (Telegram answers BROADCAST_REQUIRED and the
/// like on any DC; Telethon relies on that order), statistics come from the
/// stats DC only.
pub(crate) fn on_stats_dc(ctx: &Ctx<'_>, w: &World) -> Result<(), RpcErr> {
    let stats_dc = ctx.shared.stats_dc(w.home_dc);
    if ctx.dc != stats_dc {
        return Err(err(303, format!("STATS_MIGRATE_{stats_dc}")));
    }
    Ok(())
}
