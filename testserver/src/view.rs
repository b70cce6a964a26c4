//! How stored state becomes TL objects: users, chats and messages as a given viewer sees them.

use ferrogram_tl_types::{enums, types};

use crate::world::World;

/// `viewer`'s view of each distinct user in `ids`.
pub(crate) fn users_of(w: &World, viewer: i64, mut ids: Vec<i64>) -> Vec<enums::User> {
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| w.user_view(viewer, id))
        .collect()
}

pub(crate) fn chat_updates(
    w: &World,
    me: i64,
    chat: i64,
    users: Vec<i64>,
    date: i32,
) -> enums::Updates {
    enums::Updates::from(types::Updates {
        updates: Vec::new(),
        users: users_of(w, me, users),
        chats: w.chat_view(me, chat).into_iter().collect(),
        date,
        seq: 0,
    })
}

/// The author of a message in TL form.
pub(crate) fn message_author(m: &enums::Message) -> Option<i64> {
    let from = match m {
        enums::Message::Message(m) => m.from_id.as_ref(),
        enums::Message::Service(m) => m.from_id.as_ref(),
        enums::Message::Empty(_) => None,
    };
    match from {
        Some(enums::Peer::User(u)) => Some(u.user_id),
        _ => None,
    }
}
