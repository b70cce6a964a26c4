//! The client's side of an encrypted session.

use std::collections::VecDeque;

/// The session's maps, keyed by our own msg_ids and hashed on every request:
/// foldhash with a fixed seed (no clock read for one, no key chosen by the
/// peer to collide with).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use ferrogram_tl_types::service::{
    ContainerMessage, GzipPacked, MessageContainer, RpcError, RpcResult,
};
use ferrogram_tl_types::{Deserializable, Identifiable, Serializable, enums, functions, types};
use rand_core::RngCore;

use super::msg_id::RecentIds;
use super::*;
use crate::crypto::{AuthKey, Direction};

/// The caller's handle on a request.
pub type RequestId = u64;

/// What the client learned from a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request was answered: the result's TL bytes (already inflated), or its error.
    Result {
        /// The request.
        request: RequestId,
        /// The answer.
        result: Result<Vec<u8>, RpcError>,
    },
    /// A request will not be answered (bad_msg_notification the session cannot fix).
    Failed {
        /// The request.
        request: RequestId,
        /// The notification's error code.
        code: i32,
    },
    /// Something the server sent unasked: updates, mostly.
    Update(Vec<u8>),
    /// The server made a new session: updates may have been missed since `first_msg_id`.
    NewSession {
        /// The first msg_id the new session covers.
        first_msg_id: i64,
    },
    /// The clock offset was corrected (bad_msg_notification 16 or 17).
    TimeCorrected {
        /// The new offset in seconds.
        offset: i64,
    },
}

#[derive(Clone, Debug)]
struct Sent {
    request: RequestId,
    body: Vec<u8>,
    seqno: i32,
}

/// The client side of an encrypted session.
#[derive(Debug)]
pub struct ClientSession {
    auth_key: AuthKey,
    session_id: i64,
    salt: i64,
    future_salts: Vec<types::FutureSalt>,
    msg_ids: MsgIdGenerator,
    seq: i32,
    pending_acks: Vec<i64>,
    queue: VecDeque<(RequestId, Vec<u8>)>,
    in_flight: HashMap<i64, Sent>,
    /// Sent containers still holding an unanswered message: their msg_ids and
    /// how many of those are still in flight.
    containers: HashMap<i64, Container>,
    /// The container each in-flight message went in, if it went in one.
    container_of: HashMap<i64, i64>,
    seen: RecentIds,
    next_request: RequestId,
}

/// A sent `msg_container`: the msg_ids in it and how many are unanswered.
#[derive(Debug)]
struct Container {
    ids: Vec<i64>,
    live: usize,
}

impl ClientSession {
    /// A session over `auth_key` with a random session id.
    pub fn new(auth_key: AuthKey, salt: i64, time_offset: i64, rng: &mut impl RngCore) -> Self {
        let mut msg_ids = MsgIdGenerator::new(false);
        msg_ids.time_offset = time_offset;
        Self {
            auth_key,
            session_id: rng.next_u64() as i64,
            salt,
            future_salts: Vec::new(),
            msg_ids,
            seq: 0,
            pending_acks: Vec::new(),
            queue: VecDeque::new(),
            in_flight: HashMap::default(),
            containers: HashMap::default(),
            container_of: HashMap::default(),
            seen: RecentIds::default(),
            next_request: 1,
        }
    }

    /// The session id.
    pub fn session_id(&self) -> i64 {
        self.session_id
    }

    /// The current server salt.
    pub fn salt(&self) -> i64 {
        self.salt
    }

    /// The clock offset in use, in seconds.
    pub fn time_offset(&self) -> i64 {
        self.msg_ids.time_offset
    }

    /// The auth key.
    pub fn auth_key(&self) -> &AuthKey {
        &self.auth_key
    }

    /// Requests sent and not answered yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Queues a request (a serialized function) and returns its handle.
    pub fn enqueue(&mut self, body: Vec<u8>) -> RequestId {
        let id = self.next_request;
        self.next_request = self.next_request.wrapping_add(1);
        self.queue.push_back((id, body));
        id
    }

