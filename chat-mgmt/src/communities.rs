//! [`Communities`] (layer 228): a community groups supergroups and channels
//! under one owner; a ban in it reaches every one of its chats. The calls
//! are `communities.*`; a community's details come from
//! `channels.getFullChannel` (its `communityFull`). Communities are named
//! like channels: by the marked id (`-100…`) the session learned when the
//! client saw it ([`Communities::create_community`],
//! [`Communities::joined_communities`]).

use ferrogram_client::session::{PeerKind, marked_id};
use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};
use futures::Stream;

use crate::target::input_user;
use crate::{Error, Result};

/// A community to make ([`Communities::create_community`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewCommunity {
    /// Its title.
    pub title: String,
    /// Its description.
    pub about: Option<String>,
    /// Its first chat: a supergroup or channel you own.
    pub first_chat: PeerRef,
    /// The first chat shown to the community's admins only.
    pub hidden: bool,
}

impl NewCommunity {
    /// A community named `title`, with `first_chat` (one you own) in it.
    pub fn new(title: impl Into<String>, first_chat: impl Into<PeerRef>) -> Self {
        Self {
            title: title.into(),
            about: None,
            first_chat: first_chat.into(),
            hidden: false,
        }
    }

    /// Its description (at most 255 characters).
    pub fn about(mut self, about: impl Into<String>) -> Self {
        self.about = Some(about.into());
        self
    }

    /// Shows the first chat to the community's admins only.
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }
}

/// A chat of a community.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommunityChat {
    /// Its marked id.
    pub id: i64,
    /// Its title, when the server sent the chat along.
    pub title: Option<String>,
    /// Shown to everyone (false: to the community's admins only).
    pub visible: bool,
}

/// A community as its full view tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommunityInfo {
    /// Its marked id (`-100…`), to name it in every call.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its description.
    pub about: String,
    /// You own it.
    pub creator: bool,
    /// Its chats (hidden ones for its admins only).
    pub chats: Vec<CommunityChat>,
    /// Its admins, the owner included (for admins).
    pub admins: Option<u32>,
    /// Users banned in it (for admins).
    pub banned: Option<u32>,
    /// Requests to add a chat, waiting (for admins who may decide them).
    pub pending_requests: Option<u32>,
}

/// A community in a listing ([`Communities::joined_communities`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommunitySummary {
    /// Its marked id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// You own it.
    pub creator: bool,
}

/// How [`Communities::link_chat`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkOutcome {
    /// The chat is in the community.
    Linked,
    /// You may not change the community's chats: a request went to its
    /// admins (`COMMUNITY_REQUEST_CREATED`).
    Requested,
}

/// A request to add a chat to a community.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LinkRequest {
    /// The chat's marked id.
    pub chat: i64,
    /// Its title, when the server sent the chat along.
    pub title: Option<String>,
    /// Who asked.
    pub requested_by: i64,
    /// When (Unix seconds).
    pub date: i32,
    /// To be shown to everyone once added.
    pub visible: bool,
}

/// The chats of a community a user owns or is in
/// ([`Communities::community_chats_of`]): what a ban would reach.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemberChats {
    /// Chats they own (a ban takes these out of the community).
    pub owned: Vec<i64>,
    /// Chats they are a member of.
    pub joined: Vec<i64>,
}

/// Communities: making one, its chats and the requests to add one, bans
/// across all its chats (mtcute's `banCommunityParticipant`, TDLib's
/// community functions). Implemented for [`Client`].
#[allow(async_fn_in_trait)]
pub trait Communities {
    /// Makes a community with one of your chats in it.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{Communities, NewCommunity};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let c = client
    ///     .create_community(NewCommunity::new("Rust meetups", "@rust_berlin").about("All cities"))
    ///     .await?;
    /// println!("community {}", c.id);
    /// # Ok(()) }
    /// ```
    async fn create_community(&self, community: NewCommunity) -> Result<CommunityInfo>;

    /// A community's details.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let c = client.community(-1001500000009_i64).await?;
    /// for chat in &c.chats {
    ///     println!("{} {:?}", chat.id, chat.title);
    /// }
    /// # Ok(()) }
    /// ```
    async fn community(&self, community: impl Into<PeerRef>) -> Result<CommunityInfo>;

    /// The communities you own or are in.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// for c in client.joined_communities().await? {
    ///     println!("{} {}", c.id, c.title);
    /// }
    /// # Ok(()) }
    /// ```
    async fn joined_communities(&self) -> Result<Vec<CommunitySummary>>;

