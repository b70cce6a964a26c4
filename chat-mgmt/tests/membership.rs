//! Invite links and join requests ([`Membership`]) against `testserver` over
//! TCP: as the creator, as an admin with and without `invite_users`, as a
//! plain member; usage limits and expiry on the server's clock; the admin
//! log; paging; approving a thousand pending requests at once.

use std::time::{Duration, SystemTime};

use ferrogram_chat_mgmt::{AdminRights, ChatManagement, Error, InviteLinkOptions, Membership};
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_client::{Client, UpdateStream};
use ferrogram_testserver::{Role as ServerRole, TestServer};

mod common;
use common::{bot, owner, user};

const LOUNGE: &str = "@ferrogram_lounge";

/// Joins through `link`, as chat-mgmt's error.
async fn join(client: &Client, link: &str) -> Result<(), Error> {
    client
        .accept_invite(link)
        .await
        .map(|_| ())
        .map_err(Error::from)
}

fn role(server: &TestServer, user: i64) -> Option<ServerRole> {
    server.participant_role("ferrogram_lounge", user)
}

/// The next `updatePendingJoinRequests` (bounded).
async fn next_pending(stream: &mut UpdateStream) -> types::UpdatePendingJoinRequests {
    for _ in 0..20 {
        let u = tokio::time::timeout(Duration::from_secs(20), stream.next())
            .await
            .expect("an update in time")
            .unwrap();
        if let enums::Update::PendingJoinRequests(p) = u {
            return p;
        }
    }
    panic!("no updatePendingJoinRequests in 20 updates");
}

async fn lounge_of(client: &Client, chat: &str) -> enums::InputChannel {
    let enums::InputPeer::Channel(c) = client.get_input_entity(chat).await.unwrap() else {
        panic!("{chat} is a channel");
    };
    enums::InputChannel::from(types::InputChannel {
        channel_id: c.channel_id,
        access_hash: c.access_hash,
    })
}

async fn lounge(client: &Client) -> enums::InputChannel {
    let enums::InputPeer::Channel(c) = client.get_input_entity(LOUNGE).await.unwrap() else {
        panic!("the lounge is a channel");
    };
    enums::InputChannel::from(types::InputChannel {
        channel_id: c.channel_id,
        access_hash: c.access_hash,
    })
}

async fn full_channel(client: &Client) -> types::ChannelFull {
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::channels::GetFullChannel {
            channel: lounge(client).await,
        })
        .await
        .unwrap();
    match full.full_chat {
        enums::ChatFull::ChannelFull(f) => *f,
        other => panic!("{other:?}"),
    }
}

