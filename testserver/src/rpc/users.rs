//! `users.*`: users and full users.

use super::prelude::*;

/// `users.getUsers`.
pub(crate) fn get_users(
    cx: &mut Cx<'_>,
    x: functions::users::GetUsers,
) -> Result<Vec<enums::User>, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let users: Vec<enums::User> =
        x.id.iter()
            .filter_map(|u| match u {
                enums::InputUser::InputUserSelf => Some(me),
                enums::InputUser::InputUser(u) => (w.accounts.contains_key(&u.user_id)
                    && w.access_hash(me, u.user_id) == u.access_hash)
                    .then_some(u.user_id),
                _ => None,
            })
            .filter_map(|id| w.user_view(me, id))
            .collect();
    Ok(users)
}

/// `users.getFullUser`.
pub(crate) fn get_full_user(
    cx: &mut Cx<'_>,
    x: functions::users::GetFullUser,
) -> Result<enums::users::UserFull, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = input_user_id(me, &x.id)?;
    let Some(a) = w.accounts.get(&id) else {
        return Err(bad("USER_ID_INVALID"));
    };
    // Groups and channels both are members of.
    let common = if id == me {
        0
    } else {
        w.chats
            .values()
            .filter(|c| {
                c.participant(me).is_some_and(|p| p.is_member())
                    && c.participant(id).is_some_and(|p| p.is_member())
            })
            .count() as i32
    };
    Ok(enums::users::UserFull::from(types::users::UserFull {
        full_user: enums::UserFull::from(types::UserFull {
            blocked: false,
            phone_calls_available: false,
            phone_calls_private: false,
            can_pin_message: false,
            has_scheduled: false,
            video_calls_available: false,
            voice_messages_forbidden: false,
            translations_disabled: false,
            stories_pinned_available: false,
            blocked_my_stories_from: false,
            wallpaper_overridden: false,
            contact_require_premium: false,
            read_dates_private: false,
            sponsored_enabled: false,
            can_view_revenue: false,
            bot_can_manage_emoji_status: false,
            display_gifts_button: false,
            noforwards_my_enabled: false,
            noforwards_peer_enabled: false,
            unofficial_security_risk: false,
            id,
            about: (!a.bot).then(|| {
                format!(
                    "{} {} on the Ferrogram test server",
                    a.first_name, a.last_name
                )
                .trim()
                .to_owned()
            }),
            settings: enums::PeerSettings::from(types::PeerSettings::default()),
            personal_photo: None,
            profile_photo: w
                .profile_photos
                .get(&id)
                .and_then(|v| v.last())
                .and_then(|p| w.photo_view(*p)),
            fallback_photo: None,
            notify_settings: enums::PeerNotifySettings::from(types::PeerNotifySettings::default()),
            bot_info: None,
            pinned_msg_id: None,
            common_chats_count: common,
            folder_id: None,
            ttl_period: None,
            theme: None,
            private_forward_name: None,
            bot_group_admin_rights: None,
            bot_broadcast_admin_rights: None,
            wallpaper: None,
            stories: None,
            business_work_hours: None,
            business_location: None,
            business_greeting_message: None,
            business_away_message: None,
            business_intro: None,
            birthday: None,
            personal_channel_id: None,
            personal_channel_message: None,
            stargifts_count: None,
            starref_program: None,
            bot_verification: None,
            send_paid_messages_stars: None,
            disallowed_gifts: None,
            stars_rating: None,
            stars_my_pending_rating: None,
            stars_my_pending_rating_date: None,
            main_tab: None,
            saved_music: None,
            note: None,
            bot_manager_id: None,
        }),
        chats: Vec::new(),
        users: users_of(w, me, vec![id]),
    }))
}
