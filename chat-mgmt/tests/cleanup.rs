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
