//! The chat world: resolving chats, listing participants with every filter, the
//! listing and search caps, and who may list what.

mod common;

use common::*;
use ferrogram_testserver::TestServer;
use ferrogram_testserver::chats::{LISTING_CAP, SEARCH_CAP};
use ferrogram_tl_types::{enums, functions, types};

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
    let info: serde_json::Value = serde_json::from_str(&server.info_json()).unwrap();
    let lounge_json = info["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["username"] == "ferrogram_lounge")
        .unwrap()
        .clone();
    assert_eq!(lounge_json["kind"], "supergroup");
    let mut bot = signed_in_bot(&server, 1).await;
    let (lounge, ch) = channel(&mut bot, "ferrogram_lounge").await;
    assert!(ch.megagroup && !ch.broadcast);
    let members = ch.participants_count.unwrap();
    assert_eq!(i64::from(members), lounge_json["members"].as_i64().unwrap());
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
                q: String::new(),
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
                q: String::new(),
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
        bot_auth_token: outsider.1,
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
                q: String::new(),
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
