//! The chat world: resolving chats, listing participants with every filter, the
//! listing and search caps, and who may list what.

mod common;

use common::*;
use ferrogram_testserver::TestServer;
use ferrogram_testserver::chats::{ChatKind, LISTING_CAP, SEARCH_CAP};
use ferrogram_tl_types::{Deserializable, enums, functions, types};

async fn signed_in_bot(server: &TestServer, seed: u64) -> Client {
    let mut c = Client::connect(server, 2, INTERMEDIATE, seed).await;
    c.invoke(&functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: 1,
        api_hash: "x".into(),
        bot_auth_token: server.bot_token().unwrap().into(),
    })
    .await
    .unwrap();
    c
}

async fn channel(c: &mut Client, username: &str) -> (enums::InputChannel, types::Channel) {
    let enums::contacts::ResolvedPeer::ResolvedPeer(r) = c
        .invoke(&functions::contacts::ResolveUsername {
            username: username.into(),
            referer: None,
        })
        .await
        .unwrap();
    let enums::Chat::Channel(ch) = r.chats[0].clone() else {
        panic!("a channel")
    };
    (
        enums::InputChannel::from(types::InputChannel {
            channel_id: ch.id,
            access_hash: ch.access_hash.unwrap(),
        }),
        *ch,
    )
}

fn list(
    channel: &enums::InputChannel,
    filter: enums::ChannelParticipantsFilter,
    offset: i32,
    limit: i32,
) -> functions::channels::GetParticipants {
    functions::channels::GetParticipants {
        channel: channel.clone(),
        filter,
        offset,
        limit,
        hash: 0,
    }
}

fn page(r: enums::channels::ChannelParticipants) -> types::channels::ChannelParticipants {
    match r {
        enums::channels::ChannelParticipants::ChannelParticipants(p) => *p,
        _ => panic!("not modified"),
    }
}

