//! A basic group turned into a supergroup (`messages.migrateChat`) against
//! `testserver` over TCP: who may, what moves, what the old group answers,
//! and every call made with the group's old id following the supergroup, in
//! the session that migrated it and in another one that did not see it.

use ferrogram_chat_mgmt::{
    AdminRights, BannedRights, ChatManagement, Error, InviteLinkOptions, Membership, NewChat,
    ParticipantFilter, Role,
};
use ferrogram_client::session::{PeerKind, marked_id};
use ferrogram_client::tl::{enums, functions, types};

mod common;
use common::{owner, user};

use ferrogram_testserver::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migrated_group_is_managed_through_its_old_id() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (ivy, ivy_id) = user(&server, "Ivy", "9996621140").await;
    let (kim, kim_id) = user(&server, "Kim", "9996621141").await;
    let group = owner
        .create_chat(
            NewChat::basic_group("Crew")
                .about("the crew")
                .member("+9996621140")
                .member("+9996621141"),
        )
        .await
        .unwrap();
    let old = group.marked_id;
    let chat_id = -old;
    owner
        .edit_admin(old, kim_id, AdminRights::all().title("lead"))
        .await
        .unwrap();
    let link = owner
        .create_invite_link(old, InviteLinkOptions::new())
        .await
        .unwrap();
    // Kim's session has seen the group before it moves.
    assert_eq!(kim.get_participants(old).await.unwrap().total, 3);

    // Restricting one member needs a supergroup, and is never migrated
    // silently.
    let mute = BannedRights::new().send_messages(false);
    let e = owner
        .edit_permissions(old, ivy_id, mute.clone())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NeedsSupergroup(_)), "{e:?}");
    // Only the creator migrates: an admin and a member are refused.
    for c in [&kim, &ivy] {
        let e = c.migrate_chat(old).await.unwrap_err();
        assert!(matches!(e, Error::ChatAdminRequired(_)), "{e:?}");
    }

    // With the explicit option, the restriction migrates first.
    owner
        .edit_permissions(old, ivy_id, mute.clone().migrate_basic_group(true))
        .await
        .unwrap();
    let again = owner.migrate_chat(old).await.unwrap();
    assert!(again.already, "asking again names the same supergroup");
    assert_eq!(again.chat_id, chat_id);
    let channel_id = again.channel_id;
    let session = owner.session();
    assert_eq!(
        session
            .peer(marked_id(PeerKind::Chat, chat_id))
            .and_then(|p| p.migrated_to),
        Some(channel_id),
        "the session remembers where the group went"
    );

    // The supergroup: the same members, admin and tag; Ivy restricted.
    let members = owner.get_participants(old).await.unwrap();
    assert_eq!(members.total, 3);
    let role_of = |id: i64| {
        members
            .items
            .iter()
            .find(|p| p.user.id == id)
            .map(|p| p.role.clone())
    };
    assert!(matches!(
        role_of(kim_id),
        Some(Role::Admin { rank: Some(r), .. }) if r == "lead"
    ));
    assert!(
        matches!(
            role_of(server.user().unwrap().id),
            Some(Role::Creator { .. })
        ),
        "{members:?}"
    );
    let restricted = owner
        .get_participants(old)
        .filter(ParticipantFilter::Banned(String::new()))
        .await
        .unwrap();
    assert_eq!(restricted.items.len(), 1);
    assert_eq!(restricted.items[0].user.id, ivy_id);
    let log = owner.get_admin_log(old).await.unwrap();
    assert!(
        log.iter().any(|e| matches!(
            &e.action,
            enums::ChannelAdminLogEventAction::ParticipantToggleBan(_)
        )),
        "the restriction is in the supergroup's log: {log:?}"
    );
    let enums::InputPeer::Channel(sg) = again.peer.clone() else {
        panic!("a supergroup: {:?}", again.peer);
    };
    let enums::messages::ChatFull::ChatFull(full) = owner
        .invoke(&functions::channels::GetFullChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: sg.channel_id,
                access_hash: sg.access_hash,
            }),
        })
        .await
        .unwrap();
    let enums::ChatFull::ChannelFull(cf) = full.full_chat else {
        panic!("a channel's full info");
    };
    assert_eq!(cf.migrated_from_chat_id, Some(chat_id));
    assert!(cf.migrated_from_max_id.is_some_and(|m| m > 0));
    assert_eq!(cf.about, "the crew");

    // The old group: deactivated, pointing at the supergroup, readable, and
    // refusing writes.
    let enums::messages::ChatFull::ChatFull(full) = owner
        .invoke(&functions::messages::GetFullChat { chat_id })
        .await
        .unwrap();
    let deactivated = full.chats.iter().any(|c| {
        matches!(c, enums::Chat::Chat(c) if c.id == chat_id && c.deactivated
            && matches!(&c.migrated_to,
                Some(enums::InputChannel::InputChannel(to)) if to.channel_id == channel_id))
    });
    assert!(deactivated, "{:?}", full.chats);
    let e = owner
        .invoke(&functions::messages::EditChatTitle {
            chat_id,
            title: "Renamed".into(),
        })
        .await
        .unwrap_err();
    assert!(e.is("PEER_ID_INVALID"), "{e:?}");
    let history = owner
        .invoke(&functions::messages::GetHistory {
            limit: 10,
            ..functions::messages::GetHistory::new(enums::InputPeer::from(types::InputPeerChat {
                chat_id,
            }))
        })
        .await
        .unwrap();
    let texts = format!("{history:?}");
    assert!(texts.contains("ChatMigrateTo"), "{texts}");

    // The group's link now opens the supergroup.
    let (neo, _) = user(&server, "Neo", "9996621142").await;
    let joined = neo.accept_invite(&link.link).await.unwrap();
    assert!(
        matches!(&joined, enums::InputPeer::Channel(c) if c.channel_id == channel_id),
        "{joined:?}"
    );

    // Kim's session did not see the move; its next call with the old id
    // follows it all the same.
    let seen_by_kim = kim.get_participants(old).await.unwrap();
    assert_eq!(seen_by_kim.total, 4, "the supergroup's members, Neo too");
    assert_eq!(
        kim.session()
            .peer(marked_id(PeerKind::Chat, chat_id))
            .and_then(|p| p.migrated_to),
        Some(channel_id)
    );
    // Ivy, restricted in the supergroup, finds it through the old id too,
    // and may not write there.
    assert_eq!(ivy.get_participants(old).await.unwrap().total, 4);
    let sg = ivy
        .session()
        .peer(marked_id(PeerKind::Megagroup, channel_id))
        .expect("Ivy's session knows the supergroup");
    let e = ivy
        .invoke(&functions::messages::SendMessage {
            message: "hello".into(),
            random_id: 7,
            ..functions::messages::SendMessage::new(ferrogram_client::input_peer(&sg))
        })
        .await
        .unwrap_err();
    assert!(e.is("CHAT_WRITE_FORBIDDEN"), "{e:?}");
}
