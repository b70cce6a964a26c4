//! Cleaning up after a spammer ([`crate::Moderation`]): deleting messages,
//! everything a member wrote, reporting spam, pinning, and "report, delete
//! and ban" as one call.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};
use futures::TryStreamExt;

use crate::target::{Target, input_user};
use crate::{BannedRights, ChatManagement, Error, Result};

/// How many of a member's latest messages [`crate::Moderation::purge`] reports as spam (the
/// history is read newest first until this many are found, or 1,000
/// messages were read).
pub const PURGE_REPORT_MAX: usize = 100;

/// What [`crate::Moderation::purge`] does; everything by default.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PurgeOptions {
    /// Report the member's latest messages as spam first.
    pub report: bool,
    /// Delete everything the member wrote.
    pub delete: bool,
    /// Ban the member (for ever).
    pub ban: bool,
}

impl Default for PurgeOptions {
    fn default() -> Self {
        Self {
            report: true,
            delete: true,
            ban: true,
        }
    }
}

impl PurgeOptions {
    /// Report, delete and ban.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to report first.
    pub fn report(mut self, report: bool) -> Self {
        self.report = report;
        self
    }

    /// Whether to delete what they wrote.
    pub fn delete(mut self, delete: bool) -> Self {
        self.delete = delete;
        self
    }

    /// Whether to ban them.
    pub fn ban(mut self, ban: bool) -> Self {
        self.ban = ban;
        self
    }
}

/// What [`crate::Moderation::purge`] did, exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurgeReport {
    /// The message ids reported as spam.
    pub reported: Vec<i32>,
    /// How many messages were deleted.
    pub deleted: u32,
    /// Whether the member was banned by this call (not when they were
    /// already).
    pub banned: bool,
}

/// The supergroup or channel, or [`Error::NeedsSupergroup`].
async fn channel(client: &Client, chat: PeerRef, what: &str) -> Result<enums::InputChannel> {
    match Target::resolve(client, chat).await? {
        Target::Channel { channel, .. } => Ok(channel),
        Target::Chat { .. } => Err(Error::NeedsSupergroup(format!(
            "{what} is served here for supergroups and channels: migrate the basic group first"
        ))),
        Target::User { .. } => Err(Error::NotPossibleHere(format!(
            "{what} exists in groups and channels"
        ))),
    }
}

/// A user as an input peer.
fn user_peer(user: &enums::InputUser) -> enums::InputPeer {
    match user {
        enums::InputUser::InputUser(u) => enums::InputPeer::from(types::InputPeerUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        }),
        _ => enums::InputPeer::InputPeerSelf,
    }
}

pub(crate) async fn delete_messages(client: &Client, chat: PeerRef, ids: &[i32]) -> Result<u32> {
    let target = Target::resolve(client, chat.clone()).await?;
    if let Target::User { .. } = target {
        // A private chat: ids are the caller's; `revoke` deletes the other
        // side's copies too, as Telethon's `delete_messages(revoke=True)`.
        let enums::messages::AffectedMessages::AffectedMessages(a) = client
            .invoke(&functions::messages::DeleteMessages {
                revoke: true,
                id: ids.to_vec(),
            })
            .await?;
        return Ok(u32::try_from(a.pts_count).unwrap_or(0));
    }
    if let Target::Chat { chat_id, .. } = target {
        return delete_in_group(client, chat_id, ids).await;
    }
    let channel = channel(client, chat, "deleting messages").await?;
    let enums::messages::AffectedMessages::AffectedMessages(a) = client
        .invoke(&functions::channels::DeleteMessages {
            channel,
            id: ids.to_vec(),
        })
        .await?;
    Ok(u32::try_from(a.pts_count).unwrap_or(0))
}

