//! Making and removing chats ([`crate::Membership::create_chat`],
//! [`crate::Membership::delete_chat`]): supergroups, forums, broadcast
//! channels and basic groups, with an about text, a public username and
//! their first members.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::target::{Target, input_user};
use crate::{Error, Result};

/// What kind of chat [`NewChat`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NewChatKind {
    /// A supergroup (`channels.createChannel` with `megagroup`).
    Supergroup,
    /// A supergroup organised in topics.
    Forum,
    /// A broadcast channel.
    Channel,
    /// A basic group (`messages.createChat`): no about text at creation, no
    /// username.
    BasicGroup,
}

/// A chat to make: its kind and title, then what the builder adds.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewChat {
    /// The kind.
    pub kind: NewChatKind,
    /// The title (not empty).
    pub title: String,
    /// The description (at most 255 characters).
    pub about: String,
    /// A public username, set once the chat exists.
    pub username: Option<String>,
    /// Who to add at once.
    pub members: Vec<PeerRef>,
}

impl NewChat {
    fn new(kind: NewChatKind, title: impl Into<String>) -> Self {
        Self {
            kind,
            title: title.into(),
            about: String::new(),
            username: None,
            members: Vec::new(),
        }
    }

    /// A supergroup.
    pub fn supergroup(title: impl Into<String>) -> Self {
        Self::new(NewChatKind::Supergroup, title)
    }

    /// A forum (a supergroup in topics).
    pub fn forum(title: impl Into<String>) -> Self {
        Self::new(NewChatKind::Forum, title)
    }

    /// A broadcast channel.
    pub fn channel(title: impl Into<String>) -> Self {
        Self::new(NewChatKind::Channel, title)
    }

    /// A basic group.
    pub fn basic_group(title: impl Into<String>) -> Self {
        Self::new(NewChatKind::BasicGroup, title)
    }

    /// Its description.
    pub fn about(mut self, about: impl Into<String>) -> Self {
        self.about = about.into();
        self
    }

    /// A public username (supergroups, forums and channels).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Adds a first member.
    pub fn member(mut self, user: impl Into<PeerRef>) -> Self {
        self.members.push(user.into());
        self
    }
}

/// A chat just made.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreatedChat {
    /// The chat, ready for any other call.
    pub peer: enums::InputPeer,
    /// Its id as the Bot API writes it (`-100…` for channels, negative for
    /// basic groups).
    pub marked_id: i64,
    /// Members Telegram did not add (their privacy settings).
    pub missing: Vec<i64>,
}

/// The first chat of an answer, as an input peer and marked id.
fn chat_of(updates: &enums::Updates) -> Option<(enums::InputPeer, i64)> {
    let chats = match updates {
        enums::Updates::Updates(u) => &u.chats,
        enums::Updates::Combined(u) => &u.chats,
        _ => return None,
    };
    chats.iter().find_map(|c| match c {
        enums::Chat::Channel(c) => Some((
            enums::InputPeer::from(types::InputPeerChannel {
                channel_id: c.id,
                access_hash: c.access_hash.unwrap_or(0),
            }),
            ferrogram_client::session::marked_id(
                ferrogram_client::session::PeerKind::Channel,
                c.id,
            ),
        )),
        enums::Chat::Chat(c) => Some((
            enums::InputPeer::from(types::InputPeerChat { chat_id: c.id }),
            ferrogram_client::session::marked_id(ferrogram_client::session::PeerKind::Chat, c.id),
        )),
        _ => None,
    })
}

pub(crate) async fn create(client: &Client, chat: NewChat) -> Result<CreatedChat> {
    if chat.kind == NewChatKind::BasicGroup && chat.username.is_some() {
        return Err(Error::NotPossibleHere(
            "basic groups have no username: make a supergroup".into(),
        ));
    }
    // A username checked before the chat is made, so a taken one makes
    // nothing (`channels.checkUsername` for a new chat).
    if let Some(username) = &chat.username {
        let free = client
            .invoke(&functions::channels::CheckUsername {
                channel: enums::InputChannel::Empty,
                username: username.trim_start_matches('@').into(),
            })
            .await?;
        if !free {
            return Err(Error::UsernameUnavailable(ferrogram_client::RpcError::new(
                400,
                "USERNAME_OCCUPIED",
            )));
        }
    }
    let mut users = Vec::with_capacity(chat.members.len());
    for m in &chat.members {
        users.push(input_user(client, m.clone()).await?);
    }
    let unexpected = || Error::UnexpectedAnswer("no chat in the answer to a new chat".into());
    if chat.kind == NewChatKind::BasicGroup {
        let enums::messages::InvitedUsers::InvitedUsers(invited) = client
            .invoke(&functions::messages::CreateChat {
                users,
                title: chat.title.into(),
                ttl_period: None,
            })
            .await?;
        let (peer, marked_id) = chat_of(&invited.updates).ok_or_else(unexpected)?;
        if let (false, enums::InputPeer::Chat(c)) = (chat.about.is_empty(), &peer) {
            client
                .invoke(&functions::messages::EditChatAbout {
                    peer: enums::InputPeer::Chat(c.clone()),
                    about: chat.about.into(),
                })
                .await?;
        }
        let missing = invited
            .missing_invitees
            .iter()
            .map(|enums::MissingInvitee::MissingInvitee(m)| m.user_id)
            .collect();
        return Ok(CreatedChat {
            peer,
            marked_id,
            missing,
        });
    }
    let updates = client
        .invoke(&functions::channels::CreateChannel {
            broadcast: chat.kind == NewChatKind::Channel,
            megagroup: chat.kind != NewChatKind::Channel,
            forum: chat.kind == NewChatKind::Forum,
            title: chat.title.into(),
            about: chat.about.into(),
            ..Default::default()
        })
        .await?;
    let (peer, marked_id) = chat_of(&updates).ok_or_else(unexpected)?;
    let target = Target::resolve(client, PeerRef::from(peer.clone())).await?;
    let channel = target.channel("a new channel")?.clone();
    if let Some(username) = chat.username {
        client
            .invoke(&functions::channels::UpdateUsername {
                channel: channel.clone(),
                username: username.trim_start_matches('@').into(),
            })
            .await?;
    }
    let mut missing = Vec::new();
    if !users.is_empty() {
        let enums::messages::InvitedUsers::InvitedUsers(invited) = client
            .invoke(&functions::channels::InviteToChannel { channel, users })
            .await?;
        missing.extend(
            invited
                .missing_invitees
                .iter()
                .map(|enums::MissingInvitee::MissingInvitee(m)| m.user_id),
        );
    }
    Ok(CreatedChat {
        peer,
        marked_id,
        missing,
    })
}

pub(crate) async fn delete(client: &Client, chat: PeerRef) -> Result<()> {
    let target = Target::resolve(client, chat).await?;
    let channel = target.channel("deleting a chat")?.clone();
    client
        .invoke(&functions::channels::DeleteChannel { channel })
        .await?;
    Ok(())
}
