//! An update's identity: what tells it apart from every other update of the
//! account, so a handler that sees it twice (a restart fetching a batch
//! again) can tell.

use ferrogram_tl_types::enums;

use super::{channel_of, channel_pts, common_pts, qts_of};

/// The id of a message, whatever its kind.
fn message_id(m: &enums::Message) -> i32 {
    match m {
        enums::Message::Message(m) => m.id,
        enums::Message::Service(m) => m.id,
        enums::Message::Empty(m) => m.id,
    }
}

/// An update's identity among the account's updates, or `None` for one
/// Telegram never delivers twice (a typing notice, a status: updates with
/// neither `pts` nor `qts`, which `updates.getDifference` does not fetch
/// again).
///
/// - a new message: its id (`m:ID`; `cm:CHANNEL:ID` in a channel), the same
///   whether it was pushed (with a `pts`) or fetched by a difference (a
///   message without one);
/// - any other update of the common box: its `pts` and `pts_count`
///   (`p:PTS:COUNT`); of a channel's: `c:CHANNEL:PTS:COUNT`;
/// - an update of the secondary box (bots' membership updates, ...): `q:QTS`.
///
/// Message ids, `pts` and `qts` only grow, so an identity never comes back
/// for another update.
pub fn update_identity(update: &enums::Update) -> Option<String> {
    match update {
        enums::Update::NewMessage(u) => return Some(format!("m:{}", message_id(&u.message))),
        enums::Update::NewChannelMessage(u) => {
            let channel = channel_of(&u.message)?;
            return Some(format!("cm:{channel}:{}", message_id(&u.message)));
        }
        _ => {}
    }
    if let Some((channel, pts, count)) = channel_pts(update) {
        return (pts != 0).then(|| format!("c:{channel}:{pts}:{count}"));
    }
    if let Some(qts) = qts_of(update) {
        return Some(format!("q:{qts}"));
    }
    let (pts, count) = common_pts(update)?;
    (pts != 0).then(|| format!("p:{pts}:{count}"))
}

#[cfg(test)]
mod tests {
    use ferrogram_tl_types::types;

    use super::*;

    fn message(id: i32, peer: enums::Peer) -> enums::Message {
        enums::Message::from(types::Message {
            id,
            ..types::Message::new(peer)
        })
    }

    #[test]
    fn a_message_is_itself_pushed_or_fetched() {
        let peer = enums::Peer::from(types::PeerUser { user_id: 7 });
        let pushed = enums::Update::from(types::UpdateNewMessage {
            message: message(41, peer.clone()),
            pts: 90,
            pts_count: 1,
        });
        let fetched = enums::Update::from(types::UpdateNewMessage {
            message: message(41, peer),
            pts: 0,
            pts_count: 0,
        });
        assert_eq!(update_identity(&pushed).as_deref(), Some("m:41"));
        assert_eq!(update_identity(&pushed), update_identity(&fetched));
        let channel = enums::Peer::from(types::PeerChannel { channel_id: 5 });
        let in_channel = enums::Update::from(types::UpdateNewChannelMessage {
            message: message(41, channel),
            pts: 3,
            pts_count: 1,
        });
        assert_eq!(update_identity(&in_channel).as_deref(), Some("cm:5:41"));
    }

    #[test]
    fn other_updates_by_their_box() {
        let deleted = enums::Update::from(types::UpdateDeleteMessages {
            messages: vec![1, 2],
            pts: 12,
            pts_count: 2,
        });
        assert_eq!(update_identity(&deleted).as_deref(), Some("p:12:2"));
        let channel_deleted = enums::Update::from(types::UpdateDeleteChannelMessages {
            channel_id: 5,
            messages: vec![1],
            pts: 4,
            pts_count: 1,
        });
        assert_eq!(
            update_identity(&channel_deleted).as_deref(),
            Some("c:5:4:1")
        );
        let typing = enums::Update::from(types::UpdateUserTyping {
            user_id: 7,
            ..types::UpdateUserTyping::new(enums::SendMessageAction::SendMessageTypingAction)
        });
        assert_eq!(update_identity(&typing), None);
    }
}