/// Deletes messages of basic group `chat_id` for everyone
/// (`messages.deleteMessages` with `revoke`). Its ids are in the caller's
/// common message box, shared with private chats, so the call names no
/// chat: the ids are first looked up (`messages.getMessages`) and only
/// those of this group are sent, never a private message that happens to
/// have one of them.
async fn delete_in_group(client: &Client, chat_id: i64, ids: &[i32]) -> Result<u32> {
    let found = client
        .invoke(&functions::messages::GetMessages {
            id: ids
                .iter()
                .map(|&id| enums::InputMessage::from(types::InputMessageID { id }))
                .collect(),
        })
        .await?;
    let messages = match found {
        enums::messages::Messages::Messages(m) => m.messages,
        enums::messages::Messages::Slice(m) => m.messages,
        enums::messages::Messages::ChannelMessages(m) => m.messages,
        enums::messages::Messages::NotModified(_) => Vec::new(),
    };
    let in_group =
        |peer: &enums::Peer| matches!(peer, enums::Peer::Chat(c) if c.chat_id == chat_id);
    let ours: Vec<i32> = messages
        .iter()
        .filter_map(|m| match m {
            enums::Message::Message(m) if in_group(&m.peer_id) => Some(m.id),
            enums::Message::Service(m) if in_group(&m.peer_id) => Some(m.id),
            _ => None,
        })
        .collect();
    if ours.is_empty() {
        return Ok(0);
    }
    let enums::messages::AffectedMessages::AffectedMessages(a) = client
        .invoke(&functions::messages::DeleteMessages {
            revoke: true,
            id: ours,
        })
        .await?;
    Ok(u32::try_from(a.pts_count).unwrap_or(0))
}

/// Who a member's messages are from, as `channels.deleteParticipantHistory`
/// and `channels.reportSpam` name them: a user, or a channel members post
/// as (`send_as`).
async fn sender_peer(client: &Client, sender: PeerRef) -> Result<enums::InputPeer> {
    match client.get_input_entity(sender).await? {
        peer @ enums::InputPeer::Channel(_) => Ok(peer),
        enums::InputPeer::Chat(c) => Err(Error::NotPossibleHere(format!(
            "basic group {} sends no messages into other chats",
            c.chat_id
        ))),
        other => {
            let user = input_user(client, PeerRef::from(other)).await?;
            Ok(user_peer(&user))
        }
    }
}

/// Deletes everything `user` wrote, repeating while the server says more
/// remains (at most 10,000 rounds, a bound a server cannot stretch).
pub(crate) async fn delete_user_history(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
) -> Result<u32> {
    let channel = channel(client, chat, "deleting a member's messages").await?;
    let participant = sender_peer(client, user).await?;
    let mut deleted = 0u32;
    for _ in 0..10_000 {
        let enums::messages::AffectedHistory::AffectedHistory(a) = client
            .invoke(&functions::channels::DeleteParticipantHistory {
                channel: channel.clone(),
                participant: participant.clone(),
            })
            .await?;
        deleted = deleted.saturating_add(u32::try_from(a.pts_count).unwrap_or(0));
        if a.offset <= 0 || a.pts_count <= 0 {
            break;
        }
    }
    Ok(deleted)
}

pub(crate) async fn report_spam(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
    ids: &[i32],
) -> Result<()> {
    let channel = channel(client, chat, "reporting spam").await?;
    let participant = sender_peer(client, user).await?;
    client
        .invoke(&functions::channels::ReportSpam {
            channel,
            participant,
            id: ids.to_vec(),
        })
        .await?;
    Ok(())
}

pub(crate) async fn pin(
    client: &Client,
    chat: PeerRef,
    id: i32,
    unpin: bool,
    silent: bool,
) -> Result<()> {
    let peer = match Target::resolve(client, chat).await? {
        Target::Channel { peer, .. } | Target::Chat { peer, .. } => peer,
        Target::User { .. } => {
            return Err(Error::NotPossibleHere(
                "pinning here is for groups and channels".into(),
            ));
        }
    };
    client
        .invoke(&functions::messages::UpdatePinnedMessage {
            silent,
            unpin,
            pm_oneside: false,
            peer,
            id,
        })
        .await?;
    Ok(())
}

