//! `iter_messages`: a chat's history as a `futures::Stream`.

use std::collections::VecDeque;

use ferrogram_tl_types::{enums, functions};
use futures::Stream;

use crate::{Client, InvocationError};

/// The most messages one `messages.getHistory` returns.
pub const HISTORY_CHUNK: i32 = 100;

struct State {
    client: Client,
    peer: enums::InputPeer,
    offset_id: i32,
    left: Option<usize>,
    buffer: VecDeque<enums::Message>,
    done: bool,
}

impl Client {
    /// A chat's messages, newest first, fetched 100 at a time as the stream is
    /// polled (`limit`: at most this many). Memory holds one chunk.
    pub fn iter_messages(
        &self,
        peer: enums::InputPeer,
        limit: Option<usize>,
    ) -> impl Stream<Item = Result<enums::Message, InvocationError>> + Send + 'static {
        let state = State {
            client: self.clone(),
            peer,
            offset_id: 0,
            left: limit,
            buffer: VecDeque::new(),
            done: limit == Some(0),
        };
        futures::stream::unfold(state, |mut s| async move {
            loop {
                if s.left == Some(0) {
                    return None;
                }
                if let Some(m) = s.buffer.pop_front() {
                    if let Some(left) = s.left.as_mut() {
                        *left -= 1;
                    }
                    return Some((Ok(m), s));
                }
                if s.done {
                    return None;
                }
                let chunk = s
                    .left
                    .map_or(HISTORY_CHUNK, |l| l.min(HISTORY_CHUNK as usize) as i32);
                let answer = s
                    .client
                    .invoke(&functions::messages::GetHistory {
                        peer: s.peer.clone(),
                        offset_id: s.offset_id,
                        offset_date: 0,
                        add_offset: 0,
                        limit: chunk,
                        max_id: 0,
                        min_id: 0,
                        hash: 0,
                    })
                    .await;
                let messages = match answer {
                    Ok(enums::messages::Messages::Messages(m)) => {
                        s.done = true;
                        m.messages
                    }
                    Ok(enums::messages::Messages::Slice(m)) => m.messages,
                    Ok(enums::messages::Messages::ChannelMessages(m)) => m.messages,
                    Ok(enums::messages::Messages::NotModified(_)) => Vec::new(),
                    Err(e) => {
                        s.done = true;
                        return Some((Err(e), s));
                    }
                };
                if messages.len() < chunk as usize {
                    s.done = true;
                }
                let last = messages.last().map(|m| match m {
                    enums::Message::Message(m) => m.id,
                    enums::Message::Service(m) => m.id,
                    enums::Message::Empty(m) => m.id,
                });
                match last {
                    Some(id) => s.offset_id = id,
                    None => s.done = true,
                }
                s.buffer.extend(messages);
            }
        })
    }
}
