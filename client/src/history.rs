//! `iter_messages`: a chat's history as a `futures::Stream` ([`MessageIter`]).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use ferrogram_tl_types::{enums, functions};
use futures::Stream;

use crate::pager::{Listing, Pager};
use crate::{Client, InvocationError, PeerRef};

/// The most messages one `messages.getHistory` returns.
pub const HISTORY_CHUNK: i32 = 100;

/// The state of a history listing.
struct History {
    client: Client,
    chat: PeerRef,
    peer: Option<enums::InputPeer>,
    offset_id: i32,
    left: Option<usize>,
    total: Option<usize>,
    buffer: VecDeque<enums::Message>,
    done: bool,
}

impl History {
    /// The next page: as many as are still wanted, at most [`HISTORY_CHUNK`].
    async fn fill(&mut self) -> Result<(), InvocationError> {
        let peer = match &self.peer {
            Some(p) => p.clone(),
            None => {
                let p = self.client.get_input_entity(self.chat.clone()).await?;
                self.peer.insert(p).clone()
            }
        };
        let chunk = self
            .left
            .map_or(HISTORY_CHUNK, |l| l.min(HISTORY_CHUNK as usize) as i32);
        let answer = self
            .client
            .invoke(&functions::messages::GetHistory {
                peer,
                offset_id: self.offset_id,
                offset_date: 0,
                add_offset: 0,
                limit: chunk,
                max_id: 0,
                min_id: 0,
                hash: 0,
            })
            .await?;
        let MessagesPage {
            messages,
            count,
            complete,
        } = MessagesPage::from(answer);
        self.done |= complete;
        self.total = Some(count);
        if messages.len() < chunk as usize {
            self.done = true;
        }
        match messages.last() {
            Some(m) => self.offset_id = message_id(m),
            None => self.done = true,
        }
        self.buffer.extend(messages);
        Ok(())
    }
}

/// A message's id, whatever its kind.
pub fn message_id(m: &enums::Message) -> i32 {
    match m {
        enums::Message::Message(m) => m.id,
        enums::Message::Service(m) => m.id,
        enums::Message::Empty(m) => m.id,
    }
}

/// A `messages.Messages` answer taken apart: its messages, how many the
/// server counts in all, and whether this answer is all of them
/// (`messages.messages`, which has no count of its own: its length is it).
#[derive(Debug)]
pub struct MessagesPage {
    /// The messages, newest first as Telegram sends them.
    pub messages: Vec<enums::Message>,
    /// How many match in all, as the server counts them.
    pub count: usize,
    /// The answer holds every match: no page follows.
    pub complete: bool,
}

impl From<enums::messages::Messages> for MessagesPage {
    fn from(answer: enums::messages::Messages) -> Self {
        use enums::messages::Messages as M;
        let count = |n: i32| n.max(0) as usize;
        match answer {
            M::Messages(m) => Self {
                count: m.messages.len(),
                messages: m.messages,
                complete: true,
            },
            M::Slice(m) => Self {
                count: count(m.count),
                messages: m.messages,
                complete: false,
            },
            M::ChannelMessages(m) => Self {
                count: count(m.count),
                messages: m.messages,
                complete: false,
            },
            M::NotModified(m) => Self {
                count: count(m.count),
                messages: Vec::new(),
                complete: false,
            },
        }
    }
}

impl Listing for History {
    type Item = Result<enums::Message, InvocationError>;

    async fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.left == Some(0) {
                return None;
            }
            if let Some(m) = self.buffer.pop_front() {
                if let Some(left) = self.left.as_mut() {
                    *left -= 1;
                }
                return Some(Ok(m));
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

/// A chat's messages, newest first, fetched 100 at a time as the stream is
/// polled (memory holds one page): a `futures::Stream` of
/// `Result<Message, InvocationError>` made by [`Client::iter_messages`].
/// The chat is resolved when the first item is asked for; an error ends the
/// stream after it is yielded.
#[must_use = "a stream does nothing until polled"]
pub struct MessageIter {
    limit: Option<usize>,
    start: Option<(Client, PeerRef)>,
    pager: Option<Pager<History>>,
    total: Option<usize>,
}

impl MessageIter {
    /// At most `n` messages (the last page asks for no more than needed).
    /// Read when the listing starts.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// How many messages the chat has, as the server counts them, once the
    /// first page is in (`None` before, and when `limit(0)` asked for nothing).
    pub fn total(&self) -> Option<usize> {
        self.total
    }
}

impl Stream for MessageIter {
    type Item = Result<enums::Message, InvocationError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some((client, chat)) = this.start.take() {
            this.pager = Some(Pager::new(History {
                client,
                chat,
                peer: None,
                offset_id: 0,
                left: this.limit,
                total: None,
                buffer: VecDeque::new(),
                done: false,
            }));
        }
        let Some(pager) = this.pager.as_mut() else {
            return Poll::Ready(None);
        };
        let item = Pin::new(&mut *pager).poll_next(cx);
        if let Some(total) = pager.listing().and_then(|h| h.total) {
            this.total = Some(total);
        }
        item
    }
}

impl std::fmt::Debug for MessageIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageIter")
            .field("limit", &self.limit)
            .field("started", &self.start.is_none())
            .field("total", &self.total)
            .finish()
    }
}

impl Client {
    /// A chat's messages, newest first (Telethon's `iter_messages`): a
    /// [`MessageIter`] stream; `.limit(n)` for at most `n`.
    ///
    /// ```no_run
    /// # async fn demo(client: ferrogram_client::Client) -> Result<(), ferrogram_client::InvocationError> {
    /// use futures::TryStreamExt;
    /// let mut history = client.iter_messages("@my_group").limit(10);
    /// while let Some(message) = history.try_next().await? {
    ///     println!("{message:?}");
    /// }
    /// println!("{:?} messages in all", history.total());
    /// # Ok(()) }
    /// ```
    pub fn iter_messages(&self, chat: impl Into<PeerRef>) -> MessageIter {
        MessageIter {
            limit: None,
            start: Some((self.clone(), chat.into())),
            pager: None,
            total: None,
        }
    }
}
