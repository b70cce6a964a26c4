//! chat-mgmt against testserver's chat world, over TCP.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ferrogram_chat_mgmt::{AdminRights, BannedRights, ChatManagement, ParticipantFilter, Role};
use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::TestServer;

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

fn members_of(server: &TestServer, username: &str) -> usize {
    let info: serde_json::Value = serde_json::from_str(&server.info_json()).unwrap();
    info["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["username"] == username)
        .unwrap()["members"]
        .as_u64()
        .unwrap() as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aggressive_listing_gets_past_the_ten_thousand_cap() {
    let server = TestServer::builder().members(12_000).start().await.unwrap();
    let client = owner(&server).await;
    let members = members_of(&server, "ferrogram_lounge");
    assert!(members > 10_000);

    let plain = client
        .get_participants("@ferrogram_lounge", |p| p)
        .await
        .unwrap();
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
        .get_participants("ferrogram_lounge", |p| p.filter(ParticipantFilter::Admins))
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
        .get_participants("ferrogram_lounge", |p| {
            p.filter(ParticipantFilter::Kicked(String::new()))
        })
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
        .get_participants("ferrogram_lounge", |p| p.search("Love"))
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
        .get_participants("ferrogram_lounge", |p| p.limit(120).chunk_size(50))
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
        .get_participants("ferrogram_lounge", |p| p.limit(200))
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
            AdminRights {
                ban_users: Some(true),
                delete_messages: Some(true),
                title: Some("Helper".into()),
                ..AdminRights::default()
            },
        )
        .await
        .unwrap();
    let p = client.get_permissions("ferrogram_lounge", a).await.unwrap();
    assert!(p.is_admin && !p.is_creator && p.can_ban_users() && !p.can_change_info());
    assert!(matches!(&p.role, Role::Admin { rank: Some(r), .. } if r == "Helper"));
    assert_eq!(
        server.participant_role("ferrogram_lounge", a),
        Some("admin")
    );

    let until = SystemTime::now() + Duration::from_secs(3600);
    client
        .edit_permissions(
            "ferrogram_lounge",
            Some(b.into()),
            BannedRights {
                send_media: false,
                until: Some(until),
                ..BannedRights::default()
            },
        )
        .await
        .unwrap();
    let p = client.get_permissions("ferrogram_lounge", b).await.unwrap();
    assert!(p.is_banned && !p.has_left);
    let r = p.banned_rights.unwrap();
    assert!(r.send_media && !r.send_messages);
    assert!(matches!(p.role, Role::Restricted { until: Some(_), .. }));

    client
        .kick_participant("ferrogram_lounge", c)
        .await
        .unwrap();
    assert_eq!(server.participant_role("ferrogram_lounge", c), Some("left"));
    let p = client.get_permissions("ferrogram_lounge", c).await.unwrap();
    assert!(p.has_left);

    // Chat-wide defaults.
    client
        .edit_permissions(
            "ferrogram_lounge",
            None,
            BannedRights {
                send_polls: false,
                ..BannedRights::default()
            },
        )
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
    assert!(e.is("USER_CREATOR"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_log_with_the_seeds_filters() {
    use ferrogram_chat_mgmt::AdminLogFilter;
    use ferrogram_tl_types::enums::ChannelAdminLogEventAction as A;
    let server = TestServer::builder().members(200).start().await.unwrap();
    let client = owner(&server).await;
    let members = client
        .get_participants("ferrogram_lounge", |p| p.limit(150))
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
    client
        .edit_permissions(
            "ferrogram_lounge",
            Some(plain[1].into()),
            BannedRights {
                send_messages: false,
                ..BannedRights::default()
            },
        )
        .await
        .unwrap();
    client
        .kick_participant("ferrogram_lounge", plain[2])
        .await
        .unwrap();

    let all = client
        .iter_admin_log("ferrogram_lounge")
        .collect()
        .await
        .unwrap();
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    // Newest: the kick's unban, its ban, the restriction, the promotion.
    assert!(matches!(all[3].action, A::ParticipantToggleAdmin(_)));

    let only = |f: AdminLogFilter| client.iter_admin_log("ferrogram_lounge").filter(f);
    let promotions = only(AdminLogFilter {
        promote: true,
        ..Default::default()
    })
    .collect()
    .await
    .unwrap();
    match &promotions[0].action {
        A::ParticipantToggleAdmin(t) => assert!(matches!(
            &t.new_participant,
            ferrogram_tl_types::enums::ChannelParticipant::Admin(a) if a.user_id == plain[0]
        )),
        other => panic!("{other:?}"),
    }
    // Telethon's names: ban = kick, unban = unkick; restrict = Telegram's ban.
    let bans = only(AdminLogFilter {
        ban: true,
        ..Default::default()
    })
    .collect()
    .await
    .unwrap();
    let kicks = only(AdminLogFilter {
        kick: true,
        ..Default::default()
    })
    .collect()
    .await
    .unwrap();
    assert_eq!(bans, kicks);
    assert!(!bans.is_empty());
    let unbans = only(AdminLogFilter {
        unban: true,
        ..Default::default()
    })
    .collect()
    .await
    .unwrap();
    assert_eq!(unbans.len(), 1, "the kick's unban");
    let restrictions = only(AdminLogFilter {
        restrict: true,
        ..Default::default()
    })
    .collect()
    .await
    .unwrap();
    assert!(restrictions.iter().any(|e| e.id == all[2].id));
    let joins = only(AdminLogFilter {
        join_leave: true,
        ..Default::default()
    })
    .collect()
    .await
    .unwrap();
    assert!(
        joins.is_empty(),
        "nobody joined or left in the seeded history"
    );
    // limit, max_id and admins.
    let two = client
        .iter_admin_log("ferrogram_lounge")
        .limit(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(two, all[..2]);
    let older = client
        .iter_admin_log("ferrogram_lounge")
        .max_id(all[1].id)
        .limit(1)
        .collect()
        .await
        .unwrap();
    assert_eq!(older[0].id, all[2].id);
    let mine = client
        .iter_admin_log("ferrogram_lounge")
        .admins(["me".into()])
        .collect()
        .await
        .unwrap();
    assert_eq!(
        mine.len(),
        all.len(),
        "the owner did everything in this log"
    );
}
