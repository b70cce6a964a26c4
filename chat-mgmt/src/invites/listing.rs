//! The invite listings: [`InviteLinkIter`] (an admin's links) and
//! [`InviteImporterIter`] (who joined through a link, or who waits for
//! approval), both paged by the server's offsets, newest first.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};
use futures::Stream;

use super::{InviteLink, chat_peer, time};
use crate::Result;
use crate::lazy::Lazy;
use crate::participants::TotalList;
use crate::target::input_user;

/// `next` and, awaited, every item with the total, for a listing builder
/// that is a `Stream` of `Result<$item>` with a `total` field.
macro_rules! collecting {
    ($iter:ty, $item:ty) => {
        impl $iter {
            /// The next item (as `StreamExt::next`); an error ends the
            /// listing.
            pub async fn next(&mut self) -> Option<Result<$item>> {
                std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
            }
        }

        impl IntoFuture for $iter {
            type Output = Result<TotalList<$item>>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

            fn into_future(mut self) -> Self::IntoFuture {
                Box::pin(async move {
                    let mut items = Vec::new();
                    while let Some(x) = self.next().await {
                        items.push(x?);
                    }
                    let total = self.total.unwrap_or(items.len());
                    Ok(TotalList { items, total })
                })
            }
        }
    };
}

/// Items per request (Telegram's most).
const CHUNK: usize = 100;

/// One page's worth of a listing, fetched by `fetch`.
struct Page<T> {
    items: Vec<T>,
    total: usize,
}

/// What both listings do between pages: a buffer, the limit, the end.
struct Pages<T, O> {
    buffer: VecDeque<T>,
    limit: Option<usize>,
    yielded: usize,
    total: Option<usize>,
    /// Where the next page starts; `None` before the first.
    offset: Option<O>,
    done: bool,
}

impl<T, O> Pages<T, O> {
    fn new(limit: Option<usize>) -> Self {
        Self {
            buffer: VecDeque::new(),
            limit,
            yielded: 0,
            total: None,
            offset: None,
            done: false,
        }
    }

    /// The next buffered item, `Some(None)` at the end, `None` when a page
    /// must be fetched.
    fn ready(&mut self) -> Option<Option<T>> {
        if self.limit.is_some_and(|l| self.yielded >= l) {
            return Some(None);
        }
        if let Some(x) = self.buffer.pop_front() {
            self.yielded += 1;
            return Some(Some(x));
        }
        self.done.then_some(None)
    }

    /// Takes in a page; `next` is where the one after starts.
    fn take(&mut self, page: Page<T>, next: Option<O>) {
        let got = page.items.len();
        self.total = Some(page.total);
        self.buffer.extend(page.items);
        let seen = self.yielded + self.buffer.len();
        self.done = got < CHUNK || seen >= page.total || next.is_none();
        self.offset = next;
    }
}

/// A running link listing.
struct LinkListing {
    client: Client,
    chat: PeerRef,
    admin: Option<PeerRef>,
    revoked: bool,
    resolved: Option<(enums::InputPeer, enums::InputUser)>,
    pages: Pages<InviteLink, (i32, String)>,
}

impl LinkListing {
    async fn fill(&mut self) -> Result<()> {
        let (peer, admin_id) = match &self.resolved {
            Some(r) => r.clone(),
            None => {
                let peer = chat_peer(&self.client, self.chat.clone()).await?;
                let admin = match self.admin.clone() {
                    Some(a) => input_user(&self.client, a).await?,
                    None => enums::InputUser::InputUserSelf,
                };
                self.resolved.insert((peer, admin)).clone()
            }
        };
        let (offset_date, offset_link) = match self.pages.offset.clone() {
            Some((d, l)) => (Some(d), Some(l)),
            None => (None, None),
        };
        let enums::messages::ExportedChatInvites::ExportedChatInvites(answer) = self
            .client
            .invoke(&functions::messages::GetExportedChatInvites {
                revoked: self.revoked,
                peer,
                admin_id,
                offset_date,
                offset_link: offset_link.map(Into::into),
                limit: CHUNK as i32,
            })
            .await?;
        let links: Vec<InviteLink> = answer
            .invites
            .iter()
            .filter_map(InviteLink::from_tl)
            .collect();
        let next = links.last().map(|l| {
            let date = l
                .date
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            (i32::try_from(date).unwrap_or(i32::MAX), l.link.clone())
        });
        let total = usize::try_from(answer.count).unwrap_or(0);
        self.pages.take(
            Page {
                items: links,
                total,
            },
            next,
        );
        Ok(())
    }
}

