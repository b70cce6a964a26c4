//! Forum topics against `testserver` over TCP: made by members and
//! admins, posts carrying their topic, closed topics (and the General
//! topic) refusing members, pins and their order, search, deletion in
//! rounds with the admin log, typing in a topic, and who may do what.

use ferrogram_chat_mgmt::{
    AdminLogFilter, AdminRights, ChatManagement, Error, ForumTopics, GENERAL_TOPIC, Membership,
    NewChat, NewTopic, TopicEdit,
};
use ferrogram_client::Client;
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::TestServer;
use futures::TryStreamExt;

mod common;
use common::{owner, user};

const DESK: &str = "@topic_desk";

/// The topic a message was posted in, read back from the server.
async fn topic_of(client: &Client, id: i32) -> Option<i32> {
    let enums::InputPeer::Channel(c) = client.get_input_entity(DESK).await.unwrap() else {
        panic!("a channel");
    };
    let answer = client
        .invoke(&functions::channels::GetMessages {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
            id: vec![enums::InputMessage::from(types::InputMessageID { id })],
        })
        .await
        .unwrap();
    let messages = match answer {
        enums::messages::Messages::ChannelMessages(m) => m.messages,
        other => panic!("{other:?}"),
    };
    match &messages[0] {
        enums::Message::Message(m) => match &m.reply_to {
            Some(enums::MessageReplyHeader::MessageReplyHeader(r)) if r.forum_topic => {
                r.reply_to_msg_id
            }
            _ => None,
        },
        other => panic!("{other:?}"),
    }
}

