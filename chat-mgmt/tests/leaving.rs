//! The owner leaving ([`Membership::leave_chat`], [`Membership::future_owner`])
//! against `testserver` over TCP: a basic group passes at once to the
//! longest-standing admin; a supergroup waits 7 days on the server's clock
//! for its owner to come back; `revoke_history` takes a member's messages.

use std::time::Duration;

use ferrogram_chat_mgmt::{AdminRights, ChatManagement, Error, Membership, NewChat, Role};
use ferrogram_client::Client;
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::TestServer;

mod common;
use common::{owner, user};

async fn creator_of(client: &Client, chat: impl Into<ferrogram_client::PeerRef>) -> Option<i64> {
    let members = client.get_participants(chat).await.unwrap();
    members
        .items
        .iter()
        .find(|p| matches!(p.role, Role::Creator { .. }))
        .map(|p| p.user.id)
}

/// A basic group's last 20 messages, as text to search.
async fn history_of(client: &Client, chat: i64) -> String {
    let history = client
        .invoke(&functions::messages::GetHistory {
            limit: 20,
            ..functions::messages::GetHistory::new(enums::InputPeer::from(types::InputPeerChat {
                chat_id: -chat,
            }))
        })
        .await
        .unwrap();
    format!("{history:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_basic_group_passes_at_once_to_the_longest_standing_admin() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let owner_id = server.user().unwrap().id;
    let (ivy, ivy_id) = user(&server, "Ivy", "9996621160").await;
    let (kim, kim_id) = user(&server, "Kim", "9996621161").await;
    let (lou, lou_id) = user(&server, "Lou", "9996621162").await;
    let group = owner
        .create_chat(
            NewChat::basic_group("Heirs")
                .member("+9996621160")
                .member("+9996621161")
                .member("+9996621162"),
        )
        .await
        .unwrap();
    let chat = group.marked_id;
    // With no admin, the longest-standing member would take over (all
    // joined at once: the lowest id first).
    let first = owner.future_owner(chat).await.unwrap().unwrap().id;
    assert_eq!(first, ivy_id.min(kim_id).min(lou_id));
    owner
        .edit_admin(chat, "+9996621162", AdminRights::all())
        .await
        .unwrap();
    assert_eq!(owner.future_owner(chat).await.unwrap().unwrap().id, lou_id);
    let e = ivy.future_owner(chat).await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");

    // Ivy writes; Kim removes her later with her history.
    ivy.send_message(chat, "from Ivy").await.unwrap();
    owner.leave_chat(chat).await.unwrap();
    assert_eq!(creator_of(&kim, chat).await, Some(lou_id), "at once");
    let history = history_of(&kim, chat).await;
    assert!(history.contains("ChangeCreator"), "{history}");
    assert!(history.contains("from Ivy"), "{history}");
    assert!(
        !owner
            .get_participants(chat)
            .await
            .is_ok_and(|m| m.items.iter().any(|p| p.user.id == owner_id))
    );
    // The new owner removes Ivy with her messages.
    let members = lou.get_participants(chat).await.unwrap();
    let ivy_input = members
        .items
        .iter()
        .find(|p| p.user.id == ivy_id)
        .map(|p| {
            enums::InputUser::from(types::InputUser {
                user_id: ivy_id,
                access_hash: p.user.access_hash.unwrap(),
            })
        })
        .unwrap();
    lou.invoke(&functions::messages::DeleteChatUser {
        revoke_history: true,
        chat_id: -chat,
        user_id: ivy_input,
    })
    .await
    .unwrap();
    let history = history_of(&kim, chat).await;
    assert!(!history.contains("from Ivy"), "{history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supergroup_waits_a_week_for_its_owner() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let owner_id = server.user().unwrap().id;
    let (kim, kim_id) = user(&server, "Kim", "9996621163").await;
    let made = owner
        .create_chat(
            NewChat::supergroup("Waiting room")
                .username("waiting_room")
                .member("+9996621163"),
        )
        .await
        .unwrap();
    let chat = made.marked_id;
    // A bot admin promoted first is passed over: bots cannot own chats.
    owner
        .add_members(chat, ["@ferrogram_test_bot"])
        .await
        .unwrap();
    owner
        .edit_admin(chat, "@ferrogram_test_bot", AdminRights::all())
        .await
        .unwrap();
    owner
        .edit_admin(chat, "+9996621163", AdminRights::all())
        .await
        .unwrap();
    assert_eq!(owner.future_owner(chat).await.unwrap().unwrap().id, kim_id);

    // Leaving and coming back within the week: still the owner.
    owner.leave_chat(chat).await.unwrap();
    server.clock().advance(Duration::from_secs(3 * 86_400));
    assert_eq!(
        creator_of(&kim, "@waiting_room").await,
        None,
        "nobody owns it meanwhile"
    );
    owner
        .invoke(&functions::channels::JoinChannel {
            channel: match owner.get_input_entity("@waiting_room").await.unwrap() {
                enums::InputPeer::Channel(c) => enums::InputChannel::from(types::InputChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }),
                other => panic!("{other:?}"),
            },
        })
        .await
        .unwrap();
    assert_eq!(creator_of(&kim, "@waiting_room").await, Some(owner_id));

    // Leaving for more than a week: Kim owns it, and the old owner comes
    // back as a member.
    owner.leave_chat(chat).await.unwrap();
    server.clock().advance(Duration::from_secs(7 * 86_400 + 60));
    assert_eq!(creator_of(&kim, "@waiting_room").await, Some(kim_id));
    let e = owner.future_owner(chat).await.unwrap_err();
    assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
}
