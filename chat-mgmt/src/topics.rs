//! [`ForumTopics`]: a forum's topics made, edited, closed, pinned and
//! ordered, deleted with their messages, listed and searched; messages and
//! actions into one topic (<https://core.telegram.org/api/forum>).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions};
use futures::Stream;

use crate::{Error, Result};

/// The General topic of every forum (id 1): it can be closed and hidden
/// from the topic list, not deleted.
pub const GENERAL_TOPIC: i32 = 1;

/// A forum topic.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForumTopic {
    /// Its id: the id of its first message (a service message).
    pub id: i32,
    /// Its title.
    pub title: String,
    /// Closed: members may not post.
    pub closed: bool,
    /// Pinned to the top of the list.
    pub pinned: bool,
    /// Hidden from the list (the General topic only).
    pub hidden: bool,
    /// Its icon's colour (RGB).
    pub icon_color: i32,
    /// A custom emoji as its icon.
    pub icon_emoji_id: Option<i64>,
    /// Who made it (a user id, when a user did).
    pub creator: Option<i64>,
    /// When it was made.
    pub date: SystemTime,
}

impl ForumTopic {
    fn of(t: &enums::ForumTopic) -> Option<Self> {
        let enums::ForumTopic::ForumTopic(t) = t else {
            return None;
        };
        Some(Self {
            id: t.id,
            title: t.title.to_string(),
            closed: t.closed,
            pinned: t.pinned,
            hidden: t.hidden,
            icon_color: t.icon_color,
            icon_emoji_id: t.icon_emoji_id,
            creator: match &t.from_id {
                enums::Peer::User(u) => Some(u.user_id),
                _ => None,
            },
            date: UNIX_EPOCH + Duration::from_secs(t.date.max(0) as u64),
        })
    }
}

/// A topic to make ([`ForumTopics::create_topic`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewTopic {
    /// Its title.
    pub title: String,
    /// Its icon's colour (one of Telegram's six; the server's default if
    /// none).
    pub icon_color: Option<i32>,
    /// A custom emoji as its icon.
    pub icon_emoji_id: Option<i64>,
}

impl NewTopic {
    /// A topic named `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            ..Self::default()
        }
    }

    /// Its icon's colour.
    pub fn icon_color(mut self, rgb: i32) -> Self {
        self.icon_color = Some(rgb);
        self
    }

    /// A custom emoji as its icon.
    pub fn icon_emoji(mut self, id: i64) -> Self {
        self.icon_emoji_id = Some(id);
        self
    }
}

/// What to change in a topic ([`ForumTopics::edit_topic`]); unset fields
/// stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopicEdit {
    /// A new title.
    pub title: Option<String>,
    /// A new custom emoji icon (0 removes it).
    pub icon_emoji_id: Option<i64>,
    /// Close (true) or reopen.
    pub closed: Option<bool>,
}

impl TopicEdit {
    /// Nothing changed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A new custom emoji icon (0 removes it).
    pub fn icon_emoji(mut self, id: i64) -> Self {
        self.icon_emoji_id = Some(id);
        self
    }

    /// Closes (true) or reopens the topic.
    pub fn closed(mut self, closed: bool) -> Self {
        self.closed = Some(closed);
        self
    }
}

/// Forum topics (TDLib's `createForumTopic`, `editForumTopic`,
/// `toggleForumTopicIsClosed`, `toggleGeneralForumTopicIsHidden`,
/// `toggleForumTopicIsPinned`, `setPinnedForumTopics`, `deleteForumTopic`,
/// `getForumTopics`). Implemented for [`Client`]; rights: members make
/// topics unless the chat forbids it, a topic's creator edits and closes
/// it, everything else needs `manage_topics` (deleting: `delete_messages`).
#[allow(async_fn_in_trait)]
pub trait ForumTopics {
    /// Makes a topic; returns its id.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{ForumTopics, NewTopic};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let id = client.create_topic("@help_desk", NewTopic::new("Bugs")).await?;
    /// client.send_to_topic("@help_desk", id, "Report bugs here").await?;
    /// # Ok(()) }
    /// ```
    async fn create_topic(&self, chat: impl Into<PeerRef>, topic: NewTopic) -> Result<i32>;

    /// Changes a topic's title, icon, or closes or reopens it. Telegram
    /// takes closing alone (`TOPIC_CLOSE_SEPARATELY`), so an edit that also
    /// renames is sent as two requests, the rename first. The General topic
    /// ([`GENERAL_TOPIC`]) may be renamed and closed; its icon cannot change
    /// (`GENERAL_MODIFY_ICON_FORBIDDEN`).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::{ForumTopics, TopicEdit};
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.edit_topic("@help_desk", 42, TopicEdit::new().title("Bugs (old)").closed(true)).await?;
    /// # Ok(()) }
    /// ```
    async fn edit_topic(&self, chat: impl Into<PeerRef>, topic: i32, edit: TopicEdit)
    -> Result<()>;

