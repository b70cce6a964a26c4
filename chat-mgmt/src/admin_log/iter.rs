//! [`AdminLogIter`]: the admin log, page by page.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};
use futures::Stream;

use super::{AdminLogEvent, AdminLogFilter};
use crate::Result;
use crate::lazy::Lazy;

/// The most events one `channels.getAdminLog` returns.
const PAGE: usize = 100;

/// A listing's options (set by [`AdminLogIter`]'s builder).
#[derive(Clone, Debug, Default)]
struct Options {
    limit: Option<usize>,
    max_id: i64,
    min_id: i64,
    search: String,
    admins: Vec<PeerRef>,
    filter: AdminLogFilter,
}

/// A running admin-log listing.
struct Listing {
    client: Client,
    chat: PeerRef,
    opts: Options,
    /// The channel and the admins, resolved once.
    resolved: Option<(enums::InputChannel, Vec<enums::InputUser>)>,
    buffer: VecDeque<AdminLogEvent>,
    yielded: usize,
    done: bool,
}

impl ferrogram_client::Listing for Listing {
    type Item = Result<AdminLogEvent>;

    async fn next(&mut self) -> Option<Result<AdminLogEvent>> {
        loop {
            if self.opts.limit.is_some_and(|l| self.yielded >= l) {
                return None;
            }
            if let Some(e) = self.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(e));
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

impl Listing {
    async fn resolve(&self) -> Result<(enums::InputChannel, Vec<enums::InputUser>)> {
        let channel = crate::target::Target::resolve(&self.client, self.chat.clone())
            .await?
            .channel("the admin log")?
            .clone();
        let mut admins = Vec::new();
        for a in &self.opts.admins {
            admins.push(match self.client.get_input_entity(a.clone()).await? {
                enums::InputPeer::User(u) => enums::InputUser::from(types::InputUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                }),
                enums::InputPeer::InputPeerSelf => enums::InputUser::InputUserSelf,
                other => {
                    return Err(crate::Error::NotPossibleHere(format!(
                        "admins must be users, not {other:?}"
                    )));
                }
            });
        }
        Ok((channel, admins))
    }

    async fn fill(&mut self) -> Result<()> {
        let (channel, admins) = match &self.resolved {
            Some(r) => r.clone(),
            None => self.resolved.insert(self.resolve().await?).clone(),
        };
        let want = self
            .opts
            .limit
            .map_or(PAGE, |l| l.saturating_sub(self.yielded).min(PAGE)) as i32;
        let enums::channels::AdminLogResults::AdminLogResults(r) = self
            .client
            .invoke(&functions::channels::GetAdminLog {
                channel,
                q: self.opts.search.as_str().into(),
                events_filter: self
                    .opts
                    .filter
                    .to_tl()
                    .map(enums::ChannelAdminLogEventsFilter::from),
                admins: (!admins.is_empty()).then_some(admins),
                max_id: self.opts.max_id,
                min_id: self.opts.min_id,
                limit: want,
            })
            .await?;
        if (r.events.len() as i32) < want {
            self.done = true;
        }
        for enums::ChannelAdminLogEvent::ChannelAdminLogEvent(e) in r.events {
            self.opts.max_id = if self.opts.max_id == 0 {
                e.id
            } else {
                self.opts.max_id.min(e.id)
            };
            let user = r.users.iter().find_map(|u| match u {
                enums::User::User(u) if u.id == e.user_id => Some((**u).clone()),
                _ => None,
            });
            self.buffer.push_back(AdminLogEvent {
                id: e.id,
                date: UNIX_EPOCH + Duration::from_secs(e.date.max(0) as u64),
                user_id: e.user_id,
                user,
                action: e.action,
            });
        }
        if self.buffer.is_empty() {
            self.done = true;
        }
        Ok(())
    }
}

/// An admin-log listing (Telethon's `iter_admin_log`), newest first: a
/// builder for its options, then a `futures::Stream` of
/// `Result<AdminLogEvent>` when polled, or, awaited, every event in a `Vec`
/// (Telethon's `get_admin_log`). Telegram gives no total for the admin log,
/// so there is no `total()`. Options are read when the first item is asked
/// for.
#[must_use = "a listing does nothing until polled or awaited"]
pub struct AdminLogIter {
    lazy: Lazy<Listing>,
    options: Options,
}

impl AdminLogIter {
    pub(crate) fn new(client: Client, chat: PeerRef) -> Self {
        Self {
            lazy: Lazy::Waiting(client, chat),
            options: Options::default(),
        }
    }

    /// At most `n` events (pages ask for no more than needed).
    pub fn limit(mut self, n: usize) -> Self {
        self.options.limit = Some(n);
        self
    }

    /// Only events older than this id.
    pub fn max_id(mut self, id: i64) -> Self {
        self.options.max_id = id;
        self
    }

    /// Only events newer than this id.
    pub fn min_id(mut self, id: i64) -> Self {
        self.options.min_id = id;
        self
    }

    /// Only events matching this text.
    pub fn search(mut self, s: impl Into<String>) -> Self {
        self.options.search = s.into();
        self
    }

    /// Only events by these admins (anything [`PeerRef`] accepts).
    pub fn admins<P: Into<PeerRef>>(mut self, admins: impl IntoIterator<Item = P>) -> Self {
        self.options.admins = admins.into_iter().map(Into::into).collect();
        self
    }

    /// Only these kinds of events.
    pub fn filter(mut self, f: AdminLogFilter) -> Self {
        self.options.filter = f;
        self
    }

    /// The next event (as `StreamExt::next`); an error ends the listing.
    pub async fn next(&mut self) -> Option<Result<AdminLogEvent>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for AdminLogIter {
    type Item = Result<AdminLogEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let opts = &this.options;
        this.lazy.poll_next(cx, |client, chat| Listing {
            client,
            chat,
            opts: opts.clone(),
            resolved: None,
            buffer: VecDeque::new(),
            yielded: 0,
            done: false,
        })
    }
}

impl IntoFuture for AdminLogIter {
    type Output = Result<Vec<AdminLogEvent>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    /// Every event the options select (Telethon's `get_admin_log`).
    fn into_future(mut self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut out = Vec::new();
            while let Some(e) = self.next().await {
                out.push(e?);
            }
            Ok(out)
        })
    }
}

impl std::fmt::Debug for AdminLogIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminLogIter")
            .field("options", &self.options)
            .field("started", &self.lazy.started())
            .finish()
    }
}