impl ferrogram_client::Listing for LinkListing {
    type Item = Result<InviteLink>;

    async fn next(&mut self) -> Option<Result<InviteLink>> {
        loop {
            if let Some(ready) = self.pages.ready() {
                return ready.map(Ok);
            }
            if let Err(e) = self.fill().await {
                self.pages.done = true;
                return Some(Err(e));
            }
        }
    }
}

/// An admin's invite links, newest first ([`crate::Membership::iter_invite_links`]):
/// a builder, then a `futures::Stream` of `Result<InviteLink>`, or, awaited,
/// all of them with the total.
#[must_use = "a listing does nothing until polled or awaited"]
pub struct InviteLinkIter {
    lazy: Lazy<LinkListing>,
    admin: Option<PeerRef>,
    revoked: bool,
    limit: Option<usize>,
    total: Option<usize>,
}

impl InviteLinkIter {
    pub(crate) fn new(client: Client, chat: PeerRef) -> Self {
        Self {
            lazy: Lazy::Waiting(client, chat),
            admin: None,
            revoked: false,
            limit: None,
            total: None,
        }
    }

    /// Another admin's links (the creator may list anyone's).
    pub fn admin(mut self, admin: impl Into<PeerRef>) -> Self {
        self.admin = Some(admin.into());
        self
    }

    /// The revoked links instead of the others.
    pub fn revoked(mut self, yes: bool) -> Self {
        self.revoked = yes;
        self
    }

    /// At most `n` links.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// How many links match, once the first page is in.
    pub fn total(&self) -> Option<usize> {
        self.total
    }
}

impl Stream for InviteLinkIter {
    type Item = Result<InviteLink>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let (admin, revoked, limit) = (this.admin.clone(), this.revoked, this.limit);
        let item = this.lazy.poll_next(cx, |client, chat| LinkListing {
            client,
            chat,
            admin,
            revoked,
            resolved: None,
            pages: Pages::new(limit),
        });
        if let Some(l) = this.lazy.listing() {
            this.total = l.pages.total;
        }
        item
    }
}

collecting!(InviteLinkIter, InviteLink);

impl std::fmt::Debug for InviteLinkIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteLinkIter")
            .field("admin", &self.admin)
            .field("revoked", &self.revoked)
            .field("limit", &self.limit)
            .field("started", &self.lazy.started())
            .finish()
    }
}

/// Someone who joined through a link, or asked to.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct InviteImporter {
    /// Their id.
    pub user_id: i64,
    /// The user, when the server sent it along.
    pub user: Option<types::User>,
    /// When they joined or asked.
    pub date: SystemTime,
    /// Whether they are still waiting for approval.
    pub requested: bool,
    /// Who approved them, when someone did.
    pub approved_by: Option<i64>,
}

/// A running importer listing.
struct ImporterListing {
    client: Client,
    chat: PeerRef,
    requested: bool,
    link: Option<String>,
    search: Option<String>,
    peer: Option<enums::InputPeer>,
    /// Access hashes of the users seen, for the next page's offset user.
    hashes: Vec<(i64, i64)>,
    pages: Pages<InviteImporter, (i32, i64)>,
}

