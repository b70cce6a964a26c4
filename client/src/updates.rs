//! Incoming updates, in order and without gaps.
//!
//! The server pushes `Updates` whenever something happens; some can be lost (a
//! dropped connection, a full queue). [`UpdateStream`] checks every update that
//! carries a `pts` (the common message box) or a `seq` against the stored state:
//! an update already applied is skipped, one that follows is applied, and a gap
//! makes it ask `updates.getDifference` for everything missed, which is then
//! yielded in order. It also catches up at start (from the state the session
//! stored), whenever the server reports a new session, and whenever the home
//! connection comes back after a drop: Telegram pushes updates only to a
//! connection that has carried a query (`invokeWithoutUpdates` aside), so a new
//! connection that nothing was pending on would stay silent for good;
//! `updates.getDifference` both subscribes it and fetches what was missed
//! meanwhile (Telethon asks `users.getUsers([self])` for the first reason alone,
//! `_handle_auto_reconnect`).
//! The state is saved to the session once the updates it covers have been
//! handled: an update counts as handled when the next one is asked for
//! (`next` called again), so a process that dies while handling one finds it
//! again after a restart (`getDifference` from the saved state);
//! [`UpdateStream::commit`] says so at once (before a clean shutdown, say).
//! Delivery is
//! at least once: updates fetched together are saved together, so a restart
//! may also see again the ones handled before it in the same batch; each
//! carries its identity (`pts`/`pts_count`, the channel's, `qts`, or the
//! message id) to deduplicate on.
//!
//! Channels have a pts of their own: the first update seen from a channel sets
//! its starting point, later ones are checked against it, and a gap makes it
//! ask `updates.getChannelDifference` for that channel (`updateChannelTooLong`
//! too). Channel states are kept for the stream's lifetime, not in the session.

mod identity;

use std::collections::{BTreeSet, VecDeque};

use ferrogram_session::UpdateState;
use ferrogram_tl_types::{Deserializable, enums, functions, types};
use tokio::sync::broadcast;
use tracing::{debug, info};

use crate::{Client, InvocationError};

pub use identity::update_identity;

/// What connections tell update streams.
#[derive(Clone, Debug)]
pub(crate) enum Signal {
    /// TL `Updates` bytes pushed by the server.
    Raw(Vec<u8>),
    /// The server made a new session: updates may have been missed.
    NewSession,
    /// The home connection was dropped and opened again: the new one gets
    /// no updates until it carries a query, and some may have been missed.
    Reconnected,
}

/// A stream of updates with gap detection; see the module docs.
#[derive(Debug)]
pub struct UpdateStream {
    client: Client,
    rx: broadcast::Receiver<Signal>,
    state: UpdateState,
    pending: VecDeque<enums::Update>,
    started: bool,
    /// Work taken from the connection and not finished (a call cut short, or
    /// an error): the next call asks for the difference first…
    resync: bool,
    /// …and for these channels' differences.
    resync_channels: BTreeSet<i64>,
    /// The updates queued, in batches (oldest first): how many of each are
    /// not handled yet, and the state once they are (what is then saved).
    batches: VecDeque<(usize, UpdateState)>,
    /// An update was returned and counts as handled at the next call.
    returned: bool,
}

/// The channel id of a message's peer.
fn channel_of(m: &enums::Message) -> Option<i64> {
    let peer = match m {
        enums::Message::Message(m) => &m.peer_id,
        enums::Message::Service(m) => &m.peer_id,
        enums::Message::Empty(m) => m.peer_id.as_ref()?,
    };
    match peer {
        enums::Peer::Channel(c) => Some(c.channel_id),
        _ => None,
    }
}

/// The channel, `pts` and `pts_count` of a channel update, if it is one.
fn channel_pts(u: &enums::Update) -> Option<(i64, i32, i32)> {
    Some(match u {
        enums::Update::NewChannelMessage(x) => (channel_of(&x.message)?, x.pts, x.pts_count),
        enums::Update::EditChannelMessage(x) => (channel_of(&x.message)?, x.pts, x.pts_count),
        enums::Update::DeleteChannelMessages(x) => (x.channel_id, x.pts, x.pts_count),
        enums::Update::ChannelWebPage(x) => (x.channel_id, x.pts, x.pts_count),
        enums::Update::PinnedChannelMessages(x) => (x.channel_id, x.pts, x.pts_count),
        _ => return None,
    })
}

