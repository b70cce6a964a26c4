//! Discussion groups: a supergroup linked to a broadcast channel for
//! comments (`channels.setDiscussionGroup`, `channels.getGroupsForDiscussion`).

use ferrogram_client::session::{PeerKind, marked_id};
use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::target::{Target, channel_object};
use crate::{Error, Result};

/// A group that can become a channel's discussion group
/// ([`crate::Membership::groups_for_discussion`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DiscussionCandidate {
    /// The group, to address it.
    pub peer: enums::InputPeer,
    /// Its marked id.
    pub marked_id: i64,
    /// Its title.
    pub title: String,
    /// A basic group: it must become a supergroup first
    /// ([`crate::Membership::migrate_chat`]).
    pub basic_group: bool,
}

/// Links `group` to the broadcast channel `chat`, or with no group unlinks
/// `chat` (a channel from its group, or a group from its channel).
pub(crate) async fn set(client: &Client, chat: PeerRef, group: Option<PeerRef>) -> Result<()> {
    let chat = Target::resolve(client, chat).await?;
    let channel = chat.channel("a discussion group")?.clone();
    let (broadcast, group) = match group {
        Some(g) => {
            let group = match Target::resolve(client, g).await? {
                Target::Channel { channel, .. } => channel,
                Target::Chat { .. } => {
                    return Err(Error::NeedsSupergroup(
                        "a discussion group must be a supergroup: migrate the basic group first"
                            .into(),
                    ));
                }
                Target::User { .. } => {
                    return Err(Error::NotPossibleHere(
                        "a user is no discussion group".into(),
                    ));
                }
            };
            (channel, group)
        }
        None if channel_object(client, &channel).await?.megagroup => {
            (enums::InputChannel::Empty, channel)
        }
        None => (channel, enums::InputChannel::Empty),
    };
    client
        .invoke(&functions::channels::SetDiscussionGroup { broadcast, group })
        .await?;
    Ok(())
}

/// The groups the caller may make a discussion group.
pub(crate) async fn candidates(client: &Client) -> Result<Vec<DiscussionCandidate>> {
    let chats = match client
        .invoke(&functions::channels::GetGroupsForDiscussion {})
        .await?
    {
        enums::messages::Chats::Chats(c) => c.chats,
        enums::messages::Chats::Slice(c) => c.chats,
    };
    Ok(chats
        .into_iter()
        .filter_map(|c| match c {
            enums::Chat::Channel(c) => Some(DiscussionCandidate {
                peer: enums::InputPeer::from(types::InputPeerChannel {
                    channel_id: c.id,
                    access_hash: c.access_hash.unwrap_or(0),
                }),
                marked_id: marked_id(PeerKind::Megagroup, c.id),
                title: c.title.to_string(),
                basic_group: false,
            }),
            enums::Chat::Chat(c) => Some(DiscussionCandidate {
                peer: enums::InputPeer::from(types::InputPeerChat { chat_id: c.id }),
                marked_id: marked_id(PeerKind::Chat, c.id),
                title: c.title.to_string(),
                basic_group: true,
            }),
            _ => None,
        })
        .collect())
}
