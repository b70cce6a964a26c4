//! Communities (layer 228) against `testserver` over TCP: made with a first
//! chat, chats added by their owners (directly, or by request when they may
//! not change the community's chats), requests listed, approved and
//! declined, a ban that reaches every chat (and chats added later), what a
//! ban would reach, the role matrix, the limit, and the bulk tool across a
//! community.

use ferrogram_chat_mgmt::{
    BannedRights, BulkAction, ChatManagement, Communities, Error, LinkOutcome, Membership,
    Moderation, NewChat, NewCommunity, Selection,
};
use ferrogram_client::Client;
use ferrogram_client::session::PeerKind;
use ferrogram_client::tl::enums;
use ferrogram_testserver::TestServer;
use futures::TryStreamExt;

mod common;
use common::{bot, join, owner, user};

async fn supergroup(client: &Client, title: &str, username: &str) -> i64 {
    client
        .create_chat(NewChat::supergroup(title).username(username))
        .await
        .unwrap()
        .marked_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_links_chats_decides_requests_and_bans_everywhere() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (ivy, _) = user(&server, "Ivy", "9996621600").await;
    let (sam, sam_id) = user(&server, "Sam", "9996621601").await;
    let (moe, _) = user(&server, "Moe", "9996621602").await;
    let a = supergroup(&owner, "Berlin", "comm_berlin").await;
    let b = supergroup(&owner, "Paris", "comm_paris").await;
    let d = supergroup(&ivy, "Rome", "comm_rome").await;

    let made = owner
        .create_community(NewCommunity::new("Rust meetups", "@comm_berlin").about("All cities"))
        .await
        .unwrap();
    let comm = made.id;
    assert!(made.creator && made.about == "All cities", "{made:?}");
    assert_eq!(made.chats.iter().map(|c| c.id).collect::<Vec<_>>(), [a]);
    // The session knows it as a community (a peer kind of its own).
    let seen = owner.session().peer(comm).unwrap();
    assert_eq!(seen.kind, PeerKind::Community);
    assert_eq!(
        owner.link_chat(comm, "@comm_paris", false).await.unwrap(),
        LinkOutcome::Linked
    );
    let info = owner.community(comm).await.unwrap();
    assert_eq!(info.chats.len(), 2);
    assert!(
        info.chats
            .iter()
            .any(|c| c.id == b && !c.visible && c.title.as_deref() == Some("Paris"))
    );
    let joined = owner.joined_communities().await.unwrap();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].id, comm);

    // Ivy owns Rome but may not change the community's chats: a request.
    // She learns of the community from one of its chats.
    join(&ivy, "@comm_berlin").await;
    let found = ivy.chat_community("@comm_berlin").await.unwrap().unwrap();
    assert_eq!(
        (found.id, found.title.as_str(), found.creator),
        (comm, "Rust meetups", false)
    );
    assert_eq!(ivy.chat_community("@comm_rome").await.unwrap(), None);
    assert_eq!(
        ivy.link_chat(comm, "@comm_rome", true).await.unwrap(),
        LinkOutcome::Requested
    );
    let hers: Vec<_> = ivy.iter_link_requests(comm).try_collect().await.unwrap();
    assert_eq!(hers.len(), 1);
    let all: Vec<_> = owner.iter_link_requests(comm).try_collect().await.unwrap();
    assert_eq!((all[0].chat, all[0].title.as_deref()), (d, Some("Rome")));
    assert_eq!(
        owner.community(comm).await.unwrap().pending_requests,
        Some(1)
    );
    // Ivy may not decide her own request; the owner declines, she asks
    // again, the owner approves all.
    let e = ivy.decide_all_link_requests(comm, true).await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e}");
    owner
        .decide_link_request(comm, "@comm_rome", false)
        .await
        .unwrap();
    let left: Vec<_> = owner.iter_link_requests(comm).try_collect().await.unwrap();
    assert!(left.is_empty());
    ivy.link_chat(comm, "@comm_rome", true).await.unwrap();
    owner.decide_all_link_requests(comm, true).await.unwrap();
    assert_eq!(owner.community(comm).await.unwrap().chats.len(), 3);

    // Sam is in Berlin and Paris: a community ban reaches all three chats.
    join(&sam, "@comm_berlin").await;
    join(&sam, "@comm_paris").await;
    let reach = owner.community_chats_of(comm, "+9996621601").await.unwrap();
    assert_eq!((reach.owned.len(), reach.joined.len()), (0, 2), "{reach:?}");
    join(&moe, "@comm_berlin").await;
    moe.chat_community("@comm_berlin").await.unwrap();
    let e = moe.set_community_ban(comm, "+9996621601", true).await;
    assert!(
        matches!(e, Err(Error::ChatAdminRequired(_))),
        "a plain user: {e:?}"
    );
    let e = moe.community_chats_of(comm, "+9996621601").await;
    assert!(matches!(e, Err(Error::ChatAdminRequired(_))), "{e:?}");
    let robot = bot(&server).await;
    let e = robot.community(comm).await;
    assert!(e.is_err(), "a bot that never saw it cannot name it: {e:?}");
    owner
        .set_community_ban(comm, "+9996621601", true)
        .await
        .unwrap();
    for chat in ["comm_berlin", "comm_paris", "comm_rome"] {
        let s = &server.participant_states(chat)[&sam_id];
        assert!(s.starts_with("Banned"), "{chat}: {s}");
    }
    let e = owner.set_community_ban(comm, "+9996621601", true).await;
    assert!(matches!(e, Err(Error::ChatNotModified(_))), "{e:?}");
    let e = owner.set_community_ban(comm, "me", true).await;
    assert!(matches!(e, Err(Error::UserCreator(_))), "{e:?}");
    // The ban is in each chat's admin log.
    let log = owner.get_admin_log("@comm_paris").limit(1).await.unwrap();
    assert!(matches!(
        log[0].action,
        enums::ChannelAdminLogEventAction::ParticipantToggleBan(_)
    ));
    // A chat added later gets the community's bans.
    supergroup(&owner, "Oslo", "comm_oslo").await;
    owner.link_chat(comm, "@comm_oslo", true).await.unwrap();
    assert!(server.participant_states("comm_oslo")[&sam_id].starts_with("Banned"));
    // Lifted: Sam may come back everywhere (nobody adds him).
    owner
        .set_community_ban(comm, "+9996621601", false)
        .await
        .unwrap();
    for chat in ["comm_berlin", "comm_paris", "comm_rome", "comm_oslo"] {
        assert!(
            server.participant_states(chat)[&sam_id].starts_with("Left"),
            "{chat}"
        );
    }
    // Rome's owner takes it out again.
    ivy.unlink_chat(comm, "@comm_rome").await.unwrap();
    assert_eq!(owner.community(comm).await.unwrap().chats.len(), 3);
    let e = moe.unlink_chat(comm, "@comm_paris").await;
    assert!(e.is_err(), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_community_refuses_and_the_bulk_tool_acts_in_every_chat() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (sal, _) = user(&server, "Sal", "9996621701").await;
    let first = supergroup(&owner, "Hub 0", "hub_0").await;
    let comm = owner
        .create_community(NewCommunity::new("Hubs", first))
        .await
        .unwrap()
        .id;
    // The limit comes from help.getAppConfig's community_chat_count_max.
    for i in 1..20 {
        supergroup(&owner, &format!("Hub {i}"), &format!("hub_{i}")).await;
        owner
            .link_chat(comm, format!("@hub_{i}"), true)
            .await
            .unwrap();
    }
    supergroup(&owner, "Hub 20", "hub_20").await;
    let e = owner.link_chat(comm, "@hub_20", true).await.unwrap_err();
    assert!(matches!(e, Error::CommunityFull(_)), "{e}");
    // Sal joins three hubs; the bulk tool mutes him in every chat of the
    // community where he is, one request each.
    for i in 0..3 {
        join(&sal, &format!("@hub_{i}")).await;
    }
    let list = ferrogram_chat_mgmt::parse_user_list("+9996621701", "list").unwrap();
    let report = owner
        .bulk(BulkAction::Restrict(BannedRights::new().send_media(false)))
        .community(comm)
        .select(Selection::Users(list))
        .run()
        .await
        .unwrap();
    assert_eq!(report.items.len(), 20, "one item per chat of the community");
    assert_eq!(report.totals.changed, 3, "{:?}", report.totals);
    // Telegram restricts members only: the other chats are passed over.
    assert_eq!(report.totals.skipped, 17, "{:?}", report.totals);
    assert_eq!(server.counters().method("channels.editBanned").executed, 3);
}
