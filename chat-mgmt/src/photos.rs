//! `iter_profile_photos` / `get_profile_photos`.

use std::collections::VecDeque;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::Result;
use crate::participants::TotalList;
use crate::target::Target;

/// Photos per request (Telethon's).
const CHUNK: usize = 100;

/// Builds and runs a profile-photo listing, newest first; see
/// [`crate::ChatManagement::iter_profile_photos`]. Users' photos come from
/// `photos.getUserPhotos`; a group's or channel's from the service messages
/// that changed its photo (`messages.search` with the chat-photos filter,
/// which Telegram refuses to bots).
#[derive(Debug)]
pub struct ProfilePhotoIter {
    client: Client,
    entity: PeerRef,
    limit: Option<usize>,
    offset: i32,
    max_id: i64,
    target: Option<Target>,
    /// Chats: the message id to continue below.
    offset_id: i32,
    buffer: VecDeque<types::Photo>,
    yielded: usize,
    total: Option<usize>,
    done: bool,
}

impl ProfilePhotoIter {
    pub(crate) fn new(client: Client, entity: PeerRef) -> Self {
        Self {
            client,
            entity,
            limit: None,
            offset: 0,
            max_id: 0,
            target: None,
            offset_id: 0,
            buffer: VecDeque::new(),
            yielded: 0,
            total: None,
            done: false,
        }
    }

    /// At most `n` photos.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the `n` newest photos.
    pub fn offset(mut self, n: i32) -> Self {
        self.offset = n.max(0);
        self
    }

    /// Only photos older than this id (users: photo id; chats: message id).
    pub fn max_id(mut self, id: i64) -> Self {
        self.max_id = id;
        self
    }

    /// How many photos there are, once the first page is in.
    pub fn total(&self) -> Option<usize> {
        self.total
    }

    /// The next photo, newest first.
    pub async fn next(&mut self) -> Option<Result<types::Photo>> {
        loop {
            if self.limit.is_some_and(|l| self.yielded >= l) {
                return None;
            }
            if let Some(p) = self.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(p));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill().await {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    /// Collects every photo, with the total.
    pub async fn collect(mut self) -> Result<TotalList<types::Photo>> {
        let mut items = Vec::new();
        while let Some(p) = self.next().await {
            items.push(p?);
        }
        let total = self.total.unwrap_or(items.len());
        Ok(TotalList { items, total })
    }

    /// The listing as a `futures::Stream`.
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<types::Photo>> {
        futures::stream::unfold(
            self,
            |mut it| async move { it.next().await.map(|p| (p, it)) },
        )
    }

    fn want(&self) -> i32 {
        self.limit
            .map_or(CHUNK, |l| (l - self.yielded).min(CHUNK))
            .max(1) as i32
    }

    async fn fill(&mut self) -> Result<()> {
        if self.target.is_none() {
            self.target = Some(Target::resolve(&self.client, self.entity.clone()).await?);
        }
        match self.target.clone().expect("resolved") {
            Target::User { user, .. } => self.fill_user(user).await,
            Target::Chat { peer, .. } | Target::Channel { peer, .. } => self.fill_chat(peer).await,
        }
    }

    async fn fill_user(&mut self, user: enums::InputUser) -> Result<()> {
        let answer = self
            .client
            .invoke(&functions::photos::GetUserPhotos {
                user_id: user,
                offset: self.offset,
                max_id: self.max_id,
                limit: self.want(),
            })
            .await?;
        let photos = match answer {
            enums::photos::Photos::Photos(p) => {
                // Everything in one answer.
                self.total = Some(p.photos.len() + self.offset as usize);
                self.done = true;
                p.photos
            }
            enums::photos::Photos::Slice(p) => {
                self.total = Some(p.count.max(0) as usize);
                p.photos
            }
        };
        if photos.is_empty() {
            self.done = true;
        }
        self.offset += photos.len() as i32;
        if self.total.is_some_and(|t| self.offset as usize >= t) {
            self.done = true;
        }
        self.buffer
            .extend(photos.into_iter().filter_map(|p| match p {
                enums::Photo::Photo(p) => Some(*p),
                enums::Photo::Empty(_) => None,
            }));
        Ok(())
    }

    async fn fill_chat(&mut self, peer: enums::InputPeer) -> Result<()> {
        let want = self.want();
        let answer = self
            .client
            .invoke(&functions::messages::Search {
                offset_id: self.offset_id,
                add_offset: if self.offset_id == 0 { self.offset } else { 0 },
                limit: want,
                max_id: self.max_id.clamp(0, i32::MAX as i64) as i32,
                ..functions::messages::Search::new(
                    peer,
                    enums::MessagesFilter::InputMessagesFilterChatPhotos,
                )
            })
            .await?;
        let (messages, count) = match answer {
            enums::messages::Messages::Messages(m) => {
                self.done = true;
                let n = m.messages.len();
                (m.messages, n)
            }
            enums::messages::Messages::Slice(m) => (m.messages, m.count.max(0) as usize),
            enums::messages::Messages::ChannelMessages(m) => (m.messages, m.count.max(0) as usize),
            enums::messages::Messages::NotModified(_) => (Vec::new(), 0),
        };
        self.total.get_or_insert(count);
        if (messages.len() as i32) < want {
            self.done = true;
        }
        for m in messages {
            let id = match &m {
                enums::Message::Message(m) => m.id,
                enums::Message::Service(m) => m.id,
                enums::Message::Empty(m) => m.id,
            };
            self.offset_id = id;
            if let enums::Message::Service(s) = m {
                if let enums::MessageAction::ChatEditPhoto(a) = &s.action {
                    if let enums::Photo::Photo(p) = &a.photo {
                        self.buffer.push_back((**p).clone());
                    }
                }
            }
        }
        if self.offset_id == 0 {
            self.done = true;
        }
        Ok(())
    }
}
