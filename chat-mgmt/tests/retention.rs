//! The testserver's message retention (`TestServerBuilder::message_retention`,
//! for long soak runs) over TCP: chats and mailboxes keep their latest
//! messages, a recent send retried is still the same message, and the
//! admin log is capped alike.

use ferrogram_chat_mgmt::{BannedRights, ChatManagement, Role};
use ferrogram_client::tl::enums;
use ferrogram_testserver::TestServer;

mod common;
use common::{owner, user};

const LOUNGE: &str = "@ferrogram_lounge";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chats_and_mailboxes_keep_their_latest_messages() {
    let server = TestServer::builder()
        .members(20)
        .message_retention(16)
        .event_retention(16)
        .start()
        .await
        .unwrap();
    let owner = owner(&server).await;
    let owner_id = owner.self_id().await.unwrap();
    let (sam, sam_id) = user(&server, "Sam", "9996621320").await;
    let owner_phone = format!("+{}", server.user().unwrap().phone);
    for i in 0..60 {
        owner
            .send_message(LOUNGE, &format!("post {i}"))
            .await
            .unwrap();
        sam.send_message(owner_phone.as_str(), &format!("note {i}"))
            .await
            .unwrap();
    }
    let lounge = server.info().chat("ferrogram_lounge").unwrap().id;
    let kept = server.chat_texts(lounge);
    assert!(
        (16..=19).contains(&kept.len()),
        "at most an eighth over: {}",
        kept.len()
    );
    assert_eq!(kept.last().map(String::as_str), Some("post 59"));
    for side in [(owner_id, sam_id), (sam_id, owner_id)] {
        let notes = server.messages(side.0, side.1);
        assert!((16..=19).contains(&notes.len()), "{}", notes.len());
        assert_eq!(notes.last().map(String::as_str), Some("note 59"));
    }
    // The history a client reads holds what is kept.
    let peer = owner.get_input_entity(LOUNGE).await.unwrap();
    let history = common::history(&owner, peer).await;
    let enums::messages::Messages::ChannelMessages(h) = history else {
        panic!("{history:?}");
    };
    assert_eq!(h.count as usize, kept.len());

    // The admin log keeps its latest events too.
    let members = owner.get_participants(LOUNGE).await.unwrap();
    let plain: Vec<i64> = members
        .items
        .iter()
        .filter(|p| matches!(p.role, Role::Member))
        .map(|p| p.user.id)
        .take(10)
        .collect();
    assert_eq!(plain.len(), 10);
    for u in &plain {
        for rights in [BannedRights::read_only(), BannedRights::new()] {
            owner.edit_permissions(LOUNGE, *u, rights).await.unwrap();
        }
    }
    let log = owner.get_admin_log(LOUNGE).limit(100).await.unwrap();
    assert!((16..=19).contains(&log.len()), "{}", log.len());
}

/// `TestServer::footprint` counts what the stores hold, and with
/// retention the per-message stores stay bounded however many are sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_footprint_counts_the_stores_and_retention_bounds_them() {
    let server = TestServer::builder()
        .members(20)
        .message_retention(16)
        .start()
        .await
        .unwrap();
    let before = server.footprint();
    let owner = owner(&server).await;
    let (sam, _) = user(&server, "Sam", "9996621320").await;
    let signed_in = server.footprint();
    assert!(signed_in.auth_keys >= before.auth_keys + 2, "{signed_in:?}");
    assert!(signed_in.sessions >= before.sessions + 2, "{signed_in:?}");
    assert!(signed_in.remembered_msg_ids > 0, "{signed_in:?}");
    assert!(signed_in.cached_answers > 0, "{signed_in:?}");
    assert_eq!(signed_in.authorizations, before.authorizations + 2);
    let owner_phone = format!("+{}", server.user().unwrap().phone);
    let mut at_20 = None;
    for i in 0..80 {
        if i == 20 {
            at_20 = Some(server.footprint());
        }
        owner.send_message(LOUNGE, &format!("p{i}")).await.unwrap();
        sam.send_message(owner_phone.as_str(), &format!("n{i}"))
            .await
            .unwrap();
    }
    let (at_20, end) = (at_20.unwrap(), server.footprint());
    // Sixty sends later the message stores hold no more than they did
    // (within a retention batch: an eighth over 16, per chat or mailbox).
    assert!(
        end.mailbox_messages <= at_20.mailbox_messages + 2 * 3,
        "{at_20:?} -> {end:?}"
    );
    assert!(
        end.chat_messages <= at_20.chat_messages + 3,
        "{at_20:?} -> {end:?}"
    );
    assert!(
        end.random_ids <= at_20.random_ids + 2 * 3,
        "{at_20:?} -> {end:?}"
    );
    assert!(end.subscribed_users >= 2, "{end:?}");
}