impl ImporterListing {
    async fn fill(&mut self) -> Result<()> {
        let peer = match &self.peer {
            Some(p) => p.clone(),
            None => self
                .peer
                .insert(chat_peer(&self.client, self.chat.clone()).await?)
                .clone(),
        };
        let (offset_date, offset_user) = match self.pages.offset {
            Some((d, u)) => (d, self.user_of(u)),
            None => (0, enums::InputUser::Empty),
        };
        let enums::messages::ChatInviteImporters::ChatInviteImporters(answer) = self
            .client
            .invoke(&functions::messages::GetChatInviteImporters {
                requested: self.requested,
                subscription_expired: false,
                peer,
                link: self.link.as_deref().map(Into::into),
                q: self.search.as_deref().map(Into::into),
                offset_date,
                offset_user,
                limit: CHUNK as i32,
            })
            .await?;
        let users: Vec<types::User> = answer
            .users
            .iter()
            .filter_map(|u| match u {
                enums::User::User(u) => Some((**u).clone()),
                enums::User::Empty(_) => None,
            })
            .collect();
        let items: Vec<InviteImporter> = answer
            .importers
            .iter()
            .map(
                |enums::ChatInviteImporter::ChatInviteImporter(i)| InviteImporter {
                    user_id: i.user_id,
                    user: users.iter().find(|u| u.id == i.user_id).cloned(),
                    date: time(i.date),
                    requested: i.requested,
                    approved_by: i.approved_by,
                },
            )
            .collect();
        let next = answer
            .importers
            .last()
            .map(|enums::ChatInviteImporter::ChatInviteImporter(i)| (i.date, i.user_id));
        self.remember(&users);
        let total = usize::try_from(answer.count).unwrap_or(0);
        self.pages.take(Page { items, total }, next);
        Ok(())
    }

    /// The access hashes of the page's users, for the next page's offset.
    fn remember(&mut self, users: &[types::User]) {
        for u in users {
            self.hashes.retain(|(id, _)| *id != u.id);
            self.hashes.push((u.id, u.access_hash.unwrap_or(0)));
        }
    }

    fn user_of(&self, id: i64) -> enums::InputUser {
        let access_hash = self
            .hashes
            .iter()
            .find(|(u, _)| *u == id)
            .map_or(0, |(_, h)| *h);
        enums::InputUser::from(types::InputUser {
            user_id: id,
            access_hash,
        })
    }
}

impl ferrogram_client::Listing for ImporterListing {
    type Item = Result<InviteImporter>;

    async fn next(&mut self) -> Option<Result<InviteImporter>> {
        loop {
            if let Some(ready) = self.pages.ready() {
                return ready.map(Ok);
            }
            if let Err(e) = self.fill().await {
                self.pages.done = true;
                return Some(Err(e));
            }
        }
    }
}

/// Who joined through a link ([`crate::Membership::iter_invite_link_members`])
/// or waits for approval ([`crate::Membership::iter_join_requests`]), newest
/// first: a builder, then a `futures::Stream`, or, awaited, all with the
/// total.
#[must_use = "a listing does nothing until polled or awaited"]
pub struct InviteImporterIter {
    lazy: Lazy<ImporterListing>,
    requested: bool,
    link: Option<String>,
    search: Option<String>,
    limit: Option<usize>,
    total: Option<usize>,
}

impl InviteImporterIter {
    pub(crate) fn new(client: Client, chat: PeerRef, requested: bool) -> Self {
        Self {
            lazy: Lazy::Waiting(client, chat),
            requested,
            link: None,
            search: None,
            limit: None,
            total: None,
        }
    }

    /// Only those who came through `link`.
    pub fn link(mut self, link: impl Into<String>) -> Self {
        self.link = Some(link.into());
        self
    }

    /// Only those whose name or username starts with `q` (a word of it).
    pub fn search(mut self, q: impl Into<String>) -> Self {
        self.search = Some(q.into());
        self
    }

    /// At most `n`.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// How many match, once the first page is in.
    pub fn total(&self) -> Option<usize> {
        self.total
    }
}

impl Stream for InviteImporterIter {
    type Item = Result<InviteImporter>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let (requested, link, search, limit) = (
            this.requested,
            this.link.clone(),
            this.search.clone(),
            this.limit,
        );
        let item = this.lazy.poll_next(cx, |client, chat| ImporterListing {
            client,
            chat,
            requested,
            link,
            search,
            peer: None,
            hashes: Vec::new(),
            pages: Pages::new(limit),
        });
        if let Some(l) = this.lazy.listing() {
            this.total = l.pages.total;
        }
        item
    }
}

collecting!(InviteImporterIter, InviteImporter);

impl std::fmt::Debug for InviteImporterIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteImporterIter")
            .field("requested", &self.requested)
            .field("link", &self.link)
            .field("search", &self.search)
            .field("limit", &self.limit)
            .field("started", &self.lazy.started())
            .finish()
    }
}
