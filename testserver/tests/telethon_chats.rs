//! Telethon 1.45.0 runs the seed's chat-management workflow against the default
//! chat world (`peers/telethon_chat_world.py`); what it reads and changes is
//! compared with the server's own state.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use ferrogram_testserver::{Role, TestServer};

/// Runs a peer script with `args` and reads its `RESULT {json}` line.
async fn run_script(
    python: std::path::PathBuf,
    script: &'static str,
    args: Vec<String>,
) -> serde_json::Value {
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(peer::script(script))
            .args(args)
            .output()
            .expect("run python")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(json) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
        panic!(
            "{script} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    serde_json::from_str(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telethon_runs_the_chat_management_workflow() {
    let Some(python) = peer::python("Telethon chat-management workflow") else {
        return;
    };
    let server = TestServer::builder().members(500).start().await.unwrap();
    let info = serde_json::to_string(&server.info()).unwrap();
    let r = run_script(python, "telethon_chat_world.py", vec![info]).await;
    let info = server.info();
    let lounge = info.chat("ferrogram_lounge").unwrap();
    let news = info.chat("ferrogram_news").unwrap();
    let role =
        |id: &serde_json::Value| server.participant_role("ferrogram_lounge", id.as_i64().unwrap());

    assert_eq!(r["lounge_id"], lounge.id);
    assert_eq!(r["first_page"], 300);
    // The total was read before the workflow changed anything.
    assert_eq!(r["total"].as_i64().unwrap(), i64::from(lounge.members) + 1);
    let admins = r["admins"].as_array().unwrap();
    assert_eq!(admins.len(), 10);
    for a in admins {
        assert!(matches!(role(a), Some(Role::Creator | Role::Admin)), "{a}");
    }
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();
    assert_eq!(r["admin_ranks"][bot_id.to_string()], "bot");
    assert_eq!(r["bots_all_bots"], true);
    assert!(!r["search_love"].as_array().unwrap().is_empty());

    // What the workflow did, as the server sees it.
    let targets = r["targets"].as_array().unwrap();
    assert_eq!(role(&targets[0]), Some(Role::Admin));
    assert_eq!(role(&targets[1]), Some(Role::Restricted));
    assert_eq!(role(&targets[2]), Some(Role::Left), "kick = ban then unban");
    assert_eq!(r["perm_admin"]["is_admin"], true);
    assert_eq!(r["perm_admin"]["ban_users"], true);
    assert_eq!(r["perm_admin"]["change_info"], false);
    assert_eq!(r["perm_restricted"]["is_banned"], true);
    assert_eq!(r["perm_restricted"]["send_media_denied"], true);
    assert_eq!(r["perm_restricted"]["send_messages_denied"], false);
    assert_eq!(r["kicked_still_member"], false);
    let events: Vec<&str> = r["log_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    // Newest first: unban and ban (the kick), the restriction, the promotion.
    assert_eq!(
        &events[..4],
        [
            "ChannelAdminLogEventActionParticipantToggleBan",
            "ChannelAdminLogEventActionParticipantToggleBan",
            "ChannelAdminLogEventActionParticipantToggleBan",
            "ChannelAdminLogEventActionParticipantToggleAdmin"
        ]
    );
    assert_eq!(r["log_promotions"][0], targets[0]);
    assert_eq!(r["typing_ok"], true);
    assert_eq!(r["profile_photos"], 1);
    assert_eq!(
        r["megagroup_members"].as_f64().unwrap() as i64,
        i64::from(lounge.members),
        "read after the kick, as the server counts"
    );
    assert_eq!(
        r["broadcast_followers"].as_f64().unwrap() as i64,
        i64::from(news.members)
    );
    assert_eq!(r["message_stats"], "MessageStats");
    assert_eq!(r["bot_admin_log"], "BOT_METHOD_INVALID");
}

/// Constructor ids of the membership methods in Telethon's layer 229 (its
/// `CONSTRUCTOR_ID`s), which must be this schema's (layer 230) for the raw
/// requests of `peers/telethon_membership.py` to mean the same.
const LAYER_229_IDS: &[(&str, u32)] = &[
    ("messages.exportChatInvite", 0xa455de90),
    ("messages.editExportedChatInvite", 0xbdca2f75),
    ("messages.deleteRevokedExportedChatInvites", 0x56987bd5),
    ("messages.getExportedChatInvites", 0xa2b5a3f6),
    ("messages.getAdminsWithInvites", 0x3920e6ef),
    ("messages.getChatInviteImporters", 0xdf04dd4e),
    ("messages.hideChatJoinRequest", 0x7fe7e815),
    ("messages.hideAllChatJoinRequests", 0xe085f4ea),
    ("messages.importChatInvite", 0xde91436e),
    ("messages.checkChatInvite", 0x3eadb1bb),
    ("channels.toggleJoinRequest", 0x0ecc2618),
    ("channels.getFullChannel", 0x08736a09),
    ("channels.joinChannel", 0x7f6a1e22),
    ("messages.editChatParticipantRank", 0xa00f32b0),
    ("channels.getParticipant", 0xa0ab6cc6),
    ("account.getPassword", 0x548a30f5),
    ("messages.editChatCreator", 0xf743b857),
    ("messages.createChat", 0x92ceddd4),
    ("messages.migrateChat", 0xa2875319),
    ("messages.editChatTitle", 0x73783ffd),
    // peers/telethon_moderation.py
    ("contacts.importContacts", 0x2c800be5),
    ("channels.inviteToChannel", 0xc9e33d54),
    ("channels.toggleSlowMode", 0xedd49ef0),
    ("messages.updatePinnedMessage", 0xd2aaf7ec),
    ("channels.reportSpam", 0xf44a8315),
    ("channels.deleteMessages", 0x84c1fd4e),
    ("channels.deleteParticipantHistory", 0x367544db),
    ("channels.toggleAntiSpam", 0x68f3e4eb),
    ("messages.toggleNoForwards", 0xb2081a35),
    ("channels.getChannels", 0x0a7f6bbb),
    ("help.getAppConfig", 0x61e3f854),
    ("messages.deleteMessages", 0xe58e95d2),
    ("messages.getMessages", 0x63c66506),
    ("channels.getSendAs", 0xe785a43f),
    ("channels.editBanned", 0x96e6cd81),
    // peers/telethon_forums.py
    ("channels.createChannel", 0x91006707),
    ("channels.updateUsername", 0x3514b3de),
    ("messages.createForumTopic", 0x2f98c3d5),
    ("messages.sendMessage", 0xfef48f62),
    ("messages.editForumTopic", 0xcecc1134),
    ("messages.updatePinnedForumTopic", 0x175df251),
    ("messages.getForumTopics", 0x3ba47bff),
    ("messages.deleteTopicHistory", 0xd2816f10),
    ("messages.getForumTopicsByID", 0xaf0a4a08),
    ("messages.setHistoryTTL", 0xb80e5fe4),
    ("messages.setChatAvailableReactions", 0x864b2581),
    ("channels.setBoostsToUnblockRestrictions", 0xad399cee),
    ("communities.create", 0xa63859ec),
    ("contacts.importContacts", 0x2c800be5),
    ("communities.getParticipantJoinedChats", 0xf87eabab),
    ("communities.toggleParticipantBanned", 0x9967ad0f),
    ("communities.getJoinedCommunities", 0xa663e830),
];

#[test]
fn the_membership_methods_keep_their_ids_from_layer_229() {
    for (name, id) in LAYER_229_IDS {
        assert_eq!(
            ferrogram_tl_types::name_of(*id),
            Some(*name),
            "{name} is {id:#x} in layer 229"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telethon_drives_invite_links_and_join_requests() {
    let Some(python) = peer::python("Telethon invite links and join requests") else {
        return;
    };
    let server = TestServer::builder().members(100).start().await.unwrap();
    let (asker_phone, direct_phone) = ("9996621401", "9996621402");
    server.create_user("Asker", "Telethon", asker_phone);
    server.create_user("Direct", "Telethon", direct_phone);
    let code = |p: &str| ferrogram_testserver::world::login_code(p);
    let args = [
        serde_json::to_string(&server.info()).unwrap(),
        asker_phone.to_owned(),
        code(asker_phone),
        direct_phone.to_owned(),
        code(direct_phone),
    ];
    let r = run_script(python, "telethon_membership.py", args.to_vec()).await;
    let owner = server.user().unwrap().id;
    let role =
        |id: &serde_json::Value| server.participant_role("ferrogram_lounge", id.as_i64().unwrap());
    assert_eq!(r["limited"]["title"], "telethon");
    assert_eq!(r["limited"]["usage_limit"], 3);
    assert_eq!(r["limited"]["expires"], true);
    assert_eq!(r["gate_request_needed"], true);
    assert_eq!(r["limit_with_approval"], "UsageLimitInvalidError");
    assert_eq!(r["check_request_needed"], true);
    assert_eq!(r["import_gate"], "InviteRequestSentError");
    assert_eq!(r["pending"], serde_json::json!([r["asker_id"]]));
    assert_eq!(r["pending_count"], 1);
    assert_eq!(r["requests_pending"], 1);
    assert_eq!(role(&r["asker_id"]), Some(Role::Member), "approved");
    assert_eq!(r["hide_again"], "HideRequesterMissingError");
    assert_eq!(r["edited"]["title"], "renamed");
    assert_eq!(r["edited"]["usage_limit"], 5);
    assert_eq!(r["bot_edits_owners"], "ChatAdminRequiredError");
    assert_eq!(r["revoked"], true);
    assert_eq!(r["check_revoked"], "InviteHashExpiredError");
    assert_eq!(r["revoked_listed"], 1);
    assert_eq!(r["revoked_after_delete"], 0);
    // What is left: the gate (the limited link was revoked and deleted).
    assert_eq!(r["live_links"].as_array().unwrap().len(), 1);
    assert_eq!(r["counts"][owner.to_string()], serde_json::json!([1, 0]));
    assert_eq!(r["direct_join"], "InviteRequestSentError");
    assert_eq!(role(&r["direct_id"]), None, "declined");
    assert_eq!(r["pending_after_decline"], 0);
    assert_eq!(r["asker_rank"], "Scout");
    assert_eq!(r["long_rank"], "AdminRankInvalidError");
    assert_eq!(r["transfer_fresh"], "SessionTooFreshError");
    let m = &r["migrated"];
    assert_eq!(m["megagroup"], true);
    assert_eq!(m["deactivated"], true);
    assert_eq!(m["migrated_to"], m["channel"]);
    assert_eq!(r["migrated_from"], m["group"]);
    assert_eq!(r["migrated_members"], 2, "the owner and the asker");
    assert_eq!(r["old_group_title"], "PeerIdInvalidError");
    assert_eq!(r["asker_migrates"], "ChatAdminRequiredError");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telethon_drives_clean_up_and_settings() {
    let Some(python) = peer::python("Telethon clean-up and settings") else {
        return;
    };
    let server = TestServer::builder().members(100).start().await.unwrap();
    let phone = "9996621403";
    server.create_user("Spammer", "Telethon", phone);
    let args = [
        serde_json::to_string(&server.info()).unwrap(),
        phone.to_owned(),
        ferrogram_testserver::world::login_code(phone),
    ];
    let r = run_script(python, "telethon_moderation.py", args.to_vec()).await;
    assert_eq!(r["slowmode_send"], "SlowModeWaitError");
    assert_eq!(r["slowmode_seconds"], 30);
    assert_eq!(r["slowmode_full"], 30);
    assert_eq!(r["pinned"], true);
    assert_eq!(r["reported"], true);
    assert_eq!(r["own_deleted"], 1);
    assert_eq!(r["history_deleted"], 2);
    assert_eq!(r["history_offset"], 0);
    assert_eq!(r["antispam"], "ParticipantsTooFewError");
    assert_eq!(r["noforwards_again"], "ChatNotModifiedError");
    assert_eq!(r["noforwards"], true);
    assert_eq!(r["antispam_min"], 200.0);
    assert_eq!(r["config_not_modified"], "AppConfigNotModified");
    assert_eq!(server.spam_reports("ferrogram_lounge").len(), 1);
    assert_eq!(r["group_revoked"], 1);
    assert_eq!(r["group_gone_for_spammer"], "MessageEmpty");
    assert_eq!(r["group_for_me"], 1);
    assert_eq!(r["group_kept_for_owner"], "owner's word");
    assert_eq!(r["send_as"], serde_json::json!(["PeerUser", "PeerChannel"]));
    assert_eq!(r["posted_from"], "PeerChannel");
    assert_eq!(r["banned_send_as"], "SendAsPeerInvalidError");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telethon_drives_topics_options_and_communities() {
    let Some(python) = peer::python("Telethon topics, options and communities") else {
        return;
    };
    let server = TestServer::builder().members(5).start().await.unwrap();
    let phone = "9996621404";
    let member = server.create_user("Member", "Telethon", phone);
    let args = [
        serde_json::to_string(&server.info()).unwrap(),
        phone.to_owned(),
        ferrogram_testserver::world::login_code(phone),
    ];
    let r = run_script(python, "telethon_forums.py", args.to_vec()).await;
    assert_eq!(r["reply_forum_topic"], true);
    assert_eq!(r["reply_topic"], true);
    assert_eq!(r["closed_send"], "TOPIC_CLOSED");
    assert_eq!(r["pinned"], serde_json::json!([true]));
    assert_eq!(r["member_pin"], "CHAT_ADMIN_REQUIRED");
    assert_eq!(r["topic_deleted"], 1);
    assert_eq!(r["topic_left"], 0);
    assert_eq!(r["ttl_hour"], "TTL_PERIOD_INVALID");
    assert_eq!(r["ttl"], 86400);
    assert_eq!(r["reactions"], serde_json::json!(["👍"]));
    assert_eq!(r["boosts"], 2);
    assert_eq!(r["community_title"], "Telethon net");
    assert_eq!(r["reach"], 1);
    assert_eq!(r["banned"], true);
    assert_eq!(r["banned_again"], "CHAT_NOT_MODIFIED");
    assert_eq!(r["joined"], 1);
    assert!(server.participant_states("telethon_desk")[&member].starts_with("Banned"));
}
