//! Discussion groups ([`Membership::set_discussion_group`],
//! [`Membership::groups_for_discussion`]) against `testserver` over TCP.

use ferrogram_chat_mgmt::{AdminRights, ChatManagement, Error, Membership, NewChat};
use ferrogram_client::Client;
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::TestServer;

mod common;
use common::{owner, user};

/// A channel's or supergroup's linked chat, as its full info says.
async fn linked(client: &Client, chat: &str) -> Option<i64> {
    let enums::InputPeer::Channel(c) = client.get_input_entity(chat).await.unwrap() else {
        panic!("{chat} is a channel");
    };
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::channels::GetFullChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        })
        .await
        .unwrap();
    let enums::ChatFull::ChannelFull(f) = full.full_chat else {
        panic!("a channel's full info");
    };
    let has_link = full
        .chats
        .iter()
        .any(|x| matches!(x, enums::Chat::Channel(x) if x.id == c.channel_id && x.has_link));
    assert_eq!(has_link, f.linked_chat_id.is_some(), "has_link agrees");
    f.linked_chat_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_gets_a_discussion_group_and_loses_it() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (ivy, _) = user(&server, "Ivy", "9996621170").await;
    let news = owner
        .create_chat(NewChat::channel("News").username("disc_news"))
        .await
        .unwrap();
    let talk = owner
        .create_chat(
            NewChat::supergroup("Talk")
                .username("disc_talk")
                .member("+9996621170"),
        )
        .await
        .unwrap();
    let talk2 = owner
        .create_chat(NewChat::supergroup("Talk 2").username("disc_talk2"))
        .await
        .unwrap();
    let old = owner
        .create_chat(NewChat::basic_group("Old"))
        .await
        .unwrap();
    let id = |marked: i64| -(marked + 1_000_000_000_000);

    let candidates = owner.groups_for_discussion().await.unwrap();
    let find = |m: i64| candidates.iter().find(|c| c.marked_id == m);
    assert!(find(talk.marked_id).is_some_and(|c| !c.basic_group && c.title == "Talk"));
    assert!(find(old.marked_id).is_some_and(|c| c.basic_group));
    assert!(find(news.marked_id).is_none(), "channels are no groups");
    assert!(
        ivy.groups_for_discussion().await.unwrap().is_empty(),
        "a plain member may link nothing"
    );

    owner
        .set_discussion_group("@disc_news", Some("@disc_talk".into()))
        .await
        .unwrap();
    assert_eq!(linked(&owner, "@disc_news").await, Some(id(talk.marked_id)));
    assert_eq!(linked(&owner, "@disc_talk").await, Some(id(news.marked_id)));
    let e = owner
        .set_discussion_group("@disc_news", Some("@disc_talk".into()))
        .await
        .unwrap_err();
    assert!(e.is("LINK_NOT_MODIFIED"), "{e:?}");
    let e = owner
        .set_discussion_group("@disc_news", Some(old.marked_id.into()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NeedsSupergroup(_)), "{e:?}");
    let e = owner
        .set_discussion_group("@disc_talk2", Some("@disc_talk".into()))
        .await
        .unwrap_err();
    assert!(e.is("BROADCAST_ID_INVALID"), "{e:?}");
    // Ivy may pin in the group but is no admin of the channel.
    owner
        .edit_admin(
            "@disc_talk",
            "+9996621170",
            AdminRights::new().pin_messages(true),
        )
        .await
        .unwrap();
    let e = ivy
        .set_discussion_group("@disc_news", Some("@disc_talk2".into()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    // From the group's side pinning is enough to unlink (TDLib: "requires
    // can_pin_messages member right in the supergroup").
    ivy.set_discussion_group("@disc_talk", None).await.unwrap();
    assert_eq!(linked(&owner, "@disc_news").await, None);
    owner
        .set_discussion_group("@disc_news", Some("@disc_talk".into()))
        .await
        .unwrap();

    // Another group: the first is unlinked.
    owner
        .set_discussion_group("@disc_news", Some("@disc_talk2".into()))
        .await
        .unwrap();
    assert_eq!(linked(&owner, "@disc_talk").await, None);
    assert_eq!(
        linked(&owner, "@disc_news").await,
        Some(id(talk2.marked_id))
    );
    let log = owner.get_admin_log("@disc_news").await.unwrap();
    let changes: Vec<(i64, i64)> = log
        .iter()
        .filter_map(|e| match &e.action {
            enums::ChannelAdminLogEventAction::ChangeLinkedChat(c) => {
                Some((c.prev_value, c.new_value))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        [
            (id(talk.marked_id), id(talk2.marked_id)),
            (0, id(talk.marked_id)),
            (id(talk.marked_id), 0),
            (0, id(talk.marked_id))
        ],
        "newest first"
    );
    // Filed under "info", as Telegram's filter documentation has it.
    use ferrogram_chat_mgmt::AdminLogFilter;
    let info = owner
        .get_admin_log("@disc_news")
        .filter(AdminLogFilter::new().info(true))
        .await
        .unwrap();
    let linked_in_info = info
        .iter()
        .filter(|e| {
            matches!(
                e.action,
                enums::ChannelAdminLogEventAction::ChangeLinkedChat(_)
            )
        })
        .count();
    assert_eq!(linked_in_info, changes.len());
    let settings = owner
        .get_admin_log("@disc_news")
        .filter(AdminLogFilter::new().settings(true))
        .await
        .unwrap();
    assert!(settings.is_empty(), "{settings:?}");
    // Unlinked from the group's side.
    owner
        .set_discussion_group("@disc_talk2", None)
        .await
        .unwrap();
    assert_eq!(linked(&owner, "@disc_news").await, None);
    // Deleting a linked group unlinks its channel.
    owner
        .set_discussion_group("@disc_news", Some("@disc_talk".into()))
        .await
        .unwrap();
    owner.delete_chat("@disc_talk").await.unwrap();
    assert_eq!(linked(&owner, "@disc_news").await, None);
}