    /// Hides the General topic from the topic list, or shows it again.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.set_general_topic_hidden("@help_desk", true).await?;
    /// # Ok(()) }
    /// ```
    async fn set_general_topic_hidden(&self, chat: impl Into<PeerRef>, hidden: bool) -> Result<()>;

    /// Pins a topic to the top of the list (at most `topics_pinned_limit`
    /// of `help.getAppConfig`), or unpins it.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.pin_topic("@help_desk", 42, true).await?;
    /// # Ok(()) }
    /// ```
    async fn pin_topic(&self, chat: impl Into<PeerRef>, topic: i32, pinned: bool) -> Result<()>;

    /// Sets the order of the pinned topics (those named become the pinned
    /// ones).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.reorder_pinned_topics("@help_desk", &[42, 7]).await?;
    /// # Ok(()) }
    /// ```
    async fn reorder_pinned_topics(&self, chat: impl Into<PeerRef>, order: &[i32]) -> Result<()>;

    /// Deletes a topic with all its messages (`messages.deleteTopicHistory`,
    /// repeated while more remain); returns how many messages went.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let n = client.delete_topic("@help_desk", 42).await?;
    /// # Ok(()) }
    /// ```
    async fn delete_topic(&self, chat: impl Into<PeerRef>, topic: i32) -> Result<u32>;

    /// The topics, pinned first then newest first, optionally only those
    /// whose title matches `search`, as a stream.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// use futures::TryStreamExt;
    /// let bugs: Vec<_> = client.iter_topics("@help_desk", Some("bug")).try_collect().await?;
    /// # Ok(()) }
    /// ```
    fn iter_topics(
        &self,
        chat: impl Into<PeerRef>,
        search: Option<&str>,
    ) -> impl Stream<Item = Result<ForumTopic>> + Send + 'static;

    /// The topics with these ids (unknown ids left out).
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// let t = client.topics_by_id("@help_desk", &[42]).await?;
    /// # Ok(()) }
    /// ```
    async fn topics_by_id(&self, chat: impl Into<PeerRef>, ids: &[i32]) -> Result<Vec<ForumTopic>>;

    /// Posts a text message into a topic ([`Error::TopicClosed`] for a
    /// member when it is closed); returns the message's id.
    ///
    /// ```no_run
    /// # use ferrogram_chat_mgmt::ForumTopics;
    /// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
    /// client.send_to_topic("@help_desk", 42, "Fixed in 1.2").await?;
    /// # Ok(()) }
    /// ```
    async fn send_to_topic(&self, chat: impl Into<PeerRef>, topic: i32, text: &str) -> Result<i32>;
}

fn topics_of(answer: enums::messages::ForumTopics) -> (Vec<ForumTopic>, i32) {
    let enums::messages::ForumTopics::ForumTopics(t) = answer;
    (
        t.topics.iter().filter_map(ForumTopic::of).collect(),
        t.count,
    )
}

async fn edit(
    client: &Client,
    chat: PeerRef,
    edit: functions::messages::EditForumTopic,
) -> Result<()> {
    let peer = client.get_input_entity(chat).await?;
    client
        .invoke(&functions::messages::EditForumTopic { peer, ..edit })
        .await?;
    Ok(())
}

impl ForumTopics for Client {
    async fn create_topic(&self, chat: impl Into<PeerRef>, topic: NewTopic) -> Result<i32> {
        let peer = self.get_input_entity(chat.into()).await?;
        let updates = self
            .invoke(&functions::messages::CreateForumTopic {
                title: topic.title.into(),
                icon_color: topic.icon_color,
                icon_emoji_id: topic.icon_emoji_id,
                random_id: rand_id(),
                ..functions::messages::CreateForumTopic::new(peer)
            })
            .await?;
        crate::target::service_message(&updates)
            .and_then(|m| match m {
                enums::Message::Service(m) => Some(m.id),
                _ => None,
            })
            .ok_or_else(|| Error::UnexpectedAnswer("no topic in createForumTopic's answer".into()))
    }

