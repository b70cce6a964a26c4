//! `channels.getAdminLog`: the recent actions of admins, filtered.

use crate::rpc::prelude::*;

/// `channels.getAdminLog`.
pub(crate) fn get_admin_log(
    cx: &mut Cx<'_>,
    x: functions::channels::GetAdminLog,
) -> Result<enums::channels::AdminLogResults, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let id = readable_channel(w, me, &x.channel)?;
    let chat = &w.chats[&id];
    if !is_admin(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let admins: Option<Vec<i64>> = match &x.admins {
        Some(list) => Some(
            list.iter()
                .map(|u| input_user_id(me, u))
                .collect::<Result<_, _>>()?,
        ),
        None => None,
    };
    let q = x.q.trim().to_lowercase();
    let limit = x.limit.clamp(1, 100) as usize;
    let named = |uid: i64| {
        w.accounts.get(&uid).is_some_and(|a| {
            crate::chats::name_matches(&a.first_name, &a.last_name, a.username.as_deref(), &q)
        })
    };
    let events: Vec<&crate::chats::LogEvent> = chat
        .admin_log
        .iter()
        .rev()
        .filter(|e| x.max_id == 0 || e.id < x.max_id)
        .filter(|e| e.id > x.min_id)
        .filter(|e| admins.as_ref().is_none_or(|a| a.contains(&e.actor)))
        .filter(|e| match &x.events_filter {
            Some(enums::ChannelAdminLogEventsFilter::ChannelAdminLogEventsFilter(f)) => {
                event_matches(e, f)
            }
            None => true,
        })
        .filter(|e| q.is_empty() || named(e.actor) || e.target.is_some_and(named))
        .take(limit)
        .collect();
    let users: Vec<i64> = events
        .iter()
        .flat_map(|e| std::iter::once(e.actor).chain(e.target))
        .collect();
    let tl_events = events
        .iter()
        .map(|e| {
            enums::ChannelAdminLogEvent::from(types::ChannelAdminLogEvent {
                id: e.id,
                date: e.date,
                user_id: e.actor,
                action: e.action.clone(),
            })
        })
        .collect();
    Ok(enums::channels::AdminLogResults::from(
        types::channels::AdminLogResults {
            events: tl_events,
            chats: w.chat_view(me, id).into_iter().collect(),
            users: users_of(w, me, users),
        },
    ))
}

/// Which admin-log filter flags an event answers to.
pub(crate) fn event_matches(
    e: &crate::chats::LogEvent,
    f: &types::ChannelAdminLogEventsFilter,
) -> bool {
    use enums::ChannelAdminLogEventAction as A;
    let banned = |p: &enums::ChannelParticipant| -> (bool, bool) {
        // (kicked: view_messages denied, restricted otherwise)
        match p {
            enums::ChannelParticipant::Banned(b) => {
                let enums::ChatBannedRights::ChatBannedRights(r) = &b.banned_rights;
                (r.view_messages, !r.view_messages)
            }
            _ => (false, false),
        }
    };
    match &e.action {
        A::ParticipantJoin | A::ParticipantJoinByInvite(_) | A::ParticipantJoinByRequest(_) => {
            f.join
        }
        A::ParticipantLeave => f.leave,
        A::ParticipantInvite(_) => f.invite,
        A::ParticipantToggleAdmin(t) => {
            let was = matches!(t.prev_participant, enums::ChannelParticipant::Admin(_));
            let is = matches!(t.new_participant, enums::ChannelParticipant::Admin(_));
            (is && f.promote) || (was && !is && f.demote)
        }
        A::ParticipantToggleBan(t) => {
            let (was_kicked, was_restricted) = banned(&t.prev_participant);
            let (kicked, restricted) = banned(&t.new_participant);
            (kicked && f.kick)
                || (restricted && f.ban)
                || (was_kicked && !kicked && f.unkick)
                || (was_restricted && !restricted && !kicked && f.unban)
        }
        // The filter's documentation
        // (https://core.telegram.org/constructor/channelAdminLogEventsFilter):
        // "info" is about, linked chat, location, photo, stickerset, title or
        // username, slowmode and history TTL changes; "settings" invites,
        // hidden prehistory, signatures, default banned rights and forum
        // toggles; "forums" forum-related events.
        A::ChangeTitle(_)
        | A::ChangeAbout(_)
        | A::ChangeUsername(_)
        | A::ChangeUsernames(_)
        | A::ChangeLinkedChat(_)
        | A::ChangeLocation(_)
        | A::ChangeStickerSet(_)
        | A::ChangeHistoryTTL(_)
        | A::ToggleSlowMode(_)
        | A::ChangePhoto(_) => f.info,
        // TDLib sends `invites` for invite_link_changes and `edit_rank`
        // for member_tag_changes (DialogEventLog.cpp).
        A::ExportedInviteEdit(_) | A::ExportedInviteRevoke(_) | A::ExportedInviteDelete(_) => {
            f.invites
        }
        A::ParticipantEditRank(_) => f.edit_rank,
        A::ToggleForum(_) => f.settings || f.forums,
        A::CreateTopic(_) | A::EditTopic(_) | A::DeleteTopic(_) | A::PinTopic(_) => f.forums,
        // The documented settings, and (our filing: the documentation names
        // no flag for them) the chat's other switches.
        A::ToggleInvites(_)
        | A::ToggleSignatures(_)
        | A::DefaultBannedRights(_)
        | A::TogglePreHistoryHidden(_)
        | A::ToggleNoForwards(_)
        | A::ToggleAntiSpam(_)
        | A::ToggleSignatureProfiles(_)
        | A::ToggleAutotranslation(_)
        | A::ChangeAvailableReactions(_) => f.settings,
        // The chat's looks (our filing, with its photo under "info").
        A::ChangePeerColor(_)
        | A::ChangeProfilePeerColor(_)
        | A::ChangeWallpaper(_)
        | A::ChangeEmojiStatus(_)
        | A::ChangeEmojiStickerSet(_) => f.info,
        A::StopPoll(_) => f.edit,
        A::SendMessage(_) => f.send,
        A::ParticipantSubExtend(_) => f.sub_extend,
        A::UpdatePinned(_) => f.pinned,
        A::EditMessage(_) => f.edit,
        A::DeleteMessage(_) => f.delete,
        A::StartGroupCall(_)
        | A::DiscardGroupCall(_)
        | A::ParticipantMute(_)
        | A::ParticipantUnmute(_)
        | A::ParticipantVolume(_)
        | A::ToggleGroupCallSetting(_) => f.group_call,
    }
}
