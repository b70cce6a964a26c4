//! chat-mgmt against testserver's chat world, over TCP.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ferrogram_chat_mgmt::{
    AdminRights, BannedRights, ChatAction, ChatManagement, Error, ParticipantFilter, Role, Stats,
};
use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::chats::ChatKind;
use ferrogram_testserver::{ChatInfo, Role as ServerRole, TestServer};
use ferrogram_tl_types::{enums, functions, types};

async fn owner(server: &TestServer) -> Client {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = Duration::from_secs(30);
    let client = Client::connect(c).await.unwrap();
    let creds = server.user().unwrap().clone();
    let token = client.request_login_code(&creds.phone).await.unwrap();
    let e = client.sign_in(&token, &creds.code).await.unwrap_err();
    assert!(e.is("SESSION_PASSWORD_NEEDED"));
    client.check_password(&creds.password).await.unwrap();
    client
}

async fn bot(server: &TestServer) -> Client {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = Duration::from_secs(30);
    let client = Client::connect(c).await.unwrap();
    client
        .sign_in_bot(server.bot_token().unwrap())
        .await
        .unwrap();
    client
}

fn chat_info(server: &TestServer, kind: ChatKind) -> ChatInfo {
    server
        .info()
        .chats
        .into_iter()
        .find(|c| c.kind == kind)
        .unwrap()
}