    async fn edit_topic(&self, chat: impl Into<PeerRef>, topic: i32, e: TopicEdit) -> Result<()> {
        let chat = chat.into();
        let blank = || functions::messages::EditForumTopic {
            topic_id: topic,
            ..functions::messages::EditForumTopic::new(enums::InputPeer::Empty)
        };
        let renames = e.title.is_some() || e.icon_emoji_id.is_some();
        if renames || e.closed.is_none() {
            let rename = functions::messages::EditForumTopic {
                title: e.title.map(Into::into),
                icon_emoji_id: e.icon_emoji_id,
                ..blank()
            };
            edit(self, chat.clone(), rename).await?;
        }
        if let Some(closed) = e.closed {
            let close = functions::messages::EditForumTopic {
                closed: Some(closed),
                ..blank()
            };
            edit(self, chat, close).await?;
        }
        Ok(())
    }

    async fn set_general_topic_hidden(&self, chat: impl Into<PeerRef>, hidden: bool) -> Result<()> {
        edit(
            self,
            chat.into(),
            functions::messages::EditForumTopic {
                hidden: Some(hidden),
                topic_id: GENERAL_TOPIC,
                ..functions::messages::EditForumTopic::new(enums::InputPeer::Empty)
            },
        )
        .await
    }

    async fn pin_topic(&self, chat: impl Into<PeerRef>, topic: i32, pinned: bool) -> Result<()> {
        let peer = self.get_input_entity(chat.into()).await?;
        self.invoke(&functions::messages::UpdatePinnedForumTopic {
            peer,
            topic_id: topic,
            pinned,
        })
        .await?;
        Ok(())
    }

    async fn reorder_pinned_topics(&self, chat: impl Into<PeerRef>, order: &[i32]) -> Result<()> {
        let peer = self.get_input_entity(chat.into()).await?;
        self.invoke(&functions::messages::ReorderPinnedForumTopics {
            force: true,
            peer,
            order: order.to_vec(),
        })
        .await?;
        Ok(())
    }

    async fn delete_topic(&self, chat: impl Into<PeerRef>, topic: i32) -> Result<u32> {
        let peer = self.get_input_entity(chat.into()).await?;
        let mut deleted = 0u32;
        // Bounded: every round deletes what it reports or ends.
        for _ in 0..100_000 {
            let enums::messages::AffectedHistory::AffectedHistory(a) = self
                .invoke(&functions::messages::DeleteTopicHistory {
                    peer: peer.clone(),
                    top_msg_id: topic,
                })
                .await?;
            deleted += a.pts_count.max(0) as u32;
            if a.offset <= 0 {
                break;
            }
        }
        Ok(deleted)
    }

    fn iter_topics(
        &self,
        chat: impl Into<PeerRef>,
        search: Option<&str>,
    ) -> impl Stream<Item = Result<ForumTopic>> + Send + 'static {
        let client = self.clone();
        let chat = chat.into();
        let q = search.map(str::to_owned);
        // State: topics in hand, the offset to ask next (None: done), how
        // many were yielded and the total.
        let start = (
            Vec::<ForumTopic>::new().into_iter(),
            Some(0),
            0usize,
            usize::MAX,
        );
        futures::stream::try_unfold(start, move |(mut ready, offset, yielded, total)| {
            let (client, chat, q) = (client.clone(), chat.clone(), q.clone());
            async move {
                if let Some(t) = ready.next() {
                    return Ok(Some((t, (ready, offset, yielded + 1, total))));
                }
                let Some(offset_topic) = offset.filter(|_| yielded < total) else {
                    return Ok(None);
                };
                let peer = client.get_input_entity(chat).await?;
                let (page, count) = topics_of(
                    client
                        .invoke(&functions::messages::GetForumTopics {
                            q: q.map(Into::into),
                            offset_topic,
                            limit: 100,
                            ..functions::messages::GetForumTopics::new(peer)
                        })
                        .await?,
                );
                // Pinned topics come first; the offset is the last unpinned id.
                let next = page.iter().rev().find(|t| !t.pinned).map(|t| t.id);
                let mut it = page.into_iter();
                Ok(it
                    .next()
                    .map(|first| (first, (it, next, yielded + 1, count.max(0) as usize))))
            }
        })
    }

    async fn topics_by_id(&self, chat: impl Into<PeerRef>, ids: &[i32]) -> Result<Vec<ForumTopic>> {
        let peer = self.get_input_entity(chat.into()).await?;
        let answer = self
            .invoke(&functions::messages::GetForumTopicsByID {
                peer,
                topics: ids.to_vec(),
            })
            .await?;
        Ok(topics_of(answer).0)
    }

    async fn send_to_topic(&self, chat: impl Into<PeerRef>, topic: i32, text: &str) -> Result<i32> {
        Ok(self.send_message_to_topic(chat.into(), topic, text).await?)
    }
}

fn rand_id() -> i64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish() as i64
}