    /// Whether there is anything to send (requests or acks).
    pub fn wants_transmit(&self) -> bool {
        !self.queue.is_empty() || !self.pending_acks.is_empty()
    }

    /// Moves to the future salt valid at `now` once the current one's time has come,
    /// forgets expired ones, and says whether to ask for more: true when fewer than two
    /// salts are known beyond the current one (see [`Self::request_future_salts`]).
    pub fn needs_future_salts(&mut self, now: Timestamp) -> bool {
        let server_now = now.secs.saturating_add(self.msg_ids.time_offset);
        self.future_salts
            .retain(|s| i64::from(s.valid_until) > server_now.saturating_add(60));
        if let Some(s) = self
            .future_salts
            .iter()
            .filter(|s| i64::from(s.valid_since) <= server_now)
            .max_by_key(|s| s.valid_since)
        {
            self.salt = s.salt;
        }
        self.future_salts
            .iter()
            .filter(|s| i64::from(s.valid_since) > server_now)
            .count()
            < 2
    }

    /// Queues `get_future_salts(64)`; the answer is stored when it arrives (and also
    /// reported as the request's result).
    pub fn request_future_salts(&mut self, _now: Timestamp) -> RequestId {
        self.enqueue(functions::GetFutureSalts { num: 64 }.to_bytes())
    }

    fn next_seq(&mut self, content_related: bool) -> i32 {
        if content_related {
            // seq_no counters wrap like the i32 they are sent as.
            let s = self.seq.wrapping_mul(2).wrapping_add(1);
            self.seq = self.seq.wrapping_add(1);
            s
        } else {
            self.seq.wrapping_mul(2)
        }
    }

    /// Packs queued requests and pending acks into one encrypted packet (a container
    /// when there is more than one message), or None if there is nothing to send.
    pub fn poll_transmit(&mut self, now: Timestamp, rng: &mut impl RngCore) -> Option<Vec<u8>> {
        let mut messages: Vec<ContainerMessage> = Vec::new();
        let mut size = 0usize;
        if !self.pending_acks.is_empty() {
            let ack = enums::MsgsAck::from(types::MsgsAck {
                msg_ids: std::mem::take(&mut self.pending_acks),
            })
            .to_bytes();
            size = size.saturating_add(ack.len()).saturating_add(16);
            let msg_id = self.msg_ids.next(now);
            let seqno = self.next_seq(false);
            messages.push(ContainerMessage {
                msg_id,
                seqno,
                body: ack,
            });
        }
        while let Some((_, front)) = self.queue.front() {
            // Small bodies go as they are: one copy (the wire's; the queue's
            // own moves to `in_flight` for resends), none for a trial.
            let packed =
                (front.len() >= COMPRESSION_THRESHOLD).then(|| maybe_compress(front.clone()));
            let wire_len = packed.as_ref().map_or(front.len(), Vec::len);
            if !messages.is_empty()
                && (messages.len() >= MessageContainer::MAX_MESSAGES
                    || size.saturating_add(wire_len).saturating_add(16)
                        > MessageContainer::MAX_SIZE)
            {
                break;
            }
            let Some((request, body)) = self.queue.pop_front() else {
                break;
            };
            let wire = packed.unwrap_or_else(|| body.clone());
            size = size.saturating_add(wire.len()).saturating_add(16);
            let msg_id = self.msg_ids.next(now);
            let seqno = self.next_seq(is_content_related(&body));
            self.in_flight.insert(
                msg_id,
                Sent {
                    request,
                    body,
                    seqno,
                },
            );
            messages.push(ContainerMessage {
                msg_id,
                seqno,
                body: wire,
            });
        }
        if messages.is_empty() {
            return None;
        }
        Some(self.seal(messages, now, rng))
    }

