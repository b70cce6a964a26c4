//! Membership events ([`Membership::membership_events`]) against
//! `testserver` over TCP: a welcome bot, admin of the lounge and of the
//! team (a basic group), hears each kind of change, including the ones made
//! while its connection was down; a user admin hears the pending count.

use std::time::Duration;

use ferrogram_chat_mgmt::{
    AdminRights, BannedRights, ChatManagement, InviteLinkOptions, JoinMethod, Membership,
    MembershipEvent, MembershipEventKind as K, MembershipEvents,
};
use ferrogram_client::Client;
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::TestServer;

mod common;
use common::{bot, owner, user};

const LOUNGE: &str = "@ferrogram_lounge";

async fn next_event(events: &mut MembershipEvents) -> MembershipEvent {
    tokio::time::timeout(Duration::from_secs(20), events.next())
        .await
        .expect("an event in time")
        .expect("the stream goes on")
        .expect("no error")
}

/// The next `n` events about users (pending counts left out).
async fn take(events: &mut MembershipEvents, n: usize) -> Vec<(i64, K)> {
    let mut got = Vec::new();
    while got.len() < n {
        let e = next_event(events).await;
        if !matches!(e.kind, K::PendingRequests { .. }) {
            got.push((e.user_id, e.kind));
        }
    }
    got
}

async fn lounge_channel(client: &Client) -> enums::InputChannel {
    let enums::InputPeer::Channel(c) = client.get_input_entity(LOUNGE).await.unwrap() else {
        panic!("the lounge is a channel");
    };
    enums::InputChannel::from(types::InputChannel {
        channel_id: c.channel_id,
        access_hash: c.access_hash,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_welcome_bot_hears_every_kind_of_membership_change() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let owner = owner(&server).await;
    let bot = bot(&server).await;
    let bot_id = bot.self_id().await.unwrap();
    let mut events = bot.membership_events();
    events.start().await.unwrap();
    let mut pending = owner.membership_events();
    pending.start().await.unwrap();
    let (ann, ann_id) = user(&server, "Ann", "9996621150").await;
    let (ben, ben_id) = user(&server, "Ben", "9996621151").await;
    let (cat, cat_id) = user(&server, "Cat", "9996621152").await;
    server.create_user("Dan", "Added", "9996621153");

    // Joins: directly, through a link, by an approved request, added.
    ann.invoke(&functions::channels::JoinChannel {
        channel: lounge_channel(&ann).await,
    })
    .await
    .unwrap();
    let link = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new())
        .await
        .unwrap();
    ben.accept_invite(&link.link).await.unwrap();
    let gate = owner
        .create_invite_link(LOUNGE, InviteLinkOptions::new().request_needed(true))
        .await
        .unwrap();
    assert!(cat.accept_invite(&gate.link).await.is_err(), "a request");
    let asked = next_event(&mut pending).await;
    assert!(
        matches!(&asked.kind, K::PendingRequests { count: 1, recent } if recent == &[cat_id]),
        "the owner hears the pending count: {asked:?}"
    );
    owner
        .decide_join_request(LOUNGE, cat_id, true)
        .await
        .unwrap();
    let added = owner.add_members(LOUNGE, ["+9996621153"]).await.unwrap();
    let dan_id = server.user_id_by_phone("9996621153").unwrap();
    assert_eq!(added.len(), 1);
    let got = take(&mut events, 5).await;
    assert_eq!(
        got,
        vec![
            (ann_id, K::Joined(JoinMethod::Directly)),
            (ben_id, K::Joined(JoinMethod::Link)),
            (
                cat_id,
                K::JoinRequested {
                    about: String::new()
                }
            ),
            (cat_id, K::Joined(JoinMethod::Request)),
            (dan_id, K::Joined(JoinMethod::Invited)),
        ]
    );

    // Rights: promoted with a tag, demoted, restricted, let go.
    owner
        .edit_admin(
            LOUNGE,
            "+9996621151",
            AdminRights::new().pin_messages(true).title("helper"),
        )
        .await
        .unwrap();
    owner
        .edit_admin(LOUNGE, "+9996621151", AdminRights::demote())
        .await
        .unwrap();
    owner
        .edit_permissions(LOUNGE, "+9996621151", BannedRights::new().send_media(false))
        .await
        .unwrap();
    owner
        .edit_permissions(LOUNGE, "+9996621151", BannedRights::new())
        .await
        .unwrap();
    let got = take(&mut events, 4).await;
    assert!(
        matches!(&got[0], (id, K::Promoted { rank: Some(r), rights: Some(x) })
            if *id == ben_id && r == "helper" && x.pin_messages),
        "{got:?}"
    );
    assert_eq!(got[1], (ben_id, K::Demoted));
    assert!(
        matches!(&got[2], (id, K::Restricted { rights }) if *id == ben_id && rights.send_media),
        "{got:?}"
    );
    assert_eq!(got[3], (ben_id, K::Unrestricted));

    // Leaving, banning, lifting a ban; a kick is a ban and its lifting.
    ann.invoke(&functions::channels::LeaveChannel {
        channel: lounge_channel(&ann).await,
    })
    .await
    .unwrap();
    owner
        .edit_permissions(LOUNGE, "+9996621152", BannedRights::banned())
        .await
        .unwrap();
    owner
        .edit_permissions(LOUNGE, "+9996621152", BannedRights::new())
        .await
        .unwrap();
    owner
        .kick_participant_after(LOUNGE, "+9996621153", Duration::ZERO)
        .await
        .unwrap();
    let got = take(&mut events, 5).await;
    assert_eq!(
        got,
        vec![
            (ann_id, K::Left),
            (cat_id, K::Banned { until: None }),
            (cat_id, K::Unbanned),
            (dan_id, K::Banned { until: None }),
            (dan_id, K::Unbanned),
        ]
    );

    // While the bot's connection is down: nothing is lost (the stream asks
    // updates.getDifference when it is back).
    assert!(server.disconnect_user(bot_id) > 0);
    ben.invoke(&functions::channels::LeaveChannel {
        channel: lounge_channel(&ben).await,
    })
    .await
    .unwrap();
    assert_eq!(take(&mut events, 1).await, vec![(ben_id, K::Left)]);
    // With no stream at all: a new one starts from the state the last one
    // saved in the session, so what happened meanwhile comes first (the
    // last event handled, said before going: else it would come again).
    events.commit().unwrap();
    drop(events);
    ben.accept_invite(&link.link).await.unwrap();
    let mut events = bot.membership_events();
    assert_eq!(
        take(&mut events, 1).await,
        vec![(ben_id, K::Joined(JoinMethod::Link))]
    );

    // A basic group: added, then removed by an admin.
    let team = server
        .info()
        .first_of(ferrogram_testserver::chats::ChatKind::Group)
        .expect("the team exists")
        .marked_id;
    owner.add_members(team, ["+9996621150"]).await.unwrap();
    owner.kick_participant(team, "+9996621150").await.unwrap();
    let got = take(&mut events, 2).await;
    assert_eq!(
        got,
        vec![
            (ann_id, K::Joined(JoinMethod::Invited)),
            (ann_id, K::Removed),
        ]
    );
    let _ = cat;
}