/// The ids of the latest messages from `sender` (at most
/// [`PURGE_REPORT_MAX`], reading at most 1,000 messages).
async fn latest_of(client: &Client, chat: PeerRef, sender: &enums::Peer) -> Result<Vec<i32>> {
    let mut ids = Vec::new();
    let mut history = client.iter_messages(chat).limit(1_000);
    while let Some(m) = history.try_next().await? {
        if let enums::Message::Message(m) = &m
            && m.from_id.as_ref() == Some(sender)
        {
            ids.push(m.id);
            if ids.len() >= PURGE_REPORT_MAX {
                break;
            }
        }
    }
    Ok(ids)
}

/// Report, delete, ban: each step as asked, in that order, reporting what
/// was done; a step that fails stops the rest and is the error.
pub(crate) async fn purge(
    client: &Client,
    chat: PeerRef,
    user: PeerRef,
    options: PurgeOptions,
) -> Result<PurgeReport> {
    // Resolved once: a supergroup or channel, and the member (or a channel
    // members post as).
    channel(client, chat.clone(), "purging a member").await?;
    let sender = sender_peer(client, user).await?;
    let from = match &sender {
        enums::InputPeer::Channel(c) => enums::Peer::from(types::PeerChannel {
            channel_id: c.channel_id,
        }),
        enums::InputPeer::User(u) => enums::Peer::from(types::PeerUser { user_id: u.user_id }),
        _ => enums::Peer::from(types::PeerUser {
            user_id: client.self_id().await?,
        }),
    };
    let user = PeerRef::from(sender);
    let mut report = PurgeReport::default();
    if options.report {
        let ids = latest_of(client, chat.clone(), &from).await?;
        if !ids.is_empty() {
            report_spam(client, chat.clone(), user.clone(), &ids).await?;
        }
        report.reported = ids;
    }
    if options.delete {
        report.deleted = delete_user_history(client, chat.clone(), user.clone()).await?;
    }
    if options.ban {
        // Banned already: nothing done, and the report says so.
        match client
            .edit_permissions(chat, user, BannedRights::banned())
            .await
        {
            Ok(()) => report.banned = true,
            Err(Error::ChatNotModified(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// A channel banned from a chat ([`crate::Moderation::banned_channels`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BannedChannel {
    /// Its marked id (`-100…`).
    pub id: i64,
    /// Its title, when the server sent the channel along.
    pub title: Option<String>,
    /// Who banned it.
    pub by: i64,
    /// When (Unix seconds).
    pub date: i32,
}

/// The channels banned from a supergroup (the kicked list's non-user
/// entries, which participant listings, being of users, leave out).
pub(crate) async fn banned_channels(client: &Client, chat: PeerRef) -> Result<Vec<BannedChannel>> {
    use ferrogram_client::session::{PeerKind, marked_id};
    let channel = channel(client, chat, "banning channels").await?;
    let mut out = Vec::new();
    // Bounded: a page of 200 each time, at most 10,000 entries.
    for page in 0..50 {
        let answer = client
            .invoke(&functions::channels::GetParticipants {
                channel: channel.clone(),
                filter: enums::ChannelParticipantsFilter::from(types::ChannelParticipantsKicked {
                    q: Default::default(),
                }),
                offset: page * 200,
                limit: 200,
                hash: 0,
            })
            .await?;
        let enums::channels::ChannelParticipants::ChannelParticipants(p) = answer else {
            break;
        };
        let got = p.participants.len();
        for e in &p.participants {
            if let enums::ChannelParticipant::Banned(b) = e
                && let enums::Peer::Channel(c) = &b.peer
            {
                let title = p.chats.iter().find_map(|ch| match ch {
                    enums::Chat::Channel(ch) if ch.id == c.channel_id => Some(ch.title.clone()),
                    _ => None,
                });
                out.push(BannedChannel {
                    id: marked_id(PeerKind::Channel, c.channel_id),
                    title: title.map(String::from),
                    by: b.kicked_by,
                    date: b.date,
                });
            }
        }
        if got < 200 {
            break;
        }
    }
    Ok(out)
}