async fn titles(client: &Client, search: Option<&str>) -> Vec<(String, bool)> {
    let topics: Vec<_> = client
        .iter_topics(DESK, search)
        .try_collect()
        .await
        .unwrap();
    topics.into_iter().map(|t| (t.title, t.pinned)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forum_topics_are_made_posted_in_closed_pinned_and_deleted() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (moe, _) = user(&server, "Moe", "9996621900").await;
    let (ann, _) = user(&server, "Ann", "9996621901").await;
    owner
        .create_chat(
            NewChat::forum("Help desk")
                .username("topic_desk")
                .member("+9996621900")
                .member("+9996621901"),
        )
        .await
        .unwrap();
    owner
        .edit_admin(DESK, "+9996621901", AdminRights::new().ban_users(true))
        .await
        .unwrap();

    // Members make topics; posts carry theirs.
    let bugs = owner
        .create_topic(DESK, NewTopic::new("Bugs"))
        .await
        .unwrap();
    let mine = moe
        .create_topic(DESK, NewTopic::new("Moe's ideas").icon_color(0xFF93B2))
        .await
        .unwrap();
    let post = moe.send_to_topic(DESK, bugs, "it crashes").await.unwrap();
    assert_eq!(topic_of(&owner, post).await, Some(bugs));
    let plain = moe.send_message(DESK, "hello all").await.unwrap();
    assert_eq!(topic_of(&owner, plain).await, None, "the General topic");
    let e = moe.send_to_topic(DESK, 999_999, "lost").await.unwrap_err();
    assert!(matches!(e, Error::TopicInvalid(_)), "{e}");

    // A closed topic refuses members, not its moderators.
    owner
        .edit_topic(DESK, bugs, TopicEdit::new().closed(true))
        .await
        .unwrap();
    let e = moe.send_to_topic(DESK, bugs, "again").await.unwrap_err();
    assert!(matches!(e, Error::TopicClosed(_)), "{e}");
    owner
        .send_to_topic(DESK, bugs, "closed, see #42")
        .await
        .unwrap();
    // Its creator edits a topic; others need manage_topics.
    moe.edit_topic(DESK, mine, TopicEdit::new().title("Ideas"))
        .await
        .unwrap();
    let e = moe
        .edit_topic(DESK, bugs, TopicEdit::new().closed(false))
        .await;
    assert!(matches!(e, Err(Error::ChatAdminRequired(_))), "{e:?}");
    let e = ann
        .edit_topic(DESK, bugs, TopicEdit::new().closed(false))
        .await;
    assert!(
        matches!(e, Err(Error::ChatAdminRequired(_))),
        "an admin without manage_topics: {e:?}"
    );

    // The General topic: hidden, closed.
    owner.set_general_topic_hidden(DESK, true).await.unwrap();
    let e = owner
        .set_general_topic_hidden(DESK, true)
        .await
        .unwrap_err();
    assert!(e.is("TOPIC_NOT_MODIFIED"), "{e}");
    owner
        .edit_topic(DESK, GENERAL_TOPIC, TopicEdit::new().closed(true))
        .await
        .unwrap();
    let e = moe.send_message(DESK, "anyone?").await.unwrap_err();
    assert!(e.is("TOPIC_CLOSED"), "{e}");
    // Renamed (by a moderator only), its icon fixed, read back by id.
    let e = moe
        .edit_topic(DESK, GENERAL_TOPIC, TopicEdit::new().title("Lobby"))
        .await;
    assert!(matches!(e, Err(Error::ChatAdminRequired(_))), "{e:?}");
    owner
        .edit_topic(DESK, GENERAL_TOPIC, TopicEdit::new().title("Lobby"))
        .await
        .unwrap();
    let e = owner
        .edit_topic(DESK, GENERAL_TOPIC, TopicEdit::new().icon_emoji(5_000_001))
        .await
        .unwrap_err();
    assert!(e.is("GENERAL_MODIFY_ICON_FORBIDDEN"), "{e}");
    let general = owner.topics_by_id(DESK, &[GENERAL_TOPIC]).await.unwrap();
    assert_eq!(
        (
            general[0].title.as_str(),
            general[0].closed,
            general[0].hidden
        ),
        ("Lobby", true, true)
    );
    let log = owner.get_admin_log(DESK).limit(1).await.unwrap();
    assert!(
        matches!(&log[0].action, enums::ChannelAdminLogEventAction::EditTopic(t)
            if matches!(&t.new_topic, enums::ForumTopic::ForumTopic(n) if n.title == "Lobby")),
        "{log:?}"
    );
    // Closing goes alone: one request asking both is refused, the
    // library sends two.
    let e = owner
        .invoke(&functions::messages::EditForumTopic {
            title: Some("Bugs!".into()),
            closed: Some(false),
            topic_id: bugs,
            ..functions::messages::EditForumTopic::new(owner.get_input_entity(DESK).await.unwrap())
        })
        .await
        .unwrap_err();
    assert!(e.is("TOPIC_CLOSE_SEPARATELY"), "{e}");
    owner
        .edit_topic(DESK, bugs, TopicEdit::new().title("Bugs!").closed(false))
        .await
        .unwrap();
    owner
        .edit_topic(DESK, bugs, TopicEdit::new().title("Bugs").closed(true))
        .await
        .unwrap();

    // Pins: pinned first, in their order; a member may not pin.
    let faq = owner
        .create_topic(DESK, NewTopic::new("FAQ"))
        .await
        .unwrap();
    owner.pin_topic(DESK, bugs, true).await.unwrap();
    owner.pin_topic(DESK, faq, true).await.unwrap();
    let e = moe.pin_topic(DESK, mine, true).await;
    assert!(matches!(e, Err(Error::ChatAdminRequired(_))), "{e:?}");
    assert_eq!(
        titles(&owner, None).await,
        [
            ("Bugs".to_owned(), true),
            ("FAQ".into(), true),
            ("Ideas".into(), false)
        ]
    );
    owner
        .reorder_pinned_topics(DESK, &[faq, bugs])
        .await
        .unwrap();
    assert_eq!(titles(&owner, None).await[0].0, "FAQ");
    for i in 0..3 {
        let t = owner
            .create_topic(DESK, NewTopic::new(format!("Extra {i}")))
            .await
            .unwrap();
        owner.pin_topic(DESK, t, true).await.unwrap();
    }
    let sixth = owner
        .create_topic(DESK, NewTopic::new("Sixth"))
        .await
        .unwrap();
    let e = owner.pin_topic(DESK, sixth, true).await.unwrap_err();
    assert!(
        e.is("PINNED_TOO_MUCH"),
        "the limit of help.getAppConfig: {e}"
    );
    assert_eq!(
        titles(&owner, Some("idea")).await,
        [("Ideas".to_owned(), false)]
    );
    let by_id = owner.topics_by_id(DESK, &[mine, 424_242]).await.unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(
        (by_id[0].icon_color, by_id[0].creator.is_some()),
        (0xFF93B2, true)
    );

    // Typing in a topic.
    owner
        .action(DESK, "typing")
        .topic(faq)
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    // Deleting a topic with 150 messages takes two rounds; a member may
    // not delete someone else's.
    owner
        .edit_topic(DESK, GENERAL_TOPIC, TopicEdit::new().closed(false))
        .await
        .unwrap();
    let spam = moe.create_topic(DESK, NewTopic::new("Spam")).await.unwrap();
    for i in 0..150 {
        moe.send_to_topic(DESK, spam, &format!("buy {i}"))
            .await
            .unwrap();
    }
    let e = ann.delete_topic(DESK, spam).await;
    assert!(matches!(e, Err(Error::ChatAdminRequired(_))), "{e:?}");
    assert_eq!(owner.delete_topic(DESK, spam).await.unwrap(), 150);
    assert!(owner.topics_by_id(DESK, &[spam]).await.unwrap().is_empty());
    let log = owner
        .get_admin_log(DESK)
        .filter(AdminLogFilter::new().forums(true))
        .await
        .unwrap();
    assert!(matches!(
        log[0].action,
        enums::ChannelAdminLogEventAction::DeleteTopic(_)
    ));
    assert!(
        log.iter()
            .any(|e| matches!(e.action, enums::ChannelAdminLogEventAction::PinTopic(_)))
    );
}