#[tokio::test]
async fn participants_with_every_filter_and_the_caps() {
    let server = TestServer::builder().members(12_000).start().await.unwrap();
    let info = server.info();
    let lounge_info = info.chat("ferrogram_lounge").unwrap();
    assert_eq!(lounge_info.kind, ChatKind::Supergroup);
    let mut bot = signed_in_bot(&server, 1).await;
    let (lounge, ch) = channel(&mut bot, "ferrogram_lounge").await;
    assert!(ch.megagroup && !ch.broadcast);
    let members = ch.participants_count.unwrap();
    assert_eq!(members, lounge_info.members);
    assert!(members > 11_000);

    let recent = enums::ChannelParticipantsFilter::ChannelParticipantsRecent;
    let p = page(
        bot.invoke(&list(&lounge, recent.clone(), 0, 500))
            .await
            .unwrap(),
    );
    assert_eq!(p.count, members, "count is the real total");
    assert_eq!(p.participants.len(), 200, "at most 200 per request");
    assert_eq!(p.users.len(), 200);
    // The plain listing stops at 10,000.
    let p = page(
        bot.invoke(&list(&lounge, recent.clone(), LISTING_CAP as i32 - 50, 200))
            .await
            .unwrap(),
    );
    assert_eq!(p.participants.len(), 50);
    let p = page(
        bot.invoke(&list(&lounge, recent, LISTING_CAP as i32, 200))
            .await
            .unwrap(),
    );
    assert!(p.participants.is_empty());
    assert_eq!(p.count, members);

    let p = page(
        bot.invoke(&list(
            &lounge,
            enums::ChannelParticipantsFilter::ChannelParticipantsAdmins,
            0,
            200,
        ))
        .await
        .unwrap(),
    );
    assert!(matches!(
        p.participants[0],
        enums::ChannelParticipant::Creator(_)
    ));
    assert_eq!(p.count, 10, "creator, bot and 8 admins");
    assert!(p.participants.iter().any(|x| matches!(x, enums::ChannelParticipant::Admin(a) if a.rank.as_deref() == Some("Moderator"))));

    let kicked = page(
        bot.invoke(&list(
            &lounge,
            enums::ChannelParticipantsFilter::from(types::ChannelParticipantsKicked {
                q: Default::default(),
            }),
            0,
            200,
        ))
        .await
        .unwrap(),
    );
    assert!(kicked.count > 100);
    assert!(
        kicked
            .participants
            .iter()
            .all(|x| matches!(x, enums::ChannelParticipant::Banned(b) if b.left))
    );
    let banned = page(
        bot.invoke(&list(
            &lounge,
            enums::ChannelParticipantsFilter::from(types::ChannelParticipantsBanned {
                q: Default::default(),
            }),
            0,
            200,
        ))
        .await
        .unwrap(),
    );
    assert!(banned.count > 100);
    assert!(
        banned
            .participants
            .iter()
            .all(|x| matches!(x, enums::ChannelParticipant::Banned(b) if !b.left))
    );
    let bots = page(
        bot.invoke(&list(
            &lounge,
            enums::ChannelParticipantsFilter::ChannelParticipantsBots,
            0,
            200,
        ))
        .await
        .unwrap(),
    );
    assert!(
        bots.users
            .iter()
            .all(|u| matches!(u, enums::User::User(u) if u.bot))
    );
    assert!(bots.count > 100);

    // Search: case-insensitive prefix of a word of the names or the username.
    let search = |q: &str| {
        enums::ChannelParticipantsFilter::from(types::ChannelParticipantsSearch { q: q.into() })
    };
    let p = page(
        bot.invoke(&list(&lounge, search("LOVE"), 0, 200))
            .await
            .unwrap(),
    );
    assert!(p.count > 0);
    for u in &p.users {
        let enums::User::User(u) = u else { panic!() };
        let words = format!(
            "{} {} {}",
            u.first_name.as_deref().unwrap_or(""),
            u.last_name.as_deref().unwrap_or(""),
            u.username.as_deref().unwrap_or("")
        );
        assert!(
            words
                .split_whitespace()
                .any(|w| w.to_lowercase().starts_with("love")),
            "{words}"
        );
    }
    let p = page(
        bot.invoke(&list(&lounge, search("ove"), 0, 200))
            .await
            .unwrap(),
    );
    assert_eq!(p.count, 0, "infixes do not match");
    // A broad search is capped, while count says how many really match.
    let mut broad = None;
    for q in ["a", "m", "s", "k", "l"] {
        let p = page(bot.invoke(&list(&lounge, search(q), 0, 200)).await.unwrap());
        if p.count as usize > SEARCH_CAP {
            broad = Some(q);
            break;
        }
    }
    let q = broad.expect("some one-letter prefix matches more than the cap");
    let p = page(
        bot.invoke(&list(&lounge, search(q), SEARCH_CAP as i32 - 10, 200))
            .await
            .unwrap(),
    );
    assert_eq!(p.participants.len(), 10, "the search stops at the cap");

    let e = bot
        .invoke(&functions::channels::GetParticipant {
            channel: lounge.clone(),
            participant: enums::InputPeer::from(types::InputPeerUser {
                user_id: 42,
                access_hash: 0,
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "USER_NOT_PARTICIPANT");
    let enums::channels::ChannelParticipant::ChannelParticipant(me) = bot
        .invoke(&functions::channels::GetParticipant {
            channel: lounge.clone(),
            participant: enums::InputPeer::InputPeerSelf,
        })
        .await
        .unwrap();
    assert!(
        matches!(me.participant, enums::ChannelParticipant::Admin(a) if a.rank.as_deref() == Some("bot"))
    );
}

#[tokio::test]
async fn who_may_list_what() {
    let server = TestServer::builder().members(300).start().await.unwrap();
    let outsider = server.create_bot("Outsider");
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 9).await;
    c.invoke(&functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: 1,
        api_hash: "x".into(),
        bot_auth_token: outsider.1.into(),
    })
    .await
    .unwrap();
    let (lounge, _) = channel(&mut c, "ferrogram_lounge").await;
    // A public supergroup can be listed by anyone; its kicked list cannot.
    c.invoke(&list(
        &lounge,
        enums::ChannelParticipantsFilter::ChannelParticipantsRecent,
        0,
        10,
    ))
    .await
    .unwrap();
    let e = c
        .invoke(&list(
            &lounge,
            enums::ChannelParticipantsFilter::from(types::ChannelParticipantsKicked {
                q: Default::default(),
            }),
            0,
            10,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.message, "CHAT_ADMIN_REQUIRED");
    // A broadcast channel's subscribers are for its admins only.
    let (news, ch) = channel(&mut c, "ferrogram_news").await;
    assert!(ch.broadcast);
    let e = c
        .invoke(&list(
            &news,
            enums::ChannelParticipantsFilter::ChannelParticipantsRecent,
            0,
            10,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.message, "CHAT_ADMIN_REQUIRED");
    // Someone else's access hash is refused.
    let forged = match lounge {
        enums::InputChannel::InputChannel(x) => enums::InputChannel::from(types::InputChannel {
            channel_id: x.channel_id,
            access_hash: x.access_hash ^ 1,
        }),
        _ => unreachable!(),
    };
    let e = c
        .invoke(&functions::channels::GetFullChannel { channel: forged })
        .await
        .unwrap_err();
    assert_eq!(e.message, "CHANNEL_INVALID");
}

/// Signs in a fresh user (no password) and returns the client and the user id.
async fn fresh_user(server: &TestServer, phone: &str, seed: u64) -> (Client, i64) {
    let id = server.create_user("Lena", "Helper", phone);
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
        phone_code: Some("22222".into()),
        email_verification: None,
    })
    .await
    .unwrap();
    (c, id)
}

fn user_input(id: i64, hash: i64) -> enums::InputUser {
    enums::InputUser::from(types::InputUser {
        user_id: id,
        access_hash: hash,
    })
}

fn peer_input(id: i64, hash: i64) -> enums::InputPeer {
    enums::InputPeer::from(types::InputPeerUser {
        user_id: id,
        access_hash: hash,
    })
}

fn edit_admin(
    channel: &enums::InputChannel,
    user: enums::InputUser,
    rights: types::ChatAdminRights,
    rank: &str,
) -> functions::channels::EditAdmin {
    functions::channels::EditAdmin {
        channel: channel.clone(),
        user_id: user,
        admin_rights: enums::ChatAdminRights::from(rights),
        rank: Some(rank.into()),
    }
}

fn edit_banned(
    channel: &enums::InputChannel,
    peer: enums::InputPeer,
    rights: types::ChatBannedRights,
) -> functions::channels::EditBanned {
    functions::channels::EditBanned {
        channel: channel.clone(),
        participant: peer,
        banned_rights: enums::ChatBannedRights::from(rights),
    }
}

async fn role_of(
    c: &mut Client,
    channel: &enums::InputChannel,
    peer: enums::InputPeer,
) -> enums::ChannelParticipant {
    let enums::channels::ChannelParticipant::ChannelParticipant(p) = c
        .invoke(&functions::channels::GetParticipant {
            channel: channel.clone(),
            participant: peer,
        })
        .await
        .unwrap();
    p.participant
}

#[tokio::test]
async fn promoting_restricting_kicking_and_the_admin_log() {
    let clock = ferrogram_testserver::Clock::real();
    let server = TestServer::builder()
        .members(300)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let mut bot = signed_in_bot(&server, 20).await;
    let (mut lena, lena_id) = fresh_user(&server, "9996627100", 21).await;
    let (lounge, _) = channel(&mut lena, "ferrogram_lounge").await;
    lena.invoke(&functions::channels::JoinChannel {
        channel: lounge.clone(),
    })
    .await
    .unwrap();
    let (bot_lounge, _) = channel(&mut bot, "ferrogram_lounge").await;
    // The bot's view of Lena (access hashes are per viewer).
    let enums::contacts::ResolvedPeer::ResolvedPeer(_) = bot
        .invoke(&functions::contacts::ResolveUsername {
            username: "ada_admin".into(),
            referer: None,
        })
        .await
        .unwrap();
    let recent = page(
        bot.invoke(&list(
            &bot_lounge,
            enums::ChannelParticipantsFilter::ChannelParticipantsRecent,
            0,
            200,
        ))
        .await
        .unwrap(),
    );
    let hash_of = |id: i64| {
        recent
            .users
            .iter()
            .find_map(|u| match u {
                enums::User::User(u) if u.id == id => u.access_hash,
                _ => None,
            })
            .unwrap()
    };
    let lena_hash = hash_of(lena_id);

    // The bot (an admin with every right) promotes Lena.
    let helper = types::ChatAdminRights {
        ban_users: true,
        delete_messages: true,
        add_admins: true,
        ..Default::default()
    };
    bot.invoke(&edit_admin(
        &bot_lounge,
        user_input(lena_id, lena_hash),
        helper.clone(),
        "Helper",
    ))
    .await
    .unwrap();
    let e = bot
        .invoke(&edit_admin(
            &bot_lounge,
            user_input(lena_id, lena_hash),
            helper.clone(),
            "Helper",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.message, "CHAT_NOT_MODIFIED");
    let e = bot
        .invoke(&edit_admin(
            &bot_lounge,
            user_input(lena_id, lena_hash),
            types::ChatAdminRights {
                post_messages: true,
                ..Default::default()
            },
            "",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e.message, "RIGHT_FORBIDDEN",
        "post_messages is broadcast-only"
    );
    assert!(matches!(
        role_of(&mut lena, &lounge, enums::InputPeer::InputPeerSelf).await,
        enums::ChannelParticipant::Admin(a) if a.rank.as_deref() == Some("Helper")
    ));

    // Lena, seen from her side.
    let members = page(
        lena.invoke(&list(
            &lounge,
            enums::ChannelParticipantsFilter::ChannelParticipantsRecent,
            0,
            200,
        ))
        .await
        .unwrap(),
    );
    let plain: Vec<(i64, i64)> = members
        .participants
        .iter()
        .filter_map(|p| match p {
            enums::ChannelParticipant::ChannelParticipant(m) => Some(m.user_id),
            _ => None,
        })
        .filter_map(|id| {
            members.users.iter().find_map(|u| match u {
                enums::User::User(u) if u.id == id && !u.bot => Some((id, u.access_hash.unwrap())),
                _ => None,
            })
        })
        .take(3)
        .collect();
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();
    let bot_hash = members.users.iter().find_map(|u| match u {
        enums::User::User(u) if u.id == bot_id => u.access_hash,
        _ => None,
    });
    // Rights she lacks, admins she did not promote, the creator: refused.
    let e = lena
        .invoke(&edit_admin(
            &lounge,
            user_input(plain[0].0, plain[0].1),
            types::ChatAdminRights {
                change_info: true,
                ..Default::default()
            },
            "",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.message, "RIGHT_FORBIDDEN");
    if let Some(h) = bot_hash {
        let e = lena
            .invoke(&edit_banned(
                &lounge,
                peer_input(bot_id, h),
                types::ChatBannedRights {
                    send_messages: true,
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(e.message, "USER_ADMIN_INVALID");
    }

    // Restrict one member for an hour; the restriction lifts with the clock.
    let (victim, victim_hash) = plain[0];
    let now = clock.now().secs as i32;
    lena.invoke(&edit_banned(
        &lounge,
        peer_input(victim, victim_hash),
        types::ChatBannedRights {
            send_media: true,
            until_date: now + 3600,
            ..Default::default()
        },
    ))
    .await
    .unwrap();
    match role_of(&mut lena, &lounge, peer_input(victim, victim_hash)).await {
        enums::ChannelParticipant::Banned(b) => {
            let enums::ChatBannedRights::ChatBannedRights(r) = b.banned_rights;
            assert!(r.send_media && !r.view_messages);
            assert_eq!(r.until_date, now + 3600);
            assert!(!b.left);
        }
        other => panic!("{other:?}"),
    }
    clock.advance(std::time::Duration::from_secs(2 * 3600));
    assert!(matches!(
        role_of(&mut lena, &lounge, peer_input(victim, victim_hash)).await,
        enums::ChannelParticipant::ChannelParticipant(_)
    ));
    // Under 30 seconds means forever.
    let (other, other_hash) = plain[1];
    let now = clock.now().secs as i32;
    lena.invoke(&edit_banned(
        &lounge,
        peer_input(other, other_hash),
        types::ChatBannedRights {
            send_messages: true,
            until_date: now + 10,
            ..Default::default()
        },
    ))
    .await
    .unwrap();
    match role_of(&mut lena, &lounge, peer_input(other, other_hash)).await {
        enums::ChannelParticipant::Banned(b) => {
            let enums::ChatBannedRights::ChatBannedRights(r) = b.banned_rights;
            assert_eq!(r.until_date, 0, "forever");
        }
        other => panic!("{other:?}"),
    }
    // Kick (ban from viewing), then unban: left, not a member again.
    let (third, third_hash) = plain[2];
    lena.invoke(&edit_banned(
        &lounge,
        peer_input(third, third_hash),
        types::ChatBannedRights {
            view_messages: true,
            ..Default::default()
        },
    ))
    .await
    .unwrap();
    assert!(matches!(
        role_of(&mut lena, &lounge, peer_input(third, third_hash)).await,
        enums::ChannelParticipant::Banned(b) if b.left
    ));
    lena.invoke(&edit_banned(
        &lounge,
        peer_input(third, third_hash),
        types::ChatBannedRights::default(),
    ))
    .await
    .unwrap();
    let e = lena
        .invoke(&functions::channels::GetParticipant {
            channel: lounge.clone(),
            participant: peer_input(third, third_hash),
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "USER_NOT_PARTICIPANT");

    // The admin log: bots may not read it; Lena sees what she did, by filter.
    let log = |filter: Option<types::ChannelAdminLogEventsFilter>,
               admins: Option<Vec<enums::InputUser>>| {
        functions::channels::GetAdminLog {
            channel: lounge.clone(),
            q: Default::default(),
            events_filter: filter.map(enums::ChannelAdminLogEventsFilter::from),
            admins,
            max_id: 0,
            min_id: 0,
            limit: 100,
        }
    };
    let e = bot
        .invoke(&functions::channels::GetAdminLog {
            channel: bot_lounge.clone(),
            ..log(None, None)
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "BOT_METHOD_INVALID");
    let enums::channels::AdminLogResults::AdminLogResults(mine) = lena
        .invoke(&log(None, Some(vec![enums::InputUser::InputUserSelf])))
        .await
        .unwrap();
    assert_eq!(
        mine.events.len(),
        5,
        "join, two restrictions, a kick and an unkick"
    );
    let ids: Vec<i64> = mine
        .events
        .iter()
        .map(|enums::ChannelAdminLogEvent::ChannelAdminLogEvent(e)| e.id)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let only = |f: fn(&mut types::ChannelAdminLogEventsFilter)| {
        let mut x = types::ChannelAdminLogEventsFilter::default();
        f(&mut x);
        Some(x)
    };
    let enums::channels::AdminLogResults::AdminLogResults(kicks) = lena
        .invoke(&log(
            only(|f| f.kick = true),
            Some(vec![enums::InputUser::InputUserSelf]),
        ))
        .await
        .unwrap();
    assert_eq!(kicks.events.len(), 1);
    let enums::channels::AdminLogResults::AdminLogResults(promotions) = lena
        .invoke(&log(only(|f| f.promote = true), None))
        .await
        .unwrap();
    assert!(
        promotions.events.len() >= 9,
        "seeded promotions plus Lena's"
    );
    let enums::channels::AdminLogResults::AdminLogResults(paged) = lena
        .invoke(&functions::channels::GetAdminLog {
            max_id: ids[0],
            limit: 2,
            ..log(None, Some(vec![enums::InputUser::InputUserSelf]))
        })
        .await
        .unwrap();
    assert_eq!(paged.events.len(), 2);
}

#[tokio::test]
async fn typing_photos_basic_groups_defaults_leaving_and_inviting() {
    let server = TestServer::builder().members(100).start().await.unwrap();
    let info = server.info();
    let team = info
        .chats
        .iter()
        .find(|c| c.kind == ChatKind::Group)
        .unwrap()
        .id;
    let mut bot = signed_in_bot(&server, 30).await;
    let (mut lena, lena_id) = fresh_user(&server, "9996627200", 31).await;
    let (lounge, _) = channel(&mut lena, "ferrogram_lounge").await;
    lena.invoke(&functions::channels::JoinChannel {
        channel: lounge.clone(),
    })
    .await
    .unwrap();
    let (bot_lounge, _) = channel(&mut bot, "ferrogram_lounge").await;
    // The bot's connection must be known as the bot's: any request does it.
    bot.invoke(&functions::help::GetNearestDc {}).await.unwrap();

    // Typing in the supergroup reaches the bot's session.
    let typing = lena
        .invoke(&functions::messages::SetTyping {
            peer: enums::InputPeer::from(match &lounge {
                enums::InputChannel::InputChannel(c) => types::InputPeerChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                },
                _ => unreachable!(),
            }),
            top_msg_id: None,
            action: enums::SendMessageAction::SendMessageTypingAction,
        })
        .await
        .unwrap();
    assert!(typing);
    // The bot, an admin of the lounge, heard of Lena's join first
    // (updateChannelParticipant): the typing comes after it.
    let mut pushed = enums::Updates::from_bytes(&bot.next_update().await).unwrap();
    for _ in 0..5 {
        let participant = matches!(&pushed, enums::Updates::Updates(u)
            if u.updates.iter().all(|x| matches!(x, enums::Update::ChannelParticipant(_))));
        if !participant {
            break;
        }
        pushed = enums::Updates::from_bytes(&bot.next_update().await).unwrap();
    }
    match pushed {
        enums::Updates::UpdateShort(u) => match u.update {
            enums::Update::ChannelUserTyping(t) => {
                assert!(matches!(t.from_id, enums::Peer::User(p) if p.user_id == lena_id));
                assert!(matches!(
                    t.action,
                    enums::SendMessageAction::SendMessageTypingAction
                ));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }

    // Profile photos, newest first.
    for (i, file_id) in [7i64, 8].into_iter().enumerate() {
        bot.invoke(&functions::upload::SaveFilePart {
            file_id,
            file_part: 0,
            bytes: vec![i as u8; 100],
        })
        .await
        .unwrap();
        bot.invoke(&functions::photos::UploadProfilePhoto {
            fallback: false,
            bot: None,
            file: Some(enums::InputFile::from(types::InputFile {
                id: file_id,
                parts: 1,
                name: "p.jpg".into(),
                md5_checksum: Default::default(),
            })),
            video: None,
            video_start_ts: None,
            video_emoji_markup: None,
        })
        .await
        .unwrap();
    }
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();
    let photos = bot
        .invoke(&functions::photos::GetUserPhotos {
            user_id: enums::InputUser::InputUserSelf,
            offset: 0,
            max_id: 0,
            limit: 10,
        })
        .await
        .unwrap();
    let enums::photos::Photos::Photos(p) = photos else {
        panic!()
    };
    let ids: Vec<i64> = p
        .photos
        .iter()
        .map(|x| match x {
            enums::Photo::Photo(p) => p.id,
            _ => panic!(),
        })
        .collect();
    let mut expected = server.profile_photos(bot_id);
    expected.reverse();
    assert_eq!(ids, expected);

    // The basic group: the bot is an admin, not the creator.
    let enums::messages::ChatFull::ChatFull(full) = bot
        .invoke(&functions::messages::GetFullChat { chat_id: team })
        .await
        .unwrap();
    let enums::ChatFull::ChatFull(f) = full.full_chat else {
        panic!()
    };
    let enums::ChatParticipants::ChatParticipants(parts) = f.participants else {
        panic!()
    };
    assert_eq!(parts.participants.len(), 12, "creator, bot, ten members");
    let lena_for_bot = enums::InputUser::from(types::InputUser {
        user_id: lena_id,
        access_hash: 0,
    });
    let e = bot
        .invoke(&functions::messages::EditChatAdmin {
            chat_id: team,
            user_id: lena_for_bot.clone(),
            is_admin: true,
        })
        .await
        .unwrap_err();
    assert_eq!(
        e.message, "CHAT_ADMIN_REQUIRED",
        "only the creator appoints admins"
    );
    bot.invoke(&functions::messages::AddChatUser {
        chat_id: team,
        user_id: lena_for_bot.clone(),
        fwd_limit: 0,
    })
    .await
    .unwrap();
    let e = bot
        .invoke(&functions::messages::AddChatUser {
            chat_id: team,
            user_id: lena_for_bot.clone(),
            fwd_limit: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "USER_ALREADY_PARTICIPANT");
    // An admin removes whom they invited, not others.
    let someone_else = match &parts.participants[2] {
        enums::ChatParticipant::ChatParticipant(p) => p.user_id,
        other => panic!("{other:?}"),
    };
    let e = bot
        .invoke(&functions::messages::DeleteChatUser {
            revoke_history: false,
            chat_id: team,
            user_id: enums::InputUser::from(types::InputUser {
                user_id: someone_else,
                access_hash: 0,
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "CHAT_ADMIN_REQUIRED");
    bot.invoke(&functions::messages::DeleteChatUser {
        revoke_history: false,
        chat_id: team,
        user_id: lena_for_bot,
    })
    .await
    .unwrap();

    // Default rights, for the group and the supergroup.
    let no_media = types::ChatBannedRights {
        send_media: true,
        ..Default::default()
    };
    let edit_defaults = |peer: enums::InputPeer| functions::messages::EditChatDefaultBannedRights {
        peer,
        banned_rights: enums::ChatBannedRights::from(no_media.clone()),
    };
    bot.invoke(&edit_defaults(enums::InputPeer::from(
        types::InputPeerChat { chat_id: team },
    )))
    .await
    .unwrap();
    let e = bot
        .invoke(&edit_defaults(enums::InputPeer::from(
            types::InputPeerChat { chat_id: team },
        )))
        .await
        .unwrap_err();
    assert_eq!(e.message, "CHAT_NOT_MODIFIED");
    let lounge_peer = match &bot_lounge {
        enums::InputChannel::InputChannel(c) => enums::InputPeer::from(types::InputPeerChannel {
            channel_id: c.channel_id,
            access_hash: c.access_hash,
        }),
        _ => unreachable!(),
    };
    bot.invoke(&edit_defaults(lounge_peer)).await.unwrap();
    let enums::messages::ChatFull::ChatFull(full) = lena
        .invoke(&functions::channels::GetFullChannel {
            channel: lounge.clone(),
        })
        .await
        .unwrap();
    let enums::Chat::Channel(c) = &full.chats[0] else {
        panic!()
    };
    assert!(matches!(
        &c.default_banned_rights,
        Some(enums::ChatBannedRights::ChatBannedRights(r)) if r.send_media
    ));

    // Leaving and being invited back.
    lena.invoke(&functions::channels::LeaveChannel {
        channel: lounge.clone(),
    })
    .await
    .unwrap();
    let e = lena
        .invoke(&functions::channels::GetParticipant {
            channel: lounge.clone(),
            participant: enums::InputPeer::InputPeerSelf,
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "USER_NOT_PARTICIPANT");
    // She left by herself: only a mutual contact may bring her back
    // (tdlib/td#821), and a bot is nobody's; she comes back on her own.
    let e = bot
        .invoke(&functions::channels::InviteToChannel {
            channel: bot_lounge.clone(),
            users: vec![enums::InputUser::from(types::InputUser {
                user_id: lena_id,
                access_hash: 0,
            })],
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (403, "USER_NOT_MUTUAL_CONTACT")
    );
    lena.invoke(&functions::channels::JoinChannel {
        channel: lounge.clone(),
    })
    .await
    .unwrap();
    // A member asking about itself gets `channelParticipantSelf` ("Myself").
    assert!(matches!(
        role_of(&mut lena, &lounge, enums::InputPeer::InputPeerSelf).await,
        enums::ChannelParticipant::ChannelParticipantSelf(p) if !p.via_request && p.user_id == lena_id
    ));
}
