//! A chat's switches ([`Moderation::set_chat_setting`],
//! [`Moderation::chat_settings`]) against `testserver` over TCP: slow mode
//! on the server's clock, the size thresholds of `help.getAppConfig`,
//! rights, `CHAT_NOT_MODIFIED`, the admin log, and what a hidden history
//! forbids.

use std::time::Duration;

use ferrogram_chat_mgmt::{
    AdminRights, ChatManagement, ChatSetting, Error, Membership, Moderation, NewChat,
};
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::TestServer;

mod common;
use common::{owner, user};

const LOUNGE: &str = "@ferrogram_lounge";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switches_follow_rights_thresholds_and_the_clock() {
    let server = TestServer::builder().members(300).start().await.unwrap();
    let owner = owner(&server).await;
    let (ann, _) = user(&server, "Ann", "9996621210").await;
    let enums::InputPeer::Channel(c) = ann.get_input_entity(LOUNGE).await.unwrap() else {
        panic!("a channel");
    };
    ann.invoke(&functions::channels::JoinChannel {
        channel: enums::InputChannel::from(types::InputChannel {
            channel_id: c.channel_id,
            access_hash: c.access_hash,
        }),
    })
    .await
    .unwrap();

    // Slow mode: members wait, admins do not; the clock lifts it.
    let half_minute = ChatSetting::SlowMode(Duration::from_secs(30));
    owner
        .set_chat_setting(LOUNGE, half_minute.clone())
        .await
        .unwrap();
    let e = owner
        .set_chat_setting(LOUNGE, half_minute)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatNotModified(_)), "{e:?}");
    let e = owner
        .set_chat_setting(LOUNGE, ChatSetting::SlowMode(Duration::from_secs(7)))
        .await
        .unwrap_err();
    assert!(e.is("SECONDS_INVALID"), "{e:?}");
    ann.send_message(LOUNGE, "first").await.unwrap();
    let e = ann.send_message(LOUNGE, "second").await.unwrap_err();
    assert!(e.is("SLOWMODE_WAIT"), "{e:?}");
    assert_eq!(e.rpc().and_then(|r| r.value), Some(30));
    owner
        .send_message(LOUNGE, "admins are exempt")
        .await
        .unwrap();
    owner.send_message(LOUNGE, "twice").await.unwrap();
    server.clock().advance(Duration::from_secs(31));
    ann.send_message(LOUNGE, "second, later").await.unwrap();
    let settings = owner.chat_settings(LOUNGE).await.unwrap();
    assert_eq!(settings.slow_mode, Duration::from_secs(30));

    // Thresholds from help.getAppConfig: the lounge is big enough, a new
    // supergroup is not.
    owner
        .set_chat_setting(LOUNGE, ChatSetting::AggressiveAntiSpam(true))
        .await
        .unwrap();
    owner
        .set_chat_setting(LOUNGE, ChatSetting::HiddenMembers(true))
        .await
        .unwrap();
    // A member now sees the admins and bots only; the owner everyone.
    let seen = ann.get_participants(LOUNGE).await.unwrap();
    assert!(
        seen.items.iter().all(|p| !matches!(
            p.role,
            ferrogram_chat_mgmt::Role::Member | ferrogram_chat_mgmt::Role::Restricted { .. }
        ) || p.user.bot),
        "{seen:?}"
    );
    assert!(owner.get_participants(LOUNGE).await.unwrap().total > seen.total);
    owner
        .create_chat(NewChat::supergroup("Small talk").username("small_talk"))
        .await
        .unwrap();
    for setting in [
        ChatSetting::AggressiveAntiSpam(true),
        ChatSetting::HiddenMembers(true),
    ] {
        let e = owner
            .set_chat_setting("@small_talk", setting)
            .await
            .unwrap_err();
        assert!(e.is("PARTICIPANTS_TOO_FEW"), "{e:?}");
    }
    // Rights: an admin who may not delete may not switch anti-spam; only
    // the owner protects content.
    owner
        .edit_admin(LOUNGE, "+9996621210", AdminRights::new().ban_users(true))
        .await
        .unwrap();
    let e = ann
        .set_chat_setting(LOUNGE, ChatSetting::AggressiveAntiSpam(false))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    let e = ann
        .set_chat_setting(LOUNGE, ChatSetting::ProtectedContent(true))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    ann.set_chat_setting(LOUNGE, ChatSetting::JoinToSend(true))
        .await
        .unwrap();
    owner
        .set_chat_setting(LOUNGE, ChatSetting::ProtectedContent(true))
        .await
        .unwrap();
    let settings = owner.chat_settings(LOUNGE).await.unwrap();
    assert!(
        settings.aggressive_anti_spam
            && settings.hidden_members
            && settings.protected_content
            && settings.join_to_send
            && !settings.history_hidden,
        "{settings:?}"
    );

    // Signatures are a broadcast channel's; a hidden history keeps a group
    // from becoming a discussion group.
    let e = owner
        .set_chat_setting("@small_talk", ChatSetting::Signatures(true))
        .await
        .unwrap_err();
    assert!(e.is("CHANNEL_INVALID"), "{e:?}");
    owner
        .set_chat_setting("@ferrogram_news", ChatSetting::Signatures(true))
        .await
        .unwrap();
    assert!(
        owner
            .chat_settings("@ferrogram_news")
            .await
            .unwrap()
            .signatures
    );
    owner
        .set_chat_setting("@small_talk", ChatSetting::HistoryHidden(true))
        .await
        .unwrap();
    let e = owner
        .set_discussion_group("@ferrogram_news", Some("@small_talk".into()))
        .await
        .unwrap_err();
    assert!(e.is("MEGAGROUP_PREHISTORY_HIDDEN"), "{e:?}");

    // Logged where layer 230 has an event.
    let log = owner.get_admin_log(LOUNGE).limit(20).await.unwrap();
    let has = |f: fn(&enums::ChannelAdminLogEventAction) -> bool| log.iter().any(|e| f(&e.action));
    assert!(has(
        |a| matches!(a, enums::ChannelAdminLogEventAction::ToggleSlowMode(t) if t.new_value == 30)
    ));
    assert!(has(|a| matches!(
        a,
        enums::ChannelAdminLogEventAction::ToggleAntiSpam(_)
    )));
    assert!(has(|a| matches!(
        a,
        enums::ChannelAdminLogEventAction::ToggleNoForwards(_)
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_delete_reactions_boosts_sponsored_and_false_positives() {
    use ferrogram_chat_mgmt::{AdminLogFilter, Reactions};
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (moe, _) = user(&server, "Moe", "9996621230").await;
    let (ann, _) = user(&server, "Ann", "9996621231").await;
    owner
        .create_chat(
            NewChat::supergroup("Options")
                .username("opt_group")
                .member("+9996621230")
                .member("+9996621231"),
        )
        .await
        .unwrap();
    owner
        .create_chat(NewChat::channel("Options news").username("opt_news"))
        .await
        .unwrap();
    // Ann may ban but not change the chat's info.
    owner
        .edit_admin(
            "@opt_group",
            "+9996621231",
            AdminRights::new().ban_users(true),
        )
        .await
        .unwrap();
    let week = ChatSetting::AutoDelete(Duration::from_secs(7 * 86_400));
    owner
        .set_chat_setting("@opt_group", week.clone())
        .await
        .unwrap();
    let e = owner
        .set_chat_setting("@opt_group", week.clone())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatNotModified(_)), "{e:?}");
    let e = ann.set_chat_setting("@opt_group", week).await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    let e = owner
        .set_chat_setting(
            "@opt_group",
            ChatSetting::AutoDelete(Duration::from_secs(3600)),
        )
        .await
        .unwrap_err();
    assert!(e.is("TTL_PERIOD_INVALID"), "whole days only: {e:?}");
    let some = Reactions::Some(vec!["👍".into(), "🔥".into()]);
    owner
        .set_chat_setting("@opt_group", ChatSetting::Reactions(some.clone(), Some(2)))
        .await
        .unwrap();
    let e = owner
        .set_chat_setting(
            "@opt_group",
            ChatSetting::Reactions(Reactions::None, Some(40)),
        )
        .await
        .unwrap_err();
    assert!(e.is("REACTIONS_TOO_MANY"), "{e:?}");
    owner
        .set_chat_setting("@opt_group", ChatSetting::BoostsToUnrestrict(3))
        .await
        .unwrap();
    let e = moe
        .set_chat_setting("@opt_group", ChatSetting::BoostsToUnrestrict(4))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "a member: {e:?}");
    let e = owner
        .set_chat_setting("@opt_group", ChatSetting::BoostsToUnrestrict(9))
        .await
        .unwrap_err();
    assert!(e.is("BOOSTS_INVALID"), "{e:?}");
    // Bots may not (the method page: "Can bots use this method: no").
    let robot = common::bot(&server).await;
    owner
        .add_members("@opt_group", ["@ferrogram_test_bot"])
        .await
        .unwrap();
    owner
        .edit_admin(
            "@opt_group",
            "@ferrogram_test_bot",
            AdminRights::new().ban_users(true),
        )
        .await
        .unwrap();
    let e = robot
        .set_chat_setting("@opt_group", ChatSetting::BoostsToUnrestrict(2))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BotMethodInvalid(_)), "{e:?}");
    let e = owner
        .set_chat_setting("@opt_group", ChatSetting::SponsoredMessagesOff(true))
        .await
        .unwrap_err();
    assert!(e.is("CHANNEL_INVALID"), "channels only: {e:?}");
    owner
        .set_chat_setting("@opt_news", ChatSetting::SponsoredMessagesOff(true))
        .await
        .unwrap();
    let s = owner.chat_settings("@opt_group").await.unwrap();
    assert_eq!(s.auto_delete, Duration::from_secs(7 * 86_400));
    assert_eq!((s.reactions, s.reactions_limit), (Some(some), Some(2)));
    assert_eq!(s.boosts_to_unrestrict, 3);
    assert!(
        owner
            .chat_settings("@opt_news")
            .await
            .unwrap()
            .sponsored_messages_off
    );
    // The admin log: auto-delete under "info" (the filter's documentation
    // names history TTL there), reactions under "settings".
    let log = |f: AdminLogFilter| {
        let owner = owner.clone();
        async move { owner.get_admin_log("@opt_group").filter(f).await.unwrap() }
    };
    let info = log(AdminLogFilter::new().info(true)).await;
    assert!(
        matches!(
            info[0].action,
            enums::ChannelAdminLogEventAction::ChangeHistoryTTL(_)
        ),
        "{info:?}"
    );
    assert!(info.iter().all(|e| !matches!(
        e.action,
        enums::ChannelAdminLogEventAction::ChangeAvailableReactions(_)
    )));
    let settings = log(AdminLogFilter::new().settings(true)).await;
    assert!(
        matches!(settings[..], [ref e] if matches!(e.action, enums::ChannelAdminLogEventAction::ChangeAvailableReactions(_))),
        "{settings:?}"
    );
    // Messages sent now carry the period and go when it has passed.
    let doomed = moe
        .send_message("@opt_group", "gone in a week")
        .await
        .unwrap();
    let ttl_of = |id: i32| {
        let owner = owner.clone();
        async move {
            let all: Vec<enums::Message> =
                futures::TryStreamExt::try_collect(owner.iter_messages("@opt_group").limit(50))
                    .await
                    .unwrap();
            all.iter().find_map(|m| match m {
                enums::Message::Message(m) if m.id == id => Some(m.ttl_period),
                _ => None,
            })
        }
    };
    assert_eq!(ttl_of(doomed).await, Some(Some(7 * 86_400)));
    server.clock().advance(Duration::from_secs(7 * 86_400 + 1));
    assert_eq!(ttl_of(doomed).await, None, "deleted on the server's clock");
    // Anti-spam false positives: delete_messages needed; recorded.
    let id = moe.send_message("@opt_group", "not spam").await.unwrap();
    let e = moe
        .report_antispam_false_positive("@opt_group", id)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    owner
        .report_antispam_false_positive("@opt_group", id)
        .await
        .unwrap();
    let e = owner
        .report_antispam_false_positive("@opt_group", 99_999)
        .await
        .unwrap_err();
    assert!(e.is("MSG_ID_INVALID"), "{e:?}");
    assert_eq!(server.antispam_false_positives("opt_group"), [id]);
}