async fn self_participant(client: &Client) -> enums::ChannelParticipant {
    let enums::channels::ChannelParticipant::ChannelParticipant(p) = client
        .invoke(&functions::channels::GetParticipant {
            channel: lounge(client).await,
            participant: enums::InputPeer::InputPeerSelf,
        })
        .await
        .unwrap();
    p.participant
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_links_keep_their_terms_rights_and_log() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let owner = owner(&server).await;
    let once = owner
        .create_invite_link(
            LOUNGE,
            InviteLinkOptions::new().title("once").usage_limit(1),
        )
        .await
        .unwrap();
    assert_eq!(once.title.as_deref(), Some("once"));
    assert_eq!((once.usage_limit, once.usage), (Some(1), 0));
    assert!(!once.revoked && !once.request_needed);

    // A limit-1 link admits one user, then no one.
    let (ann, ann_id) = user(&server, "Ann", "9996621001").await;
    join(&ann, &once.link).await.unwrap();
    assert_eq!(role(&server, ann_id), Some(ServerRole::Member));
    let (bea, bea_id) = user(&server, "Bea", "9996621002").await;
    let e = join(&bea, &once.link).await.unwrap_err();
    assert!(matches!(e, Error::InviteLinkExpired(_)), "{e:?}");
    assert_eq!(role(&server, bea_id), None);
    let got = owner.get_invite_link(LOUNGE, &once.link).await.unwrap();
    assert_eq!(got.usage, 1);
    assert!(!got.is_usable(SystemTime::now()));
    let joined = owner
        .iter_invite_link_members(LOUNGE, &once.link)
        .await
        .unwrap();
    assert_eq!(joined.total, 1);
    assert_eq!(joined.items[0].user_id, ann_id);
    assert_eq!(
        joined.items[0]
            .user
            .as_ref()
            .and_then(|u| u.first_name.as_deref()),
        Some("Ann")
    );

    // Expiry on the server's clock.
    let hour = owner
        .create_invite_link(
            LOUNGE,
            InviteLinkOptions::new().expires_in(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    server.clock().advance(Duration::from_secs(3601));
    let e = join(&bea, &hour.link).await.unwrap_err();
    assert!(matches!(e, Error::InviteLinkExpired(_)), "{e:?}");
    // Edited to expire later (on the server's clock), it works again.
    let later = SystemTime::now() + Duration::from_secs(3 * 3600);
    let edited = owner
        .edit_invite_link(
            LOUNGE,
            &hour.link,
            InviteLinkOptions::new().expires_at(later),
        )
        .await
        .unwrap();
    assert!(edited.edited.is_some());
    join(&bea, &hour.link).await.unwrap();
    assert_eq!(role(&server, bea_id), Some(ServerRole::Member));

    // Terms Telegram refuses.
    for bad in [
        InviteLinkOptions::new().expires_at(SystemTime::now() - Duration::from_secs(60)),
        InviteLinkOptions::new().usage_limit(100_000),
        InviteLinkOptions::new().usage_limit(0),
        InviteLinkOptions::new().usage_limit(5).request_needed(true),
    ] {
        let e = owner.create_invite_link(LOUNGE, bad.clone()).await;
        // usage_limit(0) is "no limit" as Telegram reads 0: accepted.
        if bad.usage_limit == Some(Some(0)) {
            assert!(e.is_ok(), "{e:?}");
            continue;
        }
        assert!(
            matches!(e, Err(Error::InviteTermsInvalid(_))),
            "{bad:?}: {e:?}"
        );
    }

    // Revoked: it admits no one; only then can it be deleted.
    let doomed = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new().title("doomed"))
        .await
        .unwrap();
    let e = owner
        .delete_invite_link(LOUNGE, &doomed.link)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InviteNotRevoked(_)), "{e:?}");
    let r = owner
        .revoke_invite_link(LOUNGE, &doomed.link)
        .await
        .unwrap();
    assert!(r.revoked.revoked && r.replacement.is_none());
    let (cal, _) = user(&server, "Cal", "9996621003").await;
    let e = join(&cal, &doomed.link).await.unwrap_err();
    assert!(matches!(e, Error::InviteLinkExpired(_)), "{e:?}");
    let e = owner
        .edit_invite_link(LOUNGE, &doomed.link, InviteLinkOptions::new().title("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InviteLinkExpired(_)),
        "a revoked link is not edited"
    );
    let revoked = owner.iter_invite_links(LOUNGE).revoked(true).await.unwrap();
    assert_eq!(revoked.total, 1);
    owner
        .delete_invite_link(LOUNGE, &doomed.link)
        .await
        .unwrap();
    let e = owner
        .get_invite_link(LOUNGE, &doomed.link)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InviteLinkExpired(_)), "{e:?}");

    // The admin log has each change.
    let log = owner.get_admin_log(LOUNGE).await.unwrap();
    assert!(log.iter().any(|e| e.edited_exported_invite()));
    assert!(log.iter().any(|e| e.revoked_exported_invite()));
    assert!(log.iter().any(|e| e.deleted_exported_invite()));
    assert!(log.iter().filter(|e| e.joined_by_invite()).count() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_manage_which_links() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let owner = owner(&server).await;
    let bot = bot(&server).await;
    // The bot is an admin with every right: it makes links of its own.
    let bots = bot
        .create_invite_link(LOUNGE, InviteLinkOptions::new().title("bot's"))
        .await
        .unwrap();
    let owners = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new().title("owner's"))
        .await
        .unwrap();
    // An admin manages its own links only; the creator everyone's.
    let e = bot
        .edit_invite_link(LOUNGE, &owners.link, InviteLinkOptions::new().title("mine"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    let e = bot.get_invite_link_counts(LOUNGE).await.unwrap_err();
    assert!(
        matches!(e, Error::ChatAdminRequired(_)),
        "counting is the creator's"
    );
    owner
        .edit_invite_link(
            LOUNGE,
            &bots.link,
            InviteLinkOptions::new().title("renamed"),
        )
        .await
        .unwrap();
    let bot_links = owner
        .iter_invite_links(LOUNGE)
        .admin("@ferrogram_test_bot")
        .await
        .unwrap();
    assert_eq!(bot_links.total, 1);
    assert_eq!(bot_links.items[0].title.as_deref(), Some("renamed"));
    let counts = owner.get_invite_link_counts(LOUNGE).await.unwrap();
    assert_eq!(counts.len(), 2);
    assert!(counts.iter().all(|c| c.links == 1 && c.revoked == 0));

    // An admin without invite_users, and a plain member: no links at all.
    let (pat, pat_id) = user(&server, "Pat", "9996621010").await;
    let (lou, _) = user(&server, "Lou", "9996621011").await;
    for c in [&pat, &lou] {
        join(c, &owners.link).await.unwrap();
    }
    // The owner finds Pat among the members, then promotes them.
    let found = owner.get_participants(LOUNGE).search("Pat").await.unwrap();
    assert!(found.items.iter().any(|p| p.user.id == pat_id));
    owner
        .edit_admin(LOUNGE, pat_id, AdminRights::new().pin_messages(true))
        .await
        .unwrap();
    for c in [&pat, &lou] {
        let e = c
            .create_invite_link(LOUNGE, InviteLinkOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
        let e = c.iter_invite_links(LOUNGE).await.unwrap_err();
        assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    }

    // Paging: 129 links of the owner's (one made above, 128 here), newest
    // first, each once.
    for i in 0..128 {
        owner
            .create_invite_link(LOUNGE, InviteLinkOptions::new().title(format!("n{i}")))
            .await
            .unwrap();
    }
    let all = owner.iter_invite_links(LOUNGE).await.unwrap();
    assert_eq!(all.total, 129);
    assert_eq!(all.items.len(), 129);
    let mut links: Vec<&str> = all.items.iter().map(|l| l.link.as_str()).collect();
    links.sort_unstable();
    links.dedup();
    assert_eq!(links.len(), 129, "no link twice across pages");
    assert!(all.items.windows(2).all(|w| w[0].date >= w[1].date));
    let first = owner.iter_invite_links(LOUNGE).limit(5).await.unwrap();
    assert_eq!(first.items.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_requests_are_filed_listed_and_decided() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let owner = owner(&server).await;
    let gate = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new().request_needed(true))
        .await
        .unwrap();
    assert!(gate.request_needed && gate.usage_limit.is_none());
    // The owner listens: each request is announced to those who decide.
    let mut updates = owner.updates();
    updates.catch_up().await.unwrap();
    let mut asked = Vec::new();
    let mut clients = Vec::new();
    let mut streams = Vec::new();
    for (name, phone) in [
        ("Dora", "9996621020"),
        ("Eli", "9996621021"),
        ("Fay", "9996621022"),
    ] {
        let (c, id) = user(&server, name, phone).await;
        // Their update streams start now: they hear when they are let in.
        let mut stream = c.updates();
        stream.catch_up().await.unwrap();
        streams.push(stream);
        let e = join(&c, &gate.link).await.unwrap_err();
        assert!(matches!(e, Error::JoinRequestSent(_)), "{e:?}");
        // Asking twice files one request.
        let e = join(&c, &gate.link).await.unwrap_err();
        assert!(matches!(e, Error::JoinRequestSent(_)), "{e:?}");
        assert_eq!(role(&server, id), None, "not in before approval");
        asked.push(id);
        clients.push(c);
        let pending = next_pending(&mut updates).await;
        assert_eq!(pending.requests_pending, asked.len() as i32);
        assert_eq!(pending.recent_requesters.first(), Some(&id), "newest first");
    }
    // The full chat shows them to those who decide.
    let full = full_channel(&owner).await;
    assert_eq!(full.requests_pending, Some(3));
    assert_eq!(
        full.recent_requesters,
        Some(vec![asked[2], asked[1], asked[0]])
    );
    let link = owner.get_invite_link(LOUNGE, &gate.link).await.unwrap();
    assert_eq!(link.pending_requests, 3);
    let pending = owner.iter_join_requests(LOUNGE).await.unwrap();
    assert_eq!(pending.total, 3);
    assert!(pending.items.iter().all(|r| r.requested));
    let dora = owner
        .iter_join_requests(LOUNGE)
        .search("dor")
        .await
        .unwrap();
    assert_eq!(dora.items.len(), 1);
    assert_eq!(dora.items[0].user_id, asked[0]);

    owner
        .decide_join_request(LOUNGE, asked[0], true)
        .await
        .unwrap();
    owner
        .decide_join_request(LOUNGE, asked[1], false)
        .await
        .unwrap();
    assert_eq!(role(&server, asked[0]), Some(ServerRole::Member));
    assert_eq!(role(&server, asked[1]), None);
    assert_eq!(next_pending(&mut updates).await.requests_pending, 2);
    assert_eq!(next_pending(&mut updates).await.requests_pending, 1);
    // Dora hears she was let in (a service message), and sees herself let
    // in by request.
    let mut told = None;
    for _ in 0..20 {
        let u = tokio::time::timeout(Duration::from_secs(20), streams[0].next())
            .await
            .expect("an update in time")
            .unwrap();
        if let enums::Update::NewChannelMessage(m) = u {
            told = Some(m.message);
            break;
        }
    }
    let told = told.expect("a new message in 20 updates");
    assert!(
        matches!(&told, enums::Message::Service(m)
            if matches!(m.action, enums::MessageAction::ChatJoinedByRequest)),
        "{told:?}"
    );
    let me = self_participant(&clients[0]).await;
    assert!(
        matches!(&me, enums::ChannelParticipant::ChannelParticipantSelf(p) if p.via_request),
        "{me:?}"
    );
    let e = owner
        .decide_join_request(LOUNGE, asked[1], true)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::JoinRequestMissing(_)), "{e:?}");
    // A member without invite_users may not decide.
    let (pat, _) = user(&server, "Pat", "9996621023").await;
    let open = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new())
        .await
        .unwrap();
    join(&pat, &open.link).await.unwrap();
    // (Pat names itself: a member cannot see who asked; the rights are
    // checked first.)
    let e = pat
        .decide_join_request(LOUNGE, "me", true)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    owner
        .decide_all_join_requests(LOUNGE, Some(&gate.link), true)
        .await
        .unwrap();
    assert_eq!(role(&server, asked[2]), Some(ServerRole::Member));
    let used = owner.get_invite_link(LOUNGE, &gate.link).await.unwrap();
    assert_eq!((used.usage, used.pending_requests), (2, 0));
    let log = owner.get_admin_log(LOUNGE).await.unwrap();
    let by_request = log
        .iter()
        .filter(|e| {
            matches!(
                &e.action,
                enums::ChannelAdminLogEventAction::ParticipantJoinByRequest(r)
                    if r.approved_by == server.user().unwrap().id
            )
        })
        .count();
    assert_eq!(by_request, 2);

    // A thousand pending requests, approved in one call.
    let mut many = Vec::new();
    for i in 0..1000 {
        let id = server.create_user("Many", &format!("M{i}"), &format!("99966230{i:03}"));
        server.request_join(&gate.link, id).unwrap();
        many.push(id);
    }
    let pending = owner.iter_join_requests(LOUNGE).limit(1).await.unwrap();
    assert_eq!(pending.total, 1000);
    owner
        .decide_all_join_requests(LOUNGE, None, true)
        .await
        .unwrap();
    assert!(
        many.iter()
            .all(|id| role(&server, *id) == Some(ServerRole::Member))
    );
    assert_eq!(owner.iter_join_requests(LOUNGE).await.unwrap().total, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_public_group_directly_can_need_approval() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let owner = owner(&server).await;
    owner.set_join_requests(LOUNGE, true).await.unwrap();
    let e = owner.set_join_requests(LOUNGE, true).await.unwrap_err();
    assert!(matches!(e, Error::ChatNotModified(_)), "{e:?}");
    let e = owner
        .set_join_requests("@ferrogram_news", true)
        .await
        .unwrap_err();
    assert!(
        e.is("CHANNEL_INVALID"),
        "broadcast channels have no join requests: {e:?}"
    );
    let (gil, gil_id) = user(&server, "Gil", "9996621030").await;
    let joined = gil
        .invoke(&functions::channels::JoinChannel {
            channel: lounge(&gil).await,
        })
        .await
        .map_err(Error::from);
    assert!(
        matches!(joined, Err(Error::JoinRequestSent(_))),
        "{joined:?}"
    );
    assert_eq!(role(&server, gil_id), None);
    let pending = owner.iter_join_requests(LOUNGE).await.unwrap();
    assert_eq!(
        pending.items.iter().map(|r| r.user_id).collect::<Vec<_>>(),
        [gil_id]
    );
    owner
        .decide_join_request(LOUNGE, gil_id, true)
        .await
        .unwrap();
    assert_eq!(role(&server, gil_id), Some(ServerRole::Member));
    let log = owner.get_admin_log(LOUNGE).limit(1).await.unwrap();
    assert!(
        matches!(
            &log[0].action,
            enums::ChannelAdminLogEventAction::ParticipantJoinByRequest(r)
                if matches!(r.invite, enums::ExportedChatInvite::ChatInvitePublicJoinRequests)
        ),
        "{:?}",
        log[0].action
    );
    // Turned off, joining is direct again; an admin without ban_users may
    // not turn it on.
    owner.set_join_requests(LOUNGE, false).await.unwrap();
    let (hal, hal_id) = user(&server, "Hal", "9996621031").await;
    hal.invoke(&functions::channels::JoinChannel {
        channel: lounge(&hal).await,
    })
    .await
    .unwrap();
    assert_eq!(role(&server, hal_id), Some(ServerRole::Member));
    let found = owner.get_participants(LOUNGE).search("Hal").await.unwrap();
    assert!(found.items.iter().any(|p| p.user.id == hal_id));
    owner
        .edit_admin(LOUNGE, hal_id, AdminRights::new().invite_users(true))
        .await
        .unwrap();
    let e = hal.set_join_requests(LOUNGE, true).await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");

    // Layer 230: a guard bot (a bot admin with invite_users; a user is
    // refused), shown to admins only; the links changed with it, except a
    // limited one.
    use ferrogram_chat_mgmt::JoinApproval;
    let plain = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new())
        .await
        .unwrap();
    let limited = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new().usage_limit(3))
        .await
        .unwrap();
    let e = owner
        .set_join_approval(LOUNGE, JoinApproval::on().guard_bot(hal_id))
        .await
        .unwrap_err();
    assert!(e.is("BOT_INVALID"), "a user: {e:?}");
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();
    let e = owner
        .set_join_approval(LOUNGE, JoinApproval::on().guard_bot("@ferrogram_test_bot"))
        .await
        .unwrap_err();
    assert!(e.is("BOT_INVALID"), "a bot that is no guard bot: {e:?}");
    server.set_bot_guard(bot_id, true);
    owner
        .set_join_approval(
            LOUNGE,
            JoinApproval::on()
                .guard_bot("@ferrogram_test_bot")
                .apply_to_invites(true),
        )
        .await
        .unwrap();
    assert_eq!(full_channel(&owner).await.guard_bot_id, Some(bot_id));
    let (ike, _) = user(&server, "Ike", "9996621032").await;
    assert_eq!(full_channel(&ike).await.guard_bot_id, None, "admins only");
    let link = |l: &str| {
        let l = l.to_owned();
        let owner = owner.clone();
        async move { owner.get_invite_link(LOUNGE, &l).await.unwrap() }
    };
    assert!(link(&plain.link).await.request_needed);
    assert!(
        !link(&limited.link).await.request_needed,
        "limited links keep theirs"
    );
    owner
        .set_join_approval(LOUNGE, JoinApproval::off().apply_to_invites(true))
        .await
        .unwrap();
    assert!(!link(&plain.link).await.request_needed);
    assert_eq!(full_channel(&owner).await.guard_bot_id, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chats_are_made_with_their_details_and_members_and_deleted() {
    use ferrogram_chat_mgmt::NewChat;
    use ferrogram_testserver::chats::ChatKind;
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    let (ivy, ivy_id) = user(&server, "Ivy", "9996621040").await;
    // Ivy has no username: the owner names her by phone number.
    let made = owner
        .create_chat(
            NewChat::supergroup("  Rust meetup ")
                .about("Monthly, in Berlin")
                .username("rust_meetup_berlin")
                .member("+9996621040"),
        )
        .await
        .unwrap();
    assert!(made.marked_id < -1_000_000_000_000, "{}", made.marked_id);
    assert!(made.missing.is_empty());
    let info = server.info();
    let chat = info
        .chat("rust_meetup_berlin")
        .expect("made with its username");
    assert_eq!(
        (chat.kind, chat.title.as_str(), chat.members),
        (ChatKind::Supergroup, "Rust meetup", 2)
    );
    assert_eq!(
        server.participant_role("rust_meetup_berlin", ivy_id),
        Some(ServerRole::Member)
    );
    assert_eq!(
        server.participant_role("rust_meetup_berlin", server.user().unwrap().id),
        Some(ServerRole::Creator)
    );
    // The new chat works with every other call at once.
    let admins = owner
        .get_participants(made.peer.clone())
        .filter(ferrogram_chat_mgmt::ParticipantFilter::Admins)
        .await
        .unwrap();
    assert_eq!(admins.total, 1);
    let link = owner
        .create_invite_link(made.peer.clone(), InviteLinkOptions::new())
        .await
        .unwrap();
    assert!(link.link.starts_with("https://t.me/+"));

    // A taken username makes nothing.
    let before = server.info().chats.len();
    let e = owner
        .create_chat(NewChat::channel("Copy").username("rust_meetup_berlin"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UsernameUnavailable(_)), "{e:?}");
    assert_eq!(server.info().chats.len(), before, "nothing made");
    for bad in [
        NewChat::supergroup("   "),
        NewChat::channel("News").about("x".repeat(256)),
    ] {
        let e = owner.create_chat(bad).await.unwrap_err();
        assert!(matches!(e, Error::ChatDetailsInvalid(_)), "{e:?}");
    }
    let e = owner
        .create_chat(NewChat::basic_group("Team").username("team_x"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotPossibleHere(_)), "{e:?}");

    // A channel, a forum and a basic group with a member.
    let news = owner
        .create_chat(NewChat::channel("Meetup news").username("meetup_news"))
        .await
        .unwrap();
    assert_eq!(
        server.info().chat("meetup_news").unwrap().kind,
        ChatKind::Channel
    );
    let forum = owner
        .create_chat(NewChat::forum("Meetup topics"))
        .await
        .unwrap();
    let group = owner
        .create_chat(
            NewChat::basic_group("Organisers")
                .about("who does what")
                .member(ivy_id),
        )
        .await
        .unwrap();
    assert!(group.marked_id < 0 && group.marked_id > -1_000_000_000_000);
    let members = owner.get_participants(group.peer.clone()).await.unwrap();
    assert_eq!(members.total, 2);
    let topics = owner
        .invoke(&functions::messages::GetForumTopics {
            limit: 10,
            ..functions::messages::GetForumTopics::new(forum.peer.clone())
        })
        .await;
    assert!(topics.is_ok(), "a forum serves topics: {topics:?}");

    // Bots make no chats; only the creator deletes one.
    let bot = bot(&server).await;
    let e = bot
        .create_chat(NewChat::supergroup("Bots' club"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BotMethodInvalid(_)), "{e:?}");
    let e = ivy.delete_chat("@rust_meetup_berlin").await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    owner.delete_chat(news.peer.clone()).await.unwrap();
    assert!(server.info().chat("meetup_news").is_none(), "gone");
    let e = owner.get_participants(news.peer).await.unwrap_err();
    assert!(e.is("CHANNEL_INVALID"), "{e:?}");
    // Its username is free again.
    owner
        .create_chat(NewChat::channel("Meetup news, again").username("meetup_news"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_tags_follow_the_rights() {
    use ferrogram_chat_mgmt::{BannedRights, NewChat};
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    let (kim, kim_id) = user(&server, "Kim", "9996621050").await;
    let (lee, lee_id) = user(&server, "Lee", "9996621051").await;
    let made = owner
        .create_chat(
            NewChat::supergroup("Tagged")
                .username("tagged_group")
                .member("+9996621050")
                .member("+9996621051"),
        )
        .await
        .unwrap();
    let chat = made.peer.clone();
    // A member tags itself; another member may not tag it.
    kim.set_rank("@tagged_group", "me", "Student")
        .await
        .unwrap();
    // Lee sees the members (and so can name Kim and the owner).
    lee.get_participants("@tagged_group").await.unwrap();
    let e = lee
        .set_rank("@tagged_group", kim_id, "Teacher")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    let e = kim
        .set_rank("@tagged_group", "me", "seventeen chars!!")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::AdminRankInvalid(_)), "{e:?}");
    // The creator tags anyone; an admin needs manage_ranks.
    owner.set_rank(chat.clone(), lee_id, "Guest").await.unwrap();
    owner
        .edit_admin(chat.clone(), lee_id, AdminRights::new().pin_messages(true))
        .await
        .unwrap();
    let e = lee
        .set_rank("@tagged_group", kim_id, "Teacher")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    owner
        .edit_admin(
            chat.clone(),
            lee_id,
            AdminRights::new()
                .pin_messages(true)
                .manage_ranks(true)
                .title("Guest"),
        )
        .await
        .unwrap();
    lee.set_rank("@tagged_group", kim_id, "Teacher")
        .await
        .unwrap();
    let e = lee
        .set_rank("@tagged_group", server.user().unwrap().id, "Boss")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UserAdminInvalid(_)), "{e:?}");
    // Listings show every tag.
    let all = owner.get_participants(chat.clone()).await.unwrap();
    let tag = |id: i64| {
        all.items
            .iter()
            .find(|p| p.user.id == id)
            .and_then(|p| p.rank.clone())
    };
    assert_eq!(tag(kim_id).as_deref(), Some("Teacher"));
    assert_eq!(tag(lee_id).as_deref(), Some("Guest"));
    // The chat's defaults can forbid editing one's own tag.
    owner
        .edit_default_permissions(chat.clone(), BannedRights::new().edit_rank(false))
        .await
        .unwrap();
    let e = kim.set_rank("@tagged_group", "me", "").await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    // Logged.
    let log = owner.get_admin_log(chat.clone()).await.unwrap();
    let edits: Vec<(i64, String, String)> = log
        .iter()
        .filter_map(|e| match &e.action {
            enums::ChannelAdminLogEventAction::ParticipantEditRank(r) => {
                Some((r.user_id, r.prev_rank.to_string(), r.new_rank.to_string()))
            }
            _ => None,
        })
        .collect();
    assert!(
        edits.contains(&(kim_id, "Student".into(), "Teacher".into())),
        "{edits:?}"
    );
    // Filed under edit_rank (TDLib's member_tag_changes), and only there.
    let tagged = owner
        .get_admin_log(chat.clone())
        .filter(ferrogram_chat_mgmt::AdminLogFilter::new().edit_rank(true))
        .await
        .unwrap();
    assert_eq!(tagged.len(), edits.len());

    // Basic groups: edit_admin's title is the admin's tag (layer 223).
    let group = owner
        .create_chat(NewChat::basic_group("Tagged team").member(kim_id))
        .await
        .unwrap();
    owner
        .edit_admin(
            group.peer.clone(),
            kim_id,
            AdminRights::new().pin_messages(true).title("Secretary"),
        )
        .await
        .unwrap();
    let members = owner.get_participants(group.peer.clone()).await.unwrap();
    let kim_there = members.items.iter().find(|p| p.user.id == kim_id).unwrap();
    assert_eq!(kim_there.rank.as_deref(), Some("Secretary"));
    assert!(matches!(
        kim_there.role,
        ferrogram_chat_mgmt::Role::Admin { .. }
    ));
    drop((kim, lee));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ownership_moves_with_the_password_once_old_enough() {
    use ferrogram_chat_mgmt::NewChat;
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    let ada = server.user().unwrap().clone();
    let (heir, heir_id) = user(&server, "Heir", "9996621060").await;
    let (_, outsider_id) = user(&server, "Out", "9996621061").await;
    owner
        .create_chat(
            NewChat::supergroup("Heirloom")
                .username("heirloom")
                .member("+9996621060"),
        )
        .await
        .unwrap();
    // A session signed in moments ago may not give a chat away yet.
    let e = owner
        .transfer_ownership("@heirloom", heir_id, &ada.password)
        .await
        .unwrap_err();
    let Error::TooFresh { seconds, error } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(error.name, "SESSION_TOO_FRESH");
    assert!((86_000..=86_400).contains(seconds), "{seconds}");
    server.clock().advance(Duration::from_secs(86_401));
    let e = owner
        .transfer_ownership("@heirloom", heir_id, "not the password")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::PasswordInvalid(_)), "{e:?}");
    let e = owner
        .transfer_ownership("@heirloom", "+9996621061", &ada.password)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UserNotParticipant(_)), "{e:?}");
    assert_eq!(server.participant_role("heirloom", outsider_id), None);
    // A plain member is no creator: refused before any password.
    let e = heir
        .transfer_ownership("@heirloom", "me", "whatever")
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::ChatAdminRequired(_) | Error::PasswordMissing(_)),
        "{e:?}"
    );
    owner
        .transfer_ownership("@heirloom", heir_id, &ada.password)
        .await
        .unwrap();
    assert_eq!(
        server.participant_role("heirloom", heir_id),
        Some(ServerRole::Creator)
    );
    assert_eq!(
        server.participant_role("heirloom", ada.id),
        Some(ServerRole::Admin)
    );
    // The heir has no 2FA password: it cannot hand the chat on. (It knows
    // Ada from the member list.)
    heir.get_participants("@heirloom").await.unwrap();
    let e = heir
        .transfer_ownership("@heirloom", ada.id, "")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::PasswordMissing(_)), "{e:?}");
    // A password set today is too fresh, however old the session.
    server.set_password(heir_id, "heir's secret");
    let e = heir
        .transfer_ownership("@heirloom", ada.id, "heir's secret")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::TooFresh { error, .. } if error.name == "PASSWORD_TOO_FRESH"),
        "{e:?}"
    );
    server.clock().advance(Duration::from_secs(86_401));
    heir.transfer_ownership("@heirloom", ada.id, "heir's secret")
        .await
        .unwrap();
    assert_eq!(
        server.participant_role("heirloom", ada.id),
        Some(ServerRole::Creator)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_are_added_with_an_outcome_each() {
    use ferrogram_chat_mgmt::{AddOutcome, BannedRights, NewChat};
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    let mut ids = Vec::new();
    for (name, phone) in [
        ("Abe", "9996621070"),
        ("Bo", "9996621071"),
        ("Cy", "9996621072"),
    ] {
        ids.push(server.create_user(name, "Added", phone));
    }
    owner
        .create_chat(
            NewChat::supergroup("Adders")
                .username("adders")
                .member("+9996621072"),
        )
        .await
        .unwrap();
    // Cy is banned: a call that includes Cy is refused whole (USER_KICKED),
    // and nobody of it is added.
    owner
        .edit_permissions(
            "@adders",
            "+9996621072",
            BannedRights::new().view_messages(false),
        )
        .await
        .unwrap();
    let outcomes = owner
        .add_members(
            "@adders",
            [
                "+9996621070",
                "+9996621072",
                "@nobody_here_x",
                "+9996621071",
            ],
        )
        .await
        .unwrap();
    let names: Vec<String> = outcomes
        .iter()
        .map(|(u, o)| {
            format!(
                "{u:?} {}",
                match o {
                    AddOutcome::Added => "added".to_owned(),
                    AddOutcome::Failed(e) => format!("failed {e}"),
                    other => format!("{other:?}"),
                }
            )
        })
        .collect();
    assert_eq!(outcomes.len(), 4, "{names:?}");
    let outcome_of = |phone: &str| {
        outcomes
            .iter()
            .find(|(u, _)| format!("{u:?}").contains(phone))
            .map(|(_, o)| o)
            .unwrap()
    };
    assert!(
        matches!(outcome_of("9996621070"), AddOutcome::Added),
        "{names:?}"
    );
    assert!(
        matches!(outcome_of("9996621071"), AddOutcome::Added),
        "{names:?}"
    );
    assert!(
        matches!(outcome_of("9996621072"), AddOutcome::Failed(e) if e.is("USER_KICKED")),
        "{names:?}"
    );
    assert!(
        matches!(outcome_of("nobody_here_x"), AddOutcome::Failed(_)),
        "{names:?}"
    );
    assert_eq!(
        server.participant_role("adders", ids[0]),
        Some(ServerRole::Member)
    );
    assert_eq!(
        server.participant_role("adders", ids[1]),
        Some(ServerRole::Member)
    );
    assert_eq!(
        server.participant_role("adders", ids[2]),
        Some(ServerRole::Banned)
    );

    // The server refuses the whole call for one user: nobody of it joins.
    let eve = server.create_user("Eve", "Added", "9996621073");
    let input = |u: enums::InputPeer| match u {
        enums::InputPeer::User(u) => enums::InputUser::from(types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        }),
        other => panic!("{other:?}"),
    };
    let users = vec![
        input(owner.get_input_entity("+9996621073").await.unwrap()),
        input(owner.get_input_entity("+9996621072").await.unwrap()),
    ];
    let e = owner
        .invoke(&functions::channels::InviteToChannel {
            channel: lounge_of(&owner, "@adders").await,
            users,
        })
        .await
        .unwrap_err();
    assert!(e.is("USER_KICKED"), "{e:?}");
    assert_eq!(server.participant_role("adders", eve), None, "not added");
    let group = owner
        .create_chat(NewChat::basic_group("Adders team"))
        .await
        .unwrap();
    let outcomes = owner
        .add_members(group.peer.clone(), [ids[0], ids[1]])
        .await
        .unwrap();
    assert!(outcomes.iter().all(|(_, o)| matches!(o, AddOutcome::Added)));
    let members = owner.get_participants(group.peer).await.unwrap();
    assert_eq!(members.total, 3);
}