/// The `pts` and `pts_count` of an update of the common box, if it has them.
fn common_pts(u: &enums::Update) -> Option<(i32, i32)> {
    Some(match u {
        enums::Update::NewMessage(x) => (x.pts, x.pts_count),
        enums::Update::DeleteMessages(x) => (x.pts, x.pts_count),
        enums::Update::EditMessage(x) => (x.pts, x.pts_count),
        enums::Update::ReadHistoryInbox(x) => (x.pts, x.pts_count),
        enums::Update::ReadHistoryOutbox(x) => (x.pts, x.pts_count),
        enums::Update::ReadMessagesContents(x) => (x.pts, x.pts_count),
        enums::Update::WebPage(x) => (x.pts, x.pts_count),
        _ => return None,
    })
}

/// The qts of an update of the secondary box (bots' membership, reaction and
/// boost updates, secret chats): each takes one.
fn qts_of(u: &enums::Update) -> Option<i32> {
    Some(match u {
        enums::Update::ChannelParticipant(x) => x.qts,
        enums::Update::ChatParticipant(x) => x.qts,
        enums::Update::BotChatInviteRequester(x) => x.qts,
        enums::Update::BotStopped(x) => x.qts,
        enums::Update::BotChatBoost(x) => x.qts,
        enums::Update::BotMessageReaction(x) => x.qts,
        enums::Update::BotMessageReactions(x) => x.qts,
        enums::Update::NewEncryptedMessage(x) => x.qts,
        _ => return None,
    })
}

/// A `message` with only the fields an `updateShort(Chat)Message` carries.
fn short_message(
    out: bool,
    id: i32,
    from: i64,
    peer: enums::Peer,
    date: i32,
    text: &str,
) -> enums::Message {
    enums::Message::from(types::Message {
        out,
        id,
        from_id: Some(enums::Peer::from(types::PeerUser { user_id: from })),
        date,
        message: text.into(),
        ..types::Message::new(peer)
    })
}

impl UpdateStream {
    pub(crate) fn new(client: Client) -> Self {
        let rx = client.subscribe_signals();
        let state = client.session().update_state();
        Self {
            client,
            rx,
            state,
            pending: VecDeque::new(),
            started: false,
            resync: false,
            resync_channels: BTreeSet::new(),
            batches: VecDeque::new(),
            returned: false,
        }
    }

    /// The state as far as updates have been fetched (the session holds
    /// the state as far as they have been handled).
    pub fn state(&self) -> &UpdateState {
        &self.state
    }