    /// After a reconnect: every request sent and not yet answered, encrypted again
    /// with its original msg_id and seq_no (packed into containers within their
    /// limits), so the server recognises resends and never executes one twice.
    /// Requests whose msg_id has become too old for the server's window (older
    /// than 280 s) are queued again as new messages instead.
    pub fn retransmit_in_flight(&mut self, now: Timestamp, rng: &mut impl RngCore) -> Vec<Vec<u8>> {
        let mut ids: Vec<i64> = self.in_flight.keys().copied().collect();
        ids.sort_unstable();
        // The containers sent before are superseded by the ones sealed here.
        self.containers.clear();
        self.container_of.clear();
        let oldest_ok = now
            .secs
            .saturating_add(self.msg_ids.time_offset)
            .saturating_sub(280)
            .saturating_mul(1 << 32);
        let mut packets = Vec::new();
        let mut batch: Vec<ContainerMessage> = Vec::new();
        let mut size = 0usize;
        let mut stale = Vec::new();
        for id in ids {
            if id < oldest_ok {
                stale.push(id);
                continue;
            }
            let Some((body, seqno)) = self.in_flight.get(&id).map(|s| (s.body.clone(), s.seqno))
            else {
                continue;
            };
            let wire = maybe_compress(body);
            if !batch.is_empty()
                && (batch.len() >= MessageContainer::MAX_MESSAGES
                    || size.saturating_add(wire.len()).saturating_add(16)
                        > MessageContainer::MAX_SIZE)
            {
                packets.push(self.seal(std::mem::take(&mut batch), now, rng));
                size = 0;
            }
            size = size.saturating_add(wire.len()).saturating_add(16);
            batch.push(ContainerMessage {
                msg_id: id,
                seqno,
                body: wire,
            });
        }
        if !batch.is_empty() {
            packets.push(self.seal(batch, now, rng));
        }
        for id in stale.into_iter().rev() {
            if let Some(sent) = self.take_in_flight(id) {
                self.queue.push_front((sent.request, sent.body));
            }
        }
        packets
    }

    /// Encrypts already-numbered messages: one alone, or several in a container.
    fn seal(
        &mut self,
        mut messages: Vec<ContainerMessage>,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let (msg_id, seq_no, body) = if messages.len() == 1 {
            let m = messages.remove(0);
            (m.msg_id, m.seqno, m.body)
        } else {
            let ids: Vec<i64> = messages.iter().map(|m| m.msg_id).collect();
            let container = MessageContainer { messages }.to_bytes();
            let msg_id = self.msg_ids.next(now);
            let seq_no = self.next_seq(false);
            let mut live = 0usize;
            for id in &ids {
                if self.in_flight.contains_key(id) {
                    self.container_of.insert(*id, msg_id);
                    live = live.saturating_add(1);
                }
            }
            if live > 0 {
                self.containers.insert(msg_id, Container { ids, live });
            }
            (msg_id, seq_no, container)
        };
        let env = Envelope {
            salt: self.salt,
            session_id: self.session_id,
            msg_id,
            seq_no,
            body,
        };
        encrypt_message(&self.auth_key, Direction::ClientToServer, &env, rng)
    }

    /// Forgets every queued and unanswered request (their callers have been told
    /// they failed): nothing of them is sent or resent afterwards.
    pub fn forget_pending(&mut self) {
        self.queue.clear();
        self.in_flight.clear();
        self.containers.clear();
        self.container_of.clear();
    }

    /// Drops request `request` from the queue if it has not been sent yet (true).
    /// A request already sent stays in flight; its answer still comes as an event,
    /// for the caller to ignore.
    pub fn cancel(&mut self, request: RequestId) -> bool {
        match self.queue.iter().position(|(r, _)| *r == request) {
            Some(i) => {
                self.queue.remove(i);
                true
            }
            None => false,
        }
    }

    /// Takes a message out of the in-flight set, and its container out of
    /// the containers once none of its messages is left: constant time per
    /// answer, however many containers are in flight.
    fn take_in_flight(&mut self, msg_id: i64) -> Option<Sent> {
        let sent = self.in_flight.remove(&msg_id)?;
        if let Some(c) = self.container_of.remove(&msg_id)
            && let Some(container) = self.containers.get_mut(&c)
        {
            container.live = container.live.saturating_sub(1);
            if container.live == 0 {
                self.containers.remove(&c);
            }
        }
        Some(sent)
    }