    /// The community a supergroup or channel is in, if any (after this the
    /// community can be named by its id).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// if let Some(c) = client.chat_community("@rust_berlin").await? {
    ///     println!("part of {} ({})", c.title, c.id);
    /// }
    /// # Ok(()) }
    /// ```
    async fn chat_community(&self, chat: impl Into<PeerRef>) -> Result<Option<CommunitySummary>>;

    /// Adds a chat you own to a community (`visible`: to everyone). If you
    /// may not change its chats, a request goes to its admins:
    /// [`LinkOutcome::Requested`]. A full community is
    /// [`Error::CommunityFull`].
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{Communities, LinkOutcome};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// if client.link_chat(-1001500000009_i64, "@rust_paris", true).await? == LinkOutcome::Requested {
    ///     println!("waiting for the community's admins");
    /// }
    /// # Ok(()) }
    /// ```
    async fn link_chat(
        &self,
        community: impl Into<PeerRef>,
        chat: impl Into<PeerRef>,
        visible: bool,
    ) -> Result<LinkOutcome>;

    /// Takes a chat out of a community (its admins with
    /// `manage_linked_peers`, or the chat's owner).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.unlink_chat(-1001500000009_i64, "@rust_paris").await?;
    /// # Ok(()) }
    /// ```
    async fn unlink_chat(
        &self,
        community: impl Into<PeerRef>,
        chat: impl Into<PeerRef>,
    ) -> Result<()>;

    /// The requests to add a chat, as a stream (all of them for admins who
    /// decide them, your own for others).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// use futures::TryStreamExt;
    /// let waiting: Vec<_> = client.iter_link_requests(-1001500000009_i64).try_collect().await?;
    /// # Ok(()) }
    /// ```
    fn iter_link_requests(
        &self,
        community: impl Into<PeerRef>,
    ) -> impl Stream<Item = Result<LinkRequest>> + Send + 'static;

    /// Approves (the chat joins) or declines one request.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.decide_link_request(-1001500000009_i64, "@rust_paris", true).await?;
    /// # Ok(()) }
    /// ```
    async fn decide_link_request(
        &self,
        community: impl Into<PeerRef>,
        chat: impl Into<PeerRef>,
        approve: bool,
    ) -> Result<()>;

    /// Approves or declines every request at once.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.decide_all_link_requests(-1001500000009_i64, false).await?;
    /// # Ok(()) }
    /// ```
    async fn decide_all_link_requests(
        &self,
        community: impl Into<PeerRef>,
        approve: bool,
    ) -> Result<()>;

    /// Bans `user` in every chat of the community, those added later too,
    /// or (`banned` false) lifts it (`ban_users` in the community; its
    /// admins only by its owner; banning the owner of one of its chats takes
    /// that chat out). Already so: [`Error::ChatNotModified`].
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.set_community_ban(-1001500000009_i64, "@spammer", true).await?;
    /// # Ok(()) }
    /// ```
    async fn set_community_ban(
        &self,
        community: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        banned: bool,
    ) -> Result<()>;

    /// The community's chats `user` owns or is in (`ban_users` needed):
    /// what a ban would reach.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::Communities;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let reach = client.community_chats_of(-1001500000009_i64, "@spammer").await?;
    /// println!("in {} chats", reach.joined.len());
    /// # Ok(()) }
    /// ```
    async fn community_chats_of(
        &self,
        community: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<MemberChats>;
}

/// The `InputChannel` naming a community (or any channel).
pub(crate) async fn community_channel(client: &Client, c: PeerRef) -> Result<enums::InputChannel> {
    match client.get_input_entity(c.clone()).await? {
        enums::InputPeer::Channel(c) => Ok(enums::InputChannel::from(types::InputChannel {
            channel_id: c.channel_id,
            access_hash: c.access_hash,
        })),
        _ => Err(Error::NotPossibleHere(format!("{c:?} is no community"))),
    }
}

fn channel_marked(id: i64) -> i64 {
    marked_id(PeerKind::Channel, id)
}

fn peer_marked(p: &enums::Peer) -> i64 {
    match p {
        enums::Peer::Channel(c) => channel_marked(c.channel_id),
        enums::Peer::Chat(c) => marked_id(PeerKind::Chat, c.chat_id),
        enums::Peer::User(u) => u.user_id,
    }
}

fn title_of(chats: &[enums::Chat], marked: i64) -> Option<String> {
    chats
        .iter()
        .find_map(|c| match c {
            enums::Chat::Channel(c) if channel_marked(c.id) == marked => Some(c.title.clone()),
            _ => None,
        })
        .map(String::from)
}

pub(crate) async fn info(client: &Client, community: PeerRef) -> Result<CommunityInfo> {
    let channel = community_channel(client, community).await?;
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::channels::GetFullChannel { channel })
        .await?;
    let enums::ChatFull::CommunityFull(f) = full.full_chat else {
        return Err(Error::NotPossibleHere(
            "this is a channel, not a community".into(),
        ));
    };
    let (title, creator) = full
        .chats
        .iter()
        .find_map(|c| match c {
            enums::Chat::Community(c) if c.id == f.id => Some((c.title.clone(), c.creator)),
            _ => None,
        })
        .unwrap_or_default();
    let chats = f
        .linked_peers
        .iter()
        .map(|p| {
            let enums::CommunityPeer::CommunityPeer(p) = p;
            let id = peer_marked(&p.peer);
            CommunityChat {
                id,
                title: title_of(&full.chats, id),
                visible: p.visible.unwrap_or(true),
            }
        })
        .collect();
    let count = |n: Option<i32>| n.map(|n| n.max(0) as u32);
    Ok(CommunityInfo {
        id: channel_marked(f.id),
        title: title.to_string(),
        about: f.about.to_string(),
        creator,
        chats,
        admins: count(f.admins_count),
        banned: count(f.kicked_count),
        pending_requests: count(f.peer_link_requests_pending),
    })
}

