//! Worlds from fixtures and the builder: chats in every role, forums and their
//! topics, username and description edits with their admin-log events, and the
//! 100,000-member fixture.

mod common;

use std::path::Path;

use common::*;
use ferrogram_testserver::chats::ChatKind;
use ferrogram_testserver::spec::{ChatSpec, MemberRole, UnknownRight};
use ferrogram_testserver::{Role, TestServer};
use ferrogram_tl_types::service::RpcError;
use ferrogram_tl_types::{enums, functions, types};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

async fn sign_in(server: &TestServer, phone: &str, seed: u64) -> Client {
    let mut c = Client::connect(server, 2, INTERMEDIATE, seed).await;
    let enums::auth::SentCode::SentCode(sent) = c
        .invoke(&functions::auth::SendCode {
            phone_number: phone.into(),
            api_id: 1,
            api_hash: "x".into(),
            settings: enums::CodeSettings::from(types::CodeSettings::default()),
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    c.invoke(&functions::auth::SignIn {
        phone_number: phone.into(),
        phone_code_hash: sent.phone_code_hash,
        phone_code: Some(phone[phone.len() - 5..].into()),
        email_verification: None,
    })
    .await
    .unwrap();
    c
}

async fn resolve(
    c: &mut Client,
    username: &str,
) -> Result<(enums::InputChannel, types::Channel), RpcError> {
    let enums::contacts::ResolvedPeer::ResolvedPeer(r) = c
        .invoke(&functions::contacts::ResolveUsername {
            username: username.into(),
            referer: None,
        })
        .await?;
    let enums::Chat::Channel(ch) = r.chats[0].clone() else {
        panic!("a channel")
    };
    Ok((
        enums::InputChannel::from(types::InputChannel {
            channel_id: ch.id,
            access_hash: ch.access_hash.unwrap(),
        }),
        *ch,
    ))
}

/// The common pts of the signed-in account.
async fn pts_now(c: &mut Client) -> i32 {
    let enums::updates::State::State(s) = c.invoke(&functions::updates::GetState {}).await.unwrap();
    s.pts
}

/// The error name a request is refused with.
async fn fails<R: ferrogram_tl_types::RemoteCall>(c: &mut Client, request: &R) -> String {
    c.invoke(request).await.err().expect("refused").name
}

fn as_peer(c: &enums::InputChannel) -> enums::InputPeer {
    let enums::InputChannel::InputChannel(c) = c else {
        panic!()
    };
    enums::InputPeer::from(types::InputPeerChannel {
        channel_id: c.channel_id,
        access_hash: c.access_hash,
    })
}

async fn participants(
    c: &mut Client,
    ch: &enums::InputChannel,
    filter: enums::ChannelParticipantsFilter,
) -> types::channels::ChannelParticipants {
    match c
        .invoke(&functions::channels::GetParticipants {
            channel: ch.clone(),
            filter,
            offset: 0,
            limit: 200,
            hash: 0,
        })
        .await
        .unwrap()
    {
        enums::channels::ChannelParticipants::ChannelParticipants(p) => *p,
        _ => panic!("not modified"),
    }
}

async fn admin_log(
    c: &mut Client,
    ch: &enums::InputChannel,
    filter: types::ChannelAdminLogEventsFilter,
) -> Vec<enums::ChannelAdminLogEventAction> {
    let enums::channels::AdminLogResults::AdminLogResults(r) = c
        .invoke(&functions::channels::GetAdminLog {
            channel: ch.clone(),
            q: Default::default(),
            events_filter: Some(enums::ChannelAdminLogEventsFilter::from(filter)),
            admins: None,
            max_id: 0,
            min_id: 0,
            limit: 100,
        })
        .await
        .unwrap();
    r.events
        .into_iter()
        .map(|e| {
            let enums::ChannelAdminLogEvent::ChannelAdminLogEvent(e) = e;
            e.action
        })
        .collect()
}

fn topics_of(t: enums::messages::ForumTopics) -> Vec<(i32, String, bool)> {
    let enums::messages::ForumTopics::ForumTopics(t) = t;
    t.topics
        .into_iter()
        .map(|t| match t {
            enums::ForumTopic::ForumTopic(t) => (t.id, t.title.into(), t.closed),
            enums::ForumTopic::Deleted(d) => (d.id, String::new(), false),
        })
        .collect()
}

fn get_topics(peer: &enums::InputPeer, q: Option<&str>) -> functions::messages::GetForumTopics {
    functions::messages::GetForumTopics {
        peer: peer.clone(),
        q: q.map(Into::into),
        offset_date: 0,
        offset_id: 0,
        offset_topic: 0,
        limit: 50,
    }
}

#[tokio::test]
async fn a_fixture_world_with_roles_forums_and_edits() {
    let server = TestServer::builder()
        .fixture(&fixture("moderators.json"))
        .unwrap()
        .start()
        .await
        .unwrap();
    let mut grace = sign_in(&server, "15550107001", 1).await;
    let mut linus = sign_in(&server, "15550107002", 2).await;

    // Roles as the fixture says.
    let (mods, ch) = resolve(&mut grace, "rust_mods").await.unwrap();
    assert!(ch.megagroup && !ch.forum && ch.creator);
    let recent = participants(
        &mut grace,
        &mods,
        enums::ChannelParticipantsFilter::ChannelParticipantsRecent,
    )
    .await;
    // grace + linus + the restricted bot + 600 synthetic (mallory banned, bob left).
    assert_eq!(recent.count, 603);
    let admins = participants(
        &mut grace,
        &mods,
        enums::ChannelParticipantsFilter::ChannelParticipantsAdmins,
    )
    .await;
    assert_eq!(admins.count, 2);
    assert!(admins.participants.iter().any(|p| matches!(
        p,
        enums::ChannelParticipant::Admin(a)
            if a.rank.as_deref() == Some("Mod") && {
                let enums::ChatAdminRights::ChatAdminRights(r) = &a.admin_rights;
                r.ban_users && r.delete_messages && !r.add_admins
            }
    )));
    let kicked = participants(
        &mut grace,
        &mods,
        enums::ChannelParticipantsFilter::ChannelParticipantsKicked(
            types::ChannelParticipantsKicked {
                q: Default::default(),
            },
        ),
    )
    .await;
    assert_eq!(kicked.count, 1);
    let restricted = participants(
        &mut grace,
        &mods,
        enums::ChannelParticipantsFilter::ChannelParticipantsBanned(
            types::ChannelParticipantsBanned {
                q: Default::default(),
            },
        ),
    )
    .await;
    assert!(restricted.participants.iter().any(|p| matches!(
        p,
        enums::ChannelParticipant::Banned(b) if {
            let enums::ChatBannedRights::ChatBannedRights(r) = &b.banned_rights;
            r.send_media && r.embed_links && !r.view_messages && r.until_date == 0
        }
    )));
    let enums::messages::ChatFull::ChatFull(full) = grace
        .invoke(&functions::channels::GetFullChannel {
            channel: mods.clone(),
        })
        .await
        .unwrap();
    let enums::ChatFull::ChannelFull(full_chat) = full.full_chat else {
        panic!()
    };
    assert_eq!(full_chat.about, "Where moderators meet");
    let enums::Chat::Channel(c) = &full.chats[0] else {
        panic!()
    };
    let enums::ChatBannedRights::ChatBannedRights(d) = c.default_banned_rights.clone().unwrap();
    assert!(d.send_polls && !d.send_messages);
    // The fixture's promotions and restrictions are in the admin log.
    let log = admin_log(
        &mut grace,
        &mods,
        types::ChannelAdminLogEventsFilter {
            promote: true,
            ban: true,
            kick: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(log.len(), 3, "{log:?}");

    // A forum and its topics.
    let (desk, ch) = resolve(&mut grace, "help_desk").await.unwrap();
    assert!(ch.forum && ch.megagroup);
    let desk_peer = as_peer(&desk);
    let topics = topics_of(grace.invoke(&get_topics(&desk_peer, None)).await.unwrap());
    assert_eq!(
        topics.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
        ["Bugs", "General"]
    );
    // A member creates one; it is theirs to edit.
    let (desk_for_linus, _) = resolve(&mut linus, "help_desk").await.unwrap();
    let linus_peer = as_peer(&desk_for_linus);
    linus
        .invoke(&functions::messages::CreateForumTopic {
            title_missing: false,
            peer: linus_peer.clone(),
            title: "Release planning".into(),
            icon_color: None,
            icon_emoji_id: None,
            random_id: 7,
            send_as: None,
        })
        .await
        .unwrap();
    let topics = topics_of(
        linus
            .invoke(&get_topics(&linus_peer, Some("release")))
            .await
            .unwrap(),
    );
    assert_eq!(topics.len(), 1);
    let release = topics[0].0;
    let edit = |peer: &enums::InputPeer, topic: i32, title: Option<&str>, closed: Option<bool>| {
        functions::messages::EditForumTopic {
            peer: peer.clone(),
            topic_id: topic,
            title: title.map(Into::into),
            icon_emoji_id: None,
            closed,
            hidden: None,
        }
    };
    linus
        .invoke(&edit(&linus_peer, release, None, Some(true)))
        .await
        .unwrap();
    let e = linus
        .invoke(&edit(&linus_peer, release, None, Some(true)))
        .await
        .unwrap_err();
    assert_eq!(e.name, "TOPIC_NOT_MODIFIED");
    // Someone else's topic needs manage_topics.
    let e = linus
        .invoke(&edit(
            &linus_peer,
            topics_of(
                grace
                    .invoke(&get_topics(&desk_peer, Some("bugs")))
                    .await
                    .unwrap(),
            )[0]
            .0,
            Some("All bugs"),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.name, "CHAT_ADMIN_REQUIRED");
    let e = linus
        .invoke(&edit(&linus_peer, 9999, Some("x"), None))
        .await
        .unwrap_err();
    assert_eq!(e.name, "TOPIC_ID_INVALID");
    let topics = topics_of(grace.invoke(&get_topics(&desk_peer, None)).await.unwrap());
    assert_eq!(topics.len(), 3);
    assert!(topics.iter().any(|t| t.1 == "Release planning" && t.2));
    // Topic events are the forums class of the admin log.
    let log = admin_log(
        &mut grace,
        &desk,
        types::ChannelAdminLogEventsFilter {
            forums: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        log.iter()
            .filter(|a| matches!(a, enums::ChannelAdminLogEventAction::CreateTopic(_)))
            .count(),
        3
    );
    assert!(log.iter().any(|a| matches!(
        a,
        enums::ChannelAdminLogEventAction::EditTopic(e)
            if matches!((&e.prev_topic, &e.new_topic), (enums::ForumTopic::ForumTopic(a), enums::ForumTopic::ForumTopic(b)) if !a.closed && b.closed)
    )));
    // Not a forum / not a member.
    let e = grace
        .invoke(&get_topics(&as_peer(&mods), None))
        .await
        .unwrap_err();
    assert_eq!(e.name, "CHANNEL_FORUM_MISSING");
    // Turning the supergroup into a forum is the owner's, and logged.
    let toggle = |ch: &enums::InputChannel| functions::channels::ToggleForum {
        channel: ch.clone(),
        enabled: true,
        tabs: false,
    };
    let (mods_for_linus, _) = resolve(&mut linus, "rust_mods").await.unwrap();
    assert_eq!(
        fails(&mut linus, &toggle(&mods_for_linus)).await,
        "CHAT_ADMIN_REQUIRED"
    );
    grace.invoke(&toggle(&mods)).await.unwrap();
    assert_eq!(fails(&mut grace, &toggle(&mods)).await, "CHAT_NOT_MODIFIED");
    assert!(resolve(&mut grace, "rust_mods").await.unwrap().1.forum);

    // Username edits: the owner's, checked, and in the admin log.
    let rename = |ch: &enums::InputChannel, name: &str| functions::channels::UpdateUsername {
        channel: ch.clone(),
        username: name.into(),
    };
    assert_eq!(
        fails(&mut linus, &rename(&mods_for_linus, "rust_moderators")).await,
        "CHAT_ADMIN_REQUIRED"
    );
    assert_eq!(
        fails(&mut grace, &rename(&mods, "ab")).await,
        "USERNAME_INVALID"
    );
    assert_eq!(
        fails(&mut grace, &rename(&mods, "help_desk")).await,
        "USERNAME_OCCUPIED"
    );
    assert_eq!(
        fails(&mut grace, &rename(&mods, "grace")).await,
        "USERNAME_OCCUPIED"
    );
    assert_eq!(
        fails(&mut grace, &rename(&mods, "rust_mods")).await,
        "USERNAME_NOT_MODIFIED"
    );
    assert!(
        !grace
            .invoke(&functions::channels::CheckUsername {
                channel: mods.clone(),
                username: "help_desk".into()
            })
            .await
            .unwrap()
    );
    assert!(
        grace
            .invoke(&rename(&mods, "rust_moderators"))
            .await
            .unwrap()
    );
    assert_eq!(
        resolve(&mut grace, "rust_mods").await.unwrap_err().name,
        "USERNAME_NOT_OCCUPIED"
    );
    let (again, _) = resolve(&mut grace, "rust_moderators").await.unwrap();
    assert_eq!(again, mods);
    // And the description.
    let about = |ch: &enums::InputChannel, text: &str| functions::messages::EditChatAbout {
        peer: as_peer(ch),
        about: text.into(),
    };
    assert!(
        grace
            .invoke(&about(&mods, "Moderators of Rust chats"))
            .await
            .unwrap()
    );
    assert_eq!(
        fails(&mut grace, &about(&mods, "Moderators of Rust chats")).await,
        "CHAT_ABOUT_NOT_MODIFIED"
    );
    assert_eq!(
        fails(&mut linus, &about(&mods_for_linus, "mine now")).await,
        "CHAT_ADMIN_REQUIRED"
    );
    let log = admin_log(
        &mut grace,
        &mods,
        types::ChannelAdminLogEventsFilter {
            info: true,
            ..Default::default()
        },
    )
    .await;
    assert!(log.iter().any(|a| matches!(
        a,
        enums::ChannelAdminLogEventAction::ChangeUsername(c)
            if c.prev_value == "rust_mods" && c.new_value == "rust_moderators"
    )));
    assert!(log.iter().any(|a| matches!(
        a,
        enums::ChannelAdminLogEventAction::ChangeAbout(c)
            if c.prev_value == "Where moderators meet" && c.new_value == "Moderators of Rust chats"
    )));

    // Invite links need invite_users; a banned member cannot use one.
    let export = |ch: &enums::InputChannel| functions::messages::ExportChatInvite {
        legacy_revoke_permanent: false,
        request_needed: false,
        peer: as_peer(ch),
        expire_date: None,
        usage_limit: None,
        title: None,
        subscription_pricing: None,
    };
    assert_eq!(
        fails(&mut linus, &export(&mods_for_linus)).await,
        "CHAT_ADMIN_REQUIRED"
    );
    let enums::ExportedChatInvite::ChatInviteExported(link) =
        grace.invoke(&export(&mods)).await.unwrap()
    else {
        panic!()
    };
    let hash = link.link.rsplit('+').next().unwrap().to_owned();
    let mut mallory = sign_in(&server, "15550107003", 5).await;
    assert_eq!(
        fails(
            &mut mallory,
            &functions::messages::ImportChatInvite {
                hash: hash.clone().into()
            }
        )
        .await,
        "USER_BANNED_IN_CHANNEL"
    );
    assert_eq!(
        fails(
            &mut linus,
            &functions::messages::ImportChatInvite {
                hash: hash.clone().into()
            }
        )
        .await,
        "USER_ALREADY_PARTICIPANT"
    );
    assert_eq!(
        fails(
            &mut linus,
            &functions::messages::CheckChatInvite {
                hash: "nope".into()
            }
        )
        .await,
        "INVITE_HASH_INVALID"
    );
    // Bob left; the link brings him back, and the admin log says how.
    let mut bob = sign_in(&server, "15550107004", 6).await;
    let enums::ChatInvite::ChatInvite(preview) = bob
        .invoke(&functions::messages::CheckChatInvite {
            hash: hash.clone().into(),
        })
        .await
        .unwrap()
    else {
        panic!("bob is not a member any more")
    };
    assert!(preview.megagroup && preview.public && preview.participants_count > 600);
    bob.invoke(&functions::messages::ImportChatInvite { hash: hash.into() })
        .await
        .unwrap();
    let log = admin_log(
        &mut grace,
        &mods,
        types::ChannelAdminLogEventsFilter {
            join: true,
            ..Default::default()
        },
    )
    .await;
    assert!(log.iter().any(|a| matches!(
        a,
        enums::ChannelAdminLogEventAction::ParticipantJoinByInvite(j)
            if matches!(&j.invite, enums::ExportedChatInvite::ChatInviteExported(e) if e.link == link.link)
    )));

    // messages.search models only the chat-photos filter and says so.
    let e = grace
        .invoke(&functions::messages::Search {
            peer: as_peer(&mods),
            q: "hello".into(),
            from_id: None,
            saved_peer_id: None,
            saved_reaction: None,
            top_msg_id: None,
            filter: enums::MessagesFilter::InputMessagesFilterPhotos,
            min_date: 0,
            max_date: 0,
            offset_id: 0,
            add_offset: 0,
            limit: 10,
            max_id: 0,
            min_id: 0,
            hash: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(e.name, "FILTER_NOT_SUPPORTED");

    // The channel's posts and the basic group.
    let (news, _) = resolve(&mut grace, "mod_news").await.unwrap();
    let enums::messages::Messages::ChannelMessages(h) = grace
        .invoke(&functions::messages::GetHistory {
            peer: as_peer(&news),
            offset_id: 0,
            offset_date: 0,
            add_offset: 0,
            limit: 10,
            max_id: 0,
            min_id: 0,
            hash: 0,
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(h.count, 5);
    assert!(
        server
            .info()
            .chats
            .iter()
            .any(|c| c.title == "Mods Lounge" && c.kind == ChatKind::Group)
    );
}

#[tokio::test]
async fn fixture_and_builder_errors_name_the_problem() {
    // From Rust, an unknown right is an error naming it, not a panic.
    let unknown = |r: Result<_, UnknownRight>| r.err().map(|e| e.to_string());
    assert_eq!(
        unknown(MemberRole::admin(&["ban_users", "fly"], None)),
        Some(r#"unknown right "fly""#.to_owned())
    );
    assert_eq!(
        unknown(MemberRole::restricted(&["send_media", "swim"], 0)),
        Some(r#"unknown right "swim""#.to_owned())
    );
    assert_eq!(
        ChatSpec::new(ChatKind::Group, "x")
            .default_banned(&["walk"])
            .err()
            .map(|e| e.to_string()),
        Some(r#"unknown right "walk""#.to_owned())
    );
    assert!(MemberRole::restricted(&["send_media"], 0).is_ok());
    let bad = |json: &str| {
        TestServer::builder()
            .fixture_json(json)
            .err()
            .map(|e| e.to_string())
    };
    let e = bad(r#"{"chats": [{"type": "supergroup", "title": "x", "members": [{"user": "a", "role": "admin", "rights": ["fly"]}]}]}"#).unwrap();
    assert!(
        e.contains("chats[0].members[0].rights") && e.contains("fly"),
        "{e}"
    );
    let e = bad(r#"{"chats": [{"type": "supergroup", "title": "x", "topics": ["a"]}]}"#).unwrap();
    assert!(
        e.contains("chats[0].topics") && e.contains("only a forum"),
        "{e}"
    );
    let e = bad(r#"{"chats": [{"type": "megachannel", "title": "x"}]}"#).unwrap();
    assert!(e.contains("chats[0].type"), "{e}");
    let e = bad(r#"{"chats": [{"title": "x", "colour": 1}]}"#).unwrap();
    assert!(e.contains("colour"), "{e}");
    // Sizes a fixture may not ask for fail at start, naming the key.
    let e = TestServer::builder()
        .fixture_json(r#"{"chats": [{"type": "channel", "title": "x", "posts": 100000000}]}"#)
        .unwrap()
        .start()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("chats[0]") && e.contains("posts"), "{e}");
    let e = TestServer::builder()
        .chat(ChatSpec::new(ChatKind::Supergroup, "Huge").synthetic_members(50_000_000))
        .start()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("synthetic_members"), "{e}");
    // Names that only the world can check fail at start.
    let e = TestServer::builder()
        .fixture_json(r#"{"chats": [{"type": "group", "title": "x", "creator": "nobody_here"}]}"#)
        .unwrap()
        .start()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("chats[0]") && e.contains("nobody_here"), "{e}");
    let e = TestServer::builder()
        .chat(ChatSpec::new(ChatKind::Group, "Small").member("ada_admin", MemberRole::Banned))
        .start()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("basic group"), "{e}");
    let e = TestServer::builder()
        .chat(ChatSpec::new(ChatKind::Channel, "Dup").username("ferrogram_lounge"))
        .start()
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("taken"), "{e}");
}

#[tokio::test]
async fn a_builder_chat_and_the_hundred_thousand_fixture() {
    // From Rust: a channel created by the default user with the bot as admin.
    let server = TestServer::builder()
        .members(10)
        .chat(
            ChatSpec::new(ChatKind::Channel, "Builder News")
                .username("builder_news")
                .member(
                    "ferrogram_test_bot",
                    MemberRole::admin(&["post_messages"], None).unwrap(),
                )
                .synthetic_members(40)
                .posts(3),
        )
        .fixture(&fixture("big_supergroup.json"))
        .unwrap()
        .start()
        .await
        .unwrap();
    let mut grace = sign_in(&server, "15550107001", 3).await;
    let (_, ch) = resolve(&mut grace, "builder_news").await.unwrap();
    assert!(ch.broadcast && !ch.creator);
    assert_eq!(
        server.participant_role("builder_news", server.user().unwrap().id),
        Some(Role::Creator)
    );
    let bot = server.user_id_by_username("ferrogram_test_bot").unwrap();
    assert_eq!(
        server.participant_role("builder_news", bot),
        Some(Role::Admin)
    );
    // The big fixture: 100,000 synthetic members plus the creator, all counted,
    // with varied names (a search for a common first name is capped while the
    // count says how many there are).
    let (big, _) = resolve(&mut grace, "hundred_thousand").await.unwrap();
    let enums::messages::ChatFull::ChatFull(full) = grace
        .invoke(&functions::channels::GetFullChannel {
            channel: big.clone(),
        })
        .await
        .unwrap();
    let enums::ChatFull::ChannelFull(f) = full.full_chat else {
        panic!()
    };
    assert_eq!(f.participants_count, Some(100_001));
    let page = participants(
        &mut grace,
        &big,
        enums::ChannelParticipantsFilter::ChannelParticipantsRecent,
    )
    .await;
    assert_eq!(page.count, 100_001);
    let mut names = std::collections::HashSet::new();
    for u in &page.users {
        if let enums::User::User(u) = u {
            names.insert((u.first_name.clone(), u.last_name.clone()));
        }
    }
    assert!(
        names.len() > 150,
        "200 members share only {} names",
        names.len()
    );
}

#[tokio::test]
async fn a_basic_group_message_takes_one_pts_of_the_sender_even_when_resent() {
    let server = TestServer::builder()
        .empty_world()
        .fixture(&fixture("moderators.json"))
        .unwrap()
        .start()
        .await
        .unwrap();
    let info = server.info();
    let group = info
        .chats
        .iter()
        .find(|c| c.title == "Mods Lounge")
        .unwrap()
        .id;
    let mut grace = sign_in(&server, "15550107001", 4).await;
    let before = pts_now(&mut grace).await;
    let send = |random_id: i64, text: &str| functions::messages::SendMessage {
        no_webpage: false,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer: enums::InputPeer::from(types::InputPeerChat { chat_id: group }),
        reply_to: None,
        message: text.into(),
        random_id,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
        rich_message: None,
    };
    let pts_of = |u: enums::Updates| match u {
        enums::Updates::Updates(u) => u
            .updates
            .iter()
            .find_map(|x| match x {
                enums::Update::NewMessage(m) => Some((m.pts, m.pts_count)),
                _ => None,
            })
            .unwrap(),
        other => panic!("{other:?}"),
    };
    let first = pts_of(grace.invoke(&send(11, "one")).await.unwrap());
    assert_eq!(first, (before + 1, 1));
    // The same send again (a new request, as after a reconnect): same message, same pts.
    assert_eq!(pts_of(grace.invoke(&send(11, "one")).await.unwrap()), first);
    assert_eq!(
        pts_of(grace.invoke(&send(12, "two")).await.unwrap()),
        (before + 2, 1)
    );
    assert_eq!(pts_now(&mut grace).await, before + 2);
}

#[tokio::test]
async fn the_default_chats_have_photos_and_users_have_full_profiles() {
    let server = TestServer::builder().members(30).start().await.unwrap();
    let mut bot = Client::connect(&server, 2, INTERMEDIATE, 7).await;
    bot.invoke(&functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: 1,
        api_hash: "x".into(),
        bot_auth_token: server.bot_token().unwrap().into(),
    })
    .await
    .unwrap();
    for name in ["ferrogram_lounge", "ferrogram_news"] {
        let (ch, c) = resolve(&mut bot, name).await.unwrap();
        let enums::ChatPhoto::ChatPhoto(small) = &c.photo else {
            panic!("{name} has no photo")
        };
        let enums::messages::ChatFull::ChatFull(full) = bot
            .invoke(&functions::channels::GetFullChannel { channel: ch })
            .await
            .unwrap();
        let enums::ChatFull::ChannelFull(f) = full.full_chat else {
            panic!()
        };
        let enums::Photo::Photo(big) = f.chat_photo else {
            panic!("{name}: no full photo")
        };
        assert_eq!(big.id, small.photo_id);
    }
    let info = server.info();
    let team = info
        .chats
        .iter()
        .find(|c| c.kind == ChatKind::Group)
        .unwrap()
        .id;
    let enums::messages::ChatFull::ChatFull(full) = bot
        .invoke(&functions::messages::GetFullChat { chat_id: team })
        .await
        .unwrap();
    let enums::ChatFull::ChatFull(f) = full.full_chat else {
        panic!()
    };
    assert!(matches!(f.chat_photo, Some(enums::Photo::Photo(_))));

    // users.getFullUser: the owner shares the three default chats with the bot.
    let ada = server.user().unwrap().id;
    let enums::InputChannel::InputChannel(_) =
        resolve(&mut bot, "ferrogram_lounge").await.unwrap().0
    else {
        panic!()
    };
    let enums::contacts::ResolvedPeer::ResolvedPeer(r) = bot
        .invoke(&functions::contacts::ResolveUsername {
            username: "ada_admin".into(),
            referer: None,
        })
        .await
        .unwrap();
    let enums::User::User(u) = &r.users[0] else {
        panic!()
    };
    let input = enums::InputUser::from(types::InputUser {
        user_id: ada,
        access_hash: u.access_hash.unwrap(),
    });
    let enums::users::UserFull::UserFull(full) = bot
        .invoke(&functions::users::GetFullUser { id: input })
        .await
        .unwrap();
    let enums::UserFull::UserFull(f) = full.full_user;
    assert_eq!(f.id, ada);
    assert_eq!(f.common_chats_count, 3);
    assert!(f.profile_photo.is_none());
    assert!(
        full.users
            .iter()
            .any(|u| matches!(u, enums::User::User(u) if u.id == ada))
    );
    let unknown = enums::InputUser::from(types::InputUser {
        user_id: 987_654_321,
        access_hash: 1,
    });
    assert_eq!(
        fails(&mut bot, &functions::users::GetFullUser { id: unknown }).await,
        "USER_ID_INVALID"
    );
}