    /// The msg_ids of a sent container (removing it), or `msg_id` alone.
    fn take_container(&mut self, msg_id: i64) -> Vec<i64> {
        self.containers
            .remove(&msg_id)
            .map_or_else(|| vec![msg_id], |c| c.ids)
    }

    /// Puts a sent message (or every message of a sent container) back in the queue.
    fn resend(&mut self, msg_id: i64) {
        let ids = self.take_container(msg_id);
        for id in ids.into_iter().rev() {
            if let Some(sent) = self.take_in_flight(id) {
                self.queue.push_front((sent.request, sent.body));
            }
        }
    }

    /// Handles one received packet.
    pub fn handle_packet(
        &mut self,
        packet: &[u8],
        now: Timestamp,
    ) -> Result<Vec<Event>, SessionError> {
        let mut events = Vec::new();
        self.handle_packet_into(packet, now, &mut events)?;
        Ok(events)
    }

    /// [`Self::handle_packet`], with the events appended to `events`. When a
    /// packet fails half-way (a container whose third message is not valid TL),
    /// the events of the messages before the failure are in `events` even though
    /// an error is returned: their requests are no longer in flight, so a caller
    /// must deliver them (a client then reconnects, and what was still in flight
    /// is resent).
    pub fn handle_packet_into(
        &mut self,
        packet: &[u8],
        now: Timestamp,
        events: &mut Vec<Event>,
    ) -> Result<(), SessionError> {
        let env = decrypt_message(&self.auth_key, Direction::ServerToClient, packet)?;
        if env.session_id != self.session_id {
            return Err(SessionError::WrongSession {
                got: env.session_id,
                ours: self.session_id,
            });
        }
        let exempt = self.corrects_our_clock(&env.body);
        if self.check_incoming_id(env.msg_id, now, exempt)? {
            events.push(Event::TimeCorrected {
                offset: self.msg_ids.time_offset,
            });
        }
        self.handle_message(env.msg_id, env.seq_no, &env.body, now, events, 0)
    }

    /// A bad_msg_notification 16/17 about a message we have in flight is exempt from
    /// the time window: it arrives precisely because our clock is off. (A replayed one
    /// could not name a message in flight now.)
    fn corrects_our_clock(&self, body: &[u8]) -> bool {
        if constructor(body) != types::BadMsgNotification::CONSTRUCTOR_ID {
            return false;
        }
        match enums::BadMsgNotification::from_bytes(body) {
            Ok(enums::BadMsgNotification::BadMsgNotification(b)) => {
                matches!(b.error_code, 16 | 17)
                    && (self.in_flight.contains_key(&b.bad_msg_id)
                        || self.containers.contains_key(&b.bad_msg_id))
            }
            _ => false,
        }
    }

    fn check_incoming_id(
        &mut self,
        msg_id: i64,
        now: Timestamp,
        exempt_from_time: bool,
    ) -> Result<bool, SessionError> {
        if msg_id & 1 == 0 {
            return Err(SessionError::MsgIdParity(msg_id));
        }
        let skew = (msg_id >> 32).saturating_sub(now.secs.saturating_add(self.msg_ids.time_offset));
        // An authentic message from the server's future: our clock fell behind
        // (a suspended machine, a corrected clock, a server clock moved on). A
        // replay cannot come from the future, so the offset is corrected, as
        // bad_msg_notification 16/17 would, and the message taken (true);
        // messages from too far in the past are still refused.
        let corrected = !exempt_from_time && skew > MSG_ID_FUTURE;
        if corrected {
            self.msg_ids.correct_from(msg_id, now);
        } else if !exempt_from_time && skew < -MSG_ID_PAST {
            return Err(SessionError::MsgIdTime { msg_id, skew });
        }
        if !self.seen.insert(msg_id) {
            return Err(SessionError::Duplicate(msg_id));
        }
        Ok(corrected)
    }

