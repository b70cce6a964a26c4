//! `Peers`: every user and chat an answer carries, at any depth.

use ferrogram_tl_types::{AnyObject, Deserializable, Peers, Serializable, enums, types};

fn user(id: i64) -> enums::User {
    enums::User::from(types::User {
        id,
        access_hash: Some(id * 10),
        first_name: Some(format!("u{id}").into()),
        ..Default::default()
    })
}

fn channel(id: i64) -> enums::Chat {
    enums::Chat::from(types::ChatForbidden {
        id,
        title: format!("c{id}").into(),
    })
}

fn ids<T: Peers>(value: &T) -> (Vec<i64>, Vec<i64>) {
    let (mut users, mut chats) = (Vec::new(), Vec::new());
    value.collect_peers(&mut users, &mut chats);
    (
        users
            .iter()
            .map(|u| match u {
                enums::User::User(u) => u.id,
                enums::User::Empty(u) => u.id,
            })
            .collect(),
        chats
            .iter()
            .map(|c| match c {
                enums::Chat::Forbidden(c) => c.id,
                other => panic!("{other:?}"),
            })
            .collect(),
    )
}

#[test]
fn top_level_vectors_nested_answers_and_single_fields() {
    // messages.chatInviteJoinResultOk { updates: updates { users, chats } }
    let nested =
        enums::messages::ChatInviteJoinResult::from(types::messages::ChatInviteJoinResultOk {
            updates: enums::Updates::from(types::Updates {
                updates: Vec::new(),
                users: vec![user(1), user(2)],
                chats: vec![channel(3)],
                date: 0,
                seq: 0,
            }),
        });
    assert_eq!(ids(&nested), (vec![1, 2], vec![3]));
    // A single chat field (chatInviteAlready) and a single user (auth.authorization).
    let already = enums::ChatInvite::from(types::ChatInviteAlready { chat: channel(9) });
    assert_eq!(ids(&already), (vec![], vec![9]));
    // A vector of users is itself an answer (users.getUsers).
    assert_eq!(ids(&vec![user(4), user(5)]), (vec![4, 5], vec![]));
    // Values that hold none.
    assert_eq!(ids(&true), (vec![], vec![]));
    assert_eq!(ids(&vec![1i64, 2]), (vec![], vec![]));
    // The same through AnyObject, after a round trip.
    let any = AnyObject::from_bytes(&nested.to_bytes()).unwrap();
    assert_eq!(ids(&any), (vec![1, 2], vec![3]));
    let back = enums::messages::ChatInviteJoinResult::from_bytes(&nested.to_bytes()).unwrap();
    assert_eq!(ids(&back), (vec![1, 2], vec![3]));
}
