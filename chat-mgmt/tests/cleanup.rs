//! Cleaning up after a spammer ([`Moderation`]) against `testserver` over
//! TCP: deleting one's own and others' messages with and without the
//! right, a member's whole history in rounds, spam reports, pins, and
//! report-delete-ban as one call that says what it did.

use ferrogram_chat_mgmt::{
    AdminRights, BannedRights, ChatManagement, Error, Membership, Moderation, NewChat, PurgeOptions,
};
use ferrogram_client::Client;
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::{Role as ServerRole, TestServer};

mod common;
use common::{owner, user};

const WAVE: &str = "@spam_wave";

/// The ids of the messages `client` sends.
async fn send(client: &Client, n: usize, what: &str) -> Vec<i32> {
    let mut ids = Vec::new();
    for i in 0..n {
        let m = client
            .send_message(WAVE, &format!("{what} {i}"))
            .await
            .unwrap();
        ids.push(m);
    }
    ids
}

async fn full(client: &Client) -> types::ChannelFull {
    let enums::InputPeer::Channel(c) = client.get_input_entity(WAVE).await.unwrap() else {
        panic!("a channel");
    };
    let enums::messages::ChatFull::ChatFull(f) = client
        .invoke(&functions::channels::GetFullChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        })
        .await
        .unwrap();
    match f.full_chat {
        enums::ChatFull::ChannelFull(f) => *f,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spam_wave_is_cleaned_up() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (sam, sam_id) = user(&server, "Sam", "9996621200").await;
    let (mia, _) = user(&server, "Mia", "9996621201").await;
    let (ivo, _) = user(&server, "Ivo", "9996621202").await;
    owner
        .create_chat(
            NewChat::supergroup("Spam wave")
                .username("spam_wave")
                .member("+9996621200")
                .member("+9996621201")
                .member("+9996621202"),
        )
        .await
        .unwrap();
    owner
        .edit_admin(WAVE, "+9996621202", AdminRights::new().pin_messages(true))
        .await
        .unwrap();
    let spam = send(&sam, 150, "buy now").await;
    let mine = send(&mia, 2, "hello").await;

    // A member deletes her own, not others'; nothing of a refused call goes.
    assert_eq!(mia.delete_messages(WAVE, &mine[..1]).await.unwrap(), 1);
    let e = mia
        .delete_messages(WAVE, &[mine[1], spam[0]])
        .await
        .unwrap_err();
    assert!(matches!(e, Error::MessageDeleteForbidden(_)), "{e:?}");
    assert_eq!(
        mia.delete_messages(WAVE, &[mine[1]]).await.unwrap(),
        1,
        "still there"
    );
    // An admin without delete_messages may neither purge nor report.
    let e = ivo
        .delete_user_history(WAVE, "+9996621200")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    let e = ivo
        .report_spam(WAVE, "+9996621200", &spam[..1])
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    // The owner deletes one spam message: logged.
    assert_eq!(owner.delete_messages(WAVE, &spam[..1]).await.unwrap(), 1);
    let log = owner.get_admin_log(WAVE).await.unwrap();
    assert!(log.iter().any(|e| matches!(
        &e.action,
        enums::ChannelAdminLogEventAction::DeleteMessage(_)
    )));

    // Pins: an admin with pin_messages, and members while the chat allows it.
    ivo.pin_message(WAVE, spam[5], true).await.unwrap();
    assert_eq!(full(&owner).await.pinned_msg_id, Some(spam[5]));
    // "Ivo pinned …": a service message replying to the pinned one.
    let latest: Vec<enums::Message> =
        futures::TryStreamExt::try_collect(owner.iter_messages(WAVE).limit(1))
            .await
            .unwrap();
    match &latest[0] {
        enums::Message::Service(m) => {
            assert!(matches!(m.action, enums::MessageAction::PinMessage));
            assert!(matches!(
                &m.reply_to,
                Some(enums::MessageReplyHeader::MessageReplyHeader(r))
                    if r.reply_to_msg_id == Some(spam[5])
            ));
        }
        other => panic!("{other:?}"),
    }
    mia.unpin_message(WAVE, spam[5]).await.unwrap();
    assert_eq!(full(&owner).await.pinned_msg_id, None);
    owner
        .edit_default_permissions(WAVE, BannedRights::new().pin_messages(false))
        .await
        .unwrap();
    let e = mia.pin_message(WAVE, spam[5], false).await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    let log = owner.get_admin_log(WAVE).await.unwrap();
    assert!(log.iter().any(|e| matches!(
        &e.action,
        enums::ChannelAdminLogEventAction::UpdatePinned(_)
    )));

    // Report, delete, ban: the 100 latest reported, all 149 left deleted
    // in two rounds, banned.
    let done = owner
        .purge(WAVE, "+9996621200", PurgeOptions::new())
        .await
        .unwrap();
    assert_eq!(done.reported.len(), 100);
    assert_eq!(done.reported[0], spam[149], "newest first");
    assert_eq!(done.deleted, 149);
    assert!(done.banned);
    let reports = server.spam_reports("spam_wave");
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].1, reports[0].2.len()), (sam_id, 100));
    assert!(matches!(
        server.participant_role("spam_wave", sam_id),
        Some(ServerRole::Banned)
    ));
    let left: Vec<enums::Message> = {
        use futures::TryStreamExt;
        owner.iter_messages(WAVE).try_collect().await.unwrap()
    };
    assert!(
        left.iter().all(|m| !format!("{m:?}").contains("buy now")),
        "nothing of Sam's left"
    );
    // Purging again does nothing, and says so.
    let again = owner
        .purge(WAVE, "+9996621200", PurgeOptions::new())
        .await
        .unwrap();
    assert_eq!(
        (again.reported.len(), again.deleted, again.banned),
        (0, 0, false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_is_banned_and_unbanned_like_a_member() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (sam, _) = user(&server, "Sam", "9996621290").await;
    let (moe, _) = user(&server, "Moe", "9996621291").await;
    owner
        .create_chat(
            NewChat::supergroup("Spam wave")
                .username("spam_wave")
                .member("+9996621291"),
        )
        .await
        .unwrap();
    // Sam's channel, the one he would post as.
    sam.create_chat(NewChat::channel("Cheap followers").username("cheap_followers"))
        .await
        .unwrap();
    let e = moe
        .edit_permissions(WAVE, "@cheap_followers", BannedRights::banned())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "a member: {e:?}");
    owner
        .edit_permissions(WAVE, "@cheap_followers", BannedRights::banned())
        .await
        .unwrap();
    let e = owner
        .edit_permissions(WAVE, "@cheap_followers", BannedRights::banned())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatNotModified(_)), "{e:?}");
    let banned = owner.banned_channels(WAVE).await.unwrap();
    assert_eq!(banned.len(), 1);
    assert_eq!(banned[0].title.as_deref(), Some("Cheap followers"));
    let full = full(&owner).await;
    assert_eq!(full.kicked_count, Some(1));
    let log = owner.get_admin_log(WAVE).limit(1).await.unwrap();
    let enums::ChannelAdminLogEventAction::ParticipantToggleBan(t) = &log[0].action else {
        panic!("{log:?}");
    };
    assert!(matches!(
        &t.new_participant,
        enums::ChannelParticipant::Banned(b) if matches!(b.peer, enums::Peer::Channel(_))
    ));
    owner
        .edit_permissions(WAVE, "@cheap_followers", BannedRights::new())
        .await
        .unwrap();
    assert!(owner.banned_channels(WAVE).await.unwrap().is_empty());
    // A chat cannot ban itself.
    let e = owner
        .edit_permissions(WAVE, WAVE, BannedRights::banned())
        .await
        .unwrap_err();
    assert!(e.is("PARTICIPANT_ID_INVALID"), "{e:?}");
}