    fn handle_message(
        &mut self,
        msg_id: i64,
        seq_no: i32,
        body: &[u8],
        now: Timestamp,
        events: &mut Vec<Event>,
        depth: u32,
    ) -> Result<(), SessionError> {
        if depth > MAX_NESTING {
            return Err(SessionError::TooDeep);
        }
        if seq_no & 1 == 1 {
            self.pending_acks.push(msg_id);
        }
        match constructor(body) {
            MessageContainer::CONSTRUCTOR_ID => {
                let c = MessageContainer::from_bytes(body)?;
                if c.messages.len() > MessageContainer::MAX_MESSAGES {
                    return Err(SessionError::ContainerTooLarge(c.messages.len()));
                }
                for m in c.messages {
                    self.handle_message(
                        m.msg_id,
                        m.seqno,
                        &m.body,
                        now,
                        events,
                        depth.saturating_add(1),
                    )?;
                }
            }
            GzipPacked::CONSTRUCTOR_ID => {
                let g = GzipPacked::from_bytes(body)?;
                let inner = gunzip(&g.packed_data)?;
                // The seq_no was acknowledged above already.
                self.handle_message(
                    msg_id,
                    seq_no & !1,
                    &inner,
                    now,
                    events,
                    depth.saturating_add(1),
                )?;
            }
            RpcResult::CONSTRUCTOR_ID => self.handle_rpc_result(body, events)?,
            types::BadServerSalt::CONSTRUCTOR_ID => {
                let enums::BadMsgNotification::BadServerSalt(b) =
                    enums::BadMsgNotification::from_bytes(body)?
                else {
                    return Ok(());
                };
                self.salt = b.new_server_salt;
                self.resend(b.bad_msg_id);
            }
            types::BadMsgNotification::CONSTRUCTOR_ID => {
                self.handle_bad_msg(msg_id, body, now, events)?;
            }
            types::NewSessionCreated::CONSTRUCTOR_ID => {
                let enums::NewSession::Created(n) = enums::NewSession::from_bytes(body)?;
                self.salt = n.server_salt;
                events.push(Event::NewSession {
                    first_msg_id: n.first_msg_id,
                });
            }
            types::Pong::CONSTRUCTOR_ID => {
                let enums::Pong::Pong(p) = enums::Pong::from_bytes(body)?;
                self.resolve(p.msg_id, body, events);
            }
            types::FutureSalts::CONSTRUCTOR_ID => {
                let enums::FutureSalts::FutureSalts(f) = enums::FutureSalts::from_bytes(body)?;
                self.future_salts = f.salts.clone();
                self.resolve(f.req_msg_id, body, events);
            }
            types::MsgsStateInfo::CONSTRUCTOR_ID => {
                // The answer to a msgs_state_req of ours names it by req_msg_id.
                let enums::MsgsStateInfo::MsgsStateInfo(info) =
                    enums::MsgsStateInfo::from_bytes(body)?;
                if !self.resolve(info.req_msg_id, body, events) {
                    events.push(Event::Update(body.to_vec()));
                }
            }
            types::MsgsAck::CONSTRUCTOR_ID => {}
            types::MsgDetailedInfo::CONSTRUCTOR_ID | types::MsgNewDetailedInfo::CONSTRUCTOR_ID => {
                let info = enums::MsgDetailedInfo::from_bytes(body)?;
                let answer = match info {
                    enums::MsgDetailedInfo::MsgDetailedInfo(i) => i.answer_msg_id,
                    enums::MsgDetailedInfo::MsgNewDetailedInfo(i) => i.answer_msg_id,
                };
                self.pending_acks.push(answer);
            }
            types::MsgsStateReq::CONSTRUCTOR_ID => {
                let enums::MsgsStateReq::MsgsStateReq(req) = enums::MsgsStateReq::from_bytes(body)?;
                // 1: nothing is known about these messages from our side.
                let info = enums::MsgsStateInfo::from(types::MsgsStateInfo {
                    req_msg_id: msg_id,
                    info: vec![1; req.msg_ids.len()],
                });
                self.queue.push_front((0, info.to_bytes()));
            }
            types::DestroySessionOk::CONSTRUCTOR_ID | types::DestroySessionNone::CONSTRUCTOR_ID => {
                self.handle_destroy_session(body, events)?;
            }
            _ => events.push(Event::Update(body.to_vec())),
        }
        Ok(())
    }

