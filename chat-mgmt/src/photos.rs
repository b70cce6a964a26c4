//! `iter_profile_photos` / `get_profile_photos`: [`ProfilePhotoIter`].

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};
use futures::Stream;

use crate::Result;
use crate::lazy::Lazy;
use crate::participants::TotalList;
use crate::target::Target;

/// Photos per request (Telethon's).
const CHUNK: usize = 100;

/// A listing's options (set by [`ProfilePhotoIter`]'s builder).
#[derive(Clone, Debug, Default)]
struct Options {
    limit: Option<usize>,
    offset: i32,
    max_id: i64,
}

/// A running profile-photo listing.
struct Listing {
    client: Client,
    entity: PeerRef,
    limit: Option<usize>,
    offset: i32,
    max_id: i64,
    target: Option<Target>,
    /// Chats: the message id to continue below.
    offset_id: i32,
    /// Chats: the current photo's id, once yielded from the full chat.
    current: Option<i64>,
    buffer: VecDeque<types::Photo>,
    yielded: usize,
    total: Option<usize>,
    done: bool,
}

impl ferrogram_client::Listing for Listing {
    type Item = Result<types::Photo>;

    async fn next(&mut self) -> Option<Result<types::Photo>> {
        if self.limit == Some(0) && self.target.is_none() {
            // Nothing to yield, but one photo is asked for to learn the
            // total (Telethon's `limit=0`).
            if let Err(e) = self.fill().await {
                self.done = true;
                return Some(Err(e));
            }
        }
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
}

/// A profile-photo listing, newest first (Telethon's `iter_profile_photos`):
/// a builder for its options, then a `futures::Stream` of
/// `Result<Photo>` when polled, or, awaited, every photo with the total
/// (Telethon's `get_profile_photos`).
///
/// Users' photos come from `photos.getUserPhotos`; a group's or channel's
/// from the service messages that changed its photo (`messages.search` with
/// the chat-photos filter, which Telegram refuses to bots), led by the
/// chat's current photo from the full chat when no such message carries it
/// (Telethon adds it on every page of a channel's history; here once, and
/// for basic groups too). `limit(0)` asks for one photo to report the total.
/// Options are read when the first item is asked for.
#[must_use = "a listing does nothing until polled or awaited"]
pub struct ProfilePhotoIter {
    lazy: Lazy<Listing>,
    options: Options,
    total: Option<usize>,
}

impl ProfilePhotoIter {
    pub(crate) fn new(client: Client, entity: PeerRef) -> Self {
        Self {
            lazy: Lazy::Waiting(client, entity),
            options: Options::default(),
            total: None,
        }
    }

    /// At most `n` photos.
    pub fn limit(mut self, n: usize) -> Self {
        self.options.limit = Some(n);
        self
    }

    /// Skips the `n` newest photos.
    pub fn offset(mut self, n: i32) -> Self {
        self.options.offset = n.max(0);
        self
    }

    /// Only photos older than this id (users: photo id; chats: message id).
    pub fn max_id(mut self, id: i64) -> Self {
        self.options.max_id = id;
        self
    }

    /// How many photos there are, once the first page is in.
    pub fn total(&self) -> Option<usize> {
        self.total
    }

    /// The next photo (as `StreamExt::next`); an error ends the listing.
    pub async fn next(&mut self) -> Option<Result<types::Photo>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for ProfilePhotoIter {
    type Item = Result<types::Photo>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let o = &this.options;
        let item = this.lazy.poll_next(cx, |client, entity| Listing {
            client,
            entity,
            limit: o.limit,
            offset: o.offset,
            max_id: o.max_id,
            target: None,
            offset_id: 0,
            current: None,
            buffer: VecDeque::new(),
            yielded: 0,
            total: None,
            done: false,
        });
        if let Some(l) = this.lazy.listing() {
            this.total = l.total;
        }
        item
    }
}

impl IntoFuture for ProfilePhotoIter {
    type Output = Result<TotalList<types::Photo>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    /// Every photo the options select, with the total (Telethon's
    /// `get_profile_photos`).
    fn into_future(mut self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut items = Vec::new();
            while let Some(p) = self.next().await {
                items.push(p?);
            }
            let total = self.total.unwrap_or(items.len());
            Ok(TotalList { items, total })
        })
    }
}

impl std::fmt::Debug for ProfilePhotoIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfilePhotoIter")
            .field("options", &self.options)
            .field("started", &self.lazy.started())
            .field("total", &self.total)
            .finish()
    }
}

impl Listing {
    /// Photos still wanted, at most a page (at least one: `limit(0)` asks
    /// one for the total).
    fn want(&self) -> i32 {
        self.limit
            .map_or(CHUNK, |l| l.saturating_sub(self.yielded).min(CHUNK))
            .max(1) as i32
    }

    async fn fill(&mut self) -> Result<()> {
        if self.target.is_none() {
            self.target = Some(Target::resolve(&self.client, self.entity.clone()).await?);
        }
        match self.target.clone() {
            Some(Target::User { user, .. }) => self.fill_user(user).await,
            Some(Target::Chat { peer, .. } | Target::Channel { peer, .. }) => {
                self.fill_chat(peer).await
            }
            None => Ok(()),
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

    /// A chat's current photo, from its full info.
    async fn current_photo(&self) -> Result<Option<types::Photo>> {
        let photo = match &self.target {
            Some(Target::Channel { channel, .. }) => {
                let enums::messages::ChatFull::ChatFull(full) = self
                    .client
                    .invoke(&functions::channels::GetFullChannel {
                        channel: channel.clone(),
                    })
                    .await?;
                match full.full_chat {
                    enums::ChatFull::ChannelFull(c) => Some(c.chat_photo),
                    enums::ChatFull::ChatFull(c) => c.chat_photo,
                    enums::ChatFull::CommunityFull(_) => None,
                }
            }
            Some(Target::Chat { chat_id, .. }) => {
                crate::target::full_chat(&self.client, *chat_id)
                    .await?
                    .0
                    .chat_photo
            }
            _ => None,
        };
        Ok(match photo {
            Some(enums::Photo::Photo(p)) => Some(*p),
            _ => None,
        })
    }

    async fn fill_chat(&mut self, peer: enums::InputPeer) -> Result<()> {
        let first_page = self.total.is_none();
        if first_page && self.offset == 0 && self.max_id == 0 {
            // The current photo leads, once: a chat's photo history may lack
            // the message that set it.
            if let Some(p) = self.current_photo().await? {
                self.current = Some(p.id);
                self.buffer.push_back(p);
            }
        }
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
        let ferrogram_client::MessagesPage {
            messages,
            count,
            complete,
        } = answer.into();
        self.done |= complete;
        if (messages.len() as i32) < want {
            self.done = true;
        }
        let mut current_in_history = false;
        for m in messages {
            self.offset_id = ferrogram_client::message_id(&m);
            let enums::Message::Service(s) = m else {
                continue;
            };
            let enums::MessageAction::ChatEditPhoto(a) = s.action else {
                continue;
            };
            if let enums::Photo::Photo(p) = a.photo {
                if Some(p.id) == self.current {
                    current_in_history = true;
                } else {
                    self.buffer.push_back(*p);
                }
            }
        }
        if first_page {
            // The current photo counts when no message of the first page (the
            // newest changes) carries it.
            let extra = usize::from(self.current.is_some() && !current_in_history);
            self.total = Some(count + extra);
        }
        if self.offset_id == 0 {
            self.done = true;
        }
        Ok(())
    }
}