/// One page of link requests, and the next offset.
async fn requests_page(
    client: &Client,
    channel: enums::InputChannel,
    offset: String,
) -> Result<(Vec<LinkRequest>, Option<String>)> {
    let enums::communities::PeerLinkRequests::PeerLinkRequests(page) = client
        .invoke(&functions::communities::GetPeerLinkRequests {
            community: channel,
            offset: offset.into(),
            limit: 100,
        })
        .await?;
    let items = page
        .requests
        .iter()
        .map(|r| {
            let enums::CommunityPeerRequest::CommunityPeerRequest(r) = r;
            let chat = peer_marked(&r.peer);
            LinkRequest {
                chat,
                title: title_of(&page.chats, chat),
                requested_by: r.requested_by,
                date: r.date,
                visible: r.visible,
            }
        })
        .collect();
    Ok((items, page.next_offset.map(String::from)))
}

impl Communities for Client {
    async fn create_community(&self, c: NewCommunity) -> Result<CommunityInfo> {
        let peer = self.get_input_entity(c.first_chat).await?;
        let updates = self
            .invoke(&functions::communities::Create {
                hidden: c.hidden,
                title: c.title.into(),
                about: c.about.map(Into::into),
                peer,
            })
            .await?;
        let id = match &updates {
            enums::Updates::Updates(u) => u.chats.iter().find_map(|c| match c {
                enums::Chat::Community(c) => Some(c.id),
                _ => None,
            }),
            _ => None,
        }
        .ok_or_else(|| {
            Error::UnexpectedAnswer("no community in communities.create's answer".into())
        })?;
        info(self, PeerRef::Id(channel_marked(id))).await
    }

    async fn community(&self, community: impl Into<PeerRef>) -> Result<CommunityInfo> {
        info(self, community.into()).await
    }

    async fn joined_communities(&self) -> Result<Vec<CommunitySummary>> {
        let chats = match self
            .invoke(&functions::communities::GetJoinedCommunities {})
            .await?
        {
            enums::messages::Chats::Chats(c) => c.chats,
            enums::messages::Chats::Slice(c) => c.chats,
        };
        Ok(chats
            .iter()
            .filter_map(|c| match c {
                enums::Chat::Community(c) => Some(CommunitySummary {
                    id: channel_marked(c.id),
                    title: c.title.to_string(),
                    creator: c.creator,
                }),
                _ => None,
            })
            .collect())
    }

    async fn chat_community(&self, chat: impl Into<PeerRef>) -> Result<Option<CommunitySummary>> {
        let channel = community_channel(self, chat.into()).await?;
        let id = match &channel {
            enums::InputChannel::InputChannel(c) => c.channel_id,
            _ => return Ok(None),
        };
        let enums::messages::ChatFull::ChatFull(full) = self
            .invoke(&functions::channels::GetFullChannel { channel })
            .await?;
        let linked = full.chats.iter().find_map(|c| match c {
            enums::Chat::Channel(c) if c.id == id => c.linked_community_id,
            _ => None,
        });
        Ok(linked.and_then(|community| {
            full.chats.iter().find_map(|c| match c {
                enums::Chat::Community(c) if c.id == community => Some(CommunitySummary {
                    id: channel_marked(c.id),
                    title: c.title.to_string(),
                    creator: c.creator,
                }),
                _ => None,
            })
        }))
    }

