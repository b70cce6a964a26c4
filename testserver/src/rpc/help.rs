//! `help.*`: the configuration and the nearest DC.

use super::prelude::*;

/// `help.getNearestDc`.
pub(crate) fn get_nearest_dc(
    cx: &mut Cx<'_>,
    _: functions::help::GetNearestDc,
) -> Result<enums::NearestDc, RpcErr> {
    let (ctx, w) = (&cx.ctx, &cx.w);
    Ok(enums::NearestDc::from(types::NearestDc {
        country: "ZZ".into(),
        this_dc: ctx.dc,
        nearest_dc: w.home_dc,
    }))
}

/// `help.getConfig`: this DC, every DC's address, and Telegram's usual limits.
pub(crate) fn get_config(
    cx: &mut Cx<'_>,
    _: functions::help::GetConfig,
) -> Result<enums::Config, RpcErr> {
    let ctx = &cx.ctx;
    let now = ctx.shared.clock.unix();
    let dc_options = crate::shared::lock(&ctx.shared.dcs)
        .iter()
        .map(|d| {
            enums::DcOption::from(types::DcOption {
                id: d.id,
                ip_address: d.addr.ip().to_string().into(),
                port: i32::from(d.addr.port()),
                ..Default::default()
            })
        })
        .collect();
    Ok(enums::Config::from(types::Config {
        date: now,
        expires: now + 3600,
        test_mode: false,
        this_dc: ctx.dc,
        dc_options,
        dc_txt_domain_name: "localhost".into(),
        chat_size_max: 200,
        megagroup_size_max: 200_000,
        forwarded_count_max: 100,
        online_update_period_ms: 210_000,
        offline_blur_timeout_ms: 5_000,
        offline_idle_timeout_ms: 30_000,
        online_cloud_timeout_ms: 300_000,
        notify_cloud_delay_ms: 30_000,
        notify_default_delay_ms: 1_500,
        push_chat_period_ms: 60_000,
        push_chat_limit: 2,
        edit_time_limit: 172_800,
        revoke_time_limit: i32::MAX,
        revoke_pm_time_limit: i32::MAX,
        rating_e_decay: 2_419_200,
        stickers_recent_limit: 200,
        channels_read_media_period: 604_800,
        call_receive_timeout_ms: 20_000,
        call_ring_timeout_ms: 90_000,
        call_connect_timeout_ms: 30_000,
        call_packet_timeout_ms: 10_000,
        me_url_prefix: "https://t.me/".into(),
        caption_length_max: 1024,
        message_length_max: 4096,
        webfile_dc_id: ctx.dc,
        ..Default::default()
    }))
}

/// The `help.getAppConfig` keys this server serves, with their values: the
/// limits chat administration needs (see the constants in
/// [`crate::policy`]), and the owner's grace period.
fn app_config_values() -> Vec<(&'static str, f64)> {
    vec![
        (
            "telegram_antispam_group_size_min",
            f64::from(ANTISPAM_GROUP_SIZE_MIN),
        ),
        // The id is over 2^32 but well under 2^53: exact as a JSON number.
        ("telegram_antispam_user_id", ANTISPAM_USER_ID as f64),
        (
            "hidden_members_group_size_min",
            f64::from(HIDDEN_MEMBERS_GROUP_SIZE_MIN),
        ),
        ("topics_pinned_limit", f64::from(TOPICS_PINNED_LIMIT)),
        ("community_chat_count_max", COMMUNITY_CHATS_MAX as f64),
        ("chat_read_mark_size_threshold", 100.0),
        ("chat_read_mark_expire_period", 604_800.0),
    ]
}

/// `help.getAppConfig`: the client configuration as a JSON object, or
/// `help.appConfigNotModified` when `hash` is the current one
/// (<https://core.telegram.org/api/config#client-configuration>).
pub(crate) fn get_app_config(
    _: &mut Cx<'_>,
    x: functions::help::GetAppConfig,
) -> Result<enums::help::AppConfig, RpcErr> {
    let values = app_config_values();
    // A hash of the content, so that a change of any value changes it.
    let hash = values.iter().fold(17_i32, |h, (k, v)| {
        let h = k
            .bytes()
            .fold(h, |h, b| h.wrapping_mul(31).wrapping_add(i32::from(b)));
        h.wrapping_mul(31).wrapping_add(v.to_bits() as i32)
    });
    if x.hash == hash {
        return Ok(enums::help::AppConfig::NotModified);
    }
    let config = enums::JSONValue::from(types::JsonObject {
        value: values
            .into_iter()
            .map(|(key, value)| {
                enums::JSONObjectValue::from(types::JsonObjectValue {
                    key: key.into(),
                    value: enums::JSONValue::from(types::JsonNumber { value }),
                })
            })
            .collect(),
    });
    Ok(enums::help::AppConfig::from(types::help::AppConfig {
        hash,
        config,
    }))
}