    /// An `rpc_result`: resolves the request it answers (inflating a gzipped
    /// result, telling an `rpc_error` apart).
    fn handle_rpc_result(
        &mut self,
        body: &[u8],
        events: &mut Vec<Event>,
    ) -> Result<(), SessionError> {
        let r = RpcResult::from_bytes(body)?;
        let mut result = r.result;
        if constructor(&result) == GzipPacked::CONSTRUCTOR_ID {
            result = gunzip(&GzipPacked::from_bytes(&result)?.packed_data)?;
        }
        if let Some(sent) = self.take_in_flight(r.req_msg_id) {
            let result = if constructor(&result) == RpcError::CONSTRUCTOR_ID {
                Err(RpcError::from_bytes(&result)?)
            } else {
                Ok(result)
            };
            events.push(Event::Result {
                request: sent.request,
                result,
            });
        }
        Ok(())
    }

    /// A `bad_msg_notification`: corrects the clock or seq_no and resends, or
    /// fails the requests it names.
    fn handle_bad_msg(
        &mut self,
        msg_id: i64,
        body: &[u8],
        now: Timestamp,
        events: &mut Vec<Event>,
    ) -> Result<(), SessionError> {
        let enums::BadMsgNotification::BadMsgNotification(b) =
            enums::BadMsgNotification::from_bytes(body)?
        else {
            return Ok(());
        };
        match b.error_code {
            16 | 17 => {
                self.msg_ids.correct_from(msg_id, now);
                events.push(Event::TimeCorrected {
                    offset: self.msg_ids.time_offset,
                });
                self.resend(b.bad_msg_id);
            }
            32 => {
                self.seq = self.seq.saturating_add(64);
                self.resend(b.bad_msg_id);
            }
            33 => {
                self.seq = self.seq.saturating_sub(16).max(0);
                self.resend(b.bad_msg_id);
            }
            // 48: incorrect salt (bad_server_salt carries the fix); 64: invalid
            // container: send its messages again, one by one if need be.
            48 | 64 => self.resend(b.bad_msg_id),
            code => {
                let ids = self.take_container(b.bad_msg_id);
                for id in ids {
                    if let Some(sent) = self.take_in_flight(id) {
                        events.push(Event::Failed {
                            request: sent.request,
                            code,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// A `destroy_session_ok`/`_none`: resolves the `destroy_session` we sent
    /// for that session, or is passed on.
    fn handle_destroy_session(
        &mut self,
        body: &[u8],
        events: &mut Vec<Event>,
    ) -> Result<(), SessionError> {
        // The answer names the destroyed session, not the request: match the
        // destroy_session we sent for it.
        let destroyed = match enums::DestroySessionRes::from_bytes(body)? {
            enums::DestroySessionRes::DestroySessionOk(d) => d.session_id,
            enums::DestroySessionRes::DestroySessionNone(d) => d.session_id,
        };
        let asked = self.in_flight.iter().find_map(|(id, sent)| {
            functions::DestroySession::from_bytes(&sent.body)
                .ok()
                .filter(|d| d.session_id == destroyed)
                .map(|_| *id)
        });
        match asked.and_then(|id| self.take_in_flight(id)) {
            Some(sent) => events.push(Event::Result {
                request: sent.request,
                result: Ok(body.to_vec()),
            }),
            None => events.push(Event::Update(body.to_vec())),
        }
        Ok(())
    }

    /// Resolves the in-flight request `req_msg_id` with `body`; false if none.
    fn resolve(&mut self, req_msg_id: i64, body: &[u8], events: &mut Vec<Event>) -> bool {
        match self.take_in_flight(req_msg_id) {
            Some(sent) => {
                events.push(Event::Result {
                    request: sent.request,
                    result: Ok(body.to_vec()),
                });
                true
            }
            None => false,
        }
    }

    /// Serialized `ping_delay_disconnect` for keep-alive.
    pub fn ping_delay_disconnect(ping_id: i64, disconnect_delay: i32) -> Vec<u8> {
        functions::PingDelayDisconnect {
            ping_id,
            disconnect_delay,
        }
        .to_bytes()
    }
}