fn members_of(server: &TestServer, username: &str) -> usize {
    server.info().chat(username).unwrap().members as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggressive_listing_gets_past_the_ten_thousand_cap() {
    let server = TestServer::builder().members(12_000).start().await.unwrap();
    let client = owner(&server).await;
    let members = members_of(&server, "ferrogram_lounge");
    assert!(members > 10_000);

    let plain = client.get_participants("@ferrogram_lounge").await.unwrap();
    assert_eq!(plain.total, members, "the total is the real count");
    assert_eq!(
        plain.items.len(),
        10_000,
        "a plain listing stops at the cap"
    );

    let mut it = client
        .iter_participants("@ferrogram_lounge")
        .aggressive(true)
        .pace(Duration::ZERO);
    let mut seen = std::collections::HashSet::new();
    while let Some(p) = it.next().await {
        let p = p.unwrap();
        assert!(seen.insert(p.user.id), "each member once");
    }
    assert_eq!(it.total(), Some(members));
    assert_eq!(seen.len(), members, "aggressive finds every member");
    let requests = server
        .counters()
        .method("channels.getParticipants")
        .executed;
    println!("aggressive listing of {members} members took {requests} requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_search_limit_and_chunks() {
    let server = TestServer::builder().members(600).start().await.unwrap();
    let client = owner(&server).await;
    let admins = client
        .get_participants("ferrogram_lounge")
        .filter(ParticipantFilter::Admins)
        .await
        .unwrap();
    assert_eq!(admins.items.len(), 10);
    assert!(matches!(admins.items[0].role, Role::Creator { .. }));
    assert!(
        admins
            .items
            .iter()
            .any(|p| matches!(&p.role, Role::Admin { rank: Some(r), .. } if r == "bot"))
    );
    let kicked = client
        .get_participants("ferrogram_lounge")
        .filter(ParticipantFilter::Kicked(String::new()))
        .await
        .unwrap();
    assert!(!kicked.items.is_empty());
    assert!(
        kicked
            .items
            .iter()
            .all(|p| matches!(p.role, Role::Banned { .. }))
    );
    let found = client
        .get_participants("ferrogram_lounge")
        .search("Love")
        .await
        .unwrap();
    assert!(!found.items.is_empty());
    assert_eq!(found.total, found.items.len());
    for p in &found.items {
        let words = format!(
            "{} {} {}",
            p.user.first_name.as_deref().unwrap_or(""),
            p.user.last_name.as_deref().unwrap_or(""),
            p.user.username.as_deref().unwrap_or("")
        );
        assert!(
            words
                .split_whitespace()
                .any(|w| w.to_lowercase().starts_with("love")),
            "{words}"
        );
    }
    let before = server
        .counters()
        .method("channels.getParticipants")
        .executed;
    let some = client
        .get_participants("ferrogram_lounge")
        .limit(120)
        .chunk_size(50)
        .await
        .unwrap();
    assert_eq!(some.items.len(), 120);
    let used = server
        .counters()
        .method("channels.getParticipants")
        .executed
        - before;
    assert!(used <= 3, "three chunks of 50 at most: {used}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promote_restrict_kick_and_read_permissions() {
    let server = TestServer::builder().members(300).start().await.unwrap();
    let client = owner(&server).await;
    let members = client
        .get_participants("ferrogram_lounge")
        .limit(200)
        .await
        .unwrap();
    let plain: Vec<i64> = members
        .items
        .iter()
        .filter(|p| p.role == Role::Member && !p.user.bot)
        .map(|p| p.user.id)
        .take(3)
        .collect();
    let (a, b, c) = (plain[0], plain[1], plain[2]);

    client
        .edit_admin(
            "ferrogram_lounge",
            a,
            AdminRights::new()
                .ban_users(true)
                .delete_messages(true)
                .title("Helper"),
        )
        .await
        .unwrap();
    let p = client.get_permissions("ferrogram_lounge", a).await.unwrap();
    assert!(p.is_admin && !p.is_creator && p.can_ban_users() && !p.can_change_info());
    assert!(matches!(&p.role, Role::Admin { rank: Some(r), .. } if r == "Helper"));
    assert_eq!(
        server.participant_role("ferrogram_lounge", a),
        Some(ServerRole::Admin)
    );

    let until = SystemTime::now() + Duration::from_secs(3600);
    client
        .edit_permissions(
            "ferrogram_lounge",
            b,
            BannedRights::new()
                .send_media(false)
                .until_date(Some(until)),
        )
        .await
        .unwrap();
    let p = client.get_permissions("ferrogram_lounge", b).await.unwrap();
    assert!(p.is_banned && !p.has_left);
    let r = p.banned_rights.unwrap();
    assert!(
        !r.send_media && r.send_messages,
        "one polarity: true = allowed"
    );
    assert!(matches!(&p.role, Role::Restricted { rights, .. } if rights.until.is_some()));

    // Telethon's pause between the ban and the unban (issue #1284) is kept.
    let started = std::time::Instant::now();
    client
        .kick_participant("ferrogram_lounge", c)
        .await
        .unwrap();
    assert!(started.elapsed() >= ferrogram_chat_mgmt::KICK_UNBAN_DELAY);
    assert_eq!(
        server.participant_role("ferrogram_lounge", c),
        Some(ServerRole::Left)
    );
    let p = client.get_permissions("ferrogram_lounge", c).await.unwrap();
    assert!(p.has_left);

    // Chat-wide defaults.
    client
        .edit_default_permissions("ferrogram_lounge", BannedRights::new().send_polls(false))
        .await
        .unwrap();

    // Someone the owner did not promote cannot be edited by a lesser admin:
    // the server's rule surfaces as the RPC error.
    let e = client
        .edit_admin(
            "ferrogram_lounge",
            server.user().unwrap().id,
            AdminRights::all(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UserCreator(_)), "{e}");
    assert!(e.is("USER_CREATOR"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_log_with_the_seeds_filters() {
    use ferrogram_chat_mgmt::AdminLogFilter;
    use ferrogram_tl_types::enums::ChannelAdminLogEventAction as A;
    let server = TestServer::builder().members(200).start().await.unwrap();
    let client = owner(&server).await;
    let members = client
        .get_participants("ferrogram_lounge")
        .limit(150)
        .await
        .unwrap();
    let plain: Vec<i64> = members
        .items
        .iter()
        .filter(|p| p.role == Role::Member && !p.user.bot)
        .map(|p| p.user.id)
        .take(3)
        .collect();
    client
        .edit_admin("ferrogram_lounge", plain[0], AdminRights::all())
        .await
        .unwrap();
    // is_admin defaults each of Telethon's ten rights, anonymous included.
    let promoted = client
        .get_permissions("ferrogram_lounge", plain[0])
        .await
        .unwrap();
    assert!(promoted.is_admin && promoted.anonymous() && promoted.can_ban_users());
    client
        .edit_permissions(
            "ferrogram_lounge",
            plain[1],
            BannedRights::new().send_messages(false),
        )
        .await
        .unwrap();
    client
        .kick_participant("ferrogram_lounge", plain[2])
        .await
        .unwrap();

    let all = client.iter_admin_log("ferrogram_lounge").await.unwrap();
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    // Newest: the kick's unban, its ban, the restriction, the promotion.
    assert!(matches!(all[3].action, A::ParticipantToggleAdmin(_)));

    let only = |f: AdminLogFilter| client.iter_admin_log("ferrogram_lounge").filter(f);
    let promotions = only(AdminLogFilter::new().promote(true)).await.unwrap();
    match &promotions[0].action {
        A::ParticipantToggleAdmin(t) => assert!(matches!(
            &t.new_participant,
            ferrogram_tl_types::enums::ChannelParticipant::Admin(a) if a.user_id == plain[0]
        )),
        other => panic!("{other:?}"),
    }
    // Telethon's names: ban = kick, unban = unkick; restrict = Telegram's ban.
    let bans = only(AdminLogFilter::new().ban(true)).await.unwrap();
    let kicks = only(AdminLogFilter::new().kick(true)).await.unwrap();
    assert_eq!(bans, kicks);
    assert!(!bans.is_empty());
    let unbans = only(AdminLogFilter::new().unban(true)).await.unwrap();
    assert_eq!(unbans.len(), 1, "the kick's unban");
    let restrictions = only(AdminLogFilter::new().restrict(true)).await.unwrap();
    assert!(restrictions.iter().any(|e| e.id == all[2].id));
    let joins = only(AdminLogFilter::new().join_leave(true)).await.unwrap();
    assert!(
        joins.is_empty(),
        "nobody joined or left in the seeded history"
    );
    // limit, max_id and admins.
    let two = client
        .iter_admin_log("ferrogram_lounge")
        .limit(2)
        .await
        .unwrap();
    assert_eq!(two, all[..2]);
    let older = client
        .iter_admin_log("ferrogram_lounge")
        .max_id(all[1].id)
        .limit(1)
        .await
        .unwrap();
    assert_eq!(older[0].id, all[2].id);
    let mine = client
        .iter_admin_log("ferrogram_lounge")
        .admins(["me"])
        .await
        .unwrap();
    assert_eq!(
        mine.len(),
        all.len(),
        "the owner did everything in this log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_groups_work_where_telethon_raises() {
    let server = TestServer::builder().members(40).start().await.unwrap();
    let client = owner(&server).await;
    let team = chat_info(&server, ChatKind::Group);
    let team_id = team.marked_id;
    assert!(team_id < 0 && team_id > -1_000_000_000_000);
    let members = team.members as usize;

    // Listing: one getFullChat, limit honoured (Telethon ignores it), filters
    // and search applied here.
    let all = client.get_participants(team_id).await.unwrap();
    assert_eq!(all.total, members);
    assert_eq!(all.items.len(), members);
    assert!(matches!(all.items[0].role, Role::Creator { .. }));
    let three = client.get_participants(team_id).limit(3).await.unwrap();
    assert_eq!(three.items.len(), 3);
    assert_eq!(three.total, members);
    let admins = client
        .get_participants(team_id)
        .filter(ParticipantFilter::Admins)
        .await
        .unwrap();
    assert_eq!(admins.items.len(), 2, "the creator and the bot");
    let bots = client
        .get_participants(team_id)
        .filter(ParticipantFilter::Bots)
        .await
        .unwrap();
    assert!(bots.items.iter().all(|p| p.user.bot) && !bots.items.is_empty());
    let member = all
        .items
        .iter()
        .find(|p| p.role == Role::Member && !p.user.bot)
        .unwrap()
        .user
        .clone();
    let name = member.first_name.clone().unwrap();
    let found = client
        .get_participants(team_id)
        .search(name.to_uppercase())
        .await
        .unwrap();
    assert!(found.items.iter().any(|p| p.user.id == member.id));
    assert!(found.items.len() < members);

    // Permissions: creator, plain member, someone not in the group.
    let me = client.get_permissions(team_id, "me").await.unwrap();
    assert!(me.is_creator && me.is_admin && me.can_add_admins());
    assert!(
        me.anonymous(),
        "Telethon reports every right for a basic group's creator"
    );
    let p = client.get_permissions(team_id, member.id).await.unwrap();
    assert!(!p.is_admin && p.has_default_permissions && !p.has_left);

    // edit_admin with rights alone promotes (Telethon raises KeyError).
    client
        .edit_admin(team_id, member.id, AdminRights::new().ban_users(true))
        .await
        .unwrap();
    let p = client.get_permissions(team_id, member.id).await.unwrap();
    assert!(p.is_admin && p.can_ban_users() && !p.can_add_admins());
    assert!(p.anonymous(), "and for its admins, anonymous included");
    client
        .edit_admin(team_id, member.id, AdminRights::default())
        .await
        .unwrap();
    assert!(
        !client
            .get_permissions(team_id, member.id)
            .await
            .unwrap()
            .is_admin
    );

    // Default rights in a basic group (Telethon raises ValueError).
    client
        .edit_default_permissions(
            team_id,
            BannedRights::new().send_polls(false).pin_messages(false),
        )
        .await
        .unwrap();
    let d = client.get_default_permissions(team_id).await.unwrap();
    assert!(!d.send_polls && !d.pin_messages && d.send_messages);
    let e = client
        .edit_permissions(team_id, member.id, BannedRights::read_only())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NeedsSupergroup(_)), "{e}");

    // Kick: deleteChatUser, with the service message returned.
    let message = client
        .kick_participant(team_id, member.id)
        .await
        .unwrap()
        .expect("a service message");
    let enums::Message::Service(m) = message else {
        panic!("not a service message")
    };
    assert!(matches!(
        &m.action,
        enums::MessageAction::ChatDeleteUser(a) if a.user_id == member.id
    ));
    let p = client.get_permissions(team_id, member.id).await.unwrap();
    assert!(p.has_left);
    let after = client.get_participants(team_id).await.unwrap();
    assert_eq!(after.total, members - 1);

    // A user "lists" themselves.
    let ada = client.get_participants("@ada_admin").await.unwrap();
    assert_eq!((ada.total, ada.items.len()), (1, 1));
    // limit 0: only the total.
    let lounge = client
        .get_participants("@ferrogram_lounge")
        .limit(0)
        .await
        .unwrap();
    assert!(lounge.items.is_empty());
    assert_eq!(lounge.total, members_of(&server, "ferrogram_lounge"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_errors_for_members_bots_and_creators() {
    let server = TestServer::builder().members(60).start().await.unwrap();
    let owner = owner(&server).await;
    let bot = bot(&server).await;
    let plain = owner
        .get_participants("@ferrogram_lounge")
        .limit(60)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.role == Role::Member && !p.user.bot)
        .unwrap()
        .user
        .id;
    // The bot learns the members' access hashes from its own listing.
    bot.get_participants("@ferrogram_lounge")
        .limit(60)
        .await
        .unwrap();

    // The bot may not read the admin log or statistics.
    let e = bot
        .get_admin_log("@ferrogram_lounge")
        .limit(5)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BotMethodInvalid(_)), "{e}");
    let e = bot.get_stats("@ferrogram_news").await.unwrap_err();
    assert!(matches!(e, Error::BotMethodInvalid(_)), "{e}");
    // Nobody restricts the creator.
    let e = bot
        .edit_permissions("@ferrogram_lounge", "@ada_admin", BannedRights::read_only())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UserCreator(_)), "{e}");
    // Broadcast-only rights are never sent in a supergroup.
    owner
        .edit_admin(
            "@ferrogram_lounge",
            plain,
            AdminRights::new()
                .post_messages(true)
                .edit_messages(true)
                .pin_messages(true),
        )
        .await
        .unwrap();
    let p = owner
        .get_permissions("@ferrogram_lounge", plain)
        .await
        .unwrap();
    assert!(p.can_pin_messages() && !p.can_post_messages() && !p.can_edit_messages());
    // The bot did not promote them, so it may not demote them.
    let e = bot
        .edit_permissions("@ferrogram_lounge", plain, BannedRights::read_only())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UserAdminInvalid(_)), "{e}");
    // Statistics and the admin log of a basic group make no sense.
    let team = chat_info(&server, ChatKind::Group).marked_id;
    let e = owner.get_stats(team).await.unwrap_err();
    assert!(matches!(e, Error::NotPossibleHere(_)), "{e}");
    let e = owner.get_admin_log(team).await.unwrap_err();
    assert!(matches!(e, Error::NotPossibleHere(_)), "{e}");

    // kick_participant on oneself leaves the channel (leaveChannel).
    assert_eq!(
        server.participant_role("ferrogram_lounge", bot.self_id().await.unwrap()),
        Some(ServerRole::Admin)
    );
    bot.kick_participant("@ferrogram_lounge", "me")
        .await
        .unwrap();
    assert_eq!(
        server.participant_role("ferrogram_lounge", bot.self_id().await.unwrap()),
        Some(ServerRole::Left)
    );
    assert_eq!(
        server.counters().method("channels.leaveChannel").executed,
        1
    );
    // A supergroup kick returns its "removed" service message.
    let m = owner
        .kick_participant("@ferrogram_lounge", plain)
        .await
        .unwrap();
    assert!(matches!(
        m,
        Some(enums::Message::Service(s))
            if matches!(&s.action, enums::MessageAction::ChatDeleteUser(a) if a.user_id == plain)
    ));
}

/// Reads the bot's updates until a typing update matching `want` arrives.
async fn wait_for_typing(
    updates: &mut ferrogram_client::UpdateStream,
    want: impl Fn(&enums::SendMessageAction) -> bool,
) -> enums::SendMessageAction {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let u = tokio::time::timeout_at(deadline, updates.next())
            .await
            .expect("the typing update arrives in time")
            .unwrap();
        if let enums::Update::ChannelUserTyping(t) = u
            && want(&t.action)
        {
            return t.action;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_repeat_report_progress_and_cancel() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    let bot = bot(&server).await;
    let mut updates = bot.updates();
    updates.catch_up().await.unwrap();

    // Repeats every delay until finished, then cancels.
    let typing = owner
        .action("@ferrogram_lounge", "typing")
        .delay(Duration::from_millis(100))
        .await
        .unwrap();
    wait_for_typing(&mut updates, |a| {
        matches!(a, enums::SendMessageAction::SendMessageTypingAction)
    })
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while typing.times_sent() < 3 {
        assert!(tokio::time::Instant::now() < deadline, "the action repeats");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    typing.finish().await.unwrap();
    wait_for_typing(&mut updates, |a| {
        matches!(a, enums::SendMessageAction::SendMessageCancelAction)
    })
    .await;
    let sent = server.counters().method("messages.setTyping").executed;
    assert!(sent >= 4, "three typings and a cancel, got {sent}");

    // Upload progress: real percentages (Telethon sends only 0 or 100).
    let upload = owner
        .action("@ferrogram_lounge", ChatAction::UploadPhoto)
        .await
        .unwrap();
    upload.progress(37, 100);
    let a = wait_for_typing(&mut updates, |a| {
        matches!(a, enums::SendMessageAction::SendMessageUploadPhotoAction(p) if p.progress == 37)
    })
    .await;
    assert!(matches!(
        a,
        enums::SendMessageAction::SendMessageUploadPhotoAction(_)
    ));
    // Dropping the guard cancels in the background.
    drop(upload);
    wait_for_typing(&mut updates, |a| {
        matches!(a, enums::SendMessageAction::SendMessageCancelAction)
    })
    .await;
    // A progress set right before finish() is still sent (repeats are 4 s
    // apart by default, so only finish can send it).
    let upload = owner
        .action("@ferrogram_lounge", ChatAction::UploadPhoto)
        .await
        .unwrap();
    let before = server.counters().method("messages.setTyping").executed;
    upload.progress(100, 100);
    upload.finish().await.unwrap();
    wait_for_typing(&mut updates, |a| {
        matches!(a, enums::SendMessageAction::SendMessageUploadPhotoAction(p) if p.progress == 100)
    })
    .await;
    assert!(server.counters().method("messages.setTyping").executed >= before + 2);

    // Unknown strings and forbidden chats are typed errors.
    let e = owner
        .action("@ferrogram_lounge", "dancing")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::UnknownName {
                kind: "chat action",
                ..
            }
        ),
        "{e}"
    );
    let before = server.counters().method("messages.setTyping").executed;
    owner
        .action("@ferrogram_lounge", "cancel")
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    assert_eq!(
        server.counters().method("messages.setTyping").executed,
        before + 1,
        "cancel is one request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_photos_of_users_and_chats() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    for i in 0..3u8 {
        owner
            .upload_profile_photo(&vec![i; 1000 + i as usize])
            .await
            .unwrap();
    }
    let all = owner.get_profile_photos("me").await.unwrap();
    assert_eq!(all.total, 3);
    let ids: Vec<i64> = all.items.iter().map(|p| p.id).collect();
    let mut newest_first = server.profile_photos(server.user().unwrap().id);
    newest_first.reverse();
    assert_eq!(ids, newest_first);
    let page = owner
        .get_profile_photos("@ada_admin")
        .offset(1)
        .limit(1)
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    assert_eq!(page.total, 3);
    let older = owner.get_profile_photos("me").max_id(ids[0]).await.unwrap();
    assert_eq!(older.items.len(), 2);

    // A supergroup's photo history: two photo changes, newest first.
    let lounge = owner.get_input_entity("@ferrogram_lounge").await.unwrap();
    let enums::InputPeer::Channel(c) = lounge else {
        panic!()
    };
    let channel = enums::InputChannel::from(types::InputChannel {
        channel_id: c.channel_id,
        access_hash: c.access_hash,
    });
    for i in 0..2u8 {
        let file = owner
            .upload_file(&vec![i; 2000], &format!("chat{i}.jpg"))
            .await
            .unwrap();
        owner
            .invoke(&functions::channels::EditPhoto {
                channel: channel.clone(),
                photo: enums::InputChatPhoto::from(types::InputChatUploadedPhoto {
                    file: Some(file),
                    video: None,
                    video_start_ts: None,
                    video_emoji_markup: None,
                }),
            })
            .await
            .unwrap();
    }
    let photos = owner.get_profile_photos("@ferrogram_lounge").await.unwrap();
    // The two new ones and the photo the default world gave the lounge.
    assert_eq!(photos.items.len(), 3);
    assert!(photos.items[0].id > photos.items[1].id, "newest first");
    let one = owner
        .get_profile_photos("@ferrogram_lounge")
        .limit(1)
        .await
        .unwrap();
    assert_eq!(one.items[0].id, photos.items[0].id);
    // The admin log saw it.
    let log = owner
        .get_admin_log("@ferrogram_lounge")
        .limit(5)
        .await
        .unwrap();
    assert!(log[0].changed_photo());
    assert!(matches!(
        log[0].new(),
        Some(ferrogram_chat_mgmt::LogValue::Photo(_))
    ));
    // Bots may not search chat photos.
    let bot = bot(&server).await;
    let e = bot
        .get_profile_photos("@ferrogram_lounge")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BotMethodInvalid(_)), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_of_channels_supergroups_and_messages() {
    let server = TestServer::builder().members(100).start().await.unwrap();
    let owner = owner(&server).await;
    let Stats::Broadcast(b) = owner.get_stats("@ferrogram_news").await.unwrap() else {
        panic!("a broadcast channel gives broadcast stats")
    };
    let stats = Stats::Broadcast(b.clone());
    assert!(
        stats
            .graphs()
            .iter()
            .all(|(_, g)| !matches!(g, enums::StatsGraph::Async(_))),
        "every async graph is loaded"
    );
    assert!(
        stats
            .graphs()
            .iter()
            .any(|(_, g)| matches!(g, enums::StatsGraph::StatsGraph(_)))
    );
    let enums::StatsAbsValueAndPrev::StatsAbsValueAndPrev(followers) = &b.followers;
    assert!(followers.current > 0.0);

    // A supergroup: broadcast stats fail with BROADCAST_REQUIRED, then megagroup.
    let s = owner.get_stats("@ferrogram_lounge").await.unwrap();
    assert!(matches!(s, Stats::Megagroup(_)));
    assert!(
        server.counters().method("stats.getBroadcastStats").executed >= 2,
        "the supergroup was first asked for broadcast stats"
    );
    let m = owner.get_message_stats("@ferrogram_news", 3).await.unwrap();
    assert!(matches!(m, Stats::Message(_)));
    assert!(
        m.graphs()
            .iter()
            .all(|(_, g)| !matches!(g, enums::StatsGraph::Async(_)))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_waits_mid_listing_lose_and_repeat_no_member() {
    let server = TestServer::builder().members(900).start().await.unwrap();
    let client = owner(&server).await;
    let members = members_of(&server, "ferrogram_lounge");
    let mut it = client
        .iter_participants("@ferrogram_lounge")
        .chunk_size(100);
    let mut seen = std::collections::HashSet::new();
    let mut flood_errors = 0;
    let mut step = 0;
    loop {
        step += 1;
        assert!(step < 10 * members, "the listing ends");
        if seen.len() == 250 {
            // Short: slept through by the client (threshold 60 s).
            server
                .faults()
                .flood_wait("channels.getParticipants", 1, Some(1));
        }
        if seen.len() == 550 {
            // Long: surfaces as a typed error; the listing resumes after it.
            server
                .faults()
                .flood_wait("channels.getParticipants", 3600, Some(1));
        }
        match it.next().await {
            None => break,
            Some(Ok(p)) => assert!(seen.insert(p.user.id), "each member once"),
            Some(Err(Error::FloodWait { seconds, .. })) => {
                assert_eq!(seconds, 3600);
                flood_errors += 1;
            }
            Some(Err(e)) => panic!("{e}"),
        }
    }
    assert_eq!(flood_errors, 1);
    assert_eq!(seen.len(), members, "nothing lost");
    assert_eq!(it.total(), Some(members));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_channels_plain_members_and_expiring_restrictions() {
    let server = TestServer::builder().members(100).start().await.unwrap();
    let owner = owner(&server).await;

    // A broadcast channel, as its owner.
    let subs = owner.get_participants("@ferrogram_news").await.unwrap();
    assert_eq!(subs.total, members_of(&server, "ferrogram_news"));
    let sub = subs
        .items
        .iter()
        .find(|p| p.role == Role::Member && !p.user.bot)
        .unwrap()
        .user
        .id;
    owner
        .edit_admin(
            "@ferrogram_news",
            sub,
            AdminRights::new().post_messages(true).edit_messages(true),
        )
        .await
        .unwrap();
    let p = owner.get_permissions("@ferrogram_news", sub).await.unwrap();
    assert!(
        p.can_post_messages() && p.can_edit_messages() && !p.can_ban_users(),
        "broadcast-only rights are kept in channels"
    );
    owner
        .edit_admin("@ferrogram_news", sub, AdminRights::default())
        .await
        .unwrap();
    owner
        .kick_participant("@ferrogram_news", sub)
        .await
        .unwrap();
    assert_eq!(
        server.participant_role("ferrogram_news", sub),
        Some(ServerRole::Left)
    );
    let log = owner
        .get_admin_log("@ferrogram_news")
        .limit(4)
        .await
        .unwrap();
    assert!(log[0].changed_restrictions() && log.iter().any(|e| e.changed_admin()));
    owner
        .action("@ferrogram_news", "typing")
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    let d = owner
        .get_default_permissions("@ferrogram_news")
        .await
        .unwrap();
    assert!(d.send_messages);

    // A plain member of the supergroup: may list and type, may not administer.
    server.create_user("Pat", "Plain", "9996620555");
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    let member = Client::connect(c).await.unwrap();
    let token = member.request_login_code("9996620555").await.unwrap();
    member.sign_in(&token, "22222").await.unwrap();
    let enums::InputPeer::Channel(lounge) =
        member.get_input_entity("@ferrogram_lounge").await.unwrap()
    else {
        panic!("a channel")
    };
    member
        .invoke(&functions::channels::JoinChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: lounge.channel_id,
                access_hash: lounge.access_hash,
            }),
        })
        .await
        .unwrap();
    let listed = member
        .get_participants("@ferrogram_lounge")
        .limit(10)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 10);
    let victim = listed
        .items
        .iter()
        .find(|p| p.role == Role::Member && p.user.first_name.as_deref() != Some("Pat"))
        .unwrap()
        .user
        .id;
    let me = member
        .get_permissions("@ferrogram_lounge", "me")
        .await
        .unwrap();
    assert!(!me.is_admin && me.has_default_permissions && !me.has_left);
    for e in [
        member
            .edit_permissions("@ferrogram_lounge", victim, BannedRights::read_only())
            .await
            .unwrap_err(),
        member
            .edit_admin("@ferrogram_lounge", victim, AdminRights::all())
            .await
            .unwrap_err(),
        member
            .kick_participant("@ferrogram_lounge", victim)
            .await
            .unwrap_err(),
        member
            .get_admin_log("@ferrogram_lounge")
            .limit(1)
            .await
            .unwrap_err(),
        member.get_stats("@ferrogram_lounge").await.unwrap_err(),
        member
            .get_participants("@ferrogram_news")
            .limit(5)
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(e, Error::ChatAdminRequired(_)), "{e}");
    }
    member
        .action("@ferrogram_lounge", "typing")
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    // An admin lacking the right: promoted to invite only.
    owner
        .get_participants("@ferrogram_lounge")
        .limit(100)
        .await
        .unwrap();
    let pat = owner
        .get_participants("@ferrogram_lounge")
        .search("Pat")
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.user.last_name.as_deref() == Some("Plain"))
        .unwrap()
        .user
        .id;
    owner
        .edit_admin(
            "@ferrogram_lounge",
            pat,
            AdminRights::new().invite_users(true),
        )
        .await
        .unwrap();
    let mine = member
        .get_permissions("@ferrogram_lounge", "me")
        .await
        .unwrap();
    assert!(mine.is_admin && mine.can_invite_users() && !mine.can_ban_users());
    let e = member
        .edit_permissions("@ferrogram_lounge", victim, BannedRights::read_only())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e}");
    let e = member
        .edit_admin("@ferrogram_lounge", victim, AdminRights::all())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e}");

    // Restrictions end at their until date, on the server's clock.
    owner
        .edit_permissions(
            "@ferrogram_lounge",
            victim,
            BannedRights::new()
                .send_messages(false)
                .for_duration(Duration::from_secs(120)),
        )
        .await
        .unwrap();
    let p = owner
        .get_permissions("@ferrogram_lounge", victim)
        .await
        .unwrap();
    assert!(p.is_banned);
    server.clock().advance(Duration::from_secs(180));
    let p = owner
        .get_permissions("@ferrogram_lounge", victim)
        .await
        .unwrap();
    assert!(!p.is_banned && p.role == Role::Member, "{p:?}");
}