/// The spam wave's latest messages as `client` reads them: sender, text.
async fn senders_and_texts(client: &Client) -> Vec<(Option<enums::Peer>, String)> {
    let peer = client.get_input_entity(WAVE).await.unwrap();
    let history = common::history(client, peer).await;
    let enums::messages::Messages::ChannelMessages(m) = history else {
        panic!("{history:?}");
    };
    m.messages
        .into_iter()
        .filter_map(|m| match m {
            enums::Message::Message(m) => Some((m.from_id, m.message.into())),
            _ => None,
        })
        .collect()
}

/// Whom `client` may post as in the spam wave (`channels.getSendAs`).
async fn send_as_peers(client: &Client) -> Vec<enums::Peer> {
    let peer = client.get_input_entity(WAVE).await.unwrap();
    let enums::channels::SendAsPeers::SendAsPeers(s) = client
        .invoke(&functions::channels::GetSendAs::new(peer))
        .await
        .unwrap();
    s.peers
        .into_iter()
        .map(|p| match p {
            enums::SendAsPeer::SendAsPeer(p) => p.peer,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_posts_as_his_channel_until_the_channel_is_banned() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (sam, sam_id) = user(&server, "Sam", "9996621300").await;
    let (moe, _) = user(&server, "Moe", "9996621301").await;
    owner
        .create_chat(
            NewChat::supergroup("Spam wave")
                .username("spam_wave")
                .member("+9996621300")
                .member("+9996621301"),
        )
        .await
        .unwrap();
    let chat_id = server.info().chat("spam_wave").unwrap().id;
    let channel = sam
        .create_chat(NewChat::channel("Cheap followers").username("cheap_followers"))
        .await
        .unwrap();
    let enums::InputPeer::Channel(c) = &channel.peer else {
        panic!("{channel:?}");
    };
    let channel_id = c.channel_id;

    // Sam may post as himself or as his public channel; Moe has none.
    assert_eq!(
        send_as_peers(&sam).await,
        [
            enums::Peer::from(types::PeerUser { user_id: sam_id }),
            enums::Peer::from(types::PeerChannel { channel_id }),
        ]
    );
    assert_eq!(send_as_peers(&moe).await.len(), 1);
    let e = moe
        .send_message_as(WAVE, "@cheap_followers", "not mine")
        .await
        .unwrap_err();
    assert!(e.is("SEND_AS_PEER_INVALID"), "{e:?}");
    for i in 0..3 {
        sam.send_message_as(WAVE, "@cheap_followers", &format!("followers {i}"))
            .await
            .unwrap();
    }
    sam.send_message(WAVE, "just me").await.unwrap();
    // Members see the channel as the sender.
    let history = senders_and_texts(&moe).await;
    assert!(history.iter().any(|(from, text)| {
        text == "followers 0" && *from == Some(enums::Peer::from(types::PeerChannel { channel_id }))
    }));

    // Banned, the channel is no longer offered and its posts are refused;
    // Sam himself still writes.
    owner
        .edit_permissions(WAVE, "@cheap_followers", BannedRights::banned())
        .await
        .unwrap();
    assert_eq!(send_as_peers(&sam).await.len(), 1);
    let e = sam
        .send_message_as(WAVE, "@cheap_followers", "followers 3")
        .await
        .unwrap_err();
    assert!(e.is("SEND_AS_PEER_INVALID"), "{e:?}");
    sam.send_message(WAVE, "still me").await.unwrap();

    // Its posts go, a member may not make them go, Sam's own stay.
    let e = moe
        .delete_user_history(WAVE, "@cheap_followers")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    // Purged: its posts reported and deleted; banned already.
    let done = owner
        .purge(WAVE, "@cheap_followers", PurgeOptions::new())
        .await
        .unwrap();
    assert_eq!(
        (done.reported.len(), done.deleted, done.banned),
        (3, 3, false)
    );
    let reports = server.spam_reports("spam_wave");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].1, channel_id, "the channel reported, not Sam");
    assert_eq!(server.chat_texts(chat_id), ["just me", "still me"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_messages_are_deleted_for_both_sides() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let (sam, sam_id) = user(&server, "Sam", "9996621295").await;
    let (mia, mia_id) = user(&server, "Mia", "9996621296").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            sam.send_message("+9996621296", &format!("hi {i}"))
                .await
                .unwrap(),
        );
    }
    assert_eq!(server.messages(mia_id, sam_id).len(), 3);
    let n = sam
        .delete_messages("+9996621296", &[ids[0], ids[1], 999_999])
        .await
        .unwrap();
    assert_eq!(n, 2, "the unknown id is passed over");
    assert_eq!(server.messages(sam_id, mia_id), ["hi 2"]);
    assert_eq!(
        server.messages(mia_id, sam_id),
        ["hi 2"],
        "revoked for Mia too"
    );
    let _ = mia;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_reactions_are_deleted_by_an_admin() {
    use ferrogram_chat_mgmt::{ChatSetting, Reactions};
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (sam, _) = user(&server, "Sam", "9996621297").await;
    let (mia, _) = user(&server, "Mia", "9996621298").await;
    owner
        .create_chat(
            NewChat::supergroup("Spam wave")
                .username("spam_wave")
                .member("+9996621297")
                .member("+9996621298"),
        )
        .await
        .unwrap();
    let react = |c: Client, id: i32, emoji: &'static str| async move {
        let peer = c.get_input_entity(WAVE).await.unwrap();
        c.invoke(&functions::messages::SendReaction {
            msg_id: id,
            reaction: Some(vec![enums::Reaction::from(types::ReactionEmoji {
                emoticon: emoji.into(),
            })]),
            ..functions::messages::SendReaction::new(peer)
        })
        .await
    };
    let ids = send(&mia, 2, "hello").await;
    react(sam.clone(), ids[0], "💩").await.unwrap();
    react(sam.clone(), ids[1], "💩").await.unwrap();
    react(mia.clone(), ids[0], "👍").await.unwrap();
    // The chat's allowed reactions are enforced.
    owner
        .set_chat_setting(
            WAVE,
            ChatSetting::Reactions(Reactions::Some(vec!["👍".into(), "💩".into()]), None),
        )
        .await
        .unwrap();
    let e = react(sam.clone(), ids[0], "🤡").await.unwrap_err();
    assert!(e.is("REACTION_INVALID"), "{e}");
    let counts = |id: i32| {
        let owner = owner.clone();
        async move {
            let latest: Vec<enums::Message> =
                futures::TryStreamExt::try_collect(owner.iter_messages(WAVE).limit(10))
                    .await
                    .unwrap();
            latest
                .iter()
                .find_map(|m| match m {
                    enums::Message::Message(m) if m.id == id => Some(match &m.reactions {
                        Some(enums::MessageReactions::MessageReactions(r)) => r
                            .results
                            .iter()
                            .map(|c| {
                                let enums::ReactionCount::ReactionCount(c) = c;
                                c.count
                            })
                            .sum::<i32>(),
                        None => 0,
                    }),
                    _ => None,
                })
                .unwrap()
        }
    };
    assert_eq!(counts(ids[0]).await, 2);
    let e = mia
        .delete_reactions(WAVE, "+9996621297", None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    owner
        .delete_reactions(WAVE, "+9996621297", Some(ids[0]))
        .await
        .unwrap();
    assert_eq!((counts(ids[0]).await, counts(ids[1]).await), (1, 1));
    owner
        .delete_reactions(WAVE, "+9996621297", None)
        .await
        .unwrap();
    assert_eq!(
        (counts(ids[0]).await, counts(ids[1]).await),
        (1, 0),
        "Mia's stays"
    );
}

/// The texts of basic group `chat_id` as `client` reads them, oldest first.
async fn group_texts(client: &Client, chat_id: i64) -> Vec<String> {
    let history = common::history(
        client,
        enums::InputPeer::from(types::InputPeerChat { chat_id }),
    )
    .await;
    let enums::messages::Messages::Messages(m) = history else {
        panic!("a basic group's whole history: {history:?}");
    };
    let mut texts: Vec<String> = m
        .messages
        .iter()
        .filter_map(|m| match m {
            enums::Message::Message(m) => Some(m.message.to_string()),
            _ => None,
        })
        .collect();
    texts.reverse();
    texts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_group_messages_are_deleted_for_everyone_or_for_oneself() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let owner_id = owner.self_id().await.unwrap();
    let (sam, sam_id) = user(&server, "Sam", "9996621310").await;
    let (mia, _) = user(&server, "Mia", "9996621311").await;
    let bot = common::bot(&server).await;
    let group = owner
        .create_chat(
            NewChat::basic_group("Old friends")
                .member("+9996621310")
                .member("+9996621311")
                .member("@ferrogram_test_bot"),
        )
        .await
        .unwrap();
    let g = group.marked_id;
    let chat_id = -g;
    let mut spam = Vec::new();
    for i in 0..3 {
        spam.push(sam.send_message(g, &format!("spam {i}")).await.unwrap());
    }
    let hello = mia.send_message(g, "hello").await.unwrap();
    let bot_early = bot.send_message(g, "bot early").await.unwrap();
    let bot_late = bot.send_message(g, "bot late").await.unwrap();
    // A private message: its id is in the owner's common box too.
    let note = owner.send_message("+9996621310", "note").await.unwrap();

    // A plain member deletes someone else's message for herself only.
    assert_eq!(mia.delete_messages(g, &spam[..1]).await.unwrap(), 1);
    assert!(server.chat_texts(chat_id).contains(&"spam 0".to_string()));
    assert!(!group_texts(&mia, chat_id).await.contains(&"spam 0".into()));
    assert!(group_texts(&sam, chat_id).await.contains(&"spam 0".into()));
    // Her own, for everyone.
    assert_eq!(mia.delete_messages(g, &[hello]).await.unwrap(), 1);
    assert!(!server.chat_texts(chat_id).contains(&"hello".to_string()));
    assert!(!group_texts(&sam, chat_id).await.contains(&"hello".into()));

    // The creator deletes anyone's for everyone; an id of the group's call
    // that is a private message of hers is not touched.
    assert_eq!(owner.delete_messages(g, &[spam[1], note]).await.unwrap(), 1);
    assert!(!server.chat_texts(chat_id).contains(&"spam 1".to_string()));
    assert_eq!(server.messages(owner_id, sam_id), ["note"]);

    // A bot that is no admin may not delete a member's message (it cannot
    // delete for itself alone); its own, within 48 hours.
    let e = bot.delete_messages(g, &spam[2..]).await.unwrap_err();
    assert!(matches!(e, Error::MessageDeleteForbidden(_)), "{e:?}");
    assert!(server.chat_texts(chat_id).contains(&"spam 2".to_string()));
    assert_eq!(bot.delete_messages(g, &[bot_early]).await.unwrap(), 1);
    assert!(
        !server
            .chat_texts(chat_id)
            .contains(&"bot early".to_string())
    );
    server
        .clock()
        .advance(std::time::Duration::from_secs(2 * 86_400 + 1));
    let e = bot.delete_messages(g, &[bot_late]).await.unwrap_err();
    assert!(matches!(e, Error::MessageDeleteForbidden(_)), "{e:?}");
    // The creator has no time limit.
    assert_eq!(owner.delete_messages(g, &[bot_late]).await.unwrap(), 1);
    assert_eq!(server.chat_texts(chat_id), ["spam 0", "spam 2"]);
    assert_eq!(group_texts(&mia, chat_id).await, ["spam 2"]);
}