    async fn link_chat(
        &self,
        community: impl Into<PeerRef>,
        chat: impl Into<PeerRef>,
        visible: bool,
    ) -> Result<LinkOutcome> {
        let community = community_channel(self, community.into()).await?;
        let peer = self.get_input_entity(chat.into()).await?;
        let answer = self
            .invoke(&functions::communities::TogglePeerLink {
                visible,
                hidden: !visible,
                deleted: false,
                community,
                peer,
            })
            .await;
        match answer {
            Ok(_) => Ok(LinkOutcome::Linked),
            Err(e) if e.is("COMMUNITY_REQUEST_CREATED") => Ok(LinkOutcome::Requested),
            Err(e) => Err(e.into()),
        }
    }

    async fn unlink_chat(
        &self,
        community: impl Into<PeerRef>,
        chat: impl Into<PeerRef>,
    ) -> Result<()> {
        let community = community_channel(self, community.into()).await?;
        let peer = self.get_input_entity(chat.into()).await?;
        self.invoke(&functions::communities::TogglePeerLink {
            visible: false,
            hidden: false,
            deleted: true,
            community,
            peer,
        })
        .await?;
        Ok(())
    }

    fn iter_link_requests(
        &self,
        community: impl Into<PeerRef>,
    ) -> impl Stream<Item = Result<LinkRequest>> + Send + 'static {
        let client = self.clone();
        let community = community.into();
        let start = (
            Vec::<LinkRequest>::new().into_iter(),
            Some(String::new()),
            None,
        );
        futures::stream::try_unfold(start, move |(mut ready, offset, channel)| {
            let (client, community) = (client.clone(), community.clone());
            async move {
                if let Some(r) = ready.next() {
                    return Ok(Some((r, (ready, offset, channel))));
                }
                let Some(at) = offset else { return Ok(None) };
                let ch = match channel.clone() {
                    Some(c) => c,
                    None => community_channel(&client, community.clone()).await?,
                };
                let (items, next) = requests_page(&client, ch.clone(), at).await?;
                let mut it = items.into_iter();
                Ok(it.next().map(|first| (first, (it, next, Some(ch)))))
            }
        })
    }

    async fn decide_link_request(
        &self,
        community: impl Into<PeerRef>,
        chat: impl Into<PeerRef>,
        approve: bool,
    ) -> Result<()> {
        let community = community_channel(self, community.into()).await?;
        let peer = self.get_input_entity(chat.into()).await?;
        self.invoke(&functions::communities::TogglePeerLinkRequestApproval {
            reject: !approve,
            community,
            peer,
        })
        .await?;
        Ok(())
    }

    async fn decide_all_link_requests(
        &self,
        community: impl Into<PeerRef>,
        approve: bool,
    ) -> Result<()> {
        let community = community_channel(self, community.into()).await?;
        self.invoke(&functions::communities::ToggleAllPeerLinkRequestApproval {
            reject: !approve,
            community,
        })
        .await?;
        Ok(())
    }

    async fn set_community_ban(
        &self,
        community: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        banned: bool,
    ) -> Result<()> {
        let community = community_channel(self, community.into()).await?;
        let participant = self.get_input_entity(user.into()).await?;
        self.invoke(&functions::communities::ToggleParticipantBanned {
            unban: !banned,
            community,
            participant,
        })
        .await?;
        Ok(())
    }

    async fn community_chats_of(
        &self,
        community: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> Result<MemberChats> {
        let community = community_channel(self, community.into()).await?;
        let user = input_user(self, user.into()).await?;
        let participant = match user {
            enums::InputUser::InputUser(u) => enums::InputPeer::from(types::InputPeerUser {
                user_id: u.user_id,
                access_hash: u.access_hash,
            }),
            _ => enums::InputPeer::InputPeerSelf,
        };
        let enums::communities::ParticipantJoinedChats::ParticipantJoinedChats(r) = self
            .invoke(&functions::communities::GetParticipantJoinedChats {
                community,
                participant,
            })
            .await?;
        Ok(MemberChats {
            owned: r.creator_chat_ids.into_iter().map(channel_marked).collect(),
            joined: r.joined_chat_ids.into_iter().map(channel_marked).collect(),
        })
    }
}
