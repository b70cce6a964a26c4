//! What kind of peer a chat reference names.

use ferrogram_client::session::{PeerKind, marked_id};
use ferrogram_client::{Client, PeerRef, input_peer};
use ferrogram_tl_types::{enums, functions, types};

use crate::{Error, Result};

/// A resolved chat (or user) reference.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// A supergroup or broadcast channel.
    Channel {
        channel: enums::InputChannel,
        peer: enums::InputPeer,
    },
    /// A basic group.
    Chat {
        chat_id: i64,
        peer: enums::InputPeer,
    },
    /// A user (or the caller).
    User { user: enums::InputUser },
}

impl Target {
    /// What `chat` names. A basic group turned into a supergroup names the
    /// supergroup: calls made with the group's id follow `migrated_to`, as
    /// Telegram's clients do (see [`follow_migration`]).
    pub(crate) async fn resolve(client: &Client, chat: PeerRef) -> Result<Self> {
        let peer = client.get_input_entity(chat).await?;
        Self::of(follow_migration(client, peer).await)
    }

    /// What an input peer names, as it is.
    fn of(peer: enums::InputPeer) -> Result<Self> {
        Ok(match peer {
            enums::InputPeer::Channel(c) => Self::Channel {
                channel: enums::InputChannel::from(types::InputChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }),
                peer: enums::InputPeer::Channel(c),
            },
            enums::InputPeer::Chat(c) => Self::Chat {
                chat_id: c.chat_id,
                peer: enums::InputPeer::Chat(c),
            },
            enums::InputPeer::User(u) => Self::User {
                user: enums::InputUser::from(types::InputUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                }),
            },
            enums::InputPeer::InputPeerSelf => Self::User {
                user: enums::InputUser::InputUserSelf,
            },
            other => {
                return Err(Error::NotPossibleHere(format!(
                    "{other:?} names no chat or user this call can use"
                )));
            }
        })
    }

    /// The channel, or a [`Error::NotPossibleHere`] naming what needs one.
    pub(crate) fn channel(&self, what: &str) -> Result<&enums::InputChannel> {
        match self {
            Self::Channel { channel, .. } => Ok(channel),
            Self::Chat { .. } => Err(Error::NotPossibleHere(format!(
                "{what} exists only in supergroups and channels, not in basic groups"
            ))),
            Self::User { .. } => Err(Error::NotPossibleHere(format!(
                "{what} exists only in supergroups and channels, not for users"
            ))),
        }
    }
}

/// The supergroup a basic group became, or `peer` as it is. A migration is
/// for good, so once the session knows one it answers; otherwise the group
/// is looked at (`messages.getChats`, one round trip, basic groups only),
/// since another client may have migrated it: the answer's `migrated_to`
/// goes to the session like any sighting. A failed look leaves `peer` as it
/// is, for the call itself to report.
pub(crate) async fn follow_migration(client: &Client, peer: enums::InputPeer) -> enums::InputPeer {
    let enums::InputPeer::Chat(c) = &peer else {
        return peer;
    };
    if let Some(to) = known_migration(client, c.chat_id) {
        return to;
    }
    let looked = client
        .invoke(&functions::messages::GetChats {
            id: vec![c.chat_id],
        })
        .await;
    match looked {
        Ok(_) => known_migration(client, c.chat_id).unwrap_or(peer),
        Err(_) => peer,
    }
}

/// The supergroup the session says basic group `chat_id` became (with its
/// access hash).
fn known_migration(client: &Client, chat_id: i64) -> Option<enums::InputPeer> {
    let session = client.session();
    let to = session
        .peer(marked_id(PeerKind::Chat, chat_id))?
        .migrated_to?;
    let channel = session.peer(marked_id(PeerKind::Megagroup, to))?;
    channel.access_hash.map(|_| input_peer(&channel))
}

/// The input user a reference names (users only).
pub(crate) async fn input_user(client: &Client, user: PeerRef) -> Result<enums::InputUser> {
    match client.get_input_entity(user).await? {
        enums::InputPeer::User(u) => Ok(enums::InputUser::from(types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        })),
        enums::InputPeer::InputPeerSelf => Ok(enums::InputUser::InputUserSelf),
        other => Err(Error::NotPossibleHere(format!("{other:?} is not a user"))),
    }
}

/// Whether an input user is the caller.
pub(crate) async fn is_self(client: &Client, user: &enums::InputUser) -> Result<bool> {
    Ok(match user {
        enums::InputUser::InputUserSelf => true,
        enums::InputUser::InputUser(u) => u.user_id == client.self_id().await?,
        _ => false,
    })
}

/// The user id of an input user (the caller's for `inputUserSelf`).
pub(crate) async fn user_id(client: &Client, user: &enums::InputUser) -> Result<i64> {
    Ok(match user {
        enums::InputUser::InputUser(u) => u.user_id,
        enums::InputUser::FromMessage(u) => u.user_id,
        _ => client.self_id().await?,
    })
}

/// The chat object of a channel (to know megagroup from broadcast, and read
/// default rights).
pub(crate) async fn channel_object(
    client: &Client,
    channel: &enums::InputChannel,
) -> Result<types::Channel> {
    let chats = match client
        .invoke(&functions::channels::GetChannels {
            id: vec![channel.clone()],
        })
        .await?
    {
        enums::messages::Chats::Chats(c) => c.chats,
        enums::messages::Chats::Slice(c) => c.chats,
    };
    chats
        .into_iter()
        .find_map(|c| match c {
            enums::Chat::Channel(c) => Some(*c),
            _ => None,
        })
        .ok_or_else(|| Error::UnexpectedAnswer("the server returned no such channel".into()))
}

/// A basic group's full info, with its users.
pub(crate) async fn full_chat(
    client: &Client,
    chat_id: i64,
) -> Result<(types::ChatFull, Vec<enums::Chat>, Vec<enums::User>)> {
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::messages::GetFullChat { chat_id })
        .await?;
    let enums::ChatFull::ChatFull(c) = full.full_chat else {
        return Err(Error::UnexpectedAnswer(format!(
            "chat {chat_id} is a channel, not a basic group"
        )));
    };
    Ok((*c, full.chats, full.users))
}

/// The service message an `Updates` carries, if any (what Telethon returns
/// from `kick_participant`).
pub(crate) fn service_message(updates: &enums::Updates) -> Option<enums::Message> {
    let list: &[enums::Update] = match updates {
        enums::Updates::Updates(u) => &u.updates,
        enums::Updates::Combined(u) => &u.updates,
        enums::Updates::UpdateShort(u) => std::slice::from_ref(&u.update),
        _ => &[],
    };
    list.iter().find_map(|u| match u {
        enums::Update::NewMessage(m) if matches!(m.message, enums::Message::Service(_)) => {
            Some(m.message.clone())
        }
        enums::Update::NewChannelMessage(m) if matches!(m.message, enums::Message::Service(_)) => {
            Some(m.message.clone())
        }
        _ => None,
    })
}