    /// The next update. Waits for one; catches up with `updates.getDifference`
    /// whenever a gap shows.
    ///
    /// Cancel safety: the future may be dropped at any await (in a
    /// `tokio::select!` with a timeout, say) without losing an update.
    /// Updates already applied wait in the stream for the next call. A
    /// signal taken from the connection and not handled to the end (an
    /// update whose peers were being saved, a difference being fetched after
    /// a gap or a reconnection) is not forgotten: the state moves only as
    /// updates are queued, and the next call first asks for the difference
    /// from there (and the channel differences of the channels it named), so
    /// what was lost is fetched even if no later update shows a gap. A first
    /// call dropped while establishing the starting point establishes it
    /// again.
    pub async fn next(&mut self) -> Result<enums::Update, InvocationError> {
        self.commit()?;
        loop {
            if let Some(u) = self.pending.pop_front() {
                self.returned = true;
                return Ok(u);
            }
            if !self.started {
                self.catch_up().await?;
                continue;
            }
            if self.resync {
                self.difference().await?;
                self.resync = false;
                continue;
            }
            if let Some(&channel_id) = self.resync_channels.first() {
                self.channel_difference(channel_id).await?;
                self.resync_channels.remove(&channel_id);
                continue;
            }
            match self.rx.recv().await {
                Ok(Signal::Raw(bytes)) => {
                    let Ok(updates) = enums::Updates::from_bytes(&bytes) else {
                        debug!("ignoring an undecodable update");
                        continue;
                    };
                    // Taken from the connection: until handled to the end,
                    // a call cut short leaves a difference to ask.
                    self.resync = true;
                    self.resync_channels
                        .extend(self.known_channels_of(&updates));
                    self.handle(updates).await?;
                    self.resync = false;
                    self.resync_channels.clear();
                }
                Ok(Signal::NewSession | Signal::Reconnected)
                | Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.resync = true;
                    self.difference().await?;
                    self.resync = false;
                }
                Err(broadcast::error::RecvError::Closed) => return Err(InvocationError::Dropped),
            }
        }
    }

    /// Establishes the starting point: the stored state's difference (what was
    /// missed while away), or, with no stored state, `updates.getState`. Called by
    /// the first [`UpdateStream::next`]; call it yourself to be sure that nothing
    /// that happens afterwards is missed.
    pub async fn catch_up(&mut self) -> Result<(), InvocationError> {
        if self.state.pts == 0 && self.state.date == 0 {
            let enums::updates::State::State(s) =
                self.client.invoke(&functions::updates::GetState {}).await?;
            self.state.pts = s.pts;
            self.state.qts = s.qts;
            self.state.date = s.date;
            self.state.seq = s.seq;
        } else {
            self.difference().await?;
            // Channels whose pts the session kept: what they had meanwhile.
            let known: Vec<i64> = self.state.channels.keys().copied().collect();
            for channel_id in known {
                self.channel_difference(channel_id).await?;
            }
        }
        // Only now: a call cut short (an error, a dropped future) is made
        // again by the next `next`.
        self.started = true;
        self.save()
    }

    /// The channels named by `updates` whose pts the stream knows (the ones
    /// a channel difference can catch up).
    fn known_channels_of(&self, updates: &enums::Updates) -> Vec<i64> {
        let list = match updates {
            enums::Updates::UpdateShort(u) => std::slice::from_ref(&u.update),
            enums::Updates::Combined(u) => &u.updates[..],
            enums::Updates::Updates(u) => &u.updates[..],
            _ => &[],
        };
        list.iter()
            .filter_map(|u| match u {
                enums::Update::ChannelTooLong(t) => Some(t.channel_id),
                u => channel_pts(u).map(|(channel, _, _)| channel),
            })
            .filter(|c| self.state.channels.contains_key(c))
            .collect()
    }

    /// Marks the update returned last as handled, which the next call to
    /// [`Self::next`] does anyway: once every update fetched with it is
    /// handled too, the state after them is saved to the session, and a
    /// restart no longer sees them. Call it before a clean shutdown.
    pub fn commit(&mut self) -> Result<(), InvocationError> {
        if !std::mem::take(&mut self.returned) {
            return Ok(());
        }
        if let Some(front) = self.batches.front_mut() {
            front.0 = front.0.saturating_sub(1);
        }
        let mut done = None;
        while self.batches.front().is_some_and(|b| b.0 == 0) {
            done = self.batches.pop_front().map(|b| b.1);
        }
        match done {
            Some(state) => {
                self.client.session().set_update_state(&state)?;
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Marks `update` (the one [`Self::next`] returned last) handled by a
    /// handler that saves the state itself, in the transaction that records
    /// its effect: `save` gets the state to save when this update is the
    /// last of its batch (`None` otherwise), and must save it before it
    /// returns `Ok`. With `PostgresSession::handle_update` this makes a
    /// handler exactly-once across crashes (`chat-mgmt/tests/exactly_once.rs`
    /// runs it; `record` below stands for
    /// `store.handle_update(id, state, move |tx| tx.execute(…))`):
    ///
    /// ```no_run
    /// # use ferrogram_client::{Client, update_identity};
    /// # use ferrogram_session::{SessionError, UpdateState};
    /// # fn record(_: Option<String>, _: Option<&UpdateState>, _: String) -> Result<(), SessionError> { Ok(()) }
    /// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut updates = client.updates();
    /// loop {
    ///     let update = updates.next().await?;
    ///     let (id, text) = (update_identity(&update), format!("{update:?}"));
    ///     // Effect, handled mark and (at a batch's end) state: one transaction.
    ///     updates.commit_with(&update, |state| record(id, state, text))?;
    /// }
    /// # }
    /// ```
    ///
    /// When `save` fails the update is not handled: the next call to
    /// [`Self::next`] returns it again.
    pub fn commit_with<T, E>(
        &mut self,
        update: &enums::Update,
        save: impl FnOnce(Option<&UpdateState>) -> Result<T, E>,
    ) -> Result<T, E> {
        let completes = self.returned && self.batches.front().is_some_and(|b| b.0 <= 1);
        let state = if completes {
            self.batches.front().map(|b| b.1.clone())
        } else {
            None
        };
        match save(state.as_ref()) {
            Ok(t) => {
                if std::mem::take(&mut self.returned) {
                    if let Some(front) = self.batches.front_mut() {
                        front.0 = front.0.saturating_sub(1);
                    }
                    while self.batches.front().is_some_and(|b| b.0 == 0) {
                        self.batches.pop_front();
                    }
                }
                Ok(t)
            }
            Err(e) => {
                if std::mem::take(&mut self.returned) {
                    self.pending.push_front(update.clone());
                }
                Err(e)
            }
        }
    }

    /// Called wherever the state moved: the updates queued since the last
    /// call form a batch that saves this state once handled; with none
    /// queued, the state is saved now if nothing is outstanding (else it
    /// rides on the last batch).
    fn save(&mut self) -> Result<(), InvocationError> {
        // Outstanding: those queued, and the one being handled; those not
        // in a batch yet were queued since the last call.
        let outstanding = self.pending.len() + usize::from(self.returned);
        let batched: usize = self.batches.iter().map(|b| b.0).sum();
        let new = outstanding.saturating_sub(batched);
        if new > 0 {
            self.batches.push_back((new, self.state.clone()));
            return Ok(());
        }
        match self.batches.back_mut() {
            Some(last) => last.1 = self.state.clone(),
            None => self.client.session().set_update_state(&self.state)?,
        }
        Ok(())
    }

    /// Applies one update of the common box: Ok(true) if it was new and in order,
    /// Ok(false) if already applied, Err(()) on a gap.
    fn apply_pts(&mut self, pts: i32, count: i32) -> Result<bool, ()> {
        let fresh = pts_step(self.state.pts, pts, count)?;
        if fresh {
            self.state.pts = pts;
        }
        Ok(fresh)
    }

    async fn handle(&mut self, updates: enums::Updates) -> Result<(), InvocationError> {
        match updates {
            enums::Updates::TooLong => self.difference().await,
            enums::Updates::UpdateShortMessage(m) => {
                // Before the state moves: an await cut short here loses
                // nothing the difference will not fetch.
                let me = if m.out {
                    self.client.self_id().await.unwrap_or(0)
                } else {
                    0
                };
                match self.apply_pts(m.pts, m.pts_count) {
                    Ok(true) => {
                        let (from, peer) = if m.out {
                            (me, m.user_id)
                        } else {
                            (m.user_id, m.user_id)
                        };
                        let message = short_message(
                            m.out,
                            m.id,
                            from,
                            enums::Peer::from(types::PeerUser { user_id: peer }),
                            m.date,
                            &m.message,
                        );
                        self.queue_short(message, m.pts, m.pts_count, m.date)
                    }
                    Ok(false) => Ok(()),
                    Err(()) => self.difference().await,
                }
            }
            enums::Updates::UpdateShortChatMessage(m) => match self.apply_pts(m.pts, m.pts_count) {
                Ok(true) => {
                    let message = short_message(
                        m.out,
                        m.id,
                        m.from_id,
                        enums::Peer::from(types::PeerChat { chat_id: m.chat_id }),
                        m.date,
                        &m.message,
                    );
                    self.queue_short(message, m.pts, m.pts_count, m.date)
                }
                Ok(false) => Ok(()),
                Err(()) => self.difference().await,
            },
            enums::Updates::UpdateShortSentMessage(m) => match self.apply_pts(m.pts, m.pts_count) {
                Ok(_) => self.save(),
                Err(()) => self.difference().await,
            },
            enums::Updates::UpdateShort(u) => self.apply_list(vec![u.update], 0, 0, u.date).await,
            enums::Updates::Combined(u) => {
                self.client.save_peers_of(&u.users, &u.chats).await;
                self.apply_list(u.updates, u.seq_start, u.seq, u.date).await
            }
            enums::Updates::Updates(u) => {
                self.client.save_peers_of(&u.users, &u.chats).await;
                self.apply_list(u.updates, u.seq, u.seq, u.date).await
            }
        }
    }

    /// Queues the message of an `updateShort(Chat)Message` whose pts was
    /// just applied.
    fn queue_short(
        &mut self,
        message: enums::Message,
        pts: i32,
        pts_count: i32,
        date: i32,
    ) -> Result<(), InvocationError> {
        self.state.date = date;
        self.pending
            .push_back(enums::Update::from(types::UpdateNewMessage {
                message,
                pts,
                pts_count,
            }));
        self.save()
    }

    async fn apply_list(
        &mut self,
        updates: Vec<enums::Update>,
        seq_start: i32,
        seq: i32,
        date: i32,
    ) -> Result<(), InvocationError> {
        if seq_start != 0 {
            if seq_start <= self.state.seq {
                return Ok(()); // already applied
            }
            // seq comes from the server: i32::MAX must not overflow.
            if seq_start > self.state.seq.saturating_add(1) {
                return self.difference().await;
            }
        }
        for u in updates {
            if let enums::Update::ChannelTooLong(t) = &u {
                self.channel_difference(t.channel_id).await?;
                continue;
            }
            if let Some((channel, pts, count)) = channel_pts(&u) {
                let step = self
                    .state
                    .channels
                    .get(&channel)
                    .map(|&local| pts_step(local, pts, count));
                match step {
                    None | Some(Ok(true)) => {
                        self.state.channels.insert(channel, pts);
                        self.pending.push_back(u);
                    }
                    Some(Ok(false)) => {} // already applied
                    Some(Err(())) => self.channel_difference(channel).await?,
                }
                continue;
            }
            if let Some(qts) = qts_of(&u) {
                match pts_step(self.state.qts, qts, 1) {
                    Ok(true) => {
                        self.state.qts = qts;
                        self.pending.push_back(u);
                    }
                    Ok(false) => {} // already applied
                    Err(()) => return self.difference().await,
                }
                continue;
            }
            match common_pts(&u) {
                Some((pts, count)) => match self.apply_pts(pts, count) {
                    Ok(true) => self.pending.push_back(u),
                    Ok(false) => {}
                    Err(()) => return self.difference().await,
                },
                None => self.pending.push_back(u),
            }
        }
        if seq != 0 {
            self.state.seq = seq;
        }
        if date != 0 {
            self.state.date = date;
        }
        self.save()
    }

    /// Fetches and queues what a channel had since its known pts.
    async fn channel_difference(&mut self, channel_id: i64) -> Result<(), InvocationError> {
        let Some(&from) = self.state.channels.get(&channel_id) else {
            return Ok(()); // nothing known to catch up from
        };
        let marked = ferrogram_session::marked_id(ferrogram_session::PeerKind::Channel, channel_id);
        let Some(access_hash) = self
            .client
            .session()
            .peer(marked)
            .and_then(|p| p.access_hash)
        else {
            info!(
                channel_id,
                "no access hash for a channel with a gap; skipping"
            );
            return Ok(());
        };
        let channel = enums::InputChannel::from(types::InputChannel {
            channel_id,
            access_hash,
        });
        let mut pts = from;
        loop {
            let diff = self
                .client
                .invoke(&functions::updates::GetChannelDifference {
                    force: false,
                    channel: channel.clone(),
                    filter: enums::ChannelMessagesFilter::Empty,
                    pts,
                    limit: 100,
                })
                .await?;
            let done = match diff {
                enums::updates::ChannelDifference::Empty(e) => {
                    pts = e.pts;
                    true
                }
                enums::updates::ChannelDifference::TooLong(t) => {
                    self.client.save_peers_of(&t.users, &t.chats).await;
                    if let enums::Dialog::Dialog(d) = &t.dialog {
                        pts = d.pts.unwrap_or(pts);
                    }
                    info!(
                        channel_id,
                        pts, "channel difference too long; skipping ahead"
                    );
                    for m in t.messages {
                        self.pending.push_back(enums::Update::from(
                            types::UpdateNewChannelMessage {
                                message: m,
                                pts: 0,
                                pts_count: 0,
                            },
                        ));
                    }
                    t.r#final
                }
                enums::updates::ChannelDifference::ChannelDifference(d) => {
                    self.client.save_peers_of(&d.users, &d.chats).await;
                    debug!(channel_id, from = pts, to = d.pts, "channel difference");
                    for m in d.new_messages {
                        self.pending.push_back(enums::Update::from(
                            types::UpdateNewChannelMessage {
                                message: m,
                                pts: 0,
                                pts_count: 0,
                            },
                        ));
                    }
                    self.pending.extend(d.other_updates);
                    pts = d.pts;
                    d.r#final
                }
            };
            self.state.channels.insert(channel_id, pts);
            if done {
                return self.save();
            }
        }
    }

    /// Fetches and queues everything missed since the stored state.
    async fn difference(&mut self) -> Result<(), InvocationError> {
        loop {
            let diff = self
                .client
                .invoke(&functions::updates::GetDifference {
                    pts: self.state.pts,
                    date: self.state.date,
                    qts: self.state.qts,
                    ..Default::default()
                })
                .await?;
            let (messages, others, state, done) = match diff {
                enums::updates::Difference::Empty(e) => {
                    self.state.date = e.date;
                    self.state.seq = e.seq;
                    return self.save();
                }
                enums::updates::Difference::TooLong(t) => {
                    info!(
                        pts = t.pts,
                        "difference too long; skipping to the server's pts"
                    );
                    self.state.pts = t.pts;
                    return self.save();
                }
                enums::updates::Difference::Difference(d) => {
                    self.client.save_peers_of(&d.users, &d.chats).await;
                    (d.new_messages, d.other_updates, d.state, true)
                }
                enums::updates::Difference::Slice(d) => {
                    self.client.save_peers_of(&d.users, &d.chats).await;
                    (d.new_messages, d.other_updates, d.intermediate_state, false)
                }
            };
            let enums::updates::State::State(s) = state;
            debug!(
                from = self.state.pts,
                to = s.pts,
                messages = messages.len(),
                "difference"
            );
            // Messages from a difference carry no pts of their own.
            for m in messages {
                self.pending
                    .push_back(enums::Update::from(types::UpdateNewMessage {
                        message: m,
                        pts: 0,
                        pts_count: 0,
                    }));
            }
            self.pending.extend(others);
            self.state.pts = s.pts;
            self.state.qts = s.qts;
            self.state.date = s.date;
            self.state.seq = s.seq;
            self.save()?;
            if done {
                return Ok(());
            }
        }
    }
}

impl Client {
    /// A stream of incoming updates with gap detection (see [`UpdateStream`]).
    pub fn updates(&self) -> UpdateStream {
        UpdateStream::new(self.clone())
    }
}

/// An update carrying `pts` and `pts_count` against the local `pts`: Ok(true) if
/// it is the next one, Ok(false) if already applied, Err(()) on a gap. Both come
/// from the server, so the sum saturates: a hostile count is a gap or an old
/// update, never an overflow.
fn pts_step(local: i32, pts: i32, count: i32) -> Result<bool, ()> {
    let expected = local.saturating_add(count);
    if pts == expected {
        Ok(true)
    } else if pts < expected {
        Ok(false)
    } else {
        Err(())
    }
}

#[cfg(test)]
mod tests {
    use super::pts_step;

    #[test]
    fn pts_steps_and_hostile_counts() {
        assert_eq!(pts_step(10, 11, 1), Ok(true));
        assert_eq!(pts_step(10, 10, 1), Ok(false));
        assert_eq!(pts_step(10, 13, 1), Err(()));
        // Once an overflow in debug builds.
        assert_eq!(pts_step(i32::MAX - 1, 5, i32::MAX), Ok(false));
        assert_eq!(pts_step(i32::MAX, i32::MAX, 1), Ok(true));
    }
}
